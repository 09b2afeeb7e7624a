/* SPDX-License-Identifier: MIT */
/*
 * cmd_mailbox: NAMESPACE (RFC 2342), CREATE (+ RFC 6154 USE), DELETE,
 * RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST (RFC 9051 6.3.9, RFC 5258
 * LIST-EXTENDED, RFC 5819 LIST-STATUS, RFC 6154 SPECIAL-USE), LSUB and
 * STATUS (RFC 9051 6.3.11, RFC 8438 SIZE). Names go through
 * imap_mailbox_decode (modified UTF-7 or UTF-8) into lib/folder's form;
 * lib/folder refuses names that could escape the Maildir.
 */
#include <errno.h>
#include <stdlib.h>

#include "imapd.h"
#include "condstore.h"
#include "folder.h"
#include "folders.h"
#include "log.h"
#include "maildir.h"
#include "maildir_mailbox.h"
#include "mailbox_view.h"
#include "reply.h"
#include "str.h"
#include "tern.h"

#define LIST_PATTERNS_MAX 32		/* LIST "" ("a" "b" ...) */

int
imap_cmd_mailbox(struct imap_cmd *c, const struct imap_arg *arg,
	const char **name_r)
{
	struct buf out;
	struct span wire;
	const char *error;

	if (!imap_arg_astring(arg, &wire)) {
		imap_bad(c, NULL, "Bad mailbox name");
		return -1;
	}
	buf_init(&out, IMAP_NAME_MAX * 2);
	if (imap_mailbox_decode(wire, imap_utf8(c->s), c->s->sep, &out,
	    &error) < 0) {
		buf_clear(&out);
		imap_bad(c, NULL, "%s", error);
		return -1;
	}
	*name_r = arena_strdup(c->arena, buf_str(&out));
	buf_clear(&out);
	return 0;
}

int
imap_append_mailbox(const struct imap_session *s, struct buf *out,
	const char *name)
{
	struct buf wire;
	int ret;

	buf_init(&wire, 0);
	ret = imap_mailbox_encode(name, imap_utf8(s), s->sep, &wire);
	if (ret == 0)
		ret = imap_append_astring(out, buf_span(&wire), imap_utf8(s));
	buf_clear(&wire);
	return ret;
}

void
cmd_namespace(struct imap_cmd *c)
{
	if (c->n_args != 0) {
		imap_bad(c, NULL, "NAMESPACE takes no arguments");
		return;
	}
	imap_untagged(c, "NAMESPACE ((\"\" \"%c\")) NIL NIL", c->s->sep);
	imap_ok(c, NULL, "Namespace completed");
}

void
cmd_create(struct imap_cmd *c)
{
	struct imap_session *s = c->s;
	const char *name, *error, *use = NULL;
	enum tern_err err;

	if (c->n_args != 1 && c->n_args != 2) {
		imap_bad(c, NULL, "Syntax: CREATE mailbox [(USE (attr))]");
		return;
	}
	if (imap_cmd_mailbox(c, &c->args[0], &name) < 0)
		return;
	if (c->n_args == 2) {
		/* RFC 6154 3: CREATE name (USE (\Drafts)) */
		const struct imap_arg *o = &c->args[1];

		if (o->type != IMAP_ARG_LIST || o->n != 2 ||
		    !imap_arg_atom_is(&o->list[0], "USE") ||
		    o->list[1].type != IMAP_ARG_LIST || o->list[1].n != 1 ||
		    o->list[1].list[0].type != IMAP_ARG_ATOM) {
			imap_bad(c, NULL, "Syntax: CREATE mailbox "
			    "(USE (attr))");
			return;
		}
		use = folders_special_use_valid(arena_spandup(c->arena,
		    o->list[1].list[0].str));
		if (use == NULL) {
			imap_no(c, "USEATTR", "Unsupported special-use "
			    "attribute");
			return;
		}
	}
	if (folder_is_inbox(name) || folders_exists(s->maildir, name)) {
		imap_no(c, "ALREADYEXISTS", "Mailbox already exists");
		return;
	}
	if (folder_create(s->maildir, name, &err, &error) < 0) {
		log_info("create", "mailbox=\"%s\" error=\"%s\"", name, error);
		imap_store_error(c, err, false);
		return;
	}
	if (use != NULL && folders_set_special_use(s->maildir, name,
	    use) < 0)
		log_error("create", "mailbox=\"%s\" error=\"cannot store the "
		    "special-use attribute\"", name);
	imap_ok(c, NULL, "Create completed");
}

