/* Unit tests for lang.c: the guess from the script of the letters, and lang_identify(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cld2_shim.h"
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
	    {"Կառավարությունն այսօր նոր ծրագիր ներկայացրեց ֆերմերների համար։", "hy"},
	    {"მთავრობამ დღეს ფერმერების დახმარების ახალი გეგმა წარადგინა.", "ka"},
	    /* Devanagari writes Hindi, Marathi, Nepali: lang_identify asks CLD2 */
	    {"सरकार ने आज किसानों के लिए नई योजना पेश की।", ""},
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

/* ---- lang_identify() ----------------------------------------------------- */

static const char *
identify(const char *title, const char *body, const char *hint)
{
	static char out[8];

	memset(out, 'x', sizeof(out));
	lang_identify(title, title != NULL ? strlen(title) : 0, body,
	              body != NULL ? strlen(body) : 0, hint, out);
	assert_true(memchr(out, '\0', sizeof(out)) != NULL);
	return out;
}

struct idcase {
	const char *title, *body, *hint, *want;
};

static void
check_cases(const struct idcase *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *got = identify(c[i].title, c[i].body, c[i].hint);

		if (strcmp(got, c[i].want) != 0)
			print_error("[%s] [%s] hint %s: got \"%s\", want \"%s\"\n",
			            c[i].title ? c[i].title : "(null)",
			            c[i].body ? c[i].body : "(null)",
			            c[i].hint ? c[i].hint : "(null)", got, c[i].want);
		assert_string_equal(got, c[i].want);
	}
}

#define FR_BODY                                                                                    \
	"Le tribunal administratif de Nantes a annulé jeudi le permis de construire du "          \
	"nouveau centre commercial, estimant que l'étude d'impact sur les zones humides "         \
	"était insuffisante."
#define EN_BODY                                                                                    \
	"The council said on Friday that the new bridge over the river would open in "             \
	"September, three months later than planned, because of a shortage of steel."

/* Text that tells its language wins over the declared one. */
static void
test_identify_hint_loses(void **state)
{
	static const struct idcase c[] = {
	    {NULL, FR_BODY, "en", "fr"},
	    {NULL, FR_BODY, "English", "fr"},
	    {"Annulation du permis", FR_BODY, "en-US", "fr"},
	    {NULL, EN_BODY, "fr-FR", "en"},
	    {NULL, EN_BODY, "de", "en"},
	    {NULL,
	     "Die Landesregierung will die Zahl der Lehrer an Grundschulen bis zum Jahr 2030 "
	     "um zweitausend erhöhen, teilte das Ministerium am Montag in Stuttgart mit.",
	     "nl", "de"},
	    /* a script that names its language is not argued with */
	    {NULL, "قررت الحكومة رفع الحد الأدنى للأجور اعتباراً من الشهر المقبل.", "en", "ar"},
	    {"Elections", "הבחירות לכנסת ייערכו בחודש הבא, כך הודיעה ועדת הבחירות.", "fr", "he"},
	};

	(void)state;
	check_cases(c, sizeof(c) / sizeof(c[0]));
}

/* Three words CLD2 cannot tell: the declared language decides. */
static void
test_identify_hint_decides(void **state)
{
	static const struct idcase c[] = {
	    {"Merz in Paris", NULL, "de", "de"},
	    {"Merz in Paris", NULL, "nl", "nl"},
	    {"Merz in Paris", NULL, "en", "en"},
	    {"Merz in Paris", "", "it", "it"},
	    /* without a hint, CLD2's best guess */
	    {"Merz in Paris", NULL, NULL, "en"},
	    /* a Cyrillic language for Cyrillic words */
	    {"Уряд ухвалив бюджет", NULL, "bg", "bg"},
	    {"Уряд ухвалив бюджет", NULL, NULL, "uk"},
	    /* a hint the script contradicts is ignored */
	    {"Уряд ухвалив бюджет", NULL, "de", "uk"},
	    {"Merz in Paris", NULL, "ru", "en"},
	    {"Merz in Paris", NULL, "zh-Hans", "en"},
	};

	(void)state;
	check_cases(c, sizeof(c) / sizeof(c[0]));
}

