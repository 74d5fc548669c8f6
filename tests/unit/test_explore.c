/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_explore.c - the explorer (explore/).
 *
 *  - Schedule strings: encode/decode round-trip, fixed and random
 *    (property style), and decode errors on malformed strings.
 *  - Soundness of the partial-order reduction: for every .litmus file under
 *    litmus/ and each of its expect lines, DPOR and plain bounded DFS at
 *    preemption bounds 0, 1 and 2 (and 3 where DFS stays under 4,000
 *    executions) must find the same set of violated
 *    properties and the same set of distinct final states.  Final states
 *    are hashed by a wrapper around the interpreter's program, just before
 *    the real finish() runs.
 *  - The same comparison on small random programs written directly
 *    against sim/.
 *  - Three regression tests for DPOR bugs these tests found (all fixed in
 *    explore/dpor.c): lock-acquisition order missed (synthetic and on the
 *    kernel model), and unbounded DPOR with sleep sets losing a final state
 *    on a lock-free program.
 *
 * Run from the repository root (litmus/ is found relative to it).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "explore/explore.h"
#include "hw/hw.h"
#include "conform/randgen.h"
#include "litmus/ast.h"
#include "litmus/corpus.h"
#include "litmus/interp.h"
#include "mm/mm.h"
#include "policy/policy.h"

/* ====================================================================== */
/* Schedule strings. */

static int decode(const char *s, uint8_t *choice, int max, char *err, int errlen)
{
	err[0] = '\0';
	return fl_schedule_decode(s, choice, max, err, errlen);
}

static void test_schedule_examples(void **state)
{
	static uint8_t c[FL_MAX_STEPS];
	char buf[FL_SCHED_STR], err[128];
	const uint8_t want[] = { 0, 0, 0, 1, 2, 2, 2, 2 };

	(void)state;
	/* The example of explore.h. */
	assert_int_equal(decode("v1/0:3.1.2:4", c, FL_MAX_STEPS, err, sizeof(err)), 8);
	assert_memory_equal(c, want, sizeof(want));
	fl_schedule_encode(want, 8, buf, sizeof(buf));
	assert_string_equal(buf, "v1/0:3.1.2:4");

	/* Single steps, thread ids up to 255. */
	assert_int_equal(decode("v1/5", c, FL_MAX_STEPS, err, sizeof(err)), 1);
	assert_int_equal(c[0], 5);
	assert_int_equal(decode("v1/255.0", c, FL_MAX_STEPS, err, sizeof(err)), 2);
	assert_int_equal(c[0], 255);
	assert_int_equal(c[1], 0);

	/* Non-canonical but valid input: "0.0" is two steps of thread 0, encoded "0:2". */
	assert_int_equal(decode("v1/0.0.1:1", c, FL_MAX_STEPS, err, sizeof(err)), 3);
	fl_schedule_encode(c, 3, buf, sizeof(buf));
	assert_string_equal(buf, "v1/0:2.1");

	/* A run of FL_MAX_STEPS steps. */
	assert_int_equal(decode("v1/3:4000", c, FL_MAX_STEPS, err, sizeof(err)), FL_MAX_STEPS);
	for (int i = 0; i < FL_MAX_STEPS; i++)
		assert_int_equal(c[i], 3);
	fl_schedule_encode(c, FL_MAX_STEPS, buf, sizeof(buf));
	assert_string_equal(buf, "v1/3:4000");

	/*
	 * The empty schedule.  It is what encode() gives for an execution of
	 * zero steps (a scenario whose threads never run, or that has none),
	 * and replay must accept it back, so "v1/" decodes to 0 steps rather
	 * than being an error.
	 */
	fl_schedule_encode(c, 0, buf, sizeof(buf));
	assert_string_equal(buf, "v1/");
	assert_int_equal(decode("v1/", c, FL_MAX_STEPS, err, sizeof(err)), 0);
}

static void expect_decode_error(const char *s, int max)
{
	static uint8_t c[FL_MAX_STEPS];
	char err[128];
	int n = decode(s, c, max, err, sizeof(err));

	if (n != -1)
		fail_msg("schedule \"%s\" decoded to %d steps; expected an error", s, n);
	if (!err[0])
		fail_msg("schedule \"%s\": error without a message", s);
}

