/*
 * cmd_conf.c: the configuration as the command-line tool needs it: the rule
 * files of hark match and hark check. It lives with the tool's files (not in
 * conf.c, which harkd and the tests link too) because it reads hark_config,
 * the -c of hark.c.
 */
#include <stdlib.h>

#include "conf.h"
#include "hark_paths.h"
#include "hark.h"

int
conf_load_tool(struct conf **out, struct diags *d)
{
	return conf_load_tool_flags(0, out, d);
}

int
conf_load_tool_flags(unsigned flags, struct conf **out, struct diags *d)
{
	const char *path = conf_find(hark_config);

	*out = NULL;
	if (path == NULL) {
		diags_add(d, "hark", 0, 0, DIAG_ERROR,
		          "no rules given and no configuration found (give -c CONFIG, set "
		          "HARK_CONFIG, or create ./hark.conf or " HARK_CONF_DEFAULT ")");
		return -1;
	}
	return conf_load_flags(path, flags, out, d);
}

int
conf_rule_paths(char ***paths, size_t *n, struct diags *d)
{
	struct conf *c;

	*paths = NULL;
	*n = 0;
	if (conf_load_tool(&c, d) < 0)
		return -1;
	/* the rule paths change hands; the rest of the configuration is not needed */
	*paths = c->rules;
	*n = c->nrules;
	c->rules = NULL;
	c->nrules = 0;
	conf_free(c);
	return 0;
}

int
conf_languages_tool(char **languages, struct diags *d)
{
	const char *path = conf_find(hark_config);
	struct conf *c;

	*languages = NULL;
	if (path == NULL)
		return 0; /* no configuration: no prior, as before there was one */
	/* the rules are given (-r) or not wanted: the configuration's are not read */
	if (conf_load_flags(path, CONF_NORULES, &c, d) < 0)
		return -1;
	*languages = c->languages;
	c->languages = NULL;
	conf_free(c);
	return 0;
}
