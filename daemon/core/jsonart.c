/*
 * jsonart.c: a JSON article (see jsonart.h), read with jansson.
 *
 * jansson's parser recurses, but stops at JSON_PARSER_MAX_DEPTH (2048 in
 * the packaged build) with "maximum parsing depth reached", so a deep
 * input costs a bounded stack. Duplicate keys are harmless: the last one
 * wins, as jansson keeps it. \u0000 is allowed in strings and read as a
 * space, since the article's strings are NUL-terminated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonart.h"
#include "mem.h"

#define JSONFEED_PREFIX "https://jsonfeed.org/version/"

static int
ja_isblank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Index of the quote closing the string whose text starts at s[b], or len. */
static size_t
ja_str_end(const char *s, size_t len, size_t b)
{
	while (b < len && s[b] != '"')
		b += s[b] == '\\' ? 2 : 1;
	return b < len ? b : len;
}

/* Does the raw JSON string text v[0..n) start with pre? "\/" reads as '/'. */
static int
ja_has_prefix(const char *v, size_t n, const char *pre)
{
	size_t i = 0;

	for (; *pre != '\0'; pre++) {
		if (*pre == '/' && i + 1 < n && v[i] == '\\' && v[i + 1] == '/')
			i += 2;
		else if (i < n && v[i] == *pre)
			i++;
		else
			return 0;
	}
	return 1;
}

/*
 * Is the object at s[0] (a '{') a JSON Feed: a top-level "version" whose
 * value starts with https://jsonfeed.org/version/? A scan of the bytes, no
 * parse: strings are skipped with their escapes, nesting is counted, and
 * only the members of the top-level object are looked at.
 */
static int
ja_is_feed(const char *s, size_t len)
{
	size_t i, e, depth = 0, kb = 0, kn = 0;
	int key_next = 1;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '"':
			e = ja_str_end(s, len, i + 1);
			if (depth == 1 && key_next) {
				kb = i + 1;
				kn = e - kb;
			} else if (depth == 1 && kn == 7 && memcmp(s + kb, "version", 7) == 0 &&
			           ja_has_prefix(s + i + 1, e - i - 1, JSONFEED_PREFIX)) {
				return 1;
			}
			i = e;
			break;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (depth-- <= 1)
				return 0;
			break;
		case ':':
			if (depth == 1)
				key_next = 0;
			break;
		case ',':
			if (depth == 1)
				key_next = 1;
			break;
		default:
			break;
		}
	}
	return 0;
}

int
jsonart_sniff(const char *utf8, size_t len)
{
	size_t i = 0;

	while (i < len && ja_isblank(utf8[i]))
		i++;
	if (i == len || utf8[i] != '{')
		return 0;
	return !ja_is_feed(utf8 + i, len - i);
}

/* A JSON string may hold NULs; the article's strings end at theirs: a NUL reads as a space. */
static void
ja_unnul(char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '\0')
			s[i] = ' ';
}

static int
ja_copy(char **slot, const char *s, size_t n)
{
	if (article_set(slot, s, n) < 0)
		return -1;
	ja_unnul(*slot, n);
	return 0;
}

static int
ja_nomem(char *err, size_t errsz)
{
	snprintf(err, errsz, "out of memory");
	return -1;
}

static int
ja_wrong(const char *key, const char *what, char *err, size_t errsz)
{
	snprintf(err, errsz, "JSON article: \"%s\" %s", key, what);
	return -1;
}

/*
 * The string under key: 1 with a copy in *out, 0 when the key is absent,
 * null or "", -1 with err set when it is something else.
 */
static int
ja_string(json_t *o, const char *key, char **out, char *err, size_t errsz)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return ja_wrong(key, "is not a string", err, errsz);
	if (json_string_length(v) == 0)
		return 0;
	if (ja_copy(out, json_string_value(v), json_string_length(v)) < 0)
		return ja_nomem(err, errsz);
	return 1;
}

/* A field named key, or alias when key is absent; both must be strings when present. */
static int
ja_field(json_t *o, const char *key, const char *alias, char **slot, char *err, size_t errsz)
{
	char *v = NULL, *va = NULL;

	if (ja_string(o, key, &v, err, errsz) < 0)
		return -1;
	if (alias != NULL && ja_string(o, alias, &va, err, errsz) < 0) {
		free(v);
		return -1;
	}
	if (v == NULL) {
		v = va;
		va = NULL;
	}
	free(va);
	*slot = v;
	return 0;
}

