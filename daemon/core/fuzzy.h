/*
 * fuzzy.h: approximate word lookup. Optimal string alignment distance
 * (insert, delete, substitute, swap of two neighbours) in code points, with
 * the first character fixed, and an index answering "which terms lie within
 * their budget of this token" without comparing against every term.
 */
#ifndef HARK_FUZZY_H
#define HARK_FUZZY_H

#include <stddef.h>
#include <stdint.h>

/*
 * OSA distance between a and b (arrays of code points), or max + 1 when it
 * is larger than max (computation stops early then). Returns max + 1 too when
 * the first code points differ.
 */
int fuzzy_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, int max);

/* The automatic budget of RULES.md §2 for a word of n characters. */
int fuzzy_auto_budget(size_t nchars);

struct fuzzy_index;

struct fuzzy_index *fuzzy_new(void);
void fuzzy_free(struct fuzzy_index *fx);

/*
 * Add a normalized term (UTF-8) with its budget (0..2) under id. The same
 * term may be added with several ids and budgets. Returns 0, -1 on ENOMEM.
 */
int fuzzy_add(struct fuzzy_index *fx, const char *term, size_t len, int budget, uint32_t id);

/* Freeze the index after the last fuzzy_add. Returns 0, -1 on ENOMEM. */
int fuzzy_build(struct fuzzy_index *fx);

/* Number of terms added. */
size_t fuzzy_count(const struct fuzzy_index *fx);

typedef void (*fuzzy_cb)(uint32_t id, int dist, void *arg);

/*
 * Call cb for every id whose term is within its budget of the normalized token
 * tok[0..len). Read-only: several threads may look up one built index at once.
 * Cheap when no indexed term could match (first character, length filters).
 */
void fuzzy_lookup(const struct fuzzy_index *fx, const char *tok, size_t len, fuzzy_cb cb,
                  void *arg);

#endif
