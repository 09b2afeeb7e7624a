/* SPDX-License-Identifier: MIT */
/*
 * account: mailcli's accounts. The config file (libconfig, default
 * $XDG_CONFIG_HOME/mailcli/config or ~/.config/mailcli/config) holds a
 * list "accounts"; one is the default, --account picks another. The
 * MAILCLI_* environment is laid over the file, and the global flags over
 * both. The password comes from a password_command (msmtp's
 * passwordeval), MAILCLI_PASSWORD, the file (mode 0600 only) or ~/.netrc,
 * never from the command line. Errors name file:line (mailcli(1)).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "account.h"
#include "buf.h"
#include "fileio.h"
#include "str.h"
#include "xmalloc.h"
#include "mailcli.h"
#include "tern.h"

#define ACCOUNT_ERROR_MAX 1024		/* one error message */
#define PASSWORD_MAX 1024		/* a password_command's first line */

static const char *const tls_names[] = {
	[MC_TLS_STARTTLS] = "starttls",
	[MC_TLS_IMPLICIT] = "implicit",
	[MC_TLS_NONE] = "none",
};

static char * TERN_PRINTF(1, 2)
error_printf(const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	char *s;

	buf_init(&b, ACCOUNT_ERROR_MAX);
	va_start(ap, fmt);
	(void)buf_vappendf(&b, fmt, ap);
	va_end(ap);
	s = xstrdup(buf_str(&b));
	buf_clear(&b);
	return s;
}

/* "file:line: " for a setting, for errors. */
static char * TERN_PRINTF(3, 4)
setting_error(const char *file, const config_setting_t *s,
	const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	char *str;
	unsigned line = s != NULL ? config_setting_source_line(s) : 0;

	buf_init(&b, ACCOUNT_ERROR_MAX);
	if (line > 0)
		(void)buf_appendf(&b, "%s:%u: ", file, line);
	else
		(void)buf_appendf(&b, "%s: ", file);
	va_start(ap, fmt);
	(void)buf_vappendf(&b, fmt, ap);
	va_end(ap);
	str = xstrdup(buf_str(&b));
	buf_clear(&b);
	return str;
}

struct mc_account *
account_new(const char *name)
{
	struct mc_account *a = xcalloc(1, sizeof(*a));

	a->name = xstrdup(name);
	a->smtp.tls = MC_TLS_STARTTLS;
	a->imap.tls = MC_TLS_STARTTLS;
	a->pop3.tls = MC_TLS_STARTTLS;
	return a;
}

static void
wipe_free(char **s)
{
	if (*s != NULL) {
		OPENSSL_cleanse(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

void
mc_account_free(struct mc_account **ap)
{
	struct mc_account *a = *ap;

	if (a == NULL)
		return;
	free(a->name);
	free(a->from);
	free(a->user);
	free(a->smtp.host);
	free(a->imap.host);
	free(a->pop3.host);
	free(a->ca_file);
	free(a->sent_folder);
	free(a->maildir);
	free(a->password_command);
	wipe_free(&a->password);
	free(a);
	*ap = NULL;
}

static void
set_str(char **field, const char *value)
{
	free(*field);
	*field = value != NULL ? xstrdup(value) : NULL;
}

static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	}
	return false;
}

static int
tls_from_name(const char *s, enum mc_tls *tls_r)
{
	size_t i;

	for (i = 0; i < N_ELEMENTS(tls_names); i++) {
		if (strcmp(s, tls_names[i]) == 0) {
			*tls_r = (enum mc_tls)i;
			return 0;
		}
	}
	return -1;
}

/* "~/x" against $HOME, "x" against dir; "/x" as it is. */
static char *
resolve_path(const char *value, const char *dir)
{
	const char *home = getenv("HOME");
	struct buf b;
	char *s;

	buf_init(&b, 0);
	if (value[0] == '~' && value[1] == '/' && home != NULL)
		(void)buf_appendf(&b, "%s%s", home, value + 1);
	else if (value[0] != '/' && dir != NULL)
		(void)buf_appendf(&b, "%s/%s", dir, value);
	else
		(void)buf_puts(&b, value);
	s = xstrdup(buf_str(&b));
	buf_clear(&b);
	return s;
}

/* --- the config file --------------------------------------------------- */

struct parse {
	const char *file;
	const char *dir;
	char **error_r;
};

/* A string setting: no control characters, at most ACCOUNT_STRING_MAX. */
static int
get_string(struct parse *p, const config_setting_t *s, const char *what,
	const char **v_r)
{
	const char *v;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		*p->error_r = setting_error(p->file, s, "%s: must be a string",
			what);
		return -1;
	}
	v = config_setting_get_string(s);
	if (strlen(v) > ACCOUNT_STRING_MAX || has_control(v)) {
		*p->error_r = setting_error(p->file, s,
			"%s: too long or has control characters", what);
		return -1;
	}
	*v_r = v;
	return 0;
}

