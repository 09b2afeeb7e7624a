/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for imapd/msgcache: round trip of every kind, base name and
 * UIDVALIDITY checks, a torn tail (ignored) and corruption (rebuilt),
 * two writers on one file, a file replaced or deleted under an open
 * cache, compaction, the size limits, records grouped by kind, records
 * bigger than a lookup's window, and the index file (used, ignored when
 * damaged or stale, dropped when it lies, rewritten after compaction).
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "msgcache.h"
#include "store_testlib.h"
#include "tern.h"

#define UV 1700000000u

static char *dir;
static char path[512];
static char ipath[512];

static void
setup(void)
{
	dir = test_tmpdir();
	(void)snprintf(path, sizeof(path), "%s/%s", dir, MSGCACHE_FILE_NAME);
	(void)snprintf(ipath, sizeof(ipath), "%s/%s%s", dir,
	    MSGCACHE_FILE_NAME, MSGCACHE_INDEX_SUFFIX);
}

static void
teardown(void)
{
	test_rmrf(dir);
	dir = NULL;
}

/* The base name and data test records use for uid and kind. */
static struct span
base_of(uint32_t uid, char *out, size_t size)
{
	int n = snprintf(out, size, "1700000000.M%uP1.host,S=%u,W=%u", uid,
	    uid * 10, uid * 11);

	return span_make(out, (size_t)n);
}

static struct span
data_of(uint32_t uid, int kind, char *out, size_t size)
{
	int n = snprintf(out, size, "kind %d of %u: (\"text\" \"plain\" NIL)"
	    "\r\nFrom: a@b\r\n", kind, uid);

	return span_make(out, (size_t)n);
}

static void
add_all(struct msgcache *c, uint32_t from, uint32_t to, uint32_t step)
{
	char b[128], d[128];
	uint32_t uid;
	int k;

	for (uid = from; uid <= to; uid += step)
		for (k = 0; k < MSGCACHE_KINDS; k++)
			msgcache_add(c, uid, base_of(uid, b, sizeof(b)),
			    (enum msgcache_kind)k, data_of(uid, k, d,
			    sizeof(d)));
}

/* How many of uid from..to (all kinds) c returns, checking the bytes. */
static unsigned
count_hits(struct msgcache *c, uint32_t from, uint32_t to)
{
	char b[128], d[128];
	struct span got, want;
	unsigned hits = 0;
	uint32_t uid;
	int k;

	for (uid = from; uid <= to; uid++) {
		for (k = 0; k < MSGCACHE_KINDS; k++) {
			if (!msgcache_lookup(c, uid, base_of(uid, b,
			    sizeof(b)), (enum msgcache_kind)k, &got))
				continue;
			want = data_of(uid, k, d, sizeof(d));
			ck_assert_uint_eq(got.len, want.len);
			ck_assert(memcmp(got.p, want.p, want.len) == 0);
			hits++;
		}
	}
	return hits;
}

static off_t
file_size(void)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_size;
}

/* Overwrite one byte of the file at off. */
static void
poke(off_t off, char byte)
{
	int fd = open(path, O_WRONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, &byte, 1, off), 1);
	ck_assert_int_eq(close(fd), 0);
}

START_TEST(test_round_trip)
{
	struct msgcache *c = msgcache_new(dir, UV), *c2;
	char b[128];
	struct span got;

	ck_assert(msgcache_is(c, dir, UV));
	ck_assert(!msgcache_is(c, dir, UV + 1));
	ck_assert(!msgcache_is(c, "/elsewhere", UV));
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	ck_assert_uint_eq(count_hits(c, 1, 300), 0);
	/* added in a random-ish order, several batches */
	add_all(c, 101, 300, 1);
	add_all(c, 1, 100, 2);
	add_all(c, 2, 100, 2);
	msgcache_release(c);
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	ck_assert_uint_eq(count_hits(c, 1, 300), 300 * MSGCACHE_KINDS);
	ck_assert_uint_eq(count_hits(c, 301, 310), 0);
	msgcache_release(c);

	/* another process indexes it from scratch */
	c2 = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(c2, NULL, NULL), 0);
	ck_assert_uint_eq(count_hits(c2, 1, 300), 300 * MSGCACHE_KINDS);
	ck_assert_uint_eq(msgcache_stats(c2)->records, 300 * MSGCACHE_KINDS);
	ck_assert_uint_eq(msgcache_stats(c2)->rebuilds, 0);
	/* the wrong base name (a reused UID, a renamed file): a miss */
	ck_assert(!msgcache_lookup(c2, 7, base_of(8, b, sizeof(b)),
	    MSGCACHE_HEADER, &got));
	ck_assert(!msgcache_lookup(c2, 7, span_make(b, 3), MSGCACHE_HEADER,
	    &got));
	/* a newer record of a UID and kind wins */
	msgcache_add(c2, 7, base_of(7, b, sizeof(b)), MSGCACHE_ENVELOPE,
	    span_str("NEWER"));
	msgcache_release(c2);
	ck_assert_int_eq(msgcache_refresh(c2, NULL, NULL), 0);
	ck_assert(msgcache_lookup(c2, 7, base_of(7, b, sizeof(b)),
	    MSGCACHE_ENVELOPE, &got));
	ck_assert_uint_eq(got.len, 5);
	ck_assert(memcmp(got.p, "NEWER", 5) == 0);
	msgcache_free(&c2);
	ck_assert_ptr_null(c2);
	msgcache_free(&c);
	msgcache_free(&c);
}
END_TEST

