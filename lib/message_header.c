/* SPDX-License-Identifier: MIT */
/*
 * message_header: header field access, RFC 2047 encoded words (B and Q,
 * any charset iconv knows, to UTF-8), and RFC 5322 3.4 address lists with
 * the obsolete forms of 4.4, parsed the way Dovecot's message-address.c
 * does for IMAP ENVELOPE. All output in the caller's arena; bounded by
 * MESSAGE_VALUE_MAX and MESSAGE_ADDRS_MAX.
 */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "message.h"
#include "str.h"
#include "tern.h"

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

const struct message_field *
message_field_find(const struct message_part *p, const char *name)
{
	unsigned int i;

	for (i = 0; i < p->nfields; i++) {
		if (mem_eq_ci(p->fields[i].name.p, p->fields[i].name.len, name))
			return &p->fields[i];
	}
	return NULL;
}

/* Unfold sp into a new arena string: CR and LF dropped, NUL as U+FFFD
 * (as Dovecot), leading white space trimmed. */
static char *
unfold(struct span sp, struct arena *a)
{
	size_t n = sp.len < MESSAGE_VALUE_MAX ? sp.len : MESSAGE_VALUE_MAX;
	char *out = arena_alloc_array(a, n + 1, 3);
	size_t i, o = 0, s = 0;

	while (s < n && (sp.p[s] == ' ' || sp.p[s] == '\t' ||
	    sp.p[s] == '\r' || sp.p[s] == '\n'))
		s++;
	for (i = s; i < n; i++) {
		char ch = sp.p[i];

		if (ch == '\r' || ch == '\n')
			continue;
		if (ch == '\0') {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
		} else
			out[o++] = ch;
	}
	out[o] = '\0';
	return out;
}

char *
message_field_unfold(const struct message_field *f, struct arena *a)
{
	return unfold(f->value, a);
}

char *
message_field_raw(const struct message_field *f, struct arena *a)
{
	size_t n = f->value.len < MESSAGE_VALUE_MAX ? f->value.len :
	    MESSAGE_VALUE_MAX;
	char *out = arena_alloc_array(a, n + 1, 3);
	size_t i = 0, o = 0;

	while (i < n && (f->value.p[i] == ' ' || f->value.p[i] == '\t'))
		i++;
	for (; i < n; i++) {
		if (f->value.p[i] == '\0') {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
		} else
			out[o++] = f->value.p[i];
	}
	out[o] = '\0';
	return out;
}

char *
message_header_get(const struct message_part *p, const char *name,
	struct arena *a)
{
	const struct message_field *f = message_field_find(p, name);

	return f != NULL ? message_field_unfold(f, a) : NULL;
}

/* ---- charsets ---- */

static bool
is_utf8_charset(const char *cs)
{
	size_t n = strlen(cs);

	return n == 0 || mem_eq_ci(cs, n, "utf-8") || mem_eq_ci(cs, n, "utf8") ||
	    mem_eq_ci(cs, n, "us-ascii") || mem_eq_ci(cs, n, "ascii");
}

/* Append in as UTF-8, each invalid sequence as U+FFFD. */
static int
append_utf8_clean(const unsigned char *s, size_t len, struct buf *out)
{
	size_t i = 0;

	while (i < len) {
		unsigned char ch = s[i];
		size_t n = ch < 0x80 ? 1 : (ch & 0xe0) == 0xc0 ? 2 :
		    (ch & 0xf0) == 0xe0 ? 3 : (ch & 0xf8) == 0xf0 ? 4 : 0;
		bool ok = n > 0 && i + n <= len;
		size_t k;

		for (k = 1; ok && k < n; k++)
			ok = (s[i + k] & 0xc0) == 0x80;
		if (ok && n == 2 && ch < 0xc2)
			ok = false;	/* overlong */
		if (ok && n == 3 && ((ch == 0xe0 && s[i + 1] < 0xa0) ||
		    (ch == 0xed && s[i + 1] >= 0xa0)))
			ok = false;	/* overlong, surrogate */
		if (ok && n == 4 && ((ch == 0xf0 && s[i + 1] < 0x90) ||
		    ch > 0xf4 || (ch == 0xf4 && s[i + 1] >= 0x90)))
			ok = false;
		if (ok && n == 1 && ch == 0)
			ok = false;
		if (!ok) {
			if (buf_append(out, "\xef\xbf\xbd", 3) < 0)
				return -1;
			i++;
			continue;
		}
		if (buf_append(out, s + i, n) < 0)
			return -1;
		i += n;
	}
	return 0;
}

