/* SPDX-License-Identifier: MIT */
/*
 * mm/mmap.c - VMAs: mmap, munmap, exit_mmap, find_vma, vm_page_prot.
 *
 * Regions are placed at fixed addresses by the litmus layer, so mmap here
 * is MAP_FIXED_NOREPLACE-like and never merges VMAs.  munmap follows
 * v4.20+ (dd2283f2605e): detach the VMAs under the write lock, downgrade,
 * and zap under the read lock, so faults elsewhere in the mm proceed.
 */
#include <errno.h>
#include <string.h>

#include "mm/hooks.h"
#include "mm/mm.h"

void fl_mm_init(int mm)
{
	memset(&fl_mm.mm[mm], 0, sizeof(fl_mm.mm[mm]));
	for (int i = 0; i < FL_MAX_VMAS; i++)
		fl_mm.mm[mm].vma[i].shmem = -1;
	fl_mm.mm[mm].ghost_epoch = 1;
}

/*
 * vm_get_page_prot + vma_set_page_prot.  Private mappings never carry the
 * write bit (writes are granted by the COW fault); shared writable ones do,
 * unless the VMA wants write notification, which soft-dirty tracking does
 * once clear_refs has cleared VM_SOFTDIRTY (vma_wants_writenotify).
 */
uint32_t fl_vm_get_page_prot(uint32_t vm_flags)
{
	if (!(vm_flags & (VM_READ | VM_WRITE)))
		return _PAGE_PROTNONE;
	if ((vm_flags & VM_SHARED) && (vm_flags & VM_WRITE))
		return _PAGE_PRESENT | _PAGE_RW;
	return _PAGE_PRESENT;	/* private: PAGE_COPY, writes are granted by the fault */
}

void fl_vma_set_page_prot(struct fl_vma *vma)
{
	uint32_t prot = fl_vm_get_page_prot(vma->vm_flags);

	/* vma_wants_writenotify: soft-dirty tracking of a shared writable mapping. */
	if ((vma->vm_flags & VM_SHARED) && !(vma->vm_flags & VM_SOFTDIRTY))
		prot &= ~(uint32_t)_PAGE_RW;
	vma->vm_page_prot = prot;
}

struct fl_vma *fl_vma_at(int mm, int vpn)
{
	for (int i = 0; i < FL_MAX_VMAS; i++) {
		struct fl_vma *v = &fl_mm.mm[mm].vma[i];

		if (fl_vma_live(v) && vpn >= v->start && vpn < v->end)
			return v;
	}
	return NULL;
}

struct fl_vma *fl_find_vma(int mm, int vpn)
{
	fl_sim_yield(fl_obj_vma(mm), FL_ACC_R, "find_vma");
	return fl_vma_at(mm, vpn);
}

/* vm_area_alloc: a free slot (not one whose call_rcu free is pending), its lock initialised. */
static struct fl_vma *vma_alloc(int mm)
{
	for (int i = 0; i < FL_MAX_VMAS; i++)
		if (!fl_mm.mm[mm].vma[i].used && fl_vma_slot_reusable(mm, i)) {
			fl_vma_init_lock(mm, i);
			return &fl_mm.mm[mm].vma[i];
		}
	/* The kernel's limit is vm.max_map_count (65530): far beyond any litmus test. */
	fl_sim_limit("P%d needs more than %d VMAs (FL_MAX_VMAS)", mm, FL_MAX_VMAS);
}

/*
 * The step that frees detached VMAs also makes the oracles forget the
 * range (zero_range) and end the pins on it: it writes the mm's spec as a
 * whole, so that a DMA through a pin is ordered against it.
 */
static void remove_vmas_step(int mm, const char *what)
{
	struct fl_footprint fp = { 0 };

	fl_fp_add(&fp, fl_obj_vma(mm), FL_ACC_W);
	fl_fp_add(&fp, FL_OBJ_SPEC_MM(mm), FL_ACC_W);
	if (fl_per_vma_lock())
		fl_rcu_footprint(&fp);	/* call_rcu's stamp: ordered against every read-side section */
	fl_sim_yield_fp(&fp, NULL, NULL, what);
}

/* split_vma: make @at a VMA boundary.  Enter: mmap_lock write-held. */
static void split_vma(int mm, struct fl_vma *vma, int at)
{
	struct fl_vma *n;

	if (at <= vma->start || at >= vma->end)
		return;
	n = vma_alloc(mm);
	*n = *vma;	/* vm_area_dup: the lock is the new slot's, never the original's */
	fl_vma_mark_new_locked(mm, n);	/* vma_prepare: the inserted piece is write-locked too */
	n->start = (uint16_t)at;
	if (n->shmem >= 0)
		n->pgoff = (uint16_t)(vma->pgoff + at - vma->start);
	vma->end = (uint16_t)at;
}

/*
 * Split VMAs so that [start, end) is covered by whole VMAs.  Two passes:
 * the piece a split at @start makes may land in a lower free slot than the
 * VMA it came from, so one pass over the slots could miss its split at @end.
 */