static int
parse_server(struct parse *p, const config_setting_t *g, const char *what,
	struct mc_server *srv)
{
	int i, n;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		*p->error_r = setting_error(p->file, g,
			"%s: must be a group { host = ...; port = ...; }", what);
		return -1;
	}
	n = config_setting_length(g);
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *key = config_setting_name(s), *v;

		if (strcmp(key, "host") == 0) {
			if (get_string(p, s, "host", &v) < 0)
				return -1;
			if (*v == '\0') {
				*p->error_r = setting_error(p->file, s,
					"%s.host: must not be empty", what);
				return -1;
			}
			set_str(&srv->host, v);
		} else if (strcmp(key, "port") == 0) {
			long long port;

			if (config_setting_type(s) != CONFIG_TYPE_INT &&
			    config_setting_type(s) != CONFIG_TYPE_INT64) {
				*p->error_r = setting_error(p->file, s,
					"%s.port: must be a number", what);
				return -1;
			}
			port = config_setting_get_int64(s);
			if (port < 1 || port > 65535) {
				*p->error_r = setting_error(p->file, s,
					"%s.port: must be 1 to 65535", what);
				return -1;
			}
			srv->port = (unsigned)port;
		} else if (strcmp(key, "tls") == 0) {
			if (get_string(p, s, "tls", &v) < 0)
				return -1;
			if (tls_from_name(v, &srv->tls) < 0) {
				*p->error_r = setting_error(p->file, s,
					"%s.tls: must be \"starttls\", "
					"\"implicit\" or \"none\"", what);
				return -1;
			}
		} else {
			*p->error_r = setting_error(p->file, s,
				"%s.%s: unknown setting", what, key);
			return -1;
		}
	}
	return 0;
}

/* One element of "accounts" into a (already named). *is_default_r. */
static int
parse_account(struct parse *p, const config_setting_t *g,
	struct mc_account *a, bool *is_default_r, bool *has_password_r)
{
	const char *host = NULL, *v;
	int i, n;

	n = config_setting_length(g);
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *key = config_setting_name(s);

		if (strcmp(key, "name") == 0) {
			continue;	/* read by the caller */
		} else if (strcmp(key, "default") == 0) {
			if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
				*p->error_r = setting_error(p->file, s,
					"default: must be true or false");
				return -1;
			}
			*is_default_r = config_setting_get_bool(s) != 0;
		} else if (strcmp(key, "smtp") == 0) {
			if (parse_server(p, s, "smtp", &a->smtp) < 0)
				return -1;
		} else if (strcmp(key, "imap") == 0) {
			if (parse_server(p, s, "imap", &a->imap) < 0)
				return -1;
		} else if (strcmp(key, "pop3") == 0) {
			if (parse_server(p, s, "pop3", &a->pop3) < 0)
				return -1;
		} else {
			char **field;
			bool path = false;

			if (strcmp(key, "from") == 0)
				field = &a->from;
			else if (strcmp(key, "user") == 0)
				field = &a->user;
			else if (strcmp(key, "host") == 0)
				field = NULL;
			else if (strcmp(key, "ca_file") == 0) {
				field = &a->ca_file;
				path = true;
			} else if (strcmp(key, "password_command") == 0)
				field = &a->password_command;
			else if (strcmp(key, "password") == 0) {
				field = &a->password;
				*has_password_r = true;
			} else if (strcmp(key, "sent_folder") == 0)
				field = &a->sent_folder;
			else if (strcmp(key, "maildir") == 0) {
				field = &a->maildir;
				path = true;
			} else {
				*p->error_r = setting_error(p->file, s,
					"%s: unknown setting", key);
				return -1;
			}
			if (get_string(p, s, key, &v) < 0)
				return -1;
			if (*v == '\0' && strcmp(key, "password") != 0) {
				*p->error_r = setting_error(p->file, s,
					"%s: must not be empty", key);
				return -1;
			}
			if (field == NULL)
				host = config_setting_get_string(s);
			else if (path) {
				free(*field);
				*field = resolve_path(v, p->dir);
			} else
				set_str(field, v);
		}
	}
	if (a->password != NULL && a->password_command != NULL) {
		*p->error_r = setting_error(p->file, g,
			"account \"%s\": both password and password_command",
			a->name);
		return -1;
	}
	/* "host" is the default for the servers that do not name theirs */
	if (host != NULL) {
		if (a->smtp.host == NULL)
			set_str(&a->smtp.host, host);
		if (a->imap.host == NULL)
			set_str(&a->imap.host, host);
		if (a->pop3.host == NULL)
			set_str(&a->pop3.host, host);
	}
	return 0;
}

