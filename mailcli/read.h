/* SPDX-License-Identifier: MIT */
/*
 * read.h: internals of mailcli's reading half (IMAP and POP3 with
 * libetpan). decode.c turns a fetched message into what "read" shows
 * (pure, unit-tested, fuzzed); tls_verify.c gives libetpan streams whose
 * TLS we set up and verify with OpenSSL; imap_*.c and pop3_*.c hold the
 * commands. Nothing here is seen by the sending half (mailcli.h is the
 * contract between the halves).
 */
#ifndef MAILCLI_READ_H
#define MAILCLI_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <getopt.h>
#include <signal.h>
#include <libetpan/libetpan.h>
#include <openssl/ssl.h>
#include "arena.h"
#include "buf.h"
#include "message.h"
#include "tern.h"
#include "mailcli.h"
#include "read_cmds.h"

/* ---- decode.c: message -> readable text ---- */

/* The largest message "read" and "save" take in (a message is held in
 * memory; 64 MiB is past what common servers accept at all). */
#define MC_MESSAGE_MAX (64u * 1024 * 1024)
/* Longest file name "save" writes (NAME_MAX is 255; room for "-N"). */
#define MC_FILENAME_MAX 200
/* Attachments listed per message (MESSAGE_PARTS_MAX bounds the rest). */
#define MC_ATTACHMENTS_MAX 1000

/* An attachment: a leaf part that is not the text we show. */
struct mc_attachment {
	const struct message_part *part;
	const char *name;	/* as the sender named it, UTF-8; or NULL */
	const char *filename;	/* safe for "save": see mc_safe_filename */
	const char *type;	/* "application/pdf" */
	size_t size;		/* decoded size */
};

/* What "read" shows of a message. Strings are in the arena given. */
struct mc_rendered {
	const char *from, *to, *cc, *date, *subject;	/* decoded or NULL */
	const struct message_part *body;	/* the part shown, or NULL */
	bool html;			/* body was text/html, rendered */
	struct buf text;		/* the body as UTF-8 text, LF ends */
	struct mc_attachment *att;
	unsigned int natt;
};

/*
 * Decode the text of a leaf part: its Content-Transfer-Encoding undone,
 * its charset (default US-ASCII) converted to UTF-8, CRLF made LF.
 * Bytes invalid in the charset become U+FFFD; an unknown charset is
 * read as UTF-8 where valid, else as Windows-1252. Appends to out; -1
 * when out is full.
 */
int mc_part_text(const struct message *m, const struct message_part *p,
	struct buf *out);
/*
 * Render HTML as readable text: tags dropped, <script>/<style> and
 * comments skipped, block elements as line breaks, list items as "* ",
 * entities decoded, runs of white space collapsed (except in <pre>),
 * links as "text <url>". Bounded, no recursion. -1 when out is full.
 */
int mc_html_to_text(struct span html, struct buf *out);
/*
 * A file name that is safe to create in a directory: the last path
 * component of name (after '/' or '\\'), without control characters,
 * not starting with '.', cut at MC_FILENAME_MAX bytes on a UTF-8
 * boundary; "attachment-<n>" when nothing usable is left. Into out.
 */
void mc_safe_filename(const char *name, unsigned int n, struct buf *out);
/*
 * Pick the body to show (the first text/plain that is not an
 * attachment, else the first text/html, rendered), decode the main
 * headers (RFC 2047) and list the attachments. r must be zeroed; free
 * it with mc_rendered_clear(). Strings in a. Never fails on bad MIME.
 */
void mc_render(const struct message *m, struct arena *a,
	struct mc_rendered *r);
void mc_rendered_clear(struct mc_rendered *r);
/* Modified UTF-7 mailbox name (RFC 3501 5.1.3) for display: UTF-8, or
 * the name as sent when it is not valid mUTF-7. In a. */
const char *mc_mailbox_display(const char *mutf7, struct arena *a);
/* Nonzero-free UTF-8 of code point cp (invalid: U+FFFD) onto out. */
int mc_put_utf8(struct buf *out, uint32_t cp);

/* Append s to out padded or cut to width columns (code points; C0
 * controls shown as '?'). */
void mc_col(struct buf *out, const char *s, unsigned int width);
/* Control characters (but tab) in a line for the terminal become '?'. */
void mc_sanitize_line(struct buf *line);

