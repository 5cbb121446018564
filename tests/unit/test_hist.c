/* test_hist.c: the histograms of GET /metrics (core/hist.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hist.h"

static void
test_buckets(void **state)
{
	static const double b[] = {0.1, 1, 10};
	struct hist h;

	(void)state;
	hist_init(&h, b, 3);
	hist_observe(&h, 0.05); /* <= 0.1 */
	hist_observe(&h, 0.1);  /* a bound is in its bucket (le) */
	hist_observe(&h, 0.5);
	hist_observe(&h, 10);
	hist_observe(&h, 99); /* +Inf only */
	hist_observe(&h, -1); /* a clock that went back counts as 0 */
	assert_int_equal(hist_cumulative(&h, 0), 3);
	assert_int_equal(hist_cumulative(&h, 1), 4);
	assert_int_equal(hist_cumulative(&h, 2), 5);
	assert_int_equal(h.count, 6);
	assert_true(h.sum > 109.64 && h.sum < 109.66);
}

static void
test_bounds(void **state)
{
	(void)state;
	/* ascending, and within what a struct hist holds */
	assert_true(hist_nbounds_commit <= HIST_MAX_BUCKETS);
	assert_true(hist_nbounds_delivery <= HIST_MAX_BUCKETS);
	for (size_t i = 1; i < hist_nbounds_commit; i++)
		assert_true(hist_bounds_commit[i] > hist_bounds_commit[i - 1]);
	for (size_t i = 1; i < hist_nbounds_delivery; i++)
		assert_true(hist_bounds_delivery[i] > hist_bounds_delivery[i - 1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buckets),
	    cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
