/* SPDX-License-Identifier: MIT */
/*
 * cmd_fetch: FETCH and UID FETCH (RFC 9051 6.4.5, 6.4.9; RFC 3501 for
 * RFC822*, RFC 3516 BINARY). Items are parsed and checked before any
 * output; each message's sections are resolved before its "* n FETCH"
 * starts, so an error never leaves half a response. A body fetch that
 * is not PEEK sets \Seen first and returns the new FLAGS in the same
 * response (RFC 9051 6.4.5; Thunderbird relies on it). UID FETCH always
 * returns UID (6.4.9). Bodies go out through fetch_body.c (mapped, CRLF,
 * partial <o.n> answered as "BODY[...]<o>"). CONDSTORE (RFC 7162 3.1.4):
 * the MODSEQ item, the CHANGEDSINCE modifier (0 tolerated for iPhone
 * Mail), MODSEQ beside FLAGS once enabled; QRESYNC's VANISHED modifier
 * (3.2.6). ENVELOPE, BODY, BODYSTRUCTURE and the top-level header
 * sections come from the folder's cache (msgcache.c) when it has them,
 * without opening the message; what a FETCH parses anyway goes into it.
 * Items that need only the header read only the header block.
 */
#include <errno.h>
#include <sys/stat.h>
#include <time.h>

#include "imapd.h"
#include "condstore.h"
#include "fetch_body.h"
#include "imap_bodystructure.h"
#include "imap_envelope.h"
#include "log.h"
#include "mailbox_view.h"
#include "maildir.h"
#include "message.h"
#include "msgcache.h"
#include "reply.h"
#include "str.h"
#include "tern.h"

#define FETCH_ITEMS_MAX 64		/* items in one FETCH */
/* A section held in memory (HEADER.FIELDS, BINARY) is copied into the
 * response line up to this size, else written on its own. */
#define FETCH_INLINE_MAX (64 * 1024)

enum fetch_type {
	FI_UID,
	FI_FLAGS,
	FI_INTERNALDATE,
	FI_SIZE,
	FI_ENVELOPE,
	FI_BODY,		/* BODY without a section: BODYSTRUCTURE
				 * without extensions */
	FI_BODYSTRUCTURE,
	FI_SECTION,		/* BODY[..], RFC822*, BINARY[..] */
	FI_BINARY_SIZE,
	FI_MODSEQ,		/* RFC 7162 3.1.4 */
};

/* What an item needs beyond the store's record. */
enum fetch_need {
	NEED_NONE,		/* UID FLAGS RFC822.SIZE MODSEQ */
	NEED_STAT,		/* INTERNALDATE: the file's mtime */
	NEED_HEADER,		/* ENVELOPE, top-level HEADER[.FIELDS[.NOT]] */
	NEED_STRUCT,		/* BODY, BODYSTRUCTURE */
	NEED_FILE,		/* any other section, BINARY */
};

struct fetch_item {
	enum fetch_type type;
	enum fetch_need need;
	/* a top-level HEADER.FIELDS[.NOT]: answered from the cached
	 * field index when there is one */
	bool fields, fields_not;
	struct span field_list;
	struct fetch_field_names *names;	/* field_list, split */
	const char *name;	/* response name, "BODY[TEXT]" */
	struct span spec;	/* between the brackets */
	bool binary;
	bool sets_seen;
	bool partial;
	uint64_t off, len;
};

struct fetch_req {
	struct fetch_item items[FETCH_ITEMS_MAX + 2];
	size_t n;
	bool need_file;
	bool use_cache;		/* an item msgcache can answer */
	bool sets_seen;
	bool has_flags;
	bool has_uid;
	bool has_modseq;
	/* RFC 7162 3.1.4.1, 3.2.6: (CHANGEDSINCE n [VANISHED]) */
	bool changedsince_set, vanished;
	uint64_t changedsince;
	bool condstore;		/* CONDSTORE on: MODSEQ with FLAGS */
};

