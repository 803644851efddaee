"""A client written the way the tutorial writes its UDP remote-command client (lesson 5).

For every line on stdin: skip it if empty, stop at 'quit', sendto the server encoded as
UTF-8, take ONE recvfrom(1024), decode it as GBK and print it. Standard library only.

    python3 tutorial_client.py 127.0.0.1 8084
"""
import socket
import sys

server = (sys.argv[1], int(sys.argv[2]))

client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
client.settimeout(10)  # the tutorial has none; a test must never hang

for line in sys.stdin:
    command = line.strip()
    if not command:
        continue
    if command == 'quit':
        break
    client.sendto(command.encode('utf-8'), server)
    reply, _ = client.recvfrom(1024)
    print('result:', reply.decode('gbk'), flush=True)

client.close()