START_TEST(test_empty_data)
{
	struct msgcache *c = msgcache_new(dir, UV);
	char b[128];
	struct span got;

	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	msgcache_add(c, 5, base_of(5, b, sizeof(b)), MSGCACHE_HEADER,
	    span_make("", 0));
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	ck_assert(msgcache_lookup(c, 5, base_of(5, b, sizeof(b)),
	    MSGCACHE_HEADER, &got));
	ck_assert_uint_eq(got.len, 0);
	msgcache_free(&c);
}
END_TEST

/* Temp files a dead session left are removed when a new one is made;
 * a live writer's (fresh) one and other files stay. */
START_TEST(test_stale_temps)
{
	static const char *const names[] = { "tern-cache.0a1b2c3d4e5f.tmp",
	    "tern-cache.index.0a1b2c3d4e5f.tmp", "tern-cache.young.tmp",
	    "tern-cache.old-but-kept" };
	struct timespec old[2] = { { 0, 0 }, { 0, 0 } };
	struct msgcache *c;
	char p[600];
	size_t i;

	old[0].tv_sec = old[1].tv_sec = time(NULL) - 2 * 3600;
	for (i = 0; i < N_ELEMENTS(names); i++) {
		(void)snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		test_write_file(p, "partial");
		if (i != 2)
			ck_assert_int_eq(utimensat(AT_FDCWD, p, old, 0), 0);
	}
	c = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	msgcache_free(&c);
	for (i = 0; i < N_ELEMENTS(names); i++) {
		(void)snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		ck_assert_int_eq(access(p, F_OK) == 0, i >= 2);
	}
}
END_TEST

START_TEST(test_uidvalidity_changed)
{
	struct msgcache *c = msgcache_new(dir, UV), *c2;

	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	add_all(c, 1, 50, 1);
	msgcache_free(&c);
	c2 = msgcache_new(dir, UV + 1);
	ck_assert_int_eq(msgcache_refresh(c2, NULL, NULL), 0);
	ck_assert_uint_eq(msgcache_stats(c2)->rebuilds, 1);
	ck_assert_str_eq(msgcache_stats(c2)->last_error,
	    "UIDVALIDITY changed");
	ck_assert_uint_eq(count_hits(c2, 1, 50), 0);
	ck_assert_int_eq(file_size(), 32);
	msgcache_free(&c2);
}
END_TEST

START_TEST(test_torn_tail)
{
	struct msgcache *c = msgcache_new(dir, UV), *c2;
	off_t size;

	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	add_all(c, 1, 10, 1);
	msgcache_free(&c);
	size = file_size();
	/* a crash in the middle of the last record */
	ck_assert_int_eq(truncate(path, size - 5), 0);
	c = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	ck_assert_uint_eq(msgcache_stats(c)->rebuilds, 0);
	ck_assert_uint_eq(count_hits(c, 1, 10), 10 * MSGCACHE_KINDS - 1);
	/* less of the record, and of the one before: c sees the file
	 * shrink below what it indexed */
	ck_assert_int_eq(truncate(path, size - 300), 0);
	c2 = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(c2, NULL, NULL), 0);
	ck_assert_uint_eq(msgcache_stats(c2)->rebuilds, 0);
	msgcache_free(&c2);
	/* c sees the file shrink under it: rebuilt */
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	ck_assert_uint_eq(msgcache_stats(c)->rebuilds, 1);
	ck_assert_uint_eq(count_hits(c, 1, 10), 0);
	msgcache_free(&c);
}
END_TEST

START_TEST(test_torn_then_appended)
{
	struct msgcache *c = msgcache_new(dir, UV);

	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	add_all(c, 1, 10, 1);
	msgcache_free(&c);
	ck_assert_int_eq(truncate(path, file_size() - 5), 0);
	/* a later writer appends after the torn record: the file cannot
	 * be read past it any more, so it is rebuilt */
	c = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	add_all(c, 11, 12, 1);
	msgcache_release(c);
	msgcache_free(&c);
	c = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	ck_assert_uint_eq(msgcache_stats(c)->rebuilds, 1);
	ck_assert_uint_eq(count_hits(c, 1, 12), 0);
	ck_assert_int_eq(file_size(), 32);
	msgcache_free(&c);
}
END_TEST

