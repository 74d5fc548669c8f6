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

void fl_explore_dpor(const struct fl_program *prog, const struct fl_explore_opts *opts,
		     struct fl_explore_result *res, bool por);
void fl_explore_random(const struct fl_program *prog, const struct fl_explore_opts *opts,
		       struct fl_explore_result *res);
void fl_explore_replay(const struct fl_program *prog, const struct fl_explore_opts *opts,
		       struct fl_explore_result *res);

#endif
