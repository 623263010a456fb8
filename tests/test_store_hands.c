/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One store, many hands: the store's lock between processes and threads,
 * stale handles, odd files around the store, hostile journals, and races of
 * every pair of store operations against the serial outcomes.
 */
#include "fixture.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const dupg_apply_options fast = { DUPG_APPLY_OPTIONS_VERSION, 1, NULL, NULL, 0 };

static void worked_store(const char *dir)
{
	json_object *c = fx_case("worked");

	fx_case_store(dir, c);
	json_object_put(c);
}

/* The store's files that say what it holds: the lists and the package files, hashed. */
static char *state(const char *dir)
{
	return fx_snapshot(dir);
}

/* A child that holds the store's lock (flock on its directory) until told to let go. */
struct holder {
	pid_t pid;
	int tell;  /* write a byte: let go and exit */
};

static struct holder hold_lock(const char *dir, int exclusive)
{
	struct holder h = { -1, -1 };
	int go[2], ready[2];
	char c;

	CU_ASSERT_EQUAL_FATAL(pipe(go), 0);
	CU_ASSERT_EQUAL_FATAL(pipe(ready), 0);
	h.pid = fork();
	CU_ASSERT_FATAL(h.pid >= 0);
	if (h.pid == 0) {
		int fd = open(dir, O_RDONLY);
		if (fd < 0 || flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0)
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		/* bounded: the parent lets go, or the child gives up after 30 s */
		alarm(30);
		if (read(go[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	CU_ASSERT_EQUAL_FATAL(read(ready[0], &c, 1), 1);
	close(ready[0]);
	h.tell = go[1];
	return h;
}

static void let_go(struct holder *h)
{
	int status = -1;

	if (h->pid <= 0)
		return;
	CU_ASSERT_EQUAL(write(h->tell, "g", 1), 1);
	close(h->tell);
	CU_ASSERT_EQUAL(waitpid(h->pid, &status, 0), h->pid);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	h->pid = -1;
}

static void test_busy_between_processes(void)
{
	char *dir = fx_tmpdir(), *before, pidtext[32];
	dupg_apply_options opts = fast;
	dupg_store *s = NULL;
	dupg_pathlist *down = NULL;
	dupg_recover_report r;
	struct holder h;

	worked_store(dir);
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&down, fx_path(dir, "new")), 0);
	before = state(dir);
	h = hold_lock(dir, 1);
	snprintf(pidtext, sizeof(pidtext), "pid %ld", (long)h.pid);
	/* every operation that changes or reads the store for changing it says who holds it */
	fx_expect_error(dupg_store_prune(NULL, s, down, NULL, &opts), DUPG_EBUSY, "list", pidtext);
	fx_expect_error(dupg_store_rollback(NULL, NULL, s, &opts), DUPG_EBUSY, "busy", pidtext);
	fx_expect_error(dupg_store_recover(&r, fx_path(dir, "list"), &opts), DUPG_EBUSY, "busy",
			pidtext);
	{
		dupg_store *other = NULL;
		fx_expect_error(dupg_store_open_ext(&other, fx_path(dir, "list"), &opts), DUPG_EBUSY,
				"busy", pidtext);
		CU_ASSERT_PTR_NULL(other);
	}
	/* a prune without apply takes no lock: it reads the handle's list only */
	{
		dupg_prune *p = NULL;
		CU_ASSERT_EQUAL(dupg_prune_compute(&p, dupg_store_list(s), down, NULL), 0);
		dupg_prune_free(p);
	}
	{
		char *now = state(dir);
		CU_ASSERT_STRING_EQUAL(before, now);
		free(now);
	}
	let_go(&h);
	CU_ASSERT_EQUAL(dupg_store_prune(NULL, s, down, NULL, &opts), 0);
	free(before);
	dupg_pathlist_free(down);
	dupg_store_free(s);
	fx_rmrf(dir);
	free(dir);
}

/* A reader (shared) blocks a change, but not another reader. */
static void test_readers_and_writers(void)
{
	char *dir = fx_tmpdir();
	dupg_apply_options opts = fast;
	dupg_store *s = NULL, *s2 = NULL;
	dupg_pathlist *down = NULL;
	struct holder h;

	worked_store(dir);
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&down, fx_path(dir, "new")), 0);
	h = hold_lock(dir, 0);
	CU_ASSERT_EQUAL(dupg_store_open_ext(&s2, fx_path(dir, "list"), &opts), 0);
	fx_expect_error(dupg_store_prune(NULL, s, down, NULL, &opts), DUPG_EBUSY, "busy", NULL);
	let_go(&h);
	dupg_store_free(s2);
	dupg_pathlist_free(down);
	dupg_store_free(s);
	fx_rmrf(dir);
	free(dir);
}

