/* SPDX-License-Identifier: MIT */
/* Unit tests for mailcli/compose.c: address lists, RFC 2047 words,
 * quoted-printable, base64, whole messages (CRLF, line length, MIME
 * structure, no Bcc) and -t messages. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "compose.h"
#include "tern.h"

/* Every line ends in CRLF, no CR or LF elsewhere, none > 998 octets. */
static void
assert_wire_lines(const struct buf *b)
{
	size_t i, line = 0;

	for (i = 0; i < b->len; i++) {
		if (b->data[i] == '\r') {
			ck_assert_msg(i + 1 < b->len && b->data[i + 1] == '\n',
				"bare CR at %zu", i);
			i++;
			line = 0;
			continue;
		}
		ck_assert_msg(b->data[i] != '\n', "bare LF at %zu", i);
		line++;
		ck_assert_msg(line <= COMPOSE_LINE_MAX, "long line at %zu", i);
	}
	ck_assert_msg(b->len >= 2 && b->data[b->len - 1] == '\n',
		"no final CRLF");
}

static int
b64_value(char c)
{
	const char *t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789+/";
	const char *p = strchr(t, c);

	return p != NULL && c != '\0' ? (int)(p - t) : -1;
}

/* Decode base64 text (CRLF allowed) into out. */
static void
b64_decode(const char *p, size_t len, struct buf *out)
{
	unsigned v = 0, bits = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		int x = b64_value(p[i]);

		if (x < 0)
			continue;
		v = (v << 6) | (unsigned)x;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			(void)buf_putc(out, (char)((v >> bits) & 0xff));
		}
	}
}

/* Decode a header made of encoded words: the words' text, joined. */
static void
words_decode(const char *p, struct buf *out)
{
	const char *w;

	while ((w = strstr(p, "=?UTF-8?B?")) != NULL) {
		const char *e = strstr(w + 10, "?=");

		ck_assert_ptr_nonnull(e);
		ck_assert_int_le(e + 2 - w, COMPOSE_WORD_MAX);
		b64_decode(w + 10, (size_t)(e - w - 10), out);
		p = e + 2;
	}
}

static bool
utf8_valid(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)p[i];
		size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
		size_t k;

		if (i + n > len)
			return false;
		for (k = 1; k < n; k++) {
			if (((unsigned char)p[i + k] & 0xc0) != 0x80)
				return false;
		}
		i += n;
	}
	return true;
}

static const char *const utf8_texts[] = {
	"Grüße aus Köln",
	"日本語のメールの件名はとても長くなることがあります。"
	"折り返しが必要です。さらに長くしましょう。",
	"é",
	"Ünïcödé mixed with a lot of plain ASCII words that goes on and on "
	"and on for a while so that several encoded words are needed 🎉🎉🎉",
	"=?not an encoded word?=",
};

START_TEST(test_encode_words)
{
	struct buf b, dec;
	const char *text = utf8_texts[_i];
	const char *line, *nl;
	size_t col = 9, i;

	buf_init(&b, 0);
	buf_init(&dec, 0);
	(void)buf_puts(&b, "Subject: ");
	compose_encode_words(&b, text, &col);
	(void)buf_puts(&b, "\r\n");
	assert_wire_lines(&b);
	for (line = b.data; (nl = strstr(line, "\r\n")) != NULL; line = nl + 2)
		ck_assert_int_le(nl - line, COMPOSE_FOLD_AT);
	/* each word decodes to whole characters */
	for (line = b.data; (line = strstr(line, "=?UTF-8?B?")) != NULL;) {
		const char *e = strstr(line + 10, "?=");
		struct buf one;

		buf_init(&one, 0);
		b64_decode(line + 10, (size_t)(e - line - 10), &one);
		ck_assert(utf8_valid(one.data, one.len));
		buf_clear(&one);
		line = e + 2;
	}
	words_decode(b.data, &dec);
	ck_assert_str_eq(buf_str(&dec), text);
	for (i = 0; i < b.len; i++)
		ck_assert((unsigned char)b.data[i] < 0x80);
	buf_clear(&b);
	buf_clear(&dec);
}
END_TEST

