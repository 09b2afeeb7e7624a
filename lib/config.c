/* SPDX-License-Identifier: MIT */
/*
 * config: tern.conf through libconfig. Each group (the top level, "smtpd",
 * one listener) is a table of keys with a type, a range and an optional
 * check; the loader walks the file's settings against the table, so an
 * unknown key anywhere is an error naming file:line. The embedded default
 * is loaded first and the file is laid over it; paths are made absolute
 * against data_dir last. Adding a daemon's group is one table and one row
 * in groups[].
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libconfig.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "str.h"
#include "xmalloc.h"
#include "tern.h"

#define CONFIG_STRING_MAX 1024		/* any string value */
#define CONFIG_PATH_MAX 1024		/* a path before resolution */
#define CONFIG_DOMAINS_MAX 1000		/* local domains */
#define CONFIG_LISTENERS_MAX 32		/* listeners of one daemon */
#define CONFIG_HOSTNAME_MAX 253		/* RFC 1035 2.3.4 (text form) */
#define CONFIG_LABEL_MAX 63		/* RFC 1035 2.3.4 */
#define CONFIG_BANNER_MAX 200		/* 220 line stays well under 512 */
#define CONFIG_ERROR_MAX 1024		/* an error message */
#define CONFIG_EMBEDDED_NAME "(embedded)"

const char config_embedded_default[] =
	"# tern embedded default (DESIGN.md): loopback only, data in ./var.\n"
	"data_dir = \"./var\";\n"
	"domains = [ \"example.test\" ];\n"
	"users_file = \"users\";\n"
	"mail_root = \"mail\";\n"
	"mail_path = \"%d/%n/Maildir\";\n"
	"queue_dir = \"queue\";\n"
	"run_user = \"\";\n"
	"log_level = \"info\";\n"
	"tls_cert = \"tls/cert.pem\";\n"
	"tls_key = \"tls/key.pem\";\n"
	"plaintext_auth = \"loopback\";\n"
	"auth_failure_delay_ms = 2000;\n"
	"smtpd = {\n"
	"  listeners = (\n"
	"    { name = \"mx\"; address = \"127.0.0.1\"; port = 2525;\n"
	"      mode = \"mx\"; tls = \"starttls\"; auth = true; },\n"
	"    { name = \"submission\"; address = \"127.0.0.1\"; port = 2587;\n"
	"      mode = \"submission\"; tls = \"starttls\"; auth = true; },\n"
	"    { name = \"submissions\"; address = \"127.0.0.1\"; port = 2465;\n"
	"      mode = \"submission\"; tls = \"implicit\"; auth = true; }\n"
	"  );\n"
	"  max_message_size = 36700160;\n"
	"  max_recipients = 100;\n"
	"  max_errors = 20;\n"
	"  max_line_length = 2048;\n"
	"  command_timeout = 300;\n"
	"  data_timeout = 180;\n"
	"  min_data_rate = 500;\n"
	"  max_sessions = 100;\n"
	"  max_sessions_per_ip = 20;\n"
	"  prefork = 8;\n"
	"  max_use = 100;\n"
	"  banner = \"tern ESMTP\";\n"
	"};\n"
	"imapd = {\n"
	"  listeners = (\n"
	"    { name = \"imap\"; address = \"127.0.0.1\"; port = 2143;\n"
	"      tls = \"starttls\"; },\n"
	"    { name = \"imaps\"; address = \"127.0.0.1\"; port = 2993;\n"
	"      tls = \"implicit\"; }\n"
	"  );\n"
	"  hierarchy_separator = \"/\";\n"
	"  max_line_length = 65536;\n"
	"  max_literal_size = 36700160;\n"
	"  idle_timeout = 1800;\n"
	"  login_timeout = 60;\n"
	"  max_bad_commands = 20;\n"
	"  max_sessions = 100;\n"
	"  max_sessions_per_ip = 20;\n"
	"};\n";

/* The state of one load: where errors go, and which file we are in. */
struct load {
	const char *file;	/* name for errors when libconfig has none */
	const char *dir;	/* where @include looks, NULL for a string */
	char **error_r;
};

enum key_type {
	KEY_STRING,	/* char *; "" stored as "" */
	KEY_OPT_STRING,	/* char *; "" stored as NULL */
	KEY_PATH,	/* char *; made absolute against data_dir */
	KEY_U32,
	KEY_U64,
	KEY_U16,
	KEY_BOOL,
	KEY_ENUM,	/* int-sized enum, names[] indexed by value */
	KEY_CUSTOM,	/* set() and dump() do all the work */
};

struct key_def;
typedef int key_set_fn(const struct key_def *k, const config_setting_t *s,
	void *base, struct load *ld, const char *path);
typedef void key_dump_fn(const struct key_def *k, const void *base,
	FILE *out, int indent);
/* NULL if the value is fine, else the reason. */
typedef const char *key_check_fn(const char *value);

struct key_def {
	const char *name;
	enum key_type type;
	size_t offset;		/* of the field in the group's struct */
	uint64_t min, max;	/* numbers: range; strings: length */
	const char *const *names;	/* KEY_ENUM */
	key_check_fn *check;		/* strings: extra check */
	key_set_fn *set;		/* KEY_CUSTOM */
	key_dump_fn *dump;		/* KEY_CUSTOM */
	const char *comment;		/* for config_dump */
};

struct group_def {
	const char *name;		/* NULL: the top level */
	size_t offset;			/* of the group in struct tern_config */
	const struct key_def *keys;
};

