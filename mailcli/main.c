/* SPDX-License-Identifier: MIT */
/*
 * mailcli: global options, then one subcommand from the table below.
 *
 *   mailcli [--config FILE] [--account NAME] [--json] [--insecure] [-v]
 *           COMMAND [ARGS]
 *
 * Each command parses its own options and answers --help. The exit
 * status is a sysexits(3) code (mailcli.h).
 */
#include "autoconfig.h"
#include "mailcli.h"
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int cmd_help(struct mc_ctx *ctx, int argc, char **argv);
static int cmd_version(struct mc_ctx *ctx, int argc, char **argv);

/* Sending commands first, then reading, then the rest. Each helper
 * branch adds its rows here. */
const struct mc_command mc_commands[] = {
	{ "send", cmd_send, "send a message (SMTP submission)" },
	{ "sendmail", cmd_sendmail, "sendmail(8)-compatible: -t -i -f" },
	{ "help", cmd_help, "show the commands, or a command's options" },
	{ "version", cmd_version, "print the version" },
	{ NULL, NULL, NULL },
};

void
mc_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mailcli: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
mc_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("mailcli: WARNING: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
usage(FILE *out)
{
	const struct mc_command *c;

	fputs("usage: mailcli [--config FILE] [--account NAME] [--json] "
	    "[--insecure] [-v] COMMAND [ARGS]\n\ncommands:\n", out);
	for (c = mc_commands; c->name != NULL; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fputs("\n\"mailcli COMMAND --help\" shows a command's options; "
	    "man mailcli(1) has the rest.\n", out);
}

static const struct mc_command *
find_command(const char *name)
{
	const struct mc_command *c;

	for (c = mc_commands; c->name != NULL; c++) {
		if (strcmp(c->name, name) == 0)
			return c;
	}
	return NULL;
}

static int
cmd_help(struct mc_ctx *ctx, int argc, char **argv)
{
	const struct mc_command *c;
	char *help_argv[] = { NULL, (char *)"--help", NULL };

	if (argc < 2) {
		usage(stdout);
		return EX_OK;
	}
	c = find_command(argv[1]);
	if (c == NULL || c->run == cmd_help) {
		mc_error("no command \"%s\"", argv[1]);
		return EX_USAGE;
	}
	help_argv[0] = argv[1];
	return c->run(ctx, 2, help_argv);
}

static int
cmd_version(struct mc_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	printf("mailcli (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
	return EX_OK;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "account", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "insecure", no_argument, NULL, 'k' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct mc_ctx ctx;
	const struct mc_command *c;
	int opt, rc, cmd_index;

	memset(&ctx, 0, sizeof(ctx));
	ctx.prog = argv[0];
	/* installed as a "sendmail" link: sendmail's command line */
	{
		const char *base = strrchr(argv[0], '/');

		base = base != NULL ? base + 1 : argv[0];
		if (strcmp(base, "sendmail") == 0) {
			rc = cmd_sendmail(&ctx, argc, argv);
			mc_account_free(&ctx.account);
			return rc;
		}
	}
	/* "+": stop at the command name; its options are its own */
	while ((opt = getopt_long(argc, argv, "+c:a:jkvhV", longopts,
	    NULL)) != -1) {
		switch (opt) {
		case 'c':
			ctx.opts.config_path = optarg;
			break;
		case 'a':
			ctx.opts.account_name = optarg;
			break;
		case 'j':
			ctx.opts.json = true;
			break;
		case 'k':
			ctx.opts.insecure = true;
			break;
		case 'v':
			ctx.opts.verbose++;
			break;
		case 'h':
			usage(stdout);
			return EX_OK;
		case 'V':
			return cmd_version(&ctx, 0, NULL);
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EX_USAGE;
	}
	c = find_command(argv[optind]);
	if (c == NULL) {
		mc_error("unknown command \"%s\" (mailcli --help lists them)",
		    argv[optind]);
		return EX_USAGE;
	}
	/* each command runs getopt again over its own argv, with argv[0]
	 * its name; optind = 0 makes glibc's getopt start afresh */
	cmd_index = optind;
	optind = 0;
	rc = c->run(&ctx, argc - cmd_index, argv + cmd_index);
	mc_account_free(&ctx.account);
	return rc;
}
