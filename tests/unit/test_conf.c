/*
 * test_conf.c: the configuration file (conf.c): values, defaults, paths
 * made absolute, and every error with its line and column. Each test writes
 * its files into a fresh mkdtemp directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"

#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

struct tdir {
	char path[64];
};

static void
write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* A directory with two rule files, a.rules and b.rules, and a subdirectory. */
static int
setup(void **state)
{
	struct tdir *t = calloc(1, sizeof *t);
	char sub[128];

	if (t == NULL)
		return -1;
	snprintf(t->path, sizeof t->path, "/tmp/hark-test-conf.XXXXXX");
	if (mkdtemp(t->path) == NULL)
		return -1;
	write_file(t->path, "a.rules", "[rule a]\nquery = a\n", 0644);
	write_file(t->path, "b.rules", "[rule b]\nquery = b\n", 0644);
	write_file(t->path, "bad.secret", "hunter2\n", 0600);
	snprintf(sub, sizeof sub, "%s/sub", t->path);
	if (mkdir(sub, 0755) < 0)
		return -1;
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct tdir *t = *state;
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->path);
	if (system(cmd) != 0)
		return -1;
	free(t);
	return 0;
}

/* Write text as NAME in t, load it; the diagnostics are left in d. */
static int
load(struct tdir *t, const char *name, const char *text, struct conf **c, struct diags *d)
{
	char path[256];

	write_file(t->path, name, text, 0644);
	snprintf(path, sizeof path, "%s/%s", t->path, name);
	diags_init(d);
	/* harkd's load: the secret files read and checked (test_tool_load: without) */
	return conf_load_flags(path, CONF_SECRETS, c, d);
}

static void
test_values(void **state)
{
	struct tdir *t = *state;
	struct conf *c;
	struct diags d;
	char want[256];

	write_file(t->path, "hook.secret", "\n  " SECRET "  \n", 0600);
	assert_int_equal(load(t, "hark.conf",
	                      "; a comment\n"
	                      "# another\n"
	                      "[hark]\n"
	                      "state_dir = ../state/./x/   ; where hark.db is\n"
	                      "spool_dir = /srv//spool\n"
	                      "rules = b.rules, *.rules sub\n"
	                      "keep_done = Off\n"
	                      "keep_articles = 90d\nkeep_hits = forever\nkeep_failed = 12h\n"
	                      "max_document_size = 512K\n"
	                      "log_level = debug\n"
	                      "\n"
	                      "[feed  world-1.en]\n"
	                      "url = https://example.org/world/rss.xml?a=1;b=2\n"
	                      "interval = 2h\n"
	                      "lang = FR\n"
	                      "allow_private = yes\n"
	                      "[feed other]\n"
	                      "url = http://example.net/\n"
	                      "[webhook newsroom]\n"
	                      "url = https://hooks.example.org/hark\n"
	                      "format = ntfy\n"
	                      "topic = hark-alerts\n"
	                      "secret_file = hook.secret\n"
	                      "rules = sanctions-* , people.?\n"
	                      "max_per_minute = 30\n"
	                      "[webhook plain]\n"
	                      "url = https://hooks.example.org/plain\n"
	                      "secret = " SECRET "\n",
	                      &c, &d),
	                 0);
	assert_int_equal(d.n, 0);
	assert_non_null(c);

	/* [hark]: paths absolute against the file's directory, cleaned */
	snprintf(want, sizeof want, "%s/hark.conf", t->path);
	assert_string_equal(c->path, want);
	snprintf(want, sizeof want, "%s", t->path);
	*strrchr(want, '/') = '\0';
	strcat(want, "/state/x");
	assert_string_equal(c->state_dir, want);
	assert_string_equal(c->spool_dir, "/srv/spool");
	/* b.rules named twice: once; sorted */
	assert_int_equal(c->nrules, 3);
	snprintf(want, sizeof want, "%s/a.rules", t->path);
	assert_string_equal(c->rules[0], want);
	snprintf(want, sizeof want, "%s/b.rules", t->path);
	assert_string_equal(c->rules[1], want);
	snprintf(want, sizeof want, "%s/sub", t->path);
	assert_string_equal(c->rules[2], want);
	assert_false(c->keep_done);
	assert_int_equal(c->keep_articles, 90 * 86400);
	assert_int_equal(c->keep_hits, 0);
	assert_int_equal(c->keep_failed, 12 * 3600);
	assert_int_equal(c->max_document_size, 512 * 1024);
	assert_int_equal(c->log_level, LOG_DEBUG);

	assert_int_equal(c->nfeeds, 2);
	assert_string_equal(c->feeds[0].name, "world-1.en");
	assert_string_equal(c->feeds[0].url, "https://example.org/world/rss.xml?a=1;b=2");
	assert_int_equal(c->feeds[0].interval, 7200);
	assert_string_equal(c->feeds[0].lang, "fr");
	assert_true(c->feeds[0].allow_private);
	assert_int_equal(c->feeds[0].line, 14);
	assert_string_equal(c->feeds[1].name, "other");
	assert_int_equal(c->feeds[1].interval, 900);
	assert_string_equal(c->feeds[1].lang, "");
	assert_false(c->feeds[1].allow_private);

	assert_int_equal(c->nwebhooks, 2);
	assert_string_equal(c->webhooks[0].name, "newsroom");
	assert_string_equal(c->webhooks[0].format, "ntfy");
	assert_string_equal(c->webhooks[0].topic, "hark-alerts");
	assert_string_equal(c->webhooks[0].secret, SECRET);
	snprintf(want, sizeof want, "%s/hook.secret", t->path);
	assert_string_equal(c->webhooks[0].secret_file, want);
	assert_int_equal(c->webhooks[0].nrules, 2);
	assert_string_equal(c->webhooks[0].rules[0], "sanctions-*");
	assert_string_equal(c->webhooks[0].rules[1], "people.?");
	assert_int_equal(c->webhooks[0].max_per_minute, 30);
	assert_int_equal(c->webhooks[0].line, 21);
	assert_string_equal(c->webhooks[1].format, "standard");
	assert_string_equal(c->webhooks[1].secret, SECRET);
	assert_null(c->webhooks[1].secret_file);
	assert_null(c->webhooks[1].topic);
	assert_int_equal(c->webhooks[1].nrules, 1);
	assert_string_equal(c->webhooks[1].rules[0], "*");
	assert_int_equal(c->webhooks[1].max_per_minute, 0);
	conf_free(c);
	diags_free(&d);
}

