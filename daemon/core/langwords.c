/*
 * langwords.c: the function words of Latin-script languages, counted.
 *
 * CLD2 reads letter sequences; in a short text a few names, repeated, are
 * most of them, and a French sentence about Navalny reads as Slovenian.
 * The words no name is made of (the articles, prepositions and
 * conjunctions of a language, French elisions) are what a reader goes by:
 * lang.c asks here whether the text holds those of the language CLD2 named,
 * or clearly more of another, and lets CLD2 read the text without its
 * names. The lists hold each language's most frequent such words, written
 * from its grammar, not from a test set; a word several languages share
 * counts for each of them, so only a clear majority says anything.
 */
#include "langwords.h"

#include <stdint.h>
#include <string.h>

#include <utf8proc.h>

#include "utf8.h"

/* bytes of letters: the longest function word ("lorsqu'") has 6, "değil" 6 */
#define LANGWORDS_WORD_MAX 8

/* The languages of the table, in the order of struct langwords' counts. */
static const char langwords_codes[LANGWORDS_NLANGS][3] = {
    "en", "fr", "de", "es", "it", "pt", "nl", "tr", "sl", "hr", "bs", "sr", "ro",
    "ca", "gl", "pl", "cs", "sk", "sv", "da", "no", "id", "ms", "af", "hu", "fi",
};
enum {
	L_EN = 1u << 0,
	L_FR = 1u << 1,
	L_DE = 1u << 2,
	L_ES = 1u << 3,
	L_IT = 1u << 4,
	L_PT = 1u << 5,
	L_NL = 1u << 6,
	L_TR = 1u << 7,
	L_SL = 1u << 8,
	L_HR = 1u << 9,
	L_BS = 1u << 10,
	L_SR = 1u << 11,
	L_RO = 1u << 12,
	L_CA = 1u << 13,
	L_GL = 1u << 14,
	L_PL = 1u << 15,
	L_CS = 1u << 16,
	L_SK = 1u << 17,
	L_SV = 1u << 18,
	L_DA = 1u << 19,
	L_NO = 1u << 20,
	L_ID = 1u << 21,
	L_MS = 1u << 22,
	L_AF = 1u << 23,
	L_HU = 1u << 24,
	L_FI = 1u << 25,
};

/*
 * The function words, in lower case, an elision with its apostrophe, sorted
 * by their bytes (langwords_find() searches them; test_langwords checks the
 * order): each with the languages it is one of. Per language, its most
 * frequent articles, prepositions, conjunctions and auxiliaries.
 */
