/* SPDX-License-Identifier: BSD-2-Clause */
/* Staged rollouts: waves, the wave of a rank, the halting rule, progress. */
#include "fixture.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/rng.h"

static void expect_error(int rc, int code, const char *needle)
{
	CU_ASSERT_EQUAL(rc, code);
	CU_ASSERT_EQUAL(dupg_error_last_code(), code);
	CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), needle));
}

static dupg_rollout *plan(const char *waves, double threshold)
{
	dupg_rollout *r = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_rollout_new_text(&r, waves, threshold), 0);
	return r;
}

static void test_new(void)
{
	const double w[] = { 0.01, 0.1, 1 }, w2[] = { 0.25, 0.5 };
	dupg_rollout *r = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_rollout_new(&r, w, 3, 0.05), 0);
	CU_ASSERT_EQUAL(dupg_rollout_wave_count(r), 3);
	CU_ASSERT_EQUAL(dupg_rollout_wave_fraction(r, 0), 0.01);
	CU_ASSERT_EQUAL(dupg_rollout_wave_fraction(r, 2), 1);
	CU_ASSERT_EQUAL(dupg_rollout_wave_fraction(r, 3), 0);
	CU_ASSERT_EQUAL(dupg_rollout_threshold(r), 0.05);
	dupg_rollout_free(r);
	/* the last wave takes the rest */
	CU_ASSERT_EQUAL_FATAL(dupg_rollout_new(&r, w2, 2, 0), 0);
	CU_ASSERT_EQUAL(dupg_rollout_wave_count(r), 3);
	CU_ASSERT_EQUAL(dupg_rollout_wave_fraction(r, 2), 1);
	dupg_rollout_free(r);
	/* no waves: everybody at once */
	CU_ASSERT_EQUAL_FATAL(dupg_rollout_new(&r, NULL, 0, 1), 0);
	CU_ASSERT_EQUAL(dupg_rollout_wave_count(r), 1);
	CU_ASSERT_EQUAL(dupg_rollout_wave_end(r, 0, 7), 7);
	dupg_rollout_free(r);
	dupg_rollout_free(NULL);
}

static void test_new_refuses(void)
{
	const double down[] = { 0.5, 0.2 }, same[] = { 0.5, 0.5 }, zero[] = { 0, 1 }, big[] = { 1.5 };
	double nan_w[1];
	dupg_rollout *r = (dupg_rollout *)&r;

	nan_w[0] = nan("");
	expect_error(dupg_rollout_new(&r, down, 2, 0.1), DUPG_EINVAL, "cumulative");
	CU_ASSERT_PTR_NULL(r);
	expect_error(dupg_rollout_new(&r, same, 2, 0.1), DUPG_EINVAL, "wave 2");
	expect_error(dupg_rollout_new(&r, zero, 2, 0.1), DUPG_EINVAL, "wave 1: 0 is not a fraction");
	expect_error(dupg_rollout_new(&r, big, 1, 0.1), DUPG_EINVAL, "(0, 1]");
	expect_error(dupg_rollout_new(&r, nan_w, 1, 0.1), DUPG_EINVAL, "not a fraction");
	expect_error(dupg_rollout_new(&r, NULL, 0, -0.1), DUPG_EINVAL, "threshold");
	expect_error(dupg_rollout_new(&r, NULL, 0, 1.1), DUPG_EINVAL, "threshold");
	expect_error(dupg_rollout_new(&r, NULL, 0, nan("")), DUPG_EINVAL, "threshold");
	expect_error(dupg_rollout_new(&r, NULL, 2, 0.1), DUPG_EINVAL, "waves is NULL");
	expect_error(dupg_rollout_new(NULL, NULL, 0, 0.1), DUPG_EINVAL, "out is NULL");
}

