/*
 * listensock.h: the socket of one [http] listen address, made one way for
 * harkd's server (httpd.c) and for the checks that say beforehand whether
 * the start could make it (confhost.c), so both say the same words.
 */
#ifndef HARK_LISTENSOCK_H
#define HARK_LISTENSOCK_H

#include <stddef.h>

#include "conf.h"

/*
 * A non-blocking TCP socket bound to l (SO_REUSEADDR, IPv6 only for an
 * IPv6 host, TCP_NODELAY), not yet listening; with any_port to l's host
 * at a port the kernel picks (a check: the address is this host's, and a
 * harkd running on l->port does not make it fail). Returns the socket
 * (the caller's) or -1 with "cannot listen on ADDRESS: why" in err.
 */
int listensock_bind(const struct conf_listen *l, int any_port, char *err, size_t errsz);

/* "127.0.0.1:8976" or "[::1]:8976": l as written in errors and logs. */
void listensock_shown(const struct conf_listen *l, char *buf, size_t bufsz);

#endif
