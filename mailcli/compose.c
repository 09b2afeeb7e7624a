/* SPDX-License-Identifier: MIT */
/*
 * compose: the message mailcli sends. Headers are folded near 78
 * columns; non-ASCII subjects and display names become RFC 2047 B
 * encoded-words of at most 75 characters that never split a UTF-8
 * character; the text body is 7bit when it can be, else quoted-printable
 * (libcurl does not offer BODY=8BITMIME); attachments are base64. Every
 * line ends in CRLF and none is longer than 998 octets (RFC 5322 2.1.1).
 */
#include <stdio.h>
#include <strings.h>
#include <time.h>

#include "addr.h"
#include "compose.h"
#include "str.h"
#include "tern.h"

#define COMMENT_DEPTH_MAX 32		/* nested (comments) in an address */

static const char hex[] = "0123456789ABCDEF";

/* --- addresses ---------------------------------------------------------- */

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Append c to b, collapsing runs of white space into one space. */
static void
put_collapsed(struct buf *b, char c)
{
	if (is_wsp(c)) {
		if (b->len > 0 && b->data[b->len - 1] != ' ')
			(void)buf_putc(b, ' ');
		return;
	}
	(void)buf_putc(b, c);
}

static struct span
trim(struct buf *b)
{
	struct span sp = buf_span(b);

	while (sp.len > 0 && is_wsp(sp.p[0])) {
		sp.p++;
		sp.len--;
	}
	while (sp.len > 0 && is_wsp(sp.p[sp.len - 1]))
		sp.len--;
	return sp;
}

int
compose_parse_addrs(struct span in, struct arena *a,
	struct compose_addr **list_r, size_t *n_r, const char **error_r)
{
	struct buf name, bare;
	size_t i = 0;
	int ret = -1;

	buf_init(&name, in.len + 1);
	buf_init(&bare, in.len + 1);
	while (i < in.len) {
		struct span angle = { NULL, 0 }, addr_sp, name_sp;
		struct compose_addr *list;
		struct addr parsed;

		buf_reset(&name);
		buf_reset(&bare);
		for (; i < in.len; i++) {
			char c = in.p[i];

			if (c == '"') {
				(void)buf_putc(&bare, c);
				for (i++; i < in.len && in.p[i] != '"'; i++) {
					if (in.p[i] == '\\' && i + 1 < in.len) {
						(void)buf_putc(&bare, in.p[i]);
						i++;
					}
					(void)buf_putc(&bare, in.p[i]);
					put_collapsed(&name, in.p[i]);
				}
				if (i == in.len) {
					*error_r = "unterminated quoted string";
					goto out;
				}
				(void)buf_putc(&bare, '"');
			} else if (c == '(') {
				unsigned depth = 1;

				for (i++; i < in.len && depth > 0; i++) {
					if (in.p[i] == '\\')
						i++;
					else if (in.p[i] == '(')
						depth++;
					else if (in.p[i] == ')')
						depth--;
					if (depth > COMMENT_DEPTH_MAX) {
						*error_r = "comments nested "
							"too deep";
						goto out;
					}
				}
				if (depth > 0) {
					*error_r = "unterminated comment";
					goto out;
				}
				i--;	/* the loop steps past ')' */
			} else if (c == '<') {
				const char *gt = memchr(in.p + i, '>',
					in.len - i);

				if (gt == NULL || angle.p != NULL) {
					*error_r = "unbalanced <address>";
					goto out;
				}
				angle = span_make(in.p + i + 1,
					(size_t)(gt - in.p) - i - 1);
				i = (size_t)(gt - in.p);
			} else if (c == ':' && angle.p == NULL) {
				/* "group: a, b;" : the name goes */
				buf_reset(&name);
				buf_reset(&bare);
			} else if (c == ',' || c == ';') {
				break;
			} else {
				(void)buf_putc(&bare, c);
				put_collapsed(&name, c);
			}
		}
		i++;	/* the ',' or ';' */
		addr_sp = angle.p != NULL ? span_trim(angle) : trim(&bare);
		name_sp = trim(&name);
		if (addr_sp.len == 0) {
			if (angle.p == NULL && name_sp.len == 0)
				continue;	/* "a,,b" or the end of a group */
			*error_r = "an address is missing";
			goto out;
		}
		if (*n_r >= COMPOSE_ADDRS_MAX) {
			*error_r = "too many addresses";
			goto out;
		}
		if (addr_parse_mailbox(addr_sp, ADDR_ALLOW_UTF8, a, &parsed,
		    error_r) < 0)
			goto out;
		list = arena_alloc_array(a, *n_r + 1, sizeof(*list));
		if (*n_r > 0)
			memcpy(list, *list_r, *n_r * sizeof(*list));
		list[*n_r].addr = parsed.addr;
		list[*n_r].name = angle.p != NULL && name_sp.len > 0 ?
			arena_spandup(a, name_sp) : NULL;
		*list_r = list;
		(*n_r)++;
	}
	ret = 0;
out:
	buf_clear(&name);
	buf_clear(&bare);
	return ret;
}

