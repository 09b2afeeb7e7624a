/* SPDX-License-Identifier: MIT */
/*
 * maildir_index: the persistent view of a Maildir folder (see
 * maildir_index.h). The parser trusts nothing: every count is checked
 * against the size, every offset against the string table, and the
 * whole against a checksum, so that a torn or foreign file is only ever
 * ignored. The records are struct maildir_mail as they are in memory,
 * used in place (the view is the mapping); the header and the expunge
 * log are read with memcpy. The string table has a checksum of its own
 * and is checked only when a name is first needed: a SELECT touches no
 * page of it (on a VM each page touched first costs microseconds).
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
	/* the string table: the keywords' names (keywords_len bytes),
	 * then the file names and flags, which have a checksum of their
	 * own (names_sum); the file's last 8 bytes are that of all before
	 * the file names */
	uint32_t keywords_len;
	uint32_t pad;
	uint64_t names_sum;
};

struct index_expunged {
	uint32_t uid;
	uint32_t pad;
	uint64_t modseq;
};

/* The records follow the header, 8-byte aligned in a mapping. */
_Static_assert(sizeof(struct index_header) % 8 == 0, "header size");
_Static_assert(sizeof(struct maildir_mail) == 56, "record layout");

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

/* Maildir flag letters only (keywords are 'a'..'z'), and the capitals
 * among them those of the mask. */
static bool
flags_ok(const char *flags, uint32_t capitals)
{
	uint32_t seen = 0;

	for (; *flags != '\0'; flags++) {
		if (*flags >= 'A' && *flags <= 'Z')
			seen |= 1u << (*flags - 'A');
		else if (!(*flags >= 'a' && *flags <= 'z'))
			return false;
	}
	return seen == capitals;
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
	const struct maildir_mail *recs;
	struct index_header h;
	uint64_t sum, need;
	const char *table;
	size_t off, i;

	memset(idx_r, 0, sizeof(*idx_r));
	modseq_init(&idx_r->modseq);
	if (data.len < sizeof(h) + sizeof(sum))
		return parse_fail(error_r, "index: too short");
	/* the records are used where they are */
	if ((uintptr_t)p % _Alignof(struct maildir_mail) != 0)
		return parse_fail(error_r, "index: not aligned");
	memcpy(&h, p, sizeof(h));
	if (h.magic != INDEX_MAGIC)
		return parse_fail(error_r, "index: bad magic");
	if (h.version != MAILDIR_INDEX_VERSION)
		return parse_fail(error_r, "index: other version");
	if (h.file_size != data.len)
		return parse_fail(error_r, "index: size mismatch");
	need = (uint64_t)sizeof(h) +
	    (uint64_t)h.count * sizeof(struct maildir_mail) +
	    (uint64_t)h.n_expunged * sizeof(struct index_expunged) +
	    h.strings_len + sizeof(sum);
	if (need != data.len)
		return parse_fail(error_r, "index: counts do not fit the size");
	off = sizeof(h) + (size_t)h.count * sizeof(struct maildir_mail) +
	    (size_t)h.n_expunged * sizeof(struct index_expunged);
	if (h.keywords_len > h.strings_len)
		return parse_fail(error_r, "index: bad keywords length");
	/* all but the file names: those are checked when one is read
	 * (maildir_index_check_names()) */
	memcpy(&sum, p + data.len - sizeof(sum), sizeof(sum));
	if (sum != maildir_index_checksum(p, off + h.keywords_len))
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
	table = (const char *)p + off;
	if ((h.strings_len > 0 && table[h.strings_len - 1] != '\0') ||
	    (h.keywords_len > 0 && table[h.keywords_len - 1] != '\0'))
		return parse_fail(error_r, "index: string table not ended");
	for (i = 0; i < KEYWORDS_MAX; i++) {
		uint32_t ko = h.keywords[i];
		const char *kw;

		if (ko == INDEX_NONE)
			continue;
		if (ko >= h.keywords_len)
			return parse_fail(error_r, "index: bad keyword");
		/* the keywords' part ends with a NUL (checked above) */
		kw = table_str(table, h.keywords_len, ko,
		    (uint32_t)strnlen(table + ko, h.keywords_len - ko));
		if (kw == NULL || !keywords_name_valid(kw))
			return parse_fail(error_r, "index: bad keyword");
		idx_r->keywords[i] = kw;
	}
	if (stamp_from_header(&h, &idx_r->stamp) < 0)
		return parse_fail(error_r, "index: bad stamp");
	idx_r->stamp.trusted = true;
	/* UNSAFE: aligned (checked above) and within data (need) */
	recs = (const struct maildir_mail *)(const void *)(p + sizeof(h));
	for (i = 0; i < h.count; i++) {
		const struct maildir_mail *r = &recs[i];

		/* each string within the table (which ends with a NUL):
		 * what it holds is checked with the table */
		if (r->uid == 0 || r->uid >= h.next_uid ||
		    (i > 0 && r->uid <= recs[i - 1].uid) ||
		    r->in_new > 1 || r->modseq == 0 || r->modseq > h.highest ||
		    r->flags_len >= MAILDIR_FLAGS_MAX ||
		    r->name_len > MAILDIR_NAME_MAX ||
		    r->name < h.keywords_len || r->name >= h.strings_len ||
		    r->name_len >= h.strings_len - r->name ||
		    r->flags < h.keywords_len || r->flags >= h.strings_len ||
		    r->flags_len >= h.strings_len - r->flags ||
		    (r->capitals >> 26) != 0 || (r->keywords >> 26) != 0)
			return parse_fail(error_r, "index: bad record");
	}
	idx_r->mails = recs;
	idx_r->count = h.count;
	idx_r->names_base = (uintptr_t)table;
	idx_r->keywords_len = h.keywords_len;
	idx_r->names_len = h.strings_len;
	idx_r->names_sum = h.names_sum;
	off = sizeof(h) + (size_t)h.count * sizeof(struct maildir_mail);
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
}

