/* SPDX-License-Identifier: MIT */
/*
 * auth: a Dovecot passwd-file (user:password:uid:gid:gecos:home:shell:extra)
 * held in memory, sorted by lowercased user name, re-read when the file's
 * identity, size or mtime changes. Hashes are checked with crypt_r() and
 * compared with CRYPTO_memcmp(); an unknown user costs one crypt_r() too.
 * Also what a site moving from Dovecot may have in its passwd-file:
 * {ARGON2ID} and {ARGON2I} (libargon2; Dovecot's libsodium writes the
 * same encoding) and the LDAP-style digests {SSHA512} {SSHA256} {SSHA}
 * {SHA512} {SHA256} {SHA} (base64 of the digest, then the salt). Each
 * hash is checked for its form when the file is loaded.
 */
#include <sys/stat.h>
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "auth.h"
#include "buf.h"
#include "str.h"
#include "xmalloc.h"
#include "tern.h"

#define AUTH_LINE_MAX 4096		/* one passwd-file line */
#define AUTH_FILE_MAX (64 * 1024 * 1024)	/* the whole file */
#define AUTH_USER_MAX 320		/* 64 local + '@' + 255 domain:
					 * RFC 5321 4.5.3.1.1-2 */
#define AUTH_ERROR_MAX 512

enum auth_scheme {
	SCHEME_NONE,	/* empty password field: never matches */
	SCHEME_CRYPT,	/* crypt(3): $6$ $5$ $2b$ $y$ ... */
	SCHEME_PLAIN,	/* {PLAIN}: clear text. For tests only: never use
			 * it for a real user. */
	SCHEME_ARGON2ID,	/* "$argon2id$v=19$m=..,t=..,p=..$salt$hash" */
	SCHEME_ARGON2I,
	SCHEME_SHA,	/* base64(digest [+ salt]) */
	SCHEME_SSHA,
	SCHEME_SHA256,
	SCHEME_SSHA256,
	SCHEME_SHA512,
	SCHEME_SSHA512,
};

/* The most an {ARGON2*} hash may ask for: Dovecot's default is 64 MiB
 * and 3 passes; a hash beyond these would let one login eat the host. */
#define ARGON2_MEMORY_MAX_KIB (1024u * 1024)
#define ARGON2_PASSES_MAX 64
#define ARGON2_LANES_MAX 16

/* The digest schemes: EVP name and whether a salt follows the digest. */
static const struct {
	enum auth_scheme scheme;
	const char *md;
	bool salted;
} digests[] = {
	{ SCHEME_SHA, "SHA1", false },
	{ SCHEME_SSHA, "SHA1", true },
	{ SCHEME_SHA256, "SHA256", false },
	{ SCHEME_SSHA256, "SHA256", true },
	{ SCHEME_SHA512, "SHA512", false },
	{ SCHEME_SSHA512, "SHA512", true },
};

struct auth_user {
	char *name;		/* lowercased */
	char *hash;		/* after the {SCHEME} prefix */
	enum auth_scheme scheme;
	unsigned line;
};

struct auth_db {
	char *path;
	struct auth_user *users;	/* sorted by name */
	size_t n_users;
	bool loaded;			/* users reflect the file on disk */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	char *error;			/* last read error, NULL after success */
	char dummy[CRYPT_OUTPUT_SIZE];	/* hash checked for unknown users */
};

/* --- schemes ----------------------------------------------------------- */

struct scheme_def {
	const char *name;	/* inside the braces */
	enum auth_scheme scheme;
	const char *const prefixes[4];	/* hash must start with one; NULL:
					 * any "$" hash */
};

