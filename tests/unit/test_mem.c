/* Unit tests for mem.c: growing arrays and arenas. */
#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mem.h"

static void
test_grow(void **state)
{
	int *v = NULL;
	size_t cap = 0;

	(void)state;
	assert_int_equal(mem_grow(&v, &cap, 100, sizeof(*v)), 0);
	assert_true(cap >= 100);
	v[99] = 7;
	assert_int_equal(mem_grow(&v, &cap, 50, sizeof(*v)), 0);
	assert_int_equal(v[99], 7);
	assert_int_equal(mem_grow(&v, &cap, SIZE_MAX / 2, sizeof(*v)), -1);
	free(v);
}

/* Blocks stay where they were, keep their bytes and do not overlap. */
static void
test_arena_blocks(void **state)
{
	struct arena a = {0};
	char *s[5000];

	(void)state;
	for (int i = 0; i < 5000; i++) {
		char buf[32];
		int n = snprintf(buf, sizeof(buf), "rule-%d", i);

		s[i] = arena_strndup(&a, buf, (size_t)n);
		assert_non_null(s[i]);
	}
	for (int i = 0; i < 5000; i++) {
		char buf[32];

		snprintf(buf, sizeof(buf), "rule-%d", i);
		assert_string_equal(s[i], buf);
	}
	arena_free(&a);
	assert_null(a.head);
}

static void
test_arena_align_and_large(void **state)
{
	struct arena a = {0};
	char *big, *small;
	void *p;

	(void)state;
	assert_non_null(arena_strndup(&a, "x", 1));
	p = arena_alloc(&a, 24);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
	/* larger than a chunk: its own block, and the head keeps serving */
	big = arena_alloc(&a, 1 << 20);
	assert_non_null(big);
	memset(big, 'b', 1 << 20);
	small = arena_strndup(&a, "after", 5);
	assert_non_null(small);
	assert_string_equal(small, "after");
	assert_true(small < big || small >= big + (1 << 20));
	assert_int_equal(big[(1 << 20) - 1], 'b');
	assert_non_null(arena_alloc(&a, 0));
	arena_free(&a);
}

/* Adopted blocks live on in their new arena, which keeps serving from its own chunk. */
static void
test_arena_adopt(void **state)
{
	struct arena a = {0}, b = {0}, e = {0};
	char *sa, *sb, *sb2, *sc;

	(void)state;
	sa = arena_strndup(&a, "kept by a", 9);
	sb = arena_strndup(&b, "from b", 6);
	sb2 = arena_alloc(&b, 1 << 20); /* a chunk of its own */
	assert_non_null(sa);
	assert_non_null(sb);
	assert_non_null(sb2);
	memset(sb2, 'z', 1 << 20);
	arena_adopt(&a, &b);
	assert_null(b.head);
	assert_int_equal(b.left, 0);
	arena_adopt(&a, &e); /* an empty arena adds nothing */
	sc = arena_strndup(&a, "after", 5);
	assert_string_equal(sa, "kept by a");
	assert_string_equal(sb, "from b");
	assert_string_equal(sc, "after");
	assert_int_equal(sb2[(1 << 20) - 1], 'z');
	arena_free(&b);      /* empty: nothing to free twice */
	arena_adopt(&e, &a); /* into an empty one: all of it */
	assert_null(a.head);
	assert_string_equal(sb, "from b");
	arena_free(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_grow),
	    cmocka_unit_test(test_arena_blocks),
	    cmocka_unit_test(test_arena_align_and_large),
	    cmocka_unit_test(test_arena_adopt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