void
cmd_delete(struct imap_cmd *c)
{
	struct imap_session *s = c->s;
	const char *name, *error;
	enum tern_err err;

	if (c->n_args != 1) {
		imap_bad(c, NULL, "Syntax: DELETE mailbox");
		return;
	}
	if (imap_cmd_mailbox(c, &c->args[0], &name) < 0)
		return;
	if (s->view != NULL && strcmp(s->view->name, name) == 0)
		imap_session_unselect(s);
	if (folders_delete(s->maildir, name, &err, &error) < 0) {
		log_info("delete", "mailbox=\"%s\" error=\"%s\"", name, error);
		if (err == TERN_ERR_PERM)
			imap_no(c, folder_is_inbox(name) ? "CANNOT" :
			    "INUSE", "%s", folder_is_inbox(name) ?
			    "INBOX cannot be deleted" :
			    "Mailbox has children, delete them first");
		else
			imap_store_error(c, err, false);
		return;
	}
	imap_ok(c, NULL, "Delete completed");
}

void
cmd_rename(struct imap_cmd *c)
{
	struct imap_session *s = c->s;
	const char *from, *to, *error;
	enum tern_err err;

	if (c->n_args != 2) {
		imap_bad(c, NULL, "Syntax: RENAME old new");
		return;
	}
	if (imap_cmd_mailbox(c, &c->args[0], &from) < 0 ||
	    imap_cmd_mailbox(c, &c->args[1], &to) < 0)
		return;
	if (s->view != NULL && strncmp(s->view->name, from,
	    strlen(from)) == 0)
		imap_session_unselect(s);
	if (folders_rename(s->maildir, from, to, &err, &error) < 0) {
		log_info("rename", "from=\"%s\" to=\"%s\" error=\"%s\"", from,
		    to, error);
		imap_store_error(c, err, false);
		return;
	}
	imap_ok(c, NULL, "Rename completed");
}

static void
subscribe(struct imap_cmd *c, bool on)
{
	const char *name;

	if (c->n_args != 1) {
		imap_bad(c, NULL, "Syntax: %s mailbox", on ? "SUBSCRIBE" :
		    "UNSUBSCRIBE");
		return;
	}
	if (imap_cmd_mailbox(c, &c->args[0], &name) < 0)
		return;
	/* RFC 9051 6.3.7: subscribing to a missing name may fail */
	if (on && !folders_exists(c->s->maildir, name)) {
		imap_no(c, "NONEXISTENT", "Mailbox does not exist");
		return;
	}
	if (folders_subscribe(c->s->maildir, name, on) < 0) {
		log_error("subscribe", "mailbox=\"%s\" error=\"%s\"", name,
		    strerror(errno));
		imap_store_error(c, TERN_ERR_TEMP, false);
		return;
	}
	imap_ok(c, NULL, "%s completed", on ? "Subscribe" : "Unsubscribe");
}

void
cmd_subscribe(struct imap_cmd *c)
{
	subscribe(c, true);
}

void
cmd_unsubscribe(struct imap_cmd *c)
{
	subscribe(c, false);
}

/* ---- STATUS ---- */

enum status_item {
	ST_MESSAGES = 1 << 0,
	ST_UIDNEXT = 1 << 1,
	ST_UIDVALIDITY = 1 << 2,
	ST_UNSEEN = 1 << 3,
	ST_RECENT = 1 << 4,
	ST_SIZE = 1 << 5,
	ST_DELETED = 1 << 6,
	ST_HIGHESTMODSEQ = 1 << 7,	/* RFC 7162 3.1.10 */
};

