/* SPDX-License-Identifier: BSD-2-Clause */
/* A serving child process: start it tied to its parent, read where it listens, stop it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int sim_child_start(pid_t *pid, int *out_fd, const char *const *argv, int logfd)
{
	pid_t parent = getpid();
	int fds[2], saved;

	*pid = 0;
	*out_fd = -1;
	if (pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	fflush(NULL);
	*pid = fork();
	if (*pid < 0) {
		saved = errno;
		close(fds[0]);
		close(fds[1]);
		*pid = 0;
		errno = saved;
		return -1;
	}
	if (*pid == 0) {
		/* the child dies with its parent, whatever kills it */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		if (dup2(fds[1], STDOUT_FILENO) < 0 || (logfd >= 0 && dup2(logfd, STDERR_FILENO) < 0))
			_exit(127);
		execvp(argv[0], (char *const *)argv);
		dprintf(STDERR_FILENO, "dupg-sim: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	*out_fd = fds[0];
	return 0;
}

int sim_child_read_listen(int fd, unsigned timeout_ms, char *url, size_t n)
{
	static const char prefix[] = "listening on ";
	char line[256];
	size_t len = 0;
	uint64_t end = now_ms() + timeout_ms;

	while (len + 1 < sizeof(line)) {
		struct pollfd p = { fd, POLLIN, 0 };
		uint64_t now = now_ms();
		ssize_t r;
		int pr;

		if (now >= end)
			return -1;
		pr = poll(&p, 1, (int)(end - now));
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			return -1;
		/* a byte at a time: what follows the line stays in the pipe */
		r = read(fd, line + len, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		if (line[len] != '\n') {
			len++;
			continue;
		}
		line[len] = '\0';
		if (strncmp(line, prefix, sizeof(prefix) - 1) == 0) {
			const char *u = line + sizeof(prefix) - 1;
			if (strlen(u) >= n)
				return -1;
			strcpy(url, u);
			return 0;
		}
		len = 0;
	}
	return -1;
}

void sim_child_stop(pid_t pid, int sig, unsigned timeout_ms)
{
	uint64_t end = now_ms() + timeout_ms;
	int status;

	if (pid <= 0)
		return;
	kill(pid, sig);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid || (w < 0 && errno != EINTR))
			return;
		if (now_ms() >= end)
			break;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}
