/*
 * Unit tests for payload.c: golden bodies of every format for the hit
 * objects of tests/payload/ (NAME.json → NAME.FORMAT.json, compared byte
 * for byte), then the edges the fixtures do not show: the Discord cut
 * beside an escape, control characters and \u0000, the ntfy message
 * without a snippet, tags that are not strings, and refused hit objects.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "testdata.h"

#include "payload.h"

#define TOPIC "hark-alerts"

/* legacy: a snippet stored as a string by an older hark, shown as it is */
static const char *const fixtures[] = {"url", "nourl", "arabic", "long", "specials", "legacy"};

static const enum payload_format formats[] = {PAYLOAD_STANDARD, PAYLOAD_SLACK, PAYLOAD_DISCORD,
                                              PAYLOAD_NTFY};

/* Render f, asserting success; the body, caller frees. */
static char *
render(enum payload_format f, const char *hit)
{
	char err[256];
	char *out;

	err[0] = '\0';
	out = payload_render(f, hit, TOPIC, NULL, err, sizeof(err));
	if (out == NULL)
		fail_msg("%s: %s", payload_format_name(f), err);
	assert_null(strchr(out, '\n'));
	return out;
}

/* The string at key of the JSON object body; the caller decrefs *root. */
static const char *
field(const char *body, const char *key, json_t **root)
{
	json_error_t je;

	*root = json_loads(body, 0, &je);
	assert_non_null(*root);
	return json_string_value(json_object_get(*root, key));
}

static void
test_golden(void **state)
{
	char rel[256], *hit, *want, *got;
	size_t i, j, len, wlen;

	(void)state;
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		snprintf(rel, sizeof(rel), "payload/%s.json", fixtures[i]);
		hit = testdata_read(rel, &len);
		for (j = 0; j < sizeof(formats) / sizeof(formats[0]); j++) {
			snprintf(rel, sizeof(rel), "payload/%s.%s.json", fixtures[i],
			         payload_format_name(formats[j]));
			want = testdata_read(rel, &wlen);
			/* the file ends with a newline, the body does not */
			assert_true(wlen > 0 && want[wlen - 1] == '\n');
			want[wlen - 1] = '\0';
			got = render(formats[j], hit);
			if (getenv("HARK_UPDATE") != NULL && strcmp(got, want) != 0) {
				/* HARK_UPDATE=1 build/test_payload: rewrite, then review the diff
				 */
				char path[1024];
				FILE *f;

				snprintf(path, sizeof(path), "%s/%s", getenv("HARK_TESTDATA"), rel);
				assert_non_null(f = fopen(path, "w"));
				fprintf(f, "%s\n", got);
				fclose(f);
				strcpy(want, ""); /* reported below as a reminder */
			}
			if (strcmp(got, want) != 0)
				fail_msg("%s: got\n%s\nwant\n%s", rel, got, want);
			free(got);
			free(want);
		}
		free(hit);
	}
}

/* The standard body is the hit object as it was, whatever its spacing. */
static void
test_standard(void **state)
{
	char *out;

	(void)state;
	out = render(PAYLOAD_STANDARD,
	             " {\"id\" : \"h_1\",\n \"rule\": {\"id\": \"r\", \"x\": [1, 2.5, "
	             "null, true]}, \"z\": \"\\u00e9\\/\"}\n");
	assert_string_equal(out, "{\"id\":\"h_1\",\"rule\":{\"id\":\"r\",\"x\":[1,2.5,null,true]},"
	                         "\"z\":\"\xc3\xa9/\"}");
	free(out);
}

