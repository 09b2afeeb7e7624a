/* SPDX-License-Identifier: MIT */
/*
 * parse: SMTP command-line parsers (RFC 5321 4.1.1, 4.1.2; RFC 1870,
 * 6152, 6531, 4954, 3030, 3461 4 xtext). Pure: spans in, arena out,
 * static error strings; every loop advances its cursor.
 */
#include "parse.h"
#include "str.h"
#include "tern.h"

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
parse_command(struct span line, struct smtp_cmd_line *out_r,
	const char **error_r)
{
	size_t i;

	if (memchr(line.p, '\0', line.len) != NULL) {
		*error_r = "NUL in command";
		return -1;
	}
	for (i = 0; i < line.len && is_alpha(line.p[i]); i++)
		;
	if (i == 0) {
		*error_r = line.len == 0 ? "empty command" : "bad verb";
		return -1;
	}
	if (i > SMTP_VERB_MAX || (i < line.len && line.p[i] != ' ')) {
		*error_r = "bad verb";
		return -1;
	}
	out_r->verb = span_make(line.p, i);
	out_r->args = span_trim(span_make(line.p + i, line.len - i));
	return 0;
}

int
parse_xtext(struct span in, struct arena *a, const char **out_r)
{
	char *out = arena_alloc(a, in.len + 1);
	size_t i, n = 0;

	for (i = 0; i < in.len; i++) {
		unsigned char c = (unsigned char)in.p[i];

		/* xtext = *( xchar / hexchar ), xchar = %d33-42 / %d44-60 /
		 * %d62-126, hexchar = "+" 2HEXDIG (uppercase) */
		if (c == '+') {
			unsigned v = 0, k;

			if (i + 2 >= in.len)
				return -1;
			for (k = 1; k <= 2; k++) {
				char h = in.p[i + k];

				v <<= 4;
				if (is_digit(h))
					v |= (unsigned)(h - '0');
				else if (h >= 'A' && h <= 'F')
					v |= (unsigned)(h - 'A' + 10);
				else
					return -1;
			}
			out[n++] = (char)v;	/* UNSAFE: n <= i < in.len */
			i += 2;
		} else if (c >= 33 && c <= 126 && c != '=') {
			out[n++] = (char)c;
		} else {
			return -1;
		}
	}
	out[n] = '\0';
	*out_r = out;
	return 0;
}

/* Next space-separated word of *rest (spaces skipped), or len 0. */
static struct span
next_word(struct span *rest)
{
	struct span w;
	size_t i = 0;

	*rest = span_trim(*rest);
	while (i < rest->len && rest->p[i] != ' ')
		i++;
	w = span_make(rest->p, i);
	*rest = span_make(rest->p + i, rest->len - i);
	return w;
}

/* esmtp-param = esmtp-keyword ["=" esmtp-value] (RFC 5321 4.1.2) */
static int
split_param(struct span w, struct span *key_r, struct span *value_r,
	bool *has_value_r, const char **error_r)
{
	size_t i;

	for (i = 0; i < w.len && w.p[i] != '='; i++) {
		if (!is_alpha(w.p[i]) && !is_digit(w.p[i]) &&
		    (i == 0 || w.p[i] != '-')) {
			*error_r = "bad parameter keyword";
			return -1;
		}
	}
	if (i == 0) {
		*error_r = "bad parameter keyword";
		return -1;
	}
	*key_r = span_make(w.p, i);
	*has_value_r = i < w.len;
	if (*has_value_r) {
		*value_r = span_make(w.p + i + 1, w.len - i - 1);
		if (value_r->len == 0) {
			*error_r = "empty parameter value";
			return -1;
		}
		for (i = 0; i < value_r->len; i++) {
			unsigned char c = (unsigned char)value_r->p[i];

			/* %d33-60 / %d62-126, and UTF-8 (RFC 6531 3.3) */
			if (c < 33 || c == '=' || c == 127) {
				*error_r = "bad parameter value";
				return -1;
			}
		}
	} else {
		*value_r = span_make(w.p + i, 0);
	}
	return 0;
}

/* "FROM:" / "TO:" then the path; returns the rest after the path. */
static int
parse_path_arg(struct span args, const char *prefix, unsigned flags,
	struct arena *a, struct addr *path_r, struct span *rest_r,
	const char **error_r)
{
	size_t used, n = strlen(prefix);

	if (!span_startswith_ci(args, prefix)) {
		*error_r = n == 5 ? "expected FROM:<address>" :
		    "expected TO:<address>";
		return -1;
	}
	args = span_trim(span_make(args.p + n, args.len - n));
	if (addr_parse_path(args, flags, a, path_r, &used, error_r) < 0)
		return -1;
	*rest_r = span_make(args.p + used, args.len - used);
	if (rest_r->len > 0 && rest_r->p[0] != ' ') {
		*error_r = "junk after address";
		return -1;
	}
	return 0;
}

