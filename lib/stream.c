/* SPDX-License-Identifier: MIT */
/*
 * stream: buffered I/O over an ops table with three backends: fd (a socket,
 * or a pipe/tty/file pair for --stdio), tls (an OpenSSL SSL * over the same
 * fds) and mem (tests). STARTTLS swaps fd for tls in place, and only when
 * no plaintext input is buffered (RFC 3207 5, the injection bug class).
 *
 * Timeouts: each backend operation gets the idle timeout, cut short by the
 * session deadline, and waits with poll(). Sockets use recv/send with
 * MSG_DONTWAIT (and MSG_NOSIGNAL: no SIGPIPE) so that the fds need not be
 * non-blocking; other fds are polled first and written PIPE_BUF bytes at a
 * time. TLS needs O_NONBLOCK, which stream_start_tls_*() sets: OpenSSL then
 * reports SSL_ERROR_WANT_READ/WRITE, and only then do we poll, so records
 * already buffered inside OpenSSL (SSL_pending) are read without waiting.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "clock.h"
#include "stream.h"
#include "xmalloc.h"
#include "tern.h"

/* Input buffer: one maximum TLS record (RFC 8446 5.1). */
#define STREAM_IN_SIZE 16384
/* stream_write() flushes once this much output is buffered. */
#define STREAM_OUT_HIGH 65536
#define STREAM_ERROR_MAX 256
#define STREAM_TLS_INFO_MAX 160

struct stream_ops {
	const char *name;
	/* >0 bytes, 0 EOF, -1 error (s->error set) */
	ssize_t (*read)(struct stream *s, void *p, size_t size);
	/* >0 bytes written, -1 error (s->error set) */
	ssize_t (*write)(struct stream *s, const void *p, size_t len);
	void (*close)(struct stream *s);
};

struct stream {
	const struct stream_ops *ops;
	int rfd, wfd;
	bool close_fds;
	bool rsock, wsock;	/* recv/send with flags, or read/write */

	SSL *ssl;
	bool tls_dead;		/* fatal TLS error: no SSL_shutdown */

	/* mem backend */
	char *mem_in;
	size_t mem_in_len, mem_in_pos, mem_chunk;
	struct buf mem_out;

	char in[STREAM_IN_SIZE];
	size_t in_start, in_end;
	bool eof;
	struct buf out;
	bool write_failed;	/* sticky until stream_flush() */
	stream_tap_fn *tap;	/* sees what is written (a trace) */
	void *tap_ctx;

	int timeout_ms;
	long deadline;
	long long op_deadline_ms;	/* this operation's; 0: none */
	bool timed_out;

	unsigned long long bytes_in, bytes_out;
	char error[STREAM_ERROR_MAX];
	char tls_info[STREAM_TLS_INFO_MAX];
};

static void stream_seterr(struct stream *s, const char *fmt, ...)
	TERN_PRINTF(2, 3);
static void
stream_seterr(struct stream *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->error, sizeof(s->error), fmt, ap);
	va_end(ap);
}

static void
seterr_errno(struct stream *s, int err)
{
	switch (err) {
	case ECONNRESET:
		stream_seterr(s, "connection reset");
		break;
	case EPIPE:
		stream_seterr(s, "connection closed");
		break;
	default:
		stream_seterr(s, "%s", strerror(err));
		break;
	}
}

/* Start one backend operation: fix its deadline. false if the session
 * deadline has passed already. */
static bool
op_begin(struct stream *s)
{
	long long now = clock_monotonic_ms(), d = 0;

	if (s->timeout_ms > 0)
		d = now + s->timeout_ms;
	if (s->deadline > 0) {
		long long sd = (long long)s->deadline * 1000;

		if (now >= sd) {
			s->timed_out = true;
			stream_seterr(s, "timeout");
			return false;
		}
		if (d == 0 || sd < d)
			d = sd;
	}
	s->op_deadline_ms = d;
	return true;
}

