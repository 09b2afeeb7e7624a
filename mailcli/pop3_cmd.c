/* SPDX-License-Identifier: MIT */
/*
 * pop3_cmd: reading over POP3 (RFC 1939) with libetpan: list (LIST +
 * UIDL, RFC 1939 7, and TOP n 0 for the headers), read (RETR), delete
 * (DELE, committed by QUIT), and "pop fetch", which copies new messages
 * into a local Maildir (tmp -> fsync -> new, lib/maildir) and records
 * their UIDLs in <maildir>/.mailcli-uidl (written atomically after each
 * message) so that each is fetched once. TLS as for IMAP: implicit, or
 * STLS (RFC 2595) verified before USER/PASS.
 */
#include "autoconfig.h"
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "read.h"
#include "fileio.h"
#include "maildir.h"
#include "str.h"
#include "xmalloc.h"
#include "tern.h"

/* The UIDL record: at most this big (RFC 1939 7: a UIDL is 1..70
 * characters; a million messages fit). */
#define UIDL_RECORD_MAX (128u * 1024 * 1024)
#define UIDL_RECORD_NAME ".mailcli-uidl"

struct mc_pop3 {
	struct mc_ctx *ctx;
	struct mc_account *a;
	mailpop3 *pop;
	struct mc_conn *conn;		/* owned by pop's stream */
	const char *host;		/* the server (the account's) */
	unsigned int port;		/* as connected to */
	bool logged_in;
};

static void
pop3_logger(mailpop3 *pop, int log_type, const char *str, size_t size,
	void *context)
{
	(void)pop;
	(void)context;
	if (log_type == MAILSTREAM_LOG_TYPE_DATA_SENT_PRIVATE) {
		fputs("C: <login data not shown>\n", stderr);
		return;
	}
	if (log_type != MAILSTREAM_LOG_TYPE_DATA_RECEIVED &&
	    log_type != MAILSTREAM_LOG_TYPE_DATA_SENT)
		return;
	fputs(log_type == MAILSTREAM_LOG_TYPE_DATA_SENT ? "C: " : "S: ",
	    stderr);
	fwrite(str, 1, size, stderr);
	if (size == 0 || str[size - 1] != '\n')
		fputc('\n', stderr);
}

static const char *
pop3_text(const struct mc_pop3 *s)
{
	const char *t = s->pop != NULL ? s->pop->pop3_response : NULL;

	return t != NULL && *t != '\0' ? t : "(no text)";
}

static int
pop3_fail(struct mc_pop3 *s, int r, const char *what)
{
	switch (r) {
	case MAILPOP3_ERROR_STREAM:
	case MAILPOP3_ERROR_CONNECTION_REFUSED:
		if (s->conn != NULL && s->conn->reply_too_big) {
			mc_error("%s: %s sent a reply over %llu bytes "
			    "(MAILCLI_REPLY_MAX)", what, s->host,
			    mc_reply_max());
			return EX_PROTOCOL;
		}
		mc_error("%s: the connection to %s was lost", what,
		    s->host);
		return EX_UNAVAILABLE;
	case MAILPOP3_ERROR_BAD_USER:
	case MAILPOP3_ERROR_BAD_PASSWORD:
	case MAILPOP3_ERROR_DENIED:
		mc_error("login as %s refused: %s", s->a->user, pop3_text(s));
		/* RFC 3206: [IN-USE] and [SYS/TEMP] are worth a retry */
		if (strstr(pop3_text(s), "[IN-USE]") != NULL ||
		    strstr(pop3_text(s), "[SYS/TEMP]") != NULL)
			return EX_TEMPFAIL;
		return EX_NOPERM;
	case MAILPOP3_ERROR_NO_SUCH_MESSAGE:
		mc_error("%s: no such message", what);
		return EX_DATAERR;
	case MAILPOP3_ERROR_MEMORY:
		mc_error("%s: out of memory", what);
		return EX_OSERR;
	default:
		mc_error("%s: %s", what, pop3_text(s));
		return EX_PROTOCOL;
	}
}

