/*
 * Unit tests for feed.c: RSS 0.90-2.0, RDF, Atom 0.3/1.0 and JSON Feed into
 * entries; link resolution; recovery of ill-formed feeds; entity, nesting
 * and size bounds. Fixtures are in tests/extract/feed/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "feed.h"

/* A fixture's bytes (malloc'd, NUL-terminated) and length. */
static char *
fixture(const char *name, size_t *len)
{
	const char *dir = getenv("HARK_TESTDATA");
	char path[1024];
	FILE *fp;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/extract/feed/%s", dir ? dir : "tests", name);
	fp = fopen(path, "rb");
	if (fp == NULL)
		fail_msg("cannot open %s (set HARK_TESTDATA)", path);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

/* Parse a fixture that must parse; its sniff must say it is a feed. */
static void
parse_fixture(const char *name, const char *base, struct feed *f)
{
	char err[200] = "unset";
	size_t len;
	char *s = fixture(name, &len);

	assert_int_equal(feed_sniff(s, len), 1);
	if (feed_parse(s, len, base, f, err, sizeof(err)) != 0)
		fail_msg("%s: %s", name, err);
	assert_string_equal(err, "");
	free(s);
}

/* Parse text that must fail; returns the reason in err. */
static void
parse_fails(const char *s, size_t len, char *err, size_t errsz)
{
	struct feed f;

	assert_int_equal(feed_parse(s, len, NULL, &f, err, errsz), -1);
	assert_null(f.entries);
	assert_int_equal(f.nentries, 0);
	assert_null(f.title);
}

#define assert_str_or_null(a, b)                                                                   \
	do {                                                                                       \
		if ((b) == NULL)                                                                   \
			assert_null(a);                                                            \
		else                                                                               \
			assert_string_equal((a), (b));                                             \
	} while (0)

static void
test_rss091(void **state)
{
	struct feed f;
	const struct article *a;

	(void)state;
	parse_fixture("rss091.xml", NULL, &f);
	assert_string_equal(f.format, "rss0.91");
	assert_string_equal(f.title, "Harbour Town Gazette");
	assert_string_equal(f.link, "http://gazette.example.org/");
	assert_string_equal(f.lang, "en-gb");
	/* &eacute; comes from the Netscape DTD, which is never loaded */
	assert_int_equal(f.recovered, 1);
	assert_string_equal(f.warning,
	                    "line 13: undeclared entity &eacute; read as its HTML character");
	assert_int_equal(f.nentries, 2);
	a = &f.entries[0].a;
	assert_string_equal(a->title, "Ferry timetable changes from Monday");
	assert_string_equal(a->url, "http://gazette.example.org/news/ferry-timetable");
	assert_string_equal(a->summary,
	                    "The morning crossing now leaves at 7:15, and the caf\u00e9 on deck "
	                    "reopens.");
	assert_null(a->id);
	assert_null(a->body);
	assert_null(a->published);
	assert_int_equal(a->nauthors, 0);
	assert_string_equal(a->lang, "en-gb");
	assert_int_equal(f.entries[0].title_html, 0);
	assert_int_equal(f.entries[0].summary_html, 1);
	assert_int_equal(f.entries[0].body_html, 0);
	/* relative to the channel's link */
	assert_string_equal(f.entries[1].a.url, "http://gazette.example.org/news/lighthouse");
	feed_free(&f);
	assert_null(f.entries);
	assert_int_equal(f.nentries, 0);
}

static void
test_rss092_base_url(void **state)
{
	struct feed f;

	(void)state;
	parse_fixture("rss092.xml", "https://radio.example.net/podcast/feed.xml", &f);
	assert_string_equal(f.format, "rss0.92");
	assert_string_equal(f.title, "Radio Quartier");
	assert_null(f.link);
	assert_string_equal(f.lang, "fr");
	assert_int_equal(f.recovered, 0);
	assert_string_equal(f.warning, "");
	assert_int_equal(f.nentries, 2);
	/* no title, still an entry; no channel link: the feed's own URL resolves */
	assert_null(f.entries[0].a.title);
	assert_string_equal(f.entries[0].a.url, "https://radio.example.net/podcast/episodes/12");
	assert_string_equal(
	    f.entries[0].a.summary,
	    "Chronique du jeudi : le march\u00e9 couvert rouvre ses portes apr\u00e8s "
	    "six mois de travaux.");
	assert_string_equal(f.entries[1].a.title, "Entretien avec la maire");
	assert_string_equal(f.entries[1].a.url, "https://radio.example.net/podcast/episodes/13");
	feed_free(&f);

	/* without a base, a relative link is kept as found */
	parse_fixture("rss092.xml", NULL, &f);
	assert_string_equal(f.entries[0].a.url, "episodes/12");
	feed_free(&f);
}

static void
test_rss20(void **state)
{
	struct feed f;
	const struct feed_entry *e;

	(void)state;
	parse_fixture("rss20.xml", "https://elsewhere.example.com/", &f);
	assert_string_equal(f.format, "rss2.0");
	assert_string_equal(f.title, "Le Journal du Port");
	/* relative channel link, resolved against the channel's xml:base */
	assert_string_equal(f.link, "https://journal.example.fr/actualites/");
	assert_string_equal(f.lang, "fr-FR");
	assert_int_equal(f.recovered, 0);
	assert_int_equal(f.nentries, 4); /* the empty <item> is skipped */

	e = &f.entries[0];
	assert_string_equal(e->a.id, "jdp-2024-0312");
	assert_string_equal(e->a.title, "Gr\u00e8ve des dockers : les quais \u00e0 l'arr\u00eat");
	assert_string_equal(e->a.url, "https://journal.example.fr/2024/03/greve-dockers.html");
	assert_string_equal(e->a.summary,
	                    "<p>Les dockers ont cess\u00e9 le travail <b>mardi</b> \u00e0 "
	                    "l'aube.</p>");
	assert_string_equal(e->a.body, "<p>Les dockers ont cess\u00e9 le travail mardi \u00e0 "
	                               "l'aube.</p>\n<p>Le syndicat r\u00e9clame une hausse des "
	                               "salaires & des primes.</p>");
	assert_string_equal(e->a.published, "Tue, 12 Mar 2024 06:30:00 +0100");
	assert_null(e->a.updated);
	assert_int_equal(e->a.nauthors, 2);
	assert_string_equal(e->a.authors[0], "Camille Roux");
	/* "email (Name)" names Name */
	assert_string_equal(e->a.authors[1], "La r\u00e9daction");
	assert_string_equal(e->a.lang, "fr-FR");
	assert_int_equal(e->title_html, 0);
	assert_int_equal(e->summary_html, 1);
	assert_int_equal(e->body_html, 1);

	e = &f.entries[1];
	assert_string_equal(e->a.title,
	                    "\u0627\u0641\u062a\u062a\u0627\u062d \u0645\u0639\u0631\u0636 "
	                    "\u0627\u0644\u0643\u062a\u0627\u0628 \u0641\u064a "
	                    "\u0627\u0644\u0645\u062f\u064a\u0646\u0629");
	/* the item's own xml:base wins over the channel's */
	assert_string_equal(e->a.url, "https://arabe.example.fr/ar/maarid-alkitab");
	assert_string_equal(e->a.id, "https://arabe.example.fr/ar/maarid-alkitab");
	assert_string_equal(e->a.published, "2024-03-14T09:00:00Z"); /* dc:date */
	assert_string_equal(e->a.lang, "ar");                        /* dc:language */
	assert_int_equal(e->a.nauthors, 1);
	assert_string_equal(e->a.authors[0],
	                    "\u0633\u0644\u0645\u0649 \u0627\u0644\u062d\u0633\u064a\u0646\u064a");
	assert_null(e->a.body);
	assert_int_equal(e->body_html, 0);

	/* a permalink guid is the link when there is none */
	e = &f.entries[2];
	assert_string_equal(e->a.title, "Mar\u00e9e haute ce week-end");
	assert_string_equal(e->a.url, "https://journal.example.fr/2024/03/maree-haute");
	assert_string_equal(e->a.id, "https://journal.example.fr/2024/03/maree-haute");
	assert_null(e->a.summary);
	assert_int_equal(e->summary_html, 0);

	/* isPermaLink="false": an id, never a link, even when it looks like one */
	e = &f.entries[3];
	assert_null(e->a.title);
	assert_null(e->a.url);
	assert_string_equal(e->a.id, "https://journal.example.fr/brouillon/42");
	assert_string_equal(e->a.summary, "Un court texte sans titre ni lien.");
	feed_free(&f);
}

static void
test_rss10_rdf(void **state)
{
	struct feed f;
	const struct feed_entry *e;

	(void)state;
	parse_fixture("rss10.rdf", NULL, &f);
	assert_string_equal(f.format, "rss1.0");
	assert_string_equal(f.title, "Field Notes");
	assert_string_equal(f.link, "https://science.example.com/");
	assert_string_equal(f.lang, "en");
	assert_int_equal(f.nentries, 2);
	e = &f.entries[0];
	assert_string_equal(e->a.id, "https://science.example.com/notes/glacier");
	assert_string_equal(e->a.title, "The glacier retreated forty metres this summer");
	assert_string_equal(e->a.summary,
	                    "Measurements taken in August show the fastest retreat on record.");
	assert_string_equal(e->a.body, "<p>Measurements taken in August show the fastest retreat "
	                               "on record.</p>");
	assert_int_equal(e->body_html, 1);
	assert_string_equal(e->a.published, "2023-09-02T17:45:00+02:00");
	assert_int_equal(e->a.nauthors, 1);
	assert_string_equal(e->a.authors[0], "Priya Natarajan");
	assert_string_equal(e->a.lang, "en");
	e = &f.entries[1];
	assert_string_equal(e->a.id, "urn:uuid:6f1c2a9e-0b7d-4e53-9a71-3c2f8d5e4b10");
	assert_string_equal(e->a.url, "https://science.example.com/notes/coral");
	assert_int_equal(e->a.nauthors, 2);
	assert_string_equal(e->a.authors[0], "Tom\u00e1s Ferreira");
	assert_string_equal(e->a.authors[1], "Priya Natarajan");
	feed_free(&f);
}

static void
test_rss090_and_versions(void **state)
{
	static const struct {
		const char *xml, *format;
	} v[] = {
	    {"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
	     "xmlns=\"http://my.netscape.com/rdf/simple/0.9/\"><channel><title>Vieux "
	     "portail</title><link>http://portail.example.com/</link></channel>"
	     "<item><title>Premier titre</title><link>une</link></item></rdf:RDF>",
	     "rss0.90"},
	    {"<rss version=\"0.90\"><channel><item><title>t</title></item></channel></rss>",
	     "rss0.90"},
	    {"<rss><channel><item><title>t</title></item></channel></rss>", "rss2.0"},
	    {"<rss version=\" 2.0.1 \"><channel><item><title>t</title></item></channel></rss>",
	     "rss2.0"},
	    {"<feed><entry><title>t</title></entry></feed>", "atom1.0"},
	    {"<feed version=\"0.3\"><entry><title>t</title></entry></feed>", "atom0.3"},
	};
	struct feed f;
	char err[160];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(feed_sniff(v[i].xml, strlen(v[i].xml)), 1);
		assert_int_equal(feed_parse(v[i].xml, strlen(v[i].xml), NULL, &f, err, sizeof(err)),
		                 0);
		assert_string_equal(f.format, v[i].format);
		assert_int_equal(f.nentries, 1);
		assert_int_equal(f.recovered, 0);
		if (i == 0) {
			assert_string_equal(f.title, "Vieux portail");
			assert_string_equal(f.entries[0].a.title, "Premier titre");
			assert_string_equal(f.entries[0].a.url, "http://portail.example.com/une");
		} else {
			assert_string_equal(f.entries[0].a.title, "t");
		}
		feed_free(&f);
	}
}