static void
test_defaults(void **state)
{
	struct tdir *t = *state;
	struct conf *c;
	struct diags d;

	/* a byte-order mark, CRLF lines, and only the one required key */
	assert_int_equal(load(t, "min.conf", "\xEF\xBB\xBF[hark]\r\nrules = a.rules\r\n", &c, &d),
	                 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(c->state_dir, "/var/lib/hark");
	assert_string_equal(c->spool_dir, "/var/spool/hark");
	assert_int_equal(c->nrules, 1);
	assert_true(c->keep_done);
	/* retention: everything for ever, but failed/ 30 days */
	assert_int_equal(c->keep_done_for, 0);
	assert_int_equal(c->keep_articles, 0);
	assert_int_equal(c->keep_hits, 0);
	assert_int_equal(c->keep_failed, 30 * 86400);
	assert_int_equal(c->max_document_size, 16u << 20);
	assert_int_equal(c->log_level, LOG_INFO);
	assert_int_equal(c->nfeeds, 0);
	assert_int_equal(c->nwebhooks, 0);
	assert_null(c->languages); /* no prior */
	conf_free(c);
	diags_free(&d);
	/* languages: lower case, space-separated, each once */
	assert_int_equal(
	    load(t, "lang.conf", "[hark]\nrules = a.rules\nlanguages = EN, fr\tar fr he\n", &c, &d),
	    0);
	assert_int_equal(d.n, 0);
	assert_string_equal(c->languages, "en fr ar he");
	conf_free(c);
	diags_free(&d);
}

static void
test_sizes_durations(void **state)
{
	static const struct {
		const char *s;
		int rc;
		size_t v;
	} sizes[] = {
	    {"16M", 0, 16u << 20},
	    {"512K", 0, 512u << 10},
	    {"1G", 0, 1u << 30},
	    {"100000", 0, 100000},
	    {"2k", 0, 2048},
	    {"0", 0, 0},
	    {"", -1, 0},
	    {"M", -1, 0},
	    {"16MB", -1, 0},
	    {"-1", -1, 0},
	    {" 1", -1, 0},
	    {"1.5M", -1, 0},
	    {"99999999999999999999", -1, 0},
	    {"99999999999G", -1, 0},
	};
	static const struct {
		const char *s;
		int rc;
		unsigned long v;
	} durs[] = {
	    {"90s", 0, 90},     {"15m", 0, 900},
	    {"2h", 0, 7200},    {"1d", 0, 86400},
	    {"45", 0, 45},      {"0", 0, 0},
	    {"", -1, 0},        {"3x", -1, 0},
	    {"m", -1, 0},       {"1h30m", -1, 0},
	    {"-5m", -1, 0},     {"15 m", -1, 0},
	    {"1D", -1, 0},      {"999999999999999999999d", -1, 0},
	    {"2w", 0, 1209600},
	};
	static const struct {
		const char *s;
		int rc;
		int64_t v;
	} keeps[] = {
	    {"forever", 0, 0},
	    {"90d", 0, 90 * 86400},
	    {"12h", 0, 43200},
	    {"1m", 0, 60},
	    {"8w", 0, 8 * 7 * 86400},
	    {"3600", 0, 3600},
	    {"59s", -1, 0},
	    {"0", -1, 0},
	    {"never", -1, 0},
	    {"Forever", -1, 0},
	    {"forever ", -1, 0},
	    {"", -1, 0},
	    {"-1d", -1, 0},
	    {"36600d", 0, 36600LL * 86400},
	    {"36601d", -1, 0},
	    {"36700000d", -1, 0},
	    {"1y", -1, 0},
	};
	(void)state;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		size_t v = 7;

		assert_int_equal(conf_parse_size(sizes[i].s, &v), sizes[i].rc);
		if (sizes[i].rc == 0)
			assert_int_equal(v, sizes[i].v);
	}
	for (size_t i = 0; i < sizeof durs / sizeof durs[0]; i++) {
		unsigned long v = 7;

		assert_int_equal(conf_parse_duration(durs[i].s, &v), durs[i].rc);
		if (durs[i].rc == 0)
			assert_int_equal(v, durs[i].v);
	}
	for (size_t i = 0; i < sizeof keeps / sizeof keeps[0]; i++) {
		int64_t v = 7;

		assert_int_equal(conf_parse_keep(keeps[i].s, &v), keeps[i].rc);
		assert_int_equal(v, keeps[i].rc == 0 ? keeps[i].v : 7);
	}
}

