/* SPDX-License-Identifier: MIT */
/*
 * cmd_any: CAPABILITY, NOOP, LOGOUT (RFC 9051 6.1), ID (RFC 2971) and
 * ENABLE (RFC 5161; CONDSTORE and QRESYNC, RFC 7162 3.1, 3.2.3):
 * commands valid in (almost) any state.
 */
#include "imapd.h"
#include "condstore.h"
#include "log.h"
#include "reply.h"
#include "tern.h"

void
cmd_capability(struct imap_cmd *c)
{
	if (c->n_args != 0) {
		imap_bad(c, NULL, "CAPABILITY takes no arguments");
		return;
	}
	imap_untagged(c, "CAPABILITY %s", imap_capabilities(c->s));
	imap_ok(c, NULL, "Capability completed");
}

void
cmd_noop(struct imap_cmd *c)
{
	if (c->n_args != 0) {
		imap_bad(c, NULL, "NOOP takes no arguments");
		return;
	}
	/* imap_ok sends the selected mailbox's pending updates */
	imap_ok(c, NULL, "NOOP completed");
}

void
cmd_logout(struct imap_cmd *c)
{
	if (c->n_args != 0) {
		imap_bad(c, NULL, "LOGOUT takes no arguments");
		return;
	}
	imap_untagged(c, "BYE Logging out");
	c->s->logout = true;
	c->s->state = IMAP_ST_LOGOUT;
	imap_ok(c, NULL, "Logout completed");
}

/* RFC 2971 3.3: at most 30 pairs, field names up to 30 bytes, values up
 * to 1024. */
#define ID_PAIRS_MAX 30
#define ID_FIELD_MAX 30
#define ID_VALUE_MAX 1024

void
cmd_id(struct imap_cmd *c)
{
	const struct imap_arg *a = c->args;
	char esc[LOG_ESCAPE_SIZE];
	struct buf logbuf;
	size_t i;

	if (c->n_args != 1 || (a->type != IMAP_ARG_LIST &&
	    !imap_arg_is_nil(a)) || (a->type == IMAP_ARG_LIST &&
	    (a->n % 2 != 0 || a->n / 2 > ID_PAIRS_MAX))) {
		imap_bad(c, NULL, "Syntax: ID (\"name\" \"value\" ...) or NIL");
		return;
	}
	buf_init(&logbuf, 1024);
	for (i = 0; a->type == IMAP_ARG_LIST && i < a->n; i += 2) {
		struct span k, v;

		if (!imap_arg_string(&a->list[i], &k) ||
		    k.len > ID_FIELD_MAX || (!imap_arg_string(&a->list[i + 1],
		    &v) && !imap_arg_is_nil(&a->list[i + 1])) ||
		    (a->list[i + 1].type != IMAP_ARG_ATOM &&
		    v.len > ID_VALUE_MAX)) {
			buf_clear(&logbuf);
			imap_bad(c, NULL, "Bad ID field");
			return;
		}
		if (a->list[i + 1].type != IMAP_ARG_ATOM) {
			(void)buf_appendf(&logbuf, " %.*s=\"", (int)k.len,
			    k.p);
			(void)buf_puts(&logbuf, log_escape(v.p, v.len, esc,
			    sizeof(esc)));
			(void)buf_putc(&logbuf, '"');
		}
	}
	if (logbuf.len > 0)
		log_info("id", "client=%s%s", imap_client_name(c->s),
		    buf_str(&logbuf));
	buf_clear(&logbuf);
	imap_untagged(c, "ID (\"name\" \"tern\" \"vendor\" \"tern\")");
	imap_ok(c, NULL, "ID completed");
}

static const char *
enable_name(unsigned bit)
{
	switch (bit) {
	case IMAP_ENABLED_REV2:
		return "IMAP4rev2";
	case IMAP_ENABLED_UTF8:
		return "UTF8=ACCEPT";
	case IMAP_ENABLED_CONDSTORE:
		return "CONDSTORE";
	case IMAP_ENABLED_QRESYNC:
		return "QRESYNC";
	}
	return "?";
}

void
cmd_enable(struct imap_cmd *c)
{
	struct imap_session *s = c->s;
	struct buf enabled;
	size_t i;

	if (c->n_args == 0) {
		imap_bad(c, NULL, "Syntax: ENABLE capability ...");
		return;
	}
	buf_init(&enabled, 256);
	for (i = 0; i < c->n_args; i++) {
		const struct imap_arg *a = &c->args[i];
		unsigned bit = 0;

		if (a->type != IMAP_ARG_ATOM) {
			buf_clear(&enabled);
			imap_bad(c, NULL, "Syntax: ENABLE capability ...");
			return;
		}
		if (imap_arg_atom_is(a, "IMAP4rev2"))
			bit = IMAP_ENABLED_REV2;
		else if (imap_arg_atom_is(a, "UTF8=ACCEPT"))
			bit = IMAP_ENABLED_UTF8;
		else if (imap_arg_atom_is(a, "CONDSTORE"))
			bit = IMAP_ENABLED_CONDSTORE;
		else if (imap_arg_atom_is(a, "QRESYNC"))
			bit = IMAP_ENABLED_QRESYNC;	/* RFC 7162 3.2.3 */
		/* RFC 5161 3.1: unknown ones are ignored, and not listed */
		if (bit == 0 || (s->enabled & bit) != 0)
			continue;
		if (bit == IMAP_ENABLED_CONDSTORE ||
		    bit == IMAP_ENABLED_QRESYNC)
			condstore_enable(c);	/* [HIGHESTMODSEQ] if selected */
		s->enabled |= bit;
		(void)buf_appendf(&enabled, " %s", enable_name(bit));
	}
	imap_untagged(c, "ENABLED%s", buf_str(&enabled));
	buf_clear(&enabled);
	imap_ok(c, NULL, "Enabled");
}
