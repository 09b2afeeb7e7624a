/* SPDX-License-Identifier: MIT */
/* Fuzz mailcli/decode.c: parse a message, render it as "mailcli read"
 * does (body choice, charset, HTML as text, attachment names), and the
 * input as HTML on its own. Names must stay safe. */
#include "fuzz.h"
#include "read.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	struct span in = span_make((const char *)data, size);
	struct mc_rendered r;
	struct message *m;
	const char *error;
	struct buf out;
	unsigned int i;

	FUZZ_ASSERT(message_parse(in, NULL, a, &m, &error) == 0);
	memset(&r, 0, sizeof(r));
	mc_render(m, a, &r);
	for (i = 0; i < r.natt; i++) {
		const char *f = r.att[i].filename;

		FUZZ_ASSERT(strchr(f, '/') == NULL && f[0] != '.' &&
		    f[0] != '\0' && strlen(f) <= MC_FILENAME_MAX + 16);
	}
	mc_rendered_clear(&r);
	buf_init(&out, 0);
	FUZZ_ASSERT(mc_html_to_text(in, &out) == 0);
	buf_clear(&out);
	arena_free(&a);
	return 0;
}
