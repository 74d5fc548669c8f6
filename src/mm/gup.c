/* SPDX-License-Identifier: MIT */
/*
 * mm/gup.c - get_user_pages for one page: the lockless fast path
 * (get_user_pages_fast / pin_user_pages_fast) and the slow path
 * (__get_user_pages with follow_page_pte and faultin_page).
 *
 *  - FOLL_GET takes a plain reference; FOLL_PIN adds GUP_PIN_COUNTING_BIAS
 *    (3faa52c03f44, v5.7) and marks the mm has_pinned (008cfe4418b3,
 *    v5.9), which page_maybe_dma_pinned(), fork and clear_refs read.
 *  - The slow path runs under mmap_lock (read): if the PTE is missing, or
 *    read-only for FOLL_WRITE, faultin_page() runs the fault handler and
 *    the lookup is retried.  A userfault drops mmap_lock (VM_FAULT_RETRY):
 *    the lock is retaken and the lookup starts again.
 *  - The fast path walks the PTE without any lock, grabs the page, and
 *    re-reads the PTE: if it changed, the reference is dropped and the slow
 *    path takes over (as gup_pte_range does).
 *  - gup_cow=break_cow (17839856fd58, v5.8; reverted by a308c71bf1e6 in
 *    v5.9): any FOLL_GET/FOLL_PIN lookup in a COW mapping is done as a
 *    write, so COW is broken before the page is taken ("COW can break
 *    either way"); the fast path refuses read-only PTEs.
 * Unsharing of R/O pins (v5.19) and the pages[] contract are not here yet.
 */
#include "mm/mm.h"

