/* SPDX-License-Identifier: MIT */
/*
 * condstore: CONDSTORE and QRESYNC for the session (RFC 7162 3.1, 3.2):
 * enabling, modseq arguments, SELECT/EXAMINE parameters and the QRESYNC
 * resynchronisation. See condstore.h.
 */
#include "condstore.h"
#include "log.h"
#include "mailbox_view.h"
#include "reply.h"
#include "str.h"
#include "tern.h"

bool
imap_condstore(const struct imap_session *s)
{
	return (s->enabled & (IMAP_ENABLED_CONDSTORE |
	    IMAP_ENABLED_QRESYNC)) != 0;
}

bool
imap_qresync(const struct imap_session *s)
{
	return (s->enabled & IMAP_ENABLED_QRESYNC) != 0;
}

void
condstore_enable(struct imap_cmd *c)
{
	struct imap_session *s = c->s;

	if (imap_condstore(s))
		return;
	s->enabled |= IMAP_ENABLED_CONDSTORE;
	/* RFC 7162 3.1: the first enabling command while a mailbox is
	 * selected tells the client its HIGHESTMODSEQ */
	if (s->view != NULL && s->state == IMAP_ST_SELECTED)
		imap_untagged(c, "OK [HIGHESTMODSEQ %llu] Highest",
		    (unsigned long long)mailbox_view_highestmodseq(s->view));
}

unsigned
condstore_view_flags(const struct imap_session *s)
{
	return (imap_condstore(s) ? VIEW_UPDATE_CONDSTORE : 0) |
	    (imap_qresync(s) ? VIEW_UPDATE_QRESYNC : 0);
}

int
condstore_parse_modseq(const struct imap_arg *arg, bool zero_ok,
	uint64_t *v_r)
{
	if (arg->type != IMAP_ARG_ATOM ||
	    parse_u64(arg->str, MODSEQ_VALUE_MAX, v_r) < 0)
		return -1;
	return *v_r == 0 && !zero_ok ? -1 : 0;
}

/* "(uidvalidity modseq [known-uids [(seqs uids)]])" */
static int
parse_qresync(const struct imap_arg *arg, struct arena *a,
	struct qresync_params *q, const char **error_r)
{
	const struct imap_arg *l = arg->list;
	uint32_t uidv;

	*error_r = "Syntax: QRESYNC (uidvalidity modseq [known-uids "
	    "[(seqs uids)]])";
	if (arg->type != IMAP_ARG_LIST || arg->n < 2 || arg->n > 4 ||
	    l[0].type != IMAP_ARG_ATOM ||
	    parse_u32(l[0].str, UINT32_MAX, &uidv) < 0 || uidv == 0)
		return -1;
	q->uid_validity = uidv;
	/* 0 is outside the grammar, but means "everything" to anyone who
	 * sends it (as CHANGEDSINCE 0 does for iPhone Mail) */
	if (condstore_parse_modseq(&l[1], true, &q->modseq) < 0)
		return -1;
	if (arg->n >= 3) {
		if (l[2].type != IMAP_ARG_ATOM || imap_parse_seqset(l[2].str,
		    a, &q->known_uids, error_r) < 0 || q->known_uids.saved)
			return -1;
		q->have_known_uids = true;
	}
	if (arg->n == 4) {
		const struct imap_arg *m = &l[3];

		if (m->type != IMAP_ARG_LIST || m->n != 2 ||
		    m->list[0].type != IMAP_ARG_ATOM ||
		    m->list[1].type != IMAP_ARG_ATOM ||
		    imap_parse_seqset(m->list[0].str, a, &q->match_seqs,
		    error_r) < 0 ||
		    imap_parse_seqset(m->list[1].str, a, &q->match_uids,
		    error_r) < 0 || q->match_seqs.saved ||
		    q->match_uids.saved) {
			*error_r = "Syntax: seq-match is (seqs uids)";
			return -1;
		}
		q->have_seq_match = true;
	}
	return 0;
}

int
condstore_parse_select_params(const struct imap_session *s,
	const struct imap_arg *arg, struct arena *a,
	struct select_params *p_r, const char **error_r)
{
	size_t i;

	memset(p_r, 0, sizeof(*p_r));
	if (arg->type != IMAP_ARG_LIST) {
		*error_r = "Syntax: SELECT mailbox [(parameters)]";
		return -1;
	}
	for (i = 0; i < arg->n; i++) {
		const struct imap_arg *p = &arg->list[i];

		if (imap_arg_atom_is(p, "CONDSTORE")) {
			p_r->condstore = true;
		} else if (imap_arg_atom_is(p, "QRESYNC")) {
			if (!imap_qresync(s)) {
				/* RFC 7162 3.2.5 */
				*error_r = "QRESYNC is not enabled";
				return -1;
			}
			if (p_r->qresync || i + 1 == arg->n ||
			    parse_qresync(&arg->list[++i], a, &p_r->q,
			    error_r) < 0) {
				if (p_r->qresync)
					*error_r = "QRESYNC given twice";
				return -1;
			}
			p_r->qresync = true;
		} else {
			*error_r = "Unknown SELECT parameter";
			return -1;
		}
	}
	return 0;
}

void
condstore_send_vanished(struct imap_cmd *c, uint64_t since,
	const struct imap_seqset *known)
{
	struct buf b;

	buf_init(&b, 0);
	(void)buf_puts(&b, "* VANISHED (EARLIER) ");
	if (mailbox_view_vanished(c->s->view, since, known, c->arena,
	    &b) == 0 && b.len > strlen("* VANISHED (EARLIER) ")) {
		(void)buf_puts(&b, "\r\n");
		stream_write(c->s->stream, b.data, b.len);
	}
	buf_clear(&b);
}

void
condstore_select_resync(struct imap_cmd *c, const struct qresync_params *q)
{
	struct mailbox_view *v = c->s->view;
	struct buf b;
	uint32_t seq;

	/* RFC 7162 3.2.5.2: another UIDVALIDITY: a plain SELECT */
	if (q->uid_validity != mailbox_view_uidvalidity(v))
		return;
	condstore_send_vanished(c, q->modseq, q->have_known_uids ?
	    &q->known_uids : NULL);
	buf_init(&b, 0);
	for (seq = 1; seq <= mailbox_view_count(v); seq++) {
		uint64_t ms = mailbox_view_modseq(v, seq);

		if (ms <= q->modseq)
			continue;
		buf_reset(&b);
		(void)mailbox_view_format_flags(v, seq, &b);
		imap_untagged(c, "%u FETCH (UID %u FLAGS %s MODSEQ (%llu))",
		    seq, mailbox_view_uid(v, seq), buf_str(&b),
		    (unsigned long long)ms);
	}
	buf_clear(&b);
}