static int
pop3_open(struct mc_ctx *ctx, struct mc_pop3 *s)
{
	const struct mc_server *srv;
	const char *pw;
	bool insecure;
	int rc, r;

	memset(s, 0, sizeof(*s));
	s->ctx = ctx;
	rc = mc_account_get(ctx, &s->a);
	if (rc != EX_OK)
		return rc;
	srv = &s->a->pop3;
	if (srv->host == NULL || s->a->user == NULL) {
		mc_error("no POP3 %s configured for account %s",
		    srv->host == NULL ? "server" : "user",
		    s->a->name != NULL ? s->a->name : "(default)");
		return EX_CONFIG;
	}
	insecure = s->a->insecure || ctx->opts.insecure;
	s->host = srv->host;
	s->port = srv->port != 0 ? srv->port :
	    srv->tls == MC_TLS_IMPLICIT ? 995 : 110;
	rc = mc_conn_open(srv->host, s->port, &s->conn);
	if (rc != EX_OK)
		return rc;
	if (srv->tls == MC_TLS_IMPLICIT) {
		rc = mc_conn_start_tls(s->conn, s->a->ca_file, insecure);
		if (rc != EX_OK) {
			mc_conn_free(&s->conn);
			return rc;
		}
	}
	s->pop = mailpop3_new(0, NULL);
	if (s->pop == NULL)
		tern_panic("mailpop3_new: out of memory");
	mailpop3_set_timeout(s->pop, MC_IO_TIMEOUT);
	if (ctx->opts.verbose > 0)
		mailpop3_set_logger(s->pop, pop3_logger, NULL);
	r = mailpop3_connect(s->pop, mc_conn_stream(s->conn));
	if (r != MAILPOP3_NO_ERROR)
		return pop3_fail(s, r, "greeting");
	if (srv->tls == MC_TLS_STARTTLS) {
		r = mailpop3_stls(s->pop);
		/* plaintext after +OK: see imap_session.c */
		if (r == MAILPOP3_ERROR_SSL || (s->pop->pop3_stream != NULL &&
		    s->pop->pop3_stream->read_buffer_len > 0)) {
			mc_error("%s sent data after its STLS reply; refusing "
			    "it", srv->host);
			return EX_PROTOCOL;
		}
		if (r != MAILPOP3_NO_ERROR) {
			if (r == MAILPOP3_ERROR_STREAM)
				return pop3_fail(s, r, "STLS");
			mc_error("%s does not do STLS (%s); refusing to log in "
			    "without TLS", srv->host, pop3_text(s));
			return EX_PROTOCOL;
		}
		rc = mc_conn_start_tls(s->conn, s->a->ca_file, insecure);
		if (rc != EX_OK)
			return rc;
	}
	rc = mc_account_password(s->a, srv->host, &pw);
	if (rc != EX_OK)
		return rc;
	r = mailpop3_user(s->pop, s->a->user);
	if (r == MAILPOP3_NO_ERROR)
		r = mailpop3_pass(s->pop, pw);
	if (r != MAILPOP3_NO_ERROR)
		return pop3_fail(s, r, "login");
	s->logged_in = true;
	return EX_OK;
}

/* QUIT (which commits DELE, RFC 1939 6) when logged in; free. EX_OK, or
 * EX_TEMPFAIL when QUIT failed and commit mattered. */
static int
pop3_close(struct mc_pop3 *s, bool commit)
{
	int rc = EX_OK, r;

	if (s->pop != NULL) {
		if (s->logged_in) {
			r = mailpop3_quit(s->pop);
			if (r != MAILPOP3_NO_ERROR && commit) {
				mc_error("QUIT: %s; the deletions were not "
				    "done", pop3_text(s));
				rc = EX_TEMPFAIL;
			}
		}
		mailpop3_free(s->pop);
		s->pop = NULL;
		s->conn = NULL;
	}
	mc_conn_free(&s->conn);
	return rc;
}

static struct mailpop3_msg_info *
msg_info(carray *tab, unsigned int i)
{
	return carray_get(tab, i);
}

