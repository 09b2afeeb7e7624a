/* SPDX-License-Identifier: MIT */
/*
 * fetch_body: section bytes for FETCH (see fetch_body.h). RFC 9051
 * 6.4.5 (sections, partial), RFC 3516 (BINARY), RFC 5322 2.2 (fields).
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fetch_body.h"
#include "imap_bodystructure.h"
#include "str.h"
#include "xmalloc.h"
#include "tern.h"

#define FIELD_NAMES_MAX 256		/* HEADER.FIELDS (a b ...) */

/* A place in the CRLF form of a file range: the byte i of the file
 * starts output octet co. A bare LF is one unit of two octets. */
struct crlf_pos {
	size_t i;
	uint64_t co;
};

/* Where the last write ended, to resume the next slice there. A
 * session is one process, and the key is the file's identity. */
static struct {
	dev_t dev;
	ino_t ino;
	size_t size, start, end;
	struct crlf_pos pos;
	bool valid;
} last;

int
fetch_msg_open(struct fetch_msg *fm, const char *path, struct arena *a)
{
	struct stat st;
	void *p;

	memset(fm, 0, sizeof(*fm));
	fm->fd = -1;
	fm->a = a;
	fm->path = path;
	fm->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fm->fd < 0)
		return -1;
	if (fstat(fm->fd, &st) < 0) {
		fetch_msg_close(fm);
		return -1;
	}
	fm->size = (size_t)st.st_size;
	fm->dev = st.st_dev;
	fm->ino = st.st_ino;
	fm->mtime = st.st_mtime;
	if (fm->size > 0) {
		/* Maildir files never change after delivery: a mapping is
		 * safe (expunge unlinks, it does not truncate) */
		p = mmap(NULL, fm->size, PROT_READ, MAP_PRIVATE, fm->fd, 0);
		if (p == MAP_FAILED) {
			fetch_msg_close(fm);
			return -1;
		}
		fm->map = p;
	}
	return 0;
}

/* Length of the header block of d[0..size): up to and with the first
 * blank line; *found_r false (and size) when there is none. */
static size_t
header_block_len(const char *d, size_t size, bool *found_r)
{
	size_t i;

	*found_r = true;
	if (d != NULL && size > 0 && (d[0] == '\n' || (size > 1 &&
	    d[0] == '\r' && d[1] == '\n')))
		return d[0] == '\n' ? 1 : 2;
	for (i = 0; d != NULL && i < size; ) {
		const char *lf = memchr(d + i, '\n', size - i);

		if (lf == NULL)
			break;
		i = (size_t)(lf - d) + 1;
		if (i < size && d[i] == '\n')
			return i + 1;
		if (i + 1 < size && d[i] == '\r' && d[i + 1] == '\n')
			return i + 2;
	}
	*found_r = false;
	return size;
}

/* The buffer of fetch_msg_open_header, kept for the next message. */
static char *hdr_buf;
static size_t hdr_cap;

int
fetch_msg_open_header(struct fetch_msg *fm, const char *path,
	struct arena *a)
{
	struct stat st;
	size_t have = 0, len = 0;
	bool found = false;
	int fd, e;