int
maildir_index_check_names(const struct maildir_mail *mails, size_t count,
	uintptr_t names_base, size_t keywords_len, size_t names_len,
	uint64_t names_sum)
{
	const char *table = (const char *)names_base;
	size_t i;

	if (maildir_index_checksum(table + keywords_len,
	    names_len - keywords_len) != names_sum)
		return -1;
	for (i = 0; i < count; i++) {
		const struct maildir_mail *r = &mails[i];
		const char *flags;

		/* parse checked that the offsets fit in 32 bits */
		flags = table_str(table, (uint32_t)names_len,
		    (uint32_t)r->flags, r->flags_len);
		if (table_name(table, (uint32_t)names_len, (uint32_t)r->name,
		    r->name_len) == NULL || flags == NULL ||
		    !flags_ok(flags, r->capitals) ||
		    keywords_mask_from_flags(flags) != r->keywords)
			return -1;
	}
	return 0;
}

void
maildir_index_clear(struct maildir_index *idx)
{
	idx->mails = NULL;
	idx->count = 0;
	if (idx->map != NULL)
		(void)munmap(idx->map, idx->map_len);
	idx->map = NULL;
	idx->map_len = 0;
	free(idx->modseq.expunged);
	idx->modseq.expunged = NULL;
	idx->modseq.n_expunged = idx->modseq.cap_expunged = 0;
}

/* formatting */

/* Do flags (flags_len bytes) end name (name_len bytes)? Then they need
 * no string of their own. */
