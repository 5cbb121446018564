/* hit.c: snippets and the hit object. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "hit.h"
#include "mem.h"

#define SNIPPET_CHARS 200     /* about this many characters of text */
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
	/* ' ', \t, \n, \v, \f, \r: one shift and test */
	return c <= ' ' && ((1ull << c) & ((1ull << ' ') | (0x1full << '\t')));
}

/* The character starts (bytes not 10xxxxxx) among the eight bytes of w. */
static inline size_t
starts8(uint64_t w)
{
	/* the bytes 10xxxxxx: bit 7 set, bit 6 (moved up one) clear */
	uint64_t cont = w & ~(w << 1) & 0x8080808080808080ull;

	/* their count: one bit a byte, summed into the top byte */
	return 8 - (size_t)(((cont >> 7) * 0x0101010101010101ull) >> 56);
}

/* Move back n characters from pos, not below 0: the n-th character start before pos. */
static size_t
chars_back(const char *s, size_t pos, size_t n)
{
	if (n == 0 || pos == 0)
		return pos;
	/* eight bytes at a time (not byte 0) while they hold fewer starts than are left */
	while (pos > 8) {
		uint64_t w;
		size_t starts;

		memcpy(&w, s + pos - 8, 8);
		starts = starts8(w);
		if (starts >= n)
			break;
		n -= starts;
		pos -= 8;
	}
	for (pos--; pos > 0; pos--)
		if (!is_cont((unsigned char)s[pos]) && --n == 0)
			break;
	return pos;
}

/*
 * Move forward n characters from pos, not past len: the n-th character
 * start after pos. Eight bytes at a time while they hold fewer character
 * starts than are left (a hit's snippet reads 200 characters of text for
 * each of its spans), then a byte at a time.
 */
