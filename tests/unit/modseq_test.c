/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/modseq.c: the file format (round trip, corrupt
 * files), the update rules (new, changed, vanished UIDs; a rebuild never
 * goes back; the bounded expunge log raises the floor), and the cache
 * through maildir_mailbox: flag changes behind our back, a lost file,
 * and concurrent syncs from several processes. */
#include "store_testlib.h"

#include <errno.h>
#include <sys/wait.h>

#include "maildir.h"
#include "maildir_mailbox.h"
#include "modseq.h"
#include "tern.h"

/* ---- format ---- */

static const char *const good_files[] = {
	"tern-modseq 1 V7 H10 F5\n",
	"tern-modseq 1 V7 H10 F5\n1 6 :\n2 10 :RSa\n",
	"tern-modseq 1 V7 H10 F5\n1 6 :S\nx 3 6\nx 2 9\n",
};

START_TEST(test_roundtrip)
{
	const char *in = good_files[_i], *error = NULL;
	struct modseq_state st;
	size_t len;
	char *out;

	modseq_init(&st);
	ck_assert_msg(modseq_parse(span_str(in), &st, &error) == 0,
	    "%s: %s", in, error);
	out = modseq_format(&st, &len);
	ck_assert_str_eq(out, in);
	ck_assert_uint_eq(len, strlen(in));
	free(out);
	modseq_clear(&st);
}
END_TEST

static const char *const bad_files[] = {
	"",
	"tern-modseq 1 V7 H10 F5",		/* no LF: truncated */
	"tern-modseq 2 V7 H10 F5\n",		/* version */
	"tern-modseq 1 V0 H10 F5\n",		/* uidvalidity 0 */
	"tern-modseq 1 V7 H0 F0\n",		/* highest 0 */
	"tern-modseq 1 V7 H10 F11\n",		/* floor above highest */
	"tern-modseq 1 V7 H10 F5 junk\n",
	"tern-modseq 1 V7 H10 F5\n1 11 :\n",	/* modseq above highest */
	"tern-modseq 1 V7 H10 F5\n2 6 :\n1 6 :\n",	/* uid order */
	"tern-modseq 1 V7 H10 F5\n1 6 S\n",	/* no ':' */
	"tern-modseq 1 V7 H10 F5\n1 6 :S x\n",	/* space in flags */
	"tern-modseq 1 V7 H10 F5\nx 1 5\n",	/* expunge at the floor */
	"tern-modseq 1 V7 H10 F5\nx 1 9\nx 2 8\n",	/* modseq order */
	"tern-modseq 1 V7 H10 F5\nx 1 9\n2 6 :\n",	/* rec after x */
	"tern-modseq 1 V7 H10 F5\n0 6 :\n",	/* uid 0 */
	"tern-modseq 1 V7 H10 F5\n-1 6 :\n",
	"tern-modseq 1 V7 H9223372036854775808 F5\n",	/* > 2^63 - 1 */
};

START_TEST(test_corrupt)
{
	const char *in = bad_files[_i], *error = NULL;
	struct modseq_state st;

	modseq_init(&st);
	ck_assert_msg(modseq_parse(span_str(in), &st, &error) < 0,
	    "accepted %s", in);
	ck_assert_ptr_nonnull(error);
	ck_assert_uint_eq(st.count, 0);
	ck_assert_uint_eq(st.highest, 0);
}
END_TEST

/* ---- update rules ---- */

#define BASE ((uint64_t)1700000000 << MODSEQ_TIME_SHIFT)

static bool
update(struct modseq_state *st, uint32_t uidv, const char *spec,
	uint64_t base, uint64_t min_next)
{
	/* spec: "1:S 2: 5:RS" */
	struct modseq_current cur[64];
	static char flags[64][MAILDIR_FLAGS_MAX];
	char copy[512], *p, *save = NULL;
	size_t n = 0;

	snprintf(copy, sizeof(copy), "%s", spec);
	for (p = strtok_r(copy, " ", &save); p != NULL;
	    p = strtok_r(NULL, " ", &save)) {
		char *colon = strchr(p, ':');

		ck_assert_ptr_nonnull(colon);
		*colon = '\0';
		cur[n].uid = (uint32_t)strtoul(p, NULL, 10);
		snprintf(flags[n], sizeof(flags[n]), "%s", colon + 1);
		cur[n].flags = flags[n];
		n++;
	}
	return modseq_update(st, uidv, cur, n, base, min_next);
}

