/* SPDX-License-Identifier: MIT */
/*
 * casefold: simple case folding, RFC 5051's decomposition, and the
 * substring search on both (see casefold.h). ASCII needles in ASCII
 * text are searched in place (Horspool with both cases in the shift
 * table); anything else is folded CASEFOLD_CHUNK bytes at a time into
 * the needle's window and searched with memmem().
 */
#include <string.h>

#include "casefold.h"
#include "tern.h"

#include "casefold_table.h"

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

_Static_assert(CASEMAP_KEY_BYTES_MAX <= CASEFOLD_KEY_BYTES_MAX,
    "casefold.h: CASEFOLD_KEY_BYTES_MAX");

/* The i;unicode-casemap key of cp when it is more than its folding:
 * *n_r code points at the result; NULL when there is none. */
static const uint32_t *
casemap_key(uint32_t cp, size_t *n_r)
{
	size_t lo = 0, hi = CASEMAP_N;

	if (cp < casemap_cp[0])
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (casemap_cp[mid] == cp) {
			*n_r = casemap_len[mid];
			return &casemap_pool[casemap_off[mid]];
		}
		if (casemap_cp[mid] < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
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
	size_t i = 0, o = 0, n, k, j, key_len;
	char enc[CASEMAP_KEY_MAX * CASEFOLD_UTF8_MAX];
	const uint32_t *key;
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
		if ((key = casemap_key(cp, &key_len)) != NULL) {
			/* RFC 5051: decomposed, each part folded; all or
			 * nothing */
			for (j = 0, k = 0; j < key_len; j++)
				k += utf8_encode(key[j], enc + k);
			if (cap - o < k)
				break;
			memcpy(out + o, enc, k);
			o += k;
			i += n;
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
			k = utf8_encode(f, enc);
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
	/* UNSAFE: the generator computed CASEFOLD_EXPANSION_MAX as the
	 * most bytes out per byte in, so this always holds the result */
	char *p = arena_alloc(a, CASEFOLD_EXPANSION_MAX * s.len + 1);
	size_t used, i, m;

	n->len = casefold_utf8(s.p, s.len, p, CASEFOLD_EXPANSION_MAX * s.len,
	    &used);
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

/* Is hay all ASCII? Any other character may fold or decompose into
 * ASCII ("\u00e9" holds "e"), so only then is the text searched as it
 * is. */
static bool
all_ascii(struct span hay)
{
	const unsigned char *p = (const unsigned char *)hay.p;
	unsigned char any = 0;
	size_t i;

	for (i = 0; i < hay.len; i++)
		any |= p[i];
	return any < 0x80;
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
	if (n->ascii && all_ascii(hay))
		return find_ascii(n, hay);
	return find_folded(n, hay);
}
