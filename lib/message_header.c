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

struct alex {
	const char *p, *end;
	struct buf name;	/* display name being built */
	struct buf local;	/* the same words as a local part */
	struct buf comment;	/* the last comment's text */
};

static bool
a_special(int ch)
{
	return strchr("()<>[]:;@\\,.\"", ch) != NULL;
}

static bool
a_atext(int ch)
{
	return ch > ' ' && ch != 0x7f && !a_special(ch);
}

/* Skip white space and comments; the last comment's text goes to
 * x->comment. true when anything was skipped. */
static bool
a_cfws(struct alex *x)
{
	const char *start = x->p;
	unsigned int depth;

	for (;;) {
		while (x->p < x->end && (*x->p == ' ' || *x->p == '\t' ||
		    *x->p == '\r' || *x->p == '\n'))
			x->p++;
		if (x->p >= x->end || *x->p != '(')
			break;
		buf_reset(&x->comment);
		depth = 0;
		for (; x->p < x->end; x->p++) {
			if (*x->p == '\\' && x->p + 1 < x->end) {
				x->p++;
				(void)buf_putc(&x->comment, *x->p);
				continue;
			}
			if (*x->p == '(' && depth++ == 0)
				continue;
			if (*x->p == ')' && --depth == 0) {
				x->p++;
				break;
			}
			if (*x->p != '\r' && *x->p != '\n')
				(void)buf_putc(&x->comment, *x->p);
		}
	}
	return x->p > start;
}

/* A quoted string's content (unescaped) appended to the name and the
 * local part. */
static void
a_quoted(struct alex *x)
{
	x->p++;
	while (x->p < x->end && *x->p != '"') {
		if (*x->p == '\\' && x->p + 1 < x->end)
			x->p++;
		if (*x->p != '\r' && *x->p != '\n') {
			(void)buf_putc(&x->name, *x->p);
			(void)buf_putc(&x->local, *x->p);
		}
		x->p++;
	}
	if (x->p < x->end)
		x->p++;
}

/*
 * A phrase (obs-phrase: words and dots) into x->name with single spaces
 * where the input had white space, and into x->local as a local part.
 * Stops at a special other than '.' and '"'. true if any word was read.
 */
static bool
a_phrase(struct alex *x)
{
	bool any = false, sp;

	buf_reset(&x->name);
	buf_reset(&x->local);
	for (;;) {
		sp = a_cfws(x);
		if (x->p >= x->end)
			break;
		if (*x->p != '"' && *x->p != '.' &&
		    !a_atext((unsigned char)*x->p))
			break;
		if (sp && x->name.len > 0)
			(void)buf_putc(&x->name, ' ');
		any = true;
		if (*x->p == '"') {
			a_quoted(x);
			continue;
		}
		if (*x->p == '.') {
			(void)buf_putc(&x->name, '.');
			(void)buf_putc(&x->local, '.');
			x->p++;
			continue;
		}
		while (x->p < x->end && a_atext((unsigned char)*x->p)) {
			(void)buf_putc(&x->name, *x->p);
			(void)buf_putc(&x->local, *x->p);
			x->p++;
		}
	}
	return any;
}

/* A domain (dot-atom, obs-domain with CFWS, or a domain literal) into b. */
static void
a_domain(struct alex *x, struct buf *b)
{
	bool want_dot = false;

	for (;;) {
		a_cfws(x);
		if (x->p >= x->end)
			break;
		if (*x->p == '.') {
			(void)buf_putc(b, '.');
			x->p++;
			want_dot = false;
			continue;
		}
		if (want_dot)
			break;
		if (*x->p == '[') {
			while (x->p < x->end && *x->p != ']') {
				if (*x->p != '\r' && *x->p != '\n')
					(void)buf_putc(b, *x->p);
				x->p++;
			}
			if (x->p < x->end) {
				(void)buf_putc(b, ']');
				x->p++;
			}
		} else if (a_atext((unsigned char)*x->p)) {
			while (x->p < x->end && a_atext((unsigned char)*x->p))
				(void)buf_putc(b, *x->p++);
		} else
			break;
		want_dot = true;
	}
}

static const char *
bufdup(struct arena *a, const struct buf *b)
{
	return arena_strndup(a, buf_str(b), b->len);
}

static struct message_addr *
a_add(struct arena *a, struct message_addr ***tail_r, unsigned int *n)
{
	struct message_addr *ad = arena_alloc(a, sizeof(*ad));

	**tail_r = ad;
	*tail_r = &ad->next;
	(*n)++;
	return ad;
}

