/*
 * Unit tests for token.c: every step of RULES.md §3 (normalization) and
 * every rule of §4 (tokens), with the byte spans of the original text, the
 * Arabic proclitic readings and script_of().
 *
 * Most tests are tables: input text, the normalized tokens joined by '|',
 * and the original text of each token's span joined by '|' (NULL: the
 * spans are not checked by that row).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <utf8proc.h>

#include "testdata.h"
#include "token.h"
#include "utf8.h"

struct split_case {
	const char *text;
	const char *norm;  /* tokens joined by '|' */
	const char *spans; /* text[start..end) of each token joined by '|', or NULL */
};

/* Append s[0..n) to buf (cap bytes) after a '|' unless buf is empty. */
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
 * Split text[0..len) into tl and render the tokens and their spans; checks
 * the invariants every token must keep whatever the input.
 */
static void
render(const char *text, size_t len, struct toklist *tl, char *norm, char *spans, size_t cap)
{
	size_t i;

	norm[0] = spans[0] = '\0';
	assert_int_equal(token_split(text, len, tl), 0);
	for (i = 0; i < tl->n; i++) {
		const struct token *t = &tl->v[i];

		assert_true(t->normlen > 0);
		assert_int_equal(strlen(token_text(tl, t)), t->normlen);
		assert_true(t->start < t->end);
		assert_true(t->end <= len);
		/* in order; a character folding to several tokens (½) shares its span */
		if (i > 0)
			assert_true(tl->v[i - 1].start <= t->start && tl->v[i - 1].end <= t->end);
		join(norm, cap, token_text(tl, t), t->normlen);
		join(spans, cap, text + t->start, t->end - t->start);
	}
}

static void
run_cases(const struct split_case *c, size_t n)
{
	char norm[2048], spans[2048];
	struct toklist tl;
	size_t i;
	int bad = 0;

	toklist_init(&tl);
	for (i = 0; i < n; i++) {
		toklist_clear(&tl);
		render(c[i].text, strlen(c[i].text), &tl, norm, spans, sizeof(norm));
		if (strcmp(norm, c[i].norm) != 0) {
			print_error("%s\n  tokens: got \"%s\", want \"%s\"\n", c[i].text, norm,
			            c[i].norm);
			bad++;
		}
		if (c[i].spans != NULL && strcmp(spans, c[i].spans) != 0) {
			print_error("%s\n  spans: got \"%s\", want \"%s\"\n", c[i].text, spans,
			            c[i].spans);
			bad++;
		}
	}
	toklist_free(&tl);
	assert_int_equal(bad, 0);
}

#define RUN(cases) run_cases(cases, sizeof(cases) / sizeof(cases[0]))

/* §4: letters, marks and digits make tokens; everything else separates. */
static void
test_separators(void **state)
{
	static const struct split_case c[] = {
	    {"Hafez al-Khatib's office", "hafez|al|khatib|office", "Hafez|al|Khatib|office"},
	    {"Tice justice", "tice|justice", "Tice|justice"},
	    {"rock/pop, jazz; (folk) & soul!", "rock|pop|jazz|folk|soul", NULL},
	    {"snake_case*star+plus=eq", "snake|case|star|plus|eq", NULL},
	    {"tab\tnew\nline\r\nend", "tab|new|line|end", NULL},
	    {"smile\xF0\x9F\x98\x80here", "smile|here", "smile|here"},
	    {"\xE2\x80\x9Cquoted\xE2\x80\x9D \xC2\xABguillemets\xC2\xBB", "quoted|guillemets",
	     NULL},
	    {"em\xE2\x80\x94"
	     "dash en\xE2\x80\x93"
	     "dash",
	     "em|dash|en|dash", NULL},
	    {"", "", ""},
	    {"  ... ,;: ", "", ""},
	    {"x", "x", "x"},
	    {"2024-05-17", "2024|05|17", NULL},
	    /* the half rings of transliteration (ayn, hamza) are apostrophes, as ʻ and ʼ are */
	    {"Ba\u02BFath Qur\u02BEan Ba'ath Hawai\u02BBi", "ba|ath|qur|an|ba|ath|hawai|i",
	     "Ba|ath|Qur|an|Ba|ath|Hawai|i"},
	    {"\u1E9A", "a", NULL}, /* ẚ: a + U+02BE by NFKC, a as in Lucene */
	};

	(void)state;
	RUN(c);
}

/* §3.4: NFKC and full case folding. */
static void
test_nfkc_casefold(void **state)
{
	static const struct split_case c[] = {
	    {"STRASSE Straße GROẞE", "strasse|strasse|grosse", "STRASSE|Straße|GROẞE"},
	    {"ＡＢＣ１２３ ｈｅｌｌｏ", "abc123|hello", "ＡＢＣ１２３|ｈｅｌｌｏ"},
	    {"ﬁnal ﬂow", "final|flow", "ﬁnal|ﬂow"},
	    {"x² H₂O", "x2|h2o", "x²|H₂O"},
	    {"Ⅻ ⓐⓑ", "xii|ab", "Ⅻ|ⓐⓑ"},
	    {"\xF0\x9D\x90\x81\xF0\x9D\x90\xA8\xF0\x9D\x90\xA5\xF0\x9D\x90\x9D", "bold", NULL},
	    {"ΣΟΦΊΑ σοφία", "σοφια|σοφια", NULL},
	    {"ǅemal", "dzemal", NULL},
	    {"ＡＢ．ＣＤ", "ab|cd", NULL},
	    {"ÅNGSTRÖM Å", "angstrom|a", NULL},
	    /* compatibility forms of scripts without spaces: one token each */
	    {"㌀ ㋀", "ア|パ|ー|ト|1|月", "㌀|㌀|㌀|㌀|㋀|㋀"},
	    /* iota subscript: a mark, precomposed (ᾳ) or not */
	    {"ᾳ α\xCD\x85 ᾼ", "α|α|α", NULL},
	    {"ŉ", "n", NULL},
	};

	(void)state;
	RUN(c);
}