	memset(fm, 0, sizeof(*fm));
	fm->fd = -1;
	fm->a = a;
	fm->path = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto fail;
	fm->dev = st.st_dev;
	fm->ino = st.st_ino;
	fm->mtime = st.st_mtime;
	while (have < (size_t)st.st_size) {
		ssize_t n;

		if (have == FETCH_HEADER_MAX) {
			/* a huge header: map the file instead */
			(void)close(fd);
			return fetch_msg_open(fm, path, a);
		}
		if (have == hdr_cap) {
			hdr_cap = hdr_cap == 0 ? FETCH_HEADER_READ : hdr_cap * 2;
			hdr_buf = xreallocarray(hdr_buf, hdr_cap, 1);
		}
		n = pread(fd, hdr_buf + have, hdr_cap - have, (off_t)have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		have += (size_t)n;
		len = header_block_len(hdr_buf, have, &found);
		if (found)
			break;
	}
	(void)close(fd);
	fm->header_only = true;
	fm->map = len > 0 ? hdr_buf : NULL;
	fm->size = len;
	return 0;
fail:
	e = errno;
	(void)close(fd);
	errno = e;
	return -1;
}

void
fetch_msg_init_header(struct fetch_msg *fm, struct span hdr, struct arena *a)
{
	memset(fm, 0, sizeof(*fm));
	fm->fd = -1;
	fm->a = a;
	fm->path = "";
	fm->header_only = true;
	fm->map = hdr.len > 0 ? hdr.p : NULL;
	fm->size = hdr.len;
}

void
fetch_msg_close(struct fetch_msg *fm)
{
	if (fm->header_only) {
		/* not a mapping: the reused buffer or the cache's bytes */
	} else if (fm->map != NULL)
		(void)munmap((void *)(uintptr_t)fm->map, fm->size);
	if (fm->fd >= 0)
		(void)close(fm->fd);
	fm->map = NULL;
	fm->fd = -1;
	fm->hdr = NULL;
	fm->full = NULL;
	fm->header_only = false;
	/* a header longer than a few reads is rare: do not keep its
	 * buffer */
	if (hdr_cap > 8 * FETCH_HEADER_READ) {
		free(hdr_buf);
		hdr_buf = NULL;
		hdr_cap = 0;
	}
}

static struct span
msg_span(const struct fetch_msg *fm)
{
	return span_make(fm->map != NULL ? fm->map : "", fm->size);
}

struct message *
fetch_msg_parse(struct fetch_msg *fm)
{
	const char *error;

	assert(!fm->header_only);
	if (fm->full == NULL && message_parse(msg_span(fm), NULL, fm->a,
	    &fm->full, &error) < 0)
		fm->full = NULL;
	return fm->full;
}

struct span
fetch_msg_header_block(const struct fetch_msg *fm)
{
	bool found;

	if (fm->header_only)
		return msg_span(fm);
	return span_make(fm->map != NULL ? fm->map : "",
	    header_block_len(fm->map, fm->size, &found));
}

struct message *
fetch_msg_header(struct fetch_msg *fm)
{
	const char *error;

	if (fm->full != NULL)
		return fm->full;
	if (fm->hdr != NULL)
		return fm->hdr;
	if (message_parse(fetch_msg_header_block(fm), NULL, fm->a, &fm->hdr,
	    &error) < 0)
		return NULL;
	return fm->hdr;
}

void
fetch_data_clear(struct fetch_data *d)
{
	if (d->mem)
		buf_clear(&d->buf);
	memset(d, 0, sizeof(*d));
}

/* The next name of a field list "(a b "c")" from *pos (start at 0):
 * true with *name_r (quotes dropped, maybe empty), false at the end. */
static bool
field_list_next(struct span list, size_t *pos, struct span *name_r)
{
	size_t end = list.len > 0 ? list.len - 1 : 0, i = *pos, s;

	if (i == 0)
		i = 1;			/* after "(" */
	while (i < end && list.p[i] == ' ')
		i++;
	if (i >= end)
		return false;
	if (list.p[i] == '"') {
		s = ++i;
		while (i < end && list.p[i] != '"')
			i++;
		*name_r = span_make(list.p + s, i - s);
		if (i < end)
			i++;		/* the closing quote */
	} else {
		s = i;
		while (i < end && list.p[i] != ' ')
			i++;
		*name_r = span_make(list.p + s, i - s);
	}
	*pos = i;
	return true;
}

/* Is name in the list "(a b "c")"? */
static bool
field_listed(struct span list, struct span name)
{
	struct span f;
	size_t pos = 0;

	while (field_list_next(list, &pos, &f)) {
		if (f.len == name.len && f.len > 0 &&
		    strncasecmp(f.p, name.p, name.len) == 0)
			return true;
	}
	return false;
}

/* HEADER.FIELDS[.NOT]: the fields of part p (kept or dropped by name),
 * each in CRLF form, and the blank line. */
static int
filter_fields(const struct message *m, const struct message_part *p,
	struct span list, bool not, struct buf *out)
{
	unsigned i;

