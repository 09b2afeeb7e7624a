/* SPDX-License-Identifier: MIT */
/*
 * reader: the bounded IMAP command reader (STYLE.md 6). It reads one
 * command: the tag, the name and the argument text, with every literal
 * {N} / {N+} (RFC 7888 LITERAL+) / ~{N} (RFC 3516 literal8) inline. For
 * a synchronizing literal it sends "+ Ready" first. Limits: line length,
 * literal size, literal count and bytes per command; a refused command is
 * skipped so the session stays in sync. A hook may take a literal's bytes
 * as they arrive (APPEND streams into a Maildir tmp/ file).
 */
#ifndef IMAPD_READER_H
#define IMAPD_READER_H

#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "buf.h"
#include "imap_parse.h"
#include "stream.h"
#include "trace.h"
#include "tern.h"

#define IMAP_LITERALS_MAX 64		/* literals in one command kept in
					 * memory (mox: 1000 for APPEND) */
#define IMAP_LITERAL_MEM_MAX (1024 * 1024)	/* bytes of in-memory
						 * literals per command */
#define IMAP_LITERAL_CHUNK (64 * 1024)	/* one read of a streamed literal */

struct imap_reader_limits {
	size_t line_max;		/* one line, literals not counted */
	uint64_t literal_max;		/* one literal (APPENDLIMIT) */
	size_t mem_max;			/* in-memory literal bytes */
	unsigned literals_max;		/* in-memory literals */
};

/* Streams a literal instead of keeping it. begin() is called before the
 * bytes are read (after "+ Ready" for a synchronizing literal) with the
 * command name and the literal's index: 1 to take it (then write() gets
 * every byte, in chunks), 0 to leave it to the reader. */
struct imap_literal_hook {
	int (*begin)(void *ctx, struct span name, unsigned index,
		uint64_t size, bool binary);
	int (*write)(void *ctx, const void *p, size_t len);
	void *ctx;
};

struct imap_reader {
	struct stream *stream;
	struct imap_reader_limits limits;
	struct imap_literal_hook hook;	/* begin NULL: none */
	struct buf line;
	struct buf text;		/* the assembled command */
	/* the debug trace of what the client sent; secret: the command
	 * read last was LOGIN or AUTHENTICATE, shown as "***" */
	struct imap_trace trace;
	bool secret;
};

enum imap_read_status {
	IMAP_READ_OK = 1,		/* a command in *cmd_r */
	IMAP_READ_EOF = 0,
	IMAP_READ_IO = -1,		/* I/O error or timeout */
	IMAP_READ_BAD = -2,		/* answer BAD (tag may be "*") */
	IMAP_READ_CLOSE = -3,		/* answer "* BYE" and close */
};

/* A command read; all spans point into the reader's buffers or the arena
 * and stay valid until the next imap_reader_read(). */
struct imap_raw_cmd {
	struct span tag;		/* "*" when unknown (BAD) */
	struct span name;
	struct imap_cmd_text args;
	bool literal_streamed;		/* a hook took a literal */
	bool too_big;			/* a literal over literal_max was
					 * refused (APPEND: NO [TOOBIG]) */
	const char *code;		/* with BAD/CLOSE: "TOOBIG" or NULL */
	const char *error;		/* with BAD/CLOSE: text */
};

void imap_reader_init(struct imap_reader *r, struct stream *s,
	const struct imap_reader_limits *limits);
void imap_reader_clear(struct imap_reader *r);

/* Read one command. Returns enum imap_read_status. With IMAP_READ_BAD
 * the input of the refused command has been consumed. */
int imap_reader_read(struct imap_reader *r, struct arena *a,
	struct imap_raw_cmd *cmd_r);

/* Read one more line for a command's own continuation (AUTHENTICATE,
 * IDLE's DONE) into *line_r (valid until the next read): 1, 0 EOF, -1
 * error, -2 too long (the rest was dropped). */
int imap_reader_line(struct imap_reader *r, struct span *line_r);

/* Pure: split a first line into tag and name; the rest after one space
 * in *rest_r. 0, or -1 with *error_r (*tag_r is valid when non-empty). */
int imap_split_command(struct span line, struct span *tag_r,
	struct span *name_r, struct span *rest_r, const char **error_r);

/* Pure: the literal announced at the end of line ("{12}", "{12+}",
 * "~{12}"): 1 with size/sync/binary, 0 if none, -1 if malformed. */
int imap_line_literal(struct span line, uint64_t *size_r, bool *sync_r,
	bool *binary_r, size_t *start_r);

#endif
