/*
 * mail.c: the messages of the [email] destinations (mail.h).
 *
 * Built in page.h's growable buffer: the HTML part through page.c's
 * escaping (page_text, page_link, page_marked), everything else raw but
 * only from cleaned or encoded text. Headers: article text goes through
 * mail_clean() and then into RFC 2047 encoded words unless it is plain
 * ASCII; addresses come from mailaddr.c, which takes no control byte.
 * Bodies: UTF-8, quoted-printable (mostly ASCII) or base64 (mostly not),
 * so that no line of the message is long, no CR or LF stands alone, and no
 * line is "." (SMTP's end of data) whatever the article says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "mail.h"
#include "page.h"
#include "sha256.h"
#include "url.h"
#include "utf8.h"

#define MAIL_SUBJECT_MAX 300 /* bytes of the cleaned subject */
#define MAIL_TEXT_MAX 2000   /* bytes of a title, source... in the bodies */
#define HDR_LINE 78
#define BODY_LINE 76
/* bytes of UTF-8 per B encoded word: "=?UTF-8?B?" + 56 + "?=" fits after "Subject: " */
#define EW_BYTES 42

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Removed from header text: they reorder or hide what a reader sees. */
static int
invisible(uint32_t cp)
{
	return cp == 0x200E || cp == 0x200F || cp == 0x061C || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069) || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 ||
	       cp == 0xFEFF;
}

static int
blank_cp(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0xA0;
}

/*
 * s[0..len) appended cleaned: controls made spaces, the invisible ones and
 * the noncharacters dropped, invalid UTF-8 made U+FFFD. collapse: runs of blanks made one
 * space, none at either end (a header); else every blank kept (a body).
 */
static void
clean_append(struct page *pg, const char *s, size_t len, int collapse)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, start = pg->n;
	int space = 0;

	while (s != NULL && i < len) {
		uint32_t cp;
		size_t k = utf8_decode(u + i, len - i, &cp);
		char enc[4];

		i += k;
		if (invisible(cp) ||
		    utf8_nonchar(cp)) /* as the HTML part and the pages drop them */
			continue;
		if (cp == ' ' || blank_cp(cp)) {
			if (!collapse)
				page_rawn(pg, " ", 1);
			space = pg->n > start;
			continue;
		}
		if (space && collapse)
			page_rawn(pg, " ", 1);
		space = 0;
		page_rawn(pg, enc, utf8_encode(cp, enc));
	}
}

char *
mail_clean(const char *s, size_t len, size_t max)
{
	struct page pg;
	size_t out;
	char *r;

	page_init(&pg);
	clean_append(&pg, s, len, 1);
	if (pg.oom) {
		page_free(&pg);
		return NULL;
	}
	if (pg.p != NULL && pg.n > max) {
		/* cut on a character, room for the ellipsis */
		out = utf8_floor(pg.p, max > 3 ? max - 3 : 0);
		while (out > 0 && pg.p[out - 1] == ' ')
			out--;
		pg.n = out;
		pg.p[out] = '\0';
		page_raw(&pg, "\xe2\x80\xa6");
	}
	r = page_take(&pg, &out);
	return r;
}

/* ---- headers ---- */

/* The header being written: the length of its current line, for folding. */
struct hdr {
	struct page *pg;
	size_t col;
};

static void
hdr_begin(struct hdr *h, struct page *pg, const char *name)
{
	h->pg = pg;
	page_raw(pg, name);
	page_raw(pg, ":");
	h->col = strlen(name) + 1;
}

/* One unbreakable token, after a space or a fold. */
static void
hdr_token(struct hdr *h, const char *t, size_t n)
{
	if (h->col + 1 + n > HDR_LINE && h->col > 0) {
		page_raw(h->pg, "\r\n");
		h->col = 0;
	}
	page_rawn(h->pg, " ", 1);
	page_rawn(h->pg, t, n);
	h->col += 1 + n;
}

