/* Runs every test: against a real boxofficed ($BOXOFFICED, default the repo's release build),
 * then against fake servers. Exits non-zero if any check failed. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "server.h"
#include "tests.h"

int main(void)
{
    const char *binary = getenv("BOXOFFICED");
    if (binary == NULL || binary[0] == '\0')
        binary = "../../.build/release/boxofficed";
    /* Line-buffered so that the server's and our stderr interleave sensibly with the results. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    int status = 0;
    test_server server;
    if (server_start(&server, binary) == 0) {
        printf("boxofficed %s is on %s:%u\n", binary, server.host, (unsigned)server.port);
        live_tests(server.host, server.port);
        server_stop(&server);
    } else {
        printf("FAIL starting boxofficed %s\n", binary);
        status = 1;
    }
    transport_tests();
    return test_summary() || status;
}
