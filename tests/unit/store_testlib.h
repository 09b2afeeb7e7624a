/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the store's unit tests: a fresh temp directory under /tmp,
 * removal of a tree, writing and reading small files.
 */
#ifndef TERN_STORE_TESTLIB_H
#define TERN_STORE_TESTLIB_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tern.h"

static inline char *
test_tmpdir(void)
{
	char tmpl[] = "/tmp/tern-store-XXXXXX";
	char *p = mkdtemp(tmpl);

	ck_assert_ptr_nonnull(p);
	return strdup(p);
}

static inline int
rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static inline void
test_rmrf(char *dir)
{
	if (dir == NULL)
		return;
	(void)nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

static inline void
test_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f != NULL, "fopen %s", path);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* The whole file, malloc()ed, NUL-terminated; *len_r its size. */
static inline char *
test_read_file(const char *path, size_t *len_r)
{
	FILE *f = fopen(path, "r");
	char *data = malloc(1 << 20);
	size_t n;

	ck_assert_msg(f != NULL, "fopen %s", path);
	n = fread(data, 1, (1 << 20) - 1, f);
	data[n] = '\0';
	fclose(f);
	if (len_r != NULL)
		*len_r = n;
	return data;
}

/* "<dir>/<sub>" in one of four static buffers. */
static inline const char *
test_subdir(const char *dir, const char *sub)
{
	static char bufs[4][4200];
	static int next;
	char *b = bufs[next++ % 4];

	snprintf(b, sizeof(bufs[0]), "%s/%s", dir, sub);
	return b;
}

/* Number of entries (not . and ..) in a directory. */
static inline int
test_count_dir(const char *path)
{
	char cmd[4200];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", path);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

#endif
