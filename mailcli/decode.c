/* SPDX-License-Identifier: MIT */
/*
 * decode: what "mailcli read" shows of a message. lib/message parses the
 * MIME tree (RFC 2045, 2046), undoes base64 / quoted-printable, decodes
 * RFC 2047 words and RFC 2231 parameters; here we pick the body, convert
 * its charset to UTF-8, render HTML as text and name attachments safely.
 * Pure: no I/O, bounded loops, no recursion (STYLE.md 7).
 */
#include "autoconfig.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "read.h"
#include "folder.h"
#include "str.h"
#include "tern.h"

int
mc_put_utf8(struct buf *out, uint32_t cp)
{
	char u[4];

	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80)
		return buf_putc(out, (char)cp);
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		return buf_append(out, u, 2);
	}
	if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		return buf_append(out, u, 3);
	}
	u[0] = (char)(0xf0 | (cp >> 18));
	u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	u[3] = (char)(0x80 | (cp & 0x3f));
	return buf_append(out, u, 4);
}

/* Length of the valid UTF-8 sequence at p (n bytes left), 0 if none. */
static size_t
utf8_seq_len(const unsigned char *p, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = p[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static bool
utf8_valid(const char *s, size_t n)
{
	size_t i = 0, l;

	while (i < n) {
		l = utf8_seq_len((const unsigned char *)s + i, n - i);
		if (l == 0)
			return false;
		i += l;
	}
	return true;
}

/* Windows-1252 0x80..0x9f; the rest of the range is Latin-1. */
static const uint16_t cp1252_high[32] = {
	0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd,
	0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0xfffd,
};

static int
append_cp1252(const char *s, size_t n, struct buf *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp = c;

		if (c >= 0x80 && c < 0xa0)
			cp = cp1252_high[c - 0x80];
		if (c == 0)
			cp = 0xfffd;
		if (mc_put_utf8(out, cp) < 0)
			return -1;
	}
	return 0;
}

/* A parameter's decoded value by name, plain or RFC 2231 ("name*"). */
static const char *
param_get(const struct message_param *params, unsigned int n,
	const char *name)
{
	size_t nl = strlen(name);
	unsigned int i;

	for (i = 0; i < n; i++) {
		const char *pn = params[i].name;

		if (strncasecmp(pn, name, nl) == 0 &&
		    (pn[nl] == '\0' || (pn[nl] == '*' && pn[nl + 1] == '\0')))
			return params[i].decoded;
	}
	return NULL;
}

int
mc_part_text(const struct message *m, const struct message_part *p,
	struct buf *out)
{
	struct buf raw, conv;
	const char *charset, *error, *s;
	size_t i, n;
	int ret = -1;

	buf_init(&raw, MC_MESSAGE_MAX);
	buf_init(&conv, MC_MESSAGE_MAX * 2);
	if (message_part_decode(m, p, &raw, &error) < 0) {
		/* an unknown transfer encoding: show the body as sent */
		buf_reset(&raw);
		if (buf_append(&raw, m->data.p + p->body_start,
		    p->body_end - p->body_start) < 0)
			goto out;
	}
	charset = param_get(p->params, p->nparams, "charset");
	if (charset == NULL || *charset == '\0')
		charset = "us-ascii";
	if (strcasecmp(charset, "us-ascii") == 0 ||
	    strcasecmp(charset, "ascii") == 0) {
		/* 8-bit text labelled US-ASCII (or not labelled) is common:
		 * UTF-8 if it is valid, else the Windows-1252 guess */
		charset = utf8_valid(raw.data, raw.len) ? "utf-8" :
		    "windows-1252";
	}
	if (strcasecmp(charset, "windows-1252") == 0 ||
	    strcasecmp(charset, "cp1252") == 0) {
		if (append_cp1252(raw.data, raw.len, &conv) < 0)
			goto out;
	} else if (message_charset_to_utf8(charset, raw.data, raw.len,
	    &conv) < 0) {
		buf_reset(&conv);
		if ((utf8_valid(raw.data, raw.len) ?
		    buf_append(&conv, raw.data, raw.len) :
		    append_cp1252(raw.data, raw.len, &conv)) < 0)
			goto out;
	}
	/* CRLF (and a lone CR) to LF */
	s = conv.data;
	n = conv.len;
	for (i = 0; i < n; i++) {
		if (s[i] == '\r') {
			if (i + 1 < n && s[i + 1] == '\n')
				continue;
			if (buf_putc(out, '\n') < 0)
				goto out;
		} else if (buf_putc(out, s[i]) < 0)
			goto out;
	}
	ret = 0;
out:
	buf_clear(&raw);
	buf_clear(&conv);
	return ret;
}

/* ---- HTML ---- */

static const struct {
	const char *name;
	uint32_t cp;
} entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "nbsp", ' ' }, { "copy", 0xa9 }, { "reg", 0xae },
	{ "trade", 0x2122 }, { "mdash", 0x2014 }, { "ndash", 0x2013 },
	{ "hellip", 0x2026 }, { "laquo", 0xab }, { "raquo", 0xbb },
	{ "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "ldquo", 0x201c },
	{ "rdquo", 0x201d }, { "euro", 0x20ac }, { "pound", 0xa3 },
	{ "bull", 0x2022 }, { "middot", 0xb7 }, { "deg", 0xb0 },
	{ "shy", 0 }, { "zwnj", 0 }, { "times", 0xd7 },
	{ "auml", 0xe4 }, { "ouml", 0xf6 }, { "uuml", 0xfc },
	{ "Auml", 0xc4 }, { "Ouml", 0xd6 }, { "Uuml", 0xdc },
	{ "szlig", 0xdf }, { "eacute", 0xe9 }, { "egrave", 0xe8 },
	{ "agrave", 0xe0 }, { "ccedil", 0xe7 },
};

