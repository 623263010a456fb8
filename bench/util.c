/* SPDX-License-Identifier: BSD-2-Clause */
/* dupg-bench: timing, child processes, JSON fields, tables and files shared by the benchmarks. */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "dupg.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/rng.h"

/* fn's return: 0 done, 1 done but a check failed (the line is printed), 2 failed (no line). */
static int run_here(const struct bench_opts *o, bench_size_fn fn, const void *arg)
{
	json_object *line = json_object_new_object();
	struct rusage ru;
	int rc;

	if (line == NULL)
		return bench_fail("out of memory");
	rc = fn(o, arg, line);
	if (rc < 2) {
		getrusage(RUSAGE_SELF, &ru);
		jput_int(line, "peak_rss_kb", ru.ru_maxrss);
		printf("%s\n", json_object_to_json_string_ext(line, JSON_C_TO_STRING_PLAIN |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
		fflush(stdout);
	}
	json_object_put(line);
	return rc != 0;
}

int bench_in_child(const struct bench_opts *o, bench_size_fn fn, const void *arg)
{
	pid_t pid;
	int status;

	if (!o->fork)
		return run_here(o, fn, arg);
	/* Nothing buffered may be printed twice. */
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return bench_fail("fork: %s", strerror(errno));
	if (pid == 0)
		_exit(run_here(o, fn, arg));
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return bench_fail("waitpid: %s", strerror(errno));
	}
	if (WIFSIGNALED(status))
		return bench_fail("%s: the child measuring one size died of signal %d", o->name,
				  WTERMSIG(status));
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void bench_turns(const struct bench_opts *o, const struct bench_fn *fns, size_t n, void *arg,
		 int min_reps, int max_reps, double *best)
{
	double spent = 0;
	size_t i;
	int turn;

	if (o->check)
		min_reps = max_reps = 1;
	for (i = 0; i < n; i++)
		best[i] = INFINITY;
	for (turn = 0; turn < max_reps && (turn < min_reps || spent < o->min_time * 1e9); turn++) {
		for (i = 0; i < n; i++) {
			uint64_t t0 = bench_now_ns();
			double dt;

			fns[i].run(arg);
			dt = (double)(bench_now_ns() - t0);
			spent += dt;
			if (dt < best[i])
				best[i] = dt;
			if (fns[i].after != NULL)
				fns[i].after(arg);
		}
	}
}

uint64_t rng_next(uint64_t *state)
{
	return dupg__rng_next(state);
}

uint32_t rng_below(uint64_t *state, uint32_t n)
{
	return (uint32_t)dupg__rng_below(state, n);
}

void bench_head(json_object *line, const char *bench, const char *variant, uint64_t size)
{
	jput_str(line, "bench", bench);
	if (variant != NULL)
		jput_str(line, "variant", variant);
	jput_int(line, "size", (int64_t)size);
}

void jput_int(json_object *o, const char *key, int64_t v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

void jput_num(json_object *o, const char *key, double v)
{
	char buf[64];

	if (!isfinite(v)) {
		jput_null(o, key);
		return;
	}
	snprintf(buf, sizeof(buf), "%.4g", v);
	/* json-c would print 17 digits; 4 are all these machines can tell apart. */
	json_object_object_add(o, key, json_object_new_double_s(v, buf));
}

void jput_str(json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v));
}

void jput_bool(json_object *o, const char *key, int v)
{
	json_object_object_add(o, key, json_object_new_boolean(v != 0));
}

void jput_null(json_object *o, const char *key)
{
	json_object_object_add(o, key, NULL);
}

void bench_put_figures(json_object *o, uint64_t items, double ns, double naive_ns,
		       double limit_ns)
{
	double per = ns / (double)items;
	double naive_per = naive_ns / (double)items;
	double limit_per = limit_ns / (double)items;

	jput_int(o, "items", (int64_t)items);
	jput_num(o, "ns_per_item", per);
	jput_num(o, "naive_ns_per_item", naive_per);
	jput_num(o, "limit_ns_per_item", limit_per);
	jput_num(o, "ratio_naive", naive_per / per);
	jput_num(o, "ratio_limit", per / limit_per);
	jput_num(o, "items_per_s", 1e9 / per);
	jput_num(o, "total_ms", ns / 1e6);
}

void bench_put_target(json_object *o, const char *text, int met)
{
	jput_str(o, "target", text);
	if (met < 0)
		jput_null(o, "target_met");
	else
		jput_bool(o, "target_met", met);
}

uint64_t bench_hash(const char *key)
{
	return XXH3_64bits(key, strlen(key));
}

int strtab_init(struct strtab *t, size_t capacity)
{
	size_t n = 16;

	while (n < capacity * 2)
		n <<= 1;
	t->slots = calloc(n, sizeof(*t->slots));
	t->mask = n - 1;
	return t->slots == NULL ? -1 : 0;
}

void strtab_free(struct strtab *t)
{
	free(t->slots);
	t->slots = NULL;
}

void strtab_put(struct strtab *t, const char *key, long value)
{
	uint64_t h = bench_hash(key);
	size_t i = (size_t)h & t->mask;

	for (;; i = (i + 1) & t->mask) {
		struct strtab_slot *s = &t->slots[i];
		if (s->key == NULL) {
			s->key = key;
			s->hash = h;
			s->value = value;
			return;
		}
		if (s->hash == h && strcmp(s->key, key) == 0) {
			s->value = value;
			return;
		}
	}
}

int bench_pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		return bench_fail("%.64s...: path too long", buf);
	return 0;
}

