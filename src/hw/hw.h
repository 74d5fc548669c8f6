/* SPDX-License-Identifier: MIT */
/*
 * hw/hw.h - the simulated machine: CPUs with TLBs, page frames, page tables.
 *
 * The hardware is honest about TLBs (DESIGN.md decision 3):
 *  - a user access goes through the CPU's TLB; a hit uses the cached
 *    translation and permission even if the PTE changed since;
 *  - a miss is an atomic page walk that fills the TLB or raises a fault;
 *  - a write through an entry whose dirty bit is clear re-walks the PTE to
 *    set its dirty bit, as x86 does, and faults if the PTE no longer allows it;
 *  - entries go away only by flushes (remote by IPI), eviction, or the
 *    local invalidation a page fault implies.
 * Every user access is one atomic step: an IPI is only taken between
 * instructions, so a store that started with a translation completes before
 * the flush that removes it is acknowledged.
 *
 * The page tables are "memory" the walker reads, so their storage lives
 * here; their meaning and locking (PTL) belong to mm/.  All state is in
 * plain arrays, so a whole machine is copied with memcpy (explore/ restores
 * the post-init snapshot before each execution).
 */
#ifndef FL_HW_HW_H
#define FL_HW_HW_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim.h"

#define FL_MAX_CPUS	8
#define FL_MAX_MM	4	/* address spaces (one per process) */
/* Physical pages; pfn 0 is the shared zero page.  pfn + 1 must fit an int8_t (mm.h). */
#define FL_MAX_FRAMES	120
#define FL_PAGE_WORDS	8	/* 64-bit words per model page */
#define FL_VPNS		80	/* virtual pages per address space */
#define FL_PTES_PER_TABLE 16	/* one PTL per table: split PTL */
#define FL_TABLES	(FL_VPNS / FL_PTES_PER_TABLE)
#define FL_TLB_ENTRIES	8
#define FL_ZERO_PFN	0

/* --- objects (for footprints): one namespace for every layer ----------- */
enum fl_obj_type {
	FL_OT_TLB = 1,		/* a CPU's TLB */
	FL_OT_FRAME,		/* a frame's contents */
	FL_OT_PAGE,		/* struct page: refcount, mapcount, flags */
	FL_OT_PAGELOCK,		/* PG_locked */
	FL_OT_PTE,		/* one PTE */
	FL_OT_PTL,		/* a page table's spinlock */
	FL_OT_MMAP_LOCK,	/* mm->mmap_lock */
	FL_OT_VMA,		/* an mm's VMA list and VMA flags */
	FL_OT_MMFLAGS,		/* tlb_flush_pending, has_pinned */
	FL_OT_ALLOC,		/* the free-page list */
	FL_OT_PROC,		/* a process's existence */
	FL_OT_SPEC,		/* the spec memory of one virtual page */
	FL_OT_SDEPOCH,		/* "clear_refs returned" marker of an mm */
	FL_OT_SHMEM,		/* a shmem object's page cache */
	FL_OT_UFFD,		/* userfaultfd contexts: messages and waiters */
	FL_OT_SWAP,		/* 0: swap_map and the swap cache; 1 + slot: a slot's contents */
	FL_OT_VIEWS,		/* the pins and pipe buffers the harness holds (check/spec.c) */
	FL_OT_VMA_LOCK,		/* one VMA's rwsem (vma->vm_lock->lock): mm * FL_MAX_VMAS + slot */
	FL_OT_VMA_SEQ,		/* one VMA's vm_lock_seq: mm * FL_MAX_VMAS + slot */
	FL_OT_MM_SEQ,		/* an mm's mm_lock_seq */
	FL_OT_INODE,		/* a shmem file's inode: i_rwsem, and i_private (a hole punch in progress) */
	/* 0x1f0: sim/rcu.h's per-thread RCU read-side state */
};
#define FL_OBJ(type, idx)	(((uint32_t)(type) << 20) | (uint32_t)(idx))
#define FL_OBJ_TYPE(o)		((o) >> 20)
#define FL_OBJ_IDX(o)		((o) & 0xfffffu)
#define FL_OBJ_PTE(mm, vpn)	FL_OBJ(FL_OT_PTE, (mm) * FL_VPNS + (vpn))
#define FL_OBJ_SPEC(mm, vpn)	FL_OBJ(FL_OT_SPEC, (mm) * FL_VPNS + (vpn))
/*
 * The private spec memory of a whole mm, as fork's snapshot sees it.  The
 * snapshot reads every page's spec at once, more objects than a footprint
 * holds, so it writes this one instead, and every step that writes a
 * private spec page without being ordered against fork otherwise (a
 * device's DMA through a pin: no TLB, no PTE, no mmap_lock) reads it as
 * well as the page's own object.  Reads never conflict with each other, so
 * those steps stay independent of one another.
 */
#define FL_OBJ_SPEC_MM(mm)	FL_OBJ(FL_OT_SPEC, 0x70000 + (mm))