/* §3.5: marks go in Latin, Greek, Cyrillic, Arabic, Hebrew; stay elsewhere. */
static void
test_marks(void **state)
{
	static const struct split_case c[] = {
	    {"Élodie Ørsted Dvořák Łukasz", "elodie|orsted|dvorak|lukasz",
	     "Élodie|Ørsted|Dvořák|Łukasz"},
	    {"ёж Ёлка", "еж|елка", "ёж|Ёлка"},
	    {"Αθήνα Ελλάδα", "αθηνα|ελλαδα", NULL},
	    {"שָׁלוֹם", "שלום", "שָׁלוֹם"},
	    /* not composed by NFC: the stray mark goes, the span keeps it */
	    {"Cafe\xCC\x81 noir", "cafe|noir", "Cafe\xCC\x81|noir"},
	    {"q\xCC\x83u\xCC\xA3", "qu", NULL},
	    {"\xCC\x81start", "start", "start"},
	    /* Devanagari: vowel signs and virama stay in the token */
	    {"हिन्दी भाषा", "हिन्दी|भाषा", "हिन्दी|भाषा"},
	    /* kana voicing: が is not か, a combining mark composes */
	    {"がか", "が|か", "が|か"},
	    {"か\xE3\x82\x99", "が", "か\xE3\x82\x99"},
	    {"ｶﾞｲﾄﾞ", "ガ|イ|ド", "ｶﾞ|ｲ|ﾄﾞ"},
	    /* an Inherited mark after a letter of a script that keeps marks */
	    {"क\xCC\x81", "क\xCC\x81", NULL},
	};

	(void)state;
	RUN(c);
}

/* §3.6: Arabic and Persian letter folds, harakat, presentation forms. */
static void
test_arabic_folds(void **state)
{
	static const struct split_case c[] = {
	    {"أحمد إبراهيم آمال ٱلكتاب", "احمد|ابراهيم|امال|الكتاب", "أحمد|إبراهيم|آمال|ٱلكتاب"},
	    {"مستشفى مدرسة مؤتمر رئيس", "مستشفي|مدرسه|موتمر|رييس", NULL},
	    {"مُحَمَّدٌ وَصَلَ", "محمد|وصل", "مُحَمَّدٌ|وَصَلَ"},
	    {"هٰذا", "هذا", NULL},
	    {"کتاب یک خانۀ ہم", "كتاب|يك|خانه|هم", "کتاب|یک|خانۀ|ہم"},
	    {"ﻛﺘﺎﺏ ﻻ", "كتاب|لا", "ﻛﺘﺎﺏ|ﻻ"},
	    {"نعم،لا؟ قال: «بلى»", "نعم|لا|قال|بلي", NULL},
	    {"ﷺ", "صلي|الله|عليه|وسلم", "ﷺ|ﷺ|ﷺ|ﷺ"},
	    {"سَيِّدَة", "سيده", NULL},
	    /* yeh barree, with hamza, presentation forms; heh with yeh in every form */
	    {"کے ۓ ﮮ ﮯ ﮰ", "كي|ي|ي|ي|ي", NULL},
	    {"خانۀ ﮤ ﺧﺎﻧﮥ", "خانه|ه|خانه", "خانۀ|ﮤ|ﺧﺎﻧﮥ"},
	};

	(void)state;
	RUN(c);
}

/* §3.6: Latin letter folds and the Turkish dotted/dotless i. */
static void
test_latin_folds(void **state)
{
	static const struct split_case c[] = {
	    {"Kırıkkale İzmir IŞIK", "kirikkale|izmir|isik", "Kırıkkale|İzmir|IŞIK"},
	    {"Þingvellir Ægir cœur Đorđe Garðar Øresund Łódź",
	     "thingvellir|aegir|coeur|dorde|gardar|oresund|lodz", NULL},
	    {"ŒUVRE Æsir ǣ ǿ", "oeuvre|aesir|ae|o", NULL},
	    /* letters Lucene's ASCIIFoldingFilter folds that their names alone did not give */
	    {"ʗ ꟻ ꟼ ꟽ ꟾ ꟿ Ȝ ȝ Ꝩ ꝩ", "c|f|p|m|i|m|z|z|v|v", NULL},
	};

	(void)state;
	RUN(c);
}

