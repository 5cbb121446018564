/*
 * page_render.c: the pages and the Atom feed (page.h). Literal markup goes
 * through page_raw(); every value through page_str()/page_text(),
 * page_url(), page_query() or page_marked().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "page.h"
#include "sha256.h"

void
page_begin(struct page *pg, const char *title, enum page_nav current)
{
	static const struct {
		enum page_nav nav;
		const char *href, *label;
	} nav[] = {
	    {PAGE_NAV_HITS, "/", "Hits"},        {PAGE_NAV_RULES, "/rules", "Rules"},
	    {PAGE_NAV_FEEDS, "/feeds", "Feeds"}, {PAGE_NAV_DELIVERIES, "/deliveries", "Deliveries"},
	    {PAGE_NAV_TRY, "/try", "Try"},
	};

	page_raw(pg, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	             "<meta name=\"referrer\" content=\"no-referrer\">\n"
	             "<link rel=\"stylesheet\" href=\"/static/hark.css\">\n<title>");
	if (title != NULL && *title != '\0') {
		page_str(pg, title);
		page_raw(pg, " - ");
	}
	page_raw(pg,
	         "hark</title>\n</head>\n<body>\n<nav><a class=\"brand\" href=\"/\">hark</a><ul>");
	for (size_t i = 0; i < sizeof(nav) / sizeof(nav[0]); i++) {
		page_raw(pg, "<li><a href=\"");
		page_raw(pg, nav[i].href);
		page_raw(pg, nav[i].nav == current ? "\" aria-current=\"page\">" : "\">");
		page_raw(pg, nav[i].label);
		page_raw(pg, "</a></li>");
	}
	page_raw(pg, "</ul></nav>\n<main>\n");
}

void
page_end(struct page *pg)
{
	page_raw(pg, "</main>\n</body>\n</html>\n");
}

/* <TAG dir="auto">s</TAG>, s stranger text (NULL: "-") */
static void
put_field(struct page *pg, const char *tag, const char *cls, const char *s)
{
	page_raw(pg, "<");
	page_raw(pg, tag);
	if (cls != NULL) {
		page_raw(pg, " class=\"");
		page_raw(pg, cls);
		page_raw(pg, "\"");
	}
	page_raw(pg, " dir=\"auto\">");
	page_str(pg, s != NULL && *s != '\0' ? s : "-");
	page_raw(pg, "</");
	page_raw(pg, tag);
	page_raw(pg, ">");
}

/*
 * lang="LL" for text in the article's language (screen readers, fonts), when
 * lang is a 2- or 3-letter code; nothing otherwise.
 */
static void
put_lang(struct page *pg, const char *lang)
{
	size_t n = 0;

	if (lang == NULL)
		return;
	while (lang[n] >= 'a' && lang[n] <= 'z')
		n++;
	if (lang[n] != '\0' || n < 2 || n > 3)
		return;
	page_raw(pg, " lang=\"");
	page_raw(pg, lang);
	page_raw(pg, "\"");
}

/* href of /articles/ID, the id percent-encoded */
static void
put_article_href(struct page *pg, const char *id)
{
	page_raw(pg, "/articles/");
	page_path(pg, id);
}

static void
put_filter(struct page *pg, const char *name, const char *label, const char *type,
           const char *value)
{
	page_raw(pg, "<label>");
	page_raw(pg, label);
	page_raw(pg, " <input type=\"");
	page_raw(pg, type);
	page_raw(pg, "\" name=\"");
	page_raw(pg, name);
	page_raw(pg, "\" dir=\"auto\" value=\"");
	page_str(pg, value);
	page_raw(pg, "\"></label>\n");
}

static void
put_filters_query(struct page *pg, int *first, const struct page_filters *f)
{
	page_query(pg, first, "rule", f->rule);
	page_query(pg, first, "tag", f->tag);
	page_query(pg, first, "source", f->source);
	page_query(pg, first, "lang", f->lang);
	page_query(pg, first, "since", f->since);
	page_query(pg, first, "until", f->until);
	page_query(pg, first, "q", f->q);
}

/*
 * The error of the filters, above the form: the line as hark check would
 * print it, and a caret under its place in q (the line error_line of it).
 */
