/*
 * The fold tables the build writes (contrib/gen-normtab.c, normtab.inc)
 * against the ones token.c folds at run time: this file compiles token.c a
 * second time, without HARK_NORMTAB and under other names, so that it
 * builds its tables through utf8proc as every process did before. Every
 * code point of the Basic Multilingual Plane, alone, between letters,
 * after a base letter and in a run of plain letters (split_run's fast
 * path), must give the same tokens from both.
 */
#define norm_init rt_norm_init
#define toklist_init rt_toklist_init
#define toklist_clear rt_toklist_clear
#define toklist_free rt_toklist_free
#define token_split rt_token_split
#define token_readings rt_token_readings
#define token_chunk_end rt_token_chunk_end
#define script_of rt_script_of
#include "../../daemon/core/token.c"
#undef norm_init
#undef toklist_init
#undef toklist_clear
#undef toklist_free
#undef token_split
#undef token_readings
#undef token_chunk_end
#undef script_of

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>

#include <cmocka.h>

/* The library's own, with the build's tables (token.h was read under the names above). */
void norm_init(void);
void toklist_init(struct toklist *tl);
void toklist_free(struct toklist *tl);
int token_split(const char *text, size_t len, struct toklist *tl);
int script_of(uint32_t cp);

/* Whether both splits of text give the same tokens; prints the first difference. */
static int
same_split(const char *text, size_t len, uint32_t cp)
{
	struct toklist a, b;
	int ra, rb, same = 1;

	toklist_init(&a);
	rt_toklist_init(&b);
	ra = token_split(text, len, &a);
	rb = rt_token_split(text, len, &b);
	if (ra != rb || a.n != b.n)
		same = 0;
	for (size_t i = 0; same && i < a.n; i++) {
		const struct token *x = &a.v[i], *y = &b.v[i];

		if (x->start != y->start || x->end != y->end || x->normlen != y->normlen ||
		    x->script != y->script || x->flags != y->flags ||
		    memcmp(a.norm + x->norm, b.norm + y->norm, x->normlen) != 0)
			same = 0;
	}
	if (!same)
		print_message("U+%04X: the build's tables split \"%.*s\" otherwise\n", (unsigned)cp,
		              (int)len, text);
	toklist_free(&a);
	rt_toklist_free(&b);
	return same;
}

static void
test_bmp(void **state)
{
	size_t differ = 0;

	(void)state;
	norm_init();
	rt_norm_init();
	for (uint32_t cp = 1; cp < 0x10000; cp++) {
		static const char *const frames[][2] = {{"", ""},
		                                        {"a", "b"},
		                                        {"x ", " y."},
		                                        {"e", ""},
		                                        {"abcdefghijklmnopqrst", "uvwxyz"}};
		char c[4], text[64];

		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		size_t n = utf8_encode(cp, c);

		for (size_t f = 0; f < sizeof(frames) / sizeof(frames[0]); f++) {
			int len = snprintf(text, sizeof(text), "%s%.*s%s", frames[f][0], (int)n, c,
			                   frames[f][1]);

			if (!same_split(text, (size_t)len, cp))
				differ++;
		}
		if (script_of(cp) != rt_script_of(cp))
			differ++;
	}
	assert_int_equal(differ, 0);
}

/* The tables hold what they were made of: a word, a fold, an ASCII run. */
static void
test_sample(void **state)
{
	static const char text[] = "Ǆemal ÉTÉ straße İstanbul ﬁn ½ Ⅻ";
	struct toklist tl;

	(void)state;
	toklist_init(&tl);
	assert_int_equal(token_split(text, strlen(text), &tl), 0);
	assert_true(tl.n >= 5);
	assert_string_equal(tl.norm + tl.v[0].norm, "dzemal");
	assert_string_equal(tl.norm + tl.v[1].norm, "ete");
	assert_string_equal(tl.norm + tl.v[2].norm, "strasse");
	toklist_free(&tl);
	assert_true(same_split(text, strlen(text), 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bmp),
	    cmocka_unit_test(test_sample),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
