/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/folder.c: modified UTF-7 both ways (RFC 3501
 * 5.1.3), IMAP name <-> Maildir++ directory, refusal of escaping names,
 * folder creation and listing. */
#include "store_testlib.h"

#include "folder.h"
#include "tern.h"

static const struct {
	const char *utf8, *mutf7;
} codec_cases[] = {
	{ "INBOX", "INBOX" },
	{ "", "" },
	{ "A&B", "A&-B" },
	{ "&&", "&-&-" },
	{ "Entw\xc3\xbc" "rfe", "Entw&APw-rfe" },
	/* RFC 3501 5.1.3's example */
	{ "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/"
	  "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
	  "~peter/mail/&U,BTFw-/&ZeVnLIqe-" },
	/* U+1F600: a surrogate pair */
	{ "\xf0\x9f\x98\x80", "&2D3eAA-" },
	{ "a\xc3\xa9\xc3\xa9z", "a&AOkA6Q-z" },
};

START_TEST(test_codec)
{
	struct buf b;

	buf_init(&b, 1024);
	ck_assert_int_eq(folder_mutf7_encode(codec_cases[_i].utf8, &b), 0);
	ck_assert_str_eq(buf_str(&b), codec_cases[_i].mutf7);
	buf_reset(&b);
	ck_assert_int_eq(folder_mutf7_decode(codec_cases[_i].mutf7, &b), 0);
	ck_assert_str_eq(buf_str(&b), codec_cases[_i].utf8);
	buf_clear(&b);
}
END_TEST

static const char *const bad_mutf7[] = {
	"&U,BTFw",	/* unterminated */
	"&AGE-",	/* ASCII 'a' shifted */
	"&-&",		/* lone '&' at end */
	"&&-",		/* '&' inside a shift */
	"\x80",		/* 8-bit */
	"a\tb",		/* control character */
	"&2D0-",	/* high surrogate alone */
	"&3gA-",	/* low surrogate alone */
	"&APx-",	/* non-zero padding bits */
	"&AAA-",	/* NUL */
	"&A-",		/* too few bits for a character */
	"&U,BTFw/-",	/* '/' is not modified base64 */
};

START_TEST(test_decode_bad)
{
	struct buf b;

	buf_init(&b, 1024);
	buf_puts(&b, "keep");
	ck_assert_int_eq(folder_mutf7_decode(bad_mutf7[_i], &b), -1);
	/* the buffer is left as it was */
	ck_assert_str_eq(buf_str(&b), "keep");
	buf_clear(&b);
}
END_TEST

START_TEST(test_encode_bad)
{
	struct buf b;

	buf_init(&b, 1024);
	ck_assert_int_eq(folder_mutf7_encode("\xff", &b), -1);
	ck_assert_int_eq(folder_mutf7_encode("\xc0\xaf", &b), -1); /* overlong */
	ck_assert_int_eq(folder_mutf7_encode("\xed\xa0\x80", &b), -1);
	ck_assert_int_eq(folder_mutf7_encode("\xe6\x97", &b), -1);
	ck_assert_uint_eq(b.len, 0);
	buf_clear(&b);
	/* the max of the buffer is respected */
	buf_init(&b, 4);
	ck_assert_int_eq(folder_mutf7_encode("\xc3\xbc\xc3\xbc", &b), -1);
	ck_assert_uint_eq(b.len, 0);
	buf_clear(&b);
}
END_TEST

static const struct {
	const char *name, *dir;
} name_cases[] = {
	{ "Sent", ".Sent" },
	{ "Work/Projects", ".Work.Projects" },
	{ "A&B", ".A&-B" },
	{ "Entw\xc3\xbc" "rfe", ".Entw&APw-rfe" },
	{ "\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
	  ".&U,BTFw-.&ZeVnLIqe-" },
	{ "INBOX/sub", ".INBOX.sub" },
	{ "a b~c", ".a b~c" },
	/* refused */
	{ "", NULL }, { "/", NULL }, { "a/", NULL }, { "/a", NULL },
	{ "a//b", NULL }, { "..", NULL }, { ".", NULL }, { "a/../b", NULL },
	{ ".hidden", NULL }, { "a/.b", NULL }, { "a.b", NULL },
	{ "a\nb", NULL }, { "a\x7f", NULL }, { "a*", NULL }, { "a%b", NULL },
	{ "INBOX", NULL }, { "inbox", NULL }, { "\xff", NULL },
	{ "../../etc", NULL },
};

START_TEST(test_name_to_dir)
{
	struct buf b;
	const char *error = NULL;
	int ret;

	buf_init(&b, 1024);
	ret = folder_name_to_dir(name_cases[_i].name, &b, &error);
	if (name_cases[_i].dir == NULL) {
		ck_assert_int_eq(ret, -1);
		ck_assert_ptr_nonnull(error);
		ck_assert_uint_eq(b.len, 0);
	} else {
		ck_assert_int_eq(ret, 0);
		ck_assert_str_eq(buf_str(&b), name_cases[_i].dir);
		/* and back */
		buf_reset(&b);
		ck_assert_int_eq(folder_dir_to_name(name_cases[_i].dir, &b),
		    0);
		ck_assert_str_eq(buf_str(&b), name_cases[_i].name);
	}
	buf_clear(&b);
}
END_TEST

