/* SPDX-License-Identifier: MIT */
/*
 * reader: one IMAP command from the stream, literals included (see
 * reader.h). The text buffer holds the lines and the in-memory literal
 * bytes; its max is the line limit plus the literal limit, so no input
 * can grow it further. RFC 9051 2.2.1 and 7.5 ("+" continuation),
 * RFC 7888 (LITERAL+, [TOOBIG] after RFC 4469/7889), RFC 3516 (~{N}).
 */
#include "reader.h"
#include "log.h"
#include "str.h"
#include "tern.h"

#define LITERAL_RECORDS_MAX 1000	/* streamed + in memory (mox) */

void
imap_reader_init(struct imap_reader *r, struct stream *s,
	const struct imap_reader_limits *limits)
{
	memset(r, 0, sizeof(*r));
	r->stream = s;
	r->limits = *limits;
	buf_init(&r->line, limits->line_max);
	buf_init(&r->text, limits->line_max + limits->mem_max + 2);
	imap_trace_init(&r->trace, 'C');
}

void
imap_reader_clear(struct imap_reader *r)
{
	buf_clear(&r->line);
	buf_clear(&r->text);
	imap_trace_clear(&r->trace);
}

/* The line just read (and its CRLF) into the trace, unless secret. */
static void
trace_line(struct imap_reader *r)
{
	if (r->secret || !log_enabled(LOG_LEVEL_DEBUG))
		return;
	imap_trace_bytes(&r->trace, r->line.data, r->line.len);
	imap_trace_bytes(&r->trace, "\r\n", 2);
}

static bool
name_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

int
imap_split_command(struct span line, struct span *tag_r,
	struct span *name_r, struct span *rest_r, const char **error_r)
{
	const char *sp, *p, *end = line.p + line.len;

	*tag_r = span_make("*", 1);
	*name_r = span_make("", 0);
	*rest_r = span_make(end, 0);
	sp = memchr(line.p, ' ', line.len);
	if (sp == NULL || !imap_tag_valid(span_make(line.p,
	    (size_t)(sp - line.p)))) {
		*error_r = line.len == 0 ? "empty line" : "bad tag";
		return -1;
	}
	*tag_r = span_make(line.p, (size_t)(sp - line.p));
	for (p = sp + 1; p < end && name_char((unsigned char)*p); p++)
		;
	if (p == sp + 1 || p - sp - 1 > 32) {
		*error_r = "missing or bad command name";
		return -1;
	}
	*name_r = span_make(sp + 1, (size_t)(p - sp - 1));
	if (p < end) {
		if (*p != ' ' || p + 1 == end) {
			*error_r = "bad command name";
			return -1;
		}
		p++;
	}
	*rest_r = span_make(p, (size_t)(end - p));
	return 0;
}

int
imap_line_literal(struct span line, uint64_t *size_r, bool *sync_r,
	bool *binary_r, size_t *start_r)
{
	size_t end, i;

	if (line.len < 3 || line.p[line.len - 1] != '}')
		return 0;
	end = line.len - 1;
	*sync_r = true;
	if (line.p[end - 1] == '+') {
		*sync_r = false;
		end--;
	}
	i = end;
	while (i > 0 && line.p[i - 1] >= '0' && line.p[i - 1] <= '9')
		i--;
	if (i == 0 || i == end || line.p[i - 1] != '{')
		return 0;
	if (parse_u64(span_make(line.p + i, end - i), UINT64_MAX / 2,
	    size_r) < 0)
		return -1;
	i--;
	*binary_r = i > 0 && line.p[i - 1] == '~';
	if (*binary_r)
		i--;
	*start_r = i;
	return 1;
}

/* Read and drop n bytes. 1, 0 EOF, -1 error. */
static int
discard(struct imap_reader *r, uint64_t n)
{
	char chunk[4096];

	while (n > 0) {
		ssize_t got = stream_read(r->stream, chunk, n < sizeof(chunk) ?
		    (size_t)n : sizeof(chunk));

		if (got <= 0)
			return (int)got;
		n -= (uint64_t)got;
	}
	return 1;
}

