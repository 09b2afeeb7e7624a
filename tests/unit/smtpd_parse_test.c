/* SPDX-License-Identifier: MIT */
/* Unit tests for smtpd/parse.c: the SMTP command parser. */
#include <check.h>
#include <stdlib.h>

#include "../../smtpd/parse.h"
#include "arena.h"
#include "str.h"
#include "tern.h"

static const struct {
	const char *in;
	int ret;
	const char *verb, *args;
} cmd_cases[] = {
	{ "EHLO client.example", 0, "EHLO", "client.example" },
	{ "ehlo   client.example  ", 0, "ehlo", "client.example" },
	{ "QUIT", 0, "QUIT", "" },
	{ "NOOP ", 0, "NOOP", "" },
	{ "MAIL FROM:<a@b>", 0, "MAIL", "FROM:<a@b>" },
	{ "", -1, NULL, NULL },
	{ " QUIT", -1, NULL, NULL },
	{ "QUIT\tx", -1, NULL, NULL },
	{ "MAIL:FROM", -1, NULL, NULL },
	{ "EH1O x", -1, NULL, NULL },
	{ "ABCDEFGHIJKLMNOPQ", -1, NULL, NULL },
	{ "GET / HTTP/1.1", 0, "GET", "/ HTTP/1.1" },
};

START_TEST(test_command)
{
	struct smtp_cmd_line out;
	const char *error = NULL;
	int ret = parse_command(span_str(cmd_cases[_i].in), &out, &error);

	ck_assert_msg(ret == cmd_cases[_i].ret, "%s", cmd_cases[_i].in);
	if (ret == 0) {
		ck_assert(span_eq(out.verb, cmd_cases[_i].verb));
		ck_assert(span_eq(out.args, cmd_cases[_i].args));
	} else {
		ck_assert_ptr_nonnull(error);
	}
}
END_TEST

START_TEST(test_command_nul)
{
	struct smtp_cmd_line out;
	const char *error;

	ck_assert_int_eq(parse_command(span_make("NOOP\0x", 6), &out, &error),
	    -1);
	ck_assert_str_eq(error, "NUL in command");
}
END_TEST

static const struct {
	const char *in;
	int ret;
	const char *addr;
	uint64_t size;		/* (uint64_t)-1: no SIZE */
	enum smtp_body body;
	bool utf8;
	const char *auth;
} mail_cases[] = {
	{ "FROM:<a@b.example>", 0, "a@b.example", (uint64_t)-1,
	  SMTP_BODY_NONE, false, NULL },
	{ "from:<>", 0, "", (uint64_t)-1, SMTP_BODY_NONE, false, NULL },
	{ "FROM: <a@b>", 0, "a@b", (uint64_t)-1, SMTP_BODY_NONE, false, NULL },
	{ "FROM:<a@b> SIZE=1000 BODY=8BITMIME", 0, "a@b", 1000,
	  SMTP_BODY_8BITMIME, false, NULL },
	{ "FROM:<a@b> body=7bit size=0", 0, "a@b", 0, SMTP_BODY_7BIT, false,
	  NULL },
	{ "FROM:<a@b> SMTPUTF8", 0, "a@b", (uint64_t)-1, SMTP_BODY_NONE, true,
	  NULL },
	{ "FROM:<\xc3\xa9@b> SMTPUTF8", 0, "\xc3\xa9@b", (uint64_t)-1,
	  SMTP_BODY_NONE, true, NULL },
	{ "FROM:<\xc3\xa9@b>", 0, "\xc3\xa9@b", (uint64_t)-1, SMTP_BODY_NONE,
	  false, NULL },
	{ "FROM:<a@b> AUTH=<>", 0, "a@b", (uint64_t)-1, SMTP_BODY_NONE, false,
	  "" },
	{ "FROM:<a@b> AUTH=x+2By@b", 0, "a@b", (uint64_t)-1, SMTP_BODY_NONE,
	  false, "x+y@b" },
	{ "FROM:<a@b> AUTH=x+2", PARSE_ERR_ARGS, NULL, 0, 0, false, NULL },
	{ "FROM:<a@b> AUTH=x+2b", PARSE_ERR_ARGS, NULL, 0, 0, false, NULL },
	{ "FROM:<a@b> BODY=BINARYMIME", PARSE_ERR_PARAM, NULL, 0, 0, false,
	  NULL },
	{ "FROM:<a@b> FOO=bar", PARSE_ERR_PARAM, NULL, 0, 0, false, NULL },
	{ "FROM:<a@b> RET=FULL", PARSE_ERR_PARAM, NULL, 0, 0, false, NULL },
	{ "FROM:<a@b> SIZE=", PARSE_ERR_ARGS, NULL, 0, 0, false, NULL },
	{ "FROM:<a@b> SIZE=-1", PARSE_ERR_ARGS, NULL, 0, 0, false, NULL },
	{ "FROM:<a@b> SIZE=99999999999999999999999", PARSE_ERR_ARGS, NULL,
	  0, 0, false, NULL },
	{ "FROM:<a@b> SIZE=1 SIZE=2", PARSE_ERR_ARGS, NULL, 0, 0, false,
	  NULL },
	{ "FROM:<a@b> SMTPUTF8=yes", PARSE_ERR_ARGS, NULL, 0, 0, false,
	  NULL },
	{ "FROM:<a@b> =x", PARSE_ERR_ARGS, NULL, 0, 0, false, NULL },
	{ "FROM:<a@b>SIZE=1", PARSE_ERR_SYNTAX, NULL, 0, 0, false, NULL },
	{ "FROM:a@b", PARSE_ERR_SYNTAX, NULL, 0, 0, false, NULL },
	{ "FROM <a@b>", PARSE_ERR_SYNTAX, NULL, 0, 0, false, NULL },
	{ "TO:<a@b>", PARSE_ERR_SYNTAX, NULL, 0, 0, false, NULL },
	{ "", PARSE_ERR_SYNTAX, NULL, 0, 0, false, NULL },
};

