/* SPDX-License-Identifier: MIT */
/* explore/explore_int.h - shared between the strategy files. */
#ifndef FL_EXPLORE_INT_H
#define FL_EXPLORE_INT_H

#include "explore/explore.h"
#include "sim/sim.h"

int fl_count_preemptions(const uint8_t *choice, const uint32_t *enabled, int n);
/* Account one finished execution: union of properties, best counterexample per property. */
void fl_record_execution(struct fl_explore_result *res, const struct fl_program *prog, uint32_t found,
			 const uint8_t *choice, const uint32_t *enabled, int n, double t0);

/*
 * After a step: did it reach a limit of the model (fl_sim_limit)?  Then
 * res->error says where, with the schedule that got there, and the
 * exploration must stop: an answer past a full table would be made up.
 */
bool fl_explore_limited(struct fl_explore_result *res, const uint8_t *choice, int n);
/* An execution reached FL_MAX_STEPS: res->error names where each thread is. */
void fl_explore_too_long(struct fl_explore_result *res);
/* A strategy's progress reports (see struct fl_progress). */
struct fl_progress_state {
	struct fl_progress p;	/* bound and pass fields kept by the strategy */
	double t0, last;
	unsigned ticks;
};

void fl_progress_report(struct fl_progress_state *ps, const struct fl_explore_opts *opts,
			const struct fl_explore_result *res);

/* Call after every execution: cheap unless a hook is set and a report is due. */
static inline void fl_progress_tick(struct fl_progress_state *ps, const struct fl_explore_opts *opts,
				    const struct fl_explore_result *res)
{
	if (opts->progress && ++ps->ticks % FL_PROGRESS_EVERY == 0)
		fl_progress_report(ps, opts, res);
}

void fl_explore_dpor(const struct fl_program *prog, const struct fl_explore_opts *opts,
		     struct fl_explore_result *res, bool por);
void fl_explore_random(const struct fl_program *prog, const struct fl_explore_opts *opts,
		       struct fl_explore_result *res);
void fl_explore_replay(const struct fl_program *prog, const struct fl_explore_opts *opts,
		       struct fl_explore_result *res);

#endif
