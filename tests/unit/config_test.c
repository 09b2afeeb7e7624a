/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/config.c: the embedded default, files laid over it,
 * errors with file:line, data_dir, the dump, Maildir paths. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "tern.h"

/* Write text to a fresh temporary file; its name goes to path. */
static void
write_temp(char *path, size_t size, const char *text)
{
	FILE *f;
	int fd;

	ck_assert_int_lt(snprintf(path, size, "/tmp/tern-config-XXXXXX"),
		(int)size);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* Load text as a file; returns config_load's result. */
static int
load_text(const char *text, const char *data_dir, struct tern_config *cfg,
	char **error_r, char *path, size_t size)
{
	int ret;

	write_temp(path, size, text);
	ret = config_load(path, data_dir, cfg, error_r);
	unlink(path);
	return ret;
}

START_TEST(test_embedded_default)
{
	struct tern_config cfg;
	char *error = NULL;
	char cwd[4096], want[4200];

	ck_assert_int_eq(config_load(NULL, NULL, &cfg, &error), 0);
	ck_assert_ptr_null(error);
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	snprintf(want, sizeof(want), "%s/var", cwd);
	ck_assert_str_eq(cfg.file, "(embedded)");
	ck_assert_str_eq(cfg.data_dir, want);
	snprintf(want, sizeof(want), "%s/var/users", cwd);
	ck_assert_str_eq(cfg.users_file, want);
	snprintf(want, sizeof(want), "%s/var/mail", cwd);
	ck_assert_str_eq(cfg.mail_root, want);
	snprintf(want, sizeof(want), "%s/var/queue", cwd);
	ck_assert_str_eq(cfg.queue_dir, want);
	snprintf(want, sizeof(want), "%s/var/tls/cert.pem", cwd);
	ck_assert_str_eq(cfg.tls_cert, want);
	snprintf(want, sizeof(want), "%s/var/tls/key.pem", cwd);
	ck_assert_str_eq(cfg.tls_key, want);
	ck_assert_str_eq(cfg.mail_path, "%d/%n/Maildir");
	ck_assert_uint_eq(cfg.n_domains, 1);
	ck_assert_str_eq(cfg.domains[0], "example.test");
	ck_assert_ptr_null(cfg.run_user);
	ck_assert_ptr_nonnull(cfg.hostname);
	ck_assert_str_eq(cfg.log_level, "info");
	ck_assert_int_eq(cfg.plaintext_auth, PLAINTEXT_AUTH_LOOPBACK);
	ck_assert_uint_eq(cfg.auth_failure_delay_ms, 2000);

	ck_assert_uint_eq(cfg.smtpd.n_listeners, 3);
	ck_assert_str_eq(cfg.smtpd.listeners[0].name, "mx");
	ck_assert_str_eq(cfg.smtpd.listeners[0].address, "127.0.0.1");
	ck_assert_uint_eq(cfg.smtpd.listeners[0].port, 2525);
	ck_assert_int_eq(cfg.smtpd.listeners[0].mode, LISTENER_MX);
	ck_assert_int_eq(cfg.smtpd.listeners[0].tls, LISTENER_TLS_STARTTLS);
	ck_assert(cfg.smtpd.listeners[0].auth);
	ck_assert_uint_eq(cfg.smtpd.listeners[1].port, 2587);
	ck_assert_int_eq(cfg.smtpd.listeners[1].mode, LISTENER_SUBMISSION);
	ck_assert_int_eq(cfg.smtpd.listeners[1].tls, LISTENER_TLS_STARTTLS);
	ck_assert(cfg.smtpd.listeners[1].auth);
	ck_assert_uint_eq(cfg.smtpd.listeners[2].port, 2465);
	ck_assert_int_eq(cfg.smtpd.listeners[2].mode, LISTENER_SUBMISSION);
	ck_assert_int_eq(cfg.smtpd.listeners[2].tls, LISTENER_TLS_IMPLICIT);
	ck_assert_uint_eq(cfg.smtpd.max_recipients, 100);
	ck_assert_uint_eq(cfg.smtpd.max_message_size, 36700160);
	ck_assert_uint_eq(cfg.smtpd.command_timeout, 300);
	ck_assert_str_eq(cfg.smtpd.banner, "tern ESMTP");
	ck_assert_uint_eq(cfg.imapd.n_listeners, 2);
	ck_assert_str_eq(cfg.imapd.listeners[0].name, "imap");
	ck_assert_uint_eq(cfg.imapd.listeners[0].port, 2143);
	ck_assert_int_eq(cfg.imapd.listeners[0].tls, LISTENER_TLS_STARTTLS);
	ck_assert(cfg.imapd.listeners[0].auth);
	ck_assert_str_eq(cfg.imapd.listeners[1].name, "imaps");
	ck_assert_uint_eq(cfg.imapd.listeners[1].port, 2993);
	ck_assert_int_eq(cfg.imapd.listeners[1].tls, LISTENER_TLS_IMPLICIT);
	ck_assert_int_eq(config_imap_separator(&cfg.imapd), '/');
	ck_assert_uint_ge(cfg.imapd.max_line_length, 8192);
	ck_assert_uint_eq(cfg.imapd.idle_timeout, 1800);
	ck_assert_uint_eq(cfg.imapd.login_timeout, 60);
	ck_assert(config_is_local_domain(&cfg, "example.test"));
	ck_assert(config_is_local_domain(&cfg, "EXAMPLE.Test"));
	ck_assert(!config_is_local_domain(&cfg, "example.org"));
	ck_assert(!config_is_local_domain(&cfg, "example.tes"));
	config_clear(&cfg);
	config_clear(&cfg);	/* twice is harmless */
}
END_TEST

START_TEST(test_good_file)
{
	static const char text[] =
		"# a site\n"
		"data_dir = \"/srv/tern\";\n"
		"hostname = \"mx.example.org\";\n"
		"domains = [ \"Example.ORG\", \"example.net\" ];\n"
		"users_file = \"/etc/tern/users\";\n"
		"mail_path = \"%d/%n\";\n"
		"run_user = \"tern\";\n"
		"log_level = \"debug\";\n"
		"plaintext_auth = \"never\";\n"
		"auth_failure_delay_ms = 0;\n"
		"smtpd = {\n"
		"  listeners = (\n"
		"    { address = \"::1\"; port = 25; },\n"
		"    { name = \"sub\"; address = \"0.0.0.0\"; port = 587;\n"
		"      mode = \"submission\"; tls = \"starttls\"; }\n"
		"  );\n"
		"  max_recipients = 500;\n"
		"  max_message_size = 10000000000L;\n"
		"};\n";
	struct tern_config cfg;
	char *error = NULL, path[64];

	ck_assert_int_eq(load_text(text, NULL, &cfg, &error, path,
		sizeof(path)), 0);
	ck_assert_ptr_null(error);
	ck_assert_str_eq(cfg.file, path);
	ck_assert_str_eq(cfg.data_dir, "/srv/tern");
	ck_assert_str_eq(cfg.hostname, "mx.example.org");
	ck_assert_uint_eq(cfg.n_domains, 2);
	ck_assert_str_eq(cfg.domains[0], "example.org");
	ck_assert(config_is_local_domain(&cfg, "EXAMPLE.NET"));
	ck_assert_str_eq(cfg.users_file, "/etc/tern/users");
	ck_assert_str_eq(cfg.mail_root, "/srv/tern/mail");
	ck_assert_str_eq(cfg.queue_dir, "/srv/tern/queue");
	ck_assert_str_eq(cfg.run_user, "tern");
	ck_assert_str_eq(cfg.log_level, "debug");
	ck_assert_int_eq(cfg.plaintext_auth, PLAINTEXT_AUTH_NEVER);
	ck_assert_uint_eq(cfg.auth_failure_delay_ms, 0);
	ck_assert_uint_eq(cfg.smtpd.n_listeners, 2);
	/* defaults inside a listener */
	ck_assert_str_eq(cfg.smtpd.listeners[0].name, "mx");
	ck_assert_int_eq(cfg.smtpd.listeners[0].mode, LISTENER_MX);
	ck_assert_int_eq(cfg.smtpd.listeners[0].tls, LISTENER_TLS_NONE);
	ck_assert(!cfg.smtpd.listeners[0].auth);
	/* submission forces auth */
	ck_assert_str_eq(cfg.smtpd.listeners[1].name, "sub");
	ck_assert(cfg.smtpd.listeners[1].auth);
	ck_assert_uint_eq(cfg.smtpd.max_recipients, 500);
	ck_assert_uint_eq(cfg.smtpd.max_message_size, 10000000000ULL);
	/* not in the file: the embedded default */
	ck_assert_uint_eq(cfg.smtpd.max_errors, 20);
	ck_assert_uint_eq(cfg.smtpd.prefork, 8);
	ck_assert_uint_eq(cfg.smtpd.max_use, 100);
	config_clear(&cfg);
}
END_TEST

START_TEST(test_sample_file)
{
	struct tern_config cfg;
	char *error = NULL;
	size_t i;

	ck_assert_int_eq(config_load(TEST_SRCDIR "/etc/tern.conf", NULL,
		&cfg, &error), 0);
	ck_assert_ptr_null(error);
	ck_assert_str_eq(cfg.data_dir, "/var/lib/tern");
	ck_assert_str_eq(cfg.users_file, "/var/lib/tern/users");
	ck_assert_str_eq(cfg.mail_root, "/var/lib/tern/mail");
	ck_assert_str_eq(cfg.tls_cert, "/etc/tern/cert.pem");
	ck_assert_str_eq(cfg.run_user, "tern");
	ck_assert_uint_eq(cfg.smtpd.prefork, 8);
	ck_assert_uint_eq(cfg.smtpd.max_use, 100);
	ck_assert_uint_eq(cfg.smtpd.n_listeners, 6);
	for (i = 0; i < cfg.smtpd.n_listeners; i++) {
		const struct listener_config *l = &cfg.smtpd.listeners[i];

		ck_assert(l->port == 25 || l->port == 587 || l->port == 465);
		ck_assert(l->auth);
		if (l->port == 465)
			ck_assert_int_eq(l->tls, LISTENER_TLS_IMPLICIT);
		else
			ck_assert_int_eq(l->tls, LISTENER_TLS_STARTTLS);
		ck_assert_int_eq(l->mode, l->port == 25 ? LISTENER_MX :
			LISTENER_SUBMISSION);
	}
	/* RFC 9051 5.4: an authenticated session may stay silent for
	 * 30 minutes (Thunderbird's second connection does); the timer
	 * before authentication is shorter */
	ck_assert_uint_ge(cfg.imapd.idle_timeout, 30 * 60);
	ck_assert_uint_lt(cfg.imapd.login_timeout, cfg.imapd.idle_timeout);
	ck_assert_uint_gt(cfg.auth_failure_delay_ms, 0);
	ck_assert_uint_gt(cfg.imapd.max_bad_commands, 0);
	config_clear(&cfg);
}
END_TEST

/* Each bad file and the error it must give (after "<path>:"). */
static const struct {
	const char *text;
	const char *error;
} bad_files[] = {
	{ "log_level = \"info\";\nbogus = 1;\n",
	  "2: bogus: unknown setting" },
	{ "smtpd = {\n  banner = \"x\";\n  colour = \"red\";\n};\n",
	  "3: smtpd.colour: unknown setting" },
	{ "smtpd = {\n listeners = (\n { address = \"127.0.0.1\";\n"
	  "   port = 25; prot = 1; }\n );\n};\n",
	  "4: smtpd.listeners[0].prot: unknown setting" },
	{ "pop3d = { };\n", "1: pop3d: unknown setting" },
	{ "\n\nsmtpd = {\n  max_recipients = 0;\n};\n",
	  "4: smtpd.max_recipients: must be between 1 and 100000" },
	{ "smtpd = { max_recipients = \"100\"; };\n",
	  "1: smtpd.max_recipients: must be an integer" },
	{ "smtpd = { max_errors = -1; };\n",
	  "1: smtpd.max_errors: must be between 1 and 1000" },
	{ "smtpd = \"x\";\n", "1: smtpd: must be a group { ... }" },
	{ "smtpd = { prefork = 1001; };\n",
	  "1: smtpd.prefork: must be between 0 and 1000" },
	{ "smtpd = { max_use = 0; };\n",
	  "1: smtpd.max_use: must be between 1 and 1000000" },
	{ "smtpd = { listeners = ( { address = \"127.0.0.1\";"
	  " port = 70000; } ); };\n",
	  "1: smtpd.listeners[0].port: must be between 1 and 65535" },
	{ "smtpd = { listeners = ( { address = \"localhost\";"
	  " port = 25; } ); };\n",
	  "1: smtpd.listeners[0].address: must be an IPv4 or IPv6 address" },
	{ "smtpd = { listeners = ( { address = \"::1\"; port = 25;"
	  " mode = \"relay\"; } ); };\n",
	  "1: smtpd.listeners[0].mode: must be \"mx\" or \"submission\"" },
	{ "smtpd = { listeners = ( { address = \"::1\"; port = 25;"
	  " tls = \"yes\"; } ); };\n",
	  "1: smtpd.listeners[0].tls: must be \"none\", \"starttls\" or"
	  " \"implicit\"" },
	{ "smtpd = { listeners = ( { address = \"::1\"; port = 25;"
	  " auth = 1; } ); };\n",
	  "1: smtpd.listeners[0].auth: must be true or false" },
	{ "smtpd = { listeners = (\n { address = \"::1\"; port = 587;\n"
	  "  mode = \"submission\";\n  auth = false; } ); };\n",
	  "4: smtpd.listeners[0]: auth: must be true in mode"
	  " \"submission\"" },
	{ "smtpd = { listeners = ( { address = \"::1\"; } ); };\n",
	  "1: smtpd.listeners[0]: port is missing" },
	{ "smtpd = { listeners = ( { port = 25; } ); };\n",
	  "1: smtpd.listeners[0]: address is missing" },
	{ "smtpd = { listeners = ( { address = \"::1\"; port = 25; },\n"
	  "  { address = \"::1\"; port = 25; } ); };\n",
	  "2: smtpd.listeners[1]: ::1 port 25 is already used by mx" },
	{ "smtpd = { listeners = ( ); };\n",
	  "1: smtpd.listeners: must hold between 1 and 32 listeners" },
	{ "domains = [ ];\n", "1: domains: must hold between 1 and 1000"
	  " domains" },
	{ "domains = [ \"a..b\" ];\n",
	  "1: domains: \"a..b\" has an empty label" },
	{ "domains = [ \"a.b\", \"A.B\" ];\n",
	  "1: domains: \"A.B\" is listed twice" },
	{ "domains = \"example.org\";\n",
	  "1: domains: must be a list of strings [ \"...\" ]" },
	{ "hostname = \"-bad\";\n",
	  "1: hostname: has a label starting with '-'" },
	{ "mail_path = \"/abs/%n\";\n",
	  "1: mail_path: must be relative to mail_root" },
	{ "mail_path = \"%d/../%n\";\n",
	  "1: mail_path: must not contain \"..\"" },
	{ "mail_path = \"%d\";\n", "1: mail_path: must contain %n or %u" },
	{ "mail_path = \"%x/%n\";\n",
	  "1: mail_path: knows only %d, %n, %u and %%" },
	{ "log_level = \"loud\";\n",
	  "1: log_level: must be \"error\", \"warn\", \"info\" or \"debug\"" },
	{ "plaintext_auth = \"sometimes\";\n",
	  "1: plaintext_auth: must be \"never\", \"loopback\" or \"always\"" },
	{ "users_file = \"\";\n", "1: users_file: must not be empty" },
	{ "run_user = \"a b\";\n",
	  "1: run_user: may hold only letters, digits, '.', '_' and '-'" },
	{ "smtpd = { banner = \"a\\nb\"; };\n",
	  "1: smtpd.banner: must not contain control characters" },
	{ "auth_failure_delay_ms = 60001;\n",
	  "1: auth_failure_delay_ms: must be between 0 and 60000" },
	{ "imapd = { hierarchy_separator = \"\\\\\"; };\n",
	  "1: imapd.hierarchy_separator: must be \"/\" or \".\"" },
	{ "imapd = { max_line_length = 1000; };\n",
	  "1: imapd.max_line_length: must be between 8192 and 16777216" },
	{ "imapd = {\n listeners = (\n { address = \"127.0.0.1\";\n"
	  "   port = 143; mode = \"mx\"; }\n );\n};\n",
	  "4: imapd.listeners[0].mode: unknown setting" },
	{ "imapd = { idle_timeout = 10; };\n",
	  "1: imapd.idle_timeout: must be between 1800 and 86400" },
	/* the floor itself, on the line that sets it */
	{ "imapd = {\n  login_timeout = 60;\n  idle_timeout = 1799;\n};\n",
	  "3: imapd.idle_timeout: must be between 1800 and 86400" },
	/* libconfig's own syntax errors keep file:line too */
	{ "log_level = \"info\"\nsmtpd = ;\n", "2: syntax error" },
};

START_TEST(test_bad_file)
{
	struct tern_config cfg;
	char *error = NULL, path[64], want[512];

	ck_assert_int_eq(load_text(bad_files[_i].text, NULL, &cfg, &error,
		path, sizeof(path)), -1);
	ck_assert_ptr_nonnull(error);
	snprintf(want, sizeof(want), "%s:%s", path, bad_files[_i].error);
	ck_assert_str_eq(error, want);
	free(error);
}
END_TEST

START_TEST(test_missing_file)
{
	struct tern_config cfg;
	char *error = NULL;

	ck_assert_int_eq(config_load("/nonexistent/tern.conf", NULL, &cfg,
		&error), -1);
	ck_assert_str_eq(error,
		"/nonexistent/tern.conf: cannot open: No such file or directory");
	free(error);
}
END_TEST

START_TEST(test_data_dir)
{
	struct tern_config cfg;
	char *error = NULL, path[64];
	char cwd[4096], want[4200];

	/* the argument wins over the file */
	ck_assert_int_eq(load_text("data_dir = \"/srv/a\";\n"
		"queue_dir = \"/var/spool/q\";\ntls_key = \"./k/./key.pem\";\n",
		"/tmp//b/", &cfg, &error, path, sizeof(path)), 0);
	ck_assert_str_eq(cfg.data_dir, "/tmp/b");
	ck_assert_str_eq(cfg.users_file, "/tmp/b/users");
	ck_assert_str_eq(cfg.queue_dir, "/var/spool/q");
	ck_assert_str_eq(cfg.tls_key, "/tmp/b/k/key.pem");
	config_clear(&cfg);

	/* a relative override is taken from the working directory */
	ck_assert_int_eq(config_load(NULL, "./d", &cfg, &error), 0);
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	snprintf(want, sizeof(want), "%s/d/mail", cwd);
	ck_assert_str_eq(cfg.mail_root, want);
	config_clear(&cfg);

	/* the file's relative data_dir likewise */
	ck_assert_int_eq(load_text("data_dir = \"state\";\n", NULL, &cfg,
		&error, path, sizeof(path)), 0);
	snprintf(want, sizeof(want), "%s/state", cwd);
	ck_assert_str_eq(cfg.data_dir, want);
	config_clear(&cfg);
}
END_TEST

START_TEST(test_dump_reloads)
{
	struct tern_config cfg, again;
	char *error = NULL, *text = NULL, path[64];
	size_t size = 0;
	FILE *f;

	ck_assert_int_eq(config_load(TEST_SRCDIR "/etc/tern.conf", NULL,
		&cfg, &error), 0);
	f = open_memstream(&text, &size);
	ck_assert_ptr_nonnull(f);
	config_dump(&cfg, f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "data_dir = \"/var/lib/tern\";"));
	ck_assert_ptr_nonnull(strstr(text, "port = 587;"));
	ck_assert_ptr_nonnull(strstr(text, "tls = \"implicit\";"));
	ck_assert_ptr_nonnull(strstr(text, "max_message_size = 36700160L;"));
	ck_assert_ptr_nonnull(strstr(text, "prefork = 8;"));
	ck_assert_ptr_nonnull(strstr(text, "max_use = 100;"));
	/* the dump is itself a valid file with the same settings */
	ck_assert_int_eq(load_text(text, NULL, &again, &error, path,
		sizeof(path)), 0);
	ck_assert_str_eq(again.hostname, cfg.hostname);
	ck_assert_str_eq(again.tls_key, cfg.tls_key);
	ck_assert_uint_eq(again.smtpd.n_listeners, cfg.smtpd.n_listeners);
	ck_assert_str_eq(again.smtpd.listeners[5].name,
		cfg.smtpd.listeners[5].name);
	ck_assert_uint_eq(again.smtpd.max_line_length,
		cfg.smtpd.max_line_length);
	ck_assert_uint_eq(again.smtpd.prefork, cfg.smtpd.prefork);
	ck_assert_uint_eq(again.smtpd.max_use, cfg.smtpd.max_use);
	free(text);
	config_clear(&again);
	config_clear(&cfg);
}
END_TEST

