/* mem.h: growing arrays, the one allocation pattern the core repeats. */
#ifndef HARK_MEM_H
#define HARK_MEM_H

#include <stddef.h>

/*
 * Make the array *pptr (elements of size sz, capacity *cap) hold at least
 * need elements, doubling its capacity. Returns 0, or -1 on overflow or when
 * out of memory (the array is left as it was).
 */
int mem_grow(void *pptr, size_t *cap, size_t need, size_t sz);

#endif
