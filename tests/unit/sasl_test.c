/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/sasl.c: base64 both ways, PLAIN and LOGIN exchanges
 * against a passwd-file with {PLAIN} entries. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "auth.h"
#include "buf.h"
#include "sasl.h"
#include "tern.h"

/* RFC 4648 10 test vectors, and more. */
static const struct {
	const char *plain;
	const char *b64;
} vectors[] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
	{ "Username:", "VXNlcm5hbWU6" },
	{ "Password:", "UGFzc3dvcmQ6" },
	{ "\xff\xfe?>", "//4/Pg==" },
};

START_TEST(test_base64_vectors)
{
	struct buf b;

	buf_init(&b, 64);
	ck_assert_int_eq(base64_encode(vectors[_i].plain,
		strlen(vectors[_i].plain), &b), 0);
	ck_assert_str_eq(buf_str(&b), vectors[_i].b64);
	buf_reset(&b);
	ck_assert_int_eq(base64_decode(span_str(vectors[_i].b64), &b), 0);
	ck_assert_uint_eq(b.len, strlen(vectors[_i].plain));
	ck_assert_mem_eq(b.data != NULL ? b.data : "", vectors[_i].plain,
		b.len);
	buf_clear(&b);
}
END_TEST

static const char *const bad_b64[] = {
	"Zg", "Zg=", "Zm9", "Z===", "====", "Zg==Zg==", "Zm9v\n", " Zm9v",
	"Zm 9v", "Zm9v*A==", "Zh==", "Zm9=", "Zm-v", "Zm_v", "Zg=A",
	"=Zm9", "Zm=v",
};

START_TEST(test_base64_bad)
{
	struct buf b;

	buf_init(&b, 64);
	ck_assert_int_eq(buf_puts(&b, "keep"), 0);
	ck_assert_int_eq(base64_decode(span_str(bad_b64[_i]), &b), -1);
	ck_assert_str_eq(buf_str(&b), "keep");
	buf_clear(&b);
}
END_TEST

START_TEST(test_base64_limits)
{
	struct buf b;

	buf_init(&b, 4);
	ck_assert_int_eq(base64_decode(span_str("Zm9vYg=="), &b), 0);
	ck_assert_int_eq(base64_decode(span_str("Zg=="), &b), -1);
	ck_assert_str_eq(buf_str(&b), "foob");
	buf_reset(&b);
	ck_assert_int_eq(base64_encode("foo", 3, &b), 0);
	ck_assert_int_eq(base64_encode("f", 1, &b), -1);
	ck_assert_str_eq(buf_str(&b), "Zm9v");
	buf_clear(&b);
}
END_TEST

static char users_path[64];
static struct auth_db *db;

