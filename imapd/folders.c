/* SPDX-License-Identifier: MIT */
/*
 * folders: DELETE, RENAME, subscriptions, special-use and auto-created
 * folders over Maildir++ (see folders.h). A deleted folder is first
 * renamed to a "..tern-deleted.*" name (invisible to LIST, as Dovecot's
 * "..DOVECOT-TRASHED") and then emptied, so no reader sees it half gone.
 * Emptying walks at most two levels (the folder, then tmp/ new/ cur/).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "folders.h"
#include "buf.h"
#include "dotlock.h"
#include "fileio.h"
#include "folder.h"
#include "log.h"
#include "maildir.h"
#include "str.h"
#include "xmalloc.h"
#include "tern.h"

static const struct {
	const char *name;
	const char *attr;
} default_special[] = {
	{ "Drafts", "\\Drafts" },
	{ "Sent", "\\Sent" },
	{ "Trash", "\\Trash" },
	{ "Junk", "\\Junk" },
	{ "Archive", "\\Archive" },
};

static const char *const special_attrs[] = {
	"\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent",
	"\\Trash",
};

int
folders_path(const char *maildir, const char *name, char *out, size_t size,
	const char **error_r)
{
	struct buf b;
	int ret = -1;

	buf_init(&b, size - 1);
	if (folder_path(maildir, name, &b, error_r) == 0) {
		memcpy(out, buf_str(&b), b.len + 1);
		ret = 0;
	}
	buf_clear(&b);
	return ret;
}

bool
folders_exists(const char *maildir, const char *name)
{
	char path[MAILDIR_PATH_MAX], cur[MAILDIR_PATH_MAX];
	const char *error;
	struct stat st;

	if (folders_path(maildir, name, path, sizeof(path), &error) < 0 ||
	    maildir_path(cur, sizeof(cur), "%s/cur", path) < 0)
		return false;
	return stat(cur, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The directory names (".A.B") of name's children, malloc()ed. */
static int
children(const char *maildir, const char *name, char ***names_r,
	size_t *n_r)
{
	char **all;
	size_t n, i, k = 0, len = strlen(name);

	if (folder_list(maildir, &all, &n) < 0)
		return -1;
	*names_r = xcalloc(n + 1, sizeof(char *));
	for (i = 0; i < n; i++) {
		if (strncmp(all[i], name, len) == 0 && all[i][len] == '/')
			(*names_r)[k++] = xstrdup(all[i]);
	}
	folder_list_free(&all, n);
	*n_r = k;
	return 0;
}

/* Remove the files of dir and of its subdirectories (two levels). */
static int
empty_dir(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int ret = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		char path[MAILDIR_PATH_MAX];
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (maildir_path(path, sizeof(path), "%s/%s", dir,
		    de->d_name) < 0 || lstat(path, &st) < 0) {
			ret = -1;
			continue;
		}
		if (S_ISDIR(st.st_mode) && depth > 0) {
			if (empty_dir(path, depth - 1) < 0 || rmdir(path) < 0)
				ret = -1;
		} else if (unlink(path) < 0) {
			ret = -1;
		}
	}
	closedir(d);
	return ret;
}

int
folders_delete(const char *maildir, const char *name, enum tern_err *err_r,
	const char **error_r)
{
	char path[MAILDIR_PATH_MAX], trash[MAILDIR_PATH_MAX], rnd[13];
	char **kids;
	size_t n_kids;

	if (folder_is_inbox(name)) {
		*err_r = TERN_ERR_PERM;
		*error_r = "INBOX cannot be deleted";
		return -1;
	}
	if (folders_path(maildir, name, path, sizeof(path), error_r) < 0) {
		*err_r = TERN_ERR_SYNTAX;
		return -1;
	}
	if (!folders_exists(maildir, name)) {
		*err_r = TERN_ERR_NOTFOUND;
		*error_r = "no such folder";
		return -1;
	}
	if (children(maildir, name, &kids, &n_kids) < 0) {
		*err_r = TERN_ERR_TEMP;
		*error_r = "cannot list folders";
		return -1;
	}
	for (size_t i = 0; i < n_kids; i++)
		free(kids[i]);
	free(kids);
	if (n_kids > 0) {
		*err_r = TERN_ERR_PERM;
		*error_r = "folder has children; delete them first";
		return -1;
	}
	str_random_hex(rnd, 6);
	if (maildir_path(trash, sizeof(trash), "%s/..tern-deleted.%s", maildir,
	    rnd) < 0 || rename(path, trash) < 0) {
		*err_r = errno == ENOENT ? TERN_ERR_NOTFOUND : TERN_ERR_TEMP;
		*error_r = "cannot rename the folder away";
		return -1;
	}
	(void)fsync_dir(maildir);
	if (empty_dir(trash, 1) < 0 || rmdir(trash) < 0)
		log_warn("delete", "dir=%s error=\"cannot remove: %s\"", trash,
		    strerror(errno));
	return 0;
}

