/* SPDX-License-Identifier: MIT */
/* Unit tests for mailcli/decode.c: transfer encodings and charsets of
 * the body shown, HTML as text, attachment names, RFC 2047 headers and
 * modified UTF-7 folder names. */
#include <check.h>
#include <stdlib.h>

#include "read.h"
#include "tern.h"

/* Render msg (LF ends) and return the body text; r stays for checks. */
static const char *
render(const char *msg, struct arena *a, struct mc_rendered *r)
{
	struct message *m;
	const char *error;

	memset(r, 0, sizeof(*r));
	ck_assert_int_eq(message_parse(span_str(arena_strdup(a, msg)), NULL,
	    a, &m, &error), 0);
	mc_render(m, a, r);
	return arena_strdup(a, buf_str(&r->text));
}

static const struct {
	const char *msg;
	const char *text;
} body_cases[] = {
	/* quoted-printable, soft breaks, charset ISO-8859-1 */
	{ "Subject: x\nContent-Type: text/plain; charset=iso-8859-1\n"
	  "Content-Transfer-Encoding: quoted-printable\n\n"
	  "Gr=FC=DFe, soft=\nbreak =3D ok\n", "Grüße, softbreak = ok\n" },
	/* base64 UTF-8 with CRLF inside */
	{ "Content-Type: text/plain; charset=utf-8\n"
	  "Content-Transfer-Encoding: base64\n\n"
	  "SMOpbGxvDQp3b3JsZA0K\n", "Héllo\nworld\n" },
	/* no Content-Type: US-ASCII, 8-bit UTF-8 passed through */
	{ "Subject: y\n\nplain \xc3\xa9t\xc3\xa9\n", "plain été\n" },
	/* 8-bit Latin-1 labelled nothing: the Windows-1252 guess */
	{ "Subject: y\n\ncaf\xe9 \x80\n", "café €\n" },
	/* KOI8-R through iconv */
	{ "Content-Type: text/plain; charset=koi8-r\n"
	  "Content-Transfer-Encoding: 8bit\n\n\xf0\xd2\xc9\xd7\xc5\xd4\n",
	  "Привет\n" },
	/* multipart/alternative: the text/plain part wins */
	{ "Content-Type: multipart/alternative; boundary=b\n\n--b\n"
	  "Content-Type: text/html\n\n<p>html</p>\n--b\n"
	  "Content-Type: text/plain\n\nplain\n--b--\n", "plain" },
	/* only HTML: rendered */
	{ "Content-Type: text/html; charset=utf-8\n\n"
	  "<html><head><title>t</title><style>p{}</style></head><body>"
	  "<p>Hello&nbsp;<b>you</b> &amp; &#233;&#x263a;</p>"
	  "<a href=\"https://x.test/?a=1&amp;b=2\">the site</a></body>"
	  "</html>\n",
	  "Hello you & é☺\n\nthe site <https://x.test/?a=1&b=2>\n" },
};

START_TEST(test_body)
{
	struct arena *a = arena_new(0);
	struct mc_rendered r;
	const char *t = render(body_cases[_i].msg, a, &r);

	ck_assert_str_eq(t, body_cases[_i].text);
	mc_rendered_clear(&r);
	arena_free(&a);
}
END_TEST

static const struct {
	const char *html;
	const char *text;
} html_cases[] = {
	{ "a<br>b<br/>c", "a\nb\nc\n" },
	{ "<ul><li>one</li><li>two</li></ul>after", "* one\n* two\n\nafter\n" },
	{ "  lots   of\n\n  space  ", "lots of space\n" },
	{ "<pre>  keep\n   this</pre>x", "  keep\n   this\n\nx\n" },
	{ "<script>alert('<p>')</script>ok<!-- <b>no</b> -->", "ok\n" },
	{ "<a href='https://a.test/'>https://a.test/</a>", "https://a.test/\n" },
	{ "<a href=mailto:x@y.test>mail me</a>", "mail me <mailto:x@y.test>\n" },
	{ "1 < 2 &unknown; &#0; &#x110000;", "1 < 2 &unknown; \xef\xbf\xbd\n" },
	{ "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
	  "a b\nc\n" },
	{ "unterminated <b", "unterminated\n" },
	{ "", "" },
};

START_TEST(test_html)
{
	struct buf out;

	buf_init(&out, 0);
	ck_assert_int_eq(mc_html_to_text(span_str(html_cases[_i].html),
	    &out), 0);
	ck_assert_str_eq(buf_str(&out), html_cases[_i].text);
	buf_clear(&out);
}
END_TEST

