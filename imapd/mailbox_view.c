/* SPDX-License-Identifier: MIT */
/*
 * mailbox_view: the session's sequence map over lib/maildir_mailbox (see
 * mailbox_view.h). RFC 9051 7.5.1 (EXPUNGE), 7.4 (EXISTS), 7.5.2 (FETCH
 * as an unsolicited update).
 */
#include <stdlib.h>

#include "mailbox_view.h"
#include "log.h"
#include "maildir.h"
#include "xmalloc.h"
#include "tern.h"

/* Maildir letters of the system flags, in IMAP order (enum
 * view_sysflag: bit i is flag_map[i]). */
static const struct {
	char letter;
	const char *name;
	size_t len;
} flag_map[] = {
	{ 'R', "\\Answered", 9 },
	{ 'F', "\\Flagged", 8 },
	{ 'T', "\\Deleted", 8 },
	{ 'S', "\\Seen", 5 },
	{ 'D', "\\Draft", 6 },
};

/* SELECT takes the \Recent messages, EXAMINE only shows them (RFC 3501
 * 2.3.2, 6.3.2). */
static enum maildir_sync_flags
sync_flags(bool readonly)
{
	return readonly ? 0 : MAILDIR_SYNC_CLAIM_RECENT;
}

/* The system flags IMAP shows of m (a letter it does not show, as P,
 * is no change). */
static uint8_t
sysflags_of(const struct maildir_mail *m)
{
	uint8_t f = 0;

	if (maildir_mail_has_flag(m, 'R'))
		f |= VIEW_FLAG_ANSWERED;
	if (maildir_mail_has_flag(m, 'F'))
		f |= VIEW_FLAG_FLAGGED;
	if (maildir_mail_has_flag(m, 'T'))
		f |= VIEW_FLAG_DELETED;
	if (maildir_mail_has_flag(m, 'S'))
		f |= VIEW_FLAG_SEEN;
	if (maildir_mail_has_flag(m, 'D'))
		f |= VIEW_FLAG_DRAFT;
	return f;
}

static void
add_msg(struct mailbox_view *v, const struct maildir_mail *m)
{
	struct view_msg *vm;

	if (v->count == v->cap) {
		v->cap = v->cap == 0 ? 64 : v->cap * 2;
		v->msgs = xreallocarray(v->msgs, v->cap, sizeof(*v->msgs));
	}
	vm = &v->msgs[v->count++];
	memset(vm, 0, sizeof(*vm));
	vm->uid = m->uid;
	vm->sysflags = sysflags_of(m);
	vm->keywords = m->keywords;
	vm->recent = m->uid >= v->mb->first_recent_uid;
}

/* Merge the store's list (ascending uid) into the view. */
static void
merge(struct mailbox_view *v)
{
	const struct maildir_mailbox *mb = v->mb;
	size_t i = 0, j = 0;

	if (v->generation == mb->generation)
		return;		/* the store's list is as last merged */
	v->generation = mb->generation;
	while (i < v->count || j < mb->count) {
		if (i < v->count && v->msgs[i].expunged) {
			/* stays a ghost; its uid may not be back */
			if (j < mb->count && mb->mails[j].uid ==
			    v->msgs[i].uid)
				j++;
			i++;
		} else if (i < v->count && (j == mb->count ||
		    v->msgs[i].uid < mb->mails[j].uid)) {
			v->msgs[i].expunged = true;
			i++;
		} else if (i < v->count && v->msgs[i].uid == mb->mails[j].uid) {
			uint8_t sys = sysflags_of(&mb->mails[j]);

			/* a letter IMAP does not show (P) is no change */
			if (v->msgs[i].sysflags != sys ||
			    v->msgs[i].keywords != mb->mails[j].keywords) {
				v->msgs[i].sysflags = sys;
				v->msgs[i].keywords = mb->mails[j].keywords;
				v->msgs[i].flags_changed = true;
			}
			i++;
			j++;
		} else if (i == v->count) {
			/* new at the end: the common case */
			if (v->count == 0 || mb->mails[j].uid >
			    v->msgs[v->count - 1].uid) {
				add_msg(v, &mb->mails[j]);
				i = v->count;
			}
			j++;
		} else {
			/* a uid below what we know that we never saw:
			 * XXX: cannot be given a seq; skipped */
			j++;
		}
	}
}

