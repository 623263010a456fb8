/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file dupg/package.h
 * @brief Reading, verifying and building upgrade package archives (I/O).
 *
 * Formats read: tar (ustar, pax and GNU tar, sparse entries included) and
 * zip; a tar may be compressed with gzip, xz or zstd, each decompressed by
 * libarchive's built-in code. A zip member may be stored or deflated (the
 * methods 0 and 8, what dupg_package_build() and every common zip tool
 * write); a member compressed with any other method (bzip2, LZMA, XZ, zstd,
 * PPMd, Deflate64, ...) is refused with ::DUPG_EUNSUPPORTED, the message
 * naming the package, the member and the method, as soon as its header is
 * read (libarchive 3.6 fails on a zero-length LZMA member, and packages need
 * none of these decoders). Nothing else is read: no bzip2 (packages are
 * never built with it), no filter libarchive would hand to an external
 * program (lzop, lrzip, grzip, or gzip, xz and zstd themselves when libarchive
 * was built without their library: such a file is then "not an archive"),
 * and no 7-Zip, RAR, CAB, LHA, ISO 9660, XAR, cpio, ar or mtree. Reading a
 * package never starts a process.
 * Packages built here put `manifest.json` first, so the manifest can be read
 * without decompressing the payload.
 *
 * Integrity: verification checks every file's size and XXH3-128 digest and
 * that the archive holds exactly the listed regular files (plus directories).
 * That detects corruption, not tampering (see manifest.h).
 *
 * File modes: the mode a file installs with is the manifest's, never the
 * archive's: dupg_manifest_file_mode() gives the one a format-3 manifest
 * lists for it, else ::DUPG_MANIFEST_MODE_DEFAULT (0644; every file of a
 * format-1 or format-2 manifest). An installer applies that mode and
 * nothing else from the archive (owner, group and times are not part of a
 * package). Verification (dupg_package_verify(), dupg_package_verify_ext())
 * holds every entry to the policy, and refuses with ::DUPG_EMODE, the
 * message naming the package, the entry and its mode:
 * - a file whose manifest lists a mode, when its entry carries another;
 * - a file that lists none, or a directory (no manifest lists one), when
 *   its entry carries a bit of ::DUPG_MODE_SPECIAL: setuid, setgid, sticky
 *   or writable by others. Such a mode is taken only when the manifest,
 *   which a signature covers, lists it exactly.
 * Other modes of files without a listed mode (0755, 0600, ...) are
 * accepted and ignored, as they always were. manifest.json and manifest.sig
 * are not installed: their modes are not looked at. Reading the manifest
 * alone (dupg_package_read_manifest()) reads no other entry and checks no mode.
 *
 * Limits, so that a hostile archive costs bounded time and memory (besides
 * those of manifest.h, which every package's manifest meets):
 * - at most ::DUPG_PACKAGE_MAX_ENTRIES entries of any kind (::DUPG_EFORMAT);
 * - reading the manifest decompresses at most ::DUPG_MANIFEST_MAX_OFFSET
 *   bytes of data before it (::DUPG_EFORMAT beyond): packages built here
 *   put it first, and reading it then touches 64 KiB of payload at most;
 * - verifying decompresses at most the sizes the manifest declares (in all
 *   at most ::DUPG_PACKAGE_MAX_BYTES), plus ::DUPG_MANIFEST_MAX_BYTES for the
 *   manifest itself: an archive that inflates beyond them is refused
 *   (::DUPG_EINTEGRITY) as soon as it does, whatever its directory entries
 *   or duplicate entries would hold;
 * - sparse entries are verified, their holes hashed as the zeros they
 *   extract to: XXH3 allows no shortcut over a run of zeros (its state is
 *   scrambled after every 1 KiB), so the holes of one package may add up to
 *   ::DUPG_PACKAGE_MAX_HOLE_BYTES at most (::DUPG_EFORMAT beyond, before they
 *   are hashed): a few seconds of hashing at worst, where a 464-byte archive
 *   declaring a 1 TiB hole took over 30 s of CPU.
 * The cost of verifying is then linear in what the manifest declares:
 * callers that want less check dupg_manifest_total_size() of
 * dupg_package_read_manifest() first.
 */
#ifndef DUPG_PACKAGE_H
#define DUPG_PACKAGE_H

#include "common.h"
#include "manifest.h"
#include "trust.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most entries (files, directories, anything) an archive may hold. */
#define DUPG_PACKAGE_MAX_ENTRIES (2u * DUPG_MANIFEST_MAX_FILES)
/** Most bytes of data before manifest.json that reading it decompresses (4 GiB). */
#define DUPG_MANIFEST_MAX_OFFSET ((uint64_t)4 << 30)
/** Most bytes of sparse holes one package's files may add up to (16 GiB). */
#define DUPG_PACKAGE_MAX_HOLE_BYTES ((uint64_t)16 << 30)

/**
 * Read a package's manifest without verifying the payload. When
 * `manifest.json` is the first entry, reading stops right after it: at most
 * the one block libarchive decompresses ahead (64 KiB) of the payload is read.
 * @param out receives the manifest; the caller owns it.
 * @param path the package file
 * @return 0, ::DUPG_ENOTFOUND, ::DUPG_EIO, ::DUPG_EARCHIVE (not an archive,
 *         truncated), ::DUPG_EFORMAT (manifest missing, empty, invalid, or a
 *         limit above passed), ::DUPG_EUNSUPPORTED or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_package_read_manifest(dupg_manifest **out, const char *path);

/**
 * Read and fully verify a package: every entry is streamed through XXH3-128
 * and checked against the manifest (size and digest); the archive must hold
 * exactly the listed regular files, each once, and nothing else but
 * directories (no symlinks, devices, FIFOs, hard links, duplicates).
 * A sparse entry is verified as the file it extracts to: holes count as zeros
 * (within ::DUPG_PACKAGE_MAX_HOLE_BYTES).
 * @param out receives the manifest when the package is valid (caller owns
 *        it); may be NULL to only verify.
 * @return 0, the codes of dupg_package_read_manifest(), ::DUPG_EINTEGRITY
 *         (size or digest mismatch, missing, unlisted, non-regular or
 *         duplicate entry) or ::DUPG_EMODE (a mode the policy above refuses)
 */
DUPG_EXTERN(int) dupg_package_verify(dupg_manifest **out, const char *path);

/** What a verification requires of a package's signatures. */
typedef enum {
	DUPG_TRUST_NONE = 0,     /**< none: manifest.sig, when present, is not checked (only held
				      to ::DUPG_SIG_MAX_BYTES, ::DUPG_ESIGFORMAT beyond) */
	DUPG_TRUST_REQUIRED = 1  /**< signed under the trust store (trust.h), every file covered by a SHA-256 */
} dupg_trust_policy;

/** @return "none" or "required" (static); "unknown" out of range */
DUPG_EXTERN(const char *) dupg_trust_policy_name(dupg_trust_policy policy);
/** The policy dupg_trust_policy_name() spells as name. @return 0 or ::DUPG_EINVAL */
DUPG_EXTERN(int) dupg_trust_policy_parse(dupg_trust_policy *out, const char *name);

/** dupg_verify_options.now: take the time from the system clock. */
#define DUPG_VERIFY_NOW_CLOCK 0
/** dupg_verify_options.now: do not check `expires` at all. */
#define DUPG_VERIFY_NO_EXPIRY (-1)

/**
 * @name Progress and cancel
 * A progress callback is called while dupg_package_verify_ext() hashes a
 * package's files and while dupg_package_build() digests and copies its
 * sources, at a rate bounded by the data, not by the number of calls the
 * archive needs: when each file starts, then after every
 * ::DUPG_PROGRESS_BYTES of its data at most once, and a last time with
 * done == total and file NULL when the data is all read. It runs on the
 * calling thread, inside the call.
 * @{
 */
/** A progress callback is called at most once per this many bytes of data (1 MiB), besides once per file. */
#define DUPG_PROGRESS_BYTES ((uint64_t)1 << 20)
/**
 * Progress of a verification or a build.
 * @param done bytes read so far (a sparse file's holes count as the zeros they hold)
 * @param total bytes the call reads in all: for a verification the sizes
 *        the manifest declares; for a build twice the sources' sizes (each
 *        is digested, then copied)
 * @param file the install path of the file being read, borrowed for the
 *        call; NULL in the last call
 * @param payload the options' payload
 * @return 0 to go on; non-zero cancels: the call returns ::DUPG_EABORTED,
 *         its message naming the package, and a build leaves no file at its
 *         output path (nor a temporary one)
 */
typedef int (*dupg_progress_cb)(uint64_t done, uint64_t total, const char *file, void *payload);
/** @} */

#define DUPG_VERIFY_OPTIONS_VERSION 2
/**
 * Options of dupg_package_verify_ext(). Initialise with ::DUPG_VERIFY_OPTIONS_INIT.
 * Version 1 ends at `now`; a caller built against it keeps working.
 */
typedef struct {
	unsigned int version;      /**< ::DUPG_VERIFY_OPTIONS_VERSION (or 1) */
	dupg_trust_policy policy;  /**< what the signatures must be */
	const dupg_trust *trust;   /**< the trust store (borrowed); required with ::DUPG_TRUST_REQUIRED */
	/**
	 * The time `expires` is compared with, in seconds since the epoch;
	 * ::DUPG_VERIFY_NOW_CLOCK for the system clock, ::DUPG_VERIFY_NO_EXPIRY
	 * to skip the check.
	 */
	int64_t now;
	/* version 2 */
	dupg_progress_cb progress; /**< optional progress callback, called while the payload is hashed */
	void *payload;             /**< passed to progress */
} dupg_verify_options;
#define DUPG_VERIFY_OPTIONS_INIT { DUPG_VERIFY_OPTIONS_VERSION, DUPG_TRUST_NONE, NULL, \
				   DUPG_VERIFY_NOW_CLOCK, NULL, NULL }