static void test_schedule_decode_errors(void **state)
{
	char err[128];
	static uint8_t c[16];

	(void)state;
	expect_decode_error("v1/x", FL_MAX_STEPS);
	expect_decode_error("v1/0:", FL_MAX_STEPS);
	expect_decode_error("v1/0:0", FL_MAX_STEPS);
	expect_decode_error("v1/1..2", FL_MAX_STEPS);
	expect_decode_error("v1/300", FL_MAX_STEPS);
	expect_decode_error("v1/256", FL_MAX_STEPS);
	expect_decode_error("v1/-1", FL_MAX_STEPS);
	expect_decode_error("v1/1.", FL_MAX_STEPS);
	expect_decode_error("v1/.1", FL_MAX_STEPS);
	expect_decode_error("v1/1:2:3", FL_MAX_STEPS);
	expect_decode_error("v1/1;2", FL_MAX_STEPS);
	expect_decode_error("v1/0:x", FL_MAX_STEPS);
	expect_decode_error("v1/0:4001", FL_MAX_STEPS);	/* a run longer than any execution */
	expect_decode_error("v1/0:-2", FL_MAX_STEPS);
	expect_decode_error("v1/99999999999999999999", FL_MAX_STEPS);
	expect_decode_error("v1/1:99999999999999999999", FL_MAX_STEPS);
	/* Longer than the caller's buffer. */
	expect_decode_error("v1/0:17", 16);
	expect_decode_error("v1/0:8.1:8.2", 16);
	assert_int_equal(decode("v1/0:8.1:8", c, 16, err, sizeof(err)), 16);

	/* The message points at the offending offset. */
	assert_int_equal(decode("v1/0.1..2", c, 16, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "offset 7"));
	assert_int_equal(decode("v1/0:2x", c, 16, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'x'"));

	/* A handle without this version is refused by name, not replayed as something else. */
	assert_int_equal(decode("0:3.1", c, 16, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "without a version"));
	assert_int_equal(decode("v0/0:3.1", c, 16, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "format v0"));
	assert_int_equal(decode("", c, 16, err, sizeof(err)), -1);
}

static uint64_t rng = 0x853c49e6748fea9bull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Property: decode(encode(s)) == s, and encode's output is canonical. */
static void test_schedule_roundtrip_random(void **state)
{
	static uint8_t in[FL_MAX_STEPS], out[FL_MAX_STEPS];
	static char buf[FL_SCHED_STR], buf2[FL_SCHED_STR];
	char err[128];

	(void)state;
	for (int iter = 0; iter < 4000; iter++) {
		int n = (int)(rnd() % 300), threads;
		int m;

		if (iter % 100 == 0)
			n = (int)(rnd() % 1500);	/* a few long ones */
		threads = iter % 5 == 0 ? 256 : 1 + (int)(rnd() % 8);
		for (int i = 0; i < n;) {
			uint8_t t = (uint8_t)(rnd() % (uint64_t)threads);
			int run = 1 + (int)(rnd() % (rnd() % 2 ? 3 : 40));

			for (int k = 0; k < run && i < n; k++)
				in[i++] = t;
		}
		fl_schedule_encode(in, n, buf, sizeof(buf));
		assert_true(strlen(buf) < sizeof(buf) - 1);	/* never truncated here */
		m = decode(buf, out, FL_MAX_STEPS, err, sizeof(err));
		if (m != n)
			fail_msg("\"%s\": decoded %d steps, encoded %d (%s)", buf, m, n, err);
		assert_memory_equal(in, out, (size_t)n);
		/* Canonical: re-encoding gives the same string. */
		fl_schedule_encode(out, m, buf2, sizeof(buf2));
		assert_string_equal(buf, buf2);
		/* Canonical: no ":1", no two neighbouring runs of one thread. */
		assert_null(strstr(buf, ":1."));
		{
			size_t L = strlen(buf);

			if (L >= 2)
				assert_false(buf[L - 2] == ':' && buf[L - 1] == '1');
		}
		{
			/* Count runs: the string has exactly one '.' between runs. */
			int runs = 0, dots = 0;

			for (int i = 0; i < n; i++)
				if (i == 0 || in[i] != in[i - 1])
					runs++;
			for (const char *p = buf; *p; p++)
				dots += *p == '.';
			assert_int_equal(dots, runs ? runs - 1 : 0);
		}
	}
}

/* ====================================================================== */
/* DPOR against DFS over the litmus corpus. */

/* A set of 64-bit state hashes: collect, then sort and deduplicate. */
struct hset {
	uint64_t *v;
	size_t n, cap;
};

static void hset_add(struct hset *s, uint64_t h)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		assert_non_null(s->v);
	}
	s->v[s->n++] = h;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void hset_finish(struct hset *s)
{
	size_t o = 0;

	if (!s->n)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
	for (size_t i = 1; i < s->n; i++)
		if (s->v[i] != s->v[o])
			s->v[++o] = s->v[i];
	s->n = o + 1;
}

static void hset_clear(struct hset *s)
{
	s->n = 0;
}

struct fnv {
	uint64_t h;
};

static void fnv_add(struct fnv *f, const void *p, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++) {
		f->h ^= b[i];
		f->h *= 0x100000001b3ull;
	}
}

