/* SPDX-License-Identifier: MIT */
/*
 * imap_parse: command arguments, sequence sets, flags, mailbox names and
 * LIST patterns (see imap_parse.h). Pure and bounded: an explicit stack of
 * IMAP_LIST_DEPTH_MAX frames instead of recursion (Dovecot's imap-parser).
 * RFC 9051 9 (grammar), RFC 3501 5.1.3 (modified UTF-7), RFC 7888
 * (literals), RFC 3516 (literal8), RFC 5182 ('$').
 */
#include <stdlib.h>

#include "imap_parse.h"
#include "folder.h"
#include "xmalloc.h"
#include "keywords.h"
#include "str.h"
#include "tern.h"

/* ---- arguments ---- */

struct frame {
	struct imap_arg *v;
	size_t n, cap;
	struct imap_arg *owner;		/* the LIST arg it fills; NULL: top */
};

static struct imap_arg *
push_arg(struct frame *f, struct arena *a)
{
	if (f->n == f->cap) {
		size_t cap = f->cap == 0 ? 8 : f->cap * 2;
		struct imap_arg *v = arena_alloc_array(a, cap, sizeof(*v));

		if (f->n > 0)
			memcpy(v, f->v, f->n * sizeof(*v));
		f->v = v;
		f->cap = cap;
	}
	memset(&f->v[f->n], 0, sizeof(f->v[0]));
	return &f->v[f->n++];
}

static bool
atom_char(unsigned char c)
{
	return c > 0x20 && c != 0x7f && c != '(' && c != ')' && c != '"' &&
	    c != '{';
}

/* The literal whose bytes start at frame offset off, or NULL. */
static const struct imap_literal *
find_literal(const struct imap_cmd_text *in, size_t off)
{
	size_t i;

	for (i = 0; i < in->n_lits; i++) {
		if (in->lits[i].offset == off)
			return &in->lits[i];
	}
	return NULL;
}

int
imap_parse_args(const struct imap_cmd_text *in, struct arena *a,
	struct imap_arg **args_r, size_t *n_r, const char **error_r)
{
	struct frame stack[IMAP_LIST_DEPTH_MAX + 1];
	const char *p = in->text.p, *end = p + in->text.len;
	size_t depth = 0, total = 0;
	bool need_space = false;

	memset(stack, 0, sizeof(stack));
	while (p < end) {
		struct imap_arg *arg;
		unsigned char c = (unsigned char)*p;

		if (c == '\0') {
			*error_r = "NUL in command";
			return -1;
		}
		if (c == ')') {
			struct frame *f = &stack[depth];

			if (depth == 0) {
				*error_r = "unexpected ')'";
				return -1;
			}
			f->owner->list = f->v;
			f->owner->n = f->n;
			depth--;
			p++;
			need_space = true;
			continue;
		}
		if (need_space) {
			if (c != ' ') {
				*error_r = "missing space between arguments";
				return -1;
			}
			p++;
			if (p == end || *p == ' ' || *p == ')') {
				*error_r = "unexpected space";
				return -1;
			}
			need_space = false;
			continue;
		}
		if (++total > IMAP_ARGS_MAX) {
			*error_r = "too many arguments";
			return -1;
		}
		arg = push_arg(&stack[depth], a);
		need_space = true;
		if (c == '(') {
			if (depth == IMAP_LIST_DEPTH_MAX) {
				*error_r = "lists nested too deeply";
				return -1;
			}
			arg->type = IMAP_ARG_LIST;
			depth++;
			memset(&stack[depth], 0, sizeof(stack[depth]));
			stack[depth].owner = arg;
			p++;
			need_space = false;
			if (p < end && *p == ')')
				continue;
			if (p < end && *p == ' ') {
				*error_r = "unexpected space";
				return -1;
			}
			continue;
		}
		if (c == '"') {
			char *out = arena_alloc(a, (size_t)(end - p));
			size_t len = 0;

			for (p++; p < end && *p != '"'; p++) {
				if (*p == '\\') {
					p++;
					if (p == end || (*p != '\\' &&
					    *p != '"')) {
						*error_r = "bad escape in "
						    "quoted string";
						return -1;
					}
				} else if (*p == '\0' || *p == '\r' ||
				    *p == '\n') {
					*error_r = "bad character in "
					    "quoted string";
					return -1;
				}
				out[len++] = *p;
			}
			if (p == end) {
				*error_r = "unterminated quoted string";
				return -1;
			}
			p++;
			arg->type = IMAP_ARG_QUOTED;
			arg->str = span_make(out, len);
			continue;
		}
		if (c == '{' || (c == '~' && p + 1 < end && p[1] == '{')) {
			const struct imap_literal *lit;
			const char *q;
			size_t off;

			arg->binary = c == '~';
			if (arg->binary)
				p++;
			q = memchr(p, '}', (size_t)(end - p));
			if (q == NULL) {
				*error_r = "bad literal";
				return -1;
			}
			off = (size_t)(q + 1 - in->text.p) + in->base;
			lit = find_literal(in, off);
			if (lit == NULL) {
				*error_r = "literal not at the end of a line";
				return -1;
			}
			arg->type = IMAP_ARG_LITERAL;
			arg->size = lit->size;
			arg->streamed = lit->streamed;
			p = q + 1;
			if (!lit->streamed) {
				/* UNSAFE: the reader put size bytes here */
				if ((uint64_t)(end - p) < lit->size) {
					*error_r = "short literal";
					return -1;
				}
				arg->str = span_make(p, (size_t)lit->size);
				p += lit->size;
			}
			continue;
		}
		if (!atom_char(c)) {
			*error_r = "bad character in atom";
			return -1;
		}
		{
			const char *start = p;

			while (p < end && atom_char((unsigned char)*p)) {
				if (*p == '[') {
					const char *q = memchr(p, ']',
					    (size_t)(end - p));

					if (q == NULL) {
						*error_r = "missing ']'";
						return -1;
					}
					if (memchr(p, '\0', (size_t)(q - p))
					    != NULL) {
						*error_r = "NUL in command";
						return -1;
					}
					p = q;
				}
				p++;
			}
			arg->type = IMAP_ARG_ATOM;
			arg->str = span_make(start, (size_t)(p - start));
		}
	}
	if (depth != 0) {
		*error_r = "missing ')'";
		return -1;
	}
	if (!need_space && stack[0].n > 0) {
		*error_r = "trailing space";
		return -1;
	}
	*args_r = stack[0].v;
	*n_r = stack[0].n;
	return 0;
}