static const struct lw_entry {
	const char *word;
	uint32_t langs;
} langwords_table[] = {
    {"a", L_PT | L_CA | L_GL | L_CS | L_SK | L_HU},
    {"aan", L_NL},
    {"adalah", L_ID | L_MS},
    {"af", L_DA},
    {"after", L_EN},
    {"akan", L_ID | L_MS},
    {"ako", L_SK},
    {"al", L_ES | L_IT | L_RO | L_CA},
    {"ale", L_RO},
    {"all'", L_IT},
    {"alla", L_IT},
    {"ama", L_TR},
    {"amb", L_CA},
    {"an", L_EN},
    {"anche", L_IT},
    {"and", L_EN},
    {"ao", L_PT},
    {"are", L_EN},
    {"as", L_EN | L_PT | L_GL},
    {"at", L_EN | L_DA},
    {"att", L_SV},
    {"au", L_FR},
    {"auch", L_DE},
    {"auf", L_DE},
    {"aus", L_DE},
    {"aux", L_FR},
    {"av", L_SV | L_NO},
    {"avec", L_FR},
    {"az", L_HU},
    {"be", L_EN},
    {"bei", L_DE},
    {"bij", L_NL},
    {"bil", L_SL},
    {"bila", L_SL},
    {"bio", L_HR | L_BS | L_SR},
    {"bir", L_TR},
    {"bo", L_SL},
    {"bu", L_TR},
    {"but", L_EN},
    {"by", L_EN | L_CS | L_SK},
    {"c'", L_FR},
    {"care", L_RO},
    {"ce", L_FR},
    {"cette", L_FR},
    {"che", L_IT},
    {"com", L_PT},
    {"como", L_ES},
    {"con", L_ES | L_IT},
    {"cu", L_RO},
    {"d'", L_FR | L_CA},
    {"da", L_IT | L_PT | L_TR | L_SL | L_HR | L_BS | L_SR | L_GL},
    {"daha", L_TR},
    {"dalam", L_ID | L_MS},
    {"dall'", L_IT},
    {"dan", L_ID | L_MS},
    {"dans", L_FR},
    {"dari", L_ID | L_MS},
    {"das", L_DE | L_PT},
    {"dass", L_DE},
    {"dat", L_NL | L_AF},
    {"de", L_FR | L_ES | L_PT | L_NL | L_TR | L_RO | L_CA | L_GL},
    {"dei", L_IT},
    {"del", L_ES | L_IT | L_CA},
    {"dell'", L_IT},
    {"della", L_IT},
    {"delle", L_IT},
    {"dels", L_CA},
    {"dem", L_DE},
    {"den", L_DE | L_SV | L_DA | L_NO},
    {"dengan", L_ID | L_MS},
    {"der", L_DE},
    {"des", L_FR | L_DE},
    {"det", L_SV | L_DA | L_NO},
    {"değil", L_TR},
    {"di", L_IT | L_ID | L_MS},
    {"die", L_DE | L_NL | L_AF},
    {"din", L_RO},
    {"dla", L_PL},
    {"do", L_PT | L_GL | L_PL | L_CS | L_SK},
    {"dos", L_PT},
    {"du", L_FR},
    {"e", L_IT | L_PT | L_GL},
    {"ed", L_IT},
    {"een", L_NL},
    {"egy", L_HU},
    {"ei", L_FI},
    {"ein", L_DE},
    {"eine", L_DE},
    {"einem", L_DE},
    {"einen", L_DE},
    {"el", L_ES | L_CA},
    {"elle", L_FR},
    {"els", L_CA},
    {"em", L_PT},
    {"en", L_ES | L_NL | L_TR | L_CA | L_GL | L_SV | L_DA | L_NO | L_AF},
    {"entre", L_ES},
    {"er", L_DA | L_NO},
    {"es", L_ES | L_CA},
    {"est", L_FR},
    {"este", L_RO},
    {"et", L_FR | L_DA | L_NO},
    {"ett", L_SV},
    {"että", L_FI},
    {"foi", L_PT},
    {"for", L_EN | L_DA | L_NO},
    {"fost", L_RO},
    {"from", L_EN},
    {"fue", L_ES},
    {"för", L_SV},
    {"für", L_DE},
    {"gibi", L_TR},
    {"gli", L_IT},
    {"ha", L_ES | L_IT},
    {"had", L_EN},
    {"han", L_ES},
    {"har", L_SV | L_DA | L_NO},
    {"has", L_EN},
    {"have", L_EN},
    {"het", L_NL | L_AF},
    {"hogy", L_HU},
    {"hän", L_FI},
    {"i", L_IT | L_HR | L_BS | L_SR | L_CA | L_PL | L_SV | L_DA | L_NO},
    {"ikke", L_DA | L_NO},
    {"il", L_FR | L_IT},
    {"ile", L_TR},
    {"im", L_DE},
    {"in", L_EN | L_NL | L_SL | L_AF},
    {"ini", L_ID | L_MS},
    {"inte", L_SV},
    {"is", L_EN | L_NL | L_AF | L_HU},
    {"ise", L_TR},
    {"ist", L_DE},
    {"it", L_EN},
    {"its", L_EN},
    {"itu", L_ID | L_MS},
    {"iz", L_HR | L_BS | L_SR},
    {"için", L_TR},
    {"j'", L_FR},
    {"ja", L_FI},
    {"jak", L_PL},
    {"jako", L_CS},
    {"je", L_SL | L_HR | L_BS | L_SR | L_CS | L_SK},
    {"jest", L_PL},
    {"jsou", L_CS},
    {"jusqu'", L_FR},
    {"k", L_CS | L_SK},
    {"kadar", L_TR},
    {"kao", L_HR | L_BS | L_SR},
    {"ke", L_ID | L_MS},
    {"ki", L_SL},
    {"koja", L_HR | L_BS | L_SR},
    {"koje", L_HR | L_BS | L_SR},
    {"koji", L_HR | L_BS | L_SR},
    {"kot", L_SL},
    {"kun", L_FI},
    {"l'", L_FR | L_IT | L_CA},
    {"la", L_FR | L_ES | L_IT | L_RO | L_CA},
    {"las", L_ES},
    {"le", L_FR | L_IT},
    {"les", L_FR | L_CA},
    {"leur", L_FR},
    {"lo", L_IT},
    {"lorsqu'", L_FR},
    {"los", L_ES},
    {"lui", L_RO},
    {"m'", L_FR},
    {"mai", L_RO},
    {"mais", L_PT},
    {"med", L_SV | L_DA | L_NO},
    {"meg", L_HU},
    {"met", L_NL | L_AF},
    {"mit", L_DE},
    {"mutta", L_FI},
    {"más", L_ES},
    {"n'", L_FR},
    {"na", L_PT | L_SL | L_HR | L_BS | L_SR | L_PL | L_CS | L_SK},
    {"naar", L_NL},
    {"nach", L_DE},
    {"nas", L_PT},
    {"ne", L_FR | L_TR | L_SL | L_HR | L_BS | L_SR},
    {"nel", L_IT},
    {"nell'", L_IT},
    {"nella", L_IT},
    {"nem", L_HU},
    {"nicht", L_DE},
    {"nie", L_PL | L_AF},
    {"niet", L_NL},
    {"nije", L_HR | L_BS | L_SR},
    {"no", L_PT | L_CA},
    {"non", L_IT | L_GL},
    {"nos", L_PT},
    {"not", L_EN},
    {"nu", L_RO},
    {"não", L_PT},
    {"o", L_PT | L_RO | L_GL | L_PL | L_CS | L_SK},
    {"och", L_SV},
    {"od", L_SL | L_HR | L_BS | L_SR | L_PL},
    {"of", L_EN},
    {"og", L_DA | L_NO},
    {"olan", L_TR},
    {"olarak", L_TR},
    {"oli", L_FI},
    {"om", L_NL | L_SV | L_DA | L_NO},
    {"on", L_EN | L_FI},
    {"ont", L_FR},
    {"ook", L_NL},
    {"op", L_NL | L_AF},
    {"oraz", L_PL},
    {"os", L_PT | L_GL},
    {"over", L_EN},
    {"pa", L_SL},
    {"pada", L_ID | L_MS},
    {"par", L_FR},
    {"para", L_ES | L_PT},
    {"pas", L_FR},
    {"pe", L_RO},
    {"pela", L_PT},
    {"pelo", L_PT},
    {"pentru", L_RO},
    {"per", L_IT | L_CA},
    {"pero", L_ES},
    {"plus", L_FR},
    {"po", L_SL | L_PL},
    {"por", L_ES | L_PT},
    {"pour", L_FR},
    {"pre", L_SK},
    {"pri", L_SL},
    {"pro", L_CS},
    {"przez", L_PL},
    {"puisqu'", L_FR},
    {"på", L_SV | L_DA | L_NO},
    {"qu'", L_FR},
    {"que", L_FR | L_ES | L_PT | L_CA | L_GL},
    {"qui", L_FR},
    {"s", L_SL | L_HR | L_BS | L_SR | L_CS | L_SK},
    {"s'", L_FR},
    {"sa", L_FR | L_HR | L_BS | L_SR | L_SK},
    {"said", L_EN},
    {"se", L_ES | L_PT | L_SL | L_HR | L_BS | L_SR | L_CS | L_FI},
    {"ses", L_FR},
    {"si", L_IT},
    {"sich", L_DE},
    {"sind", L_DE},
    {"się", L_PL},
    {"so", L_SL},
    {"sobre", L_ES},
    {"som", L_SV | L_DA | L_NO},
    {"son", L_FR},
    {"sono", L_IT},
    {"sonra", L_TR},
    {"sont", L_FR},
    {"su", L_ES | L_HR | L_BS | L_SR},
    {"sull'", L_IT},
    {"sunt", L_RO},
    {"sur", L_FR},
    {"sus", L_ES},
    {"sú", L_SK},
    {"te", L_NL | L_AF},
    {"ter", L_SL},
    {"that", L_EN},
    {"the", L_EN},
    {"this", L_EN},
    {"tidak", L_ID | L_MS},
    {"til", L_DA | L_NO},
    {"till", L_SV},
    {"to", L_EN | L_PL | L_CS | L_SK},
    {"tras", L_ES},
    {"tudi", L_SL},
    {"u", L_HR | L_BS | L_SR},
    {"um", L_PT},
    {"uma", L_PT},
    {"un", L_FR | L_ES | L_IT | L_RO | L_CA | L_GL},
    {"un'", L_IT},
    {"una", L_ES | L_IT | L_CA},
    {"und", L_DE},
    {"une", L_FR},
    {"unha", L_GL},
    {"untuk", L_ID | L_MS},
    {"v", L_SL | L_CS | L_SK},
    {"va", L_CA},
    {"van", L_NL | L_AF | L_HU},
    {"ve", L_TR | L_CS},
    {"vir", L_AF},
    {"vo", L_SK},
    {"volt", L_HU},
    {"von", L_DE},
    {"voor", L_NL},
    {"w", L_PL},
    {"was", L_EN},
    {"werd", L_NL},
    {"were", L_EN},
    {"which", L_EN},
    {"who", L_EN},
    {"will", L_EN},
    {"wird", L_DE},
    {"with", L_EN},
    {"wordt", L_NL},
    {"wurde", L_DE},
    {"y", L_ES},
    {"yang", L_ID | L_MS},
    {"z", L_SL | L_PL | L_CS | L_SK},
    {"za", L_SL | L_HR | L_BS | L_SR | L_PL},
    {"zijn", L_NL},
    {"zu", L_DE},
    {"zum", L_DE},
    {"zur", L_DE},
    {"à", L_FR | L_PT},
    {"är", L_SV},
    {"å", L_NO},
    {"çok", L_TR},
    {"è", L_IT},
    {"é", L_PT},
    {"és", L_CA | L_HU},
    {"été", L_FR},
    {"în", L_RO},
    {"über", L_DE},
    {"şu", L_TR},
    {"še", L_SL},
    {"što", L_HR | L_BS | L_SR},
    {"że", L_PL},
    {"že", L_CS | L_SK},
    {"și", L_RO},
};

