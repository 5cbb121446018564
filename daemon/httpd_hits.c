/*
 * httpd_hits.c: the routes of the hits (HTTP.md): GET /api/v1/hits,
 * /api/v1/articles/ID, /api/v1/status, the pages /, /articles/ID, the Atom
 * feed /hits.atom and /static/hark.css. Each handler reads the server's
 * read-only store (httpd_store) and answers at once: every read here is one
 * page of an index (store_hits_page), never a scan of the archive.
 *
 * The query string: every parameter a route does not know is a 400 naming
 * it; an empty value is no filter (the filter form sends every field).
 * q= (a query in the rule language over the hits' stored articles) may read
 * much of the archive: / and /api/v1/hits with q= are run on the worker
 * (httpd_work.h), which compiles q as hark check does (a broken q is a 400
 * with its first diagnostic), reads the hits that pass the other filters
 * from the cursor on, and keeps those whose article the query matches
 * (the FTS5 index first, then the matcher), until a page is full, the hits
 * end or the time limit: then the answer says it was cut ("cut" in the
 * JSON, a note on the page) and its cursor reads on from there.
 */
#include <sys/queue.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "apijson.h"
#include "dropdir.h"
#include "hark.h"
#include "httpd.h"
#include "httpd_work.h"
#include "lang.h"
#include "log.h"
#include "match.h"
#include "page.h"
#include "readjson.h"
#include "ruleset.h"
#include "source.h"

#define PAGE_HITS 50  /* a page of "/" */
#define ATOM_HITS 100 /* the entries of /hits.atom */

/* A request's hit filters. Strings are kv's (or the rule set's, in tagged). */
struct hits_q {
	struct evkeyvalq kv; /* owned: the query's pairs, decoded */
	struct store_hit_filter f;
	const char **rules; /* owned array: the rule= values */
	size_t nrules;
	const char **tagged; /* owned array: the rule ids tag= resolved to */
	size_t ntagged;
	char **owned; /* owned copies of tagged's ids, for a job that outlives the rule set */
	struct page_filters pf; /* as given, for the form and the links of "/" */
};

static void
hits_q_free(struct hits_q *q)
{
	evhttp_clear_headers(&q->kv);
	free(q->rules);
	free(q->tagged);
	for (size_t i = 0; q->owned != NULL && i < q->ntagged; i++)
		free(q->owned[i]);
	free(q->owned);
}

static bool
key_in(const char *key, const char *const *keys)
{
	for (; *keys != NULL; keys++)
		if (strcmp(key, *keys) == 0)
			return true;
	return false;
}

/* since= and until=: Unix ms, or -1 with err. */
static int64_t
hits_q_when(const char *key, const char *v, char *err, size_t errsz)
{
	int64_t secs;

	if (since_parse(v, time(NULL), &secs) < 0) {
		snprintf(err, errsz, "%s: %s", key, since_error(v));
		return -1;
	}
	return secs > 0 ? secs * 1000 : 0;
}

/*
 * rule=: every id must name a rule, as for hark hits --rule: one of the
 * rules in force (enabled or not), or one with hits stored. A rule since
 * removed from the rule files keeps its hits in the store, and they stay
 * worth reading (a bookmark of /?rule=ID, a feed reader subscribed to
 * /hits.atom?rule=ID): known to the store, it is no mistake. An id neither
 * knows is a typo, which an empty list would pass off as a quiet rule:
 * 404, that id in q->pf.rule and q->pf.no_rule set for the page to say
 * so. Returns 0, or the status with err.
 */
static int
hits_q_rules_known(struct httpd *h, struct hits_q *q, char *err, size_t errsz)
{
	const struct ruleset *rs = httpd_info(h)->rs;
	char why[400];

	for (size_t i = 0; i < q->nrules; i++) {
		int rc;

		if (rs != NULL && httpd_rule_find(rs, q->rules[i]) != NULL)
			continue;
		rc = store_rule_has_hits(httpd_store(h), q->rules[i], why, sizeof(why));
		if (rc < 0) {
			snprintf(err, errsz, "database: %s", why);
			return 503;
		}
		if (rc == 0) {
			snprintf(err, errsz,
			         "no such rule: '%.100s' (not in the rules in force, and no hit "
			         "stored has it)",
			         q->rules[i]);
			q->pf.rule = q->rules[i];
			q->pf.no_rule = 1;
			return 404;
		}
	}
	return 0;
}

