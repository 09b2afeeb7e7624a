/* SPDX-License-Identifier: MIT */
/*
 * search_parse: the pure parser of SEARCH arguments (RFC 3501 6.4.4,
 * RFC 9051 6.4.4) into a key tree in the command arena: every search key,
 * sequence sets and "$" (RFC 5182), parenthesised groups, OR and NOT,
 * MODSEQ (RFC 7162 3.1.5, parsed only), the CHARSET prefix and the
 * RETURN options of ESEARCH (RFC 4731, RFC 5182 SAVE). It works on the
 * arguments imap_parse_args() made, with an explicit stack: no recursion,
 * groups and operators nest at most SEARCH_DEPTH_MAX deep.
 */
#ifndef IMAPD_SEARCH_PARSE_H
#define IMAPD_SEARCH_PARSE_H

#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "imap_parse.h"
#include "tern.h"

struct casefold_needle;

/* Open groups plus pending OR/NOT operands. No RFC limit; Dovecot's
 * imap parser allows lists 100 deep, and real clients nest a handful. */
#define SEARCH_DEPTH_MAX 64
/* Keys in one SEARCH (no RFC limit; the command line bounds it too). */
#define SEARCH_KEYS_MAX 10000

enum search_key_type {
	SEARCH_ALL,		/* also an empty group */
	SEARCH_AND,		/* a group "( ... )" or the top level */
	SEARCH_OR,		/* two children */
	SEARCH_NOT,		/* one child */
	SEARCH_FLAG,		/* flag: enum imap_flag bit; set or not */
	SEARCH_KEYWORD,		/* str; set or not (UNKEYWORD) */
	SEARCH_RECENT,		/* set or not (OLD) */
	SEARCH_SEQSET,		/* seqset: sequence numbers, or "$" */
	SEARCH_UIDSET,		/* seqset: UIDs, or "$" */
	SEARCH_LARGER,		/* num: RFC822.SIZE > num */
	SEARCH_SMALLER,		/* num: RFC822.SIZE < num */
	SEARCH_BEFORE,		/* day: INTERNALDATE's date < day */
	SEARCH_ON,
	SEARCH_SINCE,		/* >= day */
	SEARCH_SENTBEFORE,	/* day: the Date: header's date */
	SEARCH_SENTON,
	SEARCH_SENTSINCE,
	SEARCH_HEADER,		/* str: field name; value: substring */
	SEARCH_BODY,		/* value: in the decoded body */
	SEARCH_TEXT,		/* value: in the header or body */
	SEARCH_MODSEQ,		/* num: RFC 7162 3.1.5, modseq >= num */
};

/* What evaluating a key may need, cheapest first: the evaluator tries
 * cheap children of AND/OR before costly ones. */
enum search_cost {
	SEARCH_COST_NONE,	/* flags, UIDs, sizes: in memory */
	SEARCH_COST_STAT,	/* INTERNALDATE: a stat() */
	SEARCH_COST_HEADER,	/* the header block */
	SEARCH_COST_BODY,	/* the whole message, decoded */
};

struct search_key {
	enum search_key_type type;
	enum search_cost cost;	/* the highest in this subtree */
	bool set;		/* FLAG/KEYWORD/RECENT: true = must be set */
	unsigned flag;		/* SEARCH_FLAG */
	const char *str;	/* keyword or header field name */
	const char *value;	/* substring to find (UTF-8), maybe "" */
	uint64_t num;
	int32_t day;		/* days since 1970-01-01 */
	struct imap_seqset seqset;
	struct search_key *child;	/* first child of AND/OR/NOT */
	struct search_key *next;	/* next sibling */
	/* value case-folded by search_run() (search.c), not the parser */
	struct casefold_needle *needle;
};

/* RETURN options (RFC 4731 3.1, RFC 5182 2.1). */
enum search_return {
	SEARCH_RETURN_MIN = 1 << 0,
	SEARCH_RETURN_MAX = 1 << 1,
	SEARCH_RETURN_ALL = 1 << 2,
	SEARCH_RETURN_COUNT = 1 << 3,
	SEARCH_RETURN_SAVE = 1 << 4,
};

struct search_program {
	struct search_key *root;	/* SEARCH_AND */
	bool esearch;			/* RETURN was given */
	unsigned ret;			/* enum search_return bits; RETURN
					 * () gives ALL (RFC 4731 3.1) */
	bool uses_saved;		/* "$" appears */
	bool uses_modseq;		/* MODSEQ appears */
	bool bad_charset;		/* with -1: NO [BADCHARSET] */
	size_t n_keys;
};

/*
 * Parse the SEARCH arguments args[0..n) (after the command name) into
 * *prog_r, allocated in a. The CHARSET may be UTF-8 or US-ASCII; any
 * other sets prog_r->bad_charset. 0, or -1 with a static *error_r (the
 * caller answers BAD, or NO [BADCHARSET] when bad_charset is set).
 */
int search_parse(const struct imap_arg *args, size_t n, struct arena *a,
	struct search_program *prog_r, const char **error_r);

/* An IMAP date "1-Feb-1994" (RFC 9051 9 "date", quoted or not) as days
 * since 1970-01-01. 0 or -1. */
int search_parse_date(struct span in, int32_t *day_r);
/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
int32_t search_days_from_civil(int y, unsigned m, unsigned d);

#endif