static void
hdr_end(struct hdr *h)
{
	page_raw(h->pg, "\r\n");
}

/* Plain printable ASCII, no "=?" (which a reader would try to decode). */
static int
plain_ascii(const char *s)
{
	for (const char *q = s; *q != '\0'; q++)
		if ((unsigned char)*q < 0x20 || (unsigned char)*q >= 0x7F ||
		    (q[0] == '=' && q[1] == '?'))
			return 0;
	return 1;
}

/* s as B encoded words, each of at most EW_BYTES bytes of whole characters. */
static void
hdr_encoded(struct hdr *h, const char *s)
{
	size_t len = strlen(s), i = 0;

	while (i < len) {
		char w[128];
		size_t n = len - i > EW_BYTES ? utf8_floor(s + i, EW_BYTES) : len - i, o;

		if (n == 0)
			n = 1; /* cannot happen with cleaned text; always advance */
		o = (size_t)snprintf(w, sizeof(w), "=?UTF-8?B?");
		for (size_t k = 0; k < n; k += 3) {
			unsigned v = (unsigned char)s[i + k] << 16;

			if (k + 1 < n)
				v |= (unsigned char)s[i + k + 1] << 8;
			if (k + 2 < n)
				v |= (unsigned char)s[i + k + 2];
			w[o++] = b64[(v >> 18) & 63];
			w[o++] = b64[(v >> 12) & 63];
			w[o++] = k + 1 < n ? b64[(v >> 6) & 63] : '=';
			w[o++] = k + 2 < n ? b64[v & 63] : '=';
		}
		w[o++] = '?';
		w[o++] = '=';
		hdr_token(h, w, o);
		i += n;
	}
}

/* Cleaned text: words as they are when plain, else encoded words. */
static void
hdr_text(struct hdr *h, const char *clean)
{
	const char *p = clean;
	int long_word = 0;

	/* a word too long for a line of its own cannot be folded: encoded, it can */
	for (const char *q = clean; *q != '\0'; q += strspn(q, " ")) {
		size_t n = strcspn(q, " ");

		long_word |= n > HDR_LINE - 20;
		q += n;
	}
	if (!plain_ascii(clean) || long_word) {
		hdr_encoded(h, clean);
		return;
	}
	while (*p != '\0') {
		size_t n = strcspn(p, " ");

		if (n > 0)
			hdr_token(h, p, n);
		p += n;
		while (*p == ' ')
			p++;
	}
}

char *
mail_header_text(const char *name, const char *value)
{
	struct page pg;
	struct hdr h;
	char *c = mail_clean(value, value ? strlen(value) : 0, MAIL_SUBJECT_MAX);
	size_t n;

	if (c == NULL)
		return NULL;
	page_init(&pg);
	hdr_begin(&h, &pg, name);
	hdr_text(&h, c);
	hdr_end(&h);
	free(c);
	return pg.oom ? (page_free(&pg), NULL) : page_take(&pg, &n);
}

static int
atext_word(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("!#$%&'*+-/=?^_`{|}~ ", *s) != NULL))
			return 0;
	return 1;
}

/* One address of From or To: its display name (plain, quoted or encoded) and <spec>. */
static void
hdr_addr(struct hdr *h, const struct mailaddr *a, int comma)
{
	char spec[MAILADDR_SPEC_MAX + 4];
	size_t n;

	if (a->display[0] != '\0') {
		char *c = mail_clean(a->display, strlen(a->display), MAILADDR_DISPLAY_MAX);

		if (c == NULL) {
			h->pg->oom = 1;
			return;
		}
		if (!plain_ascii(c)) {
			hdr_encoded(h, c);
		} else if (atext_word(c) && strstr(c, "=?") == NULL) {
			hdr_text(h, c);
		} else {
			/* a quoted-string, one token: \ and " escaped */
			struct page q;
			size_t qn;
			char *qs;

			page_init(&q);
			page_raw(&q, "\"");
			for (const char *p = c; *p != '\0'; p++) {
				if (*p == '"' || *p == '\\')
					page_rawn(&q, "\\", 1);
				page_rawn(&q, p, 1);
			}
			page_raw(&q, "\"");
			qs = page_take(&q, &qn);
			if (qs == NULL)
				h->pg->oom = 1;
			else
				hdr_token(h, qs, qn);
			free(qs);
		}
		free(c);
	}
	n = (size_t)snprintf(spec, sizeof(spec), "<%s>%s", a->spec, comma ? "," : "");
	hdr_token(h, spec, n);
}

