/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_interp.c - libFuzzer target: parse, then run the model.
 *
 * The input is a litmus file.  What the parser accepts is explored under
 * two configurations with small caps, so that one input costs milliseconds:
 *  A: the file's first expect line (preset and --set overrides), or latest;
 *     DPOR, preemption bound min(file's bound, 2) (1 without one), 50 executions;
 *  B: a preset picked by a hash of the input, with one switch set to a value
 *     the hash picks; DFS, random or unbounded DPOR, 20-30 executions.
 * Then schedules are replayed strictly (FL_STRAT_REPLAY, as `faultline
 * replay` does), with tracing on and the trace rendered to /dev/null:
 *  - every counterexample A found must replay without error and violate its
 *    property again (the CLI calls the contrary an internal error);
 *  - a fuzzer-chosen schedule: a comment line "#schedule S" in the input
 *    (still a valid litmus file) is decoded with fl_schedule_decode and
 *    steers one execution (a thread that cannot run is replaced by an
 *    enabled one); the schedule actually run must replay to the same
 *    verdict (the model is deterministic for a schedule);
 *  - S itself, unrepaired: replay may reject it, but only with a message.
 * Errors of fl_interp_prepare() (the init block) must be located.
 * Nothing here touches the host: no conform, no host backend.
 */
#include <stdint.h>

#include "explore/explore.h"
#include "explore/explore_int.h"
#include "fuzz_common.h"
#include "litmus/interp.h"
#include "report/report.h"
#include "sim/log.h"
#include "sim/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

#define CAP_A		50
#define CAP_B		30
#define CAP_RANDOM	20
#define HINT_MAX	512

static FILE *devnull;
static struct fl_scenario sc;
static struct fl_explore_result res, rr;
static struct fl_log init_log;
static uint8_t choice[FL_MAX_STEPS];
static char sched[FL_SCHED_STR];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	return fuzz_line_mutate(data, size, max_size, seed);
}

/* The text after "#schedule " at the start of a line, up to the end of that line. */
static int find_hint(const uint8_t *data, size_t size, char *out, int len)
{
	static const char key[] = "#schedule ";
	size_t k = sizeof(key) - 1;

	for (size_t i = 0; i + k <= size; i++) {
		size_t j;
		int n = 0;

		if ((i > 0 && data[i - 1] != '\n') || memcmp(data + i, key, k))
			continue;
		for (j = i + k; j < size && data[j] != '\n' && data[j] != '\r' && n < len - 1; j++)
			out[n++] = (char)data[j];
		out[n] = '\0';
		return 1;
	}
	out[0] = '\0';
	return 0;
}

/* Prepare the machine for @pol; an init-block error must be "file:line:col: ...". */
static int prepare(const struct fl_policy *pol, struct fl_program *prog)
{
	char err[512];

	err[0] = '\0';
	if (fl_interp_prepare(&sc, pol, err, sizeof(err))) {
		fuzz_check_located(err, FUZZ_FILE);
		return -1;
	}
	*prog = fl_interp_program();
	return 0;
}

/* A limit of the model reached by a thread is reported at its op: "file:line:col: ...". */
static void check_error(const struct fl_explore_result *r)
{
	if (r->error[0] && fl_sim.limited)
		fuzz_check_located(r->error, FUZZ_FILE);
}

static void explore(const struct fl_policy *pol, const struct fl_explore_opts *eo)
{
	struct fl_program prog;

	if (prepare(pol, &prog) == 0) {
		fl_explore(&prog, eo, &res);
		check_error(&res);
	} else {
		memset(&res, 0, sizeof(res));
	}
}

/*
 * Replay @s strictly with tracing on and render the trace.  Returns the
 * violated properties, -1 when replay rejected the schedule (rr.error says
 * why), or -2 when the init block failed (its error is checked in prepare()).
 */
static int64_t replay(const struct fl_policy *pol, const char *s)
{
	struct fl_explore_opts eo = { .strategy = FL_STRAT_REPLAY, .schedule = s };
	struct fl_program prog;
	int64_t found = -2;

	fl_tracing = true;
	fl_log_reset();
	if (prepare(pol, &prog) == 0) {
		init_log = fl_log;
		fl_log_reset();
		fl_explore(&prog, &eo, &rr);
		found = -1;
		if (!rr.error[0]) {
			found = rr.found;
			fl_report_trace_text(devnull, &sc, &init_log, &fl_log);
			fl_report_trace_json(devnull, &sc, &fl_log);
		}
	}
	fl_tracing = false;
	return found;
}

/*
 * One execution steered by @hint: at step i, thread hint[i] if it can run,
 * else the (hint[i] mod n)-th of the n threads that can; past the hint, the
 * lowest one.  Returns the number of steps (choice[] holds them), or -1 for
 * an init error, a limit of the model (fl_sim_limit) or an execution past
 * FL_MAX_STEPS: the explorers report those as errors, which is checked above.
 */
struct steer_sched {
	const uint8_t *hint;
	int nhint;
};

/* The steering as a strategy of the explorers' one run loop (explore/execute.c). */
static int steer_pick(void *s, int n, uint32_t en, struct fl_explore_result *r)
{
	const struct steer_sched *st = s;
	int t = n < st->nhint ? st->hint[n] : 0;

	(void)r;
	if (t >= fl_sim.nthreads || !(en & (1u << t))) {
		int k = t % __builtin_popcount(en);

		for (t = 0; t < fl_sim.nthreads; t++)
			if ((en & (1u << t)) && k-- == 0)
				break;
	}
	return t;
}

