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

struct replay_sched {
	const uint8_t *choice;	/* the decoded schedule */
	int len;
};

/* The schedule's thread, if it can run now. */
static int replay_pick(void *s, int n, uint32_t en, struct fl_explore_result *res)
{
	const struct replay_sched *r = s;
	char m[64];

	if (n == r->len) {
		mask_str(en, m, sizeof(m));
		snprintf(res->error, sizeof(res->error),
			 "schedule ends after %d steps but threads %s can still run", n, m);
		return FL_PICK_ERROR;
	}
	if (r->choice[n] >= fl_sim.nthreads || !(en & (1u << r->choice[n]))) {
		mask_str(en, m, sizeof(m));
		snprintf(res->error, sizeof(res->error),
			 "schedule diverges at step %d: it names T%u, but only %s can run", n + 1, r->choice[n], m);
		return FL_PICK_ERROR;
	}
	return r->choice[n];
}

static const struct fl_scheduler replay_scheduler = { .pick = replay_pick };

void fl_explore_replay(const struct fl_program *prog, const struct fl_explore_opts *opts,
		       struct fl_explore_result *res)
{
	static uint8_t want[FL_MAX_STEPS], choice[FL_MAX_STEPS];
	static uint32_t enabled[FL_MAX_STEPS];
	struct replay_sched r = { want, 0 };
	char err[256];
	double t0 = fl_now();
	int n = 0;

	r.len = fl_schedule_decode(opts->schedule, want, FL_MAX_STEPS, err, sizeof(err));
	if (r.len < 0) {
		snprintf(res->error, sizeof(res->error), "%s", err);
		return;
	}
	if (fl_execute(prog, &replay_scheduler, &r, choice, enabled, res, t0, &n) == FL_EXEC_STOP)
		return;
	if (n < r.len) {
		/* Recorded already: the verdict of a replay that does not match is not reported. */
		snprintf(res->error, sizeof(res->error),
			 "schedule has %d steps but the execution ended after %d", r.len, n);
		return;
	}
	res->complete = false;
	snprintf(res->stop_reason, sizeof(res->stop_reason), "replay of one schedule");
	res->seconds = fl_now() - t0;
}
