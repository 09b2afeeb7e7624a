/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for lib/message*.c and imapd/imap_{envelope,bodystructure}.c:
 * a corpus of messages (tests/unit/messages/NAME.eml) whose BODY,
 * BODYSTRUCTURE and ENVELOPE must equal the NAME.expected FETCH line
 * (Dovecot 2.3.19's answer, checked against RFC 3501 7.4.2); every prefix
 * of every message parses with consistent sizes; table tests for RFC 2047,
 * addresses, sections and BINARY decoding.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "imap_bodystructure.h"
#include "imap_envelope.h"
#include "message.h"
#include "tern.h"

#define CORPUS_MAX 200

static char *corpus[CORPUS_MAX];
static unsigned int ncorpus;

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
corpus_load(void)
{
	DIR *dir = opendir(TEST_SRCDIR "/tests/unit/messages");
	struct dirent *de;

	if (dir == NULL)
		return;
	while ((de = readdir(dir)) != NULL && ncorpus < CORPUS_MAX) {
		size_t n = strlen(de->d_name);

		if (n > 4 && strcmp(de->d_name + n - 4, ".eml") == 0)
			corpus[ncorpus++] = strndup(de->d_name, n - 4);
	}
	closedir(dir);
	qsort(corpus, ncorpus, sizeof(corpus[0]), name_cmp);
}

static char *
slurp(const char *name, const char *ext, size_t *len_r)
{
	char path[512];
	FILE *f;
	char *data;
	long n;

	snprintf(path, sizeof(path), "%s/tests/unit/messages/%s%s",
	    TEST_SRCDIR, name, ext);
	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc((size_t)n + 1);
	ck_assert(data != NULL);
	ck_assert_uint_eq(fread(data, 1, (size_t)n, f), (size_t)n);
	data[n] = '\0';
	fclose(f);
	*len_r = (size_t)n;
	return data;
}

/* The FETCH line Dovecot answers to "FETCH 1 (BODY BODYSTRUCTURE
 * ENVELOPE)". */
static void
fetch_line(struct message *m, struct arena *a, struct buf *out)
{
	ck_assert_int_eq(buf_puts(out, "* 1 FETCH (BODY "), 0);
	ck_assert_int_eq(imap_bodystructure_write(m, false, a, out), 0);
	ck_assert_int_eq(buf_puts(out, " BODYSTRUCTURE "), 0);
	ck_assert_int_eq(imap_bodystructure_write(m, true, a, out), 0);
	ck_assert_int_eq(buf_puts(out, " ENVELOPE "), 0);
	ck_assert_int_eq(imap_envelope_write(m->root, a, out), 0);
	ck_assert_int_eq(buf_puts(out, ")\r\n"), 0);
}

START_TEST(test_corpus)
{
	const char *name = corpus[_i], *error;
	size_t len, elen;
	char *data = slurp(name, ".eml", &len);
	char *expected = slurp(name, ".expected", &elen);
	struct arena *a = arena_new(0);
	struct message *m;
	struct buf out;

	ck_assert_msg(data != NULL, "%s.eml", name);
	ck_assert_msg(expected != NULL, "%s.expected missing", name);
	ck_assert_int_eq(message_parse(span_make(data, len), NULL, a, &m,
	    &error), 0);
	buf_init(&out, 0);
	fetch_line(m, a, &out);
	if (strcmp(buf_str(&out), expected) != 0 &&
	    getenv("MESSAGE_TEST_DUMP") != NULL) {
		/* MESSAGE_TEST_DUMP=dir keeps what we got, for diff(1) */
		char path[512];
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s.got",
		    getenv("MESSAGE_TEST_DUMP"), name);
		f = fopen(path, "wb");
		if (f != NULL) {
			fwrite(out.data, 1, out.len, f);
			fclose(f);
		}
	}
	ck_assert_msg(strcmp(buf_str(&out), expected) == 0,
	    "%s: FETCH line differs", name);
	buf_clear(&out);
	arena_free(&a);
	free(data);
	free(expected);
}
END_TEST


/* Every prefix of every corpus message parses, and the tree keeps its
 * invariants: ranges nested and inside the data, sizes consistent. */
