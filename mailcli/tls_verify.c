/* SPDX-License-Identifier: MIT */
/*
 * tls_verify: the connection under libetpan's IMAP and POP3 sessions. We
 * connect the socket and run TLS with OpenSSL ourselves, because Debian's
 * libetpan uses GnuTLS without verifying anything. libetpan reads and
 * writes through a mailstream_low whose driver is ours: plain on the
 * socket first, TLS once mc_conn_start_tls() has verified the chain
 * (system CAs or ca_file) and the host name (RFC 6125) — at connect for
 * implicit TLS, after STARTTLS/STLS otherwise (RFC 3501 6.2.1, 2595).
 */
#include "autoconfig.h"
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include "read.h"
#include "tls.h"
#include "xmalloc.h"
#include "tern.h"

unsigned long long
mc_reply_max(void)
{
	static unsigned long long max;
	const char *v;
	char *end;

	if (max == 0) {
		max = MC_REPLY_MAX;
		v = getenv("MAILCLI_REPLY_MAX");
		if (v != NULL && *v >= '1' && *v <= '9') {
			unsigned long long n;

			errno = 0;
			n = strtoull(v, &end, 10);
			if (errno == 0 && *end == '\0' && n < max)
				max = n;
		}
	}
	return max;
}

static ssize_t
low_read(mailstream_low *low, void *p, size_t n)
{
	struct mc_conn *c = low->data;
	ssize_t r;
	int ret;

	unsigned long long max = mc_reply_max();

	if (c->reply_bytes >= max) {
		c->reply_too_big = true;
		errno = EFBIG;
		return -1;
	}
	if (n > max - c->reply_bytes)
		n = (size_t)(max - c->reply_bytes);
	if (c->ssl == NULL) {
		do
			r = read(c->fd, p, n);
		while (r < 0 && errno == EINTR && !mc_interrupted);
		if (r > 0)
			c->reply_bytes += (size_t)r;
		return r;
	}
	if (n > INT32_MAX)
		n = INT32_MAX;
	for (;;) {
		ret = SSL_read(c->ssl, p, (int)n);
		if (ret > 0) {
			c->reply_bytes += (size_t)ret;
			return ret;
		}
		switch (SSL_get_error(c->ssl, ret)) {
		case SSL_ERROR_ZERO_RETURN:
			return 0;
		case SSL_ERROR_WANT_READ:
		case SSL_ERROR_WANT_WRITE:
			continue;
		case SSL_ERROR_SYSCALL:
			if (errno == EINTR && !mc_interrupted)
				continue;
			return -1;
		default:
			return -1;
		}
	}
}

static ssize_t
low_write(mailstream_low *low, const void *p, size_t n)
{
	struct mc_conn *c = low->data;
	ssize_t r;
	int ret;

	/* a command goes out: what comes back is a new reply */
	c->reply_bytes = 0;
	if (c->ssl == NULL) {
		do
			r = send(c->fd, p, n, MSG_NOSIGNAL);
		while (r < 0 && errno == EINTR);
		return r;
	}
	if (n > INT32_MAX)
		n = INT32_MAX;
	for (;;) {
		ret = SSL_write(c->ssl, p, (int)n);
		if (ret > 0)
			return ret;
		switch (SSL_get_error(c->ssl, ret)) {
		case SSL_ERROR_WANT_READ:
		case SSL_ERROR_WANT_WRITE:
			continue;
		case SSL_ERROR_SYSCALL:
			if (errno == EINTR)
				continue;
			return -1;
		default:
			return -1;
		}
	}
}

static int
low_close(mailstream_low *low)
{
	struct mc_conn *c = low->data;

	if (c->ssl != NULL)
		(void)SSL_shutdown(c->ssl);
	if (c->fd >= 0)
		(void)close(c->fd);
	c->fd = -1;
	return 0;
}

static int
low_get_fd(mailstream_low *low)
{
	struct mc_conn *c = low->data;

	return c->fd;
}

static void
conn_destroy(struct mc_conn *c)
{
	if (c->fd >= 0)
		(void)close(c->fd);
	SSL_free(c->ssl);
	tls_ctx_free(&c->ctx);
	free(c->host);
	free(c);
}

static void
low_free(mailstream_low *low)
{
	conn_destroy(low->data);
	free(low);
}

static void
low_cancel(mailstream_low *low)
{
	(void)low;
}

static struct mailstream_cancel *
low_get_cancel(mailstream_low *low)
{
	(void)low;
	return NULL;
}

static carray *
low_get_certificate_chain(mailstream_low *low)
{
	(void)low;
	return NULL;
}

/* -1: libetpan waits with select() on get_fd */
static int
low_idle_none(mailstream_low *low)
{
	(void)low;
	return -1;
}