/* --- PTE format (x86-like; software bits where x86 has them) ----------- */
typedef uint32_t pte_t;
#define _PAGE_PRESENT	(1u << 0)
#define _PAGE_RW	(1u << 1)
#define _PAGE_ACCESSED	(1u << 5)	/* "young" */
#define _PAGE_DIRTY	(1u << 6)
#define _PAGE_PROTNONE	(1u << 8)	/* PROT_NONE: pte_present() but not walkable */
#define _PAGE_SPECIAL	(1u << 9)	/* no struct page refcounting (zero page) */
#define _PAGE_UFFD_WP	(1u << 10)
#define _PAGE_SOFT_DIRTY (1u << 11)
#define FL_PTE_PFN_SHIFT 16

static inline uint32_t pte_pfn(pte_t p) { return p >> FL_PTE_PFN_SHIFT; }
static inline bool pte_none(pte_t p) { return p == 0; }
static inline bool pte_present(pte_t p) { return p & (_PAGE_PRESENT | _PAGE_PROTNONE); }
static inline bool pte_write(pte_t p) { return p & _PAGE_RW; }
static inline bool pte_dirty(pte_t p) { return p & _PAGE_DIRTY; }
static inline bool pte_young(pte_t p) { return p & _PAGE_ACCESSED; }
static inline bool pte_special(pte_t p) { return p & _PAGE_SPECIAL; }
static inline bool pte_soft_dirty(pte_t p) { return p & _PAGE_SOFT_DIRTY; }
static inline bool pte_uffd_wp(pte_t p) { return p & _PAGE_UFFD_WP; }
static inline pte_t pte_wrprotect(pte_t p) { return p & ~_PAGE_RW; }
static inline pte_t pte_mkwrite(pte_t p) { return p | _PAGE_RW; }
static inline pte_t pte_mkclean(pte_t p) { return p & ~_PAGE_DIRTY; }
/* x86 pte_mkdirty sets the soft-dirty bit too: that is how soft-dirty tracks writes. */
static inline pte_t pte_mkdirty(pte_t p) { return p | _PAGE_DIRTY | _PAGE_SOFT_DIRTY; }
static inline pte_t pte_mkyoung(pte_t p) { return p | _PAGE_ACCESSED; }
static inline pte_t pte_clear_soft_dirty(pte_t p) { return p & ~_PAGE_SOFT_DIRTY; }
static inline pte_t pte_mkspecial(pte_t p) { return p | _PAGE_SPECIAL; }
static inline pte_t pfn_pte(uint32_t pfn, uint32_t prot) { return (pfn << FL_PTE_PFN_SHIFT) | prot; }
static inline bool pte_same(pte_t a, pte_t b) { return a == b; }
static inline pte_t pte_mksoft_dirty(pte_t p) { return p | _PAGE_SOFT_DIRTY; }
static inline pte_t pte_mkuffd_wp(pte_t p) { return p | _PAGE_UFFD_WP; }

/*
 * Swap entries: a PTE that is neither none nor present holds a swap slot
 * where the pfn would be (one swap device, so the entry is the slot).
 * x86 keeps three software bits in bits the swap entry leaves free, and
 * they mean something only while the PTE is not present: soft-dirty in
 * bit 1 (_PAGE_RW's place), uffd-wp in bit 2 (_PAGE_USER's) and, from
 * v5.19 (1493a1913e34), "the page was exclusive" in bit 3 (_PAGE_PWT's).
 * _PAGE_SWP is the model's own marker: x86 recognises a swap entry only
 * by !none && !present; the marker keeps every swap PTE non-zero.
 */
#define _PAGE_SWP_SOFT_DIRTY	_PAGE_RW
#define _PAGE_SWP_UFFD_WP	(1u << 2)
#define _PAGE_SWP_EXCLUSIVE	(1u << 3)
#define _PAGE_SWP		(1u << 12)

static inline bool is_swap_pte(pte_t p) { return !pte_none(p) && !pte_present(p); }
static inline pte_t swp_entry_to_pte(uint32_t slot) { return (slot << FL_PTE_PFN_SHIFT) | _PAGE_SWP; }
static inline uint32_t pte_to_swp_entry(pte_t p) { return p >> FL_PTE_PFN_SHIFT; }	/* the slot */
static inline bool pte_swp_soft_dirty(pte_t p) { return p & _PAGE_SWP_SOFT_DIRTY; }
static inline pte_t pte_swp_mksoft_dirty(pte_t p) { return p | _PAGE_SWP_SOFT_DIRTY; }
static inline pte_t pte_swp_clear_soft_dirty(pte_t p) { return p & ~_PAGE_SWP_SOFT_DIRTY; }
static inline bool pte_swp_uffd_wp(pte_t p) { return p & _PAGE_SWP_UFFD_WP; }
static inline pte_t pte_swp_mkuffd_wp(pte_t p) { return p | _PAGE_SWP_UFFD_WP; }
static inline pte_t pte_swp_clear_uffd_wp(pte_t p) { return p & ~_PAGE_SWP_UFFD_WP; }
static inline bool pte_swp_exclusive(pte_t p) { return p & _PAGE_SWP_EXCLUSIVE; }
static inline pte_t pte_swp_mkexclusive(pte_t p) { return p | _PAGE_SWP_EXCLUSIVE; }
static inline pte_t pte_swp_clear_exclusive(pte_t p) { return p & ~_PAGE_SWP_EXCLUSIVE; }