/*
 * The query string of req into q (hits_q_free after, whatever it returns),
 * only the parameters of keys allowed. Returns 0, or the HTTP status with
 * the cause in err.
 */
static int
hits_q_parse(struct httpd *h, struct evhttp_request *req, struct hits_q *q, const char *const *keys,
             char *err, size_t errsz)
{
	const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(req);
	const char *query = u != NULL ? evhttp_uri_get_query(u) : NULL;
	const struct httpd_info *in = httpd_info(h);
	struct evkeyval *kv;
	char *end, why[300];
	long n;
	int code;

	memset(q, 0, sizeof(*q));
	TAILQ_INIT(&q->kv);
	if (query != NULL && evhttp_parse_query_str(query, &q->kv) < 0) {
		snprintf(err, errsz, "the query string is malformed");
		return 400;
	}
	TAILQ_FOREACH(kv, &q->kv, next)
	{
		const char *k = kv->key;
		char *v = kv->value;

		if (!key_in(k, keys)) {
			snprintf(err, errsz, "unknown parameter '%.60s'", k);
			return 400;
		}
		if (*v == '\0')
			continue; /* an empty field of the form: no filter */
		if (strcmp(k, "rule") == 0) {
			const char **nv = realloc(q->rules, (q->nrules + 1) * sizeof(*nv));

			if (nv == NULL) {
				snprintf(err, errsz, "out of memory");
				return 500;
			}
			q->rules = nv;
			q->rules[q->nrules++] = v;
			if (q->pf.rule == NULL)
				q->pf.rule = v;
			continue;
		}
		/* the others once */
		if (evhttp_find_header(&q->kv, k) != v) {
			snprintf(err, errsz, "%s given twice", k);
			return 400;
		}
		if (strcmp(k, "tag") == 0) {
			q->pf.tag = v;
		} else if (strcmp(k, "source") == 0) {
			q->pf.source = q->f.source = v;
		} else if (strcmp(k, "lang") == 0) {
			for (char *p = v; *p != '\0'; p++)
				*p = (char)tolower((unsigned char)*p);
			if (strlen(v) != 2 || !islower((unsigned char)v[0]) ||
			    !islower((unsigned char)v[1])) {
				snprintf(err, errsz, "lang: '%.40s' is not an ISO 639-1 code", v);
				return 400;
			}
			/* xx, jp: no document is in it, as hark hits --lang says (lang.h) */
			if (lang_code_check(v, why, sizeof(why)) < 0) {
				snprintf(err, errsz, "lang: %s", why);
				return 400;
			}
			q->pf.lang = q->f.lang = v;
		} else if (strcmp(k, "since") == 0) {
			q->pf.since = v;
			if ((q->f.since_ms = hits_q_when(k, v, err, errsz)) < 0)
				return 400;
		} else if (strcmp(k, "until") == 0) {
			q->pf.until = v;
			if ((q->f.until_ms = hits_q_when(k, v, err, errsz)) < 0)
				return 400;
			/* 0 is no bound to the store: before the epoch, nothing */
			if (q->f.until_ms == 0)
				q->f.until_ms = 1;
		} else if (strcmp(k, "q") == 0) {
			q->pf.q = v;
		} else if (strcmp(k, "before") == 0) {
			q->f.before = v; /* checked by the store: STORE_INVALID */
		} else if (strcmp(k, "limit") == 0) {
			errno = 0;
			n = strtol(v, &end, 10);
			if (errno != 0 || end == v || *end != '\0' || n < 1 || n > STORE_PAGE_MAX) {
				snprintf(err, errsz, "limit: '%.40s' is not a number from 1 to %d",
				         v, STORE_PAGE_MAX);
				return 400;
			}
			q->f.limit = (int)n;
		}
	}
	if ((code = hits_q_rules_known(h, q, err, errsz)) != 0)
		return code;
	/* source= as rule=: a malformed name 400, one no source has 404, said on the page */
	if (q->f.source != NULL &&
	    (code = source_check(in->conf, httpd_store(h), q->f.source, err, errsz)) != 0) {
		q->pf.no_source = code == 404;
		return code;
	}
	if (q->pf.tag != NULL) {
		static const char *const none[] = {""}; /* no rule: no hit, not every hit */

		/* tags live in the rule files: harkd's rules in force */
		if (in->rs == NULL || ruleset_tagged(in->rs, q->pf.tag, q->rules, q->nrules,
		                                     &q->tagged, &q->ntagged) < 0) {
			snprintf(err, errsz, "out of memory");
			return 500;
		}
		/*
		 * A tag no rule in force has is a typo, as for hark hits --tag
		 * (tags live in the rule files; a removed rule's hits are read by
		 * rule=): 404, said on the page. With rule= too, an empty
		 * intersection is an answer, not a mistake.
		 */
		if (q->ntagged == 0 && q->nrules == 0) {
			snprintf(err, errsz, "no such tag: '%.100s' (no rule in force has it)",
			         q->pf.tag);
			q->pf.no_tag = 1;
			return 404;
		}
		q->f.rules = q->ntagged > 0 ? q->tagged : none;
		q->f.nrules = q->ntagged;
	} else if (q->nrules > 0) {
		q->f.rules = q->rules;
		q->f.nrules = q->nrules;
	}
	return 0;
}

