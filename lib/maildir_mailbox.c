/* SPDX-License-Identifier: MIT */
/*
 * maildir_mailbox: sync a Maildir folder with its dovecot-uidlist under
 * the uidlist dotlock and present it in UID order. Invariants: a UID is
 * given once and never reused (next_uid only grows); records whose file
 * is gone in two scans are dropped; UIDVALIDITY changes never.
 */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "maildir.h"
#include "maildir_mailbox.h"
#include "maildir_recent.h"
#include "str.h"
#include "uidlist.h"
#include "xmalloc.h"
#include "tern.h"

/* Buffer for counting LFs when no W= is known. */
#define VSIZE_READ_BUF 65536

struct scan_entry {
	char *name;
	size_t base_len;
	bool in_new;
	bool matched;
};

struct scan {
	struct scan_entry *e;
	size_t count, cap;
	struct arena *arena;
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

static bool
name_has_control(const char *name)
{
	for (; *name != '\0'; name++) {
		if ((unsigned char)*name < 0x20 || *name == 0x7f)
			return true;
	}
	return false;
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
			sc->cap = sc->cap == 0 ? 256 : sc->cap * 2;
			sc->e = xreallocarray(sc->e, sc->cap, sizeof(*sc->e));
		}
		e = &sc->e[sc->count++];
		e->name = arena_strdup(sc->arena, de->d_name);
		e->base_len = maildir_filename_base_len(e->name);
		e->in_new = in_new;
		e->matched = false;
	}
	if (errno != 0) {
		int e = errno;

		(void)closedir(d);
		errno = e;
		return -1;
	}
	return closedir(d);
}

static int
base_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

static int
scan_entry_cmp(const void *pa, const void *pb)
{
	const struct scan_entry *a = pa, *b = pb;
	int c = base_cmp(a->name, a->base_len, b->name, b->base_len);

	/* the same base in new/ and cur/: cur/ first (moves go that way) */
	if (c == 0)
		c = (int)a->in_new - (int)b->in_new;
	return c;
}

/* Scan new/ then cur/ (so that a file moving new -> cur meanwhile is
 * seen at least once), sort by base name, drop duplicate bases that a
 * concurrent rename produced. */
static int
scan_folder(struct scan *sc, const char *folder)
{
	size_t i, j;

	sc->count = 0;
	if (scan_dir(sc, folder, true) < 0 || scan_dir(sc, folder, false) < 0)
		return -1;
	if (sc->count > 1)	/* qsort(NULL, 0, ...) is undefined */
		qsort(sc->e, sc->count, sizeof(*sc->e), scan_entry_cmp);
	for (i = j = 0; i < sc->count; i++) {
		if (j > 0 && base_cmp(sc->e[j - 1].name, sc->e[j - 1].base_len,
		    sc->e[i].name, sc->e[i].base_len) == 0)
			continue;
		sc->e[j++] = sc->e[i];
	}
	sc->count = j;
	return 0;
}