/* Marks from a stranger's hit object: only those ascending and inside the text are kept. */
static void
test_bad_marks(void **state)
{
	json_t *root;
	char *out;

	(void)state;
	out =
	    render(PAYLOAD_SLACK, "{\"rule\":{\"id\":\"r\"},\"snippet\":{\"text\":\"a\\u00e9b-c\","
	                          "\"marks\":[[1,3],[0,2],[3,99],[-1,1],[2],\"x\",[4,5],[5,6]]}}");
	assert_string_equal(field(out, "text", &root), "*r*\n> a*\xc3\xa9"
	                                               "b*-*c*");
	json_decref(root);
	free(out);
	/* a snippet that is neither a string nor {text}: none */
	out = render(PAYLOAD_SLACK, "{\"rule\":{\"id\":\"r\"},\"snippet\":{\"marks\":[[0,1]]}}");
	assert_string_equal(field(out, "text", &root), "*r*");
	json_decref(root);
	free(out);
}

/* A content of escaped characters cut at the limit never ends in a lone backslash. */
static void
test_discord_cut(void **state)
{
	static const char *const fills[] = {"*", "a*", "\xc3\xa9", "\xf0\x9f\x98\x80"};
	json_t *root, *hit;
	char *fill, *json, *out;
	const char *c;
	size_t i, k, n;

	(void)state;
	for (k = 0; k < sizeof(fills) / sizeof(fills[0]); k++) {
		fill = malloc(3000 * strlen(fills[k]) + 1);
		assert_non_null(fill);
		fill[0] = '\0';
		for (i = 0; i < 3000; i++)
			strcat(fill, fills[k]);
		hit = json_pack("{s:{s:s},s:s}", "rule", "id", "r", "snippet", fill);
		json = json_dumps(hit, JSON_COMPACT);
		out = render(PAYLOAD_DISCORD, json);
		c = field(out, "content", &root);
		assert_non_null(c);
		n = 0;
		for (i = 0; c[i] != '\0'; i++)
			n += ((unsigned char)c[i] & 0xc0) != 0x80;
		/* one less when a backslash had to go with what it escaped */
		assert_true(n == PAYLOAD_DISCORD_MAX || (n == PAYLOAD_DISCORD_MAX - 1 && k < 2));
		assert_string_equal(c + strlen(c) - 3, "\xe2\x80\xa6");
		assert_true(c[strlen(c) - 4] != '\\' || c[strlen(c) - 5] == '\\');
		json_decref(root);
		free(out);
		free(json);
		json_decref(hit);
		free(fill);
	}
	/* "**r**\n" and a snippet: 2000 characters are kept whole, 2001 are cut */
	for (k = 1994; k <= 1995; k++) {
		fill = malloc(k + 1);
		assert_non_null(fill);
		memset(fill, 'x', k);
		fill[k] = '\0';
		hit = json_pack("{s:{s:s},s:s}", "rule", "id", "r", "snippet", fill);
		json = json_dumps(hit, JSON_COMPACT);
		out = render(PAYLOAD_DISCORD, json);
		c = field(out, "content", &root);
		if (k == 1994) {
			assert_int_equal(strlen(c), 2000);
			assert_string_equal(c + 1999, "x");
		} else {
			assert_int_equal(strlen(c), 1999 + 3);
			assert_string_equal(c + 1998, "x\xe2\x80\xa6");
		}
		json_decref(root);
		free(out);
		free(json);
		json_decref(hit);
		free(fill);
	}
}

/* Texts stay on one line: control characters and NUL become spaces. */
static void
test_one_line(void **state)
{
	static const char hit[] =
	    "{\"rule\":{\"id\":\"r\",\"name\":\"a\\nb\"},\"article\":{\"title\":"
	    "\"t\\u0000i\\tt\\r\"},\"snippet\":\"s\\u001bn\"}";
	json_t *root;
	char *out;

	(void)state;
	out = render(PAYLOAD_SLACK, hit);
	assert_string_equal(field(out, "text", &root), "*a b* (r)\nt i t \n> s n");
	json_decref(root);
	free(out);
	out = render(PAYLOAD_DISCORD, hit);
	assert_string_equal(field(out, "content", &root), "**a b**: t i t \ns n");
	json_decref(root);
	free(out);
	out = render(PAYLOAD_NTFY, hit);
	assert_string_equal(field(out, "title", &root), "a b: t i t ");
	assert_string_equal(json_string_value(json_object_get(root, "message")), "s n");
	json_decref(root);
	free(out);
	/* the standard body keeps the content, \u0000 included */
	out = render(PAYLOAD_STANDARD, hit);
	assert_non_null(strstr(out, "t\\u0000i\\tt\\r"));
	free(out);
}

