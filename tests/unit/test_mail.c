/*
 * Unit tests for mail.c: the message of a hit. Every line ends in CRLF and
 * is at most 78 characters; the Arabic subject is B encoded words that
 * decode to "[hark] RULE NAME: TITLE"; article text cannot add a header
 * (CR LF in a title), bidi and zero-width characters leave the subject;
 * the bodies carry the marks ([ ] and <mark>), the links and the details;
 * quoted-printable encodes '=' and a '.' that starts a line; Message-ID
 * and List-Id are derived from the hit and the destination.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mail.h"

#define ARABIC                                                                                                                     \
	"{\"id\":\"h_01JD3M61BBBBBBBBBBBBBBBBBB\",\"rule\":{\"id\":\"assad\",\"name\":\"بشار "                                 \
	"الأسد\"},\"article\":{\"id\":\"a_9a0b\",\"title\":\"الأسد يلتقي وفداً روسياً في "             \
	"دمشق\",\"url\":\"https://ar.example.net/news/2026/11/assad\",\"source\":\"ar-wire\","                                 \
	"\"lang\":\"ar\"},\"snippet\":{\"text\":\"التقى الرئيس الأسد اليوم وفداً روسياً (Moscow) " \
	"في دمشق\",\"marks\":[[13,18]]},\"detected_at\":\"2026-11-21T10:10:00Z\"}"

static struct mailaddr from, to[2];
static struct mail_dest dest = {"desk", &from, to, 2, NULL};

static int
setup(void **state)
{
	char why[160];

	(void)state;
	if (mailaddr_parse("hark <hark@example.org>", 23, &from, why, sizeof(why)) < 0 ||
	    mailaddr_parse("desk@example.org", 16, &to[0], why, sizeof(why)) < 0 ||
	    mailaddr_parse("\"Doe, Jane\" <jane@example.org>", 30, &to[1], why, sizeof(why)) < 0)
		return -1;
	return 0;
}

static int
b64val(char c)
{
	const char *t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(t, c) : NULL;

	return p ? (int)(p - t) : -1;
}

/* base64 s[0..n) (line breaks skipped) appended to out. */
static size_t
unb64(const char *s, size_t n, char *out)
{
	unsigned v = 0, bits = 0;
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int d = b64val(s[i]);

		if (d < 0)
			continue;
		v = (v << 6) | (unsigned)d;
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[o++] = (char)((v >> bits) & 0xFF);
		}
	}
	out[o] = '\0';
	return o;
}

/* The unfolded value of header name, encoded words decoded (B only). */
static void
header(const char *msg, const char *name, char *out, size_t outsz)
{
	char key[64], raw[2048];
	const char *p, *e;
	size_t o = 0, r = 0;

	snprintf(key, sizeof(key), "\r\n%s: ", name);
	p = strstr(msg, key);
	assert_non_null(p);
	p += strlen(key);
	/* unfold */
	for (e = p; !(e[0] == '\r' && e[1] == '\n' && e[2] != ' '); e++)
		if (!(e[0] == '\r' && e[1] == '\n'))
			raw[r++] = *e;
		else
			e++;
	raw[r] = '\0';
	for (const char *q = raw; *q != '\0';) {
		if (strncmp(q, "=?UTF-8?B?", 10) == 0) {
			const char *end = strstr(q + 10, "?=");

			assert_non_null(end);
			o += unb64(q + 10, (size_t)(end - q - 10), out + o);
			q = end + 2;
			/* blanks between two encoded words are not part of the text */
			if (q[0] == ' ' && strncmp(q + 1, "=?", 2) == 0)
				q++;
		} else {
			out[o++] = *q++;
		}
		assert_true(o < outsz);
	}
	out[o] = '\0';
}

/* Every line ends in CRLF and is at most 78 characters; no line is "." alone. */
static void
lines_ok(const char *m)
{
	const char *p = m;

	while (*p != '\0') {
		const char *e = strstr(p, "\r\n");

		assert_non_null(e);
		for (const char *q = p; q < e; q++)
			assert_true(*q != '\r' && *q != '\n');
		if (e - p > 78)
			fail_msg("line of %d: %.*s", (int)(e - p), (int)(e - p), p);
		assert_false(e - p == 1 && *p == '.');
		p = e + 2;
	}
}

