/* SPDX-License-Identifier: MIT */
/* Fuzz lib/auth's passwd-file parser (Dovecot format) in memory. */
#include <string.h>
#include "fuzz.h"
#include "auth.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *error = NULL;
	size_t n = 0;

	if (auth_passwd_parse("users", span_make((const char *)data, size),
	    &n, &error) < 0) {
		FUZZ_ASSERT(error != NULL && strncmp(error, "users", 5) == 0);
		free(error);
		return 0;
	}
	/* every user takes a line with a ':' */
	FUZZ_ASSERT(n <= size / 2);
	return 0;
}
