/*
 * lang.c: language identification, by script first and then by CLD2.
 *
 * Scripts that name their language (Greek, Hangul, kana, Thai...) decide
 * alone. Latin, Arabic, Cyrillic, Hebrew and a few other scripts are shared
 * by several languages: CLD2 (cld2_shim.cc) tells those, and when CLD2 is
 * not sure, the letters that only one language of the script uses (Persian
 * and Urdu letters in the Arabic script, Ukrainian ones in Cyrillic).
 *
 * Two kinds of hint reach CLD2 as its own hints: the declared language
 * (of the article, or its feed), and the prior, the languages the
 * configuration expects. Neither is the answer where CLD2 is sure. Where it
 * is not, the declared language decides; else, with a prior, one of the
 * configured languages of the text's script, or none rather than a guess
 * outside them (lang_decide()).
 */
#include "lang.h"

#include <stdio.h>
#include <string.h>

#include <utf8proc.h>

#include "cld2_shim.h"
#include "langwords.h"
#include "token.h"
#include "utf8.h"

#define LANG_SCAN_MAX 1024 /* the first 1 KB tells the script well enough */
#define LANG_BODY_MIN 20   /* fewer letters in the body: count the title too */
#define LANG_SHORT 80      /* fewer letters: an unsure CLD2 yields to the hint */
#define LANG_MIXED 50      /* CLD2's language covers less (percent): likewise */
/*
 * Fewer letters of the Latin script: a few names can outweigh the words
 * for CLD2, and the function words are asked (lang_words()); a longer text
 * has enough words of its own for CLD2.
 */
#define LANG_WORDS_LONG 400
#define LANG_WORDS_MIN 3 /* function words of a language: evidence of it */
/*
 * Bytes of title and body CLD2 reads: a few hundred words tell the
 * language as well as a whole article, and CLD2 costs about as much per
 * byte as all of matching.
 */
#define LANG_CLD2_MAX 4096
/*
 * CLD2 ignores a Content-Language hint of more than four languages (a
 * multilingual site): a prior with more of one script is not given as
 * hints, only chosen among where CLD2 is unsure (prior_choose()).
 */
#define LANG_CLD2_HINTS 4

/*
 * Other scripts of one language, or of a few that CLD2 tells apart: among
 * lists those, space-separated (NULL when lang is the only one).
 */
static const struct lang_block {
	uint32_t lo, hi;
	const char *lang, *among;
} lang_blocks[] = {
    {0x0530, 0x058F, "hy", NULL},             /* Armenian */
    {0x0780, 0x07BF, "dv", NULL},             /* Thaana */
    {0x0900, 0x097F, "hi", "hi mr ne sa bh"}, /* Devanagari */
    {0x0980, 0x09FF, "bn", "bn as"},          /* Bengali */
    {0x0A00, 0x0A7F, "pa", NULL},             /* Gurmukhi */
    {0x0A80, 0x0AFF, "gu", NULL},             /* Gujarati */
    {0x0B00, 0x0B7F, "or", NULL},             /* Oriya */
    {0x0B80, 0x0BFF, "ta", NULL},             /* Tamil */
    {0x0C00, 0x0C7F, "te", NULL},             /* Telugu */
    {0x0C80, 0x0CFF, "kn", NULL},             /* Kannada */
    {0x0D00, 0x0D7F, "ml", NULL},             /* Malayalam */
    {0x0D80, 0x0DFF, "si", NULL},             /* Sinhala */
    {0x0F00, 0x0FFF, "bo", "bo dz"},          /* Tibetan */
    {0x10A0, 0x10FF, "ka", NULL},             /* Georgian */
    {0x1200, 0x139F, "am", "am ti"},          /* Ethiopic */
    {0x1C90, 0x1CBF, "ka", NULL},             /* Georgian capitals (Mtavruli) */
    {0x2D00, 0x2D2F, "ka", NULL},             /* Georgian Nuskhuri */
};

#define LANG_NBLOCKS (sizeof(lang_blocks) / sizeof(lang_blocks[0]))

/* Languages never written in Latin letters: a hint for Latin text is wrong. */
static const char lang_nonlatin[] = "am ar as be bg bh bn bo dv dz el fa gu he hi hy ja ka km kn "
                                    "ko ky lo mk ml mn mr my ne or pa ps ru sa si ta te tg th ti "
                                    "uk ur yi zh";