/* ---- bodies ---- */

/* Mostly not ASCII (Arabic, Persian, Russian...): base64 is the shorter. */
static int
mostly_8bit(const char *s, size_t n)
{
	size_t hi = 0;

	for (size_t i = 0; i < n; i++)
		hi += (unsigned char)s[i] >= 0x80;
	return hi * 3 > n;
}

/* s with LF line ends as quoted-printable with CRLF hard breaks, lines of at most 76. */
static void
body_qp(struct page *pg, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[3];
		size_t k;
		int at_eol = i + 1 == n || s[i + 1] == '\n';

		if (c == '\n') {
			page_raw(pg, "\r\n");
			col = 0;
			continue;
		}
		/* a '.' first on a line is encoded: no line of the body can be SMTP's "." */
		if ((c >= 33 && c <= 126 && c != '=' && !(c == '.' && col == 0)) ||
		    ((c == ' ' || c == '\t') && !at_eol)) {
			e[0] = (char)c;
			k = 1;
		} else {
			e[0] = '=';
			e[1] = hex[c >> 4];
			e[2] = hex[c & 15];
			k = 3;
		}
		/* a soft break keeps room for "=": at most 75 + "=" */
		if (col + k > BODY_LINE - 1 && !(at_eol && col + k <= BODY_LINE)) {
			page_raw(pg, "=\r\n");
			col = 0;
			if (e[0] == '.') {
				e[0] = '=';
				e[1] = '2';
				e[2] = 'E';
				k = 3;
			}
		}
		page_rawn(pg, e, k);
		col += k;
	}
	if (col > 0)
		page_raw(pg, "\r\n");
}

/* s with LF line ends (made CRLF first) as base64 in lines of 76. */
static void
body_b64(struct page *pg, const char *s, size_t n)
{
	struct page crlf;
	size_t col = 0, m;
	const unsigned char *u;

	page_init(&crlf);
	page_raw(&crlf, "");
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			page_rawn(&crlf, "\r", 1);
		page_rawn(&crlf, s + i, 1);
	}
	if (crlf.oom) {
		pg->oom = 1;
		page_free(&crlf);
		return;
	}
	u = (const unsigned char *)crlf.p;
	m = crlf.n;
	for (size_t i = 0; i < m; i += 3) {
		unsigned v = u[i] << 16;
		char e[4];

		if (i + 1 < m)
			v |= u[i + 1] << 8;
		if (i + 2 < m)
			v |= u[i + 2];
		e[0] = b64[(v >> 18) & 63];
		e[1] = b64[(v >> 12) & 63];
		e[2] = i + 1 < m ? b64[(v >> 6) & 63] : '=';
		e[3] = i + 2 < m ? b64[v & 63] : '=';
		page_rawn(pg, e, 4);
		if ((col += 4) >= BODY_LINE) {
			page_raw(pg, "\r\n");
			col = 0;
		}
	}
	if (col > 0)
		page_raw(pg, "\r\n");
	page_free(&crlf);
}

