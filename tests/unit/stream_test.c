/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for lib/stream.c: line reading (CRLF, bare LF, overlong, split
 * at every offset), exact reads, buffered output, timeouts on a socketpair,
 * STARTTLS between a forked client and server, injection refusal.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <openssl/ssl.h>

#include "buf.h"
#include "stream.h"
#include "testcert.h"
#include "tern.h"

struct want_line {
	int ret;
	const char *line;
	enum stream_eol eol;
};

static const char lines_input[] =
	"a\r\nb\nc\rd\r\n\r\n\r\r\n12345\r\n123456\r\nok\n1234567\nx\r"
	"\r\n12345\r\r\npartial";
static const struct want_line lines_want[] = {
	{ 1, "a", STREAM_EOL_CRLF },
	{ 1, "b", STREAM_EOL_LF },
	{ 1, "c\rd", STREAM_EOL_CRLF },	/* a bare CR is data */
	{ 1, "", STREAM_EOL_CRLF },
	{ 1, "\r", STREAM_EOL_CRLF },
	{ 1, "12345", STREAM_EOL_CRLF },	/* exactly max */
	{ -2, "", STREAM_EOL_NONE },		/* max + 1 */
	{ 1, "ok", STREAM_EOL_LF },		/* still in sync */
	{ -2, "", STREAM_EOL_NONE },
	{ 1, "x\r", STREAM_EOL_CRLF },
	{ -2, "", STREAM_EOL_NONE },		/* CR counts as data */
	{ 0, "", STREAM_EOL_NONE },		/* partial line dropped */
	{ 0, "", STREAM_EOL_NONE },		/* EOF is sticky */
};

static void
check_lines(struct stream *s)
{
	struct buf line;
	enum stream_eol eol;
	size_t i;

	buf_init(&line, 100);
	for (i = 0; i < N_ELEMENTS(lines_want); i++) {
		int r = stream_read_line(s, &line, 5, &eol);

		ck_assert_msg(r == lines_want[i].ret,
		    "line %zu: got %d want %d", i, r, lines_want[i].ret);
		if (r == 1) {
			ck_assert_str_eq(buf_str(&line), lines_want[i].line);
			ck_assert_int_eq(eol, lines_want[i].eol);
		}
	}
	buf_clear(&line);
}

START_TEST(test_mem_lines)
{
	struct stream *s = stream_mem_new(lines_input, sizeof(lines_input) - 1);

	check_lines(s);
	ck_assert_uint_eq(stream_bytes_in(s), sizeof(lines_input) - 1);
	stream_free(&s);
	ck_assert_ptr_null(s);
	stream_free(&s);
}
END_TEST

/* The same input delivered chunk bytes per read, for every chunk size. */
START_TEST(test_mem_lines_split)
{
	size_t chunk;

	for (chunk = 1; chunk < sizeof(lines_input); chunk++) {
		struct stream *s = stream_mem_new(lines_input,
		    sizeof(lines_input) - 1);

		stream_mem_set_chunk(s, chunk);
		check_lines(s);
		stream_free(&s);
	}
}
END_TEST

START_TEST(test_line_buf_max)
{
	/* the buffer's own max also makes a line overlong */
	struct stream *s = stream_mem_new("abcdef\r\nab\r\n", 12);
	struct buf line;

	buf_init(&line, 4);
	ck_assert_int_eq(stream_read_line(s, &line, 1000, NULL), -2);
	ck_assert_int_eq(stream_read_line(s, &line, 1000, NULL), 1);
	ck_assert_str_eq(buf_str(&line), "ab");
	buf_clear(&line);
	stream_free(&s);
}
END_TEST

START_TEST(test_read_exact)
{
	struct stream *s = stream_mem_new("0123456789rest\r\n", 16);
	struct buf b, line;
	char small[4];

	buf_init(&b, 8);
	buf_init(&line, 100);
	stream_mem_set_chunk(s, 3);
	ck_assert_int_eq(stream_read_exact(s, &b, 4), 1);
	ck_assert_str_eq(buf_str(&b), "0123");
	/* over b's max: consumed all the same */
	ck_assert_int_eq(stream_read_exact(s, &b, 5), -2);
	ck_assert_str_eq(buf_str(&b), "0123");
	ck_assert_int_eq(stream_read(s, small, 1), 1);
	ck_assert_int_eq(small[0], '9');
	ck_assert_int_eq(stream_read_line(s, &line, 100, NULL), 1);
	ck_assert_str_eq(buf_str(&line), "rest");
	ck_assert_int_eq(stream_read_exact(s, &b, 1), 0);
	ck_assert_int_eq(stream_read(s, small, sizeof(small)), 0);
	buf_clear(&b);
	buf_clear(&line);
	stream_free(&s);
}
END_TEST

