/*
 * rulefile.c: the INI-style rule files of RULES.md §1 (see rulefile.h).
 *
 * One pass over the lines. A key's value is kept as written (its first line
 * and the indented lines that continue it, joined with '\n', with a source
 * map segment per line) until the continuation ends; then it is checked, so
 * that diagnostics come out in the order of the file. A rule is committed at
 * the next section header or at the end of the file, unless it had an error.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "lang.h"
#include "rulefile.h"
#include "utf8.h"

enum rkey { K_QUERY, K_NAME, K_LANG, K_NOTIFY, K_TAGS, K_ENABLED, K_MAX };

static const char *const rkey_names[K_MAX] = {"query", "name", "lang", "notify", "tags", "enabled"};

/* What indented lines continue: a key's value, nothing, or a value being dropped. */
#define CONT_NONE (-1)
#define CONT_DROP (-2)

/* A value as written: its key's line and the continuation lines, joined with '\n'. */
struct rvalue {
	bool set;
	unsigned line; /* of the key */
	char *text;    /* owned, NUL-terminated */
	size_t len, cap;
	struct srcmap map; /* places of text; points into rulefile.text */
};

/* A list value (lang, notify, tags) split into owned words. */
struct strv {
	char **v;
	size_t n, cap;
};

/* The [rule ID] section being read, from its header to the next one. */
struct rpend {
	char *id;           /* in rulefile.strs; "" when the header had none */
	unsigned line, col; /* of the header's '[' */
	bool bad;           /* an error was found: the rule is left out */
	bool unreadable;    /* a line had bad bytes: its query may have been there */
	bool enabled;
	struct rvalue v[K_MAX];
	struct strv langs, notify, tags;
};

/*
 * Ids of this file, for duplicates: open addressing over slices of
 * rf->text. A slot is 8 bytes, the id's hash and its place in the list of
 * ids: growing reads no id again, a probe compares ids only when the hashes
 * agree, and the table of 100,000 ids stays small enough for the caches.
 */
struct idref {
	uint32_t off; /* of the id in rf->text */
	uint32_t len;
	unsigned line;
};

struct idset {
	uint64_t *slots; /* owned; hash << 32 | (index in v + 1), 0 = empty */
	size_t cap;
	struct idref *v; /* owned; the ids in file order */
	size_t n, capv;
};

enum rsect { SECT_NONE, SECT_RULE, SECT_SKIP };

struct rparse {
	struct rulefile *rf;
	struct diags *d;
	enum rsect sect;
	struct rpend cur;
	int cont;          /* CONT_NONE, CONT_DROP or the enum rkey being continued */
	bool outside_told; /* "text outside a section" is said once */
	bool oom;
	struct idset ids;
	size_t cap; /* of rf->rules */
	/* the line being read: not NUL-terminated */
	const char *line;
	size_t linelen;
	unsigned lineno;
	size_t ahead; /* where idset_ahead looks for the next header from */
};

static bool
rf_isblank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static char
rf_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static size_t
rf_skip_blank(const char *s, size_t i, size_t n)
{
	while (i < n && rf_isblank(s[i]))
		i++;
	return i;
}

static size_t
rf_trim_end(const char *s, size_t from, size_t end)
{
	while (end > from && rf_isblank(s[end - 1]))
		end--;
	return end;
}

/* Case-insensitive ASCII comparison of s[0..n) with the NUL-terminated word. */
static bool
rf_eq(const char *s, size_t n, const char *word)
{
	size_t i;
	for (i = 0; i < n && word[i]; i++)
		if (rf_lower(s[i]) != word[i])
			return false;
	return i == n && !word[i];
}

/*
 * Offset of the first NUL byte or invalid UTF-8 sequence in s[0..n), or n.
 * *why names the problem.
 */
static size_t
rf_badbyte(const char *str, size_t n, const char **why)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	uint32_t cp;

	while (i < n) {
		size_t k;

		if (s[i] == 0) {
			*why = "NUL byte";
			return i;
		}
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		k = utf8_decode(s + i, n - i, &cp);
		if (k == 1) /* a valid non-ASCII character takes 2 bytes or more */
			break;
		i += k;
	}
	*why = "invalid UTF-8";
	return i;
}

static void
rp_nomem(struct rparse *p)
{
	if (!p->oom)
		diags_add(p->d, p->rf->path, p->lineno, 0, DIAG_ERROR, "out of memory");
	p->oom = true;
	p->cur.bad = true;
}

