/* SPDX-License-Identifier: MIT */
/*
 * imap_change: the IMAP commands that change messages: flag (UID STORE,
 * RFC 3501 6.4.6), move (UID MOVE, RFC 6851, else UID COPY + \Deleted +
 * UID EXPUNGE, RFC 4315) and delete (to the \Trash folder, RFC 6154,
 * or --expunge; DELE with --protocol pop3). UIDs are checked with UID
 * SEARCH first: STORE and COPY of missing UIDs succeed silently.
 */
#include "autoconfig.h"
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "read.h"
#include "tern.h"

static int
store_flags(struct mc_imap *s, struct mailimap_set *set,
	struct mailimap_flag_list *fl, bool add)
{
	struct mailimap_store_att_flags *sf = add ?
	    mailimap_store_att_flags_new_add_flags_silent(fl) :
	    mailimap_store_att_flags_new_remove_flags_silent(fl);
	int r;

	if (sf == NULL)
		tern_panic("out of memory");
	r = mailimap_uid_store(s->imap, set, sf);
	mailimap_store_att_flags_free(sf);
	if (r != MAILIMAP_NO_ERROR)
		return mc_imap_fail(s, r, "UID STORE");
	return EX_OK;
}

/* Do the UIDs of set exist? UID STORE and UID COPY of missing UIDs
 * succeed silently (RFC 3501 6.4.8), so we ask first. */
static int
check_uids(struct mc_imap *s, const char *ids)
{
	clist *res = NULL;
	int rc;

	rc = mc_imap_uid_search(s, arena_printf(s->arena, "UID %s", ids),
	    &res);
	if (rc != EX_OK)
		return rc;
	if (clist_isempty(res)) {
		mc_error("no message with ID %s in %s", ids, s->folder);
		rc = EX_DATAERR;
	}
	mailimap_search_result_free(res);
	return rc;
}

int
mc_cmd_flag(struct mc_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "folder", required_argument, NULL, 'f' },
		{ "set", no_argument, NULL, 's' },
		{ "clear", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] = "flag [--folder NAME] [--set|--clear] "
	    "ID FLAG...\n"
	    "  set (default) or clear flags: seen, answered, flagged, "
	    "deleted, draft,\n  or a keyword; ID is a UID or a list "
	    "like 3,5:9";
	const char *folder = "INBOX";
	bool add = true;
	struct mailimap_set *set = NULL;
	struct mailimap_flag_list *fl;
	struct mc_imap s;
	int opt, rc, i;

	while ((opt = mc_read_getopt(argc, argv, "f:sch", longopts,
	    usage)) != -1) {
		if (opt == 'f')
			folder = optarg;
		else if (opt == 's')
			add = true;
		else if (opt == 'c')
			add = false;
	}
	if (argc - optind < 2) {
		fprintf(stderr, "usage: mailcli %s\n", usage);
		return EX_USAGE;
	}
	if (mc_uid_set_parse(argv[optind], &set) < 0)
		return EX_USAGE;
	fl = mailimap_flag_list_new_empty();
	for (i = optind + 1; i < argc; i++) {
		struct mailimap_flag *f = mc_flag_new(argv[i]);

		if (f == NULL) {
			mc_error("\"%s\" is not a flag", argv[i]);
			mailimap_flag_list_free(fl);
			mailimap_set_free(set);
			return EX_USAGE;
		}
		if (mailimap_flag_list_add(fl, f) != MAILIMAP_NO_ERROR)
			tern_panic("out of memory");
	}
	rc = mc_imap_open(ctx, &s);
	if (rc == EX_OK)
		rc = mc_imap_select(&s, folder, false);
	if (rc == EX_OK)
		rc = check_uids(&s, argv[optind]);
	if (rc == EX_OK)
		rc = store_flags(&s, set, fl, add);
	else
		mailimap_flag_list_free(fl);
	mailimap_set_free(set);
	mc_imap_close(&s);
	return rc;
}

/* Move set to mb: UID MOVE, else UID COPY + \Deleted + UID EXPUNGE
 * (plain EXPUNGE without UIDPLUS would remove others' \Deleted too). */
static int
move_uids(struct mc_imap *s, struct mailimap_set *set, const char *mb)
{
	struct mailimap_flag_list *fl;
	int r, rc;

	if (mc_imap_has(s, "MOVE")) {
		r = mailimap_uid_move(s->imap, set, mb);
		return r == MAILIMAP_NO_ERROR ? EX_OK :
		    mc_imap_fail(s, r, "UID MOVE");
	}
	r = mailimap_uid_copy(s->imap, set, mb);
	if (r != MAILIMAP_NO_ERROR)
		return mc_imap_fail(s, r, "UID COPY");
	fl = mailimap_flag_list_new_empty();
	if (fl == NULL || mailimap_flag_list_add(fl,
	    mailimap_flag_new_deleted()) != MAILIMAP_NO_ERROR)
		tern_panic("out of memory");
	rc = store_flags(s, set, fl, true);
	if (rc != EX_OK)
		return rc;
	if (!mc_imap_has(s, "UIDPLUS")) {
		mc_warn("%s has no UIDPLUS: the message is copied and "
		    "marked \\Deleted, not expunged", s->host);
		return EX_OK;
	}
	r = mailimap_uid_expunge(s->imap, set);
	return r == MAILIMAP_NO_ERROR ? EX_OK :
	    mc_imap_fail(s, r, "UID EXPUNGE");
}

