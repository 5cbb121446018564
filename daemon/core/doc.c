/* doc.c: plain-text articles into documents. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "dict.h"
#include "doc.h"
#include "lang.h"
#include "simhash.h"
#include "url.h"
#include "utf8.h"

int
doc_set_field(struct document *doc, enum field f, const char *text, size_t len)
{
	char *s = utf8_clean(text, len, &len);

	if (s == NULL)
		return -1;
	free(doc->field[f]);
	doc->field[f] = s;
	doc->field_len[f] = len;
	return 0;
}

/* Set a field from text that is already clean (valid UTF-8, NFC). */
static int
doc_set_clean(struct document *doc, enum field f, const char *text, size_t len)
{
	char *s = malloc(len + 1);

	if (s == NULL)
		return -1;
	memcpy(s, text, len);
	s[len] = '\0';
	free(doc->field[f]);
	doc->field[f] = s;
	doc->field_len[f] = len;
	return 0;
}

static int
is_blank_line(const char *s, const char *e)
{
	for (; s < e; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\f' && *s != '\v')
			return 0;
	return 1;
}

/* Split clean text into the title (first non-empty line, trimmed) and the body (the rest). */
static int
doc_split_title(struct document *doc, const char *s, size_t len)
{
	const char *p = s, *end = s + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		if (!is_blank_line(p, le)) {
			const char *ts = p, *te = le;

			while (ts < te && (*ts == ' ' || *ts == '\t'))
				ts++;
			while (te > ts && (te[-1] == ' ' || te[-1] == '\t' || te[-1] == '\r'))
				te--;
			if (doc_set_clean(doc, F_TITLE, ts, (size_t)(te - ts)) < 0)
				return -1;
			p = nl ? nl + 1 : end;
			return doc_set_clean(doc, F_BODY, p, (size_t)(end - p));
		}
		p = nl ? nl + 1 : end;
	}
	return doc_set_clean(doc, F_BODY, "", 0);
}

int
doc_from_text(struct document *doc, const char *bytes, size_t len, const char *file,
              const char *source, const char *lang, const char **err)
{
	char *clean;
	size_t clen;

	memset(doc, 0, sizeof(*doc));
	*err = NULL;
	if (memchr(bytes, '\0', len) != NULL) {
		*err = "not a text document (it holds NUL bytes)";
		return -1;
	}
	if (len >= UINT32_MAX) {
		*err = "document larger than 4 GiB";
		return -1;
	}
	/* a byte order mark says how the bytes are encoded; it is not text */
	if (len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0)
		clean = utf8_clean(bytes + 3, len - 3, &clen);
	else
		clean = utf8_clean(bytes, len, &clen);
	if (clean == NULL)
		goto nomem;
	if (doc_split_title(doc, clean, clen) < 0)
		goto nomem;
	free(clean);
	clean = NULL;
	if (source != NULL && doc_set_field(doc, F_SOURCE, source, strlen(source)) < 0)
		goto nomem;
	if (file != NULL && (doc->file = strdup(file)) == NULL)
		goto nomem;
	snprintf(doc->id, sizeof(doc->id), "a_%016llx", (unsigned long long)hash_bytes(bytes, len));
	if (lang != NULL && *lang != '\0') {
		snprintf(doc->lang, sizeof(doc->lang), "%s", lang);
		doc->lang_by = LANG_BY_DECLARED;
	} else {
		lang_guess_script(doc->field[F_BODY], doc->field_len[F_BODY], doc->lang);
		if (doc->lang[0] == '\0' && doc->field[F_TITLE] != NULL)
			lang_guess_script(doc->field[F_TITLE], doc->field_len[F_TITLE], doc->lang);
		doc->lang_by = doc->lang[0] != '\0' ? LANG_BY_SCRIPT : LANG_BY_NONE;
	}
	return 0;
nomem:
	free(clean);
	doc_free(doc);
	*err = "out of memory";
	return -1;
}

const char *
doc_lang(struct document *doc)
{
	if (doc->pending & DOC_LANG) {
		const char *body = doc->field[F_BODY];
		size_t blen = doc->field_len[F_BODY];

		if (body != NULL && blen > DOC_LANG_SAMPLE)
			blen = utf8_floor(body, DOC_LANG_SAMPLE);
		doc->lang_by = (unsigned char)lang_decide(
		    doc->field[F_TITLE], doc->field_len[F_TITLE], body, blen,
		    doc->lang_hint[0] != '\0' ? doc->lang_hint : NULL,
		    doc->lang_prior[0] != '\0' ? doc->lang_prior : NULL, doc->lang);
		doc->pending &= (unsigned char)~DOC_LANG;
	}
	return doc->lang;
}

uint64_t
doc_simhash(struct document *doc)
{
	if (doc->pending & DOC_SIMHASH) {
		doc->simhash = simhash_text(doc->field[F_BODY], doc->field_len[F_BODY]);
		doc->pending &= (unsigned char)~DOC_SIMHASH;
	}
	return doc->simhash;
}

void
doc_complete(struct document *doc)
{
	doc_lang(doc);
	doc_simhash(doc);
}

