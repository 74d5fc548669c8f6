/* SPDX-License-Identifier: MIT */
/*
 * mm/gup.c - get_user_pages: the lockless fast path (get_user_pages_fast /
 * pin_user_pages_fast, gup_fast_pte_range) and the one slow path,
 * __get_user_pages, that every other caller goes through: pins and
 * vmsplice after the fast path gave up, the litmus gup op, and
 * populate_vma_page_range (mlock, mprotect of a VM_LOCKED VMA).
 *
 *  - FOLL_GET takes a plain reference; FOLL_PIN adds GUP_PIN_COUNTING_BIAS
 *    (3faa52c03f44, v5.7) and marks the mm has_pinned (008cfe4418b3,
 *    v5.9), which page_maybe_dma_pinned(), fork and clear_refs read.
 *  - The slow path runs under mmap_lock (read).  check_vma_flags decides
 *    once per VMA whether GUP may touch it at all (no VM_READ: -EFAULT
 *    before any fault).  Then, per page, follow_page_pte under the PTL:
 *    NULL (no PTE, or read-only for FOLL_WRITE) -> faultin_page and look
 *    again; -EMLINK (gup_must_unshare) -> an unshare fault and look again.
 *  - The shared zero page is returned like any page: vm_normal_page() has
 *    no struct page for it, but follow_page_pte checks is_zero_pfn() and
 *    hands it out (long-standing).  Its refcount is not modelled (it is
 *    never freed), so taking or dropping it changes nothing.
 *  - A userfault drops mmap_lock (VM_FAULT_RETRY): __get_user_pages stops
 *    there, and __get_user_pages_locked retakes the lock and resumes at
 *    that page.  Every caller in the model is FOLL_UNLOCKABLE except
 *    populate_vma_page_range from mprotect_fixup (locked == NULL).
 *  - The fast path walks the PTE without any lock, grabs the page, and
 *    re-reads the PTE: if it changed, the reference is dropped and the slow
 *    path takes over (as gup_fast_pte_range does).  It never takes special
 *    PTEs (the zero page included): those are for the slow path.
 *  - gup_cow=break_cow (17839856fd58, v5.8; reverted by a308c71bf1e6 in
 *    v5.9): any FOLL_GET/FOLL_PIN lookup in a COW mapping is done as a
 *    write, so COW is broken before the page is taken ("COW can break
 *    either way"); the fast path refuses read-only PTEs.
 *  - gup_unshare (gup_must_unshare): see there.
 */
#include <errno.h>

#include "mm/hooks.h"
#include "mm/mm.h"


#define GUP_EFAULT	(-EFAULT)
#define GUP_ENOMEM	(-ENOMEM)
#define GUP_EEXIST	(-EEXIST)
#define GUP_EBUSY	(-EBUSY)	/* faultin_page: VM_FAULT_RETRY, mmap_lock dropped */
#define GUP_EMLINK	(-EMLINK)	/* follow_page_pte: unshare first */

