/* SPDX-License-Identifier: MIT */
/*
 * mm/userfaultfd.c - userfaultfd: register, UFFDIO_WRITEPROTECT,
 * UFFDIO_COPY / UFFDIO_ZEROPAGE, and handle_userfault (fs/userfaultfd.c
 * and mm/userfaultfd.c in the kernel).
 *
 * One userfaultfd context per process.  A faulting thread queues a
 * message, drops mmap_lock and sleeps until a resolving ioctl wakes its
 * range (wake_userfault); the fault then returns VM_FAULT_RETRY and the
 * arch code retries it with FAULT_FLAG_TRIED.  A monitor thread reads the
 * messages (uffd_wait in litmus).  Write-protection is the _PAGE_UFFD_WP
 * PTE bit, set and cleared by change_protection with MM_CP_UFFD_WP /
 * MM_CP_UFFD_WP_RESOLVE.  Unprotect leaves the write bit clear (v5.7+):
 * the next write goes through do_wp_page, which resolves COW properly -
 * and, with a deferred flush, is where seed 000's races R1 and R2 live.
 */
#include <errno.h>
#include "mm/hooks.h"
#include "mm/mm.h"


/* The uffd mode bits of vm_flags (__VM_UFFD_FLAGS; minor mode is not modelled). */
#define VM_UFFD_FLAGS (VM_UFFD_MISSING | VM_UFFD_WP)

static bool vma_in_range(const struct fl_vma *v, int start, int end)
{
	return fl_vma_live(v) && v->start < end && v->end > start;
}

/*
 * userfaultfd_register_range's "nothing to do": the VMA is already
 * registered with every requested mode, so it is skipped whole - neither
 * split nor changed, and any extra mode it has stays.
 */
static bool uffd_register_skips(const struct fl_vma *v, uint32_t vm_flags)
{
	return (v->vm_flags & vm_flags) == vm_flags;
}

/*
 * userfaultfd_register (fs/userfaultfd.c) and userfaultfd_register_range
 * (moved to mm/userfaultfd.c in 2024; release unverified).  Under the mmap
 * write lock: no VMA in the range is -EINVAL (holes between VMAs are
 * allowed); a pre-scan refuses the
 * whole call, changing nothing, if any VMA cannot take the mode
 * (vma_can_userfault).  Then every VMA of the range not skipped is split
 * to the range and its mode *replaced*:
 * vm_flags = (vm_flags & ~__VM_UFFD_FLAGS) | new, as since userfaultfd
 * began (v4.3).  Registering wp then missing drops wp; registering
 * missing|wp then missing keeps both (skipped).  PTEs are not touched: a
 * uffd-wp bit left on a PTE after wp is dropped no longer raises a fault,
 * since userfaultfd_pte_wp() wants VM_UFFD_WP too.
 */
int fl_userfaultfd_register(struct fl_task *t, int vpn, int npages, unsigned mode)
{
	int mm = t->mm, end = vpn + npages, ret = 0;
	uint32_t vm_flags = 0;
	bool found = false;

	if ((mode & UFFDIO_REGISTER_MODE_WP) && !FL_POL(UFFD_WP)) {
		FL_TRACE("uffd-wp is not supported by this kernel: EINVAL");
		return -EINVAL;
	}
	if (mode & UFFDIO_REGISTER_MODE_MISSING)
		vm_flags |= VM_UFFD_MISSING;
	if (mode & UFFDIO_REGISTER_MODE_WP)
		vm_flags |= VM_UFFD_WP;
	fl_mmap_write_lock(t, mm);
	fl_vma_start_write_range(t, mm, vpn, end, "userfaultfd_register: VMAs write-locked");
	fl_sim_yield(fl_obj_vma(mm), FL_ACC_W, "userfaultfd_register");
	/* The pre-scan: every VMA of the range must accept the mode, or nothing is registered. */
	for (int i = 0; i < FL_MAX_VMAS; i++) {
		const struct fl_vma *v = &fl_mm.mm[mm].vma[i];

		if (!vma_in_range(v, vpn, end))
			continue;
		found = true;
		if ((vm_flags & VM_UFFD_WP) && v->shmem >= 0 && !FL_POL(UFFD_WP_SHMEM)) {
			FL_TRACE("vma_can_userfault: uffd-wp on shmem needs v5.19: EINVAL");
			ret = -EINVAL;	/* uffd-wp was anonymous-only before v5.19 */
			goto out;
		}
	}
	/* Found by faultline conform: the model used to return 0 for an unmapped range. */
	if (!found) {
		FL_TRACE("no VMA in %s..%s: EINVAL", fl_va(vpn), fl_va(end - 1));
		ret = -EINVAL;
		goto out;
	}
	/* Split only the VMAs that change; a split adds a VMA, so look again from the start. */
	for (int i = 0; i < FL_MAX_VMAS; i++) {
		const struct fl_vma *v = &fl_mm.mm[mm].vma[i];

		if (!vma_in_range(v, vpn, end) || uffd_register_skips(v, vm_flags) ||
		    (v->start >= vpn && v->end <= end))
			continue;
		fl_vma_split_range(mm, v->start > vpn ? v->start : vpn, v->end < end ? v->end : end);
		i = -1;
	}
	for (int i = 0; i < FL_MAX_VMAS; i++) {
		struct fl_vma *v = &fl_mm.mm[mm].vma[i];

		if (!vma_in_range(v, vpn, end))
			continue;
		if (uffd_register_skips(v, vm_flags)) {
			FL_TRACE("P%d %s..%s already registered for this mode: nothing to do", mm,
				 fl_va(v->start), fl_va(v->end - 1));
			continue;
		}
		if ((v->vm_flags & VM_UFFD_WP) && !(vm_flags & VM_UFFD_WP))
			fl_mm_hooks.uffd_wp_dropped(mm, v->start, v->end);
		v->vm_flags = (v->vm_flags & ~VM_UFFD_FLAGS) | vm_flags;
		FL_TRACE("P%d %s..%s registered%s%s", mm, fl_va(v->start), fl_va(v->end - 1),
			 (vm_flags & VM_UFFD_MISSING) ? " missing" : "", (vm_flags & VM_UFFD_WP) ? " wp" : "");
	}
out:
	fl_mmap_write_unlock(t, mm);
	return ret;
}

