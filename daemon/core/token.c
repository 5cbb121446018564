/*
 * token.c: the normalization pipeline and tokenizer (RULES.md §3, §4).
 *
 * Calling utf8proc for every character runs at tens of MB/s, so the whole
 * Basic Multilingual Plane is folded once into a table (by the build:
 * contrib/gen-normtab.c; by norm_init() when utf8proc is another): for each code
 * point its class (word character, separator, deleted...), its script and its
 * folded UTF-8 (NFKC, full case fold, marks stripped by script, letter folds)
 * in a string pool. token_split() is then one pass of table look-ups, with a
 * tight loop for runs of plain letters and digits. Only astral
 * code points call utf8proc at run time.
 */
#include "token.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "latinfold.h"
#include "utf8.h"

/* ---- scripts ------------------------------------------------------------ */

/* Internal script values beyond enum script; script_of() reports OTHER. */
#define SCR_INHERITED 9 /* combining diacritics, Arabic harakat, kana voicing */
#define SCR_NONE 0xFF   /* "no letter yet" */

struct srange {
	uint32_t lo, hi;
	uint8_t script;
};

/*
 * Blocks (and a few single code points) by script. utf8proc has no script
 * property; blocks are precise enough for the rules, which only ask "does
 * this script strip marks", "is it written without spaces" and "is it
 * Arabic". Sorted, non-overlapping.
 */
static const struct srange script_ranges[] = {
    {0x0041, 0x005A, SCRIPT_LATIN},     {0x0061, 0x007A, SCRIPT_LATIN},
    {0x00AA, 0x00AA, SCRIPT_LATIN},     {0x00BA, 0x00BA, SCRIPT_LATIN},
    {0x00C0, 0x00D6, SCRIPT_LATIN},     {0x00D8, 0x00F6, SCRIPT_LATIN},
    {0x00F8, 0x02B8, SCRIPT_LATIN},     {0x02E0, 0x02E4, SCRIPT_LATIN},
    {0x0300, 0x036F, SCR_INHERITED},    {0x0370, 0x03FF, SCRIPT_GREEK},
    {0x0400, 0x052F, SCRIPT_CYRILLIC},  {0x0590, 0x05FF, SCRIPT_HEBREW},
    {0x0600, 0x064A, SCRIPT_ARABIC},    {0x064B, 0x065F, SCR_INHERITED},
    {0x0660, 0x066F, SCRIPT_ARABIC},    {0x0670, 0x0670, SCR_INHERITED},
    {0x0671, 0x06FF, SCRIPT_ARABIC},    {0x0750, 0x077F, SCRIPT_ARABIC},
    {0x0870, 0x08FF, SCRIPT_ARABIC},    {0x0E00, 0x0EFF, SCRIPT_NOSPACE},
    {0x1000, 0x109F, SCRIPT_NOSPACE},   {0x1100, 0x11FF, SCRIPT_HANGUL},
    {0x1780, 0x17FF, SCRIPT_NOSPACE},   {0x19E0, 0x19FF, SCRIPT_NOSPACE},
    {0x1AB0, 0x1AFF, SCR_INHERITED},    {0x1C80, 0x1C8F, SCRIPT_CYRILLIC},
    {0x1D00, 0x1D25, SCRIPT_LATIN},     {0x1D26, 0x1D2A, SCRIPT_GREEK},
    {0x1D2B, 0x1D2B, SCRIPT_CYRILLIC},  {0x1D2C, 0x1D5C, SCRIPT_LATIN},
    {0x1D5D, 0x1D61, SCRIPT_GREEK},     {0x1D62, 0x1D65, SCRIPT_LATIN},
    {0x1D66, 0x1D6A, SCRIPT_GREEK},     {0x1D6B, 0x1D77, SCRIPT_LATIN},
    {0x1D78, 0x1D78, SCRIPT_CYRILLIC},  {0x1D79, 0x1DBE, SCRIPT_LATIN},
    {0x1DBF, 0x1DBF, SCRIPT_GREEK},     {0x1DC0, 0x1DFF, SCR_INHERITED},
    {0x1E00, 0x1EFF, SCRIPT_LATIN},     {0x1F00, 0x1FFF, SCRIPT_GREEK},
    {0x200C, 0x200D, SCR_INHERITED},    {0x2071, 0x2071, SCRIPT_LATIN},
    {0x207F, 0x207F, SCRIPT_LATIN},     {0x2090, 0x209C, SCRIPT_LATIN},
    {0x20D0, 0x20FF, SCR_INHERITED},    {0x2126, 0x2126, SCRIPT_GREEK},
    {0x212A, 0x212B, SCRIPT_LATIN},     {0x2132, 0x2132, SCRIPT_LATIN},
    {0x214E, 0x214E, SCRIPT_LATIN},     {0x2160, 0x2188, SCRIPT_LATIN},
    {0x2C60, 0x2C7F, SCRIPT_LATIN},     {0x2DE0, 0x2DFF, SCRIPT_CYRILLIC},
    {0x2E80, 0x2FDF, SCRIPT_NOSPACE},   {0x3005, 0x3007, SCRIPT_NOSPACE},
    {0x3021, 0x3029, SCRIPT_NOSPACE},   {0x302A, 0x302D, SCR_INHERITED},
    {0x3031, 0x3035, SCRIPT_NOSPACE},   {0x3038, 0x303C, SCRIPT_NOSPACE},
    {0x3041, 0x3098, SCRIPT_NOSPACE},   {0x3099, 0x309A, SCR_INHERITED},
    {0x309B, 0x30FF, SCRIPT_NOSPACE},   {0x3131, 0x318E, SCRIPT_HANGUL},
    {0x31F0, 0x31FF, SCRIPT_NOSPACE},   {0x3400, 0x4DBF, SCRIPT_NOSPACE},
    {0x4E00, 0x9FFF, SCRIPT_NOSPACE},   {0xA640, 0xA69F, SCRIPT_CYRILLIC},
    {0xA722, 0xA7FF, SCRIPT_LATIN},     {0xA960, 0xA97F, SCRIPT_HANGUL},
    {0xA9E0, 0xA9FF, SCRIPT_NOSPACE},   {0xAA60, 0xAA7F, SCRIPT_NOSPACE},
    {0xAB30, 0xAB5A, SCRIPT_LATIN},     {0xAB5C, 0xAB64, SCRIPT_LATIN},
    {0xAB65, 0xAB65, SCRIPT_GREEK},     {0xAB66, 0xAB69, SCRIPT_LATIN},
    {0xAC00, 0xD7FF, SCRIPT_HANGUL},    {0xF900, 0xFAFF, SCRIPT_NOSPACE},
    {0xFB00, 0xFB06, SCRIPT_LATIN},     {0xFB1D, 0xFB4F, SCRIPT_HEBREW},
    {0xFB50, 0xFDFF, SCRIPT_ARABIC},    {0xFE00, 0xFE0F, SCR_INHERITED},
    {0xFE20, 0xFE2F, SCR_INHERITED},    {0xFE70, 0xFEFF, SCRIPT_ARABIC},
    {0xFF21, 0xFF3A, SCRIPT_LATIN},     {0xFF41, 0xFF5A, SCRIPT_LATIN},
    {0xFF66, 0xFF9F, SCRIPT_NOSPACE},   {0xFFA0, 0xFFDC, SCRIPT_HANGUL},
    {0x101FD, 0x101FD, SCR_INHERITED},  {0x10780, 0x107BF, SCRIPT_LATIN},
    {0x1AFF0, 0x1B16F, SCRIPT_NOSPACE}, {0x1D167, 0x1D169, SCR_INHERITED},
    {0x1D17B, 0x1D182, SCR_INHERITED},  {0x1D185, 0x1D18B, SCR_INHERITED},
    {0x1D1AA, 0x1D1AD, SCR_INHERITED},  {0x1DF00, 0x1DFFF, SCRIPT_LATIN},
    {0x1EE00, 0x1EEFF, SCRIPT_ARABIC},  {0x20000, 0x3FFFF, SCRIPT_NOSPACE},
    {0xE0100, 0xE01EF, SCR_INHERITED},
};

