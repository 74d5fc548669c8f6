/* SPDX-License-Identifier: MIT */
/* SPDX-License-Identifier: MIT */
/*
 * explore/dpor.c - exhaustive exploration: DPOR under a preemption bound,
 * or (por = false) plain bounded DFS.
 *
 * State i is the machine before step i.  For each state the search keeps:
 *  - enabled:   threads that can take a step;
 *  - fp[]:      every thread's pending-step footprint;
 *  - backtrack: threads that must be tried from here;
 *  - done:      threads already tried from here;
 *  - vc:        vector clock of the event taken from here, over the
 *               happens-before order built from dependent footprints.
 * After each execution, every new event j of thread p is matched with
 * every earlier event i of another thread that it races with (dependent,
 * and not ordered before j through p's history or a later dependent
 * event); p is added to backtrack(i) if it could run there, else every
 * thread enabled at i plus p at the last state where it could run
 * (Flanagan and Godefroid, POPL 2005, with all races rather than the
 * last one).  Under a preemption bound the point is also added at the
 * start of i's scheduling block (Coons, Musuvathi and McKinley, "Bounded
 * Partial-Order Reduction", OOPSLA 2013).
 *
 * No sleep sets: combined with this after-the-fact race analysis they
 * lost behaviours in tests/unit/test_explore.c (and under a preemption
 * bound they are unsound anyway).  Source sets with wakeup trees would
 * be the way to get them back.
 *
 * Choices prefer the thread that ran last, so each execution preempts as
 * little as it can, and the first counterexample tends to be minimal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/explore_int.h"
#include "sim/log.h"

struct node {
	uint32_t enabled, backtrack, done;
	uint32_t sleep;		/* source mode: threads whose step here is already covered */
	uint16_t pre;		/* preemptions taken before this state */
	uint8_t chosen;
	uint16_t vc[FL_SIM_MAX_THREADS];
	struct fl_footprint fp[FL_SIM_MAX_THREADS];
};

struct dpor {
	const struct fl_explore_opts *opts;
	bool por;
	bool source;		/* unbounded: source sets + sleep sets (Abdulla et al., POPL 2014) */
	int nthreads;
	struct node *nodes;
	uint8_t choice[FL_MAX_STEPS];
	uint32_t enabled[FL_MAX_STEPS];
};

static int preempt_cost(const struct dpor *d, int n, int t)
{
	int prev;

	if (n == 0)
		return 0;
	prev = d->choice[n - 1];
	return t != prev && (d->nodes[n].enabled & (1u << prev)) ? 1 : 0;
}

static bool within_bound(const struct dpor *d, int n, int t)
{
	if (d->opts->preemptions < 0)
		return true;
	return d->nodes[n].pre + preempt_cost(d, n, t) <= d->opts->preemptions;
}

/* Pick from @cand: the previous thread if possible, else the lowest id within the bound. */
static int pick(const struct dpor *d, int n, uint32_t cand)
{
	if (n > 0 && (cand & (1u << d->choice[n - 1])))
		return d->choice[n - 1];
	for (int t = 0; t < d->nthreads; t++)
		if ((cand & (1u << t)) && within_bound(d, n, t))
			return t;
	return -1;
}

/* sleep(n+1): threads asleep or done at n whose step is independent of the one taken. */
static uint32_t next_sleep(const struct dpor *d, int n)
{
	const struct node *nd = &d->nodes[n];
	uint32_t cand = (nd->sleep | nd->done) & ~(1u << nd->chosen);
	uint32_t out = 0;

	for (int q = 0; q < d->nthreads; q++)
		if ((cand & (1u << q)) && !fl_fp_conflict(&nd->fp[q], &nd->fp[nd->chosen]))
			out |= 1u << q;
	return out;
}

static void new_node(struct dpor *d, int n, uint32_t en)
{
	struct node *nd = &d->nodes[n];

	nd->enabled = en;
	nd->backtrack = d->por ? 0 : en;
	nd->done = 0;
	nd->sleep = (d->source && n) ? next_sleep(d, n - 1) : 0;
	nd->pre = (uint16_t)(n ? d->nodes[n - 1].pre + preempt_cost(d, n - 1, d->choice[n - 1]) : 0);
	for (int q = 0; q < d->nthreads; q++) {
		const struct fl_footprint *src = &fl_sim.t[q].fp;

		nd->fp[q].n = src->n;
		memcpy(nd->fp[q].e, src->e, sizeof(src->e[0]) * src->n);
	}
}