static void fnv_u64(struct fnv *f, uint64_t v)
{
	fnv_add(f, &v, sizeof(v));
}

static bool vma_covers(int mm, int vpn)
{
	for (int i = 0; i < FL_MAX_VMAS; i++) {
		const struct fl_vma *v = &fl_mm.mm[mm].vma[i];

		if (v->used && vpn >= v->start && vpn < v->end)
			return true;
	}
	return false;
}

struct wrap {
	struct fl_program real;
	struct hset states;
	int nthreads;
};

/*
 * The observable final state, without pfn numbers (allocation order may
 * legitimately differ): for every live mm, each mapped vpn with its
 * PTE-present bit and frame contents (or a swapped-out page's data); the
 * violations found so far; and the final register values of every thread.
 */
static uint64_t final_state_hash(const struct wrap *w, bool deadlock)
{
	struct fnv f = { 0xcbf29ce484222325ull };

	fnv_u64(&f, deadlock);
	fnv_u64(&f, fl_chk.found);
	for (int m = 0; m < FL_MAX_MM; m++) {
		fnv_u64(&f, 0x1000u + (unsigned)m * 2u + (fl_mm.mm[m].live ? 1u : 0u));
		if (!fl_mm.mm[m].live)
			continue;
		for (int vpn = 0; vpn < FL_VPNS; vpn++) {
			pte_t p = fl_hw.pgtable[m][vpn];

			if (!vma_covers(m, vpn))
				continue;
			fnv_u64(&f, (uint64_t)vpn << 1 | (pte_present(p) ? 1 : 0));
			if (pte_present(p))
				fnv_add(&f, fl_hw.frame[pte_pfn(p)].w, sizeof(fl_hw.frame[0].w));
			else if (is_swap_pte(p)) {
				/* Swapped out: the data, from the swap cache page or the slot (not their numbers). */
				const struct fl_swap_slot *s = &fl_mm.swap[pte_to_swp_entry(p)];

				fnv_u64(&f, 0x5a4bull);
				fnv_add(&f, s->cache ? fl_hw.frame[s->cache - 1].w : s->w, sizeof(s->w));
			}
		}
	}
	for (int t = 0; t < w->nthreads; t++) {
		for (int r = 0; r < FL_LIT_MAX_REGS; r++) {
			bool set;
			uint64_t v = fl_interp_reg(t, r, &set);

			fnv_u64(&f, set ? v : 0x5eedull);
			fnv_u64(&f, set);
		}
	}
	return f.h;
}

static void wrap_reset(void *ctx)
{
	struct wrap *w = ctx;

	w->real.reset(w->real.ctx);
}

static uint32_t wrap_finish(void *ctx, bool deadlock)
{
	struct wrap *w = ctx;

	hset_add(&w->states, final_state_hash(w, deadlock));
	return w->real.finish(w->real.ctx, deadlock);
}

#define DFS_CAP 20000
#define DFS_CAP3 4000

struct run {
	uint32_t found;
	bool complete;
	uint64_t executions;
	struct hset states;
};

static void explore_one(struct wrap *w, enum fl_strategy strat, int bound, uint64_t cap, struct run *out)
{
	static struct fl_explore_result res;
	struct fl_explore_opts eo = { .strategy = strat, .preemptions = bound, .max_executions = cap };
	struct fl_program prog = { .reset = wrap_reset, .finish = wrap_finish, .ctx = w, .nprops = w->real.nprops };

	hset_clear(&w->states);
	fl_explore(&prog, &eo, &res);
	if (res.error[0])
		fail_msg("exploration error: %s", res.error);
	out->found = res.found;
	out->complete = res.complete;
	out->executions = res.executions;
	/* Every finished execution was hashed exactly once. */
	assert_int_equal(w->states.n, res.executions);
	hset_finish(&w->states);
	out->states.n = w->states.n;
	out->states.v = realloc(out->states.v, (w->states.n ? w->states.n : 1) * sizeof(uint64_t));
	assert_non_null(out->states.v);
	memcpy(out->states.v, w->states.v, w->states.n * sizeof(uint64_t));
}

