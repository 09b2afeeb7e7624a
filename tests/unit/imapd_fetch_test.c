/* SPDX-License-Identifier: MIT */
/* Tests for imapd/fetch_body.c: every partial <off.len> of a message
 * with bare LFs and CRLFs equals the same slice of its CRLF form, in
 * order (resuming where the last slice ended) and backwards; slices
 * that end between the CR and LF of a stored LF; top-level sections. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fetch_body.h"
#include "str.h"
#include "tern.h"

static const char stored[] =
	"Subject: x\nFrom: a@b\r\nTo: c@d\n\nline 1\nline 2\r\n\nend";
static const char wire[] =
	"Subject: x\r\nFrom: a@b\r\nTo: c@d\r\n\r\nline 1\r\nline 2\r\n\r\nend";

static char path[64];
static struct arena *a;
static struct fetch_msg fm;

static void
setup(void)
{
	int fd;

	(void)str_copy(path, sizeof(path), "/tmp/fetch_test.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, stored, sizeof(stored) - 1),
	    (ssize_t)sizeof(stored) - 1);
	(void)close(fd);
	a = arena_new(0);
	ck_assert_int_eq(fetch_msg_open(&fm, path, a), 0);
}

static void
teardown(void)
{
	fetch_msg_close(&fm);
	arena_free(&a);
	(void)unlink(path);
}

/* The wire bytes of d from off, at most len, as the literal would be. */
static void
slice(const struct fetch_data *d, uint64_t off, uint64_t len,
	struct buf *out)
{
	struct stream *s = stream_mem_new("", 0);
	uint64_t n = fetch_data_size(&fm, d, off, len);

	fetch_data_write(&fm, d, off, n, s);
	(void)stream_flush(s);
	buf_reset(out);
	(void)buf_append_span(out, buf_span(stream_mem_output(s)));
	ck_assert_uint_eq(out->len, n);
	stream_free(&s);
}

static void
check_all_slices(const struct fetch_data *d, const char *want, bool back)
{
	size_t wlen = strlen(want), off, len, i;
	struct buf got;

	buf_init(&got, 0);
	for (len = 1; len <= wlen + 1; len++) {
		for (i = 0; i <= wlen + 1; i++) {
			size_t exp_len;

			off = back ? wlen + 1 - i : i;
			slice(d, off, len, &got);
			exp_len = off >= wlen ? 0 : wlen - off < len ?
			    wlen - off : len;
			ck_assert_msg(got.len == exp_len &&
			    memcmp(got.data, want + (off < wlen ? off : wlen),
			    exp_len) == 0, "<%zu.%zu>: got \"%s\"", off, len,
			    buf_str(&got));
		}
	}
	/* the whole range */
	slice(d, 0, UINT64_MAX, &got);
	ck_assert_str_eq(buf_str(&got), want);
	buf_clear(&got);
}

START_TEST(test_partial_forward)
{
	struct fetch_data d;
	const char *error;

	ck_assert_int_eq(fetch_section(&fm, span_str(""), false, &d, &error),
	    0);
	check_all_slices(&d, wire, false);
	fetch_data_clear(&d);
}
END_TEST

START_TEST(test_partial_backward)
{
	struct fetch_data d;
	const char *error;

	ck_assert_int_eq(fetch_section(&fm, span_str(""), false, &d, &error),
	    0);
	check_all_slices(&d, wire, true);
	fetch_data_clear(&d);
}
END_TEST

START_TEST(test_sections)
{
	struct fetch_data d;
	const char *error;
	struct buf got;

	buf_init(&got, 0);
	ck_assert_int_eq(fetch_section(&fm, span_str("TEXT"), false, &d,
	    &error), 0);
	check_all_slices(&d, "line 1\r\nline 2\r\n\r\nend", false);
	fetch_data_clear(&d);
	ck_assert_int_eq(fetch_section(&fm, span_str("HEADER"), false, &d,
	    &error), 0);
	slice(&d, 0, UINT64_MAX, &got);
	ck_assert_str_eq(buf_str(&got),
	    "Subject: x\r\nFrom: a@b\r\nTo: c@d\r\n\r\n");
	fetch_data_clear(&d);
	ck_assert_int_eq(fetch_section(&fm, span_str("HEADER.FIELDS (to "
	    "\"SUBJECT\")"), false, &d, &error), 0);
	slice(&d, 0, UINT64_MAX, &got);
	ck_assert_str_eq(buf_str(&got), "Subject: x\r\nTo: c@d\r\n\r\n");
	slice(&d, 5, 8, &got);
	ck_assert_str_eq(buf_str(&got), "ct: x\r\nT");
	fetch_data_clear(&d);
	ck_assert_int_eq(fetch_section(&fm, span_str("HEADER.FIELDS.NOT "
	    "(To Subject)"), false, &d, &error), 0);
	slice(&d, 0, UINT64_MAX, &got);
	ck_assert_str_eq(buf_str(&got), "From: a@b\r\n\r\n");
	fetch_data_clear(&d);
	ck_assert_int_eq(fetch_section(&fm, span_str("1"), false, &d,
	    &error), 0);
	slice(&d, 0, UINT64_MAX, &got);
	ck_assert_str_eq(buf_str(&got), "line 1\r\nline 2\r\n\r\nend");
	fetch_data_clear(&d);
	ck_assert_int_eq(fetch_section(&fm, span_str("2"), false, &d,
	    &error), 0);
	slice(&d, 0, UINT64_MAX, &got);
	ck_assert_str_eq(buf_str(&got), "");
	fetch_data_clear(&d);
	ck_assert_int_eq(fetch_section(&fm, span_str("HEADERS"), false, &d,
	    &error), -1);
	buf_clear(&got);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("imapd_fetch");
	TCase *tc = tcase_create("partial");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_partial_forward);
	tcase_add_test(tc, test_partial_backward);
	tcase_add_test(tc, test_sections);
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