int
mailbox_view_open(const char *path, const char *name, bool readonly,
	struct mailbox_view **v_r, enum tern_err *err_r,
	const char **error_r)
{
	struct mailbox_view *v = xcalloc(1, sizeof(*v));

	if (maildir_mailbox_open(path, sync_flags(readonly), &v->mb, err_r,
	    error_r) < 0) {
		free(v);
		return -1;
	}
	v->name = xstrdup(name);
	v->path = xstrdup(path);
	v->readonly = readonly;
	v->uid_validity = v->mb->uid_validity;
	/* the whole list at once: no regrowing (and copying) */
	v->cap = v->mb->count + 64;
	v->msgs = xreallocarray(NULL, v->cap, sizeof(*v->msgs));
	merge(v);
	v->announced_exists = v->count;
	v->announced_recent = mailbox_view_recent(v);
	*v_r = v;
	return 0;
}

void
mailbox_view_free(struct mailbox_view **vp)
{
	struct mailbox_view *v = vp != NULL ? *vp : NULL;

	if (v == NULL)
		return;
	maildir_mailbox_free(&v->mb);
	free(v->msgs);
	free(v->saved);
	free(v->name);
	free(v->path);
	free(v);
	*vp = NULL;
}

int
mailbox_view_sync(struct mailbox_view *v, enum tern_err *err_r,
	const char **error_r)
{
	enum tern_err err = TERN_ERR_TEMP;
	const char *error = "UIDVALIDITY changed";

	if (!v->uid_validity_changed) {
		if (maildir_mailbox_sync(v->mb, sync_flags(v->readonly), &err,
		    &error) < 0)
			goto fail;
		if (v->mb->uid_validity == v->uid_validity) {
			merge(v);
			return 0;
		}
		/* a rebuilt uidlist (maildir_mailbox.h): not one UID of
		 * the view means the same message now */
		v->uid_validity_changed = true;
		err = TERN_ERR_TEMP;
		error = "UIDVALIDITY changed";
	}
fail:
	if (err_r != NULL)
		*err_r = err;
	if (error_r != NULL)
		*error_r = error;
	else
		log_error("sync", "mailbox=%s error=\"%s\"", v->path, error);
	return -1;
}

/* A UID set written range by range, ascending, merging neighbours. */
struct uidset_out {
	struct buf *b;
	uint32_t lo, hi;
	bool open, any;
	int ret;
};

static void
uidset_flush(struct uidset_out *o)
{
	if (!o->open)
		return;
	if (o->lo == o->hi)
		o->ret |= buf_appendf(o->b, "%s%u", o->any ? "," : "", o->lo);
	else
		o->ret |= buf_appendf(o->b, "%s%u:%u", o->any ? "," : "",
		    o->lo, o->hi);
	o->open = false;
	o->any = true;
}

static void
uidset_add(struct uidset_out *o, uint32_t lo, uint32_t hi)
{
	if (o->open && o->hi != UINT32_MAX && lo == o->hi + 1) {
		o->hi = hi;
		return;
	}
	uidset_flush(o);
	o->lo = lo;
	o->hi = hi;
	o->open = true;
}

/* "* VANISHED 3,5:7" for the ghosts, which leave the view: QRESYNC's
 * EXPUNGE (RFC 7162 3.2.10). */
static void
send_vanished(struct mailbox_view *v, struct stream *out)
{
	struct uidset_out o = { NULL, 0, 0, false, false, 0 };
	struct buf b;
	size_t i, j;

	buf_init(&b, 0);
	(void)buf_puts(&b, "* VANISHED ");
	o.b = &b;
	for (i = j = 0; i < v->count; i++) {
		if (v->msgs[i].expunged) {
			uidset_add(&o, v->msgs[i].uid, v->msgs[i].uid);
			continue;
		}
		v->msgs[j++] = v->msgs[i];
	}
	uidset_flush(&o);
	if (j < v->count)
		stream_printf(out, "%s\r\n", buf_str(&b));
	v->announced_exists -= v->count - j;
	v->count = j;
	buf_clear(&b);
}