static int
add(struct fetch_req *r, enum fetch_type type, const char *name)
{
	struct fetch_item *it;

	if (r->n == FETCH_ITEMS_MAX + 2)
		return -1;
	it = &r->items[r->n++];
	memset(it, 0, sizeof(*it));
	it->type = type;
	it->name = name;
	if (type == FI_FLAGS)
		r->has_flags = true;
	if (type == FI_UID)
		r->has_uid = true;
	if (type == FI_MODSEQ)
		r->has_modseq = true;
	if (type == FI_INTERNALDATE)
		it->need = NEED_STAT;
	else if (type == FI_ENVELOPE)
		it->need = NEED_HEADER;
	else if (type == FI_BODY || type == FI_BODYSTRUCTURE)
		it->need = NEED_STRUCT;
	else if (type == FI_SECTION || type == FI_BINARY_SIZE)
		it->need = NEED_FILE;
	if (it->need != NEED_NONE)
		r->need_file = true;
	if (it->need == NEED_HEADER || it->need == NEED_STRUCT)
		r->use_cache = true;
	return 0;
}

/* BODY[..]<o.n>, BODY.PEEK[..], BINARY[..], BINARY.PEEK[..],
 * BINARY.SIZE[..]. 0 or -1 with *error_r. */
static int
parse_section_item(struct imap_cmd *c, struct fetch_req *r, struct span a,
	const char **error_r)
{
	const char *lb = memchr(a.p, '[', a.len), *rb, *end = a.p + a.len;
	struct span kw, rest;
	struct fetch_item *it;
	const struct message *empty;
	struct imap_section sec;
	const char *perr;
	bool peek = false, binary = false, size = false;

	*error_r = "invalid FETCH item";
	if (lb == NULL)
		return -1;
	for (rb = end; rb > lb && rb[-1] != ']'; rb--)
		;
	if (rb == lb)
		return -1;
	rb--;			/* the ']' */
	kw = span_make(a.p, (size_t)(lb - a.p));
	if (span_eq_ci(kw, "BODY.PEEK"))
		peek = true;
	else if (span_eq_ci(kw, "BINARY"))
		binary = true;
	else if (span_eq_ci(kw, "BINARY.PEEK"))
		binary = peek = true;
	else if (span_eq_ci(kw, "BINARY.SIZE"))
		binary = size = true;
	else if (!span_eq_ci(kw, "BODY"))
		return -1;
	if (add(r, size ? FI_BINARY_SIZE : FI_SECTION, NULL) < 0)
		return -1;
	it = &r->items[r->n - 1];
	r->need_file = true;
	it->spec = span_make(lb + 1, (size_t)(rb - lb - 1));
	it->binary = binary;
	it->sets_seen = !peek && !size;
	rest = span_make(rb + 1, (size_t)(end - rb - 1));
	if (rest.len > 0) {
		const char *dot = memchr(rest.p, '.', rest.len);

		if (size || rest.p[0] != '<' || rest.p[rest.len - 1] != '>' ||
		    dot == NULL || parse_u64(span_make(rest.p + 1,
		    (size_t)(dot - rest.p - 1)), UINT32_MAX, &it->off) < 0 ||
		    parse_u64(span_make(dot + 1, (size_t)(rest.p + rest.len -
		    dot - 2)), UINT32_MAX, &it->len) < 0 || it->len == 0)
			return -1;
		it->partial = true;
	}
	/* syntax check now, against an empty message */
	if (message_parse(span_make("", 0), NULL, c->arena,
	    (struct message **)&empty, &perr) < 0 ||
	    imap_bodystructure_section(empty, it->spec, &sec, &perr) < 0) {
		*error_r = perr;
		return -1;
	}
	if (binary && (sec.kind != IMAP_SECTION_ALL)) {
		*error_r = "invalid BINARY section";
		return -1;
	}
	/* the top-level header alone: from the cache or a short read */
	if (!binary && !size && it->spec.len > 0 && (it->spec.p[0] < '0' ||
	    it->spec.p[0] > '9') && (sec.kind == IMAP_SECTION_HEADER ||
	    sec.kind == IMAP_SECTION_HEADER_FIELDS ||
	    sec.kind == IMAP_SECTION_HEADER_FIELDS_NOT)) {
		it->need = NEED_HEADER;
		r->use_cache = true;
		it->fields = sec.kind != IMAP_SECTION_HEADER;
		it->fields_not = sec.kind == IMAP_SECTION_HEADER_FIELDS_NOT;
		it->field_list = sec.fields;
		if (it->fields) {
			it->names = arena_alloc(c->arena,
			    sizeof(*it->names));
			fetch_field_names_split(it->field_list, it->names);
		}
	}
	it->name = arena_printf(c->arena, "%s[%.*s]", size ? "BINARY.SIZE" :
	    binary ? "BINARY" : "BODY", (int)it->spec.len, it->spec.p);
	if (it->partial)
		it->name = arena_printf(c->arena, "%s<%llu>", it->name,
		    (unsigned long long)it->off);
	if (it->sets_seen)
		r->sets_seen = true;
	return 0;
}

