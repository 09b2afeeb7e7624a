/* SPDX-License-Identifier: MIT */
/*
 * imap_bodystructure: BODY and BODYSTRUCTURE (RFC 3501 7.4.2, RFC 9051
 * 7.5.2) of a parsed message, section resolution for BODY[...] (RFC 3501
 * 6.4.5) as offsets to stream, and BINARY[] content decoding (RFC 3516).
 */
#ifndef TERN_IMAP_BODYSTRUCTURE_H
#define TERN_IMAP_BODYSTRUCTURE_H

#include <stdbool.h>
#include <stdint.h>
#include "arena.h"
#include "buf.h"
#include "message.h"
#include "tern.h"

/* Part numbers in a section spec: RFC 3501 sets no limit; deeper than the
 * MIME depth cannot name a part. */
#define IMAP_SECTION_PATH_MAX (MESSAGE_DEPTH_MAX + 1)

/*
 * Append the body structure of m, from "(" to ")": BODYSTRUCTURE with
 * extension data when extended, else the non-extensible BODY form.
 * Non-recursive; temporaries (envelopes) in a. -1 when out is full.
 */
int imap_bodystructure_write(const struct message *m, bool extended,
	struct arena *a, struct buf *out);

enum imap_section_kind {
	IMAP_SECTION_ALL,	/* BODY[] or BODY[1.2]: the whole part */
	IMAP_SECTION_HEADER,	/* [HEADER], [1.HEADER] */
	IMAP_SECTION_HEADER_FIELDS,	/* [HEADER.FIELDS (..)] */
	IMAP_SECTION_HEADER_FIELDS_NOT,	/* [HEADER.FIELDS.NOT (..)] */
	IMAP_SECTION_TEXT,	/* [TEXT], [1.TEXT] */
	IMAP_SECTION_MIME,	/* [1.MIME] */
};

/* A resolved section: bytes [start, end) of the message, to be sent in
 * CRLF form (crlf_size octets; message_append_crlf()). For the
 * HEADER.FIELDS kinds, [start, end) is the whole header and fields is the
 * "(name ...)" list, for the caller to filter. */
struct imap_section {
	enum imap_section_kind kind;
	struct message_part *part;
	size_t start, end;
	uint64_t crlf_size;
	struct span fields;
};

/*
 * Resolve the text between "[" and "]" of a FETCH BODY[...] against m.
 * 0, or -1 with a static *error_r for bad syntax (BAD). A part that does
 * not exist gives an empty range (RFC 3501: the empty string), not -1.
 */
int imap_bodystructure_section(const struct message *m, struct span spec,
	struct imap_section *sec_r, const char **error_r);

#endif