int
mc_pop3_list(struct mc_ctx *ctx, unsigned long limit)
{
	struct mc_pop3 s;
	carray *tab = NULL;
	struct arena *a = arena_new(0);
	struct json j;
	unsigned int i, shown = 0;
	int rc, r;

	rc = pop3_open(ctx, &s);
	if (rc != EX_OK)
		goto out;
	r = mailpop3_list(s.pop, &tab);
	if (r != MAILPOP3_NO_ERROR) {
		rc = pop3_fail(&s, r, "LIST");
		goto out;
	}
	if (ctx->opts.json) {
		json_init(&j, stdout);
		json_begin_array(&j);
	} else if (carray_count(tab) > 0)
		printf("%6s  %-24s  %-22s %6s  %s\n", "ID", "UIDL", "FROM",
		    "SIZE", "SUBJECT");
	/* newest first: the highest message numbers */
	for (i = carray_count(tab); i > 0; i--) {
		struct mailpop3_msg_info *mi = msg_info(tab, i - 1);
		const char *from = NULL, *subject = NULL, *date = NULL;
		struct message *m;
		const char *error;
		char *hdr = NULL;
		size_t hlen = 0;

		if (mi == NULL || mi->msg_deleted)
			continue;
		if (limit > 0 && shown >= limit)
			break;
		shown++;
		r = mailpop3_header(s.pop, mi->msg_index, &hdr, &hlen);
		if (r != MAILPOP3_NO_ERROR) {
			rc = pop3_fail(&s, r, "TOP");
			goto out;
		}
		if (message_parse(span_make(arena_strndup(a, hdr, hlen),
		    hlen), NULL, a, &m, &error) == 0) {
			const char *v;

			v = message_header_get(m->root, "From", a);
			from = v != NULL ? message_decode_words(span_str(v),
			    a) : NULL;
			v = message_header_get(m->root, "Subject", a);
			subject = v != NULL ? message_decode_words(span_str(v),
			    a) : NULL;
			date = message_header_get(m->root, "Date", a);
		}
		mailpop3_header_free(hdr);
		if (ctx->opts.json) {
			json_begin_object(&j);
			json_key(&j, "id");
			json_uint(&j, mi->msg_index);
			json_key(&j, "uidl");
			json_string(&j, mi->msg_uidl);
			json_key(&j, "size");
			json_uint(&j, mi->msg_size);
			json_key(&j, "date");
			json_string(&j, date);
			json_key(&j, "from");
			json_string(&j, from);
			json_key(&j, "subject");
			json_string(&j, subject);
			json_end_object(&j);
		} else {
			struct buf line, sz;

			buf_init(&line, 0);
			buf_init(&sz, 0);
			(void)buf_appendf(&line, "%6u  ", mi->msg_index);
			mc_col(&line, mi->msg_uidl != NULL ? mi->msg_uidl : "-",
			    24);
			(void)buf_puts(&line, "  ");
			mc_col(&line, from != NULL ? from : "", 22);
			mc_print_size(&sz, mi->msg_size);
			(void)buf_appendf(&line, " %6s  %s", buf_str(&sz),
			    subject != NULL ? subject : "");
			mc_sanitize_line(&line);
			puts(buf_str(&line));
			buf_clear(&line);
			buf_clear(&sz);
		}
	}
	if (ctx->opts.json) {
		json_end_array(&j);
		json_finish(&j);
	}
	rc = EX_OK;
out:
	(void)pop3_close(&s, false);
	arena_free(&a);
	return rc;
}

int
mc_pop3_read(struct mc_ctx *ctx, uint32_t n, bool raw, bool peek)
{
	struct mc_pop3 s;
	char *data = NULL;
	size_t len = 0;
	int rc, r;

	(void)peek;	/* POP3 has no \Seen */
	rc = pop3_open(ctx, &s);
	if (rc != EX_OK)
		goto out;
	r = mailpop3_retr(s.pop, n, &data, &len);
	if (r != MAILPOP3_NO_ERROR) {
		rc = pop3_fail(&s, r, "RETR");
		if (rc == EX_DATAERR || r == MAILPOP3_ERROR_NO_SUCH_MESSAGE) {
			mc_error("no message %u on %s", n, s.host);
			rc = EX_DATAERR;
		}
		goto out;
	}
	if (raw) {
		if (fwrite(data, 1, len, stdout) != len ||
		    fflush(stdout) != 0) {
			mc_error("stdout: %s", strerror(errno));
			rc = EX_IOERR;
		}
	} else
		rc = mc_show_message(ctx, n, data, len);
	mailpop3_retr_free(data);
out:
	(void)pop3_close(&s, false);
	return rc;
}

int
mc_pop3_delete(struct mc_ctx *ctx, const char *ids)
{
	struct mc_pop3 s;
	const char *p = ids;
	int rc, r;

	/* check the list before connecting */
	while (*p != '\0') {
		size_t n = strspn(p, "0123456789");
		uint32_t v;

		if (n == 0 || parse_u32(span_make(p, n), UINT32_MAX, &v) < 0 ||
		    v == 0 || (p[n] != '\0' && (p[n] != ',' ||
		    p[n + 1] == '\0'))) {
			mc_error("\"%s\" is not a message number (or a list "
			    "like 1,3)", ids);
			return EX_USAGE;
		}
		p += n + (p[n] == ',');
	}
	rc = pop3_open(ctx, &s);
	for (p = ids; rc == EX_OK && *p != '\0'; ) {
		size_t n = strspn(p, "0123456789");
		uint32_t v;

		(void)parse_u32(span_make(p, n), UINT32_MAX, &v);
		r = mailpop3_dele(s.pop, v);
		if (r != MAILPOP3_NO_ERROR) {
			rc = pop3_fail(&s, r, "DELE");
			if (rc == EX_DATAERR)
				mc_error("no message %u on %s", v,
				    s.host);
			/* RSET: delete all or nothing */
			(void)mailpop3_rset(s.pop);
		}
		p += n + (p[n] == ',');
	}
	r = pop3_close(&s, rc == EX_OK);
	return rc != EX_OK ? rc : r;
}

