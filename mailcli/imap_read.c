/* SPDX-License-Identifier: MIT */
/*
 * imap_read: reading one message and waiting for new ones. read (UID
 * FETCH BODY.PEEK[], shown through decode.c, then \Seen unless --peek),
 * save --attachments (files created O_EXCL|O_NOFOLLOW under safe names,
 * never overwriting), idle/watch (IDLE, RFC 2177, re-issued before the
 * server's 30-minute limit; NOOP polling without IDLE; SIGINT ends it
 * cleanly).
 */
#include "autoconfig.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "read.h"
#include "str.h"
#include "xmalloc.h"
#include "tern.h"

/* Re-IDLE after this many seconds (RFC 2177: servers may drop an IDLE
 * after 30 minutes). */
#define IDLE_RENEW_SECS (25 * 60)
/* NOOP polling interval without IDLE, by default. */
#define POLL_INTERVAL_DEFAULT 30
/* Tries at a free file name for an attachment ("name-1.pdf"...). */
#define SAVE_TRIES_MAX 100

/* Write text to stdout with terminal controls (ESC...) shown as '?'. */
static void
put_text(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			c = '?';
		putchar(c);
	}
}

static void
put_header(const char *name, const char *value)
{
	if (value == NULL)
		return;
	printf("%s: ", name);
	put_text(value, strlen(value));
	putchar('\n');
}

int
mc_show_message(struct mc_ctx *ctx, uint32_t id, const char *data,
	size_t len)
{
	struct arena *a = arena_new(0);
	struct mc_rendered r;
	struct message *m;
	const char *error;
	struct json j;
	unsigned int i;

	if (message_parse(span_make(data, len), NULL, a, &m, &error) < 0) {
		mc_error("message %u: %s", id, error);
		arena_free(&a);
		return EX_DATAERR;
	}
	memset(&r, 0, sizeof(r));
	mc_render(m, a, &r);
	if (ctx->opts.json) {
		json_init(&j, stdout);
		json_begin_object(&j);
		json_key(&j, "id");
		json_uint(&j, id);
		json_key(&j, "from");
		json_string(&j, r.from);
		json_key(&j, "to");
		json_string(&j, r.to);
		json_key(&j, "cc");
		json_string(&j, r.cc);
		json_key(&j, "date");
		json_string(&j, r.date);
		json_key(&j, "subject");
		json_string(&j, r.subject);
		json_key(&j, "body_type");
		json_string(&j, r.body == NULL ? NULL :
		    r.html ? "text/html" : "text/plain");
		json_key(&j, "text");
		json_string_len(&j, r.text.data != NULL ? r.text.data : "",
		    r.text.len);
		json_key(&j, "size");
		json_uint(&j, len);
		json_key(&j, "attachments");
		json_begin_array(&j);
		for (i = 0; i < r.natt; i++) {
			json_begin_object(&j);
			json_key(&j, "index");
			json_uint(&j, i + 1);
			json_key(&j, "name");
			json_string(&j, r.att[i].name);
			json_key(&j, "filename");
			json_string(&j, r.att[i].filename);
			json_key(&j, "type");
			json_string(&j, r.att[i].type);
			json_key(&j, "size");
			json_uint(&j, r.att[i].size);
			json_end_object(&j);
		}
		json_end_array(&j);
		json_end_object(&j);
		json_finish(&j);
	} else {
		put_header("From", r.from);
		put_header("To", r.to);
		put_header("Cc", r.cc);
		put_header("Date", r.date);
		put_header("Subject", r.subject);
		putchar('\n');
		if (r.body == NULL)
			puts("(this message has no text part)");
		else {
			put_text(buf_str(&r.text), r.text.len);
			if (r.text.len > 0 &&
			    r.text.data[r.text.len - 1] != '\n')
				putchar('\n');
		}
		if (r.natt > 0) {
			printf("\nAttachments (mailcli save %u --attachments "
			    "DIR):\n", id);
			for (i = 0; i < r.natt; i++) {
				struct buf line, sz;

				buf_init(&line, 0);
				buf_init(&sz, 0);
				mc_print_size(&sz, r.att[i].size);
				(void)buf_appendf(&line, "  %2u. %s  (%s, %s)",
				    i + 1, r.att[i].filename, r.att[i].type,
				    buf_str(&sz));
				mc_sanitize_line(&line);
				puts(buf_str(&line));
				buf_clear(&line);
				buf_clear(&sz);
			}
		}
	}
	mc_rendered_clear(&r);
	arena_free(&a);
	if (fflush(stdout) != 0) {
		mc_error("stdout: %s", strerror(errno));
		return EX_IOERR;
	}
	return EX_OK;
}

