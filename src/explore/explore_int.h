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

/*
 * A strategy, as the run loop (execute.c) sees it: it picks the thread of
 * each step, and learns from what ran.
 */
#define FL_PICK_PRUNE	(-1)	/* cut this execution short (sleep set, bound) */
#define FL_PICK_ERROR	(-2)	/* stop: res->error says why */
struct fl_scheduler {
	/* Steps the strategy already knows (NULL: none); replay() gives each one's thread and enabled set. */
	int (*prefix)(void *s);
	int (*replay)(void *s, int n, uint32_t *en);
	/* Step @n with @en enabled: a thread, FL_PICK_PRUNE or FL_PICK_ERROR. */
	int (*pick)(void *s, int n, uint32_t en, struct fl_explore_result *res);
	/* Thread @t is about to take step @n (NULL: nothing to note). */
	void (*taken)(void *s, int n, int t);
	/* The execution ended after @n steps: false drops it unrecorded, as pruned (NULL: keep). */
	bool (*keep)(void *s, int n);
};

enum fl_exec_end {
	FL_EXEC_DONE,		/* ran to the end (or to a deadlock) and was recorded in @res */
	FL_EXEC_PRUNED,		/* cut short by the strategy */
	FL_EXEC_STOP,		/* the exploration must stop: res->error says why */
};

/* Run one execution; *@steps is how many steps it took (for DONE and PRUNED). */
enum fl_exec_end fl_execute(const struct fl_program *prog, const struct fl_scheduler *sc, void *s,
			    uint8_t *choice, uint32_t *enabled, struct fl_explore_result *res, double t0,
			    int *steps);

void fl_explore_dpor(const struct fl_program *prog, const struct fl_explore_opts *opts,
		     struct fl_explore_result *res, bool por);
void fl_explore_random(const struct fl_program *prog, const struct fl_explore_opts *opts,
		       struct fl_explore_result *res);
void fl_explore_jobs(const struct fl_program *prog, const struct fl_explore_opts *opts,
		     struct fl_explore_result *res);
void fl_explore_pct(const struct fl_program *prog, const struct fl_explore_opts *opts,
		    struct fl_explore_result *res);
void fl_explore_replay(const struct fl_program *prog, const struct fl_explore_opts *opts,
		       struct fl_explore_result *res);

#endif