#define HARK "[hark]\nrules = a.rules\n"

/* Each text gives exactly one diagnostic, an error at line:col. */
static void
test_errors(void **state)
{
	static const struct {
		const char *text;
		unsigned line, col;
		const char *msg;
	} cases[] = {
	    {"[hark]\nrules = a.rules\n[hark]\n", 3, 1,
	     "duplicate section [hark] (first at line 1)"},
	    {HARK "[feeds x]\n", 3, 1,
	     "unknown section [feeds x] (known: [hark] [http] [feed NAME] [webhook NAME] [email "
	     "NAME])"},
	    {HARK "[feed world]\nurl = https://e.org/\n  intervall = 15m\n", 5, 3,
	     "unknown key 'intervall' in [feed world] (known: url interval lang allow_private "
	     "fetch_article)"},
	    {HARK "[webhook w]\nurl = https://e.org/\nsecrets = x\n", 5, 1,
	     "unknown key 'secrets' in [webhook w] (known: url url_file format secret secret_file rules "
	     "topic max_per_minute digest)"},
	    {"[hark]\nrule = a.rules\nrules = a.rules\n", 2, 1,
	     "unknown key 'rule' in [hark] (known: state_dir spool_dir rules keep_done "
	     "max_document_size log_level languages keep_articles keep_hits keep_failed)"},
	    {HARK "languages = en xx\n", 3, 13,
	     "languages: 'xx' is not the ISO 639-1 code of a language hark can identify"},
	    {HARK "languages = en, french\n", 3, 13,
	     "languages: 'french' is not an ISO 639-1 code (two letters: en fr ar...)"},
	    {"keep_done = yes\n" HARK, 1, 1,
	     "key 'keep_done' outside a section (start with [hark])"},
	    {HARK "rules = b.rules\n", 3, 1, "duplicate key 'rules' in [hark] (first at line 2)"},
	    {HARK "just words\n", 3, 1, "expected 'key = value'"},
	    {HARK "= x\n", 3, 1, "expected 'key = value'"},
	    {HARK "log_level =   ; nothing\n", 3, 15, "log_level: no value"},
	    {HARK "[hark\n", 3, 1, "section header without ']'"},
	    {HARK "[feed a] x\n", 3, 10, "unexpected 'x' after ']'"},
	    {HARK "[feed]\n", 3, 1, "[feed] needs a name, as in [feed NAME]"},
	    {HARK "[webhook a/b]\n", 3, 1, "bad webhook name 'a/b' (letters, digits, - _ .)"},
	    {HARK "[feed a]\nurl = http://e.org/\n[feed a]\nurl = http://e.org/\n", 5, 1,
	     "duplicate section [feed a] (first at line 3)"},
	    {HARK "keep_done = maybe\n", 3, 13,
	     "keep_done: 'maybe' is not yes, no, forever or a duration of at least 1m (12h 30d "
	     "8w)"},
	    {HARK "keep_articles = 30\n", 3, 17,
	     "keep_articles: '30' is not forever or a duration of at least 1m (12h 30d 8w)"},
	    {HARK "keep_hits = 1y\n", 3, 13,
	     "keep_hits: '1y' is not forever or a duration of at least 1m (12h 30d 8w)"},
	    {HARK "keep_failed = never\n", 3, 15,
	     "keep_failed: 'never' is not forever or a duration of at least 1m (12h 30d 8w)"},
	    {HARK "max_document_size = 16Q\n", 3, 21,
	     "max_document_size: '16Q' is not a size (16M 512K 1G or bytes)"},
	    {HARK "max_document_size = 2G\n", 3, 21,
	     "max_document_size: '2G' is not between 1K and 1G"},
	    {HARK "max_document_size = 1000\n", 3, 21,
	     "max_document_size: '1000' is not between 1K and 1G"},
	    {HARK "log_level = loud\n", 3, 13,
	     "log_level: 'loud' is not one of error warning info debug"},
	    {"[hark]\nrules = a.rules nope/x.rules\n", 2, 9, "rules: 'nope/x.rules': no such file"},
	    {"[hark]\nrules = /nonexistent/x.rules\n", 2, 9,
	     "rules: '/nonexistent/x.rules': no such file"},
	    {HARK "[feed f]\nurl = http://e.org/\ninterval = 30s\n", 5, 12,
	     "interval: '30s' is less than 1m"},
	    {HARK "[feed f]\nurl = http://e.org/\ninterval = 15x\n", 5, 12,
	     "interval: '15x' is not a duration (90s 15m 2h 1d)"},
	    {HARK "[feed f]\nurl = http://e.org/\nlang = eng\n", 5, 8,
	     "lang: 'eng' is not an ISO 639-1 code (two letters)"},
	    {HARK "[feed f]\nurl = http://e.org/\nallow_private = si\n", 5, 17,
	     "allow_private: 'si' is not a boolean (yes no true false on off 1 0)"},
	    {HARK "[feed f]\nurl = ftp://e.org/x\n", 4, 7,
	     "url: 'ftp://e.org/x' is not an http:// or https:// URL"},
	    {HARK "[feed f]\nurl = e.org/rss\n", 4, 7,
	     "url: 'e.org/rss' is not an http:// or https:// URL"},
	    {HARK "[feed f]\ninterval = 1h\n", 3, 1, "[feed f] has no 'url'"},
	    {HARK "[webhook w]\nformat = slack\n", 3, 1, "[webhook w] has no 'url' or 'url_file'"},
	    {HARK "[webhook w]\nurl = https://e.org/\nformat = teams\n", 5, 10,
	     "format: 'teams' is not one of standard slack discord ntfy"},
	    {HARK "[webhook w]\nurl = https://e.org/\nformat = ntfy\n", 3, 1,
	     "[webhook w] has format = ntfy but no 'topic'"},
	    {HARK "[webhook w]\nurl = https://e.org/\nformat = ntfy\ntopic = a b\n", 6, 9,
	     "topic: 'a b' is not an ntfy topic (letters, digits, - _; at most 64)"},
	    {HARK "[webhook w]\nurl = https://e.org/\nsecret = MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n",
	     5, 10, "secret: does not start with 'whsec_'"},
	    {HARK "[webhook w]\nurl = https://e.org/\nsecret = whsec_abc$def\n", 5, 10,
	     "secret: is not 'whsec_' followed by base64"},
	    {HARK "[webhook w]\nurl = https://e.org/\nsecret = whsec_QUJDRA=\n", 5, 10,
	     "secret: is not 'whsec_' followed by base64"},
	    {HARK "[webhook w]\nurl = https://e.org/\nsecret = whsec_QUJDREVGR0g=\n", 5, 10,
	     "secret: decodes to 8 bytes; at least 16 are needed"},
	    /* harkd's decoder takes at most 256 bytes: -n says so, not harkd at start */
	    {HARK "[webhook w]\nurl = https://e.org/\nsecret = "
	          "whsec_"
	          "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tr"
	          "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tr"
	          "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tr"
	          "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tr"
	          "a2tra2tra2tra2tra2tra2s=\n",
	     5, 10, "secret: decodes to 257 bytes; at most 256 are allowed"},
	    {HARK "[webhook w]\nurl = https://e.org/\nsecret = " SECRET "\nsecret_file = s\n", 6, 1,
	     "secret and secret_file together in [webhook w] (the other at line 5); keep one"},
	    {HARK "[webhook w]\nurl = https://e.org/\nsecret_file = missing.secret\n", 5, 15,
	     "secret_file: 'missing.secret': No such file or directory"},
	    {HARK "[webhook w]\nurl = https://e.org/\nsecret_file = sub\n", 5, 15,
	     "secret_file: 'sub' is not a regular file"},
	    {HARK "[webhook w]\nurl = https://e.org/\nsecret_file = bad.secret\n", 5, 15,
	     "secret_file: the secret in 'bad.secret' does not start with 'whsec_'"},
	    {HARK "[webhook w]\nurl = https://e.org/\nrules = Sanctions-*\n", 5, 9,
	     "rules: 'Sanctions-*' is not a glob of rule ids (a-z 0-9 _ . - * ? [ ])"},
	    {HARK "[webhook w]\nurl = https://e.org/\nmax_per_minute = 0\n", 5, 18,
	     "max_per_minute: '0' is not a positive integer (at most 100000)"},
	    {HARK "[webhook w]\nurl = https://e.org/\nmax_per_minute = 12a\n", 5, 18,
	     "max_per_minute: '12a' is not a positive integer (at most 100000)"},
	    {"[hark]\nstate_dir = /x\n", 1, 1, "[hark] has no 'rules'"},
	    {"; nothing\n", 0, 0, "no [hark] section"},
	    /* columns count characters, not bytes */
	    {HARK "[feed f]\nurl = http://e.org/\nlang = \xc3\xa9t\xc3\xa9\n", 5, 8,
	     "lang: '\xc3\xa9t\xc3\xa9' is not an ISO 639-1 code (two letters)"},
	    {"[feed é]\n" HARK, 1, 1, "bad feed name '\xc3\xa9' (letters, digits, - _ .)"},
	};
	struct tdir *t = *state;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct conf *c = (struct conf *)1;
		struct diags d;
		char path[256];

		if (load(t, "bad.conf", cases[i].text, &c, &d) != -1 || d.n != 1)
			print_error("case %zu: %zu diagnostics, first: %s\n", i, d.n,
			            d.n ? d.v[0].msg : "");
		assert_int_equal(d.n, 1);
		assert_null(c);
		snprintf(path, sizeof path, "%s/bad.conf", t->path);
		assert_string_equal(d.v[0].file, path);
		assert_int_equal(d.v[0].sev, DIAG_ERROR);
		assert_string_equal(d.v[0].msg, cases[i].msg);
		assert_int_equal(d.v[0].line, cases[i].line);
		assert_int_equal(d.v[0].col, cases[i].col);
		diags_free(&d);
	}
}