static bool is_cow_mapping(uint32_t vm_flags)
{
	return (vm_flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

/* try_grab_page: one reference (FOLL_GET) or one pin (FOLL_PIN). */
static void try_grab_page(int pfn, unsigned gup_flags)
{
	fl_sim_yield(fl_obj_page(pfn), FL_ACC_W, (gup_flags & FOLL_PIN) ? "try_grab_page(FOLL_PIN)" : "try_grab_page(FOLL_GET)");
	fl_mm.page[pfn].refcount += (gup_flags & FOLL_PIN) ? GUP_PIN_COUNTING_BIAS : 1;
	FL_TRACE("%s pfn %d: refcount %d", (gup_flags & FOLL_PIN) ? "pin" : "get", pfn, fl_mm.page[pfn].refcount);
}

static void ungrab_page(int pfn, unsigned gup_flags)
{
	if (gup_flags & FOLL_PIN)
		fl_unpin_user_page(pfn);
	else
		fl_put_page(pfn);
}

static bool pte_allows(pte_t pte, unsigned gup_flags)
{
	return (pte & _PAGE_PRESENT) && !pte_special(pte) && (!(gup_flags & FOLL_WRITE) || pte_write(pte));
}

/*
 * gup_must_unshare (a7f226604170, v5.19): an R/O FOLL_PIN of an anonymous
 * page that may be shared must not pin it as is - a later COW would leave
 * the pin on the other process's page.  Unshare it first.
 */
static bool gup_must_unshare(pte_t pte, unsigned gup_flags)
{
	int pfn = (int)pte_pfn(pte);

	if (!FL_POL(GUP_UNSHARE) || pte_write(pte) || (gup_flags & (FOLL_WRITE | FOLL_PIN)) != FOLL_PIN)
		return false;
	return (fl_page_flags(pfn) & (PG_anon | PG_anon_exclusive)) == PG_anon;
}

/* gup_pte_range for one page: lockless.  Returns the pfn, or -1 to fall back. */
static int gup_fast(struct fl_task *t, int vpn, unsigned gup_flags)
{
	pte_t pte = fl_ptep_get(t->mm, vpn);
	int pfn;

	if (!pte_allows(pte, gup_flags) || gup_must_unshare(pte, gup_flags))
		return -1;
	pfn = (int)pte_pfn(pte);
	/*
	 * try_grab_folio: an atomic get_page_unless_zero - without the PTL the
	 * page may be on its way to being freed.  (Freeing writes the page
	 * object too, so this one step sees either the page or its end.)
	 */
	fl_sim_yield(fl_obj_page(pfn), FL_ACC_W, "try_grab_folio");
	if (fl_hw.frame[pfn].free || fl_mm.page[pfn].refcount == 0) {
		FL_TRACE("pfn %d is being freed: slow path", pfn);
		return -1;
	}
	fl_mm.page[pfn].refcount += (gup_flags & FOLL_PIN) ? GUP_PIN_COUNTING_BIAS : 1;
	FL_TRACE("%s pfn %d: refcount %d", (gup_flags & FOLL_PIN) ? "pin" : "get", pfn, fl_mm.page[pfn].refcount);
	if (!pte_same(fl_ptep_get(t->mm, vpn), pte)) {
		FL_TRACE("pte changed under the lockless walk: drop it, slow path");
		ungrab_page(pfn, gup_flags);
		return -1;
	}
	return pfn;
}

/* __get_user_pages for one page.  Enter and return: no locks held. */
static int gup_slow(struct fl_task *t, int vpn, unsigned gup_flags)
{
	struct fl_vma *vma;
	unsigned ret;
	int pfn = -1;

	fl_mmap_read_lock(t, t->mm);
	vma = fl_find_vma(t->mm, vpn);
	if (!vma || ((gup_flags & FOLL_WRITE) && !(vma->vm_flags & VM_WRITE) && !(gup_flags & FOLL_FORCE)))
		goto out;
	if (FL_POL(GUP_COW) == FL_GUP_COW_BREAK && is_cow_mapping(vma->vm_flags) &&
	    (gup_flags & (FOLL_GET | FOLL_PIN)) && (vma->vm_flags & VM_WRITE)) {
		FL_TRACE("should_force_cow_break: look up %s for write", fl_va(vpn));
		gup_flags |= FOLL_WRITE;
	}
	for (int tries = 0; tries < 64; tries++) {
		bool unshare;
		pte_t pte;

		fl_pte_lock(t, t->mm, vpn);		/* follow_page_pte */
		pte = fl_ptep_get(t->mm, vpn);
		unshare = pte_allows(pte, gup_flags) && gup_must_unshare(pte, gup_flags);
		if (pte_allows(pte, gup_flags) && !unshare) {
			pfn = (int)pte_pfn(pte);
			try_grab_page(pfn, gup_flags);
			fl_pte_unlock(t, t->mm, vpn);
			goto out;
		}
		fl_pte_unlock(t, t->mm, vpn);
		FL_TRACE_AS("faultin_page", "%s: %s", fl_va(vpn), unshare ? "maybe shared: unshare (-EMLINK)" :
			    pte_none(pte) ? "not present" : "needs a write fault");
		ret = fl_handle_mm_fault(t, vma, vpn, ((gup_flags & FOLL_WRITE) ? FAULT_FLAG_WRITE : 0) |
					 (unshare ? FAULT_FLAG_UNSHARE : 0) | FAULT_FLAG_ALLOW_RETRY);
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

/*
 * get_user_pages / pin_user_pages (and their _fast variants) for the page
 * at @vpn.  Returns the pfn taken, or -1 (-EFAULT).
 */
int fl_get_user_page(struct fl_task *t, int vpn, unsigned gup_flags, bool fast)
{
	int pfn = -1;

	if (gup_flags & FOLL_PIN) {
		fl_sim_yield(fl_obj_mmflags(t->mm), FL_ACC_W, "mm_set_has_pinned_flag");
		fl_mm.mm[t->mm].has_pinned = 1;
	}
	if (fast) {
		unsigned fast_flags = gup_flags;

		/* v5.8: the fast path may only take writable PTEs (it cannot break COW). */
		if (FL_POL(GUP_COW) == FL_GUP_COW_BREAK)
			fast_flags |= FOLL_WRITE;
		pfn = gup_fast(t, vpn, fast_flags);
	}
	if (pfn < 0)
		pfn = gup_slow(t, vpn, gup_flags);
	return pfn;
}

/* check_vma_flags: what GUP refuses before looking at any PTE. */
static int check_vma_flags(const struct fl_vma *vma, unsigned gup_flags)
{
	if (vma->vm_flags & (VM_IO | VM_PFNMAP))
		return -14;	/* -EFAULT: remap_pfn_range memory has no struct pages */
	if ((gup_flags & FOLL_WRITE) && !(vma->vm_flags & VM_WRITE) && !(gup_flags & FOLL_FORCE))
		return -14;
	/* A read of an unreadable (PROT_NONE) VMA needs FOLL_FORCE (VM_MAYREAD is always set here). */
	if (!(gup_flags & FOLL_WRITE) && !(vma->vm_flags & VM_READ) && !(gup_flags & FOLL_FORCE))
		return -14;
	return 0;
}

/*
 * follow_pfn_pte: a present PTE with no struct page.  The answer changed
 * across releases (seed 002); -EEXIST means "the address is mapped, but
 * there is no page to return".
 */
static int follow_pfn_pte(unsigned gup_flags)
{
	switch (FL_POL(FOLLOW_PFN_PTE)) {
	case FL_PFNPTE_GET_ONLY:
	case FL_PFNPTE_WARN:
		return (gup_flags & FOLL_GET) ? -14 : -17;
	case FL_PFNPTE_GET_PIN:
		return (gup_flags & (FOLL_GET | FOLL_PIN)) ? -14 : -17;
	default:
		return -17;	/* 65462462ffb2 and the return-0 proposal: always -EEXIST */
	}
}

/*
 * follow_page_pte: under the PTL, the page behind @vpn for GUP.  Returns
 * its pfn (grabbed for FOLL_GET/FOLL_PIN); or -1 with *err = 0 ("NULL":
 * fault it in and retry); or -1 with *err set (-EEXIST, -EFAULT), from
 * follow_pfn_pte for a present PTE without struct page.
 */
static int follow_page_pte(struct fl_task *t, int vpn, unsigned gup_flags, int *err)
{
	int pfn = -1;
	pte_t pte;

	*err = 0;
	fl_pte_lock(t, t->mm, vpn);
	pte = fl_ptep_get(t->mm, vpn);
	if ((pte & _PAGE_PRESENT) && pte_special(pte) && pte_pfn(pte) != FL_ZERO_PFN) {
		*err = follow_pfn_pte(gup_flags);
	} else if (pte_allows(pte, gup_flags)) {
		pfn = (int)pte_pfn(pte);
		if (gup_flags & (FOLL_GET | FOLL_PIN))
			try_grab_page(pfn, gup_flags);
	}
	fl_pte_unlock(t, t->mm, vpn);
	return pfn;
}

/* follow_page_mask: one page-table level in the model, so straight to the PTE. */
static int follow_page_mask(struct fl_task *t, int vpn, unsigned gup_flags, int *err)
{
	return follow_page_pte(t, vpn, gup_flags, err);
}

/*
 * __get_user_pages over [vpn, vpn + npages), the v5.x loop: per page,
 * follow_page_mask (here follow_page_pte / follow_pfn_pte) under the PTL;
 * NULL -> faultin_page and retry; -EEXIST -> skip the slot (how depends on
 * follow_pfn_pte); another error -> stop.  Returns i ? i : ret.
 * @pages may be NULL (mlock, MAP_POPULATE).  Enter and return: no locks.
 */
long fl_get_user_pages_range(struct fl_task *t, int vpn, int npages, unsigned gup_flags, int *pages)
{
	struct fl_vma *vma = NULL;
	long i = 0, ret = 0;

	if (gup_flags & FOLL_PIN) {
		fl_sim_yield(fl_obj_mmflags(t->mm), FL_ACC_W, "mm_set_has_pinned_flag");
		fl_mm.mm[t->mm].has_pinned = 1;
	}
	fl_mmap_read_lock(t, t->mm);
	while (i < npages) {
		int p = vpn + (int)i, pfn = -1, err = 0, tries;

		/* first iteration or cross vma bound */
		if (!vma || p >= vma->end) {
			vma = fl_find_vma(t->mm, p);
			ret = vma ? check_vma_flags(vma, gup_flags) : -14;
			if (ret) {
				FL_TRACE("%s: %s -> %ld", fl_va(p), vma ? "check_vma_flags" : "no VMA", ret);
				break;
			}
		}
		for (tries = 0; tries < 64; tries++) {
			unsigned fret;

			pfn = follow_page_mask(t, p, gup_flags, &err);
			if (pfn >= 0 || err)
				break;
			/* NULL: faultin_page, then look again. */
			fret = fl_handle_mm_fault(t, vma, p, ((gup_flags & FOLL_WRITE) ? FAULT_FLAG_WRITE : 0));
			if (fret & (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV)) {
				err = -14;
				break;
			}
		}
		if (err == -17) {
			FL_TRACE_AS("follow_pfn_pte", "%s: pageless PTE -> -EEXIST", fl_va(p));
			if (pages && FL_POL(FOLLOW_PFN_PTE) == FL_PFNPTE_EEXIST_BAIL) {
				ret = err;	/* 65462462ffb2: only pages == NULL callers may skip */
				break;
			}
			if (pages && FL_POL(FOLLOW_PFN_PTE) == FL_PFNPTE_RETURN_ZERO) {
				ret = 0;	/* the proposal: stop, reporting what was done */
				break;
			}
			if (pages && FL_POL(FOLLOW_PFN_PTE) == FL_PFNPTE_WARN)
				FL_TRACE("WARN_ON_ONCE(pages): slot %ld skipped", i);
			i++;		/* goto next_page: pages[i] is not written */
			continue;
		}
		if (err) {
			FL_TRACE_AS("follow_pfn_pte", "%s: %d", fl_va(p), err);
			ret = err;
			break;
		}
		if (pages)
			pages[i] = pfn;
		i++;
	}
	fl_mmap_read_unlock(t, t->mm);
	FL_TRACE("%s.. x%d: returns %ld", fl_va(vpn), npages, i ? i : ret);
	return i ? i : ret;
}

/*
 * __mm_populate (mlock, MAP_POPULATE): populate_vma_page_range for each VMA
 * of the range - __get_user_pages with pages == NULL - skipping VM_IO and
 * VM_PFNMAP VMAs, which have nothing to fault in.  Returns 0 or -errno.
 */
int fl_mm_populate(struct fl_task *t, int vpn, int npages)
{
	int end = vpn + npages;

	for (int p = vpn; p < end;) {
		struct fl_vma *vma;
		unsigned flags;
		int vend;
		long ret;

		fl_mmap_read_lock(t, t->mm);
		vma = fl_find_vma(t->mm, p);
		vend = vma ? (vma->end < end ? vma->end : end) : p + 1;
		if (vma && (vma->vm_flags & (VM_IO | VM_PFNMAP))) {
			FL_TRACE("%s..%s: VM_IO|VM_PFNMAP, nothing to populate", fl_va(p), fl_va(vend - 1));
			fl_mmap_read_unlock(t, t->mm);
			p = vend;
			continue;
		}
		/*
		 * populate_vma_page_range: write-fault private writable mappings, to
		 * break COW now; FOLL_FORCE for any accessible VMA, so that mlock
		 * succeeds on everything but PROT_NONE (there GUP fails with -EFAULT:
		 * found by faultline conform, the model used to populate it).
		 */
		flags = (vma && (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE) ? FOLL_WRITE : 0;
		if (vma && (vma->vm_flags & (VM_READ | VM_WRITE)))
			flags |= FOLL_FORCE;
		fl_mmap_read_unlock(t, t->mm);
		if (!vma)
			return -12;	/* -ENOMEM: a hole in the range */
		ret = fl_get_user_pages_range(t, p, vend - p, flags, NULL);
		if (ret < 0)
			return (int)ret;
		p += (int)ret;
	}
	return 0;
}

void fl_unpin_user_page(int pfn)
{
	fl_put_page_refs(pfn, GUP_PIN_COUNTING_BIAS, "unpin_user_page");
}
