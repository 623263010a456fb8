/* SPDX-License-Identifier: BSD-2-Clause */
/* The virtual server's HTTP side: dupg-server run as a child on the node's store. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "node/serve.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int node_serve_start(struct node_serve *s, const char *bin, const char *dir, const char *db,
		     const char *addr)
{
	static const char prefix[] = "listening on ";
	char listen[64], line[256];
	size_t len = 0;
	long long deadline;
	pid_t parent = getpid();
	int fds[2];

	s->pid = 0;
	s->out = -1;
	s->url[0] = '\0';
	snprintf(listen, sizeof(listen), "%s:0", addr);
	if (pipe2(fds, O_CLOEXEC) != 0) {
		cli_fail("node: pipe: %s", strerror(errno));
		return -1;
	}
	s->pid = fork();
	if (s->pid < 0) {
		cli_fail("node: fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		s->pid = 0;
		return -1;
	}
	if (s->pid == 0) {
		/* the server must not outlive the node: a killed virtual server is gone whole */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
			_exit(127);
		if (dup2(fds[1], STDOUT_FILENO) < 0)
			_exit(127);
		execlp(bin, bin, "--packages", dir, "--db", db, "--listen", listen, "--threads", "2",
		       (char *)NULL);
		fprintf(stderr, "dupg-sim: node: cannot run %s: %s\n", bin, strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	s->out = fds[0];
	deadline = now_ms() + 10000;
	while (len + 1 < sizeof(line)) {
		struct pollfd pfd = { s->out, POLLIN, 0 };
		long long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		n = read(s->out, line + len, 1);
		if (n <= 0)
			break;
		if (line[len] == '\n') {
			line[len] = '\0';
			if (strncmp(line, prefix, sizeof(prefix) - 1) == 0 &&
			    strlen(line + sizeof(prefix) - 1) < sizeof(s->url)) {
				strcpy(s->url, line + sizeof(prefix) - 1);
				return 0;
			}
			len = 0;
			continue;
		}
		len++;
	}
	cli_fail("node: %s --packages %s did not say where it listens within 10 s", bin, dir);
	node_serve_stop(s);
	return -1;
}

void node_serve_stop(struct node_serve *s)
{
	int i, status;

	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		for (i = 0; i < 500; i++) {
			pid_t r = waitpid(s->pid, &status, WNOHANG);
			if (r == s->pid || (r < 0 && errno != EINTR))
				break;
			if (i == 499) {
				kill(s->pid, SIGKILL);
				waitpid(s->pid, &status, 0);
				break;
			}
			usleep(10000);
		}
	}
	s->pid = 0;
	if (s->out >= 0)
		close(s->out);
	s->out = -1;
}
