/* SPDX-License-Identifier: MIT */
/* testcert: see testcert.h. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "testcert.h"
#include "tern.h"

static char dir[256], cert_path[300], key_path[300];

static void
add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	ck_assert_ptr_nonnull(ext);
	ck_assert_int_eq(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

void
testcert_make(const char **cert_file_r, const char **key_file_r)
{
	const char *tmp = getenv("TMPDIR");
	EVP_PKEY *key;
	X509 *x;
	X509_NAME *name;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/tern-cert-XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cert_path, sizeof(cert_path), "%s/cert.pem", dir);
	snprintf(key_path, sizeof(key_path), "%s/key.pem", dir);

	key = EVP_EC_gen("P-256");
	ck_assert_ptr_nonnull(key);
	x = X509_new();
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(X509_set_version(x, 2), 1);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	ck_assert_int_eq(X509_set_pubkey(x, key), 1);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"localhost", -1, -1, 0);
	ck_assert_int_eq(X509_set_issuer_name(x, name), 1);
	add_ext(x, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
	add_ext(x, NID_basic_constraints, "critical,CA:TRUE");
	ck_assert_int_gt(X509_sign(x, key, EVP_sha256()), 0);

	f = fopen(cert_path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(PEM_write_X509(f, x), 1);
	ck_assert_int_eq(fclose(f), 0);
	f = fopen(key_path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL,
	    NULL), 1);
	ck_assert_int_eq(fclose(f), 0);
	X509_free(x);
	EVP_PKEY_free(key);
	*cert_file_r = cert_path;
	*key_file_r = key_path;
}

void
testcert_remove(void)
{
	(void)unlink(cert_path);
	(void)unlink(key_path);
	(void)rmdir(dir);
}
