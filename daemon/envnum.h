/*
 * envnum.h: a whole number from harkd's environment (HARK_STOP_TIMEOUT,
 * HARK_HTTP_IDLE_TIMEOUT, HARK_HTTP_SESSION_TTL, HARK_INDEX_DELAY_MS), read
 * the same way for each: unset or empty gives the default; anything else
 * but a number from min to max is said once in the log and gives it too.
 */
#ifndef HARK_ENVNUM_H
#define HARK_ENVNUM_H

/* unit names what the number counts in the warning ("seconds"). */
long envnum_get(const char *name, long min, long max, long dflt, const char *unit);

#endif
