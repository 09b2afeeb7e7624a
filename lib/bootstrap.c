/* SPDX-License-Identifier: MIT */
/*
 * bootstrap: first start of a data directory. Directories are made 0700;
 * the demo password, the users file, the key and the certificate are each
 * written to a unique temporary name, fsynced and link()ed into place, so
 * a reader sees a whole file or none, and an existing file always wins.
 * Concurrent starts are serialised by flock() on <data_dir>/.bootstrap.lock
 * so a certificate and its key come from the same process.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "bootstrap.h"
#include "buf.h"
#include "str.h"
#include "xmalloc.h"
#include "tern.h"

#define DEMO_USER "demo"
#define DEMO_PASSWORD_FILE "demo-password"
#define DEMO_PASSWORD_LEN 16
#define DEMO_PASSWORD_MAX 256		/* what we read back from the file */
/* No 0/O, 1/l/I: the password is meant to be typed. 56 symbols, so 16
 * of them carry about 93 bits. */
static const char password_alphabet[] =
	"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
#define CERT_DAYS 3650
#define CERT_CN "localhost"
#define CERT_SAN "DNS:localhost,IP:127.0.0.1,IP:::1"
#define BOOTSTRAP_ERROR_MAX 1024

static int TERN_PRINTF(2, 3)
fail(char **error_r, const char *fmt, ...)
{
	struct buf b;
	va_list ap;

	buf_init(&b, BOOTSTRAP_ERROR_MAX);
	va_start(ap, fmt);
	(void)buf_vappendf(&b, fmt, ap);
	va_end(ap);
	*error_r = xstrdup(buf_str(&b));
	buf_clear(&b);
	return -1;
}

/* Make path and its missing parents with mode 0700. */
static int
mkdir_p(const char *path, char **error_r)
{
	char *p = xstrdup(path), *s;
	struct stat st;
	int ret = 0;

	for (s = p + 1;; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST) {
			ret = fail(error_r, "mkdir %s: %s", p, strerror(errno));
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	if (ret == 0 && (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)))
		ret = fail(error_r, "%s: not a directory", path);
	free(p);
	return ret;
}

/* The directory part of path (a copy). */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

static bool
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/*
 * Create path with exactly data, or leave it alone if it exists. 1 when
 * we created it, 0 when it was already there, -1 with *error_r.
 */
