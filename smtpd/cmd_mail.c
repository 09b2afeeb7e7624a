/* SPDX-License-Identifier: MIT */
/*
 * cmd_mail: MAIL, RCPT and RSET (RFC 5321 4.1.1.2-4.1.1.5). MAIL checks
 * SIZE (RFC 1870) and SMTPUTF8 (RFC 6531); RCPT decides local delivery
 * (existing users of local domains: 550 5.1.1 otherwise), relaying (only
 * for authenticated clients: 554 5.7.1 otherwise) and the recipient limit
 * (452 4.5.3). Everything is checked before the transaction changes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <strings.h>

#include "smtpd.h"
#include "log.h"
#include "str.h"
#include "tern.h"

#define MAILDIR_PATH_SIZE 4096

/* The reply for a parse_mail/parse_rcpt failure: the path's own syntax
 * reply (bad_path), or one about the parameters (RFC 5321 4.1.1.11). */
static void
parse_refused(struct reply *r, int ret, const char *error,
	enum smtp_reply_id bad_path)
{
	if (ret == PARSE_ERR_PARAM)
		reply_set(r, 555, "5.5.4", "Unsupported parameter: %s", error);
	else if (ret == PARSE_ERR_ARGS)
		reply_set(r, 501, "5.5.4", "Syntax error in parameters: %s",
		    error);
	else
		reply_std(r, bad_path);
}

void
cmd_mail(struct smtp_session *s, struct span args, struct reply *r)
{
	struct smtp_mail_args mail;
	const char *error;
	int ret;

	ret = parse_mail(args, s->tx_arena, &mail, &error);
	if (ret < 0) {
		parse_refused(r, ret, error, RPL_BAD_SENDER);
		return;
	}
	/* RFC 6531 3.4: non-ASCII needs the SMTPUTF8 parameter */
	if (mail.path.utf8 && !mail.smtputf8) {
		reply_std(r, RPL_NEED_UTF8);
		return;
	}
	/* RFC 1870 6.1 */
	if (mail.has_size && mail.size > s->cfg->smtpd.max_message_size) {
		reply_std(r, RPL_TOO_BIG);
		return;
	}
	s->tx.mail = mail;
	s->state = SMTP_ST_MAIL;
	log_info("mail", "from=<%s>%s%s", mail.path.addr,
	    s->auth_user != NULL ? " user=" : "",
	    s->auth_user != NULL ? s->auth_user : "");
	reply_std(r, RPL_MAIL_OK);
}

/* RFC 5321 4.2.2: 550, with Postfix's text */
static void
no_user(struct reply *r, const struct addr *addr)
{
	reply_set(r, 550, "5.1.1", "<%s>: Recipient address rejected: "
	    "User unknown", addr->addr);
}

static bool
same_rcpt(const struct smtp_tx *tx, const char *addr)
{
	size_t i;

	for (i = 0; i < tx->n_rcpts; i++) {
		if (strcasecmp(tx->rcpts[i].addr.addr, addr) == 0)
			return true;
	}
	return false;
}

static void
add_rcpt(struct smtp_session *s, const struct addr *addr, const char *maildir)
{
	struct smtp_tx *tx = &s->tx;

	if (tx->n_rcpts == tx->cap_rcpts) {
		size_t cap = tx->cap_rcpts == 0 ? 8 : 2 * tx->cap_rcpts;
		struct smtp_rcpt *n = arena_alloc_array(s->tx_arena, cap,
		    sizeof(*n));

		if (tx->n_rcpts > 0)
			memcpy(n, tx->rcpts, tx->n_rcpts * sizeof(*n));
		tx->rcpts = n;
		tx->cap_rcpts = cap;
	}
	tx->rcpts[tx->n_rcpts].addr = *addr;
	tx->rcpts[tx->n_rcpts].maildir = maildir != NULL ?
	    arena_strdup(s->tx_arena, maildir) : NULL;
	tx->n_rcpts++;
	if (maildir == NULL)
		tx->n_remote++;
}

void
cmd_rcpt(struct smtp_session *s, struct span args, struct reply *r)
{
	struct smtp_rcpt_args rcpt;
	struct addr addr;
	char maildir[MAILDIR_PATH_SIZE];
	const char *error;
	bool local;
	int ret;

	ret = parse_rcpt(args, s->tx_arena, &rcpt, &error);
	if (ret < 0) {
		parse_refused(r, ret, error, RPL_BAD_RCPT);
		return;
	}
	addr = rcpt.path;
	if (addr.utf8 && !s->tx.mail.smtputf8) {
		reply_std(r, RPL_NEED_UTF8);
		return;
	}
	if (addr.postmaster) {
		/* RFC 5321 4.1.1.3: <Postmaster> is ours, any domain */
		if (s->cfg->n_domains == 0) {
			reply_std(r, RPL_NO_USER);
			return;
		}
		addr.domain = s->cfg->domains[0];
		addr.addr = arena_printf(s->tx_arena, "postmaster@%s",
		    addr.domain);
	}
	local = !addr.literal && config_is_local_domain(s->cfg, addr.domain);
	if (!local && s->auth_user == NULL) {
		/* Postfix: reject_unauth_destination */
		reply_set(r, 554, "5.7.1", "<%s>: Relay access denied",
		    addr.addr);
		return;
	}
	if (local && (s->auth_db == NULL ||
	    !auth_user_exists(s->auth_db, addr.addr))) {
		if (s->auth_db != NULL && auth_db_error(s->auth_db) != NULL) {
			/* the users file is unreadable: never a bounce */
			log_error("users", "error=\"%s\"",
			    auth_db_error(s->auth_db));
			reply_std(r, RPL_TEMP);
			return;
		}
		no_user(r, &addr);
		return;
	}
	if (local && config_maildir_path(s->cfg, addr.addr, maildir,
	    sizeof(maildir)) < 0) {
		no_user(r, &addr);
		return;
	}
	if (local) {
		/* the users file is case-insensitive: one spelling */
		char *lower = arena_strdup(s->tx_arena, addr.addr);

		str_lower(lower);
		addr.addr = lower;
	}
	if (same_rcpt(&s->tx, addr.addr)) {
		/* RFC 5321 leaves it open; one copy is what users expect */
		reply_std(r, RPL_RCPT_OK);
		return;
	}
	/* RFC 5321 4.5.3.1.8: 452 and the client retries the rest later */
	if (s->tx.n_rcpts >= s->cfg->smtpd.max_recipients) {
		reply_std(r, RPL_TOO_MANY_RCPTS);
		return;
	}
	add_rcpt(s, &addr, local ? maildir : NULL);
	s->counts[SMTP_COUNT_RCPTS]++;
	s->state = SMTP_ST_RCPT;
	reply_std(r, RPL_RCPT_OK);
}

void
cmd_rset(struct smtp_session *s, struct span args, struct reply *r)
{
	smtp_tx_reset(s);
	reply_std(r, RPL_OK);
}
