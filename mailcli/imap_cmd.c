/* SPDX-License-Identifier: MIT */
/*
 * imap_cmd: the IMAP commands that list and copy messages: folders
 * (LIST + STATUS, RFC 3501 6.3.8, 6.3.10), list (UID SEARCH + UID FETCH
 * of ENVELOPE FLAGS RFC822.SIZE INTERNALDATE, newest first), fetch
 * --raw, append, and mc_imap_append() for the sending half; the option
 * helpers the reading commands share. "list" and "fetch" hand over to
 * pop3_cmd.c with --protocol pop3.
 */
#include "autoconfig.h"
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "read.h"
#include "str.h"
#include "xmalloc.h"
#include "tern.h"

/* "list" shows this many messages unless --limit says otherwise. */
#define LIST_LIMIT_DEFAULT 20

int
mc_read_getopt(int argc, char **argv, const char *shortopts,
	const struct option *longopts, const char *usage)
{
	int opt = getopt_long(argc, argv, shortopts, longopts, NULL);

	if (opt == 'h') {
		printf("usage: mailcli %s\n", usage);
		exit(EX_OK);
	}
	if (opt == '?') {
		fprintf(stderr, "usage: mailcli %s\n", usage);
		exit(EX_USAGE);
	}
	return opt;
}

int
mc_parse_protocol(const char *s, enum mc_protocol *p_r)
{
	if (strcasecmp(s, "imap") == 0)
		*p_r = MC_PROTO_IMAP;
	else if (strcasecmp(s, "pop3") == 0 || strcasecmp(s, "pop") == 0)
		*p_r = MC_PROTO_POP3;
	else {
		mc_error("--protocol is imap or pop3, not \"%s\"", s);
		return -1;
	}
	return 0;
}

/* ---- folders ---- */

static void
folder_flags_json(struct json *j, const struct mailimap_mailbox_list *mb)
{
	clistiter *it;

	json_begin_array(j);
	if (mb->mb_flag == NULL) {
		json_end_array(j);
		return;
	}
	if (mb->mb_flag->mbf_type == MAILIMAP_MBX_LIST_FLAGS_SFLAG) {
		static const char *const sflags[] = {
			[MAILIMAP_MBX_LIST_SFLAG_MARKED] = "\\Marked",
			[MAILIMAP_MBX_LIST_SFLAG_NOSELECT] = "\\Noselect",
			[MAILIMAP_MBX_LIST_SFLAG_UNMARKED] = "\\Unmarked",
		};
		int f = mb->mb_flag->mbf_sflag;

		if (f >= 0 && f < (int)N_ELEMENTS(sflags) && sflags[f] != NULL)
			json_string(j, sflags[f]);
	}
	for (it = clist_begin(mb->mb_flag->mbf_oflags); it != NULL;
	    it = clist_next(it)) {
		struct mailimap_mbx_list_oflag *of = clist_content(it);

		if (of->of_type == MAILIMAP_MBX_LIST_OFLAG_NOINFERIORS)
			json_string(j, "\\Noinferiors");
		else if (of->of_flag_ext != NULL) {
			struct buf b;

			buf_init(&b, 0);
			(void)buf_appendf(&b, "%s%s",
			    of->of_flag_ext[0] == '\\' ? "" : "\\",
			    of->of_flag_ext);
			json_string(j, buf_str(&b));
			buf_clear(&b);
		}
	}
	json_end_array(j);
}

bool
mc_mailbox_has_flag(const struct mailimap_mailbox_list *mb,
	const char *name)
{
	clistiter *it;

	if (name[0] == '\\')
		name++;
	if (mb->mb_flag == NULL)
		return false;
	if (strcasecmp(name, "Noselect") == 0 &&
	    mb->mb_flag->mbf_type == MAILIMAP_MBX_LIST_FLAGS_SFLAG &&
	    mb->mb_flag->mbf_sflag == MAILIMAP_MBX_LIST_SFLAG_NOSELECT)
		return true;
	for (it = clist_begin(mb->mb_flag->mbf_oflags); it != NULL;
	    it = clist_next(it)) {
		struct mailimap_mbx_list_oflag *of = clist_content(it);

		if (of->of_flag_ext != NULL &&
		    strcasecmp(of->of_flag_ext +
		    (of->of_flag_ext[0] == '\\'), name) == 0)
			return true;
	}
	return false;
}

