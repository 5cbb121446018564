/*
 * Unit tests for the 16-byte steps of token.c (split_run: a plain ASCII
 * word with the separators after it) and utf8.c (clean_scan: ASCII and
 * two-byte forms). They only run on texts with 16 bytes or more left, so
 * these texts are long, and each is also tried at every alignment (1 to 17
 * leading spaces) and in a buffer of exactly its size (no NUL after it:
 * AddressSanitizer sees a read past the end). The expected tokens are those
 * of the byte loops (built with HARK_NO_SIMD the same tests pass).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "token.h"
#include "utf8.h"

struct long_case {
	const char *text;
	const char *norm;    /* tokens joined by '|' */
	const char *spans;   /* text[start..end) of each token joined by '|' */
	const char *scripts; /* enum script of each token, one digit each */
};

static void
join(char *buf, size_t cap, const char *s, size_t n)
{
	size_t len = strlen(buf);

	if (len > 0 && len + 1 < cap)
		buf[len++] = '|';
	if (len + n >= cap)
		n = cap - len - 1;
	memcpy(buf + len, s, n);
	buf[len + n] = '\0';
}

/*
 * Split text[0..len) from a buffer of exactly len bytes, shifted by lead
 * spaces; render tokens, spans (of the unshifted text) and scripts.
 */
static void
render(const char *text, size_t lead, struct toklist *tl, char *norm, char *spans, char *scripts,
       size_t cap)
{
	size_t len = strlen(text) + lead, i;
	char *buf = malloc(len ? len : 1);

	assert_non_null(buf);
	memset(buf, ' ', lead);
	memcpy(buf + lead, text, len - lead);
	norm[0] = spans[0] = scripts[0] = '\0';
	toklist_clear(tl);
	assert_int_equal(token_split(buf, len, tl), 0);
	assert_true(tl->normcap - tl->normlen >= TOKEN_NORM_SLACK);
	for (i = 0; i < tl->n; i++) {
		const struct token *t = &tl->v[i];

		assert_int_equal(strlen(token_text(tl, t)), t->normlen);
		assert_true(t->start >= lead && t->start < t->end && t->end <= len);
		join(norm, cap, token_text(tl, t), t->normlen);
		join(spans, cap, buf + t->start, t->end - t->start);
		if (i + 1 < cap)
			scripts[i] = (char)('0' + t->script), scripts[i + 1] = '\0';
	}
	free(buf);
}

static void
run_long(const struct long_case *c, size_t n)
{
	char norm[1024], spans[1024], scripts[256];
	struct toklist tl;
	int bad = 0;

	toklist_init(&tl);
	for (size_t i = 0; i < n; i++)
		for (size_t lead = 0; lead <= 17; lead++) {
			render(c[i].text, lead, &tl, norm, spans, scripts, sizeof(norm));
			if (strcmp(norm, c[i].norm) != 0 || strcmp(spans, c[i].spans) != 0 ||
			    strcmp(scripts, c[i].scripts) != 0) {
				print_error("%s (after %zu spaces)\n  got \"%s\" / \"%s\" / %s\n"
				            "  want \"%s\" / \"%s\" / %s\n",
				            c[i].text, lead, norm, spans, scripts, c[i].norm,
				            c[i].spans, c[i].scripts);
				bad++;
			}
		}
	toklist_free(&tl);
	assert_int_equal(bad, 0);
}

#define RUN(cases) run_long(cases, sizeof(cases) / sizeof(cases[0]))

/* Words of 15, 16 and 17 bytes: one step, a step and a byte, two steps. */
static void
test_word_lengths(void **state)
{
	static const struct long_case c[] = {
	    {"Le quinquagénaire anticonstitutionnellement Donaudampfschiff abcdefghijklmno "
	     "abcdefghijklmnop abcdefghijklmnopq fin.",
	     "le|quinquagenaire|anticonstitutionnellement|donaudampfschiff|abcdefghijklmno|"
	     "abcdefghijklmnop|abcdefghijklmnopq|fin",
	     "Le|quinquagénaire|anticonstitutionnellement|Donaudampfschiff|abcdefghijklmno|"
	     "abcdefghijklmnop|abcdefghijklmnopq|fin",
	     "11111111"},
	    {"In 2024 the 3rd quarter grew by 12.5 percent, or 1234567890123456789 units at "
	     "0x1F.",
	     "in|2024|the|3rd|quarter|grew|by|12|5|percent|or|1234567890123456789|units|at|0x1f",
	     "In|2024|the|3rd|quarter|grew|by|12|5|percent|or|1234567890123456789|units|at|0x1F",
	     "181111188118111"},
	    /* the last word ends the buffer, under 16 bytes from its end */
	    {"ZZZZZZZZZZZZZZZZZZZZ Q", "zzzzzzzzzzzzzzzzzzzz|q", "ZZZZZZZZZZZZZZZZZZZZ|Q", "11"},
	};

	(void)state;
	RUN(c);
}

