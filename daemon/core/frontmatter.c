/*
 * frontmatter.c: a YAML front matter block (see frontmatter.h), read with
 * libyaml's event parser.
 *
 * Events rather than the document loader: the loader builds every node and
 * expands every alias, so a "billion laughs" block would take all memory,
 * when only a few scalars of the top-level mapping are wanted. The walk over
 * the events keeps no stack, only a depth, and that depth is bounded: what
 * is nested under keys we do not read is passed over whatever it holds.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "frontmatter.h"
#include "mem.h"
#include "utf8.h"

#define FM_MAX_DEPTH 64

enum fm_field { FM_TITLE, FM_DATE, FM_URL, FM_LANG, FM_KEYWORDS, FM_SUMMARY, FM_NFIELDS };

/*
 * The keys read. Where two keys fill one field, the one of higher rank
 * wins whatever their order (url over link); among equals, the last wins.
 */
static const struct {
	const char *key;
	enum fm_field field;
	int rank;
} fm_keys[] = {
    {"title", FM_TITLE, 2},     {"date", FM_DATE, 2},
    {"published", FM_DATE, 1},  {"url", FM_URL, 2},
    {"link", FM_URL, 1},        {"lang", FM_LANG, 2},
    {"language", FM_LANG, 1},   {"keywords", FM_KEYWORDS, 2},
    {"tags", FM_KEYWORDS, 1},   {"description", FM_SUMMARY, 2},
    {"summary", FM_SUMMARY, 1},
};

struct fm_walk {
	char *val[FM_NFIELDS]; /* owned: the values found, until moved to the article */
	int rank[FM_NFIELDS];  /* of the key that set each value; 0 when unset */
	int field, frank;      /* the key whose value comes next (field -1: none we read) */
	int want_key;          /* in the top-level mapping, a key comes next */
	int collect;           /* the value being read is the keywords sequence */
	int done;              /* the top-level mapping is closed */
	size_t depth;          /* open collections; the top-level mapping is 1 */
	char *kw;              /* owned: keywords joined so far, kwlen bytes */
	size_t kwlen, kwcap;
};

static int
fm_isblank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * Is s[b..e), a line without its newline, the marker m ("---" or "...")
 * with trailing blanks? "---" may have more dashes ("----"), as
 * python-frontmatter reads it.
 */
static int
fm_is_marker(const char *s, size_t b, size_t e, const char *m)
{
	if (e - b < 3 || memcmp(s + b, m, 3) != 0)
		return 0;
	for (b += 3; b < e && m[0] == '-' && s[b] == '-'; b++)
		;
	for (; b < e; b++)
		if (!fm_isblank(s[b]))
			return 0;
	return 1;
}

/* What a block is written in: none found, YAML between "---", TOML between "+++". */
enum { FM_NONE, FM_YAML, FM_TOML };

/*
 * Find the block: its YAML or TOML is s[*ys..*ye), the body starts at *bo
 * (after the closing line's newline, or at len when the text ends there).
 * Returns FM_YAML, FM_TOML or FM_NONE.
 */
static int
fm_find(const char *s, size_t len, size_t *ys, size_t *ye, size_t *bo)
{
	const char *nl = len > 0 ? memchr(s, '\n', len) : NULL;
	size_t first, b, e;
	int toml;

	if (nl == NULL)
		return FM_NONE;
	toml = fm_is_marker(s, 0, (size_t)(nl - s), "+++");
	if (!toml && !fm_is_marker(s, 0, (size_t)(nl - s), "---"))
		return FM_NONE;
	first = (size_t)(nl - s) + 1;
	for (b = first; b < len; b = e + 1) {
		nl = memchr(s + b, '\n', len - b);
		e = nl ? (size_t)(nl - s) : len;
		if (toml ? fm_is_marker(s, b, e, "+++")
		         : fm_is_marker(s, b, e, "---") || fm_is_marker(s, b, e, "...")) {
			*ys = first;
			*ye = b;
			*bo = nl ? e + 1 : len;
			return toml ? FM_TOML : FM_YAML;
		}
	}
	return FM_NONE;
}

int
frontmatter_sniff(const char *utf8, size_t len)
{
	size_t ys, ye, bo;

	return fm_find(utf8, len, &ys, &ye, &bo) != FM_NONE;
}

/* Around a value: blanks, newlines, and NULs (a "\0" escape) that would read as spaces. */
static int
fm_isspace(char c)
{
	return fm_isblank(c) || c == '\n' || c == '\0';
}

