/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/maildir_mailbox.c: a Maildir laid out by hand as
 * Dovecot writes it, read back with the right UIDs, flags and keywords;
 * sync, flag changes, expunge, keywords; a stale lock; concurrent
 * delivery and sync from several processes. */
#include "store_testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "maildir.h"
#include "maildir_mailbox.h"
#include "uidlist.h"
#include "tern.h"

#define GUID "5f0c2a91d3e79a41c07e22b01b3d5f7a"

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
put(const char *rel, const char *text)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", box, rel);
	test_write_file(path, text);
}

/* n bytes of text with lines LFs. */
static char *
body(size_t n, size_t lines)
{
	char *s = malloc(n + 1);
	size_t i;

	memset(s, 'x', n);
	for (i = 0; i < lines; i++)
		s[(i + 1) * (n / (lines + 1))] = '\n';
	s[n] = '\0';
	return s;
}

static void
deliver(const char *dir, const char *text, char *name_r, size_t size)
{
	struct maildir_delivery *d;
	enum tern_err err;
	const char *error, *base;

	ck_assert_int_eq(maildir_delivery_begin(dir, &d, &err, &error), 0);
	ck_assert_int_eq(maildir_delivery_write(d, text, strlen(text)), 0);
	ck_assert_int_eq(maildir_delivery_sync(d, &error), 0);
	ck_assert_int_eq(maildir_delivery_publish(d, NULL, &base, &error), 0);
	if (name_r != NULL)
		snprintf(name_r, size, "%s", base);
	maildir_delivery_free(&d);
}

/* The Maildir exactly as Dovecot 2.3 leaves it. */
static void
make_dovecot_fixture(void)
{
	char *b100 = body(100, 2), *b1000 = body(1000, 24), *b50 = body(50, 2);
	char *b10 = body(10, 1), path[4200];

	put("dovecot-uidlist",
	    "3 V1700000000 N5 G" GUID "\n"
	    "1 :1700000000.M1P1.host,S=100,W=102:2,S\n"
	    "3 W1024 :1700000002.M3P1.host,S=1000:2,RSa\n"
	    "4 :1700000003.M4P1.host,S=50,W=52\n");
	put("dovecot-keywords", "0 $Junk\n1 work\n");
	put("subscriptions", "Sent\n");
	put("dovecot-uidvalidity", "6553f100\n");
	put("dovecot.index.log", "binary junk");
	put("cur/1700000000.M1P1.host,S=100,W=102:2,S", b100);
	/* flagged and tagged "work" since the uidlist line was written */
	put("cur/1700000002.M3P1.host,S=1000:2,FRSab", b1000);
	put("new/1700000003.M4P1.host,S=50,W=52", b50);
	/* delivered by another MDA after Dovecot's last sync */
	put("cur/1700000004.M5P1.host,S=10,W=11:2,T", b10);
	/* the shape of Dovecot's own names (its documentation's example),
	 * keywords l and n, no W= anywhere: the size is counted */
	put("cur/1700000005.M41850P8566V0000000000000015I0000000004F3030E_0"
	    ".mx1.example.com,S=10:2,STln", b10);
	/* no longer here: uid 2 was expunged long ago; tmp/ is ignored */
	put("tmp/1700000005.M6P1.host", "partial");
	snprintf(path, sizeof(path), "%s/.Sent", box);
	ck_assert_int_eq(maildir_create(path, true), 0);
	put(".Sent/dovecot-uidlist", "3 V1700000001 N2 G" GUID "\n"
	    "1 :1700000010.M9P1.host,S=10,W=11:2,S\n");
	put(".Sent/cur/1700000010.M9P1.host,S=10,W=11:2,S", b10);
	free(b100);
	free(b1000);
	free(b50);
	free(b10);
}