static mailstream_low_driver mc_low_driver = {
	.mailstream_read = low_read,
	.mailstream_write = low_write,
	.mailstream_close = low_close,
	.mailstream_get_fd = low_get_fd,
	.mailstream_free = low_free,
	.mailstream_cancel = low_cancel,
	.mailstream_get_cancel = low_get_cancel,
	.mailstream_get_certificate_chain = low_get_certificate_chain,
	.mailstream_setup_idle = low_idle_none,
	.mailstream_unsetup_idle = low_idle_none,
	.mailstream_interrupt_idle = low_idle_none,
};

volatile sig_atomic_t mc_interrupted;

int
mc_conn_open(const char *host, unsigned int port, struct mc_conn **c_r)
{
	struct addrinfo hints, *res, *ai;
	char portstr[16];
	struct timeval tv = { MC_IO_TIMEOUT, 0 };
	int fd = -1, rc, err = 0;
	struct mc_conn *c;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(portstr, sizeof(portstr), "%u", port);
	rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc != 0) {
		mc_error("%s: %s", host, gai_strerror(rc));
		return rc == EAI_AGAIN ? EX_TEMPFAIL : EX_NOHOST;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		/* Linux applies SO_SNDTIMEO to connect() too (socket(7)):
		 * an unanswered SYN gives up after MC_IO_TIMEOUT, not the
		 * kernel's two minutes; reads and writes get the same */
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
		    sizeof(tv));
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv,
		    sizeof(tv));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		err = errno == EINPROGRESS ? ETIMEDOUT : errno;
		(void)close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		mc_error("cannot connect to %s port %u: %s", host, port,
		    strerror(err));
		return EX_UNAVAILABLE;
	}
	c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	c->host = xstrdup(host);
	*c_r = c;
	return EX_OK;
}

mailstream *
mc_conn_stream(struct mc_conn *c)
{
	mailstream_low *low;
	mailstream *s;

	low = mailstream_low_new(c, &mc_low_driver);
	if (low == NULL)
		tern_panic("mailstream_low_new: out of memory");
	s = mailstream_new(low, 8192);
	if (s == NULL)
		tern_panic("mailstream_new: out of memory");
	return s;
}

void
mc_conn_free(struct mc_conn **c)
{
	if (c == NULL || *c == NULL)
		return;
	conn_destroy(*c);
	*c = NULL;
}

static bool
is_ip_literal(const char *host)
{
	unsigned char tmp[16];

	return inet_pton(AF_INET, host, tmp) == 1 ||
	    inet_pton(AF_INET6, host, tmp) == 1;
}

/* The first error on OpenSSL's queue, for a message. */
static const char *
ssl_reason(void)
{
	static char msg[256];
	unsigned long e = ERR_get_error();

	if (e == 0)
		return "connection closed during the handshake";
	ERR_error_string_n(e, msg, sizeof(msg));
	ERR_clear_error();
	return msg;
}

int
mc_conn_start_tls(struct mc_conn *c, const char *ca_file, bool insecure)
{
	const char *error;
	long vr;
	int ret;

	if (insecure)
		mc_warn("--insecure: the certificate of %s is NOT checked; "
		    "anyone on the path can read your password and mail",
		    c->host);
	c->ctx = tls_client_ctx_new(ca_file, !insecure, &error);
	if (c->ctx == NULL) {
		mc_error("TLS: %s", error);
		return ca_file != NULL ? EX_CONFIG : EX_SOFTWARE;
	}
	c->ssl = SSL_new(c->ctx);
	if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1)
		tern_panic("SSL_new: %s", ssl_reason());
	if (!is_ip_literal(c->host)) {
		/* SNI and RFC 6125 DNS-ID check */
		(void)SSL_set_tlsext_host_name(c->ssl, c->host);
		if (SSL_set1_host(c->ssl, c->host) != 1)
			tern_panic("SSL_set1_host: %s", ssl_reason());
	} else if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl),
	    c->host) != 1)
		tern_panic("set1_ip_asc: %s", ssl_reason());
	ERR_clear_error();
	ret = SSL_connect(c->ssl);
	if (ret != 1) {
		vr = SSL_get_verify_result(c->ssl);
		if (!insecure && vr != X509_V_OK) {
			mc_error("TLS with %s: certificate verify failed: %s%s",
			    c->host, X509_verify_cert_error_string(vr),
			    ca_file == NULL ? " (ca_file gives the CA to "
			    "trust; --insecure skips the check)" : "");
			/* as the sending half: 76 for any TLS refusal */
			return EX_PROTOCOL;
		}
		mc_error("TLS with %s: handshake failed: %s", c->host,
		    ssl_reason());
		return EX_PROTOCOL;
	}
	c->tls = true;
	return EX_OK;
}

int
mc_conn_pending(const struct mc_conn *c)
{
	return c->ssl != NULL ? SSL_pending(c->ssl) : 0;
}