/* Languages written in Cyrillic, which CLD2 tells apart (ro: Moldovan). */
static const char lang_cyrillic[] = "ru uk bg sr mk be kk ky tg mn tt ba cv os uz az tk ro";
/* Languages written in the Arabic script, likewise. */
static const char lang_arabic[] = "ar fa ur ps ku sd ug ks";
/* Languages written in the Hebrew script. */
static const char lang_hebrew[] = "he yi";

/* Letter counts by script, and the letters that separate related languages. */
struct lang_count {
	size_t latin, arabic, hebrew, greek, cyrillic, han, kana, hangul;
	size_t thai, lao, khmer, myanmar;
	size_t persian, urdu, arabic_only; /* within the Arabic script */
	size_t ukrainian, russian_only;    /* within Cyrillic */
	size_t block[LANG_NBLOCKS];        /* the scripts of lang_blocks */
};

/*
 * What the script of most letters says. lang is its language, "" when it
 * tells none; among is NULL when the script decides, else CLD2 decides among
 * these languages (lang then is the answer when CLD2 cannot tell), or among
 * all the Latin ones when among is lang_nonlatin. named: lang is what the
 * script's letters say (lang_guess_script() gives it); sure: letters only
 * lang uses among those of its script were seen (Persian گ, Ukrainian ї).
 */
struct lang_pick {
	const char *lang;
	const char *among;
	int named, sure;
};

static int
is_kana(uint32_t cp)
{
	return (cp >= 0x3041 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) ||
	       (cp >= 0xFF66 && cp <= 0xFF9F) || (cp >= 0x1AFF0 && cp <= 0x1B16F);
}

/* Split the "no space" scripts: Thai, Lao, Khmer, Myanmar, kana, Han. */
static void
count_nospace(struct lang_count *c, uint32_t cp)
{
	if (cp >= 0x0E00 && cp <= 0x0E7F)
		c->thai++;
	else if (cp >= 0x0E80 && cp <= 0x0EFF)
		c->lao++;
	else if ((cp >= 0x1780 && cp <= 0x17FF) || (cp >= 0x19E0 && cp <= 0x19FF))
		c->khmer++;
	else if ((cp >= 0x1000 && cp <= 0x109F) || (cp >= 0xA9E0 && cp <= 0xA9FF) ||
	         (cp >= 0xAA60 && cp <= 0xAA7F))
		c->myanmar++;
	else if (is_kana(cp))
		c->kana++;
	else
		c->han++;
}

static void
count_arabic(struct lang_count *c, uint32_t cp)
{
	c->arabic++;
	switch (cp) {
	case 0x067E: /* پ */
	case 0x0686: /* چ */
	case 0x0698: /* ژ */
	case 0x06AF: /* گ */
	case 0x06A9: /* ک */
	case 0x06CC: /* ی */
		c->persian++;
		break;
	case 0x0679: /* ٹ */
	case 0x0688: /* ڈ */
	case 0x0691: /* ڑ */
	case 0x06BA: /* ں */
	case 0x06D2: /* ے */
	case 0x06C1: /* ہ */
		c->urdu++;
		break;
	case 0x0629: /* ة */
	case 0x064A: /* ي */
	case 0x0649: /* ى */
		c->arabic_only++;
		break;
	}
}

static void
count_cyrillic(struct lang_count *c, uint32_t cp)
{
	c->cyrillic++;
	switch (cp) {
	case 0x0456: /* і */
	case 0x0406:
	case 0x0457: /* ї */
	case 0x0407:
	case 0x0454: /* є */
	case 0x0404:
	case 0x0491: /* ґ */
	case 0x0490:
		c->ukrainian++;
		break;
	case 0x044B: /* ы */
	case 0x042B:
	case 0x044D: /* э */
	case 0x042D:
	case 0x0451: /* ё */
	case 0x0401:
	case 0x044A: /* ъ */
	case 0x042A:
		c->russian_only++;
		break;
	}
}

/* Letters of the scripts of lang_blocks; other characters count nowhere. */
static void
count_other(struct lang_count *c, uint32_t cp)
{
	size_t i;

	if (cp < lang_blocks[0].lo || cp > lang_blocks[LANG_NBLOCKS - 1].hi)
		return; /* most of these are punctuation: spare them the search */
	for (i = 0; i < LANG_NBLOCKS; i++)
		if (cp >= lang_blocks[i].lo && cp <= lang_blocks[i].hi) {
			c->block[i]++;
			return;
		}
}

