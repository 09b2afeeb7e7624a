/* SPDX-License-Identifier: MIT */
/*
 * arena: chunked bump allocation. Chunks form a list newest first; a mark
 * names a chunk and its fill level. With TERN_SANITIZERS each allocation
 * is a chunk of its own so that ASan guards every object.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "arena.h"
#include "xmalloc.h"
#include "tern.h"

#define ARENA_ALIGN 16
#define ARENA_DEFAULT_CHUNK 8192

struct chunk {
	struct chunk *prev;
	size_t size, used;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
	struct chunk *head;
	size_t chunk_size;
};

struct arena *
arena_new(size_t chunk_size)
{
	struct arena *a = xcalloc(1, sizeof(*a));

	a->chunk_size = chunk_size != 0 ? chunk_size : ARENA_DEFAULT_CHUNK;
	return a;
}

static void
free_until(struct arena *a, struct chunk *stop)
{
	while (a->head != NULL && a->head != stop) {
		struct chunk *c = a->head;

		a->head = c->prev;
		free(c);
	}
}

void
arena_free(struct arena **ap)
{
	if (ap == NULL || *ap == NULL)
		return;
	free_until(*ap, NULL);
	free(*ap);
	*ap = NULL;
}

static struct chunk *
chunk_new(struct arena *a, size_t need)
{
	size_t size = need;
	struct chunk *c;

#ifndef TERN_SANITIZERS
	if (size < a->chunk_size)
		size = a->chunk_size;
#endif
	if (size > SIZE_MAX - sizeof(*c))
		tern_panic("arena: allocation too large (%zu)", need);
	c = xmalloc(sizeof(*c) + size);
	c->prev = a->head;
	c->size = size;
	c->used = 0;
	a->head = c;
	return c;
}

void *
arena_alloc(struct arena *a, size_t size)
{
	struct chunk *c = a->head;
	size_t off;
	void *p;

	if (size > SIZE_MAX - ARENA_ALIGN)
		tern_panic("arena: allocation too large (%zu)", size);
	/* UNSAFE: round the fill level up to the alignment. */
	off = c != NULL ? (c->used + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1)
			: 0;
#ifdef TERN_SANITIZERS
	c = NULL;
#endif
	if (c == NULL || off > c->size || c->size - off < size) {
		c = chunk_new(a, size);
		off = 0;
	}
	p = c->data + off;
	c->used = off + size;
	memset(p, 0, size);
	return p;
}

void *
arena_alloc_array(struct arena *a, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		tern_panic("arena: array overflow (%zu * %zu)", n, size);
	return arena_alloc(a, n * size);
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_spandup(struct arena *a, struct span sp)
{
	return arena_strndup(a, sp.p != NULL ? sp.p : "", sp.len);
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		tern_panic("arena_printf: bad format");
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

struct arena_mark
arena_mark(struct arena *a)
{
	struct arena_mark m = { a->head, a->head != NULL ? a->head->used : 0 };

	return m;
}

void
arena_reset_to(struct arena *a, struct arena_mark mark)
{
	free_until(a, mark.chunk);
	if (a->head != NULL)
		a->head->used = mark.used;
}

void
arena_reset(struct arena *a)
{
	free_until(a, NULL);
}
