/* SPDX-License-Identifier: MIT */
/*
 * mm/memory.c - the page fault path, zapping and copying page tables.
 *
 * Mirrors the kernel's mm/memory.c: handle_mm_fault -> handle_pte_fault
 * -> do_anonymous_page / do_shared_fault / do_wp_page, and do_wp_page's
 * outcomes wp_page_reuse, wp_page_copy and wp_page_shared.  The COW reuse
 * decision is the switch cow_reuse (policy.h), read in do_wp_page exactly
 * where the kernel's code changed.
 */
#include <errno.h>
#include <string.h>

#include "mm/hooks.h"
#include "mm/mm.h"

static bool vma_is_anonymous(const struct fl_vma *vma)
{
	return vma->shmem < 0;
}


static pte_t maybe_mkwrite(pte_t pte, const struct fl_vma *vma);

static pte_t maybe_mkwrite(pte_t pte, const struct fl_vma *vma)
{
	if (vma->vm_flags & VM_WRITE)
		pte = pte_mkwrite(pte);
	return pte;
}

/*
 * do_anonymous_page - first touch of a private anonymous page.
 * Enter: mmap_lock read-held, PTL not held.  Return: same locks.
 * A read maps the shared zero page read-only (pte_special); a write
 * allocates a zeroed page and maps it writable and dirty.  The PTE is
 * re-checked under the PTL: another fault may have populated it meanwhile.
 * A host that forbids the zero page (switch zero_page_read, the kernel's
 * !mm_forbids_zeropage() test) sends a read down the allocation branch
 * too: the PTE is writable and dirty whenever the VMA is VM_WRITE, since
 * the kernel tests vm_flags there, not the fault type.
 */
static unsigned do_anonymous_page(struct vm_fault *vmf)
{
	struct fl_task *t = vmf->task;
	struct fl_vma *vma = vmf->vma;
	pte_t entry;
	int pfn;

	if (!(vmf->flags & FAULT_FLAG_VMA_LOCK))	/* assert_fault_locked */
		fl_mmap_assert_locked(vmf->mm);
	if (!(vmf->flags & FAULT_FLAG_WRITE) && FL_POL(ZERO_PAGE_READ) == FL_ZERO_PAGE_USED) {
		entry = pte_mkspecial(pfn_pte(FL_ZERO_PFN, vma->vm_page_prot));
		fl_pte_lock(t, vmf->mm, vmf->vpn);
		if (!pte_none(fl_ptep_get(vmf->mm, vmf->vpn))) {
			FL_TRACE("pte populated meanwhile: back off");
			goto unlock;
		}
		if (fl_userfaultfd_missing(vma)) {
			fl_pte_unlock(t, vmf->mm, vmf->vpn);
			return fl_handle_userfault(vmf, false);
		}
		fl_set_pte_at(vmf->mm, vmf->vpn, entry);
		FL_TRACE("map zero page R/O at %s", fl_va(vmf->vpn));
		goto unlock;
	}
	vma->anon_vma = 1;	/* anon_vma_prepare(): private to this thread's VMA copy */
	pfn = fl_alloc_page(t);
	if (pfn < 0)
		return VM_FAULT_OOM;
	fl_clear_user_highpage(pfn);
	entry = pfn_pte((uint32_t)pfn, vma->vm_page_prot);	/* pte_sw_mkyoung: a no-op on x86 */
	if (vma->vm_flags & VM_WRITE)
		entry = pte_mkwrite(pte_mkdirty(entry));
	fl_pte_lock(t, vmf->mm, vmf->vpn);
	if (!pte_none(fl_ptep_get(vmf->mm, vmf->vpn))) {
		FL_TRACE("pte populated meanwhile: release pfn %d", pfn);
		fl_pte_unlock(t, vmf->mm, vmf->vpn);
		fl_put_page(pfn);
		return 0;
	}
	/* Deliver the page fault to userland, checked inside the PTL. */
	if (fl_userfaultfd_missing(vma)) {
		fl_pte_unlock(t, vmf->mm, vmf->vpn);
		fl_put_page(pfn);
		return fl_handle_userfault(vmf, false);
	}
	fl_page_add_new_anon_rmap(pfn, FL_POL(COW_REUSE) == FL_COW_REUSE_ANON_EXCLUSIVE);
	fl_set_pte_at(vmf->mm, vmf->vpn, entry);
	FL_TRACE("map new pfn %d at %s%s%s", pfn, fl_va(vmf->vpn), pte_write(entry) ? " (W, dirty)" : " (R/O)",
		 (vmf->flags & FAULT_FLAG_WRITE) ? "" : ": read fault, no zero page on this host");
unlock:
	fl_pte_unlock(t, vmf->mm, vmf->vpn);
	return 0;
}

/*
 * do_shared_fault / do_read_fault for shared anonymous memory (shmem):
 * find or allocate the page in the shmem object, then finish_fault maps
 * it with vm_page_prot (writable and dirty for a write fault).
 * Enter: mmap_lock read-held, PTL not held.  Return: same locks.
 */
