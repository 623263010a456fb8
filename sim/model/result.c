/* SPDX-License-Identifier: BSD-2-Clause */
/* What a site's run produced, as plain data: the strings it owns, and freeing them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "model/result.h"
#include "util.h"

int sim_strv_take(struct sim_strv *l, char *s)
{
	int rc;

	if (s == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	if ((rc = sim_grow(&l->v, &l->cap, l->n + 1, sizeof(*l->v))) != 0) {
		free(s);
		return rc;
	}
	l->v[l->n++] = s;
	return 0;
}

int sim_strv_push(struct sim_strv *l, const char *s)
{
	return sim_strv_take(l, sim_strdup(s));
}

void sim_strv_clear(struct sim_strv *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void sim_result_init(struct sim_result *r)
{
	memset(r, 0, sizeof(*r));
	r->cause.kind = -1;
	r->current_after = -1;
}

void sim_result_clear(struct sim_result *r)
{
	sim_strv_clear(&r->task);
	sim_strv_clear(&r->downloaded);
	sim_strv_clear(&r->deleted);
	sim_strv_clear(&r->store.list);
	sim_strv_clear(&r->store.rollback);
	free(r->faults);
	free(r->devs);
	free(r->served.v);
	free(r->http);
	sim_result_init(r);
}
