/*
 * termtext.c: text on a terminal, escaped (hark.h: hark_put_text), for
 * hark's outputs and harkd -n's alike, so that both print a diagnostic the
 * same way.
 */
#include <stdio.h>
#include <stdlib.h>

#include "diag.h"
#include "hark.h"
#include "utf8.h"

/*
 * The bidirectional embeddings, overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069): they reorder the rest of a terminal's line, so a name or
 * title could show other text than it holds (Trojan Source). The marks
 * (LRM, RLM, ALM) that Persian and Arabic text holds, ZWNJ and ZWJ, and the
 * zero-width spaces a Slack text's escaping holds (hark sink) stay: they
 * reorder nothing past themselves. harkd's log quotes more (utf8_disguise).
 */
static int
text_bidi(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/*
 * The next character of s[0..n) (n > 0) as a terminal may be shown it:
 * *esc is its escaped form (esc_len bytes; 0 when it is shown as it is).
 * Returns the bytes it takes in s. See hark_put_text().
 */
size_t
hark_text_unit(const unsigned char *s, size_t n, int how, char esc[8], size_t *esc_len)
{
	uint32_t cp;
	size_t k;

	*esc_len = 0;
	if (s[0] >= 0x20 && s[0] < 0x7f)
		return 1;
	if (s[0] == '\n' || s[0] == '\t') {
		if (how == HARK_TEXT_LINE) {
			esc[0] = ' ';
			*esc_len = 1;
		}
		return 1;
	}
	if (s[0] < 0x80) { /* the other C0 controls, DEL */
		*esc_len = (size_t)snprintf(esc, 8, "\\x%02x", s[0]);
		return 1;
	}
	k = utf8_decode(s, n, &cp);
	if (cp == UTF8_REPLACEMENT && k == 1) /* a byte that is not UTF-8 */
		*esc_len = (size_t)snprintf(esc, 8, "\\x%02x", s[0]);
	else if (cp <= 0x9f || text_bidi(cp)) /* C1: U+009B is CSI, U+009D OSC to some terminals */
		*esc_len = (size_t)snprintf(esc, 8, "\\u%04x", (unsigned)cp);
	return k;
}

/*
 * The bytes of s[0..n) that hark_text_unit() takes as they are, from the start:
 * printable ASCII a byte at a time, the rest by its decoding. Nearly every
 * text is all of it (hark match escapes every hit line it prints).
 */
size_t
hark_text_safe(const unsigned char *s, size_t n)
{
	size_t i = 0;

	for (;;) {
		uint32_t cp;
		size_t k;

		while (i < n && s[i] >= 0x20 && s[i] < 0x7f)
			i++;
		if (i >= n || s[i] < 0x80)
			return i;
		/* two bytes from U+00A0 to U+07FF (accents, Arabic): no control, no bidi */
		if (i + 1 < n && (s[i + 1] & 0xC0) == 0x80 &&
		    ((s[i] >= 0xC3 && s[i] <= 0xDF) || (s[i] == 0xC2 && s[i + 1] >= 0xA0))) {
			i += 2;
			continue;
		}
		k = utf8_decode(s + i, n - i, &cp);
		if ((cp == UTF8_REPLACEMENT && k == 1) || cp <= 0x9f || text_bidi(cp))
			return i;
		i += k;
	}
}

void
hark_put_text(FILE *f, const char *s, size_t n, int how)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		char esc[8];
		size_t el, k, run = hark_text_safe(p + i, n - i);

		fwrite(s + i, 1, run, f);
		if ((i += run) >= n)
			break;
		k = hark_text_unit(p + i, n - i, how, esc, &el);
		if (el == 0)
			fwrite(s + i, 1, k, f);
		else
			fwrite(esc, 1, el, f);
		i += k;
	}
}

void
hark_diags_print(const struct diags *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (m == NULL) {
		fputs("hark: out of memory\n", stderr);
		return;
	}
	diags_print(d, m);
	if (fclose(m) == 0) /* one line a diagnostic: its newlines kept */
		hark_put_text(stderr, buf, len, HARK_TEXT_BLOCK);
	free(buf);
}