static void props_str(uint32_t p, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	if (!p) {
		snprintf(buf, len, "ok");
		return;
	}
	for (int i = 0; i < FL_PROP__COUNT && o < len; i++)
		if (p & (1u << i))
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? " " : "", fl_prop_name((enum fl_prop)i));
}

static struct wrap cmp_w;
static struct run cmp_dp, cmp_df;

/*
 * DPOR against plain DFS on one scenario under @pol, at bounds 0..@maxbound:
 * the same properties and the same final states, wherever DFS finishes.
 */
static void compare_scenario(const char *name, int line, const char *kernel, const struct fl_scenario *sc,
			     const struct fl_policy *pol, int maxbound, int *compared, int *skipped)
{
	char err[512];

	if (fl_interp_prepare(sc, pol, err, sizeof(err)))
		fail_msg("%s", err);
	cmp_w.real = fl_interp_program();
	cmp_w.nthreads = sc->nthreads;
	for (int bound = 0; bound <= maxbound; bound++) {
		char a[128], b[128];
		/* Bound 3 (sleep sets under the bound) where plain DFS stays small. */
		int cap = bound < 3 ? DFS_CAP : DFS_CAP3;

		explore_one(&cmp_w, FL_STRAT_DFS, bound, cap, &cmp_df);
		if (!cmp_df.complete) {
			if (bound < 3)
				print_message("note: %s (%s line %d) bound %d: DFS stopped at %d executions, "
					      "comparison skipped\n", name, kernel, line, bound, cap);
			(*skipped)++;
			continue;
		}
		explore_one(&cmp_w, FL_STRAT_DPOR, bound, 0, &cmp_dp);
		assert_true(cmp_dp.complete);
		(*compared)++;
		/*
		 * DPOR deepens the bound iteratively (0, 1, ..., bound); each
		 * pass explores a subset of DFS's executions at its bound.
		 */
		assert_true(cmp_dp.executions <= cmp_df.executions * (uint64_t)(bound + 1));
		if (cmp_dp.found != cmp_df.found) {
			props_str(cmp_dp.found, a, sizeof(a));
			props_str(cmp_df.found, b, sizeof(b));
			fail_msg("%s (expect line %d, %s) bound %d: DPOR found {%s}, DFS found {%s}",
				 name, line, kernel, bound, a, b);
		}
		if (cmp_dp.states.n != cmp_df.states.n ||
		    memcmp(cmp_dp.states.v, cmp_df.states.v, cmp_dp.states.n * sizeof(uint64_t)))
			fail_msg("%s (expect line %d, %s) bound %d: DPOR reached %zu distinct final "
				 "states, DFS %zu (or different ones)", name, line, kernel, bound,
				 cmp_dp.states.n, cmp_df.states.n);
	}
}

static void compare_free(void)
{
	free(cmp_w.states.v);
	free(cmp_dp.states.v);
	free(cmp_df.states.v);
	cmp_w.states = (struct hset){ 0 };
	cmp_dp.states = (struct hset){ 0 };
	cmp_df.states = (struct hset){ 0 };
}

static void test_dpor_matches_dfs(void **state)
{
	static struct fl_scenario sc;
	static char *files[FL_LITMUS_MAX_FILES];
	char err[512];
	int nfiles = 0, compared = 0, skipped = 0, vma_compared = 0;

	(void)state;
	/* Run from the repository root, where litmus/ is. */
	assert_int_equal(fl_litmus_collect("litmus", files, &nfiles), 0);
	assert_true(nfiles > 0);

	for (int fi = 0; fi < nfiles; fi++) {
		if (fl_parse_file(files[fi], &sc, err, sizeof(err)))
			fail_msg("%s", err);
		for (int e = 0; e < sc.nexpect; e++) {
			const struct fl_lit_expect *ex = &sc.expect[e];
			struct fl_policy pol = fl_preset_at(ex->preset)->pol;

			for (int i = 0; i < ex->nsets; i++)
				pol.v[ex->sets[i].sw] = (uint8_t)ex->sets[i].value;
			{
				int before = compared;

				compare_scenario(files[fi], ex->loc.line, ex->kernel, &sc, &pol, 3, &compared,
						 &skipped);
				/* Per-VMA locks and RCU (seed 004): their steps and footprints are compared too. */
				if (strstr(files[fi], "seed004/"))
					vma_compared += compared - before;
			}
		}
	}
	print_message("DPOR vs DFS: %d configurations compared, %d skipped, over %d files\n",
		      compared, skipped, nfiles);
	assert_true(compared > 0);
	print_message("DPOR vs DFS: %d of them per-VMA lock scenarios (litmus/seed004)\n", vma_compared);
	assert_true(vma_compared > 0);
	for (int i = 0; i < nfiles; i++)
		free(files[i]);
	compare_free();
}