static unsigned do_shmem_fault(struct vm_fault *vmf)
{
	struct fl_task *t = vmf->task;
	struct fl_vma *vma = vmf->vma;
	int pgoff = vma->pgoff + vmf->vpn - vma->start, pfn;
	unsigned ret;
	pte_t entry;

	/*
	 * shmem_get_folio_gfp: a page missing from the page cache of a VMA
	 * registered for missing faults goes to user space instead (v4.11,
	 * userfaultfd shmem support; found missing by faultline conform).
	 * The page comes back locked; finish_fault maps it under the lock.
	 */
	/*
	 * shmem_fault: "Trinity finds that probing a hole which tmpfs is
	 * punching can prevent the hole-punch from ever completing": a fault
	 * that sees a punch in progress over its page waits for it (the read
	 * of i_private is lockless, so a fault that read it just before the
	 * punch began goes on: Hugh's "without quite guaranteeing no race").
	 */
	ret = fl_shmem_falloc_wait(vmf, vma->shmem, pgoff);
	if (ret)
		return ret == VM_FAULT_NOPAGE ? 0 : ret;
	pfn = fl_shmem_get_page(t, vma->shmem, pgoff, fl_userfaultfd_missing(vma));
	if (pfn == FL_SHMEM_USERFAULT)
		return fl_handle_userfault(vmf, false);
	if (pfn < 0)
		return VM_FAULT_OOM;
	entry = pfn_pte((uint32_t)pfn, vma->vm_page_prot);
	if (vmf->flags & FAULT_FLAG_WRITE)
		entry = maybe_mkwrite(pte_mkdirty(entry), vma);
	/*
	 * set_pte_range: a fault on a uffd-wp marker (vmf_orig_pte_uffd_wp)
	 * maps the page read-only with the bit, so that a write faults again
	 * into do_wp_page and the monitor hears of it (9c28a205c061).  The
	 * counterfactual in_file takes the bit from the shared page cache.
	 */
	if (pte_marker_uffd_wp(vmf->orig_pte) ||
	    (FL_POL(UFFD_WP_MARKERS) == FL_UFFD_WP_MARKERS_IN_FILE && fl_shmem_wp_bit(t, vma->shmem, pgoff)))
		entry = pte_wrprotect(pte_mkuffd_wp(entry));
	fl_pte_lock(t, vmf->mm, vmf->vpn);
	if (!pte_same(fl_ptep_get(vmf->mm, vmf->vpn), vmf->orig_pte)) {
		fl_pte_unlock(t, vmf->mm, vmf->vpn);
		fl_unlock_page(t, pfn);
		fl_put_page(pfn);
		return 0;
	}
	fl_page_dup_rmap(pfn);	/* page_add_file_rmap */
	fl_set_pte_at(vmf->mm, vmf->vpn, entry);
	FL_TRACE("map shmem pfn %d at %s%s%s", pfn, fl_va(vmf->vpn), pte_write(entry) ? " (W)" : " (R/O)",
		 pte_uffd_wp(entry) ? " uffd-wp" : "");
	fl_pte_unlock(t, vmf->mm, vmf->vpn);
	fl_unlock_page(t, pfn);	/* __do_fault's VM_FAULT_LOCKED page, unlocked after finish_fault */
	return 0;
}

/*
 * should_fault_around: ->map_pages exists (every shmem VMA), the window is
 * more than one page, and userfaultfd does not veto it (switch
 * uffd_fault_around: uffd_disable_fault_around() since 9c28a205c061).
 */
static bool should_fault_around(struct vm_fault *vmf)
{
	const struct fl_vma *vma = vmf->vma;

	switch (FL_POL(UFFD_FAULT_AROUND)) {
	case FL_UFFD_FAULT_AROUND_NO_WP:
		if (fl_userfaultfd_wp(vma))
			return false;
		break;
	case FL_UFFD_FAULT_AROUND_NO_UFFD:
		if (vma->vm_flags & (VM_UFFD_MISSING | VM_UFFD_WP))
			return false;
		break;
	default:
		break;
	}
	return fl_fault_around_pages_of(FL_POL(FAULT_AROUND)) > 1;
}

/*
 * do_fault_around: the window is fault_around_pages aligned down around
 * the faulting page, its start clamped to the VMA, its end to the VMA and
 * the page table (the kernel's: see filemap.c).  Enter and return:
 * mmap_lock read-held, PTL not held.
 */
static unsigned do_fault_around(struct vm_fault *vmf)
{
	int nr = fl_fault_around_pages_of(FL_POL(FAULT_AROUND));
	int from = vmf->vpn - vmf->vpn % nr, to;

	if (from < vmf->vma->start)
		from = vmf->vma->start;
	to = from + nr;
	if (to > vmf->vma->end)
		to = vmf->vma->end;
	return fl_filemap_map_pages(vmf, from, to);
}

/*
 * do_read_fault: fault-around first; ->fault (shmem_fault) only when it
 * did not map the faulting page.
 */
static unsigned do_read_fault(struct vm_fault *vmf)
{
	if (should_fault_around(vmf)) {
		unsigned ret = do_fault_around(vmf);

		if (ret)
			return 0;	/* VM_FAULT_NOPAGE: mapped, nothing more to do */
	}
	return do_shmem_fault(vmf);
}

/*
 * do_fault: a none PTE in a file (shmem) VMA.  A private (COW) mapping of
 * a file is not modelled yet: every shmem VMA is shared.
 */
static unsigned do_fault(struct vm_fault *vmf)
{
	if (!(vmf->flags & FAULT_FLAG_WRITE))
		return do_read_fault(vmf);
	return do_shmem_fault(vmf);	/* do_shared_fault */
}

/*
 * wp_page_reuse - make the faulting PTE writable in place.
 * Enter: PTL held.  Return: PTL released.
 * Permission promotion needs no flush on x86: a stale read-only entry on
 * another CPU takes a spurious fault, which drops it.
 */
static void wp_page_reuse(struct vm_fault *vmf)
{
	pte_t entry = pte_mkyoung(vmf->orig_pte);

	entry = maybe_mkwrite(pte_mkdirty(entry), vmf->vma);
	fl_set_pte_at(vmf->mm, vmf->vpn, entry);	/* ptep_set_access_flags */
	FL_TRACE("reuse pfn %u: pte W, dirty", pte_pfn(entry));
	fl_pte_unlock(vmf->task, vmf->mm, vmf->vpn);
}

/*
 * wp_page_copy - break COW by copying into a new page.
 * Enter: PTL not held; the caller holds a reference on the old page.
 * Return: same locks; the reference is dropped.
 *
 *  - allocate (zeroed for the zero page) and copy without the PTL;
 *  - retake the PTL and back off if the PTE changed (pte_same(orig_pte));
 *  - clear the PTE and flush it from every TLB *before* installing the
 *    new one: set-then-flush would let CPUs disagree on the page;
 *  - drop the old page's mapcount only after the switch, then its refs.
 * The copy itself cannot see a store that another CPU makes through a
 * stale writable TLB entry after the copy read the page (seed 000).
 */
