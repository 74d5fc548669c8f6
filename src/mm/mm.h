/* SPDX-License-Identifier: MIT */
/*
 * mm/mm.h - the kernel model: struct page, VMAs, mm_struct, locks.
 *
 * One file per kernel area, with the kernel's function names: an fl_
 * prefix on what other files call (handle_mm_fault is fl_handle_mm_fault),
 * none on what stays inside one file (do_wp_page); the trace prints them
 * without the prefix, so a reader can find the real code.  Every function that
 * touches shared state announces the access first (sim.h), so the explorer
 * owns every interleaving.  Behaviour that changed across releases is read
 * from policy/ at the one place where the kernel's code differs.
 *
 * Simplifications (see docs/model.md):
 *  - one PTE level; FL_PTES_PER_TABLE PTEs share one PTL (split PTL);
 *  - no THP, no KSM, no LRU pagevecs: their extra page references are
 *    what the litmus get_page()/put_page() stand for;
 *  - swap is one device of FL_SWAP_SLOTS slots with a swap cache, filled
 *    by madvise(MADV_PAGEOUT) only (swap.c, madvise.c);
 *  - the rwsem is not fair (a waiting writer does not hold off readers).
 */
#ifndef FL_MM_MM_H
#define FL_MM_MM_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/hw.h"
#include "policy/policy.h"
#include "sim/log.h"
#include "sim/rcu.h"
#include "sim/sim.h"

#define FL_MAX_VMAS	16
#define FL_MAX_SHMEM	8
#define FL_SHMEM_PAGES	8

/* struct page flags */
#define PG_anon			(1u << 0)
#define PG_swapcache		(1u << 1)
#define PG_locked		(1u << 2)
#define PG_anon_exclusive	(1u << 3)
#define PG_reserved		(1u << 4)	/* the zero page */
#define PG_shmem		(1u << 5)
#define PG_dirty		(1u << 6)	/* set_page_dirty: the swap slot, if any, is stale */
#define PG_isolated		(1u << 7)	/* off the LRU: isolate_lru_page took it (the kernel clears PG_lru) */

struct fl_page {
	int16_t refcount;	/* page_count() */
	int16_t mapcount;	/* page_mapcount(): PTEs mapping it */
	uint16_t flags;
	int8_t lock_owner;	/* tid + 1 holding PG_locked, for traces */
	int8_t private;		/* page_private(): the swap slot of a PG_swapcache page */
};

/* vm_flags */
#define VM_READ		(1u << 0)
#define VM_WRITE	(1u << 1)
#define VM_SHARED	(1u << 3)
#define VM_MAYWRITE	(1u << 5)
#define VM_UFFD_MISSING	(1u << 9)
#define VM_UFFD_WP	(1u << 12)
#define VM_LOCKED	(1u << 13)	/* mlock: populated now, kept out of reclaim; not inherited by fork */
#define VM_PFNMAP	(1u << 10)
#define VM_IO		(1u << 14)
#define VM_DONTCOPY	(1u << 17)
#define VM_MIXEDMAP	(1u << 28)
#define VM_SOFTDIRTY	(1u << 27)

struct fl_vma {
	uint8_t used;
	uint16_t start, end;	/* virtual pages [start, end) */
	uint32_t vm_flags;
	uint32_t vm_page_prot;	/* PTE bits a fault installs (vma_set_page_prot) */
	int8_t shmem;		/* shared anon: the shmem object, else -1 */
	uint16_t pgoff;		/* page offset of start inside the shmem object */
	uint8_t anon_vma;	/* anon_vma_prepare() done: fork copies its PTEs */
	uint8_t detached;	/* munmap: off the VMA list, PTEs not yet zapped and flushed */
	int8_t wrprotect_pending;	/* F5 (proposed): write-protects with a flush still to come */
};

