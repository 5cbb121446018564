/* cmd_check.c: hark check [RULES...]: diagnostics and a one-line summary. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "confhost.h"
#include "hark.h"
#include "usage.h"

/* -c CONFIG or HARK_CONFIG: a configuration asked for, not one found by chance */
static bool
conf_given(void)
{
	const char *env = getenv("HARK_CONFIG");

	return hark_config != NULL || (env != NULL && *env != '\0');
}

/*
 * Rule files named, with a configuration given: their notify names are
 * checked against its destinations, as harkd would (a misspelt name sends
 * the alerts nowhere). Whether each destination is reached is not said:
 * these files need not be all its rules. A configuration that does not load
 * is not these files' error: a note says the names went unchecked.
 */
static void
check_notify_given(const struct ruleset *rs, struct diags *d)
{
	struct diags cd;
	struct conf *c = NULL;

	diags_init(&cd);
	if (conf_load_tool(&c, &cd) == 0)
		conf_check_notify(c, rs, d);
	else
		diags_add(d, conf_find(hark_config), 0, 0, DIAG_NOTE,
		          "the rules' notify names are not checked: this configuration has errors "
		          "(hark check without arguments shows them)");
	conf_free(c);
	diags_free(&cd);
}

int
cmd_check(int argc, char **argv)
{
	struct diags d;
	struct ruleset *rs;
	char **paths = argv + 1;
	size_t n = (size_t)argc - 1;
	struct conf *c = NULL;
	int rc;

	if (hark_wants_help(argc, argv, "check"))
		return 0;
	/* no options of its own: "--" ends them, anything else with "-" is a mistake */
	if (n > 0 && strcmp(paths[0], "--") == 0) {
		paths++;
		n--;
	} else if (n > 0 && paths[0][0] == '-' && paths[0][1] != '\0') {
		usage_error(argv[0], "unknown option '%s'", paths[0]);
		return 2;
	}
	diags_init(&d);
	/* the configuration's rules: and whether their alerts reach a webhook */
	/* as harkd -n: a rules glob that matches no file is an error (CONF_RULES) */
	/*
	 * The secret files read and checked as harkd reads them, where this
	 * user may: a member of group hark cannot read them, and is told so
	 */
	if (n == 0 && conf_load_tool_flags(CONF_RULES | CONF_SECRETS_TRY, &c, &d) == 0) {
		paths = c->rules;
		n = c->nrules;
		conf_note_secrets(c, &d);
	}
	rs = d.nerrors ? NULL : rules_load(paths, n, &d);
	if (rs != NULL && c != NULL)
		conf_check_routes(c, rs, &d);
	else if (rs != NULL && conf_given())
		check_notify_given(rs, &d);
	/* the directories and addresses harkd's start would refuse, as harkd -n says it */
	if (c != NULL)
		confhost_check(c, CONFHOST_TOOL, &d);
	/* in the order of the files, whichever pass found them (diags_sort) */
	diags_sort(&d);
	hark_diags_print(&d);
	if (rs != NULL && d.nerrors == 0) {
		printf("%zu rule%s, %zu atom%s, ok\n", ruleset_nrules(rs),
		       ruleset_nrules(rs) == 1 ? "" : "s", ruleset_natoms(rs),
		       ruleset_natoms(rs) == 1 ? "" : "s");
		rc = 0;
	} else {
		rc = 2;
	}
	ruleset_free(rs);
	conf_free(c);
	diags_free(&d);
	return rc;
}