/* "<" [obs-route] addr-spec ">" at x->p == '<'. */
static void
a_angle(struct alex *x, struct arena *a, struct message_addr *ad)
{
	struct buf b;

	buf_init(&b, MESSAGE_VALUE_MAX);
	x->p++;
	a_cfws(x);
	if (x->p < x->end && (*x->p == '@' || *x->p == ',')) {
		/* obs-route = obs-domain-list ":" (RFC 5322 4.4) */
		for (;;) {
			a_cfws(x);
			if (x->p < x->end && *x->p == ',') {
				if (b.len > 0)
					(void)buf_putc(&b, ',');
				x->p++;
				continue;
			}
			if (x->p >= x->end || *x->p != '@')
				break;
			(void)buf_putc(&b, '@');
			x->p++;
			a_domain(x, &b);
		}
		if (x->p < x->end && *x->p == ':') {
			x->p++;
			ad->route = bufdup(a, &b);
		} else
			ad->route = "INVALID_ROUTE";
	}
	(void)a_phrase(x);
	if (x->local.len > 0)
		ad->mailbox = bufdup(a, &x->local);
	if (x->p < x->end && *x->p == '@') {
		x->p++;
		buf_reset(&b);
		a_domain(x, &b);
		if (b.len > 0)
			ad->domain = bufdup(a, &b);
	}
	while (x->p < x->end && *x->p != '>')
		x->p++;
	if (x->p < x->end)
		x->p++;
	buf_clear(&b);
}

void
message_addr_parse(struct span in, struct arena *a,
	struct message_addr **list_r)
{
	struct alex x;
	struct message_addr *list = NULL, **tail = &list, *ad;
	unsigned int n = 0;
	bool in_group = false;

	x.p = in.p;
	x.end = in.p + (in.len < MESSAGE_VALUE_MAX ? in.len :
	    MESSAGE_VALUE_MAX);
	buf_init(&x.name, MESSAGE_VALUE_MAX);
	buf_init(&x.local, MESSAGE_VALUE_MAX);
	buf_init(&x.comment, MESSAGE_VALUE_MAX);
	while (x.p < x.end && n + 1 < MESSAGE_ADDRS_MAX) {
		const char *start;
		bool had;

		a_cfws(&x);
		if (x.p >= x.end)
			break;
		if (*x.p == ',') {
			x.p++;
			continue;
		}
		if (*x.p == ';') {
			x.p++;
			if (in_group) {
				ad = a_add(a, &tail, &n);
				ad->group_end = true;
				in_group = false;
			}
			continue;
		}
		start = x.p;
		buf_reset(&x.comment);
		had = a_phrase(&x);
		if (x.p < x.end && *x.p == ':' && had && !in_group) {
			x.p++;
			ad = a_add(a, &tail, &n);
			ad->group_start = true;
			ad->mailbox = bufdup(a, &x.name);
			in_group = true;
			continue;
		}
		if (x.p < x.end && *x.p == '<') {
			ad = a_add(a, &tail, &n);
			if (had && x.name.len > 0)
				ad->name = bufdup(a, &x.name);
			a_angle(&x, a, ad);
		} else if (x.p < x.end && *x.p == '@') {
			struct buf b;

			ad = a_add(a, &tail, &n);
			if (x.local.len > 0)
				ad->mailbox = bufdup(a, &x.local);
			x.p++;
			buf_init(&b, MESSAGE_VALUE_MAX);
			buf_reset(&x.comment);
			a_domain(&x, &b);
			if (b.len > 0)
				ad->domain = bufdup(a, &b);
			buf_clear(&b);
			a_cfws(&x);
			if (x.comment.len > 0)
				ad->name = bufdup(a, &x.comment);
		} else if (had) {
			ad = a_add(a, &tail, &n);
			ad->mailbox = bufdup(a, &x.local);
		} else
			ad = NULL;
		if (ad != NULL) {
			if (ad->mailbox == NULL)
				ad->mailbox = "MISSING_MAILBOX";
			if (ad->domain == NULL)
				ad->domain = "MISSING_DOMAIN";
		}
		/* Skip junk up to the next ',' or ';'. */
		if (x.p == start)
			x.p++;
		while (x.p < x.end && *x.p != ',' && *x.p != ';') {
			if (*x.p == '"') {
				buf_reset(&x.name);
				a_quoted(&x);
			} else if (*x.p == '(')
				a_cfws(&x);
			else
				x.p++;
		}
	}
	if (in_group) {
		ad = a_add(a, &tail, &n);
		ad->group_end = true;
	}
	buf_clear(&x.name);
	buf_clear(&x.local);
	buf_clear(&x.comment);
	*list_r = list;
}