struct delayed {
	struct holder *h;
	unsigned int after_ms;
};

static void *let_go_later(void *arg)
{
	struct delayed *d = arg;
	struct timespec ts = { 0, (long)d->after_ms * 1000000L };

	nanosleep(&ts, NULL);
	let_go(d->h);
	return NULL;
}

/* With a timeout the second caller waits for the holder and then goes on. */
static void test_waits_for_the_lock(void)
{
	char *dir = fx_tmpdir();
	dupg_apply_options opts = fast;
	dupg_store *s = NULL;
	dupg_pathlist *down = NULL;
	struct holder h;
	struct delayed d;
	pthread_t th;

	worked_store(dir);
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&down, fx_path(dir, "new")), 0);
	h = hold_lock(dir, 1);
	d = (struct delayed){ &h, 100 };
	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, let_go_later, &d), 0);
	opts.lock_timeout_ms = 20000;
	CU_ASSERT_EQUAL(dupg_store_prune(NULL, s, down, NULL, &opts), 0);
	pthread_join(th, NULL);
	/* and a holder that dies lets go too: the kernel drops its lock */
	h = hold_lock(dir, 1);
	kill(h.pid, SIGKILL);
	waitpid(h.pid, NULL, 0);
	close(h.tell);
	CU_ASSERT_EQUAL(dupg_store_rollback(NULL, NULL, s, &fast), 0);
	dupg_pathlist_free(down);
	dupg_store_free(s);
	fx_rmrf(dir);
	free(dir);
}

/* Two threads of one process exclude each other as two processes do. */
struct inside {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int in_apply, may_finish;
};

static int wait_inside(dupg_apply_step step, void *payload)
{
	struct inside *in = payload;

	if (step != DUPG_STEP_LIST)
		return 0;
	pthread_mutex_lock(&in->mu);
	in->in_apply = 1;
	pthread_cond_broadcast(&in->cv);
	while (!in->may_finish)
		pthread_cond_wait(&in->cv, &in->mu);
	pthread_mutex_unlock(&in->mu);
	return 0;
}

struct applier {
	const char *dir;
	struct inside *in;
	int rc;
};

static void *apply_thread(void *arg)
{
	struct applier *a = arg;
	dupg_apply_options opts = fast;
	dupg_store *s = NULL;
	dupg_pathlist *down = NULL;

	opts.step_cb = wait_inside;
	opts.payload = a->in;
	a->rc = dupg_store_open(&s, fx_path(a->dir, "list"));
	if (a->rc == 0)
		a->rc = dupg_pathlist_load(&down, fx_path(a->dir, "new"));
	if (a->rc == 0)
		a->rc = dupg_store_prune(NULL, s, down, NULL, &opts);
	dupg_pathlist_free(down);
	dupg_store_free(s);
	return NULL;
}

static void test_busy_between_threads(void)
{
	char *dir = fx_tmpdir();
	struct inside in = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };
	struct applier a = { dir, &in, -99 };
	dupg_recover_report r;
	dupg_store *s = NULL;
	pthread_t th;

	worked_store(dir);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, apply_thread, &a), 0);
	pthread_mutex_lock(&in.mu);
	while (!in.in_apply)
		pthread_cond_wait(&in.cv, &in.mu);
	pthread_mutex_unlock(&in.mu);
	/* the apply is past its commit point with its journal on disk: a live change, not a crash */
	CU_ASSERT(fx_exists(fx_path(dir, "list.journal")));
	fx_expect_error(dupg_store_recover(&r, fx_path(dir, "list"), &fast), DUPG_EBUSY, "busy", NULL);
	fx_expect_error(dupg_store_open_ext(&s, fx_path(dir, "list"), &fast), DUPG_EBUSY, "busy", NULL);
	pthread_mutex_lock(&in.mu);
	in.may_finish = 1;
	pthread_cond_broadcast(&in.cv);
	pthread_mutex_unlock(&in.mu);
	pthread_join(th, NULL);
	CU_ASSERT_EQUAL(a.rc, 0);
	CU_ASSERT_EQUAL(dupg_store_recover(&r, fx_path(dir, "list"), &fast), 0);
	CU_ASSERT_EQUAL(r.action, DUPG_RECOVER_CLEAN);
	fx_rmrf(dir);
	free(dir);
}

