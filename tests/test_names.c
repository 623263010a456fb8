/* SPDX-License-Identifier: BSD-2-Clause */
/* Every public enum has a name beside it and a parse function back (one table each). */
#include "fixture.h"

#include <string.h>

/* One enum as the tests see it: name of value v, parse of a name into an int. */
struct enum_case {
	const char *what;
	int count;                   /* values 0 .. count-1, all named */
	const char *(*name)(int v);
	int (*parse)(int *out, const char *name);
};

#define ADAPT(NAME, TYPE)                                                   \
	static const char *NAME##_n(int v) { return NAME##_name((TYPE)v); } \
	static int NAME##_p(int *out, const char *s)                        \
	{                                                                   \
		TYPE v = (TYPE)0;                                           \
		int rc = NAME##_parse(&v, s);                               \
		*out = (int)v;                                              \
		return rc;                                                  \
	}
ADAPT(dupg_task_kind, dupg_task_kind)
ADAPT(dupg_prune_policy, dupg_prune_policy)
ADAPT(dupg_prune_list, dupg_prune_list)
ADAPT(dupg_prune_config_kind, dupg_prune_config_kind)
ADAPT(dupg_pack_format, dupg_pack_format)
ADAPT(dupg_apply_step, dupg_apply_step)
ADAPT(dupg_recover_action, dupg_recover_action)
ADAPT(dupg_plan_action, dupg_plan_action)
ADAPT(dupg_txn_phase, dupg_txn_phase)
ADAPT(dupg_txn_outcome, dupg_txn_outcome)
ADAPT(dupg_txn_state, dupg_txn_state)
ADAPT(dupg_txn_failure, dupg_txn_failure)
ADAPT(dupg_txn_action_kind, dupg_txn_action_kind)
ADAPT(dupg_txn_event_kind, dupg_txn_event_kind)
ADAPT(dupg_txn_taken, dupg_txn_taken)

static const struct enum_case cases[] = {
	{ "task kind", 3, dupg_task_kind_n, dupg_task_kind_p },
	{ "prune policy", 2, dupg_prune_policy_n, dupg_prune_policy_p },
	{ "prune list", 4, dupg_prune_list_n, dupg_prune_list_p },
	{ "prune configuration", 2, dupg_prune_config_kind_n, dupg_prune_config_kind_p },
	{ "package format", 6, dupg_pack_format_n, dupg_pack_format_p },
	{ "apply step", 8, dupg_apply_step_n, dupg_apply_step_p },
	{ "recover action", 3, dupg_recover_action_n, dupg_recover_action_p },
	{ "plan action", 2, dupg_plan_action_n, dupg_plan_action_p },
	{ "transaction phase", 5, dupg_txn_phase_n, dupg_txn_phase_p },
	{ "transaction outcome", 4, dupg_txn_outcome_n, dupg_txn_outcome_p },
	{ "device state", DUPG_TXN_DEV_STATES, dupg_txn_state_n, dupg_txn_state_p },
	{ "transaction failure", 10, dupg_txn_failure_n, dupg_txn_failure_p },
	{ "transaction action", 8, dupg_txn_action_kind_n, dupg_txn_action_kind_p },
	{ "transaction event", 11, dupg_txn_event_kind_n, dupg_txn_event_kind_p },
	{ "event result", 3, dupg_txn_taken_n, dupg_txn_taken_p },
};

static void test_round_trip(void)
{
	size_t c;
	int v, w, got;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct enum_case *e = &cases[c];
		for (v = 0; v < e->count; v++) {
			const char *n = e->name(v);
			CU_ASSERT_PTR_NOT_NULL_FATAL(n);
			CU_ASSERT_STRING_NOT_EQUAL(n, "unknown");
			got = -1;
			CU_ASSERT_EQUAL(e->parse(&got, n), 0);
			CU_ASSERT_EQUAL(got, v);
			for (w = 0; w < v; w++)
				CU_ASSERT_STRING_NOT_EQUAL(e->name(w), n);
		}
		/* out of range: a printable word, never NULL */
		CU_ASSERT_STRING_EQUAL(e->name(e->count), "unknown");
		CU_ASSERT_STRING_EQUAL(e->name(-1), "unknown");
	}
}

