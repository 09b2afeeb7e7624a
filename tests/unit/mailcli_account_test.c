/* SPDX-License-Identifier: MIT */
/* Unit tests for mailcli/account.c and mailcli/netrc.c: parsing the
 * accounts file, choosing an account, the MAILCLI_* environment over the
 * file, file modes, the password sources and .netrc. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "account.h"
#include "mailcli.h"
#include "tern.h"

/* main.c is not linked in: messages go nowhere. */
void
mc_error(const char *fmt, ...)
{
	(void)fmt;
}

void
mc_warn(const char *fmt, ...)
{
	(void)fmt;
}

static const char two_accounts[] =
	"accounts = (\n"
	"  { name = \"work\";\n"
	"    from = \"Ann <ann@work.example>\";\n"
	"    user = \"ann\";\n"
	"    host = \"mail.work.example\";\n"
	"    smtp = { port = 465; tls = \"implicit\"; };\n"
	"  },\n"
	"  { name = \"home\"; default = true;\n"
	"    from = \"ann@home.example\";\n"
	"    user = \"ann@home.example\";\n"
	"    smtp = { host = \"smtp.home.example\"; port = 587; };\n"
	"    imap = { host = \"imap.home.example\"; tls = \"implicit\"; };\n"
	"    ca_file = \"ca.pem\";\n"
	"    maildir = \"~/Mail\";\n"
	"    sent_folder = \"Sent\";\n"
	"    password_command = \"echo x\";\n"
	"  }\n"
	");\n";

static void
clear_env(void)
{
	static const char *const vars[] = {
		"MAILCLI_HOST", "MAILCLI_USER", "MAILCLI_PASSWORD",
		"MAILCLI_PASSWORD_COMMAND", "MAILCLI_FROM", "MAILCLI_CA_FILE",
		"MAILCLI_SENT_FOLDER", "MAILCLI_MAILDIR", "MAILCLI_SMTP_HOST",
		"MAILCLI_SMTP_PORT", "MAILCLI_SMTP_TLS", "MAILCLI_IMAP_HOST",
		"MAILCLI_IMAP_PORT", "MAILCLI_IMAP_TLS", "MAILCLI_POP3_HOST",
		"MAILCLI_POP3_PORT", "MAILCLI_POP3_TLS", "MAILCLI_CONFIG",
		"MAILCLI_ACCOUNT", "NETRC",
	};
	size_t i;

	for (i = 0; i < N_ELEMENTS(vars); i++)
		unsetenv(vars[i]);
	setenv("HOME", "/home/ann", 1);
}

START_TEST(test_default_account)
{
	struct mc_account *a = NULL;
	char *error = NULL;
	bool pw = true;

	clear_env();
	ck_assert_int_eq(account_parse(two_accounts, "cfg", "/etc/x", NULL,
		&a, &pw, &error), EX_OK);
	ck_assert_ptr_null(error);
	ck_assert_ptr_nonnull(a);
	ck_assert(!pw);
	ck_assert_str_eq(a->name, "home");
	ck_assert_str_eq(a->smtp.host, "smtp.home.example");
	ck_assert_uint_eq(a->smtp.port, 587);
	ck_assert_int_eq(a->smtp.tls, MC_TLS_STARTTLS);
	ck_assert_str_eq(a->imap.host, "imap.home.example");
	ck_assert_int_eq(a->imap.tls, MC_TLS_IMPLICIT);
	ck_assert_uint_eq(a->imap.port, 0);
	ck_assert_ptr_null(a->pop3.host);
	ck_assert_str_eq(a->ca_file, "/etc/x/ca.pem");
	ck_assert_str_eq(a->maildir, "/home/ann/Mail");
	ck_assert_str_eq(a->sent_folder, "Sent");
	ck_assert_str_eq(a->password_command, "echo x");
	ck_assert_ptr_null(a->password);
	mc_account_free(&a);
	ck_assert_ptr_null(a);
	mc_account_free(&a);
}
END_TEST