/* wake_userfault: wake every thread sleeping on a fault in [start, end) of @mm. */
static void wake_userfault(int mm, int start, int end)
{
	fl_sim_yield(fl_obj_uffd(), FL_ACC_W, "wake_userfault");
	for (int i = 0; i < FL_SIM_MAX_THREADS; i++) {
		struct fl_uffd_waiter *w = &fl_mm.uffd_waiter[i];

		if (w->used && !w->woken && w->mm == mm && w->vpn >= start && w->vpn < end) {
			w->woken = 1;
			FL_TRACE("wake T%d (%s)", fl_sim.t[i].label, fl_va(w->vpn));
		}
	}
}

/* uffd_wp_range: change_protection over [start, end) of one VMA. */
static void uffd_wp_range(struct fl_task *t, struct fl_vma *vma, int start, int end, bool enable)
{
	uint32_t newprot = fl_vm_get_page_prot(enable ? vma->vm_flags & ~VM_WRITE : vma->vm_flags);

	FL_TRACE("P%d %s..%s: %s", t->mm, fl_va(start), fl_va(end - 1), enable ? "protect" : "unprotect");
	fl_change_protection(t, vma, start, end, newprot, enable ? MM_CP_UFFD_WP : MM_CP_UFFD_WP_RESOLVE);
}

/*
 * The next step of for_each_vma_range: the lowest VMA that ends above
 * @from and starts below @end, wherever it starts (holes are passed over).
 */
static struct fl_vma *vma_next_in_range(int mm, int from, int end)
{
	struct fl_vma *best = NULL;

	fl_sim_yield(fl_obj_vma(mm), FL_ACC_R, "vma_next");
	for (int i = 0; i < FL_MAX_VMAS; i++) {
		struct fl_vma *v = &fl_mm.mm[mm].vma[i];

		if (vma_in_range(v, from, end) && (!best || v->start < best->start))
			best = v;
	}
	return best;
}

/*
 * mwriteprotect_range (UFFDIO_WRITEPROTECT).  Before a1b92a3f1498 (v6.4,
 * release unconfirmed; switch uffd_wp_range=one_vma) find_dst_vma wants
 * the whole range inside the one VMA that holds its start, registered for
 * wp, else ENOENT.  From it (vma_walk) for_each_vma_range visits every VMA
 * that intersects the range and passes over holes (before, between or
 * after VMAs, the start included): ENOENT only if there is no VMA at all,
 * or at the first one not registered for wp, after the ones before it were
 * done.  Unprotect wakes the threads waiting on the range if it returns 0.
 * The spec memory records when user space holds the protection: from the
 * moment protect returns until an unprotect begins (check/spec.c).
 */
