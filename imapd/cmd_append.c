/* SPDX-License-Identifier: MIT */
/*
 * cmd_append: APPEND (RFC 9051 6.3.12) with MULTIAPPEND (RFC 3502),
 * APPENDUID (RFC 4315 3) and APPENDLIMIT (RFC 7889: the reader refuses
 * larger literals). A message literal is not kept in memory: the reader
 * hook installed by imap_append_hook_install() parses the command text
 * that precedes it, finds the target folder and streams the bytes into a
 * maildir_delivery in that folder's tmp/ (Dovecot's LITERAL_SIZE). A
 * literal the hook cannot place (the mailbox itself given as a literal)
 * stays in memory and is written by the handler. The handler then
 * checks flags and dates, fsyncs, renames into new/ (no flags) or cur/,
 * fsyncs the directory, and only then answers OK [APPENDUID v uids].
 * MULTIAPPEND is all or nothing: a failure unlinks what was published.
 */
#include <errno.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#include "imapd.h"
#include "folders.h"
#include "log.h"
#include "maildir.h"
#include "mailbox_view.h"
#include "msgflags.h"
#include "msgstore.h"
#include "reply.h"
#include "str.h"
#include "tern.h"

#define APPEND_MSGS_MAX 64		/* messages in one MULTIAPPEND */

struct append_state {
	struct imap_session *s;
	char path[MAILDIR_PATH_MAX];	/* target of streamed literals */
	bool have_path;
	bool missing;			/* the target does not exist */
	struct maildir_delivery *d[APPEND_MSGS_MAX];
	unsigned lit[APPEND_MSGS_MAX];	/* literal index of d[i] */
	size_t n;
	struct maildir_delivery *cur;	/* being written; NULL: discard */
};

static void
state_reset(struct append_state *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		maildir_delivery_abort(&st->d[i]);
	st->n = 0;
	st->cur = NULL;
	st->have_path = false;
	st->missing = false;
}

/* The target folder from the command text before the first literal:
 * "tag APPEND mailbox [flags] [date] {N}". 1 found, 0 not (the mailbox
 * is a literal, or the text does not parse: the handler decides). */
static int
find_target(struct append_state *st)
{
	struct imap_session *s = st->s;
	struct span text = buf_span(&s->reader.text), tag, name, rest;
	struct imap_cmd_text ct;
	struct imap_arg *args;
	const char *error;
	struct buf ibuf;
	uint64_t size;
	bool sync, binary;
	size_t start, n, end;
	int ret = 0;

	if (imap_split_command(text, &tag, &name, &rest, &error) < 0 ||
	    imap_line_literal(text, &size, &sync, &binary, &start) != 1)
		return 0;
	end = start;
	while (end > (size_t)(rest.p - text.p) && text.p[end - 1] == ' ')
		end--;
	if (end <= (size_t)(rest.p - text.p))
		return 0;
	memset(&ct, 0, sizeof(ct));
	ct.text = span_make(rest.p, (size_t)(text.p + end - rest.p));
	if (imap_parse_args(&ct, s->cmd_arena, &args, &n, &error) < 0 ||
	    n == 0 || !imap_arg_astring(&args[0], &name))
		return 0;
	buf_init(&ibuf, IMAP_NAME_MAX * 2);
	if (imap_mailbox_decode(name, imap_utf8(s), s->sep, &ibuf,
	    &error) == 0) {
		if (folders_path(s->maildir, buf_str(&ibuf), st->path,
		    sizeof(st->path), &error) == 0) {
			st->have_path = true;
			st->missing = !folders_exists(s->maildir,
			    buf_str(&ibuf));
			ret = 1;
		}
	}
	buf_clear(&ibuf);
	return ret;
}

static int
hook_begin(void *ctx, struct span name, unsigned index, uint64_t size,
	bool binary)
{
	struct append_state *st = ctx;
	enum tern_err err;
	const char *error;

	(void)size;
	(void)binary;
	if (!span_eq_ci(name, "APPEND") ||
	    (st->s->state & IMAP_ST_AUTHED) == 0)
		return 0;
	if (index == 0) {
		state_reset(st);
		if (find_target(st) == 0)
			return 0;
	} else if (!st->have_path) {
		return 0;
	}
	st->cur = NULL;
	if (st->missing || st->n == APPEND_MSGS_MAX)
		return 1;	/* read and dropped; the handler says NO */
	if (maildir_delivery_begin(st->path, &st->d[st->n], &err,
	    &error) < 0) {
		log_error("append", "error=\"%s\"", error);
		return 1;	/* no delivery: the handler sees the gap */
	}
	st->lit[st->n] = index;
	st->cur = st->d[st->n++];
	return 1;
}

