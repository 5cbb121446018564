/*
 * bench_html: throughput of html_extract(), single thread.
 *
 * Generates deterministic news pages of about 20 KB each (a head with
 * meta tags, scripts and a style sheet, a site header and nav, an article
 * whose paragraphs hold spans, links and character references in French,
 * English and Arabic, an aside and a footer), about 32 MB in all, extracts
 * them all three times and prints the best round in MB/s of input. Not a
 * test: it prints one line and exits 0 unless extraction fails.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "article.h"
#include "html.h"

#define BENCH_PAGE (20u << 10)
#define BENCH_TARGET (32u << 20)
#define BENCH_ROUNDS 3

static const char *const words[] = {
    "conseil",    "municipal",
    "budget",     "l&rsquo;année",
    "élus",       "dépenses",
    "éclairage",  "regional",
    "water",      "authority",
    "reservoir",  "levels",
    "residents",  "garden",
    "rapport",    "Institut",
    "production", "blé",
    "sécheresse", "engrais",
    "officials",  "port",
    "cargo",      "ships",
    "delayed",    "storm",
    "traffic",    "Wednesday",
    "المتحدث",    "وزارة",
    "الزراعة",    "إنتاج",
    "القمح",      "الأمطار",
    "الحكومة",    "المزارعين",
    "البلدية",    "&laquo;accord&raquo;",
    "4,5&nbsp;%", "&#8212;",
    "prix",       "marché",
    "hausse",
};

static const char *const wraps[][2] = {
    {"<span class=\"hl\">", "</span>"},
    {"<a href=\"/sujet/", "</a>"}, /* completed with a slug */
    {"<strong>", "</strong>"},
    {"<em>", "</em>"},
};

static const char script_block[] =
    "<script>(function(w,d){var q=w.q=w.q||[];function t(e,p){q.push([e,p,Date.now()]);}"
    "d.addEventListener('click',function(ev){var a=ev.target.closest('a');if(a&&a.href)"
    "t('click',{href:a.href,text:a.textContent.slice(0,80)});});w.addEventListener('load',"
    "function(){t('load',{path:location.pathname,ref:document.referrer});});"
    "for(var i=0;i<8;i++){if(i%2===0){t('tick',{i:i});}}})(window,document);</script>\n";

static const char style_block[] =
    "<style>body{font-family:Georgia,serif;margin:0;color:#222}.site-header{display:flex;"
    "justify-content:space-between;padding:8px 16px;border-bottom:1px solid #ddd}"
    ".article p{line-height:1.6;margin:0 0 1em}.article h2{font-size:1.3em}"
    "nav ul{list-style:none;display:flex;gap:12px}.pub{min-height:250px}"
    "@media (max-width:600px){.site-header{flex-direction:column}}</style>\n";

struct gen {
	char *buf;
	size_t len, cap;
	uint64_t rng;
};

static uint32_t
gen_rand(struct gen *g)
{
	g->rng = g->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(g->rng >> 33);
}

static void
gen_put(struct gen *g, const char *s)
{
	size_t n = strlen(s);
	char *p;

	if (g->len + n + 1 > g->cap) {
		g->cap = (g->len + n + 1) * 2;
		if ((p = realloc(g->buf, g->cap)) == NULL) {
			fprintf(stderr, "bench_html: out of memory\n");
			exit(1);
		}
		g->buf = p;
	}
	memcpy(g->buf + g->len, s, n + 1);
	g->len += n;
}

static const char *
gen_word(struct gen *g)
{
	return words[gen_rand(g) % (sizeof(words) / sizeof(words[0]))];
}

static void
gen_paragraph(struct gen *g)
{
	unsigned n = 40 + gen_rand(g) % 50, i, w;
	char slug[32];

	gen_put(g, "<p>");
	for (i = 0; i < n; i++) {
		if (i > 0)
			gen_put(g, " ");
		if (gen_rand(g) % 9 == 0) {
			w = gen_rand(g) % 4;
			gen_put(g, wraps[w][0]);
			if (w == 1) {
				snprintf(slug, sizeof(slug), "%u\">", gen_rand(g) % 100000);
				gen_put(g, slug);
			}
			gen_put(g, gen_word(g));
			gen_put(g, wraps[w][1]);
		} else {
			gen_put(g, gen_word(g));
		}
	}
	gen_put(g, ".</p>\n");
}