/* The internal script of cp, SCR_INHERITED included. */
static int
script_lookup(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(script_ranges) / sizeof(script_ranges[0]), mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (cp < script_ranges[mid].lo)
			hi = mid;
		else if (cp > script_ranges[mid].hi)
			lo = mid + 1;
		else
			return script_ranges[mid].script;
	}
	return SCRIPT_OTHER;
}

int
script_of(uint32_t cp)
{
	int s = script_lookup(cp);

	return s == SCR_INHERITED ? SCRIPT_OTHER : s;
}

/* Scripts whose combining marks are stripped (RULES.md §3.5). */
static int
script_strips(int s)
{
	return s >= SCRIPT_LATIN && s <= SCRIPT_HEBREW;
}

/* ---- the fold table ------------------------------------------------------ */

enum ncls {
	C_SEP,    /* separates tokens */
	C_DOT,    /* a full stop: joins single letters into acronyms */
	C_APOS,   /* an apostrophe: French elision */
	C_WORD,   /* part of a token: appends its fold */
	C_DELETE, /* invisible, tatweel, stripped mark: deleted, joins */
	C_MARK,   /* an Inherited mark: kept or stripped after the letter before */
	C_MIXED,  /* folds to several classes (U+FDFA, ½): each output alone */
};

#define F_LETTER 0x01   /* the fold starts with a letter */
#define F_DIGIT 0x02    /* the fold is decimal digits only */
#define F_MARK 0x04     /* a combining mark: never starts a character of its own */
#define F_ARLETTER 0x08 /* a letter of the Arabic script (obfuscation, §3.3) */
#define F_TATWEEL 0x10  /* U+0640 */
#define F_OBF 0x20      /* may occur in an obfuscation run */
#define F_COMPOSES 0x40 /* a kept mark NFC may compose with the character before */
#define F_SIMPLE 0x80   /* a plain word character: letter or digit, fold <= 8 bytes */

struct nent {
	uint32_t off;   /* fold in npool */
	uint8_t len;    /* its length in bytes */
	uint8_t cls;    /* enum ncls */
	uint8_t flags;  /* F_* */
	uint8_t script; /* script of the fold's first letter, else of the code point */
};

#define FOLD_MAX_CPS 64
#define FOLD_MAX_BYTES 200
#define NPOOL_SIZE (384 * 1024)

/*
 * The tables: ntab, npool (slack: split_run copies 8 bytes), composes_bits
 * and atab (the ASCII fast path: the low byte is the folded byte, the high
 * bits say what it is). The build writes them (contrib/gen-normtab.c, which
 * compiles this file without HARK_NORMTAB and prints what norm_build()
 * made); norm_build() makes them again only when utf8proc is not the one
 * they were made with.
 */
#ifdef HARK_NORMTAB
#include "normtab.inc"
#else
static struct nent ntab[0x10000];
static char npool[NPOOL_SIZE + 8];
static size_t npool_len;
static uint8_t composes_bits[0x10000 / 8];
static uint16_t atab[256];
#endif
static pthread_once_t norm_once = PTHREAD_ONCE_INIT;

#define A_WORD 0x100
#define A_ALPHA 0x200

/*
 * Runs of ASCII letters and digits 16 bytes at a time (split_run): SSE2 is
 * part of every x86-64. HARK_NO_SIMD builds the byte loops alone, to test
 * them.
 */
#if defined(__SSE2__) && !defined(HARK_NO_SIMD)
#include <emmintrin.h>
#define HAVE_ASCII16 1

static int ascii16_ok; /* atab folds [0-9A-Za-z] as ascii16() does: ascii_build() checked */

/*
 * Classify s[0..16) and write it lowercased to out[0..16). Bit i of *word is
 * set when s[i] is an ASCII letter or digit, of *alpha when it is a letter;
 * returns the mask of the bytes of 0x80 and above.
 */
static inline unsigned
ascii16(const unsigned char *s, char *out, unsigned *word, unsigned *alpha)
{
	const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
	/* signed compares: x + (0x80 - lo) < 0x80 + count - 256 tests lo <= x < lo + count */
	const __m128i al = _mm_cmplt_epi8(
	    _mm_add_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)), _mm_set1_epi8((char)(0x80 - 'a'))),
	    _mm_set1_epi8((char)(0x80 + 26 - 256)));
	const __m128i dg = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - '0'))),
	                                  _mm_set1_epi8((char)(0x80 + 10 - 256)));

	_mm_storeu_si128((__m128i *)(void *)out,
	                 _mm_or_si128(v, _mm_and_si128(al, _mm_set1_epi8(0x20))));
	*word = (unsigned)_mm_movemask_epi8(_mm_or_si128(al, dg));
	*alpha = (unsigned)_mm_movemask_epi8(al);
	return (unsigned)_mm_movemask_epi8(v);
}
#endif

static int
cat_is_letter(int cat)
{
	return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

static int
cat_is_mark(int cat)
{
	return cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME;
}

/* Word characters: letters, marks, decimal, letter and other numbers. */
static int
cat_is_word(int cat)
{
	return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO);
}

static int
cp_category(int32_t cp)
{
	return utf8proc_category(cp);
}

/* Apostrophes of every kind (§3.6): they separate and trigger elision. */
static int
is_apostrophe(uint32_t cp)
{
	switch (cp) {
	case 0x0027: /* ' */
	case 0x0060: /* ` used for ' */
	case 0x00B4: /* ´ */
	case 0x02B9: /* ʹ */
	case 0x02BB: /* ʻ */
	case 0x02BC: /* ʼ */
	case 0x02BD: /* ʽ */
	case 0x02BE: /* ʾ: hamza in transliteration (Qurʾan), as ' is */
	case 0x02BF: /* ʿ: ayn in transliteration (Baʿath, Shiʿa), as ' is */
	case 0x2018: /* ‘ */
	case 0x2019: /* ’ */
	case 0x201B: /* ‛ */
	case 0x2032: /* ′ */
	case 0xFF07: /* ＇ */
		return 1;
	}
	return 0;
}

/*
 * Default_Ignorable_Code_Point (§3.2). utf8proc flags the assigned ones; the
 * property also covers reserved code points (DerivedCoreProperties.txt), so
 * that what Unicode assigns there later stays invisible to old readers: a
 * reserved tag or format character must not split a word either.
 */
static int
is_ignorable(uint32_t cp, const utf8proc_property_t *p)
{
	return p->ignorable || cp == 0x2065 || (cp >= 0xFFF0 && cp <= 0xFFF8) ||
	       (cp >= 0xE0000 && cp <= 0xE0FFF);
}

/* The characters an obfuscation run may hold besides tatweels (§3.3). */
static int
is_obfuscator(uint32_t cp)
{
	switch (cp) {
	case '.':
	case 0x00B7: /* · */
	case 0x2022: /* • */
	case 0x2027: /* ‧ */
	case 0x2219: /* ∙ */
	case '_':
	case '-':
	case '*':
	case '\'':
	case 0x2019:
	case 0x2018:
	case 0x00B4:
	case '`':
		return 1;
	}
	return 0;
}

/*
 * The value of a decimal digit (general category Nd) of any script, or -1.
 * Unicode encodes the Nd characters in contiguous runs of ten, 0 to 9 in
 * order (a stability policy), and runs that touch each other each start at
 * a zero (the mathematical digits U+1D7CE-U+1D7FF are five runs): so the
 * value is the distance from the first Nd of the block, modulo ten.
 */
static int
digit_value(uint32_t cp)
{
	uint32_t first = cp;

	if (utf8proc_category((utf8proc_int32_t)cp) != UTF8PROC_CATEGORY_ND)
		return -1;
	while (first > 0 &&
	       utf8proc_category((utf8proc_int32_t)(first - 1)) == UTF8PROC_CATEGORY_ND)
		first--;
	return (int)((cp - first) % 10);
}

