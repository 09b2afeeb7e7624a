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
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "msgcache.h"
#include "log.h"
#include "maildir.h"
#include "str.h"
#include "xmalloc.h"
#include "tern.h"

#define FILE_MAGIC "TERNCACH"
#define IDX_MAGIC "TERNCIDX"
#define IDX_VERSION 1
#define IDX_HDR 64
#define HDR_SIZE 32
#define REC_MAGIC 0x31524354u		/* "TCR1" */
#define REC_HDR 24
/* Concurrent writers may each pass MSGCACHE_FILE_MAX by a batch; a file
 * bigger than this was not written by us. */
#define FILE_HARD_MAX ((uint64_t)MSGCACHE_FILE_MAX + 64 * 1024 * 1024)

/* Set in entry.off when the record's hash was checked: offsets are
 * below FILE_HARD_MAX < 2^31. */
#define OFF_VERIFIED 0x80000000u
#define OFF_MASK 0x7fffffffu

struct entry {
	uint32_t uid;
	uint32_t off[MSGCACHE_KINDS];	/* 0: none (the header is there);
					 * | OFF_VERIFIED */
};

/* How far ahead of its frame scan() prefetches (bytes). */
#define SCAN_PREFETCH 4096
/* Records of new UIDs merged into the index at once, at least. */
#define SCAN_RUN_MIN 1024

struct scan_rec {
	uint32_t uid, kind, off;
};

struct msgcache {
	char *dir;
	char *path;
	uint32_t uid_validity;
	int fd;
	dev_t dev;
	ino_t ino;
	size_t scanned;			/* records before this are indexed */
	struct entry *idx;		/* ascending uid */
	size_t n, cap;
	const struct entry *last;	/* of the last lookup (FETCH asks
					 * for several kinds of a UID) */
	const char *map;
	size_t map_size;
	/* records not written yet, one buffer per kind, so that each
	 * append puts the records of a kind together (FETCH BODYSTRUCTURE
	 * 1:* then reads the pages of BODYSTRUCTUREs, not BODYs too) */
	struct wgroup {
		unsigned char *buf;
		size_t len, cap;
	} w[MSGCACHE_KINDS];
	size_t wlen;			/* sum of w[].len */
	bool no_write;			/* read-only, failed or full */
	const char *bad;		/* a record failed its hash: rebuild
					 * at the next refresh (why) */
	uint32_t last_rec;		/* offset of the last record indexed */
	/* the index file loaded (the base layer under idx, which then
	 * holds only what was indexed after it): mapped per command */
	char *ipath;
	int ifd;			/* -1: none */
	const unsigned char *imap;
	size_t imap_size;
	size_t bn;			/* its entries */
	size_t bcovered;		/* records before this are in it */
	size_t blast;			/* entry of the last base lookup */
	uint8_t *bver;			/* bit k: kind k's record hashed */
	const char *ibad;		/* it pointed at a wrong record: drop
					 * it at the next refresh (why) */
	struct msgcache_stats stats;
};

static uint32_t
get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

static uint64_t
get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return le64toh(v);
}

static void
put32(unsigned char *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

static void
put64(unsigned char *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, 8);
}

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
static uint64_t
cache_hash(const unsigned char *p, size_t len)
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
	put64(h + 24, cache_hash(h, 24));
}

