/*
 * rowdoc.h: the document of a stored article, as harkd matched it, for
 * what reads the archive again (hark backtest, the full-text re-index).
 */
#ifndef HARK_ROWDOC_H
#define HARK_ROWDOC_H

#include "doc.h"
#include "store.h"

/*
 * Fill doc (which the caller frees with doc_free, also on failure) from
 * r: the stored fields, the stored language (not identified again) and
 * identity. Returns 0, -1 when out of memory.
 */
int rowdoc_build(struct document *doc, const struct store_article_row *r);
/*
 * The full-text index's keys of a stored article (presearch_index_text()
 * of its document), the same as when it was indexed: malloc'd, NULL when
 * out of memory. A store_index_fn and store_keys_fn; arg is unused.
 */
char *rowdoc_keys(const struct store_article_row *r, void *arg);

#endif
