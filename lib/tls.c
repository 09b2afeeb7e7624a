/* SPDX-License-Identifier: MIT */
/*
 * tls: OpenSSL 3 contexts. Servers: certificate chain and key, TLS 1.2 and
 * up, forward-secret AEAD ciphers (Mozilla "intermediate"), no
 * renegotiation, no compression. The session cache is off: each session
 * is its own process, so a cache would never be hit; session tickets,
 * whose keys are made once in the master before fork, still resume.
 * Clients verify the chain (system store or a CA file) and, through
 * stream_start_tls_client(), the host name.
 */
#include <stdio.h>
#include <openssl/err.h>

#include "tls.h"
#include "tern.h"

/* TLS 1.2 suites; TLS 1.3 keeps OpenSSL's defaults (all AEAD). */
#define TLS_CIPHERS_12 \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:" \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:" \
	"DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384"

static __thread char tls_errbuf[512];

/* "<what>: <first OpenSSL reason>"; empties the error queue. */
static const char *
ssl_error(const char *what, const char *file)
{
	unsigned long e = ERR_get_error();
	const char *reason = e != 0 ? ERR_reason_error_string(e) : NULL;

	ERR_clear_error();
	snprintf(tls_errbuf, sizeof(tls_errbuf), "%s%s%s: %s",
	    file != NULL ? file : "", file != NULL ? ": " : "", what,
	    reason != NULL ? reason : "unknown error");
	return tls_errbuf;
}

/* Settings both sides share. */
static int
ctx_common(SSL_CTX *ctx)
{
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1)
		return -1;
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION |
	    SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (SSL_CTX_set_cipher_list(ctx, TLS_CIPHERS_12) != 1)
		return -1;
	return 0;
}

SSL_CTX *
tls_server_ctx_new(const char *cert_file, const char *key_file,
	const char **error_r)
{
	static const unsigned char sid_ctx[] = "tern";
	SSL_CTX *ctx;

	ERR_clear_error();
	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL) {
		*error_r = ssl_error("SSL_CTX_new", NULL);
		return NULL;
	}
	if (ctx_common(ctx) < 0) {
		*error_r = ssl_error("TLS settings", NULL);
		goto fail;
	}
	SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	if (SSL_CTX_set_session_id_context(ctx, sid_ctx,
	    sizeof(sid_ctx) - 1) != 1 ||
	    SSL_CTX_set_dh_auto(ctx, 1) != 1) {
		*error_r = ssl_error("TLS settings", NULL);
		goto fail;
	}
	if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1) {
		*error_r = ssl_error("certificate", cert_file);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM)
	    != 1) {
		*error_r = ssl_error("private key", key_file);
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		*error_r = ssl_error("key does not match certificate",
		    key_file);
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

SSL_CTX *
tls_client_ctx_new(const char *ca_file, bool verify, const char **error_r)
{
	SSL_CTX *ctx;

	ERR_clear_error();
	ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL) {
		*error_r = ssl_error("SSL_CTX_new", NULL);
		return NULL;
	}
	if (ctx_common(ctx) < 0) {
		*error_r = ssl_error("TLS settings", NULL);
		goto fail;
	}
	if (!verify) {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
		return ctx;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (ca_file != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
			*error_r = ssl_error("CA file", ca_file);
			goto fail;
		}
	} else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
		*error_r = ssl_error("system CA store", NULL);
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

void
tls_ctx_free(SSL_CTX **ctx)
{
	if (ctx == NULL || *ctx == NULL)
		return;
	SSL_CTX_free(*ctx);
	*ctx = NULL;
}
