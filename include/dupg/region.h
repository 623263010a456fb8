/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file dupg/region.h
 * @brief Regions that elect one downloader (pure functions): the partition of
 *        nodes into regions, the score of a node, the election of a region's
 *        virtual server, liveness, the "does this region need the package"
 *        decision, and the announcement every node sends each period.
 *
 * The design is seed `002_…` (CN120255934B). The operations server plans T
 * nodes with at most M per region, so N = ceil(T / M) regions, each with its
 * own multicast address from a pool. Nodes are placed as they come online
 * (::dupg_partition). In every period the nodes of a region elect one of
 * them as the region's virtual server (::dupg_region): it alone downloads a
 * package from the management server, and announces the latest version per
 * hardware type on the region's address every period (::dupg_announce); the
 * other members compare and fetch from it.
 *
 * **The partition** (dupg_partition_join()). Arrivals are numbered
 * i = 0, 1, ... in the order they come online (S = i + 1 nodes are then
 * online). R holds, per region, the best score placed there and which
 * arrival it is.
 *
 * - While i < N, arrival i opens region i and enters R: R[i] = its score.
 * - From i >= N on, its initial region is a = i mod N. Why this formula:
 *   the seed's own formula is lost from the published text (only "a is
 *   computed by a formula from S" survives). i mod N continues the rotation
 *   of the first N arrivals (for i < N it is i), so without replacements
 *   region sizes differ by at most one, and since T <= N * M, no region
 *   passes M while at most T nodes join.
 * - A newcomer whose score is strictly higher than some entries of R takes
 *   the region of the lowest of them (lowest score; on a tie the lowest
 *   region index) and its entry there is replaced by the newcomer's. A
 *   score equal to an entry does not beat it. The node whose entry was
 *   replaced stays in its region: the seed moves only the newcomer.
 * - Capacity, a point the seed leaves open: a region with M members takes
 *   nobody. Only regions with room are candidates for the replacement; when
 *   region a is full, the newcomer takes the next region with room after a
 *   (a + 1, a + 2, ... mod N). So no region ever holds more than M, and up
 *   to N * M nodes (not only T) can join; one more is ::DUPG_ENOSPC.
 * - The seed's text also says "and swap the elements of the array" with the
 *   symbols lost. We read it as keeping R ordered to find its lowest entry
 *   quickly; here R is indexed by region and its lowest entry found by a scan,
 *   which gives the same placement.
 *
 * Invariants (checked by tests/test_region.c): every region has a member
 * once N nodes are online; none has more than M; R[r] is the highest score
 * among region r's members (a newcomer that goes to a without beating R
 * cannot score above R[a], or a would have been a candidate).
 *
 * **The election** (dupg_region_elect()). A region's members are known by
 * id with the score they announced and the period they were last heard in.
 * A member last heard in period L is dead at the election of period p when
 * p - L >= K (options.dead_after): it missed K periods. The elected member is
 * the alive member with the best (score, id): the higher score, and on equal
 * scores the id that sorts higher bytewise (strcmp), so that the rule is one
 * order everywhere: "higher (epoch, score, id) wins". The epoch (term) grows
 * by one each time the elected member changes (first election, a better
 * member, the old one dead); it never goes down.
 *
 * **Two leaders** (dupg_region_claim()). When a node hears another that
 * says it is the virtual server, both compare (epoch, score, id) and the
 * higher wins: the receiver adopts it when it is higher than its own view
 * (the lower one steps down) and ignores it otherwise. Every node that hears
 * both ends with the same leader.
 *
 * **Messages.** An announcement (sender, region, epoch, period, score, a
 * leader flag, the latest version per hardware type, and optionally the URL
 * where the sender serves its packages) is encoded into at most
 * ::DUPG_ANNOUNCE_MAX_BYTES, a UDP datagram that needs no fragmenting.
 * The format, all integers big-endian:
 *
 *     offset size  field
 *     0      4     magic "DUPA"
 *     4      1     format version: 1, or 2 when a serving URL follows
 *     5      1     flags: bit 0 = the sender is the virtual server;
 *                  bit 1 = a serving URL follows (set in version 2 only,
 *                  always set there); others 0
 *     6      4     region
 *     10     8     epoch
 *     18     8     period
 *     26     4     score (0 .. DUPG_SCORE_MAX)
 *     30     2     sender id length n, then n bytes
 *            2     number of hardware types h, then h times:
 *            2+k   hardware type length k and its bytes
 *            2+v   version length v and its bytes
 *            2+u   (flag bit 1 only) serving URL length u and its bytes
 *
 * Strings are non-empty UTF-8 without NUL and within DUPG_ID_MAX_BYTES,
 * DUPG_HW_MAX_BYTES, DUPG_VERSION_MAX_BYTES; a hardware type appears once.
 * The serving URL is 1 .. DUPG_ANNOUNCE_URL_MAX_BYTES bytes of printable
 * ASCII without spaces (0x21 .. 0x7e); libdupg does not parse it further.
 * dupg_announce_encode() writes version 2 only for a message with a URL, and
 * version 1 (byte for byte what libdupg wrote before version 2) otherwise, so
 * receivers that read only version 1 keep reading messages without a URL.
 * Each message thus has one encoding. dupg_announce_decode() reads versions
 * 1 and 2 and refuses anything else with ::DUPG_EFORMAT (truncated, trailing
 * bytes, bad magic, flags, strings, URL or score, bit 1 in a version-1
 * message or missing from a version-2 one, over the size limit) or
 * ::DUPG_EUNSUPPORTED (another format version).
 * dupg_region_receive() refuses a message of an older epoch than the
 * region's, or not newer in (epoch, period) than the last one accepted from
 * its sender, with ::DUPG_EEXISTS (a replay: what was heard already, or
 * older; libdupg has no code of its own for it); a message of another region
 * or of a period after the receiver's with ::DUPG_EINVAL. A refused message
 * changes nothing. An accepted message is a heartbeat of its sender; a
 * leader's claim in it that loses (dupg_region_claim()) changes nothing more,
 * and a higher epoch in a message that claims nothing is not adopted (the
 * region learns a new term from its leader's claim).
 */
#ifndef DUPG_REGION_H
#define DUPG_REGION_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One node's announcement for one period (the last section). Opaque. */
typedef struct dupg_announce dupg_announce;

/** The highest score: scores are integers in [0, DUPG_SCORE_MAX], so that every node compares them alike. */
#define DUPG_SCORE_MAX 1000000u

/** A node's resources and network state, as it measures them. */
typedef struct {
	double cpu;            /**< idle CPU share, in [0, 1] */
	double memory;         /**< free memory share, in [0, 1] */
	double storage;        /**< free storage share, in [0, 1] */
	double bandwidth_mbps; /**< link bandwidth to the management server, Mbit/s, >= 0 */
	double latency_ms;     /**< round-trip time to the management server, ms, >= 0 */
	double loss;           /**< packet loss share, in [0, 1] */
} dupg_node_resources;

/** Version of ::dupg_score_options this header describes. */
#define DUPG_SCORE_OPTIONS_VERSION 1
/**
 * Weights of the score. Each term is a share in [0, 1] (1 is best):
 * cpu, memory, storage as given; bandwidth as min(bandwidth / bandwidth_ref, 1);
 * latency as latency_ref / (latency_ref + latency); loss as 1 - loss. The
 * score is DUPG_SCORE_MAX times the weighted mean of the terms, rounded.
 */
typedef struct {
	unsigned int version; /**< ::DUPG_SCORE_OPTIONS_VERSION */
	double cpu, memory, storage, bandwidth, latency, loss; /**< weights, >= 0, not all 0 */
	double bandwidth_ref_mbps; /**< the bandwidth that scores full marks, > 0 */
	double latency_ref_ms;     /**< the latency that scores half marks, > 0 */
} dupg_score_options;
/** Equal weights, 1000 Mbit/s full marks, 50 ms half marks. */
#define DUPG_SCORE_OPTIONS_INIT { DUPG_SCORE_OPTIONS_VERSION, 1, 1, 1, 1, 1, 1, 1000, 50 }

/**
 * The score of a node.
 * @param out receives the score, in [0, DUPG_SCORE_MAX]
 * @param res the node's resources
 * @param opts the weights; NULL for ::DUPG_SCORE_OPTIONS_INIT
 * @return 0, ::DUPG_EINVAL (a share out of [0, 1], a negative or NaN value,
 *         weights all 0, a bad reference; the message names the field) or
 *         ::DUPG_EUNSUPPORTED (an options version this library does not know)
 */
DUPG_EXTERN(int) dupg_score(uint32_t *out, const dupg_node_resources *res,
			    const dupg_score_options *opts);

/* ---- the partition ---------------------------------------------------- */

/** The operations server's partition of nodes into regions. Opaque. */
typedef struct dupg_partition dupg_partition;

/** Longest multicast address accepted in a pool, in bytes ("239.255.255.255"). */
#define DUPG_MCAST_MAX_BYTES 15u

/**
 * Plan a partition: N = ceil(planned / max_per_region) regions, region r
 * with the address pool[r].
 * @param out receives the partition; the caller owns it (dupg_partition_free()).
 * @param planned T, the nodes planned, >= 1
 * @param max_per_region M, >= 1
 * @param pool IPv4 multicast addresses (224.0.0.0 .. 239.255.255.255, dotted
 *        decimal), at least N of them, all different; copied. Extra ones are unused.
 * @param pool_count number of entries in pool
 * @return 0, ::DUPG_EINVAL (a count of 0, a pool too small, an address that
 *         is not IPv4 multicast: the message names it), ::DUPG_EEXISTS (an
 *         address twice) or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_partition_new(dupg_partition **out, size_t planned, size_t max_per_region,
				    const char *const *pool, size_t pool_count);
/** Free a partition; NULL is fine. */
DUPG_EXTERN(void) dupg_partition_free(dupg_partition *p);

/**
 * Place the next node to come online (the rule is in the file comment).
 * @param region_out receives its region (0 .. N-1); may be NULL
 * @param score its score
 * @return 0, ::DUPG_EINVAL (a score above DUPG_SCORE_MAX), ::DUPG_ENOSPC
 *         (N * M nodes already placed) or ::DUPG_ENOMEM; on error nothing changed
 */
DUPG_EXTERN(int) dupg_partition_join(size_t *region_out, dupg_partition *p, uint32_t score);

/** N, the number of regions. */
DUPG_EXTERN(size_t) dupg_partition_region_count(const dupg_partition *p);
/** M, the most nodes a region holds. */
DUPG_EXTERN(size_t) dupg_partition_max_per_region(const dupg_partition *p);
/** S, the nodes placed so far (arrivals 0 .. S-1). */
DUPG_EXTERN(size_t) dupg_partition_online(const dupg_partition *p);
/** @return the multicast address of region r (borrowed, lives as long as p); NULL out of range */
DUPG_EXTERN(const char *) dupg_partition_address(const dupg_partition *p, size_t r);
/** @return the members of region r so far (0 out of range) */
DUPG_EXTERN(size_t) dupg_partition_members(const dupg_partition *p, size_t r);
/** @return the region of arrival i; ::DUPG_NONE when i >= S */
DUPG_EXTERN(size_t) dupg_partition_region_of(const dupg_partition *p, size_t i);
/** @return the score arrival i joined with; 0 when i >= S */
DUPG_EXTERN(uint32_t) dupg_partition_score_of(const dupg_partition *p, size_t i);
/** @return R[r], the best score in region r; 0 when r is out of range or not open */
DUPG_EXTERN(uint32_t) dupg_partition_best(const dupg_partition *p, size_t r);
/** @return the arrival that R[r] holds; ::DUPG_NONE when r is out of range or not open */
DUPG_EXTERN(size_t) dupg_partition_best_node(const dupg_partition *p, size_t r);

/* ---- one region's election -------------------------------------------- */

/** What one election did. */
typedef enum {
	DUPG_ELECT_NONE = 0,     /**< nobody alive: no virtual server */
	DUPG_ELECT_KEPT = 1,     /**< the same virtual server as before, same epoch */
	DUPG_ELECT_FIRST = 2,    /**< a virtual server where there was none; epoch + 1 */
	DUPG_ELECT_BETTER = 3,   /**< a better member took over from an alive one; epoch + 1 */
	DUPG_ELECT_FAILOVER = 4  /**< the virtual server was dead: another elected; epoch + 1 */
} dupg_elect_result;

/** @return "none", "kept", "first", "better" or "failover" (static); "unknown" out of range */
DUPG_EXTERN(const char *) dupg_elect_result_name(dupg_elect_result result);
/**
 * The election result dupg_elect_result_name() spells as name.
 * @return 0, or ::DUPG_EINVAL for an unknown name (the message lists the known ones)
 */
DUPG_EXTERN(int) dupg_elect_result_parse(dupg_elect_result *out, const char *name);

/** Version of ::dupg_region_options this header describes. */
#define DUPG_REGION_OPTIONS_VERSION 1
/** How a region watches its members. */
typedef struct {
	unsigned int version; /**< ::DUPG_REGION_OPTIONS_VERSION */
	uint64_t dead_after;  /**< K: a member is dead after K missed periods, >= 1 */
} dupg_region_options;
/** Dead after 3 missed periods. */
#define DUPG_REGION_OPTIONS_INIT { DUPG_REGION_OPTIONS_VERSION, 3 }

/** One region as a node (or a simulator) sees it: members, liveness, the virtual server, the epoch. Opaque. */
typedef struct dupg_region dupg_region;

/**
 * A region with no members, epoch 0, no virtual server.
 * @param out receives the region; the caller owns it (dupg_region_free()).
 * @param id the region's number (what announcements carry)
 * @param opts NULL for ::DUPG_REGION_OPTIONS_INIT
 * @return 0, ::DUPG_EINVAL (dead_after 0), ::DUPG_EUNSUPPORTED (options version) or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_region_new(dupg_region **out, uint32_t id, const dupg_region_options *opts);
/** Free a region; NULL is fine. */
DUPG_EXTERN(void) dupg_region_free(dupg_region *r);

/**
 * Record that member id was heard in period with score (a heartbeat); a new
 * id becomes a member. A member heard again keeps its announced versions.
 * @return 0, ::DUPG_EINVAL (a bad id: empty, not UTF-8, too long; a score
 *         above DUPG_SCORE_MAX; a period before the one the member was last
 *         heard in) or ::DUPG_ENOMEM; on error nothing changed
 */
DUPG_EXTERN(int) dupg_region_heard(dupg_region *r, const char *id, uint32_t score, uint64_t period);

/**
 * Apply an announcement received in period now: the sender is heard (as
 * dupg_region_heard()), its versions replace the ones it announced before,
 * and when it says it is the virtual server its claim is weighed as
 * dupg_region_claim() does.
 * @return 0; ::DUPG_EINVAL (another region's message, a period after now);
 *         ::DUPG_EEXISTS (a replay: an epoch older than the region's, or not
 *         newer in (epoch, period) than the sender's last accepted message);
 *         ::DUPG_ENOMEM. On error nothing changed.
 */
DUPG_EXTERN(int) dupg_region_receive(dupg_region *r, const dupg_announce *a, uint64_t now);

/**
 * Weigh a claim "id leads with score in epoch": adopted when (epoch, score,
 * id) is higher than the region's (epoch, leader's score, leader's id), or
 * when the region has no leader and epoch is not older than the region's.
 * The claimant becomes a member if it was not one (heard in no period yet:
 * it counts as alive from the next heartbeat on).
 * @return 1 when adopted (the old leader steps down), 0 when the claim
 *         loses (the claimant should step down), ::DUPG_EINVAL (a bad id or
 *         score), ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_region_claim(dupg_region *r, const char *id, uint32_t score, uint64_t epoch);

/**
 * The election of period: the alive member with the best (score, id)
 * becomes (or stays) the virtual server; the epoch grows by one when it
 * changes. Periods must not go back.
 * @param result receives what happened; may be NULL
 * @return 0, or ::DUPG_EINVAL (a period before the last election's)
 */
DUPG_EXTERN(int) dupg_region_elect(dupg_elect_result *result, dupg_region *r, uint64_t period);

/** @return the region's number */
DUPG_EXTERN(uint32_t) dupg_region_id(const dupg_region *r);
/** @return the current epoch (0 before any election) */
DUPG_EXTERN(uint64_t) dupg_region_epoch(const dupg_region *r);
/** @return the virtual server's id (borrowed, valid until the next change to r); NULL when none */
DUPG_EXTERN(const char *) dupg_region_leader(const dupg_region *r);
/** @return the number of members known */
DUPG_EXTERN(size_t) dupg_region_member_count(const dupg_region *r);
/** @return member i's id (borrowed, lives as long as r), in the order first heard; NULL out of range */
DUPG_EXTERN(const char *) dupg_region_member(const dupg_region *r, size_t i);
/** @return the index of member id; ::DUPG_NONE when it is not a member */
DUPG_EXTERN(size_t) dupg_region_find(const dupg_region *r, const char *id);
/** @return member i's score; 0 out of range */
DUPG_EXTERN(uint32_t) dupg_region_member_score(const dupg_region *r, size_t i);
/** @return 1 when member i is alive in period (last heard within dead_after periods), else 0 */
DUPG_EXTERN(int) dupg_region_member_alive(const dupg_region *r, size_t i, uint64_t period);
/** @return the version member i last announced for hw (borrowed, valid until its next announcement); NULL when none */
DUPG_EXTERN(const char *) dupg_region_member_version(const dupg_region *r, size_t i, const char *hw);

/** A package as the virtual server's upgrade request describes it. */
typedef struct {
	const char *hw;      /**< the hardware type it is for */
	const char *version; /**< the version it installs */
	const char *min;     /**< the lowest version it applies to; NULL for no bound */
	const char *max;     /**< the highest version it applies to; NULL for no bound */
} dupg_region_package;

/**
 * Does this region need the package? A member needs it when it announced a
 * version v for pkg->hw with min <= v <= max and v < pkg->version (each
 * compared with dupg_vercmp()). Every member known counts, alive or not: a
 * member down now will want it when it comes back.
 * @param out receives how many members need it (0: "already current")
 * @return 0, or ::DUPG_EINVAL (a NULL hw or version, min above max)
 */
DUPG_EXTERN(int) dupg_region_needs(size_t *out, const dupg_region *r, const dupg_region_package *pkg);

/* ---- the announcement --------------------------------------------------- */

/**
 * The newest format version this library reads and writes (it reads 1 and
 * 2; dupg_announce_encode() writes 2 only for a message with a serving URL).
 */
#define DUPG_ANNOUNCE_FORMAT 2
/** The largest encoded announcement, in bytes. */
#define DUPG_ANNOUNCE_MAX_BYTES 1400u
/** The longest serving URL in an announcement, in bytes. */
#define DUPG_ANNOUNCE_URL_MAX_BYTES 256u

/**
 * An announcement with no versions yet.
 * @param out receives it; the caller owns it (dupg_announce_free()).
 * @param sender the sending node's id (copied)
 * @param leader 1 when the sender says it is the virtual server, else 0
 * @return 0, ::DUPG_EINVAL (a bad id, a score above DUPG_SCORE_MAX) or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_announce_new(dupg_announce **out, const char *sender, uint32_t region,
				   uint64_t epoch, uint64_t period, uint32_t score, int leader);
/** Free an announcement; NULL is fine. */
DUPG_EXTERN(void) dupg_announce_free(dupg_announce *a);
/**
 * Add the latest version for a hardware type (both copied).
 * @return 0, ::DUPG_EINVAL (a bad string, or the encoding would pass
 *         DUPG_ANNOUNCE_MAX_BYTES), ::DUPG_EEXISTS (hw twice) or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_announce_add(dupg_announce *a, const char *hw, const char *version);

/**
 * Set the URL where the sender serves its packages (a virtual server's base
 * URL, for instance "http://127.0.0.1:8080"); copied. A message with a URL
 * is encoded as format version 2.
 * @param url 1 .. DUPG_ANNOUNCE_URL_MAX_BYTES bytes of printable ASCII
 *        without spaces; NULL removes the URL
 * @return 0, ::DUPG_EINVAL (a NULL a, a bad URL, or the encoding would pass
 *         DUPG_ANNOUNCE_MAX_BYTES) or ::DUPG_ENOMEM; on error nothing changed
 */
DUPG_EXTERN(int) dupg_announce_set_url(dupg_announce *a, const char *url);
/** @return the serving URL (borrowed, valid until the next dupg_announce_set_url() on a); NULL when none */
DUPG_EXTERN(const char *) dupg_announce_url(const dupg_announce *a);

/** @return the sender's id (borrowed, lives as long as a) */
DUPG_EXTERN(const char *) dupg_announce_sender(const dupg_announce *a);
/** @return the region */
DUPG_EXTERN(uint32_t) dupg_announce_region(const dupg_announce *a);
/** @return the epoch */
DUPG_EXTERN(uint64_t) dupg_announce_epoch(const dupg_announce *a);
/** @return the period */
DUPG_EXTERN(uint64_t) dupg_announce_period(const dupg_announce *a);
/** @return the score */
DUPG_EXTERN(uint32_t) dupg_announce_score(const dupg_announce *a);
/** @return 1 when the sender says it is the virtual server, else 0 */
DUPG_EXTERN(int) dupg_announce_leader(const dupg_announce *a);
/** @return the number of hardware types */
DUPG_EXTERN(size_t) dupg_announce_hw_count(const dupg_announce *a);
/** @return hardware type i (borrowed, lives as long as a); NULL out of range */
DUPG_EXTERN(const char *) dupg_announce_hw(const dupg_announce *a, size_t i);
/** @return the version for hardware type i (borrowed, lives as long as a); NULL out of range */
DUPG_EXTERN(const char *) dupg_announce_version(const dupg_announce *a, size_t i);
/** @return the version announced for hw (borrowed); NULL when none */
DUPG_EXTERN(const char *) dupg_announce_find(const dupg_announce *a, const char *hw);

/**
 * Encode an announcement in the format of the file comment.
 * @param out receives the bytes; the caller frees them with dupg_free()
 * @param len receives their number (at most DUPG_ANNOUNCE_MAX_BYTES)
 * @return 0 or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_announce_encode(unsigned char **out, size_t *len, const dupg_announce *a);
/**
 * Decode an announcement.
 * @param out receives it; the caller owns it (dupg_announce_free()); NULL on error
 * @param buf the bytes, len of them
 * @return 0, ::DUPG_EFORMAT (the message says what is wrong and at which
 *         offset), ::DUPG_EUNSUPPORTED (another format version), ::DUPG_EINVAL
 *         (buf NULL with len > 0) or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_announce_decode(dupg_announce **out, const void *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
