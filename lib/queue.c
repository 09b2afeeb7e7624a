/* SPDX-License-Identifier: MIT */
/*
 * queue: write one outbound message into the queue directory with the
 * Maildir discipline (tmp/<id> -> fsync -> rename into new/<id> -> fsync
 * new/). After queue_entry_commit() returns 0 the message survives a
 * crash, so smtpd may answer 250. Envelope fields are single text lines;
 * CR, LF or NUL in them is refused, so the format cannot be forged.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "maildir.h"
#include "queue.h"
#include "str.h"
#include "xmalloc.h"
#include "tern.h"

/* Output buffer: one write(2). */
#define QUEUE_BUF_SIZE 65536
/* Tries to find an unused random id. */
#define QUEUE_ID_TRIES 8

enum queue_state {
	QUEUE_WRITING,
	QUEUE_COMMITTED,
	QUEUE_FAILED,
};

struct queue_entry {
	char tmp_path[MAILDIR_PATH_MAX];
	char new_path[MAILDIR_PATH_MAX];
	char new_dir[MAILDIR_PATH_MAX];
	char error[MAILDIR_PATH_MAX + 128];
	enum queue_state state;
	int fd;
	int write_errno;
	bool pending_cr;
	size_t out_len;
	char out[QUEUE_BUF_SIZE];
};

static char queue_error[MAILDIR_PATH_MAX + 128];

static int
mkdir_ok(const char *path)
{
	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		return 0;
	return -1;
}

static bool
field_ok(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") == NULL;
}

static int
flush_out(struct queue_entry *e)
{
	size_t off = 0;

	while (off < e->out_len) {
		ssize_t n = write(e->fd, e->out + off, e->out_len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			e->write_errno = n < 0 ? errno : EIO;
			return -1;
		}
		off += (size_t)n;
	}
	e->out_len = 0;
	return 0;
}

static int
put_bytes(struct queue_entry *e, const char *p, size_t len)
{
	while (len > 0) {
		size_t n = sizeof(e->out) - e->out_len;

		if (n == 0) {
			if (flush_out(e) < 0)
				return -1;
			continue;
		}
		if (n > len)
			n = len;
		memcpy(e->out + e->out_len, p, n);
		e->out_len += n;
		p += n;
		len -= n;
	}
	return 0;
}

static void
envelope_text(struct buf *b, const char *id, const struct queue_envelope *env)
{
	size_t i;

	(void)buf_appendf(b, "V 1\nI %s\nT %lld\nF %s\n", id,
	    (long long)time(NULL), env->sender);
	if (env->auth_user != NULL)
		(void)buf_appendf(b, "A %s\n", env->auth_user);
	for (i = 0; i < env->n_recipients; i++)
		(void)buf_appendf(b, "R %s\n", env->recipients[i]);
	if (env->body_8bit)
		(void)buf_puts(b, "B 8BITMIME\n");
	if (env->smtputf8)
		(void)buf_puts(b, "U\n");
	(void)buf_putc(b, '\n');
}

int
queue_entry_begin(const char *queue_dir, const struct queue_envelope *env,
	char id_r[13], struct queue_entry **e_r, const char **error_r)
{
	struct queue_entry *e;
	struct buf env_text;
	char path[MAILDIR_PATH_MAX];
	struct stat st;
	size_t i;
	int tries;

	*e_r = NULL;
	if (!field_ok(env->sender) || env->n_recipients == 0 ||
	    (env->auth_user != NULL && !field_ok(env->auth_user))) {
		*error_r = "queue: invalid envelope";
		return -1;
	}
	for (i = 0; i < env->n_recipients; i++) {
		if (!field_ok(env->recipients[i]) ||
		    env->recipients[i][0] == '\0') {
			*error_r = "queue: invalid recipient";
			return -1;
		}
	}
	e = xcalloc(1, sizeof(*e));
	e->fd = -1;
	if (mkdir_ok(queue_dir) < 0 ||
	    maildir_path(path, sizeof(path), "%s/tmp", queue_dir) < 0 ||
	    mkdir_ok(path) < 0 ||
	    maildir_path(e->new_dir, sizeof(e->new_dir), "%s/new",
	    queue_dir) < 0 || mkdir_ok(e->new_dir) < 0) {
		snprintf(queue_error, sizeof(queue_error), "queue: mkdir %s: %s",
		    queue_dir, strerror(errno));
		goto fail;
	}
	for (tries = 0; tries < QUEUE_ID_TRIES; tries++) {
		str_random_hex(id_r, 6);
		if (maildir_path(e->tmp_path, sizeof(e->tmp_path), "%s/tmp/%s",
		    queue_dir, id_r) < 0 ||
		    maildir_path(e->new_path, sizeof(e->new_path), "%s/%s",
		    e->new_dir, id_r) < 0) {
			snprintf(queue_error, sizeof(queue_error),
			    "queue: path too long: %s", queue_dir);
			goto fail;
		}
		/* rename() would replace a queued message: never reuse */
		if (stat(e->new_path, &st) == 0)
			continue;
		e->fd = open(e->tmp_path, O_WRONLY | O_CREAT | O_EXCL |
		    O_CLOEXEC, 0600);
		if (e->fd >= 0 || errno != EEXIST)
			break;
	}
	if (e->fd < 0) {
		snprintf(queue_error, sizeof(queue_error), "queue: open %s: %s",
		    e->tmp_path, tries == QUEUE_ID_TRIES ? "no free id" :
		    strerror(errno));
		goto fail;
	}
	buf_init(&env_text, 0);
	envelope_text(&env_text, id_r, env);
	(void)put_bytes(e, env_text.data, env_text.len);
	buf_clear(&env_text);
	e->state = QUEUE_WRITING;
	*e_r = e;
	return 0;
fail:
	free(e);
	*error_r = queue_error;
	return -1;
}