static int
parse_item(struct imap_cmd *c, struct fetch_req *r, const struct imap_arg *a,
	const char **error_r)
{
	struct span s = a->str;
	int ret = 0;

	*error_r = "invalid FETCH item";
	if (a->type != IMAP_ARG_ATOM)
		return -1;
	if (memchr(s.p, '[', s.len) != NULL)
		return parse_section_item(c, r, s, error_r);
	if (span_eq_ci(s, "UID"))
		ret = add(r, FI_UID, "UID");
	else if (span_eq_ci(s, "FLAGS"))
		ret = add(r, FI_FLAGS, "FLAGS");
	else if (span_eq_ci(s, "INTERNALDATE"))
		ret = add(r, FI_INTERNALDATE, "INTERNALDATE");
	else if (span_eq_ci(s, "RFC822.SIZE"))
		ret = add(r, FI_SIZE, "RFC822.SIZE");
	else if (span_eq_ci(s, "ENVELOPE"))
		ret = add(r, FI_ENVELOPE, "ENVELOPE");
	else if (span_eq_ci(s, "BODY"))
		ret = add(r, FI_BODY, "BODY");
	else if (span_eq_ci(s, "BODYSTRUCTURE"))
		ret = add(r, FI_BODYSTRUCTURE, "BODYSTRUCTURE");
	else if (span_eq_ci(s, "MODSEQ"))
		ret = add(r, FI_MODSEQ, "MODSEQ");
	else if (span_eq_ci(s, "RFC822") || span_eq_ci(s, "RFC822.TEXT") ||
	    span_eq_ci(s, "RFC822.HEADER")) {
		struct fetch_item *it;

		if (add(r, FI_SECTION, NULL) < 0)
			return -1;
		it = &r->items[r->n - 1];
		if (span_eq_ci(s, "RFC822")) {
			it->name = "RFC822";
			it->spec = span_make("", 0);
		} else if (span_eq_ci(s, "RFC822.TEXT")) {
			it->name = "RFC822.TEXT";
			it->spec = span_str("TEXT");
		} else {
			it->name = "RFC822.HEADER";
			it->spec = span_str("HEADER");
			it->need = NEED_HEADER;
			r->use_cache = true;
		}
		/* RFC 3501 6.4.5: RFC822.HEADER is like BODY.PEEK */
		it->sets_seen = it->spec.len != 6;
		if (it->sets_seen)
			r->sets_seen = true;
	} else if (span_eq_ci(s, "ALL") || span_eq_ci(s, "FAST") ||
	    span_eq_ci(s, "FULL")) {
		*error_r = "macros cannot be in a list";
		return -1;
	} else {
		return -1;
	}
	return ret;
}

/* The FETCH arguments after the set: a macro, one item or a list. */
static int
parse_request(struct imap_cmd *c, const struct imap_arg *a,
	struct fetch_req *r, const char **error_r)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	if (c->uid && add(r, FI_UID, "UID") < 0)
		return -1;
	if (a->type == IMAP_ARG_ATOM && (span_eq_ci(a->str, "ALL") ||
	    span_eq_ci(a->str, "FAST") || span_eq_ci(a->str, "FULL"))) {
		(void)add(r, FI_FLAGS, "FLAGS");
		(void)add(r, FI_INTERNALDATE, "INTERNALDATE");
		(void)add(r, FI_SIZE, "RFC822.SIZE");
		if (!span_eq_ci(a->str, "FAST"))
			(void)add(r, FI_ENVELOPE, "ENVELOPE");
		if (span_eq_ci(a->str, "FULL"))
			(void)add(r, FI_BODY, "BODY");
		return 0;
	}
	if (a->type != IMAP_ARG_LIST)
		return parse_item(c, r, a, error_r);
	if (a->n == 0 || a->n > FETCH_ITEMS_MAX) {
		*error_r = "bad FETCH item list";
		return -1;
	}
	for (i = 0; i < a->n; i++) {
		/* UID FETCH (UID ...): UID once */
		if (c->uid && a->list[i].type == IMAP_ARG_ATOM &&
		    span_eq_ci(a->list[i].str, "UID"))
			continue;
		if (parse_item(c, r, &a->list[i], error_r) < 0)
			return -1;
	}
	return 0;
}

