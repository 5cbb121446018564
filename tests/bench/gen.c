/*
 * gen.c: the deterministic benchmark corpus and watchlists (bench_gen).
 *
 *   bench_gen OUTDIR
 *
 * writes about 64 MiB of ~4 KB plain-text articles (first line a headline,
 * then paragraphs) in French, English and Arabic (about 40/40/20 by bytes)
 * to OUTDIR/corpus/NNNNN.txt, and three nested watchlists of two-word names
 * (the first 100 and the first 10,000 of the same 100,000 names):
 * OUTDIR/rules-N.rules (one phrase rule per name) and OUTDIR/names-N.txt
 * (one name per line, for ripgrep).
 *
 * Words are Zipf-sampled from the Debian word lists (wfrench, wamerican,
 * hunspell-ar) with a small hand-written list of function words mixed in, so
 * that the token frequencies look like prose. Articles mention watched names
 * (about one per article, some with an Arabic proclitic or a French elision
 * glued on) and lone first names or surnames (near misses).
 *
 * Everything comes from one PRNG with a fixed seed: the same word lists give
 * the same bytes. A stamp file written last marks a complete run; a later run
 * with the same generator version reuses the data.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define GEN_VERSION "hark-bench-gen 1" /* bump whenever the output bytes change */
#define GEN_SEED 0x6861726b2d62656eULL /* "hark-ben" */
#define CORPUS_BYTES (64u << 20)
#define NNAMES 100000
#define NLATIN_FIRST 4000
#define NARABIC_FIRST 2000

static const char *const dict_fr = "/usr/share/dict/french";
static const char *const dict_en = "/usr/share/dict/american-english";
static const char *const dict_ar = "/usr/share/hunspell/ar.dic";

static const size_t tiers[] = {100, 10000, NNAMES};
#define NTIERS (sizeof tiers / sizeof tiers[0])

/* ---- errors and buffers ---- */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
die(const char *fmt, ...)
{
	va_list ap;
	fputs("bench_gen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

struct buf {
	char *s;
	size_t len, cap;
};

static void
buf_grow(struct buf *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	b->s = xrealloc(b->s, cap);
	b->cap = cap;
}

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

/* ---- the PRNG: xoshiro256** seeded by splitmix64 ---- */

static uint64_t rng_s[4];

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
rng_seed(uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		rng_s[i] = splitmix64(&seed);
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
rng_next(void)
{
	uint64_t r = rotl(rng_s[1] * 5, 7) * 9, t = rng_s[1] << 17;
	rng_s[2] ^= rng_s[0];
	rng_s[3] ^= rng_s[1];
	rng_s[1] ^= rng_s[2];
	rng_s[0] ^= rng_s[3];
	rng_s[2] ^= t;
	rng_s[3] = rotl(rng_s[3], 45);
	return r;
}

/* Uniform in [0, n): multiply-shift (the bias is far below what matters here). */
static uint32_t
rng_below(uint32_t n)
{
	return (uint32_t)(((rng_next() >> 32) * (uint64_t)n) >> 32);
}

static double
rng_unit(void)
{
	return (double)(rng_next() >> 11) * (1.0 / 9007199254740992.0);
}

static bool
chance(double p)
{
	return rng_unit() < p;
}

/* ---- word lists ---- */

struct word {
	const char *s;
	uint32_t len;
};

struct wordlist {
	struct word *v;
	size_t n, cap;
};

static void
wl_add(struct wordlist *wl, const char *s, size_t len)
{
	if (wl->n == wl->cap) {
		wl->cap = wl->cap ? wl->cap * 2 : 1024;
		wl->v = xrealloc(wl->v, wl->cap * sizeof *wl->v);
	}
	wl->v[wl->n++] = (struct word){s, (uint32_t)len};
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("%s: %s (install the wfrench, wamerican and hunspell-ar packages: "
		    "contrib/install-deps)",
		    path, strerror(errno));
	struct buf b = {0};
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_add(&b, tmp, n);
	if (ferror(f))
		die("%s: read error", path);
	fclose(f);
	buf_grow(&b, 0); /* an empty file still gets its NUL */
	*len = b.len;
	return b.s; /* kept for the life of the process: the word lists point into it */
}

/* Number of characters of valid-looking UTF-8 (counts non-continuation bytes). */
static size_t
u8_chars(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

/* Letters (ASCII or any non-ASCII byte) and inner hyphens only. */
static bool
latin_wordish(const char *s, size_t len)
{
	if (!len || s[0] == '-' || s[len - 1] == '-')
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(c >= 0x80 || isalpha(c) || c == '-'))
			return false;
	}
	return true;
}

static bool
ascii_lower_word(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!islower((unsigned char)s[i]))
			return false;
	return len > 0;
}

/* Only letters U+0621..U+064A (no harakat, no digits, no punctuation). */
static bool
arabic_letters(const char *s, size_t len)
{
	if (!len || len % 2)
		return false;
	for (size_t i = 0; i < len; i += 2) {
		unsigned cp =
		    (((unsigned char)s[i] & 0x1Fu) << 6) | ((unsigned char)s[i + 1] & 0x3Fu);
		if (((unsigned char)s[i] & 0xE0) != 0xC0 ||
		    ((unsigned char)s[i + 1] & 0xC0) != 0x80 || cp < 0x621 || cp > 0x64A ||
		    cp == 0x640)
			return false;
	}
	return true;
}

static bool
has_upper(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (isupper((unsigned char)s[i]))
			return true;
	return false;
}

/*
 * Latin lists: lower-case entries are prose vocabulary; capitalized ASCII
 * entries (American list: mostly given names, surnames and places) feed names.
 */
static void
load_latin(const char *path, struct wordlist *vocab, struct wordlist *caps)
{
	size_t len;
	char *text = slurp(path, &len);
	char *p = text, *end = text + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n && p[n - 1] == '\r')
			n--;
		if (n && !memchr(p, '\'', n) && latin_wordish(p, n)) {
			if (isupper((unsigned char)p[0])) {
				if (caps && n >= 3 && n <= 10 && ascii_lower_word(p + 1, n - 1))
					wl_add(caps, p, n);
			} else if (u8_chars(p, n) >= 3 && !has_upper(p, n)) {
				wl_add(vocab, p,
				       n); /* short words come from the function-word list */
			}
		}
		p = nl ? nl + 1 : end;
	}
}

