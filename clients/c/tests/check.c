#include <stdio.h>

#include "check.h"

static int failures; /* failed checks */
static int passed, failed; /* tests */

int check_true(int ok, const char *file, int line, const char *expr)
{
    if (!ok) {
        failures++;
        printf("  failed at %s:%d: %s\n", file, line, expr);
    }
    return ok;
}

int check_rc(const bo_client *h, int got, int want, const char *file, int line, const char *expr)
{
    if (got == want)
        return 1;
    failures++;
    printf("  failed at %s:%d: %s returned %s (%d), want %s: %s\n", file, line, expr,
           bo_code_name(got), got, bo_code_name(want), h ? bo_errmsg(h) : "");
    return 0;
}

void run_test(const char *name, void (*fn)(void *), void *arg)
{
    int before = failures;
    fn(arg);
    if (failures != before) {
        failed++;
        printf("FAIL %s\n", name);
    } else {
        passed++;
        printf("PASS %s\n", name);
    }
    fflush(stdout);
}

int test_summary(void)
{
    printf("%d passed, %d failed\n", passed, failed);
    return failures > 0;
}