/* libconfig would open @include files without our mode checks. */
static bool
has_include(const char *text)
{
	const char *line = text;

	while (line != NULL && *line != '\0') {
		while (*line == ' ' || *line == '\t')
			line++;
		if (strncmp(line, "@include", 8) == 0)
			return true;
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	return false;
}

/* Free the accounts x, y and z (which may be the same or NULL) except
 * keep. */
static void
free_others(struct mc_account *keep, struct mc_account *x,
	struct mc_account *y, struct mc_account *z)
{
	struct mc_account *f;

	if (x != NULL && x != keep) {
		f = x;
		mc_account_free(&f);
	}
	if (y != NULL && y != keep && y != x) {
		f = y;
		mc_account_free(&f);
	}
	if (z != NULL && z != keep && z != x && z != y) {
		f = z;
		mc_account_free(&f);
	}
}

int
account_parse(const char *text, const char *file, const char *dir,
	const char *name, struct mc_account **a_r, bool *has_password_r,
	char **error_r)
{
	struct parse p = { file, dir, error_r };
	const config_setting_t *list;
	struct mc_account *found = NULL, *first = NULL, *def = NULL;
	config_t lc;
	int i, n;

	*a_r = NULL;
	*has_password_r = false;
	*error_r = NULL;
	if (has_include(text)) {
		*error_r = error_printf("%s: @include is not allowed", file);
		return EX_CONFIG;
	}
	config_init(&lc);
	if (config_read_string(&lc, text) != CONFIG_TRUE) {
		*error_r = error_printf("%s:%d: %s", file,
			config_error_line(&lc), config_error_text(&lc) != NULL ?
			config_error_text(&lc) : "cannot parse");
		config_destroy(&lc);
		return EX_CONFIG;
	}
	n = config_setting_length(config_root_setting(&lc));
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(
			config_root_setting(&lc), (unsigned)i);

		if (strcmp(config_setting_name(s), "accounts") != 0) {
			*error_r = setting_error(file, s, "%s: unknown setting",
				config_setting_name(s));
			goto fail;
		}
	}
	list = config_lookup(&lc, "accounts");
	if (list == NULL || (config_setting_type(list) != CONFIG_TYPE_LIST &&
	    config_setting_type(list) != CONFIG_TYPE_ARRAY) ||
	    config_setting_length(list) == 0) {
		*error_r = setting_error(file, list,
			"\"accounts = ( { name = ...; ... } );\" is missing "
			"or empty");
		goto fail;
	}
	n = config_setting_length(list);
	if (n > ACCOUNTS_MAX) {
		*error_r = setting_error(file, list, "more than %d accounts",
			ACCOUNTS_MAX);
		goto fail;
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list,
			(unsigned)i), *ns;
		struct mc_account *a;
		const char *aname;
		bool is_default = false;
		int j;

		if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
			*error_r = setting_error(file, g,
				"an account must be a group { ... }");
			goto fail;
		}
		ns = config_setting_get_member(g, "name");
		if (ns == NULL) {
			*error_r = setting_error(file, g,
				"account without a name");
			goto fail;
		}
		if (get_string(&p, ns, "name", &aname) < 0)
			goto fail;
		if (*aname == '\0') {
			*error_r = setting_error(file, ns,
				"name: must not be empty");
			goto fail;
		}
		for (j = 0; j < i; j++) {
			const config_setting_t *o = config_setting_get_member(
				config_setting_get_elem(list, (unsigned)j),
				"name");

			if (o != NULL && config_setting_type(o) ==
			    CONFIG_TYPE_STRING &&
			    strcmp(config_setting_get_string(o), aname) == 0) {
				*error_r = setting_error(file, ns,
					"a second account \"%s\"", aname);
				goto fail;
			}
		}
		a = account_new(aname);
		if (parse_account(&p, g, a, &is_default, has_password_r) < 0) {
			mc_account_free(&a);
			goto fail;
		}
		if (is_default && def != NULL) {
			*error_r = setting_error(file, g,
				"account \"%s\": a second default account",
				aname);
			mc_account_free(&a);
			goto fail;
		}
		/* keep the one asked for, the default and the first */
		if (name != NULL && strcmp(name, aname) == 0)
			found = a;
		if (is_default)
			def = a;
		if (first == NULL)
			first = a;
		if (a != found && a != def && a != first)
			mc_account_free(&a);
	}
	if (name != NULL && found == NULL) {
		*error_r = error_printf("%s: no account \"%s\"", file, name);
		goto fail;
	}
	if (found == NULL)
		found = def != NULL ? def : first;
	free_others(found, found, def, first);
	config_destroy(&lc);
	*a_r = found;
	return EX_OK;
