/* SPDX-License-Identifier: MIT */
/* Fuzz lib/stream's line reader: byte 0 is the read chunk size, byte 1
 * the line limit, the rest the input. A line ending in "{N}" is followed
 * by a stream_read_exact() of N bytes (an IMAP literal). The results
 * must be the same as when the whole input arrives in one read. */
#include <stdio.h>
#include <string.h>
#include "fuzz.h"
#include "buf.h"
#include "str.h"
#include "stream.h"

/* Read everything; results go to log as "<ret><eol>:<line>\n". */
static void
run(const uint8_t *in, size_t len, size_t chunk, size_t max, struct buf *log)
{
	struct stream *s = stream_mem_new(in, len);
	struct buf line, lit;
	enum stream_eol eol;
	int r;

	stream_mem_set_chunk(s, chunk);
	buf_init(&line, 0);
	buf_init(&lit, 64);
	while ((r = stream_read_line(s, &line, max, &eol)) != 0 && r != -1) {
		const char *brace = line.len > 2 && line.data[line.len - 1] ==
			'}' ? memrchr(line.data, '{', line.len) : NULL;
		uint32_t n;

		FUZZ_ASSERT(r == -2 || line.len <= max);
		(void)buf_appendf(log, "%d%d:", r, (int)eol);
		(void)buf_append(log, line.data, line.len);
		(void)buf_putc(log, '\n');
		if (brace != NULL && parse_u32(span_make(brace + 1,
		    line.len - (size_t)(brace - line.data) - 2), 256, &n) == 0) {
			buf_reset(&lit);
			r = stream_read_exact(s, &lit, n);
			(void)buf_appendf(log, "L%d:", r);
			(void)buf_append(log, lit.data, lit.len);
			(void)buf_putc(log, '\n');
		}
	}
	(void)buf_appendf(log, "end %d %llu\n", r, stream_bytes_in(s));
	buf_clear(&line);
	buf_clear(&lit);
	stream_free(&s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf whole, split;

	if (size < 2)
		return 0;
	buf_init(&whole, 0);
	buf_init(&split, 0);
	run(data + 2, size - 2, 0, data[1], &whole);
	run(data + 2, size - 2, data[0] % 17 + 1, data[1], &split);
	FUZZ_ASSERT(whole.len == split.len &&
		memcmp(whole.data, split.data, whole.len) == 0);
	buf_clear(&whole);
	buf_clear(&split);
	return 0;
}