/* Decode quoted-printable with CRLF lines. */
static void
qp_decode(const char *p, size_t len, struct buf *out)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] == '=' && i + 2 < len && p[i + 1] == '\r') {
			i += 2;
		} else if (p[i] == '=') {
			unsigned v;

			ck_assert_int_eq(sscanf(p + i + 1, "%2X", &v), 1);
			(void)buf_putc(out, (char)v);
			i += 2;
		} else if (p[i] == '\r') {
			continue;
		} else {
			(void)buf_putc(out, p[i]);
		}
	}
}

static const struct {
	const char *in, *out;
} qps[] = {
	{ "plain\n", "plain\r\n" },
	{ "a=b\n", "a=3Db\r\n" },
	{ "trailing \nx\t\n", "trailing=20\r\nx=09\r\n" },
	{ "caf\xc3\xa9\r\n", "caf=C3=A9\r\n" },
	{ "no newline", "no newline\r\n" },
	{ "cr\rin\n", "cr=0Din\r\n" },
	{ "", "" },
};

START_TEST(test_qp)
{
	struct buf b;

	buf_init(&b, 0);
	compose_qp(&b, qps[_i].in, strlen(qps[_i].in));
	ck_assert_str_eq(buf_str(&b), qps[_i].out);
	buf_clear(&b);
}
END_TEST

START_TEST(test_qp_long)
{
	struct buf in, b, dec;
	const char *line, *nl;
	size_t i;

	buf_init(&in, 0);
	buf_init(&b, 0);
	buf_init(&dec, 0);
	for (i = 0; i < 3000; i++)
		(void)buf_puts(&in, i % 7 == 0 ? "\xc3\xa9" : i % 5 == 0 ?
			"=" : "x");
	(void)buf_puts(&in, " \n");
	compose_qp(&b, in.data, in.len);
	assert_wire_lines(&b);
	for (line = b.data; (nl = strstr(line, "\r\n")) != NULL; line = nl + 2)
		ck_assert_int_le(nl - line, COMPOSE_QP_LINE);
	qp_decode(b.data, b.len, &dec);
	ck_assert_str_eq(buf_str(&dec), buf_str(&in));
	ck_assert_str_eq(compose_body_encoding(in.data, in.len),
		"quoted-printable");
	buf_clear(&in);
	buf_clear(&b);
	buf_clear(&dec);
}
END_TEST

START_TEST(test_body_encoding)
{
	char line[1001];

	ck_assert_str_eq(compose_body_encoding("hi\nthere\r\n", 10), "7bit");
	ck_assert_str_eq(compose_body_encoding("h\xc3\xa9", 3),
		"quoted-printable");
	ck_assert_str_eq(compose_body_encoding("a\0b", 3), "quoted-printable");
	ck_assert_str_eq(compose_body_encoding("a\rb", 3), "quoted-printable");
	memset(line, 'x', sizeof(line));
	ck_assert_str_eq(compose_body_encoding(line, 998), "7bit");
	ck_assert_str_eq(compose_body_encoding(line, 999), "quoted-printable");
}
END_TEST

START_TEST(test_base64)
{
	struct buf b, dec;
	unsigned char data[1000];
	size_t i;

	buf_init(&b, 0);
	compose_base64(&b, "hello", 5);
	ck_assert_str_eq(buf_str(&b), "aGVsbG8=\r\n");
	buf_reset(&b);
	compose_base64(&b, "", 0);
	ck_assert_str_eq(buf_str(&b), "");
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7);
	compose_base64(&b, data, sizeof(data));
	ck_assert_ptr_eq(strstr(b.data, "\r\n"), b.data + COMPOSE_B64_LINE);
	assert_wire_lines(&b);
	buf_init(&dec, 0);
	b64_decode(b.data, b.len, &dec);
	ck_assert_uint_eq(dec.len, sizeof(data));
	ck_assert(memcmp(dec.data, data, sizeof(data)) == 0);
	buf_clear(&b);
	buf_clear(&dec);
}
END_TEST