/* One page of about BENCH_PAGE bytes at the end of g->buf. */
static void
gen_page(struct gen *g, unsigned id)
{
	size_t start = g->len;
	char line[512];
	unsigned i;

	snprintf(line, sizeof(line),
	         "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
	         "<title>Article %u &#8211; %s %s | Le Quotidien</title>\n"
	         "<meta property=\"og:title\" content=\"Article %u\">\n"
	         "<meta property=\"og:description\" content=\"Résumé de l'article %u.\">\n"
	         "<meta property=\"article:published_time\" content=\"2024-%02u-%02uT08:00:00Z\">\n"
	         "<link rel=\"canonical\" href=\"https://quotidien.example/a/%u\">\n",
	         id, gen_word(g), gen_word(g), id, id, 1 + id % 12, 1 + id % 28, id);
	gen_put(g, line);
	for (i = 0; i < 3; i++)
		gen_put(g, script_block);
	gen_put(g, style_block);
	gen_put(g, "</head>\n<body>\n<header class=\"site-header\"><a class=\"logo\" href=\"/\">"
	           "Le Quotidien</a><nav><ul>");
	for (i = 0; i < 8; i++) {
		snprintf(line, sizeof(line), "<li><a href=\"/rubrique/%u\">%s</a></li>", i,
		         gen_word(g));
		gen_put(g, line);
	}
	gen_put(g, "</ul></nav></header>\n<div class=\"pub\" aria-hidden=\"true\"></div>\n"
	           "<main><article class=\"article\">\n<header><h1>");
	gen_put(g, gen_word(g));
	gen_put(g, " ");
	gen_put(g, gen_word(g));
	gen_put(g, "</h1><p class=\"byline\">Par <a href=\"/auteur/1\">Claire Martin</a>, "
	           "<time datetime=\"2024-05-02\">2 mai</time></p></header>\n");
	while (g->len - start < BENCH_PAGE - 2500) {
		gen_paragraph(g);
		if (gen_rand(g) % 6 == 0) {
			gen_put(g, "<h2>");
			gen_put(g, gen_word(g));
			gen_put(g, "</h2>\n");
		}
	}
	gen_put(g, "<aside class=\"lire\"><h3>Lire aussi</h3><ul>");
	for (i = 0; i < 5; i++) {
		snprintf(line, sizeof(line), "<li><a href=\"/a/%u\">%s %s</a></li>", id + i + 1,
		         gen_word(g), gen_word(g));
		gen_put(g, line);
	}
	gen_put(g, "</ul></aside>\n<footer>Mots-clés : <a href=\"/t/1\">économie</a></footer>\n"
	           "</article></main>\n<footer class=\"site-footer\"><p>&copy; 2024 Le Quotidien "
	           "&mdash; Mentions légales &middot; Contact</p></footer>\n");
	gen_put(g, script_block);
	gen_put(g, "</body>\n</html>\n");
}

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(void)
{
	struct gen g = {NULL, 0, 0, 42};
	struct article a;
	size_t *off, npages = 0, cap = 0, i, total;
	double best = 0, t0, dt;
	char err[160];
	int r;

	off = NULL;
	while (g.len < BENCH_TARGET) {
		if (npages + 2 > cap) {
			cap = cap ? cap * 2 : 1024;
			if ((off = realloc(off, cap * sizeof(*off))) == NULL)
				return 1;
		}
		off[npages++] = g.len;
		gen_page(&g, (unsigned)npages);
	}
	off[npages] = g.len;
	total = g.len;
	for (r = 0; r < BENCH_ROUNDS; r++) {
		t0 = bench_now();
		for (i = 0; i < npages; i++) {
			memset(&a, 0, sizeof(a));
			if (html_extract(g.buf + off[i], off[i + 1] - off[i], &a, NULL, 0, err,
			                 sizeof(err)) < 0) {
				fprintf(stderr, "bench_html: page %zu: %s\n", i, err);
				return 1;
			}
			article_free(&a);
		}
		dt = bench_now() - t0;
		if (best == 0 || dt < best)
			best = dt;
	}
	printf("html_extract: %zu pages, %.1f MB, %.1f MB/s\n", npages, (double)total / 1e6,
	       (double)total / 1e6 / best);
	free(off);
	free(g.buf);
	return 0;
}