/* s[0..*n) without the blanks and newlines around it. */
static const char *
fm_trim(const char *s, size_t *n)
{
	size_t len = *n;

	while (len > 0 && fm_isspace(*s))
		s++, len--;
	while (len > 0 && fm_isspace(s[len - 1]))
		len--;
	*n = len;
	return s;
}

/* A plain scalar that YAML reads as null ("title:" or "title: ~"). */
static int
fm_is_null(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return n == 0 || (n == 1 && v[0] == '~') ||
	       (n == 4 &&
	        (!memcmp(v, "null", 4) || !memcmp(v, "Null", 4) || !memcmp(v, "NULL", 4)));
}

static int
fm_set(struct fm_walk *w, int field, int rank, const char *s, size_t n)
{
	size_t i;

	s = fm_trim(s, &n);
	if (n == 0 || rank < w->rank[field])
		return 0;
	if (article_set(&w->val[field], s, n) < 0)
		return -1;
	/* the article's strings end at a NUL: one inside reads as a space */
	for (i = 0; i < n; i++)
		if (w->val[field][i] == '\0')
			w->val[field][i] = ' ';
	w->rank[field] = rank;
	return 0;
}

/* Add one item of a keywords sequence to the list joined with ", ". */
static int
fm_kw_add(struct fm_walk *w, const char *s, size_t n)
{
	size_t sep;

	s = fm_trim(s, &n);
	if (n == 0)
		return 0;
	sep = w->kwlen > 0 ? 2 : 0;
	if (mem_grow(&w->kw, &w->kwcap, w->kwlen + sep + n + 1, 1) < 0)
		return -1;
	memcpy(w->kw + w->kwlen, ", ", sep);
	memcpy(w->kw + w->kwlen + sep, s, n);
	w->kwlen += sep + n;
	return 0;
}

static void
fm_key(struct fm_walk *w, const char *k, size_t n)
{
	size_t i;

	w->field = -1;
	for (i = 0; i < sizeof(fm_keys) / sizeof(fm_keys[0]); i++) {
		if (strlen(fm_keys[i].key) == n && memcmp(fm_keys[i].key, k, n) == 0) {
			w->field = (int)fm_keys[i].field;
			w->frank = fm_keys[i].rank;
			return;
		}
	}
}

/* A key or a value of the top-level mapping was read: the other comes next. */
static void
fm_next(struct fm_walk *w)
{
	w->want_key = !w->want_key;
	if (w->want_key)
		w->field = -1;
}

static int
fm_not_mapping(char *err, size_t errsz)
{
	snprintf(err, errsz, "front matter is not a mapping");
	return -1;
}

/* Take one event. Returns 1 at the end of the stream, 0 to go on, -1 with err set. */
static int
fm_event(struct fm_walk *w, const yaml_event_t *ev, char *err, size_t errsz)
{
	const char *v;
	size_t n;

	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		if (w->depth == 0) {
			if (ev->type != YAML_MAPPING_START_EVENT || w->done)
				return fm_not_mapping(err, errsz);
			w->depth = 1;
			w->want_key = 1;
			return 0;
		}
		if (++w->depth > FM_MAX_DEPTH) {
			snprintf(err, errsz,
			         "front matter line %zu column %zu: nested deeper than %d levels",
			         ev->start_mark.line + 2, ev->start_mark.column + 1, FM_MAX_DEPTH);
			return -1;
		}
		if (w->depth == 2) {
			if (w->want_key)
				w->field = -1; /* a complex key: it and its value are passed over */
			else
				w->collect = w->field == FM_KEYWORDS &&
				             ev->type == YAML_SEQUENCE_START_EVENT;
		}
		return 0;
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		if (w->depth == 0)
			return 0; /* libyaml pairs them; this is not reached */
		if (--w->depth == 0) {
			w->done = 1;
		} else if (w->depth == 1) {
			if (w->collect && w->kwlen > 0 &&
			    fm_set(w, FM_KEYWORDS, w->frank, w->kw, w->kwlen) < 0)
				goto nomem;
			w->collect = 0;
			w->kwlen = 0;
			fm_next(w);
		}
		return 0;
	case YAML_SCALAR_EVENT:
		v = (const char *)ev->data.scalar.value;
		n = ev->data.scalar.length;
		if (w->depth == 0)
			return fm_not_mapping(err, errsz);
		if (w->depth == 1 && w->want_key) {
			fm_key(w, v, n);
			w->want_key = 0;
		} else if (w->depth == 1) {
			if (w->field >= 0 && !fm_is_null(ev) &&
			    fm_set(w, w->field, w->frank, v, n) < 0)
				goto nomem;
			fm_next(w);
		} else if (w->depth == 2 && w->collect && !fm_is_null(ev)) {
			if (fm_kw_add(w, v, n) < 0)
				goto nomem;
		}
		return 0;
	case YAML_ALIAS_EVENT:
		/* never expanded: an alias in a key or a value we read counts as absent */
		if (w->depth == 0)
			return fm_not_mapping(err, errsz);
		if (w->depth == 1) {
			w->field = -1;
			fm_next(w);
		}
		return 0;
	default:
		return 0;
	}
