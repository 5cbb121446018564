/*
 * extract.c: bytes of any accepted format into documents. The one place
 * that decides what a file is; the parsers it calls each own one format.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "date.h"
#include "extract.h"
#include "frontmatter.h"
#include "html.h"
#include "jsonart.h"
#include "markdown.h"
#include "mem.h"
#include "utf8.h"

/* by enum extract_format; "format" of hark extract, the POST answer and articles.format */
static const char *const format_names[] = {"text", "html", "frontmatter",
                                           "json", "feed", "markdown"};

const char *
extract_format_name(enum extract_format f)
{
	return format_names[f];
}

static void
seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

/* Does the file name end in one of the suffixes (case-insensitive)? */
static int
name_ends(const char *file, const char *const *sfx)
{
	size_t n = file ? strlen(file) : 0;

	for (; *sfx != NULL; sfx++) {
		size_t k = strlen(*sfx);

		if (n > k && strcasecmp(file + n - k, *sfx) == 0)
			return 1;
	}
	return 0;
}

/* What the text is, by content first and then by name. */
static enum extract_format
extract_sniff(const char *s, size_t len, const char *file)
{
	static const char *const html_names[] = {".html", ".htm", ".xhtml", ".shtml", NULL};
	static const char *const json_names[] = {".json", NULL};
	static const char *const feed_names[] = {".rss", ".atom", ".rdf", NULL};
	static const char *const text_names[] = {".txt", ".text", NULL};
	size_t i = 0;

	if (frontmatter_sniff(s, len))
		return FMT_FRONTMATTER;
	while (i < len && strchr(" \t\r\n\f\v", s[i]) != NULL)
		i++;
	if (i < len && s[i] == '{')
		return feed_sniff(s, len) ? FMT_FEED : FMT_JSON;
	if (i < len && s[i] == '<') {
		if (feed_sniff(s, len))
			return FMT_FEED;
		/* named plain text: text, but for a whole HTML document ("<BREAKING> Okafor") */
		if (name_ends(file, text_names) && !html_sniff_document(s, len))
			return FMT_TEXT;
		return FMT_HTML;
	}
	if (name_ends(file, html_names))
		return FMT_HTML;
	if (name_ends(file, json_names))
		return FMT_JSON;
	if (name_ends(file, feed_names))
		return FMT_FEED;
	return markdown_name(file) ? FMT_MARKDOWN : FMT_TEXT;
}

enum extract_format
extract_format_of(const char *utf8, size_t len, const char *file)
{
	return extract_sniff(utf8, len, file);
}

/* What the text is: as declared (an HTTP Content-Type), else as sniffed. */
static enum extract_format
extract_format_declared(const char *s, size_t len, const struct extract_opts *o)
{
	switch (o->declared) {
	case EXTRACT_AS_TEXT:
		return frontmatter_sniff(s, len) ? FMT_FRONTMATTER : FMT_TEXT;
	case EXTRACT_AS_MARKDOWN:
		return frontmatter_sniff(s, len) ? FMT_FRONTMATTER : FMT_MARKDOWN;
	case EXTRACT_AS_HTML:
		return FMT_HTML;
	case EXTRACT_AS_JSON:
		return feed_sniff(s, len) ? FMT_FEED : FMT_JSON;
	case EXTRACT_AS_FEED:
		return FMT_FEED;
	case EXTRACT_SNIFF:
		break;
	}
	return extract_sniff(s, len, o->file);
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Plain text: the first non-empty line is the title, the rest the body. */
static int
text_split(const char *s, size_t len, struct article *a)
{
	const char *p = s, *end = s + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *ts = p, *te = le;

		while (ts < te && is_blank(*ts))
			ts++;
		while (te > ts && is_blank(te[-1]))
			te--;
		p = nl ? nl + 1 : end;
		if (ts < te) {
			if (article_set(&a->title, ts, (size_t)(te - ts)) < 0)
				return -1;
			break;
		}
	}
	return article_set(&a->body, p, (size_t)(end - p));
}

/*
 * Markdown (a .md file, or the text after a front matter block): its text
 * without its markup (markdown.h). The title, when a has none (from the
 * block): the first heading's text, else the first line of the text, and
 * the body what follows it, as plain text's (a .md file and the same file
 * given a block with only "lang:" read the same); with a title, the body
 * is the whole text.
 */
