/* SPDX-License-Identifier: BSD-2-Clause */
/* mcast.c: a node's socket on its region's multicast group (IPv4, UDP). */
#ifndef DUPG_SIM_NODE_MCAST_H
#define DUPG_SIM_NODE_MCAST_H

#include <netinet/in.h>
#include <stddef.h>
#include <sys/types.h>

struct node_mcast {
	int fd;
	struct sockaddr_in group; /* where announcements go */
};

/*
 * Parse GROUP ("239.x.y.z:PORT", a multicast address) and IFACE (the node's
 * IPv4 address), bind to the group and port, join it on IFACE, send from
 * IFACE with loopback on (the other nodes may be on this host). Prints the
 * problem naming the option and returns -1 on failure.
 */
int node_mcast_open(struct node_mcast *m, const char *group, const char *iface);
/* One datagram to the group; -1 after a message on failure. */
int node_mcast_send(struct node_mcast *m, const void *buf, size_t len);
/*
 * Wait up to timeout_ms for one datagram: its length (one longer than cap is
 * cut to cap bytes and *truncated set), 0 on timeout, -2 for an empty
 * datagram, -1 on error. from receives the sender's address as text.
 */
ssize_t node_mcast_recv(struct node_mcast *m, void *buf, size_t cap, int timeout_ms,
			int *truncated, char *from, size_t from_len);
void node_mcast_close(struct node_mcast *m);

#endif
