/* SPDX-License-Identifier: MIT */
/*
 * imap_bodystructure: render BODY / BODYSTRUCTURE from a message_part
 * tree by an iterative walk over the parent links (no recursion), the
 * same text Dovecot 2.3 gives (defaults: "text" "plain", charset
 * "us-ascii" for text, "7bit"; an empty multipart gets one empty
 * text/plain), and resolve BODY[section] specs to byte ranges.
 */
#include <string.h>

#include "imap_bodystructure.h"
#include "imap_envelope.h"
#include "str.h"
#include "tern.h"

#define EMPTY_PART "\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL " \
	"\"7bit\" 0 0"

static bool
eq_ci(const char *a, const char *b)
{
	return a != NULL && span_eq_ci(span_str(a), b);
}

static int
params_write(struct buf *out, const struct message_param *ps, unsigned int n,
	bool text)
{
	bool charset = false;
	unsigned int i;
	int r = 0;

	if (n == 0 && !text)
		return buf_append(out, "NIL", 3);
	r |= buf_putc(out, '(');
	for (i = 0; i < n; i++) {
		if (i > 0)
			r |= buf_putc(out, ' ');
		if (eq_ci(ps[i].name, "charset"))
			charset = true;
		r |= imap_envelope_append_nstring(out, ps[i].name);
		r |= buf_putc(out, ' ');
		r |= imap_envelope_append_nstring(out, ps[i].value);
	}
	if (text && !charset)
		r |= buf_puts(out, n > 0 ? " \"charset\" \"us-ascii\"" :
		    "\"charset\" \"us-ascii\"");
	r |= buf_putc(out, ')');
	return r;
}

/* body-fld-dsp SP body-fld-lang SP body-fld-loc */
static int
ext_common(struct buf *out, const struct message_part *p)
{
	unsigned int i;
	int r = 0;

	r |= buf_putc(out, ' ');
	if (p->disposition == NULL)
		r |= buf_puts(out, "NIL");
	else {
		r |= buf_putc(out, '(');
		r |= imap_envelope_append_nstring(out, p->disposition);
		r |= buf_putc(out, ' ');
		r |= params_write(out, p->disp_params, p->ndisp_params, false);
		r |= buf_putc(out, ')');
	}
	r |= buf_putc(out, ' ');
	if (p->nlanguages == 0)
		r |= buf_puts(out, "NIL");
	else {
		r |= buf_putc(out, '(');
		for (i = 0; i < p->nlanguages; i++) {
			if (i > 0)
				r |= buf_putc(out, ' ');
			r |= imap_envelope_append_nstring(out, p->languages[i]);
		}
		r |= buf_putc(out, ')');
	}
	r |= buf_putc(out, ' ');
	r |= imap_envelope_append_nstring(out, p->location);
	return r;
}

/* Everything of a non-multipart part up to (not including) what an
 * message/rfc822 part nests: type, fields, and for text the lines. */
static int
leaf_head(struct buf *out, const struct message_part *p)
{
	bool rfc822 = (p->flags & MESSAGE_PART_RFC822) != 0;
	bool text = !rfc822 && (p->flags & MESSAGE_PART_OVERFLOW) == 0 &&
	    (p->type == NULL || eq_ci(p->type, "text"));
	int r = 0;

	r |= buf_putc(out, '(');
	if ((p->flags & MESSAGE_PART_OVERFLOW) != 0)
		r |= buf_puts(out, "\"application\" \"octet-stream\"");
	else if (rfc822 && p->type == NULL)
		r |= buf_puts(out, "\"message\" \"rfc822\"");
	else {
		r |= imap_envelope_append_nstring(out, p->type != NULL ?
		    p->type : "text");
		r |= buf_putc(out, ' ');
		r |= imap_envelope_append_nstring(out, p->subtype != NULL ?
		    p->subtype : "plain");
	}
	r |= buf_putc(out, ' ');
	r |= params_write(out, p->params, p->nparams, text);
	r |= buf_putc(out, ' ');
	r |= imap_envelope_append_nstring(out, p->id);
	r |= buf_putc(out, ' ');
	r |= imap_envelope_append_nstring(out, p->description);
	r |= buf_putc(out, ' ');
	r |= imap_envelope_append_nstring(out, p->encoding != NULL ?
	    p->encoding : "7bit");
	r |= buf_appendf(out, " %llu", (unsigned long long)p->body.crlf);
	if (text)
		r |= buf_appendf(out, " %llu", (unsigned long long)p->body.lines);
	return r;
}

static int
leaf_tail(struct buf *out, const struct message_part *p, bool extended)
{
	int r = 0;

	if ((p->flags & MESSAGE_PART_RFC822) != 0)
		r |= buf_appendf(out, " %llu",
		    (unsigned long long)p->body.lines);
	if (extended) {
		r |= buf_putc(out, ' ');
		r |= imap_envelope_append_nstring(out, p->md5);
		r |= ext_common(out, p);
	}
	r |= buf_putc(out, ')');
	return r;
}

static int
multipart_tail(struct buf *out, const struct message_part *p, bool extended)
{
	int r = 0;

	r |= buf_putc(out, ' ');
	r |= imap_envelope_append_nstring(out, p->subtype);
	if (extended) {
		r |= buf_putc(out, ' ');
		r |= params_write(out, p->params, p->nparams, false);
		r |= ext_common(out, p);
	}
	r |= buf_putc(out, ')');
	return r;
}

int
imap_bodystructure_write(const struct message *m, bool extended,
	struct arena *a, struct buf *out)
{
	const struct message_part *p = m->root;
	int r = 0;