static int
hits_collect(const struct store_hit_row *r, void *arg)
{
	if (apijson_hit_append(arg, r->json) < 0)
		log_warnx("http: hit %s: the stored hit is not a JSON object: left out",
		          log_quote(r->id));
	return 0;
}

/*
 * One page of the hits of q into *hits (a new array of hit objects) and
 * next (the cursor, "" at the end). Returns 0, or the HTTP status with err.
 */
static int
hits_read(struct httpd *h, struct hits_q *q, json_t **hits, char *next, char *err, size_t errsz)
{
	char why[400];
	int rc;

	if ((*hits = json_array()) == NULL) {
		snprintf(err, errsz, "out of memory");
		return 500;
	}
	rc = store_hits_page(httpd_store(h), &q->f, hits_collect, *hits, next, STORE_CURSOR_MAX,
	                     why, sizeof(why));
	if (rc == 0)
		return 0;
	json_decref(*hits);
	*hits = NULL;
	if (rc == STORE_INVALID) {
		/* a cursor not ours, or a limit out of range: the client's */
		snprintf(err, errsz, "%s: %s", q->f.before != NULL ? "before" : "limit", why);
		return 400;
	}
	snprintf(err, errsz, "database: %s", why);
	return 503;
}

/* Answer o as JSON (o taken). */
void
httpd_send_json(struct evhttp_request *req, int code, json_t *o)
{
	char *s = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	struct evbuffer *b = evbuffer_new();

	json_decref(o);
	if (s == NULL || b == NULL) {
		free(s);
		if (b != NULL)
			evbuffer_free(b);
		httpd_error(req, 500, "out of memory");
		return;
	}
	evbuffer_add(b, s, strlen(s));
	evbuffer_add(b, "\n", 1);
	free(s);
	httpd_send(req, code, "application/json", b);
}

/* Answer a rendered page or feed (pg reset). */
void
httpd_send_page(struct evhttp_request *req, struct page *pg, const char *ctype)
{
	httpd_send_page_code(req, 200, pg, ctype);
}

void
httpd_send_page_code(struct evhttp_request *req, int code, struct page *pg, const char *ctype)
{
	struct evbuffer *b;
	size_t len;
	char *s = pg->oom ? NULL : page_take(pg, &len);

	page_free(pg);
	if (s == NULL || (b = evbuffer_new()) == NULL) {
		free(s);
		httpd_error(req, 500, "out of memory");
		return;
	}
	if (evbuffer_add(b, s, len) < 0) {
		free(s);
		evbuffer_free(b);
		httpd_error(req, 500, "out of memory");
		return;
	}
	free(s);
	httpd_send(req, code, ctype, b);
}

/* ---- the API ---- */

static const char *const api_hits_keys[] = {"rule",  "tag", "source", "lang",  "since",
                                            "until", "q",   "before", "limit", NULL};

/* ---- q=: on the worker ---- */

static void
hits_q_ctx_free(void *ctx)
{
	if (ctx != NULL) {
		hits_q_free(ctx);
		free(ctx);
	}
}

/*
 * The job of a request with q= (q taken: freed with the job). The rule
 * ids of a tag are copied: a reload may free the rule set before the job
 * ends. Returns the job, NULL when out of memory (q freed).
 */
