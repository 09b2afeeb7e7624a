/* SPDX-License-Identifier: MIT */
/*
 * message: an RFC 5322 message held in memory, parsed in one pass into a
 * MIME tree (RFC 2045, 2046) with byte offsets, CRLF-adjusted sizes and
 * line counts for IMAP (RFC 3501 7.4.2, RFC 9051 7.5.2). LF or CRLF line
 * ends; the CRLF size of a range counts each bare LF as two bytes. No I/O,
 * no recursion: an explicit boundary stack with named limits. Broken MIME
 * never fails: it gives the tree Dovecot would give. Also header access,
 * RFC 2047 encoded words, RFC 2231 parameters, RFC 5322 address lists and
 * base64 / quoted-printable body decoding.
 */
#ifndef TERN_MESSAGE_H
#define TERN_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "buf.h"
#include "tern.h"

/* Levels of nested parts, the root being level 1: a multipart or
 * message/rfc822 part on the last level is not descended into (its body
 * is one opaque part, shown as application/octet-stream). No RFC limit;
 * Dovecot's default and behaviour (CVE-2020-12100). */
#define MESSAGE_DEPTH_MAX 100
/* Parts per message; after that no boundary is recognised (Dovecot). */
#define MESSAGE_PARTS_MAX 10000
/* Header fields kept per part; later ones still count in the sizes. */
#define MESSAGE_FIELDS_MAX 1000
/* Bytes of one header field that the Content-* and address parsers look
 * at (RFC 5322 2.1.1 has 998 per line; folded fields may be longer). */
#define MESSAGE_VALUE_MAX 65536
/* Boundary length: RFC 2046 5.1.1 says 70; we take up to this for broken
 * senders and ignore longer ones. */
#define MESSAGE_BOUNDARY_MAX 200
/* Content-Type / Content-Disposition parameters kept per field. */
#define MESSAGE_PARAMS_MAX 64
/* RFC 2231 continuations per parameter (name*0 .. name*N). */
#define MESSAGE_CONTINUATIONS_MAX 100
/* Addresses (and group markers) kept per address header. */
#define MESSAGE_ADDRS_MAX 1000

/* Zero fields take the defaults above; a limit above its default is
 * lowered to it. */
struct message_limits {
	unsigned int depth_max;
	unsigned int parts_max;
	unsigned int fields_max;
};

/* A range of the message in its stored form and in its CRLF form. */
struct message_size {
	uint64_t physical;	/* bytes as stored */
	uint64_t crlf;		/* bytes with each bare LF as CRLF */
	uint64_t lines;		/* LF count */
};

/* One header field. value runs from after the colon to the end of the
 * field without its final line end; folds are kept (raw). */
struct message_field {
	struct span name;
	struct span value;
};

/* A Content-Type or Content-Disposition parameter as Dovecot keeps it:
 * RFC 2231 continuations joined; an extended one is named "name*" and its
 * value stays "charset'lang'%XX..". decoded is the value as UTF-8
 * (percent-decoded and converted for extended ones; else == value). */
struct message_param {
	const char *name;
	const char *value;
	const char *decoded;
};

enum message_part_flags {
	MESSAGE_PART_MULTIPART = 1 << 0, /* multipart/ *: children are parts */
	MESSAGE_PART_RFC822 = 1 << 1,	/* message/rfc822: one child message */
	MESSAGE_PART_TEXT = 1 << 2,	/* text/ * or no Content-Type */
	MESSAGE_PART_OVERFLOW = 1 << 3,	/* too deep: not descended into */
};

struct message_part {
	struct message_part *parent, *children, *next;
	unsigned int depth;		/* 0: the root */
	unsigned int flags;		/* enum message_part_flags */
	/* Offsets into the message: header [hdr_start, body_start) (with
	 * its blank line, if any), body [body_start, body_end). */
	size_t hdr_start, body_start, body_end;
	struct message_size hdr, body;

	struct message_field *fields;
	unsigned int nfields;

	/* Content-* fields (first of each), NULL when absent or invalid.
	 * Strings are in the parse arena. */
	const char *type, *subtype;	/* as sent, e.g. "text" "plain" */
	struct message_param *params;
	unsigned int nparams;
	const char *id, *description, *encoding, *md5, *location;
	const char *disposition;
	struct message_param *disp_params;
	unsigned int ndisp_params;
	const char **languages;
	unsigned int nlanguages;
	const char *boundary;		/* multipart with a boundary */
};