static const struct {
	const char *name;
	enum status_item item;
} status_table[] = {
	{ "MESSAGES", ST_MESSAGES },
	{ "UIDNEXT", ST_UIDNEXT },
	{ "UIDVALIDITY", ST_UIDVALIDITY },
	{ "UNSEEN", ST_UNSEEN },
	{ "RECENT", ST_RECENT },
	{ "SIZE", ST_SIZE },
	{ "DELETED", ST_DELETED },
	{ "HIGHESTMODSEQ", ST_HIGHESTMODSEQ },
};

/* Parse "(MESSAGES UNSEEN)". -1 for anything else. */
static int
parse_status_items(const struct imap_arg *arg, unsigned *items_r)
{
	size_t i, j;

	*items_r = 0;
	if (arg->type != IMAP_ARG_LIST || arg->n == 0)
		return -1;
	for (i = 0; i < arg->n; i++) {
		for (j = 0; j < N_ELEMENTS(status_table); j++) {
			if (imap_arg_atom_is(&arg->list[i],
			    status_table[j].name))
				break;
		}
		if (j == N_ELEMENTS(status_table))
			return -1;
		*items_r |= (unsigned)status_table[j].item;
	}
	return 0;
}

/* Send "* STATUS name (...)". -1 with *err_r if it cannot be opened. */
static int
send_status(struct imap_cmd *c, const char *name, unsigned items,
	enum tern_err *err_r)
{
	struct imap_session *s = c->s;
	struct maildir_mailbox *mb;
	char path[MAILDIR_PATH_MAX];
	const char *error;
	uint64_t size = 0;
	uint32_t unseen = 0, recent = 0, deleted = 0;
	struct buf line;
	size_t i;

	if (folders_path(s->maildir, name, path, sizeof(path), &error) < 0) {
		*err_r = TERN_ERR_NOTFOUND;
		return -1;
	}
	if (maildir_mailbox_open(path, 0, &mb, err_r, &error) < 0) {
		if (*err_r != TERN_ERR_NOTFOUND)
			log_error("status", "mailbox=\"%s\" error=\"%s\"",
			    name, error);
		return -1;
	}
	for (i = 0; i < mb->count; i++) {
		const struct maildir_mail *m = &mb->mails[i];

		size += m->vsize;
		if (!maildir_mail_has_flag(m, 'S'))
			unseen++;
		if (maildir_mail_has_flag(m, 'T'))
			deleted++;
		/* what the next SELECT gets (RFC 3501 2.3.2) */
		if (m->uid >= mb->first_recent_uid)
			recent++;
	}
	buf_init(&line, 0);
	(void)buf_puts(&line, "STATUS ");
	(void)imap_append_mailbox(s, &line, name);
	(void)buf_puts(&line, " (");
	for (i = 0; i < N_ELEMENTS(status_table); i++) {
		uint64_t v = 0;

		if ((items & status_table[i].item) == 0)
			continue;
		switch (status_table[i].item) {
		case ST_MESSAGES:
			v = mb->count;
			break;
		case ST_UIDNEXT:
			v = mb->next_uid;
			break;
		case ST_UIDVALIDITY:
			v = mb->uid_validity;
			break;
		case ST_UNSEEN:
			v = unseen;
			break;
		case ST_RECENT:
			v = recent;
			break;
		case ST_SIZE:
			v = size;
			break;
		case ST_DELETED:
			v = deleted;
			break;
		case ST_HIGHESTMODSEQ:
			v = mb->modseq.highest;
			break;
		}
		(void)buf_appendf(&line, "%s%s %llu", line.data[line.len - 1] ==
		    '(' ? "" : " ", status_table[i].name,
		    (unsigned long long)v);
	}
	(void)buf_putc(&line, ')');
	stream_printf(s->stream, "* %s\r\n", buf_str(&line));
	buf_clear(&line);
	maildir_mailbox_free(&mb);
	return 0;
}

