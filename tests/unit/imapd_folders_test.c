/* SPDX-License-Identifier: MIT */
/* Tests for imapd/folders.c: the subscriptions file under concurrent
 * SUBSCRIBE from several session processes (each read-modify-write must
 * hold the lock, or one session's name is lost), and its atomic write
 * (no temp file is left behind). */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "folders.h"
#include "tern.h"

#define WRITERS 8
#define NAMES_EACH 25

static char root[] = "/tmp/tern-folders-test-XXXXXX";

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(root));
}

/* The test leaves files (and lock leftovers) at the top level only. */
static void
teardown(void)
{
	char path[sizeof(root) + 300];
	struct dirent *de;
	DIR *d = opendir(root);

	while (d != NULL && (de = readdir(d)) != NULL) {
		(void)snprintf(path, sizeof(path), "%s/%s", root, de->d_name);
		(void)unlink(path);
	}
	if (d != NULL)
		closedir(d);
	(void)rmdir(root);
}

START_TEST(test_subscribe_concurrent)
{
	struct arena *a = arena_new(0);
	char **names, name[32];
	size_t n;
	pid_t pids[WRITERS];
	int w, i, status;
	DIR *d;
	struct dirent *de;

	for (w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		ck_assert_int_ge(pids[w], 0);
		if (pids[w] == 0) {
			for (i = 0; i < NAMES_EACH; i++) {
				(void)snprintf(name, sizeof(name), "w%d-%d", w,
				    i);
				if (folders_subscribe(root, name, true) < 0)
					_exit(1);
			}
			_exit(0);
		}
	}
	for (w = 0; w < WRITERS; w++) {
		ck_assert_int_eq(waitpid(pids[w], &status, 0), pids[w]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	ck_assert_int_eq(folders_subscriptions(root, a, &names, &n), 0);
	ck_assert_uint_eq(n, WRITERS * NAMES_EACH);
	for (w = 0; w < WRITERS; w++) {
		for (i = 0; i < NAMES_EACH; i++) {
			(void)snprintf(name, sizeof(name), "w%d-%d", w, i);
			ck_assert_msg(folders_is_subscribed(names, n, name),
			    "%s lost", name);
		}
	}
	/* unsubscribe keeps the others; nothing but the file is left */
	ck_assert_int_eq(folders_subscribe(root, "w0-0", false), 0);
	ck_assert_int_eq(folders_subscriptions(root, a, &names, &n), 0);
	ck_assert_uint_eq(n, WRITERS * NAMES_EACH - 1);
	d = opendir(root);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			ck_assert_str_eq(de->d_name, FOLDERS_SUBSCRIPTIONS_FILE);
	}
	closedir(d);
	arena_free(&a);
}
END_TEST

static Suite *
folders_suite(void)
{
	Suite *s = suite_create("imapd_folders");
	TCase *tc = tcase_create("subscriptions");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_subscribe_concurrent);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(folders_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