int
parse_mail(struct span args, struct arena *a, struct smtp_mail_args *out_r,
	const char **error_r)
{
	struct smtp_mail_args out = { 0 };
	struct span rest, w, key, value;
	bool has_value, seen_auth = false;
	unsigned n = 0;

	if (parse_path_arg(args, "FROM:", ADDR_ALLOW_NULL | ADDR_ALLOW_UTF8 |
	    ADDR_ALLOW_LITERAL, a, &out.path, &rest, error_r) < 0)
		return PARSE_ERR_SYNTAX;
	w = rest;
	while (next_word(&w).len > 0) {
		if (++n > SMTP_PARAMS_MAX) {
			*error_r = "too many parameters";
			return PARSE_ERR_PARAM;
		}
	}
	for (;;) {
		w = next_word(&rest);
		if (w.len == 0)
			break;
		if (split_param(w, &key, &value, &has_value, error_r) < 0)
			return PARSE_ERR_ARGS;
		if (span_eq_ci(key, "SIZE")) {
			/* RFC 1870: size-value = 1*20DIGIT */
			if (out.has_size || !has_value ||
			    parse_u64(value, UINT64_MAX, &out.size) < 0) {
				*error_r = "bad SIZE";
				return PARSE_ERR_ARGS;
			}
			out.has_size = true;
		} else if (span_eq_ci(key, "BODY")) {
			if (out.body != SMTP_BODY_NONE || !has_value) {
				*error_r = "bad BODY";
				return PARSE_ERR_ARGS;
			}
			if (span_eq_ci(value, "7BIT")) {
				out.body = SMTP_BODY_7BIT;
			} else if (span_eq_ci(value, "8BITMIME")) {
				out.body = SMTP_BODY_8BITMIME;
			} else {
				/* BINARYMIME (RFC 3030) is not offered */
				*error_r = "unsupported BODY";
				return PARSE_ERR_PARAM;
			}
		} else if (span_eq_ci(key, "SMTPUTF8")) {
			if (out.smtputf8 || has_value) {
				*error_r = "bad SMTPUTF8";
				return PARSE_ERR_ARGS;
			}
			out.smtputf8 = true;
		} else if (span_eq_ci(key, "AUTH")) {
			/* RFC 4954 5: AUTH=<> or AUTH=xtext(mailbox) */
			if (seen_auth || !has_value) {
				*error_r = "bad AUTH";
				return PARSE_ERR_ARGS;
			}
			seen_auth = true;
			if (span_eq(value, "<>"))
				out.auth = "";
			else if (parse_xtext(value, a, &out.auth) < 0) {
				*error_r = "bad AUTH xtext";
				return PARSE_ERR_ARGS;
			}
		} else {
			*error_r = "unknown MAIL parameter";
			return PARSE_ERR_PARAM;
		}
	}
	*out_r = out;
	return 0;
}

int
parse_rcpt(struct span args, struct arena *a, struct smtp_rcpt_args *out_r,
	const char **error_r)
{
	struct smtp_rcpt_args out = { 0 };
	struct span rest, w, key, value;
	bool has_value;

	if (parse_path_arg(args, "TO:", ADDR_ALLOW_POSTMASTER |
	    ADDR_ALLOW_UTF8 | ADDR_ALLOW_LITERAL, a, &out.path, &rest,
	    error_r) < 0)
		return PARSE_ERR_SYNTAX;
	w = next_word(&rest);
	if (w.len > 0) {
		if (split_param(w, &key, &value, &has_value, error_r) < 0)
			return PARSE_ERR_ARGS;
		/* no DSN (RFC 3461): NOTIFY and ORCPT are not offered */
		*error_r = "unknown RCPT parameter";
		return PARSE_ERR_PARAM;
	}
	*out_r = out;
	return 0;
}

int
parse_helo(struct span args, struct arena *a, const char **name_r,
	const char **error_r)
{
	struct span rest = args, w = next_word(&rest);
	size_t i;

	if (w.len == 0) {
		*error_r = "missing domain";
		return -1;
	}
	if (w.len > SMTP_HELO_MAX) {
		*error_r = "domain too long";
		return -1;
	}
	for (i = 0; i < w.len; i++) {
		unsigned char c = (unsigned char)w.p[i];

		if (c < 33 || c == 127) {
			*error_r = "bad domain";
			return -1;
		}
	}
	if (!addr_utf8_valid(w)) {
		*error_r = "bad UTF-8 in domain";
		return -1;
	}
	*name_r = arena_spandup(a, w);
	return 0;
}

int
parse_bdat(struct span args, uint64_t max, uint64_t *size_r, bool *last_r,
	const char **error_r)
{
	struct span rest = args, w = next_word(&rest), last;

	/* chunk-size = 1*DIGIT */
	if (parse_u64(w, max, size_r) < 0) {
		*error_r = "bad chunk size";
		return -1;
	}
	last = next_word(&rest);
	*last_r = false;
	if (last.len > 0) {
		if (!span_eq_ci(last, "LAST")) {
			*error_r = "expected LAST";
			return -1;
		}
		*last_r = true;
	}
	if (span_trim(rest).len > 0) {
		*error_r = "junk after LAST";
		return -1;
	}
	return 0;
}

int
parse_auth(struct span args, struct span *mech_r, struct span *initial_r,
	const char **error_r)
{
	struct span rest = args, mech = next_word(&rest), init;
	size_t i;

	if (mech.len == 0 || mech.len > 20) {
		*error_r = "bad mechanism";
		return -1;
	}
	for (i = 0; i < mech.len; i++) {
		char c = mech.p[i];

		/* sasl-mech = 1*20mech-char (RFC 4422 3.1) */
		if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_') {
			*error_r = "bad mechanism";
			return -1;
		}
	}
	init = next_word(&rest);
	if (span_trim(rest).len > 0) {
		*error_r = "junk after initial response";
		return -1;
	}
	*mech_r = mech;
	*initial_r = init.len > 0 ? init : span_make(NULL, 0);
	return 0;
}
