/* Deadlines and waiting on a socket: every call gets one deadline that covers sending the request
 * and receiving the answer, however many partial reads and writes that takes. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <time.h>

#include "internal.h"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t bo_deadline(int timeout_ms)
{
    return timeout_ms > 0 ? now_ms() + timeout_ms : -1;
}

int bo_wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        int wait_ms = -1;
        if (deadline >= 0) {
            int64_t left = deadline - now_ms();
            if (left <= 0)
                return BO_ERR_TIMEOUT;
            wait_ms = left > INT_MAX ? INT_MAX : (int)left;
        }
        struct pollfd p = {.fd = fd, .events = events};
        int n = poll(&p, 1, wait_ms);
        /* Errors and hang-ups count as ready: the next send or recv reports them precisely. */
        if (n > 0)
            return BO_OK;
        /* n == 0 loops back so that the deadline, not poll's rounding, decides the timeout. */
        if (n < 0 && errno != EINTR)
            return BO_ERR_IO;
    }
}
