/*
 * harkdlock.h: whether harkd runs on a state_dir, told from outside (hark
 * status, hark prune --vacuum) by the lock harkd holds while it runs.
 */
#ifndef HARK_HARKDLOCK_H
#define HARK_HARKDLOCK_H

#include <stdint.h>

struct harkd_probe {
	int running; /* 1, 0 (why in why), or -1 when it cannot be told (why in err) */
	long pid;
	int64_t since;  /* when it started: harkd writes its pid into the lock then */
	char urls[512]; /* state_dir/harkd.http: blank-separated URLs, or "" */
	/*
	 * state_dir/harkd.reload, which harkd writes when a reload fails and
	 * removes when one is taken: when it failed (0: the last was taken, or
	 * none failed), when the rules still in force were loaded, and why
	 * (one line).
	 */
	int64_t reload_failed, rules_at;
	char reload_error[256];
	char err[256];
	/*
	 * Why harkd is taken as not running, one line: no harkd.lock (it never
	 * ran on this state_dir), no pid in it (it stopped: harkd clears its
	 * pid as it stops), or a stale pid (it died: killed, crashed).
	 */
	char why[5000];
};

/* Fills *p for the harkd of state_dir; never takes the lock itself. */
void harkdlock_probe(const char *state_dir, struct harkd_probe *p);

#endif