static void
test_atom03(void **state)
{
	struct feed f;
	const struct feed_entry *e;

	(void)state;
	parse_fixture("atom03.xml", NULL, &f);
	assert_string_equal(f.format, "atom0.3");
	assert_string_equal(f.title, "Carnet de route");
	assert_string_equal(f.link, "https://carnet.example.fr/");
	assert_string_equal(f.lang, "fr");
	assert_int_equal(f.nentries, 2);
	e = &f.entries[0];
	assert_string_equal(e->a.id, "tag:carnet.example.fr,2004:lyon");
	assert_string_equal(e->a.title, "\u00c9tape \u00e0 Lyon");
	assert_string_equal(e->a.url, "https://carnet.example.fr/2004/06/lyon");
	assert_string_equal(e->a.published, "2004-06-09T20:00:00+02:00"); /* issued */
	assert_string_equal(e->a.updated, "2004-06-10T08:30:00Z");        /* modified */
	assert_string_equal(e->a.summary, "Une journ\u00e9e de marche le long du Rh\u00f4ne.");
	assert_int_equal(e->summary_html, 0);
	assert_string_equal(e->a.body,
	                    "<p>Nous avons march\u00e9 le long du Rh\u00f4ne jusqu'au soir.</p>");
	assert_int_equal(e->body_html, 1);
	assert_int_equal(e->a.nauthors, 1); /* the feed's author */
	assert_string_equal(e->a.authors[0], "H\u00e9l\u00e8ne Martin");
	assert_string_equal(e->a.lang, "fr");
	e = &f.entries[1];
	assert_string_equal(e->a.url, "https://carnet.example.fr/2004/06/marseille");
	assert_string_equal(e->a.body, "<p>Enfin la mer\u00a0!</p>"); /* mode="xml" */
	assert_int_equal(e->body_html, 1);
	assert_null(e->a.updated);
	feed_free(&f);
}

