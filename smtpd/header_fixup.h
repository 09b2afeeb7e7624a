/* SPDX-License-Identifier: MIT */
/*
 * header_fixup: a message submission agent may add the Date and
 * Message-ID fields a client left out (RFC 6409 8.2, 8.3), as Postfix's
 * cleanup does for its own clients. The scanner watches the message as
 * it streams by, in chunks of any size (DATA lines, BDAT chunks), and
 * says where the header section ends: at the empty line, or at a line
 * that cannot start a field (then the added fields need an empty line
 * of their own). A line that looked like a field until it ended without
 * a colon has already gone out: then nothing is added. Pure: no I/O.
 */
#ifndef SMTPD_HEADER_FIXUP_H
#define SMTPD_HEADER_FIXUP_H

#include <stdbool.h>
#include <stddef.h>

/* Longest field name we compare; longer ones are neither Date nor
 * Message-ID. */
#define HEADER_FIXUP_NAME_MAX 16

enum header_fixup_state {
	HFX_LINE_START,		/* first byte of a header line next */
	HFX_NAME,		/* in the field name, before ':' */
	HFX_LINE,		/* in a field (or continuation line) */
	HFX_DONE,		/* header section over */
	HFX_GIVE_UP,		/* a non-field line passed: add nothing */
};

struct header_fixup {
	enum header_fixup_state state;
	char name[HEADER_FIXUP_NAME_MAX];
	size_t name_len;
	bool name_ws;		/* WSP seen after the name */
	bool too_long;		/* the name is no field we count */
	bool have_date;
	bool have_message_id;
	bool need_blank;	/* the body began without an empty line */
};

void header_fixup_init(struct header_fixup *hf);

/*
 * Scan len bytes. When the header section ends in them, return the
 * offset where fields can be inserted (the first byte of the empty or
 * non-header line) and set *end_r; later calls do nothing. Otherwise
 * return len with *end_r false.
 */
size_t header_fixup_scan(struct header_fixup *hf, const char *p, size_t len,
	bool *end_r);

/* At the end of the message: are we at the start of a header line, so
 * fields can still be appended (a message of headers only)? */
bool header_fixup_can_append(const struct header_fixup *hf);

#endif