fail:
	free_others(NULL, found, def, first);
	config_destroy(&lc);
	return EX_CONFIG;
}

int
account_check_mode(const struct stat *st, uid_t uid, bool has_password,
	const char *file, char **error_r)
{
	if (!S_ISREG(st->st_mode)) {
		*error_r = error_printf("%s: not a regular file", file);
		return EX_CONFIG;
	}
	if (st->st_uid != uid && st->st_uid != 0) {
		*error_r = error_printf("%s: owned by uid %u, not by you",
			file, (unsigned)st->st_uid);
		return EX_CONFIG;
	}
	/* anyone who can write it can choose our password_command */
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		*error_r = error_printf("%s: writable by group or others "
			"(mode %03o); chmod go-w %s", file,
			(unsigned)(st->st_mode & 0777), file);
		return EX_CONFIG;
	}
	/* as msmtp and fetchmail do */
	if (has_password && (st->st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		*error_r = error_printf("%s: holds a password but is readable "
			"by group or others (mode %03o); chmod 600 %s", file,
			(unsigned)(st->st_mode & 0777), file);
		return EX_CONFIG;
	}
	return EX_OK;
}

/* --- the environment --------------------------------------------------- */

static int
env_port(const char *var, unsigned *port_r, char **error_r)
{
	const char *v = getenv(var);
	uint32_t port;

	if (v == NULL || *v == '\0')
		return 0;
	if (parse_u32(span_str(v), 65535, &port) < 0 || port == 0) {
		*error_r = error_printf("%s=\"%s\": not a port number", var, v);
		return -1;
	}
	*port_r = port;
	return 0;
}

static int
env_tls(const char *var, enum mc_tls *tls_r, char **error_r)
{
	const char *v = getenv(var);

	if (v == NULL || *v == '\0')
		return 0;
	if (tls_from_name(v, tls_r) < 0) {
		*error_r = error_printf("%s=\"%s\": must be starttls, implicit "
			"or none", var, v);
		return -1;
	}
	return 0;
}

static void
env_str(const char *var, char **field)
{
	const char *v = getenv(var);

	if (v != NULL && *v != '\0')
		set_str(field, v);
}

