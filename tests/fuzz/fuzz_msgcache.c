/* SPDX-License-Identifier: MIT */
/* Fuzz imapd/msgcache's file reader: msgcache_check on the bytes, and
 * the same bytes as a real tern-cache file indexed by msgcache_refresh
 * and looked up for every UID it names; what it returns must lie inside
 * the file, and a file that checks must index as many records. Then
 * the same bytes as the tern-cache.index file of a valid cache file:
 * msgcache_index_check, refresh and lookups of its UIDs. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fuzz.h"
#include "msgcache.h"

static char dir[] = "/tmp/fuzz_msgcache.XXXXXX";
static char path[sizeof(dir) + 16];
static char ipath[sizeof(dir) + 32];
/* a valid cache file of UIDs 1..40, for the index file */
static char idir[] = "/tmp/fuzz_msgcache_idx.XXXXXX";
static char iipath[sizeof(idir) + 32];
static struct stat ist;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct msgcache *c;
	uint32_t uid;
	int k;

	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL)
		abort();
	(void)snprintf(path, sizeof(path), "%s/%s", dir, MSGCACHE_FILE_NAME);
	(void)snprintf(ipath, sizeof(ipath), "%s%s", path,
	    MSGCACHE_INDEX_SUFFIX);
	if (mkdtemp(idir) == NULL)
		abort();
	(void)snprintf(iipath, sizeof(iipath), "%s/%s%s", idir,
	    MSGCACHE_FILE_NAME, MSGCACHE_INDEX_SUFFIX);
	c = msgcache_new(idir, 1);
	if (msgcache_refresh(c, NULL, NULL) < 0)
		abort();
	for (uid = 1; uid <= 40; uid++)
		for (k = 0; k < MSGCACHE_KINDS; k++)
			msgcache_add(c, uid, span_make("", 0),
			    (enum msgcache_kind)k, span_make("(NIL)", 5));
	msgcache_free(&c);
	{
		char cpath[sizeof(idir) + 16];

		(void)snprintf(cpath, sizeof(cpath), "%s/%s", idir,
		    MSGCACHE_FILE_NAME);
		if (stat(cpath, &ist) < 0)
			abort();
	}
	return 0;
}

/* data as the index file of the valid cache in idir */
static void
index_input(const uint8_t *data, size_t size)
{
	struct span file = span_make((const char *)data, size), got;
	const char *error = NULL;
	size_t entries = 0;
	struct msgcache *c;
	uint32_t uid;
	FILE *f;
	int k;

	if (msgcache_index_check(file, 1, (uint64_t)ist.st_ino,
	    (uint64_t)ist.st_size, &entries, &error) == 0)
		FUZZ_ASSERT(entries <= (size_t)ist.st_size);
	else
		FUZZ_ASSERT(error != NULL);
	f = fopen(iipath, "wb");
	if (f == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	(void)fclose(f);
	c = msgcache_new(idir, 1);
	if (msgcache_refresh(c, NULL, NULL) == 0) {
		for (uid = 0; uid <= 41; uid++)
			for (k = 0; k < MSGCACHE_KINDS; k++)
				if (msgcache_lookup(c, uid, span_make("", 0),
				    (enum msgcache_kind)k, &got))
					FUZZ_ASSERT(got.len == 5 &&
					    memcmp(got.p, "(NIL)", 5) == 0);
		/* a lie noticed is acted on here */
		(void)msgcache_refresh(c, NULL, NULL);
	}
	FUZZ_ASSERT(msgcache_stats(c)->rebuilds == 0);
	msgcache_free(&c);
	(void)unlink(iipath);
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
	(void)unlink(ipath);
	index_input(data, size);
	return 0;
}
