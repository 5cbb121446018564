/* hit.c: snippets and the hit object. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "hit.h"

#define SNIPPET_CHARS 200     /* about this many characters of text */
#define SNIPPET_BEFORE 70     /* of which before the first match */
#define SNIPPET_WORD_SLACK 20 /* how far an edge moves to fall between words */

static const char *const field_names[F_MAX] = {"title", "body", "url", "source"};

static int
is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

static int
is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Move back n characters from pos, not below 0. */
static size_t
chars_back(const char *s, size_t pos, size_t n)
{
	while (pos > 0 && n > 0) {
		pos--;
		while (pos > 0 && is_cont((unsigned char)s[pos]))
			pos--;
		n--;
	}
	return pos;
}

static size_t
chars_fwd(const char *s, size_t len, size_t pos, size_t n)
{
	while (pos < len && n > 0) {
		pos++;
		while (pos < len && is_cont((unsigned char)s[pos]))
			pos++;
		n--;
	}
	return pos;
}

struct sbuf {
	char *s;
	size_t n, cap;
	int oom;
};

static void
sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 512;
		char *ns;

		while (nc < b->n + n + 1)
			nc *= 2;
		ns = realloc(b->s, nc);
		if (ns == NULL) {
			b->oom = 1;
			return;
		}
		b->s = ns;
		b->cap = nc;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

/* The window [*ws, *we) of text around the match [ms, me). */
static void
snippet_window(const char *s, size_t len, size_t ms, size_t me, size_t *ws, size_t *we)
{
	size_t a = chars_back(s, ms, SNIPPET_BEFORE), b;

	/* start between words when one is close */
	if (a > 0) {
		for (size_t i = a, k = 0; i < ms && k < SNIPPET_WORD_SLACK; i++, k++)
			if (is_ws((unsigned char)s[i])) {
				a = i + 1;
				break;
			}
	}
	b = chars_fwd(s, len, a, SNIPPET_CHARS);
	if (b < me)
		b = me;
	if (b < len) {
		for (size_t i = b, k = 0; i > me && k < SNIPPET_WORD_SLACK; i--, k++)
			if (is_ws((unsigned char)s[i - 1])) {
				b = i - 1;
				break;
			}
	}
	*ws = a;
	*we = b;
}

/* Whether span k is marked: in field f, inside the window, after the previous mark. */
static int
span_marked(const struct hit *h, size_t k, int f, size_t ws, size_t we, size_t *prev_end)
{
	const struct match_span *sp = &h->spans[k];

	if (sp->field != f || sp->start < ws || sp->end > we || sp->start < *prev_end ||
	    sp->end <= sp->start)
		return 0;
	*prev_end = sp->end;
	return 1;
}

char *
hit_snippet(const struct document *doc, const struct hit *h, const char *open, const char *close)
{
	struct sbuf b = {0};
	const char *s;
	size_t len, ws, we, k = 0, prev_end = 0, mark_end = 0;
	int f, in_mark = 0, space = 0;

	if (h->nspans == 0) {
		/* a hit without words (lang:ar alone): the opening of the article */
		f = doc->field[F_BODY] != NULL && doc->field_len[F_BODY] > 0 ? F_BODY : F_TITLE;
		if (doc->field[f] == NULL)
			return strdup("");
		snippet_window(doc->field[f], doc->field_len[f], 0, 0, &ws, &we);
	} else if (doc->field[h->spans[0].field] == NULL) {
		return strdup("");
	} else {
		f = h->spans[0].field;
		snippet_window(doc->field[f], doc->field_len[f], h->spans[0].start, h->spans[0].end,
		               &ws, &we);
	}
	s = doc->field[f];
	len = doc->field_len[f];
	if (ws > 0)
		sb_put(&b, "…", strlen("…"));
	/* spans are sorted by field and start: walk them alongside the text */
	while (k < h->nspans && !span_marked(h, k, f, ws, we, &prev_end))
		k++;
	for (size_t i = ws; i < we; i++) {
		if (in_mark && i == mark_end) {
			sb_put(&b, close, strlen(close));
			in_mark = 0;
			for (k++; k < h->nspans && !span_marked(h, k, f, ws, we, &prev_end); k++)
				;
		}
		if (is_ws((unsigned char)s[i])) {
			space = b.n > 0;
			continue;
		}
		if (space)
			sb_put(&b, " ", 1);
		space = 0;
		if (!in_mark && k < h->nspans && h->spans[k].start == i) {
			sb_put(&b, open, strlen(open));
			in_mark = 1;
			mark_end = h->spans[k].end;
		}
		sb_put(&b, s + i, 1);
	}
	if (in_mark)
		sb_put(&b, close, strlen(close));
	if (we < len)
		sb_put(&b, "…", strlen("…"));
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s ? b.s : strdup("");
}

static json_t *
strv_json(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

json_t *
hit_to_json(const struct document *doc, const struct hit *h, const char *detected_at)
{
	json_t *o = json_object(), *rule = json_object(), *art = json_object();
	json_t *matches = json_array();
	char id[24], key[256], *snip;
	size_t kl;

	kl = (size_t)snprintf(key, sizeof(key), "%s/%s", doc->id, h->rule->id);
	if (kl >= sizeof(key))
		kl = sizeof(key) - 1;
	snprintf(id, sizeof(id), "h_%016llx", (unsigned long long)hash_bytes(key, kl));
	json_object_set_new(o, "id", json_string(id));

	json_object_set_new(rule, "id", json_string(h->rule->id));
	json_object_set_new(rule, "name", json_string(h->rule->name));
	json_object_set_new(rule, "tags", strv_json(h->rule->tags, h->rule->ntags));
	json_object_set_new(o, "rule", rule);

	json_object_set_new(art, "id", json_string(doc->id));
	if (doc->field[F_TITLE] != NULL)
		json_object_set_new(art, "title",
		                    json_stringn(doc->field[F_TITLE], doc->field_len[F_TITLE]));
	if (doc->url != NULL)
		json_object_set_new(art, "url", json_string(doc->url));
	if (doc->field[F_SOURCE] != NULL)
		json_object_set_new(art, "source",
		                    json_stringn(doc->field[F_SOURCE], doc->field_len[F_SOURCE]));
	if (doc->file != NULL)
		json_object_set_new(art, "file", json_string(doc->file));
	if (doc->lang[0] != '\0')
		json_object_set_new(art, "lang", json_string(doc->lang));
	if (doc->published != NULL)
		json_object_set_new(art, "published", json_string(doc->published));
	json_object_set_new(o, "article", art);

	for (size_t i = 0; i < h->nspans; i++) {
		const struct match_span *sp = &h->spans[i];
		json_t *m = json_object();

		json_object_set_new(m, "atom", json_string(sp->atom));
		json_object_set_new(m, "field", json_string(field_names[sp->field]));
		json_object_set_new(m, "start", json_integer(sp->start));
		json_object_set_new(m, "end", json_integer(sp->end));
		json_object_set_new(
		    m, "text",
		    json_stringn(doc->field[sp->field] + sp->start, sp->end - sp->start));
		json_array_append_new(matches, m);
	}
	json_object_set_new(o, "matches", matches);
	snip = hit_snippet(doc, h, "«", "»");
	json_object_set_new(o, "snippet", json_string(snip ? snip : ""));
	free(snip);
	json_object_set_new(o, "detected_at", json_string(detected_at));
	return o;
}
