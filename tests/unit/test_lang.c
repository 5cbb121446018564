/* Unit tests for lang.c: the language guess from the script of the letters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lang.h"

static const char *
guess(const char *text, size_t len)
{
	static char out[8];

	memset(out, 'x', sizeof(out));
	lang_guess_script(text, len, out);
	assert_true(memchr(out, '\0', sizeof(out)) != NULL);
	return out;
}

static void
test_scripts(void **state)
{
	static const struct {
		const char *text, *want;
	} c[] = {
	    {"أعلنت الحكومة اليوم عن خطة جديدة لدعم المزارعين في المناطق الريفية.", "ar"},
	    {"دولت امروز برنامه‌ای تازه برای کمک به "
	     "کشاورزان "
	     "در "
	     "روستاها "
	     "اعلام "
	     "کرد.",
	     "fa"},
	    {"حکومت نے آج دیہی علاقوں کے کسانوں کی مدد کے لیے نیا منصوبہ پیش کیا ہے۔", "ur"},
	    {"הממשלה הודיעה היום על תוכנית חדשה לחקלאים.", "he"},
	    {"Η κυβέρνηση ανακοίνωσε σήμερα ένα νέο σχέδιο για τους αγρότες.", "el"},
	    {"Правительство сегодня объявило о новом плане помощи фермерам.", "ru"},
	    {"Уряд сьогодні оголосив про новий план допомоги фермерам у селах і містах, "
	     "які потребують її.",
	     "uk"},
	    {"政府今天宣布了一项支持农民的新计划。", "zh"},
	    {"政府は今日、農家を支援する新しい計画を発表した。", "ja"},
	    {"정부는 오늘 농민을 지원하는 새로운 계획을 발표했다.", "ko"},
	    {"รัฐบาลประกาศแผนใหม่เพื่อช่วยเหลือเกษตรกรในวันนี้", "th"},
	    /* Latin does not tell the language */
	    {"The government announced a new plan for farmers today.", ""},
	    {"Le gouvernement a annoncé un nouveau plan pour les agriculteurs.", ""},
	    /* the script of most letters wins */
	    {"Officials met سمير in Paris yesterday afternoon", ""},
	    {"قال المتحدث إن Reuters نقلت الخبر عن مصادر رسمية في العاصمة", "ar"},
	    /* Arabic with a Persian letter in a place name stays Arabic */
	    {"التقى الرئيس بوفد من مدينة گرگان في العاصمة اليوم لمناقشة التعاون", "ar"},
	    /* no letters */
	    {"", ""},
	    {"12345 ٣٤ !?", ""},
	    {"\xFF\xFE\x80", ""},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		const char *got = guess(c[i].text, strlen(c[i].text));

		if (strcmp(got, c[i].want) != 0)
			print_error("%s: got \"%s\", want \"%s\"\n", c[i].text, got, c[i].want);
		assert_string_equal(got, c[i].want);
	}
}

/* Only the first 1 KB is read, cut on a character boundary. */
static void
test_scan_cap(void **state)
{
	const char *ar = "خبر عاجل من العاصمة ";
	size_t n = 200000, i, k = strlen(ar);
	char *text = malloc(n);

	(void)state;
	assert_non_null(text);
	/* 5 KB of spaces, then Arabic: beyond the cap, nothing is seen */
	memset(text, ' ', 5000);
	for (i = 5000; i + k <= n; i += k)
		memcpy(text + i, ar, k);
	assert_string_equal(guess(text, i), "");
	/* Arabic straddling the cap: counted up to it, no overread */
	memset(text, ' ', 1003); /* a letter straddles the cap */
	for (i = 1003; i + k <= n; i += k)
		memcpy(text + i, ar, k);
	assert_string_equal(guess(text, i), "ar");
	/* Arabic first, Latin after the cap */
	for (i = 0; i + k <= 1024; i += k)
		memcpy(text + i, ar, k);
	memset(text + i, 'e', n - i);
	assert_string_equal(guess(text, n), "ar");
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scripts),
	    cmocka_unit_test(test_scan_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
