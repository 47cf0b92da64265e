/* A one-connection fake server that answers any request with canned bytes, to put the client
 * in front of broken or hostile peers that the real server never imitates. */
#ifndef FAKE_H
#define FAKE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int listen_fd;
    uint16_t port;
    pthread_t thread;
    const uint8_t *reply; /* sent after the first request frame arrives */
    size_t reply_len;
    int hang_up;          /* close right after the reply, else wait for the client to close */
} fake_server;

/* Listens on 127.0.0.1 at a free port (f->port) and serves one connection in a thread.
 * reply must outlive fake_stop. Returns 0 or -1. */
int fake_start(fake_server *f, const uint8_t *reply, size_t reply_len, int hang_up);
/* Waits for the connection to end; close the client's handle first unless hang_up was set.
 * Does nothing when fake_start failed. */
void fake_stop(fake_server *f);

/* A free TCP port on 127.0.0.1 with nothing listening on it. */
uint16_t closed_port(void);

#endif