/* Move the messages of INBOX (new/ and cur/) into the folder at dst. */
static int
move_inbox(const char *maildir, const char *dst)
{
	static const char *const subs[] = { "new", "cur" };
	size_t i;
	int ret = 0;

	for (i = 0; i < N_ELEMENTS(subs); i++) {
		char dir[MAILDIR_PATH_MAX];
		struct dirent *de;
		DIR *d;

		if (maildir_path(dir, sizeof(dir), "%s/%s", maildir,
		    subs[i]) < 0 || (d = opendir(dir)) == NULL)
			return -1;
		while ((de = readdir(d)) != NULL) {
			char from[MAILDIR_PATH_MAX], to[MAILDIR_PATH_MAX];

			if (de->d_name[0] == '.')
				continue;
			if (maildir_path(from, sizeof(from), "%s/%s", dir,
			    de->d_name) < 0 || maildir_path(to, sizeof(to),
			    "%s/%s/%s", dst, subs[i], de->d_name) < 0 ||
			    rename(from, to) < 0)
				ret = -1;
		}
		closedir(d);
		if (fsync_dir(dir) < 0)
			ret = -1;
		if (maildir_path(dir, sizeof(dir), "%s/%s", dst, subs[i]) < 0 ||
		    fsync_dir(dir) < 0)
			ret = -1;
	}
	return ret;
}

int
folders_rename(const char *maildir, const char *old_name,
	const char *new_name, enum tern_err *err_r, const char **error_r)
{
	char from[MAILDIR_PATH_MAX], to[MAILDIR_PATH_MAX];
	char **kids = NULL;
	size_t n_kids = 0, i, old_len = strlen(old_name);
	int ret = -1;

	if (folders_path(maildir, new_name, to, sizeof(to), error_r) < 0 ||
	    folder_is_inbox(new_name)) {
		*err_r = TERN_ERR_SYNTAX;
		if (folder_is_inbox(new_name))
			*error_r = "cannot rename to INBOX";
		return -1;
	}
	if (folders_exists(maildir, new_name)) {
		*err_r = TERN_ERR_EXISTS;
		*error_r = "target exists";
		return -1;
	}
	if (!folders_exists(maildir, old_name)) {
		*err_r = TERN_ERR_NOTFOUND;
		*error_r = "no such folder";
		return -1;
	}
	if (strncmp(new_name, old_name, old_len) == 0 &&
	    new_name[old_len] == '/') {
		*err_r = TERN_ERR_SYNTAX;
		*error_r = "cannot rename a folder into itself";
		return -1;
	}
	if (folder_is_inbox(old_name)) {
		/* RFC 9051 6.3.6: INBOX's messages move, INBOX stays */
		if (folder_create(maildir, new_name, err_r, error_r) < 0)
			return -1;
		if (move_inbox(maildir, to) < 0) {
			*err_r = TERN_ERR_TEMP;
			*error_r = "cannot move INBOX messages";
			return -1;
		}
		return 0;
	}
	if (folders_path(maildir, old_name, from, sizeof(from), error_r) < 0) {
		*err_r = TERN_ERR_SYNTAX;
		return -1;
	}
	if (children(maildir, old_name, &kids, &n_kids) < 0) {
		*err_r = TERN_ERR_TEMP;
		*error_r = "cannot list folders";
		return -1;
	}
	/* the children's new names must be valid and free first */
	for (i = 0; i < n_kids; i++) {
		char *nn = xmalloc(strlen(new_name) + strlen(kids[i]) + 1);
		char p[MAILDIR_PATH_MAX];

		memcpy(nn, new_name, strlen(new_name));
		memcpy(nn + strlen(new_name), kids[i] + old_len,
		    strlen(kids[i]) - old_len + 1);	/* UNSAFE: sized */
		if (folders_path(maildir, nn, p, sizeof(p), error_r) < 0) {
			*err_r = TERN_ERR_SYNTAX;
			free(nn);
			goto out;
		}
		if (folders_exists(maildir, nn)) {
			*err_r = TERN_ERR_EXISTS;
			*error_r = "a child's new name exists";
			free(nn);
			goto out;
		}
		free(nn);
	}
	if (rename(from, to) < 0) {
		*err_r = TERN_ERR_TEMP;
		*error_r = "rename failed";
		goto out;
	}
	for (i = 0; i < n_kids; i++) {
		char kf[MAILDIR_PATH_MAX], kt[MAILDIR_PATH_MAX];
		struct buf nn;

		buf_init(&nn, 0);
		(void)buf_puts(&nn, new_name);
		(void)buf_puts(&nn, kids[i] + old_len);
		if (folders_path(maildir, kids[i], kf, sizeof(kf),
		    error_r) == 0 && folders_path(maildir, buf_str(&nn), kt,
		    sizeof(kt), error_r) == 0 && rename(kf, kt) < 0)
			log_warn("rename", "from=%s to=%s error=\"%s\"", kf, kt,
			    strerror(errno));
		buf_clear(&nn);
	}
	(void)fsync_dir(maildir);
	ret = 0;
out:
	for (i = 0; i < n_kids; i++)
		free(kids[i]);
	free(kids);
	return ret;
}