START_TEST(test_named_account)
{
	struct mc_account *a = NULL;
	char *error = NULL;
	bool pw;

	clear_env();
	ck_assert_int_eq(account_parse(two_accounts, "cfg", ".", "work", &a,
		&pw, &error), EX_OK);
	ck_assert_str_eq(a->name, "work");
	/* "host" fills in every server */
	ck_assert_str_eq(a->smtp.host, "mail.work.example");
	ck_assert_str_eq(a->imap.host, "mail.work.example");
	ck_assert_str_eq(a->pop3.host, "mail.work.example");
	ck_assert_int_eq(a->smtp.tls, MC_TLS_IMPLICIT);
	ck_assert_uint_eq(a->smtp.port, 465);
	mc_account_free(&a);

	ck_assert_int_eq(account_parse(two_accounts, "cfg", ".", "nope", &a,
		&pw, &error), EX_CONFIG);
	ck_assert_ptr_null(a);
	ck_assert_str_eq(error, "cfg: no account \"nope\"");
	free(error);
}
END_TEST

START_TEST(test_first_is_default)
{
	struct mc_account *a = NULL;
	char *error = NULL;
	bool pw;

	ck_assert_int_eq(account_parse(
		"accounts = ( { name = \"a\"; password = \"s\"; },"
		" { name = \"b\"; } );", "cfg", ".", NULL, &a, &pw, &error),
		EX_OK);
	ck_assert_str_eq(a->name, "a");
	ck_assert_str_eq(a->password, "s");
	ck_assert(pw);
	mc_account_free(&a);
}
END_TEST

/* Each bad file and the start of its error. */
static const struct {
	const char *text;
	const char *error;
} bad_configs[] = {
	{ "accounts = ( { name = \"a\"; colour = \"red\"; } );",
	  "f:1: colour: unknown setting" },
	{ "accounts = (\n { name = \"a\";\n smtp = { port = 0; }; } );",
	  "f:3: smtp.port: must be 1 to 65535" },
	{ "accounts = (\n { name = \"a\";\n smtp = { port = 70000; }; } );",
	  "f:3: smtp.port: must be 1 to 65535" },
	{ "accounts = ( { name = \"a\";\n imap = { tls = \"ssl\"; }; } );",
	  "f:2: imap.tls: must be \"starttls\"" },
	{ "accounts = ( { name = \"a\"; pop3 = { user = \"x\"; }; } );",
	  "f:1: pop3.user: unknown setting" },
	{ "accounts = ( { name = \"a\"; default = true; },\n"
	  " { name = \"b\"; default = true; } );",
	  "f:2: account \"b\": a second default account" },
	{ "accounts = ( { name = \"a\"; },\n { name = \"a\"; } );",
	  "f:2: a second account \"a\"" },
	{ "accounts = ( { from = \"x\"; } );", "f:1: account without a name" },
	{ "accounts = ( );", "f:1: \"accounts = (" },
	{ "colour = 1;", "f:1: colour: unknown setting" },
	{ "accounts = ( { name = \"a\"\n", "f:2: syntax error" },
	{ "accounts = ( { name = \"a\"; password = \"x\";\n"
	  " password_command = \"y\"; } );",
	  "f:1: account \"a\": both password and password_command" },
	{ "accounts = ( { name = \"a\"; user = 5; } );",
	  "f:1: user: must be a string" },
	{ "accounts = ( { name = \"a\"; user = \"\"; } );",
	  "f:1: user: must not be empty" },
	{ "accounts = ( { name = \"a\"; user = \"a\\nb\"; } );",
	  "f:1: user: too long or has control" },
	{ "@include \"/etc/passwd\"\naccounts = ( { name = \"a\"; } );",
	  "f: @include is not allowed" },
	{ "accounts = ( { name = \"a\"; smtp = 5; } );",
	  "f:1: smtp: must be a group" },
};

