/* SPDX-License-Identifier: MIT */
/*
 * uidlist: parse and write Dovecot's dovecot-uidlist (version 3; version
 * 1 read only). The parser is pure and bounded: one pass over the text,
 * each line checked, UIDs strictly ascending. The writer replaces the
 * file atomically so that readers without the lock see old or new.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "fileio.h"
#include "arena.h"
#include "buf.h"
#include "maildir.h"
#include "str.h"
#include "uidlist.h"
#include "xmalloc.h"
#include "tern.h"

static char uidlist_error[MAILDIR_PATH_MAX + 128];

/* hdr_ext or ext when there are none; never written to */
static char no_ext[1];

/* The arena is made on first use, so that an empty list owns no
 * memory and uidlist_clear() can leave it as uidlist_init() does. */
static struct arena *
list_arena(struct uidlist *ul)
{
	if (ul->arena == NULL)
		ul->arena = arena_new(0);
	return ul->arena;
}

void
uidlist_init(struct uidlist *ul)
{
	memset(ul, 0, sizeof(*ul));
	ul->version = 3;
	ul->next_uid = 1;
	ul->hdr_ext = no_ext;
}

void
uidlist_clear(struct uidlist *ul)
{
	arena_free(&ul->arena);
	free(ul->recs);
	free(ul->text);
	uidlist_init(ul);
}

static struct uidlist_rec *
new_rec(struct uidlist *ul, uint32_t uid)
{
	struct uidlist_rec *r;

	if (ul->count == ul->cap) {
		ul->cap = ul->cap == 0 ? 64 : ul->cap * 2;
		ul->recs = xreallocarray(ul->recs, ul->cap, sizeof(*ul->recs));
	}
	r = &ul->recs[ul->count++];
	r->uid = uid;
	return r;
}

static void
add_rec(struct uidlist *ul, uint32_t uid, struct span name, struct span ext)
{
	struct uidlist_rec *r = new_rec(ul, uid);

	r->filename = arena_spandup(list_arena(ul), name);
	r->ext = arena_spandup(list_arena(ul), ext);
}

/* A record whose strings are cut out of ul->text in place: each span
 * is followed by a byte of the text that is not part of it (a space
 * or the line end), which becomes its NUL. */
static void
add_rec_in_place(struct uidlist *ul, uint32_t uid, struct span name,
	struct span ext)
{
	struct uidlist_rec *r = new_rec(ul, uid);

	/* UNSAFE: both spans lie within ul->text, which has a NUL after
	 * its last byte; see uidlist_parse_in_place() */
	r->filename = (char *)name.p;
	r->filename[name.len] = '\0';
	if (ext.len == 0) {
		r->ext = no_ext;
	} else {
		r->ext = (char *)ext.p;
		r->ext[ext.len] = '\0';
	}
}

/* The next space-separated token of *line; advances past it. */
static struct span
next_token(struct span *line)
{
	struct span t;
	size_t i = 0;

	while (i < line->len && line->p[i] != ' ')
		i++;
	t = span_make(line->p, i);
	while (i < line->len && line->p[i] == ' ')
		i++;
	line->p += i;
	line->len -= i;
	return t;
}

