/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/addr.c: RFC 5321 paths, mailboxes, SMTPUTF8. */
#include <check.h>
#include <stdlib.h>

#include "addr.h"
#include "arena.h"
#include "tern.h"

#define F_MAIL (ADDR_ALLOW_NULL | ADDR_ALLOW_LITERAL)
#define F_RCPT (ADDR_ALLOW_POSTMASTER | ADDR_ALLOW_LITERAL)
#define F_UTF8 ADDR_ALLOW_UTF8

static const struct {
	const char *in;
	unsigned flags;
	int ret;
	const char *addr;	/* expected addr, or error substring */
	size_t used;		/* 0: whole input */
} path_cases[] = {
	{ "<a@b.example>", F_MAIL, 0, "a@b.example", 0 },
	{ "<A.B@Example.TEST>", F_MAIL, 0, "A.B@example.test", 0 },
	{ "<>", F_MAIL, 0, "", 0 },
	{ "<>", F_RCPT, -1, "null path", 0 },
	{ "<a@b> SIZE=10", F_MAIL, 0, "a@b", 5 },
	{ "<Postmaster>", F_RCPT, 0, "postmaster", 0 },
	{ "<postmaster>", F_MAIL, -1, "missing @", 0 },
	{ "<@r1.example,@r2.example:u@d.example>", F_MAIL, 0, "u@d.example",
	  0 },
	{ "<@r1.example:u@d.example>", F_MAIL, 0, "u@d.example", 0 },
	{ "<@r1.example,u@d.example>", F_MAIL, -1, "source route", 0 },
	{ "<\"a b\"@x.example>", F_MAIL, 0, "\"a b\"@x.example", 0 },
	{ "<\"joe\"@x.example>", F_MAIL, 0, "joe@x.example", 0 },
	{ "<\"a\\\"b\"@x.example>", F_MAIL, 0, "\"a\\\"b\"@x.example", 0 },
	{ "<\"a>b\"@x.example>", F_MAIL, 0, "\"a>b\"@x.example", 0 },
	{ "<\"ab@x.example>", F_MAIL, -1, "unterminated", 0 },
	{ "<a@[192.0.2.1]>", F_MAIL, 0, "a@[192.0.2.1]", 0 },
	{ "<a@[IPv6:2001:db8::1]>", F_MAIL, 0, "a@[IPv6:2001:db8::1]", 0 },
	{ "<a@[300.0.2.1]>", F_MAIL, -1, "literal", 0 },
	{ "<a@[192.0.2.1]>", 0, -1, "not allowed", 0 },
	{ "<a@[x-tag:abc]>", F_MAIL, 0, "a@[x-tag:abc]", 0 },
	{ "a@b", F_MAIL, -1, "start with <", 0 },
	{ "<a@b", F_MAIL, -1, "end with >", 0 },
	{ "<a@b>", F_MAIL, 0, "a@b", 0 },
	{ "<@b>", F_MAIL, -1, "", 0 },
	{ "<a@>", F_MAIL, -1, "empty domain", 0 },
	{ "<a.@b>", F_MAIL, -1, "local part", 0 },
	{ "<.a@b>", F_MAIL, -1, "local part", 0 },
	{ "<a..b@c>", F_MAIL, -1, "local part", 0 },
	{ "<a@b..c>", F_MAIL, -1, "domain", 0 },
	{ "<a@-b.c>", F_MAIL, -1, "domain", 0 },
	{ "<a@b-.c>", F_MAIL, -1, "domain", 0 },
	{ "<a@b.c.>", F_MAIL, -1, "domain", 0 },
	{ "<a@b_c.d>", F_MAIL, -1, "end with >", 0 },
	{ "<a b@c>", F_MAIL, -1, "", 0 },
	{ "<a@b c>", F_MAIL, -1, "end with >", 0 },
	{ "<a\x01@b>", F_MAIL, -1, "", 0 },
	{ "<\"a\x01\"@b>", F_MAIL, -1, "bad character", 0 },
	/* SMTPUTF8: only with ADDR_ALLOW_UTF8 */
	{ "<j\xc3\xb6rg@example.test>", F_MAIL, -1, "", 0 },
	{ "<j\xc3\xb6rg@example.test>", F_MAIL | F_UTF8, 0,
	  "j\xc3\xb6rg@example.test", 0 },
	{ "<a@b\xc3\xbc\x63her.example>", F_MAIL, -1, "non-ASCII domain", 0 },
	{ "<a@B\xc3\xbc\x63her.example>", F_MAIL | F_UTF8, 0,
	  "a@b\xc3\xbc\x63her.example", 0 },
	{ "<j\xc3@example.test>", F_MAIL | F_UTF8, -1, "UTF-8", 0 },
	{ "<j\xc0\xafx@example.test>", F_MAIL | F_UTF8, -1, "UTF-8", 0 },
	{ "<\"\xe2\x82\xac\"@x.example>", F_MAIL | F_UTF8, 0,
	  "\xe2\x82\xac@x.example", 0 },
	/* RFC 5321 4.5.3.1 limits */
	{ "<aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "@b>", F_MAIL, 0,
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@b",
	  0 },
	{ "<aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "@b>", F_MAIL, -1, "too long", 0 },
	{ "<a@bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	  ".c>", F_MAIL, -1, "domain", 0 },
};

START_TEST(test_path)
{
	struct arena *a = arena_new(0);
	struct addr out;
	const char *error = NULL;
	size_t used = 0;
	const char *in = path_cases[_i].in;
	int ret;

	ret = addr_parse_path(span_str(in), path_cases[_i].flags, a, &out,
	    &used, &error);
	ck_assert_msg(ret == path_cases[_i].ret, "%s: ret %d (%s)", in, ret,
	    ret < 0 ? error : out.addr);
	if (ret == 0) {
		ck_assert_str_eq(out.addr, path_cases[_i].addr);
		ck_assert_uint_eq(used, path_cases[_i].used != 0 ?
		    path_cases[_i].used : strlen(in));
	} else {
		ck_assert_ptr_nonnull(error);
		ck_assert_msg(strstr(error, path_cases[_i].addr) != NULL,
		    "%s: error \"%s\"", in, error);
	}
	arena_free(&a);
}
END_TEST

START_TEST(test_path_fields)
{
	struct arena *a = arena_new(0);
	struct addr out;
	const char *error;

	ck_assert_int_eq(addr_parse_path(span_str("<\"a b\"@X.Example>"),
	    F_MAIL, a, &out, NULL, &error), 0);
	ck_assert_str_eq(out.local, "a b");
	ck_assert_str_eq(out.domain, "x.example");
	ck_assert(!out.null && !out.utf8 && !out.literal);
	ck_assert_int_eq(addr_parse_path(span_str("<>"), F_MAIL, a, &out,
	    NULL, &error), 0);
	ck_assert(out.null);
	ck_assert_int_eq(addr_parse_path(span_str("<\xc3\xa9@x>"),
	    F_MAIL | F_UTF8, a, &out, NULL, &error), 0);
	ck_assert(out.utf8);
	ck_assert_int_eq(addr_parse_path(span_str("<POSTMASTER>"), F_RCPT,
	    a, &out, NULL, &error), 0);
	ck_assert(out.postmaster);
	ck_assert_str_eq(out.domain, "");
	arena_free(&a);
}
END_TEST

START_TEST(test_path_length)
{
	struct arena *a = arena_new(0);
	char in[400];
	struct addr out;
	const char *error;
	size_t n;

	/* 64 + 1 + 189 + 2 = 256 bytes: just fits */
	n = 0;
	in[n++] = '<';
	memset(in + n, 'l', 64);
	n += 64;
	in[n++] = '@';
	for (int i = 0; i < 2; i++) {
		memset(in + n, 'd', 62);
		n += 62;
		in[n++] = '.';
	}
	memset(in + n, 'd', 63);
	n += 63;
	in[n++] = '>';
	in[n] = '\0';
	ck_assert_uint_eq(n, 256);
	ck_assert_int_eq(addr_parse_path(span_make(in, n), F_MAIL, a, &out,
	    NULL, &error), 0);
	in[n - 1] = 'x';
	in[n++] = '>';
	ck_assert_int_eq(addr_parse_path(span_make(in, n), F_MAIL, a, &out,
	    NULL, &error), -1);
	arena_free(&a);
}
END_TEST

START_TEST(test_mailbox)
{
	struct arena *a = arena_new(0);
	struct addr out;
	const char *error;

	ck_assert_int_eq(addr_parse_mailbox(span_str("demo@Example.Test"), 0,
	    a, &out, &error), 0);
	ck_assert_str_eq(out.addr, "demo@example.test");
	ck_assert_int_eq(addr_parse_mailbox(span_str("demo@example.test>"), 0,
	    a, &out, &error), -1);
	ck_assert_int_eq(addr_parse_mailbox(span_str("demo"), 0, a, &out,
	    &error), -1);
	ck_assert_int_eq(addr_parse_mailbox(span_str(""), 0, a, &out,
	    &error), -1);
	arena_free(&a);
}
END_TEST

START_TEST(test_utf8_valid)
{
	ck_assert(addr_utf8_valid(span_str("plain")));
	ck_assert(addr_utf8_valid(span_str("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80")));
	ck_assert(!addr_utf8_valid(span_str("\xc3")));
	ck_assert(!addr_utf8_valid(span_str("\xc0\x80")));	/* overlong */
	ck_assert(!addr_utf8_valid(span_str("\xe0\x80\x80")));	/* overlong */
	ck_assert(!addr_utf8_valid(span_str("\xed\xa0\x80")));	/* surrogate */
	ck_assert(!addr_utf8_valid(span_str("\xf4\x90\x80\x80")));
	ck_assert(!addr_utf8_valid(span_str("\x80")));
}
END_TEST

START_TEST(test_domain_valid)
{
	ck_assert(addr_domain_valid(span_str("example.test"), 0));
	ck_assert(addr_domain_valid(span_str("a-b.c1"), 0));
	ck_assert(addr_domain_valid(span_str("localhost"), 0));
	ck_assert(!addr_domain_valid(span_str(""), 0));
	ck_assert(!addr_domain_valid(span_str(".a"), 0));
	ck_assert(!addr_domain_valid(span_str("a..b"), 0));
	ck_assert(!addr_domain_valid(span_str("a.-b"), 0));
	ck_assert(!addr_domain_valid(span_str("\xc3\xa9.test"), 0));
	ck_assert(addr_domain_valid(span_str("\xc3\xa9.test"), F_UTF8));
	ck_assert(addr_local_is_dot_string(span_str("a.b+c")));
	ck_assert(!addr_local_is_dot_string(span_str("a b")));
	ck_assert(!addr_local_is_dot_string(span_str("a.")));
	ck_assert(!addr_local_is_dot_string(span_str("")));
}
END_TEST

static Suite *
addr_suite(void)
{
	Suite *s = suite_create("addr");
	TCase *tc = tcase_create("path");

	tcase_add_loop_test(tc, test_path, 0, (int)N_ELEMENTS(path_cases));
	tcase_add_test(tc, test_path_fields);
	tcase_add_test(tc, test_path_length);
	suite_add_tcase(s, tc);
	tc = tcase_create("mailbox");
	tcase_add_test(tc, test_mailbox);
	tcase_add_test(tc, test_utf8_valid);
	tcase_add_test(tc, test_domain_valid);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(addr_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