void fl_vma_split_range(int mm, int start, int end)
{
	for (int i = 0; i < FL_MAX_VMAS; i++)
		if (fl_vma_live(&fl_mm.mm[mm].vma[i]))
			split_vma(mm, &fl_mm.mm[mm].vma[i], start);
	for (int i = 0; i < FL_MAX_VMAS; i++)
		if (fl_vma_live(&fl_mm.mm[mm].vma[i]))
			split_vma(mm, &fl_mm.mm[mm].vma[i], end);
}

/*
 * do_mmap of @npages at @vpn.  @obj >= 0: a shared mapping of that shmem
 * file (memfd) from page @pgoff; -1: anonymous, where a shared mapping
 * gets a shmem object of its own (shmem_zero_setup: an anonymous file, so
 * shared anonymous memory is the file case with a file nobody else has).
 */
static int do_mmap(struct fl_task *t, int vpn, int npages, uint32_t vm_flags, int obj, int pgoff)
{
	int mm = t->mm, ret = 0;
	struct fl_vma *vma;

	fl_mmap_write_lock(t, mm);
	fl_sim_yield(fl_obj_vma(mm), FL_ACC_W, "mmap_region");
	for (int i = 0; i < FL_MAX_VMAS; i++) {
		struct fl_vma *v = &fl_mm.mm[mm].vma[i];

		if (fl_vma_live(v) && v->start < vpn + npages && vpn < v->end) {
			ret = -EEXIST;	/* MAP_FIXED_NOREPLACE */
			goto out;
		}
	}
	vma = vma_alloc(mm);
	memset(vma, 0, sizeof(*vma));
	fl_vma_mark_new_locked(mm, vma);	/* write-locked before it becomes visible (vm_flags_set / 33313a747e81) */
	vma->used = 1;
	vma->start = (uint16_t)vpn;
	vma->end = (uint16_t)(vpn + npages);
	/* mmap_region: new VMAs start soft-dirty, so pagemap reports them dirty. */
	vma->vm_flags = vm_flags | VM_SOFTDIRTY | VM_MAYWRITE;
	vma->shmem = (int8_t)obj;
	vma->pgoff = (uint16_t)pgoff;
	if ((vm_flags & VM_SHARED) && obj < 0)
		vma->shmem = (int8_t)fl_shmem_create();	/* shmem_zero_setup */
	fl_vma_set_page_prot(vma);
	fl_mm_hooks.zero_range(mm, vpn, vpn + npages);
	FL_TRACE("P%d vma [%d, %d) %s%s%s", mm, vpn, vpn + npages,
		 (vm_flags & VM_READ) ? "r" : "-", (vm_flags & VM_WRITE) ? "w" : "-",
		 (vm_flags & VM_SHARED) ? "s" : "p");
out:
	fl_mmap_write_unlock(t, mm);
	return ret;
}

int fl_do_mmap(struct fl_task *t, int vpn, int npages, uint32_t vm_flags)
{
	return do_mmap(t, vpn, npages, vm_flags, -1, 0);
}

int fl_do_mmap_file(struct fl_task *t, int vpn, int npages, uint32_t vm_flags, int obj, int pgoff)
{
	return do_mmap(t, vpn, npages, vm_flags, obj, pgoff);
}

/*
 * __do_munmap with downgrade: detach under the write lock, zap and flush
 * under the read lock.  Pages are freed by tlb_finish_mmu after the flush.
 */
int fl_do_munmap(struct fl_task *t, int vpn, int npages)
{
	struct mmu_gather tlb;
	int mm = t->mm, n = 0, end = vpn + npages;

	fl_mmap_write_lock(t, mm);
	fl_vma_start_write_range(t, mm, vpn, end, "split_vma: write-locked");
	fl_sim_yield(fl_obj_vma(mm), FL_ACC_W, "detach_vmas_to_be_unmapped");
	fl_vma_split_range(mm, vpn, end);
	for (int i = 0; i < FL_MAX_VMAS; i++) {
		struct fl_vma *v = &fl_mm.mm[mm].vma[i];

		if (fl_vma_live(v) && v->start >= vpn && v->end <= end) {
			fl_vma_assert_write_locked(mm, v);	/* vma_mark_detached */
			v->detached = 1;
			n++;
		}
	}
	FL_TRACE("P%d detach %s..%s: %d vma%s", mm, fl_va(vpn), fl_va(end - 1), n, n == 1 ? "" : "s");
	for (int i = 0; i < FL_MAX_VMAS; i++)
		if (fl_mm.mm[mm].vma[i].used && fl_mm.mm[mm].vma[i].detached)
			fl_vma_mark_detached_wait(t, mm, i);
	fl_mmap_write_downgrade(t, mm);
	/*
	 * unmap_region: until tlb_finish_mmu has flushed, other CPUs may still
	 * load and store through their TLB entries; those accesses are legal
	 * and the spec keeps following them.  Only after the flush is the range
	 * gone for user space.
	 */
	fl_tlb_gather_mmu(&tlb, mm, false);
	for (int i = 0; i < FL_MAX_VMAS; i++) {
		struct fl_vma *v = &fl_mm.mm[mm].vma[i];

		if (v->used && v->detached)
			fl_zap_page_range(t, &tlb, v, v->start, v->end);
	}
	fl_tlb_finish_mmu(t, &tlb);
	remove_vmas_step(mm, "remove_vma_list");
	for (int i = 0; i < FL_MAX_VMAS; i++) {
		struct fl_vma *v = &fl_mm.mm[mm].vma[i];

		if (v->used && v->detached) {
			v->used = v->detached = 0;
			fl_vma_free(t, mm, i);	/* vm_area_free */
		}
	}
	fl_mm_hooks.zero_range(mm, vpn, end);
	fl_mmap_read_unlock(t, mm);
	return 0;
}

