/*
 * date.c: the dates articles and feeds carry, as RFC 3339 UTC (see date.h).
 *
 * Three readers, tried by the shape of the text: Unix seconds (digits, an
 * optional fraction), ISO 8601 / RFC 3339 (it opens with a 4-digit year and
 * a '-', the YAML timestamp forms included), and the dates written with
 * words (date_rfc(): RFC 822/1123/2822 and the forms feeds write besides,
 * names in eight languages, the 12-hour clock, numbers-only dates). Each
 * fills a civil date and time and an offset east of UTC (or an IANA zone,
 * whose offset then depends on the date); the conversion to UTC is done on
 * day numbers (proleptic Gregorian calendar), never through the process's
 * time zone.
 *
 * A date is read right or not at all: a zone abbreviation that names two
 * offsets (but RFC 822's own, see date_zones), a numbers-only date two
 * orders make real, a local time a clock change skips or repeats are left
 * unread, never guessed.
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
	int iana; /* an IANA zone: its index in date_iana + 1, its offset then unknown */
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
 * Zones spelt out, in minutes east of UTC. RFC 5322 §4.3 says the military
 * letters of RFC 822 had their signs reversed and are to be read as -0000
 * (UTC): they are accepted, but as UTC.
 *
 * An abbreviation is read only when it names one offset: the RFC 822 names
 * (EST..PDT, the US zones, as the RFC defines them), and those the time
 * zone database writes for one offset only, since feeds' dates are written
 * by software that takes its abbreviations from there: BST is the British
 * summer time (the database writes Bangladesh as "+06"), AKST, HST, NST,
 * AEST, NZST and the others below. German feeds write MEZ/MESZ for CET/CEST.
 * Left unread, as they name several offsets: IST (India, Ireland, Israel),
 * AST/ADT (Atlantic and Arabia), SST (Samoa and Singapore). CST is read as
 * RFC 822 defines it, US Central (-6), although China's software writes it
 * for +8: a Chinese feed writing "CST" gets a date 14 hours off, as in every
 * reader that follows the RFC.
 */
static const struct {
	const char *name;
	int min;
} date_zones[] = {
    {"z", 0},       {"ut", 0},      {"utc", 0},    {"gmt", 0},    {"est", -300}, {"edt", -240},
    {"cst", -360},  {"cdt", -300},  {"mst", -420}, {"mdt", -360}, {"pst", -480}, {"pdt", -420},
    {"akst", -540}, {"akdt", -480}, {"hst", -600}, {"hdt", -540}, {"nst", -210}, {"ndt", -150},
    {"wet", 0},     {"west", 60},   {"bst", 60},   {"cet", 60},   {"cest", 120}, {"met", 60},
    {"mest", 120},  {"mez", 60},    {"mesz", 120}, {"eet", 120},  {"eest", 180}, {"msk", 180},
    {"wat", 60},    {"cat", 120},   {"sast", 120}, {"eat", 180},  {"idt", 180},  {"pkt", 300},
    {"wib", 420},   {"wita", 480},  {"wit", 540},  {"hkt", 480},  {"awst", 480}, {"jst", 540},
    {"kst", 540},   {"acst", 570},  {"acdt", 630}, {"aest", 600}, {"aedt", 660}, {"chst", 600},
    {"nzst", 720},  {"nzdt", 780},
};

/* Daylight saving time rules of the zones named by their IANA names. */
enum date_dst {
	DATE_DST_NONE,
	DATE_DST_EU, /* last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC */
	DATE_DST_US, /* second Sunday of March 02:00 to first Sunday of November 02:00, local */
};

/*
 * Zones named by their IANA names, for the offset and the daylight saving
 * time rule they have followed since the year given (the EU rule since
 * 1996, the US rule since 2007): date.c has no time zone database, so a
 * date before that year, a zone not listed, and a local time that a clock
 * change skips or repeats are left unread rather than guessed.
 */