/* --- header encoding ---------------------------------------------------- */

static bool
needs_encoding(const char *s)
{
	const unsigned char *p;

	if (strstr(s, "=?") != NULL)
		return true;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p >= 0x80 || (*p < 0x20 && *p != '\t') || *p == 0x7f)
			return true;
	}
	return false;
}

static void
base64_chunk(struct buf *out, const unsigned char *p, size_t len)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789+/";
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		(void)buf_putc(out, b64[p[i] >> 2]);
		(void)buf_putc(out, b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		(void)buf_putc(out, b64[((p[i + 1] & 15) << 2) |
			(p[i + 2] >> 6)]);
		(void)buf_putc(out, b64[p[i + 2] & 63]);
	}
	if (len - i == 1) {
		(void)buf_putc(out, b64[p[i] >> 2]);
		(void)buf_putc(out, b64[(p[i] & 3) << 4]);
		(void)buf_puts(out, "==");
	} else if (len - i == 2) {
		(void)buf_putc(out, b64[p[i] >> 2]);
		(void)buf_putc(out, b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		(void)buf_putc(out, b64[(p[i + 1] & 15) << 2]);
		(void)buf_putc(out, '=');
	}
}

void
compose_encode_words(struct buf *out, const char *text, size_t *col)
{
	/* "=?UTF-8?B?" + "?=" */
	const size_t overhead = 12;
	const unsigned char *p = (const unsigned char *)text;
	size_t len = strlen(text), pos = 0;
	bool first = true;

	while (pos < len) {
		size_t sep = first ? 0 : 1, avail, max, n, back = 0;

		if (*col + sep + overhead + 8 > COMPOSE_FOLD_AT) {
			(void)buf_puts(out, "\r\n");
			*col = 0;
			sep = 1;
		}
		if (sep > 0) {
			(void)buf_putc(out, ' ');
			(*col)++;
		}
		/* 4 base64 characters carry 3 bytes */
		avail = COMPOSE_FOLD_AT - *col - overhead;
		max = avail / 4 * 3;
		if (max > (COMPOSE_WORD_MAX - overhead) / 4 * 3)
			max = (COMPOSE_WORD_MAX - overhead) / 4 * 3;
		n = len - pos < max ? len - pos : max;
		/* never split a UTF-8 sequence: end before the lead byte
		 * of a character cut short (invalid UTF-8 is cut anyway) */
		while (pos + n < len && back < 3 && n > 1 &&
		    (p[pos + n] & 0xc0) == 0x80) {
			n--;
			back++;
		}
		if (pos + n < len && (p[pos + n] & 0xc0) == 0x80)
			n += back;
		(void)buf_puts(out, "=?UTF-8?B?");
		base64_chunk(out, p + pos, n);
		(void)buf_puts(out, "?=");
		*col += overhead + (n + 2) / 3 * 4;
		pos += n;
		first = false;
	}
}

