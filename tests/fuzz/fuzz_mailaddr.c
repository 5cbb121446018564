/*
 * fuzz_mailaddr.c: libFuzzer harness for mailaddr.c. The input goes whole
 * to mailaddr_parse() and mailaddr_list_parse(). What is taken must be
 * safe in a header and in the SMTP envelope: the spec has exactly one '@'
 * outside quotes before the domain, no control byte, no '<' '>' or line
 * break, stays within its limits; the display name has no control byte.
 * Parsing "<spec>" again gives the same spec. Violations abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailaddr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct mailaddr *a)
{
	struct mailaddr b;
	char why[160], wrapped[MAILADDR_SPEC_MAX + 3];
	size_t n = strlen(a->spec);

	if (n == 0 || n > MAILADDR_SPEC_MAX || a->domain == 0 || a->domain >= n ||
	    a->spec[a->domain - 1] != '@')
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)a->spec[i] < 0x20 || (unsigned char)a->spec[i] >= 0x7f ||
		    a->spec[i] == '<' || a->spec[i] == '>')
			abort();
	if (strchr(a->spec + a->domain, '@') != NULL)
		abort();
	for (const char *q = a->display; *q != '\0'; q++)
		if ((unsigned char)*q < 0x20 && *q != '\t')
			abort();
	if (strlen(a->display) > MAILADDR_DISPLAY_MAX)
		abort();
	snprintf(wrapped, sizeof(wrapped), "<%s>", a->spec);
	if (mailaddr_parse(wrapped, strlen(wrapped), &b, why, sizeof(why)) != 0 ||
	    strcmp(b.spec, a->spec) != 0 || b.domain != a->domain)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mailaddr a, *list;
	char why[200], *s;
	int n;

	if (mailaddr_parse((const char *)data, size, &a, why, sizeof(why)) == 0)
		check(&a);
	else if (memchr(why, '\n', strlen(why)) != NULL)
		abort();
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if ((n = mailaddr_list_parse(s, &list, why, sizeof(why))) >= 0) {
		if (n < 1 || n > MAILADDR_LIST_MAX)
			abort();
		for (int i = 0; i < n; i++)
			check(&list[i]);
		free(list);
	}
	free(s);
	return 0;
}
