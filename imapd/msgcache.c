/* SPDX-License-Identifier: MIT */
/*
 * msgcache: the per-folder FETCH cache file (see msgcache.h). Layout,
 * all integers little-endian:
 *   header  "TERNCACH" version:4 uidvalidity:4 hdrsize:4 0:4 hash:8
 *   record  magic:4 len:4 hash:8 uid:4 kind:1 namelen:1 0:2
 *           name[namelen] data[len - 24 - namelen]
 * The record hash covers everything after itself, so a wrong len also
 * fails it. No fsync: a crash may leave a torn or zeroed tail, which
 * fails the checks and costs a rebuild, never wrong data.
 * Indexing checks each record's framing (magic, length, fields) but its
 * hash only for the last record (a write in progress); the others are
 * hashed when first used (OFF_VERIFIED marks them), and a bad one is a
 * miss and makes the next refresh rebuild the file.
 * The index file that spares a new session most of the scan is
 * msgcache_index.c's.
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "msgcache.h"
#include "msgcache_int.h"
#include "log.h"
#include "maildir.h"
#include "str.h"
#include "xmalloc.h"
#include "tern.h"

#define FILE_MAGIC "TERNCACH"

/* Lookups read this much of the file at a time into a kind's window:
 * the records of a kind are mostly together and in UID order, and on
 * some VMs the first touch of each page of a mapping costs several
 * times more than copying it (the mapping is for scans). */
#define LOOKUP_WINDOW (64 * 1024)
/* How far ahead of its frame scan() prefetches (bytes). */
#define SCAN_PREFETCH 4096
/* Records of new UIDs merged into the index at once, at least. */
#define SCAN_RUN_MIN 1024

struct scan_rec {
	uint32_t uid, kind, off;
};

static uint64_t
rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t
mix_word(uint64_t h, uint64_t w)
{
	const uint64_t c1 = 0x87c37b91114253d5ULL, c2 = 0x4cf5ad432745937fULL;

	w *= c1;
	w = rotl(w, 31) * c2;
	h ^= w;
	return rotl(h, 27) * 5 + 0x52dce729;
}

/* A 64-bit checksum (murmur3-style mixing in four independent lanes of
 * 8 bytes, so a full index build hashes at memory speed): against torn
 * and garbled writes, not against an attacker, who would own the
 * mailbox anyway. */
uint64_t
msgcache_hash(const unsigned char *p, size_t len)
{
	uint64_t h[4] = { 0x9e3779b97f4a7c15ULL, 0xbf58476d1ce4e5b9ULL,
		0x94d049bb133111ebULL, 0x2545f4914f6cdd1dULL };
	uint64_t k = 0, r;
	size_t i = 0;
	int j;

	for (; i + 32 <= len; i += 32) {
		h[0] = mix_word(h[0], get64(p + i));
		h[1] = mix_word(h[1], get64(p + i + 8));
		h[2] = mix_word(h[2], get64(p + i + 16));
		h[3] = mix_word(h[3], get64(p + i + 24));
	}
	for (; i + 8 <= len; i += 8)
		h[0] = mix_word(h[0], get64(p + i));
	for (; i < len; i++)
		k = (k << 8) | p[i];
	h[1] = mix_word(h[1], k);
	r = (uint64_t)len * 0xff51afd7ed558ccdULL;
	for (j = 0; j < 4; j++)
		r = rotl(r ^ h[j], 29) * 0xc4ceb9fe1a85ec53ULL;
	r ^= r >> 33;
	r *= 0xff51afd7ed558ccdULL;
	r ^= r >> 33;
	r *= 0xc4ceb9fe1a85ec53ULL;
	r ^= r >> 33;
	return r;
}

static void
make_header(unsigned char *h, uint32_t uid_validity)
{
	memset(h, 0, HDR_SIZE);
	memcpy(h, FILE_MAGIC, 8);
	put32(h + 8, MSGCACHE_VERSION);
	put32(h + 12, uid_validity);
	put32(h + 16, HDR_SIZE);
	put64(h + 24, msgcache_hash(h, 24));
}

