/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/maildir_index.c and its use by maildir_mailbox: the
 * index is written after a trusted full sync and loaded by the next
 * process's first sync with the same view; every kind of change made
 * since is seen (a full sync runs); a corrupt, truncated or foreign
 * index is ignored and rewritten; \Recent is claimed as before. */
#include "store_testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include "maildir.h"
#include "maildir_index.h"
#include "maildir_mailbox.h"
#include "uidlist.h"
#include "tern.h"

static char *root;
static char box[1024];

/* A record's strings as a full sync sets them (relative to 0). */
static void
set_strings(struct maildir_mail *m, const char *name, const char *flags)
{
	m->name = (uintptr_t)name;
	m->name_len = (uint16_t)strlen(name);
	m->flags = (uintptr_t)flags;
	m->flags_len = (uint8_t)strlen(flags);
	m->capitals = 0;
	for (; *flags != '\0'; flags++) {
		if (*flags >= 'A' && *flags <= 'Z')
			m->capitals |= 1u << (*flags - 'A');
	}
}

/* The flags of a parsed record i. */
static const char *
index_flags(const struct maildir_index *idx, size_t i)
{
	return (const char *)(idx->names_base + (uintptr_t)idx->mails[i].flags);
}

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
boxpath(char *out, size_t size, const char *rel)
{
	snprintf(out, size, "%s/%s", box, rel);
}

static void
put(const char *rel, const char *text)
{
	char path[4200];

	boxpath(path, sizeof(path), rel);
	test_write_file(path, text);
}

/* Set rel's mtime an hour back (its ctime becomes now). */
static void
backdate(const char *rel)
{
	struct timespec ts[2];
	char path[4200];

	ck_assert_int_eq(clock_gettime(CLOCK_REALTIME, &ts[0]), 0);
	ts[0].tv_sec -= 3600;
	ts[0].tv_nsec = 0;
	ts[1] = ts[0];
	boxpath(path, sizeof(path), rel);
	if (utimensat(AT_FDCWD, path, ts, 0) < 0)
		ck_assert_int_eq(errno, ENOENT);
}

static void
backdate_all(void)
{
	backdate("new");
	backdate("cur");
	backdate("dovecot-uidlist");
	backdate("dovecot-keywords");
	backdate("tern-modseq");
}

static bool
index_exists(void)
{
	char path[4200];
	struct stat st;

	boxpath(path, sizeof(path), MAILDIR_INDEX_FILE_NAME);
	return stat(path, &st) == 0;
}

static struct maildir_mailbox *
open_box(enum maildir_sync_flags flags)
{
	struct maildir_mailbox *mb;
	enum tern_err err;
	const char *error;

	ck_assert_int_eq(maildir_mailbox_open(box, flags, &mb, &err, &error),
	    0);
	return mb;
}

/* Three messages, a keyword, and a trusted full sync that writes the
 * index; the next open loads it. */
static void
make_indexed_box(void)
{
	struct maildir_mailbox *mb;
	enum tern_err err;
	const char *error;

	put("cur/1700000000.M1P1.host,S=2,W=3:2,S", "a\n");
	put("cur/1700000001.M2P1.host,S=2,W=3:2,Fa", "b\n");
	put("cur/1700000002.M3P1.host:2,RS", "ccc\n");
	put("dovecot-keywords", "0 $Junk\n");
	mb = open_box(0);
	ck_assert(!mb->from_index);
	/* just written: not trusted, no index */
	ck_assert(!index_exists());
	backdate_all();
	ck_assert_int_eq(maildir_mailbox_sync(mb, 0, &err, &error), 0);
	ck_assert(mb->stamp.trusted);
	ck_assert(index_exists());
	maildir_mailbox_free(&mb);
	mb = open_box(0);
	ck_assert(mb->from_index);
	maildir_mailbox_free(&mb);
}