/*
 * The same on random concurrent programs (conform/randgen.c, the files
 * `faultline gen conc` explores) under every preset: a footprint that
 * misses a dependency shows up here as a final state, or a violation, that
 * only DFS reaches (stop 17's new-7 was one, found by `gen conc`).
 */
static void test_dpor_matches_dfs_random(void **state)
{
	static struct fl_scenario sc;
	static char text[8192];
	char err[512], name[64];
	int compared = 0, skipped = 0, n = 40;

	(void)state;
	for (int i = 0; i < n; i++) {
		assert_int_equal(fl_gen_conc(17, (uint64_t)i, text, sizeof(text)), 0);
		snprintf(name, sizeof(name), "gen conc --seed 17 --index %d", i);
		if (fl_parse_string(name, text, &sc, err, sizeof(err)))
			fail_msg("%s\n%s", err, text);
		/* Three presets: before and after the pin/COW and uffd-wp fixes. */
		for (int k = 0; k < 3; k++) {
			const char *kernel = k == 0 ? "v5.8" : k == 1 ? "v5.10" : "latest";
			struct fl_policy pol = fl_preset_at(fl_preset_find(kernel))->pol;

			compare_scenario(name, 0, kernel, &sc, &pol, 2, &compared, &skipped);
		}
	}
	print_message("DPOR vs DFS on %d random programs: %d configurations compared, %d skipped\n", n,
		      compared, skipped);
	assert_true(compared > n);
	compare_free();
}

/* ====================================================================== */
/*
 * The same comparison on small programs written directly against sim/ (no
 * kernel model): each thread reads and writes a few shared variables,
 * announcing every access; a write stores a value derived from everything
 * the thread read so far, so the final variables and each thread's digest
 * tell interleavings apart.  An op may take a test-local lock before it
 * and/or release it after it (fl_sim_wait / fl_sim_yield on the lock).
 */
#define SY_MAXT		4
#define SY_MAXOPS	4
#define SY_NVARS	3
#define SY_LOCK		1	/* take the lock before the op */
#define SY_UNLOCK	2	/* release it after the op */

struct syop {
	uint8_t var;
	uint8_t write;
	uint8_t lock;
};

static struct {
	int nthreads;
	int nops[SY_MAXT];
	struct syop op[SY_MAXT][SY_MAXOPS];
} syp;

static uint64_t syvar[SY_NVARS], sydigest[SY_MAXT];
static int sylock;	/* tid + 1 */
static struct hset systates;

static bool sy_lock_free(const void *arg)
{
	return *(const int *)arg == 0;
}

static void sy_body(int tid)
{
	uint64_t acc = (uint64_t)tid + 1;

	for (int k = 0; k < syp.nops[tid]; k++) {
		const struct syop *o = &syp.op[tid][k];

		if (o->lock & SY_LOCK) {
			fl_sim_wait(900, FL_ACC_ACQ, sy_lock_free, &sylock, false, "lock");
			sylock = tid + 1;
		}
		fl_sim_yield(1000 + o->var, o->write ? FL_ACC_W : FL_ACC_R, "op");
		if (o->write)
			syvar[o->var] = acc * 31 + (uint64_t)k;
		else
			acc = acc * 131 + syvar[o->var];
		if (o->lock & SY_UNLOCK) {
			fl_sim_yield(900, FL_ACC_REL, "unlock");
			sylock = 0;
		}
	}
	sydigest[tid] = acc;
}

static void sy_reset(void *ctx)
{
	(void)ctx;
	memset(syvar, 0, sizeof(syvar));
	memset(sydigest, 0, sizeof(sydigest));
	sylock = 0;
	fl_sim_begin();
}