static int
hook_write(void *ctx, const void *p, size_t len)
{
	struct append_state *st = ctx;

	if (st->cur == NULL)
		return -1;
	return maildir_delivery_write(st->cur, p, len);
}

void
imap_append_hook_install(struct imap_session *s)
{
	struct append_state *st = arena_alloc(s->arena, sizeof(*st));

	st->s = s;
	s->append = st;
	s->reader.hook.begin = hook_begin;
	s->reader.hook.write = hook_write;
	s->reader.hook.ctx = st;
}

void
imap_append_hook_clear(struct imap_session *s)
{
	if (s->append != NULL)
		state_reset(s->append);
}

static const char *const months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
	"Nov", "Dec",
};

static int
days_in_month(int m, int year)
{
	static const int days[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return m == 1 && leap ? 29 : days[m];
}

/* RFC 9051 9 date-time: "dd-Mon-yyyy hh:mm:ss +zzzz" (the day may be
 * " d"). 0 with *t_r, or -1. */
static int
parse_date_time(struct span in, time_t *t_r)
{
	char s[40], mon[4], sign, extra;
	int day, year, hh, mm, ss, zone, m;
	struct tm tm;

	if (in.len >= sizeof(s) || in.len < 25)
		return -1;
	memcpy(s, in.p, in.len);
	s[in.len] = '\0';
	if (sscanf(s, "%2d-%3c-%4d %2d:%2d:%2d %c%4d%c", &day, mon, &year,
	    &hh, &mm, &ss, &sign, &zone, &extra) != 8)
		return -1;
	mon[3] = '\0';
	for (m = 0; m < 12; m++) {
		if (strcasecmp(mon, months[m]) == 0)
			break;
	}
	if (m == 12 || day < 1 || day > 31 || year < 1900 || hh < 0 ||
	    hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60 ||
	    (sign != '+' && sign != '-') || zone < 0 || zone % 100 > 59)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_mday = day;
	tm.tm_mon = m;
	tm.tm_year = year - 1900;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	if (day > days_in_month(m, year))
		return -1;
	*t_r = timegm(&tm) - (sign == '+' ? 1 : -1) *
	    ((zone / 100) * 3600 + (zone % 100) * 60);
	return 0;
}

struct append_msg {
	const struct imap_arg *lit;
	unsigned lit_index;
	struct imap_flags flags;
	bool have_flags;
	bool have_date;
	time_t date;
	struct maildir_delivery *d;
	char *base;
};

/* Split the arguments after the mailbox into messages. -1 after BAD. */
static int
parse_messages(struct imap_cmd *c, struct append_msg *msgs, size_t *n_r)
{
	size_t i = 1, n = 0;
	unsigned lit_index = 0;
	const char *error;

	if (c->args[0].type == IMAP_ARG_LITERAL)
		lit_index++;
	while (i < c->n_args) {
		struct append_msg *m;

		if (n == APPEND_MSGS_MAX) {
			imap_bad(c, "LIMIT", "Too many messages");
			return -1;
		}
		m = &msgs[n];
		memset(m, 0, sizeof(*m));
		if (c->args[i].type == IMAP_ARG_LIST) {
			if (imap_parse_flags(&c->args[i], c->arena, &m->flags,
			    &error) < 0) {
				imap_bad(c, NULL, "%s", error);
				return -1;
			}
			m->have_flags = true;
			i++;
		}
		if (i < c->n_args && c->args[i].type == IMAP_ARG_QUOTED) {
			if (parse_date_time(c->args[i].str, &m->date) < 0) {
				imap_bad(c, NULL, "Invalid date-time");
				return -1;
			}
			m->have_date = true;
			i++;
		}
		if (i >= c->n_args || c->args[i].type != IMAP_ARG_LITERAL) {
			imap_bad(c, NULL, "Syntax: APPEND mailbox [(flags)] "
			    "[\"date-time\"] {size}");
			return -1;
		}
		m->lit = &c->args[i];
		m->lit_index = lit_index++;
		i++;
		n++;
	}
	if (n == 0) {
		imap_bad(c, NULL, "Syntax: APPEND mailbox [(flags)] "
		    "[\"date-time\"] {size}");
		return -1;
	}
	*n_r = n;
	return 0;
}

/* The streamed delivery of literal index, taken from the state. */
static struct maildir_delivery *
take_delivery(struct append_state *st, unsigned index)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		if (st->lit[i] == index && st->d[i] != NULL) {
			struct maildir_delivery *d = st->d[i];

			st->d[i] = NULL;
			return d;
		}
	}
	return NULL;
}

