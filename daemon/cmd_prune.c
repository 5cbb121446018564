/*
 * cmd_prune.c: hark prune [--dry-run] and hark backup FILE, the operator's
 * retention and backup (README "Retention and backup"). Both read the
 * configuration's database while harkd runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "hark.h"
#include "usage.h"
#include "harkdlock.h"
#include "prune.h"
#include "store.h"

/* "for ever" or "older than 90d" */
static const char *
keep_str(int64_t secs, char *buf, size_t size)
{
	if (secs == 0)
		return "kept for ever";
	if (secs % 86400 == 0)
		snprintf(buf, size, "older than %lldd", (long long)(secs / 86400));
	else if (secs % 3600 == 0)
		snprintf(buf, size, "older than %lldh", (long long)(secs / 3600));
	else
		snprintf(buf, size, "older than %llds", (long long)secs);
	return buf;
}

int
cmd_prune(int argc, char **argv)
{
	static const struct option opts[] = {{"dry-run", no_argument, NULL, 'n'},
	                                     {"vacuum", no_argument, NULL, 'V'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	struct conf *c = NULL;
	struct store *st = NULL;
	struct prune *p = NULL;
	const struct prune_counts *n;
	char err[512], b[4][48];
	int ch, dry = 0, vacuum = 0, rc;

	while ((ch = getopt_long(argc, argv, "hn", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			dry = 1;
			break;
		case 'V':
			vacuum = 1;
			break;
		case 'h':
			hark_usage("prune", stdout);
			return 0;
		default:
			usage_opt_error(argv[0], "hn", opts, argv);
			return 2;
		}
	}
	if (optind < argc) {
		usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
		return 2;
	}
	if (hark_conf_store_open("prune", dry ? STORE_READ : STORE_WRITE, &c, &st) < 0)
		return 2;
	/* the rewrite holds the write lock until done: harkd would stall, then fail its commits */
	if (vacuum && !dry) {
		struct harkd_probe hp;

		harkdlock_probe(c->state_dir, &hp);
		if (hp.running != 0) {
			if (hp.running > 0)
				hark_errorf(
				    "hark: prune: --vacuum: harkd (pid %ld) runs on %s: stop it "
				    "first (the rewrite holds the database until done)\n",
				    hp.pid, c->state_dir);
			else
				hark_errorf(
				    "hark: prune: --vacuum: cannot tell whether harkd runs (%s): "
				    "stop it first\n",
				    hp.err);
			rc = -1;
			goto out;
		}
	}
	if ((p = prune_new(st, c, prune_clock(), dry)) == NULL) {
		hark_errorf("hark: prune: out of memory\n");
		rc = -1;
		goto out;
	}
	/* batch after batch, each its own transaction: harkd goes on meanwhile */
	while ((rc = prune_step(p, err, sizeof(err))) == 1 || rc == STORE_BUSY)
		if (rc == STORE_BUSY)
			sleep(1);
	if (rc < 0)
		hark_errorf("hark: prune: %s\n", err);
	n = prune_counts(p);
	/* what went even when a batch failed: the batches before it are committed */
	printf("%s:\n", dry ? "would remove" : "removed");
	printf("  texts of articles %-6lld (keep_articles: %s)\n", (long long)n->texts,
	       keep_str(c->keep_articles, b[0], sizeof(b[0])));
	printf("  hits              %-6lld (keep_hits: %s)\n", (long long)n->hits,
	       keep_str(c->keep_hits, b[1], sizeof(b[1])));
	printf("  files of done/    %-6lld (keep_done: %s)\n", (long long)n->done,
	       !c->keep_done ? "no, removed once stored"
	                     : keep_str(c->keep_done_for, b[2], sizeof(b[2])));
	printf("  files of failed/  %-6lld (keep_failed: %s)\n", (long long)n->failed,
	       keep_str(c->keep_failed, b[3], sizeof(b[3])));
	if (!dry)
		printf("  free pages given back: %lld\n", (long long)n->vacuumed);
	/* after the pass: the rewrite is smaller by what it removed */
	if (rc == 0 && vacuum && !dry) {
		if ((rc = store_vacuum_full(st, err, sizeof(err))) != 0)
			hark_errorf("hark: prune: --vacuum: %s\n", err);
		else
			printf("rewritten with auto_vacuum = INCREMENTAL\n");
	}
out:
	prune_free(p);
	store_close(st);
	conf_free(c);
	return rc < 0 ? 2 : 0;
}

/* "2026-11-21 10:00" or "none" */
static const char *
when(int64_t secs, char *buf, size_t size)
{
	if (secs == 0)
		return "none";
	hark_time_local(secs, buf, size);
	return buf;
}

int
cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct conf *c = NULL;
	struct store *st = NULL;
	struct store_reach r;
	const char *dest;
	char err[512], t[4][32];
	int ch, fd, rc = 2;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			hark_usage("backup", stdout);
			return 0;
		default:
			usage_opt_error(argv[0], "h", opts, argv);
			return 2;
		}
	}
	if (argc - optind != 1) {
		usage_error(argv[0], "%s", optind < argc ? "one file at a time" : "no file given");
		return 2;
	}
	dest = argv[optind];
	if (hark_conf_store_open("backup", STORE_READ, &c, &st) < 0)
		return 2;
	/*
	 * Made here, new (never over a file) and readable by its owner and
	 * group only, as hark.db: it holds the articles. SQLite takes an empty
	 * file for a new database.
	 */
	if ((fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640)) < 0) {
		hark_errorf("hark: backup: %s: %s\n", dest,
		            errno == EEXIST ? "exists already: give a new file" : strerror(errno));
		goto out;
	}
	close(fd);
	if (store_backup(st, dest, &r, err, sizeof(err)) != 0) {
		hark_errorf("hark: backup: %s\n", err);
		unlink(dest);
		goto out;
	}
	printf("%s: a consistent copy, PRAGMA integrity_check ok\n", dest);
	printf("  articles %lld (%lld with their text), hits %lld\n", (long long)r.articles,
	       (long long)r.texts, (long long)r.hits);
	printf("  articles seen %s to %s; the oldest with its text %s\n",
	       when(r.oldest_article, t[0], sizeof(t[0])),
	       when(r.newest_article, t[1], sizeof(t[1])), when(r.oldest_text, t[2], sizeof(t[2])));
	printf("  hits detected %s to %s\n", when(r.oldest_hit / 1000, t[0], sizeof(t[0])),
	       when(r.newest_hit / 1000, t[3], sizeof(t[3])));
	rc = 0;
out:
	store_close(st);
	conf_free(c);
	return rc;
}