int fl_mwriteprotect_range(struct fl_task *t, int vpn, int npages, bool enable)
{
	bool wlock = FL_POL(UFFD_WP_LOCK) == FL_UFFD_WP_LOCK_WRITE;
	int mm = t->mm, end = vpn + npages, ret = -ENOENT;
	struct fl_vma *vma;

	fl_mm_hooks.uffd_wp_begin(mm, t->tid, vpn, end, enable);
	if (wlock)
		fl_mmap_write_lock(t, mm);
	else
		fl_mmap_read_lock(t, mm);
	if (FL_POL(UFFD_WP_RANGE) == FL_UFFD_WP_RANGE_ONE_VMA) {
		/* find_dst_vma: the whole range within one VMA. */
		vma = fl_find_vma(mm, vpn);
		if (!vma || vma->end < end || !fl_userfaultfd_wp(vma)) {
			FL_TRACE("range not in one uffd-wp registered VMA: ENOENT");
			goto out;
		}
		uffd_wp_range(t, vma, vpn, end, enable);
		ret = 0;
		goto out;
	}
	/* for_each_vma_range: every VMA of the range, stopping at the first not registered for wp. */
	vma = vma_next_in_range(mm, vpn, end);
	if (!vma)
		FL_TRACE("no VMA in %s..%s: ENOENT", fl_va(vpn), fl_va(end - 1));
	for (int p = vpn; vma; vma = p < end ? vma_next_in_range(mm, p, end) : NULL) {
		int s = vma->start > p ? vma->start : p, e = vma->end < end ? vma->end : end;

		if (!fl_userfaultfd_wp(vma)) {
			FL_TRACE("%s..%s not registered for uffd-wp: ENOENT", fl_va(s), fl_va(e - 1));
			ret = -ENOENT;
			break;
		}
		if (s > p)
			FL_TRACE("%s..%s: no VMA, passed over", fl_va(p), fl_va(s - 1));
		uffd_wp_range(t, vma, s, e, enable);
		ret = 0;
		p = e;
	}
out:
	if (wlock)
		fl_mmap_write_unlock(t, mm);
	else
		fl_mmap_read_unlock(t, mm);
	if (!ret && !enable)
		wake_userfault(mm, vpn, end);
	fl_mm_hooks.uffd_wp_end(mm, t->tid, vpn, end, enable, ret == 0);
	return ret;
}

/*
 * The first half of mfill_atomic_install_pte: the PTE for @pfn (dirty,
 * writable in a VM_WRITE VMA), and the PTL, if the PTE is still none.
 * Returns 0 with the PTL held, or -EEXIST with it released.
 */
static int mfill_lock_none_pte(struct fl_task *t, struct fl_vma *vma, int vpn, int pfn, pte_t *pte)
{
	*pte = pte_mkdirty(pfn_pte((uint32_t)pfn, vma->vm_page_prot));
	if (vma->vm_flags & VM_WRITE)
		*pte = pte_mkwrite(*pte);
	fl_pte_lock(t, t->mm, vpn);
	if (pte_none_mostly(fl_ptep_get(t->mm, vpn)))	/* a marker may be filled too */
		return 0;
	fl_pte_unlock(t, t->mm, vpn);
	FL_TRACE("%s already populated: EEXIST", fl_va(vpn));
	return -EEXIST;
}

/*
 * shmem_mfill_atomic_pte: UFFDIO_COPY / ZEROPAGE on shared anonymous memory.
 * A new page (filled, or zeroed: shmem never maps the zero page) goes into
 * the shmem object's page cache first, then mfill_atomic_install_pte maps
 * it, writable in a VM_WRITE shared VMA.  A page already in the cache, or a
 * PTE populated meanwhile, is -EEXIST (the page leaves the cache again).
 * The allocation's reference becomes the mapping's.
 */