/* --- errors ------------------------------------------------------------ */

static void TERN_PRINTF(4, 5)
set_error(struct load *ld, const config_setting_t *s, const char *path,
	const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	const char *file = NULL;
	unsigned line = 0;

	if (*ld->error_r != NULL)
		return;		/* keep the first error */
	if (s != NULL) {
		file = config_setting_source_file(s);
		line = config_setting_source_line(s);
	}
	if (file == NULL)
		file = ld->file;
	buf_init(&b, CONFIG_ERROR_MAX);
	/* an @include'd file is named as written: say where it is */
	if (ld->dir != NULL && file[0] != '/' && strcmp(file, ld->file) != 0)
		(void)buf_puts(&b, ld->dir);
	if (line > 0)
		(void)buf_appendf(&b, "%s:%u: ", file, line);
	else
		(void)buf_appendf(&b, "%s: ", file);
	if (path != NULL)
		(void)buf_appendf(&b, "%s: ", path);
	va_start(ap, fmt);
	(void)buf_vappendf(&b, fmt, ap);
	va_end(ap);
	*ld->error_r = xstrdup(buf_str(&b));
	buf_clear(&b);
}

/* "smtpd" + "banner" -> "smtpd.banner" into out. */
static const char *
key_path(char *out, size_t size, const char *prefix, const char *name)
{
	if (prefix == NULL || *prefix == '\0')
		(void)snprintf(out, size, "%s", name);
	else
		(void)snprintf(out, size, "%s.%s", prefix, name);
	return out;
}

/* --- value checks ------------------------------------------------------ */

static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	}
	return false;
}

/* A domain or host name: LDH labels separated by dots (RFC 1035 2.3.1,
 * RFC 1123 2.1), no empty label, no trailing dot. */
static const char *
check_domain(const char *s)
{
	size_t len = strlen(s), label = 0, i;

	if (len == 0)
		return "must not be empty";
	if (len > CONFIG_HOSTNAME_MAX)
		return "is longer than 253 characters";
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '.') {
			if (label == 0)
				return "has an empty label";
			if (s[i - 1] == '-')
				return "has a label ending in '-'";
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-'))
			return "may hold only letters, digits, '-' and '.'";
		if (c == '-' && label == 0)
			return "has a label starting with '-'";
		if (++label > CONFIG_LABEL_MAX)
			return "has a label longer than 63 characters";
	}
	if (label == 0)
		return "has an empty label";
	if (s[len - 1] == '-')
		return "has a label ending in '-'";
	return NULL;
}

static const char *
check_hostname(const char *s)
{
	return *s == '\0' ? NULL : check_domain(s);
}

static const char *
check_address(const char *s)
{
	unsigned char sa[16];

	if (inet_pton(AF_INET, s, sa) == 1 || inet_pton(AF_INET6, s, sa) == 1)
		return NULL;
	return "must be an IPv4 or IPv6 address";
}

/* mail_path: relative, no "..", only %d %n %u %%, names the user. */
static const char *
check_mail_path(const char *s)
{
	const char *p;
	bool has_user = false;

	if (*s == '\0')
		return "must not be empty";
	if (*s == '/')
		return "must be relative to mail_root";
	for (p = s; *p != '\0'; p++) {
		if (*p == '%') {
			p++;
			if (*p == 'n' || *p == 'u')
				has_user = true;
			else if (*p != 'd' && *p != '%')
				return "knows only %d, %n, %u and %%";
		} else if (*p == '.' && p[1] == '.' &&
		    (p == s || p[-1] == '/') && (p[2] == '/' || p[2] == '\0')) {
			return "must not contain \"..\"";
		}
	}
	if (!has_user)
		return "must contain %n or %u";
	return NULL;
}

/* A user or listener name: letters, digits, '.', '_', '-'. */
static const char *
check_word(const char *s)
{
	for (; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
		    *s == '.'))
			return "may hold only letters, digits, '.', '_' and '-'";
	}
	return NULL;
}

static const char *
check_log_level(const char *s)
{
	static const char *const levels[] = { "error", "warn", "info",
		"debug" };
	size_t i;

	for (i = 0; i < N_ELEMENTS(levels); i++) {
		if (strcmp(s, levels[i]) == 0)
			return NULL;
	}
	return "must be \"error\", \"warn\", \"info\" or \"debug\"";
}

/* --- generic setters --------------------------------------------------- */

/* KEY_ENUM stores through an int *. */
_Static_assert(sizeof(enum listener_mode) == sizeof(int), "enum size");
_Static_assert(sizeof(enum listener_tls) == sizeof(int), "enum size");
_Static_assert(sizeof(enum plaintext_auth) == sizeof(int), "enum size");
_Static_assert(sizeof(enum imap_hierarchy_sep) == sizeof(int), "enum size");

#define FIELD(base, k, type) ((type *)(void *)((char *)(base) + (k)->offset))
#define CFIELD(base, k, type) \
	((const type *)(const void *)((const char *)(base) + (k)->offset))

static int
get_string(const struct key_def *k, const config_setting_t *s,
	struct load *ld, const char *path, const char **v_r)
{
	const char *v;
	size_t len;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		set_error(ld, s, path, "must be a string");
		return -1;
	}
	v = config_setting_get_string(s);
	len = strlen(v);
	if (len < k->min || len > k->max) {
		if (k->min > 0 && len == 0)
			set_error(ld, s, path, "must not be empty");
		else
			set_error(ld, s, path, "is longer than %llu bytes",
				(unsigned long long)k->max);
		return -1;
	}
	if (has_control(v)) {
		set_error(ld, s, path, "must not contain control characters");
		return -1;
	}
	if (k->check != NULL) {
		const char *why = k->check(v);

		if (why != NULL) {
			set_error(ld, s, path, "%s", why);
			return -1;
		}
	}
	*v_r = v;
	return 0;
}