static const struct {
	const char *name;
	const char *safe;
} name_cases[] = {
	{ "report.pdf", "report.pdf" },
	{ "../../etc/passwd", "passwd" },
	{ "C:\\Users\\x\\evil.exe", "evil.exe" },
	{ "..", "attachment-3" },
	{ ".bashrc", "bashrc" },
	{ "a\tb\nc", "a_b_c" },
	{ "trailing. ", "trailing" },
	{ "dir/", "attachment-3" },
	{ NULL, "attachment-3" },
	{ "Gr\xc3\xbc\xc3\x9f" "e.txt", "Grüße.txt" },
	{ "bad\xff" "utf8", "badutf8" },
};

START_TEST(test_safe_filename)
{
	struct buf out;

	buf_init(&out, 0);
	mc_safe_filename(name_cases[_i].name, 3, &out);
	ck_assert_str_eq(buf_str(&out), name_cases[_i].safe);
	buf_clear(&out);
}
END_TEST

START_TEST(test_safe_filename_long)
{
	struct buf out;
	char name[600];

	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	buf_init(&out, 0);
	mc_safe_filename(name, 1, &out);
	ck_assert_uint_eq(out.len, MC_FILENAME_MAX);
	buf_clear(&out);
}
END_TEST

START_TEST(test_attachments)
{
	static const char msg[] =
	    "From: =?UTF-8?B?SsO8cmdlbg==?= <j@x.test>\n"
	    "Subject: =?iso-8859-1?q?r=E9sum=E9?= and more\n"
	    "Content-Type: multipart/mixed; boundary=\"XX\"\n\n"
	    "--XX\nContent-Type: text/plain\n\nSee attached.\n"
	    "--XX\nContent-Type: application/pdf; name=\"ignored.pdf\"\n"
	    "Content-Disposition: attachment; filename=\"../r\xc3\xa9sum\xc3\xa9.pdf\"\n"
	    "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n"
	    "--XX\nContent-Type: text/plain; name*=UTF-8''caf%C3%A9.txt\n\n"
	    "inline named text\n"
	    "--XX\nContent-Type: image/png\n"
	    "Content-Transfer-Encoding: base64\n\niVBORw==\n"
	    "--XX--\n";
	struct arena *a = arena_new(0);
	struct mc_rendered r;
	const char *t = render(msg, a, &r);

	/* a part's body ends before the line end of its boundary */
	ck_assert_str_eq(t, "See attached.");
	ck_assert_str_eq(r.from, "Jürgen <j@x.test>");
	ck_assert_str_eq(r.subject, "résumé and more");
	ck_assert_uint_eq(r.natt, 3);
	ck_assert_str_eq(r.att[0].name, "../résumé.pdf");
	ck_assert_str_eq(r.att[0].filename, "résumé.pdf");
	ck_assert_str_eq(r.att[0].type, "application/pdf");
	ck_assert_uint_eq(r.att[0].size, 9);
	ck_assert_str_eq(r.att[1].filename, "café.txt");
	ck_assert_ptr_null(r.att[2].name);
	ck_assert_str_eq(r.att[2].filename, "attachment-3");
	ck_assert_str_eq(r.att[2].type, "image/png");
	ck_assert_uint_eq(r.att[2].size, 4);
	mc_rendered_clear(&r);
	arena_free(&a);
}
END_TEST

static const struct {
	const char *mutf7;
	const char *utf8;
} mutf7_cases[] = {
	{ "INBOX", "INBOX" },
	{ "Entw&APw-rfe", "Entwürfe" },
	{ "&ZeVnLIqe-", "日本語" },
	{ "A&-B", "A&B" },
	{ "bad&Jjo", "bad&Jjo" },	/* not mUTF-7: shown as sent */
};

START_TEST(test_mutf7)
{
	struct arena *a = arena_new(0);

	ck_assert_str_eq(mc_mailbox_display(mutf7_cases[_i].mutf7, a),
	    mutf7_cases[_i].utf8);
	arena_free(&a);
}
END_TEST

static Suite *
decode_suite(void)
{
	Suite *s = suite_create("mailcli_decode");
	TCase *tc;

	tc = tcase_create("body");
	tcase_add_loop_test(tc, test_body, 0, N_ELEMENTS(body_cases));
	tcase_add_test(tc, test_attachments);
	suite_add_tcase(s, tc);
	tc = tcase_create("html");
	tcase_add_loop_test(tc, test_html, 0, N_ELEMENTS(html_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("names");
	tcase_add_loop_test(tc, test_safe_filename, 0, N_ELEMENTS(name_cases));
	tcase_add_test(tc, test_safe_filename_long);
	tcase_add_loop_test(tc, test_mutf7, 0, N_ELEMENTS(mutf7_cases));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(decode_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