static int shmem_mfill_atomic_pte(struct fl_task *t, struct fl_vma *vma, int vpn, uint64_t value, bool zeropage)
{
	int mm = t->mm, obj = vma->shmem, pgoff = vma->pgoff + vpn - vma->start;
	int pfn = fl_alloc_page(t);
	uint32_t tag = 0;
	pte_t pte;

	if (pfn < 0)
		return -ENOMEM;
	if (zeropage) {
		fl_clear_user_highpage(pfn);
	} else {
		tag = fl_mm_hooks.new_store(mm, t->tid, vpn, 0, value);
		fl_uffd_fill_page(pfn, tag, value);	/* copy_from_user into the new page */
	}
	/*
	 * __folio_set_locked before shmem_add_to_page_cache: a fault that
	 * finds the page in the cache waits for the lock, and fault-around
	 * skips it, until the PTE is installed or the page has left the
	 * cache again (issue 14 new-2: the model published it unlocked).
	 */
	fl_trylock_page(t, pfn);
	if (fl_shmem_add_page(t, obj, pgoff, pfn)) {
		FL_TRACE("shmem %d page %d already in the page cache: EEXIST", obj, pgoff);
		fl_unlock_page(t, pfn);
		fl_put_page(pfn);
		return -EEXIST;
	}
	if (mfill_lock_none_pte(t, vma, vpn, pfn, &pte)) {
		fl_sim_yield(FL_OBJ(FL_OT_SHMEM, obj), FL_ACC_W, "filemap_remove_folio");
		fl_mm.shmem[obj].page[pgoff] = 0;
		fl_unlock_page(t, pfn);
		fl_put_page(pfn);
		fl_put_page(pfn);
		return -EEXIST;
	}
	fl_page_dup_rmap(pfn);	/* page_add_file_rmap */
	fl_set_pte_at_with(mm, vpn, pte, FL_OBJ_SPEC(mm, vpn));
	if (!zeropage)
		fl_mm_hooks.page_filled(mm, vpn, tag, pfn);
	FL_TRACE("UFFDIO_%s: shmem pfn %d mapped at %s", zeropage ? "ZEROPAGE" : "COPY", pfn, fl_va(vpn));
	fl_pte_unlock(t, mm, vpn);
	fl_unlock_page(t, pfn);
	return 0;
}

/*
 * mcopy_atomic / mfill_zeropage: install a page (or the zero page) where
 * the PTE is none, then wake the range.  UFFDIO_COPY's page holds @value
 * in its first word: the data arrives atomically with the PTE, so the
 * spec records it as a store at the set_pte_at step.
 */
int fl_mcopy_atomic(struct fl_task *t, int vpn, uint64_t value, bool zeropage)
{
	int mm = t->mm, pfn = -1, ret = 0;
	struct fl_vma *vma;
	pte_t pte;

	fl_mmap_read_lock(t, mm);
	vma = fl_find_vma(mm, vpn);
	if (!vma || !(vma->vm_flags & (VM_UFFD_MISSING | VM_UFFD_WP))) {
		ret = -ENOENT;
		goto out;
	}
	if (vma->shmem >= 0) {
		ret = shmem_mfill_atomic_pte(t, vma, vpn, value, zeropage);
		goto out;
	}
	/*
	 * anon_vma_prepare for a private VMA, before any page is filled, for
	 * ZEROPAGE as for COPY: fork's copy_page_range copies only the PTEs of
	 * VMAs that have an anon_vma, so without it a child loses the
	 * zero-page PTE (found by faultline conform, issue 14 bug 9).
	 * mfill_atomic_pte_zeropage: where mm_forbids_zeropage() (since
	 * 90a7592da149), a fresh zeroed page takes the zero page's place
	 * (mfill_atomic_pte_zeroed_folio), installed as UFFDIO_COPY's is.
	 */
	vma->anon_vma = 1;
	if (!zeropage || FL_POL(ZERO_PAGE_READ) == FL_ZERO_PAGE_MM_FORBIDS) {
		uint32_t tag = zeropage ? 0 : fl_mm_hooks.new_store(mm, t->tid, vpn, 0, value);

		pfn = fl_alloc_page(t);
		if (pfn < 0) {
			ret = -ENOMEM;
			goto out;
		}
		if (zeropage)
			fl_clear_user_highpage(pfn);
		else
			fl_uffd_fill_page(pfn, tag, value);	/* copy_from_user into the new page */
		if (mfill_lock_none_pte(t, vma, vpn, pfn, &pte)) {
			fl_put_page(pfn);
			ret = -EEXIST;
			goto out;
		}
		fl_page_add_new_anon_rmap(pfn, FL_POL(COW_REUSE) == FL_COW_REUSE_ANON_EXCLUSIVE);
		if (zeropage) {
			fl_set_pte_at(mm, vpn, pte);
			FL_TRACE("UFFDIO_ZEROPAGE: the zero page is forbidden: map zeroed pfn %d at %s", pfn, fl_va(vpn));
		} else {
			fl_set_pte_at_with(mm, vpn, pte, FL_OBJ_SPEC(mm, vpn));
			fl_mm_hooks.page_filled(mm, vpn, tag, pfn);
			FL_TRACE("UFFDIO_COPY: map pfn %d at %s", pfn, fl_va(vpn));
		}
	} else {
		pte = pte_mkspecial(pfn_pte(FL_ZERO_PFN, vma->vm_page_prot));
		fl_pte_lock(t, mm, vpn);
		if (!pte_none(fl_ptep_get(mm, vpn))) {
			fl_pte_unlock(t, mm, vpn);
			ret = -EEXIST;
			goto out;
		}
		fl_set_pte_at(mm, vpn, pte);
		FL_TRACE("UFFDIO_ZEROPAGE: map the zero page at %s", fl_va(vpn));
	}
	fl_pte_unlock(t, mm, vpn);
out:
	fl_mmap_read_unlock(t, mm);
	if (!ret)
		wake_userfault(mm, vpn, vpn + 1);
	return ret;
}

