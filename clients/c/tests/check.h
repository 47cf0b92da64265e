/* A tiny test harness: checks count failures and report their line, tests print one line each. */
#ifndef CHECK_H
#define CHECK_H

#include "boxoffice.h"

/* Records a failure, with the line, when cond is false; evaluates to cond. */
#define CHECK(cond) check_true((cond) != 0, __FILE__, __LINE__, #cond)
/* Checks that a call returned want; on failure also prints what came back and bo_errmsg(h). */
#define CHECK_RC(h, call, want) check_rc((h), (call), (want), __FILE__, __LINE__, #call)

int check_true(int ok, const char *file, int line, const char *expr);
int check_rc(const bo_client *h, int got, int want, const char *file, int line, const char *expr);

/* Runs fn and prints "PASS name", or its failed checks and "FAIL name". */
void run_test(const char *name, void (*fn)(void *), void *arg);
/* Prints the totals; returns the exit status (1 if any check failed). */
int test_summary(void);

#endif
