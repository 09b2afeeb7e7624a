/* SPDX-License-Identifier: MIT */
/*
 * cmd_todo: the commands whose handlers are not written yet. Each answers
 * NO [CANNOT] and its capability is not advertised. The next engineer
 * replaces each with cmd_append.c, cmd_fetch.c, cmd_store.c,
 * cmd_search.c, cmd_copy.c (COPY, MOVE), cmd_expunge.c and cmd_idle.c,
 * built on mailbox_view.h, and deletes it here.
 */
#include "imapd.h"
#include "reply.h"
#include "tern.h"

static void
todo(struct imap_cmd *c)
{
	imap_no(c, "CANNOT", "%s is not implemented yet", c->name);
}

void
cmd_append(struct imap_cmd *c)
{
	todo(c);
}

void
cmd_fetch(struct imap_cmd *c)
{
	todo(c);
}

void
cmd_store(struct imap_cmd *c)
{
	todo(c);
}

void
cmd_copy(struct imap_cmd *c)
{
	todo(c);
}

void
cmd_move(struct imap_cmd *c)
{
	todo(c);
}

void
cmd_expunge(struct imap_cmd *c)
{
	todo(c);
}