static uint32_t sy_finish(void *ctx, bool deadlock)
{
	struct fnv f = { 0xcbf29ce484222325ull };

	(void)ctx;
	fnv_u64(&f, deadlock);
	fnv_add(&f, syvar, sizeof(syvar));
	fnv_add(&f, sydigest, sizeof(sydigest));
	hset_add(&systates, f.h);
	/* A "property" that depends on the interleaving: variable 0 ends odd. */
	return (uint32_t)(syvar[0] & 1) | (deadlock ? 2u : 0u);
}

static uint32_t sy_explore(enum fl_strategy strat, int bound, struct hset *out)
{
	static struct fl_explore_result res;
	struct fl_explore_opts eo = { .strategy = strat, .preemptions = bound };
	struct fl_program prog = { .reset = sy_reset, .finish = sy_finish, .nprops = 2 };

	hset_clear(&systates);
	fl_explore(&prog, &eo, &res);
	assert_int_equal(res.error[0], '\0');
	assert_true(res.complete);
	assert_int_equal(systates.n, res.executions);
	hset_finish(&systates);
	out->n = systates.n;
	out->v = realloc(out->v, (systates.n ? systates.n : 1) * sizeof(uint64_t));
	assert_non_null(out->v);
	memcpy(out->v, systates.v, systates.n * sizeof(uint64_t));
	return res.found;
}

static void sy_print(void)
{
	for (int t = 0; t < syp.nthreads; t++) {
		print_message("  T%d:", t);
		for (int k = 0; k < syp.nops[t]; k++) {
			const struct syop *o = &syp.op[t][k];

			print_message(" %s%c%d%s", (o->lock & SY_LOCK) ? "lock " : "", o->write ? 'W' : 'R', o->var,
				      (o->lock & SY_UNLOCK) ? " unlock" : "");
		}
		print_message("\n");
	}
}

/*
 * Explore the current program (syp) with DPOR and with DFS at every bound
 * in [lo, hi] (-1 = unbounded).  Returns the number of bounds at which they
 * disagree, printing each; *distinct gets the most final states DFS saw.
 */
static int sy_compare(const char *name, int lo, int hi, int *distinct)
{
	static struct hset a, b;
	const int cpus[SY_MAXT] = { 0, 1, 2, 3 }, labels[SY_MAXT] = { 0, 1, 2, 3 };
	int bad = 0;

	fl_sim_setup(syp.nthreads, cpus, labels, sy_body);
	for (int bound = lo; bound <= hi; bound++) {
		uint32_t fa = sy_explore(FL_STRAT_DPOR, bound, &a);
		uint32_t fb = sy_explore(FL_STRAT_DFS, bound, &b);

		if (fa != fb || a.n != b.n || memcmp(a.v, b.v, a.n * sizeof(uint64_t))) {
			if (!bad)
				sy_print();
			print_message("%s, bound %d: DPOR found %#x in %zu distinct final states, DFS %#x in %zu\n",
				      name, bound, fa, a.n, fb, b.n);
			bad++;
		}
		if (distinct && (int)b.n > *distinct)
			*distinct = (int)b.n;
	}
	fl_sim_teardown();
	return bad;
}

static int sy_total_ops(void)
{
	int n = 0;

	for (int t = 0; t < syp.nthreads; t++)
		n += syp.nops[t];
	return n;
}

/* 2..maxt threads of 1..maxops ops each. */
static void sy_random_n(bool locks, int maxt, int maxops)
{
	memset(&syp, 0, sizeof(syp));
	syp.nthreads = 2 + (int)(rnd() % (uint64_t)(maxt - 1));
	for (int t = 0; t < syp.nthreads; t++) {
		syp.nops[t] = 1 + (int)(rnd() % (uint64_t)maxops);
		for (int k = 0; k < syp.nops[t]; k++) {
			syp.op[t][k].var = (uint8_t)(rnd() % SY_NVARS);
			syp.op[t][k].write = (uint8_t)(rnd() % 2);
		}
		if (locks && rnd() % 2) {
			syp.op[t][0].lock |= SY_LOCK;
			syp.op[t][syp.nops[t] - 1].lock |= SY_UNLOCK;
		}
	}
}

static void sy_random(bool locks)
{
	sy_random_n(locks, 3, 3);
}

