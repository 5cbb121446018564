/* confdirs.c: state_dir and spool_dir, as harkd's start will find them. */
#include <errno.h>

#include "confdirs.h"
#include "dropdir.h"
#include "fileio.h"

void
confdirs_check(const struct conf *c, unsigned flags, struct diags *d)
{
	char err[512];
	/* only harkd's user can tell: hark check leaves it to harkd -n */
	int hidden, state_ok = dir_check(c->state_dir, NULL, err, sizeof(err)) == 0;

	hidden = !state_ok && (flags & CONFDIRS_TOOL) && errno == EACCES;
	if (!state_ok && !hidden)
		diags_add(d, c->path, 0, 0, DIAG_ERROR, "state_dir %s", err);
	/* the start makes state_dir first: spool_dir may be made inside it */
	if (dropdir_check(c->spool_dir, state_ok || hidden ? c->state_dir : NULL, err,
	                  sizeof(err)) < 0 &&
	    !((flags & CONFDIRS_TOOL) && errno == EACCES))
		diags_add(d, c->path, 0, 0, DIAG_ERROR, "spool_dir %s", err);
}
