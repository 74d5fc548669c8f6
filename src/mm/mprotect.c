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
#include <errno.h>
#include "mm/hooks.h"
#include "mm/mm.h"

static bool vma_wants_writenotify(const struct fl_vma *vma)
{
	if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) != (VM_WRITE | VM_SHARED))
		return false;
	return !(vma->vm_flags & VM_SOFTDIRTY);	/* soft-dirty tracking */
}

/*
 * can_change_pte_writable (64fe24a3e05e, v6.0; d84887739d5c, v6.2): an
 * exclusive anonymous page can be mapped writable at mprotect time, as
 * the write fault would, unless soft-dirty or uffd-wp tracking needs the
 * fault.  v6.0 only did it for dirty PTEs.  Enter: PTL held.
 */
static bool can_change_pte_writable(const struct fl_vma *vma, pte_t pte)
{
	int pfn;

	if (!(vma->vm_flags & VM_WRITE) || (pte & _PAGE_PROTNONE))
		return false;
	if (!(vma->vm_flags & VM_SOFTDIRTY) && !pte_soft_dirty(pte))
		return false;	/* soft-dirty tracking wants the write fault */
	if (fl_userfaultfd_wp(vma) && pte_uffd_wp(pte))
		return false;
	if (FL_POL(MPROTECT_WRITABLE) == FL_MPROTECT_WRITABLE_DIRTY && !pte_dirty(pte))
		return false;
	if (vma->vm_flags & VM_SHARED)
		return true;
	pfn = fl_vm_normal_page(vma, pte);
	return pfn >= 0 && (fl_page_flags(pfn) & (PG_anon | PG_anon_exclusive)) == (PG_anon | PG_anon_exclusive);
}

/* pte_modify: keep pfn, dirty, young, soft-dirty, special, uffd-wp; take the new protection. */
static pte_t pte_modify(pte_t pte, uint32_t newprot)
{
	const pte_t chg = _PAGE_PRESENT | _PAGE_RW | _PAGE_PROTNONE;

	return (pte & ~chg) | newprot;
}

/*
 * change_pte_range.  MM_CP_UFFD_WP write-protects and sets _PAGE_UFFD_WP;
 * MM_CP_UFFD_WP_RESOLVE clears the bit and leaves the write bit to the
 * fault handler - so a PTE that was writable comes back read-only, which
 * is race R1 when its flush is still pending (preserve_write is only for
 * NUMA hinting, unless the F1 proposal is switched on).
 */
