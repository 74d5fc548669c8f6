/* SPDX-License-Identifier: MIT */
/*
 * conform/conform.h - hold the model against the running kernel.
 *
 * For one scenario: the set of outcomes the model allows under a preset
 * (model.c, by exhaustive exploration), the outcomes the host showed
 * (host/), and the verdict: every outcome the host showed must be one the
 * model allows.  cli/conform.c prints the table.
 */
#ifndef FL_CONFORM_CONFORM_H
#define FL_CONFORM_CONFORM_H

#include <stdbool.h>
#include <stdint.h>

#include "litmus/ast.h"
#include "litmus/outcome.h"
#include "policy/policy.h"

#define FL_OUTSET_MAX 32	/* more distinct model outcomes than this: too many to sample */

struct fl_outcome_set {
	int n;
	bool overflow;		/* more than FL_OUTSET_MAX distinct outcomes */
	struct fl_outcome o[FL_OUTSET_MAX];
	uint32_t count[FL_OUTSET_MAX];	/* how often each was seen */
};

/* Add @o unless an equal one (under @m) is there; returns its index, or -1 on overflow. */
int fl_outset_add(struct fl_outcome_set *s, const struct fl_outcome *o, const struct fl_outcome_mask *m);
int fl_outset_find(const struct fl_outcome_set *s, const struct fl_outcome *o, const struct fl_outcome_mask *m);

struct fl_model_outcomes {
	struct fl_outcome_set set;
	uint64_t executions;
	bool complete;		/* the exploration covered the whole (unbounded) space */
	int bound;		/* -1 = unbounded */
	char stop_reason[96];
};

/*
 * Explore @sc under @pol with DPOR (@bound preemptions, -1 = unbounded; up
 * to @max_exec executions) and collect the outcomes.  Returns 0, or -1 with a file:line:col message
 * in @err (bad input: an init block that blocks, a livelock).
 */
int fl_conform_model(const struct fl_scenario *sc, const struct fl_policy *pol, const struct fl_outcome_mask *m,
		     uint64_t max_exec, struct fl_model_outcomes *out, char *err, int errlen, int bound);

#endif
