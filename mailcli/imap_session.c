/* SPDX-License-Identifier: MIT */
/*
 * imap_session: one IMAP session for a mailcli command (RFC 3501, 9051):
 * connect, TLS as the account says (implicit, or STARTTLS before any
 * password: RFC 3501 6.2.1), LOGIN, SELECT/EXAMINE; libetpan errors
 * mapped to sysexits codes in one place (mc_imap_fail); the helpers the
 * commands share (UID sets, raw UID SEARCH, BODY.PEEK[] fetch, flags).
 */
#include "autoconfig.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "read.h"
#include "folder.h"
#include "str.h"
#include "xmalloc.h"
#include "tern.h"

static void
imap_logger(mailimap *imap, int log_type, const char *str, size_t size,
	void *context)
{
	const char *who;

	(void)imap;
	(void)context;
	switch (log_type) {
	case MAILSTREAM_LOG_TYPE_DATA_RECEIVED:
		who = "S: ";
		break;
	case MAILSTREAM_LOG_TYPE_DATA_SENT:
		who = "C: ";
		break;
	case MAILSTREAM_LOG_TYPE_DATA_SENT_PRIVATE:
		fputs("C: <login data not shown>\n", stderr);
		return;
	default:
		return;
	}
	fputs(who, stderr);
	fwrite(str, 1, size, stderr);
	if (size == 0 || str[size - 1] != '\n')
		fputc('\n', stderr);
}

/* The server's last response text, for messages. */
static const char *
server_text(const struct mc_imap *s)
{
	const char *t = s->imap != NULL ? s->imap->imap_response : NULL;

	return t != NULL && *t != '\0' ? t : "(no text)";
}

int
mc_imap_fail(struct mc_imap *s, int r, const char *what)
{
	const char *t = server_text(s);

	switch (r) {
	case MAILIMAP_ERROR_STREAM:
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
	case MAILIMAP_ERROR_FATAL:
		if (mc_interrupted)
			return EX_OK;
		if (s->conn != NULL && s->conn->reply_too_big) {
			mc_error("%s: %s sent a reply over %llu bytes "
			    "(MAILCLI_REPLY_MAX)", what, s->host,
			    mc_reply_max());
			return EX_PROTOCOL;
		}
		mc_error("%s: the connection to %s was lost", what,
		    s->host);
		return EX_UNAVAILABLE;
	case MAILIMAP_ERROR_PARSE:
	case MAILIMAP_ERROR_PROTOCOL:
		mc_error("%s: %s sent a response we cannot parse", what,
		    s->host);
		return EX_PROTOCOL;
	case MAILIMAP_ERROR_MEMORY:
		mc_error("%s: out of memory", what);
		return EX_OSERR;
	case MAILIMAP_ERROR_LOGIN:
	case MAILIMAP_ERROR_SASL:
		mc_error("login as %s refused: %s", s->a->user, t);
		return EX_NOPERM;
	default:
		break;
	}
	mc_error("%s: %s", what, t);
	/* RFC 5530 response codes say whether to try again */
	if (strstr(t, "[UNAVAILABLE]") != NULL ||
	    strstr(t, "[INUSE]") != NULL || strstr(t, "[SERVERBUG]") != NULL ||
	    strstr(t, "[LIMIT]") != NULL)
		return EX_TEMPFAIL;
	if (strstr(t, "[AUTHORIZATIONFAILED]") != NULL ||
	    strstr(t, "[NOPERM]") != NULL)
		return EX_NOPERM;
	return EX_DATAERR;
}

/* CAPABILITY again: libetpan keeps the answer for has_extension() */
static void
refresh_capabilities(struct mc_imap *s)
{
	struct mailimap_capability_data *cap = NULL;

	if (mailimap_capability(s->imap, &cap) == MAILIMAP_NO_ERROR &&
	    cap != NULL)
		mailimap_capability_data_free(cap);
}

static unsigned int
default_port(enum mc_tls tls)
{
	return tls == MC_TLS_IMPLICIT ? 993 : 143;
}

