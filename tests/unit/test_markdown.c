/* Unit tests for markdown.c: Markdown's markup out of the text, the text kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "extract.h"
#include "markdown.h"

/* The text of md, compared with want; the title with want_title (NULL: none). */
static void
check(const char *md, const char *want, const char *want_title)
{
	size_t n, te;
	char *title, *t = markdown_to_text(md, strlen(md), &n, &title, &te);

	assert_non_null(t);
	assert_int_equal(n, strlen(t));
	if (strcmp(t, want) != 0)
		fail_msg("markdown %s\ngot  [%s]\nwant [%s]", md, t, want);
	if (want_title == NULL)
		assert_null(title);
	else
		assert_string_equal(title, want_title);
	free(t);
	free(title);
}

static void
test_links(void **state)
{
	(void)state;
	/* targets and titles go, the text stays */
	check("Selon [la ministre](https://example.org/zorglub-profile), rien.\n",
	      "Selon la ministre, rien.\n", NULL);
	check("[a](<http://x y> \"title zorglub\") [b](u 'z') [c](u (z)) [d](u_(v)w)\n",
	      "a b c d\n", NULL);
	check("![photo](zorglub.jpg)\n", "photo\n", NULL);
	check("[![alt](img.png)](http://zorglub.org)\n", "alt\n", NULL);
	/* references: full, collapsed, shortcut; the definition goes whole */
	check("[texte][Ref] [ref][] [ref] [nope]\n\n[REF]: https://zorglub.org \"T\"\n",
	      "texte ref ref [nope]\n\n\n", NULL);
	/* no link: the brackets are text */
	check("[a] (b) [c](d\n", "[a] (b) [c](d\n", NULL);
	/* an autolink keeps its address, an address too; a tag is raw HTML, not text */
	check("<https://zorglub.org/a> <x@y.org> <b>\n", "https://zorglub.org/a x@y.org \n", NULL);
	/* a link's text across lines of its paragraph */
	check("[Hélène\nMoreau](http://z.org)\n", "Hélène\nMoreau\n", NULL);
}

static void
test_emphasis(void **state)
{
	(void)state;
	check("**Hélène** Moreau\n", "Hélène Moreau\n", NULL);
	check("*a **b** c* __d__ _e_ ***f***\n", "a b c d e f\n", NULL);
	check("**Hélène\nMoreau**\n", "Hélène\nMoreau\n", NULL);
	check("«**Hélène**» x*y*z\n", "«Hélène» xyz\n", NULL);
	/* what pairs nothing stays */
	check("2 * 3 * 4, snake_case_word, *unclosed, a_b_\n",
	      "2 * 3 * 4, snake_case_word, *unclosed, a_b_\n", NULL);
	/* escaped: a literal, not a delimiter */
	check("\\*a\\* \\[b](c)\n", "*a* [b](c)\n", NULL);
	/* code spans: their text verbatim, their backticks gone */
	check("`a *b* [c](d)` ``e ` f``\n", "a *b* [c](d) e ` f\n", NULL);
}

/*
 * Raw HTML, as CommonMark's spec reads it (open and closing tags with
 * their attributes, comments, processing instructions, declarations,
 * CDATA): markup, not text; a block's tag or <br> leaves a space.
 */
static void
test_raw_html(void **state)
{
	(void)state;
	check("# Lena<br>Okafor\n\nMet <span class=\"Diaz\">Ana</span> Diaz<br/>again <!-- note -->"
	      "<?php x ?><!DOCTYPE html><![CDATA[c]]> <a\nhref='u' title=\"t\">link</a>\n",
	      "Lena Okafor\n\nMet Ana Diaz again  link\n", "Lena Okafor");
	check("<div align=\"center\">\n<b>Bold</b> text\n</div>\n", " \nBold text\n \n", NULL);
	/* not tags: text */
	check("a < b, 3 <4, <a b=>, <x y=\"unclosed>, </ c>, <!-- open\n",
	      "a < b, 3 <4, <a b=>, <x y=\"unclosed>, </ c>, <!-- open\n", NULL);
	check("`<b>x</b>` <!--> y <!---> z\n", "<b>x</b>  y  z\n", NULL);
}

/*
 * Character references, as CommonMark's spec reads them (HTML's names with
 * ';', decimal and hexadecimal numbers; none in code), a C1 control's
 * number as windows-1252's character as in HTML
 */
