/* SPDX-License-Identifier: MIT */
/*
 * proxy: PROXY protocol headers (see proxy.h). Version 1 is checked
 * field by field (addresses with inet_pton, ports 0..65535 without
 * leading zeros, single spaces); version 2 by its signature, version
 * nibble, command, family and length, TLVs skipped.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "proxy.h"
#include "tern.h"

static const unsigned char v2_sig[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a
};
static const char v1_sig[] = "PROXY ";

static int
fail(const char **error_r, const char *why)
{
	*error_r = why;
	return -1;
}

/* Is buf[0..len) a prefix of sig[0..n)? */
static bool
prefix_of(const unsigned char *buf, size_t len, const void *sig, size_t n)
{
	return memcmp(buf, sig, len < n ? len : n) == 0;
}

/* One space-separated v1 field from *p (before end) into out (NUL). */
static bool
v1_field(const char **p, const char *end, char *out, size_t size)
{
	const char *sp = memchr(*p, ' ', (size_t)(end - *p));
	const char *stop = sp != NULL ? sp : end;
	size_t n = (size_t)(stop - *p);

	if (n == 0 || n >= size)
		return false;
	memcpy(out, *p, n);
	out[n] = '\0';
	*p = sp != NULL ? sp + 1 : end;
	return true;
}

/* "0".."65535", no sign, no leading zero. */
static bool
v1_port(const char *s, uint16_t *port_r)
{
	unsigned long v = 0;
	size_t i, n = strlen(s);

	if (n == 0 || n > 5 || (n > 1 && s[0] == '0'))
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 65535)
		return false;
	*port_r = (uint16_t)v;
	return true;
}

/* addr and port into ss for family (AF_INET or AF_INET6). */
static bool
v1_sockaddr(int family, const char *addr, const char *port,
	struct sockaddr_storage *ss)
{
	uint16_t p;

	memset(ss, 0, sizeof(*ss));
	if (!v1_port(port, &p))
		return false;
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)(void *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(p);
		return inet_pton(AF_INET, addr, &sin->sin_addr) == 1;
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)(void *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(p);
		return inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1;
	}
}

static int
parse_v1(const unsigned char *buf, size_t len, struct proxy_info *info,
	size_t *need_r, const char **error_r)
{
	const char *line = (const char *)buf, *p, *end, *crlf;
	char proto[8], src[48], dst[48], sport[8], dport[8];
	int family;

	crlf = NULL;
	for (p = line; p + 1 < line + len; p++) {
		if (p[0] == '\r' && p[1] == '\n') {
			crlf = p;
			break;
		}
	}
	if (crlf == NULL) {
		if (len >= PROXY_V1_MAX)
			return fail(error_r, "proxy: v1 line too long");
		*need_r = len + 1;
		return 0;
	}
	if ((size_t)(crlf - line) + 2 > PROXY_V1_MAX)
		return fail(error_r, "proxy: v1 line too long");
	p = line + sizeof(v1_sig) - 1;
	end = crlf;
	if (!v1_field(&p, end, proto, sizeof(proto)))
		return fail(error_r, "proxy: v1 protocol");
	memset(info, 0, sizeof(*info));
	if (strcmp(proto, "UNKNOWN") == 0) {
		/* the rest of the line may be anything (spec 2.1) */
		info->local = true;
		return (int)(crlf - line) + 2;
	}
	if (strcmp(proto, "TCP4") == 0)
		family = AF_INET;
	else if (strcmp(proto, "TCP6") == 0)
		family = AF_INET6;
	else
		return fail(error_r, "proxy: v1 protocol");
	if (!v1_field(&p, end, src, sizeof(src)) ||
	    !v1_field(&p, end, dst, sizeof(dst)) ||
	    !v1_field(&p, end, sport, sizeof(sport)) ||
	    !v1_field(&p, end, dport, sizeof(dport)) || p != end ||
	    !v1_sockaddr(family, src, sport, &info->src) ||
	    !v1_sockaddr(family, dst, dport, &info->dst))
		return fail(error_r, "proxy: v1 addresses");
	return (int)(crlf - line) + 2;
}

static int
parse_v2(const unsigned char *buf, size_t len, struct proxy_info *info,
	size_t *need_r, const char **error_r)
{
	size_t body, total;
	unsigned cmd, fam, proto;
	const unsigned char *a;

	if (len < 16) {
		*need_r = 16;
		return 0;
	}
	if ((buf[12] >> 4) != 2)
		return fail(error_r, "proxy: v2 version");
	cmd = buf[12] & 0x0f;
	fam = buf[13] >> 4;
	proto = buf[13] & 0x0f;
	body = (size_t)buf[14] << 8 | buf[15];
	if (cmd > 1)
		return fail(error_r, "proxy: v2 command");
	if (body > PROXY_V2_BODY_MAX)
		return fail(error_r, "proxy: v2 header too long");
	total = 16 + body;
	if (len < total) {
		*need_r = total;
		return 0;
	}
	memset(info, 0, sizeof(*info));
	a = buf + 16;
	/* LOCAL: the balancer's own connection; the body is ignored */
	if (cmd == 0 || fam == 0 || fam == 3) {
		if (fam > 3)
			return fail(error_r, "proxy: v2 family");
		info->local = true;
		return (int)total;
	}
	if (proto != 1)
		return fail(error_r, "proxy: v2 transport is not a stream");
	if (fam == 1) {
		struct sockaddr_in *s = (struct sockaddr_in *)(void *)&info->src;
		struct sockaddr_in *d = (struct sockaddr_in *)(void *)&info->dst;

		if (body < 12)
			return fail(error_r, "proxy: v2 addresses");
		s->sin_family = d->sin_family = AF_INET;
		memcpy(&s->sin_addr, a, 4);
		memcpy(&d->sin_addr, a + 4, 4);
		memcpy(&s->sin_port, a + 8, 2);
		memcpy(&d->sin_port, a + 10, 2);
	} else if (fam == 2) {
		struct sockaddr_in6 *s =
		    (struct sockaddr_in6 *)(void *)&info->src;
		struct sockaddr_in6 *d =
		    (struct sockaddr_in6 *)(void *)&info->dst;

		if (body < 36)
			return fail(error_r, "proxy: v2 addresses");
		s->sin6_family = d->sin6_family = AF_INET6;
		memcpy(&s->sin6_addr, a, 16);
		memcpy(&d->sin6_addr, a + 16, 16);
		memcpy(&s->sin6_port, a + 32, 2);
		memcpy(&d->sin6_port, a + 34, 2);
	} else {
		return fail(error_r, "proxy: v2 family");
	}
	return (int)total;
}

int
proxy_parse(const unsigned char *buf, size_t len, struct proxy_info *info,
	size_t *need_r, const char **error_r)
{
	*need_r = 0;
	if (len == 0) {
		*need_r = PROXY_HEADER_MIN;
		return 0;
	}
	if (prefix_of(buf, len, v2_sig, sizeof(v2_sig))) {
		if (len < sizeof(v2_sig)) {
			*need_r = 16;
			return 0;
		}
		return parse_v2(buf, len, info, need_r, error_r);
	}
	if (prefix_of(buf, len, v1_sig, sizeof(v1_sig) - 1)) {
		if (len < sizeof(v1_sig) - 1) {
			*need_r = PROXY_HEADER_MIN;
			return 0;
		}
		return parse_v1(buf, len, info, need_r, error_r);
	}
	return fail(error_r, "proxy: no PROXY header");
}