/* Errors do not stop the reading: every one is reported. */
static void
test_several_errors(void **state)
{
	struct tdir *t = *state;
	struct conf *c;
	struct diags d;

	assert_int_equal(load(t, "many.conf",
	                      "[hark]\nrules = a.rules\nkeep_done = maybe\n"
	                      "[feed f]\ninterval = 1s\n[oops]\nurl = x\n[webhook w]\n",
	                      &c, &d),
	                 -1);
	assert_int_equal(d.n, 5);
	assert_int_equal(d.v[0].line, 3);
	assert_int_equal(d.v[1].line, 5);
	assert_int_equal(d.v[2].line, 4); /* [feed f] has no 'url', when the section ends */
	assert_string_equal(d.v[2].msg, "[feed f] has no 'url'");
	assert_int_equal(d.v[3].line, 6);
	/* the keys of an unknown section are not reported one by one */
	assert_int_equal(d.v[4].line, 8);
	assert_string_equal(d.v[4].msg, "[webhook w] has no 'url' or 'url_file'");
	diags_free(&d);
	assert_int_equal(load(t, "many.conf", "[oops]\nurl = x\n" HARK "[webhook w]\n", &c, &d),
	                 -1);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.v[1].msg, "[webhook w] has no 'url' or 'url_file'");
	diags_free(&d);
}

