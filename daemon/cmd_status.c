/*
 * cmd_status.c: hark status [--json]: whether harkd runs and where it
 * serves HTTP, what it stored (articles, hits, the webhook outbox), the
 * rules muted and every feed's state, from one snapshot. The exit status
 * says whether harkd runs, as systemctl status and the LSB init scripts
 * do: 0 it runs, 3 it does not (the harkd line says why), 4 it cannot be
 * told; 2 an error.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "conf.h"
#include "dropdir.h"
#include "hark.h"
#include "usage.h"
#include "harkdlock.h"
#include "readjson.h"
#include "store.h"

#define STATUS_NOT_RUNNING 3 /* LSB: "program is not running" */
#define STATUS_UNKNOWN 4     /* LSB: "program or service status is unknown" */

/* The state_dir and spool_dir of the configuration hark_store_open() read too. */
static int
status_dirs(char *state, size_t statesz, char *spool, size_t spoolsz)
{
	const char *path = conf_find(hark_config);
	struct conf *c = NULL;
	struct diags d;
	int rc = -1;

	diags_init(&d);
	if (path != NULL && conf_load(path, &c, &d) == 0) {
		snprintf(state, statesz, "%s", c->state_dir);
		snprintf(spool, spoolsz, "%s", c->spool_dir);
		rc = 0;
	}
	conf_free(c);
	diags_free(&d);
	return rc;
}

/* The feeds as read, copied: the rows live only during the callback. */
struct feeds {
	struct store_feed_row *v; /* owned, and each string in it */
	size_t n, cap;
	int oom;
};

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static int
feeds_add(const struct store_feed_row *r, void *arg)
{
	struct feeds *f = arg;
	struct store_feed_row *c;

	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 8;
		struct store_feed_row *v = realloc(f->v, cap * sizeof(*v));

		if (v == NULL) {
			f->oom = 1;
			return -1;
		}
		f->v = v;
		f->cap = cap;
	}
	c = &f->v[f->n++];
	*c = *r;
	c->name = dup_or_null(r->name);
	c->url = dup_or_null(r->url);
	c->last_error = dup_or_null(r->last_error);
	return 0;
}

static void
feeds_free(struct feeds *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free((char *)f->v[i].name);
		free((char *)f->v[i].url);
		free((char *)f->v[i].last_error);
	}
	free(f->v);
}

/* The mutes in force, copied as the feeds are. */
struct mutes {
	struct store_mute_row *v; /* owned, and each rule_id */
	size_t n, cap;
	int oom;
};

static int
mutes_add(const struct store_mute_row *r, void *arg)
{
	struct mutes *m = arg;

	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 8;
		struct store_mute_row *v = realloc(m->v, cap * sizeof(*v));

		if (v == NULL) {
			m->oom = 1;
			return -1;
		}
		m->v = v;
		m->cap = cap;
	}
	m->v[m->n] = *r;
	if ((m->v[m->n].rule_id = strdup(r->rule_id)) == NULL) {
		m->oom = 1;
		return -1;
	}
	m->n++;
	return 0;
}

static void
mutes_free(struct mutes *m)
{
	for (size_t i = 0; i < m->n; i++)
		free((char *)m->v[i].rule_id);
	free(m->v);
}

/* "muted": readjson_mute's objects, from the copies. */
static json_t *
mutes_json(const struct mutes *m)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < m->n; i++)
		json_array_append_new(a, readjson_mute(&m->v[i]));
	return a;
}

/* Webhooks disabled by 410 Gone: an array of {"name", "reason", "since"}. */
static int
webhooks_add(const struct store_webhook_row *r, void *arg)
{
	return json_array_append_new(arg, readjson_webhook(r));
}