static void
assert_same_view(const struct maildir_mailbox *a,
	const struct maildir_mailbox *b)
{
	size_t i;

	ck_assert_uint_eq(a->uid_validity, b->uid_validity);
	ck_assert_uint_eq(a->next_uid, b->next_uid);
	ck_assert_str_eq(a->guid, b->guid);
	ck_assert_uint_eq(a->count, b->count);
	ck_assert_uint_eq(a->modseq.highest, b->modseq.highest);
	ck_assert_uint_eq(a->modseq.floor, b->modseq.floor);
	ck_assert_uint_eq(a->modseq.n_expunged, b->modseq.n_expunged);
	for (i = 0; i < a->modseq.n_expunged; i++) {
		ck_assert_uint_eq(a->modseq.expunged[i].uid,
		    b->modseq.expunged[i].uid);
		ck_assert_uint_eq(a->modseq.expunged[i].modseq,
		    b->modseq.expunged[i].modseq);
	}
	ck_assert_uint_eq(a->first_recent_uid, b->first_recent_uid);
	for (i = 0; i < KEYWORDS_MAX; i++) {
		ck_assert((a->keywords.names[i] == NULL) ==
		    (b->keywords.names[i] == NULL));
		if (a->keywords.names[i] != NULL)
			ck_assert_str_eq(a->keywords.names[i],
			    b->keywords.names[i]);
	}
	for (i = 0; i < a->count; i++) {
		const struct maildir_mail *x = &a->mails[i], *y = &b->mails[i];

		ck_assert_uint_eq(x->uid, y->uid);
		ck_assert_str_eq(maildir_mail_name(a, x),
		    maildir_mail_name(b, y));
		ck_assert_str_eq(maildir_mail_flags(a, x),
		    maildir_mail_flags(b, y));
		ck_assert_uint_eq(x->keywords, y->keywords);
		ck_assert_int_eq(x->in_new, y->in_new);
		ck_assert_uint_eq(x->size, y->size);
		ck_assert_uint_eq(x->vsize, y->vsize);
		ck_assert_uint_eq(x->modseq, y->modseq);
	}
}

/* The loaded view is the one a full sync gives. */
START_TEST(test_index_view)
{
	struct maildir_mailbox *full, *fast;
	char path[4200];

	put("new/1700000003.M4P1.host,S=2,W=3", "d\n");
	make_indexed_box();
	fast = open_box(0);
	ck_assert(fast->from_index);
	ck_assert_uint_eq(fast->count, 4);
	ck_assert(fast->mails[3].in_new);
	ck_assert_str_eq(fast->keywords.names[0], "$Junk");
	ck_assert_str_eq(maildir_mail_flags(fast,
	    maildir_mailbox_find(fast, 2)), "Fa");
	ck_assert_uint_eq(maildir_mailbox_find(fast, 3)->size, 4);
	/* the first one without an index: a full sync of the same */
	boxpath(path, sizeof(path), MAILDIR_INDEX_FILE_NAME);
	ck_assert_int_eq(unlink(path), 0);
	full = open_box(0);
	ck_assert(!full->from_index);
	assert_same_view(full, fast);
	/* rewritten by that full sync (nothing changed: still trusted) */
	ck_assert(index_exists());
	maildir_mailbox_free(&full);
	maildir_mailbox_free(&fast);

	/* a SELECT moves new/ to cur/: not from the index */
	fast = open_box(MAILDIR_SYNC_MOVE_NEW);
	ck_assert(!fast->from_index);
	ck_assert(!fast->mails[3].in_new);
	maildir_mailbox_free(&fast);
}
END_TEST

/* The loaded view is the file's mapping: a flag change and an expunge
 * change the session's copy of the records, never the file, and a
 * new name lives beside the mapped ones. */
START_TEST(test_index_change_in_place)
{
	struct maildir_mailbox *mb;
	enum tern_err err;
	const char *error;
	char path[4200], *before, *after;
	size_t len_before, len_after;

	make_indexed_box();
	boxpath(path, sizeof(path), MAILDIR_INDEX_FILE_NAME);
	before = test_read_file(path, &len_before);
	mb = open_box(0);
	ck_assert(mb->from_index);
	ck_assert_ptr_nonnull(mb->index_map);
	ck_assert_int_eq(maildir_mailbox_set_flags(mb, 2, "FSa", &err,
	    &error), 0);
	ck_assert_str_eq(maildir_mail_flags(mb, maildir_mailbox_find(mb, 2)),
	    "FSa");
	ck_assert_str_eq(maildir_mail_name(mb, maildir_mailbox_find(mb, 2)),
	    "1700000001.M2P1.host,S=2,W=3:2,FSa");
	ck_assert_int_eq(maildir_mailbox_expunge(mb, 1, &err, &error), 0);
	ck_assert_uint_eq(mb->count, 2);
	ck_assert_uint_eq(mb->mails[0].uid, 2);
	ck_assert_str_eq(maildir_mail_name(mb, &mb->mails[0]),
	    "1700000001.M2P1.host,S=2,W=3:2,FSa");
	ck_assert_str_eq(maildir_mail_name(mb, &mb->mails[1]),
	    "1700000002.M3P1.host:2,RS");
	ck_assert_str_eq(maildir_mail_flags(mb, &mb->mails[1]), "RS");
	after = test_read_file(path, &len_after);
	ck_assert_uint_eq(len_before, len_after);
	ck_assert(memcmp(before, after, len_before) == 0);
	free(after);
	/* what the changes did to the folder, a full sync sees */
	ck_assert_int_eq(maildir_mailbox_sync(mb, 0, &err, &error), 0);
	ck_assert(!mb->from_index);
	ck_assert_ptr_null(mb->index_map);
	ck_assert_uint_eq(mb->count, 2);
	ck_assert_str_eq(maildir_mail_flags(mb, maildir_mailbox_find(mb, 2)),
	    "FSa");
	maildir_mailbox_free(&mb);
	free(before);
}
END_TEST