static int
create_file(const char *path, const void *data, size_t len, mode_t mode,
	char **error_r)
{
	char rnd[17];
	struct buf tmp;
	size_t off = 0;
	int fd, ret;

	str_random_hex(rnd, 8);
	buf_init(&tmp, 0);
	(void)buf_appendf(&tmp, "%s.tmp.%ld.%s", path, (long)getpid(), rnd);
	fd = open(buf_str(&tmp), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		mode);
	if (fd < 0) {
		ret = fail(error_r, "create %s: %s", buf_str(&tmp),
			strerror(errno));
		buf_clear(&tmp);
		return ret;
	}
	while (off < len) {
		ssize_t w = write(fd, (const char *)data + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			ret = fail(error_r, "write %s: %s", buf_str(&tmp),
				strerror(errno));
			goto out;
		}
		off += (size_t)w;
	}
	if (fchmod(fd, mode) < 0 || fsync(fd) < 0) {
		ret = fail(error_r, "fsync %s: %s", buf_str(&tmp),
			strerror(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		ret = fail(error_r, "close %s: %s", buf_str(&tmp),
			strerror(errno));
		goto out;
	}
	fd = -1;
	if (link(buf_str(&tmp), path) == 0)
		ret = 1;
	else if (errno == EEXIST)
		ret = 0;	/* someone was first: theirs stays */
	else
		ret = fail(error_r, "link %s: %s", path, strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	(void)unlink(buf_str(&tmp));
	buf_clear(&tmp);
	return ret;
}

/* A new random password of DEMO_PASSWORD_LEN characters into out. */
static void
random_password(char *out)
{
	const size_t n = sizeof(password_alphabet) - 1;
	/* the largest multiple of n below 256: no modulo bias */
	const unsigned limit = 256 - 256 % n;
	size_t got = 0;

	while (got < DEMO_PASSWORD_LEN) {
		unsigned char r[32];
		size_t i;

		if (RAND_bytes(r, (int)sizeof(r)) != 1)
			tern_panic("bootstrap: RAND_bytes failed");
		for (i = 0; i < sizeof(r) && got < DEMO_PASSWORD_LEN; i++) {
			if (r[i] < limit)
				out[got++] = password_alphabet[r[i] % n];
		}
		OPENSSL_cleanse(r, sizeof(r));
	}
	out[got] = '\0';
}

/* The first line of path into out. */
static int
read_password(const char *path, char *out, size_t size, char **error_r)
{
	FILE *f = fopen(path, "r");
	size_t len;

	if (f == NULL)
		return fail(error_r, "%s: %s", path, strerror(errno));
	if (fgets(out, (int)size, f) == NULL) {
		fclose(f);
		return fail(error_r, "%s: empty", path);
	}
	fclose(f);
	len = strcspn(out, "\r\n");
	out[len] = '\0';
	if (len == 0)
		return fail(error_r, "%s: empty", path);
	return 0;
}

/* The demo password: the one in <data_dir>/demo-password, else a new one
 * stored there first. */
static int
demo_password(const struct tern_config *cfg, char *out, size_t size,
	char **error_r)
{
	struct buf pb, line;
	const char *path;
	int ret;

	buf_init(&pb, 0);
	(void)buf_appendf(&pb, "%s/" DEMO_PASSWORD_FILE, cfg->data_dir);
	path = buf_str(&pb);
	if (!exists(path)) {
		random_password(out);
		buf_init(&line, 0);
		(void)buf_appendf(&line, "%s\n", out);
		ret = create_file(path, line.data, line.len, 0600, error_r);
		OPENSSL_cleanse(line.data, line.len);
		buf_clear(&line);
		if (ret != 0) {
			buf_clear(&pb);
			return ret < 0 ? -1 : 0;
		}
	}
	ret = read_password(path, out, size, error_r);
	buf_clear(&pb);
	return ret;
}

static int
make_users_file(const struct tern_config *cfg, char **error_r)
{
	char password[DEMO_PASSWORD_MAX], salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	struct buf text;
	char *dir;
	int ret;

	if (exists(cfg->users_file))
		return 0;
	dir = dir_of(cfg->users_file);
	ret = mkdir_p(dir, error_r);
	free(dir);
	if (ret < 0)
		return -1;
	if (demo_password(cfg, password, sizeof(password), error_r) < 0)
		return -1;
	if (crypt_gensalt_rn("$6$", 0, NULL, 0, salt, sizeof(salt)) == NULL)
		return fail(error_r, "crypt_gensalt: %s", strerror(errno));
	cd = xcalloc(1, sizeof(*cd));
	if (crypt_r(password, salt, cd) == NULL || cd->output[0] == '*') {
		free(cd);
		return fail(error_r, "crypt_r failed");
	}
	OPENSSL_cleanse(password, sizeof(password));
	buf_init(&text, 0);
	(void)buf_appendf(&text,
		"# tern users: Dovecot passwd-file, see etc/users.example.\n"
		"# The demo password is in %s/" DEMO_PASSWORD_FILE ".\n"
		"%s@%s:{SHA512-CRYPT}%s::::::\n", cfg->data_dir, DEMO_USER,
		cfg->domains[0], cd->output);
	OPENSSL_cleanse(cd, sizeof(*cd));
	free(cd);
	ret = create_file(cfg->users_file, text.data, text.len, 0600,
		error_r);
	buf_clear(&text);
	return ret < 0 ? -1 : 0;
}

static int
add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (ext == NULL)
		return -1;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? 0 : -1;
}

/* A self-signed EC P-256 certificate for localhost into PEM texts. */
static int
make_cert(struct buf *cert_r, struct buf *key_r, char **error_r)
{
	EVP_PKEY *pkey = NULL;
	X509 *x = NULL;
	X509_NAME *name;
	BIGNUM *serial = NULL;
	BIO *kb = NULL, *cb = NULL;
	char *data;
	long len;
	int ret = -1;

	if ((pkey = EVP_EC_gen("P-256")) == NULL ||
	    (x = X509_new()) == NULL || (serial = BN_new()) == NULL)
		goto ossl;
	/* RFC 5280 4.1.2.2: positive, at most 20 octets */
	if (X509_set_version(x, X509_VERSION_3) != 1 ||
	    BN_rand(serial, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
	    BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) == NULL ||
	    X509_gmtime_adj(X509_getm_notBefore(x), 0) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x),
	    (long)CERT_DAYS * 24 * 3600) == NULL ||
	    X509_set_pubkey(x, pkey) != 1)
		goto ossl;
	name = X509_get_subject_name(x);
	if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)CERT_CN, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, name) != 1)
		goto ossl;
	if (add_ext(x, NID_basic_constraints, "critical,CA:FALSE") < 0 ||
	    add_ext(x, NID_key_usage, "critical,digitalSignature") < 0 ||
	    add_ext(x, NID_ext_key_usage, "serverAuth") < 0 ||
	    add_ext(x, NID_subject_key_identifier, "hash") < 0 ||
	    add_ext(x, NID_subject_alt_name, CERT_SAN) < 0)
		goto ossl;
	if (X509_sign(x, pkey, EVP_sha256()) <= 0)
		goto ossl;
	/* the key goes through secure memory and is wiped after */
	if ((kb = BIO_new(BIO_s_secmem())) == NULL ||
	    (cb = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PrivateKey(kb, pkey, NULL, NULL, 0, NULL,
	    NULL) != 1 || PEM_write_bio_X509(cb, x) != 1)
		goto ossl;
	len = BIO_get_mem_data(kb, &data);
	if (len <= 0 || buf_append(key_r, data, (size_t)len) < 0)
		goto ossl;
	len = BIO_get_mem_data(cb, &data);
	if (len <= 0 || buf_append(cert_r, data, (size_t)len) < 0)
		goto ossl;
	ret = 0;
	goto out;
ossl:
	fail(error_r, "making the self-signed certificate failed (OpenSSL "
		"error %lu)", ERR_get_error());
out:
	BIO_free(kb);
	BIO_free(cb);
	BN_free(serial);
	X509_free(x);
	EVP_PKEY_free(pkey);
	return ret;
}