/* [http]: the token file's rules, listen addresses, loopback or not */
static void
test_http(void **state)
{
	struct tdir *t = *state;
	struct conf *c;
	struct diags d;
	struct conf_listen l;
	char why[128];
	const char *tok = "0123456789abcdefghijklmnopqrstuvwxyzABCD";

	write_file(t->path, "http.token", "\n  0123456789abcdefghijklmnopqrstuvwxyzABCD \n", 0640);
	assert_int_equal(load(t, "h.conf",
	                      HARK "[http]\nlisten = 0.0.0.0:8976 [::]:0\ntoken_file = http.token\n"
	                           "base_url = https://hark.example.org/\n",
	                      &c, &d),
	                 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(c->http.line, 3);
	assert_int_equal(c->http.nlisten, 2);
	assert_string_equal(c->http.listen[0].host, "0.0.0.0");
	assert_int_equal(c->http.listen[0].port, 8976);
	assert_false(c->http.listen[0].loopback);
	assert_string_equal(c->http.listen[1].host, "::");
	assert_int_equal(c->http.listen[1].port, 0);
	assert_string_equal(c->http.token, tok);
	assert_string_equal(c->http.base_url, "https://hark.example.org/");
	conf_free(c);
	diags_free(&d);

	/* readable by others: an error (a warning for a webhook's secret) */
	write_file(t->path, "open.token", "0123456789abcdefghijklmnopqrstuvwxyzABCD\n", 0644);
	assert_int_equal(load(t, "h.conf",
	                      HARK "[http]\nlisten = 127.0.0.1:1\ntoken_file = open.token\n", &c,
	                      &d),
	                 -1);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].sev, DIAG_ERROR);
	assert_int_equal(d.v[0].line, 5);
	assert_string_equal(
	    d.v[0].msg,
	    "token_file: 'open.token' is accessible to others (mode 0644); chmod o= it");
	diags_free(&d);

	/* short, two lines */
	write_file(t->path, "short.token", "0123456789abcdefghijklmnopqrstu\n", 0600);
	assert_int_equal(load(t, "h.conf",
	                      HARK "[http]\nlisten = 127.0.0.1:1\ntoken_file = short.token\n", &c,
	                      &d),
	                 -1);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].msg,
	                    "token_file: the token in 'short.token' is shorter than 32 characters");
	diags_free(&d);
	write_file(t->path, "two.token",
	           "0123456789abcdefghijklmnopqrstuvwxyz\n0123456789abcdefghijklmnopqrstuvwxyz\n",
	           0600);
	assert_int_equal(load(t, "h.conf",
	                      HARK "[http]\nlisten = 127.0.0.1:1\ntoken_file = two.token\n", &c,
	                      &d),
	                 -1);
	assert_string_equal(d.v[0].msg, "token_file: the token in 'two.token' is not one line of "
	                                "printable ASCII without blanks");
	diags_free(&d);

	/* not loopback, no token: refused, naming the listen line */
	assert_int_equal(
	    load(t, "h.conf", HARK "[http]\nlisten = 127.0.0.1:1 [::ffff:10.0.0.1]:80\n", &c, &d),
	    -1);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].line, 4);
	assert_string_equal(
	    d.v[0].msg,
	    "listen: [::ffff:10.0.0.1]:80 is not a loopback address: it needs token_file");
	diags_free(&d);

	/* the address parser */
	assert_int_equal(conf_parse_listen("127.1.2.3:80", &l, why, sizeof why), 0);
	assert_true(l.loopback);
	assert_int_equal(conf_parse_listen("[::1]:65535", &l, why, sizeof why), 0);
	assert_true(l.loopback);
	assert_int_equal(l.port, 65535);
	assert_int_equal(conf_parse_listen("[::ffff:127.0.0.1]:1", &l, why, sizeof why), 0);
	assert_true(l.loopback);
	assert_int_equal(conf_parse_listen("localhost:8976", &l, why, sizeof why), 0);
	assert_string_equal(l.host, "127.0.0.1");
	assert_true(l.loopback);
	assert_int_equal(conf_parse_listen("192.0.2.1:80", &l, why, sizeof why), 0);
	assert_false(l.loopback);
	assert_int_equal(conf_parse_listen("::1:80", &l, why, sizeof why), -1);
	assert_int_equal(conf_parse_listen("[127.0.0.1]:80", &l, why, sizeof why), -1);
	assert_int_equal(conf_parse_listen("127.0.0.1:", &l, why, sizeof why), -1);
	assert_int_equal(conf_parse_listen("127.0.0.1:-1", &l, why, sizeof why), -1);
	assert_int_equal(conf_parse_listen(":80", &l, why, sizeof why), -1);
}

