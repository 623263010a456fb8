/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dupg_package_read_manifest and dupg_package_verify on archive bytes
 * written to a file. The first input byte says how the rest is stored: 0 as
 * it is (tar, zip, or a compressed tar already), 1 to 3 compressed first
 * with gzip, xz or zstd, so that mutations of a plain tar reach the reader
 * through every filter. A verified package's manifest is the one a
 * manifest-only read gives.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* len bytes through filter (libarchive's raw writer) into a malloc'd buffer. */
static unsigned char *compress(size_t *out_len, const uint8_t *data, size_t len,
			       int (*filter)(struct archive *))
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	size_t cap = 2 * len + 65536, used = 0;
	unsigned char *out = malloc(cap);

	FUZZ_CHECK(a != NULL && e != NULL && out != NULL, "out of memory");
	/* no padding after the stream: just the compressed bytes */
	archive_write_set_bytes_in_last_block(a, 1);
	FUZZ_CHECK(archive_write_set_format_raw(a) == ARCHIVE_OK && filter(a) == ARCHIVE_OK,
		   "writer: %s", archive_error_string(a));
	/* the fastest level: xz's default takes a 94 MB dictionary per input */
	archive_write_set_filter_option(a, NULL, "compression-level", "1");
	FUZZ_CHECK(archive_write_open_memory(a, out, cap, &used) == ARCHIVE_OK,
		   "writer: %s", archive_error_string(a));
	archive_entry_set_pathname(e, "raw");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_size(e, (la_int64_t)len);
	FUZZ_CHECK(archive_write_header(a, e) == ARCHIVE_OK, "%s", archive_error_string(a));
	FUZZ_CHECK(len == 0 || archive_write_data(a, data, len) == (la_ssize_t)len, "%s",
		   archive_error_string(a));
	FUZZ_CHECK(archive_write_close(a) == ARCHIVE_OK, "%s", archive_error_string(a));
	archive_write_free(a);
	archive_entry_free(e);
	*out_len = used;
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int (*const filters[])(struct archive *) = {
		NULL, archive_write_add_filter_gzip, archive_write_add_filter_xz,
		archive_write_add_filter_zstd,
	};
	const char *path = fuzz_path(fuzz_dir(), "pkg");
	dupg_manifest *read = (dupg_manifest *)&read, *verified = (dupg_manifest *)&read;
	unsigned char *packed = NULL;
	char *a = NULL, *b = NULL;
	int rc_read, rc_verify;
	size_t len;

	if (size == 0)
		return 0;
	if (data[0] % 4 != 0) {
		packed = compress(&len, data + 1, size - 1, filters[data[0] % 4]);
		fuzz_write(path, packed, len);
		free(packed);
	} else {
		fuzz_write(path, data + 1, size - 1);
	}
	rc_read = dupg_package_read_manifest(&read, path);
	if (rc_read != 0) {
		fuzz_check_error(rc_read, "dupg_package_read_manifest");
		FUZZ_CHECK(read == NULL, "a failed read left a manifest");
	}
	rc_verify = dupg_package_verify(&verified, path);
	if (rc_verify != 0) {
		fuzz_check_error(rc_verify, "dupg_package_verify");
		FUZZ_CHECK(verified == NULL, "a failed verify left a manifest");
	} else {
		FUZZ_CHECK(rc_read == 0, "verified, but the manifest-only read failed: %d", rc_read);
		FUZZ_CHECK(dupg_manifest_to_json(&a, read) == 0 && dupg_manifest_to_json(&b, verified) == 0,
			   "to_json");
		FUZZ_CHECK(strcmp(a, b) == 0, "two manifests:\n  %s\n  %s", a, b);
		/* verifying without wanting the manifest gives the same answer */
		FUZZ_CHECK(dupg_package_verify(NULL, path) == 0, "verify(NULL) failed: %s",
			   dupg_error_last());
	}
	dupg_free(a);
	dupg_free(b);
	dupg_manifest_free(read);
	dupg_manifest_free(verified);
	return 0;
}
