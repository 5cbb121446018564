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
#include "charset.h"
#include "langdecl.h"

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
 * --charset CS: buf (len bytes, the caller's) converted from CS to UTF-8,
 * behind a UTF-8 byte order mark, which harkd believes before any
 * declaration the document makes (a <meta charset> or an XML encoding that
 * no longer holds). Returns a malloc'd copy with its length, or NULL with err.
 */
static char *
ingest_convert(const char *label, const char *buf, size_t len, const char *charset, size_t *outlen,
               char *err, size_t errsz)
{
	char cs[32], *utf8, *out;
	size_t n;

	if (charset_lookup(charset, cs) < 0 || (utf8 = charset_to_utf8(buf, len, cs, &n)) == NULL) {
		snprintf(err, errsz, "%s: --charset %s: %s", label, charset,
		         errno == ENOMEM ? "out of memory" : "not a charset hark knows");
		return NULL;
	}
	/* its own mark, when the file had one, is text now: not twice */
	if (n >= 3 && memcmp(utf8, "\xEF\xBB\xBF", 3) == 0) {
		*outlen = n;
		return utf8;
	}
	if ((out = malloc(n + 4)) == NULL) {
		free(utf8);
		snprintf(err, errsz, "%s: out of memory", label);
		return NULL;
	}
	memcpy(out, "\xEF\xBB\xBF", 3);
	memcpy(out + 3, utf8, n + 1);
	free(utf8);
	*outlen = n + 3;
	return out;
}

/*
 * hark ingest --name NAME -: standard input read whole (it may be a pipe:
 * no size to check a --lang edit against), then handed over as a file; a
 * file with --charset too (path names it; name is its name in the spool).
 */
static int
ingest_whole(const char *spool, const char *path, const char *name, const char *lang,
             const char *charset, char *final, size_t finalsz, char *err, size_t errsz)
{
	struct langdecl d;
	const char *why, *label = path != NULL ? path : "-";
	char *buf = NULL, *edited = NULL;
	size_t len, elen = 0;
	int rc = -1;

	memset(&d, 0, sizeof(d));
	if ((path != NULL ? file_read(path, HARK_FILE_MAX, &buf, &len)
	                  : fd_read_all(STDIN_FILENO, HARK_FILE_MAX, &buf, &len)) < 0) {
		snprintf(err, errsz, "%s: %s", label,
		         errno == EFBIG ? "larger than 256 MiB" : strerror(errno));
		return -1;
	}
	if (charset != NULL) {
		char *conv = ingest_convert(label, buf, len, charset, &len, err, errsz);

		if (conv == NULL)
			goto out;
		free(buf);
		buf = conv;
	}
	if (lang != NULL) {
		if (langdecl_find(buf, len, name, lang, &d, &why) < 0) {
			snprintf(err, errsz, "%s: --lang: %s", label, why);
			goto out;
		}
		elen = len - d.skip + d.len;
		if ((edited = malloc(elen + 1)) == NULL) {
			snprintf(err, errsz, "%s: out of memory", label);
			goto out;
		}
		memcpy(edited, buf, d.at);
		memcpy(edited + d.at, d.text, d.len);
		memcpy(edited + d.at + d.len, buf + d.at + d.skip, len - d.at - d.skip);
	}
	rc = dropdir_ingest_mem(spool, name, edited ? edited : buf, edited ? elen : len, final,
	                        finalsz, err, errsz);
out:
	free((char *)d.text);
	free(edited);
	free(buf);
	return rc;
}

/*
 * --lang LL: the edit of langdecl.h for the file at path (read whole: its
 * format is known by its content). Returns 0 with *ins (ins->bytes malloc'd:
 * the caller frees it), -1 with err.
 */
static int
ingest_lang(const char *path, const char *lang, struct dropdir_insert *ins, char *err, size_t errsz)
{
	struct langdecl d;
	const char *why;
	char *buf;
	size_t len;

	memset(ins, 0, sizeof(*ins));
	if (file_read(path, HARK_FILE_MAX, &buf, &len) < 0) {
		snprintf(err, errsz, "%s: %s", path,
		         errno == EFBIG ? "larger than 256 MiB" : strerror(errno));
		return -1;
	}
	if (langdecl_find(buf, len, path, lang, &d, &why) < 0) {
		snprintf(err, errsz, "%s: --lang: %s", path, why);
		free(buf);
		return -1;
	}
	free(buf);
	ins->at = d.at;
	ins->skip = d.skip;
	ins->bytes = d.text;
	ins->len = d.len;
	ins->size = (off_t)len;
	return 0;
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
		struct dropdir_insert ins;
		int in = strcmp(argv[i], "-") == 0;
		/* standard input, and a file to convert: read whole (ingest_whole) */
		int with = lang != NULL && !in && charset == NULL;
		const char *base = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];

		memset(&ins, 0, sizeof(ins));
		if (in || charset != NULL
		        ? ingest_whole(spool, in ? NULL : argv[i], in ? name : base, lang, charset,
		                       final, sizeof(final), err, sizeof(err)) < 0
		        : (with && ingest_lang(argv[i], lang, &ins, err, sizeof(err)) < 0) ||
		              dropdir_ingest_insert(spool, argv[i], with ? &ins : NULL, final,
		                                    sizeof(final), err, sizeof(err)) < 0) {
			hark_errorf("hark: ingest: %s\n", err);
			rc = 2;
		} else if (!quiet) {
			ingest_print(argv[i], spool, final);
		}
		free((char *)ins.bytes);
	}
	free(spool);
	if (fflush(stdout) == EOF) {
		hark_errorf("hark: ingest: standard output: write error\n");
		rc = 2;
	}
	return rc;
}