/* ---- pop fetch ---- */

/* The record file as read, and as it will be written. */
struct uidl_record {
	char *data;
	size_t len;
	struct buf out;
};

static int
deliver(const char *maildir, const char *data, size_t len,
	const char **name_r)
{
	struct maildir_delivery *d = NULL;
	enum tern_err err;
	const char *error;

	if (maildir_delivery_begin(maildir, &d, &err, &error) < 0) {
		mc_error("%s: %s", maildir, error);
		return EX_CANTCREAT;
	}
	if (maildir_delivery_write(d, data, len) < 0 ||
	    maildir_delivery_sync(d, &error) < 0 ||
	    maildir_delivery_publish(d, NULL, name_r, &error) < 0) {
		mc_error("%s: delivery failed: %s", maildir, error != NULL ?
		    error : strerror(errno));
		maildir_delivery_abort(&d);
		return EX_IOERR;
	}
	*name_r = xstrdup(*name_r);
	maildir_delivery_free(&d);
	return EX_OK;
}

static int
pop_fetch(struct mc_ctx *ctx, const char *maildir_opt, bool del)
{
	struct mc_pop3 s;
	struct uidl_record rec;
	const char **listed = NULL;
	carray *tab = NULL;
	struct buf dir, path, key;
	const char *home, *what;
	unsigned int i, fetched = 0;
	struct json j;
	int rc, r;

	memset(&rec, 0, sizeof(rec));
	buf_init(&rec.out, UIDL_RECORD_MAX);
	buf_init(&dir, 0);
	buf_init(&path, 0);
	buf_init(&key, 0);
	rc = pop3_open(ctx, &s);
	if (rc != EX_OK)
		goto out;
	if (maildir_opt != NULL)
		(void)buf_puts(&dir, maildir_opt);
	else if (s.a->maildir != NULL)
		(void)buf_puts(&dir, s.a->maildir);
	else if ((home = getenv("HOME")) != NULL)
		(void)buf_appendf(&dir, "%s/Maildir", home);
	else {
		mc_error("no Maildir: set maildir in the account, or "
		    "--maildir");
		rc = EX_CONFIG;
		goto out;
	}
	if (maildir_create(buf_str(&dir), false) < 0) {
		mc_error("%s: %s", buf_str(&dir), strerror(errno));
		rc = EX_CANTCREAT;
		goto out;
	}
	(void)buf_appendf(&path, "%s/%s", buf_str(&dir), UIDL_RECORD_NAME);
	/* the port as connected to: naming the default port in the
	 * config later does not fetch everything again */
	/* as fetchmail's .fetchids: the same mailbox over POP3 or POP3S
	 * (110 or 995) is not fetched twice */
	(void)buf_appendf(&key, "%s@%s", s.a->user, s.host);
	if (read_file_max(buf_str(&path), UIDL_RECORD_MAX, &rec.data,
	    &rec.len) < 0 && errno != ENOENT) {
		mc_error("%s: %s", buf_str(&path), strerror(errno));
		rc = EX_IOERR;
		goto out;
	}
	r = mailpop3_list(s.pop, &tab);
	if (r != MAILPOP3_NO_ERROR) {
		rc = pop3_fail(&s, r, "LIST");
		goto out;
	}
	listed = xreallocarray(NULL, carray_count(tab) + 1, sizeof(*listed));
	for (i = 0; i < carray_count(tab); i++) {
		struct mailpop3_msg_info *mi = msg_info(tab, i);

		listed[i] = mi != NULL ? mi->msg_uidl : NULL;
	}
	if (mc_uidl_record_prune(span_make(rec.data, rec.len), buf_str(&key),
	    listed, carray_count(tab), &rec.out) < 0) {
		mc_error("%s: too large", buf_str(&path));
		rc = EX_DATAERR;
		goto out;
	}
	if (ctx->opts.json) {
		json_init(&j, stdout);
		json_begin_object(&j);
		json_key(&j, "maildir");
		json_string(&j, buf_str(&dir));
		json_key(&j, "messages");
		json_begin_array(&j);
	}
	for (i = 0; i < carray_count(tab); i++) {
		struct mailpop3_msg_info *mi = msg_info(tab, i);
		char *data = NULL;
		size_t len = 0;
		const char *name = NULL;

		if (mi == NULL || mi->msg_deleted)
			continue;
		if (mi->msg_uidl == NULL) {
			mc_error("%s has no UIDL: cannot tell old messages "
			    "from new ones", s.host);
			rc = EX_PROTOCOL;
			break;
		}
		if (mc_uidl_record_has(buf_span(&rec.out), buf_str(&key),
		    mi->msg_uidl))
			continue;
		r = mailpop3_retr(s.pop, mi->msg_index, &data, &len);
		if (r != MAILPOP3_NO_ERROR) {
			rc = pop3_fail(&s, r, "RETR");
			break;
		}
		rc = deliver(buf_str(&dir), data, len, &name);
		mailpop3_retr_free(data);
		if (rc != EX_OK)
			break;
		/* the record after the message: a crash in between fetches
		 * it again (a duplicate), never loses it */
		if (buf_appendf(&rec.out, "%s\t%s\n", buf_str(&key),
		    mi->msg_uidl) < 0 ||
		    write_file_atomic(buf_str(&path), rec.out.data,
		    rec.out.len, 0600, &what) < 0) {
			mc_error("%s: %s: %s", buf_str(&path), what,
			    strerror(errno));
			free((char *)name);
			rc = EX_IOERR;
			break;
		}
		fetched++;
		if (ctx->opts.json) {
			json_begin_object(&j);
			json_key(&j, "id");
			json_uint(&j, mi->msg_index);
			json_key(&j, "uidl");
			json_string(&j, mi->msg_uidl);
			json_key(&j, "file");
			json_string(&j, name);
			json_key(&j, "size");
			json_uint(&j, len);
			json_end_object(&j);
		}
		free((char *)name);
		if (del) {
			r = mailpop3_dele(s.pop, mi->msg_index);
			if (r != MAILPOP3_NO_ERROR) {
				rc = pop3_fail(&s, r, "DELE");
				break;
			}
		}
	}
	if (rc == EX_OK && rec.len > 0 && fetched == 0 &&
	    rec.out.len != rec.len &&
	    write_file_atomic(buf_str(&path), rec.out.data, rec.out.len,
	    0600, &what) < 0) {
		mc_error("%s: %s: %s", buf_str(&path), what, strerror(errno));
		rc = EX_IOERR;
	}
	if (ctx->opts.json) {
		json_end_array(&j);
		json_key(&j, "fetched");
		json_uint(&j, fetched);
		json_end_object(&j);
		json_finish(&j);
	} else
		printf("%u new message%s into %s\n", fetched,
		    fetched == 1 ? "" : "s", buf_str(&dir));
out:
	/* with --delete, QUIT commits only what was fetched and recorded */
	r = pop3_close(&s, del);
	if (rc == EX_OK)
		rc = r;
	free(listed);
	free(rec.data);
	buf_clear(&rec.out);
	buf_clear(&dir);
	buf_clear(&path);
	buf_clear(&key);
	return rc;
}

