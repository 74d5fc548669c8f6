/* SPDX-License-Identifier: MIT */
/*
 * explore/replay.c - run exactly one schedule.  Strict: a step that names
 * a thread that is not enabled, a schedule that ends while threads can
 * still run, or one that runs past the end, is an error that shows where
 * and what was enabled, never a silent best effort.
 */
#include <stdio.h>

#include "explore/explore_int.h"

static void mask_str(uint32_t m, char *buf, int len)
{
	int o = snprintf(buf, (size_t)len, "{");

	for (int t = 0; t < FL_SIM_MAX_THREADS && o < len; t++)
		if (m & (1u << t))
			o += snprintf(buf + o, (size_t)(len - o), "%sT%d", o > 1 ? "," : "", t);
	if (o < len)
		snprintf(buf + o, (size_t)(len - o), "}");
}

void fl_explore_replay(const struct fl_program *prog, const struct fl_explore_opts *opts,
		       struct fl_explore_result *res)
{
	static uint8_t choice[FL_MAX_STEPS];
	static uint32_t enabled[FL_MAX_STEPS];
	char err[128], m[64];
	double t0 = fl_now();
	bool deadlock = false;
	int len, n = 0;

	len = fl_schedule_decode(opts->schedule, choice, FL_MAX_STEPS, err, sizeof(err));
	if (len < 0) {
		snprintf(res->error, sizeof(res->error), "%s", err);
		return;
	}
	prog->reset(prog->ctx);
	if (fl_explore_limited(res, choice, 0))
		return;
	for (;;) {
		uint32_t en = fl_sim_enabled_mask();

		if (!en) {
			deadlock = !fl_sim_all_done();
			break;
		}
		if (n == len) {
			mask_str(en, m, sizeof(m));
			snprintf(res->error, sizeof(res->error),
				 "schedule ends after %d steps but threads %s can still run", n, m);
			return;
		}
		if (choice[n] >= fl_sim.nthreads || !(en & (1u << choice[n]))) {
			mask_str(en, m, sizeof(m));
			snprintf(res->error, sizeof(res->error),
				 "schedule diverges at step %d: it names T%u, but only %s can run", n + 1, choice[n], m);
			return;
		}
		enabled[n] = en;
		fl_sim_run(choice[n]);
		if (fl_explore_limited(res, choice, n + 1))
			return;
		fl_sim_refresh_after(choice[n]);
		n++;
	}
	if (n < len) {
		snprintf(res->error, sizeof(res->error),
			 "schedule has %d steps but the execution ended after %d", len, n);
		return;
	}
	res->steps = (uint64_t)n;
	if (deadlock)
		res->deadlocked++;
	fl_record_execution(res, prog, prog->finish(prog->ctx, deadlock), choice, enabled, n, t0);
	res->complete = false;
	snprintf(res->stop_reason, sizeof(res->stop_reason), "replay of one schedule");
	res->seconds = fl_now() - t0;
}