int
message_charset_to_utf8(const char *charset, const char *in, size_t len,
	struct buf *out)
{
	size_t start = out->len;
	iconv_t cd;
	char tmp[1024];
	char *ip = (char *)(uintptr_t)in;
	size_t il = len;
	int ret = 0;

	if (is_utf8_charset(charset))
		return append_utf8_clean((const unsigned char *)in, len, out);
	if (mem_eq_ci(charset, strlen(charset), "iso-8859-1") ||
	    mem_eq_ci(charset, strlen(charset), "latin1")) {
		size_t i;

		for (i = 0; i < len; i++) {
			unsigned char ch = (unsigned char)in[i];
			char u[2] = { (char)(0xc0 | (ch >> 6)),
			    (char)(0x80 | (ch & 0x3f)) };

			if (ch < 0x80 ? buf_putc(out, (char)ch) :
			    buf_append(out, u, 2))
				goto fail;
		}
		return 0;
	}
	cd = iconv_open("UTF-8", charset);
	if (cd == (iconv_t)-1)
		return -1;
	while (il > 0) {
		char *op = tmp;
		size_t ol = sizeof(tmp);
		size_t r = iconv(cd, &ip, &il, &op, &ol);

		if (append_utf8_clean((unsigned char *)tmp,
		    (size_t)(op - tmp), out) < 0) {
			ret = -1;
			break;
		}
		if (r == (size_t)-1 && errno != E2BIG) {
			if (errno == EILSEQ && il > 0) {
				/* skip the byte, mark it */
				ip++;
				il--;
				if (buf_append(out, "\xef\xbf\xbd", 3) < 0) {
					ret = -1;
					break;
				}
				continue;
			}
			break;	/* EINVAL: truncated at the end */
		}
	}
	iconv_close(cd);
	if (ret == 0)
		return 0;
fail:
	buf_truncate(out, start);
	return -1;
}

/* ---- RFC 2047 encoded words ---- */

static int
b64val(int ch)
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

/* Decode base64 text (padding optional, junk skipped) into out. */
static void
b64_decode(const char *s, size_t len, struct buf *out)
{
	uint32_t acc = 0;
	unsigned int bits = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		int v = b64val((unsigned char)s[i]);

		if (s[i] == '=')
			break;
		if (v < 0)
			continue;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			(void)buf_putc(out, (char)((acc >> bits) & 0xff));
		}
	}
}

/*
 * An encoded word "=?charset?E?text?=" at s (len bytes available),
 * decoded and appended to out as UTF-8. Returns its length, or 0 when it
 * is not a valid encoded word (out unchanged).
 */