	for (i = 0; p != NULL && i < p->nfields; i++) {
		const struct message_field *f = &p->fields[i];
		size_t s = (size_t)(f->name.p - m->data.p);
		size_t e = (size_t)(f->value.p + f->value.len - m->data.p);

		if (field_listed(list, f->name) == not)
			continue;
		if (message_append_crlf(m, s, e, out) < 0 ||
		    buf_puts(out, "\r\n") < 0)
			return -1;
	}
	return buf_puts(out, "\r\n");
}

static void
put_u32(struct buf *out, uint32_t v, int *ret)
{
	char b[4];

	b[0] = (char)(v & 0xff);
	b[1] = (char)((v >> 8) & 0xff);
	b[2] = (char)((v >> 16) & 0xff);
	b[3] = (char)(v >> 24);
	if (buf_append(out, b, 4) < 0)
		*ret = -1;
}

static uint32_t
get_u32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 |
	    (uint32_t)u[3] << 24;
}

int
fetch_fields_index(const struct message *m, struct buf *out)
{
	const struct message_part *p = m->root;
	unsigned i;
	int ret = 0;

	if (m->data.len > UINT32_MAX)
		return -1;
	for (i = 0; p != NULL && i < p->nfields; i++) {
		const struct message_field *f = &p->fields[i];

		put_u32(out, (uint32_t)(f->name.p - m->data.p), &ret);
		put_u32(out, (uint32_t)f->name.len, &ret);
		put_u32(out, (uint32_t)(f->value.p + f->value.len -
		    m->data.p), &ret);
	}
	return ret;
}

/* Compare n bytes of ASCII, ignoring case (as strncasecmp() in the C
 * locale, without a call per field name). */
static bool
ascii_caseeq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

		if (x == y)
			continue;
		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y + 32);
		if (x != y)
			return false;
	}
	return true;
}

void
fetch_field_names_split(struct span list, struct fetch_field_names *fn)
{
	struct span f;
	size_t pos = 0;

	fn->list = list;
	fn->n = 0;
	fn->split = true;
	while (field_list_next(list, &pos, &f)) {
		if (f.len == 0)
			continue;
		if (fn->n == FETCH_FIELD_SPLIT_MAX) {
			fn->split = false;
			return;
		}
		fn->name[fn->n++] = f;
	}
}

static bool
field_names_has(const struct fetch_field_names *fn, struct span name)
{
	size_t i;

	if (!fn->split)
		return field_listed(fn->list, name);
	for (i = 0; i < fn->n; i++)
		if (fn->name[i].len == name.len && name.len > 0 &&
		    ascii_caseeq(fn->name[i].p, name.p, name.len))
			return true;
	return false;
}

int
fetch_fields_from_index(struct span hdr, struct span index, struct span list,
	bool not, struct fetch_data *d)
{
	struct fetch_field_names fn;

	memset(d, 0, sizeof(*d));
	fetch_field_names_split(list, &fn);
	return fetch_fields_from_names(hdr, index, &fn, not, d);
}