/* "(CHANGEDSINCE n [VANISHED])" (RFC 7162 3.1.4.1, 3.2.6; RFC 4466
 * fetch-modifiers). 0 or -1 with *error_r. */
static int
parse_modifiers(struct imap_cmd *c, const struct imap_arg *a,
	struct fetch_req *r, const char **error_r)
{
	size_t i;

	*error_r = "Syntax: FETCH seqset items (CHANGEDSINCE modseq "
	    "[VANISHED])";
	if (a->type != IMAP_ARG_LIST || a->n == 0)
		return -1;
	for (i = 0; i < a->n; i++) {
		const struct imap_arg *m = &a->list[i];

		if (imap_arg_atom_is(m, "CHANGEDSINCE") && i + 1 < a->n &&
		    !r->changedsince_set) {
			/* 0 is outside the grammar, but iPhone Mail sends
			 * it (CLIENTS.md): every message has changed */
			if (condstore_parse_modseq(&a->list[++i], true,
			    &r->changedsince) < 0)
				return -1;
			r->changedsince_set = true;
		} else if (imap_arg_atom_is(m, "VANISHED") && !r->vanished) {
			r->vanished = true;
		} else {
			return -1;
		}
	}
	/* RFC 7162 3.2.6: VANISHED only in UID FETCH with CHANGEDSINCE,
	 * once QRESYNC is enabled */
	if (r->vanished && (!c->uid || !r->changedsince_set ||
	    !imap_qresync(c->s))) {
		*error_r = !imap_qresync(c->s) ? "QRESYNC is not enabled" :
		    "VANISHED needs UID FETCH and CHANGEDSINCE";
		return -1;
	}
	return 0;
}

static const char *const month_names[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
	"Nov", "Dec",
};

/* RFC 9051 9 date-time, in local time as Dovecot does. */
static void
format_date(time_t t, struct buf *out)
{
	struct tm tm;
	long off;

	if (localtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	off = tm.tm_gmtoff / 60;
	(void)buf_appendf(out, "\"%02d-%s-%04d %02d:%02d:%02d %c%02ld%02ld\"",
	    tm.tm_mday, month_names[tm.tm_mon % 12], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+',
	    (off < 0 ? -off : off) / 60, (off < 0 ? -off : off) % 60);
}

/* Append v in decimal: FETCH formats a few numbers per message, and
 * printf is a tenth of a cached header FETCH's time. */
static void
append_u64(struct buf *b, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	(void)buf_append(b, tmp + i, sizeof(tmp) - i);
}

/* Set \Seen on seq when a body fetch asks for it. */
static void
mark_seen(struct imap_cmd *c, uint32_t seq, const struct maildir_mail *m,
	bool *flags_r)
{
	struct mailbox_view *v = c->s->view;
	char letters[MAILDIR_FLAGS_MAX + 1];
	enum tern_err err;
	const char *error;

	if (v->readonly || maildir_mail_has_flag(m, 'S'))
		return;
	if (snprintf(letters, sizeof(letters), "%sS",
	    maildir_mail_flags(v->mb, m)) >=
	    (int)sizeof(letters))
		return;
	if (mailbox_view_set_flags(v, seq, letters, &err, &error) < 0) {
		if (err != TERN_ERR_NOTFOUND)
			log_error("fetch", "mailbox=\"%s\" uid=%u error=\"%s\"",
			    v->name, mailbox_view_uid(v, seq), error);
		return;
	}
	*flags_r = true;
}

enum open_mode {
	OPEN_MAP,		/* map the whole file */
	OPEN_HEADER,		/* read its header block only */
	OPEN_STAT,		/* only the mtime, into fm->mtime */
};

/* Open the file of seq, re-syncing once if it moved meanwhile. */
static int
open_mail(struct imap_cmd *c, uint32_t seq, enum open_mode mode,
	struct fetch_msg *fm)
{
	struct mailbox_view *v = c->s->view;
	int attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		const struct maildir_mail *m = mailbox_view_mail(v, seq);
		char path[MAILDIR_PATH_MAX];
		struct stat st;
		int ret;

		if (m == NULL)
			return -1;
		if (maildir_mailbox_mail_path(v->mb, m, path,
		    sizeof(path)) < 0)
			return -1;
		if (mode == OPEN_STAT) {
			ret = stat(path, &st);
			if (ret == 0)
				fm->mtime = st.st_mtime;
		} else if (mode == OPEN_HEADER) {
			ret = fetch_msg_open_header(fm, arena_strdup(c->arena,
			    path), c->arena);
		} else {
			ret = fetch_msg_open(fm, arena_strdup(c->arena, path),
			    c->arena);
		}
		if (ret == 0)
			return 0;
		if (errno != ENOENT || mailbox_view_sync(v, NULL, NULL) < 0)
			break;
	}
	return -1;
}

