/* SPDX-License-Identifier: MIT */
/*
 * message: one-pass MIME parser over a message in memory (RFC 5322, RFC
 * 2045, RFC 2046). The cursor always sits at a line start and carries the
 * count of LFs and of bare LFs before it, so every part's physical size,
 * CRLF size and line count are differences of two marks. Boundaries of
 * the open multiparts form an explicit stack (no recursion); a boundary
 * line closes every open part below the multipart it belongs to, as in
 * Dovecot's message-parser.c (longest prefix match, innermost first).
 */
#include <stdlib.h>
#include <string.h>

#include "message.h"
#include "str.h"
#include "xmalloc.h"
#include "tern.h"

/* A position with the LF and bare-LF counts before it. */
struct mark {
	size_t off;
	uint64_t lf, bare;
};

struct bnd {
	const char *s;
	size_t len;
	struct message_part *part;
};

/* A boundary line found at a line start. */
struct event {
	int k;			/* stack index, -1: none */
	bool close;		/* "--boundary--" */
	struct mark at;		/* the boundary line's start */
	struct mark before;	/* before the line end preceding it */
	struct mark after;	/* the next line's start */
};

struct pctx {
	const char *d;
	size_t len;
	struct mark pos;	/* cursor: always at a line start */
	struct arena *a;
	struct message *m;
	struct bnd *stack;
	unsigned int nb;
	unsigned int depth_max, parts_max, fields_max;
	struct message_field *tmpf;	/* fields_max slots, reused */
	/* Body start marks of open parts live here, indexed by depth. */
	struct mark *body0;
	/* Where the text now scanned began (body, preamble or epilogue):
	 * a boundary line's preceding line end belongs to the boundary
	 * only when it lies inside this text (Dovecot). */
	size_t region;
};

