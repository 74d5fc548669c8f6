/* SPDX-License-Identifier: MIT */
/*
 * mm/gup.c - get_user_pages, reduced to what the core scenarios need:
 * one page, FOLL_PIN (| FOLL_WRITE), the slow path under mmap_lock.
 *
 * __get_user_pages: follow_page_pte under the PTL; if the PTE is missing,
 * or read-only for a write pin, faultin_page() runs the fault handler
 * and the lookup is retried.  A pin adds GUP_PIN_COUNTING_BIAS to the
 * refcount (3faa52c03f44, v5.7) and marks the mm has_pinned
 * (008cfe4418b3, v5.9), which page_maybe_dma_pinned() and clear_refs
 * read.  The full GUP (FOLL_GET, fast path, unsharing, pages[] contract)
 * is the next issue's work.
 */
#include "mm/mm.h"

#define GUP_PIN_COUNTING_BIAS 1024

/* Returns the pinned pfn, or -1 (-EFAULT: no VMA, or no permission). */
int fl_pin_user_page(struct fl_task *t, int vpn, bool write)
{
	struct fl_vma *vma;
	unsigned ret;
	int pfn = -1;

	fl_mmap_read_lock(t, t->mm);
	vma = fl_find_vma(t->mm, vpn);
	if (!vma || (write && !(vma->vm_flags & VM_WRITE)))
		goto out;
	fl_sim_yield(fl_obj_mmflags(t->mm), FL_ACC_W, "mm_set_has_pinned_flag");
	fl_mm.mm[t->mm].has_pinned = 1;
	for (int tries = 0; tries < 64; tries++) {
		pte_t pte;

		fl_pte_lock(t, t->mm, vpn);		/* follow_page_pte */
		pte = fl_ptep_get(t->mm, vpn);
		if ((pte & _PAGE_PRESENT) && (!write || pte_write(pte)) && !pte_special(pte)) {
			pfn = (int)pte_pfn(pte);
			fl_sim_yield(fl_obj_page(pfn), FL_ACC_W, "try_grab_page(FOLL_PIN)");
			fl_mm.page[pfn].refcount += GUP_PIN_COUNTING_BIAS;
			FL_TRACE("pin pfn %d at %s: refcount %d", pfn, fl_va(vpn), fl_mm.page[pfn].refcount);
			fl_pte_unlock(t, t->mm, vpn);
			goto out;
		}
		fl_pte_unlock(t, t->mm, vpn);
		FL_TRACE_AS("faultin_page", "%s: %s", fl_va(vpn), pte_none(pte) ? "not present" : "needs a write fault");
		ret = fl_handle_mm_fault(t, vma, vpn, (write ? FAULT_FLAG_WRITE : 0) | FAULT_FLAG_ALLOW_RETRY);
		if (ret & VM_FAULT_RETRY) {
			/* A userfault dropped mmap_lock: take it again and look the VMA up afresh. */
			fl_mmap_read_lock(t, t->mm);
			vma = fl_find_vma(t->mm, vpn);
			if (!vma)
				break;
			continue;
		}
		if (ret & (VM_FAULT_OOM | VM_FAULT_SIGBUS))
			break;
	}
out:
	fl_mmap_read_unlock(t, t->mm);
	return pfn;
}

void fl_unpin_user_page(int pfn)
{
	fl_put_page_refs(pfn, GUP_PIN_COUNTING_BIAS, "unpin_user_page");
}
