/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dupg_sysvd_from_json on any text. A description it accepts keeps its
 * limits and its order (versions ascending by dupg_vercmp, lowest first),
 * prints as UTF-8 JSON that parses back to the same JSON, and is what adding
 * its devices one at a time, in document order, gives (the one-pass sort of
 * a parse against one insertion after the other).
 */
#include "config.h"

#include <json-c/json.h>
#include <string.h>

#include "fuzz.h"
#include "util/utf8.h"

/* Add the devices of a description that parsed, one dupg_sysvd_add at a time. */
static void add_one_by_one(dupg_sysvd *s, const char *text, size_t len)
{
	json_tokener *tok = json_tokener_new();
	json_object *root, *hw;

	FUZZ_CHECK(tok != NULL, "out of memory");
	root = json_tokener_parse_ex(tok, text, (int)len);
	json_tokener_free(tok);
	FUZZ_CHECK(root != NULL && json_object_object_get_ex(root, "hw", &hw), "json-c disagrees");
	json_object_object_foreach(hw, key, arr) {
		size_t k, d;

		for (k = 0; k < json_object_array_length(arr); k++) {
			json_object *e = json_object_array_get_idx(arr, k), *v, *devs;
			dupg_device_vd dev = { NULL, key, NULL, 0 };

			FUZZ_CHECK(json_object_object_get_ex(e, "version", &v) &&
				   json_object_object_get_ex(e, "devices", &devs), "entry %zu", k);
			dev.version = json_object_get_string(v);
			for (d = 0; d < json_object_array_length(devs); d++) {
				dev.id = json_object_get_string(json_object_array_get_idx(devs, d));
				FUZZ_CHECK(dupg_sysvd_add(s, &dev) == 0, "add %s: %s", dev.id,
					   dupg_error_last());
			}
		}
	}
	json_object_put(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dupg_sysvd *s = (dupg_sysvd *)&s, *back = NULL, *single = NULL;
	char *json = NULL, *again = NULL, *one = NULL;
	size_t i, v, devices = 0;
	int rc;

	rc = dupg_sysvd_from_json(&s, (const char *)data, size, "fuzz.json");
	if (rc != 0) {
		fuzz_check_error(rc, "dupg_sysvd_from_json");
		FUZZ_CHECK(s == NULL, "a failed parse left a description");
		return 0;
	}
	FUZZ_CHECK(dupg_sysvd_hw_count(s) <= DUPG_SYSVD_MAX_TYPES, "types");
	for (i = 0; i < dupg_sysvd_hw_count(s); i++) {
		size_t nv = dupg_sysvd_version_count(s, i);

		FUZZ_CHECK(nv >= 1, "type %zu has no version", i);
		FUZZ_CHECK(dupg_sysvd_find_hw(s, dupg_sysvd_hw(s, i)) == i, "type %zu not found", i);
		FUZZ_CHECK(strcmp(dupg_sysvd_lowest_version(s, i), dupg_sysvd_version(s, i, 0)) == 0,
			   "type %zu: lowest is not the first version", i);
		for (v = 0; v < nv; v++) {
			FUZZ_CHECK(dupg_sysvd_device_count(s, i, v) >= 1, "version without devices");
			devices += dupg_sysvd_device_count(s, i, v);
			if (v > 0)
				FUZZ_CHECK(dupg_vercmp(dupg_sysvd_version(s, i, v - 1),
						       dupg_sysvd_version(s, i, v)) <= 0,
					   "type %zu: %s after %s", i, dupg_sysvd_version(s, i, v),
					   dupg_sysvd_version(s, i, v - 1));
		}
	}
	FUZZ_CHECK(devices <= DUPG_SYSVD_MAX_DEVICES, "devices");
	FUZZ_CHECK(dupg_sysvd_to_json(&json, s) == 0, "to_json: %s", dupg_error_last());
	FUZZ_CHECK(dupg__utf8_invalid(json, strlen(json)) == strlen(json), "to_json is not UTF-8");
	FUZZ_CHECK(dupg_sysvd_from_json(&back, json, strlen(json), "again.json") == 0,
		   "to_json does not parse back: %s", dupg_error_last());
	FUZZ_CHECK(dupg_sysvd_to_json(&again, back) == 0, "to_json");
	FUZZ_CHECK(strcmp(json, again) == 0, "round trip differs:\n  %s\n  %s", json, again);
	FUZZ_CHECK(dupg_sysvd_new(&single) == 0, "new");
	add_one_by_one(single, (const char *)data, size);
	FUZZ_CHECK(dupg_sysvd_to_json(&one, single) == 0, "to_json");
	FUZZ_CHECK(strcmp(json, one) == 0, "one add at a time differs:\n  %s\n  %s", json, one);
	dupg_free(json);
	dupg_free(again);
	dupg_free(one);
	dupg_sysvd_free(back);
	dupg_sysvd_free(single);
	dupg_sysvd_free(s);
	return 0;
}
