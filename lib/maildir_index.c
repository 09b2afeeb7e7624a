/* SPDX-License-Identifier: MIT */
/*
 * maildir_index: the persistent view of a Maildir folder (see
 * maildir_index.h). The parser trusts nothing: every count is checked
 * against the size, every offset against the string table, and the
 * whole against a checksum, so that a torn or foreign file is only ever
 * ignored. All multi-byte fields are read with memcpy (no alignment).
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "maildir.h"
#include "maildir_index.h"
#include "xmalloc.h"
#include "tern.h"

#define INDEX_MAGIC 0x58444e49u		/* "INDX" little-endian */
#define INDEX_NONE UINT32_MAX		/* no keyword */

struct index_stamp {
	uint32_t exists;
	uint32_t pad;
	uint64_t dev, ino, size;
	int64_t mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
};

struct index_header {
	uint32_t magic;
	uint32_t version;
	uint64_t file_size;
	uint32_t uid_validity;
	uint32_t next_uid;
	char guid[32];
	uint32_t modseq_uid_validity;
	uint32_t count;
	uint64_t highest;
	uint64_t floor;
	uint32_t n_expunged;
	uint32_t strings_len;
	uint32_t keywords[KEYWORDS_MAX];
	struct index_stamp stamp[MAILDIR_STAMP_COUNT];
};

struct index_rec {
	uint32_t uid;
	uint32_t keywords;
	uint64_t size;
	uint64_t vsize;
	uint64_t modseq;
	uint32_t name_off;
	uint32_t name_len;
	uint32_t flags_off;
	uint16_t flags_len;
	uint8_t in_new;
	uint8_t pad;
};

struct index_expunged {
	uint32_t uid;
	uint32_t pad;
	uint64_t modseq;
};

static char index_error[MAILDIR_PATH_MAX + 128];

/* A word-at-a-time hash: catches torn and damaged files, not forgery
 * (whoever can write the folder can write the messages). */
uint64_t
maildir_index_checksum(const void *data, size_t len)
{
	const unsigned char *p = data;
	/* four independent lanes: no multiply waits for the previous */
	uint64_t h[4] = { 0x9e3779b97f4a7c15ULL ^ (uint64_t)len,
	    0xbf58476d1ce4e5b9ULL, 0x94d049bb133111ebULL,
	    0x2545f4914f6cdd1dULL };
	uint64_t w[4], r;
	size_t i, k;

	for (i = 0; i + 32 <= len; i += 32) {
		memcpy(w, p + i, 32);
		for (k = 0; k < 4; k++) {
			h[k] = (h[k] ^ w[k]) * 0xff51afd7ed558ccdULL;
			h[k] ^= h[k] >> 32;
		}
	}
	r = h[0] ^ (h[1] * 0xc4ceb9fe1a85ec53ULL) ^ (h[2] >> 7) ^
	    (h[3] * 0x9e3779b97f4a7c15ULL);
	for (; i < len; i++)
		r = (r ^ p[i]) * 0x100000001b3ULL;
	r *= 0xc4ceb9fe1a85ec53ULL;
	return r ^ (r >> 29);
}

/* Fault in the pages of a large fresh allocation in one system call
 * rather than one fault a page (a fault is what costs most on a VM);
 * a kernel without MADV_POPULATE_WRITE (Linux < 5.14) just faults. */
static void
prefault(void *p, size_t len)
{
#ifdef MADV_POPULATE_WRITE
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = ((uintptr_t)p + page - 1) & ~(page - 1);
	uintptr_t end = ((uintptr_t)p + len) & ~(page - 1);

	if (end > start)
		(void)madvise((void *)start, end - start, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)len;
#endif
}

/* parsing */

/* A NUL-terminated string of len bytes at off in the table, without an
 * inner NUL. */
static const char *
table_str(const char *table, uint32_t table_len, uint32_t off, uint32_t len)
{
	if (off >= table_len || len >= table_len - off ||
	    table[off + len] != '\0' || memchr(table + off, '\0', len) != NULL)
		return NULL;
	return table + off;
}

/* The file name of len bytes at off: NUL-terminated right there, not
 * empty, no leading '.', no '/', NUL or other control character (what
 * a scan accepts, and nothing that leaves the folder); NULL if not. */
static const char *
table_name(const char *table, uint32_t table_len, uint32_t off,
	uint32_t len)
{
	const unsigned char *p = (const unsigned char *)table + off;
	uint32_t i;

	if (off >= table_len || len == 0 || len >= table_len - off ||
	    p[len] != '\0' || p[0] == '.')
		return NULL;
	for (i = 0; i < len; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f || p[i] == '/')
			return NULL;
	}
	return (const char *)p;
}

