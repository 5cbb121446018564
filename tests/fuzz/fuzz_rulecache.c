/*
 * fuzz_rulecache.c: libFuzzer harness for rulecache.c, the loader of the
 * compiled rule cache. The bytes go to rulecache_load twice: as they are
 * (the checksum refuses nearly all), then sealed again (rulecache_seal:
 * this build's tag and a checksum that holds) so that every check behind
 * those two is reached. A refusal must give a reason; a set accepted must
 * match a few documents without fault (ASan), its rules' strings readable.
 * Seeds in corpus/rulecache/: caches hark match wrote for small rule files.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "rulecache.h"
#include "ruleset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const texts[] = {
    "Title\nBashar al-Assad met Karim Haddadin in Amman, abc 123.",
    "Mueller\nMüller and Jordan*, Kamalmaz; كتائب الساحل",
};

static int
on_hit(const struct hit *h, void *arg)
{
	size_t *n = arg;

	*n += strlen(h->rule->id) + strlen(h->rule->name) + strlen(h->rule->file);
	for (size_t i = 0; i < h->nspans; i++)
		*n += strlen(h->spans[i].atom);
	return 0;
}

static void
try_load(const uint8_t *data, size_t size, int seal)
{
	struct rulecache_extra x;
	const char *why = NULL;
	struct ruleset *rs;
	void *buf = aligned_alloc(64, (size + 64) / 64 * 64);

	if (buf == NULL)
		return;
	memcpy(buf, data, size);
	if (seal)
		rulecache_seal(buf, size);
	if ((rs = rulecache_load(buf, size, &x, &why)) == NULL) {
		if (why == NULL || why[0] == '\0')
			abort();
		free(buf);
		return;
	}
	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		struct document doc;
		struct matcher *m = matcher_new(rs);
		const char *err;
		size_t n = 0;

		if (m != NULL && doc_from_text(&doc, texts[i], strlen(texts[i]), "f.txt", "drop",
		                               i ? "de" : "en", &err) == 0) {
			(void)matcher_run(m, &doc, on_hit, &n);
			doc_free(&doc);
		}
		matcher_free(m);
	}
	for (size_t i = 0; i < ruleset_ndisabled(rs); i++)
		if (strlen(ruleset_disabled(rs, i)->id) == (size_t)-1)
			abort();
	rulecache_extra_free(&x);
	ruleset_free(rs); /* and buf */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	try_load(data, size, 0);
	try_load(data, size, 1);
	return 0;
}