static struct scan_entry *
scan_find(const struct scan *sc, const char *name)
{
	size_t lo = 0, hi = sc->count, blen = maildir_filename_base_len(name);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = base_cmp(name, blen, sc->e[mid].name,
		    sc->e[mid].base_len);

		if (c == 0)
			return &sc->e[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
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
	return 0;
}

/* W=: from the name, the uidlist record's W extension, or counted. */
static uint64_t
mail_vsize(const char *folder, const struct scan_entry *e, const char *ext,
	uint64_t size)
{
	char path[MAILDIR_PATH_MAX], *buf;
	const char *w;
	uint64_t v, lines = 0;
	ssize_t n, i;
	int fd;

	if (maildir_filename_size(e->name, 'W', &v) == 0)
		return v;
	for (w = ext; w != NULL && *w != '\0'; ) {
		size_t len = strcspn(w, " ");

		if (w[0] == 'W' && parse_u64(span_make(w + 1, len - 1),
		    UINT64_MAX, &v) == 0)
			return v;
		w += len;
		while (*w == ' ')
			w++;
	}
	if (maildir_path(path, sizeof(path), "%s/%s/%s", folder,
	    e->in_new ? "new" : "cur", e->name) < 0)
		return size;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return size;
	buf = xmalloc(VSIZE_READ_BUF);
	while ((n = read(fd, buf, VSIZE_READ_BUF)) > 0) {
		for (i = 0; i < n; i++)
			lines += buf[i] == '\n';
	}
	free(buf);
	(void)close(fd);
	return size + lines;
}

static void
build_view(struct maildir_mailbox *mb, const struct uidlist *ul,
	const struct scan *sc, struct modseq_state *ms)
{
	size_t i;

	arena_reset(mb->arena);
	free(mb->mails);
	mb->mails = xcalloc(ul->count > 0 ? ul->count : 1, sizeof(*mb->mails));
	mb->count = 0;
	for (i = 0; i < ul->count; i++) {
		const struct uidlist_rec *r = &ul->recs[i];
		struct scan_entry *e = scan_find(sc, r->filename);
		struct maildir_mail *m;
		char path[MAILDIR_PATH_MAX];
		struct stat st;

		if (e == NULL)
			continue;
		m = &mb->mails[mb->count++];
		m->uid = r->uid;
		m->basename = arena_strdup(mb->arena, e->name);
		m->in_new = e->in_new;
		if (maildir_filename_get_flags(e->name, m->flags,
		    sizeof(m->flags)) < 0)
			m->flags[0] = '\0';	/* foreign junk: no flags */
		m->keywords = keywords_mask_from_flags(m->flags);
		if (maildir_filename_size(e->name, 'S', &m->size) < 0) {
			m->size = 0;
			if (maildir_path(path, sizeof(path), "%s/%s/%s",
			    mb->path, e->in_new ? "new" : "cur", e->name) == 0 &&
			    stat(path, &st) == 0)
				m->size = (uint64_t)st.st_size;
		}
		m->vsize = mail_vsize(mb->path, e, r->ext, m->size);
		m->modseq = ms->recs[mb->count - 1].modseq;
		assert(ms->recs[mb->count - 1].uid == m->uid);
	}
	modseq_clear(&mb->modseq);
	mb->modseq = *ms;
	modseq_init(ms);
	mb->uid_validity = ul->uid_validity;
	mb->next_uid = ul->next_uid;
	memcpy(mb->guid, ul->guid, sizeof(mb->guid));
}

/* Match records to scanned files; true if every record was found. */
static bool
match_records(const struct uidlist *ul, struct scan *sc, bool *keep)
{
	bool all = true;
	size_t i;

	for (i = 0; i < sc->count; i++)
		sc->e[i].matched = false;
	for (i = 0; i < ul->count; i++) {
		struct scan_entry *e = scan_find(sc, ul->recs[i].filename);

		keep[i] = e != NULL;
		if (e != NULL)
			e->matched = true;
		else
			all = false;
	}
	return all;
}

/* Bring the modseq file up to date with the records that have files
 * (exactly the messages build_view() will show). */
static int
sync_modseq(struct maildir_mailbox *mb, const struct uidlist *ul,
	const struct scan *sc, struct modseq_state *ms, enum tern_err *err_r,
	const char **error_r)
{
	char path[MAILDIR_PATH_MAX];
	struct modseq_current *cur;
	char *flags;
	size_t i, n = 0;
	bool lost;
	int ret = 0;

	if (maildir_path(path, sizeof(path), "%s/" MODSEQ_FILE_NAME,
	    mb->path) < 0)
		return fail(err_r, error_r, TERN_ERR_TEMP, "path", mb->path,
		    ENAMETOOLONG);
	modseq_read(path, ms, &lost);
	cur = xcalloc(ul->count > 0 ? ul->count : 1, sizeof(*cur));
	flags = xcalloc(ul->count > 0 ? ul->count : 1, MAILDIR_FLAGS_MAX);
	for (i = 0; i < ul->count; i++) {
		struct scan_entry *e = scan_find(sc, ul->recs[i].filename);
		char *f = flags + n * MAILDIR_FLAGS_MAX;

		if (e == NULL)
			continue;
		if (maildir_filename_get_flags(e->name, f,
		    MAILDIR_FLAGS_MAX) < 0)
			f[0] = '\0';	/* as build_view() */
		cur[n].uid = ul->recs[i].uid;
		cur[n++].flags = f;
	}
	/* a lost file must not make HIGHESTMODSEQ go back for us */
	if (modseq_update(ms, ul->uid_validity, cur, n, modseq_time_base(),
	    mb->modseq.highest + 1) &&
	    modseq_write(path, ms, error_r) < -1) {
		*err_r = TERN_ERR_TEMP;
		ret = -1;
	}
	free(flags);
	free(cur);
	return ret;
}

struct recent_ctx {
	const struct uidlist *ul;
	const struct scan *sc;
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
		const struct scan_entry *e = scan_find(rc->sc,
		    rc->ul->recs[i].filename);

		if (e != NULL && e->in_new && rc->ul->recs[i].uid < first)
			first = rc->ul->recs[i].uid;
	}
	return first;
}

