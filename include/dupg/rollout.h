/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file dupg/rollout.h
 * @brief Staged rollouts (pure functions): a package set handed to a fleet in
 *        waves, which wave a site is in, which waves are open, and when the
 *        rollout halts.
 *
 * A rollout's waves are increasing cumulative fractions of the fleet, the
 * last always 1 (the rest). With `total` sites ranked 0 .. total-1 by the
 * caller (the simulator by its seeded site order, the management server by
 * a hash of each site's id), wave w (0-based) holds the ranks from
 * dupg_rollout_wave_end(w - 1) up to dupg_rollout_wave_end(w), where
 * wave_end(w) = ceil(fraction[w] * total) and the last wave ends at total.
 * A rank at or past total (a site that joined after the fleet was counted)
 * is in the last wave.
 *
 * Progress is a ::dupg_rollout_status the caller keeps (in memory, in a
 * database) and advances with dupg_rollout_step() from each wave's
 * ::dupg_wave_tally:
 *
 * - Wave 0 is open from the start. A site gets the rollout's packages only
 *   while its wave is open and the rollout is running (or done).
 * - The halting rule: a wave's failed share is its failed sites over its
 *   sites that needed the rollout (every site of the wave but those found
 *   current). When that share exceeds the threshold, the rollout halts and
 *   no more sites get it. While sites are still to report, the share is
 *   taken over the sites that may still need the rollout, so it can only
 *   grow as reports come in: a halt seen early is the halt the complete
 *   wave would give.
 * - Wave w + 1 opens when every site of wave w is settled (found current,
 *   or reported upgraded, rolled back or failed) and the rollout is
 *   running. When every wave is open and settled the rollout is done.
 * - Pause stops waves from opening and sites from getting the packages;
 *   resume undoes it. A halt is final.
 */
#ifndef DUPG_ROLLOUT_H
#define DUPG_ROLLOUT_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Where a rollout stands. */
typedef enum {
	DUPG_ROLLOUT_RUNNING = 0, /**< open waves hand out the packages; waves open as they settle */
	DUPG_ROLLOUT_PAUSED = 1,  /**< an operator paused it: nobody gets the packages, no wave opens */
	DUPG_ROLLOUT_HALTED = 2,  /**< a wave failed past the threshold: nobody gets the packages, final */
	DUPG_ROLLOUT_DONE = 3     /**< every wave open and settled: the packages are everybody's */
} dupg_rollout_state;

/** @return "running", "paused", "halted" or "done" (static); "unknown" for a value out of range */
DUPG_EXTERN(const char *) dupg_rollout_state_name(dupg_rollout_state state);
/**
 * The rollout state dupg_rollout_state_name() spells as name.
 * @return 0, or ::DUPG_EINVAL for an unknown name (the message lists the known ones)
 */
DUPG_EXTERN(int) dupg_rollout_state_parse(dupg_rollout_state *out, const char *name);

/** Where one site stands in a rollout. */
typedef enum {
	DUPG_SITE_PENDING = 0,     /**< not reached yet: its wave is closed, or it has not asked */
	DUPG_SITE_CURRENT = 1,     /**< it asked while its wave was open and needed none of the packages */
	DUPG_SITE_ASSIGNED = 2,    /**< its task holds some of the rollout's packages */
	DUPG_SITE_DOWNLOADING = 3, /**< it reported downloading them */
	DUPG_SITE_STAGED = 4,      /**< it reported them staged on its devices */
	DUPG_SITE_UPGRADED = 5,    /**< final: its devices run them */
	DUPG_SITE_ROLLED_BACK = 6, /**< final: it tried and went back to its old versions */
	DUPG_SITE_FAILED = 7       /**< final: it failed before any device changed (download, verification) */
} dupg_site_state;

/**
 * @return "pending", "current", "assigned", "downloading", "staged",
 *         "upgraded", "rolled_back" or "failed" (static); "unknown" out of range
 */
DUPG_EXTERN(const char *) dupg_site_state_name(dupg_site_state state);
/**
 * The site state dupg_site_state_name() spells as name.
 * @return 0, or ::DUPG_EINVAL for an unknown name (the message lists the known ones)
 */
DUPG_EXTERN(int) dupg_site_state_parse(dupg_site_state *out, const char *name);
/** @return 1 for the final states (upgraded, rolled back, failed), else 0 */
DUPG_EXTERN(int) dupg_site_state_final(dupg_site_state state);

/** A rollout's waves and threshold. Opaque, immutable once made. */
typedef struct dupg_rollout dupg_rollout;

/**
 * Make a rollout plan.
 * @param out receives the plan; the caller owns it (dupg_rollout_free()).
 * @param waves increasing cumulative fractions in (0, 1]; a last wave of 1
 *        is added when the last given is below 1. NULL with count 0 is one
 *        wave of everybody.
 * @param count number of entries in waves
 * @param threshold the failed share past which a wave halts the rollout, in [0, 1]
 * @return 0, ::DUPG_EINVAL (fractions not increasing or out of (0, 1],
 *         threshold out of [0, 1], NaN) or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_rollout_new(dupg_rollout **out, const double *waves, size_t count,
				  double threshold);
/**
 * Make a rollout plan from waves written as text, "0.01,0.1,1" (commas,
 * optional blanks), with the rules of dupg_rollout_new().
 * @return 0, ::DUPG_EINVAL (not a list of numbers, or as dupg_rollout_new()) or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_rollout_new_text(dupg_rollout **out, const char *waves, double threshold);
/** Free a plan; NULL is fine. */
DUPG_EXTERN(void) dupg_rollout_free(dupg_rollout *r);

/** Number of waves (at least 1). */
DUPG_EXTERN(size_t) dupg_rollout_wave_count(const dupg_rollout *r);
/** @return the cumulative fraction of wave w; 0 when w is out of range */
DUPG_EXTERN(double) dupg_rollout_wave_fraction(const dupg_rollout *r, size_t w);
/** @return the threshold */
DUPG_EXTERN(double) dupg_rollout_threshold(const dupg_rollout *r);
/**
 * The waves as text, "0.01,0.1,1", each fraction written so that
 * dupg_rollout_new_text() reads back the same double.
 * @param out receives a NUL-terminated string; the caller frees it with dupg_free().
 * @return 0 or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_rollout_waves_text(char **out, const dupg_rollout *r);

/**
 * How many of total ranked sites waves 0 .. w hold: ceil(fraction[w] * total),
 * at most total; total for the last wave and for w past it.
 */
DUPG_EXTERN(size_t) dupg_rollout_wave_end(const dupg_rollout *r, size_t w, size_t total);
/** How many of total ranked sites wave w holds (0 for w past the last wave). */
DUPG_EXTERN(size_t) dupg_rollout_wave_size(const dupg_rollout *r, size_t w, size_t total);
/**
 * The wave of the site ranked rank (0-based) among total: the first wave
 * whose end is past rank. A rank at or past total is in the last wave.
 */
DUPG_EXTERN(size_t) dupg_rollout_wave_of(const dupg_rollout *r, size_t rank, size_t total);

/** What one wave's sites have done. Start from zeros; add each site with dupg_wave_tally_add(). */
typedef struct {
	size_t sites;    /**< the wave's sites (every state) */
	size_t current;  /**< of them, found current: they needed none of the packages */
	size_t finished; /**< of them, in a final state: upgraded, rolled back or failed */
	size_t failed;   /**< of the finished, rolled back or failed */
} dupg_wave_tally;

/** Count n sites in state into t (the four fields as their comments say). */
DUPG_EXTERN(void) dupg_wave_tally_add(dupg_wave_tally *t, dupg_site_state state, size_t n);
/**
 * The halting rule for one wave: 1 when failed / (sites - current) exceeds
 * the threshold (and some site needed the rollout), else 0.
 */
DUPG_EXTERN(int) dupg_rollout_wave_halts(const dupg_rollout *r, const dupg_wave_tally *t);
/** @return 1 when every site of the wave is current or finished (an empty wave is settled), else 0 */
DUPG_EXTERN(int) dupg_wave_tally_settled(const dupg_wave_tally *t);

/** A rollout's progress, kept by the caller. Start with ::DUPG_ROLLOUT_STATUS_INIT. */
typedef struct {
	dupg_rollout_state state;
	size_t open;        /**< waves 0 .. open-1 are open (at least 1) */
	size_t halted_wave; /**< the wave that halted the rollout, ::DUPG_NONE when none did */
} dupg_rollout_status;
/** A rollout that has just started: running, wave 0 open. */
#define DUPG_ROLLOUT_STATUS_INIT { DUPG_ROLLOUT_RUNNING, 1, DUPG_NONE }

/**
 * Advance a rollout's progress from its waves' tallies: halt when an open
 * wave fails past the threshold (the first such wave is halted_wave); open
 * the next wave while the last open one is settled and the rollout runs;
 * done when every wave is open and settled. Halted and done are final; a
 * paused rollout can still halt but opens nothing.
 * @param st the progress, updated in place
 * @param tallies one per wave, dupg_rollout_wave_count() of them
 * @return 1 when *st changed, 0 when not, ::DUPG_EINVAL on a NULL argument
 */
DUPG_EXTERN(int) dupg_rollout_step(dupg_rollout_status *st, const dupg_rollout *r,
				   const dupg_wave_tally *tallies);
/** @return 1 when a site of wave gets the rollout's packages under st (running or done, wave open), else 0 */
DUPG_EXTERN(int) dupg_rollout_wave_open(const dupg_rollout_status *st, size_t wave);
/**
 * Pause a running rollout. Pausing a paused one is a no-op.
 * @return 0, or ::DUPG_EINVAL when it is halted or done (the message says which)
 */
DUPG_EXTERN(int) dupg_rollout_pause(dupg_rollout_status *st);
/**
 * Resume a paused rollout (call dupg_rollout_step() next: waves that settled meanwhile open).
 * Resuming a running one is a no-op.
 * @return 0, or ::DUPG_EINVAL when it is halted or done
 */
DUPG_EXTERN(int) dupg_rollout_resume(dupg_rollout_status *st);

#ifdef __cplusplus
}
#endif
#endif
