/*
 * conf.c: the configuration file of CLI.md and hark.conf(5). Every key of
 * every section is known, so that a typo is an error naming file:line:col
 * rather than a silent default; every problem of the file is reported in one
 * pass, and any error means no configuration at all.
 *
 * This file depends on the core's diagnostics and on libcurl's URL parser
 * only (no hark.h), so that the fuzz build can compile it on its own.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <curl/curl.h>

#include "conf.h"
#include "digest.h"
#include "fileio.h"
#include "hark_paths.h"
#include "lang.h"
#include "mailaddr.h"
#include "whsig.h"

#define CONF_FILE_MAX (1u << 20)  /* a configuration is a few lines */
#define SECRET_FILE_MAX 4096      /* a secret file holds one secret */
#define SECRET_MIN_BYTES 16       /* the decoded key of a whsec_ secret */
#define MAX_PER_MINUTE_MAX 100000 /* more is no limit at all */

enum sect { S_NONE, S_SKIP, S_HARK, S_FEED, S_WEBHOOK, S_HTTP, S_EMAIL };

/* The keys of each section, in the order hark.conf(5) lists them. */
enum {
	H_STATE_DIR,
	H_SPOOL_DIR,
	H_RULES,
	H_KEEP_DONE,
	H_MAX_DOC,
	H_LOG_LEVEL,
	H_LANGUAGES,
	H_KEEP_ARTICLES,
	H_KEEP_HITS,
	H_KEEP_FAILED,
	H_NKEYS
};
static const char *const keys_hark[] = {
    "state_dir",         "spool_dir",   "rules",     "keep_done",
    "max_document_size", "log_level",   "languages", "keep_articles",
    "keep_hits",         "keep_failed", NULL};
enum { F_URL, F_INTERVAL, F_LANG, F_ALLOW_PRIVATE, F_FETCH_ARTICLE, F_NKEYS };
static const char *const keys_feed[] = {"url",           "interval",      "lang",
                                        "allow_private", "fetch_article", NULL};
enum {
	W_URL,
	W_URL_FILE,
	W_FORMAT,
	W_SECRET,
	W_SECRET_FILE,
	W_RULES,
	W_TOPIC,
	W_MAX_PER_MINUTE,
	W_DIGEST,
	W_NKEYS
};
static const char *const keys_webhook[] = {"url",         "url_file", "format", "secret",
                                           "secret_file", "rules",    "topic",  "max_per_minute",
                                           "digest",      NULL};
enum { E_SMTP, E_USER, E_PASSWORD_FILE, E_CA_FILE, E_FROM, E_TO, E_RULES, E_DIGEST, E_NKEYS };
static const char *const keys_email[] = {"smtp", "user",  "password_file", "ca_file", "from",
                                         "to",   "rules", "digest",        NULL};
enum { P_LISTEN, P_TOKEN_FILE, P_BASE_URL, P_NKEYS };
static const char *const keys_http[] = {"listen", "token_file", "base_url", NULL};
#define MAX_NKEYS 10
#define HTTP_LISTEN_MAX 8 /* addresses of one listen */
#define TOKEN_MIN 32      /* characters of the [http] token */

static const char *const webhook_formats[] = {"standard", "slack", "discord", "ntfy", NULL};

/* The state of one conf_load(). */
struct cparse {
	const char *path; /* as given: diagnostics name it so */
	char *dir;        /* owned: the absolute directory of path */
	struct diags *d;
	unsigned flags; /* CONF_SECRETS: open the secret files; CONF_RULES */
	struct conf *c; /* owned until returned */
	enum sect sect;
	char label[96];                /* "[feed world]", for messages */
	const char *const *keys;       /* of the current section */
	unsigned sect_line;            /* where the current section starts */
	unsigned seen[MAX_NKEYS];      /* line of each key of the section, 0: unset */
	unsigned hark_line;            /* line of [hark], 0: none yet */
	unsigned hark_seen[MAX_NKEYS]; /* the seen[] of [hark], for the end */
	int oom;
};

/* A value and where it starts, for diagnostics. */
struct cval {
	char *s; /* points into the line, NUL-terminated, trimmed */
	unsigned line, col;
};

static void conf_err(struct cparse *p, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
conf_err(struct cparse *p, unsigned line, unsigned col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	diags_add(p->d, p->path, line, col, DIAG_ERROR, "%s", msg);
}

/* ---- values ---- */

int
conf_parse_size(const char *s, size_t *out)
{
	unsigned long long v = 0, mult = 1;
	const char *q = s;

	if (*q < '0' || *q > '9')
		return -1;
	for (; *q >= '0' && *q <= '9'; q++) {
		if (v > (ULLONG_MAX - 9) / 10)
			return -1;
		v = v * 10 + (unsigned)(*q - '0');
	}
	switch (*q) {
	case '\0':
		break;
	case 'K':
	case 'k':
		mult = 1ull << 10;
		q++;
		break;
	case 'M':
	case 'm':
		mult = 1ull << 20;
		q++;
		break;
	case 'G':
	case 'g':
		mult = 1ull << 30;
		q++;
		break;
	default:
		return -1;
	}
	if (*q != '\0' || (v != 0 && v > SIZE_MAX / mult))
		return -1;
	*out = (size_t)(v * mult);
	return 0;
}

int
conf_parse_duration(const char *s, unsigned long *out)
{
	unsigned long v = 0, mult = 1;
	const char *q = s;

	if (*q < '0' || *q > '9')
		return -1;
	for (; *q >= '0' && *q <= '9'; q++) {
		if (v > (ULONG_MAX - 9) / 10)
			return -1;
		v = v * 10 + (unsigned long)(*q - '0');
	}
	switch (*q) {
	case '\0':
		break;
	case 's':
		q++;
		break;
	case 'm':
		mult = 60;
		q++;
		break;
	case 'h':
		mult = 3600;
		q++;
		break;
	case 'd':
		mult = 86400;
		q++;
		break;
	case 'w':
		mult = 7 * 86400;
		q++;
		break;
	default:
		return -1;
	}
	if (*q != '\0' || (v != 0 && v > ULONG_MAX / mult))
		return -1;
	*out = v * mult;
	return 0;
}

int
conf_parse_keep(const char *s, int64_t *out)
{
	unsigned long secs;

	if (strcmp(s, "forever") == 0) {
		*out = 0;
		return 0;
	}
	/* below a minute is a typo (keep_articles = 90 meant days?); 100 years is forever */
	if (conf_parse_duration(s, &secs) < 0 || secs < 60 || secs > 100ul * 366 * 86400)
		return -1;
	*out = (int64_t)secs;
	return 0;
}

static int
parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"yes", "true", "on", "1", NULL};
	static const char *const no[] = {"no", "false", "off", "0", NULL};

	for (size_t i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/* The priorities of log.h, parsed here so that conf.c needs no log.c. */
static int
parse_log_level(const char *s)
{
	if (strcmp(s, "error") == 0)
		return LOG_ERR;
	if (strcmp(s, "warning") == 0)
		return LOG_WARNING;
	if (strcmp(s, "info") == 0)
		return LOG_INFO;
	if (strcmp(s, "debug") == 0)
		return LOG_DEBUG;
	return -1;
}

static int
b64_value(int ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

/*
 * Check a Standard Webhooks secret: "whsec_" and standard base64 (padding
 * optional) of at least SECRET_MIN_BYTES bytes. The message never quotes
 * the secret: diagnostics end up in logs.
 */
static const char *
secret_check(const char *s, char *msg, size_t size)
{
	const char *s0 = s;
	unsigned char key[WHSIG_KEY_MAX];
	size_t n = 0, pad = 0, bytes;

	if (strncmp(s, "whsec_", 6) != 0)
		return "does not start with 'whsec_'";
	for (s += 6; *s != '\0' && *s != '='; s++, n++)
		if (b64_value((unsigned char)*s) < 0)
			return "is not 'whsec_' followed by base64";
	for (; *s == '='; s++)
		pad++;
	if (*s != '\0' || pad > 2 || n % 4 == 1 || (pad > 0 && (n + pad) % 4 != 0))
		return "is not 'whsec_' followed by base64";
	bytes = n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0);
	if (bytes < SECRET_MIN_BYTES) {
		snprintf(msg, size, "decodes to %zu bytes; at least %d are needed", bytes,
		         SECRET_MIN_BYTES);
		return msg;
	}
	if (bytes > WHSIG_KEY_MAX) {
		snprintf(msg, size, "decodes to %zu bytes; at most %d are allowed", bytes,
		         WHSIG_KEY_MAX);
		return msg;
	}
	/* the very decoder the outbox signs with: harkd -n and harkd agree */
	if (whsig_secret_decode(s0, key, sizeof(key)) < 0)
		return "is not 'whsec_' followed by base64";
	return NULL;
}

/* An http:// or https:// URL with a host, by libcurl's parser. */
static const char *
url_check(const char *s, char *msg, size_t size)
{
	CURLU *u = curl_url();
	CURLUcode rc;
	char *scheme = NULL, *host = NULL;
	const char *why = NULL;

	if (u == NULL)
		return "out of memory";
	rc = curl_url_set(u, CURLUPART_URL, s, 0);
	if (strstr(s, "://") == NULL) {
		/* curl would say "Bad scheme" of "example.org/rss" */
		why = "is not an http:// or https:// URL";
	} else if (rc != CURLUE_OK) {
		snprintf(msg, size, "is not a URL (%s)", curl_url_strerror(rc));
		why = msg;
	} else if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	           (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
		why = "is not an http:// or https:// URL";
	} else if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || *host == '\0') {
		why = "has no host";
	}
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return why;
}