int
mc_cmd_move(struct mc_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "folder", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] = "move [--folder NAME] ID TARGET\n"
	    "  move messages to the folder TARGET (UID MOVE, or COPY and "
	    "EXPUNGE)";
	const char *folder = "INBOX", *mb;
	struct mailimap_set *set = NULL;
	struct mc_imap s;
	int opt, rc;

	while ((opt = mc_read_getopt(argc, argv, "f:h", longopts,
	    usage)) != -1) {
		if (opt == 'f')
			folder = optarg;
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: mailcli %s\n", usage);
		return EX_USAGE;
	}
	if (mc_uid_set_parse(argv[optind], &set) < 0)
		return EX_USAGE;
	rc = mc_imap_open(ctx, &s);
	if (rc == EX_OK)
		rc = mc_imap_select(&s, folder, false);
	if (rc == EX_OK)
		rc = check_uids(&s, argv[optind]);
	if (rc == EX_OK) {
		mb = mc_imap_mailbox(&s, argv[optind + 1]);
		rc = mb != NULL ? move_uids(&s, set, mb) : EX_USAGE;
	}
	mailimap_set_free(set);
	mc_imap_close(&s);
	return rc;
}

/* The Trash folder: the one LIST marks \Trash (RFC 6154), else one
 * named Trash. NULL if there is none. In s->arena. */
static const char *
find_trash(struct mc_imap *s)
{
	clist *list = NULL;
	clistiter *it;
	const char *named = NULL, *special = NULL;

	if (mailimap_list(s->imap, "", "*", &list) != MAILIMAP_NO_ERROR)
		return NULL;
	for (it = clist_begin(list); it != NULL; it = clist_next(it)) {
		struct mailimap_mailbox_list *mb = clist_content(it);

		if (mc_mailbox_has_flag(mb, "\\Trash") && special == NULL)
			special = arena_strdup(s->arena, mb->mb_name);
		if (strcasecmp(mb->mb_name, "Trash") == 0 && named == NULL)
			named = arena_strdup(s->arena, mb->mb_name);
	}
	mailimap_list_result_free(list);
	return special != NULL ? special : named;
}

static int
imap_delete(struct mc_ctx *ctx, const char *folder, const char *ids,
	bool expunge)
{
	struct mailimap_set *set = NULL;
	struct mailimap_flag_list *fl;
	struct mc_imap s;
	const char *trash = NULL, *cur;
	int rc, r;

	if (mc_uid_set_parse(ids, &set) < 0)
		return EX_USAGE;
	rc = mc_imap_open(ctx, &s);
	if (rc == EX_OK)
		rc = mc_imap_select(&s, folder, false);
	if (rc == EX_OK)
		rc = check_uids(&s, ids);
	if (rc != EX_OK)
		goto out;
	if (!expunge) {
		trash = find_trash(&s);
		cur = mc_imap_mailbox(&s, folder);
		if (trash == NULL) {
			mc_error("there is no Trash folder on %s: use "
			    "--expunge to delete for good", s.host);
			rc = EX_DATAERR;
			goto out;
		}
		if (cur == NULL || strcmp(trash, cur) != 0) {
			rc = move_uids(&s, set, trash);
			goto out;
		}
		/* deleting in Trash deletes for good */
	}
	fl = mailimap_flag_list_new_empty();
	if (fl == NULL || mailimap_flag_list_add(fl,
	    mailimap_flag_new_deleted()) != MAILIMAP_NO_ERROR)
		tern_panic("out of memory");
	rc = store_flags(&s, set, fl, true);
	if (rc != EX_OK)
		goto out;
	r = mc_imap_has(&s, "UIDPLUS") ? mailimap_uid_expunge(s.imap, set) :
	    mailimap_expunge(s.imap);
	if (r != MAILIMAP_NO_ERROR)
		rc = mc_imap_fail(&s, r, "EXPUNGE");
out:
	mailimap_set_free(set);
	mc_imap_close(&s);
	return rc;
}

int
mc_cmd_delete(struct mc_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "protocol", required_argument, NULL, 'p' },
		{ "folder", required_argument, NULL, 'f' },
		{ "expunge", no_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] = "delete [--protocol imap|pop3] "
	    "[--folder NAME] [--expunge] ID\n"
	    "  IMAP: move to Trash, or with --expunge remove for good;\n"
	    "  POP3: DELE the message number ID";
	enum mc_protocol proto = MC_PROTO_IMAP;
	const char *folder = "INBOX";
	bool expunge = false;
	int opt;

	while ((opt = mc_read_getopt(argc, argv, "p:f:xh", longopts,
	    usage)) != -1) {
		if (opt == 'p' && mc_parse_protocol(optarg, &proto) < 0)
			return EX_USAGE;
		if (opt == 'f')
			folder = optarg;
		if (opt == 'x')
			expunge = true;
	}
	if (argc - optind != 1) {
		fprintf(stderr, "usage: mailcli %s\n", usage);
		return EX_USAGE;
	}
	if (proto == MC_PROTO_POP3)
		return mc_pop3_delete(ctx, argv[optind]);
	return imap_delete(ctx, folder, argv[optind], expunge);
}

