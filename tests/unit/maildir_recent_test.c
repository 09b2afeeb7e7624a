/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for lib/maildir_recent.c: the file format, and that a
 * claim hands each UID to one caller (RFC 3501 2.3.2) while a sync
 * without claim only reads.
 */
#include "store_testlib.h"
#include "maildir_recent.h"

static char *dir;

static void
setup(void)
{
	dir = test_tmpdir();
}

static void
teardown(void)
{
	test_rmrf(dir);
	dir = NULL;
}

static const struct {
	const char *text;
	int ret;
	uint32_t v, uid;
} parse_cases[] = {
	{ "tern-recent 1 V1700000000 R5\n", 0, 1700000000, 5 },
	{ "tern-recent 1 V1 R4294967295", 0, 1, 4294967295u },
	{ "tern-recent 1 V1 R0\n", -1, 0, 0 },
	{ "tern-recent 1 V1 R4294967296\n", -1, 0, 0 },
	{ "tern-recent 1 V1 R5\nx", -1, 0, 0 },
	{ "tern-recent 1 V1 R5 \n", -1, 0, 0 },
	{ "tern-recent 1 V1  R5\n", -1, 0, 0 },
	{ "tern-recent 1 R5 V1\n", -1, 0, 0 },
	{ "tern-recent 2 V1 R5\n", -1, 0, 0 },
	{ "tern-recent 1 V-1 R5\n", -1, 0, 0 },
	{ "tern-recent 1 V R5\n", -1, 0, 0 },
	{ "", -1, 0, 0 },
};

START_TEST(test_parse)
{
	uint32_t v = 0, uid = 0;
	int ret = maildir_recent_parse(span_str(parse_cases[_i].text), &v,
	    &uid);

	ck_assert_msg(ret == parse_cases[_i].ret, "case %d: %s", _i,
	    parse_cases[_i].text);
	if (ret == 0) {
		ck_assert_uint_eq(v, parse_cases[_i].v);
		ck_assert_uint_eq(uid, parse_cases[_i].uid);
	}
}
END_TEST

static unsigned fallback_calls;

static uint32_t
fallback(void *ctx)
{
	fallback_calls++;
	return *(uint32_t *)ctx;
}

/* One sync: the first recent UID it reports. */
static uint32_t
sync_one(uint32_t v, uint32_t next_uid, bool claim, uint32_t fb)
{
	const char *error = NULL;
	uint32_t first = 0;

	ck_assert_msg(maildir_recent_sync(dir, v, next_uid, claim, fallback,
	    &fb, &first, &error) == 0, "%s", error);
	return first;
}

START_TEST(test_claim)
{
	char path[4200];
	char *text;

	fallback_calls = 0;
	/* no file: the fallback; a read-only sync writes nothing */
	ck_assert_uint_eq(sync_one(7, 10, false, 4), 4);
	snprintf(path, sizeof(path), "%s/" MAILDIR_RECENT_FILE_NAME, dir);
	ck_assert_int_eq(access(path, F_OK), -1);
	/* the first claim gets 4..9 and stores 10 */
	ck_assert_uint_eq(sync_one(7, 10, true, 4), 4);
	ck_assert_uint_eq(fallback_calls, 2);
	text = test_read_file(path, NULL);
	ck_assert_str_eq(text, "tern-recent 1 V7 R10\n");
	free(text);
	/* the next one gets nothing of those, only what came since */
	ck_assert_uint_eq(sync_one(7, 10, true, 1), 10);
	ck_assert_uint_eq(sync_one(7, 12, false, 1), 10);
	ck_assert_uint_eq(sync_one(7, 12, true, 1), 10);
	ck_assert_uint_eq(sync_one(7, 12, true, 1), 12);
	ck_assert_uint_eq(fallback_calls, 2);
	/* another UIDVALIDITY: the number is void */
	ck_assert_uint_eq(sync_one(8, 3, true, 2), 2);
	ck_assert_uint_eq(sync_one(8, 3, true, 1), 3);
	/* a stored number above UIDNEXT (a lost uidlist) is capped */
	test_write_file(path, "tern-recent 1 V8 R90\n");
	ck_assert_uint_eq(sync_one(8, 5, false, 1), 5);
	/* junk is replaced by the next claim */
	test_write_file(path, "junk");
	ck_assert_uint_eq(sync_one(8, 5, true, 5), 5);
	text = test_read_file(path, NULL);
	ck_assert_str_eq(text, "tern-recent 1 V8 R5\n");
	free(text);
}
END_TEST

START_TEST(test_write_error)
{
	const char *error = NULL;
	uint32_t first, fb = 1;
	char sub[4200];

	snprintf(sub, sizeof(sub), "%s/missing", dir);
	ck_assert_int_eq(maildir_recent_sync(sub, 1, 3, true, fallback, &fb,
	    &first, &error), -1);
	ck_assert_ptr_nonnull(error);
	/* without claim nothing is written, so nothing fails */
	ck_assert_int_eq(maildir_recent_sync(sub, 1, 3, false, fallback, &fb,
	    &first, &error), 0);
	ck_assert_uint_eq(first, 1);
}
END_TEST

static Suite *
recent_suite(void)
{
	Suite *s = suite_create("maildir_recent");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_parse, 0, (int)N_ELEMENTS(parse_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("sync");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_claim);
	tcase_add_test(tc, test_write_error);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(recent_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
