/* SPDX-License-Identifier: MIT */
/*
 * mm/filemap.c - filemap_map_pages: the ->map_pages of shmem, which
 * do_fault_around (memory.c) calls to map the neighbours of a read fault
 * that are already in the page cache.
 *
 * The kernel walks the page cache under RCU (next_uptodate_folio), with
 * the PTL of the window's page table held throughout, and maps a page
 * only if it is up to date, not locked by someone else (folio_trylock),
 * and its PTE is still none.  Each mapped page takes a reference and a
 * file rmap (filemap_map_folio_range).  Swap entries in a shmem page
 * cache (xa_is_value) are skipped; the model's shmem has none.
 */
#include "mm/mm.h"

/*
 * filemap_map_pages over [start, end) of @vmf's VMA (virtual pages, the
 * faulting page among them).  Returns VM_FAULT_NOPAGE when the faulting
 * page itself was mapped: do_read_fault then skips ->fault.
 * Enter: mmap_lock read-held, PTL not held.  Return: same.
 *
 * The model's page tables hold FL_PTES_PER_TABLE PTEs, fewer than the
 * kernel's 512; the window never crosses a kernel PMD (the model's whole
 * address space is smaller than one), so here it may cross a model table:
 * the PTL is taken per table, as pte_offset_map_lock would be.
 */
unsigned fl_filemap_map_pages(struct vm_fault *vmf, int start, int end)
{
	struct fl_task *t = vmf->task;
	struct fl_vma *vma = vmf->vma;
	int locked_table = -1, mapped = 0;
	unsigned ret = 0;

	for (int vpn = start; vpn < end; vpn++) {
		int pgoff = vma->pgoff + vpn - vma->start, pfn;
		pte_t entry;

		if (vpn / FL_PTES_PER_TABLE != locked_table) {
			if (locked_table >= 0)
				fl_pte_unlock(t, vmf->mm, locked_table * FL_PTES_PER_TABLE);
			locked_table = vpn / FL_PTES_PER_TABLE;
			fl_pte_lock(t, vmf->mm, vpn);
		}
		/* next_uptodate_folio: the page cache lookup (RCU, folio_try_get). */
		pfn = fl_shmem_find_get(vma->shmem, pgoff);
		if (pfn < 0)
			continue;
		if (!fl_trylock_page(t, pfn)) {
			FL_TRACE("fault-around: pfn %d locked, skip %s", pfn, fl_va(vpn));
			fl_put_page(pfn);
			continue;
		}
		/* The folio may have left the cache before we locked it (folio->mapping != mapping). */
		fl_sim_yield(FL_OBJ(FL_OT_SHMEM, vma->shmem), FL_ACC_R, "filemap_map_pages: folio->mapping");
		if (fl_mm.shmem[vma->shmem].page[pgoff] != pfn + 1 || !pte_none(fl_ptep_get(vmf->mm, vpn))) {
			fl_unlock_page(t, pfn);
			fl_put_page(pfn);
			continue;
		}
		/* filemap_map_folio_range -> set_pte_range: our reference becomes the mapping's. */
		fl_page_dup_rmap(pfn);	/* folio_add_file_rmap_ptes */
		entry = pfn_pte((uint32_t)pfn, vma->vm_page_prot);
		/* The counterfactual uffd_wp_markers=in_file: the page cache's bit goes with every mapping. */
		if (FL_POL(UFFD_WP_MARKERS) == FL_UFFD_WP_MARKERS_IN_FILE && fl_mm.shmem[vma->shmem].wp[pgoff])
			entry = pte_wrprotect(pte_mkuffd_wp(entry));
		fl_set_pte_at(vmf->mm, vpn, entry);
		fl_unlock_page(t, pfn);
		mapped++;
		FL_TRACE("fault-around: map shmem pfn %d at %s%s", pfn, fl_va(vpn), pte_write(entry) ? " (W)" : " (R/O)");
		if (vpn == vmf->vpn)
			ret = VM_FAULT_NOPAGE;
	}
	if (locked_table >= 0)
		fl_pte_unlock(t, vmf->mm, locked_table * FL_PTES_PER_TABLE);
	FL_TRACE("filemap_map_pages %s..%s: %d mapped%s", fl_va(start), fl_va(end - 1), mapped,
		 ret ? ", the faulting page among them" : "");
	return ret;
}