/* Corruption anywhere: rebuilt, nothing returned. A record's hash is
 * checked when the record is first used (lazy): it is then a miss, the
 * others still hit, and the next refresh rebuilds the file. */
static const struct {
	off_t off;		/* from the start; negative: from the end */
	char byte;
	const char *why;
	bool lazy;		/* found by a lookup, not by indexing */
} corrupt_cases[] = {
	{ 0, 'X', "bad magic", false },
	{ 12, 9, "bad header checksum", false },
	{ 40, 'x', "bad record checksum", true },	/* data of record 1 */
	{ 32 + 4, 3, "bad record", false },		/* len of record 1 */
	{ 32, 0, "bad record", false },		/* magic of record 1 */
	{ 32 + 17, 7, "bad record checksum", true },	/* uid of record 1 */
	{ -200, 'q', "bad record checksum", true },
};

START_TEST(test_corrupt)
{
	struct msgcache *c = msgcache_new(dir, UV);
	off_t off = corrupt_cases[_i].off;

	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	add_all(c, 1, 20, 1);
	msgcache_free(&c);
	poke(off >= 0 ? off : file_size() + off, corrupt_cases[_i].byte);
	c = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	if (corrupt_cases[_i].lazy) {
		char b[128];
		struct span got;

		ck_assert_uint_eq(msgcache_stats(c)->rebuilds, 0);
		/* the bad record misses (count_hits checks the bytes) */
		ck_assert_uint_eq(count_hits(c, 1, 20),
		    20 * MSGCACHE_KINDS - 1);
		/* the uid case: the record now claims another UID, and
		 * its base name is not that UID's */
		if (corrupt_cases[_i].off == 32 + 17)
			ck_assert(!msgcache_lookup(c, 1 + 7 * 256,
			    base_of(1, b, sizeof(b)), MSGCACHE_HEADER, &got));
		ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	}
	ck_assert_uint_eq(msgcache_stats(c)->rebuilds, 1);
	ck_assert_str_eq(msgcache_stats(c)->last_error, corrupt_cases[_i].why);
	ck_assert_uint_eq(count_hits(c, 1, 20), 0);
	ck_assert_int_eq(file_size(), 32);
	/* and it works again */
	add_all(c, 1, 3, 1);
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	ck_assert_uint_eq(count_hits(c, 1, 20), 3 * MSGCACHE_KINDS);
	msgcache_free(&c);
}
END_TEST

START_TEST(test_garbage_files)
{
	static const char *const texts[] = {
		"", "TERNCACH", "hello world, this is not a cache file at all",
	};
	struct msgcache *c;
	size_t i;

	for (i = 0; i < N_ELEMENTS(texts); i++) {
		test_write_file(path, texts[i]);
		c = msgcache_new(dir, UV);
		ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
		ck_assert_uint_eq(msgcache_stats(c)->rebuilds, 1);
		ck_assert_int_eq(file_size(), 32);
		msgcache_free(&c);
	}
}
END_TEST

START_TEST(test_two_writers)
{
	struct msgcache *a = msgcache_new(dir, UV), *b = msgcache_new(dir, UV);
	uint32_t uid;

	ck_assert_int_eq(msgcache_refresh(a, NULL, NULL), 0);
	ck_assert_int_eq(msgcache_refresh(b, NULL, NULL), 0);
	/* interleaved appends, each flushed at once */
	for (uid = 1; uid <= 200; uid++) {
		struct msgcache *w = uid % 2 == 0 ? a : b;

		add_all(w, uid, uid, 1);
		if (uid % 3 == 0)
			msgcache_flush(w);
	}
	msgcache_release(a);
	msgcache_release(b);
	ck_assert_int_eq(msgcache_refresh(a, NULL, NULL), 0);
	ck_assert_int_eq(msgcache_refresh(b, NULL, NULL), 0);
	ck_assert_uint_eq(count_hits(a, 1, 200), 200 * MSGCACHE_KINDS);
	ck_assert_uint_eq(count_hits(b, 1, 200), 200 * MSGCACHE_KINDS);
	ck_assert_uint_eq(msgcache_stats(a)->rebuilds, 0);
	ck_assert_uint_eq(msgcache_stats(b)->rebuilds, 0);
	/* both write the same message: either record will do */
	add_all(a, 300, 300, 1);
	add_all(b, 300, 300, 1);
	ck_assert_int_eq(msgcache_refresh(a, NULL, NULL), 0);
	ck_assert_int_eq(msgcache_refresh(b, NULL, NULL), 0);
	ck_assert_uint_eq(count_hits(a, 300, 300), MSGCACHE_KINDS);
	ck_assert_uint_eq(count_hits(b, 300, 300), MSGCACHE_KINDS);
	msgcache_free(&a);
	msgcache_free(&b);
}
END_TEST

/* A file of several ascending runs (one per FETCH 1:*), long and short,
 * descending ones, and duplicates: indexed whole by a new cache. */
