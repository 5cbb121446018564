/*
 * httpd_rules.c: the routes of the rules (HTTP.md): GET /api/v1/rules and
 * the pages /rules and /rules/ID. The rules are those of harkd's rule set
 * in force, its disabled ones too (httpd_info's rs, borrowed for the
 * request: a reload swaps it between requests, never during one); their hit counts come from the
 * server's read-only store (store_rule_stats: two indexed statements, whatever the archive's size),
 * their mutes from the same store. None of these routes takes a parameter: any is a 400. POST
 * /api/v1/rules/ID/mute and /unmute write through harkd's writer (httpd_info's mute).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>

#include "apijson.h"
#include "httpd.h"
#include "log.h"
#include "mem.h"
#include "muting.h"
#include "page.h"
#include "ruleset.h"

#define RULE_HITS 50 /* the recent hits of /rules/ID */

/*
 * Now in Unix ms, to the millisecond: the counts take the hits detected
 * up to now, and one of the current second is past a now in whole seconds.
 */
static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A rule's counts from the store, kept past store_rule_stats's call. */
struct rule_stat {
	char *id;                        /* owned */
	struct store_rule_stats_row row; /* row.rule_id: id */
};

struct rule_stats {
	struct rule_stat *v; /* owned, sorted by id (strcmp) */
	size_t n, cap;
	int oom;
};

static int
rule_stats_cb(const struct store_rule_stats_row *r, void *arg)
{
	struct rule_stats *s = arg;

	if (mem_grow(&s->v, &s->cap, s->n + 1, sizeof(*s->v)) < 0) {
		s->oom = 1;
		return 1;
	}
	if ((s->v[s->n].id = strdup(r->rule_id)) == NULL) {
		s->oom = 1;
		return 1;
	}
	s->v[s->n].row = *r;
	s->v[s->n].row.rule_id = s->v[s->n].id;
	s->n++;
	return 0;
}

static int
rule_stat_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rule_stat *)a)->id, ((const struct rule_stat *)b)->id);
}

static int
rule_stat_key(const void *key, const void *elem)
{
	return strcmp(key, ((const struct rule_stat *)elem)->id);
}

static void
rule_stats_free(struct rule_stats *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].id);
	free(s->v);
}

/* The counts of every rule with hits into s (rule_stats_free after): 0, or the status with err. */
static int
rule_stats_read(struct httpd *h, int64_t now_ms, struct rule_stats *s, char *err, size_t errsz)
{
	char why[400];

	memset(s, 0, sizeof(*s));
	if (store_rule_stats(httpd_store(h), now_ms, rule_stats_cb, s, why, sizeof(why)) != 0) {
		snprintf(err, errsz, "database: %s", why);
		return 503;
	}
	if (s->oom) {
		snprintf(err, errsz, "out of memory");
		return 500;
	}
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), rule_stat_cmp);
	return 0;
}

/* The counts of rule id; a rule without a hit in the store has all zeros. */
static const struct store_rule_stats_row *
rule_stats_of(const struct rule_stats *s, const char *id)
{
	static const struct store_rule_stats_row zero;
	const struct rule_stat *f =
	    s->n > 0 ? bsearch(id, s->v, s->n, sizeof(*s->v), rule_stat_key) : NULL;

	return f != NULL ? &f->row : &zero;
}

/* The mutes in force, from the server's read-only store, kept past store_mutes_each's call. */
struct rule_mutes {
	struct rule_mute {
		char *id; /* owned */
		int64_t until;
	} * v; /* owned, by id (the store's order: bytes, as strcmp) */
	size_t n, cap;
	int oom;
};

static int
rule_mutes_cb(const struct store_mute_row *r, void *arg)
{
	struct rule_mutes *m = arg;

	if (mem_grow(&m->v, &m->cap, m->n + 1, sizeof(*m->v)) < 0) {
		m->oom = 1;
		return 1;
	}
	if ((m->v[m->n].id = strdup(r->rule_id)) == NULL) {
		m->oom = 1;
		return 1;
	}
	m->v[m->n++].until = r->until;
	return 0;
}

static void
rule_mutes_free(struct rule_mutes *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].id);
	free(m->v);
}