void
cmd_status(struct imap_cmd *c)
{
	const char *name;
	unsigned items;
	enum tern_err err;

	if (c->n_args != 2) {
		imap_bad(c, NULL, "Syntax: STATUS mailbox (items)");
		return;
	}
	if (imap_cmd_mailbox(c, &c->args[0], &name) < 0)
		return;
	if (parse_status_items(&c->args[1], &items) < 0) {
		imap_bad(c, NULL, "Unknown or missing STATUS item");
		return;
	}
	if ((items & ST_HIGHESTMODSEQ) != 0)
		condstore_enable(c);	/* RFC 7162 3.1 */
	if (send_status(c, name, items, &err) < 0) {
		imap_store_error(c, err, false);
		return;
	}
	imap_ok(c, NULL, "Status completed");
}

/* ---- LIST and LSUB ---- */

enum list_opt {
	LS_SUBSCRIBED = 1 << 0,		/* selection */
	LS_SPECIAL = 1 << 1,		/* selection */
	LS_RECURSIVE = 1 << 2,		/* selection RECURSIVEMATCH */
	LR_SUBSCRIBED = 1 << 3,		/* return */
	LR_CHILDREN = 1 << 4,
	LR_SPECIAL = 1 << 5,
	LR_STATUS = 1 << 6,
};

struct list_entry {
	const char *name;
	bool exists;
	bool subscribed;
	bool has_children;
	bool child_subscribed;		/* RECURSIVEMATCH CHILDINFO */
};

struct list_state {
	struct list_entry *v;
	size_t n, cap;
};

static struct list_entry *
list_add(struct imap_cmd *c, struct list_state *ls, const char *name)
{
	size_t i;

	for (i = 0; i < ls->n; i++) {
		if (strcmp(ls->v[i].name, name) == 0)
			return &ls->v[i];
	}
	if (ls->n == ls->cap) {
		size_t cap = ls->cap == 0 ? 32 : ls->cap * 2;
		struct list_entry *v = arena_alloc_array(c->arena, cap,
		    sizeof(*v));

		if (ls->n > 0)
			memcpy(v, ls->v, ls->n * sizeof(*v));
		ls->v = v;
		ls->cap = cap;
	}
	memset(&ls->v[ls->n], 0, sizeof(ls->v[0]));
	ls->v[ls->n].name = arena_strdup(c->arena, name);
	return &ls->v[ls->n++];
}

/* INBOX first, then by name (bytes). */
static int
entry_cmp(const void *a, const void *b)
{
	const struct list_entry *x = a, *y = b;
	bool xi = strcmp(x->name, "INBOX") == 0;
	bool yi = strcmp(y->name, "INBOX") == 0;

	if (xi != yi)
		return xi ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Every folder and subscription, with the implied parents. */
static int
list_collect(struct imap_cmd *c, struct list_state *ls)
{
	char **names, **subs;
	size_t n, n_subs, i, k;

	if (folder_list(c->s->maildir, &names, &n) < 0)
		return -1;
	if (folders_subscriptions(c->s->maildir, c->arena, &subs,
	    &n_subs) < 0) {
		folder_list_free(&names, n);
		return -1;
	}
	list_add(c, ls, "INBOX")->exists = true;
	for (i = 0; i < n; i++)
		list_add(c, ls, names[i])->exists = true;
	folder_list_free(&names, n);
	for (i = 0; i < n_subs; i++)
		list_add(c, ls, subs[i])->subscribed = true;
	/* parents: ".a.b" without ".a" makes "a" a \NonExistent parent */
	for (k = 0; k < ls->n; k++) {
		char *name = arena_strdup(c->arena, ls->v[k].name), *slash;
		bool sub = ls->v[k].subscribed;

		while ((slash = strrchr(name, '/')) != NULL) {
			struct list_entry *p;

			*slash = '\0';
			p = list_add(c, ls, name);
			p->has_children = true;
			if (sub)
				p->child_subscribed = true;
		}
	}
	qsort(ls->v, ls->n, sizeof(ls->v[0]), entry_cmp);
	return 0;
}

static void
list_send(struct imap_cmd *c, const struct list_entry *e, unsigned opts,
	const char *cmd, unsigned status_items)
{
	struct imap_session *s = c->s;
	const char *special = NULL;
	struct buf line;
	enum tern_err err;
	size_t attrs_start;

	buf_init(&line, 0);
	(void)buf_appendf(&line, "%s (", cmd);
	attrs_start = line.len;
#define ATTR(a) (void)buf_appendf(&line, "%s%s", \
	line.len > attrs_start ? " " : "", (a))
	if (!e->exists) {
		ATTR("\\NonExistent");
		if (strcmp(cmd, "LSUB") == 0 || (opts & LS_SUBSCRIBED) == 0)
			ATTR("\\Noselect");
	}
	if (strcmp(cmd, "LIST") == 0) {
		ATTR(e->has_children ? "\\HasChildren" : "\\HasNoChildren");
		if (e->exists && !folder_is_inbox(e->name))
			special = folders_special_use(s->maildir, e->name,
			    c->arena);
		if (special != NULL)
			ATTR(special);
		if (e->subscribed &&
		    (opts & (LS_SUBSCRIBED | LR_SUBSCRIBED)) != 0)
			ATTR("\\Subscribed");
	}
#undef ATTR
	(void)buf_appendf(&line, ") \"%c\" ", s->sep);
	(void)imap_append_mailbox(s, &line, e->name);
	if ((opts & LS_RECURSIVE) != 0 && !e->subscribed &&
	    e->child_subscribed)
		(void)buf_puts(&line, " (\"CHILDINFO\" (\"SUBSCRIBED\"))");
	stream_printf(s->stream, "* %s\r\n", buf_str(&line));
	buf_clear(&line);
	if ((opts & LR_STATUS) != 0 && e->exists)
		(void)send_status(c, e->name, status_items, &err);
}

