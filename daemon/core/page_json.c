/*
 * page_json.c: a page_hit from a stored hit object (page.h), so the server
 * renders what the store gives without a schema of its own.
 */
#include <string.h>

#include <jansson.h>

#include "page.h"

static const char *
str_at(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

int
page_hit_from_json(const json_t *o, struct page_hit_json *out)
{
	const json_t *rule = json_object_get(o, "rule"), *art = json_object_get(o, "article");
	const json_t *snip = json_object_get(o, "snippet"), *tags, *marks, *v;
	struct page_hit *h = &out->hit;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(o) || !json_is_object(rule) || !json_is_object(art))
		return -1;
	h->id = str_at(o, "id");
	h->rule_id = str_at(rule, "id");
	h->article_id = str_at(art, "id");
	if (h->id == NULL || h->rule_id == NULL || h->article_id == NULL)
		return -1;
	h->detected_at = str_at(o, "detected_at");
	h->rule_name = str_at(rule, "name");
	h->title = str_at(art, "title");
	h->url = str_at(art, "url");
	h->source = str_at(art, "source");
	h->lang = str_at(art, "lang");
	tags = json_object_get(rule, "tags");
	json_array_foreach(tags, i, v)
	{
		if (h->ntags < PAGE_JSON_TAGS && json_is_string(v))
			out->tags[h->ntags++] = json_string_value(v);
	}
	h->tags = out->tags;
	if (json_is_string(snip)) {
		h->snippet = json_string_value(snip);
		h->snippet_len = json_string_length(snip);
	} else if (json_is_object(snip) && json_is_string(json_object_get(snip, "text"))) {
		const json_t *t = json_object_get(snip, "text");

		h->snippet = json_string_value(t);
		h->snippet_len = json_string_length(t);
		marks = json_object_get(snip, "marks");
		json_array_foreach(marks, i, v)
		{
			json_int_t a = json_integer_value(json_array_get(v, 0));
			json_int_t b = json_integer_value(json_array_get(v, 1));

			if (h->nmarks == PAGE_JSON_MARKS)
				break;
			if (json_array_size(v) != 2 || a < 0 || b <= a)
				continue;
			out->marks[h->nmarks].start =
			    page_char_offset(h->snippet, h->snippet_len, (size_t)a);
			out->marks[h->nmarks].end =
			    page_char_offset(h->snippet, h->snippet_len, (size_t)b);
			h->nmarks++;
		}
	}
	h->marks = out->marks;
	return 0;
}
