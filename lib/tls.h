/* SPDX-License-Identifier: MIT */
/*
 * tls: OpenSSL 3 contexts. Servers: certificate chain and key, TLS 1.2+,
 * sane ciphers. Clients: chain and host name verification on by default,
 * against the system store or a given CA file.
 */
#ifndef TERN_TLS_H
#define TERN_TLS_H

#include <stdbool.h>
#include <openssl/ssl.h>

/* NULL with *error_r (static or a thread-local buffer) on failure. */
SSL_CTX *tls_server_ctx_new(const char *cert_file, const char *key_file,
	const char **error_r);
/* ca_file NULL: the system's CAs. verify false: no checks (--insecure). */
SSL_CTX *tls_client_ctx_new(const char *ca_file, bool verify,
	const char **error_r);
void tls_ctx_free(SSL_CTX **ctx);

#endif