/* Maildir flag letters only (keywords are 'a'..'z'). */
static bool
flags_ok(const char *flags)
{
	for (; *flags != '\0'; flags++) {
		if (!((*flags >= 'A' && *flags <= 'Z') ||
		    (*flags >= 'a' && *flags <= 'z')))
			return false;
	}
	return true;
}

static int
parse_fail(const char **error_r, const char *what)
{
	*error_r = what;
	return -1;
}

/* The header's stamps into s (trusted). -1 when one is malformed. */
static int
stamp_from_header(const struct index_header *h, struct maildir_stamp *s)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < MAILDIR_STAMP_COUNT; i++) {
		struct maildir_stamp_entry *e = &s->e[i];
		const struct index_stamp *x = &h->stamp[i];

		if (x->exists > 1)
			return -1;
		e->exists = x->exists != 0;
		e->dev = (dev_t)x->dev;
		e->ino = (ino_t)x->ino;
		e->size = (off_t)x->size;
		e->mtime.tv_sec = (time_t)x->mtime_sec;
		e->mtime.tv_nsec = (long)x->mtime_nsec;
		e->ctime.tv_sec = (time_t)x->ctime_sec;
		e->ctime.tv_nsec = (long)x->ctime_nsec;
	}
	s->trusted = true;
	return 0;
}

/* Do the stamps of the index at data (unchecked: a false match only
 * costs the full parse) equal want's? */
static bool
stamps_match(struct span data, const struct maildir_stamp *want)
{
	struct maildir_stamp s;
	struct index_header h;
	size_t i;

	if (data.len < sizeof(h))
		return false;
	memcpy(&h, data.p, sizeof(h));
	if (h.magic != INDEX_MAGIC || h.version != MAILDIR_INDEX_VERSION ||
	    stamp_from_header(&h, &s) < 0)
		return false;
	for (i = 0; i < MAILDIR_STAMP_COUNT; i++) {
		const struct maildir_stamp_entry *x = &s.e[i];
		const struct maildir_stamp_entry *y = &want->e[i];

		if (x->exists != y->exists)
			return false;
		if (x->exists && (x->dev != y->dev || x->ino != y->ino ||
		    x->size != y->size ||
		    x->mtime.tv_sec != y->mtime.tv_sec ||
		    x->mtime.tv_nsec != y->mtime.tv_nsec ||
		    x->ctime.tv_sec != y->ctime.tv_sec ||
		    x->ctime.tv_nsec != y->ctime.tv_nsec))
			return false;
	}
	return true;
}