START_TEST(test_dovecot_fixture)
{
	struct maildir_mailbox *mb;
	const struct maildir_mail *m;
	enum tern_err err;
	const char *error;
	struct uidlist ul;
	char path[4200];

	make_dovecot_fixture();
	ck_assert_int_eq(maildir_mailbox_open(box, 0, &mb, &err, &error), 0);
	ck_assert_uint_eq(mb->uid_validity, 1700000000);
	ck_assert_str_eq(mb->guid, GUID);
	ck_assert_uint_eq(mb->count, 5);
	ck_assert_uint_eq(mb->next_uid, 7);
	ck_assert_ptr_null(maildir_mailbox_find(mb, 2));

	m = maildir_mailbox_find(mb, 1);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(maildir_mail_flags(mb, m), "S");
	ck_assert_uint_eq(m->keywords, 0);
	ck_assert_uint_eq(m->size, 100);
	ck_assert_uint_eq(m->vsize, 102);
	ck_assert(!m->in_new);

	m = maildir_mailbox_find(mb, 3);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(maildir_mail_name(mb, m),
	    "1700000002.M3P1.host,S=1000:2,FRSab");
	ck_assert_str_eq(maildir_mail_flags(mb, m), "FRSab");
	ck_assert_uint_eq(m->keywords, 3);
	ck_assert_str_eq(mb->keywords.names[0], "$Junk");
	ck_assert_str_eq(mb->keywords.names[1], "work");
	ck_assert_uint_eq(m->size, 1000);
	ck_assert_uint_eq(m->vsize, 1024);	/* from the uidlist's W */

	m = maildir_mailbox_find(mb, 4);
	ck_assert_ptr_nonnull(m);
	ck_assert(m->in_new);
	ck_assert_str_eq(maildir_mail_flags(mb, m), "");
	ck_assert_uint_eq(m->vsize, 52);

	m = maildir_mailbox_find(mb, 5);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(maildir_mail_name(mb, m),
	    "1700000004.M5P1.host,S=10,W=11:2,T");
	ck_assert_str_eq(maildir_mail_flags(mb, m), "T");

	m = maildir_mailbox_find(mb, 6);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(maildir_mail_flags(mb, m), "STln");
	ck_assert_uint_eq(m->keywords, (1u << 11) | (1u << 13));
	ck_assert_uint_eq(m->size, 10);
	ck_assert_uint_eq(m->vsize, 11);
	maildir_mailbox_free(&mb);
	ck_assert_ptr_null(mb);

	/* what we wrote back: same header, old lines and extensions kept */
	snprintf(path, sizeof(path), "%s/dovecot-uidlist", box);
	uidlist_init(&ul);
	ck_assert_int_eq(uidlist_read(path, &ul, &error), 0);
	ck_assert_uint_eq(ul.uid_validity, 1700000000);
	ck_assert_uint_eq(ul.next_uid, 7);
	ck_assert_str_eq(ul.guid, GUID);
	ck_assert_uint_eq(ul.count, 5);
	/* rewritten with the latest names (FRSab, not RSa) */
	ck_assert_str_eq(uidlist_lookup(&ul, 3)->filename,
	    "1700000002.M3P1.host,S=1000:2,FRSab");
	ck_assert_str_eq(uidlist_lookup(&ul, 3)->ext, "W1024");
	ck_assert_str_eq(uidlist_lookup(&ul, 5)->filename,
	    "1700000004.M5P1.host,S=10,W=11:2,T");
	/* the counted W= is kept, as Dovecot does for names without it */
	ck_assert_str_eq(uidlist_lookup(&ul, 6)->ext, "W11");
	uidlist_clear(&ul);

	/* the folder */
	snprintf(path, sizeof(path), "%s/.Sent", box);
	ck_assert_int_eq(maildir_mailbox_open(path, 0, &mb, &err, &error), 0);
	ck_assert_uint_eq(mb->uid_validity, 1700000001);
	ck_assert_uint_eq(mb->count, 1);
	ck_assert_str_eq(maildir_mail_flags(mb, maildir_mailbox_find(mb, 1)),
	    "S");
	maildir_mailbox_free(&mb);
}
END_TEST

/* Names without S= and W= (Postfix's virtual(8)): the sizes are
 * counted once, kept in the uidlist as Dovecot's S and W fields, and
 * Dovecot's own fields are taken as they are. */
