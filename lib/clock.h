/* SPDX-License-Identifier: MIT */
/*
 * clock: the monotonic clock in milliseconds, for timeouts and drains
 * (never the wall clock, which can jump).
 */
#ifndef TERN_CLOCK_H
#define TERN_CLOCK_H

/* CLOCK_MONOTONIC in milliseconds; panics if the clock fails. */
long long clock_monotonic_ms(void);

#endif