/* The decoded body of the part of type ("text/plain"). */
static void
part(const char *m, const char *type, char *out)
{
	char key[64];
	const char *p, *body, *end;

	snprintf(key, sizeof(key), "Content-Type: %s; charset=UTF-8\r\n", type);
	p = strstr(m, key);
	assert_non_null(p);
	body = strstr(p, "\r\n\r\n") + 4;
	end = strstr(body, "\r\n--=_hark");
	assert_non_null(end);
	if (strstr(p, "Content-Transfer-Encoding: base64") == p + strlen(key)) {
		unb64(body, (size_t)(end - body), out);
	} else {
		size_t o = 0;

		for (const char *q = body; q < end; q++) {
			if (q[0] == '=' && q[1] == '\r') {
				q += 2;
			} else if (q[0] == '=') {
				unsigned v;

				sscanf(q + 1, "%2X", &v);
				out[o++] = (char)v;
				q += 2;
			} else if (q[0] != '\r') {
				out[o++] = *q;
			}
		}
		out[o] = '\0';
	}
}

static void
test_arabic(void **state)
{
	char err[128], v[4096], *m;

	(void)state;
	m = mail_render_hit(&dest, ARABIC, 1796000000, err, sizeof(err));
	assert_non_null(m);
	lines_ok(m);
	assert_non_null(strstr(m, "\r\nSubject: =?UTF-8?B?"));
	header(m, "Subject", v, sizeof(v));
	assert_string_equal(v, "[hark] بشار الأسد: الأسد يلتقي وفداً روسياً في دمشق");
	header(m, "Message-ID", v, sizeof(v));
	assert_string_equal(v, "<h_01JD3M61BBBBBBBBBBBBBBBBBB.desk@example.org>");
	header(m, "List-Id", v, sizeof(v));
	assert_string_equal(v, "hark desk <desk.hark.example.org>");
	header(m, "Date", v, sizeof(v));
	assert_string_equal(v, "Mon, 30 Nov 2026 00:53:20 +0000");
	header(m, "To", v, sizeof(v));
	assert_string_equal(v, "<desk@example.org>, \"Doe, Jane\" <jane@example.org>");
	assert_non_null(strstr(m, "\r\nAuto-Submitted: auto-generated\r\n"));
	assert_non_null(strstr(m, "\r\nContent-Type: multipart/alternative;\r\n boundary="));
	assert_int_equal(strncmp(m, "From: hark <hark@example.org>\r\n", 31), 0);
	part(m, "text/plain", v);
	assert_non_null(strstr(v, "التقى الرئيس [الأسد] اليوم"));
	assert_non_null(strstr(v, "\r\nhttps://ar.example.net/news/2026/11/assad\r\n"));
	assert_non_null(strstr(v, "\r\nSource: ar-wire\r\nLanguage: ar\r\n"));
	assert_null(strstr(v, "Stored copy")); /* no base_url */
	part(m, "text/html", v);
	assert_non_null(strstr(v, "<mark>الأسد</mark>"));
	assert_non_null(strstr(v, "<a href=\"https://ar.example.net/news/2026/11/assad\""));
	free(m);

	dest.base_url = "https://hark.example.org/";
	m = mail_render_hit(&dest, ARABIC, 1796000000, err, sizeof(err));
	part(m, "text/plain", v);
	assert_non_null(strstr(v, "Stored copy: https://hark.example.org/articles/a_9a0b\r\n"));
	part(m, "text/html", v);
	assert_non_null(strstr(v, "<a href=\"https://hark.example.org/articles/a_9a0b\">"));
	dest.base_url = NULL;
	free(m);
}

/* Hostile article text: line breaks, bidi overrides, markup, dots, long words. */
static void
test_hostile(void **state)
{
	char err[128], v[8192], *m;
	const char *hit =
	    "{\"id\":\"h_X\",\"rule\":{\"id\":\"r\",\"name\":\"Rule\"},\"article\":{\"id\":\"a_1\","
	    "\"title\":\"Hi\\r\\nBcc: evil@example.com\\r\\n\\r\\nbody \\u202eevil\\u200b =?x?=\","
	    "\"url\":\"javascript:alert(1)\"},\"snippet\":{\"text\":\"<script>x</script>\\n.\\n"
	    "a=b "
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "a"
	    "aaaaaa\",\"marks\":[[0,8]]},\"detected_at\":\"2026-11-21T10:10:00Z\"}";

	(void)state;
	m = mail_render_hit(&dest, hit, 0, err, sizeof(err));
	assert_non_null(m);
	lines_ok(m);
	/* no header but ours: the article's line break is no line break of the message */
	*strstr(m, "\r\n\r\n") = '\0';
	assert_null(strstr(m, "\r\nBcc:"));
	m[strlen(m)] = '\r';
	header(m, "Subject", v, sizeof(v));
	/* "=?" in the title: encoded, so that it is not read as an encoded word */
	assert_string_equal(v, "[hark] Rule: Hi Bcc: evil@example.com body evil =?x?=");
	part(m, "text/plain", v);
	assert_non_null(strstr(v, "[<script>]x</script> . a=b aaaa"));
	assert_null(strstr(v, "javascript:"));
	part(m, "text/html", v);
	assert_non_null(strstr(v, "<mark>&lt;script&gt;</mark>x&lt;/script&gt;"));
	assert_null(strstr(v, "\nBcc:"));
	assert_null(strstr(v, "javascript:"));
	/* quoted-printable: '=' encoded */
	assert_non_null(strstr(m, "a=3Db"));
	free(m);

	assert_null(mail_render_hit(&dest, "[1]", 0, err, sizeof(err)));
	assert_string_equal(err, "not a hit object");
	assert_null(mail_render_hit(&dest, "{", 0, err, sizeof(err)));
}

