/* SPDX-License-Identifier: MIT */
/*
 * explore/pct.c - probabilistic concurrency testing (PCT): Burckhardt,
 * Kothari, Musuvathi and Nagarakatte, "A Randomized Scheduler with
 * Probabilistic Guarantees of Finding Bugs", ASPLOS 2010.
 *
 * Each run gives the n threads distinct random priorities d, ..., d+n-1
 * and picks d-1 random change points among the k steps an execution is
 * expected to take.  At every step the highest-priority enabled thread
 * runs; at the i-th change point the thread about to run drops to
 * priority i, below every initial one.  A bug of depth d (d-1 ordering
 * constraints between steps) is found by one run with probability at
 * least 1/(n k^(d-1)), whatever the program's size otherwise; in
 * practice the few preemptions PCT makes are the ones bugs need.
 *
 * k is the longest execution seen so far (the first run uses an initial
 * guess).  Run r draws everything from its own generator, seeded from
 * (--seed, r) and k, which only earlier runs of the same seed set: a run
 * is reproduced by the seed and its index (and its schedule replays it
 * anyway); the counterexample report prints both (fl_cex.run).  Never
 * complete.
 */
#include <stdio.h>

#include "explore/explore_int.h"

#define PCT_MAX_DEPTH	16
#define PCT_FIRST_K	16	/* racy steps assumed before any execution has finished */

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

struct pct_sched {
	int nthreads, depth;
	int prio[FL_SIM_MAX_THREADS];
	int change[PCT_MAX_DEPTH];	/* racy step index of change point i (1-based i), -1 = none */
	int racy;			/* racy steps so far in this run */
};

/*
 * A step is racy when the thread about to take it has a pending step that
 * conflicts with another live thread's pending step: only there can a
 * priority change make a difference to what the others see.  Change
 * points are placed among racy steps, so k counts those rather than every
 * step (the paper's k is the number of steps that matter; most of the
 * model's steps touch objects no other thread is about to touch).
 */
static bool racy_step(int t)
{
	for (int q = 0; q < fl_sim.nthreads; q++)
		if (q != t && fl_sim.t[q].state != FL_T_DONE && fl_fp_conflict(&fl_sim.t[t].fp, &fl_sim.t[q].fp))
			return true;
	return false;
}

static int highest(const struct pct_sched *p, uint32_t en)
{
	int best = -1;

	for (int t = 0; t < p->nthreads; t++)
		if ((en & (1u << t)) && (best < 0 || p->prio[t] > p->prio[best]))
			best = t;
	return best;
}

static int pct_pick(void *s, int n, uint32_t en, struct fl_explore_result *res)
{
	struct pct_sched *p = s;
	int t = highest(p, en);

	(void)res;
	(void)n;
	if (t < 0)
		return FL_PICK_ERROR;
	if (!racy_step(t))
		return t;
	p->racy++;
	for (int i = 1; i < p->depth; i++) {
		if (p->change[i] == p->racy) {
			p->prio[t] = i;	/* below every initial priority (>= depth) */
			t = highest(p, en);
		}
	}
	return t;
}

static const struct fl_scheduler pct_scheduler = { .pick = pct_pick };

/* Run @r's priorities and change points, from its own generator. */
static void pct_setup(struct pct_sched *p, uint64_t seed, uint64_t r, int k)
{
	uint64_t g = seed * 0x2545f4914f6cdd1dull ^ (r + 1) * 0x9e3779b97f4a7c15ull;
	int perm[FL_SIM_MAX_THREADS];

	for (int t = 0; t < p->nthreads; t++)
		perm[t] = t;
	for (int t = p->nthreads - 1; t > 0; t--) {
		int j = (int)(splitmix(&g) % (uint64_t)(t + 1)), x = perm[t];

		perm[t] = perm[j];
		perm[j] = x;
	}
	for (int t = 0; t < p->nthreads; t++)
		p->prio[t] = p->depth + perm[t];
	p->change[0] = -1;
	p->racy = 0;
	for (int i = 1; i < p->depth; i++)
		p->change[i] = 1 + (int)(splitmix(&g) % (uint64_t)(k > 1 ? k - 1 : 1));
}

void fl_explore_pct(const struct fl_program *prog, const struct fl_explore_opts *opts,
		    struct fl_explore_result *res)
{
	static uint8_t choice[FL_MAX_STEPS];
	static uint32_t enabled[FL_MAX_STEPS];
	struct pct_sched p = { .nthreads = fl_sim.nthreads };
	uint64_t max = opts->max_executions ? opts->max_executions : 10000;
	double t0 = fl_now();
	struct fl_progress_state ps = { .t0 = t0, .p = { .bound = -1, .max_bound = -1 } };
	int k = PCT_FIRST_K;

	p.depth = opts->pct_depth > 0 ? opts->pct_depth : FL_PCT_DEPTH;
	if (p.depth > PCT_MAX_DEPTH)
		p.depth = PCT_MAX_DEPTH;
	res->complete = false;
	snprintf(res->stop_reason, sizeof(res->stop_reason), "pct strategy: %llu runs, depth %d, seed %llu",
		 (unsigned long long)max, p.depth, (unsigned long long)opts->seed);
	for (uint64_t r = 0; r < max; r++) {
		int n = 0;

		pct_setup(&p, opts->seed, r, k);
		if (fl_execute(prog, &pct_scheduler, &p, choice, enabled, res, t0, &n) == FL_EXEC_STOP)
			break;
		if (p.racy > k)
			k = p.racy;
		fl_progress_tick(&ps, opts, res);
	}
	res->seconds = fl_now() - t0;
}
