/*
 * lang.c: language guess from the script of the letters.
 *
 * Only scripts that name their language (or nearly) are decided here; Latin
 * text, and anything else the script does not tell, yields "" and is left to
 * statistical identification.
 */
#include "lang.h"

#include <string.h>

#include <utf8proc.h>

#include "token.h"
#include "utf8.h"

#define LANG_SCAN_MAX 1024 /* the first 1 KB tells the script well enough */

/* Letter counts by script, and the letters that separate related languages. */
struct lang_count {
	size_t latin, arabic, hebrew, greek, cyrillic, han, kana, hangul;
	size_t thai, lao, khmer, myanmar;
	size_t persian, urdu, arabic_only; /* within the Arabic script */
	size_t ukrainian, russian_only;    /* within Cyrillic */
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
	}
}

/* The Arabic-script language: Urdu and Persian letters, else Arabic. */
static const char *
guess_arabic(const struct lang_count *c)
{
	/* ے ں ٹ ڈ ڑ ہ are everyday Urdu letters and absent from Persian and Arabic. */
	if (c->urdu >= 2 && c->urdu * 100 >= c->arabic)
		return "ur";
	/* Persian writes ی ک and has پ چ ژ گ; Arabic writes ي ة ى instead. */
	if (c->persian >= 2 && c->persian * 50 >= c->arabic && c->arabic_only * 10 <= c->persian)
		return "fa";
	return "ar";
}

static const char *
guess_cyrillic(const struct lang_count *c)
{
	if (c->ukrainian >= 1 && c->ukrainian * 200 >= c->cyrillic &&
	    c->russian_only * 4 < c->ukrainian)
		return "uk";
	return "ru";
}

/* The language of the script most letters are in, "" when it says none. */
static const char *
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
	size_t i, best = 0;

	for (i = 1; i < sizeof(s) / sizeof(s[0]); i++)
		if (s[i].n > s[best].n)
			best = i;
	if (s[best].n == 0)
		return "";
	switch (best) {
	case 1:
		return guess_arabic(c);
	case 4:
		return guess_cyrillic(c);
	case 5:
		/* Japanese mixes kana into its kanji; Chinese has none. */
		return c->kana * 20 >= c->han + c->kana ? "ja" : "zh";
	}
	return s[best].lang;
}

void
lang_guess_script(const char *text, size_t len, char out[8])
{
	const unsigned char *s = (const unsigned char *)text;
	struct lang_count c;
	size_t i = 0;
	uint32_t cp;

	memset(&c, 0, sizeof(c));
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
					c.latin += (size_t)((((w & 0x4040404040404040ull) >> 6) *
					                     0x0101010101010101ull) >>
					                    56);
					i += 8;
					continue;
				}
			}
			if ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z')
				c.latin++;
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
			c.latin++; /* accented Latin letters, without a range search */
			continue;
		}
		if (cp >= 0x0621 && cp <= 0x064A) {
			count_arabic(&c, cp); /* the common Arabic letters, likewise */
			continue;
		}
		/* marks and punctuation of a script count with its letters: for a
		 * majority vote that is harmless, and it spares a category lookup */
		if (!(cp >= 0x0660 && cp <= 0x0669) && !(cp >= 0x06F0 && cp <= 0x06F9))
			count_letter(&c, cp); /* digits say nothing of the language */
	}
	strcpy(out, guess_from(&c));
}
