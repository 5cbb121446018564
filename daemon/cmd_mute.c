/*
 * cmd_mute.c: hark mute RULE DURATION and hark unmute RULE. A mute is a
 * row of state_dir/hark.db (store_mute_set), written as hark redeliver
 * writes the outbox: harkd reads it as it routes each hit's alerts, so
 * nothing needs a reload or a signal. The rule must be one of the
 * configuration's (its disabled ones too): a typo must not mute nothing
 * silently. While the rule files do not load (harkd keeps its rules of
 * before), the ids they still write, or a stored hit, tell it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "hark.h"
#include "usage.h"
#include "muting.h"
#include "rulefile.h"
#include "store.h"

struct mute_find {
	const char *id;
	char where[512]; /* "FILE:LINE" of its [rule ID], once found */
};

static void
mute_find_cb(const struct rulefile *rf, void *arg)
{
	struct mute_find *f = arg;

	for (size_t i = 0; i < rf->nrules && f->where[0] == '\0'; i++)
		if (strcmp(rf->rules[i].id, f->id) == 0)
			snprintf(f->where, sizeof(f->where), "%s:%u", rf->path, rf->rules[i].line);
}

/*
 * Whether rule id is defined when the configured rules do not load (a
 * file being edited, a typo in another rule): harkd still runs its rules
 * of before, and "mute rather than edit" is wanted then most. The id is
 * known when a rule file still writes its [rule ID] (parsed whatever its
 * errors), or when a hit of it is stored. 1 (a warning said), 0, or -1.
 */
static int
mute_rule_known(const char *cmd, const struct conf *c, struct store *st, const char *id)
{
	struct mute_find f = {id, ""};
	char err[512];
	int r;

	(void)rules_defs_each(c->rules, c->nrules, mute_find_cb, &f);
	if (f.where[0] != '\0') {
		hark_errorf("hark: %s: warning: the configured rules do not load (hark check); "
		            "rule '%s' is written at %s\n",
		            cmd, id, f.where);
		return 1;
	}
	if ((r = store_rule_has_hits(st, id, err, sizeof(err))) < 0) {
		hark_errorf("hark: %s: %s\n", cmd, err);
		return -1;
	}
	if (r == 1)
		hark_errorf("hark: %s: warning: the configured rules do not load (hark check); "
		            "rule '%s' has stored hits\n",
		            cmd, id);
	else
		hark_errorf("hark: %s: no rule '%s' is written in the rule files (which do not "
		            "load: hark check) nor has a stored hit\n",
		            cmd, id);
	return r == 1 ? 1 : -1;
}

/*
 * Whether the configured rules (c's) define id: 1, 0, or -1 (said on
 * stderr). Rules that do not load are searched as mute_rule_known does.
 */
static int
mute_rule_defined(const char *cmd, const struct conf *c, struct store *st, const char *id)
{
	struct diags d;
	struct ruleset *rs;
	int found = 0;

	diags_init(&d);
	rs = rules_load(c->rules, c->nrules, &d);
	diags_free(&d);
	if (rs == NULL)
		return mute_rule_known(cmd, c, st, id);
	for (size_t i = 0; i < ruleset_nrules(rs) && !found; i++)
		found = strcmp(ruleset_rule(rs, i)->id, id) == 0;
	for (size_t i = 0; i < ruleset_ndisabled(rs) && !found; i++)
		found = strcmp(ruleset_disabled(rs, i)->id, id) == 0;
	ruleset_free(rs);
	return found;
}

/* argv[from..argc) joined by blanks ("until 2026-12-24 08:00" may come as three words). */
static char *
mute_words(int argc, char **argv, int from)
{
	size_t len = 1;
	char *s;

	for (int i = from; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((s = malloc(len)) == NULL)
		return NULL;
	s[0] = '\0';
	for (int i = from; i < argc; i++) {
		if (i > from)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

/* The options of both: --help only. Returns -1 to go on, else the exit status. */
static int
mute_options(const char *cmd, int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int ch;

	/* "+": stop at the first word, so that a time zone's "-05:00" is not an option */
	while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (ch == 'h') {
			hark_usage(cmd, stdout);
			return 0;
		}
		usage_opt_error(argv[0], "+h", opts, argv);
		return 2;
	}
	return -1;
}

int
cmd_mute(int argc, char **argv)
{
	struct conf *c = NULL;
	struct store *st = NULL;
	struct mute_len m;
	char *words = NULL, err[512], when[32];
	int64_t now = (int64_t)time(NULL), until;
	int rc = 2, r;

	if ((r = mute_options("mute", argc, argv)) >= 0)
		return r;
	if (argc - optind < 2) {
		usage_error(argv[0], "%s", optind < argc ? "no duration given" : "no rule given");
		return 2;
	}
	/* a duration is one word; "until" takes a day and a time ("until 2026-12-24 08:00") */
	if (strcmp(argv[optind + 1], "until") != 0 && argc - optind > 2) {
		usage_error(argv[0], "unexpected argument '%s'", argv[optind + 2]);
		return 2;
	}
	if ((words = mute_words(argc, argv, optind + 1)) == NULL) {
		hark_errorf("hark: mute: out of memory\n");
		return 2;
	}
	/* the words first: a malformed duration says so before the rules are loaded */
	if (mute_parse(words, strlen(words), &m, err, sizeof(err)) < 0 ||
	    muting_until(&m, now, &until, err, sizeof(err)) < 0) {
		usage_error(argv[0], "%s", err);
		goto out;
	}
	if (hark_conf_store_open("mute", STORE_WRITE, &c, &st) < 0)
		goto out;
	if ((r = mute_rule_defined("mute", c, st, argv[optind])) <= 0) {
		if (r == 0)
			hark_errorf("hark: mute: no rule '%s' is defined in the configured rules\n",
			            argv[optind]);
		goto out;
	}
	if (store_mute_set(st, argv[optind], until, now, err, sizeof(err)) != 0) {
		hark_errorf("hark: mute: %s\n", err);
		goto out;
	}
	hark_time_local(until, when, sizeof(when));
	printf("rule %s muted until %s: its hits are stored, none is alerted\n", argv[optind],
	       when);
	rc = 0;
out:
	store_close(st);
	conf_free(c);
	free(words);
	return rc;
}

int
cmd_unmute(int argc, char **argv)
{
	struct conf *c = NULL;
	struct store *st = NULL;
	char err[512];
	int rc = 2, r;

	if ((r = mute_options("unmute", argc, argv)) >= 0)
		return r;
	if (argc - optind != 1) {
		usage_error(argv[0], "%s", optind < argc ? "one rule at a time" : "no rule given");
		return 2;
	}
	if (hark_conf_store_open("unmute", STORE_WRITE, &c, &st) < 0)
		goto out;
	r = store_mute_clear(st, argv[optind], (int64_t)time(NULL), err, sizeof(err));
	if (r < 0) {
		hark_errorf("hark: unmute: %s\n", err);
		goto out;
	}
	if (r == 1) {
		printf("rule %s unmuted: its next hit is alerted\n", argv[optind]);
		rc = 0;
		goto out;
	}
	/* not muted: a rule that exists was already so; an unknown one is a typo */
	if ((r = mute_rule_defined("unmute", c, st, argv[optind])) < 0)
		goto out;
	if (r == 0) {
		hark_errorf("hark: unmute: no rule '%s' is defined in the configured rules\n",
		            argv[optind]);
		goto out;
	}
	printf("rule %s was not muted\n", argv[optind]);
	rc = 0;
out:
	store_close(st);
	conf_free(c);
	return rc;
}
