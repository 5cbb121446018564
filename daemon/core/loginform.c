/*
 * loginform.c: the login form's body and the session cookie (loginform.h),
 * moved out of httpd_login.c so that a harness reaches them.
 */
#include <stdio.h>
#include <string.h>

#include "loginform.h"
#include "url.h"

/* Decode application/x-www-form-urlencoded s[0..n) in place ('+' a blank). Returns 0 or -1. */
static int
loginform_decode(char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			s[o++] = ' ';
		} else if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= n || (hi = url_hexval((unsigned char)s[i + 1])) < 0 ||
			    (lo = url_hexval((unsigned char)s[i + 2])) < 0)
				return -1;
			s[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			s[o++] = s[i];
		}
	}
	s[o] = '\0';
	return 0;
}

/* A field's name for an error line: printable ASCII, at most 60 bytes (others '?'). */
static const char *
loginform_shown(const char *s, char out[64])
{
	size_t o = 0;

	for (; *s != '\0' && o < 60; s++)
		out[o++] = *s >= 0x20 && *s < 0x7f ? *s : '?';
	out[o] = '\0';
	return out;
}

int
loginform_parse(char *buf, struct loginform *f, char *err, size_t errsz)
{
	char *p = buf;

	memset(f, 0, sizeof(*f));
	while (p != NULL && *p != '\0') {
		char *amp = strchr(p, '&'), *eq;

		if (amp != NULL)
			*amp = '\0';
		if ((eq = strchr(p, '=')) == NULL) {
			snprintf(err, errsz, "a field without '=' in the form");
			return -1;
		}
		*eq = '\0';
		if (loginform_decode(p, strlen(p)) < 0 ||
		    loginform_decode(eq + 1, strlen(eq + 1)) < 0) {
			snprintf(err, errsz, "a malformed %%-escape in the form");
			return -1;
		}
		if (strcmp(p, "token") == 0 && f->token == NULL) {
			f->token = eq + 1;
		} else if (strcmp(p, "next") == 0 && f->next == NULL) {
			f->next = eq + 1;
		} else {
			char shown[64];

			/* decoded stranger bytes: a newline would break the line */
			snprintf(err, errsz, "unknown or repeated field '%s'",
			         loginform_shown(p, shown));
			return -1;
		}
		p = amp != NULL ? amp + 1 : NULL;
	}
	return 0;
}

int
loginform_cookie(const char *c, unsigned char id[LOGINFORM_ID])
{
	const size_t nl = strlen(LOGINFORM_COOKIE);

	while (c != NULL && *c != '\0') {
		while (*c == ' ' || *c == ';')
			c++;
		if (strncmp(c, LOGINFORM_COOKIE, nl) == 0 && c[nl] == '=') {
			const char *v = c + nl + 1;

			/* a NUL stops the digits: hexval('\0') is -1, nothing read past it */
			for (size_t i = 0; i < LOGINFORM_ID; i++) {
				int hi = url_hexval((unsigned char)v[2 * i]), lo;

				if (hi < 0 || (lo = url_hexval((unsigned char)v[2 * i + 1])) < 0)
					return -1;
				id[i] = (unsigned char)(hi << 4 | lo);
			}
			return v[2 * LOGINFORM_ID] == '\0' || v[2 * LOGINFORM_ID] == ';' ||
			               v[2 * LOGINFORM_ID] == ' '
			           ? 0
			           : -1;
		}
		c = strchr(c, ';');
	}
	return -1;
}