START_TEST(test_dir_to_name_bad)
{
	static const char *const bad[] = {
		".", "..", "...", "..x", ".a..b", ".a.", "x", ".&AGE-",
		".a*", ".&U,BTFw", "",
	};
	struct buf b;
	size_t i;

	buf_init(&b, 1024);
	for (i = 0; i < N_ELEMENTS(bad); i++) {
		ck_assert_msg(folder_dir_to_name(bad[i], &b) == -1, "%s",
		    bad[i]);
		ck_assert_uint_eq(b.len, 0);
	}
	buf_clear(&b);
}
END_TEST

START_TEST(test_too_long)
{
	char name[300];
	struct buf b;
	const char *error;

	buf_init(&b, 4096);
	memset(name, 'a', 254);
	name[254] = '\0';
	ck_assert_int_eq(folder_name_to_dir(name, &b, &error), 0);
	ck_assert_uint_eq(b.len, 255);
	buf_reset(&b);
	name[254] = 'a';
	name[255] = '\0';
	ck_assert_int_eq(folder_name_to_dir(name, &b, &error), -1);
	buf_clear(&b);
}
END_TEST

START_TEST(test_create_list)
{
	char *root = test_tmpdir(), path[4200];
	enum tern_err err;
	const char *error;
	char **names;
	size_t count;
	struct buf b;

	ck_assert_int_eq(folder_create(root, "Sent", &err, &error), 0);
	ck_assert_int_eq(folder_create(root, "Work/Projects", &err, &error),
	    0);
	ck_assert_int_eq(folder_create(root, "Entw\xc3\xbc" "rfe", &err,
	    &error), 0);
	ck_assert_int_eq(folder_create(root, "Sent", &err, &error), -1);
	ck_assert_int_eq(err, TERN_ERR_EXISTS);
	ck_assert_int_eq(folder_create(root, "INBOX", &err, &error), -1);
	ck_assert_int_eq(err, TERN_ERR_EXISTS);
	ck_assert_int_eq(folder_create(root, "../x", &err, &error), -1);
	ck_assert_int_eq(err, TERN_ERR_SYNTAX);
	snprintf(path, sizeof(path), "%s/.Work.Projects/maildirfolder", root);
	ck_assert_int_eq(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/.Entw&APw-rfe/cur", root);
	ck_assert_int_eq(access(path, F_OK), 0);
	/* not folders: no cur/, a file, an invalid name */
	snprintf(path, sizeof(path), "%s/.NoCur", root);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/.file", root);
	test_write_file(path, "");
	snprintf(path, sizeof(path), "%s/.a..b", root);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/.a..b/cur", root);
	ck_assert_int_eq(mkdir(path, 0700), 0);

	ck_assert_int_eq(folder_list(root, &names, &count), 0);
	ck_assert_uint_eq(count, 3);
	ck_assert_str_eq(names[0], "Entw\xc3\xbc" "rfe");
	ck_assert_str_eq(names[1], "Sent");
	ck_assert_str_eq(names[2], "Work/Projects");
	folder_list_free(&names, count);
	ck_assert_ptr_null(names);

	buf_init(&b, 4096);
	ck_assert_int_eq(folder_path("/m", "inbox", &b, &error), 0);
	ck_assert_str_eq(buf_str(&b), "/m");
	buf_reset(&b);
	ck_assert_int_eq(folder_path("/m", "Work/Projects", &b, &error), 0);
	ck_assert_str_eq(buf_str(&b), "/m/.Work.Projects");
	buf_reset(&b);
	ck_assert_int_eq(folder_path("/m", "a/../b", &b, &error), -1);
	ck_assert_uint_eq(b.len, 0);
	buf_clear(&b);
	test_rmrf(root);
}
END_TEST

static Suite *
folder_suite(void)
{
	Suite *s = suite_create("folder");
	TCase *tc = tcase_create("mutf7");

	tcase_add_loop_test(tc, test_codec, 0, N_ELEMENTS(codec_cases));
	tcase_add_loop_test(tc, test_decode_bad, 0, N_ELEMENTS(bad_mutf7));
	tcase_add_test(tc, test_encode_bad);
	suite_add_tcase(s, tc);
	tc = tcase_create("names");
	tcase_add_loop_test(tc, test_name_to_dir, 0, N_ELEMENTS(name_cases));
	tcase_add_test(tc, test_dir_to_name_bad);
	tcase_add_test(tc, test_too_long);
	tcase_add_test(tc, test_create_list);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(folder_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
