/* SPDX-License-Identifier: MIT */
/*
 * modseq: the per-folder mod-sequence cache (see modseq.h). RFC 7162
 * 3.1 (CONDSTORE modseqs), 3.2.5 and 3.2.10 (QRESYNC, VANISHED).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "fileio.h"
#include "modseq.h"
#include "str.h"
#include "xmalloc.h"
#include "tern.h"

#define MODSEQ_MAGIC "tern-modseq 1 "

static char modseq_error[512];

void
modseq_init(struct modseq_state *st)
{
	memset(st, 0, sizeof(*st));
}

void
modseq_clear(struct modseq_state *st)
{
	free(st->recs);
	free(st->expunged);
	free(st->text);
	arena_free(&st->arena);
	modseq_init(st);
}

static struct modseq_rec *
new_rec(struct modseq_state *st, uint32_t uid, uint64_t modseq)
{
	struct modseq_rec *r;

	if (st->count == st->cap) {
		st->cap = st->cap == 0 ? 256 : st->cap * 2;
		st->recs = xreallocarray(st->recs, st->cap, sizeof(*st->recs));
	}
	r = &st->recs[st->count++];
	r->uid = uid;
	r->modseq = modseq;
	return r;
}

static void
add_rec(struct modseq_state *st, uint32_t uid, uint64_t modseq,
	const char *flags, size_t flags_len)
{
	struct modseq_rec *r;

	if (st->arena == NULL)
		st->arena = arena_new(0);
	r = new_rec(st, uid, modseq);
	r->flags = arena_strndup(st->arena, flags, flags_len);
}

static void
add_expunged(struct modseq_state *st, uint32_t uid, uint64_t modseq)
{
	if (st->n_expunged == st->cap_expunged) {
		st->cap_expunged = st->cap_expunged == 0 ? 64 :
		    st->cap_expunged * 2;
		st->expunged = xreallocarray(st->expunged, st->cap_expunged,
		    sizeof(*st->expunged));
	}
	st->expunged[st->n_expunged].uid = uid;
	st->expunged[st->n_expunged].modseq = modseq;
	st->n_expunged++;
}

/* The next space-separated word of *in, advancing it. */
static struct span
next_word(struct span *in)
{
	struct span w = { in->p, 0 };

	while (w.len < in->len && in->p[w.len] != ' ')
		w.len++;
	in->p += w.len;
	in->len -= w.len;
	if (in->len > 0) {	/* the separator */
		in->p++;
		in->len--;
	}
	return w;
}

/* "<letter><number>" */
static int
parse_field(struct span w, char letter, uint64_t max, uint64_t *v_r)
{
	if (w.len < 2 || w.p[0] != letter)
		return -1;
	return parse_u64(span_make(w.p + 1, w.len - 1), max, v_r);
}

static int
parse_header(struct span line, struct modseq_state *st)
{
	uint64_t v;

	if (line.len < strlen(MODSEQ_MAGIC) ||
	    memcmp(line.p, MODSEQ_MAGIC, strlen(MODSEQ_MAGIC)) != 0)
		return -1;
	line.p += strlen(MODSEQ_MAGIC);
	line.len -= strlen(MODSEQ_MAGIC);
	if (parse_field(next_word(&line), 'V', UINT32_MAX, &v) < 0 || v == 0)
		return -1;
	st->uid_validity = (uint32_t)v;
	if (parse_field(next_word(&line), 'H', MODSEQ_VALUE_MAX,
	    &st->highest) < 0 || st->highest == 0 ||
	    parse_field(next_word(&line), 'F', MODSEQ_VALUE_MAX,
	    &st->floor) < 0 || st->floor > st->highest || line.len != 0)
		return -1;
	return 0;
}

