/* SPDX-License-Identifier: MIT */
/*
 * netrc: passwords from ~/.netrc ($NETRC) as ftp(1), curl and msmtp read
 * it: "machine HOST login USER password PW" entries, then "default";
 * quoted tokens with backslash escapes; "macdef" skipped to the next
 * empty line. A file readable by group or others is refused.
 */
#include <ctype.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>

#include "account.h"
#include "buf.h"
#include "fileio.h"
#include "str.h"
#include "xmalloc.h"
#include "mailcli.h"
#include "tern.h"

/* One .netrc token at *pp (quoted tokens with backslash escapes, as
 * GNU inetutils reads them): 1 with tok, 0 at the end, -1 too long. */
static int
netrc_token(const char **pp, const char *end, char *tok, size_t size)
{
	const char *p = *pp;
	size_t n = 0;

	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p == end) {
		*pp = p;
		return 0;
	}
	if (*p == '"') {
		p++;
		while (p < end && *p != '"') {
			if (*p == '\\' && p + 1 < end)
				p++;
			if (n + 1 >= size)
				return -1;
			tok[n++] = *p++;
		}
		if (p < end)
			p++;	/* the closing quote */
	} else {
		while (p < end && !isspace((unsigned char)*p)) {
			if (n + 1 >= size)
				return -1;
			tok[n++] = *p++;
		}
	}
	tok[n] = '\0';
	*pp = p;
	return 1;
}

int
netrc_lookup(const char *text, size_t len, const char *host,
	const char *user, char **password_r, const char **error_r)
{
	const char *p = text, *end = text + len;
	char tok[NETRC_TOKEN_MAX];
	char login[NETRC_TOKEN_MAX], password[NETRC_TOKEN_MAX];
	/* 0: outside an entry, 1: in a matching machine, 2: in another
	 * machine, 3: in "default" */
	int state = 0, ret, found = 0;
	bool have_login = false, have_password = false;

	*password_r = NULL;
	login[0] = password[0] = '\0';
	for (;;) {
		ret = netrc_token(&p, end, tok, sizeof(tok));
		if (ret < 0) {
			*error_r = "a token is too long";
			goto out;
		}
		if (ret == 0 || strcmp(tok, "machine") == 0 ||
		    strcmp(tok, "default") == 0) {
			/* the end of an entry: does it answer? */
			if ((state == 1 || state == 3) && (user == NULL ||
			    !have_login || strcmp(login, user) == 0)) {
				found = 1;
				break;
			}
			if (ret == 0)
				break;
			have_login = have_password = false;
			login[0] = password[0] = '\0';
			if (strcmp(tok, "default") == 0) {
				state = 3;
				continue;
			}
			ret = netrc_token(&p, end, tok, sizeof(tok));
			if (ret <= 0) {
				*error_r = ret < 0 ? "a token is too long" :
					"\"machine\" without a name";
				ret = -1;
				goto out;
			}
			state = strcasecmp(tok, host) == 0 ? 1 : 2;
		} else if (strcmp(tok, "login") == 0 ||
		    strcmp(tok, "password") == 0 ||
		    strcmp(tok, "account") == 0) {
			bool is_login = tok[0] == 'l', is_pw = tok[0] == 'p';

			ret = netrc_token(&p, end, tok, sizeof(tok));
			if (ret <= 0) {
				*error_r = ret < 0 ? "a token is too long" :
					"a keyword without its value";
				ret = -1;
				goto out;
			}
			if (state == 0) {
				*error_r = "a value outside a machine entry";
				ret = -1;
				goto out;
			}
			if (is_login) {
				(void)str_copy(login, sizeof(login), tok);
				have_login = true;
			} else if (is_pw) {
				(void)str_copy(password, sizeof(password), tok);
				have_password = true;
			}
		} else if (strcmp(tok, "macdef") == 0) {
			/* a macro runs to the next empty line */
			const char *blank;

			blank = memmem(p, (size_t)(end - p), "\n\n", 2);
			p = blank != NULL ? blank + 2 : end;
			state = 0;
		} else {
			*error_r = "unknown keyword";
			ret = -1;
			goto out;
		}
	}
	ret = found;
	if (found && have_password)
		*password_r = xstrdup(password);
out:
	OPENSSL_cleanse(tok, sizeof(tok));
	OPENSSL_cleanse(password, sizeof(password));
	return ret;
}

/* The password for host from ~/.netrc ($NETRC): EX_OK with *pw_r or
 * NULL when there is none, or EX_CONFIG after a message. */
int
netrc_password(const char *host, const char *user, char **pw_r)
{
	const char *home = getenv("HOME"), *env = getenv("NETRC");
	const char *error = NULL;
	char *path, *text = NULL;
	struct stat st;
	int ret = EX_OK, found;

	*pw_r = NULL;
	if (env != NULL && *env != '\0')
		path = xstrdup(env);
	else if (home != NULL)
		{
		struct buf b;

		buf_init(&b, 0);
		(void)buf_appendf(&b, "%s/.netrc", home);
		path = xstrdup(buf_str(&b));
		buf_clear(&b);
	}
	else
		return EX_OK;
	if (stat(path, &st) < 0) {
		free(path);
		return EX_OK;
	}
	/* ftp(1) and curl refuse a .netrc that others can read */
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		mc_error("%s: readable by group or others (mode %03o); "
			"chmod 600 %s", path, (unsigned)(st.st_mode & 0777),
			path);
		free(path);
		return EX_CONFIG;
	}
	{
		size_t len;

		if (read_file_max(path, ACCOUNT_FILE_MAX, &text, &len) < 0) {
			mc_error("%s: %s", path, strerror(errno));
			free(path);
			return EX_CONFIG;
		}
		found = netrc_lookup(text, len, host, user, pw_r, &error);
		OPENSSL_cleanse(text, len);
		free(text);
	}
	if (found < 0) {
		mc_error("%s: %s", path, error);
		ret = EX_CONFIG;
	}
	free(path);
	return ret;
}

