/* SPDX-License-Identifier: MIT */
/*
 * cmd_store: STORE and UID STORE (RFC 9051 6.4.6): FLAGS, +FLAGS, -FLAGS
 * and their .SILENT forms, system flags and keywords. New keywords go to
 * the folder's dovecot-keywords first, and the new FLAGS and
 * PERMANENTFLAGS are announced before any FETCH uses them. Each changed
 * (or, without .SILENT, each named) message gets "* n FETCH (FLAGS ...)",
 * with UID for UID STORE (RFC 9051 6.4.9). Expunged messages (ghosts)
 * are skipped; STORE by sequence number then ends with NO
 * [EXPUNGEISSUED] (RFC 9051 7.1), UID STORE with OK. CONDSTORE (RFC 7162 3.1.3): FETCH
 * carries MODSEQ, and (UNCHANGEDSINCE n) stores only where the modseq
 * is at most n, atomically with the rename, listing the others in
 * [MODIFIED set].
 */
#include "imapd.h"
#include "condstore.h"
#include "log.h"
#include "mailbox_view.h"
#include "msgflags.h"
#include "msgstore.h"
#include "reply.h"
#include "str.h"
#include "tern.h"

enum store_mode {
	STORE_REPLACE,
	STORE_ADD,
	STORE_REMOVE,
};

/* "FLAGS", "+FLAGS.SILENT"...: 0 or -1. */
static int
parse_item(struct span item, enum store_mode *mode_r, bool *silent_r)
{
	*mode_r = STORE_REPLACE;
	*silent_r = false;
	if (item.len > 0 && (item.p[0] == '+' || item.p[0] == '-')) {
		*mode_r = item.p[0] == '+' ? STORE_ADD : STORE_REMOVE;
		item.p++;
		item.len--;
	}
	if (span_eq_ci(item, "FLAGS"))
		return 0;
	if (span_eq_ci(item, "FLAGS.SILENT")) {
		*silent_r = true;
		return 0;
	}
	return -1;
}

/* The flags after the item: one list, or flags separated by spaces
 * (RFC 9051 9 "store-att-flags"). */
static int
parse_flag_args(struct imap_cmd *c, const struct imap_arg *args, size_t n,
	struct imap_flags *flags_r, const char **error_r)
{
	size_t i, j, total = 0;
	struct imap_flags one;

	memset(flags_r, 0, sizeof(*flags_r));
	if (n == 1 && args[0].type == IMAP_ARG_LIST)
		return imap_parse_flags(&args[0], c->arena, flags_r, error_r);
	flags_r->keywords = arena_alloc_array(c->arena, n + 1,
	    sizeof(char *));
	for (i = 0; i < n; i++) {
		if (args[i].type != IMAP_ARG_ATOM ||
		    imap_parse_flags(&args[i], c->arena, &one, error_r) < 0) {
			*error_r = "bad flag";
			return -1;
		}
		flags_r->system |= one.system;
		for (j = 0; j < one.n_keywords; j++)
			flags_r->keywords[total++] = one.keywords[j];
	}
	flags_r->n_keywords = total;
	return 0;
}

/* Tell the client about keywords that are new since its last FLAGS. */
static void
announce_keywords(struct imap_cmd *c, struct mailbox_view *v)
{
	struct buf b;
	unsigned kw = 0;
	size_t i;

	for (i = 0; i < KEYWORDS_MAX; i++) {
		if (v->mb->keywords.names[i] != NULL)
			kw++;
	}
	if (kw == v->announced_keywords)
		return;
	buf_init(&b, 0);
	(void)mailbox_view_format_flag_names(v, &b);
	imap_untagged(c, "FLAGS (%s)", buf_str(&b));
	imap_untagged(c, "OK [PERMANENTFLAGS (%s \\*)] Flags permitted",
	    buf_str(&b));
	buf_clear(&b);
	v->announced_keywords = kw;
}

/* "(UNCHANGEDSINCE n)" (RFC 7162 3.1.3; 0 is allowed). 0 or -1. */
static int
parse_modifiers(const struct imap_arg *a, uint64_t *unchangedsince_r)
{
	if (a->n != 2 || !imap_arg_atom_is(&a->list[0], "UNCHANGEDSINCE"))
		return -1;
	return condstore_parse_modseq(&a->list[1], true, unchangedsince_r);
}

/* The FETCH of one stored message. With CONDSTORE it carries MODSEQ
 * (and UID once QRESYNC is on), and .SILENT sends it with MODSEQ alone
 * for a message that changed (RFC 7162 3.1.3, 3.2). */
static void
send_fetch(struct imap_cmd *c, uint32_t seq, bool silent, bool condstore)
{
	struct mailbox_view *v = c->s->view;
	bool uid = c->uid || imap_qresync(c->s);
	struct buf b;

	buf_init(&b, 0);
	(void)buf_appendf(&b, "%u FETCH (", seq);
	if (uid && (condstore || c->uid))
		(void)buf_appendf(&b, "UID %u ", mailbox_view_uid(v, seq));
	if (!silent) {
		(void)buf_puts(&b, "FLAGS ");
		(void)mailbox_view_format_flags(v, seq, &b);
		if (condstore)
			(void)buf_putc(&b, ' ');
	}
	if (condstore)
		(void)buf_appendf(&b, "MODSEQ (%llu)",
		    (unsigned long long)mailbox_view_modseq(v, seq));
	buf_truncate(&b, b.data[b.len - 1] == ' ' ? b.len - 1 : b.len);
	(void)buf_putc(&b, ')');
	imap_untagged(c, "%s", buf_str(&b));
	buf_clear(&b);
}