/* The forms a declared language comes in. */
static void
test_identify_hint_forms(void **state)
{
	static const char *const fr[] = {
	    "fr",           "fr-CA",  "FR",     "fr_FR", "  fr-ca", "Fr-BE",
	    "fr, en;q=0.8", "French", "FRENCH", "fra",   "fre",     "FRA",
	};
	static const struct idcase c[] = {
	    /* withdrawn codes and Bokmal */
	    {"Merz in Paris", NULL, "in", "id"},
	    {"Merz in Paris", NULL, "nb-NO", "no"},
	    {"Merz in Paris", NULL, "Norwegian", "no"},
	    {"Merz in Paris", NULL, "ger", "de"},
	    {"Merz in Paris", NULL, "Dutch", "nl"},
	    /* not a language: no hint at all */
	    {"Merz in Paris", NULL, "", "en"},
	    {"Merz in Paris", NULL, "f", "en"},
	    {"Merz in Paris", NULL, "zz", "en"},
	    {"Merz in Paris", NULL, "xx-Latn", "en"},
	    {"Merz in Paris", NULL, "français", "en"},
	    {"Merz in Paris", NULL, "-fr", "en"},
	    {"Merz in Paris", NULL, "Frenchified", "en"},
	    {"Merz in Paris", NULL, "abcdefghijklmnopqrstuvwxyz", "en"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(fr) / sizeof(fr[0]); i++) {
		if (strcmp(identify("Merz in Paris", NULL, fr[i]), "fr") != 0)
			print_error("hint \"%s\"\n", fr[i]);
		assert_string_equal(identify("Merz in Paris", NULL, fr[i]), "fr");
	}
	check_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
test_identify_scripts(void **state)
{
	static const struct idcase c[] = {
	    /* the script alone */
	    {NULL, "أعلن البنك المركزي تثبيت سعر الفائدة للمرة الثالثة على التوالي هذا العام.",
	     NULL, "ar"},
	    {NULL, "بانک مرکزی نرخ سود را برای سومین بار پیاپی ثابت نگه داشت.", NULL, "fa"},
	    {NULL, "مرکزی بینک نے مسلسل تیسری بار شرح سود میں کوئی تبدیلی نہیں کی۔", NULL, "ur"},
	    {NULL, "בנק ישראל הותיר את הריבית ללא שינוי בפעם השלישית ברציפות.", NULL, "he"},
	    {NULL, "Η κεντρική τράπεζα διατήρησε αμετάβλητα τα επιτόκια για τρίτη φορά.", NULL,
	     "el"},
	    {NULL, "中央银行连续第三次维持利率不变。", NULL, "zh"},
	    {NULL, "中央銀行は三会合連続で金利を据え置いた。", NULL, "ja"},
	    {NULL, "중앙은행은 세 번 연속으로 기준금리를 동결했다.", NULL, "ko"},
	    {NULL, "ธนาคารกลางคงอัตราดอกเบี้ยเป็นครั้งที่สามติดต่อกัน", NULL, "th"},
	    {NULL, "Կենտրոնական բանկը երրորդ անգամ անփոփոխ թողեց տոկոսադրույքը։", NULL, "hy"},
	    {NULL, "ცენტრალურმა ბანკმა საპროცენტო განაკვეთი მესამედ უცვლელი დატოვა.", NULL, "ka"},
	    /* Arabic with a few English names is Arabic */
	    {NULL,
	     "قال Tim Cook خلال زيارته إلى الرياض إن شركة Apple ستفتتح مكتباً إقليمياً جديداً في "
	     "المدينة العام المقبل، بحضور ممثلين عن Google و Microsoft.",
	     NULL, "ar"},
	    /* Cyrillic and Devanagari: CLD2 tells the language */
	    {NULL,
	     "Центральный банк в третий раз подряд сохранил ключевую ставку без изменений, "
	     "сославшись на высокую инфляцию.",
	     NULL, "ru"},
	    {NULL,
	     "Національний банк утретє поспіль залишив облікову ставку без змін, пояснивши це "
	     "високою інфляцією.",
	     NULL, "uk"},
	    {NULL,
	     "Народното събрание прие на първо четене промените в закона за енергетиката, след "
	     "като опозицията напусна залата.",
	     NULL, "bg"},
	    {NULL,
	     "Народна скупштина је усвојила закон о буџету за следећу годину, а посланици "
	     "опозиције су најавили нове протесте.",
	     NULL, "sr"},
	    {NULL,
	     "Собранието ги усвои измените на законот за јавни набавки, а опозицијата најави "
	     "дека ќе побара оценка од Уставниот суд.",
	     NULL, "mk"},
	    {NULL,
	     "सरकार ने आज किसानों के लिए एक नई योजना की घोषणा की, जिसके तहत छोटे किसानों को हर "
	     "साल सहायता मिलेगी।",
	     NULL, "hi"},
	    {NULL,
	     "राज्य सरकारने आज शेतकऱ्यांसाठी नवीन योजना जाहीर केली असून त्याअंतर्गत लहान "
	     "शेतकऱ्यांना दरवर्षी मदत मिळणार आहे.",
	     NULL, "mr"},
	    /* Latin: CLD2 */
	    {NULL, FR_BODY, NULL, "fr"},
	    {NULL, EN_BODY, NULL, "en"},
	    {NULL,
	     "Rząd przyjął we wtorek projekt ustawy o podatku od nieruchomości, który ma wejść w "
	     "życie od początku przyszłego roku.",
	     NULL, "pl"},
	};

	(void)state;
	check_cases(c, sizeof(c) / sizeof(c[0]));
}

/* The body's script decides; the title only when the body has few letters. */
static void
test_identify_title_body(void **state)
{
	static const struct idcase c[] = {
	    {"הכנסת אישרה את התקציב", NULL, NULL, "he"},
	    {"הכנסת אישרה את התקציב", "", NULL, "he"},
	    {"국회, 새해 예산안 통과", "2025 — 15:30 (AFP)", NULL, "ko"},
	    /* a short Latin body under an Arabic title */
	    {"البرلمان يقر الموازنة الجديدة بعد نقاش طويل", "Photo: AFP", NULL, "ar"},
	    /* a Hebrew title over a long English body */
	    {"התקציב אושר", EN_BODY, NULL, "en"},
	    /* title and body read together by CLD2 */
	    {"Le permis du centre commercial annulé", FR_BODY, NULL, "fr"},
	    {"Nouveau pont", "Ouverture en septembre", NULL, "fr"},
	};

	(void)state;
	check_cases(c, sizeof(c) / sizeof(c[0]));
}

/* No letters: the declared language if any, else unknown. */
static void
test_identify_empty(void **state)
{
	static const struct idcase c[] = {
	    {NULL, NULL, NULL, ""},      {"", "", NULL, ""},
	    {NULL, "", "", ""},          {"2025", "12:30 — 45 % ٣٤ ۵۶ !?", NULL, ""},
	    {NULL, "", "fr-CA", "fr"},   {"", "1914-1918", "German", "de"},
	    {NULL, "   \n\t", "zz", ""},
	};
	char out[8];

	(void)state;
	check_cases(c, sizeof(c) / sizeof(c[0]));
	/* lengths rule, not NUL bytes: a NULL title with a length is no title */
	memset(out, 'x', sizeof(out));
	lang_identify(NULL, 99, EN_BODY, 0, NULL, out);
	assert_string_equal(out, "");
}

/* Only the first 16 KB go to CLD2, cut on a character boundary. */
static void
test_identify_long(void **state)
{
	const char *es = "El Gobierno aprobó ayer la reforma de las pensiones con el apoyo de los "
	                 "sindicatos y la oposición de la patronal. ";
	const char *ru = "Правительство утвердило новую программу поддержки малого бизнеса. ";
	const char *it = "Il governo ha approvato ieri la riforma delle pensioni con il sostegno "
	                 "dei sindacati. ";
	size_t n = 40000, i, k;
	char *body = malloc(n + 1), *title = malloc(n + 1), out[8];

	(void)state;
	assert_non_null(body);
	assert_non_null(title);
	for (i = 0, k = strlen(es); i + k <= n; i += k)
		memcpy(body + i, es, k);
	body[i] = '\0';
	assert_string_equal(identify(NULL, body, "en"), "es");
	/* a 2-byte letter straddles the 16 KB cut, title or no title */
	body[0] = 'x';
	for (i = 1, k = strlen(ru); i + k <= n; i += k)
		memcpy(body + i, ru, k);
	body[i] = '\0';
	assert_string_equal(identify(NULL, body, NULL), "ru");
	assert_string_equal(identify("Бизнес", body, NULL), "ru");
	/* a title of over 16 KB: CLD2 reads only the title */
	for (i = 0, k = strlen(it); i + k <= n; i += k)
		memcpy(title + i, it, k);
	title[i] = '\0';
	assert_string_equal(identify(title, FR_BODY, NULL), "it");
	/* a body of exactly 16 KB after the title and its newline */
	memset(out, 'x', sizeof(out));
	memset(body, 'a', n);
	memcpy(body, es, strlen(es));
	lang_identify("Pensiones", 9, body, 16384 - 10, NULL, out);
	assert_string_equal(out, "es");
	free(body);
	free(title);
}

/*
 * CLD2 peeks at the character after a change of script, past the end of the
 * text when the change is at its last letter, and crashed on some bytes
 * there (found by fuzz_lang): whatever follows the text is not read now.
 */
static void
test_cld2_past_end(void **state)
{
	const char *text = "Merz in Paris\xD0\x86"; /* ends with a Cyrillic letter */
	size_t len = strlen(text);
	char *buf = malloc(len + 8), out[8];
	int b, reliable, percent;

	(void)state;
	assert_non_null(buf);
	memcpy(buf, text, len);
	for (b = 0x80; b <= 0xFF; b++) {
		memset(buf + len, b, 8);
		memset(out, 'x', sizeof(out));
		percent = cld2_detect(buf, len, NULL, out, &reliable);
		assert_string_equal(out, "en");
		assert_int_equal(reliable, 0);
		assert_true(percent > 0 && percent <= 100);
		memset(out, 'x', sizeof(out));
		lang_identify(NULL, 0, buf, len, NULL, out);
		assert_string_equal(out, "en");
	}
	free(buf);
}

/* CLD2's codes are turned into ISO 639-1 ones; "" for unknown. */
static void
test_cld2_codes(void **state)
{
	static const struct {
		const char *text, *want;
	} c[] = {
	    {"הממשלה אישרה הלילה את התקציב החדש לאחר דיון ארוך בכנסת.", "he"}, /* CLD2: iw */
	    {"立法院今天三讀通過新的預算案，在野黨表示將繼續抗議。", "zh"},    /* CLD2: zh-Hant */
	    {"政府今天宣布了新的预算方案，反对党表示将继续抗议。", "zh"},
	    {"", ""},
	    {"12345 67890 !?", ""},
	};
	char out[8];
	size_t i;
	int reliable;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memset(out, 'x', sizeof(out));
		cld2_detect(c[i].text, strlen(c[i].text), NULL, out, &reliable);
		if (strcmp(out, c[i].want) != 0)
			print_error("%s: got \"%s\", want \"%s\"\n", c[i].text, out, c[i].want);
		assert_string_equal(out, c[i].want);
	}
	/* a NULL text and a hint CLD2 does not know */
	assert_int_equal(cld2_detect(NULL, 5, "xx", out, &reliable), 0);
	assert_string_equal(out, "");
	assert_int_equal(reliable, 0);
}

/* ---- lang_decide(): the prior, and how the language was decided ----------- */

#define PRIOR_TEN "en fr ar ru fa uk tr de es zh"

struct prcase {
	const char *text, *hint, *prior, *want, *by;
};

static void
check_prior(const struct prcase *c, size_t n)
{
	char out[8];
	enum lang_by by;
	const char *name;

	for (size_t i = 0; i < n; i++) {
		memset(out, 'x', sizeof(out));
		by = lang_decide(NULL, 0, c[i].text, strlen(c[i].text), c[i].hint, c[i].prior, out);
		name = lang_by_name(by);
		if (strcmp(out, c[i].want) != 0 || strcmp(name ? name : "-", c[i].by) != 0)
			print_error("%s (hint %s, prior %s): got \"%s\" by %s, want \"%s\" by %s\n",
			            c[i].text, c[i].hint ? c[i].hint : "-",
			            c[i].prior ? c[i].prior : "-", out, name ? name : "-",
			            c[i].want, c[i].by);
		assert_string_equal(out, c[i].want);
		assert_string_equal(name ? name : "-", c[i].by);
	}
}

/* Persian typed with Arabic ي and ك is Persian: CLD2 is sure, the letters are not. */
static void
test_decide_persian_arabic_letters(void **state)
{
	static const struct prcase c[] = {
	    {"من ديروز به کتابخانه رفتم", NULL, NULL, "fa", "cld2"},
	    {"من ديروز به کتابخانه رفتم", NULL, PRIOR_TEN, "fa", "cld2"},
	    {"دولت برنامه تازه‌اي براي مسكن اعلام كرد", NULL,
	     NULL, "fa", "cld2"},
	    /* and Arabic stays Arabic */
	    {"الحكومة تعلن خطة جديدة لدعم الفلاحين في المناطق الريفية", NULL, NULL, "ar", "cld2"},
	    /* the script alone, where CLD2 is not asked: Greek */
	    {"Η κυβέρνηση ανακοίνωσε νέα μέτρα", NULL, NULL, "el", "script"},
	};

	(void)state;
	check_prior(c, sizeof(c) / sizeof(c[0]));
	/* lang_identify() is lang_decide() without a prior */
	assert_string_equal(identify(NULL, "من ديروز به کتابخانه رفتم", NULL), "fa");
}

/* Short Russian and French headlines: neighbours without the prior, right with it. */
static void
test_decide_prior_headlines(void **state)
{
	static const struct prcase c[] = {
	    {"Путин в Минске.", NULL, NULL, "sr", "cld2"},
	    {"Путин в Минске.", NULL, PRIOR_TEN, "ru", "cld2"},
	    {"Macron à Berlin", NULL, NULL, "id", "cld2"},
	    /* the languages: CLD2, favouring each alike, prefers French */
	    {"Macron à Berlin", NULL, "en fr ar ru fa", "fr", "prior"},
	    {"Macron à Berlin", NULL, "fr", "fr", "prior"},
	    /* ы: Russian's letter decides where CLD2 is unsure */
	    {"Лавров прибыл в Анкару", NULL, PRIOR_TEN, "ru", "script"},
	    /* a declared language first, prior or not */
	    {"Macron à Berlin", "fr", NULL, "fr", "declared"},
	    {"Macron à Berlin", "fr", "en de", "fr", "declared"},
	};

	(void)state;
	check_prior(c, sizeof(c) / sizeof(c[0]));
}

/*
 * A short French text whose names read as Slovenian to CLD2 ("Navalny"):
 * its function words (la, le, d') say French, with the prior and without;
 * texts in other languages keep theirs; a text with no function words is
 * left to the prior as before.
 */
static void
test_decide_names_outweigh(void **state)
{
	static const char fr1[] = "Alexeï Navalny. La fille d'Alexeï Navalny, Daria Navalnaïa, "
	                          "accuse le Kremlin. Le Hezbollah dément.";
	static const char fr2[] = "Le frère d'Alexeï Navalny, Oleg Navalny, accuse le Kremlin.";
	static const struct prcase c[] = {
	    {fr1, NULL, "en fr ar", "fr", "cld2"},
	    {fr1, NULL, NULL, "fr", "cld2"},
	    {fr2, NULL, NULL, "fr", "cld2"},
	    {fr2, NULL, "en fr ar", "fr", "cld2"},
	    /* CLD2 was sure of a language outside the prior: so it is of the words' */
	    {fr1, NULL, "en de", "fr", "cld2"},
	    /* unsure of a short one: the words do not make a configured language of it */
	    {"Le frère d'Oleg Navalny", NULL, "en de", "", "-"},
	    /* other languages keep theirs, names or not */
	    {"Vlada je v četrtek sprejela nov zakon o davkih, ki ga bo parlament obravnaval.", NULL,
	     NULL, "sl", "cld2"},
	    {"Giorgia Meloni e Matteo Salvini incontrano Emmanuel Macron a Parigi per il vertice.",
	     NULL, NULL, "it", "cld2"},
	    {"Yulia Navalnaya says the Kremlin killed Alexei Navalny in the Arctic prison.", NULL,
	     "en fr ar", "en", "cld2"},
	    /* no function words: the prior's choice, as before */
	    {"T\nAssad", NULL, "en fr ar", "fr", "prior"},
	};

	(void)state;
	check_prior(c, sizeof(c) / sizeof(c[0]));
}

/* With a prior, no configured language of the script: unknown, not a guess. */
static void
test_decide_prior_unknown(void **state)
{
	static const struct prcase c[] = {
	    {"Путин в Минске.", NULL, "en fr", "", "-"},
	    {"Il Consiglio dei ministri ha approvato ieri sera il decreto", NULL, "en fr ar", "",
	     "-"},
	    /* Persian letters (پ گ), and no Persian configured */
	    {"گزارش پلیس", NULL, "en ar", "", "-"},
	    /* a long text CLD2 is sure of keeps its language, listed or not */
	    {"Il Consiglio dei ministri ha approvato ieri sera il decreto sulle pensioni, che "
	     "entrerà in vigore a gennaio dopo un lungo confronto con i sindacati e le regioni.",
	     NULL, "en fr", "it", "cld2"},
	    /* no letters: the declared language or nothing */
	    {"2026 — 14:30", NULL, PRIOR_TEN, "", "-"},
	    {"2026 — 14:30", "de", PRIOR_TEN, "de", "declared"},
	    /* a prior none of whose codes Cyrillic writes (malformed ones skipped) */
	    {"Путин в Минске.", NULL, "zh  xyz e", "", "-"},
	    {"Путин в Минске.", NULL, "xyz ru", "ru", "cld2"},
	    /* two bytes that are no code name no language (fuzz_lang found "+o") */
	    {"+o", NULL, "+o", "", "-"},
	    {"Macron à Berlin", NULL, "+o FR", "", "-"},
	};

	(void)state;
	check_prior(c, sizeof(c) / sizeof(c[0]));
}

static void
test_prior_ok(void **state)
{
	(void)state;
	assert_true(lang_prior_ok("en"));
	assert_true(lang_prior_ok("fa"));
	assert_true(lang_prior_ok("he")); /* CLD2 calls it iw */
	assert_true(lang_prior_ok("zh"));
	assert_false(lang_prior_ok("xx"));
	assert_false(lang_prior_ok("iw")); /* withdrawn: he */
	assert_false(lang_prior_ok("eng"));
	assert_false(lang_prior_ok(""));
	assert_null(lang_by_name(LANG_BY_NONE));
	assert_string_equal(lang_by_name(LANG_BY_PRIOR), "prior");
}

/* The codes a rule's lang may name: ISO 639-1's 184, of which CLD2 knows most. */
static void
test_code_check(void **state)
{
	static const char iso[] =
	    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs "
	    "cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha "
	    "he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn "
	    "ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb "
	    "nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd "
	    "se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw "
	    "ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu";
	char why[256], code[3] = "";
	size_t n = 0, known = 0;

	(void)state;
	for (const char *p = iso; *p != '\0'; p += p[2] == ' ' ? 3 : 2, n++) {
		int r;

		memcpy(code, p, 2);
		r = lang_code_check(code, why, sizeof(why));
		if (r < 0)
			fail_msg("'%s' is ISO 639-1, refused: %s", code, why);
		known += r == 0;
		assert_int_equal(r == 0, lang_prior_ok(code));
	}
	assert_int_equal(n, 184);
	assert_true(known > 60); /* CLD2's languages: the rest only when declared */
	assert_int_equal(lang_code_check("en", why, sizeof(why)), 0);
	assert_int_equal(lang_code_check("he", why, sizeof(why)), 0);
	assert_int_equal(lang_code_check("jp", why, sizeof(why)), -1);
	assert_string_equal(why, "'jp' is not an ISO 639-1 language code (Japanese is 'ja')");
	static const char *const countries[][2] = {{"gr", "'el'"}, {"cz", "'cs'"}, {"sp", "'es'"},
	                                           {"dk", "'da'"}, {"ua", "'uk'"}, {"cn", "'zh'"},
	                                           {"iw", "'he'"}};
	for (size_t i = 0; i < sizeof(countries) / sizeof(countries[0]); i++) {
		assert_int_equal(lang_code_check(countries[i][0], why, sizeof(why)), -1);
		if (strstr(why, countries[i][1]) == NULL)
			fail_msg("'%s': %s names no %s", countries[i][0], why, countries[i][1]);
	}
	/* ISO 639-1 codes of other languages, which CLD2 cannot tell: Northern Sami, Kanuri */
	assert_int_equal(lang_code_check("se", why, sizeof(why)), 1);
	assert_non_null(strstr(why, "Swedish is 'sv'"));
	assert_int_equal(lang_code_check("kr", why, sizeof(why)), 1);
	assert_non_null(strstr(why, "Korean is 'ko'"));
	assert_non_null(strstr(why, "CLD2 does not know it"));
	assert_int_equal(lang_code_check("xq", why, sizeof(why)), -1);
	assert_string_equal(why, "'xq' is not an ISO 639-1 language code");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scripts),
	    cmocka_unit_test(test_scan_cap),
	    cmocka_unit_test(test_identify_hint_loses),
	    cmocka_unit_test(test_identify_hint_decides),
	    cmocka_unit_test(test_identify_hint_forms),
	    cmocka_unit_test(test_identify_scripts),
	    cmocka_unit_test(test_identify_title_body),
	    cmocka_unit_test(test_identify_empty),
	    cmocka_unit_test(test_identify_long),
	    cmocka_unit_test(test_cld2_past_end),
	    cmocka_unit_test(test_cld2_codes),
	    cmocka_unit_test(test_decide_persian_arabic_letters),
	    cmocka_unit_test(test_decide_prior_headlines),
	    cmocka_unit_test(test_decide_prior_unknown),
	    cmocka_unit_test(test_decide_names_outweigh),
	    cmocka_unit_test(test_prior_ok),
	    cmocka_unit_test(test_code_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
