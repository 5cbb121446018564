/*
 * try.h: what a person types into /try or q= compiled, with the compiler of
 * hark check (ruleset.c): a query of the rule language, or a whole rule
 * file. Pure: text in, a rule set and diagnostics out.
 */
#ifndef HARK_TRY_H
#define HARK_TRY_H

#include <stddef.h>

#include "diag.h"
#include "ruleset.h"

/* How diagnostics name the text: "query:1:7: error: ...", "rules:3:9: ...". */
#define TRY_QUERY_FILE "query"
#define TRY_RULES_FILE "rules"
/* The rule a query becomes: its hits name it. */
#define TRY_RULE_ID "try"

/*
 * Compile text[0..len): with as_rules 0 a query, made the one rule
 * TRY_RULE_ID (its lines are the query's lines, as if written under
 * `query =`: a blank line or one starting with # or ; is no part of it),
 * its diagnostics placed in the query's own lines and columns; with
 * as_rules 1 a rule file. @file lists are refused (a form names no file of
 * the server's). cancel (NULL: none) stops a long compile as
 * ruleset_set_cancel() does. Diagnostics, in order, go to d. Returns the
 * rule set (ruleset_free), or NULL when d holds an error.
 */
struct ruleset *try_compile(const char *text, size_t len, int as_rules, const atomic_int *cancel,
                            struct diags *d);

/*
 * Whether text[0..len), typed into one box, is a rule file rather than a
 * query: its first line that is neither blank nor a comment starts with
 * "[" (a section; a query never starts so).
 */
int try_is_rules(const char *text, size_t len);

/*
 * The line (1-based) of text[0..len) that a diagnostic names: *start and
 * *n are its bytes (without the line end). Returns 0, -1 when there is no
 * such line.
 */
int try_line(const char *text, size_t len, unsigned line, size_t *start, size_t *n);

#endif