static void
count_letter(struct lang_count *c, uint32_t cp)
{
	switch (script_of(cp)) {
	case SCRIPT_LATIN:
		c->latin++;
		break;
	case SCRIPT_ARABIC:
		count_arabic(c, cp);
		break;
	case SCRIPT_HEBREW:
		c->hebrew++;
		break;
	case SCRIPT_GREEK:
		c->greek++;
		break;
	case SCRIPT_CYRILLIC:
		count_cyrillic(c, cp);
		break;
	case SCRIPT_NOSPACE:
		count_nospace(c, cp);
		break;
	case SCRIPT_HANGUL:
		c->hangul++;
		break;
	case SCRIPT_OTHER:
		count_other(c, cp);
		break;
	}
}

/*
 * The Arabic-script language: Urdu and Persian letters, else Arabic; *sure
 * when letters of that language alone were seen. Persian typed on an Arabic
 * keyboard (ي ك for ی ک) has few of its own: CLD2 tells it, not this.
 */
static const char *
guess_arabic(const struct lang_count *c, int *sure)
{
	*sure = 1;
	/* ے ں ٹ ڈ ڑ ہ are everyday Urdu letters and absent from Persian and Arabic. */
	if (c->urdu >= 2 && c->urdu * 100 >= c->arabic)
		return "ur";
	/* Persian writes ی ک and has پ چ ژ گ; Arabic writes ي ة ى instead. */
	if (c->persian >= 2 && c->persian * 50 >= c->arabic && c->arabic_only * 10 <= c->persian)
		return "fa";
	/* ة and ى are Arabic's alone; ي is also Persian on an Arabic keyboard */
	*sure = c->arabic_only > 0 && c->persian == 0 && c->urdu == 0;
	return "ar";
}

static const char *
guess_cyrillic(const struct lang_count *c, int *sure)
{
	*sure = 1;
	if (c->ukrainian >= 1 && c->ukrainian * 200 >= c->cyrillic &&
	    c->russian_only * 4 < c->ukrainian)
		return "uk";
	/* ы э ё ъ are Russian's, not Ukrainian's (Belarusian has ы э ё: CLD2 tells it) */
	*sure = c->russian_only > 0 && c->ukrainian == 0;
	return "ru";
}

/* What the script most letters are in says (struct lang_pick). */
static struct lang_pick
guess_from(const struct lang_count *c)
{
	struct {
		size_t n;
		const char *lang;
	} s[] = {
	    {c->latin, ""},      {c->arabic, NULL},        {c->hebrew, "he"},  {c->greek, "el"},
	    {c->cyrillic, NULL}, {c->han + c->kana, NULL}, {c->hangul, "ko"},  {c->thai, "th"},
	    {c->lao, "lo"},      {c->khmer, "km"},         {c->myanmar, "my"},
	};
	struct lang_pick p = {"", NULL, 0, 0};
	size_t i, best = 0, bestblock = LANG_NBLOCKS;

	for (i = 1; i < sizeof(s) / sizeof(s[0]); i++)
		if (s[i].n > s[best].n)
			best = i;
	for (i = 0; i < LANG_NBLOCKS; i++)
		if (c->block[i] > s[best].n &&
		    (bestblock == LANG_NBLOCKS || c->block[i] > c->block[bestblock]))
			bestblock = i;
	if (bestblock < LANG_NBLOCKS) {
		p.lang = lang_blocks[bestblock].lang;
		p.among = lang_blocks[bestblock].among;
		p.named = p.sure = p.among == NULL;
		return p;
	}
	if (s[best].n == 0)
		return p;
	p.named = p.sure = 1;
	switch (best) {
	case 0:
		p.among = lang_nonlatin;
		p.named = p.sure = 0;
		break;
	case 1:
		p.lang = guess_arabic(c, &p.sure);
		p.among = lang_arabic;
		break;
	case 2:
		p.lang = "he";
		p.among = lang_hebrew;
		p.sure = 0; /* Yiddish writes the same letters */
		break;
	case 4:
		p.lang = guess_cyrillic(c, &p.sure);
		p.among = lang_cyrillic;
		break;
	case 5:
		/* Japanese mixes kana into its kanji; Chinese has none. */
		p.lang = c->kana * 20 >= c->han + c->kana ? "ja" : "zh";
		break;
	default:
		p.lang = s[best].lang;
	}
	return p;
}

