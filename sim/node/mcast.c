/* SPDX-License-Identifier: BSD-2-Clause */
/* A node's socket on its region's multicast group: join, send, receive with a timeout. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "node/mcast.h"

/* "A.B.C.D:PORT" into a group address; -1 after a message. */
static int parse_group(struct sockaddr_in *out, const char *arg)
{
	char host[INET_ADDRSTRLEN];
	const char *colon = strrchr(arg, ':');
	uint64_t port;

	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	if (colon == NULL || (size_t)(colon - arg) >= sizeof(host)) {
		cli_fail("node: --group \"%s\": ADDRESS:PORT is expected (239.1.2.3:5000)", arg);
		return -1;
	}
	memcpy(host, arg, (size_t)(colon - arg));
	host[colon - arg] = '\0';
	if (cli_parse_u64(&port, colon + 1, 1, 65535) != 0) {
		cli_fail("node: --group \"%s\": the port must be 1 to 65535", arg);
		return -1;
	}
	if (inet_pton(AF_INET, host, &out->sin_addr) != 1 || !IN_MULTICAST(ntohl(out->sin_addr.s_addr))) {
		cli_fail("node: --group \"%s\": \"%s\" is not an IPv4 multicast address (224.0.0.0/4)", arg,
			 host);
		return -1;
	}
	out->sin_port = htons((uint16_t)port);
	return 0;
}

int node_mcast_open(struct node_mcast *m, const char *group, const char *iface)
{
	struct ip_mreq mreq;
	struct in_addr ifaddr;
	unsigned char loop = 1, ttl = 1;
	int one = 1, zero = 0;

	m->fd = -1;
	if (parse_group(&m->group, group) != 0)
		return -1;
	if (inet_pton(AF_INET, iface, &ifaddr) != 1) {
		cli_fail("node: --iface \"%s\": an IPv4 address is expected (127.0.0.2)", iface);
		return -1;
	}
	m->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (m->fd < 0) {
		cli_fail("node: socket: %s", strerror(errno));
		return -1;
	}
	/* several nodes of a host share the group's port; each gets its own copy */
	if (setsockopt(m->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(m->fd, (const struct sockaddr *)&m->group, sizeof(m->group)) != 0) {
		cli_fail("node: --group %s: cannot bind: %s", group, strerror(errno));
		goto fail;
	}
	mreq.imr_multiaddr = m->group.sin_addr;
	mreq.imr_interface = ifaddr;
	if (setsockopt(m->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq)) != 0) {
		cli_fail("node: --group %s on --iface %s: cannot join: %s", group, iface, strerror(errno));
		goto fail;
	}
	/* only the group joined here, not every group some socket of the host joined */
	if (setsockopt(m->fd, IPPROTO_IP, IP_MULTICAST_ALL, &zero, sizeof(zero)) != 0 ||
	    setsockopt(m->fd, IPPROTO_IP, IP_MULTICAST_IF, &ifaddr, sizeof(ifaddr)) != 0 ||
	    setsockopt(m->fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop)) != 0 ||
	    setsockopt(m->fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) != 0) {
		cli_fail("node: --iface %s: cannot set the multicast options: %s", iface, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	close(m->fd);
	m->fd = -1;
	return -1;
}

int node_mcast_send(struct node_mcast *m, const void *buf, size_t len)
{
	ssize_t n = sendto(m->fd, buf, len, 0, (const struct sockaddr *)&m->group, sizeof(m->group));

	if (n < 0 || (size_t)n != len) {
		cli_fail("node: cannot send to the group: %s", n < 0 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}

ssize_t node_mcast_recv(struct node_mcast *m, void *buf, size_t cap, int timeout_ms,
			int *truncated, char *from, size_t from_len)
{
	struct pollfd pfd = { m->fd, POLLIN, 0 };
	struct sockaddr_in src;
	socklen_t slen = sizeof(src);
	ssize_t n;
	int rc;

	*truncated = 0;
	rc = poll(&pfd, 1, timeout_ms < 0 ? 0 : timeout_ms);
	if (rc < 0)
		return errno == EINTR ? 0 : -1;
	if (rc == 0)
		return 0;
	/* MSG_TRUNC: the real length comes back, so an oversized datagram is seen as one */
	n = recvfrom(m->fd, buf, cap, MSG_TRUNC, (struct sockaddr *)&src, &slen);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	if ((size_t)n > cap) {
		*truncated = 1;
		n = (ssize_t)cap;
	}
	if (inet_ntop(AF_INET, &src.sin_addr, from, (socklen_t)from_len) == NULL)
		snprintf(from, from_len, "?");
	return n == 0 ? -2 : n;
}

void node_mcast_close(struct node_mcast *m)
{
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
}