/* is_cow_mapping: private and may become writable (every private mapping in the model). */
static inline bool is_cow_mapping(uint32_t vm_flags)
{
	return (vm_flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

/* On the mm's VMA list (find_vma sees it).  A detached VMA still backs its old PTEs. */
static inline bool fl_vma_live(const struct fl_vma *v)
{
	return v->used && !v->detached;
}

struct fl_rwsem {
	int8_t readers;
	int8_t writer;		/* tid + 1, or -1 for the init phase, 0 when free */
};

struct fl_spinlock {
	int8_t owner;		/* tid + 1, -1 for init, 0 when free */
};

/*
 * The per-VMA lock of one VMA slot (include/linux/mm_types.h: vm_lock,
 * vm_lock_seq), kept beside the VMA so that copying a struct fl_vma
 * (vm_area_dup, split) never copies lock state.  The slot is the VMA's
 * memory: gen counts its allocations, and freed says how the last one
 * ended, so a thread still holding the old pointer is caught (vma_lock.c).
 */
struct fl_vma_lock {
	struct fl_rwsem lock;		/* the per-VMA rwsem */
	uint8_t readers_mask;		/* which tids hold it for read (for race reports) */
	uint8_t write_waiters;		/* threads blocked in down_write (RWSEM_FLAG_WAITERS) */
	uint8_t freed;			/* FL_VMA_LIVE, FL_VMA_FREED (kmem_cache_free), FL_VMA_RCU (call_rcu pending) */
	uint16_t gen;			/* allocations of this slot */
	uint32_t vm_lock_seq;		/* masked to the seq width; "-1" is the mask */
	uint32_t ghost_epoch;		/* mm ghost epoch it was write-locked in (0: never): no wrap */
	uint32_t free_stamp;		/* fl_rcu_stamp() of the free */
};
enum { FL_VMA_LIVE, FL_VMA_FREED, FL_VMA_RCU, FL_VMA_TYPESAFE };

struct fl_mm {
	uint8_t live;
	struct fl_rwsem mmap_lock;
	uint32_t mm_lock_seq;		/* per-VMA locks: bumped by mmap_write_unlock/downgrade (masked) */
	uint32_t ghost_epoch;		/* the same count, unmasked, from 1: the oracle's epoch */
	int8_t tlb_flush_pending;	/* inc_/dec_tlb_flush_pending */
	uint8_t has_pinned;
	uint32_t write_protect_seq;	/* odd while fork copies a COW mapping (gup_fast_fork) */
	struct fl_spinlock ptl[FL_TABLES];
	struct fl_vma vma[FL_MAX_VMAS];
	struct fl_vma_lock vl[FL_MAX_VMAS];
	uint8_t fault_mask[FL_MAX_VMAS];	/* tids whose fault holds the VMA's read lock (oracle) */
};

/* A thread sleeping in handle_userfault, and the message it queued. */
struct fl_uffd_waiter {
	uint8_t used;
	uint8_t woken;		/* wake_userfault() reached it */
	uint8_t msg_pending;	/* not yet read by a monitor */
	uint8_t wp;		/* UFFD_PAGEFAULT_FLAG_WP, else a missing fault */
	int8_t mm;
	int16_t vpn;
};

struct fl_shmem {
	uint8_t used;
	int8_t page[FL_SHMEM_PAGES];	/* pfn + 1 in the page cache, 0 if none */
	/*
	 * The swap entry that stands in the page cache for a page
	 * shmem_writepage swapped out (the xarray's value entry), 0 if none.
	 * It holds one swap count of its slot; no PTE refers to it.
	 */
	int8_t swap[FL_SHMEM_PAGES];
	uint8_t wp[FL_SHMEM_PAGES];	/* counterfactual uffd_wp_markers=in_file: the bit, shared by every mapper */
	/* The inode: i_rwsem held for write by a fallocate (tid + 1), and i_private. */
	int8_t i_rwsem;
	uint8_t falloc_active;		/* i_private = &shmem_falloc */
	uint8_t falloc_start, falloc_next;	/* shmem_falloc.start, .next */
	uint8_t falloc_seq;		/* punches finished: a waiter wakes when it changes (wake_up_all) */
};
static inline uint32_t fl_obj_inode(int obj) { return FL_OBJ(FL_OT_INODE, obj); }

/*
 * One swap device.  swap_map[] counts the swap PTEs that refer to a slot;
 * the swap cache maps a slot to the page that holds its data in memory
 * (SWAP_HAS_CACHE is "cache != 0": the model adds a page to the cache in
 * the same step as it claims the slot).  A slot is free when both are 0.
 * Slot 0 is the swap header and never handed out.
 */
#define FL_SWAP_SLOTS	32
struct fl_swap_slot {
	uint8_t count;			/* swap_map: swap PTEs referring to the slot */
	int8_t cache;			/* pfn + 1 of the swap cache page, 0 if none */
	uint64_t w[FL_PAGE_WORDS];	/* what pageout wrote */
	uint32_t tag[FL_PAGE_WORDS];	/* and the stores that wrote it (check/spec.c) */
};

struct fl_mm_state {
	struct fl_page page[FL_MAX_FRAMES];
	int8_t free_list[FL_MAX_FRAMES];	/* LIFO: a freed page is reused first */
	int nfree;
	struct fl_mm mm[FL_MAX_MM];
	struct fl_shmem shmem[FL_MAX_SHMEM];
	struct fl_uffd_waiter uffd_waiter[FL_SIM_MAX_THREADS];	/* indexed by tid */
	struct fl_swap_slot swap[FL_SWAP_SLOTS];
	uint8_t swapon;		/* a swap device exists (the scenario uses swap); fixed for a run */
};

extern struct fl_mm_state fl_mm;

/* Thread context for kernel code: which task (mm) and CPU we run as. */
struct fl_task {
	int tid;		/* simulated thread, -1 in init */
	int mm;
	int cpu;
};

/* Fault flags (subset of FAULT_FLAG_*) and results (VM_FAULT_*). */
#define FAULT_FLAG_WRITE	(1u << 0)
#define FAULT_FLAG_ALLOW_RETRY	(1u << 2)
#define FAULT_FLAG_UNSHARE	(1u << 10)	/* c89357e27f20 (v5.19): make exclusive, not writable */
#define FAULT_FLAG_TRIED	(1u << 5)
#define FAULT_FLAG_VMA_LOCK	(1u << 12)	/* the fault holds the VMA's lock, not mmap_lock */
#define VM_FAULT_OOM		(1u << 0)
#define VM_FAULT_SIGBUS		(1u << 1)
#define VM_FAULT_WRITE		(1u << 3)
#define VM_FAULT_NOPAGE		(1u << 8)	/* ->map_pages / ->fault installed the PTE itself */
#define VM_FAULT_SIGSEGV	(1u << 6)
#define VM_FAULT_RETRY		(1u << 10)

/* A VMA pointer a reader holds across steps: the slot and the allocation it saw. */
struct fl_vma_ref {
	int mm, slot;
	uint16_t gen;
	/* vma_seq_order=relaxed: the fault's early loads of vm_flags / vm_page_prot (valid if early). */
	bool early;
	uint32_t vm_flags, vm_page_prot;
};

struct vm_fault {
	struct fl_task *task;
	struct fl_vma *vma;
	int mm;
	int vpn;
	unsigned flags;		/* FAULT_FLAG_* */
	struct fl_vma_ref vref;	/* with FAULT_FLAG_VMA_LOCK: the locked VMA */
	pte_t orig_pte;		/* snapshot taken before the PTL: re-checked after every relock */
	int page;		/* pfn of the page behind orig_pte, -1 if none */
};

/* --- object ids -------------------------------------------------------- */
static inline uint32_t fl_obj_page(int pfn) { return FL_OBJ(FL_OT_PAGE, pfn); }
static inline uint32_t fl_obj_pagelock(int pfn) { return FL_OBJ(FL_OT_PAGELOCK, pfn); }
static inline uint32_t fl_obj_ptl(int mm, int vpn) { return FL_OBJ(FL_OT_PTL, mm * FL_TABLES + vpn / FL_PTES_PER_TABLE); }
static inline uint32_t fl_obj_mmap_lock(int mm) { return FL_OBJ(FL_OT_MMAP_LOCK, mm); }
static inline uint32_t fl_obj_vma(int mm) { return FL_OBJ(FL_OT_VMA, mm); }
static inline uint32_t fl_obj_mmflags(int mm) { return FL_OBJ(FL_OT_MMFLAGS, mm); }
static inline uint32_t fl_obj_alloc(void) { return FL_OBJ(FL_OT_ALLOC, 0); }
/* swap_map and the swap cache of the one swap device (si->lock, the swap cache's xa_lock). */
static inline uint32_t fl_obj_swap(void) { return FL_OBJ(FL_OT_SWAP, 0); }
/* The data of one swap slot (the disk). */
static inline uint32_t fl_obj_swap_slot(int slot) { return FL_OBJ(FL_OT_SWAP, 1 + slot); }

static inline uint32_t fl_obj_vma_lock(int mm, int slot) { return FL_OBJ(FL_OT_VMA_LOCK, mm * FL_MAX_VMAS + slot); }
static inline uint32_t fl_obj_vma_seq(int mm, int slot) { return FL_OBJ(FL_OT_VMA_SEQ, mm * FL_MAX_VMAS + slot); }
static inline uint32_t fl_obj_mm_seq(int mm) { return FL_OBJ(FL_OT_MM_SEQ, mm); }

/* --- vma_lock.c: per-VMA locks (include/linux/mmap_lock.h, mm/mmap_lock.c) --- */
static inline int fl_vma_slot(int mm, const struct fl_vma *vma) { return (int)(vma - fl_mm.mm[mm].vma); }
static inline bool fl_per_vma_lock(void) { return FL_POL(PER_VMA_LOCK) != FL_PER_VMA_LOCK_OFF; }
void fl_vma_init_lock(int mm, int slot);			/* vma_init_lock / vm_area_dup */
void fl_vma_start_write(struct fl_task *t, int mm, struct fl_vma *vma);
void fl_vma_start_write_range(struct fl_task *t, int mm, int start, int end, const char *why);
bool fl_vma_start_read(struct fl_task *t, const struct fl_vma_ref *r);
void fl_vma_end_read(struct fl_task *t, const struct fl_vma_ref *r);
void fl_vma_assert_write_locked(int mm, const struct fl_vma *vma);
/* A writer changes @vma (its fields or the page tables under it): KCSAN-like check against VMA-locked readers. */
void fl_vma_modify(struct fl_task *t, int mm, const struct fl_vma *vma, const char *what);
void fl_vma_free(struct fl_task *t, int mm, int slot);
void fl_vma_mark_detached_wait(struct fl_task *t, int mm, int slot);	/* v6.15: readers drain first */	/* vm_area_free: at once or via call_rcu */
bool fl_vma_slot_reusable(int mm, int slot);
void fl_vma_mark_new_locked(int mm, struct fl_vma *vma);	/* a new VMA nobody can reach yet */
void fl_vma_write_unlock_mm(int mm);			/* mm_lock_seq++: in mmap_write_unlock/downgrade */
struct fl_vma *fl_lock_vma_under_rcu(struct fl_task *t, int vpn, struct fl_vma_ref *ref);
/* release_fault_lock: the VMA lock or mmap_lock, whichever the fault holds. */
void fl_release_fault_lock(struct vm_fault *vmf);

/* --- locking.c ------------------------------------------------------------ */
void fl_mmap_read_lock(struct fl_task *t, int mm);
void fl_mmap_read_unlock(struct fl_task *t, int mm);
void fl_mmap_write_lock(struct fl_task *t, int mm);
void fl_mmap_write_unlock(struct fl_task *t, int mm);
void fl_mmap_write_downgrade(struct fl_task *t, int mm);
void fl_mmap_assert_locked(int mm);
void fl_mmap_assert_write_locked(int mm);
/* pte_offset_map_lock / pte_unmap_unlock: the PTL of the table holding @vpn. */
void fl_pte_lock(struct fl_task *t, int mm, int vpn);
void fl_pte_unlock(struct fl_task *t, int mm, int vpn);
/* lockdep_assert_held(ptl): the running context holds that PTL (else a model bug). */
void fl_assert_pte_locked(int mm, int vpn);
bool fl_trylock_page(struct fl_task *t, int pfn);
void fl_lock_page(struct fl_task *t, int pfn);
void fl_unlock_page(struct fl_task *t, int pfn);

/* --- pgtable.c: PTE accessors that announce their access --------------- */
pte_t fl_ptep_get(int mm, int vpn);
void fl_set_pte_at(int mm, int vpn, pte_t pte);
void fl_set_pte_at_with(int mm, int vpn, pte_t pte, uint32_t extra_obj);
pte_t fl_ptep_get_and_clear(int mm, int vpn);
void fl_ptep_set_wrprotect(int mm, int vpn);
bool fl_ptep_test_and_clear_young(int mm, int vpn);
/* ptep_modify_prot_start/commit: get-and-clear, then set (two steps). */
pte_t fl_ptep_modify_prot_start(int mm, int vpn);
void fl_ptep_modify_prot_commit(int mm, int vpn, pte_t pte);
int fl_vm_normal_page(const struct fl_vma *vma, pte_t pte);	/* pfn or -1 */

/* --- page_alloc.c and rmap.c --------------------------------------------- */
int fl_alloc_page(struct fl_task *t);		/* refcount 1, contents undefined; -1 = OOM */
void fl_get_page(int pfn);
void fl_put_page(int pfn);			/* frees at refcount 0 */
void fl_put_page_refs(int pfn, int n, const char *what);
int fl_page_count(int pfn);
int fl_page_mapcount(int pfn);
bool fl_page_maybe_dma_pinned(int pfn);
void fl_page_add_new_anon_rmap(int pfn, bool exclusive);
void fl_page_add_anon_rmap(int pfn, bool exclusive);	/* one more mapping of an anon page (do_swap_page) */
void fl_page_dup_rmap(int pfn);
void fl_page_remove_rmap(int pfn);
void fl_page_set_flags(int pfn, unsigned set, unsigned clear);
unsigned fl_page_flags(int pfn);
void fl_clear_user_highpage(int pfn);		/* zero the frame */
void fl_copy_user_highpage(int dst, int src);	/* cow_user_page */
void fl_uffd_fill_page(int pfn, uint32_t tag, uint64_t value);	/* UFFDIO_COPY's copy_from_user */
void fl_page_alloc_init(void);
int fl_pages_in_use(void);

/* --- tlb.c: flushes and the mmu_gather ----------------------------------- */
void fl_flush_tlb_page(struct fl_task *t, int mm, int vpn);
void fl_flush_tlb_range(struct fl_task *t, int mm, int start, int end);
void fl_flush_tlb_mm(struct fl_task *t, int mm);
void fl_flush_tlb_mm_with(struct fl_task *t, int mm, uint32_t extra_obj);
void fl_inc_tlb_flush_pending(int mm);
void fl_dec_tlb_flush_pending(int mm);
bool fl_mm_tlb_flush_pending(int mm);

#define FL_GATHER_MAX 16
struct mmu_gather {
	int mm;
	bool fullmm;
	int start, end;		/* range to flush; start >= end: nothing batched */
	int npages;
	int16_t pages[FL_GATHER_MAX];	/* freed only after the flush */
};
void fl_tlb_gather_mmu(struct mmu_gather *tlb, int mm, bool fullmm);
void fl_tlb_remove_page(struct fl_task *t, struct mmu_gather *tlb, int vpn, int pfn);
void fl_tlb_finish_mmu(struct fl_task *t, struct mmu_gather *tlb);

/* --- memory.c: the fault path, zap, copy ------------------------------- */
unsigned fl_handle_mm_fault(struct fl_task *t, struct fl_vma *vma, int vpn, unsigned flags);
/* With FAULT_FLAG_VMA_LOCK from the arch code: @ref is the locked VMA, @vma what the fault reads of it. */
unsigned fl_handle_mm_fault_ref(struct fl_task *t, struct fl_vma *vma, int vpn, unsigned flags,
				const struct fl_vma_ref *ref);
/* unmap_mapping_pages: zap every PTE of every mm that maps pages [pgoff, pgoff + n) of shmem @obj. */
void fl_unmap_mapping_pages(struct fl_task *t, int obj, int pgoff, int n, bool drop_markers);
void fl_zap_page_range(struct fl_task *t, struct mmu_gather *tlb, struct fl_vma *vma, int start, int end);
int fl_copy_page_range(struct fl_task *t, int dst_mm, int src_mm, struct fl_vma *dst, struct fl_vma *src);

/* --- gup.c ---------------------------------------------------------------- */
#define FOLL_WRITE	0x01
#define FOLL_GET	0x04
#define FOLL_FORCE	0x10
#define FOLL_LONGTERM	0x10000
#define FOLL_PIN	0x40000
#define GUP_PIN_COUNTING_BIAS 1024
int fl_get_user_page(struct fl_task *t, int vpn, unsigned gup_flags, bool fast);
#define FL_GUP_POISON	(-1000)	/* what the harness puts in pages[] before a call */
long fl_get_user_pages_range(struct fl_task *t, int vpn, int npages, unsigned gup_flags, int *pages);
int fl_mm_populate(struct fl_task *t, int vpn, int npages);	/* mlock, MAP_POPULATE */
/* Enter: mmap_lock held; @locked NULL: it is never dropped (mprotect_fixup). */
long fl_populate_vma_page_range(struct fl_task *t, struct fl_vma *vma, int start, int end, bool *locked);
void fl_unpin_user_page(int pfn);

/* --- mmap.c ---------------------------------------------------------------- */
struct fl_vma *fl_find_vma(int mm, int vpn);
/* The same lookup without a step of its own: inside a step that already announced the VMA list. */
struct fl_vma *fl_vma_at(int mm, int vpn);
int fl_do_mmap(struct fl_task *t, int vpn, int npages, uint32_t vm_flags);	/* 0 or -errno */
int fl_do_mmap_file(struct fl_task *t, int vpn, int npages, uint32_t vm_flags, int obj, int pgoff);
int fl_do_munmap(struct fl_task *t, int vpn, int npages);
void fl_exit_mmap(struct fl_task *t, int mm);
int fl_madvise_dontfork(struct fl_task *t, int vpn, int npages);
/* remap_pfn_range (VM_IO | VM_PFNMAP) or vmf_insert_mixed-like special PTEs (VM_MIXEDMAP). */
int fl_map_device_pfns(struct fl_task *t, int vpn, int npages, bool pfnmap, int *pfns);
void fl_vma_set_page_prot(struct fl_vma *vma);
void fl_mm_init(int mm);
/* [start, end) covered by whole VMAs (a full VMA table is a limit of the model: fl_sim_limit). */
void fl_vma_split_range(int mm, int start, int end);

/* --- mlock.c ---------------------------------------------------------------- */
int fl_do_mlock(struct fl_task *t, int vpn, int npages);	/* 0 or -errno, as mlock(2) reports it */

/* --- mprotect.c ------------------------------------------------------------ */
int fl_do_mprotect(struct fl_task *t, int vpn, int npages, uint32_t prot);
#define MM_CP_TRY_CHANGE_WRITABLE (1u << 0)	/* 64fe24a3e05e (v6.0) */
#define MM_CP_UFFD_WP		(1u << 2)
#define MM_CP_UFFD_WP_RESOLVE	(1u << 3)
long fl_change_protection(struct fl_task *t, struct fl_vma *vma, int start, int end, uint32_t newprot,
			  unsigned cp_flags);
uint32_t fl_vm_get_page_prot(uint32_t vm_flags);
void fl_vma_wrprotect_pending(struct fl_task *t, struct fl_vma *vma, int delta);

/* --- swap.c: the swap device, the swap cache, reclaim (vmscan, rmap) ------ */
int fl_lookup_swap_cache(struct fl_task *t, int slot);	/* pfn with a reference, or -1 */
int fl_swapin_readahead(struct fl_task *t, int slot);	/* pfn with a reference, data read; -1 if gone */
void fl_swap_duplicate(int slot);
void fl_swap_free(int slot);
void fl_free_swap_and_cache(struct fl_task *t, int slot);
void fl_free_swap_cache(struct fl_task *t, int pfn);
bool fl_try_to_free_swap(int pfn);			/* page locked */
bool fl_reuse_swap_page(int pfn);			/* page locked */
bool fl_isolate_lru_page(int pfn);			/* with a reference */
int fl_folio_alloc_swap(int pfn);			/* a slot and the swap cache, in the caller's step */
void fl_reclaim_pages(struct fl_task *t, const int *pfns, const int *vpns, int n);
void fl_swap_reclaim_orphans(void);			/* harness teardown */

/* --- madvise.c -------------------------------------------------------------- */
int fl_madvise_pageout(struct fl_task *t, int vpn, int npages);
int fl_madvise_remove(struct fl_task *t, int vpn, int npages);	/* 0 or -errno */

/* --- fork.c ---------------------------------------------------------------- */
int fl_dup_mm(struct fl_task *t, int child_mm);

/* --- task_mmu.c ------------------------------------------------------------ */
int fl_clear_refs_write(struct fl_task *t, int type);
uint64_t fl_pagemap_read(struct fl_task *t, int mm, int vpn);

/* --- userfaultfd.c --------------------------------------------------------- */
#define UFFDIO_REGISTER_MODE_MISSING	1u
#define UFFDIO_REGISTER_MODE_WP		2u
static inline uint32_t fl_obj_uffd(void) { return FL_OBJ(FL_OT_UFFD, 0); }
int fl_userfaultfd_register(struct fl_task *t, int vpn, int npages, unsigned mode);
int fl_mwriteprotect_range(struct fl_task *t, int vpn, int npages, bool enable);
int fl_mcopy_atomic(struct fl_task *t, int vpn, uint64_t value, bool zeropage);
unsigned fl_handle_userfault(struct vm_fault *vmf, bool wp);
int fl_uffd_read_msg(struct fl_task *t);	/* 1: a message was read; 0: nothing can come any more */
static inline bool fl_userfaultfd_wp(const struct fl_vma *vma) { return vma->vm_flags & VM_UFFD_WP; }
static inline bool fl_userfaultfd_missing(const struct fl_vma *vma) { return vma->vm_flags & VM_UFFD_MISSING; }
/* userfaultfd_wp_use_markers: file-backed (shmem) uffd-wp with PTE markers (WP_UNPOPULATED is not modelled). */
static inline bool userfaultfd_wp_use_markers(const struct fl_vma *vma)
{
	return fl_userfaultfd_wp(vma) && vma->shmem >= 0 && FL_POL(UFFD_WP_MARKERS) == FL_UFFD_WP_MARKERS_PTE;
}

/* --- filemap.c ------------------------------------------------------------- */
unsigned fl_filemap_map_pages(struct vm_fault *vmf, int start, int end);

/* --- shmem.c ----------------------------------------------------------------- */
int fl_shmem_create(void);
#define FL_SHMEM_USERFAULT (-2)	/* not in the cache of a VM_UFFD_MISSING VMA: handle_userfault */
/* pfn, locked and with a reference; -1 OOM; FL_SHMEM_USERFAULT when @uffd_missing and absent */
int fl_shmem_get_page(struct fl_task *t, int obj, int pgoff, bool uffd_missing);
int fl_shmem_add_page(struct fl_task *t, int obj, int pgoff, int pfn);	/* 0, or -EEXIST */
int fl_shmem_find_get(int obj, int pgoff);	/* the cache's page with a speculative reference, or -1 */
void fl_shmem_release_all(void);
/* shmem_fallocate(FALLOC_FL_PUNCH_HOLE) over pages [pgoff, pgoff + n) of @obj: 0 or -errno. */
int fl_shmem_fallocate(struct fl_task *t, int obj, int pgoff, int n);
/* shmem_fault's i_private check: 0 (go on), VM_FAULT_RETRY (mmap_lock dropped) or VM_FAULT_NOPAGE. */
unsigned fl_shmem_falloc_wait(struct vm_fault *vmf, int obj, int pgoff);
/* Reclaim (swap.c) of a shmem page, locked and isolated: */
void fl_shmem_unmap_pte(struct fl_task *t, int mm, int vpn, pte_t pteval);	/* PTL held, PTE cleared */
int fl_shmem_writepage(struct fl_task *t, int pfn);
/* The counterfactual uffd_wp_markers=in_file: the uffd-wp bit kept in the page cache. */
bool fl_shmem_wp_bit(struct fl_task *t, int obj, int pgoff);
void fl_shmem_set_wp_bit(struct fl_task *t, int obj, int pgoff, bool on);	/* to the swap cache: slot, or 0 (redirtied) */
bool fl_shmem_remove_mapping(int pfn);		/* a clean page leaves the page cache: true if it may be freed */

/* --- fault.c: the user access (arch/x86/mm/fault.c) --------------------- */
struct fl_user_access {
	int word_off;		/* word within the page */
	int vpn;
	bool write;
	uint64_t val;
	uint64_t result;	/* loaded value, or 0 / FL_VAL_SEGV */
	bool segv;
};
void fl_user_access(struct fl_task *t, struct fl_user_access *ua);

#endif
