/* SPDX-License-Identifier: MIT */
/*
 * fetch_body: the bytes FETCH sends for BODY[...], RFC822* and BINARY[]
 * (RFC 9051 6.4.5, 7.5.2; RFC 3516). A message file is mapped, not read:
 * a 64 KiB slice of a 30 MB message touches only its pages; when only
 * its header is wanted, just the header block is read (or taken from
 * the cache, fetch_msg_init_header). Stored
 * messages have LF line ends; the wire form has CRLF, so sizes and
 * partial offsets <o.n> count each bare LF as two bytes. Top-level
 * HEADER, HEADER.FIELDS and TEXT parse only the header (lib/message on
 * the bytes up to the blank line); part numbers parse the whole message.
 * Sequential slices (Thunderbird reads BODY[]<0.65536>, <65536.65536>,
 * ...) resume from where the previous one ended instead of counting the
 * line ends from the start again.
 */
#ifndef IMAPD_FETCH_BODY_H
#define IMAPD_FETCH_BODY_H

#include "imapd.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "arena.h"
#include "buf.h"
#include "message.h"
#include "stream.h"
#include "tern.h"

/* Bytes of a header we filter for HEADER.FIELDS in memory (the fields
 * kept are at most this; RFC 5322 sets no limit, Dovecot none either). */
#define FETCH_HEADER_MAX (8 * 1024 * 1024)
/* The first read of fetch_msg_open_header: most headers are 1-4 KB. */
#define FETCH_HEADER_READ (8 * 1024)

/* An open message: the mapped file and, once asked for, its parse. */
struct fetch_msg {
	const char *path;
	int fd;
	const char *map;		/* NULL for an empty file */
	size_t size;
	dev_t dev;
	ino_t ino;
	time_t mtime;
	struct message *hdr;		/* the header only */
	struct message *full;		/* the whole message */
	struct arena *a;		/* the command arena */
	/* map holds only the header block (fetch_msg_open_header,
	 * fetch_msg_init_header), not a mapping of the file: size is the
	 * header's length; only top-level HEADER, HEADER.FIELDS[.NOT] and
	 * the header parse may be used */
	bool header_only;
};

/* Open and map path. -1 (errno; ENOENT when expunged meanwhile). */
int fetch_msg_open(struct fetch_msg *fm, const char *path, struct arena *a);
void fetch_msg_close(struct fetch_msg *fm);
/* Open path and read only its header block into a buffer reused from
 * call to call (a pread of FETCH_HEADER_READ bytes, more only for a
 * longer header), for FETCHes that need nothing else: fm->header_only.
 * A header over FETCH_HEADER_MAX gives a mapping of the whole file, as
 * fetch_msg_open. The buffer is valid until the next call. -1 (errno). */
int fetch_msg_open_header(struct fetch_msg *fm, const char *path,
	struct arena *a);
/* Use hdr (a header block, e.g. the cache's copy; it must outlive fm)
 * as the message: fm->header_only, no file. */
void fetch_msg_init_header(struct fetch_msg *fm, struct span hdr,
	struct arena *a);
/* The header block of fm: bytes [0, n) up to and with the first blank
 * line (the whole message when there is none), as fetch_msg_header
 * parses it. */
struct span fetch_msg_header_block(const struct fetch_msg *fm);
/* The whole message parsed (in fm->a), or NULL on a parse error. */
struct message *fetch_msg_parse(struct fetch_msg *fm);
/* The header alone, parsed (the bytes up to and with the first blank
 * line; the whole message once fetch_msg_parse ran), or NULL. */
struct message *fetch_msg_header(struct fetch_msg *fm);

/* What to send: a byte range of the file in CRLF form, or a buffer that
 * is already in wire form (HEADER.FIELDS, BINARY). */
struct fetch_data {
	bool mem;
	size_t start, end;		/* file range (!mem) */
	struct buf buf;			/* mem; free with fetch_data_clear */
	bool empty;			/* a part that does not exist */
};

void fetch_data_clear(struct fetch_data *fd);

/*
 * Resolve a BODY[<spec>] section (spec: the text between the brackets)
 * of fm into *d. binary: BINARY[] (decoded content of a leaf part). 0; -1
 * with a static *error_r for bad syntax (BAD); -2 for BINARY of an
 * unknown Content-Transfer-Encoding ([UNKNOWN-CTE]).
 */
int fetch_section(struct fetch_msg *fm, struct span spec, bool binary,
	struct fetch_data *d, const char **error_r);

/*
 * The fields of a parsed header m (its root part) as an index into its
 * bytes, appended to out: per field three little-endian u32, the offset
 * and length of the name and the end of the value (the field without
 * its final line end). -1 when out is full.
 */
int fetch_fields_index(const struct message *m, struct buf *out);
/*
 * HEADER.FIELDS (not: .NOT) of the header block hdr from its index
 * (fetch_fields_index() of its parse), into d as fetch_section() gives
 * it; list is the "(name ...)" of the section. -1 when the index does
 * not fit hdr or the result is too big (the caller parses instead).
 */
int fetch_fields_from_index(struct span hdr, struct span index,
	struct span list, bool not, struct fetch_data *d);

/* Names a split list holds at most; a longer list is scanned as text. */
#define FETCH_FIELD_SPLIT_MAX 32

/* The names of a "(name ...)" field list, split once per FETCH item
 * rather than per message; they point into the list. */
struct fetch_field_names {
	struct span list;
	struct span name[FETCH_FIELD_SPLIT_MAX];
	size_t n;
	bool split;			/* false: more than the maximum */
};

void fetch_field_names_split(struct span list, struct fetch_field_names *fn);
/* fetch_fields_from_index() with the list split beforehand. When
 * d->mem is set on entry, d->buf (max FETCH_HEADER_MAX) is reset and
 * reused rather than a new buffer made; on -1 it is freed. */
int fetch_fields_from_names(struct span hdr, struct span index,
	const struct fetch_field_names *names, bool not, struct fetch_data *d);

/* The wire size of d from octet off, at most len (partial; len
 * UINT64_MAX: to the end). */
uint64_t fetch_data_size(struct fetch_msg *fm, const struct fetch_data *d,
	uint64_t off, uint64_t len);
/* Write that many wire bytes of d from off to out. */
void fetch_data_write(struct fetch_msg *fm, const struct fetch_data *d,
	uint64_t off, uint64_t n, struct stream *out);

#endif