/* An error at byte pos of the current line; the rule being read is left out. */
static void __attribute__((format(printf, 3, 4)))
rp_error(struct rparse *p, size_t pos, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	diags_add(p->d, p->rf->path, p->lineno, diag_col(p->line, pos), DIAG_ERROR, "%s", msg);
	p->cur.bad = true;
}

/* The slot of id (hash h), or the empty slot where it would go. */
static uint64_t *
idset_find(const struct idset *s, const char *text, const char *id, uint32_t len, uint32_t h)
{
	size_t i = h & (s->cap - 1);
	for (;; i = (i + 1) & (s->cap - 1)) {
		uint64_t e = s->slots[i];
		if (e == 0)
			return &s->slots[i];
		if ((uint32_t)(e >> 32) != h)
			continue;
		const struct idref *r = &s->v[(uint32_t)e - 1];
		if (r->len == len && memcmp(text + r->off, id, len) == 0)
			return &s->slots[i];
	}
}

/* Make room for n ids in all, the load under one half. Returns -1 on ENOMEM. */
static int
idset_reserve(struct idset *s, size_t n)
{
	if (n > s->capv && mem_grow(&s->v, &s->capv, n, sizeof(*s->v)) < 0)
		return -1;
	size_t cap = s->cap ? s->cap : 64;
	while ((n + 1) * 2 > cap)
		cap *= 2;
	if (cap == s->cap)
		return 0;
	uint64_t *t = calloc(cap, sizeof *t);
	if (!t)
		return -1;
	for (size_t i = 0; i < s->cap; i++) {
		size_t j = (size_t)(s->slots[i] >> 32) & (cap - 1);
		if (!s->slots[i])
			continue;
		while (t[j])
			j = (j + 1) & (cap - 1);
		t[j] = s->slots[i];
	}
	free(s->slots);
	s->slots = t;
	s->cap = cap;
	return 0;
}

/*
 * About how many rules text holds, to size the id set once: its lines that
 * start with '[', up to a million (a file of "[" lines is no file of rules;
 * beyond, the set grows as ids come).
 */
static size_t
rf_count_headers(const char *text, size_t len)
{
	size_t n = len > 0 && text[0] == '[';
	for (const char *p = text, *end = text + len;
	     (p = memchr(p, '\n', (size_t)(end - p))) != NULL && ++p < end;)
		n += *p == '[';
	return n < (1u << 20) ? n : (1u << 20);
}

static int
strv_push(struct strv *sv, const char *s, size_t n)
{
	if (sv->n == sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 4;
		char **v = realloc(sv->v, cap * sizeof *v);
		if (!v)
			return -1;
		sv->v = v;
		sv->cap = cap;
	}
	char *w = strndup(s, n);
	if (!w)
		return -1;
	sv->v[sv->n++] = w;
	return 0;
}

static void
strv_free(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof *sv);
}

static void
rpend_free(struct rpend *r)
{
	for (int k = 0; k < K_MAX; k++) {
		free(r->v[k].text);
		srcmap_free(&r->v[k].map);
	}
	strv_free(&r->langs);
	strv_free(&r->notify);
	strv_free(&r->tags);
	memset(r, 0, sizeof *r);
}

/*
 * Forget the section read, but keep the buffers of its values and lists
 * for the next one: a file of 100,000 rules then allocates them once.
 */
static void
rpend_reset(struct rpend *r)
{
	r->id = NULL;
	r->line = r->col = 0;
	r->bad = r->unreadable = r->enabled = false;
	for (int k = 0; k < K_MAX; k++) {
		r->v[k].set = false;
		r->v[k].line = 0;
		r->v[k].len = 0;
		r->v[k].map.nsegs = 0;
	}
	struct strv *sv[] = {&r->langs, &r->notify, &r->tags};
	for (int i = 0; i < 3; i++) {
		for (size_t j = 0; j < sv[i]->n; j++)
			free(sv[i]->v[j]);
		sv[i]->n = 0;
	}
}

