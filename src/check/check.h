/* SPDX-License-Identifier: MIT */
/*
 * check/check.h - the oracles: spec memory and kernel invariants.
 *
 * The spec memory is what user space was promised (DESIGN.md decision 4):
 * every user store is applied to the concrete machine and to the spec at
 * the same step, under a store id ("tag") that the frame keeps beside the
 * value.  A load, and the final read-back of every mapped address, compare
 * the concrete tag with the spec's: a mismatch is a lost write, or a leak
 * when the word was stored by another process.
 *
 * Violations are recorded per execution: the first one of each property,
 * with the step and thread that caused it and a one-line explanation.
 * Everything here is plain data inside struct fl_check_state, so it is
 * part of the machine snapshot.
 */
#ifndef FL_CHECK_CHECK_H
#define FL_CHECK_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "check/props.h"
#include "hw/hw.h"
#include "mm/mm.h"

#define FL_MAX_STORES	256	/* >= every op of the largest scenario (interp.c) */
#define FL_VIOL_MSG	200

struct fl_store {
	uint8_t mm;		/* process that stored */
	int8_t tid;		/* thread, -1 for init */
	uint16_t vpn;
	uint8_t word;
	uint8_t pfn;		/* frame it landed in */
	uint8_t via_tlb_hit;
	uint64_t val;
	uint32_t step;
	uint32_t seq;		/* fl_chk.clock when it landed; 0 = not yet */
	uint8_t via_pin;	/* a device's store through a pin, not the CPU's */
};

/*
 * What a pin or a pipe buffer refers to.  A pin view stays "valid" while
 * the mapping it was taken on is untouched; then device and process must
 * agree on the data.  A pipe view (vmsplice) only must not show another
 * process's private data.
 */
#define FL_MAX_VIEWS 32
struct fl_view {
	uint8_t used, valid, pipe;
	int8_t mm;
	int16_t vpn;
	int16_t pfn;
};

/*
 * One UFFDIO_WRITEPROTECT(on) in flight; a thread runs one at a time, so
 * the slot is the thread's.  What it promises is decided per call, not
 * per page: another protect of the same page, begun meanwhile, has its own.
 */
struct fl_wp_call {
	uint8_t active;
	int8_t mm;
	uint8_t tainted[FL_VPNS];	/* an unprotect (or wp dropped) overlapped this call on the page */
	uint8_t covered[FL_VPNS];	/* its change_protection left the page's PTE uffd-wp (present or swap) */
};

struct fl_violation {
	uint32_t step;
	int8_t tid;
	char msg[FL_VIOL_MSG];
};

struct fl_check_state {
	fl_propset found;
	struct fl_violation first[FL_PROP__COUNT];
	int nstores;
	struct fl_store stores[FL_MAX_STORES];
	uint16_t spec_priv[FL_MAX_MM][FL_VPNS][FL_PAGE_WORDS];		/* store tag */
	uint16_t spec_shm[FL_MAX_SHMEM][FL_SHMEM_PAGES][FL_PAGE_WORDS];
	uint8_t clear_refs_done[FL_MAX_MM];		/* a clear_refs has returned */
	uint16_t sd_store[FL_MAX_MM][FL_VPNS];	/* first store after the last clear_refs returned */
	bool sd_tracked;			/* the scenario uses clear_refs */
	uint32_t clock;				/* orders store landings and forks */
	uint32_t wp_held[FL_MAX_MM][FL_VPNS];	/* step+1 at which user space came to hold the protection */
	uint8_t wp_off_active[FL_MAX_MM][FL_VPNS];	/* unprotects in progress */
	uint32_t ro_held[FL_MAX_MM][FL_VPNS];	/* step+1 at which mprotect(ro/none) returned for the page */
	uint8_t mprotect_active[FL_MAX_MM][FL_VPNS];	/* mprotect calls in progress on the page */
	struct fl_wp_call wp_call[FL_SIM_MAX_THREADS + 1];	/* protects in flight, by thread (init: 0) */
	uint32_t born_seq[FL_MAX_MM];		/* stores landed up to this clock predate the fork */
	/* fork's early copy of a pinned page: the child's data is what the page held at the copy. */
	uint16_t fork_snap[FL_MAX_MM][FL_VPNS][FL_PAGE_WORDS];
	uint8_t fork_snap_valid[FL_MAX_MM][FL_VPNS];
	/*
	 * A pin's view is valid only if no munmap/exit of its address came
	 * between GUP finding the page and the harness recording the pin:
	 * zero_range counts per page, GUP notes the count it saw, per thread.
	 */
	uint16_t unmap_gen[FL_MAX_MM][FL_VPNS];
	uint16_t grab_gen[FL_SIM_MAX_THREADS + 1];	/* by thread (init: 0) */
	int nviews;
	struct fl_view view[FL_MAX_VIEWS];
};

