/* SPDX-License-Identifier: MIT */
/*
 * imap_envelope: the ENVELOPE of a message (RFC 3501 7.4.2, RFC 9051
 * 7.5.2) from a parsed header, and IMAP string quoting shared with
 * imap_bodystructure. Output matches Dovecot 2.3 byte for byte on the
 * corpus in tests/unit/messages.
 */
#ifndef TERN_IMAP_ENVELOPE_H
#define TERN_IMAP_ENVELOPE_H

#include "arena.h"
#include "buf.h"
#include "message.h"
#include "tern.h"

/* Append s as an IMAP nstring: NIL for NULL; a quoted string (at most 4
 * escaped '"' or '\\'); else a literal {n}\r\n... (CR, LF, 8-bit, more
 * escapes), as Dovecot's imap_append_nstring(). -1 when out is full. */
int imap_envelope_append_nstring(struct buf *out, const char *s);

/* Append text meant for people (Subject, display names) as Dovecot's
 * imap_append_string_for_humans(): runs of white space become one
 * space, CR/LF and leading/trailing space go; a changed or 8-bit or
 * quote-special string is sent as a literal. */
int imap_envelope_append_human(struct buf *out, const char *s);

/* Append "(" date subject from sender reply-to to cc bcc in-reply-to
 * message-id ")" for the header of part hdr (a message's root, or the
 * child of a message/rfc822 part; NULL: all NIL). Temporaries in a.
 * -1 when out is full. */
int imap_envelope_write(const struct message_part *hdr, struct arena *a,
	struct buf *out);

/* Append an address list as ENVELOPE does: "(" address... ")" or NIL. */
int imap_envelope_write_addrs(const struct message_addr *list,
	struct buf *out);

#endif