static int
get_number(const struct key_def *k, const config_setting_t *s,
	struct load *ld, const char *path, uint64_t *v_r)
{
	long long v;
	int type = config_setting_type(s);

	if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64) {
		set_error(ld, s, path, "must be an integer");
		return -1;
	}
	v = config_setting_get_int64(s);
	if (v < 0 || (uint64_t)v < k->min || (uint64_t)v > k->max) {
		set_error(ld, s, path, "must be between %llu and %llu",
			(unsigned long long)k->min,
			(unsigned long long)k->max);
		return -1;
	}
	*v_r = (uint64_t)v;
	return 0;
}

static int
set_key(const struct key_def *k, const config_setting_t *s, void *base,
	struct load *ld, const char *path)
{
	const char *str;
	uint64_t n;
	size_t i;

	switch (k->type) {
	case KEY_STRING:
	case KEY_OPT_STRING:
	case KEY_PATH:
		if (get_string(k, s, ld, path, &str) < 0)
			return -1;
		free(*FIELD(base, k, char *));
		*FIELD(base, k, char *) =
			k->type == KEY_OPT_STRING && *str == '\0' ?
			NULL : xstrdup(str);
		return 0;
	case KEY_U16:
	case KEY_U32:
	case KEY_U64:
		if (get_number(k, s, ld, path, &n) < 0)
			return -1;
		if (k->type == KEY_U16)
			*FIELD(base, k, uint16_t) = (uint16_t)n;
		else if (k->type == KEY_U32)
			*FIELD(base, k, uint32_t) = (uint32_t)n;
		else
			*FIELD(base, k, uint64_t) = n;
		return 0;
	case KEY_BOOL:
		if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
			set_error(ld, s, path, "must be true or false");
			return -1;
		}
		*FIELD(base, k, bool) = config_setting_get_bool(s) != 0;
		return 0;
	case KEY_ENUM:
		if (config_setting_type(s) != CONFIG_TYPE_STRING) {
			set_error(ld, s, path, "must be a string");
			return -1;
		}
		str = config_setting_get_string(s);
		for (i = 0; k->names[i] != NULL; i++) {
			if (strcmp(str, k->names[i]) == 0) {
				*FIELD(base, k, int) = (int)i;
				return 0;
			}
		}
		{
			struct buf b;

			buf_init(&b, CONFIG_ERROR_MAX);
			for (i = 0; k->names[i] != NULL; i++)
				(void)buf_appendf(&b, "%s\"%s\"",
					i == 0 ? "" : k->names[i + 1] == NULL ?
					" or " : ", ", k->names[i]);
			set_error(ld, s, path, "must be %s", buf_str(&b));
			buf_clear(&b);
		}
		return -1;
	case KEY_CUSTOM:
		return k->set(k, s, base, ld, path);
	}
	tern_panic("config: bad key type %d", (int)k->type);
}

static const struct key_def *
find_key(const struct key_def *keys, const char *name)
{
	for (; keys->name != NULL; keys++) {
		if (strcmp(keys->name, name) == 0)
			return keys;
	}
	return NULL;
}

/* Apply every setting of the group g to base, refusing unknown keys. */
static int
load_group(const config_setting_t *g, const struct key_def *keys,
	void *base, struct load *ld, const char *prefix)
{
	int i, n = config_setting_length(g);

	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(g, i);
		const char *name = config_setting_name(s);
		const struct key_def *k;
		char path[256];

		key_path(path, sizeof(path), prefix, name != NULL ? name : "?");
		k = name != NULL ? find_key(keys, name) : NULL;
		if (k == NULL) {
			set_error(ld, s, path, "unknown setting");
			return -1;
		}
		if (set_key(k, s, base, ld, path) < 0)
			return -1;
	}
	return 0;
}

/* --- custom keys: domains and listeners -------------------------------- */

static void
free_strings(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int
set_domains(const struct key_def *k, const config_setting_t *s, void *base,
	struct load *ld, const char *path)
{
	struct tern_config *cfg = base;
	char **v;
	int i, n;

	(void)k;
	if (config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST) {
		set_error(ld, s, path, "must be a list of strings [ \"...\" ]");
		return -1;
	}
	n = config_setting_length(s);
	if (n < 1 || n > CONFIG_DOMAINS_MAX) {
		set_error(ld, s, path, "must hold between 1 and %d domains",
			CONFIG_DOMAINS_MAX);
		return -1;
	}
	v = xcalloc((size_t)n, sizeof(*v));
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);
		const char *d, *why;
		int j;

		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			set_error(ld, e, path, "must be a list of strings");
			goto fail;
		}
		d = config_setting_get_string(e);
		if ((why = check_domain(d)) != NULL) {
			set_error(ld, e, path, "\"%s\" %s", d, why);
			goto fail;
		}
		v[i] = xstrdup(d);
		str_lower(v[i]);
		for (j = 0; j < i; j++) {
			if (strcmp(v[j], v[i]) == 0) {
				set_error(ld, e, path, "\"%s\" is listed twice",
					d);
				goto fail;
			}
		}
	}
	free_strings(cfg->domains, cfg->n_domains);
	cfg->domains = v;
	cfg->n_domains = (size_t)n;
	return 0;