/* Longest entity name we look up ("&hellip;"), and digits of &#...; */
#define HTML_ENTITY_MAX 10
/* Longest tag name that matters to us; longer ones are just dropped. */
#define HTML_TAG_NAME_MAX 16
/* Longest href kept for "text <url>". */
#define HTML_HREF_MAX 2048

/*
 * Decode the entity at s[0] == '&' (n bytes left): *cp_r and the bytes
 * used, or 0 when it is not one we know (the '&' is then literal).
 */
static size_t
html_entity(const char *s, size_t n, uint32_t *cp_r)
{
	size_t i, end;
	uint32_t cp = 0;

	for (end = 1; end < n && end <= HTML_ENTITY_MAX + 2; end++) {
		if (s[end] == ';')
			break;
	}
	if (end >= n || s[end] != ';' || end == 1)
		return 0;
	if (s[1] == '#') {
		bool hex = end > 2 && (s[2] == 'x' || s[2] == 'X');

		i = hex ? 3 : 2;
		if (i >= end)
			return 0;
		for (; i < end; i++) {
			int c = (unsigned char)s[i], v;

			if (isdigit(c))
				v = c - '0';
			else if (hex && isxdigit(c))
				v = tolower(c) - 'a' + 10;
			else
				return 0;
			cp = cp * (hex ? 16 : 10) + (uint32_t)v;
			if (cp > 0x10ffff)
				cp = 0x110000;	/* stays invalid: U+FFFD */
		}
		*cp_r = cp;
		return end + 1;
	}
	for (i = 0; i < N_ELEMENTS(entities); i++) {
		if (strlen(entities[i].name) == end - 1 &&
		    memcmp(entities[i].name, s + 1, end - 1) == 0) {
			*cp_r = entities[i].cp;
			return end + 1;
		}
	}
	return 0;
}

struct html_out {
	struct buf *out;
	unsigned int newlines;	/* line breaks wanted before the next text */
	bool space;		/* a space wanted before the next text */
	bool bol;		/* at the start of a line */
	int err;
};

static void
ho_break(struct html_out *h, unsigned int n)
{
	if (h->newlines < n)
		h->newlines = n;
	h->space = false;
}

static void
ho_text(struct html_out *h, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (h->newlines > 0 && h->out->len > 0) {
		while (h->newlines-- > 0)
			h->err |= buf_putc(h->out, '\n');
		h->bol = true;
	} else if (h->space && !h->bol)
		h->err |= buf_putc(h->out, ' ');
	h->newlines = 0;
	h->space = false;
	h->err |= buf_append(h->out, s, n);
	h->bol = false;
}

static void
ho_cp(struct html_out *h, uint32_t cp)
{
	struct buf u;

	if (cp == 0)
		return;		/* &shy; and friends */
	buf_init(&u, 8);
	(void)mc_put_utf8(&u, cp);
	ho_text(h, u.data, u.len);
	buf_clear(&u);
}

/* Is the tag at s (after '<' and an optional '/') named name? */
static bool
tag_is(const char *tag, const char *const *names)
{
	for (; *names != NULL; names++) {
		if (strcmp(tag, *names) == 0)
			return true;
	}
	return false;
}

