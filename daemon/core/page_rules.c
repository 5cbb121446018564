/*
 * page_rules.c: the rules pages "/rules" and "/rules/ID" (page.h). Rules are
 * the user's own text, escaped all the same: literal markup goes through
 * page_raw(), every value through page_str(), page_path() or page_query().
 */
#include <stdio.h>
#include <string.h>

#include "page.h"

/* <tr><th scope="row">LABEL</th><td>, the row's value to follow */
static void
row_open(struct page *pg, const char *label)
{
	page_raw(pg, "<tr><th scope=\"row\">");
	page_raw(pg, label);
	page_raw(pg, "</th><td>");
}

static void
row_close(struct page *pg)
{
	page_raw(pg, "</td></tr>\n");
}

/* a row of words (stranger text), each in its own element; empty: none_text (ours) */
static void
row_words(struct page *pg, const char *label, const char *const *v, size_t n, const char *none_text)
{
	row_open(pg, label);
	if (n == 0)
		page_raw(pg, none_text);
	for (size_t i = 0; i < n; i++) {
		page_raw(pg, i > 0 ? " <span dir=\"auto\">" : "<span dir=\"auto\">");
		page_str(pg, v[i]);
		page_raw(pg, "</span>");
	}
	row_close(pg);
}

static void
row_count(struct page *pg, const char *label, long long n)
{
	char buf[32];

	row_open(pg, label);
	snprintf(buf, sizeof(buf), "%lld", n);
	page_raw(pg, buf);
	row_close(pg);
}

/* href of /rules/ID */
static void
put_rule_href(struct page *pg, const char *id)
{
	page_raw(pg, "/rules/");
	page_path(pg, id);
}

/* The facts and chart of one rule: a table.facts, the chart, the links. */
static void
put_rule_facts(struct page *pg, const struct page_rule *r)
{
	int first = 1;
	char line[32];

	page_raw(pg, "<table class=\"facts\">\n");
	row_open(pg, "Id");
	page_raw(pg, "<span dir=\"auto\">");
	page_str(pg, r->id);
	page_raw(pg, "</span>");
	row_close(pg);
	row_open(pg, "Tags");
	if (r->ntags == 0)
		page_raw(pg, "-");
	for (size_t i = 0; i < r->ntags; i++) {
		int tfirst = 1;

		/* a tag filters the hits by it, as on "/" */
		page_raw(pg, i > 0 ? " <a class=\"tag\" href=\"/" : "<a class=\"tag\" href=\"/");
		page_query(pg, &tfirst, "tag", r->tags[i]);
		page_raw(pg, "\" dir=\"auto\">");
		page_str(pg, r->tags[i]);
		page_raw(pg, "</a>");
	}
	row_close(pg);
	row_open(pg, "Query");
	page_raw(pg, "<code class=\"query\" dir=\"auto\">");
	page_str(pg, r->query);
	page_raw(pg, "</code>");
	row_close(pg);
	row_words(pg, "Language", r->langs, r->nlangs, "any");
	row_open(pg, "Enabled");
	page_raw(pg, r->enabled ? "yes" : "no");
	row_close(pg);
	/* a muted rule's hits are stored, not alerted (hark mute) */
	row_open(pg, "Muted");
	if (r->muted_until != NULL) {
		page_raw(pg, "<span class=\"muted\">muted until ");
		page_time(pg, r->muted_until);
		page_raw(pg, "</span>");
	} else {
		page_raw(pg, "no");
	}
	row_close(pg);
	/* no notify key: every webhook that selects the rule (RULES.md) */
	row_words(pg, "Notifies", r->notify, r->nnotify, "every webhook that selects it");
	row_count(pg, "Hits, 24 h", r->hits_24h);
	row_count(pg, "Hits, 7 days", r->hits_7d);
	row_count(pg, "Hits, 30 days", r->hits_30d);
	row_open(pg, "Last hit");
	if (r->last_hit != NULL) {
		page_time(pg, r->last_hit);
	} else {
		page_raw(pg, "never");
	}
	row_close(pg);
	row_open(pg, "Defined in");
	page_raw(pg, "<span dir=\"auto\">");
	page_str(pg, r->file != NULL ? r->file : "-");
	page_raw(pg, "</span>");
	if (r->line > 0) {
		snprintf(line, sizeof(line), ":%u", r->line);
		page_raw(pg, line);
	}
	row_close(pg);
	page_raw(pg, "</table>\n<figure class=\"chart\">");
	page_chart(pg, r->per_day, r->per_day != NULL ? r->ndays : 0);
	page_raw(pg,
	         "<figcaption>Hits per day</figcaption></figure>\n<p class=\"links\"><a href=\"/");
	page_query(pg, &first, "rule", r->id);
	page_raw(pg, "\">Its hits</a></p>\n");
}

