/*
 * cmd_ingest.c: hark ingest FILE...: hand files to harkd through the drop
 * directory, the way CLI.md asks producers to: a copy in spool/tmp/, then a
 * rename into incoming/, so that harkd never sees half a file.
 */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "dropdir.h"
#include "hark.h"

/* The configured spool_dir (caller frees), or NULL after saying why. */
static char *
spool_configured(void)
{
	const char *path = conf_find(hark_config);
	struct conf *c = NULL;
	struct diags d;
	char *spool = NULL;

	if (path == NULL) {
		fprintf(stderr, "hark: ingest: no configuration found (give --spool DIR or "
		                "-c CONFIG)\n");
		return NULL;
	}
	diags_init(&d);
	if (conf_load(path, &c, &d) == 0) {
		spool = strdup(c->spool_dir);
		if (spool == NULL)
			fprintf(stderr, "hark: ingest: out of memory\n");
	}
	diags_print(&d, stderr);
	diags_free(&d);
	conf_free(c);
	return spool;
}

int
cmd_ingest(int argc, char **argv)
{
	static const struct option opts[] = {{"spool", required_argument, NULL, 's'},
	                                     {"quiet", no_argument, NULL, 'q'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	char *spool = NULL, final[NAME_MAX + 1], err[PATH_MAX + 128];
	int ch, quiet = 0, rc = 0;

	while ((ch = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			free(spool);
			if ((spool = strdup(optarg)) == NULL) {
				fprintf(stderr, "hark: ingest: out of memory\n");
				return 2;
			}
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			hark_usage("ingest", stdout);
			free(spool);
			return 0;
		default:
			hark_usage("ingest", stderr);
			free(spool);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "hark: ingest: no file given\n");
		hark_usage("ingest", stderr);
		free(spool);
		return 2;
	}
	if (spool == NULL && (spool = spool_configured()) == NULL)
		return 2;
	/* one file failing does not stop the others: exit 2 says some did */
	for (int i = optind; i < argc; i++) {
		if (dropdir_ingest(spool, argv[i], final, sizeof(final), err, sizeof(err)) < 0) {
			fprintf(stderr, "hark: ingest: %s\n", err);
			rc = 2;
		} else if (!quiet) {
			printf("%s -> incoming/%s\n", argv[i], final);
		}
	}
	free(spool);
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "hark: ingest: standard output: write error\n");
		rc = 2;
	}
	return rc;
}