int
mc_cmd_pop(struct mc_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "maildir", required_argument, NULL, 'm' },
		{ "delete", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] = "pop fetch [--maildir DIR] [--delete]\n"
	    "  copy new POP3 messages into a local Maildir (the account's "
	    "maildir,\n  else ~/Maildir); a UIDL record in "
	    "DIR/" UIDL_RECORD_NAME " fetches each once;\n"
	    "  --delete removes them from the server once stored";
	const char *maildir = NULL;
	bool del = false;
	int opt;

	while ((opt = mc_read_getopt(argc, argv, "+m:dh", longopts,
	    usage)) != -1) {
		if (opt == 'm')
			maildir = optarg;
		if (opt == 'd')
			del = true;
	}
	if (optind >= argc || strcmp(argv[optind], "fetch") != 0) {
		fprintf(stderr, "usage: mailcli %s\n", usage);
		return EX_USAGE;
	}
	optind++;
	while ((opt = mc_read_getopt(argc, argv, "m:dh", longopts,
	    usage)) != -1) {
		if (opt == 'm')
			maildir = optarg;
		if (opt == 'd')
			del = true;
	}
	if (optind != argc) {
		fprintf(stderr, "usage: mailcli %s\n", usage);
		return EX_USAGE;
	}
	return pop_fetch(ctx, maildir, del);
}
