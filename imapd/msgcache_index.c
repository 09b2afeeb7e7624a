/* SPDX-License-Identifier: MIT */
/*
 * msgcache_index: the index file of imapd/msgcache's cache file
 * ("tern-cache.index"), so that a new session need not walk the frames
 * of the whole cache file to find its records. A cache of the cache:
 * ignored unless it checks, and never trusted for more than where to
 * look (each record it points at is checked as a scan would).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msgcache.h"
#include "msgcache_int.h"
#include "log.h"
#include "maildir.h"
#include "xmalloc.h"
#include "tern.h"

void
msgcache_index_unmap(struct msgcache *c)
{
	if (c->imap != NULL)
		(void)munmap((void *)(uintptr_t)c->imap, c->imap_size);
	c->imap = NULL;
}

/* Forget the index file (not the heap index). */
void
msgcache_index_drop(struct msgcache *c)
{
	msgcache_index_unmap(c);
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
	if (get64(p + 56) != msgcache_hash(p, 56))
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
	if (get64(p + 48) != msgcache_hash(p + IDX_HDR, len - IDX_HDR))
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

/* Is there a well-framed record of uid and kind at off of the mapping,
 * ending at or before limit? */
static bool
frame_ok(const struct msgcache *c, uint32_t off, size_t limit, uint32_t uid,
	int kind)
{
	if (limit > c->map_size || off < HDR_SIZE || off > limit)
		return false;
	return msgcache_frame_ok((const unsigned char *)c->map + off,
	    limit - off, uid, kind);
}

/* Open the index file of the cache file just opened, if it is one:
 * records before its `covered` need no scan. */
void
msgcache_index_load(struct msgcache *c, uint64_t cache_size)
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
int
msgcache_index_map(struct msgcache *c)
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
void
msgcache_index_forget(struct msgcache *c)
{
	struct stat st, ist;

	log_info("cache", "file=\"%s\" dropped reason=\"%s\"", c->ipath,
	    c->ibad);
	if (fstat(c->ifd, &ist) == 0 && stat(c->ipath, &st) == 0 &&
	    st.st_ino == ist.st_ino && st.st_dev == ist.st_dev)
		(void)unlink(c->ipath);
	c->stats.index_dropped++;
	msgcache_index_drop(c);
	c->n = 0;
	c->last = NULL;
	c->scanned = HDR_SIZE;
	c->last_rec = 0;
}

/* Merge the loaded index into the heap one (whose entries are newer),
 * checking each record's frame, and forget the file. */
void
msgcache_index_absorb(struct msgcache *c)
{
	struct entry *out;
	size_t i = 0, j = 0, k = 0, cap;
	int kind;

	if (c->bn == 0 || c->imap == NULL) {
		msgcache_index_drop(c);
		return;
	}
	cap = c->n + c->bn;
	out = xreallocarray(NULL, cap, sizeof(*out));
	while (i < c->bn || j < c->n) {
		uint32_t uid;

		if (i == c->bn ||
		    (j < c->n && c->idx[j].uid < base_uid(c, i))) {
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
	msgcache_index_drop(c);
}

/* Write the index file for the heap index (which has everything up to
 * c->scanned). */
void
msgcache_index_write(struct msgcache *c)
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
	put64(buf + 48, msgcache_hash(buf + IDX_HDR, size - IDX_HDR));
	put64(buf + 56, msgcache_hash(buf, 56));
	fd = msgcache_create_temp(c, MSGCACHE_INDEX_SUFFIX, tmp, sizeof(tmp));
	if (fd >= 0) {
		if (msgcache_write_all(fd, buf, size) < 0 || close(fd) < 0 ||
		    rename(tmp, c->ipath) < 0)
			(void)unlink(tmp);
		else
			c->stats.index_writes++;
	}
	free(buf);
}

/* msgcache_lookup() in the loaded index file. */
bool
msgcache_index_lookup(struct msgcache *c, uint32_t uid, struct span base,
	enum msgcache_kind kind, struct span *data_r)
{
	ssize_t i = base_find(c, uid);
	const unsigned char *r;
	uint32_t off;
	size_t avail;
	bool verified;
	int ret;

	if (i < 0 || (off = base_off(c, (size_t)i, (int)kind)) == 0)
		return false;
	r = msgcache_record_at(c, (int)kind, off, c->bcovered, &avail);
	if (r == NULL || !msgcache_frame_ok(r, avail, uid, (int)kind)) {
		/* stale or forged: a miss, and a scan next time */
		if (c->ibad == NULL)
			c->ibad = "bad record offset";
		return false;
	}
	verified = c->bver != NULL && (c->bver[i] & (1u << kind)) != 0;
	ret = msgcache_record_data(r, base, verified, data_r);
	if (ret < 0) {
		if (c->bad == NULL)
			log_info("cache", "file=\"%s\" bad record uid=%u",
			    c->path, uid);
		c->bad = "bad record checksum";
		return false;
	}
	if (ret > 0 && !verified) {
		if (c->bver == NULL)
			c->bver = xcalloc(c->bn, 1);
		c->bver[i] |= (uint8_t)(1u << kind);
	}
	return ret > 0;
}