static int
markdown_split(const char *s, size_t len, struct article *a)
{
	size_t n, te;
	char *title = NULL, *t = markdown_to_text(s, len, &n, &title, &te);
	int rc;

	if (t == NULL)
		return -1;
	if (a->title != NULL) {
		free(title);
		rc = article_set(&a->body, t, n);
	} else if (title != NULL) {
		a->title = title;
		rc = article_set(&a->body, t + te, n - te);
	} else {
		rc = text_split(t, n, a);
	}
	free(t);
	return rc;
}

/* Replace *slot (markup) with its text. */
static int
textify(char **slot)
{
	size_t n;
	char *t;

	if (*slot == NULL)
		return 0;
	if ((t = html_to_text(*slot, strlen(*slot), &n)) == NULL)
		return -1;
	free(*slot);
	*slot = t;
	return 0;
}

/* A body that is markup or Markdown-ish text: through the HTML path only when it holds markup. */
static int
body_from(struct article *a, const char *s, size_t len)
{
	if (html_sniff(s, len)) {
		size_t n;
		char *t = html_to_text(s, len, &n);

		if (t == NULL)
			return -1;
		free(a->body);
		a->body = t;
		return 0;
	}
	return article_set(&a->body, s, len);
}

static int
is_empty(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s != '\0'; s++)
		if (!is_blank(*s) && *s != '\n')
			return 0;
	return 1;
}

/* A page whose only text is its description still has something to match. */
static int
body_or_summary(struct article *a)
{
	if (is_empty(a->body) && !is_empty(a->summary))
		return article_set(&a->body, a->summary, strlen(a->summary));
	return 0;
}

/*
 * The warning that the published date s cannot be read, s quoted as
 * harkd's log quotes a stranger's text (log.h): about 100 bytes of it,
 * control characters (C0 and C1), quotes, backslashes, bidi overrides and invisible
 * characters as escapes, so that the line cannot be split or disguised.
 * The whole fits in extraction.warning, never cut inside a character.
 */
static void
date_warning(char *out, size_t outsz, const char *s)
{
	size_t n = strlen(s), o = 0;
	char q[128];

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t k;

		if (o > 100) {
			memcpy(q + o, "...", 3);
			o += 3;
			break;
		}
		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				o += (size_t)snprintf(q + o, sizeof(q) - o, "\\x%02x", c);
			else if (c == '\\' || c == '\'')
				o += (size_t)snprintf(q + o, sizeof(q) - o, "\\%c", c);
			else
				q[o++] = (char)c;
			continue;
		}
		k = utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (cp == UTF8_REPLACEMENT && k <= 1)
			o += (size_t)snprintf(q + o, sizeof(q) - o, "\\x%02x", c);
		else if (cp <= 0x9f ||
		         utf8_disguise(cp) != 0) /* C1: U+009B is CSI to some terminals */
			o += (size_t)snprintf(q + o, sizeof(q) - o, "\\u%04x", (unsigned)cp);
		else {
			memcpy(q + o, s + i, k);
			o += k;
		}
		i += k - 1;
	}
	q[o] = '\0';
	snprintf(out, outsz,
	         "published: '%s' is not a date hark can read: left out, the article kept", q);
}

static int
push_doc(struct extraction *x, size_t *cap, struct article *a, const struct extract_opts *o,
         char *err, size_t errsz)
{
	const char *e;
	char day[21];

	if (mem_grow(&x->docs, cap, x->ndocs + 1, sizeof(*x->docs)) < 0) {
		seterr(err, errsz, "out of memory");
		return -1;
	}
	if (o->defaults != NULL) {
		const struct article *d = o->defaults;
		struct {
			char **slot;
			const char *value;
		} f[] = {{&a->url, d->url},
		         {&a->title, d->title},
		         {&a->published, d->published},
		         {&a->id, d->id}};

		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			if (*f[i].slot == NULL && f[i].value != NULL &&
			    article_set(f[i].slot, f[i].value, strlen(f[i].value)) < 0) {
				seterr(err, errsz, "out of memory");
				return -1;
			}
	}
	/* doc_from_article() leaves out a date it cannot read: said, the article stands */
	if (a->published != NULL && x->warning[0] == '\0' && date_normalize(a->published, day) < 0)
		date_warning(x->warning, sizeof(x->warning), a->published);
	if (o->lang_declared != NULL &&
	    article_set(&a->lang, o->lang_declared, strlen(o->lang_declared)) < 0) {
		seterr(err, errsz, "out of memory");
		return -1;
	}
	if (doc_from_article(&x->docs[x->ndocs], a, o->file, o->source ? o->source : "drop",
	                     o->lang, o->lang_hint, o->lang_prior, &e) < 0) {
		seterr(err, errsz, "%s", e);
		return -1;
	}
	x->ndocs++;
	return 0;
}