static const char *
header_error(const unsigned char *h, size_t len, uint32_t uid_validity)
{
	if (len < HDR_SIZE || memcmp(h, FILE_MAGIC, 8) != 0)
		return "bad magic";
	if (get64(h + 24) != msgcache_hash(h, 24))
		return "bad header checksum";
	if (get32(h + 8) != MSGCACHE_VERSION || get32(h + 16) != HDR_SIZE)
		return "other version";
	if (get32(h + 12) != uid_validity)
		return "UIDVALIDITY changed";
	return NULL;
}

/*
 * The record at off of p[0..len): 1 with *uid_r, *kind_r, *rlen_r; 0
 * when it is not complete (a torn tail, or a write in progress: the
 * end for now); -1 with *error_r when it is corrupt.
 */
static int
check_record(const unsigned char *p, size_t len, size_t off, bool verify,
	uint32_t *uid_r, uint32_t *kind_r, size_t *rlen_r,
	const char **error_r)
{
	const unsigned char *r = p + off;
	size_t rlen;

	if (len - off < REC_HDR)
		return 0;
	rlen = get32(r + 4);
	if (get32(r) != REC_MAGIC || rlen < REC_HDR ||
	    rlen > MSGCACHE_RECORD_MAX) {
		*error_r = "bad record";
		return -1;
	}
	if (rlen > len - off)
		return 0;
	/* the last record is always hashed: it may still be being
	 * written */
	if ((verify || off + rlen == len) &&
	    get64(r + 8) != msgcache_hash(r + 16, rlen - 16)) {
		/* the last record may still be being written */
		if (off + rlen == len)
			return 0;
		*error_r = "bad record checksum";
		return -1;
	}
	*uid_r = get32(r + 16);
	*kind_r = r[20];
	if (*uid_r == 0 || *kind_r >= MSGCACHE_KINDS ||
	    REC_HDR + (size_t)r[21] > rlen || r[22] != 0 || r[23] != 0) {
		*error_r = "bad record fields";
		return -1;
	}
	*rlen_r = rlen;
	return 1;
}

int
msgcache_check(struct span file, uint32_t uid_validity, size_t *records_r,
	size_t *end_r, const char **error_r)
{
	const unsigned char *p = (const unsigned char *)file.p;
	size_t off = HDR_SIZE, n = 0, rlen;
	uint32_t uid, kind;
	int ret;

	*records_r = 0;
	*end_r = 0;
	*error_r = header_error(p, file.len, uid_validity);
	if (*error_r != NULL)
		return -1;
	while ((ret = check_record(p, file.len, off, true, &uid, &kind,
	    &rlen, error_r)) > 0) {
		off += rlen;
		n++;
	}
	if (ret < 0)
		return -1;
	*records_r = n;
	*end_r = off;
	return 0;
}

struct msgcache *
msgcache_new(const char *dir, uint32_t uid_validity)
{
	struct msgcache *c = xcalloc(1, sizeof(*c));
	size_t len = strlen(dir) + sizeof("/" MSGCACHE_FILE_NAME);

	c->dir = xstrdup(dir);
	c->path = xmalloc(len);
	(void)snprintf(c->path, len, "%s/%s", dir, MSGCACHE_FILE_NAME);
	len += sizeof(MSGCACHE_INDEX_SUFFIX);
	c->ipath = xmalloc(len);
	(void)snprintf(c->ipath, len, "%s/%s%s", dir, MSGCACHE_FILE_NAME,
	    MSGCACHE_INDEX_SUFFIX);
	c->uid_validity = uid_validity;
	c->fd = -1;
	c->ifd = -1;
	return c;
}

bool
msgcache_is(const struct msgcache *c, const char *dir, uint32_t uid_validity)
{
	return c != NULL && c->uid_validity == uid_validity &&
	    strcmp(c->dir, dir) == 0;
}

const struct msgcache_stats *
msgcache_stats(const struct msgcache *c)
{
	return &c->stats;
}

