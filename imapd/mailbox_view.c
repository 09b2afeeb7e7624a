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

/* Maildir letters of the system flags, in IMAP order. */
static const struct {
	char letter;
	const char *name;
} flag_map[] = {
	{ 'R', "\\Answered" },
	{ 'F', "\\Flagged" },
	{ 'T', "\\Deleted" },
	{ 'S', "\\Seen" },
	{ 'D', "\\Draft" },
};

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
	memcpy(vm->flags, m->flags, sizeof(vm->flags));
	vm->recent = m->in_new;
}

/* Merge the store's list (ascending uid) into the view. */
static void
merge(struct mailbox_view *v)
{
	const struct maildir_mailbox *mb = v->mb;
	size_t i = 0, j = 0;

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
			if (strcmp(v->msgs[i].flags, mb->mails[j].flags) != 0) {
				memcpy(v->msgs[i].flags, mb->mails[j].flags,
				    sizeof(v->msgs[i].flags));
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

	if (maildir_mailbox_open(path, 0, &v->mb, err_r, error_r) < 0) {
		free(v);
		return -1;
	}
	v->name = xstrdup(name);
	v->path = xstrdup(path);
	v->readonly = readonly;
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
	enum tern_err err;
	const char *error;

	if (maildir_mailbox_sync(v->mb, 0, &err, &error) < 0) {
		if (err_r != NULL)
			*err_r = err;
		if (error_r != NULL)
			*error_r = error;
		else
			log_error("sync", "mailbox=%s error=\"%s\"", v->path,
			    error);
		return -1;
	}
	merge(v);
	return 0;
}

void
mailbox_view_send_updates(struct mailbox_view *v, struct stream *out,
	unsigned flags)
{
	size_t i, kw = 0;
	uint32_t recent;

	if ((flags & VIEW_UPDATE_EXPUNGE) != 0) {
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
	for (i = 0; i < v->count; i++) {
		struct buf b;

		if (!v->msgs[i].flags_changed || v->msgs[i].expunged)
			continue;
		v->msgs[i].flags_changed = false;
		buf_init(&b, 0);
		(void)mailbox_view_format_flags(v, (uint32_t)i + 1, &b);
		stream_printf(out, "* %zu FETCH (UID %u FLAGS %s)\r\n", i + 1,
		    v->msgs[i].uid, buf_str(&b));
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
	if (seq < 1 || seq > v->count || v->msgs[seq - 1].expunged)
		return NULL;
	return maildir_mailbox_find(v->mb, v->msgs[seq - 1].uid);
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
		if (!maildir_flags_has(v->msgs[i].flags, 'S'))
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
	ret |= buf_putc(out, '(');
	for (i = 0; i < N_ELEMENTS(flag_map); i++) {
		if (!maildir_flags_has(m->flags, flag_map[i].letter))
			continue;
		ret |= buf_appendf(out, "%s%s", first ? "" : " ",
		    flag_map[i].name);
		first = false;
	}
	if (m->recent) {
		ret |= buf_appendf(out, "%s\\Recent", first ? "" : " ");
		first = false;
	}
	for (i = 0; i < KEYWORDS_MAX; i++) {
		const char *kw = v->mb->keywords.names[i];

		if (kw == NULL || !maildir_flags_has(m->flags, (char)('a' + i)))
			continue;
		ret |= buf_appendf(out, "%s%s", first ? "" : " ", kw);
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
	struct view_msg *m;
	char norm[MAILDIR_FLAGS_MAX];

	if (seq < 1 || seq > v->count || v->msgs[seq - 1].expunged) {
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
	if (maildir_mailbox_set_flags(v->mb, m->uid, norm, err_r,
	    error_r) < 0)
		return -1;
	memcpy(m->flags, norm, sizeof(m->flags));
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
	if (maildir_mailbox_expunge(v->mb, m->uid, err_r, error_r) < 0)
		return -1;
	m->expunged = true;
	return 0;
}
