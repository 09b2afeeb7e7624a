/* SPDX-License-Identifier: MIT */
/*
 * log: one line per event, "prog[pid]: ID: event details" (STYLE.md 8).
 * Each line goes out in one write(2) to stderr, so lines of concurrent
 * session processes never interleave; with use_syslog it goes to
 * syslog(LOG_MAIL), which adds "prog[pid]: " itself. Lines are cut at
 * LOG_LINE_MAX bytes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "str.h"
#include "tern.h"

/* Longest line written, terminator included; longer lines are cut. */
#define LOG_LINE_MAX 4096
/* Longest ID kept (queue IDs and session IDs are 12 hex digits). */
#define LOG_ID_MAX 63

static const char *log_prog = "tern";
static bool log_syslog;
static enum log_level log_level = LOG_LEVEL_INFO;
static char log_id[LOG_ID_MAX + 1];

void
log_init(const char *prog, bool use_syslog, enum log_level level)
{
	if (prog != NULL)
		log_prog = prog;
	if (log_syslog)
		closelog();
	log_syslog = use_syslog;
	log_level = level;
	if (use_syslog)
		openlog(log_prog, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

static const char *const level_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARN] = "warn",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

int
log_level_parse(const char *name, enum log_level *level_r)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < N_ELEMENTS(level_names); i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*level_r = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

const char *
log_level_name(enum log_level level)
{
	if ((size_t)level >= N_ELEMENTS(level_names))
		return "unknown";
	return level_names[level];
}

void
log_set_id(const char *id)
{
	/* A too-long id is cut: it is only a label. */
	(void)str_copy(log_id, sizeof(log_id), id != NULL ? id : "");
}

const char *
log_get_id(void)
{
	return log_id;
}

void
log_new_id(char id_r[13])
{
	str_random_hex(id_r, 6);
}

bool
log_enabled(enum log_level level)
{
	return level <= log_level;
}

static int
syslog_priority(enum log_level level)
{
	switch (level) {
	case LOG_LEVEL_ERROR: return LOG_ERR;
	case LOG_LEVEL_WARN: return LOG_WARNING;
	case LOG_LEVEL_INFO: return LOG_INFO;
	case LOG_LEVEL_DEBUG: return LOG_DEBUG;
	}
	return LOG_NOTICE;
}

/* Append to line at *pos without passing size - 1; the line stays
 * NUL-terminated and *pos never passes size - 1. */
static void
line_add(char *line, size_t size, size_t *pos, const char *fmt, va_list ap)
	TERN_PRINTF(4, 0);
static void
line_add(char *line, size_t size, size_t *pos, const char *fmt, va_list ap)
{
	int n;

	if (*pos >= size - 1)
		return;
	n = vsnprintf(line + *pos, size - *pos, fmt, ap);
	if (n < 0) {
		line[*pos] = '\0';
		return;
	}
	/* UNSAFE: vsnprintf returns the untruncated length */
	*pos += (size_t)n < size - *pos ? (size_t)n : size - *pos - 1;
}

static void
line_addf(char *line, size_t size, size_t *pos, const char *fmt, ...)
	TERN_PRINTF(4, 5);
static void
line_addf(char *line, size_t size, size_t *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	line_add(line, size, pos, fmt, ap);
	va_end(ap);
}

/* write(2) all of it; errors are dropped (there is nowhere to log them). */
static void
write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		p += n;
		len -= (size_t)n;
	}
}

void
log_event(enum log_level level, const char *event, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	size_t pos = 0, body;
	int saved_errno = errno;
	va_list ap;

	if (!log_enabled(level))
		return;
	if (!log_syslog)
		line_addf(line, sizeof(line), &pos, "%s[%ld]: ", log_prog,
		    (long)getpid());
	line[pos] = '\0';
	body = pos;
	if (log_id[0] != '\0')
		line_addf(line, sizeof(line), &pos, "%s: ", log_id);
	line_addf(line, sizeof(line), &pos, "%s", event);
	if (fmt != NULL && fmt[0] != '\0') {
		line_addf(line, sizeof(line), &pos, " ");
		va_start(ap, fmt);
		line_add(line, sizeof(line), &pos, fmt, ap);
		va_end(ap);
	}
	if (log_syslog) {
		syslog(LOG_MAIL | syslog_priority(level), "%s", line + body);
	} else {
		/* The buffer always has room for the newline: pos <= size-1. */
		line[pos++] = '\n';
		write_all(STDERR_FILENO, line, pos);
	}
	errno = saved_errno;
}

const char *
log_escape(const char *p, size_t len, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, pos = 0, n;

	if (size == 0)
		return "";
	n = len < LOG_ESCAPE_MAX ? len : LOG_ESCAPE_MAX;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		bool plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
		size_t need = plain ? 1 : 4;

		/* keep room for "..." and the NUL */
		if (pos + need + 4 > size)
			break;
		if (plain) {
			out[pos++] = (char)c;
		} else {
			/* UNSAFE: 4 bytes checked above */
			out[pos++] = '\\';
			out[pos++] = 'x';
			out[pos++] = hex[c >> 4];
			out[pos++] = hex[c & 0xf];
		}
	}
	if (i < len && pos + 4 <= size) {
		memcpy(out + pos, "...", 3);
		pos += 3;
	}
	out[pos] = '\0';
	return out;
}
