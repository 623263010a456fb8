/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The tasks dupg-server should give, from dupg_match() run directly:
 *   match_ref DIR < descriptions (one JSON per line) > tasks (one JSON per line)
 * The set is every package of DIR that reads, in name order, each listed as
 * /v1/packages/NAME, as the server indexes it. A line that does not parse
 * gives {"error": "..."}.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dupg.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	dupg_pkgset *set = NULL;
	char **names = NULL, path[4096], *line = NULL;
	size_t n = 0, cap = 0, i, lcap = 0;
	struct dirent *e;
	ssize_t len;
	DIR *d;

	if (argc != 2 || (d = opendir(argv[1])) == NULL) {
		fprintf(stderr, "usage: match_ref DIR < descriptions\n");
		return 2;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			names = realloc(names, cap * sizeof(*names));
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	if (dupg_pkgset_new(&set) != 0)
		return 1;
	for (i = 0; i < n; i++) {
		dupg_manifest *m = NULL;
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", argv[1], names[i]);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && dupg_package_read_manifest(&m, path) == 0) {
			snprintf(path, sizeof(path), "/v1/packages/%s", names[i]);
			dupg_pkgset_add_manifest(set, path, m);
		}
		dupg_manifest_free(m);
		free(names[i]);
	}
	free(names);
	while ((len = getline(&line, &lcap, stdin)) > 0) {
		dupg_sysvd *vd = NULL;
		dupg_task *t = NULL;
		char *json = NULL;

		if (dupg_sysvd_from_json(&vd, line, (size_t)len, "line") == 0 && dupg_match(&t, set, vd) == 0 &&
		    dupg_task_to_json(&json, t) == 0)
			printf("%s\n", json);
		else
			printf("{\"error\": \"%s\"}\n", dupg_strerror(dupg_error_last_code()));
		dupg_free(json);
		dupg_task_free(t);
		dupg_sysvd_free(vd);
	}
	free(line);
	dupg_pkgset_free(set);
	return 0;
}