static int
status_counts(struct mc_imap *s, const char *mb, uint32_t *messages_r,
	uint32_t *unseen_r)
{
	struct mailimap_status_att_list *sa;
	struct mailimap_mailbox_data_status *st = NULL;
	clistiter *it;
	int r;

	sa = mailimap_status_att_list_new_empty();
	if (sa == NULL ||
	    mailimap_status_att_list_add(sa, MAILIMAP_STATUS_ATT_MESSAGES) !=
	    MAILIMAP_NO_ERROR ||
	    mailimap_status_att_list_add(sa, MAILIMAP_STATUS_ATT_UNSEEN) !=
	    MAILIMAP_NO_ERROR)
		tern_panic("out of memory");
	r = mailimap_status(s->imap, mb, sa, &st);
	mailimap_status_att_list_free(sa);
	if (r != MAILIMAP_NO_ERROR)
		return mc_imap_fail(s, r, "STATUS");
	for (it = clist_begin(st->st_info_list); it != NULL;
	    it = clist_next(it)) {
		struct mailimap_status_info *si = clist_content(it);

		if (si->st_att == MAILIMAP_STATUS_ATT_MESSAGES)
			*messages_r = si->st_value;
		else if (si->st_att == MAILIMAP_STATUS_ATT_UNSEEN)
			*unseen_r = si->st_value;
	}
	mailimap_mailbox_data_status_free(st);
	return EX_OK;
}

int
mc_cmd_folders(struct mc_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mc_imap s;
	clist *list = NULL;
	clistiter *it;
	struct json j;
	int opt, rc, r;

	while ((opt = mc_read_getopt(argc, argv, "h", longopts,
	    "folders\n  every folder with its message and unseen counts "
	    "(IMAP LIST + STATUS)")) != -1)
		;
	if (optind != argc) {
		mc_error("folders takes no arguments");
		return EX_USAGE;
	}
	rc = mc_imap_open(ctx, &s);
	if (rc != EX_OK)
		goto out;
	r = mailimap_list(s.imap, "", "*", &list);
	if (r != MAILIMAP_NO_ERROR) {
		rc = mc_imap_fail(&s, r, "LIST");
		goto out;
	}
	if (ctx->opts.json) {
		json_init(&j, stdout);
		json_begin_array(&j);
	} else
		printf("%-32s %8s %8s\n", "FOLDER", "MESSAGES", "UNSEEN");
	for (it = clist_begin(list); it != NULL; it = clist_next(it)) {
		struct mailimap_mailbox_list *mb = clist_content(it);
		const char *name = mc_mailbox_display(mb->mb_name, s.arena);
		uint32_t messages = 0, unseen = 0;
		bool selectable = !mc_mailbox_has_flag(mb, "Noselect") &&
		    !mc_mailbox_has_flag(mb, "\\NonExistent");

		if (selectable) {
			rc = status_counts(&s, mb->mb_name, &messages, &unseen);
			if (rc != EX_OK)
				goto out;
		}
		if (ctx->opts.json) {
			char delim[2] = { mb->mb_delimiter, '\0' };

			json_begin_object(&j);
			json_key(&j, "name");
			json_string(&j, name);
			json_key(&j, "wire_name");
			json_string(&j, mb->mb_name);
			json_key(&j, "delimiter");
			if (delim[0] != '\0')
				json_string(&j, delim);
			else
				json_null(&j);
			json_key(&j, "selectable");
			json_bool(&j, selectable);
			json_key(&j, "messages");
			json_uint(&j, messages);
			json_key(&j, "unseen");
			json_uint(&j, unseen);
			json_key(&j, "flags");
			folder_flags_json(&j, mb);
			json_end_object(&j);
		} else {
			struct buf col;

			buf_init(&col, 0);
			mc_col(&col, name, 32);
			if (selectable)
				printf("%s %8u %8u\n", buf_str(&col),
				    messages, unseen);
			else
				printf("%s %8s %8s\n", buf_str(&col), "-", "-");
			buf_clear(&col);
		}
	}
	if (ctx->opts.json) {
		json_end_array(&j);
		json_finish(&j);
	}
	rc = EX_OK;
out:
	if (list != NULL)
		mailimap_list_result_free(list);
	mc_imap_close(&s);
	return rc;
}

/* ---- list ---- */

