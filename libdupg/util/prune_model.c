/* SPDX-License-Identifier: BSD-2-Clause */
/* The naive prune model (see prune_model.h). */
#include "config.h"

#include "util/prune_model.h"

#include <string.h>

static int fits(const dupg__pm_list *l, size_t i, uint32_t t)
{
	uint32_t k;

	for (k = l->off[i]; k < l->off[i + 1]; k++) {
		if (l->names != NULL ? strcmp(l->names[l->ids[k]], l->names[t]) == 0 : l->ids[k] == t)
			return 1;
	}
	return 0;
}

void dupg__pm_scan(const dupg__pm_list *l, uint32_t t, dupg__pm_type *r)
{
	size_t i;

	r->count = 0;
	r->earliest = r->latest_merged = r->latest_first = -1;
	for (i = 0; i < l->n; i++) {
		if (!fits(l, i, t))
			continue;
		r->count++;
		if (r->earliest < 0)
			r->earliest = (long)i;
		r->latest_merged = (long)i;
		if (i < l->nfirst)
			r->latest_first = (long)i;
	}
}

void dupg__pm_scan_all(const dupg__pm_list *l, dupg__pm_type *types)
{
	size_t i;
	uint32_t t, k;

	for (t = 0; t < l->ntypes; t++) {
		types[t].count = 0;
		types[t].earliest = types[t].latest_merged = types[t].latest_first = -1;
	}
	for (i = 0; i < l->n; i++) {
		for (k = l->off[i]; k < l->off[i + 1]; k++) {
			dupg__pm_type *r = &types[l->ids[k]];

			r->count++;
			if (r->earliest < 0)
				r->earliest = (long)i;
			r->latest_merged = (long)i;
			if (i < l->nfirst)
				r->latest_first = (long)i;
		}
	}
}

int dupg__pm_configured(const dupg__pm_list *l, const dupg__pm_type *types, long e)
{
	uint32_t u;

	for (u = 0; u < l->ntypes; u++) {
		if (types[u].latest_merged == e || types[u].latest_first == e)
			return 1;
	}
	return 0;
}

size_t dupg__pm_deletable(const dupg__pm_list *l, const dupg__pm_type *types, size_t keep,
			  unsigned char *del)
{
	size_t n = 0, e, f;
	uint32_t t, k;

	memset(del, 0, l->n);
	if (keep == 0) {
		for (t = 0; t < l->ntypes; t++) {
			long c = types[t].earliest;

			if (types[t].count < 3 || c < 0 || (size_t)c >= l->nfirst || del[c])
				continue;
			if (!dupg__pm_configured(l, types, c)) {
				del[c] = 1;
				n++;
			}
		}
		return n;
	}
	for (e = 0; e < l->nfirst; e++) {
		int ok = !dupg__pm_configured(l, types, (long)e);

		for (k = l->off[e]; ok && k < l->off[e + 1]; k++) {
			size_t later = 0;

			for (f = e + 1; f < l->n; f++)
				later += (size_t)fits(l, f, l->ids[k]);
			if (later < keep)
				ok = 0;
		}
		if (ok) {
			del[e] = 1;
			n++;
		}
	}
	return n;
}
