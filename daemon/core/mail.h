/*
 * mail.h: the messages an [email] destination receives, as the bytes given
 * to SMTP DATA (RFC 5322, MIME): pure functions of the stored hit objects
 * and the destination, golden-tested. Every line ends in CRLF, no line is
 * longer than 78 characters (headers) or 76 (bodies), no byte of article
 * text reaches a header unencoded: the subject is cleaned (line breaks,
 * controls, bidi controls and zero-width characters removed) and written as
 * RFC 2047 encoded words when it is not plain ASCII; the bodies are UTF-8 in
 * quoted-printable or base64.
 */
#ifndef HARK_MAIL_H
#define HARK_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "mailaddr.h"

/* Who sends to whom: borrowed from the caller. */
struct mail_dest {
	const char *name; /* the destination's name: List-Id, Message-ID */
	const struct mailaddr *from;
	const struct mailaddr *to;
	size_t nto;
	const char *base_url; /* [http] base_url: links to the stored copies; NULL: none */
};

/*
 * The message of one hit (hit_json: the hit object as stored): Subject
 * "[hark] RULE NAME: ARTICLE TITLE", multipart/alternative with text/plain
 * (the snippet's matches between [ and ]) and text/html (in <mark>), the
 * article's link, source, language and time. Message-ID
 * <HIT.DEST@FROM-DOMAIN>: the same on every attempt. now: the Date header
 * (Unix seconds, written in UTC). Returns the message (caller frees) or
 * NULL with a one-line reason in err.
 */
char *mail_render_hit(const struct mail_dest *d, const char *hit_json, int64_t now, char *err,
                      size_t errsz);

/* A rule of a digest: its hits in the period. Borrowed. */
struct mail_digest_rule {
	const char *id, *name; /* name: NULL or "" when none */
	size_t count;
};

/* One digest: the hits of a destination's period. Borrowed. */
struct mail_digest {
	int64_t start, end; /* the period, Unix seconds (end: when it was cut by SIGUSR1) */
	const char *const
	    *hits; /* the hit objects listed, newest first (at most MAIL_DIGEST_MAX) */
	size_t nhits;
	const struct mail_digest_rule *rules; /* every rule of the period, most hits first */
	size_t nrules;
	size_t total;   /* hits of the period (more than nhits: "and N more") */
	const char *id; /* the stable part of the Message-ID ([A-Za-z0-9.-]) */
};

#define MAIL_DIGEST_MAX 200

/*
 * The digest message: Subject "[hark] 37 hits: assad (12), sanctions-ar
 * (9), ..." (rule ids, most hits first), the hits grouped by rule (name
 * and count as headings) in the order of rules, newest first within each;
 * "and N more" when total > nhits, linked to the hits page of the period
 * when base_url is set. Message-ID <ID.DEST@FROM-DOMAIN>. Returns the
 * message (caller frees) or NULL with err.
 */
char *mail_render_digest(const struct mail_dest *d, const struct mail_digest *g, int64_t now,
                         char *err, size_t errsz);

/*
 * One header field "Name: value" with its CRLF, folded at 78: value is
 * UTF-8 text, cleaned as a subject is and written as is when it is plain
 * printable ASCII without "=?", else as B encoded words. Caller frees;
 * NULL when out of memory. For tests and for mail.c's own headers.
 */
char *mail_header_text(const char *name, const char *value);

/*
 * Text of an article for a header: every C0 and C1 control, DEL, line and
 * paragraph separator made a space; bidi controls (U+200E U+200F U+061C
 * U+202A-U+202E U+2066-U+2069), zero-width characters (U+200B-U+200D
 * U+2060 U+FEFF) removed; invalid UTF-8 made U+FFFD; runs of spaces made
 * one, none at either end; at most max bytes (cut on a character, "…"
 * added). Caller frees; NULL when out of memory.
 */
char *mail_clean(const char *s, size_t len, size_t max);

#endif
