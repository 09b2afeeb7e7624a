/* SPDX-License-Identifier: MIT */
/* Fuzz mailcli's account file and .netrc parsers: the input is parsed as
 * an accounts file (any account, then the default) and as a .netrc; a
 * found account must have a name, a found password must be a string. */
#include <string.h>
#include "fuzz.h"
#include "account.h"
#include "mailcli.h"

/* libconfig 1.5 leaks on some syntax errors (see fuzz_config.c). */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:strbuf_append\nleak:libconfig_yylex\n";
}

void
mc_error(const char *fmt, ...)
{
	(void)fmt;
}

void
mc_warn(const char *fmt, ...)
{
	(void)fmt;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mc_account *a = NULL;
	char *text, *error = NULL, *pw = NULL;
	const char *nerror = NULL;
	bool has_password;
	int ret;

	text = malloc(size + 1);
	FUZZ_ASSERT(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	ret = account_parse(text, "fuzz", "/d", size > 0 && data[0] == 'a' ?
		"a" : NULL, &a, &has_password, &error);
	FUZZ_ASSERT((ret == EX_OK) == (a != NULL));
	FUZZ_ASSERT((ret == EX_OK) == (error == NULL));
	if (a != NULL)
		FUZZ_ASSERT(a->name != NULL && a->name[0] != '\0');
	mc_account_free(&a);
	free(error);

	ret = netrc_lookup(text, size, "host", size > 1 && data[1] == 'u' ?
		"user" : NULL, &pw, &nerror);
	FUZZ_ASSERT(ret >= -1 && ret <= 1);
	FUZZ_ASSERT(ret < 0 ? nerror != NULL : true);
	FUZZ_ASSERT(pw == NULL || ret == 1);
	free(pw);
	free(text);
	return 0;
}