/* ---- paths ---- */

/*
 * Lexically clean an absolute path: no "." or ".." components, no doubled
 * or trailing slashes. In place; the result is never longer.
 */
static void
path_clean(char *s)
{
	char *w = s, *r = s;

	while (*r != '\0') {
		char *e;
		size_t len;

		while (*r == '/')
			r++;
		if (*r == '\0')
			break;
		e = strchr(r, '/');
		len = e ? (size_t)(e - r) : strlen(r);
		if (len == 1 && r[0] == '.') {
			/* nothing */
		} else if (len == 2 && r[0] == '.' && r[1] == '.') {
			while (w > s && *--w != '/')
				;
		} else {
			*w++ = '/';
			memmove(w, r, len);
			w += len;
		}
		r += len;
	}
	if (w == s)
		*w++ = '/';
	*w = '\0';
}

/* v made absolute against the configuration's directory. Returns owned. */
static char *
conf_abspath(struct cparse *p, const char *v)
{
	char *s;

	if (v[0] == '/')
		s = strdup(v);
	else if (asprintf(&s, "%s/%s", p->dir, v) < 0)
		s = NULL;
	if (s == NULL)
		p->oom = 1;
	else
		path_clean(s);
	return s;
}

/* The absolute directory of the file path (resolved: ".." after it is then right). */
static char *
conf_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir, *real, *cwd, *s;

	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir == NULL)
		return NULL;
	real = realpath(dir, NULL);
	if (real != NULL) {
		free(dir);
		return real;
	}
	if (dir[0] == '/')
		return dir;
	cwd = getcwd(NULL, 0);
	if (cwd == NULL || asprintf(&s, "%s/%s", cwd, dir) < 0)
		s = NULL;
	free(cwd);
	free(dir);
	if (s != NULL)
		path_clean(s);
	return s;
}

static int
strcmp_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- keys of [hark] ---- */

/*
 * rules = globs, space or comma separated. A file named without a wildcard
 * must exist (a typo is an error). A wildcard that matches nothing is an
 * error for whoever runs the rules (CONF_RULES: harkd, harkd -n, a reload,
 * hark check): else moving the last file out of rules.d/ and a SIGHUP
 * would stop every alert without a word. For the other commands (status,
 * hits, ingest on a fresh install with an empty rules.d/) it stays a
 * warning.
 */
