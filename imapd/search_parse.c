/* SPDX-License-Identifier: MIT */
/*
 * search_parse: SEARCH arguments into a key tree (see search_parse.h).
 * Two explicit stacks replace recursion: one of argument lists being
 * read (the top level and each "( ... )"), one of open containers (the
 * groups, and OR/NOT still waiting for operands). A finished key is
 * added to the top container; a container that is complete (OR with
 * two, NOT with one, a group at its ')') is closed and added in turn.
 */
#include <strings.h>

#include "search_parse.h"
#include "str.h"
#include "tern.h"

/* What a key takes after its name. */
enum operand {
	OP_NONE,
	OP_STRING,		/* value */
	OP_FIELD,		/* value, str fixed by the table */
	OP_HEADER,		/* str, value */
	OP_ATOM,		/* str: a keyword */
	OP_NUMBER,		/* num */
	OP_DATE,		/* day */
	OP_SEQSET,		/* seqset (UID) */
	OP_MODSEQ,		/* [entry-name entry-type] num */
	OP_NEW,			/* RECENT UNSEEN */
};

static const struct {
	const char *name;
	enum search_key_type type;
	enum operand op;
	unsigned flag;
	bool set;
	const char *field;
} keys[] = {
	{ "ALL", SEARCH_ALL, OP_NONE, 0, true, NULL },
	{ "ANSWERED", SEARCH_FLAG, OP_NONE, IMAP_FLAG_ANSWERED, true, NULL },
	{ "DELETED", SEARCH_FLAG, OP_NONE, IMAP_FLAG_DELETED, true, NULL },
	{ "DRAFT", SEARCH_FLAG, OP_NONE, IMAP_FLAG_DRAFT, true, NULL },
	{ "FLAGGED", SEARCH_FLAG, OP_NONE, IMAP_FLAG_FLAGGED, true, NULL },
	{ "SEEN", SEARCH_FLAG, OP_NONE, IMAP_FLAG_SEEN, true, NULL },
	{ "UNANSWERED", SEARCH_FLAG, OP_NONE, IMAP_FLAG_ANSWERED, false,
	  NULL },
	{ "UNDELETED", SEARCH_FLAG, OP_NONE, IMAP_FLAG_DELETED, false, NULL },
	{ "UNDRAFT", SEARCH_FLAG, OP_NONE, IMAP_FLAG_DRAFT, false, NULL },
	{ "UNFLAGGED", SEARCH_FLAG, OP_NONE, IMAP_FLAG_FLAGGED, false, NULL },
	{ "UNSEEN", SEARCH_FLAG, OP_NONE, IMAP_FLAG_SEEN, false, NULL },
	{ "RECENT", SEARCH_RECENT, OP_NONE, 0, true, NULL },
	{ "OLD", SEARCH_RECENT, OP_NONE, 0, false, NULL },
	{ "NEW", SEARCH_AND, OP_NEW, 0, true, NULL },
	{ "KEYWORD", SEARCH_KEYWORD, OP_ATOM, 0, true, NULL },
	{ "UNKEYWORD", SEARCH_KEYWORD, OP_ATOM, 0, false, NULL },
	{ "BCC", SEARCH_HEADER, OP_FIELD, 0, true, "Bcc" },
	{ "CC", SEARCH_HEADER, OP_FIELD, 0, true, "Cc" },
	{ "FROM", SEARCH_HEADER, OP_FIELD, 0, true, "From" },
	{ "SUBJECT", SEARCH_HEADER, OP_FIELD, 0, true, "Subject" },
	{ "TO", SEARCH_HEADER, OP_FIELD, 0, true, "To" },
	{ "HEADER", SEARCH_HEADER, OP_HEADER, 0, true, NULL },
	{ "BODY", SEARCH_BODY, OP_STRING, 0, true, NULL },
	{ "TEXT", SEARCH_TEXT, OP_STRING, 0, true, NULL },
	{ "LARGER", SEARCH_LARGER, OP_NUMBER, 0, true, NULL },
	{ "SMALLER", SEARCH_SMALLER, OP_NUMBER, 0, true, NULL },
	{ "BEFORE", SEARCH_BEFORE, OP_DATE, 0, true, NULL },
	{ "ON", SEARCH_ON, OP_DATE, 0, true, NULL },
	{ "SINCE", SEARCH_SINCE, OP_DATE, 0, true, NULL },
	{ "SENTBEFORE", SEARCH_SENTBEFORE, OP_DATE, 0, true, NULL },
	{ "SENTON", SEARCH_SENTON, OP_DATE, 0, true, NULL },
	{ "SENTSINCE", SEARCH_SENTSINCE, OP_DATE, 0, true, NULL },
	{ "UID", SEARCH_UIDSET, OP_SEQSET, 0, true, NULL },
	{ "MODSEQ", SEARCH_MODSEQ, OP_MODSEQ, 0, true, NULL },
};