/* Add the letters of the first LANG_SCAN_MAX bytes of text to c. */
static void
lang_count(struct lang_count *c, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;
	uint32_t cp;

	if (len > LANG_SCAN_MAX)
		len = utf8_floor(text, LANG_SCAN_MAX);
	while (i < len) {
		if (s[i] < 0x80) {
			/* ASCII decides nothing but the Latin count: take it a word at a time */
			if (i + 8 <= len) {
				uint64_t w;

				memcpy(&w, s + i, 8);
				if ((w & 0x8080808080808080ull) == 0) {
					/* bytes with bit 0x40 set are letters or @[\]^_`{|}~ */
					c->latin += (size_t)((((w & 0x4040404040404040ull) >> 6) *
					                      0x0101010101010101ull) >>
					                     56);
					i += 8;
					continue;
				}
			}
			if ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z')
				c->latin++;
			i++;
			continue;
		}
		if (s[i] >= 0xC2 && s[i] <= 0xDF && i + 1 < len && (s[i + 1] & 0xC0) == 0x80) {
			/* two-byte letters (Latin, Greek, Cyrillic, Hebrew, Arabic) inline */
			cp = ((uint32_t)(s[i] & 0x1F) << 6) | (s[i + 1] & 0x3F);
			i += 2;
		} else {
			i += utf8_decode(s + i, len - i, &cp);
		}
		if (cp >= 0x00C0 && cp <= 0x024F) {
			c->latin++; /* accented Latin letters, without a range search */
			continue;
		}
		if (cp >= 0x0621 && cp <= 0x064A) {
			count_arabic(c, cp); /* the common Arabic letters, likewise */
			continue;
		}
		/* marks and punctuation of a script count with its letters: for a
		 * majority vote that is harmless, and it spares a category lookup */
		if (!(cp >= 0x0660 && cp <= 0x0669) && !(cp >= 0x06F0 && cp <= 0x06F9))
			count_letter(c, cp); /* digits say nothing of the language */
	}
}

/* The letters counted in c, all scripts. */
static size_t
lang_letters(const struct lang_count *c)
{
	size_t i, n = c->latin + c->arabic + c->hebrew + c->greek + c->cyrillic + c->han + c->kana +
	              c->hangul + c->thai + c->lao + c->khmer + c->myanmar;

	for (i = 0; i < LANG_NBLOCKS; i++)
		n += c->block[i];
	return n;
}

void
lang_guess_script(const char *text, size_t len, char out[8])
{
	struct lang_count c;
	struct lang_pick p;

	memset(&c, 0, sizeof(c));
	lang_count(&c, text, len);
	p = guess_from(&c);
	/* Arabic, Hebrew and Cyrillic are named by their letters, as they always
	 * were; Latin and the other scripts of several languages (Devanagari...)
	 * are left to lang_identify() */
	strcpy(out, p.named ? p.lang : "");
}

/* 1 when the 2-letter code is in the space-separated list. */
static int
lang_in(const char *list, const char *code)
{
	for (; *list != '\0'; list += list[2] == ' ' ? 3 : 2)
		if (list[0] == code[0] && list[1] == code[1] && code[2] == '\0')
			return 1;
	return 0;
}

/* ---- the declared language ---------------------------------------------- */

