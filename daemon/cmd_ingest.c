/*
 * cmd_ingest.c: hark ingest FILE...: hand files to harkd through the drop
 * directory, the way CLI.md asks producers to: a copy in spool/tmp/, then a
 * rename into incoming/, so that harkd never sees half a file.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "dropdir.h"
#include "extract.h"
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

static void
ingest_print(const char *src, const char *final)
{
	ingest_put(src);
	fputs(" -> incoming/", stdout);
	ingest_put(final);
	putchar('\n');
}

/* A YAML double-quoted scalar of s[0..n) into *out (malloc'd), for a title line. */
static char *
yaml_quote(const char *s, size_t n)
{
	char *q = malloc(n * 4 + 3), *w = q;

	if (q == NULL)
		return NULL;
	*w++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			*w++ = '\\';
			*w++ = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			w += sprintf(w, "\\x%02x", c);
		} else {
			*w++ = (char)c;
		}
	}
	*w++ = '"';
	*w = '\0';
	return q;
}

/*
 * --lang LL: the file declares its language the way its format does. Plain
 * text becomes a YAML front matter with its title line and lang, then the
 * rest (the same title and body, now declared); an existing front matter
 * gets a lang: line at its end (the last key wins), a JSON article a "lang"
 * member at its end (likewise). HTML and feeds carry their own declarations
 * (<html lang>, the feed's language): refused. Returns 0 with *ins (its
 * bytes malloc'd: the caller frees ins->bytes), -1 with err.
 */
static int
ingest_lang(const char *path, const char *lang, struct dropdir_insert *ins, char *err, size_t errsz)
{
	char *buf, *text = NULL, *title;
	size_t len, bom = 0, i, s, e;
	int rc = -1;

	memset(ins, 0, sizeof(*ins));
	if (file_read(path, HARK_FILE_MAX, &buf, &len) < 0) {
		snprintf(err, errsz, "%s: %s", path,
		         errno == EFBIG ? "larger than 256 MiB" : strerror(errno));
		return -1;
	}
	ins->size = (off_t)len;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		bom = 3;
	if (memchr(buf, '\0', len) != NULL ||
	    (len >= 2 && ((unsigned char)buf[0] == 0xFF || (unsigned char)buf[0] == 0xFE))) {
		snprintf(err, errsz, "%s: --lang: not a text file in UTF-8 or an ASCII charset",
		         path);
		goto out;
	}
	switch (extract_format_of(buf + bom, len - bom, path)) {
	case FMT_TEXT:
		/* the first non-blank line is the title (as hark reads text); blank ones go too */
		for (s = i = bom; i < len; s = ++i) {
			while (i < len && buf[i] != '\n')
				i++;
			for (e = i; e > s && strchr(" \t\r\f\v", buf[e - 1]) != NULL; e--)
				;
			while (s < e && strchr(" \t\r\f\v", buf[s]) != NULL)
				s++;
			if (s < e)
				break;
		}
		if (i >= len && s >= len) {
			snprintf(err, errsz, "%s: --lang: no text in it", path);
			goto out;
		}
		if ((title = yaml_quote(buf + s, e - s)) == NULL ||
		    asprintf(&text, "---\ntitle: %s\nlang: %s\n---\n", title, lang) < 0) {
			free(title);
			text = NULL;
			snprintf(err, errsz, "out of memory");
			goto out;
		}
		free(title);
		ins->at = bom;
		ins->skip = (i < len ? i + 1 : len) - bom;
		rc = 0;
		break;
	case FMT_FRONTMATTER:
		/* before the line that closes it: "---" or "...", blanks after */
		for (i = bom; i < len && buf[i] != '\n'; i++)
			;
		while (i < len && rc < 0) {
			s = ++i;
			while (i < len && buf[i] != '\n')
				i++;
			for (e = i; e > s && strchr(" \t\r", buf[e - 1]) != NULL; e--)
				;
			if (e - s == 3 &&
			    (memcmp(buf + s, "---", 3) == 0 || memcmp(buf + s, "...", 3) == 0)) {
				ins->at = s;
				rc = asprintf(&text, "lang: %s\n", lang) < 0 ? -1 : 0;
			}
		}
		if (rc < 0)
			snprintf(err, errsz, "%s: --lang: its front matter has no closing line",
			         path);
		break;
	case FMT_JSON:
		for (i = len; i > bom && strchr(" \t\r\n", buf[i - 1]) != NULL; i--)
			;
		if (i == bom || buf[i - 1] != '}') {
			snprintf(err, errsz, "%s: --lang: not a JSON object", path);
			break;
		}
		ins->at = i - 1;
		/* after the last member, or alone in an empty object */
		for (e = i - 1; e > bom && strchr(" \t\r\n", buf[e - 1]) != NULL; e--)
			;
		rc = asprintf(&text, "%s\"lang\":\"%s\"", e > bom && buf[e - 1] == '{' ? "" : ",",
		              lang) < 0
		         ? -1
		         : 0;
		break;
	case FMT_HTML:
	case FMT_FEED:
		snprintf(err, errsz,
		         "%s: --lang: an HTML page or a feed declares its own language (<html "
		         "lang>, the feed's language); --lang takes text, Markdown and JSON "
		         "articles",
		         path);
		break;
	}
	if (rc == 0 && text == NULL) {
		snprintf(err, errsz, "out of memory");
		rc = -1;
	}
	if (rc == 0) {
		ins->bytes = text;
		ins->len = strlen(text);
	} else {
		free(text);
	}
out:
	free(buf);
	return rc;
}

int
cmd_ingest(int argc, char **argv)
{
	static const struct option opts[] = {{"spool", required_argument, NULL, 's'},
	                                     {"lang", required_argument, NULL, 'l'},
	                                     {"quiet", no_argument, NULL, 'q'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	char *spool = NULL, final[NAME_MAX + 1], err[PATH_MAX + 256];
	const char *lang = NULL;
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
		case 'l':
			if (hark_lang_arg(optarg) < 0) {
				free(spool);
				return 2;
			}
			lang = optarg;
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
		struct dropdir_insert ins;
		/* standard input is refused by dropdir_ingest_insert(), --lang or not */
		int with = lang != NULL && strcmp(argv[i], "-") != 0;

		memset(&ins, 0, sizeof(ins));
		if ((with && ingest_lang(argv[i], lang, &ins, err, sizeof(err)) < 0) ||
		    dropdir_ingest_insert(spool, argv[i], with ? &ins : NULL, final, sizeof(final),
		                          err, sizeof(err)) < 0) {
			fprintf(stderr, "hark: ingest: %s\n", err);
			rc = 2;
		} else if (!quiet) {
			ingest_print(argv[i], final);
		}
		free((char *)ins.bytes);
	}
	free(spool);
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "hark: ingest: standard output: write error\n");
		rc = 2;
	}
	return rc;
}
