/* SPDX-License-Identifier: MIT */
/*
 * keywords: read and write dovecot-keywords; map keyword names to the
 * letters 'a'..'z' of Maildir file names.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "keywords.h"
#include "maildir.h"
#include "str.h"
#include "xmalloc.h"
#include "tern.h"

static char keywords_error[MAILDIR_PATH_MAX + 128];

void
keywords_init(struct keywords *kw)
{
	memset(kw, 0, sizeof(*kw));
}

void
keywords_clear(struct keywords *kw)
{
	size_t i;

	for (i = 0; i < KEYWORDS_MAX; i++)
		free(kw->names[i]);
	memset(kw, 0, sizeof(*kw));
}

bool
keywords_name_valid(const char *name)
{
	size_t i, len = strlen(name);

	if (len == 0 || len > KEYWORD_NAME_MAX || name[0] == '\\')
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		/* RFC 3501 9: atom-specials are not allowed in a flag */
		if (c <= 0x20 || c >= 0x7f || strchr("(){%*\"\\]", c) != NULL)
			return false;
	}
	return true;
}

void
keywords_parse(struct span text, struct keywords *kw)
{
	size_t pos = 0;

	while (pos < text.len) {
		const char *nl = memchr(text.p + pos, '\n', text.len - pos);
		size_t end = nl != NULL ? (size_t)(nl - text.p) : text.len;
		struct span line = span_make(text.p + pos, end - pos);
		const char *sp = memchr(line.p, ' ', line.len);
		uint32_t idx;
		char *name;

		pos = end + 1;
		if (sp == NULL)
			continue;
		if (parse_u32(span_make(line.p, (size_t)(sp - line.p)),
		    KEYWORDS_MAX - 1, &idx) < 0)
			continue;
		name = xstrndup(sp + 1, line.len - (size_t)(sp + 1 - line.p));
		if (!keywords_name_valid(name) || kw->names[idx] != NULL ||
		    keywords_lookup(kw, name) >= 0) {
			free(name);
			continue;
		}
		kw->names[idx] = name;
	}
}

int
keywords_read(const char *path, struct keywords *kw, const char **error_r)
{
	char *data = xmalloc(KEYWORDS_FILE_MAX + 1);
	size_t off = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(data);
		if (errno == ENOENT)
			return 0;
		snprintf(keywords_error, sizeof(keywords_error),
		    "keywords: %s: %s", path, strerror(errno));
		*error_r = keywords_error;
		return -1;
	}
	while (off < KEYWORDS_FILE_MAX) {
		n = read(fd, data + off, KEYWORDS_FILE_MAX - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	(void)close(fd);
	keywords_parse(span_make(data, off), kw);
	free(data);
	return 0;
}

int
keywords_write(const char *path, const struct keywords *kw,
	const char **error_r)
{
	char temp[MAILDIR_PATH_MAX], rnd[17];
	struct buf b;
	size_t i;
	int fd, ok;

	buf_init(&b, 0);
	for (i = 0; i < KEYWORDS_MAX; i++) {
		if (kw->names[i] != NULL)
			(void)buf_appendf(&b, "%zu %s\n", i, kw->names[i]);
	}
	str_random_hex(rnd, 8);
	if (maildir_path(temp, sizeof(temp), "%s.tmp.%ld.%s", path,
	    (long)getpid(), rnd) < 0) {
		buf_clear(&b);
		*error_r = "keywords: path too long";
		return -1;
	}
	fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ok = fd >= 0;
	if (ok)
		ok = write(fd, b.data != NULL ? b.data : "", b.len) ==
		    (ssize_t)b.len;
	if (ok)
		ok = fsync(fd) == 0;
	if (fd >= 0 && close(fd) < 0)
		ok = 0;
	if (ok)
		ok = rename(temp, path) == 0;
	buf_clear(&b);
	if (!ok) {
		snprintf(keywords_error, sizeof(keywords_error),
		    "keywords: write %s: %s", path, strerror(errno));
		(void)unlink(temp);
		*error_r = keywords_error;
		return -1;
	}
	return 0;
}

int
keywords_lookup(const struct keywords *kw, const char *name)
{
	int i;

	for (i = 0; i < KEYWORDS_MAX; i++) {
		if (kw->names[i] != NULL && strcasecmp(kw->names[i], name) == 0)
			return i;
	}
	return -1;
}

int
keywords_add(struct keywords *kw, const char *name)
{
	int i = keywords_lookup(kw, name);

	if (i >= 0)
		return i;
	if (!keywords_name_valid(name))
		return -1;
	for (i = 0; i < KEYWORDS_MAX; i++) {
		if (kw->names[i] == NULL) {
			kw->names[i] = xstrdup(name);
			return i;
		}
	}
	return -1;
}

uint32_t
keywords_mask_from_flags(const char *flags)
{
	uint32_t mask = 0;

	for (; *flags != '\0'; flags++) {
		if (*flags >= 'a' && *flags <= 'z')
			mask |= 1u << (*flags - 'a');
	}
	return mask;
}