/* A handle opened before another process changed the store acts on what LIST holds now. */
static void test_stale_handle(void)
{
	char *dir = fx_tmpdir(), *list;
	dupg_store *a = NULL, *b = NULL;
	dupg_pathlist *down = NULL;
	char **deleted = NULL;
	size_t ndel = 0;

	worked_store(dir);
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&a, fx_path(dir, "list")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&b, fx_path(dir, "list")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&down, fx_path(dir, "new")), 0);
	CU_ASSERT_EQUAL(dupg_store_prune(NULL, a, down, NULL, &fast), 0);
	/* b still holds the old list; its prune sees the download stored already */
	CU_ASSERT_EQUAL(dupg_pathlist_count(dupg_store_list(b)), 4);
	fx_expect_error(dupg_store_prune(NULL, b, down, NULL, &fast), DUPG_EEXISTS, "pkg5", NULL);
	CU_ASSERT_EQUAL(dupg_pathlist_count(dupg_store_list(b)), 5);
	/* and its rollback deletes the download, not what the old list named */
	CU_ASSERT_EQUAL(dupg_store_rollback(&deleted, &ndel, b, &fast), 0);
	CU_ASSERT_EQUAL(ndel, 2);
	dupg_free(deleted);
	list = fx_read(fx_path(dir, "list"));
	CU_ASSERT_STRING_EQUAL(list, "pkg2\npkg3\npkg4\n");
	free(list);
	CU_ASSERT(fx_exists(fx_path(dir, "pkg2")));
	dupg_pathlist_free(down);
	dupg_store_free(a);
	dupg_store_free(b);
	fx_rmrf(dir);
	free(dir);
}

static void test_empty_download(void)
{
	char *dir = fx_tmpdir(), *before, *after;
	dupg_store *s = NULL;
	dupg_pathlist *none = NULL, *down = NULL;

	worked_store(dir);
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&down, fx_path(dir, "new")), 0);
	CU_ASSERT_EQUAL(dupg_store_prune(NULL, s, down, NULL, &fast), 0);
	dupg_pathlist_free(down);
	before = state(dir);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_new(&none), 0);
	/* LIST.rollback would become LIST and the rollback list before it be lost */
	fx_expect_error(dupg_store_prune(NULL, s, none, NULL, &fast), DUPG_EINVAL, "empty",
			"unchanged");
	after = state(dir);
	CU_ASSERT_STRING_EQUAL(before, after);
	free(before);
	free(after);
	dupg_pathlist_free(none);
	dupg_store_free(s);
	fx_rmrf(dir);
	free(dir);
}

static void test_symlinked_lists(void)
{
	char *dir = fx_tmpdir(), *before, *after;
	dupg_store *s = NULL;
	dupg_pathlist *down = NULL;

	worked_store(dir);
	CU_ASSERT_EQUAL_FATAL(rename(fx_path(dir, "list"), fx_path(dir, "list.real")), 0);
	CU_ASSERT_EQUAL_FATAL(symlink("list.real", fx_path(dir, "list")), 0);
	before = state(dir);
	fx_expect_error(dupg_store_open(&s, fx_path(dir, "list")), DUPG_EUNSUPPORTED,
			"symbolic link", NULL);
	fx_expect_error(dupg_store_recover(NULL, fx_path(dir, "list"), &fast), DUPG_EUNSUPPORTED,
			"symbolic link", NULL);
	/* the rollback list too, once there is one */
	CU_ASSERT_EQUAL_FATAL(unlink(fx_path(dir, "list")), 0);
	CU_ASSERT_EQUAL_FATAL(rename(fx_path(dir, "list.real"), fx_path(dir, "list")), 0);
	CU_ASSERT_EQUAL_FATAL(symlink("elsewhere", fx_path(dir, "list.rollback")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&down, fx_path(dir, "new")), 0);
	fx_expect_error(dupg_store_prune(NULL, s, down, NULL, &fast), DUPG_EUNSUPPORTED,
			"list.rollback", "symbolic link");
	after = state(dir);
	CU_ASSERT_PTR_NOT_NULL(strstr(after, "list.rollback"));
	free(before);
	free(after);
	dupg_pathlist_free(down);
	dupg_store_free(s);
	fx_rmrf(dir);
	free(dir);
}