static void
put_filters_error(struct page *pg, const struct page_filters *f)
{
	page_raw(pg, "<div class=\"error filters-error\" role=\"alert\"><p><code dir=\"ltr\">");
	page_str(pg, f->error);
	page_raw(pg, "</code></p>");
	if (f->q != NULL && f->error_line > 0 && f->error_col > 0) {
		const char *line = f->q;
		size_t len;

		for (unsigned l = 1; l < f->error_line && line != NULL; l++)
			if ((line = strchr(line, '\n')) != NULL)
				line++;
		if (line != NULL) {
			len = strcspn(line, "\r\n");
			page_caret(pg, line, len, f->error_col);
		}
	}
	page_raw(pg, "</div>\n");
}

static void
put_hit(struct page *pg, const struct page_hit *h, int with_article)
{
	page_raw(pg, "<li class=\"hit\">\n<p class=\"meta\">");
	page_time(pg, h->detected_at);
	page_raw(pg, " ");
	page_raw(pg, "<a class=\"rule\" href=\"/rules/");
	page_path(pg, h->rule_id);
	page_raw(pg, "\" dir=\"auto\">");
	page_str(pg, h->rule_name != NULL && *h->rule_name ? h->rule_name : h->rule_id);
	page_raw(pg, "</a>");
	for (size_t i = 0; i < h->ntags; i++) {
		page_raw(pg, " ");
		int first = 1;

		/* a tag filters the hits by it */
		page_raw(pg, "<a class=\"tag\" href=\"/");
		page_query(pg, &first, "tag", h->tags[i]);
		page_raw(pg, "\" dir=\"auto\">");
		page_str(pg, h->tags[i]);
		page_raw(pg, "</a>");
	}
	page_raw(pg, " ");
	put_field(pg, "span", "source", h->source);
	page_raw(pg, " ");
	put_field(pg, "span", "lang", h->lang);
	page_raw(pg, "</p>\n");
	if (with_article) {
		const char *t = h->title != NULL && *h->title ? h->title : "(no title)";

		page_raw(pg, "<h2");
		put_lang(pg, h->lang);
		page_raw(pg, ">");
		page_link(pg, h->url, t, strlen(t));
		page_raw(pg, " <a class=\"stored\" href=\"");
		put_article_href(pg, h->article_id);
		page_raw(pg, "\">stored</a></h2>\n");
	}
	page_raw(pg, "<p class=\"snippet\"");
	put_lang(pg, h->lang);
	page_raw(pg, " dir=\"auto\">");
	page_marked(pg, h->snippet, h->snippet ? h->snippet_len : 0, h->marks, h->nmarks);
	page_raw(pg, "</p>\n</li>\n");
}

void
page_hit_item(struct page *pg, const struct page_hit *h, int with_article)
{
	put_hit(pg, h, with_article);
}

void
page_hit_list(struct page *pg, const struct page_hit *hits, size_t n, int with_article)
{
	if (n == 0) {
		page_raw(pg, "<p class=\"empty\">No hits.</p>\n");
		return;
	}
	page_raw(pg, "<ol class=\"hits\">\n");
	for (size_t i = 0; i < n; i++)
		put_hit(pg, &hits[i], with_article);
	page_raw(pg, "</ol>\n");
}

void
page_hits(struct page *pg, const struct page_hit *hits, size_t n, const struct page_filters *f,
          const char *next)
{
	static const struct page_filters none;

	if (f == NULL)
		f = &none;
	page_begin(pg, "Hits", PAGE_NAV_HITS);
	page_raw(pg, "<h1>Hits</h1>\n");
	if (f->error != NULL)
		put_filters_error(pg, f);
	page_raw(pg, "<form class=\"filters\" method=\"get\" action=\"/\">\n");
	put_filter(pg, "rule", "Rule", "text", f->rule);
	put_filter(pg, "tag", "Tag", "text", f->tag);
	put_filter(pg, "source", "Source", "text", f->source);
	put_filter(pg, "lang", "Language", "text", f->lang);
	put_filter(pg, "since", "Since", "text", f->since);
	put_filter(pg, "until", "Until", "text", f->until);
	put_filter(pg, "q", "Query", "search", f->q);
	page_raw(pg, "<button type=\"submit\">Filter</button>\n</form>\n");
	if (f->cut != NULL) {
		page_raw(pg, "<p class=\"cut\" role=\"status\">");
		page_str(pg, f->cut);
		page_raw(pg, "</p>\n");
	}
	if (f->error != NULL) {
		page_end(pg); /* the filters are wrong: no hits to show for them */
		return;
	}
	if (f->no_rule || f->no_tag || f->no_source) {
		/* a mistyped id, tag or source is said, not shown as a quiet one */
		page_raw(pg, f->no_rule  ? "<p class=\"error\" role=\"alert\">no such rule: "
		             : f->no_tag ? "<p class=\"error\" role=\"alert\">no such tag: "
		                         : "<p class=\"error\" role=\"alert\">no such source: ");
		put_field(pg, "span", NULL, f->no_rule ? f->rule : f->no_tag ? f->tag : f->source);
		page_raw(pg, "</p>\n");
		page_end(pg);
		return;
	}
	page_hit_list(pg, hits, n, 1);
	if (next != NULL && *next != '\0') {
		int first = 1;

		page_raw(pg, "<p class=\"pager\"><a rel=\"next\" href=\"/");
		put_filters_query(pg, &first, f);
		page_query(pg, &first, "before", next);
		page_raw(pg, "\">Older</a></p>\n");
	}
	page_end(pg);
}