/* Random programs, bounds 0, 1, 2 and unbounded (source sets): DPOR must match DFS. */
static void test_dpor_matches_dfs_synthetic(void **state)
{
	int distinct = 0, bad = 0;
	char name[32];

	(void)state;
	rng = 0x2545f4914f6cdd1dull;
	for (int iter = 0; iter < 300; iter++) {
		sy_random(iter % 3 == 2);	/* every third program takes a lock */
		snprintf(name, sizeof(name), "program %d", iter);
		bad += sy_compare(name, 0, 2, &distinct);
		/* Unbounded DFS is exponential: compare only the small programs. */
		if (sy_total_ops() <= 8)
			bad += sy_compare(name, -1, -1, NULL);
	}
	assert_int_equal(bad, 0);
	/* The generator must produce programs with genuinely different outcomes. */
	assert_true(distinct > 5);
}

/*
 * Up to four threads of up to four ops, bounds 0-3: the sizes at which
 * sleep sets under a preemption bound lose final states unless they are
 * restricted as in explore/dpor.c (bounded_sleep): letting every explored
 * thread sleep fails on most of these programs.
 */
static void test_dpor_matches_dfs_four_threads(void **state)
{
	int distinct = 0, bad = 0;
	char name[32];

	(void)state;
	rng = 0x6a09e667f3bcc909ull;
	for (int iter = 0; iter < 600; iter++) {
		sy_random_n(iter % 2, 4, 4);
		if (sy_total_ops() > 10)
			continue;
		snprintf(name, sizeof(name), "program %d", iter);
		bad += sy_compare(name, 0, 3, &distinct);
	}
	assert_int_equal(bad, 0);
	assert_true(distinct > 20);
}

static void free_sets(void)
{
	free(systates.v);
	systates = (struct hset){ 0 };
}


/*
 * Regression (explore/dpor.c, fixed): DPOR missed lock-acquisition orders.
 *
 * Two threads each run "lock; write x; unlock".  The first execution runs
 * T0's critical section, then T1's.  The race analysis takes, for T1's
 * lock acquisition, only the *latest* dependent event: T0's unlock.  T1 is
 * not enabled there (T0 holds the lock), so add_backtrack() adds the
 * threads enabled at that point (T0 alone) and nothing at the block start;
 * the real race, T0's acquisition against T1's (both enabled at the
 * initial state), is never looked at, because the Flanagan-Godefroid race
 * condition also requires the two events to be co-enabled, which a release
 * and a blocked acquire never are.  So DPOR explores one execution and
 * never runs T1's critical section first, which DFS does at 0 preemptions.
 * The same happens with the kernel's locks (mmap_lock, PTL, page lock):
 * see test_dpor_litmus_lock_order below.
 */
static void test_dpor_lock_order(void **state)
{
	int bad;

	(void)state;
	memset(&syp, 0, sizeof(syp));
	syp.nthreads = 2;
	syp.nops[0] = syp.nops[1] = 1;
	syp.op[0][0] = (struct syop){ .var = 0, .write = 1, .lock = SY_LOCK | SY_UNLOCK };
	syp.op[1][0] = (struct syop){ .var = 0, .write = 1, .lock = SY_LOCK | SY_UNLOCK };
	bad = sy_compare("lock; write x; unlock x2", 0, 2, NULL);

	/* And random programs with locks. */
	rng = 0x9e3779b97f4a7c15ull;
	for (int iter = 0; iter < 200; iter++) {
		char name[32];

		sy_random(true);
		snprintf(name, sizeof(name), "locked program %d", iter);
		bad += sy_compare(name, 0, 2, NULL);
	}
	free_sets();
	assert_int_equal(bad, 0);
}

/*
 * Regression (explore/dpor.c, fixed by dropping sleep sets and analysing
 * every race, not the last): unbounded DPOR with sleep sets missed final
 * states even without locks.  Minimal example found by the generator:
 *   T0: W2        T1: R1 W1 R2        T2: W0 R0 R2
 * T1 and T2 each read x2 last, T0 writes it: four outcomes (each reader
 * sees 0 or T0's value), which DFS finds.  DPOR finds three: the class
 * where T2 reads before T0's write and T1 after it (e.g. T1:R1 W1, T2:W0 R0
 * R2, T0:W2, T1:R2) is lost.  The T1-first subtree only ever races T1:R2
 * against T0:W2 (the latest race), whose reversal needs T0 at a state
 * where T0 is in the sleep set, and the T2-first subtree is sleep-set
 * blocked because T1 stays asleep (T1:R1 is independent of everything).
 * Under a preemption bound sleep sets are off and the bounded runs agree.
 */
