/*
 * cmd_extract.c: hark extract: what hark sees in an article file, the
 * fields and the text, for the user who wonders why a hit is missing.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dropdir.h"
#include "extract.h"
#include "hark.h"
#include "usage.h"
#include "lang.h"

static void
set_str(json_t *o, const char *key, const char *s)
{
	if (s != NULL)
		json_object_set_new(o, key, json_string(s));
}

static json_t *
doc_json(const struct extraction *x, const struct document *d)
{
	json_t *o = json_object();
	char fp[17];

	set_str(o, "file", d->file);
	json_object_set_new(o, "format", json_string(extract_format_name(x->format)));
	set_str(o, "feed_format", x->feed_format);
	json_object_set_new(o, "charset", json_string(x->charset));
	json_object_set_new(o, "charset_by", json_string(charset_by_name(x->charset_by)));
	if (x->charset_by == CHARSET_BY_MIXED) {
		json_object_set_new(o, "charset_mixed", json_string(x->charset_mixed));
		json_object_set_new(o, "charset_mixed_bytes",
		                    json_integer((json_int_t)x->charset_mixed_bytes));
	}
	json_object_set_new(o, "id", json_string(d->id));
	set_str(o, "entry_id", d->meta.id);
	if (d->field[F_TITLE] != NULL)
		json_object_set_new(o, "title",
		                    json_stringn(d->field[F_TITLE], d->field_len[F_TITLE]));
	set_str(o, "url", d->url);
	set_str(o, "canonical_url", d->canonical);
	set_str(o, "published", d->published);
	if (d->lang[0] != '\0')
		json_object_set_new(o, "lang", json_string(d->lang));
	set_str(o, "lang_by", d->lang[0] != '\0' ? lang_by_name(d->lang_by) : NULL);
	if (d->lang_declared[0] != '\0')
		json_object_set_new(o, "lang_declared", json_string(d->lang_declared));
	snprintf(fp, sizeof(fp), "%016llx", (unsigned long long)d->simhash);
	json_object_set_new(o, "simhash", json_string(fp));
	set_str(o, "summary", d->meta.summary);
	set_str(o, "keywords", d->meta.keywords);
	if (d->meta.nauthors > 0) {
		json_t *a = json_array();

		for (size_t i = 0; i < d->meta.nauthors; i++)
			json_array_append_new(a, json_string(d->meta.authors[i]));
		json_object_set_new(o, "authors", a);
	}
	if (x->warning[0] != '\0')
		json_object_set_new(o, "warning", json_string(x->warning));
	json_object_set_new(o, "body", json_stringn(d->field[F_BODY], d->field_len[F_BODY]));
	return o;
}

static void
print_field(const char *name, const char *value)
{
	if (value != NULL && *value != '\0') {
		printf("%-10s ", name);
		hark_put_text(stdout, value, strlen(value), HARK_TEXT_LINE);
		putchar('\n');
	}
}

static void
doc_print(const struct extraction *x, const struct document *d)
{
	char buf[128], why[80];

	print_field("file:", d->file);
	/* "utf-8 (mixed: 10 bytes read as windows-1252)": what was read as what */
	if (x->charset_by == CHARSET_BY_MIXED)
		snprintf(why, sizeof(why), "mixed: %zu byte%s read as %s", x->charset_mixed_bytes,
		         x->charset_mixed_bytes == 1 ? "" : "s", x->charset_mixed);
	else
		snprintf(why, sizeof(why), "%s", charset_by_name(x->charset_by));
	if (x->feed_format != NULL)
		snprintf(buf, sizeof(buf), "feed (%s), %s (%s)", x->feed_format, x->charset, why);
	else
		snprintf(buf, sizeof(buf), "%s, %s (%s)", extract_format_name(x->format),
		         x->charset, why);
	print_field("format:", buf);
	print_field("title:", d->field[F_TITLE]);
	print_field("url:", d->url);
	if (d->canonical != NULL && (d->url == NULL || strcmp(d->canonical, d->url) != 0))
		print_field("canonical:", d->canonical);
	print_field("published:", d->published);
	if (d->lang_declared[0] != '\0' && strcmp(d->lang_declared, d->lang) != 0)
		snprintf(buf, sizeof(buf), "%s (declared %s)", d->lang[0] ? d->lang : "unknown",
		         d->lang_declared);
	else
		snprintf(buf, sizeof(buf), "%s", d->lang[0] ? d->lang : "unknown");
	print_field("lang:", buf);
	print_field("id:", d->id);
	snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)d->simhash);
	print_field("simhash:", buf);
	print_field("summary:", d->meta.summary);
	print_field("keywords:", d->meta.keywords);
	for (size_t i = 0; i < d->meta.nauthors; i++)
		print_field("author:", d->meta.authors[i]);
	putchar('\n');
	hark_put_text(stdout, d->field[F_BODY], d->field_len[F_BODY], HARK_TEXT_BLOCK);
	putchar('\n');
}