static bool
list_wanted(const struct list_entry *e, unsigned opts)
{
	if ((opts & LS_SUBSCRIBED) != 0) {
		if ((opts & LS_RECURSIVE) != 0 && e->child_subscribed)
			return true;
		return e->subscribed;
	}
	return e->exists || e->has_children;
}

static int
parse_list_opts(const struct imap_arg *arg, bool selection,
	unsigned *opts, unsigned *status_items)
{
	size_t i;

	if (arg->type != IMAP_ARG_LIST)
		return -1;
	for (i = 0; i < arg->n; i++) {
		const struct imap_arg *o = &arg->list[i];

		if (selection && imap_arg_atom_is(o, "SUBSCRIBED"))
			*opts |= LS_SUBSCRIBED;
		else if (selection && imap_arg_atom_is(o, "SPECIAL-USE"))
			*opts |= LS_SPECIAL;
		else if (selection && imap_arg_atom_is(o, "RECURSIVEMATCH"))
			*opts |= LS_RECURSIVE;
		else if (selection && imap_arg_atom_is(o, "REMOTE"))
			;
		else if (!selection && imap_arg_atom_is(o, "SUBSCRIBED"))
			*opts |= LR_SUBSCRIBED;
		else if (!selection && imap_arg_atom_is(o, "CHILDREN"))
			*opts |= LR_CHILDREN;
		else if (!selection && imap_arg_atom_is(o, "SPECIAL-USE"))
			*opts |= LR_SPECIAL;
		else if (!selection && imap_arg_atom_is(o, "STATUS") &&
		    i + 1 < arg->n &&
		    parse_status_items(&arg->list[i + 1], status_items) == 0) {
			*opts |= LR_STATUS;
			i++;
		} else
			return -1;
	}
	/* RFC 5258 3.1: RECURSIVEMATCH needs another selection option */
	if ((*opts & LS_RECURSIVE) != 0 &&
	    (*opts & (LS_SUBSCRIBED | LS_SPECIAL)) == 0)
		return -1;
	return 0;
}

/* A pattern argument: any astring, or an atom with '%' '*'. */
static int
pattern_arg(struct imap_cmd *c, const struct imap_arg *arg,
	struct span *p_r)
{
	if (arg->type == IMAP_ARG_ATOM || arg->type == IMAP_ARG_QUOTED ||
	    (arg->type == IMAP_ARG_LITERAL && !arg->streamed)) {
		*p_r = arg->str;
		return 0;
	}
	(void)c;
	return -1;
}

