/*
 * html.h: the text a reader sees in an HTML page, with libxml2's HTML
 * parser. Input is UTF-8 (charset.h converted it; a <meta charset> inside is
 * ignored). No network, no external entities.
 */
#ifndef HARK_HTML_H
#define HARK_HTML_H

#include <stddef.h>
#include <stdint.h>

#include "article.h"

/*
 * Fill a from a whole page: title (<title>, else og:title, else the first
 * <h1>), body (the visible text; <article> or <main> preferred when present,
 * nav/header/footer/aside then dropped), summary (og:description or meta
 * description), url (<link rel=canonical>, else og:url), published
 * (article:published_time, as found), lang (<html lang>). Dropped: script,
 * style, noscript, template, svg, comments, head, attribute values (alt
 * too). Inline elements join text without a break; block elements, <br>
 * and table cells break. A page nested deeper than libxml2 parses in one go
 * is read in pieces: all its text is kept, and warn (else "") says that the
 * elements open at a cut were not reopened after it. Returns 0, or -1 with
 * a one-line reason in err.
 */
int html_extract(const char *utf8, size_t len, struct article *a, char *warn, size_t warnsz,
                 char *err, size_t errsz);

/*
 * The visible text of an HTML fragment (a feed item's content, a front
 * matter body), same rules, no <head> handling, all the text of a deep one
 * too. Returns a malloc'd string owned by the caller and its length, or
 * NULL when out of memory.
 */
char *html_to_text(const char *utf8, size_t len, size_t *outlen);

/*
 * Is name[0..n) one of the references the WHATWG reads without its ';'
 * ("caf&eacute au lait", "5 &lt 6"): the names HTML 3.2 knew, the Latin-1
 * letters and signs, amp, lt, gt, quot and the capitals AMP, COPY, GT, LT,
 * QUOT, REG? Returns 1 with its character in *cp, else 0.
 */
int html_legacy_entity(const char *name, size_t n, uint32_t *cp);

/* Does text look like markup (a known tag or an entity) rather than plain text? */
int html_sniff(const char *s, size_t len);

/*
 * Is text unmistakably an HTML document: after a byte order mark, white
 * space, comments and an XML declaration, does it open with "<!DOCTYPE
 * html", "<html", "<head" or "<body" (any case, then a blank, '>' or '/')?
 * The test for a file named as plain text (.txt), which is read as text
 * otherwise, however many tags it holds ("<BREAKING> Okafor freed"), as
 * file(1) and the WHATWG's sniffing of text/plain keep text text.
 */
int html_sniff_document(const char *s, size_t len);

#endif
