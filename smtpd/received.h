/* SPDX-License-Identifier: MIT */
/*
 * received: the trace headers smtpd adds to each copy: Return-Path and
 * Delivered-To (local copies), and Received in Postfix's form (RFC 5321
 * 4.4, protocol names RFC 3848 and RFC 6531 3.7.3). Pure: the time and
 * all facts are passed in.
 */
#ifndef SMTPD_RECEIVED_H
#define SMTPD_RECEIVED_H

#include <stdbool.h>
#include <time.h>
#include "buf.h"
#include "tern.h"

struct received_info {
	const char *helo;		/* NULL: none given */
	const char *client_name;	/* reverse DNS; NULL: "unknown" */
	const char *client_addr;	/* "192.0.2.7", "::1" */
	const char *hostname;		/* ours */
	const char *protocol;		/* received_protocol() */
	const char *tls_info;		/* stream_tls_info(); NULL: none */
	const char *auth_user;		/* NULL: not authenticated */
	const char *queue_id;
	const char *for_rcpt;		/* NULL: no "for" clause */
	time_t when;
};

/* "SMTP", "ESMTP", "ESMTPS", "ESMTPA", "ESMTPSA", "UTF8SMTP", ... */
const char *received_protocol(bool esmtp, bool tls, bool auth, bool utf8);

/* RFC 5322 3.3 date-time in local time, e.g.
 * "Wed, 25 Nov 2026 12:00:00 +0000", into out. -1 if it does not fit. */
int received_date(time_t when, char *out, size_t size);

/* Append "Received: ...\r\n" (folded, CRLF line ends) to out. 0 or -1
 * when out's max would be passed. */
int received_header(struct buf *out, const struct received_info *ri);

#endif
