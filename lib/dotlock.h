/* SPDX-License-Identifier: MIT */
/*
 * dotlock: Dovecot-compatible dot-locking of a file ("<path>.lock"),
 * safe over NFS: a temp file in the same directory holding "<pid>:<host>"
 * is link()ed to the lock name. A lock is stale, and is broken, when its
 * mtime is older than stale_secs (Dovecot's uidlist uses 120), or when it
 * is at least DOTLOCK_PID_CHECK_SECS old, names this host and its pid is
 * dead. Holders of a lock for long should dotlock_touch() it.
 */
#ifndef TERN_DOTLOCK_H
#define TERN_DOTLOCK_H

#include <stdbool.h>
#include <time.h>
#include "tern.h"

/* Dovecot's MAILDIR_UIDLIST_LOCK_STALE_TIMEOUT. */
#define DOTLOCK_STALE_SECS_DEFAULT 120
/* A lock younger than this is not checked for a dead pid: its owner may
 * have just made it (Dovecot's STALE_PID_CHECK_SECS). */
#define DOTLOCK_PID_CHECK_SECS 2

struct dotlock;

struct dotlock_settings {
	unsigned int timeout_secs;	/* give up after; 0: try once */
	unsigned int stale_secs;	/* 0: DOTLOCK_STALE_SECS_DEFAULT */
};

/*
 * Lock path by creating "<path>.lock". 0 with *lock_r (owned by the
 * caller, release with dotlock_free()); -1 with errno EAGAIN on timeout
 * or another errno on error, and *error_r (static buffer, valid until the
 * next call) for the log.
 */
int dotlock_create(const char *path, const struct dotlock_settings *set,
	struct dotlock **lock_r, const char **error_r);
/* Refresh the lock's mtime so others do not think it stale. 0 or -1. */
int dotlock_touch(struct dotlock *lock);
/* Is the lock file still ours (not broken as stale by another)? */
bool dotlock_is_ours(const struct dotlock *lock);
/* Remove the lock file if it is still ours and free. 0, or -1 when the
 * lock had been broken or unlink failed. Sets *lock NULL; accepts NULL. */
int dotlock_free(struct dotlock **lock);

#endif