static void
unmap(struct msgcache *c)
{
	if (c->map != NULL)
		(void)munmap((void *)(uintptr_t)c->map, c->map_size);
	c->map = NULL;
	c->map_size = 0;
}

/* Forget the records not written yet. */
static void
drop_writes(struct msgcache *c)
{
	int k;

	for (k = 0; k < MSGCACHE_KINDS; k++)
		c->w[k].len = 0;
	c->wlen = 0;
}

/* Free the write buffers (an idle session keeps only the index). */
static void
free_writes(struct msgcache *c)
{
	int k;

	for (k = 0; k < MSGCACHE_KINDS; k++) {
		free(c->w[k].buf);
		c->w[k].buf = NULL;
		c->w[k].cap = 0;
		c->w[k].len = 0;
	}
	c->wlen = 0;
}

/* Room for len more bytes of kind's records: where they go. */
static unsigned char *
wgroup_reserve(struct msgcache *c, int kind, size_t len)
{
	struct wgroup *g = &c->w[kind];

	if (g->len + len > g->cap) {
		g->cap = g->len + len + MSGCACHE_WRITE_BATCH;
		g->buf = xreallocarray(g->buf, g->cap, 1);
	}
	/* UNSAFE: len bytes reserved above */
	return g->buf + g->len;
}

static void
free_windows(struct msgcache *c)
{
	int k;

	for (k = 0; k < MSGCACHE_KINDS; k++) {
		free(c->win[k].buf);
		memset(&c->win[k], 0, sizeof(c->win[k]));
	}
}

/* Forget the file: the next refresh opens it again, indexing anew. */
static void
close_file(struct msgcache *c)
{
	unmap(c);
	if (c->fd >= 0)
		(void)close(c->fd);
	c->fd = -1;
	c->n = 0;
	c->scanned = 0;
	c->last_rec = 0;
	msgcache_index_drop(c);
	free_windows(c);
	drop_writes(c);
	c->no_write = false;
	c->bad = NULL;
}

void
msgcache_free(struct msgcache **cp)
{
	struct msgcache *c = *cp;

	if (c == NULL)
		return;
	msgcache_release(c);
	close_file(c);
	free(c->idx);
	free_writes(c);
	free(c->ipath);
	free(c->path);
	free(c->dir);
	free(c);
	*cp = NULL;
}

