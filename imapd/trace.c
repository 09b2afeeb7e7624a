/* SPDX-License-Identifier: MIT */
/*
 * trace: the debug protocol trace, line by line with literal data (see
 * trace.h).
 */
#include "trace.h"
#include "log.h"
#include "reader.h"
#include "tern.h"

void
imap_trace_init(struct imap_trace *t, char dir)
{
	memset(t, 0, sizeof(*t));
	t->dir = dir;
	buf_init(&t->line, IMAP_TRACE_LINE_MAX);
}

void
imap_trace_clear(struct imap_trace *t)
{
	buf_clear(&t->line);
}

void
imap_trace_reset(struct imap_trace *t)
{
	buf_reset(&t->line);
	t->line_dropped = 0;
	t->data_left = 0;
	t->data_seen = 0;
}

static void
emit(struct imap_trace *t, const char *p, size_t len)
{
	char esc[LOG_ESCAPE_SIZE];

	log_debug("trace", "%c: %s", t->dir, log_escape(p, len, esc,
	    sizeof(esc)));
}

void
imap_trace_line(struct imap_trace *t, const char *p, size_t len)
{
	if (log_enabled(LOG_LEVEL_DEBUG))
		emit(t, p, len);
}

/* Log the line in t->line (CR stripped). Outside literal data, a
 * literal it announces makes what follows data. */
static void
end_line(struct imap_trace *t, bool data)
{
	struct span l = buf_span(&t->line);
	uint64_t size;
	size_t start;
	bool sync, binary;

	if (l.len > 0 && l.p[l.len - 1] == '\r')
		l.len--;
	if (t->line_dropped > 0) {
		char esc[LOG_ESCAPE_SIZE];

		log_debug("trace", "%c: %s[... %zu more bytes]", t->dir,
		    log_escape(l.p, l.len, esc, sizeof(esc)),
		    t->line_dropped);
	} else {
		emit(t, l.p, l.len);
	}
	if (!data && imap_line_literal(l, &size, &sync, &binary,
	    &start) == 1 && size > 0) {
		t->data_left = size;
		t->data_seen = 0;
	}
	buf_reset(&t->line);
	t->line_dropped = 0;
}

/* n bytes at p of a line (no LF inside but maybe at p[n - 1]). */
static void
add_text(struct imap_trace *t, const char *p, size_t n, bool data)
{
	bool lf = n > 0 && p[n - 1] == '\n';
	size_t k = lf ? n - 1 : n;

	if (buf_append(&t->line, p, k) < 0)
		t->line_dropped += k;
	if (lf)
		end_line(t, data);
}

void
imap_trace_bytes(void *ctx, const void *data, size_t len)
{
	struct imap_trace *t = ctx;
	const char *p = data, *end = p + len;

	if (!log_enabled(LOG_LEVEL_DEBUG))
		return;
	while (p < end) {
		size_t n = (size_t)(end - p);
		const char *nl;

		if (t->data_left == 0) {
			nl = memchr(p, '\n', n);
			if (nl != NULL)
				n = (size_t)(nl - p) + 1;
			add_text(t, p, n, false);
			p += n;
			continue;
		}
		/* literal data: the first IMAP_TRACE_DATA_MAX bytes shown
		 * line by line, the rest counted */
		if (n > t->data_left)
			n = (size_t)t->data_left;
		if (t->data_seen < IMAP_TRACE_DATA_MAX) {
			size_t room = IMAP_TRACE_DATA_MAX - t->data_seen;

			if (n > room)
				n = room;
			nl = memchr(p, '\n', n);
			if (nl != NULL)
				n = (size_t)(nl - p) + 1;
			add_text(t, p, n, true);
		}
		p += n;
		t->data_left -= n;
		t->data_seen += n;
		if (t->data_left == 0) {
			/* a partial last line, then what was left out */
			if (t->line.len > 0 || t->line_dropped > 0)
				end_line(t, true);
			if (t->data_seen > IMAP_TRACE_DATA_MAX)
				log_debug("trace", "%c: [... %llu more bytes "
				    "of literal data]", t->dir,
				    (unsigned long long)(t->data_seen -
				    IMAP_TRACE_DATA_MAX));
		}
	}
}