/* ---- imap_cmd.c: shared by the commands ---- */

/* getopt_long that prints "usage: mailcli <usage>" and exits on --help
 * ('h', EX_OK) and on a bad option (EX_USAGE). */
int mc_read_getopt(int argc, char **argv, const char *shortopts,
	const struct option *longopts, const char *usage);
/* "imap" or "pop3": 0, or -1 after a message. */
int mc_parse_protocol(const char *s, enum mc_protocol *p_r);
/* 1234, 12K, 3M onto out. */
void mc_print_size(struct buf *out, uint64_t size);
/* A LIST entry carries the flag ("\\Noselect", "\\Trash"...; the
 * backslash is optional). */
bool mc_mailbox_has_flag(const struct mailimap_mailbox_list *mb,
	const char *name);

/* A message as "list" and "idle" show it. */
struct mc_row {
	uint32_t uid;
	uint32_t size;
	const char *date, *from, *subject;	/* decoded */
	struct mailimap_date_time idate;
	bool has_idate;
	const char *flags[32];
	unsigned int nflags;
};

/* Fill row from a FETCH of UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE
 * (strings in a). */
void mc_row_from_att(struct mc_row *row, const struct mailimap_msg_att *ma,
	struct arena *a);
/* The FETCH items mc_row_from_att() reads (mailimap_fetch_type_free). */
struct mailimap_fetch_type *mc_row_fetch_type(void);
/* The column titles, then one row: aligned text, or a JSON object on j. */
void mc_row_header(void);
void mc_row_print(struct json *j, const struct mc_row *row,
	struct arena *a);

/* ---- pop3_cmd.c: --protocol pop3 ---- */

/* list: number, UIDL, size, and From/Subject/Date from TOP n 0. */
int mc_pop3_list(struct mc_ctx *ctx, unsigned long limit);
/* read message number n (raw: the bytes as RETR gives them, CRLF;
 * else rendered as "read" does over IMAP). */
int mc_pop3_read(struct mc_ctx *ctx, uint32_t n, bool raw, bool peek);
/* DELE of the message numbers in ids ("3" or "3,5"). */
int mc_pop3_delete(struct mc_ctx *ctx, const char *ids);

/* ---- uidl_record.c: what "pop fetch" fetched before ---- */

/* rec (lines "key\tuidl\n") has uidl for key. */
bool mc_uidl_record_has(struct span rec, const char *key, const char *uidl);
/* Append to out the lines of rec to keep: other keys' lines, and those
 * of key whose UIDL is among listed[0..n) (NULL entries skipped). Empty
 * lines go. -1 when out is full. */
int mc_uidl_record_prune(struct span rec, const char *key,
	const char *const *listed, size_t n, struct buf *out);

/* ---- imap_read.c ---- */

/* What "read" prints for a fetched message (id: UID or POP3 number). */
int mc_show_message(struct mc_ctx *ctx, uint32_t id, const char *data,
	size_t len);

/* ---- imap_session.c: one IMAP session per command ---- */

struct mc_imap {
	struct mc_ctx *ctx;
	struct mc_account *a;		/* owned by ctx */
	mailimap *imap;
	struct mc_conn *conn;		/* owned by imap's stream */
	const char *host;		/* the server, for messages */
	struct arena *arena;		/* the command's strings */
	const char *folder;		/* the selected folder (UTF-8) */
	bool logged_in;
};

/* Connect, TLS (refused certificates stop here), LOGIN. EX_OK, or a
 * sysexits code after a message; mc_imap_close() in either case. */
int mc_imap_open(struct mc_ctx *ctx, struct mc_imap *s);
/* LOGOUT (when logged in and not interrupted) and free. */
void mc_imap_close(struct mc_imap *s);
/* SELECT (EXAMINE when readonly) the UTF-8 folder name. EX_DATAERR for a
 * missing folder. */
int mc_imap_select(struct mc_imap *s, const char *folder, bool readonly);
/* Map a libetpan result to a sysexits code, after a message naming
 * what failed and the server's text. */
int mc_imap_fail(struct mc_imap *s, int r, const char *what);
/* The capability (e.g. "MOVE", "IDLE") is advertised. */
bool mc_imap_has(struct mc_imap *s, const char *cap);
/* The mUTF-7 wire name of a UTF-8 folder name (in s->arena), or NULL
 * after a message. */