/*
 * PTE markers (v5.19): a non-present PTE that holds no swap entry, only
 * information - here PTE_MARKER_UFFD_WP, the uffd-wp bit of a PTE whose
 * page was zapped or never mapped.  The kernel gives markers a swap type
 * of their own; the model uses slot 0 (the swap header, never handed
 * out) with the swap uffd-wp bit, so pagemap reports a marker as the
 * kernel does: swapped | uffd_wp.
 */
static inline pte_t make_pte_marker_uffd_wp(void) { return swp_entry_to_pte(0) | _PAGE_SWP_UFFD_WP; }
static inline bool is_pte_marker(pte_t p) { return is_swap_pte(p) && pte_to_swp_entry(p) == 0; }
static inline bool pte_marker_uffd_wp(pte_t p) { return is_pte_marker(p) && pte_swp_uffd_wp(p); }
/* pte_none_mostly: none, or a marker (what UFFDIO_COPY may fill, what a fault treats as missing). */
static inline bool pte_none_mostly(pte_t p) { return pte_none(p) || is_pte_marker(p); }

/* --- state -------------------------------------------------------------- */
struct fl_tlbe {
	uint8_t valid;
	uint8_t mm;
	uint8_t writable;
	uint8_t dirty;
	uint16_t vpn;
	uint16_t pfn;
	uint32_t gen;		/* frame generation at fill: a mismatch is a stale entry to a freed frame */
};

struct fl_cpu {
	struct fl_tlbe tlb[FL_TLB_ENTRIES];
	uint8_t next_victim;	/* round-robin eviction when the TLB is full */
};

struct fl_frame {
	uint64_t w[FL_PAGE_WORDS];
	uint32_t tag[FL_PAGE_WORDS];	/* store that wrote each word (check/spec.c); 0 = zero-fill */
	uint32_t gen;			/* bumped when the frame is freed */
	uint8_t free;
};

struct fl_hw {
	int ncpus;
	struct fl_cpu cpu[FL_MAX_CPUS];
	pte_t pgtable[FL_MAX_MM][FL_VPNS];
	uint32_t pte_gen[FL_MAX_MM][FL_VPNS];	/* shadow: frame gen when the PTE was set */
	/*
	 * Frames at or above this were never allocated, so they are still as
	 * fl_page_alloc_init() left them: a restore copies only the ones below
	 * (frame[] comes last for that).
	 */
	int frames_used;
	struct fl_frame frame[FL_MAX_FRAMES];
};
_Static_assert(FL_MAX_FRAMES <= 127, "pfn + 1 is kept in int8_t fields");

extern struct fl_hw fl_hw;

static inline uint32_t fl_obj_tlb(int cpu) { return FL_OBJ(FL_OT_TLB, cpu); }
static inline uint32_t fl_obj_frame(uint32_t pfn) { return FL_OBJ(FL_OT_FRAME, pfn); }

/* --- the user access (hw/access.c) --------------------------------------- */
enum fl_uacc_result {
	FL_UACC_DONE,		/* the load/store completed */
	FL_UACC_FAULT,		/* page fault: the kernel must handle it, then retry */
};

struct fl_uacc {
	int cpu, mm, vpn, word;
	bool write;
	uint64_t val;		/* value to store */
	uint32_t tag;		/* store id to record with it */
	/* results */
	uint64_t rval;		/* loaded value */
	uint32_t rtag;		/* and who wrote it */
	uint32_t pfn;		/* frame accessed */
	bool tlb_hit;
	bool stale_gen;		/* accessed a frame freed since the translation was made */
	bool pte_dirtied;	/* hardware set the PTE dirty bit */
};

/* Run the access: one atomic step. */
enum fl_uacc_result fl_hw_access(struct fl_uacc *a);
/* The footprint fl_hw_access(a) would have now (no side effects). */
void fl_hw_access_footprint(const struct fl_uacc *a, struct fl_footprint *fp);

/* --- TLB maintenance (hw/tlb.c) ------------------------------------------ */
struct fl_tlbe *fl_tlb_find(int cpu, int mm, int vpn);
void fl_tlb_fill(int cpu, int mm, int vpn, pte_t pte);
/* Drop entries on every CPU (the IPI broadcast); return how many CPUs had one. */
int fl_tlb_flush_page_all(int mm, int vpn);
int fl_tlb_flush_range_all(int mm, int vpn_start, int vpn_end);
int fl_tlb_flush_mm_all(int mm);
void fl_tlb_flush_page_local(int cpu, int mm, int vpn);
/* Footprint of a broadcast flush: every CPU's TLB, written. */
void fl_tlb_flush_footprint(struct fl_footprint *fp);

void fl_hw_reset(int ncpus);

#endif
