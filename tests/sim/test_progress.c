/* SPDX-License-Identifier: BSD-2-Clause */
/* The simulator's progress line: the bar, the time spent, the time left once enough is done. */
#include "config.h"

#include <CUnit/Basic.h>
#include <string.h>

#include "output/progress.h"

static void test_duration(void)
{
	static const struct {
		double s;
		const char *text;
	} cases[] = {
		{ 0, "0.0s" }, { 8.46, "8.5s" }, { 9.94, "9.9s" }, { 9.96, "10s" }, { 42.4, "42s" },
		{ 59.4, "59s" }, { 59.6, "1m00s" }, { 187, "3m07s" }, { 3599.4, "59m59s" },
		{ 3600, "1h00m" }, { 7500, "2h05m" }, { -3, "0.0s" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sim_progress_duration(buf, sizeof(buf), cases[i].s);
		CU_ASSERT_STRING_EQUAL(buf, cases[i].text);
	}
}

static void test_eta(void)
{
	char buf[160];

	/* too few sites done: no estimate */
	sim_progress_format(buf, sizeof(buf), 0, 1000, 0.5);
	CU_ASSERT_STRING_EQUAL(buf, "[........................................] 0/1000 sites  0.5s");
	sim_progress_format(buf, sizeof(buf), SIM_PROGRESS_ETA_MIN - 1, 1000, 2);
	CU_ASSERT_PTR_NULL(strstr(buf, "ETA"));
	/* enough: the rate so far times what is left, 100 of 1000 in 10 s leaves 90 s */
	sim_progress_format(buf, sizeof(buf), 100, 1000, 10);
	CU_ASSERT_STRING_EQUAL(buf, "[####....................................] 100/1000 sites  10s  ETA 1m30s");
	sim_progress_format(buf, sizeof(buf), SIM_PROGRESS_ETA_MIN, 100000, 4);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "20/100000 sites  4.0s  ETA 5h33m"));
	/* a small run: 5% of it is enough */
	sim_progress_format(buf, sizeof(buf), 1, 20, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "1/20 sites  3.0s  ETA 57s"));
	sim_progress_format(buf, sizeof(buf), 1, 21, 3);
	CU_ASSERT_PTR_NULL(strstr(buf, "ETA"));
	/* over: the time it took */
	sim_progress_format(buf, sizeof(buf), 1000, 1000, 100);
	CU_ASSERT_STRING_EQUAL(buf, "[########################################] 1000/1000 sites  done in 1m40s");
	/* more done than the total is the total */
	sim_progress_format(buf, sizeof(buf), 5, 4, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "4/4 sites  done in 1.0s"));
}

static void test_cut_to_fit(void)
{
	char buf[16];

	memset(buf, 'x', sizeof(buf));
	sim_progress_format(buf, sizeof(buf), 500, 1000, 10);
	CU_ASSERT_EQUAL(strlen(buf), sizeof(buf) - 1);
	CU_ASSERT_STRING_EQUAL(buf, "[##############");
	/* n = 0 writes nothing */
	buf[0] = 'q';
	sim_progress_format(buf, 0, 1, 2, 1);
	CU_ASSERT_EQUAL(buf[0], 'q');
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "durations", test_duration },
		{ "time left once enough is done", test_eta },
		{ "cut to the buffer", test_cut_to_fit },
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = { { "sim_progress", NULL, NULL, NULL, NULL, tests }, CU_SUITE_INFO_NULL };
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS || CU_register_suites(suites) != CUE_SUCCESS)
		return 1;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