static const struct scheme_def schemes[] = {
	{ "SHA512-CRYPT", SCHEME_CRYPT, { "$6$", NULL } },
	{ "SHA256-CRYPT", SCHEME_CRYPT, { "$5$", NULL } },
	{ "BLF-CRYPT", SCHEME_CRYPT, { "$2a$", "$2b$", "$2y$", NULL } },
	{ "CRYPT", SCHEME_CRYPT, { NULL } },
	{ "PLAIN", SCHEME_PLAIN, { NULL } },
	{ "ARGON2ID", SCHEME_ARGON2ID, { "$argon2id$v=19$", NULL } },
	{ "ARGON2I", SCHEME_ARGON2I, { "$argon2i$v=19$", NULL } },
	{ "SHA", SCHEME_SHA, { NULL } },
	{ "SHA1", SCHEME_SHA, { NULL } },
	{ "SSHA", SCHEME_SSHA, { NULL } },
	{ "SHA256", SCHEME_SHA256, { NULL } },
	{ "SSHA256", SCHEME_SSHA256, { NULL } },
	{ "SHA512", SCHEME_SHA512, { NULL } },
	{ "SSHA512", SCHEME_SSHA512, { NULL } },
};

/* The digest entry of scheme, or NULL. */
static const EVP_MD *
digest_of(enum auth_scheme scheme, bool *salted_r)
{
	size_t i;

	for (i = 0; i < N_ELEMENTS(digests); i++) {
		if (digests[i].scheme == scheme) {
			*salted_r = digests[i].salted;
			return EVP_get_digestbyname(digests[i].md);
		}
	}
	return NULL;
}

/* Decode base64 text (with its '=' padding) into out (size bytes):
 * the length, or -1 when it is not base64 or too long. */
static int
base64_decode(const char *text, unsigned char *out, size_t size)
{
	size_t len = strlen(text), pad = 0;
	int n;

	if (len == 0 || len % 4 != 0 || len / 4 * 3 > size)
		return -1;
	while (pad < 2 && text[len - 1 - pad] == '=')
		pad++;
	n = EVP_DecodeBlock(out, (const unsigned char *)text, (int)len);
	return n < 0 || (size_t)n < pad ? -1 : n - (int)pad;
}

/* Is hash a digest scheme's: base64 of the digest (and a salt)? */
static bool
digest_hash_ok(enum auth_scheme scheme, const char *hash)
{
	unsigned char raw[512];
	const EVP_MD *md;
	bool salted;
	int n;

	if ((md = digest_of(scheme, &salted)) == NULL)
		return false;
	n = base64_decode(hash, raw, sizeof(raw));
	return salted ? n > EVP_MD_get_size(md) : n == EVP_MD_get_size(md);
}

/* Are the cost parameters of an "$argon2..$v=19$m=M,t=T,p=P$" hash
 * (after the prefix) within bounds? */
static bool
argon2_cost_ok(const char *params)
{
	const char *end = strchr(params, '$');
	uint32_t v[3];
	const char *keys = "mtp";
	struct span in;
	size_t i;

	if (end == NULL)
		return false;
	in = span_make(params, (size_t)(end - params));
	for (i = 0; i < 3; i++) {
		const char *comma;
		size_t len;

		if (in.len < 2 || in.p[0] != keys[i] || in.p[1] != '=')
			return false;
		comma = memchr(in.p, ',', in.len);
		len = comma != NULL ? (size_t)(comma - in.p) : in.len;
		if ((comma == NULL) != (i == 2) ||
		    parse_u32(span_make(in.p + 2, len - 2), UINT32_MAX,
		    &v[i]) < 0)
			return false;
		in = comma != NULL ? span_make(comma + 1, in.len - len - 1) :
		    span_make(in.p + len, 0);
	}
	return v[0] <= ARGON2_MEMORY_MAX_KIB && v[1] >= 1 &&
	    v[1] <= ARGON2_PASSES_MAX && v[2] >= 1 && v[2] <= ARGON2_LANES_MAX;
}

/*
 * Split a stored "{SCHEME}hash" or bare "$id$..." into scheme and hash.
 * 0, or -1 with a static reason.
 */
