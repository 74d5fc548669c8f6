/* SPDX-License-Identifier: MIT */
/*
 * conform/randgen.h - random litmus tests, in the spirit of Csmith.
 *
 * Two generators write litmus text (docs/litmus.md), one op per line so
 * that conform/ddmin.c can drop ops line by line:
 *
 *  - sequential: an init block only, 10-30 ops over every op the host
 *    backend can run, with a register on every op that can carry one; for
 *    `faultline gen seq`, which holds each file against the live kernel;
 *  - concurrent: 2-3 threads of 1-3 ops each over write, read, mprotect,
 *    munmap, pageout, fork, uffd_wp, pins (pin_user_pages[_fast], gup,
 *    pin_read/pin_write/unpin), vmsplice/pipe_read and evict, plus a
 *    monitor thread when the init block registers userfaultfd; for
 *    `faultline gen conc`, which explores each one exhaustively on the model.
 *
 * A file is a pure function of (seed, index), so any file of a batch can be
 * written again from its name.  The generators keep a rough shadow of the
 * state only to make valid files likely (an access to a page that may raise
 * a userfault in init, where nobody can resolve it, is rare); they never
 * predict outcomes.
 */
#ifndef FL_CONFORM_RANDGEN_H
#define FL_CONFORM_RANDGEN_H

#include <stdbool.h>
#include <stdint.h>

#include "litmus/ops.h"

/*
 * The sequential generator's ops are a bit mask over enum fl_lit_kind: the
 * op table's rows with a generator weight (litmus/ops.h, column gen).
 */
uint64_t fl_gen_seq_ops(void);
/* Parse "read,write,uffd_wp" into such a mask; -1 with the bad word in @err. */
int fl_gen_ops_parse(const char *list, uint64_t *mask, char *err, int errlen);

/* A small, fast generator (splitmix64) so that a file depends on its seed alone. */
struct fl_rng {
	uint64_t s;
};
void fl_rng_seed(struct fl_rng *r, uint64_t seed, uint64_t index);
uint64_t fl_rng_next(struct fl_rng *r);
int fl_rng_below(struct fl_rng *r, int n);	/* uniform in [0, n) */

/*
 * Write sequential test number @index of batch @seed into @buf, using only
 * the ops in @ops.  Returns 0, or -1 when @buf is too small.
 */
int fl_gen_seq(uint64_t seed, uint64_t index, uint64_t ops, char *buf, int len);

/* The same for a concurrent test (the op set is fixed: see above). */
int fl_gen_conc(uint64_t seed, uint64_t index, char *buf, int len);

#endif