/* Dates as RFC 3339; a date nobody can read is dropped rather than passed on as is. */
static void
date_fix(char **slot)
{
	char d[21];

	if (*slot == NULL)
		return;
	if (date_normalize(*slot, d) == 0)
		article_set(slot, d, strlen(d));
	else {
		free(*slot);
		*slot = NULL;
	}
}

/*
 * A declared language as ISO 639-1 when it starts with one ("fr-FR", "FR_fr",
 * "en-us" → fr, fr, en); other values are left as found.
 */
static void
lang_fix(char *lang)
{
	size_t n = 0;

	if (lang == NULL)
		return;
	while (lang[n] != '\0' && strchr("-_ ", lang[n]) == NULL)
		n++;
	if (n != 2 || !isalpha((unsigned char)lang[0]) || !isalpha((unsigned char)lang[1]))
		return;
	lang[0] = (char)tolower((unsigned char)lang[0]);
	lang[1] = (char)tolower((unsigned char)lang[1]);
	lang[2] = '\0';
}

/*
 * Markup escaped twice ("&amp;lt;p&amp;gt;"): a value with no tag of its
 * own whose text still opens with one. Read once more, so that the tags do
 * not end up in the text. A value that only mentions a tag in its middle is
 * left alone.
 */
static int
textify_html(char **slot)
{
	int twice = *slot != NULL && strchr(*slot, '<') == NULL;
	const char *t;

	if (textify(slot) < 0)
		return -1;
	if (!twice || *slot == NULL)
		return 0;
	for (t = *slot; *t == ' ' || *t == '\t' || *t == '\n' || *t == '\r'; t++)
		;
	if (*t == '<' && html_sniff(t, strlen(t)))
		return textify(slot);
	return 0;
}

/* A title is one line: runs of white space become one space, none at the ends. */
static void
one_line(char *s)
{
	char *o = s;

	if (s == NULL)
		return;
	for (const char *p = s; *p != '\0'; p++) {
		if (!is_blank(*p) && *p != '\n')
			*o++ = *p;
		else if (o > s && o[-1] != ' ')
			*o++ = ' ';
	}
	if (o > s && o[-1] == ' ')
		o--;
	*o = '\0';
}

static int
feed_textify(struct feed *f)
{
	lang_fix(f->lang);
	if (f->title_html && textify(&f->title) < 0)
		return -1;
	f->title_html = 0;
	one_line(f->title);
	date_fix(&f->published);
	date_fix(&f->updated);
	for (size_t i = 0; i < f->nentries; i++) {
		struct feed_entry *e = &f->entries[i];

		if ((e->title_html && textify_html(&e->a.title) < 0) ||
		    (e->summary_html && textify_html(&e->a.summary) < 0) ||
		    (e->body_html && textify_html(&e->a.body) < 0))
			return -1;
		one_line(e->a.title);
		e->title_html = e->summary_html = e->body_html = 0;
		date_fix(&e->a.published);
		date_fix(&e->a.updated);
		lang_fix(e->a.lang);
	}
	return 0;
}

/*
 * Whether clean UTF-8 text looks like binary data read as text: control
 * characters (but tab, newline, carriage return, form feed and vertical
 * tab) and U+FFFD replacements over 1% of the first 64 KiB, at least 8 of
 * them. A PDF or an image without a NUL byte would otherwise be stored as
 * an article of mojibake. Returns their count when binary, else 0.
 */
