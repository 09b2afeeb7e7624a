/* SPDX-License-Identifier: MIT */
/*
 * read_cmds.h: the reading half's command handlers, for the table in
 * main.c. Each parses its own options, answers --help, and returns a
 * sysexits code (mailcli.h).
 */
#ifndef MAILCLI_READ_CMDS_H
#define MAILCLI_READ_CMDS_H

#include "mailcli.h"

int mc_cmd_folders(struct mc_ctx *ctx, int argc, char **argv);
int mc_cmd_list(struct mc_ctx *ctx, int argc, char **argv);
int mc_cmd_read(struct mc_ctx *ctx, int argc, char **argv);
int mc_cmd_save(struct mc_ctx *ctx, int argc, char **argv);
int mc_cmd_flag(struct mc_ctx *ctx, int argc, char **argv);
int mc_cmd_move(struct mc_ctx *ctx, int argc, char **argv);
int mc_cmd_delete(struct mc_ctx *ctx, int argc, char **argv);
int mc_cmd_fetch(struct mc_ctx *ctx, int argc, char **argv);
int mc_cmd_idle(struct mc_ctx *ctx, int argc, char **argv);
int mc_cmd_pop(struct mc_ctx *ctx, int argc, char **argv);
int mc_cmd_append(struct mc_ctx *ctx, int argc, char **argv);

#endif
