/*
 * utf8.c: UTF-8 decoding, encoding and cleaning.
 *
 * utf8_clean() is on the path of every document, so it avoids utf8proc for
 * text that NFC cannot change: a bitmap built once tells which BMP code points
 * may take part in a composition or a reordering, and only the short segments
 * around them go through utf8proc.
 */
#include "utf8.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

size_t
utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned b0;
	uint32_t c, min;
	size_t n, i;

	if (len == 0) {
		*cp = UTF8_REPLACEMENT;
		return 0;
	}
	b0 = s[0];
	if (b0 < 0x80) {
		*cp = b0;
		return 1;
	}
	if (b0 >= 0xC2 && b0 <= 0xDF) {
		n = 2, c = b0 & 0x1F, min = 0x80;
	} else if (b0 >= 0xE0 && b0 <= 0xEF) {
		n = 3, c = b0 & 0x0F, min = 0x800;
	} else if (b0 >= 0xF0 && b0 <= 0xF4) {
		n = 4, c = b0 & 0x07, min = 0x10000;
	} else {
		goto bad;
	}
	if (len < n)
		goto bad;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3F);
	}
	/* Overlong forms, UTF-16 surrogates and values past U+10FFFF. */
	if (c < min || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
		goto bad;
	*cp = c;
	return n;
bad:
	*cp = UTF8_REPLACEMENT;
	return 1;
}

size_t
utf8_encode(uint32_t cp, char out[4])
{
	if (cp >= 0xD800 && cp <= 0xDFFF)
		cp = UTF8_REPLACEMENT;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp > 0x10FFFF)
		cp = UTF8_REPLACEMENT;
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t
utf8_count(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n = 0;
	uint32_t cp;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
		} else {
			i += utf8_decode(p + i, len - i, &cp);
		}
		n++;
	}
	return n;
}

int
utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		if (p[i] < 0x80) {
			/* ASCII eight bytes at a time */
			while (i + 8 <= len) {
				uint64_t w;

				memcpy(&w, p + i, 8);
				if (w & 0x8080808080808080ull)
					break;
				i += 8;
			}
			while (i < len && p[i] < 0x80)
				i++;
			continue;
		}
		/* a lead byte C2..DF and a continuation byte are always valid (Latin, Arabic...) */
		if (p[i] >= 0xC2 && p[i] <= 0xDF && i + 1 < len && (p[i + 1] & 0xC0) == 0x80) {
			i += 2;
			continue;
		}
		n = utf8_decode(p + i, len - i, &cp);
		/* A real U+FFFD takes three bytes; a one-byte one marks an error. */
		if (n == 1)
			return 0;
		i += n;
	}
	return 1;
}

size_t
utf8_floor(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t start = len, need;
	unsigned b;

	/* Find the lead byte of the last sequence, at most 3 bytes back. */
	while (start > 0 && len - start < 4 && (p[start - 1] & 0xC0) == 0x80)
		start--;
	if (start == 0 || len - start >= 4)
		return len;
	b = p[start - 1];
	if (b >= 0xC2 && b <= 0xDF)
		need = 2;
	else if (b >= 0xE0 && b <= 0xEF)
		need = 3;
	else if (b >= 0xF0 && b <= 0xF4)
		need = 4;
	else
		return len; /* not a lead byte: each stray byte stands alone */
	/* Cut before a sequence that the end of the buffer truncates. */
	return (len - (start - 1) < need) ? start - 1 : len;
}

/* ---- cleaning ---------------------------------------------------------- */

/*
 * nfc_bits: BMP code points that NFC may change or that may combine with
 * their neighbours. A code point outside the set is a safe segment boundary:
 * NFC never reorders across it nor composes it with what precedes it.
 */
static uint8_t nfc_bits[0x10000 / 8];
static pthread_once_t nfc_once = PTHREAD_ONCE_INIT;

static void
nfc_mark(uint32_t cp)
{
	nfc_bits[cp >> 3] |= (uint8_t)(1u << (cp & 7));
}