static uint64_t
ms_of(const struct modseq_state *st, uint32_t uid)
{
	const struct modseq_rec *r = modseq_lookup(st, uid);

	ck_assert_msg(r != NULL, "uid %u not found", uid);
	return r->modseq;
}

START_TEST(test_update_rules)
{
	struct modseq_state st;

	modseq_init(&st);
	/* nothing known: a rebuild at the time base */
	ck_assert(update(&st, 7, "1:S 2: 3:F", BASE, 0));
	ck_assert_uint_eq(st.highest, BASE);
	ck_assert_uint_eq(st.floor, BASE);
	ck_assert_uint_eq(ms_of(&st, 2), BASE);
	/* the same again: no change, nothing to write */
	ck_assert(!update(&st, 7, "1:S 2: 3:F", BASE + 99, 0));
	ck_assert_uint_eq(st.highest, BASE);
	/* a flag change, a new message, an expunge: one new modseq */
	ck_assert(update(&st, 7, "1:S 2:S 4:", BASE + 99, 0));
	ck_assert_uint_eq(st.highest, BASE + 1);
	ck_assert_uint_eq(ms_of(&st, 1), BASE);
	ck_assert_uint_eq(ms_of(&st, 2), BASE + 1);
	ck_assert_uint_eq(ms_of(&st, 4), BASE + 1);
	ck_assert_ptr_null(modseq_lookup(&st, 3));
	ck_assert_uint_eq(st.n_expunged, 1);
	ck_assert_uint_eq(st.expunged[0].uid, 3);
	ck_assert_uint_eq(st.expunged[0].modseq, BASE + 1);
	/* keyword letters count as flags */
	ck_assert(update(&st, 7, "1:Sa 2:S 4:", 0, 0));
	ck_assert_uint_eq(ms_of(&st, 1), BASE + 2);
	/* min_next: a process that saw more never goes back */
	ck_assert(update(&st, 7, "1:S 2:S 4:", 0, BASE + 50));
	ck_assert_uint_eq(ms_of(&st, 1), BASE + 50);
	ck_assert_uint_eq(st.highest, BASE + 50);
	/* another UIDVALIDITY: rebuilt, still above */
	ck_assert(update(&st, 8, "1:", BASE, 0));
	ck_assert_uint_eq(st.uid_validity, 8);
	ck_assert_uint_eq(st.highest, BASE + 51);
	ck_assert_uint_eq(st.n_expunged, 0);
	ck_assert_uint_eq(st.floor, BASE + 51);
	modseq_clear(&st);
}
END_TEST

START_TEST(test_expunge_log_bound)
{
	size_t total = MODSEQ_EXPUNGED_MAX + 15, i;
	struct modseq_current *cur = calloc(total, sizeof(*cur));
	struct modseq_state st;

	modseq_init(&st);
	for (i = 0; i < total; i++) {
		cur[i].uid = (uint32_t)i + 1;
		cur[i].flags = "";
	}
	ck_assert(modseq_update(&st, 7, cur, total, BASE, 0));
	/* all but the last 20 go at BASE + 1, those 20 at BASE + 2 */
	ck_assert(modseq_update(&st, 7, cur + total - 20, 20, 0, 0));
	ck_assert_uint_eq(st.n_expunged, MODSEQ_EXPUNGED_MAX - 5);
	ck_assert_uint_eq(st.floor, BASE);
	ck_assert(modseq_update(&st, 7, NULL, 0, 0, 0));
	/* 15 too many: the oldest go, and the floor rises over them and
	 * over everything else at their modseq, so the log and the floor
	 * never overlap */
	ck_assert_uint_eq(st.floor, BASE + 1);
	ck_assert_uint_eq(st.n_expunged, 20);
	ck_assert_uint_eq(st.expunged[0].modseq, BASE + 2);
	ck_assert_uint_eq(st.expunged[0].uid, total - 19);
	ck_assert_uint_eq(st.highest, BASE + 2);
	free(cur);
	modseq_clear(&st);
}
END_TEST

/* ---- through maildir_mailbox ---- */

static char *root;
static char box[1024];

static void
setup(void)
{
	root = test_tmpdir();
	snprintf(box, sizeof(box), "%s/Maildir", root);
	ck_assert_int_eq(maildir_create(box, false), 0);
}

static void
teardown(void)
{
	test_rmrf(root);
	root = NULL;
}

static void
deliver(int n)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/new/17000000%02d.M%dP1.host,S=5",
	    box, n, n);
	test_write_file(path, "hello");
}

