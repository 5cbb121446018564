/*
 * httpd_try.c: the routes of /try (HTTP.md): the page /try, a form for a
 * query or a whole rule file (GET shows it, GET /try?query=... and a POST
 * from the form try it), and POST /api/v1/try with {"query": "..."} or
 * {"rules": "..."}. The text is compiled with hark check's compiler and,
 * when it compiles, run over the archive newest first as hark backtest
 * does (the FTS5 index narrows, the matcher decides), at most
 * HWORK_TRY_HITS hits, on the worker under its time limit. Nothing is
 * stored and nothing alerts.
 *
 * A POST changes nothing but may read the whole archive: it takes the
 * checks of the other POSTs (the token or a session; an Origin of this
 * server's), so another site's page cannot make a browser run them.
 */
#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "httpd.h"
#include "httpd_work.h"
#include "page_try.h"
#include "try.h"

/* ---- the answers ---- */

static const char *
sev_name(enum diag_sev s)
{
	return s == DIAG_ERROR ? "error" : s == DIAG_WARNING ? "warning" : "note";
}

static void
api_try_answer(struct hwork_job *j)
{
	json_t *o, *diags = json_array();

	if (j->status != 0) {
		json_decref(diags);
		httpd_error(j->req, j->status, "%s", j->err);
		return;
	}
	for (size_t i = 0; diags != NULL && i < j->d.n; i++) {
		const struct diag *g = &j->d.v[i];

		json_array_append_new(diags, json_pack("{s:i,s:i,s:s,s:s}", "line", (int)g->line,
		                                       "col", (int)g->col, "severity",
		                                       sev_name(g->sev), "message", g->msg));
	}
	o = json_pack("{s:o,s:O}", "diagnostics", diags, "hits", j->hits);
	if (o != NULL)
		json_object_set_new(o, "archive_from",
		                    j->archive_from[0] ? json_string(j->archive_from)
		                                       : json_null());
	if (o != NULL && j->cut)
		json_object_set_new(o, "cut", hwork_cut_json(j));
	httpd_send_json(j->req, 200, o);
}

/* The page of a try: the text given, its diagnostics, its hits (j NULL: the empty form). */
static void
page_try_send(struct evhttp_request *req, const struct page_zone *zone, const struct hwork_job *j,
              const char *text, size_t len)
{
	struct page_try t = {.text = text, .text_len = len, .max_hits = HWORK_TRY_HITS};
	struct page_try_diag *pd = NULL;
	struct httpd_flat_hits fh = {0};
	struct page pg = {.zone = zone};
	char **texts = NULL, note[512];
	size_t nd = j != NULL ? j->d.n : 0;
	int oom = 0;

	if (nd > 0) {
		pd = calloc(nd, sizeof(*pd));
		texts = calloc(nd, sizeof(*texts));
		oom = pd == NULL || texts == NULL;
	}
	for (size_t i = 0; !oom && i < nd; i++) {
		const struct diag *g = &j->d.v[i];
		size_t start, n;

		if ((texts[i] = malloc(1024)) == NULL) {
			oom = 1;
			break;
		}
		diag_format(g, texts[i], 1024);
		pd[i].text = texts[i];
		pd[i].warning = g->sev != DIAG_ERROR;
		if (g->col > 0 && try_line(text, len, g->line, &start, &n) == 0) {
			pd[i].line = text + start;
			pd[i].line_len = n;
			pd[i].col = g->col;
		}
	}
	if (!oom && j != NULL && httpd_flat_hits(j->hits, &fh) < 0)
		oom = 1;
	if (!oom) {
		t.diags = pd;
		t.ndiags = nd;
		t.hits = fh.v;
		t.nhits = fh.n;
		t.ran = j != NULL && j->d.nerrors == 0;
		t.archive_from = j != NULL ? j->archive_from : NULL;
		if (j != NULL && j->cut) {
			hwork_cut_note(j, zone, "articles", note, sizeof(note));
			t.cut = note;
		}
		page_try(&pg, &t);
	}
	httpd_flat_hits_free(&fh);
	for (size_t i = 0; texts != NULL && i < nd; i++)
		free(texts[i]);
	free(texts);
	free(pd);
	if (oom) {
		page_free(&pg);
		httpd_error(req, 500, "out of memory");
		return;
	}
	httpd_send_page(req, &pg, "text/html; charset=utf-8");
}

static void
page_try_answer(struct hwork_job *j)
{
	if (j->status != 0) {
		httpd_error(j->req, j->status, "%s", j->err);
		return;
	}
	page_try_send(j->req, httpd_zone(j->arg), j, j->text, j->len);
}

/* Hand text to the worker for req; answer names the route's answer. */
static void
try_start(struct httpd *h, struct evhttp_request *req, const char *text, size_t len, int as_rules,
          hwork_answer_fn answer)
{
	struct hwork_job *j = hwork_job_new(HWORK_TRY, req, text, len, answer, h);

	if (j == NULL) {
		httpd_error(req, 500, "out of memory");
		return;
	}
	j->as_rules = as_rules;
	httpd_work(h, j);
}

/* ---- the bodies ---- */

/*
 * The request's body as a NUL-terminated string (caller frees), or NULL
 * with the status in *code and the cause in err. A NUL byte in it is the
 * client's mistake: text is text.
 */
static char *
body_text(struct evhttp_request *req, size_t *len, int *code, char *err, size_t errsz)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t n = evbuffer_get_length(in);
	char *s = malloc(n + 1);

	if (s == NULL) {
		*code = 500;
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	evbuffer_copyout(in, s, n);
	s[n] = '\0';
	if (strlen(s) != n) {
		free(s);
		*code = 400;
		snprintf(err, errsz, "the body holds a NUL byte");
		return NULL;
	}
	*len = n;
	return s;
}