/* The mutes in force now into m (rule_mutes_free after): 0, or the status with err. */
static int
rule_mutes_read(struct httpd *h, struct rule_mutes *m, char *err, size_t errsz)
{
	char why[400];

	memset(m, 0, sizeof(*m));
	if (store_mutes_each(httpd_store(h), (int64_t)time(NULL), rule_mutes_cb, m, why,
	                     sizeof(why)) != 0) {
		snprintf(err, errsz, "database: %s", why);
		return 503;
	}
	if (m->oom) {
		snprintf(err, errsz, "out of memory");
		return 500;
	}
	return 0;
}

static int
rule_mute_key(const void *key, const void *elem)
{
	return strcmp(key, ((const struct rule_mute *)elem)->id);
}

/* Until when rule id is muted (Unix seconds), 0 when it is not. */
static int64_t
rule_muted_until(const struct rule_mutes *m, const char *id)
{
	const struct rule_mute *f =
	    m->n > 0 ? bsearch(id, m->v, m->n, sizeof(*m->v), rule_mute_key) : NULL;

	return f != NULL ? f->until : 0;
}

/*
 * Every rule of the rule set: those in force (in the files' order), then
 * the disabled ones (ruleset_disabled), which hit no more but are listed.
 */
static size_t
rules_count(const struct ruleset *rs)
{
	return rs != NULL ? ruleset_nrules(rs) + ruleset_ndisabled(rs) : 0;
}

static const struct rule *
rules_at(const struct ruleset *rs, size_t i)
{
	size_t n = ruleset_nrules(rs);

	return i < n ? ruleset_rule(rs, i) : ruleset_disabled(rs, i - n);
}

static json_t *
strv_json(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/*
 * The rule object of /api/v1/rules: id, name, tags, query (as written),
 * lang (its codes, [] for any), enabled, notify (as written: [] when the
 * rule names none, every webhook that selects it then), file, line, and
 * the counts of apijson_rule_stats, and muted_until (RFC 3339, null when
 * the rule is not muted).
 */
static json_t *
rule_json(const struct rule *r, const struct store_rule_stats_row *st, int64_t muted_until)
{
	char when[32];

	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "id", json_string(r->id));
	json_object_set_new(o, "name", json_string(r->name));
	json_object_set_new(o, "tags", strv_json(r->tags, r->ntags));
	json_object_set_new(o, "query", json_string(r->query));
	json_object_set_new(o, "lang", strv_json(r->langs, r->nlangs));
	json_object_set_new(o, "enabled", json_boolean(r->enabled));
	json_object_set_new(o, "notify", strv_json(r->notify, r->nnotify));
	json_object_set_new(o, "file", json_string(r->file));
	json_object_set_new(o, "line", json_integer(r->line));
	apijson_rule_stats(o, st->hits_24h, st->hits_7d, st->hits_30d, st->last_hit, st->per_day,
	                   STORE_STATS_DAYS);
	if (muted_until > 0)
		apijson_time(muted_until * 1000, when);
	json_object_set_new(o, "muted_until", muted_until > 0 ? json_string(when) : json_null());
	return o;
}

void
route_api_rules(struct httpd *h, struct evhttp_request *req, const char *path)
{
	const struct ruleset *rs = httpd_info(h)->rs;
	struct rule_stats s = {0};
	struct rule_mutes m = {0};
	json_t *rules = NULL, *o;
	char err[512];
	int code;

	(void)path;
	if ((code = httpd_no_query(req, err, sizeof(err))) == 0)
		code = rule_stats_read(h, now_ms(), &s, err, sizeof(err));
	if (code == 0)
		code = rule_mutes_read(h, &m, err, sizeof(err));
	if (code == 0 && (rules = json_array()) == NULL) {
		snprintf(err, sizeof(err), "out of memory");
		code = 500;
	}
	for (size_t i = 0; code == 0 && i < rules_count(rs); i++) {
		const struct rule *r = rules_at(rs, i);

		if (json_array_append_new(rules, rule_json(r, rule_stats_of(&s, r->id),
		                                           rule_muted_until(&m, r->id))) < 0) {
			snprintf(err, sizeof(err), "out of memory");
			code = 500;
		}
	}
	rule_stats_free(&s);
	rule_mutes_free(&m);
	if (code != 0) {
		json_decref(rules);
		httpd_error(req, code, "%s", err);
		return;
	}
	o = json_object();
	if (o != NULL)
		json_object_set_new(o, "rules", rules);
	else
		json_decref(rules);
	httpd_send_json(req, 200, o);
}