static unsigned wp_page_copy(struct vm_fault *vmf)
{
	struct fl_task *t = vmf->task;
	int old = vmf->page;
	int new_pfn;
	pte_t entry;
	bool copied = false;

	vmf->vma->anon_vma = 1;
	new_pfn = fl_alloc_page(t);
	if (new_pfn < 0) {
		if (old >= 0)
			fl_put_page(old);
		return VM_FAULT_OOM;
	}
	if (FL_POL(WP_DEFERRED_FLUSH) == FL_WPF_VMA_COUNTER) {
		/* F5 (proposed): a write-protect of this VMA has not flushed yet. */
		fl_sim_yield(fl_obj_vma(vmf->mm), FL_ACC_R, "wrprotect_tlb_flush_pending");
		if (vmf->vma->wrprotect_pending > 0) {
			FL_TRACE("wrprotect flush pending on the VMA: flush before copying");
			fl_flush_tlb_page(t, vmf->mm, vmf->vpn);
		}
	}
	if (old < 0)
		fl_clear_user_highpage(new_pfn);
	else
		fl_copy_user_highpage(new_pfn, old);

	fl_pte_lock(t, vmf->mm, vmf->vpn);
	if (pte_same(fl_ptep_get(vmf->mm, vmf->vpn), vmf->orig_pte)) {
		entry = pfn_pte((uint32_t)new_pfn, vmf->vma->vm_page_prot);
		if (vmf->flags & FAULT_FLAG_UNSHARE)	/* exclusive but still read-only; keep the tracking bits */
			entry |= vmf->orig_pte & (_PAGE_SOFT_DIRTY | _PAGE_UFFD_WP);
		else
			entry = maybe_mkwrite(pte_mkdirty(entry), vmf->vma);
		fl_ptep_get_and_clear(vmf->mm, vmf->vpn);	/* ptep_clear_flush */
		fl_flush_tlb_page(t, vmf->mm, vmf->vpn);
		fl_page_add_new_anon_rmap(new_pfn, FL_POL(COW_REUSE) == FL_COW_REUSE_ANON_EXCLUSIVE);
		fl_set_pte_at(vmf->mm, vmf->vpn, entry);
		FL_TRACE("install pfn %d (pte_same ok), %s", new_pfn,
			 (vmf->flags & FAULT_FLAG_UNSHARE) ? "R/O (unshare)" : "W dirty");
		if (old >= 0)
			fl_page_remove_rmap(old);
		copied = true;
	} else {
		FL_TRACE("pte changed under us: back off");
	}
	fl_pte_unlock(t, vmf->mm, vmf->vpn);
	/* The new page's allocation ref when we backed off, else the old page's map ref. */
	if (!copied)
		fl_put_page(new_pfn);
	else if (old >= 0)
		fl_put_page(old);
	if (old >= 0)
		fl_put_page(old);	/* the reference do_wp_page took */
	return copied ? VM_FAULT_WRITE : 0;
}

/* reuse_swap_page (swap.c): mappings plus swap PTEs of the page's slot come to at most 1. */
static bool reuse_swap_page(int pfn)
{
	return fl_reuse_swap_page(pfn);
}

/*
 * The reuse decision for an anonymous page, per cow_reuse.  Returns true
 * when the page may be reused.  Enter: PTL held.  Return: PTL held, unless
 * *relock_failed is set (PTE changed while we slept on the page lock; PTL
 * released, nothing to do).
 */
static bool wp_can_reuse_anon(struct vm_fault *vmf, bool *relock_failed)
{
	struct fl_task *t = vmf->task;
	int page = vmf->page;
	bool reuse;

	*relock_failed = false;
	switch (FL_POL(COW_REUSE)) {
	case FL_COW_REUSE_MAPCOUNT:
		/* <= v5.8: sleep for the page lock if need be, then reuse_swap_page(). */
		if (!fl_trylock_page(t, page)) {
			fl_get_page(page);
			fl_pte_unlock(t, vmf->mm, vmf->vpn);
			fl_lock_page(t, page);
			fl_pte_lock(t, vmf->mm, vmf->vpn);
			if (!pte_same(fl_ptep_get(vmf->mm, vmf->vpn), vmf->orig_pte)) {
				fl_unlock_page(t, page);
				fl_pte_unlock(t, vmf->mm, vmf->vpn);
				fl_put_page(page);
				*relock_failed = true;
				return false;
			}
			fl_put_page(page);
		}
		reuse = reuse_swap_page(page);
		FL_TRACE_AS("do_wp_page", "reuse_swap_page pfn %d: mapcount %d -> %s", page,
			 fl_mm.page[page].mapcount, reuse ? "reuse" : "copy");
		fl_unlock_page(t, page);
		return reuse;

	case FL_COW_REUSE_PAGE_COUNT:
		/* 09854ba94c6a (v5.9): only the sole reference may reuse. */
		if (fl_page_count(page) != 1) {
			FL_TRACE_AS("do_wp_page", "page_count pfn %d = %d -> copy", page, fl_mm.page[page].refcount);
			return false;
		}
		if (!fl_trylock_page(t, page))
			return false;
		reuse = fl_page_mapcount(page) == 1 && fl_page_count(page) == 1;
		fl_unlock_page(t, page);
		FL_TRACE_AS("do_wp_page", "page_count pfn %d = 1, mapcount %d -> %s", page,
			 fl_mm.page[page].mapcount, reuse ? "reuse" : "copy");
		return reuse;

	case FL_COW_REUSE_ANON_EXCLUSIVE:
	default:
		/* 6c287605fd56 (v5.19): an exclusive page is ours without counting. */
		if (fl_page_flags(page) & PG_anon_exclusive) {
			FL_TRACE_AS("do_wp_page", "PageAnonExclusive pfn %d -> reuse", page);
			return true;
		}
		/* the v5.18 refcount rule decides, and a reuse marks the page exclusive */
		__attribute__((fallthrough));
	case FL_COW_REUSE_PAGE_COUNT_SWAPCACHE: {
		/*
		 * 53a05ad9f21d (v5.18): the swap cache's own reference does not
		 * count; under the page lock the swap cache is freed if it can be,
		 * and then only the sole reference may reuse.
		 */
		bool ae = FL_POL(COW_REUSE) == FL_COW_REUSE_ANON_EXCLUSIVE;
		int swapcache = (fl_page_flags(page) & PG_swapcache) ? 1 : 0;

		if (fl_page_count(page) > 1 + swapcache) {
			FL_TRACE_AS("do_wp_page", "%spage_count pfn %d = %d -> copy", ae ? "not exclusive, " : "",
				    page, fl_mm.page[page].refcount);
			return false;
		}
		if (!fl_trylock_page(t, page))
			return false;
		if (swapcache)
			fl_try_to_free_swap(page);
		reuse = fl_page_count(page) == 1;
		if (reuse && ae)
			fl_page_set_flags(page, PG_anon_exclusive, 0);	/* page_move_anon_rmap */
		fl_unlock_page(t, page);
		FL_TRACE_AS("do_wp_page", "%spage_count pfn %d%s -> %s", ae ? "not exclusive, " : "", page,
			    swapcache ? " (swap cache freed if possible)" : "",
			    reuse ? (ae ? "reuse, mark exclusive" : "reuse") : "copy");
		return reuse;
	}
	}
}