START_TEST(test_bad_config)
{
	struct mc_account *a = NULL;
	char *error = NULL;
	bool pw;

	ck_assert_int_eq(account_parse(bad_configs[_i].text, "f", ".", NULL,
		&a, &pw, &error), EX_CONFIG);
	ck_assert_ptr_null(a);
	ck_assert_ptr_nonnull(error);
	if (strncmp(error, bad_configs[_i].error,
	    strlen(bad_configs[_i].error)) != 0)
		ck_abort_msg("config %d: got \"%s\", want \"%s...\"", _i,
			error, bad_configs[_i].error);
	free(error);
}
END_TEST

START_TEST(test_env_over_file)
{
	struct mc_account *a = NULL;
	char *error = NULL;
	bool pw;

	clear_env();
	ck_assert_int_eq(account_parse(two_accounts, "cfg", ".", NULL, &a,
		&pw, &error), EX_OK);
	setenv("MAILCLI_HOST", "127.0.0.1", 1);
	setenv("MAILCLI_IMAP_HOST", "::1", 1);
	setenv("MAILCLI_SMTP_PORT", "2587", 1);
	setenv("MAILCLI_SMTP_TLS", "none", 1);
	setenv("MAILCLI_USER", "bob", 1);
	setenv("MAILCLI_FROM", "Bob <bob@x.example>", 1);
	setenv("MAILCLI_PASSWORD", "pw", 1);
	ck_assert_int_eq(account_apply_env(a, &error), EX_OK);
	ck_assert_str_eq(a->smtp.host, "127.0.0.1");
	ck_assert_str_eq(a->pop3.host, "127.0.0.1");
	ck_assert_str_eq(a->imap.host, "::1");
	ck_assert_uint_eq(a->smtp.port, 2587);
	ck_assert_int_eq(a->smtp.tls, MC_TLS_NONE);
	ck_assert_str_eq(a->user, "bob");
	ck_assert_str_eq(a->from, "Bob <bob@x.example>");
	/* the environment's password replaces the file's command */
	ck_assert_str_eq(a->password, "pw");
	ck_assert_ptr_null(a->password_command);
	/* untouched */
	ck_assert_str_eq(a->sent_folder, "Sent");

	setenv("MAILCLI_SMTP_PORT", "0", 1);
	ck_assert_int_eq(account_apply_env(a, &error), EX_CONFIG);
	ck_assert_str_eq(error, "MAILCLI_SMTP_PORT=\"0\": not a port number");
	free(error);
	setenv("MAILCLI_SMTP_PORT", "25x", 1);
	ck_assert_int_eq(account_apply_env(a, &error), EX_CONFIG);
	free(error);
	unsetenv("MAILCLI_SMTP_PORT");
	setenv("MAILCLI_POP3_TLS", "tls", 1);
	ck_assert_int_eq(account_apply_env(a, &error), EX_CONFIG);
	free(error);
	mc_account_free(&a);
	clear_env();
}
END_TEST

static const struct {
	mode_t mode;
	bool has_password;
	int want;
} modes[] = {
	{ 0600, true, EX_OK },
	{ 0400, true, EX_OK },
	{ 0640, true, EX_CONFIG },
	{ 0604, true, EX_CONFIG },
	{ 0644, false, EX_OK },
	{ 0664, false, EX_CONFIG },
	{ 0602, false, EX_CONFIG },
	{ 0620, true, EX_CONFIG },
};

START_TEST(test_mode)
{
	struct stat st;
	char *error = NULL;

	memset(&st, 0, sizeof(st));
	st.st_mode = S_IFREG | modes[_i].mode;
	st.st_uid = 1000;
	ck_assert_int_eq(account_check_mode(&st, 1000, modes[_i].has_password,
		"f", &error), modes[_i].want);
	ck_assert((error == NULL) == (modes[_i].want == EX_OK));
	free(error);
}
END_TEST

