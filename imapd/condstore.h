/* SPDX-License-Identifier: MIT */
/*
 * condstore: the session side of CONDSTORE and QRESYNC (RFC 7162) that
 * the command files share: enabling, mod-sequence arguments, and the
 * SELECT/EXAMINE parameters with the QRESYNC resynchronisation (VANISHED
 * (EARLIER) and FETCH of what changed). The modseqs themselves come from
 * lib/modseq through mailbox_view.
 */
#ifndef IMAPD_CONDSTORE_H
#define IMAPD_CONDSTORE_H

#include <stdbool.h>
#include <stdint.h>
#include "imapd.h"
#include "imap_parse.h"
#include "tern.h"

/* RFC 7162 3.2.5: "(uidvalidity modseq [known-uids [seq-match]])". */
struct qresync_params {
	uint32_t uid_validity;
	uint64_t modseq;
	bool have_known_uids, have_seq_match;
	struct imap_seqset known_uids;
	struct imap_seqset match_seqs, match_uids;	/* seq-match */
};

/* The parameters of SELECT/EXAMINE (RFC 4466 2.1). */
struct select_params {
	bool condstore;		/* (CONDSTORE) */
	bool qresync;		/* (QRESYNC (...)) */
	struct qresync_params q;
};

/* Is CONDSTORE (or QRESYNC, which implies it) on for this session? */
bool imap_condstore(const struct imap_session *s);
bool imap_qresync(const struct imap_session *s);
/* A CONDSTORE-enabling command ran (RFC 7162 3.1: SELECT (CONDSTORE),
 * STATUS HIGHESTMODSEQ, FETCH MODSEQ/CHANGEDSINCE, STORE UNCHANGEDSINCE,
 * SEARCH MODSEQ): from now on FETCH responses carry MODSEQ. When a
 * mailbox is selected and CONDSTORE was off, the client is also told its
 * HIGHESTMODSEQ with an untagged OK (RFC 7162 3.1.2.1). */
void condstore_enable(struct imap_cmd *c);

/*
 * A mod-sequence argument (RFC 7162 7 "mod-sequence-value": 1 to
 * 2^63 - 1). zero_ok allows 0 ("mod-sequence-valzer", and CHANGEDSINCE
 * 0, which iPhone Mail sends: CLIENTS.md). 0 or -1.
 */
int condstore_parse_modseq(const struct imap_arg *arg, bool zero_ok,
	uint64_t *v_r);

/* SELECT/EXAMINE's parameter list. 0, or -1 with a static *error_r
 * (answer BAD). QRESYNC without ENABLE QRESYNC is an error (RFC 7162
 * 3.2.5). */
int condstore_parse_select_params(const struct imap_session *s,
	const struct imap_arg *arg, struct arena *a,
	struct select_params *p_r, const char **error_r);

/* After SELECT/EXAMINE with QRESYNC of the selected mailbox: when the
 * UIDVALIDITY matches, "* VANISHED (EARLIER) uids" for what was expunged
 * since the client's modseq and "* n FETCH (UID FLAGS MODSEQ)" for every
 * message changed since (RFC 7162 3.2.5.2). */
void condstore_select_resync(struct imap_cmd *c,
	const struct qresync_params *q);

/* "* VANISHED (EARLIER) uids" for the UIDs of known (NULL: all) expunged
 * since the client's modseq since (mailbox_view_vanished()); nothing
 * when there are none. The line has no length limit. */
void condstore_send_vanished(struct imap_cmd *c, uint64_t since,
	const struct imap_seqset *known);

/* The view update flags for the session: VIEW_UPDATE_CONDSTORE and
 * VIEW_UPDATE_QRESYNC as enabled. */
unsigned condstore_view_flags(const struct imap_session *s);

#endif
