/* SPDX-License-Identifier: MIT */
/* Fuzz lib/keywords: parse dovecot-keywords; every name kept must be
 * valid, unique and found again; each input line is also tried as a
 * name to add, and the whole input as a flag string. */
#include <string.h>
#include "fuzz.h"
#include "keywords.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keywords kw;
	char *text = strndup((const char *)data, size), *line, *save;
	int i;

	keywords_init(&kw);
	keywords_parse(span_make((const char *)data, size), &kw);
	for (i = 0; i < KEYWORDS_MAX; i++) {
		if (kw.names[i] != NULL) {
			FUZZ_ASSERT(keywords_name_valid(kw.names[i]));
			FUZZ_ASSERT(keywords_lookup(&kw, kw.names[i]) == i);
		}
	}
	(void)keywords_mask_from_flags(text);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		i = keywords_add(&kw, line);
		FUZZ_ASSERT(i < 0 || keywords_lookup(&kw, line) == i);
	}
	keywords_clear(&kw);
	free(text);
	return 0;
}