/* \Recent: a claim that would store a new first UID takes the full
 * sync; once claimed, the index serves a SELECT too. */
START_TEST(test_index_recent)
{
	struct maildir_mailbox *mb, *mb2;

	put("new/1700000003.M4P1.host,S=2,W=3", "d\n");
	make_indexed_box();
	/* no tern-recent yet: the lowest UID in new/ is \Recent, and the
	 * claim must store it */
	mb = open_box(0);
	ck_assert(mb->from_index);
	ck_assert_uint_eq(mb->first_recent_uid, 4);
	maildir_mailbox_free(&mb);
	mb = open_box(MAILDIR_SYNC_CLAIM_RECENT);
	ck_assert(!mb->from_index);
	ck_assert_uint_eq(mb->first_recent_uid, 4);
	maildir_mailbox_free(&mb);
	mb = open_box(MAILDIR_SYNC_CLAIM_RECENT);
	ck_assert(mb->from_index);
	ck_assert_uint_eq(mb->first_recent_uid, mb->next_uid);
	/* EXAMINE sees the same */
	mb2 = open_box(0);
	ck_assert(mb2->from_index);
	ck_assert_uint_eq(mb2->first_recent_uid, mb->next_uid);
	maildir_mailbox_free(&mb2);
	maildir_mailbox_free(&mb);
	/* a claim left for someone else (tern-recent below next_uid) */
	put("tern-recent", "tern-recent 1 V0 R1\n");
	mb = open_box(0);
	/* another UIDVALIDITY: the fallback, the lowest UID in new/ */
	ck_assert(mb->from_index);
	ck_assert_uint_eq(mb->first_recent_uid, 4);
	maildir_mailbox_free(&mb);
}
END_TEST

enum change {
	CHANGE_DELIVERY,
	CHANGE_FLAGS,
	CHANGE_EXPUNGE,
	CHANGE_UIDLIST,
	CHANGE_UIDVALIDITY,
	CHANGE_KEYWORDS,
	CHANGE_MODSEQ,
	CHANGE_COUNT
};

static void
rewrite_uidlist(bool new_validity)
{
	char path[4200], tmp[4200];
	const char *error;
	struct uidlist ul;

	boxpath(path, sizeof(path), "dovecot-uidlist");
	boxpath(tmp, sizeof(tmp), "uidlist.tmp");
	uidlist_init(&ul);
	ck_assert_int_eq(uidlist_read(path, &ul, &error), 0);
	if (new_validity)
		ul.uid_validity++;
	else
		memcpy(ul.guid, "00000000000000000000000000000000", 32);
	ck_assert_int_eq(uidlist_write(tmp, &ul, &error), 0);
	ck_assert_int_eq(rename(tmp, path), 0);
	uidlist_clear(&ul);
}

/* Every change made since the index was written is seen, even with
 * the mtimes set back. */