START_TEST(test_runs)
{
	struct msgcache *c = msgcache_new(dir, UV);
	char b[128];
	struct span d = span_make("other", 5), got;
	uint32_t uid;

	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	add_all(c, 1, 700, 1);		/* 3,500 records, ascending */
	add_all(c, 2, 700, 3);		/* the same again, a later run */
	for (uid = 900; uid > 700; uid--)	/* short runs, descending */
		add_all(c, uid, uid, 1);
	add_all(c, 1, 900, 1);		/* a long run over all of them */
	/* a later record of a kind wins */
	msgcache_add(c, 5, base_of(5, b, sizeof(b)), MSGCACHE_BODY, d);
	msgcache_free(&c);
	c = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	ck_assert(msgcache_lookup(c, 5, base_of(5, b, sizeof(b)),
	    MSGCACHE_BODY, &got));
	ck_assert_uint_eq(got.len, 5);
	ck_assert(memcmp(got.p, "other", 5) == 0);
	ck_assert_uint_eq(count_hits(c, 6, 900), 895 * MSGCACHE_KINDS);
	ck_assert_uint_eq(count_hits(c, 1, 4), 4 * MSGCACHE_KINDS);
	ck_assert_uint_eq(msgcache_stats(c)->rebuilds, 0);
	msgcache_free(&c);
}
END_TEST

START_TEST(test_two_writers_forked)
{
	struct msgcache *c;
	pid_t pid[2];
	int i, status;

	c = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	msgcache_free(&c);
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		ck_assert_int_ge(pid[i], 0);
		if (pid[i] == 0) {
			uint32_t uid;

			c = msgcache_new(dir, UV);
			if (msgcache_refresh(c, NULL, NULL) < 0)
				_exit(1);
			for (uid = (uint32_t)i + 1; uid <= 4000; uid += 2) {
				add_all(c, uid, uid, 1);
				msgcache_flush(c);
			}
			msgcache_free(&c);
			_exit(0);
		}
	}
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(waitpid(pid[i], &status, 0), pid[i]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	c = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	ck_assert_uint_eq(msgcache_stats(c)->rebuilds, 0);
	ck_assert_uint_eq(count_hits(c, 1, 4000), 4000 * MSGCACHE_KINDS);
	msgcache_free(&c);
}
END_TEST

START_TEST(test_incremental)
{
	struct msgcache *a = msgcache_new(dir, UV), *b = msgcache_new(dir, UV);

	ck_assert_int_eq(msgcache_refresh(a, NULL, NULL), 0);
	add_all(a, 50, 100, 1);
	ck_assert_int_eq(msgcache_refresh(a, NULL, NULL), 0);
	ck_assert_int_eq(msgcache_refresh(b, NULL, NULL), 0);
	/* b adds lower and higher UIDs and more kinds of known ones */
	add_all(b, 1, 49, 1);
	add_all(b, 101, 120, 1);
	msgcache_release(b);
	ck_assert_uint_eq(count_hits(a, 1, 120), 51 * MSGCACHE_KINDS);
	ck_assert_int_eq(msgcache_refresh(a, NULL, NULL), 0);
	ck_assert_uint_eq(count_hits(a, 1, 120), 120 * MSGCACHE_KINDS);
	ck_assert_uint_eq(msgcache_stats(a)->records, 120 * MSGCACHE_KINDS);
	msgcache_free(&a);
	msgcache_free(&b);
}
END_TEST

START_TEST(test_replaced_or_deleted)
{
	struct msgcache *a = msgcache_new(dir, UV), *b;

	ck_assert_int_eq(msgcache_refresh(a, NULL, NULL), 0);
	add_all(a, 1, 10, 1);
	ck_assert_int_eq(msgcache_refresh(a, NULL, NULL), 0);
	ck_assert_uint_eq(count_hits(a, 1, 10), 10 * MSGCACHE_KINDS);
	/* deleted: a cache loses nothing; a makes a new one */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(msgcache_refresh(a, NULL, NULL), 0);
	ck_assert_uint_eq(msgcache_stats(a)->reopens, 1);
	ck_assert_uint_eq(count_hits(a, 1, 10), 0);
	add_all(a, 1, 2, 1);
	msgcache_release(a);
	/* replaced by another process (b rebuilds it for a corrupt
	 * header): a notices the new file */
	poke(0, 'x');
	b = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(b, NULL, NULL), 0);
	ck_assert_uint_eq(msgcache_stats(b)->rebuilds, 1);
	add_all(b, 5, 5, 1);
	msgcache_release(b);
	ck_assert_int_eq(msgcache_refresh(a, NULL, NULL), 0);
	ck_assert_uint_eq(msgcache_stats(a)->reopens, 2);
	ck_assert_uint_eq(count_hits(a, 1, 10), MSGCACHE_KINDS);
	msgcache_free(&a);
	msgcache_free(&b);
}
END_TEST

static bool
live_all(void *ctx, uint32_t uid, struct span base)
{
	unsigned *calls = ctx;

	(*calls)++;
	return uid > 0 && base.len > 0;
}