START_TEST(test_mem_output)
{
	struct stream *s = stream_mem_new("", 0);

	ck_assert(!stream_has_pending(s));
	stream_puts(s, "220 hi\r\n");
	stream_printf(s, "%d %s\r\n", 250, "ok");
	ck_assert_uint_eq(stream_mem_output(s)->len, 0);
	ck_assert_int_eq(stream_flush(s), 0);
	ck_assert_str_eq(buf_str(stream_mem_output(s)), "220 hi\r\n250 ok\r\n");
	ck_assert_uint_eq(stream_bytes_out(s), 16);
	ck_assert(!stream_is_tls(s));
	ck_assert_ptr_null(stream_tls_info(s));
	stream_free(&s);
}
END_TEST

START_TEST(test_pending)
{
	struct stream *s = stream_mem_new("A\r\nB\r\n", 6);
	struct buf line;

	buf_init(&line, 100);
	ck_assert_int_eq(stream_read_line(s, &line, 100, NULL), 1);
	ck_assert(stream_has_pending(s));
	ck_assert_int_eq(stream_read_line(s, &line, 100, NULL), 1);
	ck_assert(!stream_has_pending(s));
	buf_clear(&line);
	stream_free(&s);
}
END_TEST

static void
make_pair(int sv[2])
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sv), 0);
}

/* A child writes text one byte per send(); the parent reads lines. */
START_TEST(test_socket_split)
{
	static const char text[] = "EHLO a\r\nMAIL\nlong line here\r\nend\r\n";
	struct stream *s;
	struct buf line;
	enum stream_eol eol;
	int sv[2], status;
	pid_t pid;

	make_pair(sv);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		size_t i;

		close(sv[0]);
		for (i = 0; i < sizeof(text) - 1; i++) {
			if (send(sv[1], text + i, 1, MSG_NOSIGNAL) != 1)
				_exit(1);
		}
		_exit(0);
	}
	close(sv[1]);
	s = stream_fd_new(sv[0], sv[0], true);
	stream_set_timeout(s, 5000);
	buf_init(&line, 100);
	ck_assert_int_eq(stream_read_line(s, &line, 100, &eol), 1);
	ck_assert_str_eq(buf_str(&line), "EHLO a");
	ck_assert_int_eq(eol, STREAM_EOL_CRLF);
	ck_assert_int_eq(stream_read_line(s, &line, 100, &eol), 1);
	ck_assert_str_eq(buf_str(&line), "MAIL");
	ck_assert_int_eq(eol, STREAM_EOL_LF);
	ck_assert_int_eq(stream_read_line(s, &line, 5, &eol), -2);
	ck_assert_int_eq(stream_read_line(s, &line, 100, &eol), 1);
	ck_assert_str_eq(buf_str(&line), "end");
	ck_assert_int_eq(stream_read_line(s, &line, 100, &eol), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	buf_clear(&line);
	stream_free(&s);
}
END_TEST

static long long
elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long long)(t1.tv_sec - t0->tv_sec) * 1000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

START_TEST(test_read_timeout)
{
	struct stream *s;
	struct buf line;
	struct timespec t0;
	int sv[2];

	make_pair(sv);
	s = stream_fd_new(sv[0], sv[0], true);
	stream_set_timeout(s, 100);
	buf_init(&line, 100);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(stream_read_line(s, &line, 100, NULL), -1);
	ck_assert(stream_timed_out(s));
	ck_assert_str_eq(stream_error(s), "timeout");
	ck_assert_int_ge(elapsed_ms(&t0), 90);
	ck_assert_int_lt(elapsed_ms(&t0), 3000);
	buf_clear(&line);
	stream_free(&s);
	close(sv[1]);
}
END_TEST