/* hunspell .dic: a count line, then `word[/FLAGS][<TAB>morphology]` lines. */
static void
load_arabic(const char *path, struct wordlist *vocab)
{
	size_t len;
	char *text = slurp(path, &len);
	char *p = text, *end = text + len;
	bool first = true;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		if (!first) {
			size_t n = 0;
			while (p + n < le && p[n] != '/' && p[n] != '\t' && p[n] != ' ' &&
			       p[n] != '\r')
				n++;
			if (arabic_letters(p, n) && n >= 6)
				wl_add(vocab, p, n);
		}
		first = false;
		p = nl ? nl + 1 : end;
	}
}

/* ---- Zipf sampling: Walker/Vose alias tables over a ranked list ---- */

struct zipf {
	struct word *w; /* ranked, most frequent first */
	uint32_t n;
	double *prob;
	uint32_t *alias;
};

struct rankent {
	uint32_t key, tie, idx;
};

static int
rankent_cmp(const void *a, const void *b)
{
	const struct rankent *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->tie != y->tie)
		return x->tie < y->tie ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * Rank the words (short words tend to come first, as in real text, with a
 * random spread so that ranks are not alphabetical), then build the alias
 * table for P(rank r) ∝ 1/(r + q) (Zipf-Mandelbrot with exponent 1).
 */
static void
zipf_init(struct zipf *z, const struct wordlist *wl, double q, unsigned spread)
{
	uint32_t n = (uint32_t)wl->n;
	if (!n)
		die("empty word list");
	struct rankent *re = xrealloc(NULL, n * sizeof *re);
	for (uint32_t i = 0; i < n; i++)
		re[i] = (struct rankent){(uint32_t)u8_chars(wl->v[i].s, wl->v[i].len) +
		                             rng_below(spread + 1),
		                         (uint32_t)rng_next(), i};
	qsort(re, n, sizeof *re, rankent_cmp);
	z->n = n;
	z->w = xrealloc(NULL, n * sizeof *z->w);
	for (uint32_t i = 0; i < n; i++)
		z->w[i] = wl->v[re[i].idx];
	free(re);

	double *p = xrealloc(NULL, n * sizeof *p), sum = 0;
	for (uint32_t i = 0; i < n; i++)
		sum += p[i] = 1.0 / (i + 1 + q);
	for (uint32_t i = 0; i < n; i++)
		p[i] = p[i] * n / sum;
	z->prob = xrealloc(NULL, n * sizeof *z->prob);
	z->alias = xrealloc(NULL, n * sizeof *z->alias);
	uint32_t *small = xrealloc(NULL, n * sizeof *small),
	         *large = xrealloc(NULL, n * sizeof *large);
	uint32_t ns = 0, nl = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (p[i] < 1.0)
			small[ns++] = i;
		else
			large[nl++] = i;
	}
	while (ns && nl) {
		uint32_t a = small[--ns], b = large[--nl];
		z->prob[a] = p[a];
		z->alias[a] = b;
		p[b] = (p[b] + p[a]) - 1.0;
		if (p[b] < 1.0)
			small[ns++] = b;
		else
			large[nl++] = b;
	}
	while (nl) {
		uint32_t b = large[--nl];
		z->prob[b] = 1.0;
		z->alias[b] = b;
	}
	while (ns) {
		uint32_t a = small[--ns];
		z->prob[a] = 1.0;
		z->alias[a] = a;
	}
	free(small);
	free(large);
	free(p);
}

