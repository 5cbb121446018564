/*
 * payload.c: the webhook body of a hit in each format (see payload.h).
 *
 * The hit object is read back with jansson; its text fields are untrusted
 * (article titles and snippets come from the web), so every one of them
 * is put on one line (control characters become spaces) and escaped for
 * the markup of the format that shows it: Slack's three entities and a
 * zero-width space around its emphasis characters, Discord
 * markdown's backslash. The texts are built in a growing buffer and only
 * then handed to jansson, which writes the JSON escapes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <utf8proc.h>

#include "hit.h"
#include "mem.h"
#include "payload.h"
#include "url.h"
#include "utf8.h"

/*
 * ntfy's default message-size-limit, in bytes: a longer message would be
 * turned into an attachment, or refused where attachments are off; and
 * its limit on a JSON publish's whole body.
 */
#define NTFY_MESSAGE_MAX 4096
#define NTFY_BODY_MAX 8192
/* Slack's limit on a message's text (a section block's), in characters. */
#define SLACK_TEXT_MAX 3000
/*
 * What an alert shows of a title, a rule name and a file name, in
 * characters: a 60,000-character title must leave room for the snippet.
 * An address longer than URL_MAX bytes is not shown at all (no service
 * links a cut one).
 */
#define TITLE_MAX 200
#define NAME_MAX_CHARS 100
#define URL_MAX 2048

static const char *const payload_names[] = {"standard", "slack", "discord", "ntfy"};

/* A growing string; oom stays set after the first failed allocation. */
struct pbuf {
	char *s;
	size_t len, cap;
	int oom;
};

/*
 * How a text is escaped for the markup it goes into. ESC_SLACK_MD: Slack
 * has no escape for its emphasis characters (its documentation escapes
 * only & < >), so a zero-width space on each side of one keeps the text's
 * own * _ ~ ` from opening or closing emphasis or code, or pairing with
 * the message's own *: Slack reads one as a delimiter only next to a
 * blank, punctuation or the end of the text, which a zero-width space is
 * not (and never between two letters or digits, where none is put). Every text of a Slack message
 * goes through it (rule name and id, title, file, snippet, a digest's lines). ESC_MD: Markdown
 * (Discord, ntfy), a backslash before what it reads inline. ESC_SLACK_URL, ESC_URL: an address
 * inside <...> (Slack's, Discord's), what would end it percent-encoded, and for Slack its entities.
 */
enum pl_esc { ESC_NONE, ESC_SLACK_URL, ESC_URL, ESC_SLACK_MD, ESC_MD };
#define ESC_DISCORD ESC_MD

/* The texts of the hit object that the bodies show; NULL when absent or "". */
struct pl_hit {
	json_t *root;
	const char *id, *name, *title, *url, *file;
	size_t id_len, name_len, title_len, url_len, file_len;
	char *stored; /* owned: base_url/articles/ID, or NULL */
	size_t stored_len;
	struct snippet sn; /* owned: the text and its marks (byte offsets) */
	json_t *tags;      /* rule.tags, borrowed from root; NULL when absent */
};

int
payload_format_parse(const char *name, enum payload_format *f)
{
	for (size_t i = 0; i < sizeof(payload_names) / sizeof(payload_names[0]); i++)
		if (strcmp(name, payload_names[i]) == 0) {
			*f = (enum payload_format)i;
			return 0;
		}
	return -1;
}

const char *
payload_format_name(enum payload_format f)
{
	if ((size_t)f < sizeof(payload_names) / sizeof(payload_names[0]))
		return payload_names[f];
	return "?";
}