static void
hark_rules(struct cparse *p, struct cval *v)
{
	struct conf *c = p->c;
	char *save = NULL;

	for (char *w = strtok_r(v->s, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
		char *pat = conf_abspath(p, w);
		glob_t g;
		int rc;

		if (pat == NULL)
			return;
		rc = glob(pat, 0, NULL, &g);
		free(pat);
		if (rc == GLOB_NOMATCH && strpbrk(w, "*?[") != NULL &&
		    (p->flags & CONF_RULES) != 0) {
			diags_add(p->d, p->path, v->line, v->col, DIAG_ERROR,
			          "rules: '%s' matches no file", w);
			continue;
		}
		if (rc == GLOB_NOMATCH && strpbrk(w, "*?[") != NULL) {
			diags_add(p->d, p->path, v->line, v->col, DIAG_WARNING,
			          "rules: '%s' matches no file: no rules from it", w);
			continue;
		}
		if (rc == GLOB_NOMATCH) {
			diags_add(p->d, p->path, v->line, v->col, DIAG_ERROR,
			          "rules: '%s': no such file", w);
			continue;
		}
		if (rc != 0) {
			diags_add(p->d, p->path, v->line, v->col, DIAG_ERROR, "rules: '%s': %s", w,
			          rc == GLOB_NOSPACE ? "out of memory" : "cannot read a directory");
			continue;
		}
		char **np = realloc(c->rules, (c->nrules + g.gl_pathc) * sizeof(*np));
		if (np == NULL) {
			globfree(&g);
			p->oom = 1;
			return;
		}
		c->rules = np;
		for (size_t i = 0; i < g.gl_pathc; i++) {
			char *s = strdup(g.gl_pathv[i]);

			if (s == NULL) {
				p->oom = 1;
				break;
			}
			c->rules[c->nrules++] = s;
		}
		globfree(&g);
	}
	/* sorted, each once: two globs may name the same file */
	if (c->nrules > 1) {
		size_t o = 1;

		qsort(c->rules, c->nrules, sizeof(*c->rules), strcmp_ptr);
		for (size_t i = 1; i < c->nrules; i++) {
			if (strcmp(c->rules[i], c->rules[o - 1]) == 0)
				free(c->rules[i]);
			else
				c->rules[o++] = c->rules[i];
		}
		c->nrules = o;
	}
}

/*
 * languages = en fr ar: the prior of language identification (lang.h),
 * space or comma separated, each an ISO 639-1 code CLD2 can name. Kept
 * lower-case, space-separated, each once.
 */
static void
hark_languages(struct cparse *p, struct cval *v)
{
	struct conf *c = p->c;
	char buf[LANG_PRIOR_MAX], *save = NULL;
	size_t k = 0;

	buf[0] = '\0';
	for (char *w = strtok_r(v->s, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
		char code[3];

		if (strlen(w) != 2 || !isascii((unsigned char)w[0]) ||
		    !isascii((unsigned char)w[1])) {
			conf_err(p, v->line, v->col,
			         "languages: '%.40s' is not an ISO 639-1 code (two letters: en fr "
			         "ar...)",
			         w);
			continue;
		}
		code[0] = (char)tolower((unsigned char)w[0]);
		code[1] = (char)tolower((unsigned char)w[1]);
		code[2] = '\0';
		if (!lang_prior_ok(code)) {
			conf_err(p, v->line, v->col,
			         "languages: '%.40s' is not the ISO 639-1 code of a language hark "
			         "can identify",
			         w);
			continue;
		}
		for (size_t i = 0; i + 1 < k; i += 3)
			if (buf[i] == code[0] && buf[i + 1] == code[1])
				goto next; /* named twice: once is enough */
		if (k + 4 > sizeof(buf)) {
			conf_err(p, v->line, v->col, "languages: too many languages");
			return;
		}
		if (k > 0)
			buf[k++] = ' ';
		memcpy(buf + k, code, 3);
		k += 2;
	next:;
	}
	free(c->languages);
	c->languages = NULL;
	if (k > 0 && (c->languages = strdup(buf)) == NULL)
		p->oom = 1;
}

static void
hark_key(struct cparse *p, int k, struct cval *v)
{
	struct conf *c = p->c;
	int64_t keep;
	size_t size;
	bool b;
	int lvl;

	switch (k) {
	case H_STATE_DIR:
	case H_SPOOL_DIR: {
		char **dst = k == H_STATE_DIR ? &c->state_dir : &c->spool_dir;
		char *s = conf_abspath(p, v->s);

		if (s != NULL) {
			free(*dst);
			*dst = s;
		}
		break;
	}
	case H_RULES:
		if ((p->flags & CONF_NORULES) == 0)
			hark_rules(p, v);
		break;
	case H_KEEP_DONE:
		/* yes (for ever), no (deleted once stored), or how long */
		if (parse_bool(v->s, &b) == 0) {
			c->keep_done = b;
			c->keep_done_for = 0;
		} else if (conf_parse_keep(v->s, &keep) == 0) {
			c->keep_done = true;
			c->keep_done_for = keep;
		} else {
			conf_err(
			    p, v->line, v->col,
			    "keep_done: '%.40s' is not yes, no, forever or a duration of at least "
			    "1m (12h 30d 8w)",
			    v->s);
		}
		break;
	case H_KEEP_ARTICLES:
	case H_KEEP_HITS:
	case H_KEEP_FAILED:
		if (conf_parse_keep(v->s, &keep) < 0) {
			conf_err(
			    p, v->line, v->col,
			    "%s: '%.40s' is not forever or a duration of at least 1m (12h 30d 8w)",
			    keys_hark[k], v->s);
		} else if (k == H_KEEP_ARTICLES) {
			c->keep_articles = keep;
		} else if (k == H_KEEP_HITS) {
			c->keep_hits = keep;
			/* store_hit_alerted() looks for the group's hits of the last 7 days */
			if (keep != 0 && keep < 7 * 86400)
				diags_add(p->d, p->path, v->line, v->col, DIAG_WARNING,
				          "keep_hits: '%.40s' is under 7d: a near duplicate of an "
				          "article whose hits are gone alerts again",
				          v->s);
		} else {
			c->keep_failed = keep;
		}
		break;
	case H_MAX_DOC:
		if (conf_parse_size(v->s, &size) < 0) {
			conf_err(p, v->line, v->col,
			         "max_document_size: '%.40s' is not a size (16M 512K 1G or bytes)",
			         v->s);
		} else if (size < (1u << 10) || size > (1u << 30)) {
			conf_err(p, v->line, v->col,
			         "max_document_size: '%.40s' is not between 1K and 1G", v->s);
		} else {
			c->max_document_size = size;
		}
		break;
	case H_LOG_LEVEL:
		lvl = parse_log_level(v->s);
		if (lvl < 0) {
			conf_err(p, v->line, v->col,
			         "log_level: '%.40s' is not one of error warning info debug", v->s);
		} else {
			c->log_level = lvl;
		}
		break;
	case H_LANGUAGES:
		hark_languages(p, v);
		break;
	}
}

/* ---- keys of [feed NAME] ---- */

static void
feed_key(struct cparse *p, int k, struct cval *v)
{
	struct conf_feed *f = &p->c->feeds[p->c->nfeeds - 1];
	char why[160];
	const char *bad;
	unsigned long secs;

	switch (k) {
	case F_URL:
		if ((bad = url_check(v->s, why, sizeof why)) != NULL) {
			conf_err(p, v->line, v->col, "url: '%.200s' %s", v->s, bad);
		} else if ((f->url = strdup(v->s)) == NULL) {
			p->oom = 1;
		}
		break;
	case F_INTERVAL:
		if (conf_parse_duration(v->s, &secs) < 0 || secs > UINT_MAX) {
			conf_err(p, v->line, v->col,
			         "interval: '%.40s' is not a duration (90s 15m 2h 1d)", v->s);
		} else if (secs < 60) {
			conf_err(p, v->line, v->col, "interval: '%.40s' is less than 1m", v->s);
		} else {
			f->interval = (unsigned)secs;
		}
		break;
	case F_LANG:
		if (strlen(v->s) != 2 || !isalpha((unsigned char)v->s[0]) ||
		    !isalpha((unsigned char)v->s[1]) || !isascii((unsigned char)v->s[0]) ||
		    !isascii((unsigned char)v->s[1])) {
			conf_err(p, v->line, v->col,
			         "lang: '%.40s' is not an ISO 639-1 code (two letters)", v->s);
		} else {
			char lwhy[256];

			f->lang[0] = (char)tolower((unsigned char)v->s[0]);
			f->lang[1] = (char)tolower((unsigned char)v->s[1]);
			f->lang[2] = '\0';
			/* jp, gr: a country's code; as a declared language it counts for nothing */
			if (lang_code_check(f->lang, lwhy, sizeof(lwhy)) < 0)
				diags_add(
				    p->d, p->path, v->line, v->col, DIAG_WARNING,
				    "lang: %s: the feed's articles are taken as declaring none",
				    lwhy);
		}
		break;
	case F_ALLOW_PRIVATE: {
		bool b;

		if (parse_bool(v->s, &b) < 0) {
			conf_err(p, v->line, v->col,
			         "allow_private: '%.40s' is not a boolean (yes no true false on "
			         "off 1 0)",
			         v->s);
		} else {
			f->allow_private = b;
		}
		break;
	}
	case F_FETCH_ARTICLE: {
		bool b;

		if (parse_bool(v->s, &b) < 0) {
			conf_err(p, v->line, v->col,
			         "fetch_article: '%.40s' is not a boolean (yes no true false on "
			         "off 1 0)",
			         v->s);
		} else {
			f->fetch_article = b;
		}
		break;
	}
	}
}

/* ---- keys of [webhook NAME] ---- */

/*
 * Read a file holding a secret (a webhook's secret_file and url_file,
 * [http] token_file): a regular file (never block on a FIFO), at most
 * SECRET_FILE_MAX bytes, without NUL bytes, trimmed. Accessible to others
 * (any o bit) is a warning, or an error when others_error. Returns the
 * text (owned by the caller, explicit_bzero it) or NULL after a diagnostic
 * naming key; *path gets the absolute path (owned) either way, or NULL.
 *
 * Without CONF_SECRETS or CONF_SECRETS_TRY the file is not opened at all
 * (not even stat'd: a member of group hark may be unable to reach it) and
 * NULL is returned with no diagnostic; with CONF_SECRETS_TRY (hark check)
 * a file this user may not read is no error either. Either way it is
 * counted in secrets_unread. Every key that names a secret file goes
 * through here, so that harkd, harkd -n and hark check judge each the same
 * way, with the same words.
 */
static char *
secret_file_read(struct cparse *p, const char *key, struct cval *v, int others_error, char **path)
{
	char err[512], *s;
	unsigned mode;

	if ((*path = conf_abspath(p, v->s)) == NULL)
		return NULL;
	if (!(p->flags & (CONF_SECRETS | CONF_SECRETS_TRY))) {
		p->c->secrets_unread++;
		return NULL;
	}
	if ((s = secret_file_load(*path, key, v->s, SECRET_FILE_MAX, &mode, err, sizeof err)) ==
	    NULL) {
		/* harkd's to read: what this user may not see is not the file's fault */
		if (!(p->flags & CONF_SECRETS) && errno == EACCES)
			p->c->secrets_unread++;
		else
			conf_err(p, v->line, v->col, "%s", err);
		return NULL;
	}
	if ((mode & 007) != 0) {
		diags_add(p->d, p->path, v->line, v->col, others_error ? DIAG_ERROR : DIAG_WARNING,
		          "%s: '%.200s' is accessible to others (mode %04o); chmod o= it", key,
		          v->s, mode);
		if (others_error) {
			explicit_bzero(s, strlen(s));
			free(s);
			return NULL;
		}
	}
	return s;
}

static void
webhook_secret_file(struct cparse *p, struct conf_webhook *w, struct cval *v)
{
	char why[96], *s = secret_file_read(p, "secret_file", v, 0, &w->secret_file);
	const char *bad;

	if (s == NULL)
		return;
	if ((bad = secret_check(s, why, sizeof why)) != NULL) {
		conf_err(p, v->line, v->col, "secret_file: the secret in '%.200s' %s", v->s, bad);
		explicit_bzero(s, strlen(s));
		free(s);
		return;
	}
	w->secret = s;
}

/*
 * url_file: the webhook's address in a file, for chat webhooks whose URL
 * is the credential (Slack, Discord). Diagnostics never quote the URL.
 */
static void
webhook_url_file(struct cparse *p, struct conf_webhook *w, struct cval *v)
{
	char why[160], *s = secret_file_read(p, "url_file", v, 0, &w->url_file);
	const char *bad;

	if (s == NULL)
		return;
	if ((bad = url_check(s, why, sizeof why)) != NULL) {
		/* url_check's "is not a URL (...)" names curl's reason, not the text */
		conf_err(p, v->line, v->col, "url_file: the URL in '%.200s' %s", v->s, bad);
		explicit_bzero(s, strlen(s));
		free(s);
		return;
	}
	w->url = s;
}

/* Rule-id globs: the characters of rule ids and of fnmatch(3). */
static int
rule_glob_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      strchr("_.-*?[]!", *s) != NULL))
			return 0;
	return 1;
}