static const struct word *
zipf_pick(const struct zipf *z)
{
	uint32_t i = rng_below(z->n);
	return &z->w[rng_unit() < z->prob[i] ? i : z->alias[i]];
}

/* ---- function words (hand-written; they make up a good part of prose) ---- */

static const char *const stop_en[] = {
    "the",       "of",     "and",  "to",      "in",    "a",     "is",         "that",     "for",
    "on",        "it",     "with", "as",      "was",   "by",    "he",         "at",       "from",
    "his",       "this",   "be",   "have",    "are",   "not",   "but",        "had",      "they",
    "an",        "which",  "or",   "their",   "has",   "were",  "one",        "its",      "after",
    "been",      "who",    "will", "would",   "more",  "she",   "her",        "there",    "said",
    "also",      "than",   "all",  "we",      "can",   "when",  "into",       "about",    "two",
    "over",      "last",   "new",  "some",    "could", "them",  "other",      "up",       "out",
    "year",      "if",     "no",   "only",    "what",  "while", "government", "minister", "police",
    "officials", "people", "city", "country", NULL};

static const char *const stop_fr[] = {
    "de",     "la",    "le",    "et",           "les",      "des",       "à",     "en",
    "un",     "une",   "du",    "est",          "que",      "pour",      "dans",  "qui",
    "sur",    "par",   "pas",   "au",           "il",       "a",         "ne",    "plus",
    "se",     "avec",  "ce",    "son",          "sa",       "aux",       "ont",   "elle",
    "mais",   "ses",   "été",   "sont",         "cette",    "comme",     "ou",    "on",
    "leur",   "deux",  "après", "selon",        "depuis",   "lors",      "entre", "contre",
    "très",   "aussi", "même",  "fait",         "dont",     "nous",      "était", "ans",
    "tout",   "avait", "sans",  "gouvernement", "ministre", "président", "pays",  "ville",
    "police", "année", "mardi", "jeudi",        NULL};

static const char *const stop_ar[] = {
    "في",    "من",  "على",   "إلى",     "عن",     "أن",     "التي",    "الذي",   "هذا",
    "هذه",   "مع",  "كان",   "قد",      "لا",     "ما",     "بعد",     "قبل",    "كما",
    "بين",   "أو",  "ثم",    "حيث",     "عام",    "وقال",   "قال",     "إن",     "لم",
    "كل",    "عند", "حتى",   "منذ",     "خلال",   "وزير",   "الحكومة", "الرئيس", "رئيس",
    "اليوم", "أمس", "الذين", "وكان",    "هو",     "هي",     "لكن",     "أي",     "غير",
    "تم",    "ذلك", "الأمن", "المدينة", "البلاد", "الشرطة", NULL};

static void
stop_list(struct wordlist *wl, const char *const *v)
{
	for (; *v; v++)
		wl_add(wl, *v, strlen(*v));
}

/* ---- names ---- */

enum lang { L_FR, L_EN, L_AR, L_MAX };

struct name {
	char *first, *last; /* owned */
	bool arabic;
};

static const char *const lat_onset[] = {
    "b",  "c",  "d",  "f",  "g",  "h",  "j",  "k",  "l",  "m",  "n", "p", "r", "s", "t", "v", "z",
    "ch", "br", "tr", "gr", "st", "fr", "cl", "pr", "dr", "sh", "v", "l", "m", "n", "r", "s", "t"};
