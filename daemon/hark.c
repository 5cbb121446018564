/*
 * hark.c: the command-line tool. A sorted table of subcommands, as git and
 * tmux have; each command lives in its own cmd_*.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "charset.h"
#include "conf.h"
#include "date.h"
#include "hark.h"
#include "hark_paths.h"
#include "usage.h"
#include "hit.h"
#include "lang.h"
#include "store.h"
#include "token.h"
#include "utf8.h"

const char *hark_config;

static const struct hark_cmd cmds[] = {
    {"article", cmd_article, "article [--json] ID",
     "show one stored article: its fields, text, hits (snippets marked), near duplicates "
     "and revisions",
     "  ID                 an article id (a_ and 16 hex digits), as hark hits --json shows\n"
     "  --json             the article object of the HTTP API (GET /api/v1/articles/ID);\n"
     "                     \"text_pruned\": true when keep_articles removed its text;\n"
     "                     \"revision_of\": the article it revises (a feed item's changed\n"
     "                     text, or a new text at a stored address)\n"},
    {"backtest", cmd_backtest, "backtest [-r RULES]... [--since WHEN] [--json] [-q]",
     "run rules over the stored articles and print the hits they would raise",
     "  -r, --rules RULES  a rule file or a directory of *.rules; repeatable\n"
     "                     (default: the rules of the configuration)\n"
     "  --since WHEN       only articles stored since WHEN: a duration ago (90s, 15m,\n"
     "                     2h, 1d), an RFC 3339 time, or a day (YYYY-MM-DD, local)\n"
     "  --json             one hit object per line (see hark(1))\n"
     "  -q, --quiet        no summary line on standard error\n"},
    {"backup", cmd_backup, "backup FILE",
     "copy the database consistently while harkd runs, check the copy, say what it holds",
     "  FILE               a new file (an existing one is refused); restore: stop\n"
     "                     harkd, copy FILE over state_dir/hark.db, start it (harkd(8))\n"},
    {"check", cmd_check, "check [RULES...]",
     "load and compile rules, print diagnostics (in file order) and a summary",
     "  RULES       rule files or directories of *.rules (default: the configured rules)\n"
     "  With RULES and -c (or HARK_CONFIG), their notify names are checked against it\n"
     "  (in files with errors too: every diagnostic is said at once).\n"
     "  Without RULES, the whole configuration as harkd's start judges it, in the\n"
     "  words of harkd -n: its secret files (a note counts those this user may not\n"
     "  read), state_dir and spool_dir (where this user may look), [http] listen.\n"},
    {"deliveries", cmd_deliveries, "deliveries [--failed] [--json]",
     "list the deliveries (webhooks, emails) harkd keeps (its outbox), newest first",
     "  --failed           only the dead ones, given up after their retries\n"
     "  --json             one object a line (\"destination\": the webhook or email)\n"},
    {"extract", cmd_extract, "extract [--json] [--lang LL] [--charset CS] FILE|-...",
     "print what hark sees in articles: fields, language, address, fingerprint, text",
     "  --json             one object per article and line; \"lang_by\" says how the\n"
     "                     language was decided: declared, cld2, script or prior\n"
     "  --lang LL          the articles' language (ISO 639-1: ja, not jp), instead of identifying "
     "it\n"
     "  --charset CS       the files' charset (koi8-r, windows-1256, gb18030...), over\n"
     "                     any byte order mark, declaration or detection; UTF-8\n"
     "                     with a little Latin-1 pasted in is shown as\n"
     "                     \"utf-8 (mixed: N bytes read as windows-1252)\"\n"
     "  FILE               an article in any accepted format; - is stdin\n"
     "A file's user.hark.lang and user.hark.charset (hark ingest --lang, --charset)\n"
     "are read as harkd reads them; --lang and --charset go over them.\n"
     "The languages of the configuration (-c, $HARK_CONFIG, ./hark.conf) are the\n"
     "prior of identification: where CLD2 is unsure, the language is one of them.\n"},
    {"feed", cmd_feed, "feed [--json] [--allow-private] FILE|URL|-",
     "parse one feed (RSS, Atom, JSON Feed) and print its entries as hark sees them",
     "  --json             the feed object of hark(1) on one line (with \"fetch\" for a URL)\n"
     "  --allow-private    let a URL (or a redirect) reach a loopback, private or\n"
     "                     link-local address, refused by default as harkd refuses it\n"
     "  FILE               a feed file; - is stdin\n"
     "  URL                an http(s) feed, fetched as harkd polls it; how it was\n"
     "                     fetched (status, final address, redirects) is shown\n"
     "  The charset read in is shown, and why (byte order mark, Content-Type, XML\n"
     "  declaration, valid UTF-8, UTF-8 with single-byte runs, detected, default).\n"},
    {"help", cmd_help, "help [COMMAND]", "show the commands, or one command's usage", ""},
    {"hits", cmd_hits,
     "hits [--since WHEN] [--until WHEN] [--rule ID]... [--tag TAG] [--source NAME]\n"
     "                             [--lang LL] [--limit N] [--before CURSOR] [--json]",
     "list the hits harkd stored, newest first",
     "  --since WHEN       only hits detected since WHEN: a duration ago (90s, 15m,\n"
     "                     2h, 7d, 1w), an RFC 3339 time, or a day (YYYY-MM-DD, local)\n"
     "  --until WHEN       only hits detected before WHEN (the same forms)\n"
     "  --rule ID          only the hits of rule ID (repeated: of any of them); an\n"
     "                     ID neither configured nor in a stored hit is an error\n"
     "  --tag TAG          only the hits of the configured rules tagged TAG\n"
     "  --source NAME      only the hits of articles from feed NAME (drop: the spool;\n"
     "                     api: POST /api/v1/articles); a NAME neither configured\n"
     "                     nor in a stored hit is an error\n"
     "  --lang LL          only the hits of articles in language LL\n"
     "  --limit N          one page of at most N hits (1 to 500); when there are more,\n"
     "                     stderr says 'more: --before CURSOR' to read the next page\n"
     "  --before CURSOR    the hits after the page that gave CURSOR\n"
     "  --json             the stored hit objects of hark(1), one a line; without\n"
     "                     it, matches in colour on a terminal, else [like this],\n"
     "                     and each hit's link: <its article's address>, else\n"
     "                     <base_url/articles/ID> when [http] has a base_url\n"},
    {"import-opml", cmd_import_opml, "import-opml [--interval DURATION] FILE|-",
     "print a [feed NAME] section for every feed of an OPML subscription list",
     "  --interval DURATION  add interval = DURATION to every section (at least 1m)\n"
     "  FILE                 an OPML 1.0 or 2.0 file; - is stdin\n"},
    {"ingest", cmd_ingest,
     "ingest [--spool DIR] [--lang LL] [--charset CS] [--name NAME] [-q] FILE|-...",
     "copy files atomically into the drop directory for harkd",
     "  --spool DIR        the spool directory (default: spool_dir of the configuration,\n"
     "                     made when missing); DIR must be a spool already, with the\n"
     "                     incoming/ harkd makes when it starts\n"
     "  --lang LL          declare the language (ISO 639-1), over the file's own, in\n"
     "                     any format: beside the copy (extended attribute\n"
     "                     user.hark.lang), whose bytes stay the file's\n"
     "  --charset CS       the files are in charset CS (koi8-r, windows-1256...),\n"
     "                     whatever they declare: beside the copy (user.hark.charset)\n"
     "  --name NAME        the name in the spool of standard input (-), whose\n"
     "                     extension tells its format: --name report.html -\n"
     "  -q, --quiet        print nothing for the files ingested\n"
     "  FILE               a regular file; its name is kept, with .1, .2... when taken\n"
     "Each file ingested is printed as FILE -> /full/path/of/spool/incoming/NAME.\n"
     "A spool without incoming/ is refused: harkd makes it again and watches it.\n"},
    {"match", cmd_match,
     "match [-r RULES]... [--json] [--lang LL] [--charset CS] [--color=WHEN] [-j N] "
     "[--no-cache] FILE|DIR|-...",
     "match articles against rules and print the hits (exit 0 hit, 1 none, 2 error)",
     "  -r, --rules RULES  a rule file or a directory of *.rules; repeatable\n"
     "                     (default: the rules of the configuration, which -r\n"
     "                     leaves unread: only its languages are used)\n"
     "  --json             one hit object per line (see hark(1))\n"
     "  --lang LL          the articles' language (ISO 639-1: ja, not jp), not guessed\n"
     "  --charset CS       the articles' charset, over any declaration or detection\n"
     "  --color[=WHEN]     mark matches in colour: never, always (what a bare\n"
     "                     --color means) or auto (on a terminal; the default);\n"
     "                     without colour they are marked [like this]\n"
     "  -j, --jobs N       match N files at once (default: the number of CPUs);\n"
     "                     the output is the same, in the same order, whatever N;\n"
     "                     N - 1 of them read ahead while the rules compile\n"
     "                     (up to 8 MiB of text)\n"
     "  --no-cache         compile the rules: do not read nor write the cache of\n"
     "                     compiled rule sets\n"
     "  FILE               an article; a directory is read recursively, its binary\n"
     "                     files skipped (one named is an error); - is stdin;\n"
     "                     an empty file has no hit\n"
     "A file's user.hark.lang and user.hark.charset (hark ingest --lang, --charset)\n"
     "are read as harkd reads them; --lang and --charset go over them.\n"
     "The languages of the configuration are the prior of language identification,\n"
     "with -r too. A rule set of 1,000 terms or more is kept compiled in\n"
     "$HARK_CACHE_DIR, else $XDG_CACHE_HOME/hark, else ~/.cache/hark, and loaded\n"
     "the next time the same rule files are used (HARK_CACHE_DIR empty: no cache).\n"},
    {"mute", cmd_mute, "mute RULE DURATION | mute RULE until WHEN",
     "alert nothing for a rule's hits for a while; they are still stored",
     "  RULE               a rule id of the configured rules; while they do not\n"
     "                     load, one their files still write, or with a stored hit\n"
     "  DURATION           how long: a number and a unit, s m h d w (30m, 12h, 2d,\n"
     "                     1d12h), at most 366 days\n"
     "  until WHEN         until a day's start (YYYY-MM-DD, local), a local time\n"
     "                     (YYYY-MM-DD HH:MM), or a time with a zone (...T08:00Z)\n"
     "Stored in hark.db (needs write access): a running harkd takes it at once.\n"
     "Hits of a muted rule are never alerted, not even after the mute ends (hark\n"
     "status counts them in hits, not alerts); a new mute replaces the old one;\n"
     "hark status lists the mutes; hark unmute ends one.\n"},
    {"prune", cmd_prune, "prune [--dry-run] [--vacuum]",
     "apply the retention of the configuration now (keep_articles, keep_hits, keep_done, "
     "keep_failed)",
     "  -n, --dry-run      say what would be removed, remove nothing\n"
     "  --vacuum           then rewrite a database made before retention with\n"
     "                     auto_vacuum = INCREMENTAL (refused while harkd runs)\n"
     "harkd does the same after its start and hourly, in small batches.\n"},
    {"redeliver", cmd_redeliver, "redeliver [--force] ID...",
     "send dead deliveries again (ids from hark deliveries --failed)",
     "  ID                 a delivery id; it becomes pending, due now, and a running\n"
     "                     harkd is told (SIGUSR2: only what is due now\n"
     "                     goes; no feed polled, no digest sent early).\n"
     "                     A delivery held for a digest whose period has not\n"
     "                     ended stays pending for it (said, exit 0): sent\n"
     "                     with its digest then, never alone or early.\n"
     "                     One whose webhook or email is no longer in hark.conf\n"
     "                     is refused (a cancelled one goes once it is back).\n"
     "                     Needs write access to hark.db\n"
     "  -f, --force        send again a delivery that was sent already (without it,\n"
     "                     such an id is an error and stays as it is)\n"},
    {"rules", cmd_rules, "rules [--json]",
     "list every rule of the configuration: file:line, tags, languages, notify targets, "
     "whether disabled, hits in 24 h",
     "  --json             one object a line: id file line name tags lang notify enabled\n"
     "                     muted hits_24h\n"
     "The rules' warnings are counted in one line: hark check shows them.\n"},
    {"sink", cmd_sink,
     "sink [--port N] [--secret-file FILE | --secret whsec_...]\n"
     "                             [--max-age SECONDS]",
     "receive webhooks on loopback, check their signatures, print the alerts",
     "  --port N           listen on 127.0.0.1 port N (default 8975)\n"
     "  --secret-file FILE the webhook's secret (whsec_...) in FILE: check every\n"
     "                     request's signature and age, answer 401 to a bad one\n"
     "                     (default: $HARK_SINK_SECRET; neither: no check)\n"
     "  --secret whsec_... the secret itself; other users see it (ps): prefer\n"
     "                     --secret-file or $HARK_SINK_SECRET\n"
     "  --max-age SECONDS  the oldest webhook-timestamp taken, either way of\n"
     "                     this clock (default 300)\n"},
    {"status", cmd_status, "status [--json]",
     "show whether harkd runs, since when and where it serves HTTP, whether its last "
     "reload failed (the old rules still in force), what it stored "
     "(articles, hits, deliveries), the files in failed/ and every feed's state",
     "  --json             one object\n"
     "Exit status: 0 harkd runs, 3 it does not (the harkd line says why),\n"
     "4 it cannot be told, 2 an error.\n"},
    {"unmute", cmd_unmute, "unmute RULE", "end a rule's mute: its next hit is alerted",
     "  RULE               a muted rule (a rule not muted is no error, an unknown one is)\n"},
};

static const struct hark_cmd *
cmd_find(const char *name)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

void
hark_usage(const char *name, FILE *f)
{
	const struct hark_cmd *c = cmd_find(name);

	if (c == NULL)
		return;
	fprintf(f, "usage: hark [-c CONFIG] %s\n%s.\n", c->usage, c->summary);
	if (c->help[0] != '\0')
		fprintf(f, "\n%s", c->help);
}

int
hark_wants_help(int argc, char **argv, const char *name)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			hark_usage(name, stdout);
			return 1;
		}
	}
	return 0;
}

int
hark_lang_arg(const char *prog, char *arg)
{
	char why[256];

	for (char *p = arg; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (strlen(arg) != 2 || arg[0] < 'a' || arg[0] > 'z' || arg[1] < 'a' || arg[1] > 'z') {
		usage_error(prog, "--lang: '%s' is not an ISO 639-1 code", arg);
		return -1;
	}
	/* jp, gr, cz: a country's code, which no document is in (a code hark
	 * cannot identify but a document may declare is fine here) */
	if (lang_code_check(arg, why, sizeof(why)) < 0) {
		usage_error(prog, "--lang: %s", why);
		return -1;
	}
	return 0;
}

