/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file dupg/common.h
 * @brief Export macro, error codes and the error convention shared by every
 *        libdupg function.
 *
 * Every function that can fail returns 0 on success or a negative
 * ::dupg_err code. The detail of the last failure on the calling thread
 * (which file, what was wrong) is fetched with dupg_error_last().
 */
#ifndef DUPG_COMMON_H
#define DUPG_COMMON_H

#include <stddef.h>
#include <stdint.h>

#if defined(DUPG_BUILDING_LIBRARY) && defined(__GNUC__)
#define DUPG_EXTERN(type) __attribute__((visibility("default"))) type
#else
#define DUPG_EXTERN(type) extern type
#endif

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Error codes. Values never change once released; new codes are appended.
 */
typedef enum {
	DUPG_OK = 0,
	DUPG_ERROR = -1,       /**< unexpected failure */
	DUPG_ENOMEM = -2,      /**< out of memory */
	DUPG_EINVAL = -3,      /**< invalid argument from the caller */
	DUPG_EFORMAT = -4,     /**< malformed input: manifest, list, JSON, topology */
	DUPG_ENOTFOUND = -5,   /**< a named file, path, device or type does not exist */
	DUPG_EIO = -6,         /**< a system call on a file or directory failed */
	DUPG_EARCHIVE = -7,    /**< the archive itself is unreadable or truncated */
	DUPG_EINTEGRITY = -8,  /**< content does not match its manifest (size, digest, file set) */
	DUPG_EEXISTS = -9,     /**< a duplicate: same path, device id or entry twice */
	DUPG_EUNSUPPORTED = -10, /**< a format or option this version does not know */
	DUPG_EABORTED = -11,   /**< a callback asked to stop (used to inject crashes in tests) */
	DUPG_EBUSY = -12,      /**< another process or thread holds the store: try again (see store.h) */
	DUPG_ENOSPC = -13,     /**< no space left on the device (or over a quota) */
	DUPG_EACCES = -14,     /**< permission denied, or a read-only file system */
	DUPG_EPENDING = -15,   /**< an interrupted change is pending: run dupg_store_recover() first */
	DUPG_ECOMMITTED = -16, /**< the change is committed, but leftovers remain that
				    dupg_store_recover() finishes (see store.h) */
	DUPG_ENETWORK = -17,   /**< a transfer failed: connection, protocol, HTTP status,
				    stall, a refused response (see fetch.h) */
	DUPG_ETIMEDOUT = -18,  /**< a deadline the caller set passed (see fetch.h) */
	DUPG_EUNSIGNED = -19,  /**< a trust policy requires a signature the package lacks (trust.h) */
	DUPG_EBADSIG = -20,    /**< a signature by a trusted key does not match manifest.json */
	DUPG_EUNKNOWNKEY = -21, /**< signed only by keys the trust store does not hold */
	DUPG_EREVOKED = -22,   /**< signed by a revoked key, too few others */
	DUPG_ETHRESHOLD = -23, /**< fewer valid signatures than the trust store's threshold */
	DUPG_EEXPIRED = -24,   /**< the manifest's `expires` time has passed */
	DUPG_EROLLBACK = -25,  /**< security_version below the store's floor (store.h) */
	DUPG_ESIGFORMAT = -26, /**< manifest.sig is malformed, truncated or oversized */
	DUPG_EMODE = -27       /**< an archive entry's mode is not one the manifest allows (package.h) */
} dupg_err;

/**
 * "No such index": what every getter that returns an index (`size_t`) gives
 * when there is none (a lookup that found nothing, an index out of range).
 */
#define DUPG_NONE SIZE_MAX

/**
 * @name Limits on outside input
 * Strings that libdupg keeps from a manifest, a system description or a
 * topology, whether parsed from JSON or passed to the functions that build
 * them. Each must be non-empty, UTF-8 (RFC 3629) and free of NUL bytes, and
 * at most as long as its limit; else it is refused with a message naming
 * the value and what is wrong:
 * ::DUPG_EFORMAT when parsed from JSON, ::DUPG_EINVAL when passed as an
 * argument. The limits of each input are beside it: manifest.h, package.h,
 * vd.h, pathlist.h. (The storage paths of packages, in list files and
 * configurations, are file names: they are kept as given, whatever their
 * bytes.)
 * @{
 */
/** Longest hardware type, in bytes (manifests, system descriptions, topologies). */
#define DUPG_HW_MAX_BYTES 256u
/** Longest version string, in bytes (manifests, system descriptions, topologies). */
#define DUPG_VERSION_MAX_BYTES 1024u
/** Longest device id, in bytes (system descriptions, topologies, parents). */
#define DUPG_ID_MAX_BYTES 256u
/** Longest path, in bytes: an install path in a manifest, a line of a list file. */
#define DUPG_PATH_MAX_BYTES 4095u
/**
 * Deepest nesting of arrays and objects in any JSON text libdupg parses
 * (manifests, system descriptions, store journals): deeper is ::DUPG_EFORMAT.
 */
#define DUPG_JSON_MAX_DEPTH 16
/** @} */

/**
 * What an error code means, as a short phrase ("malformed input").
 * @return a static string; never NULL ("unknown error code" for unknown codes).
 */
DUPG_EXTERN(const char *) dupg_strerror(int code);

/**
 * The identifier of an error code ("DUPG_EFORMAT").
 * @return a static string; "unknown" for a code this version does not know
 */
DUPG_EXTERN(const char *) dupg_error_name(int code);

/**
 * The error code of an identifier, as dupg_error_name() spells it.
 * @param out receives the code
 * @return 0, or ::DUPG_EINVAL for an unknown name (the message lists the known ones)
 */
DUPG_EXTERN(int) dupg_error_parse(int *out, const char *name);

/**
 * Detail of the last error raised on the calling thread, e.g.
 * "pkg5.tar.gz: manifest.json: hardware list is empty".
 * @return a thread-local string, valid until the next libdupg call on this
 *         thread that fails or calls dupg_error_clear(); never NULL ("" when
 *         no error was recorded).
 */
DUPG_EXTERN(const char *) dupg_error_last(void);

/** Code of the last error raised on the calling thread (0 if none). */
DUPG_EXTERN(int) dupg_error_last_code(void);

/** Forget the calling thread's last error. */
DUPG_EXTERN(void) dupg_error_clear(void);

/** Free memory that a libdupg function handed to the caller (strings, arrays). NULL is fine. */
DUPG_EXTERN(void) dupg_free(void *ptr);

/** Version of the library that is running: MAJOR * 10000 + MINOR * 100 + PATCH. */
DUPG_EXTERN(int) dupg_version_number(void);

/** Version of the library that is running, as "MAJOR.MINOR.PATCH". */
DUPG_EXTERN(const char *) dupg_version_string(void);

#ifdef __cplusplus
}
#endif
#endif