/* A directory name the list format cannot hold is refused before anything is written. */
static void test_paths_a_list_cannot_hold(void)
{
	char *dir = fx_tmpdir(), *before, *after, odd[4096];
	const char *hw[] = { "A" };
	dupg_pathlist *l = NULL;
	dupg_store *s = NULL;
	dupg_pathlist *down = NULL;

	worked_store(dir);
	snprintf(odd, sizeof(odd), "%s/dl\nx", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(odd, 0755), 0);
	fx_pkg(odd, "pkg7", "7", "A");
	fx_write(fx_path(odd, "new"), "pkg7\n");
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&down, fx_path(odd, "new")), 0);
	before = state(dir);
	fx_expect_error(dupg_store_prune(NULL, s, down, NULL, &fast), DUPG_EFORMAT, "line break",
			"list");
	after = state(dir);
	CU_ASSERT_STRING_EQUAL(before, after);
	/* nor does an entry with white space at an end get in */
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_new(&l), 0);
	fx_expect_error(dupg_pathlist_add(l, " pkg1", hw, 1), DUPG_EINVAL, "white space", NULL);
	fx_expect_error(dupg_pathlist_add(l, "pkg1\t", hw, 1), DUPG_EINVAL, "white space", NULL);
	fx_expect_error(dupg_pathlist_add(l, "pk\ng", hw, 1), DUPG_EINVAL, "line break", NULL);
	CU_ASSERT_EQUAL(dupg_pathlist_count(l), 0);
	free(before);
	free(after);
	dupg_pathlist_free(l);
	dupg_pathlist_free(down);
	dupg_store_free(s);
	fx_rmrf(dir);
	free(dir);
}

/* The atomic writer never replaces what is not a regular file: a FIFO stays a FIFO. */
static void test_never_replaces_a_device(void)
{
	char *dir = fx_tmpdir();
	const char *hw[] = { "A" };
	dupg_pathlist *l = NULL;
	struct stat st;

	CU_ASSERT_EQUAL_FATAL(mkfifo(fx_path(dir, "fifo"), 0600), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_new(&l), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_add(l, "/x/pkg1", hw, 1), 0);
	fx_expect_error(dupg_pathlist_save(l, fx_path(dir, "fifo"), &fast), DUPG_EUNSUPPORTED,
			"not a regular file", NULL);
	CU_ASSERT_EQUAL(lstat(fx_path(dir, "fifo"), &st), 0);
	CU_ASSERT(S_ISFIFO(st.st_mode));
	CU_ASSERT(!fx_exists(fx_path(dir, "fifo.tmp")));
	dupg_pathlist_free(l);
	fx_rmrf(dir);
	free(dir);
}