static long change_pte_range(struct fl_task *t, struct fl_vma *vma, int start, int end, uint32_t newprot,
			     unsigned cp_flags)
{
	int mm = t->mm;
	bool dirty_accountable = vma_wants_writenotify(vma);
	bool uffd_wp = cp_flags & MM_CP_UFFD_WP;
	bool uffd_wp_resolve = cp_flags & MM_CP_UFFD_WP_RESOLVE;
	long pages = 0;

	for (int vpn = start; vpn < end; vpn++) {
		pte_t oldpte, ptent;
		bool preserve_write;

		fl_pte_lock(t, mm, vpn);
		oldpte = fl_ptep_get(mm, vpn);
		/*
		 * Present, swap or marker, this PTE leaves with the uffd-wp bit; a
		 * none one gets a marker if the VMA uses them, else nothing.
		 */
		if (uffd_wp && (!pte_none(oldpte) || userfaultfd_wp_use_markers(vma)))
			fl_mm_hooks.uffd_wp_covered(mm, t->tid, vpn);
		if ((uffd_wp || uffd_wp_resolve) && vma->shmem >= 0 &&
		    FL_POL(UFFD_WP_MARKERS) == FL_UFFD_WP_MARKERS_IN_FILE)
			fl_shmem_set_wp_bit(t, vma->shmem, vma->pgoff + vpn - vma->start, uffd_wp);
		if (pte_present(oldpte) && FL_POL(UFFD_WP_SKIP_UNCHANGED) &&
		    ((uffd_wp && pte_uffd_wp(oldpte)) || (uffd_wp_resolve && !pte_uffd_wp(oldpte)))) {
			FL_TRACE("%s: uffd-wp unchanged, skipped (F3)", fl_va(vpn));
		} else if (pte_present(oldpte)) {
			preserve_write = uffd_wp_resolve && pte_write(oldpte) &&
					 FL_POL(UFFD_WP_LOCK) == FL_UFFD_WP_LOCK_WRITE;
			oldpte = fl_ptep_modify_prot_start(mm, vpn);
			ptent = pte_modify(oldpte, newprot);
			if (preserve_write)
				ptent = pte_mkwrite(ptent);
			if ((cp_flags & MM_CP_TRY_CHANGE_WRITABLE) && !pte_write(ptent) &&
			    can_change_pte_writable(vma, ptent)) {
				ptent = pte_mkwrite(ptent);
				FL_TRACE("%s: exclusive anon page mapped writable directly", fl_va(vpn));
			}
			if (uffd_wp)
				ptent = pte_wrprotect(ptent) | _PAGE_UFFD_WP;
			else if (uffd_wp_resolve)
				ptent &= ~(pte_t)_PAGE_UFFD_WP;
			/* Avoid taking write faults for known dirty pages. */
			if (dirty_accountable && pte_dirty(ptent) &&
			    (pte_soft_dirty(ptent) || !(vma->vm_flags & VM_SOFTDIRTY)))
				ptent = pte_mkwrite(ptent);
			fl_ptep_modify_prot_commit(mm, vpn, ptent);
			FL_TRACE("%s: pte %s%s -> %s%s", fl_va(vpn), pte_write(oldpte) ? "W" : "R",
				 pte_uffd_wp(oldpte) ? " uffd-wp" : "",
				 (ptent & _PAGE_PROTNONE) ? "none" : pte_write(ptent) ? "W" : "R",
				 pte_uffd_wp(ptent) ? " uffd-wp" : "");
			pages++;
		} else if (is_pte_marker(oldpte)) {
			/* A uffd-wp marker stays for a protect; an unprotect drops it (7d65e0d1ba0b). */
			if (uffd_wp_resolve) {
				fl_set_pte_at(mm, vpn, 0);
				FL_TRACE("%s: uffd-wp marker dropped", fl_va(vpn));
				pages++;
			}
		} else if (is_swap_pte(oldpte)) {
			/* A swap PTE keeps its entry; only its uffd-wp bit follows UFFDIO_WRITEPROTECT. */
			ptent = oldpte;
			if (uffd_wp)
				ptent = pte_swp_mkuffd_wp(ptent);
			else if (uffd_wp_resolve)
				ptent = pte_swp_clear_uffd_wp(ptent);
			if (!pte_same(oldpte, ptent)) {
				fl_set_pte_at(mm, vpn, ptent);
				FL_TRACE("%s: swap pte%s", fl_va(vpn), pte_swp_uffd_wp(ptent) ? " uffd-wp" : ", uffd-wp cleared");
				pages++;
			}
		} else if (uffd_wp && userfaultfd_wp_use_markers(vma)) {
			/*
			 * A none PTE of shmem: the page may be in the page cache or
			 * swapped out all the same, so it gets a uffd-wp marker
			 * ("mm/shmem: allow uffd wr-protect none pte for file-backed mem").
			 */
			fl_set_pte_at(mm, vpn, make_pte_marker_uffd_wp());
			FL_TRACE("%s: none -> uffd-wp pte marker", fl_va(vpn));
			pages++;
		}
		fl_pte_unlock(t, mm, vpn);
	}
	return pages;
}

/* F5 (proposed): count write-protects of a VMA whose flush is still to come. */
void fl_vma_wrprotect_pending(struct fl_task *t, struct fl_vma *vma, int delta)
{
	(void)t;
	if (FL_POL(WP_DEFERRED_FLUSH) != FL_WPF_VMA_COUNTER)
		return;
	fl_sim_yield(fl_obj_vma(t->mm), FL_ACC_W, "wrprotect_tlb_flush_pending");
	vma->wrprotect_pending = (int8_t)(vma->wrprotect_pending + delta);
}

long fl_change_protection(struct fl_task *t, struct fl_vma *vma, int start, int end, uint32_t newprot,
			  unsigned cp_flags)
{
	/* F5 counts every uffd-wp change (MM_CP_UFFD_WP_ALL in Andrea's patch): unprotect can demote too. */
	bool wrprotect = cp_flags & (MM_CP_UFFD_WP | MM_CP_UFFD_WP_RESOLVE);
	long pages;

	fl_inc_tlb_flush_pending(t->mm);
	if (wrprotect)
		fl_vma_wrprotect_pending(t, vma, 1);
	pages = change_pte_range(t, vma, start, end, newprot, cp_flags);
	/* Only flush the TLB if we actually modified any entries. */
	if (pages)
		fl_flush_tlb_range(t, t->mm, start, end);
	if (wrprotect)
		fl_vma_wrprotect_pending(t, vma, -1);
	fl_dec_tlb_flush_pending(t->mm);
	return pages;
}

