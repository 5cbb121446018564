/*
 * date.c: the dates articles and feeds carry, as RFC 3339 UTC (see date.h).
 *
 * Three readers, tried by the shape of the text: Unix seconds (digits, an
 * optional fraction), ISO 8601 / RFC 3339 (it opens with a 4-digit year and
 * a '-', the YAML timestamp forms included), and RFC 822/1123/2822 (a day
 * of the month, a month name, a year). Each fills a civil date and time and
 * an offset east of UTC; the conversion to UTC is done on day numbers
 * (proleptic Gregorian calendar), never through the process's time zone.
 */
#include <stddef.h>
#include <string.h>

#include "date.h"

#define UNIX_MIN 100000000LL    /* 1973-03-03: below, digits are a year or a count */
#define UNIX_MAX 100000000000LL /* 5138-11-16 */

struct civil {
	long year;
	int mon, day, hour, min, sec;
	long off; /* seconds east of UTC */
};

/* A cursor over the trimmed text; p never passes e. */
struct dcur {
	const char *p, *e;
};

static int
date_isblank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static int
date_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

static int
date_isalpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char
date_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static void
date_skip_blanks(struct dcur *c)
{
	while (c->p < c->e && date_isblank(*c->p))
		c->p++;
}

static int
date_at(const struct dcur *c, char ch)
{
	return c->p < c->e && *c->p == ch;
}

/*
 * Read between min and max digits into *v. Returns the number read, or 0
 * when there are fewer than min or more than max (the run is then too long
 * to be this field).
 */
static int
date_num(struct dcur *c, int min, int max, long *v)
{
	const char *q = c->p;
	long n = 0;
	int nd;

	while (q < c->e && date_isdigit(*q) && q - c->p <= max) {
		n = n * 10 + (*q - '0');
		q++;
	}
	nd = (int)(q - c->p);
	if (nd < min || nd > max)
		return 0;
	*v = n;
	c->p = q;
	return nd;
}

/* Case-insensitive: does the alphabetic word s[0..n) equal w? */
static int
date_word_is(const char *s, size_t n, const char *w)
{
	size_t i;

	if (strlen(w) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (date_lower(s[i]) != w[i])
			return 0;
	return 1;
}

/* The alphabetic word at the cursor (possibly empty); the cursor moves past it. */
static size_t
date_word(struct dcur *c, const char **w)
{
	*w = c->p;
	while (c->p < c->e && date_isalpha(*c->p))
		c->p++;
	return (size_t)(c->p - *w);
}

static int
date_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
date_mdays(long y, int m)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return (m == 2 && date_leap(y)) ? 29 : mdays[m - 1];
}

/*
 * Days from 1970-01-01 to y-m-d. The year is counted from March so that
 * February, with its leap day, ends it; an era is the 400-year cycle of
 * 146097 days. Valid for y >= 0, which the callers ensure.
 */