/* madvise(MADV_DONTFORK): the VMAs of the range are not copied into a child (VM_DONTCOPY). */
int fl_madvise_dontfork(struct fl_task *t, int vpn, int npages)
{
	int mm = t->mm, end = vpn + npages;

	fl_mmap_write_lock(t, mm);
	fl_vma_start_write_range(t, mm, vpn, end, "madvise_update_vma: write-locked");
	fl_sim_yield(fl_obj_vma(mm), FL_ACC_W, "madvise_behavior");
	fl_vma_split_range(mm, vpn, end);
	for (int i = 0; i < FL_MAX_VMAS; i++) {
		struct fl_vma *v = &fl_mm.mm[mm].vma[i];

		if (fl_vma_live(v) && v->start >= vpn && v->end <= end) {
			v->vm_flags |= VM_DONTCOPY;
			FL_TRACE("P%d %s..%s: VM_DONTCOPY", mm, fl_va(v->start), fl_va(v->end - 1));
		}
	}
	fl_mmap_write_unlock(t, mm);
	return 0;
}

/*
 * Map device memory: frames with no struct page the kernel refcounts
 * (pte_special, so vm_normal_page() finds none).  pfnmap: as
 * remap_pfn_range, VM_IO | VM_PFNMAP; otherwise special PTEs in a
 * VM_MIXEDMAP VMA, as a driver's vmf_insert_pfn/_mixed makes.  Only
 * pages whose PTE is none are mapped.  The frames are returned in @pfns
 * (-1 where nothing was mapped); the driver (the harness) owns them.
 */
int fl_map_device_pfns(struct fl_task *t, int vpn, int npages, bool pfnmap, int *pfns)
{
	int mm = t->mm, end = vpn + npages, ret = 0;

	for (int i = 0; i < npages; i++)
		pfns[i] = -1;
	fl_mmap_write_lock(t, mm);
	fl_vma_start_write_range(t, mm, vpn, end, "vm_flags_set: write-locked");
	fl_sim_yield(fl_obj_vma(mm), FL_ACC_W, pfnmap ? "remap_pfn_range" : "vm_insert_pfn");
	fl_vma_split_range(mm, vpn, end);
	for (int i = 0; i < FL_MAX_VMAS; i++) {
		struct fl_vma *v = &fl_mm.mm[mm].vma[i];

		if (fl_vma_live(v) && v->start >= vpn && v->end <= end)
			v->vm_flags |= pfnmap ? (VM_IO | VM_PFNMAP) : VM_MIXEDMAP;
	}
	for (int p = vpn; p < end; p++) {
		struct fl_vma *v = fl_find_vma(mm, p);
		int pfn;

		if (!v)
			continue;
		pfn = fl_alloc_page(t);		/* the device's memory */
		if (pfn < 0) {
			ret = -ENOMEM;
			break;
		}
		fl_clear_user_highpage(pfn);
		fl_pte_lock(t, mm, p);
		if (pte_none(fl_ptep_get(mm, p))) {
			fl_set_pte_at(mm, p, pte_mkspecial(pfn_pte((uint32_t)pfn, fl_vm_get_page_prot(v->vm_flags | VM_SHARED))));
			pfns[p - vpn] = pfn;
			FL_TRACE("%s: special PTE to device pfn %d (no struct page)", fl_va(p), pfn);
		}
		fl_pte_unlock(t, mm, p);
		if (pfns[p - vpn] < 0)
			fl_put_page(pfn);
	}
	fl_mmap_write_unlock(t, mm);
	return ret;
}

/* exit_mmap: tear the whole address space down (fullmm gather). */
void fl_exit_mmap(struct fl_task *t, int mm)
{
	struct mmu_gather tlb;

	fl_tlb_gather_mmu(&tlb, mm, true);
	for (int i = 0; i < FL_MAX_VMAS; i++) {
		struct fl_vma *v = &fl_mm.mm[mm].vma[i];

		if (v->used)
			fl_zap_page_range(t, &tlb, v, v->start, v->end);
	}
	fl_tlb_finish_mmu(t, &tlb);
	remove_vmas_step(mm, "remove_vma");
	for (int i = 0; i < FL_MAX_VMAS; i++) {
		if (fl_mm.mm[mm].vma[i].used)
			fl_vma_free(t, mm, i);
		fl_mm.mm[mm].vma[i].used = 0;
	}
	fl_mm_hooks.zero_range(mm, 0, FL_VPNS);
	FL_TRACE("P%d address space gone", mm);
}
