/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The helper C of the Python bindings: everything hand-written in C that the
 * SWIG interface (dupg.i and its concept files) calls. It is built with the
 * project's warnings; only SWIG's generated wrapper is not.
 *
 * - Every opaque library handle is held by a small struct (Manifest,
 *   PackageSet, ...) that becomes a Python class; the struct lets close()
 *   free the C side early and makes later calls raise instead of crash.
 * - Getters hand back plain Python values (str, int, list, dict), copied
 *   while the C object is alive, so nothing borrowed outlives its parent.
 * - A failing library call sets dupg_py_rc; the one %exception (errors.i)
 *   turns it into the dupg.Error subclass chosen by the code
 *   (dupg/errors.py), carrying dupg_error_last().
 * - Long library calls (packages, stores, path list files, big inputs) run
 *   without the GIL, touching no Python object meanwhile; every call on a
 *   handle holds a use of it (struct dupg_py_use), so another thread can
 *   neither free nor change a handle under it.
 * Everything else, the handle counter and the uses included, only changes
 * with the GIL held.
 */
#ifndef DUPG_PY_H
#define DUPG_PY_H

#ifndef PY_SSIZE_T_CLEAN
#define PY_SSIZE_T_CLEAN
#endif
#include <Python.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dupg.h"

/* ---- Errors (dupg_py.c) ------------------------------------------------ */

/*
 * Negative after a failed library call; checked by %exception. Per thread,
 * like the library's own error state, since a step callback runs Python code
 * that may let another thread call in.
 */
extern _Thread_local int dupg_py_rc;

#define DUPG_PY_FAILED(expr) ((dupg_py_rc = (expr)) < 0)
/* The same as a statement, when nothing follows the call. */
#define DUPG_PY_CALL(expr) ((void)(dupg_py_rc = (expr)))

