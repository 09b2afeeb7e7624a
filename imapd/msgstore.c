/* SPDX-License-Identifier: MIT */
/*
 * msgstore: adding messages to a folder (see msgstore.h). RFC 4315
 * (UIDPLUS) for the UID sets.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "msgstore.h"
#include "folders.h"
#include "maildir.h"
#include "mailbox_view.h"
#include "str.h"
#include "tern.h"

int
msgstore_open(struct imap_session *s, const char *name,
	struct msgstore_target *t, enum tern_err *err_r,
	const char **error_r)
{
	memset(t, 0, sizeof(*t));
	if (folders_path(s->maildir, name, t->path, sizeof(t->path),
	    error_r) < 0) {
		*err_r = TERN_ERR_NOTFOUND;
		return -1;
	}
	if (s->view != NULL && strcmp(s->view->path, t->path) == 0) {
		t->mb = s->view->mb;
		return 0;
	}
	if (maildir_mailbox_open(t->path, 0, &t->mb, err_r, error_r) < 0)
		return -1;
	t->owned = true;
	return 0;
}

void
msgstore_close(struct msgstore_target *t)
{
	if (t->owned)
		maildir_mailbox_free(&t->mb);
	t->mb = NULL;
}

int
msgstore_uids(struct msgstore_target *t, char *const *bases, size_t n,
	uint32_t *uids_r, enum tern_err *err_r, const char **error_r)
{
	const struct maildir_mailbox *mb;
	size_t i, j;

	if (maildir_mailbox_sync(t->mb, 0, err_r, error_r) < 0)
		return -1;
	mb = t->mb;
	for (i = 0; i < n; i++) {
		size_t blen = maildir_filename_base_len(bases[i]);

		uids_r[i] = 0;
		/* new files are at the end: search backwards */
		for (j = mb->count; j > 0; j--) {
			const char *name = maildir_mail_name(mb,
			    &mb->mails[j - 1]);

			if (maildir_filename_base_len(name) == blen &&
			    memcmp(name, bases[i], blen) == 0) {
				uids_r[i] = mb->mails[j - 1].uid;
				break;
			}
		}
	}
	return 0;
}

int
msgstore_format_uidset(const uint32_t *uids, size_t n, struct buf *out)
{
	size_t i = 0;
	int ret = 0;

	while (i < n) {
		size_t j = i;

		while (j + 1 < n && uids[j + 1] == uids[j] + 1)
			j++;
		ret |= buf_appendf(out, "%s%u", i > 0 ? "," : "", uids[i]);
		if (j > i)
			ret |= buf_appendf(out, ":%u", uids[j]);
		i = j + 1;
	}
	return ret < 0 ? -1 : 0;
}

int
msgstore_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret, e;

	if (fd < 0)
		return -1;
	ret = fsync(fd);
	e = errno;
	(void)close(fd);
	errno = e;
	return ret;
}
