/* SPDX-License-Identifier: MIT */
/* Tests for imapd/search_parse.c: every key, OR/NOT nesting, groups,
 * sequence sets and "$", RETURN and CHARSET, dates, limits. The tree is
 * printed in a prefix form and compared with the expected text. */
#include <check.h>
#include <stdlib.h>

#include "search.h"
#include "search_parse.h"
#include "buf.h"
#include "str.h"
#include "tern.h"

static const char *const type_names[] = {
	[SEARCH_ALL] = "all", [SEARCH_AND] = "and", [SEARCH_OR] = "or",
	[SEARCH_NOT] = "not", [SEARCH_FLAG] = "flag",
	[SEARCH_KEYWORD] = "kw", [SEARCH_RECENT] = "recent",
	[SEARCH_SEQSET] = "seq", [SEARCH_UIDSET] = "uid",
	[SEARCH_LARGER] = "larger", [SEARCH_SMALLER] = "smaller",
	[SEARCH_BEFORE] = "before", [SEARCH_ON] = "on",
	[SEARCH_SINCE] = "since", [SEARCH_SENTBEFORE] = "sentbefore",
	[SEARCH_SENTON] = "senton", [SEARCH_SENTSINCE] = "sentsince",
	[SEARCH_HEADER] = "hdr", [SEARCH_BODY] = "body",
	[SEARCH_TEXT] = "text", [SEARCH_MODSEQ] = "modseq",
};

/* Prefix form with an explicit stack (the test obeys the rule too). */
static void
dump(const struct search_key *root, struct buf *out)
{
	const struct search_key *stack[SEARCH_DEPTH_MAX * 2 + 4];
	size_t n = 0;

	stack[n++] = root;
	while (n > 0) {
		const struct search_key *k = stack[--n];

		if (k == NULL) {
			(void)buf_putc(out, ')');
			continue;
		}
		if (out->len > 0 && out->data[out->len - 1] != '(')
			(void)buf_putc(out, ' ');
		(void)buf_appendf(out, "%s%s", k->set ? "" : "!",
		    type_names[k->type]);
		if (k->type == SEARCH_FLAG)
			(void)buf_appendf(out, ":%u", k->flag);
		if (k->str != NULL)
			(void)buf_appendf(out, ":%s", k->str);
		if (k->value != NULL)
			(void)buf_appendf(out, "=%s", k->value);
		if (k->type == SEARCH_LARGER || k->type == SEARCH_SMALLER ||
		    k->type == SEARCH_MODSEQ)
			(void)buf_appendf(out, ":%llu",
			    (unsigned long long)k->num);
		if (k->type >= SEARCH_BEFORE && k->type <= SEARCH_SENTSINCE)
			(void)buf_appendf(out, ":%d", (int)k->day);
		if (k->type == SEARCH_SEQSET || k->type == SEARCH_UIDSET) {
			if (k->seqset.saved)
				(void)buf_puts(out, ":$");
			for (size_t i = 0; i < k->seqset.n; i++)
				(void)buf_appendf(out, ":%u-%u",
				    k->seqset.r[i].lo, k->seqset.r[i].hi);
		}
		if (k->child != NULL) {
			const struct search_key *c;
			size_t m = 0, j;

			(void)buf_putc(out, '(');
			stack[n++] = NULL;
			for (c = k->child; c != NULL; c = c->next)
				m++;
			/* push children in reverse */
			for (j = m; j > 0; j--) {
				size_t x = 1;

				for (c = k->child; x < j; c = c->next)
					x++;
				stack[n++] = c;
			}
		}
	}
}

static int
parse(const char *text, struct arena *a, struct search_program *prog,
	const char **error)
{
	struct imap_cmd_text in;
	struct imap_arg *args;
	size_t n;

	memset(prog, 0, sizeof(*prog));
	memset(&in, 0, sizeof(in));
	in.text = span_str(text);
	if (imap_parse_args(&in, a, &args, &n, error) < 0)
		return -2;
	return search_parse(args, n, a, prog, error);
}

