/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The linked upgrade as a two-phase transaction over one or more plans: the
 * state machine, its journal text and resume (pure: no clock, no I/O; the
 * caller passes the time and the journal sink does the writing).
 */
#include "internal.h"
#include "json_internal.h"
#include "plan_internal.h"
#include "topology_internal.h"

#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* the small steps every event takes: inlined, their call would cost more than they do */
#if defined(__GNUC__)
#define HOT static inline __attribute__((always_inline))
#else
#define HOT static inline
#endif

#define NONE32 UINT32_MAX
#define OLD_UNSET (UINT32_MAX - 1)
#define OUT_NONE 0xff

#define JOURNAL_MAGIC "dupg-txn "
#define JOURNAL_FORMAT 1
/*
 * Appended blocks are replaced by a whole journal once they outgrow it this
 * much, and outgrow WHOLE_PER_SCAN bytes per device: rendering one scans
 * every device, so a small journal over many devices (a cascade) must not be
 * rendered every few writes.
 */
#define WHOLE_FACTOR 4
#define WHOLE_PER_SCAN 8
#define WHOLE_SLACK 4096
/*
 * Journal buffers start with this much room for the block's header, written
 * in front of the body once its length and hash are known: no copy.
 */
#define HEAD_ROOM 96
/* a whole journal's records per device, at most (run, slot), reserved on its first render */
#define WHOLE_PER_DEVICE 64

enum { RUNS_OLD, RUNS_NEW, RUNS_OTHER };

/* dev.flags */
#define F_QUEUED 1u    /* in the queue */
#define F_READY 2u     /* in the ready heap */
#define F_TIMED_OUT 4u /* its failure was a timeout */
#define F_WAITING 8u   /* in the waiting list of a device in front of it (rollback) */

struct member {
	const dupg_plan *plan;
	const dupg_topology *topo;
	char *name;
	size_t first, count;
	uint32_t *step_of; /* topology index -> step, NONE32 outside the plan */
	size_t ntopo;
};

/*
 * One device, what every event touches, in 32 bytes: ten thousand of them
 * stay in a core's L2 cache. aux is the count of plan children not yet
 * switched while switching, and the union-find link while rolling back (the
 * two never overlap).
 */
struct dev {
	uint64_t deadline;   /* of the action under way */
	uint32_t timeout_ms; /* of each of its actions */
	uint32_t pparent;    /* nearest ancestor in the same plan (device index), NONE32 */
	uint32_t aux;
	uint32_t pos;        /* place in the switch order */
	uint16_t taken;      /* answers taken, a bit per event kind */
	uint8_t state, failure, out; /* out: the action under way, OUT_NONE */
	uint8_t handed, overtaken;   /* a bit per action kind */
	uint8_t flags;
};

/* The rest of a device: rollbacks and reports only. */
struct cold {
	uint32_t member;
	uint32_t wait_head, wait_tail, wait_next; /* rollback: devices waiting for this one */
	uint32_t old_v, new_v; /* interned versions, NONE32 when unknown; old_v OLD_UNSET until a report */
	int32_t slot;          /* the slot it staged into, -1 unknown */
};

/* What an action names, read only when one is handed out. */
struct info {
	const char *id, *package;  /* borrowed from the plan and its topology */
	uint32_t topo;             /* index in the member's topology */
	uint32_t via;              /* route length; bit 31: the master sends it */
	uint32_t member, step;
};
#define VIA_SEND 0x80000000u

/*
 * Deadlines are now + a device's timeout, and now never goes back: they come
 * mostly in time order. Those go to a FIFO (append, take from the front);
 * the others, when devices of different timeouts interleave, to a heap. Both
 * hold their keys, so nothing reaches into the devices to order them. An
 * answered action leaves its entry behind (stale: the device's deadline no
 * longer matches, or nothing is under way) instead of paying a removal per
 * answer; stale entries are dropped when they come first, and all at once
 * when either array is full. At most n are live and each array holds
 * 2n + 2, so a compaction leaves either room for n + 2 more: a heap of n + 2
 * would be compacted every other push once every device has a deadline out
 * of order (devices of different timeouts all under way), O(n) each time.
 */
struct due {
	uint64_t at;
	uint32_t g;
};

struct dupg_txn {
	dupg_txn_options o;
	struct member *members;
	size_t nmembers;
	struct dev *d;
	struct cold *c;
	struct info *info;
	size_t n;
	char **detail;          /* per device, only for failed ones */
	dupg_strmap *versions;
	uint64_t fingerprint;

	dupg_txn_phase phase;
	int committed;
	dupg_txn_outcome outcome;
	size_t cause_device;
	dupg_txn_failure cause_kind;
	int cause_timed_out;
	char *cause_detail;

	size_t counts[DUPG_TXN_DEV_STATES];
	size_t failed, inflight, unsettled, nswitched, cursor;
	uint32_t *queue;        /* ring: to stage (prepare), to abandon (rollback) */
	size_t qhead, qlen;
	/*
	 * Devices ready to switch (or switch back), by place in the switch order
	 * (reversed when rolling back): a bitset in levels of 64-bit words, so
	 * the first is found in log64(n) steps without a comparison.
	 */
	uint64_t *bits;
	size_t bits_off[8];
	int bits_levels;
	uint32_t *by_pos;       /* device at each place of the switch order */
	size_t nready;
	struct due *fq;         /* deadlines in time order, stale entries included */
	size_t fq_head, fq_tail, fq_cap;
	struct due *dl;         /* min-heap of the deadlines out of order */
	size_t ndl, dl_cap;
	uint64_t next_due;      /* the earliest of both (a stale one perhaps); UINT64_MAX when empty */
	uint64_t now;
	int have_fingerprint;

	/* the journal */
	int recording;          /* append records for the changes */
	int quiet;              /* no progress callbacks (replaying a journal) */
	int watched;            /* recording, or a device callback to call: set_state's one test */
	int dirty;              /* changes not written yet */
	int need_whole;         /* the next write replaces the journal */
	int broken;             /* the sink refused: only free is left */
	dupg_buf body;          /* records of the changes not written yet */
	size_t run_at;          /* offset in body of the last state record, SIZE_MAX */
	uint32_t run_first, run_count;
	uint8_t run_state;
	dupg_buf whole;         /* a whole journal, while it is rendered */
	size_t seq, appended, whole_len;
};

/* ---- names ---------------------------------------------------------------- */

static const char *const phase_names[] = { "prepare", "commit", "abort", "revert", "done" };
static const char *const outcome_names[] = { "running", "committed", "rolled_back",
					     "rollback_incomplete" };
/* names and their lengths from one list: records are written without strlen */
#define DEVICE_STATES(X) X(pending) X(sending) X(staging) X(staged) X(switching) X(switched) \
	X(checking) X(healthy) X(abandoned) X(switching_back) X(switched_back) X(back_failed)
#define NAME_OF(n) #n,
#define LENGTH_OF(n) sizeof(#n) - 1,
static const char *const state_names[] = { DEVICE_STATES(NAME_OF) };
static const uint8_t state_name_len[] = { DEVICE_STATES(LENGTH_OF) };
static const char *const failure_names[] = { "none", "send", "stage", "switch", "fallback",
					     "health", "version", "switch_back", "interrupted",
					     "aborted" };
static const char *const action_names[] = { "send", "stage", "switch", "check", "switch_back",
					    "abandon", "query", "done" };
static const char *const event_names[] = {
	"sent", "send_failed", "staged", "stage_failed", "switched", "switch_failed",
	"healthy", "unhealthy", "switched_back", "switch_back_failed", "report",
};
static const char *const taken_names[] = { "taken", "duplicate", "late" };

#define NAME_PAIR(TYPE, FN, TABLE, WHAT)                                                  \
	const char *FN##_name(TYPE v)                                                     \
	{                                                                                 \
		return dupg__name_of(TABLE, DUPG__COUNT(TABLE), (int)v);                  \
	}                                                                                 \
	int FN##_parse(TYPE *out, const char *name)                                       \
	{                                                                                 \
		int v = 0, rc = dupg__name_parse(&v, TABLE, DUPG__COUNT(TABLE), name, WHAT); \
		if (rc == 0 && out != NULL)                                               \
			*out = (TYPE)v;                                                   \
		return rc;                                                                \
	}

NAME_PAIR(dupg_txn_phase, dupg_txn_phase, phase_names, "transaction phase")
NAME_PAIR(dupg_txn_outcome, dupg_txn_outcome, outcome_names, "transaction outcome")
NAME_PAIR(dupg_txn_state, dupg_txn_state, state_names, "device state")
NAME_PAIR(dupg_txn_failure, dupg_txn_failure, failure_names, "transaction failure")
NAME_PAIR(dupg_txn_action_kind, dupg_txn_action_kind, action_names, "transaction action")
NAME_PAIR(dupg_txn_event_kind, dupg_txn_event_kind, event_names, "transaction event")
NAME_PAIR(dupg_txn_taken, dupg_txn_taken, taken_names, "event result")

/* The action an event answers (a report answers a query, and may also come unasked). */
static const uint8_t answers[] = {
	DUPG_TXN_ACT_SEND, DUPG_TXN_ACT_SEND, DUPG_TXN_ACT_STAGE, DUPG_TXN_ACT_STAGE,
	DUPG_TXN_ACT_SWITCH, DUPG_TXN_ACT_SWITCH, DUPG_TXN_ACT_CHECK, DUPG_TXN_ACT_CHECK,
	DUPG_TXN_ACT_SWITCH_BACK, DUPG_TXN_ACT_SWITCH_BACK, DUPG_TXN_ACT_QUERY,
};

/* ---- the journal's records ---------------------------------------------- */

/* v in decimal at the end of tmp[20]; returns where it starts */
static size_t fmt_u64(char tmp[20], uint64_t v)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	size_t i = 20;

	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);
		v /= 100;
		tmp[--i] = pairs[2 * r + 1];
		tmp[--i] = pairs[2 * r];
	}
	if (v >= 10) {
		tmp[--i] = pairs[2 * v + 1];
		tmp[--i] = pairs[2 * v];
	} else {
		tmp[--i] = (char)('0' + v);
	}
	return i;
}

static void put_u64(dupg_buf *b, uint64_t v)
{
	char tmp[20];
	size_t i = fmt_u64(tmp, v);

	dupg__buf_put(b, tmp + i, 20 - i);
}

static void put_hex64(dupg_buf *b, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[16];
	int i;

	for (i = 15; i >= 0; i--, v >>= 4)
		tmp[i] = hex[v & 15];
	dupg__buf_put(b, tmp, 16);
}

static void put_lit(dupg_buf *b, const char *s)
{
	dupg__buf_puts(b, s);
}

/* STR: N:BYTES */
static void put_strf(dupg_buf *b, const char *s)
{
	size_t n = s == NULL ? 0 : strlen(s);

	put_u64(b, n);
	dupg__buf_put(b, ":", 1);
	dupg__buf_put(b, s == NULL ? "" : s, n);
}

static void rec_begin(dupg_txn *t)
{
	t->run_at = SIZE_MAX;
	t->dirty = 1;
}

/* "state FIRST COUNT NAME\n" in one reservation: the record of every state change */
static void rec_state_run(dupg_buf *b, uint32_t first, uint32_t count, uint8_t state)
{
	char tmp[20], *p;
	size_t i, len = state_name_len[state];
	void *data = b->data;

	if (b->failed || dupg__grow(&data, &b->cap, b->len + 64, 1) != 0) {
		b->failed = 1;
		return;
	}
	b->data = data;
	p = b->data + b->len;
	memcpy(p, "state ", 6);
	p += 6;
	i = fmt_u64(tmp, first);
	memcpy(p, tmp + i, 20 - i);
	p += 20 - i;
	*p++ = ' ';
	i = fmt_u64(tmp, count);
	memcpy(p, tmp + i, 20 - i);
	p += 20 - i;
	*p++ = ' ';
	memcpy(p, state_names[state], len);
	p += len;
	*p++ = '\n';
	*p = '\0';
	b->len = (size_t)(p - b->data);
}