static void
do_list(struct imap_cmd *c, bool lsub)
{
	struct imap_session *s = c->s;
	const struct imap_arg *args = c->args;
	size_t n = c->n_args, i, k, n_pat = 0;
	unsigned opts = 0, status_items = 0;
	struct span ref, pats[LIST_PATTERNS_MAX];
	const char *patterns[LIST_PATTERNS_MAX];
	struct list_state ls = { NULL, 0, 0 };
	const char *cmd = lsub ? "LSUB" : "LIST";

	if (!lsub && n > 0 && args[0].type == IMAP_ARG_LIST) {
		if (parse_list_opts(&args[0], true, &opts, &status_items) < 0)
			goto bad;
		args++;
		n--;
	}
	if (n < 2 || pattern_arg(c, &args[0], &ref) < 0)
		goto bad;
	if (args[1].type == IMAP_ARG_LIST && !lsub) {
		if (args[1].n == 0 || args[1].n > LIST_PATTERNS_MAX)
			goto bad;
		for (i = 0; i < args[1].n; i++) {
			if (pattern_arg(c, &args[1].list[i], &pats[n_pat++]) < 0)
				goto bad;
		}
	} else if (pattern_arg(c, &args[1], &pats[n_pat++]) < 0) {
		goto bad;
	}
	if (n == 4 && !lsub && imap_arg_atom_is(&args[2], "RETURN")) {
		if (parse_list_opts(&args[3], false, &opts, &status_items) < 0)
			goto bad;
	} else if (n != 2) {
		goto bad;
	}
	if (opts & LS_SUBSCRIBED)
		opts |= LR_SUBSCRIBED;
	/* RFC 7162 3.1: asking for HIGHESTMODSEQ enables CONDSTORE, in
	 * LIST-STATUS as in STATUS */
	if ((opts & LR_STATUS) != 0 && (status_items & ST_HIGHESTMODSEQ) != 0)
		condstore_enable(c);
	/* RFC 9051 6.3.9.1: "" asks for the separator */
	if (n_pat == 1 && pats[0].len == 0) {
		imap_untagged(c, "%s (\\Noselect) \"%c\" \"\"", cmd, s->sep);
		imap_ok(c, NULL, "%s completed", cmd);
		return;
	}
	for (i = 0; i < n_pat; i++) {
		struct buf joined, out;
		const char *error;

		buf_init(&joined, IMAP_NAME_MAX * 2);
		buf_init(&out, IMAP_NAME_MAX * 2);
		(void)buf_append_span(&joined, ref);
		if (buf_append_span(&joined, pats[i]) < 0 || joined.len == 0 ||
		    imap_mailbox_decode(buf_span(&joined), imap_utf8(s),
		    s->sep, &out, &error) < 0) {
			buf_clear(&joined);
			buf_clear(&out);
			imap_bad(c, NULL, "Bad pattern");
			return;
		}
		patterns[i] = arena_strdup(c->arena, buf_str(&out));
		buf_clear(&joined);
		buf_clear(&out);
	}
	if (list_collect(c, &ls) < 0) {
		imap_store_error(c, TERN_ERR_TEMP, false);
		return;
	}
	for (k = 0; k < ls.n; k++) {
		const struct list_entry *e = &ls.v[k];

		if (lsub ? !e->subscribed : !list_wanted(e, opts))
			continue;
		if ((opts & LS_SPECIAL) != 0 && (!e->exists ||
		    folders_special_use(s->maildir, e->name, c->arena) == NULL))
			continue;
		for (i = 0; i < n_pat; i++) {
			if (imap_list_match(patterns[i], e->name))
				break;
		}
		if (i < n_pat)
			list_send(c, e, opts, cmd, status_items);
	}
	imap_ok(c, NULL, "%s completed", cmd);
	return;
bad:
	imap_bad(c, NULL, "Syntax: %s", lsub ? "LSUB reference pattern" :
	    "LIST [(options)] reference pattern [RETURN (options)]");
}

void
cmd_list(struct imap_cmd *c)
{
	do_list(c, false);
}

void
cmd_lsub(struct imap_cmd *c)
{
	do_list(c, true);
}
