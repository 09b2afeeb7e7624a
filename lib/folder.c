/* SPDX-License-Identifier: MIT */
/*
 * folder: Maildir++ folder names and directories. IMAP names are UTF-8
 * with '/' between levels; on disk each level is modified UTF-7 (RFC
 * 3501 5.1.3) and levels are joined with '.' after a leading '.'. The
 * codec is strict and bounded, so every directory name has exactly one
 * IMAP name and back.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>

#include "folder.h"
#include "maildir.h"
#include "xmalloc.h"
#include "tern.h"

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static char folder_error[MAILDIR_PATH_MAX + 128];

/* One code point from UTF-8 at *s, strictly (no overlong forms, no
 * surrogates, at most U+10FFFF). -1 on invalid input. */
static int
utf8_next(const unsigned char **s, uint32_t *cp_r)
{
	const unsigned char *p = *s;
	uint32_t cp, min;
	int n, i;

	if (p[0] < 0x80) {
		*cp_r = p[0];
		*s = p + 1;
		return 0;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		n = 1; cp = p[0] & 0x1f; min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 2; cp = p[0] & 0x0f; min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 3; cp = p[0] & 0x07; min = 0x10000;
	} else {
		return -1;
	}
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)	/* also stops at NUL */
			return -1;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*cp_r = cp;
	*s = p + n + 1;
	return 0;
}

static int
utf8_put(struct buf *out, uint32_t cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp; n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f)); n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f)); n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f)); n = 4;
	}
	return buf_append(out, u, n);
}

struct b64_state {
	uint32_t bits;
	unsigned int nbits;
	bool open;
};

static int
b64_put16(struct buf *out, struct b64_state *st, uint32_t unit)
{
	st->bits = (st->bits << 16) | unit;
	st->nbits += 16;
	while (st->nbits >= 6) {
		st->nbits -= 6;
		if (buf_putc(out, b64chars[(st->bits >> st->nbits) & 0x3f]) < 0)
			return -1;
	}
	st->bits &= (1u << st->nbits) - 1;
	return 0;
}

static int
b64_close(struct buf *out, struct b64_state *st)
{
	if (!st->open)
		return 0;
	if (st->nbits > 0 &&
	    buf_putc(out, b64chars[(st->bits << (6 - st->nbits)) & 0x3f]) < 0)
		return -1;
	st->bits = 0;
	st->nbits = 0;
	st->open = false;
	return buf_putc(out, '-');
}

int
folder_mutf7_encode(const char *utf8, struct buf *out)
{
	const unsigned char *s = (const unsigned char *)utf8;
	struct b64_state st = { 0, 0, false };
	size_t start = out->len;
	uint32_t cp;

	while (*s != '\0') {
		if (utf8_next(&s, &cp) < 0)
			goto fail;
		if (cp >= 0x20 && cp <= 0x7e) {
			if (b64_close(out, &st) < 0)
				goto fail;
			if (cp == '&' ? buf_puts(out, "&-") < 0 :
			    buf_putc(out, (char)cp) < 0)
				goto fail;
			continue;
		}
		if (!st.open) {
			if (buf_putc(out, '&') < 0)
				goto fail;
			st.open = true;
		}
		if (cp >= 0x10000) {
			cp -= 0x10000;
			if (b64_put16(out, &st, 0xd800 | (cp >> 10)) < 0 ||
			    b64_put16(out, &st, 0xdc00 | (cp & 0x3ff)) < 0)
				goto fail;
		} else if (b64_put16(out, &st, cp) < 0) {
			goto fail;
		}
	}
	if (b64_close(out, &st) < 0)
		goto fail;
	return 0;
fail:
	buf_truncate(out, start);
	return -1;
}

static int
b64_value(char c)
{
	const char *p = c != '\0' ? strchr(b64chars, c) : NULL;

	return p != NULL ? (int)(p - b64chars) : -1;
}