START_TEST(test_guess_type)
{
	ck_assert_str_eq(compose_guess_type("report.PDF"), "application/pdf");
	ck_assert_str_eq(compose_guess_type("a.txt"), "text/plain");
	ck_assert_str_eq(compose_guess_type("photo.jpeg"), "image/jpeg");
	ck_assert_str_eq(compose_guess_type("noext"),
		"application/octet-stream");
	ck_assert_str_eq(compose_guess_type("dir.d/file"),
		"application/octet-stream");
	ck_assert_str_eq(compose_guess_type("x.unknown"),
		"application/octet-stream");
}
END_TEST

static const struct {
	const char *in;
	int n;			/* -1: error */
	const char *name0, *addr0, *addr1;
} addrs[] = {
	{ "a@x.example", 1, NULL, "a@x.example", NULL },
	{ "Ann <ann@X.Example>", 1, "Ann", "ann@x.example", NULL },
	{ "\"Doe, John\" <j@x>, b@y", 2, "Doe, John", "j@x", "b@y" },
	{ "  Jürgen   Groß  <jg@x> ", 1, "Jürgen Groß", "jg@x", NULL },
	{ "a@x (a comment), (c) b@y", 2, NULL, "a@x", "b@y" },
	{ "friends: a@x, B <b@y>;, c@z", 3, NULL, "a@x", "b@y" },
	{ "undisclosed-recipients:;", 0, NULL, NULL, NULL },
	{ "a@x,,", 1, NULL, "a@x", NULL },
	{ "\"a b\"@x", 1, NULL, "\"a b\"@x", NULL },
	{ "<a@x>", 1, NULL, "a@x", NULL },
	{ "Ann <>", -1, NULL, NULL, NULL },
	{ "Ann", -1, NULL, NULL, NULL },
	{ "a@", -1, NULL, NULL, NULL },
	{ "\"unterminated <a@x>", -1, NULL, NULL, NULL },
	{ "(unterminated a@x", -1, NULL, NULL, NULL },
	{ "A <a@x", -1, NULL, NULL, NULL },
	{ "A <a@x> <b@y>", -1, NULL, NULL, NULL },
};

START_TEST(test_parse_addrs)
{
	struct arena *a = arena_new(0);
	struct compose_addr *list = NULL;
	size_t n = 0;
	const char *error = NULL;
	int ret;

	ret = compose_parse_addrs(span_str(addrs[_i].in), a, &list, &n,
		&error);
	if (addrs[_i].n < 0) {
		ck_assert_int_eq(ret, -1);
		ck_assert_ptr_nonnull(error);
	} else {
		ck_assert_msg(ret == 0, "%s: %s", addrs[_i].in, error);
		ck_assert_uint_eq(n, (size_t)addrs[_i].n);
		if (n > 0) {
			ck_assert_str_eq(list[0].addr, addrs[_i].addr0);
			if (addrs[_i].name0 == NULL)
				ck_assert_ptr_null(list[0].name);
			else
				ck_assert_str_eq(list[0].name,
					addrs[_i].name0);
		}
		if (n > 1)
			ck_assert_str_eq(list[1].addr, addrs[_i].addr1);
	}
	arena_free(&a);
}
END_TEST

START_TEST(test_mailbox)
{
	static const struct {
		const char *name, *addr, *want;
	} t[] = {
		{ NULL, "a@x", "a@x" },
		{ "Ann Smith", "a@x", "Ann Smith <a@x>" },
		{ "Smith, Ann", "a@x", "\"Smith, Ann\" <a@x>" },
		{ "A \"B\" C.", "a@x", "\"A \\\"B\\\" C.\" <a@x>" },
		{ "Jörg", "j@x", "=?UTF-8?B?SsO2cmc=?= <j@x>" },
	};
	size_t i;

	for (i = 0; i < N_ELEMENTS(t); i++) {
		struct compose_addr m = { t[i].name, t[i].addr };
		struct buf b;
		size_t col = 4;

		buf_init(&b, 0);
		compose_mailbox(&b, &m, &col);
		ck_assert_str_eq(buf_str(&b), t[i].want);
		ck_assert_uint_eq(col, 4 + b.len);
		buf_clear(&b);
	}
}
END_TEST