static const char *const lat_vowel[] = {"a", "e", "i", "o", "u", "ou", "ai", "ie", "é", "a",
                                        "e", "i", "o", "a", "e", "è",  "an", "on", "y"};
static const char *const lat_coda[] = {"", "", "", "", "n", "r", "l", "s", "m", "t"};

/* Arabic names follow the common noun patterns, filled with random root letters. */
static const char *const ar_root[] = {
    "ب", "ت", "ث", "ج", "ح", "خ", "د", "ذ", "ر", "ز", "س", "ش", "ص", "ض", "ط", "ظ", "ع", "غ", "ف",
    "ق", "ك", "ل", "م", "ن", "ه", "و", "ي", "ر", "س", "ح", "ع", "ك", "ل", "م", "ن", "د", "ج"};
/* 1 2 3: the root letters */
static const char *const ar_pattern[] = {"1ا23",  "12ي3",  "م12و3", "123ان", "12ا3",
                                         "1ا2ي3", "م12ّ3",  "12و3",  "ي123",  "123ي",
                                         "1ا23ة", "12ي3ة", "أ123",  "م1ا23"};
#define PICK(a) (a[rng_below(sizeof a / sizeof a[0])])

static char *
syll_latin(unsigned nsyl)
{
	struct buf b = {0};
	for (unsigned i = 0; i < nsyl; i++) {
		buf_adds(&b, PICK(lat_onset));
		buf_adds(&b, PICK(lat_vowel));
		if (i + 1 == nsyl || chance(0.25))
			buf_adds(&b, PICK(lat_coda));
	}
	b.s[0] = (char)toupper((unsigned char)b.s[0]);
	return b.s;
}

static char *
pattern_arabic(bool article, bool nisba)
{
	struct buf b = {0};
	const char *r[3] = {PICK(ar_root), PICK(ar_root), PICK(ar_root)};
	if (article)
		buf_adds(&b, "ال");
	for (const char *p = PICK(ar_pattern); *p; p++) {
		if (*p >= '1' && *p <= '3')
			buf_adds(&b, r[*p - '1']);
		else
			buf_addc(&b, *p);
	}
	if (nisba && b.s[b.len - 1] != '\xa9' && b.s[b.len - 1] != '\x8a') /* not after ة or ي */
		buf_adds(&b, "ي");
	return b.s;
}