START_TEST(test_mode_owner)
{
	struct stat st;
	char *error = NULL;

	memset(&st, 0, sizeof(st));
	st.st_mode = S_IFREG | 0600;
	st.st_uid = 1001;
	ck_assert_int_eq(account_check_mode(&st, 1000, false, "f", &error),
		EX_CONFIG);
	ck_assert_str_eq(error, "f: owned by uid 1001, not by you");
	free(error);
	st.st_uid = 0;
	ck_assert_int_eq(account_check_mode(&st, 1000, false, "f", &error),
		EX_OK);
	st.st_mode = S_IFDIR | 0700;
	ck_assert_int_eq(account_check_mode(&st, 0, false, "f", &error),
		EX_CONFIG);
	free(error);
}
END_TEST

/* A temporary file with text and mode; its name in path. */
static void
write_temp(char *path, size_t size, const char *text, mode_t mode)
{
	FILE *f;
	int fd;

	ck_assert_int_lt(snprintf(path, size, "/tmp/mailcli-test-XXXXXX"),
		(int)size);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_get)
{
	struct mc_ctx ctx;
	struct mc_account *a;
	const char *pw;
	char path[64];

	clear_env();
	write_temp(path, sizeof(path),
		"accounts = ( { name = \"t\"; user = \"u\"; host = \"h\";\n"
		"  password_command = \"printf 'sec ret\\\\nsecond\\\\n'\"; }"
		" );\n", 0600);
	memset(&ctx, 0, sizeof(ctx));
	ctx.opts.config_path = path;
	ctx.opts.insecure = true;
	ck_assert_int_eq(mc_account_get(&ctx, &a), EX_OK);
	ck_assert_ptr_eq(a, ctx.account);
	ck_assert(a->insecure);
	ck_assert_str_eq(a->smtp.host, "h");
	/* once loaded, the same */
	ck_assert_int_eq(mc_account_get(&ctx, &a), EX_OK);
	ck_assert_ptr_eq(a, ctx.account);
	ck_assert_int_eq(mc_account_password(a, "h", &pw), EX_OK);
	ck_assert_str_eq(pw, "sec ret");
	mc_account_free(&ctx.account);

	/* a file writable by others is refused */
	ck_assert_int_eq(chmod(path, 0666), 0);
	ck_assert_int_eq(mc_account_get(&ctx, &a), EX_CONFIG);
	ck_assert_ptr_null(ctx.account);
	/* --account picks one that is not there */
	ck_assert_int_eq(chmod(path, 0600), 0);
	ctx.opts.account_name = "x";
	ck_assert_int_eq(mc_account_get(&ctx, &a), EX_CONFIG);
	unlink(path);
	/* a missing file given with --config */
	ctx.opts.account_name = NULL;
	ck_assert_int_eq(mc_account_get(&ctx, &a), EX_CONFIG);
}
END_TEST

START_TEST(test_get_env_only)
{
	struct mc_ctx ctx;
	struct mc_account *a;

	clear_env();
	setenv("HOME", "/nonexistent", 1);
	setenv("XDG_CONFIG_HOME", "/nonexistent/cfg", 1);
	memset(&ctx, 0, sizeof(ctx));
	ck_assert_int_eq(mc_account_get(&ctx, &a), EX_CONFIG);
	setenv("MAILCLI_HOST", "localhost", 1);
	ck_assert_int_eq(mc_account_get(&ctx, &a), EX_OK);
	ck_assert_str_eq(a->name, "environment");
	ck_assert_str_eq(a->imap.host, "localhost");
	mc_account_free(&ctx.account);
	unsetenv("XDG_CONFIG_HOME");
	clear_env();
}
END_TEST

