/*
 * hist.h: a histogram of durations with fixed bucket bounds, as Prometheus
 * keeps them (count per bucket, sum, count). Pure: the shell modules
 * observe, httpd.c renders. Bounded memory whatever the traffic.
 */
#ifndef HARK_HIST_H
#define HARK_HIST_H

#include <stddef.h>
#include <stdint.h>

#define HIST_MAX_BUCKETS 16

struct hist {
	const double *bounds;         /* borrowed, static: ascending upper bounds (seconds) */
	size_t nbounds;               /* at most HIST_MAX_BUCKETS */
	uint64_t n[HIST_MAX_BUCKETS]; /* observations <= bounds[i] and > bounds[i-1] */
	uint64_t count;               /* all of them, +Inf included */
	double sum;                   /* seconds */
};

/* Drop-to-commit of a document: milliseconds to minutes. */
extern const double hist_bounds_commit[];
extern const size_t hist_nbounds_commit;
/* A hit's delivery, from its commit to the webhook's 2xx: seconds to hours. */
extern const double hist_bounds_delivery[];
extern const size_t hist_nbounds_delivery;

void hist_init(struct hist *h, const double *bounds, size_t nbounds);
void hist_observe(struct hist *h, double seconds);
/* Observations <= bounds[i] (cumulative, as Prometheus's le buckets). */
uint64_t hist_cumulative(const struct hist *h, size_t i);

#endif