int
maildir_index_parse(struct span data, struct maildir_index *idx_r,
	const char **error_r)
{
	const unsigned char *p = (const unsigned char *)data.p;
	struct index_header h;
	uint64_t sum, need, max_modseq = 0;
	const char *table;
	size_t off, i, block;

	memset(idx_r, 0, sizeof(*idx_r));
	modseq_init(&idx_r->modseq);
	if (data.len < sizeof(h) + sizeof(sum))
		return parse_fail(error_r, "index: too short");
	memcpy(&h, p, sizeof(h));
	if (h.magic != INDEX_MAGIC)
		return parse_fail(error_r, "index: bad magic");
	if (h.version != MAILDIR_INDEX_VERSION)
		return parse_fail(error_r, "index: other version");
	if (h.file_size != data.len)
		return parse_fail(error_r, "index: size mismatch");
	need = (uint64_t)sizeof(h) + (uint64_t)h.count * sizeof(struct index_rec) +
	    (uint64_t)h.n_expunged * sizeof(struct index_expunged) +
	    h.strings_len + sizeof(sum);
	if (need != data.len)
		return parse_fail(error_r, "index: counts do not fit the size");
	memcpy(&sum, p + data.len - sizeof(sum), sizeof(sum));
	if (sum != maildir_index_checksum(p, data.len - sizeof(sum)))
		return parse_fail(error_r, "index: bad checksum");
	if (h.uid_validity == 0 || h.next_uid == 0 || h.highest == 0 ||
	    h.highest > MODSEQ_VALUE_MAX || h.floor > h.highest)
		return parse_fail(error_r, "index: bad header");
	if (h.n_expunged > MODSEQ_EXPUNGED_MAX)
		return parse_fail(error_r, "index: expunge log too long");
	for (i = 0; i < sizeof(h.guid); i++) {
		if (h.guid[i] < 0x21 || h.guid[i] > 0x7e)
			return parse_fail(error_r, "index: bad guid");
	}
	off = sizeof(h) + (size_t)h.count * sizeof(struct index_rec) +
	    (size_t)h.n_expunged * sizeof(struct index_expunged);
	if (h.strings_len > 0 && p[off + h.strings_len - 1] != '\0')
		return parse_fail(error_r, "index: string table not ended");
	/* one block: the records, then the strings they point to */
	block = h.count * sizeof(*idx_r->mails);
	idx_r->mails = xmalloc(block + h.strings_len + 1);
	prefault(idx_r->mails, block + h.strings_len + 1);
	memset(idx_r->mails, 0, block);
	table = (const char *)idx_r->mails + block;
	memcpy((char *)table, p + off, h.strings_len);
	((char *)table)[h.strings_len] = '\0';
	idx_r->count = h.count;
	for (i = 0; i < KEYWORDS_MAX; i++) {
		uint32_t ko = h.keywords[i];
		const char *kw;

		if (ko == INDEX_NONE)
			continue;
		if (ko >= h.strings_len)
			goto bad_keyword;
		/* the table ends with a NUL (checked above) */
		kw = table_str(table, h.strings_len, ko,
		    (uint32_t)strnlen(table + ko, h.strings_len - ko));
		if (kw == NULL || !keywords_name_valid(kw))
			goto bad_keyword;
		idx_r->keywords[i] = kw;
	}
	if (stamp_from_header(&h, &idx_r->stamp) < 0) {
		maildir_index_clear(idx_r);
		return parse_fail(error_r, "index: bad stamp");
	}
	idx_r->stamp.trusted = true;
	off = sizeof(h);
	for (i = 0; i < h.count; i++, off += sizeof(struct index_rec)) {
		struct maildir_mail *m = &idx_r->mails[i];
		struct index_rec r;

		memcpy(&r, p + off, sizeof(r));
		if (r.uid == 0 || r.uid >= h.next_uid ||
		    (i > 0 && r.uid <= idx_r->mails[i - 1].uid) ||
		    r.in_new > 1 || r.modseq == 0 || r.modseq > h.highest ||
		    r.flags_len >= MAILDIR_FLAGS_MAX ||
		    r.name_len > MAILDIR_NAME_MAX)
			goto bad_rec;
		m->uid = r.uid;
		m->keywords = r.keywords;
		m->size = r.size;
		m->vsize = r.vsize;
		m->modseq = r.modseq;
		m->in_new = r.in_new != 0;
		m->basename = (char *)table_name(table, h.strings_len,
		    r.name_off, r.name_len);
		m->flags = table_str(table, h.strings_len, r.flags_off,
		    r.flags_len);
		if (m->basename == NULL || m->flags == NULL ||
		    !flags_ok(m->flags))
			goto bad_rec;
		if (r.modseq > max_modseq)
			max_modseq = r.modseq;
	}
	idx_r->modseq.expunged = xcalloc(h.n_expunged > 0 ? h.n_expunged : 1,
	    sizeof(*idx_r->modseq.expunged));
	idx_r->modseq.n_expunged = idx_r->modseq.cap_expunged = h.n_expunged;
	for (i = 0; i < h.n_expunged; i++) {
		struct index_expunged x;

		memcpy(&x, p + off, sizeof(x));
		off += sizeof(x);
		if (x.uid == 0 || x.uid >= h.next_uid || x.modseq > h.highest) {
			maildir_index_clear(idx_r);
			return parse_fail(error_r, "index: bad expunge entry");
		}
		idx_r->modseq.expunged[i].uid = x.uid;
		idx_r->modseq.expunged[i].modseq = x.modseq;
	}
	idx_r->uid_validity = h.uid_validity;
	idx_r->next_uid = h.next_uid;
	memcpy(idx_r->guid, h.guid, sizeof(h.guid));
	idx_r->guid[sizeof(h.guid)] = '\0';
	idx_r->modseq.uid_validity = h.modseq_uid_validity;
	idx_r->modseq.highest = h.highest;
	idx_r->modseq.floor = h.floor;
	return 0;
bad_rec:
	maildir_index_clear(idx_r);
	return parse_fail(error_r, "index: bad record");
bad_keyword:
	maildir_index_clear(idx_r);
	return parse_fail(error_r, "index: bad keyword");
}