static void
test_atom10(void **state)
{
	struct feed f;
	const struct feed_entry *e;

	(void)state;
	parse_fixture("atom10.xml", NULL, &f);
	assert_string_equal(f.format, "atom1.0");
	assert_string_equal(f.title, "World Desk");
	/* rel="self" is not the feed's page; "./" resolves against xml:base */
	assert_string_equal(f.link, "https://news.example.com/world/");
	assert_string_equal(f.lang, "en");
	assert_int_equal(f.nentries, 3);

	e = &f.entries[0];
	assert_string_equal(e->a.id, "tag:news.example.com,2024:101");
	assert_string_equal(e->a.title,
	                    "\u0627\u0644\u0623\u0645\u0637\u0627\u0631 "
	                    "\u0627\u0644\u063a\u0632\u064a\u0631\u0629 \u062a\u063a\u0644\u0642 "
	                    "\u0627\u0644\u0637\u0631\u0642 \u0641\u064a "
	                    "\u0627\u0644\u062c\u0646\u0648\u0628");
	assert_int_equal(e->title_html, 0);
	assert_string_equal(e->a.url, "https://news.example.com/world/south-rain");
	assert_string_equal(e->a.published, "2024-05-01T22:10:00+03:00");
	assert_string_equal(e->a.updated, "2024-05-02T08:00:00+03:00");
	assert_int_equal(e->a.nauthors, 2);
	assert_string_equal(e->a.authors[0],
	                    "\u0644\u064a\u0644\u0649 \u0645\u0646\u0635\u0648\u0631");
	assert_string_equal(e->a.authors[1], "Omar Haddad");
	assert_string_equal(e->a.lang, "ar");
	assert_string_equal(e->a.summary,
	                    "<p>\u0623\u063a\u0644\u0642\u062a \u0627\u0644\u0633\u0644\u0637\u0627"
	                    "\u062a \u062b\u0644\u0627\u062b\u0629 \u0637\u0631\u0642 "
	                    "\u0631\u0626\u064a\u0633\u064a\u0629 \u0628\u0633\u0628\u0628 "
	                    "\u0627\u0644\u0641\u064a\u0636\u0627\u0646\u0627\u062a.</p>");
	assert_int_equal(e->summary_html, 1);
	/* type="xhtml": the div's inside, as markup */
	assert_string_equal(e->a.body,
	                    "<p>\u0623\u063a\u0644\u0642\u062a \u0627\u0644\u0633\u0644\u0637\u0627"
	                    "\u062a \u062b\u0644\u0627\u062b\u0629 \u0637\u0631\u0642 "
	                    "\u0631\u0626\u064a\u0633\u064a\u0629.</p><p>\u0648\u064a\u062a\u0648"
	                    "\u0642\u0639 \u0623\u0646 \u062a\u0633\u062a\u0645\u0631 "
	                    "\u0627\u0644\u0623\u0645\u0637\u0627\u0631 \u062d\u062a\u0649 "
	                    "\u0627\u0644\u062e\u0645\u064a\u0633 &amp; "
	                    "\u0627\u0644\u062c\u0645\u0639\u0629.</p>");
	assert_int_equal(e->body_html, 1);

	e = &f.entries[1];
	assert_string_equal(e->a.title, "Les <em>\u00e9lections</em> municipales report\u00e9es");
	assert_int_equal(e->title_html, 1);
	assert_string_equal(e->a.url, "https://news.example.com/fr/elections-reportees");
	assert_string_equal(e->a.lang, "fr");
	assert_string_equal(e->a.body, "Le scrutin est report\u00e9 de deux semaines.");
	assert_int_equal(e->body_html, 0);
	assert_null(e->a.published);
	assert_int_equal(e->a.nauthors, 1); /* inherited from the feed */
	assert_string_equal(e->a.authors[0], "World Desk");

	e = &f.entries[2];
	assert_string_equal(e->a.url, "https://markets.example.com/close-0502");
	assert_string_equal(e->a.summary, "Stocks rose for a third day.");
	assert_null(e->a.body); /* out-of-line content */
	assert_int_equal(e->body_html, 0);
	assert_string_equal(e->a.lang, "en");
	feed_free(&f);
}

static void
test_markup_fields(void **state)
{
	const char *atom =
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:h=\"http://www.w3.org/1999/xhtml\">"
	    "<entry><title>a</title><content type=\"xhtml\"><h:p>un</h:p> <h:p>deux</h:p></content>"
	    "<summary type=\"html\"><b>gras</b> &amp; fin</summary></entry>"
	    "<entry><title>b</title><content type=\"text\">x <b>y</b> z</content></entry>"
	    "</feed>";
	const char *atom03 = "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><entry>"
	                     "<title>c</title><content type=\"text/plain\" mode=\"base64\">"
	                     "QUJD</content><summary type=\"text/plain\">&lt;i&gt;</summary>"
	                     "</entry></feed>";
	const char *rss = "<rss><channel><item><title>t <i>i</i></title>"
	                  "<description>Un <b>vrai</b> paragraphe &amp; la suite</description>"
	                  "</item></channel></rss>";
	struct feed f;
	char err[160];

	(void)state;
	assert_int_equal(feed_parse(atom, strlen(atom), NULL, &f, err, sizeof(err)), 0);
	/* no div around it: all of the content is the markup */
	assert_string_equal(f.entries[0].a.body, "<h:p>un</h:p> <h:p>deux</h:p>");
	assert_int_equal(f.entries[0].body_html, 1);
	/* markup written unescaped into an html construct is kept as markup */
	assert_string_equal(f.entries[0].a.summary, "<b>gras</b> &amp; fin");
	assert_int_equal(f.entries[0].summary_html, 1);
	assert_string_equal(f.entries[1].a.body, "x y z");
	assert_int_equal(f.entries[1].body_html, 0);
	feed_free(&f);

	assert_int_equal(feed_parse(atom03, strlen(atom03), NULL, &f, err, sizeof(err)), 0);
	assert_string_equal(f.entries[0].a.body, "ABC"); /* base64 decoded */
	assert_int_equal(f.entries[0].body_html, 0);
	assert_string_equal(f.entries[0].a.summary, "<i>");
	assert_int_equal(f.entries[0].summary_html, 0);
	feed_free(&f);

	assert_int_equal(feed_parse(rss, strlen(rss), NULL, &f, err, sizeof(err)), 0);
	assert_string_equal(f.entries[0].a.title, "t i");
	assert_int_equal(f.entries[0].title_html, 0);
	assert_string_equal(f.entries[0].a.summary, "Un <b>vrai</b> paragraphe &amp; la suite");
	assert_int_equal(f.entries[0].summary_html, 1);
	feed_free(&f);
}

