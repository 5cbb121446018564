/* listensock.c: the bound socket of an [http] listen address. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listensock.h"

void
listensock_shown(const struct conf_listen *l, char *buf, size_t bufsz)
{
	int v6 = strchr(l->host, ':') != NULL;

	snprintf(buf, bufsz, "%s%s%s:%u", v6 ? "[" : "", l->host, v6 ? "]" : "", l->port);
}

int
listensock_bind(const struct conf_listen *l, int any_port, char *err, size_t errsz)
{
	struct addrinfo hints = {0}, *ai = NULL;
	char port[8], shown[80];
	int fd = -1, one = 1, rc;

	listensock_shown(l, shown, sizeof(shown));
	snprintf(port, sizeof(port), "%u", any_port ? 0u : l->port);
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(l->host, port, &hints, &ai)) != 0) {
		snprintf(err, errsz, "cannot listen on %s: %s", shown, gai_strerror(rc));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (ai->ai_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0) ||
	    /*
	     * TCP_NODELAY, which the accepted sockets inherit: a bufferevent
	     * writes at most 16 KiB a call, and without it the rest of a larger
	     * answer waited for the client's delayed ACK, 40 ms on every page
	     * of a kept-alive connection (tests/bench/api.c)
	     */
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		snprintf(err, errsz, "cannot listen on %s: %s", shown, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	return fd;
}