START_TEST(test_sizes_in_uidlist)
{
	struct maildir_mailbox *mb;
	const struct maildir_mail *m;
	enum tern_err err;
	const char *error;
	struct uidlist ul;
	char path[4200];

	put("dovecot-uidlist", "3 V1700000000 N3 G" GUID "\n"
	    "1 :1700000000.M1P1.host:2,S\n"
	    "2 W1024 S1000 :1700000001.M2P1.host:2,\n");
	put("cur/1700000000.M1P1.host:2,S", "a\r\nb\nc");
	put("cur/1700000001.M2P1.host:2,", "0123456789");
	put("new/1700000002.M3P1.host", "x\n");
	ck_assert_int_eq(maildir_mailbox_open(box, 0, &mb, &err, &error), 0);
	ck_assert_uint_eq(mb->count, 3);
	m = maildir_mailbox_find(mb, 1);
	ck_assert_uint_eq(m->size, 6);
	ck_assert_uint_eq(m->vsize, 7);		/* CRLF counts once */
	m = maildir_mailbox_find(mb, 2);
	ck_assert_uint_eq(m->size, 1000);	/* Dovecot's, not counted */
	ck_assert_uint_eq(m->vsize, 1024);
	m = maildir_mailbox_find(mb, 3);
	ck_assert_uint_eq(m->size, 2);
	ck_assert_uint_eq(m->vsize, 3);
	maildir_mailbox_free(&mb);

	snprintf(path, sizeof(path), "%s/dovecot-uidlist", box);
	uidlist_init(&ul);
	ck_assert_int_eq(uidlist_read(path, &ul, &error), 0);
	ck_assert_str_eq(uidlist_lookup(&ul, 1)->ext, "S6 W7");
	ck_assert_str_eq(uidlist_lookup(&ul, 2)->ext, "W1024 S1000");
	ck_assert_str_eq(uidlist_lookup(&ul, 3)->ext, "S2 W3");
	uidlist_clear(&ul);

	/* counted once: a later open reads the uidlist, not the file */
	put("cur/1700000000.M1P1.host:2,S", "longer than before\n");
	ck_assert_int_eq(maildir_mailbox_open(box, 0, &mb, &err, &error), 0);
	m = maildir_mailbox_find(mb, 1);
	ck_assert_uint_eq(m->size, 6);
	ck_assert_uint_eq(m->vsize, 7);
	maildir_mailbox_free(&mb);
}
END_TEST