static const char *
address_text(const struct mailimap_address *ad, struct arena *a,
	bool name_first)
{
	const char *name = ad->ad_personal_name != NULL ?
	    message_decode_words(span_str(ad->ad_personal_name), a) : NULL;
	const char *addr = arena_printf(a, "%s@%s",
	    ad->ad_mailbox_name != NULL ? ad->ad_mailbox_name : "",
	    ad->ad_host_name != NULL ? ad->ad_host_name : "");

	if (name != NULL && *name != '\0')
		return name_first ? name : arena_printf(a, "%s <%s>", name,
		    addr);
	return addr;
}

void
mc_row_from_att(struct mc_row *row, const struct mailimap_msg_att *ma,
	struct arena *a)
{
	clistiter *it, *jt;

	for (it = clist_begin(ma->att_list); it != NULL;
	    it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);

		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC) {
			struct mailimap_msg_att_dynamic *dyn =
			    item->att_data.att_dyn;

			if (dyn->att_list == NULL)
				continue;
			for (jt = clist_begin(dyn->att_list); jt != NULL;
			    jt = clist_next(jt)) {
				struct mailimap_flag_fetch *ff =
				    clist_content(jt);

				if (row->nflags >= N_ELEMENTS(row->flags))
					break;
				row->flags[row->nflags++] =
				    ff->fl_type == MAILIMAP_FLAG_FETCH_RECENT ?
				    "\\Recent" : arena_strdup(a,
				    mc_flag_name(ff->fl_flag));
			}
			continue;
		}
		{
			struct mailimap_msg_att_static *st =
			    item->att_data.att_static;

			switch (st->att_type) {
			case MAILIMAP_MSG_ATT_UID:
				row->uid = st->att_data.att_uid;
				break;
			case MAILIMAP_MSG_ATT_RFC822_SIZE:
				row->size = st->att_data.att_rfc822_size;
				break;
			case MAILIMAP_MSG_ATT_INTERNALDATE:
				row->idate = *st->att_data.att_internal_date;
				row->has_idate = true;
				break;
			case MAILIMAP_MSG_ATT_ENVELOPE: {
				struct mailimap_envelope *env =
				    st->att_data.att_env;

				if (env->env_date != NULL)
					row->date = arena_strdup(a,
					    env->env_date);
				if (env->env_subject != NULL)
					row->subject = message_decode_words(
					    span_str(env->env_subject), a);
				if (env->env_from != NULL &&
				    env->env_from->frm_list != NULL &&
				    !clist_isempty(env->env_from->frm_list))
					row->from = address_text(clist_content(
					    clist_begin(env->env_from->
					    frm_list)), a, false);
				break;
			}
			default:
				break;
			}
		}
	}
}

static bool
row_has_flag(const struct mc_row *row, const char *flag)
{
	unsigned int i;

	for (i = 0; i < row->nflags; i++) {
		if (strcasecmp(row->flags[i], flag) == 0)
			return true;
	}
	return false;
}

/* "2026-11-25 14:55" (the server's zone), or the ISO 8601 form. */
static const char *
idate_text(const struct mc_row *row, bool iso, struct arena *a)
{
	const struct mailimap_date_time *d = &row->idate;
	int z = d->dt_zone < 0 ? -d->dt_zone : d->dt_zone;

	if (!row->has_idate)
		return NULL;
	if (!iso)
		return arena_printf(a, "%04d-%02d-%02d %02d:%02d", d->dt_year,
		    d->dt_month, d->dt_day, d->dt_hour, d->dt_min);
	return arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
	    d->dt_year, d->dt_month, d->dt_day, d->dt_hour, d->dt_min,
	    d->dt_sec, d->dt_zone < 0 ? '-' : '+', z / 100, z % 100);
}

static int
uid_desc(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* "2026-01-31" or an IMAP date "31-Jan-2026" into the IMAP form. */
static const char *
since_date(const char *s, struct arena *a)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%d", &tm);
	if (end == NULL || *end != '\0') {
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, "%d-%b-%Y", &tm);
		if (end == NULL || *end != '\0')
			return NULL;
	}
	if (tm.tm_mon < 0 || tm.tm_mon > 11)
		return NULL;
	return arena_printf(a, "%d-%s-%04d", tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900);
}