static void test_modes_kept(void)
{
	char *dir = fx_tmpdir();
	dupg_store *s = NULL;
	dupg_pathlist *down = NULL;
	struct stat st;

	worked_store(dir);
	CU_ASSERT_EQUAL_FATAL(chmod(fx_path(dir, "list"), 0444), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&down, fx_path(dir, "new")), 0);
	CU_ASSERT_EQUAL(dupg_store_prune(NULL, s, down, NULL, &fast), 0);
	CU_ASSERT_EQUAL_FATAL(stat(fx_path(dir, "list"), &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0444);
	/* a list that did not exist before is 0644 */
	CU_ASSERT_EQUAL_FATAL(stat(fx_path(dir, "list.rollback"), &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0644);
	dupg_pathlist_free(down);
	dupg_store_free(s);
	fx_rmrf(dir);
	free(dir);
}

/*
 * A journal left behind names what recovery would delete. Whatever it names
 * beyond the packages the change itself would have deleted is refused before
 * anything is removed.
 */
static void test_hostile_journals(void)
{
	static const char *const bad[] = {
		"../victim", "VICTIM", "list", "./list", "list.rollback", "pkg2", "sub/../../victim",
		"list\\u0000x", "pkg1\\u0000", "..",
	};
	char *dir = fx_tmpdir(), *outside = fx_tmpdir(), victim[4096], journal[16384];
	size_t i;

	snprintf(victim, sizeof(victim), "%s/victim", outside);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]) + 1; i++) {
		char entry[4200], *before, *after;
		dupg_recover_report r;

		fx_rmrf(dir);
		CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0700), 0);
		worked_store(dir);
		fx_write(victim, "precious");
		if (i < sizeof(bad) / sizeof(bad[0]))
			snprintf(entry, sizeof(entry), "%s", strcmp(bad[i], "VICTIM") == 0 ? victim : bad[i]);
		else
			snprintf(entry, sizeof(entry), "%s/victim", outside); /* absolute, outside, not a package */
		/* LIST still the old list: recovery undoes, and would delete nothing; make it finish */
		snprintf(journal, sizeof(journal),
			 "{\"format\": 1, \"operation\": \"prune\", \"third\": \"pkg1\\npkg2\\npkg3\\npkg4\\n\","
			 " \"fourth\": \"pkg2\\n\", \"deletable\": [\"%s\"], \"rollback_previous\": null,"
			 " \"list_previous\": \"pkg1\\npkg2\\npkg3\\npkg4\\nlist\\n../victim\\n%s\\n\"}",
			 entry, strstr(entry, "\\u0000") != NULL ? "list" : entry);
		fx_write(fx_path(dir, "list.journal"), journal);
		before = state(dir);
		fx_expect_error(dupg_store_recover(&r, fx_path(dir, "list"), &fast), DUPG_EFORMAT,
				"deletable", "refused");
		after = state(dir);
		CU_ASSERT_STRING_EQUAL(before, after);
		CU_ASSERT(fx_exists(victim));
		CU_ASSERT(fx_exists(fx_path(dir, "list")));
		CU_ASSERT(fx_exists(fx_path(dir, "pkg1")));
		free(before);
		free(after);
	}
	/* the same journal naming pkg1, which the old list named and no new list keeps, recovers */
	fx_write(fx_path(dir, "list.journal"),
		 "{\"format\": 1, \"operation\": \"prune\", \"third\": \"pkg1\\npkg2\\npkg3\\npkg4\\n\","
		 " \"fourth\": \"pkg2\\n\", \"deletable\": [\"pkg1\"], \"rollback_previous\": null,"
		 " \"list_previous\": \"pkg1\\npkg2\\npkg3\\npkg4\\n\"}");
	{
		dupg_recover_report r;
		/* the third list names pkg1 too: a new list keeps it, refused */
		fx_expect_error(dupg_store_recover(&r, fx_path(dir, "list"), &fast), DUPG_EFORMAT,
				"a new list still names it", NULL);
	}
	fx_write(fx_path(dir, "list.journal"),
		 "{\"format\": 1, \"operation\": \"prune\", \"third\": \"pkg2\\npkg3\\npkg4\\n\","
		 " \"fourth\": \"pkg2\\n\", \"deletable\": [\"pkg1\"], \"rollback_previous\": null,"
		 " \"list_previous\": \"pkg1\\npkg2\\npkg3\\npkg4\\n\"}");
	fx_write(fx_path(dir, "list"), "pkg2\npkg3\npkg4\n");
	{
		dupg_recover_report r;
		CU_ASSERT_EQUAL(dupg_store_recover(&r, fx_path(dir, "list"), &fast), 0);
		CU_ASSERT_EQUAL(r.action, DUPG_RECOVER_FINISHED);
		CU_ASSERT_EQUAL(r.files_deleted, 1);
		CU_ASSERT(!fx_exists(fx_path(dir, "pkg1")));
		CU_ASSERT(fx_exists(victim));
	}
	fx_rmrf(dir);
	fx_rmrf(outside);
	free(dir);
	free(outside);
}