/* Append s[0..n) to a value; sep first when the value is not empty. */
static int
rvalue_append(struct rvalue *v, char sep, const char *s, size_t n)
{
	size_t need = v->len + 1 + n + 1;
	if (need > v->cap) {
		size_t cap = v->cap ? v->cap : 64;
		while (cap < need)
			cap *= 2;
		char *t = realloc(v->text, cap);
		if (!t)
			return -1;
		v->text = t;
		v->cap = cap;
	}
	if (v->len && sep)
		v->text[v->len++] = sep;
	memcpy(v->text + v->len, s, n);
	v->len += n;
	v->text[v->len] = 0;
	return 0;
}

/* The next item of a list value: separated by white space and commas. */
static bool
list_next(const char *s, size_t n, size_t *pos, size_t *start, size_t *end)
{
	size_t i = *pos;
	while (i < n && (rf_isblank(s[i]) || s[i] == '\n' || s[i] == ','))
		i++;
	if (i == n)
		return false;
	*start = i;
	while (i < n && !rf_isblank(s[i]) && s[i] != '\n' && s[i] != ',')
		i++;
	*end = *pos = i;
	return true;
}

/* An error at joined offset off of a value; the rule is left out. */
static void __attribute__((format(printf, 4, 5)))
rv_error(struct rparse *p, const struct rvalue *v, size_t off, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	diags_at(p->d, &v->map, off, DIAG_ERROR, "%s", msg);
	p->cur.bad = true;
}

static void
rp_check_lang(struct rparse *p, struct rvalue *v)
{
	size_t pos = 0, a, b;
	while (list_next(v->text, v->len, &pos, &a, &b)) {
		const char *c = v->text + a;
		bool ok = b - a == 2;
		for (size_t i = a; ok && i < b; i++)
			ok = (rf_lower(v->text[i]) >= 'a' && rf_lower(v->text[i]) <= 'z');
		if (!ok) {
			rv_error(p, v, a,
			         "bad language code '%.*s' (use two-letter ISO 639-1 codes)",
			         (int)(b - a), c);
			continue;
		}
		char code[3] = {rf_lower(c[0]), rf_lower(c[1]), '\0'}, why[256];
		/* a code no document is ever in (jp, a country's) would never match */
		switch (lang_code_check(code, why, sizeof(why))) {
		case -1:
			diags_at(p->d, &v->map, a, DIAG_WARNING,
			         "lang: %s: no document is ever in it", why);
			break;
		case 1:
			diags_at(p->d, &v->map, a, DIAG_WARNING,
			         "lang: %s: only a document that declares it is in it", why);
			break;
		default:
			break;
		}
		if (strv_push(&p->cur.langs, code, 2) < 0)
			rp_nomem(p);
	}
}

static void
rp_check_words(struct rparse *p, struct rvalue *v, struct strv *out)
{
	size_t pos = 0, a, b;
	while (list_next(v->text, v->len, &pos, &a, &b))
		if (strv_push(out, v->text + a, b - a) < 0)
			rp_nomem(p);
}

/* notify = none, or webhook names. */
static void
rp_check_notify(struct rparse *p, struct rvalue *v)
{
	size_t pos = 0, a, b, none = SIZE_MAX;
	while (list_next(v->text, v->len, &pos, &a, &b)) {
		if (b - a == 4 && memcmp(v->text + a, "none", 4) == 0 && none == SIZE_MAX)
			none = a;
		if (strv_push(&p->cur.notify, v->text + a, b - a) < 0)
			rp_nomem(p);
	}
	if (none != SIZE_MAX && p->cur.notify.n > 1)
		rv_error(p, v, none, "'none' cannot be combined with webhook names");
}

static void
rp_check_enabled(struct rparse *p, struct rvalue *v)
{
	static const char *const yes[] = {"yes", "true", "on"}, *const no[] = {"no", "false",
	                                                                       "off"};
	for (int i = 0; i < 3; i++) {
		if (rf_eq(v->text, v->len, yes[i])) {
			p->cur.enabled = true;
			return;
		}
		if (rf_eq(v->text, v->len, no[i])) {
			p->cur.enabled = false;
			return;
		}
	}
	rv_error(p, v, 0, "bad value for enabled: '%s' (use yes or no)", v->text);
}

#define RF_COMMENT_HINT "a comment is a line of its own, starting with # or ; (hark.rules(5))"

/*
 * A value that holds what looks like a comment written after it (RULES.md
 * has comment lines only): "tags = people ; the reporters" would be the
 * tags people ; the reporters. A warning at the first ';' or '#' that
 * follows a blank and is followed by one (or ends the value); in a list
 * (lang, notify, tags), any word it starts. The query is checked by
 * rp_query_comment, which knows its quotes.
 */
