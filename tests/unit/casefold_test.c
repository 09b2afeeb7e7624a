/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/casefold.c: the folding table, UTF-8 folding of
 * valid and invalid text, and the folded substring search (ASCII, Latin-1,
 * Greek, Cyrillic, chunk boundaries, never reading past the text). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "casefold.h"
#include "tern.h"

START_TEST(test_cp)
{
	ck_assert_uint_eq(casefold_cp('A'), 'a');
	ck_assert_uint_eq(casefold_cp('z'), 'z');
	ck_assert_uint_eq(casefold_cp('@'), '@');
	ck_assert_uint_eq(casefold_cp(0xc9), 0xe9);	/* É é */
	ck_assert_uint_eq(casefold_cp(0xe9), 0xe9);
	ck_assert_uint_eq(casefold_cp(0xdf), 0xdf);	/* ß: only F */
	ck_assert_uint_eq(casefold_cp(0x1e9e), 0xdf);	/* ẞ: S */
	ck_assert_uint_eq(casefold_cp(0x3a3), 0x3c3);	/* Σ σ */
	ck_assert_uint_eq(casefold_cp(0x3c2), 0x3c3);	/* ς σ */
	ck_assert_uint_eq(casefold_cp(0x416), 0x436);	/* Ж ж */
	ck_assert_uint_eq(casefold_cp(0x401), 0x451);	/* Ё ё */
	ck_assert_uint_eq(casefold_cp(0x130), 0x130);	/* İ: only T, F */
	ck_assert_uint_eq(casefold_cp(0x212a), 'k');	/* KELVIN SIGN */
	ck_assert_uint_eq(casefold_cp(0x17f), 's');	/* LONG S */
	ck_assert_uint_eq(casefold_cp(0x1f88), 0x1f80);	/* S status */
	ck_assert_uint_eq(casefold_cp(0x10400), 0x10428);	/* Deseret */
	ck_assert_uint_eq(casefold_cp(0x1e900), 0x1e922);	/* Adlam */
	ck_assert_uint_eq(casefold_cp(0x1f600), 0x1f600);
	ck_assert_uint_eq(casefold_cp(0x10ffff), 0x10ffff);
	ck_assert_str_eq(casefold_unicode_version(), "15.0.0");
}
END_TEST

/* Folding is idempotent, and only U+017F and U+212A fold into ASCII
 * from outside it (casefold.c's fast path relies on that). */
START_TEST(test_cp_all)
{
	uint32_t cp, f, bad = 0, to_ascii = 0;

	/* ck_assert per code point is too slow for Check's timeout */
	for (cp = 0; cp <= 0x10ffff; cp++) {
		f = casefold_cp(cp);
		if (f > 0x10ffff || casefold_cp(f) != f)
			bad++;
		if (cp >= 0x80 && f < 0x80) {
			to_ascii++;
			if (cp != 0x17f && cp != 0x212a)
				bad++;
		}
	}
	ck_assert_uint_eq(bad, 0);
	ck_assert_uint_eq(to_ascii, 2);
}
END_TEST

static const struct {
	const char *in, *out;
} folds[] = {
	{ "Hello WORLD", "hello world" },
	/* ÉTÉ: folded, then decomposed (RFC 5051) */
	{ "\xc3\x89T\xc3\x89", "e\xcc\x81te\xcc\x81" },
	{ "\xef\xac\x81", "fi" },				/* ﬁ */
	{ "\xef\xbc\xa1", "a" },				/* Ａ */
	{ "\xc2\xa0", " " },				/* no-break space */
	{ "STRA\xe1\xba\x9e" "E", "stra\xc3\x9f" "e" },		/* STRAẞE */
	{ "\xce\x9f\xce\x94\xce\x9f\xce\xa3",			/* ΟΔΟΣ */
	  "\xce\xbf\xce\xb4\xce\xbf\xcf\x83" },
	{ "\xce\xbf\xce\xb4\xce\xbf\xcf\x82",			/* οδος */
	  "\xce\xbf\xce\xb4\xce\xbf\xcf\x83" },
	{ "\xd0\x9f\xd0\xa0\xd0\x98", "\xd0\xbf\xd1\x80\xd0\xb8" }, /* ПРИ */
	{ "\xe2\x84\xaa", "k" },				/* K */
	{ "\xc8\xba", "\xe2\xb1\xa5" },				/* Ⱥ: grows */
	/* invalid: stray continuation, overlong, surrogate, truncated */
	{ "A\x80" "B", "a\x80" "b" },
	{ "\xc0\xaf" "A", "\xc0\xaf" "a" },
	{ "\xed\xa0\x80" "A", "\xed\xa0\x80" "a" },
	{ "A\xc3", "a\xc3" },
	{ "\xf4\x90\x80\x80", "\xf4\x90\x80\x80" },		/* > 10FFFF */
	{ "\xff\xfe", "\xff\xfe" },
};