static int
status_json(const struct harkd_probe *dm, const struct store_status *s, const struct feeds *f,
            json_t *disabled, json_t *muted, long failed)
{
	json_t *o = json_object(), *fa = json_array(), *urls = json_array();
	char *text, u[sizeof(dm->urls)], *save = NULL;

	json_object_set_new(o, "running",
	                    dm->running < 0 ? json_null() : json_boolean(dm->running));
	json_object_set_new(o, "pid", dm->running == 1 ? json_integer(dm->pid) : json_null());
	json_object_set_new(o, "since", dm->running == 1 ? readjson_time(dm->since) : json_null());
	snprintf(u, sizeof(u), "%s", dm->urls);
	for (char *w = strtok_r(u, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save))
		json_array_append_new(urls, json_string(w));
	json_object_set_new(o, "http", urls);
	json_object_set_new(
	    o, "reload_failed",
	    dm->running == 1
	        ? readjson_reload_failed(dm->reload_failed, dm->rules_at, dm->reload_error)
	        : json_null());

	readjson_status_counts(o, s);
	json_object_set_new(o, "files_failed", failed >= 0 ? json_integer(failed) : json_null());
	for (size_t i = 0; i < f->n; i++)
		json_array_append_new(fa, readjson_feed(&f->v[i]));
	json_object_set_new(o, "feeds", fa);
	json_object_set(o, "webhooks_disabled", disabled);
	json_object_set(o, "muted", muted);
	text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	if (text == NULL)
		return -1;
	printf("%s\n", text);
	free(text);
	return 0;
}

/* "2026-11-21 10:00", or what to say for 0. */
static const char *
when(int64_t secs, const char *never, char *buf, size_t size)
{
	if (secs == 0)
		return never;
	hark_time_local(secs, buf, size);
	return buf;
}

