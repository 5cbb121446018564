/*
 * cmd_mute.c: hark mute RULE DURATION and hark unmute RULE. A mute is a
 * row of state_dir/hark.db (store_mute_set), written as hark redeliver
 * writes the outbox: harkd reads it as it routes each hit's alerts, so
 * nothing needs a reload or a signal. The rule must be one of the
 * configuration's (its disabled ones too): a typo must not mute nothing
 * silently.
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
#include "store.h"

/*
 * Whether the configured rules (c's) define id: 1, 0, or -1 when they do
 * not load (said on stderr).
 */
static int
mute_rule_defined(const char *cmd, const struct conf *c, const char *id)
{
	struct diags d;
	struct ruleset *rs;
	int found = 0;

	diags_init(&d);
	rs = rules_load(c->rules, c->nrules, &d);
	if (rs == NULL) {
		hark_diags_print(&d);
		hark_errorf("hark: %s: the configured rules do not load (hark check): cannot tell "
		            "whether rule '%s' is defined\n",
		            cmd, id);
		diags_free(&d);
		return -1;
	}
	for (size_t i = 0; i < ruleset_nrules(rs) && !found; i++)
		found = strcmp(ruleset_rule(rs, i)->id, id) == 0;
	for (size_t i = 0; i < ruleset_ndisabled(rs) && !found; i++)
		found = strcmp(ruleset_disabled(rs, i)->id, id) == 0;
	ruleset_free(rs);
	diags_free(&d);
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
	if ((words = mute_words(argc, argv, optind + 1)) == NULL) {
		hark_errorf("hark: mute: out of memory\n");
		return 2;
	}
	/* the words first: a malformed duration says so before the rules are loaded */
	if (mute_parse(words, strlen(words), &m, err, sizeof(err)) < 0 ||
	    muting_until(&m, now, &until, err, sizeof(err)) < 0) {
		hark_errorf("hark: mute: %s\n", err);
		goto out;
	}
	if (hark_conf_store_open("mute", STORE_WRITE, &c, &st) < 0)
		goto out;
	if ((r = mute_rule_defined("mute", c, argv[optind])) <= 0) {
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
	if ((r = mute_rule_defined("unmute", c, argv[optind])) < 0)
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
