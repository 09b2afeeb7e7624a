/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/log.c: line format, levels, IDs, log_escape. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "tern.h"

/* Run fn with stderr sent to a temporary file; return what it wrote. */
static char captured[8192];

static const char *
capture(void (*fn)(void))
{
	FILE *tmp = tmpfile();
	int saved;
	size_t n;

	ck_assert_ptr_nonnull(tmp);
	saved = dup(STDERR_FILENO);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_ge(dup2(fileno(tmp), STDERR_FILENO), 0);
	fn();
	ck_assert_int_ge(dup2(saved, STDERR_FILENO), 0);
	close(saved);
	rewind(tmp);
	n = fread(captured, 1, sizeof(captured) - 1, tmp);
	captured[n] = '\0';
	fclose(tmp);
	return captured;
}

static void
emit_lines(void)
{
	log_init("smtpd", false, LOG_LEVEL_INFO);
	log_set_id("5F0C2A91D3E7");
	log_info("connect", "client=%s[%s]:%d tls=no", "mx.example",
	    "192.0.2.7", 41234);
	log_debug("trace", "C: %s", "hidden at info");
	log_set_id(NULL);
	log_warn("startup", NULL);
}

START_TEST(test_line_format)
{
	char want[256];

	capture(emit_lines);
	snprintf(want, sizeof(want),
	    "smtpd[%ld]: 5F0C2A91D3E7: connect "
	    "client=mx.example[192.0.2.7]:41234 tls=no\n"
	    "smtpd[%ld]: startup\n",
	    (long)getpid(), (long)getpid());
	ck_assert_str_eq(captured, want);
}
END_TEST

static void
emit_long(void)
{
	char big[10000];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_init("x", false, LOG_LEVEL_DEBUG);
	log_set_id("");
	log_debug("long", "%s", big);
	log_error("after", NULL);
}

START_TEST(test_long_line_cut)
{
	const char *nl;

	capture(emit_long);
	nl = strchr(captured, '\n');
	ck_assert_ptr_nonnull(nl);
	ck_assert_uint_eq((size_t)(nl - captured) + 1, 4096);
	ck_assert_ptr_nonnull(strstr(nl + 1, ": after\n"));
}
END_TEST

START_TEST(test_levels)
{
	enum log_level l;

	ck_assert_int_eq(log_level_parse("warn", &l), 0);
	ck_assert_int_eq(l, LOG_LEVEL_WARN);
	ck_assert_int_eq(log_level_parse("debug", &l), 0);
	ck_assert_int_eq(l, LOG_LEVEL_DEBUG);
	ck_assert_int_eq(log_level_parse("verbose", &l), -1);
	ck_assert_int_eq(log_level_parse(NULL, &l), -1);
	ck_assert_str_eq(log_level_name(LOG_LEVEL_ERROR), "error");
	log_set_level(LOG_LEVEL_WARN);
	ck_assert(log_enabled(LOG_LEVEL_ERROR));
	ck_assert(log_enabled(LOG_LEVEL_WARN));
	ck_assert(!log_enabled(LOG_LEVEL_INFO));
}
END_TEST

START_TEST(test_ids)
{
	char id[13], id2[13];
	size_t i;

	log_new_id(id);
	log_new_id(id2);
	ck_assert_uint_eq(strlen(id), 12);
	for (i = 0; i < 12; i++)
		ck_assert(strchr("0123456789ABCDEF", id[i]) != NULL);
	ck_assert_str_ne(id, id2);
	log_set_id(id);
	ck_assert_str_eq(log_get_id(), id);
	log_set_id(NULL);
	ck_assert_str_eq(log_get_id(), "");
}
END_TEST

static const struct {
	const char *in;
	size_t len;
	const char *want;
} escape_cases[] = {
	{ "plain text", 10, "plain text" },
	{ "a\r\nb", 4, "a\\x0d\\x0ab" },
	{ "q\"b\\s", 5, "q\\x22b\\x5cs" },
	{ "nul\0x", 5, "nul\\x00x" },
	{ "\xc3\xa9t\xc3\xa9", 5, "\\xc3\\xa9t\\xc3\\xa9" },
	{ "", 0, "" },
};

START_TEST(test_escape_table)
{
	char out[LOG_ESCAPE_SIZE];

	ck_assert_str_eq(log_escape(escape_cases[_i].in, escape_cases[_i].len,
	    out, sizeof(out)), escape_cases[_i].want);
}
END_TEST

START_TEST(test_escape_cut)
{
	char in[300], out[LOG_ESCAPE_SIZE], want[210];

	memset(in, 'z', sizeof(in));
	memset(want, 'z', 200);
	memcpy(want + 200, "...", 4);
	ck_assert_str_eq(log_escape(in, sizeof(in), out, sizeof(out)), want);
	/* exactly 200 bytes: not cut */
	want[200] = '\0';
	ck_assert_str_eq(log_escape(in, 200, out, sizeof(out)), want);
	/* the worst case fits the documented size */
	memset(in, '\x01', sizeof(in));
	log_escape(in, sizeof(in), out, sizeof(out));
	ck_assert_uint_eq(strlen(out), 4 * 200 + 3);
	ck_assert_str_eq(out + 800, "...");
}
END_TEST

START_TEST(test_escape_small_out)
{
	char out[12];

	/* 12 bytes: room for 7 plain bytes, "..." and the NUL */
	ck_assert_str_eq(log_escape("abcdefghijk", 11, out, sizeof(out)),
	    "abcdefgh...");
	/* an escape is never split */
	ck_assert_str_eq(log_escape("abcde\x01xyz", 9, out, sizeof(out)),
	    "abcde...");
	ck_assert_str_eq(log_escape("abc", 3, out, 1), "");
}
END_TEST

static Suite *
log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("line");

	tcase_add_test(tc, test_line_format);
	tcase_add_test(tc, test_long_line_cut);
	tcase_add_test(tc, test_levels);
	tcase_add_test(tc, test_ids);
	suite_add_tcase(s, tc);
	tc = tcase_create("escape");
	tcase_add_loop_test(tc, test_escape_table, 0,
	    (int)N_ELEMENTS(escape_cases));
	tcase_add_test(tc, test_escape_cut);
	tcase_add_test(tc, test_escape_small_out);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(log_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
