/* SPDX-License-Identifier: MIT */
/*
 * maildir_recent: the folder's first \Recent UID (see maildir_recent.h).
 * RFC 3501 2.3.2; Dovecot keeps the same number in its index header.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "fileio.h"
#include "maildir.h"
#include "maildir_recent.h"
#include "str.h"
#include "tern.h"

#define RECENT_MAGIC "tern-recent 1 "

static char recent_error[MAILDIR_PATH_MAX + 64];

/* "<c><u32>" at *p, moving *p past it. 0 or -1. */
static int
field(struct span *p, char c, uint32_t *v_r)
{
	uint64_t v;
	size_t n = 1;

	if (p->len < 2 || p->p[0] != c)
		return -1;
	while (n < p->len && p->p[n] >= '0' && p->p[n] <= '9')
		n++;
	if (parse_u64(span_make(p->p + 1, n - 1), UINT32_MAX, &v) < 0)
		return -1;
	*v_r = (uint32_t)v;
	p->p += n;
	p->len -= n;
	return 0;
}

int
maildir_recent_parse(struct span text, uint32_t *uid_validity_r,
	uint32_t *uid_r)
{
	size_t magic = sizeof(RECENT_MAGIC) - 1;

	if (text.len < magic || memcmp(text.p, RECENT_MAGIC, magic) != 0)
		return -1;
	text.p += magic;
	text.len -= magic;
	if (field(&text, 'V', uid_validity_r) < 0 || text.len == 0 ||
	    text.p[0] != ' ')
		return -1;
	text.p++;
	text.len--;
	if (field(&text, 'R', uid_r) < 0 || *uid_r == 0)
		return -1;
	/* a final LF, nothing else */
	if (text.len > 1 || (text.len == 1 && text.p[0] != '\n'))
		return -1;
	return 0;
}

int
maildir_recent_sync(const char *folder, uint32_t uid_validity,
	uint32_t next_uid, bool claim, uint32_t (*fallback)(void *ctx),
	void *ctx, uint32_t *first_r, const char **error_r)
{
	char path[MAILDIR_PATH_MAX], line[MAILDIR_RECENT_FILE_MAX];
	uint32_t v = 0, first = 0;
	const char *what;
	size_t len;
	char *data;
	int n;

	if (maildir_path(path, sizeof(path), "%s/" MAILDIR_RECENT_FILE_NAME,
	    folder) < 0) {
		*error_r = "recent: path too long";
		return -1;
	}
	if (read_file_max(path, MAILDIR_RECENT_FILE_MAX, &data, &len) == 0) {
		if (maildir_recent_parse(span_make(data, len), &v,
		    &first) < 0 || v != uid_validity) {
			v = 0;		/* rewritten by the next claim */
			first = 0;
		}
		free(data);
	}
	if (first == 0)
		first = fallback(ctx);
	/* never above next_uid: a lost uidlist gives UIDs out again */
	if (first > next_uid)
		first = next_uid;
	*first_r = first;
	if (!claim || (first == next_uid && v == uid_validity))
		return 0;
	n = snprintf(line, sizeof(line), RECENT_MAGIC "V%u R%u\n",
	    uid_validity, next_uid);
	if (n < 0 || (size_t)n >= sizeof(line) ||
	    write_file_atomic(path, line, (size_t)n, 0600, &what) < 0) {
		snprintf(recent_error, sizeof(recent_error), "recent: %s %s: %s",
		    n < 0 || (size_t)n >= sizeof(line) ? "format" : what, path,
		    strerror(errno));
		*error_r = recent_error;
		return -1;
	}
	return 0;
}
