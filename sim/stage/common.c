/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers the stage commands share: --help, getopt, reading JSON, printing it. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dupg.h"
#include "stage/common.h"

void stage_reset_getopt(void)
{
	optind = 0;
}

int stage_wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

int stage_parse_wait(unsigned int *ms, const char *arg, const char *command)
{
	char *end;
	double s;

	errno = 0;
	s = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !(s >= 0) || s > 86400) {
		cli_fail("%s: --wait needs a number of seconds from 0 to 86400, not '%s'", command, arg);
		return 2;
	}
	*ms = (unsigned int)(s * 1000.0 + 0.5);
	return 0;
}

int stage_print_owned(char *json, int rc)
{
	int status;

	if (rc != 0)
		return cli_lib_fail(rc);
	status = cli_print_json(json);
	dupg_free(json);
	return status;
}

char *stage_read_text(const char *path, size_t *len_out)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL, *p;
	size_t cap = 0, len = 0, got;

	if (f == NULL) {
		cli_fail("%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - len <= 1) {
			/* one byte past the bound is enough to know the file is over it */
			size_t next = cap ? cap * 2 : 65536;

			if (cap > STAGE_TEXT_MAX)
				break;
			if (next > STAGE_TEXT_MAX + 2)
				next = STAGE_TEXT_MAX + 2;
			p = realloc(text, next);
			if (p == NULL) {
				fclose(f);
				free(text);
				cli_fail("%s: out of memory", path);
				return NULL;
			}
			text = p;
			cap = next;
		}
		got = fread(text + len, 1, cap - len - 1, f);
		if (got == 0)
			break;
		len += got;
	}
	/* a description or a task is kilobytes; a file this big is a mistake */
	if (len > STAGE_TEXT_MAX) {
		fclose(f);
		free(text);
		cli_fail("%s: larger than %u MiB", path, STAGE_TEXT_MAX >> 20);
		return NULL;
	}
	if (ferror(f)) {
		cli_fail("%s: read error", path);
		fclose(f);
		free(text);
		return NULL;
	}
	fclose(f);
	text[len] = '\0';
	*len_out = len;
	return text;
}

json_object *stage_load_json(const char *path)
{
	enum json_tokener_error jerr = json_tokener_success;
	json_object *obj;
	size_t len;
	char *text = stage_read_text(path, &len);

	if (text == NULL)
		return NULL;
	obj = json_tokener_parse_verbose(text, &jerr);
	free(text);
	if (obj == NULL || jerr != json_tokener_success) {
		json_object_put(obj);
		cli_fail("%s: invalid JSON: %s", path,
			 jerr == json_tokener_continue ? "unexpected end of input"
						       : json_tokener_error_desc(jerr));
		return NULL;
	}
	return obj;
}

json_object *stage_json_paths(const char *const *paths, size_t n)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; a != NULL && i < n; i++)
		json_object_array_add(a, json_object_new_string(paths[i]));
	return a;
}

int stage_print_object(json_object *o)
{
	int rc = cli_print_json(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE));

	json_object_put(o);
	return rc;
}