fail:
	free_strings(v, (size_t)n);
	return -1;
}

static void
dump_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void
dump_domains(const struct key_def *k, const void *base, FILE *out,
	int indent)
{
	const struct tern_config *cfg = base;
	size_t i;

	fprintf(out, "%*s%s = [ ", indent, "", k->name);
	for (i = 0; i < cfg->n_domains; i++) {
		dump_string(out, cfg->domains[i]);
		fputs(i + 1 < cfg->n_domains ? ", " : " ", out);
	}
	fputs("];\n", out);
}

static const char *const mode_names[] = { "mx", "submission", NULL };
static const char *const tls_names[] = { "none", "starttls", "implicit",
	NULL };
static const char *const plaintext_names[] = { "never", "loopback", "always",
	NULL };

static const struct key_def listener_keys[] = {
	{ "name", KEY_STRING, offsetof(struct listener_config, name),
	  1, 64, NULL, check_word, NULL, NULL,
	  "for logs" },
	{ "address", KEY_STRING, offsetof(struct listener_config, address),
	  1, 64, NULL, check_address, NULL, NULL,
	  "IPv4 or IPv6 address to bind" },
	{ "port", KEY_U16, offsetof(struct listener_config, port),
	  1, 65535, NULL, NULL, NULL, NULL, NULL },
	{ "mode", KEY_ENUM, offsetof(struct listener_config, mode),
	  0, 0, mode_names, NULL, NULL, NULL,
	  "\"mx\" or \"submission\"" },
	{ "tls", KEY_ENUM, offsetof(struct listener_config, tls),
	  0, 0, tls_names, NULL, NULL, NULL,
	  "\"none\", \"starttls\" or \"implicit\"" },
	{ "auth", KEY_BOOL, offsetof(struct listener_config, auth),
	  0, 0, NULL, NULL, NULL, NULL,
	  "offer AUTH (always on for submission)" },
	{ "proxy_protocol", KEY_BOOL, offsetof(struct listener_config, proxy),
	  0, 0, NULL, NULL, NULL, NULL,
	  "a load balancer's PROXY header (v1 or v2) comes first" },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL },
};

/* imapd's listeners: no mode, AUTH always offered (LOGINDISABLED and
 * the plaintext policy decide when it may be used). */
static const struct key_def imap_listener_keys[] = {
	{ "name", KEY_STRING, offsetof(struct listener_config, name),
	  1, 64, NULL, check_word, NULL, NULL,
	  "for logs" },
	{ "address", KEY_STRING, offsetof(struct listener_config, address),
	  1, 64, NULL, check_address, NULL, NULL,
	  "IPv4 or IPv6 address to bind" },
	{ "port", KEY_U16, offsetof(struct listener_config, port),
	  1, 65535, NULL, NULL, NULL, NULL, NULL },
	{ "tls", KEY_ENUM, offsetof(struct listener_config, tls),
	  0, 0, tls_names, NULL, NULL, NULL,
	  "\"none\", \"starttls\" or \"implicit\"" },
	{ "proxy_protocol", KEY_BOOL, offsetof(struct listener_config, proxy),
	  0, 0, NULL, NULL, NULL, NULL,
	  "a load balancer's PROXY header (v1 or v2) comes first" },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL },
};

static void
free_listeners(struct listener_config *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(l[i].name);
		free(l[i].address);
	}
	free(l);
}

static int
load_listener(const config_setting_t *e, struct listener_config *l,
	const struct key_def *keys, struct load *ld, const char *path)
{
	const config_setting_t *auth;

	if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
		set_error(ld, e, path, "must be a group { ... }");
		return -1;
	}
	l->mode = LISTENER_MX;
	l->tls = LISTENER_TLS_NONE;
	l->auth = keys == imap_listener_keys;
	if (load_group(e, keys, l, ld, path) < 0)
		return -1;
	if (l->address == NULL) {
		set_error(ld, e, path, "address is missing");
		return -1;
	}
	if (l->port == 0) {
		set_error(ld, e, path, "port is missing");
		return -1;
	}
	if (l->name == NULL)
		l->name = xstrdup(mode_names[l->mode]);
	auth = config_setting_get_member(e, "auth");
	if (l->mode == LISTENER_SUBMISSION) {
		/* RFC 6409 4.3: submission requires authentication */
		if (auth != NULL && !l->auth) {
			set_error(ld, auth, path,
				"auth: must be true in mode \"submission\"");
			return -1;
		}
		l->auth = true;
	}
	return 0;
}

/* A listeners list into *lp / *np, each group checked against keys. */
static int
load_listeners(const config_setting_t *s, const struct key_def *keys,
	struct listener_config **lp, size_t *np, struct load *ld,
	const char *path)
{
	struct listener_config *v;
	int i, j, n;

	if (config_setting_type(s) != CONFIG_TYPE_LIST) {
		set_error(ld, s, path, "must be a list ( { ... }, ... )");
		return -1;
	}
	n = config_setting_length(s);
	if (n < 1 || n > CONFIG_LISTENERS_MAX) {
		set_error(ld, s, path, "must hold between 1 and %d listeners",
			CONFIG_LISTENERS_MAX);
		return -1;
	}
	v = xcalloc((size_t)n, sizeof(*v));
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);
		char epath[256];

		(void)snprintf(epath, sizeof(epath), "%s[%d]", path, i);
		if (load_listener(e, &v[i], keys, ld, epath) < 0)
			goto fail;
		for (j = 0; j < i; j++) {
			if (v[j].port == v[i].port &&
			    strcmp(v[j].address, v[i].address) == 0) {
				set_error(ld, e, epath,
					"%s port %u is already used by %s",
					v[i].address, (unsigned)v[i].port,
					v[j].name);
				goto fail;
			}
		}
	}
	free_listeners(*lp, *np);
	*lp = v;
	*np = (size_t)n;
	return 0;
