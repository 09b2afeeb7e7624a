/* SPDX-License-Identifier: MIT */
/* Fuzz lib/maildir's file name helpers (base, ":2,<flags>", ,S= ,W=,
 * flag normalisation), and config_maildir_path() with the whole input
 * as the address (a recipient from the wire): the path stays under
 * mail_root. */
#include <string.h>
#include "fuzz.h"
#include "config.h"
#include "maildir.h"

static struct tern_config cfg;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *error = NULL;

	FUZZ_ASSERT(config_load(NULL, "/srv/tern", &cfg, &error) == 0);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *name = strndup((const char *)data, size);
	char norm[53], path[256];
	const char *flags;
	uint64_t v;
	size_t i;

	if (config_maildir_path(&cfg, name, path, sizeof(path)) == 0)
		FUZZ_ASSERT(strncmp(path, "/srv/tern/mail/", 15) == 0 &&
			strstr(path, "/.") == NULL);
	FUZZ_ASSERT(maildir_filename_base_len(name) <= strlen(name));
	flags = maildir_filename_flags(name);
	FUZZ_ASSERT(*flags == '\0' ||
		(flags > name && flags < name + strlen(name)));
	(void)maildir_filename_size(name, 'S', &v);
	(void)maildir_filename_size(name, 'W', &v);
	if (maildir_flags_normalize(flags, norm, sizeof(norm)) == 0) {
		for (i = 0; norm[i] != '\0'; i++) {
			FUZZ_ASSERT(i == 0 || norm[i - 1] < norm[i]);
			FUZZ_ASSERT(maildir_flags_has(flags, norm[i]));
		}
	}
	free(name);
	return 0;
}
