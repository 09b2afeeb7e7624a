/* SPDX-License-Identifier: MIT */
/*
 * imap_envelope: render ENVELOPE (RFC 3501 7.4.2) from a message header:
 * date, subject, in-reply-to and message-id as sent (unfolded), address
 * fields through message_addr_parse(); sender and reply-to default to
 * from (RFC 3501 7.4.2); a group is (NIL NIL "name" NIL) ... (NIL NIL NIL
 * NIL).
 */
#include <stdio.h>
#include <string.h>

#include "imap_envelope.h"
#include "tern.h"

/* RFC 3501 quoted-specials beyond which a literal is shorter (Dovecot's
 * QUOTED_MAX_ESCAPE_CHARS). */
#define QUOTED_ESCAPES_MAX 4

int
imap_envelope_append_nstring(struct buf *out, const char *s)
{
	unsigned int escapes = 0;
	const char *p;
	size_t len;
	int r = 0;

	if (s == NULL)
		return buf_append(out, "NIL", 3);
	for (p = s; *p != '\0'; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '"' || ch == '\\') {
			if (escapes++ < QUOTED_ESCAPES_MAX)
				continue;
			break;
		}
		if (ch == '\r' || ch == '\n' || ch >= 0x80)
			break;
	}
	if (*p != '\0') {
		len = strlen(s);
		if (buf_appendf(out, "{%zu}\r\n", len) < 0 ||
		    buf_append(out, s, len) < 0)
			return -1;
		return 0;
	}
	r |= buf_putc(out, '"');
	for (p = s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			r |= buf_putc(out, '\\');
		r |= buf_putc(out, *p);
	}
	r |= buf_putc(out, '"');
	return r < 0 ? -1 : 0;
}

int
imap_envelope_append_human(struct buf *out, const char *s)
{
	bool modify = false, lwsp = true;
	size_t start, i, len;
	int r = 0;

	if (s == NULL)
		return buf_append(out, "NIL", 3);
	len = strlen(s);
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == ' ' || ch == '\t') {
			if (ch == '\t' || lwsp)
				modify = true;
			lwsp = true;
		} else if (ch == '\r' || ch == '\n')
			modify = true;
		else {
			if (ch == '"' || ch == '\\' || ch >= 0x80)
				modify = true;
			lwsp = false;
		}
	}
	if (len > 0 && lwsp)
		modify = true;	/* trailing (or only) white space */
	if (!modify) {
		r |= buf_putc(out, '"');
		r |= buf_append(out, s, len);
		r |= buf_putc(out, '"');
		return r < 0 ? -1 : 0;
	}
	/* Build the text first, then its literal header. */
	start = out->len;
	lwsp = true;
	for (i = 0; i < len; i++) {
		char ch = s[i];

		if (ch == ' ' || ch == '\t') {
			if (!lwsp)
				r |= buf_putc(out, ' ');
			lwsp = true;
		} else if (ch != '\r' && ch != '\n') {
			r |= buf_putc(out, ch);
			lwsp = false;
		}
	}
	if (lwsp && out->len > start)
		buf_truncate(out, out->len - 1);
	if (r < 0)
		return -1;
	if (out->len == start)
		return buf_append(out, "\"\"", 2);
	{
		char hdr[32];
		size_t n = out->len - start;
		int hl = snprintf(hdr, sizeof(hdr), "{%zu}\r\n", n);

		if (buf_append(out, hdr, (size_t)hl) < 0) {
			buf_truncate(out, start);
			return -1;
		}
		/* UNSAFE: rotate the header in front of the text; both are
		 * within out->len. */
		memmove(out->data + start + (size_t)hl, out->data + start, n);
		memcpy(out->data + start, hdr, (size_t)hl);
	}
	return 0;
}

/* Dovecot's imap_append_nstring_nolf(): CR and LF dropped first. */
static int
append_nolf(struct buf *out, const char *s, struct arena *a)
{
	char *c, *w;

	if (s == NULL || strpbrk(s, "\r\n") == NULL)
		return imap_envelope_append_nstring(out, s);
	c = arena_strdup(a, s);
	for (w = c; *s != '\0'; s++) {
		if (*s != '\r' && *s != '\n')
			*w++ = *s;
	}
	*w = '\0';
	return imap_envelope_append_nstring(out, c);
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
		r |= imap_envelope_append_human(out, ad->group_start ? NULL :
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

/* The first field named name as Dovecot keeps it, or NULL. */
static const char *
raw(const struct message_part *hdr, const char *name, struct arena *a)
{
	const struct message_field *f = message_field_find(hdr, name);

	return f != NULL ? message_field_raw(f, a) : NULL;
}

int
imap_envelope_write(const struct message_part *hdr, struct arena *a,
	struct buf *out)
{
	static const char *const tail[] = { "In-Reply-To", "Message-ID" };
	struct message_addr *from, *list;
	unsigned int i;
	int r = 0;

	if (hdr == NULL)
		return buf_puts(out, "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
	r |= buf_putc(out, '(');
	r |= append_nolf(out, raw(hdr, "Date", a), a);
	r |= buf_putc(out, ' ');
	r |= imap_envelope_append_human(out, raw(hdr, "Subject",
	    a));
	r |= buf_putc(out, ' ');
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
		r |= append_nolf(out, raw(hdr, tail[i], a), a);
	}
	r |= buf_putc(out, ')');
	return r < 0 ? -1 : 0;
}