/* The value of header field name in msg (first line only), or NULL. */
static const char *
header(const char *msg, const char *name, char *out, size_t size)
{
	char pat[64];
	const char *p, *e, *end = strstr(msg, "\r\n\r\n");

	snprintf(pat, sizeof(pat), "\r\n%s: ", name);
	if (strncmp(msg, pat + 2, strlen(pat) - 2) == 0)
		p = msg;
	else if ((p = strstr(msg, pat)) == NULL || p > end)
		return NULL;
	else
		p += 2;
	p += strlen(pat) - 2;
	e = strstr(p, "\r\n");
	snprintf(out, size, "%.*s", (int)(e - p), p);
	return out;
}

static void
base_message(struct compose *c, struct compose_addr *to,
	struct compose_addr *cc)
{
	memset(c, 0, sizeof(*c));
	c->from.name = "Demo User";
	c->from.addr = "demo@example.test";
	to[0].name = NULL;
	to[0].addr = "a@example.test";
	to[1].name = "Bé";
	to[1].addr = "b@example.test";
	cc[0].name = NULL;
	cc[0].addr = "c@example.test";
	c->to = to;
	c->nto = 2;
	c->cc = cc;
	c->ncc = 1;
	c->subject = "Grüße";
	c->date = 1700000000;
	c->message_id = "<1.abc@example.test>";
	c->boundary = "=_b0undary";
}

START_TEST(test_message_plain)
{
	struct compose c;
	struct compose_addr to[2], cc[1];
	struct buf b;
	const char *error = NULL;
	char v[256];

	base_message(&c, to, cc);
	c.body = "Hello,\nworld.\n";
	c.body_len = strlen(c.body);
	buf_init(&b, 0);
	ck_assert_int_eq(compose_message(&c, &b, &error), 0);
	assert_wire_lines(&b);
	ck_assert_str_eq(header(b.data, "From", v, sizeof(v)),
		"Demo User <demo@example.test>");
	ck_assert_str_eq(header(b.data, "To", v, sizeof(v)),
		"a@example.test, =?UTF-8?B?QsOp?= <b@example.test>");
	ck_assert_str_eq(header(b.data, "Cc", v, sizeof(v)), "c@example.test");
	ck_assert_str_eq(header(b.data, "Subject", v, sizeof(v)),
		"=?UTF-8?B?R3LDvMOfZQ==?=");
	ck_assert_str_eq(header(b.data, "Message-ID", v, sizeof(v)),
		"<1.abc@example.test>");
	ck_assert_str_eq(header(b.data, "MIME-Version", v, sizeof(v)), "1.0");
	ck_assert_str_eq(header(b.data, "Content-Type", v, sizeof(v)),
		"text/plain; charset=utf-8");
	ck_assert_str_eq(header(b.data, "Content-Transfer-Encoding", v,
		sizeof(v)), "7bit");
	ck_assert_ptr_nonnull(header(b.data, "Date", v, sizeof(v)));
	ck_assert_ptr_null(header(b.data, "Bcc", v, sizeof(v)));
	ck_assert_str_eq(strstr(b.data, "\r\n\r\n"),
		"\r\n\r\nHello,\r\nworld.\r\n");
	buf_clear(&b);
}
END_TEST

