/* SPDX-License-Identifier: MIT */
/*
 * imap_parse: the pure parsers of imapd (STYLE.md 7): command arguments
 * (atoms, quoted strings, literals, nested lists, RFC 9051 9), sequence
 * sets (RFC 9051 9 "sequence-set", '*', '$', reversed ranges), flag lists,
 * mailbox names (modified UTF-7 or UTF-8 under UTF8=ACCEPT, RFC 6855 3)
 * and LIST patterns ('*', '%'). No I/O, no globals; memory only from the
 * arena given. Every loop advances, lists nest at most IMAP_LIST_DEPTH_MAX
 * deep, and nothing recurses.
 */
#ifndef IMAPD_IMAP_PARSE_H
#define IMAPD_IMAP_PARSE_H

#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "buf.h"
#include "tern.h"

#define IMAP_LIST_DEPTH_MAX 16		/* ( ( ... ) ): BODYSTRUCTURE-like
					 * input never needs more */
#define IMAP_ARGS_MAX 100000		/* arguments in one command */
#define IMAP_TAG_MAX 64			/* Dovecot: 64 too */
#define IMAP_NAME_MAX 1024		/* a mailbox name, UTF-8 bytes */
#define IMAP_SEQ_STAR UINT32_MAX	/* '*' in a sequence set */

/* A literal of the command text: its bytes start at offset (right after
 * the "{N}" line) unless streamed to a hook (then none are in the text). */
struct imap_literal {
	size_t offset;
	uint64_t size;
	bool streamed;
	bool binary;		/* literal8 ~{N} (RFC 3516) */
};

/* A command as the reader assembled it: the lines joined, literal bytes
 * inline after their "{N}", CRLFs removed. */
struct imap_cmd_text {
	struct span text;		/* the arguments after tag and name */
	size_t base;			/* offset of text in the literal
					 * offsets' frame */
	const struct imap_literal *lits;
	size_t n_lits;
};

enum imap_arg_type {
	IMAP_ARG_ATOM,		/* also NIL, numbers, "1:*", "BODY[...]" */
	IMAP_ARG_QUOTED,
	IMAP_ARG_LITERAL,
	IMAP_ARG_LIST,
};

struct imap_arg {
	enum imap_arg_type type;
	struct span str;	/* atom/quoted (unescaped)/literal bytes */
	bool binary;		/* literal8 */
	bool streamed;		/* literal went to the hook; str is empty */
	uint64_t size;		/* literal size */
	struct imap_arg *list;	/* IMAP_ARG_LIST */
	size_t n;
};

/*
 * Parse the arguments of a command into *args_r / *n_r (arena). A '['
 * inside an atom runs to the matching ']' with spaces and parentheses
 * (FETCH "BODY[HEADER.FIELDS (A B)]<0.10>" is one atom). 0, or -1 with
 * a static *error_r.
 */
int imap_parse_args(const struct imap_cmd_text *in, struct arena *a,
	struct imap_arg **args_r, size_t *n_r, const char **error_r);

/* An atom, quoted string or literal (astring), into *s_r. */
bool imap_arg_astring(const struct imap_arg *arg, struct span *s_r);
/* A quoted string or literal (string). */
bool imap_arg_string(const struct imap_arg *arg, struct span *s_r);
/* An atom equal to word, case-insensitively. */
bool imap_arg_atom_is(const struct imap_arg *arg, const char *word);
/* NIL. */
bool imap_arg_is_nil(const struct imap_arg *arg);

/* Tag syntax (RFC 9051 9 "tag"): astring chars except '+', bounded. */
bool imap_tag_valid(struct span tag);

/* ---- Sequence sets ---- */

struct imap_seq_range {
	uint32_t lo, hi;	/* lo <= hi after parsing; IMAP_SEQ_STAR */
};

struct imap_seqset {
	struct imap_seq_range *r;
	size_t n;
	bool saved;		/* "$" (RFC 5182): the saved result */
};

/* "1,3:5,7:*", "$". Ranges given backwards ("5:3") are turned round;
 * 0 is refused. 0 or -1 with a static *error_r. */
int imap_parse_seqset(struct span in, struct arena *a,
	struct imap_seqset *set_r, const char **error_r);
/* Is v in the set, with '*' standing for star (the largest number)? */
bool imap_seqset_contains(const struct imap_seqset *set, uint32_t v,
	uint32_t star);

/* ---- Flags ---- */

enum imap_flag {
	IMAP_FLAG_ANSWERED = 1 << 0,	/* Maildir R */
	IMAP_FLAG_FLAGGED = 1 << 1,	/* F */
	IMAP_FLAG_DELETED = 1 << 2,	/* T */
	IMAP_FLAG_SEEN = 1 << 3,	/* S */
	IMAP_FLAG_DRAFT = 1 << 4,	/* D */
};

struct imap_flags {
	unsigned system;	/* enum imap_flag bits */
	const char **keywords;	/* arena */
	size_t n_keywords;
};

/* A flag list "(\Seen $Junk)" or a single flag atom. \Recent and other
 * unknown \flags are refused (RFC 9051 6.4.6). 0 or -1 with *error_r. */
int imap_parse_flags(const struct imap_arg *arg, struct arena *a,
	struct imap_flags *flags_r, const char **error_r);

/* ---- Mailbox names ---- */

/*
 * A mailbox name from the wire into the internal form of lib/folder:
 * UTF-8, '/' as separator, "INBOX" in upper case (also as the first
 * level of "inbox/x"). Without utf8 the input is modified UTF-7. sep is
 * the wire separator ('/' or '.'); with '.' a '/' in the name is refused.
 * A trailing separator is dropped (CREATE "a/", RFC 9051 6.3.4). 0 or
 * -1 with a static *error_r.
 */
int imap_mailbox_decode(struct span wire, bool utf8, char sep,
	struct buf *out, const char **error_r);
/* The reverse: internal name to the wire form (not quoted). -1 if it
 * cannot be encoded. */
int imap_mailbox_encode(const char *name, bool utf8, char sep,
	struct buf *out);

/* LIST pattern: the pattern in internal form ('/' separator). '*'
 * matches anything, '%' anything but '/'. Case-sensitive except a
 * leading INBOX. Iterative, O(len(pattern) * len(name)). */
bool imap_list_match(const char *pattern, const char *name);

/* Append s to out as an IMAP quoted string, or as a literal {N} when it
 * holds CR, LF, NUL or 8-bit bytes that a quoted string cannot carry
 * (utf8: 8-bit may be quoted, RFC 9051 9). -1 when out is full. */
int imap_append_astring(struct buf *out, struct span s, bool utf8);

#endif
