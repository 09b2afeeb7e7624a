/* SPDX-License-Identifier: MIT */
/*
 * stream: buffered line/byte I/O over a plain fd pair, an OpenSSL TLS
 * session, or memory (tests), with timeouts (STYLE.md 5). Protocol code
 * never calls read/write/SSL_* itself. STARTTLS swaps the ops in place and
 * refuses when plaintext input is still buffered (injection, RFC 3207 5).
 * Output is buffered; a write error is sticky until stream_flush().
 */
#ifndef TERN_STREAM_H
#define TERN_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <openssl/ssl.h>
#include "buf.h"
#include "tern.h"

struct stream;

enum stream_eol {
	STREAM_EOL_NONE,	/* no terminator (only with EOF) */
	STREAM_EOL_CRLF,
	STREAM_EOL_LF,		/* bare LF */
};

/* Over file descriptors (a socket twice, or 0 and 1 for --stdio). The fds
 * are closed by stream_free() when close_fds is true. When wfd is not a
 * socket, and on STARTTLS, SIGPIPE is set to SIG_IGN if it was SIG_DFL
 * (write(2) has no MSG_NOSIGNAL). TLS sets O_NONBLOCK on the fds. */
struct stream *stream_fd_new(int rfd, int wfd, bool close_fds);
/* Over memory: reads input (copied), collects output for the tests. */
struct stream *stream_mem_new(const void *input, size_t len);
/* Tests: each read of a mem stream returns at most chunk bytes (0: no
 * limit), to split input at every offset. */
void stream_mem_set_chunk(struct stream *s, size_t chunk);
/* All output written and flushed so far (mem streams only). */
const struct buf *stream_mem_output(const struct stream *s);
/* Flush (best effort), shut TLS down, free; sets *s to NULL; accepts NULL. */
void stream_free(struct stream **s);

/* Idle timeout for each read or write, in milliseconds (0: none). */
void stream_set_timeout(struct stream *s, int timeout_ms);
/* An absolute deadline (CLOCK_MONOTONIC seconds, 0: none) for the whole
 * session; an operation past it fails as a timeout. */
void stream_set_deadline(struct stream *s, long deadline);

/*
 * Read one line into line (reset first), without its terminator. Returns
 * 1 for a line, 0 for EOF (a partial last line is dropped), -1 for an I/O
 * error or timeout (stream_error()), -2 when the line is longer than max
 * bytes: then the rest of the line has been read and dropped, so the
 * session stays in sync. eol_r (may be NULL) says how the line ended.
 */
int stream_read_line(struct stream *s, struct buf *line, size_t max,
	enum stream_eol *eol_r);
/* Append exactly n bytes to b (literals, BDAT): 1, 0 for EOF before n,
 * -1 for error/timeout, -2 if b's max would be exceeded (the n bytes are
 * still consumed). */
int stream_read_exact(struct stream *s, struct buf *b, size_t n);
/* Up to size bytes (buffered first, else one read): >0, 0 EOF, -1 error. */
ssize_t stream_read(struct stream *s, void *p, size_t size);
/* Input is buffered already (pipelining; STARTTLS injection check). */
bool stream_has_pending(const struct stream *s);
/* The fd input comes from, to poll() it alongside others (IDLE); -1 for
 * a mem stream. Check stream_has_pending() first: buffered input does
 * not make the fd readable. */
int stream_read_fd(const struct stream *s);

/* A tap sees every byte written, in order, as it is queued (a protocol
 * trace: imapd -d). fn NULL removes it; it survives a STARTTLS swap. */
typedef void stream_tap_fn(void *ctx, const void *p, size_t len);
void stream_set_write_tap(struct stream *s, stream_tap_fn *fn, void *ctx);

/* Buffered writes; errors are sticky and reported by stream_flush(). */
void stream_write(struct stream *s, const void *p, size_t len);
void stream_puts(struct stream *s, const char *str);
void stream_printf(struct stream *s, const char *fmt, ...) TERN_PRINTF(2, 3);
/* Write out the buffer: 0, or -1 for an error or timeout (now or earlier). */
int stream_flush(struct stream *s);

/* TLS handshake as server (SSL_accept) or client (SSL_connect with SNI and
 * host name check when host != NULL) over the same fds. -1 with *error_r
 * (static or owned by s) when it fails, or when input is still buffered. */
int stream_start_tls_server(struct stream *s, SSL_CTX *ctx,
	const char **error_r);
int stream_start_tls_client(struct stream *s, SSL_CTX *ctx, const char *host,
	const char **error_r);
bool stream_is_tls(const struct stream *s);
/* After the handshake: e.g. "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384
 * (256/256 bits)", as Postfix writes it in Received; NULL without TLS. */
const char *stream_tls_info(const struct stream *s);
/* Protocol version and cipher names separately; NULL without TLS. */
const char *stream_tls_version(const struct stream *s);
const char *stream_tls_cipher(const struct stream *s);
/* The TLS session (peer certificate checks), owned by s; NULL without. */
SSL *stream_tls_ssl(const struct stream *s);

/* The last error ("timeout", "connection reset", an OpenSSL reason). */
const char *stream_error(const struct stream *s);
bool stream_timed_out(const struct stream *s);
/* Bytes read and written so far, for the disconnect log line. */
unsigned long long stream_bytes_in(const struct stream *s);
unsigned long long stream_bytes_out(const struct stream *s);

#endif