/* One aligned "key: value" line; width is the longest key's. */
static void line(int width, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
line_key(int width, const char *key)
{
	printf("%s:%*s ", key, width - (int)strlen(key), "");
}

static void
line(int width, const char *key, const char *fmt, ...)
{
	va_list ap;

	line_key(width, key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void
status_text(const struct harkd_probe *dm, const struct store_status *s, const struct feeds *f,
            json_t *disabled, const struct mutes *mu, long failed, const char *spool)
{
	char b1[32], b2[32], key[256];
	int width = (int)strlen(s->deliveries_cancelled > 0 ? "deliveries cancelled"
	                                                    : "deliveries pending");

	for (size_t i = 0; i < f->n; i++) {
		int w = (int)strlen("feed ") + (int)strlen(f->v[i].name);

		if (w > width && w < (int)sizeof(key))
			width = w;
	}
	for (size_t i = 0; i < mu->n; i++) {
		int w = (int)strlen("muted ") + (int)strlen(mu->v[i].rule_id);

		if (w > width && w < (int)sizeof(key))
			width = w;
	}
	if (dm->running < 0)
		line(width, "harkd", "unknown (%s)", dm->err);
	else if (dm->running)
		line(width, "harkd", "running (pid %ld) since %s", dm->pid,
		     when(dm->since, "?", b1, sizeof(b1)));
	else
		line(width, "harkd", "not running (%s)", dm->why);
	if (dm->running == 1)
		line(width, "http", "%s", dm->urls[0] ? dm->urls : "none");
	if (dm->running == 1 && dm->reload_failed != 0)
		line(width, "rules", "reload failed at %s: %s; still using the rules loaded at %s",
		     when(dm->reload_failed, "?", b1, sizeof(b1)), dm->reload_error,
		     when(dm->rules_at, "?", b2, sizeof(b2)));
	line(width, "articles", "%lld", (long long)s->articles);
	line(width, "near duplicates", "%lld", (long long)s->near_duplicates);
	line(width, "hits", "%lld", (long long)s->hits);
	line(width, "alerts", "%lld", (long long)s->alerts);
	line(width, "last article", "%s", when(s->last_article_at, "none", b1, sizeof(b1)));
	line(width, "last hit", "%s", when(s->last_hit_at / 1000, "none", b1, sizeof(b1)));
	line(width, "deliveries pending", "%lld", (long long)s->deliveries_pending);
	line(width, "deliveries failed", "%lld", (long long)s->deliveries_failed);
	if (s->deliveries_cancelled > 0)
		line(width, "deliveries cancelled", "%lld (their webhook or email left hark.conf)",
		     (long long)s->deliveries_cancelled);
	if (failed > 0)
		line(width, "files failed", "%ld in %s/failed (each with NAME.error saying why)",
		     failed, spool);
	else if (failed < 0)
		line(width, "files failed", "unknown (%s/failed cannot be read)", spool);
	else
		line(width, "files failed", "0");
	for (size_t i = 0; i < json_array_size(disabled); i++) {
		json_t *e = json_array_get(disabled, i);
		const char *since = json_string_value(json_object_get(e, "since"));

		snprintf(key, sizeof(key), "webhook %s",
		         json_string_value(json_object_get(e, "name")));
		/* the JSON's RFC 3339, shown as every text time is: local, to the minute */
		if (since != NULL)
			hark_time_text(since, b1, sizeof(b1));
		line(width, key, "disabled (%s) since %s; change its configuration to enable it",
		     json_string_value(json_object_get(e, "reason"))
		         ? json_string_value(json_object_get(e, "reason"))
		         : "?",
		     since != NULL ? b1 : "?");
	}
	for (size_t i = 0; i < mu->n; i++) {
		snprintf(key, sizeof(key), "muted %s", mu->v[i].rule_id);
		line(width, key, "until %s (hark unmute %s)",
		     when(mu->v[i].until, "?", b1, sizeof(b1)), mu->v[i].rule_id);
	}
	for (size_t i = 0; i < f->n; i++) {
		const struct store_feed_row *r = &f->v[i];
		const char *ok = when(r->last_ok, "never", b1, sizeof(b1));

		snprintf(key, sizeof(key), "feed %s", r->name);
		if (r->gone)
			line(width, key, "gone (410), last ok %s", ok);
		else if (r->last_error != NULL) {
			line_key(width, key);
			fputs(r->failures == 0 ? "warning: " : "failing: ", stdout);
			/* the feed server's words: a reason phrase, a Location, feed bytes a
			 * parser quotes */
			hark_put_line_text(r->last_error);
			printf("; last ok %s; next poll %s\n", ok,
			       when(r->next_poll, "not planned", b2, sizeof(b2)));
		} else
			line(width, key, "ok %s; next poll %s", ok,
			     when(r->next_poll, "not planned", b2, sizeof(b2)));
	}
}

int
cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct store_status s;
	struct feeds f = {0};
	struct mutes mu = {0};
	struct harkd_probe dm = {0};
	struct store *st;
	json_t *disabled;
	char err[512], state_dir[4096], spool[4096] = "";
	long failed = -1;
	int ch, json = 0, rc = 0;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'h':
			hark_usage("status", stdout);
			return 0;
		default:
			usage_opt_error(argv[0], "h", opts, argv);
			return 2;
		}
	}
	if (optind < argc) {
		usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
		return 2;
	}
	/* no database yet: harkd never ran here, which is an answer, not an error */
	if (status_dirs(state_dir, sizeof(state_dir), spool, sizeof(spool)) == 0 &&
	    snprintf(err, sizeof(err), "%s/hark.db", state_dir) < (int)sizeof(err) &&
	    access(err, F_OK) < 0 && errno == ENOENT) {
		harkdlock_probe(state_dir, &dm);
		if (dm.running == 0) {
			hark_errorf("hark: status: harkd is not running: no database at %s (it has "
			            "not run on this state_dir)\n",
			            err);
			return STATUS_NOT_RUNNING;
		}
	}
	if (hark_store_open("status", &st) < 0)
		return 2;
	/* made after the options: --help and a usage error return before */
	disabled = json_array();
	if (store_status_get(st, &s, err, sizeof(err)) != 0 ||
	    store_feeds_each(st, feeds_add, &f, err, sizeof(err)) != 0 ||
	    store_webhooks_each(st, webhooks_add, disabled, err, sizeof(err)) != 0 ||
	    store_mutes_each(st, (int64_t)time(NULL), mutes_add, &mu, err, sizeof(err)) != 0)
		rc = -1;
	else if (f.oom || mu.oom)
		rc = -1, snprintf(err, sizeof(err), "reading the store: out of memory");
	store_close(st);
	/* the configuration read fine a moment ago, in hark_store_open() */
	if (status_dirs(state_dir, sizeof(state_dir), spool, sizeof(spool)) == 0) {
		harkdlock_probe(state_dir, &dm);
		failed = dropdir_failed_count(spool);
	} else {
		dm.running = -1;
		snprintf(dm.err, sizeof(dm.err), "the configuration's state_dir cannot be read");
	}
	if (rc == 0 && json) {
		json_t *muted = mutes_json(&mu);

		rc = status_json(&dm, &s, &f, disabled, muted, failed);
		json_decref(muted);
	} else if (rc == 0) {
		status_text(&dm, &s, &f, disabled, &mu, failed, spool);
	} else {
		hark_errorf("hark: status: %s\n", err);
	}
	feeds_free(&f);
	mutes_free(&mu);
	json_decref(disabled);
	if (rc == 0 && fflush(stdout) != 0) {
		hark_errorf("hark: status: standard output: %s\n", strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		return 2;
	return dm.running == 1 ? 0 : dm.running == 0 ? STATUS_NOT_RUNNING : STATUS_UNKNOWN;
}