static bool
live_upto_10(void *ctx, uint32_t uid, struct span base)
{
	unsigned *calls = ctx;

	(*calls)++;
	return uid <= 10 && base.len > 0;
}

/* How many times the kind changes from one record to the next in the
 * file (records of a kind together: few). */
static unsigned
kind_changes(void)
{
	size_t len, off = 32;
	char *data = test_read_file(path, &len);
	unsigned changes = 0;
	int last = -1;

	while (off + 24 <= len) {
		const unsigned char *r = (const unsigned char *)data + off;
		uint32_t rlen = (uint32_t)r[4] | (uint32_t)r[5] << 8 |
		    (uint32_t)r[6] << 16 | (uint32_t)r[7] << 24;

		if (last >= 0 && r[20] != last)
			changes++;
		last = r[20];
		ck_assert_uint_ge(rlen, 24);
		off += rlen;
	}
	ck_assert_uint_eq(off, len);
	free(data);
	return changes;
}

START_TEST(test_compaction)
{
	struct msgcache *c = msgcache_new(dir, UV), *other;
	static char big[4000];
	char b[128];
	unsigned calls = 0;
	uint32_t uid;
	off_t before;

	memset(big, 'h', sizeof(big));
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	for (uid = 1; uid <= 200; uid++)
		msgcache_add(c, uid, base_of(uid, b, sizeof(b)),
		    MSGCACHE_HEADER, span_make(big, sizeof(big)));
	add_all(c, 1, 200, 1);
	msgcache_free(&c);
	before = file_size();
	ck_assert_int_gt(before, 200 * 4000);
	other = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(other, NULL, NULL), 0);
	/* other wrote an index file (without checking for compaction, as
	 * it has no live()); without it, c indexes the file in full and
	 * checks */
	ck_assert_uint_eq(msgcache_stats(other)->index_writes, 1);
	ck_assert_int_eq(unlink(ipath), 0);
	c = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(c, live_upto_10, &calls), 0);
	ck_assert_uint_gt(calls, 0);
	ck_assert_uint_eq(msgcache_stats(c)->compactions, 1);
	ck_assert_int_lt(file_size(), before / 10);
	ck_assert_uint_eq(count_hits(c, 1, 10), 10 * MSGCACHE_KINDS);
	ck_assert(msgcache_lookup(c, 3, base_of(3, b, sizeof(b)),
	    MSGCACHE_ENVELOPE, &(struct span){ NULL, 0 }));
	ck_assert_uint_eq(count_hits(c, 11, 200), 0);
	/* written kind by kind */
	ck_assert_uint_eq(kind_changes(), MSGCACHE_KINDS - 1);
	/* the other process follows the rename */
	ck_assert_int_eq(msgcache_refresh(other, NULL, NULL), 0);
	ck_assert_uint_eq(msgcache_stats(other)->reopens, 1);
	ck_assert_uint_eq(count_hits(other, 1, 200), 10 * MSGCACHE_KINDS);
	msgcache_free(&other);
	/* nothing dead now: a new index does not compact again */
	msgcache_free(&c);
	c = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(c, live_upto_10, &calls), 0);
	ck_assert_uint_eq(msgcache_stats(c)->compactions, 0);
	msgcache_free(&c);
}
END_TEST

/* One append puts the records of each kind together. */
START_TEST(test_grouped_by_kind)
{
	struct msgcache *c = msgcache_new(dir, UV);

	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	add_all(c, 1, 40, 1);
	msgcache_release(c);
	ck_assert_uint_eq(kind_changes(), MSGCACHE_KINDS - 1);
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	ck_assert_uint_eq(count_hits(c, 1, 40), 40 * MSGCACHE_KINDS);
	msgcache_free(&c);
}
END_TEST

/* UIDs 1..N_BIG of all kinds make a file over MSGCACHE_INDEX_MIN. */
#define N_BIG 600

/* A cache file of N_BIG UIDs and its index file, as a second session
 * leaves them. */
static void
make_indexed(void)
{
	struct msgcache *c = msgcache_new(dir, UV);

	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	add_all(c, 1, N_BIG, 1);
	msgcache_free(&c);
	ck_assert_int_gt(file_size(), MSGCACHE_INDEX_MIN);
	c = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	ck_assert_uint_eq(msgcache_stats(c)->index_writes, 1);
	ck_assert_uint_eq(msgcache_stats(c)->records, N_BIG * MSGCACHE_KINDS);
	ck_assert_uint_eq(count_hits(c, 1, N_BIG), N_BIG * MSGCACHE_KINDS);
	msgcache_free(&c);
}

