/* SPDX-License-Identifier: MIT */
/* libFuzzer entry: the input as client bytes through the IMAP reader,
 * then each command's arguments and the pure parsers. */
#include "../../imapd/reader.h"
#include "arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imap_reader_limits lim = { 8192, 65536, 65536, 8 };
	struct stream *s = stream_mem_new(data, size);
	struct arena *a = arena_new(0);
	struct imap_reader r;
	struct imap_raw_cmd cmd;
	unsigned i;

	imap_reader_init(&r, s, &lim);
	for (i = 0; i < 64 && imap_reader_read(&r, a, &cmd) != 0; i++) {
		struct imap_arg *args;
		struct imap_seqset set;
		struct imap_flags flags;
		struct buf out;
		size_t n, k;
		const char *error;

		if (cmd.args.text.p == NULL || imap_parse_args(&cmd.args, a,
		    &args, &n, &error) < 0)
			continue;
		buf_init(&out, 4096);
		for (k = 0; k < n; k++) {
			(void)imap_parse_seqset(args[k].str, a, &set, &error);
			(void)imap_parse_flags(&args[k], a, &flags, &error);
			(void)imap_mailbox_decode(args[k].str, k % 2 == 0, '.',
			    &out, &error);
		}
		buf_clear(&out);
		arena_reset(a);
	}
	imap_reader_clear(&r);
	arena_free(&a);
	stream_free(&s);
	return 0;
}