static void
test_references(void **state)
{
	(void)state;
	check("# Ren&eacute; Vasseur\n\nO&#146;Dowd &amp; Jean&hyphen;Pierre &#x27;x&#39;\n",
	      "Ren\u00e9 Vasseur\n\nO\u2019Dowd & Jean\u2010Pierre 'x'\n", "Ren\u00e9 Vasseur");
	/* a decoded character is text, never a delimiter */
	check("&#42;not emphasis&#42; [a](b)&#91;c&#93;\n", "*not emphasis* a[c]\n", NULL);
	/* invalid numbers are U+FFFD; no name, no ';', too many digits: as written */
	check("&#0; &#xD800; &#x110000; &#12345678; &foo; AT&T &amp &copy\n",
	      "\uFFFD \uFFFD \uFFFD &#12345678; &foo; AT&T &amp &copy\n", NULL);
	/* never longer than the Markdown: of "&nGt;" (two characters, six bytes), the first */
	check("&nGt; &nvlt;\n", "\u226B <\u20D2\n", NULL);
	check("`&amp;` x\n\n```\n&eacute;\n```\n", "&amp; x\n\n\n&eacute;\n\n", NULL);
}

static void
test_blocks(void **state)
{
	(void)state;
	/* ATX headings: the marks and the closing sequence go; the first is the title */
	check("# Le retour de Dubreuil #\n\ntexte\n\n## Deux\n",
	      "Le retour de Dubreuil\n\ntexte\n\nDeux\n", "Le retour de Dubreuil");
	check("#5 bolt\n#hashtag\n", "#5 bolt\n#hashtag\n", NULL);
	check("# a # b #\n", "a # b\n", "a # b");
	/* setext: the underline goes */
	check("Le *titre*\n=========\n\ntexte\n", "Le titre\n\ntexte\n", "Le titre");
	check("texte\n\nSous\n---\n", "texte\n\nSous\n", "Sous");
	/* thematic breaks, quotes, bullets */
	check("a\n\n* * *\n\n> cité\n> > deux\n", "a\n\n\n\ncité\ndeux\n", NULL);
	check("- un\n* deux\n+ trois\n1. quatre\n2) cinq\n  - six\n",
	      "un\ndeux\ntrois\nquatre\ncinq\nsix\n", NULL);
	check("2024 fut\n-5 degrés\n", "2024 fut\n-5 degrés\n", NULL);
	/* a fence: its lines verbatim, its fences gone */
	check("```js\nvar a = [b](c); **x**\n```\nfin *e*\n", "\nvar a = [b](c); **x**\n\nfin e\n",
	      NULL);
	check("~~~\n```\n~~~\n", "\n```\n\n", NULL);
	/* CRLF */
	check("# T\r\n**a**\r\n", "T\na\n", "T");
	check("", "", NULL);
}

/* the title's end: after a first heading, the body starts past it */
static void
test_title_end(void **state)
{
	size_t n, te;
	char *title, *t;

	(void)state;
	t = markdown_to_text("\n# T\nbody\n", 10, &n, &title, &te);
	assert_string_equal(title, "T");
	assert_string_equal(t + te, "body\n");
	free(t);
	free(title);
	t = markdown_to_text("lead\n# T\nbody\n", 14, &n, &title, &te);
	assert_string_equal(title, "T");
	assert_int_equal(te, 0); /* not first: the body is the whole text */
	free(t);
	free(title);
	t = markdown_to_text("a\nb\n===\n", 8, &n, &title, &te);
	assert_string_equal(title, "a b"); /* a title is one line */
	free(t);
	free(title);
}

/* hostile sizes: linear, bounded */
static void
test_hostile(void **state)
{
	size_t big = 1 << 20, n;
	char *s = malloc(big + 1), *t;
	const char *pat[] = {"[", "`", "*", "_", "<", "[a](", "![", "``` ", "> ", "- "};

	(void)state;
	assert_non_null(s);
	for (size_t p = 0; p < sizeof(pat) / sizeof(pat[0]); p++) {
		size_t k = strlen(pat[p]);
		clock_t c0 = clock();

		for (size_t i = 0; i < big; i++)
			s[i] = pat[p][i % k];
		s[big] = '\0';
		t = markdown_to_text(s, big, &n, NULL, NULL);
		assert_non_null(t);
		assert_true(n <= big + 1);
		free(t);
		if ((double)(clock() - c0) / CLOCKS_PER_SEC > 5.0)
			fail_msg("pattern %s: %.1f s for 1 MiB", pat[p],
			         (double)(clock() - c0) / CLOCKS_PER_SEC);
	}
	free(s);
}

