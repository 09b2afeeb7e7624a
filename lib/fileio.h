/* SPDX-License-Identifier: MIT */
/*
 * fileio: the small file-system steps of the durability discipline
 * (fsync of a directory after a rename into it) and bounded whole-file
 * reads, shared by the store, the queue and the config readers.
 */
#ifndef TERN_FILEIO_H
#define TERN_FILEIO_H

#include <stddef.h>
#include <sys/types.h>
#include "tern.h"

/* fsync the directory dir: 0, or -1 with errno. */
int fsync_dir(const char *dir);
/* fsync the directory that holds path ("." if path has no '/'). */
int fsync_parent_dir(const char *path);

/* Read from fd until EOF or size bytes, retrying on EINTR: the number of
 * bytes read, or -1 with errno on a read error (never a partial result
 * passed off as the whole). */
ssize_t read_full(int fd, void *p, size_t size);

/* The whole file at path into *data_r (malloc()ed, NUL-terminated,
 * *len_r bytes). 0, or -1 with errno: ENOENT when missing, EFBIG when
 * larger than max. */
int read_file_max(const char *path, size_t max, char **data_r,
	size_t *len_r);
/* Replace path atomically with len bytes of data: a temp file beside it
 * (mode), write, fsync, rename, fsync the directory. 0, or -1 with errno
 * and *what_r naming the failed step ("write", "rename"...); the temp
 * file is removed on failure. */
int write_file_atomic(const char *path, const void *data, size_t len,
	mode_t mode, const char **what_r);

#endif