START_TEST(test_write_timeout)
{
	static char block[65536];
	struct stream *s;
	int sv[2], i;

	/* nobody reads sv[1]: the socket buffer fills up */
	make_pair(sv);
	s = stream_fd_new(sv[0], sv[0], true);
	stream_set_timeout(s, 100);
	for (i = 0; i < 200; i++)
		stream_write(s, block, sizeof(block));
	ck_assert_int_eq(stream_flush(s), -1);
	ck_assert(stream_timed_out(s));
	/* sticky */
	stream_puts(s, "more");
	ck_assert_int_eq(stream_flush(s), -1);
	stream_free(&s);
	close(sv[1]);
}
END_TEST

START_TEST(test_deadline)
{
	struct timespec now;
	struct stream *s;
	struct buf line;
	int sv[2];

	make_pair(sv);
	ck_assert_int_eq(write(sv[1], "data\r\n", 6), 6);
	clock_gettime(CLOCK_MONOTONIC, &now);
	s = stream_fd_new(sv[0], sv[0], true);
	stream_set_deadline(s, (long)now.tv_sec - 1);
	buf_init(&line, 100);
	ck_assert_int_eq(stream_read_line(s, &line, 100, NULL), -1);
	ck_assert(stream_timed_out(s));
	buf_clear(&line);
	stream_free(&s);
	close(sv[1]);
}
END_TEST

START_TEST(test_peer_closed)
{
	struct stream *s;
	int sv[2];

	make_pair(sv);
	close(sv[1]);
	s = stream_fd_new(sv[0], sv[0], true);
	stream_puts(s, "421 bye\r\n");
	/* EPIPE, not SIGPIPE */
	ck_assert_int_eq(stream_flush(s), -1);
	ck_assert(!stream_timed_out(s));
	ck_assert_str_eq(stream_error(s), "connection closed");
	stream_free(&s);
}
END_TEST

START_TEST(test_pipe_closed)
{
	struct stream *s;
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	close(p[0]);
	s = stream_fd_new(-1, p[1], true);
	stream_puts(s, "* BYE\r\n");
	/* EPIPE, not SIGPIPE, on a pipe too (--stdio) */
	ck_assert_int_eq(stream_flush(s), -1);
	ck_assert_str_eq(stream_error(s), "connection closed");
	stream_free(&s);
}
END_TEST

START_TEST(test_pipe_pair)
{
	struct stream *s;
	struct buf line;
	int in[2], out[2];
	char got[32];

	ck_assert_int_eq(pipe(in), 0);
	ck_assert_int_eq(pipe(out), 0);
	ck_assert_int_eq(write(in[1], "HELO x\n", 7), 7);
	close(in[1]);
	s = stream_fd_new(in[0], out[1], true);
	stream_set_timeout(s, 1000);
	buf_init(&line, 100);
	ck_assert_int_eq(stream_read_line(s, &line, 100, NULL), 1);
	ck_assert_str_eq(buf_str(&line), "HELO x");
	ck_assert_int_eq(stream_read_line(s, &line, 100, NULL), 0);
	stream_puts(s, "250 ok\r\n");
	ck_assert_int_eq(stream_flush(s), 0);
	ck_assert_int_eq(read(out[0], got, sizeof(got)), 8);
	ck_assert(memcmp(got, "250 ok\r\n", 8) == 0);
	buf_clear(&line);
	stream_free(&s);
	close(out[0]);
}
END_TEST

/* TLS */

static const char *cert_file, *key_file;

static void
tls_setup(void)
{
	testcert_make(&cert_file, &key_file);
}

static void
tls_teardown(void)
{
	testcert_remove();
}

static SSL_CTX *
server_ctx(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(SSL_CTX_use_certificate_chain_file(ctx, cert_file),
	    1);
	ck_assert_int_eq(SSL_CTX_use_PrivateKey_file(ctx, key_file,
	    SSL_FILETYPE_PEM), 1);
	return ctx;
}

/* The client side of an SMTP-like STARTTLS exchange; exit status 0 when
 * everything went as expected. */