/* One part of the multipart/alternative: its headers and its encoded body. */
static void
body_part(struct page *pg, const char *boundary, const char *type, const char *s, size_t n)
{
	int b = mostly_8bit(s, n);

	page_raw(pg, "--");
	page_raw(pg, boundary);
	page_raw(pg, "\r\nContent-Type: ");
	page_raw(pg, type);
	page_raw(pg, "; charset=UTF-8\r\nContent-Transfer-Encoding: ");
	page_raw(pg, b ? "base64\r\n\r\n" : "quoted-printable\r\n\r\n");
	if (b)
		body_b64(pg, s, n);
	else
		body_qp(pg, s, n);
}

/* ---- the message of one hit ---- */

/* Text for the plain part: cleaned (one line), appended. */
static void
text_add(struct page *pg, const char *s, size_t n)
{
	char *c = mail_clean(s, n, MAIL_TEXT_MAX);

	if (c == NULL) {
		pg->oom = 1;
		return;
	}
	page_raw(pg, c);
	free(c);
}

static void
text_str(struct page *pg, const char *s)
{
	if (s != NULL)
		text_add(pg, s, strlen(s));
}

/* The snippet for the plain part, each match between [ and ]. */
static void
text_marked(struct page *pg, const struct page_hit *h)
{
	size_t pos = 0;

	for (size_t i = 0; i < h->nmarks; i++) {
		const struct page_span *m = &h->marks[i];

		if (m->start < pos || m->end <= m->start || m->end > h->snippet_len)
			continue; /* out of order or out of range: shown unmarked */
		clean_append(pg, h->snippet + pos, m->start - pos, 0);
		page_raw(pg, "[");
		clean_append(pg, h->snippet + m->start, m->end - m->start, 0);
		page_raw(pg, "]");
		pos = m->end;
	}
	clean_append(pg, h->snippet + pos, h->snippet_len - pos, 0);
}

#define SAFE_ID_MAX 40 /* a hit id is "h_" and 16 hex digits */

/*
 * An id made of [A-Za-z0-9._-] only, for Message-ID and the boundary; one
 * longer than SAFE_ID_MAX becomes "x" and 32 hex digits of its SHA-256, so
 * that the header stays one line and distinct ids stay distinct.
 */
static void
safe_id(char out[SAFE_ID_MAX + 1], const char *s)
{
	size_t o = 0, n = s != NULL ? strlen(s) : 0;

	if (n > SAFE_ID_MAX) {
		char hex[2 * SHA256_LEN + 1];

		sha256_hex(s, n, hex);
		snprintf(out, SAFE_ID_MAX + 1, "x%.32s", hex);
		return;
	}
	for (; s != NULL && *s != '\0'; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-')
			out[o++] = *s;
	out[o] = '\0';
}

/*
 * The domain of Message-ID and List-Id: from's, or hark.invalid for a
 * literal or a name too long for the header's one line.
 */
static const char *
id_domain(const struct mail_dest *d)
{
	const char *dom = d->from->spec + d->from->domain;

	return dom[0] == '[' || strlen(dom) > 30 ? "hark.invalid" : dom;
}

/*
 * The headers every message has: From, To, Subject, Date, Message-ID,
 * Auto-Submitted, List-Id, MIME; msgid is the part before "@".
 */
static void
headers_common(struct page *pg, const struct mail_dest *d, const char *subject, int64_t now,
               const char *msgid, const char *boundary)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct hdr h;
	struct tm tm;
	time_t t = (time_t)now;
	char line[256], name[SAFE_ID_MAX + 1];

	hdr_begin(&h, pg, "From");
	hdr_addr(&h, d->from, 0);
	hdr_end(&h);
	hdr_begin(&h, pg, "To");
	for (size_t i = 0; i < d->nto; i++)
		hdr_addr(&h, &d->to[i], i + 1 < d->nto);
	hdr_end(&h);
	hdr_begin(&h, pg, "Subject");
	hdr_text(&h, subject);
	hdr_end(&h);
	gmtime_r(&t, &tm);
	snprintf(line, sizeof(line), "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
	         days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900,
	         tm.tm_hour, tm.tm_min, tm.tm_sec);
	page_raw(pg, line);
	/* Message-ID may be long: folded before the id, not inside it */
	hdr_begin(&h, pg, "Message-ID");
	snprintf(line, sizeof(line), "<%s@%s>", msgid, id_domain(d));
	hdr_token(&h, line, strlen(line));
	hdr_end(&h);
	page_raw(pg, "Auto-Submitted: auto-generated\r\n");
	safe_id(name, d->name);
	hdr_begin(&h, pg, "List-Id");
	snprintf(line, sizeof(line), "hark %s", name);
	hdr_text(&h, line);
	snprintf(line, sizeof(line), "<%s.hark.%s>", name, id_domain(d));
	hdr_token(&h, line, strlen(line));
	hdr_end(&h);
	page_raw(pg, "MIME-Version: 1.0\r\n");
	page_raw(pg, "Content-Type: multipart/alternative;\r\n boundary=\"");
	page_raw(pg, boundary);
	page_raw(pg, "\"\r\n");
}