/* ---- races: every pair of store operations, in two processes, against the serial outcomes ---- */

enum op { OP_PRUNE, OP_ROLLBACK, OP_RECOVER, OP_COUNT };
static const char *const op_names[] = { "prune", "rollback", "recover" };

/* Run one operation on the store in dir, waiting up to wait_ms for the lock. */
static int run_op(const char *dir, enum op op, unsigned int wait_ms)
{
	dupg_apply_options opts = fast;
	dupg_store *s = NULL;
	dupg_pathlist *down = NULL;
	dupg_recover_report r;
	int rc;

	opts.lock_timeout_ms = wait_ms;
	if (op == OP_RECOVER)
		return dupg_store_recover(&r, fx_path(dir, "list"), &opts);
	rc = dupg_store_open_ext(&s, fx_path(dir, "list"), &opts);
	if (rc == 0 && op == OP_PRUNE)
		rc = dupg_pathlist_load(&down, fx_path(dir, "new"));
	if (rc == 0)
		rc = op == OP_PRUNE ? dupg_store_prune(NULL, s, down, NULL, &opts)
				    : dupg_store_rollback(NULL, NULL, s, &opts);
	dupg_pathlist_free(down);
	dupg_store_free(s);
	return rc;
}

/* The store a round starts from: the worked example pruned once, so that both operations apply. */
static void round_start(const char *dir, const char *proto)
{
	char cmd[8300];

	fx_rmrf(dir);
	snprintf(cmd, sizeof(cmd), "cp -a '%s' '%s'", proto, dir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
}

/* LIST, LIST.rollback, the package files, and whether a journal is left: what serial orders give. */
static char *outcome(const char *dir)
{
	char *list = fx_read(fx_path(dir, "list")), *rb = fx_read(fx_path(dir, "list.rollback"));
	char *out = malloc(8192);
	static const char *const pkgs[] = { "pkg1", "pkg2", "pkg3", "pkg4", "pkg5", "pkg6" };
	size_t i;

	snprintf(out, 8192, "list=[%s] rollback=[%s] journal=%d pkgs=", list ? list : "-",
		 rb ? rb : "-", fx_exists(fx_path(dir, "list.journal")));
	for (i = 0; i < 6; i++)
		strcat(out, fx_exists(fx_path(dir, pkgs[i])) ? pkgs[i] : "-");
	free(list);
	free(rb);
	return out;
}

/* Every list file names only packages that exist. */
static int consistent(const char *dir)
{
	static const char *const files[] = { "list", "list.rollback" };
	size_t f;
	int ok = 1;

	for (f = 0; f < 2; f++) {
		char *text = fx_read(fx_path(dir, files[f])), *line, *save = NULL;
		for (line = text ? strtok_r(text, "\n", &save) : NULL; line != NULL;
		     line = strtok_r(NULL, "\n", &save))
			if (!fx_exists(fx_path(dir, line)))
				ok = 0;
		free(text);
	}
	return ok;
}

static void race_pair(const char *proto, const char *dir, enum op a, enum op b, int rounds,
		      uint64_t *rng)
{
	char *serial[2];
	int r, busy = 0, both = 0;

	/* the two serial orders */
	round_start(dir, proto);
	run_op(dir, a, 0);
	run_op(dir, b, 0);
	serial[0] = outcome(dir);
	round_start(dir, proto);
	run_op(dir, b, 0);
	run_op(dir, a, 0);
	serial[1] = outcome(dir);
	for (r = 0; r < rounds; r++) {
		pid_t pid[2];
		enum op ops[2] = { a, b };
		int status[2], k, failed = 0;
		char *got;

		round_start(dir, proto);
		for (k = 0; k < 2; k++) {
			unsigned int delay = fx_rand(rng, 3000);
			/* half the rounds wait for the lock, half take EBUSY */
			unsigned int wait_ms = (r % 2) ? 10000 : 0;
			pid[k] = fork();
			CU_ASSERT_FATAL(pid[k] >= 0);
			if (pid[k] == 0) {
				struct timespec ts = { 0, (long)delay * 1000L };
				int rc;
				alarm(60);
				nanosleep(&ts, NULL);
				rc = run_op(dir, ops[k], wait_ms);
				_exit(rc == 0 ? 0 : rc == DUPG_EBUSY ? 1 : rc == DUPG_EEXISTS ? 2 : 3);
			}
		}
		for (k = 0; k < 2; k++) {
			CU_ASSERT_EQUAL(waitpid(pid[k], &status[k], 0), pid[k]);
			if (!WIFEXITED(status[k]) || WEXITSTATUS(status[k]) == 3)
				failed = 1;
			busy += WIFEXITED(status[k]) && WEXITSTATUS(status[k]) == 1;
		}
		got = outcome(dir);
		if (WEXITSTATUS(status[0]) != 1 && WEXITSTATUS(status[1]) != 1) {
			both++;
			/* both went through: the state is one of the serial orders' */
			if (strcmp(got, serial[0]) != 0 && strcmp(got, serial[1]) != 0) {
				fprintf(stderr, "\n  %s vs %s, round %d: %s\n  serial: %s\n          %s\n",
					op_names[a], op_names[b], r, got, serial[0], serial[1]);
				failed = 1;
			}
		}
		if (!consistent(dir)) {
			fprintf(stderr, "\n  %s vs %s, round %d: a list names a missing package: %s\n",
				op_names[a], op_names[b], r, got);
			failed = 1;
		}
		free(got);
		CU_ASSERT(!failed);
		if (failed)
			break;
	}
	/* the rounds that waited all went through */
	CU_ASSERT(both >= rounds / 2);
	(void)busy;
	free(serial[0]);
	free(serial[1]);
}

static void test_races(void)
{
	char *top = fx_tmpdir(), proto[4096], dir[4096];
	uint64_t rng = 20261202;
	int a, b;
	dupg_store *s = NULL;
	dupg_pathlist *down = NULL;
	json_object *c = fx_case("worked");

	snprintf(proto, sizeof(proto), "%s/proto", top);
	snprintf(dir, sizeof(dir), "%s/store", top);
	CU_ASSERT_EQUAL_FATAL(mkdir(proto, 0755), 0);
	fx_case_store(proto, c);
	json_object_put(c);
	/* pruned once, and the download stored again: prune, rollback and recover all have work */
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(proto, "list")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&down, fx_path(proto, "new")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_store_prune(NULL, s, down, NULL, &fast), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_store_rollback(NULL, NULL, s, &fast), 0);
	dupg_pathlist_free(down);
	dupg_store_free(s);
	worked_store(top); /* packages 1-6 again, to copy pkg5 and pkg6 back */
	{
		char cmd[9000];
		snprintf(cmd, sizeof(cmd), "cp '%s/pkg5' '%s/pkg6' '%s/'", top, top, proto);
		CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	}
	for (a = 0; a < OP_COUNT; a++)
		for (b = a; b < OP_COUNT; b++)
			race_pair(proto, dir, (enum op)a, (enum op)b, 100, &rng);
	fx_rmrf(top);
	free(top);
}

