/* SPDX-License-Identifier: MIT */
/*
 * maildir_mailbox: sync a Maildir folder with its dovecot-uidlist under
 * the uidlist dotlock and present it in UID order. Invariants: a UID is
 * given once and never reused (next_uid only grows); records whose file
 * is gone in two scans are dropped; UIDVALIDITY changes never. A sync
 * is skipped only when its stamp (maildir_mailbox.h) shows that none of
 * its inputs can have changed. Scanned names are matched to records by
 * a hash of the base name, once per sync; the view's strings live in
 * the scan's arena.
 */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "maildir.h"
#include "fileio.h"
#include "log.h"
#include "maildir_index.h"
#include "maildir_mailbox.h"
#include "maildir_recent.h"
#include "str.h"
#include "uidlist.h"
#include "xmalloc.h"
#include "tern.h"

/* Buffer for counting LFs when no W= is known. */
#define VSIZE_READ_BUF 65536
/* No scan entry (a record whose file is gone). */
#define SCAN_NONE UINT32_MAX
/* Most scanned names a folder may hold (the hash uses 32-bit indices). */
#define SCAN_ENTRIES_MAX (UINT32_MAX / 4)

struct scan_entry {
	char *name;
	uint32_t base_len;
	uint32_t hash;
	uint32_t next;		/* hash chain */
	bool in_new;
	bool matched;
	bool dup;		/* base also seen elsewhere: ignored */
};

struct scan {
	struct scan_entry *e;
	size_t count, cap;
	uint32_t *heads;	/* n_heads (a power of 2) chain heads */
	size_t n_heads;
	struct arena *arena;	/* names; becomes the view's arena */
	size_t moved;		/* files moved new/ -> cur/ */
};

static char mailbox_error[MAILDIR_PATH_MAX + 128];

static int
fail(enum tern_err *err_r, const char **error_r, enum tern_err err,
	const char *what, const char *path, int e)
{
	snprintf(mailbox_error, sizeof(mailbox_error), "maildir: %s %s: %s",
	    what, path, strerror(e));
	*err_r = err;
	*error_r = mailbox_error;
	return -1;
}

/* stamps */

static const char *const stamp_names[MAILDIR_STAMP_COUNT] = {
	[MAILDIR_STAMP_NEW] = "new",
	[MAILDIR_STAMP_CUR] = "cur",
	[MAILDIR_STAMP_UIDLIST] = UIDLIST_FILE_NAME,
	[MAILDIR_STAMP_KEYWORDS] = KEYWORDS_FILE_NAME,
	[MAILDIR_STAMP_MODSEQ] = MODSEQ_FILE_NAME,
};

static bool
time_recent(const struct timespec *t, const struct timespec *now)
{
	return t->tv_sec > now->tv_sec - MAILDIR_STAMP_SAFE_SECS;
}

/* Stat what a sync reads. Taken before reading it: a change after the
 * stamp shows in the next one, provided the stamp is trusted. */
static void
stamp_take(const char *folder, struct maildir_stamp *s)
{
	char path[MAILDIR_PATH_MAX];
	struct stat st;
	size_t i;

	memset(s, 0, sizeof(*s));
	/* trusted here means only "every stat worked"; the age test
	 * comes once the sync knows which files it holds open */
	s->trusted = clock_gettime(CLOCK_REALTIME, &s->taken) == 0;
	for (i = 0; i < MAILDIR_STAMP_COUNT; i++) {
		struct maildir_stamp_entry *e = &s->e[i];

		if (maildir_path(path, sizeof(path), "%s/%s", folder,
		    stamp_names[i]) < 0) {
			s->trusted = false;
			continue;
		}
		if (stat(path, &st) < 0) {
			if (errno != ENOENT)
				s->trusted = false;
			continue;	/* absent: creating it shows */
		}
		e->exists = true;
		e->dev = st.st_dev;
		e->ino = st.st_ino;
		e->size = st.st_size;
		e->mtime = st.st_mtim;
		e->ctime = st.st_ctim;
	}
}

/* The stamp of a file only ever replaced by rename under the lock,
 * while we hold the lock: its current version, held open in mb. */
static void
stamp_pin(struct maildir_mailbox *mb, struct maildir_stamp *s,
	enum maildir_stamp_file i)
{
	struct maildir_stamp_entry *e = &s->e[i];
	char path[MAILDIR_PATH_MAX];
	struct stat st;
	int fd = -1;

	if (mb->pin_fd[i] >= 0) {
		(void)close(mb->pin_fd[i]);
		mb->pin_fd[i] = -1;
	}
	memset(e, 0, sizeof(*e));
	if (maildir_path(path, sizeof(path), "%s/%s", mb->path,
	    stamp_names[i]) < 0) {
		s->trusted = false;
		return;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			s->trusted = false;
		return;		/* absent: creating it shows */
	}
	if (fstat(fd, &st) < 0) {
		(void)close(fd);
		s->trusted = false;
		return;
	}
	e->exists = true;
	e->pinned = true;
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	e->size = st.st_size;
	e->mtime = st.st_mtim;
	e->ctime = st.st_ctim;
	mb->pin_fd[i] = fd;
}

/* Trusted only when every unpinned mtime was old enough when the
 * stamp was taken (not now: a sync may take a while). */
static void
stamp_check_age(struct maildir_stamp *s)
{
	size_t i;

	for (i = 0; i < MAILDIR_STAMP_COUNT; i++) {
		if (s->e[i].exists && !s->e[i].pinned &&
		    time_recent(&s->e[i].mtime, &s->taken))
			s->trusted = false;
	}
}

/* For the index: every mtime, pinned or not, old enough when taken (a
 * later process does not hold the files open, so an inode may be
 * reused; a replacement made later has a later mtime). */
static bool
stamp_aged(const struct maildir_stamp *s)
{
	size_t i;

	if (!s->trusted)
		return false;
	for (i = 0; i < MAILDIR_STAMP_COUNT; i++) {
		if (s->e[i].exists && time_recent(&s->e[i].mtime, &s->taken))
			return false;
	}
	return true;
}