static bool no_flush_pending(const void *arg)
{
	return fl_mm.mm[*(const int *)arg].tlb_flush_pending == 0;
}

/*
 * What a write fault does about a write-protect whose TLB flush is still
 * pending (wp_deferred_flush).  Enter and return: PTL held, unless it
 * returns true: then the PTL was dropped and the fault must be retried.
 */
static bool wp_deferred_flush(struct vm_fault *vmf)
{
	struct fl_task *t = vmf->task;

	switch (FL_POL(WP_DEFERRED_FLUSH)) {
	case FL_WPF_FLUSH_PAGE:
	case FL_WPF_LOCAL_FLUSH:
		/* 6ce64428d620: userfaultfd write-protect can defer flushes. */
		if (!fl_userfaultfd_wp(vmf->vma) || !fl_mm_tlb_flush_pending(vmf->mm))
			return false;
		if (FL_POL(WP_DEFERRED_FLUSH) == FL_WPF_FLUSH_PAGE) {
			fl_flush_tlb_page(t, vmf->mm, vmf->vpn);
		} else {
			fl_sim_yield(fl_obj_tlb(t->cpu), FL_ACC_W, "flush_tlb_page (local only)");
			fl_tlb_flush_page_local(t->cpu, vmf->mm, vmf->vpn);
			FL_TRACE("flush pending: flush %s on cpu%d only", fl_va(vmf->vpn), t->cpu);
		}
		return false;
	case FL_WPF_WAIT:
		/* F4 (proposed): never copy under a pending flush; the flusher needs the PTL. */
		if (!fl_mm_tlb_flush_pending(vmf->mm))
			return false;
		fl_pte_unlock(t, vmf->mm, vmf->vpn);
		FL_TRACE("flush pending: wait for it, then retry the fault");
		fl_sim_wait(fl_obj_mmflags(vmf->mm), FL_ACC_R, no_flush_pending, &vmf->mm, true,
			    "wait for the pending TLB flush");
		return true;
	default:
		return false;
	}
}

/*
 * do_wp_page - write fault on a present, write-protected PTE.
 * Enter: mmap_lock read-held, PTL held, vmf->orig_pte read under it.
 * Return: mmap_lock still held, PTL released.
 */
static unsigned do_wp_page(struct vm_fault *vmf)
{
	struct fl_task *t = vmf->task;
	struct fl_vma *vma = vmf->vma;
	bool relock_failed;

	bool unshare = vmf->flags & FAULT_FLAG_UNSHARE;

	if (!unshare && fl_userfaultfd_wp(vma) && pte_uffd_wp(vmf->orig_pte)) {
		fl_pte_unlock(t, vmf->mm, vmf->vpn);
		return fl_handle_userfault(vmf, true);
	}
	if (!unshare && wp_deferred_flush(vmf))
		return 0;

	vmf->page = fl_vm_normal_page(vma, vmf->orig_pte);
	if (vmf->page < 0) {
		FL_TRACE("no struct page (zero page) -> copy");
		fl_pte_unlock(t, vmf->mm, vmf->vpn);
		return wp_page_copy(vmf);
	}
	if (fl_mm.page[vmf->page].flags & PG_anon) {
		if (wp_can_reuse_anon(vmf, &relock_failed)) {
			if (unshare) {
				/* The page is exclusive now: nothing to map writable. */
				FL_TRACE("unshare: pfn %d is exclusive", vmf->page);
				fl_pte_unlock(t, vmf->mm, vmf->vpn);
				return 0;
			}
			wp_page_reuse(vmf);
			return VM_FAULT_WRITE;
		}
		if (relock_failed)
			return 0;
	} else if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) == (VM_WRITE | VM_SHARED)) {
		/* wp_page_shared: shmem has no page_mkwrite; just make it writable. */
		FL_TRACE("shared mapping: wp_page_shared");
		wp_page_reuse(vmf);
		return VM_FAULT_WRITE;
	}
	fl_get_page(vmf->page);
	fl_pte_unlock(t, vmf->mm, vmf->vpn);
	return wp_page_copy(vmf);
}

static bool page_unlocked(const void *arg)
{
	return !(((const struct fl_page *)arg)->flags & PG_locked);
}

/*
 * lock_page_or_retry: a first fault attempt does not sleep on a page lock
 * with mmap_lock held: it drops mmap_lock, waits for the page to be
 * unlocked and returns VM_FAULT_RETRY, and the fault is taken again.
 * Returns true with the page locked, or false with mmap_lock released.
 */
static bool lock_page_or_retry(struct vm_fault *vmf, int pfn)
{
	struct fl_task *t = vmf->task;

	if (fl_trylock_page(t, pfn))
		return true;
	if ((vmf->flags & FAULT_FLAG_ALLOW_RETRY) && !(vmf->flags & FAULT_FLAG_TRIED)) {
		fl_release_fault_lock(vmf);
		fl_sim_wait(fl_obj_pagelock(pfn), FL_ACC_ACQ_SH, page_unlocked, &fl_mm.page[pfn], true,
			    "wait_on_page_locked");
		FL_TRACE_AS("do_swap_page", "pfn %d was locked: mmap_lock dropped, waited for it: VM_FAULT_RETRY", pfn);
		return false;
	}
	fl_lock_page(t, pfn);
	return true;
}