/* The same with threads of one process through the C API. */
struct racer {
	const char *dir;
	enum op op;
	unsigned int delay_us;
	int rc;
};

static void *race_thread(void *arg)
{
	struct racer *x = arg;
	struct timespec ts = { 0, (long)x->delay_us * 1000L };

	nanosleep(&ts, NULL);
	x->rc = run_op(x->dir, x->op, 10000);
	return NULL;
}

static void test_races_threads(void)
{
	char *top = fx_tmpdir(), dir[4096];
	uint64_t rng = 77;
	int r;

	snprintf(dir, sizeof(dir), "%s/store", top);
	for (r = 0; r < 200; r++) {
		struct racer x[2];
		pthread_t th[2];
		char *got;
		int k;

		fx_rmrf(dir);
		CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
		worked_store(dir);
		for (k = 0; k < 2; k++) {
			x[k] = (struct racer){ dir, (enum op)((r + k) % OP_COUNT), (unsigned)fx_rand(&rng, 2000), -99 };
			CU_ASSERT_EQUAL_FATAL(pthread_create(&th[k], NULL, race_thread, &x[k]), 0);
		}
		for (k = 0; k < 2; k++)
			pthread_join(th[k], NULL);
		for (k = 0; k < 2; k++)
			CU_ASSERT(x[k].rc == 0 || x[k].rc == DUPG_EEXISTS || x[k].rc == DUPG_ENOTFOUND);
		got = outcome(dir);
		CU_ASSERT(consistent(dir));
		CU_ASSERT_PTR_NULL(strstr(got, "journal=1"));
		free(got);
	}
	fx_rmrf(top);
	free(top);
}

