/* SPDX-License-Identifier: MIT */
/*
 * sendmail: "mailcli sendmail", also what runs when mailcli is called
 * as "sendmail" (a link): the sendmail(8) command line that cron, mail
 * and scripts use. -t takes recipients from To/Cc/Bcc (Bcc removed),
 * added to those of the command line, as Postfix does; without -i (or
 * -oi) a line holding one "." ends the message. Unknown -o options and
 * the delivery-mode flags are accepted and ignored. The exit status is a
 * sysexits(3) code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "compose.h"
#include "mailcli.h"
#include "send.h"
#include "tern.h"

static void
sendmail_usage(FILE *out)
{
	fputs("usage: mailcli sendmail [-t] [-i] [-oi] [-f FROM] [-F NAME] "
	    "[--] [RCPT...] < message\n"
	    "       sendmail [-t] [-i] [-f FROM] [-F NAME] [RCPT...] "
	    "(as a link to mailcli)\n\n"
	    "Send a complete message from stdin through the default "
	    "account, as\nsendmail(8) would; missing From, Date and "
	    "Message-ID are added.\n\n"
	    "  -t         recipients also from the To, Cc and Bcc headers "
	    "(Bcc removed)\n"
	    "  -i, -oi    a line with a single \".\" does not end the "
	    "message\n"
	    "  -f FROM    the envelope sender (also -r)\n"
	    "  -F NAME    the sender's full name, for an added From\n"
	    "  -oX, -bm, -B X, -N X, -v  accepted and ignored (-v: trace)"
	    "\n\nExit status: sysexits(3), as sendmail(8). See mailcli(1)."
	    "\n", out);
}

/* The value of an option that takes one: "-fX" or "-f X". */
static const char *
opt_value(int argc, char **argv, int *i)
{
	if (argv[*i][2] != '\0')
		return argv[*i] + 2;
	if (*i + 1 >= argc)
		return NULL;
	(*i)++;
	return argv[*i];
}

int
cmd_sendmail(struct mc_ctx *ctx, int argc, char **argv)
{
	struct arena *a = arena_new(0);
	struct compose_addr *cl = NULL, *hdr = NULL, from;
	size_t ncl = 0, nhdr = 0, nrcpts;
	const char *env_from = NULL, *full_name = NULL, *msgid, *error;
	const char **rcpts;
	bool extract = false, dots = true;
	struct mc_account *acc;
	struct buf in, msg;
	int i, ret = EX_OK;

	buf_init(&in, SEND_MESSAGE_MAX);
	buf_init(&msg, 0);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *arg = argv[i];

		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			sendmail_usage(stdout);
			goto out;
		}
		switch (arg[1]) {
		case 't':
			if (arg[2] != '\0')
				goto bad;
			extract = true;
			break;
		case 'i':
			if (arg[2] != '\0')
				goto bad;
			dots = false;
			break;
		case 'o':
			/* -oi; -oem, -odi, -oXx... change nothing here */
			if (strcmp(arg, "-oi") == 0)
				dots = false;
			break;
		case 'f':
		case 'r':
			if ((env_from = opt_value(argc, argv, &i)) == NULL)
				goto bad;
			break;
		case 'F':
			if ((full_name = opt_value(argc, argv, &i)) == NULL)
				goto bad;
			break;
		case 'B':
		case 'N':
		case 'R':
		case 'V':
		case 'X':
			if (opt_value(argc, argv, &i) == NULL)
				goto bad;
			break;
		case 'b':
			/* -bm (deliver) is the only mode; -bs -bp... are
			 * a daemon's */
			if (strcmp(arg, "-bm") != 0) {
				mc_error("sendmail: %s is not supported", arg);
				ret = EX_USAGE;
				goto out;
			}
			break;
		case 'v':
			ctx->opts.verbose++;
			break;
		case 'U':
		case 'm':
			break;
		default:
			goto bad;
		}
	}
	for (; i < argc; i++) {
		if (compose_parse_addrs(span_str(argv[i]), a, &cl, &ncl,
		    &error) < 0) {
			mc_error("sendmail: \"%s\": %s", argv[i], error);
			ret = EX_USAGE;
			goto out;
		}
	}
	if (!extract && ncl == 0) {
		mc_error("sendmail: no recipients (give them, or use -t)");
		ret = EX_USAGE;
		goto out;
	}
	ret = mc_account_get(ctx, &acc);
	if (ret != EX_OK)
		goto out;
	ret = send_from_account(acc, env_from, a, &from);
	if (ret != EX_OK)
		goto out;
	if (full_name != NULL)
		from.name = full_name;
	ret = send_read_fd(STDIN_FILENO, SEND_MESSAGE_MAX, &in);
	if (ret != EX_OK)
		goto out;
	if (compose_from_stdin_message(in.data != NULL ? in.data : "", in.len,
	    dots, &from, time(NULL), a, &msg, &hdr, &nhdr, &msgid,
	    &error) < 0) {
		mc_error("sendmail: %s", error);
		ret = EX_DATAERR;
		goto out;
	}
	{
		const struct compose_addr *lists[] = { cl, hdr };
		size_t ns[] = { ncl, extract ? nhdr : 0 };

		rcpts = send_rcpt_list(a, lists, ns, 2, &nrcpts);
	}
	if (nrcpts == 0) {
		mc_error("sendmail: the message has no recipients");
		ret = EX_USAGE;
		goto out;
	}
	ret = send_and_copy(ctx, acc, &from, rcpts, nrcpts, msgid, &msg,
		false);
	goto out;
bad:
	mc_error("sendmail: bad option \"%s\"", argv[i < argc ? i : argc - 1]);
	sendmail_usage(stderr);
	ret = EX_USAGE;
out:
	buf_clear(&in);
	buf_clear(&msg);
	arena_free(&a);
	return ret;
}