nomem:
	snprintf(err, errsz, "out of memory");
	return -1;
}

/* libyaml's reason, with the line of the whole text (the block starts on line 2). */
static void
fm_yaml_error(const yaml_parser_t *p, const char *y, size_t ylen, char *err, size_t errsz)
{
	const char *problem = p->problem ? p->problem : "not YAML";
	size_t line = 2, col = 1, i;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		snprintf(err, errsz, "out of memory");
		return;
	case YAML_READER_ERROR:
		/* the reader gives a byte offset only */
		for (i = 0; i < p->problem_offset && i < ylen; i++) {
			if (y[i] == '\n')
				line++, col = 1;
			else if (((unsigned char)y[i] & 0xC0) != 0x80)
				col++;
		}
		if (p->problem_value >= 0)
			snprintf(err, errsz, "front matter line %zu column %zu: %s (byte 0x%02X)",
			         line, col, problem, (unsigned)p->problem_value & 0xFF);
		else
			snprintf(err, errsz, "front matter line %zu column %zu: %s", line, col,
			         problem);
		return;
	default:
		break;
	}
	line = p->problem_mark.line + 2;
	col = p->problem_mark.column + 1;
	if (p->context != NULL)
		snprintf(err, errsz, "front matter line %zu column %zu: %s (%s from line %zu)",
		         line, col, problem, p->context, p->context_mark.line + 2);
	else
		snprintf(err, errsz, "front matter line %zu column %zu: %s", line, col, problem);
}

/* Move what was found into the article, replacing what it held. */

static void
fm_store(struct fm_walk *w, struct article *a)
{
	char **slot[FM_NFIELDS] = {&a->title, &a->published, &a->url,
	                           &a->lang,  &a->keywords,  &a->summary};
	int f;

	for (f = 0; f < FM_NFIELDS; f++) {
		if (w->val[f] == NULL)
			continue;
		free(*slot[f]);
		*slot[f] = w->val[f];
		w->val[f] = NULL;
	}
}

/* ---- TOML (Hugo's and Zola's "+++" blocks) ------------------------------ */

/*
 * The top-level table of a TOML block, read by hand (no TOML library is
 * packaged where hark builds): "key = value" lines up to the first table
 * header, the keys of fm_keys, strings in their four forms (escapes
 * decoded), arrays of strings for keywords, and any other value (a date,
 * a number) as written. What is nested (arrays, inline tables) is passed
 * over to a depth of FM_MAX_DEPTH. Errors name the line of the whole text.
 */
struct toml {
	const char *s;
	size_t len, i, line; /* line: of the whole text, the block starting on line 2 */
	char *buf;           /* owned: the last string or key read, n bytes */
	size_t n, cap;
	char *err;
	size_t errsz;
};

static int
toml_fail(struct toml *t, const char *what)
{
	snprintf(t->err, t->errsz, "front matter line %zu: %s", t->line, what);
	return -1;
}

/* Skip blanks and comments, and line breaks when nl. */
static void
toml_skip(struct toml *t, int nl)
{
	while (t->i < t->len) {
		char c = t->s[t->i];

		if (c == ' ' || c == '\t' || c == '\r') {
			t->i++;
		} else if (c == '#') {
			while (t->i < t->len && t->s[t->i] != '\n')
				t->i++;
		} else if (nl && c == '\n') {
			t->i++;
			t->line++;
		} else {
			break;
		}
	}
}

static int
toml_put(struct toml *t, const char *p, size_t n)
{
	if (mem_grow(&t->buf, &t->cap, t->n + n + 1, 1) < 0)
		return toml_fail(t, "out of memory");
	memcpy(t->buf + t->n, p, n);
	t->n += n;
	t->buf[t->n] = '\0';
	return 0;
}

/* A \u or \U escape's n hex digits at t->i, appended as UTF-8. */
static int
toml_unicode(struct toml *t, size_t n)
{
	uint32_t cp = 0;
	char enc[4];

	if (t->len - t->i < n)
		return toml_fail(t, "a \\u escape cut short");
	for (size_t k = 0; k < n; k++) {
		char c = t->s[t->i + k];

		cp <<= 4;
		if (c >= '0' && c <= '9')
			cp |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			cp |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			cp |= (uint32_t)(c - 'A' + 10);
		else
			return toml_fail(t, "a \\u escape that is not hexadecimal");
	}
	t->i += n;
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return toml_fail(t, "a \\u escape that is no character");
	return toml_put(t, enc, utf8_encode(cp, enc));
}