START_TEST(test_include)
{
	struct tern_config cfg;
	char *error = NULL, dir[64], main_path[128], inc_path[128];
	char want[256];
	FILE *f;

	snprintf(dir, sizeof(dir), "/tmp/tern-config-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(main_path, sizeof(main_path), "%s/tern.conf", dir);
	snprintf(inc_path, sizeof(inc_path), "%s/smtpd.conf", dir);
	f = fopen(main_path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("log_level = \"warn\";\n@include \"smtpd.conf\"\n", f);
	fclose(f);
	f = fopen(inc_path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("smtpd = {\n  max_errors = 5;\n};\n", f);
	fclose(f);
	ck_assert_int_eq(config_load(main_path, NULL, &cfg, &error), 0);
	ck_assert_uint_eq(cfg.smtpd.max_errors, 5);
	config_clear(&cfg);

	/* an error in the included file names that file */
	f = fopen(inc_path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("smtpd = {\n  max_errors = 5;\n  nope = 1;\n};\n", f);
	fclose(f);
	ck_assert_int_eq(config_load(main_path, NULL, &cfg, &error), -1);
	snprintf(want, sizeof(want), "%s:3: smtpd.nope: unknown setting",
		inc_path);
	ck_assert_str_eq(error, want);
	free(error);
	unlink(inc_path);
	unlink(main_path);
	rmdir(dir);
}
END_TEST

static const struct {
	const char *user;
	const char *path;	/* NULL: refused */
} maildirs[] = {
	{ "demo@example.test", "/m/example.test/demo/Maildir" },
	{ "Demo.X@EXAMPLE.Test", "/m/example.test/demo.x/Maildir" },
	{ "a@b@example.test", "/m/example.test/a@b/Maildir" },
	{ "demo", NULL },
	{ "@example.test", NULL },
	{ "demo@", NULL },
	{ "../x@example.test", NULL },
	{ "..@example.test", NULL },
	{ "a..b@example.test", NULL },
	{ ".hidden@example.test", NULL },
	{ "a/b@example.test", NULL },
	{ "demo@../etc", NULL },
	{ "demo@.", NULL },
	{ "demo@ex/ample", NULL },
	{ "de\tmo@example.test", NULL },
	{ "de\x7fmo@example.test", NULL },
};

START_TEST(test_maildir_path)
{
	struct tern_config cfg;
	char *error = NULL, out[256];
	int ret;

	ck_assert_int_eq(config_load(NULL, "/m", &cfg, &error), 0);
	free(cfg.mail_root);
	cfg.mail_root = strdup("/m");
	ret = config_maildir_path(&cfg, maildirs[_i].user, out, sizeof(out));
	if (maildirs[_i].path == NULL) {
		ck_assert_int_eq(ret, -1);
	} else {
		ck_assert_int_eq(ret, 0);
		ck_assert_str_eq(out, maildirs[_i].path);
	}
	config_clear(&cfg);
}
END_TEST

START_TEST(test_maildir_path_template)
{
	struct tern_config cfg;
	char *error = NULL, out[64];

	ck_assert_int_eq(config_load(NULL, "/m", &cfg, &error), 0);
	free(cfg.mail_path);
	cfg.mail_path = strdup("%u/Mail%%");
	ck_assert_int_eq(config_maildir_path(&cfg, "A@B.c", out,
		sizeof(out)), 0);
	ck_assert_str_eq(out, "/m/mail/a@b.c/Mail%");
	/* exactly fits, then one byte short */
	ck_assert_int_eq(config_maildir_path(&cfg, "A@B.c", out,
		strlen("/m/mail/a@b.c/Mail%") + 1), 0);
	ck_assert_int_eq(config_maildir_path(&cfg, "A@B.c", out,
		strlen("/m/mail/a@b.c/Mail%")), -1);
	config_clear(&cfg);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("load");

	tcase_add_test(tc, test_embedded_default);
	tcase_add_test(tc, test_good_file);
	tcase_add_test(tc, test_sample_file);
	tcase_add_loop_test(tc, test_bad_file, 0, N_ELEMENTS(bad_files));
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_data_dir);
	tcase_add_test(tc, test_dump_reloads);
	tcase_add_test(tc, test_include);
	suite_add_tcase(s, tc);
	tc = tcase_create("maildir");
	tcase_add_loop_test(tc, test_maildir_path, 0, N_ELEMENTS(maildirs));
	tcase_add_test(tc, test_maildir_path_template);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