/* An id: a string, or a number written as JSON writes it. */
static int
ja_id(json_t *o, char **slot, char *err, size_t errsz)
{
	json_t *v = json_object_get(o, "id");
	char num[64];
	int n;

	if (v == NULL || json_is_null(v) || json_is_string(v))
		return ja_string(o, "id", slot, err, errsz) < 0 ? -1 : 0;
	if (json_is_integer(v))
		n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		n = snprintf(num, sizeof(num), "%.17g", json_real_value(v));
	else
		return ja_wrong("id", "is not a string or a number", err, errsz);
	if (article_set(slot, num, (size_t)n) < 0)
		return ja_nomem(err, errsz);
	return 0;
}

/* Keywords: a string, or an array of strings joined with ", " (nulls and "" skipped). */
static int
ja_keywords(json_t *o, const char *key, char **slot, char *err, size_t errsz)
{
	json_t *v = json_object_get(o, key), *item;
	char *buf = NULL;
	size_t len = 0, cap = 0, i, n, sep;

	*slot = NULL;
	if (v == NULL || json_is_null(v) || json_is_string(v))
		return ja_string(o, key, slot, err, errsz) < 0 ? -1 : 0;
	if (!json_is_array(v))
		return ja_wrong(key, "is not a string or an array", err, errsz);
	json_array_foreach(v, i, item)
	{
		if (json_is_null(item))
			continue;
		if (!json_is_string(item)) {
			free(buf);
			return ja_wrong(key, "holds a value that is not a string", err, errsz);
		}
		if ((n = json_string_length(item)) == 0)
			continue;
		sep = len > 0 ? 2 : 0;
		if (mem_grow(&buf, &cap, len + sep + n + 1, 1) < 0) {
			free(buf);
			return ja_nomem(err, errsz);
		}
		memcpy(buf + len, ", ", sep);
		memcpy(buf + len + sep, json_string_value(item), n);
		len += sep + n;
	}
	if (len > 0 && ja_copy(slot, buf, len) < 0) {
		free(buf);
		return ja_nomem(err, errsz);
	}
	free(buf);
	return 0;
}

/* One author: a string, or an object with a "name" (JSON Feed's form); others are errors. */
static int
ja_author(struct article *t, const char *key, json_t *v, char *err, size_t errsz)
{
	json_t *name;

	if (json_is_null(v))
		return 0;
	if (json_is_object(v)) {
		name = json_object_get(v, "name");
		if (name == NULL || json_is_null(name))
			return 0;
		if (!json_is_string(name))
			return ja_wrong(key, "holds a name that is not a string", err, errsz);
		v = name;
	} else if (!json_is_string(v)) {
		return ja_wrong(key, "holds a value that is not a string or an object", err, errsz);
	}
	if (json_string_length(v) == 0)
		return 0;
	if (article_add_author(t, json_string_value(v), json_string_length(v)) < 0)
		return ja_nomem(err, errsz);
	ja_unnul(t->authors[t->nauthors - 1], json_string_length(v));
	return 0;
}

/* "authors", else "author": one author or an array of them. */
static int
ja_authors(json_t *o, struct article *t, char *err, size_t errsz)
{
	const char *key = "authors";
	json_t *v = json_object_get(o, key), *item;
	size_t i;

	if (v == NULL || json_is_null(v)) {
		key = "author";
		v = json_object_get(o, key);
	}
	if (v == NULL)
		return 0;
	if (!json_is_array(v))
		return ja_author(t, key, v, err, errsz);
	json_array_foreach(v, i, item) if (ja_author(t, key, item, err, errsz) < 0) return -1;
	return 0;
}

/* Move what was found into the article, replacing what it held. */
static void
ja_store(struct article *t, struct article *a)
{
	char **from[] = {&t->title,   &t->body, &t->summary, &t->url,     &t->published,
	                 &t->updated, &t->lang, &t->id,      &t->keywords};
	char **to[] = {&a->title,   &a->body, &a->summary, &a->url,     &a->published,
	               &a->updated, &a->lang, &a->id,      &a->keywords};
	size_t i;

	for (i = 0; i < sizeof(from) / sizeof(from[0]); i++) {
		if (*from[i] == NULL)
			continue;
		free(*to[i]);
		*to[i] = *from[i];
		*from[i] = NULL;
	}
	if (t->nauthors > 0) {
		for (i = 0; i < a->nauthors; i++)
			free(a->authors[i]);
		free(a->authors);
		a->authors = t->authors;
		a->nauthors = t->nauthors;
		t->authors = NULL;
		t->nauthors = 0;
	}
}

