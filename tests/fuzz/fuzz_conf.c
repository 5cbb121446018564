/*
 * fuzz_conf.c: libFuzzer harness for conf.c. Each input is written to
 * hark.conf in a scratch directory of this process and read with
 * conf_load_flags(); a loaded configuration must hold what conf.h promises
 * (absolute paths, a url in every feed and webhook, intervals of at least a
 * minute, a topic for ntfy), and every diagnostic is one line. The flags
 * go round the four loads (CONF_SECRETS, CONF_RULES, both, neither; hark
 * check's CONF_SECRETS_TRY in place of CONF_SECRETS by the input's size): a
 * rules wildcard that matches nothing leaves no rule file only in a load
 * without CONF_RULES (the tool's), and then with a warning. Violations
 * abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/fuzz_conf.XXXXXX";
static char path[sizeof dir + 16];

static void
cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

static void
check(const struct conf *c, unsigned flags, const struct diags *d)
{
	if (c->state_dir[0] != '/' || c->spool_dir[0] != '/')
		abort();
	if (c->nrules == 0 && ((flags & CONF_RULES) != 0 || d->n == 0))
		abort();
	for (size_t i = 0; i < c->nrules; i++)
		if (c->rules[i][0] != '/' || (i > 0 && strcmp(c->rules[i - 1], c->rules[i]) >= 0))
			abort();
	if (c->max_document_size < 1024 || c->max_document_size > (1u << 30))
		abort();
	/* retention: 0 (for ever) or from a minute to 100 years */
	{
		const int64_t keep[] = {c->keep_articles, c->keep_hits, c->keep_done_for,
		                        c->keep_failed};

		for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
			if (keep[i] != 0 && (keep[i] < 60 || keep[i] > 100LL * 366 * 86400))
				abort();
		if (!c->keep_done && c->keep_done_for != 0)
			abort();
	}
	for (size_t i = 0; i < c->nfeeds; i++)
		if (c->feeds[i].url == NULL || c->feeds[i].interval < 60 ||
		    strlen(c->feeds[i].lang) > 2)
			abort();
	for (size_t i = 0; i < c->nwebhooks; i++) {
		const struct conf_webhook *w = &c->webhooks[i];

		/* without CONF_SECRETS a url_file is not read: url is NULL then */
		if ((w->url == NULL && (c->secrets || w->url_file == NULL)) || w->format == NULL ||
		    w->nrules == 0)
			abort();
		if (strcmp(w->format, "ntfy") == 0 && w->topic == NULL)
			abort();
		if (w->secret != NULL && strncmp(w->secret, "whsec_", 6) != 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf *c = NULL;
	struct diags d;
	size_t wild = 0;
	/* hark check's CONF_SECRETS_TRY in place of CONF_SECRETS every other time */
	unsigned flags = (size & 1 ? (size & 4 ? CONF_SECRETS_TRY : CONF_SECRETS) : 0) |
	                 (size & 2 ? CONF_RULES : 0);
	FILE *f;

	if (path[0] == '\0') {
		if (mkdtemp(dir) == NULL)
			abort();
		snprintf(path, sizeof path, "%s/hark.conf", dir);
		atexit(cleanup);
	}
	/* three wildcards in rules could walk the whole file system: not what is tested */
	for (size_t i = 0; i < size; i++)
		wild += data[i] == '*' || data[i] == '?';
	if (size > 65536 || wild > 2)
		return 0;
	f = fopen(path, "wb");
	if (f == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);

	/* harkd's load (secrets read, rules run), the tool's, and the two between */
	diags_init(&d);
	if (conf_load_flags(path, flags, &c, &d) == 0) {
		if (c == NULL || d.nerrors != 0)
			abort();
		check(c, flags, &d);
	} else if (c != NULL || d.nerrors == 0) {
		abort();
	}
	for (size_t i = 0; i < d.n; i++)
		if (strchr(d.v[i].msg, '\n') != NULL)
			abort();
	conf_free(c);
	diags_free(&d);
	return 0;
}
