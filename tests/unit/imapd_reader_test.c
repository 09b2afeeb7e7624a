/* SPDX-License-Identifier: MIT */
/* Tests for imapd/reader.c: commands with literals read whole, at every
 * split of the input (Dovecot's test_istream_set_size), the "+" for
 * synchronizing literals only, limits with recovery, and the streaming
 * hook. */
#include <check.h>
#include <stdlib.h>

#include "reader.h"
#include "str.h"
#include "tern.h"

static const char input[] =
	"a1 NOOP\r\n"
	"a2 LOGIN {4}\r\nuser {6+}\r\nsecret\r\n"
	"a3 APPEND INBOX (\\Seen) ~{5+}\r\nhello\r\n"
	"a4 SELECT \"x y\"\r\n";

/* Read all commands of in with reads of chunk bytes; the commands as
 * "tag|name|args" lines into out. */
static void
read_all(const char *in, size_t len, size_t chunk, struct buf *out,
	struct buf *written)
{
	struct imap_reader_limits lim = { 1000, 100, 1000, 4 };
	struct stream *s = stream_mem_new(in, len);
	struct arena *a = arena_new(0);
	struct imap_reader r;
	struct imap_raw_cmd cmd;
	int n;

	stream_mem_set_chunk(s, chunk);
	imap_reader_init(&r, s, &lim);
	while ((n = imap_reader_read(&r, a, &cmd)) != IMAP_READ_EOF) {
		if (n == IMAP_READ_OK)
			(void)buf_appendf(out, "%.*s|%.*s|%.*s\n",
			    (int)cmd.tag.len, cmd.tag.p, (int)cmd.name.len,
			    cmd.name.p, (int)cmd.args.text.len,
			    cmd.args.text.p);
		else
			(void)buf_appendf(out, "%.*s|%d|%s|%s\n",
			    (int)cmd.tag.len, cmd.tag.p, n,
			    cmd.code != NULL ? cmd.code : "-", cmd.error);
		if (n == IMAP_READ_IO || n == IMAP_READ_CLOSE)
			break;
		arena_reset(a);
	}
	(void)stream_flush(s);
	(void)buf_append_span(written, buf_span(stream_mem_output(s)));
	imap_reader_clear(&r);
	arena_free(&a);
	stream_free(&s);
}

START_TEST(test_split)
{
	struct buf want, got, w1, w2;
	size_t chunk;

	buf_init(&want, 0);
	buf_init(&w1, 0);
	read_all(input, sizeof(input) - 1, 0, &want, &w1);
	ck_assert_str_eq(buf_str(&want),
	    "a1|NOOP|\n"
	    "a2|LOGIN|{4}user {6+}secret\n"
	    "a3|APPEND|INBOX (\\Seen) ~{5+}hello\n"
	    "a4|SELECT|\"x y\"\n");
	/* one "+" for the one synchronizing literal */
	ck_assert_str_eq(buf_str(&w1), "+ Ready\r\n");
	for (chunk = 1; chunk < sizeof(input); chunk++) {
		buf_init(&got, 0);
		buf_init(&w2, 0);
		read_all(input, sizeof(input) - 1, chunk, &got, &w2);
		ck_assert_str_eq(buf_str(&got), buf_str(&want));
		ck_assert_str_eq(buf_str(&w2), buf_str(&w1));
		buf_clear(&got);
		buf_clear(&w2);
	}
	buf_clear(&want);
	buf_clear(&w1);
}
END_TEST

static const struct {
	const char *in;
	const char *want;
	const char *written;
} limits[] = {
	/* too big synchronizing literal: BAD [TOOBIG], no "+" */
	{ "a X {101}\r\nb NOOP\r\n", "a|-2|TOOBIG|Literal too big\nb|NOOP|\n",
	  "" },
	/* too big non-synchronizing: close */
	{ "a X {101+}\r\n", "a|-3|TOOBIG|Literal too big\n", "" },
	/* a refused command's non-sync literals are skipped */
	{ "a b\"c {3+}\r\nxyz\r\nb NOOP\r\n",
	  "a|-2|-|bad command name\nb|NOOP|\n", "" },
	{ "+x NOOP {3+}\r\nxyz\r\nb NOOP\r\n",
	  "*|-2|-|bad tag\nb|NOOP|\n", "" },
	/* five literals in memory is one too many */
	{ "a X {1+}\r\n1 {1+}\r\n2 {1+}\r\n3 {1+}\r\n4 {1}\r\nb NOOP\r\n",
	  "a|-2|TOOBIG|Literal too big\nb|NOOP|\n", "" },
	{ "a X Y\0Z\r\nb NOOP\r\n", "a|-2|-|NUL in command\nb|NOOP|\n", "" },
};

