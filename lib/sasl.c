/* SPDX-License-Identifier: MIT */
/*
 * sasl: server mechanisms PLAIN (RFC 4616) and LOGIN (the de facto
 * draft-murchison-sasl-login), and strict base64 (RFC 4648 4: padding
 * required, no whitespace, zero pad bits). Decoded messages live in a
 * fixed buffer inside struct sasl_server and are wiped after each step;
 * the password never leaves that buffer except into auth_verify().
 */
#include <stdlib.h>
#include <openssl/crypto.h>

#include "sasl.h"
#include "str.h"
#include "xmalloc.h"
#include "tern.h"

/* One identity or password. RFC 4616 2 asks servers to take at least 255
 * octets for each. */
#define SASL_FIELD_MAX 1024
/* A decoded PLAIN message: authzid NUL authcid NUL passwd. */
#define SASL_MSG_MAX (3 * SASL_FIELD_MAX + 2)

enum sasl_mech {
	SASL_MECH_PLAIN,
	SASL_MECH_LOGIN,
};

enum sasl_state {
	SASL_ST_START,		/* nothing received yet */
	SASL_ST_PLAIN,		/* PLAIN: empty challenge sent */
	SASL_ST_LOGIN_USER,	/* LOGIN: "Username:" sent */
	SASL_ST_LOGIN_PASS,	/* LOGIN: "Password:" sent */
	SASL_ST_DONE,		/* finished, either way */
};

struct sasl_server {
	enum sasl_mech mech;
	enum sasl_state state;
	struct auth_db *db;
	char *user;		/* authcid, once received */
	unsigned char msg[SASL_MSG_MAX];	/* decoded response: secret */
	size_t msg_len;
};

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* -1 for a byte outside the alphabet ('=' included). */
static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Strict RFC 4648 decode into out (size bytes). 0, or -1 if malformed or
 * too long. */
static int
b64_decode_raw(struct span in, unsigned char *out, size_t size,
	size_t *len_r)
{
	size_t i, n = 0, pad = 0;

	if (in.len % 4 != 0)
		return -1;
	if (in.len > 0 && in.p[in.len - 1] == '=')
		pad = in.len > 1 && in.p[in.len - 2] == '=' ? 2 : 1;
	if (in.len / 4 * 3 - pad > size)
		return -1;
	for (i = 0; i < in.len; i += 4) {
		int v[4], k;
		bool last = i + 4 == in.len;
		uint32_t q;

		for (k = 0; k < 4; k++) {
			v[k] = b64_value((unsigned char)in.p[i + k]);
			/* '=' only as the final 1 or 2 characters */
			if (v[k] < 0 && !(last && k >= 4 - (int)pad))
				return -1;
		}
		q = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12;
		if (last && pad == 2) {
			if ((v[1] & 0x0f) != 0)
				return -1;	/* RFC 4648 3.5 */
			out[n++] = (unsigned char)(q >> 16);
			break;
		}
		q |= (uint32_t)v[2] << 6;
		if (last && pad == 1) {
			if ((v[2] & 0x03) != 0)
				return -1;	/* RFC 4648 3.5 */
			out[n++] = (unsigned char)(q >> 16);
			out[n++] = (unsigned char)(q >> 8);
			break;
		}
		q |= (uint32_t)v[3];
		out[n++] = (unsigned char)(q >> 16);
		out[n++] = (unsigned char)(q >> 8);
		out[n++] = (unsigned char)q;
	}
	*len_r = n;
	return 0;
}

int
base64_decode(struct span in, struct buf *out)
{
	unsigned char *tmp;
	size_t len = 0;
	int ret = -1;

	/* the decoded size is at most 3/4 of the input */
	tmp = xmalloc(in.len / 4 * 3 + 1);
	if (b64_decode_raw(in, tmp, in.len / 4 * 3, &len) == 0)
		ret = buf_append(out, tmp, len);
	OPENSSL_cleanse(tmp, in.len / 4 * 3 + 1);
	free(tmp);
	return ret;
}

int
base64_encode(const void *p, size_t len, struct buf *out)
{
	const unsigned char *s = p;
	size_t need, i;

	if (len > (SIZE_MAX - 2) / 4)
		return -1;
	need = (len + 2) / 3 * 4;
	if (out->max != 0 && (out->len > out->max || need >
	    out->max - out->len))
		return -1;
	for (i = 0; i < len; i += 3) {
		uint32_t q = (uint32_t)s[i] << 16;
		char quad[4];

		if (i + 1 < len)
			q |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < len)
			q |= s[i + 2];
		quad[0] = b64_alphabet[q >> 18 & 0x3f];
		quad[1] = b64_alphabet[q >> 12 & 0x3f];
		quad[2] = i + 1 < len ? b64_alphabet[q >> 6 & 0x3f] : '=';
		quad[3] = i + 2 < len ? b64_alphabet[q & 0x3f] : '=';
		if (buf_append(out, quad, 4) < 0)
			return -1;	/* not reached: checked above */
	}
	return 0;
}

const char *
sasl_mechanisms(void)
{
	return "PLAIN LOGIN";
}

struct sasl_server *
sasl_server_new(const char *mech, struct auth_db *db)
{
	struct sasl_server *s;
	enum sasl_mech m;

	if (span_eq_ci(span_str(mech), "PLAIN"))
		m = SASL_MECH_PLAIN;
	else if (span_eq_ci(span_str(mech), "LOGIN"))
		m = SASL_MECH_LOGIN;
	else
		return NULL;
	s = xcalloc(1, sizeof(*s));
	s->mech = m;
	s->state = SASL_ST_START;
	s->db = db;
	return s;
}

