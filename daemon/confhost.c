/* confhost.c: state_dir, spool_dir and [http] listen, as harkd's start will find them. */
#include <errno.h>
#include <unistd.h>

#include "confhost.h"
#include "dropdir.h"
#include "fileio.h"
#include "listensock.h"

void
confhost_check(const struct conf *c, unsigned flags, struct diags *d)
{
	char err[512];
	/* only harkd's user can tell: hark check leaves it to harkd -n */
	int hidden, fd, state_ok = dir_check(c->state_dir, NULL, err, sizeof(err)) == 0;

	hidden = !state_ok && (flags & CONFHOST_TOOL) && errno == EACCES;
	if (!state_ok && !hidden)
		diags_add(d, c->path, 0, 0, DIAG_ERROR, "state_dir %s", err);
	/* the start makes state_dir first: spool_dir may be made inside it */
	if (dropdir_check(c->spool_dir, state_ok || hidden ? c->state_dir : NULL, err,
	                  sizeof(err)) < 0 &&
	    !((flags & CONFHOST_TOOL) && errno == EACCES))
		diags_add(d, c->path, 0, 0, DIAG_ERROR, "spool_dir %s", err);
	/* an address this host does not have, a family it does not speak */
	for (size_t i = 0; i < c->http.nlisten; i++) {
		if ((fd = listensock_bind(&c->http.listen[i], 1, err, sizeof(err))) < 0)
			diags_add(d, c->path, c->http.listen_line, c->http.listen_col, DIAG_ERROR,
			          "%s", err);
		else
			close(fd);
	}
}
