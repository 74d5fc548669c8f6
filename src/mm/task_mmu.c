/* SPDX-License-Identifier: MIT */
/*
 * mm/task_mmu.c - /proc/PID/clear_refs (soft-dirty) and /proc/PID/pagemap.
 *
 * clear_refs_write(4) write-protects every present PTE and clears its
 * soft-dirty bit, so the next write faults and pte_mkdirty() marks it
 * soft-dirty again.  Three switches shape it (policy.c):
 *  - clear_refs_lock: walk under a downgraded read lock (faults run
 *    concurrently) or under the write lock (29a951dfb3c3, v5.11);
 *  - clear_refs_flush: the fullmm mmu_gather flush, its elision by
 *    0758cd830494 (nothing batched, no flush: seed 000 race R4), or the
 *    explicit flush_tlb_mm of 912efa17e512 (v5.12);
 *  - clear_refs_skip_pinned: leave maybe-pinned pages alone (9348b73c2e1b).
 */
#include <errno.h>
#include "mm/mm.h"

/* pte_is_pinned (9348b73c2e1b): a writable COW PTE of a maybe-pinned page. */
static bool pte_is_pinned(const struct fl_vma *vma, int mm, pte_t pte)
{
	int pfn;

	if (!pte_write(pte))
		return false;
	if (!is_cow_mapping(vma->vm_flags))
		return false;
	fl_sim_yield(fl_obj_mmflags(mm), FL_ACC_R, "has_pinned");
	if (!fl_mm.mm[mm].has_pinned)
		return false;
	pfn = fl_vm_normal_page(vma, pte);
	return pfn >= 0 && fl_page_maybe_dma_pinned(pfn);
}

/* clear_soft_dirty.  Enter: PTL held. */
static void clear_soft_dirty(struct fl_vma *vma, int mm, int vpn)
{
	pte_t ptent = fl_ptep_get(mm, vpn), old;

	if (is_swap_pte(ptent)) {
		fl_set_pte_at(mm, vpn, pte_swp_clear_soft_dirty(ptent));
		FL_TRACE("%s: swap pte -> !soft-dirty", fl_va(vpn));
		return;
	}
	if (!pte_present(ptent))
		return;
	if (FL_POL(CLEAR_REFS_SKIP_PINNED) && pte_is_pinned(vma, mm, ptent)) {
		FL_TRACE("%s: maybe pinned, skipped", fl_va(vpn));
		return;
	}
	old = fl_ptep_modify_prot_start(mm, vpn);
	ptent = pte_clear_soft_dirty(pte_wrprotect(old));
	fl_ptep_modify_prot_commit(mm, vpn, ptent);
	FL_TRACE("%s: pte %s -> R, !soft-dirty (flush deferred)", fl_va(vpn), pte_write(old) ? "W" : "R");
}

static void clear_refs_walk(struct fl_task *t, int mm)
{
	for (int i = 0; i < FL_MAX_VMAS; i++) {
		struct fl_vma *v = &fl_mm.mm[mm].vma[i];

		if (!fl_vma_live(v))
			continue;
		for (int vpn = v->start; vpn < v->end; vpn++) {
			fl_pte_lock(t, mm, vpn);
			clear_soft_dirty(v, mm, vpn);
			fl_pte_unlock(t, mm, vpn);
		}
	}
}

/* Clear VM_SOFTDIRTY on every VMA.  Enter: mmap_lock write-held. */
static void clear_vma_softdirty(struct fl_task *t, int mm)
{
	fl_mmap_assert_write_locked(mm);
	/* vm_flags_clear write-locks each VMA (per-VMA locks): a fault may be reading vm_page_prot. */
	fl_vma_start_write_range(t, mm, 0, FL_VPNS, "clear_refs: VMAs write-locked");
	fl_sim_yield(fl_obj_vma(mm), FL_ACC_W, "clear VM_SOFTDIRTY");
	for (int i = 0; i < FL_MAX_VMAS; i++) {
		struct fl_vma *v = &fl_mm.mm[mm].vma[i];

		if (fl_vma_live(v)) {
			v->vm_flags &= ~VM_SOFTDIRTY;
			fl_vma_set_page_prot(v);
		}
	}
}

static bool any_vma_softdirty(int mm)
{
	fl_sim_yield(fl_obj_vma(mm), FL_ACC_R, "VM_SOFTDIRTY?");
	for (int i = 0; i < FL_MAX_VMAS; i++)
		if (fl_vma_live(&fl_mm.mm[mm].vma[i]) && (fl_mm.mm[mm].vma[i].vm_flags & VM_SOFTDIRTY))
			return true;
	return false;
}

