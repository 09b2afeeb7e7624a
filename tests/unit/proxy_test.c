/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/proxy.c: PROXY protocol v1 and v2 headers, whole,
 * in pieces, and refused. */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <string.h>

#include "proxy.h"
#include "tern.h"

/* Parse text (len bytes) as a whole header of that length. */
static void
parse_whole(const void *text, size_t len, struct proxy_info *info)
{
	const char *error = NULL;
	size_t need = 0, i;

	ck_assert_int_eq(proxy_parse(text, len, info, &need, &error),
	    (int)len);
	/* every shorter prefix asks for more, never past the header */
	for (i = 0; i < len; i++) {
		ck_assert_int_eq(proxy_parse(text, i, info, &need, &error), 0);
		ck_assert_uint_gt(need, i);
		ck_assert_uint_le(need, len);
	}
	ck_assert_int_eq(proxy_parse(text, len, info, &need, &error),
	    (int)len);
}

static void
assert_v4(const struct sockaddr_storage *ss, const char *addr,
	uint16_t port)
{
	const struct sockaddr_in *sin = (const void *)ss;
	char text[INET_ADDRSTRLEN];

	ck_assert_int_eq(sin->sin_family, AF_INET);
	ck_assert_ptr_nonnull(inet_ntop(AF_INET, &sin->sin_addr, text,
	    sizeof(text)));
	ck_assert_str_eq(text, addr);
	ck_assert_uint_eq(ntohs(sin->sin_port), port);
}

static void
assert_v6(const struct sockaddr_storage *ss, const char *addr,
	uint16_t port)
{
	const struct sockaddr_in6 *sin6 = (const void *)ss;
	char text[INET6_ADDRSTRLEN];

	ck_assert_int_eq(sin6->sin6_family, AF_INET6);
	ck_assert_ptr_nonnull(inet_ntop(AF_INET6, &sin6->sin6_addr, text,
	    sizeof(text)));
	ck_assert_str_eq(text, addr);
	ck_assert_uint_eq(ntohs(sin6->sin6_port), port);
}

START_TEST(test_v1)
{
	static const char tcp4[] =
	    "PROXY TCP4 203.0.113.7 192.0.2.1 56324 25\r\n";
	static const char tcp6[] =
	    "PROXY TCP6 2001:db8::7 2001:db8::1 65535 587\r\n";
	static const char unknown[] = "PROXY UNKNOWN\r\n";
	static const char unknown2[] = "PROXY UNKNOWN whatever 1 2 3\r\n";
	struct proxy_info info;

	parse_whole(tcp4, sizeof(tcp4) - 1, &info);
	ck_assert(!info.local);
	assert_v4(&info.src, "203.0.113.7", 56324);
	assert_v4(&info.dst, "192.0.2.1", 25);
	parse_whole(tcp6, sizeof(tcp6) - 1, &info);
	assert_v6(&info.src, "2001:db8::7", 65535);
	assert_v6(&info.dst, "2001:db8::1", 587);
	parse_whole(unknown, sizeof(unknown) - 1, &info);
	ck_assert(info.local);
	ck_assert_uint_eq(sizeof(unknown) - 1, PROXY_HEADER_MIN);
	parse_whole(unknown2, sizeof(unknown2) - 1, &info);
	ck_assert(info.local);
}
END_TEST

/* A v2 header: signature, version 2 and cmd, family/transport, body. */
static size_t
v2(unsigned char *out, unsigned cmd, unsigned fam, const void *body,
	size_t len)
{
	static const unsigned char sig[12] = { 0x0d, 0x0a, 0x0d, 0x0a, 0x00,
	    0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a };

	memcpy(out, sig, 12);
	out[12] = (unsigned char)(0x20 | cmd);
	out[13] = (unsigned char)fam;
	out[14] = (unsigned char)(len >> 8);
	out[15] = (unsigned char)len;
	memcpy(out + 16, body, len);
	return 16 + len;
}

