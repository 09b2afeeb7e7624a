/* SPDX-License-Identifier: MIT */
/*
 * cmd_data: DATA (RFC 5321 4.1.1.4) and BDAT (RFC 3030). DATA ends only
 * at CRLF "." CRLF; a bare LF or bare CR anywhere in the data is refused
 * with 521 and the session closed, so no "<LF>.<LF>" or "<CR>.<CR>"
 * can end a message here and smuggle commands (the SMTP smuggling class,
 * Postfix smtpd_forbid_bare_newline, chasquid). Dot-stuffing is undone
 * (RFC 5321 4.5.2). The size limit is enforced while streaming: the
 * rest is read and dropped, then 552 5.3.4. Besides the idle timeout for
 * each read, a message (a DATA, a BDAT chunk) must arrive within
 * data_timeout plus its size at min_data_rate (Postfix's
 * smtpd_min_data_rate): a client that trickles bytes cannot hold a
 * session for the hour of the session deadline.
 */
#include <inttypes.h>

#include "smtpd.h"
#include "clock.h"
#include "deliver.h"
#include "log.h"
#include "str.h"
#include "tern.h"

/* The stream's deadline while data comes in: data_timeout after start,
 * plus a second for each min_data_rate bytes received, and never past
 * the session's. */
static void
data_deadline(struct smtp_session *s, long long start_ms, uint64_t bytes)
{
	uint32_t rate = s->cfg->smtpd.min_data_rate;
	long long until;

	if (rate == 0 || s->deadline == 0)
		return;
	until = start_ms / 1000 + (long long)s->cfg->smtpd.data_timeout +
	    (long long)(bytes / rate);
	stream_set_deadline(s->stream, until < s->deadline ? (long)until :
	    s->deadline);
}

/* End the transaction after the final reply of DATA or BDAT LAST. */
static void
finish(struct smtp_session *s, struct reply *r, uint64_t size)
{
	enum tern_err err;
	char qid[13];

	(void)str_copy(qid, sizeof(qid), deliver_queue_id(s->tx.delivery));
	if (deliver_commit(&s->tx.delivery, &err) < 0) {
		reply_store_error(r, err);
	} else {
		s->counts[SMTP_COUNT_MESSAGES]++;
		log_info("queued", "from=<%s> nrcpt=%zu size=%" PRIu64,
		    s->tx.mail.path.addr, s->tx.n_rcpts, size);
		reply_set(r, 250, "2.0.0", "Ok: queued as %s", qid);
	}
	smtp_tx_reset(s);
}

static void
io_failure(struct smtp_session *s, struct reply *r, int n)
{
	/* the reply goes out under the session's deadline again */
	stream_set_deadline(s->stream, s->deadline);
	if (n == -1 && stream_timed_out(s->stream)) {
		reply_std(r, RPL_TIMEOUT);
	} else {
		log_info("lost", "client=%s during=data error=\"%s\"",
		    smtp_client_name(s), n == 0 ? "eof" :
		    stream_error(s->stream));
		reply_std(r, RPL_TEMP);
		r->close = true;
	}
	smtp_tx_reset(s);
}

