/* SPDX-License-Identifier: MIT */
/*
 * TEMPORARY, test-only: an account from MAILCLI_* variables so that the
 * reading half links and can be tried before mailcli/account.c (branch
 * mcsend) is merged. Removed by the merge; never shipped.
 */
#include "autoconfig.h"
#include <stdlib.h>
#include <string.h>
#include "../../mailcli/mailcli.h"
#include "xmalloc.h"
#include "tern.h"

static char *
env_dup(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? xstrdup(v) : NULL;
}

static void
env_server(struct mc_server *srv, const char *port, const char *tls)
{
	const char *p = getenv(port), *t = getenv(tls);

	srv->host = env_dup("MAILCLI_HOST");
	srv->port = p != NULL ? (unsigned)strtoul(p, NULL, 10) : 0;
	srv->tls = t == NULL ? MC_TLS_STARTTLS :
	    strcmp(t, "implicit") == 0 ? MC_TLS_IMPLICIT :
	    strcmp(t, "none") == 0 ? MC_TLS_NONE : MC_TLS_STARTTLS;
}

int
mc_account_get(struct mc_ctx *ctx, struct mc_account **a_r)
{
	struct mc_account *a;

	if (ctx->account == NULL) {
		a = xcalloc(1, sizeof(*a));
		a->name = xstrdup("stub");
		a->user = env_dup("MAILCLI_USER");
		a->ca_file = env_dup("MAILCLI_CA_FILE");
		a->password = env_dup("MAILCLI_PASSWORD");
		a->maildir = env_dup("MAILCLI_MAILDIR");
		env_server(&a->imap, "MAILCLI_IMAP_PORT", "MAILCLI_IMAP_TLS");
		env_server(&a->pop3, "MAILCLI_POP3_PORT", "MAILCLI_POP3_TLS");
		a->insecure = ctx->opts.insecure;
		ctx->account = a;
	}
	*a_r = ctx->account;
	return EX_OK;
}

int
mc_account_password(struct mc_account *a, const char *host,
	const char **pw_r)
{
	(void)host;
	if (a->password == NULL) {
		mc_error("stub account: set MAILCLI_PASSWORD");
		return EX_NOPERM;
	}
	*pw_r = a->password;
	return EX_OK;
}
