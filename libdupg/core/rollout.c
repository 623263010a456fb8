/* SPDX-License-Identifier: BSD-2-Clause */
/* Staged rollouts: waves, the wave of a ranked site, the halting rule, progress (pure). */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dupg_rollout {
	double *waves; /* increasing, the last is 1 */
	size_t count;
	double threshold;
};

static const char *const rollout_state_names[] = { "running", "paused", "halted", "done" };
static const char *const site_state_names[] = {
	"pending", "current", "assigned", "downloading", "staged", "upgraded", "rolled_back", "failed"
};

const char *dupg_rollout_state_name(dupg_rollout_state state)
{
	return dupg__name_of(rollout_state_names, DUPG__COUNT(rollout_state_names), (int)state);
}

int dupg_rollout_state_parse(dupg_rollout_state *out, const char *name)
{
	int v = 0, rc = dupg__name_parse(&v, rollout_state_names, DUPG__COUNT(rollout_state_names),
					 name, "rollout state");

	if (rc == 0 && out != NULL)
		*out = (dupg_rollout_state)v;
	return rc;
}

const char *dupg_site_state_name(dupg_site_state state)
{
	return dupg__name_of(site_state_names, DUPG__COUNT(site_state_names), (int)state);
}

int dupg_site_state_parse(dupg_site_state *out, const char *name)
{
	int v = 0, rc = dupg__name_parse(&v, site_state_names, DUPG__COUNT(site_state_names), name,
					 "site state");

	if (rc == 0 && out != NULL)
		*out = (dupg_site_state)v;
	return rc;
}

int dupg_site_state_final(dupg_site_state state)
{
	return state == DUPG_SITE_UPGRADED || state == DUPG_SITE_ROLLED_BACK ||
	       state == DUPG_SITE_FAILED;
}