/* Wait until fd is ready for events or the operation's deadline: 0 when
 * ready (or in error: the next I/O call reports it), -1 on timeout. */
static int
wait_fd(struct stream *s, int fd, short events)
{
	struct pollfd pfd;
	int timeout, n;

	for (;;) {
		timeout = -1;
		if (s->op_deadline_ms != 0) {
			long long left = s->op_deadline_ms - clock_monotonic_ms();

			if (left <= 0)
				goto timeout;
			timeout = left > INT_MAX ? INT_MAX : (int)left;
		}
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			seterr_errno(s, errno);
			return -1;
		}
		if (n == 0)
			goto timeout;
		if ((pfd.revents & POLLNVAL) != 0) {
			stream_seterr(s, "invalid file descriptor");
			return -1;
		}
		return 0;
	}
timeout:
	s->timed_out = true;
	stream_seterr(s, "timeout");
	return -1;
}

/* fd backend */

static ssize_t
fd_read(struct stream *s, void *p, size_t size)
{
	ssize_t n;

	if (!op_begin(s))
		return -1;
	for (;;) {
		if (!s->rsock && wait_fd(s, s->rfd, POLLIN) < 0)
			return -1;
		if (s->rsock)
			n = recv(s->rfd, p, size, MSG_DONTWAIT);
		else
			n = read(s->rfd, p, size);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (wait_fd(s, s->rfd, POLLIN) < 0)
				return -1;
			continue;
		}
		seterr_errno(s, errno);
		return -1;
	}
}

