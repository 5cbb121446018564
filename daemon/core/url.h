/* url.h: article identity by address. */
#ifndef HARK_URL_H
#define HARK_URL_H

/*
 * The canonical form of an absolute http(s) URL: scheme and host in lower
 * case, default port, fragment and empty query dropped, tracking parameters
 * (utm_*, fbclid, gclid, dclid, msclkid, mc_cid, mc_eid, igshid, _ga, ref_src...)
 * removed, percent-escapes of unreserved characters decoded, AMP forms
 * mapped where obvious (/amp/ path segment, ?amp=1, .amp.html, amp. host
 * prefix). Returns a malloc'd string, or NULL when url is not an absolute
 * http(s) URL.
 */
/* The value of the hex digit c, or -1. */
int url_hexval(unsigned char c);
char *url_canonical(const char *url);

/*
 * Whether u is an http or https address ("HTTPS://x" too, blanks before it
 * allowed): the only kind an article keeps as its address, since a
 * "javascript:" or "data:" link from a feed would be clicked in a chat
 * message, an email or a page.
 */
int url_is_web(const char *u);

/* ref resolved against base (RFC 3986); a malloc'd string, or NULL. base may be NULL. */
char *url_resolve(const char *base, const char *ref);

/*
 * The address of an article's stored copy, base_url + "/articles/" + id
 * (base_url's trailing slashes dropped): the link of emails and chat
 * alerts. NULL when either is NULL or empty, the id is not of the letters,
 * digits, _ and - that hark's ids are made of, or out of memory. Caller
 * frees.
 */
char *url_stored(const char *base_url, const char *article_id);

#endif