/* The value of attribute attr in the tag text t[0..n), or an empty span */
static struct span
tag_attr(const char *t, size_t n, const char *attr)
{
	size_t al = strlen(attr), i;

	for (i = 0; i + al < n; i++) {
		size_t j, start;
		char q;

		if (strncasecmp(t + i, attr, al) != 0 ||
		    (i > 0 && !isspace((unsigned char)t[i - 1])))
			continue;
		j = i + al;
		while (j < n && isspace((unsigned char)t[j]))
			j++;
		if (j >= n || t[j] != '=')
			continue;
		j++;
		while (j < n && isspace((unsigned char)t[j]))
			j++;
		if (j >= n)
			break;
		q = t[j];
		if (q == '"' || q == '\'') {
			start = ++j;
			while (j < n && t[j] != q)
				j++;
		} else {
			start = j;
			while (j < n && !isspace((unsigned char)t[j]) &&
			    t[j] != '>')
				j++;
		}
		return span_make(t + start, j - start);
	}
	return span_make(NULL, 0);
}

/* Skip past the first case-insensitive occurrence of needle, or to n. */
static size_t
skip_past(const char *s, size_t n, size_t i, const char *needle)
{
	size_t nl = strlen(needle);

	for (; i + nl <= n; i++) {
		if (strncasecmp(s + i, needle, nl) == 0)
			return i + nl;
	}
	return n;
}

int
mc_html_to_text(struct span html, struct buf *out)
{
	static const char *const para[] = { "p", "div", "h1", "h2", "h3",
	    "h4", "h5", "h6", "table", "ul", "ol", "blockquote", "pre",
	    "hr", "dl", "section", "article", "header", "footer", NULL };
	static const char *const line[] = { "br", "tr", "dt", "dd", "li",
	    "title", NULL };
	struct html_out h = { out, 0, false, true, 0 };
	const char *s = html.p;
	size_t n = html.len, i = 0, text_at_a = 0;
	struct buf href;
	unsigned int pre = 0;

	buf_init(&href, HTML_HREF_MAX);
	while (i < n && h.err == 0) {
		char c = s[i];

		if (c == '<' && i + 1 < n && (isalpha((unsigned char)s[i + 1]) ||
		    s[i + 1] == '/' || s[i + 1] == '!' || s[i + 1] == '?')) {
			char name[HTML_TAG_NAME_MAX + 1];
			size_t start = i + 1, j, k = 0;
			bool closing = false;
			char q = 0;

			if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
				i = skip_past(s, n, i + 4, "-->");
				continue;
			}
			/* the end of the tag, quotes respected */
			for (j = start; j < n; j++) {
				if (q != 0) {
					if (s[j] == q)
						q = 0;
				} else if (s[j] == '"' || s[j] == '\'')
					q = s[j];
				else if (s[j] == '>')
					break;
			}
			if (s[start] == '/') {
				closing = true;
				start++;
			}
			while (start + k < j && k < HTML_TAG_NAME_MAX &&
			    (isalnum((unsigned char)s[start + k]))) {
				name[k] = (char)tolower(
				    (unsigned char)s[start + k]);
				k++;
			}
			name[k] = '\0';
			i = j < n ? j + 1 : n;
			if (!closing && (strcmp(name, "script") == 0 ||
			    strcmp(name, "style") == 0 ||
			    strcmp(name, "head") == 0)) {
				char endtag[HTML_TAG_NAME_MAX + 3];

				/* UNSAFE: "</" + name + NUL fits */
				snprintf(endtag, sizeof(endtag), "</%s", name);
				i = skip_past(s, n, i, endtag);
				i = skip_past(s, n, i, ">");
				continue;
			}
			if (strcmp(name, "pre") == 0)
				pre = closing ? (pre > 0 ? pre - 1 : 0) :
				    pre + 1;
			if (tag_is(name, para))
				ho_break(&h, 2);
			else if (tag_is(name, line))
				ho_break(&h, 1);
			if (!closing && strcmp(name, "li") == 0)
				ho_text(&h, "* ", 2);
			if (!closing && strcmp(name, "td") == 0)
				h.space = true;
			if (!closing && strcmp(name, "a") == 0) {
				struct span u = tag_attr(s + start, j - start,
				    "href");

				buf_reset(&href);
				if (u.len > 0 && buf_append_span(&href, u) < 0)
					buf_reset(&href);
				text_at_a = out->len;
			} else if (closing && strcmp(name, "a") == 0 &&
			    href.len > 0) {
				struct buf url;
				const char *u = href.data;
				size_t ul = href.len, m;

				/* "mailto:x" shown as written; the link text
				 * alone when it already is the URL */
				buf_init(&url, HTML_HREF_MAX * 4);
				for (m = 0; m < ul; m++) {
					uint32_t cp;
					size_t el = u[m] == '&' ?
					    html_entity(u + m, ul - m, &cp) : 0;

					if (el > 0) {
						(void)mc_put_utf8(&url, cp);
						m += el - 1;
					} else
						(void)buf_putc(&url, u[m]);
				}
				if (out->len - text_at_a != url.len ||
				    memcmp(out->data + text_at_a, url.data,
				    url.len) != 0) {
					h.space = true;
					ho_text(&h, "<", 1);
					ho_text(&h, url.data, url.len);
					ho_text(&h, ">", 1);
				}
				buf_clear(&url);
				buf_reset(&href);
			}
			continue;
		}
		if (c == '&') {
			uint32_t cp;
			size_t el = html_entity(s + i, n - i, &cp);

			if (el > 0) {
				ho_cp(&h, cp);
				i += el;
				continue;
			}
		}
		if (pre > 0 && (c == '\n' || c == '\r')) {
			if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
				i++;
			h.err |= buf_putc(out, '\n');
			h.bol = true;
			i++;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == '\f') {
			if (pre > 0)
				ho_text(&h, &c, 1);
			else
				h.space = true;
			i++;
			continue;
		}
		/* a run of ordinary text */
		{
			size_t j = i;

			while (j < n && s[j] != '<' && s[j] != '&' &&
			    s[j] != ' ' && s[j] != '\t' && s[j] != '\n' &&
			    s[j] != '\r' && s[j] != '\f')
				j++;
			if (j == i)
				j++;	/* a '<' that starts no tag */
			ho_text(&h, s + i, j - i);
			i = j;
		}
	}
	if (h.err == 0 && out->len > 0 && out->data[out->len - 1] != '\n')
		h.err |= buf_putc(out, '\n');
	buf_clear(&href);
	return h.err != 0 ? -1 : 0;
}