static bool waiter_woken(const void *arg)
{
	return ((const struct fl_uffd_waiter *)arg)->woken;
}

/*
 * userfaultfd_must_wait: is the fault still unresolved?  Missing: the PTE
 * is still none.  WP: the PTE still carries the uffd-wp bit.
 */
static bool must_wait(struct vm_fault *vmf, bool wp)
{
	pte_t pte = fl_ptep_get(vmf->mm, vmf->vpn);

	return wp ? pte_uffd_wp(pte) && !pte_write(pte) : pte_none(pte);
}

/*
 * handle_userfault.  Enter: mmap_lock read-held, PTL not held.
 * Return: VM_FAULT_RETRY with mmap_lock *released*.
 * The message is queued before must_wait is evaluated and before the
 * sleep, so a wake that comes in between is never lost (the kernel sets
 * the task state first; here the waiter's woken flag plays that role).
 */
unsigned fl_handle_userfault(struct vm_fault *vmf, bool wp)
{
	struct fl_task *t = vmf->task;
	struct fl_uffd_waiter *w;
	bool wait;

	if (!(vmf->flags & FAULT_FLAG_ALLOW_RETRY)) {
		/* A caller that cannot drop mmap_lock (mprotect_fixup's populate): SIGBUS, no message. */
		FL_TRACE("FAULT_FLAG_ALLOW_RETRY missing: VM_FAULT_SIGBUS");
		return VM_FAULT_SIGBUS;
	}
	if (t->tid < 0) {
		/* The sequential init block has no monitor to resolve it. */
		fl_sim_wait_user(fl_obj_uffd(), FL_ACC_W, waiter_woken, &(struct fl_uffd_waiter){ 0 },
				 "handle_userfault");
		return VM_FAULT_SIGBUS;
	}
	w = &fl_mm.uffd_waiter[t->tid];
	fl_sim_yield(fl_obj_uffd(), FL_ACC_W, "handle_userfault: queue message");
	*w = (struct fl_uffd_waiter){ .used = 1, .msg_pending = 1, .wp = wp, .mm = (int8_t)vmf->mm,
				      .vpn = (int16_t)vmf->vpn };
	FL_TRACE("%s fault at %s: message queued", wp ? "wp" : "missing", fl_va(vmf->vpn));
	wait = must_wait(vmf, wp);
	fl_release_fault_lock(vmf);	/* mmap_lock, or the VMA lock (v6.6: "mm: handle userfaults under VMA lock") */
	if (wait)
		fl_sim_wait_user(fl_obj_uffd(), FL_ACC_W, waiter_woken, w, "handle_userfault");
	w->used = 0;
	FL_TRACE("%s: VM_FAULT_RETRY", wait ? "woken" : "already resolved");
	return VM_FAULT_RETRY;
}

/*
 * A monitor's read(2) on the userfaultfd: take the oldest pending message
 * of this process.  If no thread can raise one any more (every other thread
 * has finished or is itself waiting for messages), the monitor gets none,
 * as if the file had been released.
 */
static bool msg_available(const void *arg)
{
	int mm = *(const int *)arg;

	for (int i = 0; i < FL_SIM_MAX_THREADS; i++)
		if (fl_mm.uffd_waiter[i].used && fl_mm.uffd_waiter[i].msg_pending && fl_mm.uffd_waiter[i].mm == mm)
			return true;
	for (int i = 0; i < fl_sim.nthreads; i++) {
		const struct fl_sim_thread *o = &fl_sim.t[i];

		if (o->state != FL_T_DONE && !(o->can_run == msg_available))
			return false;
	}
	return true;
}

int fl_uffd_read_msg(struct fl_task *t)
{
	int mm = t->mm;

	fl_sim_wait_user(fl_obj_uffd(), FL_ACC_W, msg_available, &t->mm, "uffd read");
	for (int i = 0; i < FL_SIM_MAX_THREADS; i++) {
		struct fl_uffd_waiter *w = &fl_mm.uffd_waiter[i];

		if (w->used && w->msg_pending && w->mm == mm) {
			w->msg_pending = 0;
			FL_TRACE("read message: %s fault at %s", w->wp ? "wp" : "missing", fl_va(w->vpn));
			return 1;
		}
	}
	FL_TRACE("no message can come any more");
	return 0;
}