START_TEST(test_index_used)
{
	struct msgcache *c, *w;
	char b[128];
	struct span got;

	make_indexed();
	c = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	ck_assert_uint_eq(msgcache_stats(c)->index_loads, 1);
	ck_assert_uint_eq(msgcache_stats(c)->records, 0);
	ck_assert_uint_eq(count_hits(c, 1, N_BIG), N_BIG * MSGCACHE_KINDS);
	ck_assert_uint_eq(count_hits(c, N_BIG + 1, N_BIG + 20), 0);
	ck_assert(!msgcache_lookup(c, 7, base_of(8, b, sizeof(b)),
	    MSGCACHE_HEADER, &got));
	msgcache_release(c);

	/* another session appends meanwhile: new UIDs and a newer record
	 * of one in the index file */
	w = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(w, NULL, NULL), 0);
	add_all(w, N_BIG + 1, N_BIG + 10, 1);
	msgcache_add(w, 7, base_of(7, b, sizeof(b)), MSGCACHE_ENVELOPE,
	    span_str("NEWER"));
	msgcache_free(&w);
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	ck_assert_uint_eq(count_hits(c, N_BIG + 1, N_BIG + 10),
	    10 * MSGCACHE_KINDS);
	ck_assert(msgcache_lookup(c, 7, base_of(7, b, sizeof(b)),
	    MSGCACHE_ENVELOPE, &got));
	ck_assert_uint_eq(got.len, 5);
	ck_assert(memcmp(got.p, "NEWER", 5) == 0);
	ck_assert(msgcache_lookup(c, 7, base_of(7, b, sizeof(b)),
	    MSGCACHE_HEADER, &got));
	msgcache_free(&c);
	/* and a new session: the index file, then the tail */
	c = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	ck_assert_uint_eq(msgcache_stats(c)->index_loads, 1);
	ck_assert_uint_eq(msgcache_stats(c)->records,
	    10 * MSGCACHE_KINDS + 1);
	ck_assert_uint_eq(count_hits(c, N_BIG + 1, N_BIG + 10),
	    10 * MSGCACHE_KINDS);
	ck_assert(msgcache_lookup(c, 7, base_of(7, b, sizeof(b)),
	    MSGCACHE_ENVELOPE, &got));
	ck_assert_uint_eq(got.len, 5);
	ck_assert_uint_eq(msgcache_stats(c)->rebuilds, 0);
	msgcache_free(&c);
}
END_TEST

/* Ways an index file goes bad: each is ignored (the cache file is
 * scanned, nothing is lost, a new index file is written). */
enum index_damage {
	ID_TRUNCATED, ID_EMPTY, ID_PAYLOAD, ID_HEADER, ID_GARBAGE,
	ID_LONGER, ID_STALE
};

