/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/queue.c: the file format, CRLF to LF at every
 * split, durable commit into new/, refused envelopes, abort. */
#include "store_testlib.h"

#include "queue.h"
#include "tern.h"

static const char *const rcpts[] = { "c@remote.example", "d@remote.example" };

static struct queue_envelope
envelope(void)
{
	struct queue_envelope env = {
		.sender = "a@example.test",
		.auth_user = "a@example.test",
		.recipients = rcpts,
		.n_recipients = 2,
		.body_8bit = true,
		.smtputf8 = false,
	};
	return env;
}

START_TEST(test_format_every_split)
{
	static const char msg[] = "Subject: hi\r\n\r\nbody\r\n.x\r\nbare\r"
	    "cr\r\r\n";
	static const char want_msg[] = "Subject: hi\n\nbody\n.x\nbare\rcr\r\n";
	struct queue_envelope env = envelope();
	char *dir = test_tmpdir(), id[13], path[4200], want[512], *got;
	struct queue_entry *e;
	const char *error, *body;
	size_t cut, i;
	long long t;

	for (cut = 0; cut <= strlen(msg); cut++) {
		ck_assert_int_eq(queue_entry_begin(dir, &env, id, &e, &error),
		    0);
		ck_assert_uint_eq(strlen(id), 12);
		for (i = 0; i < 12; i++)
			ck_assert(strchr("0123456789ABCDEF", id[i]) != NULL);
		ck_assert_int_eq(queue_entry_write(e, msg, cut), 0);
		ck_assert_int_eq(queue_entry_write(e, msg + cut,
		    strlen(msg) - cut), 0);
		ck_assert_int_eq(queue_entry_commit(e, &error), 0);
		queue_entry_free(&e);
		ck_assert_ptr_null(e);
		snprintf(path, sizeof(path), "%s/new/%s", dir, id);
		got = test_read_file(path, NULL);
		ck_assert_int_eq(sscanf(got, "V 1\nI %*12s\nT %lld\n", &t), 1);
		ck_assert_int_gt(t, 1700000000);
		snprintf(want, sizeof(want), "V 1\nI %s\nT %lld\n"
		    "F a@example.test\nA a@example.test\n"
		    "R c@remote.example\nR d@remote.example\nB 8BITMIME\n\n",
		    id, t);
		ck_assert(strncmp(got, want, strlen(want)) == 0);
		body = got + strlen(want);
		ck_assert_msg(strcmp(body, want_msg) == 0, "split %zu", cut);
		free(got);
	}
	ck_assert_int_eq(test_count_dir(test_subdir(dir, "new")),
	    (int)strlen(msg) + 1);
	ck_assert_int_eq(test_count_dir(test_subdir(dir, "tmp")), 0);
	test_rmrf(dir);
}
END_TEST

START_TEST(test_null_sender_no_auth)
{
	struct queue_envelope env = envelope();
	char *dir = test_tmpdir(), id[13], id2[13], path[4200], *got, *p;
	struct queue_entry *e, *e2;
	const char *error;

	env.sender = "";
	env.auth_user = NULL;
	env.body_8bit = false;
	env.smtputf8 = true;
	env.n_recipients = 1;
	ck_assert_int_eq(queue_entry_begin(dir, &env, id, &e, &error), 0);
	ck_assert_int_eq(queue_entry_begin(dir, &env, id2, &e2, &error), 0);
	ck_assert_str_ne(id, id2);
	ck_assert_int_eq(queue_entry_commit(e, &error), 0);
	/* commit twice is refused */
	ck_assert_int_eq(queue_entry_commit(e, &error), -1);
	queue_entry_free(&e);
	snprintf(path, sizeof(path), "%s/new/%s", dir, id);
	got = test_read_file(path, NULL);
	p = strstr(got, "\nF \nR c@remote.example\nU\n\n");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_null(strstr(got, "\nA "));
	ck_assert_ptr_null(strstr(got, "\nB "));
	free(got);
	/* free without commit leaves nothing in tmp/ */
	queue_entry_free(&e2);
	ck_assert_int_eq(test_count_dir(test_subdir(dir, "tmp")), 0);
	test_rmrf(dir);
}
END_TEST

START_TEST(test_bad_envelope)
{
	static const char *const bad_rcpts[] = { "c@x", "d@x\r\nR evil@x" };
	static const char *const empty_rcpt[] = { "" };
	struct queue_envelope env = envelope();
	char *dir = test_tmpdir(), id[13];
	struct queue_entry *e = NULL;
	const char *error;

	env.recipients = bad_rcpts;
	ck_assert_int_eq(queue_entry_begin(dir, &env, id, &e, &error), -1);
	ck_assert_ptr_null(e);
	env.recipients = empty_rcpt;
	env.n_recipients = 1;
	ck_assert_int_eq(queue_entry_begin(dir, &env, id, &e, &error), -1);
	env = envelope();
	env.n_recipients = 0;
	ck_assert_int_eq(queue_entry_begin(dir, &env, id, &e, &error), -1);
	env = envelope();
	env.sender = "a@x\nR b@x";
	ck_assert_int_eq(queue_entry_begin(dir, &env, id, &e, &error), -1);
	env = envelope();
	env.auth_user = "u\r";
	ck_assert_int_eq(queue_entry_begin(dir, &env, id, &e, &error), -1);
	/* nothing was created */
	ck_assert_int_eq(test_count_dir(dir), 0);
	test_rmrf(dir);
}
END_TEST

START_TEST(test_abort)
{
	struct queue_envelope env = envelope();
	char *dir = test_tmpdir(), id[13];
	struct queue_entry *e;
	const char *error;

	ck_assert_int_eq(queue_entry_begin(dir, &env, id, &e, &error), 0);
	ck_assert_int_eq(queue_entry_write(e, "x\r\n", 3), 0);
	ck_assert_int_eq(test_count_dir(test_subdir(dir, "tmp")), 1);
	queue_entry_abort(&e);
	ck_assert_ptr_null(e);
	ck_assert_int_eq(test_count_dir(test_subdir(dir, "tmp")), 0);
	/* rollback of a committed entry */
	ck_assert_int_eq(queue_entry_begin(dir, &env, id, &e, &error), 0);
	ck_assert_int_eq(queue_entry_commit(e, &error), 0);
	ck_assert_int_eq(test_count_dir(test_subdir(dir, "new")), 1);
	queue_entry_abort(&e);
	ck_assert_int_eq(test_count_dir(test_subdir(dir, "new")), 0);
	queue_entry_abort(&e);
	queue_entry_free(&e);
	queue_entry_free(NULL);
	test_rmrf(dir);
}
END_TEST

START_TEST(test_unwritable)
{
	struct queue_envelope env = envelope();
	char *dir = test_tmpdir(), path[4200], id[13];
	struct queue_entry *e;
	const char *error = NULL;

	snprintf(path, sizeof(path), "%s/file", dir);
	test_write_file(path, "x");
	ck_assert_int_eq(queue_entry_begin(path, &env, id, &e, &error), -1);
	ck_assert_ptr_nonnull(strstr(error, path));
	test_rmrf(dir);
}
END_TEST

static Suite *
queue_suite(void)
{
	Suite *s = suite_create("queue");
	TCase *tc = tcase_create("queue");

	tcase_add_test(tc, test_format_every_split);
	tcase_add_test(tc, test_null_sender_no_auth);
	tcase_add_test(tc, test_bad_envelope);
	tcase_add_test(tc, test_abort);
	tcase_add_test(tc, test_unwritable);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(queue_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