static void
setup(void)
{
	char *error = NULL;
	FILE *f;
	int fd;

	snprintf(users_path, sizeof(users_path), "/tmp/tern-sasl-XXXXXX");
	fd = mkstemp(users_path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	/* {PLAIN} keeps the tests fast; crypt is tested in auth_test */
	fputs("tim@example.test:{PLAIN}tanstaaftanstaaf\n", f);
	fputs("demo@example.test:{PLAIN}pass word\n", f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(auth_db_open(users_path, &db, &error), 0);
}

static void
teardown(void)
{
	auth_db_free(&db);
	unlink(users_path);
}

/* The base64 of len bytes at p (with NULs) into a static buffer. */
static const char *
b64(const char *p, size_t len)
{
	static struct buf b;	/* reachable until exit: no leak */

	buf_reset(&b);
	ck_assert_int_eq(base64_encode(p, len, &b), 0);
	return buf_str(&b);
}

#define B64(lit) b64(lit, sizeof(lit) - 1)

START_TEST(test_plain_initial)
{
	struct sasl_server *s = sasl_server_new("plain", db);
	struct buf ch;
	const char *error;

	buf_init(&ch, 1024);
	ck_assert_ptr_nonnull(s);
	/* RFC 4616 4 example */
	ck_assert_int_eq(sasl_server_step(s,
		B64("\0tim@example.test\0tanstaaftanstaaf"), &ch, &error),
		SASL_OK);
	ck_assert_ptr_null(error);
	ck_assert_str_eq(sasl_server_user(s), "tim@example.test");
	/* one exchange per object */
	ck_assert_int_eq(sasl_server_step(s, "", &ch, &error), SASL_BAD);
	sasl_server_free(&s);
	ck_assert_ptr_null(s);
	sasl_server_free(&s);
	buf_clear(&ch);
}
END_TEST

START_TEST(test_plain_challenge)
{
	struct sasl_server *s = sasl_server_new("PLAIN", db);
	struct buf ch;
	const char *error;

	buf_init(&ch, 1024);
	ck_assert_int_eq(sasl_server_step(s, NULL, &ch, &error),
		SASL_CONTINUE);
	ck_assert_str_eq(buf_str(&ch), "");
	ck_assert_int_eq(sasl_server_step(s,
		B64("demo@example.test\0Demo@Example.TEST\0pass word"), &ch,
		&error), SASL_OK);
	/* the identity is canonical (lowercase), however it was typed */
	ck_assert_str_eq(sasl_server_user(s), "demo@example.test");
	sasl_server_free(&s);
	buf_clear(&ch);
}
END_TEST

/* PLAIN messages that must fail, with the status they get. */
static const struct {
	const char *msg;
	size_t len;
	enum sasl_status status;
} plain_cases[] = {
#define M(lit, st) { lit, sizeof(lit) - 1, st }
	M("\0tim@example.test\0wrong", SASL_FAIL),
	M("\0nobody@example.test\0tanstaaftanstaaf", SASL_FAIL),
	M("demo@example.test\0tim@example.test\0tanstaaftanstaaf",
	  SASL_FAIL),
	M("tim@example.test", SASL_BAD),
	M("\0tim@example.test", SASL_BAD),
	M("\0\0tanstaaftanstaaf", SASL_BAD),
	M("\0tim@example.test\0", SASL_BAD),
	M("\0tim@example.test\0tanstaaf\0tanstaaf", SASL_BAD),
	M("\0tim@exa\nmple.test\0tanstaaftanstaaf", SASL_BAD),
	M("", SASL_BAD),
#undef M
};

START_TEST(test_plain_bad)
{
	struct sasl_server *s = sasl_server_new("PLAIN", db);
	struct buf ch;
	const char *error;

	buf_init(&ch, 1024);
	ck_assert_int_eq(sasl_server_step(s, b64(plain_cases[_i].msg,
		plain_cases[_i].len), &ch, &error), plain_cases[_i].status);
	ck_assert_ptr_nonnull(error);
	sasl_server_free(&s);
	buf_clear(&ch);
}
END_TEST

START_TEST(test_plain_malformed)
{
	struct sasl_server *s = sasl_server_new("PLAIN", db);
	struct buf ch;
	const char *error;

	buf_init(&ch, 1024);
	ck_assert_int_eq(sasl_server_step(s, "AHRpbQ=x", &ch, &error),
		SASL_BAD);
	sasl_server_free(&s);

	/* "=" is an empty initial response: an empty PLAIN message */
	s = sasl_server_new("PLAIN", db);
	ck_assert_int_eq(sasl_server_step(s, "=", &ch, &error), SASL_BAD);
	sasl_server_free(&s);

	/* far over the limit */
	{
		char big[8192];

		memset(big, 'A', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		s = sasl_server_new("PLAIN", db);
		ck_assert_int_eq(sasl_server_step(s, big, &ch, &error),
			SASL_BAD);
		sasl_server_free(&s);
	}
	buf_clear(&ch);
}
END_TEST

START_TEST(test_login)
{
	struct sasl_server *s = sasl_server_new("login", db);
	struct buf ch;
	const char *error;

	buf_init(&ch, 1024);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(sasl_server_step(s, NULL, &ch, &error),
		SASL_CONTINUE);
	ck_assert_str_eq(buf_str(&ch), "VXNlcm5hbWU6");
	ck_assert_ptr_null(sasl_server_user(s));
	ck_assert_int_eq(sasl_server_step(s, B64("demo@example.test"), &ch,
		&error), SASL_CONTINUE);
	ck_assert_str_eq(buf_str(&ch), "UGFzc3dvcmQ6");
	ck_assert_str_eq(sasl_server_user(s), "demo@example.test");
	ck_assert_int_eq(sasl_server_step(s, B64("pass word"), &ch, &error),
		SASL_OK);
	ck_assert_str_eq(buf_str(&ch), "");
	sasl_server_free(&s);

	/* the user name as the initial response */
	s = sasl_server_new("LOGIN", db);
	ck_assert_int_eq(sasl_server_step(s, B64("tim@example.test"), &ch,
		&error), SASL_CONTINUE);
	ck_assert_str_eq(buf_str(&ch), "UGFzc3dvcmQ6");
	ck_assert_int_eq(sasl_server_step(s, B64("nope"), &ch, &error),
		SASL_FAIL);
	ck_assert_str_eq(sasl_server_user(s), "tim@example.test");
	sasl_server_free(&s);
	buf_clear(&ch);
}
END_TEST

START_TEST(test_login_bad)
{
	struct sasl_server *s = sasl_server_new("LOGIN", db);
	struct buf ch;
	const char *error;

	buf_init(&ch, 1024);
	ck_assert_int_eq(sasl_server_step(s, NULL, &ch, &error),
		SASL_CONTINUE);
	/* an empty user name */
	ck_assert_int_eq(sasl_server_step(s, "", &ch, &error), SASL_BAD);
	/* over after a BAD */
	ck_assert_int_eq(sasl_server_step(s, B64("tim@example.test"), &ch,
		&error), SASL_BAD);
	sasl_server_free(&s);

	s = sasl_server_new("LOGIN", db);
	ck_assert_int_eq(sasl_server_step(s, NULL, &ch, &error),
		SASL_CONTINUE);
	ck_assert_int_eq(sasl_server_step(s, B64("tim@example.test"), &ch,
		&error), SASL_CONTINUE);
	/* NUL inside the password */
	ck_assert_int_eq(sasl_server_step(s, B64("tanstaaf\0tanstaaf"), &ch,
		&error), SASL_BAD);
	sasl_server_free(&s);

	/* no response where one is due */
	s = sasl_server_new("LOGIN", db);
	ck_assert_int_eq(sasl_server_step(s, NULL, &ch, &error),
		SASL_CONTINUE);
	ck_assert_int_eq(sasl_server_step(s, NULL, &ch, &error), SASL_BAD);
	sasl_server_free(&s);
	buf_clear(&ch);
}
END_TEST

START_TEST(test_tempfail)
{
	struct sasl_server *s = sasl_server_new("PLAIN", db);
	struct buf ch;
	const char *error;

	buf_init(&ch, 1024);
	unlink(users_path);
	ck_assert_int_eq(sasl_server_step(s,
		B64("\0tim@example.test\0tanstaaftanstaaf"), &ch, &error),
		SASL_TEMPFAIL);
	sasl_server_free(&s);
	buf_clear(&ch);
}
END_TEST

START_TEST(test_mechanisms)
{
	ck_assert_str_eq(sasl_mechanisms(), "PLAIN LOGIN");
	ck_assert_ptr_null(sasl_server_new("CRAM-MD5", NULL));
	ck_assert_ptr_null(sasl_server_new("PLAINX", NULL));
	ck_assert_ptr_null(sasl_server_new("", NULL));
}
END_TEST

static Suite *
sasl_suite(void)
{
	Suite *s = suite_create("sasl");
	TCase *tc = tcase_create("base64");

	tcase_add_loop_test(tc, test_base64_vectors, 0, N_ELEMENTS(vectors));
	tcase_add_loop_test(tc, test_base64_bad, 0, N_ELEMENTS(bad_b64));
	tcase_add_test(tc, test_base64_limits);
	suite_add_tcase(s, tc);

	tc = tcase_create("mechanisms");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_plain_initial);
	tcase_add_test(tc, test_plain_challenge);
	tcase_add_loop_test(tc, test_plain_bad, 0, N_ELEMENTS(plain_cases));
	tcase_add_test(tc, test_plain_malformed);
	tcase_add_test(tc, test_login);
	tcase_add_test(tc, test_login_bad);
	tcase_add_test(tc, test_tempfail);
	tcase_add_test(tc, test_mechanisms);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(sasl_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
