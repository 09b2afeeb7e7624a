/* SPDX-License-Identifier: MIT */
/* Fuzz lib/sasl: byte 0 picks PLAIN or LOGIN (bit 0) and whether there
 * is an initial response (bit 1); the rest is one response per line.
 * Also base64_decode on the rest, and an encode/decode round trip. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "fuzz.h"
#include "sasl.h"

static struct auth_db *db;
static char path[] = "/tmp/tern-fuzz-users-XXXXXX";

static void
remove_path(void)
{
	(void)unlink(path);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* md5-crypt first: the cheap hash unknown users are checked
	 * against ("x"); alice's password is "secret" */
	static const char users[] = "md5@example.test:"
		"$1$abcdefgh$znAnv9M.XU2pRYfmSs46h/\n"
		"alice@example.test:{PLAIN}secret\n";
	char *error = NULL;
	int fd = mkstemp(path);

	FUZZ_ASSERT(fd >= 0 && write(fd, users, sizeof(users) - 1) ==
		(ssize_t)sizeof(users) - 1 && close(fd) == 0);
	atexit(remove_path);
	FUZZ_ASSERT(auth_db_open(path, &db, &error) == 0);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sasl_server *s;
	struct buf ch, dec, enc;
	const char *error, *p, *end;
	enum sasl_status st = SASL_CONTINUE;
	int steps = 0;

	if (size == 0)
		return 0;
	s = sasl_server_new(data[0] & 1 ? "LOGIN" : "plain", db);
	buf_init(&ch, 256);
	p = (const char *)data + 1;
	end = (const char *)data + size;
	if ((data[0] & 2) != 0)
		st = sasl_server_step(s, NULL, &ch, &error);
	while (st == SASL_CONTINUE && p < end && steps++ < 8) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = strndup(p, n);

		st = sasl_server_step(s, line, &ch, &error);
		FUZZ_ASSERT(st == SASL_CONTINUE || st == SASL_OK ||
			error != NULL);
		free(line);
		p += n + 1;
	}
	/* the identity as the client typed it: compared without case */
	FUZZ_ASSERT(st != SASL_OK ||
		strcasecmp(sasl_server_user(s), "alice@example.test") == 0);
	sasl_server_free(&s);
	buf_clear(&ch);

	buf_init(&dec, 4096);
	(void)base64_decode(span_make((const char *)data + 1, size - 1), &dec);
	buf_clear(&dec);
	buf_init(&dec, 0);
	buf_init(&enc, 0);
	FUZZ_ASSERT(base64_encode(data, size, &enc) == 0);
	FUZZ_ASSERT(base64_decode(buf_span(&enc), &dec) == 0);
	FUZZ_ASSERT(dec.len == size && memcmp(dec.data, data, size) == 0);
	buf_clear(&enc);
	buf_clear(&dec);
	return 0;
}