void
doc_revision_id(const char *canonical, const char *content_hash, char id[24])
{
	/* as doc_from_article() combines title and body: never the first's hash alone */
	uint64_t h = hash_bytes(canonical, strlen(canonical)) ^
	             hash_bytes(content_hash, strlen(content_hash)) * 0x9E3779B97F4A7C15ull;

	snprintf(id, 24, "a_%016llx", (unsigned long long)h);
}

void
doc_free(struct document *doc)
{
	for (int f = 0; f < F_MAX; f++)
		free(doc->field[f]);
	free(doc->file);
	free(doc->url);
	free(doc->canonical);
	free(doc->published);
	article_free(&doc->meta);
	memset(doc, 0, sizeof(*doc));
}

/* Trim blanks (and line breaks) from both ends of a clean field. */
static void
doc_trim(struct document *doc, enum field f)
{
	char *s = doc->field[f];
	size_t b = 0, e;

	if (s == NULL)
		return;
	e = doc->field_len[f];
	while (b < e && strchr(" \t\r\n\f\v", s[b]) != NULL)
		b++;
	while (e > b && strchr(" \t\r\n\f\v", s[e - 1]) != NULL)
		e--;
	memmove(s, s + b, e - b);
	s[e - b] = '\0';
	doc->field_len[f] = e - b;
}

/* A title is one line: line breaks and runs of blanks (folded YAML, markup) become one space. */
static void
doc_collapse(struct document *doc, enum field f)
{
	char *s = doc->field[f], *w;
	int blank = 0;

	if (s == NULL)
		return;
	w = s;
	for (const char *r = s; *r != '\0'; r++) {
		if (strchr(" \t\r\n\f\v", *r) != NULL) {
			blank = 1;
			continue;
		}
		if (blank && w > s)
			*w++ = ' ';
		blank = 0;
		*w++ = *r;
	}
	*w = '\0';
	doc->field_len[f] = (size_t)(w - s);
}

/* The declared language as found, trimmed to its first word. */
static void
lang_code(const char *s, char out[16])
{
	out[0] = '\0';
	if (s == NULL)
		return;
	while (*s == ' ' || *s == '\t')
		s++;
	snprintf(out, 16, "%s", s);
	for (char *p = out; *p != '\0'; p++)
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
			*p = '\0';
			break;
		}
}

int
doc_from_article(struct document *doc, struct article *a, const char *file, const char *source,
                 const char *lang, const char *hint, const char *prior, const char **err)
{
	uint64_t h;

	memset(doc, 0, sizeof(*doc));
	*err = "out of memory";
	if (a->title != NULL && doc_set_field(doc, F_TITLE, a->title, strlen(a->title)) < 0)
		goto fail;
	if (doc_set_field(doc, F_BODY, a->body ? a->body : "", a->body ? strlen(a->body) : 0) < 0)
		goto fail;
	doc_collapse(doc, F_TITLE);
	doc_trim(doc, F_BODY);
	if (source != NULL && doc_set_field(doc, F_SOURCE, source, strlen(source)) < 0)
		goto fail;
	if (file != NULL && (doc->file = strdup(file)) == NULL)
		goto fail;
	/* only a web address is kept: a "javascript:" link would be clicked */
	if (a->url != NULL && url_is_web(a->url)) {
		size_t ul;
		char *u = utf8_clean(a->url, strlen(a->url), &ul);

		if (u == NULL)
			goto fail;
		doc->url = u;
		doc->canonical = url_canonical(u);
		if (doc_set_field(doc, F_URL, u, ul) < 0)
			goto fail;
		doc_trim(doc, F_URL);
	}
	if (a->published != NULL) {
		char d[21];

		if (date_normalize(a->published, d) == 0 && (doc->published = strdup(d)) == NULL)
			goto fail;
	}
	lang_code(a->lang, doc->lang_declared);
	/* both cost more than matching: hark match needs them for few documents */
	doc->pending = DOC_SIMHASH;
	if (lang != NULL && *lang != '\0') {
		snprintf(doc->lang, sizeof(doc->lang), "%s", lang);
		doc->lang_by = LANG_BY_DECLARED; /* the user's word (hark match --lang) */
	} else {
		doc->pending |= DOC_LANG;
		snprintf(doc->lang_hint, sizeof(doc->lang_hint), "%s",
		         doc->lang_declared[0] != '\0' ? doc->lang_declared
		         : hint                        ? hint
		                                       : "");
		snprintf(doc->lang_prior, sizeof(doc->lang_prior), "%s",
		         prior != NULL ? prior : "");
	}
	/* the same address is the same article, whatever changed in its text */
	if (doc->canonical != NULL) {
		h = hash_bytes(doc->canonical, strlen(doc->canonical));
	} else {
		h = hash_bytes(doc->field[F_BODY], doc->field_len[F_BODY]);
		if (doc->field[F_TITLE] != NULL)
			h ^= hash_bytes(doc->field[F_TITLE], doc->field_len[F_TITLE]) *
			     0x9E3779B97F4A7C15ull;
	}
	snprintf(doc->id, sizeof(doc->id), "a_%016llx", (unsigned long long)h);
	/* the rest of what was found moves into meta; title and body live in field[] */
	free(a->title);
	free(a->body);
	a->title = a->body = NULL;
	doc->meta = *a;
	memset(a, 0, sizeof(*a));
	return 0;
fail:
	doc_free(doc);
	return -1;
}
