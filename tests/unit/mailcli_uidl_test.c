/* SPDX-License-Identifier: MIT */
/* Unit tests for mailcli/uidl_record.c: what "pop fetch" remembers. */
#include <check.h>
#include <stdlib.h>

#include "read.h"
#include "tern.h"

static const char rec[] =
    "a@h:110\tUID1\n"
    "b@h:110\tUID1\n"		/* another account, same UIDL */
    "a@h:110\tUID2\n"
    "\n"			/* an empty line: dropped */
    "a@h:110\tUID10\n"
    "a@h:1\tUID3\n"		/* a key that is a prefix of ours */
    "a@h:110\tlast";		/* no final LF */

START_TEST(test_has)
{
	struct span r = span_str(rec);

	ck_assert(mc_uidl_record_has(r, "a@h:110", "UID1"));
	ck_assert(mc_uidl_record_has(r, "a@h:110", "UID10"));
	ck_assert(mc_uidl_record_has(r, "a@h:110", "last"));
	ck_assert(mc_uidl_record_has(r, "b@h:110", "UID1"));
	ck_assert(!mc_uidl_record_has(r, "b@h:110", "UID2"));
	ck_assert(!mc_uidl_record_has(r, "a@h:110", "UID"));
	ck_assert(!mc_uidl_record_has(r, "a@h:110", "UID3"));
	ck_assert(!mc_uidl_record_has(r, "a@h:11", "UID1"));
	ck_assert(!mc_uidl_record_has(span_make("", 0), "a@h:110", "UID1"));
}
END_TEST

START_TEST(test_prune)
{
	const char *listed[] = { "UID2", NULL, "last", "UID9" };
	struct buf out;

	buf_init(&out, 0);
	ck_assert_int_eq(mc_uidl_record_prune(span_str(rec), "a@h:110",
	    listed, N_ELEMENTS(listed), &out), 0);
	/* ours that the server still lists, and every other key's */
	ck_assert_str_eq(buf_str(&out),
	    "b@h:110\tUID1\n"
	    "a@h:110\tUID2\n"
	    "a@h:1\tUID3\n"
	    "a@h:110\tlast\n");
	buf_clear(&out);
}
END_TEST

START_TEST(test_prune_full)
{
	struct buf out;

	buf_init(&out, 8);
	ck_assert_int_eq(mc_uidl_record_prune(span_str(rec), "x", NULL, 0,
	    &out), -1);
	buf_clear(&out);
}
END_TEST

static Suite *
uidl_suite(void)
{
	Suite *s = suite_create("mailcli_uidl");
	TCase *tc = tcase_create("record");

	tcase_add_test(tc, test_has);
	tcase_add_test(tc, test_prune);
	tcase_add_test(tc, test_prune_full);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(uidl_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
