/* The test groups main runs. */
#ifndef TESTS_H
#define TESTS_H

#include <stdint.h>

/* Against the real server at host:port. */
void live_tests(const char *host, uint16_t port);
/* Against fake servers the tests run themselves. */
void transport_tests(void);

#endif