START_TEST(test_password_sources)
{
	struct mc_account *a = account_new("t");
	const char *pw;
	char path[64];

	clear_env();
	a->user = strdup("ann");
	a->password_command = strdup("exit 3");
	ck_assert_int_eq(mc_account_password(a, "h", &pw), EX_CONFIG);
	free(a->password_command);
	a->password_command = strdup("true");
	ck_assert_int_eq(mc_account_password(a, "h", &pw), EX_CONFIG);
	free(a->password_command);
	a->password_command = NULL;

	write_temp(path, sizeof(path),
		"machine other login ann password no\n"
		"machine h login bob password no\n"
		"machine h login ann password \"yes pw\"\n", 0600);
	setenv("NETRC", path, 1);
	ck_assert_int_eq(mc_account_password(a, "H", &pw), EX_OK);
	ck_assert_str_eq(pw, "yes pw");
	free(a->password);
	a->password = NULL;
	ck_assert_int_eq(mc_account_password(a, "nothere", &pw), EX_NOPERM);
	/* a .netrc others can read is refused */
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(mc_account_password(a, "h", &pw), EX_CONFIG);
	unlink(path);
	unsetenv("NETRC");
	mc_account_free(&a);
}
END_TEST

static const struct {
	const char *text;
	const char *host, *user;
	int want;
	const char *password;
} netrcs[] = {
	{ "machine a login u password p", "a", "u", 1, "p" },
	{ "machine a login u password p", "b", "u", 0, NULL },
	{ "machine a login u password p", "a", "v", 0, NULL },
	{ "machine a login u password p", "a", NULL, 1, "p" },
	{ "machine a password p", "a", "v", 1, "p" },
	{ "machine a login u\n\tpassword p\ndefault login d password q",
	  "b", NULL, 1, "q" },
	{ "machine a login u\n", "a", NULL, 1, NULL },
	{ "machine a login u password \"a \\\"b\\\\\"", "a", "u", 1,
	  "a \"b\\" },
	{ "macdef init\ncd /\nls\n\nmachine a password p", "a", NULL, 1, "p" },
	{ "machine a account x password p", "a", NULL, 1, "p" },
	{ "", "a", NULL, 0, NULL },
	{ "machine", "a", NULL, -1, NULL },
	{ "machine a login", "a", NULL, -1, NULL },
	{ "login u", "a", NULL, -1, NULL },
	{ "machine a bogus x", "a", NULL, -1, NULL },
};

START_TEST(test_netrc)
{
	char *pw = NULL;
	const char *error = NULL;

	ck_assert_int_eq(netrc_lookup(netrcs[_i].text, strlen(netrcs[_i].text),
		netrcs[_i].host, netrcs[_i].user, &pw, &error),
		netrcs[_i].want);
	if (netrcs[_i].password == NULL)
		ck_assert_ptr_null(pw);
	else
		ck_assert_str_eq(pw, netrcs[_i].password);
	if (netrcs[_i].want < 0)
		ck_assert_ptr_nonnull(error);
	free(pw);
}
END_TEST

START_TEST(test_netrc_long_token)
{
	char text[NETRC_TOKEN_MAX + 32], *pw = NULL;
	const char *error = NULL;

	memset(text, 'x', sizeof(text));
	memcpy(text, "machine ", 8);
	ck_assert_int_eq(netrc_lookup(text, sizeof(text), "a", NULL, &pw,
		&error), -1);
	ck_assert_str_eq(error, "a token is too long");
}
END_TEST

static Suite *
account_suite(void)
{
	Suite *s = suite_create("mailcli_account");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_test(tc, test_default_account);
	tcase_add_test(tc, test_named_account);
	tcase_add_test(tc, test_first_is_default);
	tcase_add_loop_test(tc, test_bad_config, 0, N_ELEMENTS(bad_configs));
	suite_add_tcase(s, tc);

	tc = tcase_create("precedence");
	tcase_add_test(tc, test_env_over_file);
	tcase_add_test(tc, test_get);
	tcase_add_test(tc, test_get_env_only);
	suite_add_tcase(s, tc);

	tc = tcase_create("mode");
	tcase_add_loop_test(tc, test_mode, 0, N_ELEMENTS(modes));
	tcase_add_test(tc, test_mode_owner);
	suite_add_tcase(s, tc);

	tc = tcase_create("password");
	tcase_add_test(tc, test_password_sources);
	tcase_add_loop_test(tc, test_netrc, 0, N_ELEMENTS(netrcs));
	tcase_add_test(tc, test_netrc_long_token);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(account_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