void
mailbox_view_send_updates(struct mailbox_view *v, struct stream *out,
	unsigned flags)
{
	size_t i, kw = 0;
	uint32_t recent;

	if ((flags & VIEW_UPDATE_EXPUNGE) != 0 &&
	    (flags & VIEW_UPDATE_QRESYNC) != 0)
		send_vanished(v, out);
	else if ((flags & VIEW_UPDATE_EXPUNGE) != 0) {
		/* from the end, so each number is still right when sent */
		for (i = v->count; i > 0; i--) {
			if (!v->msgs[i - 1].expunged)
				continue;
			stream_printf(out, "* %zu EXPUNGE\r\n", i);
			memmove(&v->msgs[i - 1], &v->msgs[i],
			    (v->count - i) * sizeof(v->msgs[0]));
			v->count--;
			v->announced_exists--;
		}
	}
	for (i = 0; i < KEYWORDS_MAX; i++) {
		if (v->mb->keywords.names[i] != NULL)
			kw++;
	}
	if (kw != v->announced_keywords) {
		struct buf b;

		buf_init(&b, 0);
		(void)mailbox_view_format_flag_names(v, &b);
		stream_printf(out, "* FLAGS (%s)\r\n", buf_str(&b));
		stream_printf(out, "* OK [PERMANENTFLAGS (%s \\*)] Flags "
		    "permitted\r\n", buf_str(&b));
		buf_clear(&b);
		v->announced_keywords = (unsigned)kw;
	}
	if (v->count != v->announced_exists) {
		stream_printf(out, "* %zu EXISTS\r\n", v->count);
		v->announced_exists = v->count;
	}
	recent = mailbox_view_recent(v);
	if (recent != v->announced_recent) {
		if ((flags & VIEW_UPDATE_REV2) == 0)
			stream_printf(out, "* %u RECENT\r\n", recent);
		v->announced_recent = recent;
	}
	/* A QRESYNC client may take the highest MODSEQ it saw as its
	 * state (RFC 7162 3.2.5.2 resyncs from it): while an expunge
	 * cannot be sent yet, a FETCH with a newer modseq would make it
	 * miss that expunge after a reconnect. Both wait. */
	if ((flags & VIEW_UPDATE_QRESYNC) != 0) {
		for (i = 0; i < v->count; i++) {
			if (v->msgs[i].expunged)
				return;
		}
	}
	for (i = 0; i < v->count; i++) {
		struct buf b;

		if (!v->msgs[i].flags_changed || v->msgs[i].expunged)
			continue;
		v->msgs[i].flags_changed = false;
		buf_init(&b, 0);
		(void)mailbox_view_format_flags(v, (uint32_t)i + 1, &b);
		if ((flags & VIEW_UPDATE_CONDSTORE) != 0)
			stream_printf(out, "* %zu FETCH (UID %u FLAGS %s "
			    "MODSEQ (%llu))\r\n", i + 1, v->msgs[i].uid,
			    buf_str(&b), (unsigned long long)
			    mailbox_view_modseq(v, (uint32_t)i + 1));
		else
			stream_printf(out, "* %zu FETCH (UID %u FLAGS %s)\r\n",
			    i + 1, v->msgs[i].uid, buf_str(&b));
		buf_clear(&b);
	}
}

uint32_t
mailbox_view_count(const struct mailbox_view *v)
{
	return (uint32_t)v->count;
}

uint32_t
mailbox_view_uid(const struct mailbox_view *v, uint32_t seq)
{
	return seq >= 1 && seq <= v->count ? v->msgs[seq - 1].uid : 0;
}