struct message {
	struct span data;
	struct message_part *root;
	unsigned int nparts;
	bool overflow;			/* a limit was hit somewhere */
};

/*
 * Parse in into a MIME tree allocated in a (limits NULL: defaults). in
 * must stay valid as long as the tree is used (fields point into it).
 * Never fails on malformed input; returns 0, or -1 with a static
 * *error_r only for input over 4 GiB.
 */
int message_parse(struct span in, const struct message_limits *limits,
	struct arena *a, struct message **msg_r, const char **error_r);

/* The first field of part named name (case-insensitive), or NULL. */
const struct message_field *message_field_find(const struct message_part *p,
	const char *name);
/* The value of a field unfolded (CR and LF removed, RFC 5322 2.2.3),
 * leading white space trimmed, NULs as U+FFFD (as Dovecot); in a.
 * At most MESSAGE_VALUE_MAX bytes are used. Never NULL. */
char *message_field_unfold(const struct message_field *f, struct arena *a);
/* The value as Dovecot's full_value: leading white space of the first
 * line skipped, folds (line ends) kept, NULs as U+FFFD; in a. ENVELOPE
 * renders this, so that a folded Subject is sent the way Dovecot does. */
char *message_field_raw(const struct message_field *f, struct arena *a);
/* message_field_unfold() of the first field named name, or NULL. */
char *message_header_get(const struct message_part *p, const char *name,
	struct arena *a);

/*
 * RFC 2047 decode an unstructured value (already unfolded or not): encoded
 * words in B or Q with charset UTF-8, US-ASCII, ISO-8859-x, Windows-125x
 * (anything iconv knows) become UTF-8; white space between adjacent
 * encoded words is dropped; a word that does not decode is kept as sent.
 * Folds are unfolded. Result in a, never NULL.
 */
char *message_decode_words(struct span in, struct arena *a);

/* Convert len bytes in charset to UTF-8 into out (appending). Unknown
 * charset or invalid input: -1 (out unchanged). */
int message_charset_to_utf8(const char *charset, const char *in, size_t len,
	struct buf *out);

/*
 * Addresses (RFC 5322 3.4, with the obsolete forms of 4.4) as IMAP
 * ENVELOPE wants them: a list of mailboxes, with a group as a start
 * marker (mailbox = group name, domain NULL) and an end marker (all
 * NULL). Like Dovecot, a broken address gets "MISSING_MAILBOX",
 * "MISSING_DOMAIN" or route "INVALID_ROUTE" rather than being dropped.
 * name is the display name with quotes removed and not RFC 2047 decoded;
 * NULL when absent or empty. route is the obsolete "@a,@b" source route.
 */
struct message_addr {
	struct message_addr *next;
	const char *name, *route, *mailbox, *domain;
	bool group_start, group_end;
};

/* Parse an address list; *list_r is NULL for an empty one. In a. At most
 * MESSAGE_ADDRS_MAX entries. Never fails. */
void message_addr_parse(struct span in, struct arena *a,
	struct message_addr **list_r);

/*
 * The part with the IMAP part number path[0].path[1]... (RFC 3501 6.4.5):
 * the children of a multipart are numbered from 1; a message/rfc822
 * part's number addresses its message, whose parts are numbered as the
 * top level's; a non-multipart message has part 1 = itself. n == 0 gives
 * the root. NULL when there is no such part.
 */
struct message_part *message_part_find(const struct message *m,
	const uint32_t *path, unsigned int n);

/* For a message/rfc822 part, the embedded message (else p itself). */
struct message_part *message_part_inner(struct message_part *p);

/* Size of the range [start, end) of m: physical, CRLF and lines. */
struct message_size message_range_size(const struct message *m, size_t start,
	size_t end);

/* Append [start, end) of m to out with each bare LF made CRLF. -1 if out
 * is full. */
int message_append_crlf(const struct message *m, size_t start, size_t end,
	struct buf *out);

/*
 * Decode the body of a non-multipart part for IMAP BINARY (RFC 3516):
 * base64 and quoted-printable are decoded, 7bit / 8bit / binary and no
 * encoding are copied; line ends of non-base64 content become CRLF.
 * Appends to out. 0; -1 with *error_r "unknown" for an unknown encoding
 * (UNKNOWN-CTE), or when out is full.
 */
int message_part_decode(const struct message *m, const struct message_part *p,
	struct buf *out, const char **error_r);

#endif
