/* SPDX-License-Identifier: BSD-2-Clause */
/* Path strings (see path.h). */
#include "config.h"

#include "util/path.h"

#include <stdlib.h>
#include <string.h>

char *dupg__path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (slash == NULL)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	d = malloc((size_t)(slash - path) + 1);
	if (d == NULL)
		return NULL;
	memcpy(d, path, (size_t)(slash - path));
	d[slash - path] = '\0';
	return d;
}

char *dupg__path_join(const char *dir, const char *rel)
{
	size_t dl, rl;
	char *p;

	if (rel[0] == '/' || strcmp(dir, ".") == 0)
		return strdup(rel);
	dl = strlen(dir);
	rl = strlen(rel);
	p = malloc(dl + rl + 2);
	if (p == NULL)
		return NULL;
	memcpy(p, dir, dl);
	if (dl > 0 && dir[dl - 1] != '/')
		p[dl++] = '/';
	memcpy(p + dl, rel, rl + 1);
	return p;
}