static int
scheme_parse(const char *stored, enum auth_scheme *scheme_r,
	const char **hash_r, const char **why_r)
{
	const struct scheme_def *def = NULL;
	const char *hash = stored;
	size_t i;

	if (*stored == '\0') {
		*scheme_r = SCHEME_NONE;
		*hash_r = stored;
		return 0;
	}
	if (*stored == '{') {
		const char *end = strchr(stored, '}');
		struct span name;

		if (end == NULL) {
			*why_r = "unterminated {SCHEME}";
			return -1;
		}
		name = span_make(stored + 1, (size_t)(end - stored - 1));
		for (i = 0; i < N_ELEMENTS(schemes); i++) {
			if (span_eq_ci(name, schemes[i].name))
				def = &schemes[i];
		}
		if (def == NULL) {
			*why_r = "unknown password scheme";
			return -1;
		}
		hash = end + 1;
	} else {
		def = &schemes[3];	/* CRYPT, as Dovecot's default */
	}
	if (def->scheme == SCHEME_CRYPT) {
		bool ok = def->prefixes[0] == NULL && hash[0] == '$';

		for (i = 0; def->prefixes[i] != NULL; i++) {
			if (strncmp(hash, def->prefixes[i],
			    strlen(def->prefixes[i])) == 0)
				ok = true;
		}
		if (!ok) {
			/* DES and MD5 crypt without "$id$" are refused */
			*why_r = "hash does not match its scheme";
			return -1;
		}
	}
	if (def->scheme == SCHEME_ARGON2ID || def->scheme == SCHEME_ARGON2I) {
		size_t plen = strlen(def->prefixes[0]);

		if (strncmp(hash, def->prefixes[0], plen) != 0 ||
		    !argon2_cost_ok(hash + plen)) {
			*why_r = "not an argon2 hash of its kind (v=19) within "
			    "the cost bounds";
			return -1;
		}
	}
	if (digest_of(def->scheme, &(bool){ false }) != NULL &&
	    !digest_hash_ok(def->scheme, hash)) {
		*why_r = "hash is not the base64 of its digest";
		return -1;
	}
	*scheme_r = def->scheme;
	*hash_r = hash;
	return 0;
}

/* crypt_r(password, hash) equals hash; constant time in the compare. */
static bool
crypt_matches(const char *hash, const char *password)
{
	struct crypt_data *cd = xcalloc(1, sizeof(*cd));
	const char *out;
	bool ok = false;

	out = crypt_r(password, hash, cd);
	if (out != NULL && out[0] != '*') {
		size_t n = strlen(out);

		ok = n == strlen(hash) && CRYPTO_memcmp(out, hash, n) == 0;
	}
	OPENSSL_cleanse(cd, sizeof(*cd));
	free(cd);
	return ok;
}

/* The password as a C string (secret copy, to be wiped), or NULL if it
 * holds a NUL and so cannot be checked with crypt. */
static char *
password_dup(const char *password, size_t len)
{
	char *p;

	if (memchr(password, '\0', len) != NULL)
		return NULL;
	p = xmalloc(len + 1);
	memcpy(p, password, len);
	p[len] = '\0';
	return p;
}

static void
password_free(char *p, size_t len)
{
	if (p != NULL) {
		OPENSSL_cleanse(p, len + 1);
		free(p);
	}
}

/* The digest of password + salt equals the stored one (base64 of the
 * digest, then the salt). */
static bool
digest_matches(enum auth_scheme scheme, const char *hash,
	const char *password, size_t password_len)
{
	unsigned char raw[512], out[EVP_MAX_MD_SIZE];
	const EVP_MD *md = NULL;
	EVP_MD_CTX *ctx;
	unsigned int out_len = 0;
	bool salted, ok = false;
	int n, md_len;

	if ((md = digest_of(scheme, &salted)) == NULL ||
	    (n = base64_decode(hash, raw, sizeof(raw))) < 0)
		return false;
	md_len = EVP_MD_get_size(md);
	if (n < md_len || (!salted && n != md_len))
		return false;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return false;
	if (EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
	    EVP_DigestUpdate(ctx, password, password_len) == 1 &&
	    EVP_DigestUpdate(ctx, raw + md_len, (size_t)(n - md_len)) == 1 &&
	    EVP_DigestFinal_ex(ctx, out, &out_len) == 1)
		ok = out_len == (unsigned)md_len &&
		    CRYPTO_memcmp(out, raw, out_len) == 0;
	EVP_MD_CTX_free(ctx);
	OPENSSL_cleanse(out, sizeof(out));
	return ok;
}