/* Mark cp when NFC(cp) != cp, and the trailing parts of its decomposition. */
static void
nfc_mark_decomposition(uint32_t cp)
{
	utf8proc_int32_t buf[32], nfc[32];
	utf8proc_ssize_t n, m, k;
	int bc = 0;

	n = utf8proc_decompose_char((utf8proc_int32_t)cp, buf, 32,
	                            UTF8PROC_STABLE | UTF8PROC_DECOMPOSE, &bc);
	if (n <= 0 || n > 32)
		return;
	memcpy(nfc, buf, (size_t)n * sizeof(buf[0]));
	m = utf8proc_normalize_utf32(nfc, n, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (m != 1 || (uint32_t)nfc[0] != cp) {
		nfc_mark(cp);
		return;
	}
	/* cp is a composite: every later part may compose with what precedes it. */
	for (k = 1; k < n; k++)
		if ((uint32_t)buf[k] < 0x10000)
			nfc_mark((uint32_t)buf[k]);
}

static void
nfc_build(void)
{
	uint32_t cp;

	for (cp = 0x80; cp < 0x10000; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		if (utf8proc_get_property((utf8proc_int32_t)cp)->combining_class != 0)
			nfc_mark(cp);
		/* Conjoining jamo compose into syllables. */
		if ((cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0xA960 && cp <= 0xA97F) ||
		    (cp >= 0xD7B0 && cp <= 0xD7FF))
			nfc_mark(cp);
		nfc_mark_decomposition(cp);
	}
}

/* May NFC change cp or combine it with its neighbours? */
static int
nfc_candidate(uint32_t cp)
{
	const utf8proc_property_t *p;

	if (cp < 0x10000)
		return (nfc_bits[cp >> 3] >> (cp & 7)) & 1;
	p = utf8proc_get_property((utf8proc_int32_t)cp);
	if (p->combining_class != 0)
		return 1;
	if (p->decomp_seqindex != UINT16_MAX && p->decomp_type == 0)
		return 1; /* canonical decomposition: a singleton or a composite */
	/* Astral Brahmic scripts hold the only astral composable vowel signs. */
	return cp >= 0x11000 && cp <= 0x11FFF;
}

/* A growable byte buffer; the clean result is built in one. */
struct buf {
	char *p;
	size_t n, cap;
};

static int
buf_reserve(struct buf *b, size_t more)
{
	size_t cap;
	char *np;

	if (b->cap - b->n > more)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap - b->n <= more) {
		if (cap > SIZE_MAX / 2)
			return -1;
		cap *= 2;
	}
	np = realloc(b->p, cap);
	if (np == NULL)
		return -1;
	b->p = np;
	b->cap = cap;
	return 0;
}

static int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return b->p != NULL || buf_reserve(b, 0) == 0 ? 0 : -1;
	if (buf_reserve(b, n) < 0)
		return -1;
	memcpy(b->p + b->n, p, n);
	b->n += n;
	return 0;
}

/*
 * Copy s with every invalid sequence replaced by U+FFFD into out. Returns 0,
 * or -1 on allocation failure.
 */
static int
clean_repair(const unsigned char *s, size_t len, struct buf *out)
{
	static const char repl[3] = {(char)0xEF, (char)0xBF, (char)0xBD};
	size_t i = 0, run = 0, n;
	uint32_t cp;

	if (buf_reserve(out, len + len / 2 + 1) < 0)
		return -1;
	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8_decode(s + i, len - i, &cp);
		if (n == 1) {
			if (buf_add(out, s + run, i - run) < 0 || buf_add(out, repl, 3) < 0)
				return -1;
			run = i + 1;
		}
		i += n;
	}
	return buf_add(out, s + run, len - run);
}

/* NFC of one segment s[0..len), appended to out; *u32 is reusable scratch. */
static int
clean_nfc_segment(const unsigned char *s, size_t len, struct buf *out, utf8proc_int32_t **u32,
                  size_t *u32cap)
{
	const utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_COMPOSE;
	utf8proc_ssize_t n, bytes;
	utf8proc_int32_t *np;

	for (;;) {
		n = utf8proc_decompose(s, (utf8proc_ssize_t)len, *u32, (utf8proc_ssize_t)*u32cap,
		                       opt);
		if (n < 0)
			return buf_add(out, s, len); /* cannot happen on repaired text */
		/* utf8proc_reencode writes UTF-8 and a NUL in place: keep one more. */
		if ((size_t)n < *u32cap)
			break;
		np = realloc(*u32, ((size_t)n + 1) * sizeof(**u32));
		if (np == NULL)
			return -1;
		*u32 = np;
		*u32cap = (size_t)n + 1;
	}
	bytes = utf8proc_reencode(*u32, n, opt);
	if (bytes < 0)
		return buf_add(out, s, len);
	return buf_add(out, *u32, (size_t)bytes);
}

