/*
 * smtpreply.h: an SMTP session as libcurl's debug callback shows it (the
 * commands sent, the replies read), each final reply paired with its
 * command: a RCPT's refusal names its recipient, and a failure is told by
 * the line of the command refused (MAIL, DATA, the message's end, AUTH),
 * not by the QUIT's 221 after it. Pure: bytes in, values out.
 */
#ifndef HARK_SMTPREPLY_H
#define HARK_SMTPREPLY_H

#include <stddef.h>

#define SMTPREPLY_LINE 512
#define SMTPREPLY_REFUSED 768

struct smtpreply {
	char cmd[8];        /* the verb of the last command sent, upper case */
	char cmd_rcpt[300]; /* its <address> when it was RCPT */
	/* the reply to the first refused command but RCPT, EHLO, QUIT, or "" */
	char fail[SMTPREPLY_LINE];
	/* "<a> 550 ...; <b> 451 ..." the recipients refused, or "" (cut when long) */
	char rcpt_refused[SMTPREPLY_REFUSED];
	int rcpt_temporary; /* one of them was refused with a 4xx */
	int data_sent;      /* DATA was sent: some recipient was taken */
};

/*
 * A command sent, s[0..n) (CR LF included or not). Only its verb and a
 * RCPT's <address> are kept: an AUTH line holds the password.
 */
void smtpreply_sent(struct smtpreply *t, const char *s, size_t n);
/* Reply lines read, s[0..n): one or more, each ended by LF or by n. */
void smtpreply_read(struct smtpreply *t, const char *s, size_t n);

/*
 * A line as the records keep it, in dst (dstsz > 0, always terminated): CR
 * and LF dropped, every other control byte a space (the log's quoting does
 * the rest), cut at dstsz - 1 bytes.
 */
void smtpreply_line(char *dst, size_t dstsz, const char *src, size_t n);

#endif
