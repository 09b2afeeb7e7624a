/* SPDX-License-Identifier: MIT */
/*
 * cmd_expunge: EXPUNGE (RFC 9051 6.4.3) and UID EXPUNGE (RFC 4315 2.1,
 * UIDPLUS): remove the messages flagged \Deleted (within the UID set for
 * UID EXPUNGE). The "* n EXPUNGE" lines go out with the tagged reply
 * (reply.c sends the view's updates; EXPUNGE does not use sequence
 * numbers, so they are allowed). CLOSE's silent expunge is in
 * cmd_select.c.
 */
#include "imapd.h"
#include "condstore.h"
#include "log.h"
#include "mailbox_view.h"
#include "maildir.h"
#include "reply.h"
#include "tern.h"

void
cmd_expunge(struct imap_cmd *c)
{
	struct mailbox_view *v = c->s->view;
	struct imap_seqset set;
	enum tern_err err;
	const char *error;
	uint32_t *seqs = NULL, seq;
	size_t i, n = 0;

	if (c->uid ? c->n_args != 1 || c->args[0].type != IMAP_ARG_ATOM :
	    c->n_args != 0) {
		imap_bad(c, NULL, c->uid ? "Syntax: UID EXPUNGE uidset" :
		    "EXPUNGE takes no arguments");
		return;
	}
	if (c->uid && (imap_parse_seqset(c->args[0].str, c->arena, &set,
	    &error) < 0 || mailbox_view_resolve(v, &set, true, c->arena,
	    &seqs, &n, &error) < 0)) {
		imap_bad(c, NULL, "%s", error);
		return;
	}
	if (v->readonly) {
		imap_no(c, "READ-ONLY", "Mailbox is read-only");
		return;
	}
	if (mailbox_view_sync(v, &err, &error) < 0) {
		log_error("expunge", "mailbox=\"%s\" error=\"%s\"", v->name,
		    error);
		imap_store_error(c, err, false);
		return;
	}
	for (i = 0; c->uid ? i < n : i < mailbox_view_count(v); i++) {
		const struct maildir_mail *m;

		seq = c->uid ? seqs[i] : (uint32_t)i + 1;
		m = mailbox_view_mail(v, seq);
		if (m == NULL || !maildir_mail_has_flag(m, 'T'))
			continue;
		if (mailbox_view_expunge(v, seq, &err, &error) < 0) {
			log_error("expunge", "mailbox=\"%s\" uid=%u "
			    "error=\"%s\"", v->name, mailbox_view_uid(v, seq),
			    error);
			imap_store_error(c, err, false);
			return;
		}
	}
	if (imap_qresync(c->s)) {
		/* RFC 7162 3.2.7: with the HIGHESTMODSEQ after the
		 * expunges, which a sync assigns (as Dovecot does) */
		char code[48];

		(void)mailbox_view_sync(v, NULL, NULL);
		(void)snprintf(code, sizeof(code), "HIGHESTMODSEQ %llu",
		    (unsigned long long)mailbox_view_highestmodseq(v));
		imap_ok(c, code, "Expunge completed");
		return;
	}
	imap_ok(c, NULL, "Expunge completed");
}
