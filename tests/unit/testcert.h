/* SPDX-License-Identifier: MIT */
/*
 * testcert: a self-signed certificate made at test time (EC P-256, SAN
 * DNS:localhost and IP:127.0.0.1), so the TLS tests need no files in git
 * and no openssl(1).
 */
#ifndef TERN_TESTCERT_H
#define TERN_TESTCERT_H

/* Write the certificate and key as PEM into a new directory under
 * $TMPDIR; fills the paths (static storage). Fails the test on error. */
void testcert_make(const char **cert_file_r, const char **key_file_r);
/* Remove the files and the directory. */
void testcert_remove(void);

#endif
