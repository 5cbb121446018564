/*
 * page_login.h: the login page of harkd's HTTP server (HTTP.md: "a session
 * cookie obtained at /login by posting the token") and the check of where
 * it sends the browser afterwards. Pure: data in, bytes out.
 */
#ifndef HARK_PAGE_LOGIN_H
#define HARK_PAGE_LOGIN_H

#include "page.h"

/* The longest next= kept (a page's path and query): longer ones go to "/". */
#define PAGE_LOGIN_NEXT_MAX 1024

/*
 * Whether next may be where a login sends the browser: a path of this
 * server, beginning with exactly one "/" (not "//" nor "/\", which browsers
 * read as another host), printable ASCII only (no blank, no control, no
 * byte >= 0x7F: it goes into a Location header), shorter than
 * PAGE_LOGIN_NEXT_MAX. NULL is refused.
 */
int page_login_next_ok(const char *next);

/*
 * The login page, a whole document: a form POSTing a password field named
 * "token" to /login, with next (when page_login_next_ok) in a hidden field;
 * message (NULL: none) one line above it, in role="alert".
 */
void page_login(struct page *pg, const char *next, const char *message);

#endif
