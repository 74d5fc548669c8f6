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
 * Sleep sets: unbounded, with source sets (add_source).  Under a bound,
 * only the cost-safe ones of bounded_sleep(), with every initial of a
 * race's reversal added as well (race_initials) and the pending steps of
 * an execution cut short analysed (analyse_pending).  A bound B is
 * searched as bounds 0, 1, ..., B in turn (fl_explore_dpor).
 *
 * Choices prefer the thread that ran last, so each execution preempts as
 * little as it can, and the first counterexample tends to be minimal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/explore_int.h"
#include "sim/log.h"

#ifndef FL_SHARD_SPLIT
#define FL_SHARD_SPLIT	8	/* the split depth of shards (shard_pick) */
#endif

struct node {
	uint32_t enabled, backtrack, done;
	uint32_t sleep;		/* threads whose step here is already covered */
	uint32_t waiting;	/* threads whose pending step has an enabling predicate */
	uint16_t pre;		/* preemptions taken before this state */
	uint8_t chosen;
	uint64_t mask[FL_SIM_MAX_THREADS];	/* fp[q]'s objects, hashed to one bit each */
	struct fl_footprint fp[FL_SIM_MAX_THREADS];
};

struct dpor {
	const struct fl_explore_opts *opts;
	int bound;		/* preemptions allowed in this pass; -1 = unbounded */
	bool por;
	bool source;		/* unbounded: source sets + sleep sets (Abdulla et al., POPL 2014) */
	bool bsleep;		/* bounded: cost-safe sleep sets (see bounded_sleep) */
	bool bound_hit;		/* this pass left a choice out because of the bound */
	int probe;		/* >= 0: an unbounded search that gives up past this many preemptions */
	bool probe_over;	/* ... and it met an execution that needs more */
	/* Sharding (see shard_pick): this shard's number, the count, the split depth. */
	int shard_k, shard_n, split;
	bool sharded;		/* split > 0: shard_n > 1, or workers that claim prefixes */
	int space;		/* claims: 0 for the probe, b + 1 for the pass at bound b */
	uint64_t prefix_seq;	/* split-depth prefixes met so far in this pass */
	bool skip;		/* this execution's prefix belongs to another shard */
	uint64_t skipped;
	int nthreads;
	int prefix;		/* the next execution replays nodes[0..prefix) */
	struct node *nodes;
	uint8_t choice[FL_MAX_STEPS];
	uint32_t enabled[FL_MAX_STEPS];
	/* Per event, packed for the race analysis's scans: its clock and its object mask. */
	uint16_t vc[FL_MAX_STEPS][FL_SIM_MAX_THREADS];
	uint64_t emask[FL_MAX_STEPS];
	uint16_t pos[FL_SIM_MAX_THREADS][FL_MAX_STEPS];	/* each thread's events, in order */
	struct fl_progress_state ps;
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
	if (d->bound < 0)
		return true;
	return d->nodes[n].pre + preempt_cost(d, n, t) <= d->bound;
}

/*
 * Pick from @cand: the previous thread if possible, else the lowest id
 * within the bound.  A candidate left out only because of the bound is
 * noted (bound_hit): a pass that never does so searched exactly what any
 * higher bound would.
 */
static int pick(struct dpor *d, int n, uint32_t cand)
{
	if (n > 0 && (cand & (1u << d->choice[n - 1])))
		return d->choice[n - 1];
	for (int t = 0; t < d->nthreads; t++) {
		if (!(cand & (1u << t)))
			continue;
		if (within_bound(d, n, t))
			return t;
		d->bound_hit = true;
	}
	return -1;
}

/* The probe (fl_explore_dpor): would thread @t at step @n take the execution past its bound? */
static bool probe_exceeds(struct dpor *d, int n, int t)
{
	if (d->probe < 0 || d->nodes[n].pre + preempt_cost(d, n, t) <= d->probe)
		return false;
	d->probe_over = true;
	return true;
}

/* A 64-bit summary of a footprint's objects: disjoint masks mean independent steps. */
static uint64_t fp_mask(const struct fl_footprint *fp)
{
	uint64_t m = 0;

	for (int i = 0; i < fp->n; i++)
		m |= 1ull << ((FL_FPE_OBJ(fp->e[i]) * 0x9e3779b1u) >> 26);
	return m;
}

static bool dependent(const struct node *a, int qa, const struct node *b, int qb)
{
	return (a->mask[qa] & b->mask[qb]) && fl_fp_conflict(&a->fp[qa], &b->fp[qb]);
}