static void
test_ntfy(void **state)
{
	json_t *root;
	char *out, err[128];

	(void)state;
	/* no snippet, url, file or title: the message is the rule's name */
	out = render(PAYLOAD_NTFY, "{\"rule\":{\"id\":\"r\",\"tags\":[1,\"\",\"x\",null]}}");
	assert_string_equal(out, "{\"topic\":\"hark-alerts\",\"title\":\"r\",\"message\":\"r\","
	                         "\"tags\":[\"x\"]}");
	free(out);
	/* no snippet but a file */
	out = render(PAYLOAD_NTFY, "{\"rule\":{\"id\":\"r\",\"tags\":[]},\"article\":{\"file\":\"f."
	                           "txt\"},\"snippet\":\"\"}");
	assert_string_equal(field(out, "message", &root), "f.txt");
	assert_null(json_object_get(root, "tags"));
	assert_null(json_object_get(root, "click"));
	json_decref(root);
	free(out);
	/* a topic is required, and must be text */
	assert_null(payload_render(PAYLOAD_NTFY, "{\"rule\":{\"id\":\"r\"}}", NULL, NULL, err,
	                           sizeof(err)));
	assert_string_equal(err, "ntfy: no topic");
	assert_null(
	    payload_render(PAYLOAD_NTFY, "{\"rule\":{\"id\":\"r\"}}", "", NULL, err, sizeof(err)));
	assert_null(payload_render(PAYLOAD_NTFY, "{\"rule\":{\"id\":\"r\"}}", "\xff", NULL, err,
	                           sizeof(err)));
	assert_string_equal(err, "ntfy: the topic is not UTF-8");
	/* and the others ignore it */
	out = payload_render(PAYLOAD_SLACK, "{\"rule\":{\"id\":\"r\"}}", NULL, NULL, err,
	                     sizeof(err));
	assert_string_equal(out, "{\"text\":\"*r*\"}");
	free(out);
}

static void
test_refused(void **state)
{
	static const struct {
		const char *hit, *err;
	} rows[] = {
	    {"", "hit object: "},
	    {"not json", "hit object: "},
	    {"{\"rule\":", "hit object: "},
	    {"{\"rule\":{\"id\":\"r\"}} x", "hit object: "},
	    {"[1]", "hit object: not a JSON object"},
	    {"{}", "hit object: no \"rule\" object"},
	    {"{\"rule\":\"r\"}", "hit object: no \"rule\" object"},
	    {"{\"rule\":{}}", "hit object: the rule has no \"id\""},
	    {"{\"rule\":{\"id\":\"\"}}", "hit object: the rule has no \"id\""},
	    {"{\"rule\":{\"id\":7}}", "hit object: the rule has no \"id\""},
	    {"{\"rule\":{\"id\":\"\xff\"}}", "hit object: "},
	    {"{\"rule\":{\"id\":\"a\nb\"}}", "hit object: "}, /* quoted back on one line */
	};
	char err[256], *out;
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		for (j = 0; j < sizeof(formats) / sizeof(formats[0]); j++) {
			memset(err, 0, sizeof(err));
			out =
			    payload_render(formats[j], rows[i].hit, TOPIC, NULL, err, sizeof(err));
			if (out != NULL)
				fail_msg("'%s' rendered as %s", rows[i].hit, out);
			assert_memory_equal(err, rows[i].err, strlen(rows[i].err));
			if (rows[i].err[strlen(rows[i].err) - 1] != ' ')
				assert_string_equal(err, rows[i].err);
			assert_null(strchr(err, '\n'));
		}
	/* a short err is cut, never overrun */
	memset(err, 'x', sizeof(err));
	assert_null(payload_render(PAYLOAD_SLACK, "{}", TOPIC, NULL, err, 8));
	assert_string_equal(err, "hit obj");
	assert_int_equal(err[8], 'x');
}

