/*
 * normtest: the walk of Unicode's NormalizationTest.txt (RULES.md §3: rules
 * get every normalization step documents get, NFC included).
 *
 *   bzip2 -dc /usr/share/unicode/NormalizationTest.txt.bz2 | normtest
 *
 * For every line c1;c2;c3;c4;c5 (source, NFC, NFD, NFKC, NFKD), each column
 * written as a rule (a phrase) must match an article holding the NFKC form
 * c4 (the NFKC form of every column), and the reverse: c4 as a rule must
 * match an article holding each column as written (decomposed articles).
 * A column without letters or digits makes no rule ("has no letters or
 * digits") and is counted apart. Prints how many lines and pairs were
 * checked; exits 1 on any miss, listing the first ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "doc.h"
#include "hit.h"
#include "match.h"
#include "ruleset.h"
#include "utf8.h"

#define NCOL 5
#define SHOW_MAX 20

struct hits {
	int hit[NCOL]; /* rule cK hit the document */
};

static int
collect(const struct hit *h, void *arg)
{
	struct hits *hs = arg;
	const char *id = h->rule->id;

	if (id[0] == 'c' && id[1] >= '1' && id[1] <= '5' && id[2] == '\0')
		hs->hit[id[1] - '1'] = 1;
	return 0;
}

/* Parse "0044 0307" into UTF-8 at out (cap bytes); returns 0, -1 when bad. */
static int
parse_col(const char *s, const char *end, char *out, size_t cap)
{
	size_t n = 0;
	char tmp[4];

	while (s < end) {
		char *e;
		unsigned long cp;
		size_t k;

		while (s < end && *s == ' ')
			s++;
		if (s >= end)
			break;
		cp = strtoul(s, &e, 16);
		if (e == s || cp > 0x10FFFF)
			return -1;
		s = e;
		k = utf8_encode((uint32_t)cp, tmp);
		if (n + k + 1 > cap)
			return -1;
		memcpy(out + n, tmp, k);
		n += k;
	}
	out[n] = '\0';
	return 0;
}

/*
 * The column as the text of a phrase: the query syntax characters that
 * may occur in it (all of them separators to the tokenizer) become spaces,
 * so that the phrase holds the column's words and nothing else.
 */
static int
phrase_text(const char *col, char *out, size_t cap)
{
	int changed = 0;
	size_t n = strlen(col);

	if (n + 1 > cap)
		return -1;
	for (size_t i = 0; i <= n; i++) {
		out[i] = col[i];
		if (col[i] != '\0' && strchr("\"*~\\{}/()", col[i]) != NULL) {
			out[i] = ' ';
			changed = 1;
		}
	}
	return changed;
}

int
main(void)
{
	char line[4096], cols[NCOL][1024], text[1024], rule[1200];
	unsigned long lines = 0, pairs = 0, rev = 0, nowords = 0, sanitized = 0, misses = 0;
	unsigned long lineno = 0;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		const char *p = line, *semi;
		int ok = 1, compiled[NCOL] = {0};
		struct ruleset *rs;
		struct matcher *m;
		struct diags d;

		lineno++;
		if (line[0] == '#' || line[0] == '@' || line[0] == '\n')
			continue;
		for (int k = 0; k < NCOL && ok; k++) {
			semi = strchr(p, ';');
			if (semi == NULL || parse_col(p, semi, cols[k], sizeof(cols[k])) < 0)
				ok = 0;
			else
				p = semi + 1;
		}
		if (!ok) {
			fprintf(stderr, "normtest: line %lu: cannot parse\n", lineno);
			return 2;
		}
		lines++;
		rs = ruleset_new();
		diags_init(&d);
		for (int k = 0; k < NCOL; k++) {
			int r = phrase_text(cols[k], text, sizeof(text));

			if (r < 0)
				return 2;
			sanitized += (unsigned long)r;
			snprintf(rule, sizeof(rule), "[rule c%d]\nquery = \"%s\"\n", k + 1, text);
			diags_free(&d);
			diags_init(&d);
			if (ruleset_add_file(rs, "n.rules", rule, strlen(rule), NULL, &d) == 0) {
				compiled[k] = 1;
				continue;
			}
			if (d.n > 0 && (strstr(d.v[0].msg, "no letters or digits") != NULL ||
			                strstr(d.v[0].msg, "empty phrase") != NULL)) {
				nowords++;
				continue;
			}
			fprintf(stderr,
			        "normtest: line %lu: column %d: rule does not compile: %s\n",
			        lineno, k + 1, d.n > 0 ? d.v[0].msg : "?");
			return 2;
		}
		if (ruleset_finish(rs, &d) < 0 || (m = matcher_new(rs)) == NULL) {
			fprintf(stderr, "normtest: out of memory\n");
			return 2;
		}
		for (int j = 0; j < NCOL; j++) {
			struct document doc;
			struct hits hs;
			const char *err;

			/* the forward check needs c4, the reverse every column */
			memset(&hs, 0, sizeof(hs));
			if (doc_from_text(&doc, cols[j], strlen(cols[j]), "n.txt", "drop", "en",
			                  &err) < 0) {
				fprintf(stderr, "normtest: line %lu: %s\n", lineno, err);
				return 2;
			}
			matcher_run(m, &doc, collect, &hs);
			doc_free(&doc);
			for (int k = 0; k < NCOL; k++) {
				/* forward: rule ck, article c4; reverse: rule c4, article cj */
				int fwd = j == 3 && compiled[k],
				    bwd = k == 3 && j != 3 && compiled[3];

				if (!fwd && !bwd)
					continue;
				if (fwd)
					pairs++;
				else
					rev++;
				if (hs.hit[k])
					continue;
				if (misses++ < SHOW_MAX)
					fprintf(stderr,
					        "normtest: line %lu: rule c%d \"%s\" misses "
					        "article c%d "
					        "\"%s\"\n",
					        lineno, k + 1, cols[k], j + 1, cols[j]);
			}
		}
		matcher_free(m);
		ruleset_free(rs);
		diags_free(&d);
	}
	printf("normtest: %lu lines, %lu rule/NFKC-article pairs, %lu NFKC-rule/article pairs "
	       "checked; %lu columns without letters or digits (no rule), %lu with query "
	       "syntax characters made spaces; %lu misses\n",
	       lines, pairs, rev, nowords, sanitized, misses);
	if (lines < 10000) {
		fprintf(stderr,
		        "normtest: only %lu lines read: not the whole NormalizationTest.txt\n",
		        lines);
		return 1;
	}
	return misses > 0;
}