/* ISO 639-1 codes by ISO 639-2 code (T, then B when it differs) and English name. */
static const struct lang_name {
	const char *code, *iso3, *iso3b, *name;
} lang_names[] = {
    {"af", "afr", NULL, "afrikaans"},   {"am", "amh", NULL, "amharic"},
    {"ar", "ara", NULL, "arabic"},      {"az", "aze", NULL, "azerbaijani"},
    {"be", "bel", NULL, "belarusian"},  {"bg", "bul", NULL, "bulgarian"},
    {"bn", "ben", NULL, "bengali"},     {"bs", "bos", NULL, "bosnian"},
    {"ca", "cat", NULL, "catalan"},     {"cs", "ces", "cze", "czech"},
    {"cy", "cym", "wel", "welsh"},      {"da", "dan", NULL, "danish"},
    {"de", "deu", "ger", "german"},     {"el", "ell", "gre", "greek"},
    {"en", "eng", NULL, "english"},     {"es", "spa", NULL, "spanish"},
    {"et", "est", NULL, "estonian"},    {"eu", "eus", "baq", "basque"},
    {"fa", "fas", "per", "persian"},    {"fa", NULL, NULL, "farsi"},
    {"fi", "fin", NULL, "finnish"},     {"fr", "fra", "fre", "french"},
    {"ga", "gle", NULL, "irish"},       {"he", "heb", NULL, "hebrew"},
    {"hi", "hin", NULL, "hindi"},       {"hr", "hrv", NULL, "croatian"},
    {"hu", "hun", NULL, "hungarian"},   {"hy", "hye", "arm", "armenian"},
    {"id", "ind", NULL, "indonesian"},  {"is", "isl", "ice", "icelandic"},
    {"it", "ita", NULL, "italian"},     {"ja", "jpn", NULL, "japanese"},
    {"ka", "kat", "geo", "georgian"},   {"kk", "kaz", NULL, "kazakh"},
    {"ko", "kor", NULL, "korean"},      {"ku", "kur", NULL, "kurdish"},
    {"lt", "lit", NULL, "lithuanian"},  {"lv", "lav", NULL, "latvian"},
    {"mk", "mkd", "mac", "macedonian"}, {"ms", "msa", "may", "malay"},
    {"mt", "mlt", NULL, "maltese"},     {"nl", "nld", "dut", "dutch"},
    {"no", "nor", NULL, "norwegian"},   {"pl", "pol", NULL, "polish"},
    {"ps", "pus", NULL, "pashto"},      {"pt", "por", NULL, "portuguese"},
    {"ro", "ron", "rum", "romanian"},   {"ru", "rus", NULL, "russian"},
    {"sk", "slk", "slo", "slovak"},     {"sl", "slv", NULL, "slovenian"},
    {"sq", "sqi", "alb", "albanian"},   {"sr", "srp", NULL, "serbian"},
    {"sv", "swe", NULL, "swedish"},     {"sw", "swa", NULL, "swahili"},
    {"ta", "tam", NULL, "tamil"},       {"th", "tha", NULL, "thai"},
    {"tr", "tur", NULL, "turkish"},     {"uk", "ukr", NULL, "ukrainian"},
    {"ur", "urd", NULL, "urdu"},        {"uz", "uzb", NULL, "uzbek"},
    {"vi", "vie", NULL, "vietnamese"},  {"zh", "zho", "chi", "chinese"},
};

/* The ISO 639-1 codes: a declared "zz" or "xx" is no language. */
static const char lang_iso639_1[] =
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv "
    "cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr "
    "ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw "
    "ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv "
    "ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr "
    "ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi "
    "yo za zh zu";

/* Withdrawn codes some sites still declare, and Bokmal, which CLD2 calls "no". */
static const char *const lang_aliases[][2] = {
    {"iw", "he"}, {"in", "id"}, {"ji", "yi"}, {"jw", "jv"}, {"mo", "ro"}, {"nb", "no"},
};

/*
 * The ISO 639-1 code of a declared language into out, "" when there is
 * none: its first subtag ("fr-CA", "fr_FR", "FR", "fr, en"), a 3-letter
 * ISO 639-2 code ("fra") or an English name ("French").
 */
static void
lang_hint(const char *hint, char out[8])
{
	char w[16];
	size_t n = 0, i;

	out[0] = '\0';
	if (hint == NULL)
		return;
	while (*hint == ' ' || *hint == '\t')
		hint++;
	for (; (*hint | 0x20) >= 'a' && (*hint | 0x20) <= 'z'; hint++) {
		if (n + 1 >= sizeof(w))
			return; /* no language name is that long */
		w[n++] = (char)(*hint | 0x20);
	}
	w[n] = '\0';
	if (n == 2) {
		for (i = 0; i < sizeof(lang_aliases) / sizeof(lang_aliases[0]); i++)
			if (strcmp(w, lang_aliases[i][0]) == 0) {
				strcpy(out, lang_aliases[i][1]);
				return;
			}
		if (lang_in(lang_iso639_1, w))
			strcpy(out, w);
		return;
	}
	if (n < 3)
		return;
	for (i = 0; i < sizeof(lang_names) / sizeof(lang_names[0]); i++) {
		const struct lang_name *l = &lang_names[i];

		if ((n == 3 && ((l->iso3 != NULL && strcmp(w, l->iso3) == 0) ||
		                (l->iso3b != NULL && strcmp(w, l->iso3b) == 0))) ||
		    strcmp(w, l->name) == 0) {
			strcpy(out, l->code);
			return;
		}
	}
}

/* 1 when a language can be written in the script the pick says. */
static int
lang_fits(const struct lang_pick *p, const char *code)
{
	if (code[0] == '\0')
		return 0;
	if (p->among == lang_nonlatin)
		return !lang_in(lang_nonlatin, code);
	if (p->among == NULL)
		return strcmp(code, p->lang) == 0;
	return lang_in(p->among, code);
}

/*
 * The codes written for a language that are not its ISO 639-1 code: a
 * country's (jp, gr, cz, se...), a withdrawn code (iw, in, ji...). Some are
 * another language's code (se Northern Sami, kr Kanuri): they are named
 * only when hark cannot identify that language either, so a country's code
 * that is the code of a language CLD2 knows (br Breton, tw Twi) is not here.
 */