START_TEST(test_utf8)
{
	char out[64];
	size_t used, n;

	n = casefold_utf8(folds[_i].in, strlen(folds[_i].in), out,
	    sizeof(out), &used);
	ck_assert_uint_eq(used, strlen(folds[_i].in));
	ck_assert_uint_eq(n, strlen(folds[_i].out));
	ck_assert(memcmp(out, folds[_i].out, n) == 0);
}
END_TEST

/* A small output stops before a character that does not fit, and
 * always makes progress with room for one character. */
START_TEST(test_utf8_cap)
{
	const char *in = "a\xc3\x89\xe2\x84\xaa\xc8\xba";
	char out[CASEFOLD_UTF8_MAX];
	size_t used, n, i = 0, total = 0;

	n = casefold_utf8(in, strlen(in), out, 2, &used);
	ck_assert_uint_eq(n, 1);	/* "a"; "e" U+0301 did not fit */
	ck_assert_uint_eq(used, 1);
	while (i < strlen(in)) {
		n = casefold_utf8(in + i, strlen(in) - i, out, sizeof(out),
		    &used);
		ck_assert_uint_gt(used, 0);
		i += used;
		total += n;
	}
	ck_assert_uint_eq(total, 1 + 3 + 1 + 3);
}
END_TEST

static const struct {
	const char *hay, *needle;
	bool found;
} finds[] = {
	{ "Hello World", "lo w", true },
	{ "HELLO", "hello", true },
	{ "hello", "HELLO", true },
	{ "x", "", true },
	{ "", "", true },
	{ "aab", "ab", true },
	{ "hell", "hello", false },
	{ "", "a", false },
	{ "abc", "abd", false },
	{ "say aubergine QUARTERLY now", "Aubergine quarterly", true },
	/* Latin-1 range */
	{ "c'\xc3\xa9tait l'\xc3\xa9t\xc3\xa9", "\xc3\x89T\xc3\x89", true },
	{ "L'\xc3\x89T\xc3\x89", "\xc3\xa9t\xc3\xa9", true },
	{ "ete", "\xc3\xa9t\xc3\xa9", false },
	{ "\xc3\xa9t\xc3\xa9", "ete", false },
	{ "Gr\xc3\xbc\xc3\x9f" "e", "GR\xc3\x9c\xc3\x9f" "E", true },
	{ "Gr\xc3\xbc\xc3\x9f" "e", "GR\xc3\x9c" "SSE", false },  /* simple */
	{ "STRA\xe1\xba\x9e" "E", "stra\xc3\x9f" "e", true },
	{ "Stra\xc3\x9f" "e", "STRA\xe1\xba\x9e" "E", true },
	/* Greek: final sigma folds as sigma */
	{ "\xce\xbf\xce\xb4\xce\xbf\xcf\x82", "\xce\x9f\xce\x94\xce\x9f\xce\xa3",
	  true },
	{ "\xce\x9f\xce\x94\xce\x9f\xce\xa3", "\xce\xbf\xce\xb4\xce\xbf\xcf\x82",
	  true },
	{ "\xce\x9f\xce\x94\xce\x9f\xce\xa3", "\xce\xbf\xce\xb4\xcf\x8c", false },
	/* Cyrillic */
	{ "\xd0\x9f\xd0\xa0\xd0\x98\xd0\x92\xd0\x95\xd0\xa2 \xd0\xbc\xd0\xb8"
	  "\xd1\x80", "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", true },
	{ "\xd1\x91\xd0\xbb\xd0\xba\xd0\xb0", "\xd0\x81\xd0\x9b\xd0\x9a\xd0\x90",
	  true },
	/* RFC 5051: precomposed and decomposed alike, compatibility
	 * characters as what they stand for, Hangul syllables as they are */
	{ "caf\xc3\xa9", "cafe\xcc\x81", true },
	{ "cafe\xcc\x81", "CAF\xc3\x89", true },
	{ "un caf\xc3\xa9 noir", "cafe", true },
	{ "cafe", "caf\xc3\xa9", false },
	{ "\xef\xac\x81le", "FILE", true },
	{ "hello\xc2\xa0world", "hello world", true },
	{ "\xe2\x84\xab", "\xc3\xa5", true },		/* Angstrom sign, å */
	{ "\xef\xbc\xa1\xef\xbc\xa2", "ab", true },	/* ＡＢ */
	{ "\xed\x95\x9c\xea\xb8\x80", "\xed\x95\x9c", true },	/* 한글 */
	{ "\xef\xb7\xba", "\xef\xb7\xba", true },		/* U+FDFA */
	/* characters outside ASCII that fold into it */
	{ "\xe2\x84\xaa" "elvin", "kelvin", true },
	{ "\xe2\x84\xaa" "elvin", "KELVIN", true },
	{ "kelvin", "\xe2\x84\xaa", true },
	{ "\xc5\xbf" "un", "SUN", true },
	{ "it\xe2\x80\x99s here", "S HERE", true },
	/* invalid bytes match themselves only, never past the text */
	{ "\xff\xfe abc \xc3", "ABC", true },
	{ "abc\xc3", "\xc3", true },
	{ "abc\xc3", "\xc3\xa9", false },
	{ "abc\xc3", "C\xc3\xa9", false },
	{ "\xe2\x84", "k", false },
	{ "x\xe2\x84", "\xe2\x84\xaa", false },
	{ "\xc0\xaf", "/", false },
	{ "a\x80" "b", "A\x80" "B", true },
	{ "\xed\xa0\x80", "\xed\xa0\x80", true },
};