static void
test_json10(void **state)
{
	struct feed f;
	const struct feed_entry *e;

	(void)state;
	parse_fixture("jsonfeed10.json", NULL, &f);
	assert_string_equal(f.format, "json1.0");
	assert_string_equal(f.title, "Petites Annonces");
	assert_string_equal(f.link, "https://annonces.example.fr/");
	assert_null(f.lang);
	assert_int_equal(f.nentries, 3); /* {} and a string are not entries */
	e = &f.entries[0];
	assert_string_equal(e->a.id, "2041"); /* a number, as a string */
	assert_string_equal(e->a.url, "https://annonces.example.fr/annonces/2041");
	assert_string_equal(e->a.title, "V\u00e9lo de ville \u00e0 vendre");
	assert_string_equal(e->a.body, "Bon \u00e9tat, pneus neufs. 120 euros.");
	assert_int_equal(e->body_html, 0);
	assert_string_equal(e->a.published, "2024-02-20T08:00:00+01:00");
	assert_int_equal(e->a.nauthors, 1);
	assert_string_equal(e->a.authors[0], "\u00c9quipe des annonces");
	e = &f.entries[1];
	assert_string_equal(e->a.id, "a-2042");
	assert_string_equal(e->a.url, "https://ailleurs.example.com/offre"); /* external_url */
	assert_string_equal(e->a.body, "<p>Cherche colocataire pr\u00e8s de la gare.</p>");
	assert_int_equal(e->body_html, 1);
	assert_int_equal(e->a.nauthors, 1);
	assert_string_equal(e->a.authors[0], "Julien B.");
	e = &f.entries[2];
	assert_string_equal(e->a.id, "3.5");
	assert_string_equal(e->a.title, "Cours de piano");
	assert_null(e->a.url);
	feed_free(&f);
}

static void
test_json11(void **state)
{
	struct feed f;
	const struct feed_entry *e;

	(void)state;
	parse_fixture("jsonfeed11.json", NULL, &f);
	assert_string_equal(f.format, "json1.1");
	assert_string_equal(f.title,
	                    "\u0646\u0634\u0631\u0629 \u0627\u0644\u0645\u0633\u0627\u0621");
	assert_string_equal(f.lang, "ar");
	assert_int_equal(f.nentries, 2);
	e = &f.entries[0];
	assert_string_equal(e->a.summary, "\u0632\u064a\u0627\u062f\u0629 \u062c\u062f\u064a\u062f"
	                                  "\u0629 \u0641\u064a \u0627\u0644\u0623\u0633\u0639\u0627"
	                                  "\u0631.");
	assert_int_equal(e->summary_html, 0);
	/* content_html wins over content_text */
	assert_string_equal(e->a.body, "<p>\u0627\u0631\u062a\u0641\u0639\u062a \u0623\u0633\u0639"
	                               "\u0627\u0631 \u0627\u0644\u062e\u0628\u0632 \u0644\u0644"
	                               "\u0645\u0631\u0629 \u0627\u0644\u062b\u0627\u0646\u064a"
	                               "\u0629 \u0647\u0630\u0627 \u0627\u0644\u0639\u0627\u0645."
	                               "</p>");
	assert_int_equal(e->body_html, 1);
	assert_string_equal(e->a.updated, "2024-04-01T21:15:00+03:00");
	assert_int_equal(e->a.nauthors, 2);
	assert_string_equal(e->a.authors[0], "\u0643\u0631\u064a\u0645 \u0639\u0627\u062f\u0644");
	assert_string_equal(e->a.authors[1], "Nadia Benali");
	assert_string_equal(e->a.lang, "ar");
	e = &f.entries[1];
	assert_string_equal(e->a.lang, "en");
	assert_string_equal(e->a.body, "The grid operator announced rolling cuts.");
	assert_int_equal(e->body_html, 0);
	assert_int_equal(e->a.nauthors, 1); /* the feed's authors that have a name */
	assert_string_equal(e->a.authors[0],
	                    "\u0641\u0631\u064a\u0642 \u0627\u0644\u062a\u062d\u0631\u064a\u0631");
	feed_free(&f);
}

static void
test_json_errors(void **state)
{
	static const struct {
		const char *json, *err;
		int sniff;
	} v[] = {
	    {"{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": {}}",
	     "JSON Feed: items is not an array", 1},
	    {"{\"version\": \"https://jsonfeed.org/version/1\"}",
	     "JSON Feed: items is not an array", 1},
	    {"{\"title\": \"jsonfeed.org\", \"items\": []}",
	     "not a feed: JSON without a jsonfeed.org version", 0},
	    {"{\"version\": \"https://jsonfeed.org/version/1\", \"items\": [}",
	     "JSON Feed: line 1: unexpected token near '}'", 0},
	};
	char err[160];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(feed_sniff(v[i].json, strlen(v[i].json)), v[i].sniff);
		parse_fails(v[i].json, strlen(v[i].json), err, sizeof(err));
		assert_string_equal(err, v[i].err);
	}
}

static void
test_unescaped_amp(void **state)
{
	struct feed f;

	(void)state;
	parse_fixture("amp.xml", NULL, &f);
	assert_int_equal(f.recovered, 1);
	assert_string_equal(f.warning, "line 4: unescaped & read as text");
	assert_string_equal(f.title, "Sport & Loisirs");
	assert_string_equal(f.link, "https://sport.example.org/?lang=fr&v=2");
	assert_int_equal(f.nentries, 1);
	assert_string_equal(f.entries[0].a.title, "Tennis & padel : le club s'agrandit");
	assert_string_equal(f.entries[0].a.url, "https://sport.example.org/article?id=7&ref=flux");
	feed_free(&f);
}

static void
test_html_entities(void **state)
{
	struct feed f;

	(void)state;
	parse_fixture("entities.xml", NULL, &f);
	assert_int_equal(f.recovered, 1);
	assert_string_equal(f.warning,
	                    "line 4: undeclared entity &nbsp; read as its HTML character");
	assert_string_equal(f.title, "Chroniques\u00a0d\u2019\u00e9t\u00e9");
	assert_int_equal(f.nentries, 1);
	assert_string_equal(f.entries[0].a.title,
	                    "L\u2019\u00e9t\u00e9 des festivals \u2014 programme complet\u2026");
	/* unknown names stay as they were written, as a browser shows them */
	assert_string_equal(f.entries[0].a.summary,
	                    "<p>Caf\u00e9\u00a0& concerts</p> &copy2024; &unknownthing;");
	feed_free(&f);
}