static struct maildir_mailbox *
open_box(void)
{
	struct maildir_mailbox *mb;
	enum tern_err err;
	const char *error = NULL;

	ck_assert_msg(maildir_mailbox_open(box, 0, &mb, &err, &error) == 0,
	    "open: %s", error);
	return mb;
}

static void
sync_box(struct maildir_mailbox *mb)
{
	enum tern_err err;
	const char *error = NULL;

	ck_assert_msg(maildir_mailbox_sync(mb, 0, &err, &error) == 0,
	    "sync: %s", error);
}

static const struct maildir_mail *
mail(const struct maildir_mailbox *mb, uint32_t uid)
{
	const struct maildir_mail *m = maildir_mailbox_find(mb, uid);

	ck_assert_msg(m != NULL, "uid %u missing", uid);
	return m;
}

START_TEST(test_mailbox_changes)
{
	struct maildir_mailbox *mb, *other;
	enum tern_err err;
	const char *error;
	char from[4200], to[4200];
	uint64_t h0, h1;

	deliver(1);
	deliver(2);
	deliver(3);
	mb = open_box();
	ck_assert_uint_eq(mb->count, 3);
	h0 = mb->modseq.highest;
	ck_assert_uint_gt(h0, 0);
	ck_assert_uint_eq(mail(mb, 1)->modseq, h0);
	ck_assert_int_eq(access(test_subdir(box, MODSEQ_FILE_NAME), F_OK),
	    0);
	/* a sync without changes keeps everything */
	sync_box(mb);
	ck_assert_uint_eq(mb->modseq.highest, h0);
	/* our flag change gets its modseq at the next sync */
	ck_assert_int_eq(maildir_mailbox_set_flags(mb, 2, "S", &err,
	    &error), 0);
	sync_box(mb);
	h1 = mb->modseq.highest;
	ck_assert_uint_eq(h1, h0 + 1);
	ck_assert_uint_eq(mail(mb, 2)->modseq, h1);
	ck_assert_uint_eq(mail(mb, 1)->modseq, h0);
	/* another process (Dovecot, pop3d) renames behind our back */
	snprintf(from, sizeof(from), "%s/%s/%s", box,
	    mail(mb, 3)->in_new ? "new" : "cur",
	    maildir_mail_name(mb, mail(mb, 3)));
	snprintf(to, sizeof(to), "%s/cur/1700000003.M3P1.host,S=5:2,FS", box);
	ck_assert_int_eq(rename(from, to), 0);
	other = open_box();
	ck_assert_uint_eq(other->modseq.highest, h1 + 1);
	ck_assert_uint_eq(mail(other, 3)->modseq, h1 + 1);
	sync_box(mb);	/* the file already has it: same answer */
	ck_assert_uint_eq(mb->modseq.highest, h1 + 1);
	ck_assert_uint_eq(mail(mb, 3)->modseq, h1 + 1);
	/* an expunge is logged at a new modseq */
	ck_assert_int_eq(maildir_mailbox_expunge(other, 1, &err, &error), 0);
	sync_box(other);
	ck_assert_uint_eq(other->modseq.highest, h1 + 2);
	ck_assert_uint_eq(other->modseq.n_expunged, 1);
	ck_assert_uint_eq(other->modseq.expunged[0].uid, 1);
	ck_assert_uint_eq(other->modseq.expunged[0].modseq, h1 + 2);
	maildir_mailbox_free(&other);
	maildir_mailbox_free(&mb);
}
END_TEST

START_TEST(test_mailbox_lost_cache)
{
	struct maildir_mailbox *mb, *fresh;
	const char *path;
	uint64_t h;

	deliver(1);
	deliver(2);
	mb = open_box();
	h = mb->modseq.highest;
	path = test_subdir(box, MODSEQ_FILE_NAME);
	/* lost: a new process rebuilds above anything given out */
	ck_assert_int_eq(unlink(path), 0);
	fresh = open_box();
	ck_assert_uint_gt(fresh->modseq.highest, h);
	ck_assert_uint_gt(mail(fresh, 1)->modseq, h);
	ck_assert_uint_ge(fresh->modseq.floor, fresh->modseq.highest);
	maildir_mailbox_free(&fresh);
	/* corrupt: the same, and a process with a higher value in memory
	 * keeps going up */
	test_write_file(path, "garbage\n");
	mb->modseq.highest += 1000000;
	h = mb->modseq.highest;
	sync_box(mb);
	ck_assert_uint_gt(mb->modseq.highest, h);
	ck_assert_uint_gt(mail(mb, 2)->modseq, h);
	fresh = open_box();
	ck_assert_uint_eq(fresh->modseq.highest, mb->modseq.highest);
	maildir_mailbox_free(&fresh);
	maildir_mailbox_free(&mb);
}
END_TEST

