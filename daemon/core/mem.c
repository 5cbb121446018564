/* mem.c: growing arrays and arenas. */
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

struct arena_chunk {
	struct arena_chunk *next;
	alignas(max_align_t) char data[];
};

/* Under glibc's mmap threshold: chunks come from the heap and are reused. */
#define ARENA_CHUNK (64u * 1024 - 64)

/* n bytes at a multiple of al (a power of two) from the head chunk, or a new one. */
static void *
arena_carve(struct arena *a, size_t n, size_t al)
{
	size_t pad = (size_t)(-(uintptr_t)a->p) & (al - 1);
	struct arena_chunk *c;
	void *r;

	if (a->head == NULL || n > a->left || pad > a->left - n) {
		/* a block too large for a chunk gets its own, behind the head */
		size_t size = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK;

		if (size > SIZE_MAX - sizeof(*c) || (c = malloc(sizeof(*c) + size)) == NULL)
			return NULL;
		if (size != ARENA_CHUNK && a->head != NULL) {
			c->next = a->head->next;
			a->head->next = c;
			return c->data;
		}
		c->next = a->head;
		a->head = c;
		a->p = c->data;
		a->left = size;
		pad = 0;
	}
	r = a->p + pad;
	a->p += pad + n;
	a->left -= pad + n;
	return r;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	return arena_carve(a, n, alignof(max_align_t));
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *r = n < SIZE_MAX ? arena_carve(a, n + 1, 1) : NULL;

	if (r == NULL)
		return NULL;
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

void
arena_adopt(struct arena *dst, struct arena *src)
{
	struct arena_chunk *tail = src->head;

	if (tail == NULL)
		return;
	if (dst->head == NULL) {
		*dst = *src;
	} else {
		/* behind dst's head, which keeps serving */
		while (tail->next != NULL)
			tail = tail->next;
		tail->next = dst->head->next;
		dst->head->next = src->head;
	}
	memset(src, 0, sizeof(*src));
}

void
arena_free(struct arena *a)
{
	struct arena_chunk *c = a->head, *next;

	for (; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	memset(a, 0, sizeof(*a));
}