uint32_t
mailbox_view_seq(const struct mailbox_view *v, uint32_t uid)
{
	size_t lo = 0, hi = v->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v->msgs[mid].uid == uid)
			return (uint32_t)mid + 1;
		if (v->msgs[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

const struct maildir_mail *
mailbox_view_mail(const struct mailbox_view *v, uint32_t seq)
{
	const struct maildir_mailbox *mb = v->mb;
	uint32_t uid;

	if (seq < 1 || seq > v->count || v->msgs[seq - 1].expunged ||
	    v->uid_validity_changed)
		return NULL;
	uid = v->msgs[seq - 1].uid;
	/* without ghosts the two lists line up: no search (FETCH 1:*) */
	if (seq <= mb->count && mb->mails[seq - 1].uid == uid)
		return &mb->mails[seq - 1];
	return maildir_mailbox_find(mb, uid);
}

uint32_t
mailbox_view_recent(const struct mailbox_view *v)
{
	uint32_t n = 0;
	size_t i;

	for (i = 0; i < v->count; i++) {
		if (v->msgs[i].recent)
			n++;
	}
	return n;
}

uint32_t
mailbox_view_first_unseen(const struct mailbox_view *v)
{
	size_t i;

	for (i = 0; i < v->count; i++) {
		if ((v->msgs[i].sysflags & VIEW_FLAG_SEEN) == 0)
			return (uint32_t)i + 1;
	}
	return 0;
}

uint32_t
mailbox_view_uidvalidity(const struct mailbox_view *v)
{
	return v->mb->uid_validity;
}

uint32_t
mailbox_view_uidnext(const struct mailbox_view *v)
{
	return v->mb->next_uid;
}

int
mailbox_view_resolve(const struct mailbox_view *v,
	const struct imap_seqset *set, bool uid, struct arena *a,
	uint32_t **seqs_r, size_t *n_r, const char **error_r)
{
	uint32_t *seqs, star;
	size_t i, n = 0;

	*seqs_r = NULL;
	*n_r = 0;
	if (set->saved) {
		/* RFC 5182 2.1: expunged ones are simply gone */
		seqs = arena_alloc_array(a, v->n_saved + 1, sizeof(*seqs));
		for (i = 0; i < v->n_saved; i++) {
			uint32_t seq = mailbox_view_seq(v, v->saved[i]);

			if (seq != 0 && !v->msgs[seq - 1].expunged)
				seqs[n++] = seq;
		}
		*seqs_r = seqs;
		*n_r = n;
		return 0;
	}
	if (v->count == 0) {
		if (uid)
			return 0;
		*error_r = "No messages";
		return -1;
	}
	star = uid ? v->msgs[v->count - 1].uid : (uint32_t)v->count;
	if (!uid) {
		for (i = 0; i < set->n; i++) {
			if ((set->r[i].lo != IMAP_SEQ_STAR &&
			    set->r[i].lo > v->count) ||
			    (set->r[i].hi != IMAP_SEQ_STAR &&
			    set->r[i].hi > v->count)) {
				*error_r = "Invalid message sequence number";
				return -1;
			}
		}
	}
	seqs = arena_alloc_array(a, v->count, sizeof(*seqs));
	/* one pass over the view: O(count * ranges), sorted by nature */
	for (i = 0; i < v->count; i++) {
		uint32_t key = uid ? v->msgs[i].uid : (uint32_t)i + 1;

		if (imap_seqset_contains(set, key, star))
			seqs[n++] = (uint32_t)i + 1;
	}
	*seqs_r = seqs;
	*n_r = n;
	return 0;
}

void
mailbox_view_save_result(struct mailbox_view *v, const uint32_t *uids,
	size_t n)
{
	free(v->saved);
	v->saved = NULL;
	v->n_saved = 0;
	if (n == 0)
		return;
	v->saved = xreallocarray(NULL, n, sizeof(*uids));
	memcpy(v->saved, uids, n * sizeof(*uids));
	v->n_saved = n;
}

bool
mailbox_view_saved_has(const struct mailbox_view *v, uint32_t uid)
{
	size_t lo = 0, hi = v->n_saved;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v->saved[mid] == uid)
			return true;
		if (v->saved[mid] < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

int
mailbox_view_format_flags(const struct mailbox_view *v, uint32_t seq,
	struct buf *out)
{
	const struct view_msg *m;
	bool first = true;
	size_t i;
	int ret = 0;

	if (seq < 1 || seq > v->count)
		return -1;
	m = &v->msgs[seq - 1];
	/* no printf: this runs once per message of a FETCH 1:* FLAGS */
	ret |= buf_putc(out, '(');
	for (i = 0; i < N_ELEMENTS(flag_map); i++) {
		if ((m->sysflags & (1u << i)) == 0)
			continue;
		if (!first)
			ret |= buf_putc(out, ' ');
		ret |= buf_append(out, flag_map[i].name, flag_map[i].len);
		first = false;
	}
	if (m->recent) {
		if (!first)
			ret |= buf_putc(out, ' ');
		ret |= buf_append(out, "\\Recent", 7);
		first = false;
	}
	for (i = 0; m->keywords != 0 && i < KEYWORDS_MAX; i++) {
		const char *kw = v->mb->keywords.names[i];

		if (kw == NULL || (m->keywords & (1u << i)) == 0)
			continue;
		if (!first)
			ret |= buf_putc(out, ' ');
		ret |= buf_puts(out, kw);
		first = false;
	}
	ret |= buf_putc(out, ')');
	return ret < 0 ? -1 : 0;
}

int
mailbox_view_format_flag_names(const struct mailbox_view *v,
	struct buf *out)
{
	size_t i;
	int ret = buf_puts(out, "\\Answered \\Flagged \\Deleted \\Seen "
	    "\\Draft");

	for (i = 0; i < KEYWORDS_MAX; i++) {
		if (v->mb->keywords.names[i] != NULL)
			ret |= buf_appendf(out, " %s",
			    v->mb->keywords.names[i]);
	}
	return ret < 0 ? -1 : 0;
}

int
mailbox_view_set_flags(struct mailbox_view *v, uint32_t seq,
	const char *flags, enum tern_err *err_r, const char **error_r)
{
	return mailbox_view_set_flags_if(v, seq, flags, UINT64_MAX, err_r,
	    error_r);
}

int
mailbox_view_set_flags_if(struct mailbox_view *v, uint32_t seq,
	const char *flags, uint64_t max_modseq, enum tern_err *err_r,
	const char **error_r)
{
	struct view_msg *m;
	const struct maildir_mail *stored;
	char norm[MAILDIR_FLAGS_MAX];

	if (seq < 1 || seq > v->count || v->msgs[seq - 1].expunged ||
	    v->uid_validity_changed) {
		*err_r = TERN_ERR_NOTFOUND;
		*error_r = "message expunged";
		return -1;
	}
	m = &v->msgs[seq - 1];
	if (maildir_flags_normalize(flags, norm, sizeof(norm)) < 0) {
		*err_r = TERN_ERR_SYNTAX;
		*error_r = "bad flags";
		return -1;
	}
	if (maildir_mailbox_set_flags_if(v->mb, m->uid, norm, max_modseq,
	    err_r, error_r) < 0)
		return -1;
	stored = maildir_mailbox_find(v->mb, m->uid);
	if (stored != NULL) {
		m->sysflags = sysflags_of(stored);
		m->keywords = stored->keywords;
	}
	m->flags_changed = false;
	return 0;
}

int
mailbox_view_expunge(struct mailbox_view *v, uint32_t seq,
	enum tern_err *err_r, const char **error_r)
{
	struct view_msg *m;

	if (seq < 1 || seq > v->count)
		return 0;
	m = &v->msgs[seq - 1];
	if (m->expunged)
		return 0;
	if (v->uid_validity_changed) {
		*err_r = TERN_ERR_TEMP;
		*error_r = "UIDVALIDITY changed";
		return -1;
	}
	if (maildir_mailbox_expunge(v->mb, m->uid, err_r, error_r) < 0)
		return -1;
	m->expunged = true;
	return 0;
}

uint64_t
mailbox_view_highestmodseq(const struct mailbox_view *v)
{
	return v->mb->modseq.highest;
}

uint64_t
mailbox_view_modseq(const struct mailbox_view *v, uint32_t seq)
{
	const struct maildir_mail *m = mailbox_view_mail(v, seq);

	return m != NULL ? m->modseq : 0;
}

static int
range_cmp(const void *pa, const void *pb)
{
	const struct imap_seq_range *a = pa, *b = pb;

	return a->lo < b->lo ? -1 : a->lo > b->lo;
}

static int
u32_cmp(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	return a < b ? -1 : a > b;
}

/* known as sorted, disjoint ranges within 1..last ('*' is last). */
static size_t
known_ranges(const struct imap_seqset *known, uint32_t last,
	struct arena *a, struct imap_seq_range **r_r)
{
	struct imap_seq_range *r;
	size_t i, j, n = 0;

	r = arena_alloc_array(a, known != NULL ? known->n + 1 : 1,
	    sizeof(*r));
	*r_r = r;
	if (known == NULL) {
		r[0].lo = 1;
		r[0].hi = last;
		return last > 0 ? 1 : 0;
	}
	for (i = 0; i < known->n; i++) {
		uint32_t lo = known->r[i].lo == IMAP_SEQ_STAR ? last :
		    known->r[i].lo;
		uint32_t hi = known->r[i].hi == IMAP_SEQ_STAR ? last :
		    known->r[i].hi;

		if (lo > hi) {
			uint32_t t = lo;

			lo = hi;
			hi = t;
		}
		if (hi > last)
			hi = last;
		if (lo <= hi && lo > 0)
			r[n++] = (struct imap_seq_range){ lo, hi };
	}
	if (n > 1)
		qsort(r, n, sizeof(*r), range_cmp);
	/* merge overlapping or touching neighbours */
	for (i = 1, j = 0; i < n; i++) {
		if (r[i].lo - 1 <= r[j].hi) {
			if (r[i].hi > r[j].hi)
				r[j].hi = r[i].hi;
		} else {
			r[++j] = r[i];
		}
	}
	return n > 0 ? j + 1 : 0;
}

static bool
ranges_contain(const struct imap_seq_range *r, size_t n, uint32_t uid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (uid < r[mid].lo)
			hi = mid;
		else if (uid > r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

int
mailbox_view_vanished(const struct mailbox_view *v, uint64_t since,
	const struct imap_seqset *known, struct arena *a, struct buf *out)
{
	const struct maildir_mailbox *mb = v->mb;
	const struct modseq_state *ms = &mb->modseq;
	struct uidset_out o = { out, 0, 0, false, false, 0 };
	struct imap_seq_range *r;
	uint32_t last = mb->next_uid > 0 ? mb->next_uid - 1 : 0;
	size_t nr = known_ranges(known, last, a, &r), i, k;

	if (since >= ms->floor) {
		/* the log reaches back far enough: exact */
		uint32_t *uids = arena_alloc_array(a, ms->n_expunged + 1,
		    sizeof(*uids));
		size_t n = 0;

		for (i = 0; i < ms->n_expunged; i++) {
			if (ms->expunged[i].modseq > since)
				uids[n++] = ms->expunged[i].uid;
		}
		if (n > 1)
			qsort(uids, n, sizeof(*uids), u32_cmp);
		for (i = 0; i < n; i++) {
			if ((i > 0 && uids[i] == uids[i - 1]) ||
			    !ranges_contain(r, nr, uids[i]) ||
			    maildir_mailbox_find(mb, uids[i]) != NULL)
				continue;
			uidset_add(&o, uids[i], uids[i]);
		}
		uidset_flush(&o);
		return o.ret < 0 ? -1 : 0;
	}
	/* conservative: the gaps between the UIDs present, within known */
	for (i = 0, k = 0; i <= mb->count && k < nr; i++) {
		uint32_t glo = i == 0 ? 1 : mb->mails[i - 1].uid + 1;
		uint32_t ghi = i < mb->count ? mb->mails[i].uid - 1 : last;

		if (i > 0 && mb->mails[i - 1].uid == UINT32_MAX)
			break;
		while (glo <= ghi && k < nr) {
			uint32_t lo = r[k].lo > glo ? r[k].lo : glo;
			uint32_t hi = r[k].hi < ghi ? r[k].hi : ghi;

			if (lo <= hi)
				uidset_add(&o, lo, hi);
			if (r[k].hi <= ghi)
				k++;
			else
				break;
		}
	}
	uidset_flush(&o);
	return o.ret < 0 ? -1 : 0;
}