/* through extract_bytes: a .md file, and the text after a front matter block */
static void
test_extract(void **state)
{
	const char *md =
	    "# Le retour de Dubreuil\n\nSelon [la ministre](https://example.org/zorglub-profile)"
	    ", **Hélène** Moreau.\n\n![photo](zorglub.jpg)\n";
	const char *fm = "---\ndate: 2026-01-02\n---\n## Le *titre*\n\n[x](http://zorglub.org) y\n";
	struct extract_opts o = {.file = "t.md", .source = "drop", .lang = "fr"};
	struct extraction x;
	char err[256];

	(void)state;
	assert_int_equal(extract_bytes(md, strlen(md), &o, &x, err, sizeof(err)), 0);
	assert_int_equal(x.ndocs, 1);
	assert_string_equal(x.docs[0].field[F_TITLE], "Le retour de Dubreuil");
	/* named so: hark extract, the POST answer, articles.format */
	assert_int_equal(x.format, FMT_MARKDOWN);
	assert_string_equal(extract_format_name(x.format), "markdown");
	assert_null(strstr(x.docs[0].field[F_BODY], "zorglub"));
	assert_null(strstr(x.docs[0].field[F_BODY], "**"));
	assert_non_null(strstr(x.docs[0].field[F_BODY], "Hélène Moreau"));
	extraction_free(&x);

	/* a .txt keeps its text as it is */
	o.file = "t.txt";
	assert_int_equal(extract_bytes(md, strlen(md), &o, &x, err, sizeof(err)), 0);
	assert_string_equal(x.docs[0].field[F_TITLE], "# Le retour de Dubreuil");
	assert_int_equal(x.format, FMT_TEXT);
	assert_string_equal(extract_format_name(x.format), "text");
	extraction_free(&x);

	o.file = "t.txt"; /* front matter: Markdown whatever the name */
	assert_int_equal(extract_bytes(fm, strlen(fm), &o, &x, err, sizeof(err)), 0);
	assert_int_equal(x.format, FMT_FRONTMATTER);
	assert_string_equal(x.docs[0].field[F_TITLE], "Le titre");
	assert_null(strstr(x.docs[0].field[F_BODY], "zorglub"));
	assert_non_null(strstr(x.docs[0].field[F_BODY], "x y"));
	extraction_free(&x);

	/*
	 * a block that is no YAML mapping, or YAML with an error: the whole
	 * text read as Markdown, a warning says why (the file was refused)
	 */
	fm = "---\nNotes on Lena Okafor\n---\n\nMore on Diaz.\n";
	assert_int_equal(extract_bytes(fm, strlen(fm), &o, &x, err, sizeof(err)), 0);
	assert_int_equal(x.format, FMT_MARKDOWN);
	assert_string_equal(x.warning, "front matter is not a mapping: the block read as text");
	assert_string_equal(x.docs[0].field[F_TITLE], "Notes on Lena Okafor");
	assert_non_null(strstr(x.docs[0].field[F_BODY], "More on Diaz."));
	extraction_free(&x);
	fm = "---\ntitle: Lena Okafor: the interview\n---\nWith Diaz.\n";
	assert_int_equal(extract_bytes(fm, strlen(fm), &o, &x, err, sizeof(err)), 0);
	assert_string_equal(x.warning, "front matter line 2 column 19: mapping values are not "
	                               "allowed in this context: the block read as text");
	assert_non_null(strstr(x.docs[0].field[F_TITLE], "Lena Okafor: the interview"));
	assert_non_null(strstr(x.docs[0].field[F_BODY], "With Diaz."));
	extraction_free(&x);
	/* four dashes open and close a block (python-frontmatter) */
	fm = "----\ntitle: Lena Okafor\n----\n\nWith Diaz.\n";
	assert_int_equal(extract_bytes(fm, strlen(fm), &o, &x, err, sizeof(err)), 0);
	assert_int_equal(x.format, FMT_FRONTMATTER);
	assert_string_equal(x.warning, "");
	assert_string_equal(x.docs[0].field[F_TITLE], "Lena Okafor");
	assert_string_equal(x.docs[0].field[F_BODY], "With Diaz.");
	extraction_free(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_links),      cmocka_unit_test(test_emphasis),
	    cmocka_unit_test(test_blocks),     cmocka_unit_test(test_title_end),
	    cmocka_unit_test(test_hostile),    cmocka_unit_test(test_extract),
	    cmocka_unit_test(test_references), cmocka_unit_test(test_raw_html),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
