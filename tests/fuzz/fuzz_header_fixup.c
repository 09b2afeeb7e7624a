/* SPDX-License-Identifier: MIT */
/* libFuzzer entry: smtpd/header_fixup over a message cut into chunks
 * whose sizes come from the first byte; the insertion point must be
 * the same for every chunking and inside the message. */
#include <stdint.h>
#include <stdlib.h>

#include "../../smtpd/header_fixup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
run(const char *p, size_t len, size_t step, bool *ended_r)
{
	struct header_fixup hf;
	size_t off = 0, at_total = 0;

	header_fixup_init(&hf);
	*ended_r = false;
	while (off < len) {
		size_t n = len - off < step ? len - off : step, at;
		bool end;

		at = header_fixup_scan(&hf, p + off, n, &end);
		if (at > n || (end && *ended_r))
			__builtin_trap();
		if (end) {
			*ended_r = true;
			at_total = off + at;
		}
		off += n;
	}
	return at_total;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t step, a, b;
	bool ea, eb;

	if (size == 0)
		return 0;
	step = (size_t)data[0] % 13 + 1;
	a = run((const char *)data + 1, size - 1, size, &ea);
	b = run((const char *)data + 1, size - 1, step, &eb);
	if (ea != eb || a != b || a > size - 1)
		__builtin_trap();
	return 0;
}