START_TEST(test_v2)
{
	unsigned char buf[PROXY_HEADER_MAX], body[64];
	struct proxy_info info;
	size_t n;

	/* IPv4 over TCP, with a TLV after the addresses */
	memcpy(body, "\xcb\x00\x71\x07" "\xc0\x00\x02\x01" "\xdc\x04" "\x00\x19"
	    "\x04\x00\x02" "ab", 17);
	n = v2(buf, 1, 0x11, body, 17);
	parse_whole(buf, n, &info);
	ck_assert(!info.local);
	assert_v4(&info.src, "203.0.113.7", 56324);
	assert_v4(&info.dst, "192.0.2.1", 25);
	/* IPv6 */
	memset(body, 0, 36);
	body[0] = 0x20; body[1] = 0x01; body[2] = 0x0d; body[3] = 0xb8;
	body[15] = 7;
	body[16] = 0x20; body[17] = 0x01; body[18] = 0x0d; body[19] = 0xb8;
	body[31] = 1;
	body[32] = 0xff; body[33] = 0xff; body[34] = 0x02; body[35] = 0x4b;
	n = v2(buf, 1, 0x21, body, 36);
	parse_whole(buf, n, &info);
	assert_v6(&info.src, "2001:db8::7", 65535);
	assert_v6(&info.dst, "2001:db8::1", 587);
	/* LOCAL (a health check) and UNSPEC: the connection stands */
	n = v2(buf, 0, 0x00, body, 0);
	parse_whole(buf, n, &info);
	ck_assert(info.local);
	n = v2(buf, 1, 0x00, body, 5);
	parse_whole(buf, n, &info);
	ck_assert(info.local);
}
END_TEST

static const struct {
	const char *text;
	size_t len;
} bad[] = {
#define T(s) { s, sizeof(s) - 1 }
	T("EHLO client.example\r\n"),
	T("PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n"),
	T("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n"),
	T("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n"),
	T("PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n"),
	T("PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n"),
	T("PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n"),
	T("PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n"),
	T("PROXY TCP4 ::1 ::1 1 2\r\n"),
	T("PROXY TCP6 1.2.3.4 5.6.7.8 1 2\r\n"),
	T("PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n"),
	T("proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n"),
	/* v2: version 1, command 2, UDP, family 4, short addresses, a
	 * body over the limit */
	T("\r\n\r\n\0\r\nQUIT\n\x11\x11\x00\x0c" "aaaabbbbccdd"),
	T("\r\n\r\n\0\r\nQUIT\n\x22\x11\x00\x0c" "aaaabbbbccdd"),
	T("\r\n\r\n\0\r\nQUIT\n\x21\x12\x00\x0c" "aaaabbbbccdd"),
	T("\r\n\r\n\0\r\nQUIT\n\x21\x41\x00\x0c" "aaaabbbbccdd"),
	T("\r\n\r\n\0\r\nQUIT\n\x21\x11\x00\x0b" "aaaabbbbccd"),
	T("\r\n\r\n\0\r\nQUIT\n\x21\x21\x00\x0c" "aaaabbbbccdd"),
	T("\r\n\r\n\0\r\nQUIT\n\x21\x11\x04\x01"),
	T("\r\n\r\n\0\r\nQUIX\n\x21\x11\x00\x0c" "aaaabbbbccdd"),
#undef T
};

START_TEST(test_bad)
{
	struct proxy_info info;
	const char *error = NULL;
	size_t need;

	ck_assert_int_eq(proxy_parse((const unsigned char *)bad[_i].text,
	    bad[_i].len, &info, &need, &error), -1);
	ck_assert_ptr_nonnull(error);
}
END_TEST

/* No CRLF within the longest v1 line: refused, not "more". */
START_TEST(test_v1_too_long)
{
	char line[PROXY_V1_MAX + 8];
	struct proxy_info info;
	const char *error;
	size_t need;

	memset(line, 'x', sizeof(line));
	memcpy(line, "PROXY UNKNOWN ", 14);
	ck_assert_int_eq(proxy_parse((const unsigned char *)line,
	    PROXY_V1_MAX - 1, &info, &need, &error), 0);
	ck_assert_int_eq(proxy_parse((const unsigned char *)line,
	    PROXY_V1_MAX, &info, &need, &error), -1);
	line[PROXY_V1_MAX] = '\r';
	line[PROXY_V1_MAX + 1] = '\n';
	ck_assert_int_eq(proxy_parse((const unsigned char *)line,
	    PROXY_V1_MAX + 2, &info, &need, &error), -1);
}
END_TEST

static Suite *
proxy_suite(void)
{
	Suite *s = suite_create("proxy");
	TCase *tc = tcase_create("proxy");

	tcase_add_test(tc, test_v1);
	tcase_add_test(tc, test_v2);
	tcase_add_loop_test(tc, test_bad, 0, N_ELEMENTS(bad));
	tcase_add_test(tc, test_v1_too_long);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(proxy_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
