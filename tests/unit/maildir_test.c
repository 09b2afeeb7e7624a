/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/maildir.c: unique names, delivery (CRLF to LF at
 * every split, S= and W=, publish, abort), file-name helpers. */
#include "store_testlib.h"

#include <dirent.h>
#include <errno.h>

#include "maildir.h"
#include "tern.h"

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

START_TEST(test_unique_names)
{
	enum { N = 2000 };
	static char names[N][512];
	char want[64];
	int i;

	for (i = 0; i < N; i++)
		ck_assert_int_eq(maildir_unique_name(names[i],
		    sizeof(names[i])), 0);
	snprintf(want, sizeof(want), "P%ldQ", (long)getpid());
	for (i = 0; i < N; i++) {
		ck_assert_ptr_nonnull(strstr(names[i], want));
		ck_assert_ptr_nonnull(strstr(names[i], ".M"));
		ck_assert_ptr_null(strchr(names[i], '/'));
		ck_assert_ptr_null(strchr(names[i], ':'));
	}
	/* many in one second: only Q<n> keeps them apart */
	qsort(names, N, sizeof(names[0]), cmp_name);
	for (i = 1; i < N; i++)
		ck_assert_str_ne(names[i], names[i - 1]);
	/* too small a buffer fails instead of cutting */
	ck_assert_int_eq(maildir_unique_name(names[0], 8), -1);
}
END_TEST

/* Deliver text in two writes split at offset cut; return the file. */
static char *
deliver_split(const char *dir, const char *text, size_t cut,
	const char *flags, char *name_r, size_t name_size)
{
	struct maildir_delivery *d;
	enum tern_err err;
	const char *error, *base;
	char path[4200];
	size_t len = strlen(text);

	ck_assert_int_eq(maildir_delivery_begin(dir, &d, &err, &error), 0);
	ck_assert_int_eq(maildir_delivery_write(d, text, cut), 0);
	ck_assert_int_eq(maildir_delivery_write(d, text + cut, len - cut), 0);
	ck_assert_int_eq(maildir_delivery_sync(d, &error), 0);
	ck_assert_int_eq(maildir_delivery_publish(d, flags, &base, &error), 0);
	snprintf(name_r, name_size, "%s", base);
	snprintf(path, sizeof(path), "%s/%s/%s", dir,
	    flags != NULL ? "cur" : "new", base);
	maildir_delivery_free(&d);
	ck_assert_ptr_null(d);
	return test_read_file(path, NULL);
}

START_TEST(test_crlf_every_split)
{
	static const char in[] = "Subject: x\r\n\r\nline\r\nbare\rcr\r\r\n"
	    "lf only\n.\r\nend\r";
	static const char out[] = "Subject: x\n\nline\nbare\rcr\r\n"
	    "lf only\n.\nend\r";
	char *dir = test_tmpdir(), name[512], want[64];
	uint64_t s, w, lfs = 0;
	size_t cut, i;

	for (i = 0; out[i] != '\0'; i++)
		lfs += out[i] == '\n';
	for (cut = 0; cut <= strlen(in); cut++) {
		char *got = deliver_split(dir, in, cut, NULL, name,
		    sizeof(name));

		ck_assert_msg(strcmp(got, out) == 0, "split at %zu", cut);
		free(got);
		ck_assert_int_eq(maildir_filename_size(name, 'S', &s), 0);
		ck_assert_int_eq(maildir_filename_size(name, 'W', &w), 0);
		ck_assert_uint_eq(s, strlen(out));
		ck_assert_uint_eq(w, strlen(out) + lfs);
		snprintf(want, sizeof(want), ",S=%zu,W=%zu", strlen(out),
		    strlen(out) + (size_t)lfs);
		ck_assert_ptr_nonnull(strstr(name, want));
	}
	ck_assert_int_eq(test_count_dir(test_subdir(dir, "new")),
	    (int)strlen(in) + 1);
	ck_assert_int_eq(test_count_dir(test_subdir(dir, "tmp")), 0);
	test_rmrf(dir);
}
END_TEST

START_TEST(test_publish_cur_flags)
{
	char *dir = test_tmpdir(), name[512];
	char *got = deliver_split(dir, "a\r\n", 1, "aSRS", name,
	    sizeof(name));
	struct maildir_delivery *d;
	enum tern_err err;
	const char *error, *base;

	ck_assert_str_eq(got, "a\n");
	free(got);
	/* flags stored sorted, once each */
	ck_assert_str_eq(maildir_filename_flags(name), "RSa");
	ck_assert_int_eq(test_count_dir(test_subdir(dir, "cur")), 1);
	ck_assert_int_eq(test_count_dir(test_subdir(dir, "new")), 0);

	/* invalid flags are refused, and abort cleans tmp/ */
	ck_assert_int_eq(maildir_delivery_begin(dir, &d, &err, &error), 0);
	ck_assert_int_eq(maildir_delivery_write(d, "x", 1), 0);
	ck_assert_int_eq(maildir_delivery_sync(d, &error), 0);
	ck_assert_int_eq(maildir_delivery_publish(d, "S/", &base, &error), -1);
	maildir_delivery_abort(&d);
	ck_assert_ptr_null(d);
	ck_assert_int_eq(test_count_dir(test_subdir(dir, "tmp")), 0);
	test_rmrf(dir);
}
END_TEST

