/* SPDX-License-Identifier: MIT */
/*
 * search: the SEARCH evaluator (see search.h). The key tree is at most
 * SEARCH_DEPTH_MAX deep (search_parse.c checks it), so evaluation may
 * recurse with a checked depth (STYLE.md 7.3). A message's file is opened
 * once, when a key first needs it: its first SEARCH_READ_CHUNK bytes
 * serve header keys, the rest is read (into one buffer reused for the
 * whole search) only when a BODY or TEXT key needs it.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "search.h"
#include "casefold.h"
#include "keywords.h"
#include "maildir.h"
#include "fileio.h"
#include "message.h"
#include "str.h"
#include "tern.h"
#include "xmalloc.h"

/* Buffers and directories kept from message to message. */
struct search_files {
	char *data;
	size_t cap;
	int new_fd, cur_fd;	/* -1 when they could not be opened */
};

/* One message being evaluated; its data lives in the search arena
 * until the next message (arena_reset_to). */
struct msg_ctx {
	const struct mailbox_view *v;
	struct arena *a;
	uint32_t seq;
	const struct maildir_mail *mail;
	int dir;			/* new/ or cur/, or AT_FDCWD */
	const char *name;		/* in dir */
	char path[MAILDIR_PATH_MAX];	/* when dir is AT_FDCWD */
	uint32_t star_seq, star_uid;

	bool have_stat, stat_failed;
	int32_t internal_day;

	bool have_header, header_failed;
	struct message *header;		/* the header block only */
	bool have_sent, sent_failed;
	int32_t sent_day;

	/* the file, opened once: its first m->have bytes are at data */
	int fd;
	bool open_failed, eof;
	uint64_t size;
	const char *data;
	size_t have;
	void *map;			/* data when mmap()ed */
	size_t map_len;

	bool have_body, body_failed;
	struct message *msg;		/* the whole message */

	struct search_files *files;	/* from here on kept per search */
	struct buf decoded;		/* one part, reused */
	struct buf utf8;
};

static const struct {
	unsigned flag;
	char letter;
} flag_letters[] = {
	{ IMAP_FLAG_ANSWERED, 'R' },
	{ IMAP_FLAG_FLAGGED, 'F' },
	{ IMAP_FLAG_DELETED, 'T' },
	{ IMAP_FLAG_SEEN, 'S' },
	{ IMAP_FLAG_DRAFT, 'D' },
};