/* The scheduling block containing step i starts where the thread last changed. */
static int block_start(const struct dpor *d, int i)
{
	while (i > 0 && d->choice[i - 1] == d->choice[i])
		i--;
	return i;
}

static void add_backtrack(struct dpor *d, int i, int p)
{
	struct node *nd = &d->nodes[i];

	if (nd->enabled & (1u << p)) {
		nd->backtrack |= 1u << p;
		if (d->opts->preemptions >= 0) {
			int b = block_start(d, i);

			if (d->nodes[b].enabled & (1u << p))
				d->nodes[b].backtrack |= 1u << p;
		}
	} else {
		/*
		 * p could not run at i (it was blocked, e.g. on a lock the other
		 * thread held): try every thread enabled there (Flanagan-Godefroid),
		 * and p itself at the last state before i where it could run,
		 * which is where the two really competed.
		 */
		nd->backtrack |= nd->enabled;
		for (int k = i - 1; k >= 0; k--) {
			if (d->nodes[k].enabled & (1u << p)) {
				d->nodes[k].backtrack |= 1u << p;
				break;
			}
		}
	}
}

/* Does event a happen before event b (a < b)?  Vector clocks hold index + 1. */
static bool hb(const struct dpor *d, int a, int b)
{
	int q = d->choice[a];

	return d->nodes[b].vc[q] >= d->nodes[a].vc[q];
}

/*
 * Source-set insertion for the race (i, j): v is the events after i that
 * do not happen after it, then j.  Its initials are the threads whose
 * first event in v has no happens-before predecessor in v; reversing the
 * race needs one of them to run at i.  If none is in backtrack(i) yet,
 * add one (the racing thread if it is an initial).
 */
static void add_source(struct dpor *d, int i, int j)
{
	uint32_t initials = 0, seen = 0;
	struct node *nd = &d->nodes[i];
	int p = d->choice[j], pick_t = -1;
	int v[FL_MAX_STEPS + 1], nv = 0;

	for (int k = i + 1; k < j; k++)
		if (!hb(d, i, k))
			v[nv++] = k;
	v[nv++] = j;
	for (int a = 0; a < nv; a++) {
		int q = d->choice[v[a]];
		bool first = true;

		if (seen & (1u << q))
			continue;
		seen |= 1u << q;
		for (int b = 0; b < a && first; b++)
			if (hb(d, v[b], v[a]))
				first = false;
		if (first)
			initials |= 1u << q;
	}
	if (initials & (nd->backtrack | nd->done))
		return;
	if (initials & (1u << p))
		pick_t = p;
	else
		for (int q = 0; q < d->nthreads && pick_t < 0; q++)
			if (initials & (1u << q))
				pick_t = q;
	if (pick_t < 0)
		return;
	if (nd->enabled & (1u << pick_t))
		nd->backtrack |= 1u << pick_t;
	else
		nd->backtrack |= nd->enabled;	/* blocked at i: be conservative */
}

/* Race analysis for events from @from on (earlier ones were analysed before). */
static void analyse(struct dpor *d, int from, int n)
{
	int last[FL_SIM_MAX_THREADS];

	for (int q = 0; q < d->nthreads; q++)
		last[q] = -1;
	for (int j = 0; j < n; j++) {
		int p = d->choice[j];
		struct node *nj = &d->nodes[j];
		const struct fl_footprint *ev = &nj->fp[p];
		uint16_t pred[FL_SIM_MAX_THREADS], vc[FL_SIM_MAX_THREADS];

		if (j < from) {
			last[p] = j;
			continue;
		}
		if (last[p] >= 0)
			memcpy(pred, d->nodes[last[p]].vc, sizeof(pred));
		else
			memset(pred, 0, sizeof(pred));
		int races[FL_MAX_STEPS], nraces = 0;

		memcpy(vc, pred, sizeof(vc));
		/*
		 * Every earlier dependent event i of another thread that is not
		 * already ordered before j through p's own history or through a
		 * later dependent event is a race whose reversal must be tried.
		 * (Taking only the last one, as the original algorithm does while
		 * it walks states, misses races in this after-the-fact analysis.)
		 */
		for (int i = j - 1; i >= 0; i--) {
			int q = d->choice[i];
			const struct node *ni = &d->nodes[i];

			if (q == p || !fl_fp_conflict(&ni->fp[q], ev))
				continue;
			if (ni->vc[q] > vc[q]) {
				if (d->source)
					races[nraces++] = i;	/* after j's clock is known */
				else
					add_backtrack(d, i, p);
			}
			for (int k = 0; k < d->nthreads; k++)
				if (ni->vc[k] > vc[k])
					vc[k] = ni->vc[k];
		}
		vc[p] = (uint16_t)(j + 1);
		memcpy(nj->vc, vc, sizeof(vc));
		last[p] = j;
		for (int r = 0; r < nraces; r++)
			add_source(d, races[r], j);
	}
}

