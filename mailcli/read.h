/* SPDX-License-Identifier: MIT */
/*
 * read.h: internals of mailcli's reading half (IMAP and POP3 with
 * libetpan). decode.c turns a fetched message into what "read" shows
 * (pure, unit-tested, fuzzed); tls_verify.c gives libetpan streams whose
 * TLS we set up and verify with OpenSSL; imap_*.c and pop3_*.c hold the
 * commands. Nothing here is seen by the sending half (mailcli.h is the
 * contract between the halves).
 */
#ifndef MAILCLI_READ_H
#define MAILCLI_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libetpan/libetpan.h>
#include "arena.h"
#include "buf.h"
#include "message.h"
#include "tern.h"
#include "mailcli.h"

/* ---- decode.c: message -> readable text ---- */

/* The largest message "read" and "save" take in (a message is held in
 * memory; 64 MiB is past what common servers accept at all). */
#define MC_MESSAGE_MAX (64u * 1024 * 1024)
/* Longest file name "save" writes (NAME_MAX is 255; room for "-N"). */
#define MC_FILENAME_MAX 200
/* Attachments listed per message (MESSAGE_PARTS_MAX bounds the rest). */
#define MC_ATTACHMENTS_MAX 1000

/* An attachment: a leaf part that is not the text we show. */
struct mc_attachment {
	const struct message_part *part;
	const char *name;	/* as the sender named it, UTF-8; or NULL */
	const char *filename;	/* safe for "save": see mc_safe_filename */
	const char *type;	/* "application/pdf" */
	size_t size;		/* decoded size */
};

/* What "read" shows of a message. Strings are in the arena given. */
struct mc_rendered {
	const char *from, *to, *cc, *date, *subject;	/* decoded or NULL */
	const struct message_part *body;	/* the part shown, or NULL */
	bool html;			/* body was text/html, rendered */
	struct buf text;		/* the body as UTF-8 text, LF ends */
	struct mc_attachment *att;
	unsigned int natt;
};

/*
 * Decode the text of a leaf part: its Content-Transfer-Encoding undone,
 * its charset (default US-ASCII) converted to UTF-8, CRLF made LF.
 * Bytes invalid in the charset become U+FFFD; an unknown charset is
 * read as UTF-8 where valid, else as Windows-1252. Appends to out; -1
 * when out is full.
 */
int mc_part_text(const struct message *m, const struct message_part *p,
	struct buf *out);
/*
 * Render HTML as readable text: tags dropped, <script>/<style> and
 * comments skipped, block elements as line breaks, list items as "* ",
 * entities decoded, runs of white space collapsed (except in <pre>),
 * links as "text <url>". Bounded, no recursion. -1 when out is full.
 */
int mc_html_to_text(struct span html, struct buf *out);
/*
 * A file name that is safe to create in a directory: the last path
 * component of name (after '/' or '\\'), without control characters,
 * not starting with '.', cut at MC_FILENAME_MAX bytes on a UTF-8
 * boundary; "attachment-<n>" when nothing usable is left. Into out.
 */
void mc_safe_filename(const char *name, unsigned int n, struct buf *out);
/*
 * Pick the body to show (the first text/plain that is not an
 * attachment, else the first text/html, rendered), decode the main
 * headers (RFC 2047) and list the attachments. r must be zeroed; free
 * it with mc_rendered_clear(). Strings in a. Never fails on bad MIME.
 */
void mc_render(const struct message *m, struct arena *a,
	struct mc_rendered *r);
void mc_rendered_clear(struct mc_rendered *r);
/* Modified UTF-7 mailbox name (RFC 3501 5.1.3) for display: UTF-8, or
 * the name as sent when it is not valid mUTF-7. In a. */
const char *mc_mailbox_display(const char *mutf7, struct arena *a);
/* Nonzero-free UTF-8 of code point cp (invalid: U+FFFD) onto out. */
int mc_put_utf8(struct buf *out, uint32_t cp);

#endif