int
search_parse_rfc5322_date(const char *value, int32_t *day_r)
{
	static const char *const months[12] = {
		"jan", "feb", "mar", "apr", "may", "jun",
		"jul", "aug", "sep", "oct", "nov", "dec",
	};
	const char *p = value, *q;
	uint32_t day, year;
	unsigned m;

	/* [ day-of-week "," ] day month year (RFC 5322 3.3, 4.3) */
	while (*p == ' ' || *p == '\t')
		p++;
	q = strchr(p, ',');
	if (q != NULL && q - p <= 10)
		p = q + 1;
	while (*p == ' ' || *p == '\t')
		p++;
	for (q = p; *q >= '0' && *q <= '9'; q++)
		;
	if (q - p < 1 || q - p > 2 || parse_u32(span_make(p, (size_t)(q -
	    p)), 31, &day) < 0 || day == 0)
		return -1;
	for (p = q; *p == ' ' || *p == '\t' || *p == '-'; p++)
		;
	for (m = 0; m < 12; m++) {
		if (strncasecmp(p, months[m], 3) == 0)
			break;
	}
	if (m == 12)
		return -1;
	for (p += 3; (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
	    p++)
		;
	for (; *p == ' ' || *p == '\t' || *p == '-'; p++)
		;
	for (q = p; *q >= '0' && *q <= '9'; q++)
		;
	if (q - p < 2 || q - p > 4 || parse_u32(span_make(p, (size_t)(q -
	    p)), 9999, &year) < 0)
		return -1;
	/* RFC 5322 4.3: two digits are 19xx from 50 up, else 20xx; three
	 * digits add 1900 */
	if (q - p == 2)
		year += year >= 50 ? 1900 : 2000;
	else if (q - p == 3)
		year += 1900;
	*day_r = search_days_from_civil((int)year, m + 1, day);
	return 0;
}

static int
load_stat(struct msg_ctx *m)
{
	struct stat st;
	struct tm tm;

	if (m->have_stat)
		return m->stat_failed ? -1 : 0;
	m->have_stat = true;
	if (fstatat(m->dir, m->name, &st, 0) < 0 || localtime_r(&st.st_mtime, &tm) ==
	    NULL) {
		m->stat_failed = true;
		return -1;
	}
	/* RFC 3501 6.4.4: the date in the server's time zone, as Dovecot */
	m->internal_day = search_days_from_civil(tm.tm_year + 1900,
	    (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday);
	return 0;
}

/* The end of the header block in p[0..len): after the blank line, or
 * len when there is none. */
static size_t
header_end(const char *p, size_t len)
{
	const char *lf;
	size_t i = 0;

	if (len > 0 && p[0] == '\n')
		return 1;
	if (len > 1 && p[0] == '\r' && p[1] == '\n')
		return 2;
	while (i + 1 < len && (lf = memchr(p + i, '\n', len - i - 1)) !=
	    NULL) {
		i = (size_t)(lf - p);
		if (p[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && p[i + 1] == '\r' && p[i + 2] == '\n')
			return i + 3;
		i++;
	}
	return len;
}

/* Make room for cap bytes (plus a NUL) in the reused file buffer,
 * keeping its first keep bytes. */
static void
file_reserve(struct search_files *f, size_t keep, size_t cap)
{
	char *p;

	if (cap + 1 <= f->cap)
		return;
	if (cap < SEARCH_READ_CHUNK)
		cap = SEARCH_READ_CHUNK;
	p = xmalloc(cap + 1);
	if (keep > 0)
		memcpy(p, f->data, keep);
	free(f->data);
	f->data = p;
	f->cap = cap + 1;
}

/* Open the message file once and read its start into the
 * reused buffer (the whole of a small file). */
static int
open_file(struct msg_ctx *m)
{
	struct search_files *f = m->files;
	struct stat st;
	ssize_t n;

	if (m->fd >= 0)
		return 0;
	if (m->open_failed)
		return -1;
	m->open_failed = true;
	m->fd = openat(m->dir, m->name, O_RDONLY | O_CLOEXEC);
	if (m->fd < 0)
		return -1;
	file_reserve(f, 0, SEARCH_READ_CHUNK);
	/* one read(): a short one from a regular file is its end, so most
	 * messages need no fstat() */
	do {
		n = read(m->fd, f->data, SEARCH_READ_CHUNK);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		(void)close(m->fd);
		m->fd = -1;
		return -1;
	}
	m->size = (uint64_t)n;
	if (n == SEARCH_READ_CHUNK) {
		if (fstat(m->fd, &st) < 0 || st.st_size < 0) {
			(void)close(m->fd);
			m->fd = -1;
			return -1;
		}
		m->size = (uint64_t)st.st_size;
	}
	m->have = (size_t)n;
	m->eof = m->have < SEARCH_READ_CHUNK;
	m->data = f->data;
	m->open_failed = false;
	return 0;
}

static void
close_file(struct msg_ctx *m)
{
	if (m->map != NULL)
		(void)munmap(m->map, m->map_len);
	m->map = NULL;
	if (m->fd >= 0)
		(void)close(m->fd);
	m->fd = -1;
}

/* Read the rest of the file: into the reused buffer when it is at most
 * SEARCH_READ_MAX, else mmap()ed (the page cache bounds the memory). A
 * file that grew or shrank meanwhile is taken as read. */
static int
read_all(struct msg_ctx *m)
{
	struct search_files *f = m->files;
	size_t size;
	ssize_t n;

	if (m->eof || m->have >= m->size)
		return 0;	/* all there */
	if (m->size > SEARCH_MESSAGE_MAX)
		return -1;
	size = (size_t)m->size;
	if (size > SEARCH_READ_MAX) {
		m->map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, m->fd, 0);
		if (m->map == MAP_FAILED) {
			m->map = NULL;
			return -1;
		}
		m->map_len = size;
		m->data = m->map;
		m->have = size;
		return 0;
	}
	file_reserve(f, m->have, size);
	m->data = f->data;
	n = read_full(m->fd, f->data + m->have, size - m->have);
	if (n < 0)
		return -1;
	m->have += (size_t)n;
	m->eof = true;
	return 0;
}

static int
load_header(struct msg_ctx *m)
{
	const char *error;
	size_t len;

	if (m->have_header)
		return m->header_failed ? -1 : 0;
	m->have_header = true;
	m->header_failed = true;
	if (m->have_body && m->msg != NULL) {
		m->header = m->msg;
		m->header_failed = false;
		return 0;
	}
	if (open_file(m) < 0)
		return -1;
	len = header_end(m->data, m->have);
	if (len == m->have && m->have < m->size) {
		/* a header longer than the first read */
		if (m->size > SEARCH_HEADER_READ_MAX && m->have <
		    SEARCH_HEADER_READ_MAX) {
			/* read just what header keys look at */
			struct search_files *f = m->files;
			ssize_t n;

			file_reserve(f, m->have, SEARCH_HEADER_READ_MAX);
			m->data = f->data;
			n = read_full(m->fd, f->data + m->have,
			    SEARCH_HEADER_READ_MAX - m->have);
			if (n < 0)
				return -1;
			m->eof = (size_t)n < SEARCH_HEADER_READ_MAX - m->have;
			m->have += (size_t)n;
		} else if (read_all(m) < 0) {
			return -1;
		}
		len = header_end(m->data, m->have < SEARCH_HEADER_READ_MAX ?
		    m->have : SEARCH_HEADER_READ_MAX);
	}
	if (message_parse(span_make(m->data, len), NULL, m->a, &m->header,
	    &error) < 0)
		return -1;
	m->header_failed = false;
	return 0;
}

static int
load_body(struct msg_ctx *m)
{
	const char *error;

	if (m->have_body)
		return m->body_failed ? -1 : 0;
	m->have_body = true;
	m->body_failed = true;
	if (open_file(m) < 0 || read_all(m) < 0 ||
	    message_parse(span_make(m->data, m->have), NULL, m->a, &m->msg,
	    &error) < 0) {
		/* read_all() may have moved the buffer that a header-only
		 * parse points into */
		if (m->have_header) {
			m->header = NULL;
			m->header_failed = true;
		}
		return -1;
	}
	/* the whole message's header from now on, for the same reason */
	m->header = m->msg;
	m->have_header = true;
	m->header_failed = false;
	m->body_failed = false;
	return 0;
}

/* Does a field of part p named name (NULL: any) contain the needle,
 * after RFC 2047 decoding? An empty needle matches an existing field. */
static bool
fields_match(struct msg_ctx *m, const struct message_part *p,
	const char *name, struct casefold_needle *n)
{
	unsigned i;

	for (i = 0; i < p->nfields; i++) {
		const struct message_field *f = &p->fields[i];
		char *dec;

		if (name != NULL && !span_eq_ci(f->name, name))
			continue;
		if (n->len == 0)
			return true;
		dec = message_decode_words(span_str(message_field_unfold(f,
		    m->a)), m->a);
		/* TEXT: the whole field as a line, "Name: value", as a
		 * search of the header text finds it (Dovecot) */
		if (name == NULL)
			dec = arena_printf(m->a, "%.*s: %s", (int)f->name.len,
			    f->name.p, dec);
		if (casefold_find(n, span_str(dec)))
			return true;
	}
	return false;
}

static const char *
part_charset(const struct message_part *p)
{
	unsigned i;

	for (i = 0; i < p->nparams; i++) {
		if (strcasecmp(p->params[i].name, "charset") == 0)
			return p->params[i].decoded;
	}
	return NULL;
}

/* Is the body of leaf part p searched? text/ *, no Content-Type, and
 * message/ * other than an rfc822 one that was descended into (Dovecot's
 * message-search: "text/any or message/any"). */
static bool
text_part(const struct message_part *p)
{
	if (p->children != NULL || (p->flags & (MESSAGE_PART_MULTIPART |
	    MESSAGE_PART_RFC822)) != 0)
		return false;
	return (p->flags & MESSAGE_PART_TEXT) != 0 || (p->type != NULL &&
	    strcasecmp(p->type, "message") == 0);
}

static bool
encoded(const struct message_part *p)
{
	return p->encoding != NULL && (strcasecmp(p->encoding, "base64") ==
	    0 || strcasecmp(p->encoding, "quoted-printable") == 0);
}

/* Search one text part's body: base64 and quoted-printable decoded into
 * a reused buffer, others as they are (no copy); then converted to
 * UTF-8 when its charset is another. */
static bool
part_match(struct msg_ctx *m, const struct message_part *p,
	struct casefold_needle *n)
{
	const char *charset = part_charset(p), *error;
	struct span text = span_make(m->msg->data.p + p->body_start,
	    p->body_end - p->body_start);

	if (encoded(p)) {
		buf_reset(&m->decoded);
		/* too big: the bytes as sent */
		if (message_part_decode(m->msg, p, &m->decoded, &error) == 0)
			text = buf_span(&m->decoded);
	}
	if (charset != NULL && strcasecmp(charset, "utf-8") != 0 &&
	    strcasecmp(charset, "us-ascii") != 0) {
		buf_reset(&m->utf8);
		if (message_charset_to_utf8(charset, text.p, text.len,
		    &m->utf8) == 0)
			text = buf_span(&m->utf8);
	}
	return casefold_find(n, text);
}

/* BODY: the text parts of the whole tree (nested messages included),
 * walked through the parent links. TEXT also looks at every header. */
static bool
body_match(struct msg_ctx *m, struct casefold_needle *n, bool headers)
{
	const struct message_part *p = m->msg->root;

	if (n->len == 0)
		return true;
	while (p != NULL) {
		if (headers && fields_match(m, p, NULL, n))
			return true;
		if (text_part(p) && part_match(m, p, n))
			return true;
		if (p->children != NULL) {
			p = p->children;
			continue;
		}
		while (p != NULL && p->next == NULL)
			p = p->parent;
		if (p != NULL)
			p = p->next;
	}
	return false;
}

static bool
flag_set(const struct msg_ctx *m, unsigned flag)
{
	size_t i;

	for (i = 0; i < N_ELEMENTS(flag_letters); i++) {
		if (flag_letters[i].flag == flag)
			return maildir_mail_has_flag(m->mail,
			    flag_letters[i].letter);
	}
	return false;
}

static bool
keyword_set(const struct msg_ctx *m, const char *name)
{
	int i = keywords_lookup(&m->v->mb->keywords, name);

	return i >= 0 && (m->mail->keywords & (1u << i)) != 0;
}

static bool eval(struct msg_ctx *m, const struct search_key *k,
	unsigned depth);

/* AND (all) or OR (any) of k's children, cheapest first. */
static bool
eval_children(struct msg_ctx *m, const struct search_key *k, bool any,
	unsigned depth)
{
	const struct search_key *c;
	int cost;

	for (cost = SEARCH_COST_NONE; cost <= SEARCH_COST_BODY; cost++) {
		for (c = k->child; c != NULL; c = c->next) {
			if ((int)c->cost != cost)
				continue;
			if (eval(m, c, depth + 1) == any)
				return any;
		}
	}
	return !any;
}

static bool
eval(struct msg_ctx *m, const struct search_key *k, unsigned depth)
{
	const struct search_key *c;
	int32_t day;
	char *v;

	/* the parser bounds the depth; two more for the NEW group */
	assert(depth <= SEARCH_DEPTH_MAX + 2);
	switch (k->type) {
	case SEARCH_ALL:
		return true;
	case SEARCH_AND:
		return eval_children(m, k, false, depth);
	case SEARCH_OR:
		return eval_children(m, k, true, depth);
	case SEARCH_NOT:
		c = k->child;
		return !eval(m, c, depth + 1);
	case SEARCH_FLAG:
		return flag_set(m, k->flag) == k->set;
	case SEARCH_KEYWORD:
		return keyword_set(m, k->str) == k->set;
	case SEARCH_RECENT:
		return m->v->msgs[m->seq - 1].recent == k->set;
	case SEARCH_SEQSET:
		if (k->seqset.saved)
			return mailbox_view_saved_has(m->v, m->mail->uid);
		return imap_seqset_contains(&k->seqset, m->seq, m->star_seq);
	case SEARCH_UIDSET:
		if (k->seqset.saved)
			return mailbox_view_saved_has(m->v, m->mail->uid);
		return imap_seqset_contains(&k->seqset, m->mail->uid,
		    m->star_uid);
	case SEARCH_LARGER:
		return m->mail->vsize > k->num;
	case SEARCH_SMALLER:
		return m->mail->vsize < k->num;
	case SEARCH_BEFORE:
	case SEARCH_ON:
	case SEARCH_SINCE:
		if (load_stat(m) < 0)
			return false;
		day = m->internal_day;
		goto date;
	case SEARCH_SENTBEFORE:
	case SEARCH_SENTON:
	case SEARCH_SENTSINCE:
		if (!m->have_sent) {
			m->have_sent = true;
			m->sent_failed = true;
			if (load_header(m) == 0) {
				v = message_header_get(m->header->root, "Date",
				    m->a);
				if (v != NULL && search_parse_rfc5322_date(v,
				    &m->sent_day) == 0)
					m->sent_failed = false;
			}
		}
		if (m->sent_failed)
			return false;
		day = m->sent_day;
		goto date;
	case SEARCH_HEADER:
		if (load_header(m) < 0)
			return false;
		return fields_match(m, m->header->root, k->str, k->needle);
	case SEARCH_BODY:
	case SEARCH_TEXT:
		if (load_body(m) < 0)
			return false;
		return body_match(m, k->needle, k->type == SEARCH_TEXT);
	case SEARCH_MODSEQ:
		/* RFC 7162 3.1.5: changed at or after num; the entry name
		 * and type are ignored (one modseq per message, as
		 * Dovecot) */
		return m->mail->modseq >= k->num;
	}
	return false;
date:
	switch (k->type) {
	case SEARCH_BEFORE:
	case SEARCH_SENTBEFORE:
		return day < k->day;
	case SEARCH_ON:
	case SEARCH_SENTON:
		return day == k->day;
	default:
		return day >= k->day;
	}
}

/* Fold the values once, into needles for casefold_find(). */
static void
fold_tree(struct search_key *k, struct arena *a)
{
	/* pre-order; the stack keeps the next sibling of each open level,
	 * so it is as deep as the tree (NEW adds one level) */
	struct search_key *stack[SEARCH_DEPTH_MAX + 4];
	struct search_key *x = k;
	size_t n = 0;

	while (x != NULL || n > 0) {
		if (x == NULL) {
			x = stack[--n];
			continue;
		}
		if (x->value != NULL)
			x->needle = casefold_needle_new(span_str(x->value), a);
		if (x->child == NULL) {
			x = x->next;
			continue;
		}
		if (x->next != NULL) {
			assert(n < N_ELEMENTS(stack));
			stack[n++] = x->next;
		}
		x = x->child;
	}
}

int
search_run(const struct mailbox_view *v, const struct search_program *prog,
	struct arena *a, uint32_t **seqs_r, size_t *n_r)
{
	uint32_t count = mailbox_view_count(v), seq, *seqs;
	struct search_files files = { NULL, 0, -1, -1 };
	char dir[MAILDIR_PATH_MAX];
	struct msg_ctx *m;
	size_t n = 0;

	fold_tree(prog->root, a);
	seqs = arena_alloc_array(a, (size_t)count + 1, sizeof(*seqs));
	m = arena_alloc(a, sizeof(*m));
	/* openat() per message: fewer path lookups than the whole path */
	if (maildir_path(dir, sizeof(dir), "%s/new", v->mb->path) == 0)
		files.new_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (maildir_path(dir, sizeof(dir), "%s/cur", v->mb->path) == 0)
		files.cur_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	buf_init(&m->decoded, SEARCH_PART_DECODED_MAX);
	buf_init(&m->utf8, SEARCH_PART_DECODED_MAX);
	for (seq = 1; seq <= count; seq++) {
		const struct maildir_mail *mail = mailbox_view_mail(v, seq);
		struct arena_mark mark;
		bool match;

		if (mail == NULL)
			continue;	/* a ghost */
		mark = arena_mark(a);
		memset(m, 0, offsetof(struct msg_ctx, files));
		m->files = &files;
		m->fd = -1;
		m->v = v;
		m->a = a;
		m->seq = seq;
		m->mail = mail;
		m->star_seq = count;
		m->star_uid = mailbox_view_uid(v, count);
		m->dir = mail->in_new ? files.new_fd : files.cur_fd;
		m->name = maildir_mail_name(v->mb, mail);
		if (m->dir < 0) {
			m->dir = AT_FDCWD;
			m->name = m->path;
			if (maildir_mailbox_mail_path(v->mb, mail, m->path,
			    sizeof(m->path)) < 0)
				continue;
		}
		match = eval(m, prog->root, 0);
		close_file(m);
		arena_reset_to(a, mark);
		if (match)
			seqs[n++] = seq;
	}
	buf_clear(&m->decoded);
	buf_clear(&m->utf8);
	free(files.data);
	if (files.new_fd >= 0)
		(void)close(files.new_fd);
	if (files.cur_fd >= 0)
		(void)close(files.cur_fd);
	*seqs_r = seqs;
	*n_r = n;
	return 0;
}
