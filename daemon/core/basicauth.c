/*
 * basicauth.c: the password of "Authorization: Basic" credentials
 * (RFC 7617). harkd takes the token as the password of any user, so that
 * a feed reader, which can send a user and a password but no Bearer
 * header, can read a feed behind token_file.
 */
#include <string.h>
#include <strings.h>

#include "basicauth.h"
#include "whsig.h"

long
basicauth_password(const char *value, char *buf, size_t bufsz, const char **pass)
{
	const char *b, *colon;
	size_t len;
	long n;

	if (strncasecmp(value, "Basic", 5) != 0 || (value[5] != ' ' && value[5] != '\t'))
		return -1;
	for (b = value + 5; *b == ' ' || *b == '\t'; b++)
		;
	len = strlen(b);
	while (len > 0 && (b[len - 1] == ' ' || b[len - 1] == '\t'))
		len--;
	/* room for the NUL after the decoded bytes */
	if (len == 0 || bufsz == 0 ||
	    (n = base64_decode(b, len, (unsigned char *)buf, bufsz - 1)) < 0)
		return -1;
	buf[n] = '\0';
	/* the first ':' ends the user name; the password may hold more */
	if ((colon = memchr(buf, ':', (size_t)n)) == NULL)
		return -1;
	*pass = colon + 1;
	return n - (long)(colon + 1 - buf);
}