/* The cache's key of m: its Maildir base name. */
static struct span
mail_base(const struct maildir_mailbox *mb, const struct maildir_mail *m)
{
	const char *name = maildir_mail_name(mb, m);

	return span_make(name, maildir_filename_base_len(name));
}

/* The cache is live for the messages of the folder (compaction). */
static bool
cache_live(void *ctx, uint32_t uid, struct span base)
{
	const struct maildir_mailbox *mb = ctx;
	const struct maildir_mail *m = maildir_mailbox_find(mb, uid);
	const char *n;
	size_t len;

	if (m == NULL)
		return false;
	/* maildir_filename_base_len(n) == base.len and the same bytes,
	 * without strchr() over the flags (a full index asks this for
	 * every UID): n has no NUL before base.len (strnlen), the same
	 * bytes, so no ':' before it when base has none, and ends there */
	n = maildir_mail_name(mb, m);
	len = strnlen(n, base.len + 1);
	return len >= base.len && memcmp(n, base.p, base.len) == 0 &&
	    (n[base.len] == '\0' || n[base.len] == ':') &&
	    memchr(base.p, ':', base.len) == NULL;
}

/* The selected folder's cache, brought up to date for this command;
 * NULL when it cannot be used now. */
static struct msgcache *
cache_begin(struct imap_cmd *c)
{
	struct imap_session *s = c->s;
	struct mailbox_view *v = s->view;
	uint32_t uv = mailbox_view_uidvalidity(v);

	if (!msgcache_is(s->msgcache, v->path, uv)) {
		msgcache_free(&s->msgcache);
		s->msgcache = msgcache_new(v->path, uv);
	}
	if (msgcache_refresh(s->msgcache, cache_live, v->mb) < 0)
		return NULL;
	return s->msgcache;
}

/* What the cache holds of one message, looked up as needed. */
struct fetch_cached {
	struct msgcache *cache;	/* NULL: none */
	uint32_t uid;
	struct span base;	/* the Maildir base name */
	struct span data[MSGCACHE_KINDS];
	bool have[MSGCACHE_KINDS];
	bool looked[MSGCACHE_KINDS];
};

/* Is kind cached? Its bytes are then in fc->data[kind]. */
static bool
cached(struct fetch_cached *fc, enum msgcache_kind kind)
{
	if (fc->cache == NULL)
		return false;
	if (!fc->looked[kind]) {
		fc->have[kind] = msgcache_lookup(fc->cache, fc->uid, fc->base,
		    kind, &fc->data[kind]);
		fc->looked[kind] = true;
	}
	return fc->have[kind];
}

static void
cache_add(struct fetch_cached *fc, enum msgcache_kind kind, struct span data)
{
	if (fc->cache == NULL || cached(fc, kind))
		return;
	msgcache_add(fc->cache, fc->uid, fc->base, kind, data);
	fc->have[kind] = true;
}

/* The field index of a parsed header (HEADER.FIELDS without a parse). */
static void
cache_add_fields(struct fetch_cached *fc, const struct message *hm)
{
	struct buf tmp;

	if (fc->cache == NULL || hm == NULL || cached(fc, MSGCACHE_FIELDS))
		return;
	buf_init(&tmp, MSGCACHE_RECORD_MAX);
	if (fetch_fields_index(hm, &tmp) == 0)
		cache_add(fc, MSGCACHE_FIELDS, buf_span(&tmp));
	buf_clear(&tmp);
}

/* After a full parse: BODY and BODYSTRUCTURE both, whichever was asked
 * (they differ only in the extension data). */
static void
cache_add_structure(struct fetch_cached *fc, struct fetch_msg *fm)
{
	struct message *full = fm->full;
	struct buf tmp;
	int k;

	if (fc->cache == NULL || full == NULL)
		return;
	buf_init(&tmp, MSGCACHE_RECORD_MAX);
	for (k = MSGCACHE_BODY; k <= MSGCACHE_BODYSTRUCTURE; k++) {
		if (cached(fc, (enum msgcache_kind)k))
			continue;
		buf_reset(&tmp);
		if (imap_bodystructure_write(full, k == MSGCACHE_BODYSTRUCTURE,
		    fm->a, &tmp) == 0)
			cache_add(fc, (enum msgcache_kind)k, buf_span(&tmp));
	}
	buf_clear(&tmp);
}