START_TEST(test_index_changes)
{
	struct maildir_mailbox *before, *mb;
	enum change c = (enum change)_i;
	char a[4200], b[4200];

	make_indexed_box();
	before = open_box(0);
	ck_assert(before->from_index);
	switch (c) {
	case CHANGE_DELIVERY:
		put("new/1700000009.M9P1.host,S=2,W=3", "z\n");
		break;
	case CHANGE_FLAGS:
		/* another process's rename, cur/'s mtime set back: only
		 * its ctime tells */
		boxpath(a, sizeof(a), "cur/1700000000.M1P1.host,S=2,W=3:2,S");
		boxpath(b, sizeof(b), "cur/1700000000.M1P1.host,S=2,W=3:2,FS");
		ck_assert_int_eq(rename(a, b), 0);
		break;
	case CHANGE_EXPUNGE:
		boxpath(a, sizeof(a), "cur/1700000000.M1P1.host,S=2,W=3:2,S");
		ck_assert_int_eq(unlink(a), 0);
		break;
	case CHANGE_UIDLIST:
		rewrite_uidlist(false);
		break;
	case CHANGE_UIDVALIDITY:
		rewrite_uidlist(true);
		break;
	case CHANGE_KEYWORDS:
		put("dovecot-keywords", "0 $Junk\n1 Work\n");
		break;
	case CHANGE_MODSEQ:
		put("tern-modseq", "");	/* lost: rebuilt higher */
		break;
	default:
		ck_abort();
	}
	backdate_all();
	mb = open_box(0);
	ck_assert(!mb->from_index);
	switch (c) {
	case CHANGE_DELIVERY:
		ck_assert_uint_eq(mb->count, 4);
		break;
	case CHANGE_FLAGS:
		ck_assert_str_eq(maildir_mail_flags(mb,
		    maildir_mailbox_find(mb, 1)), "FS");
		ck_assert_uint_gt(mb->modseq.highest, before->modseq.highest);
		break;
	case CHANGE_EXPUNGE:
		ck_assert_uint_eq(mb->count, 2);
		ck_assert_ptr_null(maildir_mailbox_find(mb, 1));
		ck_assert_uint_eq(mb->modseq.n_expunged, 1);
		break;
	case CHANGE_UIDLIST:
		ck_assert_str_eq(mb->guid, "00000000000000000000000000000000");
		break;
	case CHANGE_UIDVALIDITY:
		ck_assert_uint_eq(mb->uid_validity, before->uid_validity + 1);
		break;
	case CHANGE_KEYWORDS:
		ck_assert_str_eq(mb->keywords.names[1], "Work");
		break;
	case CHANGE_MODSEQ:
		ck_assert_uint_gt(mb->modseq.highest, before->modseq.highest);
		break;
	default:
		ck_abort();
	}
	maildir_mailbox_free(&mb);
	maildir_mailbox_free(&before);
	/* the full sync's view is in the index once its stamps are old:
	 * the next process gets the change from it */
	backdate_all();
	mb = open_box(0);
	maildir_mailbox_free(&mb);
	mb = open_box(0);
	ck_assert(mb->from_index);
	if (c == CHANGE_EXPUNGE) {
		ck_assert_uint_eq(mb->count, 2);
		ck_assert_uint_eq(mb->modseq.n_expunged, 1);
		ck_assert_uint_eq(mb->modseq.expunged[0].uid, 1);
	}
	if (c == CHANGE_KEYWORDS)
		ck_assert_str_eq(mb->keywords.names[1], "Work");
	maildir_mailbox_free(&mb);
}
END_TEST

enum damage {
	DAMAGE_TRUNCATE,
	DAMAGE_EMPTY,
	DAMAGE_FLIP,
	DAMAGE_NAME,
	DAMAGE_VERSION,
	DAMAGE_MAGIC,
	DAMAGE_GARBAGE,
	DAMAGE_COUNT
};

/* A torn, damaged or foreign index is ignored, then rewritten. */
START_TEST(test_index_damaged)
{
	enum damage d = (enum damage)_i;
	struct maildir_mailbox *mb;
	char path[4200], *data;
	size_t len;
	int fd;

	make_indexed_box();
	boxpath(path, sizeof(path), MAILDIR_INDEX_FILE_NAME);
	data = test_read_file(path, &len);
	ck_assert_uint_gt(len, 64);
	switch (d) {
	case DAMAGE_TRUNCATE:
		len /= 2;
		break;
	case DAMAGE_EMPTY:
		len = 0;
		break;
	case DAMAGE_FLIP:
		data[600] ^= 0x01;	/* in the records */
		break;
	case DAMAGE_NAME:
		data[len - 20] ^= 0x01;	/* in the last file name */
		break;
	case DAMAGE_VERSION:
		data[4]++;
		break;
	case DAMAGE_MAGIC:
		data[0]++;
		break;
	case DAMAGE_GARBAGE:
		memset(data, 'x', len);
		break;
	default:
		ck_abort();
	}
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);
	free(data);
	mb = open_box(0);
	if (d == DAMAGE_NAME) {
		enum tern_err err;
		const char *error;
		char mail_path[4200];

		/* found when a name is first read: no name then, no
		 * index, and the next sync is a full one */
		ck_assert(mb->from_index);
		ck_assert_str_eq(maildir_mail_name(mb, &mb->mails[0]), "");
		ck_assert_int_eq(maildir_mailbox_mail_path(mb, &mb->mails[2],
		    mail_path, sizeof(mail_path)), -1);
		ck_assert(!index_exists());
		ck_assert_int_eq(maildir_mailbox_sync(mb, 0, &err, &error), 0);
		ck_assert(!mb->from_index);
		ck_assert_str_eq(maildir_mail_name(mb, &mb->mails[2]),
		    "1700000002.M3P1.host:2,RS");
	}
	ck_assert(!mb->from_index);
	ck_assert_uint_eq(mb->count, 3);
	maildir_mailbox_free(&mb);
	mb = open_box(0);
	ck_assert(mb->from_index);
	ck_assert_uint_eq(mb->count, 3);
	maildir_mailbox_free(&mb);
}
END_TEST