static void
test_secret_file_mode(void **state)
{
	struct tdir *t = *state;
	struct conf *c;
	struct diags d;

	write_file(t->path, "open.secret", SECRET "\n", 0644);
	assert_int_equal(load(t, "w.conf",
	                      HARK "[webhook w]\nurl = https://e.org/\nsecret_file = open.secret\n",
	                      &c, &d),
	                 0);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].sev, DIAG_WARNING);
	assert_int_equal(d.v[0].line, 5);
	assert_string_equal(
	    d.v[0].msg,
	    "secret_file: 'open.secret' is accessible to others (mode 0644); chmod o= it");
	assert_string_equal(c->webhooks[0].secret, SECRET);
	conf_free(c);
	diags_free(&d);

	/* a topic without ntfy is a warning, not an error */
	assert_int_equal(load(t, "w.conf",
	                      HARK "[webhook w]\nurl = https://e.org/\nformat = slack\ntopic = t\n",
	                      &c, &d),
	                 0);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].sev, DIAG_WARNING);
	assert_int_equal(d.v[0].line, 6);
	conf_free(c);
	diags_free(&d);
}

/*
 * The tool's load (no CONF_SECRETS) opens no secret file: a member of
 * group hark, who cannot read them, runs every command. Their paths are
 * kept; the values are NULL. harkd's load reads url_file as a secret.
 */
