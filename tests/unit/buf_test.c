/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/buf.c: limits, NUL termination, consume. */
#include <check.h>
#include <stdlib.h>

#include "buf.h"
#include "tern.h"

START_TEST(test_append_limit)
{
	struct buf b;

	buf_init(&b, 8);
	ck_assert_int_eq(buf_puts(&b, "abcd"), 0);
	ck_assert_int_eq(buf_puts(&b, "efgh"), 0);
	ck_assert_int_eq(buf_putc(&b, 'x'), -1);
	ck_assert_int_eq(buf_puts(&b, "xyz"), -1);
	/* unchanged after a refused append */
	ck_assert_uint_eq(b.len, 8);
	ck_assert_str_eq(buf_str(&b), "abcdefgh");
	buf_clear(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_str_eq(buf_str(&b), "");
}
END_TEST

START_TEST(test_appendf)
{
	struct buf b;

	buf_init(&b, 10);
	ck_assert_int_eq(buf_appendf(&b, "%d-%s", 42, "ab"), 0);
	ck_assert_str_eq(buf_str(&b), "42-ab");
	ck_assert_int_eq(buf_appendf(&b, "%s", "123456"), -1);
	ck_assert_str_eq(buf_str(&b), "42-ab");
	buf_clear(&b);
}
END_TEST

START_TEST(test_growth_unbounded)
{
	struct buf b;
	int i;

	buf_init(&b, 0);
	for (i = 0; i < 10000; i++)
		ck_assert_int_eq(buf_putc(&b, (char)('a' + i % 26)), 0);
	ck_assert_uint_eq(b.len, 10000);
	ck_assert_int_eq(b.data[b.len], '\0');
	buf_clear(&b);
}
END_TEST

START_TEST(test_consume_truncate)
{
	struct buf b;

	buf_init(&b, 100);
	buf_puts(&b, "hello world");
	buf_consume(&b, 6);
	ck_assert_str_eq(buf_str(&b), "world");
	buf_truncate(&b, 2);
	ck_assert_str_eq(buf_str(&b), "wo");
	buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(buf_str(&b), "");
	buf_clear(&b);
}
END_TEST

START_TEST(test_consume_past_end_panics)
{
	struct buf b;

	buf_init(&b, 100);
	buf_puts(&b, "ab");
	buf_consume(&b, 3);
}
END_TEST

static Suite *
buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("append");

	tcase_add_test(tc, test_append_limit);
	tcase_add_test(tc, test_appendf);
	tcase_add_test(tc, test_growth_unbounded);
	tcase_add_test(tc, test_consume_truncate);
	tcase_add_test_raise_signal(tc, test_consume_past_end_panics, 6);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(buf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
