/* SPDX-License-Identifier: BSD-2-Clause */
/* The error convention: codes, names, per-thread messages. */
#include "fixture.h"

#include <pthread.h>
#include <string.h>

static void test_strerror(void)
{
	int codes[] = { DUPG_OK, DUPG_ERROR, DUPG_ENOMEM, DUPG_EINVAL, DUPG_EFORMAT,
			DUPG_ENOTFOUND, DUPG_EIO, DUPG_EARCHIVE, DUPG_EINTEGRITY, DUPG_EEXISTS,
			DUPG_EUNSUPPORTED, DUPG_EABORTED, DUPG_EBUSY, DUPG_ENOSPC, DUPG_EACCES,
			DUPG_EPENDING, DUPG_ECOMMITTED, DUPG_ENETWORK, DUPG_ETIMEDOUT, DUPG_EUNSIGNED, DUPG_EBADSIG,
			DUPG_EUNKNOWNKEY, DUPG_EREVOKED, DUPG_ETHRESHOLD, DUPG_EEXPIRED,
			DUPG_EROLLBACK, DUPG_ESIGFORMAT, DUPG_EMODE };
	size_t i, j;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		CU_ASSERT_PTR_NOT_NULL(dupg_strerror(codes[i]));
		for (j = 0; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(dupg_strerror(codes[i]), dupg_strerror(codes[j]));
	}
	CU_ASSERT_STRING_EQUAL(dupg_strerror(-999), "unknown error code");
}

static void test_last_error(void)
{
	dupg_manifest *m = NULL;

	dupg_error_clear();
	CU_ASSERT_STRING_EQUAL(dupg_error_last(), "");
	CU_ASSERT_EQUAL(dupg_error_last_code(), 0);
	CU_ASSERT_EQUAL(dupg_package_read_manifest(&m, "/nonexistent/pkg.tar.gz"), DUPG_ENOTFOUND);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_EQUAL(dupg_error_last_code(), DUPG_ENOTFOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), "/nonexistent/pkg.tar.gz"));
	dupg_error_clear();
	CU_ASSERT_STRING_EQUAL(dupg_error_last(), "");
}

static void *other_thread(void *arg)
{
	dupg_manifest *m = NULL;
	(void)arg;
	/* a fresh thread starts with no error, whatever the main thread holds */
	if (dupg_error_last()[0] != '\0')
		return (void *)1;
	dupg_package_read_manifest(&m, "/other/thread.tar");
	return strstr(dupg_error_last(), "/other/thread.tar") ? NULL : (void *)2;
}

static void test_per_thread(void)
{
	dupg_manifest *m = NULL;
	pthread_t th;
	void *ret = (void *)3;

	dupg_package_read_manifest(&m, "/main/thread.tar");
	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, other_thread, NULL), 0);
	pthread_join(th, &ret);
	CU_ASSERT_PTR_NULL(ret);
	CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), "/main/thread.tar"));
}

static void test_version(void)
{
	CU_ASSERT_EQUAL(dupg_version_number(), DUPG_VERSION_NUMBER);
	CU_ASSERT_STRING_EQUAL(dupg_version_string(), DUPG_VERSION_STRING);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "strerror names every code", test_strerror },
		{ "last error names the file", test_last_error },
		{ "errors are per thread", test_per_thread },
		{ "run-time version", test_version },
		CU_TEST_INFO_NULL,
	};
	return fx_run("errors", tests);
}
