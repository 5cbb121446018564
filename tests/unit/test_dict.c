/* Unit tests for dict.c: interning, lookups, growth, binary keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dict.h"

static void
test_intern_find(void **state)
{
	struct dict *d = dict_new();
	int added;
	size_t n;

	(void)state;
	assert_int_equal(dict_intern(d, "assad", 5, &added), 0);
	assert_true(added);
	assert_int_equal(dict_intern(d, "tice", 4, &added), 1);
	assert_int_equal(dict_intern(d, "assad", 5, &added), 0);
	assert_false(added);
	assert_int_equal(dict_find(d, "tice", 4), 1);
	assert_int_equal(dict_find(d, "tic", 3), -1);
	assert_int_equal(dict_find(d, "assadi", 6), -1);
	assert_string_equal(dict_key(d, 1, &n), "tice");
	assert_int_equal(n, 4);
	assert_int_equal(dict_count(d), 2);
	dict_free(d);
}

static void
test_many_keys(void **state)
{
	struct dict *d = dict_new();
	char key[32];

	(void)state;
	for (int i = 0; i < 100000; i++) {
		int n = snprintf(key, sizeof(key), "k%d", i);

		assert_int_equal(dict_intern(d, key, (size_t)n, NULL), i);
	}
	for (int i = 0; i < 100000; i += 7) {
		int n = snprintf(key, sizeof(key), "k%d", i);

		assert_int_equal(dict_find(d, key, (size_t)n), i);
	}
	assert_int_equal(dict_find(d, "k100000", 7), -1);
	assert_true(dict_memory(d) > 100000);
	dict_free(d);
}

static void
test_binary_and_empty(void **state)
{
	struct dict *d = dict_new();

	(void)state;
	assert_int_equal(dict_intern(d, "a\0b", 3, NULL), 0);
	assert_int_equal(dict_intern(d, "a\0c", 3, NULL), 1);
	assert_int_equal(dict_intern(d, "", 0, NULL), 2);
	assert_int_equal(dict_find(d, "a\0b", 3), 0);
	assert_int_equal(dict_find(d, "", 0), 2);
	assert_true(hash_bytes("abc", 3) != hash_bytes("abd", 3));
	assert_true(hash_bytes("abcdefgh1", 9) != hash_bytes("abcdefgh2", 9));
	dict_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_intern_find),
	    cmocka_unit_test(test_many_keys),
	    cmocka_unit_test(test_binary_and_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
