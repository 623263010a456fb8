/**
 * @file dupg/manifest.h
 * @brief The manifest of an upgrade package (schema v1).
 *
 * An upgrade package is an archive holding `manifest.json` at its root plus
 * the install files. Schema v1:
 *
 *     {"format": 1, "name": "...", "version": "...", "hw": ["B", "C"],
 *      "build_time": "...", "vendor": "...",
 *      "files": [{"path": "bin/app", "size": 123, "xxh128": "<32 hex>"}]}
 *
 * `build_time` and `vendor` are optional; unknown keys are ignored; a
 * `format` other than 1 is refused with ::DUPG_EUNSUPPORTED.
 *
 * The digest is XXH3-128 printed as `xxhsum -H2` prints it (canonical,
 * big-endian, 32 lowercase hex digits). XXH3 detects corruption (a flipped
 * bit, a truncated transfer), NOT tampering: anyone can produce a package
 * whose digests match. Authenticity needs a signature over the package,
 * which libdupg does not provide.
 */
#ifndef DUPG_MANIFEST_H
#define DUPG_MANIFEST_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Limits (each refused with ::DUPG_EFORMAT when parsed, ::DUPG_EINVAL when
 * set through the functions below, the message naming the value and the
 * limit). Strings follow common.h: non-empty UTF-8 without NUL bytes;
 * `version` at most ::DUPG_VERSION_MAX_BYTES, each hardware type at most
 * ::DUPG_HW_MAX_BYTES, each install path at most ::DUPG_PATH_MAX_BYTES;
 * JSON nested at most ::DUPG_JSON_MAX_DEPTH deep.
 */
/** Largest manifest.json accepted, in bytes; larger ones are refused. */
#define DUPG_MANIFEST_MAX_BYTES (4u * 1024u * 1024u)
/** Largest size a single listed file may declare (1 TiB): anything above is absurd. */
#define DUPG_FILE_MAX_BYTES ((uint64_t)1 << 40)
/** Most files a manifest may list. */
#define DUPG_MANIFEST_MAX_FILES 65536u
/**
 * Largest sum of the declared sizes of a manifest's files (2 TiB): the most
 * data verifying a package can ever decompress and hash (package.h).
 */
#define DUPG_PACKAGE_MAX_BYTES ((uint64_t)2 << 40)
/** The manifest schema version this library reads and writes. */
#define DUPG_MANIFEST_FORMAT 1

/** An upgrade package manifest. Opaque; create with dupg_manifest_new() or dupg_manifest_parse(). */
typedef struct dupg_manifest dupg_manifest;

/**
 * Create an empty manifest (no hardware types, no files).
 * @param out receives the manifest; the caller owns it (dupg_manifest_free()).
 * @param name package name (non-empty)
 * @param version package version (non-empty)
 * @return 0, ::DUPG_EINVAL or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_manifest_new(dupg_manifest **out, const char *name, const char *version);

/** Free a manifest; NULL is fine. */
DUPG_EXTERN(void) dupg_manifest_free(dupg_manifest *m);

/**
 * Parse manifest JSON text and validate it fully (required keys and types,
 * non-empty hardware list, relative install paths without `..`, sizes
 * within ::DUPG_FILE_MAX_BYTES and ::DUPG_PACKAGE_MAX_BYTES in total, at
 * most ::DUPG_MANIFEST_MAX_FILES files, 32-hex digests, no duplicate paths,
 * the limits above).
 * @param out receives the manifest; the caller owns it.
 * @param json the text (need not be NUL-terminated)
 * @param len its length in bytes
 * @param origin name used in error messages (e.g. the package path); may be NULL
 * @return 0, ::DUPG_EFORMAT, ::DUPG_EUNSUPPORTED, ::DUPG_EEXISTS or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_manifest_parse(dupg_manifest **out, const char *json, size_t len,
				     const char *origin);

/**
 * Serialize a manifest as JSON (schema v1, the keys above).
 * @param out receives a NUL-terminated string; the caller frees it with dupg_free().
 * @return 0 or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_manifest_to_json(char **out, const dupg_manifest *m);

/** Set the optional build time (copied; NULL clears). @return 0, ::DUPG_EINVAL (empty string) or ::DUPG_ENOMEM */
DUPG_EXTERN(int) dupg_manifest_set_build_time(dupg_manifest *m, const char *build_time);
/** Set the optional vendor (copied; NULL clears). @return 0, ::DUPG_EINVAL (empty string) or ::DUPG_ENOMEM */
DUPG_EXTERN(int) dupg_manifest_set_vendor(dupg_manifest *m, const char *vendor);

/**
 * Add a hardware type the package fits (copied). Adding a type twice is a no-op.
 * @return 0, ::DUPG_EINVAL (empty type) or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_manifest_add_hw(dupg_manifest *m, const char *hw);

/**
 * List an install file.
 * @param path relative install path (no leading '/', no `..` component)
 * @param size size in bytes
 * @param xxh128 canonical XXH3-128 digest (16 bytes, big-endian)
 * @return 0, ::DUPG_EINVAL (bad path or size), ::DUPG_EEXISTS or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_manifest_add_file(dupg_manifest *m, const char *path, uint64_t size,
					const unsigned char xxh128[16]);

/* Getters. Returned strings are borrowed: they live as long as the manifest. */
/** @return the package name, borrowed */
DUPG_EXTERN(const char *) dupg_manifest_name(const dupg_manifest *m);
/** @return the package version, borrowed */
DUPG_EXTERN(const char *) dupg_manifest_version(const dupg_manifest *m);
/** @return the build time, or NULL when absent */
DUPG_EXTERN(const char *) dupg_manifest_build_time(const dupg_manifest *m);
/** @return the vendor, or NULL when absent */
DUPG_EXTERN(const char *) dupg_manifest_vendor(const dupg_manifest *m);
/** Number of hardware types the package fits. */
DUPG_EXTERN(size_t) dupg_manifest_hw_count(const dupg_manifest *m);
/** @return hardware type i (in manifest order), or NULL when i is out of range */
DUPG_EXTERN(const char *) dupg_manifest_hw(const dupg_manifest *m, size_t i);
/** @return 1 when the package fits hardware type hw, else 0 */
DUPG_EXTERN(int) dupg_manifest_fits(const dupg_manifest *m, const char *hw);
/** Number of install files listed. */
DUPG_EXTERN(size_t) dupg_manifest_file_count(const dupg_manifest *m);
/** @return install path of file i, or NULL when out of range */
DUPG_EXTERN(const char *) dupg_manifest_file_path(const dupg_manifest *m, size_t i);
/** @return declared size of file i (0 when out of range) */
DUPG_EXTERN(uint64_t) dupg_manifest_file_size(const dupg_manifest *m, size_t i);
/** @return the 16-byte canonical digest of file i, or NULL when out of range */
DUPG_EXTERN(const unsigned char *) dupg_manifest_file_xxh128(const dupg_manifest *m, size_t i);
/** @return the digest of file i as 32 lowercase hex digits, or NULL when out of range */
DUPG_EXTERN(const char *) dupg_manifest_file_xxh128_hex(const dupg_manifest *m, size_t i);
/** @return the sum of the declared sizes of every file */
DUPG_EXTERN(uint64_t) dupg_manifest_total_size(const dupg_manifest *m);

#ifdef __cplusplus
}
#endif
#endif