static int
env_server(const char *proto, struct mc_server *srv, char **error_r)
{
	char var[64];

	(void)snprintf(var, sizeof(var), "MAILCLI_%s_HOST", proto);
	env_str(var, &srv->host);
	(void)snprintf(var, sizeof(var), "MAILCLI_%s_PORT", proto);
	if (env_port(var, &srv->port, error_r) < 0)
		return -1;
	(void)snprintf(var, sizeof(var), "MAILCLI_%s_TLS", proto);
	return env_tls(var, &srv->tls, error_r);
}

int
account_apply_env(struct mc_account *a, char **error_r)
{
	const char *host = getenv("MAILCLI_HOST");

	*error_r = NULL;
	if (host != NULL && *host != '\0') {
		set_str(&a->smtp.host, host);
		set_str(&a->imap.host, host);
		set_str(&a->pop3.host, host);
	}
	if (env_server("SMTP", &a->smtp, error_r) < 0 ||
	    env_server("IMAP", &a->imap, error_r) < 0 ||
	    env_server("POP3", &a->pop3, error_r) < 0)
		return EX_CONFIG;
	env_str("MAILCLI_FROM", &a->from);
	env_str("MAILCLI_USER", &a->user);
	env_str("MAILCLI_CA_FILE", &a->ca_file);
	env_str("MAILCLI_SENT_FOLDER", &a->sent_folder);
	env_str("MAILCLI_MAILDIR", &a->maildir);
	/* a password from the environment wins over the file's */
	if (getenv("MAILCLI_PASSWORD_COMMAND") != NULL &&
	    *getenv("MAILCLI_PASSWORD_COMMAND") != '\0') {
		wipe_free(&a->password);
		env_str("MAILCLI_PASSWORD_COMMAND", &a->password_command);
	}
	if (getenv("MAILCLI_PASSWORD") != NULL) {
		wipe_free(&a->password);
		free(a->password_command);
		a->password_command = NULL;
		a->password = xstrdup(getenv("MAILCLI_PASSWORD"));
	}
	return EX_OK;
}

/* --- loading ----------------------------------------------------------- */

/* The default config path, malloc()ed. */
static char *
default_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg != NULL && xdg[0] == '/')
		return error_printf("%s/mailcli/config", xdg);
	return error_printf("%s/.config/mailcli/config",
		home != NULL ? home : "");
}

/* Read and check the file at path; *text_r malloc()ed. ENOENT is
 * reported as 1 so the caller can fall back to the environment. */
static int
read_config(const char *path, char **text_r, struct stat *st_r,
	char **error_r)
{
	size_t len;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		*error_r = error_printf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, st_r) < 0) {
		*error_r = error_printf("%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st_r->st_mode) || st_r->st_size > ACCOUNT_FILE_MAX) {
		*error_r = error_printf("%s: not a regular file of at most "
			"%d bytes", path, ACCOUNT_FILE_MAX);
		close(fd);
		return -1;
	}
	len = (size_t)st_r->st_size;
	*text_r = xmalloc(len + 1);
	n = read_full(fd, *text_r, len);
	close(fd);
	if (n < 0 || (size_t)n != len) {
		*error_r = error_printf("%s: cannot read", path);
		free(*text_r);
		*text_r = NULL;
		return -1;
	}
	(*text_r)[len] = '\0';
	if (strlen(*text_r) != len) {
		*error_r = error_printf("%s: contains a NUL byte", path);
		free(*text_r);
		*text_r = NULL;
		return -1;
	}
	return 0;
}

