/*
 * page.c: the output buffer and its escaping, the one way stranger text
 * reaches a page or a feed (page.h). The renderers are in page_render.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "page.h"
#include "utf8.h"

#define BIDI_MAX_DEPTH 64 /* open bidi controls kept in one field; more are dropped */

void
page_init(struct page *pg)
{
	memset(pg, 0, sizeof(*pg));
}

void
page_free(struct page *pg)
{
	const struct page_zone *z = pg->zone;

	free(pg->p);
	memset(pg, 0, sizeof(*pg));
	pg->zone = z;
}

char *
page_take(struct page *pg, size_t *len)
{
	const struct page_zone *z;
	char *p;

	if (pg->oom) {
		page_free(pg);
		return NULL;
	}
	p = pg->p ? pg->p : strdup("");
	if (len != NULL)
		*len = p ? pg->n : 0;
	z = pg->zone;
	memset(pg, 0, sizeof(*pg));
	pg->zone = z;
	return p;
}

int32_t
page_zone_offset(const struct page_zone *z, int64_t t)
{
	size_t lo = 0, hi;

	if (z == NULL || z->n == 0)
		return 0;
	/* the first span from after t; the one before it is in force */
	hi = z->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (z->spans[mid].from <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return z->spans[lo > 0 ? lo - 1 : 0].offset;
}

static void
page_when(struct page *pg, const char *s, int day_only)
{
	char norm[21], shown[DATE_SHOW_MAX];
	int64_t t;

	if (s == NULL)
		return;
	if (date_normalize(s, norm) != 0 || date_seconds(norm, &t) != 0 ||
	    date_show(t, page_zone_offset(pg->zone, t), day_only, shown) != 0) {
		/* not a date: stranger text, shown as such */
		page_raw(pg, "<span dir=\"auto\">");
		page_str(pg, s);
		page_raw(pg, "</span>");
		return;
	}
	page_raw(pg, "<time datetime=\"");
	page_str(pg, norm);
	page_raw(pg, "\">");
	page_str(pg, shown);
	page_raw(pg, "</time>");
}

void
page_time(struct page *pg, const char *s)
{
	page_when(pg, s, 0);
}

void
page_day(struct page *pg, const char *s)
{
	page_when(pg, s, 1);
}

void
page_rawn(struct page *pg, const char *s, size_t n)
{
	if (pg->oom || n == 0)
		return;
	if (n > SIZE_MAX - pg->n - 1) {
		pg->oom = 1;
		return;
	}
	if (pg->n + n + 1 > pg->cap) {
		size_t nc = pg->cap ? pg->cap : 1024;
		char *np;

		while (nc < pg->n + n + 1) {
			if (nc > SIZE_MAX / 2) {
				nc = pg->n + n + 1;
				break;
			}
			nc *= 2;
		}
		if ((np = realloc(pg->p, nc)) == NULL) {
			pg->oom = 1;
			return;
		}
		pg->p = np;
		pg->cap = nc;
	}
	memcpy(pg->p + pg->n, s, n);
	pg->n += n;
	pg->p[pg->n] = '\0';
}

void
page_raw(struct page *pg, const char *s)
{
	if (s != NULL)
		page_rawn(pg, s, strlen(s));
}

/*
 * Code points never written: XML 1.0's forbidden ones, the C1 controls and
 * the noncharacters (as in the mails, utf8_nonchar).
 */
static int
cp_dropped(uint32_t cp)
{
	if (cp < 0x20)
		return cp != '\t' && cp != '\n' && cp != '\r';
	return (cp >= 0x7F && cp <= 0x9F) || utf8_nonchar(cp);
}

static void
put_cp(struct page *pg, uint32_t cp)
{
	char b[4];

	page_rawn(pg, b, utf8_encode(cp, b));
}

void
page_text(struct page *pg, const char *s, size_t n)
{
	/* the bidi controls open in this field: 'E' embedding/override, 'I' isolate */
	char stack[BIDI_MAX_DEPTH];
	size_t depth = 0, i = 0, run = 0;
	const unsigned char *u = (const unsigned char *)s;

	if (s == NULL)
		return;
	while (i < n) {
		unsigned char c = u[i];
		const char *esc = NULL;
		uint32_t cp;
		size_t k;

		/* plain ASCII runs are copied in one go */
		if (c >= 0x20 && c < 0x7F && c != '&' && c != '<' && c != '>' && c != '"' &&
		    c != '\'') {
			i++;
			run++;
			continue;
		}
		page_rawn(pg, s + i - run, run);
		run = 0;
		switch (c) {
		case '&':
			esc = "&amp;";
			break;
		case '<':
			esc = "&lt;";
			break;
		case '>':
			esc = "&gt;";
			break;
		case '"':
			esc = "&quot;";
			break;
		case '\'':
			esc = "&#39;";
			break;
		}
		if (esc != NULL) {
			page_raw(pg, esc);
			i++;
			continue;
		}
		k = utf8_decode(u + i, n - i, &cp);
		i += k;
		if (cp_dropped(cp))
			continue;
		if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
			if (cp == 0x202C) { /* PDF closes an embedding in the same isolate */
				if (depth == 0 || stack[depth - 1] != 'E')
					continue;
				depth--;
			} else if (cp == 0x2069) { /* PDI closes its isolate and all inside */
				size_t d = depth;

				while (d > 0 && stack[d - 1] != 'I')
					d--;
				if (d == 0)
					continue;
				depth = d - 1;
			} else {
				if (depth == BIDI_MAX_DEPTH)
					continue;
				stack[depth++] = cp <= 0x202E ? 'E' : 'I';
			}
		}
		if (cp == UTF8_REPLACEMENT || k > 1)
			put_cp(pg, cp);
		else
			page_rawn(pg, s + i - 1, 1); /* tab, LF, CR */
	}
	page_rawn(pg, s + i - run, run);
	while (depth > 0)
		put_cp(pg, stack[--depth] == 'E' ? 0x202C : 0x2069);
}