static void
test_format_names(void **state)
{
	enum payload_format f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		assert_int_equal(payload_format_parse(payload_format_name(formats[i]), &f), 0);
		assert_int_equal(f, formats[i]);
	}
	assert_string_equal(payload_format_name(PAYLOAD_DISCORD), "discord");
	assert_int_equal(payload_format_parse("Slack", &f), -1);
	assert_int_equal(payload_format_parse("", &f), -1);
	assert_int_equal(payload_format_parse("ntfy ", &f), -1);
}

/* Characters (code points) of UTF-8 s. */
static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* A hit whose title is n copies of unit, with a snippet and an address. */
static char *
long_title_hit(const char *unit, size_t n)
{
	size_t ul = strlen(unit), i;
	char *title = malloc(ul * n + 1), *hit;
	json_t *o;

	assert_non_null(title);
	for (i = 0; i < n; i++)
		memcpy(title + i * ul, unit, ul);
	title[ul * n] = '\0';
	o = json_pack("{s:s,s:{s:s,s:s,s:[]},s:{s:s,s:s,s:s},s:{s:s,s:[[ii]]}}", "id", "h_1",
	              "rule", "id", "r", "name", "Rule", "tags", "article", "id", "a_1", "title",
	              title, "url", "https://example.org/a", "snippet", "text",
	              "about Kamalmaz today", "marks", 6, 14);
	assert_non_null(o);
	hit = json_dumps(o, JSON_COMPACT);
	assert_non_null(hit);
	json_decref(o);
	free(title);
	return hit;
}

/*
 * Every chat format fits its service's published limits whatever the
 * article: 60,000-character titles in ASCII, Arabic, CJK, emoji and astral
 * letters; the title cut between characters with "…", the snippet kept.
 */
static void
test_limits(void **state)
{
	static const char *const units[] = {
	    "a",  "\xd8\xb3", "\xe6\x97\xa5", "\xf0\x9f\x98\x80", "\xf0\x9d\x90\x80", "&",
	    "\"", "*"};
	json_t *root;
	const char *t;
	char *hit, *out;

	(void)state;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		hit = long_title_hit(units[i], 60000);
		out = render(PAYLOAD_SLACK, hit);
		t = field(out, "text", &root);
		assert_true(chars(t) <= 3000);
		assert_non_null(strstr(t, "\xe2\x80\xa6>")); /* the title cut, the link closed */
		assert_non_null(strstr(t, "*Kamalmaz*"));
		json_decref(root);
		free(out);
		out = render(PAYLOAD_DISCORD, hit);
		t = field(out, "content", &root);
		assert_true(chars(t) <= 2000);
		assert_non_null(strstr(t, "**Kamalmaz**"));
		json_decref(root);
		free(out);
		out = render(PAYLOAD_NTFY, hit);
		assert_true(strlen(out) < 8192);
		t = field(out, "title", &root);
		assert_true(chars(t) <= 6 + 200);
		assert_true(strlen(t) >= 3 && strcmp(t + strlen(t) - 3, "\xe2\x80\xa6") == 0);
		json_decref(root);
		assert_true(strlen(field(out, "message", &root)) <= 4096);
		json_decref(root);
		free(out);
		free(hit);
	}
}

