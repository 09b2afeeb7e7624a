/* SPDX-License-Identifier: MIT */
/*
 * config: tern.conf, read with libconfig. One file: shared settings at the
 * top level, then one group per daemon ("smtpd" now; "imapd", "pop3d",
 * "relay" as they come). Unknown keys, wrong types and bad values are
 * errors that name file:line. Relative paths are taken relative to
 * data_dir. Without a file, the embedded default (DESIGN.md) is used,
 * rooted at $TERN_DATA or ./var.
 */
#ifndef TERN_CONFIG_H
#define TERN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "tern.h"

enum listener_mode {
	LISTENER_MX,		/* local domains only, AUTH optional */
	LISTENER_SUBMISSION,	/* AUTH required before MAIL */
};

enum listener_tls {
	LISTENER_TLS_NONE,	/* no STARTTLS offered */
	LISTENER_TLS_STARTTLS,	/* offered, not required (mx) or required
				 * before AUTH (submission) */
	LISTENER_TLS_IMPLICIT,	/* TLS from the first byte (465, 993, 995) */
};

/* When a password may travel without TLS (Dovecot's
 * disable_plaintext_auth, with a loopback exception). */
enum plaintext_auth {
	PLAINTEXT_AUTH_NEVER,
	PLAINTEXT_AUTH_LOOPBACK,	/* clients on 127/8 or ::1 only */
	PLAINTEXT_AUTH_ALWAYS,
};

struct listener_config {
	char *name;		/* "mx", "submission": for logs */
	char *address;		/* "127.0.0.1", "::1", "0.0.0.0", "::" */
	uint16_t port;
	enum listener_mode mode;
	enum listener_tls tls;
	bool auth;		/* offer AUTH (always true for submission) */
	/* a PROXY protocol header (v1 or v2, lib/proxy) comes first, from
	 * a load balancer: the client is who it names */
	bool proxy;
};

struct smtpd_config {
	struct listener_config *listeners;
	size_t n_listeners;
	uint64_t max_message_size;	/* SIZE; 552 5.3.4 above it */
	uint32_t max_recipients;	/* 452 4.5.3 above it */
	uint32_t max_errors;		/* 421 after this many errors */
	uint32_t max_line_length;	/* command line, RFC 5321 4.5.3.1.4 */
	uint32_t command_timeout;	/* seconds, RFC 5321 4.5.3.2.7: 300 */
	uint32_t data_timeout;		/* seconds per DATA block: 180 */
	/* bytes a second a message must come in at after data_timeout
	 * (Postfix's smtpd_min_data_rate); 0: no minimum */
	uint32_t min_data_rate;
	uint32_t max_sessions;
	uint32_t max_sessions_per_ip;
	uint32_t prefork;		/* idle worker processes; 0: fork per
					 * connection */
	uint32_t max_use;		/* sessions per worker process */
	char *banner;			/* text after "220 <hostname> " */
};

/* The IMAP hierarchy separator on the wire. On disk Maildir++ always
 * uses '.', and lib/folder names use '/'; with "." a '/' cannot be part
 * of a name, with "/" a '.' cannot (folder.h). */
enum imap_hierarchy_sep {
	IMAP_SEP_SLASH,		/* "/": most servers; the default */
	IMAP_SEP_DOT,		/* ".": Dovecot's Maildir++ default */
};

/* RFC 9051 5.4: an autologout timer, if any, of at least 30 minutes
 * once authenticated (Thunderbird keeps a silent connection that long);
 * before authentication a shorter login_timeout applies. */
#define IMAPD_IDLE_TIMEOUT_MIN (30 * 60)
#define IMAPD_IDLE_TIMEOUT_MAX (24 * 60 * 60)

struct imapd_config {
	struct listener_config *listeners;	/* mode and auth unused */
	size_t n_listeners;
	enum imap_hierarchy_sep hierarchy_separator;
	uint32_t max_line_length;	/* RFC 7162 4: at least 8192 */
	uint64_t max_literal_size;	/* APPENDLIMIT (RFC 7889) */
	uint32_t idle_timeout;		/* seconds, authenticated; RFC 9051
					 * 5.4: at least 30 minutes */
	uint32_t login_timeout;		/* seconds before authentication */
	uint32_t max_bad_commands;	/* BYE after this many BAD */
	uint32_t max_sessions;
	uint32_t max_sessions_per_ip;
};

struct tern_config {
	char *file;			/* the file read, or "(embedded)" */
	char *data_dir;			/* absolute */
	char *hostname;			/* EHLO, Received, banner */
	char **domains;			/* local domains, lowercase */
	size_t n_domains;
	char *users_file;		/* Dovecot passwd-file */
	char *mail_root;		/* absolute */
	char *mail_path;		/* template under mail_root: %d domain,
					 * %n local part, %u user@domain */
	char *queue_dir;		/* absolute */
	char *run_user;			/* NULL: do not change user */
	char *log_level;		/* "info" ... */
	char *tls_cert;			/* PEM chain, absolute */
	char *tls_key;			/* PEM key, absolute */
	enum plaintext_auth plaintext_auth;
	uint32_t auth_failure_delay_ms;
	struct smtpd_config smtpd;
	struct imapd_config imapd;
};

/* The separator character of an imapd_config ('/' or '.'). */
char config_imap_separator(const struct imapd_config *ic);

/* The text of the embedded default configuration (libconfig syntax). */
extern const char config_embedded_default[];

/*
 * Load path (NULL: the embedded default). data_dir overrides the file's
 * data_dir when not NULL (--data, $TERN_DATA). On success fills *cfg_r
 * (free with config_clear()). -1 with *error_r (malloc'ed), e.g.
 * "tern.conf:12: smtpd.max_recipients: must be between 1 and 100000".
 */
int config_load(const char *path, const char *data_dir,
	struct tern_config *cfg_r, char **error_r);
void config_clear(struct tern_config *cfg);

/* Print the effective settings in tern.conf syntax (for -t). */
void config_dump(const struct tern_config *cfg, FILE *out);

/* domain (any case) is one of the local domains. */
bool config_is_local_domain(const struct tern_config *cfg, const char *domain);

/* The Maildir of "local@domain" (lowercased) under mail_root by the
 * mail_path template, into out. -1 if it does not fit or if the address
 * could escape mail_root ('/', "..", control characters). */
int config_maildir_path(const struct tern_config *cfg, const char *user,
	char *out, size_t size);

#endif
