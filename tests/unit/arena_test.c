/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/arena.c: zeroing, alignment, marks, big objects. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "arena.h"
#include "tern.h"

START_TEST(test_alloc_zero_aligned)
{
	struct arena *a = arena_new(64);
	int i;

	for (i = 0; i < 100; i++) {
		unsigned char *p = arena_alloc(a, (size_t)i + 1);
		int j;

		ck_assert_uint_eq((uintptr_t)p % 16, 0);
		for (j = 0; j <= i; j++)
			ck_assert_uint_eq(p[j], 0);
		memset(p, 0xff, (size_t)i + 1);
	}
	arena_free(&a);
	ck_assert_ptr_null(a);
	arena_free(&a);
}
END_TEST

START_TEST(test_strings)
{
	struct arena *a = arena_new(0);

	ck_assert_str_eq(arena_strdup(a, "abc"), "abc");
	ck_assert_str_eq(arena_strndup(a, "abcdef", 3), "abc");
	ck_assert_str_eq(arena_spandup(a, span_make("xyz!", 3)), "xyz");
	ck_assert_str_eq(arena_printf(a, "%s=%d", "n", 7), "n=7");
	arena_free(&a);
}
END_TEST

START_TEST(test_mark_reset)
{
	struct arena *a = arena_new(128);
	struct arena_mark m;
	char *keep, *p;
	int i;

	keep = arena_strdup(a, "kept");
	m = arena_mark(a);
	for (i = 0; i < 50; i++)
		p = arena_alloc(a, 100);
	(void)p;
	arena_reset_to(a, m);
	ck_assert_str_eq(keep, "kept");
	p = arena_alloc(a, 1000000);
	ck_assert_ptr_nonnull(p);
	arena_reset(a);
	arena_free(&a);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("arena");
	TCase *tc = tcase_create("alloc");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_alloc_zero_aligned);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_mark_reset);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