/*
 * The string at t->i (a quote first) into t->buf: basic ("..."), literal
 * ('...'), and the multi-line forms of both (three quotes).
 */
static int
toml_string(struct toml *t)
{
	static const char map[] = "b\bt\tn\nf\fr\r\"\"\\\\";
	char q = t->s[t->i];
	int multi = t->len - t->i >= 3 && t->s[t->i + 1] == q && t->s[t->i + 2] == q;
	size_t start_line = t->line;

	t->n = 0;
	if (toml_put(t, "", 0) < 0)
		return -1;
	t->i += multi ? 3 : 1;
	/* a line break right after the opening quotes is not part of the string */
	if (multi && t->i < t->len && t->s[t->i] == '\n')
		t->i++, t->line++;
	else if (multi && t->len - t->i >= 2 && t->s[t->i] == '\r' && t->s[t->i + 1] == '\n')
		t->i += 2, t->line++;
	while (t->i < t->len) {
		char c = t->s[t->i];
		const char *m;

		if (c == q && (!multi || (t->len - t->i >= 3 && t->s[t->i + 1] == q &&
		                          t->s[t->i + 2] == q))) {
			t->i += multi ? 3 : 1;
			/* four or five quotes: the first ones belong to the string */
			for (int k = 0; multi && k < 2 && t->i < t->len && t->s[t->i] == q; k++) {
				if (toml_put(t, &q, 1) < 0)
					return -1;
				t->i++;
			}
			return 0;
		}
		if (c == '\n') {
			if (!multi)
				return toml_fail(t, "a line break inside a string");
			t->line++;
		}
		if (c != '\\' || q != '"') {
			if (toml_put(t, &c, 1) < 0)
				return -1;
			t->i++;
			continue;
		}
		if (++t->i >= t->len)
			break;
		c = t->s[t->i];
		if (c == 'u' || c == 'U') {
			t->i++;
			if (toml_unicode(t, c == 'u' ? 4 : 8) < 0)
				return -1;
			continue;
		}
		if (multi && (c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
			/* a line-ending backslash: the white space after it goes */
			toml_skip(t, 1);
			continue;
		}
		for (m = map; *m != '\0' && *m != c; m += 2)
			;
		if (*m == '\0')
			return toml_fail(t, "an unknown escape in a string");
		if (toml_put(t, m + 1, 1) < 0)
			return -1;
		t->i++;
	}
	t->line = start_line;
	return toml_fail(t, "a string without its closing quote");
}

/*
 * The value at t->i for the key of w->field (-1: none read), depth deep;
 * collect: it is an item of a keywords array.
 */
static int
toml_value(struct toml *t, struct fm_walk *w, size_t depth, int collect)
{
	char c, close;
	size_t b, e;

	if (depth > FM_MAX_DEPTH) {
		snprintf(t->err, t->errsz, "front matter line %zu: nested deeper than %d levels",
		         t->line, FM_MAX_DEPTH);
		return -1;
	}
	if (t->i >= t->len || t->s[t->i] == '\n')
		return toml_fail(t, "a key without a value");
	c = t->s[t->i];
	if (c == '"' || c == '\'') {
		if (toml_string(t) < 0)
			return -1;
		if (collect)
			return fm_kw_add(w, t->buf, t->n) < 0 ? toml_fail(t, "out of memory") : 0;
		if (depth == 0 && w->field >= 0 && fm_set(w, w->field, w->frank, t->buf, t->n) < 0)
			return toml_fail(t, "out of memory");
		return 0;
	}
	if (c == '[' || c == '{') {
		close = c == '[' ? ']' : '}';
		collect = depth == 0 && c == '[' && w->field == FM_KEYWORDS;
		if (collect)
			w->kwlen = 0;
		t->i++;
		for (;;) {
			toml_skip(t, 1);
			if (t->i >= t->len)
				return toml_fail(t, c == '[' ? "an array without its ']'"
				                             : "an inline table without its '}'");
			if (t->s[t->i] == close) {
				t->i++;
				break;
			}
			if (t->s[t->i] == ',' ||
			    (c == '{' && (t->s[t->i] == '=' || t->s[t->i] == '.'))) {
				t->i++;
				continue;
			}
			/* in an inline table, keys are passed over as values are */
			if (toml_value(t, w, depth + 1, collect) < 0)
				return -1;
		}
		if (collect && w->kwlen > 0 &&
		    fm_set(w, FM_KEYWORDS, w->frank, w->kw, w->kwlen) < 0)
			return toml_fail(t, "out of memory");
		if (collect)
			w->kwlen = 0;
		return 0;
	}
	/* a date, a number, a boolean (or a bare key in an inline table): as written */
	for (b = e = t->i; t->i < t->len; t->i++) {
		c = t->s[t->i];
		if (c == '\n' || c == '#' ||
		    (depth > 0 && (c == ',' || c == ']' || c == '}' || c == '=' || c == '[' ||
		                   c == '{' || c == '"' || c == '\'')))
			break;
		if (c != ' ' && c != '\t' && c != '\r')
			e = t->i + 1;
	}
	if (e == b)
		return toml_fail(t, "a value that is not TOML");
	if (depth == 0 && w->field >= 0 && fm_set(w, w->field, w->frank, t->s + b, e - b) < 0)
		return toml_fail(t, "out of memory");
	return 0;
}

/* Read the block s[0..len) into w. Returns 0, or -1 with err set. */
static int
toml_parse(struct fm_walk *w, const char *s, size_t len, char *err, size_t errsz)
{
	struct toml t = {.s = s, .len = len, .line = 2, .err = err, .errsz = errsz};
	int dotted, r = -1;
	size_t b;

	for (;;) {
		toml_skip(&t, 1);
		if (t.i >= t.len || t.s[t.i] == '[') {
			r = 0; /* a table header: what follows is not the top level's */
			break;
		}
		/* a key: bare, quoted, or dotted (a nested table's: passed over) */
		for (dotted = 0;; dotted = 1) {
			toml_skip(&t, 0);
			if (t.i < t.len && (t.s[t.i] == '"' || t.s[t.i] == '\'')) {
				if (toml_string(&t) < 0)
					goto out;
			} else {
				for (b = t.i; t.i < t.len && (isalnum((unsigned char)t.s[t.i]) ||
				                              t.s[t.i] == '_' || t.s[t.i] == '-');
				     t.i++)
					;
				if (t.i == b) {
					toml_fail(&t, "expected a key");
					goto out;
				}
				t.n = 0;
				if (toml_put(&t, t.s + b, t.i - b) < 0)
					goto out;
			}
			toml_skip(&t, 0);
			if (t.i >= t.len || t.s[t.i] != '.')
				break;
			t.i++;
		}
		w->field = -1;
		if (!dotted)
			fm_key(w, t.buf, t.n);
		if (t.i >= t.len || t.s[t.i] != '=') {
			toml_fail(&t, "expected '=' after a key");
			goto out;
		}
		t.i++;
		toml_skip(&t, 0);
		if (toml_value(&t, w, 0, 0) < 0)
			goto out;
		toml_skip(&t, 0);
		if (t.i < t.len && t.s[t.i] != '\n') {
			toml_fail(&t, "expected a line break after a value");
			goto out;
		}
	}
out:
	free(t.buf);
	return r;
}

int
frontmatter_parse(const char *utf8, size_t len, struct article *a, size_t *body_off, char *err,
                  size_t errsz)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct fm_walk w;
	size_t ys, ye, bo;
	int r = 0, f, syntax;

	if ((syntax = fm_find(utf8, len, &ys, &ye, &bo)) == FM_NONE) {
		snprintf(err, errsz,
		         "front matter: no block opened by a \"---\" line and closed by "
		         "a \"---\" or \"...\" line, nor between \"+++\" lines");
		return -1;
	}
	*body_off = bo;
	if (syntax == FM_TOML) {
		memset(&w, 0, sizeof(w));
		w.field = -1;
		r = toml_parse(&w, utf8 + ys, ye - ys, err, errsz);
		if (r == 0)
			fm_store(&w, a);
		for (f = 0; f < FM_NFIELDS; f++)
			free(w.val[f]);
		free(w.kw);
		return r;
	}
	if (!yaml_parser_initialize(&p)) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	yaml_parser_set_input_string(&p, (const unsigned char *)utf8 + ys, ye - ys);
	memset(&w, 0, sizeof(w));
	w.field = -1;
	while (r == 0) {
		if (!yaml_parser_parse(&p, &ev)) {
			fm_yaml_error(&p, utf8 + ys, ye - ys, err, errsz);
			r = -1;
			break;
		}
		r = fm_event(&w, &ev, err, errsz);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (r > 0)
		fm_store(&w, a);
	for (f = 0; f < FM_NFIELDS; f++)
		free(w.val[f]);
	free(w.kw);
	return r > 0 ? 0 : -1;
}
