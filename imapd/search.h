/* SPDX-License-Identifier: MIT */
/*
 * search: evaluate a SEARCH key tree (search_parse.h) against the
 * selected mailbox (RFC 9051 6.4.4). Per message the cheap keys go first
 * (flags, UIDs, sizes), then INTERNALDATE (the file's mtime, as Dovecot
 * and cmd_append), then the header, then the body: the file is opened
 * only when a key still needs it. Strings match as substrings after
 * Unicode simple case folding (lib/casefold) of both sides. Header keys
 * look in the RFC 2047-decoded values; BODY and TEXT in the bodies of
 * text/ * and message/ * leaf parts (as Dovecot: not in attachments of
 * other types, nor in a multipart's preamble) after base64 or
 * quoted-printable decoding and conversion of their charset to UTF-8
 * (lib/message); TEXT also in every header of every part. SENT* use the
 * Date: header's date. Ghosts (expunged elsewhere) never match.
 */
#ifndef IMAPD_SEARCH_H
#define IMAPD_SEARCH_H

#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "mailbox_view.h"
#include "search_parse.h"
#include "tern.h"

/* The header block read for header keys (RFC 5322 has no limit; the
 * rest of a longer header is not searched). */
#define SEARCH_HEADER_READ_MAX (256 * 1024)
/* A decoded text part searched for BODY/TEXT; a larger one is searched
 * undecoded. */
#define SEARCH_PART_DECODED_MAX (16 * 1024 * 1024)
/* Messages larger than this are not opened for BODY/TEXT (they never
 * match). */
#define SEARCH_MESSAGE_MAX ((uint64_t)1 << 31)
/* The first read of a message file; most messages fit (one read()). */
#define SEARCH_READ_CHUNK (64 * 1024)
/* Larger messages are mmap()ed rather than read into the buffer that
 * is reused from message to message (munmap() costs a TLB shootdown,
 * read() a copy; the buffer stays at most this big). */
#define SEARCH_READ_MAX (16 * 1024 * 1024)

/*
 * The sequence numbers of the messages of v matching prog, ascending,
 * into *seqs_r (allocated in a). A message file that cannot be read
 * (expunged meanwhile) does not match. 0.
 */
int search_run(const struct mailbox_view *v,
	const struct search_program *prog, struct arena *a,
	uint32_t **seqs_r, size_t *n_r);

/* Pure: the date of an RFC 5322 Date: value (day, month, year; the time
 * and zone are ignored, RFC 3501 6.4.4) as days since 1970-01-01. 0 or
 * -1. */
int search_parse_rfc5322_date(const char *value, int32_t *day_r);

#endif