bool
imap_arg_astring(const struct imap_arg *arg, struct span *s_r)
{
	if (arg->type == IMAP_ARG_LIST || arg->streamed)
		return false;
	if (arg->type == IMAP_ARG_ATOM && (memchr(arg->str.p, '[',
	    arg->str.len) != NULL || memchr(arg->str.p, '%', arg->str.len) !=
	    NULL || memchr(arg->str.p, '*', arg->str.len) != NULL ||
	    memchr(arg->str.p, '\\', arg->str.len) != NULL))
		return false;
	*s_r = arg->str;
	return true;
}

bool
imap_arg_string(const struct imap_arg *arg, struct span *s_r)
{
	if ((arg->type != IMAP_ARG_QUOTED && arg->type != IMAP_ARG_LITERAL) ||
	    arg->streamed)
		return false;
	*s_r = arg->str;
	return true;
}

bool
imap_arg_atom_is(const struct imap_arg *arg, const char *word)
{
	return arg->type == IMAP_ARG_ATOM && span_eq_ci(arg->str, word);
}

bool
imap_arg_is_nil(const struct imap_arg *arg)
{
	return imap_arg_atom_is(arg, "NIL");
}

bool
imap_tag_valid(struct span tag)
{
	size_t i;

	if (tag.len == 0 || tag.len > IMAP_TAG_MAX)
		return false;
	for (i = 0; i < tag.len; i++) {
		unsigned char c = (unsigned char)tag.p[i];

		if (c <= 0x20 || c >= 0x7f || c == '(' || c == ')' ||
		    c == '{' || c == '%' || c == '*' || c == '"' ||
		    c == '\\' || c == '+')
			return false;
	}
	return true;
}

/* ---- sequence sets ---- */

static int
seq_number(struct span s, uint32_t *v_r)
{
	if (s.len == 1 && s.p[0] == '*') {
		*v_r = IMAP_SEQ_STAR;
		return 0;
	}
	/* RFC 9051 9: nz-number, no leading zero */
	if (s.len == 0 || s.p[0] == '0' ||
	    parse_u32(s, UINT32_MAX - 1, v_r) < 0)
		return -1;
	return 0;
}

int
imap_parse_seqset(struct span in, struct arena *a,
	struct imap_seqset *set_r, const char **error_r)
{
	const char *p, *end;
	size_t n = 1, i;