/* try_grab_page: one reference (FOLL_GET) or one pin (FOLL_PIN). */
static void try_grab_page(int pfn, unsigned gup_flags)
{
	const char *what = (gup_flags & FOLL_PIN) ? "try_grab_page(FOLL_PIN)" : "try_grab_page(FOLL_GET)";

	if (pfn == FL_ZERO_PFN) {
		/* Reserved and never freed: its count is not modelled (and pins skip it since c8070b787519, v6.5). */
		FL_TRACE_AS(what, "the zero page");
		return;
	}
	fl_sim_yield(fl_obj_page(pfn), FL_ACC_W, what);
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

/*
 * gup_must_unshare: must an R/O FOLL_PIN of @pfn unshare it first, so that
 * the pin stays coherent with what the page tables map?  @vma is NULL on
 * the fast path, which then leaves the decision to the slow path.
 *  - anon (a7f226604170, v5.19): an anonymous page that may be shared
 *    (!PageAnonExclusive): a later COW would leave the pin on the page the
 *    other process keeps.
 *  - cow_mapping (84209e87c696, v6.2): also any other page (the zero page,
 *    a page-cache page) in a COW mapping, for FOLL_LONGTERM only: the
 *    first write would replace it, and the pin would no longer see the
 *    process's memory.  FAULT_FLAG_UNSHARE then installs an exclusive
 *    anonymous copy (8d6a0ac09a16, same series; do_wp_page here).
 */
static bool gup_must_unshare(const struct fl_vma *vma, unsigned gup_flags, int pfn)
{
	if (FL_POL(GUP_UNSHARE) == FL_GUP_UNSHARE_OFF || (gup_flags & (FOLL_WRITE | FOLL_PIN)) != FOLL_PIN)
		return false;
	if (!(fl_page_flags(pfn) & PG_anon)) {
		if (FL_POL(GUP_UNSHARE) != FL_GUP_UNSHARE_COW_MAPPING || !(gup_flags & FOLL_LONGTERM))
			return false;
		return !vma || is_cow_mapping(vma->vm_flags);
	}
	return !(fl_page_flags(pfn) & PG_anon_exclusive);
}

/* What the lockless walk takes as is: a present, normal page, writable if asked. */
static bool gup_fast_pte_ok(pte_t pte, unsigned gup_flags)
{
	return (pte & _PAGE_PRESENT) && !pte_special(pte) && (!(gup_flags & FOLL_WRITE) || pte_write(pte));
}

/* gup_fast_pte_range for one page: lockless.  Returns the pfn, or -1 to fall back. */
static int gup_fast(struct fl_task *t, int vpn, unsigned gup_flags)
{
	pte_t pte = fl_ptep_get(t->mm, vpn);
	int pfn;

	if (!gup_fast_pte_ok(pte, gup_flags))
		return -1;
	pfn = (int)pte_pfn(pte);
	if (!pte_write(pte) && gup_must_unshare(NULL, gup_flags, pfn))
		return -1;
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
	fl_mm_hooks.gup_grabbed(t->mm, vpn);
	return pfn;
}

/* check_vma_flags: what GUP refuses for a whole VMA, before looking at any PTE. */
static int check_vma_flags(const struct fl_vma *vma, unsigned gup_flags)
{
	if (vma->vm_flags & (VM_IO | VM_PFNMAP))
		return GUP_EFAULT;	/* remap_pfn_range memory has no struct pages */
	if (gup_flags & FOLL_WRITE) {
		if (!(vma->vm_flags & VM_WRITE) && (!(gup_flags & FOLL_FORCE) || !is_cow_mapping(vma->vm_flags)))
			return GUP_EFAULT;
	} else if (!(vma->vm_flags & VM_READ) && !(gup_flags & FOLL_FORCE)) {
		/* PROT_NONE: a read needs FOLL_FORCE (VM_MAYREAD is always set here). */
		return GUP_EFAULT;
	}
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
		return (gup_flags & FOLL_GET) ? GUP_EFAULT : GUP_EEXIST;
	case FL_PFNPTE_GET_PIN:
		return (gup_flags & (FOLL_GET | FOLL_PIN)) ? GUP_EFAULT : GUP_EEXIST;
	default:
		return GUP_EEXIST;	/* 65462462ffb2 and the return-0 proposal: always -EEXIST */
	}
}

/*
 * follow_page_pte: under the PTL, the page behind @vpn for GUP.  Returns
 * its pfn (grabbed for FOLL_GET/FOLL_PIN); or -1 with *err = 0 ("NULL":
 * fault it in and look again); or -1 with *err = -EMLINK (unshare it
 * first); or -1 with *err = -EEXIST / -EFAULT from follow_pfn_pte.
 */
