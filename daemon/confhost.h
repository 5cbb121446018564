/*
 * confhost.h: what a configuration names on this host, checked as harkd's
 * start would find it, creating nothing: state_dir and spool_dir, and the
 * [http] listen addresses. harkd -n and hark check say the start's words.
 */
#ifndef HARK_CONFHOST_H
#define HARK_CONFHOST_H

#include "conf.h"
#include "diag.h"

/*
 * CONFHOST_TOOL: hark check, run by whoever: a directory this user may
 * not search or write (EACCES) is harkd's business, not an error; what is
 * wrong for anyone (a missing parent, a file where a directory should be,
 * a link in the spool, an address not of this host) is.
 */
#define CONFHOST_TOOL 1u

/*
 * An error for each thing of c's the start would refuse: a directory at c's
 * file; a listen address at the line of listen. An address is bound at a
 * port the kernel picks and let go at once: whether its port is free is
 * the start's to find (a running harkd holds it).
 */
void confhost_check(const struct conf *c, unsigned flags, struct diags *d);

#endif
