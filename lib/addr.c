/* SPDX-License-Identifier: MIT */
/*
 * addr: RFC 5321 4.1.2 paths and mailboxes, with the RFC 6531 3.3
 * extensions (UTF8-non-ascii in atext, qtextSMTP and sub-domains).
 * A cursor walks the input once; every loop advances it; nothing
 * recurses. Output strings live in the caller's arena.
 */
#include <arpa/inet.h>

#include "addr.h"
#include "str.h"
#include "tern.h"

struct cursor {
	const unsigned char *p, *end;
	unsigned flags;
	bool utf8;		/* saw a byte >= 0x80 */
};

bool
addr_utf8_valid(struct span in)
{
	const unsigned char *p = (const unsigned char *)in.p;
	const unsigned char *end = p + in.len;

	while (p < end) {
		unsigned c = *p, n, i;
		uint32_t cp;

		if (c < 0x80) {
			p++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if ((size_t)(end - p) <= n)
			return false;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		/* overlongs, surrogates, beyond U+10FFFF */
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		p += n + 1;
	}
	return true;
}

static bool
is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* RFC 5322 3.2.3 atext, plus UTF8-non-ascii bytes (checked later). */
static bool
is_atext(unsigned char c, unsigned flags)
{
	if (is_alnum(c))
		return true;
	if (c >= 0x80)
		return (flags & ADDR_ALLOW_UTF8) != 0;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

bool
addr_local_is_dot_string(struct span in)
{
	size_t i;
	bool dot_ok = false;

	if (in.len == 0)
		return false;
	for (i = 0; i < in.len; i++) {
		unsigned char c = (unsigned char)in.p[i];

		if (c == '.') {
			if (!dot_ok)
				return false;
			dot_ok = false;
		} else if (is_atext(c, ADDR_ALLOW_UTF8)) {
			dot_ok = true;
		} else {
			return false;
		}
	}
	return dot_ok;
}

bool
addr_domain_valid(struct span in, unsigned flags)
{
	size_t i, label = 0;
	unsigned char prev = '.';

	if (in.len == 0 || in.len > ADDR_DOMAIN_MAX)
		return false;
	for (i = 0; i < in.len; i++) {
		unsigned char c = (unsigned char)in.p[i];

		if (c == '.') {
			/* sub-domain = Let-dig [Ldh-str]: no empty label,
			 * none ending in '-' */
			if (prev == '.' || prev == '-')
				return false;
			label = 0;
		} else if (c == '-') {
			if (prev == '.')
				return false;
			label++;
		} else if (is_alnum(c) ||
		    (c >= 0x80 && (flags & ADDR_ALLOW_UTF8) != 0)) {
			label++;
		} else {
			return false;
		}
		if (label > ADDR_LABEL_MAX)
			return false;
		prev = c;
	}
	if (prev == '.' || prev == '-')
		return false;
	return addr_utf8_valid(in);
}

/* RFC 5321 4.1.3 address literals, the text between '[' and ']'. */
static bool
literal_valid(struct span in)
{
	char tmp[64];
	unsigned char bin[16];
	size_t i, colon = in.len;

	if (in.len == 0 || in.len >= sizeof(tmp))
		return false;
	memcpy(tmp, in.p, in.len);
	tmp[in.len] = '\0';
	if (inet_pton(AF_INET, tmp, bin) == 1)
		return true;
	if (span_startswith_ci(in, "IPv6:"))
		return inet_pton(AF_INET6, tmp + 5, bin) == 1;
	/* General-address-literal = Standardized-tag ":" 1*dcontent */
	for (i = 0; i < in.len; i++) {
		if (in.p[i] == ':') {
			colon = i;
			break;
		}
	}
	if (colon == 0 || colon + 1 >= in.len ||
	    !addr_domain_valid(span_make(in.p, colon), 0))
		return false;
	for (i = colon + 1; i < in.len; i++) {
		unsigned char c = (unsigned char)in.p[i];

		/* dcontent = %d33-90 / %d94-126 */
		if (c < 33 || c > 126 || c == '[' || c == '\\' || c == ']')
			return false;
	}
	return true;
}

/*
 * Local-part at the cursor; the unquoted value goes to *value_r (arena).
 */
static int
parse_local(struct cursor *c, struct arena *a, struct span *raw_r,
	char **value_r, const char **error_r)
{
	const unsigned char *start = c->p;
	char *out;
	size_t n = 0;

	if (c->p < c->end && *c->p == '"') {
		/* Quoted-string; the value is at most as long as the input */
		out = arena_alloc(a, (size_t)(c->end - c->p) + 1);
		c->p++;
		for (;;) {
			unsigned char ch;

			if (c->p >= c->end) {
				*error_r = "unterminated quoted string";
				return -1;
			}
			ch = *c->p;
			if (ch == '"')
				break;
			if (ch == '\\') {
				c->p++;
				/* quoted-pairSMTP = %d92 %d32-126 */
				if (c->p >= c->end || *c->p < 32 ||
				    *c->p > 126) {
					*error_r = "bad quoted pair";
					return -1;
				}
				ch = *c->p;
			} else if (ch >= 0x80) {
				if ((c->flags & ADDR_ALLOW_UTF8) == 0) {
					*error_r = "non-ASCII local part";
					return -1;
				}
				c->utf8 = true;
			} else if (ch < 32 || ch > 126) {
				*error_r = "bad character in quoted string";
				return -1;
			}
			out[n++] = (char)ch;	/* UNSAFE: n < input length */
			c->p++;
		}
		c->p++;
		out[n] = '\0';
	} else {
		bool dot_ok = false;

		while (c->p < c->end && *c->p != '@') {
			unsigned char ch = *c->p;

			if (ch == '.') {
				if (!dot_ok)
					break;
				dot_ok = false;
			} else if (is_atext(ch, c->flags)) {
				if (ch >= 0x80)
					c->utf8 = true;
				dot_ok = true;
			} else {
				break;
			}
			c->p++;
		}
		if (!dot_ok) {
			*error_r = c->p == start ? "empty local part" :
			    "bad local part";
			return -1;
		}
		out = arena_strndup(a, (const char *)start,
		    (size_t)(c->p - start));
	}
	*raw_r = span_make((const char *)start, (size_t)(c->p - start));
	if (raw_r->len > ADDR_LOCAL_MAX) {
		*error_r = "local part too long";
		return -1;
	}
	*value_r = out;
	return 0;
}

/* Domain or address-literal at the cursor; ends at a byte that cannot
 * be part of it. */
static int
parse_domain(struct cursor *c, struct arena *a, char **domain_r,
	bool *literal_r, const char **error_r)
{
	const unsigned char *start = c->p;
	struct span d;

	*literal_r = false;
	if (c->p < c->end && *c->p == '[') {
		while (c->p < c->end && *c->p != ']')
			c->p++;
		if (c->p >= c->end) {
			*error_r = "unterminated address literal";
			return -1;
		}
		c->p++;
		d = span_make((const char *)start, (size_t)(c->p - start));
		if ((c->flags & ADDR_ALLOW_LITERAL) == 0) {
			*error_r = "address literal not allowed";
			return -1;
		}
		if (!literal_valid(span_make(d.p + 1, d.len - 2))) {
			*error_r = "bad address literal";
			return -1;
		}
		*literal_r = true;
		*domain_r = arena_spandup(a, d);
		return 0;
	}
	while (c->p < c->end && (is_alnum(*c->p) || *c->p == '-' ||
	    *c->p == '.' || *c->p >= 0x80))
		c->p++;
	d = span_make((const char *)start, (size_t)(c->p - start));
	if (d.len == 0) {
		*error_r = "empty domain";
		return -1;
	}
	if (!addr_domain_valid(d, c->flags)) {
		*error_r = (c->flags & ADDR_ALLOW_UTF8) == 0 &&
		    !addr_domain_valid(d, ADDR_ALLOW_UTF8) ? "bad domain" :
		    (c->flags & ADDR_ALLOW_UTF8) == 0 ? "non-ASCII domain" :
		    "bad domain";
		return -1;
	}
	for (size_t i = 0; i < d.len; i++) {
		if (start[i] >= 0x80)
			c->utf8 = true;
	}
	*domain_r = arena_spandup(a, d);
	str_lower(*domain_r);
	return 0;
}

static const char *
quote_local(struct arena *a, const char *local)
{
	size_t len = strlen(local), i, n = 0;
	char *q;

	if (addr_local_is_dot_string(span_make(local, len)))
		return local;
	q = arena_alloc(a, 2 * len + 3);
	q[n++] = '"';
	for (i = 0; i < len; i++) {
		if (local[i] == '"' || local[i] == '\\')
			q[n++] = '\\';
		q[n++] = local[i];	/* UNSAFE: n <= 2 * len + 1 */
	}
	q[n++] = '"';
	q[n] = '\0';
	return q;
}

/* Mailbox = Local-part "@" ( Domain / address-literal ) */
static int
parse_mailbox_at(struct cursor *c, struct arena *a, struct addr *out,
	const char **error_r)
{
	struct span raw;
	char *local, *domain;
	bool literal;

	if (parse_local(c, a, &raw, &local, error_r) < 0)
		return -1;
	if (c->p >= c->end || *c->p != '@') {
		*error_r = "missing @domain";
		return -1;
	}
	c->p++;
	if (parse_domain(c, a, &domain, &literal, error_r) < 0)
		return -1;
	if (c->utf8 && !addr_utf8_valid(span_make(local, strlen(local)))) {
		*error_r = "bad UTF-8";
		return -1;
	}
	out->local = local;
	out->domain = domain;
	out->addr = arena_printf(a, "%s@%s", quote_local(a, local), domain);
	out->literal = literal;
	out->utf8 = c->utf8;
	return 0;
}

int
addr_parse_mailbox(struct span in, unsigned flags, struct arena *a,
	struct addr *out_r, const char **error_r)
{
	struct cursor c = {
		(const unsigned char *)in.p,
		(const unsigned char *)in.p + in.len, flags, false
	};
	struct addr out = { 0 };

	if (in.len > ADDR_PATH_MAX - 2) {
		*error_r = "address too long";
		return -1;
	}
	if (parse_mailbox_at(&c, a, &out, error_r) < 0)
		return -1;
	if (c.p != c.end) {
		*error_r = "junk after address";
		return -1;
	}
	*out_r = out;
	return 0;
}

/* A-d-l = At-domain *( "," At-domain ) ":"; the route is ignored. */
static int
skip_route(struct cursor *c, struct arena *a, const char **error_r)
{
	char *domain;
	bool literal;

	if (c->p >= c->end || *c->p != '@')
		return 0;
	for (;;) {
		c->p++;	/* '@' */
		if (parse_domain(c, a, &domain, &literal, error_r) < 0)
			return -1;
		if (c->p < c->end && *c->p == ':') {
			c->p++;
			return 0;
		}
		if (c->p >= c->end || *c->p != ',' || c->p + 1 >= c->end ||
		    c->p[1] != '@') {
			*error_r = "bad source route";
			return -1;
		}
		c->p++;	/* ',' */
	}
}

int
addr_parse_path(struct span in, unsigned flags, struct arena *a,
	struct addr *out_r, size_t *used_r, const char **error_r)
{
	struct cursor c = {
		(const unsigned char *)in.p,
		(const unsigned char *)in.p + in.len, flags, false
	};
	struct addr out = { 0 };
	const unsigned char *start = c.p;
	size_t used;

	if (c.p >= c.end || *c.p != '<') {
		*error_r = "path must start with <";
		return -1;
	}
	c.p++;
	if (c.p < c.end && *c.p == '>') {
		if ((flags & ADDR_ALLOW_NULL) == 0) {
			*error_r = "null path not allowed";
			return -1;
		}
		out.null = true;
		out.local = out.domain = out.addr = "";
		c.p++;
		goto done;
	}
	if ((flags & ADDR_ALLOW_POSTMASTER) != 0 &&
	    (size_t)(c.end - c.p) >= 11 &&
	    span_startswith_ci(span_make((const char *)c.p, 11),
	    "postmaster>")) {
		out.postmaster = true;
		out.local = out.addr = "postmaster";
		out.domain = "";
		c.p += 11;
		goto done;
	}
	if (skip_route(&c, a, error_r) < 0)
		return -1;
	if (parse_mailbox_at(&c, a, &out, error_r) < 0)
		return -1;
	if (c.p >= c.end || *c.p != '>') {
		*error_r = "path must end with >";
		return -1;
	}
	c.p++;
done:
	used = (size_t)(c.p - start);
	/* RFC 5321 4.5.3.1.3 counts the path with its brackets */
	if (used > ADDR_PATH_MAX) {
		*error_r = "path too long";
		return -1;
	}
	if (used_r != NULL)
		*used_r = used;
	*out_r = out;
	return 0;
}