static ssize_t
fd_write(struct stream *s, const void *p, size_t len)
{
	ssize_t n;

	if (!op_begin(s))
		return -1;
	for (;;) {
		if (s->wsock) {
			n = send(s->wfd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		} else {
			if (wait_fd(s, s->wfd, POLLOUT) < 0)
				return -1;
			/* POLLOUT promises PIPE_BUF bytes to a pipe */
			n = write(s->wfd, p, len < PIPE_BUF ? len : PIPE_BUF);
		}
		if (n > 0)
			return n;
		if (n == 0) {
			stream_seterr(s, "write returned 0");
			return -1;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (s->wsock && wait_fd(s, s->wfd, POLLOUT) < 0)
				return -1;
			continue;
		}
		seterr_errno(s, errno);
		return -1;
	}
}

static void
close_fds(struct stream *s)
{
	if (!s->close_fds)
		return;
	if (s->rfd >= 0)
		(void)close(s->rfd);
	if (s->wfd >= 0 && s->wfd != s->rfd)
		(void)close(s->wfd);
	s->rfd = s->wfd = -1;
}

static void
fd_close(struct stream *s)
{
	close_fds(s);
}

static const struct stream_ops fd_ops = {
	"fd", fd_read, fd_write, fd_close,
};

/* tls backend */

/* The first queued OpenSSL error (plus the verify result) into s->error;
 * the queue is emptied. */
static void
seterr_ssl(struct stream *s, int ssl_err, int sys_errno)
{
	unsigned long e = ERR_get_error();
	const char *reason = e != 0 ? ERR_reason_error_string(e) : NULL;
	long vr;

	ERR_clear_error();
	if (ssl_err == SSL_ERROR_SYSCALL && e == 0) {
		if (sys_errno != 0)
			seterr_errno(s, sys_errno);
		else
			stream_seterr(s, "connection closed");
		return;
	}
	vr = s->ssl != NULL ? SSL_get_verify_result(s->ssl) : X509_V_OK;
	if (vr != X509_V_OK) {
		stream_seterr(s, "%s: %s",
		    reason != NULL ? reason : "TLS error",
		    X509_verify_cert_error_string(vr));
	} else if (reason != NULL) {
		stream_seterr(s, "%s", reason);
	} else {
		stream_seterr(s, "TLS error %d", ssl_err);
	}
}

/* After a failed SSL call: 0 to retry (after waiting), -1 to give up
 * (s->error set), 1 for a clean EOF. */
static int
tls_retry(struct stream *s, int ret)
{
	int sys_errno = errno;	/* before anything can change it */
	int err = SSL_get_error(s->ssl, ret);

	switch (err) {
	case SSL_ERROR_WANT_READ:
		return wait_fd(s, s->rfd, POLLIN);
	case SSL_ERROR_WANT_WRITE:
		return wait_fd(s, s->wfd, POLLOUT);
	case SSL_ERROR_ZERO_RETURN:
		return 1;
	case SSL_ERROR_SYSCALL:
		if (sys_errno == EINTR && ERR_peek_error() == 0)
			return 0;
		__attribute__((fallthrough));
	default:
		s->tls_dead = true;
		seterr_ssl(s, err, sys_errno);
		return -1;
	}
}

static ssize_t
tls_read(struct stream *s, void *p, size_t size)
{
	size_t n;
	int ret, r;

	if (!op_begin(s))
		return -1;
	for (;;) {
		ERR_clear_error();
		errno = 0;
		ret = SSL_read_ex(s->ssl, p, size, &n);
		if (ret == 1)
			return (ssize_t)n;
		r = tls_retry(s, ret);
		if (r < 0)
			return -1;
		if (r > 0)
			return 0;
	}
}

static ssize_t
tls_write(struct stream *s, const void *p, size_t len)
{
	size_t n;
	int ret, r;

	if (!op_begin(s))
		return -1;
	for (;;) {
		ERR_clear_error();
		errno = 0;
		ret = SSL_write_ex(s->ssl, p, len, &n);
		if (ret == 1)
			return (ssize_t)n;
		r = tls_retry(s, ret);
		if (r < 0)
			return -1;
		if (r > 0) {
			stream_seterr(s, "TLS connection closed");
			return -1;
		}
	}
}

static void
tls_close(struct stream *s)
{
	if (!s->tls_dead) {
		/* Best effort, one try: the fds are non-blocking. */
		ERR_clear_error();
		(void)SSL_shutdown(s->ssl);
		ERR_clear_error();
	}
	SSL_free(s->ssl);
	s->ssl = NULL;
	close_fds(s);
}

static const struct stream_ops tls_ops = {
	"tls", tls_read, tls_write, tls_close,
};

/* mem backend */

static ssize_t
mem_read(struct stream *s, void *p, size_t size)
{
	size_t n = s->mem_in_len - s->mem_in_pos;

	if (n > size)
		n = size;
	if (s->mem_chunk != 0 && n > s->mem_chunk)
		n = s->mem_chunk;
	if (n > 0)
		memcpy(p, s->mem_in + s->mem_in_pos, n);
	s->mem_in_pos += n;
	return (ssize_t)n;
}

static ssize_t
mem_write(struct stream *s, const void *p, size_t len)
{
	if (buf_append(&s->mem_out, p, len) < 0) {
		stream_seterr(s, "memory output full");
		return -1;
	}
	return (ssize_t)len;
}

static void
mem_close(struct stream *s)
{
	free(s->mem_in);
	s->mem_in = NULL;
	buf_clear(&s->mem_out);
}

static const struct stream_ops mem_ops = {
	"mem", mem_read, mem_write, mem_close,
};

/* life cycle */

static struct stream *
stream_alloc(const struct stream_ops *ops)
{
	struct stream *s = xcalloc(1, sizeof(*s));

	s->ops = ops;
	s->rfd = s->wfd = -1;
	buf_init(&s->out, 0);
	buf_init(&s->mem_out, 0);
	return s;
}

static void
ignore_sigpipe(void)
{
	struct sigaction sa;

	if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL)
		(void)signal(SIGPIPE, SIG_IGN);
}