/* ---- the pages ---- */

/* A rule flattened for page_rules/page_rule (page.h), with the room its counts need. */
struct flat_rule {
	struct page_rule pr;                /* borrowing from the rule set and from here */
	unsigned per_day[STORE_STATS_DAYS]; /* the oldest first */
	char last_hit[32], muted_until[32];
};

static void
flat_rule(const struct rule *r, const struct store_rule_stats_row *st, int64_t muted_until,
          struct flat_rule *fr)
{
	struct page_rule *p = &fr->pr;

	memset(fr, 0, sizeof(*fr));
	p->id = r->id;
	p->name = r->name;
	p->query = r->query;
	p->tags = (const char *const *)r->tags;
	p->ntags = r->ntags;
	p->langs = (const char *const *)r->langs;
	p->nlangs = r->nlangs;
	p->notify = (const char *const *)r->notify;
	p->nnotify = r->nnotify;
	p->file = r->file;
	p->line = r->line;
	p->enabled = r->enabled;
	p->hits_24h = st->hits_24h;
	p->hits_7d = st->hits_7d;
	p->hits_30d = st->hits_30d;
	if (st->last_hit > 0) {
		apijson_time(st->last_hit, fr->last_hit);
		p->last_hit = fr->last_hit;
	}
	if (muted_until > 0) {
		apijson_time(muted_until * 1000, fr->muted_until);
		p->muted_until = fr->muted_until;
	}
	/* the store's [0] is the last 24 h: the chart's is the oldest day */
	for (size_t d = 0; d < STORE_STATS_DAYS; d++)
		fr->per_day[STORE_STATS_DAYS - 1 - d] =
		    st->per_day[d] > 0 ? (unsigned)st->per_day[d] : 0;
	p->per_day = fr->per_day;
	p->ndays = STORE_STATS_DAYS;
}

void
route_page_rules(struct httpd *h, struct evhttp_request *req, const char *path)
{
	const struct ruleset *rs = httpd_info(h)->rs;
	size_t n = rules_count(rs);
	struct rule_stats s = {0};
	struct rule_mutes m = {0};
	struct flat_rule *fr = NULL;
	struct page_rule *pr = NULL;
	struct page pg = {.zone = httpd_zone(h)};
	char err[512];
	int code;

	(void)path;
	if ((code = httpd_no_query(req, err, sizeof(err))) == 0)
		code = rule_stats_read(h, now_ms(), &s, err, sizeof(err));
	if (code == 0)
		code = rule_mutes_read(h, &m, err, sizeof(err));
	if (code == 0 && n > 0 &&
	    ((fr = malloc(n * sizeof(*fr))) == NULL || (pr = malloc(n * sizeof(*pr))) == NULL)) {
		snprintf(err, sizeof(err), "out of memory");
		code = 500;
	}
	if (code == 0) {
		for (size_t i = 0; i < n; i++) {
			const struct rule *r = rules_at(rs, i);

			flat_rule(r, rule_stats_of(&s, r->id), rule_muted_until(&m, r->id), &fr[i]);
			pr[i] = fr[i].pr;
		}
		page_rules(&pg, pr, n);
	}
	free(pr);
	free(fr);
	rule_stats_free(&s);
	rule_mutes_free(&m);
	if (code != 0) {
		httpd_error(req, code, "%s", err);
		return;
	}
	httpd_send_page(req, &pg, "text/html; charset=utf-8");
}

static int
rule_hits_collect(const struct store_hit_row *r, void *arg)
{
	if (apijson_hit_append(arg, r->json) < 0)
		log_warnx("http: hit %s: the stored hit is not a JSON object: left out",
		          log_quote(r->id));
	return 0;
}

static void route_page_rule_mute(struct httpd *h, struct evhttp_request *req, const char *path);

/*
 * The newest hits of rule id, one page of the index as "/?rule=ID" reads
 * it: *hits (the caller's, to json_decref) and fh, which borrows its
 * strings from *hits (freed first, with httpd_flat_hits_free); *more when
 * older ones follow. 0, or the status with err.
 */