/**
 * dupg_package_verify() under a trust policy. Besides every check of
 * dupg_package_verify() (and each file's SHA-256 when the manifest has it),
 * refuses, in this order and each with its own code, the message naming
 * the package and the reason:
 * - under ::DUPG_TRUST_REQUIRED: ::DUPG_EUNSIGNED (no manifest.sig, or a
 *   file without a SHA-256, as in every format-1 manifest),
 *   ::DUPG_ESIGFORMAT, ::DUPG_EBADSIG, ::DUPG_EREVOKED, ::DUPG_EUNKNOWNKEY,
 *   ::DUPG_ETHRESHOLD (trust.h): all checked from the head of the archive,
 *   before any payload is decompressed;
 * - ::DUPG_EEXPIRED when the manifest's `expires` is at or before opts->now;
 * - then the payload: ::DUPG_EINTEGRITY and the other codes of dupg_package_verify(),
 *   and ::DUPG_EABORTED when opts->progress cancels.
 * @param out receives the manifest when the package passes (caller owns it); may be NULL.
 * @param opts options, or NULL for the defaults (no signature required, expiry checked)
 */
DUPG_EXTERN(int) dupg_package_verify_ext(dupg_manifest **out, const char *path,
					 const dupg_verify_options *opts);

/**
 * The manifest-first read of dupg_package_read_manifest() with the checks of
 * dupg_package_verify_ext() that need no payload: signatures under the
 * policy and expiry. The files are not read: a caller installs only what
 * dupg_package_verify_ext() passed.
 */
