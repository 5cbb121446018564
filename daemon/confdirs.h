/*
 * confdirs.h: the directories a configuration names (state_dir and
 * spool_dir), checked as harkd's start would find them, creating nothing:
 * harkd -n and hark check say the same words as the start.
 */
#ifndef HARK_CONFDIRS_H
#define HARK_CONFDIRS_H

#include "conf.h"
#include "diag.h"

/*
 * CONFDIRS_TOOL: hark check, run by whoever: a directory this user may
 * not search or write (EACCES) is harkd's business, not an error; what is
 * wrong for anyone (a missing parent, a file where a directory should be,
 * a link in the spool) is.
 */
#define CONFDIRS_TOOL 1u

/* An error for each of c's directories the start would refuse, at c's file. */
void confdirs_check(const struct conf *c, unsigned flags, struct diags *d);

#endif