static bool
matches(enum auth_scheme scheme, const char *hash, const char *password,
	size_t password_len)
{
	char *pw;
	bool ok = false;

	switch (scheme) {
	case SCHEME_NONE:
		return false;
	case SCHEME_PLAIN:
		return strlen(hash) == password_len &&
			CRYPTO_memcmp(hash, password, password_len) == 0;
	case SCHEME_CRYPT:
		if ((pw = password_dup(password, password_len)) == NULL)
			return false;
		ok = crypt_matches(hash, pw);
		password_free(pw, password_len);
		return ok;
	case SCHEME_ARGON2ID:
	case SCHEME_ARGON2I:
		/* constant time in the compare (argon2_verify) */
		return argon2_verify(hash, password, password_len,
		    scheme == SCHEME_ARGON2ID ? Argon2_id : Argon2_i) ==
		    ARGON2_OK;
	case SCHEME_SHA:
	case SCHEME_SSHA:
	case SCHEME_SHA256:
	case SCHEME_SSHA256:
	case SCHEME_SHA512:
	case SCHEME_SSHA512:
		return digest_matches(scheme, hash, password, password_len);
	}
	return false;
}

bool
auth_password_matches(const char *stored, const char *password,
	size_t password_len)
{
	enum auth_scheme scheme;
	const char *hash, *why;

	if (scheme_parse(stored, &scheme, &hash, &why) < 0)
		return false;
	return matches(scheme, hash, password, password_len);
}

/* --- the file ---------------------------------------------------------- */

static void
free_users(struct auth_user *users, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(users[i].name);
		if (users[i].hash != NULL) {
			OPENSSL_cleanse(users[i].hash, strlen(users[i].hash));
			free(users[i].hash);
		}
	}
	free(users);
}

static void TERN_PRINTF(2, 3)
db_error(struct auth_db *db, const char *fmt, ...)
{
	struct buf b;
	va_list ap;

	buf_init(&b, AUTH_ERROR_MAX);
	va_start(ap, fmt);
	(void)buf_vappendf(&b, fmt, ap);
	va_end(ap);
	free(db->error);
	db->error = xstrdup(buf_str(&b));
	buf_clear(&b);
}

static int
user_cmp(const void *a, const void *b)
{
	return strcmp(((const struct auth_user *)a)->name,
		((const struct auth_user *)b)->name);
}

/* One line (no LF, NUL-terminated in place); adds to users. 0 or -1. */
static int
parse_line(struct auth_db *db, char *line, unsigned lineno,
	struct auth_user **users, size_t *n, size_t *cap)
{
	char *colon, *pass, *end, *p;
	const char *hash, *why;
	enum auth_scheme scheme;
	struct auth_user *u;

	for (p = line; *p == ' ' || *p == '\t'; p++)
		;
	if (*p == '\0' || *p == '#')
		return 0;
	if ((colon = strchr(line, ':')) == NULL) {
		db_error(db, "%s:%u: no password field", db->path, lineno);
		return -1;
	}
	*colon = '\0';
	if (*line == '\0' || strlen(line) > AUTH_USER_MAX) {
		db_error(db, "%s:%u: bad user name length", db->path, lineno);
		return -1;
	}
	for (p = line; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f) {
			db_error(db, "%s:%u: space or control character in "
				"the user name", db->path, lineno);
			return -1;
		}
	}
	pass = colon + 1;
	if ((end = strchr(pass, ':')) != NULL)
		*end = '\0';
	/* uid, gid, gecos, home, shell and extra fields are not used:
	 * mail lives under mail_root. */
	if (scheme_parse(pass, &scheme, &hash, &why) < 0) {
		db_error(db, "%s:%u: %s", db->path, lineno, why);
		return -1;
	}
	if (*n == *cap) {
		*cap = *cap == 0 ? 16 : *cap * 2;
		*users = xreallocarray(*users, *cap, sizeof(**users));
	}
	u = &(*users)[(*n)++];
	u->name = xstrdup(line);
	str_lower(u->name);
	u->hash = xstrdup(hash);
	u->scheme = scheme;
	u->line = lineno;
	return 0;
}