/* Whether the request's Content-Type is type (parameters after ';' allowed). */
static bool
ctype_is(struct evhttp_request *req, const char *type)
{
	const char *ct = evhttp_find_header(evhttp_request_get_input_headers(req), "Content-Type");
	size_t n = strlen(type);

	return ct != NULL && strncasecmp(ct, type, n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/*
 * The query of a form body or a query string (s, modified): the one field
 * "query". Returns 0 with *q (into kv; NULL when absent), or 400 with err.
 */
static int
form_query(const char *s, struct evkeyvalq *kv, const char **q, char *err, size_t errsz)
{
	struct evkeyval *p;

	*q = NULL;
	if (s != NULL && *s != '\0' && evhttp_parse_query_str(s, kv) < 0) {
		snprintf(err, errsz, "the form is malformed");
		return 400;
	}
	TAILQ_FOREACH(p, kv, next)
	{
		if (strcmp(p->key, "query") != 0) {
			snprintf(err, errsz, "unknown parameter '%.60s'", p->key);
			return 400;
		}
		if (*q != NULL) {
			snprintf(err, errsz, "query given twice");
			return 400;
		}
		*q = p->value;
	}
	return 0;
}

/* ---- the routes ---- */

void
route_page_try(struct httpd *h, struct evhttp_request *req, const char *path)
{
	enum evhttp_cmd_type m = evhttp_request_get_command(req);
	const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(req);
	struct evkeyvalq kv;
	const char *q = NULL;
	char err[512], *body = NULL;
	size_t blen = 0;
	int code = 0;

	(void)path;
	TAILQ_INIT(&kv);
	if (m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD) {
		/* GET /try?query=...: a try that can be linked to */
		code = form_query(u != NULL ? evhttp_uri_get_query(u) : NULL, &kv, &q, err,
		                  sizeof(err));
	} else if (m == EVHTTP_REQ_POST) {
		if (!httpd_origin_ok(h, req, err, sizeof(err)))
			code = 403;
		else if ((code = httpd_no_query(req, err, sizeof(err))) != 0)
			;
		else if (!ctype_is(req, "application/x-www-form-urlencoded")) {
			snprintf(err, sizeof(err),
			         "POST /try takes application/x-www-form-urlencoded (its form)");
			code = 415;
		} else if ((body = body_text(req, &blen, &code, err, sizeof(err))) != NULL) {
			code = form_query(body, &kv, &q, err, sizeof(err));
		}
		if (code == 0 && q == NULL) {
			snprintf(err, sizeof(err), "the form has no field 'query'");
			code = 400;
		}
	} else {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
		                  "GET, HEAD, POST");
		snprintf(err, sizeof(err), "/try answers GET, HEAD and POST only");
		code = 405;
	}
	if (code != 0)
		httpd_error(req, code, "%s", err);
	else if (q == NULL || *q == '\0')
		page_try_send(req, httpd_zone(h), NULL, q, 0); /* the form alone */
	else
		try_start(h, req, q, strlen(q), try_is_rules(q, strlen(q)), page_try_answer);
	evhttp_clear_headers(&kv);
	free(body);
}

void
route_api_try(struct httpd *h, struct evhttp_request *req, const char *path)
{
	json_t *o = NULL, *v;
	json_error_t je;
	const char *key, *text = NULL;
	char err[512], *body = NULL;
	size_t blen = 0, tlen = 0;
	int code = 0, as_rules = 0;

	(void)path;
	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "POST");
		httpd_error(req, 405, "/api/v1/try answers POST only");
		return;
	}
	if (!httpd_origin_ok(h, req, err, sizeof(err)))
		code = 403;
	else if ((code = httpd_no_query(req, err, sizeof(err))) != 0)
		;
	else if (!ctype_is(req, "application/json")) {
		snprintf(err, sizeof(err), "POST /api/v1/try takes application/json");
		code = 415;
	} else if ((body = body_text(req, &blen, &code, err, sizeof(err))) == NULL) {
		;
	} else if ((o = json_loadb(body, blen, JSON_REJECT_DUPLICATES, &je)) == NULL ||
	           !json_is_object(o)) {
		snprintf(err, sizeof(err), "the body is not a JSON object%s%.200s",
		         o == NULL ? ": " : "", o == NULL ? je.text : "");
		code = 400;
	} else {
		json_object_foreach(o, key, v)
		{
			if (strcmp(key, "query") != 0 && strcmp(key, "rules") != 0) {
				snprintf(err, sizeof(err),
				         "unknown key '%.60s' (the body is {\"query\": ...} or "
				         "{\"rules\": ...})",
				         key);
				code = 400;
				break;
			}
			if (!json_is_string(v)) {
				snprintf(err, sizeof(err), "%s: not a string", key);
				code = 400;
				break;
			}
			if (text != NULL) {
				snprintf(err, sizeof(err), "give query or rules, not both");
				code = 400;
				break;
			}
			text = json_string_value(v);
			tlen = json_string_length(v);
			as_rules = strcmp(key, "rules") == 0;
		}
		if (code == 0 && text == NULL) {
			snprintf(err, sizeof(err), "the body needs \"query\" or \"rules\"");
			code = 400;
		} else if (code == 0 && strlen(text) != tlen) {
			snprintf(err, sizeof(err), "the text holds a NUL character");
			code = 400;
		}
	}
	if (code != 0)
		httpd_error(req, code, "%s", err);
	else
		try_start(h, req, text, tlen, as_rules, api_try_answer);
	json_decref(o);
	free(body);
}