/* Decode one shift "&...-" starting after '&'; *s is moved past '-'. */
static int
decode_shift(const char **s, struct buf *out)
{
	const char *p = *s;
	uint32_t bits = 0, high = 0;
	unsigned int nbits = 0, units = 0;
	int v;

	for (; *p != '-'; p++) {
		v = b64_value(*p);
		if (v < 0)
			return -1;
		bits = (bits << 6) | (uint32_t)v;
		nbits += 6;
		if (nbits < 16)
			continue;
		nbits -= 16;
		{
			uint32_t u = (bits >> nbits) & 0xffff;

			bits &= (1u << nbits) - 1;
			units++;
			if (high != 0) {
				if (u < 0xdc00 || u > 0xdfff)
					return -1;
				if (utf8_put(out, 0x10000 + ((high - 0xd800)
				    << 10) + (u - 0xdc00)) < 0)
					return -1;
				high = 0;
			} else if (u >= 0xd800 && u <= 0xdbff) {
				high = u;
			} else if (u >= 0xdc00 && u <= 0xdfff) {
				return -1;
			} else if ((u >= 0x20 && u <= 0x7e) || u == 0) {
				/* RFC 3501 5.1.3: ASCII represents itself;
				 * a NUL would cut the C string */
				return -1;
			} else if (utf8_put(out, u) < 0) {
				return -1;
			}
		}
	}
	/* leftover must be < 6 zero bits; no dangling high surrogate */
	if (units == 0 || nbits >= 6 || bits != 0 || high != 0)
		return -1;
	*s = p + 1;
	return 0;
}

int
folder_mutf7_decode(const char *mutf7, struct buf *out)
{
	const char *s = mutf7;
	size_t start = out->len;

	while (*s != '\0') {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c > 0x7e)
			goto fail;
		if (c != '&') {
			if (buf_putc(out, (char)c) < 0)
				goto fail;
			s++;
			continue;
		}
		s++;
		if (*s == '-') {
			if (buf_putc(out, '&') < 0)
				goto fail;
			s++;
			continue;
		}
		if (decode_shift(&s, out) < 0)
			goto fail;
	}
	return 0;
fail:
	buf_truncate(out, start);
	return -1;
}

bool
folder_is_inbox(const char *name)
{
	return strcasecmp(name, "INBOX") == 0;
}

/* Check one level of an IMAP name (UTF-8 bytes p, len). */
static const char *
level_error(const char *p, size_t len)
{
	size_t i;

	if (len == 0)
		return "empty folder name level";
	if (p[0] == '.')
		return "folder name level starts with '.'";
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x20 || c == 0x7f)
			return "control character in folder name";
		if (c == '.')
			return "'.' in folder name";
		if (c == '*' || c == '%')
			return "wildcard in folder name";
	}
	return NULL;
}

int
folder_name_to_dir(const char *name, struct buf *out, const char **error_r)
{
	const char *p = name, *slash, *err;
	size_t start = out->len, len;
	char *level;
	int ret;

	if (folder_is_inbox(name)) {
		*error_r = "INBOX is not a folder directory";
		return -1;
	}
	if (buf_putc(out, '.') < 0)
		goto too_long;
	for (;;) {
		slash = strchr(p, '/');
		len = slash != NULL ? (size_t)(slash - p) : strlen(p);
		err = level_error(p, len);
		if (err != NULL) {
			buf_truncate(out, start);
			*error_r = err;
			return -1;
		}
		level = xstrndup(p, len);
		ret = folder_mutf7_encode(level, out);
		free(level);
		if (ret < 0) {
			buf_truncate(out, start);
			*error_r = "invalid UTF-8 or too long folder name";
			return -1;
		}
		if (slash == NULL)
			break;
		if (buf_putc(out, '.') < 0)
			goto too_long;
		p = slash + 1;
	}
	if (out->len - start > FOLDER_DIR_MAX)
		goto too_long;
	return 0;
too_long:
	buf_truncate(out, start);
	*error_r = "folder name too long";
	return -1;
}

