/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * child.c: a dupg-server (or any program that prints "listening on URL")
 * run as a child of the simulator: started so that it dies with its parent,
 * its URL read back from its stdout, stopped with a grace period. Shared by
 * `dupg-sim run --serve` (driver/cluster.c) and `dupg-sim node` (node/serve.c).
 */
#ifndef DUPG_SIM_CHILD_H
#define DUPG_SIM_CHILD_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Start ARGV[0] (looked up in PATH when it has no '/') with ARGV, its stdout
 * a pipe whose read end goes to *OUT_FD, its stderr LOGFD (inherited when
 * -1), the signals it would inherit as ignored back to their defaults. The
 * child gets SIGKILL when this process (thread) ends (PR_SET_PDEATHSIG).
 * 0, or -1 with errno set (nothing started).
 */
int sim_child_start(pid_t *pid, int *out_fd, const char *const *argv, int logfd);

/*
 * Read FD until a line "listening on URL" (other lines are skipped), within
 * TIMEOUT_MS; URL copied into url (N bytes with its NUL). 0, or -1 (timeout,
 * end of output, or a URL too long).
 */
int sim_child_read_listen(int fd, unsigned timeout_ms, char *url, size_t n);

/* Send SIG, wait up to TIMEOUT_MS for the child to end, then SIGKILL and reap it. */
void sim_child_stop(pid_t pid, int sig, unsigned timeout_ms);

#endif