static int
parse_file(struct auth_db *db, char *text, size_t len,
	struct auth_user **users_r, size_t *n_r)
{
	struct auth_user *users = NULL;
	size_t n = 0, cap = 0, i;
	unsigned lineno = 0;
	char *p = text, *end = text + len;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t linelen;

		if (nl == NULL)
			nl = end;
		lineno++;
		linelen = (size_t)(nl - p);
		if (linelen > 0 && p[linelen - 1] == '\r')
			linelen--;
		if (linelen > AUTH_LINE_MAX) {
			db_error(db, "%s:%u: line too long", db->path, lineno);
			goto fail;
		}
		if (memchr(p, '\0', linelen) != NULL) {
			db_error(db, "%s:%u: NUL byte", db->path, lineno);
			goto fail;
		}
		p[linelen] = '\0';
		if (parse_line(db, p, lineno, &users, &n, &cap) < 0)
			goto fail;
		p = nl + 1;
	}
	if (n > 0)
		qsort(users, n, sizeof(*users), user_cmp);
	for (i = 1; i < n; i++) {
		if (strcmp(users[i - 1].name, users[i].name) == 0) {
			unsigned a = users[i - 1].line, b = users[i].line;

			db_error(db, "%s:%u: %s is already on line %u",
				db->path, a > b ? a : b, users[i].name,
				a > b ? b : a);
			goto fail;
		}
	}
	*users_r = users;
	*n_r = n;
	return 0;
fail:
	free_users(users, n);
	return -1;
}

int
auth_passwd_parse(const char *name, struct span text, size_t *n_users_r,
	char **error_r)
{
	struct auth_db db;
	struct auth_user *users;
	size_t n;
	char *copy;
	int ret;

	if (text.len > AUTH_FILE_MAX) {
		*error_r = xstrdup("passwd-file too large");
		return -1;
	}
	memset(&db, 0, sizeof(db));
	db.path = xstrdup(name);
	/* parse_file() cuts lines in place and needs text[len] */
	copy = xmalloc(text.len + 1);
	if (text.len > 0)
		memcpy(copy, text.p, text.len);
	copy[text.len] = '\0';
	ret = parse_file(&db, copy, text.len, &users, &n);
	OPENSSL_cleanse(copy, text.len);
	free(copy);
	if (ret == 0) {
		free_users(users, n);
		*n_users_r = n;
	} else {
		*error_r = db.error;
		db.error = NULL;
	}
	free(db.path);
	return ret;
}

/* Choose the hash an unknown user is checked against: the first crypt
 * hash in the file (same algorithm and cost as real users), else a
 * SHA512-CRYPT hash of a random string. */
static void
set_dummy(struct auth_db *db)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE], pw[33];
	struct crypt_data *cd;
	size_t i;

	for (i = 0; i < db->n_users; i++) {
		if (db->users[i].scheme == SCHEME_CRYPT &&
		    str_copy(db->dummy, sizeof(db->dummy),
		    db->users[i].hash) == 0)
			return;
	}
	if (db->dummy[0] != '\0')
		return;
	if (crypt_gensalt_rn("$6$", 0, NULL, 0, salt, sizeof(salt)) == NULL)
		tern_panic("auth: crypt_gensalt_rn failed");
	str_random_hex(pw, 16);
	cd = xcalloc(1, sizeof(*cd));
	if (crypt_r(pw, salt, cd) == NULL ||
	    str_copy(db->dummy, sizeof(db->dummy), cd->output) < 0)
		tern_panic("auth: crypt_r failed for the dummy hash");
	OPENSSL_cleanse(cd, sizeof(*cd));
	free(cd);
}

/* Read the file if it changed since the last read. 0, or -1 (db->error
 * set, users dropped: answers are TEMPFAIL until the file is fixed). */