START_TEST(test_abort)
{
	char *dir = test_tmpdir();
	struct maildir_delivery *d;
	enum tern_err err;
	const char *error, *base;

	/* abort before sync */
	ck_assert_int_eq(maildir_delivery_begin(dir, &d, &err, &error), 0);
	ck_assert_int_eq(maildir_delivery_write(d, "x\r\n", 3), 0);
	ck_assert_int_eq(test_count_dir(test_subdir(dir, "tmp")), 1);
	maildir_delivery_abort(&d);
	ck_assert_int_eq(test_count_dir(test_subdir(dir, "tmp")), 0);
	/* rollback after publish */
	ck_assert_int_eq(maildir_delivery_begin(dir, &d, &err, &error), 0);
	ck_assert_int_eq(maildir_delivery_sync(d, &error), 0);
	ck_assert_int_eq(maildir_delivery_publish(d, NULL, &base, &error), 0);
	ck_assert_ptr_nonnull(strstr(base, ",S=0,W=0"));
	ck_assert_int_eq(test_count_dir(test_subdir(dir, "new")), 1);
	maildir_delivery_abort(&d);
	ck_assert_int_eq(test_count_dir(test_subdir(dir, "new")), 0);
	/* NULL is accepted */
	maildir_delivery_abort(&d);
	maildir_delivery_free(NULL);
	test_rmrf(dir);
}
END_TEST

START_TEST(test_begin_fails)
{
	char *dir = test_tmpdir(), path[4200];
	struct maildir_delivery *d = (void *)1;
	enum tern_err err = TERN_OK;
	const char *error = NULL;

	/* a file where the Maildir should be */
	snprintf(path, sizeof(path), "%s/file", dir);
	test_write_file(path, "x");
	ck_assert_int_eq(maildir_delivery_begin(path, &d, &err, &error), -1);
	ck_assert_ptr_null(d);
	ck_assert_int_eq(err, TERN_ERR_TEMP);
	ck_assert_ptr_nonnull(strstr(error, path));
	test_rmrf(dir);
}
END_TEST

START_TEST(test_create)
{
	char *dir = test_tmpdir(), path[4200];
	struct stat st;

	snprintf(path, sizeof(path), "%s/a/b/Maildir/.Sent", dir);
	ck_assert_int_eq(maildir_create(path, true), 0);
	ck_assert_int_eq(maildir_create(path, true), 0);
	snprintf(path, sizeof(path), "%s/a/b/Maildir/.Sent/maildirfolder",
	    dir);
	ck_assert_int_eq(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/a/b/Maildir/.Sent/cur", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 0777, 0700);
	test_rmrf(dir);
}
END_TEST

START_TEST(test_filename_helpers)
{
	uint64_t v;
	char out[64];

	ck_assert_uint_eq(maildir_filename_base_len("1.M2P3.h,S=5:2,S"), 12);
	ck_assert_uint_eq(maildir_filename_base_len("1.M2P3.h"), 8);
	ck_assert_str_eq(maildir_filename_flags("1.M2P3.h,S=5:2,RSa"), "RSa");
	ck_assert_str_eq(maildir_filename_flags("1.M2P3.h,S=5"), "");
	ck_assert_str_eq(maildir_filename_flags("1.M2P3.h:1,xx"), "");
	ck_assert_int_eq(maildir_filename_get_flags("1.h:2,aS,xyz", out,
	    sizeof(out)), 0);
	ck_assert_str_eq(out, "Sa");
	ck_assert_str_eq(maildir_filename_flags_extra("1.h:2,aS,xyz"), ",xyz");
	ck_assert_str_eq(maildir_filename_flags_extra("1.h:2,aS"), "");
	ck_assert_int_eq(maildir_filename_get_flags("1.h", out, sizeof(out)),
	    0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(maildir_filename_get_flags("1.h:2,S!", out,
	    sizeof(out)), -1);
	ck_assert_int_eq(maildir_filename_size("1.h,S=100,W=102:2,S", 'S',
	    &v), 0);
	ck_assert_uint_eq(v, 100);
	ck_assert_int_eq(maildir_filename_size("1.h,S=100,W=102:2,S", 'W',
	    &v), 0);
	ck_assert_uint_eq(v, 102);
	ck_assert_int_eq(maildir_filename_size("1.h:2,S,W=5", 'W', &v), -1);
	ck_assert_int_eq(maildir_filename_size("1.h,S=x", 'S', &v), -1);
	ck_assert_int_eq(maildir_flags_normalize("zaTSS", out, sizeof(out)),
	    0);
	ck_assert_str_eq(out, "STaz");
	ck_assert_int_eq(maildir_flags_normalize("", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(maildir_flags_normalize("S,", out, sizeof(out)), -1);
	ck_assert_int_eq(maildir_flags_normalize("ST", out, 2), -1);
	ck_assert(maildir_flags_has("RS", 'S'));
	ck_assert(!maildir_flags_has("RS", 'F'));
	ck_assert(!maildir_flags_has("RS", '\0'));
}
END_TEST

static Suite *
maildir_suite(void)
{
	Suite *s = suite_create("maildir");
	TCase *tc = tcase_create("delivery");

	tcase_add_test(tc, test_unique_names);
	tcase_add_test(tc, test_crlf_every_split);
	tcase_add_test(tc, test_publish_cur_flags);
	tcase_add_test(tc, test_abort);
	tcase_add_test(tc, test_begin_fails);
	tcase_add_test(tc, test_create);
	suite_add_tcase(s, tc);
	tc = tcase_create("names");
	tcase_add_test(tc, test_filename_helpers);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(maildir_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