fail:
	free_listeners(v, (size_t)n);
	return -1;
}

static int
set_listeners(const struct key_def *k, const config_setting_t *s, void *base,
	struct load *ld, const char *path)
{
	struct smtpd_config *sc = base;

	(void)k;
	return load_listeners(s, listener_keys, &sc->listeners,
	    &sc->n_listeners, ld, path);
}

static int
set_imap_listeners(const struct key_def *k, const config_setting_t *s,
	void *base, struct load *ld, const char *path)
{
	struct imapd_config *ic = base;

	(void)k;
	return load_listeners(s, imap_listener_keys, &ic->listeners,
	    &ic->n_listeners, ld, path);
}

static void dump_keys(const struct key_def *keys, const void *base,
	FILE *out, int indent);

static void
dump_listener_list(const struct key_def *k, const struct key_def *keys,
	const struct listener_config *l, size_t n, FILE *out, int indent)
{
	size_t i;

	fprintf(out, "%*s%s = (\n", indent, "", k->name);
	for (i = 0; i < n; i++) {
		fprintf(out, "%*s{\n", indent + 2, "");
		dump_keys(keys, &l[i], out, indent + 4);
		fprintf(out, "%*s}%s\n", indent + 2, "", i + 1 < n ? "," : "");
	}
	fprintf(out, "%*s);\n", indent, "");
}

static void
dump_listeners(const struct key_def *k, const void *base, FILE *out,
	int indent)
{
	const struct smtpd_config *sc = base;

	dump_listener_list(k, listener_keys, sc->listeners, sc->n_listeners,
	    out, indent);
}

static void
dump_imap_listeners(const struct key_def *k, const void *base, FILE *out,
	int indent)
{
	const struct imapd_config *ic = base;

	dump_listener_list(k, imap_listener_keys, ic->listeners,
	    ic->n_listeners, out, indent);
}

/* --- the tables -------------------------------------------------------- */

static const struct key_def top_keys[] = {
	{ "data_dir", KEY_PATH, offsetof(struct tern_config, data_dir),
	  1, CONFIG_PATH_MAX, NULL, NULL, NULL, NULL,
	  "relative paths below are taken relative to it" },
	{ "hostname", KEY_OPT_STRING, offsetof(struct tern_config, hostname),
	  0, CONFIG_HOSTNAME_MAX, NULL, check_hostname, NULL, NULL,
	  "EHLO, banner, Received (empty: gethostname())" },
	{ "domains", KEY_CUSTOM, 0, 0, 0, NULL, NULL, set_domains,
	  dump_domains, "local domains: mail for them is delivered here" },
	{ "users_file", KEY_PATH, offsetof(struct tern_config, users_file),
	  1, CONFIG_PATH_MAX, NULL, NULL, NULL, NULL,
	  "Dovecot passwd-file" },
	{ "mail_root", KEY_PATH, offsetof(struct tern_config, mail_root),
	  1, CONFIG_PATH_MAX, NULL, NULL, NULL, NULL, NULL },
	{ "mail_path", KEY_STRING, offsetof(struct tern_config, mail_path),
	  1, CONFIG_PATH_MAX, NULL, check_mail_path, NULL, NULL,
	  "under mail_root: %d domain, %n local part, %u user@domain" },
	{ "queue_dir", KEY_PATH, offsetof(struct tern_config, queue_dir),
	  1, CONFIG_PATH_MAX, NULL, NULL, NULL, NULL, NULL },
	{ "run_user", KEY_OPT_STRING, offsetof(struct tern_config, run_user),
	  0, 32, NULL, check_word, NULL, NULL,
	  "user to switch to after binding (empty: stay)" },
	{ "log_level", KEY_STRING, offsetof(struct tern_config, log_level),
	  1, 16, NULL, check_log_level, NULL, NULL,
	  "error, warn, info or debug" },
	{ "tls_cert", KEY_PATH, offsetof(struct tern_config, tls_cert),
	  1, CONFIG_PATH_MAX, NULL, NULL, NULL, NULL, "PEM chain" },
	{ "tls_key", KEY_PATH, offsetof(struct tern_config, tls_key),
	  1, CONFIG_PATH_MAX, NULL, NULL, NULL, NULL, "PEM key" },
	{ "plaintext_auth", KEY_ENUM,
	  offsetof(struct tern_config, plaintext_auth),
	  0, 0, plaintext_names, NULL, NULL, NULL,
	  "never, loopback or always: AUTH without TLS" },
	{ "auth_failure_delay_ms", KEY_U32,
	  offsetof(struct tern_config, auth_failure_delay_ms),
	  0, 60000, NULL, NULL, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL },
};