START_TEST(test_message_attachment)
{
	struct compose c;
	struct compose_addr to[2], cc[1];
	struct compose_attachment att[2];
	struct buf b, dec;
	const char *error = NULL, *p, *e;
	unsigned char bin[300];
	size_t i;

	for (i = 0; i < sizeof(bin); i++)
		bin[i] = (unsigned char)(255 - i);
	base_message(&c, to, cc);
	c.body = "caf\xc3\xa9\n";
	c.body_len = strlen(c.body);
	att[0].filename = "data.bin";
	att[0].type = NULL;
	att[0].data = (const char *)bin;
	att[0].len = sizeof(bin);
	att[1].filename = "Bericht März.pdf";
	att[1].type = NULL;
	att[1].data = "%PDF";
	att[1].len = 4;
	c.att = att;
	c.natt = 2;
	buf_init(&b, 0);
	ck_assert_int_eq(compose_message(&c, &b, &error), 0);
	assert_wire_lines(&b);
	ck_assert_ptr_nonnull(strstr(b.data, "Content-Type: multipart/mixed;"
		"\r\n boundary=\"=_b0undary\"\r\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "\r\n--=_b0undary\r\n"
		"Content-Type: text/plain; charset=utf-8\r\n"
		"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
		"caf=C3=A9\r\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "Content-Type: "
		"application/octet-stream; name=\"data.bin\"\r\n"
		"Content-Disposition: attachment; filename=\"data.bin\"\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "Content-Type: application/pdf;"
		"\r\n name*=utf-8''Bericht%20M%C3%A4rz.pdf\r\n"));
	/* the attachment decodes to its bytes */
	p = strstr(b.data, "filename=\"data.bin\"");
	p = strstr(p, "\r\n\r\n") + 4;
	e = strstr(p, "\r\n--");
	buf_init(&dec, 0);
	b64_decode(p, (size_t)(e - p), &dec);
	ck_assert_uint_eq(dec.len, sizeof(bin));
	ck_assert(memcmp(dec.data, bin, sizeof(bin)) == 0);
	ck_assert_str_eq(b.data + b.len - 18, "\r\n--=_b0undary--\r\n");
	buf_clear(&dec);

	/* a boundary that occurs in the body is refused */
	c.body = "--=_b0undary\n";
	c.body_len = strlen(c.body);
	buf_reset(&b);
	ck_assert_int_eq(compose_message(&c, &b, &error), -1);
	buf_clear(&b);
}
END_TEST

START_TEST(test_message_long_subject)
{
	struct compose c;
	struct compose_addr to[2], cc[1];
	struct buf b, dec;
	const char *error = NULL, *p, *e;
	char subject[1200];
	size_t i;

	base_message(&c, to, cc);
	for (i = 0; i + 1 < sizeof(subject); i++)
		subject[i] = i % 10 == 9 ? ' ' : 'a' + (char)(i % 26);
	subject[sizeof(subject) - 1] = '\0';
	c.subject = subject;
	c.body = "";
	buf_init(&b, 0);
	ck_assert_int_eq(compose_message(&c, &b, &error), 0);
	assert_wire_lines(&b);
	/* folded at spaces: unfolding gives the subject back */
	p = strstr(b.data, "Subject: ") + 9;
	e = strstr(p, "\r\nMessage-ID");
	buf_init(&dec, 0);
	for (; p < e; p++) {
		if (*p == '\r')
			p++;
		else
			(void)buf_putc(&dec, *p);
	}
	ck_assert_str_eq(buf_str(&dec), subject);
	buf_clear(&dec);
	buf_clear(&b);
}
END_TEST

START_TEST(test_date)
{
	char d[64];

	setenv("TZ", "UTC", 1);
	tzset();
	compose_date(d, sizeof(d), 1700000000);
	ck_assert_str_eq(d, "Tue, 14 Nov 2023 22:13:20 +0000");
	setenv("TZ", "EST5", 1);
	tzset();
	compose_date(d, sizeof(d), 1700000000);
	ck_assert_str_eq(d, "Tue, 14 Nov 2023 17:13:20 -0500");
	unsetenv("TZ");
	tzset();
}
END_TEST