static int
rule_newest_hits(struct httpd *h, const char *id, json_t **hits, struct httpd_flat_hits *fh,
                 int *more, char *err, size_t errsz)
{
	struct store_hit_filter f = {0};
	char why[400], next[STORE_CURSOR_MAX];
	int code = 0;

	*more = 0;
	if ((*hits = json_array()) == NULL) {
		snprintf(err, errsz, "out of memory");
		return 500;
	}
	f.rules = &id;
	f.nrules = 1;
	f.limit = RULE_HITS;
	if (store_hits_page(httpd_store(h), &f, rule_hits_collect, *hits, next, sizeof(next), why,
	                    sizeof(why)) != 0) {
		snprintf(err, errsz, "database: %s", why);
		code = 503;
	} else if (httpd_flat_hits(*hits, fh) < 0) {
		snprintf(err, errsz, "out of memory");
		code = 500;
	}
	*more = code == 0 && next[0] != '\0';
	return code;
}

/*
 * /rules/ID of no rule in force: a rule removed from the rule files keeps
 * its stored hits (rule= reads them, the hits page links here), so its
 * page says it is gone and lists them (200); an id the store does not know
 * either is a 404, a page of the site's all the same.
 */
static void
route_page_rule_gone(struct httpd *h, struct evhttp_request *req, const char *id)
{
	struct httpd_flat_hits fh = {0};
	struct page pg = {.zone = httpd_zone(h)};
	json_t *hits = NULL;
	char err[512], why[400];
	int code, rc, more = 0;

	rc = store_rule_has_hits(httpd_store(h), id, why, sizeof(why));
	if (rc < 0) {
		httpd_error(req, 503, "database: %s", why);
		return;
	}
	if (rc == 0) {
		snprintf(err, sizeof(err), "no rule '%.100s' is defined, and no hit stored has it",
		         id);
		page_not_found(&pg, PAGE_NAV_RULES, err);
		httpd_send_page_code(req, 404, &pg, "text/html; charset=utf-8");
		return;
	}
	code = rule_newest_hits(h, id, &hits, &fh, &more, err, sizeof(err));
	if (code == 0)
		page_rule_gone(&pg, id, fh.v, fh.n, more);
	httpd_flat_hits_free(&fh);
	json_decref(hits);
	if (code != 0) {
		httpd_error(req, code, "%s", err);
		return;
	}
	httpd_send_page(req, &pg, "text/html; charset=utf-8");
}

void
route_page_rule(struct httpd *h, struct evhttp_request *req, const char *path)
{
	const struct ruleset *rs = httpd_info(h)->rs;
	const char *id = path + strlen("/rules/");
	const struct rule *r = NULL;
	struct httpd_flat_hits fh = {0};
	struct rule_stats s = {0};
	struct rule_mutes m = {0};
	struct flat_rule *fr = NULL;
	struct page pg = {.zone = httpd_zone(h)};
	json_t *hits = NULL;
	char err[512];
	int code, more;
	size_t n = strlen(path);

	/*
	 * its forms post to /rules/ID/mute and /unmute: those, whatever the
	 * method (a rule id has no slash: never a rule's page; a GET is 405
	 * with Allow: POST, as for /deliveries/ID/retry); /rules/mute is the
	 * page of a rule named mute; the page is read
	 */
	if (strchr(id, '/') != NULL && ((n > 5 && strcmp(path + n - 5, "/mute") == 0) ||
	                                (n > 7 && strcmp(path + n - 7, "/unmute") == 0))) {
		route_page_rule_mute(h, req, path);
		return;
	}
	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET &&
	    evhttp_request_get_command(req) != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "GET, HEAD");
		httpd_error(req, 405, "/rules/ answers GET and HEAD only");
		return;
	}
	/* the one in force first: a disabled rule's id is not checked for duplicates */
	for (size_t i = 0; i < rules_count(rs) && r == NULL; i++)
		if (strcmp(rules_at(rs, i)->id, id) == 0)
			r = rules_at(rs, i);
	if ((code = httpd_no_query(req, err, sizeof(err))) == 0 && r == NULL) {
		route_page_rule_gone(h, req, id);
		return;
	}
	if (code == 0)
		code = rule_stats_read(h, now_ms(), &s, err, sizeof(err));
	if (code == 0)
		code = rule_mutes_read(h, &m, err, sizeof(err));
	if (code == 0 && (fr = malloc(sizeof(*fr))) == NULL) {
		snprintf(err, sizeof(err), "out of memory");
		code = 500;
	}
	if (code == 0)
		code = rule_newest_hits(h, r->id, &hits, &fh, &more, err, sizeof(err));
	if (code == 0) {
		flat_rule(r, rule_stats_of(&s, r->id), rule_muted_until(&m, r->id), fr);
		page_rule(&pg, &fr->pr, fh.v, fh.n);
	}
	httpd_flat_hits_free(&fh);
	json_decref(hits);
	free(fr);
	rule_stats_free(&s);
	rule_mutes_free(&m);
	if (code != 0) {
		httpd_error(req, code, "%s", err);
		return;
	}
	httpd_send_page(req, &pg, "text/html; charset=utf-8");
}