int
hark_charset_arg(const char *prog, const char *arg)
{
	char name[32];

	if (charset_lookup(arg, name) < 0) {
		usage_error(prog, "--charset: '%s' is not a charset hark knows", arg);
		return -1;
	}
	return 0;
}

int
hark_conf_store_open(const char *cmd, enum store_mode mode, struct conf **cp, struct store **st)
{
	struct conf *c = NULL;
	struct diags d;
	const char *path = conf_find(hark_config);
	char *db = NULL, err[512];
	int rc = -1;

	*st = NULL;
	if (cp != NULL)
		*cp = NULL;
	if (path == NULL) {
		hark_errorf("hark: %s: no configuration (give -c CONFIG or set HARK_CONFIG)\n",
		            cmd);
		return -1;
	}
	diags_init(&d);
	if (conf_load(path, &c, &d) < 0) {
		hark_diags_print(&d);
		goto out;
	}
	if (asprintf(&db, "%s/hark.db", c->state_dir) < 0) {
		db = NULL;
		hark_errorf("hark: %s: out of memory\n", cmd);
		goto out;
	}
	/* a writer must not make a database harkd never made (and needs write access) */
	if (access(db, F_OK) < 0 && errno == ENOENT) {
		hark_errorf("hark: %s: no database at %s (has harkd run?)\n", cmd, db);
		goto out;
	}
	/* 5 s: harkd's transactions are short; a reader waits only on a WAL checkpoint */
	if (store_open(db, mode, 5000, st, err, sizeof(err)) != 0) {
		/* the words of harkd's line (harkd(8)); err names the file */
		hark_errorf("hark: %s: database error: %s\n", cmd, err);
		goto out;
	}
	rc = 0;
out:
	free(db);
	if (rc == 0 && cp != NULL)
		*cp = c;
	else
		conf_free(c);
	diags_free(&d);
	return rc;
}

