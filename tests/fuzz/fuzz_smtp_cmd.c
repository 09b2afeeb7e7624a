/* SPDX-License-Identifier: MIT */
/* libFuzzer entry: each input line through the SMTP command parsers. */
#include "../../smtpd/parse.h"
#include "arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	struct span in = span_make((const char *)data, size);
	struct smtp_cmd_line cmd;
	struct smtp_mail_args mail;
	struct smtp_rcpt_args rcpt;
	struct span mech, init;
	const char *error, *name;
	uint64_t n;
	bool last;

	if (parse_command(in, &cmd, &error) == 0) {
		(void)parse_mail(cmd.args, a, &mail, &error);
		(void)parse_rcpt(cmd.args, a, &rcpt, &error);
		(void)parse_helo(cmd.args, a, &name, &error);
		(void)parse_bdat(cmd.args, UINT64_MAX, &n, &last, &error);
		(void)parse_auth(cmd.args, &mech, &init, &error);
	}
	arena_free(&a);
	return 0;
}