START_TEST(test_corpus_prefixes)
{
	const char *name = corpus[_i], *error;
	size_t len, cut, step;
	char *data = slurp(name, ".eml", &len);
	struct arena *a = arena_new(0);
	struct buf out;

	ck_assert(data != NULL);
	buf_init(&out, 0);
	step = len > 4000 ? len / 400 : 1;
	for (cut = 0; cut <= len; cut += step) {
		struct message *m;
		struct message_part *p;
		struct arena_mark mk = arena_mark(a);

		ck_assert_int_eq(message_parse(span_make(data, cut), NULL, a,
		    &m, &error), 0);
		for (p = m->root; p != NULL;) {
			struct message_size s = message_range_size(m,
			    p->body_start, p->body_end);

			ck_assert(p->hdr_start <= p->body_start);
			ck_assert(p->body_start <= p->body_end);
			ck_assert(p->body_end <= cut);
			ck_assert(s.physical == p->body.physical);
			ck_assert(s.crlf == p->body.crlf);
			ck_assert(s.lines == p->body.lines);
			if (p->parent != NULL) {
				ck_assert(p->hdr_start >= p->parent->body_start);
				ck_assert(p->body_end <= p->parent->body_end);
			}
			if (p->children != NULL)
				p = p->children;
			else {
				while (p != NULL && p->next == NULL)
					p = p->parent;
				if (p != NULL)
					p = p->next;
			}
		}
		buf_reset(&out);
		ck_assert_int_eq(imap_bodystructure_write(m, true, a, &out), 0);
		ck_assert_int_eq(imap_envelope_write(m->root, a, &out), 0);
		arena_reset_to(a, mk);
	}
	buf_clear(&out);
	arena_free(&a);
	free(data);
}
END_TEST

/* RFC 2047 decoding. */
static const struct {
	const char *in, *out;
} words_cases[] = {
	{ "plain text", "plain text" },
	{ "=?UTF-8?B?w4RwZmVs?=", "\xc3\x84pfel" },
	{ "=?utf-8?q?caf=C3=A9_au_lait?=", "caf\xc3\xa9 au lait" },
	{ "=?ISO-8859-1?Q?Fran=E7ois?=", "Fran\xc3\xa7ois" },
	/* white space between adjacent encoded words goes (6.2) */
	{ "=?utf-8?q?a?= =?utf-8?q?b?=", "ab" },
	{ "=?utf-8?q?a?=\r\n =?utf-8?q?b?=", "ab" },
	{ "=?utf-8?q?a?= c =?utf-8?q?d?=", "a c d" },
	/* a split multi-byte character joins up across words */
	{ "=?utf-8?b?w4Q=?= =?utf-8?b?w7Y=?=", "\xc3\x84\xc3\xb6" },
	{ "=?windows-1252?q?=80uro?=", "\xe2\x82\xacuro" },
	{ "=?iso-8859-2?q?=B1?=", "\xc4\x85" },
	{ "=?utf-8*en?q?lang?=", "lang" },
	/* not encoded words: kept as sent */
	{ "=?bogus-charset?q?x?=", "=?bogus-charset?q?x?=" },
	{ "=?utf-8?x?abc?=", "=?utf-8?x?abc?=" },
	{ "=?utf-8?q?with space?=", "=?utf-8?q?with space?=" },
	{ "=?UTF-8?B?broken", "=?UTF-8?B?broken" },
	{ "a=?utf-8?q?b?=", "ab" },
	{ "", "" },
	/* invalid UTF-8 becomes U+FFFD */
	{ "=?utf-8?q?=FF?=", "\xef\xbf\xbd" },
};

START_TEST(test_decode_words)
{
	struct arena *a = arena_new(0);
	char *out = message_decode_words(span_str(words_cases[_i].in), a);

	ck_assert_str_eq(out, words_cases[_i].out);
	arena_free(&a);
}
END_TEST

/* Every prefix of every RFC 2047 case decodes to valid UTF-8 (cut
 * encoded words stay as sent), and every prefix of every address case
 * gives a list ENVELOPE can render. */
static bool
utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != 0) {
		size_t n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 :
		    (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;
		size_t k;

		if (n == 0)
			return false;
		for (k = 1; k < n; k++) {
			if ((p[k] & 0xc0) != 0x80)
				return false;
		}
		p += n;
	}
	return true;
}

START_TEST(test_words_prefixes)
{
	const char *in = words_cases[_i].in;
	size_t cut, len = strlen(in);
	struct arena *a = arena_new(0);

	for (cut = 0; cut <= len; cut++) {
		char *out = message_decode_words(span_make(in, cut), a);

		ck_assert_msg(utf8_valid(out), "%s cut at %zu", in, cut);
	}
	arena_free(&a);
}
END_TEST