static void test_dpor_unbounded_sleep_sets(void **state)
{
	int bad;
	const struct syop prog[3][3] = {
		{ { 2, 1, 0 } },
		{ { 1, 0, 0 }, { 1, 1, 0 }, { 2, 0, 0 } },
		{ { 0, 1, 0 }, { 0, 0, 0 }, { 2, 0, 0 } },
	};
	const int nops[3] = { 1, 3, 3 };

	(void)state;
	memset(&syp, 0, sizeof(syp));
	syp.nthreads = 3;
	for (int t = 0; t < 3; t++) {
		syp.nops[t] = nops[t];
		for (int k = 0; k < nops[t]; k++)
			syp.op[t][k] = prog[t][k];
	}
	bad = sy_compare("minimal example", -1, -1, NULL);

	rng = 0x2545f4914f6cdd1dull;
	for (int iter = 0; iter < 300; iter++) {
		char name[32];

		sy_random(false);
		snprintf(name, sizeof(name), "program %d", iter);
		/* Unbounded DFS is exponential: compare only the small programs. */
		if (sy_total_ops() <= 8)
			bad += sy_compare(name, -1, -1, NULL);
	}
	free_sets();
	assert_int_equal(bad, 0);
}

/*
 * Regression (explore/dpor.c, fixed by lock access modes in sim.h): the
 * lock-order miss above, on the kernel
 * model: munmap and mprotect both take mmap_lock for write, and have no
 * earlier conflicting step.  DPOR explores only "munmap first" (T1's
 * mprotect then fails and its load gets SIGSEGV), while with T1 first
 * (0 preemptions) the load returns 1 and the assert fails.  So `faultline
 * run` with the default strategy reports ok where DFS reports the
 * violation with a 0-preemption counterexample.
 */
static const char lock_order_litmus[] =
	"mm lock-order\n"
	"\"two mmap_lock writers with no earlier conflict\"\n"
	"init {\n"
	"  P0: A = mmap(1, anon rw)\n"
	"  P0@cpu1: write(A+0, 1)\n"
	"}\n"
	"T0 P0@cpu0 { munmap(A) }\n"
	"T1 P0@cpu1 { mprotect(A, ro); r0 = read(A+0) }\n"
	"assert T1:r0 == segv\n"
	"expect v5.10 assert\n";

static void test_dpor_litmus_lock_order(void **state)
{
	static struct fl_scenario sc;
	static struct wrap w;
	static struct run dp, df;
	char err[512];
	int bad = 0;

	(void)state;
	if (fl_parse_string("lock-order.litmus", lock_order_litmus, &sc, err, sizeof(err)))
		fail_msg("%s", err);
	if (fl_interp_prepare(&sc, &fl_preset_at(fl_preset_find("v5.10"))->pol, err, sizeof(err)))
		fail_msg("%s", err);
	w.real = fl_interp_program();
	w.nthreads = sc.nthreads;
	for (int bound = 0; bound <= 2; bound++) {
		explore_one(&w, FL_STRAT_DPOR, bound, 0, &dp);
		explore_one(&w, FL_STRAT_DFS, bound, DFS_CAP, &df);
		if (dp.found != df.found || dp.states.n != df.states.n) {
			print_message("lock-order.litmus bound %d: DPOR found %#x in %zu states (%llu executions), "
				      "DFS %#x in %zu states (%llu executions)\n", bound, dp.found, dp.states.n,
				      (unsigned long long)dp.executions, df.found, df.states.n,
				      (unsigned long long)df.executions);
			bad++;
		}
	}
	free(w.states.v);
	free(dp.states.v);
	free(df.states.v);
	w.states = dp.states = df.states = (struct hset){ 0 };
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schedule_examples),
		cmocka_unit_test(test_schedule_decode_errors),
		cmocka_unit_test(test_schedule_roundtrip_random),
		cmocka_unit_test(test_dpor_matches_dfs),
		cmocka_unit_test(test_dpor_matches_dfs_random),
		cmocka_unit_test(test_dpor_matches_dfs_synthetic),
		cmocka_unit_test(test_dpor_matches_dfs_four_threads),
		cmocka_unit_test(test_dpor_lock_order),
		cmocka_unit_test(test_dpor_unbounded_sleep_sets),
		cmocka_unit_test(test_dpor_litmus_lock_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
