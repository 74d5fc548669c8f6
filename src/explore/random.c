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

void fl_explore_random(const struct fl_program *prog, const struct fl_explore_opts *opts,
		       struct fl_explore_result *res)
{
	static uint8_t choice[FL_MAX_STEPS];
	static uint32_t enabled[FL_MAX_STEPS];
	uint64_t rng = opts->seed * 0x9e3779b97f4a7c15ull + 1;
	uint64_t max = opts->max_executions ? opts->max_executions : 10000;
	double t0 = fl_now();
	struct fl_progress_state ps = { .t0 = t0, .p = { .bound = -1, .max_bound = -1 } };

	res->complete = false;
	snprintf(res->stop_reason, sizeof(res->stop_reason), "random strategy: %llu executions, seed %llu",
		 (unsigned long long)max, (unsigned long long)opts->seed);
	for (uint64_t e = 0; e < max; e++) {
		bool deadlock = false;
		int n = 0;

		prog->reset(prog->ctx);
		if (fl_explore_limited(res, choice, 0))
			break;
		for (;;) {
			uint32_t en = fl_sim_enabled_mask();
			int k, t = 0;

			if (!en) {
				deadlock = !fl_sim_all_done();
				break;
			}
			if (n >= FL_MAX_STEPS) {
				fl_explore_too_long(res);
				res->seconds = fl_now() - t0;
				return;
			}
			k = (int)(next_rand(&rng) % (uint64_t)__builtin_popcount(en));
			for (t = 0; t < fl_sim.nthreads; t++)
				if ((en & (1u << t)) && k-- == 0)
					break;
			choice[n] = (uint8_t)t;
			enabled[n] = en;
			fl_sim_run(t);
			if (fl_explore_limited(res, choice, n + 1)) {
				res->seconds = fl_now() - t0;
				return;
			}
			fl_sim_refresh_after(t);
			n++;
		}
		res->steps += (uint64_t)n;
		if (deadlock)
			res->deadlocked++;
		fl_record_execution(res, prog, prog->finish(prog->ctx, deadlock), choice, enabled, n, t0);
		fl_progress_tick(&ps, opts, res);
	}
	res->seconds = fl_now() - t0;
}
