/*
 * langdecl.c: the edit that declares a file's language the way its format
 * does (langdecl.h). The file is only read: the caller (hark ingest) writes
 * the edited copy.
 */
#include "langdecl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "article.h"
#include "extract.h"
#include "frontmatter.h"
#include "jsonart.h"
#include "markdown.h"
#include "utf8.h"

#define LANGDECL_BLANKS " \t\r\f\v"

/* A YAML double-quoted scalar of s[0..n): malloc'd, NULL when out of memory. */
static char *
langdecl_quote(const char *s, size_t n)
{
	char *q = malloc(n * 4 + 3), *w = q;

	if (q == NULL)
		return NULL;
	*w++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		uint32_t cp;
		size_t k;

		if (c == '"' || c == '\\') {
			*w++ = '\\';
			*w++ = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			w += snprintf(w, 5, "\\x%02x", c);
		} else if (c >= 0x80 &&
		           (k = utf8_decode((const unsigned char *)s + i, n - i, &cp)) > 1 &&
		           ((cp >= 0x80 && cp <= 0x9F && cp != 0x85) || cp == 0xFEFF ||
		            cp == 0xFFFE || cp == 0xFFFF)) {
			/* what YAML may not hold as it is (C1 controls, a BOM, non-characters) */
			w += snprintf(w, 7, "\\u%04X", (unsigned)cp);
			i += k - 1;
		} else {
			*w++ = (char)c;
		}
	}
	*w++ = '"';
	*w = '\0';
	return q;
}

/* Plain text: a front matter with the first non-blank line as title, and lang. */
static const char *
langdecl_text(const char *b, size_t len, size_t bom, const char *lang, struct langdecl *d)
{
	size_t i = bom, s = bom, e = bom;
	char *title;
	int n;

	while (i < len) {
		for (s = i; i < len && b[i] != '\n'; i++)
			;
		for (e = i; e > s && strchr(LANGDECL_BLANKS, b[e - 1]) != NULL; e--)
			;
		while (s < e && strchr(LANGDECL_BLANKS, b[s]) != NULL)
			s++;
		if (s < e)
			break;
		i++; /* past the newline of a blank line */
	}
	if (s >= e)
		return "no text in it";
	if ((title = langdecl_quote(b + s, e - s)) == NULL)
		return "out of memory";
	n = asprintf(&d->text, "---\ntitle: %s\nlang: %s\n---\n", title, lang);
	free(title);
	if (n < 0) {
		d->text = NULL;
		return "out of memory";
	}
	d->len = (size_t)n;
	d->at = bom;
	d->skip = (i < len ? i + 1 : len) - bom; /* the title line and the blank ones before */
	return NULL;
}

/*
 * A Markdown file: a front matter of "lang:" alone before it, the file
 * kept whole; its title is then found as it is without the block (its
 * first heading, else its first line, markup out: extract.c).
 */
static const char *
langdecl_markdown(size_t bom, const char *lang, struct langdecl *d)
{
	int n = asprintf(&d->text, "---\nlang: %s\n---\n", lang);

	if (n < 0) {
		d->text = NULL;
		return "out of memory";
	}
	d->len = (size_t)n;
	d->at = bom;
	d->skip = 0;
	return NULL;
}

/*
 * A front matter: "lang: LL" before the line that closes it ("---" or more
 * dashes, or "...", blanks after); in a TOML one ("+++"), 'lang = "LL"'
 * before its closing line or its first table header, whichever comes
 * first (a key after a header would be the table's).
 */
static const char *
langdecl_frontmatter(const char *b, size_t len, size_t bom, const char *lang, struct langdecl *d)
{
	size_t i = bom, s, e, k;
	int n, toml = len - bom >= 3 && memcmp(b + bom, "+++", 3) == 0;

	while (i < len && b[i] != '\n')
		i++;
	while (i < len) {
		s = ++i;
		while (i < len && b[i] != '\n')
			i++;
		for (e = i; e > s && (b[e - 1] == ' ' || b[e - 1] == '\t' || b[e - 1] == '\r'); e--)
			;
		/* the closing line as frontmatter_sniff() reads it */
		for (k = s; k < e && b[k] == '-'; k++)
			;
		if (toml ? (e - s == 3 && memcmp(b + s, "+++", 3) == 0) || (s < e && b[s] == '[')
		         : (e - s >= 3 && k == e) || (e - s == 3 && memcmp(b + s, "...", 3) == 0)) {
			if ((n = asprintf(&d->text, toml ? "lang = \"%s\"\n" : "lang: %s\n",
			                  lang)) < 0) {
				d->text = NULL;
				return "out of memory";
			}
			d->len = (size_t)n;
			d->at = s;
			return NULL;
		}
	}
	return "its front matter has no closing line";
}

