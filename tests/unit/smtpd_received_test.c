/* SPDX-License-Identifier: MIT */
/* Unit tests for smtpd/received.c and smtpd/reply.c: trace headers in
 * Postfix's form, protocol names (RFC 3848), reply lines. */
#include <check.h>
#include <stdlib.h>
#include <time.h>

#include "../../smtpd/received.h"
#include "../../smtpd/reply.h"
#include "buf.h"
#include "tern.h"

static const struct {
	bool esmtp, tls, auth, utf8;
	const char *name;
} proto_cases[] = {
	{ false, false, false, false, "SMTP" },
	{ true, false, false, false, "ESMTP" },
	{ true, true, false, false, "ESMTPS" },
	{ true, false, true, false, "ESMTPA" },
	{ true, true, true, false, "ESMTPSA" },
	{ true, false, false, true, "UTF8SMTP" },
	{ true, true, true, true, "UTF8SMTPSA" },
};

START_TEST(test_protocol)
{
	ck_assert_str_eq(received_protocol(proto_cases[_i].esmtp,
	    proto_cases[_i].tls, proto_cases[_i].auth, proto_cases[_i].utf8),
	    proto_cases[_i].name);
}
END_TEST

START_TEST(test_date)
{
	char date[64];

	ck_assert_int_eq(received_date(1795608000, date, sizeof(date)), 0);
	ck_assert_str_eq(date, "Wed, 25 Nov 2026 12:00:00 +0000");
	ck_assert_int_eq(received_date(0, date, 10), -1);
}
END_TEST

START_TEST(test_received_full)
{
	struct received_info ri = {
		.helo = "client.example", .client_addr = "192.0.2.7",
		.hostname = "mx.example.test", .protocol = "ESMTPSA",
		.tls_info = "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 "
		    "(256/256 bits)",
		.auth_user = "demo@example.test", .queue_id = "5F0C2A91D3E7",
		.for_rcpt = "alice@example.test", .when = 1795608000,
	};
	struct buf b;

	buf_init(&b, 4096);
	ck_assert_int_eq(received_header(&b, &ri), 0);
	ck_assert_str_eq(buf_str(&b),
	    "Received: from client.example (unknown [192.0.2.7])\r\n"
	    "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 "
	    "(256/256 bits))\r\n"
	    "\t(Authenticated sender: demo@example.test)\r\n"
	    "\tby mx.example.test (tern) with ESMTPSA id 5F0C2A91D3E7\r\n"
	    "\tfor <alice@example.test>; Wed, 25 Nov 2026 12:00:00 +0000\r\n");
	buf_clear(&b);
}
END_TEST

START_TEST(test_received_plain)
{
	struct received_info ri = {
		.helo = NULL, .client_addr = "::1", .hostname = "mx",
		.protocol = "SMTP", .queue_id = "ABC", .when = 1795608000,
	};
	struct buf b;

	buf_init(&b, 4096);
	ck_assert_int_eq(received_header(&b, &ri), 0);
	ck_assert_str_eq(buf_str(&b),
	    "Received: from unknown (unknown [IPv6:::1])\r\n"
	    "\tby mx (tern) with SMTP id ABC; Wed, 25 Nov 2026 12:00:00 "
	    "+0000\r\n");
	buf_clear(&b);
	buf_init(&b, 20);
	ck_assert_int_eq(received_header(&b, &ri), -1);
	buf_clear(&b);
}
END_TEST

START_TEST(test_reply_lines)
{
	struct reply r;

	reply_init(&r);
	reply_add_line(&r, 250, NULL, "mx.example.test");
	reply_set(&r, 250, NULL, "%s", "PIPELINING");
	ck_assert_str_eq(buf_str(&r.text),
	    "250-mx.example.test\r\n250 PIPELINING\r\n");
	ck_assert_uint_eq(r.n_final, 1);
	ck_assert_str_eq(reply_last_line(&r), "250 PIPELINING");
	reply_reset(&r);
	reply_std(&r, RPL_RELAY_DENIED);
	ck_assert_str_eq(buf_str(&r.text), "554 5.7.1 Relay access denied\r\n");
	ck_assert(!r.close);
	reply_reset(&r);
	reply_std(&r, RPL_TIMEOUT);
	ck_assert_int_eq(r.code, 421);
	ck_assert(r.close);
	reply_reset(&r);
	reply_store_error(&r, TERN_ERR_TEMP);
	ck_assert_str_eq(reply_last_line(&r),
	    "451 4.3.0 Temporary failure, try again later");
	reply_reset(&r);
	reply_store_error(&r, TERN_ERR_QUOTA);
	ck_assert_str_eq(reply_last_line(&r), "552 5.2.2 Mailbox full");
	reply_clear(&r);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("smtpd_received");
	TCase *tc = tcase_create("received");
	SRunner *sr;
	int failed;

	setenv("TZ", "UTC", 1);
	tzset();
	tcase_add_loop_test(tc, test_protocol, 0, (int)N_ELEMENTS(proto_cases));
	tcase_add_test(tc, test_date);
	tcase_add_test(tc, test_received_full);
	tcase_add_test(tc, test_received_plain);
	tcase_add_test(tc, test_reply_lines);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