/* sleep(n+1): threads asleep or done at n whose step is independent of the one taken. */
static uint32_t next_sleep(const struct dpor *d, int n)
{
	const struct node *nd = &d->nodes[n];
	uint32_t cand = (nd->sleep | nd->done) & ~(1u << nd->chosen);
	uint32_t out = 0;

	for (int q = 0; q < d->nthreads; q++)
		if ((cand & (1u << q)) && !dependent(nd, q, nd, nd->chosen))
			out |= 1u << q;
	return out;
}

/* A step that only reads and writes data: it takes, releases or tries no lock. */
static bool plain_data(const struct fl_footprint *fp)
{
	for (int i = 0; i < fp->n; i++)
		if (FL_FPE_ACC(fp->e[i]) > FL_ACC_W)
			return false;
	return true;
}

/*
 * Bounded sleep sets: sleep(n+1) from state n, under the preemption bound.
 *
 * A thread q may only fall asleep at the state s where it was the running
 * thread (q = choice[s-1]), already explored from s (q in done(s)), and
 * its pending step is plain data.  It stays asleep while the steps taken
 * are independent of q's step and q's step is independent of every
 * pending step that has an enabling predicate.  Then an execution
 * s.w.q.rest that the sleep set prunes is equivalent to s.q.w.rest, which
 * takes no more preemptions: the switch at s costs 1 in the first (q was
 * running and enabled) and at most 1 in the second; the switch into q
 * after w costs at least what the switch it replaces does; and q's step
 * changes no thread's enabledness along w (it takes no lock, so it changes
 * no spinlock count, and touches no object a predicate reads).  So the
 * pruned execution is within the bound in q's subtree of s, which covered
 * it.  Any other sleeper (a thread that did not run just before s, or a
 * step that takes a lock) could need more preemptions there: not used.
 *
 * The race analysis has to match: reversing a race (i, j) may need a
 * thread other than j's to run at i first (the events between them that
 * j depends on), and with j's thread asleep at i only those initials can
 * reach it, so every initial is added (as source sets do, but all of them
 * rather than one, since under a bound one may be affordable where another
 * is not).  Without this, or with every explored thread allowed to sleep,
 * tests/unit/test_explore.c loses final states.
 */
static uint32_t bounded_sleep(const struct dpor *d, int n)
{
	const struct node *nd = &d->nodes[n];
	const struct node *nx = &d->nodes[n + 1];
	uint32_t cand = nd->sleep & ~(1u << nd->chosen);
	uint32_t out = 0;

	if (n > 0) {
		int r = d->choice[n - 1];

		if (r != nd->chosen && (nd->done & (1u << r)) && plain_data(&nd->fp[r]))
			cand |= 1u << r;
	}
	for (int q = 0; q < d->nthreads; q++) {
		bool keep;

		if (!(cand & (1u << q)) || dependent(nd, q, nd, nd->chosen))
			continue;
		keep = true;
		for (int x = 0; x < d->nthreads && keep; x++)
			if (x != q && (nx->waiting & (1u << x)) && dependent(nd, q, nx, x))
				keep = false;
		if (keep)
			out |= 1u << q;
	}
	return out;
}

