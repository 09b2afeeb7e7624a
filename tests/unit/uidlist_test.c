/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/uidlist.c and lib/keywords.c: parsing Dovecot's
 * files (table-driven, every split of the text), format round trip,
 * append, atomic write and read back. */
#include "store_testlib.h"

#include <errno.h>

#include "keywords.h"
#include "uidlist.h"
#include "tern.h"

#define GUID "0123456789abcdef0123456789ABCDEF"

static const struct {
	const char *text;
	int ret;
	uint32_t validity, next;
	size_t count;
	uint32_t last_uid;
	const char *last_name, *last_ext;
} parse_cases[] = {
	{ "3 V1700000000 N5 G" GUID "\n"
	  "1 :1700000000.M1P1.host,S=100,W=102:2,S\n"
	  "3 W1024 :1700000001.M2P1.host:2,RSa\n",
	  0, 1700000000, 5, 2, 3, "1700000001.M2P1.host:2,RSa", "W1024" },
	/* N behind the records (Dovecot appends without a new header) */
	{ "3 V7 N2\n1 :a\n2 :b\n5 G00 W3 :c\n", 0, 7, 6, 3, 5, "c", "G00 W3" },
	{ "3 V7 N9\n", 0, 7, 9, 0, 0, NULL, NULL },
	/* unknown header fields are kept */
	{ "3 V7 N9 Zfoo\n\n4 :x\n", 0, 7, 9, 1, 4, "x", "" },
	{ "1 1234 10\n3 1234.M1P1.host:2,S\n", 0, 1234, 10, 1, 3,
	  "1234.M1P1.host:2,S", "" },
	{ "3 V7 N9\r\n4 :x\r\n", 0, 7, 9, 1, 4, "x", "" },
	/* version 1 with a zero UIDVALIDITY or next UID, as in version 3
	 * (fuzz_uidlist: "1 3 000" formatted to an unreadable "3 V3 N0") */
	{ "1 3 000\n", -1, 0, 0, 0, 0, NULL, NULL },
	{ "1 0 5\n1 a\n", -1, 0, 0, 0, 0, NULL, NULL },
	{ "3 V7 N0\n", -1, 0, 0, 0, 0, NULL, NULL },
	{ "", -1, 0, 0, 0, 0, NULL, NULL },
	{ "2 V7 N9\n", -1, 0, 0, 0, 0, NULL, NULL },
	{ "3 N9\n", -1, 0, 0, 0, 0, NULL, NULL },
	{ "3 V7 N9 Gxyz\n", -1, 0, 0, 0, 0, NULL, NULL },
	{ "3 Vx N9\n", -1, 0, 0, 0, 0, NULL, NULL },
	{ "3 V7 N9\n2 :a\n2 :b\n", -1, 0, 0, 0, 0, NULL, NULL },
	{ "3 V7 N9\n3 :a\n2 :b\n", -1, 0, 0, 0, 0, NULL, NULL },
	{ "3 V7 N9\n0 :a\n", -1, 0, 0, 0, 0, NULL, NULL },
	{ "3 V7 N9\n1 a\n", -1, 0, 0, 0, 0, NULL, NULL },
	{ "3 V7 N9\n1 :\n", -1, 0, 0, 0, 0, NULL, NULL },
	{ "3 V7 N9\n1 :../x\n", -1, 0, 0, 0, 0, NULL, NULL },
	{ "3 V7 N9\n-1 :x\n", -1, 0, 0, 0, 0, NULL, NULL },
	{ "3 V7 N9\n4294967295 :x\n", -1, 0, 0, 0, 0, NULL, NULL },
};

START_TEST(test_parse)
{
	struct uidlist ul;
	const char *error = NULL;
	int ret;

	uidlist_init(&ul);
	ret = uidlist_parse(span_str(parse_cases[_i].text), &ul, &error);
	ck_assert_int_eq(ret, parse_cases[_i].ret);
	if (ret < 0) {
		ck_assert_ptr_nonnull(error);
		uidlist_clear(&ul);
		return;
	}
	ck_assert_uint_eq(ul.uid_validity, parse_cases[_i].validity);
	ck_assert_uint_eq(ul.next_uid, parse_cases[_i].next);
	ck_assert_uint_eq(ul.count, parse_cases[_i].count);
	if (ul.count > 0) {
		ck_assert_uint_eq(ul.recs[ul.count - 1].uid,
		    parse_cases[_i].last_uid);
		ck_assert_str_eq(ul.recs[ul.count - 1].filename,
		    parse_cases[_i].last_name);
		ck_assert_str_eq(ul.recs[ul.count - 1].ext,
		    parse_cases[_i].last_ext);
	}
	uidlist_clear(&ul);
}
END_TEST