START_TEST(test_limits)
{
	struct buf got, w;
	size_t len = strlen(limits[_i].in);

	if (_i == 5)
		len = 18;
	buf_init(&got, 0);
	buf_init(&w, 0);
	read_all(limits[_i].in, len, 0, &got, &w);
	ck_assert_str_eq(buf_str(&got), limits[_i].want);
	ck_assert_str_eq(buf_str(&w), limits[_i].written);
	buf_clear(&got);
	buf_clear(&w);
}
END_TEST

START_TEST(test_long_line)
{
	struct buf in, got, w;

	buf_init(&in, 0);
	(void)buf_puts(&in, "a NOOP ");
	while (in.len < 2000)
		(void)buf_putc(&in, 'x');
	(void)buf_puts(&in, "\r\nb NOOP\r\n");
	buf_init(&got, 0);
	buf_init(&w, 0);
	read_all(in.data, in.len, 0, &got, &w);
	ck_assert_str_eq(buf_str(&got),
	    "*|-2|TOOBIG|Command line too long\nb|NOOP|\n");
	buf_clear(&in);
	buf_clear(&got);
	buf_clear(&w);
}
END_TEST

struct sink {
	struct buf data;
	unsigned begun;
};

static int
sink_begin(void *ctx, struct span name, unsigned index, uint64_t size,
	bool binary)
{
	struct sink *k = ctx;

	(void)size;
	(void)binary;
	if (!span_eq_ci(name, "APPEND") || index != 0)
		return 0;
	k->begun++;
	return 1;
}

static int
sink_write(void *ctx, const void *p, size_t len)
{
	struct sink *k = ctx;

	return buf_append(&k->data, p, len);
}

START_TEST(test_hook)
{
	static const char in[] = "a APPEND INBOX {11}\r\nhello world\r\n";
	struct imap_reader_limits lim = { 1000, 100, 4, 4 };
	struct stream *s = stream_mem_new(in, sizeof(in) - 1);
	struct arena *a = arena_new(0);
	struct imap_reader r;
	struct imap_raw_cmd cmd;
	struct imap_arg *args;
	struct sink k;
	size_t n;
	const char *error;

	memset(&k, 0, sizeof(k));
	buf_init(&k.data, 0);
	imap_reader_init(&r, s, &lim);
	r.hook.begin = sink_begin;
	r.hook.write = sink_write;
	r.hook.ctx = &k;
	/* 11 bytes are over mem_max (4): only streaming lets it pass */
	ck_assert_int_eq(imap_reader_read(&r, a, &cmd), IMAP_READ_OK);
	ck_assert(cmd.literal_streamed);
	ck_assert_uint_eq(k.begun, 1);
	ck_assert_str_eq(buf_str(&k.data), "hello world");
	ck_assert_int_eq(imap_parse_args(&cmd.args, a, &args, &n, &error), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert(args[1].streamed);
	ck_assert_uint_eq(args[1].size, 11);
	(void)stream_flush(s);
	ck_assert_str_eq(buf_str(stream_mem_output(s)), "+ Ready\r\n");
	buf_clear(&k.data);
	imap_reader_clear(&r);
	arena_free(&a);
	stream_free(&s);
}
END_TEST

START_TEST(test_line_literal)
{
	uint64_t size;
	bool sync, binary;
	size_t start;

	ck_assert_int_eq(imap_line_literal(span_str("a {12}"), &size, &sync,
	    &binary, &start), 1);
	ck_assert(sync && !binary && size == 12 && start == 2);
	ck_assert_int_eq(imap_line_literal(span_str("a ~{0+}"), &size, &sync,
	    &binary, &start), 1);
	ck_assert(!sync && binary && size == 0 && start == 2);
	ck_assert_int_eq(imap_line_literal(span_str("a {}"), &size, &sync,
	    &binary, &start), 0);
	ck_assert_int_eq(imap_line_literal(span_str("a b}"), &size, &sync,
	    &binary, &start), 0);
	ck_assert_int_eq(imap_line_literal(span_str("{99999999999999999999}"),
	    &size, &sync, &binary, &start), -1);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("imapd_reader");
	TCase *tc = tcase_create("reader");

	tcase_add_test(tc, test_split);
	tcase_add_loop_test(tc, test_limits, 0, (int)N_ELEMENTS(limits));
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_hook);
	tcase_add_test(tc, test_line_literal);
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