/* Append s, first folding when it would pass COMPOSE_FOLD_AT. A fold
 * needs a space before s: sep is " " or "". */
static void
put_token(struct buf *out, const char *s, size_t len, bool space,
	size_t *col)
{
	if (space && *col + 1 + len > COMPOSE_FOLD_AT && *col > 1) {
		(void)buf_puts(out, "\r\n ");
		*col = 1;
	} else if (space) {
		(void)buf_putc(out, ' ');
		(*col)++;
	}
	(void)buf_append(out, s, len);
	*col += len;
}

/* A display name as an atom phrase, a quoted string, or encoded words. */
static void
put_phrase(struct buf *out, const char *name, size_t *col)
{
	static const char specials[] = "()<>[]:;@\\,.\"";
	struct buf q;
	const char *p;
	bool quote = false;

	if (needs_encoding(name)) {
		if (*col > 1 && *col + 13 > COMPOSE_FOLD_AT) {
			(void)buf_puts(out, "\r\n ");
			*col = 1;
		}
		compose_encode_words(out, name, col);
		return;
	}
	for (p = name; *p != '\0'; p++) {
		if (strchr(specials, *p) != NULL)
			quote = true;
	}
	if (!quote) {
		/* words, folded at their spaces */
		const char *w = name;
		bool space = false;

		while (*w != '\0') {
			const char *e = strchr(w, ' ');
			size_t n = e != NULL ? (size_t)(e - w) : strlen(w);

			put_token(out, w, n, space, col);
			space = true;
			w += n;
			if (*w == ' ')
				w++;
		}
		return;
	}
	buf_init(&q, 0);
	(void)buf_putc(&q, '"');
	for (p = name; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			(void)buf_putc(&q, '\\');
		(void)buf_putc(&q, *p);
	}
	(void)buf_putc(&q, '"');
	put_token(out, q.data, q.len, false, col);
	buf_clear(&q);
}

void
compose_mailbox(struct buf *out, const struct compose_addr *m, size_t *col)
{
	struct buf a;

	buf_init(&a, 0);
	if (m->name == NULL || *m->name == '\0') {
		put_token(out, m->addr, strlen(m->addr), false, col);
		buf_clear(&a);
		return;
	}
	put_phrase(out, m->name, col);
	(void)buf_appendf(&a, "<%s>", m->addr);
	put_token(out, a.data, a.len, true, col);
	buf_clear(&a);
}

/* "Name: a, b, c" folded between the addresses. */
static void
put_addr_header(struct buf *out, const char *field,
	const struct compose_addr *list, size_t n)
{
	size_t col, i;

	if (n == 0)
		return;
	(void)buf_appendf(out, "%s:", field);
	col = strlen(field) + 1;
	for (i = 0; i < n; i++) {
		/* fold before a mailbox that will not fit on this line */
		if (col + 2 + strlen(list[i].addr) > COMPOSE_FOLD_AT && i > 0) {
			(void)buf_puts(out, "\r\n");
			col = 0;
		}
		(void)buf_putc(out, ' ');
		col++;
		compose_mailbox(out, &list[i], &col);
		if (i + 1 < n) {
			(void)buf_putc(out, ',');
			col++;
		}
	}
	(void)buf_puts(out, "\r\n");
}

/* An unstructured value (Subject): encoded words when it is not plain
 * ASCII, else its words folded at spaces. */
static void
put_unstructured(struct buf *out, const char *field, const char *value)
{
	size_t col = strlen(field) + 1;
	const char *w = value;
	bool long_word = false;

	(void)buf_appendf(out, "%s:", field);
	while (*w != '\0') {
		const char *e = strchr(w, ' ');
		size_t n = e != NULL ? (size_t)(e - w) : strlen(w);

		if (n > COMPOSE_LINE_MAX / 2)
			long_word = true;
		w += n + (e != NULL ? 1 : 0);
	}
	if (needs_encoding(value) || long_word) {
		(void)buf_putc(out, ' ');
		col++;
		compose_encode_words(out, value, &col);
	} else {
		bool space = true;

		for (w = value;;) {
			const char *e = strchr(w, ' ');
			size_t n = e != NULL ? (size_t)(e - w) : strlen(w);

			put_token(out, w, n, space, &col);
			if (e == NULL)
				break;
			w = e + 1;
		}
	}
	(void)buf_puts(out, "\r\n");
}