/* Only web addresses are links; Discord's is in <...>, where no Markdown is read. */
static void
test_links(void **state)
{
	json_t *root;
	char *out;
	const char *t;

	(void)state;
	static const char js[] = "{\"rule\":{\"id\":\"r\"},\"article\":{\"title\":\"T\",\"url\":"
	                         "\"javascript:alert(1)\"},\"snippet\":\"s\"}";
	for (int f = PAYLOAD_SLACK; f <= PAYLOAD_NTFY; f++) {
		out = render((enum payload_format)f, js);
		assert_null(strstr(out, "javascript"));
		free(out);
	}
	out = render(
	    PAYLOAD_DISCORD,
	    "{\"rule\":{\"id\":\"r\"},\"article\":{\"title\":\"T\",\"url\":\"https://a.example/"
	    "x> [Bank login](https://evil.example/)\"},\"snippet\":\"s\"}");
	t = field(out, "content", &root);
	assert_non_null(
	    strstr(t, "\n<https://a.example/x%3E%20[Bank%20login](https://evil.example/)>\n"));
	json_decref(root);
	free(out);
}

/*
 * Bidi overrides and isolates, zero-width characters and odd line breaks
 * never reach a chat message; ZWNJ (Persian) stays.
 */
static void
test_disguise(void **state)
{
	static const char hit[] =
	    "{\"rule\":{\"id\":\"r\",\"name\":\"N\\u202e\"},\"article\":{\"title\":"
	    "\"a\\u202eb\\u2066c"
	    "\\u200bd\\u2028e\\u0085f\\ufeffg\\u200ch\"},\"snippet\":{\"text\":\"x\\u202ey\","
	    "\"marks\":[]}}";
	static const char *const bad[] = {"\xe2\x80\xae", "\xe2\x81\xa6", "\xe2\x80\x8b\x64",
	                                  "\xe2\x80\xa8", "\xc2\x85",     "\xef\xbb\xbf"};
	char *out;

	(void)state;
	for (int f = PAYLOAD_SLACK; f <= PAYLOAD_NTFY; f++) {
		out = render((enum payload_format)f, hit);
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			if (strstr(out, bad[i]) != NULL)
				fail_msg("%s: holds %s",
				         payload_format_name((enum payload_format)f), out);
		assert_non_null(strstr(out, "abc"));
		assert_non_null(strstr(out, "d e f"));
		assert_non_null(strstr(out, "g\xe2\x80\x8ch"));
		free(out);
	}
}

/* The text a chat body shows: Slack's text, Discord's content, ntfy's (Markdown) message. */
static char *
chat_text(enum payload_format f, const char *body)
{
	json_t *root = json_loads(body, 0, NULL);
	const char *key = f == PAYLOAD_SLACK     ? "text"
	                  : f == PAYLOAD_DISCORD ? "content"
	                                         : "message";
	char *t;

	assert_non_null(root);
	assert_non_null(json_string_value(json_object_get(root, key)));
	t = strdup(json_string_value(json_object_get(root, key)));
	json_decref(root);
	return t;
}

/*
 * Hostile text in every field a chat message shows (rule name and id,
 * title, file, snippet, the address), with and without an address, in a
 * single alert and in a digest: none of it reaches the markup as it was,
 * so it can neither restyle the message (*bold* _x_ ~x~ `code`), mention
 * anybody (<!channel>) nor dress a link (<http://evil|click>).
 */
