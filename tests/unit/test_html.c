/*
 * Unit tests for html.c: whole pages against tests/extract/html/NAME.html
 * and NAME.expected, then each rule on small inline pages and fragments.
 *
 * NAME.expected: "field: value" lines for title, summary, url, published
 * and lang (a missing line means the field is NULL), then a "body:" line;
 * the rest of the file is the body, less its final newline.
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

#include "article.h"
#include "entities.h"
#include "html.h"
#include "utf8.h"

/* ---- helpers ----------------------------------------------------------- */

static char *
read_file(const char *name, size_t *len)
{
	const char *dir = getenv("HARK_TESTDATA");
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/extract/html/%s", dir != NULL ? dir : "tests", name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The value of "key: " in the header of an expected file, or NULL. */
static char *
expected_field(const char *exp, const char *key)
{
	size_t klen = strlen(key);
	const char *p = exp, *nl;

	while (*p != '\0' && strncmp(p, "body:\n", 6) != 0) {
		nl = strchr(p, '\n');
		assert_non_null(nl);
		if (strncmp(p, key, klen) == 0 && p[klen] == ':' && p[klen + 1] == ' ')
			return strndup(p + klen + 2, (size_t)(nl - p - (ptrdiff_t)klen - 2));
		p = nl + 1;
	}
	return NULL;
}

static void
assert_field(const char *got, const char *exp, const char *key, const char *page)
{
	char *want = expected_field(exp, key);

	if (want == NULL && got != NULL)
		fail_msg("%s: %s is \"%s\", expected none", page, key, got);
	if (want != NULL && (got == NULL || strcmp(got, want) != 0))
		fail_msg("%s: %s is \"%s\", expected \"%s\"", page, key, got ? got : "(null)",
		         want);
	free(want);
}

static void
check_page(const char *name)
{
	char file[256], err[160] = "";
	struct article a;
	char *html, *exp, *body;
	size_t hlen, elen, blen;

	snprintf(file, sizeof(file), "%s.html", name);
	html = read_file(file, &hlen);
	snprintf(file, sizeof(file), "%s.expected", name);
	exp = read_file(file, &elen);
	memset(&a, 0, sizeof(a));
	assert_int_equal(html_extract(html, hlen, &a, NULL, 0, err, sizeof(err)), 0);
	assert_field(a.title, exp, "title", name);
	assert_field(a.summary, exp, "summary", name);
	assert_field(a.url, exp, "url", name);
	assert_field(a.published, exp, "published", name);
	assert_field(a.lang, exp, "lang", name);
	body = strstr(exp, "body:\n");
	assert_non_null(body);
	body += 6;
	blen = strlen(body);
	assert_true(blen > 0 && body[blen - 1] == '\n');
	body[blen - 1] = '\0';
	assert_non_null(a.body);
	if (strcmp(a.body, body) != 0)
		fail_msg("%s: body is\n[%s]\nexpected\n[%s]", name, a.body, body);
	assert_true(utf8_valid(a.body, strlen(a.body)));
	article_free(&a);
	free(html);
	free(exp);
}

/* Extract a page given as a string; the caller frees with article_free(). */
static void
extract(const char *html, struct article *a)
{
	char err[160] = "";

	memset(a, 0, sizeof(*a));
	assert_int_equal(html_extract(html, strlen(html), a, NULL, 0, err, sizeof(err)), 0);
	assert_non_null(a->body);
}

#define assert_body(html, want)                                                                    \
	do {                                                                                       \
		struct article a_;                                                                 \
		extract((html), &a_);                                                              \
		assert_string_equal(a_.body, (want));                                              \
		article_free(&a_);                                                                 \
	} while (0)

#define assert_text(html, want)                                                                    \
	do {                                                                                       \
		size_t n_ = 12345;                                                                 \
		char *t_ = html_to_text((html), strlen(html), &n_);                                \
		assert_non_null(t_);                                                               \
		assert_string_equal(t_, (want));                                                   \
		assert_int_equal(n_, strlen(want));                                                \
		free(t_);                                                                          \
	} while (0)

/* ---- whole pages ------------------------------------------------------- */

static void
test_pages(void **state)
{
	(void)state;
	check_page("fr-article"); /* article in main: header kept, nav/aside/footer out */
	check_page("en-main");    /* main, og:title, meta description, og:url, roles */
	check_page("ar-page");    /* body only, title from <h1>, Arabic references */
	check_page("no-body");    /* no html, head or body tag */
	check_page("broken");     /* unclosed and stray tags */
	check_page("hidden");     /* a name only in attributes and dropped elements */
}

static void
test_hidden_name_absent(void **state)
{
	struct article a;
	char *html;
	const char *p;
	size_t len;
	int n = 0;

	(void)state;
	html = read_file("hidden.html", &len);
	extract(html, &a);
	for (p = a.body; (p = strstr(p, "Kamalmaz")) != NULL; p++)
		n++;
	assert_int_equal(n, 1); /* only the one written Kam<span>alm</span>az */
	assert_null(strstr(a.body, "alt"));
	assert_null(strstr(a.body, "portrait"));
	assert_string_equal(a.title, "Hearing adjourned");
	article_free(&a);
	free(html);
}

/* ---- inline and block -------------------------------------------------- */

static void
test_inline_joins(void **state)
{
	(void)state;
	assert_body("<p>Kam<span>alm</span>az</p>", "Kamalmaz");
	assert_body("<p>Kam<b>al</b><i>m</i><a href=x>a</a><my-tag>z</my-tag></p>", "Kamalmaz");
	assert_body("<p><mark>Majd</mark> <mark>Kamalmaz</mark></p>", "Majd Kamalmaz");
	assert_body("<p>x<sup>2</sup> <code>y</code>&nbsp;<small>z</small></p>", "x2 y z");
	assert_body("<p>Bashar<wbr>al-Assad</p>", "Basharal-Assad");
	assert_body("<p>al-<font color=red>Assad</font></p>", "al-Assad");
}

static void
test_whitespace(void **state)
{
	(void)state;
	assert_body("<p>  un \t\n  deux\r\n trois  </p>", "un deux trois");
	assert_body("<div> un </div> <div> deux </div>", "un\ndeux");
	assert_body("<p>a&nbsp;&nbsp; &nbsp;b</p>", "a b");
	assert_body("<p>un <b> deux </b> trois</p>", "un deux trois");
	assert_body("<pre>\n  x  =  1\n\n\n\ty = 2\r\n</pre><p>after</p>",
	            "  x  =  1\n\n\ty = 2\n\nafter");
	assert_body("<p>  </p><div>\n</div>", "");
}

static void
test_breaks(void **state)
{
	(void)state;
	assert_body("<p>one<br>two</p>", "one\ntwo");
	assert_body("<p>one<br/><br/>two</p>", "one\n\ntwo");
	assert_body("<p>one<br><br><br><br>two<br></p><p>three</p>", "one\n\ntwo\n\nthree");
	assert_body("<br><br><p>first</p>", "first");
	assert_body("<table><tr><th>Ville</th><th>Pluie</th></tr>"
	            "<tr><td>Alès</td><td>212&nbsp;mm</td></tr></table>",
	            "Ville\nPluie\nAlès\n212 mm");
	assert_body("<ul><li>a</li><li>b</li></ul><p>c</p>", "a\nb\n\nc");
	assert_body("<h1>Titre</h1><h2>Sous-titre</h2>texte", "Titre\n\nSous-titre\n\ntexte");
	assert_body("<dl><dt>Lieu</dt><dd>Nîmes</dd></dl>", "Lieu\nNîmes");
	assert_body("<div>un<div>deux</div>trois</div>", "un\ndeux\ntrois");
	/* libxml2 puts text that opens the body in a paragraph of its own */
	assert_body("un<div>deux</div>trois", "un\n\ndeux\ntrois");
	assert_body("<blockquote>cité</blockquote><hr><figure><figcaption>légende</figcaption>"
	            "</figure>",
	            "cité\n\nlégende");
}

/*
 * Tags libxml2 reads otherwise than the WHATWG (html5lib-tests' tree
 * construction): "</br>" is a <br>, a "</p>" that closes no paragraph an
 * empty one, "<!-->" an empty comment; inside comments and scripts they
 * are left alone.
 */
/* The WHATWG's table: its first and last names, case, two code points, none. */
static void
test_entity_table(void **state)
{
	uint32_t cp[2];

	(void)state;
	assert_int_equal(entity_lookup("AElig", 5, cp), 1);
	assert_int_equal(cp[0], 0xC6);
	assert_int_equal(entity_lookup("zwnj", 4, cp), 1);
	assert_int_equal(cp[0], 0x200C);
	assert_int_equal(entity_lookup("CounterClockwiseContourIntegral", 31, cp), 1);
	assert_int_equal(cp[0], 0x2233);
	assert_int_equal(entity_lookup("AMP", 3, cp), 1);
	assert_int_equal(entity_lookup("Amp", 3, cp), 0);
	assert_int_equal(entity_lookup("nvlt", 4, cp), 2);
	assert_int_equal(cp[0], '<');
	assert_int_equal(cp[1], 0x20D2);
	assert_int_equal(entity_lookup("ampx", 3, cp), 1); /* n, not the NUL, ends the name */
	assert_int_equal(entity_lookup("", 0, cp), 0);
	assert_int_equal(entity_lookup("CounterClockwiseContourIntegralX", 32, cp), 0);
}

static void
test_whatwg_tags(void **state)
{
	(void)state;
	assert_body("<p>Lena</br>Okafor</p>", "Lena\nOkafor");
	assert_body("<p>Lena</BR >Okafor</p>", "Lena\nOkafor");
	assert_body("<body>Lena</p>Okafor</body>", "Lena\nOkafor");
	assert_body("<p>a<div>Lena</div>Okafor</p>Diaz", "a\n\nLena\nOkafor\nDiaz");
	assert_body("<div><p>One</p><p>Two</p></div><p>Three</p>", "One\n\nTwo\n\nThree");
	assert_body("<p>x<!-->Lena Okafor<!-- y -->z</p>", "xLena Okaforz");
	assert_body("<p>x<!--->Lena Okafor<!-- y -->z</p>", "xLena Okaforz");
	assert_body("<p>Lena<!-- </br> -->Okafor<script>x=\"</p>\"</script></p>", "LenaOkafor");
	assert_body("<p>Lena</pre>Okafor</p>", "LenaOkafor");
	assert_text("Lena</br>Okafor", "Lena\nOkafor");
}

static void
test_entities(void **state)
{
	(void)state;
	assert_body(
	    "<p>&#8212; &mdash; &amp; &eacute; &#x627; &#xE9;&#233; &lt;b&gt; &quot;q&quot;</p>",
	    "\xE2\x80\x94 \xE2\x80\x94 & \xC3\xA9 \xD8\xA7 \xC3\xA9\xC3\xA9 <b> \"q\"");
	/* not references: kept as written */
	assert_body("<p>AT&T &unknown; &#xD800;x 5 &lt6 &hellip</p>",
	            "AT&T &unknown; x 5 &lt6 &hellip");
	/*
	 * what the WHATWG tokenizer reads (html5lib-tests' named and numeric
	 * references): a legacy name without ';', but not before a letter, a
	 * digit or '='; a C1 control's number as windows-1252's character
	 * (U+0081 has none); attributes are left alone
	 */
	assert_body("<p>5 &lt 6, Ren&eacute Dupont &COPY 2024, a=1&copy=2</p>",
	            "5 < 6, Ren\u00e9 Dupont \u00a9 2024, a=1&copy=2");
	assert_body("<p>O&#146;Brien &#8220;Paris&#150;Berlin&#x94; x&#151y &#128; &#129;</p>",
	            "O\u2019Brien \u201cParis\u2013Berlin\u201d x\u2014y \u20ac \xc2\x81");
	assert_body("<p><a href=\"/x?a&copy&#150;\" title=\"&eacute\">Zo&euml</a></p>", "Zo\u00eb");
	/* HTML5's names, which libxml2's HTML 4 table lacks (html5lib's named references) */
	assert_body(
	    "<p>O&apos;Brien Jean&hyphen;Pierre &lpar;Okafor&rpar; &check; &NotEqualTilde;</p>",
	    "O'Brien Jean\u2010Pierre (Okafor) \u2713 \u2242\u0338");
	assert_text("O&apos;Brien Jean&hyphen;Pierre &lpar;x&rpar; &nosuchname;",
	            "O'Brien Jean\u2010Pierre (x) &nosuchname;");
	assert_text("O&#146;Brien &lt 6 caf&eacute &copy=2 &#x97;",
	            "O\u2019Brien < 6 caf\u00e9 &copy=2 \u2014");
	/* the same without any tag: html_to_text() decodes them itself */
	assert_text("&#8212; &mdash; &amp; &eacute; &#x627; &#233 AT&T &unknown; &#0;x &lt;p&gt;",
	            "\xE2\x80\x94 \xE2\x80\x94 & \xC3\xA9 \xD8\xA7 \xC3\xA9 AT&T &unknown; x <p>");
}

static void
test_dropped(void **state)
{
	(void)state;
	assert_body("<p>a</p><script>b()</script><style>p{}</style><noscript>c</noscript>"
	            "<template>d</template><svg><text>e</text></svg><math><mi>f</mi></math>"
	            "<iframe>g</iframe><object>h</object><canvas>i</canvas><p>j</p>",
	            "a\n\nj");
	assert_body("<form><label>Nom</label><input value=x><select><option>Oui</option>"
	            "<option>Non</option></select><textarea>t</textarea><button>Envoyer</button>"
	            "</form>",
	            "Nom");
	assert_body("<p>a<!-- b -->c<?pi d?>e</p>", "ace");
	assert_body("<p>visible <span hidden>caché</span><span aria-hidden=\"TRUE\">x</span>"
	            "<span aria-hidden=\"false\">shown</span></p>",
	            "visible shown");
	assert_body("<p><img src=a.jpg alt=\"Portrait\" title=\"Titre\">texte</p>", "texte");
	assert_body("<p>日本<ruby>漢<rp>(</rp><rt>kan</rt>字<rt>ji</rt></ruby></p>", "日本漢字");
}

/* A <meta charset> inside does not re-decode bytes that are already UTF-8. */
static void
test_charset_ignored(void **state)
{
	struct article a;

	(void)state;
	extract("<html><head><meta charset=\"iso-8859-1\"><title>Été</title></head>"
	        "<body><p>café à Alès</p></body></html>",
	        &a);
	assert_string_equal(a.title, "Été");
	assert_string_equal(a.body, "café à Alès");
	article_free(&a);
	extract("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1256\">"
	        "<p>مرحبا</p>",
	        &a);
	assert_string_equal(a.body, "مرحبا");
	article_free(&a);
}

/* ---- which part is the article ----------------------------------------- */

static void
test_article_preferred(void **state)
{
	(void)state;
	assert_body("<body><header>Site</header><nav>Menu</nav><article><header><h1>Titre</h1>"
	            "</header><nav>Sommaire</nav><p>Texte.</p><aside>Encadré</aside>"
	            "<footer>Tags</footer></article><footer>Pied</footer></body>",
	            "Titre\n\nTexte.");
	/* several: the one with the most text */
	assert_body("<article><p>Court.</p></article><article><p>Le plus long des deux.</p>"
	            "</article>",
	            "Le plus long des deux.");
	/* on a tie, the first */
	assert_body("<article>aa</article><article>bb</article>", "aa");
	/* articles inside boilerplate are teasers, not candidates */
	assert_body(
	    "<main><p>Corps principal.</p></main><aside><article>Un autre article bien plus "
	    "long que le corps principal</article></aside>",
	    "Corps principal.");
	/* an article with no text does not win */
	assert_body("<article><img src=x></article><main><p>Dans main.</p></main>", "Dans main.");
	/* main: its header and nav dropped */
	assert_body("<header>Logo</header><main><header>Fil</header><nav>Menu</nav><p>Texte.</p>"
	            "</main><footer>Pied</footer>",
	            "Texte.");
	/* nothing: the body, boilerplate dropped */
	assert_body("<header>Logo</header><nav>Menu</nav><div><p>Texte.</p></div><aside>Pub</aside>"
	            "<footer>Pied</footer>",
	            "Texte.");
	/* landmark roles */
	assert_body("<div role=\"banner\">Logo</div><div role=\"navigation\">Menu</div>"
	            "<div role=\"main\"><p>Texte.</p></div><div role=\"complementary\">Pub</div>"
	            "<div role=\"contentinfo\">Pied</div>",
	            "Texte.");
	assert_body("<article><div role=\"banner\"><h1>Titre</h1></div><p>Texte.</p>"
	            "<div role=\"contentinfo\">Pied</div></article>",
	            "Titre\n\nTexte.");
}

/* ---- fields ------------------------------------------------------------ */

static void
test_title(void **state)
{
	struct article a;

	(void)state;
	extract("<title>\n  Le  &laquo;titre&raquo;\n</title><meta property=og:title content=OG>"
	        "<h1>H1</h1>",
	        &a);
	assert_string_equal(a.title, "Le «titre»");
	article_free(&a);
	extract("<title> </title><meta property=\"og:title\" content=\" Titre  OG \"><h1>H1</h1>",
	        &a);
	assert_string_equal(a.title, "Titre OG");
	article_free(&a);
	extract(
	    "<meta name=\"og:title\" content=\"\"><body><h1> Le <b>premier</b></h1><h1>Second</h1>",
	    &a);
	assert_string_equal(a.title, "Le premier");
	article_free(&a);
	extract("<p>Rien</p>", &a);
	assert_null(a.title);
	article_free(&a);
	/* an SVG <title> is not the page's */
	extract("<body><svg><title>Icône</title></svg><h1>Vrai titre</h1></body>", &a);
	assert_string_equal(a.title, "Vrai titre");
	article_free(&a);
}

static void
test_summary_url(void **state)
{
	struct article a;

	(void)state;
	extract("<meta name=description content=\"Meta  description\">"
	        "<meta property=og:description content=\"OG description\">"
	        "<link rel=\"Canonical\" href=\" https://a.example/x?y=1&amp;z=2 \">"
	        "<meta property=og:url content=\"https://a.example/og\">",
	        &a);
	assert_string_equal(a.summary, "OG description");
	assert_string_equal(a.url, "https://a.example/x?y=1&z=2");
	article_free(&a);
	extract("<meta name=\"description\" content=\"Meta\n  description\">"
	        "<meta property=\"og:url\" content=\"/relative/og\">"
	        "<link rel=\"stylesheet\" href=\"/s.css\">",
	        &a);
	assert_string_equal(a.summary, "Meta description");
	assert_string_equal(a.url, "/relative/og"); /* as found, not resolved */
	article_free(&a);
}

static void
test_published_lang(void **state)
{
	struct article a;

	(void)state;
	extract("<html lang=\"ar-SY\"><meta property=\"article:published_time\" "
	        "content=\"2024-02-01T10:00:00Z\"><article><time datetime=\"2020-01-01\">x</time>"
	        "</article>",
	        &a);
	assert_string_equal(a.published, "2024-02-01T10:00:00Z");
	assert_string_equal(a.lang, "ar-SY");
	article_free(&a);
	/* else the first <time datetime> in the article, even in its footer */
	extract("<body><time datetime=\"1999-01-01\">avant</time><article><p>Texte "
	        "<time>hier</time></p><footer><time datetime=\" 2024-06-30T18:05+02:00 \">30 "
	        "juin</time></footer></article></body>",
	        &a);
	assert_string_equal(a.published, "2024-06-30T18:05+02:00");
	assert_string_equal(a.body, "Texte hier");
	assert_null(a.lang);
	article_free(&a);
	/* no article: a <time> is not a publication date */
	extract("<main><time datetime=\"2024-01-01\">1er janvier</time></main>", &a);
	assert_null(a.published);
	article_free(&a);
}

/* Fields the page does not give are left as they were. */
static void
test_fields_kept(void **state)
{
	struct article a;
	char err[160];

	(void)state;
	memset(&a, 0, sizeof(a));
	assert_int_equal(article_set(&a.url, "https://feed.example/item", 25), 0);
	assert_int_equal(html_extract("<p>x</p>", 8, &a, NULL, 0, err, sizeof(err)), 0);
	assert_string_equal(a.url, "https://feed.example/item");
	assert_string_equal(a.body, "x");
	article_free(&a);
	memset(&a, 0, sizeof(a));
	assert_int_equal(html_extract("", 0, &a, NULL, 0, err, sizeof(err)), 0);
	assert_string_equal(a.body, "");
	assert_null(a.title);
	article_free(&a);
}

/* ---- fragments --------------------------------------------------------- */

static void
test_to_text(void **state)
{
	(void)state;
	/* no tag at all: references decoded, white space collapsed per paragraph */
	assert_text("  Premier   paragraphe,\nsuite.\r\n \r\n\n  Second &amp; dernier&nbsp;!  ",
	            "Premier paragraphe, suite.\n\nSecond & dernier !");
	assert_text("", "");
	assert_text("\xEF\xBB\xBFsans marque", "sans marque");
	assert_text("\xEF\xBB\xBF<p>sans marque</p>", "sans marque");
	assert_text("   \n\n  ", "");
	assert_text("a < b et c > d", "a < b et c > d");
	assert_text("Un<br>deux<p>trois</p>", "Un\ndeux\n\ntrois");
	assert_text("<p>Un</p>\n\n<p>Deux <a href=\"/x\">lien</a></p>", "Un\n\nDeux lien");
	assert_text("<div class=\"Kamalmaz\"><script>Kamalmaz()</script>Kam<i>alm</i>az</div>",
	            "Kamalmaz");
	assert_text("<title>Pas du texte</title><p>Texte</p>", "Texte");
	assert_text("نص <b>عربي</b> &#x627;", "نص عربي ا");
	/* NUL bytes read as spaces, as libxml2 reads them */
	{
		size_t n;
		char *t = html_to_text("un\0deux\0", 8, &n);

		assert_non_null(t);
		assert_string_equal(t, "un deux");
		assert_int_equal(n, 7);
		free(t);
		t = html_to_text("<p>un\0deux</p>", 14, &n);
		assert_non_null(t);
		assert_string_equal(t, "un deux");
		free(t);
	}
}

/* ---- hostile input ----------------------------------------------------- */

static char *
repeat(const char *head, const char *unit, size_t n, const char *mid, const char *unit2, size_t n2,
       const char *tail)
{
	size_t ul = strlen(unit), ul2 = strlen(unit2), len, i;
	char *s, *p;

	len = strlen(head) + ul * n + strlen(mid) + ul2 * n2 + strlen(tail);
	s = malloc(len + 1);
	assert_non_null(s);
	p = stpcpy(s, head);
	for (i = 0; i < n; i++)
		p = stpcpy(p, unit);
	p = stpcpy(p, mid);
	for (i = 0; i < n2; i++)
		p = stpcpy(p, unit2);
	stpcpy(p, tail);
	return s;
}

/* Extract a page, its warning in warn. */
static void
extract_warn(const char *html, struct article *a, char *warn, size_t warnsz)
{
	char err[160] = "";

	memset(a, 0, sizeof(*a));
	assert_int_equal(html_extract(html, strlen(html), a, warn, warnsz, err, sizeof(err)), 0);
	assert_non_null(a->body);
}

static void
test_deep_nesting(void **state)
{
	static const char *const tags[][3] = {
	    {"<div>", "</div>", "avant\n\nprofond après"},
	    {"<b>", "</b>", "avant\n\nprofond après"},
	    {"<font>", "", "avant\n\nprofond après"},
	    /* each <li> closes the one before: nothing is deep */
	    {"<li>", "", "avant\n\nprofond\n\naprès"},
	};
	struct article a;
	char warn[200];
	size_t i, n;
	char *s, *t;

	(void)state;
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		s = repeat("<p>avant</p>", tags[i][0], 100000, "profond", tags[i][1], 100000,
		           "<p>après</p>");
		/*
		 * 100,000 open elements: HTML_MAX_PIECES pieces of 240, then the
		 * rest without a parser; all the text is kept, with a warning
		 */
		extract_warn(s, &a, warn, sizeof(warn));
		assert_string_equal(a.body, tags[i][2]);
		if (i < 3)
			assert_non_null(strstr(warn, "read in 64 pieces, and from byte "));
		else
			assert_string_equal(warn, "");
		article_free(&a);
		t = html_to_text(s, strlen(s), &n);
		assert_non_null(t);
		assert_string_equal(t, tags[i][2]);
		free(t);
		free(s);
	}
	/* deep but within the limit: all the text */
	s = repeat("", "<div><span>", 100, "fond", "</span></div>", 100, "<p>fin</p>");
	assert_body(s, "fond\n\nfin");
	free(s);
}

