/*
 * query.h: the rule query language of RULES.md §2, parsed into a tree.
 * The parser checks syntax and structure; normalizing words into tokens is the
 * compiler's work (ruleset.c), which reports its own errors at the node places.
 */
#ifndef HARK_QUERY_H
#define HARK_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* Document fields; a mask of (1u << field). */
enum field { F_TITLE = 0, F_BODY, F_URL, F_SOURCE, F_MAX };
#define FM_DEFAULT ((1u << F_TITLE) | (1u << F_BODY))
#define FM_ALL ((1u << F_MAX) - 1)

enum qtype {
	Q_WORD,   /* one word as written, words[0] (may normalize to several tokens) */
	Q_PHRASE, /* "...": words[0..nwords), slop */
	Q_EXACT,  /* {...}: words[0].text compared on NFC text, no folding */
	Q_REGEX,  /* /pattern/flags */
	Q_LANG,   /* lang:xx */
	Q_AND,    /* kids[0..nkids) */
	Q_OR,     /* kids[0..nkids) */
	Q_NOT,    /* kids[0] */
	Q_NEAR,   /* kids[0] NEAR/near kids[1]; ordered for ONEAR */
};

enum qword_mode { QW_PLAIN = 0, QW_PREFIX, QW_FUZZY };

struct qword {
	char *text;    /* owned; as written, without the trailing * or ~N */
	size_t off;    /* joined offset of its first byte in the node's src */
	uint8_t mode;  /* enum qword_mode */
	int8_t budget; /* QW_FUZZY: 0..2, or -1 for the automatic budget */
};

#define QRE_CASELESS 0x01  /* i */
#define QRE_MULTILINE 0x02 /* m */
#define QRE_DOTALL 0x04    /* s */
#define QRE_EXTENDED 0x08  /* x */

struct qnode {
	enum qtype type;
	unsigned fields;          /* FM_* mask the leaf is restricted to; 0 = inherit */
	const struct srcmap *src; /* where the node was written (not owned) */
	size_t off, len;          /* its bytes in the joined text of src */
	char *atom;               /* owned; the leaf as written, e.g. Kamalmaz~ */

	struct qword *words; /* Q_WORD, Q_PHRASE, Q_EXACT; owned */
	size_t nwords;
	int slop; /* Q_PHRASE: "..."~N, else 0 */

	char *pattern;    /* Q_REGEX; owned */
	unsigned reflags; /* Q_REGEX: QRE_* */

	char lang[4]; /* Q_LANG: ISO 639-1 code, lower case */

	struct qnode **kids; /* owned */
	size_t nkids;
	int near;     /* Q_NEAR: the n of NEAR/n */
	bool ordered; /* Q_NEAR: ONEAR */
};

/*
 * Reads an @file list. path is as written; from is the file naming it. On
 * success stores the bytes (caller of the parser frees them through
 * query_free) and the resolved path, and returns 0; else returns -1 and sets
 * *err to a malloc'd one-line reason.
 */
typedef int (*query_include_fn)(void *arg, const char *path, const char *from, char **text,
                                size_t *len, char **resolved, char **err);

struct query_opts {
	query_include_fn include; /* NULL: @file is an error */
	void *include_arg;
};

struct query; /* the tree and every buffer and source map it points into */

/*
 * Parse text[0..len), whose places src maps to file:line:col. Errors and
 * warnings go to d. Returns the query (caller frees with query_free), or NULL
 * when there was an error. src must outlive the query.
 */
struct query *query_parse(const char *text, size_t len, const struct srcmap *src,
                          const struct query_opts *o, struct diags *d);
const struct qnode *query_root(const struct query *q);
void query_free(struct query *q);

/*
 * The tree under n as an S-expression, for tests and debugging: words as
 * written with * ~ ~N, (phrase~N w...), (exact w...), (regex /p/flags),
 * (lang xx), (AND ...), (OR ...), (NOT x), (NEAR/n a b), (ONEAR/n a b);
 * a leaf restricted to fields is prefixed, e.g. title:word. Returns a
 * malloc'd string (caller frees), NULL on ENOMEM.
 */
char *query_sexpr(const struct qnode *n);

/* Nesting limit of parentheses and operators, reported as an error beyond. */
#define QUERY_MAX_DEPTH 256

#endif
