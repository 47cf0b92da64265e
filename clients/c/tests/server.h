/* Runs a real boxofficed for the tests, on a free port with a throwaway database. */
#ifndef SERVER_H
#define SERVER_H

#include <stdint.h>
#include <sys/types.h>

typedef struct {
    pid_t pid;
    int out_fd;          /* the server's stdout; kept open so its writes never fail */
    char dir[64];        /* temporary directory holding the database */
    char host[64];
    uint16_t port;
} test_server;

/* Starts binary and waits (up to 60 s: the first start loads the demo catalogue) for its
 * "boxofficed ready on HOST:PORT" line. Returns 0, or -1 after printing why. */
int server_start(test_server *s, const char *binary);
/* SIGTERM, wait for the exit, remove the temporary directory. */
void server_stop(test_server *s);

#endif
