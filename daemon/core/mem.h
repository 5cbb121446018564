/* mem.h: growing arrays and arenas, the allocation patterns the core repeats. */
#ifndef HARK_MEM_H
#define HARK_MEM_H

#include <stddef.h>

/*
 * Make the array *pptr (elements of size sz, capacity *cap) hold at least
 * need elements, doubling its capacity. Returns 0, or -1 on overflow or when
 * out of memory (the array is left as it was).
 */
int mem_grow(void *pptr, size_t *cap, size_t need, size_t sz);

/*
 * An arena: many small blocks that live and die together (the strings of
 * 100,000 rules), carved from large chunks and freed at once by
 * arena_free(). No per-block header, no per-block free. Zeroed: {0}.
 */
struct arena {
	struct arena_chunk *head; /* owned; the newest chunk first */
	char *p;                  /* the free space of head */
	size_t left;
};

/* n bytes aligned for any type; NULL when out of memory. */
void *arena_alloc(struct arena *a, size_t n);
/* A NUL-terminated copy of s[0..n) in the arena; NULL when out of memory. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Move every block of src into dst (src is left empty): they now die with dst. */
void arena_adopt(struct arena *dst, struct arena *src);
void arena_free(struct arena *a);

#endif
