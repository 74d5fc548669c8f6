/* SPDX-License-Identifier: MIT */
/*
 * mm/hooks.h - what the model tells the oracles.
 *
 * The oracles (check/) must see a change at the very step that makes it
 * visible - a store landing, a fork, a page filled by UFFDIO_COPY - so
 * mm/ calls them from inside its atomic steps.  It does so through this
 * table, which mm/ declares and check/hooks.c defines: mm/ never includes
 * check/, and the layers stay one-way (DESIGN.md: sim < hw < mm < check).
 */
#ifndef FL_MM_HOOKS_H
#define FL_MM_HOOKS_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/hw.h"

/* What the model itself can tell is wrong (the oracle's property for each). */
enum fl_mm_violation {
	FL_MMV_REFCOUNT,	/* a negative count, or refcount < mapcount */
	FL_MMV_USE_AFTER_FREE,	/* a PTE or TLB entry reaches a freed page, or a thread a freed VMA */
	FL_MMV_VMA_FALSE_UNLOCKED,	/* vma_start_read succeeded on a VMA write-locked in this epoch */
	FL_MMV_VMA_RACE,	/* a writer changed a VMA that a fault holds read-locked */
};

struct fl_mm_hooks {
	/* A user store is about to be performed: its tag (spec.c). */
	uint32_t (*new_store)(int mm, int tid, int vpn, int word, uint64_t val);
	/* The store landed / a load completed (hw access done). */
	void (*store_done)(uint32_t tag, const struct fl_uacc *a);
	void (*load_done)(int mm, int tid, int vpn, int word, const struct fl_uacc *a);
	/* Objects a user access adds to its footprint (the spec page, the soft-dirty epoch). */
	void (*access_footprint)(int mm, int vpn, bool write, struct fl_footprint *fp);
	/* Address-space changes. */
	void (*zero_range)(int mm, int start, int end);
	void (*fork)(int parent, int child);
	void (*fork_copy_page)(int parent, int child, int vpn);
	/*
	 * GUP took a reference or pin on the page @vpn maps, in the step that
	 * found it mapped there (follow_page_pte under the PTL, or GUP-fast's
	 * re-check of the PTE).  A later munmap of @vpn ends what the caller
	 * may expect of the page (zero_range).
	 */
	void (*gup_grabbed)(int mm, int vpn);
	/* A page whose first word @tag wrote became visible at @vpn (UFFDIO_COPY). */
	void (*page_filled)(int mm, int vpn, uint32_t tag, int pfn);
	/* UFFDIO_WRITEPROTECT on [start, end) begins / returns; a PTE it left uffd-wp; wp dropped (register, truncation). */
	void (*uffd_wp_begin)(int mm, int tid, int start, int end, bool enable);
	void (*uffd_wp_end)(int mm, int tid, int start, int end, bool enable, bool ok);
	void (*uffd_wp_covered)(int mm, int tid, int vpn);
	void (*uffd_wp_dropped)(int mm, int start, int end);
	/* mprotect on [start, end) begins / returns (@ro: no write permission left). */
	void (*mprotect_begin)(int mm, int tid, int start, int end);
	void (*mprotect_end)(int mm, int tid, int start, int end, bool ro, bool ok);
	/*
	 * A page leaves a shmem file (hole punch): its contents are zero from
	 * now on.  The caller's step announces shm_spec_obj(obj, pgoff).
	 */
	uint32_t (*shm_spec_obj)(int obj, int pgoff);
	void (*shm_hole)(int obj, int pgoff, int pfn);	/* @pfn: the page that left, -1 for a swap entry */
	/* The model saw something wrong: record it (first one per property wins). */
	void (*violate)(enum fl_mm_violation v, int tid, const char *msg);
};

extern const struct fl_mm_hooks fl_mm_hooks;

/* Format and report a violation through the table. */
void fl_mm_violate(enum fl_mm_violation v, int tid, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