static void
pb_add(struct pbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (mem_grow(&b->s, &b->cap, b->len + n + 1, 1) == -1) {
		b->oom = 1;
		return;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
pb_str(struct pbuf *b, const char *s)
{
	pb_add(b, s, strlen(s));
}

/*
 * Whether the character of s[0..n) that starts at i (before: that ends
 * just before i) is a letter or a digit: between two of them (r_and_d,
 * file_name.txt) Slack reads no * _ ~ ` as emphasis, so they are left as
 * they are (and a rule id stays one that can be copied). Punctuation,
 * quotes and spaces of any script («, ", a no-break space) are no word:
 * next to them the mark is escaped.
 */
static int
pl_wordy(const char *s, size_t n, size_t i, int before)
{
	uint32_t cp;

	if (before) {
		if (i == 0)
			return 0;
		for (i--; i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80; i--)
			;
	} else if (++i >= n) {
		return 0;
	}
	if ((unsigned char)s[i] < 0x80) {
		unsigned char c = (unsigned char)s[i];

		return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
	}
	utf8_decode((const unsigned char *)s + i, n - i, &cp);
	switch (utf8proc_category((utf8proc_int32_t)cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

/*
 * Append s[0..n) on one line, escaped as esc says. Discord's escapes
 * cover what its markdown reads inline (emphasis, strike-through, code,
 * spoilers, masked links, quotes and headings, <@...> mentions) so that
 * a title cannot restyle the message or dress a link as another.
 */
static void
pb_text(struct pbuf *b, const char *s, size_t n, enum pl_esc esc)
{
	char hex[4];

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80) {
			/* bidi overrides and zero-width characters out, odd line breaks a space */
			uint32_t cp;
			size_t k = utf8_decode((const unsigned char *)s + i, n - i, &cp);
			int d = utf8_disguise(cp);

			if (d == UTF8_LINEBREAK)
				pb_add(b, " ", 1);
			else if (d == 0)
				pb_add(b, s + i, k);
			i += k - 1;
		} else if ((esc == ESC_SLACK_URL || esc == ESC_URL) &&
		           (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '|')) {
			/* inside <url|label> or <url> these would end the URL */
			snprintf(hex, sizeof(hex), "%%%02X", c);
			pb_str(b, hex);
		} else if (c < 0x20 || c == 0x7f) {
			pb_add(b, " ", 1);
		} else if ((esc == ESC_SLACK_URL || esc == ESC_SLACK_MD) && c == '&') {
			pb_str(b, "&amp;");
		} else if (esc == ESC_SLACK_MD && c == '<') {
			pb_str(b, "&lt;");
		} else if (esc == ESC_SLACK_MD && c == '>') {
			pb_str(b, "&gt;");
		} else if (esc == ESC_SLACK_MD && strchr("*_~`", c) != NULL &&
		           !(pl_wordy(s, n, i, 1) && pl_wordy(s, n, i, 0))) {
			pb_str(b, "\xe2\x80\x8b");
			pb_add(b, s + i, 1);
			pb_str(b, "\xe2\x80\x8b");
		} else if (esc == ESC_DISCORD && strchr("\\*_~`|[]<>#", c) != NULL) {
			pb_add(b, "\\", 1);
			pb_add(b, s + i, 1);
		} else {
			pb_add(b, s + i, 1);
		}
	}
}

/*
 * pb_text() of at most max characters of s[0..n): a longer text ends in
 * "…" after max - 1 of them, cut between two characters.
 */
static void
pb_text_max(struct pbuf *b, const char *s, size_t n, enum pl_esc esc, size_t max)
{
	size_t i, chars = 0, cut = n;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && chars++ == max - 1)
			cut = i;
	if (chars <= max) {
		pb_text(b, s, n, esc);
		return;
	}
	pb_text(b, s, cut, esc);
	pb_str(b, "\xe2\x80\xa6");
}

/* The non-empty string at key of o (an object or NULL), or NULL; *len its length. */
static const char *
pl_string(json_t *o, const char *key, size_t *len)
{
	json_t *v = o != NULL ? json_object_get(o, key) : NULL;

	if (!json_is_string(v) || json_string_length(v) == 0) {
		*len = 0;
		return NULL;
	}
	*len = json_string_length(v);
	return json_string_value(v);
}

/* Read the hit object (base_url: NULL, or for its stored copy); 0, or -1 with the reason in err. */
static int
pl_read(struct pl_hit *h, const char *hit_json, const char *base_url, char *err, size_t errsz)
{
	json_error_t je;
	json_t *rule, *art;
	const char *aid;
	size_t aid_len;

	memset(h, 0, sizeof(*h));
	/* \u0000 is accepted (pb_text makes it a space): a stored hit must never fail */
	h->root = json_loads(hit_json, JSON_ALLOW_NUL, &je);
	if (h->root == NULL) {
		snprintf(err, errsz, "hit object: %s", je.text);
		/* jansson quotes the input near the error, newlines and all */
		for (char *e = err; *e != '\0'; e++)
			if ((unsigned char)*e < 0x20 || *e == 0x7f)
				*e = ' ';
		return -1;
	}
	if (!json_is_object(h->root)) {
		snprintf(err, errsz, "hit object: not a JSON object");
		goto fail;
	}
	rule = json_object_get(h->root, "rule");
	if (!json_is_object(rule)) {
		snprintf(err, errsz, "hit object: no \"rule\" object");
		goto fail;
	}
	h->id = pl_string(rule, "id", &h->id_len);
	if (h->id == NULL) {
		snprintf(err, errsz, "hit object: the rule has no \"id\"");
		goto fail;
	}
	/* RULES.md: a rule's name defaults to its id */
	h->name = pl_string(rule, "name", &h->name_len);
	if (h->name == NULL) {
		h->name = h->id;
		h->name_len = h->id_len;
	}
	h->tags = json_object_get(rule, "tags");
	art = json_object_get(h->root, "article");
	if (!json_is_object(art))
		art = NULL;
	h->title = pl_string(art, "title", &h->title_len);
	h->url = pl_string(art, "url", &h->url_len);
	/* a stored hit may predate the rule that keeps only web addresses */
	if (h->url != NULL && (h->url_len > URL_MAX || !url_is_web(h->url))) {
		h->url = NULL;
		h->url_len = 0;
	}
	h->file = pl_string(art, "file", &h->file_len);
	if (base_url != NULL && (aid = pl_string(art, "id", &aid_len)) != NULL &&
	    strlen(aid) == aid_len && (h->stored = url_stored(base_url, aid)) != NULL) {
		h->stored_len = strlen(h->stored);
		/* as an article's address: only a web one, not too long to be linked */
		if (h->stored_len > URL_MAX || !url_is_web(h->stored)) {
			free(h->stored);
			h->stored = NULL;
			h->stored_len = 0;
		}
	}
	if (snippet_from_json(json_object_get(h->root, "snippet"), &h->sn) < 0) {
		snprintf(err, errsz, "hit object: out of memory");
		goto fail;
	}
	return 0;
fail:
	json_decref(h->root);
	h->root = NULL;
	free(h->stored);
	h->stored = NULL;
	return -1;
}

/* The name differs from the id: worth showing both. */
static int
pl_named(const struct pl_hit *h)
{
	return h->name_len != h->id_len || memcmp(h->name, h->id, h->id_len) != 0;
}

/* The snippet escaped as esc says, each mark between open and close. */
static void
pl_snippet(struct pbuf *b, const struct snippet *sn, enum pl_esc esc, const char *open,
           const char *close)
{
	size_t at = 0;

	for (size_t m = 0; m < sn->nmarks; m++) {
		pb_text(b, sn->text + at, sn->marks[m].start - at, esc);
		pb_str(b, open);
		pb_text(b, sn->text + sn->marks[m].start, sn->marks[m].end - sn->marks[m].start,
		        esc);
		pb_str(b, close);
		at = sn->marks[m].end;
	}
	pb_text(b, sn->text + at, sn->len - at, esc);
}

/*
 * Cut b after from to at most max code points (or bytes, when bytes),
 * the last one "…", when it is longer; never inside a UTF-8 sequence. The
 * text is valid UTF-8 (jansson checked the hit object), so counting the
 * bytes that do not continue a sequence counts characters.
 */
static void
pl_cut(struct pbuf *b, size_t from, size_t max, int bytes)
{
	size_t i, n = 0, cut = from, bs = 0;

	if (bytes) {
		if (b->len - from <= max)
			return;
		/* the last character start that leaves room for the 3 bytes of "…" */
		for (i = from; i <= from + max - 3; i++)
			if (((unsigned char)b->s[i] & 0xc0) != 0x80)
				cut = i;
	} else {
		for (i = from; i < b->len; i++)
			if (((unsigned char)b->s[i] & 0xc0) != 0x80) {
				if (n == max - 1)
					cut = i;
				n++;
			}
		if (n <= max)
			return;
	}
	/*
	 * In Markdown (Discord's content, ntfy's message) an escaping backslash
	 * cut from what it escaped would escape the "…": every literal
	 * backslash there is doubled, so an odd run before the cut ends in such
	 * a one.
	 */
	/* nor may Slack's "&amp;" "&lt;" "&gt;" be cut into text ("&am…") */
	for (i = cut; i > from && cut - i < 5 && b->s[i - 1] != ';'; i--)
		if (b->s[i - 1] == '&') {
			cut = i - 1;
			break;
		}
	for (i = cut; i > from && b->s[i - 1] == '\\'; i--)
		bs++;
	b->len = cut - bs % 2;
	b->s[b->len] = '\0';
	pb_str(b, "\xe2\x80\xa6");
}

/*
 * *name* (id)
 * <url|title>         or title (file) without a url
 * <stored|stored copy>   with a base_url
 * > snippet
 */
static json_t *
pl_slack(const struct pl_hit *h, struct pbuf *b)
{
	pb_add(b, "*", 1);
	pb_text_max(b, h->name, h->name_len, ESC_SLACK_MD, NAME_MAX_CHARS);
	pb_add(b, "*", 1);
	if (pl_named(h)) {
		pb_add(b, " (", 2);
		pb_text_max(b, h->id, h->id_len, ESC_SLACK_MD, NAME_MAX_CHARS);
		pb_add(b, ")", 1);
	}
	if (h->url != NULL) {
		pb_add(b, "\n<", 2);
		pb_text(b, h->url, h->url_len, ESC_SLACK_URL);
		if (h->title != NULL) {
			pb_add(b, "|", 1);
			pb_text_max(b, h->title, h->title_len, ESC_SLACK_MD, TITLE_MAX);
		}
		pb_add(b, ">", 1);
	} else if (h->title != NULL || h->file != NULL) {
		pb_add(b, "\n", 1);
		if (h->title != NULL)
			pb_text_max(b, h->title, h->title_len, ESC_SLACK_MD, TITLE_MAX);
		if (h->title != NULL && h->file != NULL)
			pb_add(b, " (", 2);
		if (h->file != NULL)
			pb_text_max(b, h->file, h->file_len, ESC_SLACK_MD, TITLE_MAX);
		if (h->title != NULL && h->file != NULL)
			pb_add(b, ")", 1);
	}
	if (h->stored != NULL) {
		pb_add(b, "\n<", 2);
		pb_text(b, h->stored, h->stored_len, ESC_SLACK_URL);
		pb_str(b, "|stored copy>");
	}
	if (h->sn.len > 0) {
		pb_add(b, "\n> ", 3);
		pl_snippet(b, &h->sn, ESC_SLACK_MD, "*", "*");
	}
	if (b->oom)
		return NULL;
	pl_cut(b, 0, SLACK_TEXT_MAX, 0);
	if (b->oom)
		return NULL;
	return json_pack("{s:s%}", "text", b->s, b->len);
}

/*
 * **name**: title
 * url                 or the file without a url
 * stored copy: <stored>   with a base_url
 * snippet
 */
static json_t *
pl_discord(const struct pl_hit *h, struct pbuf *b)
{
	pb_add(b, "**", 2);
	pb_text_max(b, h->name, h->name_len, ESC_DISCORD, NAME_MAX_CHARS);
	pb_add(b, "**", 2);
	if (h->title != NULL) {
		pb_add(b, ": ", 2);
		pb_text_max(b, h->title, h->title_len, ESC_DISCORD, TITLE_MAX);
	}
	if (h->url != NULL) {
		/*
		 * <url>: Discord links it, reads no Markdown inside and shows no
		 * preview, so no masked link or emphasis can be built from it
		 */
		pb_add(b, "\n<", 2);
		pb_text(b, h->url, h->url_len, ESC_URL);
		pb_add(b, ">", 1);
	} else if (h->file != NULL) {
		pb_add(b, "\n", 1);
		pb_text_max(b, h->file, h->file_len, ESC_DISCORD, TITLE_MAX);
	}
	if (h->stored != NULL) {
		pb_str(b, "\nstored copy: <");
		pb_text(b, h->stored, h->stored_len, ESC_URL);
		pb_add(b, ">", 1);
	}
	if (h->sn.len > 0) {
		pb_add(b, "\n", 1);
		pl_snippet(b, &h->sn, ESC_MD, "**", "**");
	}
	if (b->oom)
		return NULL;
	pl_cut(b, 0, PAYLOAD_DISCORD_MAX, 0);
	if (b->oom)
		return NULL;
	/* an article's "@everyone" must not ping anybody */
	return json_pack("{s:s%,s:{s:[]}}", "content", b->s, b->len, "allowed_mentions", "parse");
}

/*
 * ntfy's JSON publish: the title is "name: title", the message the
 * snippet (with the file below it when there is no url to click), within
 * NTFY_MESSAGE_MAX bytes, never empty since ntfy would show a placeholder.
 * A click opens the article's address, else its stored copy; with both, a
 * "view" action button opens the stored copy.
 */
static json_t *
pl_ntfy(const struct pl_hit *h, const char *topic, struct pbuf *b, size_t max)
{
	json_t *o, *tags, *v;
	size_t i, split, msg;

	pb_text_max(b, h->name, h->name_len, ESC_NONE, NAME_MAX_CHARS);
	if (h->title != NULL) {
		pb_add(b, ": ", 2);
		pb_text_max(b, h->title, h->title_len, ESC_NONE, TITLE_MAX);
	}
	split = b->len;
	/* the message is Markdown ("markdown": true): the marks in bold */
	if (h->sn.len > 0)
		pl_snippet(b, &h->sn, ESC_MD, "**", "**");
	if (h->url == NULL && h->file != NULL) {
		if (h->sn.len > 0)
			pb_add(b, "\n", 1);
		pb_text_max(b, h->file, h->file_len, ESC_MD, TITLE_MAX);
	}
	if (!b->oom)
		pl_cut(b, split, max, 1);
	msg = b->len > split ? split : 0; /* nothing to say: the title again */
	if (b->oom)
		return NULL;
	o = json_pack("{s:s,s:s%,s:s%}", "topic", topic, "title", b->s, split, "message",
	              b->s + msg, b->len - msg);
	if (o == NULL)
		return NULL;
	if (msg != 0 && json_object_set_new(o, "markdown", json_true()) == -1)
		goto fail;
	if (h->url != NULL &&
	    json_object_set_new(o, "click", json_stringn(h->url, h->url_len)) == -1)
		goto fail;
	if (h->url == NULL && h->stored != NULL &&
	    json_object_set_new(o, "click", json_stringn(h->stored, h->stored_len)) == -1)
		goto fail;
	if (h->url != NULL && h->stored != NULL &&
	    json_object_set_new(o, "actions",
	                        json_pack("[{s:s,s:s,s:s%}]", "action", "view", "label",
	                                  "Stored copy", "url", h->stored, h->stored_len)) == -1)
		goto fail;
	if (json_is_array(h->tags)) {
		if ((tags = json_array()) == NULL)
			goto fail;
		json_array_foreach(h->tags, i, v)
		{
			if (json_is_string(v) && json_string_length(v) > 0 &&
			    json_array_append(tags, v) == -1) {
				json_decref(tags);
				goto fail;
			}
		}
		if (json_array_size(tags) == 0)
			json_decref(tags);
		else if (json_object_set_new(o, "tags", tags) == -1)
			goto fail;
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}

char *
payload_render(enum payload_format f, const char *hit_json, const char *topic, const char *base_url,
               char *err, size_t errsz)
{
	struct pl_hit h;
	struct pbuf b = {NULL, 0, 0, 0};
	json_t *body = NULL;
	char *out = NULL;

	if (f == PAYLOAD_NTFY && (topic == NULL || *topic == '\0')) {
		snprintf(err, errsz, "ntfy: no topic");
		return NULL;
	}
	if (f == PAYLOAD_NTFY && (body = json_string(topic)) == NULL) {
		snprintf(err, errsz, "ntfy: the topic is not UTF-8");
		return NULL;
	}
	json_decref(body);
	body = NULL;
	if (pl_read(&h, hit_json, base_url, err, errsz) == -1)
		return NULL;
	switch (f) {
	case PAYLOAD_STANDARD:
		/* the hit object as stored, in one compact line */
		body = json_incref(h.root);
		break;
	case PAYLOAD_SLACK:
		body = pl_slack(&h, &b);
		break;
	case PAYLOAD_DISCORD:
		body = pl_discord(&h, &b);
		break;
	case PAYLOAD_NTFY:
		/*
		 * The message within its limit may still make a body over ntfy's
		 * (JSON escapes, the topic, a long address): cut it shorter by
		 * the excess until the body fits.
		 */
		for (size_t max = NTFY_MESSAGE_MAX;;) {
			size_t n;

			body = pl_ntfy(&h, topic, &b, max);
			if (body == NULL || (out = json_dumps(body, JSON_COMPACT)) == NULL)
				break;
			n = strlen(out);
			if (n < NTFY_BODY_MAX || max <= 64)
				break;
			max =
			    n - NTFY_BODY_MAX + 16 < max - 64 ? max - (n - NTFY_BODY_MAX + 16) : 64;
			free(out);
			out = NULL;
			json_decref(body);
			body = NULL;
			b.len = 0;
			b.oom = 0;
		}
		break;
	default:
		snprintf(err, errsz, "unknown webhook format %d", (int)f);
		goto done;
	}
	if (body != NULL && out == NULL)
		out = json_dumps(body, JSON_COMPACT);
	if (out == NULL)
		snprintf(err, errsz, "%s body: out of memory", payload_format_name(f));
done:
	json_decref(body);
	json_decref(h.root);
	free(h.stored);
	snippet_free(&h.sn);
	free(b.s);
	return out;
}

/* ---- digests ---- */

#define SLACK_DIGEST_MAX 3500 /* bytes of "text": Slack truncates long messages */

static void
pl_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "?");
}

/* The bodies being built: each finished message as a JSON text. */
struct pl_bodies {
	char **v;
	size_t n;
	int oom;
};

static void
bodies_add(struct pl_bodies *o, json_t *body)
{
	char *s = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
	char **nv;

	json_decref(body);
	if (s == NULL || (nv = realloc(o->v, (o->n + 1) * sizeof(*nv))) == NULL) {
		free(s);
		o->oom = 1;
		return;
	}
	o->v = nv;
	o->v[o->n++] = s;
}

/* The message of a chat format from the text b->s[0..b->len). */
static json_t *
pl_chat_body(enum payload_format f, const char *topic, const char *title, struct pbuf *b)
{
	switch (f) {
	case PAYLOAD_SLACK:
		return json_pack("{s:s%}", "text", b->s, b->len);
	case PAYLOAD_DISCORD:
		return json_pack("{s:s%,s:{s:[]}}", "content", b->s, b->len, "allowed_mentions",
		                 "parse");
	default:
		return json_pack("{s:s,s:s,s:s%,s:b}", "topic", topic, "title", title, "message",
		                 b->s, b->len, "markdown", 1);
	}
}

/*
 * One hit's line of a chat digest: title linked to the article's address,
 * else to its stored copy, else not, in the format's markup.
 */
static void
pl_digest_line(enum payload_format f, const struct pl_hit *h, struct pbuf *b)
{
	enum pl_esc esc = f == PAYLOAD_SLACK ? ESC_SLACK_MD : ESC_MD;
	const char *title = h->title != NULL ? h->title : "(no title)";
	size_t tl = h->title != NULL ? h->title_len : 10;
	const char *url = h->url != NULL ? h->url : h->stored;
	size_t ul = h->url != NULL ? h->url_len : h->stored_len;

	pb_str(b, f == PAYLOAD_SLACK ? "\xe2\x80\xa2 " : "- ");
	if (f == PAYLOAD_SLACK && url != NULL) {
		pb_add(b, "<", 1);
		pb_text(b, url, ul, ESC_SLACK_URL);
		pb_add(b, "|", 1);
		pb_text(b, title, tl, ESC_SLACK_MD);
		pb_add(b, ">", 1);
	} else {
		pb_text(b, title, tl, esc);
		if (url != NULL) {
			/*
			 * <url>: a Markdown autolink (Discord's, ntfy's), inside which
			 * nothing is read as emphasis or a masked link
			 */
			pb_add(b, " <", 2);
			pb_text(b, url, ul, ESC_URL);
			pb_add(b, ">", 1);
		}
	}
	pb_add(b, "\n", 1);
}

/* A rule of the digest: its id, name and the indexes of its hits. */
struct pl_rule {
	const struct pl_hit *first;
	size_t count;
};

static int
pl_rule_cmp(const void *a, const void *b)
{
	const struct pl_rule *x = a, *y = b;
	size_t n = x->first->id_len < y->first->id_len ? x->first->id_len : y->first->id_len;
	int c;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if ((c = memcmp(x->first->id, y->first->id, n)) != 0)
		return c;
	return x->first->id_len < y->first->id_len ? -1 : x->first->id_len > y->first->id_len;
}

static int
pl_same_rule(const struct pl_hit *a, const struct pl_hit *b)
{
	return a->id_len == b->id_len && memcmp(a->id, b->id, a->id_len) == 0;
}

int
payload_render_digest(enum payload_format f, const struct payload_digest *g, const char *topic,
                      char ***bodies, char *err, size_t errsz)
{
	struct pl_bodies out = {NULL, 0, 0};
	struct pl_hit *hits = NULL;
	struct pl_rule *rules = NULL;
	size_t nhits = 0, nrules = 0, limit;
	char start[32], end[32], head[160], title[64];
	struct pbuf b = {NULL, 0, 0, 0};
	int ret = -1;

	*bodies = NULL;
	if (f == PAYLOAD_NTFY && (topic == NULL || *topic == '\0')) {
		snprintf(err, errsz, "ntfy: no topic");
		return -1;
	}
	pl_time(g->start, start);
	pl_time(g->end, end);
	if (f == PAYLOAD_STANDARD) {
		json_t *o =
		    json_pack("{s:s,s:{s:s,s:s},s:I,s:[]}", "type", "digest", "period", "start",
		              start, "end", end, "total", (json_int_t)g->total, "hits");
		json_t *arr = o != NULL ? json_object_get(o, "hits") : NULL;

		for (size_t i = 0; arr != NULL && i < g->nhits; i++) {
			json_t *h = json_loads(g->hits[i], JSON_ALLOW_NUL, NULL);

			if (h != NULL && json_array_append_new(arr, h) == -1)
				out.oom = 1;
		}
		bodies_add(&out, o);
		goto done;
	}
	if ((hits = calloc(g->nhits ? g->nhits : 1, sizeof(*hits))) == NULL ||
	    (rules = calloc(g->nhits ? g->nhits : 1, sizeof(*rules))) == NULL) {
		out.oom = 1;
		goto done;
	}
	for (size_t i = 0; i < g->nhits; i++) {
		size_t r;

		if (pl_read(&hits[nhits], g->hits[i], g->base_url, err, errsz) == -1)
			continue; /* not a hit object: left out */
		for (r = 0; r < nrules && !pl_same_rule(rules[r].first, &hits[nhits]); r++)
			;
		if (r == nrules)
			rules[nrules++].first = &hits[nhits];
		rules[r].count++;
		nhits++;
	}
	qsort(rules, nrules, sizeof(*rules), pl_rule_cmp);
	limit = f == PAYLOAD_SLACK     ? SLACK_DIGEST_MAX
	        : f == PAYLOAD_DISCORD ? PAYLOAD_DISCORD_MAX
	                               : NTFY_MESSAGE_MAX;
	snprintf(title, sizeof(title), "hark: %zu hit%s", g->total, g->total == 1 ? "" : "s");
	snprintf(head, sizeof(head), "%s from %s to %s\n", title, start, end);
	if (f != PAYLOAD_NTFY)
		pb_str(&b, head);
	for (size_t r = 0; r < nrules; r++) {
		for (size_t i = 0, k = 0; i < nhits; i++) {
			struct pbuf line = {NULL, 0, 0, 0};
			char num[48];

			if (!pl_same_rule(&hits[i], rules[r].first))
				continue;
			if (k++ == 0) {
				/* the rule's heading */
				pb_str(&line, f == PAYLOAD_SLACK ? "\n*" : "\n**");
				pb_text(&line, hits[i].name, hits[i].name_len,
				        f == PAYLOAD_SLACK ? ESC_SLACK_MD : ESC_MD);
				snprintf(num, sizeof(num), "%s (%zu)\n",
				         f == PAYLOAD_SLACK ? "*" : "**", rules[r].count);
				pb_str(&line, num);
			}
			pl_digest_line(f, &hits[i], &line);
			if (line.oom) {
				free(line.s);
				out.oom = 1;
				goto done;
			}
			/* the service's limit: this message ends, the next one goes on */
			if (b.len > 0 && b.len + line.len > limit) {
				bodies_add(&out, pl_chat_body(f, topic, title, &b));
				b.len = 0;
			}
			if (line.len > limit - 1) /* one title longer than a message: cut */
				pl_cut(&line, 0, limit - 1, 1);
			pb_add(&b, line.s, line.len);
			free(line.s);
		}
	}
	if (g->total > nhits) {
		char more[64];

		snprintf(more, sizeof(more), "\nand %zu more\n", g->total - nhits);
		if (b.len + strlen(more) > limit) {
			bodies_add(&out, pl_chat_body(f, topic, title, &b));
			b.len = 0;
		}
		pb_str(&b, more);
	}
	if (b.oom)
		out.oom = 1;
	else if (b.len > 0 || out.n == 0) {
		if (b.s == NULL)
			pb_str(&b, head);
		bodies_add(&out, pl_chat_body(f, topic, title, &b));
	}
done:
	if (out.oom || out.n == 0) {
		snprintf(err, errsz, "%s digest: out of memory", payload_format_name(f));
		for (size_t i = 0; i < out.n; i++)
			free(out.v[i]);
		free(out.v);
	} else {
		*bodies = out.v;
		ret = (int)out.n;
	}
	for (size_t i = 0; i < nhits; i++) {
		json_decref(hits[i].root);
		free(hits[i].stored);
		snippet_free(&hits[i].sn);
	}
	free(hits);
	free(rules);
	free(b.s);
	return ret;
}
