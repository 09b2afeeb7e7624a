/* SPDX-License-Identifier: MIT */
/*
 * casefold: simple case folding and the folded substring search (see
 * casefold.h). ASCII needles in text without a character that folds to
 * ASCII from outside it are searched in place (Horspool with both cases
 * in the shift table); anything else is folded CASEFOLD_CHUNK bytes at a
 * time into the needle's window and searched with memmem().
 */
#include <string.h>

#include "casefold.h"
#include "tern.h"

#include "casefold_table.h"

/* has_fold_to_ascii() knows these two; a new table with more must
 * update it (and the unit test checks every code point). */
_Static_assert(CASEFOLD_TO_ASCII_N == 2, "update has_fold_to_ascii()");

static inline unsigned char
ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

const char *
casefold_unicode_version(void)
{
	return CASEFOLD_UNICODE_VERSION;
}

uint32_t
casefold_cp(uint32_t cp)
{
	if (cp < 0x80)
		return ascii_lower((unsigned char)cp);
	if (cp >= CASEFOLD_CP_END)
		return cp;
	return (uint32_t)((int32_t)cp + casefold_delta[casefold_page[cp >>
	    CASEFOLD_SHIFT]][cp & ((1u << CASEFOLD_SHIFT) - 1)]);
}

/* The well-formed UTF-8 character at p[0..len) (RFC 3629; Unicode 15
 * table 3-7: no overlong forms, surrogates or values past U+10FFFF):
 * its length with *cp_r, or 0 when p[0] does not start one. */
static size_t
utf8_decode(const unsigned char *p, size_t len, uint32_t *cp_r)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;

	if (c < 0x80) {
		*cp_r = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		if (len < 2 || (p[1] & 0xc0) != 0x80)
			return 0;
		*cp_r = (uint32_t)(c & 0x1f) << 6 | (p[1] & 0x3f);
		return 2;
	}
	if (c >= 0xe0 && c <= 0xef) {
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
		if (len < 3 || p[1] < lo || p[1] > hi ||
		    (p[2] & 0xc0) != 0x80)
			return 0;
		*cp_r = (uint32_t)(c & 0x0f) << 12 |
		    (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
		if (len < 4 || p[1] < lo || p[1] > hi ||
		    (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		*cp_r = (uint32_t)(c & 0x07) << 18 |
		    (uint32_t)(p[1] & 0x3f) << 12 |
		    (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
		return 4;
	}
	return 0;
}

/* cp (a scalar value) as UTF-8 into out: the length. */
static size_t
utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

size_t
casefold_utf8(const char *in, size_t len, char *out, size_t cap,
	size_t *used_r)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0, o = 0, n;
	char enc[CASEFOLD_UTF8_MAX];
	uint32_t cp, f;

	while (i < len) {
		if (p[i] < 0x80) {
			if (o == cap)
				break;
			out[o++] = (char)ascii_lower(p[i++]);
			continue;
		}
		n = utf8_decode(p + i, len - i, &cp);
		if (n == 0) {
			/* not a character: the byte as it is */
			if (o == cap)
				break;
			out[o++] = (char)p[i++];
			continue;
		}
		f = casefold_cp(cp);
		if (f == cp) {
			if (cap - o < n)
				break;
			memcpy(out + o, p + i, n);
			o += n;
		} else {
			/* the folding may be longer or shorter than cp */
			size_t k = utf8_encode(f, enc);

			if (cap - o < k)
				break;
			memcpy(out + o, enc, k);
			o += k;
		}
		i += n;
	}
	*used_r = i;
	return o;
}

struct casefold_needle *
casefold_needle_new(struct span s, struct arena *a)
{
	struct casefold_needle *n = arena_alloc(a, sizeof(*n));
	/* UNSAFE: a folded character is at most 4 bytes for one of at
	 * least 1 byte: 4 * len + 1 always holds the folding */
	char *p = arena_alloc(a, 4 * s.len + 1);
	size_t used, i, m;

	n->len = casefold_utf8(s.p, s.len, p, 4 * s.len, &used);
	p[n->len] = '\0';
	n->p = p;
	n->ascii = true;
	for (i = 0; i < n->len; i++) {
		if ((unsigned char)p[i] >= 0x80)
			n->ascii = false;
	}
	m = n->len < 255 ? n->len : 255;
	memset(n->shift, (int)(m > 0 ? m : 1), sizeof(n->shift));
	for (i = 0; n->len > 0 && i < n->len - 1; i++) {
		size_t d = n->len - 1 - i;
		unsigned char c = (unsigned char)p[i];

		if (d > 255)
			continue;
		n->shift[c] = (uint8_t)d;
		if (c >= 'a' && c <= 'z')
			n->shift[c - ('a' - 'A')] = (uint8_t)d;
	}
	n->win = arena_alloc(a, CASEFOLD_CHUNK + n->len);
	return n;
}

/* Does hay hold a character outside ASCII that folds into it? Then an
 * ASCII needle may match it, and the text must be folded. */
static bool
has_fold_to_ascii(struct span hay)
{
	const char *end = hay.p + hay.len, *q;

	/* U+017F LATIN SMALL LETTER LONG S folds to "s" */
	for (q = hay.p; (q = memchr(q, 0xc5, (size_t)(end - q))) != NULL;
	    q++) {
		if (end - q >= 2 && (unsigned char)q[1] == 0xbf)
			return true;
	}
	/* U+212A KELVIN SIGN folds to "k" */
	for (q = hay.p; (q = memchr(q, 0xe2, (size_t)(end - q))) != NULL;
	    q++) {
		if (end - q >= 3 && (unsigned char)q[1] == 0x84 &&
		    (unsigned char)q[2] == 0xaa)
			return true;
	}
	return false;
}

/* Horspool over the text as it is, ASCII case-insensitively. */
static bool
find_ascii(const struct casefold_needle *n, struct span hay)
{
	const unsigned char *h = (const unsigned char *)hay.p;
	const unsigned char *p = (const unsigned char *)n->p;
	size_t m = n->len, pos = 0, j;
	unsigned char last = p[m - 1];

	if (hay.len < m)
		return false;
	while (pos <= hay.len - m) {
		unsigned char c = h[pos + m - 1];

		if (ascii_lower(c) == last) {
			for (j = 0; j < m - 1 &&
			    ascii_lower(h[pos + j]) == p[j]; j++)
				;
			if (j == m - 1)
				return true;
		}
		pos += n->shift[c];
	}
	return false;
}

/* Fold the text a chunk at a time into the window after the last
 * len - 1 folded bytes of the chunk before, and search each window. */
static bool
find_folded(struct casefold_needle *n, struct span hay)
{
	size_t i = 0, keep = 0, used, total;

	while (i < hay.len) {
		total = keep + casefold_utf8(hay.p + i, hay.len - i,
		    n->win + keep, CASEFOLD_CHUNK, &used);
		i += used;
		if (total >= n->len && memmem(n->win, total, n->p, n->len) !=
		    NULL)
			return true;
		keep = total < n->len - 1 ? total : n->len - 1;
		memmove(n->win, n->win + total - keep, keep);
	}
	return false;
}

bool
casefold_find(struct casefold_needle *n, struct span hay)
{
	if (n->len == 0)
		return true;
	if (hay.len == 0)
		return false;
	if (n->ascii && !has_fold_to_ascii(hay))
		return find_ascii(n, hay);
	return find_folded(n, hay);
}
