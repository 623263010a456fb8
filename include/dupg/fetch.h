/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file dupg/fetch.h
 * @brief Downloading a task's packages into a store directory, from the
 *        nearest of several deployment servers (I/O, on libcurl).
 *
 * A fetch downloads each package of a task in turn. For each it tries the
 * servers nearest first (dupg_locality_rank() of the servers' locations
 * against the master's own), and fails over to the next on a connection
 * error, an HTTP error, a stall, a refused response or a package that fails
 * verification. Any scheme libcurl was built with among `http`, `https`,
 * `ftp`, `ftps`, `sftp` and `file` is accepted.
 *
 * A package's URL is its task path resolved against the server's base URL
 * (RFC 3986, the base taken as a directory: `http://h/pkgs` and
 * `pkg5.tar.gz` give `http://h/pkgs/pkg5.tar.gz`, `/v1/packages/pkg5.tar.gz`
 * replaces the base's path). A task path that is a whole URL is used as it
 * is, whichever server is tried. The package's file in the store directory
 * is named after the last segment of the path.
 *
 * On disk, for a package NAME in directory DIR:
 * - `DIR/NAME.part` receives the bytes; `DIR/NAME.part.meta` (JSON: `url`,
 *   `etag`, `length`) is written atomically beside it as soon as a
 *   response's headers are known, before its first byte is written;
 * - once complete, the partial file is verified fully (dupg_package_verify(),
 *   or the caller's ::dupg_fetch_verify_cb), and only then fsynced and
 *   renamed to `DIR/NAME` (the directory fsynced); the metadata goes. A file
 *   already at `DIR/NAME` is replaced (atomically) by the new download.
 *   Without a hook, a thread of the fetch verifies the file as its bytes
 *   land (what a resumed file held first), so that the verdict comes with
 *   the last byte; only when that cannot decide (a zip, a manifest not
 *   first) or finds a fault is the complete file verified again from disk,
 *   whose verdict and message are the ones reported;
 * - a package that fails verification never gets its final name: its
 *   partial file and metadata are removed, and the next server is tried.
 *
 * Resume: when `NAME.part` and its metadata survive (an interrupted transfer,
 * a crash of the master), the next attempt, from whichever server, asks for
 * the rest (`Range: bytes=N-`) with `If-Range` on the ETag the metadata holds:
 * a server whose file changed answers with the whole file, which then
 * replaces the partial one from its first byte (nothing is spliced). Without
 * an ETag (a server that sends none, or a scheme other than HTTP), the
 * download starts again from zero. The partial file is not fsynced while it
 * grows: after a power loss it may end in bytes never received, which the
 * verification of the completed file catches (the package is then fetched
 * again from the next server).
 *
 * Refused responses (the server is given up for this package): a status
 * other than 200 or 206 (a 206 must start where asked), more bytes than
 * the response announced (`Content-Length`, or the total of `Content-Range`),
 * a redirect to another scheme, host or port (redirects on the same origin
 * are followed, at most 5).
 *
 * Errors that end the whole fetch at once (no failover): the caller's
 * cancel (::DUPG_EABORTED), the overall timeout (::DUPG_ETIMEDOUT), the store
 * directory's own failures (::DUPG_ENOSPC, ::DUPG_EACCES, ::DUPG_EIO: a full
 * disk leaves the partial file, never a file under the final name), bad
 * arguments (::DUPG_EINVAL) and ::DUPG_ENOMEM. When every server failed for
 * a package, the fetch returns the last server's error (::DUPG_ENETWORK for
 * the transfer, ::DUPG_EINTEGRITY or the verification's code) with a
 * message naming the package, each server's URL and its cause.
 *
 * A fetch handle is used by one thread at a time, except dupg_fetch_cancel(),
 * which any thread may call at any time.
 */
#ifndef DUPG_FETCH_H
#define DUPG_FETCH_H

#include "common.h"
#include "locality.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A deployment server as the caller knows it. */
typedef struct {
	const char *url;      /**< base URL the task's paths are resolved against */
	const char *location; /**< its labels (locality.h); NULL or "" for none */
} dupg_fetch_server;

/** Where a fetch stands, handed to the progress callback. */
typedef struct {
	size_t package;        /**< index of the package in the task */
	size_t packages;       /**< number of packages in the task */
	const char *path;      /**< the package's task path (borrowed) */
	const char *url;       /**< the URL being downloaded (borrowed) */
	uint64_t done;         /**< bytes of this package on disk (resumed bytes included) */
	uint64_t total;        /**< its length; 0 while unknown */
	uint64_t all_done;     /**< bytes on disk of the packages fetched so far and this one */
	uint64_t all_total;    /**< the lengths known so far (grows as responses come in) */
} dupg_fetch_progress;

/**
 * Progress: called a few times a second during a transfer and once when a
 * package is complete.
 * @return 0 to go on, non-zero to cancel the fetch (::DUPG_EABORTED)
 */
typedef int (*dupg_fetch_progress_cb)(const dupg_fetch_progress *progress, void *payload);

/**
 * Verification of a completed download, before it gets its final name: the
 * hook where a trust policy plugs in. The default is dupg_package_verify().
 * @param file the complete temporary file (`DIR/NAME.part`)
 * @param path the package's task path
 * @param url the URL it came from
 * @return 0 to accept it; a negative ::dupg_err to refuse it (the file is
 *         removed and the next server tried): the message is the one the
 *         hook's own libdupg calls recorded, else "refused by the
 *         verification callback" (a positive return counts as
 *         ::DUPG_EINTEGRITY)
 */
typedef int (*dupg_fetch_verify_cb)(const char *file, const char *path, const char *url,
				    void *payload);

#define DUPG_FETCH_OPTIONS_VERSION 1
/** Options of dupg_fetch_new(). Initialise with ::DUPG_FETCH_OPTIONS_INIT. */
typedef struct {
	unsigned int version;      /**< ::DUPG_FETCH_OPTIONS_VERSION */
	const char *location;      /**< the master's own labels, for the ranking; NULL for none */
	uint64_t limit_rate;       /**< most bytes per second received; 0 for no limit */
	unsigned long stall_seconds; /**< a server that sends no byte for this many seconds
				        is given up; 0 for the default (30) */
	unsigned long connect_timeout_ms; /**< per connection; 0 for the default (10 s) */
	unsigned long timeout_ms;  /**< the whole fetch; 0 for none */
	const char *ca_file;       /**< https/ftps: CA bundle to trust instead of the system's */
	const char *pinned_key;    /**< https/ftps: the server's public key (a PEM/DER file or
				        "sha256//BASE64"), as CURLOPT_PINNEDPUBLICKEY */
	const char *ssh_key;       /**< sftp: private key file; NULL for libssh's default */
	const char *ssh_known_hosts; /**< sftp: known_hosts file; NULL for none checked */
	int no_fsync;              /**< skip fsync (simulation only) */
	dupg_fetch_progress_cb progress; /**< may be NULL */
	void *progress_payload;
	dupg_fetch_verify_cb verify;     /**< NULL for dupg_package_verify() */
	void *verify_payload;
} dupg_fetch_options;
#define DUPG_FETCH_OPTIONS_INIT \
	{ DUPG_FETCH_OPTIONS_VERSION, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL, 0, \
	  NULL, NULL, NULL, NULL }

/** What became of one package. */
typedef struct {
	const char *path;    /**< its task path (borrowed from the fetch) */
	const char *file;    /**< its file: DIR/NAME (borrowed from the fetch) */
	size_t server;       /**< index of the server that served it, in the caller's array */
	const char *url;     /**< the URL it came from (borrowed from the fetch) */
	uint64_t size;       /**< its length in bytes */
	uint64_t bytes;      /**< bytes received for it over every attempt of this fetch */
	int resumed;         /**< 1 when the download continued a partial file */
	size_t failovers;    /**< servers given up for it before the one that served it */
	/**
	 * 1 when the default verification (dupg_package_verify()'s checks) ran
	 * as the bytes came, so that the file was not read again after the
	 * last one; 0 when it was verified after the transfer: a verify hook,
	 * a zip, a tar whose manifest is not its first entry, a partial file
	 * found complete, or a check that failed and was repeated from disk.
	 */
	int verified_inline;
} dupg_fetch_outcome;

/** A fetch: options, a curl handle, the outcomes of the last run. Opaque. */
typedef struct dupg_fetch dupg_fetch;

/**
 * Create a fetch handle (options and strings copied).
 * @param out receives the handle; the caller owns it (dupg_fetch_free())
 * @param opts options, or NULL for the defaults
 * @return 0, ::DUPG_EINVAL (a bad option or location, a version this
 *         library does not know), ::DUPG_EUNSUPPORTED (libcurl cannot start)
 *         or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_fetch_new(dupg_fetch **out, const dupg_fetch_options *opts);
/** Free a fetch handle; NULL is fine. */
DUPG_EXTERN(void) dupg_fetch_free(dupg_fetch *f);

/**
 * Download the packages of a task into dir, in task order. The outcomes of
 * the packages fetched (all of them on success; those before the failing one
 * otherwise) are read with dupg_fetch_count() and dupg_fetch_get() until the
 * next run. A cancel requested before the run starts it cancelled.
 * @param dir the store directory (must exist)
 * @param paths the task's paths (as dupg_task_path() or the server's task gives them)
 * @param count number of paths
 * @param servers the servers, in the caller's order of preference within a tier
 * @param server_count number of servers (at least one)
 * @return 0, or an error as the file comment lists
 */
DUPG_EXTERN(int) dupg_fetch_run(dupg_fetch *f, const char *dir, const char *const *paths,
				size_t count, const dupg_fetch_server *servers,
				size_t server_count);

/**
 * Ask a running (or the next) dupg_fetch_run() to stop: it returns
 * ::DUPG_EABORTED within about a second (at the next block written, when
 * bytes are coming), leaving partial files to resume.
 * Safe from any thread and from a signal handler (one atomic store).
 */
DUPG_EXTERN(void) dupg_fetch_cancel(dupg_fetch *f);

/** Number of packages fetched by the last run. */
DUPG_EXTERN(size_t) dupg_fetch_count(const dupg_fetch *f);
/** @return outcome i of the last run (borrowed, valid until the next run or the free); NULL out of range */
DUPG_EXTERN(const dupg_fetch_outcome *) dupg_fetch_get(const dupg_fetch *f, size_t i);
/** Bytes received by the last run, every attempt included. */
DUPG_EXTERN(uint64_t) dupg_fetch_bytes(const dupg_fetch *f);

#ifdef __cplusplus
}
#endif
#endif