static bool
flags_in_name(const char *name, size_t name_len, const char *flags,
	size_t flags_len)
{
	return flags_len <= name_len &&
	    (uintptr_t)flags == (uintptr_t)name + name_len - flags_len;
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
	struct maildir_mail *recs;
	struct index_expunged *xs;
	size_t i, table_len = 0, toff = 0, len;
	char *out, *table;

	/* sized exactly first: one block, written by one write() */
	for (i = 0; i < KEYWORDS_MAX; i++) {
		if (mb->keywords.names[i] != NULL)
			table_len += strlen(mb->keywords.names[i]) + 1;
	}
	for (i = 0; i < mb->count; i++) {
		const struct maildir_mail *m = &mb->mails[i];
		const char *name = maildir_mail_name(mb, m);
		const char *flags = maildir_mail_flags(mb, m);
		size_t name_len = strlen(name), flags_len = strlen(flags);

		table_len += name_len + 1;
		if (!flags_in_name(name, name_len, flags, flags_len))
			table_len += flags_len + 1;
	}
	if (table_len > UINT32_MAX)
		tern_panic("index: string table too large");
	/* the last 8 bytes: the checksum (maildir_index_seal()) */
	len = sizeof(h) + mb->count * sizeof(*recs) +
	    ms->n_expunged * sizeof(*xs) + table_len + sizeof(uint64_t);
	out = xmalloc(len);
	prefault(out, len);
	/* UNSAFE: the parts below add up to len, computed above */
	recs = (struct maildir_mail *)(void *)(out + sizeof(h));
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
	h.keywords_len = (uint32_t)toff;
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
	for (i = 0; i < mb->count; i++) {
		const struct maildir_mail *m = &mb->mails[i];
		const char *name = maildir_mail_name(mb, m);
		const char *flags = maildir_mail_flags(mb, m);
		size_t name_len = strlen(name), flags_len = strlen(flags);
		struct maildir_mail r;

		memset(&r, 0, sizeof(r));
		r.uid = m->uid;
		r.keywords = m->keywords;
		r.size = m->size;
		r.vsize = m->vsize;
		r.modseq = m->modseq;
		r.in_new = m->in_new ? 1 : 0;
		r.capitals = m->capitals;
		r.name = table_add(table, &toff, name, name_len);
		r.name_len = (uint16_t)name_len;
		/* the flags are usually the end of the name */
		if (flags_in_name(name, name_len, flags, flags_len))
			r.flags = r.name + name_len - flags_len;
		else
			r.flags = table_add(table, &toff, flags, flags_len);
		r.flags_len = (uint8_t)flags_len;
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
	memcpy(out, &h, sizeof(h));
	maildir_index_seal(out, len);
	*len_r = len;
	return out;
}

void
maildir_index_seal(void *data, size_t len)
{
	unsigned char *p = data;
	struct index_header h;
	uint64_t sum, table, hot, room;

	if (len < sizeof(h) + sizeof(sum))
		return;
	memcpy(&h, p, sizeof(h));
	h.file_size = len;
	room = len - sizeof(sum);
	table = sizeof(h) + (uint64_t)h.count * sizeof(struct maildir_mail) +
	    (uint64_t)h.n_expunged * sizeof(struct index_expunged);
	hot = room;
	if (table <= room && h.keywords_len <= room - table) {
		hot = table + h.keywords_len;
		if (h.strings_len >= h.keywords_len &&
		    h.strings_len <= room - table)
			h.names_sum = maildir_index_checksum(p + hot,
			    h.strings_len - h.keywords_len);
	}
	memcpy(p, &h, sizeof(h));
	sum = maildir_index_checksum(p, (size_t)hot);
	memcpy(p + room, &sum, sizeof(sum));
}

/* files */

int
maildir_index_read(const char *folder, const struct maildir_stamp *want,
	struct maildir_index *idx_r, const char **error_r)
{
	char path[MAILDIR_PATH_MAX];
	struct stat st;
	void *map;
	int fd;

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
	/* mapped, not read: the records are used in place, so a session
	 * touches no memory of its own for them. Private and writable:
	 * an expunge or a flag change writes to a copy of that page only,
	 * never to the file. The file is replaced only by rename, never
	 * truncated in place (which would fault a reader). */
	map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE, fd, 0);
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
	if (maildir_index_parse(span_make(map, (size_t)st.st_size), idx_r,
	    error_r) < 0) {
		(void)munmap(map, (size_t)st.st_size);
		return -1;
	}
	idx_r->map = map;
	idx_r->map_len = (size_t)st.st_size;
	return 0;
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
