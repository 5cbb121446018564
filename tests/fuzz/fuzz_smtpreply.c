/*
 * fuzz_smtpreply.c: libFuzzer harness for smtpreply.c. The input is a
 * session: a line starting with '>' is a command sent (the rest of it),
 * any other a read of reply lines; the whole input is also read as one
 * reply. Checked with abort(): every record NUL-terminated inside its
 * buffer, without a control byte; a failure line starts with a code of 400
 * or more; a 4xx recipient is listed; DATA sent only when a DATA was.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpreply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_str(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	if (n == cap)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20)
			abort();
}

static void
check(const struct smtpreply *t, int data_seen)
{
	check_str(t->cmd, sizeof(t->cmd));
	check_str(t->cmd_rcpt, sizeof(t->cmd_rcpt));
	check_str(t->fail, sizeof(t->fail));
	check_str(t->rcpt_refused, sizeof(t->rcpt_refused));
	if (t->fail[0] != '\0' && (t->fail[0] < '4' || t->fail[0] > '9'))
		abort();
	if (t->rcpt_temporary && t->rcpt_refused[0] == '\0')
		abort();
	if (t->data_sent && !data_seen)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct smtpreply t;
	size_t i = 0, k;
	int data_seen = 0;

	memset(&t, 0, sizeof(t));
	while (i < size) {
		for (k = i; k < size && s[k] != '\n'; k++)
			;
		if (s[i] == '>') {
			smtpreply_sent(&t, s + i + 1, k - i - 1);
			data_seen |= k - i - 1 >= 4 && strncasecmp(s + i + 1, "DATA", 4) == 0;
		} else
			smtpreply_read(&t, s + i, k < size ? k - i + 1 : k - i);
		check(&t, data_seen);
		i = k + 1;
	}
	memset(&t, 0, sizeof(t));
	smtpreply_read(&t, s, size);
	check(&t, 0);
	return 0;
}
