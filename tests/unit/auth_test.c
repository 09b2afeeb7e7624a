/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/auth.c: schemes, passwd-file parsing and errors,
 * unknown users, re-reading the file. */
#include <sys/stat.h>
#include <sys/time.h>
#include <check.h>
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "str.h"
#include "tern.h"

/* Made with: openssl passwd -6 -salt Yq0zQ6nA9cBw1QeF 'correct horse' */
#define OPENSSL_HASH "$6$Yq0zQ6nA9cBw1QeF$pPPDpuRmm.Jn/sfbWwBdQTJ4fryjvMvqM" \
	"QN97v8bGgmol.K.5ajJHPMLmDyBrECwCIvgY3HDPezo1cLjgz23q."

static char dir[64];
static char users_path[128];

static void
setup(void)
{
	ck_assert_int_lt(snprintf(dir, sizeof(dir), "/tmp/tern-auth-XXXXXX"),
		(int)sizeof(dir));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(users_path, sizeof(users_path), "%s/users", dir);
}

static void
teardown(void)
{
	unlink(users_path);
	rmdir(dir);
}

static void
write_users(const char *text)
{
	FILE *f = fopen(users_path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* A fresh hash of password with the crypt method of prefix. */
static char *
make_hash(const char *prefix, const char *password)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	char *out;

	ck_assert_ptr_nonnull(cd);
	/* low cost for blowfish: tests stay fast */
	ck_assert_ptr_nonnull(crypt_gensalt_rn(prefix,
		strcmp(prefix, "$2b$") == 0 ? 4 : 0, NULL, 0, salt,
		sizeof(salt)));
	ck_assert_ptr_nonnull(crypt_r(password, salt, cd));
	out = strdup(cd->output);
	free(cd);
	return out;
}

static const struct {
	const char *prefix;	/* crypt_gensalt method */
	const char *scheme;	/* what the users file says before it */
} methods[] = {
	{ "$6$", "{SHA512-CRYPT}" },
	{ "$6$", "" },
	{ "$5$", "{SHA256-CRYPT}" },
	{ "$2b$", "{BLF-CRYPT}" },
	{ "$y$", "{CRYPT}" },
	{ "$y$", "" },
	{ "$6$", "{sha512-crypt}" },
};

START_TEST(test_schemes)
{
	char *hash = make_hash(methods[_i].prefix, "s3cret pass");
	char stored[512];

	snprintf(stored, sizeof(stored), "%s%s", methods[_i].scheme, hash);
	ck_assert(auth_password_matches(stored, "s3cret pass", 11));
	ck_assert(!auth_password_matches(stored, "s3cret pasS", 11));
	ck_assert(!auth_password_matches(stored, "s3cret pas", 10));
	ck_assert(!auth_password_matches(stored, "s3cret pass!", 12));
	ck_assert(!auth_password_matches(stored, "", 0));
	/* a NUL inside the password never matches */
	ck_assert(!auth_password_matches(stored, "s3cret pass\0x", 13));
	free(hash);
}
END_TEST

/* Hashes of "tern-Secret 1" written by Dovecot 2.3's doveadm pw -s X:
 * what a site moving from Dovecot has in its passwd-file. */
static const char *const dovecot_hashes[] = {
	"{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$Pw4vBqQKa3/l9pJeMO/fOw$"
	    "hqUFSBT0vRlAI4Fop1Vlu4RKLVkJOglO4EHZ3Sxkr4I",
	"{ARGON2I}$argon2i$v=19$m=32768,t=4,p=1$+EK/hsjEamwwSmSEWpBLTw$"
	    "/wwfrNQrwf+kq8zUfU3ZfpFW9ozMANQAf/s+L6HENu0",
	"{SSHA512}JXWwj49q77czW7yFKDhX2CiGc6EOLBWw+6vL8yAugFvBnJg2OaqVCAuM7"
	    "rztj42zUZpBzxLqBKlp75TrwFhmUHFx/AA=",
	"{SSHA256}tBuVFfcAv2su9gUTG4CLp0PnWKITn4UR4oQlGUEMcG1VXf5V",
	"{SSHA}RK6MHiDgtaTezMrP+aa6yxO/BL7a0ArL",
	"{SHA512}BpJlLkYWFH73eCxsJbgd0j4QyUFAYweuVNCbDU24jfZ9BvlBGfCf99azbi0"
	    "Svkto2tsYY0pe3sdayIWyHC8L7A==",
	"{SHA256}MOKBMmXE1bnenf1j+IS+Kgs7Uv22wpyf7HoHeqwLRjk=",
	"{SHA}Z9cArhLOHPFTwYxMXeWyOSVcPR0=",
};

START_TEST(test_dovecot_schemes)
{
	const char *stored = dovecot_hashes[_i];

	ck_assert(auth_password_matches(stored, "tern-Secret 1", 13));
	ck_assert(!auth_password_matches(stored, "tern-Secret 2", 13));
	ck_assert(!auth_password_matches(stored, "tern-Secret ", 12));
	ck_assert(!auth_password_matches(stored, "", 0));
}
END_TEST

START_TEST(test_scheme_mismatch)
{
	char *hash = make_hash("$y$", "pw");
	char stored[512];

	snprintf(stored, sizeof(stored), "{SHA512-CRYPT}%s", hash);
	ck_assert(!auth_password_matches(stored, "pw", 2));
	snprintf(stored, sizeof(stored), "{ARGON2ID}%s", hash);
	ck_assert(!auth_password_matches(stored, "pw", 2));
	snprintf(stored, sizeof(stored), "{NOPE}%s", hash);
	ck_assert(!auth_password_matches(stored, "pw", 2));
	/* DES crypt (no "$id$") is refused */
	ck_assert(!auth_password_matches("abJnggxhB/yWI", "pw", 2));
	ck_assert(!auth_password_matches("", "", 0));
	ck_assert(auth_password_matches("{PLAIN}pw", "pw", 2));
	ck_assert(!auth_password_matches("{PLAIN}pw", "pW", 2));
	ck_assert(!auth_password_matches("{PLAIN}pw", "pw2", 3));
	free(hash);
}
END_TEST

START_TEST(test_openssl_line)
{
	struct auth_db *db = NULL;
	char *error = NULL;

	write_users("# made by openssl passwd -6\n"
		"\n"
		"   \t\n"
		"  # indented comment\n"
		"alice@example.test:{SHA512-CRYPT}" OPENSSL_HASH "::::::\n"
		"bob@example.test:" OPENSSL_HASH "\r\n"
		"carol@example.test:{PLAIN}plain:1000:1000:Carol:/home/c:"
		"/bin/false:userdb_quota_rule=*:storage=1G\n"
		"nopass@example.test::::\n");
	ck_assert_int_eq(auth_db_open(users_path, &db, &error), 0);
	ck_assert_ptr_null(auth_db_error(db));
	ck_assert(auth_user_exists(db, "alice@example.test"));
	ck_assert(auth_user_exists(db, "ALICE@Example.TEST"));
	ck_assert(auth_user_exists(db, "bob@example.test"));
	ck_assert(auth_user_exists(db, "nopass@example.test"));
	ck_assert(!auth_user_exists(db, "alice"));
	ck_assert(!auth_user_exists(db, "mallory@example.test"));
	ck_assert_int_eq(auth_verify(db, "alice@example.test",
		"correct horse", 13), AUTH_OK);
	ck_assert_int_eq(auth_verify(db, "Alice@EXAMPLE.test",
		"correct horse", 13), AUTH_OK);
	ck_assert_int_eq(auth_verify(db, "bob@example.test",
		"correct horse", 13), AUTH_OK);
	ck_assert_int_eq(auth_verify(db, "alice@example.test",
		"correct horsE", 13), AUTH_FAILED);
	ck_assert_int_eq(auth_verify(db, "carol@example.test", "plain", 5),
		AUTH_OK);
	/* an empty password field never lets anyone in */
	ck_assert_int_eq(auth_verify(db, "nopass@example.test", "", 0),
		AUTH_FAILED);
	/* an unknown user gets the same answer */
	ck_assert_int_eq(auth_verify(db, "mallory@example.test",
		"correct horse", 13), AUTH_FAILED);
	auth_db_free(&db);
	ck_assert_ptr_null(db);
	auth_db_free(&db);
}
END_TEST

/* Bad files and the error after "<users_path>:". */
static const struct {
	const char *text;
	const char *error;
} bad_files[] = {
	{ "# x\nalice@example.test\n", "2: no password field" },
	{ ":{PLAIN}x\n", "1: bad user name length" },
	{ "al ice@example.test:{PLAIN}x\n",
	  "1: space or control character in the user name" },
	{ "a@b:{PLAIN}x\n\n\nc@d:{MD4}abc\n", "4: unknown password scheme" },
	{ "a@b:{ARGON2ID}$argon2id$v=19$m=4194304,t=3,p=1$c2FsdA$aGFzaA\n",
	  "1: not an argon2 hash of its kind (v=19) within the cost "
	  "bounds" },
	{ "a@b:{ARGON2ID}$argon2i$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA\n",
	  "1: not an argon2 hash of its kind (v=19) within the cost "
	  "bounds" },
	{ "a@b:{ARGON2I}$argon2i$v=19$m=65536,t=3$c2FsdA$aGFzaA\n",
	  "1: not an argon2 hash of its kind (v=19) within the cost "
	  "bounds" },
	{ "a@b:{SSHA512}c2FsdA==\n",
	  "1: hash is not the base64 of its digest" },
	{ "a@b:{SHA256}not base64!\n",
	  "1: hash is not the base64 of its digest" },
	{ "a@b:{SHA512-CRYPT}$5$abc$def\n",
	  "1: hash does not match its scheme" },
	{ "a@b:abJnggxhB/yWI\n", "1: hash does not match its scheme" },
	{ "a@b:{SHA512-CRYPT$6$x\n", "1: unterminated {SCHEME}" },
	{ "a@b:{PLAIN}x\nc@d:{PLAIN}y\nA@B:{PLAIN}z\n",
	  "3: a@b is already on line 1" },
};

START_TEST(test_bad_file)
{
	struct auth_db *db = NULL;
	char *error = NULL, want[512];

	write_users(bad_files[_i].text);
	ck_assert_int_eq(auth_db_open(users_path, &db, &error), -1);
	ck_assert_ptr_null(db);
	snprintf(want, sizeof(want), "%s:%s", users_path,
		bad_files[_i].error);
	ck_assert_str_eq(error, want);
	free(error);
}
END_TEST

/* The same files through the in-memory parser. */
START_TEST(test_parse_bad)
{
	char *error = NULL, want[512];
	size_t n = 99;

	ck_assert_int_eq(auth_passwd_parse("users",
		span_str(bad_files[_i].text), &n, &error), -1);
	ck_assert_uint_eq(n, 99);
	snprintf(want, sizeof(want), "users:%s", bad_files[_i].error);
	ck_assert_str_eq(error, want);
	free(error);
}
END_TEST

START_TEST(test_parse_good)
{
	/* no final newline, CRLF, comments, blank lines, a NUL-free last
	 * line cut exactly at the end of the text */
	static const char text[] = "# users\r\n\n  \t\n"
		"a@b:{PLAIN}x:1000:1000::/home/a::\r\n"
		"c@d:" OPENSSL_HASH "\n"
		"e@f::\n"
		"g@h:{PLAIN}y";
	char *error = NULL;
	size_t n = 0;

	ck_assert_int_eq(auth_passwd_parse("users",
		span_make(text, sizeof(text) - 1), &n, &error), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(auth_passwd_parse("users", span_make("", 0), &n,
		&error), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(auth_passwd_parse("users",
		span_make("a@b:{PLAIN}x\0y\n", 15), &n, &error), -1);
	ck_assert_str_eq(error, "users:1: NUL byte");
	free(error);
}
END_TEST

START_TEST(test_long_line)
{
	struct auth_db *db = NULL;
	char *error = NULL, want[512], *text;
	size_t n = 5000;

	text = malloc(n + 32);
	ck_assert_ptr_nonnull(text);
	memcpy(text, "a@b:{PLAIN}x\nc@d:{PLAIN}", 24);
	memset(text + 24, 'y', n);
	memcpy(text + 24 + n, "\n", 2);
	write_users(text);
	free(text);
	ck_assert_int_eq(auth_db_open(users_path, &db, &error), -1);
	snprintf(want, sizeof(want), "%s:2: line too long", users_path);
	ck_assert_str_eq(error, want);
	free(error);
}
END_TEST

START_TEST(test_missing_file)
{
	struct auth_db *db = NULL;
	char *error = NULL, want[512];

	ck_assert_int_eq(auth_db_open(users_path, &db, &error), -1);
	snprintf(want, sizeof(want), "%s: No such file or directory",
		users_path);
	ck_assert_str_eq(error, want);
	free(error);
}
END_TEST

/* Give the file an mtime apart from the last one, so a rewrite of the
 * same size within one clock tick is still seen. */
static void
bump_mtime(long sec)
{
	struct timeval tv[2] = { { sec, 0 }, { sec, 0 } };

	ck_assert_int_eq(utimes(users_path, tv), 0);
}

START_TEST(test_reread)
{
	struct auth_db *db = NULL;
	char *error = NULL;

	write_users("a@b:{PLAIN}one\n");
	bump_mtime(1000000000);
	ck_assert_int_eq(auth_db_open(users_path, &db, &error), 0);
	ck_assert_int_eq(auth_verify(db, "a@b", "one", 3), AUTH_OK);

	/* same size, new mtime */
	write_users("a@b:{PLAIN}two\n");
	bump_mtime(1000000001);
	ck_assert_int_eq(auth_verify(db, "a@b", "one", 3), AUTH_FAILED);
	ck_assert_int_eq(auth_verify(db, "a@b", "two", 3), AUTH_OK);

	/* new size, same mtime */
	write_users("a@b:{PLAIN}two\nc@d:{PLAIN}three\n");
	bump_mtime(1000000001);
	ck_assert(auth_user_exists(db, "c@d"));

	/* a broken file: TEMPFAIL with a reason, until it is fixed */
	write_users("a@b:{PLAIN}two\nc@d:{NOPE}three\n");
	bump_mtime(1000000002);
	ck_assert_int_eq(auth_verify(db, "a@b", "two", 3), AUTH_TEMPFAIL);
	ck_assert_ptr_nonnull(auth_db_error(db));
	ck_assert(!auth_user_exists(db, "a@b"));
	write_users("a@b:{PLAIN}two\n");
	bump_mtime(1000000003);
	ck_assert_int_eq(auth_verify(db, "a@b", "two", 3), AUTH_OK);
	ck_assert_ptr_null(auth_db_error(db));

	/* a vanished file: TEMPFAIL */
	unlink(users_path);
	ck_assert_int_eq(auth_verify(db, "a@b", "two", 3), AUTH_TEMPFAIL);
	auth_db_free(&db);
}
END_TEST

START_TEST(test_empty_file)
{
	struct auth_db *db = NULL;
	char *error = NULL;

	write_users("");
	ck_assert_int_eq(auth_db_open(users_path, &db, &error), 0);
	ck_assert(!auth_user_exists(db, "a@b"));
	/* the dummy hash is used: still a plain failure */
	ck_assert_int_eq(auth_verify(db, "a@b", "x", 1), AUTH_FAILED);
	auth_db_free(&db);
}
END_TEST

START_TEST(test_failure_delay)
{
	struct timespec t0, t1;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	auth_failure_delay(20);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
		(t1.tv_nsec - t0.tv_nsec) / 1000000;
	ck_assert_int_ge(ms, 20);
	auth_failure_delay(0);
}
END_TEST

static Suite *
auth_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("schemes");

	/* crypt(3) under ASan on a loaded machine (make -j) can pass
	 * Check's default 4 s per test */
	tcase_set_timeout(tc, 60);

	tcase_add_loop_test(tc, test_schemes, 0, N_ELEMENTS(methods));
	tcase_add_loop_test(tc, test_dovecot_schemes, 0,
		N_ELEMENTS(dovecot_hashes));
	tcase_add_test(tc, test_scheme_mismatch);
	suite_add_tcase(s, tc);

	tc = tcase_create("passwd-file");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_openssl_line);
	tcase_add_loop_test(tc, test_bad_file, 0, N_ELEMENTS(bad_files));
	tcase_add_loop_test(tc, test_parse_bad, 0, N_ELEMENTS(bad_files));
	tcase_add_test(tc, test_parse_good);
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_reread);
	tcase_add_test(tc, test_empty_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("delay");
	tcase_add_test(tc, test_failure_delay);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(auth_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
