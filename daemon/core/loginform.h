/*
 * loginform.h: what a browser sends to log in (HTTP.md): the body of POST
 * /login (application/x-www-form-urlencoded: token and next) and the
 * session cookie of later requests. Stranger bytes both: pure parsers,
 * bytes in, values out; httpd_login.c does the rest.
 */
#ifndef HARK_LOGINFORM_H
#define HARK_LOGINFORM_H

#include <stddef.h>

#define LOGINFORM_ID 32                 /* bytes of a session id (64 hex digits) */
#define LOGINFORM_COOKIE "hark_session" /* the cookie's name */

/* The form's fields: token and next (each NULL when absent), pointing into the body. */
struct loginform {
	const char *token, *next;
};

/*
 * Split and decode the body buf (NUL-terminated, modified in place: '+' a
 * blank, %XX a byte) into f. Returns 0, or -1 with the cause in err, one
 * line of printable ASCII (a field without '=', a malformed escape, a
 * field not token or next, one given twice: its name, other bytes '?').
 */
int loginform_parse(char *buf, struct loginform *f, char *err, size_t errsz);

/*
 * The session id of a Cookie header's value (NULL: no header) into id:
 * the first LOGINFORM_COOKIE=, exactly 64 hex digits up to ';', ' ' or the
 * end. Returns 0, or -1 when there is none or it is malformed.
 */
int loginform_cookie(const char *header, unsigned char id[LOGINFORM_ID]);

#endif