/* Read a small file at the Maildir root: NULL text and 0 when missing. */
static int
read_small(const char *maildir, const char *file, struct arena *a,
	char **text_r)
{
	char path[MAILDIR_PATH_MAX];
	struct stat st;
	ssize_t n;
	int fd;

	*text_r = NULL;
	if (maildir_path(path, sizeof(path), "%s/%s", maildir, file) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &st) < 0 || st.st_size > FOLDERS_FILE_MAX) {
		close(fd);
		return -1;
	}
	*text_r = arena_alloc(a, (size_t)st.st_size + 1);
	n = read_full(fd, *text_r, (size_t)st.st_size);
	close(fd);
	if (n < 0)
		return -1;
	(*text_r)[n] = '\0';
	return 0;
}

static int
write_small(const char *maildir, const char *file, const struct buf *b)
{
	char path[MAILDIR_PATH_MAX], tmp[MAILDIR_PATH_MAX];
	int fd;

	if (maildir_path(path, sizeof(path), "%s/%s", maildir, file) < 0 ||
	    maildir_path(tmp, sizeof(tmp), "%s/.%s.tmp.%ld", maildir, file,
	    (long)getpid()) < 0)
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (write(fd, b->data != NULL ? b->data : "", b->len) !=
	    (ssize_t)b->len || fsync(fd) < 0) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return fsync_dir(maildir);
}

/* Lock a small file for a read-modify-write: two sessions changing it
 * at once would otherwise lose one change (Dovecot dot-locks its
 * subscriptions file the same way). 0 with *lock_r, or -1 (logged). */
static int
lock_small(const char *maildir, const char *file, struct dotlock **lock_r)
{
	static const struct dotlock_settings set = {
		FOLDERS_LOCK_TIMEOUT_SECS, 0
	};
	char path[MAILDIR_PATH_MAX];
	const char *error;

	if (maildir_path(path, sizeof(path), "%s/%s", maildir, file) < 0)
		return -1;
	if (dotlock_create(path, &set, lock_r, &error) < 0) {
		log_error("lock", "file=%s error=\"%s\"", path, error);
		return -1;
	}
	return 0;
}

/* Split text into lines (in place), skipping empty ones. */
static void
split_lines(char *text, struct arena *a, char ***v_r, size_t *n_r)
{
	size_t cap = 1, n = 0;
	char *p;

	for (p = text; p != NULL && *p != '\0'; p++) {
		if (*p == '\n')
			cap++;
	}
	*v_r = arena_alloc_array(a, cap, sizeof(char *));
	for (p = text; p != NULL && *p != '\0';) {
		char *nl = strchr(p, '\n');

		if (nl != NULL)
			*nl = '\0';
		if (*p != '\0' && n < cap)
			(*v_r)[n++] = p;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	*n_r = n;
}

int
folders_subscriptions(const char *maildir, struct arena *a,
	char ***names_r, size_t *n_r)
{
	char *text;

	*names_r = NULL;
	*n_r = 0;
	if (read_small(maildir, FOLDERS_SUBSCRIPTIONS_FILE, a, &text) < 0)
		return -1;
	split_lines(text, a, names_r, n_r);
	return 0;
}

bool
folders_is_subscribed(char **names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(names[i], name) == 0)
			return true;
	}
	return false;
}

