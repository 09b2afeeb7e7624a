/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/dotlock.c: take and release, timeout on a live
 * lock, waiting for a holder, stale locks (old mtime, dead pid). */
#include "store_testlib.h"

#include <errno.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#include "dotlock.h"
#include "tern.h"

static char *dir;
static char file[4200], lock_file[4200];

static void
setup(void)
{
	dir = test_tmpdir();
	snprintf(file, sizeof(file), "%s/dovecot-uidlist", dir);
	snprintf(lock_file, sizeof(lock_file), "%s/dovecot-uidlist.lock", dir);
}

static void
teardown(void)
{
	test_rmrf(dir);
	dir = NULL;
}

/* A lock file with the given content and age in seconds. */
static void
make_lock(const char *content, time_t age)
{
	struct timespec ts[2];

	test_write_file(lock_file, content);
	ts[0].tv_sec = ts[1].tv_sec = time(NULL) - age;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	ck_assert_int_eq(utimensat(AT_FDCWD, lock_file, ts, 0), 0);
}

static pid_t
dead_pid(void)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	return pid;
}

static void
host(char *out, size_t size)
{
	ck_assert_int_eq(gethostname(out, size), 0);
}

START_TEST(test_take_release)
{
	struct dotlock_settings set = { 0, 0 };
	struct dotlock *lock, *lock2;
	const char *error;
	char want[300], h[256], *got;

	ck_assert_int_eq(dotlock_create(file, &set, &lock, &error), 0);
	ck_assert(dotlock_is_ours(lock));
	host(h, sizeof(h));
	snprintf(want, sizeof(want), "%ld:%s", (long)getpid(), h);
	got = test_read_file(lock_file, NULL);
	ck_assert_str_eq(got, want);
	free(got);
	/* only the lock: the temp file is gone */
	ck_assert_int_eq(test_count_dir(dir), 1);
	/* held: a second try with no timeout fails at once */
	errno = 0;
	ck_assert_int_eq(dotlock_create(file, &set, &lock2, &error), -1);
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_ptr_null(lock2);
	ck_assert_ptr_nonnull(strstr(error, "timed out"));
	ck_assert_int_eq(dotlock_touch(lock), 0);
	ck_assert_int_eq(dotlock_free(&lock), 0);
	ck_assert_ptr_null(lock);
	ck_assert_int_eq(test_count_dir(dir), 0);
	ck_assert_int_eq(dotlock_free(&lock), 0);
}
END_TEST

START_TEST(test_live_lock_times_out)
{
	struct dotlock_settings set = { 1, 0 };
	struct dotlock *lock;
	const char *error;
	char content[300], h[256];
	time_t start;

	/* a fresh lock of a live process on this host */
	host(h, sizeof(h));
	snprintf(content, sizeof(content), "%ld:%s", (long)getppid(), h);
	make_lock(content, 0);
	start = time(NULL);
	ck_assert_int_eq(dotlock_create(file, &set, &lock, &error), -1);
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_ge(time(NULL) - start, 1);
	/* the other's lock is left alone */
	ck_assert_int_eq(access(lock_file, F_OK), 0);
}
END_TEST

START_TEST(test_waits_for_holder)
{
	struct dotlock_settings set = { 10, 0 };
	struct dotlock *lock;
	const char *error;
	int fds[2], status;
	char c;
	pid_t pid;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct timespec ts = { 0, 200 * 1000 * 1000 };

		if (dotlock_create(file, &set, &lock, &error) < 0)
			_exit(1);
		if (write(fds[1], "x", 1) != 1)
			_exit(3);
		nanosleep(&ts, NULL);
		_exit(dotlock_free(&lock) == 0 ? 0 : 2);
	}
	ck_assert_int_eq(read(fds[0], &c, 1), 1);
	ck_assert_int_eq(dotlock_create(file, &set, &lock, &error), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(dotlock_free(&lock), 0);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

START_TEST(test_stale_by_mtime)
{
	struct dotlock_settings set = { 0, 0 };
	struct dotlock *lock;
	const char *error;

	/* another host's lock, older than Dovecot's 120 s */
	make_lock("12345:elsewhere.example", DOTLOCK_STALE_SECS_DEFAULT + 5);
	ck_assert_int_eq(dotlock_create(file, &set, &lock, &error), 0);
	ck_assert_int_eq(dotlock_free(&lock), 0);
	/* not old enough: kept */
	make_lock("12345:elsewhere.example", DOTLOCK_STALE_SECS_DEFAULT - 5);
	ck_assert_int_eq(dotlock_create(file, &set, &lock, &error), -1);
	/* the setting shortens it */
	set.stale_secs = 10;
	ck_assert_int_eq(dotlock_create(file, &set, &lock, &error), 0);
	ck_assert_int_eq(dotlock_free(&lock), 0);
}
END_TEST

START_TEST(test_stale_by_dead_pid)
{
	struct dotlock_settings set = { 0, 0 };
	struct dotlock *lock;
	const char *error;
	char content[300], h[256];

	host(h, sizeof(h));
	snprintf(content, sizeof(content), "%ld:%s", (long)dead_pid(), h);
	/* too young for the pid check: kept */
	make_lock(content, 0);
	ck_assert_int_eq(dotlock_create(file, &set, &lock, &error), -1);
	/* old enough and dead on this host: broken */
	make_lock(content, DOTLOCK_PID_CHECK_SECS + 1);
	ck_assert_int_eq(dotlock_create(file, &set, &lock, &error), 0);
	ck_assert_int_eq(dotlock_free(&lock), 0);
	/* same pid, other host: kept */
	snprintf(content, sizeof(content), "%ld:not-%s", (long)dead_pid(), h);
	make_lock(content, DOTLOCK_PID_CHECK_SECS + 1);
	ck_assert_int_eq(dotlock_create(file, &set, &lock, &error), -1);
	/* live pid, this host: kept */
	snprintf(content, sizeof(content), "%ld:%s", (long)getpid(), h);
	make_lock(content, DOTLOCK_PID_CHECK_SECS + 1);
	ck_assert_int_eq(dotlock_create(file, &set, &lock, &error), -1);
}
END_TEST

START_TEST(test_broken_lock_not_removed)
{
	struct dotlock_settings set = { 0, 0 };
	struct dotlock *lock;
	const char *error;

	ck_assert_int_eq(dotlock_create(file, &set, &lock, &error), 0);
	/* someone broke ours and took it */
	ck_assert_int_eq(unlink(lock_file), 0);
	make_lock("1:elsewhere", 0);
	ck_assert(!dotlock_is_ours(lock));
	ck_assert_int_eq(dotlock_touch(lock), -1);
	ck_assert_int_eq(dotlock_free(&lock), -1);
	ck_assert_int_eq(access(lock_file, F_OK), 0);
}
END_TEST

static Suite *
dotlock_suite(void)
{
	Suite *s = suite_create("dotlock");
	TCase *tc = tcase_create("lock");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_take_release);
	tcase_add_test(tc, test_live_lock_times_out);
	tcase_add_test(tc, test_waits_for_holder);
	tcase_add_test(tc, test_stale_by_mtime);
	tcase_add_test(tc, test_stale_by_dead_pid);
	tcase_add_test(tc, test_broken_lock_not_removed);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(dotlock_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