static const struct {
	const char *name;
	int std; /* minutes east of UTC, outside daylight saving time */
	enum date_dst dst;
	int since;
} date_iana[] = {
    {"etc/utc", 0, DATE_DST_NONE, 1970},
    {"etc/gmt", 0, DATE_DST_NONE, 1970},
    {"america/new_york", -300, DATE_DST_US, 2007},
    {"america/detroit", -300, DATE_DST_US, 2007},
    {"america/toronto", -300, DATE_DST_US, 2007},
    {"america/chicago", -360, DATE_DST_US, 2007},
    {"america/denver", -420, DATE_DST_US, 2007},
    {"america/phoenix", -420, DATE_DST_NONE, 1968},
    {"america/los_angeles", -480, DATE_DST_US, 2007},
    {"america/vancouver", -480, DATE_DST_US, 2007},
    {"america/anchorage", -540, DATE_DST_US, 2007},
    {"pacific/honolulu", -600, DATE_DST_NONE, 1948},
    {"europe/london", 0, DATE_DST_EU, 1996},
    {"europe/dublin", 0, DATE_DST_EU, 1996},
    {"europe/lisbon", 0, DATE_DST_EU, 1997},
    {"europe/paris", 60, DATE_DST_EU, 1996},
    {"europe/brussels", 60, DATE_DST_EU, 1996},
    {"europe/amsterdam", 60, DATE_DST_EU, 1996},
    {"europe/luxembourg", 60, DATE_DST_EU, 1996},
    {"europe/berlin", 60, DATE_DST_EU, 1996},
    {"europe/vienna", 60, DATE_DST_EU, 1996},
    {"europe/zurich", 60, DATE_DST_EU, 1996},
    {"europe/madrid", 60, DATE_DST_EU, 1996},
    {"europe/rome", 60, DATE_DST_EU, 1996},
    {"europe/copenhagen", 60, DATE_DST_EU, 1996},
    {"europe/oslo", 60, DATE_DST_EU, 1996},
    {"europe/stockholm", 60, DATE_DST_EU, 1996},
    {"europe/prague", 60, DATE_DST_EU, 1996},
    {"europe/warsaw", 60, DATE_DST_EU, 1996},
    {"europe/budapest", 60, DATE_DST_EU, 1996},
    {"europe/athens", 120, DATE_DST_EU, 1996},
    {"europe/helsinki", 120, DATE_DST_EU, 1996},
    {"europe/bucharest", 120, DATE_DST_EU, 1997},
    {"europe/moscow", 180, DATE_DST_NONE, 2015},
    {"asia/kolkata", 330, DATE_DST_NONE, 1946},
    {"asia/calcutta", 330, DATE_DST_NONE, 1946},
    {"asia/shanghai", 480, DATE_DST_NONE, 1992},
    {"asia/hong_kong", 480, DATE_DST_NONE, 1980},
    {"asia/singapore", 480, DATE_DST_NONE, 1982},
    {"asia/taipei", 480, DATE_DST_NONE, 1980},
    {"asia/tokyo", 540, DATE_DST_NONE, 1952},
    {"asia/seoul", 540, DATE_DST_NONE, 1989},
};

/*
 * A zone at the cursor: Z, a name (GMT, UTC and UT may carry an offset,
 * as in GMT+0200 or UTC-5), an IANA name (*iana set to its index), or a
 * sign with hours of 1 or 2 digits (-5, +01), HHMM (+0100) or HH:MM
 * (+01:00). Returns 0 with the offset in seconds east of UTC, or -1.
 */