START_TEST(test_mail)
{
	struct arena *a = arena_new(0);
	struct smtp_mail_args out;
	const char *error = NULL;
	int ret = parse_mail(span_str(mail_cases[_i].in), a, &out, &error);

	ck_assert_msg(ret == mail_cases[_i].ret, "%s: %d %s",
	    mail_cases[_i].in, ret, ret < 0 ? error : "");
	if (ret == 0) {
		ck_assert_str_eq(out.path.addr, mail_cases[_i].addr);
		if (mail_cases[_i].size == (uint64_t)-1) {
			ck_assert(!out.has_size);
		} else {
			ck_assert(out.has_size);
			ck_assert(out.size == mail_cases[_i].size);
		}
		ck_assert_int_eq(out.body, mail_cases[_i].body);
		ck_assert(out.smtputf8 == mail_cases[_i].utf8);
		if (mail_cases[_i].auth == NULL)
			ck_assert_ptr_null(out.auth);
		else
			ck_assert_str_eq(out.auth, mail_cases[_i].auth);
	} else {
		ck_assert_ptr_nonnull(error);
	}
	arena_free(&a);
}
END_TEST

START_TEST(test_mail_too_many_params)
{
	struct arena *a = arena_new(0);
	struct smtp_mail_args out;
	const char *error;
	char in[512] = "FROM:<a@b>";

	for (int i = 0; i <= SMTP_PARAMS_MAX; i++)
		memcpy(in + strlen(in), " X", 3);
	ck_assert_int_eq(parse_mail(span_str(in), a, &out, &error),
	    PARSE_ERR_PARAM);
	ck_assert_str_eq(error, "too many parameters");
	arena_free(&a);
}
END_TEST

static const struct {
	const char *in;
	int ret;
	const char *addr;
} rcpt_cases[] = {
	{ "TO:<u@example.test>", 0, "u@example.test" },
	{ "to: <U@EXAMPLE.TEST>", 0, "U@example.test" },
	{ "TO:<Postmaster>", 0, "postmaster" },
	{ "TO:<@relay.example:u@example.test>", 0, "u@example.test" },
	{ "TO:<>", PARSE_ERR_SYNTAX, NULL },
	{ "TO:<u@example.test> NOTIFY=NEVER", PARSE_ERR_PARAM, NULL },
	{ "TO:u@example.test", PARSE_ERR_SYNTAX, NULL },
	{ "FROM:<u@example.test>", PARSE_ERR_SYNTAX, NULL },
};