static size_t
looks_binary(const char *t, size_t len)
{
	size_t n = len < (64u << 10) ? len : (64u << 10), bad = 0, chars = 0;
	const unsigned char *p = (const unsigned char *)t;

	for (size_t i = 0; i < n; i++) {
		/* eight bytes at a time while none is a control, DEL or the start of U+FFFD */
		while (i + 8 <= n) {
			const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
			uint64_t w, z7f, zef;

			memcpy(&w, p + i, 8);
			z7f = w ^ (ones * 0x7f);
			zef = w ^ (ones * 0xef);
			if ((((w - ones * 0x20) & ~w) | ((z7f - ones) & ~z7f) |
			     ((zef - ones) & ~zef)) &
			    highs)
				break;
			/* continuation bytes (10xxxxxx) are no characters; summed by a multiply */
			chars += 8 - (size_t)((((w & ~(w << 1) & highs) >> 7) * ones) >> 56);
			i += 8;
		}
		if (i >= n)
			break;
		if ((p[i] & 0xc0) != 0x80)
			chars++;
		if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r' && p[i] != '\f' &&
		     p[i] != '\v') ||
		    p[i] == 0x7f)
			bad++;
		else if (p[i] == 0xef && i + 2 < n && p[i + 1] == 0xbf && p[i + 2] == 0xbd)
			bad++; /* U+FFFD */
	}
	return bad >= 8 && bad * 100 > chars ? bad : 0;
}

static int
blank(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s != '\0'; s++)
		if (!(*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' ||
		      *s == '\v'))
			return 0;
	return 1;
}

/*
 * Text refused for its NUL bytes: when they fall as in UTF-16 without a byte
 * order mark (and it was not read as UTF-16), say so, and name the option
 * that reads it when the caller has one.
 */
static void
nul_error(const char *bytes, size_t len, const char *charset, const char *option, char *err,
          size_t errsz)
{
	const char *u16 =
	    strncmp(charset, "utf-16", 6) != 0 ? charset_utf16_guess(bytes, len) : NULL;

	if (u16 == NULL)
		seterr(err, errsz, "not a text document (it holds NUL bytes)");
	else if (option != NULL)
		seterr(err, errsz,
		       "not a text document (it holds NUL bytes; UTF-16 without a byte order mark? "
		       "try %s %s)",
		       option, u16);
	else
		seterr(err, errsz,
		       "not a text document (it holds NUL bytes; UTF-16%s without a byte order "
		       "mark?)",
		       u16[6] == 'l' ? "LE" : "BE");
}

/*
 * Bytes to clean UTF-8 text: the BOM skipped, the charset found and
 * converted. UTF-8 with runs of a single-byte charset (CHARSET_BY_MIXED)
 * names that charset in legacy and the bytes read in it in *nlegacy (may
 * be NULL when the caller does not say).
 */
static char *
to_utf8(const char *bytes, size_t len, const char *hint, const char *force, const char *option,
        char charset[32], enum charset_by *by, char legacy[32], size_t *nlegacy, size_t *tlen,
        int *not_text, char *err, size_t errsz)
{
	size_t bom = charset_sniff(bytes, len, hint, charset, by), bad;
	char *t;

	if (force != NULL) {
		char forced[32];

		if (charset_lookup(force, forced) < 0) {
			seterr(err, errsz, "unknown charset \"%s\"", force);
			return NULL;
		}
		/* the mark of the encoding the user named is still not text */
		if (*by != CHARSET_BY_BOM || strcmp(charset, forced) != 0)
			bom = 0;
		memcpy(charset, forced, sizeof(forced));
		*by = CHARSET_BY_DECLARED;
	}
	if (*by == CHARSET_BY_MIXED) {
		char lg[32];
		size_t nl;

		t = charset_mixed_to_utf8(bytes, len, lg, &nl, tlen);
		if (t != NULL && nl == 0)
			*by = CHARSET_BY_UTF8; /* no word read otherwise: UTF-8 with U+FFFD */
		if (legacy != NULL)
			memcpy(legacy, lg, sizeof(lg));
		if (nlegacy != NULL)
			*nlegacy = nl;
	} else {
		t = charset_to_utf8(bytes + bom, len - bom, charset, tlen);
	}
	if (t == NULL) {
		if (errno == EINVAL)
			seterr(err, errsz, "unknown charset \"%s\"", charset);
		else
			seterr(err, errsz, "out of memory");
		return NULL;
	}
	if (memchr(t, '\0', *tlen) != NULL) {
		*not_text = 1;
		nul_error(bytes + bom, len - bom, charset, option, err, errsz);
		free(t);
		return NULL;
	}
	if ((bad = looks_binary(t, *tlen)) > 0) {
		*not_text = 1;
		seterr(err, errsz,
		       "not a text document (binary data: %zu control or undecodable characters "
		       "at the start)",
		       bad);
		free(t);
		return NULL;
	}
	return t;
}

