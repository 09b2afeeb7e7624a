/* SPDX-License-Identifier: MIT */
/* Unit tests for smtpd/header_fixup.c: where the header section of a
 * streamed message ends and whether Date and Message-ID were in it,
 * whatever the chunk sizes (DATA lines, BDAT chunks). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../smtpd/header_fixup.h"
#include "tern.h"

struct result {
	bool ended;
	size_t at;		/* offset of the insertion point */
	bool have_date, have_message_id, need_blank, can_append;
};

/* Feed msg in chunks of step bytes; collect where it ended. */
static struct result
scan(const char *msg, size_t step)
{
	struct header_fixup hf;
	struct result r;
	size_t off = 0, len = strlen(msg);

	memset(&r, 0, sizeof(r));
	header_fixup_init(&hf);
	while (off < len) {
		size_t n = len - off < step ? len - off : step, at;
		bool end;

		at = header_fixup_scan(&hf, msg + off, n, &end);
		if (end) {
			ck_assert(!r.ended);
			r.ended = true;
			r.at = off + at;
		} else {
			ck_assert_uint_eq(at, n);
		}
		off += n;
	}
	r.have_date = hf.have_date;
	r.have_message_id = hf.have_message_id;
	r.need_blank = hf.need_blank;
	r.can_append = header_fixup_can_append(&hf);
	return r;
}

static const struct {
	const char *msg;
	bool ended;
	size_t at;
	bool date, msgid, blank, append;
} cases[] = {
	/* the usual: the empty line ends the header section */
	{ "Subject: x\r\n\r\nbody\r\n", true, 12, false, false, false,
	    false },
	{ "Date: Wed, 25 Nov 2026 12:00:00 +0000\r\nMessage-ID: <a@b>\r\n"
	    "\r\nhi\r\n", true, 58, true, true, false, false },
	/* case-insensitive names, obsolete WSP before the colon */
	{ "DATE: x\r\nmessage-id : <a@b>\r\n\r\n", true, 29, true, true,
	    false, false },
	/* a folded Date: the continuation is not a new field */
	{ "Subject: a\r\n Date: folded\r\n\r\n", true, 27, false, false,
	    false, false },
	/* names that only start like ours */
	{ "Dates: x\r\nMessage-IDs: y\r\nX-Date: z\r\n\r\n", true, 37,
	    false, false, false, false },
	/* a body without the empty line: fields need one of their own */
	{ "Subject: x\r\nHello there\r\n", false, 0, false, false, false,
	    false },
	{ "Subject: x\r\n<html>\r\n", false, 0, false, false, false,
	    false },
	{ "Subject: x\r\n\x01binary\r\n", true, 12, false, false, true,
	    false },
	/* no header at all */
	{ "\r\nbody only\r\n", true, 0, false, false, false, false },
	/* headers only, no body: append at the end */
	{ "Subject: x\r\nDate: y\r\n", false, 0, true, false, false, true },
	/* ends mid-line: nothing can be appended */
	{ "Subject: x", false, 0, false, false, false, false },
	/* an overlong name is not Date */
	{ "Daaaaaaaaaaaaaaaaaaaaaaaaaaaaaate: x\r\n\r\n", true, 38, false,
	    false, false, false },
};

START_TEST(test_cases)
{
	static const size_t steps[] = { 1, 2, 3, 7, 4096 };
	size_t k;

	for (k = 0; k < N_ELEMENTS(steps); k++) {
		struct result r = scan(cases[_i].msg, steps[k]);

		ck_assert_msg(r.ended == cases[_i].ended, "case %d step %zu",
		    _i, steps[k]);
		if (r.ended)
			ck_assert_uint_eq(r.at, cases[_i].at);
		ck_assert(r.have_date == cases[_i].date);
		ck_assert(r.have_message_id == cases[_i].msgid);
		ck_assert(r.need_blank == cases[_i].blank);
		ck_assert(r.can_append == cases[_i].append);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("smtpd_header_fixup");
	TCase *tc = tcase_create("scan");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_cases, 0, (int)N_ELEMENTS(cases));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