/* A page of n paragraphs, each with a <font> never closed; the last one names Assad. */
static char *
old_page(size_t n)
{
	size_t cap = 200 + n * 80, len, i;
	char *s = malloc(cap);

	assert_non_null(s);
	len = (size_t)snprintf(s, cap, "<html><head><title>Archives</title></head><body>\n");
	for (i = 1; i <= n; i++)
		len +=
		    (size_t)snprintf(s + len, cap - len,
		                     "<p><font face=\"Verdana\" size=2>Ligne %zu du bulletin%s.\n",
		                     i, i == n ? ", Assad" : "");
	snprintf(s + len, cap - len, "</body></html>\n");
	return s;
}

static void
test_deep_pieces(void **state)
{
	struct article a;
	char warn[200], want[64], *s, *t, *p;
	size_t i, n;

	(void)state;
	/*
	 * libxml2 2.9 halted past 256 open elements and the rest was lost:
	 * this page stopped at its line 127
	 */
	s = old_page(300);
	extract_warn(s, &a, warn, sizeof(warn));
	assert_string_equal(a.title, "Archives");
	p = a.body;
	for (i = 1; i <= 300; i++) {
		snprintf(want, sizeof(want), "Ligne %zu du bulletin", i);
		p = strstr(p, want);
		if (p == NULL)
			fail_msg("line %zu lost", i);
		/* each line its own paragraph, across the cuts too */
		if (i > 1)
			assert_memory_equal(p - 2, "\n\n", 2);
	}
	assert_non_null(strstr(a.body, "Ligne 300 du bulletin, Assad."));
	assert_non_null(strstr(warn, "HTML nested deeper than 240 elements from byte "));
	assert_non_null(strstr(warn, "read in 3 pieces"));
	article_free(&a);
	t = html_to_text(s, strlen(s), &n);
	assert_non_null(t);
	assert_non_null(strstr(t, "Ligne 299 du bulletin.\n\nLigne 300 du bulletin, Assad."));
	free(t);
	free(s);

	/* 300 <div> deep: the whole body was empty */
	s = repeat("<html><body>", "<div>", 300, "Au fond, Assad", "</div>", 300, "</body></html>");
	extract_warn(s, &a, warn, sizeof(warn));
	assert_string_equal(a.body, "Au fond, Assad");
	assert_non_null(strstr(warn, "read in 2 pieces"));
	article_free(&a);
	free(s);

	/* a cut at an inline element joins with a space, at a block with a line */
	s = repeat("<p>un</p>", "<span>", 300, "deux", "", 0, "");
	assert_body(s, "un\n\ndeux");
	free(s);
	s = repeat("<p>un ", "<b>", 300, "deux", "", 0, "");
	assert_body(s, "un deux");
	free(s);
	/* script and style stay out, after a cut too */
	s = repeat("<p>un</p>", "<div>", 300, "<script>var x;</script>deux", "", 0,
	           "<style>p{}</style>");
	assert_body(s, "un\n\ndeux");
	free(s);
	/*
	 * and when the cut falls on the <script> or <style> itself (some depth
	 * in 230 to 250 puts it there): its code is never text
	 */
	for (size_t d = 230; d <= 250; d++) {
		char *body;

		s = repeat("<html><body><p>un</p>", "<div>", d,
		           "<script>var hidden_code = 1;</script><style>p{color:red}</style>deux",
		           "", 0, "</body></html>");
		extract_warn(s, &a, warn, sizeof(warn));
		body = a.body != NULL ? a.body : "";
		if (strstr(body, "hidden_code") != NULL || strstr(body, "color") != NULL)
			fail_msg("depth %zu: code read as text: %s", d, body);
		assert_non_null(strstr(body, "deux"));
		article_free(&a);
		free(s);
	}
	/* a shallow page: no warning */
	extract_warn("<p>un</p>", &a, warn, sizeof(warn));
	assert_string_equal(warn, "");
	article_free(&a);
}