/* The plain and HTML bodies, then the closing boundary. */
static void
bodies(struct page *pg, const char *boundary, struct page *text, struct page *html)
{
	page_raw(pg, "\r\nThis is a message in MIME format: a plain text part and an HTML part.\r\n"
	             "\r\n");
	body_part(pg, boundary, "text/plain", text->p ? text->p : "", text->n);
	body_part(pg, boundary, "text/html", html->p ? html->p : "", html->n);
	page_raw(pg, "--");
	page_raw(pg, boundary);
	page_raw(pg, "--\r\n");
	if (text->oom || html->oom)
		pg->oom = 1;
}

/*
 * The opening of an email's HTML part, up to <body>: the doctype, UTF-8,
 * a phone's viewport, the subject (clean already, escaped here) as its
 * title. A hit's email and a digest open alike.
 */
static void
html_open(struct page *html, const char *subject)
{
	page_raw(html, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	               "<meta name=\"viewport\" content=\"width=device-width\"><title>");
	page_str(html, subject);
	page_raw(html, "</title></head>\n<body>\n");
}

/*
 * The end of both parts: the signature naming the destination (dn, a
 * safe_id), and in HTML the closing of <body> and <html>. A hit's email and
 * a digest close alike.
 */
static void
parts_close(struct page *text, struct page *html, const char *dn)
{
	page_raw(text, "\n-- \nSent by hark to [email ");
	page_raw(text, dn);
	page_raw(text, "].\n");
	page_raw(html, "<p><small>Sent by hark to [email ");
	page_str(html, dn);
	page_raw(html, "].</small></p>\n</body></html>\n");
}

/* A field of the details: "Name: value" in text, a row of the table in HTML. */
static void
detail(struct page *text, struct page *html, const char *name, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	page_raw(text, name);
	page_raw(text, ": ");
	text_str(text, value);
	page_raw(text, "\n");
	page_raw(html, "<tr><th align=\"left\">");
	page_str(html, name);
	page_raw(html, "</th><td dir=\"auto\">");
	page_str(html, value);
	page_raw(html, "</td></tr>\n");
}