static char *
dupn(const char *s, size_t n)
{
	char *p = xrealloc(NULL, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* A random entry of wl whose length in characters is within [lo, hi]. */
static const struct word *
pick_len(const struct wordlist *wl, size_t lo, size_t hi)
{
	for (;;) {
		const struct word *w = &wl->v[rng_below((uint32_t)wl->n)];
		size_t c = u8_chars(w->s, w->len);
		if (c >= lo && c <= hi)
			return w;
	}
}

/* A French word with an ASCII first letter, capitalized. */
static char *
cap_french(const struct wordlist *fr)
{
	for (;;) {
		const struct word *w = pick_len(fr, 5, 10);
		if (!islower((unsigned char)w->s[0]) || memchr(w->s, '-', w->len))
			continue;
		char *s = dupn(w->s, w->len);
		s[0] = (char)toupper((unsigned char)s[0]);
		return s;
	}
}

/*
 * The identity of a name once hark has normalized it, roughly: ASCII lower
 * case, the few Latin accents the syllables use stripped, Arabic hamza and
 * final-letter forms folded. Two names with the same key are one name.
 */
static void
name_key(struct buf *k, const char *s)
{
	k->len = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (*p < 0x80) {
			buf_addc(k, (char)tolower(*p++));
			continue;
		}
		if (p[0] == 0xC3 && p[1]) {
			static const char l1[] = "aaaaaaaceeeeiiiidnooooo/ouuuuyty";
			unsigned c = p[1] & 0x1F;
			buf_addc(k, l1[c]);
			p += 2;
			continue;
		}
		if (p[0] == 0xD8 && (p[1] == 0xA3 || p[1] == 0xA5 || p[1] == 0xA2)) {
			buf_add(k, "ا", 2);
			p += 2;
			continue;
		}
		if (p[0] == 0xD8 && p[1] == 0xA9) {
			buf_add(k, "ه", 2);
			p += 2;
			continue;
		}
		if (p[0] == 0xD9 && p[1] >= 0x8B && p[1] <= 0x92) { /* harakat, shadda, sukun */
			p += 2;
			continue;
		}
		if (p[0] == 0xD9 && p[1] == 0x89) {
			buf_add(k, "ي", 2);
			p += 2;
			continue;
		}
		buf_addc(k, (char)*p++);
	}
}

/* A set of strings by FNV-1a hash, open addressing; the strings are copied. */
struct strset {
	char **v;
	size_t cap, n;
};

static uint64_t
fnv1a(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

/* Returns true when s was added, false when it was there already. */
static bool
strset_add(struct strset *ss, const char *s, size_t n)
{
	if (2 * (ss->n + 1) > ss->cap) {
		size_t ncap = ss->cap ? ss->cap * 2 : 1024;
		char **nv = xrealloc(NULL, ncap * sizeof *nv);
		memset(nv, 0, ncap * sizeof *nv);
		for (size_t i = 0; i < ss->cap; i++) {
			if (!ss->v[i])
				continue;
			size_t j = fnv1a(ss->v[i], strlen(ss->v[i])) & (ncap - 1);
			while (nv[j])
				j = (j + 1) & (ncap - 1);
			nv[j] = ss->v[i];
		}
		free(ss->v);
		ss->v = nv;
		ss->cap = ncap;
	}
	size_t j = fnv1a(s, n) & (ss->cap - 1);
	for (; ss->v[j]; j = (j + 1) & (ss->cap - 1))
		if (strlen(ss->v[j]) == n && !memcmp(ss->v[j], s, n))
			return false;
	ss->v[j] = dupn(s, n);
	ss->n++;
	return true;
}

static void
strset_free(struct strset *ss)
{
	for (size_t i = 0; i < ss->cap; i++)
		free(ss->v[i]);
	free(ss->v);
}

struct names {
	struct name *v;
	size_t n;
	/* indexes of the names of each script, in order */
	uint32_t *by_script[2];
	size_t nby[2];
};

/*
 * Given names come from small pools (many people share one, as on real
 * watchlists); surnames are drawn afresh. Latin names are 70%, Arabic 30%.
 */
static void
make_names(struct names *nm, const struct wordlist *en_caps, const struct wordlist *fr,
           const struct wordlist *ar)
{
	struct strset seen = {0};
	struct buf key = {0};
	char **lfirst = xrealloc(NULL, NLATIN_FIRST * sizeof *lfirst);
	char **afirst = xrealloc(NULL, NARABIC_FIRST * sizeof *afirst);
	for (size_t i = 0; i < NLATIN_FIRST;) {
		if (chance(0.5)) {
			const struct word *w = pick_len(en_caps, 3, 8);
			lfirst[i] = dupn(w->s, w->len);
		} else {
			lfirst[i] = syll_latin(2 + (chance(0.3) ? 1 : 0));
		}
		name_key(&key, lfirst[i]);
		if (strset_add(&seen, key.s, key.len))
			i++;
		else
			free(lfirst[i]);
	}
	for (size_t i = 0; i < NARABIC_FIRST;) {
		if (chance(0.5)) {
			const struct word *w = pick_len(ar, 3, 5);
			afirst[i] = dupn(w->s, w->len);
		} else {
			afirst[i] = pattern_arabic(false, false);
		}
		name_key(&key, afirst[i]);
		if (strset_add(&seen, key.s, key.len))
			i++;
		else
			free(afirst[i]);
	}

	/* Zipf over the pools: a few given names are very common. */
	struct wordlist lw = {0}, aw = {0};
	for (size_t i = 0; i < NLATIN_FIRST; i++)
		wl_add(&lw, lfirst[i], strlen(lfirst[i]));
	for (size_t i = 0; i < NARABIC_FIRST; i++)
		wl_add(&aw, afirst[i], strlen(afirst[i]));
	struct zipf zl, za;
	zipf_init(&zl, &lw, 5, 20);
	zipf_init(&za, &aw, 5, 20);

	nm->v = xrealloc(NULL, NNAMES * sizeof *nm->v);
	nm->n = 0;
	for (int s = 0; s < 2; s++) {
		nm->by_script[s] = xrealloc(NULL, NNAMES * sizeof *nm->by_script[s]);
		nm->nby[s] = 0;
	}
	struct buf full = {0};
	while (nm->n < NNAMES) {
		struct name n = {0};
		n.arabic = chance(0.3);
		if (!n.arabic) {
			const struct word *f = zipf_pick(&zl);
			n.first = dupn(f->s, f->len);
			double r = rng_unit();
			if (r < 0.35) {
				const struct word *w = pick_len(en_caps, 4, 10);
				n.last = dupn(w->s, w->len);
			} else if (r < 0.6) {
				n.last = cap_french(fr);
			} else {
				n.last = syll_latin(2 + rng_below(2));
			}
		} else {
			const struct word *f = zipf_pick(&za);
			n.first = dupn(f->s, f->len);
			if (chance(0.4)) {
				const struct word *w = pick_len(ar, 4, 7);
				n.last = dupn(w->s, w->len);
			} else {
				n.last = pattern_arabic(chance(0.4), chance(0.3));
			}
		}
		full.len = 0;
		buf_adds(&full, n.first);
		buf_addc(&full, ' ');
		buf_adds(&full, n.last);
		name_key(&key, full.s);
		if (!strset_add(&seen, key.s, key.len)) {
			free(n.first);
			free(n.last);
			continue;
		}
		nm->by_script[n.arabic][nm->nby[n.arabic]++] = (uint32_t)nm->n;
		nm->v[nm->n++] = n;
	}
	free(full.s);
	free(key.s);
	strset_free(&seen);
	for (size_t i = 0; i < NLATIN_FIRST; i++)
		free(lfirst[i]);
	for (size_t i = 0; i < NARABIC_FIRST; i++)
		free(afirst[i]);
	free(lfirst);
	free(afirst);
	free(lw.v);
	free(aw.v);
	free(zl.w), free(zl.prob), free(zl.alias);
	free(za.w), free(za.prob), free(za.alias);
}

/* ---- articles ---- */

struct langmodel {
	struct zipf vocab, stop;
	double pstop;
	bool latin;
};

struct stats {
	size_t articles, bytes[L_MAX], names, names_tier[NTIERS], partial, proclitic, elision;
};

/*
 * A watched name for an article of language lg, mostly in the article's
 * script. The watchlists are prefixes of one list, so the tier (the smallest
 * list holding the name) is where its index falls; *tier receives it.
 */
static const struct name *
pick_name(const struct names *nm, enum lang lg, size_t *tier)
{
	double r = rng_unit();
	size_t t = r < 0.35 ? 0 : r < 0.65 ? 1 : 2;
	bool ar = (lg == L_AR) != chance(0.1); /* a tenth cross the script */
	const uint32_t *ix = nm->by_script[ar];
	size_t lo = 0, hi = nm->nby[ar]; /* count the names of this script below tiers[t] */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix[mid] < tiers[t])
			lo = mid + 1;
		else
			hi = mid;
	}
	const struct name *n = &nm->v[ix[rng_below((uint32_t)lo)]];
	size_t idx = (size_t)(n - nm->v);
	for (*tier = 0; idx >= tiers[*tier]; ++*tier)
		;
	return n;
}

