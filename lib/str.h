/* SPDX-License-Identifier: MIT */
/*
 * str: small string and number helpers with explicit failure: copies that
 * report truncation, strict number parsing, case-insensitive span compare.
 */
#ifndef TERN_STR_H
#define TERN_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tern.h"

/* Copy src into dst (size bytes), always NUL-terminated; -1 if cut. */
int str_copy(char *dst, size_t size, const char *src);

/* Decimal digits only (no sign, no space), at most max: 0 or -1. */
int parse_u32(struct span in, uint32_t max, uint32_t *v_r);
int parse_u64(struct span in, uint64_t max, uint64_t *v_r);

/* ASCII case-insensitive equality of a span and a C string. */
bool span_eq_ci(struct span a, const char *b);
bool span_eq(struct span a, const char *b);
/* a starts with prefix, ASCII case-insensitively. */
bool span_startswith_ci(struct span a, const char *prefix);
/* Drop leading and trailing spaces and tabs. */
struct span span_trim(struct span a);

/* Lowercase ASCII in place. */
void str_lower(char *s);

/* Write len random bytes as 2*len hex digits + NUL into out (size >=
 * 2*len+1). Uses OpenSSL's RAND_bytes; panics if it fails. */
void str_random_hex(char *out, size_t len);

#endif
