/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dupg_manifest_parse on any text: it fails with a code and a message, or
 * gives a manifest that keeps its limits and prints as UTF-8 JSON which
 * parses back to the same JSON (parse, to_json, parse, to_json).
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dupg_manifest *m = (dupg_manifest *)&m, *back = NULL;
	char *json = NULL, *again = NULL;
	uint64_t total = 0;
	size_t i;
	int rc;

	rc = dupg_manifest_parse(&m, (const char *)data, size, "fuzz.json");
	if (rc != 0) {
		fuzz_check_error(rc, "dupg_manifest_parse");
		FUZZ_CHECK(m == NULL, "a failed parse left a manifest");
		return 0;
	}
	FUZZ_CHECK(strlen(dupg_manifest_version(m)) <= DUPG_VERSION_MAX_BYTES, "version too long");
	FUZZ_CHECK(dupg_manifest_hw_count(m) >= 1, "no hardware type");
	for (i = 0; i < dupg_manifest_hw_count(m); i++)
		FUZZ_CHECK(strlen(dupg_manifest_hw(m, i)) <= DUPG_HW_MAX_BYTES, "hw %zu too long", i);
	FUZZ_CHECK(dupg_manifest_file_count(m) <= DUPG_MANIFEST_MAX_FILES, "too many files");
	for (i = 0; i < dupg_manifest_file_count(m); i++) {
		FUZZ_CHECK(dupg_manifest_file_size(m, i) <= DUPG_FILE_MAX_BYTES, "file %zu too large", i);
		FUZZ_CHECK(dupg_manifest_file_mode(m, i) <= DUPG_MODE_MAX, "file %zu: mode %o", i,
			   dupg_manifest_file_mode(m, i));
		FUZZ_CHECK(dupg_manifest_file_mode_listed(m, i) ? dupg_manifest_format(m) == 3
				: dupg_manifest_file_mode(m, i) == DUPG_MANIFEST_MODE_DEFAULT,
			   "file %zu: mode %o listed %d in format %d", i, dupg_manifest_file_mode(m, i),
			   dupg_manifest_file_mode_listed(m, i), dupg_manifest_format(m));
		total += dupg_manifest_file_size(m, i);
	}
	FUZZ_CHECK(total == dupg_manifest_total_size(m) && total <= DUPG_PACKAGE_MAX_BYTES,
		   "total %llu", (unsigned long long)total);
	FUZZ_CHECK(dupg_manifest_to_json(&json, m) == 0, "to_json: %s", dupg_error_last());
	FUZZ_CHECK(dupg__utf8_invalid(json, strlen(json)) == strlen(json), "to_json is not UTF-8");
	rc = dupg_manifest_parse(&back, json, strlen(json), "again.json");
	FUZZ_CHECK(rc == 0, "to_json does not parse back: %s", dupg_error_last());
	FUZZ_CHECK(dupg_manifest_to_json(&again, back) == 0, "to_json: %s", dupg_error_last());
	FUZZ_CHECK(strcmp(json, again) == 0, "round trip differs:\n  %s\n  %s", json, again);
	dupg_free(json);
	dupg_free(again);
	dupg_manifest_free(back);
	dupg_manifest_free(m);
	return 0;
}