/* rules = GLOB...: into *rules, *nrules (a webhook's or an email's) */
static void
dest_rules(struct cparse *p, char ***rules, size_t *nrules, struct cval *v)
{
	char *save = NULL;

	for (size_t i = 0; i < *nrules; i++)
		free((*rules)[i]);
	*nrules = 0;
	for (char *g = strtok_r(v->s, " \t,", &save); g; g = strtok_r(NULL, " \t,", &save)) {
		char **np, *s;

		if (!rule_glob_ok(g)) {
			conf_err(p, v->line, v->col,
			         "rules: '%.40s' is not a glob of rule ids (a-z 0-9 _ . - * ? [ ])",
			         g);
			continue;
		}
		np = realloc(*rules, (*nrules + 1) * sizeof(*np));
		s = strdup(g);
		if (np == NULL || s == NULL) {
			if (np != NULL)
				*rules = np;
			free(s);
			p->oom = 1;
			return;
		}
		*rules = np;
		(*rules)[(*nrules)++] = s;
	}
}

static void
webhook_key(struct cparse *p, int k, struct cval *v)
{
	struct conf_webhook *w = &p->c->webhooks[p->c->nwebhooks - 1];
	char why[160];
	const char *bad;
	size_t i;

	switch (k) {
	case W_URL:
		if ((bad = url_check(v->s, why, sizeof why)) != NULL) {
			conf_err(p, v->line, v->col, "url: '%.200s' %s", v->s, bad);
		} else if ((w->url = strdup(v->s)) == NULL) {
			p->oom = 1;
		}
		break;
	case W_FORMAT:
		for (i = 0; webhook_formats[i] != NULL; i++)
			if (strcmp(v->s, webhook_formats[i]) == 0)
				break;
		if (webhook_formats[i] == NULL) {
			conf_err(p, v->line, v->col,
			         "format: '%.40s' is not one of standard slack discord ntfy", v->s);
		} else {
			free(w->format);
			if ((w->format = strdup(v->s)) == NULL)
				p->oom = 1;
		}
		break;
	case W_SECRET:
		if ((bad = secret_check(v->s, why, sizeof why)) != NULL) {
			conf_err(p, v->line, v->col, "secret: %s", bad);
		} else if ((w->secret = strdup(v->s)) == NULL) {
			p->oom = 1;
		}
		break;
	case W_SECRET_FILE:
		webhook_secret_file(p, w, v);
		break;
	case W_URL_FILE:
		webhook_url_file(p, w, v);
		break;
	case W_RULES:
		dest_rules(p, &w->rules, &w->nrules, v);
		break;
	case W_TOPIC:
		for (i = 0; v->s[i] != '\0'; i++)
			if (!isascii((unsigned char)v->s[i]) ||
			    !(isalnum((unsigned char)v->s[i]) || v->s[i] == '-' || v->s[i] == '_'))
				break;
		if (v->s[i] != '\0' || i > 64) {
			conf_err(p, v->line, v->col,
			         "topic: '%.40s' is not an ntfy topic (letters, digits, - _; at "
			         "most 64)",
			         v->s);
		} else if ((w->topic = strdup(v->s)) == NULL) {
			p->oom = 1;
		}
		break;
	case W_DIGEST: {
		struct digest_period dp;

		if (digest_parse(v->s, &dp, why, sizeof why) < 0) {
			conf_err(p, v->line, v->col, "digest: '%.40s' %s", v->s, why);
		} else {
			free(w->digest);
			if ((w->digest = strdup(v->s)) == NULL)
				p->oom = 1;
		}
		break;
	}
	case W_MAX_PER_MINUTE: {
		unsigned long n = 0;

		for (i = 0; v->s[i] >= '0' && v->s[i] <= '9' && n <= MAX_PER_MINUTE_MAX; i++)
			n = n * 10 + (unsigned long)(v->s[i] - '0');
		if (v->s[i] != '\0' || n == 0 || n > MAX_PER_MINUTE_MAX) {
			conf_err(p, v->line, v->col,
			         "max_per_minute: '%.40s' is not a positive integer (at most %d)",
			         v->s, MAX_PER_MINUTE_MAX);
		} else {
			w->max_per_minute = (unsigned)n;
		}
		break;
	}
	}
}