static int
refresh(struct auth_db *db)
{
	struct auth_user *users;
	struct stat st;
	size_t n, got = 0;
	char *text;
	int fd;

	if (stat(db->path, &st) < 0) {
		db_error(db, "%s: %s", db->path, strerror(errno));
		goto fail;
	}
	if (db->loaded && st.st_dev == db->dev && st.st_ino == db->ino &&
	    st.st_size == db->size &&
	    st.st_mtim.tv_sec == db->mtime.tv_sec &&
	    st.st_mtim.tv_nsec == db->mtime.tv_nsec)
		return 0;
	if ((fd = open(db->path, O_RDONLY | O_CLOEXEC)) < 0) {
		db_error(db, "%s: %s", db->path, strerror(errno));
		goto fail;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > AUTH_FILE_MAX) {
		db_error(db, "%s: not a regular file of at most %d bytes",
			db->path, AUTH_FILE_MAX);
		close(fd);
		goto fail;
	}
	text = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, text + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got != (size_t)st.st_size) {
		/* short read: the file changed under us; try next time */
		db_error(db, "%s: short read", db->path);
		OPENSSL_cleanse(text, got);
		free(text);
		goto fail;
	}
	text[got] = '\0';
	if (parse_file(db, text, got, &users, &n) < 0) {
		OPENSSL_cleanse(text, got);
		free(text);
		goto fail;
	}
	OPENSSL_cleanse(text, got);
	free(text);
	free_users(db->users, db->n_users);
	db->users = users;
	db->n_users = n;
	db->dev = st.st_dev;
	db->ino = st.st_ino;
	db->size = st.st_size;
	db->mtime = st.st_mtim;
	db->loaded = true;
	free(db->error);
	db->error = NULL;
	set_dummy(db);
	return 0;
fail:
	free_users(db->users, db->n_users);
	db->users = NULL;
	db->n_users = 0;
	db->loaded = false;
	return -1;
}

int
auth_db_open(const char *path, struct auth_db **db_r, char **error_r)
{
	struct auth_db *db = xcalloc(1, sizeof(*db));

	db->path = xstrdup(path);
	if (refresh(db) < 0) {
		*error_r = db->error;
		db->error = NULL;
		auth_db_free(&db);
		return -1;
	}
	*db_r = db;
	return 0;
}

void
auth_db_free(struct auth_db **dbp)
{
	struct auth_db *db;

	if (dbp == NULL || (db = *dbp) == NULL)
		return;
	free_users(db->users, db->n_users);
	free(db->path);
	free(db->error);
	OPENSSL_cleanse(db->dummy, sizeof(db->dummy));
	free(db);
	*dbp = NULL;
}

const char *
auth_db_error(const struct auth_db *db)
{
	return db->error;
}

static const struct auth_user *
lookup(const struct auth_db *db, const char *user)
{
	char name[AUTH_USER_MAX + 1];
	struct auth_user key;

	if (str_copy(name, sizeof(name), user) < 0)
		return NULL;
	str_lower(name);
	key.name = name;
	if (db->n_users == 0)
		return NULL;
	return bsearch(&key, db->users, db->n_users, sizeof(*db->users),
		user_cmp);
}

bool
auth_user_exists(struct auth_db *db, const char *user)
{
	if (refresh(db) < 0)
		return false;
	return lookup(db, user) != NULL;
}

enum auth_result
auth_verify(struct auth_db *db, const char *user, const char *password,
	size_t password_len)
{
	const struct auth_user *u;

	if (refresh(db) < 0)
		return AUTH_TEMPFAIL;
	u = lookup(db, user);
	if (u == NULL || u->scheme == SCHEME_NONE) {
		/* the same crypt work as for a real user; result unused */
		(void)matches(SCHEME_CRYPT, db->dummy, password,
			password_len);
		return AUTH_FAILED;
	}
	return matches(u->scheme, u->hash, password, password_len) ?
		AUTH_OK : AUTH_FAILED;
}

void
auth_failure_delay(unsigned delay_ms)
{
	struct timespec ts;

	ts.tv_sec = delay_ms / 1000;
	ts.tv_nsec = (long)(delay_ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