static void new_node(struct dpor *d, int n, uint32_t en)
{
	struct node *nd = &d->nodes[n];

	nd->enabled = en;
	nd->backtrack = d->por && n >= d->split ? 0 : en;
	nd->done = 0;
	nd->pre = (uint16_t)(n ? d->nodes[n - 1].pre + preempt_cost(d, n - 1, d->choice[n - 1]) : 0);
	nd->waiting = 0;
	for (int q = 0; q < d->nthreads; q++) {
		const struct fl_footprint *src = &fl_sim.t[q].fp;

		nd->fp[q].n = src->n;
		memcpy(nd->fp[q].e, src->e, sizeof(src->e[0]) * src->n);
		nd->mask[q] = fp_mask(src);
		if (fl_sim.t[q].can_run)
			nd->waiting |= 1u << q;
	}
	if (d->source && n)
		nd->sleep = next_sleep(d, n - 1);
	else if (d->bsleep && n)
		nd->sleep = bounded_sleep(d, n - 1);
	else
		nd->sleep = 0;
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
		if (d->bound >= 0) {
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

	return d->vc[b][q] >= d->vc[a][q];
}

/*
 * Source-set insertion for the race (i, j): v is the events after i that
 * do not happen after it, then j.  Its initials are the threads whose
 * first event in v has no happens-before predecessor in v; reversing the
 * race needs one of them to run at i.  If none is in backtrack(i) yet,
 * add one (the racing thread if it is an initial).
 */
static uint32_t race_initials(const struct dpor *d, int i, int j)
{
	uint32_t initials = 0, seen = 0;
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
	return initials;
}

static void add_source(struct dpor *d, int i, int j)
{
	uint32_t initials = race_initials(d, i, j);
	struct node *nd = &d->nodes[i];
	int p = d->choice[j], pick_t = -1;

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

/*
 * An execution cut short at state n (every enabled thread asleep, or every
 * choice over the bound) never runs the pending steps there, so their
 * races were never looked at.  Flanagan and Godefroid check next(s, p) for
 * every thread p at every state; here, each pending step at n is matched
 * with every earlier event of another thread that it depends on and that
 * is not ordered before p's previous event.
 */
static void analyse_pending(struct dpor *d, const int *last, int n)
{
	const struct node *nn = &d->nodes[n];

	for (int p = 0; p < d->nthreads; p++) {
		const uint16_t *vp = last[p] >= 0 ? d->vc[last[p]] : NULL;

		if (!nn->fp[p].n)
			continue;
		for (int i = n - 1; i >= 0; i--) {
			int q = d->choice[i];

			if (q == p || (vp && d->vc[i][q] <= vp[q]) || !(d->emask[i] & nn->mask[p]) ||
			    !fl_fp_conflict(&d->nodes[i].fp[q], &nn->fp[p]))
				continue;
			add_backtrack(d, i, p);
		}
	}
}

/* Race analysis for events from @from on (earlier ones were analysed before). */
static void analyse(struct dpor *d, int from, int n, bool cut)
{
	int last[FL_SIM_MAX_THREADS], cnt[FL_SIM_MAX_THREADS] = { 0 };
	int races[FL_MAX_STEPS];
	uint64_t tmask[FL_SIM_MAX_THREADS] = { 0 };	/* objects each thread's events touched so far */

	for (int q = 0; q < d->nthreads; q++)
		last[q] = -1;
	for (int j = 0; j < n; j++) {
		int p = d->choice[j], nraces = 0;
		const struct node *nj = &d->nodes[j];
		uint16_t vc[FL_SIM_MAX_THREADS];
		int ptr[FL_SIM_MAX_THREADS];

		uint32_t cand = 0;

		if (j < from) {
			last[p] = j;
			d->pos[p][cnt[p]++] = (uint16_t)j;
			tmask[p] |= d->emask[j];
			continue;
		}
		if (last[p] >= 0)
			memcpy(vc, d->vc[last[p]], sizeof(vc));
		else
			memset(vc, 0, sizeof(vc));
		/* Only threads with an event that may touch one of j's objects can race with it. */
		for (int k = 0; k < d->nthreads; k++)
			if (k != p && (tmask[k] & d->emask[j]))
				cand |= 1u << k;
		/*
		 * Every earlier dependent event i of another thread that is not
		 * already ordered before j through p's own history or through a
		 * later dependent event is a race whose reversal must be tried.
		 * (Taking only the last one, as the original algorithm does while
		 * it walks states, misses races in this after-the-fact analysis.)
		 * The events are visited latest first, merging the clocks of the
		 * dependent ones; an event already ordered before j is not a race
		 * and its clock adds nothing, so only each thread's events after
		 * its entry in vc are visited (a merge of the threads' lists).
		 */
		for (int q = 0; q < d->nthreads; q++)
			ptr[q] = cnt[q] - 1;
		while (cand) {
			int i = -1, q = -1;

			for (int k = 0; k < d->nthreads; k++) {
				if (!(cand & (1u << k)) || ptr[k] < 0)
					continue;
				int e = d->pos[k][ptr[k]];

				if (e >= vc[k] && e > i) {
					i = e;
					q = k;
				}
			}
			if (i < 0)
				break;
			ptr[q]--;
			if (!(d->emask[i] & d->emask[j]) || !fl_fp_conflict(&d->nodes[i].fp[q], &nj->fp[p]))
				continue;
			if (d->source || d->bsleep)
				races[nraces++] = i;	/* after j's clock is known */
			if (!d->source)
				add_backtrack(d, i, p);
			for (int k = 0; k < d->nthreads; k++)
				if (d->vc[i][k] > vc[k])
					vc[k] = d->vc[i][k];
		}
		vc[p] = (uint16_t)(j + 1);
		memcpy(d->vc[j], vc, sizeof(vc));
		last[p] = j;
		d->pos[p][cnt[p]++] = (uint16_t)j;
		tmask[p] |= d->emask[j];
		for (int r = 0; r < nraces; r++) {
			uint32_t ini;

			if (d->source) {
				add_source(d, races[r], j);
				continue;
			}
			/* Bounded with sleep sets: every initial of the reversal (see bounded_sleep). */
			ini = race_initials(d, races[r], j);
			for (int q = 0; q < d->nthreads; q++)
				if (ini & (1u << q))
					add_backtrack(d, races[r], q);
		}
	}
	if (cut)
		analyse_pending(d, last, n);
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
		if (probe_exceeds(d, k, t))
			return -1;
		nd->chosen = (uint8_t)t;
		return k;
	}
	return -1;
}

/* The run loop's view of DPOR (execute.c). */
static int dpor_prefix(void *s)
{
	return ((struct dpor *)s)->prefix;
}

static int dpor_replay(void *s, int n, uint32_t *en)
{
	struct dpor *d = s;

	*en = d->nodes[n].enabled;
	return d->nodes[n].chosen;
}

/*
 * Sharding.  Shard k of n explores the same tree as every other shard down
 * to the split depth, where every enabled thread is a backtrack point (as
 * in DFS), and below it only the subtrees of the split-depth prefixes it
 * owns: the i-th prefix met (in the search's deterministic order) belongs
 * to shard i mod n, and so does an execution that ends above the split.
 * With every choice above the split explored, the subtrees are
 * independent: a race found in one adds backtrack points only inside it or
 * above the split, where there is nothing left to add, and a sleep set
 * below the split only names threads whose subtrees some shard explores
 * whole.  So the union of the shards is the search with a DFS top, a
 * superset of the plain one, and each shard's passes, probe and early stop
 * are sound on their own (docs/explorer.md, "Shards and jobs").
 */
static bool shard_owns(struct dpor *d)
{
	const struct fl_explore_opts *o = d->opts;
	uint64_t i = d->prefix_seq++, bit;

	if (d->shard_n > 1 && i % (uint64_t)d->shard_n != (uint64_t)d->shard_k)
		return false;
	if (!o->claims)
		return true;
	/*
	 * -j: the first worker to meet a prefix in this pass takes it (parallel.c).
	 * Past the table every worker explores it: redundant, never lost.
	 */
	if (i / 64 >= o->claim_words)
		return true;
	bit = 1ull << (i % 64);
	return !(__atomic_fetch_or(&o->claims[(uint64_t)d->space * o->claim_words + i / 64], bit,
				   __ATOMIC_RELAXED) & bit);
}

static bool dpor_keep(void *s, int n)
{
	struct dpor *d = s;

	if (!d->sharded || n >= d->split)
		return true;
	if (shard_owns(d))
		return true;
	d->skip = true;
	return false;
}

static int dpor_pick(void *s, int n, uint32_t en, struct fl_explore_result *res)
{
	struct dpor *d = s;
	int t;

	(void)res;
	new_node(d, n, en);
	if (d->sharded && n == d->split && !shard_owns(d)) {
		d->skip = true;
		return FL_PICK_PRUNE;
	}
	t = pick(d, n, en & ~d->nodes[n].sleep);
	if (t < 0 || probe_exceeds(d, n, t))
		return FL_PICK_PRUNE;
	d->nodes[n].chosen = (uint8_t)t;
	d->nodes[n].backtrack |= 1u << t;
	return t;
}

static void dpor_taken(void *s, int n, int t)
{
	struct dpor *d = s;

	d->nodes[n].done |= 1u << t;
	d->emask[n] = d->nodes[n].mask[t];
}

static const struct fl_scheduler dpor_scheduler = {
	.prefix = dpor_prefix, .replay = dpor_replay, .pick = dpor_pick, .taken = dpor_taken, .keep = dpor_keep,
};

/*
 * One search at preemption bound d->bound.  Returns false when it stopped
 * early (max executions, or an error in res->error).
 */
static bool search(struct dpor *d, const struct fl_program *prog, struct fl_explore_result *res, double t0)
{
	const struct fl_explore_opts *opts = d->opts;

	d->prefix = 0;
	for (;;) {
		int n = 0, from = d->prefix ? d->prefix - 1 : 0;
		enum fl_exec_end end;

		if (opts->max_executions && res->executions + res->pruned >= opts->max_executions) {
			res->complete = false;
			snprintf(res->stop_reason, sizeof(res->stop_reason),
				 "stopped at --max-executions %llu", (unsigned long long)opts->max_executions);
			return false;
		}
		end = fl_execute(prog, &dpor_scheduler, d, d->choice, d->enabled, res, t0, &n);
		if (end == FL_EXEC_STOP)
			return false;
		if (d->probe_over)
			return false;
		fl_progress_tick(&d->ps, opts, res);
		if (d->skip) {
			/* Another shard's: neither counted as pruned nor analysed. */
			d->skip = false;
			d->skipped++;
			res->pruned--;
		} else if (d->por) {
			analyse(d, from, n, d->bsleep && end == FL_EXEC_PRUNED);
		}
		d->prefix = next_branch(d, n) + 1;
		if (d->probe_over)
			return false;
		if (d->prefix == 0)
			return true;
	}
}

/*
 * DPOR under a bound B deepens iteratively: complete searches at bounds
 * 0, 1, ..., B (CHESS's iterative context bounding).  Each search is a
 * subset of the next, so the union is exactly what bound B finds, and
 * the first counterexample of each property takes the fewest preemptions
 * any explored execution needs; the lower bounds cost a few percent more
 * executions.  Plain DFS (the cross-check) searches at B only.
 *
 * Two things keep a large bound from searching the same space again and
 * again (docs/explorer.md, "Bounds that do not bind"):
 *  - A pass that never left a choice out because of its bound (bound_hit)
 *    searched exactly what every higher bound would: the passes stop.
 *  - Before the passes, when B > 0, the unbounded search (source sets) is
 *    run as a probe that gives up at the first execution that would take
 *    more than B preemptions.  If it finishes, every Mazurkiewicz class of
 *    the program has an explored member within the bound, so the bound
 *    does not bind: its violated properties and final states are those of
 *    the unbounded search, which is its result (in as many executions as
 *    `--preemptions none`).  If it gives up, what it explored so far was
 *    within the bound and stays counted; the passes then run as usual.
 *    With a bound below the length of the first execution it gives up
 *    within a few executions.
 */
static bool pass(struct dpor *d, const struct fl_program *prog, struct fl_explore_result *res, double t0,
		 int bound)
{
	uint64_t start = res->executions + res->pruned;
	bool ok;

	d->bound = bound;
	d->source = d->por && bound < 0;
	d->bsleep = d->por && bound >= 0;
	d->bound_hit = false;
	d->prefix_seq = 0;
	d->space = d->probe >= 0 ? 0 : bound + 1;
	d->ps.p.bound = d->probe >= 0 ? -1 : bound;
	d->ps.p.pass_start = start;
	ok = search(d, prog, res, t0);
	/* What each pass cost: the status line extrapolates the next one from these. */
	d->ps.p.prev_pass[1] = d->ps.p.prev_pass[0];
	d->ps.p.prev_pass[0] = res->executions + res->pruned - start;
	return ok;
}

void fl_explore_dpor(const struct fl_program *prog, const struct fl_explore_opts *opts,
		     struct fl_explore_result *res, bool por)
{
	struct dpor *d = calloc(1, sizeof(*d));
	double t0 = fl_now();
	int b0, B = opts->preemptions;

	if (d)
		d->nodes = calloc(FL_MAX_STEPS, sizeof(struct node));
	if (!d || !d->nodes) {
		snprintf(res->error, sizeof(res->error), "out of memory for the search stack");
		free(d);
		return;
	}
	d->opts = opts;
	d->por = por;
	d->nthreads = fl_sim.nthreads;
	d->probe = -1;
	if (opts->shard_n > 1 || opts->claims) {
		d->shard_k = opts->shard_k;
		d->shard_n = opts->shard_n;
		d->sharded = true;
		d->split = FL_SHARD_SPLIT;
	}
	res->complete = true;
	d->ps.t0 = t0;
	d->ps.p.max_bound = B;
	/*
	 * Not when sharded: a shard's sleep sets lean on the other shards'
	 * subtrees, so every shard must search at the same bounds; a probe that
	 * finishes in one shard and gives up in another would break that.
	 */
	if (por && B > 0 && !d->sharded) {
		d->probe = B;
		if (pass(d, prog, res, t0, -1) || !d->probe_over)
			goto out;	/* the bound does not bind, or a stop (res says why) */
		d->probe = -1;
		d->probe_over = false;
	}
	b0 = por && B > 0 ? 0 : B;
	for (int b = b0; b <= B || b == b0; b++)
		if (!pass(d, prog, res, t0, b) || !d->bound_hit)
			break;
out:
	res->seconds = fl_now() - t0;
	free(d->nodes);
	free(d);
}
