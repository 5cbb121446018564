/*
 * cmd_ingest.c: hark ingest FILE...: hand files to harkd through the drop
 * directory, the way CLI.md asks producers to: a copy in spool/tmp/, then a
 * rename into incoming/, so that harkd never sees half a file. "-" is
 * standard input, read whole, under the name --name gives.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "conf.h"
#include "dropdir.h"
#include "fileio.h"
#include "hark.h"
#include "usage.h"

/* The configured spool_dir (caller frees), or NULL after saying why. */
static char *
spool_configured(void)
{
	const char *path = conf_find(hark_config);
	struct conf *c = NULL;
	struct diags d;
	char *spool = NULL;

	if (path == NULL) {
		hark_errorf("hark: ingest: no configuration found (give --spool DIR or "
		            "-c CONFIG)\n");
		return NULL;
	}
	diags_init(&d);
	if (conf_load(path, &c, &d) == 0) {
		spool = strdup(c->spool_dir);
		if (spool == NULL)
			hark_errorf("hark: ingest: out of memory\n");
	}
	hark_diags_print(&d);
	diags_free(&d);
	conf_free(c);
	return spool;
}

/*
 * --spool DIR must name a spool already: one that harkd made, incoming/ in
 * it (or tmp/: one that lost its incoming/, which dropdir refuses, saying
 * so). A
 * typo in a script would otherwise make a spool no harkd reads, and the
 * articles would wait there unseen. The configured spool_dir is made when
 * missing: a fresh install may ingest before harkd's first start. Returns
 * 0, or -1 after saying why.
 */
static int
spool_explicit_ok(const char *spool)
{
	char path[PATH_MAX];
	struct stat st;

	if ((size_t)snprintf(path, sizeof(path), "%s/incoming", spool) < sizeof(path) &&
	    lstat(path, &st) == 0)
		return 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/tmp", spool) < sizeof(path) &&
	    lstat(path, &st) == 0)
		return 0;
	hark_errorf("hark: ingest: --spool %s: not a spool (no incoming/ in it): harkd creates its "
	            "spool when it starts; give its spool_dir, or start harkd first\n",
	            spool);
	return -1;
}

/* One line a file, whatever its name holds: control characters as \n, \xHH. */
static void
ingest_put(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\\')
			fputs("\\\\", stdout);
		else if (c < 0x20 || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

/* "SRC -> /full/spool/incoming/NAME": where the file is, whatever --spool said. */
static void
ingest_print(const char *src, const char *spool, const char *final)
{
	char *full = realpath(spool, NULL);

	ingest_put(src);
	fputs(" -> ", stdout);
	ingest_put(full != NULL ? full : spool);
	fputs("/incoming/", stdout);
	ingest_put(final);
	putchar('\n');
	free(full);
}

/*
 * hark ingest --name NAME -: standard input read whole (it may be a pipe),
 * then handed over as a file, byte for byte, meta beside it.
 */
static int
ingest_stdin(const char *spool, const char *name, const struct dropdir_meta *meta, char *final,
             size_t finalsz, char *err, size_t errsz)
{
	char *buf = NULL;
	size_t len;
	int rc;

	if (fd_read_all(STDIN_FILENO, HARK_FILE_MAX, &buf, &len) < 0) {
		snprintf(err, errsz, "-: %s",
		         errno == EFBIG ? "larger than 256 MiB" : strerror(errno));
		return -1;
	}
	rc = dropdir_ingest_mem(spool, name, buf, len, meta, final, finalsz, err, errsz);
	free(buf);
	return rc;
}

int
cmd_ingest(int argc, char **argv)
{
	static const struct option opts[] = {{"spool", required_argument, NULL, 's'},
	                                     {"lang", required_argument, NULL, 'l'},
	                                     {"name", required_argument, NULL, 'n'},
	                                     {"quiet", no_argument, NULL, 'q'},
	                                     {"charset", required_argument, NULL, 'c'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	char *spool = NULL, final[NAME_MAX + 1], err[PATH_MAX + 256];
	const char *lang = NULL, *name = NULL, *charset = NULL;
	int ch, quiet = 0, rc = 0, nstdin = 0;

	while ((ch = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			free(spool);
			if ((spool = strdup(optarg)) == NULL) {
				hark_errorf("hark: ingest: out of memory\n");
				return 2;
			}
			break;
		case 'l':
			if (hark_lang_arg(argv[0], optarg) < 0) {
				free(spool);
				return 2;
			}
			lang = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'c':
			if (hark_charset_arg(argv[0], optarg) < 0) {
				free(spool);
				return 2;
			}
			charset = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			hark_usage("ingest", stdout);
			free(spool);
			return 0;
		default:
			usage_opt_error(argv[0], "qh", opts, argv);
			free(spool);
			return 2;
		}
	}
	if (optind >= argc) {
		usage_error(argv[0], "no file given");
		free(spool);
		return 2;
	}
	for (int i = optind; i < argc; i++)
		nstdin += strcmp(argv[i], "-") == 0;
	if (nstdin > 1 || (nstdin == 1 && name == NULL) || (nstdin == 0 && name != NULL)) {
		hark_errorf("hark: ingest: %s\n",
		            nstdin > 1     ? "- given twice: standard input is read once"
		            : name == NULL ? "-: standard input needs --name NAME, its name in the "
		                             "spool (whose extension tells its format)"
		                           : "--name names standard input: give - among the files");
		free(spool);
		return 2;
	}
	if (spool != NULL && spool_explicit_ok(spool) < 0) {
		free(spool);
		return 2;
	}
	if (spool == NULL && (spool = spool_configured()) == NULL)
		return 2;
	/* one file failing does not stop the others: exit 2 says some did */
	for (int i = optind; i < argc; i++) {
		/* the file's bytes as they are: its language and charset beside them */
		struct dropdir_meta meta = {.lang = lang, .charset = charset};

		if (strcmp(argv[i], "-") == 0
		        ? ingest_stdin(spool, name, &meta, final, sizeof(final), err, sizeof(err)) <
		              0
		        : dropdir_ingest_meta(spool, argv[i], &meta, final, sizeof(final), err,
		                              sizeof(err)) < 0) {
			hark_errorf("hark: ingest: %s\n", err);
			rc = 2;
		} else if (!quiet) {
			ingest_print(argv[i], spool, final);
		}
	}
	free(spool);
	if (fflush(stdout) == EOF) {
		hark_errorf("hark: ingest: standard output: write error\n");
		rc = 2;
	}
	return rc;
}