/* Round trip: format(parse(x)) == x for our own output. */
START_TEST(test_format_roundtrip)
{
	static const char text[] = "3 V1700000000 N8 G" GUID " Zkeep\n"
	    "1 :a,S=1,W=2:2,S\n3 W1024 :b:2,RSa\n7 G0 :c\n";
	struct uidlist ul;
	const char *error;
	size_t len;
	char *out;

	uidlist_init(&ul);
	ck_assert_int_eq(uidlist_parse(span_str(text), &ul, &error), 0);
	ck_assert_str_eq(ul.guid, GUID);
	ck_assert_str_eq(ul.hdr_ext, "Zkeep");
	out = uidlist_format(&ul, &len);
	ck_assert_str_eq(out, text);
	ck_assert_uint_eq(len, strlen(text));
	free(out);
	uidlist_clear(&ul);
}
END_TEST

START_TEST(test_append_write_read)
{
	char *dir = test_tmpdir(), path[4200], *got;
	struct uidlist ul, ul2;
	const char *error;
	uint32_t uid;

	snprintf(path, sizeof(path), "%s/dovecot-uidlist", dir);
	uidlist_init(&ul);
	/* a missing file is an empty list */
	ck_assert_int_eq(uidlist_read(path, &ul, &error), 0);
	ck_assert_uint_eq(ul.uid_validity, 0);
	ck_assert_uint_eq(ul.next_uid, 1);
	ul.uid_validity = 1700000000;
	ck_assert_int_eq(uidlist_append(&ul, "m1", NULL, &uid), 0);
	ck_assert_uint_eq(uid, 1);
	ck_assert_int_eq(uidlist_append(&ul, "m2:2,S", "W9", &uid), 0);
	ck_assert_uint_eq(uid, 2);
	ck_assert_uint_eq(ul.next_uid, 3);
	ck_assert_int_eq(uidlist_write(path, &ul, &error), 0);
	got = test_read_file(path, NULL);
	ck_assert_str_eq(got, "3 V1700000000 N3\n1 :m1\n2 W9 :m2:2,S\n");
	free(got);
	/* no temp file left */
	ck_assert_int_eq(test_count_dir(dir), 1);

	uidlist_init(&ul2);
	ck_assert_int_eq(uidlist_read(path, &ul2, &error), 0);
	ck_assert_uint_eq(ul2.count, 2);
	ck_assert_ptr_nonnull(uidlist_lookup(&ul2, 2));
	ck_assert_str_eq(uidlist_lookup(&ul2, 2)->filename, "m2:2,S");
	ck_assert_ptr_null(uidlist_lookup(&ul2, 3));
	/* after an expunge the next uid is still never reused */
	{
		bool keep[2] = { true, false };

		uidlist_filter(&ul2, keep);
	}
	ck_assert_uint_eq(ul2.count, 1);
	ck_assert_int_eq(uidlist_append(&ul2, "m3", NULL, &uid), 0);
	ck_assert_uint_eq(uid, 3);
	uidlist_clear(&ul2);

	/* corrupted file: an error of its own, not an empty list, with
	 * the header's UIDVALIDITY */
	uidlist_init(&ul2);
	test_write_file(path, "3 V17 N2\n2 :a\n1 :b\n");
	ck_assert_int_eq(uidlist_read(path, &ul2, &error), -2);
	ck_assert_uint_eq(ul2.uid_validity, 17);
	uidlist_clear(&ul2);
	uidlist_clear(&ul);
	/* unwritable directory */
	snprintf(path, sizeof(path), "%s/nodir/dovecot-uidlist", dir);
	ck_assert_int_eq(uidlist_write(path, &ul, &error), -1);
	ck_assert_int_eq(errno, ENOENT);
	test_rmrf(dir);
}
END_TEST

/* A control character anywhere is corruption. A NUL used to be kept in
 * the header extensions, which then lost everything after it, and a CR
 * before the CRLF stayed in a field; neither formatted to text that
 * parses the same (found by fuzz_uidlist). */
