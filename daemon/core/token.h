/*
 * token.h: the normalization pipeline and tokenizer of RULES.md §3 and §4.
 * One pipeline serves rule terms and document text alike.
 */
#ifndef HARK_TOKEN_H
#define HARK_TOKEN_H

#include <stddef.h>
#include <stdint.h>

enum script {
	SCRIPT_OTHER = 0, /* Common, Inherited, or a script with no special rule */
	SCRIPT_LATIN,
	SCRIPT_GREEK,
	SCRIPT_CYRILLIC,
	SCRIPT_ARABIC,
	SCRIPT_HEBREW,
	SCRIPT_NOSPACE, /* Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar */
	SCRIPT_HANGUL,
	SCRIPT_DIGIT, /* a token of digits only */
};

struct token {
	uint32_t start, end; /* byte span of the token in the source text */
	uint32_t norm;       /* offset of the normalized text in toklist.norm */
	uint32_t normlen;    /* its length in bytes (never 0) */
	uint8_t script;      /* enum script of the token's first letter */
	uint8_t flags;       /* TOK_* */
};

#define TOK_ACRONYM 0x01 /* formed from single letters joined by dots (U.S.) */

/* A growable list of tokens; owns both arrays. */
struct toklist {
	struct token *v;
	size_t n, cap;
	char *norm; /* normalized token texts, each NUL-terminated */
	size_t normlen, normcap;
};

/*
 * After token_split(), norm holds at least this many allocated bytes past
 * normlen (of no given value), so that a reader may load 16 bytes from the
 * start of any token text, or of any suffix of one, without a bounds check.
 */
#define TOKEN_NORM_SLACK 16

/*
 * The version of the normalization: raise it whenever a change makes
 * token_split() give other texts for some input (a fold, a table, a rule of
 * §3 or §4). The store records the version its full-text index was made
 * with, and harkd rebuilds the index when they differ (reindex.c). 2: NFC
 * rule words, the Latin letters of latinfold.c.
 */
#define NORM_VERSION 2

/*
 * Ready the fold tables once: the build made them (normtab.inc); they are
 * made again only with another utf8proc than the build's. Thread-safe; the
 * other functions call it.
 */
void norm_init(void);

void toklist_init(struct toklist *tl);
void toklist_clear(struct toklist *tl); /* keeps the memory */
void toklist_free(struct toklist *tl);

/*
 * Where a chunk of s[0..len) that starts at off ends when a large text is
 * tokenized a piece at a time: about size bytes on, just after a space or
 * a newline (no token spans one, so the pieces give the tokens of the
 * whole), or len when the rest is shorter or holds no such byte.
 */
size_t token_chunk_end(const char *s, size_t len, size_t off, size_t size);

/*
 * Normalize and split text[0..len) into tokens appended to tl (RULES.md §3-4:
 * invisible characters, Arabic obfuscation, NFKC + case fold, mark stripping
 * by script, letter folds, separators, dotted acronyms, French elision, the
 * English possessive, one
 * token per character in scripts without spaces). Invalid UTF-8 is read as
 * U+FFFD. Offsets are relative to text. Returns 0, or -1 when out of memory
 * or when text is 4 GiB or more. Keeps TOKEN_NORM_SLACK bytes of room.
 */
int token_split(const char *text, size_t len, struct toklist *tl);

static inline const char *
token_text(const struct toklist *tl, const struct token *t)
{
	return tl->norm + t->norm;
}

/*
 * Arabic proclitic readings (RULES.md §4) of one normalized Arabic-script
 * token: every string a rule term may equal for the term to match the token,
 * other than the token itself. That is the token less a prefix of at most two
 * letters (و or ف, then ب ك or ل), and of each such remainder that starts
 * with the article ال (or fused لل after a proclitic), the remainder without
 * the article; every reading keeps at least two letters. Readings point into
 * norm or into scratch, which must hold 2 * len + 8 bytes. Returns the count.
 */
#define TOKEN_MAX_READINGS 12
struct reading {
	const char *s;
	size_t len;
};
int token_readings(const char *norm, size_t len, char *scratch,
                   struct reading out[TOKEN_MAX_READINGS]);

/* The script class of a code point (enum script, never SCRIPT_DIGIT). */
int script_of(uint32_t cp);

#endif