/* Look up what r needs of m in the cache and choose how to open the
 * message: -1 when nothing needs the file, else an enum open_mode;
 * *hdr_r: answer the header items from the cached header block. */
static int
plan_message(const struct fetch_req *r, struct fetch_cached *fc,
	const char *name, bool *hdr_r)
{
	bool stat_it = false, want_hdr = false;
	size_t i;

	*hdr_r = false;
	fc->base = span_make(name, maildir_filename_base_len(name));
	for (i = 0; i < r->n; i++) {
		const struct fetch_item *it = &r->items[i];

		switch (it->need) {
		case NEED_NONE:
			break;
		case NEED_STAT:
			stat_it = true;
			break;
		case NEED_HEADER:
			if (it->type != FI_ENVELOPE ||
			    !cached(fc, MSGCACHE_ENVELOPE))
				want_hdr = true;
			break;
		case NEED_STRUCT:
			if (!cached(fc, it->type == FI_BODY ? MSGCACHE_BODY :
			    MSGCACHE_BODYSTRUCTURE))
				return OPEN_MAP;
			break;
		case NEED_FILE:
			return OPEN_MAP;
		}
	}
	if (want_hdr && !cached(fc, MSGCACHE_HEADER))
		return OPEN_HEADER;
	*hdr_r = want_hdr;
	return stat_it ? OPEN_STAT : -1;
}

/* One message's response. 0, -1 (ghost or vanished: skipped), -2
 * (BINARY of an unknown encoding: NO [UNKNOWN-CTE]). */
static int
fetch_one(struct imap_cmd *c, const struct fetch_req *r,
	struct msgcache *cache, uint32_t seq, struct buf *line,
	struct buf *scratch)
{
	struct mailbox_view *v = c->s->view;
	struct stream *out = c->s->stream;
	const struct maildir_mail *m = mailbox_view_mail(v, seq);
	struct fetch_data data[FETCH_ITEMS_MAX + 2];
	struct fetch_msg fm;
	struct fetch_cached fc;
	bool flags = r->has_flags, seen_set = false, first = true;
	bool from_cache = false;
	struct buf b = *line;	/* given back below: one per command */
	const char *error;
	size_t i, k, lent = SIZE_MAX;	/* data[lent] has scratch's buffer */
	int ret = 0, mode = -1;

