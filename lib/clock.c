/* SPDX-License-Identifier: MIT */
/* clock: monotonic milliseconds. */
#include <errno.h>
#include <time.h>

#include "clock.h"
#include "tern.h"

long long
clock_monotonic_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		tern_panic("clock_gettime: %s", strerror(errno));
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