static void
test_hostile(void **state)
{
	static const char *const tokens[] = {
	    "<!channel>", "*bold*", "_x_", "~x~", "`c`", "<http://evil|click>", "Le *Hezbollah*",
	    /* quotes and spaces of other scripts are no word: the marks are escaped there too */
	    "\xe2\x80\x9c*URGENT*\xe2\x80\x9d", "\xc2\xab_x_\xc2\xbb", "\xc2\xa0~y~\xc2\xa0"};
	static const char *const fields[] = {"name", "id", "title", "file", "snippet", "url"};
	char err[256];

	(void)state;
	for (size_t t = 0; t < sizeof(tokens) / sizeof(tokens[0]); t++)
		for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++)
			for (int withurl = 0; withurl < 2; withurl++) {
				char text[128], url[128];
				json_t *o;
				char *hit, *out, **bodies;
				const char *hits[1];
				struct payload_digest g = {0, 60, hits, 1, 1, NULL};
				int n;

				snprintf(text, sizeof(text), "a %s b", tokens[t]);
				snprintf(url, sizeof(url), "https://a.example/%s", tokens[t]);
				/* in an address only what would end it is hostile */
				if (strcmp(fields[k], "url") == 0 && tokens[t][0] != '<')
					continue;
				if (strcmp(fields[k], "url") == 0 && !withurl)
					continue;
				o = json_pack(
				    "{s:s,s:{s:s,s:s},s:{s:s,s:s,s:s},s:{s:s,s:[[ii]]}}", "id",
				    "h_1", "rule", "id", strcmp(fields[k], "id") == 0 ? text : "r1",
				    "name", strcmp(fields[k], "name") == 0 ? text : "Rule",
				    "article", "id", "a_1", "title",
				    strcmp(fields[k], "title") == 0 ? text : "T", "file",
				    strcmp(fields[k], "file") == 0 ? text : "f.txt", "snippet",
				    "text", strcmp(fields[k], "snippet") == 0 ? text : "s a",
				    "marks", 0, 1);
				assert_non_null(o);
				if (withurl)
					json_object_set_new(
					    json_object_get(o, "article"), "url",
					    json_string(strcmp(fields[k], "url") == 0
					                    ? url
					                    : "https://a.example/"));
				hit = json_dumps(o, JSON_COMPACT);
				json_decref(o);
				hits[0] = hit;
				for (int f = PAYLOAD_SLACK; f <= PAYLOAD_NTFY; f++) {
					char *shown;

					out = payload_render((enum payload_format)f, hit, TOPIC,
					                     NULL, err, sizeof(err));
					assert_non_null(out);
					shown = chat_text((enum payload_format)f, out);
					if (strstr(shown, tokens[t]) != NULL)
						fail_msg(
						    "%s %s (%s url): %s",
						    payload_format_name((enum payload_format)f),
						    fields[k], withurl ? "a" : "no", shown);
					free(shown);
					free(out);
					n = payload_render_digest((enum payload_format)f, &g, TOPIC,
					                          &bodies, err, sizeof(err));
					assert_int_equal(n, 1);
					shown = chat_text((enum payload_format)f, bodies[0]);
					if (strstr(shown, tokens[t]) != NULL)
						fail_msg(
						    "%s digest %s (%s url): %s",
						    payload_format_name((enum payload_format)f),
						    fields[k], withurl ? "a" : "no", shown);
					free(shown);
					free(bodies[0]);
					free(bodies);
				}
				free(hit);
			}
	/* inside a word nothing is read as emphasis: a rule id stays one that can be copied */
	{
		json_t *root;
		char *out = render(PAYLOAD_SLACK, "{\"rule\":{\"id\":\"r_and_d\",\"name\":\"N\"},"
		                                  "\"snippet\":\"see file_name.txt\"}");

		assert_string_equal(field(out, "text", &root),
		                    "*N* (r_and_d)\n> see file_name.txt");
		json_decref(root);
		free(out);
	}
}

/*
 * With a base_url, chat alerts link the article's stored copy: the only
 * link of a dropped file's hit, beside the address of a feed item's.
 */