START_TEST(test_parse_control)
{
	static const char *const texts[] = {
		"3 V7 N9 Xa \0b\n1 :a\n",
		"3 V7 N9\n1 W\0 :a\n",
		"3 V7 N9\n1 :a\0b\n",
		"1 7\0 9\n1 a\n",
		"3 V1 x\r\r\n1 :x\r\n",
		"3 V1 N2\n1 :x\r\r\n",
		"3 V1 N2\n1 :x\ty\n",
		"3 V1 N2\n1 :x\x7f\n",
	};
	size_t i;

	for (i = 0; i < N_ELEMENTS(texts); i++) {
		struct uidlist ul;
		const char *error = NULL;
		size_t len = strlen(texts[i]);

		/* the first four hold a NUL: take the text after it too */
		if (i < 4)
			len += strlen(texts[i] + len + 1) + 1;
		uidlist_init(&ul);
		ck_assert_int_eq(uidlist_parse(span_make(texts[i], len), &ul,
		    &error), -1);
		ck_assert_str_eq(error, "uidlist: control character");
		uidlist_clear(&ul);
	}
}
END_TEST

START_TEST(test_parse_every_split)
{
	static const char text[] = "3 V5 N4 G" GUID "\n1 :a:2,S\n3 W7 :b\n";
	char copy[sizeof(text)];
	size_t cut;

	/* The file is read whole, but a truncated read (a concurrent
	 * writer without the lock) must never crash or invent records. */
	for (cut = 0; cut <= strlen(text); cut++) {
		struct uidlist ul;
		const char *error;

		memcpy(copy, text, cut);
		uidlist_init(&ul);
		if (uidlist_parse(span_make(copy, cut), &ul, &error) == 0)
			ck_assert_uint_le(ul.count, 2);
		uidlist_clear(&ul);
	}
}
END_TEST

START_TEST(test_keywords)
{
	char *dir = test_tmpdir(), path[4200], *got, name[8];
	struct keywords kw, kw2;
	const char *error;
	int i;

	keywords_init(&kw);
	keywords_parse(span_str("0 $Junk\n1 work\nbad line\n30 x\n"
	    "2 two words\n4 $Forwarded\n"), &kw);
	ck_assert_str_eq(kw.names[0], "$Junk");
	ck_assert_str_eq(kw.names[1], "work");
	ck_assert_ptr_null(kw.names[2]);
	ck_assert_str_eq(kw.names[4], "$Forwarded");
	ck_assert_int_eq(keywords_lookup(&kw, "$junk"), 0);
	ck_assert_int_eq(keywords_lookup(&kw, "nope"), -1);
	ck_assert_int_eq(keywords_add(&kw, "WORK"), 1);
	ck_assert_int_eq(keywords_add(&kw, "new"), 2);
	ck_assert_int_eq(keywords_add(&kw, "\\Seen"), -1);
	ck_assert_int_eq(keywords_add(&kw, "a b"), -1);
	ck_assert_int_eq(keywords_add(&kw, "a(b"), -1);
	snprintf(path, sizeof(path), "%s/dovecot-keywords", dir);
	ck_assert_int_eq(keywords_write(path, &kw, &error), 0);
	got = test_read_file(path, NULL);
	ck_assert_str_eq(got, "0 $Junk\n1 work\n2 new\n4 $Forwarded\n");
	free(got);
	keywords_init(&kw2);
	ck_assert_int_eq(keywords_read(path, &kw2, &error), 0);
	ck_assert_int_eq(keywords_lookup(&kw2, "new"), 2);
	keywords_clear(&kw2);
	/* 26 is the limit */
	for (i = 0; i < KEYWORDS_MAX; i++) {
		snprintf(name, sizeof(name), "k%d", i);
		(void)keywords_add(&kw, name);
	}
	ck_assert_int_eq(keywords_add(&kw, "one-too-many"), -1);
	keywords_clear(&kw);
	ck_assert_uint_eq(keywords_mask_from_flags("RSaz"),
	    (1u << 0) | (1u << 25));
	ck_assert_uint_eq(keywords_mask_from_flags("FS"), 0);
	test_rmrf(dir);
}
END_TEST

static Suite *
uidlist_suite(void)
{
	Suite *s = suite_create("uidlist");
	TCase *tc = tcase_create("uidlist");

	tcase_add_loop_test(tc, test_parse, 0, N_ELEMENTS(parse_cases));
	tcase_add_test(tc, test_format_roundtrip);
	tcase_add_test(tc, test_append_write_read);
	tcase_add_test(tc, test_parse_control);
	tcase_add_test(tc, test_parse_every_split);
	suite_add_tcase(s, tc);
	tc = tcase_create("keywords");
	tcase_add_test(tc, test_keywords);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(uidlist_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