static int
lc(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static bool
mem_eq_ci(const char *a, size_t alen, const char *b)
{
	size_t i;

	for (i = 0; i < alen; i++) {
		if (b[i] == '\0' || lc((unsigned char)a[i]) !=
		    lc((unsigned char)b[i]))
			return false;
	}
	return b[i] == '\0';
}

static bool
str_eq_ci(const char *a, const char *b)
{
	return a != NULL && mem_eq_ci(a, strlen(a), b);
}

/* Advance the cursor past one line; returns the end of its content (at
 * the CR of CRLF, at the LF, or at the end of data). */
static size_t
next_line(struct pctx *c)
{
	size_t start = c->pos.off, eol;
	const char *lf = memchr(c->d + start, '\n', c->len - start);

	if (lf == NULL) {
		c->pos.off = c->len;
		return c->len;
	}
	eol = (size_t)(lf - c->d);
	c->pos.off = eol + 1;
	c->pos.lf++;
	if (eol == 0 || c->d[eol - 1] != '\r')
		c->pos.bare++;
	else
		eol--;
	return eol;
}

/* Is the line at the cursor a boundary of an open multipart? */
static bool
find_boundary(struct pctx *c, struct event *ev)
{
	size_t L = c->pos.off, n, i;
	const char *p = c->d + L, *lf;
	int best = -1;

	ev->k = -1;
	if (c->nb == 0 || c->len - L < 2 || p[0] != '-' || p[1] != '-')
		return false;
	if (c->m->nparts >= c->parts_max) {
		/* no more parts: boundaries are text now (Dovecot) */
		c->m->overflow = true;
		return false;
	}
	lf = memchr(p, '\n', c->len - L);
	n = (lf != NULL ? (size_t)(lf - p) : c->len - L) - 2;
	if (lf != NULL && n > 0 && p[2 + n - 1] == '\r')
		n--;
	for (i = c->nb; i-- > 0;) {
		struct bnd *b = &c->stack[i];

		if (b->len <= n && memcmp(b->s, p + 2, b->len) == 0 &&
		    (best < 0 || c->stack[best].len < b->len)) {
			best = (int)i;
			if (b->len == n)
				break;
		}
	}
	if (best < 0)
		return false;
	ev->k = best;
	ev->close = n >= c->stack[best].len + 2 &&
	    memcmp(p + 2 + c->stack[best].len, "--", 2) == 0;
	ev->at = c->pos;
	ev->before = c->pos;
	if (L > 0 && c->d[L - 1] == '\n') {
		ev->before.off--;
		ev->before.lf--;
		if (L > 1 && c->d[L - 2] == '\r')
			ev->before.off--;
		else
			ev->before.bare--;
	}
	next_line(c);
	ev->after = c->pos;
	return true;
}

static struct message_size
size_between(struct mark a, struct mark b)
{
	struct message_size s;

	s.physical = b.off - a.off;
	s.lines = b.lf - a.lf;
	s.crlf = s.physical + (b.bare - a.bare);
	return s;
}

static struct message_part *
new_part(struct pctx *c, struct message_part *parent)
{
	struct message_part *p = arena_alloc(c->a, sizeof(*p));
	struct message_part **tail;

	p->parent = parent;
	p->depth = parent != NULL ? parent->depth + 1 : 0;
	if (parent != NULL) {
		for (tail = &parent->children; *tail != NULL;
		    tail = &(*tail)->next)
			;
		*tail = p;
	}
	c->m->nparts++;
	return p;
}

/* ---- RFC 822 lexical helpers over a span ---- */

struct lex {
	const char *p, *end;
};

static bool
is_wsp(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Skip white space and (nested) comments; the depth is a counter. */
static void
skip_cfws(struct lex *x)
{
	unsigned int depth;

	for (;;) {
		while (x->p < x->end && is_wsp((unsigned char)*x->p))
			x->p++;
		if (x->p >= x->end || *x->p != '(')
			return;
		depth = 0;
		for (; x->p < x->end; x->p++) {
			if (*x->p == '\\' && x->p + 1 < x->end)
				x->p++;
			else if (*x->p == '(')
				depth++;
			else if (*x->p == ')' && --depth == 0) {
				x->p++;
				break;
			}
		}
	}
}

/* RFC 2045 5.1 token character (8-bit allowed, leniently). */
static bool
is_token(int ch)
{
	if (ch <= ' ' || ch == 0x7f)
		return false;
	return strchr("()<>@,;:\\\"/[]?=", ch) == NULL;
}

static char *
lex_token(struct lex *x, struct arena *a)
{
	const char *s = x->p;

	while (x->p < x->end && is_token((unsigned char)*x->p))
		x->p++;
	return x->p > s ? arena_strndup(a, s, (size_t)(x->p - s)) : NULL;
}

/* A quoted string at x->p == '"', unescaped into b. */
static void
lex_quoted(struct lex *x, struct buf *b)
{
	x->p++;
	while (x->p < x->end && *x->p != '"') {
		if (*x->p == '\\' && x->p + 1 < x->end)
			x->p++;
		if (*x->p != '\r' && *x->p != '\n')
			(void)buf_putc(b, *x->p);
		x->p++;
	}
	if (x->p < x->end)
		x->p++;
}

/* ---- Content-Type / Content-Disposition parameters (RFC 2231) ---- */

struct rawparam {
	const char *key;	/* without the "*n*" suffix for 2231 ones */
	const char *value;
	unsigned int idx;
	bool star, extended;
};

static int
rawparam_cmp(const void *a, const void *b)
{
	const struct rawparam *x = a, *y = b;
	int r = strcmp(x->key, y->key);

	if (r != 0)
		return r;
	return x->idx < y->idx ? -1 : x->idx > y->idx ? 1 : 0;
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = lc(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* "charset'lang'%XX..." to UTF-8; NULL when it does not convert. */
static const char *
decode_2231(const char *v, struct arena *a)
{
	const char *q1 = strchr(v, '\''), *q2, *s;
	struct buf raw, out;
	const char *res = NULL;
	char *cs;

	if (q1 == NULL || (q2 = strchr(q1 + 1, '\'')) == NULL)
		return NULL;
	buf_init(&raw, MESSAGE_VALUE_MAX);
	buf_init(&out, 0);
	for (s = q2 + 1; *s != '\0'; s++) {
		if (*s == '%' && hexval((unsigned char)s[1]) >= 0 &&
		    hexval((unsigned char)s[2]) >= 0) {
			(void)buf_putc(&raw, (char)(hexval((unsigned char)s[1])
			    * 16 + hexval((unsigned char)s[2])));
			s += 2;
		} else
			(void)buf_putc(&raw, *s);
	}
	cs = arena_strndup(a, v, (size_t)(q1 - v));
	if (message_charset_to_utf8(*cs != '\0' ? cs : "us-ascii",
	    raw.data != NULL ? raw.data : "", raw.len, &out) == 0)
		res = arena_strndup(a, buf_str(&out), out.len);
	buf_clear(&raw);
	buf_clear(&out);
	return res;
}

/*
 * Parse ";" name "=" value pairs at x into *params_r, merging RFC 2231
 * continuations as Dovecot's rfc2231_parse() does: plain ones first in
 * order, then the starred ones sorted by name and index.
 */
static void
parse_params(struct lex *x, struct arena *a, struct message_param **params_r,
	unsigned int *n_r)
{
	struct rawparam raw[MESSAGE_PARAMS_MAX];
	struct message_param *out;
	unsigned int nraw = 0, nout = 0, nstar = 0, i, j, next;
	struct buf b;

	buf_init(&b, MESSAGE_VALUE_MAX);
	/* The error recovery is Dovecot's (rfc2231_parse()): after any
	 * error skip one byte and look for ";" again. */
	while (x->p < x->end && nraw < MESSAGE_PARAMS_MAX) {
		const char *ks, *ke, *st;
		struct rawparam *r = &raw[nraw];

		if (*x->p != ';') {
			x->p++;
			continue;
		}
		x->p++;
		skip_cfws(x);
		ks = x->p;
		while (x->p < x->end && is_token((unsigned char)*x->p))
			x->p++;
		ke = x->p;
		skip_cfws(x);
		if (x->p >= x->end)
			break;
		if (*x->p != '=') {
			x->p++;
			continue;
		}
		x->p++;
		skip_cfws(x);
		buf_reset(&b);
		if (x->p < x->end && *x->p == '"') {
			const char *q = x->p + 1;

			while (q < x->end && *q != '"')
				q += *q == '\\' && q + 1 < x->end ? 2 : 1;
			if (q >= x->end) {
				x->p = x->end;	/* unterminated: dropped */
				break;
			}
			lex_quoted(x, &b);
		} else if (x->p < x->end && *x->p == '=') {
			/* name==?utf-8?b?...?= from broken senders */
			while (x->p < x->end && *x->p != ';' && *x->p != ' ' &&
			    *x->p != '\t' && *x->p != '\r' && *x->p != '\n')
				(void)buf_putc(&b, *x->p++);
		} else {
			const char *vs = x->p;

			while (x->p < x->end && is_token((unsigned char)*x->p))
				x->p++;
			(void)buf_append(&b, vs, (size_t)(x->p - vs));
		}
		memset(r, 0, sizeof(*r));
		r->value = arena_strndup(a, buf_str(&b), b.len);
		st = memchr(ks, '*', (size_t)(ke - ks));
		if (st != NULL) {
			const char *q = st + 1;
			bool ok = true;

			while (q < ke && *q >= '0' && *q <= '9') {
				if (r->idx < MESSAGE_CONTINUATIONS_MAX)
					r->idx = r->idx * 10 + (unsigned)(*q - '0');
				else
					ok = false;
				q++;
			}
			if (q == st + 1 && q == ke)
				r->extended = true;	/* "name*" */
			else if (q < ke && *q == '*') {
				r->extended = true;
				q++;
			}
			if (q == ke && ok) {
				r->star = true;
				nstar++;
				ke = st;
			}
		}
		r->key = arena_strndup(a, ks, (size_t)(ke - ks));
		nraw++;
	}
	buf_clear(&b);

	*params_r = NULL;
	*n_r = 0;
	if (nraw == 0)
		return;
	out = arena_alloc_array(a, nraw, sizeof(*out));
	for (i = 0; i < nraw; i++) {
		if (raw[i].star)
			continue;
		out[nout].name = raw[i].key;
		out[nout].value = raw[i].value;
		out[nout].decoded = raw[i].value;
		nout++;
	}
	if (nstar > 0) {
		struct rawparam st[MESSAGE_PARAMS_MAX];
		unsigned int ns = 0;

		for (i = 0; i < nraw; i++) {
			if (raw[i].star)
				st[ns++] = raw[i];
		}
		qsort(st, ns, sizeof(st[0]), rawparam_cmp);
		buf_init(&b, MESSAGE_VALUE_MAX);
		for (i = 0; i < ns; i = next) {
			bool ok = true, ext = false;
			unsigned int want = 0;

			for (j = i; j < ns && str_eq_ci(st[j].key, st[i].key);
			    j++) {
				if (st[j].idx != want)
					ok = false;
				if (st[j].extended)
					ext = true;
				want++;
			}
			next = j;
			if (!ok) {
				for (j = i; j < next; j++) {
					out[nout].name = arena_printf(a,
					    st[j].extended ? "%s*%u*" : "%s*%u",
					    st[j].key, st[j].idx);
					out[nout].value = st[j].value;
					out[nout].decoded = st[j].value;
					nout++;
				}
				continue;
			}
			buf_reset(&b);
			if (!st[i].extended && ext)
				(void)buf_puts(&b, "''");
			for (j = i; j < next; j++) {
				const char *v = st[j].value;

				if (st[j].extended || !ext) {
					(void)buf_puts(&b, v);
					continue;
				}
				for (; *v != '\0'; v++) {
					if (*v == '%')
						(void)buf_puts(&b, "%25");
					else
						(void)buf_putc(&b, *v);
				}
			}
			out[nout].name = ext ? arena_printf(a, "%s*", st[i].key)
			    : st[i].key;
			out[nout].value = arena_strndup(a, buf_str(&b), b.len);
			out[nout].decoded = ext ? decode_2231(out[nout].value, a)
			    : out[nout].value;
			if (out[nout].decoded == NULL)
				out[nout].decoded = out[nout].value;
			nout++;
		}
		buf_clear(&b);
	}
	*params_r = out;
	*n_r = nout;
}

static struct lex
field_lex(const struct message_field *f)
{
	struct lex x;
	size_t n = f->value.len < MESSAGE_VALUE_MAX ? f->value.len :
	    MESSAGE_VALUE_MAX;

	x.p = f->value.p;
	x.end = f->value.p + n;
	return x;
}

static void
parse_content_type(struct message_part *p, const struct message_field *f,
	struct arena *a)
{
	struct lex x = field_lex(f);
	char *type, *sub;
	unsigned int i;

	skip_cfws(&x);
	type = lex_token(&x, a);
	if (type == NULL || x.p >= x.end || *x.p != '/')
		return;
	x.p++;
	skip_cfws(&x);
	sub = lex_token(&x, a);
	if (sub == NULL)
		return;
	skip_cfws(&x);
	p->type = type;
	p->subtype = sub;
	parse_params(&x, a, &p->params, &p->nparams);
	if (str_eq_ci(type, "multipart")) {
		for (i = 0; i < p->nparams; i++) {
			if (str_eq_ci(p->params[i].name, "boundary")) {
				p->boundary = p->params[i].value;
				break;
			}
		}
	}
}

static void
parse_disposition(struct message_part *p, const struct message_field *f,
	struct arena *a)
{
	struct lex x = field_lex(f);

	skip_cfws(&x);
	p->disposition = lex_token(&x, a);
	if (p->disposition != NULL)
		parse_params(&x, a, &p->disp_params, &p->ndisp_params);
}

/* Content-Language: 1#Language-tag (RFC 3282), as atoms. */
static void
parse_language(struct message_part *p, const struct message_field *f,
	struct arena *a)
{
	struct lex x = field_lex(f);
	const char *tags[MESSAGE_PARAMS_MAX];
	unsigned int n = 0;
	char *t;

	skip_cfws(&x);
	while (n < MESSAGE_PARAMS_MAX && (t = lex_token(&x, a)) != NULL) {
		tags[n++] = t;
		skip_cfws(&x);
		if (x.p >= x.end || *x.p != ',')
			break;
		x.p++;
		skip_cfws(&x);
	}
	if (n == 0)
		return;
	p->languages = arena_alloc_array(a, n, sizeof(*p->languages));
	memcpy(p->languages, tags, n * sizeof(*tags));
	p->nlanguages = n;
}

/* The value with folds removed and white space trimmed. */
static const char *
field_text(const struct message_field *f, struct arena *a)
{
	return message_field_unfold(f, a);
}

static void
parse_content_fields(struct message_part *p, struct arena *a)
{
	unsigned int i;

	for (i = 0; i < p->nfields; i++) {
		const struct message_field *f = &p->fields[i];
		const char *n;
		size_t nl;

		if (f->name.len <= 8 || !mem_eq_ci(f->name.p, 8, "content-"))
			continue;
		n = f->name.p + 8;
		nl = f->name.len - 8;
		if (mem_eq_ci(n, nl, "type")) {
			if (p->type == NULL)
				parse_content_type(p, f, a);
		} else if (mem_eq_ci(n, nl, "transfer-encoding")) {
			if (p->encoding == NULL) {
				struct lex x = field_lex(f);

				skip_cfws(&x);
				p->encoding = lex_token(&x, a);
			}
		} else if (mem_eq_ci(n, nl, "id")) {
			if (p->id == NULL)
				p->id = field_text(f, a);
		} else if (mem_eq_ci(n, nl, "description")) {
			if (p->description == NULL)
				p->description = field_text(f, a);
		} else if (mem_eq_ci(n, nl, "md5")) {
			if (p->md5 == NULL)
				p->md5 = field_text(f, a);
		} else if (mem_eq_ci(n, nl, "location")) {
			if (p->location == NULL)
				p->location = field_text(f, a);
		} else if (mem_eq_ci(n, nl, "language")) {
			if (p->languages == NULL)
				parse_language(p, f, a);
		} else if (mem_eq_ci(n, nl, "disposition")) {
			if (p->disposition == NULL)
				parse_disposition(p, f, a);
		}
	}
}

/*
 * Read the header of p at the cursor: fields until a blank line (taken
 * into the header), a boundary line (left for the caller in *ev) or the
 * end. Then the Content-* fields.
 */
static void
parse_header(struct pctx *c, struct message_part *p, struct event *ev)
{
	struct mark start = c->pos;
	unsigned int nf = 0;
	bool open = false;	/* the last field may take continuations */

	p->hdr_start = start.off;
	ev->k = -1;
	while (c->pos.off < c->len) {
		size_t ls = c->pos.off, eol;
		const char *colon;

		if (find_boundary(c, ev))
			break;
		eol = next_line(c);
		if (eol == ls)
			break;		/* the blank line */
		if (c->d[ls] == ' ' || c->d[ls] == '\t') {
			if (open)
				c->tmpf[nf - 1].value.len = eol -
				    (size_t)(c->tmpf[nf - 1].value.p - c->d);
			continue;
		}
		open = false;
		colon = memchr(c->d + ls, ':', eol - ls);
		if (colon == NULL)
			continue;
		if (nf >= c->fields_max) {
			c->m->overflow = true;
			continue;
		}
		{
			struct message_field *f = &c->tmpf[nf++];
			size_t nlen = (size_t)(colon - (c->d + ls));

			while (nlen > 0 && (c->d[ls + nlen - 1] == ' ' ||
			    c->d[ls + nlen - 1] == '\t'))
				nlen--;
			f->name = span_make(c->d + ls, nlen);
			f->value = span_make(colon + 1,
			    eol - (size_t)(colon + 1 - c->d));
			open = true;
		}
	}
	if (ev->k >= 0) {
		/* The header ends where the boundary line starts. */
		p->body_start = ev->at.off;
		p->hdr = size_between(start, ev->at);
		c->body0[p->depth] = ev->at;
	} else {
		p->body_start = c->pos.off;
		p->hdr = size_between(start, c->pos);
		c->body0[p->depth] = c->pos;
	}
	if (nf > 0) {
		p->fields = arena_alloc_array(c->a, nf, sizeof(*p->fields));
		memcpy(p->fields, c->tmpf, nf * sizeof(*p->fields));
		p->nfields = nf;
	}
	parse_content_fields(p, c->a);
}

static void
close_part(struct pctx *c, struct message_part *p, struct mark end)
{
	struct mark b0 = c->body0[p->depth];

	if (end.off < b0.off)
		end = b0;
	p->body_end = end.off;
	p->body = size_between(b0, end);
}

/* Close cur and its ancestors below stop (NULL: all) at end. */
static void
close_upto(struct pctx *c, struct message_part *cur,
	struct message_part *stop, struct mark end)
{
	for (; cur != stop && cur != NULL; cur = cur->parent)
		close_part(c, cur, end);
}

/* Decide the kind of p from its Content-Type (or its parent's default). */
static void
classify(struct message_part *p)
{
	if (p->type == NULL) {
		if (p->parent != NULL &&
		    (p->parent->flags & MESSAGE_PART_MULTIPART) != 0 &&
		    str_eq_ci(p->parent->subtype, "digest"))
			p->flags |= MESSAGE_PART_RFC822;	/* RFC 2046 5.1.5 */
		else
			p->flags |= MESSAGE_PART_TEXT;
		return;
	}
	if (str_eq_ci(p->type, "multipart"))
		p->flags |= MESSAGE_PART_MULTIPART;
	else if (str_eq_ci(p->type, "message") &&
	    str_eq_ci(p->subtype, "rfc822"))
		p->flags |= MESSAGE_PART_RFC822;
	else if (str_eq_ci(p->type, "text"))
		p->flags |= MESSAGE_PART_TEXT;
}

/* A multipart or message/rfc822 part too deep to descend into: its body
 * is one opaque part, shown as application/octet-stream (Dovecot). */
static void
overflow(struct pctx *c, struct message_part *p)
{
	p->flags &= ~(unsigned int)(MESSAGE_PART_MULTIPART |
	    MESSAGE_PART_RFC822);
	p->flags |= MESSAGE_PART_OVERFLOW;
	c->m->overflow = true;
}

int
message_parse(struct span in, const struct message_limits *limits,
	struct arena *a, struct message **msg_r, const char **error_r)
{
	struct pctx c;
	struct message *m;
	struct message_part *cur;
	struct event ev;
	bool in_header = true;

	if (in.len > UINT32_MAX) {
		*error_r = "message too large";
		return -1;
	}
	memset(&c, 0, sizeof(c));
	c.d = in.p != NULL ? in.p : "";
	c.len = in.len;
	c.a = a;
	c.depth_max = MESSAGE_DEPTH_MAX;
	c.parts_max = MESSAGE_PARTS_MAX;
	c.fields_max = MESSAGE_FIELDS_MAX;
	if (limits != NULL) {
		if (limits->depth_max > 0 && limits->depth_max < c.depth_max)
			c.depth_max = limits->depth_max;
		if (limits->parts_max > 0 && limits->parts_max < c.parts_max)
			c.parts_max = limits->parts_max;
		if (limits->fields_max > 0 && limits->fields_max < c.fields_max)
			c.fields_max = limits->fields_max;
	}
	m = arena_alloc(a, sizeof(*m));
	m->data = span_make(c.d, c.len);
	c.m = m;
	c.stack = arena_alloc_array(a, c.depth_max + 1, sizeof(*c.stack));
	c.body0 = arena_alloc_array(a, c.depth_max + 2, sizeof(*c.body0));
	c.tmpf = xreallocarray(NULL, c.fields_max, sizeof(*c.tmpf));

	cur = m->root = new_part(&c, NULL);
	for (;;) {
		if (in_header) {
			parse_header(&c, cur, &ev);
			classify(cur);
			if (ev.k < 0 && (cur->flags & MESSAGE_PART_RFC822) != 0) {
				if (cur->depth + 1 < c.depth_max &&
				    m->nparts < c.parts_max) {
					cur = new_part(&c, cur);
					continue;
				}
				overflow(&c, cur);
			}
			if (ev.k < 0 && cur->boundary != NULL) {
				size_t bl = strlen(cur->boundary);

				if (cur->depth + 1 >= c.depth_max)
					overflow(&c, cur);
				else if (bl > 0 && bl <= MESSAGE_BOUNDARY_MAX) {
					c.stack[c.nb].s = cur->boundary;
					c.stack[c.nb].len = bl;
					c.stack[c.nb].part = cur;
					c.nb++;
				}
			}
			in_header = false;
			c.region = cur->body_start;
		} else {
			/* The body: lines until a boundary or the end. */
			ev.k = -1;
			while (c.pos.off < c.len && !find_boundary(&c, &ev))
				(void)next_line(&c);
		}
		if (ev.k < 0) {
			if (c.pos.off < c.len)
				continue;	/* the body comes next */
			close_upto(&c, cur, NULL, c.pos);
			break;
		}
		{
			struct message_part *target = c.stack[ev.k].part;
			struct mark end = ev.at.off > c.region &&
			    ev.at.off > c.body0[cur->depth].off ? ev.before : ev.at;

			close_upto(&c, cur, target, end);
			c.pos = ev.after;
			if (ev.close) {
				c.nb = (unsigned int)ev.k;
				cur = target;
				in_header = false;
				c.region = c.pos.off;
			} else {
				c.nb = (unsigned int)ev.k + 1;
				cur = new_part(&c, target);
				in_header = true;
			}
			if (c.pos.off >= c.len && !in_header) {
				close_upto(&c, cur, NULL, c.pos);
				break;
			}
		}
	}
	free(c.tmpf);
	*msg_r = m;
	return 0;
}
