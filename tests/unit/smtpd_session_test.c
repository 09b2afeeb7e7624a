/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for smtpd/session.c and the handlers, without sockets: a
 * mem stream feeds a script to smtp_session_run() and the bytes written
 * are compared (notqmail's substdio stubs). Delivery goes to a temporary
 * data directory.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../smtpd/smtpd.h"
#include "auth.h"
#include "config.h"
#include "stream.h"
#include "tern.h"

static char tmpdir[256];
static char mail_root[300], queue_dir[300], users[300];
static char *domains[] = { "example.test" };
static struct tern_config cfg;
static struct listener_config mx = {
	.name = "mx", .address = "127.0.0.1", .port = 25, .mode = LISTENER_MX,
	.tls = LISTENER_TLS_STARTTLS
};
static struct listener_config sub = {
	.name = "submission", .address = "127.0.0.1", .port = 587,
	.mode = LISTENER_SUBMISSION, .tls = LISTENER_TLS_STARTTLS, .auth = true
};
static struct server_client client = {
	.fd = -1, .addr = "192.0.2.7", .port = 41234, .loopback = false,
};
static struct auth_db *db;

static time_t
fixed_now(void)
{
	return 1795608000;
}

static void
setup(void)
{
	FILE *f;
	char *error = NULL;

	(void)snprintf(tmpdir, sizeof(tmpdir), "/tmp/smtpd_session_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	(void)snprintf(mail_root, sizeof(mail_root), "%s/mail", tmpdir);
	(void)snprintf(queue_dir, sizeof(queue_dir), "%s/queue", tmpdir);
	(void)snprintf(users, sizeof(users), "%s/users", tmpdir);
	ck_assert_int_eq(mkdir(mail_root, 0700), 0);
	ck_assert_int_eq(mkdir(queue_dir, 0700), 0);
	f = fopen(users, "w");
	ck_assert_ptr_nonnull(f);
	fputs("demo@example.test:{PLAIN}demo-secret:::\n"
	    "postmaster@example.test:{PLAIN}pm-secret:::\n"
	    "alice@example.test:{PLAIN}alice-secret:::\n", f);
	fclose(f);
	ck_assert_int_eq(auth_db_open(users, &db, &error), 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.data_dir = tmpdir;
	cfg.hostname = "mx.example.test";
	cfg.domains = domains;
	cfg.n_domains = 1;
	cfg.users_file = users;
	cfg.mail_root = mail_root;
	cfg.mail_path = "%d/%n/Maildir";
	cfg.queue_dir = queue_dir;
	cfg.plaintext_auth = PLAINTEXT_AUTH_NEVER;
	cfg.smtpd.max_message_size = 1000;
	cfg.smtpd.max_recipients = 2;
	cfg.smtpd.max_errors = 5;
	cfg.smtpd.max_line_length = 512;
	cfg.smtpd.command_timeout = 10;
	cfg.smtpd.data_timeout = 10;
	cfg.smtpd.banner = "ESMTP tern";
}

static void
teardown(void)
{
	char cmd[300];

	auth_db_free(&db);
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

/* Run one session over script; returns the output (malloc'ed). */
static char *
run(const struct listener_config *l, const char *script, size_t chunk)
{
	struct stream *st = stream_mem_new(script, strlen(script));
	struct smtp_session s;
	char *out;

	if (chunk > 0)
		stream_mem_set_chunk(st, chunk);
	smtp_session_init(&s, &cfg, l, &client, st, NULL, db);
	s.now = fixed_now;
	smtp_session_run(&s);
	smtp_session_clear(&s);
	out = strdup(buf_str(stream_mem_output(st)));
	stream_free(&st);
	return out;
}

/* Files in <mail_root>/example.test/<user>/Maildir/<sub> */
static int
count_files(const char *user, const char *dir)
{
	char path[512];
	struct dirent *de;
	DIR *d;
	int n = 0;

	(void)snprintf(path, sizeof(path), "%s/example.test/%s/Maildir/%s",
	    mail_root, user, dir);
	if ((d = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.')
			n++;
	}
	closedir(d);
	return n;
}

static int
count_new(const char *user)
{
	return count_files(user, "new");
}

/* AUTH PLAIN "\0demo@example.test\0demo-secret" */
#define AUTH_DEMO "AUTH PLAIN AGRlbW9AZXhhbXBsZS50ZXN0AGRlbW8tc2VjcmV0\r\n"

#define GREETING "220 mx.example.test ESMTP tern\r\n"

static void
expect(const struct listener_config *l, const char *script, const char *want)
{
	char *got = run(l, script, 0);

	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(test_basic)
{
	expect(&mx, "HELO client.example\r\nNOOP\r\nQUIT\r\n",
	    GREETING
	    "250 mx.example.test\r\n"
	    "250 2.0.0 Ok\r\n"
	    "221 2.0.0 Bye\r\n");
}
END_TEST

START_TEST(test_ehlo)
{
	expect(&mx, "EHLO client.example\r\nQUIT\r\n",
	    GREETING
	    "250-mx.example.test\r\n"
	    "250-PIPELINING\r\n"
	    "250-SIZE 1000\r\n"
	    "250-ENHANCEDSTATUSCODES\r\n"
	    "250-8BITMIME\r\n"
	    "250-SMTPUTF8\r\n"
	    "250 CHUNKING\r\n"
	    "221 2.0.0 Bye\r\n");
}
END_TEST

START_TEST(test_sequence)
{
	expect(&mx, "MAIL FROM:<a@b.example>\r\nFOO\r\nDATA\r\n"
	    "HELO c\r\nRCPT TO:<demo@example.test>\r\nQUIT\r\n",
	    GREETING
	    "503 5.5.1 Bad sequence of commands\r\n"
	    "500 5.5.1 Command unrecognized\r\n"
	    "503 5.5.1 Bad sequence of commands\r\n"
	    "250 mx.example.test\r\n"
	    "503 5.5.1 Bad sequence of commands\r\n"
	    "221 2.0.0 Bye\r\n");
}
END_TEST

/* The content of the only file in user's new/ (malloc'ed), or NULL. */
static char *
read_new(const char *user)
{
	char path[1024], *buf;
	struct dirent *de;
	DIR *d;
	FILE *f;
	size_t n;

	(void)snprintf(path, sizeof(path), "%s/example.test/%s/Maildir/new",
	    mail_root, user);
	if ((d = opendir(path)) == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL && de->d_name[0] == '.')
		;
	if (de == NULL) {
		closedir(d);
		return NULL;
	}
	(void)snprintf(path + strlen(path), sizeof(path) - strlen(path),
	    "/%s", de->d_name);
	closedir(d);
	buf = calloc(1, 65536);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

START_TEST(test_deliver)
{
	static const char head[] = "Return-Path: <a@b.example>\n"
	    "Delivered-To: alice@example.test\n"
	    "Received: from client.example (unknown [192.0.2.7])\n"
	    "\tby mx.example.test (tern) with ESMTP id ";
	char *out, *msg;

	out = run(&mx, "EHLO client.example\r\nMAIL FROM:<a@b.example>\r\n"
	    "RCPT TO:<demo@example.test>\r\nRCPT TO:<Alice@Example.TEST>\r\n"
	    "DATA\r\nSubject: hi\r\n\r\n..dot\r\n.\r\nQUIT\r\n", 0);
	ck_assert_msg(strstr(out, "354 End data with <CR><LF>.<CR><LF>\r\n"
	    "250 2.0.0 Ok: queued as ") != NULL, "%s", out);
	ck_assert_int_eq(count_new("demo"), 1);
	ck_assert_int_eq(count_new("alice"), 1);
	msg = read_new("alice");
	ck_assert_ptr_nonnull(msg);
	ck_assert_msg(strncmp(msg, head, strlen(head)) == 0, "%s", msg);
	ck_assert_ptr_nonnull(strstr(msg, "\n\tfor <alice@example.test>; "
	    "Wed, 25 Nov 2026 12:00:00 +0000\nSubject: hi\n\n.dot\n"));
	free(msg);
	free(out);
}
END_TEST

/* An empty regular file where a directory is expected. */
static void
make_file(const char *path)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fclose(f);
}

/* All or nothing: when the queue file cannot be committed after the
 * local copy was published, the copy is taken back and the client gets
 * 451 4.3.0, never 250. */
START_TEST(test_rollback)
{
	char path[400], *out;

	cfg.plaintext_auth = PLAINTEXT_AUTH_ALWAYS;
	/* queue/new is a file: the rename into it fails (ENOTDIR) */
	(void)snprintf(path, sizeof(path), "%s/new", queue_dir);
	make_file(path);
	out = run(&sub, "EHLO c\r\n"
	    AUTH_DEMO
	    "MAIL FROM:<demo@example.test>\r\n"
	    "RCPT TO:<demo@example.test>\r\nRCPT TO:<x@remote.example>\r\n"
	    "DATA\r\nSubject: out\r\n\r\nbody\r\n.\r\nQUIT\r\n", 0);
	ck_assert_msg(strstr(out, "354 End data with <CR><LF>.<CR><LF>\r\n"
	    "451 4.3.0 ") != NULL, "%s", out);
	ck_assert_ptr_null(strstr(out, "queued as"));
	ck_assert_int_eq(count_new("demo"), 0);
	ck_assert_int_eq(count_files("demo", "tmp"), 0);
	free(out);
}
END_TEST

/* A recipient whose Maildir cannot be made fails the whole message
 * before 354; the other recipient gets nothing either. */
START_TEST(test_begin_fails)
{
	char path[400], *out;

	(void)snprintf(path, sizeof(path), "%s/example.test", mail_root);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	(void)snprintf(path, sizeof(path), "%s/example.test/alice", mail_root);
	make_file(path);
	out = run(&mx, "EHLO c\r\nMAIL FROM:<a@b.example>\r\n"
	    "RCPT TO:<demo@example.test>\r\nRCPT TO:<alice@example.test>\r\n"
	    "DATA\r\nRSET\r\nQUIT\r\n", 0);
	ck_assert_msg(strstr(out, "250 2.1.5 Ok\r\n451 4.3.0 ") != NULL,
	    "%s", out);
	ck_assert_int_eq(count_new("demo"), 0);
	ck_assert_int_eq(count_files("demo", "tmp"), 0);
	free(out);
}
END_TEST

/* A users file that cannot be read is a temporary failure (451), never
 * "User unknown" (550): that would bounce mail for real users. */
START_TEST(test_users_unreadable)
{
	char *out;

	ck_assert_int_eq(unlink(users), 0);
	out = run(&mx, "EHLO c\r\nMAIL FROM:<a@b.example>\r\n"
	    "RCPT TO:<demo@example.test>\r\nQUIT\r\n", 0);
	ck_assert_msg(strstr(out, "250 2.1.0 Ok\r\n451 4.3.0 ") != NULL,
	    "%s", out);
	free(out);
}
END_TEST

START_TEST(test_rcpt_rules)
{
	char *out = run(&mx, "EHLO c\r\nMAIL FROM:<>\r\n"
	    "RCPT TO:<nobody@example.test>\r\n"
	    "RCPT TO:<x@remote.example>\r\n"
	    "RCPT TO:<demo@example.test>\r\n"
	    "RCPT TO:<demo@example.test>\r\n"
	    "RCPT TO:<alice@example.test>\r\n"
	    "RCPT TO:<Postmaster>\r\n"
	    "QUIT\r\n", 0);

	ck_assert_ptr_nonnull(strstr(out, "550 5.1.1 <nobody@example.test>: "
	    "Recipient address rejected: User unknown\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "554 5.7.1 <x@remote.example>: "
	    "Relay access denied\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "452 4.5.3 Too many recipients\r\n"));
	free(out);
}
END_TEST

START_TEST(test_submission_needs_tls)
{
	expect(&sub, "EHLO c\r\nMAIL FROM:<a@b>\r\nAUTH PLAIN\r\nQUIT\r\n",
	    GREETING
	    "250-mx.example.test\r\n"
	    "250-PIPELINING\r\n"
	    "250-SIZE 1000\r\n"
	    "250-ENHANCEDSTATUSCODES\r\n"
	    "250-8BITMIME\r\n"
	    "250-SMTPUTF8\r\n"
	    "250 CHUNKING\r\n"
	    "530 5.7.0 Must issue a STARTTLS command first\r\n"
	    "530 5.7.0 Must issue a STARTTLS command first\r\n"
	    "221 2.0.0 Bye\r\n");
}
END_TEST

START_TEST(test_submission_auth)
{
	char *out;

	cfg.plaintext_auth = PLAINTEXT_AUTH_ALWAYS;
	out = run(&sub, "EHLO c\r\nMAIL FROM:<a@b>\r\n"
	    AUTH_DEMO
	    "MAIL FROM:<demo@example.test>\r\n"
	    "RCPT TO:<x@remote.example>\r\n"
	    "DATA\r\nSubject: out\r\n\r\nbody\r\n.\r\nQUIT\r\n", 0);
	ck_assert_ptr_nonnull(strstr(out, "250-AUTH PLAIN LOGIN\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "530 5.7.0 Authentication "
	    "required\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "235 2.7.0 Authentication "
	    "successful\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "250 2.0.0 Ok: queued as "));
	free(out);
}
END_TEST

/* Plaintext AUTH rules (Dovecot's disable_plaintext_auth): with
 * "loopback" a remote client is not offered AUTH on the mx listener and
 * gets 538 5.7.11 if it tries; a loopback client may authenticate. */
START_TEST(test_plaintext_rules)
{
	static struct listener_config mx_auth = {
		.name = "mx", .address = "127.0.0.1", .port = 25,
		.mode = LISTENER_MX, .tls = LISTENER_TLS_STARTTLS, .auth = true
	};
	static const char script[] = "EHLO c\r\n" AUTH_DEMO "QUIT\r\n";
	char *out;

	cfg.plaintext_auth = PLAINTEXT_AUTH_LOOPBACK;
	out = run(&mx_auth, script, 0);
	ck_assert_ptr_null(strstr(out, "AUTH PLAIN"));
	ck_assert_msg(strstr(out, "538 5.7.11 Encryption required") != NULL,
	    "%s", out);
	free(out);
	client.loopback = true;
	out = run(&mx_auth, script, 0);
	client.loopback = false;
	ck_assert_ptr_nonnull(strstr(out, "250-AUTH PLAIN LOGIN\r\n"));
	ck_assert_msg(strstr(out, "235 2.7.0 ") != NULL, "%s", out);
	free(out);
}
END_TEST

START_TEST(test_auth_fail_cancel)
{
	char *out;

	cfg.plaintext_auth = PLAINTEXT_AUTH_ALWAYS;
	out = run(&sub, "EHLO c\r\n"
	    "AUTH PLAIN AGRlbW9AZXhhbXBsZS50ZXN0AHdyb25n\r\n"
	    "AUTH LOGIN\r\n*\r\n"
	    "AUTH CRAM-MD5\r\nQUIT\r\n", 0);
	ck_assert_ptr_nonnull(strstr(out, "535 5.7.8 "));
	ck_assert_ptr_nonnull(strstr(out, "334 VXNlcm5hbWU6\r\n"
	    "501 5.7.0 Authentication canceled\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "504 5.5.4 "));
	free(out);
}
END_TEST

/* Each smuggling variant must not end DATA: a bare LF or CR is refused
 * and the session closed before the "smuggled" MAIL is read. */
static const char *const smuggle_cases[] = {
	"x\n.\nMAIL FROM:<evil@x>\r\n",
	"x\r\n.\nMAIL FROM:<evil@x>\r\n",
	"x\n.\r\nMAIL FROM:<evil@x>\r\n",
	"x\r.\rMAIL FROM:<evil@x>\r\n",
	"x\r\n.\rMAIL FROM:<evil@x>\r\n",
	"x\r.\r\nMAIL FROM:<evil@x>\r\n",
};

START_TEST(test_smuggling)
{
	char script[512], *out;

	(void)snprintf(script, sizeof(script), "EHLO c\r\n"
	    "MAIL FROM:<a@b.example>\r\nRCPT TO:<demo@example.test>\r\n"
	    "DATA\r\n%s.\r\nQUIT\r\n", smuggle_cases[_i]);
	out = run(&mx, script, 0);
	ck_assert_ptr_nonnull(strstr(out, "354 "));
	ck_assert_msg(strstr(out, "521 5.5.2 ") != NULL, "%s", out);
	ck_assert_ptr_null(strstr(out, "221 "));
	ck_assert_int_eq(count_new("demo"), 0);
	free(out);
}
END_TEST

START_TEST(test_split_everywhere)
{
	static const char script[] = "EHLO c\r\n"
	    "MAIL FROM:<a@b.example>\r\nRCPT TO:<demo@example.test>\r\n"
	    "DATA\r\nSubject: x\r\n\r\n.hidden\r\n..\r\n.\r\nQUIT\r\n";
	char *first = run(&mx, script, 0), *out;
	size_t chunk;

	for (chunk = 1; chunk < 12; chunk++) {
		out = run(&mx, script, chunk);
		/* the queue id differs; compare up to it */
		ck_assert_uint_eq(strlen(out), strlen(first));
		ck_assert_int_eq(strncmp(out, first,
		    strstr(first, "queued as") - first), 0);
		free(out);
	}
	ck_assert_int_eq(count_new("demo"), 12);
	free(first);
}
END_TEST

START_TEST(test_size_limit)
{
	char script[4096], *out;
	size_t n;

	n = (size_t)snprintf(script, sizeof(script), "EHLO c\r\n"
	    "MAIL FROM:<a@b.example> SIZE=1001\r\n"
	    "MAIL FROM:<a@b.example> SIZE=999\r\n"
	    "RCPT TO:<demo@example.test>\r\nDATA\r\n");
	for (int i = 0; i < 30; i++)
		n += (size_t)snprintf(script + n, sizeof(script) - n,
		    "%s\r\n", "0123456789012345678901234567890123456789");
	(void)snprintf(script + n, sizeof(script) - n, ".\r\nNOOP\r\nQUIT\r\n");
	out = run(&mx, script, 0);
	ck_assert_ptr_nonnull(strstr(out, "552 5.3.4 Message size exceeds "
	    "fixed limit\r\n250 2.1.0 Ok\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "354 End data with <CR><LF>.<CR><LF>"
	    "\r\n552 5.3.4 Message size exceeds fixed limit\r\n"
	    "250 2.0.0 Ok\r\n221 2.0.0 Bye\r\n"));
	ck_assert_int_eq(count_new("demo"), 0);
	free(out);
}
END_TEST

START_TEST(test_bdat)
{
	char *out;

	out = run(&mx, "EHLO c\r\nMAIL FROM:<a@b.example>\r\n"
	    "RCPT TO:<demo@example.test>\r\n"
	    "BDAT 14\r\nSubject: x\r\n\r\n"
	    "DATA\r\n"
	    "BDAT 6 LAST\r\nbody\r\n"
	    "BDAT 3\r\nabc"
	    "QUIT\r\n", 0);
	ck_assert_ptr_nonnull(strstr(out, "250 2.0.0 Ok: 14 octets received\r\n"
	    "503 5.5.1 Bad sequence of commands\r\n"
	    "250 2.0.0 Ok: queued as "));
	ck_assert_ptr_nonnull(strstr(out, "\r\n503 5.5.1 Bad sequence of "
	    "commands\r\n221 2.0.0 Bye\r\n"));
	ck_assert_int_eq(count_new("demo"), 1);
	free(out);
}
END_TEST

START_TEST(test_errors_limit)
{
	char *out = run(&mx, "A\r\nB\r\nC\r\nD\r\nE\r\nF\r\nQUIT\r\n", 0);

	ck_assert_ptr_nonnull(strstr(out, "421 4.7.0 Too many errors: "
	    "closing\r\n"));
	ck_assert_ptr_null(strstr(out, "221 "));
	free(out);
}
END_TEST

START_TEST(test_line_too_long)
{
	char script[2048], *out;

	memset(script, 'x', 1000);
	memcpy(script, "NOOP ", 5);
	(void)snprintf(script + 1000, sizeof(script) - 1000, "\r\nQUIT\r\n");
	out = run(&mx, script, 0);
	ck_assert_str_eq(out, GREETING "500 5.5.2 Line too long\r\n"
	    "221 2.0.0 Bye\r\n");
	free(out);
}
END_TEST

/* The absolute session deadline (SMTP_SESSION_MAX_SECS, here 1 s) ends
 * a client that sends nothing, well before command_timeout (10 s). */
START_TEST(test_session_deadline)
{
	struct smtp_session s;
	struct stream *st;
	struct timespec t0, t1;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	st = stream_fd_new(sv[0], sv[0], true);
	smtp_session_init(&s, &cfg, &mx, &client, st, NULL, db);
	s.max_secs = 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	smtp_session_run(&s);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	smtp_session_clear(&s);
	stream_free(&st);
	close(sv[1]);
	ck_assert_int_le(t1.tv_sec - t0.tv_sec, 3);
}
END_TEST

START_TEST(test_busy)
{
	struct server_client busy = client;

	busy.refuse_reason = "too many sessions from 192.0.2.7";
	{
		struct stream *st = stream_mem_new("QUIT\r\n", 6);
		struct smtp_session s;

		smtp_session_init(&s, &cfg, &mx, &busy, st, NULL, db);
		smtp_session_run(&s);
		smtp_session_clear(&s);
		ck_assert_str_eq(buf_str(stream_mem_output(st)),
		    "421 4.7.0 Too many connections: try again later\r\n");
		stream_free(&st);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("smtpd_session");
	TCase *tc = tcase_create("session");
	SRunner *sr;
	int failed;

	setenv("TZ", "UTC", 1);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_basic);
	tcase_add_test(tc, test_ehlo);
	tcase_add_test(tc, test_sequence);
	tcase_add_test(tc, test_deliver);
	tcase_add_test(tc, test_rollback);
	tcase_add_test(tc, test_begin_fails);
	tcase_add_test(tc, test_rcpt_rules);
	tcase_add_test(tc, test_users_unreadable);
	tcase_add_test(tc, test_submission_needs_tls);
	tcase_add_test(tc, test_submission_auth);
	tcase_add_test(tc, test_auth_fail_cancel);
	tcase_add_test(tc, test_plaintext_rules);
	tcase_add_loop_test(tc, test_smuggling, 0,
	    (int)N_ELEMENTS(smuggle_cases));
	tcase_add_test(tc, test_split_everywhere);
	tcase_add_test(tc, test_size_limit);
	tcase_add_test(tc, test_bdat);
	tcase_add_test(tc, test_errors_limit);
	tcase_add_test(tc, test_line_too_long);
	tcase_add_test(tc, test_busy);
	tcase_add_test(tc, test_session_deadline);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
