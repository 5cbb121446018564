/*
 * mute.h: how long a rule stays muted, as `hark mute RULE DURATION` and
 * POST /api/v1/rules/ID/mute say it. Pure: the words in, a length or a
 * point in time out. A wall time without a zone is local: the shell turns
 * it into Unix seconds (mktime), and checks that it is still to come.
 */
#ifndef HARK_MUTE_H
#define HARK_MUTE_H

#include <stddef.h>
#include <stdint.h>

/* The longest mute: past a year, the rule wants enabled = no. */
#define MUTE_MAX_SECS (366 * 86400)

enum mute_kind {
	MUTE_FOR,   /* secs from now */
	MUTE_LOCAL, /* until the local wall time year-mon-day hour:min:sec */
	MUTE_AT,    /* until the Unix time secs (a time given with Z or an offset) */
};

struct mute_len {
	enum mute_kind kind;
	int64_t secs;                       /* MUTE_FOR: a length; MUTE_AT: Unix seconds */
	int year, mon, day, hour, min, sec; /* MUTE_LOCAL: mon 1-12, a real day of it */
};

/*
 * A length: one or more NUMBER UNIT groups, units s m h d w ("30m" "12h"
 * "2d" "1w" "1d12h"), more than 0 and at most MUTE_MAX_SECS. s[0..len):
 * not NUL-terminated. Returns 0 with *m (MUTE_FOR), -1 with a one-line
 * cause in err.
 */
int mute_parse_for(const char *s, size_t len, struct mute_len *m, char *err, size_t errsz);
/*
 * A point in time: "YYYY-MM-DD" (its local midnight: the mute ends as the
 * day begins), "YYYY-MM-DD HH:MM" or with :SS, a T for the blank (local),
 * and the same followed by Z or an offset (+HH:MM, +HHMM: MUTE_AT).
 * Returns 0 with *m, -1 with err.
 */
int mute_parse_until(const char *s, size_t len, struct mute_len *m, char *err, size_t errsz);
/* Either: "until WHEN" (mute_parse_until), else a length (mute_parse_for). */
int mute_parse(const char *s, size_t len, struct mute_len *m, char *err, size_t errsz);

/* The Unix seconds of a UTC wall time (a proleptic Gregorian date, mon 1-12). */
int64_t mute_utc_secs(int year, int mon, int day, int hour, int min, int sec);

#endif