/* Devices changing to one state one after the other (an abort, a batch) make one record. */
HOT void rec_state(dupg_txn *t, uint32_t g, uint8_t state)
{
	if (t->run_at != SIZE_MAX && t->run_state == state && t->run_first + t->run_count == g) {
		t->body.len = t->run_at;
		t->run_count++;
	} else {
		t->run_at = t->body.len;
		t->run_first = g;
		t->run_count = 1;
		t->run_state = state;
	}
	rec_state_run(&t->body, t->run_first, t->run_count, state);
	t->dirty = 1;
}

static void rec_phase(dupg_buf *b, dupg_txn_phase phase, int committed)
{
	put_lit(b, "phase ");
	put_lit(b, phase_names[phase]);
	put_lit(b, committed ? " 1\n" : " 0\n");
}

static void rec_slot(dupg_buf *b, uint32_t g, int32_t slot)
{
	put_lit(b, "slot ");
	put_u64(b, g);
	put_lit(b, " ");
	put_u64(b, (uint64_t)slot);
	put_lit(b, "\n");
}

static void rec_failure(dupg_buf *b, const char *what, size_t g, dupg_txn_failure kind,
			int timed_out, const char *detail)
{
	put_lit(b, what);
	if (g == DUPG_NONE)
		put_lit(b, " -");
	else {
		put_lit(b, " ");
		put_u64(b, g);
	}
	put_lit(b, " ");
	put_lit(b, failure_names[kind]);
	put_lit(b, timed_out ? " 1 " : " 0 ");
	put_strf(b, detail);
	put_lit(b, "\n");
}

static void rec_outcome(dupg_buf *b, dupg_txn_outcome o)
{
	put_lit(b, "outcome ");
	put_lit(b, outcome_names[o]);
	put_lit(b, "\n");
}

/* ---- heaps and the queue ------------------------------------------------- */

HOT int due_less(const struct due *a, const struct due *b)
{
	/* ties by device, so a run is the same on every machine */
	return a->at < b->at || (a->at == b->at && a->g < b->g);
}

static void dl_sift_down(struct due *h, size_t n, size_t i)
{
	struct due x = h[i];

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && due_less(&h[c + 1], &h[c]))
			c++;
		if (!due_less(&h[c], &x))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = x;
}

HOT int due_live(const dupg_txn *t, const struct due *e)
{
	return t->d[e->g].out != OUT_NONE && t->d[e->g].deadline == e->at;
}

static void dl_compact(dupg_txn *t);

HOT void dl_push(dupg_txn *t, uint32_t g)
{
	struct due x;
	size_t i;

	if (t->fq_tail == t->fq_cap || t->ndl == t->dl_cap)
		dl_compact(t);
	x.at = t->d[g].deadline;
	x.g = g;
	if (x.at < t->next_due)
		t->next_due = x.at;
	if (t->fq_tail == t->fq_head || x.at >= t->fq[t->fq_tail - 1].at) {
		t->fq[t->fq_tail++] = x;
		return;
	}
	for (i = t->ndl++; i > 0 && due_less(&x, &t->dl[(i - 1) / 2]); i = (i - 1) / 2)
		t->dl[i] = t->dl[(i - 1) / 2];
	t->dl[i] = x;
}

/* The earliest deadline, or NULL. */
HOT const struct due *dl_top(const dupg_txn *t)
{
	const struct due *f = t->fq_head < t->fq_tail ? &t->fq[t->fq_head] : NULL;

	if (t->ndl == 0)
		return f;
	return f == NULL || due_less(&t->dl[0], f) ? &t->dl[0] : f;
}

static void dl_refresh(dupg_txn *t)
{
	const struct due *e = dl_top(t);

	t->next_due = e == NULL ? UINT64_MAX : e->at;
}

/* Drop every stale entry: the FIFO keeps its order, the heap is made again. O(n). */
static void dl_compact(dupg_txn *t)
{
	size_t i, k = 0;

	for (i = t->fq_head; i < t->fq_tail; i++)
		if (due_live(t, &t->fq[i]))
			t->fq[k++] = t->fq[i];
	t->fq_head = 0;
	t->fq_tail = k;
	for (i = 0, k = 0; i < t->ndl; i++)
		if (due_live(t, &t->dl[i]))
			t->dl[k++] = t->dl[i];
	t->ndl = k;
	for (i = k / 2; i > 0; i--)
		dl_sift_down(t->dl, k, i - 1);
	dl_refresh(t);
}


/* Take top (what dl_top gave) away. */
static void dl_pop(dupg_txn *t, const struct due *top)
{
	if (top != t->dl) {
		if (++t->fq_head == t->fq_tail)
			t->fq_head = t->fq_tail = 0;
		return;
	}
	t->dl[0] = t->dl[--t->ndl];
	if (t->ndl > 0)
		dl_sift_down(t->dl, t->ndl, 0);
}

static void dl_pop_refresh(dupg_txn *t, const struct due *top)
{
	dl_pop(t, top);
	dl_refresh(t);
}

/* The action under way on g ended without its deadline: its entry is stale, left for later. */
HOT void dl_forget(dupg_txn *t, uint32_t g)
{
	(void)t;
	(void)g;
}

static int first_bit(uint64_t w)
{
#if defined(__GNUC__)
	return __builtin_ctzll(w);
#else
	int i = 0;

	while (!(w & 1)) {
		w >>= 1;
		i++;
	}
	return i;
#endif
}

/* The bitset's levels: level 0 one bit per place, each level above one bit per word below. */
static int bits_init(dupg_txn *t)
{
	size_t words = 0, n = t->n > 0 ? t->n : 1;
	int l = 0;

	do {
		n = (n + 63) / 64;
		t->bits_off[l++] = words;
		words += n;
	} while (n > 1 && l < 8);
	t->bits_levels = l;
	t->bits = calloc(words, sizeof(*t->bits));
	return t->bits == NULL ? dupg__error_nomem() : 0;
}

HOT uint32_t ready_key(const dupg_txn *t, uint32_t g)
{
	/* switching: in switch order; rolling back: the reverse */
	return t->phase == DUPG_TXN_COMMIT ? t->d[g].pos : (uint32_t)(t->n - 1) - t->d[g].pos;
}

HOT void ready_push(dupg_txn *t, uint32_t g)
{
	size_t k;
	int l;

	if (t->d[g].flags & F_READY)
		return;
	t->d[g].flags |= F_READY;
	t->nready++;
	for (k = ready_key(t, g), l = 0; l < t->bits_levels; l++, k >>= 6) {
		uint64_t *w = &t->bits[t->bits_off[l] + (k >> 6)], was = *w;
		*w = was | (uint64_t)1 << (k & 63);
		if (was != 0)
			break;
	}
}

static uint32_t ready_pop(dupg_txn *t)
{
	size_t k = 0;
	uint32_t g;
	int l;

	for (l = t->bits_levels - 1; l >= 0; l--)
		k = k << 6 | (size_t)first_bit(t->bits[t->bits_off[l] + k]);
	g = t->by_pos[t->phase == DUPG_TXN_COMMIT ? k : t->n - 1 - k];
	for (l = 0; l < t->bits_levels; l++, k >>= 6) {
		uint64_t *w = &t->bits[t->bits_off[l] + (k >> 6)];
		*w &= ~((uint64_t)1 << (k & 63));
		if (*w != 0)
			break;
	}
	t->nready--;
	t->d[g].flags &= (uint8_t)~F_READY;
	return g;
}

static void ready_clear(dupg_txn *t)
{
	size_t words = t->bits_off[t->bits_levels - 1] + 1;
	uint32_t g;

	if (t->nready == 0)
		return;
	memset(t->bits, 0, words * sizeof(*t->bits));
	for (g = 0; g < t->n; g++)
		t->d[g].flags &= (uint8_t)~F_READY;
	t->nready = 0;
}

HOT void queue_push(dupg_txn *t, uint32_t g)
{
	if (t->d[g].flags & F_QUEUED)
		return;
	size_t i = t->qhead + t->qlen++;

	t->d[g].flags |= F_QUEUED;
	t->queue[i >= t->n ? i - t->n : i] = g;
}

HOT uint32_t queue_pop(dupg_txn *t)
{
	uint32_t g = t->queue[t->qhead];

	if (++t->qhead == t->n)
		t->qhead = 0;
	t->qlen--;
	t->d[g].flags &= (uint8_t)~F_QUEUED;
	return g;
}

static void queue_clear(dupg_txn *t)
{
	while (t->qlen > 0)
		queue_pop(t);
	t->qhead = 0;
}

/* ---- state changes ------------------------------------------------------ */

HOT void set_state(dupg_txn *t, uint32_t g, dupg_txn_state s)
{
	struct dev *d = &t->d[g];
	dupg_txn_state from = (dupg_txn_state)d->state;

	if (from == s)
		return;
	t->counts[from]--;
	t->counts[s]++;
	d->state = (uint8_t)s;
	if (!t->watched)
		return;
	if (t->recording)
		rec_state(t, g, (uint8_t)s);
	if (t->o.on_device != NULL && !t->quiet)
		t->o.on_device(t, g, from, s, t->o.progress_payload);
}

static void set_phase(dupg_txn *t, dupg_txn_phase p)
{
	dupg_txn_phase from = t->phase;

	t->phase = p;
	if (p == DUPG_TXN_COMMIT || p == DUPG_TXN_REVERT)
		t->committed = 1;
	if (t->recording) {
		rec_begin(t);
		rec_phase(&t->body, p, t->committed);
	}
	if (from != p && t->o.on_phase != NULL && !t->quiet)
		t->o.on_phase(t, from, p, t->o.progress_payload);
}

HOT int slot_free(const dupg_txn *t)
{
	return t->o.parallel == 0 || t->inflight < t->o.parallel;
}

/* The action under way ends without its answer: a timeout, or a rollback passing it by. */
HOT void overtake(dupg_txn *t, uint32_t g)
{
	struct dev *d = &t->d[g];

	if (d->out == OUT_NONE)
		return;
	d->overtaken |= (uint8_t)(1u << d->out);
	d->out = OUT_NONE;
	dl_forget(t, g);
	t->inflight--;
}

/* The per-device details, made on the first failure that has one. */
static int details(dupg_txn *t)
{
	if (t->detail == NULL && (t->detail = calloc(t->n + 1, sizeof(*t->detail))) == NULL)
		return DUPG_ENOMEM;
	return 0;
}

static const char *detail_of(const dupg_txn *t, size_t g)
{
	return t->detail == NULL ? NULL : t->detail[g];
}

/* Record device g's first failure. 0 or DUPG_ENOMEM. */
static int note_failure(dupg_txn *t, uint32_t g, dupg_txn_failure kind, int timed_out,
			const char *detail)
{
	struct dev *d = &t->d[g];

	if (d->failure != DUPG_TXN_FAIL_NONE)
		return 0;
	if (detail != NULL && *detail != '\0' &&
	    (details(t) != 0 || (t->detail[g] = strdup(detail)) == NULL))
		return dupg__error_nomem();
	d->failure = (uint8_t)kind;
	if (timed_out)
		d->flags |= F_TIMED_OUT;
	t->failed++;
	if (t->recording) {
		rec_begin(t);
		rec_failure(&t->body, "fail", g, kind, timed_out, detail);
	}
	return 0;
}

static int set_cause(dupg_txn *t, size_t g, dupg_txn_failure kind, int timed_out,
		     const char *detail)
{
	char *copy = NULL;

	if (detail != NULL && *detail != '\0' && (copy = strdup(detail)) == NULL)
		return dupg__error_nomem();
	free(t->cause_detail);
	t->cause_detail = copy;
	t->cause_device = g;
	t->cause_kind = kind;
	t->cause_timed_out = timed_out;
	if (t->recording) {
		rec_begin(t);
		rec_failure(&t->body, "cause", g, kind, timed_out, detail);
	}
	return 0;
}