static void vmas_wrprotect_pending(struct fl_task *t, int mm, int delta)
{
	for (int i = 0; i < FL_MAX_VMAS; i++)
		if (fl_vma_live(&fl_mm.mm[mm].vma[i]))
			fl_vma_wrprotect_pending(t, &fl_mm.mm[mm].vma[i], delta);
}

int fl_clear_refs_write(struct fl_task *t, int type)
{
	int mm = t->mm;
	bool write_locked = FL_POL(CLEAR_REFS_LOCK) == FL_CLEAR_REFS_LOCK_WRITE;
	int flush = FL_POL(CLEAR_REFS_FLUSH);
	struct mmu_gather tlb;

	if (type != 4)
		return -EINVAL;
	if (write_locked)
		fl_mmap_write_lock(t, mm);
	else
		fl_mmap_read_lock(t, mm);
	if (flush != FL_CLEAR_REFS_FLUSH_MM)
		fl_tlb_gather_mmu(&tlb, mm, true);	/* tlb_gather_mmu(&tlb, mm, 0, -1) */
	if (write_locked)
		clear_vma_softdirty(t, mm);
	if (flush == FL_CLEAR_REFS_FLUSH_MM)
		fl_inc_tlb_flush_pending(mm);
	if (!write_locked && any_vma_softdirty(mm)) {
		/* Drop the read lock to clear VM_SOFTDIRTY under the write lock, then downgrade. */
		fl_mmap_read_unlock(t, mm);
		fl_mmap_write_lock(t, mm);
		clear_vma_softdirty(t, mm);
		fl_mmap_write_downgrade(t, mm);
	}
	vmas_wrprotect_pending(t, mm, 1);
	clear_refs_walk(t, mm);
	if (flush == FL_CLEAR_REFS_FLUSH_MM) {
		fl_flush_tlb_mm(t, mm);
		fl_dec_tlb_flush_pending(mm);
	} else {
		/*
		 * Before 0758cd830494 a fullmm gather covered the whole address
		 * space from the start, so tlb_finish_mmu always flushed.  After
		 * it, only what was batched is flushed, and clear_refs batches
		 * nothing.
		 */
		if (flush == FL_CLEAR_REFS_FLUSH_GATHER) {
			tlb.start = 0;
			tlb.end = FL_VPNS;
		}
		fl_tlb_finish_mmu(t, &tlb);
	}
	vmas_wrprotect_pending(t, mm, -1);
	/* clear_refs returns with the unlock: stores after this must be reported. */
	if (write_locked)
		fl_mmap_write_unlock(t, mm);
	else
		fl_mmap_read_unlock(t, mm);
	return 0;
}

/* pte_to_pagemap_entry.  Runs under mmap_lock (read) and the PTL, as pagemap_read does. */
uint64_t fl_pagemap_read(struct fl_task *t, int mm, int vpn)
{
	struct fl_vma *vma;
	uint64_t pm = 0;
	pte_t pte;

	fl_mmap_read_lock(t, mm);
	vma = fl_find_vma(mm, vpn);
	if (vma) {
		fl_pte_lock(t, mm, vpn);
		pte = fl_ptep_get(mm, vpn);
		if (pte_present(pte)) {
			int pfn = fl_vm_normal_page(vma, pte);

			pm |= 1ull << 63;
			if (pte_soft_dirty(pte))
				pm |= 1ull << 55;
			if (pte_uffd_wp(pte))
				pm |= 1ull << 57;
			if (pfn >= 0 && fl_page_mapcount(pfn) == 1)
				pm |= 1ull << 56;
			if (pfn >= 0 && !(fl_page_flags(pfn) & PG_anon))
				pm |= 1ull << 61;	/* PM_FILE: a shmem page (found by faultline conform) */
		} else if (is_swap_pte(pte)) {
			pm |= 1ull << 62;	/* PM_SWAP; no page, so never PM_MMAP_EXCLUSIVE */
			if (pte_swp_soft_dirty(pte))
				pm |= 1ull << 55;
			if (pte_swp_uffd_wp(pte))
				pm |= 1ull << 57;
		}
		if (vma->vm_flags & VM_SOFTDIRTY)
			pm |= 1ull << 55;
		fl_pte_unlock(t, mm, vpn);
	}
	fl_mmap_read_unlock(t, mm);
	return pm;
}