static size_t
encoded_word(const char *s, size_t len, struct buf *out)
{
	const char *cs, *q1, *q2, *end, *t;
	char charset[64];
	struct buf raw;
	size_t cslen, n;
	int enc;

	if (len < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	cs = s + 2;
	q1 = memchr(cs, '?', len - 2);
	if (q1 == NULL || q1 == cs || (size_t)(q1 - s) + 3 >= len ||
	    q1[2] != '?')
		return 0;
	enc = lc((unsigned char)q1[1]);
	if (enc != 'b' && enc != 'q')
		return 0;
	t = q1 + 3;
	for (q2 = t; q2 + 1 < s + len; q2++) {
		if (q2[0] == '?' && q2[1] == '=')
			break;
		if (q2[0] == ' ' || q2[0] == '\t' || q2[0] == '\r' ||
		    q2[0] == '\n')
			return 0;
	}
	if (q2 + 1 >= s + len)
		return 0;
	end = q2 + 2;
	cslen = (size_t)(q1 - cs);
	/* RFC 2231 5: charset*language */
	{
		const char *star = memchr(cs, '*', cslen);

		if (star != NULL)
			cslen = (size_t)(star - cs);
	}
	if (cslen == 0 || cslen >= sizeof(charset))
		return 0;
	memcpy(charset, cs, cslen);
	charset[cslen] = '\0';
	buf_init(&raw, MESSAGE_VALUE_MAX);
	if (enc == 'b')
		b64_decode(t, (size_t)(q2 - t), &raw);
	else {
		for (; t < q2; t++) {
			if (*t == '_')
				(void)buf_putc(&raw, ' ');
			else if (*t == '=' && t + 2 < q2 + 1 &&
			    hexval((unsigned char)t[1]) >= 0 &&
			    hexval((unsigned char)t[2]) >= 0) {
				(void)buf_putc(&raw, (char)(hexval(
				    (unsigned char)t[1]) * 16 +
				    hexval((unsigned char)t[2])));
				t += 2;
			} else
				(void)buf_putc(&raw, *t);
		}
	}
	n = (size_t)(end - s);
	if (message_charset_to_utf8(charset, raw.data != NULL ? raw.data : "",
	    raw.len, out) < 0)
		n = 0;
	buf_clear(&raw);
	return n;
}

char *
message_decode_words(struct span in, struct arena *a)
{
	char *text = unfold(in, a);
	size_t len = strlen(text), i = 0, ws = 0, n;
	bool after_word = false;
	struct buf out;
	char *res;

	buf_init(&out, 0);
	while (i < len) {
		if (text[i] == '=' && text[i + 1] == '?') {
			size_t before = out.len;

			if (!after_word)
				(void)buf_append(&out, text + i - ws, ws);
			n = encoded_word(text + i, len - i, &out);
			if (n > 0) {
				i += n;
				ws = 0;
				after_word = true;
				continue;
			}
			buf_truncate(&out, before);
		}
		if (text[i] == ' ' || text[i] == '\t') {
			ws++;
			i++;
			continue;
		}
		(void)buf_append(&out, text + i - ws, ws);
		ws = 0;
		after_word = false;
		(void)buf_putc(&out, text[i]);
		i++;
	}
	if (!after_word)
		(void)buf_append(&out, text + i - ws, ws);
	res = arena_strndup(a, buf_str(&out), out.len);
	buf_clear(&out);
	return res;
}

/* ---- RFC 5322 address lists ---- */

/*
 * The address parser follows the error recovery of Dovecot's
 * message-address.c (so that ENVELOPE matches on broken input), on our
 * own lexer: every function returns 1 when input remains, 0 at its end
 * and -1 on a syntax error, and skips trailing CFWS.
 */
struct alex {
	const char *p, *end;
	struct buf str;		/* the word(s) being parsed */
	struct buf comment;	/* the text of the last comment */
	struct arena *a;
	struct message_addr cur;	/* the address being built */
	struct message_addr *list, **tail;
	unsigned int n;
};

static bool
a_atext(int ch)
{
	/* RFC 5322 3.2.3 atext; 8-bit too (RFC 6532 3.2) */
	return ch > ' ' && ch != 0x7f && strchr("()<>[]:;@\\,.\"", ch) == NULL;
}

static int
a_more(const struct alex *x)
{
	return x->p < x->end ? 1 : 0;
}

/* At '(': a comment, nested by a counter; its text to x->comment. */
static int
a_comment(struct alex *x)
{
	unsigned int depth = 1;

	buf_reset(&x->comment);
	for (x->p++; x->p < x->end; x->p++) {
		char ch = *x->p;

		if (ch == '\\') {
			if (++x->p >= x->end)
				break;
			ch = *x->p;
		} else if (ch == '(')
			depth++;
		else if (ch == ')' && --depth == 0) {
			x->p++;
			return a_more(x);
		}
		if (ch != '\r' && ch != '\n')
			(void)buf_putc(&x->comment, ch);
	}
	buf_reset(&x->comment);	/* unterminated: no text */
	return -1;
}

static int
a_cfws(struct alex *x)
{
	while (x->p < x->end) {
		char ch = *x->p;

		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
			x->p++;
		else if (ch == '(') {
			if (a_comment(x) < 0)
				return -1;
		} else
			break;
	}
	return a_more(x);
}

/* At '"': the content, unescaped, folds removed. */
static int
a_quoted(struct alex *x, struct buf *b)
{
	for (x->p++; x->p < x->end; x->p++) {
		char ch = *x->p;

		if (ch == '"') {
			x->p++;
			return a_cfws(x);
		}
		if (ch == '\\') {
			if (++x->p >= x->end)
				break;
			ch = *x->p;
		} else if (ch == '\r' || ch == '\n')
			continue;
		(void)buf_putc(b, ch);
	}
	return -1;
}

/* atext and '.' (obs-phrase); may be empty. */
static int
a_atom_or_dot(struct alex *x, struct buf *b)
{
	while (x->p < x->end && (a_atext((unsigned char)*x->p) ||
	    *x->p == '.'))
		(void)buf_putc(b, *x->p++);
	return x->p < x->end ? a_cfws(x) : 0;
}

/* phrase = 1*word / obs-phrase, words joined by one space. */
static int
a_phrase(struct alex *x, struct buf *b)
{
	int ret;

	if (x->p >= x->end)
		return 0;
	if (*x->p == '.')
		return -1;
	for (;;) {
		ret = *x->p == '"' ? a_quoted(x, b) : a_atom_or_dot(x, b);
		if (ret <= 0)
			return ret;
		if (!a_atext((unsigned char)*x->p) && *x->p != '"' &&
		    *x->p != '.')
			break;
		(void)buf_putc(b, ' ');
	}
	return a_cfws(x);
}

/* dot-atom with CFWS around the dots (obs-local-part, obs-domain). */
static int
a_dot_atom(struct alex *x, struct buf *b)
{
	int ret;

	if (x->p >= x->end || !a_atext((unsigned char)*x->p))
		return -1;
	for (;;) {
		while (x->p < x->end && a_atext((unsigned char)*x->p))
			(void)buf_putc(b, *x->p++);
		if ((ret = a_cfws(x)) <= 0)
			return ret;
		if (*x->p != '.')
			return 1;
		x->p++;
		(void)buf_putc(b, '.');
		if ((ret = a_cfws(x)) <= 0)
			return ret;
	}
}

/* At '@': domain = dot-atom / domain-literal, into b. */
static int
a_domain(struct alex *x, struct buf *b)
{
	x->p++;
	if (a_cfws(x) <= 0)
		return -1;
	if (*x->p != '[')
		return a_dot_atom(x, b);
	while (x->p < x->end && *x->p != ']') {
		if (*x->p == '\\' && x->p + 1 < x->end)
			x->p++;
		if (*x->p != '\r' && *x->p != '\n')
			(void)buf_putc(b, *x->p);
		x->p++;
	}
	if (x->p >= x->end)
		return -1;
	(void)buf_putc(b, ']');
	x->p++;
	return a_cfws(x);
}

static const char *
a_dup(struct alex *x, const struct buf *b)
{
	return arena_strndup(x->a, buf_str(b), b->len);
}

static void
a_add(struct alex *x)
{
	struct message_addr *ad = arena_alloc(x->a, sizeof(*ad));

	*ad = x->cur;
	memset(&x->cur, 0, sizeof(x->cur));
	*x->tail = ad;
	x->tail = &ad->next;
	x->n++;
}

static void
a_add_fixed(struct alex *x)
{
	if (x->cur.mailbox == NULL)
		x->cur.mailbox = "MISSING_MAILBOX";
	if (x->cur.domain == NULL || *x->cur.domain == '\0')
		x->cur.domain = "MISSING_DOMAIN";
	a_add(x);
}

static int
a_local_part(struct alex *x)
{
	int ret;

	buf_reset(&x->str);
	ret = *x->p == '"' ? a_quoted(x, &x->str) : a_dot_atom(x, &x->str);
	if (ret < 0)
		return -1;
	x->cur.mailbox = a_dup(x, &x->str);
	return ret;
}

static int
a_domain_field(struct alex *x)
{
	int ret;

	buf_reset(&x->str);
	if ((ret = a_domain(x, &x->str)) < 0)
		return -1;
	x->cur.domain = a_dup(x, &x->str);
	return ret;
}

/* "<" [obs-route ":"] [local-part ["@" domain]] ">" */
static int
a_angle(struct alex *x)
{
	x->p++;
	if (a_cfws(x) <= 0)
		return -1;
	if (*x->p == '@') {
		int ret = 1;

		/* obs-domain-list = "@" domain *(*(CFWS / ",") "@" domain) */
		buf_reset(&x->str);
		while (x->p < x->end && *x->p == '@') {
			if (x->str.len > 0)
				(void)buf_putc(&x->str, ',');
			(void)buf_putc(&x->str, '@');
			if ((ret = a_domain(x, &x->str)) <= 0)
				break;
			while (a_cfws(x) > 0 && *x->p == ',')
				x->p++;
		}
		if (ret > 0 && x->p < x->end)
			x->cur.route = a_dup(x, &x->str);
		if (ret > 0 && x->p < x->end && *x->p == ':')
			x->p++;
		else {
			x->cur.route = "INVALID_ROUTE";
			if (x->p >= x->end)
				return -1;
		}
		if (a_cfws(x) <= 0)
			return -1;
	}
	if (*x->p != '>') {
		if (a_local_part(x) <= 0)
			return -1;
		if (*x->p == '@' && a_domain_field(x) <= 0)
			return -1;
	}
	if (*x->p != '>')
		return -1;
	x->p++;
	return a_cfws(x);
}

static int
a_name_addr(struct alex *x)
{
	buf_reset(&x->str);
	if (a_phrase(x, &x->str) <= 0 || *x->p != '<')
		return -1;
	x->cur.name = x->str.len > 0 ? a_dup(x, &x->str) : NULL;
	if (a_angle(x) < 0)
		x->cur.domain = "SYNTAX_ERROR";
	return a_more(x);
}

static int
a_addr_spec(struct alex *x, bool *invalid)
{
	bool quoted = *x->p == '"', domain_tried = false;
	int ret, ret2;

	buf_reset(&x->comment);
	ret = a_local_part(x);
	if (ret <= 0)
		*invalid = true;
	if (ret != 0 && x->p < x->end && *x->p == '@') {
		domain_tried = true;
		ret2 = a_domain_field(x);
		if (ret2 <= 0)
			ret = ret2;
	}
	if (x->comment.len > 0)
		x->cur.name = a_dup(x, &x->comment);
	else if (!domain_tried) {
		/* A lone word is a mailbox; more words make a name. */
		size_t before;

		(void)buf_putc(&x->str, ' ');
		before = x->str.len;
		(void)a_phrase(x, &x->str);
		if (x->str.len != before) {
			x->cur.mailbox = NULL;
			x->cur.name = a_dup(x, &x->str);
		} else if (!quoted)
			x->cur.domain = "";
		*invalid = true;
		ret = -1;
	}
	return ret;
}

static int
a_mailbox(struct alex *x)
{
	const char *start = x->p;
	bool invalid = false;
	int ret;

	if ((ret = a_name_addr(x)) < 0) {
		x->p = start;
		memset(&x->cur, 0, sizeof(x->cur));
		ret = a_addr_spec(x, &invalid);
		if (invalid && x->cur.name == NULL && x->cur.mailbox != NULL &&
		    x->cur.domain == NULL) {
			x->cur.name = x->cur.mailbox;
			x->cur.mailbox = NULL;
		}
	}
	a_add_fixed(x);
	return ret;
}

static int
a_group(struct alex *x)
{
	int ret;

	buf_reset(&x->str);
	if (a_phrase(x, &x->str) <= 0 || *x->p != ':')
		return -1;
	x->p++;
	ret = a_cfws(x);
	x->cur.group_start = true;
	x->cur.mailbox = a_dup(x, &x->str);
	a_add(x);
	if (ret > 0 && *x->p != ';') {
		while (x->n + 2 < MESSAGE_ADDRS_MAX) {
			(void)a_mailbox(x);
			if (x->p >= x->end || *x->p != ',')
				break;
			x->p++;
			if (a_cfws(x) <= 0) {
				ret = -1;
				break;
			}
		}
	}
	if (ret >= 0) {
		if (x->p >= x->end || *x->p != ';')
			ret = -1;
		else {
			x->p++;
			ret = a_cfws(x);
		}
	}
	memset(&x->cur, 0, sizeof(x->cur));
	x->cur.group_end = true;
	a_add(x);
	return ret == 0 ? 0 : 1;
}

void
message_addr_parse(struct span in, struct arena *a,
	struct message_addr **list_r)
{
	struct alex x;
	int ret;

	memset(&x, 0, sizeof(x));
	x.p = in.p;
	x.end = in.p + (in.len < MESSAGE_VALUE_MAX ? in.len :
	    MESSAGE_VALUE_MAX);
	x.a = a;
	x.tail = &x.list;
	buf_init(&x.str, MESSAGE_VALUE_MAX);
	buf_init(&x.comment, MESSAGE_VALUE_MAX);
	if (a_cfws(&x) > 0) {
		while (x.n + 2 < MESSAGE_ADDRS_MAX) {
			const char *start = x.p;

			memset(&x.cur, 0, sizeof(x.cur));
			if ((ret = a_group(&x)) < 0) {
				x.p = start;
				memset(&x.cur, 0, sizeof(x.cur));
				ret = a_mailbox(&x);
			}
			if (ret == 0 || x.p >= x.end || *x.p != ',')
				break;
			x.p++;
			if ((ret = a_cfws(&x)) <= 0) {
				if (ret < 0) {
					memset(&x.cur, 0, sizeof(x.cur));
					a_add_fixed(&x);
				}
				break;
			}
		}
	}
	buf_clear(&x.str);
	buf_clear(&x.comment);
	*list_r = x.list;
}