int
mc_imap_open(struct mc_ctx *ctx, struct mc_imap *s)
{
	const struct mc_server *srv;
	const char *pw;
	bool insecure;
	mailstream *stream;
	int rc, r, greeting;

	memset(s, 0, sizeof(*s));
	s->ctx = ctx;
	s->arena = arena_new(0);
	rc = mc_account_get(ctx, &s->a);
	if (rc != EX_OK)
		return rc;
	srv = &s->a->imap;
	if (srv->host == NULL) {
		mc_error("no IMAP server configured for account %s",
		    s->a->name != NULL ? s->a->name : "(default)");
		return EX_CONFIG;
	}
	if (s->a->user == NULL) {
		mc_error("no user configured for account %s",
		    s->a->name != NULL ? s->a->name : "(default)");
		return EX_CONFIG;
	}
	insecure = s->a->insecure || ctx->opts.insecure;
	s->host = arena_strdup(s->arena, srv->host);
	rc = mc_conn_open(srv->host, srv->port != 0 ? srv->port :
	    default_port(srv->tls), &s->conn);
	if (rc != EX_OK)
		return rc;
	if (srv->tls == MC_TLS_IMPLICIT) {
		rc = mc_conn_start_tls(s->conn, s->a->ca_file, insecure);
		if (rc != EX_OK) {
			mc_conn_free(&s->conn);
			return rc;
		}
	}
	s->imap = mailimap_new(0, NULL);
	if (s->imap == NULL)
		tern_panic("mailimap_new: out of memory");
	mailimap_set_timeout(s->imap, MC_IO_TIMEOUT);
	if (ctx->opts.verbose > 0)
		mailimap_set_logger(s->imap, imap_logger, NULL);
	stream = mc_conn_stream(s->conn);
	r = mailimap_connect(s->imap, stream);
	greeting = r;
	if (r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED &&
	    r != MAILIMAP_NO_ERROR_AUTHENTICATED) {
		if (r == MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION) {
			mc_error("%s refused the session: %s", srv->host,
			    server_text(s));
			return EX_UNAVAILABLE;
		}
		return mc_imap_fail(s, r, "greeting");
	}
	if (srv->tls == MC_TLS_STARTTLS) {
		r = mailimap_starttls(s->imap);
		/* bytes after the OK would be plaintext the server never
		 * sent under TLS (the STARTTLS injection bug class);
		 * libetpan >= 1.9.4 refuses them itself (CVE-2020-15953) */
		if (r == MAILIMAP_ERROR_SSL || (s->imap->imap_stream != NULL &&
		    s->imap->imap_stream->read_buffer_len > 0)) {
			mc_error("%s sent data after its STARTTLS reply; "
			    "refusing it", srv->host);
			return EX_PROTOCOL;
		}
		if (r != MAILIMAP_NO_ERROR) {
			if (r == MAILIMAP_ERROR_STREAM)
				return mc_imap_fail(s, r, "STARTTLS");
			mc_error("%s does not do STARTTLS (%s); refusing to "
			    "log in without TLS", srv->host, server_text(s));
			return EX_PROTOCOL;
		}
		rc = mc_conn_start_tls(s->conn, s->a->ca_file, insecure);
		if (rc != EX_OK)
			return rc;
		/* RFC 3501 6.2.1: forget what was said before TLS */
		refresh_capabilities(s);
		greeting = MAILIMAP_NO_ERROR_NON_AUTHENTICATED;
	}
	if (greeting == MAILIMAP_NO_ERROR_AUTHENTICATED)
		return EX_OK;	/* PREAUTH */
	rc = mc_account_password(s->a, srv->host, &pw);
	if (rc != EX_OK)
		return rc;
	r = mailimap_login(s->imap, s->a->user, pw);
	if (r != MAILIMAP_NO_ERROR)
		return mc_imap_fail(s, r, "LOGIN");
	s->logged_in = true;
	/* the capabilities after login (RFC 3501 7.2.1: may change) */
	refresh_capabilities(s);
	return EX_OK;
}

void
mc_imap_close(struct mc_imap *s)
{
	if (s->imap != NULL) {
		if (s->logged_in && !mc_interrupted)
			(void)mailimap_logout(s->imap);
		mailimap_free(s->imap);
		s->imap = NULL;
		s->conn = NULL;		/* freed with the stream */
	}
	mc_conn_free(&s->conn);
	arena_free(&s->arena);
}

bool
mc_imap_has(struct mc_imap *s, const char *cap)
{
	return mailimap_has_extension(s->imap, cap) != 0;
}

const char *
mc_imap_mailbox(struct mc_imap *s, const char *utf8)
{
	struct buf b;
	const char *ret = NULL;

	if (folder_is_inbox(utf8))
		return "INBOX";
	buf_init(&b, 4096);
	if (folder_mutf7_encode(utf8, &b) == 0)
		ret = arena_strdup(s->arena, buf_str(&b));
	buf_clear(&b);
	if (ret == NULL)
		mc_error("\"%s\" is not a valid folder name (UTF-8)", utf8);
	return ret;
}

