/* SPDX-License-Identifier: MIT */
/*
 * xmalloc: allocation wrappers that panic instead of returning NULL, and
 * tern_panic() itself.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

#include "xmalloc.h"
#include "tern.h"

void
tern_panic(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "panic: %s\n", msg);
	syslog(LOG_MAIL | LOG_CRIT, "panic: %s", msg);
	abort();
}

const char *
tern_err_name(enum tern_err err)
{
	switch (err) {
	case TERN_OK: return "ok";
	case TERN_ERR_TEMP: return "temp";
	case TERN_ERR_NOTFOUND: return "notfound";
	case TERN_ERR_EXISTS: return "exists";
	case TERN_ERR_PERM: return "perm";
	case TERN_ERR_QUOTA: return "quota";
	case TERN_ERR_TOOBIG: return "toobig";
	case TERN_ERR_SYNTAX: return "syntax";
	case TERN_ERR_LIMIT: return "limit";
	}
	return "unknown";
}

void *
xmalloc(size_t size)
{
	void *p = malloc(size != 0 ? size : 1);

	if (p == NULL)
		tern_panic("out of memory (%zu bytes)", size);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n != 0 ? n : 1, size != 0 ? size : 1);

	if (p == NULL)
		tern_panic("out of memory (%zu * %zu bytes)", n, size);
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	void *q;

	if (size != 0 && n > SIZE_MAX / size)
		tern_panic("allocation overflow (%zu * %zu)", n, size);
	q = realloc(p, n * size != 0 ? n * size : 1);
	if (q == NULL)
		tern_panic("out of memory (%zu * %zu bytes)", n, size);
	return q;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}