void
maildir_index_clear(struct maildir_index *idx)
{
	free(idx->mails);
	idx->mails = NULL;
	idx->count = 0;
	free(idx->modseq.expunged);
	idx->modseq.expunged = NULL;
	idx->modseq.n_expunged = idx->modseq.cap_expunged = 0;
}

/* formatting */

/* Does m's flags string end its name (then it needs no string)? */
static bool
flags_in_name(const struct maildir_mail *m, size_t name_len,
	size_t flags_len)
{
	return m->flags >= m->basename &&
	    m->flags + flags_len == m->basename + name_len;
}

/* Add s (len bytes) to the table at *off_r; its offset. */
static uint32_t
table_add(char *table, size_t *off_r, const char *s, size_t len)
{
	uint32_t off = (uint32_t)*off_r;

	memcpy(table + off, s, len);
	table[off + len] = '\0';
	*off_r += len + 1;
	return off;
}

char *
maildir_index_format(const struct maildir_mailbox *mb,
	const struct maildir_stamp *stamp, size_t *len_r)
{
	const struct modseq_state *ms = &mb->modseq;
	struct index_header h;
	struct index_rec *recs;
	struct index_expunged *xs;
	size_t i, table_len = 0, toff = 0, len;
	char *out, *table;
	uint64_t sum;

	/* sized exactly first: one block, written by one write() */
	for (i = 0; i < KEYWORDS_MAX; i++) {
		if (mb->keywords.names[i] != NULL)
			table_len += strlen(mb->keywords.names[i]) + 1;
	}
	for (i = 0; i < mb->count; i++) {
		const struct maildir_mail *m = &mb->mails[i];
		size_t name_len = strlen(m->basename);
		size_t flags_len = strlen(m->flags);

		table_len += name_len + 1;
		if (!flags_in_name(m, name_len, flags_len))
			table_len += flags_len + 1;
	}
	if (table_len > UINT32_MAX)
		tern_panic("index: string table too large");
	len = sizeof(h) + mb->count * sizeof(*recs) +
	    ms->n_expunged * sizeof(*xs) + table_len + sizeof(sum);
	out = xmalloc(len);
	prefault(out, len);
	/* UNSAFE: the parts below add up to len, computed above */
	recs = (struct index_rec *)(void *)(out + sizeof(h));
	xs = (struct index_expunged *)(void *)(recs + mb->count);
	table = (char *)(xs + ms->n_expunged);

	memset(&h, 0, sizeof(h));
	h.magic = INDEX_MAGIC;
	h.version = MAILDIR_INDEX_VERSION;
	h.file_size = len;
	h.uid_validity = mb->uid_validity;
	h.next_uid = mb->next_uid;
	memcpy(h.guid, mb->guid, sizeof(h.guid));
	h.modseq_uid_validity = ms->uid_validity;
	h.count = (uint32_t)mb->count;
	h.highest = ms->highest;
	h.floor = ms->floor;
	h.n_expunged = (uint32_t)ms->n_expunged;
	h.strings_len = (uint32_t)table_len;
	for (i = 0; i < KEYWORDS_MAX; i++) {
		const char *kw = mb->keywords.names[i];

		h.keywords[i] = kw == NULL ? INDEX_NONE :
		    table_add(table, &toff, kw, strlen(kw));
	}
	for (i = 0; i < MAILDIR_STAMP_COUNT; i++) {
		const struct maildir_stamp_entry *e = &stamp->e[i];
		struct index_stamp *st = &h.stamp[i];

		if (!e->exists)
			continue;
		st->exists = 1;
		st->dev = (uint64_t)e->dev;
		st->ino = (uint64_t)e->ino;
		st->size = (uint64_t)e->size;
		st->mtime_sec = (int64_t)e->mtime.tv_sec;
		st->mtime_nsec = (int64_t)e->mtime.tv_nsec;
		st->ctime_sec = (int64_t)e->ctime.tv_sec;
		st->ctime_nsec = (int64_t)e->ctime.tv_nsec;
	}
	memcpy(out, &h, sizeof(h));
	for (i = 0; i < mb->count; i++) {
		const struct maildir_mail *m = &mb->mails[i];
		size_t name_len = strlen(m->basename);
		size_t flags_len = strlen(m->flags);
		struct index_rec r;

		memset(&r, 0, sizeof(r));
		r.uid = m->uid;
		r.keywords = m->keywords;
		r.size = m->size;
		r.vsize = m->vsize;
		r.modseq = m->modseq;
		r.in_new = m->in_new ? 1 : 0;
		r.name_off = table_add(table, &toff, m->basename, name_len);
		r.name_len = (uint32_t)name_len;
		/* the flags are usually the end of the name */
		if (flags_in_name(m, name_len, flags_len))
			r.flags_off = r.name_off +
			    (uint32_t)(m->flags - m->basename);
		else
			r.flags_off = table_add(table, &toff, m->flags,
			    flags_len);
		r.flags_len = (uint16_t)flags_len;
		memcpy(&recs[i], &r, sizeof(r));
	}
	for (i = 0; i < ms->n_expunged; i++) {
		struct index_expunged x;

		memset(&x, 0, sizeof(x));
		x.uid = ms->expunged[i].uid;
		x.modseq = ms->expunged[i].modseq;
		memcpy(&xs[i], &x, sizeof(x));
	}
	assert(toff == table_len);
	sum = maildir_index_checksum(out, len - sizeof(sum));
	memcpy(out + len - sizeof(sum), &sum, sizeof(sum));
	*len_r = len;
	return out;
}