/* After a refusal: drop the rest of the command, i.e. non-synchronizing
 * literals and the lines after them. For a synchronizing literal the
 * client waits for "+" and takes our BAD instead. */
static int
skip_rest(struct imap_reader *r, struct imap_raw_cmd *cmd, int status)
{
	for (;;) {
		uint64_t size;
		bool sync, binary;
		size_t start;
		int n;

		if (imap_line_literal(buf_span(&r->line), &size, &sync, &binary,
		    &start) != 1 || sync)
			return status;
		if (size > r->limits.literal_max) {
			cmd->code = "TOOBIG";
			cmd->error = "Literal too big";
			return IMAP_READ_CLOSE;
		}
		n = discard(r, size);
		if (n <= 0)
			return n == 0 ? IMAP_READ_EOF : IMAP_READ_IO;
		n = stream_read_line(r->stream, &r->line, r->limits.line_max,
		    NULL);
		if (n == 0)
			return IMAP_READ_EOF;
		if (n == -1)
			return IMAP_READ_IO;
		if (n == -2)
			return status;	/* XXX: a dropped line may have
					 * announced a literal */
	}
}

static int
refuse(struct imap_reader *r, struct imap_raw_cmd *cmd, const char *code,
	const char *error)
{
	cmd->code = code;
	cmd->error = error;
	return skip_rest(r, cmd, IMAP_READ_BAD);
}

/* Stream a literal to the hook. */
static int
stream_literal(struct imap_reader *r, uint64_t size)
{
	char chunk[IMAP_LITERAL_CHUNK];

	while (size > 0) {
		ssize_t got = stream_read(r->stream, chunk,
		    size < sizeof(chunk) ? (size_t)size : sizeof(chunk));

		if (got <= 0)
			return (int)got;
		if (!r->secret)
			imap_trace_bytes(&r->trace, chunk, (size_t)got);
		/* a failing sink remembers it; the bytes are still read */
		(void)r->hook.write(r->hook.ctx, chunk, (size_t)got);
		size -= (uint64_t)got;
	}
	return 1;
}

int
imap_reader_read(struct imap_reader *r, struct arena *a,
	struct imap_raw_cmd *cmd)
{
	struct imap_literal *lits = NULL;
	size_t n_lits = 0, cap = 0, nonlit = 0, mem = 0, args_off;
	unsigned in_mem = 0;
	struct span rest;
	const char *error;
	int n;