/*
 * The store keeps what it knows of its packages beside its list
 * (LIST.cache): a package whose file did not change is not read again, one
 * that did is, and a broken cache is only a slower open.
 */
static void test_package_cache(void)
{
	char *dir = fx_tmpdir(), *cache, *edited, *p;
	dupg_store *s = NULL;
	dupg_pathlist *down = NULL;
	struct timespec times[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
	size_t k;

	worked_store(dir);
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	/* an open writes nothing: the cache comes with the first change */
	CU_ASSERT(!fx_exists(fx_path(dir, "list.cache")));
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&down, fx_path(dir, "new")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_store_prune(NULL, s, down, NULL, &fast), 0);
	dupg_store_free(s);
	cache = fx_read(fx_path(dir, "list.cache"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(cache);
	CU_ASSERT_PTR_NOT_NULL(strstr(cache, "dupg-pkgcache 1\n"));
	/* every package of the new list is in it: pkg6 fits B and C */
	CU_ASSERT_PTR_NOT_NULL(strstr(cache, " 2 B C "));
	/* the cache says pkg6 fits X: while pkg6's file is unchanged, the store believes it */
	edited = strdup(cache);
	p = strstr(edited, " 2 B C ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	memcpy(p, " 2 X C ", 7);
	fx_write(fx_path(dir, "list.cache"), edited);
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	k = dupg_pathlist_find(dupg_store_list(s), "pkg6");
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_hw(dupg_store_list(s), k, 0), "X");
	dupg_store_free(s);
	/* once the file changed, it is read again */
	CU_ASSERT_EQUAL_FATAL(utimensat(AT_FDCWD, fx_path(dir, "pkg6"), times, 0), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	k = dupg_pathlist_find(dupg_store_list(s), "pkg6");
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_hw(dupg_store_list(s), k, 0), "B");
	dupg_store_free(s);
	/* a broken cache is an empty one */
	fx_write(fx_path(dir, "list.cache"), "dupg-pkgcache 1\n1 2 x\n\n%%%% 1 2 3\n");
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	CU_ASSERT_EQUAL(dupg_pathlist_count(dupg_store_list(s)), 5);
	dupg_store_free(s);
	fx_write(fx_path(dir, "list.cache"), "not a cache");
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	CU_ASSERT_EQUAL(dupg_pathlist_count(dupg_store_list(s)), 5);
	dupg_store_free(s);
	free(cache);
	free(edited);
	dupg_pathlist_free(down);
	fx_rmrf(dir);
	free(dir);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "busy between processes, with the holder's pid", test_busy_between_processes },
		{ "readers share, a writer waits", test_readers_and_writers },
		{ "a timeout waits; a dead holder lets go", test_waits_for_the_lock },
		{ "busy between threads; recover leaves a live change alone", test_busy_between_threads },
		{ "a stale handle acts on LIST as it is", test_stale_handle },
		{ "an empty download is refused", test_empty_download },
		{ "symlinked lists are refused", test_symlinked_lists },
		{ "paths a list file cannot hold are refused", test_paths_a_list_cannot_hold },
		{ "replaced files keep their mode", test_modes_kept },
		{ "a FIFO is never replaced", test_never_replaces_a_device },
		{ "hostile journals delete nothing", test_hostile_journals },
		{ "the package cache beside the list", test_package_cache },
		{ "every pair of operations raced in two processes", test_races },
		{ "operations raced in threads", test_races_threads },
		CU_TEST_INFO_NULL,
	};
	return fx_run("store, many hands", tests);
}