static const struct key_def smtpd_keys[] = {
	{ "listeners", KEY_CUSTOM, 0, 0, 0, NULL, NULL, set_listeners,
	  dump_listeners, NULL },
	{ "max_message_size", KEY_U64,
	  offsetof(struct smtpd_config, max_message_size),
	  1024, UINT64_C(1) << 40, NULL, NULL, NULL, NULL,
	  "bytes (RFC 1870 SIZE)" },
	{ "max_recipients", KEY_U32,
	  offsetof(struct smtpd_config, max_recipients),
	  1, 100000, NULL, NULL, NULL, NULL,
	  "RFC 5321 4.5.3.1.8 asks for at least 100" },
	{ "max_errors", KEY_U32, offsetof(struct smtpd_config, max_errors),
	  1, 1000, NULL, NULL, NULL, NULL, NULL },
	{ "max_line_length", KEY_U32,
	  offsetof(struct smtpd_config, max_line_length),
	  512, 65536, NULL, NULL, NULL, NULL,
	  "command line; RFC 5321 4.5.3.1.4 minimum 512" },
	{ "command_timeout", KEY_U32,
	  offsetof(struct smtpd_config, command_timeout),
	  1, 3600, NULL, NULL, NULL, NULL, "seconds" },
	{ "data_timeout", KEY_U32, offsetof(struct smtpd_config, data_timeout),
	  1, 3600, NULL, NULL, NULL, NULL, "seconds" },
	{ "min_data_rate", KEY_U32,
	  offsetof(struct smtpd_config, min_data_rate),
	  0, 1000000000, NULL, NULL, NULL, NULL,
	  "bytes/s after data_timeout; 0: none" },
	{ "max_sessions", KEY_U32, offsetof(struct smtpd_config, max_sessions),
	  1, 100000, NULL, NULL, NULL, NULL, NULL },
	{ "max_sessions_per_ip", KEY_U32,
	  offsetof(struct smtpd_config, max_sessions_per_ip),
	  1, 100000, NULL, NULL, NULL, NULL, NULL },
	{ "prefork", KEY_U32, offsetof(struct smtpd_config, prefork),
	  0, 1000, NULL, NULL, NULL, NULL,
	  "idle session processes kept ready (0: fork per connection)" },
	{ "max_use", KEY_U32, offsetof(struct smtpd_config, max_use),
	  1, 1000000, NULL, NULL, NULL, NULL,
	  "sessions one process serves before it is replaced" },
	{ "banner", KEY_STRING, offsetof(struct smtpd_config, banner),
	  1, CONFIG_BANNER_MAX, NULL, NULL, NULL, NULL,
	  "text after \"220 <hostname> \"" },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL },
};

static const char *const separator_names[] = { "/", ".", NULL };

static const struct key_def imapd_keys[] = {
	{ "listeners", KEY_CUSTOM, 0, 0, 0, NULL, NULL, set_imap_listeners,
	  dump_imap_listeners, NULL },
	{ "hierarchy_separator", KEY_ENUM,
	  offsetof(struct imapd_config, hierarchy_separator),
	  0, 0, separator_names, NULL, NULL, NULL,
	  "\"/\" or \".\" (Maildir++ on disk uses '.' either way)" },
	{ "max_line_length", KEY_U32,
	  offsetof(struct imapd_config, max_line_length),
	  8192, 16u * 1024 * 1024, NULL, NULL, NULL, NULL,
	  "command line without literals; RFC 7162 4: at least 8192" },
	{ "max_literal_size", KEY_U64,
	  offsetof(struct imapd_config, max_literal_size),
	  1024, UINT64_C(1) << 40, NULL, NULL, NULL, NULL,
	  "bytes: APPENDLIMIT (RFC 7889)" },
	{ "idle_timeout", KEY_U32, offsetof(struct imapd_config, idle_timeout),
	  IMAPD_IDLE_TIMEOUT_MIN, IMAPD_IDLE_TIMEOUT_MAX, NULL, NULL, NULL,
	  NULL, "seconds; RFC 9051 5.4: at least 30 minutes" },
	{ "login_timeout", KEY_U32,
	  offsetof(struct imapd_config, login_timeout),
	  1, 3600, NULL, NULL, NULL, NULL,
	  "seconds to authenticate" },
	{ "max_bad_commands", KEY_U32,
	  offsetof(struct imapd_config, max_bad_commands),
	  1, 1000, NULL, NULL, NULL, NULL, "BYE after this many BAD" },
	{ "max_sessions", KEY_U32, offsetof(struct imapd_config, max_sessions),
	  1, 100000, NULL, NULL, NULL, NULL, NULL },
	{ "max_sessions_per_ip", KEY_U32,
	  offsetof(struct imapd_config, max_sessions_per_ip),
	  1, 100000, NULL, NULL, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL },
};

/* One row per group: a new daemon adds its struct, its keys and a row. */
static const struct group_def groups[] = {
	{ NULL, 0, top_keys },
	{ "smtpd", offsetof(struct tern_config, smtpd), smtpd_keys },
	{ "imapd", offsetof(struct tern_config, imapd), imapd_keys },
};

/* --- loading ----------------------------------------------------------- */

static int
load_root(config_t *lc, struct tern_config *cfg, struct load *ld)
{
	const config_setting_t *root = config_root_setting(lc);
	int i, n = config_setting_length(root);
	size_t g;

	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(root, i);
		const char *name = config_setting_name(s);
		const struct key_def *k;

		for (g = 1; g < N_ELEMENTS(groups); g++) {
			if (strcmp(groups[g].name, name) == 0)
				break;
		}
		if (g < N_ELEMENTS(groups)) {
			if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
				set_error(ld, s, name,
					"must be a group { ... }");
				return -1;
			}
			if (load_group(s, groups[g].keys,
			    (char *)cfg + groups[g].offset, ld, name) < 0)
				return -1;
			continue;
		}
		if ((k = find_key(top_keys, name)) == NULL) {
			set_error(ld, s, name, "unknown setting");
			return -1;
		}
		if (set_key(k, s, cfg, ld, name) < 0)
			return -1;
	}
	return 0;
}

