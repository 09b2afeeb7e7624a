/* SPDX-License-Identifier: MIT */
/*
 * cmd_select: SELECT and EXAMINE (RFC 9051 6.3.2, 6.3.3; RFC 3501 for
 * the rev1 RECENT and UNSEEN lines; RFC 7162 3.1.8 CONDSTORE and 3.2.5
 * QRESYNC parameters), UNSELECT (RFC 3691), CLOSE (6.4.1: silently
 * expunges \Deleted when read-write) and CHECK (RFC 3501 6.4.1).
 */
#include "imapd.h"
#include "condstore.h"
#include "folders.h"
#include "log.h"
#include "maildir.h"
#include "mailbox_view.h"
#include "reply.h"
#include "tern.h"

static void
do_select(struct imap_cmd *c, bool readonly)
{
	struct imap_session *s = c->s;
	struct mailbox_view *v;
	char path[MAILDIR_PATH_MAX];
	const char *name, *error;
	enum tern_err err;
	struct select_params params;
	struct buf flags;
	uint32_t unseen;

	if (c->n_args != 1 && c->n_args != 2) {
		imap_bad(c, NULL, "Syntax: %s mailbox [(parameters)]",
		    readonly ? "EXAMINE" : "SELECT");
		return;
	}
	if (imap_cmd_mailbox(c, &c->args[0], &name) < 0)
		return;
	memset(&params, 0, sizeof(params));
	if (c->n_args == 2 && condstore_parse_select_params(s, &c->args[1],
	    c->arena, &params, &error) < 0) {
		imap_bad(c, NULL, "%s", error);
		return;
	}
	/* RFC 9051 6.3.2: a failed SELECT leaves no mailbox selected;
	 * a successful one ends the old with [CLOSED] (RFC 7162 3.2.11) */
	if (s->view != NULL) {
		imap_session_unselect(s);
		imap_untagged(c, "OK [CLOSED] Previous mailbox closed");
	}
	if (folders_path(s->maildir, name, path, sizeof(path), &error) < 0) {
		imap_no(c, "NONEXISTENT", "Mailbox does not exist");
		return;
	}
	if (mailbox_view_open(path, name, readonly, &v, &err, &error) < 0) {
		if (err != TERN_ERR_NOTFOUND)
			log_error("select", "mailbox=\"%s\" error=\"%s\"", name,
			    error);
		imap_store_error(c, err, false);
		return;
	}
	buf_init(&flags, 0);
	(void)mailbox_view_format_flag_names(v, &flags);
	imap_untagged(c, "%u EXISTS", mailbox_view_count(v));
	if (!imap_rev2(s))
		imap_untagged(c, "%u RECENT", mailbox_view_recent(v));
	imap_untagged(c, "FLAGS (%s)", buf_str(&flags));
	if (readonly)
		imap_untagged(c, "OK [PERMANENTFLAGS ()] Read-only mailbox");
	else
		imap_untagged(c, "OK [PERMANENTFLAGS (%s \\*)] Flags "
		    "permitted", buf_str(&flags));
	buf_clear(&flags);
	unseen = mailbox_view_first_unseen(v);
	if (!imap_rev2(s) && unseen > 0)
		imap_untagged(c, "OK [UNSEEN %u] First unseen", unseen);
	imap_untagged(c, "OK [UIDVALIDITY %u] UIDs valid",
	    mailbox_view_uidvalidity(v));
	imap_untagged(c, "OK [UIDNEXT %u] Predicted next UID",
	    mailbox_view_uidnext(v));
	/* RFC 7162 3.1.2.1: with CONDSTORE on or asked for (3.1.8) */
	if (params.condstore)
		s->enabled |= IMAP_ENABLED_CONDSTORE;
	if (imap_condstore(s))
		imap_untagged(c, "OK [HIGHESTMODSEQ %llu] Highest",
		    (unsigned long long)mailbox_view_highestmodseq(v));
	if (imap_rev2(s)) {
		/* RFC 9051 6.3.2: the mailbox's name as LIST would give */
		struct buf b;

		buf_init(&b, 0);
		(void)imap_append_mailbox(s, &b, name);
		imap_untagged(c, "LIST () \"%c\" %s", s->sep, buf_str(&b));
		buf_clear(&b);
	}
	v->announced_keywords = 0;
	for (size_t i = 0; i < KEYWORDS_MAX; i++) {
		if (v->mb->keywords.names[i] != NULL)
			v->announced_keywords++;
	}
	s->view = v;
	s->state = IMAP_ST_SELECTED;
	if (params.qresync)
		condstore_select_resync(c, &params.q);
	imap_ok(c, readonly ? "READ-ONLY" : "READ-WRITE", "%s completed",
	    readonly ? "Examine" : "Select");
}

void
cmd_select(struct imap_cmd *c)
{
	do_select(c, false);
}

void
cmd_examine(struct imap_cmd *c)
{
	do_select(c, true);
}

void
cmd_unselect(struct imap_cmd *c)
{
	if (c->n_args != 0) {
		imap_bad(c, NULL, "UNSELECT takes no arguments");
		return;
	}
	imap_session_unselect(c->s);
	imap_ok(c, NULL, "Unselect completed");
}

void
cmd_close(struct imap_cmd *c)
{
	struct imap_session *s = c->s;
	struct mailbox_view *v = s->view;
	uint32_t seq;

	if (c->n_args != 0) {
		imap_bad(c, NULL, "CLOSE takes no arguments");
		return;
	}
	if (!v->readonly && mailbox_view_sync(v, NULL, NULL) == 0) {
		/* no EXPUNGE responses are sent (RFC 9051 6.4.1) */
		for (seq = 1; seq <= mailbox_view_count(v); seq++) {
			const struct maildir_mail *m = mailbox_view_mail(v, seq);
			enum tern_err err;
			const char *error;

			if (m != NULL && maildir_mail_has_flag(m, 'T') &&
			    mailbox_view_expunge(v, seq, &err, &error) < 0)
				log_error("close", "uid=%u error=\"%s\"",
				    mailbox_view_uid(v, seq), error);
		}
	}
	if (imap_qresync(s) && (v->readonly ||
	    mailbox_view_sync(v, NULL, NULL) == 0)) {
		/* RFC 7162 3.2.8: the state the client is left with */
		char code[48];

		(void)snprintf(code, sizeof(code), "HIGHESTMODSEQ %llu",
		    (unsigned long long)mailbox_view_highestmodseq(v));
		imap_session_unselect(s);
		imap_ok(c, code, "Close completed");
		return;
	}
	imap_session_unselect(s);
	imap_ok(c, NULL, "Close completed");
}

void
cmd_check(struct imap_cmd *c)
{
	if (c->n_args != 0) {
		imap_bad(c, NULL, "CHECK takes no arguments");
		return;
	}
	imap_ok(c, NULL, "Check completed");
}