void
page_str(struct page *pg, const char *s)
{
	if (s != NULL)
		page_text(pg, s, strlen(s));
}

void
page_caret(struct page *pg, const char *line, size_t len, unsigned col)
{
	size_t i = 0;

	page_raw(pg, "<pre class=\"caret\">");
	page_text(pg, line, len);
	page_raw(pg, "\n");
	for (unsigned c = 1; c < col && i < len; c++) {
		page_raw(pg, line[i] == '\t' ? "\t" : " ");
		/* the rest of the character: continuation bytes */
		for (i++; i < len && ((unsigned char)line[i] & 0xC0) == 0x80; i++)
			;
	}
	page_raw(pg, "^</pre>");
}

static int
has_prefix_ci(const char *s, const char *p)
{
	for (; *p; s++, p++) {
		char c = *s;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != *p)
			return 0;
	}
	return 1;
}

int
page_url_ok(const char *url)
{
	const char *rest;

	if (url == NULL || *url == '\0')
		return 0;
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p < 0x21 || *p == 0x7F)
			return 0;
	if (has_prefix_ci(url, "http://"))
		rest = url + 7;
	else if (has_prefix_ci(url, "https://"))
		rest = url + 8;
	else
		return url[0] == '/' && url[1] != '/' && url[1] != '\\';
	/* a host: something before the path, query or fragment */
	return *rest != '\0' && *rest != '/' && *rest != '?' && *rest != '#' && *rest != '\\';
}

static const char hexd[] = "0123456789ABCDEF";

int
page_url(struct page *pg, const char *url)
{
	const unsigned char *u = (const unsigned char *)url;
	char pct[3] = {'%', 0, 0};

	if (!page_url_ok(url))
		return 0;
	for (size_t i = 0; u[i]; i++) {
		if (u[i] >= 0x80 || u[i] == '"' || u[i] == '\'' || u[i] == '<' || u[i] == '>' ||
		    u[i] == '`') {
			pct[1] = hexd[u[i] >> 4];
			pct[2] = hexd[u[i] & 15];
			page_rawn(pg, pct, 3);
		} else if (u[i] == '&') {
			page_raw(pg, "&amp;");
		} else {
			page_rawn(pg, url + i, 1);
		}
	}
	return 1;
}

