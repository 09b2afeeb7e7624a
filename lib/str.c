/* SPDX-License-Identifier: MIT */
/*
 * str: strict helpers. parse_u32/u64 reject signs, spaces, empty input and
 * overflow, unlike strtoul.
 */
#include <openssl/rand.h>

#include "str.h"
#include "tern.h"

int
str_copy(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (size == 0)
		return -1;
	if (len >= size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -1;
	}
	memcpy(dst, src, len + 1);
	return 0;
}

int
parse_u64(struct span in, uint64_t max, uint64_t *v_r)
{
	uint64_t v = 0;
	size_t i;

	if (in.len == 0)
		return -1;
	for (i = 0; i < in.len; i++) {
		unsigned d;

		if (in.p[i] < '0' || in.p[i] > '9')
			return -1;
		d = (unsigned)(in.p[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (v > max)
		return -1;
	*v_r = v;
	return 0;
}

int
parse_u32(struct span in, uint32_t max, uint32_t *v_r)
{
	uint64_t v;

	if (parse_u64(in, max, &v) < 0)
		return -1;
	*v_r = (uint32_t)v;
	return 0;
}

static inline char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

bool
span_eq_ci(struct span a, const char *b)
{
	size_t i;

	for (i = 0; i < a.len; i++) {
		if (b[i] == '\0' || lower(a.p[i]) != lower(b[i]))
			return false;
	}
	return b[i] == '\0';
}

bool
span_eq(struct span a, const char *b)
{
	return strlen(b) == a.len && memcmp(a.p, b, a.len) == 0;
}

bool
span_startswith_ci(struct span a, const char *prefix)
{
	size_t n = strlen(prefix), i;

	if (a.len < n)
		return false;
	for (i = 0; i < n; i++) {
		if (lower(a.p[i]) != lower(prefix[i]))
			return false;
	}
	return true;
}

struct span
span_trim(struct span a)
{
	while (a.len > 0 && (a.p[0] == ' ' || a.p[0] == '\t')) {
		a.p++;
		a.len--;
	}
	while (a.len > 0 && (a.p[a.len - 1] == ' ' || a.p[a.len - 1] == '\t'))
		a.len--;
	return a;
}

void
str_lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = lower(*s);
}

void
str_random_hex(char *out, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char raw[64];
	size_t i;

	if (len > sizeof(raw) || RAND_bytes(raw, (int)len) != 1)
		tern_panic("str_random_hex: RAND_bytes failed");
	for (i = 0; i < len; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 0xf];
	}
	out[2 * len] = '\0';
}
