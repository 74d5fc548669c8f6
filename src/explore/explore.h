/* SPDX-License-Identifier: MIT */
/*
 * explore/explore.h - strategies that drive executions of a program.
 *
 * Exploration is stateless: every execution restarts the program from its
 * snapshot (program.reset) and is fully determined by its schedule, the
 * thread chosen at each step.  The schedule string is the replay handle.
 *
 * Strategies (one file each):
 *  - dpor.c: exhaustive.  DPOR in the style of Flanagan and Godefroid
 *    (POPL 2005) with sleep sets restricted to the ones that are sound
 *    under the bound, over the (object, access) footprints that every
 *    step announces, bounded by a CHESS-style preemption bound that is
 *    deepened iteratively (0, 1, ..., the bound).  Backtrack points a
 *    race calls for are also added at the start of the enclosing
 *    scheduling block, the conservative
 *    rule of Coons, Musuvathi and McKinley, "Bounded Partial-Order
 *    Reduction" (OOPSLA 2013), so the search stays complete within the
 *    bound.  With POR disabled it is a plain bounded DFS (`dfs`), used to
 *    cross-check the reduction.
 *  - random.c: uniformly random scheduling from a seed.
 *  - pct.c: PCT (Burckhardt et al., ASPLOS 2010): random priorities and
 *    d-1 priority change points per run, from a seed.
 *  - parallel.c: -j, the exhaustive search in forked workers (shards of
 *    dpor.c), and the merge of shard results.
 *  - replay.c: one schedule, strictly: a step naming a thread that is not
 *    enabled is an error that shows the enabled set.
 */
#ifndef FL_EXPLORE_EXPLORE_H
#define FL_EXPLORE_EXPLORE_H

#include <stdbool.h>
#include <stdint.h>

#define FL_MAX_STEPS		4000	/* per execution: longer is an error (docs/litmus.md, limits) */
#define FL_SCHED_STR		8192
#define FL_SCHED_VERSION	"v1"	/* schedule format and step granularity (schedule.c) */
/* A schedule alternating threads on every step ("0.1.0.1...") must still fit. */
_Static_assert(FL_SCHED_STR > 2 * FL_MAX_STEPS + 8, "a schedule string of FL_MAX_STEPS steps fits");

struct fl_program {
	/* Restore the post-init machine and start every thread. */
	void (*reset)(void *ctx);
	/*
	 * The execution ended.  @deadlock: nothing was enabled while threads
	 * remained.  Returns the set of violated properties (a bit mask).
	 */
	uint32_t (*finish)(void *ctx, bool deadlock);
	void *ctx;
	int nprops;		/* number of property bits */
};

enum fl_strategy {
	FL_STRAT_DPOR,		/* "exhaustive" */
	FL_STRAT_DFS,		/* exhaustive without partial-order reduction */
	FL_STRAT_RANDOM,
	FL_STRAT_REPLAY,
	FL_STRAT_PCT,		/* probabilistic concurrency testing (pct.c) */
};

#define FL_PCT_DEPTH	3	/* default PCT depth d: d-1 priority change points per run */

/*
 * Progress of a running search, for a live status line.  The explorer
 * reports at most every FL_PROGRESS_INTERVAL seconds and looks at the
 * clock only every FL_PROGRESS_EVERY executions, so a NULL hook costs one
 * test per execution and a set one next to nothing.
 */
#define FL_PROGRESS_INTERVAL	0.1
#define FL_PROGRESS_EVERY	32

struct fl_progress {
	uint64_t executions;	/* finished so far, every pass */
	uint64_t pruned;
	uint64_t steps;
	uint64_t max_executions;	/* the cap on executions + pruned; 0 = none */
	int bound;		/* this pass's preemption bound; -1 = unbounded */
	int max_bound;		/* the bound of the last pass */
	uint64_t pass_start;	/* executions + pruned when this pass began */
	uint64_t prev_pass[2];	/* executions + pruned of the two passes before it (0 = none) */
	double seconds;		/* since the search began */
};

typedef void (*fl_progress_fn)(void *ctx, const struct fl_progress *p);

struct fl_explore_opts {
	enum fl_strategy strategy;
	int preemptions;	/* bound; -1 = unbounded */
	uint64_t max_executions;
	uint64_t seed;		/* random, pct */
	int pct_depth;		/* pct: d (0 = FL_PCT_DEPTH) */
	/*
	 * exhaustive: explore shard shard_k of shard_n (0 <= k < n; n <= 1: the
	 * whole tree), or with jobs > 1 every shard at once in forked workers.
	 */
	int shard_k, shard_n;
	int jobs;
	/* Internal (parallel.c): the workers' shared claims on split prefixes, per pass. */
	uint64_t *claims;
	uint64_t claim_words;	/* per pass */
	const char *schedule;	/* replay */
	fl_progress_fn progress;	/* NULL: no reports */
	void *progress_ctx;
};

struct fl_cex {
	bool found;
	int preemptions;
	int nsteps;
	double seconds;		/* since the start of the exploration */
	uint64_t execution;	/* 1-based index of the first execution that violated the property */
	uint64_t run;		/* 1-based index of the execution kept here (random, pct: its run) */
	char schedule[FL_SCHED_STR];
};

#define FL_EXPLORE_MAX_PROPS 32

struct fl_explore_result {
	uint32_t found;			/* union over executions */
	struct fl_cex cex[FL_EXPLORE_MAX_PROPS];	/* fewest preemptions, then shortest */
	uint64_t executions;		/* run to the end (including deadlocked ones) */
	uint64_t pruned;		/* cut short: sleep-set blocked or over the bound */
	uint64_t deadlocked;
	uint64_t steps;
	double seconds;
	bool complete;			/* the search covered the whole bounded space */
	int shard_k, shard_n;		/* the shard searched (shard_n 0 or 1: all of it) */
	bool seeded;			/* random or pct: the counterexamples came from this seed */
	uint64_t seed;
	char stop_reason[96];		/* why it stopped when not complete */
	char error[1024];		/* bad input: a replay that diverges, a limit of the model */
};

void fl_explore(const struct fl_program *prog, const struct fl_explore_opts *opts,
		struct fl_explore_result *res);

#define FL_MAX_JOBS	64	/* -j */
/*
 * Merge the result of another shard of the same search into @into (start
 * from a zeroed result with complete = true): the union of the properties,
 * the sums of the counts, the best counterexample of each property (fewest
 * preemptions, then steps, then the smaller schedule string).
 */
void fl_explore_merge(struct fl_explore_result *into, const struct fl_explore_result *r);

/* Schedules: "v1/0:3.1.2:4" = thread 0 for 3 steps, thread 1 once, thread 2 for 4 (schedule.c). */
void fl_schedule_encode(const uint8_t *choice, int n, char *buf, int len);
/* Returns the number of steps, or -1 (message in @err) for a malformed string. */
int fl_schedule_decode(const char *s, uint8_t *choice, int max, char *err, int errlen);

double fl_now(void);

#endif
