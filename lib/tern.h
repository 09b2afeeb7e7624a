/* SPDX-License-Identifier: MIT */
/*
 * tern.h: what every tern source file includes last, after its system
 * headers. Spans, the store error enum, tern_panic(), and the poisoning
 * of unsafe libc string functions (STYLE.md 3).
 */
#ifndef TERN_H
#define TERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#ifdef HAVE_CONFIG_H
#include "autoconfig.h"
#endif

#define TERN_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define TERN_NORETURN __attribute__((noreturn))
#define TERN_UNUSED __attribute__((unused))
#define N_ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

/* Bytes travel as pointer and length; p need not be NUL-terminated. */
struct span {
	const char *p;
	size_t len;
};

/* A span over a NUL-terminated string. */
static inline struct span
span_str(const char *s)
{
	struct span sp = { s, s != NULL ? strlen(s) : 0 };
	return sp;
}

static inline struct span
span_make(const char *p, size_t len)
{
	struct span sp = { p, len };
	return sp;
}

/*
 * Failures of the store and of lib/ services, mapped to protocol replies in
 * one place per daemon (reply.c). The message for the log travels beside.
 */
enum tern_err {
	TERN_OK = 0,
	TERN_ERR_TEMP,		/* try again later: I/O, lock timeout */
	TERN_ERR_NOTFOUND,	/* no such user, mailbox, message */
	TERN_ERR_EXISTS,	/* already exists */
	TERN_ERR_PERM,		/* not allowed, ever */
	TERN_ERR_QUOTA,		/* over quota */
	TERN_ERR_TOOBIG,	/* over a size limit */
	TERN_ERR_SYNTAX,	/* malformed input */
	TERN_ERR_LIMIT,		/* over a count limit */
};

/* Name of an error kind, for logs ("temp", "notfound", ...). */
const char *tern_err_name(enum tern_err err);

/* Log the message and abort(): for bugs only, never for peer input. */
void tern_panic(const char *fmt, ...) TERN_PRINTF(1, 2) TERN_NORETURN;

#ifndef TERN_NO_POISON
#pragma GCC poison strcpy strcat sprintf vsprintf strncpy gets strtok atoi atol
#endif

#endif
