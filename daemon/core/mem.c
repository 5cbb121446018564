/* mem.c: growing arrays. */
#include <stdint.h>
#include <stdlib.h>

#include "mem.h"

int
mem_grow(void *pptr, size_t *cap, size_t need, size_t sz)
{
	void *nv;
	size_t nc;

	if (need <= *cap)
		return 0;
	nc = *cap ? *cap : 16;
	while (nc < need) {
		if (nc > SIZE_MAX / 2 / sz)
			return -1;
		nc *= 2;
	}
	nv = realloc(*(void **)pptr, nc * sz);
	if (nv == NULL)
		return -1;
	*(void **)pptr = nv;
	*cap = nc;
	return 0;
}