static const char *
rule_title(const struct page_rule *r)
{
	return r->name != NULL && *r->name != '\0' ? r->name : r->id;
}

void
page_rules(struct page *pg, const struct page_rule *rules, size_t n)
{
	page_begin(pg, "Rules", PAGE_NAV_RULES);
	page_raw(pg, "<h1>Rules</h1>\n");
	if (n == 0)
		page_raw(pg, "<p class=\"empty\">No rules.</p>\n");
	for (size_t i = 0; i < n; i++) {
		page_raw(pg, "<section class=\"rule\">\n<h2><a href=\"");
		put_rule_href(pg, rules[i].id);
		page_raw(pg, "\" dir=\"auto\">");
		page_str(pg, rule_title(&rules[i]));
		page_raw(pg, "</a></h2>\n");
		put_rule_facts(pg, &rules[i]);
		page_raw(pg, "</section>\n");
	}
	page_end(pg);
}

/*
 * The forms that mute the rule for a while or end its mute (POST
 * /rules/ID/mute with for=LENGTH, /rules/ID/unmute): the same as hark mute.
 */
static void
put_mute_forms(struct page *pg, const struct page_rule *r)
{
	static const struct {
		const char *len, *label;
	} lens[] = {{"1h", "1 hour"}, {"12h", "12 hours"}, {"2d", "2 days"}, {"1w", "1 week"}};

	page_raw(pg, "<form class=\"mute\" method=\"post\" action=\"");
	put_rule_href(pg, r->id);
	page_raw(pg, "/mute\"><span>Mute its alerts for</span>");
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		page_raw(pg, " <button type=\"submit\" name=\"for\" value=\"");
		page_raw(pg, lens[i].len);
		page_raw(pg, "\">");
		page_raw(pg, lens[i].label);
		page_raw(pg, "</button>");
	}
	page_raw(pg, "</form>\n");
	if (r->muted_until != NULL) {
		page_raw(pg, "<form class=\"mute\" method=\"post\" action=\"");
		put_rule_href(pg, r->id);
		page_raw(pg, "/unmute\"><button type=\"submit\">Unmute</button></form>\n");
	}
}

void
page_rule(struct page *pg, const struct page_rule *r, const struct page_hit *hits, size_t nhits)
{
	page_begin(pg, rule_title(r), PAGE_NAV_RULES);
	page_raw(pg, "<h1 dir=\"auto\">");
	page_str(pg, rule_title(r));
	page_raw(pg, "</h1>\n");
	put_rule_facts(pg, r);
	put_mute_forms(pg, r);
	page_raw(pg, "<section>\n<h2>Recent hits</h2>\n");
	page_hit_list(pg, hits, nhits, 1);
	page_raw(pg, "</section>\n");
	page_end(pg);
}

void
page_rule_gone(struct page *pg, const char *id, const struct page_hit *hits, size_t nhits, int more)
{
	int first = 1;

	page_begin(pg, id, PAGE_NAV_RULES);
	page_raw(pg, "<h1 dir=\"auto\">");
	page_str(pg, id);
	page_raw(pg, "</h1>\n<p class=\"gone\" role=\"status\">This rule is no longer in the rule "
	             "files: it matches nothing new. Its stored hits stay: <a href=\"/");
	page_query(pg, &first, "rule", id);
	page_raw(pg, "\">all its hits</a>.</p>\n<section>\n<h2>");
	page_raw(pg, more ? "Its latest hits" : "Its hits");
	page_raw(pg, "</h2>\n");
	page_hit_list(pg, hits, nhits, 1);
	page_raw(pg, "</section>\n");
	page_end(pg);
}