/* find_vma inside a step that already covers the VMA list. */
/*
 * mprotect_fixup for [start, end), which is exactly the VMA @v (split
 * already): new vm_flags and vm_page_prot, change_protection, and, for a
 * VM_LOCKED private VMA that becomes writable, the COW break of every page
 * now, so that an mlocked range takes no write fault later
 * (populate_vma_page_range with the write lock held; its errors are
 * ignored, as the kernel ignores them).  Enter: mmap_lock write-held.
 */
static void mprotect_fixup(struct fl_task *t, struct fl_vma *v, uint32_t vm_prot)
{
	uint32_t oldflags = v->vm_flags;

	fl_vma_assert_write_locked(t->mm, v);	/* vm_flags_reset */
	v->vm_flags = (v->vm_flags & ~(VM_READ | VM_WRITE)) | vm_prot;
	fl_vma_set_page_prot(v);
	FL_TRACE("P%d vma [%d, %d) now %s", t->mm, v->start, v->end,
		 (vm_prot & VM_WRITE) ? "rw" : (vm_prot & VM_READ) ? "r" : "none");
	/* vma_wants_manual_pte_write_upgrade: private writable mappings fault to upgrade. */
	fl_change_protection(t, v, v->start, v->end, v->vm_page_prot,
			     (FL_POL(MPROTECT_WRITABLE) && (v->vm_flags & VM_WRITE) && !(v->vm_flags & VM_SHARED)) ?
			     MM_CP_TRY_CHANGE_WRITABLE : 0);
	/* Private VM_LOCKED VMA becoming writable: trigger COW to avoid major fault on access. */
	if ((oldflags & (VM_WRITE | VM_SHARED | VM_LOCKED)) == VM_LOCKED && (v->vm_flags & VM_WRITE)) {
		FL_TRACE("P%d vma [%d, %d): VM_LOCKED and now writable: break COW now", t->mm, v->start, v->end);
		fl_populate_vma_page_range(t, v, v->start, v->end, NULL);
	}
}

/*
 * do_mprotect_pkey: the VMA at @vpn must exist (else -ENOMEM, nothing
 * changed); then mprotect_fixup for each VMA of the range in address
 * order, splitting at the range's ends, until the range is done or a hole
 * is reached.  A hole stops the walk with -ENOMEM, and the VMAs before it
 * keep their new protection (found by faultline conform: the model used to
 * check the whole range first and change nothing).
 */
int fl_do_mprotect(struct fl_task *t, int vpn, int npages, uint32_t vm_prot)
{
	int mm = t->mm, end = vpn + npages, nstart = vpn, ret = 0;

	fl_mm_hooks.mprotect_begin(mm, t->tid, vpn, end);
	fl_mmap_write_lock(t, mm);
	while (nstart < end) {
		struct fl_vma *v = fl_find_vma(mm, nstart);
		int tmp;

		if (!v) {
			FL_TRACE("P%d %s: not mapped: -ENOMEM", mm, fl_va(nstart));
			ret = -ENOMEM;
			break;
		}
		tmp = v->end < end ? v->end : end;
		/*
		 * vma_start_write before the split and the new flags (only this
		 * thread changes vm_flags now); a VMA whose flags stay is neither
		 * locked nor changed.
		 */
		if ((v->vm_flags & (VM_READ | VM_WRITE)) != vm_prot) {
			fl_vma_start_write(t, mm, v);
			fl_vma_modify(t, mm, v, "mprotect_fixup");
		} else {
			fl_sim_yield(fl_obj_vma(mm), FL_ACC_W, "mprotect_fixup");
		}
		if ((v->vm_flags & (VM_READ | VM_WRITE)) == vm_prot) {
			nstart = tmp;	/* newflags == oldflags: nothing to do, no split */
			continue;
		}
		fl_vma_split_range(mm, nstart, tmp);
		/*
		 * The piece to change, found within the step that writes the VMA
		 * list (fl_find_vma would announce a step that only reads it, and
		 * the new flags would be written in that one: a fault under the
		 * VMA lock must see the write as one).
		 */
		mprotect_fixup(t, fl_vma_at(mm, nstart), vm_prot);
		nstart = tmp;
	}
	fl_mmap_write_unlock(t, mm);
	fl_mm_hooks.mprotect_end(mm, t->tid, vpn, end, !(vm_prot & VM_WRITE), ret == 0);
	return ret;
}