static const struct {
	const char *in, *tree;
} good[] = {
	{ "ALL", "and(all)" },
	{ "answered deleted draft flagged seen", "and(flag:1 flag:4 flag:16 "
	  "flag:2 flag:8)" },
	{ "UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNSEEN", "and(!flag:1 "
	  "!flag:4 !flag:16 !flag:2 !flag:8)" },
	{ "RECENT OLD NEW", "and(recent !recent and(recent !flag:8))" },
	{ "KEYWORD $Junk UNKEYWORD x", "and(kw:$Junk !kw:x)" },
	{ "FROM smith TO \"a b\" CC c BCC d SUBJECT foo",
	  "and(hdr:From=smith hdr:To=a b hdr:Cc=c hdr:Bcc=d "
	  "hdr:Subject=foo)" },
	{ "HEADER X-Spam \"\"", "and(hdr:X-Spam=)" },
	{ "BODY hello TEXT \"wor ld\"", "and(body=hello text=wor ld)" },
	{ "LARGER 100 SMALLER 18446744073", "and(larger:100 "
	  "smaller:18446744073)" },
	{ "BEFORE 1-Jan-1970 ON \"01-feb-1994\" SINCE 29-Feb-2000",
	  "and(before:0 on:8797 since:11016)" },
	{ "SENTBEFORE 2-Jan-1970 SENTON 31-Dec-1969 SENTSINCE 1-Mar-2024",
	  "and(sentbefore:1 senton:-1 sentsince:19783)" },
	{ "UID 1:3,5 2,4:* $", "and(uid:1-3:5-5 seq:2-2:4-4294967295 "
	  "seq:$)" },
	{ "UID $", "and(uid:$)" },
	{ "OR SEEN FLAGGED", "and(or(flag:8 flag:2))" },
	{ "NOT NOT SEEN", "and(not(not(flag:8)))" },
	{ "OR (SEEN FROM x) NOT OR 1 2", "and(or(and(flag:8 hdr:From=x) "
	  "not(or(seq:1-1 seq:2-2))))" },
	{ "OR OR a1 ANSWERED DELETED",
	  "FAIL" },
	{ "OR OR SEEN ANSWERED DELETED", "and(or(or(flag:8 flag:1) "
	  "flag:4))" },
	{ "((SEEN)) DRAFT", "and(and(and(flag:8)) flag:16)" },
	{ "MODSEQ 5", "and(modseq:5)" },
	{ "MODSEQ \"/flags/\\\\draft\" all 620162338",
	  "and(modseq:620162338)" },
	{ "CHARSET UTF-8 TEXT x", "and(text=x)" },
	{ "charset us-ascii ALL", "and(all)" },
	{ "RETURN (MIN MAX) ALL", "and(all)" },
	{ "RETURN () CHARSET UTF-8 SEEN", "and(flag:8)" },
	/* RFC 3501 6.4.4 examples */
	{ "FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"", "and(flag:2 "
	  "since:8797 not(hdr:From=Smith))" },
	{ "TEXT \"string not in mailbox\"", "and(text=string not in "
	  "mailbox)" },
};

START_TEST(test_good)
{
	struct arena *a = arena_new(0);
	struct search_program prog;
	const char *error = "";
	struct buf out;
	int ret = parse(good[_i].in, a, &prog, &error);

	if (strcmp(good[_i].tree, "FAIL") == 0) {
		ck_assert_msg(ret == -1, "accepted %s", good[_i].in);
		arena_free(&a);
		return;
	}
	ck_assert_msg(ret == 0, "%s: %s", good[_i].in, error);
	buf_init(&out, 0);
	dump(prog.root, &out);
	ck_assert_str_eq(buf_str(&out), good[_i].tree);
	buf_clear(&out);
	arena_free(&a);
}
END_TEST

static const char *const bad[] = {
	"", "FROM", "HEADER X", "OR SEEN", "NOT", "(SEEN", "()", "(OR SEEN)",
	"FROBNICATE", "LARGER x", "LARGER -1", "BEFORE 1-Foo-2000",
	"BEFORE 32-Jan-2000", "BEFORE 1-Jan-00", "ON 1/1/2000",
	"UID x", "UID 0", "0", "1:x", "RETURN (FOO) ALL", "RETURN ALL",
	"RETURN ()", "CHARSET", "\"SEEN\"", "KEYWORD \"a\"", "SEEN NOT",
	"MODSEQ \"/flags/x\" bogus 5", "MODSEQ x", "SUBJECT (a)",
};

START_TEST(test_bad)
{
	struct arena *a = arena_new(0);
	struct search_program prog;
	const char *error;

	ck_assert_msg(parse(bad[_i], a, &prog, &error) < 0, "accepted %s",
	    bad[_i]);
	ck_assert(!prog.bad_charset);
	arena_free(&a);
}
END_TEST

START_TEST(test_charset)
{
	struct arena *a = arena_new(0);
	struct search_program prog;
	const char *error;

	ck_assert_int_eq(parse("CHARSET ISO-8859-1 TEXT x", a, &prog,
	    &error), -1);
	ck_assert(prog.bad_charset);
	arena_free(&a);
}
END_TEST

START_TEST(test_return)
{
	struct arena *a = arena_new(0);
	struct search_program prog;
	const char *error;

	ck_assert_int_eq(parse("RETURN (MIN COUNT SAVE) $", a, &prog,
	    &error), 0);
	ck_assert(prog.esearch);
	ck_assert_uint_eq(prog.ret, SEARCH_RETURN_MIN | SEARCH_RETURN_COUNT |
	    SEARCH_RETURN_SAVE);
	ck_assert(prog.uses_saved);
	ck_assert_int_eq(parse("RETURN () ALL", a, &prog, &error), 0);
	ck_assert_uint_eq(prog.ret, SEARCH_RETURN_ALL);
	ck_assert_int_eq(parse("ALL", a, &prog, &error), 0);
	ck_assert(!prog.esearch);
	ck_assert_int_eq(parse("MODSEQ 1", a, &prog, &error), 0);
	ck_assert(prog.uses_modseq);
	arena_free(&a);
}
END_TEST

START_TEST(test_costs)
{
	struct arena *a = arena_new(0);
	struct search_program prog;
	const char *error;

	ck_assert_int_eq(parse("SEEN OR UID 1 (SINCE 1-Jan-2000)", a, &prog,
	    &error), 0);
	ck_assert_int_eq(prog.root->cost, SEARCH_COST_STAT);
	ck_assert_int_eq(parse("NOT (SEEN SUBJECT x)", a, &prog, &error), 0);
	ck_assert_int_eq(prog.root->cost, SEARCH_COST_HEADER);
	ck_assert_int_eq(parse("OR BODY x SEEN", a, &prog, &error), 0);
	ck_assert_int_eq(prog.root->cost, SEARCH_COST_BODY);
	arena_free(&a);
}
END_TEST

/* NOT chains and nested groups hit SEARCH_DEPTH_MAX, not the stack. */
START_TEST(test_depth)
{
	struct arena *a = arena_new(0);
	struct search_program prog;
	const char *error;
	struct buf in;
	size_t i;

	buf_init(&in, 0);
	for (i = 0; i < SEARCH_DEPTH_MAX - 1; i++)
		(void)buf_puts(&in, "NOT ");
	(void)buf_puts(&in, "SEEN");
	ck_assert_int_eq(parse(buf_str(&in), a, &prog, &error), 0);
	buf_reset(&in);
	for (i = 0; i < SEARCH_DEPTH_MAX + 1; i++)
		(void)buf_puts(&in, "NOT ");
	(void)buf_puts(&in, "SEEN");
	ck_assert_int_eq(parse(buf_str(&in), a, &prog, &error), -1);
	buf_reset(&in);
	for (i = 0; i < 40; i++)
		(void)buf_puts(&in, "OR SEEN ");
	(void)buf_puts(&in, "SEEN");
	ck_assert_int_eq(parse(buf_str(&in), a, &prog, &error), 0);
	buf_reset(&in);
	for (i = 0; i < 10000; i++)
		(void)buf_puts(&in, "SEEN ");
	(void)buf_puts(&in, "SEEN");
	ck_assert_int_eq(parse(buf_str(&in), a, &prog, &error), -1);
	ck_assert_str_eq(error, "Too many search keys");
	buf_clear(&in);
	arena_free(&a);
}
END_TEST

START_TEST(test_dates)
{
	int32_t d;

	ck_assert_int_eq(search_parse_date(span_str("1-Jan-1970"), &d), 0);
	ck_assert_int_eq(d, 0);
	ck_assert_int_eq(search_parse_date(span_str("31-dec-1969"), &d), 0);
	ck_assert_int_eq(d, -1);
	ck_assert_int_eq(search_parse_date(span_str("1-Mar-2000"), &d), 0);
	ck_assert_int_eq(d, 11017);
	ck_assert_int_eq(search_parse_date(span_str("1-Mar-20000"), &d), -1);
	ck_assert_int_eq(search_parse_date(span_str("-Mar-2000"), &d), -1);
	ck_assert_int_eq(search_parse_date(span_str("123-Mar-2000"), &d),
	    -1);
	ck_assert_int_eq(search_parse_date(span_str("1-Mar"), &d), -1);
}
END_TEST

static const struct {
	const char *in;
	int32_t day;		/* INT32_MIN: refused */
} sent_dates[] = {
	{ "Tue, 1 Feb 1994 10:00:00 +0000", 8797 },
	{ "1 Feb 1994 23:59 -1200", 8797 },
	{ "  Thu,  01 Jan 1970 00:00:00 GMT", 0 },
	{ "1 Mar 24 08:00 GMT", 19783 },
	{ "1 Mar 99 08:00 GMT", 10651 },
	{ "1 March 2024", 19783 },
	{ "01-Mar-2024", 19783 },
	{ "", INT32_MIN },
	{ "Tue, Feb 1 1994", INT32_MIN },
	{ "1 Foo 1994", INT32_MIN },
	{ "1 Feb", INT32_MIN },
	{ "32 Feb 1994", INT32_MIN },
};

START_TEST(test_sent_date)
{
	int32_t d = INT32_MIN;
	int ret = search_parse_rfc5322_date(sent_dates[_i].in, &d);

	if (sent_dates[_i].day == INT32_MIN) {
		ck_assert_msg(ret == -1, "accepted %s", sent_dates[_i].in);
		return;
	}
	ck_assert_msg(ret == 0, "refused %s", sent_dates[_i].in);
	ck_assert_int_eq(d, sent_dates[_i].day);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("imapd_search");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_good, 0, N_ELEMENTS(good));
	tcase_add_loop_test(tc, test_bad, 0, N_ELEMENTS(bad));
	tcase_add_test(tc, test_charset);
	tcase_add_test(tc, test_return);
	tcase_add_test(tc, test_costs);
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_dates);
	suite_add_tcase(s, tc);
	tc = tcase_create("match");
	tcase_add_loop_test(tc, test_sent_date, 0, N_ELEMENTS(sent_dates));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