START_TEST(test_stdin_message)
{
	static const char in[] =
		"From: Me <me@x.example>\n"
		"To: a@x.example,\n"
		"  B <b@x.example>\n"
		"Bcc: hidden@x.example,\n"
		" also-hidden@x.example\n"
		"Subject: hi\n"
		"\n"
		"body line\n"
		"To: not@a.header\n";
	struct arena *a = arena_new(0);
	struct compose_addr *rcpts;
	struct buf b;
	size_t n, i;
	const char *msgid = NULL, *error = NULL;
	char v[256];

	buf_init(&b, 0);
	ck_assert_int_eq(compose_from_stdin_message(in, strlen(in), false,
		NULL, 1700000000, a, &b, &rcpts, &n, &msgid, &error), 0);
	assert_wire_lines(&b);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(rcpts[0].addr, "a@x.example");
	ck_assert_str_eq(rcpts[1].addr, "b@x.example");
	ck_assert_str_eq(rcpts[2].addr, "hidden@x.example");
	ck_assert_str_eq(rcpts[3].addr, "also-hidden@x.example");
	ck_assert_ptr_null(strstr(b.data, "idden"));
	ck_assert_ptr_null(strstr(b.data, "Bcc"));
	ck_assert_ptr_nonnull(header(b.data, "Date", v, sizeof(v)));
	ck_assert_str_eq(header(b.data, "Message-ID", v, sizeof(v)), msgid);
	ck_assert_ptr_nonnull(strstr(msgid, "@mailcli.invalid>"));
	ck_assert_ptr_nonnull(strstr(b.data, "To: a@x.example,\r\n"
		"  B <b@x.example>\r\nSubject: hi\r\n\r\nbody line\r\n"
		"To: not@a.header\r\n"));
	for (i = 0; i < n; i++)
		ck_assert_str_ne(rcpts[i].addr, "not@a.header");
	buf_clear(&b);
	arena_free(&a);
}
END_TEST

START_TEST(test_stdin_message_defaults)
{
	static const char in[] =
		"To: a@x.example\r\nMessage-ID: <given@x>\r\n"
		"Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\n"
		"one\r\n.\r\nafter the dot\r\n";
	struct compose_addr from = { "Robot", "robot@x.example" };
	struct arena *a = arena_new(0);
	struct compose_addr *rcpts;
	struct buf b;
	size_t n;
	const char *msgid = NULL, *error = NULL;

	buf_init(&b, 0);
	ck_assert_int_eq(compose_from_stdin_message(in, strlen(in), true,
		&from, 1700000000, a, &b, &rcpts, &n, &msgid, &error), 0);
	ck_assert_str_eq(msgid, "<given@x>");
	ck_assert_str_eq(buf_str(&b), "From: Robot <robot@x.example>\r\n"
		"To: a@x.example\r\nMessage-ID: <given@x>\r\n"
		"Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\none\r\n");
	/* without a From anywhere */
	buf_reset(&b);
	ck_assert_int_eq(compose_from_stdin_message(in, strlen(in), true,
		NULL, 1700000000, a, &b, &rcpts, &n, &msgid, &error), -1);
	/* not a message */
	ck_assert_int_eq(compose_from_stdin_message("hello\n", 6, false,
		&from, 0, a, &b, &rcpts, &n, &msgid, &error), -1);
	ck_assert_int_eq(compose_from_stdin_message(" x: y\n", 6, false,
		&from, 0, a, &b, &rcpts, &n, &msgid, &error), -1);
	ck_assert_int_eq(compose_from_stdin_message("To: a@\n\nx\n", 10,
		false, &from, 0, a, &b, &rcpts, &n, &msgid, &error), -1);
	buf_clear(&b);
	arena_free(&a);
}
END_TEST

static Suite *
compose_suite(void)
{
	Suite *s = suite_create("mailcli_compose");
	TCase *tc;

	tc = tcase_create("encoding");
	tcase_add_loop_test(tc, test_encode_words, 0, N_ELEMENTS(utf8_texts));
	tcase_add_loop_test(tc, test_qp, 0, N_ELEMENTS(qps));
	tcase_add_test(tc, test_qp_long);
	tcase_add_test(tc, test_body_encoding);
	tcase_add_test(tc, test_base64);
	tcase_add_test(tc, test_guess_type);
	tcase_add_test(tc, test_date);
	suite_add_tcase(s, tc);

	tc = tcase_create("addresses");
	tcase_add_loop_test(tc, test_parse_addrs, 0, N_ELEMENTS(addrs));
	tcase_add_test(tc, test_mailbox);
	suite_add_tcase(s, tc);

	tc = tcase_create("message");
	tcase_add_test(tc, test_message_plain);
	tcase_add_test(tc, test_message_attachment);
	tcase_add_test(tc, test_message_long_subject);
	tcase_add_test(tc, test_stdin_message);
	tcase_add_test(tc, test_stdin_message_defaults);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(compose_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