/* The part of a sync done under the lock. */
static int
sync_locked(struct maildir_mailbox *mb, enum maildir_sync_flags flags,
	struct uidlist *ul, struct scan *sc, struct modseq_state *ms,
	enum tern_err *err_r, const char **error_r)
{
	char path[MAILDIR_PATH_MAX];
	struct scan_entry **fresh = NULL;
	struct recent_ctx rc;
	size_t i, n_fresh = 0;
	bool changed = false, *keep;
	uint32_t uid;

	if (maildir_path(path, sizeof(path), "%s/" UIDLIST_FILE_NAME,
	    mb->path) < 0)
		return fail(err_r, error_r, TERN_ERR_TEMP, "path", mb->path,
		    ENAMETOOLONG);
	if (uidlist_read(path, ul, error_r) < 0) {
		*err_r = TERN_ERR_TEMP;
		return -1;
	}
	if (ul->uid_validity == 0) {
		/* A new uidlist: UIDVALIDITY from the clock, once. */
		ul->uid_validity = (uint32_t)time(NULL);
		str_random_hex(ul->guid, 16);
		str_lower(ul->guid);	/* Dovecot writes lower-case hex */
		changed = true;
	}
	if (scan_folder(sc, mb->path) < 0)
		return fail(err_r, error_r, TERN_ERR_TEMP, "scan", mb->path,
		    errno);
	keep = xcalloc(ul->count > 0 ? ul->count : 1, sizeof(*keep));
	/* A flag rename racing with readdir can hide a file once: look
	 * again before calling a record expunged. */
	if (!match_records(ul, sc, keep)) {
		if (scan_folder(sc, mb->path) < 0) {
			free(keep);
			return fail(err_r, error_r, TERN_ERR_TEMP, "scan",
			    mb->path, errno);
		}
		if (!match_records(ul, sc, keep)) {
			uidlist_filter(ul, keep);
			changed = true;
		}
	}
	free(keep);
	fresh = xcalloc(sc->count > 0 ? sc->count : 1, sizeof(*fresh));
	for (i = 0; i < sc->count; i++) {
		if (!sc->e[i].matched)
			fresh[n_fresh++] = &sc->e[i];
	}
	/* Names start with the delivery time: UIDs in delivery order. */
	qsort(fresh, n_fresh, sizeof(*fresh), new_entry_cmp);
	for (i = 0; i < n_fresh; i++) {
		if (uidlist_append(ul, fresh[i]->name, NULL, &uid) < 0) {
			free(fresh);
			*err_r = TERN_ERR_LIMIT;
			*error_r = "maildir: UIDs exhausted";
			return -1;
		}
		changed = true;
	}
	free(fresh);
	if ((flags & MAILDIR_SYNC_MOVE_NEW) != 0) {
		for (i = 0; i < sc->count; i++) {
			if (sc->e[i].in_new &&
			    move_to_cur(mb->path, sc, &sc->e[i]) < 0)
				return fail(err_r, error_r, TERN_ERR_TEMP,
				    "move to cur", sc->e[i].name, errno);
		}
	}
	if (changed) {
		/* Like Dovecot, a rewrite records the latest file names;
		 * flag changes alone do not cause one. */
		for (i = 0; i < ul->count; i++) {
			struct scan_entry *e = scan_find(sc,
			    ul->recs[i].filename);

			if (e != NULL && strcmp(e->name,
			    ul->recs[i].filename) != 0)
				ul->recs[i].filename = arena_strdup(ul->arena,
				    e->name);
		}
		if (uidlist_write(path, ul, error_r) < 0) {
			*err_r = TERN_ERR_TEMP;
			return -1;
		}
	}
	/* RFC 3501 2.3.2: \Recent in one session only */
	rc.ul = ul;
	rc.sc = sc;
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
	return sync_modseq(mb, ul, sc, ms, err_r, error_r);
}

