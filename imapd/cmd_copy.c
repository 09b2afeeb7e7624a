/* SPDX-License-Identifier: MIT */
/*
 * cmd_copy: COPY / UID COPY (RFC 9051 6.4.7) and MOVE / UID MOVE (RFC
 * 6851), with [COPYUID uidvalidity src-uids dst-uids] (RFC 4315 3) and
 * [TRYCREATE] for a missing target. A copy is a new Maildir file in the
 * target, hard-linked when possible (as Dovecot does) and else copied,
 * keeping the flags (keywords are mapped by name into the target's
 * dovecot-keywords). The target's dovecot-uidlist gives the new UIDs
 * under its lock (a sync), after the directories are fsynced. MOVE
 * sends "* OK [COPYUID ...]" first, then expunges the originals and
 * sends their EXPUNGE lines before the tagged OK (RFC 6851 3.3). A
 * message expunged by another session fails COPY/MOVE by sequence
 * number with NO [EXPUNGEISSUED], copying nothing; the UID forms skip
 * it.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "imapd.h"
#include "condstore.h"
#include "log.h"
#include "mailbox_view.h"
#include "maildir.h"
#include "msgflags.h"
#include "msgstore.h"
#include "reply.h"
#include "xmalloc.h"
#include "tern.h"

#define COPY_BUF_SIZE (64 * 1024)

/* Copy the bytes of from into a new file to (via dir/tmp/). 0 or -1. */
static int
copy_file(const char *from, const char *tmp, const char *to)
{
	char *buf = xmalloc(COPY_BUF_SIZE);
	int in, out, ret = -1;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		free(buf);
		return -1;
	}
	out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0)
		goto done;
	while ((n = read(in, buf, COPY_BUF_SIZE)) > 0) {
		ssize_t off = 0;

		while (off < n) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));

			if (w <= 0)
				goto done;
			off += w;
		}
	}
	if (n == 0 && fsync(out) == 0 && close(out) == 0) {
		out = -1;
		ret = rename(tmp, to);
	}
done:
	if (out >= 0)
		(void)close(out);
	if (ret < 0)
		(void)unlink(tmp);
	(void)close(in);
	free(buf);
	return ret;
}

struct copied {
	char *path;		/* the new file */
	char *base;
	uint32_t src_uid;
	uint32_t src_seq;
};

/* copy_one() without the retry. */
static int
copy_file_of(struct imap_cmd *c, struct msgstore_target *t, uint32_t seq,
	struct copied *out, bool *used_new, bool *used_cur)
{
	struct mailbox_view *v = c->s->view;
	const struct maildir_mail *m = mailbox_view_mail(v, seq);
	char from[MAILDIR_PATH_MAX], to[MAILDIR_PATH_MAX];
	char tmp[MAILDIR_PATH_MAX], unique[MAILDIR_NAME_MAX + 1];
	char letters[MAILDIR_FLAGS_MAX], base[MAILDIR_NAME_MAX + 1];
	uint64_t mask;

	if (m == NULL)
		return 1;
	mask = msgflags_remap(v->mb, t->mb,
	    msgflags_mask(maildir_mail_flags(v->mb, m)), NULL);
	msgflags_letters(mask, letters, sizeof(letters));
	if (maildir_mailbox_mail_path(v->mb, m, from, sizeof(from)) < 0 ||
	    maildir_unique_name(unique, sizeof(unique)) < 0 ||
	    maildir_path(base, sizeof(base), "%s,S=%llu,W=%llu", unique,
	    (unsigned long long)m->size, (unsigned long long)m->vsize) < 0 ||
	    maildir_path(to, sizeof(to), "%s/%s/%s%s%s", t->path,
	    letters[0] != '\0' ? "cur" : "new", base,
	    letters[0] != '\0' ? ":2," : "", letters) < 0 ||
	    maildir_path(tmp, sizeof(tmp), "%s/tmp/%s", t->path, base) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (link(from, to) < 0) {
		if (errno == ENOENT)
			return 1;	/* renamed or expunged meanwhile */
		if (errno != EXDEV && errno != EPERM && errno != EMLINK &&
		    errno != ENOTSUP)
			return -1;
		if (copy_file(from, tmp, to) < 0)
			return errno == ENOENT ? 1 : -1;
	}
	if (letters[0] != '\0')
		*used_cur = true;
	else
		*used_new = true;
	out->path = arena_strdup(c->arena, to);
	out->base = arena_strdup(c->arena, base);
	out->src_uid = mailbox_view_uid(v, seq);
	out->src_seq = seq;
	return 0;
}

/* One message into t: 0, 1 when the source is gone, -1 on error. */
static int
copy_one(struct imap_cmd *c, struct msgstore_target *t, uint32_t seq,
	struct copied *out, bool *used_new, bool *used_cur)
{
	struct mailbox_view *v = c->s->view;
	int attempt, ret = 1;