/*
 * The Latin letters without a decomposition (latinfold.c, generated from
 * UnicodeData.txt): writes the ASCII fold of cp to out and returns its
 * length, or 0 when cp is not one.
 */
static int
latin_fold(uint32_t cp, utf8proc_int32_t *out)
{
	size_t lo = 0, hi = latinfold_count, mid;
	int n;

	if (cp < latinfold_table[0].cp)
		return 0;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (cp < latinfold_table[mid].cp) {
			hi = mid;
		} else if (cp > latinfold_table[mid].cp) {
			lo = mid + 1;
		} else {
			for (n = 0; latinfold_table[mid].to[n] != '\0'; n++)
				out[n] = (unsigned char)latinfold_table[mid].to[n];
			return n;
		}
	}
	return 0;
}

/*
 * The letter folds of §3.6 that NFKC and case folding leave apart. Writes the
 * replacement of cp to out and returns its length, or 0 when cp stays.
 */
static int
letter_fold(uint32_t cp, utf8proc_int32_t *out)
{
	int d;

	if (cp >= 0x80 && (d = digit_value(cp)) >= 0) {
		out[0] = (utf8proc_int32_t)('0' + d);
		return 1;
	}
	switch (cp) {
	case 0x0623: /* أ */
	case 0x0625: /* إ */
	case 0x0622: /* آ */
	case 0x0671: /* ٱ */
		out[0] = 0x0627;
		return 1;
	case 0x0649: /* ى */
	case 0x06CC: /* ی */
	case 0x0626: /* ئ */
	case 0x06D2: /* ے (ۓ and its presentation forms reach it by NFKC) */
		out[0] = 0x064A;
		return 1;
	case 0x06A9: /* ک */
		out[0] = 0x0643;
		return 1;
	case 0x0629: /* ة */
	case 0x06C0: /* ۀ */
	case 0x06C1: /* ہ */
	case 0xFBA4: /* ﮤ, ﮥ: NFKD would give ە + hamza, and the hamza goes */
	case 0xFBA5:
		out[0] = 0x0647;
		return 1;
	case 0x0624: /* ؤ */
		out[0] = 0x0648;
		return 1;
	}
	return latin_fold(cp, out);
}

/*
 * Drop from cps[0..n) the marks a stripping script loses: those of a cp in
 * such a script, or following a base letter in one. Returns the new count.
 */
static int
strip_marks(int scr, utf8proc_int32_t *cps, int n)
{
	int i, k = 0, base = SCR_NONE;

	for (i = 0; i < n; i++) {
		if (cat_is_mark(cp_category(cps[i]))) {
			if (script_strips(scr) || script_strips(base))
				continue;
		} else {
			base = script_lookup((uint32_t)cps[i]);
		}
		cps[k++] = cps[i];
	}
	return k;
}

/* Full case folding of each of cps[0..n) into out; returns the count or -1. */
static int
casefold_cps(const utf8proc_int32_t *cps, int n, utf8proc_int32_t *out, int cap)
{
	utf8proc_ssize_t m;
	int i, k = 0, bc = 0;

	for (i = 0; i < n; i++) {
		m = utf8proc_decompose_char(cps[i], out + k, cap - k,
		                            UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
		                                UTF8PROC_CASEFOLD,
		                            &bc);
		if (m < 0 || m > cap - k)
			return -1;
		k += (int)m;
	}
	return k;
}

/*
 * Fold cp of internal script scr into code points: the letter fold of cp
 * itself, else NFKD, marks stripped where the script strips them, full case
 * folding (after stripping, so ᾳ gives α whether its iota subscript comes
 * precomposed or apart), NFC recomposition of what is left (が stays が),
 * then the letter folds on each output. Returns the count, or -1 when the
 * fold does not fit.
 */
static int
fold_cps(uint32_t cp, int scr, int strip, utf8proc_int32_t *out, int cap)
{
	utf8proc_int32_t nfkd[FOLD_MAX_CPS], tmp[FOLD_MAX_CPS], lf[2];
	utf8proc_ssize_t n;
	int i, k, m, bc = 0;

	n = letter_fold(cp, out);
	if (n > 0)
		return (int)n;
	n = utf8proc_decompose_char((utf8proc_int32_t)cp, nfkd, FOLD_MAX_CPS,
	                            UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT, &bc);
	if (n < 0 || n > FOLD_MAX_CPS)
		return -1;
	if (strip)
		n = strip_marks(scr, nfkd, (int)n);
	n = casefold_cps(nfkd, (int)n, tmp, FOLD_MAX_CPS);
	if (n < 0)
		return -1;
	if (strip)
		n = strip_marks(scr, tmp, (int)n);
	n = utf8proc_normalize_utf32(tmp, n, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (n < 0)
		return -1;
	for (i = 0, k = 0; i < n; i++) {
		m = letter_fold((uint32_t)tmp[i], lf);
		if (m == 0) {
			lf[0] = tmp[i];
			m = 1;
		}
		if (k + m > cap)
			return -1;
		memcpy(out + k, lf, (size_t)m * sizeof(lf[0]));
		k += m;
	}
	return k;
}

/* Class of one folded code point: word, full stop, apostrophe or separator. */
static int
out_class(utf8proc_int32_t c)
{
	if (c == '.')
		return C_DOT;
	if (is_apostrophe((uint32_t)c)) /* ŉ folds to ʼn */
		return C_APOS;
	return cat_is_word(cp_category(c)) ? C_WORD : C_SEP;
}

/* Encode cps to UTF-8 into buf (cap bytes); returns the length or -1. */
static int
encode_cps(const utf8proc_int32_t *cps, int n, char *buf, size_t cap)
{
	size_t len = 0;
	char tmp[4];
	int i;
	size_t k;

	for (i = 0; i < n; i++) {
		k = utf8_encode((uint32_t)cps[i], tmp);
		if (len + k > cap)
			return -1;
		memcpy(buf + len, tmp, k);
		len += k;
	}
	return (int)len;
}

/* Entry of a combining mark: its script decides what happens to it. */
static void
entry_mark(uint32_t cp, int scr, struct nent *e, utf8proc_int32_t *cps, int *n)
{
	e->flags |= F_MARK;
	if (script_strips(scr)) {
		e->cls = C_DELETE; /* a mark of a stripping script: always goes */
		*n = 0;
		return;
	}
	*n = fold_cps(cp, scr, 0, cps, FOLD_MAX_CPS);
	if (*n <= 0) {
		e->cls = C_DELETE;
		*n = 0;
		return;
	}
	/* Inherited marks depend on the letter before; others are word parts. */
	e->cls = scr == SCR_INHERITED ? C_MARK : C_WORD;
}

/*
 * Does a fold of several characters hold one of a script without spaces?
 * Then each is a token of its own, as if the text had them apart.
 */
static int
fold_splits(const utf8proc_int32_t *cps, int n)
{
	int i, bases = 0, nospace = 0, mark_first = cat_is_mark(cp_category(cps[0]));

	for (i = 0; i < n; i++) {
		if (cat_is_mark(cp_category(cps[i])))
			continue;
		bases++;
		if (script_lookup((uint32_t)cps[i]) == SCRIPT_NOSPACE)
			nospace = 1;
	}
	return nospace && (bases >= 2 || (mark_first && bases >= 1));
}

/* Class and flags of an entry from its folded code points. */
static void
entry_classify(uint32_t cp, int scr, struct nent *e, const utf8proc_int32_t *cps, int n)
{
	int i, cls, cat0, digits = 1, all = out_class(cps[0]);

	for (i = 0; i < n; i++) {
		cls = out_class(cps[i]);
		if (cls != all)
			all = C_MIXED;
		if (cp_category(cps[i]) != UTF8PROC_CATEGORY_ND)
			digits = 0;
	}
	if (all == C_SEP || all == C_MIXED || (all != C_WORD && n == 1)) {
		e->cls = (uint8_t)all;
		return;
	}
	if (all != C_WORD) {
		e->cls = C_SEP; /* several dots or apostrophes (…) */
		return;
	}
	if (fold_splits(cps, n)) {
		e->cls = C_MIXED; /* ㌀ → ア|パ|ー|ト, ㋀ → 1|月 */
		return;
	}
	e->cls = C_WORD;
	cat0 = cp_category(cps[0]);
	if (cat_is_letter(cat0))
		e->flags |= F_LETTER;
	if (digits)
		e->flags |= F_DIGIT;
	if (cat_is_mark(cat0)) {
		/* A letter that folds to a mark (halfwidth ﾞ → U+3099). */
		e->flags |= F_MARK;
		if (script_lookup((uint32_t)cps[0]) == SCR_INHERITED)
			e->cls = C_MARK;
	}
	if (scr == SCRIPT_ARABIC && cat_is_letter(cp_category((utf8proc_int32_t)cp)))
		e->flags |= F_ARLETTER;
	/* Symbols that fold to letters (ⓐ, 𝐀, ＡＢ) take their letters' script. */
	if (scr == SCRIPT_OTHER || scr == SCR_INHERITED)
		e->script = (uint8_t)script_of((uint32_t)cps[0]);
}

/* Remove tatweels from a fold; returns 1 when there were some. */
static int
drop_tatweels(utf8proc_int32_t *cps, int *n)
{
	int i, k = 0;

	for (i = 0; i < *n; i++)
		if (cps[i] != 0x0640)
			cps[k++] = cps[i];
	i = k != *n;
	*n = k;
	return i;
}

/*
 * Compute the entry of cp: class, flags, script, and its fold written to
 * buf (cap bytes), length in e->len. Used for the BMP table and for astral
 * code points at run time.
 */
static void
entry_build(uint32_t cp, struct nent *e, char *buf, size_t cap)
{
	const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)cp);
	utf8proc_int32_t cps[FOLD_MAX_CPS];
	int scr = script_lookup(cp), n = 0, len;

	memset(e, 0, sizeof(*e));
	e->cls = C_SEP;
	e->script = (uint8_t)(scr == SCR_INHERITED ? SCRIPT_OTHER : scr);
	if (is_obfuscator(cp))
		e->flags |= F_OBF;
	if (cp == 0x0640) {
		e->cls = C_DELETE;
		e->flags |= F_TATWEEL;
		return;
	}
	if (is_ignorable(cp, p)) {
		e->cls = C_DELETE;
		return;
	}
	if (is_apostrophe(cp)) {
		e->cls = C_APOS;
		return;
	}
	if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return;
	if (cat_is_mark(p->category)) {
		entry_mark(cp, scr, e, cps, &n);
		if (n == 0)
			return;
	} else {
		n = fold_cps(cp, scr, 1, cps, FOLD_MAX_CPS);
		if (n < 0)
			return;
		if (drop_tatweels(cps, &n)) /* ﹱ, ﳲ: tatweels with harakat */
			e->flags |= F_TATWEEL;
		if (n == 0) {
			e->cls = C_DELETE;
			return;
		}
		entry_classify(cp, scr, e, cps, n);
		if (e->cls == C_SEP || e->cls == C_DOT || e->cls == C_APOS)
			return;
		/* Digits belong to no script: Thai ๒๐๒๔ is one token, as 2024. */
		if (e->flags & F_DIGIT)
			e->script = SCRIPT_OTHER;
	}
	if ((e->flags & F_MARK) && (uint32_t)cps[0] < 0x10000 &&
	    (composes_bits[cps[0] >> 3] >> (cps[0] & 7) & 1))
		e->flags |= F_COMPOSES;
	len = encode_cps(cps, n, buf, cap);
	if (len <= 0 || len > 255) {
		e->cls = C_SEP;
		return;
	}
	e->len = (uint8_t)len;
	if (e->cls == C_WORD && !(e->flags & (F_MARK | F_COMPOSES)) &&
	    e->script != SCRIPT_NOSPACE && len <= 8)
		e->flags |= F_SIMPLE;
}