START_TEST(test_index_ignored)
{
	enum index_damage d = (enum index_damage)_i;
	struct msgcache *c;
	size_t len;
	char *data;
	FILE *f;

	make_indexed();
	data = test_read_file(ipath, &len);
	switch (d) {
	case ID_TRUNCATED:
		len -= 3;
		break;
	case ID_EMPTY:
		len = 0;
		break;
	case ID_PAYLOAD:
		data[len - 100] ^= 1;
		break;
	case ID_HEADER:
		data[30] ^= 1;
		break;
	case ID_GARBAGE:
		memset(data, 'x', len);
		break;
	case ID_LONGER:
		data = realloc(data, len + 4);
		ck_assert_ptr_nonnull(data);
		memset(data + len, 0, 4);
		len += 4;
		break;
	case ID_STALE: {
		/* the cache file rebuilt (same size, other records): the
		 * index describes another file */
		struct msgcache *r = msgcache_new(dir, UV + 1);

		ck_assert_int_eq(msgcache_refresh(r, NULL, NULL), 0);
		msgcache_free(&r);
		r = msgcache_new(dir, UV);
		ck_assert_int_eq(msgcache_refresh(r, NULL, NULL), 0);
		add_all(r, 2, N_BIG + 1, 1);
		msgcache_free(&r);
		break;
	}
	}
	f = fopen(ipath, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	free(data);
	c = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	ck_assert_uint_eq(msgcache_stats(c)->index_loads, 0);
	ck_assert_uint_eq(msgcache_stats(c)->index_ignored, 1);
	ck_assert_uint_eq(msgcache_stats(c)->rebuilds, 0);
	ck_assert_uint_eq(msgcache_stats(c)->index_writes, 1);
	if (d == ID_STALE) {
		ck_assert_uint_eq(count_hits(c, 1, 1), 0);
		ck_assert_uint_eq(count_hits(c, 2, N_BIG + 1),
		    N_BIG * MSGCACHE_KINDS);
	} else {
		ck_assert_uint_eq(count_hits(c, 1, N_BIG),
		    N_BIG * MSGCACHE_KINDS);
	}
	msgcache_free(&c);
	/* the new one is used */
	c = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	ck_assert_uint_eq(msgcache_stats(c)->index_loads, 1);
	msgcache_free(&c);
}
END_TEST

/* An index file that checks but points at a wrong record (here: the
 * record changed under it): a miss, then dropped and scanned again. */
START_TEST(test_index_lies)
{
	struct msgcache *c;
	size_t len, off = 32;
	char *data = NULL, b[128];
	struct span got;
	unsigned char *r;

	make_indexed();
	/* change the UID of uid 5's HEADER record in the cache file */
	data = test_read_file(path, &len);
	for (;;) {
		r = (unsigned char *)data + off;
		if (r[16] == 5 && r[17] == 0 && r[20] == MSGCACHE_HEADER)
			break;
		off += (size_t)r[4] | (size_t)r[5] << 8 | (size_t)r[6] << 16;
		ck_assert_uint_lt(off, len);
	}
	free(data);
	poke((off_t)off + 16, 6);
	c = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	ck_assert_uint_eq(msgcache_stats(c)->index_loads, 1);
	ck_assert(!msgcache_lookup(c, 5, base_of(5, b, sizeof(b)),
	    MSGCACHE_HEADER, &got));
	ck_assert_uint_eq(count_hits(c, 6, 10), 5 * MSGCACHE_KINDS);
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	ck_assert_uint_eq(msgcache_stats(c)->index_dropped, 1);
	/* scanned in full: the record is now uid 6's, whose hash fails
	 * when used (then the file is rebuilt) */
	ck_assert_uint_eq(msgcache_stats(c)->records, N_BIG * MSGCACHE_KINDS);
	ck_assert(!msgcache_lookup(c, 5, base_of(5, b, sizeof(b)),
	    MSGCACHE_HEADER, &got));
	msgcache_free(&c);
}
END_TEST

/* Compacted while an index file exists: the records are found again. */
START_TEST(test_index_compaction)
{
	struct msgcache *c;
	unsigned calls = 0;

	make_indexed();
	c = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	/* two more copies of everything: two thirds of the file are
	 * dead */
	add_all(c, 1, N_BIG, 1);
	add_all(c, 1, N_BIG, 1);
	msgcache_free(&c);
	c = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(c, live_all, &calls), 0);
	ck_assert_uint_eq(msgcache_stats(c)->compactions, 1);
	ck_assert_uint_eq(count_hits(c, 1, N_BIG), N_BIG * MSGCACHE_KINDS);
	msgcache_free(&c);
	c = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(c, live_all, &calls), 0);
	ck_assert_uint_eq(msgcache_stats(c)->index_loads, 1);
	ck_assert_uint_eq(msgcache_stats(c)->records, 0);
	ck_assert_uint_eq(msgcache_stats(c)->compactions, 0);
	ck_assert_uint_eq(count_hits(c, 1, N_BIG), N_BIG * MSGCACHE_KINDS);
	msgcache_free(&c);
}
END_TEST

START_TEST(test_index_check)
{
	size_t len, entries;
	const char *error;
	struct stat st;
	char *data;

	make_indexed();
	ck_assert_int_eq(stat(path, &st), 0);
	data = test_read_file(ipath, &len);
	ck_assert_int_eq(msgcache_index_check(span_make(data, len), UV,
	    st.st_ino, (uint64_t)st.st_size, &entries, &error), 0);
	ck_assert_uint_eq(entries, N_BIG);
	ck_assert_int_eq(msgcache_index_check(span_make(data, len), UV,
	    st.st_ino + 1, (uint64_t)st.st_size, &entries, &error), -1);
	ck_assert_str_eq(error, "other cache file");
	ck_assert_int_eq(msgcache_index_check(span_make(data, len), UV,
	    st.st_ino, (uint64_t)st.st_size - 1, &entries, &error), -1);
	ck_assert_int_eq(msgcache_index_check(span_make(data, len - 1), UV,
	    st.st_ino, (uint64_t)st.st_size, &entries, &error), -1);
	ck_assert_int_eq(msgcache_index_check(span_make(data, 10), UV,
	    st.st_ino, (uint64_t)st.st_size, &entries, &error), -1);
	free(data);
}
END_TEST

/* Records bigger than a lookup's read window come whole; the kinds of
 * one UID stay valid together. */
START_TEST(test_big_records)
{
	struct msgcache *c = msgcache_new(dir, UV);
	static char big[150 * 1024];
	struct span got[MSGCACHE_KINDS];
	char b[128], d[128];
	uint32_t uid;
	int k;

	memset(big, 'b', sizeof(big));
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	for (uid = 1; uid <= 6; uid++) {
		add_all(c, uid, uid, 1);
		if (uid % 2 == 0)
			msgcache_add(c, uid, base_of(uid, b, sizeof(b)),
			    MSGCACHE_HEADER, span_make(big, sizeof(big) -
			    uid));
	}
	msgcache_free(&c);
	c = msgcache_new(dir, UV);
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	for (uid = 1; uid <= 6; uid++) {
		for (k = 0; k < MSGCACHE_KINDS; k++)
			ck_assert(msgcache_lookup(c, uid, base_of(uid, b,
			    sizeof(b)), (enum msgcache_kind)k, &got[k]));
		for (k = 0; k < MSGCACHE_KINDS; k++) {
			struct span want = data_of(uid, k, d, sizeof(d));

			if (k == MSGCACHE_HEADER && uid % 2 == 0) {
				ck_assert_uint_eq(got[k].len,
				    sizeof(big) - uid);
				ck_assert(memcmp(got[k].p, big,
				    got[k].len) == 0);
				continue;
			}
			ck_assert_uint_eq(got[k].len, want.len);
			ck_assert(memcmp(got[k].p, want.p, want.len) == 0);
		}
	}
	ck_assert_uint_eq(msgcache_stats(c)->rebuilds, 0);
	msgcache_free(&c);
}
END_TEST

