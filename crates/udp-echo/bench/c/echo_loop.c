/* The yardstick for udp-echo-server --quiet: the same loop in C, one recvfrom and one
 * sendto per datagram, nothing else. compare.sh builds it with the system cc.
 *
 *   cc -O2 -o /tmp/echo_loop crates/udp-echo/bench/c/echo_loop.c
 *   /tmp/echo_loop 8080        (port 0 picks a free one; it prints the one it got)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

int main(int argc, char **argv) {
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    addr.sin_port = htons(argc > 1 ? atoi(argv[1]) : 8080);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    socklen_t len = sizeof addr;
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &len) < 0) {
        perror("echo_loop");
        return 1;
    }
    printf("listening on udp://127.0.0.1:%d\n", ntohs(addr.sin_port));
    fflush(stdout);

    char buf[1024];
    for (;;) {
        struct sockaddr_storage from;
        socklen_t from_len = sizeof from;
        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &from_len);
        if (n < 0) continue;
        for (ssize_t i = 0; i < n; i++)           /* bytes.upper(): a-z only */
            if (buf[i] >= 'a' && buf[i] <= 'z') buf[i] -= 32;
        sendto(fd, buf, n, 0, (struct sockaddr *)&from, from_len);
    }
}