/*
 * do_swap_page - fault on a swap PTE.  Find the page in the swap cache or
 * read it in (swapin_readahead: the page stays in the swap cache, which
 * holds a reference), lock it, check it is still the slot's, recheck the
 * PTE under the PTL, map it and drop the swap PTE's count (swap_free).
 * The reuse decision of a write fault is the era's:
 *  - up to v5.17 (cow_reuse mapcount and page_count alike): reuse_swap_page,
 *    called while the swap PTE still counts and before the page is mapped:
 *    mappings + swap PTEs == 1, page references not counted; if so the
 *    page leaves the swap cache and is mapped writable.  do_wp_page
 *    switched to page_count in v5.9; do_swap_page kept reuse_swap_page.
 *    (v5.18's c145e0b47c77 is not modelled: the v5.18 preset keeps it.)
 *  - v5.19 (anon_exclusive): exclusive if the swap PTE says so
 *    (1493a1913e34); otherwise a write fault first tries to free the swap
 *    cache (should_try_to_free_swap: page_count == 2) and reuses at
 *    page_count == 1.  The rmap records the exclusivity.
 * A write fault that cannot reuse maps the page read-only and goes on into
 * do_wp_page with the PTL held, as the kernel does.  Soft-dirty and uffd-wp
 * come back from the swap PTE (uffd-wp also write-protects).
 * Enter: mmap_lock read-held, PTL not held.  Return: same locks, except
 * after VM_FAULT_RETRY: mmap_lock released (lock_page_or_retry).
 */
static unsigned do_swap_page(struct vm_fault *vmf)
{
	struct fl_task *t = vmf->task;
	struct fl_vma *vma = vmf->vma;
	int slot = (int)pte_to_swp_entry(vmf->orig_pte);
	bool write = vmf->flags & FAULT_FLAG_WRITE, exclusive = false;
	unsigned ret = 0;
	pte_t pte;
	int page;

	/* v6.4 (17c05f18e541): no swap-in under the VMA lock; the arch code retries under mmap_lock. */
	if ((vmf->flags & FAULT_FLAG_VMA_LOCK) && FL_POL(PER_VMA_LOCK) < FL_PER_VMA_LOCK_SWAP_UFFD) {
		FL_TRACE("swap PTE under the VMA lock: VM_FAULT_RETRY");
		return VM_FAULT_RETRY;
	}
	page = fl_lookup_swap_cache(t, slot);
	if (page < 0) {
		page = fl_swapin_readahead(t, slot);
		if (page < 0) {
			/* Back out if somebody else faulted in this pte meanwhile. */
			fl_pte_lock(t, vmf->mm, vmf->vpn);
			if (pte_same(fl_ptep_get(vmf->mm, vmf->vpn), vmf->orig_pte))
				ret = VM_FAULT_OOM;
			fl_pte_unlock(t, vmf->mm, vmf->vpn);
			return ret;
		}
	}
	if (!lock_page_or_retry(vmf, page)) {
		fl_put_page(page);
		return VM_FAULT_RETRY;
	}
	/* try_to_free_swap, reuse_swap_page or reclaim may have released the swap cache meanwhile. */
	if (!(fl_page_flags(page) & PG_swapcache) || fl_mm.page[page].private != slot) {
		FL_TRACE("pfn %d is no longer slot %d's: back off", page, slot);
		goto out_page;
	}
	fl_pte_lock(t, vmf->mm, vmf->vpn);
	if (!pte_same(fl_ptep_get(vmf->mm, vmf->vpn), vmf->orig_pte)) {
		FL_TRACE("pte changed under us: back off");
		goto out_nomap;
	}
	pte = pfn_pte((uint32_t)page, vma->vm_page_prot);
	if (FL_POL(SWAP_COW) == FL_SWAP_COW_REUSE_SWAP_PAGE && FL_POL(COW_REUSE) != FL_COW_REUSE_ANON_EXCLUSIVE) {
		/* reuse_swap_page() must be called while the page is counted on swap, not yet in mapcount. */
		if (write && reuse_swap_page(page)) {
			pte = maybe_mkwrite(pte_mkdirty(pte), vma);
			vmf->flags &= ~FAULT_FLAG_WRITE;
			ret |= VM_FAULT_WRITE;
		}
		if (pte_swp_soft_dirty(vmf->orig_pte))
			pte = pte_mksoft_dirty(pte);
		if (pte_swp_uffd_wp(vmf->orig_pte))
			pte = pte_wrprotect(pte_mkuffd_wp(pte));
		fl_set_pte_at(vmf->mm, vmf->vpn, pte);
		fl_page_add_anon_rmap(page, false);	/* do_page_add_anon_rmap: no PG_anon_exclusive yet */
		fl_swap_free(slot);
	} else {
		/* c145e0b47c77 (v5.18): the same refcount logic as do_wp_page; v5.19 adds the exclusive bit. */
		exclusive = FL_POL(COW_REUSE) == FL_COW_REUSE_ANON_EXCLUSIVE && pte_swp_exclusive(vmf->orig_pte);
		fl_swap_free(slot);
		if (write && fl_page_count(page) == 2)	/* should_try_to_free_swap */
			fl_try_to_free_swap(page);
		if (exclusive || fl_page_count(page) == 1) {
			if (write) {
				pte = maybe_mkwrite(pte_mkdirty(pte), vma);
				vmf->flags &= ~FAULT_FLAG_WRITE;
				ret |= VM_FAULT_WRITE;
			}
			exclusive = true;	/* RMAP_EXCLUSIVE */
		}
		if (pte_swp_soft_dirty(vmf->orig_pte))
			pte = pte_mksoft_dirty(pte);
		if (pte_swp_uffd_wp(vmf->orig_pte))
			pte = pte_wrprotect(pte_mkuffd_wp(pte));
		fl_page_add_anon_rmap(page, exclusive && FL_POL(COW_REUSE) == FL_COW_REUSE_ANON_EXCLUSIVE);
		fl_set_pte_at(vmf->mm, vmf->vpn, pte);
	}
	FL_TRACE("map pfn %d at %s from slot %d%s", page, fl_va(vmf->vpn), slot,
		 pte_write(pte) ? " (W, dirty)" : " (R/O)");
	fl_unlock_page(t, page);
	vmf->orig_pte = pte;
	if (vmf->flags & FAULT_FLAG_WRITE)
		return ret | do_wp_page(vmf);	/* with the PTL held */
	fl_pte_unlock(t, vmf->mm, vmf->vpn);
	return ret;
out_nomap:
	fl_pte_unlock(t, vmf->mm, vmf->vpn);
out_page:
	fl_unlock_page(t, page);
	fl_put_page(page);
	return ret;
}