static int
parse_text(const char *name, const char *text, const char *path,
	struct tern_config *cfg, char **error_r)
{
	struct load ld = { name, NULL, error_r };
	config_t lc;
	char *dir = NULL;
	int ret;

	config_init(&lc);
	if (path != NULL) {
		FILE *f = fopen(path, "r");

		if (f == NULL) {
			set_error(&ld, NULL, NULL, "cannot open: %s",
				strerror(errno));
			config_destroy(&lc);
			return -1;
		}
		fclose(f);
		{
			/* @include "x" is taken next to the file */
			const char *slash = strrchr(path, '/');

			dir = slash != NULL ?
				xstrndup(path, (size_t)(slash - path + 1)) :
				xstrdup("./");
			ld.dir = dir;
			config_set_include_dir(&lc, dir);
			ret = config_read_file(&lc, path);
		}
	} else {
		ret = config_read_string(&lc, text);
	}
	if (ret != CONFIG_TRUE) {
		const char *file = config_error_file(&lc);
		struct buf b;

		buf_init(&b, CONFIG_ERROR_MAX);
		if (dir != NULL && file != NULL && file[0] != '/' &&
		    strcmp(file, name) != 0)
			(void)buf_puts(&b, dir);
		(void)buf_appendf(&b, "%s:%d: %s",
			file != NULL ? file : name, config_error_line(&lc),
			config_error_text(&lc) != NULL ?
			config_error_text(&lc) : "cannot read");
		*error_r = xstrdup(buf_str(&b));
		buf_clear(&b);
		config_destroy(&lc);
		free(dir);
		return -1;
	}
	ret = load_root(&lc, cfg, &ld);
	config_destroy(&lc);
	free(dir);
	return ret;
}

/* base + "/" + rel, with "." components and repeated slashes dropped.
 * ".." stays as written: symlinks make lexical folding wrong. */
static char *
path_join(const char *base, const char *rel)
{
	struct buf b;
	struct span parts[2];
	size_t i;

	buf_init(&b, 0);
	parts[0] = span_str(rel[0] == '/' ? "" : base);
	parts[1] = span_str(rel);
	for (i = 0; i < 2; i++) {
		const char *p = parts[i].p, *end = p + parts[i].len;

		while (p < end) {
			const char *q = memchr(p, '/', (size_t)(end - p));
			size_t n;

			if (q == NULL)
				q = end;
			n = (size_t)(q - p);
			if (n > 0 && !(n == 1 && p[0] == '.')) {
				(void)buf_putc(&b, '/');
				(void)buf_append(&b, p, n);
			}
			p = q + (q < end ? 1 : 0);
		}
	}
	if (b.len == 0)
		(void)buf_putc(&b, '/');
	{
		char *r = xstrdup(buf_str(&b));

		buf_clear(&b);
		return r;
	}
}

static int
resolve_paths(struct tern_config *cfg, const char *data_dir,
	char **error_r)
{
	char cwd[PATH_MAX];
	const struct key_def *k;
	char *dd;

	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		struct buf b;

		buf_init(&b, CONFIG_ERROR_MAX);
		(void)buf_appendf(&b, "getcwd: %s", strerror(errno));
		*error_r = xstrdup(buf_str(&b));
		buf_clear(&b);
		return -1;
	}
	dd = path_join(cwd, data_dir != NULL ? data_dir : cfg->data_dir);
	free(cfg->data_dir);
	cfg->data_dir = dd;
	for (k = top_keys; k->name != NULL; k++) {
		char **field;

		if (k->type != KEY_PATH || k->offset ==
		    offsetof(struct tern_config, data_dir))
			continue;
		field = FIELD(cfg, k, char *);
		dd = path_join(cfg->data_dir, *field);
		free(*field);
		*field = dd;
	}
	return 0;
}

static void
resolve_hostname(struct tern_config *cfg)
{
	char host[CONFIG_HOSTNAME_MAX + 2];

	if (cfg->hostname != NULL)
		return;
	if (gethostname(host, sizeof(host)) == 0 &&
	    memchr(host, '\0', sizeof(host)) != NULL &&
	    check_domain(host) == NULL)
		cfg->hostname = xstrdup(host);
	else
		cfg->hostname = xstrdup("localhost");
}

int
config_load(const char *path, const char *data_dir,
	struct tern_config *cfg_r, char **error_r)
{
	struct tern_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	*error_r = NULL;
	if (parse_text(CONFIG_EMBEDDED_NAME, config_embedded_default, NULL,
	    &cfg, error_r) < 0)
		tern_panic("config: the embedded default is broken: %s",
			*error_r);
	if (path != NULL &&
	    parse_text(path, NULL, path, &cfg, error_r) < 0) {
		config_clear(&cfg);
		return -1;
	}
	cfg.file = xstrdup(path != NULL ? path : CONFIG_EMBEDDED_NAME);
	if (data_dir != NULL && *data_dir == '\0')
		data_dir = NULL;
	if (resolve_paths(&cfg, data_dir, error_r) < 0) {
		config_clear(&cfg);
		return -1;
	}
	resolve_hostname(&cfg);
	*cfg_r = cfg;
	return 0;
}

