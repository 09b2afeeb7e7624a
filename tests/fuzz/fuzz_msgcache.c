/* SPDX-License-Identifier: MIT */
/* Fuzz imapd/msgcache's file reader: msgcache_check on the bytes, and
 * the same bytes as a real tern-cache file indexed by msgcache_refresh
 * and looked up for every UID it names; what it returns must lie inside
 * the file, and a file that checks must index as many records. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "fuzz.h"
#include "msgcache.h"

static char dir[] = "/tmp/fuzz_msgcache.XXXXXX";
static char path[sizeof(dir) + 16];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL)
		abort();
	(void)snprintf(path, sizeof(path), "%s/%s", dir, MSGCACHE_FILE_NAME);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct span file = span_make((const char *)data, size), got;
	size_t records = 0, end = 0, i;
	const char *error = NULL;
	struct msgcache *c;
	FILE *f;
	int ok;

	ok = msgcache_check(file, 1, &records, &end, &error);
	FUZZ_ASSERT(ok == 0 ? end <= size : error != NULL);
	f = fopen(path, "wb");
	if (f == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	(void)fclose(f);
	c = msgcache_new(dir, 1);
	if (msgcache_refresh(c, NULL, NULL) == 0) {
		if (ok == 0)
			FUZZ_ASSERT(msgcache_stats(c)->records == records);
		for (i = 0; i + 4 <= size && i < 4096; i += 4) {
			uint32_t uid;
			int k;

			memcpy(&uid, data + i, 4);
			for (k = 0; k < MSGCACHE_KINDS; k++)
				(void)msgcache_lookup(c, uid, span_make("", 0),
				    (enum msgcache_kind)k, &got);
		}
	}
	msgcache_free(&c);
	(void)unlink(path);
	return 0;
}