/* "<uid> <modseq> :<flags>" or "x <uid> <modseq>". */
static int
parse_line(struct span line, struct modseq_state *st)
{
	bool expunged = line.len > 2 && line.p[0] == 'x' && line.p[1] == ' ';
	uint32_t uid;
	uint64_t ms;
	struct span w;

	if (expunged) {
		line.p += 2;
		line.len -= 2;
	}
	if (parse_u32(next_word(&line), UINT32_MAX, &uid) < 0 || uid == 0)
		return -1;
	w = next_word(&line);
	if (parse_u64(w, st->highest, &ms) < 0 || ms == 0)
		return -1;
	if (expunged) {
		/* ascending modseq, all above the floor */
		if (line.len != 0 || ms <= st->floor || (st->n_expunged > 0 &&
		    ms < st->expunged[st->n_expunged - 1].modseq))
			return -1;
		add_expunged(st, uid, ms);
		return 0;
	}
	if (line.len < 1 || line.p[0] != ':' || st->n_expunged > 0 ||
	    (st->count > 0 && uid <= st->recs[st->count - 1].uid))
		return -1;
	for (size_t i = 1; i < line.len; i++) {
		if (line.p[i] <= ' ' || line.p[i] > '~')
			return -1;
	}
	/* UNSAFE: the line lies in st->text and ends with its LF, which
	 * becomes the NUL of the flags (parsed in place) */
	new_rec(st, uid, ms)->flags = (char *)line.p + 1;
	((char *)line.p)[line.len] = '\0';
	return 0;
}

/* Parse st->text (len bytes and a NUL) in place. */
static int
parse_in_place(struct modseq_state *st, size_t len, const char **error_r)
{
	struct span text = span_make(st->text, len);
	bool first = true;
	size_t lines = 0;
	const char *p;

	for (p = text.p; (p = memchr(p, '\n', len - (size_t)(p - text.p))) !=
	    NULL; p++)
		lines++;
	st->cap = lines + 1;
	st->recs = xreallocarray(NULL, st->cap, sizeof(*st->recs));

	while (text.len > 0) {
		const char *nl = memchr(text.p, '\n', text.len);
		struct span line;

		if (nl == NULL) {
			/* a torn write cannot happen (rename), so a last
			 * line without LF is corruption */
			*error_r = "modseq: truncated file";
			goto fail;
		}
		line = span_make(text.p, (size_t)(nl - text.p));
		text.p = nl + 1;
		text.len -= line.len + 1;
		if (first ? parse_header(line, st) < 0 :
		    parse_line(line, st) < 0) {
			*error_r = first ? "modseq: bad header" :
			    "modseq: bad record";
			goto fail;
		}
		first = false;
	}
	if (first) {
		*error_r = "modseq: empty file";
		goto fail;
	}
	return 0;
fail:
	modseq_clear(st);
	return -1;
}

int
modseq_parse(struct span text, struct modseq_state *st, const char **error_r)
{
	st->text = xmalloc(text.len + 1);
	memcpy(st->text, text.p, text.len);
	st->text[text.len] = '\0';
	return parse_in_place(st, text.len, error_r);
}

char *
modseq_format(const struct modseq_state *st, size_t *len_r)
{
	struct buf b;
	size_t i;
	char *out;

	buf_init(&b, 0);
	(void)buf_appendf(&b, MODSEQ_MAGIC "V%u H%llu F%llu\n",
	    st->uid_validity, (unsigned long long)st->highest,
	    (unsigned long long)st->floor);
	for (i = 0; i < st->count; i++)
		(void)buf_appendf(&b, "%u %llu :%s\n", st->recs[i].uid,
		    (unsigned long long)st->recs[i].modseq,
		    st->recs[i].flags);
	for (i = 0; i < st->n_expunged; i++)
		(void)buf_appendf(&b, "x %u %llu\n", st->expunged[i].uid,
		    (unsigned long long)st->expunged[i].modseq);
	*len_r = b.len;
	out = xmalloc(b.len + 1);
	memcpy(out, buf_str(&b), b.len + 1);
	buf_clear(&b);
	return out;
}

void
modseq_read(const char *path, struct modseq_state *st, bool *lost_r)
{
	const char *error;
	size_t len;
	char *data;

	*lost_r = true;
	modseq_clear(st);
	if (read_file_max(path, MODSEQ_FILE_SIZE_MAX, &data, &len) < 0)
		return;
	st->text = data;	/* NUL-terminated (read_file_max) */
	if (parse_in_place(st, len, &error) == 0)
		*lost_r = false;
}