/* --- bodies ------------------------------------------------------------- */

const char *
compose_body_encoding(const char *p, size_t len)
{
	size_t i, line = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\n') {
			line = 0;
			continue;
		}
		if (c == '\r' && i + 1 < len && p[i + 1] == '\n')
			continue;
		if (c >= 0x80 || c == 0 || c == '\r' || ++line >
		    COMPOSE_LINE_MAX)
			return "quoted-printable";
	}
	return "7bit";
}

/* The body as it is, with CRLF line ends and a final CRLF. */
static void
put_7bit(struct buf *out, const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] == '\r' && i + 1 < len && p[i + 1] == '\n')
			continue;
		if (p[i] == '\n')
			(void)buf_puts(out, "\r\n");
		else
			(void)buf_putc(out, p[i]);
	}
	if (len > 0 && p[len - 1] != '\n')
		(void)buf_puts(out, "\r\n");
}

void
compose_qp(struct buf *out, const char *p, size_t len)
{
	size_t i, col = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		bool eol_next = i + 1 == len || p[i + 1] == '\n' ||
			(p[i + 1] == '\r' && i + 2 < len && p[i + 2] == '\n');
		char enc[4];
		size_t n;

		if (c == '\r' && i + 1 < len && p[i + 1] == '\n')
			continue;
		if (c == '\n') {
			(void)buf_puts(out, "\r\n");
			col = 0;
			continue;
		}
		if ((c >= 33 && c <= 126 && c != '=') ||
		    ((c == ' ' || c == '\t') && !eol_next)) {
			enc[0] = (char)c;
			n = 1;
		} else {
			enc[0] = '=';
			enc[1] = hex[c >> 4];
			enc[2] = hex[c & 15];
			n = 3;
		}
		/* a soft break leaves room for its "=" (RFC 2045 6.7 (5)),
		 * except before the end of the line */
		if (col + n > COMPOSE_QP_LINE - (eol_next ? 0 : 1)) {
			(void)buf_puts(out, "=\r\n");
			col = 0;
		}
		(void)buf_append(out, enc, n);
		col += n;
	}
	if (len > 0 && p[len - 1] != '\n')
		(void)buf_puts(out, "\r\n");
}

void
compose_base64(struct buf *out, const void *p, size_t len)
{
	const unsigned char *u = p;
	/* 57 bytes make 76 characters */
	const size_t per_line = COMPOSE_B64_LINE / 4 * 3;
	size_t i;

	for (i = 0; i < len; i += per_line) {
		base64_chunk(out, u + i, len - i < per_line ? len - i :
			per_line);
		(void)buf_puts(out, "\r\n");
	}
}

