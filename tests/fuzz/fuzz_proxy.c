/* SPDX-License-Identifier: MIT */
/* libFuzzer entry: lib/proxy headers, whole and as a reader feeds them
 * (byte counts from the parser's own answers). */
#include <string.h>
#include "fuzz.h"
#include "proxy.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proxy_info info;
	const char *error = NULL;
	size_t len = 0, need = PROXY_HEADER_MIN;
	int r;

	r = proxy_parse(data, size, &info, &need, &error);
	FUZZ_ASSERT(r <= (int)size && (r >= 0 || error != NULL));
	/* as lib/server.c reads: never more than asked for */
	need = PROXY_HEADER_MIN;
	for (;;) {
		if (need > size)
			break;
		len = need;
		r = proxy_parse(data, len, &info, &need, &error);
		if (r != 0) {
			FUZZ_ASSERT(r < 0 || (size_t)r == len);
			break;
		}
		FUZZ_ASSERT(need > len && need <= PROXY_HEADER_MAX);
	}
	return 0;
}