static void
rp_value_comment(struct rparse *p, const struct rvalue *v, bool list)
{
	for (size_t i = 1; i < v->len; i++) {
		char c = v->text[i];
		bool after =
		    i + 1 == v->len || rf_isblank(v->text[i + 1]) || v->text[i + 1] == '\n';

		if ((c != ';' && c != '#') || !rf_isblank(v->text[i - 1]))
			continue;
		if (!after && !list)
			continue;
		diags_at(p->d, &v->map, i, DIAG_WARNING,
		         "'%c' is part of the %s value, not a comment: %s", c,
		         rkey_names[v - p->cur.v], RF_COMMENT_HINT);
		return;
	}
}

/*
 * The query's: a ';' that starts a word, or a lone '#', outside quotes and
 * regular expressions ("okafor ; the reporters" would AND the and
 * reporters, or fail on ';'). "#metoo", a hashtag, is a word.
 */
static void
rp_query_comment(struct rparse *p, const struct rvalue *v)
{
	bool quote = false, regex = false;

	for (size_t i = 0; i < v->len; i++) {
		char c = v->text[i];
		bool start = i == 0 || rf_isblank(v->text[i - 1]) || v->text[i - 1] == '\n' ||
		             v->text[i - 1] == '(';
		bool lone = i + 1 == v->len || rf_isblank(v->text[i + 1]) || v->text[i + 1] == '\n';

		if (c == '\\' && (quote || regex)) {
			i++;
			continue;
		}
		if (regex) {
			regex = c != '/';
			continue;
		}
		if (c == '"')
			quote = !quote;
		else if (!quote && c == '/' && (start || v->text[i - 1] == ':'))
			regex = true;
		else if (!quote && start && (c == ';' || (c == '#' && lone))) {
			diags_at(p->d, &v->map, i, DIAG_WARNING,
			         "'%c' is part of the query, not a comment: %s", c,
			         RF_COMMENT_HINT);
			return;
		}
	}
}

/* The value being continued is complete: check it. */
static void
rp_end_value(struct rparse *p)
{
	int k = p->cont;
	p->cont = CONT_NONE;
	if (k < 0)
		return;
	struct rvalue *v = &p->cur.v[k];
	if (k != K_QUERY) /* other values read their lines as one: messages stay one line */
		for (size_t i = 0; i < v->len; i++)
			if (v->text[i] == '\n')
				v->text[i] = ' ';
	if (k == K_QUERY)
		rp_query_comment(p, v);
	else
		rp_value_comment(p, v, k == K_LANG || k == K_NOTIFY || k == K_TAGS);
	switch ((enum rkey)k) {
	case K_QUERY:
		if (!v->len)
			rv_error(p, v, 0, "empty query");
		break;
	case K_NAME:
		break;
	case K_LANG:
		rp_check_lang(p, v);
		break;
	case K_NOTIFY:
		rp_check_notify(p, v);
		break;
	case K_TAGS:
		rp_check_words(p, v, &p->cur.tags);
		break;
	case K_ENABLED:
		rp_check_enabled(p, v);
		break;
	case K_MAX:
		break;
	}
}

/* A copy of a list in the arena. */
static char **
strv_copy(struct arena *a, const struct strv *sv)
{
	char **v = arena_alloc(a, sv->n * sizeof(*v));

	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < sv->n; i++)
		if ((v[i] = arena_strndup(a, sv->v[i], strlen(sv->v[i]))) == NULL)
			return NULL;
	return v;
}

/*
 * The places of the notify names, in the order rp_check_notify pushed them:
 * a name no destination has is told where it is written (conf_check_notify).
 */
static struct srcpos *
notify_places(struct arena *a, const struct rvalue *v, size_t n)
{
	struct srcpos *at = arena_alloc(a, (n ? n : 1) * sizeof(*at));
	size_t pos = 0, s, e, i = 0;

	if (at == NULL)
		return NULL;
	while (i < n && list_next(v->text, v->len, &pos, &s, &e)) {
		srcmap_locate(&v->map, s, &at[i].line, &at[i].col);
		i++;
	}
	return at;
}

/*
 * Copy the finished rule into rf->rules: its strings to rf->strs, its map to
 * rf->maps, in blocks that die together, not one allocation each (a file
 * may hold 100,000 rules). The scratch buffers of p->cur are then freed.
 */