int
mc_account_get(struct mc_ctx *ctx, struct mc_account **a_r)
{
	const char *path = ctx->opts.config_path, *name;
	struct mc_account *a = NULL;
	char *text = NULL, *error = NULL, *owned_path = NULL, *dir;
	struct stat st;
	bool has_password;
	int ret;

	if (ctx->account != NULL) {
		*a_r = ctx->account;
		return EX_OK;
	}
	if (path == NULL)
		path = getenv("MAILCLI_CONFIG");
	if (path == NULL || *path == '\0')
		path = owned_path = default_path();
	name = ctx->opts.account_name;
	if (name == NULL && getenv("MAILCLI_ACCOUNT") != NULL &&
	    *getenv("MAILCLI_ACCOUNT") != '\0')
		name = getenv("MAILCLI_ACCOUNT");

	ret = read_config(path, &text, &st, &error);
	if (ret < 0) {
		ret = EX_CONFIG;
		goto out;
	}
	if (ret > 0) {
		/* no file: the environment alone may describe the account */
		if (owned_path == NULL || getenv("MAILCLI_HOST") == NULL ||
		    name != NULL) {
			error = error_printf("%s: no such file (mailcli(1) "
				"shows an example%s)", path, owned_path != NULL ?
				", or set MAILCLI_HOST" : "");
			ret = EX_CONFIG;
			goto out;
		}
		a = account_new("environment");
	} else {
		const char *slash = strrchr(path, '/');

		dir = slash != NULL ? xstrndup(path, (size_t)(slash - path)) :
			xstrdup(".");
		if (slash == path) {
			free(dir);
			dir = xstrdup("/");
		}
		ret = account_parse(text, path, dir, name, &a, &has_password,
			&error);
		free(dir);
		if (ret != EX_OK)
			goto out;
		ret = account_check_mode(&st, geteuid(), has_password, path,
			&error);
		if (ret != EX_OK)
			goto out;
	}
	ret = account_apply_env(a, &error);
	if (ret != EX_OK)
		goto out;
	if (ctx->opts.insecure)
		a->insecure = true;
	ctx->account = a;
	*a_r = a;
	a = NULL;
out:
	if (error != NULL)
		mc_error("%s", error);
	free(error);
	if (text != NULL) {
		OPENSSL_cleanse(text, strlen(text));
		free(text);
	}
	free(owned_path);
	mc_account_free(&a);
	return ret;
}

/* --- the password ------------------------------------------------------ */

/* The first line that command prints: 0, or EX_* after a message. */
static int
run_password_command(const char *command, char **password_r)
{
	struct buf b;
	FILE *f;
	char chunk[256];
	size_t n;
	int status, ret = EX_OK;

	f = popen(command, "r");
	if (f == NULL) {
		mc_error("password_command: %s", strerror(errno));
		return EX_OSERR;
	}
	buf_init(&b, PASSWORD_MAX);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_append(&b, chunk, n) < 0) {
			ret = EX_CONFIG;
			break;
		}
	}
	OPENSSL_cleanse(chunk, sizeof(chunk));
	status = pclose(f);
	if (ret != EX_OK) {
		mc_error("password_command: printed more than %d bytes",
			PASSWORD_MAX);
	} else if (status == -1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		mc_error("password_command \"%s\" failed (status %d)",
			command, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		ret = EX_CONFIG;
	} else {
		const char *nl = memchr(b.data != NULL ? b.data : "", '\n',
			b.len);
		size_t len = nl != NULL ? (size_t)(nl - b.data) : b.len;

		if (len > 0 && b.data[len - 1] == '\r')
			len--;
		if (len == 0) {
			mc_error("password_command \"%s\" printed nothing",
				command);
			ret = EX_CONFIG;
		} else {
			*password_r = xstrndup(b.data, len);
		}
	}
	if (b.data != NULL)
		OPENSSL_cleanse(b.data, b.len);
	buf_clear(&b);
	return ret;
}

int
mc_account_password(struct mc_account *a, const char *host,
	const char **pw_r)
{
	char *pw = NULL;
	int ret;

	if (a->password != NULL) {
		*pw_r = a->password;
		return EX_OK;
	}
	if (a->password_command != NULL) {
		ret = run_password_command(a->password_command, &pw);
		if (ret != EX_OK)
			return ret;
		a->password = pw;
		*pw_r = pw;
		return EX_OK;
	}
	if (host != NULL) {
		ret = netrc_password(host, a->user, &pw);
		if (ret != EX_OK)
			return ret;
		if (pw != NULL) {
			a->password = pw;
			*pw_r = pw;
			return EX_OK;
		}
	}
	mc_error("no password for %s at %s: set password_command in the "
		"config, MAILCLI_PASSWORD, or a ~/.netrc entry",
		a->user != NULL ? a->user : "(no user)",
		host != NULL ? host : "(no host)");
	return EX_NOPERM;
}
