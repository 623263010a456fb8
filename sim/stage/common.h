/* SPDX-License-Identifier: BSD-2-Clause */
/* common.c: what the stage commands share. */
#ifndef DUPG_SIM_STAGE_COMMON_H
#define DUPG_SIM_STAGE_COMMON_H

#include <stddef.h>

struct json_object;

/* getopt keeps state between calls; each subcommand parses a fresh vector. */
void stage_reset_getopt(void);
/* 1 when any argument asks for --help (or -h). */
int stage_wants_help(int argc, char **argv);
/*
 * --wait SECONDS of the store commands: how long to wait for the store's lock
 * held by another process (0: not at all). Prints the problem and returns 2
 * on a bad value, else 0.
 */
int stage_parse_wait(unsigned int *ms, const char *arg, const char *command);
/* Print json and free it (dupg_free); on rc != 0 print the library's error instead. Exit status. */
int stage_print_owned(char *json, int rc);
/* The bytes of PATH, NUL-terminated (free()); NULL after a one-line error,
 * also for a file over STAGE_TEXT_MAX bytes. */
#define STAGE_TEXT_MAX (256u << 20)
char *stage_read_text(const char *path, size_t *len_out);
/* Parse a JSON file; on failure print the reason naming path and return NULL. */
struct json_object *stage_load_json(const char *path);
/* A JSON array of the strings. */
struct json_object *stage_json_paths(const char *const *paths, size_t n);
/* Print o as one line of plain JSON and release it. Exit status. */
int stage_print_object(struct json_object *o);

#endif
