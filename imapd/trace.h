/* SPDX-License-Identifier: MIT */
/*
 * trace: imapd's debug protocol trace (imapd -d, STYLE.md 8): every line
 * each way as "C: ..." or "S: ...", literal data included, line by line,
 * up to IMAP_TRACE_DATA_MAX bytes of each literal (then one line saying
 * how much was left out). The server side is fed by a tap on the stream,
 * so nothing written escapes it; the client side by the reader, which
 * masks LOGIN and AUTHENTICATE (STYLE.md 8: "***"). Peer text goes
 * through log_escape() (control bytes as \xNN, cut at 200 bytes).
 */
#ifndef IMAPD_TRACE_H
#define IMAPD_TRACE_H

#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "tern.h"

#define IMAP_TRACE_DATA_MAX 1024	/* bytes of one literal shown */
#define IMAP_TRACE_LINE_MAX 1024	/* bytes of one line kept */

struct imap_trace {
	char dir;			/* 'C' or 'S' */
	struct buf line;		/* the line so far */
	size_t line_dropped;		/* bytes beyond IMAP_TRACE_LINE_MAX */
	uint64_t data_left;		/* literal bytes still to come */
	uint64_t data_seen;		/* of this literal so far */
};

void imap_trace_init(struct imap_trace *t, char dir);
void imap_trace_clear(struct imap_trace *t);
/* Forget a partial line and any literal under way (a new command). */
void imap_trace_reset(struct imap_trace *t);
/* Feed bytes as they go over the wire; complete lines are logged at
 * debug level (nothing is done unless it is enabled). A line ending in
 * a literal announcement ("{12}", "{12+}", "~{12}") makes the next 12
 * bytes data. Matches stream_tap_fn for the server side. */
void imap_trace_bytes(void *t, const void *p, size_t len);
/* Log one client line as it is, and "C: ***" for a secret. */
void imap_trace_line(struct imap_trace *t, const char *p, size_t len);

#endif