void
page_not_found(struct page *pg, enum page_nav nav, const char *msg)
{
	page_begin(pg, "Not found", nav);
	page_raw(pg, "<h1>Not found</h1>\n<p class=\"error\" role=\"alert\">");
	put_field(pg, "span", NULL, msg);
	page_raw(pg, "</p>\n");
	page_end(pg);
}

static void
put_row(struct page *pg, const char *label, const char *value)
{
	page_raw(pg, "<tr><th scope=\"row\">");
	page_raw(pg, label);
	page_raw(pg, "</th><td>");
	put_field(pg, "span", NULL, value);
	page_raw(pg, "</td></tr>\n");
}

/* What group member d is to the article a shown (struct page_dup). */
static const char *
page_dup_label(const struct page_article *a, const struct page_dup *d)
{
	if (d->near == 0)
		return "same content";
	if (a->revision_of != NULL && strcmp(d->article_id, a->revision_of) == 0)
		return "the article this one revises";
	if (d->revision_of != NULL) {
		if (a->id != NULL && strcmp(d->revision_of, a->id) == 0)
			return "revision";
		if (a->revision_of != NULL && strcmp(d->revision_of, a->revision_of) == 0)
			return "revision of the same article";
		/* a revision's group is the first one's group: near_of names its first article */
		if (d->near_of != NULL && strcmp(d->revision_of, d->near_of) == 0)
			return "revision of the first article";
		return "revision of a near duplicate";
	}
	return d->near_of == NULL ? "first article" : "near duplicate";
}

void
page_article(struct page *pg, const struct page_article *a)
{
	const char *t = a->title != NULL && *a->title ? a->title : "(no title)";

	page_begin(pg, t, PAGE_NAV_NONE);
	page_raw(pg, "<h1>");
	put_field(pg, "span", NULL, t);
	page_raw(pg, "</h1>\n<table class=\"facts\">\n<tr><th scope=\"row\">Address</th><td>");
	if (a->url != NULL && *a->url)
		page_link(pg, a->url, a->url, strlen(a->url));
	else
		page_raw(pg, "-");
	page_raw(pg, "</td></tr>\n");
	put_row(pg, "Id", a->id);
	put_row(pg, "Source", a->source);
	put_row(pg, "Language", a->lang);
	put_row(pg, "Format", a->format);
	put_row(pg, "Charset", a->charset);
	/* a date the source gave: in harkd's zone as every time, or as it came */
	page_raw(pg, "<tr><th scope=\"row\">Published</th><td>");
	if (a->published != NULL && *a->published != '\0')
		page_time(pg, a->published);
	else
		page_raw(pg, "-");
	page_raw(pg, "</td></tr>\n");
	if (a->revision_of != NULL) {
		/* its feed item's text changed: the article it revises holds the address */
		page_raw(pg, "<tr><th scope=\"row\">Revision of</th><td><a href=\"");
		put_article_href(pg, a->revision_of);
		page_raw(pg, "\">");
		page_str(pg, a->revision_of);
		page_raw(pg, "</a></td></tr>\n");
	}
	page_raw(pg, "</table>\n");
	for (size_t i = 0; i < a->nfields; i++) {
		const struct page_field *fl = &a->fields[i];

		page_raw(pg, "<section class=\"field\">\n<h2>");
		page_str(pg, fl->name);
		page_raw(pg, "</h2>\n<div class=\"text\"");
		put_lang(pg, a->lang);
		page_raw(pg, " dir=\"auto\">");
		page_marked(pg, fl->text, fl->text ? fl->len : 0, fl->marks, fl->nmarks);
		page_raw(pg, "</div>\n</section>\n");
	}
	if (a->text_pruned) {
		/* not an empty body: the text is gone, the hits' snippets stay */
		page_raw(pg, "<section class=\"field\">\n<h2>body</h2>\n<p class=\"empty\" "
		             "role=\"status\">The text was removed by retention (keep_articles)");
		if (a->seen_at != NULL) {
			page_raw(pg, "; the article was stored on ");
			page_time(pg, a->seen_at);
		}
		page_raw(pg, ". The hits below keep their snippets.</p>\n</section>\n");
	}
	page_raw(pg, "<section>\n<h2>Hits</h2>\n");
	page_hit_list(pg, a->hits, a->nhits, 0);
	page_raw(pg, "</section>\n<section>\n<h2>Duplicates</h2>\n");
	if (a->ndups == 0) {
		page_raw(pg, "<p class=\"empty\">None.</p>\n");
	} else {
		page_raw(pg, "<ul class=\"dups\">\n");
		for (size_t i = 0; i < a->ndups; i++) {
			const struct page_dup *d = &a->dups[i];

			page_raw(pg, "<li><a href=\"");
			put_article_href(pg, d->article_id);
			page_raw(pg, "\" dir=\"auto\">");
			page_str(pg, d->title != NULL && *d->title ? d->title : d->article_id);
			page_raw(pg, "</a> (");
			page_raw(pg, page_dup_label(a, d));
			page_raw(pg, ")</li>\n");
		}
		page_raw(pg, "</ul>\n");
	}
	page_raw(pg, "</section>\n");
	page_end(pg);
}