static struct hwork_job *
hits_q_job(struct httpd *h, struct evhttp_request *req, struct hits_q *q, hwork_answer_fn answer)
{
	struct hwork_job *j = hwork_job_new(HWORK_HITS, req, q->pf.q, strlen(q->pf.q), answer, h);

	if (j == NULL)
		goto oom;
	j->ctx = q;
	j->ctx_free = hits_q_ctx_free;
	if (q->tagged != NULL) {
		if ((q->owned = calloc(q->ntagged, sizeof(*q->owned))) == NULL)
			goto oom_job;
		for (size_t i = 0; i < q->ntagged; i++)
			if ((q->owned[i] = strdup(q->tagged[i])) == NULL)
				goto oom_job;
		for (size_t i = 0; i < q->ntagged; i++)
			q->tagged[i] = q->owned[i];
	}
	j->f = q->f;
	return j;
oom_job:
	hwork_job_free(j); /* frees q */
	return NULL;
oom:
	hits_q_ctx_free(q);
	return NULL;
}

static void
api_hits_answer(struct hwork_job *j)
{
	json_t *o;

	if (j->status != 0) {
		httpd_error(j->req, j->status, "%s", j->err);
		return;
	}
	o = apijson_hits_page(j->hits, j->next[0] != '\0' ? j->next : NULL);
	j->hits = NULL; /* stolen */
	if (o != NULL)
		json_object_set_new(o, "archive_from",
		                    j->archive_from[0] ? json_string(j->archive_from)
		                                       : json_null());
	if (o != NULL && j->cut)
		json_object_set_new(o, "cut", hwork_cut_json(j));
	httpd_send_json(j->req, 200, o);
}

void
route_api_hits(struct httpd *h, struct evhttp_request *req, const char *path)
{
	struct hits_q *qj;
	json_t *hits = NULL;
	char err[512], next[STORE_CURSOR_MAX];
	int code;

	(void)path;
	if ((qj = calloc(1, sizeof(*qj))) == NULL) {
		httpd_error(req, 500, "out of memory");
		return;
	}
	if ((code = hits_q_parse(h, req, qj, api_hits_keys, err, sizeof(err))) == 0 &&
	    qj->pf.q != NULL) {
		struct hwork_job *j = hits_q_job(h, req, qj, api_hits_answer);

		if (j == NULL)
			httpd_error(req, 500, "out of memory");
		else
			httpd_work(h, j);
		return;
	}
	if (code == 0)
		code = hits_read(h, qj, &hits, next, err, sizeof(err));
	hits_q_ctx_free(qj);
	if (code != 0) {
		httpd_error(req, code, "%s", err);
		return;
	}
	httpd_send_json(req, 200, apijson_hits_page(hits, next[0] != '\0' ? next : NULL));
}