int
modseq_write(const char *path, const struct modseq_state *st,
	const char **error_r)
{
	const char *what;
	size_t len;
	char *text = modseq_format(st, &len);
	int ret, e;

	ret = write_file_atomic(path, text, len, 0600, &what);
	free(text);
	if (ret == 0)
		return 0;
	e = errno;
	snprintf(modseq_error, sizeof(modseq_error), "modseq: %s %s: %s",
	    what, path, strerror(e));
	*error_r = modseq_error;
	/* An old file left behind would make a later sync give out our
	 * new modseqs again for other changes. Gone, it is rebuilt with
	 * higher ones. */
	if (unlink(path) < 0 && errno != ENOENT) {
		errno = e;
		return -2;	/* the old file stays: see modseq.h */
	}
	errno = e;
	return -1;
}

uint64_t
modseq_time_base(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0 || ts.tv_sec <= 0)
		return 1;
	return (uint64_t)ts.tv_sec << MODSEQ_TIME_SHIFT |
	    (uint64_t)(ts.tv_nsec / 1000);
}

static void
rebuild(struct modseq_state *st, uint32_t uid_validity,
	const struct modseq_current *cur, size_t n, uint64_t base,
	uint64_t min_next)
{
	uint64_t ms = base > 0 ? base : 1;
	size_t i;

	if (ms < min_next)
		ms = min_next;
	if (ms < st->highest + 1)	/* never back, even across UIDVALIDITY */
		ms = st->highest + 1;
	modseq_clear(st);
	st->uid_validity = uid_validity;
	st->highest = ms;
	st->floor = ms;
	for (i = 0; i < n; i++)
		add_rec(st, cur[i].uid, ms, cur[i].flags, strlen(cur[i].flags));
}

bool
modseq_update(struct modseq_state *st, uint32_t uid_validity,
	const struct modseq_current *cur, size_t n, uint64_t base,
	uint64_t min_next)
{
	struct modseq_state out;
	uint64_t next;
	size_t i = 0, j = 0, drop;
	bool changed = false;

	if (st->uid_validity == 0 || st->uid_validity != uid_validity) {
		rebuild(st, uid_validity, cur, n, base, min_next);
		return true;
	}
	/* the usual case, and one without any allocation: no change */
	if (st->count == n && st->n_expunged <= MODSEQ_EXPUNGED_MAX) {
		for (i = 0; i < n; i++) {
			if (st->recs[i].uid != cur[i].uid ||
			    strcmp(st->recs[i].flags, cur[i].flags) != 0)
				break;
		}
		if (i == n)
			return false;
		i = 0;
	}
	next = st->highest + 1;
	if (next < min_next)
		next = min_next;
	modseq_init(&out);
	out.uid_validity = st->uid_validity;
	out.floor = st->floor;
	/* merge two ascending lists; recs move over with their strings */
	while (i < st->count || j < n) {
		const struct modseq_rec *r = i < st->count ? &st->recs[i] :
		    NULL;
		const struct modseq_current *c = j < n ? &cur[j] : NULL;

		if (r != NULL && (c == NULL || r->uid < c->uid)) {
			add_expunged(st, r->uid, next);
			changed = true;
			i++;
		} else if (r == NULL || c->uid < r->uid) {
			add_rec(&out, c->uid, next, c->flags,
			    strlen(c->flags));
			changed = true;
			j++;
		} else {
			bool same = strcmp(r->flags, c->flags) == 0;

			add_rec(&out, c->uid, same ? r->modseq : next,
			    c->flags, strlen(c->flags));
			changed |= !same;
			i++;
			j++;
		}
	}
	out.highest = changed ? next : st->highest;
	/* the expunge log, bounded: the oldest entries raise the floor */
	drop = st->n_expunged > MODSEQ_EXPUNGED_MAX ?
	    st->n_expunged - MODSEQ_EXPUNGED_MAX : 0;
	for (i = 0; i < drop; i++) {
		if (st->expunged[i].modseq > out.floor)
			out.floor = st->expunged[i].modseq;
	}
	for (i = drop; i < st->n_expunged; i++) {
		/* entries sharing the floor's modseq go with it */
		if (st->expunged[i].modseq > out.floor)
			add_expunged(&out, st->expunged[i].uid,
			    st->expunged[i].modseq);
	}
	modseq_clear(st);
	*st = out;
	return changed || drop > 0;
}

const struct modseq_rec *
modseq_lookup(const struct modseq_state *st, uint32_t uid)
{
	size_t lo = 0, hi = st->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (st->recs[mid].uid == uid)
			return &st->recs[mid];
		if (st->recs[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