const char *
compose_guess_type(const char *filename)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ "txt", "text/plain" }, { "text", "text/plain" },
		{ "log", "text/plain" }, { "md", "text/markdown" },
		{ "csv", "text/csv" }, { "html", "text/html" },
		{ "htm", "text/html" }, { "css", "text/css" },
		{ "ics", "text/calendar" }, { "vcf", "text/vcard" },
		{ "xml", "application/xml" }, { "json", "application/json" },
		{ "pdf", "application/pdf" }, { "zip", "application/zip" },
		{ "gz", "application/gzip" }, { "tgz", "application/gzip" },
		{ "tar", "application/x-tar" },
		{ "xz", "application/x-xz" }, { "bz2", "application/x-bzip2" },
		{ "zst", "application/zstd" },
		{ "doc", "application/msword" },
		{ "docx", "application/vnd.openxmlformats-officedocument."
		    "wordprocessingml.document" },
		{ "xlsx", "application/vnd.openxmlformats-officedocument."
		    "spreadsheetml.sheet" },
		{ "odt", "application/vnd.oasis.opendocument.text" },
		{ "ods", "application/vnd.oasis.opendocument.spreadsheet" },
		{ "eml", "message/rfc822" },
		{ "png", "image/png" }, { "jpg", "image/jpeg" },
		{ "jpeg", "image/jpeg" }, { "gif", "image/gif" },
		{ "webp", "image/webp" }, { "svg", "image/svg+xml" },
		{ "mp3", "audio/mpeg" }, { "ogg", "audio/ogg" },
		{ "wav", "audio/wav" }, { "mp4", "video/mp4" },
		{ "webm", "video/webm" }, { "asc", "application/pgp-keys" },
		{ "pem", "application/x-pem-file" },
		{ "sh", "application/x-sh" }, { "c", "text/x-c" },
		{ "h", "text/x-c" }, { "py", "text/x-python" },
		{ "patch", "text/x-diff" }, { "diff", "text/x-diff" },
	};
	const char *dot = strrchr(filename, '.');
	size_t i;

	if (dot != NULL && strchr(dot, '/') == NULL) {
		for (i = 0; i < N_ELEMENTS(types); i++) {
			if (strcasecmp(dot + 1, types[i].ext) == 0)
				return types[i].type;
		}
	}
	return "application/octet-stream";
}

/* '; filename="x"' or, for names that are not plain ASCII, the RFC 2231
 * form '; filename*=utf-8''%xx'. */
static void
put_filename_param(struct buf *out, const char *param, const char *name)
{
	const unsigned char *p;

	if (!needs_encoding(name)) {
		(void)buf_appendf(out, "; %s=\"", param);
		for (p = (const unsigned char *)name; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				(void)buf_putc(out, '\\');
			(void)buf_putc(out, (char)*p);
		}
		(void)buf_putc(out, '"');
		return;
	}
	(void)buf_appendf(out, ";\r\n %s*=utf-8''", param);
	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		/* RFC 2231 7: attribute-char */
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("!#$&+-.^_`|~", *p) !=
		    NULL) {
			(void)buf_putc(out, (char)*p);
		} else {
			(void)buf_putc(out, '%');
			(void)buf_putc(out, hex[*p >> 4]);
			(void)buf_putc(out, hex[*p & 15]);
		}
	}
}

static void
put_text_part_headers(struct buf *out, const char *enc)
{
	(void)buf_appendf(out, "Content-Type: text/plain; charset=utf-8\r\n"
		"Content-Transfer-Encoding: %s\r\n", enc);
}

static void
put_text_body(struct buf *out, const char *p, size_t len, const char *enc)
{
	if (strcmp(enc, "7bit") == 0)
		put_7bit(out, p, len);
	else
		compose_qp(out, p, len);
}

void
compose_date(char *out, size_t size, time_t t)
{
	static const char *const days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
	};
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
		"Oct", "Nov", "Dec",
	};
	struct tm tm;
	long off;

	/* names from tables: strftime's %a and %b follow the locale */
	if (localtime_r(&t, &tm) == NULL)
		gmtime_r(&t, &tm);
	off = tm.tm_gmtoff / 60;
	(void)snprintf(out, size, "%s, %d %s %04d %02d:%02d:%02d %c%02ld%02ld",
		days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
		tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
		off < 0 ? '-' : '+', (off < 0 ? -off : off) / 60,
		(off < 0 ? -off : off) % 60);
}

char *
compose_message_id(struct arena *a, const char *domain, time_t t)
{
	char rnd[17];

	str_random_hex(rnd, 8);
	return arena_printf(a, "<%lld.%s@%s>", (long long)t, rnd,
		domain != NULL && *domain != '\0' ? domain : "mailcli.invalid");
}

