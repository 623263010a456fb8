/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file dupg/pathlist.h
 * @brief The master's ordered path list of stored packages.
 *
 * A path list is ordered: later entries were added later. Each entry is a
 * storage path plus the hardware types the package fits. In a list file the
 * entries are one path per line; a relative path is relative to the list
 * file's directory. A path may appear only once; paths are compared as
 * written ("pkg1" and "./pkg1" are two entries).
 *
 * List file format: lines end with '\n', the final one optionally; empty
 * lines are skipped. A line with leading or trailing white space, a '\r'
 * (CRLF endings) or a NUL byte is refused with ::DUPG_EFORMAT rather than
 * trimmed, since it would name another file than the one meant. Errors name
 * the list file and line ("store/list:3: pkg9: no such package file").
 *
 * Limits of a list file, each ::DUPG_EFORMAT naming the file (and the line):
 * at most ::DUPG_LIST_MAX_BYTES bytes, ::DUPG_LIST_MAX_ENTRIES paths, and
 * ::DUPG_PATH_MAX_BYTES bytes per path. Only a regular file is read: a FIFO,
 * a device or a directory is ::DUPG_EIO ("not a regular file") at once, so
 * neither blocks nor fills memory.
 */
#ifndef DUPG_PATHLIST_H
#define DUPG_PATHLIST_H

#include "apply.h"
#include "common.h"
#include "configuration.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest list file read, in bytes. */
#define DUPG_LIST_MAX_BYTES ((size_t)1 << 30)
/** Most paths a list file may name. */
#define DUPG_LIST_MAX_ENTRIES (1u << 22)

/** An ordered list of packages. Opaque. */
typedef struct dupg_pathlist dupg_pathlist;

/** Create an empty list; the caller owns *out (dupg_pathlist_free()). */
DUPG_EXTERN(int) dupg_pathlist_new(dupg_pathlist **out);
/** Free a list; NULL is fine. */
DUPG_EXTERN(void) dupg_pathlist_free(dupg_pathlist *l);

/**
 * Append a package (strings copied). Pure: the file is not looked at.
 * @param path storage path, as it should be printed and saved
 * @param hw hardware types the package fits (at least one)
 * @return 0, ::DUPG_EINVAL, ::DUPG_EEXISTS (path already listed) or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_pathlist_add(dupg_pathlist *l, const char *path,
				   const char *const *hw, size_t hw_count);

/** Number of entries. */
DUPG_EXTERN(size_t) dupg_pathlist_count(const dupg_pathlist *l);
/** @return the path of entry i as written, borrowed; NULL when out of range */
DUPG_EXTERN(const char *) dupg_pathlist_path(const dupg_pathlist *l, size_t i);
/** @return the path of entry i resolved against the list file's directory (same as
 *          dupg_pathlist_path() for lists not loaded from a file), borrowed */
DUPG_EXTERN(const char *) dupg_pathlist_resolved(const dupg_pathlist *l, size_t i);
/** Number of hardware types entry i fits (0 when out of range). */
DUPG_EXTERN(size_t) dupg_pathlist_hw_count(const dupg_pathlist *l, size_t i);
/** @return hardware type j of entry i, borrowed; NULL when out of range */
DUPG_EXTERN(const char *) dupg_pathlist_hw(const dupg_pathlist *l, size_t i, size_t j);
/** @return the index of path (as written), or ::DUPG_NONE when it is not listed */
DUPG_EXTERN(size_t) dupg_pathlist_find(const dupg_pathlist *l, const char *path);

/**
 * The configuration of the list: each hardware type mapped to the
 * latest-added package that fits it. Pure.
 * @param out receives the configuration; the caller owns it.
 */
DUPG_EXTERN(int) dupg_pathlist_config(dupg_config **out, const dupg_pathlist *l);

/**
 * Load a list file (I/O): read the paths, check that none appears twice and
 * that every named package exists, and read each package's manifest (without
 * verifying the payload) for the hardware types it fits.
 * @param out receives the list; the caller owns it.
 * @param list_file the list file
 * @return 0, ::DUPG_ENOTFOUND (the list, or a package it names, is missing),
 *         ::DUPG_EEXISTS (a path twice), ::DUPG_EFORMAT, ::DUPG_EIO, the
 *         codes of dupg_package_read_manifest(), or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_pathlist_load(dupg_pathlist **out, const char *list_file);

/**
 * Append a stored package by reading its manifest (I/O; payload not verified).
 * @param path the path as it should be printed and saved
 * @param base_dir directory a relative path is resolved against; NULL for the
 *        current directory
 * @return 0, ::DUPG_EEXISTS (path already listed), ::DUPG_ENOTFOUND, the codes
 *         of dupg_package_read_manifest(), or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_pathlist_add_file(dupg_pathlist *l, const char *path, const char *base_dir);

/**
 * Read just the paths of a list file, one per line, as written (I/O).
 * @param out receives a NULL-terminated array of strings; the caller frees it
 *        with dupg_free() (one block).
 * @param count_out receives the number of paths; may be NULL
 * @return 0, ::DUPG_ENOTFOUND, ::DUPG_EIO (also for a file that is not
 *         regular), ::DUPG_EFORMAT (malformed, or above a limit above),
 *         ::DUPG_EEXISTS or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_listfile_read(char ***out, size_t *count_out, const char *list_file);

/**
 * Write a list file atomically (I/O): temporary file in the same directory,
 * fsync, rename over list_file, fsync the directory. A path whose entry was
 * loaded from a list in another directory is written resolved (absolute).
 * Absolute paths, and entries added with dupg_pathlist_add(), are written as
 * they stand.
 * @param opts no_fsync (the step callback is not called), or NULL for the defaults
 * @return 0, ::DUPG_EIO, ::DUPG_EINVAL (unknown options version) or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_pathlist_save(const dupg_pathlist *l, const char *list_file,
				    const dupg_apply_options *opts);

#ifdef __cplusplus
}
#endif
#endif