static void
tls_client(int fd, const char *host, bool verify)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	struct stream *s = stream_fd_new(fd, fd, true);
	struct buf line;
	const char *error;

	if (ctx == NULL)
		_exit(10);
	if (verify) {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
		if (SSL_CTX_load_verify_locations(ctx, cert_file, NULL) != 1)
			_exit(11);
	}
	stream_set_timeout(s, 5000);
	buf_init(&line, 512);
	if (stream_read_line(s, &line, 512, NULL) != 1 ||
	    strcmp(buf_str(&line), "220 ready") != 0)
		_exit(12);
	stream_puts(s, "STARTTLS\r\n");
	if (stream_flush(s) < 0)
		_exit(13);
	if (stream_read_line(s, &line, 512, NULL) != 1 ||
	    strcmp(buf_str(&line), "220 go ahead") != 0)
		_exit(14);
	if (stream_start_tls_client(s, ctx, host, &error) < 0) {
		fprintf(stderr, "client: %s\n", error);
		_exit(15);
	}
	if (!stream_is_tls(s))
		_exit(16);
	stream_puts(s, "EHLO secure\r\n");
	if (stream_flush(s) < 0)
		_exit(17);
	if (stream_read_line(s, &line, 512, NULL) != 1 ||
	    strcmp(buf_str(&line), "250 hello") != 0)
		_exit(18);
	/* clean EOF after the server's close_notify */
	if (stream_read_line(s, &line, 512, NULL) != 0)
		_exit(19);
	buf_clear(&line);
	stream_free(&s);
	SSL_CTX_free(ctx);
	_exit(0);
}

START_TEST(test_starttls)
{
	struct stream *s;
	struct buf line;
	const char *error, *info;
	SSL_CTX *ctx = server_ctx();
	int sv[2], status;
	pid_t pid;

	make_pair(sv);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(sv[0]);
		tls_client(sv[1], "localhost", true);
	}
	close(sv[1]);
	s = stream_fd_new(sv[0], sv[0], true);
	stream_set_timeout(s, 5000);
	buf_init(&line, 512);
	stream_puts(s, "220 ready\r\n");
	ck_assert_int_eq(stream_flush(s), 0);
	ck_assert_int_eq(stream_read_line(s, &line, 512, NULL), 1);
	ck_assert_str_eq(buf_str(&line), "STARTTLS");
	stream_puts(s, "220 go ahead\r\n");
	/* start_tls flushes the reply before the handshake */
	ck_assert_int_eq(stream_start_tls_server(s, ctx, &error), 0);
	ck_assert(stream_is_tls(s));
	info = stream_tls_info(s);
	ck_assert_ptr_nonnull(info);
	ck_assert_msg(strncmp(info, "TLSv1.3 with cipher TLS_", 24) == 0,
	    "info: %s", info);
	ck_assert_ptr_nonnull(strstr(info, " bits)"));
	ck_assert_str_eq(stream_tls_version(s), "TLSv1.3");
	ck_assert_ptr_nonnull(stream_tls_cipher(s));
	ck_assert_ptr_nonnull(stream_tls_ssl(s));
	ck_assert_int_eq(stream_read_line(s, &line, 512, NULL), 1);
	ck_assert_str_eq(buf_str(&line), "EHLO secure");
	stream_puts(s, "250 hello\r\n");
	ck_assert_int_eq(stream_flush(s), 0);
	/* a second STARTTLS is refused */
	ck_assert_int_eq(stream_start_tls_server(s, ctx, &error), -1);
	stream_free(&s);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "client status %d", status);
	buf_clear(&line);
	SSL_CTX_free(ctx);
}
END_TEST

/* The client checks the name: a wrong one fails the handshake. */
START_TEST(test_starttls_wrong_host)
{
	struct stream *s;
	struct buf line;
	const char *error;
	SSL_CTX *ctx = server_ctx();
	int sv[2], status;
	pid_t pid;

	make_pair(sv);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(sv[0]);
		tls_client(sv[1], "mail.example.org", true);
	}
	close(sv[1]);
	s = stream_fd_new(sv[0], sv[0], true);
	stream_set_timeout(s, 5000);
	buf_init(&line, 512);
	stream_puts(s, "220 ready\r\n");
	ck_assert_int_eq(stream_flush(s), 0);
	ck_assert_int_eq(stream_read_line(s, &line, 512, NULL), 1);
	stream_puts(s, "220 go ahead\r\n");
	ck_assert_int_eq(stream_start_tls_server(s, ctx, &error), -1);
	ck_assert(!stream_is_tls(s));
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 15);
	buf_clear(&line);
	stream_free(&s);
	SSL_CTX_free(ctx);
}
END_TEST

/* RFC 3207 5: "STARTTLS\r\nRSET\r\n" in one packet must not let RSET run
 * as if it came over TLS. */
