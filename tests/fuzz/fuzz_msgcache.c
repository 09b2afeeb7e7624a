/* SPDX-License-Identifier: MIT */
/* Fuzz imapd/msgcache's file reader: msgcache_check on the bytes, and
 * the same bytes as a real tern-cache file indexed by msgcache_refresh
 * and looked up for every UID it names; what it returns must lie inside
 * the file, and a file that checks must index as many records. Then
 * the same bytes as the tern-cache.index file of a valid cache file:
 * msgcache_index_check, refresh and lookups of its UIDs; and once more
 * with the header made to match that cache file and the checksums
 * fixed up, so that the entries and offsets are what is fuzzed. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fuzz.h"
#include "msgcache.h"
#include "msgcache_int.h"

static char dir[] = "/tmp/fuzz_msgcache.XXXXXX";
static char path[sizeof(dir) + 16];
static char ipath[sizeof(dir) + 32];
/* a valid cache file of UIDs 1..40, for the index file */
static char idir[] = "/tmp/fuzz_msgcache_idx.XXXXXX";
static char iipath[sizeof(idir) + 32];
static struct stat ist;
static uint32_t last_off;	/* of the valid cache file's last record */
static uint64_t last_hash;
static unsigned char fixed[1 << 20];

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
		unsigned char *cf = NULL;
		FILE *cfp;
		size_t off = HDR_SIZE;

		if (stat(cpath, &ist) < 0 || (cf = malloc((size_t)
		    ist.st_size)) == NULL || (cfp = fopen(cpath, "rb")) ==
		    NULL || fread(cf, 1, (size_t)ist.st_size, cfp) !=
		    (size_t)ist.st_size)
			abort();
		(void)fclose(cfp);
		while (off + REC_HDR <= (size_t)ist.st_size) {
			last_off = (uint32_t)off;
			off += get32(cf + off + 4);
		}
		last_hash = get64(cf + last_off + 8);
		free(cf);
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

/* data as the entries of an index file of the valid cache in idir
 * whose header and checksums are right. */
static void
fixed_input(const uint8_t *data, size_t size)
{
	size_t n;

	if (size < 4 || size - 4 > sizeof(fixed) - IDX_HDR)
		return;
	/* entries: n from the first bytes, the payload from the rest */
	n = (size - 4) / (4 * (1 + MSGCACHE_KINDS));
	memset(fixed, 0, IDX_HDR);
	memcpy(fixed, IDX_MAGIC, 8);
	put32(fixed + 8, IDX_VERSION);
	put32(fixed + 12, 1);
	put64(fixed + 16, (uint64_t)ist.st_ino);
	put64(fixed + 24, (uint64_t)ist.st_size);
	put32(fixed + 32, last_off);
	put32(fixed + 36, (data[0] & 1) ? get32(data) : (uint32_t)n);
	put64(fixed + 40, last_hash);
	memcpy(fixed + IDX_HDR, data + 4, n * 4 * (1 + MSGCACHE_KINDS));
	put64(fixed + 48, msgcache_hash(fixed + IDX_HDR,
	    n * 4 * (1 + MSGCACHE_KINDS)));
	put64(fixed + 56, msgcache_hash(fixed, 56));
	index_input(fixed, IDX_HDR + n * 4 * (1 + MSGCACHE_KINDS));
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
	fixed_input(data, size);
	return 0;
}