static int
set_seen(struct mc_imap *s, uint32_t uid)
{
	struct mailimap_set *set = mailimap_set_new_single(uid);
	struct mailimap_flag_list *fl = mailimap_flag_list_new_empty();
	struct mailimap_store_att_flags *sf;
	int r;

	if (set == NULL || fl == NULL || mailimap_flag_list_add(fl,
	    mailimap_flag_new_seen()) != MAILIMAP_NO_ERROR)
		tern_panic("out of memory");
	sf = mailimap_store_att_flags_new_add_flags_silent(fl);
	if (sf == NULL)
		tern_panic("out of memory");
	r = mailimap_uid_store(s->imap, set, sf);
	mailimap_store_att_flags_free(sf);
	mailimap_set_free(set);
	return r == MAILIMAP_NO_ERROR ? EX_OK :
	    mc_imap_fail(s, r, "UID STORE \\Seen");
}

int
mc_cmd_read(struct mc_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "protocol", required_argument, NULL, 'p' },
		{ "folder", required_argument, NULL, 'f' },
		{ "peek", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] = "read [--protocol imap|pop3] "
	    "[--folder NAME] [--peek] ID\n"
	    "  the message's text (text/plain, else text/html as text) "
	    "in UTF-8,\n  and its attachments; marks it \\Seen unless "
	    "--peek";
	enum mc_protocol proto = MC_PROTO_IMAP;
	const char *folder = "INBOX";
	bool peek = false;
	char *data = NULL;
	size_t len = 0;
	struct mc_imap s;
	uint32_t uid;
	int opt, rc;

	while ((opt = mc_read_getopt(argc, argv, "p:f:Ph", longopts,
	    usage)) != -1) {
		if (opt == 'p' && mc_parse_protocol(optarg, &proto) < 0)
			return EX_USAGE;
		if (opt == 'f')
			folder = optarg;
		if (opt == 'P')
			peek = true;
	}
	if (argc - optind != 1) {
		fprintf(stderr, "usage: mailcli %s\n", usage);
		return EX_USAGE;
	}
	if (mc_parse_uid(argv[optind], &uid) < 0)
		return EX_USAGE;
	if (proto == MC_PROTO_POP3)
		return mc_pop3_read(ctx, uid, false, peek);
	rc = mc_imap_get_message(ctx, &s, folder, peek, uid, &data, &len);
	if (rc == EX_OK)
		rc = mc_show_message(ctx, uid, data, len);
	if (rc == EX_OK && !peek)
		rc = set_seen(&s, uid);
	free(data);
	mc_imap_close(&s);
	return rc;
}

/* ---- save ---- */

/* Create dir/name, or dir/name-N.ext when it exists; never follows a
 * symlink, never overwrites. The fd, or -1 after a message; the path
 * in *path_r. */
static int
create_unique(const char *dir, const char *name, struct buf *path_r)
{
	const char *dot = strrchr(name, '.');
	size_t stem = dot != NULL && dot != name ? (size_t)(dot - name) :
	    strlen(name);
	int fd, i;

	for (i = 0; i < SAVE_TRIES_MAX; i++) {
		buf_reset(path_r);
		if (i == 0)
			(void)buf_appendf(path_r, "%s/%s", dir, name);
		else
			(void)buf_appendf(path_r, "%s/%.*s-%d%s", dir,
			    (int)stem, name, i, name + stem);
		fd = open(buf_str(path_r), O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST) {
			mc_error("%s: %s", buf_str(path_r), strerror(errno));
			return -1;
		}
	}
	mc_error("%s/%s: too many files of that name", dir, name);
	return -1;
}

