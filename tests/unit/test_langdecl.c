/* Unit tests for langdecl.c: the edit that declares a file's language (hark ingest --lang). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "extract.h"
#include "langdecl.h"

/* The file with the edit made, malloc'd; NULL with *why when refused. */
static char *
edited(const char *in, const char *file, const char *lang, const char **why)
{
	struct langdecl d;
	size_t len = strlen(in);
	char *out;

	if (langdecl_find(in, len, file, lang, &d, why) < 0) {
		assert_null(d.text);
		return NULL;
	}
	assert_non_null(d.text);
	assert_true(d.at + d.skip <= len);
	assert_int_equal(strlen(d.text), d.len);
	out = malloc(len - d.skip + d.len + 1);
	assert_non_null(out);
	memcpy(out, in, d.at);
	memcpy(out + d.at, d.text, d.len);
	memcpy(out + d.at + d.len, in + d.at + d.skip, len - d.at - d.skip);
	out[len - d.skip + d.len] = '\0';
	free(d.text);
	return out;
}

static void
check(const char *in, const char *file, const char *want)
{
	const char *why = NULL;
	char *got = edited(in, file, "fr", &why);

	if (got == NULL)
		print_error("%s: refused: %s\n", in, why);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
test_text(void **state)
{
	(void)state;
	check("Titre\nCorps.\n", "a.txt", "---\ntitle: \"Titre\"\nlang: fr\n---\nCorps.\n");
	/* Markdown: "lang:" alone, the file whole (its title is its first heading, read then) */
	check("# Le *titre*\nCorps.\n", "a.md", "---\nlang: fr\n---\n# Le *titre*\nCorps.\n");
	/* blank lines before the title go with it; blanks around it are trimmed */
	check("\n \t\n  Le \"titre\" \\ x  \r\nCorps.", "a.txt",
	      "---\ntitle: \"Le \\\"titre\\\" \\\\ x\"\nlang: fr\n---\nCorps.");
	/* a title alone, without a newline; a byte order mark stays first */
	check("Seul", "a", "---\ntitle: \"Seul\"\nlang: fr\n---\n");
	check("\xEF\xBB\xBFTitre\nx\n", "a",
	      "\xEF\xBB\xBF---\ntitle: \"Titre\"\nlang: fr\n---\nx\n");
	/* a control character in the title is escaped, not written raw into YAML */
	check("a\x01z\nb\n", "a", "---\ntitle: \"a\\x01z\"\nlang: fr\n---\nb\n");
	/* what YAML may not hold as it is, escaped: a non-character, a C1 control, a BOM */
	check("a\xEF\xBF\xBFz\xC2\x96\xEF\xBB\xBF\nb\n", "a",
	      "---\ntitle: \"a\\uFFFFz\\u0096\\uFEFF\"\nlang: fr\n---\nb\n");
}

static void
test_frontmatter_json(void **state)
{
	(void)state;
	check("---\ntitle: T\nlang: de\n---\nbody\n", "a.md",
	      "---\ntitle: T\nlang: de\nlang: fr\n---\nbody\n");
	check("---\r\ntitle: T\r\n...  \r\nbody\r\n", "a.md",
	      "---\r\ntitle: T\r\nlang: fr\n...  \r\nbody\r\n");
	/* a block closed by more dashes, as frontmatter_sniff() reads it */
	check("----\ntitle: T\n----\nbody\n", "a.md", "----\ntitle: T\nlang: fr\n----\nbody\n");
	/* TOML: before the closing line, or before the first table (its keys are the table's) */
	check("+++\ntitle = \"T\"\n+++\nbody\n", "a.md",
	      "+++\ntitle = \"T\"\nlang = \"fr\"\n+++\nbody\n");
	check("+++\ntitle = \"T\"\n[params]\nx = 1\n+++\n---\nbody\n", "a.md",
	      "+++\ntitle = \"T\"\nlang = \"fr\"\n[params]\nx = 1\n+++\n---\nbody\n");
	check("{\"title\": \"T\", \"body\": \"b\"}\n", "a.json",
	      "{\"title\": \"T\", \"body\": \"b\",\"lang\":\"fr\"}\n");
	check("{ \n }", "a.json", "{ \n \"lang\":\"fr\"}");
}

static void
test_refused(void **state)
{
	const char *why = NULL;

	(void)state;
	assert_null(edited("<html><title>x</title></html>", "a.html", "fr", &why));
	assert_non_null(strstr(why, "HTML page or a feed"));
	assert_null(edited("<rss version=\"2.0\"><channel></channel></rss>", "f.xml", "fr", &why));
	assert_non_null(strstr(why, "feed"));
	assert_null(edited("  \n\t\n", "a.txt", "fr", &why));
	assert_string_equal(why, "no text in it");
	assert_null(edited("", "a.txt", "fr", &why));
	assert_null(edited("\xFF\xFEt\0", "a.txt", "fr", &why));
	assert_non_null(strstr(why, "UTF-8"));
	assert_null(edited("[1, 2]", "a.json", "fr", &why));
	assert_string_equal(why, "not a JSON article");
	/* text that opens with a brace is text, unless named .json */
	check("{not json}\nbody\n", "a.txt", "---\ntitle: \"{not json}\"\nlang: fr\n---\nbody\n");
	/* the code is written into YAML and JSON: letters only */
	assert_null(edited("T\nb\n", "a.txt", "f\"r", &why));
	assert_string_equal(why, "not a language code");
	assert_null(edited("T\nb\n", "a.txt", "", &why));
	/* a block hark reads as text (wrong YAML, no mapping, a flow mapping a line cannot join) */
	assert_null(edited("---\ntitle: Okafor: x\n---\nbody\n", "a.md", "fr", &why));
	assert_string_equal(
	    why, "its front matter is not a block hark can read (hark extract says why)");
	assert_null(edited("---\nJust a line\n---\nbody\n", "a.md", "fr", &why));
	assert_null(edited("---\n{title: T}\n---\nbody\n", "a.md", "fr", &why));
	assert_null(edited("+++\ntitle = \"open\n+++\nbody\n", "a.md", "fr", &why));
}

/* What hark then reads: the same title and body, and the declared language. */
static void
test_extracted(void **state)
{
	static const char *const in[] = {
	    "\n  Путин в Минске: \"визит\"\nТекст.\n",
	    "---\ntitle: Macron\nlang: de\n---\nTexte.\n",
	    "{\"title\": \"Macron\", \"body\": \"Texte\", \"lang\": \"de\"}",
	    "\n## Путин *в* Минске ##\n\nТекст [**визит**](http://x.org/a).\n",
	    "Путин **в** Минске\nТекст.\n"};
	static const char *const file[] = {"a.txt", "a.md", "a.json", "b.md", "c.md"};

	(void)state;
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		struct extract_opts o = {.file = file[i], .source = "drop"};
		struct extraction x, y;
		const char *why;
		char *got = edited(in[i], file[i], "ru", &why), err[256];

		assert_non_null(got);
		assert_int_equal(extract_bytes(in[i], strlen(in[i]), &o, &x, err, sizeof(err)), 0);
		assert_int_equal(extract_bytes(got, strlen(got), &o, &y, err, sizeof(err)), 0);
		assert_int_equal(y.ndocs, 1);
		assert_string_equal(y.docs[0].lang_declared, "ru");
		assert_string_equal(y.docs[0].field[F_TITLE], x.docs[0].field[F_TITLE]);
		assert_string_equal(y.docs[0].field[F_BODY], x.docs[0].field[F_BODY]);
		extraction_free(&x);
		extraction_free(&y);
		free(got);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_frontmatter_json),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_extracted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