static int
rp_commit(struct rparse *p)
{
	struct rulefile *rf = p->rf;
	struct rpend *r = &p->cur;
	struct rvalue *name = &r->v[K_NAME], *q = &r->v[K_QUERY];
	struct rule_def def = {
	    .id = r->id,
	    .query_len = q->len,
	    .qmap = q->map,
	    .nlangs = r->langs.n,
	    .nnotify = r->notify.n,
	    .ntags = r->tags.n,
	    .enabled = r->enabled,
	    .line = r->line,
	};

	if (rf->nrules == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct rule_def *v = realloc(rf->rules, cap * sizeof *v);
		if (!v)
			return -1;
		rf->rules = v;
		p->cap = cap;
	}
	def.name = name->len ? arena_strndup(&rf->strs, name->text, name->len) : r->id;
	def.query = arena_strndup(&rf->strs, q->text ? q->text : "", q->len);
	def.qmap.segs = arena_alloc(&rf->maps, q->map.nsegs * sizeof(*q->map.segs));
	def.qmap.cap = q->map.nsegs;
	def.langs = strv_copy(&rf->strs, &r->langs);
	def.notify = strv_copy(&rf->strs, &r->notify);
	def.notify_at = notify_places(&rf->strs, &r->v[K_NOTIFY], r->notify.n);
	def.tags = strv_copy(&rf->strs, &r->tags);
	if (!def.name || !def.query || !def.qmap.segs || !def.langs || !def.notify ||
	    !def.notify_at || !def.tags)
		return -1;
	if (q->map.nsegs)
		memcpy(def.qmap.segs, q->map.segs, q->map.nsegs * sizeof(*q->map.segs));
	rf->rules[rf->nrules++] = def;
	rpend_reset(r);
	return 0;
}

static void
rp_end_section(struct rparse *p)
{
	rp_end_value(p);
	if (p->sect != SECT_RULE)
		return;
	struct rpend *r = &p->cur;
	if (!r->v[K_QUERY].set && !r->unreadable) {
		if (r->id[0])
			diags_add(p->d, p->rf->path, r->line, r->col, DIAG_ERROR,
			          "missing query for rule '%s'", r->id);
		else
			diags_add(p->d, p->rf->path, r->line, r->col, DIAG_ERROR, "missing query");
		r->bad = true;
	}
	if (r->bad && r->v[K_QUERY].set && !r->unreadable && r->id != NULL) {
		/* kept, marked broken: its query deserves a check in the same run */
		if (rp_commit(p) == 0)
			p->rf->rules[p->rf->nrules - 1].broken = true;
		else
			rp_nomem(p), rpend_reset(r);
	} else if (r->bad || rp_commit(p) < 0) {
		if (!r->bad)
			rp_nomem(p);
		rpend_reset(r);
	}
	p->sect = SECT_NONE;
}

static bool
rule_id_valid(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		          (i > 0 && (c == '_' || c == '.' || c == '-'));
		if (!ok)
			return false;
	}
	return n > 0;
}

/*
 * Prefetch the id set's slot of the next header's id, found by a quick look
 * ahead ("[word id]" at the start of a line): in a file of 100,000 rules
 * each lookup misses the caches, and this one is then under way while the
 * rule before it is read. A wrong guess costs nothing but the load.
 */
static void
idset_ahead(struct rparse *p)
{
	const char *t = p->rf->text, *end = t + p->rf->len;
	const char *q = t + (p->ahead > (size_t)(p->line - t) ? p->ahead : (size_t)(p->line - t));

	while ((q = memchr(q, '\n', (size_t)(end - q))) != NULL && ++q < end && *q != '[')
		;
	if (q == NULL || q >= end) {
		p->ahead = p->rf->len;
		return;
	}
	p->ahead = (size_t)(q - t) + 1;
	const char *a = q + 1;
	while (a < end && *a != ' ' && *a != ']' && *a != '\n')
		a++; /* "rule" */
	while (a < end && *a == ' ')
		a++;
	const char *b = a;
	while (b < end && *b != ' ' && *b != ']' && *b != '\n')
		b++;
	if (b > a && p->ids.cap)
		__builtin_prefetch(
		    &p->ids.slots[hash_bytes(a, (size_t)(b - a)) & (p->ids.cap - 1)]);
}

