/* SPDX-License-Identifier: MIT */
/*
 * mm/mlock.c - mlock(2): do_mlock, apply_vma_lock_flags, mlock_fixup.
 *
 * do_mlock first marks the VMAs of the range VM_LOCKED under the mmap
 * write lock (apply_vma_lock_flags), and only if that succeeded for the
 * whole range populates it (__mm_populate, under the read lock).  A hole
 * in the range stops apply_vma_lock_flags with -ENOMEM: the VMAs before
 * it stay VM_LOCKED, but nothing is populated (found by faultline
 * conform: the model used to populate up to the hole).
 *
 * What VM_LOCKED changes in the model: madvise(MADV_PAGEOUT) refuses the
 * VMA (can_madv_lru_vma), mprotect(PROT_WRITE) of a private one breaks COW
 * at once (mprotect_fixup), and fork does not pass it on (dup_mmap).  The
 * unevictable LRU, RLIMIT_MEMLOCK and mlock2(MLOCK_ONFAULT) are not
 * modelled; there is no munlock op.
 */
#include <errno.h>
#include "mm/mm.h"

/*
 * mlock_fixup for [start, end) of @vma: nothing if it is VM_LOCKED already
 * (newflags == oldflags); else vma_start_write, the split, and VM_LOCKED on
 * the piece, in the step that writes the VMA (as mprotect_fixup: a fault
 * under the VMA lock must see the change as one).  (mlock_vma_pages_range
 * then moves the present pages to the unevictable list: nothing the model
 * tracks.)  Enter: mmap_lock write-held.
 */
static int mlock_fixup(struct fl_task *t, struct fl_vma *vma, int start, int end)
{
	if (vma->vm_flags & VM_LOCKED)
		return 0;
	fl_vma_start_write(t, t->mm, vma);
	fl_vma_modify(t, t->mm, vma, "mlock_fixup");
	fl_vma_split_range(t->mm, start, end);
	vma = fl_vma_at(t->mm, start);
	fl_vma_assert_write_locked(t->mm, vma);	/* vm_flags_reset_once */
	vma->vm_flags |= VM_LOCKED;
	FL_TRACE("P%d %s..%s: VM_LOCKED", t->mm, fl_va(start), fl_va(end - 1));
	return 0;
}

/*
 * apply_vma_lock_flags: the VMA at @vpn must exist; then each VMA of the
 * range in address order, until a hole (-ENOMEM; the VMAs before it keep
 * VM_LOCKED) or the end.  Enter: mmap_lock write-held.
 */
static int apply_vma_lock_flags(struct fl_task *t, int vpn, int npages)
{
	int end = vpn + npages, nstart = vpn;

	fl_sim_yield(fl_obj_vma(t->mm), FL_ACC_W, "apply_vma_lock_flags");
	while (nstart < end) {
		struct fl_vma *vma = fl_find_vma(t->mm, nstart);
		int tmp, err;

		if (!vma) {
			FL_TRACE("P%d %s: not mapped: -ENOMEM", t->mm, fl_va(nstart));
			return -ENOMEM;
		}
		tmp = vma->end < end ? vma->end : end;
		err = mlock_fixup(t, vma, nstart, tmp);
		if (err)
			return err;
		nstart = tmp;
	}
	return 0;
}

/*
 * do_mlock: lock the VMAs, then populate.  GUP's -EFAULT (a PROT_NONE
 * VMA) reaches user space as ENOMEM (__mlock_posix_error_return).
 */
int fl_do_mlock(struct fl_task *t, int vpn, int npages)
{
	int err;

	fl_mmap_write_lock(t, t->mm);
	err = apply_vma_lock_flags(t, vpn, npages);
	fl_mmap_write_unlock(t, t->mm);
	if (err)
		return err;
	err = fl_mm_populate(t, vpn, npages);
	/* __mlock_posix_error_return */
	return err == -EFAULT ? -ENOMEM : err == -ENOMEM ? -EAGAIN : err;
}
