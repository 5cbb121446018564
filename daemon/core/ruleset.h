/*
 * ruleset.h: every rule compiled into one immutable structure whose
 * per-document matching cost does not grow with the number of rules.
 * Built once, then shared read-only (a reload builds a new one beside it).
 */
#ifndef HARK_RULESET_H
#define HARK_RULESET_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "query.h"

/* Every string and array of a rule belongs to its ruleset (name may be id). */
struct rule {
	char *id, *name;
	char **tags;
	size_t ntags;
	char **notify;
	size_t nnotify;
	struct srcpos *notify_at; /* where each notify name is written: for its warnings */
	char **langs;
	size_t nlangs;
	char *query; /* the query as written (continuation lines joined): shown by /rules */
	char *file;  /* where it was defined */
	unsigned line;
	bool enabled; /* false: kept for the record (ruleset_disabled), never compiled */
};

struct ruleset;

struct ruleset *ruleset_new(void);
void ruleset_free(struct ruleset *rs);

/*
 * Parse the rule file text (path names it in diagnostics and anchors @file
 * lists) and compile its enabled rules into rs. Diagnostics go to d. Returns
 * 0 when the file had no error; -1 otherwise (its good rules are still added).
 */
int ruleset_add_file(struct ruleset *rs, const char *path, const char *text, size_t len,
                     const struct query_opts *o, struct diags *d);

/*
 * A compile on a thread can be stopped: once *flag is non-zero,
 * ruleset_add_file() stops before its next rule and returns -1 with an
 * error "cancelled". flag is the caller's and must outlive the compile.
 */
void ruleset_set_cancel(struct ruleset *rs, const atomic_int *flag);

/* Build the indexes after the last file. Returns 0, -1 on ENOMEM. */
int ruleset_finish(struct ruleset *rs, struct diags *d);

size_t ruleset_nrules(const struct ruleset *rs);
size_t ruleset_natoms(const struct ruleset *rs);
const struct rule *ruleset_rule(const struct ruleset *rs, size_t i);
size_t ruleset_memory(const struct ruleset *rs);
/*
 * The rules of the files that say enabled = no, in the files' order: not
 * compiled nor matched, kept so that the rules pages list them. Their ids
 * are not checked for duplicates (as hark check never did).
 */
size_t ruleset_ndisabled(const struct ruleset *rs);
const struct rule *ruleset_disabled(const struct ruleset *rs, size_t i);
/*
 * The ids of the rules that have tag, in the set's order; when nonly > 0,
 * only those among only[0..nonly) (every filter holds). Tags live in the
 * rule files, not the database: hark hits --tag and the API's tag= ask
 * here. Returns 0 with *ids (the array the caller frees; the ids are the
 * set's, borrowed) and *n (0: *ids NULL), -1 when out of memory.
 */
int ruleset_tagged(const struct ruleset *rs, const char *tag, const char *const *only, size_t nonly,
                   const char ***ids, size_t *n);

#endif