extern struct fl_check_state fl_chk;



/*
 * The checker's state is part of the machine snapshot: fl_check_restore()
 * puts back what fl_chk was when @snap was copied from it, cheaply.
 */
void fl_check_restore(const struct fl_check_state *snap);

/* Record a violation of @p at the current step (first one per execution wins). */
void fl_violate(enum fl_prop p, int tid, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* --- spec memory (spec.c) ---------------------------------------------- */
void fl_spec_reset(void);
/* GUP grabbed the page mapped at @vpn (mm/hooks.h gup_grabbed). */
void fl_spec_gup_grabbed(int mm, int vpn);
/* Allocate the tag for a store about to be performed. */
uint32_t fl_spec_new_store(int mm, int tid, int vpn, int word, uint64_t val);
/* The store landed (hw access completed); apply it to the spec. */
void fl_spec_store_done(uint32_t tag, const struct fl_uacc *a);
/* A load completed: compare with the spec. */
void fl_spec_load_done(int mm, int tid, int vpn, int word, const struct fl_uacc *a);
/* Compare what memory holds (@got, a store tag) with the spec. */
void fl_spec_compare(int mm, int tid, int vpn, int word, uint32_t got, const char *when);
/* Address-space changes. */
void fl_spec_zero_range(int mm, int start, int end);
void fl_spec_fork(int parent, int child);
/* fork copied this page for the child early (pinned): snapshot the parent's spec now. */
void fl_spec_fork_copy_page(int parent, int child, int vpn);
void fl_spec_clear_refs_done(int mm);
/* UFFDIO_WRITEPROTECT on [start, end) by thread @tid begins / returns (@ok: it succeeded). */
void fl_spec_uffd_wp_begin(int mm, int tid, int start, int end, bool enable);
void fl_spec_uffd_wp_end(int mm, int tid, int start, int end, bool enable, bool ok);
/* That call's change_protection left @vpn's PTE carrying the uffd-wp bit (under the PTL). */
void fl_spec_uffd_wp_covered(int mm, int tid, int vpn);
uint32_t fl_spec_shm_obj(int obj, int pgoff);
void fl_spec_shm_hole(int obj, int pgoff, int pfn);
/* UFFDIO_REGISTER took VM_UFFD_WP off [start, end): no write-protection is promised there any more. */
void fl_spec_uffd_wp_dropped(int mm, int start, int end);
/* mprotect on [start, end) begins / returns (@ro: no write permission left; @ok: it returned 0). */
void fl_spec_mprotect_begin(int mm, int tid, int start, int end);
void fl_spec_mprotect_end(int mm, int tid, int start, int end, bool ro, bool ok);
/* A page whose first word was written by @tag became visible at @vpn (UFFDIO_COPY). */
void fl_spec_page_filled(int mm, int vpn, uint32_t tag, int pfn);
/* Footprint objects a user access adds (spec page, soft-dirty epoch). */
void fl_spec_access_footprint(int mm, int vpn, bool write, struct fl_footprint *fp);
const char *fl_spec_store_str(uint32_t tag, char *buf, int len);

/*
 * --- pins and pipes (spec.c) --------------------------------------------
 * The table is shared by the threads: view_add and view_drop run in a
 * step whose footprint writes FL_OBJ(FL_OT_VIEWS, 0) (the harness
 * announces it); view_find announces its read itself.
 */
int fl_spec_view_add(int mm, int vpn, int pfn, bool pipe);
int fl_spec_view_find(int mm, int vpn, bool pipe);	/* latest one still held, or -1 */
/* The latest one at (mm, vpn) is released (unpin_user_page): no device access through it any more. */
void fl_spec_view_drop(int mm, int vpn, bool pipe);
/* A device reads / writes word @word through pin view @v; a reader reads pipe view @v. */
uint64_t fl_spec_pin_read(int v, int tid, int word);
void fl_spec_pin_write(int v, int tid, int word, uint64_t val);
uint64_t fl_spec_pipe_read(int v, int tid, int word);

/*
 * The GUP contract at a return (seed 002): @pages (npages slots, poisoned
 * by the caller beforehand) is given iff FOLL_GET|FOLL_PIN; a return of
 * n > 0 means pages[0..n-1] were all filled with held pages; 0 is never a
 * success.  Then the caller uses what it got, as vfio does: a garbage
 * slot dereferenced is a wild access (use-after-free).
 */
void fl_check_gup_return(int tid, long ret, unsigned gup_flags, const int *pages, int npages);

/* --- end-of-execution checks (final.c) --------------------------------- */
/* Read back every mapped address, pagemap soft-dirty, stale PTE/TLB entries. */
void fl_check_final_state(void);
/* After teardown: no page may remain allocated, and no swap slot in use. */
void fl_check_no_page_leak(void);

#endif