/*
 * NFC of s[0..len) (valid UTF-8) into out: plain stretches are copied, each
 * segment from the last safe code point before a candidate up to the next
 * safe code point goes through utf8proc.
 */
static int
clean_nfc(const unsigned char *s, size_t len, struct buf *out)
{
	utf8proc_int32_t *u32 = NULL;
	size_t u32cap = 0, i = 0, copied = 0, safe = 0, n;
	uint32_t cp;
	int rc = 0;

	if (buf_reserve(out, len + 1) < 0)
		return -1;
	while (i < len && rc == 0) {
		if (s[i] < 0x80) {
			safe = i++;
			continue;
		}
		n = utf8_decode(s + i, len - i, &cp);
		if (!nfc_candidate(cp)) {
			safe = i;
			i += n;
			continue;
		}
		/* The segment starts at the last safe code point (or here). */
		if (safe < copied || safe > i)
			safe = i;
		i += n;
		while (i < len) {
			n = utf8_decode(s + i, len - i, &cp);
			if (s[i] < 0x80 || !nfc_candidate(cp))
				break;
			i += n;
		}
		rc = buf_add(out, s + copied, safe - copied);
		if (rc == 0)
			rc = clean_nfc_segment(s + safe, i - safe, out, &u32, &u32cap);
		copied = i;
		safe = i;
	}
	if (rc == 0)
		rc = buf_add(out, s + copied, len - copied);
	free(u32);
	return rc;
}

/*
 * SSE2 (part of every x86-64) lets clean_scan() take 16 bytes a step: blocks
 * of ASCII, and blocks of ASCII and two-byte forms (French accents, Arabic,
 * Cyrillic words), without a branch per character or per run, whose
 * outcomes text mixing scripts makes unpredictable. HARK_NO_SIMD builds the
 * scalar loop alone, to test it.
 */
#if defined(__SSE2__) && !defined(HARK_NO_SIMD)
#include <emmintrin.h>
#define HAVE_SCAN16 1

/* The mask of the bytes of v in [lo, lo + n), n < 128. */
static inline unsigned
byte_range16(__m128i v, unsigned lo, unsigned n)
{
	/* shifted so that the range starts at -128: one signed compare */
	const __m128i x = _mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - lo)));

	return (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(x, _mm_set1_epi8((char)(n - 128))));
}

/*
 * Check the 16 bytes at s (17 readable): returns how many it took (16, or
 * 17 when a two-byte form straddles the end), or 0 when they hold anything
 * else than ASCII and whole two-byte forms. Sets *need when a form may call
 * for NFC: only those of U+0300 and above (lead byte 0xCC on) can.
 */
static inline size_t
scan16(const unsigned char *s, int *need)
{
	const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
	unsigned hi = (unsigned)_mm_movemask_epi8(v), lead, cont, late;
	uint32_t cp;
	size_t k;

	/* no branch for ASCII blocks: in French text, blocks with and
	 * without accents alternate as no predictor can guess */
	lead = byte_range16(v, 0xC2, 0xDF - 0xC2 + 1);
	cont = byte_range16(v, 0x80, 0xBF - 0x80 + 1);
	/* every high byte a lead or a continuation, every continuation after
	 * a lead and every lead before one (the 17th byte for the last) */
	if ((hi ^ (lead | cont)) | (cont ^ ((lead << 1) & 0xFFFF)) |
	    ((lead >> 15) & ((s[16] & 0xC0) != 0x80)))
		return 0;
	if (!*need)
		for (late = lead & byte_range16(v, 0xCC, 0xDF - 0xCC + 1); late != 0;
		     late &= late - 1) {
			k = (size_t)__builtin_ctz(late);
			cp = ((uint32_t)(s[k] & 0x1F) << 6) | (s[k + 1] & 0x3F);
			*need |= (nfc_bits[cp >> 3] >> (cp & 7)) & 1;
		}
	return 16 + (lead >> 15);
}
#endif

