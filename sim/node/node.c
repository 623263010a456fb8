/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dupg-sim node: one node of a region on a real network. Every period it
 * hears itself, runs the region's election (dupg/region.h), sends its
 * announcement to the region's multicast group and, until the next period,
 * receives and weighs the others'. The virtual server downloads the package
 * from the management server and serves its store with dupg-server; the
 * members fetch from it, failing over to the management server. Periods are
 * numbered by the wall clock (ms since the epoch / period), so that the
 * nodes of a host (or of NTP-synchronised hosts) count alike.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "dupg.h"
#include "node/mcast.h"
#include "node/node.h"
#include "node/obtain.h"
#include "node/serve.h"
#include "stage/common.h"

#define MAX_PEERS 256

struct peer_url {
	char *id, *url;
};

struct node {
	/* options */
	const char *id, *group, *iface, *server, *store, *package, *server_bin;
	uint32_t region_id, score;
	uint64_t period_ms, dead_after, settle, max_periods, limit_rate;
	int rogue, no_fsync;
	/* state */
	char *list, *name;         /* the store's list file; the package's file name */
	dupg_manifest *pkg;        /* the package's manifest, once held */
	dupg_region *region;
	struct node_mcast mc;
	struct node_serve vs;
	struct node_job job;
	int have, fetching;
	uint64_t start, announced_have, done_periods;
	size_t members_seen;       /* the region's members when last counted */
	uint64_t stable_since;     /* the period the membership last changed */
	struct node_versions versions;
	struct peer_url urls[MAX_PEERS];
	size_t nurls;
	char source[320];          /* "server", the leader's id, or "" before the package */
	char *fetched_from;        /* the leader the current job tries first; NULL for none */
	uint64_t bytes, rejected, received, fetch_failures;
	uint64_t rejected_malformed, rejected_replay, rejected_other;
	size_t failovers;
	int resumed;
	json_object *prune, *elections;
	char *last_leader;
	uint64_t last_epoch;
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static uint64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t period_now(const struct node *n)
{
	return wall_ms() / n->period_ms;
}

static int parse_u64(uint64_t *out, const char *arg, const char *opt, uint64_t min, uint64_t max)
{
	if (cli_parse_u64(out, arg, min, max) != 0) {
		cli_fail("node: %s \"%s\": a whole number from %llu to %llu is expected", opt, arg,
			 (unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	return 0;
}

/* CPU,MEMORY,STORAGE,BANDWIDTH_MBPS,LATENCY_MS,LOSS into a score. */
static int parse_resources(uint32_t *score, const char *arg)
{
	dupg_node_resources r;
	double v[6];
	const char *p = arg;
	char *end;
	int i, rc;

	for (i = 0; i < 6; i++) {
		errno = 0;
		v[i] = strtod(p, &end);
		if (end == p || errno != 0 || (i < 5 && *end != ',') || (i == 5 && *end != '\0')) {
			cli_fail("node: --resources \"%s\": six numbers CPU,MEMORY,STORAGE,BANDWIDTH_MBPS,"
				 "LATENCY_MS,LOSS are expected", arg);
			return -1;
		}
		p = end + 1;
	}
	r.cpu = v[0];
	r.memory = v[1];
	r.storage = v[2];
	r.bandwidth_mbps = v[3];
	r.latency_ms = v[4];
	r.loss = v[5];
	rc = dupg_score(score, &r, NULL);
	if (rc != 0) {
		cli_fail("node: --resources \"%s\": %s", arg, dupg_error_last());
		return -1;
	}
	return 0;
}

static const char *peer_url(const struct node *n, const char *id)
{
	size_t i;

	for (i = 0; i < n->nurls; i++)
		if (strcmp(n->urls[i].id, id) == 0)
			return n->urls[i].url;
	return NULL;
}

static void peer_url_set(struct node *n, const char *id, const char *url)
{
	size_t i;
	char *u;

	for (i = 0; i < n->nurls; i++)
		if (strcmp(n->urls[i].id, id) == 0)
			break;
	if (i == n->nurls) {
		if (n->nurls == MAX_PEERS || (n->urls[i].id = strdup(id)) == NULL)
			return;
		n->urls[i].url = NULL;
		n->nurls++;
	}
	if (n->urls[i].url != NULL && strcmp(n->urls[i].url, url) == 0)
		return;
	u = strdup(url);
	if (u == NULL)
		return;
	free(n->urls[i].url);
	n->urls[i].url = u;
}

/* Note the leader and epoch when they change: by an election or by a claim heard. */
static void note_leader(struct node *n, uint64_t period, const char *how)
{
	const char *leader = dupg_region_leader(n->region);
	uint64_t epoch = dupg_region_epoch(n->region);
	json_object *e;

	if (epoch == n->last_epoch && ((leader == NULL && n->last_leader == NULL) ||
				       (leader != NULL && n->last_leader != NULL &&
					strcmp(leader, n->last_leader) == 0)))
		return;
	free(n->last_leader);
	n->last_leader = leader != NULL ? strdup(leader) : NULL;
	n->last_epoch = epoch;
	e = json_object_new_object();
	if (e == NULL)
		return;
	json_object_object_add(e, "period", json_object_new_int64((int64_t)(period - n->start)));
	json_object_object_add(e, "wall_period", json_object_new_int64((int64_t)period));
	json_object_object_add(e, "leader", leader != NULL ? json_object_new_string(leader) : NULL);
	json_object_object_add(e, "epoch", json_object_new_int64((int64_t)epoch));
	json_object_object_add(e, "how", json_object_new_string(how));
	json_object_array_add(n->elections, e);
	fprintf(stderr, "dupg-sim: node %s: period %llu: leader %s, epoch %llu (%s)\n", n->id,
		(unsigned long long)(period - n->start), leader != NULL ? leader : "none",
		(unsigned long long)epoch, how);
}

static int lib_fail(int rc)
{
	cli_lib_fail(rc);
	return -1;
}

static int am_leader(const struct node *n)
{
	const char *leader = dupg_region_leader(n->region);

	return leader != NULL && strcmp(leader, n->id) == 0;
}

/* The store's versions again, and whether it holds the package (with its manifest). */
static int reload_store(struct node *n)
{
	dupg_pathlist *l = NULL;
	int rc;

	if (node_versions_load(&n->versions, n->list) != 0)
		return -1;
	rc = dupg_pathlist_load(&l, n->list);
	if (rc != 0)
		return lib_fail(rc);
	if (dupg_pathlist_find(l, n->name) != DUPG_NONE && n->pkg == NULL) {
		rc = dupg_package_read_manifest(&n->pkg, dupg_pathlist_resolved(l, dupg_pathlist_find(l, n->name)));
		if (rc != 0) {
			dupg_pathlist_free(l);
			return lib_fail(rc);
		}
		n->have = 1;
	}
	dupg_pathlist_free(l);
	return 0;
}

/* Does the leader announce, for a hardware type this node holds, a newer version than its own? */
static int leader_has_newer(const struct node *n, const char *leader)
{
	size_t i, idx = dupg_region_find(n->region, leader);

	if (idx == DUPG_NONE)
		return 0;
	for (i = 0; i < n->versions.n; i++) {
		const char *v = dupg_region_member_version(n->region, idx, n->versions.hw[i]);
		if (v != NULL && dupg_vercmp(v, n->versions.version[i]) > 0)
			return 1;
	}
	return 0;
}

/* Everyone alive in the region announced the package's version (or newer) for its types. */
static int region_has_it(const struct node *n, uint64_t period)
{
	size_t i, j, count = dupg_region_member_count(n->region);
	const char *want = dupg_manifest_version(n->pkg);

	for (i = 0; i < count; i++) {
		if (!dupg_region_member_alive(n->region, i, period))
			continue;
		for (j = 0; j < dupg_manifest_hw_count(n->pkg); j++) {
			const char *v = dupg_region_member_version(n->region, i, dupg_manifest_hw(n->pkg, j));
			if (v != NULL && dupg_vercmp(v, want) < 0)
				return 0;
		}
	}
	return 1;
}

static int start_fetch(struct node *n, const char *leader, const char *url)
{
	const char *urls[2];
	size_t count = 0;
	char *dir = strdup(n->list);
	char *slash;
	int rc;

	if (dir == NULL)
		return -1;
	slash = strrchr(dir, '/');
	if (slash != NULL)
		*slash = '\0';
	if (url != NULL)
		urls[count++] = url;
	urls[count++] = n->server;
	free(n->fetched_from);
	n->fetched_from = leader != NULL ? strdup(leader) : NULL;
	fprintf(stderr, "dupg-sim: node %s: fetching %s from %s%s%s\n", n->id, n->package,
		url != NULL ? url : n->server, url != NULL ? ", then " : "", url != NULL ? n->server : "");
	rc = node_job_start(&n->job, slash != NULL ? dir : ".", n->package, urls, count, n->limit_rate,
			    n->no_fsync);
	free(dir);
	if (rc == 0)
		n->fetching = 1;
	return rc;
}

/* A download ended: install it (prune) or forget it (tried again next period). */
static int finish_fetch(struct node *n)
{
	json_object *prune = NULL;

	node_job_join(&n->job);
	n->fetching = 0;
	n->bytes += n->job.bytes;
	if (n->job.rc != 0) {
		n->fetch_failures++;
		fprintf(stderr, "dupg-sim: node %s: download failed: %s\n", n->id, n->job.error);
		node_job_clear(&n->job);
		return 0;
	}
	n->failovers += n->job.failovers;
	n->resumed |= n->job.resumed;
	if (n->fetched_from != NULL && n->job.server == 0)
		snprintf(n->source, sizeof(n->source), "%s", n->fetched_from);
	else
		snprintf(n->source, sizeof(n->source), "server");
	node_job_clear(&n->job);
	if (node_install(&prune, n->list, n->name, n->no_fsync) != 0)
		return -1;
	json_object_put(n->prune);
	n->prune = prune;
	if (reload_store(n) != 0)
		return -1;
	if (!n->have) {
		cli_fail("node: %s: the prune did not keep %s", n->list, n->name);
		return -1;
	}
	fprintf(stderr, "dupg-sim: node %s: installed %s from %s\n", n->id, n->name, n->source);
	return 0;
}

static int announce(struct node *n, uint64_t period)
{
	dupg_announce *a = NULL;
	unsigned char *buf = NULL;
	size_t i, len = 0;
	int leader = am_leader(n) || n->rogue;
	int rc;

	rc = dupg_announce_new(&a, n->id, n->region_id, dupg_region_epoch(n->region), period, n->score,
			       leader);
	for (i = 0; rc == 0 && i < n->versions.n; i++)
		rc = dupg_announce_add(a, n->versions.hw[i], n->versions.version[i]);
	if (rc == 0 && leader && n->vs.pid > 0)
		rc = dupg_announce_set_url(a, n->vs.url);
	if (rc == 0)
		rc = dupg_announce_encode(&buf, &len, a);
	dupg_announce_free(a);
	if (rc != 0)
		return lib_fail(rc);
	rc = node_mcast_send(&n->mc, buf, len);
	dupg_free(buf);
	if (rc == 0 && n->have)
		n->announced_have++;
	return rc;
}

/* Receive until the period ends; every message weighed, the bad ones counted. */
static void receive_until(struct node *n, uint64_t end_ms)
{
	unsigned char buf[DUPG_ANNOUNCE_MAX_BYTES];
	char from[64];

	for (;;) {
		uint64_t now = wall_ms();
		dupg_announce *a = NULL;
		int truncated, rc;
		ssize_t len;

		if (now >= end_ms || stop_requested)
			return;
		len = node_mcast_recv(&n->mc, buf, sizeof(buf), (int)(end_ms - now), &truncated, from,
				      sizeof(from));
		if (len == 0)
			continue;
		if (len == -1) {
			fprintf(stderr, "dupg-sim: node %s: receive: %s\n", n->id, strerror(errno));
			return;
		}
		n->received++;
		if (len == -2 || truncated) {
			n->rejected++;
			n->rejected_malformed++;
			fprintf(stderr, "dupg-sim: node %s: rejected a message from %s: %s\n", n->id, from,
				truncated ? "over the size limit" : "empty");
			continue;
		}
		rc = dupg_announce_decode(&a, buf, (size_t)len);
		if (rc != 0) {
			n->rejected++;
			n->rejected_malformed++;
			fprintf(stderr, "dupg-sim: node %s: rejected a message from %s: %s\n", n->id, from,
				dupg_error_last());
			continue;
		}
		if (strcmp(dupg_announce_sender(a), n->id) == 0) {
			dupg_announce_free(a); /* our own, looped back */
			n->received--;
			continue;
		}
		rc = dupg_region_receive(n->region, a, period_now(n));
		if (rc != 0) {
			n->rejected++;
			if (rc == DUPG_EEXISTS)
				n->rejected_replay++;
			else
				n->rejected_other++;
			fprintf(stderr, "dupg-sim: node %s: rejected a message from %s: %s\n", n->id, from,
				dupg_error_last());
			dupg_announce_free(a);
			continue;
		}
		{
			const char *url = dupg_announce_url(a);
			if (url != NULL && dupg_announce_leader(a))
				peer_url_set(n, dupg_announce_sender(a), url);
		}
		note_leader(n, period_now(n), "claim");
		dupg_announce_free(a);
	}
}

/* One period: heartbeat, election, what the role asks, the announcement. 1 when the node is done. */
static int step(struct node *n, uint64_t p)
{
	const char *leader;
	dupg_elect_result res;
	int rc;

	rc = dupg_region_heard(n->region, n->id, n->score, p);
	if (rc == 0)
		rc = dupg_region_elect(&res, n->region, p);
	if (rc != 0)
		return lib_fail(rc);
	note_leader(n, p, dupg_elect_result_name(res));
	if (n->fetching && node_job_done(&n->job) && finish_fetch(n) != 0)
		return -1;
	/* nobody acts before the region's membership has been stable for a while (everyone heard) */
	if (dupg_region_member_count(n->region) != n->members_seen) {
		n->members_seen = dupg_region_member_count(n->region);
		n->stable_since = p;
	}
	leader = dupg_region_leader(n->region);
	if (!n->rogue && !n->have && !n->fetching && p - n->stable_since >= n->settle && leader != NULL) {
		const char *url = peer_url(n, leader);
		if (am_leader(n))
			rc = start_fetch(n, NULL, NULL);
		else if (url != NULL && leader_has_newer(n, leader))
			rc = start_fetch(n, leader, url);
		if (rc != 0)
			return -1;
	}
	/* the virtual server serves its store once it holds the package (the rogue at once) */
	if ((n->rogue || (n->have && am_leader(n))) && n->vs.pid == 0) {
		char *dir = strdup(n->list), *db, *slash;
		if (dir == NULL)
			return -1;
		slash = strrchr(dir, '/');
		if (slash != NULL)
			*slash = '\0';
		db = malloc(strlen(dir) + sizeof("/.vs.db"));
		if (db != NULL)
			sprintf(db, "%s/.vs.db", slash != NULL ? dir : ".");
		rc = db != NULL ? node_serve_start(&n->vs, n->server_bin, slash != NULL ? dir : ".", db,
						   n->iface) : -1;
		free(db);
		free(dir);
		if (rc != 0)
			return -1;
		fprintf(stderr, "dupg-sim: node %s: serving its store at %s\n", n->id, n->vs.url);
	}
	if (announce(n, p) != 0)
		return -1;
	if (!n->rogue && n->have && n->announced_have > 0 && region_has_it(n, p))
		n->done_periods++;
	else
		n->done_periods = 0;
	/* one more period, so that the last announcement is heard */
	return n->done_periods >= 2;
}

static int report(struct node *n, uint64_t p, int done)
{
	json_object *o = json_object_new_object();
	const char *leader = dupg_region_leader(n->region);

	if (o == NULL) {
		cli_fail("node: out of memory");
		return 1;
	}
	json_object_object_add(o, "id", json_object_new_string(n->id));
	json_object_object_add(o, "region", json_object_new_int64(n->region_id));
	json_object_object_add(o, "score", json_object_new_int64(n->score));
	json_object_object_add(o, "done", json_object_new_boolean(done));
	json_object_object_add(o, "have", json_object_new_boolean(n->have));
	json_object_object_add(o, "leader", leader != NULL ? json_object_new_string(leader) : NULL);
	json_object_object_add(o, "epoch", json_object_new_int64((int64_t)dupg_region_epoch(n->region)));
	json_object_object_add(o, "source", n->source[0] != '\0' ? json_object_new_string(n->source) : NULL);
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)n->bytes));
	json_object_object_add(o, "failovers", json_object_new_int64((int64_t)n->failovers));
	json_object_object_add(o, "resumed", json_object_new_boolean(n->resumed));
	json_object_object_add(o, "fetch_failures", json_object_new_int64((int64_t)n->fetch_failures));
	json_object_object_add(o, "received", json_object_new_int64((int64_t)n->received));
	json_object_object_add(o, "rejected", json_object_new_int64((int64_t)n->rejected));
	json_object_object_add(o, "rejected_malformed", json_object_new_int64((int64_t)n->rejected_malformed));
	json_object_object_add(o, "rejected_replay", json_object_new_int64((int64_t)n->rejected_replay));
	json_object_object_add(o, "rejected_other", json_object_new_int64((int64_t)n->rejected_other));
	json_object_object_add(o, "periods", json_object_new_int64((int64_t)(p - n->start)));
	json_object_object_add(o, "served", json_object_new_boolean(n->vs.pid > 0));
	json_object_object_add(o, "version", n->pkg != NULL ? json_object_new_string(dupg_manifest_version(n->pkg)) : NULL);
	json_object_object_add(o, "elections", json_object_get(n->elections));
	json_object_object_add(o, "prune", json_object_get(n->prune));
	return stage_print_object(o);
}

static const char usage_text[] =
	"usage: dupg-sim node --id ID --region N --group ADDR:PORT --iface ADDR --resources R\n"
	"                     --period MS --server URL --store DIR --package PATH\n"
	"                     [--dead-after K] [--settle PERIODS] [--max-periods N]\n"
	"                     [--limit-rate BYTES/S] [--server-bin PROGRAM] [--no-fsync] [--rogue]\n"
	"Runs one node of region N on a real network. It joins the multicast group ADDR:PORT\n"
	"(239.x.y.z) on the interface address ADDR (127.0.0.x), and every period of MS\n"
	"milliseconds (numbered by the wall clock, so that the nodes agree) it elects the\n"
	"region's virtual server (dupg_region_elect: the alive member with the best score,\n"
	"then id; a member is dead after K missed periods, default 3) and sends its\n"
	"announcement (dupg_announce_encode: id, region, epoch, period, score, the latest\n"
	"version per hardware type of its store). Malformed and replayed messages are\n"
	"rejected and counted. R is CPU,MEMORY,STORAGE,BANDWIDTH_MBPS,LATENCY_MS,LOSS (shares\n"
	"in [0, 1], Mbit/s, ms) for dupg_score.\n"
	"DIR is the node's store: DIR/.list is its path list. Once the region's membership\n"
	"has not changed for --settle periods (default K), the virtual server downloads PATH\n"
	"(a task path, /v1/packages/NAME) from the management server URL, verified\n"
	"(dupg/fetch.h), installs it, and serves DIR with `PROGRAM --packages DIR` (default\n"
	"dupg-server) on ADDR, announcing its URL in the announcement's serving-URL field\n"
	"(dupg_announce_set_url). A member fetches from the virtual server once it\n"
	"announces a newer version for one of the member's hardware types, failing over\n"
	"to URL. A download is installed by the crash-safe prune of\n"
	"`dupg-sim prune --apply` (DIR/.new.list).\n"
	"The node ends when it holds the package and every alive member announced it, or\n"
	"after --max-periods (default 300), and prints one JSON line: id, region, score, done,\n"
	"have, leader, epoch, source (\"server\" or the virtual server's id), bytes,\n"
	"failovers, resumed, received, rejected (and rejected_malformed, rejected_replay,\n"
	"rejected_other), periods, served, version, elections\n"
	"[{period, leader, epoch, how}] and prune. The exit status is 0 when done.\n"
	"--limit-rate caps each download; --rogue (for tests) claims the highest score and\n"
	"serves DIR as it is, without downloading: whatever it holds.";

int cli_node(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "region", required_argument, NULL, 'r' },
		{ "group", required_argument, NULL, 'g' },
		{ "iface", required_argument, NULL, 'I' },
		{ "resources", required_argument, NULL, 'R' },
		{ "period", required_argument, NULL, 'p' },
		{ "server", required_argument, NULL, 's' },
		{ "store", required_argument, NULL, 'S' },
		{ "package", required_argument, NULL, 'P' },
		{ "dead-after", required_argument, NULL, 'k' },
		{ "settle", required_argument, NULL, 'w' },
		{ "max-periods", required_argument, NULL, 'm' },
		{ "limit-rate", required_argument, NULL, 'l' },
		{ "server-bin", required_argument, NULL, 'b' },
		{ "no-fsync", no_argument, NULL, 'n' },
		{ "rogue", no_argument, NULL, 'X' },
		{ NULL, 0, NULL, 0 },
	};
	dupg_region_options ro = DUPG_REGION_OPTIONS_INIT;
	struct node n;
	struct sigaction sa;
	const char *slash;
	uint64_t v, p = 0, last = 0;
	int c, rc = 0, done = 0, have_resources = 0, have_region = 0, settle_set = 0, status;

	if (stage_wants_help(argc, argv)) {
		puts(usage_text);
		return 0;
	}
	memset(&n, 0, sizeof(n));
	n.mc.fd = -1;
	n.vs.out = -1;
	n.period_ms = 0;
	n.dead_after = 3;
	n.max_periods = 300;
	n.server_bin = "dupg-server";
	stage_reset_getopt();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'i': n.id = optarg; break;
		case 'g': n.group = optarg; break;
		case 'I': n.iface = optarg; break;
		case 's': n.server = optarg; break;
		case 'S': n.store = optarg; break;
		case 'P': n.package = optarg; break;
		case 'b': n.server_bin = optarg; break;
		case 'n': n.no_fsync = 1; break;
		case 'X': n.rogue = 1; break;
		case 'r':
			if (parse_u64(&v, optarg, "--region", 0, UINT32_MAX) != 0)
				return 2;
			n.region_id = (uint32_t)v;
			have_region = 1;
			break;
		case 'R':
			if (parse_resources(&n.score, optarg) != 0)
				return 2;
			have_resources = 1;
			break;
		case 'p':
			if (parse_u64(&n.period_ms, optarg, "--period", 10, 3600000) != 0)
				return 2;
			break;
		case 'k':
			if (parse_u64(&n.dead_after, optarg, "--dead-after", 1, 1000) != 0)
				return 2;
			break;
		case 'w':
			if (parse_u64(&n.settle, optarg, "--settle", 0, 1000) != 0)
				return 2;
			settle_set = 1;
			break;
		case 'm':
			if (parse_u64(&n.max_periods, optarg, "--max-periods", 1, 1000000) != 0)
				return 2;
			break;
		case 'l':
			if (parse_u64(&n.limit_rate, optarg, "--limit-rate", 0, UINT64_MAX) != 0)
				return 2;
			break;
		default:
			return 2;
		}
	}
	if (optind < argc) {
		cli_fail("node: unexpected argument '%s' (see --help)", argv[optind]);
		return 2;
	}
	if (n.id == NULL || !have_region || n.group == NULL || n.iface == NULL || !have_resources ||
	    n.period_ms == 0 || n.server == NULL || n.store == NULL || n.package == NULL) {
		cli_fail("node: --id, --region, --group, --iface, --resources, --period, --server, --store "
			 "and --package are required (see --help)");
		return 2;
	}
	slash = strrchr(n.package, '/');
	if (slash == NULL ? n.package[0] == '\0' : slash[1] == '\0') {
		cli_fail("node: --package \"%s\": a task path ending in the package's file name is expected",
			 n.package);
		return 2;
	}
	if (!settle_set)
		n.settle = n.dead_after;
	if (n.rogue)
		n.score = DUPG_SCORE_MAX;
	ro.dead_after = n.dead_after;
	n.name = strdup(slash != NULL ? slash + 1 : n.package);
	n.list = malloc(strlen(n.store) + sizeof("/.list"));
	n.elections = json_object_new_array();
	if (n.name == NULL || n.list == NULL || n.elections == NULL) {
		cli_fail("node: out of memory");
		rc = 1;
		goto out;
	}
	sprintf(n.list, "%s/.list", n.store);
	rc = dupg_region_new(&n.region, n.region_id, &ro);
	if (rc != 0) {
		lib_fail(rc);
		rc = 1;
		goto out;
	}
	/* the id as the region takes it (heard again, in the first real period, by step()) */
	if (dupg_region_heard(n.region, n.id, n.score, 0) != 0) {
		cli_fail("node: --id \"%s\": %s", n.id, dupg_error_last());
		rc = 2;
		goto out;
	}
	if (node_mcast_open(&n.mc, n.group, n.iface) != 0 || reload_store(&n) != 0) {
		rc = 1;
		goto out;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	n.start = period_now(&n);
	last = n.start - 1;
	while (!stop_requested) {
		p = period_now(&n);
		if (p != last) {
			last = p;
			status = step(&n, p);
			if (status < 0) {
				rc = 1;
				break;
			}
			if (status > 0) {
				done = 1;
				break;
			}
			if (p - n.start >= n.max_periods)
				break;
		}
		receive_until(&n, (p + 1) * n.period_ms);
	}
	if (n.fetching) {
		/* a download still running at the bound: stop it and wait for it */
		node_job_cancel(&n.job);
		node_job_join(&n.job);
		node_job_clear(&n.job);
	}
	if (rc == 0)
		rc = report(&n, p, done) != 0 ? 1 : done ? 0 : 1;
out:
	node_serve_stop(&n.vs);
	node_mcast_close(&n.mc);
	dupg_region_free(n.region);
	dupg_manifest_free(n.pkg);
	node_versions_clear(&n.versions);
	json_object_put(n.elections);
	json_object_put(n.prune);
	for (v = 0; v < n.nurls; v++) {
		free(n.urls[v].id);
		free(n.urls[v].url);
	}
	free(n.fetched_from);
	free(n.last_leader);
	free(n.list);
	free(n.name);
	return rc;
}