/* ---- attachments ---- */

void
mc_safe_filename(const char *name, unsigned int n, struct buf *out)
{
	const char *p, *base;
	size_t start = out->len, len, i;

	base = name != NULL ? name : "";
	for (p = base; *p != '\0'; p++) {
		if (*p == '/' || *p == '\\')
			base = p + 1;
	}
	len = strlen(base);
	for (i = 0; i < len; ) {
		unsigned char c = (unsigned char)base[i];
		size_t l = utf8_seq_len((const unsigned char *)base + i,
		    len - i);

		if (l == 0) {
			i++;	/* not UTF-8: dropped */
			continue;
		}
		if (out->len - start + l > MC_FILENAME_MAX)
			break;
		if (c < 0x20 || c == 0x7f || c == ':' ||
		    (c == '.' && out->len == start) ||
		    (c == ' ' && out->len == start)) {
			if (c != '.' && c != ' ')
				(void)buf_putc(out, '_');
			i += l;
			continue;
		}
		(void)buf_append(out, base + i, l);
		i += l;
	}
	/* no trailing spaces or dots (Windows, and "name." confusion) */
	while (out->len > start && (out->data[out->len - 1] == ' ' ||
	    out->data[out->len - 1] == '.'))
		buf_truncate(out, out->len - 1);
	if (out->len == start)
		(void)buf_appendf(out, "attachment-%u", n);
}

static const char *
decode_header(const struct message_part *p, const char *name,
	struct arena *a)
{
	char *v = message_header_get(p, name, a);

	if (v == NULL)
		return NULL;
	return message_decode_words(span_str(v), a);
}

static bool
is_attachment(const struct message_part *p)
{
	return p->disposition != NULL &&
	    strcasecmp(p->disposition, "attachment") == 0;
}

static bool
is_type(const struct message_part *p, const char *type, const char *sub)
{
	if (p->type == NULL)
		return strcmp(type, "text") == 0 && strcmp(sub, "plain") == 0;
	return strcasecmp(p->type, type) == 0 && p->subtype != NULL &&
	    strcasecmp(p->subtype, sub) == 0;
}

/* The next part in document order, not entering message/rfc822 parts
 * (a forwarded message is shown as an attachment). */
static const struct message_part *
next_part(const struct message_part *p, bool descend)
{
	if (descend && p->children != NULL &&
	    (p->flags & MESSAGE_PART_RFC822) == 0)
		return p->children;
	while (p != NULL && p->next == NULL)
		p = p->parent;
	return p != NULL ? p->next : NULL;
}