static const struct lang_meant {
	const char *written, *code, *name;
} lang_meant[] = {
    {"al", "sq", "Albanian"},   {"at", "de", "German"},   {"by", "be", "Belarusian"},
    {"cn", "zh", "Chinese"},    {"cz", "cs", "Czech"},    {"dk", "da", "Danish"},
    {"eg", "ar", "Arabic"},     {"ge", "ka", "Georgian"}, {"gb", "en", "English"},
    {"gr", "el", "Greek"},      {"hk", "zh", "Chinese"},  {"il", "he", "Hebrew"},
    {"in", "id", "Indonesian"}, {"ir", "fa", "Persian"},  {"iw", "he", "Hebrew"},
    {"ji", "yi", "Yiddish"},    {"jp", "ja", "Japanese"}, {"jw", "jv", "Javanese"},
    {"kr", "ko", "Korean"},     {"kz", "kk", "Kazakh"},   {"mo", "ro", "Romanian"},
    {"nb", "no", "Norwegian"},  {"mx", "es", "Spanish"},  {"pk", "ur", "Urdu"},
    {"rs", "sr", "Serbian"},    {"se", "sv", "Swedish"},  {"sp", "es", "Spanish"},
    {"ua", "uk", "Ukrainian"},  {"us", "en", "English"},  {"vn", "vi", "Vietnamese"},
};

int
lang_code_check(const char *code, char *why, size_t whysz)
{
	const struct lang_meant *m = NULL;
	char meant[48] = "";

	if (strlen(code) == 2 && lang_in(lang_iso639_1, code) && cld2_knows(code))
		return 0;
	for (size_t i = 0; i < sizeof(lang_meant) / sizeof(lang_meant[0]); i++)
		if (strcmp(lang_meant[i].written, code) == 0)
			m = &lang_meant[i];
	if (m != NULL)
		snprintf(meant, sizeof(meant), "%s is '%s'", m->name, m->code);
	if (strlen(code) == 2 && lang_in(lang_iso639_1, code)) {
		snprintf(why, whysz,
		         "'%s' is an ISO 639-1 code of a language hark cannot identify in text "
		         "(CLD2 does not know it%s%s)",
		         code, m != NULL ? "; " : "", meant);
		return 1;
	}
	if (m != NULL)
		snprintf(why, whysz, "'%.8s' is not an ISO 639-1 language code (%s)", code, meant);
	else
		snprintf(why, whysz, "'%.8s' is not an ISO 639-1 language code", code);
	return -1;
}

/* ---- the prior ----------------------------------------------------------- */

int
lang_prior_ok(const char *code)
{
	return strlen(code) == 2 && lang_in(lang_iso639_1, code) && cld2_knows(code);
}

/*
 * The languages of prior (space-separated codes) that the script of p can
 * write: space-separated into sp, comma-separated into cm (CLD2's
 * Content-Language form). Returns how many.
 */
static size_t
prior_of_script(const char *prior, const struct lang_pick *p, char sp[LANG_PRIOR_MAX],
                char cm[LANG_PRIOR_MAX])
{
	size_t n = 0, k = 0;
	char code[3];

	sp[0] = cm[0] = '\0';
	while (prior != NULL && *prior != '\0') {
		size_t len;

		while (*prior == ' ')
			prior++;
		for (len = 0; prior[len] != '\0' && prior[len] != ' '; len++)
			;
		if (len == 2 && k + 4 <= LANG_PRIOR_MAX) {
			memcpy(code, prior, 2);
			code[2] = '\0';
			/* two lower-case letters: a prior of any bytes names only codes */
			if (code[0] >= 'a' && code[0] <= 'z' && code[1] >= 'a' && code[1] <= 'z' &&
			    lang_fits(p, code) && !lang_in(sp, code)) {
				if (k > 0) {
					sp[k] = ' ';
					cm[k] = ',';
					k++;
				}
				memcpy(sp + k, code, 3);
				memcpy(cm + k, code, 3);
				k += 2;
				n++;
			}
		}
		prior += len;
	}
	return n;
}

/*
 * Among the configured languages of the script (sp, n of them), the one
 * that explains the text best: CLD2 is asked again with each as its hint,
 * and the one it then names with the highest score (its evidence per byte
 * of text, every candidate favoured alike) wins. "" when CLD2 names none of
 * them even so; the only one when there is one.
 */
