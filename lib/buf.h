/* SPDX-License-Identifier: MIT */
/*
 * buf: a growable byte buffer with a hard limit. Appends that would pass
 * max fail with -1 and leave the buffer unchanged. data[len] is always
 * NUL (when data != NULL), so text can be used as a C string. Only buf_*
 * writes to data.
 */
#ifndef TERN_BUF_H
#define TERN_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include "tern.h"

struct buf {
	char *data;
	size_t len, cap, max;
};

/* An empty buffer holding at most max bytes (0: no limit, for our own
 * output only; a buffer that holds peer input always has a max). */
void buf_init(struct buf *b, size_t max);
/* Free the memory; the buffer is then as after buf_init(b, b->max). */
void buf_clear(struct buf *b);
/* Empty it, keep the memory. */
void buf_reset(struct buf *b);

/* 0, or -1 when max would be exceeded (buffer unchanged). */
int buf_append(struct buf *b, const void *p, size_t len);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_append_span(struct buf *b, struct span sp);
int buf_appendf(struct buf *b, const char *fmt, ...) TERN_PRINTF(2, 3);
int buf_vappendf(struct buf *b, const char *fmt, va_list ap) TERN_PRINTF(2, 0);

/* Shorten to len bytes (len <= b->len). */
void buf_truncate(struct buf *b, size_t len);
/* Drop the first n bytes (n <= b->len), moving the rest to the front. */
void buf_consume(struct buf *b, size_t n);
/* The content as a span. */
struct span buf_span(const struct buf *b);
/* The content as a C string: "" for an empty buffer, never NULL. */
const char *buf_str(const struct buf *b);

#endif