static void
add_word(struct buf *b, const struct langmodel *lm)
{
	const struct word *w = chance(lm->pstop) ? zipf_pick(&lm->stop) : zipf_pick(&lm->vocab);
	buf_add(b, w->s, w->len);
}

static void
add_name(struct buf *b, const struct names *nm, enum lang lg, struct stats *st)
{
	size_t tier;
	const struct name *n = pick_name(nm, lg, &tier);
	st->names++;
	st->names_tier[tier]++;
	if (n->arabic && chance(0.3)) {
		static const char *const pro[] = {"و", "ل", "ب", "ال", "وال", "ول"};
		buf_adds(b, PICK(pro));
		st->proclitic++;
	} else if (!n->arabic && lg == L_FR && chance(0.3)) {
		static const char *const eli[] = {"d’", "l’", "d'", "l'", "qu’"};
		buf_adds(b, PICK(eli));
		st->elision++;
	}
	buf_adds(b, n->first);
	buf_addc(b, ' ');
	buf_adds(b, n->last);
	if (!n->arabic && lg == L_EN && chance(0.1))
		buf_adds(b, "’s");
}

/* A near miss: a watched given name or surname alone. */
static void
add_partial(struct buf *b, const struct names *nm, enum lang lg, struct stats *st)
{
	size_t tier;
	const struct name *n = pick_name(nm, lg, &tier);
	st->partial++;
	buf_adds(b, chance(0.5) ? n->first : n->last);
}

