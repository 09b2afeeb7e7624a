/* SPDX-License-Identifier: MIT */
/*
 * mailcli: the suite's command-line client. Sending (SMTP submission with
 * libcurl) and reading (IMAP and POP3 with libetpan) are separate halves
 * that share only this header: the account (where to send, where to
 * read, who we are), the global options, the command table and the JSON
 * writer. Exit codes are sysexits(3) codes so scripts and cron can act
 * on them (EX_USAGE for a bad command line, EX_NOHOST/EX_UNAVAILABLE for
 * a server that is not there, EX_TEMPFAIL for a 4xx, EX_DATAERR for a
 * 5xx on the message, EX_NOPERM for a refused login, EX_CONFIG for a bad
 * config file, EX_SOFTWARE for our own bugs).
 */
#ifndef MAILCLI_MAILCLI_H
#define MAILCLI_MAILCLI_H

#include <stdbool.h>
#include <stdio.h>
#include <sysexits.h>

/* How a connection is protected. STARTTLS is the default for SMTP
 * submission and IMAP; "none" is only for tests on loopback. */
enum mc_tls {
	MC_TLS_STARTTLS,
	MC_TLS_IMPLICIT,	/* 465 smtps, 993 imaps, 995 pop3s */
	MC_TLS_NONE,
};

enum mc_protocol {
	MC_PROTO_IMAP,
	MC_PROTO_POP3,
};

struct mc_server {
	char *host;		/* NULL: not configured */
	unsigned port;		/* 0: the protocol's port for tls */
	enum mc_tls tls;
};

/*
 * One account of the config file (~/.config/mailcli/config, libconfig),
 * after flags and MAILCLI_* variables were applied. Strings are owned
 * by the account (mc_account_free).
 */
struct mc_account {
	char *name;
	char *from;		/* "Name <addr>" or "addr": From: and MAIL FROM */
	char *user;		/* login for SMTP AUTH, IMAP and POP3 */
	struct mc_server smtp, imap, pop3;
	char *ca_file;		/* PEM file of trusted CAs; NULL: system CAs */
	bool insecure;		/* --insecure: no certificate checks (loud) */
	char *sent_folder;	/* APPEND a copy of sent mail; NULL: none */
	char *maildir;		/* "pop fetch" target; NULL: ~/Maildir */
	/* the password comes from exactly one of these, in this order */
	char *password_command;	/* run with /bin/sh -c, first line */
	char *password;		/* MAILCLI_PASSWORD, ~/.netrc, or resolved */
};

/* Options before the command name. */
struct mc_opts {
	const char *config_path;	/* --config; NULL: the default path */
	const char *account_name;	/* --account; NULL: the default */
	bool json;			/* --json: listings as JSON */
	bool insecure;			/* --insecure */
	int verbose;			/* -v: protocol trace to stderr */
};

/* What every command handler gets. account is loaded lazily by
 * mc_account_get() so that "help" works without a config. */
struct mc_ctx {
	struct mc_opts opts;
	struct mc_account *account;
	const char *prog;		/* argv[0] for messages */
};

/* A subcommand: argv[0] is its name. Returns a sysexits code. */
struct mc_command {
	const char *name;
	int (*run)(struct mc_ctx *ctx, int argc, char **argv);
	const char *summary;		/* one line for "mailcli --help" */
};

/* account.c: load the account named by ctx->opts (the config file, then
 * MAILCLI_* variables, then flags) once. EX_OK with *a_r owned by ctx,
 * or a sysexits code after a message on stderr. */
int mc_account_get(struct mc_ctx *ctx, struct mc_account **a_r);
/* The password for a, resolved on first use (password_command, then
 * an inline password (the file's or MAILCLI_PASSWORD, which replaces
 * both), then ~/.netrc for the host and user). EX_OK with *pw_r owned
 * by a, or EX_NOPERM/EX_CONFIG after a message. */
int mc_account_password(struct mc_account *a, const char *host,
	const char **pw_r);
void mc_account_free(struct mc_account **a);

/* main.c: an error message "mailcli: fmt" on stderr. */
void mc_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A warning that cannot be missed: --insecure and the like. */
void mc_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * json.c: a small streaming JSON writer for --json output (RFC 8259).
 * Strings are written as given, bytes that are not valid UTF-8 become
 * U+FFFD, control characters are escaped. The caller keeps the nesting
 * right; json_sep() writes the comma before the second and later
 * members of an object or array.
 */
struct json {
	FILE *out;
	unsigned depth;
	bool first[32];		/* per depth: nothing written yet */
};
void json_init(struct json *j, FILE *out);
void json_begin_object(struct json *j);
void json_end_object(struct json *j);
void json_begin_array(struct json *j);
void json_end_array(struct json *j);
/* A member name inside an object: "name": */
void json_key(struct json *j, const char *name);
void json_string(struct json *j, const char *s);	/* NULL: null */
void json_string_len(struct json *j, const char *s, size_t len);
void json_uint(struct json *j, unsigned long long v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* Ends the document with a newline. */
void json_finish(struct json *j);

/*
 * The reading half (IMAP): APPEND len bytes of msg (a whole message,
 * CRLF lines) to folder of ctx's account, with the \Seen flag, for the
 * Sent copy of "mailcli send". EX_OK, or a sysexits code after a
 * message. send.c holds a weak stand-in that fails until the reading
 * half's definition is linked.
 */
int mc_imap_append(struct mc_ctx *ctx, const char *folder, const char *msg,
	size_t len);

/* send.c and sendmail.c: the sending commands. */
int cmd_send(struct mc_ctx *ctx, int argc, char **argv);
int cmd_sendmail(struct mc_ctx *ctx, int argc, char **argv);

/* The commands, each in its own file (send.c, sendmail.c: sending;
 * imap_*.c, pop3_*.c: reading). main.c holds the table. */
extern const struct mc_command mc_commands[];

#endif