/* Does the front matter of bytes, edited by d, read as declaring lang? */
static int
langdecl_block_declares(const char *b, size_t len, size_t bom, const char *lang,
                        const struct langdecl *d)
{
	struct article a = {0};
	char err[8], *e;
	size_t off, n = len - bom - d->skip + d->len;
	int ok;

	if ((e = malloc(n + 1)) == NULL)
		return 0;
	memcpy(e, b + bom, d->at - bom);
	memcpy(e + d->at - bom, d->text, d->len);
	memcpy(e + d->at - bom + d->len, b + d->at + d->skip, len - d->at - d->skip);
	e[n] = '\0';
	ok = frontmatter_parse(e, n, &a, &off, err, sizeof(err)) == 0 && a.lang != NULL &&
	     strcmp(a.lang, lang) == 0;
	article_free(&a);
	free(e);
	return ok;
}

/* A JSON object: ',"lang":"LL"' (no comma in an empty one) before its closing brace. */
static const char *
langdecl_json(const char *b, size_t len, size_t bom, const char *lang, struct langdecl *d)
{
	size_t i = len, e;
	int n;

	while (i > bom && strchr(" \t\r\n", b[i - 1]) != NULL)
		i--;
	if (i == bom || b[i - 1] != '}')
		return "not a JSON object";
	for (e = i - 1; e > bom && strchr(" \t\r\n", b[e - 1]) != NULL; e--)
		;
	n = asprintf(&d->text, "%s\"lang\":\"%s\"", e > bom && b[e - 1] == '{' ? "" : ",", lang);
	if (n < 0) {
		d->text = NULL;
		return "out of memory";
	}
	d->len = (size_t)n;
	d->at = i - 1;
	return NULL;
}

int
langdecl_find(const char *bytes, size_t len, const char *file, const char *lang, struct langdecl *d,
              const char **why)
{
	size_t bom = 0, n;

	memset(d, 0, sizeof(*d));
	*why = NULL;
	/* the code goes into YAML and JSON as it is: a-z only */
	for (n = 0; lang[n] != '\0'; n++)
		if (lang[n] < 'a' || lang[n] > 'z' || n >= 8)
			break;
	if (n < 2 || lang[n] != '\0') {
		*why = "not a language code";
		return -1;
	}
	if (len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0)
		bom = 3;
	if (memchr(bytes, '\0', len) != NULL ||
	    (len >= 2 && ((unsigned char)bytes[0] == 0xFF || (unsigned char)bytes[0] == 0xFE))) {
		*why = "not a text file in UTF-8 or an ASCII charset";
		return -1;
	}
	switch (extract_format_of(bytes + bom, len - bom, file)) {
	case FMT_TEXT:
		*why = langdecl_text(bytes, len, bom, lang, d);
		if (*why == NULL && !langdecl_block_declares(bytes, len, bom, lang, d)) {
			free(d->text);
			d->text = NULL;
			*why = "its first line cannot be a front matter's title";
		}
		break;
	case FMT_MARKDOWN:
		*why = langdecl_markdown(bom, lang, d);
		break;
	case FMT_FRONTMATTER:
		*why = langdecl_frontmatter(bytes, len, bom, lang, d);
		/*
		 * A block hark cannot read (its YAML wrong, no mapping) is read
		 * as text whatever it says (extract.h): a lang line in it would
		 * declare nothing. The edited block must give the language.
		 */
		if (*why == NULL && !langdecl_block_declares(bytes, len, bom, lang, d)) {
			free(d->text);
			d->text = NULL;
			*why =
			    "its front matter is not a block hark can read (hark extract says why)";
		}
		break;
	case FMT_JSON: {
		/* as extract_bytes() reads it: not a JSON article, it is text, unless named .json
		 */
		struct article a = {0};
		char err[8];
		int html;
		size_t fl = file != NULL ? strlen(file) : 0;

		if (jsonart_parse(bytes + bom, len - bom, &a, &html, err, sizeof(err)) == 0)
			*why = langdecl_json(bytes, len, bom, lang, d);
		else if (fl > 5 && strcasecmp(file + fl - 5, ".json") == 0)
			*why = "not a JSON article";
		else
			*why = langdecl_text(bytes, len, bom, lang, d);
		article_free(&a);
		break;
	}
	case FMT_HTML:
	case FMT_FEED:
		*why = "an HTML page or a feed declares its own language (<html lang>, the "
		       "feed's language); --lang takes text, Markdown and JSON articles";
		break;
	}
	return *why == NULL ? 0 : -1;
}
