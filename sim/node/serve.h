/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * serve.c: the virtual server's HTTP side. It is dupg-server itself, run as a
 * child on the store directory (`--packages DIR`), so the region is served by
 * the management server's own package code (ETag, Range, sendfile), not a copy.
 */
#ifndef DUPG_SIM_NODE_SERVE_H
#define DUPG_SIM_NODE_SERVE_H

#include <sys/types.h>

struct node_serve {
	pid_t pid;     /* 0 when not running */
	int out;       /* the child's stdout, kept open so it never writes to a closed pipe */
	char url[128]; /* http://ADDR:PORT, once listening */
};

/*
 * Start BIN --packages DIR --db DB --listen ADDR:0 and wait (at most 10 s) for
 * its "listening on http://..." line. The child dies with this process
 * (PR_SET_PDEATHSIG): a node killed takes its server with it. -1 after a
 * message on failure.
 */
int node_serve_start(struct node_serve *s, const char *bin, const char *dir, const char *db,
		     const char *addr);
/* SIGTERM, then wait for it (SIGKILL after 5 s); a stopped one is fine. */
void node_serve_stop(struct node_serve *s);

#endif
