/* SPDX-License-Identifier: MIT */
/* Fuzz lib/maildir_index: parse a tern-index file as is and sealed
 * (size and checksums fixed up, so that the records get parsed); what
 * parses must keep the invariants, and what also passes the names'
 * check must format back to bytes that parse and format the same. */
#include <string.h>
#include "fuzz.h"
#include "maildir_index.h"
#include "xmalloc.h"


static void
check(const uint8_t *data, size_t size)
{
	struct maildir_index idx, idx2;
	struct maildir_mailbox mb;
	const char *error = NULL;
	char *out, *out2;
	size_t len, len2;
	size_t i;
	bool names_ok;

	if (maildir_index_parse(span_make((const char *)data, size), &idx,
	    &error) < 0) {
		FUZZ_ASSERT(error != NULL);
		return;
	}
	for (i = 1; i < idx.count; i++)
		FUZZ_ASSERT(idx.mails[i].uid > idx.mails[i - 1].uid);
	names_ok = maildir_index_check_names(idx.mails, idx.count,
	    idx.names_base, idx.keywords_len, idx.names_len,
	    idx.names_sum) == 0;
	for (i = 0; i < idx.count; i++) {
		FUZZ_ASSERT(idx.mails[i].uid < idx.next_uid);
		/* within the table however damaged; a file name if checked */
		FUZZ_ASSERT(strlen((const char *)(idx.names_base +
		    (uintptr_t)idx.mails[i].name)) < idx.names_len);
		FUZZ_ASSERT(!names_ok || strchr((const char *)(idx.names_base +
		    (uintptr_t)idx.mails[i].name), '/') == NULL);
	}
	/* what a session reads past the check: damaged names are never
	 * formatted again (a full sync writes the next index) */
	if (!names_ok) {
		maildir_index_clear(&idx);
		return;
	}
	memset(&mb, 0, sizeof(mb));
	mb.path = (char *)"/nonexistent";
	mb.uid_validity = idx.uid_validity;
	mb.next_uid = idx.next_uid;
	memcpy(mb.guid, idx.guid, sizeof(mb.guid));
	mb.mails = (struct maildir_mail *)(uintptr_t)idx.mails;
	mb.count = idx.count;
	mb.names_base = idx.names_base;
	mb.modseq = idx.modseq;
	for (i = 0; i < KEYWORDS_MAX; i++)
		mb.keywords.names[i] = (char *)idx.keywords[i];
	out = maildir_index_format(&mb, &idx.stamp, &len);
	FUZZ_ASSERT(maildir_index_parse(span_make(out, len),
	    &idx2, &error) == 0);
	FUZZ_ASSERT(idx2.count == idx.count);
	mb.mails = (struct maildir_mail *)(uintptr_t)idx2.mails;
	mb.names_base = idx2.names_base;
	mb.modseq = idx2.modseq;
	for (i = 0; i < KEYWORDS_MAX; i++)
		mb.keywords.names[i] = (char *)idx2.keywords[i];
	out2 = maildir_index_format(&mb, &idx2.stamp, &len2);
	FUZZ_ASSERT(len == len2 && memcmp(out, out2, len) == 0);
	free(out);
	free(out2);
	maildir_index_clear(&idx);
	maildir_index_clear(&idx2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;

	check(data, size);
	if (size == 0)
		return 0;
	copy = xmalloc(size);
	memcpy(copy, data, size);
	maildir_index_seal(copy, size);
	check(copy, size);
	free(copy);
	return 0;
}
