/*
 * mute.c: the length of a mute (mute.h). Every input is a stranger's (an
 * API body): bounded numbers, a cause for every refusal, quoted at most
 * 40 bytes of it.
 */
#include <stdio.h>
#include <string.h>

#include "mute.h"

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* s[0..*len) without the blanks around it. */
static const char *
trim(const char *s, size_t *len)
{
	while (*len > 0 && is_blank(s[0]))
		s++, (*len)--;
	while (*len > 0 && is_blank(s[*len - 1]))
		(*len)--;
	return s;
}

/* The input in a cause: at most 40 bytes, a control byte or a quote as '?'. */
static void
quote(const char *s, size_t len, char out[48])
{
	size_t n = len > 40 ? 40 : len, i;

	for (i = 0; i < n; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == '\'' || s[i] == 0x7f ? '?' : s[i];
	if (len > 40)
		out[i++] = '.', out[i++] = '.', out[i++] = '.';
	out[i] = '\0';
}

int
mute_parse_for(const char *s, size_t len, struct mute_len *m, char *err, size_t errsz)
{
	static const struct {
		char unit;
		int64_t secs;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 604800}};
	int64_t total = 0;
	size_t i = 0;
	char q[48];

	s = trim(s, &len);
	quote(s, len, q);
	if (len == 0) {
		snprintf(err, errsz,
		         "no duration: give one as 30m, 12h, 2d, 1w or until YYYY-MM-DD");
		return -1;
	}
	while (i < len) {
		int64_t n = 0;
		size_t u, digits = 0;

		for (; i < len && is_digit(s[i]); i++, digits++)
			if ((n = n * 10 + (s[i] - '0')) > MUTE_MAX_SECS)
				goto too_long;
		if (digits == 0 || i == len)
			goto bad;
		for (u = 0; u < sizeof(units) / sizeof(units[0]); u++)
			if (units[u].unit == s[i])
				break;
		if (u == sizeof(units) / sizeof(units[0]))
			goto bad;
		i++;
		if ((total += n * units[u].secs) > MUTE_MAX_SECS)
			goto too_long;
	}
	if (total == 0) {
		snprintf(err, errsz, "'%s' is no time at all: a mute lasts at least a second", q);
		return -1;
	}
	memset(m, 0, sizeof(*m));
	m->kind = MUTE_FOR;
	m->secs = total;
	return 0;
bad:
	snprintf(err, errsz,
	         "'%s' is not a duration: a number and a unit, s m h d w (30m, 12h, 2d, 1d12h), "
	         "or until YYYY-MM-DD [HH:MM]",
	         q);
	return -1;
too_long:
	snprintf(err, errsz,
	         "'%s' is longer than a mute may be (366 days): to stop a rule for good, set "
	         "enabled = no in its rule file",
	         q);
	return -1;
}

/* n digits at s as a number, or -1. */
static int
num(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
days_in_month(int y, int m)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : mdays[m - 1];
}

int64_t
mute_utc_secs(int year, int mon, int day, int hour, int min, int sec)
{
	/* days from 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil) */
	int64_t y = (int64_t)year - (mon <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = era * 146097 + doe - 719468;

	return days * 86400 + hour * 3600 + min * 60 + sec;
}

int
mute_parse_until(const char *s, size_t len, struct mute_len *m, char *err, size_t errsz)
{
	struct mute_len r = {.kind = MUTE_LOCAL};
	size_t i;
	char q[48];

	s = trim(s, &len);
	quote(s, len, q);
	/* YYYY-MM-DD */
	if (len < 10 || s[4] != '-' || s[7] != '-' || (r.year = num(s, 4)) < 0 ||
	    (r.mon = num(s + 5, 2)) < 0 || (r.day = num(s + 8, 2)) < 0)
		goto bad;
	if (r.year < 1970 || r.mon < 1 || r.mon > 12 || r.day < 1 ||
	    r.day > days_in_month(r.year, r.mon)) {
		snprintf(err, errsz, "'%s': there is no such day", q);
		return -1;
	}
	i = 10;
	/* [ T]HH:MM[:SS] */
	if (i < len) {
		if (s[i] != ' ' && s[i] != 'T' && s[i] != 't')
			goto bad;
		for (i++; i < len && s[i] == ' '; i++)
			;
		if (len - i < 5 || s[i + 2] != ':' || (r.hour = num(s + i, 2)) < 0 ||
		    (r.min = num(s + i + 3, 2)) < 0)
			goto bad;
		i += 5;
		if (i < len && s[i] == ':') {
			if (len - i < 3 || (r.sec = num(s + i + 1, 2)) < 0)
				goto bad;
			i += 3;
		}
		if (r.hour > 23 || r.min > 59 || r.sec > 59) {
			snprintf(err, errsz, "'%s': there is no such time of day", q);
			return -1;
		}
	}
	/* Z, +HH:MM, +HHMM: a point in time of its own */
	if (i < len) {
		int sign = 0, oh = 0, om = 0;

		if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == len) {
			oh = om = 0;
		} else if ((s[i] == '+' || s[i] == '-') &&
		           ((len - i == 6 && s[i + 3] == ':' && (om = num(s + i + 4, 2)) >= 0) ||
		            (len - i == 5 && (om = num(s + i + 3, 2)) >= 0)) &&
		           (oh = num(s + i + 1, 2)) >= 0 && oh <= 23 && om <= 59) {
			sign = s[i] == '+' ? 1 : -1;
		} else {
			goto bad;
		}
		r.kind = MUTE_AT;
		r.secs = mute_utc_secs(r.year, r.mon, r.day, r.hour, r.min, r.sec) -
		         sign * ((int64_t)oh * 3600 + om * 60);
	}
	*m = r;
	return 0;
bad:
	snprintf(err, errsz,
	         "'%s' is not a time: YYYY-MM-DD (local midnight), YYYY-MM-DD HH:MM (local), "
	         "or with Z or +HH:MM",
	         q);
	return -1;
}

int
mute_parse(const char *s, size_t len, struct mute_len *m, char *err, size_t errsz)
{
	s = trim(s, &len);
	if (len >= 5 && strncmp(s, "until", 5) == 0 && (len == 5 || is_blank(s[5])))
		return mute_parse_until(s + 5, len - 5, m, err, errsz);
	return mute_parse_for(s, len, m, err, errsz);
}