/*
 * handle_pte_marker (v5.19): a PTE marker where the page would be.  A
 * uffd-wp marker in a VMA still registered for wp is a missing PTE that
 * keeps its bit (do_pte_missing; the fault maps the page write-protected);
 * a leftover marker (the range was unregistered) is just cleared, and the
 * access retried (pte_marker_clear).
 * Enter: mmap_lock read-held, PTL not held.  Return: same.
 */
static unsigned handle_pte_marker(struct vm_fault *vmf)
{
	if (pte_marker_uffd_wp(vmf->orig_pte) && fl_userfaultfd_wp(vmf->vma)) {
		FL_TRACE("uffd-wp pte marker: fault the page in write-protected");
		if (vma_is_anonymous(vmf->vma))
			return do_anonymous_page(vmf);
		return do_fault(vmf);
	}
	fl_pte_lock(vmf->task, vmf->mm, vmf->vpn);
	if (pte_same(fl_ptep_get(vmf->mm, vmf->vpn), vmf->orig_pte)) {
		fl_set_pte_at(vmf->mm, vmf->vpn, 0);
		FL_TRACE("pte_marker_clear: a leftover marker, the range is not wp-registered any more");
	}
	fl_pte_unlock(vmf->task, vmf->mm, vmf->vpn);
	return 0;
}

/*
 * handle_pte_fault - dispatch on the PTE found.
 * Enter: mmap_lock read-held.  Return: same.
 * orig_pte is read without the PTL, then re-checked under it.
 */
static unsigned handle_pte_fault(struct vm_fault *vmf)
{
	pte_t entry;

	vmf->orig_pte = fl_ptep_get(vmf->mm, vmf->vpn);
	if (pte_none(vmf->orig_pte) && (vmf->vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP))) {
		FL_TRACE("device mapping hole: the driver's fault handler is not modelled -> SIGBUS");
		return VM_FAULT_SIGBUS;
	}
	if (pte_none(vmf->orig_pte)) {
		if (vma_is_anonymous(vmf->vma))
			return do_anonymous_page(vmf);
		return do_fault(vmf);
	}
	if (!pte_present(vmf->orig_pte)) {
		if (is_pte_marker(vmf->orig_pte))
			return handle_pte_marker(vmf);
		return do_swap_page(vmf);
	}
	fl_pte_lock(vmf->task, vmf->mm, vmf->vpn);
	entry = fl_ptep_get(vmf->mm, vmf->vpn);
	if (!pte_same(entry, vmf->orig_pte)) {
		FL_TRACE("pte changed since the lockless read: retry");
		goto unlock;
	}
	if (vmf->flags & (FAULT_FLAG_WRITE | FAULT_FLAG_UNSHARE)) {
		if (!pte_write(entry))
			return do_wp_page(vmf);
		if (vmf->flags & FAULT_FLAG_WRITE)
			entry = pte_mkdirty(entry);
	}
	entry = pte_mkyoung(entry);
	/* x86 ptep_set_access_flags: only a write fault rewrites the PTE; a read has the walker set A. */
	if (!pte_same(entry, vmf->orig_pte) && (vmf->flags & FAULT_FLAG_WRITE)) {
		fl_set_pte_at(vmf->mm, vmf->vpn, entry);
		FL_TRACE("ptep_set_access_flags: pte dirty, young");
	} else {
		FL_TRACE("spurious fault: pte already allows the access");
	}
unlock:
	fl_pte_unlock(vmf->task, vmf->mm, vmf->vpn);
	return 0;
}

/*
 * handle_mm_fault - Enter: mmap_lock read-held, VMA checked by the caller.
 * Return: same locks (no VM_FAULT_RETRY without userfaultfd).
 */
unsigned fl_handle_mm_fault(struct fl_task *t, struct fl_vma *vma, int vpn, unsigned flags)
{
	return fl_handle_mm_fault_ref(t, vma, vpn, flags, NULL);
}

unsigned fl_handle_mm_fault_ref(struct fl_task *t, struct fl_vma *vma, int vpn, unsigned flags,
				const struct fl_vma_ref *ref)
{
	struct vm_fault vmf = {
		.task = t, .vma = vma, .mm = t->mm, .vpn = vpn, .flags = flags, .page = -1,
	};

	if (flags & FAULT_FLAG_VMA_LOCK) {	/* assert_fault_locked */
		if (ref)
			vmf.vref = *ref;
		else
			vmf.vref = (struct fl_vma_ref){ .mm = t->mm, .slot = fl_vma_slot(t->mm, vma),
							.gen = fl_mm.mm[t->mm].vl[fl_vma_slot(t->mm, vma)].gen };
		FL_BUG_ON(t->tid >= 0 && !(fl_mm.mm[t->mm].vl[vmf.vref.slot].readers_mask & (1u << t->tid)),
			  "a FAULT_FLAG_VMA_LOCK fault without the VMA read lock");
	} else {
		fl_mmap_assert_locked(t->mm);
	}
	/* Traced as the kernel's handle_mm_fault: @ref only carries the VMA lock it was entered with. */
	FL_TRACE_AS("handle_mm_fault", "%s fault at %s",
		    (flags & FAULT_FLAG_WRITE) ? "write" : (flags & FAULT_FLAG_UNSHARE) ? "unshare" : "read", fl_va(vpn));
	return handle_pte_fault(&vmf);
}

/*
 * zap_pte_range over [start, end) of @vma: clear each PTE under the PTL,
 * drop the rmap, and batch the page in @tlb so that it is freed only after
 * the TLB flush.  Enter: mmap_lock held (read or write), PTL not held.
 */
