/* SPDX-License-Identifier: MIT */
/*
 * explore/execute.c - the one run loop: a single execution of the
 * program, driven by a strategy (struct fl_scheduler, explore_int.h).
 *
 * The loop owns what every strategy needs done the same way: restoring
 * the program, the enabled set, the step limit, the limits of the model,
 * footprint refreshes, and the accounting of a finished execution.  A
 * strategy only picks the next thread and learns from what ran, as
 * Shuttle's Scheduler does: dpor.c, random.c and replay.c hold nothing
 * else.
 */
#include "explore/explore_int.h"
#include "sim/log.h"

enum fl_exec_end fl_execute(const struct fl_program *prog, const struct fl_scheduler *sc, void *s,
			    uint8_t *choice, uint32_t *enabled, struct fl_explore_result *res, double t0,
			    int *steps)
{
	int prefix = sc->prefix ? sc->prefix(s) : 0;
	bool deadlock = false, pruned = false;
	int n = 0;

	prog->reset(prog->ctx);
	if (fl_explore_limited(res, choice, 0))
		return FL_EXEC_STOP;
	for (;; n++) {
		uint32_t en;
		int t;

		if (n < prefix) {
			/*
			 * A prefix the strategy recorded: its choices are known to be
			 * enabled, and no footprint is looked at before the branch
			 * point, so the enabled set is checked and the footprints
			 * refreshed only there (below).
			 */
			t = sc->replay(s, n, &en);
			if (n == prefix - 1 && (fl_sim_enabled_mask() != en || !(en & (1u << t))))
				fl_model_bug(__func__, "re-execution diverged from the recorded prefix");
		} else {
			en = fl_sim_enabled_mask();
			if (!en) {
				deadlock = !fl_sim_all_done();
				break;
			}
			if (n >= FL_MAX_STEPS) {
				fl_explore_too_long(res);
				return FL_EXEC_STOP;
			}
			t = sc->pick(s, n, en, res);
			if (t == FL_PICK_PRUNE) {
				pruned = true;
				break;
			}
			if (t < 0)
				return FL_EXEC_STOP;	/* res->error says why */
		}
		choice[n] = (uint8_t)t;
		enabled[n] = en;
		if (sc->taken)
			sc->taken(s, n, t);
		fl_sim_run(t);
		if (fl_explore_limited(res, choice, n + 1))
			return FL_EXEC_STOP;
		if (n >= prefix)
			fl_sim_refresh_after(t);
		else if (n == prefix - 1)
			fl_sim_refresh_all();
	}
	*steps = n;
	res->steps += (uint64_t)n;
	if (!pruned && sc->keep && !sc->keep(s, n))
		pruned = true;
	if (pruned) {
		res->pruned++;
		return FL_EXEC_PRUNED;
	}
	if (deadlock)
		res->deadlocked++;
	fl_record_execution(res, prog, prog->finish(prog->ctx, deadlock), choice, enabled, n, t0);
	return FL_EXEC_DONE;
}