static bool
timespec_eq(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

static bool
stamp_equal(const struct maildir_stamp *a, const struct maildir_stamp *b)
{
	size_t i;

	for (i = 0; i < MAILDIR_STAMP_COUNT; i++) {
		const struct maildir_stamp_entry *x = &a->e[i], *y = &b->e[i];

		if (x->exists != y->exists)
			return false;
		if (!x->exists)
			continue;
		if (x->dev != y->dev || x->ino != y->ino ||
		    x->size != y->size || !timespec_eq(&x->mtime, &y->mtime) ||
		    !timespec_eq(&x->ctime, &y->ctime))
			return false;
	}
	return true;
}

/* scanning */

static bool
name_has_control(const char *name)
{
	for (; *name != '\0'; name++) {
		if ((unsigned char)*name < 0x20 || *name == 0x7f)
			return true;
	}
	return false;
}

/* FNV-1a of a base name */
static uint32_t
base_hash(const char *p, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= 16777619u;
	}
	return h;
}

static int
scan_dir(struct scan *sc, const char *folder, bool in_new)
{
	char path[MAILDIR_PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (maildir_path(path, sizeof(path), "%s/%s", folder,
	    in_new ? "new" : "cur") < 0)
		return -1;
	d = opendir(path);
	if (d == NULL)
		return errno == ENOENT ? 0 : -1;	/* no new/: empty */
	for (;;) {
		struct scan_entry *e;
		size_t len;

		/* errno tells the end from an error; set before each call
		 * since the allocations below may touch it */
		errno = 0;
		de = readdir(d);
		if (de == NULL)
			break;
		/* dot files are not messages (Maildir spec) */
		/* nor are names with control characters, which
		 * dovecot-uidlist cannot hold ("\n" would split the
		 * record) */
		if (de->d_name[0] == '.' || name_has_control(de->d_name))
			continue;
		if (sc->count == sc->cap) {
			if (sc->cap >= SCAN_ENTRIES_MAX) {
				(void)closedir(d);
				errno = EFBIG;
				return -1;
			}
			sc->cap = sc->cap == 0 ? 1024 : sc->cap * 2;
			sc->e = xreallocarray(sc->e, sc->cap, sizeof(*sc->e));
		}
		len = strlen(de->d_name);
		e = &sc->e[sc->count++];
		e->name = arena_strndup(sc->arena, de->d_name, len);
		e->base_len = (uint32_t)maildir_filename_base_len(e->name);
		e->hash = base_hash(e->name, e->base_len);
		e->in_new = in_new;
		e->matched = false;
		e->dup = false;
	}
	if (errno != 0) {
		int e = errno;

		(void)closedir(d);
		errno = e;
		return -1;
	}
	return closedir(d);
}

static struct scan_entry *
scan_lookup(const struct scan *sc, const char *base, size_t len,
	uint32_t hash)
{
	uint32_t i;

	for (i = sc->heads[hash & (sc->n_heads - 1)]; i != SCAN_NONE;
	    i = sc->e[i].next) {
		const struct scan_entry *e = &sc->e[i];

		if (e->hash == hash && e->base_len == len &&
		    memcmp(e->name, base, len) == 0)
			return &sc->e[i];
	}
	return NULL;
}

/* Index of the entry of a record's file name, or SCAN_NONE. */
static uint32_t
scan_find(const struct scan *sc, const char *name)
{
	size_t len = maildir_filename_base_len(name);
	const struct scan_entry *e = scan_lookup(sc, name, len,
	    base_hash(name, len));

	return e != NULL ? (uint32_t)(e - sc->e) : SCAN_NONE;
}

/* Scan new/ then cur/ (so that a file moving new -> cur meanwhile is
 * seen at least once) and hash the names by base. A base seen twice
 * (the same file in new/ and cur/ during a concurrent move) counts
 * once, as the cur/ one (moves go that way). */
static int
scan_folder(struct scan *sc, const char *folder)
{
	size_t i;

	sc->count = 0;
	if (scan_dir(sc, folder, true) < 0 || scan_dir(sc, folder, false) < 0)
		return -1;
	for (sc->n_heads = 16; sc->n_heads < sc->count * 2; )
		sc->n_heads *= 2;
	free(sc->heads);
	sc->heads = xreallocarray(NULL, sc->n_heads, sizeof(*sc->heads));
	memset(sc->heads, 0xff, sc->n_heads * sizeof(*sc->heads));
	for (i = 0; i < sc->count; i++) {
		struct scan_entry *e = &sc->e[i];
		struct scan_entry *old = scan_lookup(sc, e->name, e->base_len,
		    e->hash);
		uint32_t *head = &sc->heads[e->hash & (sc->n_heads - 1)];

		if (old == NULL) {
			e->next = *head;
			*head = (uint32_t)i;
			continue;
		}
		e->dup = true;
		if (old->in_new && !e->in_new) {
			/* the chain keeps its slot, with the cur/ name */
			char *name = old->name;

			old->name = e->name;
			old->in_new = false;
			e->name = name;
			e->in_new = true;
		}
	}
	return 0;
}

/* Delivery time of a name "<secs>.M<usec>...": secs * 1e6 + usec, or 0
 * for names of another form. */
static uint64_t
name_time(const char *name)
{
	char *end;
	unsigned long long secs, usec = 0;

	if (name[0] < '0' || name[0] > '9')
		return 0;
	secs = strtoull(name, &end, 10);
	if (*end != '.')
		return 0;
	if (end[1] == 'M' && end[2] >= '0' && end[2] <= '9')
		usec = strtoull(end + 2, NULL, 10) % 1000000;
	return (uint64_t)secs * 1000000 + usec;
}

/* Delivery order: by the time in the name (usec is not zero-padded,
 * so text order would be wrong), then by name. */
static int
new_entry_cmp(const void *pa, const void *pb)
{
	const struct scan_entry *const *a = pa, *const *b = pb;
	uint64_t ta = name_time((*a)->name), tb = name_time((*b)->name);

	if (ta != tb)
		return ta < tb ? -1 : 1;
	return strcmp((*a)->name, (*b)->name);
}

/* Move new/<name> to cur/<name>:2, and update e. */
static int
move_to_cur(const char *folder, struct scan *sc, struct scan_entry *e)
{
	char from[MAILDIR_PATH_MAX], to[MAILDIR_PATH_MAX];
	const char *info = strchr(e->name, ':') != NULL ? "" : ":2,";

	if (maildir_path(from, sizeof(from), "%s/new/%s", folder, e->name) < 0 ||
	    maildir_path(to, sizeof(to), "%s/cur/%s%s", folder, e->name,
	    info) < 0)
		return -1;
	if (rename(from, to) < 0)
		return errno == ENOENT ? 0 : -1;
	e->name = arena_printf(sc->arena, "%s%s", e->name, info);
	e->in_new = false;
	sc->moved++;
	return 0;
}

/* sizes */

/* The value of the uidlist record extension key ("S1000 W1024"). */
static int
ext_size(const char *ext, char key, uint64_t *v_r)
{
	const char *w = ext;

	while (w != NULL && *w != '\0') {
		size_t len = strcspn(w, " ");

		if (w[0] == key && len > 1 && parse_u64(span_make(w + 1,
		    len - 1), UINT64_MAX, v_r) == 0)
			return 0;
		w += len;
		while (*w == ' ')
			w++;
	}
	return -1;
}

/* The file's size and its size with CRLF line ends (RFC 9051's
 * RFC822.SIZE): a bare LF counts two. -1 when the file is gone. */
static int
count_sizes(const char *path, uint64_t *size_r, uint64_t *vsize_r)
{
	uint64_t size = 0, bare = 0;
	bool cr = false;
	ssize_t n, i;
	char *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	buf = xmalloc(VSIZE_READ_BUF);
	while ((n = read(fd, buf, VSIZE_READ_BUF)) > 0) {
		size += (uint64_t)n;
		for (i = 0; i < n; i++) {
			if (buf[i] == '\n' && !cr)
				bare++;
			cr = buf[i] == '\r';
		}
	}
	free(buf);
	(void)close(fd);
	if (n < 0)
		return -1;
	*size_r = size;
	*vsize_r = size + bare;
	return 0;
}

/*
 * The sizes of r's message: S= and W= from the name, else S and W of the
 * record, else counted, and then added to the record (as Dovecot does:
 * only for names without them) so that they are counted once. *added_r
 * is set when r->ext changed.
 */
static void
rec_sizes(const char *folder, struct uidlist *ul, struct uidlist_rec *r,
	const struct scan_entry *e, struct maildir_mail *ri, bool *added_r)
{
	char path[MAILDIR_PATH_MAX];
	bool have_s, have_w;
	uint64_t size, vsize;
	const char *sep;

	have_s = maildir_filename_size(e->name, 'S', &ri->size) == 0 ||
	    ext_size(r->ext, 'S', &ri->size) == 0;
	have_w = maildir_filename_size(e->name, 'W', &ri->vsize) == 0 ||
	    ext_size(r->ext, 'W', &ri->vsize) == 0;
	if (have_s && have_w)
		return;
	if (maildir_path(path, sizeof(path), "%s/%s/%s", folder,
	    e->in_new ? "new" : "cur", e->name) < 0 ||
	    count_sizes(path, &size, &vsize) < 0) {
		/* gone meanwhile: the next sync drops it */
		if (!have_s)
			ri->size = 0;
		if (!have_w)
			ri->vsize = ri->size;
		return;
	}
	if (!have_s)
		ri->size = size;
	if (!have_w)
		ri->vsize = vsize;
	sep = r->ext[0] != '\0' ? " " : "";
	if (!have_s && !have_w)
		r->ext = arena_printf(ul->arena, "%s%sS%llu W%llu", r->ext, sep,
		    (unsigned long long)size, (unsigned long long)vsize);
	else if (!have_s)
		r->ext = arena_printf(ul->arena, "%s%sS%llu", r->ext, sep,
		    (unsigned long long)size);
	else
		r->ext = arena_printf(ul->arena, "%s%sW%llu", r->ext, sep,
		    (unsigned long long)vsize);
	*added_r = true;
}

/* The sorted flag letters of name: a pointer into it when they are
 * already sorted (the usual case), else a copy in a. */
static const char *
name_flags(struct arena *a, const char *name)
{
	char norm[MAILDIR_FLAGS_MAX];
	const char *raw = maildir_filename_flags(name);
	size_t len = strcspn(raw, ",");

	if (maildir_filename_get_flags(name, norm, sizeof(norm)) < 0)
		return "";	/* foreign junk: no flags */
	if (strlen(norm) == len && memcmp(norm, raw, len) == 0 &&
	    raw[len] == '\0')
		return raw;
	return arena_strdup(a, norm);
}

/* The capital letters of flags as a mask (struct maildir_mail). */
static uint32_t
capitals_of(const char *flags)
{
	uint32_t mask = 0;

	for (; *flags != '\0'; flags++) {
		if (*flags >= 'A' && *flags <= 'Z')
			mask |= 1u << (*flags - 'A');
	}
	return mask;
}

/* Point m's strings at name and flags, relative to base (see struct
 * maildir_mail), and set its masks from flags. */
static void
mail_set_strings(struct maildir_mail *m, uintptr_t base, const char *name,
	const char *flags)
{
	m->name = (uint64_t)((uintptr_t)name - base);
	m->name_len = (uint16_t)strlen(name);
	m->flags = (uint64_t)((uintptr_t)flags - base);
	m->flags_len = (uint8_t)strlen(flags);
	m->capitals = capitals_of(flags);
	m->keywords = keywords_mask_from_flags(flags);
}

/* Drop the view's records: the index mapping, or the malloc()ed ones. */
static void
release_mails(struct maildir_mailbox *mb)
{
	if (mb->index_map != NULL)
		(void)munmap(mb->index_map, mb->index_map_len);
	else
		free(mb->mails);
	mb->index_map = NULL;
	mb->index_map_len = 0;
	mb->mails = NULL;
	mb->count = 0;
	mb->names_base = 0;
	mb->names_unchecked = false;
}

void
maildir_mailbox_check_names(const struct maildir_mailbox *cmb)
{
	/* the check is a cache of the (logically const) view's */
	struct maildir_mailbox *mb = (struct maildir_mailbox *)(uintptr_t)cmb;
	size_t i;

	if (!mb->names_unchecked)
		return;
	mb->names_unchecked = false;
	if (maildir_index_check_names(mb->mails, mb->count, mb->names_base,
	    mb->index_keywords_len, mb->index_names_len,
	    mb->index_names_sum) == 0)
		return;
	/* A damaged index: no name can be trusted (the flag masks can,
	 * under the other checksum). This view answers with errors until
	 * the next sync, a full one. */
	for (i = 0; i < mb->count; i++) {
		struct maildir_mail *m = &mb->mails[i];

		m->name = m->flags = (uint64_t)((uintptr_t)"" - mb->names_base);
		m->name_len = m->flags_len = 0;
	}
	maildir_index_remove(mb->path);
	mb->stamp.trusted = false;
}

/* the sync */

/* Match records to scanned files (entry[i]); true if every record was
 * found. */
static bool
match_records(const struct uidlist *ul, struct scan *sc, uint32_t *entry)
{
	bool all = true;
	size_t i;

	for (i = 0; i < sc->count; i++)
		sc->e[i].matched = false;
	for (i = 0; i < ul->count; i++) {
		uint32_t e = scan_find(sc, ul->recs[i].filename);

		entry[i] = e;
		if (e != SCAN_NONE)
			sc->e[e].matched = true;
		else
			all = false;
	}
	return all;
}

/* Drop the records whose file is gone, from ul and entry alike. */
static void
drop_vanished(struct uidlist *ul, uint32_t *entry)
{
	bool *keep = xcalloc(ul->count > 0 ? ul->count : 1, sizeof(*keep));
	size_t i, j = 0;

	for (i = 0; i < ul->count; i++) {
		keep[i] = entry[i] != SCAN_NONE;
		if (keep[i])
			entry[j++] = entry[i];
	}
	uidlist_filter(ul, keep);
	free(keep);
}

/* Bring the modseq file up to date with the records (all of which have
 * files now: exactly the messages build_view() will show). */
static int
sync_modseq(struct maildir_mailbox *mb, const struct uidlist *ul,
	const struct maildir_mail *mails, struct modseq_state *ms,
	enum tern_err *err_r, const char **error_r)
{
	char path[MAILDIR_PATH_MAX];
	struct modseq_current *cur;
	size_t i;
	bool lost;
	int ret = 0;

	if (maildir_path(path, sizeof(path), "%s/" MODSEQ_FILE_NAME,
	    mb->path) < 0)
		return fail(err_r, error_r, TERN_ERR_TEMP, "path", mb->path,
		    ENAMETOOLONG);
	modseq_read(path, ms, &lost);
	cur = xcalloc(ul->count > 0 ? ul->count : 1, sizeof(*cur));
	for (i = 0; i < ul->count; i++) {
		cur[i].uid = ul->recs[i].uid;
		/* built by sync_locked(): relative to 0 */
		cur[i].flags = (const char *)(uintptr_t)mails[i].flags;
	}
	/* a lost file must not make HIGHESTMODSEQ go back for us */
	if (modseq_update(ms, ul->uid_validity, cur, ul->count,
	    modseq_time_base(), mb->modseq.highest + 1) &&
	    modseq_write(path, ms, error_r) < -1) {
		*err_r = TERN_ERR_TEMP;
		ret = -1;
	}
	free(cur);
	return ret;
}

/*
 * ul, read from path, is corrupted: not one of its UIDs can be trusted.
 * Keep the file as dovecot-uidlist.broken for the administrator and
 * start a new, empty list whose UIDVALIDITY (set by the caller from the
 * clock) must differ from every one used before, so that clients drop
 * what they cached (RFC 9051 2.3.1.1); Dovecot does the same. The flags
 * are in the file names: only the UIDs are lost. 0, or -1 (I/O).
 */
static int
uidlist_start_over(struct maildir_mailbox *mb, const char *path,
	struct uidlist *ul, const char *why, const char **error_r)
{
	char aside[MAILDIR_PATH_MAX];
	uint32_t last = ul->uid_validity;

	if (last < mb->uid_validity)
		last = mb->uid_validity;
	log_error("maildir", "folder=%s error=\"%s\" action=\"new uidlist, "
	    "new UIDVALIDITY; the old file kept as %s.broken\"", mb->path,
	    why, UIDLIST_FILE_NAME);
	if (maildir_path(aside, sizeof(aside), "%s.broken", path) < 0 ||
	    rename(path, aside) < 0) {
		snprintf(mailbox_error, sizeof(mailbox_error),
		    "maildir: rename %s: %s", path, strerror(errno));
		*error_r = mailbox_error;
		return -1;
	}
	uidlist_clear(ul);
	uidlist_init(ul);
	mb->uid_validity_floor = last;
	return 0;
}

struct recent_ctx {
	const struct uidlist *ul;
	const struct scan *sc;
	const uint32_t *entry;	/* record i's scan entry */
};

/* maildir_recent's fallback: the lowest UID still in new/ (next_uid if
 * none), as Dovecot moves to cur/ what a session has seen. */
static uint32_t
first_uid_in_new(void *ctx)
{
	const struct recent_ctx *rc = ctx;
	uint32_t first = rc->ul->next_uid;
	size_t i;

	for (i = 0; i < rc->ul->count; i++) {
		const struct scan_entry *e = &rc->sc->e[rc->entry[i]];

		if (e->in_new && rc->ul->recs[i].uid < first)
			first = rc->ul->recs[i].uid;
	}
	return first;
}

/* The part of a sync done under the lock. */
static int
sync_locked(struct maildir_mailbox *mb, enum maildir_sync_flags flags,
	struct uidlist *ul, struct scan *sc, uint32_t **entry_r,
	struct maildir_mail **mails_r,
	struct modseq_state *ms, struct maildir_stamp *stamp,
	enum tern_err *err_r, const char **error_r)
{
	char path[MAILDIR_PATH_MAX];
	struct scan_entry **fresh = NULL;
	struct recent_ctx rc;
	struct maildir_mail *mails;
	uint32_t *entry;
	size_t i, n_fresh = 0;
	bool changed = false;
	uint32_t uid;
	int ret;

	if (maildir_path(path, sizeof(path), "%s/" UIDLIST_FILE_NAME,
	    mb->path) < 0)
		return fail(err_r, error_r, TERN_ERR_TEMP, "path", mb->path,
		    ENAMETOOLONG);
	ret = uidlist_read(path, ul, error_r);
	if (ret == -2)
		ret = uidlist_start_over(mb, path, ul, *error_r, error_r);
	if (ret < 0) {
		*err_r = TERN_ERR_TEMP;
		return -1;
	}
	if (ul->uid_validity == 0) {
		/* A new uidlist: UIDVALIDITY from the clock, once, above
		 * any the folder had (a rebuilt list) */
		ul->uid_validity = (uint32_t)time(NULL);
		if (ul->uid_validity <= mb->uid_validity_floor)
			ul->uid_validity = mb->uid_validity_floor + 1;
		str_random_hex(ul->guid, 16);
		str_lower(ul->guid);	/* Dovecot writes lower-case hex */
		changed = true;
	}
	/* about one file a record: no regrowing (and copying) */
	sc->cap = ul->count + 256;
	sc->e = xreallocarray(NULL, sc->cap, sizeof(*sc->e));
	if (scan_folder(sc, mb->path) < 0)
		return fail(err_r, error_r, TERN_ERR_TEMP, "scan", mb->path,
		    errno);
	/* room for the records and every scanned file as a new one */
	entry = xcalloc(ul->count + sc->count + 1, sizeof(*entry));
	*entry_r = entry;
	/* A flag rename racing with readdir can hide a file once: look
	 * again before calling a record expunged. */
	if (!match_records(ul, sc, entry)) {
		if (scan_folder(sc, mb->path) < 0)
			return fail(err_r, error_r, TERN_ERR_TEMP, "scan",
			    mb->path, errno);
		if (!match_records(ul, sc, entry)) {
			drop_vanished(ul, entry);
			changed = true;
		}
	}
	fresh = xcalloc(sc->count > 0 ? sc->count : 1, sizeof(*fresh));
	for (i = 0; i < sc->count; i++) {
		if (!sc->e[i].matched && !sc->e[i].dup)
			fresh[n_fresh++] = &sc->e[i];
	}
	/* Names start with the delivery time: UIDs in delivery order. */
	if (n_fresh > 1)
		qsort(fresh, n_fresh, sizeof(*fresh), new_entry_cmp);
	for (i = 0; i < n_fresh; i++) {
		if (uidlist_append(ul, fresh[i]->name, NULL, &uid) < 0) {
			free(fresh);
			*err_r = TERN_ERR_LIMIT;
			*error_r = "maildir: UIDs exhausted";
			return -1;
		}
		entry[ul->count - 1] = (uint32_t)(fresh[i] - sc->e);
		changed = true;
	}
	free(fresh);
	if ((flags & MAILDIR_SYNC_MOVE_NEW) != 0) {
		for (i = 0; i < sc->count; i++) {
			if (sc->e[i].in_new && !sc->e[i].dup &&
			    move_to_cur(mb->path, sc, &sc->e[i]) < 0)
				return fail(err_r, error_r, TERN_ERR_TEMP,
				    "move to cur", sc->e[i].name, errno);
		}
	}
	/* the view's records, but for the modseqs (build_view()) */
	mails = xcalloc(ul->count > 0 ? ul->count : 1, sizeof(*mails));
	*mails_r = mails;
	for (i = 0; i < ul->count; i++) {
		const struct scan_entry *e = &sc->e[entry[i]];
		struct maildir_mail *m = &mails[i];
		const char *letters = name_flags(sc->arena, e->name);

		m->uid = ul->recs[i].uid;
		/* build_view() makes the strings relative to 0 */
		mail_set_strings(m, 0, e->name, letters);
		m->in_new = e->in_new;
		rec_sizes(mb->path, ul, &ul->recs[i], e, m, &changed);
	}
	if (changed) {
		/* Like Dovecot, a rewrite records the latest file names;
		 * flag changes alone do not cause one. */
		for (i = 0; i < ul->count; i++) {
			const struct scan_entry *e = &sc->e[entry[i]];

			if (strcmp(e->name, ul->recs[i].filename) != 0)
				ul->recs[i].filename = e->name;
		}
		if (uidlist_write(path, ul, error_r) < 0) {
			*err_r = TERN_ERR_TEMP;
			return -1;
		}
	}
	/* RFC 3501 2.3.2: \Recent in one session only */
	rc.ul = ul;
	rc.sc = sc;
	rc.entry = entry;
	if (maildir_recent_sync(mb->path, ul->uid_validity, ul->next_uid,
	    (flags & MAILDIR_SYNC_CLAIM_RECENT) != 0, first_uid_in_new, &rc,
	    &mb->first_recent_uid, error_r) < 0) {
		*err_r = TERN_ERR_TEMP;
		return -1;
	}
	keywords_clear(&mb->keywords);
	if (maildir_path(path, sizeof(path), "%s/" KEYWORDS_FILE_NAME,
	    mb->path) < 0 || keywords_read(path, &mb->keywords, error_r) < 0) {
		*err_r = TERN_ERR_TEMP;
		return -1;
	}
	if (sync_modseq(mb, ul, mails, ms, err_r, error_r) < 0)
		return -1;
	/* still under the lock: what we read or wrote is what is there */
	stamp_pin(mb, stamp, MAILDIR_STAMP_UIDLIST);
	stamp_pin(mb, stamp, MAILDIR_STAMP_MODSEQ);
	/* A change in the same clock tick keeps a fresh mtime. Any later
	 * change sets mtime and ctime to the time then, so an old mtime
	 * moves; ctime (which utimes() cannot set back) needs only to be
	 * equal. */
	stamp_check_age(stamp);
	return 0;
}

/* The view: mails (from sync_locked(), taken over) with the modseqs;
 * its strings are in the scan's arena, which it takes over too. */
static void
build_view(struct maildir_mailbox *mb, const struct uidlist *ul,
	struct scan *sc, struct maildir_mail *mails, struct modseq_state *ms)
{
	size_t i;

	release_mails(mb);
	mb->mails = mails;
	mb->count = ul->count;
	mb->names_base = 0;
	assert(ms->count == ul->count);
	for (i = 0; i < ul->count; i++) {
		mails[i].modseq = ms->recs[i].modseq;
		assert(ms->recs[i].uid == mails[i].uid);
	}
	arena_free(&mb->arena);
	mb->arena = sc->arena;
	sc->arena = NULL;
	modseq_clear(&mb->modseq);
	mb->modseq = *ms;
	modseq_init(ms);
	/* each mail has its modseq now: the records (and the text they
	 * point into) are not kept: 0.5 MB less for 10,000 messages */
	free(mb->modseq.recs);
	free(mb->modseq.text);
	arena_free(&mb->modseq.arena);
	mb->modseq.recs = NULL;
	mb->modseq.text = NULL;
	mb->modseq.count = mb->modseq.cap = 0;
	mb->uid_validity = ul->uid_validity;
	mb->next_uid = ul->next_uid;
	memcpy(mb->guid, ul->guid, sizeof(mb->guid));
	mb->generation++;
}

static bool
any_in_new(const struct maildir_mailbox *mb)
{
	size_t i;

	for (i = 0; i < mb->count; i++) {
		if (mb->mails[i].in_new)
			return true;
	}
	return false;
}

/* The first sync of a process: the view from tern-index, when the
 * stamps it records are the current ones and \Recent needs no claim
 * stored. 0, or -1: do a full sync (stamp may then have its uidlist and
 * tern-modseq entries pinned, as the full sync does again). */
static int
sync_from_index(struct maildir_mailbox *mb, enum maildir_sync_flags flags,
	struct maildir_stamp *stamp)
{
	char path[MAILDIR_PATH_MAX];
	struct maildir_index idx;
	const char *error;
	uint32_t v = 0, first = 0, first_in_new;
	bool stored = false;
	size_t i, len;
	char *data;

	if (!stamp->trusted)
		return -1;
	/* hold the uidlist and tern-modseq open as a full sync does, and
	 * compare the versions held */
	stamp_pin(mb, stamp, MAILDIR_STAMP_UIDLIST);
	stamp_pin(mb, stamp, MAILDIR_STAMP_MODSEQ);
	stamp_check_age(stamp);
	if (!stamp->trusted ||
	    maildir_index_read(mb->path, stamp, &idx, &error) < 0)
		return -1;
	if (!stamp_equal(&idx.stamp, stamp))
		goto miss;
	first_in_new = idx.next_uid;
	for (i = 0; i < idx.count; i++) {
		if (idx.mails[i].in_new) {
			first_in_new = idx.mails[i].uid;	/* the lowest */
			break;
		}
	}
	if ((flags & MAILDIR_SYNC_MOVE_NEW) != 0 &&
	    first_in_new != idx.next_uid)
		goto miss;
	/* \Recent as maildir_recent_sync() decides; its file is replaced
	 * by rename, so it reads whole without the lock */
	if (maildir_path(path, sizeof(path), "%s/" MAILDIR_RECENT_FILE_NAME,
	    mb->path) == 0 && read_file_max(path, MAILDIR_RECENT_FILE_MAX,
	    &data, &len) == 0) {
		stored = maildir_recent_parse(span_make(data, len), &v,
		    &first) == 0 && v == idx.uid_validity;
		free(data);
	}
	if (!stored)
		first = first_in_new;
	if (first > idx.next_uid)
		first = idx.next_uid;
	if ((flags & MAILDIR_SYNC_CLAIM_RECENT) != 0 &&
	    (!stored || first != idx.next_uid))
		goto miss;	/* the claim stores next_uid: under the lock */

	/* the records and names stay in the mapping, which we own now */
	release_mails(mb);
	mb->mails = (struct maildir_mail *)(uintptr_t)idx.mails;
	mb->count = idx.count;
	mb->names_base = idx.names_base;
	mb->index_map = idx.map;
	mb->index_map_len = idx.map_len;
	mb->names_unchecked = true;
	mb->index_keywords_len = idx.keywords_len;
	mb->index_names_len = idx.names_len;
	mb->index_names_sum = idx.names_sum;
	idx.map = NULL;
	arena_free(&mb->arena);
	mb->arena = arena_new(0);
	keywords_clear(&mb->keywords);
	for (i = 0; i < KEYWORDS_MAX; i++) {
		if (idx.keywords[i] != NULL)
			mb->keywords.names[i] = xstrdup(idx.keywords[i]);
	}
	modseq_clear(&mb->modseq);
	mb->modseq = idx.modseq;	/* takes the expunge log over */
	mb->uid_validity = idx.uid_validity;
	mb->next_uid = idx.next_uid;
	memcpy(mb->guid, idx.guid, sizeof(mb->guid));
	mb->first_recent_uid = first;
	mb->generation++;
	mb->stamp = *stamp;
	mb->from_index = true;
	return 0;
miss:
	maildir_index_clear(&idx);
	return -1;
}

int
maildir_mailbox_sync(struct maildir_mailbox *mb,
	enum maildir_sync_flags flags, enum tern_err *err_r,
	const char **error_r)
{
	char path[MAILDIR_PATH_MAX];
	struct maildir_stamp stamp;
	struct maildir_mail *mails = NULL;
	uint32_t *entry = NULL;
	struct dotlock *lock;
	struct modseq_state ms;
	struct uidlist ul;
	struct scan sc;
	int ret;

	stamp_take(mb->path, &stamp);
	if (mb->stamp.trusted && stamp.trusted &&
	    stamp_equal(&mb->stamp, &stamp) &&
	    ((flags & MAILDIR_SYNC_MOVE_NEW) == 0 || !any_in_new(mb)))
		return 0;	/* nothing it reads has changed */
	mb->from_index = false;
	if (mb->generation == 0 && sync_from_index(mb, flags, &stamp) == 0)
		return 0;
	if (maildir_path(path, sizeof(path), "%s/" UIDLIST_FILE_NAME,
	    mb->path) < 0)
		return fail(err_r, error_r, TERN_ERR_TEMP, "path", mb->path,
		    ENAMETOOLONG);
	mb->stamp.trusted = false;
	if (dotlock_create(path, &mb->lock_set, &lock, error_r) < 0) {
		*err_r = TERN_ERR_TEMP;
		return -1;
	}
	uidlist_init(&ul);
	modseq_init(&ms);
	memset(&sc, 0, sizeof(sc));
	sc.arena = arena_new(0);
	ret = sync_locked(mb, flags, &ul, &sc, &entry, &mails, &ms, &stamp,
	    err_r, error_r);
	if (ret == 0) {
		const char *index_error;

		build_view(mb, &ul, &sc, mails, &ms);
		mails = NULL;
		/* a cache: a failed write only costs the next process a
		 * full sync; a move to cur/ makes new/ and cur/ differ
		 * from the stamp, so the index would never match */
		if (stamp_aged(&stamp) && sc.moved == 0)
			(void)maildir_index_write(mb, &stamp, &index_error);
	}
	if (dotlock_free(&lock) < 0 && ret == 0) {
		/* Someone broke our lock as stale: what we wrote may have
		 * raced with him. Report it; the next sync repairs. */
		maildir_index_remove(mb->path);
		ret = fail(err_r, error_r, TERN_ERR_TEMP, "lock lost", path,
		    ESTALE);
	}
	if (ret == 0) {
		/* a message we moved to cur/ no longer matches it, so the
		 * next sync is a full one */
		mb->stamp = stamp;
	}
	modseq_clear(&ms);
	uidlist_clear(&ul);
	arena_free(&sc.arena);
	free(sc.e);
	free(sc.heads);
	free(entry);
	free(mails);
	return ret;
}

int
maildir_mailbox_open(const char *path, enum maildir_sync_flags flags,
	struct maildir_mailbox **mb_r, enum tern_err *err_r,
	const char **error_r)
{
	char cur[MAILDIR_PATH_MAX];
	struct maildir_mailbox *mb;
	struct stat st;

	*mb_r = NULL;
	if (maildir_path(cur, sizeof(cur), "%s/cur", path) < 0)
		return fail(err_r, error_r, TERN_ERR_NOTFOUND, "path", path,
		    ENAMETOOLONG);
	if (stat(cur, &st) < 0 || !S_ISDIR(st.st_mode))
		return fail(err_r, error_r, errno == ENOENT || errno == 0 ?
		    TERN_ERR_NOTFOUND : TERN_ERR_TEMP, "open", path,
		    errno != 0 ? errno : ENOTDIR);
	mb = xcalloc(1, sizeof(*mb));
	mb->path = xstrdup(path);
	mb->arena = arena_new(0);
	keywords_init(&mb->keywords);
	modseq_init(&mb->modseq);
	for (size_t i = 0; i < MAILDIR_STAMP_COUNT; i++)
		mb->pin_fd[i] = -1;
	mb->lock_set.timeout_secs = MAILDIR_MAILBOX_LOCK_TIMEOUT_SECS;
	mb->lock_set.stale_secs = DOTLOCK_STALE_SECS_DEFAULT;
	if (maildir_mailbox_sync(mb, flags, err_r, error_r) < 0) {
		maildir_mailbox_free(&mb);
		return -1;
	}
	*mb_r = mb;
	return 0;
}

void
maildir_mailbox_free(struct maildir_mailbox **mbp)
{
	struct maildir_mailbox *mb;

	if (mbp == NULL || *mbp == NULL)
		return;
	mb = *mbp;
	for (size_t i = 0; i < MAILDIR_STAMP_COUNT; i++) {
		if (mb->pin_fd[i] >= 0)
			(void)close(mb->pin_fd[i]);
	}
	keywords_clear(&mb->keywords);
	modseq_clear(&mb->modseq);
	arena_free(&mb->arena);
	release_mails(mb);
	free(mb->path);
	free(mb);
	*mbp = NULL;
}

const struct maildir_mail *
maildir_mailbox_find(const struct maildir_mailbox *mb, uint32_t uid)
{
	size_t lo = 0, hi = mb->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (mb->mails[mid].uid == uid)
			return &mb->mails[mid];
		if (mb->mails[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int
maildir_mailbox_mail_path(const struct maildir_mailbox *mb,
	const struct maildir_mail *mail, char *out, size_t size)
{
	const char *name = maildir_mail_name(mb, mail);

	if (*name == '\0') {
		errno = ENOENT;
		return -1;	/* a damaged index's (check_names) */
	}
	return maildir_path(out, size, "%s/%s/%s", mb->path,
	    mail->in_new ? "new" : "cur", name);
}

static int
lock_mailbox(struct maildir_mailbox *mb, struct dotlock **lock_r,
	enum tern_err *err_r, const char **error_r)
{
	char path[MAILDIR_PATH_MAX];

	if (maildir_path(path, sizeof(path), "%s/" UIDLIST_FILE_NAME,
	    mb->path) < 0)
		return fail(err_r, error_r, TERN_ERR_TEMP, "path", mb->path,
		    ENAMETOOLONG);
	if (dotlock_create(path, &mb->lock_set, lock_r, error_r) < 0) {
		*err_r = TERN_ERR_TEMP;
		return -1;
	}
	return 0;
}

/* Find uid, re-syncing once if its file has moved. */
static struct maildir_mail *
find_fresh(struct maildir_mailbox *mb, uint32_t uid, bool resync,
	enum tern_err *err_r, const char **error_r)
{
	const struct maildir_mail *m;
	uint32_t uid_validity = mb->uid_validity;

	if (resync && maildir_mailbox_sync(mb, 0, err_r, error_r) < 0)
		return NULL;
	/* a rebuilt uidlist: uid may name another message now */
	m = mb->uid_validity == uid_validity ?
	    maildir_mailbox_find(mb, uid) : NULL;
	if (m == NULL) {
		*err_r = TERN_ERR_NOTFOUND;
		*error_r = "maildir: no such message";
	}
	return (struct maildir_mail *)m;
}

int
maildir_mailbox_set_flags(struct maildir_mailbox *mb, uint32_t uid,
	const char *flags, enum tern_err *err_r, const char **error_r)
{
	return maildir_mailbox_set_flags_if(mb, uid, flags, UINT64_MAX, err_r,
	    error_r);
}

int
maildir_mailbox_set_flags_if(struct maildir_mailbox *mb, uint32_t uid,
	const char *flags, uint64_t max_modseq, enum tern_err *err_r,
	const char **error_r)
{
	char norm[MAILDIR_FLAGS_MAX], from[MAILDIR_PATH_MAX];
	char to[MAILDIR_PATH_MAX], name[MAILDIR_NAME_MAX + 1];
	const char *old;
	struct maildir_mail *m;
	struct dotlock *lock;
	int attempt, ret, e;

	if (maildir_flags_normalize(flags, norm, sizeof(norm)) < 0) {
		*err_r = TERN_ERR_SYNTAX;
		*error_r = "maildir: invalid flags";
		return -1;
	}
	for (attempt = 0; attempt < 2; attempt++) {
		m = find_fresh(mb, uid, attempt > 0, err_r, error_r);
		if (m == NULL)
			return -1;
		if (m->modseq > max_modseq) {
			*err_r = TERN_ERR_EXISTS;
			*error_r = "maildir: message changed since";
			return -1;
		}
		old = maildir_mail_name(mb, m);
		if (maildir_path(name, sizeof(name), "%.*s:2,%s%s",
		    (int)maildir_filename_base_len(old), old,
		    norm, maildir_filename_flags_extra(old)) < 0 ||
		    maildir_mailbox_mail_path(mb, m, from, sizeof(from)) < 0 ||
		    maildir_path(to, sizeof(to), "%s/cur/%s", mb->path,
		    name) < 0)
			return fail(err_r, error_r, TERN_ERR_TEMP, "path",
			    old, ENAMETOOLONG);
		if (strcmp(from, to) == 0)
			return 0;
		/* Dovecot renames under the uidlist lock: a rename during
		 * another process's readdir could hide the file from it. */
		if (lock_mailbox(mb, &lock, err_r, error_r) < 0)
			return -1;
		ret = rename(from, to);
		e = errno;
		(void)dotlock_free(&lock);
		errno = e;
		if (ret == 0) {
			const char *n = arena_strdup(mb->arena, name);

			mail_set_strings(m, mb->names_base, n,
			    name_flags(mb->arena, n));
			m->in_new = 0;
			mb->generation++;
			return 0;
		}
		if (errno != ENOENT)
			return fail(err_r, error_r, TERN_ERR_TEMP, "rename",
			    from, errno);
	}
	*err_r = TERN_ERR_TEMP;
	*error_r = "maildir: message keeps moving";
	return -1;
}

int
maildir_mailbox_expunge(struct maildir_mailbox *mb, uint32_t uid,
	enum tern_err *err_r, const char **error_r)
{
	char path[MAILDIR_PATH_MAX];
	struct maildir_mail *m;
	struct dotlock *lock;
	size_t idx;
	int attempt, ret, e;

	for (attempt = 0; attempt < 2; attempt++) {
		m = find_fresh(mb, uid, attempt > 0, err_r, error_r);
		if (m == NULL)
			return *err_r == TERN_ERR_NOTFOUND ? 0 : -1;
		if (maildir_mailbox_mail_path(mb, m, path, sizeof(path)) < 0)
			return fail(err_r, error_r, TERN_ERR_TEMP, "path",
			    maildir_mail_name(mb, m), ENAMETOOLONG);
		if (lock_mailbox(mb, &lock, err_r, error_r) < 0)
			return -1;
		ret = unlink(path);
		e = errno;
		(void)dotlock_free(&lock);
		errno = e;
		if (ret == 0) {
			idx = (size_t)(m - mb->mails);
			memmove(&mb->mails[idx], &mb->mails[idx + 1],
			    (mb->count - idx - 1) * sizeof(*mb->mails));
			mb->count--;
			mb->generation++;
			return 0;
		}
		if (errno != ENOENT)
			return fail(err_r, error_r, TERN_ERR_TEMP, "unlink",
			    path, errno);
	}
	*err_r = TERN_ERR_TEMP;
	*error_r = "maildir: message keeps moving";
	return -1;
}

int
maildir_mailbox_keyword_index(struct maildir_mailbox *mb, const char *name,
	bool create, enum tern_err *err_r, const char **error_r)
{
	char path[MAILDIR_PATH_MAX];
	struct dotlock *lock;
	int idx = keywords_lookup(&mb->keywords, name);

	if (idx >= 0)
		return idx;
	if (!keywords_name_valid(name)) {
		*err_r = TERN_ERR_SYNTAX;
		*error_r = "maildir: invalid keyword";
		return -1;
	}
	if (!create) {
		*err_r = TERN_ERR_NOTFOUND;
		*error_r = "maildir: no such keyword";
		return -1;
	}
	if (maildir_path(path, sizeof(path), "%s/" UIDLIST_FILE_NAME,
	    mb->path) < 0)
		return fail(err_r, error_r, TERN_ERR_TEMP, "path", mb->path,
		    ENAMETOOLONG);
	if (dotlock_create(path, &mb->lock_set, &lock, error_r) < 0) {
		*err_r = TERN_ERR_TEMP;
		return -1;
	}
	/* Another process may have added keywords since our sync. */
	keywords_clear(&mb->keywords);
	if (maildir_path(path, sizeof(path), "%s/" KEYWORDS_FILE_NAME,
	    mb->path) < 0 || keywords_read(path, &mb->keywords, error_r) < 0) {
		(void)dotlock_free(&lock);
		*err_r = TERN_ERR_TEMP;
		return -1;
	}
	idx = keywords_lookup(&mb->keywords, name);
	if (idx < 0) {
		idx = keywords_add(&mb->keywords, name);
		if (idx < 0) {
			(void)dotlock_free(&lock);
			*err_r = TERN_ERR_LIMIT;
			*error_r = "maildir: too many keywords";
			return -1;
		}
		if (keywords_write(path, &mb->keywords, error_r) < 0) {
			(void)dotlock_free(&lock);
			*err_r = TERN_ERR_TEMP;
			return -1;
		}
	}
	if (dotlock_free(&lock) < 0)
		return fail(err_r, error_r, TERN_ERR_TEMP, "lock lost", path,
		    ESTALE);
	return idx;
}
