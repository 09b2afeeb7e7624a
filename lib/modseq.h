/* SPDX-License-Identifier: MIT */
/*
 * modseq: mod-sequences of one Maildir folder (RFC 7162 CONDSTORE and
 * QRESYNC), kept in "tern-modseq" beside dovecot-uidlist and changed only
 * under the dovecot-uidlist.lock dotlock. The file is a cache (DESIGN.md
 * "The store"): it records per UID the modseq and the flag letters last
 * seen, and a bounded log of expunged UIDs. A sync compares it with the
 * folder: a new UID, a UID whose flags differ (changed by us, by Dovecot
 * or by pop3d) and a vanished UID all get the next modseq. Invariants:
 * HIGHESTMODSEQ never goes back; a lost or corrupt file is rebuilt with
 * every message at a time-based modseq above any value given out before
 * (clients then fetch everything again); expunges at or below the log's
 * floor are no longer known one by one, so VANISHED (EARLIER) reports
 * conservatively below it.
 *
 * File (text, one record a line):
 *   tern-modseq 1 V<uidvalidity> H<highestmodseq> F<expunge floor>
 *   <uid> <modseq> :<flags>        ascending uid
 *   x <uid> <modseq>               expunged, ascending modseq
 */
#ifndef TERN_MODSEQ_H
#define TERN_MODSEQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tern.h"

#define MODSEQ_FILE_NAME "tern-modseq"
/* Largest file we read: ~40 bytes a record, a million messages. */
#define MODSEQ_FILE_SIZE_MAX (128u * 1024 * 1024)
/* Expunged UIDs remembered one by one (for VANISHED (EARLIER)); older
 * ones only raise the floor. */
#define MODSEQ_EXPUNGED_MAX 10000
/* A rebuilt state starts at the time base, seconds << MODSEQ_TIME_SHIFT
 * | microseconds: above every value given out before, as long as each
 * change took more than a microsecond (each costs a file rewrite and an
 * fsync) and the clock does not go back. Stays below 2^53 (JSON-safe
 * clients) until 2106; RFC 7162 allows up to 2^63 - 1. */
#define MODSEQ_TIME_SHIFT 20
/* RFC 7162 7: mod-sequence-value is at most 2^63 - 1. */
#define MODSEQ_VALUE_MAX ((uint64_t)INT64_MAX)

struct modseq_rec {
	uint32_t uid;
	uint64_t modseq;
	char *flags;		/* Maildir letters as last seen; arena */
};

struct modseq_expunged {
	uint32_t uid;
	uint64_t modseq;
};

struct modseq_state {
	uint32_t uid_validity;	/* 0: nothing loaded (rebuild) */
	uint64_t highest;	/* HIGHESTMODSEQ */
	uint64_t floor;		/* expunges with modseq <= floor unknown */
	struct modseq_rec *recs;	/* ascending uid */
	size_t count, cap;
	struct modseq_expunged *expunged;	/* ascending modseq */
	size_t n_expunged, cap_expunged;
	/* the file text as read; recs' flags may point into it */
	char *text;
	struct arena *arena;	/* other flags strings; NULL until needed */
};

/* One message as the folder has it now (input of modseq_update). */
struct modseq_current {
	uint32_t uid;
	const char *flags;	/* sorted Maildir letters */
};

void modseq_init(struct modseq_state *st);
/* Free everything; the state is then as after modseq_init(). */
void modseq_clear(struct modseq_state *st);

/* Parse file text into st (freshly initialised). Pure: 0, or -1 with a
 * static *error_r (then st is cleared: treat it as lost). */
int modseq_parse(struct span text, struct modseq_state *st,
	const char **error_r);
/* The file text into a malloc()ed string (*len_r bytes). */
char *modseq_format(const struct modseq_state *st, size_t *len_r);
/* Read path into st. A missing, unreadable or corrupt file gives 0 and
 * an empty state (a rebuild follows) with *lost_r true; *lost_r is false
 * when the file was read. Never fails: the file is a cache. */
void modseq_read(const char *path, struct modseq_state *st, bool *lost_r);
/* Write st to path atomically. 0, or with errno and a static *error_r:
 * -1 when the write failed and the old file was removed (nobody builds
 * on a state older than the modseqs this process hands out: the next
 * sync rebuilds above them; go on), -2 when even the removal failed
 * (the caller must not hand out the new modseqs). */
int modseq_write(const char *path, const struct modseq_state *st,
	const char **error_r);

/* The time base of a rebuild now (see MODSEQ_TIME_SHIFT). */
uint64_t modseq_time_base(void);

/*
 * Bring st up to date with the folder's messages cur[0..n) (ascending
 * uid) of uid_validity. When st is empty or of another uid_validity it
 * is rebuilt: every message at max(base, min_next) (base: from
 * modseq_time_base(), injected for tests), the floor there too. Otherwise one new modseq (highest + 1) goes to
 * every new UID, every UID whose flags differ and every vanished UID
 * (logged as expunged; the log keeps the MODSEQ_EXPUNGED_MAX newest and
 * raises the floor over the ones it drops); st is left as it is when
 * none of that happens. min_next is the lowest value
 * a new modseq may take (a process's last HIGHESTMODSEQ + 1, so that
 * even a deleted file never makes it go back). Returns true when st
 * changed (write it).
 */
bool modseq_update(struct modseq_state *st, uint32_t uid_validity,
	const struct modseq_current *cur, size_t n, uint64_t base,
	uint64_t min_next);

/* The record of uid, or NULL. Binary search. */
const struct modseq_rec *modseq_lookup(const struct modseq_state *st,
	uint32_t uid);

#endif
