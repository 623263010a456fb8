/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file dupg/manifest.h
 * @brief The manifest of an upgrade package (formats 1 to 3): the one place
 *        its schema is written down.
 *
 * An upgrade package is an archive holding `manifest.json` at its root plus
 * the install files, and optionally `manifest.sig` right after the manifest
 * (its signatures, see trust.h).
 *
 * Format 1:
 *
 *     {"format": 1, "name": "...", "version": "...", "hw": ["B", "C"],
 *      "build_time": "...", "vendor": "...",
 *      "files": [{"path": "bin/app", "size": 123, "xxh128": "<32 hex>"}]}
 *
 * Format 2 is format 1 plus:
 *
 *     "security_version": 7,                      (integer >= 0; 0 when absent)
 *     "applies_to": {"min": "1.2", "max": "1.9"}, (either end optional)
 *     "summary": "text",                          (optional)
 *     "expires": "2027-01-31T12:00:00Z",          (optional, RFC 3339)
 *     "files": [{..., "xxh128": "<32 hex>", "sha256": "<64 hex>"}]
 *
 * - `sha256` is the SHA-256 of the file, 64 lowercase hex digits; optional
 *   in the schema, required of every file by a trust policy (package.h).
 * - `security_version` is what anti-rollback compares (store.h): a store
 *   refuses an upgrade to a package whose security version is below the
 *   highest one it committed for the package's hardware types.
 * - `applies_to` is the range of running versions the package may be
 *   installed over, both ends included, compared with dupg_vercmp();
 *   matching (match.h) skips a package whose range excludes the version a
 *   device runs and takes the next best one.
 * - `expires`: after this time a trust policy refuses the package for new
 *   installs (::DUPG_EEXPIRED).
 *
 * Format 3 is format 2 plus, in any file entry:
 *
 *     "files": [{..., "mode": "0755"}]            (optional)
 *
 * - `mode` is the permission bits the installer gives the file: 3 or 4
 *   octal digits, at most 07777 ("0755", "644", "4755"). A file without one
 *   installs as ::DUPG_MANIFEST_MODE_DEFAULT (0644), as does every file of
 *   a format-1 or format-2 manifest. The archive entry of a file that lists
 *   a mode must carry exactly that mode; one that does not may carry any
 *   mode without a special bit (::DUPG_MODE_SPECIAL: setuid, setgid,
 *   sticky, world-writable), which is ignored. The full policy is in
 *   package.h.
 *
 * `build_time` and `vendor` are optional; unknown keys are ignored (the
 * keys of a later format too, in an earlier one: `mode` in a format-2
 * manifest lists nothing); a `format` other than 1, 2 or 3 is refused with
 * ::DUPG_EUNSUPPORTED. A manifest is written as format 3 when a file lists
 * a mode, else as format 2 when it uses any format-2 key, else as format 1.
 *
 * The `xxh128` digest is XXH3-128 printed as `xxhsum -H2` prints it
 * (canonical, big-endian, 32 lowercase hex digits). XXH3 detects corruption
 * (a flipped bit, a truncated transfer), NOT tampering: anyone can produce a
 * package whose digests match. Authenticity comes from a signature over the
 * exact bytes of `manifest.json` (trust.h), which covers every file through
 * its `sha256`.
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
/** The newest manifest format this library reads and writes. */
#define DUPG_MANIFEST_FORMAT 3
/** The oldest manifest format this library reads. */
#define DUPG_MANIFEST_FORMAT_MIN 1

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
 * Serialize a manifest as JSON: the keys above, in the format dupg_manifest_format() gives.
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

/* ---- format 2 ---- */

/** @return the manifest's format: 1, 2 or 3 (what dupg_manifest_to_json() writes) */
DUPG_EXTERN(int) dupg_manifest_format(const dupg_manifest *m);

/**
 * Set the SHA-256 of file i (copied); makes the manifest format 2.
 * @return 0 or ::DUPG_EINVAL (no such file)
 */
DUPG_EXTERN(int) dupg_manifest_set_file_sha256(dupg_manifest *m, size_t i,
					       const unsigned char sha256[32]);
