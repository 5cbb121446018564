/*
 * netaddr.h: which addresses a feed may not be fetched from unless its
 * configuration says allow_private = yes: the SSRF guard. Pure.
 */
#ifndef HARK_NETADDR_H
#define HARK_NETADDR_H

#include <stddef.h>
#include <sys/socket.h>

/*
 * 1 when sa is unspecified, loopback, private (RFC 1918, RFC 4193),
 * shared (100.64/10), link-local, multicast, reserved (240/4, broadcast)
 * or an IPv4-mapped / IPv4-compatible / NAT64 IPv6 form of one of those; 0
 * when it is a public address. A family other than AF_INET and AF_INET6 is
 * not public (1). The address in text goes to text (may be NULL).
 */
int netaddr_private(const struct sockaddr *sa, char *text, size_t textsz);

#endif
