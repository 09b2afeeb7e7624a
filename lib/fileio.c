/* SPDX-License-Identifier: MIT */
/*
 * fileio: directory fsync (the last step before a message counts as
 * stored: DESIGN.md "The store") and whole-file reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "fileio.h"
#include "str.h"
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