	memset(cmd, 0, sizeof(*cmd));
	cmd->tag = span_make("*", 1);
	buf_reset(&r->text);
	/* a refused command may have left the trace inside a literal */
	imap_trace_reset(&r->trace);
	r->secret = false;
	n = stream_read_line(r->stream, &r->line, r->limits.line_max, NULL);
	if (n == 0)
		return IMAP_READ_EOF;
	if (n == -1)
		return IMAP_READ_IO;
	if (n == -2) {
		cmd->code = "TOOBIG";
		cmd->error = "Command line too long";
		return IMAP_READ_BAD;
	}
	if (imap_split_command(buf_span(&r->line), &cmd->tag, &cmd->name,
	    &rest, &error) == 0 && (span_eq_ci(cmd->name, "LOGIN") ||
	    span_eq_ci(cmd->name, "AUTHENTICATE"))) {
		/* STYLE.md 8: no secret in the trace, not even its size */
		if (log_enabled(LOG_LEVEL_DEBUG))
			log_debug("trace", "C: %.*s %.*s ***",
			    (int)cmd->tag.len, cmd->tag.p, (int)cmd->name.len,
			    cmd->name.p);
		r->secret = true;
	}
	trace_line(r);
	if (imap_split_command(buf_span(&r->line), &cmd->tag, &cmd->name,
	    &rest, &error) < 0) {
		/* the tag must outlive the line buffer */
		cmd->tag = span_str(arena_spandup(a, cmd->tag));
		return refuse(r, cmd, NULL, error);
	}
	/* the tag and name live in the arena from here on */
	cmd->tag = span_str(arena_spandup(a, cmd->tag));
	cmd->name = span_str(arena_spandup(a, cmd->name));
	args_off = (size_t)(rest.p - r->line.data);
	for (;;) {
		struct span line = buf_span(&r->line);
		uint64_t size;
		bool sync, binary, streamed = false;
		size_t start;
		int lit;

		if (memchr(line.p, '\0', line.len) != NULL)
			return refuse(r, cmd, NULL, "NUL in command");
		nonlit += line.len;
		if (nonlit > r->limits.line_max)
			return refuse(r, cmd, "TOOBIG", "Command too long");
		lit = imap_line_literal(line, &size, &sync, &binary, &start);
		if (lit < 0)
			return refuse(r, cmd, NULL, "Bad literal");
		/* UNSAFE: text's max is line_max + mem_max, and both are
		 * checked above and below */
		if (buf_append_span(&r->text, line) < 0)
			return refuse(r, cmd, "TOOBIG", "Command too long");
		if (lit == 0)
			break;
		if (n_lits == LITERAL_RECORDS_MAX)
			return refuse(r, cmd, "LIMIT", "Too many literals");
		if (size > r->limits.literal_max) {
			cmd->too_big = true;
			if (!sync) {
				cmd->code = "TOOBIG";
				cmd->error = "Literal too big";
				return IMAP_READ_CLOSE;
			}
			return refuse(r, cmd, "TOOBIG", "Literal too big");
		}
		if (r->hook.begin != NULL && r->hook.begin(r->hook.ctx,
		    cmd->name, (unsigned)n_lits, size, binary) == 1)
			streamed = true;
		if (!streamed && (in_mem >= r->limits.literals_max ||
		    size > r->limits.mem_max - mem)) {
			if (!sync) {
				cmd->code = "TOOBIG";
				cmd->error = "Literal too big";
				return IMAP_READ_CLOSE;
			}
			return refuse(r, cmd, "TOOBIG", "Literal too big");
		}
		if (n_lits == cap) {
			size_t ncap = cap == 0 ? 4 : cap * 2;
			struct imap_literal *v = arena_alloc_array(a, ncap,
			    sizeof(*v));

			if (n_lits > 0)
				memcpy(v, lits, n_lits * sizeof(*v));
			lits = v;
			cap = ncap;
		}
		lits[n_lits].offset = r->text.len;
		lits[n_lits].size = size;
		lits[n_lits].streamed = streamed;
		lits[n_lits].binary = binary;
		n_lits++;
		if (sync) {
			stream_puts(r->stream, "+ Ready\r\n");
			if (stream_flush(r->stream) < 0)
				return IMAP_READ_IO;
		}
		if (streamed) {
			cmd->literal_streamed = true;
			n = stream_literal(r, size);
		} else {
			size_t at = r->text.len;

			in_mem++;
			mem += (size_t)size;
			n = stream_read_exact(r->stream, &r->text,
			    (size_t)size);
			if (n > 0 && !r->secret)
				imap_trace_bytes(&r->trace, r->text.data + at,
				    r->text.len - at);
		}
		if (n == 0)
			return IMAP_READ_EOF;
		if (n < 0)
			return IMAP_READ_IO;
		n = stream_read_line(r->stream, &r->line, r->limits.line_max,
		    NULL);
		if (n == 0)
			return IMAP_READ_EOF;
		if (n == -1)
			return IMAP_READ_IO;
		if (n == -2) {
			cmd->code = "TOOBIG";
			cmd->error = "Command line too long";
			return IMAP_READ_BAD;
		}
		trace_line(r);
	}
	cmd->args.text = span_make(r->text.data + args_off,
	    r->text.len - args_off);
	cmd->args.base = args_off;
	cmd->args.lits = lits;
	cmd->args.n_lits = n_lits;
	return IMAP_READ_OK;
}

int
imap_reader_line(struct imap_reader *r, struct span *line_r)
{
	int n = stream_read_line(r->stream, &r->line, r->limits.line_max,
	    NULL);

	*line_r = buf_span(&r->line);
	/* AUTHENTICATE's responses are secret, IDLE's DONE is not */
	if (n == 1 && log_enabled(LOG_LEVEL_DEBUG))
		imap_trace_line(&r->trace, r->secret ? "***" : r->line.data,
		    r->secret ? 3 : r->line.len);
	return n;
}