int
compose_message(const struct compose *c, struct buf *out,
	const char **error_r)
{
	const char *enc = compose_body_encoding(c->body, c->body_len);
	bool multipart = c->natt > 0;
	char date[64];
	size_t i;

	if (multipart && (c->boundary == NULL ||
	    memmem(c->body, c->body_len, c->boundary,
	    strlen(c->boundary)) != NULL)) {
		*error_r = "the multipart boundary occurs in the body";
		return -1;
	}
	compose_date(date, sizeof(date), c->date);
	(void)buf_appendf(out, "Date: %s\r\n", date);
	put_addr_header(out, "From", &c->from, 1);
	put_addr_header(out, "To", c->to, c->nto);
	put_addr_header(out, "Cc", c->cc, c->ncc);
	if (c->subject != NULL)
		put_unstructured(out, "Subject", c->subject);
	(void)buf_appendf(out, "Message-ID: %s\r\n", c->message_id);
	if (c->user_agent != NULL)
		(void)buf_appendf(out, "User-Agent: %s\r\n", c->user_agent);
	(void)buf_puts(out, "MIME-Version: 1.0\r\n");
	if (!multipart) {
		put_text_part_headers(out, enc);
		(void)buf_puts(out, "\r\n");
		put_text_body(out, c->body, c->body_len, enc);
		return 0;
	}
	(void)buf_appendf(out, "Content-Type: multipart/mixed;\r\n"
		" boundary=\"%s\"\r\n\r\n"
		"This is a message in MIME format.\r\n", c->boundary);
	if (c->body_len > 0) {
		(void)buf_appendf(out, "\r\n--%s\r\n", c->boundary);
		put_text_part_headers(out, enc);
		(void)buf_puts(out, "\r\n");
		put_text_body(out, c->body, c->body_len, enc);
	}
	for (i = 0; i < c->natt; i++) {
		const struct compose_attachment *at = &c->att[i];

		(void)buf_appendf(out, "\r\n--%s\r\nContent-Type: %s",
			c->boundary, at->type != NULL ? at->type :
			compose_guess_type(at->filename));
		put_filename_param(out, "name", at->filename);
		(void)buf_puts(out, "\r\nContent-Disposition: attachment");
		put_filename_param(out, "filename", at->filename);
		(void)buf_puts(out, "\r\nContent-Transfer-Encoding: base64"
			"\r\n\r\n");
		compose_base64(out, at->data, at->len);
	}
	(void)buf_appendf(out, "\r\n--%s--\r\n", c->boundary);
	return 0;
}

/* --- -t: a complete message ---------------------------------------------- */

/* The next line of p (without its LF, CRLF or CR): false at the end. */
static bool
next_line(const char *p, size_t len, size_t *pos, struct span *line_r)
{
	size_t i = *pos;

	if (i >= len)
		return false;
	while (i < len && p[i] != '\n' && p[i] != '\r')
		i++;
	*line_r = span_make(p + *pos, i - *pos);
	/* LF, CRLF, or a lone CR (which the wire must not carry) */
	if (i < len && p[i] == '\r')
		i++;
	if (i < len && p[i] == '\n' && (i == *pos + line_r->len ||
	    p[i - 1] == '\r'))
		i++;
	*pos = i;
	return true;
}

static bool
is_field(struct span line, const char *name)
{
	size_t n = strlen(name);

	return line.len > n && line.p[n] == ':' &&
		span_startswith_ci(line, name);
}