void
cmd_store(struct imap_cmd *c)
{
	struct mailbox_view *v = c->s->view;
	struct imap_seqset set;
	struct imap_flags flags;
	enum store_mode mode;
	enum tern_err err = TERN_OK;
	const char *error;
	uint32_t *seqs, *modified;
	uint64_t mask, unchangedsince = UINT64_MAX;
	size_t i, n, n_modified = 0, first = 1, gone = 0;
	bool silent, created = false, failed = false, condstore, any = false;
	/* per message: 0 skipped, 'k' kept, 'c' changed, 'm' modified */
	char *state;

	if (c->n_args < 3 || c->args[0].type != IMAP_ARG_ATOM) {
		imap_bad(c, NULL, "Syntax: STORE seqset item flags");
		return;
	}
	if (imap_parse_seqset(c->args[0].str, c->arena, &set, &error) < 0) {
		imap_bad(c, NULL, "%s", error);
		return;
	}
	if (c->args[1].type == IMAP_ARG_LIST) {
		first = 2;
		if (parse_modifiers(&c->args[1], &unchangedsince) < 0) {
			imap_bad(c, NULL, "Syntax: STORE seqset "
			    "(UNCHANGEDSINCE modseq) item flags");
			return;
		}
	}
	if (c->n_args < first + 2 || c->args[first].type != IMAP_ARG_ATOM ||
	    parse_item(c->args[first].str, &mode, &silent) < 0) {
		imap_bad(c, NULL, "Unknown STORE item");
		return;
	}
	if (parse_flag_args(c, &c->args[first + 1], c->n_args - first - 1,
	    &flags, &error) < 0) {
		imap_bad(c, NULL, "%s", error);
		return;
	}
	if (v->readonly) {
		imap_no(c, "READ-ONLY", "Mailbox is read-only");
		return;
	}
	/* check everything before a side effect: the set first */
	if (mailbox_view_resolve(v, &set, c->uid, c->arena, &seqs, &n,
	    &error) < 0) {
		imap_bad(c, NULL, "%s", error);
		return;
	}
	if (msgflags_from_imap(v->mb, &flags, mode != STORE_REMOVE, &mask,
	    &created, &err, &error) < 0) {
		if (err == TERN_ERR_SYNTAX)
			imap_bad(c, NULL, "Invalid keyword");
		else if (err == TERN_ERR_LIMIT)
			imap_no(c, "LIMIT", "Too many keywords");
		else
			imap_store_error(c, err, false);
		return;
	}
	if (created)
		announce_keywords(c, v);
	/* RFC 7162 3.1: UNCHANGEDSINCE enables CONDSTORE */
	if (first == 2)
		condstore_enable(c);
	condstore = imap_condstore(c->s);
	state = arena_alloc_array(c->arena, n + 1, sizeof(*state));
	modified = arena_alloc_array(c->arena, n + 1, sizeof(*modified));
	for (i = 0; i < n; i++) {
		const struct maildir_mail *m = mailbox_view_mail(v, seqs[i]);
		char letters[MAILDIR_FLAGS_MAX];
		uint64_t old, new;

		if (m == NULL) {
			gone++;		/* a ghost: expunged elsewhere */
			continue;
		}
		old = msgflags_mask(maildir_mail_flags(v->mb, m));
		if (mode == STORE_ADD)
			new = old | mask;
		else if (mode == STORE_REMOVE)
			new = old & ~mask;
		else
			new = (old & ~MSGFLAGS_SYSTEM_MASK &
			    ((UINT64_C(1) << 26) - 1)) | mask;
		if (m->modseq > unchangedsince) {
			/* RFC 7162 3.1.3: changed since: not stored */
			modified[n_modified++] = c->uid ?
			    mailbox_view_uid(v, seqs[i]) : seqs[i];
			state[i] = 'm';
			continue;
		}
		state[i] = 'k';
		if (new != old) {
			msgflags_letters(new, letters, sizeof(letters));
			if (mailbox_view_set_flags_if(v, seqs[i], letters,
			    unchangedsince, &err, &error) < 0) {
				if (err == TERN_ERR_NOTFOUND) {
					state[i] = 0;
					gone++;
					continue;
				}
				if (err == TERN_ERR_EXISTS) {
					/* changed by another just now */
					modified[n_modified++] = c->uid ?
					    mailbox_view_uid(v, seqs[i]) :
					    seqs[i];
					state[i] = 'm';
					continue;
				}
				log_error("store", "mailbox=\"%s\" uid=%u "
				    "error=\"%s\"", v->name,
				    mailbox_view_uid(v, seqs[i]), error);
				failed = true;
				break;
			}
			state[i] = 'c';
			any = true;
		}
		if (!condstore && !silent)
			send_fetch(c, seqs[i], false, false);
	}
	if (condstore) {
		/* the new modseqs come with a sync; then the FETCHes */
		if (any)
			(void)mailbox_view_sync(v, NULL, NULL);
		for (i = 0; i < n; i++) {
			if (state[i] == 'c' || (state[i] == 'k' && !silent))
				send_fetch(c, seqs[i], silent, true);
		}
	}
	if (failed) {
		imap_store_error(c, err, false);
		return;
	}
	if (n_modified > 0) {
		struct buf b;

		buf_init(&b, 0);
		(void)buf_puts(&b, "MODIFIED ");
		(void)msgstore_format_uidset(modified, n_modified, &b);
		imap_ok(c, buf_str(&b), "Conditional STORE failed");
		buf_clear(&b);
		return;
	}
	/* RFC 9051 7.1: the others were stored; UID STORE skips expunged
	 * UIDs silently */
	if (gone > 0 && !c->uid) {
		imap_expunge_issued(c);
		return;
	}
	imap_ok(c, NULL, "Store completed");
}