/* ---- POST /api/v1/rules/ID/mute and /unmute ---- */

#define MUTE_BODY_MAX 4096

const struct rule *
httpd_rule_find(const struct ruleset *rs, const char *id)
{
	for (size_t i = 0; i < rules_count(rs); i++)
		if (strcmp(rules_at(rs, i)->id, id) == 0)
			return rules_at(rs, i);
	return NULL;
}

/*
 * The body of a mute: {"for": DURATION} or {"until": WHEN} (mute.h), one
 * of them, into *until. 0, or the status with err.
 */
static int
mute_body(struct evhttp_request *req, int64_t now, int64_t *until, char *err, size_t errsz)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	const char *ct = evhttp_find_header(evhttp_request_get_input_headers(req), "Content-Type");
	size_t n = evbuffer_get_length(in);
	json_t *o, *f, *u;
	json_error_t je;
	struct mute_len m;
	const char *s;
	char why[300];
	int rc;

	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0 ||
	    (ct[16] != '\0' && ct[16] != ';')) {
		snprintf(err, errsz,
		         "a mute takes a JSON body (Content-Type: application/json): "
		         "{\"for\": \"2d\"} or {\"until\": \"2026-12-24\"}");
		return 415;
	}
	if (n > MUTE_BODY_MAX) {
		snprintf(err, errsz, "the body is over %d bytes", MUTE_BODY_MAX);
		return 413;
	}
	o = json_loadb((const char *)evbuffer_pullup(in, -1), n, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(o)) {
		snprintf(err, errsz, "the body is not a JSON object: %.200s",
		         o == NULL ? je.text : "another value");
		json_decref(o);
		return 400;
	}
	f = json_object_get(o, "for");
	u = json_object_get(o, "until");
	if (json_object_size(o) != 1 || (f == NULL && u == NULL)) {
		snprintf(err, errsz, "the body must hold one key, \"for\" or \"until\"");
		json_decref(o);
		return 400;
	}
	if ((s = json_string_value(f != NULL ? f : u)) == NULL) {
		snprintf(err, errsz, "\"%s\" must be a string", f != NULL ? "for" : "until");
		json_decref(o);
		return 400;
	}
	rc = f != NULL ? mute_parse_for(s, json_string_length(f), &m, why, sizeof(why))
	               : mute_parse_until(s, json_string_length(u), &m, why, sizeof(why));
	if (rc == 0)
		rc = muting_until(&m, now, until, why, sizeof(why));
	json_decref(o);
	if (rc != 0) {
		snprintf(err, errsz, "%s", why);
		return 400;
	}
	return 0;
}

/*
 * The body of the page's form: for=LENGTH, our own buttons' values (a
 * number and a unit: nothing to decode), into *until. 0, or the status
 * with err.
 */
static int
mute_form(struct evhttp_request *req, int64_t now, int64_t *until, char *err, size_t errsz)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	const char *ct = evhttp_find_header(evhttp_request_get_input_headers(req), "Content-Type");
	size_t n = evbuffer_get_length(in);
	const char *b;
	struct mute_len m;

	if (ct == NULL || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0 ||
	    (ct[33] != '\0' && ct[33] != ';')) {
		snprintf(err, errsz, "the form takes application/x-www-form-urlencoded");
		return 415;
	}
	if (n > 64) {
		snprintf(err, errsz, "the form is over 64 bytes");
		return 413;
	}
	b = (const char *)evbuffer_pullup(in, -1);
	if (b == NULL || n < 5 || strncmp(b, "for=", 4) != 0) {
		snprintf(err, errsz, "the form gives for=LENGTH (1h, 12h, 2d, 1w)");
		return 400;
	}
	if (mute_parse_for(b + 4, n - 4, &m, err, errsz) < 0 ||
	    muting_until(&m, now, until, err, errsz) < 0)
		return 400;
	return 0;
}