static int
save_attachments(struct mc_ctx *ctx, uint32_t uid, const char *data,
	size_t len, const char *dir)
{
	struct arena *a = arena_new(0);
	struct mc_rendered r;
	struct message *m;
	const char *error;
	struct json j;
	struct buf body, path;
	unsigned int i;
	int rc = EX_OK, fd;

	if (message_parse(span_make(data, len), NULL, a, &m, &error) < 0) {
		mc_error("message %u: %s", uid, error);
		arena_free(&a);
		return EX_DATAERR;
	}
	memset(&r, 0, sizeof(r));
	mc_render(m, a, &r);
	if (ctx->opts.json) {
		json_init(&j, stdout);
		json_begin_array(&j);
	}
	if (r.natt == 0 && !ctx->opts.json)
		fprintf(stderr, "mailcli: message %u has no attachments\n",
		    uid);
	buf_init(&body, MC_MESSAGE_MAX);
	buf_init(&path, 0);
	for (i = 0; i < r.natt && rc == EX_OK; i++) {
		ssize_t w;
		size_t off = 0;

		buf_reset(&body);
		if (message_part_decode(m, r.att[i].part, &body, &error) < 0) {
			/* an unknown encoding: save the bytes as sent */
			buf_reset(&body);
			(void)buf_append(&body, m->data.p +
			    r.att[i].part->body_start,
			    r.att[i].part->body_end -
			    r.att[i].part->body_start);
		}
		fd = create_unique(dir, r.att[i].filename, &path);
		if (fd < 0) {
			rc = EX_CANTCREAT;
			break;
		}
		while (off < body.len) {
			w = write(fd, body.data + off, body.len - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		if (off < body.len || fsync(fd) < 0 || close(fd) < 0) {
			mc_error("%s: %s", buf_str(&path), strerror(errno));
			(void)unlink(buf_str(&path));
			rc = EX_IOERR;
			break;
		}
		if (ctx->opts.json) {
			json_begin_object(&j);
			json_key(&j, "index");
			json_uint(&j, i + 1);
			json_key(&j, "path");
			json_string(&j, buf_str(&path));
			json_key(&j, "type");
			json_string(&j, r.att[i].type);
			json_key(&j, "size");
			json_uint(&j, body.len);
			json_end_object(&j);
		} else {
			struct buf line;

			buf_init(&line, 0);
			(void)buf_appendf(&line, "%s (%zu bytes)",
			    buf_str(&path), body.len);
			mc_sanitize_line(&line);
			puts(buf_str(&line));
			buf_clear(&line);
		}
	}
	if (ctx->opts.json) {
		json_end_array(&j);
		json_finish(&j);
	}
	buf_clear(&body);
	buf_clear(&path);
	mc_rendered_clear(&r);
	arena_free(&a);
	return rc;
}

int
mc_cmd_save(struct mc_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "folder", required_argument, NULL, 'f' },
		{ "attachments", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] = "save [--folder NAME] --attachments DIR "
	    "ID\n"
	    "  write the message's attachments into DIR (safe names; "
	    "never overwrites:\n  an existing name gets -1, -2...)";
	const char *folder = "INBOX", *dir = NULL;
	char *data = NULL;
	size_t len = 0;
	struct mc_imap s;
	uint32_t uid;
	int opt, rc;

	while ((opt = mc_read_getopt(argc, argv, "f:a:h", longopts,
	    usage)) != -1) {
		if (opt == 'f')
			folder = optarg;
		if (opt == 'a')
			dir = optarg;
	}
	if (argc - optind != 1 || dir == NULL) {
		fprintf(stderr, "usage: mailcli %s\n", usage);
		return EX_USAGE;
	}
	if (mc_parse_uid(argv[optind], &uid) < 0)
		return EX_USAGE;
	if (access(dir, W_OK | X_OK) < 0) {
		mc_error("%s: %s", dir, strerror(errno));
		return EX_CANTCREAT;
	}
	rc = mc_imap_get_message(ctx, &s, folder, true, uid, &data, &len);
	mc_imap_close(&s);
	if (rc == EX_OK)
		rc = save_attachments(ctx, uid, data, len, dir);
	free(data);
	return rc;
}

/* ---- idle / watch ---- */

static void
on_signal(int sig)
{
	(void)sig;
	mc_interrupted = 1;
}

/* Print the messages above *last_r and move it up; counts them into
 * *seen_r. */
static int
show_new(struct mc_imap *s, struct mc_ctx *ctx, uint32_t *last_r,
	unsigned long *seen_r, unsigned long count)
{
	struct mailimap_set *set = mailimap_set_new_interval(*last_r + 1, 0);
	struct mailimap_fetch_type *ft = mc_row_fetch_type();
	clist *res = NULL;
	clistiter *it;
	uint32_t top = *last_r;
	int r;

	if (set == NULL)
		tern_panic("out of memory");
	r = mailimap_uid_fetch(s->imap, set, ft, &res);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return mc_imap_fail(s, r, "UID FETCH");
	/* "n:*" answers with the last message even when its UID is below
	 * n (RFC 3501 6.4.8): keep only the new ones, in UID order */
	for (it = clist_begin(res); it != NULL; it = clist_next(it)) {
		struct mailimap_msg_att *ma = clist_content(it);
		struct mc_row row;

		memset(&row, 0, sizeof(row));
		mc_row_from_att(&row, ma, s->arena);
		if (row.uid <= *last_r)
			continue;
		if (count > 0 && *seen_r >= count)
			break;
		if (ctx->opts.json) {
			struct json j;

			json_init(&j, stdout);
			mc_row_print(&j, &row, s->arena);
			json_finish(&j);
		} else
			mc_row_print(NULL, &row, s->arena);
		(*seen_r)++;
		if (row.uid > top)
			top = row.uid;
	}
	mailimap_fetch_list_free(res);
	*last_r = top;
	(void)fflush(stdout);
	return EX_OK;
}

/* Wait until the server says something, the deadline, or a signal:
 * 1 for data, 0 for a timeout, -1 for a signal. */
static int
wait_readable(struct mc_imap *s, int timeout_ms)
{
	struct pollfd pfd;
	int r;

	if (s->imap->imap_stream->read_buffer_len > 0 ||
	    mc_conn_pending(s->conn) > 0)
		return 1;
	pfd.fd = s->conn->fd;
	pfd.events = POLLIN;
	r = poll(&pfd, 1, timeout_ms);
	if (r < 0)
		return mc_interrupted ? -1 : 0;
	return r > 0 ? 1 : 0;
}

int
mc_cmd_idle(struct mc_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "folder", required_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "interval", required_argument, NULL, 'i' },
		{ "poll", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] = "idle [--folder NAME] [--count N] "
	    "[--timeout SECS] [--interval SECS] [--poll]\n"
	    "  print a line (--json: a JSON object) per new message as it "
	    "arrives;\n  stop after N messages, after SECS seconds "
	    "(exit 75), or at Ctrl-C.\n"
	    "  Uses IDLE; without it (or with --poll), polls every "
	    "--interval seconds\n  (default 30)";
	const char *folder = "INBOX";
	unsigned long count = 0, seen = 0;
	uint32_t timeout = 0, interval = POLL_INTERVAL_DEFAULT, v;
	struct sigaction sa;
	struct mc_imap s;
	uint32_t last;
	time_t deadline = 0;
	bool idle, poll_only = false;
	int opt, rc, r;

	while ((opt = mc_read_getopt(argc, argv, "f:c:t:i:Ph", longopts,
	    usage)) != -1) {
		if (opt == 'f')
			folder = optarg;
		else if (opt == 'P')
			poll_only = true;
		else if (opt == 'c' || opt == 't' || opt == 'i') {
			if (parse_u32(span_str(optarg), UINT32_MAX, &v) < 0 ||
			    (opt == 'i' && v == 0)) {
				mc_error("--%s takes a number",
				    opt == 'c' ? "count" : opt == 't' ?
				    "timeout" : "interval");
				return EX_USAGE;
			}
			if (opt == 'c')
				count = v;
			else if (opt == 't')
				timeout = v;
			else
				interval = v;
		}
	}
	if (argc != optind) {
		fprintf(stderr, "usage: mailcli %s\n", usage);
		return EX_USAGE;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll() returns */
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	if (timeout > 0)
		deadline = time(NULL) + timeout;
	rc = mc_imap_open(ctx, &s);
	if (rc == EX_OK)
		rc = mc_imap_select(&s, folder, true);
	if (rc != EX_OK)
		goto out;
	last = s.imap->imap_selection_info->sel_uidnext > 0 ?
	    s.imap->imap_selection_info->sel_uidnext - 1 : 0;
	idle = !poll_only && mailimap_has_idle(s.imap) != 0;
	/* on stderr, also with --json: a script may wait for it */
	fprintf(stderr, "mailcli: watching %s on %s (%s); Ctrl-C stops\n",
	    folder, s.host, idle ? "IDLE" : "polling");
	(void)fflush(stderr);
	for (;;) {
		int wait_ms = (idle ? IDLE_RENEW_SECS : (int)interval) * 1000;

		/* what came since the last look, also just before IDLE
		 * starts, so that nothing falls between two IDLEs */
		rc = show_new(&s, ctx, &last, &seen, count);
		if (rc != EX_OK || mc_interrupted ||
		    (count > 0 && seen >= count))
			break;
		if (deadline != 0) {
			time_t left = deadline - time(NULL);

			if (left <= 0) {
				rc = EX_TEMPFAIL;
				break;
			}
			if (left * 1000 < wait_ms)
				wait_ms = (int)left * 1000;
		}
		if (idle) {
			r = mailimap_idle(s.imap);
			if (r != MAILIMAP_NO_ERROR) {
				rc = mc_imap_fail(&s, r, "IDLE");
				break;
			}
			(void)wait_readable(&s, wait_ms);
			r = mailimap_idle_done(s.imap);
			if (r != MAILIMAP_NO_ERROR) {
				rc = mc_imap_fail(&s, r, "DONE");
				break;
			}
		} else {
			if (wait_readable(&s, wait_ms) < 0)
				break;
			r = mailimap_noop(s.imap);
			if (r != MAILIMAP_NO_ERROR) {
				rc = mc_imap_fail(&s, r, "NOOP");
				break;
			}
		}
	}
	if (mc_interrupted) {
		rc = EX_OK;
		mc_interrupted = 0;	/* LOGOUT on the way out */
	}
out:
	mc_imap_close(&s);
	return rc;
}