int
mc_imap_select(struct mc_imap *s, const char *folder, bool readonly)
{
	const char *mb = mc_imap_mailbox(s, folder);
	int r;

	if (mb == NULL)
		return EX_USAGE;
	r = readonly ? mailimap_examine(s->imap, mb) :
	    mailimap_select(s->imap, mb);
	if (r != MAILIMAP_NO_ERROR) {
		int rc = mc_imap_fail(s, r, readonly ? "EXAMINE" : "SELECT");

		if (rc == EX_DATAERR)
			mc_error("no folder \"%s\" (mailcli folders lists "
			    "them)", folder);
		return rc;
	}
	s->folder = folder;
	return EX_OK;
}

int
mc_uid_set_parse(const char *str, struct mailimap_set **set_r)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	const char *p = str;

	if (set == NULL)
		tern_panic("out of memory");
	while (*p != '\0') {
		uint32_t lo, hi;
		size_t n = strspn(p, "0123456789");

		if (n == 0 || parse_u32(span_make(p, n), UINT32_MAX,
		    &lo) < 0 || lo == 0)
			goto bad;
		p += n;
		hi = lo;
		if (*p == ':') {
			p++;
			if (*p == '*') {
				hi = 0;	/* libetpan: 0 is "*" */
				p++;
			} else {
				n = strspn(p, "0123456789");
				if (n == 0 || parse_u32(span_make(p, n),
				    UINT32_MAX, &hi) < 0 || hi == 0)
					goto bad;
				p += n;
			}
		}
		if (mailimap_set_add_interval(set, lo, hi) != MAILIMAP_NO_ERROR)
			tern_panic("out of memory");
		if (*p == ',' && p[1] != '\0')
			p++;
		else if (*p != '\0')
			goto bad;
	}
	if (clist_isempty(set->set_list))
		goto bad;
	*set_r = set;
	return 0;
bad:
	mailimap_set_free(set);
	mc_error("\"%s\" is not a message ID (a UID, or a list like 1,4:7)",
	    str);
	return -1;
}

int
mc_parse_uid(const char *str, uint32_t *uid_r)
{
	if (parse_u32(span_str(str), UINT32_MAX, uid_r) < 0 || *uid_r == 0) {
		mc_error("\"%s\" is not a message ID (a number)", str);
		return -1;
	}
	return 0;
}

int
mc_imap_uid_search(struct mc_imap *s, const char *criteria,
	clist **result_r)
{
	struct mailimap_response *resp = NULL;
	mailstream *st = s->imap->imap_stream;
	const char *p;
	bool ascii = true;
	int r, code;

	for (p = criteria; *p != '\0'; p++) {
		if (*p == '\r' || *p == '\n') {
			mc_error("a search may not contain line breaks");
			return EX_USAGE;
		}
		if ((unsigned char)*p >= 0x80)
			ascii = false;
	}
	*result_r = NULL;
	/* libetpan's search keys cannot say everything SEARCH can, so the
	 * criteria go out as given (RFC 3501 6.4.4) */
	r = mailimap_send_current_tag(s->imap);
	if (r == MAILIMAP_NO_ERROR &&
	    (mailstream_write(st, "UID SEARCH ", 11) != 11 ||
	    (!ascii && mailstream_write(st, "CHARSET UTF-8 ", 14) != 14) ||
	    mailstream_write(st, criteria, strlen(criteria)) !=
	    (ssize_t)strlen(criteria)))
		r = MAILIMAP_ERROR_STREAM;
	if (r == MAILIMAP_NO_ERROR && mailstream_write(st, "\r\n", 2) != 2)
		r = MAILIMAP_ERROR_STREAM;
	if (r == MAILIMAP_NO_ERROR && mailstream_flush(st) == -1)
		r = MAILIMAP_ERROR_STREAM;
	if (r == MAILIMAP_NO_ERROR && mailimap_read_line(s->imap) == NULL)
		r = MAILIMAP_ERROR_STREAM;
	if (r == MAILIMAP_NO_ERROR)
		r = mailimap_parse_response(s->imap, &resp);
	if (r != MAILIMAP_NO_ERROR)
		return mc_imap_fail(s, r, "UID SEARCH");
	*result_r = s->imap->imap_response_info->rsp_search_result;
	s->imap->imap_response_info->rsp_search_result = NULL;
	code = resp->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->
	    rsp_type;
	mailimap_response_free(resp);
	if (code != MAILIMAP_RESP_COND_STATE_OK) {
		if (*result_r != NULL)
			mailimap_search_result_free(*result_r);
		*result_r = NULL;
		mc_error("UID SEARCH %s: %s", criteria, server_text(s));
		return EX_DATAERR;
	}
	if (*result_r == NULL) {
		*result_r = clist_new();
		if (*result_r == NULL)
			tern_panic("out of memory");
	}
	return EX_OK;
}