HOT int rolling_back(const dupg_txn *t)
{
	return t->phase == DUPG_TXN_ABORT || t->phase == DUPG_TXN_REVERT;
}

/* ---- rollback ----------------------------------------------------------- */

/* The nearest device at or above x (by plan parents) still to settle, NONE32 when none. */
static uint32_t find_unsettled(dupg_txn *t, uint32_t x)
{
	while (x != NONE32 && t->d[x].aux != x) {
		uint32_t y = t->d[x].aux;
		/* path halving: settled devices stay settled (but see unsettle()) */
		if (y != NONE32 && t->d[y].aux != y)
			t->d[x].aux = t->d[y].aux;
		x = t->d[x].aux;
	}
	return x;
}

static void waiter_add(dupg_txn *t, uint32_t a, uint32_t g)
{
	t->d[g].flags |= F_WAITING;
	t->c[g].wait_next = NONE32;
	if (t->c[a].wait_head == NONE32)
		t->c[a].wait_head = g;
	else
		t->c[t->c[a].wait_tail].wait_next = g;
	t->c[a].wait_tail = g;
}

/* g runs (or may run) its new slot and must switch back once everything in front of it is back. */
static void want_back(dupg_txn *t, uint32_t g)
{
	uint32_t a;

	/* already waiting for a device in front of it: it is released with that list */
	if (t->d[g].flags & F_WAITING)
		return;
	a = find_unsettled(t, t->d[g].pparent);
	if (a == NONE32)
		ready_push(t, g);
	else
		waiter_add(t, a, g);
}

static int needs_back(const dupg_txn *t, uint32_t g)
{
	switch (t->d[g].state) {
	case DUPG_TXN_DEV_SWITCHED:
	case DUPG_TXN_DEV_CHECKING:
	case DUPG_TXN_DEV_HEALTHY:
	case DUPG_TXN_DEV_SWITCHING_BACK:
		return 1;
	default:
		return 0;
	}
}

/* g has nothing more to do in the rollback: release the devices waiting for it. */
static void settle(dupg_txn *t, uint32_t g)
{
	struct dev *d = &t->d[g];
	uint32_t a, w, next;

	if (d->aux != g)
		return;
	t->unsettled--;
	d->aux = d->pparent;
	a = find_unsettled(t, g);
	if (t->c[g].wait_head == NONE32)
		return;
	if (a != NONE32) {
		/* they wait for the next one up instead */
		if (t->c[a].wait_head == NONE32)
			t->c[a].wait_head = t->c[g].wait_head;
		else
			t->c[t->c[a].wait_tail].wait_next = t->c[g].wait_head;
		t->c[a].wait_tail = t->c[g].wait_tail;
	} else {
		for (w = t->c[g].wait_head; w != NONE32; w = next) {
			next = t->c[w].wait_next;
			t->d[w].flags &= (uint8_t)~F_WAITING;
			ready_push(t, w);
		}
	}
	t->c[g].wait_head = t->c[g].wait_tail = NONE32;
}

/*
 * A device settled in the rollback runs its new version after all (a report):
 * it must switch back too. Devices whose paths were halved past it may then
 * switch back before it: the order is lost for them, never the consistency.
 */
static void unsettle(dupg_txn *t, uint32_t g)
{
	if (t->d[g].aux == g)
		return;
	t->d[g].aux = g;
	t->unsettled++;
	want_back(t, g);
}

/* g runs its old version with something staged, or nothing: abandon, and it is settled. */
static void back_to_old(dupg_txn *t, uint32_t g)
{
	if (t->d[g].state != DUPG_TXN_DEV_ABANDONED && t->d[g].state != DUPG_TXN_DEV_SWITCHED_BACK)
		set_state(t, g, DUPG_TXN_DEV_STAGED);
	if (t->d[g].state == DUPG_TXN_DEV_STAGED)
		queue_push(t, g);
	settle(t, g);
}

/*
 * Roll back: abandon every staged slot, switch back every device that runs
 * (or may run) its new slot, in the reverse of the switch order. resumed: a
 * new instance after a crash, so nothing handed out before is known done.
 */
static void enter_rollback(dupg_txn *t, int resumed)
{
	uint32_t g;

	set_phase(t, t->committed ? DUPG_TXN_REVERT : DUPG_TXN_ABORT);
	ready_clear(t);
	queue_clear(t);
	t->unsettled = 0;
	t->inflight = 0;
	for (g = 0; g < t->n; g++) {
		struct dev *d = &t->d[g];
		int wait = 0, back = 0;

		t->c[g].wait_head = t->c[g].wait_tail = t->c[g].wait_next = NONE32;
		d->flags &= (uint8_t)~F_WAITING;
		/* only a switch under way is waited for; its slot is the only one still taken */
		if (d->out != OUT_NONE && d->out != DUPG_TXN_ACT_SWITCH) {
			d->overtaken |= (uint8_t)(1u << d->out);
			d->out = OUT_NONE;
		}
		if (d->out != OUT_NONE)
			t->inflight++;
		switch (d->state) {
		case DUPG_TXN_DEV_SENDING:
		case DUPG_TXN_DEV_STAGING:
		case DUPG_TXN_DEV_STAGED:
			queue_push(t, g);
			break;
		case DUPG_TXN_DEV_ABANDONED:
			if (resumed)
				queue_push(t, g); /* the abandon may never have reached it */
			break;
		case DUPG_TXN_DEV_SWITCHING:
			if (d->out == DUPG_TXN_ACT_SWITCH) {
				wait = 1; /* its answer decides */
			} else {
				/* told to switch before the crash, answer unknown: back, to be sure */
				set_state(t, g, DUPG_TXN_DEV_SWITCHED);
				back = 1;
			}
			break;
		case DUPG_TXN_DEV_SWITCHED:
		case DUPG_TXN_DEV_CHECKING:
		case DUPG_TXN_DEV_HEALTHY:
		case DUPG_TXN_DEV_SWITCHING_BACK:
			back = 1;
			break;
		default:
			break;
		}
		if (wait || back) {
			d->aux = g;
			t->unsettled++;
		} else {
			d->aux = d->pparent;
		}
	}
	/* only switches under way still have deadlines */
	dl_compact(t);
	/* dispatch order: everything in front of a device is linked before it */
	for (g = 0; g < t->n; g++)
		if (t->d[g].aux == g && t->d[g].out == OUT_NONE)
			want_back(t, g);
}

/* g failed: record it, and the first failure before the end rolls everything back. */
static int fail(dupg_txn *t, uint32_t g, dupg_txn_failure kind, int timed_out, const char *detail)
{
	int rc = note_failure(t, g, kind, timed_out, detail);

	if (rc == 0 && (t->phase == DUPG_TXN_PREPARE || t->phase == DUPG_TXN_COMMIT)) {
		rc = set_cause(t, g, kind, timed_out, detail);
		if (rc == 0)
			enter_rollback(t, 0);
	}
	return rc;
}

/* ---- switching ------------------------------------------------------------ */

/*
 * Every device staged. After a resume, a device told to switch before the
 * crash is asked what it runs (a query) before anything else is decided for
 * it: a report made after the question cannot be one from before the switch.
 * Checks under way are run again.
 */
static void enter_commit(dupg_txn *t)
{
	uint32_t g;

	set_phase(t, DUPG_TXN_COMMIT);
	ready_clear(t);
	queue_clear(t);
	t->nswitched = 0;
	t->cursor = 0;
	t->inflight = 0; /* every device staged: nothing is under way */
	for (g = 0; g < t->n; g++)
		t->d[g].aux = 0;
	for (g = 0; g < t->n; g++) {
		struct dev *d = &t->d[g];
		if (d->state == DUPG_TXN_DEV_STAGED || d->state == DUPG_TXN_DEV_SWITCHING) {
			if (d->pparent != NONE32)
				t->d[d->pparent].aux++;
		} else {
			t->nswitched++;
		}
	}
	for (g = 0; g < t->n; g++) {
		if (t->d[g].state == DUPG_TXN_DEV_SWITCHING)
			queue_push(t, g);
		else if (t->d[g].state == DUPG_TXN_DEV_STAGED && t->d[g].aux == 0)
			ready_push(t, g);
	}
}

/* g now runs its new slot, by an answer or a report. */
HOT void now_switched(dupg_txn *t, uint32_t g)
{
	uint32_t p = t->d[g].pparent;

	set_state(t, g, DUPG_TXN_DEV_SWITCHED);
	if (t->phase == DUPG_TXN_COMMIT) {
		t->nswitched++;
		if (p != NONE32 && --t->d[p].aux == 0 && t->d[p].state == DUPG_TXN_DEV_STAGED)
			ready_push(t, p);
	} else if (rolling_back(t)) {
		want_back(t, g);
	}
}

static void finish(dupg_txn *t, dupg_txn_outcome o)
{
	t->outcome = o;
	set_phase(t, DUPG_TXN_DONE);
	if (t->recording) {
		rec_begin(t);
		rec_outcome(&t->body, o);
	}
}

/* Move to the next phase when this one is complete. 1 when the phase changed. */
HOT int advance(dupg_txn *t)
{
	switch (t->phase) {
	case DUPG_TXN_PREPARE:
		if (t->counts[DUPG_TXN_DEV_STAGED] < t->n)
			return 0;
		enter_commit(t);
		return 1;
	case DUPG_TXN_COMMIT:
		if (t->counts[DUPG_TXN_DEV_HEALTHY] < t->n)
			return 0;
		finish(t, DUPG_TXN_COMMITTED);
		return 1;
	case DUPG_TXN_ABORT:
	case DUPG_TXN_REVERT:
		if (t->unsettled > 0 || t->qlen > 0)
			return 0;
		finish(t, t->counts[DUPG_TXN_DEV_BACK_FAILED] > 0 ? DUPG_TXN_ROLLBACK_INCOMPLETE
								   : DUPG_TXN_ROLLED_BACK);
		return 1;
	default:
		return 0;
	}
}

/* ---- handing out actions ---------------------------------------------------- */

HOT uint64_t deadline_of(const dupg_txn *t, uint32_t g)
{
	uint64_t add = t->d[g].timeout_ms;

	return add > UINT64_MAX - t->now ? UINT64_MAX : t->now + add;
}

HOT void fill(const dupg_txn *t, dupg_txn_action *a, uint32_t g, dupg_txn_action_kind kind)
{
	const struct dev *d = &t->d[g];
	const struct info *in = &t->info[g];

	a->kind = kind;
	a->device = g;
	a->member = in->member;
	a->step = in->step;
	a->topology_index = in->topo;
	a->id = in->id;
	a->package = kind == DUPG_TXN_ACT_SEND || kind == DUPG_TXN_ACT_STAGE ? in->package : NULL;
	a->via_count = kind == DUPG_TXN_ACT_SEND ? (in->via & ~VIA_SEND) : 0;
	a->deadline_ms = kind == DUPG_TXN_ACT_ABANDON ? 0 : d->deadline;
	a->outcome = DUPG_TXN_RUNNING;
}

/* Hand out an action that waits for an answer. in_flight: it takes a parallel slot. */
HOT void hand(dupg_txn *t, dupg_txn_action *a, uint32_t g, dupg_txn_action_kind kind,
		 dupg_txn_state state, int in_flight)
{
	struct dev *d = &t->d[g];

	set_state(t, g, state);
	d->out = (uint8_t)kind;
	d->handed |= (uint8_t)(1u << kind);
	d->deadline = deadline_of(t, g);
	dl_push(t, g);
	if (in_flight)
		t->inflight++;
	fill(t, a, g, kind);
}

HOT int is_send(const dupg_txn *t, uint32_t g)
{
	return (t->info[g].via & VIA_SEND) != 0;
}

/*
 * Actions of the current phase into a[0..room): how many, 0 when none can
 * start now. Handing one out never makes another ready, so each source is
 * drained in turn.
 */
