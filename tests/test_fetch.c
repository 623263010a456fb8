/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dupg/fetch.h against servers on 127.0.0.1 (tests/fetch/httpd.py, started
 * and stopped by each test; PR_SET_PDEATHSIG kills them if the suite dies):
 * outcomes and progress, cancel from the progress callback and from another
 * thread, the overall timeout, the verification hook and failover, bad
 * arguments. The command-line side (resume across kills, refused
 * responses, full disks) is tests/cli/test_fetch.sh.
 */
#include "fixture.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct srv {
	pid_t pid;
	char url[256];
};

/* Start httpd.py --root root EXTRA...; CU_FAIL and pid 0 when it does not come up. */
static void srv_start(struct srv *s, const char *root, const char *a1, const char *a2)
{
	const char *top = getenv("top_srcdir");
	char script[4096], line[256];
	const char *argv[8];
	int fds[2], n = 0;
	size_t got = 0;
	pid_t pid;

	memset(s, 0, sizeof(*s));
	snprintf(script, sizeof(script), "%s/tests/fetch/httpd.py", top != NULL ? top : "..");
	argv[n++] = "python3";
	argv[n++] = script;
	argv[n++] = "--root";
	argv[n++] = root;
	if (a1 != NULL)
		argv[n++] = a1;
	if (a2 != NULL)
		argv[n++] = a2;
	argv[n] = NULL;
	if (pipe(fds) != 0) {
		CU_FAIL("pipe");
		return;
	}
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv("/usr/bin/python3", (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		CU_FAIL("fork");
		return;
	}
	s->pid = pid;
	while (got < sizeof(line) - 1) {
		struct pollfd p = { fds[0], POLLIN, 0 };
		ssize_t r;
		if (poll(&p, 1, 10000) <= 0)
			break;
		r = read(fds[0], line + got, 1);
		if (r <= 0)
			break;
		if (line[got] == '\n')
			break;
		got++;
	}
	line[got] = '\0';
	close(fds[0]);
	if (strncmp(line, "listening on http://127.0.0.1:", 30) != 0) {
		CU_FAIL("the test server did not start");
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		s->pid = 0;
		return;
	}
	snprintf(s->url, sizeof(s->url), "%s", line + 13);
}

static void srv_stop(struct srv *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
	}
	s->pid = 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A package of about size bytes (an uncompressed tar of pseudo-random bytes) at dir/name. */
static void big_pkg(const char *dir, const char *name, size_t size, uint64_t seed)
{
	char payload[4096];
	dupg_pack_options po = DUPG_PACK_OPTIONS_INIT;
	dupg_pack_file pf;
	const char *hw[] = { "A" };
	FILE *fp;
	size_t i;

	snprintf(payload, sizeof(payload), "%s.payload", fx_path(dir, name));
	fp = fopen(payload, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	for (i = 0; i < size / 8; i++) {
		uint64_t v = seed += 0x9E3779B97F4A7C15ull;
		v = (v ^ (v >> 30)) * 0xBF58476D1CE4E5B9ull;
		fwrite(&v, 8, 1, fp);
	}
	fclose(fp);
	pf.source = payload;
	pf.path = "opt/payload";
	po.format = DUPG_PACK_TAR;
	CU_ASSERT_EQUAL_FATAL(dupg_package_build(NULL, fx_path(dir, name), name, "1", hw, 1, &pf, 1,
						 &po), 0);
	unlink(payload);
}

static int64_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

struct seen {
	size_t calls;
	uint64_t last_done, last_all, total;
	int monotonic;
	uint64_t cancel_after; /* cancel once done passes this; 0 never */
};

static int on_progress(const dupg_fetch_progress *p, void *payload)
{
	struct seen *s = payload;

	s->calls++;
	if (p->all_done < s->last_all)
		s->monotonic = 0;
	s->last_all = p->all_done;
	s->last_done = p->done;
	s->total = p->total;
	if (p->package >= p->packages || p->path == NULL || p->url == NULL)
		s->monotonic = 0;
	return s->cancel_after != 0 && p->done > s->cancel_after;
}

static void test_fetch_outcomes(void)
{
	char *tmp = fx_tmpdir(), srvdir[4096], store[4096];
	const char *paths[] = { "p1.tar", "sub/p2.tar" };
	dupg_fetch_options o = DUPG_FETCH_OPTIONS_INIT;
	struct seen seen = { 0, 0, 0, 0, 1, 0 };
	dupg_fetch_server servers[2];
	struct srv a, b;
	dupg_fetch *f = NULL;
	const dupg_fetch_outcome *x;
	int64_t s1, s2;

	snprintf(srvdir, sizeof(srvdir), "%s/srv", tmp);
	snprintf(store, sizeof(store), "%s/store", tmp);
	mkdir(srvdir, 0755);
	mkdir(store, 0755);
	big_pkg(srvdir, "p1.tar", 300000, 1);
	big_pkg(srvdir, "p2.tar", 200000, 2);
	s1 = file_size(fx_path(srvdir, "p1.tar"));
	s2 = file_size(fx_path(srvdir, "p2.tar"));
	srv_start(&a, srvdir, NULL, NULL);
	srv_start(&b, srvdir, NULL, NULL);
	servers[0].url = a.url;
	servers[0].location = "chassis=2";
	servers[1].url = b.url;
	servers[1].location = "chassis=1,slot=9";
	o.location = "chassis=1,slot=1";
	o.progress = on_progress;
	o.progress_payload = &seen;
	CU_ASSERT_EQUAL_FATAL(dupg_fetch_new(&f, &o), 0);
	CU_ASSERT_EQUAL(dupg_fetch_run(f, store, paths, 2, servers, 2), 0);
	CU_ASSERT_EQUAL(dupg_fetch_count(f), 2);
	x = dupg_fetch_get(f, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_STRING_EQUAL(x->path, "p1.tar");
	CU_ASSERT_STRING_EQUAL(x->file, fx_path(store, "p1.tar"));
	CU_ASSERT_EQUAL(x->server, 1); /* same chassis before another chassis */
	CU_ASSERT_EQUAL((int64_t)x->size, s1);
	CU_ASSERT_EQUAL((int64_t)x->bytes, s1);
	CU_ASSERT_EQUAL(x->resumed, 0);
	CU_ASSERT_EQUAL(x->failovers, 0);
	CU_ASSERT_EQUAL(x->verified_inline, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(x->url, "/p1.tar"));
	x = dupg_fetch_get(f, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_STRING_EQUAL(x->file, fx_path(store, "p2.tar"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x->url, "/sub/p2.tar"));
	CU_ASSERT_PTR_NULL(dupg_fetch_get(f, 2));
	CU_ASSERT_EQUAL((int64_t)dupg_fetch_bytes(f), s1 + s2);
	CU_ASSERT_EQUAL(file_size(fx_path(store, "p1.tar")), s1);
	CU_ASSERT_FALSE(fx_exists(fx_path(store, "p1.tar.part")));
	CU_ASSERT_FALSE(fx_exists(fx_path(store, "p1.tar.part.meta")));
	/* progress: called, never going back, ending with the whole task */
	CU_ASSERT_TRUE(seen.calls >= 2);
	CU_ASSERT_TRUE(seen.monotonic);
	CU_ASSERT_EQUAL((int64_t)seen.last_all, s1 + s2);
	CU_ASSERT_EQUAL((int64_t)seen.last_done, s2);
	CU_ASSERT_EQUAL((int64_t)seen.total, s2);
	dupg_fetch_free(f);
	srv_stop(&a);
	srv_stop(&b);
	fx_rmrf(tmp);
	free(tmp);
}

static void test_cancel_progress(void)
{
	char *tmp = fx_tmpdir();
	const char *paths[] = { "p.tar" };
	dupg_fetch_options o = DUPG_FETCH_OPTIONS_INIT;
	struct seen seen = { 0, 0, 0, 0, 1, 300000 };
	dupg_fetch_server server = { NULL, NULL };
	dupg_fetch *f = NULL;
	struct srv a;
	int64_t size;

	big_pkg(tmp, "src.tar", 2000000, 3);
	mkdir(fx_path(tmp, "srv"), 0755);
	rename(fx_path(tmp, "src.tar"), fx_path(fx_path(tmp, "srv"), "p.tar"));
	mkdir(fx_path(tmp, "store"), 0755);
	size = file_size(fx_path(fx_path(tmp, "srv"), "p.tar"));
	srv_start(&a, fx_path(tmp, "srv"), "--rate", "4000000");
	server.url = a.url;
	o.progress = on_progress;
	o.progress_payload = &seen;
	CU_ASSERT_EQUAL_FATAL(dupg_fetch_new(&f, &o), 0);
	fx_expect_error(dupg_fetch_run(f, fx_path(tmp, "store"), paths, 1, &server, 1), DUPG_EABORTED,
			"cancelled by the progress callback", "/p.tar");
	CU_ASSERT_EQUAL(dupg_fetch_count(f), 0);
	CU_ASSERT_FALSE(fx_exists(fx_path(fx_path(tmp, "store"), "p.tar")));
	CU_ASSERT_TRUE(file_size(fx_path(fx_path(tmp, "store"), "p.tar.part")) > 300000);
	CU_ASSERT_TRUE(fx_exists(fx_path(fx_path(tmp, "store"), "p.tar.part.meta")));
	/* the next run goes on from there */
	seen.cancel_after = 0;
	CU_ASSERT_EQUAL(dupg_fetch_run(f, fx_path(tmp, "store"), paths, 1, &server, 1), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_fetch_count(f), 1);
	CU_ASSERT_EQUAL(dupg_fetch_get(f, 0)->resumed, 1);
	/* its head read back from disk, the rest as it came */
	CU_ASSERT_EQUAL(dupg_fetch_get(f, 0)->verified_inline, 1);
	CU_ASSERT_TRUE((int64_t)dupg_fetch_get(f, 0)->bytes < size - 300000);
	CU_ASSERT_EQUAL(file_size(fx_path(fx_path(tmp, "store"), "p.tar")), size);
	dupg_fetch_free(f);
	srv_stop(&a);
	fx_rmrf(tmp);
	free(tmp);
}

struct canceller {
	dupg_fetch *f;
	unsigned ms;
};

static void *cancel_later(void *arg)
{
	struct canceller *c = arg;
	struct timespec ts = { c->ms / 1000, (long)(c->ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
	dupg_fetch_cancel(c->f);
	return NULL;
}

static void test_cancel_thread(void)
{
	char *tmp = fx_tmpdir();
	const char *paths[] = { "p.tar" };
	dupg_fetch_server server = { NULL, NULL };
	dupg_fetch *f = NULL;
	struct canceller c;
	pthread_t t;
	struct srv a;
	double t0, dt;

	mkdir(fx_path(tmp, "srv"), 0755);
	mkdir(fx_path(tmp, "store"), 0755);
	big_pkg(fx_path(tmp, "srv"), "p.tar", 2000000, 4);
	/* 2 MB at 500 kB/s: 4 s unless cancelled */
	srv_start(&a, fx_path(tmp, "srv"), "--rate", "500000");
	server.url = a.url;
	CU_ASSERT_EQUAL_FATAL(dupg_fetch_new(&f, NULL), 0);
	c.f = f;
	c.ms = 300;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, cancel_later, &c), 0);
	t0 = now_s();
	fx_expect_error(dupg_fetch_run(f, fx_path(tmp, "store"), paths, 1, &server, 1), DUPG_EABORTED,
			"fetch cancelled", "/p.tar");
	dt = now_s() - t0;
	pthread_join(t, NULL);
	CU_ASSERT_TRUE(dt < 2.5 * fx_slowdown());
	CU_ASSERT_FALSE(fx_exists(fx_path(fx_path(tmp, "store"), "p.tar")));
	/* a cancel before the run: the run stops at once, and only that run */
	dupg_fetch_cancel(f);
	fx_expect_error(dupg_fetch_run(f, fx_path(tmp, "store"), paths, 1, &server, 1), DUPG_EABORTED,
			"cancelled", NULL);
	srv_stop(&a);
	srv_start(&a, fx_path(tmp, "srv"), NULL, NULL);
	server.url = a.url;
	CU_ASSERT_EQUAL(dupg_fetch_run(f, fx_path(tmp, "store"), paths, 1, &server, 1), 0);
	CU_ASSERT_TRUE(fx_exists(fx_path(fx_path(tmp, "store"), "p.tar")));
	dupg_fetch_free(f);
	dupg_fetch_cancel(NULL);
	srv_stop(&a);
	fx_rmrf(tmp);
	free(tmp);
}

static void test_timeout(void)
{
	char *tmp = fx_tmpdir();
	const char *paths[] = { "p.tar" };
	dupg_fetch_options o = DUPG_FETCH_OPTIONS_INIT;
	dupg_fetch_server servers[2];
	dupg_fetch *f = NULL;
	struct srv a, b;
	double t0, dt;

	mkdir(fx_path(tmp, "srv"), 0755);
	mkdir(fx_path(tmp, "store"), 0755);
	big_pkg(fx_path(tmp, "srv"), "p.tar", 500000, 5);
	srv_start(&a, fx_path(tmp, "srv"), "--stall-after", "100000");
	srv_start(&b, fx_path(tmp, "srv"), NULL, NULL);
	servers[0].url = a.url;
	servers[0].location = NULL;
	servers[1].url = b.url;
	servers[1].location = NULL;
	o.timeout_ms = 800;
	o.stall_seconds = 30;
	CU_ASSERT_EQUAL_FATAL(dupg_fetch_new(&f, &o), 0);
	t0 = now_s();
	/* the whole fetch's deadline: no failover to the good server */
	fx_expect_error(dupg_fetch_run(f, fx_path(tmp, "store"), paths, 1, servers, 2),
			DUPG_ETIMEDOUT, "800 ms", a.url);
	dt = now_s() - t0;
	CU_ASSERT_TRUE(dt >= 0.7 && dt < 3.0 * fx_slowdown());
	CU_ASSERT_FALSE(fx_exists(fx_path(fx_path(tmp, "store"), "p.tar")));
	dupg_fetch_free(f);
	srv_stop(&a);
	srv_stop(&b);
	fx_rmrf(tmp);
	free(tmp);
}

struct trust {
	char refuse[300]; /* the URL prefix refused */
	size_t calls;
	char last_path[64];
};

static int verify_hook(const char *file, const char *path, const char *url, void *payload)
{
	struct trust *t = payload;

	t->calls++;
	snprintf(t->last_path, sizeof(t->last_path), "%s", path);
	/* a refusal with the library's own kind of message */
	if (strncmp(url, t->refuse, strlen(t->refuse)) == 0)
		return dupg_package_verify(NULL, "/nonexistent/untrusted.tar");
	return dupg_package_verify(NULL, file);
}

static void test_verify_hook(void)
{
	char *tmp = fx_tmpdir();
	const char *paths[] = { "p.tar" };
	dupg_fetch_options o = DUPG_FETCH_OPTIONS_INIT;
	dupg_fetch_server servers[2];
	struct trust trust;
	dupg_fetch *f = NULL;
	struct srv a, b;

	mkdir(fx_path(tmp, "srv"), 0755);
	mkdir(fx_path(tmp, "store"), 0755);
	big_pkg(fx_path(tmp, "srv"), "p.tar", 100000, 6);
	srv_start(&a, fx_path(tmp, "srv"), NULL, NULL);
	srv_start(&b, fx_path(tmp, "srv"), NULL, NULL);
	memset(&trust, 0, sizeof(trust));
	snprintf(trust.refuse, sizeof(trust.refuse), "%s/", a.url);
	servers[0].url = a.url;
	servers[0].location = NULL;
	servers[1].url = b.url;
	servers[1].location = NULL;
	o.verify = verify_hook;
	o.verify_payload = &trust;
	CU_ASSERT_EQUAL_FATAL(dupg_fetch_new(&f, &o), 0);
	CU_ASSERT_EQUAL(dupg_fetch_run(f, fx_path(tmp, "store"), paths, 1, servers, 2), 0);
	CU_ASSERT_EQUAL(trust.calls, 2);
	CU_ASSERT_STRING_EQUAL(trust.last_path, "p.tar");
	CU_ASSERT_EQUAL_FATAL(dupg_fetch_count(f), 1);
	CU_ASSERT_EQUAL(dupg_fetch_get(f, 0)->server, 1);
	CU_ASSERT_EQUAL(dupg_fetch_get(f, 0)->failovers, 1);
	CU_ASSERT_EQUAL(dupg_fetch_get(f, 0)->verified_inline, 0); /* the hook decides, after the transfer */
	/* refused by the only server: the hook's error, prefixed with the package and the server */
	unlink(fx_path(fx_path(tmp, "store"), "p.tar"));
	fx_expect_error(dupg_fetch_run(f, fx_path(tmp, "store"), paths, 1, servers, 1), DUPG_ENOTFOUND,
			"p.tar from http://127.0.0.1", "untrusted.tar");
	CU_ASSERT_FALSE(fx_exists(fx_path(fx_path(tmp, "store"), "p.tar")));
	CU_ASSERT_FALSE(fx_exists(fx_path(fx_path(tmp, "store"), "p.tar.part")));
	dupg_fetch_free(f);
	srv_stop(&a);
	srv_stop(&b);
	fx_rmrf(tmp);
	free(tmp);
}

/*
 * A partial file damaged on disk before the run that resumes it: the check
 * made while the rest comes reads the head from disk and does not pass it,
 * the package is fetched again whole from the next server.
 */
static void test_resume_damaged_head(void)
{
	char *tmp = fx_tmpdir(), part[4096];
	const char *paths[] = { "p.tar" };
	dupg_fetch_options o = DUPG_FETCH_OPTIONS_INIT;
	struct seen seen = { 0, 0, 0, 0, 1, 300000 };
	dupg_fetch_server servers[2];
	dupg_fetch *f = NULL;
	const dupg_fetch_outcome *x;
	struct srv a;
	int64_t size;
	FILE *fp;
	int c;

	mkdir(fx_path(tmp, "srv"), 0755);
	mkdir(fx_path(tmp, "store"), 0755);
	big_pkg(fx_path(tmp, "srv"), "p.tar", 2000000, 7);
	size = file_size(fx_path(fx_path(tmp, "srv"), "p.tar"));
	srv_start(&a, fx_path(tmp, "srv"), "--rate", "4000000");
	servers[0].url = servers[1].url = a.url;
	servers[0].location = servers[1].location = NULL;
	o.progress = on_progress;
	o.progress_payload = &seen;
	CU_ASSERT_EQUAL_FATAL(dupg_fetch_new(&f, &o), 0);
	fx_expect_error(dupg_fetch_run(f, fx_path(tmp, "store"), paths, 1, servers, 2), DUPG_EABORTED,
			"cancelled by the progress callback", "/p.tar");
	/* one byte of the payload's first block flipped (the manifest fills the first 1.5 KB) */
	snprintf(part, sizeof(part), "%s", fx_path(fx_path(tmp, "store"), "p.tar.part"));
	CU_ASSERT_TRUE_FATAL(file_size(part) > 300000);
	fp = fopen(part, "r+b");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fseek(fp, 100000, SEEK_SET);
	c = fgetc(fp);
	fseek(fp, 100000, SEEK_SET);
	fputc(c ^ 0x55, fp);
	fclose(fp);
	seen.cancel_after = 0;
	CU_ASSERT_EQUAL(dupg_fetch_run(f, fx_path(tmp, "store"), paths, 1, servers, 2), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_fetch_count(f), 1);
	x = dupg_fetch_get(f, 0);
	CU_ASSERT_EQUAL(x->server, 1);
	CU_ASSERT_EQUAL(x->failovers, 1);
	CU_ASSERT_EQUAL(x->resumed, 0);
	CU_ASSERT_EQUAL(x->verified_inline, 1);
	CU_ASSERT_EQUAL(file_size(fx_path(fx_path(tmp, "store"), "p.tar")), size);
	CU_ASSERT_EQUAL(dupg_package_verify(NULL, fx_path(fx_path(tmp, "store"), "p.tar")), 0);
	dupg_fetch_free(f);
	srv_stop(&a);
	fx_rmrf(tmp);
	free(tmp);
}

static void test_bad_args(void)
{
	dupg_fetch_options o = DUPG_FETCH_OPTIONS_INIT;
	const char *paths[] = { "p.tar" };
	dupg_fetch_server s = { "http://127.0.0.1:9/", NULL };
	dupg_fetch *f = NULL;
	char *tmp = fx_tmpdir();

	fx_expect_error(dupg_fetch_new(NULL, NULL), DUPG_EINVAL, "out", NULL);
	o.version = 99;
	fx_expect_error(dupg_fetch_new(&f, &o), DUPG_EINVAL, "version 99", NULL);
	CU_ASSERT_PTR_NULL(f);
	o.version = DUPG_FETCH_OPTIONS_VERSION;
	o.location = "chassis";
	fx_expect_error(dupg_fetch_new(&f, &o), DUPG_EINVAL, "fetch options", "KEY=VALUE");
	CU_ASSERT_EQUAL_FATAL(dupg_fetch_new(&f, NULL), 0);
	fx_expect_error(dupg_fetch_run(f, tmp, paths, 1, NULL, 0), DUPG_EINVAL, "no server", NULL);
	fx_expect_error(dupg_fetch_run(f, fx_path(tmp, "none"), paths, 1, &s, 1), DUPG_ENOTFOUND,
			"store directory", "none");
	fx_expect_error(dupg_fetch_run(NULL, tmp, paths, 1, &s, 1), DUPG_EINVAL, "NULL", NULL);
	s.url = "";
	fx_expect_error(dupg_fetch_run(f, tmp, paths, 1, &s, 1), DUPG_EINVAL, "no URL", NULL);
	s.url = "http://127.0.0.1:9/";
	s.location = "a=b,a=c";
	fx_expect_error(dupg_fetch_run(f, tmp, paths, 1, &s, 1), DUPG_EINVAL, "server 0", "twice");
	s.location = NULL;
	{
		const char *dup[] = { "x/p.tar", "y/p.tar?v=2" };
		const char *dot[] = { "pkgs/.hidden" };
		const char *part[] = { "p.tar.part" };
		fx_expect_error(dupg_fetch_run(f, tmp, dup, 2, &s, 1), DUPG_EEXISTS, "both name", "p.tar");
		fx_expect_error(dupg_fetch_run(f, tmp, dot, 1, &s, 1), DUPG_EINVAL, ".hidden", NULL);
		fx_expect_error(dupg_fetch_run(f, tmp, part, 1, &s, 1), DUPG_EINVAL, "p.tar.part", NULL);
	}
	/* nothing listens on port 9: a connection error naming the URL */
	s.url = "http://127.0.0.1:9/base";
	fx_expect_error(dupg_fetch_run(f, tmp, paths, 1, &s, 1), DUPG_ENETWORK,
			"http://127.0.0.1:9/base/p.tar", "every server failed");
	/* an empty task is fine */
	CU_ASSERT_EQUAL(dupg_fetch_run(f, tmp, NULL, 0, &s, 1), 0);
	CU_ASSERT_EQUAL(dupg_fetch_count(f), 0);
	CU_ASSERT_EQUAL(dupg_fetch_count(NULL), 0);
	CU_ASSERT_PTR_NULL(dupg_fetch_get(NULL, 0));
	CU_ASSERT_EQUAL(dupg_fetch_bytes(NULL), 0);
	dupg_fetch_free(f);
	dupg_fetch_free(NULL);
	fx_rmrf(tmp);
	free(tmp);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "outcomes, ranking and progress", test_fetch_outcomes },
		{ "cancel from the progress callback, then resume", test_cancel_progress },
		{ "cancel from another thread", test_cancel_thread },
		{ "the overall timeout ends the fetch", test_timeout },
		{ "the verification hook refuses: failover", test_verify_hook },
		{ "a partial file damaged on disk is not resumed into a package", test_resume_damaged_head },
		{ "bad arguments", test_bad_args },
		CU_TEST_INFO_NULL,
	};
	signal(SIGPIPE, SIG_IGN);
	return fx_run("fetch", tests);
}