	for (;;) {
		/* Enter p. */
		if ((p->flags & MESSAGE_PART_MULTIPART) != 0) {
			r |= buf_putc(out, '(');
			if (p->children != NULL) {
				p = p->children;
				continue;
			}
			r |= buf_puts(out, "(" EMPTY_PART);
			r |= buf_puts(out, extended ? " NIL NIL NIL NIL)" : ")");
			r |= multipart_tail(out, p, extended);
		} else if ((p->flags & MESSAGE_PART_RFC822) != 0) {
			r |= leaf_head(out, p);
			r |= buf_putc(out, ' ');
			r |= imap_envelope_write(p->children, a, out);
			r |= buf_putc(out, ' ');
			if (p->children != NULL) {
				p = p->children;
				continue;
			}
			r |= buf_puts(out, "(" EMPTY_PART);
			r |= buf_puts(out, extended ? " NIL NIL NIL NIL)" : ")");
			r |= leaf_tail(out, p, extended);
		} else {
			r |= leaf_head(out, p);
			r |= leaf_tail(out, p, extended);
		}
		/* Leave p: on to its next sibling, or close its parents. */
		for (;;) {
			if (p == m->root)
				return r < 0 ? -1 : 0;
			if (p->next != NULL &&
			    (p->parent->flags & MESSAGE_PART_MULTIPART) != 0) {
				p = p->next;
				break;
			}
			p = p->parent;
			if ((p->flags & MESSAGE_PART_MULTIPART) != 0)
				r |= multipart_tail(out, p, extended);
			else
				r |= leaf_tail(out, p, extended);
		}
	}
}

/* ---- sections ---- */

static void
set_range(const struct message *m, struct imap_section *s, size_t start,
	size_t end)
{
	s->start = start;
	s->end = end;
	s->crlf_size = message_range_size(m, start, end).crlf;
}

int
imap_bodystructure_section(const struct message *m, struct span spec,
	struct imap_section *sec_r, const char **error_r)
{
	uint32_t path[IMAP_SECTION_PATH_MAX];
	unsigned int n = 0;
	size_t i = 0;
	struct message_part *p, *hp;
	struct span rest;

	memset(sec_r, 0, sizeof(*sec_r));
	/* section-part = nz-number *("." nz-number) */
	while (i < spec.len && spec.p[i] >= '0' && spec.p[i] <= '9') {
		size_t s = i;
		uint32_t v;

		while (i < spec.len && spec.p[i] >= '0' && spec.p[i] <= '9')
			i++;
		if (parse_u32(span_make(spec.p + s, i - s), UINT32_MAX, &v) < 0
		    || v == 0 || spec.p[s] == '0') {
			*error_r = "invalid part number";
			return -1;
		}
		if (n >= IMAP_SECTION_PATH_MAX) {
			*error_r = "part number too deep";
			return -1;
		}
		path[n++] = v;
		if (i < spec.len) {
			if (spec.p[i] != '.') {
				*error_r = "invalid section";
				return -1;
			}
			i++;
			if (i == spec.len) {
				*error_r = "invalid section";
				return -1;
			}
		}
	}
	rest = span_make(spec.p + i, spec.len - i);
	if (rest.len == 0)
		sec_r->kind = IMAP_SECTION_ALL;
	else if (span_eq_ci(rest, "HEADER"))
		sec_r->kind = IMAP_SECTION_HEADER;
	else if (span_eq_ci(rest, "TEXT"))
		sec_r->kind = IMAP_SECTION_TEXT;
	else if (span_eq_ci(rest, "MIME") && n > 0)
		sec_r->kind = IMAP_SECTION_MIME;
	else if (span_startswith_ci(rest, "HEADER.FIELDS.NOT ")) {
		sec_r->kind = IMAP_SECTION_HEADER_FIELDS_NOT;
		sec_r->fields = span_make(rest.p + 18, rest.len - 18);
	} else if (span_startswith_ci(rest, "HEADER.FIELDS ")) {
		sec_r->kind = IMAP_SECTION_HEADER_FIELDS;
		sec_r->fields = span_make(rest.p + 14, rest.len - 14);
	} else {
		*error_r = "invalid section";
		return -1;
	}
	if (sec_r->fields.p != NULL && (sec_r->fields.len < 2 ||
	    sec_r->fields.p[0] != '(' ||
	    sec_r->fields.p[sec_r->fields.len - 1] != ')')) {
		*error_r = "invalid header field list";
		return -1;
	}
	p = message_part_find(m, path, n);
	if (p == NULL)
		return 0;	/* an empty range */
	sec_r->part = p;
	switch (sec_r->kind) {
	case IMAP_SECTION_ALL:
		if (n == 0)
			set_range(m, sec_r, 0, m->data.len);
		else
			set_range(m, sec_r, p->body_start, p->body_end);
		break;
	case IMAP_SECTION_MIME:
		set_range(m, sec_r, p->hdr_start, p->body_start);
		break;
	case IMAP_SECTION_HEADER:
	case IMAP_SECTION_HEADER_FIELDS:
	case IMAP_SECTION_HEADER_FIELDS_NOT:
	case IMAP_SECTION_TEXT:
		/* RFC 3501 6.4.5: of the message (root or message/rfc822) */
		hp = n == 0 ? p : (p->flags & MESSAGE_PART_RFC822) != 0 ?
		    p->children : NULL;
		if (hp == NULL) {
			sec_r->part = NULL;
			break;
		}
		sec_r->part = hp;
		if (sec_r->kind == IMAP_SECTION_TEXT)
			set_range(m, sec_r, hp->body_start, hp->body_end);
		else
			set_range(m, sec_r, hp->hdr_start, hp->body_start);
		break;
	}
	return 0;
}