/* ---- keys of [email NAME] ---- */

/*
 * smtp = smtp://host[:port] or smtps://host[:port]: nothing else (no path,
 * no user in the URL: user and password_file say it). Sets tls_required:
 * smtps always, smtp unless the host is a loopback address (a local MTA).
 */
static const char *
smtp_check(const char *s, bool *tls_required, char *msg, size_t size)
{
	CURLU *u = curl_url();
	CURLUcode rc;
	char *scheme = NULL, *host = NULL, *path = NULL, *user = NULL, *query = NULL;
	const char *why = NULL;
	unsigned char a[16];

	if (u == NULL)
		return "out of memory";
	rc = curl_url_set(u, CURLUPART_URL, s, 0);
	if (strstr(s, "://") == NULL) {
		why = "is not an smtp:// or smtps:// URL";
	} else if (rc != CURLUE_OK) {
		snprintf(msg, size, "is not a URL (%s)", curl_url_strerror(rc));
		why = msg;
	} else if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	           (strcmp(scheme, "smtp") != 0 && strcmp(scheme, "smtps") != 0)) {
		why = "is not an smtp:// or smtps:// URL";
	} else if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || *host == '\0') {
		why = "has no host";
	} else if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK) {
		why = "has a user in it (use the keys user and password_file)";
	} else if ((curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK &&
	            strcmp(path, "/") != 0 && *path != '\0') ||
	           curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK) {
		why = "has a path or query (only smtp://host:port)";
	} else {
		char h[64];
		size_t hl = strlen(host);

		/* curl gives an IPv6 host in brackets */
		if (hl >= 2 && host[0] == '[' && hl - 2 < sizeof(h)) {
			memcpy(h, host + 1, hl - 2);
			h[hl - 2] = '\0';
		} else {
			snprintf(h, sizeof(h), "%s", host);
		}
		*tls_required = true;
		if (strcmp(scheme, "smtp") == 0 &&
		    (strcmp(h, "localhost") == 0 ||
		     (inet_pton(AF_INET, h, a) == 1 && a[0] == 127) || strcmp(h, "::1") == 0))
			*tls_required = false;
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(path);
	curl_free(user);
	curl_free(query);
	curl_url_cleanup(u);
	return why;
}

static void
email_key(struct cparse *p, int k, struct cval *v)
{
	struct conf_email *m = &p->c->emails[p->c->nemails - 1];
	char why[200], *s;
	const char *bad;
	struct mailaddr one, *list;
	int n;

	switch (k) {
	case E_SMTP:
		if ((bad = smtp_check(v->s, &m->tls_required, why, sizeof why)) != NULL) {
			conf_err(p, v->line, v->col, "smtp: '%.200s' %s", v->s, bad);
		} else if ((m->smtp = strdup(v->s)) == NULL) {
			p->oom = 1;
		}
		break;
	case E_USER:
		for (s = v->s; *s != '\0'; s++)
			if ((unsigned char)*s < 0x20 || *s == 0x7f)
				break;
		if (*s != '\0' || strlen(v->s) > 256) {
			conf_err(p, v->line, v->col,
			         "user: has a control character or is too long");
		} else if ((m->user = strdup(v->s)) == NULL) {
			p->oom = 1;
		}
		break;
	case E_PASSWORD_FILE:
		/* mode rules as a webhook's secret_file: others reading it is a warning */
		if ((s = secret_file_read(p, "password_file", v, 0, &m->password_file)) == NULL)
			break;
		if (*s == '\0' || strpbrk(s, "\r\n") != NULL) {
			conf_err(p, v->line, v->col,
			         "password_file: '%.200s' does not hold one line of password",
			         v->s);
			explicit_bzero(s, strlen(s));
			free(s);
		} else {
			m->password = s;
		}
		break;
	case E_CA_FILE:
		if ((m->ca_file = conf_abspath(p, v->s)) != NULL && access(m->ca_file, R_OK) != 0)
			conf_err(p, v->line, v->col, "ca_file: '%.200s': %s", v->s,
			         strerror(errno));
		break;
	case E_FROM:
		if (mailaddr_parse(v->s, strlen(v->s), &one, why, sizeof why) < 0) {
			conf_err(p, v->line, v->col, "from: '%.200s' %s", v->s, why);
		} else if ((m->from = strdup(v->s)) == NULL) {
			p->oom = 1;
		}
		break;
	case E_TO:
		if ((n = mailaddr_list_parse(v->s, &list, why, sizeof why)) < 0) {
			conf_err(p, v->line, v->col, "to: %s", why);
		} else {
			free(list);
			if ((m->to = strdup(v->s)) == NULL)
				p->oom = 1;
		}
		break;
	case E_RULES:
		dest_rules(p, &m->rules, &m->nrules, v);
		break;
	case E_DIGEST: {
		struct digest_period dp;

		if (digest_parse(v->s, &dp, why, sizeof why) < 0) {
			conf_err(p, v->line, v->col, "digest: '%.40s' %s", v->s, why);
		} else {
			free(m->digest);
			if ((m->digest = strdup(v->s)) == NULL)
				p->oom = 1;
		}
		break;
	}
	}
}

/* ---- keys of [http] ---- */

int
conf_parse_listen(const char *s, struct conf_listen *out, char *why, size_t whysz)
{
	const char *hs, *he, *colon;
	unsigned long port = 0;
	unsigned char a[16];
	size_t hl;

	memset(out, 0, sizeof(*out));
	if (*s == '[') {
		hs = s + 1;
		if ((he = strchr(hs, ']')) == NULL || he[1] != ':') {
			snprintf(why, whysz, "is not [IPv6]:port");
			return -1;
		}
		colon = he + 1;
	} else {
		hs = s;
		if ((colon = strrchr(s, ':')) == NULL || memchr(s, ':', (size_t)(colon - s))) {
			snprintf(why, whysz, "is not host:port or [IPv6]:port");
			return -1;
		}
		he = colon;
	}
	hl = (size_t)(he - hs);
	if (hl == 0 || hl >= sizeof(out->host)) {
		snprintf(why, whysz, "has no host");
		return -1;
	}
	if (colon[1] == '\0') {
		snprintf(why, whysz, "has no port");
		return -1;
	}
	for (const char *q = colon + 1; *q != '\0'; q++) {
		if (*q < '0' || *q > '9' || port > 65535) {
			port = 65536;
			break;
		}
		port = port * 10 + (unsigned long)(*q - '0');
	}
	if (port > 65535) {
		snprintf(why, whysz, "has a bad port (0 to 65535)");
		return -1;
	}
	out->port = (unsigned)port;
	memcpy(out->host, hs, hl);
	out->host[hl] = '\0';
	if (strcmp(out->host, "localhost") == 0)
		snprintf(out->host, sizeof(out->host), "127.0.0.1");
	if (*s != '[' && inet_pton(AF_INET, out->host, a) == 1) {
		out->loopback = a[0] == 127;
	} else if (*s == '[' && inet_pton(AF_INET6, out->host, a) == 1) {
		static const unsigned char lo[16] = {[15] = 1};
		static const unsigned char v4[12] = {[10] = 0xff, [11] = 0xff};

		out->loopback = memcmp(a, lo, 16) == 0 || (memcmp(a, v4, 12) == 0 && a[12] == 127);
	} else {
		/* a name would be resolved at each start: what is bound must be plain */
		snprintf(why, whysz,
		         "is not a numeric address (an IPv4 address, [IPv6] or localhost)");
		return -1;
	}
	return 0;
}

