/* hist.c: see hist.h. */
#include "hist.h"

#include <string.h>

const double hist_bounds_commit[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                     1,     2.5,  5,     10,   30,  60};
const size_t hist_nbounds_commit = sizeof(hist_bounds_commit) / sizeof(hist_bounds_commit[0]);
const double hist_bounds_delivery[] = {1, 2, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 86400};
const size_t hist_nbounds_delivery = sizeof(hist_bounds_delivery) / sizeof(hist_bounds_delivery[0]);

void
hist_init(struct hist *h, const double *bounds, size_t nbounds)
{
	memset(h, 0, sizeof(*h));
	h->bounds = bounds;
	h->nbounds = nbounds > HIST_MAX_BUCKETS ? HIST_MAX_BUCKETS : nbounds;
}

void
hist_observe(struct hist *h, double seconds)
{
	if (seconds < 0)
		seconds = 0;
	for (size_t i = 0; i < h->nbounds; i++)
		if (seconds <= h->bounds[i]) {
			h->n[i]++;
			break;
		}
	h->count++;
	h->sum += seconds;
}

uint64_t
hist_cumulative(const struct hist *h, size_t i)
{
	uint64_t c = 0;

	for (size_t k = 0; k <= i && k < h->nbounds; k++)
		c += h->n[k];
	return c;
}