static void
test_stored(void **state)
{
	static const char dropped[] = "{\"rule\":{\"id\":\"r\"},\"article\":{\"id\":\"a_1f\","
	                              "\"title\":\"T\",\"file\":\"sl.txt\"},\"snippet\":\"s\"}";
	static const char item[] = "{\"rule\":{\"id\":\"r\"},\"article\":{\"id\":\"a_1f\","
	                           "\"title\":\"T\",\"url\":\"https://news.example/x\"},"
	                           "\"snippet\":\"s\"}";
	static const char badid[] = "{\"rule\":{\"id\":\"r\"},\"article\":{\"id\":\"a_1>x|y\","
	                            "\"title\":\"T\"},\"snippet\":\"s\"}";
	const char *base = "https://hark.example/";
	const char *hits[1];
	struct payload_digest g = {0, 60, hits, 1, 1, base};
	char err[256], *out, **bodies;
	json_t *root;
	const char *t;

	(void)state;
	out = payload_render(PAYLOAD_SLACK, dropped, NULL, base, err, sizeof(err));
	assert_non_null(out);
	t = field(out, "text", &root);
	assert_non_null(
	    strstr(t, "\nT (sl.txt)\n<https://hark.example/articles/a_1f|stored copy>\n"));
	json_decref(root);
	free(out);
	out = payload_render(PAYLOAD_DISCORD, dropped, NULL, base, err, sizeof(err));
	t = field(out, "content", &root);
	assert_non_null(strstr(t, "\nstored copy: <https://hark.example/articles/a_1f>\n"));
	json_decref(root);
	free(out);
	out = payload_render(PAYLOAD_NTFY, dropped, TOPIC, base, err, sizeof(err));
	t = field(out, "click", &root);
	assert_non_null(t);
	assert_string_equal(t, "https://hark.example/articles/a_1f");
	json_decref(root);
	free(out);
	/* a feed item: its address as before, and the stored copy */
	out = payload_render(PAYLOAD_SLACK, item, NULL, base, err, sizeof(err));
	t = field(out, "text", &root);
	assert_non_null(strstr(t, "\n<https://news.example/x|T>\n<https://hark.example/articles/"
	                          "a_1f|stored copy>\n"));
	json_decref(root);
	free(out);
	out = payload_render(PAYLOAD_NTFY, item, TOPIC, base, err, sizeof(err));
	assert_string_equal(field(out, "click", &root), "https://news.example/x");
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(root, "actions"), 0), "url")),
	                    "https://hark.example/articles/a_1f");
	json_decref(root);
	free(out);
	/* without base_url, or with an id that is not one: no stored copy */
	for (int f = PAYLOAD_SLACK; f <= PAYLOAD_NTFY; f++) {
		out =
		    payload_render((enum payload_format)f, dropped, TOPIC, NULL, err, sizeof(err));
		assert_null(strstr(out, "articles/"));
		free(out);
		out = payload_render((enum payload_format)f, badid, TOPIC, base, err, sizeof(err));
		assert_null(strstr(out, "articles/"));
		free(out);
	}
	/* a digest's line links the stored copy when the article has no address */
	hits[0] = dropped;
	assert_int_equal(payload_render_digest(PAYLOAD_SLACK, &g, NULL, &bodies, err, sizeof(err)),
	                 1);
	t = field(bodies[0], "text", &root);
	assert_non_null(strstr(t, "<https://hark.example/articles/a_1f|T>"));
	json_decref(root);
	free(bodies[0]);
	free(bodies);
	assert_int_equal(
	    payload_render_digest(PAYLOAD_DISCORD, &g, NULL, &bodies, err, sizeof(err)), 1);
	t = field(bodies[0], "content", &root);
	assert_non_null(strstr(t, "- T <https://hark.example/articles/a_1f>"));
	json_decref(root);
	free(bodies[0]);
	free(bodies);
}

