#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fake.h"

/* How long the fake waits for the client, so a client bug cannot hang the tests forever. */
#define PATIENCE_MS 10000

static int read_exact(int fd, uint8_t *p, size_t len)
{
    while (len > 0) {
        struct pollfd pf = {.fd = fd, .events = POLLIN};
        if (poll(&pf, 1, PATIENCE_MS) <= 0)
            return -1;
        ssize_t n = recv(fd, p, len, 0);
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Reads one request frame and drops it: what matters is the reply. */
static int read_request(int fd)
{
    uint8_t prefix[4], byte;
    if (read_exact(fd, prefix, sizeof prefix) != 0)
        return -1;
    uint32_t n = (uint32_t)prefix[0] << 24 | (uint32_t)prefix[1] << 16 |
                 (uint32_t)prefix[2] << 8 | prefix[3];
    for (uint32_t i = 0; i < n; i++)
        if (read_exact(fd, &byte, 1) != 0)
            return -1;
    return 0;
}

static void *serve(void *arg)
{
    fake_server *f = arg;
    struct pollfd pf = {.fd = f->listen_fd, .events = POLLIN};
    if (poll(&pf, 1, PATIENCE_MS) <= 0)
        return NULL;
    int fd = accept(f->listen_fd, NULL, NULL);
    if (fd < 0)
        return NULL;
    if (read_request(fd) == 0 && f->reply_len > 0)
        send(fd, f->reply, f->reply_len, MSG_NOSIGNAL);
    if (!f->hang_up) {
        uint8_t sink;
        while (read_exact(fd, &sink, 1) == 0) {
        }
    }
    close(fd);
    return NULL;
}

static int listen_any(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 1) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

int fake_start(fake_server *f, const uint8_t *reply, size_t reply_len, int hang_up)
{
    memset(f, 0, sizeof *f);
    f->reply = reply;
    f->reply_len = reply_len;
    f->hang_up = hang_up;
    f->listen_fd = listen_any(&f->port);
    if (f->listen_fd < 0)
        return -1;
    if (pthread_create(&f->thread, NULL, serve, f) != 0) {
        close(f->listen_fd);
        f->listen_fd = -1;
        return -1;
    }
    return 0;
}

void fake_stop(fake_server *f)
{
    if (f->listen_fd < 0)
        return;
    pthread_join(f->thread, NULL);
    close(f->listen_fd);
}

uint16_t closed_port(void)
{
    uint16_t port = 0;
    int fd = listen_any(&port);
    if (fd >= 0)
        close(fd);
    return port;
}