static const char *const months[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

int32_t
search_days_from_civil(int y, unsigned m, unsigned d)
{
	/* Howard Hinnant's days_from_civil */
	int era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + (int)doe - 719468);
}

int
search_parse_date(struct span in, int32_t *day_r)
{
	const char *p = in.p, *end = in.p + in.len, *dash;
	uint32_t day, year;
	unsigned m;

	/* date-day "-" date-month "-" date-year; day is 1*2DIGIT */
	dash = memchr(p, '-', in.len);
	if (dash == NULL || dash - p < 1 || dash - p > 2 ||
	    parse_u32(span_make(p, (size_t)(dash - p)), 31, &day) < 0 ||
	    day == 0)
		return -1;
	p = dash + 1;
	if (end - p < 5 || p[3] != '-')
		return -1;
	for (m = 0; m < 12; m++) {
		if (strncasecmp(p, months[m], 3) == 0)
			break;
	}
	if (m == 12)
		return -1;
	p += 4;
	if (end - p != 4 || parse_u32(span_make(p, 4), 9999, &year) < 0)
		return -1;
	*day_r = search_days_from_civil((int)year, m + 1, day);
	return 0;
}

static bool
key_string(const struct imap_arg *arg, struct arena *a, const char **s_r)
{
	struct span s;

	if (!imap_arg_astring(arg, &s) || memchr(s.p, '\0', s.len) != NULL)
		return false;
	*s_r = arena_spandup(a, s);
	return true;
}

static int
parse_return(const struct imap_arg *list, struct search_program *prog,
	const char **error_r)
{
	static const struct {
		const char *name;
		unsigned bit;
	} opts[] = {
		{ "MIN", SEARCH_RETURN_MIN },
		{ "MAX", SEARCH_RETURN_MAX },
		{ "ALL", SEARCH_RETURN_ALL },
		{ "COUNT", SEARCH_RETURN_COUNT },
		{ "SAVE", SEARCH_RETURN_SAVE },
	};
	size_t i, k;

	prog->esearch = true;
	for (i = 0; i < list->n; i++) {
		for (k = 0; k < N_ELEMENTS(opts); k++) {
			if (imap_arg_atom_is(&list->list[i], opts[k].name))
				break;
		}
		/* RFC 4731 3.1: an unknown option is a BAD */
		if (k == N_ELEMENTS(opts)) {
			*error_r = "Unknown RETURN option";
			return -1;
		}
		prog->ret |= opts[k].bit;
	}
	if (prog->ret == 0)
		prog->ret = SEARCH_RETURN_ALL;
	return 0;
}

/* An argument list being read: the top level or a "( ... )". */
struct frame {
	const struct imap_arg *list;
	size_t i, n;
	struct search_key *group;
};

/* An open container and its last child, for appending in order. */
struct open {
	struct search_key *key;
	struct search_key *last;
	size_t n;
};

struct parser {
	struct arena *a;
	struct search_program *prog;
	struct frame frames[SEARCH_DEPTH_MAX + 1];
	size_t n_frames;
	struct open opens[SEARCH_DEPTH_MAX + 1];
	size_t n_opens;
};

static struct search_key *
new_key(struct parser *p, enum search_key_type type)
{
	struct search_key *k = arena_alloc(p->a, sizeof(*k));

	k->type = type;
	k->set = true;
	p->prog->n_keys++;
	return k;
}

static int
push_open(struct parser *p, struct search_key *k, const char **error_r)
{
	if (p->n_opens > SEARCH_DEPTH_MAX) {
		*error_r = "Search keys nested too deeply";
		return -1;
	}
	p->opens[p->n_opens].key = k;
	p->opens[p->n_opens].last = NULL;
	p->opens[p->n_opens].n = 0;
	p->n_opens++;
	return 0;
}

/* Add a finished key to the top container; close OR/NOT once they have
 * their operands, and add them in turn (a loop, not recursion). */
