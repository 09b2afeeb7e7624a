/* SPDX-License-Identifier: MIT */
/*
 * msgcache_int: what imapd/msgcache.c (the cache file) and
 * imapd/msgcache_index.c (its index file) share: the file layouts'
 * constants, struct msgcache and the helpers both use. Private to the
 * two; the API is msgcache.h.
 */
#ifndef IMAPD_MSGCACHE_INT_H
#define IMAPD_MSGCACHE_INT_H

#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "msgcache.h"

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
	/* lookups read records into a window per kind (see
	 * msgcache_record_at()) */
	struct rwin {
		unsigned char *buf;
		size_t cap;
		size_t off, len;	/* the file's bytes [off, off + len) */
	} win[MSGCACHE_KINDS];
	struct msgcache_stats stats;
};

static inline uint32_t
get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

static inline uint64_t
get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return le64toh(v);
}

static inline void
put32(unsigned char *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

static inline void
put64(unsigned char *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, 8);
}

/* The 64-bit checksum of records, headers and index files. */
uint64_t msgcache_hash(const unsigned char *p, size_t len);
/* Write all of p to fd. 0 or -1. */
int msgcache_write_all(int fd, const void *p, size_t len);
/* A new temp file in the folder for a fresh cache (suffix "") or index
 * file: its name into tmp, the fd returned (-1 on error). */
int msgcache_create_temp(const struct msgcache *c, const char *suffix,
	char *tmp, size_t size);

/* The bytes of the file at off (a record of kind, before limit) for a
 * lookup, valid until the next call for kind or msgcache_release(): if
 * the record's length is plausible, all of it is there. *avail_r bytes
 * (at most limit - off); NULL when they cannot be read. */
const unsigned char *msgcache_record_at(struct msgcache *c, int kind,
	uint32_t off, size_t limit, size_t *avail_r);
/* Is r[0..avail) a whole record of uid and kind? */
bool msgcache_frame_ok(const unsigned char *r, size_t avail, uint32_t uid,
	int kind);
/* The data of the framed record r if its base name is base: 1, with
 * its hash checked unless verified; 0 for another name; -1 when the
 * hash fails. */
int msgcache_record_data(const unsigned char *r, struct span base,
	bool verified, struct span *data_r);

/* The index file (msgcache_index.c). */
/* Open the index file of the cache file just opened (c->fd, c->ino),
 * if it checks: c->scanned becomes what it covers. */
void msgcache_index_load(struct msgcache *c, uint64_t cache_size);
/* Map the loaded index for this command. 0 or -1. */
int msgcache_index_map(struct msgcache *c);
/* Unmap it at the end of a command (the fd is kept). */
void msgcache_index_unmap(struct msgcache *c);
/* Forget the index file (not the heap index). */
void msgcache_index_drop(struct msgcache *c);
/* It pointed at a wrong record (c->ibad): remove it and forget it and
 * everything indexed after it. */
void msgcache_index_forget(struct msgcache *c);
/* Merge it into the heap index (whose entries win) and forget it. */
void msgcache_index_absorb(struct msgcache *c);
/* Write a new index file of the heap index (nothing loaded). */
void msgcache_index_write(struct msgcache *c);
/* msgcache_lookup() of what the heap index does not have. */
bool msgcache_index_lookup(struct msgcache *c, uint32_t uid,
	struct span base, enum msgcache_kind kind, struct span *data_r);

#endif