/*
 * POST PREFIX/ID/mute or /unmute, the body a JSON object (the API) or the
 * page's form: the rule's mute set or ended through harkd's writer.
 * Returns 0 with id, *mute and *until (0 when unmuted), or the status
 * with err.
 */
static int
mute_request(struct httpd *h, struct evhttp_request *req, const char *path, const char *prefix,
             bool form, char id[256], int *mute, int64_t *until, char *err, size_t errsz)
{
	const struct httpd_info *info = httpd_info(h);
	const char *p = path + strlen(prefix), *slash = strrchr(p, '/');
	int64_t now = (int64_t)time(NULL);
	int code = 0, rc;

	*until = 0;
	/* ID/mute or ID/unmute; a rule id has no slash (RULES.md) */
	if (slash == NULL || slash == p || (size_t)(slash - p) >= 256 ||
	    memchr(p, '/', (size_t)(slash - p)) != NULL ||
	    (strcmp(slash, "/mute") != 0 && strcmp(slash, "/unmute") != 0)) {
		snprintf(err, errsz, "no such page: %.200s", path);
		return 404;
	}
	memcpy(id, p, (size_t)(slash - p));
	id[slash - p] = '\0';
	*mute = strcmp(slash, "/mute") == 0;
	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "POST");
		snprintf(err, errsz, "%.100s changes a rule's mute: POST only", path);
		return 405;
	}
	if (!httpd_origin_ok(h, req, err, errsz))
		return 403;
	if ((code = httpd_no_query(req, err, errsz)) != 0)
		return code;
	if (*mute && httpd_rule_find(info->rs, id) == NULL) {
		snprintf(err, errsz, "no rule '%.100s' is defined", id);
		return 404;
	}
	if (*mute && (code = form ? mute_form(req, now, until, err, errsz)
	                          : mute_body(req, now, until, err, errsz)) != 0)
		return code;
	if (info->mute == NULL) {
		snprintf(err, errsz, "mutes cannot be changed now");
		return 503;
	}
	rc = info->mute(info->mute_arg, id, *until, err, errsz);
	if (rc < 0) {
		char why[400];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errsz, "database: %s", why);
		return 503;
	}
	/* unmuting a rule neither muted nor defined: a typo, as for hark unmute */
	if (rc == 0 && httpd_rule_find(info->rs, id) == NULL) {
		snprintf(err, errsz, "no rule '%.100s' is defined", id);
		return 404;
	}
	return 0;
}

void
route_api_rule_mute(struct httpd *h, struct evhttp_request *req, const char *path)
{
	char err[512], id[256], when[32];
	int64_t until;
	int mute, code;

	code = mute_request(h, req, path, "/api/v1/rules/", false, id, &mute, &until, err,
	                    sizeof(err));
	if (code != 0) {
		httpd_error(req, code, "%s", err);
		return;
	}
	if (mute)
		apijson_time(until * 1000, when);
	httpd_send_json(req, 200,
	                json_pack("{s:{s:s,s:o}}", "rule", "id", id, "muted_until",
	                          mute ? json_string(when) : json_null()));
}

/* POST /rules/ID/mute and /unmute, the forms of the rule's page: then back to it. */
static void
route_page_rule_mute(struct httpd *h, struct evhttp_request *req, const char *path)
{
	char err[512], id[256], *loc;
	int64_t until;
	int mute, code;

	code = mute_request(h, req, path, "/rules/", true, id, &mute, &until, err, sizeof(err));
	if (code != 0) {
		httpd_error(req, code, "%s", err);
		return;
	}
	/* POST, redirect, GET: a reload of the page does not post it again */
	if (asprintf(&loc, "/rules/%s", id) < 0) {
		httpd_error(req, 500, "out of memory");
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req), "Location", loc);
	free(loc);
	httpd_send(req, 303, NULL, NULL);
}
