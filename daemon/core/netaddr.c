/*
 * netaddr.c: private, local and special addresses (the SSRF guard of the
 * feed poller). Checked on the address curl is about to connect to, after
 * DNS and after every redirect, so that a public name resolving to
 * 127.0.0.1 or a redirect to 10.0.0.1 are refused alike.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "netaddr.h"

static int
v4_private(uint32_t a)
{
	static const struct {
		uint32_t net, mask;
	} nets[] = {
	    {0x00000000, 0xff000000}, /* 0/8 "this network", unspecified */
	    {0x0a000000, 0xff000000}, /* 10/8 */
	    {0x64400000, 0xffc00000}, /* 100.64/10 shared */
	    {0x7f000000, 0xff000000}, /* 127/8 loopback */
	    {0xa9fe0000, 0xffff0000}, /* 169.254/16 link-local */
	    {0xac100000, 0xfff00000}, /* 172.16/12 */
	    {0xc0000000, 0xffffff00}, /* 192.0.0/24 IETF */
	    {0xc0a80000, 0xffff0000}, /* 192.168/16 */
	    {0xc6120000, 0xfffe0000}, /* 198.18/15 benchmarking */
	    {0xe0000000, 0xf0000000}, /* 224/4 multicast */
	    {0xf0000000, 0xf0000000}, /* 240/4 reserved, and broadcast */
	};

	for (size_t i = 0; i < sizeof(nets) / sizeof(nets[0]); i++)
		if ((a & nets[i].mask) == nets[i].net)
			return 1;
	return 0;
}

static int
v6_private(const unsigned char b[16])
{
	static const unsigned char zero[12] = {0};
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const unsigned char nat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
	uint32_t v4 = (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 | b[15];

	/* ::/96 (:: and ::1 among them, and IPv4-compatible), ::ffff:0:0/96, 64:ff9b::/96 */
	if (memcmp(b, zero, 12) == 0)
		return 1; /* no public address is written this way */
	if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0)
		return v4_private(v4);
	if ((b[0] & 0xfe) == 0xfc) /* fc00::/7 unique local */
		return 1;
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) /* fe80::/10 link-local */
		return 1;
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) /* fec0::/10 site-local, deprecated */
		return 1;
	if (b[0] == 0xff) /* ff00::/8 multicast */
		return 1;
	if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) /* 2001:db8::/32 */
		return 1;
	return 0;
}

int
netaddr_private(const struct sockaddr *sa, char *text, size_t textsz)
{
	char buf[INET6_ADDRSTRLEN] = "?";
	int r = 1;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;

		inet_ntop(AF_INET, &in->sin_addr, buf, sizeof(buf));
		r = v4_private(ntohl(in->sin_addr.s_addr));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof(buf));
		r = v6_private(in6->sin6_addr.s6_addr);
	}
	if (text != NULL && textsz > 0)
		snprintf(text, textsz, "%s", buf);
	return r;
}