void
sasl_server_free(struct sasl_server **sp)
{
	struct sasl_server *s;

	if (sp == NULL || (s = *sp) == NULL)
		return;
	free(s->user);
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
	*sp = NULL;
}

const char *
sasl_server_user(const struct sasl_server *s)
{
	return s->user;
}

/* An identity: not empty, not too long, no control characters. */
static bool
valid_identity(const unsigned char *p, size_t len)
{
	size_t i;

	if (len == 0 || len > SASL_FIELD_MAX)
		return false;
	for (i = 0; i < len; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			return false;
	}
	return true;
}

static enum sasl_status
verify(struct sasl_server *s, const unsigned char *pw, size_t pw_len,
	const char **error_r)
{
	s->state = SASL_ST_DONE;
	switch (auth_verify(s->db, s->user, (const char *)pw, pw_len)) {
	case AUTH_OK:
		/* The lookup ignores case; the identity we hand on (Received,
		 * the Maildir path, logs) is one canonical spelling. */
		str_lower(s->user);
		*error_r = NULL;
		return SASL_OK;
	case AUTH_TEMPFAIL:
		*error_r = "user database unavailable";
		return SASL_TEMPFAIL;
	case AUTH_FAILED:
		break;
	}
	*error_r = "authentication failed";
	return SASL_FAIL;
}

/* RFC 4616 2: authzid NUL authcid NUL passwd. */
static enum sasl_status
step_plain(struct sasl_server *s, const char **error_r)
{
	const unsigned char *m = s->msg, *nul1, *nul2, *authcid, *pw;
	size_t zlen, clen, plen;

	nul1 = memchr(m, '\0', s->msg_len);
	if (nul1 == NULL) {
		*error_r = "PLAIN message without NUL separators";
		return SASL_BAD;
	}
	authcid = nul1 + 1;
	nul2 = memchr(authcid, '\0', s->msg_len - (size_t)(authcid - m));
	if (nul2 == NULL) {
		*error_r = "PLAIN message without a second NUL";
		return SASL_BAD;
	}
	pw = nul2 + 1;
	zlen = (size_t)(nul1 - m);
	clen = (size_t)(nul2 - authcid);
	plen = s->msg_len - (size_t)(pw - m);
	if (memchr(pw, '\0', plen) != NULL) {
		*error_r = "NUL in the PLAIN password";
		return SASL_BAD;
	}
	if (!valid_identity(authcid, clen) || plen == 0 ||
	    plen > SASL_FIELD_MAX) {
		*error_r = "bad PLAIN authcid or password";
		return SASL_BAD;
	}
	s->user = xstrndup((const char *)authcid, clen);
	/* we do not let one user act for another: the authzid must be
	 * empty or name the same user */
	if (zlen != 0 && !(zlen == clen &&
	    span_eq_ci(span_make((const char *)m, zlen), s->user))) {
		s->state = SASL_ST_DONE;
		*error_r = "authzid differs from authcid";
		return SASL_FAIL;
	}
	return verify(s, pw, plen, error_r);
}

static enum sasl_status
step(struct sasl_server *s, const char *response, struct buf *challenge_r,
	const char **error_r)
{
	bool first = s->state == SASL_ST_START;

	if (s->state == SASL_ST_DONE) {
		*error_r = "the exchange is over";
		return SASL_BAD;
	}
	if (response == NULL) {
		if (!first) {
			*error_r = "missing response";
			return SASL_BAD;
		}
		if (s->mech == SASL_MECH_PLAIN) {
			s->state = SASL_ST_PLAIN;
			return SASL_CONTINUE;	/* empty challenge */
		}
		s->state = SASL_ST_LOGIN_USER;
		(void)buf_puts(challenge_r, "VXNlcm5hbWU6");	/* Username: */
		return SASL_CONTINUE;
	}
	s->msg_len = 0;
	/* RFC 4954 4, RFC 4959 3: "=" is an empty initial response */
	if (!(first && strcmp(response, "=") == 0) &&
	    b64_decode_raw(span_str(response), s->msg, sizeof(s->msg),
	    &s->msg_len) < 0) {
		*error_r = "bad base64 or response too long";
		return SASL_BAD;
	}
	if (s->mech == SASL_MECH_PLAIN)
		return step_plain(s, error_r);
	if (s->state == SASL_ST_START || s->state == SASL_ST_LOGIN_USER) {
		if (!valid_identity(s->msg, s->msg_len)) {
			*error_r = "bad LOGIN user name";
			return SASL_BAD;
		}
		s->user = xstrndup((const char *)s->msg, s->msg_len);
		s->state = SASL_ST_LOGIN_PASS;
		(void)buf_puts(challenge_r, "UGFzc3dvcmQ6");	/* Password: */
		return SASL_CONTINUE;
	}
	if (memchr(s->msg, '\0', s->msg_len) != NULL ||
	    s->msg_len > SASL_FIELD_MAX) {
		*error_r = "bad LOGIN password";
		return SASL_BAD;
	}
	return verify(s, s->msg, s->msg_len, error_r);
}

enum sasl_status
sasl_server_step(struct sasl_server *s, const char *response,
	struct buf *challenge_r, const char **error_r)
{
	enum sasl_status st;

	buf_reset(challenge_r);
	*error_r = NULL;
	st = step(s, response, challenge_r, error_r);
	OPENSSL_cleanse(s->msg, sizeof(s->msg));
	s->msg_len = 0;
	if (st == SASL_BAD)
		s->state = SASL_ST_DONE;
	return st;
}
