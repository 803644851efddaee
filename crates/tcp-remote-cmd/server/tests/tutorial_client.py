"""A client written the way the tutorial writes its TCP remote-command client (lesson 4).

Connects once; for every line on stdin: skip it if empty, stop at 'quit', send it encoded as
UTF-8, take ONE recv(1024), decode it as GBK and print it. Standard library only.

    python3 tutorial_client.py 127.0.0.1 8083
"""
import socket
import sys

host, port = sys.argv[1], int(sys.argv[2])

conn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
conn.settimeout(10)  # the tutorial has none; a test must never hang
conn.connect((host, port))

for line in sys.stdin:
    command = line.strip()
    if not command:
        continue
    if command == 'quit':
        break
    conn.send(command.encode('utf-8'))
    reply = conn.recv(1024)
    print('result:', reply.decode('gbk'), flush=True)

conn.close()