	memset(set_r, 0, sizeof(*set_r));
	/* An empty span may carry p == NULL: no pointer arithmetic on it */
	if (in.len == 0) {
		*error_r = "empty sequence set";
		return -1;
	}
	p = in.p;
	end = in.p + in.len;
	if (in.len == 1 && in.p[0] == '$') {
		set_r->saved = true;
		return 0;
	}
	for (i = 0; i < in.len; i++) {
		if (in.p[i] == ',')
			n++;
	}
	set_r->r = arena_alloc_array(a, n, sizeof(*set_r->r));
	while (p <= end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma != NULL ? comma : end;
		const char *colon = memchr(p, ':', (size_t)(stop - p));
		struct imap_seq_range *r = &set_r->r[set_r->n];

		if (colon == NULL) {
			if (seq_number(span_make(p, (size_t)(stop - p)),
			    &r->lo) < 0)
				goto bad;
			r->hi = r->lo;
		} else {
			if (seq_number(span_make(p, (size_t)(colon - p)),
			    &r->lo) < 0 || seq_number(span_make(colon + 1,
			    (size_t)(stop - colon - 1)), &r->hi) < 0)
				goto bad;
			if (r->lo > r->hi) {
				uint32_t t = r->lo;

				r->lo = r->hi;
				r->hi = t;
			}
		}
		set_r->n++;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return 0;
bad:
	*error_r = "bad sequence set";
	return -1;
}

bool
imap_seqset_contains(const struct imap_seqset *set, uint32_t v,
	uint32_t star)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		uint32_t lo = set->r[i].lo, hi = set->r[i].hi;

		/* "5:*" with star 3 means 3:5 (RFC 9051 9 seq-range) */
		if (lo == IMAP_SEQ_STAR)
			lo = star;
		if (hi == IMAP_SEQ_STAR)
			hi = star;
		if (lo > hi) {
			uint32_t t = lo;

			lo = hi;
			hi = t;
		}
		if (v >= lo && v <= hi)
			return true;
	}
	return false;
}

/* ---- flags ---- */

static const struct {
	const char *name;
	enum imap_flag flag;
} system_flags[] = {
	{ "\\Answered", IMAP_FLAG_ANSWERED },
	{ "\\Flagged", IMAP_FLAG_FLAGGED },
	{ "\\Deleted", IMAP_FLAG_DELETED },
	{ "\\Seen", IMAP_FLAG_SEEN },
	{ "\\Draft", IMAP_FLAG_DRAFT },
};

static int
one_flag(const struct imap_arg *arg, struct arena *a,
	struct imap_flags *f, size_t cap, const char **error_r)
{
	size_t i;
	char *name;

	if (arg->type != IMAP_ARG_ATOM || arg->str.len == 0) {
		*error_r = "bad flag";
		return -1;
	}
	if (arg->str.p[0] == '\\') {
		for (i = 0; i < N_ELEMENTS(system_flags); i++) {
			if (span_eq_ci(arg->str, system_flags[i].name)) {
				f->system |= (unsigned)system_flags[i].flag;
				return 0;
			}
		}
		*error_r = "unknown system flag";
		return -1;
	}
	name = arena_spandup(a, arg->str);
	if (arg->str.len > KEYWORD_NAME_MAX || !keywords_name_valid(name)) {
		*error_r = "bad keyword";
		return -1;
	}
	for (i = 0; i < f->n_keywords; i++) {
		if (span_eq_ci(span_str(f->keywords[i]), name))
			return 0;
	}
	if (f->n_keywords < cap)
		f->keywords[f->n_keywords++] = name;
	return 0;
}

int
imap_parse_flags(const struct imap_arg *arg, struct arena *a,
	struct imap_flags *flags_r, const char **error_r)
{
	size_t i, n = arg->type == IMAP_ARG_LIST ? arg->n : 1;

	memset(flags_r, 0, sizeof(*flags_r));
	flags_r->keywords = arena_alloc_array(a, n + 1, sizeof(char *));
	if (arg->type != IMAP_ARG_LIST)
		return one_flag(arg, a, flags_r, n, error_r);
	for (i = 0; i < arg->n; i++) {
		if (one_flag(&arg->list[i], a, flags_r, n, error_r) < 0)
			return -1;
	}
	return 0;
}

/* ---- mailbox names ---- */