int
fetch_fields_from_names(struct span hdr, struct span index,
	const struct fetch_field_names *names, bool not, struct fetch_data *d)
{
	struct message m;
	size_t i;

	if (index.len % 12 != 0)
		return -1;
	for (i = 0; i < index.len; i += 12) {
		size_t s = get_u32(index.p + i), n = get_u32(index.p + i + 4);
		size_t e = get_u32(index.p + i + 8);

		if (s > hdr.len || n > hdr.len - s || e < s + n || e > hdr.len)
			return -1;
	}
	memset(&m, 0, sizeof(m));
	m.data = hdr;
	if (d->mem) {
		buf_reset(&d->buf);	/* the caller's buffer, reused */
		d->start = d->end = 0;
		d->empty = false;
	} else {
		memset(d, 0, sizeof(*d));
		d->mem = true;
		buf_init(&d->buf, FETCH_HEADER_MAX);
	}
	/* as filter_fields() */
	for (i = 0; i < index.len; i += 12) {
		size_t s = get_u32(index.p + i), n = get_u32(index.p + i + 4);
		size_t e = get_u32(index.p + i + 8);

		if (field_names_has(names, span_make(hdr.p + s, n)) == not)
			continue;
		if (message_append_crlf(&m, s, e, &d->buf) < 0 ||
		    buf_append(&d->buf, "\r\n", 2) < 0) {
			fetch_data_clear(d);
			return -1;
		}
	}
	if (buf_append(&d->buf, "\r\n", 2) < 0) {
		fetch_data_clear(d);
		return -1;
	}
	return 0;
}

static int
from_section(struct fetch_msg *fm, const struct message *m, struct span spec,
	struct fetch_data *d, const char **error_r)
{
	struct imap_section sec;

	if (imap_bodystructure_section(m, spec, &sec, error_r) < 0)
		return -1;
	if (sec.kind == IMAP_SECTION_HEADER_FIELDS ||
	    sec.kind == IMAP_SECTION_HEADER_FIELDS_NOT) {
		d->mem = true;
		buf_init(&d->buf, FETCH_HEADER_MAX);
		if (sec.part == NULL)
			return 0;	/* no such part: empty */
		if (filter_fields(m, sec.part, sec.fields,
		    sec.kind == IMAP_SECTION_HEADER_FIELDS_NOT, &d->buf) < 0) {
			*error_r = "header too big";
			return -1;
		}
		return 0;
	}
	(void)fm;
	d->empty = sec.part == NULL && sec.start == sec.end;
	d->start = sec.start;
	d->end = sec.end;
	return 0;
}

int
fetch_section(struct fetch_msg *fm, struct span spec, bool binary,
	struct fetch_data *d, const char **error_r)
{
	struct message *m;
	bool top = spec.len == 0 || spec.p[0] < '0' || spec.p[0] > '9';

	memset(d, 0, sizeof(*d));
	/* the caller gives a header-only message header sections only */
	assert(!fm->header_only || (top && !binary && spec.len > 0 &&
	    !span_eq_ci(spec, "TEXT")));
	if (spec.len == 0) {
		d->start = 0;
		d->end = fm->size;
		return 0;
	}
	if (binary) {
		struct message_part *p;
		struct imap_section sec;

		m = fetch_msg_parse(fm);
		if (m == NULL || top) {
			*error_r = "invalid BINARY section";
			return -1;
		}
		if (imap_bodystructure_section(m, spec, &sec, error_r) < 0)
			return -1;
		if (sec.kind != IMAP_SECTION_ALL) {
			*error_r = "invalid BINARY section";
			return -1;
		}
		p = sec.part;
		d->mem = true;
		buf_init(&d->buf, 0);
		if (p == NULL)
			return 0;
		if ((p->flags & MESSAGE_PART_MULTIPART) != 0) {
			/* RFC 3516 4.2: not a leaf; as Dovecot, the raw
			 * body */
			return message_append_crlf(m, p->body_start,
			    p->body_end, &d->buf) < 0 ? -2 : 0;
		}
		if (message_part_decode(m, p, &d->buf, error_r) < 0)
			return -2;
		return 0;
	}
	if (top && span_eq_ci(spec, "TEXT")) {
		m = fetch_msg_header(fm);
		if (m == NULL) {
			*error_r = "cannot parse message";
			return -1;
		}
		d->start = m->root->body_start;
		d->end = fm->size;
		return 0;
	}
	m = top ? fetch_msg_header(fm) : fetch_msg_parse(fm);
	if (m == NULL) {
		*error_r = "cannot parse message";
		return -1;
	}
	return from_section(fm, m, spec, d, error_r);
}