static int steer(const struct fl_policy *pol, const uint8_t *hint, int nhint, uint32_t *found)
{
	static const struct fl_scheduler sched = { .pick = steer_pick };
	static struct fl_explore_result sr;
	static uint32_t enabled[FL_MAX_STEPS];
	struct steer_sched st = { hint, nhint };
	struct fl_program prog;
	int n = 0;

	if (prepare(pol, &prog))
		return -1;
	memset(&sr, 0, sizeof(sr));
	/* A limit of the model or FL_MAX_STEPS stops it: the explorers report those, located. */
	if (fl_execute(&prog, &sched, &st, choice, enabled, &sr, fl_now(), &n) != FL_EXEC_DONE)
		return -1;
	*found = sr.found;
	return n;
}

/* Configuration A: the file's first expect line, or latest. */
static void config_a(struct fl_policy *pol)
{
	if (sc.nexpect > 0) {
		const struct fl_lit_expect *e = &sc.expect[0];

		*pol = fl_preset_at(e->preset)->pol;
		for (int i = 0; i < e->nsets; i++)
			pol->v[e->sets[i].sw] = (uint8_t)e->sets[i].value;
	} else {
		*pol = fl_preset_at(fl_preset_find("latest"))->pol;
	}
}

/* Configuration B: a preset and one switch value, both from the hash. */
static void config_b(struct fl_policy *pol, uint64_t h)
{
	int sw = (int)((h >> 8) % FL_SW__COUNT);
	const struct fl_switch_desc *d = fl_switch_desc((enum fl_switch)sw);

	*pol = fl_preset_at((int)(h % (uint64_t)fl_preset_count()))->pol;
	pol->v[sw] = (uint8_t)((h >> 16) % (uint64_t)d->nvalues);
}

static void check_cexes(const struct fl_policy *pol)
{
	static struct fl_explore_result a;
	int replays = 0;

	a = res;
	for (int p = 0; p < FL_EXPLORE_MAX_PROPS && replays < 2; p++) {
		int64_t got;

		if (!a.cex[p].found)
			continue;
		replays++;
		got = replay(pol, a.cex[p].schedule);
		if (got < 0)
			fuzz_fail("counterexample for property %d does not replay: %s (schedule %s)", p,
				  rr.error, a.cex[p].schedule);
		if (!(got & (1u << p)))
			fuzz_fail("counterexample for property %d replays without it (schedule %s)", p,
				  a.cex[p].schedule);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t hint[FL_MAX_STEPS];
	struct fl_policy pa, pb;
	struct fl_explore_opts eo = { 0 };
	char err[1024], hs[HINT_MAX];
	uint64_t h = fuzz_hash(data, size);
	uint32_t found = 0;
	int nhint, n, bound;
	int64_t got;

	if (fl_parse_buffer(FUZZ_FILE, (const char *)data, size, &sc, err, sizeof(err)))
		return 0;	/* fuzz_parse checks the parser's errors */
	fuzz_check_scenario(&sc);

	/* A: the file's own configuration, bounded DPOR. */
	config_a(&pa);
	bound = sc.preemptions >= 0 ? (sc.preemptions < 2 ? sc.preemptions : 2) : 1;
	eo.strategy = FL_STRAT_DPOR;
	eo.preemptions = bound;
	eo.max_executions = CAP_A;
	explore(&pa, &eo);
	if (!res.error[0])
		check_cexes(&pa);

	/* B: another preset and switch, another strategy. */
	config_b(&pb, h);
	switch ((h >> 24) % 3) {
	case 0:
		eo.strategy = FL_STRAT_DFS;
		eo.preemptions = 1;
		eo.max_executions = CAP_B;
		break;
	case 1:
		eo.strategy = FL_STRAT_RANDOM;
		eo.seed = h >> 32;
		eo.max_executions = CAP_RANDOM;
		break;
	default:
		eo.strategy = FL_STRAT_DPOR;
		eo.preemptions = -1;
		eo.max_executions = CAP_B;
		break;
	}
	explore(&pb, &eo);

	/* The fuzzer's schedule: steered, then replayed strictly to the same verdict. */
	find_hint(data, size, hs, sizeof(hs));
	nhint = fl_schedule_decode(hs, hint, FL_MAX_STEPS, err, sizeof(err));
	if (nhint < 0) {
		/* Not a schedule: its bytes steer instead. */
		nhint = (int)strlen(hs);
		memcpy(hint, hs, (size_t)nhint);
	}
	n = steer(&pa, hint, nhint, &found);
	if (n >= 0) {
		fl_schedule_encode(choice, n, sched, sizeof(sched));
		got = replay(&pa, sched);
		if (got < 0)
			fuzz_fail("a schedule that ran does not replay: %s (schedule %s)", rr.error, sched);
		if ((uint32_t)got != found)
			fuzz_fail("replay is not deterministic: %#x then %#llx (schedule %s)", found,
				  (unsigned long long)got, sched);
	}
	if (hs[0]) {
		got = replay(&pb, hs);
		if (got == -1 && !rr.error[0])
			fuzz_fail("replay rejected schedule \"%s\" without a message", hs);
	}
	return 0;
}