uint32_t
mc_msg_att_uid(const struct mailimap_msg_att *ma)
{
	clistiter *it;

	for (it = clist_begin(ma->att_list); it != NULL;
	    it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);

		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
		    item->att_data.att_static->att_type == MAILIMAP_MSG_ATT_UID)
			return item->att_data.att_static->att_data.att_uid;
	}
	return 0;
}

int
mc_imap_fetch_raw(struct mc_imap *s, uint32_t uid, char **data_r,
	size_t *len_r)
{
	struct mailimap_set *set = mailimap_set_new_single(uid);
	struct mailimap_fetch_type *ft;
	clist *res = NULL;
	clistiter *it, *jt;
	int r, rc = EX_DATAERR;

	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	if (set == NULL || ft == NULL ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid()) != MAILIMAP_NO_ERROR ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_body_peek_section(
	    mailimap_section_new(NULL))) != MAILIMAP_NO_ERROR)
		tern_panic("out of memory");
	r = mailimap_uid_fetch(s->imap, set, ft, &res);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return mc_imap_fail(s, r, "UID FETCH");
	for (it = clist_begin(res); it != NULL; it = clist_next(it)) {
		struct mailimap_msg_att *ma = clist_content(it);

		/* unsolicited FETCH responses for other messages may come */
		if (mc_msg_att_uid(ma) != uid)
			continue;
		for (jt = clist_begin(ma->att_list); jt != NULL;
		    jt = clist_next(jt)) {
			struct mailimap_msg_att_item *item = clist_content(jt);
			struct mailimap_msg_att_static *st;

			if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
				continue;
			st = item->att_data.att_static;
			if (st->att_type != MAILIMAP_MSG_ATT_BODY_SECTION)
				continue;
			*len_r = st->att_data.att_body_section->sec_length;
			*data_r = xmalloc(*len_r + 1);
			if (*len_r > 0)
				memcpy(*data_r, st->att_data.att_body_section->
				    sec_body_part, *len_r);
			(*data_r)[*len_r] = '\0';
			rc = EX_OK;
			goto out;
		}
	}
	mc_error("no message with ID %u in %s", uid,
	    s->folder != NULL ? s->folder : "the folder");
out:
	mailimap_fetch_list_free(res);
	return rc;
}

const char *
mc_flag_name(const struct mailimap_flag *f)
{
	switch (f->fl_type) {
	case MAILIMAP_FLAG_ANSWERED:
		return "\\Answered";
	case MAILIMAP_FLAG_FLAGGED:
		return "\\Flagged";
	case MAILIMAP_FLAG_DELETED:
		return "\\Deleted";
	case MAILIMAP_FLAG_SEEN:
		return "\\Seen";
	case MAILIMAP_FLAG_DRAFT:
		return "\\Draft";
	case MAILIMAP_FLAG_KEYWORD:
		return f->fl_data.fl_keyword;
	case MAILIMAP_FLAG_EXTENSION:
		return f->fl_data.fl_extension;
	default:
		return "?";
	}
}

struct mailimap_flag *
mc_flag_new(const char *name)
{
	static const struct {
		const char *name;
		int type;
	} sys[] = {
		{ "seen", MAILIMAP_FLAG_SEEN },
		{ "answered", MAILIMAP_FLAG_ANSWERED },
		{ "flagged", MAILIMAP_FLAG_FLAGGED },
		{ "deleted", MAILIMAP_FLAG_DELETED },
		{ "draft", MAILIMAP_FLAG_DRAFT },
	};
	const char *n = name[0] == '\\' ? name + 1 : name;
	const char *p;
	size_t i;

	for (i = 0; i < N_ELEMENTS(sys); i++) {
		if (strcasecmp(n, sys[i].name) == 0)
			return mailimap_flag_new(sys[i].type, NULL, NULL);
	}
	/* a keyword is an atom (RFC 3501 9: flag-keyword) */
	if (name[0] == '\\' || name[0] == '\0')
		return NULL;
	for (p = name; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    strchr("(){%*\"\\]", *p) != NULL)
			return NULL;
	}
	return mailimap_flag_new_flag_keyword(xstrdup(name));
}

int
mc_imap_get_message(struct mc_ctx *ctx, struct mc_imap *s,
	const char *folder, bool readonly, uint32_t uid, char **data_r,
	size_t *len_r)
{
	int rc = mc_imap_open(ctx, s);

	if (rc == EX_OK)
		rc = mc_imap_select(s, folder, readonly);
	if (rc == EX_OK)
		rc = mc_imap_fetch_raw(s, uid, data_r, len_r);
	return rc;
}