/* Raise the dupg.Error subclass named cls (NULL: chosen by code). */
void dupg_py_raise(const char *cls, int code, const char *msg);
void dupg_py_errorf(const char *cls, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A Python value of the wrong type or shape: dupg.ArgumentError (also a TypeError). */
#define dupg_py_argerror(...) dupg_py_errorf("ArgumentError", DUPG_EINVAL, __VA_ARGS__)
#define dupg_py_nomem() dupg_py_errorf(NULL, DUPG_ENOMEM, "out of memory")
/* SWIG's own argument conversion failures, as dupg.ArgumentError. */
void dupg_py_swig_error(int code, const char *msg);
/* After every wrapped call: 1 when an exception is set (raising dupg_py_rc's). */
int dupg_py_check(void);

/* ---- Values in and out (dupg_py.c) ------------------------------------- */

/* Strings out: paths are bytes on disk, so undecodable bytes survive a round trip. */
PyObject *dupg_py_str(const char *s);
/* Strings in: str, bytes or os.PathLike to a bytes object (new reference). */
PyObject *dupg_py_bytes(PyObject *o, const char *what);
/* Take ownership of a new list item; NULL item: drop the list. */
PyObject *dupg_py_set(PyObject *list, size_t i, PyObject *item);
/* Store item in dict under key, consuming the reference; 0 or -1. */
int dupg_py_put(PyObject *dict, const char *key, PyObject *item);
/* n C strings as a list of str. */
PyObject *dupg_py_str_list(char *const *v, size_t n);

/* A sequence of strings as a C array; the bytes objects are kept alive in keep. */
struct dupg_py_strv {
	const char **v;
	size_t n;
	PyObject *keep;
};
int dupg_py_strv_init(struct dupg_py_strv *sv, PyObject *seq, int allow_none, const char *what);
void dupg_py_strv_clear(struct dupg_py_strv *sv);

/*
 * Call fn for each (key, value) of a mapping, or of an iterable of
 * two-item sequences. 0 or -1 with an exception set.
 */
int dupg_py_each_pair(PyObject *obj, const char *what,
		      int (*fn)(void *ctx, PyObject *key, PyObject *value), void *ctx);

/* Python index (negative counts from the end) to a C index, or -1 with OutOfRangeError. */
long dupg_py_index(long i, size_t count, const char *what);

/* ---- Handles and their uses (dupg_py.c) -------------------------------- */

/*
 * How calls use a handle, so that no call frees or changes a handle another
 * call is working on: one running without the GIL, or one running Python
 * code meanwhile (a callback, or a finalizer run by the garbage collector)
 * that lets another thread in. Every call on a handle holds a use of it from
 * its argument checks to its end (the check and freearg typemaps). While a
 * use is held, close() and the calls that change the handle raise
 * BusyError; while a call changes a handle without the GIL, so does every
 * other call on it. A handle whose Python object goes while in use is freed
 * when its last use ends. Read and written with the GIL held only.
 */
struct dupg_py_use {
	unsigned int calls;  /* calls using the handle */
	bool changing;       /* one of them changes it */
	bool doomed;         /* its Python object went: free at the last use's end */
};

/* Holders. h is NULL once closed. */
typedef struct { dupg_manifest *h; struct dupg_py_use use; } Manifest;
typedef struct { dupg_pkgset *h; struct dupg_py_use use; } PackageSet;
typedef struct { dupg_sysvd *h; struct dupg_py_use use; } SystemDescription;
typedef struct { dupg_config *h; struct dupg_py_use use; } Configuration;
typedef struct { dupg_pathlist *h; struct dupg_py_use use; } PathList;
typedef struct { dupg_prune *h; struct dupg_py_use use; } Prune;
typedef struct { dupg_store *h; struct dupg_py_use use; } Store;

/* A topology is shared by its Python object and by every plan made from it
 * (plans borrow its device ids), so it goes when the last of them does. */
struct dupg_py_topo {
	dupg_topology *t;
	unsigned int refs;
	bool checked;  /* dupg_topology_check() passed since the last change */
	unsigned int txns; /* transactions running a plan of it: it must not change meanwhile */
};
typedef struct { struct dupg_py_topo *h; struct dupg_py_use use; } Topology;
typedef struct { dupg_plan *h; struct dupg_py_topo *topo; struct dupg_py_use use; } Plan;
typedef struct { dupg_rollout *h; struct dupg_py_use use; } Rollout;
typedef struct { dupg_trust *h; struct dupg_py_use use; } Trust;

/*
 * A fetch (fetch.i, dupg_py_fetch.c): its callables, the outcomes of its last
 * run as Python dicts, the exception its progress callback raised, and what
 * its verify callback said when it refused a package.
 */
typedef struct {
	dupg_fetch *h;
	struct dupg_py_use use;
	PyObject *progress, *verify, *outcomes;
	PyObject *exc[3];
	int failed;
	bool running;
	char refused[1024];
} Fetch;
Fetch *dupg_py_fetch_new(PyObject *opts);
void dupg_py_close_Fetch(Fetch *holder);
void dupg_py_drop_Fetch(Fetch *holder);
void dupg_py_destroy_Fetch(Fetch *holder);
PyObject *dupg_py_fetch_run(Fetch *self, PyObject *dir, PyObject *paths, PyObject *servers);
void dupg_py_fetch_cancel(Fetch *self);
PyObject *dupg_py_fetch_outcomes(Fetch *self);
PyObject *dupg_py_fetch_bytes(Fetch *self);
PyObject *dupg_py_nearness(const char *own, const char *server);
PyObject *dupg_py_rank(const char *own, PyObject *servers);
typedef struct { dupg_partition *h; struct dupg_py_use use; } Partition;
typedef struct { dupg_region *h; struct dupg_py_use use; } Region;

/* A rollout's plain values: the library's structs themselves, copied in and out. */
typedef dupg_wave_tally WaveTally;
typedef dupg_rollout_status RolloutStatus;

/*
 * A transaction holds a use of each of its plans for its whole life (so
 * close() on one raises BusyError and its C side outlives its Python
 * object) and counts itself in their topologies (which refuse changes
 * meanwhile), as dupg/txn.h asks: the plans and topologies it borrows stay
 * as they were. jf is its file journal, when it has one.
 */
typedef struct {
	dupg_txn *h;
	struct dupg_py_use use;
	Plan **plans;
	size_t nplans;
	dupg_txn_file *jf;
	char *journal;
	bool no_fsync;
} Transaction;

/* The library handle of a holder, for the typemaps; NULL once closed. */
#define DUPG_PY_HANDLE(holder) ((holder)->h)
#define DUPG_PY_TOPOLOGY(holder) ((holder)->h == NULL ? NULL : (holder)->h->t)

/*
 * For each holder type: dupg_py_hold_Manifest(h) makes a new holder that owns
 * h from now on (NULL, h freed and an exception set, when out of memory);
 * dupg_py_close_Manifest() is close() (BusyError while in use);
 * dupg_py_drop_Manifest() frees everything; dupg_py_destroy_Manifest() is
 * the destructor, which leaves the freeing to the last use when there is one.
 */
#define DUPG_PY_HOLDER_DECL(Type, ctype) \
	Type *dupg_py_hold_##Type(ctype *h); \
	void dupg_py_close_##Type(Type *holder); \
	void dupg_py_drop_##Type(Type *holder); \
	void dupg_py_destroy_##Type(Type *holder)
DUPG_PY_HOLDER_DECL(Manifest, dupg_manifest);
DUPG_PY_HOLDER_DECL(PackageSet, dupg_pkgset);
DUPG_PY_HOLDER_DECL(SystemDescription, dupg_sysvd);
DUPG_PY_HOLDER_DECL(Configuration, dupg_config);
DUPG_PY_HOLDER_DECL(PathList, dupg_pathlist);
DUPG_PY_HOLDER_DECL(Prune, dupg_prune);
DUPG_PY_HOLDER_DECL(Store, dupg_store);
DUPG_PY_HOLDER_DECL(Topology, dupg_topology);
DUPG_PY_HOLDER_DECL(Plan, dupg_plan);
DUPG_PY_HOLDER_DECL(Rollout, dupg_rollout);
DUPG_PY_HOLDER_DECL(Trust, dupg_trust);
DUPG_PY_HOLDER_DECL(Partition, dupg_partition);
DUPG_PY_HOLDER_DECL(Region, dupg_region);

void dupg_py_close_Transaction(Transaction *holder);
void dupg_py_drop_Transaction(Transaction *holder);
void dupg_py_destroy_Transaction(Transaction *holder);

/* A plan made from topology c, which it keeps alive. */
Plan *dupg_py_hold_plan_of(dupg_plan *p, struct dupg_py_topo *c);
/* Library handles alive; lets the tests see the C side go with the object. */
long dupg_py_live_handles(void);
/* A holder outside dupg_py.c took (1) or let go of (-1) a library handle. */
void dupg_py_live_add(long delta);

/* A call starts using a handle: 0, or -1 with an exception (None, closed, busy). */
#define DUPG_PY_ENTER(holder, type) \
	dupg_py_enter((holder) == NULL ? NULL : &(holder)->use, \
		      (holder) == NULL || (holder)->h == NULL, (type))
int dupg_py_enter(struct dupg_py_use *u, bool closed, const char *type);
/* The call ends: true when the handle must be freed now (its object went). */
bool dupg_py_leave(struct dupg_py_use *u);
/* 0 when at most `mine` calls (the caller's own uses) use the handle and none changes it, else -1 (BusyError). */
int dupg_py_alone(const struct dupg_py_use *u, unsigned int mine, const char *type);
/* A call that uses a handle is about to change it: 0 or -1 (BusyError). */
int dupg_py_change_begin(struct dupg_py_use *u, const char *type);
void dupg_py_change_end(struct dupg_py_use *u);

/*
 * Whether a method of a holder needs it open: all but the destructor,
 * close() and _open(). Inlined so that the compiler answers it for each
 * wrapper's constant name.
 */
static inline __attribute__((always_inline)) int dupg_py_needs_open(const char *symname)
{
	size_t n = strlen(symname);

	return strncmp(symname, "delete_", 7) != 0 &&
	       !(n > 6 && strcmp(symname + n - 6, "_close") == 0) &&
	       !(n > 6 && strcmp(symname + n - 6, "__open") == 0);
}

/* ---- The GIL ----------------------------------------------------------- */

/*
 * Long library calls run without the GIL: other Python threads go on
 * meanwhile. Nothing Python is touched between the two; the library's error
 * state is per thread, so %exception still reads this call's message.
 */
static inline PyThreadState *dupg_py_unlock(void)
{
	return PyEval_SaveThread();
}

static inline void dupg_py_relock(PyThreadState *ts)
{
	PyEval_RestoreThread(ts);
}

/*
 * Computations (no file is read) run without the GIL only from these sizes
 * on: below them a call takes a few microseconds, less than handing the GIL
 * over and taking it back costs when other threads want it.
 */
#define DUPG_PY_NOGIL_TYPES 256          /* hardware types of a matched site */
#define DUPG_PY_NOGIL_DEVICES 256        /* devices merged */
#define DUPG_PY_NOGIL_ENTRIES 4096       /* path list entries pruned */
#define DUPG_PY_NOGIL_JSON (16 * 1024)   /* bytes of JSON parsed */

/* The same, for a call that may or may not be worth it (NULL: the GIL is kept). */
static inline PyThreadState *dupg_py_unlock_if(bool worth)
{
	return worth ? PyEval_SaveThread() : NULL;
}

static inline void dupg_py_relock_if(PyThreadState *ts)
{
	if (ts != NULL)
		PyEval_RestoreThread(ts);
}

/* ---- Manifests and packages (dupg_py_manifest.c, dupg_py_package.c) ---- */

Manifest *dupg_py_manifest_new(const char *name, const char *version,
			       const char *const *hw, size_t hw_count);
Manifest *dupg_py_manifest_from_package(const char *path, bool verify);
PyObject *dupg_py_manifest_hw(const dupg_manifest *m);
PyObject *dupg_py_manifest_files(const dupg_manifest *m);
void dupg_py_manifest_add_file(Manifest *self, const char *path, uint64_t size,
			       PyObject *xxh128);

Manifest *dupg_py_build_package(const char *out_path, const char *name, const char *version,
				const char *const *hw, size_t hw_count,
				const char *const *sources, size_t source_count,
				const char *const *install_paths, size_t install_count,
				const char *format, const char *build_time,
				const char *vendor, bool no_fsync, uint64_t security_version,
				const char *applies_min, const char *applies_max,
				const char *summary, const char *expires,
				const char *const *sign_keys, size_t sign_key_count,
				PyObject *modes, bool record_modes, PyObject *progress);
PyObject *dupg_py_file_xxh128(const char *path);

/* ---- Device and system descriptions (dupg_py_vd.c) --------------------- */

/* Device descriptions from a sequence of mappings {"id", "hw", "version", "parent", "duration_s"}. */
struct dupg_py_devices {
	dupg_device_vd *v;
	const char **parent;
	size_t n;
	PyObject *keep;
};
int dupg_py_devices_init(struct dupg_py_devices *d, PyObject *seq);
void dupg_py_devices_clear(struct dupg_py_devices *d);

SystemDescription *dupg_py_sysvd_new(PyObject *devices);
void dupg_py_sysvd_add(SystemDescription *self, const char *id, const char *hw,
		       const char *version, uint32_t duration_s);
PyObject *dupg_py_sysvd_hw_types(const dupg_sysvd *s);
PyObject *dupg_py_sysvd_versions(const dupg_sysvd *s, const char *hw);
PyObject *dupg_py_sysvd_lowest_version(const dupg_sysvd *s, const char *hw);

/* ---- Package sets and matching (dupg_py_match.c) ----------------------- */

PackageSet *dupg_py_pkgset_new(void);
void dupg_py_pkgset_add_manifest(PackageSet *self, const char *path, const dupg_manifest *m);
void dupg_py_pkgset_add_package(PackageSet *self, const char *path, bool verify);
PyObject *dupg_py_pkgset_packages(const dupg_pkgset *set);
PyObject *dupg_py_pkgset_best(const dupg_pkgset *set, const char *hw);
PyObject *dupg_py_match(const dupg_pkgset *set, const dupg_sysvd *site);

/* ---- Configurations (dupg_py_configuration.c) -------------------------- */

Configuration *dupg_py_config_new(PyObject *mapping);
/* A copy of c in a new holder. */
Configuration *dupg_py_config_copy(const dupg_config *c);
PyObject *dupg_py_config_get(const dupg_config *c, const char *hw);
PyObject *dupg_py_config_items(const dupg_config *c);

/* ---- Path lists and prunes (dupg_py_pathlist.c, dupg_py_prune.c) ------- */

PathList *dupg_py_pathlist_new(PyObject *entries);
void dupg_py_pathlist_save(const dupg_pathlist *l, const char *list_file, bool no_fsync);
PyObject *dupg_py_pathlist_item(const dupg_pathlist *l, long i);
long dupg_py_pathlist_index(const dupg_pathlist *l, const char *path);
PyObject *dupg_py_pathlist_paths(const dupg_pathlist *l, bool resolved);
PyObject *dupg_py_pathlist_hw(const dupg_pathlist *l, long i);
PyObject *dupg_py_pathlist_entries(const dupg_pathlist *l);
Prune *dupg_py_pathlist_prune(const dupg_pathlist *first, const dupg_pathlist *downloaded,
			      size_t keep);

/* The prune options for keep: None (0) for the minimal rule, else the N latest. */
void dupg_py_prune_options(dupg_prune_options *o, size_t keep);
PyObject *dupg_py_prune_paths(const dupg_prune *p, const char *which);
PyObject *dupg_py_prune_indexes(const dupg_prune *p, const char *which);
PathList *dupg_py_prune_pathlist(const dupg_prune *p, const char *which);
Configuration *dupg_py_prune_config(const dupg_prune *p, const char *which);

/* ---- Stores (dupg_py_store.c) ------------------------------------------ */

Store *dupg_py_store_open(const char *list_file, double wait);
PyObject *dupg_py_store_recover(const char *list_file, bool no_fsync, double wait);
PyObject *dupg_py_store_paths(const dupg_store *s);
size_t dupg_py_store_count(const dupg_store *s);
Configuration *dupg_py_store_config(const dupg_store *s);
Prune *dupg_py_store_prune(Store *self, PyObject *new_paths, bool apply, size_t keep,
			   bool no_fsync, PyObject *on_step, double wait, const dupg_trust *trust,
			   PyObject *now, PyObject *verified);
PyObject *dupg_py_store_rollback(Store *self, bool no_fsync, PyObject *on_step, double wait);

/* ---- Topologies and plans (dupg_py_topology.c, dupg_py_plan.c) --------- */

Topology *dupg_py_topology_new(PyObject *devices);
void dupg_py_topology_add(Topology *self, const char *id, const char *hw, const char *version,
			  const char *parent, uint32_t duration_s);
PyObject *dupg_py_topology_devices(struct dupg_py_topo *c);
PyObject *dupg_py_topology_device(struct dupg_py_topo *c, const char *id);
PyObject *dupg_py_topology_master(struct dupg_py_topo *c);
void dupg_py_topology_set_version(Topology *self, const char *id, const char *version);
Plan *dupg_py_plan_upgrade(struct dupg_py_topo *c, const dupg_config *current,
			   const dupg_config *wanted);

Plan *dupg_py_plan_rollback(const Plan *self);
PyObject *dupg_py_plan_steps(const dupg_plan *p);
PyObject *dupg_py_plan_switch_order(const dupg_plan *p);

/* ---- Transactions (dupg_py_txn.c) -------------------------------------- */

/*
 * A transaction over plans[0..nplans), names and versions being sequences
 * of as many entries (None, or a name; None, or a list of the version each
 * step installs). journal: a file journal at that path (NULL: none); resume:
 * continue the transaction from it (dupg_txn_resume_file()).
 */
Transaction *dupg_py_txn_new(Plan **plans, size_t nplans, PyObject *names, PyObject *versions,
			     size_t parallel, double timeout_factor, uint64_t timeout_floor_ms,
			     const char *journal, bool no_fsync, bool replace_only, bool resume);
/* Every action that can start now (dupg_txn_next() until it gives none, or DONE), as dicts. */
PyObject *dupg_py_txn_next(Transaction *self, uint64_t now_ms);
/* dupg_txn_feed(): "taken", "duplicate" or "late". */
PyObject *dupg_py_txn_feed(Transaction *self, const char *kind, size_t device, const char *version,
			   int slot, const char *detail, uint64_t now_ms);
void dupg_py_txn_abort(Transaction *self, const char *detail, uint64_t now_ms);
PyObject *dupg_py_txn_device(const dupg_txn *t, long d);
PyObject *dupg_py_txn_cause(const dupg_txn *t);
PyObject *dupg_py_txn_counts(const dupg_txn *t);
PyObject *dupg_py_txn_snapshot(const dupg_txn *t);
/* The transaction index of member's device id; NotFoundError when none. */
PyObject *dupg_py_txn_find(const dupg_txn *t, size_t member, const char *id);
void dupg_py_txn_remove_journal(Transaction *self);

/* ---- Signatures and trust stores (dupg_py_trust.c) -------------------- */

Trust *dupg_py_trust_new(void);
Trust *dupg_py_trust_load_dir(const char *dir);
/* The key ids of the store, a list of str. */
PyObject *dupg_py_trust_key_ids(const dupg_trust *t);
/* Generate a key pair; its key id, a str. */
PyObject *dupg_py_key_generate(const char *private_path, const char *public_path);
/* The key id of a key file, a str. */
PyObject *dupg_py_key_id(const char *path);
/*
 * Verify a package under trust (NULL: no signature required) at time now
 * (None: the clock, False: no expiry check, an int: seconds since the
 * epoch); payload false reads the head only.
 */
Manifest *dupg_py_verify_ext(const char *path, const dupg_trust *trust, PyObject *now, bool payload,
			     PyObject *progress);
/*
 * A progress callback (dupg_progress_cb) of a call running without the GIL:
 * fn(done, total, file) runs with the GIL taken back; a true result or an
 * exception stops the call (the exception stays set, dupg_py_check() then
 * raises it; dupg.verify() and dupg.build_package() turn it into AbortedError).
 */
struct dupg_py_progress_ctx {
	PyObject *fn;
	PyThreadState *ts;
};
int dupg_py_progress(uint64_t done, uint64_t total, const char *file, void *payload);
/* A dupg_verify_options.now from None, False or an int: 0, or -1 with BadInputError. */
int dupg_py_verify_now(int64_t *out, PyObject *now);

/* ---- Rollouts (dupg_py_rollout.c) ------------------------------------- */

/* waves: a str ("0.01,0.1,1", dupg_rollout_new_text()) or a sequence of fractions. */
Rollout *dupg_py_rollout_new(PyObject *waves, double threshold);
/* The cumulative fractions of the waves, as a tuple of float. */
PyObject *dupg_py_rollout_waves(const dupg_rollout *r);
/* The value dupg_site_state_parse() / dupg_rollout_state_parse() gives name, or -1 with BadInputError. */
long dupg_py_site_state_parse(const char *name);
long dupg_py_rollout_state_parse(const char *name);
/* Whether the site state named name is final; BadInputError for an unknown name. */
bool dupg_py_site_state_final(const char *name);
/* A tally with these counts (NULL and an exception when out of memory). */
WaveTally *dupg_py_tally_new(size_t sites, size_t current, size_t finished, size_t failed);
/* dupg_wave_tally_add() with the state by name. */
void dupg_py_tally_add(WaveTally *t, const char *state, size_t n);
/* A status in state (by name) with waves 0 .. open-1 open; halted: halted_wave is set. */
RolloutStatus *dupg_py_status_new(const char *state, size_t open, bool halted, size_t halted_wave);
/* The halted wave, or None (DUPG_NONE). */
PyObject *dupg_py_status_halted_wave(const RolloutStatus *st);
/*
 * dupg_rollout_step() on a copy of st: the new status (a new object). tallies:
 * one per wave of r, ntallies of them.
 */
RolloutStatus *dupg_py_rollout_step(const dupg_rollout *r, const RolloutStatus *st,
				    const WaveTally *tallies, size_t ntallies);

/* ---- Regions (dupg_py_region.c) --------------------------------------- */

/* dupg_score() with weights a dict of the options' fields (or None); an int. */
PyObject *dupg_py_score(double cpu, double memory, double storage, double bandwidth_mbps,
			double latency_ms, double loss, PyObject *weights);
/* pool: a sequence of str. */
Partition *dupg_py_partition_new(size_t planned, size_t max_per_region, PyObject *pool);
/* The region the next node goes to (0 with an exception on failure). */
size_t dupg_py_partition_join(dupg_partition *p, unsigned long long score);
/* Region r's address, arrival i's region, the arrival R holds for r (None when not open). */
PyObject *dupg_py_partition_address(const dupg_partition *p, long r);
PyObject *dupg_py_partition_region_of(const dupg_partition *p, long i);
PyObject *dupg_py_partition_best_node(const dupg_partition *p, long r);
Region *dupg_py_region_new(unsigned long long id, unsigned long long dead_after);
void dupg_py_region_heard(dupg_region *r, const char *id, unsigned long long score,
			  unsigned long long period);
/* Decode data (a bytes-like object) and dupg_region_receive() it. */
void dupg_py_region_receive(dupg_region *r, PyObject *data, unsigned long long now);
bool dupg_py_region_claim(dupg_region *r, const char *id, unsigned long long score,
			  unsigned long long epoch);
/* The result's name (static), NULL with an exception on failure. */
const char *dupg_py_region_elect(dupg_region *r, unsigned long long period);
/* The value dupg_elect_result_parse() gives name, or -1 with BadInputError. */
long dupg_py_elect_result_parse(const char *name);
PyObject *dupg_py_region_members(const dupg_region *r);
/* Member id's score, alive, version for hw; NotFoundError when id is not a member. */
PyObject *dupg_py_region_member_score(const dupg_region *r, const char *id);
bool dupg_py_region_alive(const dupg_region *r, const char *id, unsigned long long period);
PyObject *dupg_py_region_version(const dupg_region *r, const char *id, const char *hw);
/* min, max: str or None (no bound). */
size_t dupg_py_region_needs(const dupg_region *r, const char *hw, const char *version,
			    PyObject *min, PyObject *max);
/* The announcement as bytes; versions a dict of hardware type to version (or None). */
PyObject *dupg_py_announce_encode(const char *sender, unsigned long long region,
				  unsigned long long epoch, unsigned long long period,
				  unsigned long long score, bool leader, PyObject *versions,
				  const char *url);
/* The announcement in data (a bytes-like object) as a dict. */
PyObject *dupg_py_announce_decode(PyObject *data);

#endif