/* Address lists: the expectations are Dovecot 2.3.19's ENVELOPE. */
static const struct {
	const char *in, *out;
} addr_cases[] = {
	{ "a@b", "((NIL NIL \"a\" \"b\"))" },
	{ "", "NIL" },
	{ "Name <a@b>", "((\"Name\" NIL \"a\" \"b\"))" },
	{ "foo", "((NIL NIL \"foo\" \"MISSING_DOMAIN\"))" },
	{ "foo bar, x@y", "((\"foo bar\" NIL \"MISSING_MAILBOX\" "
	    "\"MISSING_DOMAIN\")(NIL NIL \"x\" \"y\"))" },
	{ "foo@ bar", "((NIL NIL \"foo\" \"bar\"))" },
	{ "foo <bar", "((\"foo\" NIL \"bar\" \"SYNTAX_ERROR\"))" },
	{ "Name <a@b> junk, c@d", "((\"Name\" NIL \"a\" \"b\"))" },
	{ "\"q\" w <a@b>", "((\"q w\" NIL \"a\" \"b\"))" },
	{ "a (c1) b <x@y>", "((\"a b\" NIL \"x\" \"y\"))" },
	{ "x@y (c) junk", "((\"c\" NIL \"x\" \"y\"))" },
	{ "<a@b", "((NIL NIL \"a\" \"SYNTAX_ERROR\"))" },
	{ "g: a@b junk; c@d",
	    "((NIL NIL \"g\" NIL)(NIL NIL \"a\" \"b\")(NIL NIL NIL NIL))" },
	{ "g: ;", "((NIL NIL \"g\" NIL)(NIL NIL NIL NIL))" },
	{ "<@r:a@b>", "((NIL \"@r\" \"a\" \"b\"))" },
	{ "<@r1,@r2:a@b>", "((NIL \"@r1,@r2\" \"a\" \"b\"))" },
	{ "<a>", "((NIL NIL \"a\" \"MISSING_DOMAIN\"))" },
	{ "<@r a@b>", "((NIL \"INVALID_ROUTE\" \"a\" \"b\"))" },
	{ "<@e>", "((NIL \"INVALID_ROUTE\" \"MISSING_MAILBOX\" "
	    "\"MISSING_DOMAIN\"))" },
	{ "<>", "((NIL NIL \"MISSING_MAILBOX\" \"MISSING_DOMAIN\"))" },
	{ "a@b@c", "((NIL NIL \"a\" \"b\"))" },
	{ "@b", "((NIL NIL \"MISSING_MAILBOX\" \"b\"))" },
	{ "a.@b", "((NIL NIL \"a.\" \"b\"))" },
	{ "\"a\".\"b\"@c", "((\"a\" NIL \"MISSING_MAILBOX\" "
	    "\"MISSING_DOMAIN\"))" },
	{ "Na.me <a@b>", "((\"Na.me\" NIL \"a\" \"b\"))" },
	{ "x@[192.0.2.1]", "((NIL NIL \"x\" \"[192.0.2.1]\"))" },
	{ "\"a b\"@example.com", "((NIL NIL \"a b\" \"example.com\"))" },
	{ "a@b (unterminated", "((NIL NIL \"a\" \"MISSING_DOMAIN\"))" },
	{ "a@b (x) , (y", "((\"x\" NIL \"a\" \"b\")(NIL NIL "
	    "\"MISSING_MAILBOX\" \"MISSING_DOMAIN\"))" },
	{ "\"a b\" <c@d>, (comment only)", "((\"a b\" NIL \"c\" \"d\"))" },
};

START_TEST(test_addr_parse)
{
	struct arena *a = arena_new(0);
	struct message_addr *list;
	struct buf out;

	buf_init(&out, 0);
	message_addr_parse(span_str(addr_cases[_i].in), a, &list);
	ck_assert_int_eq(imap_envelope_write_addrs(list, &out), 0);
	ck_assert_str_eq(buf_str(&out), addr_cases[_i].out);
	buf_clear(&out);
	arena_free(&a);
}
END_TEST

