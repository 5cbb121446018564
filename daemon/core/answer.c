/*
 * answer.c: a receiver's answer (answer.h). Its first line goes into the
 * database, hark deliveries, the pages and the log: valid UTF-8 without
 * anything that moves a terminal's cursor or turns text around.
 */
#include <stdint.h>
#include <string.h>

#include "answer.h"
#include "utf8.h"

bool
answer_permanent(long status)
{
	switch (status) {
	case 400:
	case 401:
	case 403:
	case 404:
	case 413:
	case 422:
		return true;
	default:
		return false;
	}
}

/* Characters that change how the text around them shows, never worth keeping. */
static bool
answer_invisible(uint32_t cp)
{
	return (cp >= 0x200b && cp <= 0x200f) || /* zero-width, LRM, RLM */
	       (cp >= 0x202a && cp <= 0x202e) || /* bidi embeddings and overrides */
	       (cp >= 0x2060 && cp <= 0x2069) || /* word joiner, bidi isolates */
	       cp == 0xfeff || cp == 0xfffd || cp == 0x2028 || cp == 0x2029;
}

void
answer_line(const char *body, size_t len, char *out, size_t outsz)
{
	const unsigned char *s = (const unsigned char *)body;
	size_t o = 0, i = 0, max = outsz - 4; /* room for "…" and the NUL */
	bool cut = false;

	out[0] = '\0';
	while (i < len && s[i] != '\r' && s[i] != '\n') {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		char enc[4];
		size_t elen;

		/* an invalid byte decodes as U+FFFD, one byte: dropped */
		i += n;
		if (cp == 0x85)
			break; /* NEL ends a line too */
		if (answer_invisible(cp))
			continue;
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			cp = ' ';
		/* blanks: none first, one for a run */
		if (cp == ' ' && (o == 0 || out[o - 1] == ' '))
			continue;
		elen = utf8_encode(cp, enc);
		if (o + elen > max) {
			cut = true;
			break;
		}
		memcpy(out + o, enc, elen);
		o += elen;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	if (cut) {
		memcpy(out + o, "\xe2\x80\xa6", 3);
		o += 3;
	}
	out[o] = '\0';
}
