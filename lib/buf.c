/* SPDX-License-Identifier: MIT */
/*
 * buf: bounded growable buffers. Growth doubles; the terminating NUL is
 * kept outside len, so cap is always at least len + 1 once allocated.
 */
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "xmalloc.h"
#include "tern.h"

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
buf_clear(struct buf *b)
{
	free(b->data);
	buf_init(b, b->max);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Make room for extra more bytes plus the NUL; -1 past max. */
static int
reserve(struct buf *b, size_t extra)
{
	size_t need, cap;

	if (extra > SIZE_MAX - b->len - 1)
		return -1;
	need = b->len + extra;
	if (b->max != 0 && need > b->max)
		return -1;
	if (need + 1 <= b->cap)
		return 0;
	cap = b->cap != 0 ? b->cap : 64;
	while (cap < need + 1)
		cap = cap > SIZE_MAX / 2 ? need + 1 : cap * 2;
	b->data = xreallocarray(b->data, cap, 1);
	b->cap = cap;
	return 0;
}

int
buf_append(struct buf *b, const void *p, size_t len)
{
	if (reserve(b, len) < 0)
		return -1;
	if (len > 0)
		memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int
buf_putc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

int
buf_append_span(struct buf *b, struct span sp)
{
	return buf_append(b, sp.p, sp.len);
}

int
buf_vappendf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || reserve(b, (size_t)n) < 0)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
buf_appendf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = buf_vappendf(b, fmt, ap);
	va_end(ap);
	return ret;
}

void
buf_truncate(struct buf *b, size_t len)
{
	if (len > b->len)
		tern_panic("buf_truncate past end (%zu > %zu)", len, b->len);
	b->len = len;
	if (b->data != NULL)
		b->data[len] = '\0';
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n > b->len)
		tern_panic("buf_consume past end (%zu > %zu)", n, b->len);
	if (n == 0)
		return;
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->data[b->len] = '\0';
}

struct span
buf_span(const struct buf *b)
{
	return span_make(b->data != NULL ? b->data : "", b->len);
}

const char *
buf_str(const struct buf *b)
{
	return b->data != NULL ? b->data : "";
}