int
maildir_mailbox_sync(struct maildir_mailbox *mb,
	enum maildir_sync_flags flags, enum tern_err *err_r,
	const char **error_r)
{
	char path[MAILDIR_PATH_MAX];
	struct dotlock *lock;
	struct modseq_state ms;
	struct uidlist ul;
	struct scan sc;
	int ret;

	if (maildir_path(path, sizeof(path), "%s/" UIDLIST_FILE_NAME,
	    mb->path) < 0)
		return fail(err_r, error_r, TERN_ERR_TEMP, "path", mb->path,
		    ENAMETOOLONG);
	if (dotlock_create(path, &mb->lock_set, &lock, error_r) < 0) {
		*err_r = TERN_ERR_TEMP;
		return -1;
	}
	uidlist_init(&ul);
	modseq_init(&ms);
	memset(&sc, 0, sizeof(sc));
	sc.arena = arena_new(0);
	ret = sync_locked(mb, flags, &ul, &sc, &ms, err_r, error_r);
	if (dotlock_free(&lock) < 0 && ret == 0) {
		/* Someone broke our lock as stale: what we wrote may have
		 * raced with him. Report it; the next sync repairs. */
		ret = fail(err_r, error_r, TERN_ERR_TEMP, "lock lost", path,
		    ESTALE);
	}
	if (ret == 0)
		build_view(mb, &ul, &sc, &ms);
	modseq_clear(&ms);
	uidlist_clear(&ul);
	arena_free(&sc.arena);
	free(sc.e);
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
	keywords_clear(&mb->keywords);
	modseq_clear(&mb->modseq);
	arena_free(&mb->arena);
	free(mb->mails);
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
	return maildir_path(out, size, "%s/%s/%s", mb->path,
	    mail->in_new ? "new" : "cur", mail->basename);
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

	if (resync && maildir_mailbox_sync(mb, 0, err_r, error_r) < 0)
		return NULL;
	m = maildir_mailbox_find(mb, uid);
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
		if (maildir_path(name, sizeof(name), "%.*s:2,%s%s",
		    (int)maildir_filename_base_len(m->basename), m->basename,
		    norm, maildir_filename_flags_extra(m->basename)) < 0 ||
		    maildir_mailbox_mail_path(mb, m, from, sizeof(from)) < 0 ||
		    maildir_path(to, sizeof(to), "%s/cur/%s", mb->path,
		    name) < 0)
			return fail(err_r, error_r, TERN_ERR_TEMP, "path",
			    m->basename, ENAMETOOLONG);
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
			m->basename = arena_strdup(mb->arena, name);
			m->in_new = false;
			(void)str_copy(m->flags, sizeof(m->flags), norm);
			m->keywords = keywords_mask_from_flags(norm);
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
			    m->basename, ENAMETOOLONG);
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
