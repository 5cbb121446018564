/* cmd_check.c: hark check [RULES...]: diagnostics and a one-line summary. */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "hark.h"

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
		fprintf(stderr, "hark: check: unknown option '%s'\n", paths[0]);
		hark_usage("check", stderr);
		return 2;
	}
	diags_init(&d);
	/* the configuration's rules: and whether their alerts reach a webhook */
	if (n == 0 && conf_load_tool(&c, &d) == 0) {
		paths = c->rules;
		n = c->nrules;
		/* the secrets are harkd's: a member of group hark cannot read them */
		conf_note_secrets(c, &d);
	}
	rs = d.nerrors ? NULL : rules_load(paths, n, &d);
	if (rs != NULL && c != NULL)
		conf_check_routes(c, rs, &d);
	/* in the order of the files, whichever pass found them (diags_sort) */
	diags_sort(&d);
	diags_print(&d, stderr);
	if (rs != NULL) {
		printf("%zu rules, %zu atoms, ok\n", ruleset_nrules(rs), ruleset_natoms(rs));
		rc = 0;
	} else {
		rc = 2;
	}
	ruleset_free(rs);
	conf_free(c);
	diags_free(&d);
	return rc;
}