static void test_text(void)
{
	const char *bad[] = { "", "a", "0.1,,1", "0.1,", ",0.1", "0.1;1", "0.1 0.2", "0.5,0.2" };
	dupg_rollout *r = plan(" 0.01, 0.1 ,1 ", 0.05);
	char *text = NULL;
	size_t i;

	CU_ASSERT_EQUAL(dupg_rollout_wave_count(r), 3);
	CU_ASSERT_EQUAL(dupg_rollout_waves_text(&text, r), 0);
	CU_ASSERT_STRING_EQUAL(text, "0.01,0.1,1");
	dupg_free(text);
	dupg_rollout_free(r);
	r = plan("0.3333333333333333,0.7", 0);
	CU_ASSERT_EQUAL(dupg_rollout_waves_text(&text, r), 0);
	CU_ASSERT_STRING_EQUAL(text, "0.3333333333333333,0.7,1");
	dupg_rollout_free(r);
	/* what it writes reads back as the same doubles */
	r = plan(text, 0);
	CU_ASSERT_EQUAL(dupg_rollout_wave_fraction(r, 0), 0.3333333333333333);
	dupg_free(text);
	dupg_rollout_free(r);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = NULL;
		CU_ASSERT_EQUAL(dupg_rollout_new_text(&r, bad[i], 0.1), DUPG_EINVAL);
		CU_ASSERT_PTR_NULL(r);
	}
}

static void test_waves_of_ranks(void)
{
	dupg_rollout *r = plan("0.01,0.1,1", 0.05);

	/* the simulator's halt fleet: 200 sites in 2, 18 and 180 */
	CU_ASSERT_EQUAL(dupg_rollout_wave_end(r, 0, 200), 2);
	CU_ASSERT_EQUAL(dupg_rollout_wave_end(r, 1, 200), 20);
	CU_ASSERT_EQUAL(dupg_rollout_wave_end(r, 2, 200), 200);
	CU_ASSERT_EQUAL(dupg_rollout_wave_end(r, 9, 200), 200);
	CU_ASSERT_EQUAL(dupg_rollout_wave_size(r, 1, 200), 18);
	CU_ASSERT_EQUAL(dupg_rollout_wave_size(r, 3, 200), 0);
	CU_ASSERT_EQUAL(dupg_rollout_wave_of(r, 0, 200), 0);
	CU_ASSERT_EQUAL(dupg_rollout_wave_of(r, 1, 200), 0);
	CU_ASSERT_EQUAL(dupg_rollout_wave_of(r, 2, 200), 1);
	CU_ASSERT_EQUAL(dupg_rollout_wave_of(r, 19, 200), 1);
	CU_ASSERT_EQUAL(dupg_rollout_wave_of(r, 20, 200), 2);
	CU_ASSERT_EQUAL(dupg_rollout_wave_of(r, 199, 200), 2);
	/* a site that joined after the count */
	CU_ASSERT_EQUAL(dupg_rollout_wave_of(r, 200, 200), 2);
	CU_ASSERT_EQUAL(dupg_rollout_wave_of(r, 0, 0), 2);
	/* a small fleet: the second wave is empty (ceil(0.1 * 10) = ceil(0.01 * 10) = 1) */
	CU_ASSERT_EQUAL(dupg_rollout_wave_size(r, 0, 10), 1);
	CU_ASSERT_EQUAL(dupg_rollout_wave_size(r, 1, 10), 0);
	CU_ASSERT_EQUAL(dupg_rollout_wave_size(r, 2, 10), 9);
	CU_ASSERT_EQUAL(dupg_rollout_wave_of(r, 1, 10), 2);
	dupg_rollout_free(r);
}