void
cmd_data(struct smtp_session *s, struct span args, struct reply *r)
{
	uint64_t size = 0, max = s->cfg->smtpd.max_message_size;
	enum tern_err err;
	bool too_big = false;
	long long start;

	if (args.len > 0) {
		reply_set(r, 501, "5.5.4", "Syntax: DATA (no arguments)");
		return;
	}
	if (deliver_begin(s, &s->tx.delivery, &err) < 0) {
		reply_store_error(r, err);
		smtp_tx_reset(s);
		return;
	}
	stream_puts(s->stream, "354 End data with <CR><LF>.<CR><LF>\r\n");
	if (stream_flush(s->stream) < 0) {
		io_failure(s, r, -1);
		return;
	}
	stream_set_timeout(s->stream, (int)s->cfg->smtpd.data_timeout * 1000);
	start = clock_monotonic_ms();
	for (;;) {
		enum stream_eol eol;
		struct span line;
		int n;

		data_deadline(s, start, size);
		n = stream_read_line(s->stream, &s->line, SMTP_DATA_LINE_MAX,
		    &eol);
		if (n == 0 || n == -1) {
			io_failure(s, r, n);
			return;
		}
		if (n == -2) {
			/* we cannot tell how the dropped line ended */
			stream_set_deadline(s->stream, s->deadline);
			reply_std(r, RPL_LINE_TOO_LONG);
			r->close = true;
			smtp_tx_reset(s);
			return;
		}
		line = buf_span(&s->line);
		if (eol != STREAM_EOL_CRLF ||
		    memchr(line.p, '\r', line.len) != NULL) {
			log_warn("smuggling", "client=%s bare=%s",
			    smtp_client_name(s), eol == STREAM_EOL_LF ? "LF" :
			    "CR");
			stream_set_deadline(s->stream, s->deadline);
			reply_std(r, RPL_BARE_LF);
			smtp_tx_reset(s);
			return;
		}
		if (line.len == 1 && line.p[0] == '.')
			break;
		if (line.len > 0 && line.p[0] == '.') {
			/* RFC 5321 4.5.2 */
			line.p++;
			line.len--;
		}
		size += line.len + 2;
		if (size > max)
			too_big = true;
		if (!too_big) {
			(void)deliver_write(s->tx.delivery, line.p, line.len);
			(void)deliver_write(s->tx.delivery, "\r\n", 2);
		}
	}
	stream_set_deadline(s->stream, s->deadline);
	if (too_big) {
		reply_std(r, RPL_TOO_BIG);
		smtp_tx_reset(s);
		return;
	}
	finish(s, r, size);
}

/* Read n bytes of a chunk, feeding them to the delivery when it is not
 * NULL. 1, or what stream_read_exact returned. */
static int
read_chunk(struct smtp_session *s, uint64_t n, struct delivery *d)
{
	long long start = clock_monotonic_ms();
	uint64_t got = 0;
	int ret = 1;

	stream_set_timeout(s->stream, (int)s->cfg->smtpd.data_timeout * 1000);
	while (n > 0) {
		size_t take = n > SMTP_BDAT_READ_MAX ? SMTP_BDAT_READ_MAX :
		    (size_t)n;

		data_deadline(s, start, got);
		buf_reset(&s->line);
		ret = stream_read_exact(s->stream, &s->line, take);
		if (ret != 1)
			break;
		if (d != NULL)
			(void)deliver_write(d, s->line.data, s->line.len);
		n -= take;
		got += take;
	}
	stream_set_deadline(s->stream, s->deadline);
	return ret;
}

int
bdat_discard(struct smtp_session *s, struct span args)
{
	uint64_t size;
	bool last;
	const char *error;

	if (parse_bdat(args, UINT64_MAX, &size, &last, &error) < 0)
		return -1;
	return read_chunk(s, size, NULL) == 1 ? 0 : -1;
}

void
cmd_bdat(struct smtp_session *s, struct span args, struct reply *r)
{
	uint64_t size, max = s->cfg->smtpd.max_message_size;
	enum tern_err err;
	const char *error;
	bool last, too_big;
	int n;

	if (parse_bdat(args, UINT64_MAX, &size, &last, &error) < 0) {
		/* the chunk length is unknown: we cannot stay in sync */
		reply_std(r, RPL_BDAT_SYNTAX);
		smtp_tx_reset(s);
		return;
	}
	too_big = size > max || s->tx.bdat_size > max - size;
	if (s->state == SMTP_ST_RCPT && !too_big &&
	    deliver_begin(s, &s->tx.delivery, &err) < 0) {
		if ((n = read_chunk(s, size, NULL)) != 1) {
			io_failure(s, r, n);
			return;
		}
		reply_store_error(r, err);
		smtp_tx_reset(s);
		return;
	}
	s->state = SMTP_ST_BDAT;
	n = read_chunk(s, size, too_big ? NULL : s->tx.delivery);
	if (n != 1) {
		io_failure(s, r, n);
		return;
	}
	if (too_big) {
		/* RFC 3030 4: the transaction is over; later BDATs get 503 */
		reply_std(r, RPL_TOO_BIG);
		smtp_tx_reset(s);
		return;
	}
	s->tx.bdat_size += size;
	if (!last) {
		reply_set(r, 250, "2.0.0", "Ok: %" PRIu64 " octets received",
		    size);
		return;
	}
	finish(s, r, s->tx.bdat_size);
}