START_TEST(test_addr_prefixes)
{
	const char *in = addr_cases[_i].in;
	size_t cut, len = strlen(in);
	struct arena *a = arena_new(0);
	struct message_addr *list;
	struct buf out;

	buf_init(&out, 0);
	for (cut = 0; cut <= len; cut++) {
		buf_reset(&out);
		message_addr_parse(span_make(in, cut), a, &list);
		ck_assert_int_eq(imap_envelope_write_addrs(list, &out), 0);
		ck_assert(out.len >= 3);
	}
	buf_clear(&out);
	arena_free(&a);
}
END_TEST

/* A long list stops at MESSAGE_ADDRS_MAX entries. */
START_TEST(test_addr_limit)
{
	struct arena *a = arena_new(0);
	struct message_addr *list, *ad;
	struct buf in;
	unsigned int i, n = 0;

	buf_init(&in, 0);
	for (i = 0; i < MESSAGE_ADDRS_MAX * 2; i++)
		ck_assert_int_eq(buf_appendf(&in, "u%u@x, ", i), 0);
	message_addr_parse(buf_span(&in), a, &list);
	for (ad = list; ad != NULL; ad = ad->next)
		n++;
	ck_assert_uint_le(n, MESSAGE_ADDRS_MAX);
	ck_assert_uint_gt(n, MESSAGE_ADDRS_MAX - 5);
	buf_clear(&in);
	arena_free(&a);
}
END_TEST

static const char nested_msg[] =
	"Subject: outer\n"
	"Content-Type: multipart/mixed; boundary=o\n"
	"\n"
	"--o\n"
	"Content-Type: text/plain\n"
	"\n"
	"one\n"
	"--o\n"
	"Content-Type: message/rfc822\n"
	"\n"
	"Subject: inner\n"
	"Content-Type: multipart/alternative; boundary=i\n"
	"\n"
	"--i\n"
	"\n"
	"alt1\n"
	"--i\n"
	"Content-Type: text/html\n"
	"\n"
	"<b>alt2</b>\n"
	"--i--\n"
	"--o--\n";

static const struct {
	const char *spec, *text;	/* text NULL: an empty range */
} section_cases[] = {
	{ "1", "one" },
	{ "1.MIME", "Content-Type: text/plain\r\n\r\n" },
	{ "2.HEADER", "Subject: inner\r\nContent-Type: multipart/alternative;"
	    " boundary=i\r\n\r\n" },
	{ "2.1", "alt1" },
	{ "2.2", "<b>alt2</b>" },
	{ "2.2.MIME", "Content-Type: text/html\r\n\r\n" },
	{ "2.TEXT", "--i\r\n\r\nalt1\r\n--i\r\nContent-Type: text/html\r\n"
	    "\r\n<b>alt2</b>\r\n--i--\r\n" },	/* as Dovecot: an empty
						 * epilogue keeps its CRLF */
	{ "HEADER", "Subject: outer\r\nContent-Type: multipart/mixed; "
	    "boundary=o\r\n\r\n" },
	{ "3", NULL },
	{ "2.3", NULL },
	{ "1.TEXT", NULL },	/* text/plain has no TEXT */
	{ "1.1", "one" },	/* a non-multipart has part 1 = itself */
};

START_TEST(test_sections)
{
	struct arena *a = arena_new(0);
	struct message *m;
	struct imap_section sec;
	const char *error;
	struct buf out;

	buf_init(&out, 0);
	ck_assert_int_eq(message_parse(span_str(nested_msg), NULL, a, &m,
	    &error), 0);
	ck_assert_int_eq(imap_bodystructure_section(m,
	    span_str(section_cases[_i].spec), &sec, &error), 0);
	if (section_cases[_i].text == NULL) {
		ck_assert(sec.part == NULL);
		ck_assert_uint_eq(sec.start, sec.end);
	} else {
		ck_assert(sec.part != NULL);
		ck_assert_int_eq(message_append_crlf(m, sec.start, sec.end,
		    &out), 0);
		ck_assert_str_eq(buf_str(&out), section_cases[_i].text);
		ck_assert_uint_eq(sec.crlf_size, out.len);
	}
	buf_clear(&out);
	arena_free(&a);
}
END_TEST