static void
test_entity_attacks(void **state)
{
	struct article a;

	(void)state;
	/* HTML has no entity declarations: &lol3; stays as written */
	extract("<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 "
	        "\"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 "
	        "\"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]><html><body><p>Début &lol3; "
	        "fin</p></body></html>",
	        &a);
	assert_null(strstr(a.body, "lollol"));
	assert_non_null(strstr(a.body, "Début &lol3; fin"));
	article_free(&a);
	/* no external entity nor DTD is fetched */
	extract("<!DOCTYPE html SYSTEM \"file:///etc/passwd\" [<!ENTITY xxe SYSTEM "
	        "\"file:///etc/passwd\">]>\n<html><body><p>Fuite : &xxe;</p></body></html>",
	        &a);
	assert_string_equal(a.body, "]>\n\nFuite : &xxe;");
	article_free(&a);
	extract("<!DOCTYPE html SYSTEM \"file:///etc/passwd\"><html><body><p>&xxe;</p>"
	        "<iframe src=\"file:///etc/passwd\"></iframe></body></html>",
	        &a);
	assert_string_equal(a.body, "&xxe;");
	article_free(&a);
}

/* libxml2 spends n^2 on a tag with n attributes: past 128 they are dropped. */
static void
test_many_attributes(void **state)
{
	char *s, *p;
	clock_t t0;
	size_t i, n = 50000;

	(void)state;
	s = malloc(n * 12 + 100);
	assert_non_null(s);
	p = stpcpy(s, "<p>avant</p><div hidden");
	for (i = 0; i < n; i++)
		p += sprintf(p, " a%zu=\"1\"", i);
	stpcpy(p, ">caché</div><p>après</p>");
	t0 = clock();
	assert_body(s, "avant\n\naprès");
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	/* attributes past the limit are not read: hidden there does not hide */
	p = stpcpy(s, "<div");
	for (i = 0; i < 200; i++)
		p += sprintf(p, " a%zu", i);
	stpcpy(p, " hidden>vu</div><script x=\"<p a b c>\">var a<b, c, d;</script><p>fin</p>");
	assert_body(s, "vu\n\nfin");
	free(s);
}

