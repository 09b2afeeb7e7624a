/* SPDX-License-Identifier: MIT */
/*
 * dotlock: "<path>.lock" made by link()ing a temp file that holds
 * "<pid>:<host>", the way Dovecot's file-dotlock does, so tern and
 * Dovecot exclude each other. Stale locks (old mtime, or a dead pid on
 * this host) are broken; waiting backs off from 1 ms to 100 ms.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dotlock.h"
#include "maildir.h"
#include "str.h"
#include "xmalloc.h"
#include "tern.h"

/* Longest wait between two tries. */
#define DOTLOCK_SLEEP_MAX_USECS 100000
/* "<pid>:<host>" contents we read back. */
#define DOTLOCK_CONTENT_MAX 512

struct dotlock {
	char *lock_path;
	/* Identity of our lock file: an inode number alone may be reused
	 * at once by a lock made after ours was broken. */
	dev_t dev;
	ino_t ino;
	struct timespec ctime;
};

static char dotlock_error[MAILDIR_PATH_MAX + 128];

static void
my_hostname(char *out, size_t size)
{
	if (gethostname(out, size) < 0 || out[0] == '\0')
		(void)str_copy(out, size, "localhost");
	out[size - 1] = '\0';
}

/* Is the lock file at path (stat st) stale? */
static bool
lock_is_stale(const char *path, const struct stat *st, time_t now,
	unsigned int stale_secs)
{
	char buf[DOTLOCK_CONTENT_MAX], host[256];
	const char *colon;
	ssize_t n;
	uint32_t pid;
	int fd;

	if (now - st->st_mtime > (time_t)stale_secs)
		return true;
	if (now - st->st_mtime < DOTLOCK_PID_CHECK_SECS)
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	colon = strchr(buf, ':');
	if (colon == NULL)
		return false;
	my_hostname(host, sizeof(host));
	/* A pid means something only on the host that wrote it. */
	if (strcmp(colon + 1, host) != 0)
		return false;
	if (parse_u32(span_make(buf, (size_t)(colon - buf)), INT32_MAX,
	    &pid) < 0 || pid == 0)
		return false;
	return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

/* Make the temp file "<dir>/.temp.<host>.<pid>.<hex>" for path. */
static int
make_temp(const char *path, char *temp, size_t size)
{
	char host[256], rnd[17], content[300];
	const char *slash = strrchr(path, '/');
	int dirlen = slash != NULL ? (int)(slash - path + 1) : 0;
	size_t len;
	int fd;

	my_hostname(host, sizeof(host));
	str_random_hex(rnd, 8);
	if (maildir_path(temp, size, "%.*s.temp.%s.%ld.%s", dirlen, path,
	    host, (long)getpid(), rnd) < 0)
		return -1;
	fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (maildir_path(content, sizeof(content), "%ld:%s", (long)getpid(),
	    host) < 0)
		goto fail;
	len = strlen(content);
	if (write(fd, content, len) != (ssize_t)len)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	if (fd >= 0)
		(void)close(fd);
	(void)unlink(temp);
	if (errno == 0)
		errno = EIO;
	return -1;
}

/* link() temp to lock; 1 taken, 0 exists, -1 error. NFS may report an
 * error for a link that was made: then the temp file has two links. */
static int
try_link(const char *temp, const char *lock_path)
{
	struct stat st;
	int e;

	if (link(temp, lock_path) == 0)
		return 1;
	e = errno;
	if (e == EEXIST)
		return 0;
	if (stat(temp, &st) == 0 && st.st_nlink == 2)
		return 1;
	errno = e;
	return -1;
}

static void
backoff(unsigned int *usecs)
{
	struct timespec ts;
	static unsigned int counter;
	/* Jitter from pid and a counter: forked children differ. */
	unsigned int jitter = ((unsigned int)getpid() * 2654435761u +
	    ++counter * 40503u) % (*usecs + 1);

	ts.tv_sec = 0;
	ts.tv_nsec = (long)(*usecs + jitter) * 1000;
	(void)nanosleep(&ts, NULL);
	if (*usecs < DOTLOCK_SLEEP_MAX_USECS / 2)
		*usecs *= 2;
}

int
dotlock_create(const char *path, const struct dotlock_settings *set,
	struct dotlock **lock_r, const char **error_r)
{
	char lock_path[MAILDIR_PATH_MAX], temp[MAILDIR_PATH_MAX];
	unsigned int stale = set->stale_secs != 0 ? set->stale_secs :
	    DOTLOCK_STALE_SECS_DEFAULT;
	unsigned int usecs = 1000;
	time_t deadline = time(NULL) + (time_t)set->timeout_secs;
	struct dotlock *lock;
	struct stat st, st2;
	int ret, e;

	*lock_r = NULL;
	if (maildir_path(lock_path, sizeof(lock_path), "%s.lock", path) < 0 ||
	    make_temp(path, temp, sizeof(temp)) < 0) {
		e = errno;
		snprintf(dotlock_error, sizeof(dotlock_error),
		    "dotlock: temp file for %s: %s", path, strerror(e));
		*error_r = dotlock_error;
		errno = e;
		return -1;
	}
	for (;;) {
		ret = try_link(temp, lock_path);
		if (ret != 0)
			break;
		if (lstat(lock_path, &st) < 0) {
			if (errno == ENOENT)
				continue;	/* released meanwhile */
			ret = -1;
			break;
		}
		if (lock_is_stale(lock_path, &st, time(NULL), stale)) {
			/* XXX: another breaker may have replaced the lock
			 * since our lstat; the dev/ino recheck narrows that
			 * window to the unlink itself, as Dovecot does. */
			if (lstat(lock_path, &st2) == 0 &&
			    st2.st_dev == st.st_dev &&
			    st2.st_ino == st.st_ino &&
			    st2.st_mtime == st.st_mtime)
				(void)unlink(lock_path);
			continue;
		}
		if (time(NULL) >= deadline) {
			errno = EAGAIN;
			ret = -1;
			break;
		}
		backoff(&usecs);
	}
	e = errno;
	/* Unlinking the temp file changes the lock's ctime: stat after. */
	(void)unlink(temp);
	if (ret == 1 && lstat(lock_path, &st) < 0) {
		e = errno;
		ret = -1;
	}
	if (ret != 1) {
		snprintf(dotlock_error, sizeof(dotlock_error),
		    "dotlock: %s: %s", lock_path,
		    e == EAGAIN ? "timed out" : strerror(e));
		*error_r = dotlock_error;
		errno = e;
		return -1;
	}
	lock = xcalloc(1, sizeof(*lock));
	lock->lock_path = xstrdup(lock_path);
	lock->dev = st.st_dev;
	lock->ino = st.st_ino;
	lock->ctime = st.st_ctim;
	*lock_r = lock;
	return 0;
}

bool
dotlock_is_ours(const struct dotlock *lock)
{
	struct stat st;

	return lstat(lock->lock_path, &st) == 0 && st.st_dev == lock->dev &&
	    st.st_ino == lock->ino &&
	    st.st_ctim.tv_sec == lock->ctime.tv_sec &&
	    st.st_ctim.tv_nsec == lock->ctime.tv_nsec;
}

int
dotlock_touch(struct dotlock *lock)
{
	struct stat st;

	if (!dotlock_is_ours(lock)) {
		errno = ESTALE;
		return -1;
	}
	if (utimensat(AT_FDCWD, lock->lock_path, NULL, 0) < 0 ||
	    lstat(lock->lock_path, &st) < 0)
		return -1;
	lock->ctime = st.st_ctim;
	return 0;
}

int
dotlock_free(struct dotlock **lockp)
{
	struct dotlock *lock;
	int ret = 0;

	if (lockp == NULL || *lockp == NULL)
		return 0;
	lock = *lockp;
	if (!dotlock_is_ours(lock))
		ret = -1;	/* broken as stale: never remove another's */
	else if (unlink(lock->lock_path) < 0)
		ret = -1;
	free(lock->lock_path);
	free(lock);
	*lockp = NULL;
	return ret;
}
