/* SPDX-License-Identifier: MIT */
/*
 * msgcache: a per-folder cache file ("tern-cache" beside dovecot-uidlist)
 * of what is expensive to compute from an immutable Maildir message: its
 * raw header block and where its fields are, ENVELOPE, BODY and
 * BODYSTRUCTURE (RFC 9051 7.5.2).
 * A cache in DESIGN.md's sense: deleting it loses nothing, and nothing in
 * it is trusted unless it checks. The file is a header (magic, version,
 * UIDVALIDITY, checksum) and append-only records (length, 64-bit
 * checksum, UID, kind, the message's Maildir base name, data), each
 * written whole by one O_APPEND writev(), so concurrent sessions may
 * append at once. A record is used only for its UID and base name, so a
 * reused UID or a renamed file cannot give wrong data. Any corruption,
 * or another UIDVALIDITY, makes the file be replaced by an empty one
 * (tmp + rename): a bad frame or header when indexing, a record's bad
 * checksum when the record is first used (it is then a miss, and the
 * next msgcache_refresh() replaces the file); a torn last record (a
 * crash, or a write in progress) is ignored until it is complete. The
 * index (UID -> record offsets) is built once and extended by scanning
 * what was appended since. It is kept in "tern-cache.index" (a cache of
 * the cache, written whole by tmp + rename), so that a new session
 * touches only the records it uses, not the frames of the whole file;
 * one that is missing, torn, foreign or stale is ignored, and one that
 * points at a wrong record only gives misses. When most bytes belong to
 * expunged messages the file is rewritten (compaction), checked when a
 * session indexes the file in full or writes a new index file.
 */
#ifndef IMAPD_MSGCACHE_H
#define IMAPD_MSGCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tern.h"

#define MSGCACHE_FILE_NAME "tern-cache"
/* The index file beside it: "tern-cache.index" (see msgcache.c). */
#define MSGCACHE_INDEX_SUFFIX ".index"
#define MSGCACHE_VERSION 1
/* A record over this is not written (a 10 MB header is not cached) and
 * one read over it is corruption. */
#define MSGCACHE_RECORD_MAX (256 * 1024)
/* No appends once the file is this big; a file much bigger than this
 * (see msgcache.c) is corruption. */
#define MSGCACHE_FILE_MAX (512 * 1024 * 1024)
/* Longest base name kept (NAME_MAX). */
#define MSGCACHE_NAME_MAX 255
/* Records are buffered and appended, grouped by kind, in one writev()
 * of at most about this much. */
#define MSGCACHE_WRITE_BATCH (64 * 1024)
/* A session that indexed this many bytes of records (and an eighth of
 * what the index file covers) beyond the index file writes a new one. */
#define MSGCACHE_INDEX_MIN (256 * 1024)
/* Compaction needs at least this many dead bytes, and more dead than
 * live ones (or a full file). */
#define MSGCACHE_COMPACT_MIN (256 * 1024)
/* A temp file (tern-cache*.tmp) not written to for this long is a dead
 * session's, removed when a new one is made. */
#define MSGCACHE_TEMP_STALE_SECS (60 * 60)

enum msgcache_kind {
	MSGCACHE_HEADER,	/* the header block as stored, blank line
				 * included: [0, body_start) */
	MSGCACHE_ENVELOPE,	/* "(...)" as FETCH ENVELOPE sends it */
	MSGCACHE_BODY,		/* "(...)" of FETCH BODY */
	MSGCACHE_BODYSTRUCTURE,	/* "(...)" of FETCH BODYSTRUCTURE */
	MSGCACHE_FIELDS,	/* where HEADER's fields are (see
				 * fetch_fields_index()) */
	MSGCACHE_KINDS
};

/* Counters for tests and logs. */
struct msgcache_stats {
	unsigned rebuilds;	/* files replaced: corrupt, UIDVALIDITY */
	unsigned compactions;
	unsigned records;	/* valid records indexed */
	unsigned reopens;	/* replaced by another process */
	unsigned index_loads;	/* index files used */
	unsigned index_ignored;	/* index files that did not check */
	unsigned index_dropped;	/* index files that lied */
	unsigned index_writes;	/* index files written */
	const char *last_error;	/* static: why the last rebuild */
};

struct msgcache;

/* Is the message uid with Maildir base name base still in the folder?
 * (Compaction keeps the records of those.) */
typedef bool msgcache_live_fn(void *ctx, uint32_t uid, struct span base);

/* A cache for the folder directory dir (a Maildir or Maildir/.Name)
 * whose dovecot-uidlist has uid_validity. No I/O yet. Free with
 * msgcache_free(). */
struct msgcache *msgcache_new(const char *dir, uint32_t uid_validity);
void msgcache_free(struct msgcache **c);
/* Is c the cache of dir with uid_validity? */
bool msgcache_is(const struct msgcache *c, const char *dir,
	uint32_t uid_validity);

/*
 * Start a command: open or create the file (replacing a corrupt or
 * foreign one), notice a replacement by another process, index the
 * records appended since the last call, and map the file for
 * msgcache_lookup() until msgcache_release(). After a full (re)index,
 * live (may be NULL) decides which records a compaction keeps. 0, or -1
 * when the cache cannot be used now (lookups then miss, adds are
 * dropped); never fatal.
 */
int msgcache_refresh(struct msgcache *c, msgcache_live_fn *live, void *ctx);
/* End a command: write buffered records and unmap the file. */
void msgcache_release(struct msgcache *c);

/* The cached data of kind for uid, if the record's base name is base:
 * true with *data_r pointing into c's buffer for kind, valid until the
 * next msgcache_lookup() of the same kind or msgcache_release() (so the
 * kinds of one message may be used together), else false. */
bool msgcache_lookup(struct msgcache *c, uint32_t uid, struct span base,
	enum msgcache_kind kind, struct span *data_r);
/* Queue a record (written at the latest by msgcache_release). Records
 * too big, a base name too long or a full file are silently skipped. */
void msgcache_add(struct msgcache *c, uint32_t uid, struct span base,
	enum msgcache_kind kind, struct span data);
/* Write the queued records now (one writev(), grouped by kind). */
void msgcache_flush(struct msgcache *c);

const struct msgcache_stats *msgcache_stats(const struct msgcache *c);

/*
 * Check the bytes of a cache file as msgcache_refresh and the lookups
 * of all its records do, without a file (the fuzz target and tests):
 * -1 with a static *error_r when it would be rebuilt, else 0 with the
 * number of valid records and the offset where a torn tail starts
 * (== len when there is none).
 */
int msgcache_check(struct span file, uint32_t uid_validity,
	size_t *records_r, size_t *end_r, const char **error_r);

/*
 * Check the bytes of an index file as msgcache_refresh does before it
 * uses one, for a cache file with inode ino and cache_size bytes: -1
 * with a static *error_r when it is ignored, else 0 with its number of
 * entries. (The offsets in it are checked when used.)
 */
int msgcache_index_check(struct span file, uint32_t uid_validity,
	uint64_t ino, uint64_t cache_size, size_t *entries_r,
	const char **error_r);

#endif