/* Parse out and check its names as a session reading one would: 0/-1. */
static int
parse_checked(const char *out, size_t len)
{
	struct maildir_index idx;
	const char *error;
	int ret;

	if (maildir_index_parse(span_make(out, len), &idx, &error) < 0)
		return -1;
	ret = maildir_index_check_names(idx.mails, idx.count,
	    idx.names_base, idx.keywords_len, idx.names_len, idx.names_sum);
	maildir_index_clear(&idx);
	return ret;
}

/* The parser refuses what a sync could not have written. */
START_TEST(test_index_parse_refuses)
{
	struct maildir_mailbox mb;
	struct maildir_mail mails[2];
	struct maildir_stamp stamp;
	struct maildir_index idx;
	const char *error;
	char *out = NULL;
	size_t len;
	char n1[] = "1.M1P1.host:2,S", n2[] = "../../etc/passwd";

	memset(&mb, 0, sizeof(mb));
	memset(&stamp, 0, sizeof(stamp));
	memset(mails, 0, sizeof(mails));
	mb.uid_validity = 7;
	mb.next_uid = 3;
	memcpy(mb.guid, "5f0c2a91d3e79a41c07e22b01b3d5f7a", 33);
	modseq_init(&mb.modseq);
	mb.modseq.highest = 10;
	mb.mails = mails;
	mb.count = 2;
	mails[0].uid = 1;
	set_strings(&mails[0], n1, n1 + strlen(n1) - 1);
	mails[0].modseq = 5;
	mails[1].uid = 2;
	set_strings(&mails[1], n1, "");
	mails[1].modseq = 6;
	free(out);
	out = maildir_index_format(&mb, &stamp, &len);
	ck_assert_int_eq(maildir_index_parse(span_make(out, len),
	    &idx, &error), 0);
	ck_assert_uint_eq(idx.count, 2);
	ck_assert_str_eq(index_flags(&idx, 0), "S");
	ck_assert_str_eq(index_flags(&idx, 1), "");
	ck_assert_int_eq(maildir_index_check_names(idx.mails, idx.count,
	    idx.names_base, idx.keywords_len, idx.names_len, idx.names_sum),
	    0);
	maildir_index_clear(&idx);
	/* flags that disagree with the masks */
	mails[0].capitals = 0;
	free(out);
	out = maildir_index_format(&mb, &stamp, &len);
	ck_assert_int_eq(parse_checked(out, len), -1);
	set_strings(&mails[0], n1, n1 + strlen(n1) - 1);

	/* a name with '/' */
	set_strings(&mails[1], n2, "");
	free(out);
	out = maildir_index_format(&mb, &stamp, &len);
	ck_assert_int_eq(parse_checked(out, len), -1);
	/* UIDs out of order */
	set_strings(&mails[1], n1, "");
	mails[1].uid = 1;
	free(out);
	out = maildir_index_format(&mb, &stamp, &len);
	ck_assert_int_eq(parse_checked(out, len), -1);
	/* a UID at next_uid */
	mails[1].uid = 3;
	free(out);
	out = maildir_index_format(&mb, &stamp, &len);
	ck_assert_int_eq(parse_checked(out, len), -1);
	/* a modseq above HIGHESTMODSEQ */
	mails[1].uid = 2;
	mails[1].modseq = 11;
	free(out);
	out = maildir_index_format(&mb, &stamp, &len);
	ck_assert_int_eq(parse_checked(out, len), -1);
	free(out);
}
END_TEST

static Suite *
maildir_index_suite(void)
{
	Suite *s = suite_create("maildir_index");
	TCase *tc = tcase_create("index");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_index_view);
	tcase_add_test(tc, test_index_change_in_place);
	tcase_add_test(tc, test_index_recent);
	tcase_add_loop_test(tc, test_index_changes, 0, CHANGE_COUNT);
	tcase_add_loop_test(tc, test_index_damaged, 0, DAMAGE_COUNT);
	tcase_add_test(tc, test_index_parse_refuses);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(maildir_index_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
