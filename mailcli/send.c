/* SPDX-License-Identifier: MIT */
/*
 * send: "mailcli send": build a message from flags and a body (stdin,
 * or $EDITOR on a terminal), or take a complete one with -t, submit it
 * (submit.c) and keep a copy in the account's Sent folder over IMAP.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "compose.h"
#include "fileio.h"
#include "mailcli.h"
#include "send.h"
#include "str.h"
#include "submit.h"
#include "tern.h"

/*
 * The Sent copy is the reading half's job (IMAP APPEND). Until it is
 * linked in, this stand-in says so; the real one replaces it at link
 * time.
 */
__attribute__((weak)) int
mc_imap_append(struct mc_ctx *ctx, const char *folder, const char *msg,
	size_t len)
{
	(void)ctx;
	(void)msg;
	(void)len;
	mc_warn("this mailcli cannot save a copy in \"%s\" (no IMAP APPEND "
		"built in)", folder);
	return EX_UNAVAILABLE;
}

int
send_read_fd(int fd, size_t max, struct buf *out)
{
	char chunk[65536];
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			mc_error("reading the message: %s", strerror(errno));
			return EX_IOERR;
		}
		if (n == 0)
			return EX_OK;
		if (out->len + (size_t)n > max || buf_append(out, chunk,
		    (size_t)n) < 0) {
			mc_error("the message is larger than %zu bytes", max);
			return EX_DATAERR;
		}
	}
}