/* wave_of against a scan of the ends, and the sizes summing to the fleet, on random plans */
static void test_waves_exhaustive(void)
{
	uint64_t rng = 42;
	int round;

	for (round = 0; round < 200; round++) {
		double w[6];
		size_t n = 1 + (size_t)dupg__rng_below(&rng, 5), i, total, rank;
		dupg_rollout *r = NULL;

		for (i = 0; i < n; i++)
			w[i] = (i ? w[i - 1] : 0) + (1.0 - (i ? w[i - 1] : 0)) *
			       (0.05 + 0.9 * (double)dupg__rng_below(&rng, 1000) / 1000.0);
		CU_ASSERT_EQUAL_FATAL(dupg_rollout_new(&r, w, n, 0.1), 0);
		for (total = 0; total < 120; total += 1 + (size_t)dupg__rng_below(&rng, 7)) {
			size_t sum = 0, k = dupg_rollout_wave_count(r);

			for (i = 0; i < k; i++)
				sum += dupg_rollout_wave_size(r, i, total);
			CU_ASSERT_EQUAL(sum, total);
			for (rank = 0; rank < total + 2; rank++) {
				size_t want = 0;

				while (want + 1 < k && rank >= dupg_rollout_wave_end(r, want, total))
					want++;
				CU_ASSERT_EQUAL(dupg_rollout_wave_of(r, rank, total), want);
			}
		}
		dupg_rollout_free(r);
	}
}

static void test_tally_and_halt(void)
{
	dupg_rollout *r = plan("0.1,1", 0.1);
	dupg_wave_tally t = { 0, 0, 0, 0 };

	dupg_wave_tally_add(&t, DUPG_SITE_PENDING, 3);
	dupg_wave_tally_add(&t, DUPG_SITE_CURRENT, 10);
	dupg_wave_tally_add(&t, DUPG_SITE_ASSIGNED, 2);
	dupg_wave_tally_add(&t, DUPG_SITE_UPGRADED, 4);
	dupg_wave_tally_add(&t, DUPG_SITE_FAILED, 1);
	CU_ASSERT_EQUAL(t.sites, 20);
	CU_ASSERT_EQUAL(t.current, 10);
	CU_ASSERT_EQUAL(t.finished, 5);
	CU_ASSERT_EQUAL(t.failed, 1);
	CU_ASSERT_FALSE(dupg_wave_tally_settled(&t));
	/* 1 of 10 that may need it is exactly the threshold: not past it */
	CU_ASSERT_FALSE(dupg_rollout_wave_halts(r, &t));
	dupg_wave_tally_add(&t, DUPG_SITE_ROLLED_BACK, 1);
	CU_ASSERT_TRUE(dupg_rollout_wave_halts(r, &t));
	/* a wave of current sites never halts, and is settled */
	memset(&t, 0, sizeof(t));
	dupg_wave_tally_add(&t, DUPG_SITE_CURRENT, 5);
	CU_ASSERT_FALSE(dupg_rollout_wave_halts(r, &t));
	CU_ASSERT_TRUE(dupg_wave_tally_settled(&t));
	memset(&t, 0, sizeof(t));
	CU_ASSERT_TRUE(dupg_wave_tally_settled(&t));
	CU_ASSERT_FALSE(dupg_rollout_wave_halts(r, &t));
	dupg_rollout_free(r);
}

/*
 * The rule the simulator applied to a complete wave, (double)failures /
 * (double)attempted > threshold, is the library's on the wave's tally; and a
 * halt seen part-way through the reports is the complete wave's halt.
 */
static void test_halt_early_is_final(void)
{
	uint64_t rng = 7;
	int round;

	for (round = 0; round < 2000; round++) {
		size_t n = 1 + (size_t)dupg__rng_below(&rng, 40), i, attempted = 0, failures = 0;
		double thr = (double)dupg__rng_below(&rng, 11) / 20.0;
		dupg_site_state out[40];
		dupg_wave_tally t = { 0, 0, 0, 0 }, full = { 0, 0, 0, 0 };
		dupg_rollout *r = NULL;
		int early = 0, sim;

		CU_ASSERT_EQUAL_FATAL(dupg_rollout_new(&r, NULL, 0, thr), 0);
		for (i = 0; i < n; i++) {
			static const dupg_site_state kinds[] = {
				DUPG_SITE_CURRENT, DUPG_SITE_UPGRADED, DUPG_SITE_ROLLED_BACK, DUPG_SITE_FAILED
			};
			out[i] = kinds[dupg__rng_below(&rng, 4)];
			attempted += out[i] != DUPG_SITE_CURRENT;
			failures += out[i] == DUPG_SITE_ROLLED_BACK || out[i] == DUPG_SITE_FAILED;
			dupg_wave_tally_add(&full, out[i], 1);
		}
		sim = attempted > 0 && (double)failures / (double)attempted > thr;
		CU_ASSERT_EQUAL(dupg_rollout_wave_halts(r, &full), sim);
		/* reports arrive one by one; the others are pending */
		for (i = 0; i <= n; i++) {
			size_t j;

			memset(&t, 0, sizeof(t));
			for (j = 0; j < n; j++)
				dupg_wave_tally_add(&t, j < i ? out[j] : DUPG_SITE_PENDING, 1);
			if (dupg_rollout_wave_halts(r, &t))
				early = 1;
			else
				CU_ASSERT_FALSE(early);
		}
		CU_ASSERT_EQUAL(early, sim);
		dupg_rollout_free(r);
	}
}

