/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/bootstrap.c: a fresh data directory, a second run
 * that changes nothing, the demo password, the certificate, concurrent
 * starts. Each test works in its own temporary directory. */
#include <sys/stat.h>
#include <sys/wait.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "auth.h"
#include "bootstrap.h"
#include "config.h"
#include "tern.h"

static char top[64];
static char data[128];

static void
setup(void)
{
	snprintf(top, sizeof(top), "/tmp/tern-boot-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(top));
	/* data_dir itself does not exist yet, nor its parent */
	snprintf(data, sizeof(data), "%s/a/var", top);
}

static void
teardown(void)
{
	char cmd[256];

	/* the directory is ours, made by mkdtemp above */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	ck_assert_int_eq(system(cmd), 0);
}

static void
load(struct tern_config *cfg)
{
	char *error = NULL;

	ck_assert_int_eq(config_load(NULL, data, cfg, &error), 0);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t size = 0;
	ssize_t n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	n = getdelim(&text, &size, '\0', f);
	ck_assert_int_gt(n, 0);
	fclose(f);
	return text;
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_mode & 07777;
}

static void
check_demo_password(const struct tern_config *cfg)
{
	char path[256];
	char *pw, *nl;
	struct auth_db *db = NULL;
	char *error = NULL;

	snprintf(path, sizeof(path), "%s/demo-password", cfg->data_dir);
	pw = slurp(path);
	nl = strchr(pw, '\n');
	ck_assert_ptr_nonnull(nl);
	*nl = '\0';
	ck_assert_uint_eq(strlen(pw), 16);
	ck_assert_int_eq(auth_db_open(cfg->users_file, &db, &error), 0);
	ck_assert_int_eq(auth_verify(db, "demo@example.test", pw,
		strlen(pw)), AUTH_OK);
	ck_assert_int_eq(auth_verify(db, "demo@example.test", "x", 1),
		AUTH_FAILED);
	auth_db_free(&db);
	free(pw);
}

static void
check_cert(const struct tern_config *cfg)
{
	FILE *f;
	X509 *x;
	EVP_PKEY *key;
	GENERAL_NAMES *sans;
	int i, dns = 0, ip = 0;

	f = fopen(cfg->tls_cert, "r");
	ck_assert_ptr_nonnull(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	ck_assert_ptr_nonnull(x);
	f = fopen(cfg->tls_key, "r");
	ck_assert_ptr_nonnull(f);
	key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	ck_assert_ptr_nonnull(key);
	ck_assert_int_eq(X509_check_private_key(x, key), 1);
	ck_assert_int_eq(X509_check_host(x, "localhost", 0, 0, NULL), 1);
	ck_assert_int_eq(X509_check_ip_asc(x, "127.0.0.1", 0), 1);
	ck_assert_int_eq(X509_check_ip_asc(x, "::1", 0), 1);
	ck_assert_int_ne(X509_check_host(x, "example.org", 0, 0, NULL), 1);
	sans = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	ck_assert_ptr_nonnull(sans);
	for (i = 0; i < sk_GENERAL_NAME_num(sans); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(sans, i);

		if (gn->type == GEN_DNS)
			dns++;
		else if (gn->type == GEN_IPADD)
			ip++;
	}
	ck_assert_int_eq(dns, 1);
	ck_assert_int_eq(ip, 2);
	GENERAL_NAMES_free(sans);
	/* about ten years */
	ck_assert_int_gt(X509_cmp_time(X509_get0_notAfter(x),
		&(time_t){ time(NULL) + 9L * 365 * 86400 }), 0);
	/* self-signed */
	ck_assert_int_eq(X509_verify(x, key), 1);
	EVP_PKEY_free(key);
	X509_free(x);
}

START_TEST(test_fresh_then_unchanged)
{
	struct tern_config cfg;
	char *error = NULL, path[256];
	char *users, *cert, *key, *pw;
	struct stat st1, st2;

	load(&cfg);
	ck_assert_int_eq(bootstrap_data_dir(&cfg, &error), 0);
	ck_assert_ptr_null(error);
	ck_assert_uint_eq(mode_of(cfg.data_dir), 0700);
	ck_assert_uint_eq(mode_of(cfg.mail_root), 0700);
	ck_assert_uint_eq(mode_of(cfg.queue_dir), 0700);
	ck_assert_uint_eq(mode_of(cfg.users_file) & 077, 0);
	ck_assert_uint_eq(mode_of(cfg.tls_key), 0600);
	snprintf(path, sizeof(path), "%s/demo-password", cfg.data_dir);
	ck_assert_uint_eq(mode_of(path), 0600);
	check_demo_password(&cfg);
	check_cert(&cfg);

	users = slurp(cfg.users_file);
	ck_assert_ptr_nonnull(strstr(users,
		"\ndemo@example.test:{SHA512-CRYPT}$6$"));
	cert = slurp(cfg.tls_cert);
	key = slurp(cfg.tls_key);
	pw = slurp(path);
	ck_assert_int_eq(stat(cfg.tls_cert, &st1), 0);

	/* the second start changes nothing */
	ck_assert_int_eq(bootstrap_data_dir(&cfg, &error), 0);
	ck_assert_int_eq(stat(cfg.tls_cert, &st2), 0);
	ck_assert_uint_eq(st1.st_ino, st2.st_ino);
	{
		char *u2 = slurp(cfg.users_file), *c2 = slurp(cfg.tls_cert);
		char *k2 = slurp(cfg.tls_key), *p2 = slurp(path);

		ck_assert_str_eq(u2, users);
		ck_assert_str_eq(c2, cert);
		ck_assert_str_eq(k2, key);
		ck_assert_str_eq(p2, pw);
		free(u2);
		free(c2);
		free(k2);
		free(p2);
	}
	/* no temporary files left behind */
	{
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "test -z \"$(find '%s' -name "
			"'*.tmp.*')\"", top);
		ck_assert_int_eq(system(cmd), 0);
	}
	free(users);
	free(cert);
	free(key);
	free(pw);
	config_clear(&cfg);
}
END_TEST

START_TEST(test_password_kept)
{
	struct tern_config cfg;
	char *error = NULL, path[256];
	char *pw1, *pw2;

	load(&cfg);
	ck_assert_int_eq(bootstrap_data_dir(&cfg, &error), 0);
	snprintf(path, sizeof(path), "%s/demo-password", cfg.data_dir);
	pw1 = slurp(path);
	/* the users file is lost: remade with the same password */
	ck_assert_int_eq(unlink(cfg.users_file), 0);
	ck_assert_int_eq(bootstrap_data_dir(&cfg, &error), 0);
	pw2 = slurp(path);
	ck_assert_str_eq(pw1, pw2);
	check_demo_password(&cfg);
	free(pw1);
	free(pw2);
	config_clear(&cfg);
}
END_TEST

START_TEST(test_existing_users_file)
{
	struct tern_config cfg;
	char *error = NULL, path[256];
	FILE *f;

	load(&cfg);
	ck_assert_int_eq(bootstrap_data_dir(&cfg, &error), 0);
	config_clear(&cfg);
	/* a site with its own users file gets no demo user */
	snprintf(data, sizeof(data), "%s/b", top);
	load(&cfg);
	ck_assert_int_eq(mkdir(data, 0700), 0);
	f = fopen(cfg.users_file, "w");
	ck_assert_ptr_nonnull(f);
	fputs("a@example.test:{PLAIN}x\n", f);
	fclose(f);
	ck_assert_int_eq(bootstrap_data_dir(&cfg, &error), 0);
	snprintf(path, sizeof(path), "%s/demo-password", cfg.data_dir);
	ck_assert_int_ne(access(path, F_OK), 0);
	config_clear(&cfg);
}
END_TEST

START_TEST(test_half_pair)
{
	struct tern_config cfg;
	char *error = NULL;

	load(&cfg);
	ck_assert_int_eq(bootstrap_data_dir(&cfg, &error), 0);
	ck_assert_int_eq(unlink(cfg.tls_key), 0);
	ck_assert_int_eq(bootstrap_data_dir(&cfg, &error), -1);
	ck_assert_ptr_nonnull(strstr(error, "exists but"));
	free(error);
	config_clear(&cfg);
}
END_TEST

START_TEST(test_concurrent)
{
	struct tern_config cfg;
	pid_t pids[4];
	size_t i;

	load(&cfg);
	for (i = 0; i < N_ELEMENTS(pids); i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0) {
			char *error = NULL;

			_exit(bootstrap_data_dir(&cfg, &error) == 0 ? 0 : 1);
		}
	}
	for (i = 0; i < N_ELEMENTS(pids); i++) {
		int status;

		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	check_demo_password(&cfg);
	check_cert(&cfg);
	config_clear(&cfg);
}
END_TEST

static Suite *
bootstrap_suite(void)
{
	Suite *s = suite_create("bootstrap");
	TCase *tc = tcase_create("data_dir");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fresh_then_unchanged);
	tcase_add_test(tc, test_password_kept);
	tcase_add_test(tc, test_existing_users_file);
	tcase_add_test(tc, test_half_pair);
	tcase_add_test(tc, test_concurrent);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(bootstrap_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