static void
http_listen(struct cparse *p, struct cval *v)
{
	struct conf_http *h = &p->c->http;
	char *save = NULL, why[128];

	h->listen_line = v->line;
	h->listen_col = v->col;
	for (char *a = strtok_r(v->s, " \t", &save); a; a = strtok_r(NULL, " \t", &save)) {
		struct conf_listen l;

		if (conf_parse_listen(a, &l, why, sizeof why) < 0) {
			conf_err(p, v->line, v->col, "listen: '%.80s' %s", a, why);
			continue;
		}
		if (h->nlisten >= HTTP_LISTEN_MAX) {
			conf_err(p, v->line, v->col, "listen: more than %d addresses",
			         HTTP_LISTEN_MAX);
			return;
		}
		if (h->listen == NULL &&
		    (h->listen = calloc(HTTP_LISTEN_MAX, sizeof(*h->listen))) == NULL) {
			p->oom = 1;
			return;
		}
		h->listen[h->nlisten++] = l;
	}
}

static void
http_key(struct cparse *p, int k, struct cval *v)
{
	struct conf_http *h = &p->c->http;
	char why[160], *s;
	const char *bad;

	switch (k) {
	case P_LISTEN:
		http_listen(p, v);
		break;
	case P_TOKEN_FILE:
		/* the token opens everything: readable by others is an error, not a warning */
		if ((s = secret_file_read(p, "token_file", v, 1, &h->token_file)) == NULL)
			break;
		bad = NULL;
		if (strlen(s) < TOKEN_MIN)
			bad = "is shorter than 32 characters";
		for (const char *q = s; bad == NULL && *q != '\0'; q++)
			if ((unsigned char)*q <= ' ' || (unsigned char)*q >= 0x7f)
				bad = "is not one line of printable ASCII without blanks";
		if (bad != NULL) {
			conf_err(p, v->line, v->col, "token_file: the token in '%.200s' %s", v->s,
			         bad);
			explicit_bzero(s, strlen(s));
			free(s);
		} else {
			h->token = s;
		}
		break;
	case P_BASE_URL:
		if ((bad = url_check(v->s, why, sizeof why)) != NULL) {
			conf_err(p, v->line, v->col, "base_url: '%.200s' %s", v->s, bad);
		} else if ((h->base_url = strdup(v->s)) == NULL) {
			p->oom = 1;
		}
		break;
	}
}

/* ---- sections ---- */

/* The checks that need the whole section: required keys, combinations. */
static void
sect_end(struct cparse *p)
{

	switch (p->sect) {
	case S_HARK:
		memcpy(p->hark_seen, p->seen, sizeof p->seen);
		break;
	case S_FEED:
		if (!p->seen[F_URL]) {
			conf_err(p, p->sect_line, 1, "%s has no 'url'", p->label);
		}
		break;
	case S_WEBHOOK: {
		struct conf_webhook *w = &p->c->webhooks[p->c->nwebhooks - 1];

		if (!p->seen[W_URL] && !p->seen[W_URL_FILE]) {
			conf_err(p, p->sect_line, 1, "%s has no 'url' or 'url_file'", p->label);
		}
		if (w->format != NULL && strcmp(w->format, "ntfy") == 0 && !p->seen[W_TOPIC]) {
			conf_err(p, p->sect_line, 1, "%s has format = ntfy but no 'topic'",
			         p->label);
		}
		if (p->seen[W_TOPIC] && p->seen[W_FORMAT] && w->format != NULL &&
		    strcmp(w->format, "ntfy") != 0)
			diags_add(p->d, p->path, p->seen[W_TOPIC], 1, DIAG_WARNING,
			          "topic is only used with format = ntfy");
		break;
	}
	case S_EMAIL:
		if (!p->seen[E_SMTP])
			conf_err(p, p->sect_line, 1, "%s has no 'smtp'", p->label);
		if (!p->seen[E_FROM])
			conf_err(p, p->sect_line, 1, "%s has no 'from'", p->label);
		if (!p->seen[E_TO])
			conf_err(p, p->sect_line, 1, "%s has no 'to'", p->label);
		if (p->seen[E_USER] && !p->seen[E_PASSWORD_FILE])
			conf_err(p, p->seen[E_USER], 1, "%s has a user but no 'password_file'",
			         p->label);
		if (p->seen[E_PASSWORD_FILE] && !p->seen[E_USER])
			conf_err(p, p->seen[E_PASSWORD_FILE], 1,
			         "%s has a password_file but no 'user'", p->label);
		break;
	case S_HTTP: {
		struct conf_http *h = &p->c->http;

		if (!p->seen[P_LISTEN]) {
			conf_err(p, p->sect_line, 1, "[http] has no 'listen'");
			break;
		}
		/* HTTP.md: open to the network only behind a token */
		for (size_t i = 0; i < h->nlisten && !p->seen[P_TOKEN_FILE]; i++)
			if (!h->listen[i].loopback) {
				conf_err(
				    p, p->seen[P_LISTEN], 1,
				    "listen: %s%s%s:%u is not a loopback address: it needs "
				    "token_file",
				    strchr(h->listen[i].host, ':') ? "[" : "", h->listen[i].host,
				    strchr(h->listen[i].host, ':') ? "]" : "", h->listen[i].port);
				break;
			}
		break;
	}
	case S_NONE:
	case S_SKIP:
		break;
	}
	memset(p->seen, 0, sizeof p->seen);
}

int
conf_name_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isascii((unsigned char)*s) ||
		    !(isalnum((unsigned char)*s) || *s == '-' || *s == '_' || *s == '.'))
			return 0;
	return 1;
}

/*
 * A section header; h is the line from '[' (trimmed), col the column of
 * its '['. An unusable header turns the section into S_SKIP, whose keys are
 * not reported one by one.
 */
