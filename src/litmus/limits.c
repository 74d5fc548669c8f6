/* SPDX-License-Identifier: MIT */
/*
 * litmus/limits.c - what a scenario needs of the model's fixed tables,
 * checked before anything runs.
 *
 * The model keeps its state in fixed arrays so that a whole machine is
 * copied with memcpy.  A full table must never turn into a made-up answer
 * (a fake ENOMEM, a SIGSEGV, an abort), so each table is either
 *  - sized for the largest scenario the format allows (stores: every op
 *    stores at most once; interp.c asserts it at compile time),
 *  - bounded here from the ops, because every op runs at most once per
 *    execution (references, pins and pipe buffers, shmem objects), or
 *  - checked where it fills, because what it needs depends on the
 *    interleaving (page frames, VMAs after splits, swap slots, steps):
 *    fl_sim_limit() then stops the exploration with a located error.
 * docs/litmus.md lists every limit.
 */
#include <stdio.h>

#include "check/check.h"
#include "litmus/interp.h"
#include "mm/mm.h"

/* A shmem object's page cache holds the largest file and the largest shared anonymous region. */
_Static_assert(FL_LIT_MAX_FILE_PAGES <= FL_SHMEM_PAGES, "a memfd file fits a shmem object");
_Static_assert(FL_LIT_MAX_PAGES <= FL_SHMEM_PAGES, "a shared region fits a shmem object");

struct need {
	const char *what;	/* "get_page/pin references" */
	const char *name;	/* the constant, for the docs */
	int limit;
	int used;
};

static int op_pages(const struct fl_scenario *sc, const struct fl_lit_op *op)
{
	if (op->npages)
		return op->npages;
	return sc->regions[op->addr.region].npages - op->addr.offset / FL_LIT_PAGE_WORDS;
}

/* Add what @op needs; return the first table it overflows, or NULL. */
static struct need *add_op(const struct fl_scenario *sc, const struct fl_lit_op *op,
			   struct need *refs, struct need *views, struct need *shmem)
{
	switch (op->kind) {
	case FL_OP_PIN:
	case FL_OP_PIN_FAST:
	case FL_OP_VMSPLICE:
		refs->used++;	/* the pin, or the pipe's reference */
		views->used++;
		break;
	case FL_OP_GET_PAGE:
		refs->used++;
		break;
	case FL_OP_REMAP_PFN:
	case FL_OP_INSERT_PFN:
		refs->used += op_pages(sc, op);	/* the driver's memory */
		break;
	case FL_OP_MMAP:
		if ((op->mflags & FL_MAP_SHARED) && op->file < 0)
			shmem->used++;	/* shmem_zero_setup: a new object per mapping */
		break;
	case FL_OP_MEMFD:
		shmem->used++;		/* memfd_create: one shmem object, mapped by any number */
		break;
	default:
		break;
	}
	if (refs->used > refs->limit)
		return refs;
	if (views->used > views->limit)
		return views;
	if (shmem->used > shmem->limit)
		return shmem;
	return NULL;
}

int fl_scenario_check_limits(const struct fl_scenario *sc, char *err, int errlen)
{
	struct need refs = { "get_page/pin/vmsplice/driver page references", "FL_MAX_HREFS", FL_MAX_HREFS, 0 };
	struct need views = { "pins and pipe buffers", "FL_MAX_VIEWS", FL_MAX_VIEWS, 0 };
	struct need shmem = { "shared anonymous mappings and memfd files (shmem objects)", "FL_MAX_SHMEM", FL_MAX_SHMEM, 0 };

	for (int t = -1; t < sc->nthreads; t++) {
		const struct fl_lit_op *ops = t < 0 ? sc->init : sc->threads[t].ops;
		int nops = t < 0 ? sc->ninit : sc->threads[t].nops;

		for (int i = 0; i < nops; i++) {
			struct need *n = add_op(sc, &ops[i], &refs, &views, &shmem);

			if (n) {
				snprintf(err, (size_t)errlen,
					 "%.200s:%d:%d: the scenario can need %d %s, more than the model holds (%d, %s)",
					 sc->file, ops[i].loc.line, ops[i].loc.col, n->used, n->what, n->limit, n->name);
				return -1;
			}
		}
	}
	return 0;
}
