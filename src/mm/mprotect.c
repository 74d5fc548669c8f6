/* SPDX-License-Identifier: MIT */
/*
 * mm/mprotect.c - mprotect: mprotect_fixup, change_protection, change_pte_range.
 *
 * change_protection announces the deferred flush (inc_tlb_flush_pending),
 * rewrites each present PTE under its PTL with ptep_modify_prot_start /
 * _commit (an atomic get-and-clear, so a concurrent hardware dirty-bit
 * update cannot be lost), and flushes the range once at the end, and only
 * if some PTE changed.  Until that flush, other CPUs may keep stale
 * entries: mprotect holds the mmap write lock, so no fault can run
 * meanwhile, but stores through those entries still land.
 */
#include "mm/mm.h"

int fl_vma_split_range(int mm, int start, int end);

static bool vma_wants_writenotify(const struct fl_vma *vma)
{
	if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) != (VM_WRITE | VM_SHARED))
		return false;
	return !(vma->vm_flags & VM_SOFTDIRTY);	/* soft-dirty tracking */
}

/* pte_modify: keep pfn, dirty, young, soft-dirty, special, uffd-wp; take the new protection. */
static pte_t pte_modify(pte_t pte, uint32_t newprot)
{
	const pte_t chg = _PAGE_PRESENT | _PAGE_RW | _PAGE_PROTNONE;

	return (pte & ~chg) | newprot;
}

static long change_pte_range(struct fl_task *t, struct fl_vma *vma, int start, int end, uint32_t newprot)
{
	int mm = t->mm;
	bool dirty_accountable = vma_wants_writenotify(vma);
	long pages = 0;

	for (int vpn = start; vpn < end; vpn++) {
		pte_t oldpte, ptent;

		fl_pte_lock(t, mm, vpn);
		oldpte = fl_ptep_get(mm, vpn);
		if (pte_present(oldpte)) {
			oldpte = fl_ptep_modify_prot_start(mm, vpn);
			ptent = pte_modify(oldpte, newprot);
			/* Avoid taking write faults for known dirty pages. */
			if (dirty_accountable && pte_dirty(ptent) &&
			    (pte_soft_dirty(ptent) || !(vma->vm_flags & VM_SOFTDIRTY)))
				ptent = pte_mkwrite(ptent);
			fl_ptep_modify_prot_commit(mm, vpn, ptent);
			FL_TRACE("%s: pte %s -> %s", fl_va(vpn), pte_write(oldpte) ? "W" : "R",
				 (ptent & _PAGE_PROTNONE) ? "none" : pte_write(ptent) ? "W" : "R");
			pages++;
		}
		fl_pte_unlock(t, mm, vpn);
	}
	return pages;
}

long fl_change_protection(struct fl_task *t, struct fl_vma *vma, int start, int end, uint32_t newprot)
{
	long pages;

	fl_inc_tlb_flush_pending(t->mm);
	pages = change_pte_range(t, vma, start, end, newprot);
	/* Only flush the TLB if we actually modified any entries. */
	if (pages)
		fl_flush_tlb_range(t, t->mm, start, end);
	fl_dec_tlb_flush_pending(t->mm);
	return pages;
}

int fl_do_mprotect(struct fl_task *t, int vpn, int npages, uint32_t vm_prot)
{
	int mm = t->mm, end = vpn + npages;

	fl_mmap_write_lock(t, mm);
	fl_sim_yield(fl_obj_vma(mm), FL_ACC_W, "mprotect_fixup");
	/* Every page of the range must be mapped, or mprotect fails with -ENOMEM. */
	for (int p = vpn; p < end; p++) {
		bool found = false;

		for (int i = 0; i < FL_MAX_VMAS && !found; i++) {
			const struct fl_vma *v = &fl_mm.mm[mm].vma[i];

			found = fl_vma_live(v) && p >= v->start && p < v->end;
		}
		if (!found) {
			fl_mmap_write_unlock(t, mm);
			return -12;
		}
	}
	if (fl_vma_split_range(mm, vpn, end)) {
		fl_mmap_write_unlock(t, mm);
		return -12;
	}
	for (int i = 0; i < FL_MAX_VMAS; i++) {
		struct fl_vma *v = &fl_mm.mm[mm].vma[i];

		if (!fl_vma_live(v) || v->start < vpn || v->end > end)
			continue;
		v->vm_flags = (v->vm_flags & ~(VM_READ | VM_WRITE)) | vm_prot;
		fl_vma_set_page_prot(v);
		FL_TRACE("P%d vma [%d, %d) now %s", mm, v->start, v->end,
			 (vm_prot & VM_WRITE) ? "rw" : (vm_prot & VM_READ) ? "r" : "none");
		fl_change_protection(t, v, v->start, v->end, v->vm_page_prot);
	}
	fl_mmap_write_unlock(t, mm);
	return 0;
}