DUPG_EXTERN(int) dupg_package_read_manifest_ext(dupg_manifest **out, const char *path,
						const dupg_verify_options *opts);

/** Archive formats a package can be built in. */
typedef enum {
	DUPG_PACK_AUTO = 0,  /**< from the output file name; .tar.gz when it says nothing */
	DUPG_PACK_TAR,
	DUPG_PACK_TAR_GZ,
	DUPG_PACK_TAR_XZ,
	DUPG_PACK_TAR_ZST,
	DUPG_PACK_ZIP
} dupg_pack_format;

/** @return "auto", "tar", "tar.gz", "tar.xz", "tar.zst" or "zip" (static); "unknown" out of range */
DUPG_EXTERN(const char *) dupg_pack_format_name(dupg_pack_format format);
/** The format dupg_pack_format_name() spells as name. @return 0 or ::DUPG_EINVAL */
DUPG_EXTERN(int) dupg_pack_format_parse(dupg_pack_format *out, const char *name);

/** The mode one install file gets in a package (dupg_pack_options.modes). */
typedef struct {
	const char *path;   /**< the install path, as in a ::dupg_pack_file */
	unsigned int mode;  /**< its mode, at most ::DUPG_MODE_MAX: e.g. 0755 */
} dupg_pack_mode;

