/* SPDX-License-Identifier: MIT */
/*
 * maildir: delivery into a Maildir with the qmail discipline (tmp/ ->
 * fsync -> rename into new/ or cur/ -> fsync the directory), unique
 * names and file-name helpers (the per-user path is config's job:
 * config_maildir_path()). Messages are written with
 * LF line endings; S= is the file size, W= the size with CRLF. Every
 * write, fsync, close and rename on the delivery path is checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "maildir.h"
#include "str.h"
#include "xmalloc.h"
#include "tern.h"

/* Output buffer of a delivery; the size of one write(2). */
#define DELIVERY_BUF_SIZE 65536
/* Room for a host name in a unique name (RFC 1035: 255). */
#define HOSTNAME_MAX 256
/* A unique name: secs, usec, pid, counter, escaped host. */
#define UNIQUE_NAME_MAX (64 + HOSTNAME_MAX * 4)

enum delivery_state {
	DELIVERY_WRITING,
	DELIVERY_SYNCED,
	DELIVERY_PUBLISHED,
	DELIVERY_FAILED,
};

struct maildir_delivery {
	char *dir;			/* the folder */
	char tmp_path[MAILDIR_PATH_MAX];
	char final_path[MAILDIR_PATH_MAX];
	char unique[UNIQUE_NAME_MAX];
	char basename[MAILDIR_NAME_MAX + 1];
	char error[MAILDIR_PATH_MAX + 128];
	enum delivery_state state;
	int fd;
	int write_errno;		/* sticky write error */
	bool pending_cr;		/* a CR ended the last write */
	uint64_t size;			/* bytes on disk */
	uint64_t lines;			/* LF count: W= is size + lines */
	size_t out_len;
	char out[DELIVERY_BUF_SIZE];
};

/* Counter of names made by this process: Q<n> in the unique name. */
static unsigned long unique_counter;
/* Error text of a failed maildir_delivery_begin() (no d to own it). */
static char begin_error[MAILDIR_PATH_MAX + 128];