/* The file helpers are the utility layer's; a failure is printed with its message. */
static int fs_done(int rc)
{
	return rc == 0 ? 0 : bench_fail("%s", dupg__error_msg());
}

int bench_mkdirs(const char *path)
{
	return fs_done(dupg__fs_mkdirs(path));
}

char *bench_scratch(void)
{
	char *dir = dupg__fs_scratch("dupg-bench");

	if (dir == NULL)
		fs_done(DUPG_EIO);
	return dir;
}

void bench_rmrf(const char *path)
{
	dupg__fs_rmtree(path);
}

int bench_copy(const char *from, const char *to)
{
	uint64_t copied;

	return fs_done(dupg__fs_copy(from, to, UINT64_MAX, 1, &copied));
}

int bench_write(const char *path, const char *data, size_t len)
{
	return fs_done(dupg__fs_write(path, data, len));
}

int bench_fsync_dir(const char *dir)
{
	return fs_done(dupg__fs_fsync_dir(dir));
}

int bench_write_atomic(const char *path, const char *data, size_t len)
{
	return fs_done(dupg__fs_write_atomic(path, data, len, 0, NULL, NULL));
}

int bench_exists(const char *path)
{
	return dupg__fs_exists(path);
}

int bench_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("dupg-bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int bench_lib_fail(const char *what, int rc)
{
	return bench_fail("%s: %s (%s)", what, dupg_error_last(), dupg_strerror(rc));
}

static int ref_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Rank of a character in a non-digit run; the end of the run ranks 0. */
static int ref_rank(int c)
{
	if (c == '~')
		return -1;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return c;
	return c + 256;
}

/* dpkg's order of one part (upstream version or revision). */
static int ref_part(const char *a, const char *b)
{
	while (*a != '\0' || *b != '\0') {
		size_t la = 0, lb = 0, i;

		/* The non-digit runs, the shorter one padded with rank 0. */
		while (a[la] != '\0' && !ref_digit(a[la]))
			la++;
		while (b[lb] != '\0' && !ref_digit(b[lb]))
			lb++;
		for (i = 0; i < la || i < lb; i++) {
			int ra = i < la ? ref_rank((unsigned char)a[i]) : 0;
			int rb = i < lb ? ref_rank((unsigned char)b[i]) : 0;
			if (ra != rb)
				return ra < rb ? -1 : 1;
		}
		a += la;
		b += lb;
		/* The digit runs as numbers: without leading zeros, longer is larger. */
		while (*a == '0')
			a++;
		while (*b == '0')
			b++;
		for (la = 0; ref_digit(a[la]); la++)
			;
		for (lb = 0; ref_digit(b[lb]); lb++)
			;
		if (la != lb)
			return la < lb ? -1 : 1;
		for (i = 0; i < la; i++) {
			if (a[i] != b[i])
				return a[i] < b[i] ? -1 : 1;
		}
		a += la;
		b += lb;
	}
	return 0;
}

/*
 * dpkg's three parts of s, as copies: the epoch (the digits before a first
 * ':' when all before it is an optionally signed number, else "0"), the
 * revision (after the last '-' of the rest, else ""), the upstream version
 * between. 0, or -1 when out of memory.
 */
static int ref_split(const char *s, char **epoch, char **up, char **rev)
{
	const char *p = s + (*s == '+' || *s == '-'), *q = p, *dash;

	while (ref_digit(*q))
		q++;
	if (*q == ':') {
		*epoch = strndup(p, (size_t)(q - p));
		s = q + 1;
	} else {
		*epoch = strdup("0");
	}
	dash = strrchr(s, '-');
	*up = dash != NULL ? strndup(s, (size_t)(dash - s)) : strdup(s);
	*rev = strdup(dash != NULL ? dash + 1 : "");
	return *epoch != NULL && *up != NULL && *rev != NULL ? 0 : -1;
}

int bench_ref_vercmp(const char *a, const char *b)
{
	char *pa[3] = { NULL, NULL, NULL }, *pb[3] = { NULL, NULL, NULL };
	int c = 0, i;

	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	if (ref_split(a, &pa[0], &pa[1], &pa[2]) != 0 || ref_split(b, &pb[0], &pb[1], &pb[2]) != 0) {
		fprintf(stderr, "dupg-bench: out of memory\n");
		abort();
	}
	/* epochs are numbers: the part order compares them as one digit run */
	for (i = 0; i < 3 && c == 0; i++)
		c = ref_part(pa[i], pb[i]);
	for (i = 0; i < 3; i++) {
		free(pa[i]);
		free(pb[i]);
	}
	return c;
}
