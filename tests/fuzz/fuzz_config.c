/* SPDX-License-Identifier: MIT */
/* Fuzz lib/config: load tern.conf text (through a temp file, as
 * config_load reads files), then check that the dump (-t) loads again
 * and dumps the same. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "fuzz.h"
#include "config.h"

static char path[] = "/tmp/tern-fuzz-config-XXXXXX";

/* libconfig 1.5 (Debian 12) leaks a string token that error recovery drops on
 * some syntax errors, e.g. 'a "x";' (hyperrealm/libconfig#142, fixed
 * in 1.7.3). Not ours, and tern reads its config once. */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:strbuf_append\nleak:libconfig_yylex\n";
}

static void
remove_path(void)
{
	(void)unlink(path);
}

/* Load text; on success the dump into a malloc'ed *dump_r. 0 or -1. */
static int
load_dump(const void *text, size_t len, char **dump_r)
{
	struct tern_config cfg;
	char *error = NULL;
	size_t dlen;
	FILE *f = fopen(path, "w");

	FUZZ_ASSERT(f != NULL && fwrite(text, 1, len, f) == len &&
		fclose(f) == 0);
	if (config_load(path, "/nonexistent/data", &cfg, &error) < 0) {
		free(error);
		return -1;
	}
	f = open_memstream(dump_r, &dlen);
	FUZZ_ASSERT(f != NULL);
	config_dump(&cfg, f);
	fclose(f);
	config_clear(&cfg);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *dump1, *dump2;

	if (path[sizeof(path) - 2] == 'X') {
		int fd = mkstemp(path);

		FUZZ_ASSERT(fd >= 0);
		close(fd);
		atexit(remove_path);
	}
	if (load_dump(data, size, &dump1) < 0)
		return 0;
	FUZZ_ASSERT(load_dump(dump1, strlen(dump1), &dump2) == 0);
	FUZZ_ASSERT(strcmp(dump1, dump2) == 0);
	free(dump1);
	free(dump2);
	return 0;
}
