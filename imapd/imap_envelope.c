/* SPDX-License-Identifier: MIT */
/*
 * imap_envelope: render ENVELOPE (RFC 3501 7.4.2) from a message header:
 * date, subject, in-reply-to and message-id as sent (unfolded), address
 * fields through message_addr_parse(); sender and reply-to default to
 * from (RFC 3501 7.4.2); a group is (NIL NIL "name" NIL) ... (NIL NIL NIL
 * NIL).
 */
#include <string.h>

#include "imap_envelope.h"
#include "tern.h"

int
imap_envelope_append_nstring(struct buf *out, const char *s)
{
	const char *p;
	size_t len;

	if (s == NULL)
		return buf_append(out, "NIL", 3);
	for (p = s; *p != '\0'; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '"' || ch == '\\' || ch == '\r' || ch == '\n' ||
		    ch >= 0x80)
			break;
	}
	if (*p == '\0') {
		len = (size_t)(p - s);
		if (buf_putc(out, '"') < 0 || buf_append(out, s, len) < 0 ||
		    buf_putc(out, '"') < 0)
			return -1;
		return 0;
	}
	len = strlen(s);
	if (buf_appendf(out, "{%zu}\r\n", len) < 0 ||
	    buf_append(out, s, len) < 0)
		return -1;
	return 0;
}

int
imap_envelope_write_addrs(const struct message_addr *list, struct buf *out)
{
	const struct message_addr *ad;
	int r = 0;

	if (list == NULL)
		return buf_append(out, "NIL", 3);
	r |= buf_putc(out, '(');
	for (ad = list; ad != NULL; ad = ad->next) {
		if (ad->group_end) {
			r |= buf_puts(out, "(NIL NIL NIL NIL)");
			continue;
		}
		r |= buf_putc(out, '(');
		r |= imap_envelope_append_nstring(out, ad->group_start ? NULL :
		    ad->name);
		r |= buf_putc(out, ' ');
		r |= imap_envelope_append_nstring(out, ad->group_start ? NULL :
		    ad->route);
		r |= buf_putc(out, ' ');
		r |= imap_envelope_append_nstring(out, ad->mailbox);
		r |= buf_putc(out, ' ');
		r |= imap_envelope_append_nstring(out, ad->group_start ? NULL :
		    ad->domain);
		r |= buf_putc(out, ')');
	}
	r |= buf_putc(out, ')');
	return r < 0 ? -1 : 0;
}

static struct message_addr *
addrs(const struct message_part *hdr, const char *name, struct arena *a)
{
	const struct message_field *f = message_field_find(hdr, name);
	struct message_addr *list = NULL;

	if (f != NULL)
		message_addr_parse(f->value, a, &list);
	return list;
}

int
imap_envelope_write(const struct message_part *hdr, struct arena *a,
	struct buf *out)
{
	static const char *const texts[] = { "Date", "Subject" };
	static const char *const tail[] = { "In-Reply-To", "Message-ID" };
	struct message_addr *from, *list;
	unsigned int i;
	int r = 0;

	if (hdr == NULL)
		return buf_puts(out, "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
	r |= buf_putc(out, '(');
	for (i = 0; i < N_ELEMENTS(texts); i++) {
		r |= imap_envelope_append_nstring(out,
		    message_header_get(hdr, texts[i], a));
		r |= buf_putc(out, ' ');
	}
	from = addrs(hdr, "From", a);
	r |= imap_envelope_write_addrs(from, out);
	r |= buf_putc(out, ' ');
	list = addrs(hdr, "Sender", a);
	r |= imap_envelope_write_addrs(list != NULL ? list : from, out);
	r |= buf_putc(out, ' ');
	list = addrs(hdr, "Reply-To", a);
	r |= imap_envelope_write_addrs(list != NULL ? list : from, out);
	r |= buf_putc(out, ' ');
	r |= imap_envelope_write_addrs(addrs(hdr, "To", a), out);
	r |= buf_putc(out, ' ');
	r |= imap_envelope_write_addrs(addrs(hdr, "Cc", a), out);
	r |= buf_putc(out, ' ');
	r |= imap_envelope_write_addrs(addrs(hdr, "Bcc", a), out);
	for (i = 0; i < N_ELEMENTS(tail); i++) {
		r |= buf_putc(out, ' ');
		r |= imap_envelope_append_nstring(out,
		    message_header_get(hdr, tail[i], a));
	}
	r |= buf_putc(out, ')');
	return r < 0 ? -1 : 0;
}
