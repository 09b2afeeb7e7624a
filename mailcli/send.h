/* SPDX-License-Identifier: MIT */
/*
 * send: what "mailcli send" (send.c) and "mailcli sendmail"
 * (sendmail.c) share: reading the message, the sender, the envelope
 * recipients, submission with the Sent copy, and the result line.
 */
#ifndef MAILCLI_SEND_H
#define MAILCLI_SEND_H

#include <stdbool.h>
#include "arena.h"
#include "buf.h"
#include "compose.h"
#include "mailcli.h"
#include "submit.h"

#define SEND_MESSAGE_MAX (100 * 1024 * 1024)	/* what we read and send */

/* All of fd into out, at most max bytes: EX_OK, or EX_IOERR/EX_DATAERR
 * after a message. */
int send_read_fd(int fd, size_t max, struct buf *out);

/* The sender: override, else the account's from, else its user when
 * that is an address. EX_OK with *from_r (in a), or EX_CONFIG. */
int send_from_account(struct mc_account *acc, const char *override,
	struct arena *a, struct compose_addr *from_r);

/* The addresses of nlists lists (ns[i] entries each), once each
 * (ASCII case-insensitively), as an array in a; *n_r entries. */
const char **send_rcpt_list(struct arena *a,
	const struct compose_addr *const *lists, const size_t *ns,
	size_t nlists, size_t *n_r);

/* Submit msg, then APPEND it to the account's sent_folder when copy is
 * true (a failed copy only warns), then print the result (--json: an
 * object on stdout). A sysexits code. */
int send_and_copy(struct mc_ctx *ctx, struct mc_account *acc,
	const struct compose_addr *from, const char *const *rcpts, size_t n,
	const char *msgid, const struct buf *msg, bool copy);

void send_print_result(struct mc_ctx *ctx, const char *msgid,
	const struct compose_addr *from, const char *const *rcpts, size_t n,
	size_t size, const struct submit_result *res, const char *sent_copy);

#endif