/* urn:uuid: of a hit id (page.h) */
static void
put_hit_urn(struct page *pg, const char *id)
{
	struct sha256 s;
	unsigned char d[SHA256_LEN];
	char out[48];
	size_t o = 0;

	sha256_init(&s);
	sha256_update(&s, "hark hit ", 9);
	sha256_update(&s, id ? id : "", id ? strlen(id) : 0);
	sha256_final(&s, d);
	d[6] = (unsigned char)((d[6] & 0x0F) | 0x80); /* version 8 */
	d[8] = (unsigned char)((d[8] & 0x3F) | 0x80); /* variant 10 */
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = "0123456789abcdef"[d[i] >> 4];
		out[o++] = "0123456789abcdef"[d[i] & 15];
	}
	out[o] = '\0';
	page_raw(pg, "urn:uuid:");
	page_raw(pg, out);
}

static int
is_abs_http(const char *u)
{
	return page_url_ok(u) && u[0] != '/';
}

/* an RFC 3339 date for <updated>: s normalized, else fallback, else the epoch */
static void
put_date(struct page *pg, const char *s, const char *fallback)
{
	char d[21];

	if ((s != NULL && date_normalize(s, d) == 0) ||
	    (fallback != NULL && date_normalize(fallback, d) == 0))
		page_raw(pg, d);
	else
		page_raw(pg, "1970-01-01T00:00:00Z");
}

/* base_url (with its slash) + "hits.atom" + the feed's filters */
static void
put_self(struct page *pg, const struct page_feed *f, int slash)
{
	int first = 1;

	page_url(pg, f->base_url);
	page_raw(pg, slash ? "hits.atom" : "/hits.atom");
	page_query(pg, &first, "rule", f->rule);
	page_query(pg, &first, "tag", f->tag);
}

/* base_url (with its slash) + the hits page "/" with the feed's filters: the same hits */
static void
put_alternate(struct page *pg, const struct page_feed *f, int slash)
{
	int first = 1;

	page_url(pg, f->base_url);
	if (!slash)
		page_raw(pg, "/");
	page_query(pg, &first, "rule", f->rule);
	page_query(pg, &first, "tag", f->tag);
}