int
compose_from_stdin_message(const char *p, size_t len, bool stop_at_dot,
	const struct compose_addr *from, time_t now, struct arena *a,
	struct buf *out, struct compose_addr **rcpts_r, size_t *nrcpts_r,
	const char **msgid_r, const char **error_r)
{
	struct buf head, value;
	struct span line;
	size_t pos = 0, start;
	bool in_header = true, have_date = false, have_from = false;
	bool skip = false, collect = false;
	const char *msgid = NULL;
	int ret = -1;

	*rcpts_r = NULL;
	*nrcpts_r = 0;
	buf_init(&head, COMPOSE_HEADER_MAX);
	buf_init(&value, COMPOSE_HEADER_MAX);
	start = out->len;
	while (next_line(p, len, &pos, &line)) {
		struct span vpart = line;

		if (stop_at_dot && line.len == 1 && line.p[0] == '.')
			break;
		if (line.len > COMPOSE_LINE_MAX) {
			*error_r = "a line is longer than 998 octets";
			goto out;
		}
		if (!in_header) {
			(void)buf_append_span(out, line);
			(void)buf_puts(out, "\r\n");
			continue;
		}
		if (line.len > 0 && (line.p[0] == ' ' || line.p[0] == '\t')) {
			if (head.len == 0 && !skip) {
				*error_r = "the message starts with a "
					"continuation line";
				goto out;
			}
		} else {
			/* the previous field is complete */
			if (collect && compose_parse_addrs(buf_span(&value), a,
			    rcpts_r, nrcpts_r, error_r) < 0)
				goto out;
			buf_reset(&value);
			collect = skip = false;
			if (line.len == 0) {
				in_header = false;
				continue;
			}
			if (memchr(line.p, ':', line.len) == NULL) {
				*error_r = "the message does not start with "
					"a header";
				goto out;
			}
			if (is_field(line, "Bcc")) {
				skip = collect = true;
			} else if (is_field(line, "To") ||
			    is_field(line, "Cc")) {
				collect = true;
			} else if (is_field(line, "Date")) {
				have_date = true;
			} else if (is_field(line, "From")) {
				have_from = true;
			} else if (is_field(line, "Message-ID")) {
				msgid = arena_spandup(a, span_trim(span_make(
					line.p + 11, line.len - 11)));
			}
			if (collect) {
				const char *colon = memchr(line.p, ':',
					line.len);

				vpart = span_make(colon + 1, (size_t)(line.p +
					line.len - colon - 1));
			}
		}
		if (collect && buf_append_span(&value, vpart) < 0) {
			*error_r = "the header is too long";
			goto out;
		}
		if (collect)
			(void)buf_putc(&value, ' ');
		if (!skip) {
			if (buf_append_span(&head, line) < 0 ||
			    buf_puts(&head, "\r\n") < 0) {
				*error_r = "the header is too long";
				goto out;
			}
		}
	}
	if (in_header && collect && compose_parse_addrs(buf_span(&value), a,
	    rcpts_r, nrcpts_r, error_r) < 0)
		goto out;
	if (!have_from && from == NULL) {
		*error_r = "the message has no From and the account none";
		goto out;
	}
	/* what we add goes first, the message's own header after it */
	{
		struct buf top;
		char date[64];
		size_t col = 5;

		buf_init(&top, 0);
		if (!have_from) {
			(void)buf_puts(&top, "From: ");
			col = 6;
			compose_mailbox(&top, from, &col);
			(void)buf_puts(&top, "\r\n");
		}
		if (!have_date) {
			compose_date(date, sizeof(date), now);
			(void)buf_appendf(&top, "Date: %s\r\n", date);
		}
		if (msgid == NULL) {
			const char *at = from != NULL ?
				strrchr(from->addr, '@') : NULL;

			msgid = compose_message_id(a, at != NULL ? at + 1 :
				NULL, now);
			(void)buf_appendf(&top, "Message-ID: %s\r\n", msgid);
		}
		/* the body already went to out: put the header before it */
		{
			struct buf body;

			buf_init(&body, 0);
			if (out->len > start)
				(void)buf_append(&body, out->data + start,
					out->len - start);
			buf_truncate(out, start);
			(void)buf_puts(out, buf_str(&top));
			(void)buf_append_span(out, buf_span(&head));
			(void)buf_puts(out, "\r\n");
			(void)buf_append_span(out, buf_span(&body));
			buf_clear(&body);
		}
		buf_clear(&top);
	}
	*msgid_r = msgid;
	ret = 0;
out:
	buf_clear(&head);
	buf_clear(&value);
	return ret;
}
