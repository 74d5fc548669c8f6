/* SPDX-License-Identifier: MIT */
/*
 * conform/model.c - the outcomes the model allows for a scenario.
 *
 * The interpreter's program is wrapped so that every finished execution
 * also records its registers.  conform asks for an unbounded search first
 * (source-set DPOR with sleep sets): a host may show an interleaving with
 * any number of preemptions, so a preemption bound would make the model
 * look stricter than it is.  Only when that does not finish does it fall
 * back to the file's bound, and says so.
 */
#include <stdio.h>
#include <string.h>

#include "conform/conform.h"
#include "explore/explore.h"
#include "litmus/interp.h"

int fl_outset_find(const struct fl_outcome_set *s, const struct fl_outcome *o, const struct fl_outcome_mask *m)
{
	for (int i = 0; i < s->n; i++)
		if (fl_outcome_eq(&s->o[i], o, m))
			return i;
	return -1;
}

int fl_outset_add(struct fl_outcome_set *s, const struct fl_outcome *o, const struct fl_outcome_mask *m)
{
	int i = fl_outset_find(s, o, m);

	if (i < 0) {
		if (s->n == FL_OUTSET_MAX) {
			s->overflow = true;
			return -1;
		}
		i = s->n++;
		s->o[i] = *o;
		s->count[i] = 0;
	}
	s->count[i]++;
	return i;
}

struct collector {
	struct fl_program real;
	const struct fl_outcome_mask *mask;
	struct fl_outcome_set *set;
};

static void col_reset(void *ctx)
{
	struct collector *c = ctx;

	c->real.reset(c->real.ctx);
}

static uint32_t col_finish(void *ctx, bool deadlock)
{
	struct collector *c = ctx;
	uint32_t props = c->real.finish(c->real.ctx, deadlock);
	struct fl_outcome o;

	memset(&o, 0, sizeof(o));
	for (int s = 0; s < FL_OUT_SLOTS; s++)
		for (int r = 0; r < FL_LIT_MAX_REGS; r++) {
			bool set;

			if (!c->mask->bits[s][r])
				continue;
			o.reg[s][r] = fl_interp_reg(s - 1, r, &set);
			o.set[s][r] = set;
		}
	o.blocked = (props & ((1u << FL_PROP_STUCK) | (1u << FL_PROP_DEADLOCK))) != 0;
	fl_outset_add(c->set, &o, c->mask);
	return props;
}

int fl_conform_model(const struct fl_scenario *sc, const struct fl_policy *pol, const struct fl_outcome_mask *m,
		     uint64_t max_exec, struct fl_model_outcomes *out, char *err, int errlen, int bound)
{
	struct fl_explore_opts eo = { .strategy = FL_STRAT_DPOR, .preemptions = bound, .max_executions = max_exec };
	struct fl_explore_result res;
	struct collector c;
	struct fl_program prog;

	memset(out, 0, sizeof(*out));
	if (fl_interp_prepare(sc, pol, err, errlen))
		return -1;
	c = (struct collector){ .real = fl_interp_program(), .mask = m, .set = &out->set };
	prog = (struct fl_program){ .reset = col_reset, .finish = col_finish, .ctx = &c, .nprops = c.real.nprops };
	fl_explore(&prog, &eo, &res);
	if (res.error[0]) {
		snprintf(err, (size_t)errlen, "%s: %s", sc->file, res.error);
		return -1;
	}
	out->executions = res.executions;
	out->complete = res.complete;
	out->bound = bound;
	snprintf(out->stop_reason, sizeof(out->stop_reason), "%s", res.stop_reason);
	return 0;
}