int
page_atom(struct page *pg, const struct page_feed *f, const struct page_hit *hits, size_t n)
{
	const char *base = f->base_url;
	int slash;

	if (base == NULL || !is_abs_http(base))
		return -1;
	slash = base[strlen(base) - 1] == '/';
	page_raw(pg, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	             "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>");
	if (f->title != NULL && *f->title) {
		page_str(pg, f->title);
	} else {
		/* by its filters: a reader's two subscriptions are told apart */
		page_raw(pg, "hark: hits");
		if (f->rule != NULL && *f->rule) {
			page_raw(pg, " of rule '");
			page_str(pg, f->rule);
			page_raw(pg, "'");
		}
		if (f->tag != NULL && *f->tag) {
			page_raw(pg, " tagged '");
			page_str(pg, f->tag);
			page_raw(pg, "'");
		}
	}
	page_raw(pg, "</title>\n<id>");
	put_self(pg, f, slash);
	page_raw(pg, "</id>\n<updated>");
	{
		/* the newest hit's date, whatever the order; else now */
		char best[21] = "", d[21];

		for (size_t i = 0; i < n; i++)
			if (hits[i].detected_at != NULL &&
			    date_normalize(hits[i].detected_at, d) == 0 && strcmp(d, best) > 0)
				memcpy(best, d, sizeof(d));
		put_date(pg, best[0] ? best : NULL, f->now);
	}
	page_raw(pg, "</updated>\n<author><name>hark</name></author>\n"
	             "<generator>hark</generator>\n<link rel=\"self\" "
	             "type=\"application/atom+xml\" href=\"");
	put_self(pg, f, slash);
	page_raw(pg, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	put_alternate(pg, f, slash);
	page_raw(pg, "\"/>\n");
	for (size_t i = 0; i < n; i++) {
		const struct page_hit *h = &hits[i];
		struct page html = {0};
		char *s;
		size_t len;

		page_raw(pg, "<entry>\n<id>");
		put_hit_urn(pg, h->id);
		page_raw(pg, "</id>\n<title>");
		page_str(pg, h->rule_name != NULL && *h->rule_name ? h->rule_name : h->rule_id);
		page_raw(pg, ": ");
		page_str(pg, h->title != NULL && *h->title ? h->title : "(no title)");
		page_raw(pg, "</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
		if (h->url != NULL && is_abs_http(h->url)) {
			page_url(pg, h->url);
		} else {
			page_url(pg, base);
			page_raw(pg, slash ? "articles/" : "/articles/");
			page_path(pg, h->article_id);
		}
		page_raw(pg, "\"/>\n<updated>");
		put_date(pg, h->detected_at, f->now);
		page_raw(pg, "</updated>\n<content type=\"html\">");
		/* the snippet as HTML, then that HTML escaped as the element's text */
		page_raw(&html, "<p dir=\"auto\">");
		page_marked(&html, h->snippet, h->snippet ? h->snippet_len : 0, h->marks,
		            h->nmarks);
		page_raw(&html, "</p>");
		if ((s = page_take(&html, &len)) == NULL) {
			pg->oom = 1;
			return 0;
		}
		page_text(pg, s, len);
		free(s);
		page_raw(pg, "</content>\n</entry>\n");
	}
	page_raw(pg, "</feed>\n");
	return 0;
}

void
page_chart(struct page *pg, const unsigned *counts, size_t n)
{
	unsigned long long total = 0;
	unsigned max = 0;
	char buf[256];
	const int w = 4, gap = 1, h = 40;

	for (size_t i = 0; i < n; i++) {
		total += counts[i];
		if (counts[i] > max)
			max = counts[i];
	}
	snprintf(buf, sizeof(buf),
	         "Hits per day over the last %zu days: %llu in all, at most %u in a day", n, total,
	         max);
	page_raw(pg, "<svg class=\"chart\" role=\"img\" aria-label=\"");
	page_raw(pg, buf);
	snprintf(buf, sizeof(buf),
	         "\" viewBox=\"0 0 %zu %d\" preserveAspectRatio=\"none\" "
	         "xmlns=\"http://www.w3.org/2000/svg\"><title>",
	         n > 0 ? n * (size_t)(w + gap) : 1, h);
	page_raw(pg, buf);
	snprintf(buf, sizeof(buf),
	         "Hits per day over the last %zu days: %llu in all, at most %u in a day", n, total,
	         max);
	page_raw(pg, buf);
	page_raw(pg, "</title>");
	for (size_t i = 0; i < n; i++) {
		unsigned bh;

		if (counts[i] == 0)
			continue;
		/* at least one unit tall, so a single hit shows */
		bh = (unsigned)(((unsigned long long)counts[i] * (unsigned)h + max - 1) / max);
		snprintf(buf, sizeof(buf), "<rect x=\"%zu\" y=\"%u\" width=\"%d\" height=\"%u\"/>",
		         i * (size_t)(w + gap), (unsigned)h - bh, w, bh);
		page_raw(pg, buf);
	}
	page_raw(pg, "</svg>");
}