START_TEST(test_section_syntax)
{
	static const char *const bad[] = { "0", "1.", ".1", "01", "1..2",
	    "FOO", "1.HEADER.FIELDS", "HEADER.FIELDS From", "MIME",
	    "99999999999" };
	struct arena *a = arena_new(0);
	struct message *m;
	struct imap_section sec;
	const char *error;
	unsigned int i;

	ck_assert_int_eq(message_parse(span_str(nested_msg), NULL, a, &m,
	    &error), 0);
	for (i = 0; i < N_ELEMENTS(bad); i++)
		ck_assert_msg(imap_bodystructure_section(m, span_str(bad[i]),
		    &sec, &error) == -1, "%s", bad[i]);
	ck_assert_int_eq(imap_bodystructure_section(m,
	    span_str("2.HEADER.FIELDS.NOT (Subject)"), &sec, &error), 0);
	ck_assert_int_eq(sec.kind, IMAP_SECTION_HEADER_FIELDS_NOT);
	ck_assert_uint_eq(sec.fields.len, 9);
	arena_free(&a);
}
END_TEST

static const struct {
	const char *cte, *body, *out;
	int ret;
} decode_cases[] = {
	{ "base64", "aGVsbG8g\nd29ybGQ=\n", "hello world", 0 },
	{ "BASE64", "aGVsbG8", "hello", 0 },
	{ "base64", "aGV!sb*G8=junk", "hello", 0 },
	{ "quoted-printable", "caf=C3=A9 =\nx\n", "caf\xc3\xa9 x\r\n", 0 },
	{ "quoted-printable", "a=20\nb  \n=3D", "a \r\nb\r\n=", 0 },
	{ "quoted-printable", "bad=ZZ=", "bad=ZZ", 0 },
	{ "7bit", "a\nb\r\nc", "a\r\nb\r\nc", 0 },
	{ NULL, "x\n", "x\r\n", 0 },
	{ "binary", "a\nb", "a\nb", 0 },
	{ "x-uuencode", "x", "", -1 },
};

START_TEST(test_part_decode)
{
	struct arena *a = arena_new(0);
	struct message *m;
	const char *error = NULL;
	struct buf in, out;

	buf_init(&in, 0);
	buf_init(&out, 0);
	if (decode_cases[_i].cte != NULL)
		ck_assert_int_eq(buf_appendf(&in,
		    "Content-Transfer-Encoding: %s\n", decode_cases[_i].cte),
		    0);
	ck_assert_int_eq(buf_appendf(&in, "\n%s", decode_cases[_i].body), 0);
	ck_assert_int_eq(message_parse(buf_span(&in), NULL, a, &m, &error),
	    0);
	ck_assert_int_eq(message_part_decode(m, m->root, &out, &error),
	    decode_cases[_i].ret);
	if (decode_cases[_i].ret == 0)
		ck_assert_str_eq(buf_str(&out), decode_cases[_i].out);
	else
		ck_assert_str_eq(error, "unknown");
	buf_clear(&in);
	buf_clear(&out);
	arena_free(&a);
}
END_TEST

/* base64 longer than the decoder's block: every byte, in order, with
 * line breaks every 76 characters; and a full buffer leaves it as it
 * was. */
START_TEST(test_part_decode_long)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct arena *a = arena_new(0);
	struct message *m;
	const char *error = NULL;
	struct buf in, out;
	size_t i, n = 30000, col = 0;
	uint32_t acc = 0;
	unsigned int bits = 0;

	buf_init(&in, 0);
	buf_init(&out, 0);
	ck_assert_int_eq(buf_puts(&in, "Content-Transfer-Encoding: base64"
	    "\n\n"), 0);
	/* bytes i % 251, encoded by hand (n is a multiple of 3) */
	for (i = 0; i < n; i++) {
		acc = (acc << 8) | (uint32_t)(i % 251);
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			ck_assert_int_eq(buf_putc(&in, b64[(acc >> bits) &
			    63]), 0);
			if (++col == 76) {
				ck_assert_int_eq(buf_putc(&in, '\n'), 0);
				col = 0;
			}
		}
	}
	ck_assert_int_eq(message_parse(buf_span(&in), NULL, a, &m, &error),
	    0);
	ck_assert_int_eq(message_part_decode(m, m->root, &out, &error), 0);
	ck_assert_uint_eq(out.len, n);
	for (i = 0; i < n; i++)
		ck_assert_uint_eq((unsigned char)out.data[i], i % 251);
	buf_clear(&out);
	buf_init(&out, 5000);
	ck_assert_int_eq(buf_puts(&out, "kept"), 0);
	ck_assert_int_eq(message_part_decode(m, m->root, &out, &error), -1);
	ck_assert_str_eq(buf_str(&out), "kept");
	buf_clear(&in);
	buf_clear(&out);
	arena_free(&a);
}
END_TEST

