/* Framing on the socket: a 4-byte big-endian length, then the body.
 *
 * The socket stays in blocking mode, but each send and recv is made non-blocking with
 * MSG_DONTWAIT and poll() waits in between, so one deadline bounds the whole exchange however the
 * kernel splits it. MSG_NOSIGNAL turns a vanished peer into EPIPE instead of SIGPIPE. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"

void bo_disconnect(bo_client *h)
{
    if (h->fd >= 0) {
        close(h->fd);
        h->fd = -1;
    }
}

static int io_error(bo_client *h, const char *what)
{
    if (errno == EPIPE || errno == ECONNRESET)
        return bo_fail(h, BO_ERR_CLOSED, "%s: the server closed the connection", what);
    return bo_fail(h, BO_ERR_IO, "%s: %s", what, strerror(errno));
}

/* Sends len bytes; *done counts the bytes that went out, even on failure. */
static int send_all(bo_client *h, const uint8_t *p, size_t len, int64_t deadline, size_t *done)
{
    *done = 0;
    while (*done < len) {
        ssize_t n = send(h->fd, p + *done, len - *done, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n >= 0) {
            *done += (size_t)n;
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return io_error(h, "sending");
        int rc = bo_wait_fd(h->fd, POLLOUT, deadline);
        if (rc == BO_ERR_TIMEOUT)
            return bo_fail(h, rc, "timed out sending the request");
        if (rc != BO_OK)
            return io_error(h, "waiting to send");
    }
    return BO_OK;
}

/* Receives exactly len bytes; *done counts the bytes that arrived, even on failure. */
static int recv_all(bo_client *h, uint8_t *p, size_t len, int64_t deadline, size_t *done)
{
    *done = 0;
    while (*done < len) {
        ssize_t n = recv(h->fd, p + *done, len - *done, MSG_DONTWAIT);
        if (n > 0) {
            *done += (size_t)n;
            continue;
        }
        if (n == 0)
            return bo_fail(h, BO_ERR_CLOSED, "the server closed the connection%s",
                           *done > 0 ? " in the middle of a frame" : "");
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return io_error(h, "receiving");
        int rc = bo_wait_fd(h->fd, POLLIN, deadline);
        if (rc == BO_ERR_TIMEOUT)
            return bo_fail(h, rc, "timed out waiting for the answer");
        if (rc != BO_OK)
            return io_error(h, "waiting for the answer");
    }
    return BO_OK;
}

int bo_frame_send(bo_client *h, uint8_t *frame, size_t body_len, int64_t deadline)
{
    uint32_t n = (uint32_t)body_len;
    frame[0] = (uint8_t)(n >> 24);
    frame[1] = (uint8_t)(n >> 16);
    frame[2] = (uint8_t)(n >> 8);
    frame[3] = (uint8_t)n;
    size_t sent;
    int rc = send_all(h, frame, BO_PREFIX_BYTES + body_len, deadline, &sent);
    /* A request cut short would make the server read our next one as its remainder, unless
     * nothing at all went out. */
    if (rc != BO_OK && (sent > 0 || rc != BO_ERR_TIMEOUT))
        bo_disconnect(h);
    return rc;
}

int bo_frame_recv(bo_client *h, int64_t deadline, uint8_t **body, size_t *len)
{
    *body = NULL;
    *len = 0;
    uint8_t prefix[BO_PREFIX_BYTES];
    size_t got;
    int rc = recv_all(h, prefix, sizeof prefix, deadline, &got);
    if (rc != BO_OK) {
        /* A timeout between frames leaves the stream in step: the late answer will arrive with
         * its call_id and be skipped, so the connection stays usable. */
        if (got > 0 || rc != BO_ERR_TIMEOUT)
            bo_disconnect(h);
        return rc;
    }
    uint32_t n = (uint32_t)prefix[0] << 24 | (uint32_t)prefix[1] << 16 |
                 (uint32_t)prefix[2] << 8 | (uint32_t)prefix[3];
    /* Checked before allocating: a hostile or broken length must not make us reserve memory. */
    if (n > h->max_frame) {
        bo_disconnect(h);
        return bo_fail(h, BO_ERR_FRAME_TOO_LARGE,
                       "the answer frame of %u bytes is over the maximum of %u bytes", n,
                       h->max_frame);
    }
    uint8_t *buf = malloc(n > 0 ? n : 1);
    if (buf == NULL) {
        bo_disconnect(h);
        return bo_fail(h, BO_ERR_NOMEM, "out of memory for a %u-byte answer", n);
    }
    rc = recv_all(h, buf, n, deadline, &got);
    if (rc != BO_OK) {
        free(buf);
        bo_disconnect(h);
        return rc;
    }
    *body = buf;
    *len = n;
    return BO_OK;
}
