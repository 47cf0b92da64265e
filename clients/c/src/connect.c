/* Opening the TCP connection, bounded by the caller's timeout. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"

/* Connects fd to addr before the deadline. The socket is non-blocking only while connecting,
 * because connect() itself has no timeout; afterwards it is an ordinary blocking socket. */
static int connect_one(int fd, const struct addrinfo *ai, int64_t deadline)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return BO_ERR_IO;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        /* EINTR leaves a non-blocking connect running, exactly like EINPROGRESS. */
        if (errno != EINPROGRESS && errno != EINTR)
            return BO_ERR_CONNECT;
        int rc = bo_wait_fd(fd, POLLOUT, deadline);
        if (rc != BO_OK)
            return rc;
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
            return BO_ERR_IO;
        if (err != 0) {
            errno = err;
            return BO_ERR_CONNECT;
        }
    }
    if (fcntl(fd, F_SETFL, flags) < 0)
        return BO_ERR_IO;
    /* Calls are small request/answer pairs: do not let Nagle hold a request back. */
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return BO_OK;
}

int bo_tcp_connect(const char *host, uint16_t port, int timeout_ms, int *fd_out, char *msg,
                   size_t msg_size)
{
    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned)port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICSERV};
    struct addrinfo *list = NULL;
    int gai = getaddrinfo(host, service, &hints, &list);
    if (gai != 0) {
        snprintf(msg, msg_size, "cannot resolve %s: %s", host, gai_strerror(gai));
        return BO_ERR_CONNECT;
    }
    /* One deadline for every address the name resolves to. */
    int64_t deadline = bo_deadline(timeout_ms);
    int rc = BO_ERR_CONNECT;
    int err = 0;
    for (const struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        rc = connect_one(fd, ai, deadline);
        if (rc == BO_OK) {
            freeaddrinfo(list);
            *fd_out = fd;
            return BO_OK;
        }
        err = errno;
        close(fd);
        if (rc == BO_ERR_TIMEOUT)
            break;
    }
    freeaddrinfo(list);
    if (rc == BO_ERR_TIMEOUT)
        snprintf(msg, msg_size, "connect to %s:%u timed out after %d ms", host, (unsigned)port,
                 timeout_ms);
    else
        snprintf(msg, msg_size, "connect to %s:%u: %s", host, (unsigned)port, strerror(err));
    return rc;
}