const char *mc_imap_mailbox(struct mc_imap *s, const char *utf8);
/* UID SEARCH with criteria as given (RFC 3501 6.4.4). EX_OK with
 * *result_r a clist of uint32_t * UIDs (mailimap_search_result_free). */
int mc_imap_uid_search(struct mc_imap *s, const char *criteria,
	clist **result_r);
/* The exact bytes of BODY.PEEK[] of uid into *data_r (malloc, NUL
 * after *len_r bytes). EX_DATAERR when there is no such message. */
int mc_imap_fetch_raw(struct mc_imap *s, uint32_t uid, char **data_r,
	size_t *len_r);
/* read, fetch --raw and save: connect, select folder (EXAMINE when
 * readonly) and fetch uid as mc_imap_fetch_raw() does. s is open for
 * mc_imap_close() whatever the result. */
int mc_imap_get_message(struct mc_ctx *ctx, struct mc_imap *s,
	const char *folder, bool readonly, uint32_t uid, char **data_r,
	size_t *len_r);
/* "1,4:7" or "3:*" into a libetpan set: 0, or -1 after a message. */
int mc_uid_set_parse(const char *str, struct mailimap_set **set_r);
/* A single UID: 0, or -1 after a message. */
int mc_parse_uid(const char *str, uint32_t *uid_r);
/* The UID in a FETCH response, 0 if absent. */
uint32_t mc_msg_att_uid(const struct mailimap_msg_att *ma);
/* "\\Seen", a keyword... for a flag. */
const char *mc_flag_name(const struct mailimap_flag *f);
/* A flag from "seen", "\\Seen", "flagged"... or a keyword; NULL when
 * the name is not a valid flag. */
struct mailimap_flag *mc_flag_new(const char *name);

/* ---- tls_verify.c: the socket and TLS under libetpan ---- */

/* Seconds a read or write may block (SO_RCVTIMEO/SO_SNDTIMEO). */
#define MC_IO_TIMEOUT 120
/* Bytes one server reply may take: what the server sends between two
 * of our writes (a message fetched whole, a listing). libetpan keeps a
 * reply in memory, so a server that never ends one would otherwise
 * exhaust it. Far above any message a mail server accepts. */
#define MC_REPLY_MAX (512ULL * 1024 * 1024)
/* The reply limit in force: MC_REPLY_MAX, or MAILCLI_REPLY_MAX (bytes)
 * when that is a smaller positive number (mailcli(1)). */
unsigned long long mc_reply_max(void);

/* A connection to a server. Given to libetpan by mc_conn_stream(), it
 * is then owned by the stream (freed with the session). */
struct mc_conn {
	int fd;
	char *host;
	SSL_CTX *ctx;
	SSL *ssl;		/* NULL until mc_conn_start_tls() */
	bool tls;		/* TLS is up (verified unless insecure) */
	unsigned long long reply_bytes;	/* read since our last write */
	bool reply_too_big;	/* a reply passed MC_REPLY_MAX */
};

/* Set by the SIGINT/SIGTERM handler of "idle"; reads stop waiting. */
extern volatile sig_atomic_t mc_interrupted;

/* Connect to host:port. EX_OK with *c_r, or EX_NOHOST (no such host),
 * EX_UNAVAILABLE (refused, unreachable), EX_TEMPFAIL (DNS) after a
 * message. */
int mc_conn_open(const char *host, unsigned int port, struct mc_conn **c_r);
/* A libetpan stream over c (plain until TLS is started on c). */
mailstream *mc_conn_stream(struct mc_conn *c);
/* Free a conn never given to a stream; accepts NULL. */
void mc_conn_free(struct mc_conn **c);
/*
 * TLS on c's socket, now (implicit TLS, or right after STARTTLS/STLS):
 * the chain is checked against ca_file (NULL: the system's CAs) and the
 * host name (or IP address) c was opened with, unless insecure, which
 * warns loudly. EX_OK; EX_PROTOCOL when the certificate is refused
 * ("certificate verify failed: <reason>") or the handshake fails,
 * EX_CONFIG for an unreadable ca_file.
 */
int mc_conn_start_tls(struct mc_conn *c, const char *ca_file, bool insecure);
/* Bytes TLS has decrypted but libetpan has not read yet. */
int mc_conn_pending(const struct mc_conn *c);

#endif
