/* SPDX-License-Identifier: MIT */
/*
 * submit: hand one message to the account's SMTP server with libcurl
 * (RFC 6409 submission): STARTTLS required unless tls = "none"
 * (CURLUSESSL_ALL), or implicit TLS (smtps, RFC 8314); certificates and
 * host names verified against the system's CAs or ca_file unless
 * --insecure; AUTH with the account's user and password. Failures show
 * the server's last reply and map to sysexits codes (mailcli(1)).
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <strings.h>

#include "buf.h"
#include "str.h"
#include "mailcli.h"
#include "submit.h"
#include "tern.h"

#define SUBMIT_REPLY_MAX 2048		/* the server's last reply we keep */
#define SUBMIT_PROGRESS_MIN (256 * 1024)	/* show a bar from here */
#define SUBMIT_CONNECT_TIMEOUT 30	/* seconds */
#define SUBMIT_STALL_TIME 300		/* RFC 5321 4.5.3.2.6: 5 minutes */

struct upload {
	const char *p;
	size_t len, off;
};

struct trace {
	struct buf reply;	/* the last reply's lines */
	bool in_reply;		/* the last thing seen was server text */
	bool in_auth;		/* AUTH sent, no final reply yet: hide */
	bool quit;		/* QUIT sent: keep the reply before it */
	int verbose;
};

static size_t
read_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb;

	if (n > u->len - u->off)
		n = u->len - u->off;
	memcpy(ptr, u->p + u->off, n);
	u->off += n;
	return n;
}

/* Keep the server's last reply for errors; print the dialogue for -v
 * without the AUTH payloads: the AUTH line and every client line that
 * answers a 334 challenge (libcurl sends no initial response, so the
 * credentials come after "334 ", RFC 4954 4). */
static int
debug_cb(CURL *curl, curl_infotype type, char *data, size_t size, void *arg)
{
	struct trace *t = arg;

	(void)curl;
	if (type == CURLINFO_HEADER_IN) {
		if (!t->in_reply && !t->quit)
			buf_reset(&t->reply);
		t->in_reply = true;
		if (size < 4 || strncmp(data, "334", 3) != 0)
			t->in_auth = false;
		/* libcurl QUITs after a refusal: the error shows the
		 * refusal's text, not "221 Bye" */
		if (!t->quit)
			(void)buf_append(&t->reply, data, size);
		if (t->verbose > 0)
			fprintf(stderr, "S: %.*s", (int)size, data);
	} else if (type == CURLINFO_HEADER_OUT) {
		t->in_reply = false;
		if (size >= 4 && strncasecmp(data, "QUIT", 4) == 0)
			t->quit = true;
		if (t->verbose > 0) {
			if (size > 5 && strncasecmp(data, "AUTH ", 5) == 0) {
				t->in_auth = true;
				fputs("C: AUTH ***\r\n", stderr);
			} else if (t->in_auth)
				fputs("C: ***\r\n", stderr);
			else if (t->verbose > 1 || size < 200)
				fprintf(stderr, "C: %.*s", (int)size, data);
		}
	} else if (type == CURLINFO_TEXT && t->verbose > 1) {
		fprintf(stderr, "* %.*s", (int)size, data);
	}
	return 0;
}

static int
progress_cb(void *arg, curl_off_t dltotal, curl_off_t dlnow,
	curl_off_t ultotal, curl_off_t ulnow)
{
	const int width = 30;
	int *last = arg, pct, fill;

	(void)dltotal;
	(void)dlnow;
	if (ultotal <= 0)
		return 0;
	pct = (int)(ulnow * 100 / ultotal);
	if (pct == *last)
		return 0;
	*last = pct;
	fill = pct * width / 100;
	fprintf(stderr, "\rsending [%.*s%*s] %3d%% %.1f/%.1f MB", fill,
		"##############################", width - fill, "", pct,
		(double)ulnow / 1e6, (double)ultotal / 1e6);
	return 0;
}

/* The reply text without line ends, for one error line. */
static const char *
reply_text(struct buf *reply)
{
	size_t i;

	while (reply->len > 0 && (reply->data[reply->len - 1] == '\n' ||
	    reply->data[reply->len - 1] == '\r'))
		buf_truncate(reply, reply->len - 1);
	for (i = 0; i < reply->len; i++) {
		if (reply->data[i] == '\r' || reply->data[i] == '\n')
			reply->data[i] = ' ';
	}
	return buf_str(reply);
}

int
submit_exit_code(int curl_code, long smtp_code)
{
	switch (curl_code) {
	case CURLE_OK:
		return EX_OK;
	case CURLE_COULDNT_RESOLVE_HOST:
		return EX_NOHOST;
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
		if (smtp_code >= 400 && smtp_code < 500)
			return EX_TEMPFAIL;
		return EX_UNAVAILABLE;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_USE_SSL_FAILED:
		return EX_PROTOCOL;
	case CURLE_SSL_CACERT_BADFILE:
		return EX_CONFIG;
	case CURLE_LOGIN_DENIED:
		return EX_NOPERM;
	case CURLE_OUT_OF_MEMORY:
		return EX_OSERR;
	default:
		break;
	}
	if (smtp_code >= 400 && smtp_code < 500)
		return EX_TEMPFAIL;
	/* RFC 4954 6: 530 auth required, 534 mechanism too weak, 535 */
	if (smtp_code == 530 || smtp_code == 534 || smtp_code == 535)
		return EX_NOPERM;
	if (smtp_code >= 500)
		return EX_DATAERR;
	return EX_PROTOCOL;
}