static int
make_tls_files(const struct tern_config *cfg, char **error_r)
{
	bool have_cert = exists(cfg->tls_cert), have_key = exists(cfg->tls_key);
	struct buf cert, key;
	char *dir;
	int ret;

	if (have_cert && have_key)
		return 0;
	if (have_cert != have_key)
		return fail(error_r, "%s exists but %s does not: not making a "
			"new pair", have_cert ? cfg->tls_cert : cfg->tls_key,
			have_cert ? cfg->tls_key : cfg->tls_cert);
	dir = dir_of(cfg->tls_cert);
	ret = mkdir_p(dir, error_r);
	free(dir);
	if (ret < 0)
		return -1;
	dir = dir_of(cfg->tls_key);
	ret = mkdir_p(dir, error_r);
	free(dir);
	if (ret < 0)
		return -1;
	buf_init(&cert, 0);
	buf_init(&key, 0);
	ret = make_cert(&cert, &key, error_r);
	/* the key first: whoever places it also places its certificate */
	if (ret == 0)
		ret = create_file(cfg->tls_key, key.data, key.len, 0600,
			error_r);
	if (ret == 1)
		ret = create_file(cfg->tls_cert, cert.data, cert.len, 0644,
			error_r);
	if (key.data != NULL)
		OPENSSL_cleanse(key.data, key.len);
	buf_clear(&key);
	buf_clear(&cert);
	return ret < 0 ? -1 : 0;
}

int
bootstrap_data_dir(const struct tern_config *cfg, char **error_r)
{
	struct buf lock;
	int fd, ret = -1;

	*error_r = NULL;
	if (mkdir_p(cfg->data_dir, error_r) < 0 ||
	    mkdir_p(cfg->mail_root, error_r) < 0 ||
	    mkdir_p(cfg->queue_dir, error_r) < 0)
		return -1;
	buf_init(&lock, 0);
	(void)buf_appendf(&lock, "%s/.bootstrap.lock", cfg->data_dir);
	fd = open(buf_str(&lock), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		fail(error_r, "%s: %s", buf_str(&lock), strerror(errno));
		buf_clear(&lock);
		return -1;
	}
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			fail(error_r, "flock %s: %s", buf_str(&lock),
				strerror(errno));
			goto out;
		}
	}
	if (make_users_file(cfg, error_r) < 0 ||
	    make_tls_files(cfg, error_r) < 0)
		goto out;
	ret = 0;
out:
	close(fd);	/* releases the lock */
	buf_clear(&lock);
	return ret;
}