/* ---- sniffing ---------------------------------------------------------- */

static void
test_sniff(void **state)
{
	static const char *const yes[] = {
	    "<p>Texte</p>",
	    "Un texte<br>suivi",
	    "<br/>",
	    "voir <a href=\"https://x.example\">ici</a>",
	    "<span class=x>y",
	    "<div\n  id='a'>",
	    "fin</div>",
	    "<LI>item",
	    "<h2>Titre</h2>",
	    "<img src=x.jpg alt=\"\">",
	    "<table>",
	    "<b>gras</b>",
	    "<i>",
	    "<em>",
	    "<strong>fort</strong>",
	    "<!DOCTYPE html><title>x</title>",
	    "<html lang=fr>",
	    "AT&amp;T",
	    "un &#8212; tiret",
	    "&#x627;",
	    "prix&nbsp;: 5",
	    "&eacute;t&eacute;",
	};
	static const char *const no[] = {
	    "",
	    "Texte simple.",
	    "a < b et c > d",
	    "x<y",
	    "AT&T et Procter & Gamble",
	    "R&D; Q&A",
	    "&unknown; &; &#; &#x;",
	    "<<>>",
	    "<3 merci",
	    "<unknown>",
	    "<source> <time>",
	    "<p",
	    "<a href=\"x",
	    "</p x>",
	    "email <jean@example.com>",
	    "<!DOCTYPE",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!html_sniff(yes[i], strlen(yes[i])))
			fail_msg("html_sniff(\"%s\") is 0", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (html_sniff(no[i], strlen(no[i])))
			fail_msg("html_sniff(\"%s\") is 1", no[i]);
	/* only the given length is read */
	assert_int_equal(html_sniff("<p>", 2), 0);
}

/* A long run of would-be tags costs a bounded amount of work. */
/*
 * html_sniff_document(): a whole HTML document, for a file named .txt;
 * a text whose first line holds a tag or a "<Word>" is no document.
 */
static void
test_sniff_document(void **state)
{
	static const char *const yes[] = {
	    "<!DOCTYPE html><title>x</title>",
	    "<!doctype HTML>\n<p>x",
	    "\xEF\xBB\xBF  <html lang=en>",
	    "<!-- saved from url -->\n<HTML>",
	    "<!--><html>",
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\">",
	    "\n\t<head><title>x</title></head>",
	    "<body/>",
	};
	static const char *const no[] = {
	    "<BREAKING> Okafor freed\nLena Okafor was released.\n",
	    "<p>Note\nLena <Okafor> Hezbollah\n",
	    "<htmlx>",
	    "<html",
	    "<!-- unclosed <html>",
	    "<headline> x",
	    "<b>Okafor</b> freed",
	    "Note <html>",
	    "",
	    "<!DOCTYPE htm>",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!html_sniff_document(yes[i], strlen(yes[i])))
			fail_msg("html_sniff_document(\"%s\") is 0", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (html_sniff_document(no[i], strlen(no[i])))
			fail_msg("html_sniff_document(\"%s\") is 1", no[i]);
	/* the length is the end: "<html>" cut to "<htm" is none */
	assert_int_equal(html_sniff_document("<html>", 4), 0);
}

static void
test_sniff_linear(void **state)
{
	char *s;
	clock_t t0;

	(void)state;
	s = repeat("", "<p a b c d e f g h i j k l m n o p ", 200000, "", "", 0, "");
	t0 = clock();
	assert_int_equal(html_sniff(s, strlen(s)), 0);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pages),
	    cmocka_unit_test(test_hidden_name_absent),
	    cmocka_unit_test(test_inline_joins),
	    cmocka_unit_test(test_whitespace),
	    cmocka_unit_test(test_breaks),
	    cmocka_unit_test(test_whatwg_tags),
	    cmocka_unit_test(test_entity_table),
	    cmocka_unit_test(test_entities),
	    cmocka_unit_test(test_dropped),
	    cmocka_unit_test(test_charset_ignored),
	    cmocka_unit_test(test_article_preferred),
	    cmocka_unit_test(test_title),
	    cmocka_unit_test(test_summary_url),
	    cmocka_unit_test(test_published_lang),
	    cmocka_unit_test(test_fields_kept),
	    cmocka_unit_test(test_to_text),
	    cmocka_unit_test(test_deep_nesting),
	    cmocka_unit_test(test_deep_pieces),
	    cmocka_unit_test(test_entity_attacks),
	    cmocka_unit_test(test_many_attributes),
	    cmocka_unit_test(test_sniff),
	    cmocka_unit_test(test_sniff_linear),
	    cmocka_unit_test(test_sniff_document),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
