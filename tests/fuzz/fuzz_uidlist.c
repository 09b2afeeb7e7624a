/* SPDX-License-Identifier: MIT */
/* Fuzz lib/uidlist: parse a dovecot-uidlist; what parses must format
 * to text that parses to the same list and formats the same again. */
#include <string.h>
#include "fuzz.h"
#include "uidlist.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uidlist ul, ul2;
	const char *error = NULL;
	char *text, *text2;
	size_t len, len2, i;

	uidlist_init(&ul);
	uidlist_init(&ul2);
	if (uidlist_parse(span_make((const char *)data, size), &ul,
	    &error) == 0) {
		text = uidlist_format(&ul, &len);
		FUZZ_ASSERT(uidlist_parse(span_make(text, len), &ul2,
			&error) == 0);
		FUZZ_ASSERT(ul2.count == ul.count &&
			ul2.next_uid == ul.next_uid);
		for (i = 0; i < ul.count; i++)
			FUZZ_ASSERT(uidlist_lookup(&ul2, ul.recs[i].uid) !=
				NULL);
		text2 = uidlist_format(&ul2, &len2);
		FUZZ_ASSERT(len == len2 && memcmp(text, text2, len) == 0);
		free(text);
		free(text2);
	} else {
		FUZZ_ASSERT(error != NULL);
	}
	uidlist_clear(&ul);
	uidlist_clear(&ul2);
	return 0;
}
