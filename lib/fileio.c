/* SPDX-License-Identifier: MIT */
/*
 * fileio: directory fsync (the last step before a message counts as
 * stored: DESIGN.md "The store") and whole-file reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "str.h"
#include "xmalloc.h"
#include "tern.h"

int
fsync_dir(const char *dir)
{
	int fd, ret, saved;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = fsync(fd);
	saved = errno;
	if (close(fd) < 0 && ret == 0)
		return -1;
	errno = saved;
	return ret;
}

int
fsync_parent_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t len;

	if (slash == NULL)
		return fsync_dir(".");
	if (slash == path)
		return fsync_dir("/");
	len = (size_t)(slash - path);
	if (len >= sizeof(dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(dir, path, len);
	dir[len] = '\0';
	return fsync_dir(dir);
}

ssize_t
read_full(int fd, void *p, size_t size)
{
	size_t off = 0;

	while (off < size) {
		ssize_t n = read(fd, (char *)p + off, size - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		off += (size_t)n;
	}
	return (ssize_t)off;
}

int
read_file_max(const char *path, size_t max, char **data_r, size_t *len_r)
{
	struct stat st;
	ssize_t n;
	char *data;
	int fd, e;

	*data_r = NULL;
	*len_r = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto fail;
	if ((uint64_t)st.st_size > max) {
		errno = EFBIG;
		goto fail;
	}
	data = xmalloc((size_t)st.st_size + 1);
	/* a read error must not pass for a short file */
	n = read_full(fd, data, (size_t)st.st_size);
	if (n < 0) {
		e = errno;
		free(data);
		errno = e;
		goto fail;
	}
	(void)close(fd);
	data[n] = '\0';
	*data_r = data;
	*len_r = (size_t)n;
	return 0;
fail:
	e = errno;
	(void)close(fd);
	errno = e;
	return -1;
}

int
write_file_atomic(const char *path, const void *data, size_t len,
	mode_t mode, const char **what_r)
{
	char temp[PATH_MAX], rnd[17];
	size_t off = 0;
	int fd, e;

	str_random_hex(rnd, 8);
	*what_r = "path";
	if ((size_t)snprintf(temp, sizeof(temp), "%s.tmp.%ld.%s", path,
	    (long)getpid(), rnd) >= sizeof(temp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	*what_r = "open";
	fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	*what_r = "write";
	while (off < len) {
		ssize_t n = write(fd, (const char *)data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			goto fail_close;
		}
		off += (size_t)n;
	}
	*what_r = "fsync";
	if (fsync(fd) < 0)
		goto fail_close;
	*what_r = "close";
	if (close(fd) < 0)
		goto fail;
	*what_r = "rename";
	if (rename(temp, path) < 0)
		goto fail;
	*what_r = "fsync dir";
	return fsync_parent_dir(path);
fail_close:
	e = errno;
	(void)close(fd);
	errno = e;
fail:
	e = errno;
	(void)unlink(temp);
	errno = e;
	return -1;
}
