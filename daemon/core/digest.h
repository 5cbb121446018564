/*
 * digest.h: the periods of a destination's "digest =" (hark.conf(5)):
 * "no", "15m" "1h" (every so long, on the local clock's multiples of it
 * since midnight), "daily 08:00", "weekly mon 08:00" (local time). Pure
 * arithmetic on Unix seconds: the local time is the process's TZ, which
 * the unit tests set (Europe/Paris: the changes of daylight saving time).
 */
#ifndef HARK_DIGEST_H
#define HARK_DIGEST_H

#include <stddef.h>
#include <stdint.h>

enum digest_kind { DIGEST_NO, DIGEST_EVERY, DIGEST_DAILY, DIGEST_WEEKLY };

struct digest_period {
	enum digest_kind kind;
	unsigned every;   /* DIGEST_EVERY: seconds, 60 to 86400, dividing a day */
	int hour, minute; /* DIGEST_DAILY, DIGEST_WEEKLY: local time */
	int wday;         /* DIGEST_WEEKLY: 0 Sunday ... 6 Saturday */
};

/* Parse s. Returns 0 with *out, -1 with a one-line reason in why. */
int digest_parse(const char *s, struct digest_period *out, char *why, size_t whysz);

/*
 * The end of the period that holds now: the first period boundary strictly
 * after now (DIGEST_NO: now). A local time that does not exist (a spring
 * forward) is the first that does after it.
 */
int64_t digest_next_end(const struct digest_period *p, int64_t now);

/* The start of the period that ends at end: the last boundary strictly before it. */
int64_t digest_start(const struct digest_period *p, int64_t end);

/*
 * The end of a period for people, local time: "08:00 (daily)", "Mon 08:00
 * (weekly)", "08:15 (every 15m)"; p NULL or DIGEST_NO (the destination's
 * digest is no longer configured): "2026-12-08 08:00". Always terminated.
 */
void digest_describe(const struct digest_period *p, int64_t end, char *buf, size_t sz);

#endif
