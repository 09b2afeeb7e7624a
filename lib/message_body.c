/* SPDX-License-Identifier: MIT */
/*
 * message_body: IMAP part numbers over the MIME tree (RFC 3501 6.4.5),
 * sizes and CRLF copies of byte ranges, and content decoding of a part
 * for BINARY (RFC 3516: base64 and quoted-printable, RFC 2045 6.7, 6.8).
 */
#include <string.h>

#include "message.h"
#include "str.h"
#include "tern.h"

static bool
str_eq_ci(const char *a, const char *b)
{
	return a != NULL && span_eq_ci(span_str(a), b);
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

struct message_part *
message_part_inner(struct message_part *p)
{
	if ((p->flags & MESSAGE_PART_RFC822) != 0 && p->children != NULL)
		return p->children;
	return p;
}

struct message_part *
message_part_find(const struct message *m, const uint32_t *path,
	unsigned int n)
{
	struct message_part *p = m->root, *c;
	unsigned int i;
	uint32_t k;

	for (i = 0; i < n; i++) {
		if (path[i] == 0)
			return NULL;
		/* Step into the message a message/rfc822 part holds. */
		if (i > 0)
			p = message_part_inner(p);
		if ((p->flags & MESSAGE_PART_MULTIPART) == 0) {
			/* RFC 3501 6.4.5: a non-multipart has part 1. */
			if (path[i] != 1)
				return NULL;
			continue;
		}
		for (c = p->children, k = 1; c != NULL && k < path[i];
		    c = c->next, k++)
			;
		if (c == NULL)
			return NULL;
		p = c;
	}
	return p;
}

struct message_size
message_range_size(const struct message *m, size_t start, size_t end)
{
	struct message_size s = { 0, 0, 0 };
	const char *d = m->data.p;
	size_t i;

	if (end > m->data.len)
		end = m->data.len;
	if (start >= end)
		return s;
	s.physical = end - start;
	s.crlf = s.physical;
	for (i = start; i < end; i++) {
		const char *lf = memchr(d + i, '\n', end - i);

		if (lf == NULL)
			break;
		i = (size_t)(lf - d);
		s.lines++;
		if (i == 0 || d[i - 1] != '\r')
			s.crlf++;
	}
	return s;
}

int
message_append_crlf(const struct message *m, size_t start, size_t end,
	struct buf *out)
{
	const char *d = m->data.p;
	size_t i = start, orig = out->len;

	if (end > m->data.len)
		end = m->data.len;
	while (i < end) {
		const char *lf = memchr(d + i, '\n', end - i);
		size_t j = lf != NULL ? (size_t)(lf - d) : end;

		if (buf_append(out, d + i, j - i) < 0)
			goto full;
		if (lf == NULL)
			break;
		if ((j == 0 || d[j - 1] != '\r') && buf_putc(out, '\r') < 0)
			goto full;
		if (buf_putc(out, '\n') < 0)
			goto full;
		i = j + 1;
	}
	return 0;
full:
	buf_truncate(out, orig);
	return -1;
}

static int
b64v(int ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

int
message_part_decode(const struct message *m, const struct message_part *p,
	struct buf *out, const char **error_r)
{
	const char *d = m->data.p + p->body_start;
	size_t len = p->body_end - p->body_start, i;
	const char *enc = p->encoding;
	size_t orig = out->len;

	if (enc == NULL || str_eq_ci(enc, "7bit") || str_eq_ci(enc, "8bit") ||
	    str_eq_ci(enc, "binary")) {
		if (enc != NULL && str_eq_ci(enc, "binary"))
			return buf_append(out, d, len) < 0 ? (*error_r = "full",
			    -1) : 0;
		if (message_append_crlf(m, p->body_start, p->body_end,
		    out) < 0) {
			*error_r = "full";
			return -1;
		}
		return 0;
	}
	if (str_eq_ci(enc, "base64")) {
		/* decoded into a block appended whole: buf_putc() per byte
		 * was most of the time */
		char blk[4096];
		size_t nb = 0;
		uint32_t acc = 0;
		unsigned int bits = 0;

		for (i = 0; i < len; i++) {
			int v = b64v((unsigned char)d[i]);

			if (d[i] == '=')
				break;		/* padding: the end */
			if (v < 0)
				continue;	/* line ends, junk */
			acc = (acc << 6) | (uint32_t)v;
			bits += 6;
			if (bits < 8)
				continue;
			bits -= 8;
			blk[nb++] = (char)((acc >> bits) & 0xff);
			if (nb == sizeof(blk)) {
				if (buf_append(out, blk, nb) < 0)
					goto full;
				nb = 0;
			}
		}
		if (nb > 0 && buf_append(out, blk, nb) < 0)
			goto full;
		return 0;
	}
	if (str_eq_ci(enc, "quoted-printable")) {
		size_t keep = out->len;	/* decoded bytes are not trimmed */

		for (i = 0; i < len; i++) {
			char ch = d[i];

			if (ch == '=') {
				size_t j = i + 1;
				int h1, h2;

				/* soft line break: "=" WSP* (CR)LF */
				while (j < len && (d[j] == ' ' || d[j] == '\t'))
					j++;
				if (j < len && d[j] == '\r' && j + 1 < len &&
				    d[j + 1] == '\n')
					j++;
				if (j >= len || d[j] == '\n') {
					i = j;
					continue;
				}
				h1 = i + 2 < len ? hexval((unsigned char)d[i + 1])
				    : -1;
				h2 = h1 >= 0 ? hexval((unsigned char)d[i + 2])
				    : -1;
				if (h1 >= 0 && h2 >= 0) {
					if (buf_putc(out, (char)(h1 * 16 + h2))
					    < 0)
						goto full;
					keep = out->len;
					i += 2;
					continue;
				}
			} else if (ch == '\n') {
				/* RFC 2045 6.7 (3): drop trailing white
				 * space; make the line end CRLF */
				while (out->len > keep &&
				    (out->data[out->len - 1] == ' ' ||
				    out->data[out->len - 1] == '\t' ||
				    out->data[out->len - 1] == '\r'))
					buf_truncate(out, out->len - 1);
				if (buf_append(out, "\r\n", 2) < 0)
					goto full;
				keep = out->len;
				continue;
			}
			if (buf_putc(out, ch) < 0)
				goto full;
		}
		return 0;
	}
	*error_r = "unknown";
	return -1;
full:
	buf_truncate(out, orig);
	*error_r = "full";
	return -1;
}
