/* SPDX-License-Identifier: MIT */
/*
 * msgflags: IMAP flags as Maildir letters (see msgflags.h). RFC 9051
 * 2.3.2 (flags), maildir(5) "info" letters, Dovecot's dovecot-keywords.
 */
#include "msgflags.h"
#include "keywords.h"
#include "log.h"
#include "tern.h"

static const struct {
	unsigned imap;		/* enum imap_flag */
	char letter;
} system_flags[] = {
	{ IMAP_FLAG_ANSWERED, 'R' },
	{ IMAP_FLAG_FLAGGED, 'F' },
	{ IMAP_FLAG_DELETED, 'T' },
	{ IMAP_FLAG_SEEN, 'S' },
	{ IMAP_FLAG_DRAFT, 'D' },
};

uint64_t
msgflags_bit(char c)
{
	if (c >= 'A' && c <= 'Z')
		return UINT64_C(1) << (c - 'A');
	if (c >= 'a' && c <= 'z')
		return UINT64_C(1) << (26 + (c - 'a'));
	return 0;
}

uint64_t
msgflags_mask(const char *letters)
{
	uint64_t m = 0;

	for (; *letters != '\0'; letters++)
		m |= msgflags_bit(*letters);
	return m;
}

void
msgflags_letters(uint64_t mask, char *out, size_t size)
{
	size_t n = 0;
	int i;

	/* ASCII order: upper case before lower case */
	for (i = 0; i < 52 && n + 1 < size; i++) {
		if ((mask & (UINT64_C(1) << i)) != 0)
			out[n++] = (char)(i < 26 ? 'A' + i : 'a' + (i - 26));
	}
	out[n] = '\0';
}

int
msgflags_from_imap(struct maildir_mailbox *mb, const struct imap_flags *f,
	bool create, uint64_t *mask_r, bool *created_r, enum tern_err *err_r,
	const char **error_r)
{
	uint64_t m = 0;
	size_t i;

	for (i = 0; i < N_ELEMENTS(system_flags); i++) {
		if ((f->system & system_flags[i].imap) != 0)
			m |= msgflags_bit(system_flags[i].letter);
	}
	for (i = 0; i < f->n_keywords; i++) {
		bool known = keywords_lookup(&mb->keywords,
		    f->keywords[i]) >= 0;
		int idx = maildir_mailbox_keyword_index(mb, f->keywords[i],
		    create, err_r, error_r);

		if (idx < 0) {
			if (!create && *err_r == TERN_ERR_NOTFOUND)
				continue;
			return -1;
		}
		if (!known && created_r != NULL)
			*created_r = true;
		m |= msgflags_bit((char)('a' + idx));
	}
	*mask_r = m;
	return 0;
}

uint64_t
msgflags_remap(const struct maildir_mailbox *src,
	struct maildir_mailbox *dst, uint64_t mask, bool *created_r)
{
	uint64_t out = mask & ((UINT64_C(1) << 26) - 1);
	int i;

	for (i = 0; i < KEYWORDS_MAX; i++) {
		const char *name = src->keywords.names[i];
		enum tern_err err;
		const char *error;
		bool known;
		int idx;

		if ((mask & msgflags_bit((char)('a' + i))) == 0 || name == NULL)
			continue;
		known = keywords_lookup(&dst->keywords, name) >= 0;
		idx = maildir_mailbox_keyword_index(dst, name, true, &err,
		    &error);
		if (idx < 0) {
			log_warn("keyword", "mailbox=%s keyword=%s "
			    "error=\"%s\"", dst->path, name, error);
			continue;
		}
		if (!known && created_r != NULL)
			*created_r = true;
		out |= msgflags_bit((char)('a' + idx));
	}
	return out;
}