static void
test_header_text(void **state)
{
	char *h;

	(void)state;
	h = mail_header_text("Subject", "plain words that are long enough to be folded at the "
	                                "seventy-eighth column of the line");
	assert_string_equal(h, "Subject: plain words that are long enough to be folded at the "
	                       "seventy-eighth\r\n column of the line\r\n");
	free(h);
	h = mail_header_text("Subject", "  a\t\tb \xe2\x80\x8f c\x7f\xc2\x85  ");
	assert_string_equal(h, "Subject: a b c\r\n");
	free(h);
	h = mail_header_text("Subject", "\xff");
	assert_string_equal(h, "Subject: =?UTF-8?B?77+9?=\r\n");
	free(h);
	h = mail_clean("abcdefghij", 10, 8);
	assert_string_equal(h, "abcde\xe2\x80\xa6");
	free(h);
}

#define HIT(id, rule, name, title, at)                                                             \
	"{\"id\":\"" id "\",\"rule\":{\"id\":\"" rule "\",\"name\":\"" name                        \
	"\"},\"article\":{\"id\":\"a_" id "\",\"title\":\"" title                                  \
	"\",\"url\":\"https://example.org/" id "\",\"source\":\"wire\",\"lang\":\"en\"},"          \
	"\"snippet\":{\"text\":\"about " title "\",\"marks\":[[6,9]]},\"detected_at\":\"" at "\"}"

/* A digest: the subject, the rules as headings, newest first, "and N more" linked. */
static void
test_digest(void **state)
{
	const char *hits[] = {
	    HIT("h_3", "assad", "بشار الأسد", "Third", "2026-12-06T09:00:00Z"),
	    HIT("h_2", "convoy", "", "Second", "2026-12-06T08:30:00Z"),
	    HIT("h_1", "assad", "بشار الأسد", "First", "2026-12-06T08:10:00Z"),
	};
	const struct mail_digest_rule rules[] = {{"assad", "بشار الأسد", 4}, {"convoy", NULL, 1}};
	struct mail_digest g = {1796000400, 1796004000, hits, 3,
	                        rules,      2,          5,    "digest.1796004000.7"};
	char err[128], v[8192], *m, *a, *b, *c;

	(void)state;
	dest.base_url = "https://hark.example.org";
	m = mail_render_digest(&dest, &g, 1796004001, err, sizeof(err));
	dest.base_url = NULL;
	assert_non_null(m);
	lines_ok(m);
	header(m, "Subject", v, sizeof(v));
	assert_string_equal(v, "[hark] 5 hits: assad (4), convoy (1)");
	header(m, "Message-ID", v, sizeof(v));
	assert_string_equal(v, "<digest.1796004000.7.desk@example.org>");
	part(m, "text/plain", v);
	assert_non_null(strstr(v, "5 hits from 2026-11-30T01:00:00Z to 2026-11-30T02:00:00Z"));
	a = strstr(v, "== بشار الأسد (assad): 4 hits ==");
	b = strstr(v, "* Third");
	c = strstr(v, "* First");
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_true(a < b && b < c); /* newest first under its rule */
	assert_true(c < strstr(v, "== convoy (convoy): 1 hit =="));
	assert_non_null(strstr(v, "  about [Thi]rd"));
	assert_non_null(strstr(v, "and 2 more: https://hark.example.org/?since=2026-11-30T01:00:00Z"
	                          "&until=2026-11-30T02:00:00Z"));
	part(m, "text/html", v);
	assert_non_null(strstr(v, "<mark>Thi</mark>rd"));
	assert_non_null(strstr(v,
	                       "<a href=\"https://hark.example.org/?since=2026-11-30T01:00:00Z&amp;"
	                       "until=2026-11-30T02:00:00Z\">and 2 more</a>"));
	free(m);
	/* one hit: singular; no base_url: no link */
	g.nhits = 1;
	g.total = 1;
	g.nrules = 1;
	m = mail_render_digest(&dest, &g, 1796004001, err, sizeof(err));
	header(m, "Subject", v, sizeof(v));
	assert_string_equal(v, "[hark] 1 hit: assad (4)");
	assert_null(strstr(m, "more"));
	free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_arabic),
	    cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_header_text),
	    cmocka_unit_test(test_digest),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
