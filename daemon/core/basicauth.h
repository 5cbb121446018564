/*
 * basicauth.h: the credentials of "Authorization: Basic" (RFC 7617), the
 * one way of authenticating every feed reader offers. Pure: no I/O.
 */
#ifndef HARK_BASICAUTH_H
#define HARK_BASICAUTH_H

#include <stddef.h>

/*
 * The password of an Authorization header's value, "Basic" then blanks
 * then base64 of "user:password" (the scheme's name in any case; blanks
 * after the base64 ignored). The user name, which cannot hold a ':', is
 * skipped: harkd has no users, only the token. Decodes into buf (bufsz
 * bytes; the caller wipes it) and points *pass into it, NUL-terminated.
 * Returns the password's length, or -1 when value is not Basic, not
 * base64, holds no ':' or does not fit in buf.
 */
long basicauth_password(const char *value, char *buf, size_t bufsz, const char **pass);

#endif