/* Check the id of a [rule ID] header at s[a..b) and remember it. */
static void
rp_rule_id(struct rparse *p, size_t a, size_t b)
{
	const char *id = p->line + a;
	idset_ahead(p);
	if (!rule_id_valid(id, b - a)) {
		rp_error(p, a, "bad rule id '%.*s' (use [a-z0-9][a-z0-9_.-]*)", (int)(b - a), id);
		return;
	}
	if (b - a > UINT32_MAX || p->rf->len > UINT32_MAX || p->ids.n >= UINT32_MAX - 1 ||
	    idset_reserve(&p->ids, p->ids.n + 1) < 0) {
		rp_nomem(p);
		return;
	}
	uint32_t h = (uint32_t)hash_bytes(id, b - a);
	uint64_t *slot = idset_find(&p->ids, p->rf->text, id, (uint32_t)(b - a), h);
	if (*slot) {
		rp_error(p, a, "duplicate rule id '%.*s' (first on line %u)", (int)(b - a), id,
		         p->ids.v[(uint32_t)*slot - 1].line);
		return;
	}
	p->ids.v[p->ids.n] =
	    (struct idref){(uint32_t)(id - p->rf->text), (uint32_t)(b - a), p->lineno};
	*slot = (uint64_t)h << 32 | (uint32_t)++p->ids.n;
}

/* A section header starting at the '[' at i of the current line. */
static void
rp_header(struct rparse *p, size_t i)
{
	const char *s = p->line;
	size_t n = p->linelen;
	rp_end_section(p);
	rpend_reset(&p->cur); /* forget what lines outside a rule marked */
	p->sect = SECT_SKIP;
	const char *close = memchr(s + i, ']', n - i);
	if (!close) {
		rp_error(p, i, "unclosed '[' (opened here)");
		return;
	}
	size_t c = (size_t)(close - s);
	size_t a = rf_skip_blank(s, i + 1, c), b = a;
	while (b < c && !rf_isblank(s[b]))
		b++;
	if (a == c) {
		rp_error(p, i, "empty section header (a rule starts with [rule ID])");
		return;
	}
	if (!rf_eq(s + a, b - a, "rule")) {
		rp_error(p, a, "unknown section '%.*s' (a rule starts with [rule ID])",
		         (int)(b - a), s + a);
		return;
	}
	size_t ia = rf_skip_blank(s, b, c), ib = rf_trim_end(s, ia, c);
	p->sect = SECT_RULE;
	p->cur.line = p->lineno;
	p->cur.col = diag_col(s, i);
	p->cur.enabled = true;
	p->cur.id = arena_strndup(&p->rf->strs, s + ia, ib - ia);
	if (!p->cur.id) {
		rp_nomem(p);
		p->sect = SECT_SKIP;
		return;
	}
	if (ia == ib)
		rp_error(p, c, "missing rule id (a rule starts with [rule ID])");
	else
		rp_rule_id(p, ia, ib);
	size_t j = rf_skip_blank(s, c + 1, n);
	if (j < n)
		rp_error(p, j, "unexpected text after ']'");
}

static int
rkey_lookup(const char *s, size_t n)
{
	for (int k = 0; k < K_MAX; k++)
		if (rf_eq(s, n, rkey_names[k]))
			return k;
	return -1;
}

/* A `key = value` line whose first character is at i. */
static void
rp_keyline(struct rparse *p, size_t i)
{
	const char *s = p->line;
	size_t n = p->linelen;
	p->cont = CONT_DROP;
	if (p->sect == SECT_NONE) {
		if (!p->outside_told)
			rp_error(p, i, "text outside a section (a rule starts with [rule ID])");
		p->outside_told = true;
		return;
	}
	if (p->sect == SECT_SKIP)
		return;
	const char *eq = memchr(s + i, '=', n - i);
	if (!eq) {
		rp_error(p, i, "expected 'key = value'");
		return;
	}
	size_t e = (size_t)(eq - s), kend = rf_trim_end(s, i, e);
	if (kend == i) {
		rp_error(p, e, "missing key before '='");
		return;
	}
	int k = rkey_lookup(s + i, kend - i);
	if (k < 0) {
		rp_error(p, i, "unknown key '%.*s' (keys: query name lang notify tags enabled)",
		         (int)(kend - i), s + i);
		return;
	}
	struct rvalue *v = &p->cur.v[k];
	if (v->set) {
		rp_error(p, i, "duplicate key '%s' (first on line %u)", rkey_names[k], v->line);
		return;
	}
	size_t va = rf_skip_blank(s, e + 1, n), vb = rf_trim_end(s, va, n);
	v->set = true;
	v->line = p->lineno;
	v->map.file = p->rf->path; /* its segs are kept from the last rule (rpend_reset) */
	v->map.nsegs = 0;
	if (rvalue_append(v, 0, s + va, vb - va) < 0 ||
	    srcmap_add(&v->map, 0, p->lineno, s, va) < 0) {
		rp_nomem(p);
		return;
	}
	p->cont = k;
}

