/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file dupg/txn.h
 * @brief The linked upgrade as a durable two-phase transaction over one or
 *        more plans, driven by any controller (sans-I/O core; a file journal).
 *
 * A transaction runs the plans of one or more *members* (a site, or a system
 * such as the MSC Server and the UMG of a linked upgrade) as one unit: every
 * device of every member ends on its new version, or every device on its old
 * one. It never sends a message and never reads a clock: the controller
 * feeds it what its devices answered (dupg_txn_feed()) and the current time
 * on its own clock, in milliseconds, and asks what to do next
 * (dupg_txn_next()); it performs the actions, by whatever transport it has,
 * and feeds the answers back.
 *
 * **Devices.** The transaction's devices are the steps of its plans, member
 * after member: device g is step g - first of the member that holds it.
 * dupg_txn_find() turns (member, device id) into that index.
 *
 * **Phase 1, prepare** (::DUPG_TXN_PREPARE). Devices start in dispatch order
 * (a HUB before the devices behind it), at most `parallel` at a time: a
 * package the master sends is sent (::DUPG_TXN_ACT_SEND, with its route),
 * then staged into the device's inactive slot (::DUPG_TXN_ACT_STAGE).
 * The *commit point* is reached when every device of every member staged,
 * and only then.
 *
 * **Phase 2, commit** (::DUPG_TXN_COMMIT). Devices switch to their new slot
 * (::DUPG_TXN_ACT_SWITCH) in dupg_plan_switch_order() of their member: a
 * device only once every device of the plan behind it has switched, so the
 * deepest first and each master last (with `parallel` = 1, exactly that
 * order, member after member). When every device has switched, each runs its
 * health check (::DUPG_TXN_ACT_CHECK). The transaction is committed when
 * every device is healthy on its new version, and never before.
 *
 * **All or nothing.** Any failure or timeout before the commit point
 * (::DUPG_TXN_ABORT) abandons every staged slot (::DUPG_TXN_ACT_ABANDON):
 * no device is ever told to switch. Any failure after it (::DUPG_TXN_REVERT)
 * switches back (::DUPG_TXN_ACT_SWITCH_BACK) every device that switched or
 * may have, in the reverse order (a device only once every device of the
 * plan in front of it is back: the masters first), and abandons the slots of
 * the others. The result is rolled back, with its cause (dupg_txn_cause_get():
 * device, kind, detail). A device that reports its old version after being
 * told to switch (a boot fallback) is that device's failure
 * (::DUPG_TXN_FAIL_FALLBACK); it is switched back with the others all the
 * same (a no-op on a device that runs its old slot). A device that cannot switch back ends in
 * ::DUPG_TXN_DEV_BACK_FAILED and the outcome is
 * ::DUPG_TXN_ROLLBACK_INCOMPLETE: it is never counted as rolled back.
 *
 * **What a device must do.** Answer each action with one event (abandon
 * needs none; a query is answered by a report), and take every action more
 * than once without harm: a switch
 * to the slot it already runs answers "switched", a switch back when it runs
 * its old slot answers "switched back", an abandon with nothing staged does
 * nothing. After a master crash the transaction repeats the actions whose
 * answers it had not recorded, so this is what makes resuming safe.
 *
 * **Timeouts.** Each action but abandon is answered by its deadline:
 * `timeout_floor_ms + timeout_factor * duration_s * 1000` milliseconds after
 * it was handed out, duration_s being the device's expected upgrade duration
 * (dupg_device_vd), at most 2^32 - 1 ms (49 days). A deadline is passed when
 * a call's `now` reaches it; the device then fails (timed_out set).
 * dupg_txn_wake() says when to look again.
 *
 * **Events that do not fit.** An event for an unknown device gets
 * ::DUPG_ENOTFOUND; one that answers an action the device was never given
 * ::DUPG_EINVAL; a second, different answer to an action already answered
 * ::DUPG_EEXISTS; in each case nothing changes. Harmless events say so
 * without an error: ::DUPG_TXN_DUPLICATE for a repeat of an answer already
 * taken (or a report of what is already known), ::DUPG_TXN_LATE for an
 * answer the transaction no longer waits for (the action timed out, or was
 * cancelled by a rollback). They change nothing either.
 *
 * **Durable.** Every change of state is handed to the journal sink (the
 * options' `journal`) before any action it allows is handed out; a sink that
 * refuses (returns non-zero) stops the transaction right there, as a crash
 * would. After a crash, dupg_txn_resume() (or dupg_txn_resume_file()) reads
 * the journal and continues:
 * - before the commit point, it rolls back (cause ::DUPG_TXN_FAIL_INTERRUPTED):
 *   no device was ever told to switch, so abandoning the staged slots is all;
 * - after it, it asks each device whose switch was not answered what it runs
 *   (::DUPG_TXN_ACT_QUERY; the report decides: switched, or to switch), runs
 *   again the checks not answered, and finishes; if a check then fails, it
 *   rolls back what switched;
 * - during a rollback, it repeats the switch backs and abandons not recorded
 *   as done, and switches back every device whose switch was not answered;
 * - after the end, it reports the outcome the journal holds.
 * Reports of what the devices run (::DUPG_TXN_EV_REPORT) are also taken
 * unasked, at any time. They are believed when they add work (a device found
 * on its new version early must switch back), never to drop it: a device
 * told to switch is switched back in a rollback whatever it reports, because
 * a report made before the switch reached it says "old" too (such a report
 * arriving after the switch was handed out reads as a boot fallback: safe,
 * but it rolls back; feed reports made after the device's last action, such
 * as the answer to a query). Once the transaction has
 * ended, no device runs its new version while another runs its old one
 * (a device that could not switch back is the only exception, and it is
 * reported).
 *
 * **With the store.** The transaction does not touch the master's store. When
 * it ends ::DUPG_TXN_ROLLED_BACK (or ::DUPG_TXN_ROLLBACK_INCOMPLETE), the
 * controller calls dupg_store_rollback() on the store of every member whose
 * plan came from a dupg_store_prune(): the group runs its rollback
 * configuration again, and the failed download leaves the store. When it ends
 * ::DUPG_TXN_COMMITTED, nothing more is needed: the prune already made the
 * latest configuration the store's list. Remove the transaction's journal
 * (dupg_txn_file_remove()) only after that: a crash in between resumes to the
 * same outcome, and dupg_store_rollback() may run twice.
 *
 * **A controller's loop**, in outline:
 * @code
 * dupg_txn_options o = DUPG_TXN_OPTIONS_INIT;
 * dupg_txn_member m = { plan, "site-1", NULL };
 * dupg_txn_file *jf;
 * dupg_txn_action act[64];
 * size_t n, i;
 * dupg_txn *t;
 *
 * dupg_txn_file_open(&jf, "/var/lib/upgrade/txn.journal", NULL);
 * o.journal = dupg_txn_file_write;
 * o.journal_payload = jf;
 * o.parallel = 16;
 * if (dupg_txn_resume_file(&t, &m, 1, "/var/lib/upgrade/txn.journal", &o) == DUPG_ENOTFOUND)
 *         dupg_txn_new(&t, &m, 1, &o);
 * for (;;) {
 *         if (dupg_txn_next(t, clock_ms(), act, 64, &n) != 0)
 *                 break;                                  // the journal failed: restart
 *         for (i = 0; i < n && act[i].kind != DUPG_TXN_ACT_DONE; i++)
 *                 perform(&act[i]);                       // your transport
 *         if (i < n)
 *                 break;                                  // act[i].outcome says how it ended
 *         if (n == 0) {                                   // nothing can start: wait
 *                 dupg_txn_event ev = DUPG_TXN_EVENT_INIT;
 *                 if (wait_answer(&ev, dupg_txn_wake(t)))  // your transport, until the wake time
 *                         dupg_txn_feed(t, &ev, clock_ms());
 *         }
 * }
 * @endcode
 *
 * A transaction handle is not thread-safe: use it from one thread at a time.
 * The callbacks must not call dupg_txn_feed(), dupg_txn_next() or
 * dupg_txn_abort() on the transaction that calls them.
 */
#ifndef DUPG_TXN_H
#define DUPG_TXN_H

#include "apply.h"
#include "common.h"
#include "plan.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Where the whole transaction is. */
typedef enum {
	DUPG_TXN_PREPARE = 0, /**< phase 1: sending and staging; the commit point not reached */
	DUPG_TXN_COMMIT = 1,  /**< phase 2: every device staged; switching, then health checks */
	DUPG_TXN_ABORT = 2,   /**< rolling back before the commit point: staged slots abandoned */
	DUPG_TXN_REVERT = 3,  /**< rolling back after it: switched devices switch back */
	DUPG_TXN_DONE = 4     /**< ended; dupg_txn_outcome_get() says how */
} dupg_txn_phase;

/** @return "prepare", "commit", "abort", "revert" or "done" (static); "unknown" out of range */
DUPG_EXTERN(const char *) dupg_txn_phase_name(dupg_txn_phase phase);
/** The phase dupg_txn_phase_name() spells as name. @return 0 or ::DUPG_EINVAL */
DUPG_EXTERN(int) dupg_txn_phase_parse(dupg_txn_phase *out, const char *name);

/** How the transaction ended. */
typedef enum {
	DUPG_TXN_RUNNING = 0,             /**< not ended yet */
	DUPG_TXN_COMMITTED = 1,           /**< every device is healthy on its new version */
	DUPG_TXN_ROLLED_BACK = 2,         /**< every device is back on its old version */
	DUPG_TXN_ROLLBACK_INCOMPLETE = 3  /**< rolled back, except the devices in ::DUPG_TXN_DEV_BACK_FAILED */
} dupg_txn_outcome;

/** @return "running", "committed", "rolled_back" or "rollback_incomplete" (static); "unknown" out of range */
DUPG_EXTERN(const char *) dupg_txn_outcome_name(dupg_txn_outcome outcome);
/** The outcome dupg_txn_outcome_name() spells as name. @return 0 or ::DUPG_EINVAL */
DUPG_EXTERN(int) dupg_txn_outcome_parse(dupg_txn_outcome *out, const char *name);

/** Where one device is. */
typedef enum {
	DUPG_TXN_DEV_PENDING = 0,        /**< not started (a rolled-back transaction may leave it so: untouched) */
	DUPG_TXN_DEV_SENDING = 1,        /**< its package is on its way (answered or not: "sent" leads to staging) */
	DUPG_TXN_DEV_STAGING = 2,        /**< told to stage its package into its inactive slot */
	DUPG_TXN_DEV_STAGED = 3,         /**< staged: ready to switch; still runs its old version */
	DUPG_TXN_DEV_SWITCHING = 4,      /**< told to switch; it may run either slot until it answers */
	DUPG_TXN_DEV_SWITCHED = 5,       /**< runs (or may run) its new slot; health not checked */
	DUPG_TXN_DEV_CHECKING = 6,       /**< runs its new slot; health check under way */
	DUPG_TXN_DEV_HEALTHY = 7,        /**< healthy on its new version */
	DUPG_TXN_DEV_ABANDONED = 8,      /**< runs its old version; its staged slot abandoned */
	DUPG_TXN_DEV_SWITCHING_BACK = 9, /**< told to switch back to its old slot */
	DUPG_TXN_DEV_SWITCHED_BACK = 10, /**< back on its old version */
	DUPG_TXN_DEV_BACK_FAILED = 11    /**< could not switch back: it may still run its new version */
} dupg_txn_state;

/** Number of device states (for arrays indexed by ::dupg_txn_state). */
#define DUPG_TXN_DEV_STATES 12

/**
 * @return "pending", "sending", "staging", "staged", "switching", "switched",
 *         "checking", "healthy", "abandoned", "switching_back", "switched_back"
 *         or "back_failed" (static); "unknown" out of range
 */
DUPG_EXTERN(const char *) dupg_txn_state_name(dupg_txn_state state);
/** The state dupg_txn_state_name() spells as name. @return 0 or ::DUPG_EINVAL */
DUPG_EXTERN(int) dupg_txn_state_parse(dupg_txn_state *out, const char *name);

/** What went wrong with a device, or why the transaction rolled back. */
typedef enum {
	DUPG_TXN_FAIL_NONE = 0,        /**< nothing */
	DUPG_TXN_FAIL_SEND = 1,        /**< its package could not be sent */
	DUPG_TXN_FAIL_STAGE = 2,       /**< it could not stage its package */
	DUPG_TXN_FAIL_SWITCH = 3,      /**< it could not switch (or did not answer in time) */
	DUPG_TXN_FAIL_FALLBACK = 4,    /**< told to switch, it came back on its old version (boot fallback) */
	DUPG_TXN_FAIL_HEALTH = 5,      /**< its health check failed on its new version */
	DUPG_TXN_FAIL_VERSION = 6,     /**< it reported a version it should not run (new too early, or neither) */
	DUPG_TXN_FAIL_SWITCH_BACK = 7, /**< it could not switch back */
	DUPG_TXN_FAIL_INTERRUPTED = 8, /**< resumed before the commit point: the coordinator had stopped */
	DUPG_TXN_FAIL_ABORTED = 9      /**< the controller called dupg_txn_abort() */
} dupg_txn_failure;

/**
 * @return "none", "send", "stage", "switch", "fallback", "health", "version",
 *         "switch_back", "interrupted" or "aborted" (static); "unknown" out of range
 */
DUPG_EXTERN(const char *) dupg_txn_failure_name(dupg_txn_failure failure);
/** The failure dupg_txn_failure_name() spells as name. @return 0 or ::DUPG_EINVAL */
DUPG_EXTERN(int) dupg_txn_failure_parse(dupg_txn_failure *out, const char *name);

/** What the controller is to do. */
typedef enum {
	DUPG_TXN_ACT_SEND = 0,        /**< send the step's package to the device along its route */
	DUPG_TXN_ACT_STAGE = 1,       /**< the device stages its package into its inactive slot */
	DUPG_TXN_ACT_SWITCH = 2,      /**< the device switches to its new slot (reboots into it) */
	DUPG_TXN_ACT_CHECK = 3,       /**< the device runs its health check */
	DUPG_TXN_ACT_SWITCH_BACK = 4, /**< the device switches back to its old slot */
	DUPG_TXN_ACT_ABANDON = 5,     /**< the device drops its staged slot (or stops staging); no answer */
	DUPG_TXN_ACT_QUERY = 6,       /**< the device reports the version and slot it runs (::DUPG_TXN_EV_REPORT) */
	DUPG_TXN_ACT_DONE = 7         /**< the transaction has ended: see `outcome` */
} dupg_txn_action_kind;

/**
 * @return "send", "stage", "switch", "check", "switch_back", "abandon",
 *         "query" or "done" (static); "unknown" out of range
 */
DUPG_EXTERN(const char *) dupg_txn_action_kind_name(dupg_txn_action_kind kind);
/** The kind dupg_txn_action_kind_name() spells as name. @return 0 or ::DUPG_EINVAL */
DUPG_EXTERN(int) dupg_txn_action_kind_parse(dupg_txn_action_kind *out, const char *name);

/** What a device answered, or reports. */
typedef enum {
	DUPG_TXN_EV_SENT = 0,               /**< its package arrived (answers SEND) */
	DUPG_TXN_EV_SEND_FAILED = 1,        /**< it did not (answers SEND) */
	DUPG_TXN_EV_STAGED = 2,             /**< staged, optionally saying the slot written (answers STAGE) */
	DUPG_TXN_EV_STAGE_FAILED = 3,       /**< answers STAGE */
	DUPG_TXN_EV_SWITCHED = 4,           /**< runs its new slot (answers SWITCH) */
	DUPG_TXN_EV_SWITCH_FAILED = 5,      /**< did not switch: still runs its old slot (answers SWITCH) */
	DUPG_TXN_EV_HEALTHY = 6,            /**< answers CHECK */
	DUPG_TXN_EV_UNHEALTHY = 7,          /**< answers CHECK */
	DUPG_TXN_EV_SWITCHED_BACK = 8,      /**< runs its old slot again (answers SWITCH_BACK) */
	DUPG_TXN_EV_SWITCH_BACK_FAILED = 9, /**< answers SWITCH_BACK */
	DUPG_TXN_EV_REPORT = 10             /**< "I run version V from slot S": answers QUERY, or comes unasked (a reconnect) */
} dupg_txn_event_kind;

/**
 * @return "sent", "send_failed", "staged", "stage_failed", "switched",
 *         "switch_failed", "healthy", "unhealthy", "switched_back",
 *         "switch_back_failed" or "report" (static); "unknown" out of range
 */
DUPG_EXTERN(const char *) dupg_txn_event_kind_name(dupg_txn_event_kind kind);
/** The kind dupg_txn_event_kind_name() spells as name. @return 0 or ::DUPG_EINVAL */
DUPG_EXTERN(int) dupg_txn_event_kind_parse(dupg_txn_event_kind *out, const char *name);

/** What dupg_txn_feed() made of an event (its non-negative returns). */
typedef enum {
	DUPG_TXN_TAKEN = 0,     /**< the event changed the transaction */
	DUPG_TXN_DUPLICATE = 1, /**< a repeat of what the transaction already knew: harmless, nothing changed */
	DUPG_TXN_LATE = 2       /**< an answer the transaction no longer waits for: harmless, nothing changed */
} dupg_txn_taken;

/** @return "taken", "duplicate" or "late" (static); "unknown" out of range */
DUPG_EXTERN(const char *) dupg_txn_taken_name(dupg_txn_taken taken);
/** The value dupg_txn_taken_name() spells as name. @return 0 or ::DUPG_EINVAL */
DUPG_EXTERN(int) dupg_txn_taken_parse(dupg_txn_taken *out, const char *name);

/** A transaction. Opaque. */
typedef struct dupg_txn dupg_txn;

/** One member of a transaction: a plan and what its steps install. */
typedef struct {
	/**
	 * The member's plan, borrowed: it and its topology must outlive the
	 * transaction, unchanged (no device added; no version set before the
	 * end: a device's old version is the topology's, read when a report
	 * first needs it).
	 */
	const dupg_plan *plan;
	/** The member's name (a site id), copied; it names the member in the journal. NULL: "member I". */
	const char *name;
	/**
	 * The version each step installs, indexed by plan step, copied; NULL
	 * (or a NULL entry) when unknown. Reports are told apart by version
	 * when it is known and differs from the device's old version (the
	 * topology's), else by the slot the device staged into.
	 */
	const char *const *versions;
} dupg_txn_member;

/**
 * The journal sink: write data durably, then return 0.
 * @param data the bytes to write; not NUL-terminated
 * @param replace 1: data is a whole journal that replaces what was written
 *        before (write it atomically: a crash leaves the old or the new);
 *        0: append data to what was written before
 * @param payload the options' journal_payload
 * @return 0 when written. Anything else stops the transaction as a crash
 *         right after this write would (the simulator's `--crash-txn`): a
 *         negative ::dupg_err is passed on with the calling thread's error
 *         message; a positive value reads as ::DUPG_EABORTED.
 */
typedef int (*dupg_txn_journal_cb)(const char *data, size_t len, int replace, void *payload);

/**
 * Called on every change of a device's state (after the change, before the
 * call that made it returns). Meant for progress bars and logs.
 */
typedef void (*dupg_txn_device_cb)(const dupg_txn *t, size_t device, dupg_txn_state from,
				   dupg_txn_state to, void *payload);
/** Called on every change of the transaction's phase. */
typedef void (*dupg_txn_phase_cb)(const dupg_txn *t, dupg_txn_phase from, dupg_txn_phase to,
				  void *payload);

#define DUPG_TXN_OPTIONS_VERSION 1
/** Options of dupg_txn_new() and dupg_txn_resume(). Initialise with ::DUPG_TXN_OPTIONS_INIT. */
typedef struct {
	unsigned int version;         /**< ::DUPG_TXN_OPTIONS_VERSION */
	/** Devices with an action under way at once (abandons do not count); 0: no limit. */
	size_t parallel;
	/** Timeout per action: this times the device's duration_s (default 3). Not negative. */
	double timeout_factor;
	/** ... plus this many milliseconds (default 60,000). */
	uint64_t timeout_floor_ms;
	/** Where every change of state goes before an action it allows; NULL: not durable. */
	dupg_txn_journal_cb journal;
	void *journal_payload;        /**< passed to journal */
	/**
	 * 1: every write is a whole journal (replace = 1), for sinks that can
	 * only replace. 0 (default): changes are appended, and a whole journal
	 * replaces them when they outgrow it, so writes stay proportional to
	 * the changes.
	 */
	int journal_replace_only;
	dupg_txn_device_cb on_device; /**< optional */
	dupg_txn_phase_cb on_phase;   /**< optional */
	void *progress_payload;       /**< passed to on_device and on_phase */
} dupg_txn_options;
#define DUPG_TXN_OPTIONS_INIT { DUPG_TXN_OPTIONS_VERSION, 0, 3.0, 60000, NULL, NULL, 0, NULL, NULL, NULL }

/** An action, filled in by dupg_txn_next(). Strings are borrowed from the plans and their topologies. */
typedef struct {
	dupg_txn_action_kind kind;
	size_t device;          /**< transaction index; ::DUPG_NONE for DONE */
	size_t member;          /**< index of the member; ::DUPG_NONE for DONE */
	size_t step;            /**< step in the member's plan; ::DUPG_NONE for DONE */
	size_t topology_index;  /**< the device's index in the member's topology; ::DUPG_NONE for DONE */
	const char *id;         /**< device id; NULL for DONE */
	/** SEND and STAGE: the package (dupg_plan_package()); NULL otherwise */
	const char *package;
	/**
	 * SEND: number of devices on the way; the j-th (nearest the master
	 * first) is dupg_plan_via_index(plan, step, j). Walking
	 * dupg_topology_parent() up from the device gives the same route
	 * backwards, O(1) a hop.
	 */
	size_t via_count;
	/** The answer is due before this time (ms); 0 for ABANDON and DONE */
	uint64_t deadline_ms;
	dupg_txn_outcome outcome; /**< DONE: how it ended; ::DUPG_TXN_RUNNING otherwise */
} dupg_txn_action;

/** An event, for dupg_txn_feed(). Start from ::DUPG_TXN_EVENT_INIT. */
typedef struct {
	dupg_txn_event_kind kind;
	size_t device;          /**< transaction index (dupg_txn_find()) */
	/** REPORT: the version the device runs; may be NULL when slot is given */
	const char *version;
	/** REPORT: the slot it runs from; STAGED: the slot it wrote. -1: not said */
	int slot;
	/** Failures: the device's own words, copied into the cause; may be NULL */
	const char *detail;
} dupg_txn_event;
#define DUPG_TXN_EVENT_INIT { DUPG_TXN_EV_REPORT, DUPG_NONE, NULL, -1, NULL }

/**
 * Start a transaction over the plans of its members. Nothing is written
 * until the first dupg_txn_next().
 * @param out receives the transaction; the caller owns it (dupg_txn_free())
 * @param members nmembers members; copied, except the plans (borrowed)
 * @param opts NULL for the defaults
 * @return 0; ::DUPG_EINVAL (NULL or unchecked plan, unknown options version,
 *         a negative or non-finite timeout factor, more than 2^32 - 2 devices),
 *         ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_txn_new(dupg_txn **out, const dupg_txn_member *members, size_t nmembers,
			      const dupg_txn_options *opts);

/**
 * Continue a transaction from its journal after a crash (see the file's
 * description for what it decides). The members must be those it was
 * started with, in the same order (the journal holds their fingerprint:
 * names, device ids, packages). The first dupg_txn_next() writes a whole
 * journal (replace = 1) holding what resume decided.
 * @param journal the bytes the sink was given: the last whole journal and
 *        what was appended after it. A last write cut short by the crash is
 *        ignored (no action was handed out after it).
 * @return 0; ::DUPG_EFORMAT (not a journal, or damaged before its last
 *         write); ::DUPG_EUNSUPPORTED (a journal format this version does
 *         not know); ::DUPG_EINVAL (the members differ from the journal's,
 *         or as dupg_txn_new()); ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_txn_resume(dupg_txn **out, const dupg_txn_member *members, size_t nmembers,
				 const char *journal, size_t len, const dupg_txn_options *opts);

/** Free a transaction (nothing is written); NULL is fine. */
DUPG_EXTERN(void) dupg_txn_free(dupg_txn *t);

/**
 * Feed what a device answered or reports.
 * @param now_ms the controller's clock; deadlines it has reached pass first
 * @return ::DUPG_TXN_TAKEN, ::DUPG_TXN_DUPLICATE or ::DUPG_TXN_LATE (no
 *         change); or, changing nothing: ::DUPG_ENOTFOUND (no such device),
 *         ::DUPG_EINVAL (an answer to an action the device was never given,
 *         an unknown kind, a report with neither version nor slot, or one
 *         that cannot tell the old version from the new), ::DUPG_EEXISTS (a
 *         different answer to an action already answered), ::DUPG_EABORTED
 *         (the journal refused an earlier write: only dupg_txn_free() is left)
 */
DUPG_EXTERN(int) dupg_txn_feed(dupg_txn *t, const dupg_txn_event *ev, uint64_t now_ms);

/**
 * What to do now: up to cap actions into actions[0..*count), to be performed
 * in that order. Deadlines reached by now_ms pass first. No action (*count
 * 0) means nothing can start until an event arrives or dupg_txn_wake()
 * comes; fewer than cap may still have more behind them (a rollback's end,
 * DONE, comes in a call of its own after its last abandons), so call again
 * until a call gives none. Once the transaction has ended, every call gives
 * one DONE action. The state the actions depend on is written to the journal
 * first.
 * @return 0; ::DUPG_EINVAL (NULL arguments, cap 0); ::DUPG_EABORTED when
 *         the journal sink refused (a simulated crash), or the sink's error
 *         code: then *count is 0, and the transaction only takes
 *         dupg_txn_free(); continue with dupg_txn_resume().
 */
DUPG_EXTERN(int) dupg_txn_next(dupg_txn *t, uint64_t now_ms, dupg_txn_action *actions, size_t cap,
			       size_t *count);

/**
 * Roll back on the controller's word (an operator's cancel): before the
 * commit point an abort, after it a revert, cause ::DUPG_TXN_FAIL_ABORTED.
 * @param detail why, copied; may be NULL
 * @return 0; ::DUPG_EINVAL when already rolling back or ended; ::DUPG_EABORTED
 */
DUPG_EXTERN(int) dupg_txn_abort(dupg_txn *t, const char *detail, uint64_t now_ms);

/**
 * When to call dupg_txn_next() at the latest if no event comes: the earliest
 * deadline of an action under way, or a little earlier (the deadline of an
 * action answered since may still be counted; calling then is harmless and
 * finds nothing due). Never later than a real deadline.
 * @return milliseconds on the caller's clock; UINT64_MAX when nothing is under way
 */
DUPG_EXTERN(uint64_t) dupg_txn_wake(const dupg_txn *t);

/** Number of devices (steps of every member). */
DUPG_EXTERN(size_t) dupg_txn_count(const dupg_txn *t);
/** Number of members. */
DUPG_EXTERN(size_t) dupg_txn_member_count(const dupg_txn *t);
/** @return member m's name, borrowed; NULL when out of range */
DUPG_EXTERN(const char *) dupg_txn_member_name(const dupg_txn *t, size_t m);
/** @return the transaction index of member m's device id, or ::DUPG_NONE (not in its plan) */
DUPG_EXTERN(size_t) dupg_txn_find(const dupg_txn *t, size_t member, const char *id);

/** @return the current phase (::DUPG_TXN_DONE for NULL) */
DUPG_EXTERN(dupg_txn_phase) dupg_txn_phase_get(const dupg_txn *t);
/** @return how it ended, ::DUPG_TXN_RUNNING before */
DUPG_EXTERN(dupg_txn_outcome) dupg_txn_outcome_get(const dupg_txn *t);
/** @return 1 once the commit point was passed (every device staged), else 0 */
DUPG_EXTERN(int) dupg_txn_committed(const dupg_txn *t);
/** @return the number of journal writes since the transaction began, resumes included */
DUPG_EXTERN(size_t) dupg_txn_journal_writes(const dupg_txn *t);

/** @return the state of device d; ::DUPG_TXN_DEV_PENDING when out of range */
DUPG_EXTERN(dupg_txn_state) dupg_txn_device_state(const dupg_txn *t, size_t d);
/** @return how many devices are in state s (O(1): for progress bars) */
DUPG_EXTERN(size_t) dupg_txn_state_count(const dupg_txn *t, dupg_txn_state s);
/** @return how many devices failed (each counts once) */
DUPG_EXTERN(size_t) dupg_txn_failed_count(const dupg_txn *t);

/** One device, as dupg_txn_device_get() describes it. Strings are borrowed from the transaction and its plans. */
typedef struct {
	size_t member;            /**< its member */
	size_t step;              /**< its step in the member's plan */
	size_t topology_index;    /**< its index in the member's topology */
	const char *id;           /**< its id */
	dupg_txn_state state;     /**< where it is */
	dupg_txn_failure failure; /**< its first failure; ::DUPG_TXN_FAIL_NONE if none */
	int timed_out;            /**< 1 when that failure was a timeout */
	const char *detail;       /**< what it said about it; never NULL ("" when nothing) */
} dupg_txn_device_info;

/** Describe device d. @return 0 or ::DUPG_ENOTFOUND (out of range) */
DUPG_EXTERN(int) dupg_txn_device_get(const dupg_txn *t, size_t d, dupg_txn_device_info *out);

/** Why a transaction rolls back. */
typedef struct {
	size_t device;         /**< the device at fault; ::DUPG_NONE for INTERRUPTED and ABORTED */
	dupg_txn_failure kind; /**< ::DUPG_TXN_FAIL_NONE while nothing failed */
	int timed_out;         /**< 1 when the device did not answer in time */
	const char *detail;    /**< borrowed from the transaction; never NULL */
} dupg_txn_cause;

/** The cause of the rollback (the first failure); kind ::DUPG_TXN_FAIL_NONE when there is none. */
DUPG_EXTERN(void) dupg_txn_cause_get(const dupg_txn *t, dupg_txn_cause *out);

/**
 * The current state as a whole journal, the text dupg_txn_resume() reads.
 * @param out receives it (NUL-terminated too); the caller frees it with dupg_free()
 */
DUPG_EXTERN(int) dupg_txn_snapshot(char **out, size_t *len, const dupg_txn *t);

/**
 * A report: `{"phase", "outcome", "committed", "journal_writes", "cause":
 * {"member", "device", "kind", "timed_out", "detail"} or null, "counts":
 * {STATE: n, ...}, "devices": [{"member", "device", "state", "failure",
 * "timed_out", "detail"}, ...]}` (failure null when none).
 * @param out receives a NUL-terminated string; the caller frees it with dupg_free()
 */
DUPG_EXTERN(int) dupg_txn_to_json(char **out, const dupg_txn *t);

/*
 * The journal format (version 1). Text, in blocks:
 *
 *     dupg-txn 1\n                         a whole journal starts so
 *     B SEQ LEN HASH\n BODY                one block per write
 *     B SEQ LEN HASH\n BODY ...            appended writes
 *
 * SEQ counts the writes from 1 over the transaction's life (resumes
 * included); LEN is BODY's length in bytes (decimal); HASH is XXH3-64 of
 * BODY, 16 lower-case hex digits. A block whose LEN runs past the end, or
 * whose HASH does not match, is a write the crash cut short: resume ignores
 * it when it is the last, and refuses the journal (::DUPG_EFORMAT) when more
 * follows. BODY is lines of space-separated fields, each ending in "\n";
 * STR is `N:` followed by N bytes (any bytes):
 *
 *     txn MEMBERS DEVICES FINGERPRINT   first line of a whole journal (hex XXH3-64
 *                                       of member names, device ids and packages)
 *     phase PHASE COMMITTED             dupg_txn_phase_name(); COMMITTED 0 or 1
 *     state FIRST COUNT STATE           devices FIRST .. FIRST+COUNT-1 are in STATE
 *     slot DEVICE SLOT                  the slot DEVICE staged into
 *     fail DEVICE FAILURE TIMED_OUT STR DEVICE's first failure
 *     cause DEVICE|- FAILURE TIMED_OUT STR   why the transaction rolls back
 *     outcome OUTCOME                   how it ended (with phase done)
 *
 * A whole journal describes every device (states run-length encoded, from
 * all pending); appended blocks hold the changes since, until they outgrow
 * both four times the whole journal and eight bytes per device: the next
 * write is then a whole journal again. Names are those of the
 * dupg_txn_*_name() functions.
 */

/** The file journal: a sink that keeps the journal in one file, crash-safely. Opaque. */
typedef struct dupg_txn_file dupg_txn_file;

/**
 * A file sink for path (nothing is written yet). A whole journal replaces
 * the file as the store replaces its lists: temporary file in the same
 * directory, fsync, rename, fsync of the directory. An appended block is
 * written to the end of the file and fsynced (fdatasync); a block cut short
 * by a crash is detected and ignored by resume.
 * @param out receives the sink; the caller owns it (dupg_txn_file_free()),
 *        and passes it as journal_payload with dupg_txn_file_write() as journal
 * @param opts no_fsync (simulation only); NULL for the defaults
 * @return 0, ::DUPG_EINVAL or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_txn_file_open(dupg_txn_file **out, const char *path,
				    const dupg_apply_options *opts);
/** Free a file sink (the file stays); NULL is fine. */
DUPG_EXTERN(void) dupg_txn_file_free(dupg_txn_file *f);
/**
 * The sink function (a ::dupg_txn_journal_cb) of a dupg_txn_file, passed as
 * payload. A crash-injecting controller wraps it: call it, then refuse.
 * @return 0, ::DUPG_EIO (an append with no file), ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_txn_file_write(const char *data, size_t len, int replace, void *payload);

/**
 * dupg_txn_resume() on the journal file at path, after removing the
 * temporary files a crash in a whole-journal write may have left there.
 * @return as dupg_txn_resume(); ::DUPG_ENOTFOUND when there is no journal
 *         (start with dupg_txn_new()), ::DUPG_EIO
 */
DUPG_EXTERN(int) dupg_txn_resume_file(dupg_txn **out, const dupg_txn_member *members,
				      size_t nmembers, const char *path,
				      const dupg_txn_options *opts);

/**
 * Remove a transaction's journal file (and temporary files beside it), then
 * fsync the directory. Call it after the outcome is acted upon (see "With the
 * store" above). A missing file is fine.
 * @return 0, ::DUPG_EIO or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_txn_file_remove(const char *path, const dupg_apply_options *opts);

#ifdef __cplusplus
}
#endif
#endif