/* The keys read (jsonart.h), each before its aliases, as the error lists them. */
static const char *const ja_keys[] = {
    "title",    "url",     "body", "html", "lang",        "published", "updated", "summary", "id",
    "keywords", "authors", "link", "date", "description", "language",  "tags",    "author",  NULL};
#define JA_KNOWN                                                                                   \
	"(known: title, url, body, html, lang, published, updated, summary, id, keywords, "        \
	"authors; aliases: link, date, description, language, tags, author)"
/* The longest part of an unknown key the error quotes, in bytes. */
#define JA_KEY_QUOTED 60

/*
 * Every top-level key must be one read: an unknown one ("text", "bodyy")
 * would be dropped with its text, and the article stored without it. The
 * error quotes the key on one line (control characters as spaces, cut on a
 * character boundary). Returns 0, or -1 with err set.
 */
static int
ja_known_keys(json_t *o, char *err, size_t errsz)
{
	const char *key;
	json_t *v;
	size_t i, n;
	char q[JA_KEY_QUOTED + 1];

	json_object_foreach(o, key, v)
	{
		for (i = 0; ja_keys[i] != NULL && strcmp(ja_keys[i], key) != 0; i++)
			;
		if (ja_keys[i] != NULL)
			continue;
		n = strlen(key);
		if (n > JA_KEY_QUOTED)
			for (n = JA_KEY_QUOTED; n > 0 && ((unsigned char)key[n] & 0xC0) == 0x80;
			     n--)
				;
		for (i = 0; i < n; i++)
			q[i] = (unsigned char)key[i] < 0x20 || key[i] == 0x7F ? ' ' : key[i];
		q[n] = '\0';
		snprintf(err, errsz, "unknown key \"%s%s\" in a JSON article " JA_KNOWN, q,
		         key[n] != '\0' ? "…" : "");
		return -1;
	}
	return 0;
}

/* jansson's reason in one line: a control character quoted from the input becomes a space. */
static void
ja_syntax_error(const json_error_t *je, char *err, size_t errsz)
{
	size_t i;

	/* jansson says column 0 when it read nothing on the line (an empty input) */
	snprintf(err, errsz, "JSON line %d column %d: %s", je->line,
	         je->column > 0 ? je->column : 1, je->text);
	for (i = 0; i < errsz && err[i] != '\0'; i++)
		if ((unsigned char)err[i] < 0x20 || err[i] == 0x7F)
			err[i] = ' ';
}

int
jsonart_parse(const char *utf8, size_t len, struct article *a, int *body_html, char *err,
              size_t errsz)
{
	struct article t = {0};
	json_error_t je;
	json_t *root;
	char *html = NULL, *tags = NULL;
	int r = -1;

	root = json_loadb(utf8, len, JSON_ALLOW_NUL, &je);
	if (root == NULL) {
		ja_syntax_error(&je, err, errsz);
		return -1;
	}
	if (!json_is_object(root)) {
		snprintf(err, errsz, "JSON article: not an object");
		goto out;
	}
	if (ja_known_keys(root, err, errsz) < 0)
		goto out;
	if (ja_field(root, "title", NULL, &t.title, err, errsz) < 0 ||
	    ja_field(root, "body", NULL, &t.body, err, errsz) < 0 ||
	    ja_field(root, "html", NULL, &html, err, errsz) < 0 ||
	    ja_field(root, "url", "link", &t.url, err, errsz) < 0 ||
	    ja_field(root, "published", "date", &t.published, err, errsz) < 0 ||
	    ja_field(root, "updated", NULL, &t.updated, err, errsz) < 0 ||
	    ja_field(root, "summary", "description", &t.summary, err, errsz) < 0 ||
	    ja_field(root, "lang", "language", &t.lang, err, errsz) < 0 ||
	    ja_id(root, &t.id, err, errsz) < 0 ||
	    ja_keywords(root, "keywords", &t.keywords, err, errsz) < 0 ||
	    ja_keywords(root, "tags", &tags, err, errsz) < 0)
		goto out;
	if (t.keywords == NULL) {
		t.keywords = tags;
		tags = NULL;
	}
	if (ja_authors(root, &t, err, errsz) < 0)
		goto out;
	/* the plain text wins; the markup is the body only without it */
	*body_html = t.body == NULL && html != NULL;
	if (t.body == NULL) {
		t.body = html;
		html = NULL;
	}
	ja_store(&t, a);
	r = 0;
out:
	free(html);
	free(tags);
	article_free(&t);
	json_decref(root);
	return r;
}
