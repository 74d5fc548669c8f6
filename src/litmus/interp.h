/* SPDX-License-Identifier: MIT */
/*
 * litmus/interp.h - run a parsed scenario on the model.
 *
 * fl_interp_prepare() builds the machine for one policy: it runs the init
 * block sequentially (each op on its CPU), then snapshots hw/, mm/, check/
 * and the interpreter's own state.  The program it returns restores that
 * snapshot at the start of every execution, so the explorer never pays
 * for the init block again and memory stays flat across executions.
 */
#ifndef FL_LITMUS_INTERP_H
#define FL_LITMUS_INTERP_H

#include "explore/explore.h"
#include "litmus/ast.h"
#include "policy/policy.h"

/* References get_page, pins, vmsplice and device mappings can hold at once. */
#define FL_MAX_HREFS 64

/*
 * The tables whose use is bounded by the ops alone (limits.c): 0, or -1
 * with "file:line:col: message" in @err.  fl_interp_prepare() calls it.
 */
int fl_scenario_check_limits(const struct fl_scenario *sc, char *err, int errlen);

/* Returns 0, or -1 with "file:line:col: message" in @err (exit status 2). */
int fl_interp_prepare(const struct fl_scenario *sc, const struct fl_policy *pol, char *err, int errlen);
struct fl_program fl_interp_program(void);
/* Final register values of the last execution (for reports). */
uint64_t fl_interp_reg(int thread, int reg, bool *set);

#endif
