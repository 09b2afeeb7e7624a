/* SPDX-License-Identifier: MIT */
/* Tests for imapd/imap_parse.c: arguments, sequence sets, flags, mailbox
 * names and LIST patterns. */
#include <check.h>
#include <stdlib.h>

#include "imap_parse.h"
#include "str.h"
#include "tern.h"

static int
parse(const char *text, struct arena *a, struct imap_arg **args, size_t *n,
	const char **error)
{
	struct imap_cmd_text in;

	memset(&in, 0, sizeof(in));
	in.text = span_str(text);
	return imap_parse_args(&in, a, args, n, error);
}

START_TEST(test_args)
{
	struct arena *a = arena_new(0);
	struct imap_arg *args;
	const char *error;
	size_t n;

	ck_assert_int_eq(parse("\"a\\\"b\" (x (y z) ()) NIL "
	    "BODY.PEEK[HEADER.FIELDS (From To)]<0.10>", a, &args, &n,
	    &error), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(args[0].type, IMAP_ARG_QUOTED);
	ck_assert(span_eq(args[0].str, "a\"b"));
	ck_assert_int_eq(args[1].type, IMAP_ARG_LIST);
	ck_assert_uint_eq(args[1].n, 3);
	ck_assert_uint_eq(args[1].list[1].n, 2);
	ck_assert(span_eq(args[1].list[1].list[1].str, "z"));
	ck_assert_uint_eq(args[1].list[2].n, 0);
	ck_assert(imap_arg_is_nil(&args[2]));
	ck_assert(span_eq(args[3].str,
	    "BODY.PEEK[HEADER.FIELDS (From To)]<0.10>"));
	ck_assert_int_eq(parse("", a, &args, &n, &error), 0);
	ck_assert_uint_eq(n, 0);
	arena_free(&a);
}
END_TEST

static const char *const bad_args[] = {
	"(a", "a)", "\"abc", "a  b", "a ", "(a )", "\"a\\b\"", "x[y",
	"((((((((((((((((((a))))))))))))))))))", "{5}", "a\"b\"",
};

START_TEST(test_bad_args)
{
	struct arena *a = arena_new(0);
	struct imap_arg *args;
	const char *error;
	size_t n;

	ck_assert_msg(parse(bad_args[_i], a, &args, &n, &error) == -1,
	    "accepted %s", bad_args[_i]);
	arena_free(&a);
}
END_TEST

START_TEST(test_literal_args)
{
	struct arena *a = arena_new(0);
	struct imap_literal lit = { 9, 5, false, false };
	struct imap_cmd_text in = { { "x {5}hello y", 12 }, 4, &lit, 1 };
	struct imap_arg *args;
	const char *error;
	size_t n;

	ck_assert_int_eq(imap_parse_args(&in, a, &args, &n, &error), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(args[1].type, IMAP_ARG_LITERAL);
	ck_assert(span_eq(args[1].str, "hello"));
	ck_assert(span_eq(args[2].str, "y"));
	lit.offset = 8;
	ck_assert_int_eq(imap_parse_args(&in, a, &args, &n, &error), -1);
	arena_free(&a);
}
END_TEST

START_TEST(test_seqset)
{
	struct arena *a = arena_new(0);
	struct imap_seqset set;
	const char *error;

	ck_assert_int_eq(imap_parse_seqset(span_str("1,3:5,9:*"), a, &set,
	    &error), 0);
	ck_assert_uint_eq(set.n, 3);
	ck_assert(imap_seqset_contains(&set, 1, 10));
	ck_assert(!imap_seqset_contains(&set, 2, 10));
	ck_assert(imap_seqset_contains(&set, 4, 10));
	ck_assert(imap_seqset_contains(&set, 10, 10));
	/* "*:4" with 3 messages means 3:4 */
	ck_assert_int_eq(imap_parse_seqset(span_str("*:4"), a, &set,
	    &error), 0);
	ck_assert(imap_seqset_contains(&set, 3, 3));
	ck_assert_int_eq(imap_parse_seqset(span_str("5:2"), a, &set,
	    &error), 0);
	ck_assert_uint_eq(set.r[0].lo, 2);
	ck_assert_int_eq(imap_parse_seqset(span_str("$"), a, &set,
	    &error), 0);
	ck_assert(set.saved);
	ck_assert_int_eq(imap_parse_seqset(span_str("0"), a, &set,
	    &error), -1);
	ck_assert_int_eq(imap_parse_seqset(span_str("1,"), a, &set,
	    &error), -1);
	ck_assert_int_eq(imap_parse_seqset(span_str("1::2"), a, &set,
	    &error), -1);
	ck_assert_int_eq(imap_parse_seqset(span_str("4294967296"), a, &set,
	    &error), -1);
	ck_assert_int_eq(imap_parse_seqset(span_str(""), a, &set,
	    &error), -1);
	/* an empty span with no pointer at all (UBSan: NULL + 0, found by
	 * fuzz_imap_cmd) */
	ck_assert_int_eq(imap_parse_seqset(span_make(NULL, 0), a, &set,
	    &error), -1);
	arena_free(&a);
}
END_TEST

START_TEST(test_flags)
{
	struct arena *a = arena_new(0);
	struct imap_arg *args;
	struct imap_flags f;
	const char *error;
	size_t n;

	ck_assert_int_eq(parse("(\\Seen \\deleted $Junk $junk)", a, &args,
	    &n, &error), 0);
	ck_assert_int_eq(imap_parse_flags(&args[0], a, &f, &error), 0);
	ck_assert_uint_eq(f.system, IMAP_FLAG_SEEN | IMAP_FLAG_DELETED);
	ck_assert_uint_eq(f.n_keywords, 1);
	ck_assert_int_eq(parse("(\\Recent)", a, &args, &n, &error), 0);
	ck_assert_int_eq(imap_parse_flags(&args[0], a, &f, &error), -1);
	ck_assert_int_eq(parse("((a))", a, &args, &n, &error), 0);
	ck_assert_int_eq(imap_parse_flags(&args[0], a, &f, &error), -1);
	arena_free(&a);
}
END_TEST

START_TEST(test_mailbox)
{
	struct buf b;
	const char *error;

	buf_init(&b, 4096);
	ck_assert_int_eq(imap_mailbox_decode(span_str("inbox"), false, '/',
	    &b, &error), 0);
	ck_assert_str_eq(buf_str(&b), "INBOX");
	ck_assert_int_eq(imap_mailbox_decode(span_str("Inbox/Sub"), false,
	    '/', &b, &error), 0);
	ck_assert_str_eq(buf_str(&b), "INBOX/Sub");
	ck_assert_int_eq(imap_mailbox_decode(span_str("Entw&APw-rfe/"), false,
	    '/', &b, &error), 0);
	ck_assert_str_eq(buf_str(&b), "Entw\xc3\xbcrfe");
	ck_assert_int_eq(imap_mailbox_decode(span_str("Work.Projects"), false,
	    '.', &b, &error), 0);
	ck_assert_str_eq(buf_str(&b), "Work/Projects");
	ck_assert_int_eq(imap_mailbox_decode(span_str("a/b"), false, '.', &b,
	    &error), -1);
	ck_assert_int_eq(imap_mailbox_decode(span_str("Entw\xc3\xbcrfe"),
	    true, '/', &b, &error), 0);
	ck_assert_int_eq(imap_mailbox_decode(span_str("&Jjo"), false, '/',
	    &b, &error), -1);
	buf_reset(&b);
	ck_assert_int_eq(imap_mailbox_encode("Work/Entw\xc3\xbcrfe", false,
	    '.', &b), 0);
	ck_assert_str_eq(buf_str(&b), "Work.Entw&APw-rfe");
	buf_reset(&b);
	ck_assert_int_eq(imap_append_astring(&b, span_str("a\"b"), false), 0);
	ck_assert_str_eq(buf_str(&b), "\"a\\\"b\"");
	buf_clear(&b);
}
END_TEST

static const struct {
	const char *pattern, *name;
	bool match;
} matches[] = {
	{ "*", "a/b/c", true },
	{ "%", "a/b", false },
	{ "%", "a", true },
	{ "a/%", "a/b", true },
	{ "a/%", "a/b/c", false },
	{ "a*c", "a/b/c", true },
	{ "inbox", "INBOX", true },
	{ "InBox/%", "INBOX/x", true },
	{ "work", "Work", false },
	{ "%/%/%", "a/b/c", true },
	{ "*b", "ab", true },
	{ "", "a", false },
};

START_TEST(test_list_match)
{
	ck_assert_msg(imap_list_match(matches[_i].pattern, matches[_i].name) ==
	    matches[_i].match, "%s ~ %s", matches[_i].pattern,
	    matches[_i].name);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("imapd_parse");
	TCase *tc = tcase_create("args");

	tcase_add_test(tc, test_args);
	tcase_add_loop_test(tc, test_bad_args, 0, (int)N_ELEMENTS(bad_args));
	tcase_add_test(tc, test_literal_args);
	suite_add_tcase(s, tc);
	tc = tcase_create("values");
	tcase_add_test(tc, test_seqset);
	tcase_add_test(tc, test_flags);
	tcase_add_test(tc, test_mailbox);
	tcase_add_loop_test(tc, test_list_match, 0, (int)N_ELEMENTS(matches));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
