/* SPDX-License-Identifier: MIT */
/*
 * cmd_idle: IDLE (RFC 2177, RFC 9051 6.3.13). After "+ idling" the
 * session waits on the client and, with a mailbox selected, on inotify
 * (new/ and cur/ of the folder, and its dovecot-uidlist), re-syncing
 * the view and sending EXISTS, EXPUNGE and FETCH (FLAGS) as soon as
 * something changes; a timer re-syncs anyway every IDLE_POLL_SECS (no
 * inotify, NFS). "DONE" ends it with OK, any other line with BAD. Input
 * after DONE stays buffered in the stream for the next command (iOS
 * pipelines right after DONE). The session's idle timeout applies.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "imapd.h"
#include "log.h"
#include "mailbox_view.h"
#include "maildir.h"
#include "reply.h"
#include "str.h"
#include "tern.h"

/* Re-sync without an inotify event this often (Dovecot's
 * mailbox_idle_check_interval is 30 s; ours is cheap). */
#define IDLE_POLL_SECS 5
/* Bytes of inotify events read at once. */
#define IDLE_EVENT_BUF 4096

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An inotify fd watching the selected folder, or -1 (then the timer
 * does the work). *wd_r is the folder directory's own watch. */
static int
watch_folder(const struct mailbox_view *v, int *wd_r)
{
	static const char *const subdirs[] = { "new", "cur" };
	char path[MAILDIR_PATH_MAX];
	size_t i;
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);

	if (fd < 0) {
		log_warn("idle", "inotify error=\"%s\"", strerror(errno));
		return -1;
	}
	for (i = 0; i < N_ELEMENTS(subdirs); i++) {
		if (maildir_path(path, sizeof(path), "%s/%s", v->path,
		    subdirs[i]) < 0 || inotify_add_watch(fd, path, IN_CREATE |
		    IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO) < 0)
			goto fail;
	}
	/* dovecot-uidlist and dovecot-keywords are replaced by rename */
	*wd_r = inotify_add_watch(fd, v->path, IN_MOVED_TO);
	if (*wd_r < 0)
		goto fail;
	return fd;
fail:
	log_warn("idle", "inotify_add_watch error=\"%s\"", strerror(errno));
	(void)close(fd);
	return -1;
}

static bool
name_is(const struct inotify_event *ev, const char *name)
{
	size_t len = strlen(name);

	/* the kernel pads the name with NULs up to ev->len */
	return ev->len > len && memcmp(ev->name, name, len) == 0 &&
	    ev->name[len] == '\0';
}

/* Drain the events; true if one may change the mailbox. In the folder
 * directory only the uidlist and keywords count: the lock and temp
 * files of our own syncs would wake us for ever. */
static bool
read_events(int fd, int folder_wd)
{
	char buf[IDLE_EVENT_BUF]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	bool changed = false;

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		size_t off = 0;

		if (n <= 0)
			return changed;
		/* UNSAFE: each event is its header plus len name bytes,
		 * as the kernel wrote them */
		while (off + sizeof(struct inotify_event) <= (size_t)n) {
			const struct inotify_event *ev =
			    (const struct inotify_event *)(buf + off);

			if ((ev->mask & IN_Q_OVERFLOW) != 0 ||
			    ev->wd != folder_wd ||
			    name_is(ev, "dovecot-uidlist") ||
			    name_is(ev, "dovecot-keywords"))
				changed = true;
			off += sizeof(*ev) + ev->len;
		}
	}
}

static void
send_changes(struct imap_cmd *c)
{
	imap_send_updates(c);
	(void)stream_flush(c->s->stream);
}

void
cmd_idle(struct imap_cmd *c)
{
	struct imap_session *s = c->s;
	long long deadline, next_poll;
	int ifd = -1, wd = -1, rfd = stream_read_fd(s->stream);
	struct span line;
	int n;

	if (c->n_args != 0) {
		imap_bad(c, NULL, "IDLE takes no arguments");
		return;
	}
	deadline = now_ms() + (long long)s->cfg->imapd.idle_timeout * 1000;
	if (s->view != NULL)
		ifd = watch_folder(s->view, &wd);
	stream_puts(s->stream, "+ idling\r\n");
	send_changes(c);
	next_poll = now_ms() + IDLE_POLL_SECS * 1000;
	for (;;) {
		struct pollfd pfd[2];
		long long now = now_ms(), wait;
		nfds_t nfds = 0;

		if (now >= deadline || c->close)
			break;
		if (rfd < 0 || stream_has_pending(s->stream))
			goto read_line;
		wait = deadline - now;
		if (s->view != NULL && next_poll - now < wait)
			wait = next_poll - now > 0 ? next_poll - now : 0;
		pfd[nfds].fd = rfd;
		pfd[nfds++].events = POLLIN;
		if (ifd >= 0) {
			pfd[nfds].fd = ifd;
			pfd[nfds++].events = POLLIN;
		}
		if (poll(pfd, nfds, wait > INT_MAX ? INT_MAX : (int)wait) < 0) {
			if (errno == EINTR)
				continue;
			log_error("idle", "poll error=\"%s\"", strerror(errno));
			break;
		}
		if (s->view != NULL && ((ifd >= 0 && pfd[1].revents != 0 &&
		    read_events(ifd, wd)) || now_ms() >= next_poll)) {
			send_changes(c);	/* may BYE: UIDVALIDITY */
			next_poll = now_ms() + IDLE_POLL_SECS * 1000;
		}
		if (pfd[0].revents == 0)
			continue;
read_line:
		stream_set_timeout(s->stream, (int)(deadline - now_ms() > 0 ?
		    deadline - now_ms() : 1));
		n = imap_reader_line(&s->reader, &line);
		if (ifd >= 0)
			(void)close(ifd);
		if (n == 1 && span_eq_ci(line, "DONE")) {
			imap_ok(c, NULL, "Idle completed");
		} else if (n == 1 || n == -2) {
			imap_bad(c, NULL, "Expected DONE");
		} else {
			/* EOF or an I/O error mid-IDLE (Thunderbird just
			 * closes): a normal end, not a failed command;
			 * the session's next read sees the EOF and logs
			 * it */
			imap_gone(c);
		}
		return;
	}
	if (ifd >= 0)
		(void)close(ifd);
	/* RFC 9051 5.4: the autologout timer */
	if (!c->close) {
		imap_untagged(c, "BYE Autologout; idle for too long");
		c->close = true;
	}
	imap_ok(c, NULL, "Idle terminated");
}