static void
test_repairs_inline(void **state)
{
	static const struct {
		const char *xml, *title, *warning;
	} v[] = {
	    /* an entity the internal subset declares is the document's, not HTML's */
	    {"<!DOCTYPE rss [<!ENTITY eacute \"E\">]><rss><channel><title>caf&eacute;</title>"
	     "</channel></rss>",
	     "cafE", ""},
	    /* references in CDATA and comments are text already */
	    {"<rss><channel><!-- &nbsp; --><title><![CDATA[a &nbsp; b & "
	     "c]]></title></channel></rss>",
	     "a &nbsp; b & c", ""},
	    {"<rss><channel><title>x &#0; y &#x41; &#65</title></channel></rss>",
	     "x \ufffd y A &#65", "line 1: character reference to a non-XML character"},
	    {"<rss>\n<channel>\n<title>fin &</title></channel></rss>", "fin &",
	     "line 3: unescaped & read as text"},
	    /*
	     * a C1 control's number is windows-1252's character, quietly
	     * (feedparser's demoronize tests); U+0081 has none
	     */
	    {"<rss><channel><title>O&#146;Brien &#x96; x&#151;y &#129;</title></channel></rss>",
	     "O\u2019Brien \u2013 x\u2014y \xc2\x81", ""},
	    /* HTML5's names, which libxml2's HTML 4 table lacks */
	    {"<rss><channel><title>Jean&hyphen;Pierre &lpar;x&rpar;</title></channel></rss>",
	     "Jean\u2010Pierre (x)",
	     "line 1: undeclared entity &hyphen; read as its HTML character"},
	    /* a name HTML 3.2 knew, without its ';' (the WHATWG reads it so), even at the end */
	    {"<rss><channel><title>&eacute", "\u00e9",
	     "line 1: entity &eacute without ';' read as its HTML character"},
	    {"<rss><channel><title>&eacutex &hellip</title></channel></rss>", "&eacutex &hellip",
	     "line 1: unescaped & read as text"},
	};
	struct feed f;
	char err[160];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if (feed_parse(v[i].xml, strlen(v[i].xml), NULL, &f, err, sizeof(err)) != 0)
			fail_msg("%zu: %s", i, err);
		assert_string_equal(f.title, v[i].title);
		assert_string_equal(f.warning, v[i].warning);
		assert_int_equal(f.recovered, v[i].warning[0] != '\0');
		feed_free(&f);
	}
}

static void
test_recovery(void **state)
{
	struct feed f;

	(void)state;
	parse_fixture("mismatch.xml", NULL, &f);
	assert_string_equal(f.format, "rss2.0");
	assert_int_equal(f.recovered, 1);
	assert_string_equal(f.warning,
	                    "line 5: Opening and ending tag mismatch: title line 5 and titel");
	assert_string_equal(f.title, "Br\u00e8ves");
	assert_int_equal(f.nentries, 2);
	assert_string_equal(f.entries[0].a.title, "Un pont ferm\u00e9 pour travaux");
	assert_string_equal(f.entries[0].a.url, "https://breves.example.fr/pont");
	assert_string_equal(f.entries[1].a.title, "Deuxi\u00e8me br\u00e8ve");
	feed_free(&f);
}

/* A feed cut short by its download: the items before the cut, not the cut one. */
static void
test_truncated(void **state)
{
	static const char rss[] =
	    "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Coupé</title>\n"
	    "<item><guid>un</guid><title>Entier</title><description>Texte entier.</description>"
	    "</item>\n"
	    "<item><guid>deux</guid><title>Aussi entier</title></item>\n"
	    "<item><guid>trois</guid><title>Coupé</title><description>Texte co";
	static const char atom[] =
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>A</title>\n"
	    "<entry><id>un</id><title>Entier</title></entry>\n<entry><id>deux</id><title>Cou";
	/* the end tag of the last item only is missing: it is whole */
	static const char noend[] = "<rss><channel><title>T</title>\n"
	                            "<item><guid>un</guid><title>Entier</title></item>\n"
	                            "<item><guid>deux</guid><title>Entier aussi</title>\n"
	                            "</channel></rss>";
	struct feed f;
	char err[160];

	(void)state;
	assert_int_equal(feed_parse(rss, strlen(rss), NULL, &f, err, sizeof(err)), 0);
	assert_int_equal(f.recovered, 1);
	assert_string_equal(f.warning, "line 5: Premature end of data in tag description line 5");
	assert_int_equal(f.nentries, 2);
	assert_string_equal(f.entries[0].a.id, "un");
	assert_string_equal(f.entries[1].a.id, "deux");
	assert_int_equal(f.cut, 1);
	assert_int_equal(f.cut_line, 5);
	feed_free(&f);
	/* paged: the same items */
	assert_int_equal(feed_parse_page(rss, strlen(rss), NULL, 1, 2, &f, err, sizeof(err)), 0);
	assert_int_equal(f.nentries, 1);
	assert_string_equal(f.entries[0].a.id, "deux");
	assert_int_equal(f.more, 0);
	assert_int_equal(f.cut, 1);
	feed_free(&f);
	assert_int_equal(feed_parse(atom, strlen(atom), NULL, &f, err, sizeof(err)), 0);
	assert_int_equal(f.recovered, 1);
	assert_int_equal(f.nentries, 1);
	assert_string_equal(f.entries[0].a.id, "un");
	assert_int_equal(f.cut, 1);
	assert_int_equal(f.cut_line, 3);
	feed_free(&f);
	assert_int_equal(feed_parse(noend, strlen(noend), NULL, &f, err, sizeof(err)), 0);
	assert_int_equal(f.recovered, 1);
	assert_int_equal(f.nentries, 2);
	assert_int_equal(f.cut, 0);
	feed_free(&f);
}

static void
test_undeclared_prefix(void **state)
{
	const char *xml = "<rss version=\"2.0\"><channel><title>T</title>\n<item><title>Sans "
	                  "pr\u00e9fixe</title><dc:creator>In\u00e8s Faure</dc:creator>"
	                  "<content:encoded>&lt;p&gt;corps&lt;/p&gt;</content:encoded></item>"
	                  "</channel></rss>";
	struct feed f;
	char err[160];

	(void)state;
	assert_int_equal(feed_parse(xml, strlen(xml), NULL, &f, err, sizeof(err)), 0);
	assert_int_equal(f.recovered, 1);
	assert_string_equal(f.warning, "line 2: Namespace prefix dc on creator is not defined");
	assert_int_equal(f.nentries, 1);
	assert_int_equal(f.entries[0].a.nauthors, 1);
	assert_string_equal(f.entries[0].a.authors[0], "In\u00e8s Faure");
	assert_string_equal(f.entries[0].a.body, "<p>corps</p>");
	assert_int_equal(f.entries[0].body_html, 1);
	feed_free(&f);
}

static void
test_billion_laughs(void **state)
{
	struct feed f;
	char err[160];
	size_t len;
	char *s = fixture("lol.xml", &len);
	clock_t t0 = clock();

	(void)state;
	assert_int_equal(feed_sniff(s, len), 1);
	assert_int_equal(feed_parse(s, len, NULL, &f, err, sizeof(err)), -1);
	assert_string_equal(err, "line 1: entity references loop or expand too much");
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	free(s);
}