static void
test_tool_load(void **state)
{
	struct tdir *t = *state;
	struct conf *c;
	struct diags d;
	char path[256], want[256];
	const char *text = HARK "[webhook w]\nurl_file = w.url\nsecret_file = absent.secret\n"
	                        "[http]\nlisten = 127.0.0.1:0\ntoken_file = absent.token\n";

	write_file(t->path, "w.conf", text, 0640);
	snprintf(path, sizeof path, "%s/w.conf", t->path);
	diags_init(&d);
	assert_int_equal(conf_load(path, &c, &d), 0);
	assert_int_equal(d.n, 0);
	assert_false(c->secrets);
	assert_int_equal(c->secrets_unread, 3);
	assert_null(c->webhooks[0].url);
	assert_null(c->webhooks[0].secret);
	assert_null(c->http.token);
	snprintf(want, sizeof want, "%s/absent.secret", t->path);
	assert_string_equal(c->webhooks[0].secret_file, want);
	snprintf(want, sizeof want, "%s/w.url", t->path);
	assert_string_equal(c->webhooks[0].url_file, want);
	snprintf(want, sizeof want, "%s/absent.token", t->path);
	assert_string_equal(c->http.token_file, want);
	conf_free(c);
	diags_free(&d);

	/* harkd's load of the same file: every missing secret is an error */
	diags_init(&d);
	assert_int_equal(conf_load_flags(path, CONF_SECRETS, &c, &d), -1);
	assert_int_equal(d.nerrors, 3);
	assert_string_equal(d.v[0].msg, "url_file: 'w.url': No such file or directory");
	diags_free(&d);

	/* hark check's load: the same errors, at the same places */
	diags_init(&d);
	assert_int_equal(conf_load_flags(path, CONF_SECRETS_TRY, &c, &d), -1);
	assert_int_equal(d.nerrors, 3);
	assert_string_equal(d.v[0].msg, "url_file: 'w.url': No such file or directory");
	assert_int_equal(d.v[0].line, 4);
	assert_string_equal(d.v[2].msg, "token_file: 'absent.token': No such file or directory");
	diags_free(&d);

	/* url_file read by harkd: trimmed, checked, never quoted */
	write_file(t->path, "w.url", "\n https://hooks.example/T0/B0/xyz \n", 0600);
	write_file(t->path, "absent.secret", SECRET "\n", 0600);
	write_file(t->path, "absent.token", "0123456789abcdefghijklmnopqrstuvwxyzABCD\n", 0600);
	diags_init(&d);
	assert_int_equal(conf_load_flags(path, CONF_SECRETS, &c, &d), 0);
	assert_true(c->secrets);
	assert_string_equal(c->webhooks[0].url, "https://hooks.example/T0/B0/xyz");
	assert_string_equal(c->webhooks[0].secret, SECRET);
	assert_non_null(c->http.token);
	conf_free(c);
	diags_free(&d);
	/* and by hark check, where it may: every one read, none left unread */
	diags_init(&d);
	assert_int_equal(conf_load_flags(path, CONF_SECRETS_TRY, &c, &d), 0);
	assert_int_equal(c->secrets_unread, 0);
	assert_string_equal(c->webhooks[0].secret, SECRET);
	assert_non_null(c->http.token);
	conf_free(c);
	diags_free(&d);

	write_file(t->path, "w.url", "ftp://hooks.example/secret-part\n", 0600);
	diags_init(&d);
	assert_int_equal(conf_load_flags(path, CONF_SECRETS, &c, &d), -1);
	assert_string_equal(d.v[0].msg,
	                    "url_file: the URL in 'w.url' is not an http:// or https:// URL");
	diags_free(&d);

	/* url and url_file: one of them */
	assert_int_equal(
	    load(t, "w.conf", HARK "[webhook w]\nurl = https://e.org/\nurl_file = w.url\n", &c, &d),
	    -1);
	assert_string_equal(
	    d.v[0].msg, "url and url_file together in [webhook w] (the other at line 4); keep one");
	diags_free(&d);
}