START_TEST(test_limits)
{
	struct msgcache *c = msgcache_new(dir, UV);
	char b[128], longname[MSGCACHE_NAME_MAX + 2];
	char *huge = malloc(MSGCACHE_RECORD_MAX);
	struct span got, base;

	ck_assert_ptr_nonnull(huge);
	memset(huge, 'x', MSGCACHE_RECORD_MAX);
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	/* a record over the limit (a 10 MB header) is not cached */
	msgcache_add(c, 1, base_of(1, b, sizeof(b)), MSGCACHE_HEADER,
	    span_make(huge, MSGCACHE_RECORD_MAX));
	msgcache_add(c, 2, span_str(longname), MSGCACHE_HEADER,
	    span_str("x"));
	msgcache_add(c, 0, base_of(0, b, sizeof(b)), MSGCACHE_HEADER,
	    span_str("x"));
	/* exactly the limit is */
	base = base_of(3, b, sizeof(b));
	msgcache_add(c, 3, base, MSGCACHE_HEADER, span_make(huge,
	    MSGCACHE_RECORD_MAX - 24 - base.len));
	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	ck_assert(!msgcache_lookup(c, 1, base_of(1, b, sizeof(b)),
	    MSGCACHE_HEADER, &got));
	ck_assert(!msgcache_lookup(c, 2, span_str(longname), MSGCACHE_HEADER,
	    &got));
	ck_assert(msgcache_lookup(c, 3, base_of(3, b, sizeof(b)),
	    MSGCACHE_HEADER, &got));
	ck_assert_uint_eq(msgcache_stats(c)->records, 1);
	msgcache_free(&c);
	free(huge);
}
END_TEST

START_TEST(test_check)
{
	struct msgcache *c = msgcache_new(dir, UV);
	size_t len, records, end;
	const char *error;
	char *data;

	ck_assert_int_eq(msgcache_refresh(c, NULL, NULL), 0);
	add_all(c, 1, 5, 1);
	msgcache_free(&c);
	data = test_read_file(path, &len);
	ck_assert_int_eq(msgcache_check(span_make(data, len), UV, &records,
	    &end, &error), 0);
	ck_assert_uint_eq(records, 5 * MSGCACHE_KINDS);
	ck_assert_uint_eq(end, len);
	ck_assert_int_eq(msgcache_check(span_make(data, len - 1), UV,
	    &records, &end, &error), 0);
	ck_assert_uint_eq(records, 5 * MSGCACHE_KINDS - 1);
	ck_assert_uint_lt(end, len);
	ck_assert_int_eq(msgcache_check(span_make(data, len), UV + 1,
	    &records, &end, &error), -1);
	ck_assert_str_eq(error, "UIDVALIDITY changed");
	ck_assert_int_eq(msgcache_check(span_make(data, 10), UV, &records,
	    &end, &error), -1);
	free(data);
}
END_TEST

static Suite *
msgcache_suite(void)
{
	Suite *s = suite_create("msgcache");
	TCase *tc = tcase_create("file");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_empty_data);
	tcase_add_test(tc, test_stale_temps);
	tcase_add_test(tc, test_uidvalidity_changed);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_check);
	tcase_add_test(tc, test_grouped_by_kind);
	tcase_add_test(tc, test_big_records);
	suite_add_tcase(s, tc);

	tc = tcase_create("corruption");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_torn_tail);
	tcase_add_test(tc, test_torn_then_appended);
	tcase_add_loop_test(tc, test_corrupt, 0, N_ELEMENTS(corrupt_cases));
	tcase_add_test(tc, test_garbage_files);
	suite_add_tcase(s, tc);

	tc = tcase_create("concurrency");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_two_writers);
	tcase_add_test(tc, test_two_writers_forked);
	tcase_add_test(tc, test_incremental);
	tcase_add_test(tc, test_runs);
	tcase_add_test(tc, test_replaced_or_deleted);
	tcase_add_test(tc, test_compaction);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("index");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_index_used);
	tcase_add_loop_test(tc, test_index_ignored, ID_TRUNCATED,
	    ID_STALE + 1);
	tcase_add_test(tc, test_index_lies);
	tcase_add_test(tc, test_index_compaction);
	tcase_add_test(tc, test_index_check);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(msgcache_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
