/* dupg-sim merge: merge device descriptions into a system version description. */
#include "config.h"

#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "dupg.h"
#include "stage/common.h"
#include "stage/stage.h"

static const char *device_str(json_object *dev, const char *key, const char *path, size_t i)
{
	json_object *v;

	if (!json_object_object_get_ex(dev, key, &v) || !json_object_is_type(v, json_type_string)) {
		cli_fail("%s: devices[%zu]: \"%s\" must be a string", path, i, key);
		return NULL;
	}
	return json_object_get_string(v);
}

int cli_merge(int argc, char **argv)
{
	json_object *root, *devs;
	dupg_device_vd *vds = NULL;
	dupg_sysvd *s = NULL;
	char *json = NULL;
	size_t n, i;
	int rc, status = 1;

	if (stage_wants_help(argc, argv)) {
		puts("usage: dupg-sim merge DEVICES.json\n"
		     "DEVICES.json: {\"devices\": [{\"id\": ..., \"hw\": ..., \"version\": ...,\n"
		     "               \"duration\": seconds (optional)}, ...]}\n"
		     "Prints the system version description: {\"hw\": {\"TYPE\": [{\"version\": V,\n"
		     "\"devices\": [ids]}, ...]}}.");
		return 0;
	}
	if (argc != 2) {
		cli_fail("merge: expected exactly one DEVICES.json (see --help)");
		return 2;
	}
	root = stage_load_json(argv[1]);
	if (root == NULL)
		return 1;
	if (!json_object_object_get_ex(root, "devices", &devs) ||
	    !json_object_is_type(devs, json_type_array)) {
		cli_fail("%s: \"devices\" must be an array", argv[1]);
		goto done;
	}
	n = json_object_array_length(devs);
	vds = calloc(n + 1, sizeof(*vds));
	if (vds == NULL) {
		cli_fail("merge: out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		json_object *dev = json_object_array_get_idx(devs, i), *dur;
		if (!json_object_is_type(dev, json_type_object)) {
			cli_fail("%s: devices[%zu] must be an object", argv[1], i);
			goto done;
		}
		vds[i].id = device_str(dev, "id", argv[1], i);
		vds[i].hw = vds[i].id ? device_str(dev, "hw", argv[1], i) : NULL;
		vds[i].version = vds[i].hw ? device_str(dev, "version", argv[1], i) : NULL;
		if (vds[i].version == NULL)
			goto done;
		if (json_object_object_get_ex(dev, "duration", &dur)) {
			int64_t d = json_object_get_int64(dur);
			if (!json_object_is_type(dur, json_type_int) || d < 0 || d > UINT32_MAX) {
				cli_fail("%s: devices[%zu]: \"duration\" must be a non-negative integer",
					 argv[1], i);
				goto done;
			}
			vds[i].duration_s = (uint32_t)d;
		}
	}
	rc = dupg_merge(&s, vds, n);
	if (rc != 0) {
		cli_fail("%s: %s", argv[1], dupg_error_last());
		goto done;
	}
	rc = dupg_sysvd_to_json(&json, s);
	status = stage_print_owned(json, rc);
done:
	dupg_sysvd_free(s);
	free(vds);
	json_object_put(root);
	return status;
}