static bool
is_hex32(struct span s)
{
	size_t i;

	if (s.len != 32)
		return false;
	for (i = 0; i < s.len; i++) {
		char c = s.p[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

static int
parse_header(struct span line, struct uidlist *ul, const char **error_r)
{
	struct span t = next_token(&line);
	struct buf ext;
	uint32_t v;

	if (span_eq(t, "1")) {
		/* "1 <uidvalidity> <nextuid>" (Courier-compatible) */
		ul->version = 1;
		if (parse_u32(next_token(&line), UINT32_MAX,
		    &ul->uid_validity) < 0 ||
		    parse_u32(next_token(&line), UINT32_MAX, &ul->next_uid) < 0 ||
		    ul->uid_validity == 0 || ul->next_uid == 0) {
			/* 0 as in version 3: no valid UIDVALIDITY or UID */
			*error_r = "uidlist: bad version 1 header";
			return -1;
		}
		return 0;
	}
	if (!span_eq(t, "3")) {
		*error_r = "uidlist: unsupported version";
		return -1;
	}
	ul->version = 3;
	buf_init(&ext, UIDLIST_EXT_MAX);
	while (line.len > 0) {
		t = next_token(&line);
		if (t.len == 0)
			continue;
		switch (t.p[0]) {
		case 'V':
		case 'N':
			if (parse_u32(span_make(t.p + 1, t.len - 1),
			    UINT32_MAX, &v) < 0) {
				buf_clear(&ext);
				*error_r = "uidlist: bad number in header";
				return -1;
			}
			if (t.p[0] == 'V')
				ul->uid_validity = v;
			else
				ul->next_uid = v;
			break;
		case 'G':
			if (!is_hex32(span_make(t.p + 1, t.len - 1))) {
				buf_clear(&ext);
				*error_r = "uidlist: bad mailbox GUID";
				return -1;
			}
			memcpy(ul->guid, t.p + 1, 32);
			ul->guid[32] = '\0';
			break;
		default:
			/* keep what we do not know, for Dovecot */
			if ((ext.len > 0 && buf_putc(&ext, ' ') < 0) ||
			    buf_append_span(&ext, t) < 0) {
				buf_clear(&ext);
				*error_r = "uidlist: header too long";
				return -1;
			}
		}
	}
	ul->hdr_ext = arena_strdup(list_arena(ul), buf_str(&ext));
	buf_clear(&ext);
	if (ul->uid_validity == 0 || ul->next_uid == 0) {
		*error_r = "uidlist: header lacks V or N";
		return -1;
	}
	return 0;
}

static int
parse_rec(struct span line, struct uidlist *ul, const char **error_r)
{
	struct span t = next_token(&line), ext, name;
	uint32_t uid;
	size_t i;

	if (parse_u32(t, UINT32_MAX, &uid) < 0 || uid == 0) {
		*error_r = "uidlist: bad uid";
		return -1;
	}
	if (ul->count > 0 && uid <= ul->recs[ul->count - 1].uid) {
		*error_r = "uidlist: uids not ascending";
		return -1;
	}
	if (ul->version == 1) {
		name = line;
		ext = span_make(line.p, 0);
	} else {
		/* extensions until the token starting with ':' */
		for (i = 0; i < line.len; i++) {
			if (line.p[i] == ':' && (i == 0 || line.p[i - 1] == ' '))
				break;
		}
		if (i == line.len) {
			*error_r = "uidlist: record without :filename";
			return -1;
		}
		ext = span_trim(span_make(line.p, i));
		name = span_make(line.p + i + 1, line.len - i - 1);
	}
	if (name.len == 0 || name.len > MAILDIR_NAME_MAX ||
	    memchr(name.p, '/', name.len) != NULL ||
	    memchr(name.p, '\0', name.len) != NULL) {
		*error_r = "uidlist: bad file name";
		return -1;
	}
	add_rec_in_place(ul, uid, name, ext);
	return 0;
}

/*
 * Neither Dovecot nor we write control characters. A NUL would cut a
 * field when it becomes a C string, and a CR left after the line's own
 * CR is stripped would not survive a rewrite: either way the file no
 * longer formats to what it said.
 */
static bool
has_control(struct span line)
{
	size_t i;

	for (i = 0; i < line.len; i++) {
		unsigned char c = (unsigned char)line.p[i];

		if (c < 0x20 || c == 0x7f)
			return true;
	}
	return false;
}

/* Parse ul->text (len bytes and a NUL) in place. */
static int
parse_in_place(struct uidlist *ul, size_t len, const char **error_r)
{
	struct span text = span_make(ul->text, len);
	bool header = true;
	size_t pos = 0, lines = 0;
	const char *p;

	/* one allocation for the records (a line each at most) */
	for (p = text.p; (p = memchr(p, '\n', len - (size_t)(p - text.p))) !=
	    NULL; p++)
		lines++;
	ul->cap = lines + 1;
	ul->recs = xreallocarray(NULL, ul->cap, sizeof(*ul->recs));

	while (pos < text.len) {
		const char *nl = memchr(text.p + pos, '\n', text.len - pos);
		size_t end = nl != NULL ? (size_t)(nl - text.p) : text.len;
		struct span line = span_make(text.p + pos, end - pos);

		pos = end + 1;
		if (line.len > 0 && line.p[line.len - 1] == '\r')
			line.len--;
		if (has_control(line)) {
			*error_r = "uidlist: control character";
			return -1;
		}
		if (header) {
			if (parse_header(line, ul, error_r) < 0)
				return -1;
			header = false;
			continue;
		}
		if (line.len == 0)
			continue;
		if (parse_rec(line, ul, error_r) < 0)
			return -1;
	}
	if (header) {
		*error_r = "uidlist: empty file";
		return -1;
	}
	/* Dovecot appends records without rewriting the header. */
	if (ul->count > 0 && ul->next_uid <= ul->recs[ul->count - 1].uid) {
		if (ul->recs[ul->count - 1].uid == UINT32_MAX) {
			*error_r = "uidlist: uids exhausted";
			return -1;
		}
		ul->next_uid = ul->recs[ul->count - 1].uid + 1;
	}
	return 0;
}

int
uidlist_parse(struct span text, struct uidlist *ul, const char **error_r)
{
	ul->text = xmalloc(text.len + 1);
	memcpy(ul->text, text.p, text.len);
	ul->text[text.len] = '\0';
	return parse_in_place(ul, text.len, error_r);
}

int
uidlist_read(const char *path, struct uidlist *ul, const char **error_r)
{
	size_t len;
	char *data;

	/* A read error must not pass for a short file: the UIDs of the
	 * missing lines would be handed out again (read_file_max). */
	if (read_file_max(path, UIDLIST_SIZE_MAX, &data, &len) < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno == EFBIG) {
			*error_r = "uidlist: file too large";
			return -1;
		}
		snprintf(uidlist_error, sizeof(uidlist_error),
		    "uidlist: %s: %s", path, strerror(errno));
		*error_r = uidlist_error;
		return -1;
	}
	ul->text = data;	/* NUL-terminated (read_file_max) */
	return parse_in_place(ul, len, error_r) < 0 ? -2 : 0;
}

char *
uidlist_format(const struct uidlist *ul, size_t *len_r)
{
	struct buf b;
	size_t i;
	char *out;

	buf_init(&b, 0);
	(void)buf_appendf(&b, "3 V%u N%u", ul->uid_validity, ul->next_uid);
	if (ul->guid[0] != '\0')
		(void)buf_appendf(&b, " G%s", ul->guid);
	if (ul->hdr_ext != NULL && ul->hdr_ext[0] != '\0')
		(void)buf_appendf(&b, " %s", ul->hdr_ext);
	(void)buf_putc(&b, '\n');
	for (i = 0; i < ul->count; i++) {
		const struct uidlist_rec *r = &ul->recs[i];

		(void)buf_appendf(&b, "%u %s%s:%s\n", r->uid, r->ext,
		    r->ext[0] != '\0' ? " " : "", r->filename);
	}
	*len_r = b.len;
	out = xstrndup(buf_str(&b), b.len);
	buf_clear(&b);
	return out;
}

int
uidlist_write(const char *path, const struct uidlist *ul,
	const char **error_r)
{
	const char *what;
	size_t len;
	char *text = uidlist_format(ul, &len);
	int ret, e;

	ret = write_file_atomic(path, text, len, 0600, &what);
	e = errno;
	free(text);
	if (ret == 0)
		return 0;
	snprintf(uidlist_error, sizeof(uidlist_error), "uidlist: %s %s: %s",
	    what, path, strerror(e));
	*error_r = uidlist_error;
	errno = e;
	return -1;
}

int
uidlist_append(struct uidlist *ul, const char *filename, const char *ext,
	uint32_t *uid_r)
{
	if (ul->next_uid == 0 || ul->next_uid == UINT32_MAX)
		return -1;
	/* RFC 3501 2.3.1.1: strictly ascending */
	if (ul->count > 0 && ul->next_uid <= ul->recs[ul->count - 1].uid)
		ul->next_uid = ul->recs[ul->count - 1].uid + 1;
	*uid_r = ul->next_uid;
	add_rec(ul, ul->next_uid, span_str(filename),
	    span_str(ext != NULL ? ext : ""));
	ul->next_uid++;
	return 0;
}

struct uidlist_rec *
uidlist_lookup(const struct uidlist *ul, uint32_t uid)
{
	size_t lo = 0, hi = ul->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ul->recs[mid].uid == uid)
			return &ul->recs[mid];
		if (ul->recs[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void
uidlist_filter(struct uidlist *ul, const bool *keep)
{
	size_t i, j = 0;

	for (i = 0; i < ul->count; i++) {
		if (keep[i])
			ul->recs[j++] = ul->recs[i];
	}
	ul->count = j;
}
