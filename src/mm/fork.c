/* SPDX-License-Identifier: MIT */
/*
 * mm/fork.c - dup_mm / dup_mmap (kernel/fork.c).
 *
 * The parent's mmap_lock is held for write for the whole copy, so no fault
 * runs in the parent meanwhile; but the parent's other CPUs may still
 * store through writable TLB entries until the flush_tlb_mm at the end.
 * Those stores land in pages the child now shares: they happened "before
 * the fork", and the spec memory takes the child's copy at that flush.
 */
#include "mm/hooks.h"
#include "mm/mm.h"

int fl_dup_mm(struct fl_task *t, int child)
{
	int parent = t->mm;

	fl_mm_init(child);
	fl_mmap_write_lock(t, parent);
	fl_sim_yield(fl_obj_vma(parent), FL_ACC_R, "dup_mmap");
	for (int i = 0; i < FL_MAX_VMAS; i++) {
		struct fl_vma *src = &fl_mm.mm[parent].vma[i];
		struct fl_vma *dst = &fl_mm.mm[child].vma[i];

		if (!fl_vma_live(src))
			continue;
		/* fb49c455323f: no VMA-locked fault may run on the source while it is copied. */
		if (FL_POL(FORK_VMA_LOCK))
			fl_vma_start_write(t, parent, src);
		if (src->vm_flags & VM_DONTCOPY)
			continue;
		fl_vma_modify(t, parent, src, "dup_mmap: copy_page_range");
		*dst = *src;	/* vm_area_dup; shmem VMAs share the object */
		fl_vma_init_lock(child, i);	/* vm_area_dup: the copy's lock starts unlocked */
		/* dup_userfaultfd without UFFD_FEATURE_EVENT_FORK: the child is not registered. */
		dst->vm_flags &= ~(VM_UFFD_MISSING | VM_UFFD_WP);
		/* dup_mmap: mlock is not inherited (VM_LOCKED_MASK cleared in the child's copy). */
		dst->vm_flags &= ~VM_LOCKED;
		fl_copy_page_range(t, child, parent, dst, src);
	}
	/*
	 * The spec snapshot (hooks.fork) is taken in the flush's step, and
	 * reads the parent's whole private spec memory: the step says so
	 * (FL_OBJ_SPEC_MM), or a DMA write through a pin, which touches no
	 * TLB, would look independent of it, and DPOR would never try the
	 * write on the other side of the fork (the leak of 57efa1fe5957).
	 */
	fl_flush_tlb_mm_with(t, parent, FL_OBJ_SPEC_MM(parent));
	fl_mm_hooks.fork(parent, child);
	fl_mmap_write_unlock(t, parent);
	fl_sim_yield(FL_OBJ(FL_OT_PROC, child), FL_ACC_W, "wake_up_new_task");
	fl_mm.mm[child].live = 1;
	FL_TRACE("P%d forked P%d", parent, child);
	return 0;
}
