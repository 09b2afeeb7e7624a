/* SPDX-License-Identifier: MIT */
/* Tests for imapd/fetch_body.c: every partial <off.len> of a message
 * with bare LFs and CRLFs equals the same slice of its CRLF form, in
 * order (resuming where the last slice ended) and backwards; slices
 * that end between the CR and LF of a stored LF; top-level sections. */
#include <check.h>
#include <dirent.h>
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

/* The whole wire form of spec of m into out (may hold NULs). */
static void
section_text(struct fetch_msg *m, const char *spec, struct buf *out)
{
	struct fetch_data d;
	struct stream *s = stream_mem_new("", 0);
	const char *error;
	uint64_t n;

	buf_init(out, 0);
	ck_assert_int_eq(fetch_section(m, span_str(spec), false, &d,
	    &error), 0);
	n = fetch_data_size(m, &d, 0, UINT64_MAX);
	fetch_data_write(m, &d, 0, n, s);
	(void)stream_flush(s);
	(void)buf_append_span(out, buf_span(stream_mem_output(s)));
	ck_assert_uint_eq(out->len, n);
	fetch_data_clear(&d);
	stream_free(&s);
}

static bool
same(const struct buf *x, const char *p, size_t len)
{
	return x->len == len && (len == 0 || memcmp(x->data, p, len) == 0);
}

static const char *const header_specs[] = {
	"HEADER",
	"HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority "
	    "X-Priority References Newsgroups In-Reply-To Content-Type "
	    "Reply-To Received)",
	"HEADER.FIELDS.NOT (Received \"Subject\")",
	"HEADER.FIELDS (content-TYPE)",
};

/* The header sections of file path are the same bytes from the mapped
 * file, from a header-only read, from a copy of the header block (the
 * cache) and, for HEADER.FIELDS, from the field index. */
static void
check_header_paths(const char *file)
{
	struct fetch_msg mapped, read, copy;
	struct message *hm;
	struct buf index;
	struct span block;
	size_t i;

	ck_assert_int_eq(fetch_msg_open(&mapped, file, a), 0);
	ck_assert_int_eq(fetch_msg_open_header(&read, file, a), 0);
	ck_assert(read.header_only || read.size > FETCH_HEADER_MAX);
	block = fetch_msg_header_block(&mapped);
	ck_assert_uint_eq(block.len, fetch_msg_header_block(&read).len);
	fetch_msg_init_header(&copy, block, a);
	hm = fetch_msg_header(&copy);
	ck_assert_ptr_nonnull(hm);
	buf_init(&index, 0);
	ck_assert_int_eq(fetch_fields_index(hm, &index), 0);
	for (i = 0; i < N_ELEMENTS(header_specs); i++) {
		struct buf want, got_read, got_copy;

		section_text(&mapped, header_specs[i], &want);
		section_text(&read, header_specs[i], &got_read);
		section_text(&copy, header_specs[i], &got_copy);
		ck_assert_msg(same(&got_read, want.data, want.len),
		    "%s: %s read", file, header_specs[i]);
		ck_assert_msg(same(&got_copy, want.data, want.len),
		    "%s: %s copy", file, header_specs[i]);
		if (strncmp(header_specs[i], "HEADER.FIELDS", 13) == 0) {
			bool not = strncmp(header_specs[i],
			    "HEADER.FIELDS.NOT", 17) == 0;
			const char *list = strchr(header_specs[i], '(');
			struct fetch_data d;

			ck_assert_int_eq(fetch_fields_from_index(block,
			    buf_span(&index), span_str(list), not, &d), 0);
			ck_assert_msg(same(&d.buf, want.data, want.len),
			    "%s: %s index", file, header_specs[i]);
			fetch_data_clear(&d);
		}
		buf_clear(&want);
		buf_clear(&got_read);
		buf_clear(&got_copy);
	}
	/* an index that does not fit the header is refused */
	if (index.len >= 12) {
		struct fetch_data d;

		ck_assert_int_eq(fetch_fields_from_index(span_make(block.p,
		    0), buf_span(&index), span_str("(To)"), false, &d), -1);
	}
	buf_clear(&index);
	fetch_msg_close(&copy);
	fetch_msg_close(&read);
	fetch_msg_close(&mapped);
}

START_TEST(test_header_paths)
{
	char dir[512], file[1024];
	struct dirent *de;
	DIR *d;
	int n = 0;

	check_header_paths(path);
	(void)snprintf(dir, sizeof(dir), "%s/tests/unit/messages",
	    TEST_SRCDIR);
	d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len < 4 || strcmp(de->d_name + len - 4, ".eml") != 0)
			continue;
		(void)snprintf(file, sizeof(file), "%s/%s", dir, de->d_name);
		check_header_paths(file);
		n++;
	}
	closedir(d);
	ck_assert_int_gt(n, 10);
}
END_TEST

/* Headers longer than the first read, and files without a body or a
 * blank line, or empty. */
START_TEST(test_header_read_sizes)
{
	static const size_t sizes[] = { 0, 1, FETCH_HEADER_READ - 1,
		FETCH_HEADER_READ, FETCH_HEADER_READ + 1,
		3 * FETCH_HEADER_READ + 7 };
	char file[] = "/tmp/fetch_hdr.XXXXXX";
	size_t i, k;

	for (i = 0; i < N_ELEMENTS(sizes); i++) {
		for (k = 0; k < 3; k++) {
			FILE *f;
			int fd = mkstemp(file);
			size_t n;

			ck_assert_int_ge(fd, 0);
			f = fdopen(fd, "w");
			for (n = 0; n < sizes[i]; n += 24)
				fputs("X-Fill: 0123456789abcd\n", f);
			if (k == 0)
				fputs("\nbody\n", f);
			else if (k == 1)
				fputs("\r\n", f);
			(void)fclose(f);
			check_header_paths(file);
			(void)unlink(file);
			(void)str_copy(file, sizeof(file),
			    "/tmp/fetch_hdr.XXXXXX");
		}
	}
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
	tc = tcase_create("header");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_header_paths);
	tcase_add_test(tc, test_header_read_sizes);
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