int
hark_store_open(const char *cmd, struct store **st)
{
	return hark_conf_store_open(cmd, STORE_READ, NULL, st);
}

#define COLOR_FILE "\033[35m"
#define COLOR_SEP "\033[36m"
#define COLOR_RULE "\033[1m"
#define COLOR_MATCH "\033[01;31m"
#define COLOR_OFF "\033[m"

void
hark_errorf(const char *fmt, ...)
{
	char small[512], *msg = small;
	va_list ap;
	int n;
	size_t len;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof small) {
		if ((msg = malloc((size_t)n + 1)) == NULL) { /* the start of it, then */
			msg = small;
			n = (int)sizeof small - 1;
		} else {
			va_start(ap, fmt);
			vsnprintf(msg, (size_t)n + 1, fmt, ap);
			va_end(ap);
		}
	}
	len = (size_t)n;
	if (len > 0 && msg[len - 1] == '\n')
		len--;
	hark_put_text(stderr, msg, len, HARK_TEXT_LINE);
	if (len < (size_t)n)
		putc('\n', stderr);
	if (msg != small)
		free(msg);
}

void
hark_put_json(FILE *f, const char *s)
{
	/* jansson escapes C0 only; JSON's syntax is ASCII, so a C1 byte pair is in a string */
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == 0xc2 && (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] <= 0x9f)
			fprintf(f, "\\u%04x", (unsigned char)*++s);
		else if (c == 0x7f)
			fputs("\\u007f", f);
		else
			putc(c, f);
	}
	putc('\n', f);
}