static int follow_page_pte(struct fl_task *t, const struct fl_vma *vma, int vpn, unsigned gup_flags, int *err)
{
	int pfn = -1;
	pte_t pte;

	*err = 0;
	fl_pte_lock(t, t->mm, vpn);
	pte = fl_ptep_get(t->mm, vpn);
	if (!pte_present(pte))
		goto out;		/* no_page: none or swapped out */
	if ((gup_flags & FOLL_WRITE) && !pte_write(pte))
		goto out;		/* a write fault first (can_follow_write_pte) */
	pfn = fl_vm_normal_page(vma, pte);
	if (pfn < 0) {
		if (pte_pfn(pte) != FL_ZERO_PFN) {
			*err = follow_pfn_pte(gup_flags);
			goto out;
		}
		pfn = FL_ZERO_PFN;	/* is_zero_pfn: GUP returns the zero page */
	}
	if (!pte_write(pte) && gup_must_unshare(vma, gup_flags, pfn)) {
		*err = GUP_EMLINK;
		pfn = -1;
		goto out;
	}
	if (gup_flags & (FOLL_GET | FOLL_PIN)) {
		try_grab_page(pfn, gup_flags);
		fl_mm_hooks.gup_grabbed(t->mm, vpn);
	}
out:
	fl_pte_unlock(t, t->mm, vpn);
	return pfn;
}

/* follow_page_mask: one page-table level in the model, so straight to the PTE. */
static int follow_page_mask(struct fl_task *t, const struct fl_vma *vma, int vpn, unsigned gup_flags, int *err)
{
	return follow_page_pte(t, vma, vpn, gup_flags, err);
}

/*
 * faultin_page: handle_mm_fault for GUP.  Returns 0 (look again),
 * -EBUSY (VM_FAULT_RETRY: mmap_lock was dropped), -EFAULT or -ENOMEM.
 */
static int faultin_page(struct fl_task *t, struct fl_vma *vma, int vpn, unsigned gup_flags, bool unshare,
			bool unlockable)
{
	unsigned fault_flags = 0, ret;

	if (gup_flags & FOLL_WRITE)
		fault_flags |= FAULT_FLAG_WRITE;
	if (unshare)
		fault_flags |= FAULT_FLAG_UNSHARE;	/* never together with FAULT_FLAG_WRITE */
	if (unlockable)
		fault_flags |= FAULT_FLAG_ALLOW_RETRY;
	FL_TRACE_AS("faultin_page", "%s: %s", fl_va(vpn), unshare ? "maybe shared: unshare (-EMLINK)" :
		    (gup_flags & FOLL_WRITE) ? "write fault" : "read fault");
	ret = fl_handle_mm_fault(t, vma, vpn, fault_flags);
	if (ret & VM_FAULT_OOM)
		return GUP_ENOMEM;
	if (ret & (VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV))
		return GUP_EFAULT;
	if (ret & VM_FAULT_RETRY)
		return GUP_EBUSY;
	return 0;
}

/*
 * should_force_cow_break (gup_cow=break_cow, v5.8 only): look pages of a
 * writable COW mapping up as writes, so COW is broken before GUP takes them.
 */
static unsigned gup_vma_flags(const struct fl_vma *vma, unsigned gup_flags)
{
	if (FL_POL(GUP_COW) == FL_GUP_COW_BREAK && is_cow_mapping(vma->vm_flags) &&
	    (gup_flags & (FOLL_GET | FOLL_PIN)) && (vma->vm_flags & VM_WRITE) && !(gup_flags & FOLL_WRITE)) {
		FL_TRACE("should_force_cow_break: look up %s..%s for write", fl_va(vma->start), fl_va(vma->end - 1));
		gup_flags |= FOLL_WRITE;
	}
	return gup_flags;
}

/*
 * __get_user_pages over [start, start + npages): per VMA check_vma_flags,
 * per page follow_page_mask (follow_page_pte / follow_pfn_pte) under the
 * PTL; NULL or -EMLINK -> faultin_page and look again; -EEXIST -> skip the
 * slot (how depends on follow_pfn_pte); another error -> stop.  Returns
 * i ? i : ret.  Enter: mmap_lock held.  If a fault dropped it (only when
 * @locked is given), *locked is cleared and the pages done so far are
 * returned (possibly 0): the caller resumes at the next one.
 * @pages may be NULL (populate).
 */