static void
capitalize_at(struct buf *b, size_t at)
{
	if (at < b->len && islower((unsigned char)b->s[at]))
		b->s[at] = (char)toupper((unsigned char)b->s[at]);
}

static void
add_sentence(struct buf *b, const struct langmodel *lm, const struct names *nm, enum lang lg,
             struct stats *st, bool headline)
{
	unsigned nw = headline ? 5 + rng_below(7) : 6 + rng_below(18);
	unsigned name_at = ~0u, partial_at = ~0u;
	if (chance(headline ? 0.15 : 0.015))
		name_at = rng_below(nw);
	if (chance(headline ? 0.05 : 0.012))
		partial_at = rng_below(nw);
	size_t start = b->len;
	const char *comma = lg == L_AR ? "،" : ",";
	for (unsigned i = 0; i < nw; i++) {
		if (i)
			buf_addc(b, ' ');
		if (i == name_at)
			add_name(b, nm, lg, st);
		else if (i == partial_at)
			add_partial(b, nm, lg, st);
		else if (chance(0.012)) {
			char num[16];
			snprintf(num, sizeof num, "%u",
			         chance(0.5) ? 1950 + rng_below(76) : rng_below(1000));
			buf_adds(b, num);
		} else
			add_word(b, lm);
		if (!headline && i + 2 < nw && chance(0.06))
			buf_adds(b, comma);
	}
	if (lm->latin)
		capitalize_at(b, start);
	if (!headline)
		buf_adds(b, chance(0.04) ? (lg == L_AR ? "؟" : "?") : ".");
}

static void
make_article(struct buf *b, const struct langmodel *lm, const struct names *nm, enum lang lg,
             struct stats *st)
{
	b->len = 0;
	size_t target = 3500 + rng_below(1200);
	add_sentence(b, lm, nm, lg, st, true);
	buf_adds(b, "\n\n");
	while (b->len < target) {
		unsigned ns = 2 + rng_below(5);
		for (unsigned i = 0; i < ns; i++) {
			if (i)
				buf_addc(b, ' ');
			add_sentence(b, lm, nm, lg, st, false);
		}
		buf_adds(b, "\n\n");
	}
	b->len--; /* one newline at the end */
}

/* ---- files ---- */

static void
mkdir_p(const char *path)
{
	if (mkdir(path, 0777) && errno != EEXIST)
		die("%s: %s", path, strerror(errno));
}

static void
write_file(const char *path, const char *s, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		die("%s: %s", path, strerror(errno));
	if (n && fwrite(s, 1, n, f) != n)
		die("%s: write error", path);
	if (fclose(f))
		die("%s: %s", path, strerror(errno));
}

static char *
path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = xrealloc(NULL, n);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static bool
is_corpus_name(const char *s)
{
	for (int i = 0; i < 5; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return !strcmp(s + 5, ".txt");
}

/* The stamp names the version and the article count; any missing file means regenerate. */
static bool
complete(const char *outdir)
{
	char *stamp = path_join(outdir, ".bench-gen-stamp");
	FILE *f = fopen(stamp, "r");
	free(stamp);
	if (!f)
		return false;
	char line[256] = "";
	unsigned long narticles = 0;
	bool ok = fgets(line, sizeof line, f) && !strcmp(line, GEN_VERSION "\n") &&
	          fscanf(f, "articles=%lu", &narticles) == 1 && narticles > 0;
	fclose(f);
	if (!ok)
		return false;
	char rel[64];
	struct stat sb;
	snprintf(rel, sizeof rel, "corpus/%05lu.txt", narticles - 1);
	const char *need[] = {rel,
	                      "rules-100.rules",
	                      "rules-10000.rules",
	                      "rules-100000.rules",
	                      "names-100.txt",
	                      "names-10000.txt",
	                      "names-100000.txt"};
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
		char *p = path_join(outdir, need[i]);
		ok = ok && !stat(p, &sb);
		free(p);
	}
	return ok;
}

static void
clear_corpus(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!is_corpus_name(e->d_name))
			continue;
		char *p = path_join(dir, e->d_name);
		if (unlink(p))
			die("%s: %s", p, strerror(errno));
		free(p);
	}
	closedir(d);
}

