/*
 * page_ops.c: the pages /feeds and /deliveries (page_ops.h). Every value
 * goes out through page.h's escaping helpers; page_raw only for the
 * markup written here.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "page_ops.h"

/* <td dir="auto">s</td>, s stranger text (NULL or empty: "-"). */
static void
put_td(struct page *pg, const char *s)
{
	page_raw(pg, "<td dir=\"auto\">");
	page_str(pg, s != NULL && *s != '\0' ? s : "-");
	page_raw(pg, "</td>");
}

/* A cell of a time (page_time: harkd's zone, the UTC instant in datetime), else what to say. */
static void
put_td_time(struct page *pg, const char *t, const char *none)
{
	page_raw(pg, "<td>");
	if (t != NULL && *t != '\0')
		page_time(pg, t);
	else
		page_str(pg, none);
	page_raw(pg, "</td>");
}

static void
put_int(struct page *pg, long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	page_raw(pg, buf);
}

void
page_feeds(struct page *pg, const struct page_feed_row *feeds, size_t n)
{
	page_begin(pg, "Feeds", PAGE_NAV_FEEDS);
	page_raw(pg, "<h1>Feeds</h1>\n");
	if (n == 0) {
		page_raw(pg, "<p class=\"empty\">No feed has been polled.</p>\n");
		page_end(pg);
		return;
	}
	/* a region of its own that scrolls sideways on a phone (hark.css), and
	 * may take the focus to be scrolled with the keys */
	page_raw(pg, "<div class=\"scroll\" role=\"region\" aria-label=\"Feeds\" tabindex=\"0\">\n"
	             "<table class=\"list\">\n<tbody>\n<tr><th scope=\"col\">Feed</th>"
	             "<th scope=\"col\">State</th><th scope=\"col\">Last success</th>"
	             "<th scope=\"col\">Last error</th><th scope=\"col\">Next poll</th>"
	             "<th scope=\"col\">Address</th></tr>\n");
	for (size_t i = 0; i < n; i++) {
		const struct page_feed_row *f = &feeds[i];
		const char *state = f->gone                 ? "gone"
		                    : f->last_error == NULL ? "ok"
		                    : f->warning            ? "warning"
		                                            : "failing";

		page_raw(pg, "<tr class=\"feed\">");
		put_td(pg, f->name);
		page_raw(pg, "<td class=\"state-");
		page_raw(pg, state);
		page_raw(pg, "\">");
		page_raw(pg, state);
		page_raw(pg, "</td>");
		put_td_time(pg, f->last_ok, "never");
		put_td(pg, f->last_error);
		put_td_time(pg, f->gone ? NULL : f->next_poll, f->gone ? "never (gone)" : "-");
		page_raw(pg, "<td>");
		/* an address refused as a link is shown as text only */
		page_link(pg, f->url, f->url, f->url != NULL ? strlen(f->url) : 0);
		page_raw(pg, "</td></tr>\n");
	}
	page_raw(pg, "</tbody>\n</table>\n</div>\n");
	page_end(pg);
}

static void
put_delivery(struct page *pg, const struct page_delivery *d, int held)
{
	char id[32];

	snprintf(id, sizeof(id), "%" PRId64, d->id);
	page_raw(pg, "<tr class=\"delivery\"><td>");
	page_raw(pg, id);
	page_raw(pg, "</td>");
	/* a disabled webhook's pending one waits for it, not for a time */
	put_td(pg, held ? "held: webhook disabled" : d->state);
	page_raw(pg, "<td dir=\"auto\">");
	page_str(pg, d->rule != NULL ? d->rule : "-");
	page_raw(pg, " <span class=\"meta\">");
	page_str(pg, d->hit);
	page_raw(pg, "</span></td>");
	put_td_time(pg, d->created, "-");
	page_raw(pg, "<td>");
	put_int(pg, d->attempts);
	page_raw(pg, "</td><td>");
	if (d->last_status > 0)
		put_int(pg, d->last_status);
	else
		page_raw(pg, "-");
	page_raw(pg, "</td>");
	put_td(pg, d->last_error);
	put_td_time(pg,
	            !held && d->state != NULL && strcmp(d->state, "pending") == 0 ? d->next_attempt
	                                                                          : NULL,
	            "-");
	page_raw(pg, "<td>");
	if (d->state != NULL && strcmp(d->state, "dead") == 0) {
		page_raw(pg, "<form method=\"post\" action=\"/deliveries/");
		page_raw(pg, id);
		page_raw(pg, "/retry\"><button type=\"submit\">Send again</button></form>");
	}
	page_raw(pg, "</td></tr>\n");
}