static size_t
chars_fwd(const char *s, size_t len, size_t pos, size_t n)
{
	if (n == 0 || pos >= len)
		return pos;
	for (pos++; pos + 8 <= len; pos += 8) {
		uint64_t w;
		size_t starts;

		memcpy(&w, s + pos, 8);
		starts = starts8(w);
		if (starts >= n)
			break;
		n -= starts;
	}
	for (; pos < len; pos++)
		if (!is_cont((unsigned char)s[pos]) && --n == 0)
			break;
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

/*
 * The characters (code points, by the bytes that start one) of [a, b),
 * counted no further than past cap (by up to eight): the window needs to
 * know only whether a side has more than it could take, and a hit's field
 * may be megabytes long. Eight bytes at a time: each hit's snippet counts
 * up to 200 characters on each side of each of its spans.
 */
static size_t
chars_upto(const char *s, size_t a, size_t b, size_t cap)
{
	size_t n = 0, i = a;

	for (; i + 8 <= b && n <= cap; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		n += starts8(w);
	}
	for (; i < b && n <= cap; i++)
		n += !is_cont((unsigned char)s[i]);
	return n;
}

/* The same of [0, b), read backwards from b. */
static size_t
chars_before(const char *s, size_t b, size_t cap)
{
	size_t n = 0, i = b;

	for (; i >= 8 && n <= cap; i -= 8) {
		uint64_t w;

		memcpy(&w, s + i - 8, 8);
		n += starts8(w);
	}
	for (; i > 0 && n <= cap; i--)
		n += !is_cont((unsigned char)s[i - 1]);
	return n;
}

/*
 * The window [*ws, *we) of text around the match [ms, me). A field that
 * fits in SNIPPET_CHARS is the window whole. Else the characters the match
 * leaves are shared: half before it and half after, and what one side
 * lacks (a match near the start or the end) goes to the other, so that a
 * match at the end of a long text still gets about SNIPPET_CHARS of it.
 * Each cut edge then moves inwards to fall between words when a blank is
 * within SNIPPET_WORD_SLACK characters.
 */
static void
snippet_window(const char *s, size_t len, size_t ms, size_t me, size_t *ws, size_t *we)
{
	size_t m = chars_upto(s, ms, me, SNIPPET_CHARS), room, before, after, have_before,
	       have_after, a, b;

	/*
	 * Counts past SNIPPET_CHARS stop early: each is compared with at most
	 * SNIPPET_CHARS. A character is at most 4 bytes: a longer field needs
	 * no count to be too long.
	 */
	if (len / 4 <= SNIPPET_CHARS && chars_upto(s, 0, len, SNIPPET_CHARS) <= SNIPPET_CHARS) {
		*ws = 0;
		*we = len;
		return;
	}
	room = m < SNIPPET_CHARS ? SNIPPET_CHARS - m : 0;
	have_before = chars_before(s, ms, SNIPPET_CHARS);
	have_after = chars_upto(s, me, len, SNIPPET_CHARS);
	before = room / 2;
	after = room - before;
	if (before > have_before) {
		after += before - have_before;
		before = have_before;
	}
	if (after > have_after) {
		before += after - have_after;
		after = have_after;
		if (before > have_before)
			before = have_before;
	}
	a = chars_back(s, ms, before);
	b = chars_fwd(s, len, me, after);
	/* start between words when one is close */
	if (a > 0 && !is_ws((unsigned char)s[a - 1])) {
		for (size_t i = a, k = 0; i < ms && k < SNIPPET_WORD_SLACK; i++, k++)
			if (is_ws((unsigned char)s[i])) {
				a = i + 1;
				break;
			}
	}
	/* and end between words */
	if (b < len && !is_ws((unsigned char)s[b])) {
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

/*
 * A candidate window: around span anchor of field f, holding distinct
 * distinct atoms, the first-named of them first (its atom text, whose
 * address orders the atoms of a rule as the query names them: the
 * compiler appends each leaf's text to the ruleset's string pool in query
 * order, and one hit's atoms all belong to one rule).
 */
struct window {
	int f;
	size_t ws, we, distinct;
	const char *first;
};

/* Field ranks: the body first; the title alone would repeat the headline. */
static int
field_rank(int f)
{
	switch (f) {
	case F_BODY:
		return 0;
	case F_TITLE:
		return 1;
	default:
		return 2 + f;
	}
}

/* Whether window a is better than b (RULES.md §5). */
static int
window_better(const struct window *a, const struct window *b)
{
	if (field_rank(a->f) != field_rank(b->f))
		return field_rank(a->f) < field_rank(b->f);
	if (a->distinct != b->distinct)
		return a->distinct > b->distinct;
	if (a->first != b->first)
		return a->first < b->first;
	return a->ws < b->ws;
}

/* The window of the snippet of h; 0, or -1 when the field has no text. */
static int
snippet_choose(const struct document *doc, const struct hit *h, struct window *best)
{
	int have = 0;

	if (h->nspans == 0) {
		/* a hit without words (lang:ar alone): the opening of the article */
		best->f =
		    doc->field[F_BODY] != NULL && doc->field_len[F_BODY] > 0 ? F_BODY : F_TITLE;
		if (doc->field[best->f] == NULL)
			return -1;
		snippet_window(doc->field[best->f], doc->field_len[best->f], 0, 0, &best->ws,
		               &best->we);
		return 0;
	}
	for (size_t i = 0; i < h->nspans; i++) {
		const struct match_span *sp = &h->spans[i];
		struct window w = {sp->field, 0, 0, 0, NULL};

		if (doc->field[sp->field] == NULL || sp->end <= sp->start ||
		    sp->end > doc->field_len[sp->field])
			continue;
		snippet_window(doc->field[sp->field], doc->field_len[sp->field], sp->start, sp->end,
		               &w.ws, &w.we);
		/* the distinct atoms inside: MATCH_MAX_SPANS at most, quadratic is fine */
		for (size_t j = 0; j < h->nspans; j++) {
			const struct match_span *q = &h->spans[j];
			size_t k;

			if (q->field != sp->field || q->start < w.ws || q->end > w.we)
				continue;
			for (k = 0; k < j; k++) {
				const struct match_span *r = &h->spans[k];

				if (r->atom == q->atom && r->field == q->field &&
				    r->start >= w.ws && r->end <= w.we)
					break;
			}
			if (k < j)
				continue;
			w.distinct++;
			if (w.first == NULL || q->atom < w.first)
				w.first = q->atom;
		}
		if (!have || window_better(&w, best)) {
			*best = w;
			have = 1;
		}
	}
	return have ? 0 : -1;
}

void
snippet_free(struct snippet *sn)
{
	free(sn->text);
	free(sn->marks);
	memset(sn, 0, sizeof(*sn));
}

/* Append the mark [a, b) to sn; -1 when out of memory. */
static int
snippet_mark(struct snippet *sn, size_t *cap, size_t a, size_t b)
{
	if (mem_grow(&sn->marks, cap, sn->nmarks + 1, sizeof(*sn->marks)) < 0)
		return -1;
	sn->marks[sn->nmarks].start = a;
	sn->marks[sn->nmarks].end = b;
	sn->nmarks++;
	return 0;
}

#define ELLIPSIS "…"
#define ELLIPSIS_LEN (sizeof(ELLIPSIS) - 1)

int
hit_snippet_make(const struct document *doc, const struct hit *h, struct snippet *sn)
{
	struct window w;
	const char *s;
	char *out;
	size_t len, n = 0, k = 0, prev_end = 0, mark_end = 0, mark_start = 0, cap = 0;
	int in_mark = 0, space = 0, oom = 0;

	memset(sn, 0, sizeof(*sn));
	if (snippet_choose(doc, h, &w) < 0) {
		sn->text = strdup("");
		return sn->text != NULL ? 0 : -1;
	}
	s = doc->field[w.f];
	len = doc->field_len[w.f];
	/*
	 * The text is the window's bytes with each run of white space made
	 * one space (none at the start or the end), between two ellipses at
	 * most: it never outgrows the window and them, so one allocation, and
	 * a store a byte rather than a call (a hit line is made of it).
	 */
	if ((out = malloc(w.we - w.ws + 2 * ELLIPSIS_LEN + 1)) == NULL)
		return -1;
	if (w.ws > 0) {
		memcpy(out, ELLIPSIS, ELLIPSIS_LEN);
		n = ELLIPSIS_LEN;
	}
	/* spans are sorted by field and start: walk them alongside the text */
	while (k < h->nspans && !span_marked(h, k, w.f, w.ws, w.we, &prev_end))
		k++;
	for (size_t i = w.ws; i < w.we;) {
		/* the next byte where a mark may end or start: the bytes before it only copy */
		size_t ev = in_mark ? mark_end : k < h->nspans ? h->spans[k].start : w.we;

		if (ev < i || ev > w.we)
			ev = w.we;
		for (; i < ev; i++) {
			if (is_ws((unsigned char)s[i])) {
				space = n > 0;
				continue;
			}
			if (space)
				out[n++] = ' ';
			space = 0;
			out[n++] = s[i];
		}
		if (i == w.we)
			break;
		if (in_mark && i == mark_end) {
			oom |= snippet_mark(sn, &cap, mark_start, n);
			in_mark = 0;
			for (k++; k < h->nspans && !span_marked(h, k, w.f, w.ws, w.we, &prev_end);
			     k++)
				;
		}
		if (is_ws((unsigned char)s[i])) {
			space = n > 0;
			i++;
			continue;
		}
		if (space)
			out[n++] = ' ';
		space = 0;
		if (!in_mark && k < h->nspans && h->spans[k].start == i) {
			mark_start = n;
			in_mark = 1;
			mark_end = h->spans[k].end;
		}
		out[n++] = s[i++];
	}
	if (in_mark)
		oom |= snippet_mark(sn, &cap, mark_start, n);
	if (w.we < len) {
		memcpy(out + n, ELLIPSIS, ELLIPSIS_LEN);
		n += ELLIPSIS_LEN;
	}
	out[n] = '\0';
	if (oom) {
		free(out);
		snippet_free(sn);
		return -1;
	}
	sn->text = out;
	sn->len = n;
	return 0;
}

char *
snippet_marked(const struct snippet *sn, const char *open, const char *close)
{
	struct sbuf b = {0};
	size_t at = 0;

	for (size_t m = 0; m < sn->nmarks; m++) {
		sb_put(&b, sn->text + at, sn->marks[m].start - at);
		sb_put(&b, open, strlen(open));
		sb_put(&b, sn->text + sn->marks[m].start, sn->marks[m].end - sn->marks[m].start);
		sb_put(&b, close, strlen(close));
		at = sn->marks[m].end;
	}
	sb_put(&b, sn->text + at, sn->len - at);
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s ? b.s : strdup("");
}

char *
hit_snippet(const struct document *doc, const struct hit *h, const char *open, const char *close)
{
	struct snippet sn;
	char *out;

	if (hit_snippet_make(doc, h, &sn) < 0)
		return NULL;
	out = snippet_marked(&sn, open, close);
	snippet_free(&sn);
	return out;
}

/* Characters (code points) of valid UTF-8 s[0..n). */
static size_t
utf8_chars(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += !is_cont((unsigned char)s[i]);
	return c;
}

/* The byte offset of character c of s[0..n), n past the end. */
static size_t
utf8_byte(const char *s, size_t n, size_t c)
{
	size_t i = 0;

	for (; i < n; i++)
		if (!is_cont((unsigned char)s[i]) && c-- == 0)
			return i;
	return n;
}

json_t *
snippet_to_json(const struct snippet *sn)
{
	json_t *marks = json_array();
	size_t at = 0, chars = 0;

	for (size_t m = 0; m < sn->nmarks; m++) {
		size_t a, b;

		chars += utf8_chars(sn->text + at, sn->marks[m].start - at);
		a = chars;
		chars += utf8_chars(sn->text + sn->marks[m].start,
		                    sn->marks[m].end - sn->marks[m].start);
		b = chars;
		at = sn->marks[m].end;
		json_array_append_new(marks, json_pack("[II]", (json_int_t)a, (json_int_t)b));
	}
	return json_pack("{s:s%,s:o}", "text", sn->text, sn->len, "marks", marks);
}

int
snippet_from_json(const json_t *v, struct snippet *sn)
{
	const json_t *t, *marks, *m;
	size_t i, cap = 0, prev = 0, nchars;

	memset(sn, 0, sizeof(*sn));
	if (json_is_string(v)) {
		/* a hit stored by hark before marks: its text as it is */
		t = v;
	} else if (json_is_object(v) && json_is_string(json_object_get(v, "text"))) {
		t = json_object_get(v, "text");
	} else {
		sn->text = strdup("");
		return sn->text != NULL ? 0 : -1;
	}
	sn->len = json_string_length(t);
	if ((sn->text = malloc(sn->len + 1)) == NULL)
		return -1;
	memcpy(sn->text, json_string_value(t), sn->len);
	sn->text[sn->len] = '\0';
	nchars = utf8_chars(sn->text, sn->len);
	marks = json_is_object(v) ? json_object_get(v, "marks") : NULL;
	json_array_foreach(marks, i, m)
	{
		json_int_t a = json_integer_value(json_array_get(m, 0));
		json_int_t b = json_integer_value(json_array_get(m, 1));
		size_t ba, bb;

		/* marks from outside: ignore the ones that are not ascending and inside */
		if (!json_is_array(m) || !json_is_integer(json_array_get(m, 0)) ||
		    !json_is_integer(json_array_get(m, 1)) || a < 0 || b <= a || (size_t)b > nchars)
			continue;
		ba = utf8_byte(sn->text, sn->len, (size_t)a);
		bb = utf8_byte(sn->text, sn->len, (size_t)b);
		if (ba < prev || bb <= ba)
			continue;
		if (snippet_mark(sn, &cap, ba, bb) < 0) {
			snippet_free(sn);
			return -1;
		}
		prev = bb;
	}
	return 0;
}

static json_t *
strv_json(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

void
hit_id(const char *article_id, const char *rule_id, char id[24])
{
	char key[256];
	size_t kl;

	kl = (size_t)snprintf(key, sizeof(key), "%s/%s", article_id, rule_id);
	if (kl >= sizeof(key))
		kl = sizeof(key) - 1;
	snprintf(id, 24, "h_%016llx", (unsigned long long)hash_bytes(key, kl));
}

int
hit_json_rebase(const char *json, const char *article_id, const char *revision_of, char **out,
                char id[24])
{
	json_t *o = json_loads(json, 0, NULL);
	json_t *rule = json_object_get(o, "rule"), *art = json_object_get(o, "article");
	const char *rule_id = json_string_value(json_object_get(rule, "id"));
	int ret = -1;

	*out = NULL;
	if (!json_is_object(o) || rule_id == NULL || !json_is_object(art))
		goto out;
	hit_id(article_id, rule_id, id);
	if (json_object_set_new(o, "id", json_string(id)) < 0 ||
	    json_object_set_new(art, "id", json_string(article_id)) < 0)
		goto out;
	/* absent when none, as the article's other optional keys are */
	if (revision_of != NULL &&
	    json_object_set_new(art, "revision_of", json_string(revision_of)) < 0)
		goto out;
	if ((*out = json_dumps(o, JSON_COMPACT)) != NULL)
		ret = 0;
out:
	json_decref(o);
	return ret;
}

json_t *
hit_to_json(const struct document *doc, const struct hit *h, const char *detected_at)
{
	json_t *o = json_object(), *rule = json_object(), *art = json_object();
	json_t *matches = json_array();
	struct snippet sn;
	char id[24];

	hit_id(doc->id, h->rule->id, id);
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
	if (hit_snippet_make(doc, h, &sn) == 0) {
		json_object_set_new(o, "snippet", snippet_to_json(&sn));
		snippet_free(&sn);
	}
	json_object_set_new(o, "detected_at", json_string(detected_at));
	return o;
}