static void
put_pct(struct page *pg, const char *s)
{
	char pct[3] = {'%', 0, 0};

	for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
		if ((*u >= 'A' && *u <= 'Z') || (*u >= 'a' && *u <= 'z') ||
		    (*u >= '0' && *u <= '9') || *u == '-' || *u == '.' || *u == '_' || *u == '~') {
			page_rawn(pg, (const char *)u, 1);
		} else {
			pct[1] = hexd[*u >> 4];
			pct[2] = hexd[*u & 15];
			page_rawn(pg, pct, 3);
		}
	}
}

void
page_query(struct page *pg, int *first, const char *key, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	page_raw(pg, *first ? "?" : "&amp;");
	*first = 0;
	put_pct(pg, key);
	page_raw(pg, "=");
	put_pct(pg, value);
}

void
page_path(struct page *pg, const char *segment)
{
	if (segment != NULL)
		put_pct(pg, segment);
}

void
page_link(struct page *pg, const char *url, const char *text, size_t n)
{
	if (url != NULL && page_url_ok(url)) {
		page_raw(pg, "<a href=\"");
		page_url(pg, url);
		page_raw(pg, "\" dir=\"auto\" rel=\"noreferrer\">");
		page_text(pg, text, n);
		page_raw(pg, "</a>");
	} else {
		page_raw(pg, "<span dir=\"auto\">");
		page_text(pg, text, n);
		page_raw(pg, "</span>");
	}
}

static int
span_cmp(const void *a, const void *b)
{
	const struct page_span *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

static int
is_cont(const char *s, size_t len, size_t i)
{
	return i < len && ((unsigned char)s[i] & 0xC0) == 0x80;
}

void
page_marked(struct page *pg, const char *text, size_t len, const struct page_span *spans,
            size_t nspans)
{
	struct page_span *v;
	size_t nv = 0, pos = 0;

	if (text == NULL)
		len = 0;
	if (nspans == 0 || len == 0) {
		page_text(pg, text, len);
		return;
	}
	if (nspans > SIZE_MAX / sizeof(*v) || (v = malloc(nspans * sizeof(*v))) == NULL) {
		pg->oom = 1;
		return;
	}
	for (size_t i = 0; i < nspans; i++) {
		size_t a = spans[i].start, b = spans[i].end;

		if (b > len)
			b = len;
		if (a >= b)
			continue;
		/* widen to whole characters: a lead byte is at most 3 back */
		for (int k = 0; k < 3 && a > 0 && is_cont(text, len, a); k++)
			a--;
		for (int k = 0; k < 3 && is_cont(text, len, b); k++)
			b++;
		v[nv].start = a;
		v[nv].end = b;
		nv++;
	}
	qsort(v, nv, sizeof(*v), span_cmp);
	for (size_t i = 0; i < nv;) {
		size_t a = v[i].start, b = v[i].end;

		/* merge the overlapping ones (adjacent ones stay two marks) */
		for (i++; i < nv && v[i].start < b; i++)
			if (v[i].end > b)
				b = v[i].end;
		if (a < pos) /* cannot happen once merged; kept safe */
			a = pos;
		page_text(pg, text + pos, a - pos);
		page_raw(pg, "<mark>");
		page_text(pg, text + a, b - a);
		page_raw(pg, "</mark>");
		pos = b;
	}
	page_text(pg, text + pos, len - pos);
	free(v);
}

size_t
page_char_offset(const char *s, size_t len, size_t ch)
{
	size_t i = 0;
	uint32_t cp;

	while (ch > 0 && i < len) {
		i += utf8_decode((const unsigned char *)s + i, len - i, &cp);
		ch--;
	}
	return i;
}