/* Acronyms and elision: the step leaves them to the general path. */
static void
test_acronyms_elision(void **state)
{
	static const struct long_case c[] = {
	    {"Selon les services de l'O.N.U. et du F.M.I., la croissance reste faible cette "
	     "année.",
	     "selon|les|services|de|onu|et|du|fmi|la|croissance|reste|faible|cette|annee",
	     "Selon|les|services|de|O.N.U.|et|du|F.M.I.|la|croissance|reste|faible|cette|année",
	     "11111111111111"},
	    {"C'est l'histoire d'une femme qu'on appelait l’Aigle jusqu'à aujourd’hui, dit-il.",
	     "est|histoire|une|femme|on|appelait|aigle|a|aujourd|hui|dit|il",
	     "est|histoire|une|femme|on|appelait|Aigle|à|aujourd|hui|dit|il", "111111111111"},
	    /* ". " between single letters is two separators: no acronym */
	    {"Alpha -- Beta ... Gamma!! Delta?? (Epsilon) [Zeta] {Eta} Theta... I. J. K L.M",
	     "alpha|beta|gamma|delta|epsilon|zeta|eta|theta|i|j|k|lm",
	     "Alpha|Beta|Gamma|Delta|Epsilon|Zeta|Eta|Theta|I|J|K|L.M", "111111111111"},
	};

	(void)state;
	RUN(c);
}

/* Two-byte scripts after and between ASCII words; Arabic obfuscation. */
static void
test_other_scripts(void **state)
{
	static const struct long_case c[] = {
	    {"أعلنت الحكومة اليوم أن والمفاوضات بالعاصمة ستبدأ للمرة الأولى، وقال المتحدث.",
	     "اعلنت|الحكومه|اليوم|ان|والمفاوضات|بالعاصمه|ستبدا|للمره|الاولي|وقال|المتحدث",
	     "أعلنت|الحكومة|اليوم|أن|والمفاوضات|بالعاصمة|ستبدأ|للمرة|الأولى|وقال|المتحدث",
	     "44444444444"},
	    {"Breaking news from the region today: الإدارة رفـ.ـضت العرض and more text here.",
	     "breaking|news|from|the|region|today|الاداره|رفضت|العرض|and|more|text|here",
	     "Breaking|news|from|the|region|today|الإدارة|رفـ.ـضت|العرض|and|more|text|here",
	     "1111114441111"},
	    {"Москва и Αθήνα и Paris et Zürich and ИТАР-ТАСС reported at 10:45 today.",
	     "москва|и|αθηνα|и|paris|et|zurich|and|итар|тасс|reported|at|10|45|today",
	     "Москва|и|Αθήνα|и|Paris|et|Zürich|and|ИТАР|ТАСС|reported|at|10|45|today",
	     "332311113311881"},
	};

	(void)state;
	RUN(c);
}

/* Tokens appended to a list that holds some: offsets go on from there. */
static void
test_append(void **state)
{
	const char *a = "first sentence of some length here";
	const char *b = "Second SENTENCE, also long enough.";
	struct toklist tl;

	(void)state;
	toklist_init(&tl);
	assert_int_equal(token_split(a, strlen(a), &tl), 0);
	assert_int_equal(tl.n, 6);
	assert_int_equal(token_split(b, strlen(b), &tl), 0);
	assert_int_equal(tl.n, 11);
	assert_string_equal(token_text(&tl, &tl.v[6]), "second");
	assert_string_equal(token_text(&tl, &tl.v[7]), "sentence");
	assert_int_equal(tl.v[7].start, 7);
	assert_int_equal(tl.v[7].end, 15);
	assert_string_equal(token_text(&tl, &tl.v[10]), "enough");
	assert_true(tl.normcap - tl.normlen >= TOKEN_NORM_SLACK);
	toklist_free(&tl);
}

