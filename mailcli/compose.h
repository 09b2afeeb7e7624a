/* SPDX-License-Identifier: MIT */
/*
 * compose: build an Internet message for mailcli send (RFC 5322, MIME
 * RFC 2045-2047, RFC 2231 file names). Pure functions: no I/O, output
 * into a struct buf. The result uses CRLF everywhere, no line is longer
 * than COMPOSE_LINE_MAX octets, header lines are folded near
 * COMPOSE_FOLD_AT, and Bcc never appears in it.
 */
#ifndef MAILCLI_COMPOSE_H
#define MAILCLI_COMPOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "arena.h"
#include "buf.h"
#include "tern.h"

#define COMPOSE_LINE_MAX 998		/* RFC 5322 2.1.1, without CRLF */
#define COMPOSE_FOLD_AT 78		/* RFC 5322 2.1.1 "SHOULD" */
#define COMPOSE_WORD_MAX 75		/* RFC 2047 2: one encoded-word */
#define COMPOSE_QP_LINE 76		/* RFC 2045 6.7 (5) */
#define COMPOSE_B64_LINE 76		/* RFC 2045 6.8 */
#define COMPOSE_ADDRS_MAX 1000		/* addresses in one list */
#define COMPOSE_HEADER_MAX (1024 * 1024)	/* -t: the whole header */

/* One mailbox: display name (UTF-8, NULL if none) and addr-spec. */
struct compose_addr {
	const char *name;
	const char *addr;
};

struct compose_attachment {
	const char *filename;	/* the name shown (no directory) */
	const char *type;	/* NULL: guessed from the name */
	const char *data;
	size_t len;
};

struct compose {
	struct compose_addr from;
	const struct compose_addr *to, *cc;
	size_t nto, ncc;
	const char *subject;	/* UTF-8; NULL: no Subject */
	const char *body;	/* bytes, LF or CRLF line ends */
	size_t body_len;
	const struct compose_attachment *att;
	size_t natt;
	time_t date;
	const char *message_id;	/* "<...@...>" */
	const char *boundary;	/* multipart boundary (random) */
	const char *user_agent;	/* NULL: none */
};

/*
 * Parse an address list ("A <a@x>, \"B, C\" <b@x>, c@x", groups and
 * comments allowed) into *list_r (n_r entries, in arena a, appended to
 * what is there: *list_r may be NULL at first). Encoded words in names
 * are kept as written. 0, or -1 with a static *error_r.
 */
int compose_parse_addrs(struct span in, struct arena *a,
	struct compose_addr **list_r, size_t *n_r, const char **error_r);

/* Append text as RFC 2047 B encoded-words of UTF-8 (each at most
 * COMPOSE_WORD_MAX, never splitting a character), separated by CRLF SP;
 * the first word starts when col bytes of the line are used. */
void compose_encode_words(struct buf *out, const char *text, size_t *col);

/* Quoted-printable (RFC 2045 6.7) of text with line ends LF or CRLF,
 * written with CRLF and soft breaks at COMPOSE_QP_LINE. */
void compose_qp(struct buf *out, const char *p, size_t len);

/* Base64 in lines of COMPOSE_B64_LINE, each ended by CRLF. */
void compose_base64(struct buf *out, const void *p, size_t len);

/* A MIME type for a file name, from its extension;
 * "application/octet-stream" when unknown. */
const char *compose_guess_type(const char *filename);

/* The Content-Transfer-Encoding the text body needs: "7bit" for ASCII
 * with short lines, else "quoted-printable". */
const char *compose_body_encoding(const char *p, size_t len);

/* Build the whole message into out. 0, or -1 with a static *error_r. */
int compose_message(const struct compose *c, struct buf *out,
	const char **error_r);

/* RFC 5322 3.3 date-time of t in local time into out (size >= 40). */
void compose_date(char *out, size_t size, time_t t);

/* A new "<random.time@domain>" Message-ID in arena a. */
char *compose_message_id(struct arena *a, const char *domain, time_t t);

/*
 * -t: a complete message on input. Collects the addresses of To, Cc
 * and Bcc (and Resent-* are ignored), writes the message to out with
 * Bcc removed, line ends made CRLF, and Date, Message-ID and From added
 * when missing (from may be NULL: then From must be present). With
 * stop_at_dot, input ends at a line holding a single "." (sendmail
 * without -i). *msgid_r is the message's Message-ID (in a).
 * 0, or -1 with a static *error_r.
 */
int compose_from_stdin_message(const char *p, size_t len, bool stop_at_dot,
	const struct compose_addr *from, time_t now, struct arena *a,
	struct buf *out, struct compose_addr **rcpts_r, size_t *nrcpts_r,
	const char **msgid_r, const char **error_r);

/* Write one mailbox as a header value: the name quoted or encoded as
 * needed, then <addr>; col tracks the line for folding. */
void compose_mailbox(struct buf *out, const struct compose_addr *m,
	size_t *col);

#endif
