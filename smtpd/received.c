/* SPDX-License-Identifier: MIT */
/*
 * received: Received headers as Postfix writes them:
 *   Received: from helo (name [addr])
 *   	(using TLSv1.3 with cipher ... (256/256 bits))
 *   	(Authenticated sender: user)
 *   	by host (tern) with ESMTPSA id QUEUEID
 *   	for <rcpt>; Wed, 25 Nov 2026 12:00:00 +0000
 * Day and month names are written by hand: no locale.
 */
#include <stdio.h>
#include <string.h>

#include "received.h"
#include "tern.h"

const char *
received_protocol(bool esmtp, bool tls, bool auth, bool utf8)
{
	/* RFC 3848 3, RFC 6531 3.7.3 */
	static const char *const names[2][4] = {
		{ "ESMTP", "ESMTPA", "ESMTPS", "ESMTPSA" },
		{ "UTF8SMTP", "UTF8SMTPA", "UTF8SMTPS", "UTF8SMTPSA" },
	};

	if (!esmtp)
		return "SMTP";
	return names[utf8 ? 1 : 0][(tls ? 2 : 0) + (auth ? 1 : 0)];
}

int
received_date(time_t when, char *out, size_t size)
{
	static const char days[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
		"Oct", "Nov", "Dec"
	};
	struct tm tm;
	long off;
	int n;

	if (localtime_r(&when, &tm) == NULL)
		return -1;
	off = tm.tm_gmtoff / 60;
	n = snprintf(out, size, "%s, %d %s %d %02d:%02d:%02d %c%02ld%02ld",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', (off < 0 ? -off : off) / 60,
	    (off < 0 ? -off : off) % 60);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int
received_header(struct buf *out, const struct received_info *ri)
{
	char date[64];
	bool v6 = strchr(ri->client_addr, ':') != NULL;
	int ret = 0;

	if (received_date(ri->when, date, sizeof(date)) < 0)
		return -1;
	ret |= buf_appendf(out, "Received: from %s (%s [%s%s])\r\n",
	    ri->helo != NULL ? ri->helo : "unknown",
	    ri->client_name != NULL ? ri->client_name : "unknown",
	    v6 ? "IPv6:" : "", ri->client_addr);
	if (ri->tls_info != NULL)
		ret |= buf_appendf(out, "\t(using %s)\r\n", ri->tls_info);
	if (ri->auth_user != NULL)
		ret |= buf_appendf(out, "\t(Authenticated sender: %s)\r\n",
		    ri->auth_user);
	ret |= buf_appendf(out, "\tby %s (tern) with %s id %s", ri->hostname,
	    ri->protocol, ri->queue_id);
	if (ri->for_rcpt != NULL)
		ret |= buf_appendf(out, "\r\n\tfor <%s>", ri->for_rcpt);
	ret |= buf_appendf(out, "; %s\r\n", date);
	return ret < 0 ? -1 : 0;
}