static size_t produce(dupg_txn *t, dupg_txn_action *a, size_t room)
{
	size_t n = 0;
	uint32_t g;

	switch (t->phase) {
	case DUPG_TXN_PREPARE:
		while (n < room && t->qlen > 0) {
			g = queue_pop(t);
			/* it keeps the slot its send took */
			if (t->d[g].state == DUPG_TXN_DEV_SENDING && t->d[g].out == OUT_NONE)
				hand(t, &a[n++], g, DUPG_TXN_ACT_STAGE, DUPG_TXN_DEV_STAGING, 0);
		}
		while (n < room && t->cursor < t->n && slot_free(t)) {
			g = (uint32_t)t->cursor++;
			if (is_send(t, g))
				hand(t, &a[n++], g, DUPG_TXN_ACT_SEND, DUPG_TXN_DEV_SENDING, 1);
			else
				hand(t, &a[n++], g, DUPG_TXN_ACT_STAGE, DUPG_TXN_DEV_STAGING, 1);
		}
		return n;
	case DUPG_TXN_COMMIT:
		if (t->nswitched < t->n) {
			/* resumed: first ask the devices whose switch was not answered */
			while (n < room && t->qlen > 0 && slot_free(t)) {
				g = queue_pop(t);
				if (t->d[g].state == DUPG_TXN_DEV_SWITCHING && t->d[g].out == OUT_NONE)
					hand(t, &a[n++], g, DUPG_TXN_ACT_QUERY, DUPG_TXN_DEV_SWITCHING, 1);
			}
			while (n < room && t->nready > 0 && slot_free(t)) {
				g = ready_pop(t);
				if (t->d[g].out == OUT_NONE && t->d[g].state == DUPG_TXN_DEV_STAGED)
					hand(t, &a[n++], g, DUPG_TXN_ACT_SWITCH, DUPG_TXN_DEV_SWITCHING, 1);
			}
			return n;
		}
		/* every device switched: the health checks, in dispatch order */
		while (n < room && t->cursor < t->n) {
			g = (uint32_t)t->cursor;
			if (t->d[g].out == OUT_NONE && (t->d[g].state == DUPG_TXN_DEV_SWITCHED ||
							t->d[g].state == DUPG_TXN_DEV_CHECKING)) {
				if (!slot_free(t))
					break;
				hand(t, &a[n++], g, DUPG_TXN_ACT_CHECK, DUPG_TXN_DEV_CHECKING, 1);
			}
			t->cursor++;
		}
		return n;
	case DUPG_TXN_ABORT:
	case DUPG_TXN_REVERT:
		while (n < room && t->qlen > 0) {
			g = queue_pop(t);
			switch (t->d[g].state) {
			case DUPG_TXN_DEV_SENDING:
			case DUPG_TXN_DEV_STAGING:
			case DUPG_TXN_DEV_STAGED:
			case DUPG_TXN_DEV_ABANDONED:
				t->d[g].handed |= 1u << DUPG_TXN_ACT_ABANDON;
				set_state(t, g, DUPG_TXN_DEV_ABANDONED);
				fill(t, &a[n++], g, DUPG_TXN_ACT_ABANDON);
				break;
			default:
				break; /* it switched meanwhile (a report): no longer to abandon */
			}
		}
		while (n < room && t->nready > 0 && slot_free(t)) {
			g = ready_pop(t);
			if (t->d[g].aux == g && t->d[g].out == OUT_NONE && needs_back(t, g))
				hand(t, &a[n++], g, DUPG_TXN_ACT_SWITCH_BACK, DUPG_TXN_DEV_SWITCHING_BACK, 1);
		}
		return n;
	default:
		return 0;
	}
}

/* ---- timeouts ------------------------------------------------------------------ */

static int time_out(dupg_txn *t, uint32_t g)
{
	struct dev *d = &t->d[g];
	int a = d->out;

	overtake(t, g);
	switch (a) {
	case DUPG_TXN_ACT_SEND:
		return fail(t, g, DUPG_TXN_FAIL_SEND, 1, "no answer in time");
	case DUPG_TXN_ACT_STAGE:
		return fail(t, g, DUPG_TXN_FAIL_STAGE, 1, "no answer in time");
	case DUPG_TXN_ACT_SWITCH:
		/* it may run either slot: as far as the rollback knows, the new one */
		set_state(t, g, DUPG_TXN_DEV_SWITCHED);
		if (rolling_back(t)) {
			want_back(t, g);
			return note_failure(t, g, DUPG_TXN_FAIL_SWITCH, 1, "no answer in time");
		}
		return fail(t, g, DUPG_TXN_FAIL_SWITCH, 1, "no answer in time");
	case DUPG_TXN_ACT_CHECK:
		return fail(t, g, DUPG_TXN_FAIL_HEALTH, 1, "no answer in time");
	case DUPG_TXN_ACT_SWITCH_BACK:
		set_state(t, g, DUPG_TXN_DEV_BACK_FAILED);
		settle(t, g);
		return note_failure(t, g, DUPG_TXN_FAIL_SWITCH_BACK, 1, "no answer in time");
	case DUPG_TXN_ACT_QUERY:
		/* told to switch before the crash, and silent since: lost, perhaps on its new slot */
		set_state(t, g, DUPG_TXN_DEV_SWITCHED);
		if (rolling_back(t)) {
			want_back(t, g);
			return note_failure(t, g, DUPG_TXN_FAIL_SWITCH, 1, "no report in time");
		}
		return fail(t, g, DUPG_TXN_FAIL_SWITCH, 1, "no report in time");
	default:
		return 0;
	}
}

/* The deadlines now has reached pass; *passed (when not NULL) is set when one did. */
static int expire_due(dupg_txn *t, int *passed)
{
	int rc = 0;

	const struct due *e;

	while (rc == 0 && (e = dl_top(t)) != NULL && e->at <= t->now) {
		struct due top = *e;

		dl_pop_refresh(t, e);
		if (due_live(t, &top)) {
			rc = time_out(t, top.g);
			if (passed != NULL)
				*passed = 1;
		}
	}
	return rc;
}

HOT int expire_some(dupg_txn *t, uint64_t now, int *passed)
{
	if (now > t->now)
		t->now = now;
	/* the usual case: nothing is due */
	if (t->next_due > t->now)
		return 0;
	return expire_due(t, passed);
}

HOT int expire(dupg_txn *t, uint64_t now)
{
	return expire_some(t, now, NULL);
}

/* ---- events ------------------------------------------------------------------------ */

/*
 * The old version of device g, interned when a report first needs it: most
 * transactions see no report, and each device's version is its own copy in
 * the topology, so doing it up front would cost a comparison per device.
 */
static int old_version(dupg_txn *t, uint32_t g)
{
	const struct member *m;
	size_t id;
	int rc;

	if (t->c[g].old_v != OLD_UNSET)
		return 0;
	m = &t->members[t->c[g].member];
	rc = dupg__strmap_intern(t->versions, dupg_topology_device(m->topo, t->info[g].topo)->version,
				 &id, NULL);
	if (rc == 0)
		t->c[g].old_v = (uint32_t)id;
	return rc;
}

/* What a report says device g runs. 0, DUPG_ENOMEM or DUPG_EINVAL (it cannot tell; the caller names g). */
static int report_runs(int *runs, dupg_txn *t, uint32_t g, const dupg_txn_event *ev)
{
	int rc = old_version(t, g);
	size_t v;

	if (rc != 0)
		return rc;
	v = ev->version != NULL ? dupg__strmap_find(t->versions, ev->version) : DUPG_NONE;
	if (ev->version != NULL && t->c[g].new_v != NONE32 && t->c[g].new_v != t->c[g].old_v) {
		*runs = v == t->c[g].new_v ? RUNS_NEW : v == t->c[g].old_v ? RUNS_OLD : RUNS_OTHER;
		return 0;
	}
	if (ev->slot >= 0 && t->c[g].slot >= 0) {
		*runs = ev->slot == t->c[g].slot ? RUNS_NEW : RUNS_OLD;
		return 0;
	}
	if (ev->version != NULL && t->c[g].new_v == NONE32) {
		/* the new version is not known: anything but the old one is taken for it */
		*runs = v == t->c[g].old_v ? RUNS_OLD : RUNS_NEW;
		return 0;
	}
	return dupg__error(DUPG_EINVAL, "the report cannot tell its old version from its new: %s",
			   ev->version != NULL ? "they are the same; give the slot it runs"
					       : "the slot it staged into is not known; give its version");
}

static const char *dev_id(const dupg_txn *t, uint32_t g)
{
	const struct member *m = &t->members[t->c[g].member];

	return dupg_plan_device(m->plan, g - m->first);
}

/*
 * A report: what it means for g. Reports are believed when they add work
 * (a device on its new version must switch back), never to drop it: a device
 * told to switch goes back in a rollback whatever it reports, for a report
 * made before the switch reached it would say "old" too. A report answering
 * a query is made after the question, so it settles a switch left unanswered
 * by a crash.
 */
static int take_report(dupg_txn *t, uint32_t g, int runs, const char *detail, int *taken)
{
	struct dev *d = &t->d[g];
	dupg_txn_state s = (dupg_txn_state)d->state;
	int back = rolling_back(t);

	*taken = DUPG_TXN_TAKEN;
	if (d->out == DUPG_TXN_ACT_QUERY) {
		d->out = OUT_NONE;
		dl_forget(t, g);
		t->inflight--;
	}
	if (s == DUPG_TXN_DEV_SWITCHING && d->out == OUT_NONE && runs != RUNS_OTHER) {
		/* resumed, and asked: it did switch, or it has not yet */
		if (runs == RUNS_NEW) {
			now_switched(t, g);
		} else {
			set_state(t, g, DUPG_TXN_DEV_STAGED);
			if (t->phase == DUPG_TXN_COMMIT && d->aux == 0)
				ready_push(t, g);
		}
		return 0;
	}
	switch (s) {
	case DUPG_TXN_DEV_SWITCHING:
		overtake(t, g);
		if (runs == RUNS_NEW) {
			now_switched(t, g);
			return 0;
		}
		/* told to switch, it runs its old version (a boot fallback) or another one */
		set_state(t, g, DUPG_TXN_DEV_SWITCHED);
		if (back) {
			want_back(t, g);
			return note_failure(t, g, runs == RUNS_OLD ? DUPG_TXN_FAIL_FALLBACK
								   : DUPG_TXN_FAIL_VERSION, 0, detail);
		}
		return fail(t, g, runs == RUNS_OLD ? DUPG_TXN_FAIL_FALLBACK : DUPG_TXN_FAIL_VERSION, 0,
			    detail);
	case DUPG_TXN_DEV_SWITCHED:
	case DUPG_TXN_DEV_CHECKING:
	case DUPG_TXN_DEV_HEALTHY:
		if (runs == RUNS_NEW) {
			*taken = DUPG_TXN_DUPLICATE;
			return 0;
		}
		if (back)
			return note_failure(t, g, runs == RUNS_OLD ? DUPG_TXN_FAIL_FALLBACK
								   : DUPG_TXN_FAIL_VERSION, 0, detail);
		overtake(t, g);
		return fail(t, g, runs == RUNS_OLD ? DUPG_TXN_FAIL_FALLBACK : DUPG_TXN_FAIL_VERSION, 0,
			    detail);
	case DUPG_TXN_DEV_SWITCHING_BACK:
	case DUPG_TXN_DEV_BACK_FAILED:
		/* only the switch back's own answer settles it */
		*taken = DUPG_TXN_DUPLICATE;
		return 0;
	default:
		if (runs == RUNS_OLD) {
			*taken = DUPG_TXN_DUPLICATE;
			return 0;
		}
		/* never told to switch (or back already), yet not on its old version */
		overtake(t, g);
		set_state(t, g, DUPG_TXN_DEV_SWITCHED);
		if (back) {
			unsettle(t, g);
			return note_failure(t, g, DUPG_TXN_FAIL_VERSION, 0, detail);
		}
		return fail(t, g, DUPG_TXN_FAIL_VERSION, 0, detail);
	}
}