void
mc_print_size(struct buf *out, uint64_t size)
{
	if (size < 10000)
		(void)buf_appendf(out, "%llu", (unsigned long long)size);
	else if (size < 10 * 1024 * 1024)
		(void)buf_appendf(out, "%lluK",
		    (unsigned long long)(size + 512) / 1024);
	else
		(void)buf_appendf(out, "%lluM",
		    (unsigned long long)(size + 512 * 1024) / (1024 * 1024));
}

void
mc_row_header(void)
{
	printf("%6s  %-16s  %-22s  %-4s %6s  %s\n", "ID", "DATE", "FROM",
	    "FLAG", "SIZE", "SUBJECT");
}

void
mc_row_print(struct json *j, const struct mc_row *row, struct arena *a)
{
	unsigned int f;

	if (j != NULL) {
		json_begin_object(j);
		json_key(j, "id");
		json_uint(j, row->uid);
		json_key(j, "date");
		json_string(j, row->date);
		json_key(j, "internaldate");
		json_string(j, idate_text(row, true, a));
		json_key(j, "from");
		json_string(j, row->from);
		json_key(j, "subject");
		json_string(j, row->subject);
		json_key(j, "flags");
		json_begin_array(j);
		for (f = 0; f < row->nflags; f++)
			json_string(j, row->flags[f]);
		json_end_array(j);
		json_key(j, "seen");
		json_bool(j, row_has_flag(row, "\\Seen"));
		json_key(j, "size");
		json_uint(j, row->size);
		json_end_object(j);
	} else {
		struct buf line, sz;
		const char *d = idate_text(row, false, a);

		buf_init(&line, 0);
		(void)buf_appendf(&line, "%6u  %-16s  ", row->uid,
		    d != NULL ? d : "");
		mc_col(&line, row->from != NULL ? row->from : "", 22);
		(void)buf_appendf(&line, "  %c%c%c%c ",
		    row_has_flag(row, "\\Seen") ? ' ' : 'N',
		    row_has_flag(row, "\\Answered") ? 'r' : ' ',
		    row_has_flag(row, "\\Flagged") ? '!' : ' ',
		    row_has_flag(row, "\\Deleted") ? 'D' : ' ');
		buf_init(&sz, 0);
		mc_print_size(&sz, row->size);
		(void)buf_appendf(&line, "%6s  ", buf_str(&sz));
		buf_clear(&sz);
		(void)buf_puts(&line, row->subject != NULL ?
		    row->subject : "");
		mc_sanitize_line(&line);
		puts(buf_str(&line));
		buf_clear(&line);
	}
}

struct mailimap_fetch_type *
mc_row_fetch_type(void)
{
	struct mailimap_fetch_type *ft =
	    mailimap_fetch_type_new_fetch_att_list_empty();

	if (ft == NULL ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid()) != MAILIMAP_NO_ERROR ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_flags()) != MAILIMAP_NO_ERROR ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_rfc822_size()) != MAILIMAP_NO_ERROR ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_internaldate()) != MAILIMAP_NO_ERROR ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_envelope()) != MAILIMAP_NO_ERROR)
		tern_panic("out of memory");
	return ft;
}