/* "smtps://[::1]:465" for a server. */
static void
server_url(struct buf *b, const struct mc_server *s, unsigned *port_r)
{
	unsigned port = s->port;

	if (port == 0)
		port = s->tls == MC_TLS_IMPLICIT ? 465 :
			s->tls == MC_TLS_STARTTLS ? 587 : 25;
	*port_r = port;
	(void)buf_appendf(b, "%s://%s%s%s:%u",
		s->tls == MC_TLS_IMPLICIT ? "smtps" : "smtp",
		strchr(s->host, ':') != NULL ? "[" : "", s->host,
		strchr(s->host, ':') != NULL ? "]" : "", port);
}

int
submit_message(struct mc_ctx *ctx, struct mc_account *a, const char *from,
	const char *const *rcpts, size_t nrcpts, const char *msg, size_t len,
	struct submit_result *res)
{
	struct upload up = { msg, len, 0 };
	struct trace t;
	struct curl_slist *list = NULL;
	struct buf url, mfrom, rc;
	char errbuf[CURL_ERROR_SIZE];
	const char *pw = NULL;
	CURL *curl;
	CURLcode cc;
	long code = 0;
	unsigned port;
	int last = -1, ret;
	size_t i;
	bool progress;

	memset(res, 0, sizeof(*res));
	if (a->smtp.host == NULL) {
		mc_error("account \"%s\" has no SMTP server (smtp.host or "
			"host in the config, or MAILCLI_SMTP_HOST)", a->name);
		return EX_CONFIG;
	}
	if (a->user != NULL) {
		ret = mc_account_password(a, a->smtp.host, &pw);
		if (ret != EX_OK)
			return ret;
	}
	if (a->insecure)
		mc_warn("--insecure: the server's certificate and name are "
			"NOT checked; anyone on the path can read and change "
			"this message and your password");
	if (a->smtp.tls == MC_TLS_NONE && pw != NULL)
		mc_warn("tls = \"none\": the password goes to %s unencrypted",
			a->smtp.host);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		mc_error("cannot initialise libcurl");
		return EX_SOFTWARE;
	}
	curl = curl_easy_init();
	if (curl == NULL) {
		mc_error("cannot initialise libcurl");
		return EX_SOFTWARE;
	}
	buf_init(&url, 0);
	buf_init(&mfrom, 0);
	buf_init(&rc, 0);
	buf_init(&t.reply, SUBMIT_REPLY_MAX);
	t.in_reply = false;
	t.in_auth = false;
	t.quit = false;
	t.verbose = ctx->opts.verbose;
	server_url(&url, &a->smtp, &port);
	(void)str_copy(res->url, sizeof(res->url), buf_str(&url));
	(void)buf_appendf(&mfrom, "<%s>", from);
	for (i = 0; i < nrcpts; i++) {
		struct curl_slist *n;

		buf_reset(&rc);
		(void)buf_appendf(&rc, "<%s>", rcpts[i]);
		n = curl_slist_append(list, buf_str(&rc));
		if (n == NULL) {
			ret = EX_OSERR;
			goto out;
		}
		list = n;
	}
	errbuf[0] = '\0';
	curl_easy_setopt(curl, CURLOPT_URL, buf_str(&url));
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(curl, CURLOPT_USE_SSL, a->smtp.tls ==
		MC_TLS_STARTTLS ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
	if (a->ca_file != NULL)
		curl_easy_setopt(curl, CURLOPT_CAINFO, a->ca_file);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, a->insecure ? 0L : 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, a->insecure ? 0L : 2L);
	if (a->user != NULL) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, a->user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, pw);
	}
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, buf_str(&mfrom));
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, list);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(curl, CURLOPT_READDATA, &up);
	curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT,
		(long)SUBMIT_CONNECT_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
		(long)SUBMIT_STALL_TIME);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, debug_cb);
	curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &t);
	progress = len >= SUBMIT_PROGRESS_MIN && isatty(STDERR_FILENO) &&
		!ctx->opts.json;
	if (progress) {
		curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, progress_cb);
		curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &last);
	}
	cc = curl_easy_perform(curl);
	if (progress && last >= 0)
		fputc('\n', stderr);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	res->smtp_code = code;
	ret = submit_exit_code((int)cc, code);
	if (cc != CURLE_OK) {
		const char *what = errbuf[0] != '\0' ? errbuf :
			curl_easy_strerror(cc);

		if (t.reply.len > 0 && code >= 400)
			mc_error("%s: %s; the server said: %s", buf_str(&url),
				what, reply_text(&t.reply));
		else
			mc_error("%s: %s", buf_str(&url), what);
		if (cc == CURLE_PEER_FAILED_VERIFICATION)
			mc_error("the server's certificate is not trusted: "
				"set ca_file to its CA (or use --insecure "
				"for a test only)");
		if (cc == CURLE_USE_SSL_FAILED)
			mc_error("the server does not offer STARTTLS; "
				"tls = \"implicit\" (port 465) may work");
	}
out:
	curl_slist_free_all(list);
	curl_easy_cleanup(curl);
	curl_global_cleanup();
	buf_clear(&url);
	buf_clear(&mfrom);
	buf_clear(&rc);
	buf_clear(&t.reply);
	return ret;
}