int
cmd_extract(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
	                                     {"lang", required_argument, NULL, 'l'},
	                                     {"charset", required_argument, NULL, 'c'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *lang = NULL, *charset = NULL;
	char *prior = NULL;
	struct diags dg;
	int ch, json = 0, errors = 0, printed = 0;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'l':
			if (hark_lang_arg(argv[0], optarg) < 0)
				return 2;
			lang = optarg;
			break;
		case 'c':
			if (hark_charset_arg(argv[0], optarg) < 0)
				return 2;
			charset = optarg;
			break;
		case 'h':
			hark_usage("extract", stdout);
			return 0;
		default:
			usage_opt_error(argv[0], "h", opts, argv);
			return 2;
		}
	}
	if (optind >= argc) {
		usage_error(argv[0], "no file given (use - for standard input)");
		return 2;
	}
	/* the configured languages, the prior of identification (no configuration: none) */
	diags_init(&dg);
	ch = conf_languages_tool(&prior, &dg);
	hark_diags_print(&dg);
	diags_free(&dg);
	if (ch < 0)
		return 2;
	for (int i = optind; i < argc; i++) {
		const char *name = strcmp(argv[i], "-") == 0 ? "(standard input)" : argv[i];
		struct extract_opts o = {
		    .file = name,
		    .source = "drop",
		    .lang = lang,
		    .lang_prior = prior,
		    .charset_force = charset,
		    .charset_option = "--charset",
		};
		struct extraction x;
		char err[256], mlang[8], mcharset[32];
		char *buf;
		size_t len;

		/* hark ingest's --lang and --charset, beside the bytes, as harkd reads them */
		if (dropdir_meta_path(argv[i], mlang, mcharset, err, sizeof(err)) < 0) {
			hark_errorf("hark: %s: %s\n", name, err);
			errors++;
			continue;
		}
		if (lang == NULL && mlang[0] != '\0')
			o.lang_declared = mlang;
		if (charset == NULL && mcharset[0] != '\0')
			o.charset_force = mcharset;
		if (file_read(argv[i], HARK_FILE_MAX, &buf, &len) < 0) {
			hark_errorf("hark: %s: %s\n", name,
			            errno == EFBIG ? "larger than 256 MiB" : strerror(errno));
			errors++;
			continue;
		}
		if (extract_bytes(buf, len, &o, &x, err, sizeof(err)) < 0) {
			hark_errorf("hark: %s: %s\n", name, err);
			free(buf);
			errors++;
			continue;
		}
		free(buf);
		if (x.warning[0] != '\0')
			hark_errorf("hark: %s: warning: %s\n", name, x.warning);
		for (size_t k = 0; k < x.ndocs; k++) {
			doc_complete(&x.docs[k]); /* the language and SimHash are shown */
			if (json) {
				json_t *o2 = doc_json(&x, &x.docs[k]);
				char *s = json_dumps(o2, JSON_COMPACT);

				if (s != NULL)
					hark_put_json(stdout, s);
				free(s);
				json_decref(o2);
			} else {
				if (printed++)
					printf("\n--\n\n");
				doc_print(&x, &x.docs[k]);
			}
		}
		extraction_free(&x);
	}
	free(prior);
	return errors ? 2 : 0;
}