/* [email NAME]: values, TLS required but to loopback, the password file's mode */
static void
test_email(void **state)
{
	struct tdir *t = *state;
	struct conf *c;
	struct diags d;
	static const struct {
		const char *smtp;
		int tls;
	} tls[] = {
	    {"smtp://mail.example.org:587", 1},
	    {"smtps://mail.example.org", 1},
	    {"smtp://127.0.0.1:25", 0},
	    {"smtp://127.9.9.9:2525", 0},
	    {"smtp://localhost", 0},
	    {"smtp://[::1]:25", 0},
	    {"smtps://127.0.0.1:465", 1},
	    {"smtp://128.0.0.1", 1},
	    {"smtp://[::2]:25", 1},
	};

	write_file(t->path, "pw", "s3cret pass\n", 0640);
	assert_int_equal(load(t, "e.conf",
	                      HARK "[email desk]\nsmtp = smtp://mail.example.org:587\n"
	                           "user = hark@example.org\npassword_file = pw\n"
	                           "from = hark <hark@example.org>\n"
	                           "to = a@example.org, \"B, C\" <b@example.org>\nrules = x-*\n",
	                      &c, &d),
	                 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(c->nemails, 1);
	assert_string_equal(c->emails[0].name, "desk");
	assert_string_equal(c->emails[0].password, "s3cret pass");
	assert_string_equal(c->emails[0].user, "hark@example.org");
	assert_string_equal(c->emails[0].to, "a@example.org, \"B, C\" <b@example.org>");
	assert_string_equal(c->emails[0].digest, "no");
	assert_string_equal(c->emails[0].rules[0], "x-*");
	assert_true(c->emails[0].tls_required);
	conf_free(c);
	diags_free(&d);
	for (size_t i = 0; i < sizeof tls / sizeof tls[0]; i++) {
		char text[512];

		snprintf(text, sizeof text, HARK "[email e]\nsmtp = %s\nfrom = a@b.c\nto = d@e.f\n",
		         tls[i].smtp);
		assert_int_equal(load(t, "e.conf", text, &c, &d), 0);
		if (c->emails[0].tls_required != tls[i].tls)
			fail_msg("%s: tls_required %d", tls[i].smtp, c->emails[0].tls_required);
		conf_free(c);
		diags_free(&d);
	}
	/* the password readable by others: a warning, as a webhook's secret */
	write_file(t->path, "pw", "s3cret\n", 0644);
	assert_int_equal(load(t, "e.conf",
	                      HARK "[email e]\nsmtp = smtps://m.example.org\nfrom = a@b.c\n"
	                           "to = d@e.f\nuser = u\npassword_file = pw\n",
	                      &c, &d),
	                 0);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].sev, DIAG_WARNING);
	assert_int_equal(d.v[0].line, 8);
	conf_free(c);
	diags_free(&d);
	/* a header injection in an address: refused, naming the line */
	c = (struct conf *)1;
	assert_int_equal(load(t, "e.conf",
	                      HARK "[email e]\nsmtp = smtps://m.example.org\nfrom = a@b.c\n"
	                           "to = d@e.f\rBcc: x@y.z\n",
	                      &c, &d),
	                 -1);
	assert_null(c);
	assert_int_equal(d.v[0].line, 6);
	assert_non_null(strstr(d.v[0].msg, "line break"));
	diags_free(&d);
}

static void
test_unreadable(void **state)
{
	struct tdir *t = *state;
	struct conf *c = (struct conf *)1;
	struct diags d;
	char path[256];

	snprintf(path, sizeof path, "%s/absent.conf", t->path);
	diags_init(&d);
	assert_int_equal(conf_load(path, &c, &d), -1);
	assert_null(c);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].line, 0);
	assert_string_equal(d.v[0].msg, "cannot read configuration: No such file or directory");
	diags_free(&d);

	/* a NUL byte is named with its line */
	write_file(t->path, "nul.conf", "", 0644);
	snprintf(path, sizeof path, "%s/nul.conf", t->path);
	{
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fwrite("[hark]\nrules = a\0.rules\n", 1, 24, f);
		fclose(f);
	}
	diags_init(&d);
	assert_int_equal(conf_load(path, &c, &d), -1);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].line, 2);
	assert_string_equal(d.v[0].msg, "NUL byte in the configuration");
	diags_free(&d);
}

static void
test_find(void **state)
{
	struct tdir *t = *state;
	char *cwd = getcwd(NULL, 0);

	assert_non_null(cwd);
	assert_int_equal(chdir(t->path), 0);
	unsetenv("HARK_CONFIG");
	assert_string_equal(conf_find("given.conf"), "given.conf");
	/* no ./hark.conf yet: /etc/hark/hark.conf when it exists, else NULL */
	if (access("/etc/hark/hark.conf", F_OK) == 0)
		assert_string_equal(conf_find(NULL), "/etc/hark/hark.conf");
	else
		assert_null(conf_find(NULL));
	write_file(t->path, "hark.conf", HARK, 0644);
	assert_string_equal(conf_find(NULL), "hark.conf");
	setenv("HARK_CONFIG", "/env/hark.conf", 1);
	assert_string_equal(conf_find(NULL), "/env/hark.conf");
	assert_string_equal(conf_find("given.conf"), "given.conf");
	setenv("HARK_CONFIG", "", 1);
	assert_string_equal(conf_find(NULL), "hark.conf");
	unsetenv("HARK_CONFIG");

	/* a relative configuration path: its directory made absolute */
	{
		struct conf *c;
		struct diags d;
		char want[256];

		diags_init(&d);
		assert_int_equal(conf_load("hark.conf", &c, &d), 0);
		snprintf(want, sizeof want, "%s/a.rules", t->path);
		assert_string_equal(c->rules[0], want);
		conf_free(c);
		diags_free(&d);
	}
	assert_int_equal(chdir(cwd), 0);
	free(cwd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_values, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
	    cmocka_unit_test(test_sizes_durations),
	    cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_several_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_secret_file_mode, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_http, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_email, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tool_load, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unreadable, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_find, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