static size_t
lf_width(const char *map, size_t i)
{
	return i > 0 && map[i - 1] == '\r' ? 1 : 2;
}

/* Advance p to the unit that holds output octet target, or to end. */
static void
crlf_seek(const char *map, size_t end, struct crlf_pos *p, uint64_t target)
{
	while (p->i < end && p->co < target) {
		const char *lf = memchr(map + p->i, '\n', end - p->i);
		size_t j = lf != NULL ? (size_t)(lf - map) : end, w;

		if (p->co + (j - p->i) > target) {
			p->i += (size_t)(target - p->co);
			p->co = target;
			return;
		}
		p->co += j - p->i;
		p->i = j;
		if (j == end)
			return;
		w = lf_width(map, j);
		if (p->co + w > target)
			return;		/* target is the LF of a CRLF pair */
		p->co += w;
		p->i = j + 1;
	}
}

/* The position of octet off of d's range, resuming from the last write
 * when it ended at or before off in the same file and range. */
static struct crlf_pos
seek_from_last(const struct fetch_msg *fm, const struct fetch_data *d,
	uint64_t off)
{
	struct crlf_pos p = { d->start, 0 };

	if (last.valid && !fm->header_only && last.dev == fm->dev && last.ino == fm->ino &&
	    last.size == fm->size && last.start == d->start &&
	    last.end == d->end && last.pos.co <= off)
		p = last.pos;
	crlf_seek(fm->map, d->end, &p, off);
	return p;
}

uint64_t
fetch_data_size(struct fetch_msg *fm, const struct fetch_data *d,
	uint64_t off, uint64_t len)
{
	struct crlf_pos p, q;

	if (d->mem) {
		if (off >= d->buf.len)
			return 0;
		return len < d->buf.len - off ? len : d->buf.len - off;
	}
	if (d->start >= d->end || fm->map == NULL)
		return 0;
	p = seek_from_last(fm, d, off);
	if (p.i >= d->end)
		return 0;
	q = p;
	if (len > UINT64_MAX - off)
		len = UINT64_MAX - off;
	crlf_seek(fm->map, d->end, &q, off + len);
	if (q.i >= d->end)
		return q.co > off ? q.co - off : 0;
	return len;
}

void
fetch_data_write(struct fetch_msg *fm, const struct fetch_data *d,
	uint64_t off, uint64_t n, struct stream *out)
{
	const char *map = fm->map;
	struct crlf_pos p;
	uint64_t skip;

	if (n == 0)
		return;
	if (d->mem) {
		stream_write(out, d->buf.data + off, (size_t)n);
		return;
	}
	p = seek_from_last(fm, d, off);
	skip = off - p.co;
	while (n > 0 && p.i < d->end) {
		if (map[p.i] == '\n') {
			size_t w = lf_width(map, p.i);
			const char *s = w == 2 ? "\r\n" : "\n";
			uint64_t take = w - skip < n ? w - skip : n;

			stream_write(out, s + skip, (size_t)take);
			n -= take;
			if (skip + take < w)
				break;	/* ends between CR and LF */
			p.co += w;
			p.i++;
			skip = 0;
		} else {
			const char *lf = memchr(map + p.i, '\n', d->end - p.i);
			size_t j = lf != NULL ? (size_t)(lf - map) : d->end;
			uint64_t take = j - p.i < n ? j - p.i : n;

			stream_write(out, map + p.i, (size_t)take);
			p.i += (size_t)take;
			p.co += take;
			n -= take;
		}
	}
	if (fm->header_only)
		return;
	last.dev = fm->dev;
	last.ino = fm->ino;
	last.size = fm->size;
	last.start = d->start;
	last.end = d->end;
	last.pos = p;
	last.valid = true;
}