char *
mail_render_hit(const struct mail_dest *d, const char *hit_json, int64_t now, char *err,
                size_t errsz)
{
	struct page_hit_json hj;
	const struct page_hit *h = &hj.hit;
	struct page pg, text, html;
	json_error_t je;
	json_t *o = json_loads(hit_json, 0, &je);
	char *subject = NULL, *stored = NULL, *out = NULL, *title = NULL, boundary[96], msgid[160],
	     id[SAFE_ID_MAX + 1], dn[SAFE_ID_MAX + 1];
	const char *rname;
	size_t n;

	if (o == NULL || page_hit_from_json(o, &hj) < 0) {
		snprintf(err, errsz, "not a hit object");
		json_decref(o);
		return NULL;
	}
	page_init(&pg);
	page_init(&text);
	page_init(&html);
	rname = h->rule_name != NULL && *h->rule_name != '\0' ? h->rule_name : h->rule_id;
	{
		struct page s;
		size_t sn;
		char *raw;

		page_init(&s);
		page_raw(&s, "[hark] ");
		page_raw(&s, rname);
		page_raw(&s, ": ");
		page_raw(&s, h->title != NULL && *h->title != '\0' ? h->title : "(no title)");
		raw = page_take(&s, &sn);
		subject = raw != NULL ? mail_clean(raw, sn, MAIL_SUBJECT_MAX) : NULL;
		free(raw);
	}
	stored = url_stored(d->base_url, h->article_id);
	/* one line everywhere, as in the subject */
	title = mail_clean(h->title, h->title != NULL ? strlen(h->title) : 0, MAIL_TEXT_MAX);
	if (title != NULL && *title == '\0') {
		free(title);
		title = strdup("(no title)");
	}
	safe_id(id, h->id);
	safe_id(dn, d->name);
	snprintf(msgid, sizeof(msgid), "%s.%s", id, dn);
	snprintf(boundary, sizeof(boundary), "=_hark_%s", id);

	/* the plain part */
	text_str(&text, rname);
	page_raw(&text, " (rule ");
	text_str(&text, h->rule_id);
	page_raw(&text, ")\n\n");
	text_str(&text, title);
	page_raw(&text, "\n");
	if (h->url != NULL && page_url_ok(h->url)) {
		text_str(&text, h->url);
		page_raw(&text, "\n");
	}
	page_raw(&text, "\n");
	if (h->snippet != NULL) {
		text_marked(&text, h);
		page_raw(&text, "\n\n");
	}

	/* the HTML part */
	html_open(&html, subject);
	page_raw(&html, "<p><strong dir=\"auto\">");
	page_str(&html, rname);
	page_raw(&html, "</strong> (rule <code>");
	page_str(&html, h->rule_id);
	page_raw(&html, "</code>)</p>\n<h2>");
	page_link(&html, h->url, title, title != NULL ? strlen(title) : 0);
	page_raw(&html, "</h2>\n");
	if (h->snippet != NULL) {
		page_raw(&html, "<p dir=\"auto\">");
		page_marked(&html, h->snippet, h->snippet_len, h->marks, h->nmarks);
		page_raw(&html, "</p>\n");
	}
	page_raw(&html, "<table>\n");
	detail(&text, &html, "Source", h->source);
	detail(&text, &html, "Language", h->lang);
	detail(&text, &html, "Time", h->detected_at);
	detail(&text, &html, "Hit", h->id);
	page_raw(&html, "</table>\n");
	if (stored != NULL) {
		page_raw(&text, "Stored copy: ");
		page_raw(&text, stored);
		page_raw(&text, "\n");
		page_raw(&html, "<p><a href=\"");
		page_url(&html, stored);
		page_raw(&html, "\">Stored copy</a></p>\n");
	}
	parts_close(&text, &html, dn);

	if (subject != NULL) {
		headers_common(&pg, d, subject, now, msgid, boundary);
		char rid[SAFE_ID_MAX + 1];

		safe_id(rid, h->rule_id);
		page_raw(&pg, "X-Hark-Rule: ");
		page_raw(&pg, rid);
		page_raw(&pg, "\r\nX-Hark-Hit: ");
		page_raw(&pg, id);
		page_raw(&pg, "\r\n");
		bodies(&pg, boundary, &text, &html);
	}
	if (subject == NULL || title == NULL || pg.oom || (out = page_take(&pg, &n)) == NULL)
		snprintf(err, errsz, "out of memory");
	page_free(&pg);
	page_free(&text);
	page_free(&html);
	free(subject);
	free(title);
	free(stored);
	json_decref(o);
	return out;
}

