/* SPDX-License-Identifier: BSD-2-Clause */
/* The virtual server's HTTP side: dupg-server run as a child on the node's store. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "cli.h"
#include "node/serve.h"

int node_serve_start(struct node_serve *s, const char *bin, const char *dir, const char *db,
		     const char *addr)
{
	char listen[64];
	const char *argv[] = { bin, "--packages", dir, "--db", db, "--listen", listen,
			       "--threads", "2", NULL };

	s->url[0] = '\0';
	snprintf(listen, sizeof(listen), "%s:0", addr);
	if (sim_child_start(&s->pid, &s->out, argv, -1) != 0) {
		cli_fail("node: cannot start %s: %s", bin, strerror(errno));
		return -1;
	}
	if (sim_child_read_listen(s->out, 10000, s->url, sizeof(s->url)) == 0)
		return 0;
	cli_fail("node: %s --packages %s did not say where it listens within 10 s", bin, dir);
	node_serve_stop(s);
	return -1;
}

void node_serve_stop(struct node_serve *s)
{
	sim_child_stop(s->pid, SIGTERM, 5000);
	s->pid = 0;
	if (s->out >= 0)
		close(s->out);
	s->out = -1;
}
