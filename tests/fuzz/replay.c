/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Replay without libFuzzer: run every file named on the command line (every
 * file of a directory, in name order) through the harness it is linked
 * with, as `make check` does with each corpus. A broken property aborts.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "util/error.h"
#include "util/fs.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t run_file(const char *path)
{
	char *data;
	size_t len;

	if (dupg__fs_read(&data, &len, path, (size_t)1 << 30) != 0) {
		fprintf(stderr, "replay: %s\n", dupg__error_msg());
		exit(2);
	}
	LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	free(data);
	return 1;
}

static size_t run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i, ran = 0;

	if (d == NULL) {
		perror(dir);
		exit(2);
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names));
		}
		if (names == NULL || (names[n++] = strdup(e->d_name)) == NULL) {
			fprintf(stderr, "replay: out of memory\n");
			exit(2);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		char *path = malloc(strlen(dir) + strlen(names[i]) + 2);
		if (path == NULL)
			exit(2);
		sprintf(path, "%s/%s", dir, names[i]);
		ran += run_file(path);
		free(path);
		free(names[i]);
	}
	free(names);
	return ran;
}

int main(int argc, char **argv)
{
	size_t ran = 0;
	int i;

	for (i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			return 2;
		}
		ran += S_ISDIR(st.st_mode) ? run_dir(argv[i]) : run_file(argv[i]);
	}
	printf("%s: %zu inputs, no property broken\n", argv[0], ran);
	return 0;
}