/* ---- the digest of a period ---- */

static void
rfc3339(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "?");
}

/*
 * One hit of a digest: title linked (to the article's address, else to its
 * stored copy under base_url), snippet marked, source, language, time.
 */
static void
digest_hit(struct page *text, struct page *html, const struct page_hit *h, const char *base_url)
{
	char *title = mail_clean(h->title, h->title != NULL ? strlen(h->title) : 0, MAIL_TEXT_MAX);
	char *stored = NULL; /* owned */
	const char *link = h->url;

	if (title == NULL) {
		text->oom = 1;
		return;
	}
	if (link == NULL || !page_url_ok(link))
		link = stored = url_stored(base_url, h->article_id);
	page_raw(text, "* ");
	page_raw(text, *title ? title : "(no title)");
	page_raw(text, "\n");
	page_raw(html, "<li><strong>");
	page_link(html, link, *title ? title : "(no title)", *title ? strlen(title) : 10);
	page_raw(html, "</strong>");
	if (link != NULL && page_url_ok(link)) {
		page_raw(text, "  ");
		text_str(text, link);
		page_raw(text, "\n");
	}
	free(stored);
	if (h->snippet != NULL) {
		page_raw(text, "  ");
		text_marked(text, h);
		page_raw(text, "\n");
		page_raw(html, "<br><span dir=\"auto\">");
		page_marked(html, h->snippet, h->snippet_len, h->marks, h->nmarks);
		page_raw(html, "</span>");
	}
	page_raw(text, "  ");
	page_raw(html, "<br><small>");
	if (h->source != NULL) {
		text_str(text, h->source);
		page_raw(text, ", ");
		page_str(html, h->source);
		page_raw(html, " &middot; ");
	}
	if (h->lang != NULL) {
		text_str(text, h->lang);
		page_raw(text, ", ");
		page_str(html, h->lang);
		page_raw(html, " &middot; ");
	}
	text_str(text, h->detected_at);
	page_raw(text, "\n\n");
	page_str(html, h->detected_at);
	page_raw(html, "</small></li>\n");
	free(title);
}