int
maildir_path(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* mkdir that accepts an existing directory. */
static int
mkdir_exist_ok(const char *path)
{
	struct stat st;

	if (mkdir(path, 0700) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	if (stat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/* mkdir -p of path's parents and path itself. */
static int
mkdir_parents(const char *path)
{
	char tmp[MAILDIR_PATH_MAX];
	char *p;

	if (str_copy(tmp, sizeof(tmp), path) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir_exist_ok(tmp) < 0)
			return -1;
		*p = '/';
	}
	return mkdir_exist_ok(tmp);
}

static int
fsync_path(const char *path)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = fsync(fd);
	if (close(fd) < 0)
		ret = -1;
	return ret;
}

int
maildir_create(const char *maildir, bool folder_marker)
{
	static const char *const subdirs[] = { "tmp", "new", "cur" };
	char path[MAILDIR_PATH_MAX];
	struct stat st;
	bool created = false;
	size_t i;
	int fd;

	if (stat(maildir, &st) < 0) {
		if (errno != ENOENT)
			return -1;
		if (mkdir_parents(maildir) < 0)
			return -1;
		created = true;
	} else if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	for (i = 0; i < N_ELEMENTS(subdirs); i++) {
		if (maildir_path(path, sizeof(path), "%s/%s", maildir,
		    subdirs[i]) < 0)
			return -1;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			continue;
		if (mkdir_exist_ok(path) < 0)
			return -1;
		created = true;
	}
	if (folder_marker) {
		if (maildir_path(path, sizeof(path), "%s/maildirfolder",
		    maildir) < 0)
			return -1;
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0 || close(fd) < 0)
			return -1;
	}
	/* The new directories must survive a crash with the first message. */
	if (created && fsync_path(maildir) < 0)
		return -1;
	return 0;
}

/* Append s to out at *pos, escaping '/' and ':' as Maildir asks
 * ("\057", "\072"), so a host name cannot split the file name. */
static void
append_escaped_host(char *out, size_t size, size_t *pos, const char *s)
{
	for (; *s != '\0'; s++) {
		const char *esc = NULL;
		size_t n;

		if (*s == '/')
			esc = "\\057";
		else if (*s == ':')
			esc = "\\072";
		n = esc != NULL ? 4 : 1;
		if (*pos + n >= size)
			break;
		/* UNSAFE: bounded by the check above */
		if (esc != NULL)
			memcpy(out + *pos, esc, n);
		else
			out[*pos] = *s;
		*pos += n;
	}
	out[*pos] = '\0';
}

int
maildir_unique_name(char *out, size_t size)
{
	char host[HOSTNAME_MAX + 1];
	struct timeval tv;
	size_t pos;
	int n;

	if (gettimeofday(&tv, NULL) < 0)
		return -1;
	if (gethostname(host, sizeof(host)) < 0 || host[0] == '\0')
		(void)str_copy(host, sizeof(host), "localhost");
	host[HOSTNAME_MAX] = '\0';
	/* The counter makes names unique within one second and process;
	 * the pid across processes; the microseconds across pid reuse. */
	n = snprintf(out, size, "%lld.M%ldP%ldQ%lu.", (long long)tv.tv_sec,
	    (long)tv.tv_usec, (long)getpid(), ++unique_counter);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	pos = (size_t)n;
	append_escaped_host(out, size, &pos, host);
	return 0;
}

static enum tern_err
errno_to_err(int e)
{
#ifdef EDQUOT
	if (e == EDQUOT)
		return TERN_ERR_QUOTA;
#endif
	return TERN_ERR_TEMP;
}

static void
set_error(struct maildir_delivery *d, const char *what, const char *path,
	int e)
{
	snprintf(d->error, sizeof(d->error), "maildir: %s %s: %s", what, path,
	    strerror(e));
}

int
maildir_delivery_begin(const char *maildir, struct maildir_delivery **d_r,
	enum tern_err *err_r, const char **error_r)
{
	struct maildir_delivery *d;
	int e;

	*d_r = NULL;
	if (maildir_create(maildir, false) < 0) {
		e = errno;
		snprintf(begin_error, sizeof(begin_error),
		    "maildir: create %s: %s", maildir, strerror(e));
		*err_r = errno_to_err(e);
		*error_r = begin_error;
		return -1;
	}
	d = xcalloc(1, sizeof(*d));
	d->fd = -1;
	d->dir = xstrdup(maildir);
	if (maildir_unique_name(d->unique, sizeof(d->unique)) < 0 ||
	    maildir_path(d->tmp_path, sizeof(d->tmp_path), "%s/tmp/%s",
	    maildir, d->unique) < 0) {
		e = errno;
		goto fail;
	}
	d->fd = open(d->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600);
	if (d->fd < 0) {
		e = errno;
		goto fail;
	}
	d->state = DELIVERY_WRITING;
	*d_r = d;
	return 0;
fail:
	snprintf(begin_error, sizeof(begin_error), "maildir: open %s: %s",
	    d->tmp_path[0] != '\0' ? d->tmp_path : maildir, strerror(e));
	free(d->dir);
	free(d);
	*err_r = errno_to_err(e);
	*error_r = begin_error;
	return -1;
}

/* Write the whole output buffer; sticky error. */
static int
flush_out(struct maildir_delivery *d)
{
	size_t off = 0;

	while (off < d->out_len) {
		ssize_t n = write(d->fd, d->out + off, d->out_len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			d->write_errno = errno;
			return -1;
		}
		if (n == 0) {
			d->write_errno = EIO;
			return -1;
		}
		off += (size_t)n;
	}
	d->out_len = 0;
	return 0;
}

static int
put_byte(struct maildir_delivery *d, char c)
{
	if (d->out_len == sizeof(d->out) && flush_out(d) < 0)
		return -1;
	d->out[d->out_len++] = c;
	d->size++;
	if (c == '\n')
		d->lines++;
	return 0;
}

int
maildir_delivery_write(struct maildir_delivery *d, const void *p,
	size_t len)
{
	const char *s = p;
	size_t i;

	if (d->state != DELIVERY_WRITING)
		return -1;
	if (d->write_errno != 0)
		return -1;
	for (i = 0; i < len; i++) {
		/* A CR is held back until we know whether LF follows, which
		 * may be in the next call. */
		if (d->pending_cr) {
			d->pending_cr = false;
			if (s[i] != '\n' && put_byte(d, '\r') < 0)
				return -1;
		}
		if (s[i] == '\r') {
			d->pending_cr = true;
			continue;
		}
		if (put_byte(d, s[i]) < 0)
			return -1;
	}
	return 0;
}

int
maildir_delivery_sync(struct maildir_delivery *d, const char **error_r)
{
	int fd;

	if (d->state != DELIVERY_WRITING) {
		*error_r = "maildir: sync in wrong state";
		return -1;
	}
	if (d->pending_cr) {
		d->pending_cr = false;
		(void)put_byte(d, '\r');
	}
	if (d->write_errno == 0)
		(void)flush_out(d);
	if (d->write_errno != 0) {
		set_error(d, "write", d->tmp_path, d->write_errno);
		goto fail;
	}
	if (fsync(d->fd) < 0) {
		set_error(d, "fsync", d->tmp_path, errno);
		goto fail;
	}
	fd = d->fd;
	d->fd = -1;
	if (close(fd) < 0) {
		set_error(d, "close", d->tmp_path, errno);
		goto fail;
	}
	if (maildir_path(d->basename, sizeof(d->basename),
	    "%s,S=%llu,W=%llu", d->unique, (unsigned long long)d->size,
	    (unsigned long long)(d->size + d->lines)) < 0) {
		set_error(d, "name", d->unique, errno);
		goto fail;
	}
	d->state = DELIVERY_SYNCED;
	return 0;
fail:
	d->state = DELIVERY_FAILED;
	*error_r = d->error;
	return -1;
}

int
maildir_delivery_publish(struct maildir_delivery *d, const char *flags,
	const char **basename_r, const char **error_r)
{
	char norm[64], dir[MAILDIR_PATH_MAX];
	size_t blen;

	if (d->state != DELIVERY_SYNCED) {
		*error_r = "maildir: publish before sync";
		return -1;
	}
	if (flags != NULL) {
		if (maildir_flags_normalize(flags, norm, sizeof(norm)) < 0) {
			*error_r = "maildir: invalid flags";
			return -1;
		}
		blen = strlen(d->basename);
		if (maildir_path(d->basename + blen, sizeof(d->basename) - blen,
		    ":2,%s", norm) < 0) {
			d->basename[blen] = '\0';
			*error_r = "maildir: file name too long";
			return -1;
		}
	}
	if (maildir_path(dir, sizeof(dir), "%s/%s", d->dir,
	    flags != NULL ? "cur" : "new") < 0 ||
	    maildir_path(d->final_path, sizeof(d->final_path), "%s/%s", dir,
	    d->basename) < 0) {
		set_error(d, "path", d->dir, errno);
		*error_r = d->error;
		return -1;
	}
	if (rename(d->tmp_path, d->final_path) < 0) {
		set_error(d, "rename", d->final_path, errno);
		d->state = DELIVERY_FAILED;
		*error_r = d->error;
		return -1;
	}
	d->state = DELIVERY_PUBLISHED;
	/* Only after the directory is on disk is the message delivered. */
	if (fsync_path(dir) < 0) {
		set_error(d, "fsync", dir, errno);
		*error_r = d->error;
		return -1;
	}
	*basename_r = d->basename;
	return 0;
}

static void
delivery_destroy(struct maildir_delivery **dp)
{
	struct maildir_delivery *d = *dp;

	if (d->fd >= 0)
		(void)close(d->fd);
	free(d->dir);
	free(d);
	*dp = NULL;
}

void
maildir_delivery_abort(struct maildir_delivery **dp)
{
	struct maildir_delivery *d;

	if (dp == NULL || *dp == NULL)
		return;
	d = *dp;
	if (d->state == DELIVERY_PUBLISHED)
		(void)unlink(d->final_path);
	else
		(void)unlink(d->tmp_path);
	delivery_destroy(dp);
}

void
maildir_delivery_free(struct maildir_delivery **dp)
{
	struct maildir_delivery *d;

	if (dp == NULL || *dp == NULL)
		return;
	d = *dp;
	/* Freeing an unpublished delivery must not leave tmp/ litter. */
	if (d->state != DELIVERY_PUBLISHED)
		(void)unlink(d->tmp_path);
	delivery_destroy(dp);
}

size_t
maildir_filename_base_len(const char *name)
{
	const char *colon = strchr(name, ':');

	return colon != NULL ? (size_t)(colon - name) : strlen(name);
}

const char *
maildir_filename_flags(const char *name)
{
	const char *colon = strchr(name, ':');

	if (colon == NULL || colon[1] != '2' || colon[2] != ',')
		return "";
	return colon + 3;
}

int
maildir_filename_get_flags(const char *name, char *out, size_t size)
{
	const char *flags = maildir_filename_flags(name);
	size_t len = strcspn(flags, ",");
	char tmp[MAILDIR_NAME_MAX + 1];

	if (len >= sizeof(tmp))
		return -1;
	memcpy(tmp, flags, len);
	tmp[len] = '\0';
	return maildir_flags_normalize(tmp, out, size);
}

const char *
maildir_filename_flags_extra(const char *name)
{
	const char *flags = maildir_filename_flags(name);

	return flags + strcspn(flags, ",");
}

int
maildir_filename_size(const char *name, char key, uint64_t *size_r)
{
	size_t base = maildir_filename_base_len(name);
	size_t i, start;

	/* The sizes follow the unique part: ",S=123,W=125". */
	for (i = 0; i + 3 <= base; i++) {
		if (name[i] != ',' || name[i + 1] != key || name[i + 2] != '=')
			continue;
		start = i + 3;
		for (i = start; i < base && name[i] != ','; i++)
			;
		return parse_u64(span_make(name + start, i - start),
		    UINT64_MAX, size_r);
	}
	return -1;
}

int
maildir_flags_normalize(const char *flags, char *out, size_t size)
{
	bool seen[128] = { false };
	size_t pos = 0;
	int c;

	for (; *flags != '\0'; flags++) {
		c = (unsigned char)*flags;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
			return -1;
		seen[c] = true;
	}
	/* ASCII order: upper-case system flags before keyword letters. */
	for (c = 'A'; c <= 'z'; c++) {
		if (!seen[c])
			continue;
		if (pos + 1 >= size)
			return -1;
		out[pos++] = (char)c;
	}
	if (size == 0)
		return -1;
	out[pos] = '\0';
	return 0;
}

bool
maildir_flags_has(const char *flags, char c)
{
	return c != '\0' && strchr(flags, c) != NULL;
}
