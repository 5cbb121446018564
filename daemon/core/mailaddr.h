/*
 * mailaddr.h: the mail addresses of an [email] destination (from, to),
 * RFC 5322 §3.4: an addr-spec (local-part "@" domain), alone or after a
 * display name in angle brackets ("hark <hark@example.org>"). Pure: text
 * in, values out. What it takes is safe to write into a header and to
 * give to the SMTP envelope: no control character, no line break, no
 * comment, no obsolete syntax, no group.
 */
#ifndef HARK_MAILADDR_H
#define HARK_MAILADDR_H

#include <stddef.h>

#define MAILADDR_SPEC_MAX 254    /* RFC 5321 §4.5.3.1.3: a path of 256 with <> */
#define MAILADDR_LOCAL_MAX 64    /* RFC 5321 §4.5.3.1.1 */
#define MAILADDR_DISPLAY_MAX 200 /* bytes of UTF-8 */
#define MAILADDR_LIST_MAX 100    /* recipients of one destination */

struct mailaddr {
	/* the display name, unquoted and unescaped (UTF-8, may be ""); mail.c encodes it */
	char display[MAILADDR_DISPLAY_MAX + 1];
	/* the addr-spec as it goes into MAIL FROM / RCPT TO between < > */
	char spec[MAILADDR_SPEC_MAX + 1];
	size_t domain; /* offset of the domain in spec (after the '@') */
};

/*
 * One address: s[0..n), blanks around it ignored. Returns 0 with *out, or
 * -1 with a one-line reason in why ("has no '@'", "the domain ...").
 */
int mailaddr_parse(const char *s, size_t n, struct mailaddr *out, char *why, size_t whysz);

/*
 * A comma-separated list of addresses (a comma inside a quoted display
 * name does not separate). Returns how many (at least 1, at most
 * MAILADDR_LIST_MAX) with *out (caller frees), or -1 with why naming the
 * address at fault.
 */
int mailaddr_list_parse(const char *s, struct mailaddr **out, char *why, size_t whysz);

#endif