static long __get_user_pages(struct fl_task *t, int start, int npages, unsigned gup_flags, int *pages, bool *locked)
{
	struct fl_vma *vma = NULL;
	unsigned foll_flags = gup_flags;
	long i = 0, ret = 0, fault_i = -1;
	int faults = 0;

	fl_mmap_assert_locked(t->mm);
	while (i < npages) {
		int p = start + (int)i, pfn, err;

		/* first iteration or cross vma bound */
		if (!vma || p >= vma->end) {
			vma = fl_find_vma(t->mm, p);
			ret = vma ? check_vma_flags(vma, gup_flags) : GUP_EFAULT;
			if (ret) {
				FL_TRACE("%s: %s -> %ld", fl_va(p), vma ? "check_vma_flags" : "no VMA", ret);
				break;
			}
			foll_flags = gup_vma_flags(vma, gup_flags);
		}
		pfn = follow_page_mask(t, vma, p, foll_flags, &err);
		if (pfn < 0 && (err == 0 || err == GUP_EMLINK)) {
			/*
			 * A fault that never lets the page be taken is a livelock in the model
			 * (as in fl_user_access), e.g. unsharing (gup_unshare=on) under a COW rule
			 * that never marks the page exclusive.  In init nothing else would stop it.
			 */
			if (fault_i != i) {
				fault_i = i;
				faults = 0;
			}
			if (++faults > 64)
				fl_sim_limit("GUP of %s faulted %d times without getting the page (a livelock in the model?)",
					     fl_va(p), faults - 1);
			ret = faultin_page(t, vma, p, foll_flags, err == GUP_EMLINK, locked != NULL);
			if (ret == 0)
				continue;	/* retry: look the page up again */
			if (ret == GUP_EBUSY) {
				*locked = false;
				ret = 0;
			}
			break;
		}
		if (err == GUP_EEXIST) {
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
	return i ? i : ret;
}

/*
 * __get_user_pages_locked (FOLL_UNLOCKABLE): take mmap_lock, run
 * __get_user_pages, and whenever a fault dropped the lock (a userfault),
 * take it again and resume at the page that faulted.  Returns the number
 * of pages done, or -errno if none.  Enter and return: no locks.
 */
static long __get_user_pages_locked(struct fl_task *t, int start, int npages, unsigned gup_flags, int *pages)
{
	long done = 0, ret;

	for (;;) {
		bool locked = true;

		fl_mmap_read_lock(t, t->mm);
		ret = __get_user_pages(t, start + (int)done, npages - (int)done, gup_flags,
				       pages ? pages + done : NULL, &locked);
		if (locked)
			fl_mmap_read_unlock(t, t->mm);
		if (ret < 0)
			return done ? done : ret;
		done += ret;
		if (locked || done == npages)
			return done;
		FL_TRACE("VM_FAULT_RETRY at %s: mmap_lock retaken, resume there", fl_va(start + (int)done));
	}
}

/*
 * lockless_pages_from_mm: with write_protect_seq (57efa1fe5957), a
 * FOLL_PIN walk does not start while fork copies a COW mapping, and gives
 * up what it took if a fork started meanwhile; the slow path then waits
 * for fork's mmap_lock.  Returns the pfn, or -1 to fall back.
 */
static int gup_fast_seq(struct fl_task *t, int vpn, unsigned gup_flags)
{
	bool seqcheck = FL_POL(GUP_FAST_FORK) && (gup_flags & FOLL_PIN);
	uint32_t seq = 0;
	int pfn;

	if (seqcheck) {
		fl_sim_yield(fl_obj_mmflags(t->mm), FL_ACC_R, "raw_read_seqcount(write_protect_seq)");
		seq = fl_mm.mm[t->mm].write_protect_seq;
		if (seq & 1) {
			FL_TRACE("fork is copying the mm: slow path");
			return -1;
		}
	}
	pfn = gup_fast(t, vpn, gup_flags);
	if (pfn >= 0 && seqcheck) {
		fl_sim_yield(fl_obj_mmflags(t->mm), FL_ACC_R, "read_seqcount_retry(write_protect_seq)");
		if (fl_mm.mm[t->mm].write_protect_seq != seq) {
			FL_TRACE("a fork ran meanwhile: unpin pfn %d, slow path", pfn);
			ungrab_page(pfn, gup_flags);
			return -1;
		}
	}
	return pfn;
}

static void mm_set_has_pinned_flag(struct fl_task *t, unsigned gup_flags)
{
	if (gup_flags & FOLL_PIN) {
		fl_sim_yield(fl_obj_mmflags(t->mm), FL_ACC_W, "mm_set_has_pinned_flag");
		fl_mm.mm[t->mm].has_pinned = 1;
	}
}

/*
 * get_user_pages / pin_user_pages (and their _fast variants) for the page
 * at @vpn.  Returns the pfn taken, or -1 (an error: -EFAULT, -ENOMEM).
 */
int fl_get_user_page(struct fl_task *t, int vpn, unsigned gup_flags, bool fast)
{
	int pfn = -1;

	mm_set_has_pinned_flag(t, gup_flags);
	if (fast) {
		unsigned fast_flags = gup_flags;

		/* v5.8: the fast path may only take writable PTEs (it cannot break COW). */
		if (FL_POL(GUP_COW) == FL_GUP_COW_BREAK)
			fast_flags |= FOLL_WRITE;
		pfn = gup_fast_seq(t, vpn, fast_flags);
		if (pfn >= 0)
			return pfn;
	}
	if (__get_user_pages_locked(t, vpn, 1, gup_flags, &pfn) != 1)
		return -1;
	return pfn;
}

/* get_user_pages / pin_user_pages over a range (the litmus gup op).  Enter and return: no locks. */
long fl_get_user_pages_range(struct fl_task *t, int vpn, int npages, unsigned gup_flags, int *pages)
{
	long ret;

	mm_set_has_pinned_flag(t, gup_flags);
	ret = __get_user_pages_locked(t, vpn, npages, gup_flags, pages);
	FL_TRACE("%s.. x%d: returns %ld", fl_va(vpn), npages, ret);
	return ret;
}

/*
 * populate_vma_page_range: fault in [start, end) of @vma (pages == NULL).
 * Private writable mappings are write-faulted, to break COW now;
 * FOLL_FORCE for any accessible VMA, so that mlock succeeds on everything
 * but PROT_NONE (there check_vma_flags fails with -EFAULT: found by
 * faultline conform, the model used to populate it).  Enter: mmap_lock
 * held.  With @locked NULL (mprotect_fixup, write-locked) the lock is
 * never dropped; otherwise a userfault may drop it (*locked = false).
 * Returns the pages done or -errno.
 */
long fl_populate_vma_page_range(struct fl_task *t, struct fl_vma *vma, int start, int end, bool *locked)
{
	unsigned gup_flags = 0;

	if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE)
		gup_flags |= FOLL_WRITE;
	if (vma->vm_flags & (VM_READ | VM_WRITE))
		gup_flags |= FOLL_FORCE;	/* vma_is_accessible */
	return __get_user_pages(t, start, end - start, gup_flags, NULL, locked);
}

/*
 * __mm_populate (mlock, MAP_POPULATE): populate_vma_page_range for each VMA
 * of the range (find_vma_intersection: holes are skipped, the caller
 * checked for them), skipping VM_IO and VM_PFNMAP VMAs, which have nothing
 * to fault in.  Returns 0 or -errno.  Enter and return: no locks.
 */
int fl_mm_populate(struct fl_task *t, int vpn, int npages)
{
	int end = vpn + npages;

	for (int p = vpn; p < end;) {
		struct fl_vma *vma = NULL;
		bool locked = true;
		long ret;

		fl_mmap_read_lock(t, t->mm);
		for (; p < end && !(vma = fl_find_vma(t->mm, p)); p++)
			;	/* find_vma_intersection */
		if (!vma) {
			fl_mmap_read_unlock(t, t->mm);
			break;
		}
		if (vma->vm_flags & (VM_IO | VM_PFNMAP)) {
			FL_TRACE("%s..%s: VM_IO|VM_PFNMAP, nothing to populate", fl_va(p), fl_va(vma->end - 1));
			p = vma->end;
			fl_mmap_read_unlock(t, t->mm);
			continue;
		}
		ret = fl_populate_vma_page_range(t, vma, p, vma->end < end ? vma->end : end, &locked);
		if (locked)
			fl_mmap_read_unlock(t, t->mm);
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