static int
date_zone(struct dcur *c, long *off, int *iana)
{
	const char *w;
	size_t n, i;
	long h, m = 0;
	int sign, nd;

	if (c->p < c->e && date_isalpha(*c->p)) {
		n = date_word(c, &w);
		if (date_at(c, '/')) {
			while (c->p < c->e && (date_isalpha(*c->p) || *c->p == '/' || *c->p == '_'))
				c->p++;
			n = (size_t)(c->p - w);
			for (i = 0; i < sizeof(date_iana) / sizeof(date_iana[0]); i++) {
				if (date_word_is(w, n, date_iana[i].name)) {
					*iana = (int)i + 1;
					*off = 0;
					return 0;
				}
			}
			return -1;
		}
		if (n == 1 && date_lower(*w) != 'j') {
			*off = 0;
			return 0;
		}
		if ((date_at(c, '+') || date_at(c, '-')) &&
		    (date_word_is(w, n, "gmt") || date_word_is(w, n, "utc") ||
		     date_word_is(w, n, "ut")))
			return date_zone(c, off, iana);
		for (i = 0; i < sizeof(date_zones) / sizeof(date_zones[0]); i++) {
			if (date_word_is(w, n, date_zones[i].name)) {
				*off = date_zones[i].min * 60L;
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

/* 0 = Sunday; day 0 (1970-01-01) was a Thursday. */
static int
date_wday(long long days)
{
	return (int)((days % 7 + 11) % 7);
}

/* The day of the month of the n-th Sunday of y-m, or of the last one when n is 0. */
static int
date_sunday(long y, int m, int n)
{
	int last = date_mdays(y, m);

	if (n == 0)
		return last - date_wday(date_days(y, m, last));
	return 1 + (7 - date_wday(date_days(y, m, 1))) % 7 + 7 * (n - 1);
}

/*
 * The offset east of UTC, in seconds, of the IANA zone cv->iana at the
 * local time local (seconds since 1970 as if it were UTC). -1 before the
 * year the zone's rule holds since, and for a local time that does not
 * exist (clocks go forward over it) or exists twice (they go back).
 */
static int
date_iana_off(const struct civil *cv, long long local, long *off)
{
	long std = date_iana[cv->iana - 1].std * 60L;
	long long start, end, u_std, u_dst;
	int in_std, in_dst;

	if (cv->year < date_iana[cv->iana - 1].since)
		return -1;
	switch (date_iana[cv->iana - 1].dst) {
	case DATE_DST_NONE:
		*off = std;
		return 0;
	case DATE_DST_EU:
		start = date_days(cv->year, 3, date_sunday(cv->year, 3, 0)) * 86400 + 3600;
		end = date_days(cv->year, 10, date_sunday(cv->year, 10, 0)) * 86400 + 3600;
		break;
	default:
		start = date_days(cv->year, 3, date_sunday(cv->year, 3, 2)) * 86400 + 7200 - std;
		end = date_days(cv->year, 11, date_sunday(cv->year, 11, 1)) * 86400 + 7200 -
		      (std + 3600);
		break;
	}
	u_std = local - std;
	u_dst = local - (std + 3600);
	in_std = u_std < start || u_std >= end;
	in_dst = u_dst >= start && u_dst < end;
	if (in_std == in_dst)
		return -1;
	*off = in_std ? std : std + 3600;
	return 0;
}

/* Check a civil date and time and write it as UTC. A leap second (:60) rolls over. */
static int
date_finish(const struct civil *cv, char out[21])
{
	long long local;
	long off = cv->off;

	if (cv->year < 0 || cv->year > 9999 || cv->mon < 1 || cv->mon > 12 || cv->day < 1 ||
	    cv->day > date_mdays(cv->year, cv->mon) || cv->hour > 23 || cv->min > 59 ||
	    cv->sec > 60)
		return -1;
	local = date_days(cv->year, cv->mon, cv->day) * 86400 + cv->hour * 3600L + cv->min * 60L +
	        cv->sec;
	if (cv->iana != 0 && date_iana_off(cv, local, &off) < 0)
		return -1;
	return date_format(local - off, out);
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
		if (c->p < c->e && date_zone(c, &cv.off, &cv.iana) < 0)
			return -1;
		if (c->p != c->e)
			return -1;
	}
	return date_finish(&cv, out);
}

/*
 * ISO 8601's basic format, as iCalendar and some feeds write it:
 * YYYYMMDDTHHMM[SS][.fraction], then a zone ("Z", "+0200", "+02:00") or none
 * (UTC), as feedparser reads it. Eight digits alone are not read: a
 * number, not surely a date.
 */
/* Exactly n digits at the cursor (date_num() wants the number to end there). */
static int
date_digits(struct dcur *c, int n, long *v)
{
	long x = 0;

	if (c->e - c->p < n)
		return 0;
	for (int k = 0; k < n; k++) {
		if (!date_isdigit(c->p[k]))
			return 0;
		x = x * 10 + (c->p[k] - '0');
	}
	c->p += n;
	*v = x;
	return n;
}

static int
date_iso_basic(struct dcur *c, char out[21])
{
	struct civil cv = {0};
	long v[6] = {0};
	static const int width[6] = {4, 2, 2, 2, 2, 2};
	int k;

	for (k = 0; k < 3; k++)
		if (date_digits(c, width[k], &v[k]) == 0)
			return -1;
	if (!date_at(c, 'T') && !date_at(c, 't'))
		return -1;
	c->p++;
	for (k = 3; k < 6; k++) {
		if (k == 5 && (c->p == c->e || !date_isdigit(*c->p)))
			break; /* no seconds */
		if (date_digits(c, width[k], &v[k]) == 0)
			return -1;
	}
	if (k == 6 && (date_at(c, '.') || date_at(c, ','))) {
		c->p++;
		if (c->p == c->e || !date_isdigit(*c->p))
			return -1;
		while (c->p < c->e && date_isdigit(*c->p))
			c->p++;
	}
	cv.year = v[0], cv.mon = (int)v[1], cv.day = (int)v[2];
	cv.hour = (int)v[3], cv.min = (int)v[4], cv.sec = (int)v[5];
	date_skip_blanks(c);
	if (c->p < c->e && date_zone(c, &cv.off, &cv.iana) < 0)
		return -1;
	if (c->p != c->e)
		return -1;
	return date_finish(&cv, out);
}

/* A name of a month or of a day of the week, in lower case (UTF-8), and its number. */
struct date_named {
	const char *name;
	int v;
};

/*
 * Month names and their abbreviations in English, French, German, Spanish,
 * Italian, Portuguese, Dutch and Russian (nominative and genitive). No
 * name means two months: "mar" is March in every language that writes it.
 */
static const struct date_named date_months[] = {
    {"jan", 1},        {"january", 1},    {"janv", 1},      {"janvier", 1},   {"jän", 1},
    {"jänner", 1},     {"januar", 1},     {"ene", 1},       {"enero", 1},     {"gen", 1},
    {"gennaio", 1},    {"janeiro", 1},    {"januari", 1},   {"янв", 1},       {"январь", 1},
    {"января", 1},     {"feb", 2},        {"february", 2},  {"févr", 2},      {"fevr", 2},
    {"février", 2},    {"fevrier", 2},    {"februar", 2},   {"febrero", 2},   {"febbraio", 2},
    {"fev", 2},        {"fevereiro", 2},  {"februari", 2},  {"фев", 2},       {"февраль", 2},
    {"февраля", 2},    {"mar", 3},        {"march", 3},     {"mars", 3},      {"mär", 3},
    {"märz", 3},       {"mrz", 3},        {"marzo", 3},     {"março", 3},     {"marco", 3},
    {"mrt", 3},        {"maart", 3},      {"мар", 3},       {"март", 3},      {"марта", 3},
    {"apr", 4},        {"april", 4},      {"avr", 4},       {"avril", 4},     {"abr", 4},
    {"abril", 4},      {"aprile", 4},     {"апр", 4},       {"апрель", 4},    {"апреля", 4},
    {"may", 5},        {"mai", 5},        {"mayo", 5},      {"mag", 5},       {"maggio", 5},
    {"maio", 5},       {"mei", 5},        {"май", 5},       {"мая", 5},       {"jun", 6},
    {"june", 6},       {"juin", 6},       {"juni", 6},      {"junio", 6},     {"giu", 6},
    {"giugno", 6},     {"junho", 6},      {"июн", 6},       {"июнь", 6},      {"июня", 6},
    {"jul", 7},        {"july", 7},       {"juil", 7},      {"juillet", 7},   {"juli", 7},
    {"julio", 7},      {"lug", 7},        {"luglio", 7},    {"julho", 7},     {"июл", 7},
    {"июль", 7},       {"июля", 7},       {"aug", 8},       {"august", 8},    {"août", 8},
    {"aout", 8},       {"ago", 8},        {"agosto", 8},    {"augustus", 8},  {"авг", 8},
    {"август", 8},     {"августа", 8},    {"sep", 9},       {"sept", 9},      {"september", 9},
    {"septembre", 9},  {"septiembre", 9}, {"set", 9},       {"setiembre", 9}, {"settembre", 9},
    {"setembro", 9},   {"сен", 9},        {"сент", 9},      {"сентябрь", 9},  {"сентября", 9},
    {"oct", 10},       {"october", 10},   {"octobre", 10},  {"okt", 10},      {"oktober", 10},
    {"octubre", 10},   {"ott", 10},       {"ottobre", 10},  {"out", 10},      {"outubro", 10},
    {"окт", 10},       {"октябрь", 10},   {"октября", 10},  {"nov", 11},      {"november", 11},
    {"novembre", 11},  {"noviembre", 11}, {"novembro", 11}, {"ноя", 11},      {"нояб", 11},
    {"ноябрь", 11},    {"ноября", 11},    {"dec", 12},      {"december", 12}, {"déc", 12},
    {"décembre", 12},  {"decembre", 12},  {"dez", 12},      {"dezember", 12}, {"dic", 12},
    {"diciembre", 12}, {"dicembre", 12},  {"dezembro", 12}, {"дек", 12},      {"декабрь", 12},
    {"декабря", 12},
};

/*
 * Day names (0 is Sunday) in the same languages, with the abbreviations
 * feeds write (Tues, Thurs). -1: a name that is two days in two languages
 * ("do" is Thursday in German, Sunday in Spanish), only skipped.
 */
static const struct date_named date_wdays[] = {
    {"sun", 0},        {"sunday", 0},    {"dim", 0},         {"dimanche", 0},  {"so", 0},
    {"sonntag", 0},    {"dom", 0},       {"domingo", 0},     {"domenica", 0},  {"zo", 0},
    {"zondag", 0},     {"вс", 0},        {"воскресенье", 0}, {"mon", 1},       {"monday", 1},
    {"lun", 1},        {"lundi", 1},     {"lu", 1},          {"mo", 1},        {"montag", 1},
    {"lunes", 1},      {"lunedì", 1},    {"lunedi", 1},      {"seg", 1},       {"segunda", 1},
    {"maandag", 1},    {"пн", 1},        {"понедельник", 1}, {"tue", 2},       {"tues", 2},
    {"tuesday", 2},    {"mar", 2},       {"mardi", 2},       {"di", 2},        {"dienstag", 2},
    {"martes", 2},     {"martedì", 2},   {"martedi", 2},     {"ter", 2},       {"terça", 2},
    {"terca", 2},      {"dinsdag", 2},   {"вт", 2},          {"вторник", 2},   {"wed", 3},
    {"weds", 3},       {"wednesday", 3}, {"mer", 3},         {"mercredi", 3},  {"mi", 3},
    {"mittwoch", 3},   {"mié", 3},       {"mie", 3},         {"miércoles", 3}, {"miercoles", 3},
    {"mercoledì", 3},  {"mercoledi", 3}, {"qua", 3},         {"quarta", 3},    {"wo", 3},
    {"woensdag", 3},   {"ср", 3},        {"среда", 3},       {"thu", 4},       {"thur", 4},
    {"thurs", 4},      {"thursday", 4},  {"jeu", 4},         {"jeudi", 4},     {"je", 4},
    {"donnerstag", 4}, {"jue", 4},       {"jueves", 4},      {"gio", 4},       {"giovedì", 4},
    {"giovedi", 4},    {"qui", 4},       {"quinta", 4},      {"donderdag", 4}, {"чт", 4},
    {"четверг", 4},    {"fri", 5},       {"friday", 5},      {"ven", 5},       {"vendredi", 5},
    {"ve", 5},         {"fr", 5},        {"freitag", 5},     {"vie", 5},       {"viernes", 5},
    {"venerdì", 5},    {"venerdi", 5},   {"sex", 5},         {"sexta", 5},     {"vr", 5},
    {"vrijdag", 5},    {"пт", 5},        {"пятница", 5},     {"sat", 6},       {"saturday", 6},
    {"sam", 6},        {"samedi", 6},    {"sa", 6},          {"samstag", 6},   {"sonnabend", 6},
    {"sáb", 6},        {"sab", 6},       {"sábado", 6},      {"sabado", 6},    {"sabato", 6},
    {"za", 6},         {"zaterdag", 6},  {"сб", 6},          {"суббота", 6},   {"do", -1},
    {"ma", -1},
};

#define DATE_WORD_MAX 32

/*
 * The word at the cursor: ASCII letters and the bytes of non-ASCII
 * characters (names in other languages), in buf in lower case (ASCII,
 * Latin-1 capitals À..Þ, Cyrillic capitals А..Я and Ё). Returns its length
 * and moves past it; 0, the cursor unmoved, when there is none or it is
 * longer than any name.
 */
static size_t
date_fold_word(struct dcur *c, char buf[DATE_WORD_MAX + 1])
{
	const char *p = c->p;
	size_t n = 0;
	unsigned char b, d;

	while (p < c->e && (date_isalpha(*p) || (unsigned char)*p >= 0x80)) {
		if (n + 2 > DATE_WORD_MAX)
			return 0;
		b = (unsigned char)*p++;
		if (b < 0x80) {
			buf[n++] = date_lower((char)b);
			continue;
		}
		buf[n++] = (char)b;
		if (p == c->e || (b != 0xc3 && b != 0xd0))
			continue;
		d = (unsigned char)*p;
		if (b == 0xc3 && d >= 0x80 && d <= 0x9e && d != 0x97) {
			d += 0x20; /* À..Þ (not ×) */
		} else if (b == 0xd0 && d >= 0x90 && d <= 0x9f) {
			d += 0x20; /* А..П */
		} else if (b == 0xd0 && d >= 0xa0 && d <= 0xaf) {
			buf[n - 1] = (char)0xd1; /* Р..Я */
			d -= 0x20;
		} else if (b == 0xd0 && d == 0x81) {
			buf[n - 1] = (char)0xd1; /* Ё */
			d = 0x91;
		}
		buf[n++] = (char)d;
		p++;
	}
	buf[n] = '\0';
	if (n > 0)
		c->p = p;
	return n;
}

/* Is the word at the cursor in table t (*v its number)? The cursor moves past it only then. */
static int
date_named_at(struct dcur *c, const struct date_named *t, size_t cnt, int *v)
{
	struct dcur save = *c;
	char buf[DATE_WORD_MAX + 1];
	size_t i;

	if (date_fold_word(c, buf) > 0) {
		for (i = 0; i < cnt; i++) {
			if (strcmp(buf, t[i].name) == 0) {
				*v = t[i].v;
				return 1;
			}
		}
	}
	*c = save;
	return 0;
}

/* Is the word at the cursor w (lower case ASCII)? The cursor moves past it only then. */
static int
date_word_at(struct dcur *c, const char *w)
{
	struct dcur save = *c;
	const char *s;
	size_t n = date_word(c, &s);

	if (n > 0 && date_word_is(s, n, w) && (c->p == c->e || (unsigned char)*c->p < 0x80))
		return 1;
	*c = save;
	return 0;
}

/*
 * A date written in numbers only: a 4-digit year first (Y/M/D), or last
 * after a day and a month in either order, or a 2-digit year anywhere. It
 * is read only when one order alone makes a real date (03/30/2020,
 * 26/06/2020), and a day name given must be that date's: 03/04/2020 and
 * 30.10.23 (2023-10-30 or 2030-10-23) are left unread, since their order
 * would be a guess; "Sat, 11 04 2020" is April 11 (November 4 was a
 * Wednesday). n[] are the numbers, nd[] their digit counts.
 */
static int
date_numeric(const long n[3], const int nd[3], int wday, struct civil *cv)
{
	long cand[3][3]; /* year, month, day */
	int k = 0, found = 0, i;

	if (nd[0] == 4) {
		if (nd[1] > 2 || nd[2] > 2)
			return -1;
		cand[k][0] = n[0], cand[k][1] = n[1], cand[k++][2] = n[2];
	} else if (nd[0] <= 2 && nd[1] <= 2 && (nd[2] == 4 || nd[2] == 2)) {
		long y = nd[2] == 4 ? n[2] : n[2] + (n[2] < 50 ? 2000 : 1900);

		cand[k][0] = y, cand[k][1] = n[1], cand[k++][2] = n[0];
		cand[k][0] = y, cand[k][1] = n[0], cand[k++][2] = n[1];
		if (nd[2] == 2 && nd[0] == 2) {
			cand[k][0] = n[0] + (n[0] < 50 ? 2000 : 1900);
			cand[k][1] = n[1], cand[k++][2] = n[2];
		}
	} else {
		return -1;
	}
	for (i = 0; i < k; i++) {
		if (cand[i][1] < 1 || cand[i][1] > 12 || cand[i][2] < 1 ||
		    cand[i][2] > date_mdays(cand[i][0], (int)cand[i][1]))
			continue;
		if (wday >= 0 &&
		    date_wday(date_days(cand[i][0], (int)cand[i][1], (int)cand[i][2])) != wday)
			continue;
		if (found &&
		    (cand[i][1] != cv->mon || cand[i][2] != cv->day || cand[i][0] != cv->year))
			return -1; /* two readings */
		found = 1;
		cv->year = cand[i][0], cv->mon = (int)cand[i][1], cv->day = (int)cand[i][2];
	}
	return found ? 0 : -1;
}

/* Words between the date and the time: "at", "um", "om", "à", "alle". */
static const struct date_named date_at_words[] = {
    {"at", 0}, {"um", 0}, {"om", 0}, {"à", 0}, {"alle", 0},
};

/* An ordinal's suffix after the day: 1st, 2nd, 3rd, 16th, French 1er, German "16.". */
static void
date_ordinal(struct dcur *c)
{
	if (date_at(c, '.'))
		c->p++;
	else if (!date_word_at(c, "st") && !date_word_at(c, "nd") && !date_word_at(c, "rd") &&
	         !date_word_at(c, "th"))
		(void)date_word_at(c, "er");
}

/*
 * Between the day, the month and the year: one '-' (RFC 850: 05-Mar-24),
 * or blanks with an optional comma before them (5 August, 2019) and an
 * optional "de" among them (5 de marzo de 2024). Returns -1 when there is
 * none.
 */
static int
date_sep(struct dcur *c)
{
	const char *start = c->p;

	if (date_at(c, '-')) {
		c->p++;
		return 0;
	}
	if (date_at(c, ','))
		c->p++;
	if (c->p == c->e || !date_isblank(*c->p))
		return -1;
	date_skip_blanks(c);
	if (date_word_at(c, "de")) {
		if (c->p == c->e || !date_isblank(*c->p))
			return -1;
		date_skip_blanks(c);
	}
	return c->p > start ? 0 : -1;
}

/*
 * A 12-hour clock's am, PM, a.m. or p.m. after the time: the hour must then
 * be 1 to 12. Nothing there leaves the time as it is.
 */
static int
date_ampm(struct dcur *c, struct civil *cv)
{
	struct dcur save = *c;
	char ap;

	date_skip_blanks(c);
	if (c->p < c->e && (date_lower(*c->p) == 'a' || date_lower(*c->p) == 'p')) {
		ap = date_lower(*c->p++);
		if (date_at(c, '.'))
			c->p++;
		if (c->p < c->e && date_lower(*c->p) == 'm') {
			c->p++;
			if (date_at(c, '.'))
				c->p++;
			if (c->p == c->e ||
			    !(date_isalpha(*c->p) || (unsigned char)*c->p >= 0x80)) {
				if (cv->hour < 1 || cv->hour > 12)
					return -1;
				cv->hour = cv->hour % 12 + (ap == 'p' ? 12 : 0);
				return 0;
			}
		}
	}
	*c = save;
	return 0;
}

/* Is a time (H:MM or HH:MM) at the cursor? */
static int
date_time_ahead(const struct dcur *c)
{
	const char *p = c->p;

	if (p < c->e && date_isdigit(*p))
		p++;
	if (p < c->e && date_isdigit(*p))
		p++;
	return p > c->p && p < c->e && *p == ':';
}

/*
 * A zone, and the offset that may follow a name ("MST -0700"), which must
 * then agree with it.
 */
static int
date_zones_at(struct dcur *c, struct civil *cv)
{
	long again;
	int iana = 0;

	if (date_zone(c, &cv->off, &cv->iana) < 0)
		return -1;
	date_skip_blanks(c);
	if (cv->iana == 0 && (date_at(c, '+') || date_at(c, '-')))
		if (date_zone(c, &again, &iana) < 0 || again != cv->off)
			return -1;
	return 0;
}

/* The end: a comment such as "(UTC)" may close the text, nothing else. */
static int
date_end(struct dcur *c, const struct civil *cv, char out[21])
{
	date_skip_blanks(c);
	if (date_at(c, '(')) {
		if (c->e[-1] != ')')
			return -1;
		c->p = c->e;
	}
	if (c->p != c->e)
		return -1;
	return date_finish(cv, out);
}

/*
 * After the date: a comma, " - " or a word such as "at" (Jun 22, 2023 at
 * 01:11 PM), a time with or without AM/PM, a zone. Without a zone the time
 * is taken as UTC, without a time as midnight.
 */
static int
date_tail(struct dcur *c, struct civil *cv, char out[21])
{
	const char *start;
	int v;

	date_skip_blanks(c);
	start = c->p;
	if (date_at(c, ','))
		c->p++;
	else if (date_at(c, '-') && c->p + 1 < c->e && date_isblank(c->p[1]))
		c->p++;
	else
		(void)date_named_at(c, date_at_words,
		                    sizeof(date_at_words) / sizeof(date_at_words[0]), &v);
	date_skip_blanks(c);
	if (date_time_ahead(c)) {
		if (date_time(c, cv) < 0 || date_ampm(c, cv) < 0)
			return -1;
	} else if (c->p != start) {
		return -1;
	}
	date_skip_blanks(c);
	if (c->p < c->e && *c->p != '(' && date_zones_at(c, cv) < 0)
		return -1;
	return date_end(c, cv, out);
}

/* Russian writes "г." (год, year) after the year. */
static void
date_year_word(struct dcur *c)
{
	struct dcur t = *c;

	date_skip_blanks(&t);
	if (t.e - t.p >= 2 && (unsigned char)t.p[0] == 0xd0 && (unsigned char)t.p[1] == 0xb3) {
		t.p += 2;
		if (t.p < t.e && (date_isalpha(*t.p) || (unsigned char)*t.p >= 0x80))
			return;
		if (date_at(&t, '.'))
			t.p++;
		*c = t;
	}
}

/*
 * A date written in numbers (date_numeric()): three numbers with the same
 * separator, '/', '.', '-' or blanks, between them.
 */
static int
date_numbers(struct dcur *c, long first, int firstnd, int wday, struct civil *cv)
{
	long n[3];
	int nd[3];
	char sep = *c->p;

	n[0] = first, nd[0] = firstnd;
	if (date_isblank(sep))
		date_skip_blanks(c);
	else
		c->p++;
	if ((nd[1] = date_num(c, 1, 2, &n[1])) == 0)
		return -1;
	if (date_isblank(sep)) {
		if (c->p == c->e || !date_isblank(*c->p))
			return -1;
		date_skip_blanks(c);
	} else if (date_at(c, sep)) {
		c->p++;
	} else {
		return -1;
	}
	if ((nd[2] = date_num(c, 1, 4, &n[2])) == 0)
		return -1;
	return date_numeric(n, nd, wday, cv);
}

/*
 * The date after the day name (wday, or -1): D Mon Y (RFC 822/1123/2822/
 * 850 and their cousins: 16th Nov, 16. Novembre, 5 de marzo de 2024), Mon
 * D[,] Y (December 22, 2017), Mon D time [zone] Y (ANSI C's and Unix
 * date's), or numbers only; then the time and zone (date_tail()).
 */
static int
date_body(struct dcur *c, int wday, char out[21])
{
	struct civil cv = {0};
	long d, y;
	int m, nd;

	if (c->p < c->e && date_isdigit(*c->p)) {
		if ((nd = date_num(c, 1, 4, &d)) == 0)
			return -1;
		if (c->p < c->e &&
		    (*c->p == '/' || *c->p == '.' || *c->p == '-' || date_isblank(*c->p))) {
			struct dcur t = *c;

			t.p++;
			date_skip_blanks(&t);
			if (t.p < t.e && date_isdigit(*t.p)) {
				if (date_numbers(c, d, nd, wday, &cv) < 0)
					return -1;
				return date_tail(c, &cv, out);
			}
		}
		if (nd > 2)
			return -1;
		date_ordinal(c);
		if (date_sep(c) < 0 ||
		    !date_named_at(c, date_months, sizeof(date_months) / sizeof(date_months[0]),
		                   &m))
			return -1;
		if (date_at(c, '.'))
			c->p++;
		if (date_sep(c) < 0)
			return -1;
		nd = date_num(c, 2, 4, &y);
		if (nd == 2)
			y += y < 50 ? 2000 : 1900;
		else if (nd != 4)
			return -1;
		cv.year = y, cv.mon = m, cv.day = (int)d;
		date_year_word(c);
		return date_tail(c, &cv, out);
	}
	if (!date_named_at(c, date_months, sizeof(date_months) / sizeof(date_months[0]), &m))
		return -1;
	if (date_at(c, '.'))
		c->p++;
	if (c->p == c->e || !date_isblank(*c->p))
		return -1;
	date_skip_blanks(c);
	if (date_num(c, 1, 2, &d) == 0)
		return -1;
	date_ordinal(c);
	if (date_at(c, ','))
		c->p++;
	if (c->p == c->e || !date_isblank(*c->p))
		return -1;
	date_skip_blanks(c);
	cv.mon = m, cv.day = (int)d;
	if (date_time_ahead(c)) {
		/* ANSI C and Unix date: Mon Jan  2 15:04:05 [MST] 2006 */
		if (date_time(c, &cv) < 0 || date_ampm(c, &cv) < 0)
			return -1;
		date_skip_blanks(c);
		if (c->p < c->e && !date_isdigit(*c->p) && date_zones_at(c, &cv) < 0)
			return -1;
		date_skip_blanks(c);
		if (date_num(c, 4, 4, &y) == 0)
			return -1;
		cv.year = y;
		return date_end(c, &cv, out);
	}
	if (date_num(c, 4, 4, &y) == 0)
		return -1;
	cv.year = y;
	return date_tail(c, &cv, out);
}

/*
 * RFC 822/1123/2822 and the other forms feeds write with words: an
 * optional day name ("Tue,", "Thurs", "mer.,", "Lundi,"), then date_body().
 * A name that is both a day and a month ("mar": mardi, March) is tried as
 * the day first, then as the month.
 */
static int
date_rfc(struct dcur *c, char out[21])
{
	struct dcur t = *c;
	int wday;

	if (date_named_at(&t, date_wdays, sizeof(date_wdays) / sizeof(date_wdays[0]), &wday)) {
		const char *after = t.p;

		if (date_at(&t, '.'))
			t.p++;
		if (date_at(&t, ','))
			t.p++;
		date_skip_blanks(&t);
		if (t.p > after && date_body(&t, wday, out) == 0)
			return 0;
	}
	return date_body(c, -1, out);
}

/* The longest text that date_normalize() rewrites (date_spaces()); longer is no date. */
#define DATE_TEXT_MAX 256

/*
 * The bytes of a Unicode space separator (category Zs) at p, 0 when there
 * is none: U+00A0 no-break, U+2000..U+200A (U+2009 thin among them), U+202F
 * narrow no-break, U+205F, U+3000. Feeds write them where ASCII has a
 * blank: French typography puts U+202F between "6" and "décembre", CLDR 42
 * and later between the time and "PM", and HTML-made dates keep &nbsp;.
 */
static size_t
date_uspace(const char *p, const char *e)
{
	const unsigned char *u = (const unsigned char *)p;
	ptrdiff_t n = e - p;

	if (n >= 2 && u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (n < 3)
		return 0;
	if (u[0] == 0xe2 && u[1] == 0x80 && ((u[2] >= 0x80 && u[2] <= 0x8a) || u[2] == 0xaf))
		return 3;
	if ((u[0] == 0xe2 && u[1] == 0x81 && u[2] == 0x9f) ||
	    (u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80))
		return 3;
	return 0;
}

/*
 * The text of s with every Unicode space separator made one ASCII blank,
 * in buf (DATE_TEXT_MAX bytes), so that the readers, which know ASCII
 * blanks only, read "6 décembre" written with U+202F as with a space.
 * Returns s itself when it has none, buf when it has, NULL when it has and
 * is too long for buf.
 */
static const char *
date_spaces(const char *s, size_t len, char *buf)
{
	const char *p, *e = s + len;
	size_t n = 0, w;
	int any = 0;

	for (p = s; p < e && !any; p++)
		any = date_uspace(p, e) > 0;
	if (!any)
		return s;
	if (len >= DATE_TEXT_MAX)
		return NULL;
	for (p = s; p < e;) {
		w = date_uspace(p, e);
		buf[n++] = w > 0 ? ' ' : *p;
		p += w > 0 ? w : 1;
	}
	buf[n] = '\0';
	return buf;
}

int
date_seconds(const char *s, int64_t *t)
{
	char n[21];
	long y = 0;
	int v[5] = {0};

	if (date_normalize(s, n) != 0)
		return -1;
	/* "YYYY-MM-DDTHH:MM:SSZ", as date_format() wrote it */
	for (int i = 0; i < 4; i++)
		y = y * 10 + (n[i] - '0');
	for (int i = 0; i < 5; i++)
		v[i] = (n[5 + 3 * i] - '0') * 10 + (n[6 + 3 * i] - '0');
	*t = (int64_t)(date_days(y, v[0], v[1]) * 86400 + v[2] * 3600 + v[3] * 60 + v[4]);
	return 0;
}

int
date_show(int64_t t, long off, int day_only, char out[DATE_SHOW_MAX])
{
	char u[21];
	long a = off < 0 ? -off : off;

	out[0] = '\0';
	if (date_format((long long)t + off, u) < 0)
		return -1;
	if (day_only) {
		memcpy(out, u, 10);
		out[10] = '\0';
		return 0;
	}
	/* "2026-12-07 09:14 +01:00" */
	memcpy(out, u, 10);
	out[10] = ' ';
	memcpy(out + 11, u + 11, 5);
	out[16] = ' ';
	out[17] = off < 0 ? '-' : '+';
	date_put(out + 18, a / 3600 % 100, 2);
	out[20] = ':';
	date_put(out + 21, a / 60 % 60, 2);
	out[23] = '\0';
	return 0;
}

int
date_normalize(const char *s, char out[21])
{
	char buf[DATE_TEXT_MAX];
	struct dcur c;
	const char *q;

	if (s == NULL)
		return -1;
	if ((s = date_spaces(s, strlen(s), buf)) == NULL)
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
	if (q - c.p == 8 && q < c.e && (*q == 'T' || *q == 't'))
		return date_iso_basic(&c, out);
	if (q < c.e && *q == '.')
		for (q++; q < c.e && date_isdigit(*q); q++)
			;
	if (q == c.e)
		return date_unix(&c, out);
	return date_rfc(&c, out);
}
