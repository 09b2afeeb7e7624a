/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for lib/tls.c: server contexts from files, client
 * verification of the chain and the host name (right, wrong, IP, off),
 * TLS 1.2 minimum.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stream.h"
#include "testcert.h"
#include "tls.h"
#include "tern.h"

static const char *cert_file, *key_file;

static void
setup(void)
{
	testcert_make(&cert_file, &key_file);
}

static void
teardown(void)
{
	testcert_remove();
}

/* Fork a TLS server on one end of a socketpair that answers one line;
 * returns the other end. Exit status 0 when its handshake worked. */
static int
fork_server(pid_t *pid_r)
{
	int sv[2];
	pid_t pid;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sv), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		const char *error;
		SSL_CTX *ctx;
		struct stream *s;
		struct buf line;

		close(sv[0]);
		ctx = tls_server_ctx_new(cert_file, key_file, &error);
		if (ctx == NULL)
			_exit(2);
		s = stream_fd_new(sv[1], sv[1], true);
		stream_set_timeout(s, 5000);
		if (stream_start_tls_server(s, ctx, &error) < 0)
			_exit(3);
		buf_init(&line, 100);
		if (stream_read_line(s, &line, 100, NULL) != 1)
			_exit(4);
		stream_printf(s, "echo %s\r\n", buf_str(&line));
		if (stream_flush(s) < 0)
			_exit(5);
		buf_clear(&line);
		stream_free(&s);
		tls_ctx_free(&ctx);
		_exit(0);
	}
	close(sv[1]);
	*pid_r = pid;
	return sv[0];
}

/* Connect with ctx to a forked server, checking host: 0 or -1. */
static int
try_client(SSL_CTX *ctx, const char *host, const char **error_r)
{
	struct stream *s;
	struct buf line;
	pid_t pid;
	int fd, status, ret = -1;

	fd = fork_server(&pid);
	s = stream_fd_new(fd, fd, true);
	stream_set_timeout(s, 5000);
	buf_init(&line, 100);
	if (stream_start_tls_client(s, ctx, host, error_r) == 0) {
		stream_puts(s, "ping\r\n");
		ck_assert_int_eq(stream_flush(s), 0);
		ck_assert_int_eq(stream_read_line(s, &line, 100, NULL), 1);
		ck_assert_str_eq(buf_str(&line), "echo ping");
		ret = 0;
	} else {
		static char saved[256];

		/* the stream owns the text: keep a copy past free */
		snprintf(saved, sizeof(saved), "%s", *error_r);
		*error_r = saved;
	}
	stream_free(&s);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status) == 0, ret == 0);
	buf_clear(&line);
	return ret;
}

START_TEST(test_server_ctx)
{
	const char *error = NULL;
	SSL_CTX *ctx = tls_server_ctx_new(cert_file, key_file, &error);

	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(SSL_CTX_get_min_proto_version(ctx), TLS1_2_VERSION);
	ck_assert((SSL_CTX_get_options(ctx) & SSL_OP_NO_RENEGOTIATION) != 0);
	tls_ctx_free(&ctx);
	ck_assert_ptr_null(ctx);
	tls_ctx_free(&ctx);
	tls_ctx_free(NULL);
}
END_TEST

START_TEST(test_server_ctx_errors)
{
	const char *error = NULL;

	ck_assert_ptr_null(tls_server_ctx_new("/nonexistent/cert.pem",
	    key_file, &error));
	ck_assert_ptr_nonnull(strstr(error, "/nonexistent/cert.pem"));
	/* a certificate is not a key */
	ck_assert_ptr_null(tls_server_ctx_new(cert_file, cert_file, &error));
	ck_assert_ptr_nonnull(strstr(error, "private key"));
	ck_assert_ptr_null(tls_client_ctx_new("/nonexistent/ca.pem", true,
	    &error));
	ck_assert_ptr_nonnull(strstr(error, "CA file"));
}
END_TEST

START_TEST(test_client_verify_ok)
{
	const char *error = NULL;
	SSL_CTX *ctx = tls_client_ctx_new(cert_file, true, &error);

	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(try_client(ctx, "localhost", &error), 0);
	/* an IP literal is checked against the IP SAN */
	ck_assert_int_eq(try_client(ctx, "127.0.0.1", &error), 0);
	tls_ctx_free(&ctx);
}
END_TEST

START_TEST(test_client_wrong_host)
{
	const char *error = NULL;
	SSL_CTX *ctx = tls_client_ctx_new(cert_file, true, &error);

	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(try_client(ctx, "mx.example.org", &error), -1);
	ck_assert_msg(strstr(error, "hostname mismatch") != NULL,
	    "error: %s", error);
	ck_assert_int_eq(try_client(ctx, "192.0.2.1", &error), -1);
	ck_assert_msg(strstr(error, "IP address mismatch") != NULL,
	    "error: %s", error);
	tls_ctx_free(&ctx);
}
END_TEST

START_TEST(test_client_untrusted)
{
	const char *error = NULL;
	SSL_CTX *ctx;

	/* the system store does not know the test's self-signed cert */
	ctx = tls_client_ctx_new(NULL, true, &error);
	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(try_client(ctx, "localhost", &error), -1);
	ck_assert_msg(strstr(error, "certificate verify failed") != NULL,
	    "error: %s", error);
	tls_ctx_free(&ctx);
	/* verify off (--insecure): anything goes */
	ctx = tls_client_ctx_new(NULL, false, &error);
	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(try_client(ctx, "mx.example.org", &error), 0);
	tls_ctx_free(&ctx);
}
END_TEST

START_TEST(test_no_tls11)
{
	const char *error = NULL;
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	ck_assert_ptr_nonnull(ctx);
	SSL_CTX_set_security_level(ctx, 0);
	ck_assert_int_eq(SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION), 1);
	ck_assert_int_eq(SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION),
	    1);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	ck_assert_int_eq(try_client(ctx, NULL, &error), -1);
	SSL_CTX_free(ctx);
}
END_TEST

static Suite *
tls_suite(void)
{
	Suite *s = suite_create("tls");
	TCase *tc = tcase_create("ctx");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_server_ctx);
	tcase_add_test(tc, test_server_ctx_errors);
	tcase_add_test(tc, test_client_verify_ok);
	tcase_add_test(tc, test_client_wrong_host);
	tcase_add_test(tc, test_client_untrusted);
	tcase_add_test(tc, test_no_tls11);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(tls_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
