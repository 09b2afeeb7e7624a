/* SPDX-License-Identifier: MIT */
/*
 * header_fixup: find the end of the header section in a streamed
 * message and note whether Date and Message-ID were there (RFC 5322
 * 2.2, 3.6; RFC 6409 8.2, 8.3).
 */
#include <string.h>
#include <strings.h>

#include "header_fixup.h"

void
header_fixup_init(struct header_fixup *hf)
{
	memset(hf, 0, sizeof(*hf));
	hf->state = HFX_LINE_START;
}

/* RFC 5322 3.6.8: ftext is printable US-ASCII except ':' */
static bool
is_ftext(unsigned char c)
{
	return c >= 33 && c <= 126 && c != ':';
}

static void
name_done(struct header_fixup *hf)
{
	if (hf->too_long)
		return;
	if (hf->name_len == 4 && strncasecmp(hf->name, "Date", 4) == 0)
		hf->have_date = true;
	else if (hf->name_len == 10 &&
	    strncasecmp(hf->name, "Message-ID", 10) == 0)
		hf->have_message_id = true;
}

size_t
header_fixup_scan(struct header_fixup *hf, const char *p, size_t len,
	bool *end_r)
{
	size_t i;

	*end_r = false;
	for (i = 0; i < len && hf->state != HFX_DONE &&
	    hf->state != HFX_GIVE_UP; i++) {
		unsigned char c = (unsigned char)p[i];

		switch (hf->state) {
		case HFX_LINE_START:
			if (c == ' ' || c == '\t') {
				/* folded continuation of the last field */
				hf->state = HFX_LINE;
			} else if (is_ftext(c)) {
				hf->name_len = 0;
				hf->name_ws = false;
				hf->too_long = false;
				hf->name[hf->name_len++] = (char)c;
				hf->state = HFX_NAME;
			} else {
				/* the empty line, or a line that cannot
				 * start a field: the body starts here */
				hf->need_blank = c != '\r' && c != '\n';
				hf->state = HFX_DONE;
				*end_r = true;
				return i;
			}
			break;
		case HFX_NAME:
			if (c == ':') {
				name_done(hf);
				hf->state = HFX_LINE;
			} else if (c == ' ' || c == '\t') {
				/* RFC 5322 4.5.3 (obsolete): WSP before ':' */
				hf->name_ws = true;
			} else if (is_ftext(c) && !hf->name_ws) {
				/* a name longer than name[] matches nothing */
				if (hf->name_len < sizeof(hf->name))
					hf->name[hf->name_len++] = (char)c;
				else
					hf->too_long = true;
			} else {
				/* a line that is no field ("Hello there",
				 * "<html>"): the body began without the empty
				 * line, and that line is already written, so
				 * leave the message as it is */
				hf->state = HFX_GIVE_UP;
			}
			break;
		case HFX_LINE:
			if (c == '\n')
				hf->state = HFX_LINE_START;
			break;
		case HFX_DONE:
		case HFX_GIVE_UP:
			break;
		}
	}
	return len;
}

bool
header_fixup_can_append(const struct header_fixup *hf)
{
	return hf->state == HFX_LINE_START;
}
