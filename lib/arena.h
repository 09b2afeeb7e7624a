/* SPDX-License-Identifier: MIT */
/*
 * arena: a bump allocator over chunks, for session, command and
 * transaction lifetimes (STYLE.md 4). Nothing is freed one by one: memory
 * goes back at arena_reset_to() or arena_free(). Under --enable-sanitizers
 * every object is its own malloc, so ASan sees overflows and use after
 * reset.
 */
#ifndef TERN_ARENA_H
#define TERN_ARENA_H

#include <stddef.h>
#include "tern.h"

struct arena;

/* A position to return to with arena_reset_to(). */
struct arena_mark {
	void *chunk;
	size_t used;
};

/* New arena; chunk_size 0 picks the default (8 KiB). Never NULL. */
struct arena *arena_new(size_t chunk_size);
/* Free everything; sets *a to NULL; accepts NULL and *a == NULL. */
void arena_free(struct arena **a);

/* Zeroed memory, aligned for any type, valid until reset or free. */
void *arena_alloc(struct arena *a, size_t size);
/* n * size bytes, checked for overflow. */
void *arena_alloc_array(struct arena *a, size_t n, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* A NUL-terminated copy of a span. */
char *arena_spandup(struct arena *a, struct span sp);
char *arena_printf(struct arena *a, const char *fmt, ...) TERN_PRINTF(2, 3);

struct arena_mark arena_mark(struct arena *a);
/* Release all allocated since the mark was taken. */
void arena_reset_to(struct arena *a, struct arena_mark mark);
/* Release everything, keep the arena. */
void arena_reset(struct arena *a);

#endif
