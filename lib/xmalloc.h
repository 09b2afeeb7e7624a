/* SPDX-License-Identifier: MIT */
/*
 * xmalloc: heap allocation that never returns NULL. Out of memory is fatal
 * to the one session process (as in Dovecot, Postfix, OpenSMTPD).
 */
#ifndef TERN_XMALLOC_H
#define TERN_XMALLOC_H

#include <stddef.h>

/* Each returns memory owned by the caller (free()); panics on OOM. */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
/* realloc of n * size bytes, checked for overflow. */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