static void tallies_of(dupg_wave_tally *t, size_t n, const size_t *pending, const size_t *upgraded,
		       const size_t *failed)
{
	size_t i;

	memset(t, 0, n * sizeof(*t));
	for (i = 0; i < n; i++) {
		dupg_wave_tally_add(&t[i], DUPG_SITE_PENDING, pending[i]);
		dupg_wave_tally_add(&t[i], DUPG_SITE_UPGRADED, upgraded[i]);
		dupg_wave_tally_add(&t[i], DUPG_SITE_FAILED, failed[i]);
	}
}

static void test_step(void)
{
	dupg_rollout *r = plan("0.1,0.5,1", 0.2);
	dupg_rollout_status st = DUPG_ROLLOUT_STATUS_INIT;
	dupg_wave_tally t[3];
	size_t p0[] = { 1, 4, 5 }, u0[] = { 0, 0, 0 }, f0[] = { 0, 0, 0 };
	size_t p1[] = { 0, 4, 5 }, u1[] = { 1, 0, 0 };
	size_t p2[] = { 0, 3, 5 }, f2[] = { 0, 1, 0 };

	CU_ASSERT_EQUAL(st.state, DUPG_ROLLOUT_RUNNING);
	CU_ASSERT_EQUAL(st.open, 1);
	CU_ASSERT_EQUAL(st.halted_wave, DUPG_NONE);
	CU_ASSERT_TRUE(dupg_rollout_wave_open(&st, 0));
	CU_ASSERT_FALSE(dupg_rollout_wave_open(&st, 1));
	tallies_of(t, 3, p0, u0, f0);
	CU_ASSERT_EQUAL(dupg_rollout_step(&st, r, t), 0);
	/* the canary upgraded: the second wave opens, not the third */
	tallies_of(t, 3, p1, u1, f0);
	CU_ASSERT_EQUAL(dupg_rollout_step(&st, r, t), 1);
	CU_ASSERT_EQUAL(st.open, 2);
	CU_ASSERT_EQUAL(dupg_rollout_step(&st, r, t), 0);
	/* paused: nothing opens and nobody gets it */
	CU_ASSERT_EQUAL(dupg_rollout_pause(&st), 0);
	CU_ASSERT_EQUAL(dupg_rollout_pause(&st), 0);
	CU_ASSERT_FALSE(dupg_rollout_wave_open(&st, 0));
	/* one failure of 4 in the second wave: 0.25 > 0.2 halts even while paused */
	tallies_of(t, 3, p2, u1, f2);
	CU_ASSERT_EQUAL(dupg_rollout_step(&st, r, t), 1);
	CU_ASSERT_EQUAL(st.state, DUPG_ROLLOUT_HALTED);
	CU_ASSERT_EQUAL(st.halted_wave, 1);
	CU_ASSERT_FALSE(dupg_rollout_wave_open(&st, 0));
	expect_error(dupg_rollout_resume(&st), DUPG_EINVAL, "a halted rollout cannot be resumed");
	expect_error(dupg_rollout_pause(&st), DUPG_EINVAL, "cannot be paused");
	/* final */
	tallies_of(t, 3, p1, u1, f0);
	CU_ASSERT_EQUAL(dupg_rollout_step(&st, r, t), 0);
	CU_ASSERT_EQUAL(st.state, DUPG_ROLLOUT_HALTED);
	expect_error(dupg_rollout_step(NULL, r, t), DUPG_EINVAL, "NULL");
	dupg_rollout_free(r);
}