START_TEST(test_find)
{
	struct arena *a = arena_new(0);
	struct casefold_needle *n = casefold_needle_new(
	    span_str(finds[_i].needle), a);
	size_t len = strlen(finds[_i].hay);
	/* exactly the text, no NUL after it, so ASan sees an overread */
	char *hay = malloc(len > 0 ? len : 1);

	ck_assert_ptr_nonnull(hay);
	memcpy(hay, finds[_i].hay, len);
	ck_assert_msg(casefold_find(n, span_make(hay, len)) ==
	    finds[_i].found, "%u: \"%s\" in \"%s\"", _i, finds[_i].needle,
	    finds[_i].hay);
	free(hay);
	arena_free(&a);
}
END_TEST

/* A match across the chunks of the folded search, at every offset
 * around a chunk boundary, for a needle that grows when folded, one
 * that shrinks, and an ASCII one in text that must be folded. */
START_TEST(test_find_chunks)
{
	static const struct {
		const char *needle, *text;
	} t[] = {
		{ "\xc3\xa9t\xc3\xa9", "\xc3\x89T\xc3\x89" },
		{ "kkk", "\xe2\x84\xaa\xe2\x84\xaa\xe2\x84\xaa" },
		{ "\xe2\xb1\xa5\xe2\xb1\xa5", "\xc8\xba\xc8\xba" },
		{ "xyz", "XYZ" },
	};
	struct arena *a = arena_new(0);
	size_t len = 3 * CASEFOLD_CHUNK, k;
	char *hay = malloc(len);
	int off;

	ck_assert_ptr_nonnull(hay);
	for (k = 0; k < N_ELEMENTS(t); k++) {
		struct casefold_needle *n = casefold_needle_new(
		    span_str(t[k].needle), a);
		size_t tl = strlen(t[k].text);

		for (off = -8; off <= 8; off++) {
			size_t at = (size_t)((int)CASEFOLD_CHUNK + off);

			memset(hay, 'q', len);
			/* a character that forces the folded path */
			memcpy(hay, "\xe2\x84\xaa", 3);
			memcpy(hay + at, t[k].text, tl);
			ck_assert_msg(casefold_find(n, span_make(hay, len)),
			    "needle %zu at %d", k, off);
			/* the end of the text cuts the match */
			ck_assert(!casefold_find(n, span_make(hay, at + tl -
			    1)));
		}
	}
	free(hay);
	arena_free(&a);
}
END_TEST

static Suite *
casefold_suite(void)
{
	Suite *s = suite_create("casefold");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, test_cp);
	tcase_add_test(tc, test_cp_all);
	suite_add_tcase(s, tc);
	tc = tcase_create("utf8");
	tcase_add_loop_test(tc, test_utf8, 0, N_ELEMENTS(folds));
	tcase_add_test(tc, test_utf8_cap);
	suite_add_tcase(s, tc);
	tc = tcase_create("find");
	tcase_add_loop_test(tc, test_find, 0, N_ELEMENTS(finds));
	tcase_add_test(tc, test_find_chunks);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(casefold_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
