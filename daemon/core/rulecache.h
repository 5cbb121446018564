/*
 * rulecache.h: a compiled rule set as bytes and back, so that `hark match`
 * loads 100,000 rules rather than parse and compile them again (the shell,
 * daemon/rules_cache.c, keeps the bytes in files named by rulecache_key).
 *
 * Pure: bytes in, values out. The loader is a parser of a file anyone may
 * have written: every count, offset and index is checked before use; a
 * truncated, corrupted or crafted buffer is refused with a reason, never
 * read out of bounds. A checksum of the payload catches corruption on disk;
 * the key (the caller's) names the rule texts and the build it came from.
 */
#ifndef HARK_RULECACHE_H
#define HARK_RULECACHE_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "ruleset.h"

/*
 * 3: Persian parts at a ZWNJ compile to more variants; 4: the pair filter
 * (ruleset_int.h); older caches lack them
 */
#define RULECACHE_VERSION 4
/* The header before the payload; the buffer rulecache_load reads must be aligned to 64. */
#define RULECACHE_HEADER 128

/* A 128-bit hash, fed piece by piece (each piece's length counts). */
struct rc_hash {
	uint64_t h[2];
};

void rc_hash_init(struct rc_hash *st);
void rc_hash_add(struct rc_hash *st, const void *p, size_t n);
/* 32 lowercase hex digits and a NUL. */
void rc_hash_hex(const struct rc_hash *st, char out[33]);
/* What changes the bytes of a cache: the format, the version and the layouts. */
uint64_t rulecache_build_tag(void);

/*
 * What goes with a rule set in its cache: the diagnostics its compile gave
 * (warnings and notes; a set with errors is never cached), each with the
 * index of the rule file whose compile gave it, so that a hit prints them
 * where a compile would; and the files that @file lists read, with the
 * hash of their bytes, which the key does not cover (the shell checks them).
 */
struct rulecache_extra {
	struct diags diags;
	uint32_t *diag_item; /* one per diags.v[i] */
	char **deps;
	struct rc_hash *dep_hash;
	size_t ndeps;
};

void rulecache_extra_free(struct rulecache_extra *x);

/*
 * The bytes of a finished set rs and x: *buf (malloc'd, the caller's) of
 * *n bytes. Returns 0, -1 when out of memory or rs is not finished.
 */
int rulecache_save(const struct ruleset *rs, const struct rulecache_extra *x, void **buf,
                   size_t *n);

/*
 * The set saved in buf[0..n) (aligned to 64, malloc'd): on success the set
 * owns buf (ruleset_free frees it) and *x is filled (zero it first; free
 * it with rulecache_extra_free). On failure NULL with *why, a short
 * reason; buf stays the caller's and *x empty.
 */
struct ruleset *rulecache_load(void *buf, size_t n, struct rulecache_extra *x, const char **why);

/*
 * A loaded set's buffer is not malloc'd (the shell mapped the file, say):
 * ruleset_free gives it back with release(buf, n) rather than free().
 */
void rulecache_set_release(struct ruleset *rs, void (*release)(void *buf, size_t n), size_t n);

/*
 * Write this build's tag and the payload's checksum into the header: for
 * tests and the fuzzer, whose changed buffers should reach the checks
 * beyond those two.
 */
void rulecache_seal(void *buf, size_t n);

#endif