static void
fail_all(struct append_msg *msgs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		maildir_delivery_abort(&msgs[i].d);
}

void
cmd_append(struct imap_cmd *c)
{
	struct imap_session *s = c->s;
	struct append_state *st = s->append;
	struct append_msg *msgs;
	struct msgstore_target t;
	const char *name, *error;
	enum tern_err err;
	uint32_t *uids;
	char **bases;
	struct buf code;
	size_t i, n = 0;

	msgs = arena_alloc_array(c->arena, APPEND_MSGS_MAX, sizeof(*msgs));
	if (c->n_args < 2) {
		imap_bad(c, NULL, "Syntax: APPEND mailbox [(flags)] "
		    "[\"date-time\"] {size}");
		goto out;
	}
	if (imap_cmd_mailbox(c, &c->args[0], &name) < 0 ||
	    parse_messages(c, msgs, &n) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (msgs[i].lit->size == 0) {
			imap_no(c, NULL, "Cannot append an empty message");
			goto out;
		}
	}
	if (msgstore_open(s, name, &t, &err, &error) < 0) {
		if (err != TERN_ERR_NOTFOUND)
			log_error("append", "mailbox=\"%s\" error=\"%s\"", name,
			    error);
		imap_store_error(c, err, err == TERN_ERR_NOTFOUND);
		goto out;
	}
	/* collect or make each message's delivery, then make it durable */
	for (i = 0; i < n; i++) {
		struct append_msg *m = &msgs[i];
		uint64_t mask = 0;
		char letters[MAILDIR_FLAGS_MAX];
		const char *base;

		if (m->lit->streamed) {
			if (!st->have_path ||
			    strcmp(st->path, t.path) != 0 ||
			    (m->d = take_delivery(st, m->lit_index)) == NULL) {
				err = TERN_ERR_TEMP;
				error = "streamed literal lost";
				goto fail;
			}
		} else {
			if (maildir_delivery_begin(t.path, &m->d, &err,
			    &error) < 0)
				goto fail;
			(void)maildir_delivery_write(m->d, m->lit->str.p,
			    m->lit->str.len);
		}
		if (m->have_flags && msgflags_from_imap(t.mb, &m->flags, true,
		    &mask, NULL, &err, &error) < 0)
			goto fail;
		msgflags_letters(mask, letters, sizeof(letters));
		if (maildir_delivery_sync(m->d, &error) < 0 ||
		    maildir_delivery_publish(m->d, letters[0] != '\0' ?
		    letters : NULL, &base, &error) < 0) {
			err = TERN_ERR_TEMP;
			goto fail;
		}
		m->base = arena_strdup(c->arena, base);
		if (m->have_date) {
			char path[MAILDIR_PATH_MAX];
			struct timeval tv[2];

			tv[0].tv_sec = tv[1].tv_sec = m->date;
			tv[0].tv_usec = tv[1].tv_usec = 0;
			if (maildir_path(path, sizeof(path), "%s/%s/%s", t.path,
			    letters[0] != '\0' ? "cur" : "new", base) == 0 &&
			    utimes(path, tv) < 0)
				log_warn("append", "utimes %s: %s", path,
				    strerror(errno));
		}
	}
	bases = arena_alloc_array(c->arena, n, sizeof(*bases));
	uids = arena_alloc_array(c->arena, n, sizeof(*uids));
	for (i = 0; i < n; i++)
		bases[i] = msgs[i].base;
	if (msgstore_uids(&t, bases, n, uids, &err, &error) < 0)
		goto fail;
	for (i = 0; i < n; i++)
		maildir_delivery_free(&msgs[i].d);
	buf_init(&code, 0);
	(void)buf_appendf(&code, "APPENDUID %u ", t.mb->uid_validity);
	(void)msgstore_format_uidset(uids, n, &code);
	msgstore_close(&t);
	log_info("append", "mailbox=\"%s\" messages=%zu", name, n);
	imap_ok(c, buf_str(&code), "Append completed");
	buf_clear(&code);
	goto out;
fail:
	log_error("append", "mailbox=\"%s\" error=\"%s\"", name, error);
	fail_all(msgs, n);
	msgstore_close(&t);
	if (err == TERN_ERR_SYNTAX)
		imap_bad(c, NULL, "Invalid keyword");
	else
		imap_store_error(c, err, false);
out:
	if (st != NULL)
		state_reset(st);
}