/* Add a part to the line, escaped (escape) as text from anyone. */
static void
lb_put(struct hark_line *b, const char *s, size_t n, int escape)
{
	size_t need = b->len + (escape ? 6 * n : n) + 1; /* \u009b: 6 bytes for 2 */

	if (b->oom)
		return;
	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : 128;
		char *ns;

		while (cap < need)
			cap *= 2;
		if ((ns = realloc(b->s, cap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	for (size_t i = 0; escape && i < n;) {
		char esc[8];
		size_t el, k, run = hark_text_safe((const unsigned char *)s + i, n - i);

		/* the safe run in one copy: a hit line is mostly one */
		memcpy(b->s + b->len, s + i, run);
		b->len += run;
		if ((i += run) >= n)
			break;
		k = hark_text_unit((const unsigned char *)s + i, n - i, HARK_TEXT_LINE, esc, &el);
		if (el == 0)
			memcpy(b->s + b->len, s + i, k), b->len += k;
		else
			memcpy(b->s + b->len, esc, el), b->len += el;
		i += k;
	}
	if (!escape)
		memcpy(b->s + b->len, s, n), b->len += n;
	b->s[b->len] = '\0';
}

#define LB_STR(b, s) lb_put((b), (s), strlen(s), 0)

int
hark_hit_line_into(struct hark_line *b, const struct document *doc, const struct hit *h,
                   const char *name, const char *now, int json, int color)
{
	struct snippet sn;
	size_t at = 0;

	b->len = 0;
	b->oom = 0;
	if (json) {
		json_t *o = hit_to_json(doc, h, now);
		char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
		char *line = NULL;
		size_t len;
		FILE *f;

		json_decref(o);
		if (s != NULL && (f = open_memstream(&line, &len)) != NULL) {
			hark_put_json(f, s);
			if (fclose(f) != 0) {
				free(line);
				line = NULL;
			}
		}
		free(s);
		if (line == NULL)
			return -1;
		lb_put(b, line, len, 0);
		free(line);
		return b->oom ? -1 : 0;
	}
	if (hit_snippet_make(doc, h, &sn) < 0)
		return -1;
	/* name, rule and snippet are escaped: a file's name and an article's text are anyone's */
	LB_STR(b, color ? COLOR_FILE : "");
	lb_put(b, name, strlen(name), 1);
	LB_STR(b, color ? COLOR_SEP ":" COLOR_OFF " " COLOR_RULE : ": ");
	lb_put(b, h->rule->id, strlen(h->rule->id), 1);
	LB_STR(b, color ? COLOR_OFF COLOR_SEP ":" COLOR_OFF " " : ": ");
	for (size_t m = 0; m < sn.nmarks; m++) {
		lb_put(b, sn.text + at, sn.marks[m].start - at, 1);
		LB_STR(b, color ? COLOR_MATCH : "[");
		lb_put(b, sn.text + sn.marks[m].start, sn.marks[m].end - sn.marks[m].start, 1);
		LB_STR(b, color ? COLOR_OFF : "]");
		at = sn.marks[m].end;
	}
	lb_put(b, sn.text + at, sn.len - at, 1);
	LB_STR(b, "\n");
	snippet_free(&sn);
	return b->oom ? -1 : 0;
}

char *
hark_hit_line(const struct document *doc, const struct hit *h, const char *name, const char *now,
              int json, int color)
{
	struct hark_line b = {0};

	if (hark_hit_line_into(&b, doc, h, name, now, json, color) < 0) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

void
hark_put_line_textn(const char *s, size_t n)
{
	hark_put_text(stdout, s, n, HARK_TEXT_LINE);
}

void
hark_put_line_text(const char *s)
{
	hark_put_line_textn(s, strlen(s));
}

void
hark_put_snippet(const json_t *v, int color)
{
	struct snippet sn;
	size_t at = 0;

	if (snippet_from_json(v, &sn) < 0)
		return;
	for (size_t m = 0; m < sn.nmarks; m++) {
		hark_put_line_textn(sn.text + at, sn.marks[m].start - at);
		fputs(color ? COLOR_MATCH : "[", stdout);
		hark_put_line_textn(sn.text + sn.marks[m].start,
		                    sn.marks[m].end - sn.marks[m].start);
		fputs(color ? COLOR_OFF : "]", stdout);
		at = sn.marks[m].end;
	}
	hark_put_line_textn(sn.text + at, sn.len - at);
	snippet_free(&sn);
}

int
hark_print_hit(const struct document *doc, const struct hit *h, const char *name, const char *now,
               int json, int color)
{
	char *line = hark_hit_line(doc, h, name, now, json, color);

	if (line == NULL)
		return -1;
	fputs(line, stdout);
	free(line);
	return 0;
}

void
hark_time_local(int64_t secs, char *buf, size_t size)
{
	time_t t = (time_t)secs;
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(buf, size, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, size, "%lld", (long long)secs);
}

void
hark_time_text(const char *rfc3339, char *buf, size_t size)
{
	char norm[21];
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	/* date_normalize takes Unix seconds too: only what looks like a date is one */
	if (strlen(rfc3339) >= 10 && rfc3339[4] == '-' && date_normalize(rfc3339, norm) == 0 &&
	    sscanf(norm, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	           &tm.tm_hour, &tm.tm_min, &tm.tm_sec) == 6) {
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		hark_time_local((int64_t)timegm(&tm), buf, size);
		return;
	}
	snprintf(buf, size, "%s", rfc3339);
}

static void
usage_all(FILE *f)
{
	fprintf(f, "usage: hark [-c CONFIG] COMMAND [ARGS]\n\n"
	           "hark watches articles for names and Boolean queries in many languages.\n\n"
	           "commands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-11s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f,
	        "\nCONFIG: by default $HARK_CONFIG, else ./hark.conf, else " HARK_CONF_DEFAULT ".\n"
	        "'hark help COMMAND' or 'hark COMMAND --help' shows a command's usage.\n"
	        "The rule language is described in hark.rules(5). Control characters of\n"
	        "articles, feeds and file names are printed escaped (\\x1b, \\u009b), errors\n"
	        "too, and so are bidi controls (\\u202e).\n");
}

int
cmd_help(int argc, char **argv)
{
	if (hark_wants_help(argc, argv, "help"))
		return 0;
	if (argc < 2) {
		usage_all(stdout);
		return 0;
	}
	if (argc > 2)
		return usage_error(argv[0], "unexpected argument '%s'", argv[2]);
	if (argv[1][0] == '-' && argv[1][1] != '\0')
		return usage_error(argv[0], "unknown option '%s'", argv[1]);
	if (cmd_find(argv[1]) == NULL)
		return usage_error(argv[0], "'%s' is not a hark command", argv[1]);
	hark_usage(argv[1], stdout);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {"version", no_argument, NULL, 'V'},
	                                     {NULL, 0, NULL, 0}};
	const struct hark_cmd *c;
	int ch, rc;

	/* getopt says nothing: a usage error is one line of ours (usage.h), every command's too */
	opterr = 0;
	/* "+": stop at the command name; its options are its own */
	while ((ch = getopt_long(argc, argv, "+c:hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			hark_config = optarg;
			break;
		case 'h':
			usage_all(stdout);
			return 0;
		case 'V':
			printf("hark %s\n", HARK_VERSION);
			return 0;
		default:
			return usage_opt_error("hark", "+c:hV", opts, argv);
		}
	}
	if (optind >= argc)
		return usage_error("hark", "no command given");
	c = cmd_find(argv[optind]);
	if (c == NULL) {
		hark_errorf("hark: '%s' is not a hark command; see 'hark help'\n", argv[optind]);
		return 2;
	}
	norm_init();
	argc -= optind;
	argv += optind;
	/* getopt names argv[0] in its messages: "hark match: unrecognized option" */
	{
		static char name[64];

		snprintf(name, sizeof(name), "hark %s", c->name);
		argv[0] = name;
	}
	/*
	 * Each command parses its own options. 0, not 1: glibc then forgets the
	 * "+" (stop at the first operand) of the parse above, so options may
	 * follow file names as in grep.
	 */
	optind = 0;
	rc = c->fn(argc, argv);
	/* what stdio still holds, and whether any of it was lost (a full disk): as grep */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		hark_errorf("hark %s: write error: %s\n", c->name, strerror(errno));
		return 2;
	}
	return rc;
}