void fl_zap_page_range(struct fl_task *t, struct mmu_gather *tlb, struct fl_vma *vma, int start, int end)
{
	int mm = tlb->mm;

	for (int vpn = start; vpn < end; vpn++) {
		pte_t ptent;
		int pfn;

		fl_pte_lock(t, mm, vpn);
		ptent = fl_ptep_get_and_clear(mm, vpn);
		if (pte_present(ptent)) {
			pfn = fl_vm_normal_page(vma, ptent);
			/* zap_present_folio_ptes: a file page keeps the PTE's dirty bit (folio_mark_dirty). */
			if (pfn >= 0 && !(fl_page_flags(pfn) & PG_anon) && pte_dirty(ptent))
				fl_page_set_flags(pfn, PG_dirty, 0);
			if (pfn >= 0)
				fl_page_remove_rmap(pfn);
			fl_tlb_remove_page(t, tlb, vpn, pfn);	/* tlb_remove_tlb_entry + __tlb_remove_page */
			FL_TRACE("zap %s (pfn %u)", fl_va(vpn), pte_pfn(ptent));
		} else if (is_pte_marker(ptent)) {
			/* munmap and exit zap with ZAP_FLAG_DROP_MARKER (999dad824c39): the marker goes. */
			FL_TRACE("zap %s (pte marker dropped)", fl_va(vpn));
		} else if (is_swap_pte(ptent)) {
			FL_TRACE("zap %s (swap slot %u)", fl_va(vpn), pte_to_swp_entry(ptent));
			fl_free_swap_and_cache(t, (int)pte_to_swp_entry(ptent));
		}
		fl_pte_unlock(t, mm, vpn);
	}
}

/*
 * unmap_mapping_pages over pages [pgoff, pgoff + n) of shmem @obj: walk
 * every VMA that maps them (the i_mmap tree: any mm, any address; a VMA
 * munmap has detached but not yet zapped is still there) and zap their
 * PTEs, flushing each mm's TLBs before the pages are released.  Without
 * @drop_markers (unmap_mapping_range: shmem_fallocate's early unmap) a
 * uffd-wp PTE leaves a marker and markers stay (zap_install_uffd_wp_if_needed);
 * with it (unmap_mapping_folio: the final truncation, page locked) they go.
 * Enter: no PTL; the caller holds no mmap_lock of the other mms, as the
 * kernel's rmap walk does not (i_mmap_rwsem is not modelled: VMAs of the
 * file are read under each mm's VMA object).
 */
void fl_unmap_mapping_pages(struct fl_task *t, int obj, int pgoff, int n, bool drop_markers)
{
	for (int mm = 0; mm < FL_MAX_MM; mm++) {
		struct mmu_gather tlb;
		bool gathered = false;

		if (!fl_mm.mm[mm].live)
			continue;
		fl_sim_yield(fl_obj_vma(mm), FL_ACC_R, "unmap_mapping_range: vma_interval_tree_foreach");
		for (int i = 0; i < FL_MAX_VMAS; i++) {
			struct fl_vma *v = &fl_mm.mm[mm].vma[i];
			int lo, hi;

			if (!v->used || v->shmem != obj)
				continue;
			lo = pgoff > v->pgoff ? pgoff : v->pgoff;
			hi = pgoff + n < v->pgoff + (v->end - v->start) ? pgoff + n : v->pgoff + (v->end - v->start);
			if (lo >= hi)
				continue;
			if (!gathered) {
				fl_tlb_gather_mmu(&tlb, mm, false);
				gathered = true;
			}
			for (int vpn = v->start + lo - v->pgoff; vpn < v->start + hi - v->pgoff; vpn++) {
				pte_t ptent;
				int pfn;

				fl_pte_lock(t, mm, vpn);
				ptent = fl_ptep_get(mm, vpn);
				if (pte_present(ptent)) {
					ptent = fl_ptep_get_and_clear(mm, vpn);
					pfn = fl_vm_normal_page(v, ptent);
					if (pfn >= 0 && pte_dirty(ptent))
						fl_page_set_flags(pfn, PG_dirty, 0);	/* folio_mark_dirty */
					if (pfn >= 0)
						fl_page_remove_rmap(pfn);
					if (drop_markers && pte_uffd_wp(ptent))
						fl_mm_hooks.uffd_wp_dropped(mm, vpn, vpn + 1);
					fl_tlb_remove_page(t, &tlb, vpn, pfn);
					FL_TRACE("P%d %s: zap (pfn %u)", mm, fl_va(vpn), pte_pfn(ptent));
					if (!drop_markers && pte_uffd_wp(ptent) && userfaultfd_wp_use_markers(v)) {
						fl_set_pte_at(mm, vpn, make_pte_marker_uffd_wp());
						FL_TRACE("P%d %s: uffd-wp kept in a pte marker", mm, fl_va(vpn));
					}
				} else if (is_pte_marker(ptent) && drop_markers) {
					fl_mm_hooks.uffd_wp_dropped(mm, vpn, vpn + 1);
					fl_set_pte_at(mm, vpn, 0);
					FL_TRACE("P%d %s: pte marker dropped (ZAP_FLAG_DROP_MARKER)", mm, fl_va(vpn));
				}
				fl_pte_unlock(t, mm, vpn);
			}
		}
		if (gathered)
			fl_tlb_finish_mmu(t, &tlb);
	}
}

/*
 * copy_present_pte: share one present PTE with the child.  In a COW
 * mapping a writable PTE is write-protected in both parent and child, so
 * the first write on either side faults into do_wp_page.  The child's PTE
 * is old and, for shared mappings, clean.  With PageAnonExclusive the
 * page stops being exclusive (page_try_dup_anon_rmap).
 * Enter: both PTLs held.
 */
static void copy_present_pte(int dst_mm, int src_mm, struct fl_vma *src, int vpn, pte_t pte)
{
	int pfn = fl_vm_normal_page(src, pte);

	if (pfn >= 0) {
		fl_get_page(pfn);
		fl_page_dup_rmap(pfn);
		if (FL_POL(COW_REUSE) == FL_COW_REUSE_ANON_EXCLUSIVE && (fl_mm.page[pfn].flags & PG_anon))
			fl_page_set_flags(pfn, 0, PG_anon_exclusive);
	}
	if (is_cow_mapping(src->vm_flags) && pte_write(pte)) {
		fl_ptep_set_wrprotect(src_mm, vpn);
		pte = pte_wrprotect(pte);
		FL_TRACE("P%d %s: write-protect for COW (pfn %u)", src_mm, fl_va(vpn), pte_pfn(pte));
	}
	if (src->vm_flags & VM_SHARED)
		pte = pte_mkclean(pte);
	pte &= ~(pte_t)_PAGE_ACCESSED;	/* pte_mkold */
	pte &= ~(pte_t)_PAGE_UFFD_WP;	/* the child VMA has no VM_UFFD_WP without EVENT_FORK */
	fl_set_pte_at(dst_mm, vpn, pte);
}

