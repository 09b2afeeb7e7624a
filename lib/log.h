/* SPDX-License-Identifier: MIT */
/*
 * log: one line per event, "prog[pid]: ID: event key=value ..." (STYLE.md
 * 8). stderr in the foreground, syslog(LOG_MAIL) when daemonized. The ID
 * is a random 12-hex session id, or the queue id once a message exists.
 */
#ifndef TERN_LOG_H
#define TERN_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include "tern.h"

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/* prog is kept by pointer (a string literal). use_syslog: else stderr. */
void log_init(const char *prog, bool use_syslog, enum log_level level);
void log_set_level(enum log_level level);
/* "error", "warn", "info", "debug" -> level; -1 for anything else. */
int log_level_parse(const char *name, enum log_level *level_r);
const char *log_level_name(enum log_level level);
/* The ID put on each following line; NULL or "" for none. Copied. */
void log_set_id(const char *id);
const char *log_get_id(void);
/* A new random 12-hex ID into id_r (13 bytes). */
void log_new_id(char id_r[13]);

/* "prog[pid]: ID: event <fmt...>"; fmt may be NULL for no details. */
void log_event(enum log_level level, const char *event, const char *fmt, ...)
	TERN_PRINTF(3, 4);
#define log_error(ev, ...) log_event(LOG_LEVEL_ERROR, ev, __VA_ARGS__)
#define log_warn(ev, ...) log_event(LOG_LEVEL_WARN, ev, __VA_ARGS__)
#define log_info(ev, ...) log_event(LOG_LEVEL_INFO, ev, __VA_ARGS__)
#define log_debug(ev, ...) log_event(LOG_LEVEL_DEBUG, ev, __VA_ARGS__)
bool log_enabled(enum log_level level);

/*
 * Peer text made safe for a log line: non-printables and '"' and '\\'
 * become \xNN, the result is cut at 200 bytes (with "..."). Writes into
 * out (size >= 4 * 200 + 8 is always enough) and returns out.
 */
#define LOG_ESCAPE_MAX 200
#define LOG_ESCAPE_SIZE (4 * LOG_ESCAPE_MAX + 8)
const char *log_escape(const char *p, size_t len, char *out, size_t size);

#endif
