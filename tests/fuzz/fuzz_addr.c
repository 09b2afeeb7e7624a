/* SPDX-License-Identifier: MIT */
/* libFuzzer entry: lib/addr paths and mailboxes, with every flag set. */
#include "addr.h"
#include "arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	struct span in = span_make((const char *)data, size);
	struct addr out;
	const char *error;
	size_t used;
	unsigned flags = size > 0 ? data[0] & 0x0f : 0;

	if (addr_parse_path(in, flags, a, &out, &used, &error) == 0 &&
	    (used > size || out.addr == NULL))
		__builtin_trap();
	(void)addr_parse_mailbox(in, flags, a, &out, &error);
	(void)addr_domain_valid(in, flags);
	arena_free(&a);
	return 0;
}