/*
 * One pass over s[0..len): -1 when it holds an invalid sequence, else 1 when
 * some code point calls for NFC, else 0. ASCII and two-byte forms go 16
 * bytes at a time (scan16), else runs of ASCII eight bytes at a time: most
 * text is mostly ASCII, and this is on every document's path.
 */
static int
clean_scan(const unsigned char *s, size_t len)
{
	size_t i = 0, n;
	uint32_t cp;
	int need = 0;

	while (i < len) {
#ifdef HAVE_SCAN16
		if (len - i > 16 && (n = scan16(s + i, &need)) > 0) {
			i += n;
			continue;
		}
#endif
		if (i + 8 <= len) {
			uint64_t w;

			memcpy(&w, s + i, 8);
			w &= 0x8080808080808080ull;
			if (w == 0) {
				i += 8;
				continue;
			}
			/* jump to the first byte with the high bit (little endian) */
			i += (size_t)__builtin_ctzll(w) >> 3;
		} else if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xC2 && s[i] <= 0xDF && i + 1 < len && (s[i + 1] & 0xC0) == 0x80) {
			/* two-byte characters inline: the BMP bitmap answers for them */
			/* two-byte runs (Arabic, Cyrillic words) stay in this loop */
			do {
				cp = ((uint32_t)(s[i] & 0x1F) << 6) | (s[i + 1] & 0x3F);
				need |= (nfc_bits[cp >> 3] >> (cp & 7)) & 1;
				i += 2;
			} while (i + 1 < len && s[i] >= 0xC2 && s[i] <= 0xDF &&
			         (s[i + 1] & 0xC0) == 0x80);
			continue;
		}
		if ((n = utf8_decode(s + i, len - i, &cp)) == 1) {
			return -1; /* a valid non-ASCII character takes 2 bytes or more */
		}
		if (!need && nfc_candidate(cp))
			need = 1;
		i += n;
	}
	return need;
}

int
utf8_clean_changes(const char *s, size_t len)
{
	pthread_once(&nfc_once, nfc_build);
	return clean_scan((const unsigned char *)s, len) != 0;
}

char *
utf8_clean(const char *s, size_t len, size_t *outlen)
{
	struct buf rep = {0}, out = {0};
	const unsigned char *src = (const unsigned char *)s;
	size_t srclen = len;

	int scan;

	pthread_once(&nfc_once, nfc_build);
	scan = clean_scan(src, srclen);
	if (scan < 0) {
		if (clean_repair(src, len, &rep) < 0)
			goto fail;
		src = (const unsigned char *)rep.p;
		srclen = rep.n;
		scan = clean_scan(src, srclen);
	}
	if (scan > 0) {
		if (clean_nfc(src, srclen, &out) < 0)
			goto fail;
		free(rep.p);
	} else if (rep.p != NULL) {
		out = rep;
	} else if (buf_add(&out, s, len) < 0) {
		goto fail;
	}
	if (buf_add(&out, "", 1) < 0) {
		free(out.p);
		return NULL;
	}
	if (outlen != NULL)
		*outlen = out.n - 1;
	/* a large text keeps no doubling slack: it lives as long as its document */
	if (out.cap - out.n > 65536) {
		char *np = realloc(out.p, out.n);

		if (np != NULL)
			out.p = np;
	}
	return out.p;
fail:
	free(rep.p);
	free(out.p);
	return NULL;
}

uint32_t
utf8_c1_windows(uint32_t cp)
{
	static const uint16_t w1252[32] = {
	    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
	    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
	    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

	return cp >= 0x80 && cp <= 0x9F ? w1252[cp - 0x80] : cp;
}

int
utf8_nonchar(uint32_t cp)
{
	return (cp >= 0xFDD0 && cp <= 0xFDEF) || ((cp & 0xFFFE) == 0xFFFE && cp <= 0x10FFFF);
}

int
utf8_disguise(uint32_t cp)
{
	if (cp == 0x85 || cp == 0x2028 || cp == 0x2029)
		return UTF8_LINEBREAK;
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e ||
	    cp == 0x200f || cp == 0x061c || cp == 0x200b || (cp >= 0x2060 && cp <= 0x2064) ||
	    cp == 0xfeff || cp == 0x180e)
		return UTF8_HIDDEN;
	return 0;
}
