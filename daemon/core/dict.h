/*
 * dict.h: an open-addressing hash table from byte strings to dense ids
 * (0, 1, 2... in insertion order). It owns copies of its keys. Lookups are
 * read-only and may run from several threads at once.
 */
#ifndef HARK_DICT_H
#define HARK_DICT_H

#include <stddef.h>
#include <stdint.h>

uint64_t hash_bytes(const void *p, size_t n);

struct dict;

struct dict *dict_new(void);
void dict_free(struct dict *dc);
/* The id of key, inserting it when absent (*added = 1). -1 on ENOMEM. */
int64_t dict_intern(struct dict *dc, const char *key, size_t n, int *added);
/* The id of key, or -1. */
int64_t dict_find(const struct dict *dc, const char *key, size_t n);
/* The key of id (NUL-terminated), its length in *n. */
const char *dict_key(const struct dict *dc, uint32_t id, size_t *n);
size_t dict_count(const struct dict *dc);
size_t dict_memory(const struct dict *dc);

#endif
