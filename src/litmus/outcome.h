/* SPDX-License-Identifier: MIT */
/*
 * litmus/outcome.h - what one execution of a scenario lets an observer see.
 *
 * An outcome is the final value of every register the scenario writes
 * (init:rK and Tn:rK), plus whether the execution ended with threads that
 * can never finish.  The model (conform/model.c) and the real kernel
 * (host/) both produce outcomes, so they can be compared register by
 * register.  Some bits cannot be compared on every host: a pagemap
 * register carries a PFN on the host and none in the model, and a host
 * built without CONFIG_MEM_SOFT_DIRTY never reports soft-dirty; the
 * compare masks say which bits count.
 */
#ifndef FL_LITMUS_OUTCOME_H
#define FL_LITMUS_OUTCOME_H

#include <stdbool.h>
#include <stdint.h>

#include "litmus/ast.h"

#define FL_OUT_SLOTS	(FL_LIT_MAX_THREADS + 1)	/* [0] = init, [1 + t] = thread t */

struct fl_outcome {
	uint64_t reg[FL_OUT_SLOTS][FL_LIT_MAX_REGS];
	uint8_t set[FL_OUT_SLOTS][FL_LIT_MAX_REGS];
	bool blocked;		/* stuck / deadlock in the model; a time-out on the host */
};

/* Which registers a scenario writes, and which of their bits are compared. */
struct fl_outcome_mask {
	uint64_t bits[FL_OUT_SLOTS][FL_LIT_MAX_REGS];	/* 0 = the scenario never writes it */
};

/* pagemap bits both sides report (PFN bits 0-54 are the host's alone). */
#define FL_PM_COMPARED	(FL_PM_SOFT_DIRTY | FL_PM_MMAP_EXCLUSIVE | FL_PM_UFFD_WP | FL_PM_FILE | \
			 FL_PM_SWAP | FL_PM_PRESENT)

void fl_outcome_mask_init(const struct fl_scenario *sc, bool soft_dirty, struct fl_outcome_mask *m);
bool fl_outcome_eq(const struct fl_outcome *a, const struct fl_outcome *b, const struct fl_outcome_mask *m);
/* Number of compared registers (plus the blocked flag) on which a and b differ. */
int fl_outcome_distance(const struct fl_outcome *a, const struct fl_outcome *b, const struct fl_outcome_mask *m);
/* "init:r0=1 T0:r0=7 T1:r1=segv", masked; "blocked" appended when blocked. */
void fl_outcome_fmt(const struct fl_scenario *sc, const struct fl_outcome *o, const struct fl_outcome_mask *m,
		    char *buf, int len);
/* Only the registers where a differs from b: "T0:r0=7 (not 1)". */
void fl_outcome_diff(const struct fl_scenario *sc, const struct fl_outcome *a, const struct fl_outcome *b,
		     const struct fl_outcome_mask *m, char *buf, int len);

#endif