/* §3.6: Arabic-Indic and Persian digits; full-width and superscripts. */
static void
test_digits(void **state)
{
	static const struct split_case c[] = {
	    {"٢٠٢٤ ۱۴۰۳ ١٢٫٥", "2024|1403|12|5", "٢٠٢٤|۱۴۰۳|١٢|٥"},
	    {"２０２４年", "2024|年", NULL},
	    {"3arabi x1", "3arabi|x1", NULL},
	    {"½", "1|2", "½|½"},
	};
	struct toklist tl;

	(void)state;
	RUN(c);
	toklist_init(&tl);
	assert_int_equal(token_split("٣٤ 56 x1 3d ١٢ب", strlen("٣٤ 56 x1 3d ١٢ب"), &tl), 0);
	assert_int_equal(tl.n, 5);
	assert_int_equal(tl.v[0].script, SCRIPT_DIGIT);
	assert_int_equal(tl.v[1].script, SCRIPT_DIGIT);
	assert_int_equal(tl.v[2].script, SCRIPT_LATIN);
	assert_int_equal(tl.v[3].script, SCRIPT_LATIN);
	assert_int_equal(tl.v[4].script, SCRIPT_ARABIC);
	assert_string_equal(token_text(&tl, &tl.v[4]), "12ب");
	toklist_free(&tl);
}

static void render_norm(const char *text, size_t len, char *out, size_t cap);

/* §3.6: the decimal digits of every script, and what is not one. */
static void
test_digits_nd(void **state)
{
	static const struct split_case c[] = {
	    {"২০২৪ २०२४ ๒๕๖๗ ၂၀၂၄", "2024|2024|2567|2024", "২০২৪|२०२४|๒๕๖๗|၂၀၂၄"},
	    /* Thai and Myanmar digits are not letters of a script without spaces */
	    {"ปี๒๕๖๗", "ปี|2567", NULL},
	    {"\U0001D7CE\U0001D7FF", "09", NULL}, /* mathematical bold 0, monospace 9 */
	    /* numbers that are no decimal digits (No) stay: Ethiopic, Tai Lue */
	    {"፪ ᧚", "፪|᧚", NULL},
	};

	(void)state;
	RUN(c);
}

/*
 * Every Nd code point of Unicode (tests/unicode/nd-digits.tsv, made from
 * UnicodeData.txt) folds alone to its ASCII digit, and utf8proc knows no
 * other Nd: the fold follows Unicode's numbers, not a list in token.c.
 */