static void
test_entity_budget(void **state)
{
	/* one 2000-byte entity 400 times: libxml2 lets it pass, the budget does not */
	size_t cap = 8192 + 400 * 8, n, budget;
	char *s = malloc(cap), err[160];
	struct feed f;

	(void)state;
	assert_non_null(s);
	n = (size_t)snprintf(s, cap, "<!DOCTYPE rss [<!ENTITY big \"");
	memset(s + n, 'x', 2000);
	n += 2000;
	n += (size_t)snprintf(s + n, cap - n, "\">]><rss><channel><title>");
	for (int i = 0; i < 400; i++)
		n += (size_t)snprintf(s + n, cap - n, "&big;");
	n += (size_t)snprintf(s + n, cap - n, "</title></channel></rss>");
	assert_int_equal(feed_parse(s, n, NULL, &f, err, sizeof(err)), 0);
	assert_int_equal(f.recovered, 1);
	assert_string_equal(f.warning, "entity references expand too much: their text was cut");
	/* the budget, 64 KiB plus the input's size, pays a byte per node and per byte of text */
	budget = 65536 + n;
	assert_int_equal(strlen(f.title), budget - (budget / 2001 + 1));
	feed_free(&f);
	free(s);
}

static void
test_entity_empty_elements(void **state)
{
	/* an entity of 100 empty elements, 20,000 times: no text, but the walk is bounded */
	size_t cap = 1024 + 20000 * 5, n;
	char *s = malloc(cap), err[160];
	struct feed f;
	clock_t t0 = clock();

	(void)state;
	assert_non_null(s);
	n = (size_t)snprintf(s, cap, "<!DOCTYPE rss [<!ENTITY a \"<a/>\"><!ENTITY b \"");
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(s + n, cap - n, "&a;");
	n += (size_t)snprintf(s + n, cap - n, "\">]><rss><channel><title>");
	for (int i = 0; i < 20000; i++)
		n += (size_t)snprintf(s + n, cap - n, "&b;");
	n += (size_t)snprintf(s + n, cap - n,
	                      "</title><item><title>t</title></item></channel></rss>");
	assert_int_equal(feed_parse(s, n, NULL, &f, err, sizeof(err)), 0);
	assert_null(f.title);
	assert_int_equal(f.recovered, 1);
	assert_string_equal(f.warning, "entity references expand too much: their text was cut");
	assert_int_equal(f.nentries, 1);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	feed_free(&f);
	free(s);
}

static void
test_xxe(void **state)
{
	struct feed f;

	(void)state;
	parse_fixture("xxe.xml", NULL, &f);
	assert_int_equal(f.recovered, 0);
	/* an internal entity reads as its text; the external ones as nothing */
	assert_string_equal(f.title, "Avis de La r\u00e9daction");
	assert_int_equal(f.nentries, 1);
	assert_string_equal(f.entries[0].a.title, "Secret :");
	assert_null(f.entries[0].a.summary);
	assert_string_equal(f.entries[0].a.url, "https://avis.example.fr/a?x=");
	feed_free(&f);
}

/*
 * After a feed was parsed, the process's external entity loader refuses
 * everything, even for a parser asked to substitute entities and load DTDs.
 */
static void
test_loader_refuses(void **state)
{
	char doc[1400], path[1024];
	const char *dir = getenv("HARK_TESTDATA");
	struct feed f;
	xmlDocPtr d;
	xmlChar *text;
	size_t len;
	char *secret = fixture("secret.txt", &len);

	(void)state;
	assert_int_equal(feed_parse("<rss/>", 6, NULL, &f, NULL, 0), 0);
	feed_free(&f);
	snprintf(path, sizeof(path), "%s/extract/feed/secret.txt", dir ? dir : "tests");
	snprintf(doc, sizeof(doc), "<!DOCTYPE r [<!ENTITY s SYSTEM \"file://%s\">]><r>[&s;]</r>",
	         path);
	d = xmlReadMemory(doc, (int)strlen(doc), NULL, "UTF-8",
	                  XML_PARSE_NOENT | XML_PARSE_DTDLOAD | XML_PARSE_NOERROR |
	                      XML_PARSE_NOWARNING | XML_PARSE_RECOVER);
	assert_non_null(d);
	text = xmlNodeGetContent(xmlDocGetRootElement(d));
	assert_non_null(text);
	assert_null(strstr((const char *)text, "hark"));
	assert_string_equal((const char *)text, "[]");
	assert_non_null(strstr(secret, "hark")); /* the file is there and readable */
	xmlFree(text);
	xmlFreeDoc(d);
	free(secret);
}

static void
test_deep_nesting(void **state)
{
	const size_t depth = 100000;
	size_t cap = 64 + depth * 7, n = 0;
	char *s = malloc(cap), err[160];

	(void)state;
	assert_non_null(s);
	n += (size_t)snprintf(s, cap, "<rss version=\"2.0\"><channel>");
	for (size_t i = 0; i < depth; i++)
		memcpy(s + n, "<x>", 3), n += 3;
	for (size_t i = 0; i < depth; i++)
		memcpy(s + n, "</x>", 4), n += 4;
	n += (size_t)snprintf(s + n, cap - n, "</channel></rss>");
	assert_int_equal(feed_sniff(s, n), 1);
	parse_fails(s, n, err, sizeof(err));
	assert_string_equal(err, "line 1: XML nested deeper than 256 elements");
	free(s);
}

static void
test_not_feeds(void **state)
{
	char err[160];
	size_t len;
	char *s;

	(void)state;
	s = fixture("notfeed.xml", &len);
	assert_int_equal(feed_sniff(s, len), 0);
	parse_fails(s, len, err, sizeof(err));
	assert_string_equal(err, "not a feed: root element <catalogue>");
	free(s);
	s = fixture("page.html", &len);
	assert_int_equal(feed_sniff(s, len), 0);
	parse_fails(s, len, err, sizeof(err));
	assert_string_equal(err, "not a feed: root element <html>");
	free(s);

	assert_int_equal(feed_sniff("", 0), 0);
	parse_fails("", 0, err, sizeof(err));
	assert_string_equal(err, "not a feed: empty input");
	parse_fails("\xEF\xBB\xBF \n\t", 6, err, sizeof(err));
	assert_string_equal(err, "not a feed: empty input");
	parse_fails("Bonjour", 7, err, sizeof(err));
	assert_string_equal(err, "not a feed: neither XML nor JSON");
	parse_fails("<", 1, err, sizeof(err));
	assert_string_equal(err,
	                    "not a feed: no root element (line 1: StartTag: invalid element name)");
	/* a prefixed <rss> and a <feed> in another namespace are feeds, as in feedparser */
	{
		struct feed f;

		assert_int_equal(
		    feed_parse("<x:rss xmlns:x=\"urn:x\"/>", 24, NULL, &f, err, sizeof(err)), 0);
		assert_string_equal(f.format, "rss2.0");
		feed_free(&f);
		assert_int_equal(
		    feed_parse("<feed xmlns=\"urn:other\"/>", 25, NULL, &f, err, sizeof(err)), 0);
		assert_string_equal(f.format, "atom1.0");
		feed_free(&f);
	}
	parse_fails("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/>", 66, err,
	            sizeof(err));
	assert_string_equal(err, "not a feed: <rdf:RDF> without an RSS 1.0 or 0.90 channel");
	/* a short err buffer is cut, never overrun */
	parse_fails("<catalogue/>", 12, err, 8);
	assert_string_equal(err, "not a f");
}