/** One file to put in a package: where it is now and where it installs. */
typedef struct {
	const char *source; /**< file on disk to read */
	const char *path;   /**< relative install path inside the package */
} dupg_pack_file;

#define DUPG_PACK_OPTIONS_VERSION 4
/**
 * Options of dupg_package_build(). Initialise with ::DUPG_PACK_OPTIONS_INIT.
 * Version 1 ends at `no_fsync`, version 2 at `sign_key_count`, version 3 at
 * `payload`; a caller built against any of them keeps working.
 */
typedef struct {
	unsigned int version;      /**< ::DUPG_PACK_OPTIONS_VERSION (or 1, 2) */
	dupg_pack_format format;   /**< archive format */
	const char *build_time;    /**< optional manifest build_time, NULL to omit */
	const char *vendor;        /**< optional manifest vendor, NULL to omit */
	int no_fsync;              /**< skip fsync (simulation only) */
	/* version 2 */
	uint64_t security_version; /**< manifest security_version (anti-rollback, store.h) */
	const char *applies_min;   /**< lowest running version the package applies to, NULL: open */
	const char *applies_max;   /**< highest running version the package applies to, NULL: open */
	const char *summary;       /**< optional manifest summary, NULL to omit */
	const char *expires;       /**< optional RFC 3339 expiry time, NULL to omit */
	/**
	 * Private keys (PEM files, as dupg_key_generate() writes them) to sign
	 * manifest.json with; the package then carries manifest.sig (trust.h).
	 */
	const char *const *sign_keys;
	size_t sign_key_count;     /**< entries in sign_keys */
	/* version 3 */
	dupg_progress_cb progress; /**< optional progress callback, called while sources are digested and copied */
	void *payload;             /**< passed to progress */
	/* version 4 */
	/**
	 * Modes to list (format 3): each named install file gets its mode in
	 * the manifest and on its archive entry. A path that is not among the
	 * files, named twice, or a mode above ::DUPG_MODE_MAX is ::DUPG_EINVAL.
	 */
	const dupg_pack_mode *modes;
	size_t mode_count;         /**< entries in modes */
	/**
	 * Non-zero: list every file's mode, the permission bits of its source
	 * (setuid, setgid and sticky included) unless modes names it.
	 */
	int record_modes;
} dupg_pack_options;
#define DUPG_PACK_OPTIONS_INIT { DUPG_PACK_OPTIONS_VERSION, DUPG_PACK_AUTO, NULL, NULL, 0, \
				 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, 0, 0 }

/**
 * Build a package: digests every source file (XXH3-128 and SHA-256), writes
 * a format-2 `manifest.json` first (format 3 when opts lists modes), `manifest.sig` next when keys are
 * given, and then the files, into a temporary file beside out_path that is fsynced
 * and renamed over out_path (the directory is fsynced too). On failure
 * nothing is left at out_path. Each file's archive entry carries the mode
 * the manifest gives it (dupg_manifest_file_mode(): 0644 unless listed),
 * owner and group 0, time 0.
 * @param out receives the manifest written (caller owns it); may be NULL.
 * @param out_path the package file to create or replace
 * @param name package name
 * @param version package version
 * @param hw hardware types the package fits (at least one)
 * @param hw_count number of entries in hw
 * @param files the install files (may be empty)
 * @param file_count number of entries in files
 * @param opts options, or NULL for the defaults
 * @return 0, ::DUPG_EINVAL, ::DUPG_ENOTFOUND, ::DUPG_EIO, ::DUPG_EARCHIVE,
 *         ::DUPG_EEXISTS (an install path twice), ::DUPG_EABORTED (opts->progress
 *         cancelled) or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_package_build(dupg_manifest **out, const char *out_path,
				    const char *name, const char *version,
				    const char *const *hw, size_t hw_count,
				    const dupg_pack_file *files, size_t file_count,
				    const dupg_pack_options *opts);

/**
 * XXH3-128 of a file on disk, streamed.
 * @param out receives the canonical 16-byte digest
 * @param size_out receives the file size; may be NULL
 * @return 0, ::DUPG_ENOTFOUND or ::DUPG_EIO (also for a file that is not regular)
 */
DUPG_EXTERN(int) dupg_file_xxh128(unsigned char out[16], uint64_t *size_out, const char *path);

#ifdef __cplusplus
}
#endif
#endif