START_TEST(test_starttls_injection)
{
	static const char inject[] = "STARTTLS\r\nMAIL FROM:<evil@x>\r\n";
	struct stream *s;
	struct buf line;
	const char *error = NULL;
	SSL_CTX *ctx = server_ctx();
	int sv[2];

	make_pair(sv);
	ck_assert_int_eq(write(sv[1], inject, sizeof(inject) - 1),
	    (ssize_t)sizeof(inject) - 1);
	s = stream_fd_new(sv[0], sv[0], true);
	stream_set_timeout(s, 1000);
	buf_init(&line, 512);
	ck_assert_int_eq(stream_read_line(s, &line, 512, NULL), 1);
	ck_assert_str_eq(buf_str(&line), "STARTTLS");
	ck_assert(stream_has_pending(s));
	ck_assert_int_eq(stream_start_tls_server(s, ctx, &error), -1);
	ck_assert_ptr_nonnull(error);
	ck_assert_ptr_nonnull(strstr(error, "pipelined"));
	ck_assert(!stream_is_tls(s));
	buf_clear(&line);
	stream_free(&s);
	close(sv[1]);
	SSL_CTX_free(ctx);
}
END_TEST

START_TEST(test_tls_handshake_timeout)
{
	struct stream *s;
	const char *error;
	SSL_CTX *ctx = server_ctx();
	int sv[2];

	make_pair(sv);
	s = stream_fd_new(sv[0], sv[0], true);
	stream_set_timeout(s, 100);
	ck_assert_int_eq(stream_start_tls_server(s, ctx, &error), -1);
	ck_assert(stream_timed_out(s));
	ck_assert_str_eq(error, "timeout");
	stream_free(&s);
	close(sv[1]);
	SSL_CTX_free(ctx);
}
END_TEST

START_TEST(test_tls_garbage)
{
	static const char junk[] = "GET / HTTP/1.0\r\n\r\n";
	struct stream *s;
	const char *error;
	SSL_CTX *ctx = server_ctx();
	int sv[2];

	make_pair(sv);
	ck_assert_int_eq(write(sv[1], junk, sizeof(junk) - 1),
	    (ssize_t)sizeof(junk) - 1);
	s = stream_fd_new(sv[0], sv[0], true);
	stream_set_timeout(s, 1000);
	ck_assert_int_eq(stream_start_tls_server(s, ctx, &error), -1);
	ck_assert(!stream_timed_out(s));
	ck_assert_msg(strstr(error, "http request") != NULL, "%s", error);
	stream_free(&s);
	close(sv[1]);
	SSL_CTX_free(ctx);
}
END_TEST

START_TEST(test_tls_on_mem_refused)
{
	struct stream *s = stream_mem_new("", 0);
	SSL_CTX *ctx = server_ctx();
	const char *error;

	ck_assert_int_eq(stream_start_tls_server(s, ctx, &error), -1);
	ck_assert_str_eq(error, "TLS needs a file descriptor");
	stream_free(&s);
	SSL_CTX_free(ctx);
}
END_TEST

static Suite *
stream_suite(void)
{
	Suite *s = suite_create("stream");
	TCase *tc = tcase_create("mem");

	tcase_add_test(tc, test_mem_lines);
	tcase_add_test(tc, test_mem_lines_split);
	tcase_add_test(tc, test_line_buf_max);
	tcase_add_test(tc, test_read_exact);
	tcase_add_test(tc, test_mem_output);
	tcase_add_test(tc, test_pending);
	suite_add_tcase(s, tc);

	tc = tcase_create("fd");
	tcase_add_test(tc, test_socket_split);
	tcase_add_test(tc, test_read_timeout);
	tcase_add_test(tc, test_write_timeout);
	tcase_add_test(tc, test_deadline);
	tcase_add_test(tc, test_peer_closed);
	tcase_add_test(tc, test_pipe_closed);
	tcase_add_test(tc, test_pipe_pair);
	suite_add_tcase(s, tc);

	tc = tcase_create("tls");
	tcase_add_checked_fixture(tc, tls_setup, tls_teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_starttls);
	tcase_add_test(tc, test_starttls_wrong_host);
	tcase_add_test(tc, test_starttls_injection);
	tcase_add_test(tc, test_tls_handshake_timeout);
	tcase_add_test(tc, test_tls_garbage);
	tcase_add_test(tc, test_tls_on_mem_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(stream_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