static void
write_lists(const char *outdir, const struct names *nm)
{
	struct buf rules = {0}, names = {0};
	size_t done = 0;
	for (size_t t = 0; t < NTIERS; t++) {
		for (; done < tiers[t]; done++) {
			const struct name *n = &nm->v[done];
			char hdr[40];
			snprintf(hdr, sizeof hdr, "%s[rule n%06zu]\nquery = \"", done ? "\n" : "",
			         done);
			buf_adds(&rules, hdr);
			buf_adds(&rules, n->first);
			buf_addc(&rules, ' ');
			buf_adds(&rules, n->last);
			buf_adds(&rules, "\"\n");
			buf_adds(&names, n->first);
			buf_addc(&names, ' ');
			buf_adds(&names, n->last);
			buf_addc(&names, '\n');
		}
		char fn[64];
		snprintf(fn, sizeof fn, "rules-%zu.rules", tiers[t]);
		char *p = path_join(outdir, fn);
		write_file(p, rules.s, rules.len);
		free(p);
		snprintf(fn, sizeof fn, "names-%zu.txt", tiers[t]);
		p = path_join(outdir, fn);
		write_file(p, names.s, names.len);
		free(p);
	}
	free(rules.s);
	free(names.s);
}

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: bench_gen OUTDIR\n");
		return 2;
	}
	const char *outdir = argv[1];
	if (complete(outdir)) {
		printf("bench_gen: reusing %s (%s)\n", outdir, GEN_VERSION);
		return 0;
	}
	double t0 = now();
	rng_seed(GEN_SEED);

	struct wordlist fr = {0}, en = {0}, en_caps = {0}, ar = {0};
	load_latin(dict_fr, &fr, NULL);
	load_latin(dict_en, &en, &en_caps);
	load_arabic(dict_ar, &ar);
	if (fr.n < 1000 || en.n < 1000 || en_caps.n < 1000 || ar.n < 1000)
		die("word lists too small (fr %zu, en %zu, en names %zu, ar %zu)", fr.n, en.n,
		    en_caps.n, ar.n);

	struct langmodel lm[L_MAX];
	const char *const *stops[L_MAX] = {stop_fr, stop_en, stop_ar};
	const struct wordlist *vocab[L_MAX] = {&fr, &en, &ar};
	for (int l = 0; l < L_MAX; l++) {
		struct wordlist sw = {0};
		stop_list(&sw, stops[l]);
		zipf_init(&lm[l].vocab, vocab[l], 2.7, 10);
		zipf_init(&lm[l].stop, &sw, 1.0, 0);
		free(sw.v);
		lm[l].pstop = 0.42;
		lm[l].latin = l != L_AR;
	}

	struct names nm;
	make_names(&nm, &en_caps, &fr, &ar);

	mkdir_p(outdir);
	char *stamp = path_join(outdir, ".bench-gen-stamp");
	unlink(stamp);
	char *cdir = path_join(outdir, "corpus");
	mkdir_p(cdir);
	clear_corpus(cdir);
	write_lists(outdir, &nm);

	struct stats st = {0};
	struct buf art = {0};
	size_t total = 0;
	while (total < CORPUS_BYTES) {
		double r = rng_unit();
		enum lang lg = r < 0.4 ? L_FR : r < 0.8 ? L_EN : L_AR;
		make_article(&art, &lm[lg], &nm, lg, &st);
		char fn[32];
		snprintf(fn, sizeof fn, "%05zu.txt", st.articles);
		char *p = path_join(cdir, fn);
		write_file(p, art.s, art.len);
		free(p);
		st.articles++;
		st.bytes[lg] += art.len;
		total += art.len;
	}

	FILE *f = fopen(stamp, "w");
	if (!f || fprintf(f, "%s\narticles=%zu bytes=%zu\n", GEN_VERSION, st.articles, total) < 0 ||
	    fclose(f))
		die("%s: cannot write", stamp);

	printf("bench_gen: %zu articles, %.1f MiB (fr %.0f%%, en %.0f%%, ar %.0f%%), "
	       "%zu name mentions (%.2f/article; tiers 100/10k/100k: %zu/%zu/%zu; "
	       "%zu with proclitic, %zu with elision), %zu lone name parts, %.2f s\n",
	       st.articles, total / 1048576.0, 100.0 * st.bytes[L_FR] / total,
	       100.0 * st.bytes[L_EN] / total, 100.0 * st.bytes[L_AR] / total, st.names,
	       (double)st.names / st.articles, st.names_tier[0], st.names_tier[1], st.names_tier[2],
	       st.proclitic, st.elision, st.partial, now() - t0);
	free(art.s);
	free(stamp);
	free(cdir);
	return 0;
}
