/* utf8.h: UTF-8 decoding, encoding and cleaning. Pure, no allocation unless stated. */
#ifndef HARK_UTF8_H
#define HARK_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_REPLACEMENT 0xFFFDu

/*
 * Decode the code point at s[0..len). Returns the bytes consumed (1..4, 0 only
 * when len is 0). An invalid or truncated sequence, an overlong form, a
 * surrogate or a value above U+10FFFF yields U+FFFD and consumes one byte, so
 * decoding always advances.
 */
size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/*
 * What a stranger's text uses to look like something else: the bidi
 * embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), the
 * bidi marks (U+200E, U+200F, U+061C) and the zero-width characters
 * (U+200B, U+2060-U+2064, U+FEFF, U+180E) return UTF8_HIDDEN: alerts drop
 * them, logs quote them. The line breaks no chat or header may hold
 * (U+0085, U+2028, U+2029) return UTF8_LINEBREAK: a space in an alert.
 * ZWNJ and ZWJ (U+200C, U+200D) are 0 like every other character: Persian
 * words and emoji sequences need them.
 */
enum { UTF8_HIDDEN = 1, UTF8_LINEBREAK = 2 };
int utf8_disguise(uint32_t cp);

/*
 * 1 for the noncharacters (U+FDD0-U+FDEF, and the last two of every plane:
 * U+FFFE, U+FFFF... U+10FFFF), never meant for interchange: every output
 * drops them (the pages and feeds through page.c, the mails' headers and
 * text parts through mail.c), so that all say the same.
 */
int utf8_nonchar(uint32_t cp);

/*
 * What a numeric character reference to a C1 control means (the WHATWG
 * tokenizer's table): pages and feeds written in windows-1252 say "&#150;"
 * for its byte 0x96, an en dash, not U+0096. Returns the windows-1252
 * character for U+0080-U+009F, cp itself for every other value (the five
 * bytes windows-1252 leaves undefined, 0x81 0x8D 0x8F 0x90 0x9D, too).
 */
uint32_t utf8_c1_windows(uint32_t cp);

/* Encode cp into out (4 bytes); returns the length. Invalid cp encodes U+FFFD. */
size_t utf8_encode(uint32_t cp, char out[4]);

/* Number of code points in s[0..len), counting each invalid byte as one. */
size_t utf8_count(const char *s, size_t len);

/* 1 when s[0..len) is valid UTF-8, else 0. */
int utf8_valid(const char *s, size_t len);

/*
 * Clean text for matching: invalid sequences become U+FFFD, then the result is
 * put in Unicode NFC (skipped when the text cannot change under NFC). Returns
 * a NUL-terminated string the caller owns (free()), its length in *outlen;
 * NULL on allocation failure.
 */
char *utf8_clean(const char *s, size_t len, size_t *outlen);
/* 1 when utf8_clean(s, len) would not give s back as it is, else 0. */
int utf8_clean_changes(const char *s, size_t len);

/* Largest n <= len such that s[0..n) ends on a character boundary. */
size_t utf8_floor(const char *s, size_t len);

#endif
