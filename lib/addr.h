/* SPDX-License-Identifier: MIT */
/*
 * addr: RFC 5321 paths ("<a@b>", "<>", source routes) and RFC 5322
 * addr-specs, SMTPUTF8 aware (RFC 6531 3.3: UTF-8 in atoms, quoted
 * strings and U-labels). Pure parsers (STYLE.md 7): no I/O, output in the
 * caller's arena. Domains are lowercased (ASCII only; U-labels are kept
 * as sent, XXX: no IDNA mapping yet). Limits are RFC 5321 4.5.3.1.
 */
#ifndef TERN_ADDR_H
#define TERN_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include "arena.h"
#include "tern.h"

#define ADDR_LOCAL_MAX 64	/* RFC 5321 4.5.3.1.1 */
#define ADDR_DOMAIN_MAX 255	/* RFC 5321 4.5.3.1.2 */
#define ADDR_PATH_MAX 256	/* RFC 5321 4.5.3.1.3, with "<>" */
#define ADDR_LABEL_MAX 63	/* RFC 1035 2.3.4 */

enum addr_flags {
	ADDR_ALLOW_NULL = 1 << 0,	/* "<>" (reverse-path) */
	ADDR_ALLOW_UTF8 = 1 << 1,	/* accept non-ASCII (RFC 6531) */
	ADDR_ALLOW_POSTMASTER = 1 << 2,	/* "<Postmaster>" (RFC 5321 4.1.1.3) */
	ADDR_ALLOW_LITERAL = 1 << 3,	/* "[192.0.2.1]" as the domain */
};

struct addr {
	/* The local part, unquoted ("a b" for "\"a b\"@x"); "" for <>. */
	const char *local;
	/* Lowercased domain, or "[literal]"; "" for <> and <Postmaster>. */
	const char *domain;
	/* "local@domain" with local re-quoted if it needs it; "" for <>;
	 * "postmaster" for <Postmaster>. */
	const char *addr;
	bool null;		/* "<>" */
	bool postmaster;	/* "<Postmaster>" without a domain */
	bool utf8;		/* contains non-ASCII: needs SMTPUTF8 */
	bool literal;		/* the domain is an address literal */
};

/*
 * An RFC 5321 path at the start of in: "<" [A-d-l ":"] Mailbox ">", or
 * "<>" with ADDR_ALLOW_NULL. A source route is accepted and dropped
 * (RFC 5321 4.1.1.3, C). *used_r (may be NULL) receives the bytes
 * consumed (up to and including ">"). Strings in *out_r are in arena a.
 * 0, or -1 with a static *error_r.
 */
int addr_parse_path(struct span in, unsigned flags, struct arena *a,
	struct addr *out_r, size_t *used_r, const char **error_r);

/* A bare Mailbox / addr-spec, the whole of in: "local@domain". Same
 * flags (ADDR_ALLOW_NULL and _POSTMASTER are ignored). */
int addr_parse_mailbox(struct span in, unsigned flags, struct arena *a,
	struct addr *out_r, const char **error_r);

/* in is an RFC 5321 Domain (LDH labels; U-labels with ADDR_ALLOW_UTF8). */
bool addr_domain_valid(struct span in, unsigned flags);

/* in is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
bool addr_utf8_valid(struct span in);

/* in can be written as a Dot-string without quoting. */
bool addr_local_is_dot_string(struct span in);

#endif