#define LANGWORDS_NWORDS (sizeof(langwords_table) / sizeof(langwords_table[0]))

/* The languages word (NUL-terminated) is a function word of, as bits; 0 for none. */
static uint32_t
langwords_find(const char *word)
{
	size_t lo = 0, hi = LANGWORDS_NWORDS;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(word, langwords_table[mid].word);

		if (c == 0)
			return langwords_table[mid].langs;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

int
langwords_sorted(void)
{
	for (size_t i = 1; i < LANGWORDS_NWORDS; i++)
		if (strcmp(langwords_table[i - 1].word, langwords_table[i].word) >= 0)
			return 0;
	return 1;
}

static int
is_letter(uint32_t cp)
{
	utf8proc_category_t cat;

	if (cp < 0x80)
		return ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
	cat = utf8proc_category((utf8proc_int32_t)cp);
	return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
	       (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME);
}

static int
is_apostrophe(uint32_t cp)
{
	return cp == '\'' || cp == 0x2019 || cp == 0x02BC;
}

/* A word of text: its bytes, its lower-case form (NUL-terminated) when short enough. */
struct lw_word {
	size_t start, end; /* bytes of text, the elision's apostrophe included */
	char low[LANGWORDS_WORD_MAX + 2];
	size_t nlow; /* 0 when too long to be a function word */
	int capital; /* starts with an upper-case letter */
};

/*
 * The next word of text[*i..len) into wd; 0 at the end. The word's
 * apostrophe is part of it when a letter follows (an elision: "d'").
 */
static int
lw_next(const char *text, size_t len, size_t *i, struct lw_word *wd)
{
	const unsigned char *s = (const unsigned char *)text;
	uint32_t cp;
	size_t k, letters = 0;
	int toolong = 0;

	/* to the first letter */
	for (;;) {
		if (*i >= len)
			return 0;
		if (s[*i] < 0x80 && ((s[*i] | 0x20) < 'a' || (s[*i] | 0x20) > 'z')) {
			(*i)++;
			continue;
		}
		k = utf8_decode(s + *i, len - *i, &cp);
		if (is_letter(cp))
			break;
		*i += k;
	}
	wd->start = *i;
	wd->nlow = 0;
	wd->capital =
	    cp < 0x80 ? cp <= 'Z' : utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_LU;
	while (*i < len) {
		if (s[*i] < 0x80) {
			/* ASCII, most of the Latin script's letters, without utf8proc */
			unsigned char b = s[*i];

			if ((b | 0x20) < 'a' || (b | 0x20) > 'z')
				break;
			(*i)++;
			letters++;
			if (wd->nlow < LANGWORDS_WORD_MAX)
				wd->low[wd->nlow++] = (char)(b | 0x20);
			else
				toolong = 1;
			continue;
		}
		k = utf8_decode(s + *i, len - *i, &cp);
		if (!is_letter(cp))
			break;
		*i += k;
		letters++;
		if (!toolong) {
			char enc[4];
			size_t m =
			    utf8_encode((uint32_t)utf8proc_tolower((utf8proc_int32_t)cp), enc);

			if (wd->nlow + m > LANGWORDS_WORD_MAX) {
				toolong = 1;
			} else {
				memcpy(wd->low + wd->nlow, enc, m);
				wd->nlow += m;
			}
		}
	}
	wd->end = *i;
	if (toolong) {
		wd->nlow = 0;
	} else if (*i < len) {
		uint32_t next;

		k = utf8_decode(s + *i, len - *i, &cp);
		if (is_apostrophe(cp) && *i + k < len) {
			(void)utf8_decode(s + *i + k, len - *i - k, &next);
			if (is_letter(next)) {
				wd->low[wd->nlow++] = '\'';
				*i += k;
				wd->end = *i;
			}
		}
	}
	wd->low[wd->nlow] = '\0';
	/* a capital alone is an initial (T, A.), not an article */
	if (letters == 1 && wd->capital && wd->low[wd->nlow - 1] != '\'')
		wd->nlow = 0;
	return 1;
}

void
langwords_count(const char *text, size_t len, struct langwords *w)
{
	struct lw_word wd;
	size_t i = 0;

	memset(w, 0, sizeof(*w));
	if (text == NULL)
		return;
	if (len > LANGWORDS_SCAN_MAX)
		len = utf8_floor(text, LANGWORDS_SCAN_MAX);
	while (lw_next(text, len, &i, &wd)) {
		if (wd.nlow == 0)
			continue;
		uint32_t langs = langwords_find(wd.low);

		for (size_t l = 0; langs != 0; l++, langs >>= 1)
			w->n[l] += langs & 1;
	}
}

int
langwords_of(const struct langwords *w, const char *code)
{
	for (size_t l = 0; l < LANGWORDS_NLANGS; l++)
		if (strcmp(langwords_codes[l], code) == 0)
			return (int)w->n[l];
	return -1;
}

void
langwords_pick(const struct langwords *w, const char *cands, unsigned min, char out[8])
{
	unsigned best = 0, second = 0;
	char code[3] = "";

	out[0] = '\0';
	while (*cands != '\0') {
		int n;

		while (*cands == ' ')
			cands++;
		if (cands[0] == '\0' || cands[1] == '\0')
			break;
		memcpy(code, cands, 2);
		code[2] = '\0';
		cands += 2;
		if ((n = langwords_of(w, code)) < 0)
			continue;
		if ((unsigned)n > best) {
			second = best;
			best = (unsigned)n;
			strcpy(out, code);
		} else if ((unsigned)n > second && strcmp(out, code) != 0) {
			second = (unsigned)n;
		}
	}
	if (best < min || best <= 2 * second)
		out[0] = '\0';
}

void
langwords_lead(const struct langwords *w, const char *cands, unsigned min, char out[8])
{
	unsigned best = 0;

	out[0] = '\0';
	for (size_t l = 0; l < LANGWORDS_NLANGS; l++) {
		const char *c = langwords_codes[l];
		int in = cands == NULL;

		for (const char *p = cands; !in && p != NULL && (p = strstr(p, c)) != NULL; p++)
			in = (p == cands || p[-1] == ' ') && (p[2] == ' ' || p[2] == '\0');
		if (in && w->n[l] >= min && w->n[l] > best) {
			best = w->n[l];
			memcpy(out, c, 3);
		}
	}
}

size_t
langwords_unnamed(const char *text, size_t len, char *out)
{
	struct lw_word wd;
	size_t i = 0, from = 0, k = 0;

	while (lw_next(text, len, &i, &wd)) {
		if (!wd.capital || (wd.nlow > 0 && langwords_find(wd.low) != 0))
			continue;
		memcpy(out + k, text + from, wd.start - from);
		k += wd.start - from;
		out[k++] = ' ';
		from = wd.end;
	}
	memcpy(out + k, text + from, len - from);
	return k + len - from;
}