/* The ID of PREFIX/ID: a stored id is "a_" and hex; anything else is no article. */
static const char *
path_id(const char *path, const char *prefix)
{
	const char *id = path + strlen(prefix);

	if (*id == '\0' || strlen(id) > 64)
		return NULL;
	for (const char *p = id; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			return NULL;
	return id;
}

/* No parameter at all: a 400 naming the first. Returns 0 or 400 with err. */
int
httpd_no_query(struct evhttp_request *req, char *err, size_t errsz)
{
	const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(req);
	const char *query = u != NULL ? evhttp_uri_get_query(u) : NULL;

	if (query == NULL || *query == '\0')
		return 0;
	snprintf(err, errsz, "unknown parameter '%.*s'", (int)strcspn(query, "=&"), query);
	return 400;
}

/* The article of path: 1 with *o, or the HTTP status with err. */
static int
article_read(struct httpd *h, struct evhttp_request *req, const char *path, const char *prefix,
             json_t **o, char *err, size_t errsz)
{
	const char *id = path_id(path, prefix);
	int rc, damaged = 0;

	*o = NULL;
	if ((rc = httpd_no_query(req, err, errsz)) != 0)
		return rc;
	if (id == NULL ||
	    (rc = readjson_article(httpd_store(h), id, o, &damaged, err, errsz)) == 0) {
		snprintf(err, errsz, "no article '%.100s' is stored", id != NULL ? id : "");
		return 404;
	}
	if (rc < 0)
		return 503;
	if (damaged > 0)
		log_warnx("http: article %s: %d stored %s, left out", log_quote(id), damaged,
		          damaged == 1 ? "hit is not a JSON object" : "hits are not JSON objects");
	return 1;
}

void
route_api_article(struct httpd *h, struct evhttp_request *req, const char *path)
{
	json_t *o;
	char err[512];
	int code = article_read(h, req, path, "/api/v1/articles/", &o, err, sizeof(err));

	if (code != 1) {
		httpd_error(req, code, "%s", err);
		return;
	}
	httpd_send_json(req, 200, o);
}

void
route_api_status(struct httpd *h, struct evhttp_request *req, const char *path)
{
	const struct httpd_info *in = httpd_info(h);
	json_t *o = json_object(), *urls = json_array();
	char err[512], u[1024], *save = NULL;
	long failed;
	int code;

	(void)path;
	if (o == NULL || urls == NULL) {
		json_decref(o);
		json_decref(urls);
		httpd_error(req, 500, "out of memory");
		return;
	}
	if ((code = httpd_no_query(req, err, sizeof(err))) != 0) {
		json_decref(o);
		json_decref(urls);
		httpd_error(req, code, "%s", err);
		return;
	}
	/* hark status --json, from harkd itself: it runs */
	snprintf(u, sizeof(u), "%s", httpd_urls(h));
	for (char *w = strtok_r(u, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save))
		json_array_append_new(urls, json_string(w));
	json_object_set_new(o, "running", json_true());
	json_object_set_new(o, "pid", json_integer((json_int_t)getpid()));
	json_object_set_new(o, "http", urls);
	json_object_set_new(o, "version", json_string(HARK_VERSION));
	/* since: hark status --json's name (HTTP.md: the same object); started kept */
	json_object_set_new(o, "since", readjson_time(in->started_at));
	json_object_set_new(o, "started", readjson_time(in->started_at));
	json_object_set_new(o, "uptime", json_integer((json_int_t)(time(NULL) - in->started_at)));
	json_object_set_new(o, "reload_failed",
	                    readjson_reload_failed(in->reload_ok ? 0 : in->reload_at, in->rules_at,
	                                           in->reload_error));
	if (readjson_status(httpd_store(h), o, err, sizeof(err)) != 0) {
		json_decref(o);
		httpd_error(req, 503, "database: %s", err);
		return;
	}
	/* a readdir of failed/: small unless nobody looks at it for months */
	failed = in->conf != NULL ? dropdir_failed_count(in->conf->spool_dir) : -1;
	json_object_set_new(o, "files_failed", failed >= 0 ? json_integer(failed) : json_null());
	httpd_send_json(req, 200, o);
}

/* ---- the pages and the feed ---- */

void
route_css(struct httpd *h, struct evhttp_request *req, const char *path)
{
	struct evbuffer *b = evbuffer_new();

	(void)h;
	(void)path;
	/* built in: a reference, never copied nor freed */
	if (b == NULL || evbuffer_add_reference(b, page_css, page_css_len, NULL, NULL) < 0) {
		if (b != NULL)
			evbuffer_free(b);
		httpd_error(req, 500, "out of memory");
		return;
	}
	httpd_send(req, 200, "text/css; charset=utf-8", b);
}

int
httpd_flat_hits(json_t *hits, struct httpd_flat_hits *fh)
{
	size_t n = json_array_size(hits);

	memset(fh, 0, sizeof(*fh));
	if (n == 0)
		return 0;
	fh->pj = calloc(n, sizeof(*fh->pj));
	fh->v = calloc(n, sizeof(*fh->v));
	if (fh->pj == NULL || fh->v == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (page_hit_from_json(json_array_get(hits, i), &fh->pj[fh->n]) == 0) {
			fh->v[fh->n] = fh->pj[fh->n].hit;
			fh->n++;
		}
	return 0;
}

void
httpd_flat_hits_free(struct httpd_flat_hits *fh)
{
	free(fh->pj);
	free(fh->v);
}

static const char *const page_hits_keys[] = {"rule",  "tag", "source", "lang", "since",
                                             "until", "q",   "before", NULL};

/*
 * The filters of a 400 back into the form, as they were typed: those
 * hits_q_parse had not reached when it stopped at the wrong one.
 */
static void
hits_q_form(struct hits_q *q)
{
	const char *const keys[] = {"rule", "tag", "source", "lang", "since", "until", "q"};
	const char **dst[] = {&q->pf.rule,  &q->pf.tag,   &q->pf.source, &q->pf.lang,
	                      &q->pf.since, &q->pf.until, &q->pf.q};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (*dst[i] == NULL)
			*dst[i] = evhttp_find_header(&q->kv, keys[i]);
}

/*
 * "/" with filters that do not parse (a 400): the hits page saying why
 * above the form, which keeps what was typed, as /try does; the API keeps
 * its {"error"}.
 */
static void
page_hits_error(struct evhttp_request *req, const struct page_zone *zone, struct hits_q *q,
                int code, const char *err)
{
	struct page pg = {.zone = zone};

	hits_q_form(q);
	q->pf.error = err;
	q->pf.no_rule = q->pf.no_tag = q->pf.no_source = 0;
	page_hits(&pg, NULL, 0, &q->pf, NULL);
	httpd_send_page_code(req, code, &pg, "text/html; charset=utf-8");
}

static void
page_hits_answer(struct hwork_job *j)
{
	struct hits_q *q = j->ctx;
	struct httpd_flat_hits fh = {0};
	struct page pg = {.zone = httpd_zone(j->arg)};
	char note[512];

	if (j->status == 400) {
		/* q= does not compile: its first error, a caret under its place */
		for (size_t i = 0; i < j->d.n; i++)
			if (j->d.v[i].sev == DIAG_ERROR) {
				q->pf.error_line = j->d.v[i].line;
				q->pf.error_col = j->d.v[i].col;
				break;
			}
		page_hits_error(j->req, pg.zone, q, j->status, j->err);
		return;
	}
	if (j->status != 0) {
		httpd_error(j->req, j->status, "%s", j->err);
		return;
	}
	if (httpd_flat_hits(j->hits, &fh) < 0) {
		httpd_flat_hits_free(&fh);
		httpd_error(j->req, 500, "out of memory");
		return;
	}
	if (j->cut) {
		hwork_cut_note(j, pg.zone, "hits", note, sizeof(note));
		q->pf.cut = note;
	}
	page_hits(&pg, fh.v, fh.n, &q->pf, j->next[0] != '\0' ? j->next : NULL);
	httpd_flat_hits_free(&fh);
	httpd_send_page(j->req, &pg, "text/html; charset=utf-8");
}

void
route_page_hits(struct httpd *h, struct evhttp_request *req, const char *path)
{
	struct hits_q *q;
	struct httpd_flat_hits fh = {0};
	struct page pg = {.zone = httpd_zone(h)};
	json_t *hits = NULL;
	char err[512], next[STORE_CURSOR_MAX];
	int code, no_rule;

	(void)path;
	if ((q = calloc(1, sizeof(*q))) == NULL) {
		httpd_error(req, 500, "out of memory");
		return;
	}
	if ((code = hits_q_parse(h, req, q, page_hits_keys, err, sizeof(err))) == 0 &&
	    q->nrules > 1) {
		/* the form and its Older link carry one rule (tag= and the rest narrow it) */
		snprintf(err, sizeof(err), "rule given twice (the page's form takes one rule)");
		code = 400;
	}
	if (code == 0) {
		q->f.limit = PAGE_HITS;
		if (q->pf.q != NULL) {
			struct hwork_job *j = hits_q_job(h, req, q, page_hits_answer);

			if (j == NULL)
				httpd_error(req, 500, "out of memory");
			else
				httpd_work(h, j);
			return;
		}
		code = hits_read(h, q, &hits, next, err, sizeof(err));
	}
	if (code == 0 && httpd_flat_hits(hits, &fh) < 0) {
		snprintf(err, sizeof(err), "out of memory");
		code = 500;
	}
	if (code == 0)
		page_hits(&pg, fh.v, fh.n, &q->pf, next[0] != '\0' ? next : NULL);
	else if (q->pf.no_rule || q->pf.no_tag || q->pf.no_source)
		page_hits(&pg, NULL, 0, &q->pf, NULL); /* the form kept, to correct the id */
	httpd_flat_hits_free(&fh);
	json_decref(hits);
	no_rule = q->pf.no_rule || q->pf.no_tag || q->pf.no_source;
	if (code == 400) {
		page_hits_error(req, pg.zone, q, code, err);
		hits_q_ctx_free(q);
		return;
	}
	hits_q_ctx_free(q);
	if (no_rule) {
		httpd_send_page_code(req, code, &pg, "text/html; charset=utf-8");
		return;
	}
	if (code != 0) {
		httpd_error(req, code, "%s", err);
		return;
	}
	httpd_send_page(req, &pg, "text/html; charset=utf-8");
}

static const char *
jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/*
 * The marks of an article's page: every match of the rules that hit it
 * (those of its stored hits) in its title and body, found again by the
 * rules in force (matches are not stored). One document, bounded as an
 * ingested one is (match.h): milliseconds on the loop.
 */
#define ARTICLE_MARKS 256
struct article_marks {
	const struct httpd_flat_hits *hits;
	struct page_span v[2][ARTICLE_MARKS]; /* F_TITLE, F_BODY */
	size_t n[2];
};

static int
article_mark(const struct hit *ht, void *arg)
{
	struct article_marks *am = arg;
	size_t i;

	for (i = 0; i < am->hits->n && strcmp(am->hits->v[i].rule_id, ht->rule->id) != 0; i++)
		;
	if (i == am->hits->n)
		return 0; /* a rule added since: not a hit of this article */
	for (i = 0; i < ht->nspans; i++) {
		const struct match_span *sp = &ht->spans[i];

		if ((sp->field == F_TITLE || sp->field == F_BODY) &&
		    am->n[sp->field] < ARTICLE_MARKS)
			am->v[sp->field][am->n[sp->field]++] =
			    (struct page_span){.start = sp->start, .end = sp->end};
	}
	return 0;
}

/*
 * doc's title and body from o's fields, marked: 0, -1 when out of memory
 * (no rules, or a failed match, leaves the text unmarked).
 */
static int
article_match(const struct ruleset *rs, json_t *o, const struct httpd_flat_hits *fh,
              struct document *doc, struct article_marks *am)
{
	json_t *fo = json_object_get(o, "fields");
	const char *lang = jstr(o, "lang");
	struct matcher *m;

	memset(doc, 0, sizeof(*doc));
	am->hits = fh;
	for (int f = F_TITLE; f <= F_BODY; f++) {
		json_t *v = json_object_get(fo, f == F_TITLE ? "title" : "body");

		if (json_is_string(v) && doc_set_field(doc, (enum field)f, json_string_value(v),
		                                       json_string_length(v)) < 0)
			return -1;
	}
	if (lang != NULL)
		snprintf(doc->lang, sizeof(doc->lang), "%s", lang);
	if (rs == NULL || fh->n == 0 || (m = matcher_new(rs)) == NULL)
		return 0;
	if (matcher_run(m, doc, article_mark, am) < 0)
		am->n[0] = am->n[1] = 0;
	matcher_free(m);
	return 0;
}

void
route_page_article(struct httpd *h, struct evhttp_request *req, const char *path)
{
	struct page_article a = {0};
	struct page_field fields[2];
	struct page_dup *dups = NULL;
	struct httpd_flat_hits fh = {0};
	struct article_marks *am = NULL;
	struct document doc = {0};
	struct page pg = {.zone = httpd_zone(h)};
	json_t *o, *v, *dv;
	char err[512];
	size_t i;
	int code = article_read(h, req, path, "/articles/", &o, err, sizeof(err));

	if (code != 1) {
		httpd_error(req, code, "%s", err);
		return;
	}
	/* every string borrowed from o, freed last */
	a.id = jstr(o, "id");
	a.title = jstr(o, "title");
	a.url = jstr(o, "url");
	a.source = jstr(o, "source");
	a.lang = jstr(o, "lang");
	a.published = jstr(o, "published");
	a.format = jstr(o, "format");
	a.charset = jstr(o, "charset");
	a.text_pruned = json_is_true(json_object_get(o, "text_pruned"));
	a.seen_at = jstr(o, "seen_at");
	a.revision_of = jstr(o, "revision_of");
	dv = json_object_get(o, "duplicates");
	dups = calloc(json_array_size(dv) + 1, sizeof(*dups));
	am = calloc(1, sizeof(*am));
	if (dups == NULL || am == NULL || httpd_flat_hits(json_object_get(o, "hits"), &fh) < 0 ||
	    article_match(httpd_info(h)->rs, o, &fh, &doc, am) < 0) {
		code = 500;
		goto out;
	}
	/* the text as the matcher saw it (the stored one, cleaned): the marks' offsets are in it */
	for (int f = F_TITLE; f <= F_BODY; f++)
		if (doc.field[f] != NULL)
			fields[a.nfields++] =
			    (struct page_field){.name = f == F_TITLE ? "title" : "body",
			                        .text = doc.field[f],
			                        .len = doc.field_len[f],
			                        .marks = am->v[f],
			                        .nmarks = am->n[f]};
	a.fields = fields;
	json_array_foreach(dv, i, v)
	{
		/*
		 * an exact duplicate is never stored: the others are of its group,
		 * each labelled by its own near_of and revision_of (page_dup_label)
		 */
		if (jstr(v, "id") != NULL)
			dups[a.ndups++] = (struct page_dup){.article_id = jstr(v, "id"),
			                                    .title = jstr(v, "title"),
			                                    .near = 1,
			                                    .near_of = jstr(v, "near_of"),
			                                    .revision_of = jstr(v, "revision_of")};
	}
	a.dups = dups;
	a.hits = fh.v;
	a.nhits = fh.n;
	page_article(&pg, &a);
out:
	httpd_flat_hits_free(&fh);
	doc_free(&doc);
	free(am);
	free(dups);
	if (code != 1) {
		json_decref(o);
		page_free(&pg);
		httpd_error(req, 500, "out of memory");
		return;
	}
	httpd_send_page(req, &pg, "text/html; charset=utf-8");
	json_decref(o);
}

/*
 * The feed's base: [http] base_url; else http://HOST/ of the request's
 * Host header when it is a plain host[:port] (the name its reader used:
 * Atom's ids and links must be absolute); else the first address bound.
 */
static void
atom_base(struct httpd *h, struct evhttp_request *req, char *out, size_t outsz)
{
	const struct httpd_info *in = httpd_info(h);
	const char *host = evhttp_find_header(evhttp_request_get_input_headers(req), "Host");
	size_t n;

	if (in->conf != NULL && in->conf->http.base_url != NULL) {
		snprintf(out, outsz, "%s", in->conf->http.base_url);
		return;
	}
	if (host != NULL && (n = strlen(host)) > 0 && n < 256 &&
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") ==
	        n) {
		snprintf(out, outsz, "http://%s/", host);
		if (page_url_ok(out)) /* "a:b:c" passes the bytes, not the URL */
			return;
	}
	snprintf(out, outsz, "%.*s", (int)strcspn(httpd_urls(h), " "), httpd_urls(h));
}

static const char *const atom_keys[] = {"rule", "tag", NULL};

void
route_atom(struct httpd *h, struct evhttp_request *req, const char *path)
{
	struct hits_q q;
	struct httpd_flat_hits fh = {0};
	struct page pg = {.zone = httpd_zone(h)};
	struct page_feed feed = {0};
	json_t *hits = NULL;
	char err[512], next[STORE_CURSOR_MAX], base[512], now[32];
	int code;

	(void)path;
	/* HTTP.md: /hits.atom, ?rule=ID or ?tag=TAG; the page and the API combine filters */
	if ((code = hits_q_parse(h, req, &q, atom_keys, err, sizeof(err))) == 0 && q.nrules > 1) {
		snprintf(err, sizeof(err), "rule given twice (a feed is of one rule or one tag)");
		code = 400;
	} else if (code == 0 && q.nrules > 0 && q.pf.tag != NULL) {
		snprintf(err, sizeof(err),
		         "rule and tag both given (a feed is of one rule or one tag: the page / "
		         "and the API combine them)");
		code = 400;
	}
	if (code == 0) {
		q.f.limit = ATOM_HITS; /* the latest: never a cursor */
		code = hits_read(h, &q, &hits, next, err, sizeof(err));
	}
	if (code == 0 && httpd_flat_hits(hits, &fh) < 0) {
		snprintf(err, sizeof(err), "out of memory");
		code = 500;
	}
	if (code == 0) {
		atom_base(h, req, base, sizeof(base));
		apijson_time((int64_t)time(NULL) * 1000, now);
		feed.base_url = base;
		feed.rule = q.pf.rule;
		feed.tag = q.pf.tag;
		feed.now = now;
		if (page_atom(&pg, &feed, fh.v, fh.n) < 0) {
			snprintf(err, sizeof(err), "the feed's base '%.200s' is not an http(s) URL",
			         base);
			code = 400;
		}
	}
	httpd_flat_hits_free(&fh);
	json_decref(hits);
	hits_q_free(&q);
	if (code != 0) {
		page_free(&pg);
		httpd_error(req, code, "%s", err);
		return;
	}
	httpd_send_page(req, &pg, "application/atom+xml; charset=utf-8");
}
