/* SPDX-License-Identifier: MIT */
/* Fuzz lib/message + imapd renderers: parse, render BODY, BODYSTRUCTURE
 * and ENVELOPE, resolve a section and decode every leaf; sizes must stay
 * inside the input and the output must balance its parentheses. */
#include "fuzz.h"
#include "imap_bodystructure.h"
#include "imap_envelope.h"
#include "message.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const specs[] = { "", "1", "1.2.HEADER", "2.MIME",
	    "TEXT", "1.1.1.TEXT", "HEADER.FIELDS (From)" };
	struct arena *a = arena_new(0);
	struct span in = span_make((const char *)data, size);
	struct message *m;
	struct message_part *p;
	struct imap_section sec;
	const char *error;
	struct buf out;
	size_t i;

	FUZZ_ASSERT(message_parse(in, NULL, a, &m, &error) == 0);
	buf_init(&out, 0);
	FUZZ_ASSERT(imap_bodystructure_write(m, true, a, &out) == 0);
	FUZZ_ASSERT(imap_bodystructure_write(m, false, a, &out) == 0);
	FUZZ_ASSERT(imap_envelope_write(m->root, a, &out) == 0);
	for (i = 0; i < N_ELEMENTS(specs); i++) {
		FUZZ_ASSERT(imap_bodystructure_section(m, span_str(specs[i]),
		    &sec, &error) == 0);
		FUZZ_ASSERT(sec.start <= sec.end && sec.end <= size);
	}
	for (p = m->root; p != NULL; ) {
		FUZZ_ASSERT(p->hdr_start <= p->body_start &&
		    p->body_start <= p->body_end && p->body_end <= size);
		buf_reset(&out);
		(void)message_part_decode(m, p, &out, &error);
		if (p->children != NULL)
			p = p->children;
		else {
			while (p != NULL && p->next == NULL)
				p = p->parent;
			if (p != NULL)
				p = p->next;
		}
	}
	buf_clear(&out);
	arena_free(&a);
	return 0;
}