static long long
date_days(long y, int m, int d)
{
	long long era, yoe, doy, doe;

	if (m <= 2)
		y--;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse of date_days(). */
static void
date_civil(long long z, long *y, int *m, int *d)
{
	long long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (long)(yoe + era * 400 + (*m <= 2));
}

static void
date_put(char *o, long v, int width)
{
	while (width-- > 0) {
		o[width] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* Write Unix time t as "YYYY-MM-DDTHH:MM:SSZ"; -1 when its year has not 4 digits. */
static int
date_format(long long t, char out[21])
{
	long long days = t / 86400, secs = t % 86400;
	long y;
	int m, d;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	date_civil(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		return -1;
	memcpy(out, "0000-00-00T00:00:00Z", 21);
	date_put(out, y, 4);
	date_put(out + 5, m, 2);
	date_put(out + 8, d, 2);
	date_put(out + 11, secs / 3600, 2);
	date_put(out + 14, secs / 60 % 60, 2);
	date_put(out + 17, secs % 60, 2);
	return 0;
}

/* Check a civil date and time and write it as UTC. A leap second (:60) rolls over. */
static int
date_finish(const struct civil *cv, char out[21])
{
	long long t;

	if (cv->year < 0 || cv->year > 9999 || cv->mon < 1 || cv->mon > 12 || cv->day < 1 ||
	    cv->day > date_mdays(cv->year, cv->mon) || cv->hour > 23 || cv->min > 59 ||
	    cv->sec > 60)
		return -1;
	t = date_days(cv->year, cv->mon, cv->day) * 86400 + cv->hour * 3600L + cv->min * 60L +
	    cv->sec - cv->off;
	return date_format(t, out);
}

/* Unix seconds: digits, and a fraction that is dropped. */
static int
date_unix(const struct dcur *c, char out[21])
{
	const char *p = c->p;
	long long v = 0;

	while (p < c->e && date_isdigit(*p)) {
		if (v > UNIX_MAX)
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	if (p == c->p || v < UNIX_MIN || v > UNIX_MAX)
		return -1;
	if (p < c->e && *p == '.') {
		if (++p == c->e)
			return -1;
		while (p < c->e && date_isdigit(*p))
			p++;
	}
	if (p != c->e)
		return -1;
	return date_format(v, out);
}

/*
 * Zones spelt out. RFC 5322 §4.3 says the military letters of RFC 822 had
 * their signs reversed and are to be read as -0000 (UTC): they are accepted,
 * but as UTC. The European names are not in the RFCs but feeds use them.
 */
static const struct {
	const char *name;
	int hours;
} date_zones[] = {
    {"z", 0},    {"ut", 0},   {"utc", 0},  {"gmt", 0},  {"est", -5}, {"edt", -4}, {"cst", -6},
    {"cdt", -5}, {"mst", -7}, {"mdt", -6}, {"pst", -8}, {"pdt", -7}, {"wet", 0},  {"west", 1},
    {"cet", 1},  {"cest", 2}, {"eet", 2},  {"eest", 3}, {"msk", 3},  {"jst", 9},  {"kst", 9},
};

/*
 * A zone at the cursor: Z, a name, or a sign with hours of 1 or 2 digits
 * (-5, +01), HHMM (+0100) or HH:MM (+01:00). Returns 0 with the offset in
 * seconds east of UTC, or -1.
 */
static int
date_zone(struct dcur *c, long *off)
{
	const char *w;
	size_t n, i;
	long h, m = 0;
	int sign, nd;

	if (c->p < c->e && date_isalpha(*c->p)) {
		n = date_word(c, &w);
		if (n == 1 && date_lower(*w) != 'j') {
			*off = 0;
			return 0;
		}
		for (i = 0; i < sizeof(date_zones) / sizeof(date_zones[0]); i++) {
			if (date_word_is(w, n, date_zones[i].name)) {
				*off = date_zones[i].hours * 3600L;
				return 0;
			}
		}
		return -1;
	}
	if (!date_at(c, '+') && !date_at(c, '-'))
		return -1;
	sign = *c->p++ == '-' ? -1 : 1;
	nd = date_num(c, 1, 4, &h);
	if (nd == 4) {
		m = h % 100;
		h /= 100;
	} else if (nd == 1 || nd == 2) {
		if (date_at(c, ':')) {
			c->p++;
			if (date_num(c, 2, 2, &m) == 0)
				return -1;
		}
	} else {
		return -1;
	}
	if (h > 23 || m > 59)
		return -1;
	*off = sign * (h * 3600 + m * 60);
	return 0;
}

/* HH:MM, :SS optional, a fraction of the second optional (dropped). */
static int
date_time(struct dcur *c, struct civil *cv)
{
	long h, m, s = 0;

	if (date_num(c, 1, 2, &h) == 0 || !date_at(c, ':'))
		return -1;
	c->p++;
	if (date_num(c, 2, 2, &m) == 0)
		return -1;
	if (date_at(c, ':')) {
		c->p++;
		if (date_num(c, 2, 2, &s) == 0)
			return -1;
		if (date_at(c, '.') || date_at(c, ',')) {
			c->p++;
			if (c->p == c->e || !date_isdigit(*c->p))
				return -1;
			while (c->p < c->e && date_isdigit(*c->p))
				c->p++;
		}
	}
	cv->hour = (int)h;
	cv->min = (int)m;
	cv->sec = (int)s;
	return 0;
}

/*
 * ISO 8601 / RFC 3339: YYYY-MM-DD, then T, t or blanks and a time, then a
 * zone (blanks allowed before it, as in "2024-03-05 14:07:09 +0200"). Month,
 * day and hour may have one digit, as YAML timestamps allow. No zone is UTC.
 */
static int
date_iso(struct dcur *c, char out[21])
{
	struct civil cv = {0};
	long y, m, d;

	if (date_num(c, 4, 4, &y) == 0 || !date_at(c, '-'))
		return -1;
	c->p++;
	if (date_num(c, 1, 2, &m) == 0 || !date_at(c, '-'))
		return -1;
	c->p++;
	if (date_num(c, 1, 2, &d) == 0)
		return -1;
	cv.year = y, cv.mon = (int)m, cv.day = (int)d;
	if (c->p < c->e) {
		if (*c->p == 'T' || *c->p == 't')
			c->p++;
		else if (date_isblank(*c->p))
			date_skip_blanks(c);
		else
			return -1;
		if (date_time(c, &cv) < 0)
			return -1;
		date_skip_blanks(c);
		if (c->p < c->e && date_zone(c, &cv.off) < 0)
			return -1;
		if (c->p != c->e)
			return -1;
	}
	return date_finish(&cv, out);
}

static const char *const date_months[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                            "jul", "aug", "sep", "oct", "nov", "dec"};
static const char *const date_months_long[12] = {"january",   "february", "march",    "april",
                                                 "may",       "june",     "july",     "august",
                                                 "september", "october",  "november", "december"};
static const char *const date_wdays[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
static const char *const date_wdays_long[7] = {"sunday",   "monday", "tuesday", "wednesday",
                                               "thursday", "friday", "saturday"};

/* Index of the word in a short or a long table of names, or -1. */
static int
date_name(const char *w, size_t n, const char *const *shortv, const char *const *longv, int cnt)
{
	int i;

	for (i = 0; i < cnt; i++)
		if (date_word_is(w, n, shortv[i]) || date_word_is(w, n, longv[i]))
			return i;
	return -1;
}

/*
 * Abbreviated day names of feeds written in French, German, Spanish,
 * Italian, Portuguese and Dutch, in lower case (UTF-8).
 */
static const char *const date_wdays_other[] = {
    "lun", "mar", "mer", "jeu", "ven", "sam", "dim", "mo",  "di",  "mi",  "do",  "fr",
    "sa",  "so",  "mié", "mie", "jue", "vie", "sáb", "sab", "dom", "gio", "seg", "ter",
    "qua", "qui", "sex", "ma",  "wo",  "vr",  "za",  "zo",  "lu",  "je",  "ve",
};

/* Is w[0..n) a day name of another language (date_wdays_other)? */
static int
date_wday_other(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof(date_wdays_other) / sizeof(date_wdays_other[0]); i++)
		if (date_word_is(w, n, date_wdays_other[i]))
			return 1;
	return 0;
}

/* Blanks, or one '-' (RFC 850: 05-Mar-24) between the day, month and year. */
static int
date_rfc_sep(struct dcur *c)
{
	if (date_at(c, '-')) {
		c->p++;
		return 0;
	}
	if (c->p == c->e || !date_isblank(*c->p))
		return -1;
	date_skip_blanks(c);
	return 0;
}

/*
 * RFC 822/1123/2822 (and 850): [Day[,]] D Mon YY[YY] [HH:MM[:SS] [zone]],
 * names in any case, a trailing comment such as "(UTC)" ignored. Without a
 * zone the time is taken as UTC, without a time as midnight.
 */
static int
date_rfc(struct dcur *c, char out[21])
{
	struct civil cv = {0};
	const char *w;
	size_t n;
	long d, y;
	int m, nd;

	if (c->p < c->e && (date_isalpha(*c->p) || (unsigned char)*c->p >= 0x80)) {
		/*
		 * The day of the week says nothing the date does not: a name in
		 * another language ("Lun,", "Mié,") is skipped too when a comma
		 * closes it.
		 */
		w = c->p;
		while (c->p < c->e && (date_isalpha(*c->p) || (unsigned char)*c->p >= 0x80))
			c->p++;
		n = (size_t)(c->p - w);
		if (date_name(w, n, date_wdays, date_wdays_long, 7) < 0 &&
		    !(date_at(c, ',') && date_wday_other(w, n)))
			return -1;
		if (date_at(c, ','))
			c->p++;
		date_skip_blanks(c);
	}
	if (date_num(c, 1, 2, &d) == 0 || date_rfc_sep(c) < 0)
		return -1;
	n = date_word(c, &w);
	if ((m = date_name(w, n, date_months, date_months_long, 12)) < 0 || date_rfc_sep(c) < 0)
		return -1;
	nd = date_num(c, 2, 4, &y);
	if (nd == 2)
		y += y < 50 ? 2000 : 1900;
	else if (nd != 4)
		return -1;
	cv.year = y, cv.mon = m + 1, cv.day = (int)d;
	date_skip_blanks(c);
	if (c->p < c->e && date_isdigit(*c->p)) {
		if (date_time(c, &cv) < 0)
			return -1;
		date_skip_blanks(c);
		if (c->p < c->e && *c->p != '(' && date_zone(c, &cv.off) < 0)
			return -1;
		date_skip_blanks(c);
	}
	if (date_at(c, '(')) {
		/* a comment: "+0000 (UTC)"; it must close the text */
		if (c->e[-1] != ')')
			return -1;
		c->p = c->e;
	}
	if (c->p != c->e)
		return -1;
	return date_finish(&cv, out);
}

int
date_normalize(const char *s, char out[21])
{
	struct dcur c;
	const char *q;

	if (s == NULL)
		return -1;
	c.p = s;
	c.e = s + strlen(s);
	date_skip_blanks(&c);
	while (c.e > c.p && date_isblank(c.e[-1]))
		c.e--;
	if (c.p == c.e)
		return -1;
	for (q = c.p; q < c.e && date_isdigit(*q); q++)
		;
	if (q - c.p == 4 && q < c.e && *q == '-')
		return date_iso(&c, out);
	if (q == c.e || *q == '.')
		return date_unix(&c, out);
	return date_rfc(&c, out);
}