static int
imap_list(struct mc_ctx *ctx, const char *folder, const char *criteria,
	unsigned long limit)
{
	struct mc_imap s;
	clist *uids = NULL, *res = NULL;
	clistiter *it;
	uint32_t *v = NULL;
	size_t n = 0, i, k;
	struct mc_row *rows = NULL;
	struct json j;
	int rc, r;

	rc = mc_imap_open(ctx, &s);
	if (rc == EX_OK)
		rc = mc_imap_select(&s, folder, true);
	if (rc == EX_OK)
		rc = mc_imap_uid_search(&s, criteria, &uids);
	if (rc != EX_OK)
		goto out;
	v = xreallocarray(NULL, (size_t)clist_count(uids) + 1, sizeof(*v));
	for (it = clist_begin(uids); it != NULL; it = clist_next(it))
		v[n++] = *(uint32_t *)clist_content(it);
	qsort(v, n, sizeof(*v), uid_desc);
	if (limit > 0 && n > limit)
		n = limit;
	rows = xcalloc(n + 1, sizeof(*rows));
	if (n > 0) {
		struct mailimap_set *set = mailimap_set_new_empty();
		struct mailimap_fetch_type *ft = mc_row_fetch_type();

		if (set == NULL)
			tern_panic("out of memory");
		for (i = 0; i < n; i++) {
			if (mailimap_set_add_single(set, v[i]) !=
			    MAILIMAP_NO_ERROR)
				tern_panic("out of memory");
		}
		r = mailimap_uid_fetch(s.imap, set, ft, &res);
		mailimap_fetch_type_free(ft);
		mailimap_set_free(set);
		if (r != MAILIMAP_NO_ERROR) {
			rc = mc_imap_fail(&s, r, "UID FETCH");
			goto out;
		}
		for (it = clist_begin(res); it != NULL; it = clist_next(it)) {
			struct mailimap_msg_att *ma = clist_content(it);
			uint32_t uid = mc_msg_att_uid(ma);

			for (k = 0; k < n; k++) {
				if (v[k] == uid && rows[k].uid == 0) {
					mc_row_from_att(&rows[k], ma, s.arena);
					break;
				}
			}
		}
	}
	if (ctx->opts.json) {
		json_init(&j, stdout);
		json_begin_array(&j);
	} else if (n > 0)
		mc_row_header();
	for (i = 0; i < n; i++) {
		if (rows[i].uid != 0)	/* else expunged meanwhile */
			mc_row_print(ctx->opts.json ? &j : NULL, &rows[i],
			    s.arena);
	}
	if (ctx->opts.json) {
		json_end_array(&j);
		json_finish(&j);
	}
	rc = EX_OK;
out:
	if (res != NULL)
		mailimap_fetch_list_free(res);
	if (uids != NULL)
		mailimap_search_result_free(uids);
	free(rows);
	free(v);
	mc_imap_close(&s);
	return rc;
}

int
mc_cmd_list(struct mc_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "protocol", required_argument, NULL, 'p' },
		{ "folder", required_argument, NULL, 'f' },
		{ "unseen", no_argument, NULL, 'u' },
		{ "since", required_argument, NULL, 's' },
		{ "search", required_argument, NULL, 'S' },
		{ "limit", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] = "list [--protocol imap|pop3] "
	    "[--folder NAME] [--unseen] [--since DATE]\n"
	    "                    [--search CRITERIA] [--limit N]\n"
	    "  the newest messages first: ID, date, from, flags, size, "
	    "subject\n"
	    "  --since: YYYY-MM-DD; --search: IMAP SEARCH criteria, e.g.\n"
	    "  'FROM alice SUBJECT report'; --limit 0 lists all "
	    "(default 20)";
	enum mc_protocol proto = MC_PROTO_IMAP;
	const char *folder = "INBOX", *since = NULL, *search = NULL;
	unsigned long limit = LIST_LIMIT_DEFAULT;
	bool unseen = false;
	struct arena *a;
	struct buf crit;
	uint32_t lim;
	int opt, rc;

	while ((opt = mc_read_getopt(argc, argv, "p:f:us:S:n:h", longopts,
	    usage)) != -1) {
		switch (opt) {
		case 'p':
			if (mc_parse_protocol(optarg, &proto) < 0)
				return EX_USAGE;
			break;
		case 'f':
			folder = optarg;
			break;
		case 'u':
			unseen = true;
			break;
		case 's':
			since = optarg;
			break;
		case 'S':
			search = optarg;
			break;
		case 'n':
			if (parse_u32(span_str(optarg), UINT32_MAX, &lim) < 0) {
				mc_error("--limit takes a number");
				return EX_USAGE;
			}
			limit = lim;
			break;
		default:
			break;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "usage: mailcli %s\n", usage);
		return EX_USAGE;
	}
	if (proto == MC_PROTO_POP3) {
		if (unseen || since != NULL || search != NULL ||
		    strcmp(folder, "INBOX") != 0) {
			mc_error("POP3 has one folder and no search: "
			    "--unseen, --since, --search and --folder are "
			    "IMAP only");
			return EX_USAGE;
		}
		return mc_pop3_list(ctx, limit);
	}
	a = arena_new(0);
	buf_init(&crit, 0);
	if (unseen)
		(void)buf_puts(&crit, "UNSEEN ");
	if (since != NULL) {
		const char *d = since_date(since, a);

		if (d == NULL) {
			mc_error("--since takes a date: YYYY-MM-DD");
			rc = EX_USAGE;
			goto out;
		}
		(void)buf_appendf(&crit, "SINCE %s ", d);
	}
	if (search != NULL)
		(void)buf_appendf(&crit, "%s ", search);
	if (crit.len == 0)
		(void)buf_puts(&crit, "ALL ");
	buf_truncate(&crit, crit.len - 1);
	rc = imap_list(ctx, folder, buf_str(&crit), limit);