struct clean_case {
	const char *in;
	const char *out;
};

/* Clean in of len bytes, in a buffer of exactly that size. */
static void
check_clean(const char *in, size_t len, const char *want)
{
	char *buf = malloc(len ? len : 1), *got;
	size_t n;

	assert_non_null(buf);
	memcpy(buf, in, len);
	got = utf8_clean(buf, len, &n);
	assert_non_null(got);
	if (n != strlen(want) || memcmp(got, want, n) != 0)
		fail_msg("utf8_clean(\"%.*s\"): got \"%s\", want \"%s\"", (int)len, in, got, want);
	free(got);
	free(buf);
}

/* Blocks of ASCII and two-byte forms, and what makes a block fall back. */
static void
test_clean_blocks(void **state)
{
	static const struct clean_case c[] = {
	    /* a combining acute: NFC composes it, wherever the block starts */
	    {"xxxxxxxxxxxxxe\xCC\x81yyyyyyyyyyyyyyyyyyyy", "xxxxxxxxxxxxxéyyyyyyyyyyyyyyyyyyyy"},
	    /* a lead at the end of a block without its continuation */
	    {"aaaaaaaaaaaaaaa\xC3"
	     "aaaaaaaaaa",
	     "aaaaaaaaaaaaaaa\xEF\xBF\xBD"
	     "aaaaaaaaaa"},
	    /* a lead at the end of a block with it: whole, unchanged */
	    {"aaaaaaaaaaaaaaaébbbbbbbbbbbbbbbb", "aaaaaaaaaaaaaaaébbbbbbbbbbbbbbbb"},
	    /* harakat call for NFC, which keeps them */
	    {"مُحَمَّدمُحَمَّدمُحَمَّد", "مُحَمَّدمُحَمَّدمُحَمَّد"},
	    /* alef + hamza above compose into أ */
	    {"qqqqqqqqqqqqqq\xD8\xA7\xD9\x94zzzzzzzzzzzzzzzz", "qqqqqqqqqqqqqqأzzzzzzzzzzzzzzzz"},
	    /* an encoded surrogate: three bytes, three U+FFFD */
	    {"aaaaaaaaaaaaaaaa\xED\xA0\x80"
	     "bbbbbbbbbbbbbbbb",
	     "aaaaaaaaaaaaaaaa\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
	     "bbbbbbbbbbbbbbbb"},
	    /* a stray lead among two-byte forms */
	    {"ééééééé\xC3"
	     "éééééééé",
	     "ééééééé\xEF\xBF\xBD"
	     "éééééééé"},
	    /* a three-byte form (’) among two-byte ones */
	    {"l’élève était très fière de sa réussite", "l’élève était très fière de sa réussite"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		check_clean(c[i].in, strlen(c[i].in), c[i].out);
}

/* A bad byte and a combining mark at every offset of a long text. */
static void
test_clean_every_offset(void **state)
{
	char in[128], want[128];

	(void)state;
	for (size_t off = 0; off < 40; off++) {
		/* ASCII, then an invalid byte, then two-byte forms */
		memset(in, 'k', off);
		strcpy(in + off, "\xFF"
		                 "ññññññññññ");
		memset(want, 'k', off);
		strcpy(want + off, "\xEF\xBF\xBD"
		                   "ññññññññññ");
		check_clean(in, strlen(in), want);
		/* two-byte forms, then a letter and a combining cedilla */
		memset(in, 0, sizeof(in));
		for (size_t k = 0; k < off; k++)
			memcpy(in + 2 * k, "ö", 2);
		strcat(in, "c\xCC\xA7"
		           "aaaaaaaaaaaaaaaa");
		memset(want, 0, sizeof(want));
		for (size_t k = 0; k < off; k++)
			memcpy(want + 2 * k, "ö", 2);
		strcat(want, "çaaaaaaaaaaaaaaaa");
		check_clean(in, strlen(in), want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_word_lengths),  cmocka_unit_test(test_acronyms_elision),
	    cmocka_unit_test(test_other_scripts), cmocka_unit_test(test_append),
	    cmocka_unit_test(test_clean_blocks),  cmocka_unit_test(test_clean_every_offset),
	};

	norm_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