static void
prior_choose(const char *buf, size_t n, const char *sp, size_t count, char out[8])
{
	struct cld2_result r;
	double best = -1;
	char code[3];

	out[0] = '\0';
	if (count == 1) {
		memcpy(out, sp, 2);
		out[2] = '\0';
		return;
	}
	for (; *sp != '\0'; sp += sp[2] == ' ' ? 3 : 2) {
		memcpy(code, sp, 2);
		code[2] = '\0';
		cld2_detect_ex(buf, n, code, code, &r);
		if (strcmp(r.lang, code) == 0 && r.score > best) {
			best = r.score;
			strcpy(out, code);
		}
		if (sp[2] == '\0')
			break;
	}
}

/* ---- identification ------------------------------------------------------ */

const char *
lang_by_name(enum lang_by by)
{
	switch (by) {
	case LANG_BY_DECLARED:
		return "declared";
	case LANG_BY_CLD2:
		return "cld2";
	case LANG_BY_SCRIPT:
		return "script";
	case LANG_BY_PRIOR:
		return "prior";
	case LANG_BY_NONE:
		break;
	}
	return NULL;
}

/* out = code; returns by (the lang_decide() idiom). */
static enum lang_by
lang_set(char out[8], const char *code, enum lang_by by)
{
	strcpy(out, code);
	return code[0] != '\0' ? by : LANG_BY_NONE;
}

/*
 * A short Latin-script text in which CLD2 named a language r whose function
 * words it lacks while it holds those of another (langwords.h): its names
 * misled CLD2 ("La veuve d'Alexeï Navalny... accuse le Kremlin" is
 * Slovenian to it, for "Navalny"). CLD2 reads it again without its names
 * (with the configured languages sp, as cm, for hints), and the language it
 * then names stands when the text holds at least LANG_WORDS_MIN of its
 * function words and, with a prior, when it is configured or when CLD2 is
 * sure of it where it was sure of r (sure: r was trusted, configured or
 * not). Else the language of most function words (of sp, with a prior
 * where CLD2 was unsure) stands when CLD2, given it as the hint, names it
 * (and is sure, when it is not configured). Else, with a prior, the
 * configured language whose function words the text clearly holds most
 * of, r's counted against it. Returns how out was decided, LANG_BY_NONE
 * (out "") when the words change nothing.
 */
static enum lang_by
lang_words(const char *buf, size_t n, const struct cld2_result *r, int sure, const char *prior,
           const char *sp, const char *cm, char out[8])
{
	char tmp[LANG_CLD2_MAX], cands[LANG_PRIOR_MAX + 4], lead[8];
	struct langwords w;
	struct cld2_result y;
	unsigned most = 0;
	int x;

	out[0] = '\0';
	langwords_count(buf, n, &w);
	for (size_t l = 0; l < LANGWORDS_NLANGS; l++)
		if (w.n[l] > most)
			most = w.n[l];
	x = r->lang[0] != '\0' ? langwords_of(&w, r->lang) : 0;
	if (most < LANG_WORDS_MIN || (x > 0 && (unsigned)x * 2 >= most))
		return LANG_BY_NONE; /* no evidence against CLD2's language */
	if (n > sizeof(tmp))
		n = sizeof(tmp);
	n = langwords_unnamed(buf, n, tmp);
	cld2_detect_ex(tmp, n, NULL, prior != NULL && cm[0] != '\0' ? cm : NULL, &y);
	if (y.lang[0] != '\0' && strcmp(y.lang, r->lang) != 0 &&
	    langwords_of(&w, y.lang) >= LANG_WORDS_MIN &&
	    (prior == NULL || lang_in(sp, y.lang) || (sure && y.reliable)))
		return lang_set(out, y.lang, LANG_BY_CLD2);
	/* the language of most function words (of sp, with a prior), when CLD2 agrees given it */
	langwords_lead(&w, prior != NULL && !sure ? sp : NULL, LANG_WORDS_MIN, lead);
	if (lead[0] != '\0' && strcmp(lead, r->lang) != 0) {
		cld2_detect_ex(tmp, n, lead, prior != NULL && cm[0] != '\0' ? cm : NULL, &y);
		if (strcmp(y.lang, lead) == 0 &&
		    (prior == NULL || lang_in(sp, lead) || (sure && y.reliable)))
			return lang_set(out, lead, LANG_BY_CLD2);
	}
	if (prior == NULL)
		return LANG_BY_NONE;
	snprintf(cands, sizeof(cands), "%s %s", sp, r->lang);
	langwords_pick(&w, cands, LANG_WORDS_MIN, out);
	if (!lang_in(sp, out))
		out[0] = '\0';
	return out[0] != '\0' ? LANG_BY_PRIOR : LANG_BY_NONE;
}