static void
emit(struct parser *p, struct search_key *k)
{
	for (;;) {
		struct open *o = &p->opens[p->n_opens - 1];

		if (o->last == NULL)
			o->key->child = k;
		else
			o->last->next = k;
		o->last = k;
		o->n++;
		if (k->cost > o->key->cost)
			o->key->cost = k->cost;
		if (!((o->key->type == SEARCH_OR && o->n == 2) ||
		    (o->key->type == SEARCH_NOT && o->n == 1)))
			return;
		k = o->key;
		p->n_opens--;
	}
}

static enum search_cost
key_cost(enum search_key_type type)
{
	switch (type) {
	case SEARCH_BEFORE:
	case SEARCH_ON:
	case SEARCH_SINCE:
		return SEARCH_COST_STAT;
	case SEARCH_SENTBEFORE:
	case SEARCH_SENTON:
	case SEARCH_SENTSINCE:
	case SEARCH_HEADER:
		return SEARCH_COST_HEADER;
	case SEARCH_BODY:
	case SEARCH_TEXT:
		return SEARCH_COST_BODY;
	default:
		return SEARCH_COST_NONE;
	}
}

/* The operands of table entry t from frame f. */
static int
operands(struct parser *p, struct frame *f, size_t t, struct search_key *k,
	const char **error_r)
{
	const struct imap_arg *arg;

	if (keys[t].op == OP_NONE)
		return 0;
	if (keys[t].op == OP_NEW) {
		struct search_key *r = new_key(p, SEARCH_RECENT);
		struct search_key *u = new_key(p, SEARCH_FLAG);

		u->flag = IMAP_FLAG_SEEN;
		u->set = false;
		k->child = r;
		r->next = u;
		return 0;
	}
	if (f->i == f->n)
		goto missing;
	arg = &f->list[f->i++];
	switch (keys[t].op) {
	case OP_STRING:
	case OP_FIELD:
		if (!key_string(arg, p->a, &k->value))
			goto bad;
		k->str = keys[t].field;
		return 0;
	case OP_HEADER:
		if (!key_string(arg, p->a, &k->str) || f->i == f->n)
			goto bad;
		if (!key_string(&f->list[f->i++], p->a, &k->value))
			goto bad;
		return 0;
	case OP_ATOM:
		if (arg->type != IMAP_ARG_ATOM)
			goto bad;
		k->str = arena_spandup(p->a, arg->str);
		return 0;
	case OP_NUMBER:
		/* number64 (RFC 9051 9); rev1 clients send 32-bit ones */
		if (arg->type != IMAP_ARG_ATOM || parse_u64(arg->str,
		    INT64_MAX, &k->num) < 0)
			goto bad;
		return 0;
	case OP_DATE:
		if ((arg->type != IMAP_ARG_ATOM &&
		    arg->type != IMAP_ARG_QUOTED) ||
		    search_parse_date(arg->str, &k->day) < 0) {
			*error_r = "Invalid date in search key";
			return -1;
		}
		return 0;
	case OP_SEQSET:
		if (arg->type != IMAP_ARG_ATOM || imap_parse_seqset(arg->str,
		    p->a, &k->seqset, error_r) < 0)
			goto bad;
		if (k->seqset.saved)
			p->prog->uses_saved = true;
		return 0;
	case OP_MODSEQ:
		/* RFC 7162 3.1.5: [entry-name SP entry-type-req SP] valzer */
		if (arg->type == IMAP_ARG_QUOTED) {
			if (f->n - f->i < 2 || (!imap_arg_atom_is(
			    &f->list[f->i], "priv") && !imap_arg_atom_is(
			    &f->list[f->i], "shared") && !imap_arg_atom_is(
			    &f->list[f->i], "all")))
				goto bad;
			f->i++;
			arg = &f->list[f->i++];
		}
		if (arg->type != IMAP_ARG_ATOM || parse_u64(arg->str,
		    INT64_MAX, &k->num) < 0)
			goto bad;
		p->prog->uses_modseq = true;
		return 0;
	case OP_NONE:
	case OP_NEW:
		break;
	}
bad:
	*error_r = "Invalid search key argument";
	return -1;
missing:
	*error_r = "Missing search key argument";
	return -1;
}

