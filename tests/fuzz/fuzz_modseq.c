/* SPDX-License-Identifier: MIT */
/* Fuzz lib/modseq: parse a tern-modseq file; what parses must format to
 * the same text, and an update with the folder empty must keep the
 * invariants (highest grows, the log stays above the floor). */
#include <string.h>
#include "fuzz.h"
#include "modseq.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct modseq_state st, st2;
	const char *error = NULL;
	char *text, *text2;
	size_t len, len2, i;
	uint64_t highest;

	modseq_init(&st);
	modseq_init(&st2);
	if (modseq_parse(span_make((const char *)data, size), &st,
	    &error) == 0) {
		text = modseq_format(&st, &len);
		FUZZ_ASSERT(modseq_parse(span_make(text, len), &st2,
			&error) == 0);
		text2 = modseq_format(&st2, &len2);
		FUZZ_ASSERT(len == len2 && memcmp(text, text2, len) == 0);
		free(text);
		free(text2);
		highest = st.highest;
		(void)modseq_update(&st, st.uid_validity, NULL, 0, 1, 0);
		FUZZ_ASSERT(st.highest >= highest);
		FUZZ_ASSERT(st.count == 0 && st.floor <= st.highest);
		for (i = 0; i < st.n_expunged; i++)
			FUZZ_ASSERT(st.expunged[i].modseq > st.floor);
	} else {
		FUZZ_ASSERT(error != NULL);
	}
	modseq_clear(&st);
	modseq_clear(&st2);
	return 0;
}
