/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/fileio.c and lib/clock.c. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "clock.h"
#include "fileio.h"
#include "tern.h"

START_TEST(test_read_full)
{
	char dir[] = "/tmp/tern-fileio-XXXXXX", path[64], out[16];
	int fds[2], fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	(void)snprintf(path, sizeof(path), "%s/f", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "hello world", 11), 11);
	ck_assert_int_eq(close(fd), 0);

	/* Whole file, then a size limit shorter than the file. */
	fd = open(path, O_RDONLY);
	ck_assert_int_eq(read_full(fd, out, sizeof(out)), 11);
	ck_assert_int_eq(memcmp(out, "hello world", 11), 0);
	(void)close(fd);
	fd = open(path, O_RDONLY);
	ck_assert_int_eq(read_full(fd, out, 5), 5);
	(void)close(fd);

	/* A pipe delivers in pieces: read_full gathers them to EOF. */
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], "ab", 2), 2);
	ck_assert_int_eq(write(fds[1], "cd", 2), 2);
	(void)close(fds[1]);
	ck_assert_int_eq(read_full(fds[0], out, sizeof(out)), 4);
	(void)close(fds[0]);

	/* A read error is -1, not a short result. */
	ck_assert_int_eq(read_full(-1, out, sizeof(out)), -1);
	ck_assert_int_eq(errno, EBADF);

	ck_assert_int_eq(fsync_dir(dir), 0);
	ck_assert_int_eq(fsync_parent_dir(path), 0);
	ck_assert_int_eq(fsync_parent_dir("relative-name"), 0);
	ck_assert_int_eq(fsync_dir(path), -1);	/* not a directory */
	ck_assert_int_eq(errno, ENOTDIR);
	(void)unlink(path);
	(void)rmdir(dir);
}
END_TEST

START_TEST(test_read_write_file)
{
	char dir[] = "/tmp/tern-fileio-XXXXXX", path[64], bad[80];
	const char *what = NULL;
	char *data;
	size_t len;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	/* missing */
	ck_assert_int_eq(read_file_max(path, 100, &data, &len), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_null(data);
	/* written, replaced, read back NUL-terminated */
	ck_assert_int_eq(write_file_atomic(path, "old", 3, 0600, &what), 0);
	ck_assert_int_eq(write_file_atomic(path, "hello", 5, 0600, &what),
	    0);
	ck_assert_int_eq(read_file_max(path, 5, &data, &len), 0);
	ck_assert_uint_eq(len, 5);
	ck_assert_str_eq(data, "hello");
	free(data);
	/* over the bound */
	ck_assert_int_eq(read_file_max(path, 4, &data, &len), -1);
	ck_assert_int_eq(errno, EFBIG);
	/* a failed write names its step and leaves the old file */
	snprintf(bad, sizeof(bad), "%s/nodir/f", dir);
	ck_assert_int_eq(write_file_atomic(bad, "x", 1, 0600, &what), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_str_eq(what, "open");
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);	/* no temp file left */
}
END_TEST

START_TEST(test_clock)
{
	long long a = clock_monotonic_ms(), b = clock_monotonic_ms();

	ck_assert(a > 0);
	ck_assert(b >= a);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fileio");
	TCase *tc = tcase_create("fileio");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_read_full);
	tcase_add_test(tc, test_read_write_file);
	tcase_add_test(tc, test_clock);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