/* One atom at frame f: a key, OR/NOT, or a sequence set. */
static int
parse_atom(struct parser *p, struct frame *f, const struct imap_arg *arg,
	const char **error_r)
{
	struct search_key *k;
	size_t t;
	char c = arg->str.len > 0 ? arg->str.p[0] : '\0';

	if (imap_arg_atom_is(arg, "OR") || imap_arg_atom_is(arg, "NOT")) {
		k = new_key(p, arg->str.len == 2 ? SEARCH_OR : SEARCH_NOT);
		return push_open(p, k, error_r);
	}
	if ((c >= '0' && c <= '9') || c == '*' || c == '$') {
		k = new_key(p, SEARCH_SEQSET);
		if (imap_parse_seqset(arg->str, p->a, &k->seqset,
		    error_r) < 0)
			return -1;
		if (k->seqset.saved)
			p->prog->uses_saved = true;
		emit(p, k);
		return 0;
	}
	for (t = 0; t < N_ELEMENTS(keys); t++) {
		if (imap_arg_atom_is(arg, keys[t].name))
			break;
	}
	if (t == N_ELEMENTS(keys)) {
		*error_r = "Unknown search key";
		return -1;
	}
	k = new_key(p, keys[t].type);
	k->flag = keys[t].flag;
	k->set = keys[t].set;
	k->cost = key_cost(k->type);
	if (operands(p, f, t, k, error_r) < 0)
		return -1;
	emit(p, k);
	return 0;
}

/* The prefix: [RETURN (...)] [CHARSET x]. Returns the first key's index
 * or -1. */
static int
parse_prefix(const struct imap_arg *args, size_t n, struct arena *a,
	struct search_program *prog, size_t *i_r, const char **error_r)
{
	size_t i = 0;
	const char *charset;

	if (n >= 1 && imap_arg_atom_is(&args[0], "RETURN")) {
		if (n < 2 || args[1].type != IMAP_ARG_LIST) {
			*error_r = "RETURN needs a list";
			return -1;
		}
		if (parse_return(&args[1], prog, error_r) < 0)
			return -1;
		i = 2;
	}
	if (n - i >= 1 && imap_arg_atom_is(&args[i], "CHARSET")) {
		if (n - i < 2 || !key_string(&args[i + 1], a, &charset)) {
			*error_r = "CHARSET needs a name";
			return -1;
		}
		if (strcasecmp(charset, "UTF-8") != 0 &&
		    strcasecmp(charset, "US-ASCII") != 0) {
			prog->bad_charset = true;
			*error_r = "Unsupported charset";
			return -1;
		}
		i += 2;
	}
	if (i == n) {
		*error_r = "Missing search key";
		return -1;
	}
	*i_r = i;
	return 0;
}

int
search_parse(const struct imap_arg *args, size_t n, struct arena *a,
	struct search_program *prog_r, const char **error_r)
{
	struct parser *p;
	size_t first;

	memset(prog_r, 0, sizeof(*prog_r));
	if (parse_prefix(args, n, a, prog_r, &first, error_r) < 0)
		return -1;
	p = arena_alloc(a, sizeof(*p));
	p->a = a;
	p->prog = prog_r;
	prog_r->root = new_key(p, SEARCH_AND);
	(void)push_open(p, prog_r->root, error_r);
	p->frames[0].list = args;
	p->frames[0].i = first;
	p->frames[0].n = n;
	p->frames[0].group = prog_r->root;
	p->n_frames = 1;
	while (p->n_frames > 0) {
		struct frame *f = &p->frames[p->n_frames - 1];
		const struct imap_arg *arg;

		if (prog_r->n_keys > SEARCH_KEYS_MAX) {
			*error_r = "Too many search keys";
			return -1;
		}
		if (f->i == f->n) {
			struct search_key *g = f->group;

			if (p->opens[p->n_opens - 1].key != g) {
				*error_r = "OR or NOT without its keys";
				return -1;
			}
			if (g->child == NULL) {
				*error_r = "Empty search key list";
				return -1;
			}
			p->n_frames--;
			p->n_opens--;
			if (p->n_frames > 0)
				emit(p, g);
			continue;
		}
		arg = &f->list[f->i++];
		if (arg->type == IMAP_ARG_LIST) {
			struct search_key *g = new_key(p, SEARCH_AND);

			if (p->n_frames > SEARCH_DEPTH_MAX ||
			    push_open(p, g, error_r) < 0) {
				*error_r = "Search keys nested too deeply";
				return -1;
			}
			p->frames[p->n_frames].list = arg->list;
			p->frames[p->n_frames].i = 0;
			p->frames[p->n_frames].n = arg->n;
			p->frames[p->n_frames].group = g;
			p->n_frames++;
			continue;
		}
		if (arg->type != IMAP_ARG_ATOM) {
			*error_r = "Expected a search key";
			return -1;
		}
		if (parse_atom(p, f, arg, error_r) < 0)
			return -1;
	}
	return 0;
}