/* The answer ev to the action under way on g. */
HOT int take_answer(dupg_txn *t, uint32_t g, const dupg_txn_event *ev)
{
	struct dev *d = &t->d[g];
	int back = rolling_back(t);

	d->taken |= (uint16_t)(1u << ev->kind);
	switch (ev->kind) {
	case DUPG_TXN_EV_SENT:
		/* the send's slot stays taken until staging is done */
		d->out = OUT_NONE;
		dl_forget(t, g);
		queue_push(t, g);
		return 0;
	case DUPG_TXN_EV_SEND_FAILED:
		overtake(t, g);
		return fail(t, g, DUPG_TXN_FAIL_SEND, 0, ev->detail);
	case DUPG_TXN_EV_STAGED:
		overtake(t, g);
		if (ev->slot >= 0 && t->c[g].slot != ev->slot) {
			t->c[g].slot = ev->slot;
			if (t->recording) {
				rec_begin(t);
				rec_slot(&t->body, g, t->c[g].slot);
			}
		}
		set_state(t, g, DUPG_TXN_DEV_STAGED);
		return 0;
	case DUPG_TXN_EV_STAGE_FAILED:
		overtake(t, g);
		return fail(t, g, DUPG_TXN_FAIL_STAGE, 0, ev->detail);
	case DUPG_TXN_EV_SWITCHED:
		overtake(t, g);
		now_switched(t, g);
		return 0;
	case DUPG_TXN_EV_SWITCH_FAILED:
		overtake(t, g);
		/* it did not switch: it runs its old slot, its new one still staged */
		set_state(t, g, DUPG_TXN_DEV_STAGED);
		if (back) {
			back_to_old(t, g);
			return note_failure(t, g, DUPG_TXN_FAIL_SWITCH, 0, ev->detail);
		}
		return fail(t, g, DUPG_TXN_FAIL_SWITCH, 0, ev->detail);
	case DUPG_TXN_EV_HEALTHY:
		overtake(t, g);
		set_state(t, g, DUPG_TXN_DEV_HEALTHY);
		return 0;
	case DUPG_TXN_EV_UNHEALTHY:
		overtake(t, g);
		return fail(t, g, DUPG_TXN_FAIL_HEALTH, 0, ev->detail);
	case DUPG_TXN_EV_SWITCHED_BACK:
		overtake(t, g);
		set_state(t, g, DUPG_TXN_DEV_SWITCHED_BACK);
		settle(t, g);
		return 0;
	case DUPG_TXN_EV_SWITCH_BACK_FAILED:
		overtake(t, g);
		set_state(t, g, DUPG_TXN_DEV_BACK_FAILED);
		settle(t, g);
		return note_failure(t, g, DUPG_TXN_FAIL_SWITCH_BACK, 0, ev->detail);
	default:
		return 0;
	}
}

/* Is ev an answer g waits for (0), or what else: DUPLICATE, LATE or a negative error. */
HOT int classify(const dupg_txn *t, uint32_t g, const dupg_txn_event *ev)
{
	const struct dev *d = &t->d[g];
	int a = answers[ev->kind];

	if (d->out == a)
		return DUPG_TXN_TAKEN;
	if (d->taken & (1u << ev->kind))
		return DUPG_TXN_DUPLICATE;
	if (d->handed & (1u << a)) {
		if (d->taken & (1u << (ev->kind ^ 1)))
			return dupg__error(DUPG_EEXISTS, "device %s: \"%s\", but it answered \"%s\" to "
					   "the same %s", dev_id(t, (uint32_t)g), event_names[ev->kind],
					   event_names[ev->kind ^ 1], action_names[a]);
		return DUPG_TXN_LATE;
	}
	return dupg__error(DUPG_EINVAL, "device %s: \"%s\" answers a %s it was never given (it is %s, "
			   "the transaction in phase %s)", dev_id(t, (uint32_t)g), event_names[ev->kind],
			   action_names[a], state_names[d->state], phase_names[t->phase]);
}

/* Every event but the usual answer: the checks in the order their errors are told. */
static int feed_slow(dupg_txn *t, const dupg_txn_event *ev, uint64_t now_ms)
{
	uint32_t g;
	int rc, runs = RUNS_OLD, taken, passed = 0;

	if (t->broken)
		return dupg__error(DUPG_EABORTED, "transaction stopped by its journal: resume it");
	if ((unsigned)ev->kind > DUPG_TXN_EV_REPORT)
		return dupg__error(DUPG_EINVAL, "dupg_txn_feed: unknown event kind %d", (int)ev->kind);
	if (ev->device >= t->n)
		return dupg__error(DUPG_ENOTFOUND, "dupg_txn_feed: no device %zu (the transaction has %zu)",
				   ev->device, t->n);
	g = (uint32_t)ev->device;
	/* everything that can refuse the event is decided before anything changes */
	if (ev->kind == DUPG_TXN_EV_REPORT) {
		if (ev->version == NULL && ev->slot < 0)
			return dupg__error(DUPG_EINVAL, "report of device %s: neither version nor slot",
					   dev_id(t, g));
		/* after the end the topology may say the new version already: nothing to tell apart */
		if (t->phase == DUPG_TXN_DONE)
			return DUPG_TXN_LATE;
		if ((rc = report_runs(&runs, t, g, ev)) != 0)
			return dupg__error_prefix(rc, "report of device %s", dev_id(t, g));
	} else if ((rc = classify(t, g, ev)) != DUPG_TXN_TAKEN) {
		return rc;
	}
	if ((rc = expire_some(t, now_ms, &passed)) != 0)
		return rc;
	if (t->phase == DUPG_TXN_DONE)
		return ev->kind == DUPG_TXN_EV_REPORT ? DUPG_TXN_LATE : classify(t, g, ev);
	if (ev->kind == DUPG_TXN_EV_REPORT) {
		rc = take_report(t, g, runs, ev->detail, &taken);
	} else {
		/* a deadline that passed just now turns the answer into a late one */
		if (passed && (taken = classify(t, g, ev)) != DUPG_TXN_TAKEN)
			return taken;
		taken = DUPG_TXN_TAKEN;
		rc = take_answer(t, g, ev);
	}
	while (rc == 0 && advance(t))
		;
	return rc != 0 ? rc : taken;
}