int
queue_entry_write(struct queue_entry *e, const void *p, size_t len)
{
	const char *s = p;
	size_t i, start = 0;

	if (e->state != QUEUE_WRITING || e->write_errno != 0)
		return -1;
	for (i = 0; i < len; i++) {
		/* CRLF -> LF, also when CR and LF are in two writes */
		if (e->pending_cr) {
			e->pending_cr = false;
			if (s[i] != '\n' && put_bytes(e, "\r", 1) < 0)
				return -1;
		}
		if (s[i] != '\r')
			continue;
		if (put_bytes(e, s + start, i - start) < 0)
			return -1;
		start = i + 1;
		e->pending_cr = true;
	}
	if (!e->pending_cr || start < len) {
		if (put_bytes(e, s + start, len - start) < 0)
			return -1;
	}
	return 0;
}

static int
fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret;

	if (fd < 0)
		return -1;
	ret = fsync(fd);
	if (close(fd) < 0)
		ret = -1;
	return ret;
}

int
queue_entry_commit(struct queue_entry *e, const char **error_r)
{
	const char *what = "write";
	int fd;

	if (e->state != QUEUE_WRITING) {
		*error_r = "queue: commit in wrong state";
		return -1;
	}
	if (e->pending_cr) {
		e->pending_cr = false;
		(void)put_bytes(e, "\r", 1);
	}
	if (e->write_errno == 0)
		(void)flush_out(e);
	if (e->write_errno != 0) {
		errno = e->write_errno;
		goto fail;
	}
	what = "fsync";
	if (fsync(e->fd) < 0)
		goto fail;
	what = "close";
	fd = e->fd;
	e->fd = -1;
	if (close(fd) < 0)
		goto fail;
	what = "rename";
	if (rename(e->tmp_path, e->new_path) < 0)
		goto fail;
	e->state = QUEUE_COMMITTED;
	what = "fsync";
	if (fsync_dir(e->new_dir) < 0) {
		snprintf(e->error, sizeof(e->error), "queue: %s %s: %s", what,
		    e->new_dir, strerror(errno));
		*error_r = e->error;
		return -1;
	}
	return 0;
fail:
	snprintf(e->error, sizeof(e->error), "queue: %s %s: %s", what,
	    e->tmp_path, strerror(errno));
	e->state = QUEUE_FAILED;
	*error_r = e->error;
	return -1;
}

static void
entry_destroy(struct queue_entry **ep)
{
	if ((*ep)->fd >= 0)
		(void)close((*ep)->fd);
	free(*ep);
	*ep = NULL;
}

void
queue_entry_abort(struct queue_entry **ep)
{
	if (ep == NULL || *ep == NULL)
		return;
	if ((*ep)->state == QUEUE_COMMITTED) {
		(void)unlink((*ep)->new_path);
		(void)fsync_dir((*ep)->new_dir);
	} else {
		(void)unlink((*ep)->tmp_path);
	}
	entry_destroy(ep);
}

void
queue_entry_free(struct queue_entry **ep)
{
	if (ep == NULL || *ep == NULL)
		return;
	/* an uncommitted entry must not leave tmp/ litter */
	if ((*ep)->state != QUEUE_COMMITTED)
		(void)unlink((*ep)->tmp_path);
	entry_destroy(ep);
}