/* Write all of p to fd. 0 or -1. */
int
msgcache_write_all(int fd, const void *p, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = write(fd, (const char *)p + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/* Remove the temp files ("tern-cache*.tmp") that a session which died
 * while writing one left in the folder: those not written to for
 * MSGCACHE_TEMP_STALE_SECS (a live writer's are seconds old). */
static void
sweep_stale_temps(const struct msgcache *c)
{
	char p[MAILDIR_PATH_MAX];
	size_t prefix = strlen(MSGCACHE_FILE_NAME);
	time_t now = time(NULL);
	struct dirent *de;
	struct stat st;
	DIR *d;

	if ((d = opendir(c->dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len <= prefix + 4 ||
		    strncmp(de->d_name, MSGCACHE_FILE_NAME, prefix) != 0 ||
		    strcmp(de->d_name + len - 4, ".tmp") != 0 ||
		    maildir_path(p, sizeof(p), "%s/%s", c->dir,
		    de->d_name) < 0 || lstat(p, &st) < 0 ||
		    !S_ISREG(st.st_mode) ||
		    now - st.st_mtime < MSGCACHE_TEMP_STALE_SECS)
			continue;
		if (unlink(p) == 0)
			log_info("msgcache", "removed=%s reason=\"stale temp "
			    "file\"", p);
	}
	(void)closedir(d);
}

/* A new temp file in the folder for a fresh cache (or index) file: its
 * name into tmp, the fd returned (-1 on error). Old ones left by a
 * crash go first. */
int
msgcache_create_temp(const struct msgcache *c, const char *suffix,
	char *tmp, size_t size)
{
	char rnd[13];
	int fd;

	sweep_stale_temps(c);
	str_random_hex(rnd, 6);
	if (maildir_path(tmp, size, "%s/%s%s.%s.tmp", c->dir,
	    MSGCACHE_FILE_NAME, suffix, rnd) < 0)
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	return fd;
}

/* Put an empty cache file in place: replace the existing one, or only
 * create it when absent (link: never a file without a header). */
static int
create_file(struct msgcache *c, bool replace)
{
	char tmp[MAILDIR_PATH_MAX];
	unsigned char h[HDR_SIZE];
	int fd, ret = 0;

	fd = msgcache_create_temp(c, "", tmp, sizeof(tmp));
	if (fd < 0)
		return -1;
	make_header(h, c->uid_validity);
	if (msgcache_write_all(fd, h, sizeof(h)) < 0) {
		(void)close(fd);
		(void)unlink(tmp);
		return -1;
	}
	(void)close(fd);
	if (replace) {
		ret = rename(tmp, c->path);
	} else if (link(tmp, c->path) < 0 && errno != EEXIST) {
		/* a file system without hard links */
		ret = rename(tmp, c->path);
	}
	if (ret < 0 || !replace)
		(void)unlink(tmp);
	return ret;
}

/* Replace a corrupt or foreign file by an empty one, forgetting it. */
static void
rebuild(struct msgcache *c, const char *why)
{
	c->stats.rebuilds++;
	c->stats.last_error = why;
	log_info("cache", "file=\"%s\" rebuilt reason=\"%s\"", c->path, why);
	close_file(c);
	/* its index describes another file: ignored anyway */
	(void)unlink(c->ipath);
	if (create_file(c, true) < 0)
		log_warn("cache", "file=\"%s\" error=\"%s\"", c->path,
		    strerror(errno));
}

/* Open the file (creating it when missing) and check its header. */
static int
open_file(struct msgcache *c)
{
	unsigned char h[HDR_SIZE];
	struct stat st;
	int attempt;

	for (attempt = 0; attempt < 3; attempt++) {
		const char *why;
		ssize_t n;
		int fd;

		c->no_write = false;
		fd = open(c->path, O_RDWR | O_APPEND | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT) {
			if (create_file(c, false) < 0)
				return -1;
			continue;
		}
		if (fd < 0 && (errno == EACCES || errno == EROFS)) {
			fd = open(c->path, O_RDONLY | O_CLOEXEC);
			c->no_write = true;
		}
		if (fd < 0)
			return -1;
		n = pread(fd, h, sizeof(h), 0);
		if (fstat(fd, &st) < 0 || n < 0) {
			(void)close(fd);
			return -1;
		}
		why = header_error(h, (size_t)n, c->uid_validity);
		if (why != NULL) {
			(void)close(fd);
			if (c->no_write)
				return -1;
			rebuild(c, why);
			continue;
		}
		c->fd = fd;
		c->dev = st.st_dev;
		c->ino = st.st_ino;
		c->scanned = HDR_SIZE;
		c->n = 0;
		return 0;
	}
	return -1;
}

static struct entry *
find(const struct msgcache *c, uint32_t uid)
{
	size_t lo = 0, hi = c->n;

	/* FETCH 1:* asks for ascending UIDs: try the next one first */
	if (c->last != NULL) {
		size_t at = (size_t)(c->last - c->idx);

		if (c->last->uid == uid)
			return &c->idx[at];
		if (at + 1 < c->n && c->idx[at + 1].uid == uid)
			return &c->idx[at + 1];
	}

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->idx[mid].uid == uid)
			return &c->idx[mid];
		if (c->idx[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
rec_cmp(const void *a, const void *b)
{
	const struct scan_rec *x = a, *y = b;

	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off ? 1 : 0;
}

/* Add the records of UIDs not in the index yet (file order). */
static void
merge_new(struct msgcache *c, struct scan_rec *recs, size_t n)
{
	struct entry *out;
	size_t i = 0, j = 0, k = 0, cap;

	/* a compacted file, or one FETCH 1:*, is in order already */
	for (i = 1; i < n && rec_cmp(&recs[i - 1], &recs[i]) <= 0; i++)
		;
	if (i < n)
		qsort(recs, n, sizeof(*recs), rec_cmp);
	i = 0;
	cap = c->n + n;
	out = xreallocarray(NULL, cap, sizeof(*out));
	while (i < c->n || j < n) {
		if (j == n || (i < c->n && c->idx[i].uid < recs[j].uid)) {
			out[k++] = c->idx[i++];
			continue;
		}
		memset(&out[k], 0, sizeof(out[k]));
		out[k].uid = recs[j].uid;
		/* later records of a UID and kind win */
		for (; j < n && recs[j].uid == out[k].uid; j++)
			out[k].off[recs[j].kind] = recs[j].off;
		k++;
	}
	free(c->idx);
	c->idx = out;
	c->n = k;
	c->cap = cap;
}

/* Index the records from c->scanned to the end of the mapping. -1 with
 * *error_r when the file is corrupt. */
static int
scan(struct msgcache *c, const char **error_r)
{
	const unsigned char *p = (const unsigned char *)c->map;
	struct scan_rec *recs = NULL;
	size_t off = c->scanned, n = 0, cap = 0, rlen;
	uint32_t uid, kind;
	int ret;

	c->last = NULL;
	while ((ret = check_record(p, c->map_size, off, false, &uid, &kind,
	    &rlen, error_r)) > 0) {
		struct entry *e;

		/* the frames are a chain through the file: fetch the bytes
		 * well ahead of it (a full index walks 11 MB for 10,000
		 * messages, and each frame was a cache miss) */
		__builtin_prefetch(p + off + SCAN_PREFETCH);
		__builtin_prefetch(p + off + SCAN_PREFETCH + 64);
		__builtin_prefetch(p + off + SCAN_PREFETCH + 128);
		__builtin_prefetch(p + off + SCAN_PREFETCH + 192);
		__builtin_prefetch(p + off + SCAN_PREFETCH + 256);

		/* a file is runs of ascending UIDs (one per FETCH 1:*):
		 * merge a long run when the next starts, so that its
		 * records are found by find()'s next-UID guess, not
		 * sorted (long: each merge copies the index) */
		if (n >= SCAN_RUN_MIN && n >= c->n / 8 &&
		    uid < recs[n - 1].uid) {
			merge_new(c, recs, n);
			n = 0;
			c->last = NULL;
		}
		e = find(c, uid);
		c->stats.records++;
		if (e != NULL) {
			e->off[kind] = (uint32_t)off;
			c->last = e;
		} else {
			if (n == cap) {
				cap = cap == 0 ? 256 : cap * 2;
				recs = xreallocarray(recs, cap, sizeof(*recs));
			}
			recs[n].uid = uid;
			recs[n].kind = kind;
			recs[n].off = (uint32_t)off;
			n++;
		}
		c->last_rec = (uint32_t)off;
		off += rlen;
	}
	if (ret < 0) {
		free(recs);
		c->last = NULL;
		return -1;
	}
	if (n > 0)
		merge_new(c, recs, n);
	free(recs);
	c->last = NULL;
	c->scanned = off;
	return 0;
}

static struct span
rec_name(const unsigned char *r)
{
	return span_make((const char *)r + REC_HDR, r[21]);
}

/* Rewrite the file with the live records only, when most of it is dead
 * (expunged messages, duplicates) or it is full. 1 when it was
 * replaced (the caller indexes it anew), else 0. */
static int
maybe_compact(struct msgcache *c, msgcache_live_fn *live, void *ctx)
{
	const unsigned char *p = (const unsigned char *)c->map;
	unsigned char h[HDR_SIZE];
	char tmp[MAILDIR_PATH_MAX];
	size_t i, k, live_bytes = 0, dead, start, end;
	int fd;

	for (i = 0; i < c->n; i++) {
		struct span asked = span_make(NULL, 0);
		bool was_live = false;

		/* the kinds of a UID share its name: ask live() once */
		for (k = 0; k < MSGCACHE_KINDS; k++) {
			uint32_t off = c->idx[i].off[k] & OFF_MASK;
			const unsigned char *r = p + off;
			struct span name;

			if (off == 0)
				continue;
			name = rec_name(r);
			if (asked.p == NULL || name.len != asked.len ||
			    memcmp(name.p, asked.p, name.len) != 0) {
				was_live = live(ctx, c->idx[i].uid, name);
				asked = name;
			}
			if (was_live)
				live_bytes += get32(r + 4);
		}
	}
	dead = c->scanned - HDR_SIZE - live_bytes;
	if (dead < MSGCACHE_COMPACT_MIN || (dead <= live_bytes &&
	    c->map_size < MSGCACHE_FILE_MAX))
		return 0;
	fd = msgcache_create_temp(c, "", tmp, sizeof(tmp));
	if (fd < 0)
		return 0;
	make_header(h, c->uid_validity);
	if (msgcache_write_all(fd, h, sizeof(h)) < 0)
		goto fail;
	/* kind by kind, each in ascending UID: a FETCH 1:* of one item
	 * then reads only the pages of that kind, in order */
	drop_writes(c);
	end = HDR_SIZE;
	for (k = 0; k < MSGCACHE_KINDS; k++) {
		for (i = 0; i < c->n; i++) {
			uint32_t off = c->idx[i].off[k];
			const unsigned char *r = p + (off & OFF_MASK);
			size_t rlen;

			if (off == 0 || !live(ctx, c->idx[i].uid, rec_name(r)))
				continue;
			rlen = get32(r + 4);
			/* a bad record is not carried over */
			if ((off & OFF_VERIFIED) == 0 &&
			    get64(r + 8) != msgcache_hash(r + 16, rlen - 16))
				continue;
			end += rlen;
			memcpy(wgroup_reserve(c, 0, rlen), r, rlen);
			c->w[0].len += rlen;
			if (c->w[0].len >= MSGCACHE_WRITE_BATCH) {
				if (msgcache_write_all(fd, c->w[0].buf,
				    c->w[0].len) < 0)
					goto fail;
				c->w[0].len = 0;
			}
		}
	}
	if (msgcache_write_all(fd, c->w[0].buf, c->w[0].len) < 0)
		goto fail;
	drop_writes(c);
	if (close(fd) < 0 || rename(tmp, c->path) < 0) {
		(void)unlink(tmp);
		return 0;
	}
	start = c->map_size;
	log_info("cache", "file=\"%s\" compacted size=%zu new_size=%zu",
	    c->path, start, end);
	c->stats.compactions++;
	close_file(c);
	return 1;
fail:
	drop_writes(c);
	(void)close(fd);
	(void)unlink(tmp);
	return 0;
}

int
msgcache_refresh(struct msgcache *c, msgcache_live_fn *live, void *ctx)
{
	struct stat st, pst;
	const char *error;
	bool full, write_index;
	size_t unindexed;
	int attempt;

	msgcache_release(c);
	c->last = NULL;
	for (attempt = 0; attempt < 3; attempt++) {
		if (c->fd < 0 && open_file(c) < 0)
			return -1;
		if (fstat(c->fd, &st) < 0)
			return -1;
		if (stat(c->path, &pst) < 0 || pst.st_ino != c->ino ||
		    pst.st_dev != c->dev) {
			/* compacted or rebuilt by another process */
			c->stats.reopens++;
			close_file(c);
			continue;
		}
		if ((uint64_t)st.st_size < c->scanned ||
		    (uint64_t)st.st_size > FILE_HARD_MAX) {
			rebuild(c, "bad size");
			continue;
		}
		if (c->bad != NULL) {
			rebuild(c, c->bad);
			continue;
		}
		if (c->ibad != NULL)
			msgcache_index_forget(c);
		if (c->scanned == HDR_SIZE && c->n == 0 && c->ifd < 0)
			msgcache_index_load(c, (uint64_t)st.st_size);
		else if (msgcache_index_map(c) < 0) {
			close_file(c);
			return -1;
		}
		full = c->scanned == HDR_SIZE;
		c->map_size = (size_t)st.st_size;
		/* a full index reads every record's frame, so every page:
		 * map them at once rather than fault them in one by one */
		c->map = mmap(NULL, c->map_size, PROT_READ, MAP_SHARED |
		    (full ? MAP_POPULATE : 0), c->fd, 0);
		if (c->map == MAP_FAILED) {
			c->map = NULL;
			c->map_size = 0;
			return -1;
		}
		if (scan(c, &error) < 0) {
			rebuild(c, error);
			continue;
		}
		if (c->map_size >= MSGCACHE_FILE_MAX)
			c->no_write = true;
		/* much indexed that the index file does not have: write a
		 * new one (and see whether to compact first) */
		unindexed = c->scanned - (c->ifd >= 0 ? c->bcovered :
		    HDR_SIZE);
		write_index = !c->no_write &&
		    unindexed >= MSGCACHE_INDEX_MIN &&
		    unindexed >= c->bcovered / 8;
		if (write_index)
			msgcache_index_absorb(c);
		if ((full || write_index) && live != NULL &&
		    maybe_compact(c, live, ctx) > 0)
			continue;
		if (write_index)
			msgcache_index_write(c);
		return 0;
	}
	return -1;
}

bool
msgcache_lookup(struct msgcache *c, uint32_t uid, struct span base,
	enum msgcache_kind kind, struct span *data_r)
{
	struct entry *e = find(c, uid);
	const unsigned char *r;
	size_t avail;
	int ret;

	if (e != NULL)
		c->last = e;
	if ((e == NULL || e->off[kind] == 0) && c->map != NULL)
		return msgcache_index_lookup(c, uid, base, kind, data_r);
	if (e == NULL || e->off[kind] == 0 || c->map == NULL)
		return false;
	r = msgcache_record_at(c, (int)kind, e->off[kind] & OFF_MASK,
	    c->scanned, &avail);
	if (r == NULL)
		return false;
	/* framed by scan(), and the file is append-only: a record that
	 * is not there now is corruption */
	if (!msgcache_frame_ok(r, avail, uid, (int)kind)) {
		e->off[kind] = 0;
		c->bad = "bad record";
		return false;
	}
	ret = msgcache_record_data(r, base,
	    (e->off[kind] & OFF_VERIFIED) != 0, data_r);
	if (ret < 0) {
		/* a miss now; the file is rebuilt next time */
		e->off[kind] = 0;
		if (c->bad == NULL)
			log_info("cache", "file=\"%s\" bad record uid=%u",
			    c->path, uid);
		c->bad = "bad record checksum";
		return false;
	}
	if (ret > 0)
		e->off[kind] |= OFF_VERIFIED;
	return ret > 0;
}

const unsigned char *
msgcache_record_at(struct msgcache *c, int kind, uint32_t off, size_t limit,
	size_t *avail_r)
{
	struct rwin *w = &c->win[kind];
	size_t want, rlen;
	ssize_t n;
	int pass;

	if (c->fd < 0 || off < HDR_SIZE || off >= limit ||
	    limit - off < REC_HDR)
		return NULL;
	if (w->len > 0 && off >= w->off && off - w->off <= w->len &&
	    w->len - (off - w->off) >= REC_HDR) {
		const unsigned char *r = w->buf + (off - w->off);
		size_t avail = w->len - (off - w->off);

		if (avail > limit - off)
			avail = limit - off;
		rlen = get32(r + 4);
		/* all of it here, or never whole anyway */
		if (rlen <= avail || rlen > MSGCACHE_RECORD_MAX ||
		    rlen > limit - off) {
			*avail_r = avail;
			return r;
		}
	}
	want = limit - off < LOOKUP_WINDOW ? limit - off : LOOKUP_WINDOW;
	for (pass = 0; pass < 2; pass++) {
		if (w->cap < want) {
			w->buf = xreallocarray(w->buf, want, 1);
			w->cap = want;
		}
		w->len = 0;
		do {
			n = pread(c->fd, w->buf, want, (off_t)off);
		} while (n < 0 && errno == EINTR);
		if (n < REC_HDR)
			return NULL;
		w->off = off;
		w->len = (size_t)n;
		rlen = get32(w->buf + 4);
		/* a record bigger than the window: read it whole */
		if (rlen <= w->len || rlen > MSGCACHE_RECORD_MAX ||
		    rlen > limit - off || w->len < want)
			break;
		want = rlen;
	}
	*avail_r = w->len;
	return w->buf;
}

bool
msgcache_frame_ok(const unsigned char *r, size_t avail, uint32_t uid,
	int kind)
{
	size_t rlen;

	if (avail < REC_HDR)
		return false;
	rlen = get32(r + 4);
	return get32(r) == REC_MAGIC && rlen >= REC_HDR &&
	    rlen <= MSGCACHE_RECORD_MAX && rlen <= avail &&
	    get32(r + 16) == uid && r[20] == kind &&
	    REC_HDR + (size_t)r[21] <= rlen && r[22] == 0 && r[23] == 0;
}

int
msgcache_record_data(const unsigned char *r, struct span base,
	bool verified, struct span *data_r)
{
	size_t rlen = get32(r + 4);

	if (r[21] != base.len || memcmp(r + REC_HDR, base.p, base.len) != 0)
		return 0;
	if (!verified && get64(r + 8) != msgcache_hash(r + 16, rlen - 16))
		return -1;
	*data_r = span_make((const char *)r + REC_HDR + base.len,
	    rlen - REC_HDR - base.len);
	return 1;
}

void
msgcache_add(struct msgcache *c, uint32_t uid, struct span base,
	enum msgcache_kind kind, struct span data)
{
	size_t rlen = REC_HDR + base.len + data.len;
	unsigned char *r;

	if (c->fd < 0 || c->no_write || uid == 0 ||
	    base.len > MSGCACHE_NAME_MAX || data.len > MSGCACHE_RECORD_MAX ||
	    rlen > MSGCACHE_RECORD_MAX)
		return;
	if (c->scanned + c->wlen + rlen > MSGCACHE_FILE_MAX) {
		c->no_write = true;
		return;
	}
	r = wgroup_reserve(c, (int)kind, rlen);
	put32(r, REC_MAGIC);
	put32(r + 4, (uint32_t)rlen);
	put32(r + 16, uid);
	r[20] = (unsigned char)kind;
	r[21] = (unsigned char)base.len;
	r[22] = 0;
	r[23] = 0;
	memcpy(r + REC_HDR, base.p, base.len);
	if (data.len > 0)
		memcpy(r + REC_HDR + base.len, data.p, data.len);
	put64(r + 8, msgcache_hash(r + 16, rlen - 16));
	c->w[kind].len += rlen;
	c->wlen += rlen;
	if (c->wlen >= MSGCACHE_WRITE_BATCH)
		msgcache_flush(c);
}

void
msgcache_flush(struct msgcache *c)
{
	struct iovec iov[MSGCACHE_KINDS];
	int k, niov = 0;
	ssize_t n;

	if (c->wlen == 0 || c->fd < 0) {
		drop_writes(c);
		return;
	}
	for (k = 0; k < MSGCACHE_KINDS; k++) {
		if (c->w[k].len == 0)
			continue;
		iov[niov].iov_base = c->w[k].buf;
		iov[niov].iov_len = c->w[k].len;
		niov++;
	}
	/* one write of whole records, grouped by kind: O_APPEND keeps
	 * another process's records from interleaving with these (one
	 * writev() is one write) */
	do {
		n = writev(c->fd, iov, niov);
	} while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != c->wlen) {
		/* a short write leaves a torn record: readers stop there,
		 * and the next append makes it a rebuild */
		log_warn("cache", "file=\"%s\" write error=\"%s\"", c->path,
		    n < 0 ? strerror(errno) : "short write");
		c->no_write = true;
	}
	drop_writes(c);
}

void
msgcache_release(struct msgcache *c)
{
	if (c == NULL)
		return;
	msgcache_flush(c);
	unmap(c);
	msgcache_index_unmap(c);
	free_windows(c);
	c->last = NULL;
	free_writes(c);
}