/*
 * copy_page_range: only VMAs with an anon_vma have PTEs worth copying;
 * shared (shmem) VMAs are refaulted by the child.  Enter: both mmap_locks
 * write-held.
 */
/*
 * copy_present_page (70e806e4e645, v5.9): a maybe-pinned anonymous page in
 * a COW mapping is copied for the child right away, and the parent keeps
 * its PTE (still writable), so the pin keeps referring to the page the
 * parent uses.  Returns 1 to share the page as usual, 0 when copied, and
 * -1 (-EAGAIN) when a preallocated page is needed: the caller drops the
 * PTLs, allocates, and retries.  Enter: both PTLs held.
 */
static int copy_present_page(int dst_mm, int src_mm, struct fl_vma *src, int vpn, pte_t pte, int *prealloc)
{
	int pfn = fl_vm_normal_page(src, pte), new_pfn;
	pte_t child;

	if (!FL_POL(FORK_PINNED) || pfn < 0 || !is_cow_mapping(src->vm_flags))
		return 1;
	fl_sim_yield(fl_obj_mmflags(src_mm), FL_ACC_R, "has_pinned");
	if (!fl_mm.mm[src_mm].has_pinned || !fl_page_maybe_dma_pinned(pfn))
		return 1;
	if (*prealloc < 0)
		return -1;
	new_pfn = *prealloc;
	*prealloc = -1;
	/* copy_user_highpage; the child's data is the page as read here (the parent may still write it). */
	{
		struct fl_footprint fp = { 0 };
		struct fl_frame tmp;

		fl_fp_add(&fp, fl_obj_frame(pfn), FL_ACC_R);
		fl_fp_add(&fp, FL_OBJ_SPEC(src_mm, vpn), FL_ACC_R);
		fl_sim_yield_fp(&fp, NULL, NULL, "copy_user_highpage");
		tmp = fl_hw.frame[pfn];
		fl_mm_hooks.fork_copy_page(src_mm, dst_mm, vpn);
		fl_sim_yield(fl_obj_frame(new_pfn), FL_ACC_W, "copy_user_highpage");
		memcpy(fl_hw.frame[new_pfn].w, tmp.w, sizeof(tmp.w));
		memcpy(fl_hw.frame[new_pfn].tag, tmp.tag, sizeof(tmp.tag));
	}
	fl_page_add_new_anon_rmap(new_pfn, FL_POL(COW_REUSE) == FL_COW_REUSE_ANON_EXCLUSIVE);
	child = pfn_pte((uint32_t)new_pfn, src->vm_page_prot);
	child = maybe_mkwrite(pte_mkdirty(child), src);
	fl_set_pte_at(dst_mm, vpn, child);
	FL_TRACE("pfn %d is maybe pinned: the child gets its own copy, pfn %d", pfn, new_pfn);
	return 0;
}

/*
 * copy_nonpresent_pte: the child shares a swap PTE, with one more count on
 * the slot (swap_duplicate).  From v5.19 the entry stops being exclusive,
 * in the parent too (1493a1913e34).  The child gets no uffd-wp bit, as in
 * copy_present_pte (8f34f1eac382, 2021; before it the swap PTE's bit went
 * over to the child).  Enter: both PTLs held.
 */
static void copy_nonpresent_pte(int dst_mm, int src_mm, int vpn, pte_t pte)
{
	int slot = (int)pte_to_swp_entry(pte);

	/* copy_pte_marker: the child's VMA has no uffd-wp (no UFFD_FEATURE_EVENT_FORK): nothing to copy. */
	if (is_pte_marker(pte))
		return;

	fl_swap_duplicate(slot);
	if (pte_swp_exclusive(pte)) {
		pte = pte_swp_clear_exclusive(pte);
		fl_set_pte_at(src_mm, vpn, pte);
	}
	fl_set_pte_at(dst_mm, vpn, pte_swp_clear_uffd_wp(pte));
	FL_TRACE("P%d %s: swap slot %d shared with P%d", src_mm, fl_va(vpn), slot, dst_mm);
}

int fl_copy_page_range(struct fl_task *t, int dst_mm, int src_mm, struct fl_vma *dst, struct fl_vma *src)
{
	int prealloc = -1;

	bool seq = FL_POL(GUP_FAST_FORK) && is_cow_mapping(src->vm_flags);

	(void)dst;
	if (!src->anon_vma)
		return 0;
	if (seq) {
		fl_sim_yield(fl_obj_mmflags(src_mm), FL_ACC_W, "raw_write_seqcount_begin(write_protect_seq)");
		fl_mm.mm[src_mm].write_protect_seq++;
	}
	for (int vpn = src->start; vpn < src->end; vpn++) {
		pte_t pte;
		int ret = 1;

		fl_pte_lock(t, dst_mm, vpn);
		fl_pte_lock(t, src_mm, vpn);
		pte = fl_ptep_get(src_mm, vpn);
		if (pte_present(pte)) {
			ret = copy_present_page(dst_mm, src_mm, src, vpn, pte, &prealloc);
			if (ret > 0)
				copy_present_pte(dst_mm, src_mm, src, vpn, pte);
		} else if (!pte_none(pte)) {
			copy_nonpresent_pte(dst_mm, src_mm, vpn, pte);
		}
		fl_pte_unlock(t, src_mm, vpn);
		fl_pte_unlock(t, dst_mm, vpn);
		if (ret < 0) {
			/* -EAGAIN: allocate outside the PTLs (it may sleep), then redo this PTE. */
			prealloc = fl_alloc_page(t);
			if (prealloc < 0)
				return -ENOMEM;
			vpn--;
		}
	}
	if (prealloc >= 0)
		fl_put_page(prealloc);
	if (seq) {
		fl_sim_yield(fl_obj_mmflags(src_mm), FL_ACC_W, "raw_write_seqcount_end(write_protect_seq)");
		fl_mm.mm[src_mm].write_protect_seq++;
	}
	return 0;
}
