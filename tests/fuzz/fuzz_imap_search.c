/* SPDX-License-Identifier: MIT */
/* libFuzzer entry: the input as the arguments of a SEARCH command
 * through imap_parse_args() and search_parse(). */
#include "../../imapd/search_parse.h"
#include "arena.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	struct imap_cmd_text in;
	struct imap_arg *args;
	struct search_program prog;
	const char *error;
	size_t n;

	memset(&in, 0, sizeof(in));
	in.text = span_make((const char *)data, size);
	if (imap_parse_args(&in, a, &args, &n, &error) == 0 &&
	    search_parse(args, n, a, &prog, &error) == 0)
		FUZZ_ASSERT(prog.root != NULL && prog.n_keys <=
		    SEARCH_KEYS_MAX + 2);
	arena_free(&a);
	return 0;
}