/** @return the 32-byte SHA-256 of file i, borrowed; NULL when out of range or absent */
DUPG_EXTERN(const unsigned char *) dupg_manifest_file_sha256(const dupg_manifest *m, size_t i);
/** @return the SHA-256 of file i as 64 lowercase hex digits, borrowed; NULL when out of range or absent */
DUPG_EXTERN(const char *) dupg_manifest_file_sha256_hex(const dupg_manifest *m, size_t i);
/** @return 1 when every file has a SHA-256 (also when there are no files), else 0 */
DUPG_EXTERN(int) dupg_manifest_has_sha256(const dupg_manifest *m);

/** Set the security version (at most INT64_MAX); makes the manifest format 2. @return 0 or ::DUPG_EINVAL */
DUPG_EXTERN(int) dupg_manifest_set_security_version(dupg_manifest *m, uint64_t security_version);
/** @return the security version; 0 when absent (and for every format-1 manifest) */
DUPG_EXTERN(uint64_t) dupg_manifest_security_version(const dupg_manifest *m);

/**
 * Set the range of running versions the package applies to (copied); NULL
 * for an open end; both NULL clears. Makes the manifest format 2.
 * @return 0, ::DUPG_EINVAL (empty string, min above max) or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_manifest_set_applies_to(dupg_manifest *m, const char *min, const char *max);
/** @return the lowest running version the package applies to, borrowed; NULL when open */
DUPG_EXTERN(const char *) dupg_manifest_applies_min(const dupg_manifest *m);
/** @return the highest running version the package applies to, borrowed; NULL when open */
DUPG_EXTERN(const char *) dupg_manifest_applies_max(const dupg_manifest *m);
/**
 * @return 1 when the package may be installed over a device running version
 *         running (min <= running <= max by dupg_vercmp(), open ends always
 *         pass), else 0 (also for NULL arguments)
 */
DUPG_EXTERN(int) dupg_manifest_applies(const dupg_manifest *m, const char *running);

/** Set the optional summary (copied; NULL clears). @return 0, ::DUPG_EINVAL or ::DUPG_ENOMEM */
DUPG_EXTERN(int) dupg_manifest_set_summary(dupg_manifest *m, const char *summary);
/** @return the summary, borrowed; NULL when absent */
DUPG_EXTERN(const char *) dupg_manifest_summary(const dupg_manifest *m);

/**
 * Set the optional expiry time, an RFC 3339 date-time such as
 * "2027-01-31T12:00:00Z" (copied; NULL clears).
 * @return 0, ::DUPG_EINVAL (not RFC 3339) or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_manifest_set_expires(dupg_manifest *m, const char *expires);
/** @return the expiry time as written, borrowed; NULL when absent */
DUPG_EXTERN(const char *) dupg_manifest_expires(const dupg_manifest *m);
/**
 * @param now seconds since 1970-01-01T00:00:00Z
 * @return 1 when the manifest has an expiry time and now is at or past it, else 0
 */
DUPG_EXTERN(int) dupg_manifest_expired(const dupg_manifest *m, int64_t now);

/* ---- format 3 ---- */

/** The mode a file installs with when its manifest lists none (every file of formats 1 and 2). */
#define DUPG_MANIFEST_MODE_DEFAULT 0644u
/** Highest mode a manifest may list: the permission bits, setuid, setgid and sticky. */
#define DUPG_MODE_MAX 07777u
/**
 * The bits an archive entry may carry only when the manifest lists its mode
 * exactly: setuid (04000), setgid (02000), sticky (01000), writable by others (0002).
 */
#define DUPG_MODE_SPECIAL 07002u

/**
 * List the mode file i installs with; makes the manifest format 3.
 * @param mode at most ::DUPG_MODE_MAX
 * @return 0 or ::DUPG_EINVAL (no such file, mode above ::DUPG_MODE_MAX)
 */
DUPG_EXTERN(int) dupg_manifest_set_file_mode(dupg_manifest *m, size_t i, unsigned int mode);
/**
 * The mode the installer gives file i: the one the manifest lists, else
 * ::DUPG_MANIFEST_MODE_DEFAULT.
 * @return the mode (at most ::DUPG_MODE_MAX); ::DUPG_MANIFEST_MODE_DEFAULT when i is out of range
 */
DUPG_EXTERN(unsigned int) dupg_manifest_file_mode(const dupg_manifest *m, size_t i);
/** @return 1 when the manifest lists a mode for file i (format 3), else 0 (also out of range) */
DUPG_EXTERN(int) dupg_manifest_file_mode_listed(const dupg_manifest *m, size_t i);

#ifdef __cplusplus
}
#endif
#endif