/* The body from $VISUAL or $EDITOR (vi) on a temporary file. */
static int
body_from_editor(struct buf *out)
{
	const char *editor = getenv("VISUAL"), *tmp = getenv("TMPDIR");
	char path[4096];
	char *data = NULL;
	size_t len;
	int fd, status, ret = EX_OK;
	pid_t pid;

	if (editor == NULL || *editor == '\0')
		editor = getenv("EDITOR");
	if (editor == NULL || *editor == '\0')
		editor = "vi";
	if (snprintf(path, sizeof(path), "%s/mailcli-XXXXXX.txt",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp") >= (int)sizeof(path))
		return EX_CANTCREAT;
	fd = mkstemps(path, 4);
	if (fd < 0) {
		mc_error("%s: %s", path, strerror(errno));
		return EX_CANTCREAT;
	}
	close(fd);
	pid = fork();
	if (pid == 0) {
		/* the editor may be "emacs -nw": let the shell split it */
		execl("/bin/sh", "sh", "-c", "exec $0 \"$1\"", editor, path,
			(char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		mc_error("the editor \"%s\" failed; nothing sent", editor);
		ret = EX_CANTCREAT;
	} else if (read_file_max(path, SEND_MESSAGE_MAX, &data, &len) < 0) {
		mc_error("%s: %s", path, strerror(errno));
		ret = EX_IOERR;
	} else if (len == 0) {
		mc_error("the message is empty; nothing sent");
		ret = EX_NOINPUT;
	} else {
		(void)buf_append(out, data, len);
	}
	free(data);
	unlink(path);
	return ret;
}

/* Addresses of one flag (a list: "a@x, B <b@y>") added to *list. */
static int
add_addrs(const char *flag, const char *value, struct arena *a,
	struct compose_addr **list, size_t *n)
{
	const char *error;

	if (compose_parse_addrs(span_str(value), a, list, n, &error) < 0) {
		mc_error("%s \"%s\": %s", flag, value, error);
		return EX_USAGE;
	}
	return EX_OK;
}

int
send_from_account(struct mc_account *acc, const char *override,
	struct arena *a, struct compose_addr *from_r)
{
	const char *v = override != NULL ? override : acc->from;
	struct compose_addr *list = NULL;
	size_t n = 0;
	const char *error;

	if (v == NULL && acc->user != NULL && strchr(acc->user, '@') != NULL)
		v = acc->user;
	if (v == NULL) {
		mc_error("no sender: set from in the account, MAILCLI_FROM, "
			"or use --from");
		return EX_CONFIG;
	}
	if (compose_parse_addrs(span_str(v), a, &list, &n, &error) < 0 ||
	    n != 1) {
		mc_error("from \"%s\": %s", v, n != 1 && list != NULL ?
			"must be one address" : error);
		return EX_CONFIG;
	}
	*from_r = list[0];
	return EX_OK;
}

void
send_print_result(struct mc_ctx *ctx, const char *msgid,
	const struct compose_addr *from, const char *const *rcpts, size_t n,
	size_t size, const struct submit_result *res, const char *sent_copy)
{
	struct json j;
	size_t i;

	if (!ctx->opts.json) {
		if (isatty(STDERR_FILENO) || ctx->opts.verbose > 0)
			fprintf(stderr, "mailcli: sent %s to %zu recipient%s "
				"via %s\n", msgid, n, n == 1 ? "" : "s",
				res->url);
		return;
	}
	json_init(&j, stdout);
	json_begin_object(&j);
	json_key(&j, "message_id");
	json_string(&j, msgid);
	json_key(&j, "from");
	json_string(&j, from->addr);
	json_key(&j, "recipients");
	json_begin_array(&j);
	for (i = 0; i < n; i++)
		json_string(&j, rcpts[i]);
	json_end_array(&j);
	json_key(&j, "size");
	json_uint(&j, size);
	json_key(&j, "server");
	json_string(&j, res->url);
	json_key(&j, "sent_copy");
	json_string(&j, sent_copy);
	json_end_object(&j);
	json_finish(&j);
}

/* The envelope recipients (addresses only) of the lists, in a. */
const char **
send_rcpt_list(struct arena *a, const struct compose_addr *const *lists,
	const size_t *ns, size_t nlists, size_t *n_r)
{
	const char **out;
	size_t total = 0, i, k, m = 0;

	for (i = 0; i < nlists; i++)
		total += ns[i];
	out = arena_alloc_array(a, total + 1, sizeof(*out));
	for (i = 0; i < nlists; i++) {
		for (k = 0; k < ns[i]; k++) {
			size_t d;

			/* once per address, as RCPT TO twice is pointless */
			for (d = 0; d < m; d++) {
				if (strcasecmp(out[d], lists[i][k].addr) == 0)
					break;
			}
			if (d == m)
				out[m++] = lists[i][k].addr;
		}
	}
	*n_r = m;
	return out;
}

int
send_and_copy(struct mc_ctx *ctx, struct mc_account *acc,
	const struct compose_addr *from, const char *const *rcpts, size_t n,
	const char *msgid, const struct buf *msg, bool copy)
{
	struct submit_result res;
	const char *sent_copy = NULL;
	int ret;

	ret = submit_message(ctx, acc, from->addr, rcpts, n, msg->data,
		msg->len, &res);
	if (ret != EX_OK)
		return ret;
	if (copy && acc->sent_folder != NULL) {
		/* the message went out: a failed copy is only a warning */
		if (mc_imap_append(ctx, acc->sent_folder, msg->data,
		    msg->len) == EX_OK)
			sent_copy = acc->sent_folder;
		else
			mc_warn("sent, but no copy was saved in \"%s\"",
				acc->sent_folder);
	}
	send_print_result(ctx, msgid, from, rcpts, n, msg->len, &res,
		sent_copy);
	return EX_OK;
}

static void
send_usage(FILE *out)
{
	fputs("usage: mailcli send --to ADDR [--cc ADDR] [--bcc ADDR] "
	    "[--subject TEXT]\n"
	    "                    [--attach FILE] [--from ADDR] [--body FILE] "
	    "[--edit]\n"
	    "                    [--no-save] [--dry-run] < body\n"
	    "       mailcli send -t [--no-save] [--dry-run] < message\n\n"
	    "Send a message through the account's SMTP server. The body is "
	    "read from\nstdin (UTF-8 text), or written in $EDITOR when stdin "
	    "is a terminal.\n\n"
	    "  --to, --cc, --bcc ADDR  recipients; each may repeat and hold "
	    "a list\n"
	    "                          (\"Ann <a@x>, b@y\"); Bcc is never "
	    "shown in the message\n"
	    "  -s, --subject TEXT      the subject (UTF-8)\n"
	    "  -a, --attach FILE       attach a file (type from its "
	    "extension); may repeat\n"
	    "  --from ADDR             the sender instead of the account's "
	    "from\n"
	    "  --body FILE             read the body from FILE instead of "
	    "stdin\n"
	    "  -e, --edit              write the body in $EDITOR\n"
	    "  -t                      stdin is a complete message: "
	    "recipients from its\n"
	    "                          To, Cc and Bcc (Bcc removed); "
	    "flags add more\n"
	    "  --no-save               no copy in the account's "
	    "sent_folder\n"
	    "  --dry-run               print the message to stdout, send "
	    "nothing\n\n"
	    "Exit status: 0 sent; 64 usage; 65 refused (5xx); 67 no "
	    "password; 68 host\nunknown; 69 unreachable; 75 try later "
	    "(4xx); 76 TLS or certificate;\n77 login refused; 78 "
	    "config. See mailcli(1).\n", out);
}

int
cmd_send(struct mc_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "to", required_argument, NULL, 'T' },
		{ "cc", required_argument, NULL, 'C' },
		{ "bcc", required_argument, NULL, 'B' },
		{ "subject", required_argument, NULL, 's' },
		{ "attach", required_argument, NULL, 'a' },
		{ "from", required_argument, NULL, 'f' },
		{ "body", required_argument, NULL, 'b' },
		{ "edit", no_argument, NULL, 'e' },
		{ "no-save", no_argument, NULL, 'N' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct arena *a = arena_new(0);
	struct compose_addr *to = NULL, *cc = NULL, *bcc = NULL, from;
	size_t nto = 0, ncc = 0, nbcc = 0, natt = 0, nrcpts;
	struct compose_attachment *att = NULL;
	struct mc_account *acc;
	const char *subject = NULL, *from_flag = NULL, *body_file = NULL;
	const char *msgid = NULL, *error = NULL, **rcpts;
	bool extract = false, edit = false, dry_run = false, save = true;
	struct buf body, msg;
	time_t now = time(NULL);
	int opt, ret = EX_OK;
	size_t i;

	buf_init(&body, SEND_MESSAGE_MAX);
	buf_init(&msg, 0);
	att = arena_alloc_array(a, (size_t)argc + 1, sizeof(*att));
	while ((opt = getopt_long(argc, argv, "+s:a:etnh", longopts,
	    NULL)) != -1) {
		switch (opt) {
		case 'T':
			ret = add_addrs("--to", optarg, a, &to, &nto);
			break;
		case 'C':
			ret = add_addrs("--cc", optarg, a, &cc, &ncc);
			break;
		case 'B':
			ret = add_addrs("--bcc", optarg, a, &bcc, &nbcc);
			break;
		case 's':
			subject = optarg;
			break;
		case 'a': {
			char *data;
			size_t len;
			const char *slash = strrchr(optarg, '/');

			if (read_file_max(optarg, SEND_MESSAGE_MAX, &data,
			    &len) < 0) {
				mc_error("--attach %s: %s", optarg,
					strerror(errno));
				ret = EX_NOINPUT;
				break;
			}
			att[natt].filename = slash != NULL ? slash + 1 :
				optarg;
			{
				char *copy = arena_alloc(a, len + 1);

				memcpy(copy, data, len);
				att[natt].data = copy;
			}
			att[natt].len = len;
			att[natt].type = NULL;
			natt++;
			free(data);
			break;
		}
		case 'f':
			from_flag = optarg;
			break;
		case 'b':
			body_file = optarg;
			break;
		case 'e':
			edit = true;
			break;
		case 't':
			extract = true;
			break;
		case 'N':
			save = false;
			break;
		case 'n':
			dry_run = true;
			break;
		case 'h':
			send_usage(stdout);
			goto out;
		default:
			send_usage(stderr);
			ret = EX_USAGE;
			goto out;
		}
		if (ret != EX_OK)
			goto out;
	}
	if (optind < argc) {
		mc_error("send: unexpected \"%s\" (recipients go after --to)",
			argv[optind]);
		ret = EX_USAGE;
		goto out;
	}
	if (!extract && nto + ncc + nbcc == 0) {
		mc_error("send: no recipients (--to, --cc, --bcc, or -t)");
		ret = EX_USAGE;
		goto out;
	}
	if (extract && (subject != NULL || natt > 0 || edit ||
	    body_file != NULL)) {
		mc_error("send: -t takes the whole message from stdin; "
			"--subject, --attach, --body and --edit do not apply");
		ret = EX_USAGE;
		goto out;
	}
	ret = mc_account_get(ctx, &acc);
	if (ret != EX_OK)
		goto out;
	ret = send_from_account(acc, from_flag, a, &from);
	if (ret != EX_OK)
		goto out;

	/* the body */
	if (body_file != NULL) {
		char *data;
		size_t len;

		if (read_file_max(body_file, SEND_MESSAGE_MAX, &data,
		    &len) < 0) {
			mc_error("--body %s: %s", body_file, strerror(errno));
			ret = EX_NOINPUT;
			goto out;
		}
		(void)buf_append(&body, data, len);
		free(data);
	} else if (edit || (!extract && isatty(STDIN_FILENO))) {
		ret = body_from_editor(&body);
	} else {
		ret = send_read_fd(STDIN_FILENO, SEND_MESSAGE_MAX, &body);
	}
	if (ret != EX_OK)
		goto out;

	if (extract) {
		struct compose_addr *hdr_rcpts;
		size_t nhdr;

		if (compose_from_stdin_message(body.data != NULL ? body.data :
		    "", body.len, false, &from, now, a, &msg, &hdr_rcpts,
		    &nhdr, &msgid, &error) < 0) {
			mc_error("send -t: %s", error);
			ret = EX_DATAERR;
			goto out;
		}
		{
			const struct compose_addr *lists[] = {
				hdr_rcpts, to, cc, bcc,
			};
			size_t ns[] = { nhdr, nto, ncc, nbcc };

			rcpts = send_rcpt_list(a, lists, ns, 4, &nrcpts);
		}
	} else {
		struct compose c;
		const char *at = strrchr(from.addr, '@');
		char bnd[25], ua[64];
		int tries;

		memset(&c, 0, sizeof(c));
		c.from = from;
		c.to = to;
		c.nto = nto;
		c.cc = cc;
		c.ncc = ncc;
		c.subject = subject;
		c.body = body.data != NULL ? body.data : "";
		c.body_len = body.len;
		c.att = att;
		c.natt = natt;
		c.date = now;
		c.message_id = msgid = compose_message_id(a, at != NULL ?
			at + 1 : NULL, now);
		(void)snprintf(ua, sizeof(ua), "mailcli/%s", PACKAGE_VERSION);
		c.user_agent = ua;
		for (tries = 0; tries < 5; tries++) {
			char *b;

			str_random_hex(bnd, 12);
			b = arena_printf(a, "=_mailcli_%s", bnd);
			c.boundary = b;
			buf_reset(&msg);
			if (compose_message(&c, &msg, &error) == 0)
				break;
		}
		if (tries == 5) {
			mc_error("send: %s", error);
			ret = EX_SOFTWARE;
			goto out;
		}
		{
			const struct compose_addr *lists[] = { to, cc, bcc };
			size_t ns[] = { nto, ncc, nbcc };

			rcpts = send_rcpt_list(a, lists, ns, 3, &nrcpts);
		}
	}
	if (nrcpts == 0) {
		mc_error("send: the message has no recipients");
		ret = EX_USAGE;
		goto out;
	}
	if (dry_run) {
		fwrite(msg.data, 1, msg.len, stdout);
		for (i = 0; i < nrcpts; i++)
			fprintf(stderr, "mailcli: would send to <%s>\n",
				rcpts[i]);
		goto out;
	}
	ret = send_and_copy(ctx, acc, &from, rcpts, nrcpts, msgid, &msg,
		save);
out:
	if (body.data != NULL)
		memset(body.data, 0, body.len);
	buf_clear(&body);
	buf_clear(&msg);
	arena_free(&a);
	return ret;
}