START_TEST(test_rcpt)
{
	struct arena *a = arena_new(0);
	struct smtp_rcpt_args out;
	const char *error = NULL;
	int ret = parse_rcpt(span_str(rcpt_cases[_i].in), a, &out, &error);

	ck_assert_msg(ret == rcpt_cases[_i].ret, "%s", rcpt_cases[_i].in);
	if (ret == 0)
		ck_assert_str_eq(out.path.addr, rcpt_cases[_i].addr);
	arena_free(&a);
}
END_TEST

START_TEST(test_helo)
{
	struct arena *a = arena_new(0);
	const char *name, *error;

	ck_assert_int_eq(parse_helo(span_str("client.example"), a, &name,
	    &error), 0);
	ck_assert_str_eq(name, "client.example");
	ck_assert_int_eq(parse_helo(span_str("[192.0.2.1] extra"), a, &name,
	    &error), 0);
	ck_assert_str_eq(name, "[192.0.2.1]");
	ck_assert_int_eq(parse_helo(span_str(""), a, &name, &error), -1);
	ck_assert_int_eq(parse_helo(span_str("a\x01"), a, &name, &error), -1);
	ck_assert_int_eq(parse_helo(span_str("\xff"), a, &name, &error), -1);
	arena_free(&a);
}
END_TEST

START_TEST(test_bdat)
{
	uint64_t size;
	bool last;
	const char *error;

	ck_assert_int_eq(parse_bdat(span_str("100"), 1000, &size, &last,
	    &error), 0);
	ck_assert(size == 100 && !last);
	ck_assert_int_eq(parse_bdat(span_str("0 LAST"), 1000, &size, &last,
	    &error), 0);
	ck_assert(size == 0 && last);
	ck_assert_int_eq(parse_bdat(span_str("12 last"), 1000, &size, &last,
	    &error), 0);
	ck_assert(last);
	ck_assert_int_eq(parse_bdat(span_str(""), 1000, &size, &last,
	    &error), -1);
	ck_assert_int_eq(parse_bdat(span_str("1001"), 1000, &size, &last,
	    &error), -1);
	ck_assert_int_eq(parse_bdat(span_str("-1"), 1000, &size, &last,
	    &error), -1);
	ck_assert_int_eq(parse_bdat(span_str("1 FIRST"), 1000, &size, &last,
	    &error), -1);
	ck_assert_int_eq(parse_bdat(span_str("1 LAST x"), 1000, &size, &last,
	    &error), -1);
}
END_TEST

START_TEST(test_auth)
{
	struct span mech, init;
	const char *error;

	ck_assert_int_eq(parse_auth(span_str("PLAIN"), &mech, &init, &error),
	    0);
	ck_assert(span_eq(mech, "PLAIN"));
	ck_assert_ptr_null(init.p);
	ck_assert_int_eq(parse_auth(span_str("login dXNlcg=="), &mech, &init,
	    &error), 0);
	ck_assert(span_eq(mech, "login"));
	ck_assert(span_eq(init, "dXNlcg=="));
	ck_assert_int_eq(parse_auth(span_str("PLAIN ="), &mech, &init,
	    &error), 0);
	ck_assert(span_eq(init, "="));
	ck_assert_int_eq(parse_auth(span_str(""), &mech, &init, &error), -1);
	ck_assert_int_eq(parse_auth(span_str("PL@IN"), &mech, &init, &error),
	    -1);
	ck_assert_int_eq(parse_auth(span_str("PLAIN a b"), &mech, &init,
	    &error), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("smtpd_parse");
	TCase *tc = tcase_create("command");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_command, 0, (int)N_ELEMENTS(cmd_cases));
	tcase_add_test(tc, test_command_nul);
	suite_add_tcase(s, tc);
	tc = tcase_create("mail_rcpt");
	tcase_add_loop_test(tc, test_mail, 0, (int)N_ELEMENTS(mail_cases));
	tcase_add_test(tc, test_mail_too_many_params);
	tcase_add_loop_test(tc, test_rcpt, 0, (int)N_ELEMENTS(rcpt_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("other");
	tcase_add_test(tc, test_helo);
	tcase_add_test(tc, test_bdat);
	tcase_add_test(tc, test_auth);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
