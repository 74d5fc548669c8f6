/* SPDX-License-Identifier: MIT */
/*
 * explore/random.c - random scheduling: at every step, a uniformly random
 * enabled thread (xorshift64* from --seed).  Never complete; useful for
 * scenarios too large for the exhaustive search and as a cross-check.
 */
#include <stdio.h>

#include "explore/explore_int.h"

static uint64_t next_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

struct random_sched {
	uint64_t rng;
};

/* Uniform among the enabled threads. */
static int random_pick(void *s, int n, uint32_t en, struct fl_explore_result *res)
{
	struct random_sched *r = s;
	int k = (int)(next_rand(&r->rng) % (uint64_t)__builtin_popcount(en));

	(void)n;
	(void)res;
	for (int t = 0; t < fl_sim.nthreads; t++)
		if ((en & (1u << t)) && k-- == 0)
			return t;
	return FL_PICK_ERROR;	/* unreachable: en has popcount(en) bits */
}

static const struct fl_scheduler random_scheduler = { .pick = random_pick };

void fl_explore_random(const struct fl_program *prog, const struct fl_explore_opts *opts,
		       struct fl_explore_result *res)
{
	static uint8_t choice[FL_MAX_STEPS];
	static uint32_t enabled[FL_MAX_STEPS];
	struct random_sched r = { opts->seed * 0x9e3779b97f4a7c15ull + 1 };
	uint64_t max = opts->max_executions ? opts->max_executions : 10000;
	double t0 = fl_now();
	struct fl_progress_state ps = { .t0 = t0, .p = { .bound = -1, .max_bound = -1 } };

	res->complete = false;
	snprintf(res->stop_reason, sizeof(res->stop_reason), "random strategy: %llu executions, seed %llu",
		 (unsigned long long)max, (unsigned long long)opts->seed);
	for (uint64_t e = 0; e < max; e++) {
		int n;

		if (fl_execute(prog, &random_scheduler, &r, choice, enabled, res, t0, &n) == FL_EXEC_STOP)
			break;
		fl_progress_tick(&ps, opts, res);
	}
	res->seconds = fl_now() - t0;
}