static void
clear_keys(const struct key_def *keys, void *base)
{
	const struct key_def *k;

	for (k = keys; k->name != NULL; k++) {
		if (k->type == KEY_STRING || k->type == KEY_OPT_STRING ||
		    k->type == KEY_PATH) {
			free(*FIELD(base, k, char *));
			*FIELD(base, k, char *) = NULL;
		}
	}
}

void
config_clear(struct tern_config *cfg)
{
	size_t g;

	if (cfg == NULL)
		return;
	for (g = 0; g < N_ELEMENTS(groups); g++)
		clear_keys(groups[g].keys, (char *)cfg + groups[g].offset);
	free_strings(cfg->domains, cfg->n_domains);
	free_listeners(cfg->smtpd.listeners, cfg->smtpd.n_listeners);
	free_listeners(cfg->imapd.listeners, cfg->imapd.n_listeners);
	free(cfg->file);
	memset(cfg, 0, sizeof(*cfg));
}

/* --- dump -------------------------------------------------------------- */

static void
dump_keys(const struct key_def *keys, const void *base, FILE *out,
	int indent)
{
	const struct key_def *k;

	for (k = keys; k->name != NULL; k++) {
		if (k->type == KEY_CUSTOM) {
			k->dump(k, base, out, indent);
			continue;
		}
		fprintf(out, "%*s%s = ", indent, "", k->name);
		switch (k->type) {
		case KEY_STRING:
		case KEY_OPT_STRING:
		case KEY_PATH:
			dump_string(out, *CFIELD(base, k, char *));
			break;
		case KEY_U16:
			fprintf(out, "%u", (unsigned)*CFIELD(base, k,
				uint16_t));
			break;
		case KEY_U32:
			fprintf(out, "%u", (unsigned)*CFIELD(base, k,
				uint32_t));
			break;
		case KEY_U64:
			fprintf(out, "%lluL", (unsigned long long)*CFIELD(base,
				k, uint64_t));
			break;
		case KEY_BOOL:
			fputs(*CFIELD(base, k, bool) ? "true" : "false", out);
			break;
		case KEY_ENUM:
			dump_string(out, k->names[*CFIELD(base, k, int)]);
			break;
		case KEY_CUSTOM:
			break;
		}
		fputc(';', out);
		if (k->comment != NULL && keys != listener_keys &&
		    keys != imap_listener_keys)
			fprintf(out, "\t# %s", k->comment);
		fputc('\n', out);
	}
}

void
config_dump(const struct tern_config *cfg, FILE *out)
{
	size_t g;

	fprintf(out, "# tern effective configuration, from %s\n", cfg->file);
	for (g = 0; g < N_ELEMENTS(groups); g++) {
		const void *base = (const char *)cfg + groups[g].offset;

		if (groups[g].name == NULL) {
			dump_keys(groups[g].keys, base, out, 0);
			continue;
		}
		fprintf(out, "\n%s = {\n", groups[g].name);
		dump_keys(groups[g].keys, base, out, 2);
		fputs("};\n", out);
	}
}

/* --- lookups ----------------------------------------------------------- */

char
config_imap_separator(const struct imapd_config *ic)
{
	return ic->hierarchy_separator == IMAP_SEP_DOT ? '.' : '/';
}

bool
config_is_local_domain(const struct tern_config *cfg, const char *domain)
{
	size_t i;

	for (i = 0; i < cfg->n_domains; i++) {
		if (span_eq_ci(span_str(domain), cfg->domains[i]))
			return true;
	}
	return false;
}

/* A local part or domain that is safe as one path component. */
static bool
safe_component(struct span s)
{
	size_t i;

	if (s.len == 0 || s.p[0] == '.')
		return false;	/* also Maildir++ folders start with '.' */
	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (c < 0x20 || c == 0x7f || c == '/')
			return false;
		if (c == '.' && i + 1 < s.len && s.p[i + 1] == '.')
			return false;
	}
	return true;
}

int
config_maildir_path(const struct tern_config *cfg, const char *user,
	char *out, size_t size)
{
	struct span local, domain;
	struct buf b;
	const char *p, *at;
	char *addr;
	int ret = -1;

	/* the address is lowercased, the template is used as written */
	addr = xstrdup(user);
	str_lower(addr);
	buf_init(&b, size > 0 ? size - 1 : 1);
	if ((at = strrchr(addr, '@')) == NULL)
		goto out;
	local = span_make(addr, (size_t)(at - addr));
	domain = span_str(at + 1);
	if (!safe_component(local) || !safe_component(domain))
		goto out;
	if (buf_puts(&b, cfg->mail_root) < 0 || buf_putc(&b, '/') < 0)
		goto out;
	for (p = cfg->mail_path; *p != '\0'; p++) {
		int r;

		if (*p != '%') {
			r = buf_putc(&b, *p);
		} else {
			p++;
			if (*p == 'd')
				r = buf_append_span(&b, domain);
			else if (*p == 'n')
				r = buf_append_span(&b, local);
			else if (*p == 'u')
				r = buf_puts(&b, addr);
			else if (*p == '%')
				r = buf_putc(&b, '%');
			else
				goto out;	/* refused at load time */
		}
		if (r < 0)
			goto out;
	}
	if (size == 0 || b.len >= size)
		goto out;
	memcpy(out, buf_str(&b), b.len + 1);
	ret = 0;
out:
	buf_clear(&b);
	free(addr);
	return ret;
}