int
folders_subscribe(const char *maildir, const char *name, bool on)
{
	struct arena *a = arena_new(0);
	struct dotlock *lock = NULL;
	struct buf b;
	char **names;
	size_t n, i;
	int ret = -1;

	if (lock_small(maildir, FOLDERS_SUBSCRIPTIONS_FILE, &lock) < 0 ||
	    folders_subscriptions(maildir, a, &names, &n) < 0)
		goto out;
	if (folders_is_subscribed(names, n, name) == on) {
		ret = 0;
		goto out;
	}
	buf_init(&b, FOLDERS_FILE_MAX);
	for (i = 0; i < n; i++) {
		if (strcmp(names[i], name) != 0)
			(void)buf_appendf(&b, "%s\n", names[i]);
	}
	if (on && buf_appendf(&b, "%s\n", name) < 0) {
		buf_clear(&b);
		goto out;
	}
	ret = write_small(maildir, FOLDERS_SUBSCRIPTIONS_FILE, &b);
	buf_clear(&b);
out:
	if (dotlock_free(&lock) < 0)
		ret = -1;	/* broken as stale: our write may be lost */
	arena_free(&a);
	return ret;
}

const char *
folders_special_use_valid(const char *attr)
{
	size_t i;

	for (i = 0; i < N_ELEMENTS(special_attrs); i++) {
		if (span_eq_ci(span_str(attr), special_attrs[i]))
			return special_attrs[i];
	}
	return NULL;
}

const char *
folders_special_use(const char *maildir, const char *name, struct arena *a)
{
	char *text, **lines;
	size_t n, i;

	/* "<attr> <name>" lines; the file wins over the defaults */
	if (read_small(maildir, FOLDERS_SPECIAL_USE_FILE, a, &text) == 0 &&
	    text != NULL) {
		split_lines(text, a, &lines, &n);
		for (i = 0; i < n; i++) {
			char *sp = strchr(lines[i], ' ');

			if (sp != NULL && strcmp(sp + 1, name) == 0) {
				*sp = '\0';
				return folders_special_use_valid(lines[i]);
			}
		}
	}
	for (i = 0; i < N_ELEMENTS(default_special); i++) {
		if (strcmp(default_special[i].name, name) == 0)
			return default_special[i].attr;
	}
	return NULL;
}

int
folders_set_special_use(const char *maildir, const char *name,
	const char *attr)
{
	struct arena *a = arena_new(0);
	struct dotlock *lock = NULL;
	struct buf b;
	char *text;
	int ret = -1;

	buf_init(&b, FOLDERS_FILE_MAX);
	if (lock_small(maildir, FOLDERS_SPECIAL_USE_FILE, &lock) < 0 ||
	    read_small(maildir, FOLDERS_SPECIAL_USE_FILE, a, &text) < 0)
		goto out;
	if (text != NULL)
		(void)buf_puts(&b, text);
	if (buf_appendf(&b, "%s %s\n", attr, name) < 0)
		goto out;
	ret = write_small(maildir, FOLDERS_SPECIAL_USE_FILE, &b);
out:
	if (dotlock_free(&lock) < 0)
		ret = -1;
	buf_clear(&b);
	arena_free(&a);
	return ret;
}

void
folders_autocreate(const char *maildir)
{
	size_t i;

	for (i = 0; i < N_ELEMENTS(default_special); i++) {
		const char *name = default_special[i].name, *error;
		enum tern_err err;

		if (folders_exists(maildir, name))
			continue;
		if (folder_create(maildir, name, &err, &error) < 0 &&
		    err != TERN_ERR_EXISTS) {
			log_error("autocreate", "folder=%s error=\"%s\"", name,
			    error);
			continue;
		}
		if (folders_subscribe(maildir, name, true) < 0)
			log_error("autocreate", "folder=%s error=\"cannot "
			    "subscribe\"", name);
	}
}