	if (m == NULL)
		return -1;
	if (r->changedsince_set && m->modseq <= r->changedsince)
		return 0;	/* unchanged: no response (RFC 7162 3.1.4.1) */
	memset(&fm, 0, sizeof(fm));
	fm.fd = -1;
	memset(&fc, 0, sizeof(fc));
	fc.cache = cache;
	fc.uid = m->uid;
	if (r->need_file)
		mode = plan_message(r, &fc, maildir_mail_name(v->mb, m),
		    &from_cache);
	if (from_cache)
		fetch_msg_init_header(&fm, fc.data[MSGCACHE_HEADER], c->arena);
	if (mode >= 0 && open_mail(c, seq, (enum open_mode)mode, &fm) < 0)
		return -1;
	/* open_mail may have re-synced the view (else m and fc.base, set
	 * by plan_message, stand) */
	if (mode >= 0) {
		m = mailbox_view_mail(v, seq);
		if (m == NULL) {
			fetch_msg_close(&fm);
			return -1;
		}
		fc.base = mail_base(v->mb, m);
	}
	/* only the items' slots: 66 of them would be a memset per message
	 * as big as a cached response */
	memset(data, 0, r->n * sizeof(data[0]));
	for (i = 0; i < r->n; i++) {
		const struct fetch_item *it = &r->items[i];
		int n;

		if (it->type != FI_SECTION && it->type != FI_BINARY_SIZE)
			continue;
		if (it->fields && cached(&fc, MSGCACHE_FIELDS) &&
		    cached(&fc, MSGCACHE_HEADER)) {
			/* one buffer for all messages, not one each */
			if (lent == SIZE_MAX) {
				data[i].mem = true;
				data[i].buf = *scratch;
			}
			if (fetch_fields_from_names(fc.data[MSGCACHE_HEADER],
			    fc.data[MSGCACHE_FIELDS], it->names,
			    it->fields_not, &data[i]) == 0) {
				if (lent == SIZE_MAX)
					lent = i;
				continue;
			}
			/* freed with data[i] */
			if (lent == SIZE_MAX)
				buf_init(scratch, FETCH_HEADER_MAX);
		}
		n = fetch_section(&fm, it->spec, it->binary, &data[i], &error);
		if (n < 0) {
			ret = n == -2 ? -2 : -1;
			goto out;
		}
	}
	if (r->sets_seen) {
		mark_seen(c, seq, m, &seen_set);
		if (seen_set)
			flags = true;
		/* the change's modseq comes with a sync (RFC 7162 3.2) */
		if (seen_set && r->condstore)
			(void)mailbox_view_sync(v, NULL, NULL);
		/* a flag change may have re-synced the store */
		m = mailbox_view_mail(v, seq);
		if (m == NULL) {
			ret = -1;
			goto out;
		}
		fc.base = mail_base(v->mb, m);
	}
	/* the response is built in b and written at once, but for the
	 * sections read from the file */
	buf_reset(&b);
	(void)buf_puts(&b, "* ");
	append_u64(&b, seq);
	(void)buf_puts(&b, " FETCH (");
	for (k = 0; k < r->n + (flags && !r->has_flags ? 1 : 0); k++) {
		/* the implied FLAGS go after UID or first */
		size_t at = r->has_uid ? 1 : 0;
		const struct fetch_item *it;
		struct fetch_item implied;

		if (flags && !r->has_flags) {
			if (k == at) {
				memset(&implied, 0, sizeof(implied));
				implied.type = FI_FLAGS;
				implied.name = "FLAGS";
				it = &implied;
				i = SIZE_MAX;
			} else {
				i = k > at ? k - 1 : k;
				it = &r->items[i];
			}
		} else {
			i = k;
			it = &r->items[i];
		}
		if (!first)
			(void)buf_putc(&b, ' ');
		(void)buf_puts(&b, it->name);
		(void)buf_putc(&b, ' ');
		first = false;
		switch (it->type) {
		case FI_UID:
			append_u64(&b, mailbox_view_uid(v, seq));
			break;
		case FI_FLAGS:
			(void)mailbox_view_format_flags(v, seq, &b);
			break;
		case FI_INTERNALDATE:
			format_date(fm.mtime, &b);
			break;
		case FI_SIZE:
			append_u64(&b, m->vsize);
			break;
		case FI_ENVELOPE: {
			struct message *hm;
			size_t from = b.len;

			if (cached(&fc, MSGCACHE_ENVELOPE)) {
				(void)buf_append_span(&b,
				    fc.data[MSGCACHE_ENVELOPE]);
				break;
			}
			hm = fetch_msg_header(&fm);
			if (imap_envelope_write(hm != NULL ? hm->root : NULL,
			    c->arena, &b) == 0 && hm != NULL)
				cache_add(&fc, MSGCACHE_ENVELOPE, span_make(
				    b.data + from, b.len - from));
			break;
		}
		case FI_BODY:
		case FI_BODYSTRUCTURE: {
			enum msgcache_kind ck = it->type == FI_BODY ?
			    MSGCACHE_BODY : MSGCACHE_BODYSTRUCTURE;
			struct message *fullm;
			size_t from = b.len;

			if (cached(&fc, ck)) {
				(void)buf_append_span(&b, fc.data[ck]);
				break;
			}
			fullm = fetch_msg_parse(&fm);
			if (fullm == NULL || imap_bodystructure_write(fullm,
			    it->type == FI_BODYSTRUCTURE, c->arena, &b) < 0)
				(void)buf_puts(&b, "NIL");
			else
				cache_add(&fc, ck, span_make(b.data + from,
				    b.len - from));
			break;
		}
		case FI_BINARY_SIZE:
			(void)buf_appendf(&b, "%llu", (unsigned long long)
			    fetch_data_size(&fm, &data[i], 0, UINT64_MAX));
			break;
		case FI_MODSEQ:
			(void)buf_appendf(&b, "(%llu)",
			    (unsigned long long)m->modseq);
			break;
		case FI_SECTION: {
			uint64_t off = it->partial ? it->off : 0;
			uint64_t n = fetch_data_size(&fm, &data[i], off,
			    it->partial ? it->len : UINT64_MAX);

			/* RFC 3516 4.2: BINARY content with NUL is literal8 */
			if (it->binary && data[i].mem && memchr(
			    data[i].buf.data, '\0', data[i].buf.len) != NULL)
				(void)buf_putc(&b, '~');
			(void)buf_putc(&b, '{');
			append_u64(&b, n);
			(void)buf_puts(&b, "}\r\n");
			if (data[i].mem && n > 0 && n <= FETCH_INLINE_MAX) {
				/* as fetch_data_write() */
				(void)buf_append(&b, data[i].buf.data + off,
				    (size_t)n);
				break;
			}
			stream_write(out, b.data, b.len);
			buf_reset(&b);
			fetch_data_write(&fm, &data[i], off, n, out);
			break;
		}
		}
	}
	/* RFC 7162 3.1.4.1, 3.2: with CONDSTORE, FLAGS come with MODSEQ,
	 * and a \Seen set here also with UID */
	if (!r->has_modseq && (r->changedsince_set || (r->condstore &&
	    flags))) {
		(void)buf_puts(&b, " MODSEQ (");
		append_u64(&b, m->modseq);
		(void)buf_putc(&b, ')');
	}
	if (!r->has_uid && r->condstore && seen_set) {
		(void)buf_puts(&b, " UID ");
		append_u64(&b, mailbox_view_uid(v, seq));
	}
	(void)buf_puts(&b, ")\r\n");
	stream_write(out, b.data, b.len);
	*line = b;
	/* what was parsed anyway goes into the cache */
	if (fc.cache != NULL && (fm.hdr != NULL || fm.full != NULL)) {
		if (!from_cache)
			cache_add(&fc, MSGCACHE_HEADER,
			    fetch_msg_header_block(&fm));
		cache_add_fields(&fc, fetch_msg_header(&fm));
	}
	cache_add_structure(&fc, &fm);
out:
	for (i = 0; i < r->n; i++) {
		if (i == lent) {
			*scratch = data[i].buf;
			memset(&data[i], 0, sizeof(data[i]));
		}
		fetch_data_clear(&data[i]);
	}
	fetch_msg_close(&fm);
	return ret;
}