int dupg_txn_feed(dupg_txn *t, const dupg_txn_event *ev, uint64_t now_ms)
{
	uint32_t g;
	int rc;

	if (t == NULL || ev == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_txn_feed: NULL argument");
	/*
	 * The usual case, apart so that it stays short: the answer a device owes,
	 * with no deadline reached. It is what feed_slow does for it, without the
	 * tests that cannot fail here.
	 */
	g = (uint32_t)ev->device;
	if (!t->broken && (unsigned)ev->kind < DUPG_TXN_EV_REPORT && ev->device < t->n &&
	    t->d[g].out == answers[ev->kind] && t->phase != DUPG_TXN_DONE &&
	    t->next_due > (now_ms > t->now ? now_ms : t->now)) {
		if (now_ms > t->now)
			t->now = now_ms;
		rc = take_answer(t, g, ev);
		while (rc == 0 && advance(t))
			;
		return rc != 0 ? rc : DUPG_TXN_TAKEN;
	}
	return feed_slow(t, ev, now_ms);
}

/* ---- the journal writes -------------------------------------------------------- */

static uint64_t fingerprint_of(const dupg_txn *t);

/* Computed when first needed: a transaction without a journal never pays for it. */
static uint64_t fingerprint(const dupg_txn *t)
{
	dupg_txn *w = (dupg_txn *)t;

	if (!t->have_fingerprint) {
		w->fingerprint = fingerprint_of(t);
		w->have_fingerprint = 1;
	}
	return t->fingerprint;
}

static void render_whole(dupg_buf *b, const dupg_txn *t)
{
	size_t g, run;

	put_lit(b, "txn ");
	put_u64(b, t->nmembers);
	put_lit(b, " ");
	put_u64(b, t->n);
	put_lit(b, " ");
	put_hex64(b, fingerprint(t));
	put_lit(b, "\n");
	rec_phase(b, t->phase, t->committed);
	for (g = 0; g < t->n; g = run) {
		for (run = g + 1; run < t->n && t->d[run].state == t->d[g].state; run++)
			;
		if (t->d[g].state != DUPG_TXN_DEV_PENDING)
			rec_state_run(b, (uint32_t)g, (uint32_t)(run - g), t->d[g].state);
	}
	for (g = 0; g < t->n; g++) {
		if (t->c[g].slot >= 0)
			rec_slot(b, (uint32_t)g, t->c[g].slot);
		if (t->d[g].failure != DUPG_TXN_FAIL_NONE)
			rec_failure(b, "fail", g, (dupg_txn_failure)t->d[g].failure,
				    (t->d[g].flags & F_TIMED_OUT) != 0, detail_of(t, g));
	}
	if (t->cause_kind != DUPG_TXN_FAIL_NONE)
		rec_failure(b, "cause", t->cause_device, t->cause_kind, t->cause_timed_out,
			    t->cause_detail);
	if (t->phase == DUPG_TXN_DONE)
		rec_outcome(b, t->outcome);
}

/* Empty b, keeping room for a block header in front. 0 or DUPG_ENOMEM (b latches failed). */
static int buf_reset(dupg_buf *b, size_t reserve)
{
	void *data = b->data;

	b->len = 0;
	if (b->failed || dupg__grow(&data, &b->cap, HEAD_ROOM + reserve + 1, 1) != 0) {
		b->failed = 1;
		return DUPG_ENOMEM;
	}
	b->data = data;
	b->len = HEAD_ROOM;
	b->data[b->len] = '\0';
	return 0;
}

/*
 * Write "B SEQ LEN HASH\n" (after the magic line for a whole journal) in the
 * room in front of b's body; *len receives the block's length.
 */
static char *frame(dupg_buf *b, int whole, size_t seq, size_t *len)
{
	size_t blen = b->len - HEAD_ROOM;
	dupg_buf h = { 0 };
	char room[HEAD_ROOM], *start;

	h.data = room;
	h.cap = sizeof(room);
	if (whole) {
		put_lit(&h, JOURNAL_MAGIC);
		put_u64(&h, JOURNAL_FORMAT);
		put_lit(&h, "\n");
	}
	put_lit(&h, "B ");
	put_u64(&h, seq);
	put_lit(&h, " ");
	put_u64(&h, blen);
	put_lit(&h, " ");
	put_hex64(&h, XXH3_64bits(b->data + HEAD_ROOM, blen));
	put_lit(&h, "\n");
	start = b->data + HEAD_ROOM - h.len;
	memcpy(start, room, h.len);
	*len = h.len + blen;
	return start;
}

/* Hand the changes to the sink. */
static int write_journal(dupg_txn *t)
{
	int replace, rc;
	char *data;
	size_t len;

	if (t->o.journal == NULL || !t->dirty)
		return 0;
	/* records that could not be kept (out of memory) are made good by a whole journal */
	replace = t->need_whole || t->o.journal_replace_only || t->body.failed ||
		  (t->appended > WHOLE_FACTOR * t->whole_len + WHOLE_SLACK &&
		   t->appended > WHOLE_PER_SCAN * t->n);
	t->seq++;
	if (replace) {
		/* room for the worst case once, so a growing journal never reallocates */
		buf_reset(&t->whole, t->n * WHOLE_PER_DEVICE + WHOLE_SLACK);
		render_whole(&t->whole, t);
	}
	if (t->whole.failed && replace) {
		/* nothing reached the sink and the changes cannot be written: as a crash */
		t->broken = 1;
		return dupg__error_nomem();
	}
	data = frame(replace ? &t->whole : &t->body, replace, t->seq, &len);
	rc = t->o.journal(data, len, replace, t->o.journal_payload);
	if (rc != 0) {
		t->broken = 1;
		if (rc < 0)
			return dupg__error_prefix(rc, "transaction journal, write %zu", t->seq);
		return dupg__error(DUPG_EABORTED, "transaction journal: the sink stopped at write %zu",
				   t->seq);
	}
	if (replace) {
		t->whole_len = len;
		t->appended = 0;
		t->need_whole = 0;
	} else {
		t->appended += len;
	}
	if (t->body.failed) {
		free(t->body.data);
		memset(&t->body, 0, sizeof(t->body));
	}
	/* no room means the next changes fail to be kept: they are then made good by a whole journal */
	buf_reset(&t->body, 0);
	t->run_at = SIZE_MAX;
	t->dirty = 0;
	return 0;
}

int dupg_txn_next(dupg_txn *t, uint64_t now_ms, dupg_txn_action *actions, size_t cap,
		  size_t *count)
{
	size_t n = 0, k;
	int rc, done_given = 0;

	if (count != NULL)
		*count = 0;
	if (t == NULL || actions == NULL || count == NULL || cap == 0)
		return dupg__error(DUPG_EINVAL, "dupg_txn_next: NULL argument or no room for an action");
	if (t->broken)
		return dupg__error(DUPG_EABORTED, "transaction stopped by its journal: resume it");
	rc = expire(t, now_ms);
	while (rc == 0 && n < cap) {
		if (t->phase == DUPG_TXN_DONE) {
			if (done_given)
				break;
			memset(&actions[n], 0, sizeof(actions[n]));
			actions[n].kind = DUPG_TXN_ACT_DONE;
			actions[n].device = actions[n].member = actions[n].step = DUPG_NONE;
			actions[n].topology_index = DUPG_NONE;
			actions[n].outcome = t->outcome;
			n++;
			done_given = 1;
			continue;
		}
		if ((k = produce(t, &actions[n], cap - n)) > 0) {
			n += k;
			continue;
		}
		/*
		 * A rollback's end is written apart from its last actions (abandons):
		 * a crash on the write that holds them must resume to repeat them.
		 */
		if (n > 0 && rolling_back(t))
			break;
		if (!advance(t))
			break;
	}
	if (rc == 0 && n > 0)
		rc = write_journal(t);
	if (rc != 0)
		return rc;
	*count = n;
	return 0;
}

int dupg_txn_abort(dupg_txn *t, const char *detail, uint64_t now_ms)
{
	int rc;

	if (t == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_txn_abort: NULL transaction");
	if (t->broken)
		return dupg__error(DUPG_EABORTED, "transaction stopped by its journal: resume it");
	if (t->phase != DUPG_TXN_PREPARE && t->phase != DUPG_TXN_COMMIT)
		return dupg__error(DUPG_EINVAL, "dupg_txn_abort: the transaction is already %s",
				   t->phase == DUPG_TXN_DONE ? "done" : "rolling back");
	if ((rc = expire(t, now_ms)) != 0 || rolling_back(t) || t->phase == DUPG_TXN_DONE)
		return rc;
	rc = set_cause(t, DUPG_NONE, DUPG_TXN_FAIL_ABORTED, 0, detail);
	if (rc == 0)
		enter_rollback(t, 0);
	while (rc == 0 && advance(t))
		;
	return rc;
}

uint64_t dupg_txn_wake(const dupg_txn *t)
{
	/* the top may be a stale entry: early, never late */
	return t == NULL ? UINT64_MAX : t->next_due;
}

/* ---- building one ---------------------------------------------------------------------- */

static uint64_t mix(uint64_t h, const char *s)
{
	if (s == NULL)
		s = "";
	return XXH3_64bits_withSeed(s, strlen(s) + 1, h);
}

static uint64_t mix_count(uint64_t h, size_t v)
{
	char tmp[20];
	size_t i = fmt_u64(tmp, v);

	return XXH3_64bits_withSeed(tmp + i, 20 - i, h);
}

/* What the journal must match: member names, device ids and packages, in order. */
static uint64_t fingerprint_of(const dupg_txn *t)
{
	uint64_t h = mix(0, "dupg-txn");
	size_t m, s;

	h = mix_count(h, t->nmembers);
	for (m = 0; m < t->nmembers; m++) {
		const struct member *mb = &t->members[m];
		h = mix(h, mb->name);
		h = mix_count(h, mb->count);
		for (s = 0; s < mb->count; s++) {
			h = mix(h, dupg_plan_device(mb->plan, s));
			h = mix(h, dupg_plan_package(mb->plan, s));
		}
	}
	return h;
}

/*
 * Each step's plan parent: the nearest ancestor in the same plan. Mostly the
 * device's parent is in the plan itself; otherwise the chain of devices
 * outside the plan above it is walked once and remembered (near[v]: 0 not
 * known yet, 1 none, else the topology index + 2), so the whole is linear.
 */
static int plan_parents(dupg_txn *t, struct member *m)
{
	const dupg_topology *topo = m->topo;
	uint32_t *near = NULL, *stack = NULL;
	size_t s;

	for (s = 0; s < m->count; s++) {
		size_t p = dupg__topology_parent_at(topo, t->info[m->first + s].topo), x, top = 0;
		uint32_t base;

		if (p == DUPG_NONE || m->step_of[p] != NONE32) {
			t->d[m->first + s].pparent = p == DUPG_NONE ? NONE32 : (uint32_t)(m->first + m->step_of[p]);
			continue;
		}
		if (near == NULL) {
			near = calloc(m->ntopo + 1, sizeof(*near));
			stack = malloc((m->ntopo + 1) * sizeof(*stack));
			if (near == NULL || stack == NULL) {
				free(near);
				free(stack);
				return dupg__error_nomem();
			}
		}
		for (x = p; x != DUPG_NONE && near[x] == 0 && m->step_of[x] == NONE32;
		     x = dupg__topology_parent_at(topo, x))
			stack[top++] = (uint32_t)x;
		base = x == DUPG_NONE ? 1 : near[x] != 0 ? near[x] : (uint32_t)x + 2;
		while (top > 0)
			near[stack[--top]] = base;
		t->d[m->first + s].pparent = base == 1 ? NONE32 :
					     (uint32_t)(m->first + m->step_of[base - 2]);
	}
	free(near);
	free(stack);
	return 0;
}

/* A version's id; devices side by side mostly run the same one: the last is kept at hand. */
struct intern_cache {
	const char *last;
	uint32_t id;
};

static int intern(uint32_t *out, dupg_txn *t, const char *v, struct intern_cache *c)
{
	size_t id;
	int rc;

	*out = NONE32;
	if (v == NULL)
		return 0;
	if (c->last != NULL && (c->last == v || strcmp(c->last, v) == 0)) {
		*out = c->id;
		return 0;
	}
	rc = dupg__strmap_intern(t->versions, v, &id, NULL);
	if (rc == 0) {
		*out = (uint32_t)id;
		c->last = v;
		c->id = (uint32_t)id;
	}
	return rc;
}

static int add_member(dupg_txn *t, size_t mi, const dupg_txn_member *in, size_t first)
{
	struct member *m = &t->members[mi];
	struct intern_cache new_cache = { NULL, 0 };
	size_t *order = NULL, s;
	int rc;

	m->plan = in->plan;
	m->topo = dupg_plan_topology(in->plan);
	m->first = first;
	m->count = dupg_plan_count(in->plan);
	m->ntopo = dupg_topology_count(m->topo);
	if (in->name != NULL) {
		m->name = strdup(in->name);
	} else {
		dupg_buf b = { 0 };
		put_lit(&b, "member ");
		put_u64(&b, mi);
		if (dupg__buf_finish(&b, &m->name) != 0)
			m->name = NULL;
	}
	m->step_of = malloc((m->ntopo + 1) * sizeof(*m->step_of));
	order = malloc((m->count + 1) * sizeof(*order));
	if (m->name == NULL || m->step_of == NULL || order == NULL) {
		free(order);
		return dupg__error_nomem();
	}
	for (s = 0; s < m->ntopo; s++)
		m->step_of[s] = NONE32;
	/* every field of every device, in one pass (the arrays are not zeroed) */
	for (s = 0, rc = 0; rc == 0 && s < m->count; s++) {
		const struct dupg__plan_step *st = &m->plan->steps[s];
		struct dev *d = &t->d[first + s];
		struct cold *c = &t->c[first + s];
		struct info *inf = &t->info[first + s];
		const dupg_device_vd *vd = dupg__topology_device_at(m->topo, st->dev);
		double ms = (double)t->o.timeout_floor_ms +
			    t->o.timeout_factor * (double)vd->duration_s * 1000.0;

		m->step_of[st->dev] = (uint32_t)s;
		memset(d, 0, sizeof(*d));
		d->timeout_ms = ms >= (double)UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
		d->out = OUT_NONE;
		c->member = (uint32_t)mi;
		c->slot = -1;
		c->wait_head = c->wait_tail = c->wait_next = NONE32;
		c->old_v = OLD_UNSET;
		inf->id = st->id;
		inf->package = st->package;
		inf->topo = (uint32_t)st->dev;
		inf->member = (uint32_t)mi;
		inf->step = (uint32_t)s;
		inf->via = ((uint32_t)st->via_count & ~VIA_SEND) |
			   (st->action == DUPG_ACTION_SEND ? VIA_SEND : 0);
		rc = intern(&c->new_v, t, in->versions != NULL ? in->versions[s] : NULL, &new_cache);
	}
	if (rc == 0) {
		dupg_plan_switch_order(m->plan, order);
		for (s = 0; s < m->count; s++) {
			t->d[first + order[s]].pos = (uint32_t)(first + s);
			t->by_pos[first + s] = (uint32_t)(first + order[s]);
		}
		rc = plan_parents(t, m);
	}
	free(order);
	return rc;
}

static int check_options(const dupg_txn_options **opts)
{
	static const dupg_txn_options defaults = DUPG_TXN_OPTIONS_INIT;

	if (*opts == NULL)
		*opts = &defaults;
	if ((*opts)->version != DUPG_TXN_OPTIONS_VERSION)
		return dupg__error(DUPG_EINVAL, "transaction options: unknown version %u",
				   (*opts)->version);
	if (!isfinite((*opts)->timeout_factor) || (*opts)->timeout_factor < 0)
		return dupg__error(DUPG_EINVAL, "transaction options: timeout factor must be a "
				   "finite number >= 0");
	return 0;
}

static int build(dupg_txn **out, const dupg_txn_member *members, size_t nmembers,
		 const dupg_txn_options *opts)
{
	dupg_txn *t;
	size_t m, total = 0;
	int rc;

	if (out == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_txn_new: out is NULL");
	*out = NULL;
	if ((rc = check_options(&opts)) != 0)
		return rc;
	if (nmembers > 0 && members == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_txn_new: members is NULL");
	for (m = 0; m < nmembers; m++) {
		const dupg_topology *topo = dupg_plan_topology(members[m].plan);
		if (members[m].plan == NULL || dupg_topology_master(topo) == DUPG_NONE)
			return dupg__error(DUPG_EINVAL, "dupg_txn_new: member %zu: %s", m,
					   members[m].plan == NULL ? "no plan" : "its topology is not checked");
		total += dupg_plan_count(members[m].plan);
		if (total >= NONE32 - 1)
			return dupg__error(DUPG_EINVAL, "dupg_txn_new: more than %u devices", NONE32 - 2);
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return dupg__error_nomem();
	t->o = *opts;
	t->n = total;
	t->nmembers = nmembers;
	t->members = calloc(nmembers + 1, sizeof(*t->members));
	t->d = malloc((total + 1) * sizeof(*t->d));
	t->c = malloc((total + 1) * sizeof(*t->c));
	t->info = malloc((total + 1) * sizeof(*t->info));
	t->queue = malloc((total + 1) * sizeof(*t->queue));
	t->by_pos = malloc((total + 1) * sizeof(*t->by_pos));
	/* one live entry per device at most, and as many stale ones before a compaction */
	t->fq_cap = 2 * total + 2;
	t->fq = malloc(t->fq_cap * sizeof(*t->fq));
	t->dl_cap = 2 * total + 2;
	t->dl = malloc(t->dl_cap * sizeof(*t->dl));
	if (t->members == NULL || t->d == NULL || t->c == NULL || t->queue == NULL ||
	    t->by_pos == NULL || t->dl == NULL || t->fq == NULL || t->info == NULL)
		rc = dupg__error_nomem();
	if (rc == 0)
		rc = bits_init(t);
	/* the changes between two writes: room for a few thousand, so that it never grows in a run */
	if (rc == 0 && t->o.journal != NULL &&
	    buf_reset(&t->body, WHOLE_PER_DEVICE * (total < 4096 ? total : 4096) + WHOLE_SLACK) != 0)
		rc = dupg__error_nomem();
	if (rc == 0)
		rc = dupg__strmap_new(&t->versions);
	for (m = 0, total = 0; rc == 0 && m < nmembers; m++) {
		rc = add_member(t, m, &members[m], total);
		total += t->members[m].count;
	}
	if (rc != 0) {
		dupg_txn_free(t);
		return rc;
	}
	t->counts[DUPG_TXN_DEV_PENDING] = t->n;
	t->phase = DUPG_TXN_PREPARE;
	t->cause_device = DUPG_NONE;
	t->next_due = UINT64_MAX;
	t->run_at = SIZE_MAX;
	t->recording = t->o.journal != NULL;
	t->watched = t->recording || t->o.on_device != NULL;
	t->need_whole = 1;
	t->dirty = 1;
	*out = t;
	return 0;
}

int dupg_txn_new(dupg_txn **out, const dupg_txn_member *members, size_t nmembers,
		 const dupg_txn_options *opts)
{
	return build(out, members, nmembers, opts);
}

void dupg_txn_free(dupg_txn *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nmembers; i++) {
		free(t->members[i].name);
		free(t->members[i].step_of);
	}
	for (i = 0; t->detail != NULL && i < t->n; i++)
		free(t->detail[i]);
	free(t->members);
	free(t->d);
	free(t->c);
	free(t->info);
	free(t->detail);
	free(t->queue);
	free(t->dl);
	free(t->fq);
	free(t->cause_detail);
	free(t->body.data);
	free(t->whole.data);
	free(t->bits);
	free(t->by_pos);
	dupg__strmap_free(t->versions);
	free(t);
}

/* ---- resume --------------------------------------------------------------------------- */

/* A cursor over a body being replayed. */
struct scan {
	const char *p, *end;
};

static int scan_word(struct scan *s, const char **w, size_t *len)
{
	const char *q = s->p;

	while (q < s->end && *q != ' ' && *q != '\n')
		q++;
	if (q == s->p)
		return -1;
	*w = s->p;
	*len = (size_t)(q - s->p);
	s->p = q;
	return 0;
}

static int scan_char(struct scan *s, char c)
{
	if (s->p >= s->end || *s->p != c)
		return -1;
	s->p++;
	return 0;
}

static int scan_u64(struct scan *s, uint64_t *v, uint64_t max)
{
	const char *q = s->p;
	uint64_t x = 0;

	if (q >= s->end || *q < '0' || *q > '9')
		return -1;
	for (; q < s->end && *q >= '0' && *q <= '9'; q++) {
		if (x > (max - (uint64_t)(*q - '0')) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*q - '0');
	}
	*v = x;
	s->p = q;
	return 0;
}

static int scan_hex64(struct scan *s, uint64_t *v)
{
	uint64_t x = 0;
	int i;

	if (s->end - s->p < 16)
		return -1;
	for (i = 0; i < 16; i++) {
		char c = s->p[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			return -1;
		x = x << 4 | (uint64_t)d;
	}
	s->p += 16;
	*v = x;
	return 0;
}

/* A name of table; -1 when it is none. */
static int scan_name(struct scan *s, const char *const *table, size_t n)
{
	const char *w;
	size_t len, i;

	if (scan_word(s, &w, &len) != 0)
		return -1;
	for (i = 0; i < n; i++)
		if (strlen(table[i]) == len && memcmp(table[i], w, len) == 0)
			return (int)i;
	return -1;
}

/* STR, copied (NULL when empty). 0, -1 malformed, or DUPG_ENOMEM. */
static int scan_str(struct scan *s, char **out)
{
	uint64_t n;

	*out = NULL;
	if (scan_u64(s, &n, (uint64_t)(s->end - s->p)) != 0 || scan_char(s, ':') != 0 ||
	    n > (uint64_t)(s->end - s->p))
		return -1;
	if (n > 0) {
		*out = malloc((size_t)n + 1);
		if (*out == NULL)
			return dupg__error_nomem();
		memcpy(*out, s->p, (size_t)n);
		(*out)[n] = '\0';
	}
	s->p += n;
	return 0;
}

static int scan_device(struct scan *s, const dupg_txn *t, size_t *g, int dash_ok)
{
	uint64_t v;

	if (dash_ok && s->p < s->end && *s->p == '-') {
		s->p++;
		*g = DUPG_NONE;
		return 0;
	}
	if (t->n == 0 || scan_u64(s, &v, t->n - 1) != 0)
		return -1;
	*g = (size_t)v;
	return 0;
}

/* One record of a body (the txn line is read by the caller). 0; -1 malformed; or a dupg_err. */
static int replay_record(dupg_txn *t, struct scan *s)
{
	const char *w;
	size_t len, g;
	uint64_t a, b;
	int k, to;
	char *str = NULL;

	if (scan_word(s, &w, &len) != 0 || scan_char(s, ' ') != 0)
		return -1;
	if (len == 5 && memcmp(w, "phase", 5) == 0) {
		if ((k = scan_name(s, phase_names, DUPG__COUNT(phase_names))) < 0 ||
		    scan_char(s, ' ') != 0 || scan_u64(s, &a, 1) != 0)
			return -1;
		t->phase = (dupg_txn_phase)k;
		t->committed = (int)a;
	} else if (len == 5 && memcmp(w, "state", 5) == 0) {
		if (scan_device(s, t, &g, 0) != 0 || scan_char(s, ' ') != 0 ||
		    scan_u64(s, &b, t->n - g) != 0 || b == 0 || scan_char(s, ' ') != 0 ||
		    (k = scan_name(s, state_names, DUPG__COUNT(state_names))) < 0)
			return -1;
		for (a = 0; a < b; a++)
			set_state(t, (uint32_t)(g + a), (dupg_txn_state)k);
	} else if (len == 4 && memcmp(w, "slot", 4) == 0) {
		if (scan_device(s, t, &g, 0) != 0 || scan_char(s, ' ') != 0 ||
		    scan_u64(s, &a, INT32_MAX) != 0)
			return -1;
		t->c[g].slot = (int32_t)a;
	} else if ((len == 4 && memcmp(w, "fail", 4) == 0) || (len == 5 && memcmp(w, "cause", 5) == 0)) {
		int is_cause = len == 5, rc;
		if (scan_device(s, t, &g, is_cause) != 0 || scan_char(s, ' ') != 0 ||
		    (k = scan_name(s, failure_names, DUPG__COUNT(failure_names))) <= 0 ||
		    scan_char(s, ' ') != 0 || scan_u64(s, &a, 1) != 0 || scan_char(s, ' ') != 0)
			return -1;
		to = (int)a;
		if ((rc = scan_str(s, &str)) != 0)
			return rc;
		if (is_cause) {
			free(t->cause_detail);
			t->cause_detail = str;
			t->cause_device = g;
			t->cause_kind = (dupg_txn_failure)k;
			t->cause_timed_out = to;
		} else {
			if (t->d[g].failure == DUPG_TXN_FAIL_NONE)
				t->failed++;
			if (details(t) != 0) {
				free(str);
				return dupg__error_nomem();
			}
			free(t->detail[g]);
			t->detail[g] = str;
			t->d[g].failure = (uint8_t)k;
			t->d[g].flags = (uint8_t)((t->d[g].flags & ~F_TIMED_OUT) | (to ? F_TIMED_OUT : 0));
		}
	} else if (len == 7 && memcmp(w, "outcome", 7) == 0) {
		if ((k = scan_name(s, outcome_names, DUPG__COUNT(outcome_names))) < 0)
			return -1;
		t->outcome = (dupg_txn_outcome)k;
	} else {
		return -1;
	}
	return 0;
}

static int replay_body(dupg_txn *t, const char *body, size_t len, int first)
{
	struct scan s = { body, body + len };
	int rc;

	if (first) {
		/* txn MEMBERS DEVICES FINGERPRINT: these members, or refuse */
		uint64_t m, n, fp;
		if (len < 4 || memcmp(body, "txn ", 4) != 0)
			return dupg__error(DUPG_EFORMAT, "transaction journal: a whole journal does not "
					   "start with its txn line");
		s.p += 4;
		if (scan_u64(&s, &m, SIZE_MAX) != 0 || scan_char(&s, ' ') != 0 ||
		    scan_u64(&s, &n, SIZE_MAX) != 0 || scan_char(&s, ' ') != 0 ||
		    scan_hex64(&s, &fp) != 0 || scan_char(&s, '\n') != 0)
			return dupg__error(DUPG_EFORMAT, "transaction journal: bad txn line");
		if (m != t->nmembers || n != t->n || fp != fingerprint(t))
			return dupg__error(DUPG_EINVAL, "transaction journal: it belongs to other members "
					   "(%llu members, %llu devices, fingerprint %016llx; these are %zu, "
					   "%zu, %016llx)", (unsigned long long)m, (unsigned long long)n,
					   (unsigned long long)fp, t->nmembers, t->n,
					   (unsigned long long)fingerprint(t));
	}
	while (s.p < s.end) {
		const char *line = s.p;
		rc = replay_record(t, &s);
		if (rc == 0 && scan_char(&s, '\n') != 0)
			rc = -1;
		if (rc < 0 && rc != -1)
			return rc;
		if (rc != 0)
			return dupg__error(DUPG_EFORMAT, "transaction journal: bad record at byte %zu: "
					   "\"%.40s\"", (size_t)(line - body), line);
	}
	return 0;
}

/* 1 when the rest of the journal is nothing a write could have completed (a torn tail). */
static int only_torn(const char *p, const char *end)
{
	const char *q;

	if (memchr(p, '\n', (size_t)(end - p)) == NULL)
		return 1;
	for (q = p; q < end; q++)
		if (*q != '\0')
			return 0;
	return 1;
}

/* Replay every block of a journal into t. */
static int replay(dupg_txn *t, const char *j, size_t len)
{
	const char *p = j, *end = j + len;
	struct scan s;
	uint64_t fmt, seq, blen, hash, prev = 0;
	int first = 1, rc;
	size_t ml = strlen(JOURNAL_MAGIC);

	if (len < ml || memcmp(j, JOURNAL_MAGIC, ml) != 0)
		return dupg__error(DUPG_EFORMAT, "transaction journal: not one (no \"%s\" line)", "dupg-txn");
	s.p = j + ml;
	s.end = end;
	if (scan_u64(&s, &fmt, UINT32_MAX) != 0 || scan_char(&s, '\n') != 0)
		return dupg__error(DUPG_EFORMAT, "transaction journal: bad format line");
	if (fmt != JOURNAL_FORMAT)
		return dupg__error(DUPG_EUNSUPPORTED, "transaction journal: format %llu (this library "
				   "reads %d)", (unsigned long long)fmt, JOURNAL_FORMAT);
	p = s.p;
	while (p < end) {
		const char *body;

		s.p = p;
		if (scan_char(&s, 'B') != 0 || scan_char(&s, ' ') != 0 ||
		    scan_u64(&s, &seq, SIZE_MAX) != 0 || scan_char(&s, ' ') != 0 ||
		    scan_u64(&s, &blen, SIZE_MAX) != 0 || scan_char(&s, ' ') != 0 ||
		    scan_hex64(&s, &hash) != 0 || scan_char(&s, '\n') != 0) {
			if (only_torn(p, end))
				break;
			return dupg__error(DUPG_EFORMAT, "transaction journal: bad block header at byte %zu",
					   (size_t)(p - j));
		}
		body = s.p;
		if (blen > (uint64_t)(end - body))
			break; /* cut short by the crash */
		if (XXH3_64bits(body, (size_t)blen) != hash) {
			if (body + blen == end)
				break; /* the last write, damaged: it was never acknowledged */
			return dupg__error(DUPG_EFORMAT, "transaction journal: block %llu damaged, and "
					   "more follows", (unsigned long long)seq);
		}
		if (!first && seq != prev + 1)
			return dupg__error(DUPG_EFORMAT, "transaction journal: block %llu after block %llu",
					   (unsigned long long)seq, (unsigned long long)prev);
		rc = replay_body(t, body, (size_t)blen, first);
		if (rc != 0)
			return rc;
		prev = seq;
		first = 0;
		p = body + blen;
	}
	if (first)
		return dupg__error(DUPG_EFORMAT, "transaction journal: no complete write");
	t->seq = (size_t)prev;
	return 0;
}

/* What the states say was handed out before the crash: answers to those are late, not errors. */
static void assume_handed(dupg_txn *t)
{
	uint32_t g;

	for (g = 0; g < t->n; g++) {
		struct dev *d = &t->d[g];
		uint8_t h = 0;

		switch (d->state) {
		case DUPG_TXN_DEV_SWITCHING_BACK:
		case DUPG_TXN_DEV_SWITCHED_BACK:
		case DUPG_TXN_DEV_BACK_FAILED:
			h |= 1u << DUPG_TXN_ACT_SWITCH_BACK;
			/* fall through */
		case DUPG_TXN_DEV_CHECKING:
		case DUPG_TXN_DEV_HEALTHY:
			h |= 1u << DUPG_TXN_ACT_CHECK;
			/* fall through */
		case DUPG_TXN_DEV_SWITCHING:
		case DUPG_TXN_DEV_SWITCHED:
			h |= 1u << DUPG_TXN_ACT_SWITCH;
			/* fall through */
		case DUPG_TXN_DEV_STAGING:
		case DUPG_TXN_DEV_STAGED:
		case DUPG_TXN_DEV_ABANDONED:
			h |= 1u << DUPG_TXN_ACT_STAGE;
			/* fall through */
		case DUPG_TXN_DEV_SENDING:
			if (is_send(t, g))
				h |= 1u << DUPG_TXN_ACT_SEND;
			break;
		default:
			break;
		}
		/* checks and switch backs: perhaps never given; over-marking only makes LATE of EINVAL */
		d->handed = h;
		d->overtaken = h;
	}
}

int dupg_txn_resume(dupg_txn **out, const dupg_txn_member *members, size_t nmembers,
		    const char *journal, size_t len, const dupg_txn_options *opts)
{
	dupg_txn *t = NULL;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (journal == NULL && len > 0)
		return dupg__error(DUPG_EINVAL, "dupg_txn_resume: journal is NULL");
	rc = build(&t, members, nmembers, opts);
	if (rc != 0)
		return rc;
	t->recording = 0;
	t->quiet = 1;
	t->watched = 0;
	rc = replay(t, journal == NULL ? "" : journal, len);
	if (rc != 0) {
		dupg_txn_free(t);
		return dupg__error_prefix(rc, "dupg_txn_resume");
	}
	t->quiet = 0;
	t->watched = t->o.on_device != NULL;
	assume_handed(t);
	switch (t->phase) {
	case DUPG_TXN_PREPARE:
		/* no device was told to switch: all go back */
		rc = set_cause(t, DUPG_NONE, DUPG_TXN_FAIL_INTERRUPTED, 0,
			       "the coordinator stopped before the commit point");
		if (rc == 0)
			enter_rollback(t, 1);
		break;
	case DUPG_TXN_ABORT:
	case DUPG_TXN_REVERT:
		enter_rollback(t, 1);
		break;
	case DUPG_TXN_COMMIT:
		enter_commit(t);
		break;
	default:
		break;
	}
	while (rc == 0 && advance(t))
		;
	if (rc != 0) {
		dupg_txn_free(t);
		return rc;
	}
	t->recording = t->o.journal != NULL;
	t->watched = t->recording || t->o.on_device != NULL;
	if (t->recording)
		buf_reset(&t->body, 0);
	t->run_at = SIZE_MAX;
	t->need_whole = 1;
	/* a finished transaction has nothing to write; the others write what resume decided */
	t->dirty = t->phase != DUPG_TXN_DONE;
	*out = t;
	return 0;
}

/* ---- queries ------------------------------------------------------------------------ */

size_t dupg_txn_count(const dupg_txn *t)
{
	return t == NULL ? 0 : t->n;
}

size_t dupg_txn_member_count(const dupg_txn *t)
{
	return t == NULL ? 0 : t->nmembers;
}

const char *dupg_txn_member_name(const dupg_txn *t, size_t m)
{
	return t == NULL || m >= t->nmembers ? NULL : t->members[m].name;
}

size_t dupg_txn_find(const dupg_txn *t, size_t member, const char *id)
{
	const struct member *m;
	size_t v;

	if (t == NULL || member >= t->nmembers || id == NULL)
		return DUPG_NONE;
	m = &t->members[member];
	v = dupg_topology_find(m->topo, id);
	return v == DUPG_NONE || m->step_of[v] == NONE32 ? DUPG_NONE : m->first + m->step_of[v];
}

dupg_txn_phase dupg_txn_phase_get(const dupg_txn *t)
{
	return t == NULL ? DUPG_TXN_DONE : t->phase;
}

dupg_txn_outcome dupg_txn_outcome_get(const dupg_txn *t)
{
	return t == NULL ? DUPG_TXN_RUNNING : t->outcome;
}

int dupg_txn_committed(const dupg_txn *t)
{
	return t != NULL && t->committed;
}

size_t dupg_txn_journal_writes(const dupg_txn *t)
{
	return t == NULL ? 0 : t->seq;
}

dupg_txn_state dupg_txn_device_state(const dupg_txn *t, size_t d)
{
	return t == NULL || d >= t->n ? DUPG_TXN_DEV_PENDING : (dupg_txn_state)t->d[d].state;
}

size_t dupg_txn_state_count(const dupg_txn *t, dupg_txn_state s)
{
	return t == NULL || (unsigned)s >= DUPG_TXN_DEV_STATES ? 0 : t->counts[s];
}

size_t dupg_txn_failed_count(const dupg_txn *t)
{
	return t == NULL ? 0 : t->failed;
}

int dupg_txn_device_get(const dupg_txn *t, size_t d, dupg_txn_device_info *out)
{
	const struct member *m;

	if (t == NULL || out == NULL || d >= t->n)
		return dupg__error(DUPG_ENOTFOUND, "dupg_txn_device_get: no device %zu", d);
	m = &t->members[t->c[d].member];
	out->member = t->c[d].member;
	out->step = d - m->first;
	out->topology_index = dupg_plan_device_index(m->plan, out->step);
	out->id = dupg_plan_device(m->plan, out->step);
	out->state = (dupg_txn_state)t->d[d].state;
	out->failure = (dupg_txn_failure)t->d[d].failure;
	out->timed_out = (t->d[d].flags & F_TIMED_OUT) != 0;
	out->detail = detail_of(t, d) != NULL ? detail_of(t, d) : "";
	return 0;
}

void dupg_txn_cause_get(const dupg_txn *t, dupg_txn_cause *out)
{
	if (out == NULL)
		return;
	out->device = t == NULL ? DUPG_NONE : t->cause_device;
	out->kind = t == NULL ? DUPG_TXN_FAIL_NONE : t->cause_kind;
	out->timed_out = t != NULL && t->cause_timed_out;
	out->detail = t != NULL && t->cause_detail != NULL ? t->cause_detail : "";
}

int dupg_txn_snapshot(char **out, size_t *len, const dupg_txn *t)
{
	dupg_buf body = { 0 };
	char *start;
	size_t n;

	if (out != NULL)
		*out = NULL;
	if (len != NULL)
		*len = 0;
	if (out == NULL || t == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_txn_snapshot: NULL argument");
	buf_reset(&body, 0);
	render_whole(&body, t);
	if (body.failed) {
		free(body.data);
		return dupg__error_nomem();
	}
	start = frame(&body, 1, t->seq, &n);
	/* to the start of the buffer, which is what the caller frees */
	memmove(body.data, start, n);
	body.data[n] = '\0';
	if (len != NULL)
		*len = n;
	*out = body.data;
	return 0;
}

static json_object *jstr_or_null(const char *s)
{
	return s == NULL ? NULL : json_object_new_string(s);
}

/* Add key: v to obj; on failure free obj and return NULL (v is consumed either way). */
static json_object *jadd(json_object *obj, const char *key, json_object *v, int null_ok)
{
	if (obj == NULL || (v == NULL && !null_ok) || json_object_object_add(obj, key, v) != 0) {
		json_object_put(v);
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

static json_object *device_jobj(const dupg_txn *t, size_t g)
{
	dupg_txn_device_info info;
	json_object *o = json_object_new_object();

	dupg_txn_device_get(t, g, &info);
	o = jadd(o, "member", json_object_new_string(t->members[info.member].name), 0);
	o = jadd(o, "device", json_object_new_string(info.id), 0);
	o = jadd(o, "state", json_object_new_string(state_names[info.state]), 0);
	o = jadd(o, "failure", info.failure == DUPG_TXN_FAIL_NONE ? NULL :
		 json_object_new_string(failure_names[info.failure]), info.failure == DUPG_TXN_FAIL_NONE);
	o = jadd(o, "timed_out", json_object_new_boolean(info.timed_out), 0);
	o = jadd(o, "detail", json_object_new_string(info.detail), 0);
	return o;
}

int dupg_txn_to_json(char **out, const dupg_txn *t)
{
	json_object *root, *counts, *devs, *cause = NULL;
	size_t g, s;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || t == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_txn_to_json: NULL argument");
	if (t->n > (size_t)INT32_MAX)
		return dupg__error(DUPG_EINVAL, "dupg_txn_to_json: too many devices for JSON");
	root = json_object_new_object();
	root = jadd(root, "phase", json_object_new_string(phase_names[t->phase]), 0);
	root = jadd(root, "outcome", json_object_new_string(outcome_names[t->outcome]), 0);
	root = jadd(root, "committed", json_object_new_boolean(t->committed), 0);
	root = jadd(root, "journal_writes", json_object_new_int64((int64_t)t->seq), 0);
	if (t->cause_kind != DUPG_TXN_FAIL_NONE) {
		int has_dev = t->cause_device != DUPG_NONE;
		const struct member *m = has_dev ? &t->members[t->c[t->cause_device].member] : NULL;

		cause = json_object_new_object();
		cause = jadd(cause, "member", has_dev ? json_object_new_string(m->name) : NULL, !has_dev);
		cause = jadd(cause, "device", has_dev ? jstr_or_null(dev_id(t, (uint32_t)t->cause_device))
						      : NULL, !has_dev);
		cause = jadd(cause, "kind", json_object_new_string(failure_names[t->cause_kind]), 0);
		cause = jadd(cause, "timed_out", json_object_new_boolean(t->cause_timed_out), 0);
		cause = jadd(cause, "detail", json_object_new_string(t->cause_detail != NULL ?
								     t->cause_detail : ""), 0);
		if (cause == NULL) {
			json_object_put(root);
			return dupg__error_nomem();
		}
	}
	root = jadd(root, "cause", cause, 1);
	counts = json_object_new_object();
	for (s = 0; s < DUPG_TXN_DEV_STATES; s++)
		counts = jadd(counts, state_names[s], json_object_new_int64((int64_t)t->counts[s]), 0);
	root = jadd(root, "counts", counts, 0);
	devs = json_object_new_array_ext((int)t->n);
	for (g = 0; devs != NULL && g < t->n; g++) {
		json_object *d = device_jobj(t, g);
		if (d == NULL || json_object_array_add(devs, d) != 0) {
			json_object_put(d);
			json_object_put(devs);
			devs = NULL;
		}
	}
	root = jadd(root, "devices", devs, 0);
	return dupg__jobj_finish(out, root);
}