/* Deepest state with an untried, affordable choice; -1 when done. */
static int next_branch(struct dpor *d, int n)
{
	for (int k = n - 1; k >= 0; k--) {
		struct node *nd = &d->nodes[k];
		uint32_t cand = nd->backtrack & ~nd->done & ~nd->sleep;
		int t;

		if (!cand)
			continue;
		t = pick(d, k, cand);
		if (t < 0)
			continue;
		nd->chosen = (uint8_t)t;
		return k;
	}
	return -1;
}

void fl_explore_dpor(const struct fl_program *prog, const struct fl_explore_opts *opts,
		     struct fl_explore_result *res, bool por)
{
	struct dpor *d = calloc(1, sizeof(*d));
	double t0 = fl_now();
	int prefix = 0;

	if (d)
		d->nodes = calloc(FL_MAX_STEPS, sizeof(struct node));
	if (!d || !d->nodes) {
		snprintf(res->error, sizeof(res->error), "out of memory for the search stack");
		free(d);
		return;
	}
	d->opts = opts;
	d->por = por;
	d->source = por && opts->preemptions < 0;
	d->nthreads = fl_sim.nthreads;
	res->complete = true;
	for (;;) {
		bool deadlock = false, pruned = false;
		int n = 0, from = prefix ? prefix - 1 : 0;

		if (opts->max_executions && res->executions + res->pruned >= opts->max_executions) {
			res->complete = false;
			snprintf(res->stop_reason, sizeof(res->stop_reason),
				 "stopped at --max-executions %llu", (unsigned long long)opts->max_executions);
			break;
		}
		prog->reset(prog->ctx);
		for (;;) {
			uint32_t en = fl_sim_enabled_mask();
			int t;

			if (!en) {
				deadlock = !fl_sim_all_done();
				break;
			}
			if (n >= FL_MAX_STEPS) {
				snprintf(res->error, sizeof(res->error),
					 "an execution exceeded %d steps (livelock?)", FL_MAX_STEPS);
				goto out;
			}
			if (n < prefix) {
				t = d->nodes[n].chosen;
				if (!(en & (1u << t)) || en != d->nodes[n].enabled)
					fl_model_bug(__func__, "re-execution diverged from the recorded prefix");
			} else {
				new_node(d, n, en);
				t = pick(d, n, en & ~d->nodes[n].sleep);
				if (t < 0) {
					pruned = true;
					break;
				}
				d->nodes[n].chosen = (uint8_t)t;
				d->nodes[n].backtrack |= 1u << t;
			}
			d->nodes[n].done |= 1u << t;
			d->choice[n] = (uint8_t)t;
			d->enabled[n] = en;
			fl_sim_run(t);
			fl_sim_refresh_after(t);
			n++;
		}
		res->steps += (uint64_t)n;
		if (pruned) {
			res->pruned++;
		} else {
			uint32_t found = prog->finish(prog->ctx, deadlock);

			if (deadlock)
				res->deadlocked++;
			fl_record_execution(res, prog, found, d->choice, d->enabled, n, t0);
		}
		if (por)
			analyse(d, from, n);
		prefix = next_branch(d, n) + 1;
		if (prefix == 0)
			break;
	}
out:
	res->seconds = fl_now() - t0;
	free(d->nodes);
	free(d);
}