static void
sect_begin(struct cparse *p, char *h, unsigned line, unsigned col)
{
	struct conf *c = p->c;
	char *end = strchr(h, ']'), *in, *name, *rest;

	sect_end(p);
	p->sect = S_SKIP;
	p->sect_line = line;
	if (end == NULL) {
		conf_err(p, line, col, "section header without ']'");
		return;
	}
	*end = '\0';
	for (rest = end + 1; isspace((unsigned char)*rest); rest++)
		;
	if (*rest != '\0' && *rest != ';' && *rest != '#') {
		conf_err(p, line, col + (unsigned)(rest - h), "unexpected '%.40s' after ']'", rest);
		return;
	}
	for (in = h + 1; isspace((unsigned char)*in); in++)
		;
	for (char *e = end; e > in && isspace((unsigned char)e[-1]);)
		*--e = '\0';
	name = in + strcspn(in, " \t");
	if (*name != '\0')
		*name++ = '\0';
	while (isspace((unsigned char)*name))
		name++;

	if (strcmp(in, "hark") == 0 && *name == '\0') {
		if (p->hark_line != 0) {
			conf_err(p, line, col, "duplicate section [hark] (first at line %u)",
			         p->hark_line);
			return;
		}
		p->hark_line = line;
		p->sect = S_HARK;
		p->keys = keys_hark;
		snprintf(p->label, sizeof p->label, "[hark]");
		return;
	}
	if (strcmp(in, "http") == 0 && *name == '\0') {
		if (c->http.line != 0) {
			conf_err(p, line, col, "duplicate section [http] (first at line %u)",
			         c->http.line);
			return;
		}
		c->http.line = line;
		p->sect = S_HTTP;
		p->keys = keys_http;
		snprintf(p->label, sizeof p->label, "[http]");
		return;
	}
	if (strcmp(in, "feed") != 0 && strcmp(in, "webhook") != 0 && strcmp(in, "email") != 0) {
		conf_err(p, line, col,
		         "unknown section [%.40s%s%.40s] (known: [hark] [http] [feed NAME] "
		         "[webhook NAME] [email NAME])",
		         in, *name ? " " : "", name);
		return;
	}
	if (*name == '\0' || !conf_name_ok(name)) {
		if (*name == '\0')
			conf_err(p, line, col, "[%s] needs a name, as in [%s NAME]", in, in);
		else
			conf_err(p, line, col, "bad %s name '%.40s' (letters, digits, - _ .)", in,
			         name);
		return;
	}
	/* a rule's notify names a webhook or an email: one namespace */
	if (in[0] != 'f') {
		for (size_t i = 0; i < c->nwebhooks; i++)
			if (strcmp(c->webhooks[i].name, name) == 0) {
				conf_err(p, line, col,
				         "duplicate section [%s %.64s]: [webhook %.64s] at line %u "
				         "has that name",
				         in, name, name, c->webhooks[i].line);
				return;
			}
		for (size_t i = 0; i < c->nemails; i++)
			if (strcmp(c->emails[i].name, name) == 0) {
				conf_err(
				    p, line, col,
				    "duplicate section [%s %.64s]: [email %.64s] at line %u has "
				    "that name",
				    in, name, name, c->emails[i].line);
				return;
			}
	}
	if (in[0] == 'e') {
		struct conf_email *m = realloc(c->emails, (c->nemails + 1) * sizeof(*m));

		if (m == NULL) {
			p->oom = 1;
			return;
		}
		c->emails = m;
		m = &c->emails[c->nemails];
		memset(m, 0, sizeof *m);
		m->line = line;
		m->name = strdup(name);
		m->digest = strdup("no");
		m->rules = malloc(sizeof(*m->rules));
		if (m->rules != NULL && (m->rules[0] = strdup("*")) != NULL)
			m->nrules = 1;
		c->nemails++;
		if (m->name == NULL || m->digest == NULL || m->nrules == 0) {
			p->oom = 1;
			return;
		}
		p->sect = S_EMAIL;
		p->keys = keys_email;
	} else if (in[0] == 'f') {
		struct conf_feed *f;

		for (size_t i = 0; i < c->nfeeds; i++)
			if (strcmp(c->feeds[i].name, name) == 0) {
				conf_err(p, line, col,
				         "duplicate section [feed %.64s] (first at line %u)", name,
				         c->feeds[i].line);
				return;
			}
		f = realloc(c->feeds, (c->nfeeds + 1) * sizeof(*f));
		if (f == NULL) {
			p->oom = 1;
			return;
		}
		c->feeds = f;
		f = &c->feeds[c->nfeeds];
		memset(f, 0, sizeof *f);
		f->interval = 900;
		f->line = line;
		if ((f->name = strdup(name)) == NULL) {
			p->oom = 1;
			return;
		}
		c->nfeeds++;
		p->sect = S_FEED;
		p->keys = keys_feed;
	} else {
		struct conf_webhook *w;

		w = realloc(c->webhooks, (c->nwebhooks + 1) * sizeof(*w));
		if (w == NULL) {
			p->oom = 1;
			return;
		}
		c->webhooks = w;
		w = &c->webhooks[c->nwebhooks];
		memset(w, 0, sizeof *w);
		w->line = line;
		w->name = strdup(name);
		w->format = strdup("standard");
		w->rules = malloc(sizeof(*w->rules));
		if (w->rules != NULL && (w->rules[0] = strdup("*")) != NULL)
			w->nrules = 1;
		c->nwebhooks++;
		if (w->name == NULL || w->format == NULL || w->nrules == 0) {
			p->oom = 1;
			return;
		}
		p->sect = S_WEBHOOK;
		p->keys = keys_webhook;
	}
	snprintf(p->label, sizeof p->label, "[%s %.64s]", in, name);
}

/* One "key = value" line; raw is the whole line, for columns. */
static void
conf_keyline(struct cparse *p, const char *raw, char *line, unsigned lineno)
{
	char *eq = strchr(line, '='), *k, *v, *e;
	unsigned kcol = diag_col(raw, (size_t)(line - raw));
	struct cval val;
	int ki = -1;

	if (eq == NULL || eq == line) {
		conf_err(p, lineno, kcol, "expected 'key = value'");
		return;
	}
	for (e = eq; e > line && isspace((unsigned char)e[-1]); e--)
		;
	*e = '\0';
	k = line;
	if (p->sect == S_NONE) {
		conf_err(p, lineno, kcol, "key '%.40s' outside a section (start with [hark])", k);
		return;
	}
	if (p->sect == S_SKIP)
		return;
	for (int i = 0; p->keys[i] != NULL; i++)
		if (strcmp(p->keys[i], k) == 0)
			ki = i;
	if (ki < 0) {
		char known[128] = "";

		/* every key list fits: the longest is [webhook]'s, 60 bytes */
		for (int i = 0; p->keys[i] != NULL; i++) {
			strcat(known, " ");
			strcat(known, p->keys[i]);
		}
		conf_err(p, lineno, kcol, "unknown key '%.40s' in %s (known:%s)", k, p->label,
		         known);
		return;
	}
	if (p->seen[ki]) {
		conf_err(p, lineno, kcol, "duplicate key '%s' in %s (first at line %u)", k,
		         p->label, p->seen[ki]);
		return;
	}
	p->seen[ki] = lineno;

	/* the value: blanks around it and a " ; comment" after it are not part of it */
	for (v = eq + 1; isspace((unsigned char)*v); v++)
		;
	for (e = v; *e != '\0'; e++)
		if (*e == ';' && (e == v || isspace((unsigned char)e[-1]))) {
			*e = '\0';
			break;
		}
	for (e = v + strlen(v); e > v && isspace((unsigned char)e[-1]);)
		*--e = '\0';
	val.s = v;
	val.line = lineno;
	val.col = diag_col(raw, (size_t)(v - raw));
	if (*v == '\0') {
		conf_err(p, lineno, val.col, "%s: no value", k);
		return;
	}
	if (p->sect == S_HARK) {
		hark_key(p, ki, &val);
	} else if (p->sect == S_FEED) {
		feed_key(p, ki, &val);
	} else if (p->sect == S_HTTP) {
		http_key(p, ki, &val);
	} else if (p->sect == S_EMAIL) {
		email_key(p, ki, &val);
	} else {
		if ((ki == W_URL && p->seen[W_URL_FILE]) || (ki == W_URL_FILE && p->seen[W_URL])) {
			conf_err(p, lineno, kcol,
			         "url and url_file together in %s (the other at line %u); keep one",
			         p->label, p->seen[ki == W_URL ? W_URL_FILE : W_URL]);
			return;
		}
		if ((ki == W_SECRET && p->seen[W_SECRET_FILE]) ||
		    (ki == W_SECRET_FILE && p->seen[W_SECRET])) {
			conf_err(p, lineno, kcol,
			         "secret and secret_file together in %s (the other at line %u); "
			         "keep one",
			         p->label, p->seen[ki == W_SECRET ? W_SECRET_FILE : W_SECRET]);
			return;
		}
		webhook_key(p, ki, &val);
	}
}

