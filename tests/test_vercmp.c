/* SPDX-License-Identifier: BSD-2-Clause */
/* dupg_vercmp: dpkg ordering. */
#include "fixture.h"

#include <stdio.h>
#include <string.h>

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void expect(const char *a, const char *b, int want)
{
	int got = sign(dupg_vercmp(a, b));
	int back = sign(dupg_vercmp(b, a));

	if (got != want || back != -want)
		fprintf(stderr, "vercmp(%s, %s) = %d, reverse %d, want %d\n", a ? a : "NULL",
			b ? b : "NULL", got, back, want);
	CU_ASSERT_EQUAL(got, want);
	CU_ASSERT_EQUAL(back, -want);
}

static void test_numbers(void)
{
	expect("1", "1", 0);
	expect("2", "10", -1);
	expect("1.2", "1.10", -1);
	expect("1.02", "1.2", 0);
	expect("007", "7", 0);
	expect("6", "5", 1);
	expect("1.0", "1", 1);
	/* longer than any integer type: compared as numbers anyway */
	expect("123456789012345678901234567890", "123456789012345678901234567891", -1);
	expect("99999999999999999999999", "100000000000000000000000", -1);
}

static void test_tilde(void)
{
	expect("1.0~rc1", "1.0", -1);
	expect("1.0~rc1", "1.0~rc2", -1);
	expect("1.0~~", "1.0~", -1);
	expect("~", "", -1);
	expect("1~", "1", -1);
}

static void test_letters_and_symbols(void)
{
	expect("1.0a", "1.0", 1);
	expect("1.0a", "1.0+", -1);  /* letters before other symbols */
	expect("1.0a", "1.0.", -1);
	expect("a", "b", -1);
	expect("A", "a", -1);
	expect("1.0-1", "1.0-2", -1);
	expect("V100R001", "V100R002", -1);
	expect("V100R010", "V100R002", 1);
	expect("", "", 0);
	expect("", "0", 0);
}

/* dpkg's three parts, and the lenient reading of what dpkg refuses (vercmp.h) */
static void test_epoch_and_revision(void)
{
	expect("1:0", "9.9", 1);
	expect("2:1.0", "10:0.1", -1);
	expect("010:1", "10:1", 0);
	expect("0:1.0", "1.0", 0);
	expect("+1:1.0", "1:1.0", 0);        /* dpkg's strtol takes a sign */
	expect("1.0", "1.0-0", 0);           /* no revision sorts as dpkg sorts it */
	expect("1.0-1", "1.0", 1);
	expect("1.0-1", "1.0a", -1);         /* the upstream version ends at the revision */
	expect("1.0-1", "1.0+b1", -1);
	expect("1.0-1", "1.0-1.1", -1);
	expect("1.0-9", "1.0-10", -1);
	expect("1.0-1~bpo1", "1.0-1", -1);
	expect("1-2-3", "1-2", 1);           /* the revision is after the last '-' */
	expect("1-2-3", "1-3", 1);            /* upstream 1-2 against 1 */
	expect("1:2:3", "1:2", 1);           /* after the epoch, ':' is a character */
	expect("a:1", "a:2", -1);            /* no number before ':': no epoch */
	expect("1a:9", "1a:10", -1);
	expect("1.5:0", "1.6", -1);
	/* dpkg refuses these; they still have a place */
	expect(":1.0", "1.0", 0);            /* an empty epoch is 0 */
	expect("1.0-", "1.0", 0);            /* an empty revision is none */
	expect("1:", "0:", 1);
	expect("99999999999999999999:1", "99999999999999999998:2", 1);
}

static void test_null(void)
{
	expect(NULL, NULL, 0);
	expect(NULL, "", -1);
	expect(NULL, "1", -1);
}

/* the ordering is total and transitive on a sample */
static void test_transitive(void)
{
	const char *v[] = { "~~", "~", "", "0a", "1~", "1", "1a", "1+", "1.0", "1.2", "1.10",
			    "2", "10", "10a" };
	size_t n = sizeof(v) / sizeof(v[0]), i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			int want = (i > j) - (i < j);
			if (sign(dupg_vercmp(v[i], v[j])) != want)
				fprintf(stderr, "order broken: %s vs %s\n", v[i], v[j]);
			CU_ASSERT_EQUAL(sign(dupg_vercmp(v[i], v[j])), want);
		}
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "numbers", test_numbers },
		{ "tilde", test_tilde },
		{ "letters and symbols", test_letters_and_symbols },
		{ "epoch and revision", test_epoch_and_revision },
		{ "NULL", test_null },
		{ "transitive", test_transitive },
		CU_TEST_INFO_NULL,
	};
	return fx_run("vercmp", tests);
}