/* An indented line at i continues the value of key p->cont. */
static void
rp_continue(struct rparse *p, size_t i)
{
	if (p->cont < 0)
		return;
	struct rvalue *v = &p->cur.v[p->cont];
	size_t end = rf_trim_end(p->line, i, p->linelen);
	size_t off = v->len ? v->len + 1 : 0;
	if (rvalue_append(v, '\n', p->line + i, end - i) < 0 ||
	    srcmap_add(&v->map, off, p->lineno, p->line, i) < 0)
		rp_nomem(p);
}

static void
rp_line(struct rparse *p)
{
	const char *s = p->line, *why;
	size_t n = p->linelen;
	size_t bad = rf_badbyte(s, n, &why);
	if (bad < n) {
		rp_error(p, bad, "%s", why);
		p->cur.unreadable = true;
		return;
	}
	size_t i = rf_skip_blank(s, 0, n);
	if (i == n) {
		rp_end_value(p); /* a blank line ends a continuation */
		return;
	}
	if (s[i] == '#' || s[i] == ';')
		return; /* comments are skipped, even between continuation lines */
	if (i > 0 && p->cont != CONT_NONE) {
		rp_continue(p, i);
		return;
	}
	rp_end_value(p);
	if (s[i] == '[')
		rp_header(p, i);
	else
		rp_keyline(p, i);
}

static int
rulefile_read(struct rulefile *rf, const char *path, const char *text, size_t len, struct diags *d,
              bool borrow)
{
	size_t nerrors = d->nerrors;
	memset(rf, 0, sizeof *rf);
	rf->path = strdup(path);
	if (!borrow && (rf->copy = malloc(len + 1)) != NULL) {
		memcpy(rf->copy, text, len);
		rf->copy[len] = 0;
	}
	if (!rf->path || (!borrow && !rf->copy)) {
		diags_add(d, path, 0, 0, DIAG_ERROR, "out of memory");
		return -1;
	}
	rf->text = borrow ? text : rf->copy;
	rf->len = len;

	struct rparse p = {.rf = rf, .d = d, .cont = CONT_NONE};
	size_t pos = 0;
	if (idset_reserve(&p.ids, rf_count_headers(rf->text, len)) < 0) {
		diags_add(d, path, 0, 0, DIAG_ERROR, "out of memory");
		return -1;
	}
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		pos = 3; /* a BOM is not part of line 1: columns start after it */
	while (pos < len && !p.oom) {
		const char *nl = memchr(rf->text + pos, '\n', len - pos);
		size_t eol = nl ? (size_t)(nl - rf->text) : len;
		size_t end = eol > pos && rf->text[eol - 1] == '\r' ? eol - 1 : eol;
		p.line = rf->text + pos;
		p.linelen = end - pos;
		p.lineno++;
		rp_line(&p);
		pos = eol + 1;
	}
	rp_end_section(&p);
	rpend_free(&p.cur);
	free(p.ids.slots);
	free(p.ids.v);
	return d->nerrors > nerrors ? -1 : 0;
}

int
rulefile_parse(struct rulefile *rf, const char *path, const char *text, size_t len, struct diags *d)
{
	return rulefile_read(rf, path, text, len, d, false);
}

int
rulefile_parse_borrow(struct rulefile *rf, const char *path, const char *text, size_t len,
                      struct diags *d)
{
	return rulefile_read(rf, path, text, len, d, true);
}

void
rulefile_free(struct rulefile *rf)
{
	free(rf->rules);
	free(rf->path);
	free(rf->copy);
	arena_free(&rf->strs);
	arena_free(&rf->maps);
	memset(rf, 0, sizeof *rf);
}
