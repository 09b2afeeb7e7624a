/* SPDX-License-Identifier: MIT */
/*
 * proxy: the PROXY protocol header that a load balancer (HAProxy,
 * nginx, a cloud one) sends before the client's bytes, so that the
 * server learns who the client is: version 1 (a text line) and version
 * 2 (binary), as haproxy's proxy-protocol.txt defines them. Pure: the
 * caller reads (lib/server.c, on listeners with proxy_protocol = true).
 */
#ifndef TERN_PROXY_H
#define TERN_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* Version 1: "PROXY TCP6 <src> <dst> <sport> <dport>\r\n" at most. */
#define PROXY_V1_MAX 107
/* Version 2: the 16-byte header, then at most this much (addresses and
 * TLVs; a Unix socket pair takes 216). A longer one is refused. */
#define PROXY_V2_BODY_MAX 1024
/* Bytes a reader may have to take in all. */
#define PROXY_HEADER_MAX (16 + PROXY_V2_BODY_MAX)
/* The fewest bytes of any header ("PROXY UNKNOWN\r\n"): a reader can
 * take these at once without reading past the header. */
#define PROXY_HEADER_MIN 15

struct proxy_info {
	/* The connection's own addresses stand: v2 LOCAL (the balancer's
	 * health check), v1 UNKNOWN, or an address family other than IPv4
	 * and IPv6. */
	bool local;
	struct sockaddr_storage src, dst;	/* the client, the server */
};

/*
 * Parse the header at buf[0..len). >0: its length, *info set. 0: buf is
 * the start of a header that needs *need_r bytes in all (known for v2,
 * len + 1 for v1 until its CRLF). -1: not a valid header (*error_r is
 * static).
 */
int proxy_parse(const unsigned char *buf, size_t len,
	struct proxy_info *info, size_t *need_r, const char **error_r);

#endif