static void
test_digits_ucd(void **state)
{
	char *data, *line, *save = NULL, text[8], norm[64], want[2] = "0";
	unsigned long cp;
	size_t len, listed = 0, nd = 0;
	int value, bad = 0;
	uint32_t c;

	(void)state;
	data = testdata_read("unicode/nd-digits.tsv", &len);
	for (line = strtok_r(data, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		assert_int_equal(sscanf(line, "%lx\t%d", &cp, &value), 2);
		listed++;
		len = utf8_encode((uint32_t)cp, text);
		render_norm(text, len, norm, sizeof(norm));
		want[0] = (char)('0' + value);
		if (strcmp(norm, want) != 0) {
			print_error("U+%04lX: \"%s\", want \"%s\"\n", cp, norm, want);
			bad++;
		}
	}
	free(data);
	for (c = 0; c <= 0x10FFFF; c++)
		nd += utf8proc_category((utf8proc_int32_t)c) == UTF8PROC_CATEGORY_ND;
	assert_int_equal(bad, 0);
	assert_int_equal(listed, nd);
}

/*
 * §3.4 before §3.6: every letter gives the tokens of its case folding
 * (tests/unicode/casefold-pairs.tsv, made from CaseFolding.txt), so that a
 * letter fold never sees a capital its small letter would not be (Ʀ YR
 * folds as ʀ, to r).
 */
static void
test_casefold_ucd(void **state)
{
	char *data, *line, *save = NULL, *p, *end;
	char a[64], b[64], na[256], nb[256];
	size_t len, la, lb, n = 0;
	unsigned long cp;
	int bad = 0;

	(void)state;
	data = testdata_read("unicode/casefold-pairs.tsv", &len);
	for (line = strtok_r(data, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		cp = strtoul(line, &p, 16);
		a[0] = b[0] = 'x';
		la = 1 + utf8_encode((uint32_t)cp, a + 1);
		lb = 1;
		while (*p != '\0' && lb < sizeof(b) - 8) {
			unsigned long c = strtoul(p, &end, 16);

			if (end == p) {
				p++;
				continue;
			}
			lb += utf8_encode((uint32_t)c, b + lb);
			p = end;
		}
		a[la++] = 'x';
		b[lb++] = 'x';
		render_norm(a, la, na, sizeof(na));
		render_norm(b, lb, nb, sizeof(nb));
		if (strcmp(na, nb) != 0) {
			print_error("U+%04lX: \"%s\", its folding \"%s\"\n", cp, na, nb);
			bad++;
		}
		n++;
	}
	free(data);
	assert_true(n > 1400);
	assert_int_equal(bad, 0);
}

/* §3.2: invisible characters and tatweel are deleted and do not split. */
static void
test_invisible(void **state)
{
	static const struct split_case c[] = {
	    {"Kam\u00ADalmaz", "kamalmaz", "Kam\u00ADalmaz"},
	    {"zero\u200Bwidth\u200Cnon\u200Djoin", "zerowidthnonjoin", NULL},
	    {"\uFEFFhello\u200E world\u200F", "hello|world", "hello|world"},
	    {"\u202Bعربي\u202C", "عربي", "عربي"},
	    {"\u2066abc\u2069 \u2067d\u2068", "abc|d", "abc|d"},
	    {"x\u2060y\u2061z\u2064w", "xyzw", NULL},
	    {"س\u061Cلام", "سلام", "س\u061Cلام"},
	    {"بـــيـروت", "بيروت", "بـــيـروت"},
	    {"ـــ ـ", "", ""},
	    {"word\u034Fword", "wordword", NULL},
	    {"emoji\xEF\xB8\x8F", "emoji", "emoji"},
	    {"می\u200Cخواهم", "ميخواهم", "می\u200Cخواهم"},
	};

	(void)state;
	RUN(c);
}

/*
 * §3.2: every Default_Ignorable_Code_Point of Unicode
 * (tests/unicode/default-ignorable.tsv, made from DerivedCoreProperties.txt),
 * the reserved ones too (U+2065, U+FFF0-U+FFF8, tags), is deleted inside a
 * Latin and an Arabic word: the property is defined on unassigned code points
 * so that the characters Unicode adds there later stay invisible.
 */
static void
test_invisible_ucd(void **state)
{
	char *data, *line, *save = NULL, text[32], norm[64];
	unsigned long lo, hi, cp;
	size_t len, n = 0;
	int bad = 0;

	(void)state;
	data = testdata_read("unicode/default-ignorable.tsv", &len);
	for (line = strtok_r(data, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		assert_int_equal(sscanf(line, "%lx\t%lx", &lo, &hi), 2);
		for (cp = lo; cp <= hi; cp++, n++) {
			memcpy(text, "ab", 2);
			len = 2 + utf8_encode((uint32_t)cp, text + 2);
			memcpy(text + len, "cd", 2);
			len += 2;
			render_norm(text, len, norm, sizeof(norm));
			if (strcmp(norm, "abcd") != 0) {
				print_error("U+%04lX in a Latin word: \"%s\"\n", cp, norm);
				bad++;
			}
			memcpy(text, "\xD8\xA8\xD8\xB4", 4); /* بش */
			len = 4 + utf8_encode((uint32_t)cp, text + 4);
			memcpy(text + len, "\xD8\xA7\xD8\xB1", 4); /* ار */
			len += 4;
			render_norm(text, len, norm, sizeof(norm));
			if (strcmp(norm, "\xD8\xA8\xD8\xB4\xD8\xA7\xD8\xB1") != 0) {
				print_error("U+%04lX in an Arabic word: \"%s\"\n", cp, norm);
				bad++;
			}
		}
	}
	free(data);
	assert_true(n > 4000); /* E01F0..E0FFF alone are 3,600 */
	assert_int_equal(bad, 0);
}

/* §3.3: runs of tatweels and punctuation inside Arabic words. */
static void
test_obfuscation(void **state)
{
	static const struct split_case c[] = {
	    {"قتـ.ـال", "قتال", "قتـ.ـال"},
	    {"سلـ-ـاح نفـ_ـط", "سلاح|نفط", "سلـ-ـاح|نفـ_ـط"},
	    {"مخد.رات", "مخدرات", "مخد.رات"},
	    {"مخد...رات", "مخدرات", NULL},
	    {"مخد....رات", "مخد|رات", "مخد|رات"},
	    {"مخـ.-.ـدرات", "مخدرات", NULL},
	    {"مخد . رات", "مخد|رات", NULL},
	    {"بـ.ـيت", "بيت", "بـ.ـيت"},
	    {"سم.ير", "سمير", NULL},
	    {"ا.ب", "ا|ب", "ا|ب"},
	    {"د.سمير", "د|سمير", "د|سمير"},
	    {"ح.ر.ب", "ح|ر|ب", NULL},
	    {"تفج·ير تفج•ير تفج‧ير تفج∙ير", "تفجير|تفجير|تفجير|تفجير", NULL},
	    {"تفج*ير تفج'ير تفج’ير تفج‘ير", "تفجير|تفجير|تفجير|تفجير", NULL},
	    {"تفج´ير تفج`ير", "تفجير|تفجير", NULL},
	    {"تفج:ير تفج/ير", "تفج|ير|تفج|ير", NULL},
	    {"تفج.ير.ات", "تفجيرات", "تفج.ير.ات"},
	    {"تفـ\u200B.ـجير", "تفجير", NULL},
	    {"نَفـ.ـطٌ", "نفط", "نَفـ.ـطٌ"},
	    {"قتـ.ـal", "قت|al", NULL},
	    {"ab.cd ab-cd", "ab|cd|ab|cd", NULL},
	    {"x.ـقتال", "x|قتال", "x|قتال"},
	    {"كلمة.", "كلمه", "كلمة"},
	    {"كلمةـ", "كلمه", "كلمة"},
	    {"رقم.١٢", "رقم|12", NULL},
	};

	(void)state;
	RUN(c);
}

/* §4: single letters joined by dots. */
static void
test_acronyms(void **state)
{
	static const struct split_case c[] = {
	    {"U.S. troops", "us|troops", "U.S.|troops"},
	    {"the U.N.E.S.C.O. report", "the|unesco|report", "the|U.N.E.S.C.O.|report"},
	    {"e.coli", "e|coli", NULL},
	    {"F.B.I agents", "fbi|agents", "F.B.I|agents"},
	    {"3.14 a.3 4.b", "3|14|a|3|4|b", NULL},
	    {"С.Ш.А.", "сша", "С.Ш.А."},
	    {"ab.c.d", "ab|cd", NULL},
	    {"É.U.", "eu", "É.U."},
	    {"ا.ب.ت", "ا|ب|ت", NULL},
	    {"x..y", "x|y", NULL},
	    {"A. B. Smith", "a|b|smith", "A|B|Smith"},
	    {"U.S.-led", "us|led", "U.S.|led"},
	};
	struct toklist tl;

	(void)state;
	RUN(c);
	toklist_init(&tl);
	assert_int_equal(token_split("U.S. and UK", 11, &tl), 0);
	assert_int_equal(tl.n, 3);
	assert_int_equal(tl.v[0].flags & TOK_ACRONYM, TOK_ACRONYM);
	assert_int_equal(tl.v[1].flags & TOK_ACRONYM, 0);
	assert_int_equal(tl.v[2].flags & TOK_ACRONYM, 0);
	assert_int_equal(tl.v[0].script, SCRIPT_LATIN);
	toklist_free(&tl);
}

/* §4: French elided articles yield no token. */
static void
test_elision(void **state)
{
	static const struct split_case c[] = {
	    {"d’Orléans l'Élysée qu'il jusqu’à", "orleans|elysee|il|a", "Orléans|Élysée|il|à"},
	    {"lorsqu'elle puisqu'on quoiqu'il", "elle|on|il", NULL},
	    {"c'est n'a s'y t'aime m'en j'ai", "est|a|y|aime|en|ai", NULL},
	    {"L’ONU QU'IL", "onu|il", "ONU|IL"},
	    {"dʼAlep d‘Alep d´Alep d＇Alep d`Alep", "alep|alep|alep|alep|alep", NULL},
	    {"d'2 l' homme l'", "d|2|l|homme|l", NULL},
	    {"O'Brien Assad's", "o|brien|assad", NULL},
	    {"aujourd'hui", "aujourd|hui", NULL},
	    {"qu’", "qu", NULL},
	    {"l''avion", "l|avion", NULL},
	    {"д'Алеп", "д|алеп", NULL},
	    {"U.S'a", "us|a", NULL},
	};

	(void)state;
	RUN(c);
}

/* §4: the English possessive 's yields no token; other apostrophes stay. */
static void
test_possessive(void **state)
{
	static const struct split_case c[] = {
	    {"Assad's regime", "assad|regime", "Assad|regime"},
	    {"Assad’s ASSAD’S Assadʼs Assad＇s Assad‘s", "assad|assad|assad|assad|assad", NULL},
	    {"O'Brien's rock'n'roll", "o|brien|rock|n|roll", NULL},
	    {"Kim’s ’s", "kim|s", NULL},
	    {"Assad's.", "assad", NULL},
	    /* not a possessive: the word goes on, or no Latin word before it */
	    {"Assad'sche Assads Assad'st Assad's\xCC\x81", "assad|sche|assads|assad|st|assad|s",
	     NULL},
	    {"'s s's 2024's", "s|s|2024|s", NULL},
	    {"Асад's بشار's", "асад|s|بشار|s", NULL},
	    /* French elision still works after it */
	    {"Assad's d’Alep", "assad|alep", NULL},
	};

	(void)state;
	RUN(c);
}

/* §4: Han, kana, Thai... one token per character, marks attached. */
static void
test_nospace(void **state)
{
	static const struct split_case c[] = {
	    {"北京大学", "北|京|大|学", "北|京|大|学"},
	    {"東京タワー", "東|京|タ|ワ|ー", NULL},
	    {"中文abc字", "中|文|abc|字", "中|文|abc|字"},
	    {"สวัสดี", "ส|วั|ส|ดี", "ส|วั|ส|ดี"},
	    {"한국어 뉴스", "한국어|뉴스", NULL},
	    {"\xF0\xA0\x80\x80\xF0\xA0\x80\x81", "\xF0\xA0\x80\x80|\xF0\xA0\x80\x81", NULL},
	    {"ສະບາຍ ສີ", "ສ|ະ|ບ|າ|ຍ|ສີ", NULL}, /* ະ is a letter, ີ a mark */
	};
	struct toklist tl;

	(void)state;
	RUN(c);
	toklist_init(&tl);
	assert_int_equal(token_split("東京 서울", strlen("東京 서울"), &tl), 0);
	assert_int_equal(tl.n, 3);
	assert_int_equal(tl.v[0].script, SCRIPT_NOSPACE);
	assert_int_equal(tl.v[2].script, SCRIPT_HANGUL);
	toklist_free(&tl);
}

/* §3.1: invalid UTF-8 reads as U+FFFD, a separator. */
static void
test_invalid_utf8(void **state)
{
	static const struct split_case c[] = {
	    {"ab\xFF"
	     "cd",
	     "ab|cd", "ab|cd"},
	    {"\xC3", "", ""},
	    {"caf\xC3", "caf", "caf"},
	    {"x\xE2\x82y", "x|y", "x|y"},
	    {"\xC0\xAFz", "z", "z"},
	    {"\xED\xA0\x80w", "w", "w"},
	    {"\xF4\x90\x80\x80v", "v", "v"},
	    {"\xEF\xBF\xBDq", "q", "q"},
	    {"\x80\x80\x80", "", ""},
	    {"\xD8", "", ""},
	    {"بش\xD8ار", "بش|ار", NULL},
	};

	(void)state;
	RUN(c);
}

/* NUL bytes separate, and the length given is the length read. */
static void
test_nul_bytes(void **state)
{
	static const char text[] = "ab\0cd\0\0e";
	char norm[64], spans[64];
	struct toklist tl;

	(void)state;
	toklist_init(&tl);
	render(text, sizeof(text) - 1, &tl, norm, spans, sizeof(norm));
	assert_string_equal(norm, "ab|cd|e");
	assert_int_equal(tl.v[1].start, 3);
	assert_int_equal(tl.v[2].start, 7);
	toklist_clear(&tl);
	render("abc", 2, &tl, norm, spans, sizeof(norm));
	assert_string_equal(norm, "ab");
	toklist_free(&tl);
}

/* Byte offsets, checked as numbers on accented and Arabic text. */
static void
test_span_offsets(void **state)
{
	const char *text = "Élysée: قتـ.ـال";
	struct toklist tl;

	(void)state;
	toklist_init(&tl);
	assert_int_equal(token_split(text, strlen(text), &tl), 0);
	assert_int_equal(tl.n, 2);
	assert_int_equal(tl.v[0].start, 0);
	assert_int_equal(tl.v[0].end, 8); /* É and é take two bytes each */
	assert_int_equal(tl.v[1].start, 10);
	assert_int_equal(tl.v[1].end, strlen(text));
	assert_string_equal(token_text(&tl, &tl.v[1]), "قتال");
	toklist_free(&tl);
}

/* Splitting appends; clear keeps memory; elision never reaches back. */
static void
test_toklist_reuse(void **state)
{
	struct toklist tl;

	(void)state;
	toklist_init(&tl);
	assert_int_equal(token_split("l'", 2, &tl), 0);
	assert_int_equal(token_split("Avion U.", 8, &tl), 0);
	assert_int_equal(token_split("S.", 2, &tl), 0);
	assert_int_equal(tl.n, 4);
	assert_string_equal(token_text(&tl, &tl.v[0]), "l");
	assert_string_equal(token_text(&tl, &tl.v[1]), "avion");
	assert_string_equal(token_text(&tl, &tl.v[2]), "u");
	assert_string_equal(token_text(&tl, &tl.v[3]), "s");
	assert_int_equal(tl.v[3].start, 0);
	toklist_clear(&tl);
	assert_int_equal(tl.n, 0);
	assert_int_equal(token_split("a", 1, &tl), 0);
	assert_int_equal(tl.n, 1);
	assert_string_equal(token_text(&tl, &tl.v[0]), "a");
	toklist_free(&tl);
	toklist_free(&tl); /* freeing twice is harmless */
}

/* Big inputs: linear, no crash; a single 8 MB word and 1M short words. */
static void
test_large(void **state)
{
	size_t n = 8u << 20, i;
	char *text = malloc(n);
	struct toklist tl;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < n; i++)
		text[i] = (char)('a' + i % 26);
	toklist_init(&tl);
	assert_int_equal(token_split(text, n, &tl), 0);
	assert_int_equal(tl.n, 1);
	assert_int_equal(tl.v[0].normlen, n);
	assert_int_equal(tl.v[0].end, n);
	toklist_clear(&tl);
	/* "بشار " a million times: two-byte letters, many tokens */
	for (i = 0; i + 9 <= n; i += 9)
		memcpy(text + i, "بشار ", 9);
	assert_int_equal(token_split(text, i, &tl), 0);
	assert_int_equal(tl.n, i / 9);
	assert_int_equal(tl.v[tl.n - 1].start, i - 9);
	assert_string_equal(token_text(&tl, &tl.v[tl.n - 1]), "بشار");
	toklist_clear(&tl);
	/* one tatweel after a letter, then nothing but tatweels: linear */
	memcpy(text, "ب", 2);
	for (i = 2; i + 2 <= n; i += 2)
		memcpy(text + i, "ـ", 2);
	assert_int_equal(token_split(text, i, &tl), 0);
	assert_int_equal(tl.n, 1);
	assert_int_equal(tl.v[0].end, 2);
	toklist_free(&tl);
	free(text);
}

/* Readings of one normalized token, sorted, joined by '|'. */
static void
readings_of(const char *tok, char *out, size_t cap)
{
	size_t len = strlen(tok);
	char *scratch = malloc(2 * len + 8); /* exactly what token.h asks */
	struct reading r[TOKEN_MAX_READINGS];
	const char *s[TOKEN_MAX_READINGS];
	char tmp[TOKEN_MAX_READINGS][128];
	int n, i, j;

	assert_non_null(scratch);
	n = token_readings(tok, len, scratch, r);
	assert_true(n >= 0 && n <= TOKEN_MAX_READINGS);
	for (i = 0; i < n; i++) {
		assert_true(r[i].len < sizeof(tmp[i]));
		memcpy(tmp[i], r[i].s, r[i].len);
		tmp[i][r[i].len] = '\0';
		s[i] = tmp[i];
	}
	for (i = 1; i < n; i++) /* insertion sort: the order is not specified */
		for (j = i; j > 0 && strcmp(s[j - 1], s[j]) > 0; j--) {
			const char *t = s[j];

			s[j] = s[j - 1];
			s[j - 1] = t;
		}
	out[0] = '\0';
	for (i = 0; i < n; i++)
		join(out, cap, s[i], strlen(s[i]));
	free(scratch);
}

/* Sort '|'-joined words, to compare with readings_of(). */
static void
sorted(const char *in, char *out, size_t cap)
{
	char buf[512], *w[16], *p;
	int n = 0, i, j;

	snprintf(buf, sizeof(buf), "%s", in);
	for (p = strtok(buf, "|"); p != NULL && n < 16; p = strtok(NULL, "|"))
		w[n++] = p;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(w[j - 1], w[j]) > 0; j--) {
			p = w[j];
			w[j] = w[j - 1];
			w[j - 1] = p;
		}
	out[0] = '\0';
	for (i = 0; i < n; i++)
		join(out, cap, w[i], strlen(w[i]));
}

/* §4: Arabic proclitics, the article, the fused لل. */
static void
test_readings(void **state)
{
	static const struct {
		const char *tok, *want;
	} c[] = {
	    {"وبشار", "بشار|شار"},
	    {"لبشار", "بشار"},
	    {"والعقوبات", "العقوبات|عقوبات"},
	    {"للاسد", "لاسد|الاسد|اسد"},
	    {"وللاسد", "للاسد|لاسد|الاسد|اسد"},
	    {"بالاسد", "الاسد|اسد"},
	    {"وبالاسد", "بالاسد|الاسد|اسد"},
	    {"فالكتاب", "الكتاب|كتاب"},
	    {"الاسد", "اسد"},
	    {"اسد", ""},
	    {"كتاب", "تاب"},
	    {"ولد", "لد"},
	    {"وب", ""},
	    {"الله", "له"},
	    {"ال", ""},
	    {"لل", ""},
	    {"بال", ""},
	    {"للحق", "لحق|الحق|حق"},
	    {"hello", ""},
	    {"", ""},
	};
	char got[512], want[512];
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		readings_of(c[i].tok, got, sizeof(got));
		sorted(c[i].want, want, sizeof(want));
		if (strcmp(got, want) != 0) {
			print_error("readings of %s: got \"%s\", want \"%s\"\n", c[i].tok, got,
			            want);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* The rule examples end to end: a term matches a token or one of its readings. */
static int
term_matches(const char *term, const char *doc)
{
	struct toklist tt, dt;
	struct reading r[TOKEN_MAX_READINGS];
	char scratch[256];
	size_t i;
	int k, n, hit = 0;

	toklist_init(&tt);
	toklist_init(&dt);
	assert_int_equal(token_split(term, strlen(term), &tt), 0);
	assert_int_equal(token_split(doc, strlen(doc), &dt), 0);
	assert_int_equal(tt.n, 1);
	for (i = 0; i < dt.n && !hit; i++) {
		const char *d = token_text(&dt, &dt.v[i]), *t = token_text(&tt, &tt.v[0]);

		if (strcmp(d, t) == 0)
			hit = 1;
		if (dt.v[i].script != SCRIPT_ARABIC || 2 * dt.v[i].normlen + 8 > sizeof(scratch))
			continue;
		n = token_readings(d, dt.v[i].normlen, scratch, r);
		for (k = 0; k < n; k++)
			if (r[k].len == strlen(t) && memcmp(r[k].s, t, r[k].len) == 0)
				hit = 1;
	}
	toklist_free(&tt);
	toklist_free(&dt);
	return hit;
}

static void
test_readings_match(void **state)
{
	(void)state;
	assert_true(term_matches("عقوبات", "فرضت والعقوبات"));
	assert_true(term_matches("عقوبات", "لعقوبات جديدة"));
	assert_true(term_matches("الأسد", "وصل للأسد"));
	assert_true(term_matches("الأسد", "مر بالأسد"));
	assert_true(term_matches("الأسد", "قال والأسد"));
	assert_false(term_matches("الأسد", "رأى أسد"));
	assert_true(term_matches("سمير", "قال لـ”سمير”"));
	assert_true(term_matches("سمير", "وبسمير"));
	assert_false(term_matches("مير", "سمير"));
}

static void
test_script_of(void **state)
{
	static const struct {
		uint32_t cp;
		int script;
	} c[] = {
	    {'a', SCRIPT_LATIN},       {0xE9, SCRIPT_LATIN},      {0x1E9E, SCRIPT_LATIN},
	    {0x0436, SCRIPT_CYRILLIC}, {0x03BB, SCRIPT_GREEK},    {0x0628, SCRIPT_ARABIC},
	    {0x06CC, SCRIPT_ARABIC},   {0x0750, SCRIPT_ARABIC},   {0x08A0, SCRIPT_ARABIC},
	    {0xFB50, SCRIPT_ARABIC},   {0xFE8F, SCRIPT_ARABIC},   {0x064E, SCRIPT_OTHER},
	    {0x0670, SCRIPT_OTHER},    {0x0301, SCRIPT_OTHER},    {0x05D0, SCRIPT_HEBREW},
	    {0x4E2D, SCRIPT_NOSPACE},  {0x20000, SCRIPT_NOSPACE}, {0x0E01, SCRIPT_NOSPACE},
	    {0x30A2, SCRIPT_NOSPACE},  {0x3042, SCRIPT_NOSPACE},  {0x1000, SCRIPT_NOSPACE},
	    {0x1780, SCRIPT_NOSPACE},  {0xD55C, SCRIPT_HANGUL},   {'1', SCRIPT_OTHER},
	    {' ', SCRIPT_OTHER},       {0x0915, SCRIPT_OTHER},    {0x10FFFF, SCRIPT_OTHER},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		if (script_of(c[i].cp) != c[i].script)
			print_error("script_of(U+%04X) = %d, want %d\n", (unsigned)c[i].cp,
			            script_of(c[i].cp), c[i].script);
		assert_int_equal(script_of(c[i].cp), c[i].script);
	}
}

/* Token scripts are the script of the first letter. */
static void
test_token_script(void **state)
{
	const char *text = "Paris Αθήνα Москва بيروت ירושלים 東 서울 2024 ٣";
	static const int want[] = {SCRIPT_LATIN,  SCRIPT_GREEK,  SCRIPT_CYRILLIC,
	                           SCRIPT_ARABIC, SCRIPT_HEBREW, SCRIPT_NOSPACE,
	                           SCRIPT_HANGUL, SCRIPT_DIGIT,  SCRIPT_DIGIT};
	struct toklist tl;
	size_t i;

	(void)state;
	toklist_init(&tl);
	assert_int_equal(token_split(text, strlen(text), &tl), 0);
	assert_int_equal(tl.n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < tl.n; i++)
		assert_int_equal(tl.v[i].script, want[i]);
	toklist_free(&tl);
}

/* Render the tokens of text[0..len) joined by '|' into out. */
static void
render_norm(const char *text, size_t len, char *out, size_t cap)
{
	char spans[512];
	struct toklist tl;

	toklist_init(&tl);
	render(text, len, &tl, out, spans, cap < sizeof(spans) ? cap : sizeof(spans));
	toklist_free(&tl);
}

/*
 * Every BMP code point alone and after a letter: no crash, the invariants
 * hold, and normalizing is idempotent (each token splits to itself again).
 */
static void
test_every_bmp(void **state)
{
	char text[16], norm[512], again[512];
	struct toklist tl;
	uint32_t cp;
	size_t n, i;

	(void)state;
	toklist_init(&tl);
	for (cp = 1; cp < 0x10000; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		text[0] = 'a';
		n = 1 + utf8_encode(cp, text + 1);
		render_norm(text, n, norm, sizeof(norm));
		toklist_clear(&tl);
		assert_int_equal(token_split(text + 1, n - 1, &tl), 0);
		for (i = 0; i < tl.n; i++) {
			const char *t = token_text(&tl, &tl.v[i]);

			render_norm(t, tl.v[i].normlen, again, sizeof(again));
			if (strcmp(t, again) != 0)
				print_error("U+%04X: token \"%s\" splits to \"%s\"\n", (unsigned)cp,
				            t, again);
			assert_string_equal(t, again);
		}
	}
	toklist_free(&tl);
}

/*
 * A precomposed character and its canonical decomposition give the same
 * tokens. Hangul jamo and ۀ (ە + hamza) need NFC first (utf8_clean).
 */
static void
test_nfd_equivalent(void **state)
{
	char text[8], a[512], b[512];
	utf8proc_uint8_t *nfd;
	uint32_t cp;
	size_t n;

	(void)state;
	for (cp = 0xA0; cp < 0x10000; cp++) {
		if ((cp >= 0xD800 && cp <= 0xDFFF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
		    cp == 0x06C0)
			continue;
		n = utf8_encode(cp, text);
		text[n] = '\0';
		nfd = utf8proc_NFD((const utf8proc_uint8_t *)text);
		assert_non_null(nfd);
		render_norm(text, n, a, sizeof(a));
		render_norm((const char *)nfd, strlen((const char *)nfd), b, sizeof(b));
		if (strcmp(a, b) != 0)
			print_error("U+%04X: \"%s\", decomposed \"%s\"\n", (unsigned)cp, a, b);
		assert_string_equal(a, b);
		free(nfd);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_separators),    cmocka_unit_test(test_nfkc_casefold),
	    cmocka_unit_test(test_marks),         cmocka_unit_test(test_arabic_folds),
	    cmocka_unit_test(test_latin_folds),   cmocka_unit_test(test_digits),
	    cmocka_unit_test(test_invisible),     cmocka_unit_test(test_obfuscation),
	    cmocka_unit_test(test_acronyms),      cmocka_unit_test(test_elision),
	    cmocka_unit_test(test_nospace),       cmocka_unit_test(test_invalid_utf8),
	    cmocka_unit_test(test_nul_bytes),     cmocka_unit_test(test_span_offsets),
	    cmocka_unit_test(test_toklist_reuse), cmocka_unit_test(test_large),
	    cmocka_unit_test(test_readings),      cmocka_unit_test(test_readings_match),
	    cmocka_unit_test(test_script_of),     cmocka_unit_test(test_token_script),
	    cmocka_unit_test(test_every_bmp),     cmocka_unit_test(test_nfd_equivalent),
	    cmocka_unit_test(test_digits_nd),     cmocka_unit_test(test_digits_ucd),
	    cmocka_unit_test(test_possessive),    cmocka_unit_test(test_invisible_ucd),
	    cmocka_unit_test(test_casefold_ucd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