/* Limits: parts, fields and depth stop where they are set. */
START_TEST(test_limits)
{
	struct message_limits lim = { 3, 4, 2 };
	struct arena *a = arena_new(0);
	struct message *m;
	const char *error;
	struct buf in;
	unsigned int i;

	buf_init(&in, 0);
	ck_assert_int_eq(buf_puts(&in,
	    "Content-Type: multipart/mixed; boundary=b\nA: 1\nB: 2\n\n"), 0);
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(buf_appendf(&in, "--b\n\npart %u\n", i), 0);
	ck_assert_int_eq(buf_puts(&in, "--b--\n"), 0);
	ck_assert_int_eq(message_parse(buf_span(&in), &lim, a, &m, &error), 0);
	/* After 4 parts no boundary is seen: the 3rd child runs to the end */
	ck_assert_uint_eq(m->nparts, 4);
	ck_assert_uint_eq(m->root->nfields, 2);
	ck_assert(m->overflow);
	ck_assert_uint_eq(m->root->children->next->next->body_end, in.len);
	/* Nested past depth 3: the third level is opaque. */
	buf_reset(&in);
	ck_assert_int_eq(buf_puts(&in,
	    "Content-Type: multipart/mixed; boundary=a\n\n--a\n"
	    "Content-Type: message/rfc822\n\n"
	    "Content-Type: multipart/mixed; boundary=c\n\n--c\n\nx\n--c--\n"
	    "--a--\n"), 0);
	ck_assert_int_eq(message_parse(buf_span(&in), &lim, a, &m, &error), 0);
	ck_assert_uint_eq(m->nparts, 3);
	ck_assert(m->root->children->children->children == NULL);
	ck_assert(m->root->children->children->flags & MESSAGE_PART_OVERFLOW);
	buf_clear(&in);
	arena_free(&a);
}
END_TEST

START_TEST(test_header_access)
{
	static const char msg[] = "Subject: a\r\n b\r\nX-Nul: a\0b\r\n"
	    "subject: second\r\n\r\nbody";
	struct arena *a = arena_new(0);
	struct message *m;
	const char *error;

	ck_assert_int_eq(message_parse(span_make(msg, sizeof(msg) - 1), NULL,
	    a, &m, &error), 0);
	ck_assert_uint_eq(m->root->nfields, 3);
	ck_assert_str_eq(message_header_get(m->root, "SUBJECT", a), "a b");
	ck_assert_str_eq(message_header_get(m->root, "x-nul", a),
	    "a\xef\xbf\xbd" "b");
	ck_assert(message_header_get(m->root, "To", a) == NULL);
	ck_assert_uint_eq(m->root->body.physical, 4);
	ck_assert_uint_eq(m->root->hdr.crlf, m->root->hdr.physical);
	arena_free(&a);
}
END_TEST

static Suite *
message_suite(void)
{
	Suite *s = suite_create("message");
	TCase *tc = tcase_create("corpus");

	corpus_load();
	tcase_add_loop_test(tc, test_corpus, 0, (int)ncorpus);
	tcase_add_loop_test(tc, test_corpus_prefixes, 0, (int)ncorpus);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("header");
	tcase_add_loop_test(tc, test_decode_words, 0,
	    (int)N_ELEMENTS(words_cases));
	tcase_add_loop_test(tc, test_addr_parse, 0,
	    (int)N_ELEMENTS(addr_cases));
	tcase_add_loop_test(tc, test_words_prefixes, 0,
	    (int)N_ELEMENTS(words_cases));
	tcase_add_loop_test(tc, test_addr_prefixes, 0,
	    (int)N_ELEMENTS(addr_cases));
	tcase_add_test(tc, test_addr_limit);
	tcase_add_test(tc, test_header_access);
	suite_add_tcase(s, tc);

	tc = tcase_create("sections");
	tcase_add_loop_test(tc, test_sections, 0,
	    (int)N_ELEMENTS(section_cases));
	tcase_add_test(tc, test_section_syntax);
	tcase_add_test(tc, test_part_decode_long);
	tcase_add_loop_test(tc, test_part_decode, 0,
	    (int)N_ELEMENTS(decode_cases));
	tcase_add_test(tc, test_limits);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(message_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