static bool
is_socket(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

struct stream *
stream_fd_new(int rfd, int wfd, bool close_fds_)
{
	struct stream *s = stream_alloc(&fd_ops);

	s->rfd = rfd;
	s->wfd = wfd;
	s->close_fds = close_fds_;
	s->rsock = is_socket(rfd);
	s->wsock = wfd == rfd ? s->rsock : is_socket(wfd);
	/* write(2) to a pipe has no MSG_NOSIGNAL: EPIPE must be an error,
	 * not the death of the session. */
	if (!s->wsock)
		ignore_sigpipe();
	return s;
}

struct stream *
stream_mem_new(const void *input, size_t len)
{
	struct stream *s = stream_alloc(&mem_ops);

	s->mem_in = xmalloc(len);
	if (len > 0)
		memcpy(s->mem_in, input, len);
	s->mem_in_len = len;
	return s;
}

void
stream_mem_set_chunk(struct stream *s, size_t chunk)
{
	s->mem_chunk = chunk;
}

const struct buf *
stream_mem_output(const struct stream *s)
{
	return &s->mem_out;
}

void
stream_free(struct stream **sp)
{
	struct stream *s = *sp;

	if (s == NULL)
		return;
	*sp = NULL;
	/* A peer that let us time out gets no second wait. */
	if (!s->timed_out)
		(void)stream_flush(s);
	s->ops->close(s);
	buf_clear(&s->out);
	buf_clear(&s->mem_out);
	free(s->mem_in);
	free(s);
}

void
stream_set_timeout(struct stream *s, int timeout_ms)
{
	s->timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
}

void
stream_set_deadline(struct stream *s, long deadline)
{
	s->deadline = deadline > 0 ? deadline : 0;
}

/* input */

/* Refill the empty input buffer: 1, 0 for EOF, -1 for an error. */
static int
fill(struct stream *s)
{
	ssize_t n;

	if (s->in_start < s->in_end)
		return 1;
	s->in_start = s->in_end = 0;
	if (s->eof)
		return 0;
	n = s->ops->read(s, s->in, sizeof(s->in));
	if (n < 0)
		return -1;
	if (n == 0) {
		s->eof = true;
		return 0;
	}
	s->in_end = (size_t)n;
	s->bytes_in += (unsigned long long)n;
	return 1;
}

int
stream_read_line(struct stream *s, struct buf *line, size_t max,
	enum stream_eol *eol_r)
{
	bool overlong = false, pending_cr = false;
	int r;

	buf_reset(line);
	if (eol_r != NULL)
		*eol_r = STREAM_EOL_NONE;
	for (;;) {
		const char *p, *lf;
		size_t n, take;

		if ((r = fill(s)) <= 0)
			return r;
		p = s->in + s->in_start;
		n = s->in_end - s->in_start;
		lf = memchr(p, '\n', n);
		take = lf != NULL ? (size_t)(lf - p) : n;
		/* A CR held back from the last chunk was data after all. */
		if (pending_cr && (take > 0 || lf == NULL)) {
			pending_cr = false;
			if (!overlong && (line->len + 1 > max ||
			    buf_putc(line, '\r') < 0))
				overlong = true;
		}
		/* Hold back a CR that may be the first half of CRLF. */
		if (take > 0 && p[take - 1] == '\r') {
			pending_cr = true;
			take--;
		}
		if (!overlong && (take > max - line->len ||
		    buf_append(line, p, take) < 0))
			overlong = true;
		if (lf == NULL) {
			s->in_start = s->in_end;
			continue;
		}
		s->in_start += (size_t)(lf - p) + 1;
		if (overlong) {
			buf_reset(line);
			return -2;
		}
		if (eol_r != NULL)
			*eol_r = pending_cr ? STREAM_EOL_CRLF : STREAM_EOL_LF;
		return 1;
	}
}

int
stream_read_exact(struct stream *s, struct buf *b, size_t n)
{
	/* All or nothing: b is unchanged when the bytes do not fit. */
	bool full = b->max != 0 && (n > b->max || b->len > b->max - n);
	int r;

	while (n > 0) {
		size_t take;

		if ((r = fill(s)) <= 0)
			return r;
		take = s->in_end - s->in_start;
		if (take > n)
			take = n;
		if (!full && buf_append(b, s->in + s->in_start, take) < 0)
			full = true;
		s->in_start += take;
		n -= take;
	}
	return full ? -2 : 1;
}

ssize_t
stream_read(struct stream *s, void *p, size_t size)
{
	size_t n;
	int r;

	if (size == 0)
		return 0;
	if ((r = fill(s)) <= 0)
		return r;
	n = s->in_end - s->in_start;
	if (n > size)
		n = size;
	memcpy(p, s->in + s->in_start, n);
	s->in_start += n;
	return (ssize_t)n;
}

bool
stream_has_pending(const struct stream *s)
{
	if (s->in_start < s->in_end)
		return true;
	return s->ssl != NULL && SSL_pending(s->ssl) > 0;
}

int
stream_read_fd(const struct stream *s)
{
	return s->ops == &mem_ops ? -1 : s->rfd;
}

/* output */

void
stream_write(struct stream *s, const void *p, size_t len)
{
	if (s->write_failed)
		return;
	if (buf_append(&s->out, p, len) < 0)
		tern_panic("stream_write: output buffer overflow");
	if (s->tap != NULL)
		s->tap(s->tap_ctx, p, len);
	if (s->out.len >= STREAM_OUT_HIGH)
		(void)stream_flush(s);
}

void
stream_set_write_tap(struct stream *s, stream_tap_fn *fn, void *ctx)
{
	s->tap = fn;
	s->tap_ctx = ctx;
}

void
stream_puts(struct stream *s, const char *str)
{
	stream_write(s, str, strlen(str));
}

void
stream_printf(struct stream *s, const char *fmt, ...)
{
	va_list ap;
	size_t old = s->out.len;
	int ret;

	if (s->write_failed)
		return;
	va_start(ap, fmt);
	ret = buf_vappendf(&s->out, fmt, ap);
	va_end(ap);
	if (ret < 0)
		tern_panic("stream_printf: format or overflow error");
	if (s->tap != NULL)
		s->tap(s->tap_ctx, s->out.data + old, s->out.len - old);
	if (s->out.len >= STREAM_OUT_HIGH)
		(void)stream_flush(s);
}

int
stream_flush(struct stream *s)
{
	size_t done = 0;

	while (!s->write_failed && done < s->out.len) {
		ssize_t n = s->ops->write(s, s->out.data + done,
		    s->out.len - done);

		if (n < 0) {
			s->write_failed = true;
			break;
		}
		done += (size_t)n;
		s->bytes_out += (unsigned long long)n;
	}
	if (s->write_failed) {
		buf_reset(&s->out);
		return -1;
	}
	buf_reset(&s->out);
	return 0;
}

/* TLS */

static int
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	return 0;
}