/* Set the times of rel (in the Maildir) an hour back. */
static void
backdate(const char *rel)
{
	struct timespec ts[2];
	char path[4200];

	ck_assert_int_eq(clock_gettime(CLOCK_REALTIME, &ts[0]), 0);
	ts[0].tv_sec -= 3600;
	ts[0].tv_nsec = 0;
	ts[1] = ts[0];
	snprintf(path, sizeof(path), "%s/%s", box, rel);
	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static void
backdate_all(void)
{
	backdate("new");
	backdate("cur");
	backdate("dovecot-uidlist");
	backdate("tern-modseq");
}

static void
rename_in(const char *from, const char *to)
{
	char a[4200], b[4200];

	snprintf(a, sizeof(a), "%s/%s", box, from);
	snprintf(b, sizeof(b), "%s/%s", box, to);
	ck_assert_int_eq(rename(a, b), 0);
}

/* A sync is skipped only when nothing it reads can have changed. */
START_TEST(test_sync_skip)
{
	struct maildir_mailbox *mb;
	enum tern_err err;
	const char *error;
	uint64_t gen;

	put("cur/1700000000.M1P1.host,S=2,W=3:2,S", "a\n");
	put("cur/1700000001.M2P1.host,S=2,W=3:2,", "b\n");
	ck_assert_int_eq(maildir_mailbox_open(box, 0, &mb, &err, &error), 0);
	ck_assert_uint_eq(mb->count, 2);
	/* just written: a change in the same tick would not show */
	ck_assert(!mb->stamp.trusted);
	gen = mb->generation;
	ck_assert_int_eq(maildir_mailbox_sync(mb, 0, &err, &error), 0);
	ck_assert_uint_ne(mb->generation, gen);

	/* old enough: the second sync is skipped */
	backdate_all();
	ck_assert_int_eq(maildir_mailbox_sync(mb, 0, &err, &error), 0);
	ck_assert(mb->stamp.trusted);
	gen = mb->generation;
	ck_assert_int_eq(maildir_mailbox_sync(mb, 0, &err, &error), 0);
	ck_assert_uint_eq(mb->generation, gen);

	/* another process's flag change, with cur/'s mtime set back to
	 * what it was: its ctime tells */
	rename_in("cur/1700000001.M2P1.host,S=2,W=3:2,",
	    "cur/1700000001.M2P1.host,S=2,W=3:2,F");
	backdate("cur");
	ck_assert_int_eq(maildir_mailbox_sync(mb, 0, &err, &error), 0);
	ck_assert_uint_ne(mb->generation, gen);
	ck_assert_str_eq(maildir_mail_flags(mb, maildir_mailbox_find(mb, 2)),
	    "F");

	/* a delivery: new/ moves; the fresh mtime is then not trusted,
	 * so the next sync is a full one even though nothing changed */
	backdate_all();
	ck_assert_int_eq(maildir_mailbox_sync(mb, 0, &err, &error), 0);
	ck_assert(mb->stamp.trusted);
	put("new/1700000002.M3P1.host,S=2,W=3", "c\n");
	ck_assert_int_eq(maildir_mailbox_sync(mb, 0, &err, &error), 0);
	ck_assert_uint_eq(mb->count, 3);
	ck_assert(!mb->stamp.trusted);
	gen = mb->generation;
	ck_assert_int_eq(maildir_mailbox_sync(mb, 0, &err, &error), 0);
	ck_assert_uint_ne(mb->generation, gen);

	/* a lost tern-modseq is rebuilt (a change of its own) */
	backdate_all();
	ck_assert_int_eq(maildir_mailbox_sync(mb, 0, &err, &error), 0);
	gen = mb->modseq.highest;
	put("tern-modseq", "");
	ck_assert_int_eq(maildir_mailbox_sync(mb, 0, &err, &error), 0);
	ck_assert_uint_gt(mb->modseq.highest, gen);

	/* the uidlist and tern-modseq are held open, so their age does
	 * not matter; a replacement (another inode) of the same size
	 * made in the same tick shows */
	backdate("new");
	backdate("cur");
	ck_assert_int_eq(maildir_mailbox_sync(mb, 0, &err, &error), 0);
	ck_assert(mb->stamp.trusted);
	{
		struct uidlist ul;
		char path[4200], tmp[4200];

		snprintf(path, sizeof(path), "%s/dovecot-uidlist", box);
		snprintf(tmp, sizeof(tmp), "%s/uidlist.tmp", box);
		uidlist_init(&ul);
		ck_assert_int_eq(uidlist_read(path, &ul, &error), 0);
		memcpy(ul.guid, "00000000000000000000000000000000", 32);
		ck_assert_int_eq(uidlist_write(tmp, &ul, &error), 0);
		ck_assert_int_eq(rename(tmp, path), 0);
		uidlist_clear(&ul);
	}
	ck_assert_int_eq(maildir_mailbox_sync(mb, 0, &err, &error), 0);
	ck_assert_str_eq(mb->guid, "00000000000000000000000000000000");

	/* a keyword added by another process shows */
	backdate_all();
	ck_assert_int_eq(maildir_mailbox_sync(mb, 0, &err, &error), 0);
	put("dovecot-keywords", "0 $Junk\n");
	ck_assert_int_eq(maildir_mailbox_sync(mb, 0, &err, &error), 0);
	ck_assert_str_eq(mb->keywords.names[0], "$Junk");
	maildir_mailbox_free(&mb);
}
END_TEST

START_TEST(test_new_mailbox_and_move)
{
	struct maildir_mailbox *mb;
	const struct maildir_mail *m;
	enum tern_err err;
	const char *error;
	char name[512], path[4200];
	time_t now = time(NULL);
	uint32_t validity;

	deliver(box, "a\r\n", name, sizeof(name));
	deliver(box, "b\r\n", NULL, 0);
	ck_assert_int_eq(maildir_mailbox_open(box, MAILDIR_SYNC_MOVE_NEW, &mb,
	    &err, &error), 0);
	ck_assert_uint_ge(mb->uid_validity, (uint32_t)now);
	ck_assert_uint_eq(strlen(mb->guid), 32);
	ck_assert_uint_eq(strspn(mb->guid, "0123456789abcdef"), 32);
	validity = mb->uid_validity;
	ck_assert_uint_eq(mb->count, 2);
	m = maildir_mailbox_find(mb, 1);
	ck_assert_ptr_nonnull(m);
	/* first delivered, first uid; moved to cur/ with ":2," */
	ck_assert(strncmp(maildir_mail_name(mb, m), name, strlen(name)) == 0);
	ck_assert_str_eq(maildir_mail_name(mb, m) + strlen(name), ":2,");
	ck_assert(!m->in_new);
	ck_assert_uint_eq(m->size, 2);
	ck_assert_uint_eq(m->vsize, 3);
	ck_assert_int_eq(test_count_dir(test_subdir(box, "new")), 0);
	ck_assert_int_eq(maildir_mailbox_mail_path(mb, m, path, sizeof(path)),
	    0);
	ck_assert_int_eq(access(path, R_OK), 0);
	maildir_mailbox_free(&mb);

	/* stable across opens: UIDVALIDITY is made once */
	deliver(box, "c\r\n", NULL, 0);
	ck_assert_int_eq(maildir_mailbox_open(box, 0, &mb, &err, &error), 0);
	ck_assert_uint_eq(mb->uid_validity, validity);
	ck_assert_uint_eq(mb->count, 3);
	ck_assert_uint_eq(mb->mails[2].uid, 3);
	ck_assert(mb->mails[2].in_new);
	maildir_mailbox_free(&mb);

	/* no Maildir: not found */
	snprintf(path, sizeof(path), "%s/nothing", root);
	ck_assert_int_eq(maildir_mailbox_open(path, 0, &mb, &err, &error), -1);
	ck_assert_int_eq(err, TERN_ERR_NOTFOUND);
	ck_assert_ptr_null(mb);
}
END_TEST

START_TEST(test_uid_order)
{
	struct maildir_mailbox *mb;
	enum tern_err err;
	const char *error;

	/* usec is not zero-padded: text order would put M100 first */
	put("new/1700000000.M100P1.h,S=1,W=1", "x");
	put("new/1700000000.M99P1.h,S=1,W=1", "x");
	put("new/1699999999.M999999P1.h,S=1,W=1", "x");
	put("new/foreign-name", "x");
	ck_assert_int_eq(maildir_mailbox_open(box, 0, &mb, &err, &error), 0);
	ck_assert_uint_eq(mb->count, 4);
	ck_assert_str_eq(maildir_mail_name(mb, &mb->mails[0]), "foreign-name");
	ck_assert_str_eq(maildir_mail_name(mb, &mb->mails[1]),
	    "1699999999.M999999P1.h,S=1,W=1");
	ck_assert_str_eq(maildir_mail_name(mb, &mb->mails[2]),
	    "1700000000.M99P1.h,S=1,W=1");
	ck_assert_str_eq(maildir_mail_name(mb, &mb->mails[3]),
	    "1700000000.M100P1.h,S=1,W=1");
	ck_assert_uint_eq(mb->mails[3].uid, 4);
	maildir_mailbox_free(&mb);
}
END_TEST

/* A file whose name holds a control character is not a message: written
 * to dovecot-uidlist, "\n" would split its record and the next sync
 * would fail on a corrupted uidlist for good. */
START_TEST(test_control_char_name)
{
	struct maildir_mailbox *mb;
	enum tern_err err;
	const char *error;

	deliver(box, "a\r\n", NULL, 0);
	put("cur/1700000000.M1P1.host,S=2:2,S\nbad", "b\n");
	put("new/1700000001.M1P1.ho\rst,S=2", "c\n");
	put("cur/1700000002.M1P1.host\x7f,S=2:2,", "d\n");
	ck_assert_int_eq(maildir_mailbox_open(box, MAILDIR_SYNC_MOVE_NEW, &mb,
	    &err, &error), 0);
	ck_assert_uint_eq(mb->count, 1);
	maildir_mailbox_free(&mb);
	ck_assert_int_eq(maildir_mailbox_open(box, 0, &mb, &err, &error), 0);
	ck_assert_uint_eq(mb->count, 1);
	maildir_mailbox_free(&mb);
}
END_TEST

/* A corrupted dovecot-uidlist is set aside and rebuilt with a higher
 * UIDVALIDITY: the folder stays usable, the flags (in the names) stay,
 * and the old file is kept for the administrator. */
START_TEST(test_corrupt_uidlist)
{
	struct maildir_mailbox *mb;
	enum tern_err err;
	const char *error;
	char path[4200], aside[4200], *text;
	uint32_t v1, v2;
	size_t len;
	int round;

	put("cur/1700000000.M1P1.host,S=2:2,S", "a\n");
	put("cur/1700000001.M2P1.host,S=2:2,FR", "b\n");
	ck_assert_int_eq(maildir_mailbox_open(box, 0, &mb, &err, &error), 0);
	ck_assert_uint_eq(mb->count, 2);
	v1 = mb->uid_validity;
	snprintf(path, sizeof(path), "%s/dovecot-uidlist", box);
	snprintf(aside, sizeof(aside), "%s/dovecot-uidlist.broken", box);
	for (round = 0; round < 2; round++) {
		/* UIDs not ascending; then bytes that are no uidlist */
		test_write_file(path, round == 0 ?
		    "3 V1700000000 N3\n2 :x\n1 :y\n" : "\x01garbage");
		ck_assert_int_eq(maildir_mailbox_sync(mb, 0, &err, &error), 0);
		v2 = mb->uid_validity;
		ck_assert_uint_gt(v2, v1);
		ck_assert_uint_eq(mb->count, 2);
		ck_assert_uint_eq(mb->mails[0].uid, 1);
		ck_assert(maildir_mail_has_flag(&mb->mails[0], 'S'));
		ck_assert(maildir_mail_has_flag(&mb->mails[1], 'F'));
		text = test_read_file(aside, &len);
		ck_assert(memcmp(text, round == 0 ? "3 V1700000000" :
		    "\x01garbage", 8) == 0);
		free(text);
		v1 = v2;
	}
	maildir_mailbox_free(&mb);
	/* the new list is a good one */
	ck_assert_int_eq(maildir_mailbox_open(box, 0, &mb, &err, &error), 0);
	ck_assert_uint_eq(mb->uid_validity, v1);
	maildir_mailbox_free(&mb);
}
END_TEST

START_TEST(test_flags_expunge_keywords)
{
	struct maildir_mailbox *mb;
	const struct maildir_mail *m;
	enum tern_err err;
	const char *error;
	char from[4200], to[4200], *got;

	deliver(box, "a\r\n", NULL, 0);
	deliver(box, "b\r\n", NULL, 0);
	deliver(box, "c\r\n", NULL, 0);
	ck_assert_int_eq(maildir_mailbox_open(box, 0, &mb, &err, &error), 0);
	/* from new/ into cur/, sorted */
	ck_assert_int_eq(maildir_mailbox_set_flags(mb, 1, "aSF", &err, &error),
	    0);
	m = maildir_mailbox_find(mb, 1);
	ck_assert_str_eq(maildir_mail_flags(mb, m), "FSa");
	ck_assert_uint_eq(m->keywords, 1);
	ck_assert_str_eq(maildir_filename_flags(maildir_mail_name(mb, m)),
	    "FSa");
	ck_assert(!m->in_new);
	ck_assert_int_eq(maildir_mailbox_set_flags(mb, 1, "x!", &err, &error),
	    -1);
	ck_assert_int_eq(err, TERN_ERR_SYNTAX);

	/* another process renames it behind our back: found again */
	ck_assert_int_eq(maildir_mailbox_mail_path(mb, m, from, sizeof(from)),
	    0);
	snprintf(to, sizeof(to), "%.*s:2,D", (int)(strrchr(from, ':') - from),
	    from);
	ck_assert_int_eq(rename(from, to), 0);
	ck_assert_int_eq(maildir_mailbox_set_flags(mb, 1, "S", &err, &error),
	    0);
	ck_assert_str_eq(maildir_mail_flags(mb, maildir_mailbox_find(mb, 1)),
	    "S");
	ck_assert_int_eq(access(to, F_OK), -1);

	/* expunge */
	ck_assert_int_eq(maildir_mailbox_expunge(mb, 2, &err, &error), 0);
	ck_assert_ptr_null(maildir_mailbox_find(mb, 2));
	ck_assert_uint_eq(mb->count, 2);
	ck_assert_int_eq(maildir_mailbox_expunge(mb, 2, &err, &error), 0);
	ck_assert_int_eq(maildir_mailbox_set_flags(mb, 2, "S", &err, &error),
	    -1);
	ck_assert_int_eq(err, TERN_ERR_NOTFOUND);
	/* a uid is never given twice */
	deliver(box, "d\r\n", NULL, 0);
	ck_assert_int_eq(maildir_mailbox_sync(mb, 0, &err, &error), 0);
	ck_assert_uint_eq(mb->count, 3);
	ck_assert_uint_eq(mb->mails[2].uid, 4);
	ck_assert_uint_eq(mb->next_uid, 5);

	/* that sync rewrote the uidlist: with the latest file names */
	{
		struct uidlist ul;

		snprintf(from, sizeof(from), "%s/dovecot-uidlist", box);
		uidlist_init(&ul);
		ck_assert_int_eq(uidlist_read(from, &ul, &error), 0);
		ck_assert_str_eq(uidlist_lookup(&ul, 1)->filename,
		    maildir_mail_name(mb, maildir_mailbox_find(mb, 1)));
		ck_assert_ptr_null(uidlist_lookup(&ul, 2));
		uidlist_clear(&ul);
	}

	/* Dovecot's ",<extra>" after the flags is kept */
	put("cur/1700000009.M1P1.h,S=1,W=1:2,S,ext", "x");
	ck_assert_int_eq(maildir_mailbox_sync(mb, 0, &err, &error), 0);
	m = maildir_mailbox_find(mb, 5);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(maildir_mail_flags(mb, m), "S");
	ck_assert_int_eq(maildir_mailbox_set_flags(mb, 5, "FS", &err, &error),
	    0);
	ck_assert_str_eq(maildir_mail_name(mb, maildir_mailbox_find(mb, 5)),
	    "1700000009.M1P1.h,S=1,W=1:2,FS,ext");

	/* flag changes and expunges wait for the uidlist lock */
	mb->lock_set.timeout_secs = 0;
	snprintf(from, sizeof(from), "%s/dovecot-uidlist.lock", box);
	test_write_file(from, "1:elsewhere");
	ck_assert_int_eq(maildir_mailbox_set_flags(mb, 5, "", &err, &error),
	    -1);
	ck_assert_int_eq(err, TERN_ERR_TEMP);
	ck_assert_int_eq(maildir_mailbox_expunge(mb, 5, &err, &error), -1);
	ck_assert_int_eq(err, TERN_ERR_TEMP);
	ck_assert_ptr_nonnull(maildir_mailbox_find(mb, 5));
	ck_assert_int_eq(unlink(from), 0);
	mb->lock_set.timeout_secs = MAILDIR_MAILBOX_LOCK_TIMEOUT_SECS;

	/* keywords */
	ck_assert_int_eq(maildir_mailbox_keyword_index(mb, "work", false,
	    &err, &error), -1);
	ck_assert_int_eq(err, TERN_ERR_NOTFOUND);
	ck_assert_int_eq(maildir_mailbox_keyword_index(mb, "work", true,
	    &err, &error), 0);
	ck_assert_int_eq(maildir_mailbox_keyword_index(mb, "$Junk", true,
	    &err, &error), 1);
	ck_assert_int_eq(maildir_mailbox_keyword_index(mb, "WORK", false,
	    &err, &error), 0);
	ck_assert_int_eq(maildir_mailbox_keyword_index(mb, "a b", true,
	    &err, &error), -1);
	ck_assert_int_eq(err, TERN_ERR_SYNTAX);
	snprintf(from, sizeof(from), "%s/dovecot-keywords", box);
	got = test_read_file(from, NULL);
	ck_assert_str_eq(got, "0 work\n1 $Junk\n");
	free(got);
	/* cur new tmp dovecot-uidlist dovecot-keywords tern-modseq: no lock
	 * and no temp file left */
	ck_assert_int_eq(test_count_dir(box), 6);
	maildir_mailbox_free(&mb);
}
END_TEST

START_TEST(test_stale_lock)
{
	struct maildir_mailbox *mb;
	struct timespec ts[2];
	enum tern_err err;
	const char *error;
	char lock[4200], host[256], content[300];
	time_t start;
	pid_t pid;

	/* a lock left by a crashed process on this host */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	ck_assert_int_eq(gethostname(host, sizeof(host)), 0);
	snprintf(content, sizeof(content), "%ld:%s", (long)pid, host);
	snprintf(lock, sizeof(lock), "%s/dovecot-uidlist.lock", box);
	test_write_file(lock, content);
	ts[0].tv_sec = ts[1].tv_sec = time(NULL) - 10;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	ck_assert_int_eq(utimensat(AT_FDCWD, lock, ts, 0), 0);
	deliver(box, "a\r\n", NULL, 0);

	start = time(NULL);
	ck_assert_int_eq(maildir_mailbox_open(box, 0, &mb, &err, &error), 0);
	ck_assert_int_le(time(NULL) - start, 1);
	ck_assert_uint_eq(mb->count, 1);
	ck_assert_int_eq(access(lock, F_OK), -1);
	maildir_mailbox_free(&mb);

	/* very old, from another host */
	test_write_file(lock, "1:elsewhere.example");
	ts[0].tv_sec = ts[1].tv_sec = time(NULL) - 3600;
	ck_assert_int_eq(utimensat(AT_FDCWD, lock, ts, 0), 0);
	ck_assert_int_eq(maildir_mailbox_open(box, 0, &mb, &err, &error), 0);
	ck_assert_int_eq(access(lock, F_OK), -1);
	maildir_mailbox_free(&mb);
}
END_TEST

enum { N_PROCS = 4, N_MSGS = 50 };

/* One delivering process: deliver, sync, note the uid it saw. */
static void
child_deliver(int id, const char *log_path)
{
	FILE *log = fopen(log_path, "w");
	int i;

	if (log == NULL)
		_exit(10);
	for (i = 0; i < N_MSGS; i++) {
		struct maildir_mailbox *mb;
		enum tern_err err;
		const char *error;
		char name[512], text[64];
		size_t j, blen;
		uint32_t uid = 0;

		snprintf(text, sizeof(text), "From: %d\r\n\r\nmsg %d\r\n", id,
		    i);
		{
			struct maildir_delivery *d;
			const char *base;

			if (maildir_delivery_begin(box, &d, &err, &error) < 0 ||
			    maildir_delivery_write(d, text, strlen(text)) < 0 ||
			    maildir_delivery_sync(d, &error) < 0 ||
			    maildir_delivery_publish(d, NULL, &base,
			    &error) < 0)
				_exit(11);
			snprintf(name, sizeof(name), "%s", base);
			maildir_delivery_free(&d);
		}
		/* half the readers move new/ to cur/, as IMAP does */
		if (maildir_mailbox_open(box, id % 2 == 0 ?
		    MAILDIR_SYNC_MOVE_NEW : 0, &mb, &err, &error) < 0) {
			fprintf(stderr, "child %d: %s\n", id, error);
			_exit(12);
		}
		blen = strlen(name);
		for (j = 0; j < mb->count; j++) {
			if (strncmp(maildir_mail_name(mb, &mb->mails[j]),
			    name, blen) == 0)
				uid = mb->mails[j].uid;
		}
		maildir_mailbox_free(&mb);
		if (uid == 0)
			_exit(13);	/* our own message has no uid */
		fprintf(log, "%u %s\n", uid, name);
	}
	_exit(fclose(log) == 0 ? 0 : 14);
}

START_TEST(test_concurrent_delivery)
{
	struct maildir_mailbox *mb;
	enum tern_err err;
	const char *error;
	char log_path[4200], name[512];
	pid_t pids[N_PROCS];
	size_t i;
	int p, status, seen = 0;
	unsigned int uid;

	for (p = 0; p < N_PROCS; p++) {
		pids[p] = fork();
		ck_assert_int_ge(pids[p], 0);
		if (pids[p] == 0) {
			snprintf(log_path, sizeof(log_path), "%s/log%d", root,
			    p);
			child_deliver(p, log_path);
		}
	}
	for (p = 0; p < N_PROCS; p++) {
		ck_assert_int_eq(waitpid(pids[p], &status, 0), pids[p]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "child %d status %d", p, status);
	}
	ck_assert_int_eq(maildir_mailbox_open(box, 0, &mb, &err, &error), 0);
	/* none lost, none twice, nothing skipped */
	ck_assert_uint_eq(mb->count, N_PROCS * N_MSGS);
	ck_assert_uint_eq(mb->next_uid, N_PROCS * N_MSGS + 1);
	for (i = 0; i < mb->count; i++)
		ck_assert_uint_eq(mb->mails[i].uid, i + 1);
	/* the uid each process saw for its message is the final one */
	for (p = 0; p < N_PROCS; p++) {
		FILE *f;

		snprintf(log_path, sizeof(log_path), "%s/log%d", root, p);
		f = fopen(log_path, "r");
		ck_assert_ptr_nonnull(f);
		while (fscanf(f, "%u %511s", &uid, name) == 2) {
			const struct maildir_mail *m =
			    maildir_mailbox_find(mb, uid);

			ck_assert_ptr_nonnull(m);
			ck_assert_msg(strncmp(maildir_mail_name(mb, m), name,
			    strlen(name)) == 0, "uid %u: %s vs %s", uid,
			    maildir_mail_name(mb, m), name);
			seen++;
		}
		fclose(f);
	}
	ck_assert_int_eq(seen, N_PROCS * N_MSGS);
	ck_assert_int_eq(test_count_dir(test_subdir(box, "tmp")), 0);
	maildir_mailbox_free(&mb);
}
END_TEST

static Suite *
mailbox_suite(void)
{
	Suite *s = suite_create("maildir_mailbox");
	TCase *tc = tcase_create("mailbox");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_dovecot_fixture);
	tcase_add_test(tc, test_sizes_in_uidlist);
	tcase_add_test(tc, test_sync_skip);
	tcase_add_test(tc, test_new_mailbox_and_move);
	tcase_add_test(tc, test_uid_order);
	tcase_add_test(tc, test_control_char_name);
	tcase_add_test(tc, test_corrupt_uidlist);
	tcase_add_test(tc, test_flags_expunge_keywords);
	tcase_add_test(tc, test_stale_lock);
	tcase_add_test(tc, test_concurrent_delivery);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(mailbox_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