/* Mark the code points that NFC can compose with the character before. */
static void
composes_build(void)
{
	utf8proc_int32_t d[FOLD_MAX_CPS], c[FOLD_MAX_CPS];
	utf8proc_ssize_t n, m, k;
	uint32_t cp;
	int bc;

	for (cp = 0xC0; cp < 0x10000; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		bc = 0;
		n = utf8proc_decompose_char((utf8proc_int32_t)cp, d, FOLD_MAX_CPS,
		                            UTF8PROC_STABLE | UTF8PROC_DECOMPOSE, &bc);
		if (n < 2 || n > FOLD_MAX_CPS)
			continue;
		memcpy(c, d, (size_t)n * sizeof(d[0]));
		m = utf8proc_normalize_utf32(c, n, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
		if (m != 1 || (uint32_t)c[0] != cp)
			continue;
		for (k = 1; k < n; k++)
			if (d[k] < 0x10000)
				composes_bits[d[k] >> 3] |= (uint8_t)(1u << (d[k] & 7));
	}
}

static void
ascii_build(void)
{
	const struct nent *e;
	unsigned c;

	for (c = 0; c < 128; c++) {
		e = &ntab[c];
		if (e->cls != C_WORD || e->len != 1)
			continue;
		atab[c] = (uint16_t)(A_WORD | (unsigned char)npool[e->off]);
		if (e->flags & F_LETTER)
			atab[c] |= A_ALPHA;
	}
}

/* Whether atab folds as ascii16() does (the tables may come from the build). */
static void
ascii16_check(void)
{
#ifdef HAVE_ASCII16
	unsigned c;

	ascii16_ok = 1;
	for (c = 0; c < 128; c++) {
		int alpha = (c | 0x20) >= 'a' && (c | 0x20) <= 'z', digit = c >= '0' && c <= '9';
		uint16_t want = alpha   ? (uint16_t)(A_WORD | A_ALPHA | (c | 0x20))
		                : digit ? (uint16_t)(A_WORD | c)
		                        : 0;

		if (atab[c] != want)
			ascii16_ok = 0;
	}
#endif
}

static void
norm_build(void)
{
	char buf[FOLD_MAX_BYTES];
	struct nent *e;
	uint32_t cp;

#ifdef HARK_NORMTAB
	if (strcmp(utf8proc_version(), normtab_utf8proc) == 0) {
		ascii16_check();
		return;
	}
	/* another utf8proc than the build's: its folds, made again */
	memset(composes_bits, 0, sizeof(composes_bits));
	memset(atab, 0, sizeof(atab));
	npool_len = 0;
#endif
	composes_build();
	for (cp = 0; cp < 0x10000; cp++) {
		e = &ntab[cp];
		entry_build(cp, e, buf, sizeof(buf));
		if (e->len == 0)
			continue;
		if (npool_len + e->len > NPOOL_SIZE) {
			e->cls = C_SEP; /* cannot happen: the pool is sized with room */
			e->len = 0;
			continue;
		}
		e->off = (uint32_t)npool_len;
		memcpy(npool + npool_len, buf, e->len);
		npool_len += e->len;
	}
	ascii_build();
	ascii16_check();
}

void
norm_init(void)
{
	pthread_once(&norm_once, norm_build);
}

/* ---- token lists ------------------------------------------------------------ */

void
toklist_init(struct toklist *tl)
{
	memset(tl, 0, sizeof(*tl));
}

void
toklist_clear(struct toklist *tl)
{
	tl->n = 0;
	tl->normlen = 0;
}

void
toklist_free(struct toklist *tl)
{
	free(tl->v);
	free(tl->norm);
	toklist_init(tl);
}

/* ---- the splitter ------------------------------------------------------------ */

struct split {
	struct toklist *tl;
	const unsigned char *s;
	size_t len, i;
	size_t base; /* tl->n on entry: earlier tokens belong to other text */
	int err;

	/* the token being built (int fields: byte fields packed together made
	 * the loads that follow byte stores stall on store forwarding) */
	int in_tok;
	uint32_t start, end;
	size_t norm0; /* where its text starts in tl->norm */
	size_t nch;   /* characters (not marks) in it */
	int script, has_letter, all_digit, last_script, nospace;

	/* between tokens */
	int gap;         /* separators since the last token, capped at 2 */
	int gap_cls;     /* class of the first of them */
	int prev_single; /* the last token is a letter or a dotted acronym */

	/* Arabic obfuscation (§3.3) */
	size_t ar_run;    /* Arabic letters just before the current position */
	size_t obf_until; /* runs before this offset were checked and kept */
};

/* Make room for more bytes plus a NUL in tl->norm. */
static int
norm_reserve(struct split *sp, size_t more)
{
	struct toklist *tl = sp->tl;
	size_t cap;
	char *p;

	if (tl->normcap - tl->normlen > more)
		return 0;
	if (tl->normlen + more >= UINT32_MAX) {
		sp->err = 1; /* token offsets are 32-bit */
		return -1;
	}
	cap = tl->normcap ? tl->normcap * 2 : 256;
	if (cap < tl->normlen + more + 1)
		cap = tl->normlen + more + 1;
	p = realloc(tl->norm, cap);
	if (p == NULL) {
		sp->err = 1;
		return -1;
	}
	tl->norm = p;
	tl->normcap = cap;
	return 0;
}

static void
tok_append(struct split *sp, const char *p, size_t n)
{
	struct toklist *tl = sp->tl;

	if (norm_reserve(sp, n) < 0)
		return;
	memcpy(tl->norm + tl->normlen, p, n);
	tl->normlen += n;
}

static int
tok_push(struct split *sp, const struct token *t)
{
	struct toklist *tl = sp->tl;
	struct token *v;
	size_t cap;

	if (tl->n == tl->cap) {
		cap = tl->cap ? tl->cap * 2 : 64;
		v = realloc(tl->v, cap * sizeof(*v));
		if (v == NULL) {
			sp->err = 1;
			return -1;
		}
		tl->v = v;
		tl->cap = cap;
	}
	tl->v[tl->n++] = *t;
	return 0;
}

/* Is the normalized token one of the French elided articles (§4)? */
static int
elidable(const char *s, size_t n)
{
	switch (n) {
	case 1:
		return strchr("ldjmnstc", s[0]) != NULL && s[0] != '\0';
	case 2:
		return s[0] == 'q' && s[1] == 'u';
	case 5:
		return memcmp(s, "jusqu", 5) == 0;
	case 6:
		return memcmp(s, "lorsqu", 6) == 0 || memcmp(s, "puisqu", 6) == 0 ||
		       memcmp(s, "quoiqu", 6) == 0;
	}
	return 0;
}

/*
 * Does an apostrophe end right before s[off]? An article starts a word: the
 * n of rock'n'roll is none.
 */
static int
after_apostrophe(const struct split *sp, size_t off)
{
	size_t b = off;
	uint32_t c;

	if (off == 0)
		return 0;
	while (b > 0 && off - b < 4 && (sp->s[b - 1] & 0xC0) == 0x80)
		b--;
	if (b > 0)
		b--;
	if (utf8_decode(sp->s + b, off - b, &c) != off - b)
		return 0;
	return is_apostrophe(c);
}

/*
 * A letter follows "l'" or "qu'": drop the article token just made. Only
 * the token right before the apostrophe, in this text, in Latin script.
 */
static void
tok_elide(struct split *sp)
{
	struct toklist *tl = sp->tl;
	struct token *p;

	if (tl->n <= sp->base)
		return;
	p = &tl->v[tl->n - 1];
	if (p->script != SCRIPT_LATIN || (p->flags & TOK_ACRONYM) ||
	    !elidable(tl->norm + p->norm, p->normlen) || after_apostrophe(sp, p->start))
		return;
	tl->normlen = p->norm;
	tl->n--;
	sp->prev_single = 0;
}

static inline void
tok_begin(struct split *sp, uint32_t start, int letter)
{
	if (letter && sp->gap == 1 && sp->gap_cls == C_APOS)
		tok_elide(sp);
	sp->in_tok = 1;
	sp->start = sp->end = start;
	sp->norm0 = sp->tl->normlen;
	sp->nch = 0;
	sp->script = SCRIPT_OTHER;
	sp->has_letter = 0;
	sp->all_digit = 1;
	sp->last_script = SCR_NONE;
	sp->nospace = 0;
}

/* Scripts in which single letters joined by dots make an acronym (U.S.). */
static int
acronym_script(int s)
{
	return s == SCRIPT_LATIN || s == SCRIPT_GREEK || s == SCRIPT_CYRILLIC;
}

/* Join a single letter to the letter or acronym before it: U.S → us. */
static void
tok_merge(struct split *sp, size_t len)
{
	struct toklist *tl = sp->tl;
	struct token *p = &tl->v[tl->n - 1];

	memmove(tl->norm + p->norm + p->normlen, tl->norm + sp->norm0, len);
	p->normlen += (uint32_t)len;
	p->end = sp->end;
	p->flags |= TOK_ACRONYM;
	tl->normlen = p->norm + p->normlen;
	tl->norm[tl->normlen++] = '\0';
}

static inline void
tok_finish(struct split *sp)
{
	struct toklist *tl = sp->tl;
	size_t len = tl->normlen - sp->norm0;
	struct token t;
	int single;

	sp->in_tok = 0;
	if (sp->err)
		return;
	single = sp->nch == 1 && sp->has_letter && !sp->nospace && acronym_script(sp->script);
	if (single && sp->prev_single && sp->gap == 1 && sp->gap_cls == C_DOT && tl->n > sp->base) {
		tok_merge(sp, len);
	} else {
		t.start = sp->start;
		t.end = sp->end;
		t.norm = (uint32_t)sp->norm0;
		t.normlen = (uint32_t)len;
		t.script =
		    (uint8_t)(sp->has_letter ? sp->script
		                             : (sp->all_digit ? SCRIPT_DIGIT : SCRIPT_OTHER));
		t.flags = 0;
		if (tok_push(sp, &t) < 0)
			return;
		tl->norm[tl->normlen++] = '\0'; /* norm_reserve kept room for it */
		sp->prev_single = single;
	}
	sp->gap = 0;
}

static inline void
split_sep(struct split *sp, int cls, uint32_t start, uint32_t end)
{
	struct token *last;

	if (sp->in_tok)
		tok_finish(sp);
	if (sp->gap == 0 && cls == C_DOT && sp->tl->n > sp->base) {
		/* An acronym's span takes its final dot: hits quote "U.S." whole. */
		last = &sp->tl->v[sp->tl->n - 1];
		if ((last->flags & TOK_ACRONYM) && last->end == start)
			last->end = end;
	}
	if (sp->gap == 0)
		sp->gap_cls = cls;
	if (sp->gap < 2)
		sp->gap++;
	sp->ar_run = 0;
}

/*
 * Append a kept mark that NFC may compose with the last character of the
 * token (halfwidth ｶﾞ → ガ): the slow path, for text that was not in NFC.
 */
static void
tok_append_composing(struct split *sp, const char *p, size_t n)
{
	struct toklist *tl = sp->tl;
	utf8proc_int32_t cps[8];
	size_t q = tl->normlen, i = 0, k;
	utf8proc_ssize_t m;
	char enc[32];
	uint32_t c;
	int len;

	if (q == sp->norm0)
		goto plain;
	while (q > sp->norm0 && ((unsigned char)tl->norm[q - 1] & 0xC0) == 0x80)
		q--;
	if (q > sp->norm0)
		q--;
	utf8_decode((const unsigned char *)tl->norm + q, tl->normlen - q, &c);
	cps[0] = (utf8proc_int32_t)c;
	for (k = 1; i < n && k < 8; k++) {
		i += utf8_decode((const unsigned char *)p + i, n - i, &c);
		cps[k] = (utf8proc_int32_t)c;
	}
	if (i < n)
		goto plain;
	m = utf8proc_normalize_utf32(cps, (utf8proc_ssize_t)k, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (m <= 0 || (size_t)m >= k)
		goto plain;
	len = encode_cps(cps, (int)m, enc, sizeof(enc));
	if (len <= 0)
		goto plain;
	tl->normlen = q;
	tok_append(sp, enc, (size_t)len);
	return;
plain:
	tok_append(sp, p, n);
}

static void
split_word(struct split *sp, const struct nent *e, const char *fold, uint32_t start, uint32_t end)
{
	int mark = e->flags & F_MARK;

	/* In scripts without spaces each character (with its marks) is a token. */
	if (sp->in_tok && !mark && (sp->nospace || e->script == SCRIPT_NOSPACE))
		tok_finish(sp);
	if (!sp->in_tok) {
		tok_begin(sp, start, e->flags & F_LETTER);
		sp->nospace = e->script == SCRIPT_NOSPACE;
	}
	if (e->flags & F_COMPOSES)
		tok_append_composing(sp, fold, e->len);
	else
		tok_append(sp, fold, e->len);
	sp->end = end;
	if (mark)
		return;
	sp->nch++;
	if (e->flags & F_LETTER) {
		if (!sp->has_letter) {
			sp->has_letter = 1;
			sp->script = e->script;
		}
		sp->last_script = e->script;
	}
	if (!(e->flags & F_DIGIT))
		sp->all_digit = 0;
	sp->ar_run = (e->flags & F_ARLETTER) ? sp->ar_run + 1 : 0;
}

/*
 * An Inherited combining mark standing alone: it goes when the letter before
 * it is in a stripping script or there is none (é written e + U+0301, Arabic
 * harakat), it stays elsewhere (Devanagari, kana voicing marks).
 */
static void
split_mark(struct split *sp, const struct nent *e, const char *fold, uint32_t end)
{
	if (!sp->in_tok)
		return;
	sp->end = end; /* the span keeps the marks of its last letter */
	if (sp->last_script == SCR_NONE || script_strips(sp->last_script))
		return;
	if (e->flags & F_COMPOSES)
		tok_append_composing(sp, fold, e->len);
	else
		tok_append(sp, fold, e->len);
}

/* The entry of any code point; astral ones are built into *tmp and buf. */
static const struct nent *
entry_get(uint32_t cp, struct nent *tmp, char *buf, size_t cap, const char **fold)
{
	if (cp < 0x10000) {
		*fold = npool + ntab[cp].off;
		return &ntab[cp];
	}
	entry_build(cp, tmp, buf, cap);
	*fold = buf;
	return tmp;
}

static void split_entry(struct split *sp, const struct nent *e, const char *fold, uint32_t start,
                        uint32_t end, int nested);

/* A character folding to several classes: each folded code point in turn. */
static void
split_mixed(struct split *sp, const char *fold, size_t n, uint32_t start, uint32_t end)
{
	char buf[FOLD_MAX_BYTES];
	const struct nent *e;
	const char *f;
	struct nent tmp;
	size_t i = 0, k;
	uint32_t c;

	while (i < n) {
		k = utf8_decode((const unsigned char *)fold + i, n - i, &c);
		e = entry_get(c, &tmp, buf, sizeof(buf), &f);
		split_entry(sp, e, f, start, end, 1);
		i += k;
	}
}

static void
split_entry(struct split *sp, const struct nent *e, const char *fold, uint32_t start, uint32_t end,
            int nested)
{
	switch (e->cls) {
	case C_WORD:
		split_word(sp, e, fold, start, end);
		break;
	case C_MARK:
		split_mark(sp, e, fold, end);
		break;
	case C_DELETE:
		/* Invisible characters and tatweels join; stripped marks also
		 * stretch the span over the last letter's marks. */
		if ((e->flags & F_MARK) && sp->in_tok)
			sp->end = end;
		break;
	case C_MIXED:
		/* A folded code point is never mixed again; if so it separates. */
		if (nested)
			split_sep(sp, C_SEP, start, end);
		else
			split_mixed(sp, fold, e->len, start, end);
		break;
	default:
		split_sep(sp, e->cls, start, end);
		break;
	}
}

/* Decode one code point, 2- and 3-byte forms inline. */
static inline uint32_t
split_decode(const unsigned char *s, size_t rem, size_t *n)
{
	uint32_t c;

	if (s[0] >= 0xC2 && s[0] <= 0xDF && rem >= 2 && (s[1] & 0xC0) == 0x80) {
		*n = 2;
		return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
	}
	if (s[0] >= 0xE0 && s[0] <= 0xEF && rem >= 3 && (s[1] & 0xC0) == 0x80 &&
	    (s[2] & 0xC0) == 0x80) {
		c = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
		    (s[2] & 0x3F);
		if (c >= 0x800 && (c < 0xD800 || c > 0xDFFF)) {
			*n = 3;
			return c;
		}
	}
	*n = utf8_decode(s, rem, &c);
	return c;
}

/* The BMP entry at s[j], or NULL for an astral code point. */
static const struct nent *
peek_entry(const struct split *sp, size_t j, size_t *n)
{
	uint32_t c = split_decode(sp->s + j, sp->len - j, n);

	return c < 0x10000 ? &ntab[c] : NULL;
}

/* Count Arabic letters from s[j], up to want, through marks and invisibles. */
static size_t
arabic_letters_from(const struct split *sp, size_t j, size_t want)
{
	const struct nent *e;
	size_t count = 0, n;

	while (j < sp->len && count < want) {
		e = peek_entry(sp, j, &n);
		if (e == NULL)
			break;
		if (e->flags & F_ARLETTER)
			count++;
		else if (!(e->cls == C_DELETE || e->cls == C_MARK || (e->flags & F_MARK)))
			break;
		j += n;
	}
	return count;
}

/*
 * At a tatweel or an obfuscating character right after an Arabic letter:
 * is it a run to delete (§3.3)? On yes, skip it and return 1; the two sides
 * then make one token. The decision reads the original text.
 */
static int
split_obfuscation(struct split *sp)
{
	const struct nent *e;
	size_t j = sp->i, n;
	int nobf = 0, tatweel = 0, ok = 0;

	while (j < sp->len) {
		e = peek_entry(sp, j, &n);
		if (e == NULL)
			break;
		if (e->flags & F_TATWEEL)
			tatweel = 1;
		else if (e->flags & F_OBF)
			nobf++;
		else if (!(e->cls == C_DELETE && !(e->flags & F_MARK)))
			break; /* invisible characters are transparent */
		if (nobf > 3)
			break;
		j += n;
	}
	if (nobf <= 3 && j < sp->len && (e = peek_entry(sp, j, &n)) != NULL &&
	    (e->flags & F_ARLETTER)) {
		ok = tatweel || (sp->ar_run >= 2 && arabic_letters_from(sp, j, 2) >= 2);
	}
	if (!ok) {
		sp->obf_until = j + 1;
		return 0;
	}
	sp->i = j;
	sp->ar_run = 0;
	return 1;
}

/*
 * Bytes kept free at the end of tl->norm while a run writes: a 16-byte
 * store (ascii16) and the NUL that ends the token fit.
 */
#define RUN_SLACK 17

/* Make room in tl->norm for a run: returns the write limit, or NULL. */
static char *
run_room(struct split *sp, char *out)
{
	struct toklist *tl = sp->tl;

	tl->normlen = (size_t)(out - tl->norm);
	if (norm_reserve(sp, 64) < 0)
		return NULL;
	return tl->norm + tl->normcap - RUN_SLACK;
}

/*
 * The hot loop of the tokenizer: runs of simple word characters (F_SIMPLE:
 * ASCII letters and digits, the letters of scripts with spaces) separated by
 * ASCII separators, the token state in locals. Where SSE2 is there, a
 * 16-byte step takes a whole ASCII word with the separators after it;
 * otherwise ASCII goes one table look-up a byte, other simple characters
 * one look-up each. Anything unusual (marks, other separators, a possible
 * acronym, elision or obfuscation, a full token array) goes back to the
 * general path in token_split(), with the state written back.
 */
static void
split_run(struct split *sp)
{
	struct toklist *tl = sp->tl;
	const unsigned char *s = sp->s;
	const size_t len = sp->len;
	size_t j = sp->i, j0, jlim, nch, ar, n, norm0;
	int in_tok = 1, has, script, last, alld, gap, gap_cls, prev_single, single, letter;
	uint32_t start, c;
	unsigned amask;
	const struct nent *e;
	struct token *t;
	char *out, *lim;
	uint16_t a;
	unsigned char b;
#ifdef HAVE_ASCII16
	unsigned w, al, hi, nw, m;
#endif

	if (sp->in_tok && sp->nospace)
		tok_finish(sp);
	if (!sp->in_tok) {
		a = atab[s[j]];
		c = (a & A_WORD) ? 0 : split_decode(s + j, len - j, &n);
		tok_begin(sp, (uint32_t)j,
		          (a & A_WORD) ? (a & A_ALPHA) : (ntab[c].flags & F_LETTER));
	}
	if (tl->normcap - tl->normlen <= 64 && norm_reserve(sp, 64) < 0)
		return;
	lim = tl->norm + tl->normcap - RUN_SLACK;
	out = tl->norm + tl->normlen;
	start = sp->start, norm0 = sp->norm0, nch = sp->nch, ar = sp->ar_run;
	has = sp->has_letter, script = sp->script, last = sp->last_script, alld = sp->all_digit;
	gap = sp->gap, gap_cls = sp->gap_cls, prev_single = sp->prev_single;
	for (;;) {
#ifdef HAVE_ASCII16
		/*
		 * The fast path, at the start of a token: a step takes a whole
		 * ASCII word of under 16 bytes, ends its token and passes the
		 * ASCII separators after it, all from one 16-byte load (most of
		 * English and French text). It leaves to the code below a word
		 * it cannot finish in one step or an acronym to join (the token
		 * still to begin at j), and, at seps, a separator run that goes
		 * on or leads to something else than a plain ASCII word.
		 */
		while (nch == 0 && ascii16_ok && len - j > 16 && out < lim && tl->n < tl->cap) {
			hi = ascii16(s + j, out, &w, &al);
			nw = (unsigned)__builtin_ctz(~w);
			if (nw == 0 || nw == 16 || ((hi >> nw) & 1))
				break; /* not an ASCII word that ends at an ASCII byte here */
			single = nw == 1 && (al & 1);
			if (single && prev_single && gap == 1 && gap_cls == C_DOT)
				break;
			t = &tl->v[tl->n++];
			t->start = start;
			t->end = (uint32_t)(j + nw);
			t->norm = (uint32_t)norm0;
			t->normlen = (uint32_t)((size_t)(out + nw - tl->norm) - norm0);
			t->script =
			    (uint8_t)((al & ((1u << nw) - 1)) ? SCRIPT_LATIN : SCRIPT_DIGIT);
			t->flags = 0;
			out += nw;
			*out++ = '\0';
			in_tok = 0;
			prev_single = single;
			/* the separators: the bytes from nw in neither mask, one at least */
			m = (unsigned)__builtin_ctz(((w | hi) >> nw) | (1u << (16 - nw)));
			gap = m > 1 ? 2 : 1;
			gap_cls = ntab[s[j + nw]].cls;
			ar = 0;
			j += nw + m;
			nw += m;
			if (nw == 16 || !((w >> nw) & 1) ||
			    (gap_cls == C_APOS && gap == 1 && ((al >> nw) & 1)))
				goto seps; /* more separators, another character, or elision */
			in_tok = 1;
			start = (uint32_t)j, norm0 = (size_t)(out - tl->norm);
		}
#endif
		/* One word: letters and digits into out. */
		while (j < len) {
			if (out >= lim) {
				lim = run_room(sp, out);
				if (lim == NULL)
					return;
				out = tl->norm + tl->normlen;
			}
			b = s[j];
			if (b < 0x80) {
				if (!(atab[b] & A_WORD))
					break;
#ifdef HAVE_ASCII16
				if (ascii16_ok && len - j >= 16) {
					(void)ascii16(s + j, out, &w, &al);
					n = (size_t)__builtin_ctz(~w); /* 1 at least: s[j] is one */
					amask = al & ((1u << n) - 1);
					out += n;
					j += n;
					nch += n;
				} else
#endif
				{
					j0 = j;
					jlim = (size_t)(lim - out) < len - j
					           ? j + (size_t)(lim - out)
					           : len;
					/* a local accumulator: a store per byte halves the speed */
					uint16_t acc = 0;

					a = atab[b];
					do {
						*out++ = (char)(a & 0xFF);
						acc |= a;
					} while (++j < jlim && ((a = atab[s[j]]) & A_WORD));
					amask = acc & A_ALPHA;
					nch += j - j0;
				}
				ar = 0;
				if (amask) {
					/* no branch on has: words of mixed scripts are rare,
					 * the first letter of a word is not */
					script = has ? script : SCRIPT_LATIN;
					has = 1, last = SCRIPT_LATIN, alld = 0;
				}
				continue;
			}
			/* two-byte forms inline: Arabic, Cyrillic, Greek, accented Latin */
			if (b >= 0xC2 && b <= 0xDF && j + 1 < len && (s[j + 1] & 0xC0) == 0x80) {
				c = ((uint32_t)(b & 0x1F) << 6) | (s[j + 1] & 0x3F);
				n = 2;
			} else if (b >= 0xE0 && b <= 0xEF) {
				c = split_decode(s + j, len - j, &n) & 0xFFFF; /* BMP */
			} else {
				break; /* not a word byte, a 4-byte form, or invalid */
			}
			e = &ntab[c];
			if (!(e->flags & F_SIMPLE))
				break;
			memcpy(out, npool + e->off, 8); /* npool has 8 bytes of slack */
			out += e->len;
			j += n;
			nch++;
			if (!(e->flags & F_DIGIT))
				alld = 0;
			ar = (e->flags & F_ARLETTER) ? ar + 1 : 0;
			if (e->flags & F_LETTER) {
				script = has ? script : e->script;
				has = 1, last = e->script;
			}
		}
		/* Ends at an ASCII separator that needs no second look? */
		if (j >= len || s[j] >= 0x80)
			break;
		e = &ntab[s[j]];
		if ((e->flags & F_OBF) && ar > 0)
			break; /* maybe an obfuscation run */
		single = nch == 1 && has && acronym_script(script);
		if ((single && prev_single && gap == 1 && gap_cls == C_DOT) || tl->n == tl->cap)
			break; /* an acronym to join, or the array to grow */
		t = &tl->v[tl->n++];
		t->start = start;
		t->end = (uint32_t)j;
		t->norm = (uint32_t)norm0;
		t->normlen = (uint32_t)((size_t)(out - tl->norm) - norm0);
		t->script = (uint8_t)(has ? script : (alld ? SCRIPT_DIGIT : SCRIPT_OTHER));
		t->flags = 0;
		*out++ = '\0';
		in_tok = 0;
		prev_single = single;
		/* The separators. */
		gap = 1, gap_cls = e->cls, ar = 0;
		j++;
#ifdef HAVE_ASCII16
	seps:
#endif
		while (j < len && s[j] < 0x80 && !(atab[s[j]] & A_WORD))
			j++, gap = 2;
		if (j >= len)
			break;
		/* The next word, if simple and not after an elided article. */
		a = atab[s[j]];
		if (a & A_WORD) {
			letter = a & A_ALPHA;
		} else {
			if (s[j] < 0xC2 || s[j] > 0xEF)
				break;
			c = split_decode(s + j, len - j, &n);
			e = &ntab[c & 0xFFFF];
			if (!(e->flags & F_SIMPLE))
				break;
			letter = e->flags & F_LETTER;
		}
		if (gap_cls == C_APOS && gap == 1 && letter)
			break;
		in_tok = 1;
		start = (uint32_t)j, norm0 = (size_t)(out - tl->norm), nch = 0;
		has = 0, script = SCRIPT_OTHER, last = SCR_NONE, alld = 1;
	}
	tl->normlen = (size_t)(out - tl->norm);
	sp->i = j;
	sp->in_tok = in_tok;
	sp->gap = gap, sp->gap_cls = gap_cls, sp->prev_single = prev_single;
	sp->ar_run = ar;
	if (in_tok) {
		sp->start = start, sp->end = (uint32_t)j, sp->norm0 = norm0, sp->nch = nch;
		sp->has_letter = has, sp->script = script, sp->last_script = last;
		sp->all_digit = alld, sp->nospace = 0;
	}
}

/*
 * At an "s" right after an apostrophe that follows a token: is it the
 * English possessive (§4), "s" ending the word after a Latin-script token
 * (Assad's, Assad’s)? On yes, skip it as a separator would be and return 1:
 * the possessive yields no token, so "Assad regime" matches Assad's regime.
 * O'Brian and rock'n'roll have no lone "s" and stay.
 */
static int
split_possessive(struct split *sp, size_t n)
{
	const struct token *p;
	const struct nent *e;
	size_t j = sp->i + n, k;

	if (sp->tl->n <= sp->base)
		return 0;
	p = &sp->tl->v[sp->tl->n - 1];
	if (p->script != SCRIPT_LATIN)
		return 0;
	if (j < sp->len) {
		/* the word must end here: a mark (ś), a letter or a digit goes on */
		e = peek_entry(sp, j, &k);
		if (e != NULL && e->cls != C_SEP && e->cls != C_DOT && e->cls != C_APOS)
			return 0;
		if (e == NULL) {
			uint32_t c;

			(void)utf8_decode(sp->s + j, sp->len - j, &c);
			if (cat_is_word(cp_category((utf8proc_int32_t)c)))
				return 0;
		}
	}
	sp->i = j;
	sp->gap = 2; /* no elision or acronym across the possessive */
	sp->gap_cls = C_SEP;
	sp->prev_single = 0;
	sp->ar_run = 0;
	return 1;
}

int
token_split(const char *text, size_t len, struct toklist *tl)
{
	char buf[FOLD_MAX_BYTES];
	struct split sp;
	const struct nent *e;
	const char *fold;
	struct nent tmp;
	size_t n;
	uint32_t cp;

	norm_init();
	if (len >= UINT32_MAX)
		return -1;
	memset(&sp, 0, sizeof(sp));
	sp.tl = tl;
	sp.s = (const unsigned char *)text;
	sp.len = len;
	sp.base = tl->n;
	while (sp.i < len && !sp.err) {
		/* Fast path: ASCII separators away from Arabic letters. */
		if (sp.s[sp.i] < 0x80 && !(atab[sp.s[sp.i]] & A_WORD)) {
			e = &ntab[sp.s[sp.i]];
			if (!(e->flags & F_OBF) || sp.ar_run == 0) {
				split_sep(&sp, e->cls, (uint32_t)sp.i, (uint32_t)sp.i + 1);
				sp.i++;
				continue;
			}
		}
		if (sp.s[sp.i] < 0x80) {
			cp = sp.s[sp.i];
			n = 1;
		} else {
			cp = split_decode(sp.s + sp.i, len - sp.i, &n);
		}
		e = entry_get(cp, &tmp, buf, sizeof(buf), &fold);
		if (!sp.in_tok && sp.gap == 1 && sp.gap_cls == C_APOS && e->cls == C_WORD &&
		    e->len == 1 && fold[0] == 's' && split_possessive(&sp, n))
			continue;
		if ((e->flags & F_SIMPLE) && cp < 0x10000) {
			split_run(&sp);
			continue;
		}
		if ((e->flags & (F_TATWEEL | F_OBF)) && sp.ar_run > 0 && sp.i >= sp.obf_until &&
		    split_obfuscation(&sp))
			continue;
		split_entry(&sp, e, fold, (uint32_t)sp.i, (uint32_t)(sp.i + n), 0);
		sp.i += n;
	}
	if (sp.in_tok && !sp.err)
		tok_finish(&sp);
	if (!sp.err)
		norm_reserve(&sp, TOKEN_NORM_SLACK);
	return sp.err ? -1 : 0;
}

/* ---- Arabic proclitics ---------------------------------------------------- */

#define AR_ALEF "\xD8\xA7"
#define AR_LAM "\xD9\x84"

static int
ar_is(const char *s, size_t len, const char *letter)
{
	return len >= 2 && s[0] == letter[0] && s[1] == letter[1];
}

/* و or ف: the conjunctions that may open a token. */
static int
ar_conj(const char *s, size_t len)
{
	return ar_is(s, len, "\xD9\x88") || ar_is(s, len, "\xD9\x81");
}

/* ب ك ل: the prepositions that may follow. */
static int
ar_prep(const char *s, size_t len)
{
	return ar_is(s, len, "\xD8\xA8") || ar_is(s, len, "\xD9\x83") || ar_is(s, len, AR_LAM);
}

static size_t
letters(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

struct readings {
	struct reading *v;
	int n;
	const char *tok;
	size_t toklen;
};

static void
reading_add(struct readings *r, const char *s, size_t len)
{
	int i;

	if (letters(s, len) < 2 || r->n >= TOKEN_MAX_READINGS)
		return;
	if (len == r->toklen && memcmp(s, r->tok, len) == 0)
		return;
	for (i = 0; i < r->n; i++)
		if (r->v[i].len == len && memcmp(r->v[i].s, s, len) == 0)
			return;
	r->v[r->n].s = s;
	r->v[r->n].len = len;
	r->n++;
}

static int
ar_article(const char *s, size_t len)
{
	return len >= 4 && ar_is(s, len, AR_ALEF) && ar_is(s + 2, len - 2, AR_LAM);
}

/*
 * The readings of one remainder (the token less a proclitic prefix): itself,
 * and without its article ال; after no preposition, a fused لل reads as the
 * article too (للأسد = ل + الأسد), built in scratch. The stem after an
 * article must keep two letters: a bare ال is no reading.
 */
static void
readings_of_rest(struct readings *r, const char *rest, size_t len, int prep, char **scratch)
{
	if (ar_article(rest, len)) {
		if (letters(rest + 4, len - 4) < 2)
			return;
		reading_add(r, rest, len);
		reading_add(r, rest + 4, len - 4);
		return;
	}
	reading_add(r, rest, len);
	if (!prep && len >= 4 && ar_is(rest, len, AR_LAM) && ar_is(rest + 2, len - 2, AR_LAM) &&
	    letters(rest + 4, len - 4) >= 2) {
		memcpy(*scratch, AR_ALEF AR_LAM, 4);
		memcpy(*scratch + 4, rest + 4, len - 4);
		(*scratch)[len] = '\0';
		reading_add(r, *scratch, len);
		*scratch += len + 1;
		reading_add(r, rest + 4, len - 4);
	}
}

int
token_readings(const char *norm, size_t len, char *scratch, struct reading out[TOKEN_MAX_READINGS])
{
	struct readings r = {out, 0, norm, len};

	readings_of_rest(&r, norm, len, 0, &scratch);
	if (ar_conj(norm, len)) {
		readings_of_rest(&r, norm + 2, len - 2, 0, &scratch);
		if (ar_prep(norm + 2, len - 2))
			readings_of_rest(&r, norm + 4, len - 4, 1, &scratch);
	} else if (ar_prep(norm, len)) {
		readings_of_rest(&r, norm + 2, len - 2, 1, &scratch);
	}
	return r.n;
}

size_t
token_chunk_end(const char *s, size_t len, size_t off, size_t size)
{
	if (len - off <= size)
		return len;
	for (size_t e = off + size; e > off; e--)
		if (s[e - 1] == ' ' || s[e - 1] == '\n')
			return e;
	return len;
}
