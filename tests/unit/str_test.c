/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/str.c: strict numbers, copies, span compares. */
#include <check.h>
#include <stdlib.h>

#include "str.h"
#include "tern.h"

static const struct {
	const char *in;
	uint32_t max;
	int ret;
	uint32_t v;
} u32_cases[] = {
	{ "0", 10, 0, 0 },
	{ "10", 10, 0, 10 },
	{ "11", 10, -1, 0 },
	{ "", 10, -1, 0 },
	{ "-1", 10, -1, 0 },
	{ "+1", 10, -1, 0 },
	{ " 1", 10, -1, 0 },
	{ "1 ", 10, -1, 0 },
	{ "4294967295", UINT32_MAX, 0, UINT32_MAX },
	{ "4294967296", UINT32_MAX, -1, 0 },
	{ "99999999999999999999999", UINT32_MAX, -1, 0 },
	{ "0x10", 100, -1, 0 },
};

START_TEST(test_parse_u32)
{
	uint32_t v = 12345;
	int ret = parse_u32(span_str(u32_cases[_i].in), u32_cases[_i].max, &v);

	ck_assert_int_eq(ret, u32_cases[_i].ret);
	if (ret == 0)
		ck_assert_uint_eq(v, u32_cases[_i].v);
	else
		ck_assert_uint_eq(v, 12345);
}
END_TEST

START_TEST(test_parse_u64_overflow)
{
	uint64_t v;

	ck_assert_int_eq(parse_u64(span_str("18446744073709551615"),
	    UINT64_MAX, &v), 0);
	ck_assert(v == UINT64_MAX);
	ck_assert_int_eq(parse_u64(span_str("18446744073709551616"),
	    UINT64_MAX, &v), -1);
}
END_TEST

START_TEST(test_str_copy)
{
	char small[4];

	ck_assert_int_eq(str_copy(small, sizeof(small), "abc"), 0);
	ck_assert_str_eq(small, "abc");
	ck_assert_int_eq(str_copy(small, sizeof(small), "abcd"), -1);
	ck_assert_str_eq(small, "abc");
}
END_TEST

START_TEST(test_spans)
{
	ck_assert(span_eq_ci(span_str("EHLO"), "ehlo"));
	ck_assert(!span_eq_ci(span_str("EHL"), "ehlo"));
	ck_assert(!span_eq_ci(span_str("EHLOx"), "ehlo"));
	ck_assert(span_startswith_ci(span_str("Mail From:<a>"), "MAIL FROM:"));
	ck_assert(span_eq(span_trim(span_str("  x y\t ")), "x y"));
	ck_assert(span_eq(span_trim(span_str("   ")), ""));
}
END_TEST

START_TEST(test_random_hex)
{
	char a[13], b[13];

	str_random_hex(a, 6);
	str_random_hex(b, 6);
	ck_assert_uint_eq(strlen(a), 12);
	ck_assert_str_ne(a, b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("str");
	TCase *tc = tcase_create("str");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_parse_u32, 0, (int)N_ELEMENTS(u32_cases));
	tcase_add_test(tc, test_parse_u64_overflow);
	tcase_add_test(tc, test_str_copy);
	tcase_add_test(tc, test_spans);
	tcase_add_test(tc, test_random_hex);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