static void test_step_to_done(void)
{
	dupg_rollout *r = plan("0.01,0.1,1", 0.05);
	dupg_rollout_status st = DUPG_ROLLOUT_STATUS_INIT;
	dupg_wave_tally t[3];
	size_t p[] = { 0, 0, 9 }, u[] = { 1, 0, 0 }, f[] = { 0, 0, 0 };
	size_t u2[] = { 1, 0, 9 }, p2[] = { 0, 0, 0 };

	/* 10 sites: 1, 0, 9; the empty wave opens with the one before it */
	tallies_of(t, 3, p, u, f);
	CU_ASSERT_EQUAL(dupg_rollout_step(&st, r, t), 1);
	CU_ASSERT_EQUAL(st.open, 3);
	CU_ASSERT_EQUAL(st.state, DUPG_ROLLOUT_RUNNING);
	CU_ASSERT_EQUAL(dupg_rollout_pause(&st), 0);
	tallies_of(t, 3, p2, u2, f);
	CU_ASSERT_EQUAL(dupg_rollout_step(&st, r, t), 0);
	CU_ASSERT_EQUAL(st.state, DUPG_ROLLOUT_PAUSED);
	CU_ASSERT_EQUAL(dupg_rollout_resume(&st), 0);
	CU_ASSERT_EQUAL(dupg_rollout_resume(&st), 0);
	CU_ASSERT_EQUAL(dupg_rollout_step(&st, r, t), 1);
	CU_ASSERT_EQUAL(st.state, DUPG_ROLLOUT_DONE);
	/* done: everybody gets it, whatever the wave */
	CU_ASSERT_TRUE(dupg_rollout_wave_open(&st, 2));
	CU_ASSERT_TRUE(dupg_rollout_wave_open(&st, 7));
	expect_error(dupg_rollout_pause(&st), DUPG_EINVAL, "a done rollout");
	dupg_rollout_free(r);
}

static void test_names(void)
{
	dupg_rollout_state rs;
	dupg_site_state ss;
	int i;

	for (i = 0; i <= DUPG_ROLLOUT_DONE; i++) {
		CU_ASSERT_EQUAL(dupg_rollout_state_parse(&rs, dupg_rollout_state_name((dupg_rollout_state)i)), 0);
		CU_ASSERT_EQUAL((int)rs, i);
	}
	for (i = 0; i <= DUPG_SITE_FAILED; i++) {
		CU_ASSERT_EQUAL(dupg_site_state_parse(&ss, dupg_site_state_name((dupg_site_state)i)), 0);
		CU_ASSERT_EQUAL((int)ss, i);
		CU_ASSERT_EQUAL(dupg_site_state_final((dupg_site_state)i), i >= DUPG_SITE_UPGRADED);
	}
	CU_ASSERT_STRING_EQUAL(dupg_site_state_name(DUPG_SITE_ROLLED_BACK), "rolled_back");
	CU_ASSERT_STRING_EQUAL(dupg_rollout_state_name((dupg_rollout_state)9), "unknown");
	expect_error(dupg_rollout_state_parse(&rs, "stopped"), DUPG_EINVAL, "running, paused, halted, done");
	expect_error(dupg_site_state_parse(&ss, "ok"), DUPG_EINVAL, "site state");
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "new", test_new },
		{ "new refuses bad plans", test_new_refuses },
		{ "waves as text", test_text },
		{ "the wave of a rank", test_waves_of_ranks },
		{ "waves of ranks, random plans", test_waves_exhaustive },
		{ "tally and the halting rule", test_tally_and_halt },
		{ "an early halt is the complete wave's", test_halt_early_is_final },
		{ "step: waves open, pause, halt", test_step },
		{ "step: empty waves, resume, done", test_step_to_done },
		{ "state names", test_names },
		CU_TEST_INFO_NULL,
	};
	return fx_run("rollout", tests);
}
