/* SPDX-License-Identifier: MIT */
/*
 * cmd_search: SEARCH and UID SEARCH (RFC 9051 6.4.4, RFC 3501 6.4.4).
 * The result goes out as "* SEARCH n..." (IMAP4rev1), or as "* ESEARCH
 * (TAG ..) [UID] MIN MAX ALL COUNT" when RETURN was given (RFC 4731) or
 * IMAP4rev2 is enabled (RFC 9051 7.3.4). RETURN (SAVE) keeps the result
 * for "$" (RFC 5182), in the mailbox view. The MODSEQ key (RFC 7162
 * 3.1.5) enables CONDSTORE and adds the highest modseq of the matches.
 */
#include "imapd.h"
#include "condstore.h"
#include "log.h"
#include "mailbox_view.h"
#include "reply.h"
#include "search.h"
#include "search_parse.h"
#include "tern.h"

/* "1:3,5" of ascending numbers (RFC 4731 "ALL" is a sequence-set). */
static void
append_set(struct buf *out, const uint32_t *v, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;

		while (j + 1 < n && v[j + 1] == v[j] + 1)
			j++;
		if (j == i)
			(void)buf_appendf(out, "%s%u", i > 0 ? "," : "", v[i]);
		else
			(void)buf_appendf(out, "%s%u:%u", i > 0 ? "," : "",
			    v[i], v[j]);
		i = j + 1;
	}
}

/* One untagged line of any length (imap_untagged() has a text limit). */
static void
send_line(struct imap_cmd *c, const struct buf *b)
{
	stream_write(c->s->stream, b->data, b->len);
	stream_puts(c->s->stream, "\r\n");
}

/* RFC 5182 2.4: with only MIN and/or MAX, only those are saved. */
static void
save_result(struct mailbox_view *v, unsigned ret, const uint32_t *uids,
	size_t n)
{
	uint32_t mm[2];
	size_t k = 0;

	if ((ret & (SEARCH_RETURN_ALL | SEARCH_RETURN_COUNT)) != 0 ||
	    (ret & (SEARCH_RETURN_MIN | SEARCH_RETURN_MAX)) == 0 || n == 0) {
		mailbox_view_save_result(v, uids, n);
		return;
	}
	if ((ret & SEARCH_RETURN_MIN) != 0)
		mm[k++] = uids[0];
	if ((ret & SEARCH_RETURN_MAX) != 0 && (k == 0 || uids[n - 1] !=
	    mm[0]))
		mm[k++] = uids[n - 1];
	mailbox_view_save_result(v, mm, k);
}

void
cmd_search(struct imap_cmd *c)
{
	struct imap_session *s = c->s;
	struct mailbox_view *v = s->view;
	struct search_program prog;
	uint32_t *seqs, *nums, *uids;
	const char *error;
	struct buf out;
	uint64_t highest = 0;
	unsigned ret;
	size_t n, i;

	if (search_parse(c->args, c->n_args, c->arena, &prog, &error) < 0) {
		if (prog.bad_charset)
			imap_no(c, "BADCHARSET (UTF-8 US-ASCII)", "%s", error);
		else
			imap_bad(c, NULL, "%s", error);
		return;
	}
	if (prog.uses_modseq)
		condstore_enable(c);	/* RFC 7162 3.1 */
	(void)search_run(v, &prog, c->arena, &seqs, &n);
	uids = arena_alloc_array(c->arena, n + 1, sizeof(*uids));
	for (i = 0; i < n; i++) {
		uint64_t ms = mailbox_view_modseq(v, seqs[i]);

		uids[i] = mailbox_view_uid(v, seqs[i]);
		if (ms > highest)
			highest = ms;
	}
	nums = c->uid ? uids : seqs;
	ret = prog.esearch ? prog.ret : SEARCH_RETURN_ALL;
	if ((ret & SEARCH_RETURN_SAVE) != 0)
		save_result(v, ret, uids, n);

	buf_init(&out, 0);
	if (!prog.esearch && !imap_rev2(s)) {
		(void)buf_puts(&out, "* SEARCH");
		for (i = 0; i < n; i++)
			(void)buf_appendf(&out, " %u", nums[i]);
		/* RFC 7162 3.1.5: the highest modseq of what matched,
		 * when MODSEQ was searched for and something matched */
		if (prog.uses_modseq && n > 0)
			(void)buf_appendf(&out, " (MODSEQ %llu)",
			    (unsigned long long)highest);
		send_line(c, &out);
	} else if (ret != SEARCH_RETURN_SAVE) {
		/* RFC 5182 2.1: SAVE alone gives no ESEARCH */
		(void)buf_appendf(&out, "* ESEARCH (TAG \"%s\")%s", c->tag,
		    c->uid ? " UID" : "");
		if ((ret & SEARCH_RETURN_MIN) != 0 && n > 0)
			(void)buf_appendf(&out, " MIN %u", nums[0]);
		if ((ret & SEARCH_RETURN_MAX) != 0 && n > 0)
			(void)buf_appendf(&out, " MAX %u", nums[n - 1]);
		if ((ret & SEARCH_RETURN_ALL) != 0 && n > 0) {
			(void)buf_puts(&out, " ALL ");
			append_set(&out, nums, n);
		}
		if ((ret & SEARCH_RETURN_COUNT) != 0)
			(void)buf_appendf(&out, " COUNT %zu", n);
		/* RFC 7162 3.1.5 with RFC 4731: "MODSEQ n" return data */
		if (prog.uses_modseq && n > 0)
			(void)buf_appendf(&out, " MODSEQ %llu",
			    (unsigned long long)highest);
		send_line(c, &out);
	}
	buf_clear(&out);
	imap_ok(c, NULL, "%s completed", c->uid ? "UID SEARCH" : "Search");
}
