/* SPDX-License-Identifier: MIT */
/*
 * msgflags: IMAP flags <-> Maildir flag letters for STORE, APPEND and
 * COPY. System flags are R F T S D (maildir(5), Dovecot); keywords are
 * 'a'..'z' through the folder's dovecot-keywords. A letter set is a
 * 64-bit mask (bit 0..25 'A'..'Z', 26..51 'a'..'z'), so adding and
 * removing flags is arithmetic and the result is sorted by construction.
 */
#ifndef IMAPD_MSGFLAGS_H
#define IMAPD_MSGFLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "imap_parse.h"
#include "maildir_mailbox.h"
#include "tern.h"

/* The IMAP system flags as letters: \Answered \Flagged \Deleted \Seen
 * \Draft. Other upper-case letters (Dovecot's P for "passed") are kept
 * by FLAGS replacement. */
#define MSGFLAGS_SYSTEM_MASK (msgflags_bit('R') | msgflags_bit('F') | \
	msgflags_bit('T') | msgflags_bit('S') | msgflags_bit('D'))

/* The bit of letter c ('A'..'Z', 'a'..'z'); 0 for other bytes. */
uint64_t msgflags_bit(char c);
/* The mask of a letter string; other bytes are ignored. */
uint64_t msgflags_mask(const char *letters);
/* The sorted letters of mask into out (size >= 53). */
void msgflags_letters(uint64_t mask, char *out, size_t size);

/*
 * The mask of f in mb: system flags and keywords. With create, missing
 * keywords are added to mb's dovecot-keywords (*created_r set true);
 * without, missing keywords are left out (-FLAGS of an unknown keyword
 * is a no-op). -1 with *err_r (LIMIT: 26 keywords in use; SYNTAX: a bad
 * keyword) and a static *error_r.
 */
int msgflags_from_imap(struct maildir_mailbox *mb, const struct imap_flags *f,
	bool create, uint64_t *mask_r, bool *created_r, enum tern_err *err_r,
	const char **error_r);

/* The letters of a message of src as letters of dst: system letters as
 * they are, keywords by name (created in dst when missing; a keyword
 * that cannot be created is dropped, as Dovecot does). */
uint64_t msgflags_remap(const struct maildir_mailbox *src,
	struct maildir_mailbox *dst, uint64_t mask, bool *created_r);

#endif
