/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the libFuzzer harnesses of tests/fuzz share (README there). Each
 * harness is one fuzz_NAME.c defining LLVMFuzzerTestOneInput; it is linked
 * with libFuzzer under --enable-fuzzing, and with replay.c everywhere, so
 * that `make check` runs every corpus file through it.
 */
#ifndef DUPG_FUZZ_H
#define DUPG_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "dupg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property broke: say which and abort, so that libFuzzer keeps the input. */
#define FUZZ_CHECK(cond, ...) \
	do { \
		if (!(cond)) \
			fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); \
	} while (0)
void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 4, 5)));

/* A libdupg failure must have a message and a known code, never a crash. */
void fuzz_check_error(int rc, const char *what);

/* This process's scratch directory under $TMPDIR, removed at exit. */
const char *fuzz_dir(void);
/* dir + "/" + name in a static rotating buffer (8 slots). */
const char *fuzz_path(const char *dir, const char *name);
/* Write len bytes to path, created or truncated; aborts on failure. */
void fuzz_write(const char *path, const void *data, size_t len);
/* rm -rf path, then mkdir it. */
void fuzz_fresh_dir(const char *path);

#endif