static void test_bad_names(void)
{
	size_t c;
	int got;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct enum_case *e = &cases[c];
		/* the message names the kind, the bad name and the first allowed one */
		fx_expect_error(e->parse(&got, "no-such-name"), DUPG_EINVAL, e->what, "\"no-such-name\"");
		CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), e->name(0)));
		fx_expect_error(e->parse(&got, NULL), DUPG_EINVAL, e->what, "NULL");
		fx_expect_error(e->parse(&got, "unknown"), DUPG_EINVAL, e->what, NULL);
		/* case matters: names are written exactly as the JSON and the CLI spell them */
		if (strcmp(e->name(0), "auto") != 0) {
			char upper[32];
			size_t i;
			snprintf(upper, sizeof(upper), "%s", e->name(0));
			for (i = 0; upper[i] != '\0'; i++)
				if (upper[i] >= 'a' && upper[i] <= 'z')
					upper[i] = (char)(upper[i] - 'a' + 'A');
			CU_ASSERT_EQUAL(e->parse(&got, upper), DUPG_EINVAL);
		}
	}
}

static void test_list_aliases(void)
{
	dupg_prune_list l = DUPG_LIST_DELETABLE;

	/* the seed's names are the JSON keys; the API's names parse too */
	CU_ASSERT_EQUAL(dupg_prune_list_parse(&l, "merged"), 0);
	CU_ASSERT_EQUAL(l, DUPG_LIST_MERGED);
	CU_ASSERT_EQUAL(dupg_prune_list_parse(&l, "kept"), 0);
	CU_ASSERT_EQUAL(l, DUPG_LIST_KEPT);
	CU_ASSERT_EQUAL(dupg_prune_list_parse(&l, "rollback"), 0);
	CU_ASSERT_EQUAL(l, DUPG_LIST_ROLLBACK);
	CU_ASSERT_STRING_EQUAL(dupg_prune_list_name(DUPG_LIST_KEPT), "third");
	CU_ASSERT_EQUAL(DUPG_LIST_SECOND, DUPG_LIST_MERGED);
	CU_ASSERT_EQUAL(DUPG_LIST_THIRD, DUPG_LIST_KEPT);
	CU_ASSERT_EQUAL(DUPG_LIST_FOURTH, DUPG_LIST_ROLLBACK);
}

static void test_error_names(void)
{
	static const int codes[] = { DUPG_OK, DUPG_ERROR, DUPG_ENOMEM, DUPG_EINVAL, DUPG_EFORMAT,
				     DUPG_ENOTFOUND, DUPG_EIO, DUPG_EARCHIVE, DUPG_EINTEGRITY,
				     DUPG_EEXISTS, DUPG_EUNSUPPORTED, DUPG_EABORTED, DUPG_EBUSY,
				     DUPG_ENOSPC, DUPG_EACCES, DUPG_EPENDING, DUPG_ECOMMITTED, DUPG_ENETWORK, DUPG_ETIMEDOUT, DUPG_EUNSIGNED, DUPG_EBADSIG,
			DUPG_EUNKNOWNKEY, DUPG_EREVOKED, DUPG_ETHRESHOLD, DUPG_EEXPIRED,
			DUPG_EROLLBACK, DUPG_ESIGFORMAT, DUPG_EMODE };
	size_t i;
	int got;

	CU_ASSERT_STRING_EQUAL(dupg_error_name(DUPG_EFORMAT), "DUPG_EFORMAT");
	CU_ASSERT_STRING_EQUAL(dupg_error_name(DUPG_OK), "DUPG_OK");
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		got = 1;
		CU_ASSERT_EQUAL(dupg_error_parse(&got, dupg_error_name(codes[i])), 0);
		CU_ASSERT_EQUAL(got, codes[i]);
	}
	CU_ASSERT_STRING_EQUAL(dupg_error_name(-999), "unknown");
	CU_ASSERT_STRING_EQUAL(dupg_error_name(5), "unknown");
	fx_expect_error(dupg_error_parse(&got, "EFORMAT"), DUPG_EINVAL, "error code", "DUPG_EFORMAT");
	/* strerror says what a code means, error_name how it is spelled */
	CU_ASSERT_STRING_EQUAL(dupg_strerror(DUPG_EFORMAT), "malformed input");
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "every value named and parsed back", test_round_trip },
		{ "unknown names refused with the list", test_bad_names },
		{ "prune lists: seed names and API names", test_list_aliases },
		{ "error code names", test_error_names },
		CU_TEST_INFO_NULL,
	};
	return fx_run("names", tests);
}