char *
mail_render_digest(const struct mail_dest *d, const struct mail_digest *g, int64_t now, char *err,
                   size_t errsz)
{
	struct page pg, text, html, subj;
	struct page_hit_json *hj = NULL;
	json_t **roots = NULL;
	char start[32], end[32], boundary[96], msgid[128], dn[SAFE_ID_MAX + 1], num[64];
	char *subject = NULL, *raw, *out = NULL, *more = NULL;
	size_t n, listed = 0;

	page_init(&pg);
	page_init(&text);
	page_init(&html);
	page_init(&subj);
	if (g->nhits > 0 && ((hj = calloc(g->nhits, sizeof(*hj))) == NULL ||
	                     (roots = calloc(g->nhits, sizeof(*roots))) == NULL)) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < g->nhits; i++) {
		roots[i] = json_loads(g->hits[i], 0, NULL);
		if (roots[i] == NULL || page_hit_from_json(roots[i], &hj[i]) < 0) {
			json_decref(roots[i]);
			roots[i] = NULL; /* not a hit object: left out of the list, still counted */
		}
	}
	rfc3339(g->start, start);
	rfc3339(g->end, end);
	safe_id(dn, d->name);
	snprintf(msgid, sizeof(msgid), "%.60s.%s", g->id, dn);
	snprintf(boundary, sizeof(boundary), "=_hark_%.60s", g->id);

	/* the subject: the count, then the rules with the most hits */
	snprintf(num, sizeof(num), "[hark] %zu hit%s: ", g->total, g->total == 1 ? "" : "s");
	page_raw(&subj, num);
	for (size_t i = 0; i < g->nrules; i++) {
		if (subj.n > 120) {
			page_raw(&subj, ", \xe2\x80\xa6");
			break;
		}
		if (i > 0)
			page_raw(&subj, ", ");
		page_raw(&subj, g->rules[i].id);
		snprintf(num, sizeof(num), " (%zu)", g->rules[i].count);
		page_raw(&subj, num);
	}
	raw = page_take(&subj, &n);
	subject = raw != NULL ? mail_clean(raw, n, MAIL_SUBJECT_MAX) : NULL;
	free(raw);
	if (subject == NULL) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}

	snprintf(num, sizeof(num), "%zu hit%s from ", g->total, g->total == 1 ? "" : "s");
	page_raw(&text, num);
	page_raw(&text, start);
	page_raw(&text, " to ");
	page_raw(&text, end);
	page_raw(&text, ", by rule, newest first.\n\n");
	html_open(&html, subject);
	page_raw(&html, "<p>");
	page_raw(&html, num);
	page_raw(&html, "<time>");
	page_raw(&html, start);
	page_raw(&html, "</time> to <time>");
	page_raw(&html, end);
	page_raw(&html, "</time>, by rule, newest first.</p>\n");
	for (size_t r = 0; r < g->nrules; r++) {
		const struct mail_digest_rule *rule = &g->rules[r];
		const char *name = rule->name != NULL && *rule->name ? rule->name : rule->id;

		snprintf(num, sizeof(num), "%zu hit%s", rule->count, rule->count == 1 ? "" : "s");
		page_raw(&text, "== ");
		text_str(&text, name);
		page_raw(&text, " (");
		text_str(&text, rule->id);
		page_raw(&text, "): ");
		page_raw(&text, num);
		page_raw(&text, " ==\n\n");
		page_raw(&html, "<h2><span dir=\"auto\">");
		page_str(&html, name);
		page_raw(&html, "</span> (<code>");
		page_str(&html, rule->id);
		page_raw(&html, "</code>): ");
		page_raw(&html, num);
		page_raw(&html, "</h2>\n<ul>\n");
		for (size_t i = 0; i < g->nhits; i++) {
			if (roots[i] == NULL || hj[i].hit.rule_id == NULL ||
			    strcmp(hj[i].hit.rule_id, rule->id) != 0)
				continue;
			digest_hit(&text, &html, &hj[i].hit, d->base_url);
			listed++;
		}
		page_raw(&html, "</ul>\n");
	}
	if (g->total > listed) {
		snprintf(num, sizeof(num), "and %zu more", g->total - listed);
		page_raw(&text, num);
		page_raw(&html, "<p>");
		if (d->base_url != NULL) {
			size_t bl = strlen(d->base_url);
			struct page u;

			while (bl > 0 && d->base_url[bl - 1] == '/')
				bl--;
			page_init(&u);
			page_rawn(&u, d->base_url, bl);
			page_raw(&u, "/?since=");
			page_raw(&u, start);
			page_raw(&u, "&until=");
			page_raw(&u, end);
			more = page_take(&u, &n);
		}
		if (more != NULL && page_url_ok(more)) {
			page_raw(&text, ": ");
			page_raw(&text, more);
			page_raw(&html, "<a href=\"");
			page_url(&html, more);
			page_raw(&html, "\">");
			page_raw(&html, num);
			page_raw(&html, "</a>");
		} else {
			page_raw(&html, num);
		}
		page_raw(&text, "\n");
		page_raw(&html, "</p>\n");
	}
	parts_close(&text, &html, dn);
	headers_common(&pg, d, subject, now, msgid, boundary);
	bodies(&pg, boundary, &text, &html);
	if (pg.oom || (out = page_take(&pg, &n)) == NULL)
		snprintf(err, errsz, "out of memory");
out:
	page_free(&pg);
	page_free(&text);
	page_free(&html);
	page_free(&subj);
	for (size_t i = 0; roots != NULL && i < g->nhits; i++)
		json_decref(roots[i]);
	free(roots);
	free(hj);
	free(subject);
	free(more);
	return out;
}
