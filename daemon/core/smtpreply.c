/* smtpreply.c: an SMTP session's replies paired with their commands (smtpreply.h). */
#include <ctype.h>
#include <string.h>

#include "smtpreply.h"

void
smtpreply_line(char *dst, size_t dstsz, const char *src, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k + 1 < dstsz; i++)
		if (src[i] != '\r' && src[i] != '\n')
			dst[k++] = (unsigned char)src[i] < 0x20 ? ' ' : src[i];
	dst[k] = '\0';
}

void
smtpreply_sent(struct smtpreply *t, const char *s, size_t n)
{
	size_t k, a, b;

	for (k = 0; k + 1 < sizeof(t->cmd) && k < n && isalpha((unsigned char)s[k]); k++)
		t->cmd[k] = (char)toupper((unsigned char)s[k]);
	t->cmd[k] = '\0';
	t->cmd_rcpt[0] = '\0';
	if (strcmp(t->cmd, "DATA") == 0)
		t->data_sent = 1;
	if (strcmp(t->cmd, "RCPT") != 0)
		return;
	for (a = 0; a < n && s[a] != '<'; a++)
		;
	for (b = a; b < n && s[b] != '>'; b++)
		;
	if (b < n)
		smtpreply_line(t->cmd_rcpt, sizeof(t->cmd_rcpt), s + a, b - a + 1);
}

/* src appended to dst[0..*len), cut to fit cap, kept terminated. */
static void
append(char *dst, size_t cap, size_t *len, const char *src)
{
	size_t n = strlen(src);

	if (n > cap - 1 - *len)
		n = cap - 1 - *len;
	memcpy(dst + *len, src, n);
	*len += n;
	dst[*len] = '\0';
}

/* One final reply line (NNN SP..., or NNN alone) to the command t->cmd. */
static void
reply_final(struct smtpreply *t, const char *line, size_t n)
{
	int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	char text[SMTPREPLY_LINE];
	size_t len;

	if (code < 400)
		return;
	smtpreply_line(text, sizeof(text), line, n);
	if (strcmp(t->cmd, "RCPT") == 0) {
		/* the others may still take it (CURLOPT_MAIL_RCPT_ALLOWFAILS) */
		len = strlen(t->rcpt_refused);
		if (len > 0)
			append(t->rcpt_refused, sizeof(t->rcpt_refused), &len, "; ");
		append(t->rcpt_refused, sizeof(t->rcpt_refused), &len, t->cmd_rcpt);
		append(t->rcpt_refused, sizeof(t->rcpt_refused), &len, " ");
		append(t->rcpt_refused, sizeof(t->rcpt_refused), &len, text);
		if (code < 500)
			t->rcpt_temporary = 1;
	} else if (strcmp(t->cmd, "QUIT") != 0 && strcmp(t->cmd, "EHLO") != 0 &&
	           t->fail[0] == '\0') {
		/* MAIL, DATA, the message's end (still "DATA"), AUTH, STARTTLS... */
		memcpy(t->fail, text, sizeof(text));
	}
}

void
smtpreply_read(struct smtpreply *t, const char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		for (k = i; k < n && s[k] != '\n'; k++)
			;
		/* a continuation line (NNN-) is not the reply's last */
		if (k - i >= 3 && isdigit((unsigned char)s[i]) &&
		    isdigit((unsigned char)s[i + 1]) && isdigit((unsigned char)s[i + 2]) &&
		    (k - i == 3 || s[i + 3] != '-'))
			reply_final(t, s + i, k - i);
		i = k + 1;
	}
}
