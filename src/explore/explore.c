/* SPDX-License-Identifier: MIT */
/* explore/explore.c - dispatch to the strategy (see explore.h). */
#include <string.h>

#include "explore/explore_int.h"

void fl_progress_report(struct fl_progress_state *ps, const struct fl_explore_opts *opts,
			const struct fl_explore_result *res)
{
	double now = fl_now();

	if (now - ps->last < FL_PROGRESS_INTERVAL)
		return;
	ps->last = now;
	ps->p.executions = res->executions;
	ps->p.pruned = res->pruned;
	ps->p.steps = res->steps;
	ps->p.max_executions = opts->max_executions;
	ps->p.seconds = now - ps->t0;
	opts->progress(opts->progress_ctx, &ps->p);
}

void fl_explore(const struct fl_program *prog, const struct fl_explore_opts *opts,
		struct fl_explore_result *res)
{
	memset(res, 0, sizeof(*res));
	if (opts->jobs > 1 && (opts->strategy == FL_STRAT_DPOR || opts->strategy == FL_STRAT_DFS)) {
		fl_explore_jobs(prog, opts, res);
		goto out;
	}
	switch (opts->strategy) {
	case FL_STRAT_DPOR:
		fl_explore_dpor(prog, opts, res, true);
		break;
	case FL_STRAT_DFS:
		fl_explore_dpor(prog, opts, res, false);
		break;
	case FL_STRAT_RANDOM:
		fl_explore_random(prog, opts, res);
		res->seeded = true;
		res->seed = opts->seed;
		break;
	case FL_STRAT_PCT:
		fl_explore_pct(prog, opts, res);
		res->seeded = true;
		res->seed = opts->seed;
		break;
	case FL_STRAT_REPLAY:
		fl_explore_replay(prog, opts, res);
		break;
	}
out:
	if (opts->shard_n > 1 && (opts->strategy == FL_STRAT_DPOR || opts->strategy == FL_STRAT_DFS)) {
		res->shard_k = opts->shard_k;
		res->shard_n = opts->shard_n;
	}
}