void
mc_render(const struct message *m, struct arena *a, struct mc_rendered *r)
{
	const struct message_part *p, *plain = NULL, *html = NULL;
	struct buf tmp;
	unsigned int count = 0;

	buf_init(&r->text, MC_MESSAGE_MAX * 2);
	r->from = decode_header(m->root, "From", a);
	r->to = decode_header(m->root, "To", a);
	r->cc = decode_header(m->root, "Cc", a);
	r->date = decode_header(m->root, "Date", a);
	r->subject = decode_header(m->root, "Subject", a);
	/* the body: first inline text/plain, else first inline text/html */
	for (p = m->root; p != NULL; p = next_part(p, true)) {
		if ((p->flags & MESSAGE_PART_MULTIPART) != 0 ||
		    is_attachment(p))
			continue;
		if (plain == NULL && is_type(p, "text", "plain"))
			plain = p;
		if (html == NULL && is_type(p, "text", "html"))
			html = p;
	}
	r->body = plain != NULL ? plain : html;
	r->html = plain == NULL && html != NULL;
	if (r->body != NULL) {
		if (!r->html)
			(void)mc_part_text(m, r->body, &r->text);
		else {
			buf_init(&tmp, MC_MESSAGE_MAX * 2);
			if (mc_part_text(m, r->body, &tmp) == 0)
				(void)mc_html_to_text(buf_span(&tmp),
				    &r->text);
			buf_clear(&tmp);
		}
	}
	/* attachments: leaves other than the body and its alternative */
	r->att = arena_alloc_array(a, MC_ATTACHMENTS_MAX, sizeof(*r->att));
	for (p = m->root; p != NULL; p = next_part(p, true)) {
		struct mc_attachment *at;
		const char *name;
		struct buf dec, fn;
		const char *error;

		if ((p->flags & MESSAGE_PART_MULTIPART) != 0 ||
		    p == r->body)
			continue;
		name = param_get(p->disp_params, p->ndisp_params, "filename");
		if (name == NULL)
			name = param_get(p->params, p->nparams, "name");
		if (name != NULL && strstr(name, "=?") != NULL)
			name = message_decode_words(span_str(name), a);
		/* an inline text part without a name is more text (the
		 * other alternative, a signature block): not listed */
		if (name == NULL && !is_attachment(p) &&
		    (p->flags & MESSAGE_PART_TEXT) != 0)
			continue;
		if (p == m->root && name == NULL)
			continue;
		if (r->natt >= MC_ATTACHMENTS_MAX)
			break;
		count++;
		at = &r->att[r->natt++];
		at->part = p;
		at->name = name != NULL ? arena_strdup(a, name) : NULL;
		buf_init(&fn, MC_FILENAME_MAX + 16);
		mc_safe_filename(name, count, &fn);
		at->filename = arena_strdup(a, buf_str(&fn));
		buf_clear(&fn);
		at->type = arena_printf(a, "%s/%s",
		    p->type != NULL ? p->type : "text",
		    p->subtype != NULL ? p->subtype : "plain");
		str_lower((char *)at->type);
		buf_init(&dec, MC_MESSAGE_MAX);
		at->size = message_part_decode(m, p, &dec, &error) == 0 ?
		    dec.len : p->body_end - p->body_start;
		buf_clear(&dec);
	}
}

void
mc_rendered_clear(struct mc_rendered *r)
{
	buf_clear(&r->text);
	memset(r, 0, sizeof(*r));
}

const char *
mc_mailbox_display(const char *mutf7, struct arena *a)
{
	struct buf b;
	const char *ret;

	buf_init(&b, 4096);
	ret = folder_mutf7_decode(mutf7, &b) == 0 ?
	    arena_strdup(a, buf_str(&b)) : arena_strdup(a, mutf7);
	buf_clear(&b);
	return ret;
}

void
mc_col(struct buf *out, const char *s, unsigned int width)
{
	size_t n = strlen(s), i = 0, l;
	unsigned int w = 0;

	while (i < n && w < width) {
		l = utf8_seq_len((const unsigned char *)s + i, n - i);
		if (l == 0 || (unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			(void)buf_putc(out, '?');
			i += l == 0 ? 1 : l;
		} else {
			(void)buf_append(out, s + i, l);
			i += l;
		}
		w++;
	}
	for (; w < width; w++)
		(void)buf_putc(out, ' ');
}

void
mc_sanitize_line(struct buf *line)
{
	size_t i;

	for (i = 0; i < line->len; i++) {
		unsigned char c = (unsigned char)line->data[i];

		/* UNSAFE: in-place replacement of one byte by one byte */
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			line->data[i] = '?';
	}
}
