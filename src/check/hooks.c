/* SPDX-License-Identifier: MIT */
/*
 * check/hooks.c - the oracles behind mm/'s hook table (mm/hooks.h): mm/
 * reports what it does at the step that makes it visible, and the spec
 * memory and the invariant checks here listen.
 */
#include <stdarg.h>
#include <stdio.h>

#include "check/check.h"
#include "mm/hooks.h"

static void violate(enum fl_mm_violation v, int tid, const char *msg)
{
	fl_violate(v == FL_MMV_REFCOUNT ? FL_PROP_REFCOUNT :
		   v == FL_MMV_VMA_FALSE_UNLOCKED ? FL_PROP_VMA_FALSE_UNLOCKED :
		   v == FL_MMV_VMA_RACE ? FL_PROP_VMA_LOCK_RACE : FL_PROP_USE_AFTER_FREE, tid, "%s", msg);
}

const struct fl_mm_hooks fl_mm_hooks = {
	.new_store = fl_spec_new_store,
	.store_done = fl_spec_store_done,
	.load_done = fl_spec_load_done,
	.access_footprint = fl_spec_access_footprint,
	.zero_range = fl_spec_zero_range,
	.fork = fl_spec_fork,
	.fork_copy_page = fl_spec_fork_copy_page,
	.gup_grabbed = fl_spec_gup_grabbed,
	.page_filled = fl_spec_page_filled,
	.uffd_wp_begin = fl_spec_uffd_wp_begin,
	.uffd_wp_end = fl_spec_uffd_wp_end,
	.uffd_wp_covered = fl_spec_uffd_wp_covered,
	.uffd_wp_dropped = fl_spec_uffd_wp_dropped,
	.mprotect_begin = fl_spec_mprotect_begin,
	.mprotect_end = fl_spec_mprotect_end,
	.shm_spec_obj = fl_spec_shm_obj,
	.shm_hole = fl_spec_shm_hole,
	.violate = violate,
};

void fl_mm_violate(enum fl_mm_violation v, int tid, const char *fmt, ...)
{
	char msg[FL_VIOL_MSG];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fl_mm_hooks.violate(v, tid, msg);
}