int
folder_dir_to_name(const char *dir, struct buf *out)
{
	struct buf name, check;
	const char *error;
	size_t i, start = out->len;
	int ret = -1;

	if (dir[0] != '.' || strlen(dir) > FOLDER_DIR_MAX)
		return -1;
	buf_init(&name, FOLDER_DIR_MAX * 4);
	buf_init(&check, FOLDER_DIR_MAX + 1);
	if (folder_mutf7_decode(dir + 1, &name) < 0)
		goto out;
	for (i = 0; i < name.len; i++) {
		/* '/' cannot be in a level: mUTF-7 of it would be ASCII */
		if (name.data[i] == '/')
			goto out;
	}
	for (i = 0; i < name.len; i++) {
		if (name.data[i] == '.')
			name.data[i] = '/';
	}
	/* the round trip must give dir back: one name per directory */
	if (folder_name_to_dir(buf_str(&name), &check, &error) < 0 ||
	    strcmp(buf_str(&check), dir) != 0)
		goto out;
	if (buf_append(out, name.data, name.len) < 0)
		goto out;
	ret = 0;
out:
	if (ret < 0)
		buf_truncate(out, start);
	buf_clear(&name);
	buf_clear(&check);
	return ret;
}

int
folder_path(const char *maildir, const char *name, struct buf *out,
	const char **error_r)
{
	size_t start = out->len;

	if (buf_puts(out, maildir) < 0) {
		*error_r = "path too long";
		return -1;
	}
	if (folder_is_inbox(name))
		return 0;
	*error_r = "path too long";
	if (buf_putc(out, '/') < 0 ||
	    folder_name_to_dir(name, out, error_r) < 0) {
		buf_truncate(out, start);
		return -1;
	}
	return 0;
}

int
folder_create(const char *maildir, const char *name, enum tern_err *err_r,
	const char **error_r)
{
	struct buf path;
	struct stat st;

	buf_init(&path, MAILDIR_PATH_MAX);
	*error_r = NULL;
	if (folder_is_inbox(name)) {
		buf_clear(&path);
		*err_r = TERN_ERR_EXISTS;
		*error_r = "INBOX always exists";
		return -1;
	}
	if (folder_path(maildir, name, &path, error_r) < 0) {
		buf_clear(&path);
		*err_r = TERN_ERR_SYNTAX;
		return -1;
	}
	if (stat(buf_str(&path), &st) == 0) {
		buf_clear(&path);
		*err_r = TERN_ERR_EXISTS;
		*error_r = "folder exists";
		return -1;
	}
	if (maildir_create(buf_str(&path), true) < 0) {
		snprintf(folder_error, sizeof(folder_error),
		    "folder: create %s: %s", buf_str(&path), strerror(errno));
		buf_clear(&path);
		*err_r = TERN_ERR_TEMP;
		*error_r = folder_error;
		return -1;
	}
	buf_clear(&path);
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
folder_list(const char *maildir, char ***names_r, size_t *count_r)
{
	char path[MAILDIR_PATH_MAX];
	char **names = NULL;
	size_t count = 0, cap = 0;
	struct dirent *de;
	struct stat st;
	struct buf name;
	DIR *d;

	*names_r = NULL;
	*count_r = 0;
	d = opendir(maildir);
	if (d == NULL)
		return -1;
	buf_init(&name, FOLDER_DIR_MAX * 4);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.')
			continue;
		buf_reset(&name);
		if (folder_dir_to_name(de->d_name, &name) < 0)
			continue;	/* ".", "..", junk: not a folder */
		if (maildir_path(path, sizeof(path), "%s/%s/cur", maildir,
		    de->d_name) < 0 || stat(path, &st) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		if (count == FOLDER_LIST_MAX)
			break;
		if (count == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			names = xreallocarray(names, cap, sizeof(*names));
		}
		names[count++] = xstrdup(buf_str(&name));
	}
	buf_clear(&name);
	if (closedir(d) < 0) {
		folder_list_free(&names, count);
		return -1;
	}
	if (count > 0)
		qsort(names, count, sizeof(*names), name_cmp);
	*names_r = names;
	*count_r = count;
	return 0;
}

void
folder_list_free(char ***names, size_t count)
{
	size_t i;

	if (names == NULL || *names == NULL)
		return;
	for (i = 0; i < count; i++)
		free((*names)[i]);
	free(*names);
	*names = NULL;
}
