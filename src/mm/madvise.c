/* SPDX-License-Identifier: MIT */
/*
 * mm/madvise.c - madvise(MADV_PAGEOUT) (1a4e58cce84e, v5.4).
 *
 * madvise_pageout runs under mmap_read_lock.  For each VMA of the range:
 * tlb_gather_mmu, then the page walk (madvise_cold_or_pageout_pte_range):
 * under the PTL of each page table, every present PTE of a normal page
 * that is mapped only here (page_mapcount == 1: "do not interfere with
 * other mappings of this page") is made old, its TLB entry left for
 * tlb_finish_mmu to flush, and the page isolated from the LRU; once the
 * PTL is dropped, reclaim_pages tries to swap the isolated pages out
 * (swap.c).  tlb_finish_mmu comes after the reclaim.
 *
 * Shared anonymous (shmem) pages are reclaimed too (the caller owns the
 * file, so can_do_file_pageout): their PTEs are cleared to none, and a
 * dirty page goes to swap through shmem_writepage, which leaves its swap
 * entry in the page cache; a clean one leaves the page cache (swap.c,
 * shmem.c).
 */
#include <errno.h>
#include "mm/mm.h"

/*
 * madvise_pageout_page_range: the page walk, i.e.
 * madvise_cold_or_pageout_pte_range for [start, end) within one page
 * table.  Enter: mmap_lock read-held.
 */
static void madvise_pageout_page_range(struct fl_task *t, struct mmu_gather *tlb, struct fl_vma *vma,
				       int start, int end)
{
	int pfns[FL_PTES_PER_TABLE], vpns[FL_PTES_PER_TABLE], n = 0, mm = t->mm;

	fl_pte_lock(t, mm, start);
	for (int vpn = start; vpn < end; vpn++) {
		pte_t ptent = fl_ptep_get(mm, vpn);
		int pfn;

		if (pte_none(ptent) || !pte_present(ptent))
			continue;
		pfn = fl_vm_normal_page(vma, ptent);
		if (pfn < 0)
			continue;
		/* Do not interfere with other mappings of this page */
		if (fl_page_mapcount(pfn) != 1) {
			FL_TRACE("%s: pfn %d is mapped more than once: skipped", fl_va(vpn), pfn);
			continue;
		}
		if (pte_young(ptent)) {
			ptent = fl_ptep_get_and_clear(mm, vpn);	/* ptep_get_and_clear_full */
			ptent &= ~(pte_t)_PAGE_ACCESSED;	/* pte_mkold */
			fl_set_pte_at(mm, vpn, ptent);
			fl_tlb_remove_page(t, tlb, vpn, -1);	/* tlb_remove_tlb_entry */
			FL_TRACE("%s: pte old (flush deferred)", fl_va(vpn));
		}
		if (fl_isolate_lru_page(pfn)) {
			pfns[n] = pfn;
			vpns[n] = vpn;
			n++;
		}
	}
	fl_pte_unlock(t, mm, start);
	if (n)
		fl_reclaim_pages(t, pfns, vpns, n);
}

/*
 * can_madv_lru_vma: mlocked pages stay in memory, and VM_PFNMAP memory has
 * no pages to reclaim (VM_HUGETLB is not modelled).
 */
static bool can_madv_lru_vma(const struct fl_vma *vma)
{
	return !(vma->vm_flags & (VM_LOCKED | VM_PFNMAP));
}

/*
 * madvise(vpn, npages, MADV_PAGEOUT).  Returns 0; -ENOMEM if part of the
 * range is unmapped (the mapped part is still paged out); -EINVAL at the
 * first VMA that can_madv_lru_vma refuses (the VMAs before it were paged
 * out, the ones after it are not looked at).
 */
int fl_madvise_pageout(struct fl_task *t, int vpn, int npages)
{
	int mm = t->mm, end = vpn + npages, ret = 0;

	fl_mmap_read_lock(t, mm);
	for (int addr = vpn; addr < end;) {
		struct fl_vma *vma = fl_find_vma(mm, addr);
		struct mmu_gather tlb;
		int start = addr, stop;

		if (!vma) {
			ret = -ENOMEM;	/* unmapped_error; go on with the next page */
			addr++;
			continue;
		}
		stop = vma->end < end ? vma->end : end;
		addr = stop;
		if (!can_madv_lru_vma(vma)) {
			/* madvise_walk_vmas stops at the first error: later VMAs are left alone. */
			FL_TRACE("%s..%s: VM_LOCKED or VM_PFNMAP: -EINVAL", fl_va(start), fl_va(stop - 1));
			ret = -EINVAL;
			break;
		}
		fl_tlb_gather_mmu(&tlb, mm, false);
		while (start < stop) {
			int table_end = (start / FL_PTES_PER_TABLE + 1) * FL_PTES_PER_TABLE;

			if (table_end > stop)
				table_end = stop;
			madvise_pageout_page_range(t, &tlb, vma, start, table_end);
			start = table_end;
		}
		fl_tlb_finish_mmu(t, &tlb);
	}
	fl_mmap_read_unlock(t, mm);
	return ret;
}

/*
 * madvise(MADV_REMOVE) (madvise_remove): for each VMA of the range, a
 * shared writable file mapping (shmem, memfd or anonymous) has the
 * corresponding file range punched out with vfs_fallocate, mmap_lock
 * dropped meanwhile; anything else is EINVAL (no file: private anonymous
 * memory; VM_LOCKED), and a mapping that may never write EACCES (not in
 * the model: every file is open read-write).  A hole in the range
 * is ENOMEM once the rest is done.
 */
int fl_madvise_remove(struct fl_task *t, int vpn, int npages)
{
	int mm = t->mm, end = vpn + npages, ret = 0;

	fl_mmap_read_lock(t, mm);
	for (int addr = vpn; addr < end;) {
		struct fl_vma *vma = fl_find_vma(mm, addr);
		int start = addr, stop, obj, pgoff;

		if (!vma) {
			ret = -ENOMEM;
			addr++;
			continue;
		}
		stop = vma->end < end ? vma->end : end;
		addr = stop;
		if ((vma->vm_flags & VM_LOCKED) || vma->shmem < 0) {
			FL_TRACE("%s..%s: %s: -EINVAL", fl_va(start), fl_va(stop - 1),
				 vma->shmem < 0 ? "no file" : "VM_LOCKED");
			fl_mmap_read_unlock(t, mm);
			return -EINVAL;
		}
		/* vma_is_shared_maywrite: a memfd is open for writing, so even a PROT_READ mapping may. */
		if (!(vma->vm_flags & VM_SHARED) || !(vma->vm_flags & VM_MAYWRITE)) {
			FL_TRACE("%s..%s: not a shared mapping that may write: -EACCES", fl_va(start), fl_va(stop - 1));
			fl_mmap_read_unlock(t, mm);
			return -EACCES;
		}
		obj = vma->shmem;
		pgoff = vma->pgoff + start - vma->start;
		fl_mmap_read_unlock(t, mm);	/* vfs_fallocate runs without mmap_lock */
		fl_shmem_fallocate(t, obj, pgoff, stop - start);
		fl_mmap_read_lock(t, mm);
	}
	fl_mmap_read_unlock(t, mm);
	return ret;
}