int
extract_feed(const char *bytes, size_t len, const char *charset, const char *base_url,
             struct feed *f, char cs[32], enum charset_by *by, char *err, size_t errsz)
{
	size_t tlen;
	int not_text = 0;
	char *t = to_utf8(bytes, len, charset, NULL, NULL, cs, by, NULL, NULL, &tlen, &not_text,
	                  err, errsz);
	int rc;

	memset(f, 0, sizeof(*f));
	if (t == NULL)
		return -1;
	rc = feed_parse(t, tlen, base_url, f, err, errsz);
	free(t);
	if (rc == 0 && feed_textify(f) < 0) {
		seterr(err, errsz, "out of memory");
		rc = -1;
	}
	if (rc < 0)
		feed_free(f);
	return rc;
}

static int
extract_entries(struct extraction *x, struct feed *f, const struct extract_opts *o, char *err,
                size_t errsz)
{
	size_t cap = 0;

	x->feed_format = f->format;
	if (f->recovered && f->cut > 0)
		seterr(
		    x->warning, sizeof(x->warning),
		    "ill-formed feed read in recovery mode: %s; %zu item%s cut by the end of the "
		    "document left out (line %ld)",
		    f->warning, f->cut, f->cut == 1 ? "" : "s", f->cut_line);
	else if (f->recovered)
		seterr(x->warning, sizeof(x->warning), "ill-formed feed read in recovery mode: %s",
		       f->warning);
	for (size_t i = 0; i < f->nentries; i++) {
		struct article *a = &f->entries[i].a;

		/* the full content is the article; a summary that only teases it is not repeated */
		if (is_empty(a->body)) {
			free(a->body);
			a->body = a->summary ? strdup(a->summary) : NULL;
		} else if (!is_empty(a->summary) && strstr(a->body, a->summary) == NULL) {
			size_t sl = strlen(a->summary), bl = strlen(a->body);
			char *b = malloc(sl + 2 + bl + 1);

			if (b == NULL)
				goto nomem;
			memcpy(b, a->summary, sl);
			memcpy(b + sl, "\n\n", 2);
			memcpy(b + sl + 2, a->body, bl + 1);
			free(a->body);
			a->body = b;
		}
		if (a->lang == NULL && f->lang != NULL && (a->lang = strdup(f->lang)) == NULL)
			goto nomem;
		/* an entry only updated was published then, as far as anyone can tell */
		if (a->published == NULL && a->updated != NULL &&
		    (a->published = strdup(a->updated)) == NULL)
			goto nomem;
		if (push_doc(x, &cap, a, o, err, errsz) < 0)
			return -1;
	}
	return 0;
nomem:
	seterr(err, errsz, "out of memory");
	return -1;
}