int dupg_rollout_new(dupg_rollout **out, const double *waves, size_t count, double threshold)
{
	dupg_rollout *r;
	size_t i;

	if (out == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_rollout_new: out is NULL");
	*out = NULL;
	if (waves == NULL && count > 0)
		return dupg__error(DUPG_EINVAL, "dupg_rollout_new: waves is NULL");
	/* written as a negation so that NaN is refused too */
	if (!(threshold >= 0 && threshold <= 1))
		return dupg__error(DUPG_EINVAL, "rollout: the threshold %g is not in [0, 1]", threshold);
	for (i = 0; i < count; i++) {
		if (!(waves[i] > 0 && waves[i] <= 1))
			return dupg__error(DUPG_EINVAL, "rollout: wave %zu: %g is not a fraction in (0, 1]",
					   i + 1, waves[i]);
		if (i > 0 && !(waves[i] > waves[i - 1]))
			return dupg__error(DUPG_EINVAL,
					   "rollout: wave %zu: %g does not grow past the wave before (%g): "
					   "waves are cumulative", i + 1, waves[i], waves[i - 1]);
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL || (r->waves = calloc(count + 1, sizeof(*r->waves))) == NULL) {
		free(r);
		return dupg__error_nomem();
	}
	if (count > 0)
		memcpy(r->waves, waves, count * sizeof(*waves));
	r->count = count;
	/* the last wave always takes the rest */
	if (count == 0 || waves[count - 1] < 1)
		r->waves[r->count++] = 1;
	r->threshold = threshold;
	*out = r;
	return 0;
}

int dupg_rollout_new_text(dupg_rollout **out, const char *waves, double threshold)
{
	double *w;
	size_t n = 0, cap = 1;
	const char *p;
	int rc;

	if (out == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_rollout_new_text: out is NULL");
	*out = NULL;
	if (waves == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_rollout_new_text: waves is NULL");
	for (p = waves; *p; p++)
		cap += *p == ',';
	w = malloc(cap * sizeof(*w));
	if (w == NULL)
		return dupg__error_nomem();
	p = waves;
	for (;;) {
		char *end;

		while (*p == ' ' || *p == '\t')
			p++;
		w[n] = strtod(p, &end);
		if (end == p) {
			free(w);
			return dupg__error(DUPG_EINVAL, "rollout: waves \"%s\": expected numbers "
					   "separated by commas, like 0.01,0.1,1", waves);
		}
		n++;
		p = end;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (*p++ != ',' || n == cap) {
			free(w);
			return dupg__error(DUPG_EINVAL, "rollout: waves \"%s\": expected numbers "
					   "separated by commas, like 0.01,0.1,1", waves);
		}
	}
	rc = dupg_rollout_new(out, w, n, threshold);
	free(w);
	return rc;
}

void dupg_rollout_free(dupg_rollout *r)
{
	if (r == NULL)
		return;
	free(r->waves);
	free(r);
}

size_t dupg_rollout_wave_count(const dupg_rollout *r)
{
	return r ? r->count : 0;
}

double dupg_rollout_wave_fraction(const dupg_rollout *r, size_t w)
{
	return r && w < r->count ? r->waves[w] : 0;
}

double dupg_rollout_threshold(const dupg_rollout *r)
{
	return r ? r->threshold : 0;
}

int dupg_rollout_waves_text(char **out, const dupg_rollout *r)
{
	dupg_buf b = { NULL, 0, 0, 0 };
	size_t i;

	if (out == NULL || r == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_rollout_waves_text: NULL argument");
	*out = NULL;
	for (i = 0; i < r->count; i++) {
		char num[40];
		int prec;

		/* the shortest form that reads back as the same double */
		for (prec = 1; prec < 17; prec++) {
			snprintf(num, sizeof(num), "%.*g", prec, r->waves[i]);
			if (strtod(num, NULL) == r->waves[i])
				break;
		}
		snprintf(num, sizeof(num), "%.*g", prec, r->waves[i]);
		dupg__buf_printf(&b, "%s%s", i ? "," : "", num);
	}
	return dupg__buf_finish(&b, out);
}

size_t dupg_rollout_wave_end(const dupg_rollout *r, size_t w, size_t total)
{
	double end;

	if (r == NULL || w + 1 >= r->count)
		return total;
	end = ceil(r->waves[w] * (double)total);
	return end > (double)total ? total : (size_t)end;
}

size_t dupg_rollout_wave_size(const dupg_rollout *r, size_t w, size_t total)
{
	if (r == NULL || w >= r->count)
		return 0;
	return dupg_rollout_wave_end(r, w, total) - (w ? dupg_rollout_wave_end(r, w - 1, total) : 0);
}

size_t dupg_rollout_wave_of(const dupg_rollout *r, size_t rank, size_t total)
{
	size_t lo = 0, hi;

	if (r == NULL || r->count == 0)
		return 0;
	/* the ends grow with w: the first wave whose end is past rank */
	hi = r->count - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rank < dupg_rollout_wave_end(r, mid, total))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

void dupg_wave_tally_add(dupg_wave_tally *t, dupg_site_state state, size_t n)
{
	if (t == NULL)
		return;
	t->sites += n;
	if (state == DUPG_SITE_CURRENT)
		t->current += n;
	if (dupg_site_state_final(state))
		t->finished += n;
	if (state == DUPG_SITE_ROLLED_BACK || state == DUPG_SITE_FAILED)
		t->failed += n;
}

int dupg_rollout_wave_halts(const dupg_rollout *r, const dupg_wave_tally *t)
{
	size_t needed;

	if (r == NULL || t == NULL || t->current >= t->sites)
		return 0;
	/* the sites that needed the rollout, or may still: the share only grows as reports come in */
	needed = t->sites - t->current;
	return (double)t->failed / (double)needed > r->threshold;
}

int dupg_wave_tally_settled(const dupg_wave_tally *t)
{
	return t == NULL || t->current + t->finished >= t->sites;
}

int dupg_rollout_step(dupg_rollout_status *st, const dupg_rollout *r, const dupg_wave_tally *tallies)
{
	dupg_rollout_status before;
	size_t w;

	if (st == NULL || r == NULL || tallies == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_rollout_step: NULL argument");
	before = *st;
	if (st->state == DUPG_ROLLOUT_HALTED || st->state == DUPG_ROLLOUT_DONE)
		return 0;
	if (st->open == 0)
		st->open = 1;
	if (st->open > r->count)
		st->open = r->count;
	for (w = 0; w < st->open; w++) {
		if (dupg_rollout_wave_halts(r, &tallies[w])) {
			st->state = DUPG_ROLLOUT_HALTED;
			st->halted_wave = w;
			return 1;
		}
	}
	if (st->state == DUPG_ROLLOUT_RUNNING) {
		while (st->open < r->count && dupg_wave_tally_settled(&tallies[st->open - 1]))
			st->open++;
		for (w = 0; w < st->open && dupg_wave_tally_settled(&tallies[w]); w++)
			;
		if (st->open == r->count && w == r->count)
			st->state = DUPG_ROLLOUT_DONE;
	}
	return before.state != st->state || before.open != st->open ||
	       before.halted_wave != st->halted_wave;
}

int dupg_rollout_wave_open(const dupg_rollout_status *st, size_t wave)
{
	if (st == NULL)
		return 0;
	if (st->state == DUPG_ROLLOUT_DONE)
		return 1;
	return st->state == DUPG_ROLLOUT_RUNNING && wave < st->open;
}

static int final_refused(const dupg_rollout_status *st, const char *what)
{
	return dupg__error(DUPG_EINVAL, "a %s rollout cannot be %s",
			   dupg_rollout_state_name(st->state), what);
}

int dupg_rollout_pause(dupg_rollout_status *st)
{
	if (st == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_rollout_pause: NULL argument");
	if (st->state == DUPG_ROLLOUT_HALTED || st->state == DUPG_ROLLOUT_DONE)
		return final_refused(st, "paused");
	st->state = DUPG_ROLLOUT_PAUSED;
	return 0;
}

int dupg_rollout_resume(dupg_rollout_status *st)
{
	if (st == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_rollout_resume: NULL argument");
	if (st->state == DUPG_ROLLOUT_HALTED || st->state == DUPG_ROLLOUT_DONE)
		return final_refused(st, "resumed");
	st->state = DUPG_ROLLOUT_RUNNING;
	return 0;
}