static void
conf_parse(struct cparse *p, char *text, size_t len)
{
	char *line, *next;
	unsigned lineno = 0;

	/* a byte-order mark is not part of the first line */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		text += 3;
	/* split by hand: strtok_r would skip empty lines and lose the count */
	for (line = text; line != NULL && !p->oom; line = next) {
		char *nl = strchr(line, '\n'), *s, *e;

		next = nl ? nl + 1 : NULL;
		if (nl != NULL)
			*nl = '\0';
		lineno++;
		for (s = line; isspace((unsigned char)*s); s++)
			;
		for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]);)
			*--e = '\0';
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[')
			sect_begin(p, s, lineno, diag_col(line, (size_t)(s - line)));
		else
			conf_keyline(p, line, s, lineno);
	}
	sect_end(p);
}

/* ---- the interface ---- */

const char *
conf_find(const char *given)
{
	const char *env = getenv("HARK_CONFIG");

	if (given != NULL)
		return given;
	if (env != NULL && *env != '\0')
		return env;
	if (access("hark.conf", F_OK) == 0)
		return "hark.conf";
	if (access(HARK_CONF_DEFAULT, F_OK) == 0)
		return HARK_CONF_DEFAULT;
	return NULL;
}

void
conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	free(c->path);
	free(c->languages);
	free(c->state_dir);
	free(c->spool_dir);
	for (size_t i = 0; i < c->nrules; i++)
		free(c->rules[i]);
	free(c->rules);
	for (size_t i = 0; i < c->nfeeds; i++) {
		free(c->feeds[i].name);
		free(c->feeds[i].url);
	}
	free(c->feeds);
	for (size_t i = 0; i < c->nwebhooks; i++) {
		struct conf_webhook *w = &c->webhooks[i];

		free(w->name);
		if (w->url != NULL && w->url_file != NULL)
			explicit_bzero(w->url, strlen(w->url));
		free(w->url);
		free(w->url_file);
		free(w->format);
		if (w->secret != NULL)
			explicit_bzero(w->secret, strlen(w->secret));
		free(w->secret);
		free(w->secret_file);
		for (size_t j = 0; j < w->nrules; j++)
			free(w->rules[j]);
		free(w->rules);
		free(w->topic);
		free(w->digest);
	}
	free(c->webhooks);
	for (size_t i = 0; i < c->nemails; i++) {
		struct conf_email *m = &c->emails[i];

		free(m->name);
		free(m->smtp);
		free(m->user);
		if (m->password != NULL)
			explicit_bzero(m->password, strlen(m->password));
		free(m->password);
		free(m->password_file);
		free(m->ca_file);
		free(m->from);
		free(m->to);
		for (size_t j = 0; j < m->nrules; j++)
			free(m->rules[j]);
		free(m->rules);
		free(m->digest);
	}
	free(c->emails);
	free(c->http.listen);
	if (c->http.token != NULL)
		explicit_bzero(c->http.token, strlen(c->http.token));
	free(c->http.token);
	free(c->http.token_file);
	free(c->http.base_url);
	free(c);
}

void
conf_note_secrets(const struct conf *c, struct diags *d)
{
	size_t n = c->secrets_unread;

	if (n > 0)
		diags_add(d, c->path, 0, 0, DIAG_NOTE,
		          "%zu secret file%s not read: they are harkd's (harkd -n reads and checks "
		          "them)",
		          n, n == 1 ? "" : "s");
}

int
conf_load(const char *path, struct conf **out, struct diags *d)
{
	return conf_load_flags(path, 0, out, d);
}

int
conf_load_flags(const char *path, unsigned flags, struct conf **out, struct diags *d)
{
	struct cparse p;
	size_t errs = d->nerrors, len;
	char *text = NULL;
	int fd;

	*out = NULL;
	memset(&p, 0, sizeof p);
	p.path = path;
	p.d = d;
	p.flags = flags;
	fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || fd_read_all(fd, CONF_FILE_MAX, &text, &len) < 0) {
		diags_add(d, path, 0, 0, DIAG_ERROR, "cannot read configuration: %s",
		          errno == EFBIG ? "larger than 1M" : strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if (memchr(text, '\0', len) != NULL) {
		unsigned line = 1;

		for (const char *q = text; *q != '\0'; q++)
			line += *q == '\n';
		diags_add(d, path, line, 0, DIAG_ERROR, "NUL byte in the configuration");
		free(text);
		return -1;
	}
	p.c = calloc(1, sizeof *p.c);
	p.dir = conf_dir(path);
	if (p.c == NULL || p.dir == NULL)
		goto oom;
	p.c->path = strdup(path);
	p.c->state_dir = strdup("/var/lib/hark");
	p.c->spool_dir = strdup("/var/spool/hark");
	if (p.c->path == NULL || p.c->state_dir == NULL || p.c->spool_dir == NULL)
		goto oom;
	p.c->keep_done = true;
	p.c->keep_failed = 30 * 86400;
	p.c->max_document_size = 16u << 20;
	p.c->log_level = LOG_INFO;
	p.c->secrets = (flags & CONF_SECRETS) != 0;

	conf_parse(&p, text, len);
	if (p.oom)
		goto oom;
	if (p.hark_line == 0)
		diags_add(d, path, 0, 0, DIAG_ERROR, "no [hark] section");
	else if (!p.hark_seen[H_RULES] && (flags & CONF_NORULES) == 0)
		diags_add(d, path, p.hark_line, 1, DIAG_ERROR, "[hark] has no 'rules'");
	free(text);
	free(p.dir);
	if (d->nerrors > errs) {
		conf_free(p.c);
		return -1;
	}
	*out = p.c;
	return 0;
oom:
	diags_add(d, path, 0, 0, DIAG_ERROR, "out of memory");
	free(text);
	free(p.dir);
	conf_free(p.c);
	return -1;
}
