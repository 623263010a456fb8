/* SPDX-License-Identifier: BSD-2-Clause */
/* dupg-sim run --serve: real dupg-server processes on 127.0.0.1, started, killed, stopped. */
#include "config.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "driver/cluster.h"
#include "driver/context.h"
#include "util.h"

/* How long a server may take to print its "listening on" line (valgrind is slow). */
#define START_TIMEOUT_MS 60000
/* How long a stopped server may take to exit after SIGTERM before SIGKILL. */
#define STOP_TIMEOUT_MS 5000

/*
 * Every child of the run, for the exit and signal handlers: a fixed table
 * (no allocation in a handler), a slot cleared when its child is reaped.
 */
#define MAX_CHILDREN 256
static volatile pid_t children[MAX_CHILDREN];
static int handlers_on;

static void kill_children(void)
{
	size_t i;

	for (i = 0; i < MAX_CHILDREN; i++)
		if (children[i] > 0)
			kill(children[i], SIGKILL);
}

static void on_exit_kill(void)
{
	kill_children();
}

static void on_signal(int sig)
{
	kill_children();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_handlers(void)
{
	struct sigaction sa;

	if (handlers_on)
		return;
	handlers_on = 1;
	atexit(on_exit_kill);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* a server that dies under a request must not take dupg-sim with it */
	signal(SIGPIPE, SIG_IGN);
}

static int track(pid_t pid)
{
	size_t i;

	for (i = 0; i < MAX_CHILDREN; i++)
		if (children[i] == 0) {
			children[i] = pid;
			return 0;
		}
	return -1;
}

static void untrack(pid_t pid)
{
	size_t i;

	for (i = 0; i < MAX_CHILDREN; i++)
		if (children[i] == pid)
			children[i] = 0;
}

static int is_exec(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

int sim_cluster_find_bin(char **out, const char *opt)
{
	static const char *const rel[] = { "dupg-server", "../server/dupg-server",
					   "../../server/dupg-server", "../dupg-server" };
	const char *env = getenv("DUPG_SERVER");
	char self[PATH_MAX], *slash;
	ssize_t n;
	size_t i;

	*out = NULL;
	if (opt != NULL || (env != NULL && *env != '\0')) {
		const char *p = opt != NULL ? opt : env;
		if (!is_exec(p))
			return sim_error(DUPG_ENOTFOUND, "%s %s: not an executable file", opt != NULL ?
					 "--server-bin" : "DUPG_SERVER", p);
		*out = sim_strdup(p);
		return *out ? 0 : sim_error(DUPG_ENOMEM, "out of memory");
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return sim_error(DUPG_ENOTFOUND, "--serve: cannot tell where dupg-sim is; give "
						 "--server-bin PATH or DUPG_SERVER");
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char *p = sim_printf("%s/%s", self, rel[i]);
		if (p == NULL)
			return sim_error(DUPG_ENOMEM, "out of memory");
		if (is_exec(p)) {
			/* the report names it without the build tree's ../ */
			char *real = realpath(p, NULL);
			if (real != NULL) {
				free(p);
				p = real;
			}
			*out = p;
			return 0;
		}
		free(p);
	}
	return sim_error(DUPG_ENOTFOUND, "--serve: no dupg-server beside %s (nor in ../server/); "
					 "give --server-bin PATH or DUPG_SERVER", self);
}

/* WORKDIR/serve/ID/packages: a hard link (or copy) of every file of the server set. */
static int fill_packages(const char *dir, const char *server_dir)
{
	DIR *d = opendir(server_dir);
	struct dirent *e;
	int rc = 0;

	if (d == NULL)
		return sim_error(DUPG_EIO, "%s: cannot read: %s", server_dir, strerror(errno));
	if ((rc = sim_mkdirs(dir)) != 0) {
		closedir(d);
		return rc;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		char *src, *dst;

		if (e->d_name[0] == '.')
			continue;
		src = sim_printf("%s/%s", server_dir, e->d_name);
		dst = sim_printf("%s/%s", dir, e->d_name);
		if (src == NULL || dst == NULL)
			rc = sim_error(DUPG_ENOMEM, "out of memory");
		else
			rc = sim_link_file(src, dst, 1);
		free(src);
		free(dst);
	}
	closedir(d);
	return rc;
}

/* The last lines of a server's log, for an error that says why it did not start. */
static void log_tail(char *buf, size_t len, const char *dir)
{
	char *p = sim_printf("%s/server.log", dir);
	FILE *f = p ? fopen(p, "r") : NULL;
	size_t n = 0;

	buf[0] = '\0';
	if (f != NULL) {
		if (fseek(f, 0, SEEK_END) == 0) {
			long sz = ftell(f);
			if (sz > (long)len - 1)
				fseek(f, sz - (long)len + 1, SEEK_SET);
			else
				fseek(f, 0, SEEK_SET);
			n = fread(buf, 1, len - 1, f);
		}
		fclose(f);
	}
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	for (; n > 0; n--)
		if (buf[n - 1] == '\n')
			buf[n - 1] = ' ';
	free(p);
}

static void reap(struct sim_srv *s, int sig, unsigned timeout_ms)
{
	if (s->pid <= 0)
		return;
	sim_child_stop(s->pid, sig, timeout_ms);
	untrack(s->pid);
	s->pid = 0;
	if (s->out_fd >= 0)
		close(s->out_fd);
	s->out_fd = -1;
}

/* Read the "listening on http://127.0.0.1:PORT" line, within the start timeout. */
static int read_port(struct sim_srv *s)
{
	char url[128];
	const char *colon;

	if (sim_child_read_listen(s->out_fd, START_TIMEOUT_MS, url, sizeof(url)) != 0 ||
	    strncmp(url, "http://", 7) != 0 || (colon = strrchr(url, ':')) == NULL)
		return -1;
	s->port = atoi(colon + 1);
	if (s->port <= 0 || s->port > 65535)
		return -1;
	free(s->url);
	s->url = sim_printf("http://127.0.0.1:%d", s->port);
	return s->url ? 0 : -1;
}

static int spawn(struct sim_cluster *cl, struct sim_srv *s)
{
	char *pkgs = sim_printf("%s/packages", s->dir), *db = sim_printf("%s/dupg.db", s->dir);
	char *logp = sim_printf("%s/server.log", s->dir), tail[400];
	const char *argv[12];
	int logfd = -1, rc = 0, k = 0;
	pid_t pid;

	if (pkgs == NULL || db == NULL || logp == NULL) {
		rc = sim_error(DUPG_ENOMEM, "out of memory");
		goto done;
	}
	argv[k++] = cl->bin;
	argv[k++] = "--packages";
	argv[k++] = pkgs;
	argv[k++] = "--db";
	argv[k++] = db;
	argv[k++] = "--listen";
	argv[k++] = "127.0.0.1:0";
	argv[k++] = "--threads";
	argv[k++] = "2";
	if (cl->trust_dir != NULL) {
		argv[k++] = "--trust";
		argv[k++] = cl->trust_dir;
	}
	argv[k] = NULL;
	logfd = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (logfd < 0) {
		rc = sim_error(DUPG_EIO, "%s: cannot start dupg-server: %s", logp, strerror(errno));
		goto done;
	}
	if (sim_child_start(&pid, &s->out_fd, argv, logfd) != 0) {
		rc = sim_error(DUPG_EIO, "cannot start %s: %s", cl->bin, strerror(errno));
		goto done;
	}
	s->pid = pid;
	if (track(pid) != 0) {
		reap(s, SIGKILL, 0);
		rc = sim_error(DUPG_ERROR, "--serve: more than %d server processes", MAX_CHILDREN);
		goto done;
	}
	if (read_port(s) != 0) {
		reap(s, SIGKILL, 0);
		log_tail(tail, sizeof(tail), s->dir);
		rc = sim_error(DUPG_EIO, "--serve: %s did not start for %s (%s/server.log: %s)", cl->bin,
			       s->id, s->dir, tail[0] ? tail : "empty");
		goto done;
	}
	s->starts++;
done:
	if (logfd >= 0)
		close(logfd);
	free(pkgs);
	free(db);
	free(logp);
	return rc;
}

int sim_cluster_start(struct sim_cluster **out, const char *bin, const struct sim_dservers *c,
		      const char *server_dir, const char *workdir, const char *trust_dir)
{
	struct sim_cluster *cl = calloc(1, sizeof(*cl));
	size_t i, n = c->n > 0 ? c->n : 1;
	int rc = 0;

	*out = NULL;
	if (cl == NULL || (cl->v = calloc(n, sizeof(*cl->v))) == NULL ||
	    (cl->bin = sim_strdup(bin)) == NULL ||
	    (trust_dir != NULL && (cl->trust_dir = sim_strdup(trust_dir)) == NULL)) {
		sim_cluster_free(cl);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	install_handlers();
	cl->n = n;
	for (i = 0; i < n; i++)
		cl->v[i].out_fd = -1;
	for (i = 0; rc == 0 && i < n; i++) {
		struct sim_srv *s = &cl->v[i];
		char *pk;

		s->id = c->n > 0 ? c->v[i].id : "server";
		s->location = c->n > 0 ? c->v[i].location : NULL;
		s->dir = sim_printf("%s/serve/%s", workdir, s->id);
		pk = s->dir ? sim_printf("%s/packages", s->dir) : NULL;
		if (pk == NULL)
			rc = sim_error(DUPG_ENOMEM, "out of memory");
		else if ((rc = sim_rmtree(s->dir)) == 0 && (rc = fill_packages(pk, server_dir)) == 0)
			rc = spawn(cl, s);
		free(pk);
	}
	if (rc != 0) {
		sim_cluster_free(cl);
		return rc;
	}
	*out = cl;
	return 0;
}

int sim_cluster_up(struct sim_ctx *ctx)
{
	char *bin = NULL, *trust = NULL;
	int rc = sim_cluster_find_bin(&bin, ctx->opt->server_bin);

	if (rc == 0 && ctx->opt->trust && (trust = sim_printf("%s/trust", ctx->opt->workdir)) == NULL)
		rc = sim_error(DUPG_ENOMEM, "out of memory");
	if (rc == 0)
		rc = sim_cluster_start(&ctx->cluster, bin, &ctx->sc->dservers, ctx->server.dir,
				       ctx->opt->workdir, trust);
	free(bin);
	free(trust);
	return rc;
}

int sim_cluster_alive(const struct sim_cluster *cl, size_t i)
{
	return i < cl->n && cl->v[i].pid > 0;
}

/* ---- HTTP ---------------------------------------------------------------- */

struct buf {
	char *p;
	size_t n, cap;
};

static size_t on_data(char *data, size_t size, size_t nmemb, void *payload)
{
	struct buf *b = payload;
	size_t len = size * nmemb;

	if (b->n + len + 1 > (16u << 20) || sim_grow(&b->p, &b->cap, b->n + len + 1, 1) != 0)
		return 0;
	memcpy(b->p + b->n, data, len);
	b->n += len;
	b->p[b->n] = '\0';
	return len;
}

int sim_cluster_request(const struct sim_cluster *cl, size_t i, const char *method,
			const char *path, const char *token, const char *json, long *code,
			char **body)
{
	const struct sim_srv *s = &cl->v[i];
	CURL *c;
	struct curl_slist *h = NULL;
	struct buf b = { NULL, 0, 0 };
	char *url, *auth = NULL, err[CURL_ERROR_SIZE];
	CURLcode cc;

	*code = 0;
	*body = NULL;
	if (s->url == NULL || s->pid <= 0)
		return sim_error(DUPG_ENETWORK, "server %s is not running", s->id);
	url = sim_printf("%s%s", s->url, path);
	if (url == NULL || (c = curl_easy_init()) == NULL) {
		free(url);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	err[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 60000L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	if (json != NULL) {
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(json));
	}
	if (token != NULL && (auth = sim_printf("Authorization: Bearer %s", token)) != NULL)
		h = curl_slist_append(h, auth);
	if (h != NULL)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	cc = curl_easy_perform(c);
	if (cc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	free(auth);
	if (cc != CURLE_OK) {
		sim_error(DUPG_ENETWORK, "%s %s: %s", method, url, err[0] ? err : curl_easy_strerror(cc));
		free(url);
		free(b.p);
		return DUPG_ENETWORK;
	}
	free(url);
	*body = b.p ? b.p : sim_strdup("");
	return *body ? 0 : sim_error(DUPG_ENOMEM, "out of memory");
}

/* The sum of a Prometheus counter's samples (every label set) in text. */
static uint64_t metric_sum(const char *text, const char *name)
{
	size_t len = strlen(name);
	const char *p = text;
	double sum = 0;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, name, len) == 0 && (p[len] == ' ' || p[len] == '{')) {
			const char *v = strchr(p, ' ');
			const char *nl = strchr(p, '\n');
			if (v != NULL && (nl == NULL || v < nl))
				sum += strtod(v + 1, NULL);
		}
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return sum > 0 ? (uint64_t)(sum + 0.5) : 0;
}

/* Add server i's counters (its current process) to its totals. */
static int collect_one(struct sim_cluster *cl, size_t i)
{
	long code;
	char *body;
	int rc = sim_cluster_request(cl, i, "GET", "/metrics", NULL, NULL, &code, &body);

	if (rc != 0)
		return rc;
	if (code != 200) {
		free(body);
		return sim_error(DUPG_ENETWORK, "GET %s/metrics: HTTP %ld", cl->v[i].url, code);
	}
	cl->v[i].bytes_served += metric_sum(body, "dupg_package_bytes_served_total");
	cl->v[i].requests += metric_sum(body, "dupg_http_requests_total");
	free(body);
	return 0;
}

int sim_cluster_kill(struct sim_cluster *cl, size_t i)
{
	struct sim_srv *s = &cl->v[i];
	int rc;

	if (s->pid <= 0)
		return 0;
	rc = collect_one(cl, i);
	reap(s, SIGKILL, STOP_TIMEOUT_MS);
	s->kills++;
	return rc;
}

int sim_cluster_restart(struct sim_cluster *cl, size_t i)
{
	if (cl->v[i].pid > 0)
		return 0;
	return spawn(cl, &cl->v[i]);
}

int sim_cluster_collect(struct sim_cluster *cl)
{
	size_t i;
	int rc;

	for (i = 0; i < cl->n; i++) {
		if (cl->v[i].pid <= 0)
			continue;
		if ((rc = collect_one(cl, i)) != 0)
			return rc;
		/* counted once: the process is stopped now, its counters are in the totals */
		reap(&cl->v[i], SIGTERM, STOP_TIMEOUT_MS);
	}
	return 0;
}

char *sim_cluster_json(const struct sim_cluster *cl)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	char *text = NULL;
	size_t i;

	if (o == NULL || a == NULL) {
		json_object_put(o);
		json_object_put(a);
		return NULL;
	}
	json_object_object_add(o, "program", json_object_new_string(cl->bin));
	for (i = 0; i < cl->n; i++) {
		const struct sim_srv *s = &cl->v[i];
		json_object *x = json_object_new_object();

		if (x == NULL)
			break;
		json_object_object_add(x, "id", json_object_new_string(s->id));
		json_object_object_add(x, "location", s->location ? json_object_new_string(s->location) : NULL);
		json_object_object_add(x, "url", s->url ? json_object_new_string(s->url) : NULL);
		json_object_object_add(x, "port", json_object_new_int(s->port));
		json_object_object_add(x, "starts", json_object_new_int64((int64_t)s->starts));
		json_object_object_add(x, "kills", json_object_new_int64((int64_t)s->kills));
		json_object_object_add(x, "bytes_served", json_object_new_int64((int64_t)s->bytes_served));
		json_object_object_add(x, "requests", json_object_new_int64((int64_t)s->requests));
		json_object_array_add(a, x);
	}
	json_object_object_add(o, "servers", a);
	text = sim_strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return text;
}

void sim_cluster_free(struct sim_cluster *cl)
{
	size_t i;

	if (cl == NULL)
		return;
	for (i = 0; cl->v != NULL && i < cl->n; i++) {
		reap(&cl->v[i], SIGTERM, STOP_TIMEOUT_MS);
		free(cl->v[i].dir);
		free(cl->v[i].url);
	}
	free(cl->v);
	free(cl->bin);
	free(cl->trust_dir);
	free(cl);
}