#define N_PROCS 4
#define N_ROUNDS 25

/* Each process flips the flags of its own message and syncs; it logs
 * the HIGHESTMODSEQ and its message's modseq after each round. */
static void
child(int p)
{
	struct maildir_mailbox *mb;
	enum tern_err err;
	const char *error;
	char log_path[4200];
	uint64_t last = 0;
	FILE *f;
	int r;

	snprintf(log_path, sizeof(log_path), "%s/log%d", root, p);
	f = fopen(log_path, "w");
	if (f == NULL || maildir_mailbox_open(box, 0, &mb, &err, &error) < 0)
		_exit(2);
	for (r = 0; r < N_ROUNDS; r++) {
		const struct maildir_mail *m;

		if (maildir_mailbox_set_flags(mb, (uint32_t)p + 1,
		    r % 2 == 0 ? "S" : "F", &err, &error) < 0 ||
		    maildir_mailbox_sync(mb, 0, &err, &error) < 0)
			_exit(3);
		m = maildir_mailbox_find(mb, (uint32_t)p + 1);
		/* monotonic, and our change is newer than what we saw */
		if (m == NULL || mb->modseq.highest < last ||
		    m->modseq <= last)
			_exit(4);
		last = mb->modseq.highest;
		fprintf(f, "%llu\n", (unsigned long long)m->modseq);
	}
	maildir_mailbox_free(&mb);
	_exit(fclose(f) == 0 ? 0 : 5);
}

START_TEST(test_concurrent)
{
	struct maildir_mailbox *mb;
	pid_t pids[N_PROCS];
	unsigned long long ms;
	uint64_t all[N_PROCS * N_ROUNDS];
	size_t n = 0, i;
	int p, status;

	for (p = 0; p < N_PROCS; p++)
		deliver(p + 1);
	mb = open_box();
	maildir_mailbox_free(&mb);
	for (p = 0; p < N_PROCS; p++) {
		pids[p] = fork();
		ck_assert_int_ge(pids[p], 0);
		if (pids[p] == 0)
			child(p);
	}
	for (p = 0; p < N_PROCS; p++) {
		ck_assert_int_eq(waitpid(pids[p], &status, 0), pids[p]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "child %d: status %d", p, status);
	}
	/* each process's changes got rising modseqs (changes that two
	 * processes made before either synced may share one: RFC 7162
	 * allows it for different messages) */
	for (p = 0; p < N_PROCS; p++) {
		char log_path[4200];
		uint64_t prev = 0;
		FILE *f;

		snprintf(log_path, sizeof(log_path), "%s/log%d", root, p);
		f = fopen(log_path, "r");
		ck_assert_ptr_nonnull(f);
		while (fscanf(f, "%llu", &ms) == 1) {
			ck_assert_uint_gt(ms, prev);
			prev = ms;
			all[n++] = ms;
		}
		fclose(f);
	}
	ck_assert_uint_eq(n, N_PROCS * N_ROUNDS);
	/* the file agrees with the disk: a new sync changes nothing */
	mb = open_box();
	for (i = 0; i < mb->count; i++)
		ck_assert_uint_le(mb->mails[i].modseq, mb->modseq.highest);
	for (i = 0; i < n; i++)
		ck_assert_uint_le(all[i], mb->modseq.highest);
	ms = mb->modseq.highest;
	sync_box(mb);
	ck_assert_uint_eq(mb->modseq.highest, ms);
	maildir_mailbox_free(&mb);
}
END_TEST

static Suite *
modseq_suite(void)
{
	Suite *s = suite_create("modseq");
	TCase *tc = tcase_create("format");

	tcase_add_loop_test(tc, test_roundtrip, 0, N_ELEMENTS(good_files));
	tcase_add_loop_test(tc, test_corrupt, 0, N_ELEMENTS(bad_files));
	suite_add_tcase(s, tc);
	tc = tcase_create("update");
	tcase_add_test(tc, test_update_rules);
	tcase_add_test(tc, test_expunge_log_bound);
	suite_add_tcase(s, tc);
	tc = tcase_create("mailbox");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_mailbox_changes);
	tcase_add_test(tc, test_mailbox_lost_cache);
	tcase_add_test(tc, test_concurrent);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(modseq_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