/* A hit object of rule r (name n) with title t. Caller frees. */
static char *
digest_hit(int i, const char *r, const char *n, const char *t)
{
	json_t *o = json_pack("{s:s,s:{s:s,s:s},s:{s:s,s:s,s:s},s:s}", "id", "h_x", "rule", "id", r,
	                      "name", n, "article", "id", "a_x", "title", t, "url",
	                      "https://example.org/a", "detected_at", "2026-12-06T08:00:00Z");
	char *s;

	(void)i;
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

/* Digests: the standard object; chat messages by rule, split at the service's limit only. */
static void
test_digest(void **state)
{
	char *hits[40], **bodies, err[128];
	struct payload_digest g = {1796000400, 1796004000, (const char *const *)hits, 3, 5, NULL};
	json_t *o;
	int n;

	(void)state;
	hits[0] = digest_hit(0, "convoy", "convoy", "Third *bold* <x>");
	hits[1] = digest_hit(1, "assad", "Bashar al-Assad", "Second");
	hits[2] = digest_hit(2, "convoy", "convoy", "First");
	n = payload_render_digest(PAYLOAD_STANDARD, &g, NULL, &bodies, err, sizeof(err));
	assert_int_equal(n, 1);
	o = json_loads(bodies[0], 0, NULL);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "type")), "digest");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(o, "period"), "start")),
	    "2026-11-30T01:00:00Z");
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "period"), "end")),
	                    "2026-11-30T02:00:00Z");
	assert_int_equal(json_integer_value(json_object_get(o, "total")), 5);
	assert_int_equal(json_array_size(json_object_get(o, "hits")), 3);
	json_decref(o);
	free(bodies[0]);
	free(bodies);

	/* slack: one message, the rule with most hits first, the title escaped */
	n = payload_render_digest(PAYLOAD_SLACK, &g, NULL, &bodies, err, sizeof(err));
	assert_int_equal(n, 1);
	o = json_loads(bodies[0], 0, NULL);
	{
		const char *t = json_string_value(json_object_get(o, "text"));

		assert_non_null(strstr(t, "hark: 5 hits from 2026-11-30T01:00:00Z"));
		assert_non_null(strstr(t, "*convoy* (2)\n"));
		assert_true(strstr(t, "*convoy* (2)") < strstr(t, "*Bashar al-Assad* (1)"));
		assert_non_null(strstr(t, "<https://example.org/a|Third \xe2\x80\x8b*\xe2\x80\x8b"
		                          "bold\xe2\x80\x8b*\xe2\x80\x8b &lt;x&gt;>"));
		assert_non_null(strstr(t, "and 2 more"));
	}
	json_decref(o);
	free(bodies[0]);
	free(bodies);

	/* discord: 40 hits of long titles need several messages of at most 2000 characters */
	for (int i = 3; i < 40; i++)
		hits[i] = digest_hit(i, "convoy", "convoy",
		                     "A long title of about one hundred characters, repeated for "
		                     "every hit of this digest, all right");
	g.nhits = 40;
	g.total = 40;
	n = payload_render_digest(PAYLOAD_DISCORD, &g, NULL, &bodies, err, sizeof(err));
	assert_true(n >= 3);
	for (int i = 0; i < n; i++) {
		o = json_loads(bodies[i], 0, NULL);
		assert_true(json_string_length(json_object_get(o, "content")) <= 2000);
		/* split only when the next line would not fit: every message but the last is full
		 */
		if (i + 1 < n)
			assert_true(json_string_length(json_object_get(o, "content")) > 1800);
		json_decref(o);
		free(bodies[i]);
	}
	free(bodies);
	/* ntfy: the topic, markdown */
	n = payload_render_digest(PAYLOAD_NTFY, &g, "alerts", &bodies, err, sizeof(err));
	assert_int_equal(n, 2);
	o = json_loads(bodies[0], 0, NULL);
	assert_string_equal(json_string_value(json_object_get(o, "topic")), "alerts");
	assert_string_equal(json_string_value(json_object_get(o, "title")), "hark: 40 hits");
	json_decref(o);
	for (int i = 0; i < n; i++)
		free(bodies[i]);
	free(bodies);
	assert_int_equal(payload_render_digest(PAYLOAD_NTFY, &g, NULL, &bodies, err, sizeof(err)),
	                 -1);
	for (int i = 0; i < 40; i++)
		free(hits[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_golden),   cmocka_unit_test(test_bad_marks),
	    cmocka_unit_test(test_standard), cmocka_unit_test(test_discord_cut),
	    cmocka_unit_test(test_one_line), cmocka_unit_test(test_ntfy),
	    cmocka_unit_test(test_refused),  cmocka_unit_test(test_format_names),
	    cmocka_unit_test(test_limits),   cmocka_unit_test(test_links),
	    cmocka_unit_test(test_disguise), cmocka_unit_test(test_digest),
	    cmocka_unit_test(test_hostile),  cmocka_unit_test(test_stored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