static void
test_sniff(void **state)
{
	static const struct {
		const char *s;
		int yes;
	} v[] = {
	    {"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- flux -->\n<?xml-stylesheet href=\"a.xsl\"?>"
	     "<!DOCTYPE rss [<!ENTITY a \">]<\">]>\n<rss version=\"2.0\">",
	     1},
	    {"<rss>", 1},
	    {"<rss/>", 1},
	    {"<rssfeed>", 0},
	    {"<atom:feed xmlns:atom=\"http://www.w3.org/2005/Atom\">", 1},
	    {"<RDF:RDF>", 1},
	    {"<html><body><rss>", 0},
	    {"<!-- unterminated", 0},
	    {"  {\"version\":\"https://jsonfeed.org/version/1\",\"items\":[]}", 1},
	    {"{\"version\":\"https:\\/\\/jsonfeed.org\\/version\\/1.1\",\"items\":[]}", 1},
	    /* a bare version beside an items array, as gofeed reads it */
	    {"{\"version\":\"1.0\",\"items\":[],\"x\":\"jsonfeed.org\"}", 1},
	    {"{\"version\":\"1.1\",\"items\":[]}", 1},
	    {"{\"version\":\"1.1\",\"items\":{}}", 0},
	    {"{\"version\":\"2\",\"items\":[]}", 0},
	    {"{\"version\":\"1.1\",\"title\":\"no items\"}", 0},
	    {"[\"https://jsonfeed.org/version/1\"]", 0},
	    {"{\"version\":\"https://jsonfeed.org/version/1\"", 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (feed_sniff(v[i].s, strlen(v[i].s)) != v[i].yes)
			fail_msg("sniff %zu: %s", i, v[i].s);
}

static void
test_entry_limit(void **state)
{
	const size_t items = FEED_PAGE_ENTRIES + 5;
	size_t cap = 64 + items * 32, n = 0;
	char *s = malloc(cap), err[160];
	struct feed f;
	static const char pages[] =
	    "<rss><channel><title>P</title><item><guid>a</guid></item><item/>"
	    "<item><guid>b</guid></item><item><guid>c</guid></item></channel></rss>";
	static const char atom[] = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>A</title>"
	                           "<entry><id>1</id></entry><entry><id>2</id></entry>"
	                           "<entry><id>3</id></entry></feed>";
	static const char ill[] =
	    "<rss><channel><title>T</title>\n<item><guid>a</guid></item> x <!-- c -->"
	    "<item><guid>b</guid></item>&#65;<item><guid>c</guid><br></item>\n"
	    "<item><guid>d</guid></item></channel></rss>";
	static const char rdf[] =
	    "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
	    "<item xmlns=\"http://my.netscape.com/rdf/simple/0.9/\"><title>a</title></item>"
	    "<item xmlns=\"http://purl.org/rss/1.0/\"><title>b</title></item></rdf:RDF>";
	static const char json[] = "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":"
	                           "[{\"id\":\"1\"},{\"id\":\"2\"},{\"id\":\"3\"}]}";

	(void)state;
	assert_non_null(s);
	n += (size_t)snprintf(s, cap, "<rss><channel>");
	for (size_t i = 0; i < items; i++)
		n += (size_t)snprintf(s + n, cap - n, "<item><guid>%zu</guid></item>", i);
	n += (size_t)snprintf(s + n, cap - n, "</channel></rss>");
	/* a whole feed is read whole, however long */
	assert_int_equal(feed_parse(s, n, NULL, &f, err, sizeof(err)), 0);
	assert_int_equal(f.nentries, items);
	assert_string_equal(f.entries[items - 1].a.id, "10004");
	assert_int_equal(f.more, 0);
	assert_string_equal(f.warning, "");
	feed_free(&f);
	/* or in pages that follow each other */
	assert_int_equal(feed_parse_page(s, n, NULL, 0, FEED_PAGE_ENTRIES, &f, err, sizeof(err)),
	                 0);
	assert_int_equal(f.nentries, FEED_PAGE_ENTRIES);
	assert_string_equal(f.entries[FEED_PAGE_ENTRIES - 1].a.id, "9999");
	assert_int_equal(f.more, 1);
	assert_string_equal(f.warning, "");
	feed_free(&f);
	assert_int_equal(
	    feed_parse_page(s, n, NULL, FEED_PAGE_ENTRIES, FEED_PAGE_ENTRIES, &f, err, sizeof(err)),
	    0);
	assert_int_equal(f.nentries, 5);
	assert_string_equal(f.entries[0].a.id, "10000");
	assert_int_equal(f.more, 0);
	feed_free(&f);
	/* an empty item still takes its place: pages neither overlap nor leave a gap */
	assert_int_equal(feed_parse_page(pages, strlen(pages), NULL, 0, 2, &f, err, sizeof(err)),
	                 0);
	assert_int_equal(f.nentries, 1);
	assert_string_equal(f.entries[0].a.id, "a");
	assert_string_equal(f.title, "P");
	assert_int_equal(f.more, 1);
	feed_free(&f);
	assert_int_equal(feed_parse_page(pages, strlen(pages), NULL, 2, 2, &f, err, sizeof(err)),
	                 0);
	assert_int_equal(f.nentries, 2);
	assert_string_equal(f.entries[0].a.id, "b");
	assert_string_equal(f.entries[1].a.id, "c");
	assert_string_equal(f.title, "P");
	assert_int_equal(f.more, 0);
	feed_free(&f);
	/* text, comments and ill-formed XML between items: the same pages as a whole read */
	assert_int_equal(feed_parse(ill, strlen(ill), NULL, &f, err, sizeof(err)), 0);
	assert_int_equal(f.nentries, 3);
	assert_int_equal(f.recovered, 1);
	feed_free(&f);
	assert_int_equal(feed_parse_page(ill, strlen(ill), NULL, 0, 2, &f, err, sizeof(err)), 0);
	assert_int_equal(f.nentries, 2);
	assert_string_equal(f.entries[0].a.id, "a");
	assert_string_equal(f.entries[1].a.id, "b");
	assert_int_equal(f.more, 1);
	assert_int_equal(f.recovered, 1);
	feed_free(&f);
	assert_int_equal(feed_parse_page(ill, strlen(ill), NULL, 2, 2, &f, err, sizeof(err)), 0);
	assert_int_equal(f.nentries, 1);
	assert_string_equal(f.entries[0].a.id, "c");
	assert_int_equal(f.more, 0);
	feed_free(&f);
	assert_int_equal(feed_parse_page(ill, strlen(ill), NULL, 1, 1, &f, err, sizeof(err)), 0);
	assert_int_equal(f.nentries, 1);
	assert_string_equal(f.entries[0].a.id, "b");
	assert_int_equal(f.more, 1);
	feed_free(&f);
	/* an <rdf:RDF> is RSS 1.0 or 0.90 by its first item, in the page or not */
	assert_int_equal(feed_parse_page(rdf, strlen(rdf), NULL, 1, 0, &f, err, sizeof(err)), 0);
	assert_string_equal(f.format, "rss0.90");
	assert_int_equal(f.nentries, 0);
	feed_free(&f);
	assert_int_equal(feed_parse_page(rdf, strlen(rdf), NULL, 0, 1, &f, err, sizeof(err)), 0);
	assert_string_equal(f.format, "rss0.90");
	assert_int_equal(f.nentries, 1);
	assert_string_equal(f.entries[0].a.title, "a");
	assert_int_equal(f.more, 1);
	feed_free(&f);
	assert_int_equal(feed_parse_page(atom, strlen(atom), NULL, 1, 1, &f, err, sizeof(err)), 0);
	assert_int_equal(f.nentries, 1);
	assert_string_equal(f.entries[0].a.id, "2");
	assert_int_equal(f.more, 1);
	feed_free(&f);
	assert_int_equal(feed_parse_page(json, strlen(json), NULL, 2, 5, &f, err, sizeof(err)), 0);
	assert_int_equal(f.nentries, 1);
	assert_string_equal(f.entries[0].a.id, "3");
	assert_int_equal(f.more, 0);
	feed_free(&f);

	/* the same name twice is one author */
	n = (size_t)snprintf(s, cap,
	                     "<rss><channel><item xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
	                     "<dc:creator>Zo\u00e9</dc:creator><author> Zo\u00e9\n</author>"
	                     "<dc:creator>Zo\u00e9 L.</dc:creator></item></channel></rss>");
	assert_int_equal(feed_parse(s, n, NULL, &f, err, sizeof(err)), 0);
	assert_int_equal(f.entries[0].a.nauthors, 2);
	assert_string_equal(f.entries[0].a.authors[0], "Zo\u00e9");
	assert_string_equal(f.entries[0].a.authors[1], "Zo\u00e9 L.");
	feed_free(&f);

	/* authors per entry are bounded */
	n = (size_t)snprintf(s, cap, "<rss><channel><item xmlns:dc=\"%s\">",
	                     "http://purl.org/dc/elements/1.1/");
	for (size_t i = 0; i < 150; i++)
		n += (size_t)snprintf(s + n, cap - n, "<dc:creator>A%zu</dc:creator>", i % 120);
	n += (size_t)snprintf(s + n, cap - n, "</item></channel></rss>");
	assert_int_equal(feed_parse(s, n, NULL, &f, err, sizeof(err)), 0);
	assert_int_equal(f.nentries, 1);
	assert_int_equal(f.entries[0].a.nauthors, 100);
	assert_string_equal(f.entries[0].a.authors[99], "A99");
	feed_free(&f);
	free(s);
}

static void
test_links(void **state)
{
	/* nested relative xml:base, a link with spaces and non-ASCII, a protocol-relative one */
	const char *xml =
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"https://ex.example/a/\">"
	    "<entry xml:base=\"b/\"><title>un</title><link href=\"c "
	    "d/\u00e9t\u00e9.html\"/></entry>"
	    "<entry><title>deux</title><link href=\"//cdn.example/x\"/></entry>"
	    "<entry><title>trois</title><link href=\"mailto:redaction@ex.example\"/></entry>"
	    "<entry><title>quatre</title><link rel=\"enclosure\" href=\"/son.mp3\"/></entry>"
	    "</feed>";
	struct feed f;
	char err[160];

	(void)state;
	assert_int_equal(
	    feed_parse(xml, strlen(xml), "http://ignored.example/", &f, err, sizeof(err)), 0);
	assert_null(f.link);
	assert_int_equal(f.nentries, 4);
	assert_string_equal(f.entries[0].a.url, "https://ex.example/a/b/c%20d/%C3%A9t%C3%A9.html");
	assert_string_equal(f.entries[1].a.url, "https://cdn.example/x");
	assert_string_equal(f.entries[2].a.url, "mailto:redaction@ex.example");
	assert_null(f.entries[3].a.url);
	feed_free(&f);
}

/*
 * An rdf:RDF whose items are in no namespace is RSS 1.0 whatever the page:
 * a page past its items (their elements dropped from the tree) is an empty
 * page of the same feed, not "not a feed" (found by fuzz_feed).
 */
static void
test_rdf_no_namespace_pages(void **state)
{
	const char *xml = "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
	                  "<item><title>un</title></item><item><title>deux</title></item>"
	                  "</rdf:RDF>";
	struct feed f;
	char err[160];

	(void)state;
	assert_int_equal(feed_parse(xml, strlen(xml), NULL, &f, err, sizeof(err)), 0);
	assert_string_equal(f.format, "rss1.0");
	assert_int_equal(f.nentries, 2);
	feed_free(&f);
	assert_int_equal(feed_parse_page(xml, strlen(xml), NULL, 2, 0, &f, err, sizeof(err)), 0);
	assert_string_equal(f.format, "rss1.0");
	assert_int_equal(f.nentries, 0);
	feed_free(&f);
	assert_int_equal(feed_parse_page(xml, strlen(xml), NULL, 1, 1, &f, err, sizeof(err)), 0);
	assert_int_equal(f.nentries, 1);
	assert_string_equal(f.entries[0].a.title, "deux");
	feed_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rss091),
	    cmocka_unit_test(test_rss092_base_url),
	    cmocka_unit_test(test_rss20),
	    cmocka_unit_test(test_rss10_rdf),
	    cmocka_unit_test(test_rss090_and_versions),
	    cmocka_unit_test(test_atom03),
	    cmocka_unit_test(test_atom10),
	    cmocka_unit_test(test_markup_fields),
	    cmocka_unit_test(test_json10),
	    cmocka_unit_test(test_json11),
	    cmocka_unit_test(test_json_errors),
	    cmocka_unit_test(test_unescaped_amp),
	    cmocka_unit_test(test_html_entities),
	    cmocka_unit_test(test_repairs_inline),
	    cmocka_unit_test(test_recovery),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_undeclared_prefix),
	    cmocka_unit_test(test_billion_laughs),
	    cmocka_unit_test(test_entity_budget),
	    cmocka_unit_test(test_entity_empty_elements),
	    cmocka_unit_test(test_xxe),
	    cmocka_unit_test(test_loader_refuses),
	    cmocka_unit_test(test_deep_nesting),
	    cmocka_unit_test(test_not_feeds),
	    cmocka_unit_test(test_sniff),
	    cmocka_unit_test(test_entry_limit),
	    cmocka_unit_test(test_links),
	    cmocka_unit_test(test_rdf_no_namespace_pages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
