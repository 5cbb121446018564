/*
 * muting.h: the shell's half of a mute (the core's mute.h parses it): a
 * length or a wall time into the Unix seconds it ends, local time through
 * mktime, checked against now. Shared by hark mute and harkd's POST
 * /api/v1/rules/ID/mute, so that both take the same words.
 */
#ifndef HARK_MUTING_H
#define HARK_MUTING_H

#include <stddef.h>
#include <stdint.h>

#include "mute.h"

/*
 * When the mute m, asked for at now (Unix seconds), ends: 0 with *until,
 * -1 with a one-line cause in err (a local time that does not exist, a
 * time past, further than MUTE_MAX_SECS away).
 */
int muting_until(const struct mute_len *m, int64_t now, int64_t *until, char *err, size_t errsz);

#endif