static void
make_tls_info(struct stream *s)
{
	const SSL_CIPHER *c = SSL_get_current_cipher(s->ssl);
	int alg_bits = 0, bits;

	if (c == NULL) {
		stream_seterr(s, "no cipher");
		s->tls_info[0] = '\0';
		return;
	}
	bits = SSL_CIPHER_get_bits(c, &alg_bits);
	snprintf(s->tls_info, sizeof(s->tls_info),
	    "%s with cipher %s (%d/%d bits)", SSL_get_version(s->ssl),
	    SSL_CIPHER_get_name(c), bits, alg_bits);
}

static int
start_tls(struct stream *s, SSL_CTX *ctx, bool server, const char *host,
	const char **error_r)
{
	struct in6_addr ip;
	bool is_ip;
	int ret, r;

	*error_r = s->error;
	if (s->ssl != NULL) {
		stream_seterr(s, "TLS is already active");
		return -1;
	}
	if (s->ops != &fd_ops) {
		stream_seterr(s, "TLS needs a file descriptor");
		return -1;
	}
	if (stream_has_pending(s)) {
		/* RFC 3207 5: commands sent before the handshake must not be
		 * taken as if they came over TLS. */
		stream_seterr(s, "plaintext input pipelined after STARTTLS");
		return -1;
	}
	if (stream_flush(s) < 0)
		return -1;
	/* OpenSSL writes to the socket with write(2): no SIGPIPE wanted. */
	ignore_sigpipe();
	if (set_nonblock(s->rfd) < 0 || set_nonblock(s->wfd) < 0) {
		seterr_errno(s, errno);
		return -1;
	}
	ERR_clear_error();
	s->ssl = SSL_new(ctx);
	if (s->ssl == NULL) {
		seterr_ssl(s, SSL_ERROR_SSL, 0);
		return -1;
	}
	s->tls_dead = false;
	SSL_set_options(s->ssl, SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_set_mode(s->ssl, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (s->rfd == s->wfd ? SSL_set_fd(s->ssl, s->rfd) != 1 :
	    (SSL_set_rfd(s->ssl, s->rfd) != 1 ||
	    SSL_set_wfd(s->ssl, s->wfd) != 1))
		goto ssl_fail;
	if (server) {
		SSL_set_accept_state(s->ssl);
	} else {
		SSL_set_connect_state(s->ssl);
		if (host != NULL) {
			is_ip = inet_pton(AF_INET, host, &ip) == 1 ||
			    inet_pton(AF_INET6, host, &ip) == 1;
			/* RFC 6066 3: no IP literals in SNI */
			if (is_ip) {
				X509_VERIFY_PARAM *vp = SSL_get0_param(s->ssl);

				if (X509_VERIFY_PARAM_set1_ip_asc(vp, host)
				    != 1)
					goto ssl_fail;
			} else if (SSL_set_tlsext_host_name(s->ssl, host) != 1
			    || SSL_set1_host(s->ssl, host) != 1) {
				goto ssl_fail;
			}
		}
	}
	if (!op_begin(s))
		goto fail;
	for (;;) {
		ERR_clear_error();
		errno = 0;
		ret = SSL_do_handshake(s->ssl);
		if (ret == 1)
			break;
		r = tls_retry(s, ret);
		if (r < 0)
			goto fail;
		if (r > 0) {
			stream_seterr(s, "connection closed in handshake");
			goto fail;
		}
	}
	s->ops = &tls_ops;
	s->eof = false;
	make_tls_info(s);
	return 0;
ssl_fail:
	seterr_ssl(s, SSL_ERROR_SSL, 0);
fail:
	SSL_free(s->ssl);
	s->ssl = NULL;
	ERR_clear_error();
	return -1;
}

int
stream_start_tls_server(struct stream *s, SSL_CTX *ctx, const char **error_r)
{
	return start_tls(s, ctx, true, NULL, error_r);
}

int
stream_start_tls_client(struct stream *s, SSL_CTX *ctx, const char *host,
	const char **error_r)
{
	return start_tls(s, ctx, false, host, error_r);
}

bool
stream_is_tls(const struct stream *s)
{
	return s->ops == &tls_ops;
}

const char *
stream_tls_info(const struct stream *s)
{
	return stream_is_tls(s) ? s->tls_info : NULL;
}

const char *
stream_tls_version(const struct stream *s)
{
	return stream_is_tls(s) ? SSL_get_version(s->ssl) : NULL;
}

const char *
stream_tls_cipher(const struct stream *s)
{
	const SSL_CIPHER *c;

	if (!stream_is_tls(s) || (c = SSL_get_current_cipher(s->ssl)) == NULL)
		return NULL;
	return SSL_CIPHER_get_name(c);
}

SSL *
stream_tls_ssl(const struct stream *s)
{
	return s->ssl;
}

const char *
stream_error(const struct stream *s)
{
	return s->error[0] != '\0' ? s->error : "no error";
}

bool
stream_timed_out(const struct stream *s)
{
	return s->timed_out;
}

unsigned long long
stream_bytes_in(const struct stream *s)
{
	return s->bytes_in;
}

unsigned long long
stream_bytes_out(const struct stream *s)
{
	return s->bytes_out;
}