	/* a flag change elsewhere renames the file: sync and retry once;
	 * after the sync an expunged message is a ghost */
	for (attempt = 0; attempt < 2 && ret == 1; attempt++) {
		if (attempt > 0 && mailbox_view_sync(v, NULL, NULL) < 0)
			break;
		ret = copy_file_of(c, t, seq, out, used_new, used_cur);
	}
	return ret;
}

static void
do_copy(struct imap_cmd *c, bool move)
{
	struct imap_session *s = c->s;
	struct mailbox_view *v = s->view;
	struct msgstore_target t;
	struct imap_seqset set;
	struct copied *done;
	const char *name, *error, *what = move ? "Move" : "Copy";
	char dir[MAILDIR_PATH_MAX];
	enum tern_err err;
	uint32_t *seqs, *src_uids, *dst_uids;
	char **bases;
	bool used_new = false, used_cur = false, gone = false;
	struct buf code;
	size_t i, n, k = 0;

	if (c->n_args != 2 || c->args[0].type != IMAP_ARG_ATOM) {
		imap_bad(c, NULL, "Syntax: %s seqset mailbox", what);
		return;
	}
	if (imap_parse_seqset(c->args[0].str, c->arena, &set, &error) < 0 ||
	    mailbox_view_resolve(v, &set, c->uid, c->arena, &seqs, &n,
	    &error) < 0) {
		imap_bad(c, NULL, "%s", error);
		return;
	}
	if (imap_cmd_mailbox(c, &c->args[1], &name) < 0)
		return;
	if (move && v->readonly) {
		imap_no(c, "READ-ONLY", "Mailbox is read-only");
		return;
	}
	/* RFC 9051 6.4.7: a COPY that fails copies nothing, so a ghost
	 * named by sequence number fails it before any side effect (RFC
	 * 9051 7.1 EXPUNGEISSUED, as Dovecot); UID COPY skips it */
	for (i = 0; i < n && !c->uid; i++) {
		if (mailbox_view_mail(v, seqs[i]) == NULL) {
			imap_expunge_issued(c);
			return;
		}
	}
	if (msgstore_open(s, name, &t, &err, &error) < 0) {
		if (err != TERN_ERR_NOTFOUND)
			log_error("copy", "mailbox=\"%s\" error=\"%s\"", name,
			    error);
		imap_store_error(c, err, err == TERN_ERR_NOTFOUND);
		return;
	}
	done = arena_alloc_array(c->arena, n + 1, sizeof(*done));
	for (i = 0; i < n; i++) {
		int ret = copy_one(c, &t, seqs[i], &done[k], &used_new,
		    &used_cur);

		if (ret < 0) {
			err = TERN_ERR_TEMP;
			error = strerror(errno);
			goto fail;
		}
		if (ret == 0)
			k++;
		else if (!c->uid) {
			/* expunged while we copied: undo, as above */
			gone = true;
			goto fail;
		}
	}
	/* durable before the UIDs are given out and the OK is sent */
	if ((used_new && (maildir_path(dir, sizeof(dir), "%s/new",
	    t.path) < 0 || msgstore_fsync_dir(dir) < 0)) ||
	    (used_cur && (maildir_path(dir, sizeof(dir), "%s/cur",
	    t.path) < 0 || msgstore_fsync_dir(dir) < 0))) {
		err = TERN_ERR_TEMP;
		error = "fsync";
		goto fail;
	}
	bases = arena_alloc_array(c->arena, k + 1, sizeof(*bases));
	src_uids = arena_alloc_array(c->arena, k + 1, sizeof(*src_uids));
	dst_uids = arena_alloc_array(c->arena, k + 1, sizeof(*dst_uids));
	for (i = 0; i < k; i++) {
		bases[i] = done[i].base;
		src_uids[i] = done[i].src_uid;
	}
	if (msgstore_uids(&t, bases, k, dst_uids, &err, &error) < 0)
		goto fail;
	buf_init(&code, 0);
	if (k > 0) {
		(void)buf_appendf(&code, "COPYUID %u ", t.mb->uid_validity);
		(void)msgstore_format_uidset(src_uids, k, &code);
		(void)buf_putc(&code, ' ');
		(void)msgstore_format_uidset(dst_uids, k, &code);
	}
	msgstore_close(&t);
	log_info(move ? "move" : "copy", "from=\"%s\" to=\"%s\" messages=%zu",
	    v->name, name, k);
	if (!move) {
		imap_ok(c, k > 0 ? buf_str(&code) : NULL, "Copy completed");
		buf_clear(&code);
		return;
	}
	if (k > 0)
		imap_untagged(c, "OK [%s] Moved UIDs", buf_str(&code));
	buf_clear(&code);
	for (i = 0; i < k; i++) {
		if (mailbox_view_expunge(v, done[i].src_seq, &err,
		    &error) < 0) {
			log_error("move", "mailbox=\"%s\" uid=%u error=\"%s\"",
			    v->name, done[i].src_uid, error);
			/* the copies stay: a client sees a COPY */
			imap_store_error(c, err, false);
			return;
		}
	}
	/* RFC 6851 3.3: the EXPUNGEs come with MOVE itself */
	/* with QRESYNC as "* VANISHED uids" (RFC 7162 3.2.10) */
	mailbox_view_send_updates(v, s->stream, VIEW_UPDATE_EXPUNGE |
	    (imap_rev2(s) ? VIEW_UPDATE_REV2 : 0) | condstore_view_flags(s));
	imap_ok(c, NULL, "Move completed");
	return;
fail:
	if (!gone)
		log_error(move ? "move" : "copy", "mailbox=\"%s\" "
		    "error=\"%s\"", name, error);
	for (i = 0; i < k; i++)
		(void)unlink(done[i].path);
	msgstore_close(&t);
	if (gone)
		imap_expunge_issued(c);
	else
		imap_store_error(c, err, false);
}

void
cmd_copy(struct imap_cmd *c)
{
	do_copy(c, false);
}

void
cmd_move(struct imap_cmd *c)
{
	do_copy(c, true);
}