out:
	buf_clear(&crit);
	arena_free(&a);
	return rc;
}

/* ---- fetch --raw ---- */

int
mc_cmd_fetch(struct mc_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "protocol", required_argument, NULL, 'p' },
		{ "folder", required_argument, NULL, 'f' },
		{ "raw", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] = "fetch [--protocol imap|pop3] "
	    "[--folder NAME] --raw ID\n"
	    "  the message exactly as the server has it, on stdout "
	    "(does not set \\Seen)";
	enum mc_protocol proto = MC_PROTO_IMAP;
	const char *folder = "INBOX";
	char *data = NULL;
	size_t len = 0;
	struct mc_imap s;
	uint32_t uid;
	int opt, rc;

	while ((opt = mc_read_getopt(argc, argv, "p:f:rh", longopts,
	    usage)) != -1) {
		if (opt == 'p' && mc_parse_protocol(optarg, &proto) < 0)
			return EX_USAGE;
		if (opt == 'f')
			folder = optarg;
	}
	if (argc - optind != 1) {
		fprintf(stderr, "usage: mailcli %s\n", usage);
		return EX_USAGE;
	}
	if (mc_parse_uid(argv[optind], &uid) < 0)
		return EX_USAGE;
	if (proto == MC_PROTO_POP3)
		return mc_pop3_read(ctx, uid, true, false);
	rc = mc_imap_get_message(ctx, &s, folder, true, uid, &data, &len);
	if (rc == EX_OK && (fwrite(data, 1, len, stdout) != len ||
	    fflush(stdout) != 0)) {
		mc_error("stdout: %s", strerror(errno));
		rc = EX_IOERR;
	}
	free(data);
	mc_imap_close(&s);
	return rc;
}

/* ---- APPEND, for the sending half ---- */

int
mc_imap_append(struct mc_ctx *ctx, const char *folder, const char *msg,
	size_t len)
{
	struct mailimap_flag_list *fl;
	struct mc_imap s;
	const char *mb;
	int rc, r;

	rc = mc_imap_open(ctx, &s);
	if (rc != EX_OK)
		goto out;
	mb = mc_imap_mailbox(&s, folder);
	if (mb == NULL) {
		rc = EX_USAGE;
		goto out;
	}
	fl = mailimap_flag_list_new_empty();
	if (fl == NULL || mailimap_flag_list_add(fl,
	    mailimap_flag_new_seen()) != MAILIMAP_NO_ERROR)
		tern_panic("out of memory");
	r = mailimap_append(s.imap, mb, fl, NULL, msg, len);
	mailimap_flag_list_free(fl);
	if (r != MAILIMAP_NO_ERROR)
		rc = mc_imap_fail(&s, r, "APPEND");
out:
	mc_imap_close(&s);
	return rc;
}


int
mc_cmd_append(struct mc_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "folder", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] = "append [--folder NAME] < MESSAGE\n"
	    "  store the message on stdin in the folder (default INBOX), "
	    "marked \\Seen";
	const char *folder = "INBOX";
	struct buf msg;
	char chunk[65536];
	size_t n;
	int opt, rc;

	while ((opt = mc_read_getopt(argc, argv, "f:h", longopts,
	    usage)) != -1) {
		if (opt == 'f')
			folder = optarg;
	}
	if (argc != optind) {
		fprintf(stderr, "usage: mailcli %s\n", usage);
		return EX_USAGE;
	}
	buf_init(&msg, MC_MESSAGE_MAX);
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		if (buf_append(&msg, chunk, n) < 0) {
			mc_error("the message is larger than %u bytes",
			    MC_MESSAGE_MAX);
			buf_clear(&msg);
			return EX_DATAERR;
		}
	}
	if (ferror(stdin) || msg.len == 0) {
		mc_error("stdin: %s", ferror(stdin) ? strerror(errno) :
		    "no message");
		buf_clear(&msg);
		return EX_NOINPUT;
	}
	rc = mc_imap_append(ctx, folder, msg.data, msg.len);
	buf_clear(&msg);
	return rc;
}
