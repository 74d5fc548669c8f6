/* SPDX-License-Identifier: MIT */
/*
 * check/props.h - the named correctness properties faultline checks.
 *
 * Every property has one stable name.  It is the word used in `expect`
 * lines, in the first line of a VIOLATION report and in JSON output, so
 * never rename one: add a new one instead.  docs/oracles.md describes each.
 */
#ifndef FL_CHECK_PROPS_H
#define FL_CHECK_PROPS_H

#include <stdint.h>

enum fl_prop {
	FL_PROP_LOST_WRITE,	/* a completed store is not visible later */
	FL_PROP_LEAK,		/* one process sees another's private data */
	FL_PROP_SOFT_DIRTY_MISS,/* store after clear_refs returned, pagemap says clean */
	FL_PROP_USE_AFTER_FREE,	/* a PTE or TLB entry reaches a freed page */
	FL_PROP_REFCOUNT,	/* refcount < mapcount, or a negative count */
	FL_PROP_PAGE_LEAK,	/* a page outlives every process and harness ref */
	FL_PROP_DEADLOCK,	/* nothing runnable while threads remain */
	FL_PROP_SLEEP_IN_ATOMIC,/* a sleeping wait while holding a spinlock */
	FL_PROP_ASSERT,		/* a litmus `assert` condition is false at the end */
	FL_PROP_STUCK,		/* threads wait forever on userfaults nobody resolves */
	FL_PROP_UFFD_WP_BYPASS,	/* a store lands on a uffd-wp protected page without a userfault */
	FL_PROP_PIN_DIVERGENCE,	/* a long-term pin and the process's mapping no longer agree */
	FL_PROP_GUP_CONTRACT,	/* get/pin_user_pages broke its pages[] / return contract */
	FL_PROP_VMA_FALSE_UNLOCKED,	/* a VMA read-locked while write-locked in the same epoch */
	FL_PROP_VMA_LOCK_RACE,	/* a writer changed a VMA a fault holds read-locked */
	FL_PROP_STORE_AFTER_MPROTECT,	/* a CPU store landed after mprotect(ro) returned */
	FL_PROP__COUNT
};

typedef uint32_t fl_propset;	/* bit (1u << enum fl_prop) */

/* Stable name of @p ("lost-write"); NULL when out of range. */
const char *fl_prop_name(enum fl_prop p);
/* Property by name, or -1 when unknown. */
int fl_prop_find(const char *name);
/* One-line meaning, for `faultline policies`-style listings and docs. */
const char *fl_prop_doc(enum fl_prop p);

#endif
