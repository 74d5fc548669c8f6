/* SPDX-License-Identifier: MIT */
/* explore/explore.c - dispatch to the strategy (see explore.h). */
#include <string.h>

#include "explore/explore_int.h"

void fl_explore(const struct fl_program *prog, const struct fl_explore_opts *opts,
		struct fl_explore_result *res)
{
	memset(res, 0, sizeof(*res));
	switch (opts->strategy) {
	case FL_STRAT_DPOR:
		fl_explore_dpor(prog, opts, res, true);
		break;
	case FL_STRAT_DFS:
		fl_explore_dpor(prog, opts, res, false);
		break;
	case FL_STRAT_RANDOM:
		fl_explore_random(prog, opts, res);
		break;
	case FL_STRAT_REPLAY:
		fl_explore_replay(prog, opts, res);
		break;
	}
}
