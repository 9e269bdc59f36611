/*
 * A minimal unit-test harness for host tests of the kernel's pure logic.
 * CHECK records a failure with its line and condition; RUN runs one case
 * and prints "TEST name PASS" or "TEST name FAIL reason" (the harness's
 * protocol); check_exit ends the program non-zero if anything failed.
 */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>
#include <string.h>

static int check_case_failed, check_failures;
static char check_reason[256];

#define CHECK(cond)                                                                               \
	do {                                                                                      \
		if (!(cond) && !check_case_failed) {                                              \
			check_case_failed = 1;                                                    \
			snprintf(check_reason, sizeof(check_reason), "%s:%d: %s", __FILE__, __LINE__, \
				 #cond);                                                          \
		}                                                                                 \
	} while (0)

#define RUN(fn)                                                                  \
	do {                                                                     \
		check_case_failed = 0;                                           \
		fn();                                                            \
		if (check_case_failed) {                                         \
			check_failures++;                                        \
			printf("TEST %s FAIL %s\n", #fn, check_reason);          \
		} else {                                                         \
			printf("TEST %s PASS\n", #fn);                           \
		}                                                                \
	} while (0)

static inline int check_exit(void)
{
	return check_failures ? 1 : 0;
}

#endif