/* The webhook named name among off, or NULL. */
static const struct page_webhook_off *
webhook_off(const struct page_webhook_off *off, size_t noff, const char *name)
{
	for (size_t i = 0; i < noff; i++)
		if (off[i].name != NULL && strcmp(off[i].name, name) == 0)
			return &off[i];
	return NULL;
}

/*
 * A webhook's section heading; a disabled one says so and how to enable
 * it again (hark.conf(5): a 410 disables it until its configuration
 * changes).
 */
static void
put_webhook_head(struct page *pg, const char *name, const struct page_webhook_off *w)
{
	page_raw(pg, "<section class=\"webhook\">\n<h2 dir=\"auto\">");
	page_str(pg, name);
	if (w != NULL)
		page_raw(pg, " <span class=\"meta\">(disabled)</span>");
	page_raw(pg, "</h2>\n");
	if (w == NULL)
		return;
	page_raw(pg, "<p class=\"gone\" role=\"status\">Disabled");
	if (w->since != NULL) {
		page_raw(pg, " since ");
		page_time(pg, w->since);
	}
	page_raw(pg, ": its receiver answered ");
	page_str(pg, w->reason != NULL ? w->reason : "410 Gone");
	/* outbox.c's hook_fingerprint(): what a change of enables it again */
	page_raw(pg, ". Its pending deliveries are held, not sent, until its configuration "
	             "changes: give it a new <code>url</code> (or <code>format</code>, "
	             "<code>secret</code>, <code>topic</code>) in the <code>[webhook ");
	page_str(pg, name);
	page_raw(pg, "]</code> section of hark.conf and reload harkd (<code>systemctl reload "
	             "harkd</code> or SIGHUP); they are sent then.</p>\n");
}

void
page_deliveries(struct page *pg, const struct page_delivery *d, size_t n,
                const struct page_webhook_off *off, size_t noff, const char *notice)
{
	page_begin(pg, "Deliveries", PAGE_NAV_DELIVERIES);
	page_raw(pg, "<h1>Deliveries</h1>\n");
	if (notice != NULL && *notice != '\0') {
		/* said to a screen reader too, as the page loads after the form's POST */
		page_raw(pg, "<p class=\"cut\" role=\"status\">");
		page_str(pg, notice);
		page_raw(pg, "</p>\n");
	}
	if (n == 0)
		page_raw(pg, "<p class=\"empty\">No delivery is pending or dead.</p>\n");
	/* a section per webhook, in the order they first appear; quadratic in few webhooks */
	for (size_t i = 0; i < n; i++) {
		const struct page_webhook_off *w = webhook_off(off, noff, d[i].webhook);
		size_t j;

		for (j = 0; j < i && strcmp(d[j].webhook, d[i].webhook) != 0; j++)
			;
		if (j < i)
			continue; /* shown with its webhook's first */
		put_webhook_head(pg, d[i].webhook, w);
		page_raw(pg, "<div class=\"scroll\" role=\"region\" aria-label=\"Deliveries to ");
		page_str(pg, d[i].webhook);
		page_raw(pg,
		         "\" tabindex=\"0\">\n<table class=\"list\">\n<tbody>\n<tr><th "
		         "scope=\"col\">Id</th>"
		         "<th scope=\"col\">State</th><th scope=\"col\">Rule, hit</th>"
		         "<th scope=\"col\">Created</th><th scope=\"col\">Attempts</th>"
		         "<th scope=\"col\">Last status</th><th scope=\"col\">Last error</th>"
		         "<th scope=\"col\">Next attempt</th><th scope=\"col\">Retry</th></tr>\n");
		for (j = i; j < n; j++)
			if (strcmp(d[j].webhook, d[i].webhook) == 0)
				put_delivery(pg, &d[j],
				             w != NULL && d[j].state != NULL &&
				                 strcmp(d[j].state, "pending") == 0);
		page_raw(pg, "</tbody>\n</table>\n</div>\n</section>\n");
	}
	/* a disabled webhook with nothing pending or dead: said all the same */
	for (size_t k = 0; k < noff; k++) {
		size_t j;

		if (off[k].name == NULL)
			continue;
		for (j = 0; j < n && strcmp(d[j].webhook, off[k].name) != 0; j++)
			;
		if (j < n)
			continue;
		put_webhook_head(pg, off[k].name, &off[k]);
		page_raw(pg, "</section>\n");
	}
	page_end(pg);
}