/* files */

int
maildir_index_read(const char *folder, const struct maildir_stamp *want,
	struct maildir_index *idx_r, const char **error_r)
{
	char path[MAILDIR_PATH_MAX];
	struct stat st;
	void *map;
	int fd, ret;

	if (maildir_path(path, sizeof(path), "%s/" MAILDIR_INDEX_FILE_NAME,
	    folder) < 0) {
		*error_r = "index: path too long";
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*error_r = errno == ENOENT ? "index: none" :
		    "index: unreadable";
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > MAILDIR_INDEX_FILE_MAX) {
		(void)close(fd);
		*error_r = "index: not a file of a usable size";
		return -1;
	}
	/* mapped, not read: no copy and no fault a page (it is replaced
	 * only by rename, never truncated in place); the strings are
	 * copied out, and the mapping dropped, before we return */
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	(void)close(fd);
	if (map == MAP_FAILED) {
		*error_r = "index: unreadable";
		return -1;
	}
	/* a stale index (the usual miss) costs one page, not a parse */
	if (want != NULL && !stamps_match(span_make(map,
	    (size_t)st.st_size), want)) {
		(void)munmap(map, (size_t)st.st_size);
		*error_r = "index: stale";
		return -1;
	}
#ifdef MADV_POPULATE_READ
	(void)madvise(map, (size_t)st.st_size, MADV_POPULATE_READ);
#endif
	ret = maildir_index_parse(span_make(map, (size_t)st.st_size), idx_r,
	    error_r);
	(void)munmap(map, (size_t)st.st_size);
	return ret;
}

int
maildir_index_write(const struct maildir_mailbox *mb,
	const struct maildir_stamp *stamp, const char **error_r)
{
	char path[MAILDIR_PATH_MAX], tmp[MAILDIR_PATH_MAX];
	char *out;
	ssize_t n;
	size_t done = 0, len;
	int fd, e;

	if (maildir_path(path, sizeof(path), "%s/" MAILDIR_INDEX_FILE_NAME,
	    mb->path) < 0 ||
	    maildir_path(tmp, sizeof(tmp), "%s/" MAILDIR_INDEX_FILE_NAME
	    ".tmp", mb->path) < 0) {
		errno = ENAMETOOLONG;
		*error_r = "index: path too long";
		return -1;
	}
	out = maildir_index_format(mb, stamp, &len);
	/* the folder lock makes us the only writer of tmp */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		e = errno;
		free(out);
		maildir_index_remove(mb->path);
		errno = e;
		snprintf(index_error, sizeof(index_error),
		    "index: open %s: %s", tmp, strerror(e));
		*error_r = index_error;
		return -1;
	}
	while (done < len) {
		n = write(fd, out + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	e = done == len ? 0 : (errno != 0 ? errno : EIO);
	free(out);
	if (close(fd) < 0 && e == 0)
		e = errno;
	if (e == 0 && rename(tmp, path) < 0)
		e = errno;
	if (e != 0) {
		(void)unlink(tmp);
		maildir_index_remove(mb->path);
		snprintf(index_error, sizeof(index_error),
		    "index: write %s: %s", path, strerror(e));
		*error_r = index_error;
		errno = e;
		return -1;
	}
	return 0;
}

void
maildir_index_remove(const char *folder)
{
	char path[MAILDIR_PATH_MAX];

	if (maildir_path(path, sizeof(path), "%s/" MAILDIR_INDEX_FILE_NAME,
	    folder) == 0)
		(void)unlink(path);
}