int
imap_mailbox_decode(struct span wire, bool utf8, char sep, struct buf *out,
	const char **error_r)
{
	struct buf raw;
	size_t i;
	int ret = -1;

	buf_reset(out);
	if (wire.len == 0 || wire.len > IMAP_NAME_MAX ||
	    memchr(wire.p, '\0', wire.len) != NULL) {
		*error_r = "bad mailbox name";
		return -1;
	}
	buf_init(&raw, IMAP_NAME_MAX + 1);
	(void)buf_append_span(&raw, wire);
	if (utf8) {
		if (buf_append_span(out, wire) < 0)
			goto bad;
	} else if (folder_mutf7_decode(buf_str(&raw), out) < 0) {
		*error_r = "bad modified UTF-7 in mailbox name";
		goto out;
	}
	/* map the wire separator to '/' */
	for (i = 0; i < out->len; i++) {
		if (sep == '.' && out->data[i] == '/') {
			*error_r = "'/' is not allowed in mailbox names";
			goto out;
		}
		if (sep == '.' && out->data[i] == '.')
			out->data[i] = '/';	/* UNSAFE: in place, same size */
	}
	/* RFC 9051 6.3.4: a trailing separator only says "will have
	 * children" */
	if (out->len > 1 && out->data[out->len - 1] == '/')
		buf_truncate(out, out->len - 1);
	/* INBOX is case-insensitive, also as the first level */
	if (out->len >= 5 && span_eq_ci(span_make(out->data, 5), "INBOX") &&
	    (out->len == 5 || out->data[5] == '/'))
		memcpy(out->data, "INBOX", 5);	/* UNSAFE: 5 <= len */
	ret = 0;
	goto out;
bad:
	*error_r = "mailbox name too long";
out:
	buf_clear(&raw);
	return ret;
}

int
imap_mailbox_encode(const char *name, bool utf8, char sep, struct buf *out)
{
	size_t start = out->len, i;

	if (utf8) {
		if (buf_puts(out, name) < 0)
			return -1;
	} else if (folder_mutf7_encode(name, out) < 0) {
		return -1;
	}
	if (sep == '.') {
		for (i = start; i < out->len; i++) {
			if (out->data[i] == '/')
				out->data[i] = '.';	/* UNSAFE: in place */
		}
	}
	return 0;
}

bool
imap_list_match(const char *pattern, const char *name)
{
	size_t pl = strlen(pattern), nl = strlen(name), i, j;
	bool *prev, *cur, *t, ok;
	bool stack_prev[256], stack_cur[256];
	bool inbox = strncmp(name, "INBOX", 5) == 0 &&
	    (name[5] == '\0' || name[5] == '/');

	if (nl + 1 <= N_ELEMENTS(stack_prev)) {
		prev = stack_prev;
		cur = stack_cur;
	} else {
		prev = xcalloc(nl + 1, sizeof(bool));
		cur = xcalloc(nl + 1, sizeof(bool));
	}
	/* prev[j]: pattern[0..i) matches name[0..j) */
	memset(prev, 0, (nl + 1) * sizeof(bool));
	prev[0] = true;
	for (i = 0; i < pl; i++) {
		char pc = pattern[i];

		memset(cur, 0, (nl + 1) * sizeof(bool));
		if (pc == '*' || pc == '%') {
			/* cur[j] = prev[j] || (cur[j-1] && name[j-1] ok) */
			for (j = 0; j <= nl; j++) {
				cur[j] = prev[j] || (j > 0 && cur[j - 1] &&
				    (pc == '*' || name[j - 1] != '/'));
			}
		} else {
			for (j = 1; j <= nl; j++) {
				char nc = name[j - 1];
				bool eq = pc == nc;

				/* INBOX matches case-insensitively */
				if (!eq && inbox && i < 5 && j - 1 == i &&
				    pc >= 'a' && pc <= 'z' && pc - 32 == nc)
					eq = true;
				cur[j] = prev[j - 1] && eq;
			}
		}
		t = prev;
		prev = cur;
		cur = t;
	}
	ok = prev[nl];
	if (nl + 1 > N_ELEMENTS(stack_prev)) {
		free(prev);
		free(cur);
	}
	return ok;
}

int
imap_append_astring(struct buf *out, struct span s, bool utf8)
{
	size_t i;
	bool literal = false;

	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (c == '\0' || c == '\r' || c == '\n' ||
		    (c >= 0x80 && !utf8))
			literal = true;
	}
	if (literal) {
		if (buf_appendf(out, "{%zu}\r\n", s.len) < 0)
			return -1;
		return buf_append_span(out, s);
	}
	if (buf_putc(out, '"') < 0)
		return -1;
	for (i = 0; i < s.len; i++) {
		if ((s.p[i] == '"' || s.p[i] == '\\') && buf_putc(out, '\\') < 0)
			return -1;
		if (buf_putc(out, s.p[i]) < 0)
			return -1;
	}
	return buf_putc(out, '"');
}
