/* SPDX-License-Identifier: MIT */
/*
 * uidl_record: the file by which "pop fetch" remembers what it fetched
 * (<maildir>/.mailcli-uidl): one line "<key>\t<uidl>\n" per message,
 * key = user@host (not the port: POP3 and POP3S reach one mailbox), so
 * that several accounts share a Maildir. A
 * UIDL is 1..70 printable characters (RFC 1939 7) and never reused for
 * another message of the mailbox, so lines whose UIDL the server no
 * longer lists can go. Pure: no I/O.
 */
#include "autoconfig.h"
#include <string.h>
#include "read.h"
#include "tern.h"

/* A line (without its LF) for key: its UIDL in *uidl_r. */
static bool
line_matches(const char *p, size_t ll, const char *key, size_t kl,
	struct span *uidl_r)
{
	if (ll <= kl + 1 || memcmp(p, key, kl) != 0 || p[kl] != '\t')
		return false;
	*uidl_r = span_make(p + kl + 1, ll - kl - 1);
	return true;
}

bool
mc_uidl_record_has(struct span rec, const char *key, const char *uidl)
{
	size_t kl = strlen(key), ul = strlen(uidl);
	const char *p = rec.p, *end = rec.p + rec.len;

	while (p != NULL && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		struct span u;

		if (line_matches(p, ll, key, kl, &u) && u.len == ul &&
		    memcmp(u.p, uidl, ul) == 0)
			return true;
		p = nl != NULL ? nl + 1 : NULL;
	}
	return false;
}

int
mc_uidl_record_prune(struct span rec, const char *key,
	const char *const *listed, size_t nlisted, struct buf *out)
{
	size_t kl = strlen(key), i;
	const char *p = rec.p, *end = rec.p + rec.len;

	while (p != NULL && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		bool keep = true;
		struct span u;

		if (line_matches(p, ll, key, kl, &u)) {
			keep = false;
			for (i = 0; i < nlisted && !keep; i++) {
				if (listed[i] != NULL &&
				    strlen(listed[i]) == u.len &&
				    memcmp(listed[i], u.p, u.len) == 0)
					keep = true;
			}
		}
		if (keep && ll > 0 && (buf_append(out, p, ll) < 0 ||
		    buf_putc(out, '\n') < 0))
			return -1;
		p = nl != NULL ? nl + 1 : NULL;
	}
	return 0;
}