static const char *
header_error(const unsigned char *h, size_t len, uint32_t uid_validity)
{
	if (len < HDR_SIZE || memcmp(h, FILE_MAGIC, 8) != 0)
		return "bad magic";
	if (get64(h + 24) != cache_hash(h, 24))
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
	    get64(r + 8) != cache_hash(r + 16, rlen - 16)) {
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
index_unmap(struct msgcache *c)
{
	if (c->imap != NULL)
		(void)munmap((void *)(uintptr_t)c->imap, c->imap_size);
	c->imap = NULL;
}

/* Forget the index file (not the heap index). */
static void
index_drop(struct msgcache *c)
{
	index_unmap(c);
	if (c->ifd >= 0)
		(void)close(c->ifd);
	c->ifd = -1;
	c->imap_size = 0;
	c->bn = 0;
	c->bcovered = 0;
	c->blast = 0;
	free(c->bver);
	c->bver = NULL;
	c->ibad = NULL;
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
	index_drop(c);
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
static int
write_all(int fd, const void *p, size_t len)
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

/* A new temp file in the folder for a fresh cache (or index) file: its
 * name into tmp, the fd returned (-1 on error). */
static int
create_temp(const struct msgcache *c, const char *suffix, char *tmp,
	size_t size)
{
	char rnd[13];
	int fd;

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

	fd = create_temp(c, "", tmp, sizeof(tmp));
	if (fd < 0)
		return -1;
	make_header(h, c->uid_validity);
	if (write_all(fd, h, sizeof(h)) < 0) {
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
	fd = create_temp(c, "", tmp, sizeof(tmp));
	if (fd < 0)
		return 0;
	make_header(h, c->uid_validity);
	if (write_all(fd, h, sizeof(h)) < 0)
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
			    get64(r + 8) != cache_hash(r + 16, rlen - 16))
				continue;
			end += rlen;
			memcpy(wgroup_reserve(c, 0, rlen), r, rlen);
			c->w[0].len += rlen;
			if (c->w[0].len >= MSGCACHE_WRITE_BATCH) {
				if (write_all(fd, c->w[0].buf, c->w[0].len) < 0)
					goto fail;
				c->w[0].len = 0;
			}
		}
	}
	if (write_all(fd, c->w[0].buf, c->w[0].len) < 0)
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

/*
 * The index file (tern-cache.index): what a full scan of tern-cache up
 * to `covered` found, so that a new session touches only the pages of
 * the records it uses. Written whole (tmp + rename) by a session that
 * indexed much more than it covers; never trusted beyond its checks:
 *   header  "TERNCIDX" version:4 uidvalidity:4 ino:8 covered:8
 *           last_off:4 n:4 last_hash:8 payload_hash:8 hash:8
 *   payload uid[n] (ascending), then for each kind off[n] (0: none)
 * It describes the cache file with inode ino whose record at last_off
 * ends at covered and has the hash last_hash. A lookup checks the frame
 * of the record it points at (uid, kind, length) as well as its name
 * and hash, so a stale or forged index gives misses, never wrong data;
 * and a wrong frame drops the index at the next refresh.
 */
struct ihdr {
	uint64_t covered;
	uint32_t last_off;
	size_t n;
	uint64_t last_hash;
};

/* Is p[0..len) an index of a cache file (inode ino, cache_size bytes)
 * for uid_validity? NULL with *h filled, else why not. */
static const char *
index_error(const unsigned char *p, size_t len, uint32_t uid_validity,
	uint64_t ino, uint64_t cache_size, struct ihdr *h)
{
	size_t i, max_n;
	uint32_t prev = 0;

	if (len < IDX_HDR || memcmp(p, IDX_MAGIC, 8) != 0)
		return "bad magic";
	if (get64(p + 56) != cache_hash(p, 56))
		return "bad header checksum";
	if (get32(p + 8) != IDX_VERSION)
		return "other version";
	if (get32(p + 12) != uid_validity)
		return "UIDVALIDITY changed";
	if (get64(p + 16) != ino)
		return "other cache file";
	h->covered = get64(p + 24);
	h->last_off = get32(p + 32);
	h->n = get32(p + 36);
	h->last_hash = get64(p + 40);
	if (h->covered < HDR_SIZE || h->covered > cache_size ||
	    h->covered > FILE_HARD_MAX)
		return "bad covered size";
	/* every entry has a record of its own */
	max_n = (size_t)(h->covered - HDR_SIZE) / REC_HDR;
	if (h->n > max_n ||
	    len - IDX_HDR != h->n * 4 * (1 + MSGCACHE_KINDS))
		return "bad size";
	if (h->n == 0 ? h->last_off != 0 || h->covered != HDR_SIZE :
	    h->last_off < HDR_SIZE || h->last_off + REC_HDR > h->covered)
		return "bad last record";
	if (get64(p + 48) != cache_hash(p + IDX_HDR, len - IDX_HDR))
		return "bad checksum";
	for (i = 0; i < h->n; i++) {
		uint32_t uid = get32(p + IDX_HDR + 4 * i);

		if (uid <= prev)
			return "bad UID order";
		prev = uid;
	}
	return NULL;
}

int
msgcache_index_check(struct span file, uint32_t uid_validity, uint64_t ino,
	uint64_t cache_size, size_t *entries_r, const char **error_r)
{
	struct ihdr h;

	*entries_r = 0;
	*error_r = index_error((const unsigned char *)file.p, file.len,
	    uid_validity, ino, cache_size, &h);
	if (*error_r != NULL)
		return -1;
	*entries_r = h.n;
	return 0;
}

static uint32_t
base_uid(const struct msgcache *c, size_t i)
{
	return get32(c->imap + IDX_HDR + 4 * i);
}

static uint32_t
base_off(const struct msgcache *c, size_t i, int kind)
{
	return get32(c->imap + IDX_HDR + 4 * (c->bn * (size_t)(1 + kind) + i));
}

/* The base entry of uid, or -1. */
static ssize_t
base_find(struct msgcache *c, uint32_t uid)
{
	size_t lo = 0, hi = c->bn;

	if (c->imap == NULL)
		return -1;
	/* FETCH 1:* asks for ascending UIDs: try the next one first */
	if (c->blast < c->bn && base_uid(c, c->blast) == uid)
		return (ssize_t)c->blast;
	if (c->blast + 1 < c->bn && base_uid(c, c->blast + 1) == uid)
		return (ssize_t)++c->blast;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t m = base_uid(c, mid);

		if (m == uid) {
			c->blast = mid;
			return (ssize_t)mid;
		}
		if (m < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Is there a well-framed record of uid and kind at off, ending at or
 * before limit? */
static bool
frame_ok(const struct msgcache *c, uint32_t off, size_t limit, uint32_t uid,
	int kind)
{
	const unsigned char *r;
	size_t rlen;

	if (limit > c->map_size || off < HDR_SIZE || off > limit ||
	    limit - off < REC_HDR)
		return false;
	r = (const unsigned char *)c->map + off;
	rlen = get32(r + 4);
	return get32(r) == REC_MAGIC && rlen >= REC_HDR &&
	    rlen <= MSGCACHE_RECORD_MAX && rlen <= limit - off &&
	    get32(r + 16) == uid && r[20] == kind &&
	    REC_HDR + (size_t)r[21] <= rlen && r[22] == 0 && r[23] == 0;
}

/* Open the index file of the cache file just opened, if it is one:
 * records before its `covered` need no scan. */
static void
index_load(struct msgcache *c, uint64_t cache_size)
{
	unsigned char rh[16];
	const char *why;
	struct ihdr h;
	struct stat st;
	void *map;
	int fd;

	fd = open(c->ipath, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || st.st_size < IDX_HDR ||
	    (uint64_t)st.st_size > IDX_HDR + (FILE_HARD_MAX / REC_HDR) *
	    4 * (1 + MSGCACHE_KINDS)) {
		why = "bad size";
		goto ignore;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		(void)close(fd);
		return;
	}
	why = index_error(map, (size_t)st.st_size, c->uid_validity,
	    (uint64_t)c->ino, cache_size, &h);
	/* the record it ends with is the one in the file */
	if (why == NULL && h.n > 0 && (pread(c->fd, rh, sizeof(rh),
	    h.last_off) != (ssize_t)sizeof(rh) || get32(rh) != REC_MAGIC ||
	    get32(rh + 4) != h.covered - h.last_off ||
	    get64(rh + 8) != h.last_hash))
		why = "other last record";
	if (why != NULL) {
		(void)munmap(map, (size_t)st.st_size);
		goto ignore;
	}
	c->ifd = fd;
	c->imap = map;
	c->imap_size = (size_t)st.st_size;
	c->bn = h.n;
	c->bcovered = (size_t)h.covered;
	c->blast = 0;
	c->scanned = (size_t)h.covered;
	c->last_rec = h.last_off;
	c->stats.index_loads++;
	return;
ignore:
	log_debug("cache", "file=\"%s\" ignored reason=\"%s\"", c->ipath, why);
	c->stats.index_ignored++;
	(void)close(fd);
}

/* Map the loaded index for this command. */
static int
index_map(struct msgcache *c)
{
	void *map;

	if (c->ifd < 0 || c->imap != NULL)
		return 0;
	map = mmap(NULL, c->imap_size, PROT_READ, MAP_SHARED, c->ifd, 0);
	if (map == MAP_FAILED)
		return -1;
	c->imap = map;
	return 0;
}

/* The index pointed at a wrong record: forget it and everything indexed
 * after it (the next scan starts over), and remove it unless it was
 * replaced already. */
static void
index_forget(struct msgcache *c)
{
	struct stat st, ist;

	log_info("cache", "file=\"%s\" dropped reason=\"%s\"", c->ipath,
	    c->ibad);
	if (fstat(c->ifd, &ist) == 0 && stat(c->ipath, &st) == 0 &&
	    st.st_ino == ist.st_ino && st.st_dev == ist.st_dev)
		(void)unlink(c->ipath);
	c->stats.index_dropped++;
	index_drop(c);
	c->n = 0;
	c->last = NULL;
	c->scanned = HDR_SIZE;
	c->last_rec = 0;
}

/* Merge the loaded index into the heap one (whose entries are newer),
 * checking each record's frame, and forget the file. */
static void
index_absorb(struct msgcache *c)
{
	struct entry *out;
	size_t i = 0, j = 0, k = 0, cap;
	int kind;

	if (c->bn == 0 || c->imap == NULL) {
		index_drop(c);
		return;
	}
	cap = c->n + c->bn;
	out = xreallocarray(NULL, cap, sizeof(*out));
	while (i < c->bn || j < c->n) {
		uint32_t uid;

		if (i == c->bn || (j < c->n && c->idx[j].uid < base_uid(c, i))) {
			out[k++] = c->idx[j++];
			continue;
		}
		uid = base_uid(c, i);
		memset(&out[k], 0, sizeof(out[k]));
		out[k].uid = uid;
		for (kind = 0; kind < MSGCACHE_KINDS; kind++) {
			uint32_t off = base_off(c, i, kind);

			if (off == 0 || !frame_ok(c, off, c->bcovered, uid,
			    kind))
				continue;
			if (c->bver != NULL && (c->bver[i] & (1u << kind)))
				off |= OFF_VERIFIED;
			out[k].off[kind] = off;
		}
		if (j < c->n && c->idx[j].uid == uid) {
			for (kind = 0; kind < MSGCACHE_KINDS; kind++)
				if (c->idx[j].off[kind] != 0)
					out[k].off[kind] = c->idx[j].off[kind];
			j++;
		}
		i++;
		k++;
	}
	free(c->idx);
	c->idx = out;
	c->n = k;
	c->cap = cap;
	c->last = NULL;
	index_drop(c);
}

/* Write the index file for the heap index (which has everything up to
 * c->scanned). */
static void
index_write(struct msgcache *c)
{
	char tmp[MAILDIR_PATH_MAX];
	size_t n = c->n, size, i;
	unsigned char *buf, *p;
	int fd, kind;

	if (c->no_write || c->bn > 0 || n > UINT32_MAX ||
	    (n > 0) != (c->last_rec != 0) ||
	    (size_t)c->last_rec + REC_HDR > c->map_size)
		return;
	size = IDX_HDR + n * 4 * (1 + MSGCACHE_KINDS);
	buf = xmalloc(size);
	memset(buf, 0, IDX_HDR);
	memcpy(buf, IDX_MAGIC, 8);
	put32(buf + 8, IDX_VERSION);
	put32(buf + 12, c->uid_validity);
	put64(buf + 16, (uint64_t)c->ino);
	put64(buf + 24, c->scanned);
	put32(buf + 32, c->last_rec);
	put32(buf + 36, (uint32_t)n);
	if (n > 0)
		put64(buf + 40, get64((const unsigned char *)c->map +
		    c->last_rec + 8));
	p = buf + IDX_HDR;
	for (i = 0; i < n; i++)
		put32(p + 4 * i, c->idx[i].uid);
	for (kind = 0; kind < MSGCACHE_KINDS; kind++) {
		p += 4 * n;
		for (i = 0; i < n; i++)
			put32(p + 4 * i, c->idx[i].off[kind] & OFF_MASK);
	}
	put64(buf + 48, cache_hash(buf + IDX_HDR, size - IDX_HDR));
	put64(buf + 56, cache_hash(buf, 56));
	fd = create_temp(c, MSGCACHE_INDEX_SUFFIX, tmp, sizeof(tmp));
	if (fd >= 0) {
		if (write_all(fd, buf, size) < 0 || close(fd) < 0 ||
		    rename(tmp, c->ipath) < 0)
			(void)unlink(tmp);
		else
			c->stats.index_writes++;
	}
	free(buf);
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
			index_forget(c);
		if (c->scanned == HDR_SIZE && c->n == 0 && c->ifd < 0)
			index_load(c, (uint64_t)st.st_size);
		else if (index_map(c) < 0) {
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
			index_absorb(c);
		if ((full || write_index) && live != NULL &&
		    maybe_compact(c, live, ctx) > 0)
			continue;
		if (write_index)
			index_write(c);
		return 0;
	}
	return -1;
}

/* msgcache_lookup() in the loaded index file. */
static bool
base_lookup(struct msgcache *c, uint32_t uid, struct span base,
	enum msgcache_kind kind, struct span *data_r)
{
	ssize_t i = base_find(c, uid);
	const unsigned char *r;
	uint32_t off;
	size_t rlen;

	if (i < 0 || (off = base_off(c, (size_t)i, (int)kind)) == 0)
		return false;
	if (!frame_ok(c, off, c->bcovered, uid, (int)kind)) {
		/* stale or forged: a miss, and a scan next time */
		if (c->ibad == NULL)
			c->ibad = "bad record offset";
		return false;
	}
	r = (const unsigned char *)c->map + off;
	rlen = get32(r + 4);
	if (r[21] != base.len || memcmp(r + REC_HDR, base.p, base.len) != 0)
		return false;
	if (c->bver == NULL || (c->bver[i] & (1u << kind)) == 0) {
		if (get64(r + 8) != cache_hash(r + 16, rlen - 16)) {
			if (c->bad == NULL)
				log_info("cache", "file=\"%s\" bad record "
				    "uid=%u", c->path, uid);
			c->bad = "bad record checksum";
			return false;
		}
		if (c->bver == NULL)
			c->bver = xcalloc(c->bn, 1);
		c->bver[i] |= (uint8_t)(1u << kind);
	}
	*data_r = span_make((const char *)r + REC_HDR + base.len,
	    rlen - REC_HDR - base.len);
	return true;
}

bool
msgcache_lookup(struct msgcache *c, uint32_t uid, struct span base,
	enum msgcache_kind kind, struct span *data_r)
{
	struct entry *e = find(c, uid);
	const unsigned char *r;
	uint32_t off;
	size_t rlen;

	if (e != NULL)
		c->last = e;
	if ((e == NULL || e->off[kind] == 0) && c->map != NULL)
		return base_lookup(c, uid, base, kind, data_r);
	if (e == NULL || e->off[kind] == 0 || c->map == NULL)
		return false;
	off = e->off[kind] & OFF_MASK;
	if ((size_t)off + REC_HDR > c->map_size)
		return false;
	/* framed by scan(): the file only grows while it is ours */
	r = (const unsigned char *)c->map + off;
	rlen = get32(r + 4);
	if (r[21] != base.len || memcmp(r + REC_HDR, base.p, base.len) != 0)
		return false;
	if ((e->off[kind] & OFF_VERIFIED) == 0) {
		if (get64(r + 8) != cache_hash(r + 16, rlen - 16)) {
			/* a miss now; the file is rebuilt next time */
			e->off[kind] = 0;
			if (c->bad == NULL)
				log_info("cache", "file=\"%s\" bad record "
				    "uid=%u", c->path, uid);
			c->bad = "bad record checksum";
			return false;
		}
		e->off[kind] |= OFF_VERIFIED;
	}
	*data_r = span_make((const char *)r + REC_HDR + base.len,
	    rlen - REC_HDR - base.len);
	return true;
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
	put64(r + 8, cache_hash(r + 16, rlen - 16));
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
	index_unmap(c);
	c->last = NULL;
	free_writes(c);
}