enum lang_by
lang_decide(const char *title, size_t tlen, const char *body, size_t blen, const char *hint,
            const char *prior, char out[8])
{
	char buf[LANG_CLD2_MAX], want[8], sp[LANG_PRIOR_MAX], cm[LANG_PRIOR_MAX];
	struct lang_count c, t;
	struct lang_pick p;
	struct cld2_result r;
	size_t n = 0, letters, nprior;
	int shortish, trusted;

	if (title == NULL)
		tlen = 0;
	if (body == NULL)
		blen = 0;
	if (prior != NULL && *prior == '\0')
		prior = NULL;
	lang_hint(hint, want);

	/* the script of the body decides, or of the title when the body is nearly empty */
	memset(&c, 0, sizeof(c));
	memset(&t, 0, sizeof(t));
	lang_count(&c, body, blen);
	lang_count(&t, title, tlen);
	letters = lang_letters(&c) + lang_letters(&t); /* in the first 1 KB of each */
	if (lang_letters(&c) < LANG_BODY_MIN)
		lang_count(&c, title, tlen);
	p = guess_from(&c);
	if (letters == 0) /* no letters: the declared language is all there is */
		return lang_set(out, want, LANG_BY_DECLARED);
	if (p.among == NULL)
		return lang_set(out, p.lang, LANG_BY_SCRIPT);

	/* CLD2 reads "title\nbody", its first LANG_CLD2_MAX bytes */
	if (tlen > 0) {
		n = tlen < sizeof(buf) ? tlen : utf8_floor(title, sizeof(buf));
		memcpy(buf, title, n);
		if (n < sizeof(buf) && blen > 0)
			buf[n++] = '\n';
	}
	if (n < sizeof(buf) && blen > 0) {
		size_t k = blen <= sizeof(buf) - n ? blen : utf8_floor(body, sizeof(buf) - n);

		memcpy(buf + n, body, k);
		n += k;
	}
	if (!lang_fits(&p, want))
		want[0] = '\0'; /* a hint the script contradicts is no hint */
	nprior = prior_of_script(prior, &p, sp, cm);
	cld2_detect_ex(buf, n, want[0] != '\0' ? want : NULL,
	               nprior > 0 && nprior <= LANG_CLD2_HINTS ? cm : NULL, &r);
	/* CLD2 went by another script's bytes: not this text's language */
	if (!lang_fits(&p, r.lang))
		r.lang[0] = '\0';

	/*
	 * CLD2 is sure when it says so, and for short text (a headline) with a
	 * prior, only of a configured language: on a few words its "reliable"
	 * often names a neighbour (Serbian for Russian, Galician for Spanish).
	 */
	shortish = letters < LANG_SHORT;
	trusted =
	    r.lang[0] != '\0' && r.reliable && (prior == NULL || !shortish || lang_in(sp, r.lang));
	if (want[0] != '\0' && (r.lang[0] == '\0' || (prior != NULL && !trusted) ||
	                        (!r.reliable && (shortish || r.percent < LANG_MIXED))))
		return lang_set(out, want, LANG_BY_DECLARED);
	/* a short Latin text: a configured language's function words outweigh names */
	if (p.among == lang_nonlatin && letters < LANG_WORDS_LONG &&
	    (prior == NULL || !trusted || !lang_in(sp, r.lang))) {
		enum lang_by by = lang_words(buf, n, &r, trusted, prior, sp, cm, out);

		if (by != LANG_BY_NONE)
			return by;
	}
	if (trusted)
		return lang_set(out, r.lang, LANG_BY_CLD2);
	if (prior == NULL) {
		/* as ever: letters of one language, else CLD2's guess, else the script's */
		if (p.sure || r.lang[0] == '\0')
			return lang_set(out, p.lang, LANG_BY_SCRIPT);
		return lang_set(out, r.lang, LANG_BY_CLD2);
	}
	/* a prior: one of its languages of this script, or none */
	if (p.sure)
		return lang_set(out, lang_in(sp, p.lang) ? p.lang : "", LANG_BY_SCRIPT);
	prior_choose(buf, n, sp, nprior, out);
	return out[0] != '\0' ? LANG_BY_PRIOR : LANG_BY_NONE;
}

void
lang_identify(const char *title, size_t tlen, const char *body, size_t blen, const char *hint,
              char out[8])
{
	lang_decide(title, tlen, body, blen, hint, NULL, out);
}