void
cmd_fetch(struct imap_cmd *c)
{
	struct mailbox_view *v = c->s->view;
	struct imap_seqset set;
	struct fetch_req *r;
	const char *error;
	struct msgcache *cache = NULL;
	struct buf line, scratch;
	uint32_t *seqs;
	size_t i, n, gone = 0;

	if (c->n_args < 2 || c->n_args > 3 ||
	    c->args[0].type != IMAP_ARG_ATOM) {
		imap_bad(c, NULL, "Syntax: FETCH seqset items [(modifiers)]");
		return;
	}
	r = arena_alloc(c->arena, sizeof(*r));
	if (imap_parse_seqset(c->args[0].str, c->arena, &set, &error) < 0 ||
	    parse_request(c, &c->args[1], r, &error) < 0 ||
	    (c->n_args == 3 && parse_modifiers(c, &c->args[2], r,
	    &error) < 0) ||
	    mailbox_view_resolve(v, &set, c->uid, c->arena, &seqs, &n,
	    &error) < 0) {
		imap_bad(c, NULL, "%s", error);
		return;
	}
	/* RFC 7162 3.1: MODSEQ and CHANGEDSINCE enable CONDSTORE */
	if (r->has_modseq || r->changedsince_set)
		condstore_enable(c);
	r->condstore = imap_condstore(c->s);
	/* RFC 7162 3.2.6: the UIDs of the set expunged since */
	if (r->vanished)
		condstore_send_vanished(c, r->changedsince, &set);
	if (r->use_cache && n > 0)
		cache = cache_begin(c);
	buf_init(&line, 0);
	buf_init(&scratch, FETCH_HEADER_MAX);
	for (i = 0; i < n; i++) {
		struct arena_mark mark = arena_mark(c->arena);
		int ret = fetch_one(c, r, cache, seqs[i], &line, &scratch);

		/* parse trees of one message live until its response */
		arena_reset_to(c->arena, mark);
		if (ret == -2) {
			buf_clear(&line);
			buf_clear(&scratch);
			msgcache_release(cache);
			imap_no(c, "UNKNOWN-CTE", "Unknown "
			    "Content-Transfer-Encoding");
			return;
		}
		if (ret < 0)
			gone++;
	}
	buf_clear(&line);
	buf_clear(&scratch);
	msgcache_release(cache);
	/* RFC 9051 7.1: the others were answered; UID FETCH skips
	 * expunged UIDs silently (6.4.9) */
	if (gone > 0 && !c->uid) {
		imap_expunge_issued(c);
		return;
	}
	imap_ok(c, NULL, "Fetch completed");
}