int
extract_bytes(const char *bytes, size_t len, const struct extract_opts *o, struct extraction *x,
              char *err, size_t errsz)
{
	struct article a = {0};
	struct feed f = {0};
	size_t tlen, cap = 0, off;
	char *t = NULL;
	int body_html = 0, rc = -1;

	memset(x, 0, sizeof(*x));
	if (o->max_size > 0 && len > o->max_size) {
		seterr(err, errsz, "larger than max_document_size (%zu bytes)", o->max_size);
		return -1;
	}
	if (len == 0) {
		x->empty = 1;
		seterr(err, errsz, "empty document (0 bytes)");
		return -1;
	}
	if ((t = to_utf8(bytes, len, o->charset, o->charset_force, o->charset_option, x->charset,
	                 &x->charset_by, x->charset_mixed, &x->charset_mixed_bytes, &tlen,
	                 &x->not_text, err, errsz)) == NULL)
		return -1;
	if (o->own_bytes != NULL) {
		/* converted: the input is not needed again (one copy less of a large file) */
		free(*o->own_bytes);
		*o->own_bytes = NULL;
		bytes = NULL;
	}
	x->format = extract_format_declared(t, tlen, o);
	switch (x->format) {
	case FMT_TEXT:
		if (text_split(t, tlen, &a) < 0)
			goto nomem;
		break;
	case FMT_MARKDOWN:
		if (markdown_split(t, tlen, &a) < 0)
			goto nomem;
		break;
	case FMT_HTML:
		if (html_extract(t, tlen, &a, x->warning, sizeof(x->warning), err, errsz) < 0 ||
		    body_or_summary(&a) < 0)
			goto out;
		break;
	case FMT_FRONTMATTER:
		if (frontmatter_parse(t, tlen, &a, &off, err, errsz) < 0) {
			/*
			 * A block that is no YAML mapping ("---" lines around a
			 * paragraph, a title with a second colon) still holds the
			 * document's text: all of it is read as Markdown reads it
			 * (a "---" line is a rule or a heading's underline), and a
			 * warning names the error. Refusing the file would lose
			 * every name in it (python-frontmatter keeps a block that
			 * is no mapping, Jekyll the page whose YAML it cannot read).
			 */
			seterr(x->warning, sizeof(x->warning), "%s: the block read as text", err);
			err[0] = '\0';
			article_free(&a);
			memset(&a, 0, sizeof(a));
			x->format = FMT_MARKDOWN;
			if (markdown_split(t, tlen, &a) < 0 || body_or_summary(&a) < 0)
				goto nomem;
			break;
		}
		if (!html_sniff(t + off, tlen - off)) {
			/* Markdown: its text, its title from the block or its first heading */
			if (markdown_split(t + off, tlen - off, &a) < 0 || body_or_summary(&a) < 0)
				goto nomem;
			break;
		}
		if (a.title == NULL) {
			struct article b = {0};

			if (text_split(t + off, tlen - off, &b) < 0)
				goto nomem;
			a.title = b.title;
			b.title = NULL;
			article_free(&b);
		}
		if (body_from(&a, t + off, tlen - off) < 0 || body_or_summary(&a) < 0)
			goto nomem;
		break;
	case FMT_JSON:
		if (jsonart_parse(t, tlen, &a, &body_html, err, errsz) < 0) {
			/* text that merely opens with a brace is still text, unless said JSON */
			static const char *const json_names[] = {".json", NULL};

			if (name_ends(o->file, json_names) || o->declared == EXTRACT_AS_JSON)
				goto out;
			article_free(&a);
			x->format = FMT_TEXT;
			if (text_split(t, tlen, &a) < 0)
				goto nomem;
			break;
		}
		if (body_html && a.body != NULL && body_from(&a, a.body, strlen(a.body)) < 0)
			goto nomem;
		if (body_or_summary(&a) < 0)
			goto nomem;
		break;
	case FMT_FEED:
		if (feed_parse_page(t, tlen, o->base_url, o->feed_first, o->feed_page, &f, err,
		                    errsz) < 0)
			goto out;
		x->feed_more = f.more;
		x->feed_cut = f.cut;
		if (feed_textify(&f) < 0)
			goto nomem;
		rc = extract_entries(x, &f, o, err, errsz);
		goto out;
	}
	if (blank(a.title) && blank(a.body)) {
		x->empty = 1;
		seterr(err, errsz, "empty document (no text in it)");
		goto out;
	}
	free(t); /* the article holds its own copies: one copy less while the document is made */
	t = NULL;
	rc = push_doc(x, &cap, &a, o, err, errsz);
	goto out;
nomem:
	seterr(err, errsz, "out of memory");
out:
	article_free(&a);
	feed_free(&f);
	free(t);
	if (rc < 0)
		extraction_free(x);
	return rc;
}

void
extraction_trim(struct extraction *x)
{
	struct document *d;

	if (x->ndocs > 0 && (d = realloc(x->docs, x->ndocs * sizeof(*d))) != NULL)
		x->docs = d;
	for (size_t i = 0; i < x->ndocs; i++)
		for (int f = 0; f < F_MAX; f++) {
			char *p;

			if (x->docs[i].field[f] != NULL &&
			    (p = realloc(x->docs[i].field[f], x->docs[i].field_len[f] + 1)) != NULL)
				x->docs[i].field[f] = p;
		}
}

void
extraction_free(struct extraction *x)
{
	for (size_t i = 0; i < x->ndocs; i++)
		doc_free(&x->docs[i]);
	free(x->docs);
	x->docs = NULL;
	x->ndocs = 0;
}
