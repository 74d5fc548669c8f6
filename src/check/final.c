/* SPDX-License-Identifier: MIT */
/*
 * check/final.c - checks on the final state of an execution.
 *
 * Run after every thread finished, outside the simulation, reading the
 * machine directly: the final state does not depend on which member of
 * an equivalence class of interleavings produced it, so these checks are
 * safe under partial-order reduction.
 */
#include <stdio.h>

#include "check/check.h"

/*
 * vma[vpn] = the VMA covering vpn in @mm (the first in table order, as a
 * lookup would find it), or NULL: one pass over the VMAs rather than a
 * search per page.
 */
static void vma_map(int mm, const struct fl_vma **vma)
{
	for (int vpn = 0; vpn < FL_VPNS; vpn++)
		vma[vpn] = NULL;
	for (int i = FL_MAX_VMAS - 1; i >= 0; i--) {
		const struct fl_vma *v = &fl_mm.mm[mm].vma[i];

		if (!v->used)
			continue;
		for (int vpn = v->start; vpn < v->end && vpn < FL_VPNS; vpn++)
			vma[vpn] = v;
	}
}

/* Every mapped word, read through the page tables as the kernel sees them (swapped out: from swap). */
static void read_back(int mm, const struct fl_vma *const *vma)
{
	for (int vpn = 0; vpn < FL_VPNS; vpn++) {
		pte_t pte = fl_hw.pgtable[mm][vpn];
		const struct fl_vma *v = vma[vpn];
		const struct fl_swap_slot *slot = NULL;
		int pfn;

		if (!v)
			continue;
		pfn = pte_present(pte) ? (int)pte_pfn(pte) : -1;
		/* A shared page not mapped here (the child of a fork refaults it) is read from the page cache. */
		if (pfn < 0 && v->shmem >= 0 && fl_mm.shmem[(int)v->shmem].page[v->pgoff + vpn - v->start])
			pfn = fl_mm.shmem[(int)v->shmem].page[v->pgoff + vpn - v->start] - 1;
		/* A shmem page swapped out: its swap entry is in the page cache. */
		if (pfn < 0 && v->shmem >= 0 && fl_mm.shmem[(int)v->shmem].swap[v->pgoff + vpn - v->start]) {
			slot = &fl_mm.swap[(int)fl_mm.shmem[(int)v->shmem].swap[v->pgoff + vpn - v->start]];
			pfn = slot->cache - 1;
		}
		/* Swapped out: the swap cache page if there is one (it may be newer), else the slot. */
		if (is_swap_pte(pte) && !is_pte_marker(pte)) {
			slot = &fl_mm.swap[pte_to_swp_entry(pte)];
			pfn = slot->cache - 1;
		}
		for (int w = 0; w < FL_PAGE_WORDS; w++) {
			uint32_t got = pfn >= 0 ? fl_hw.frame[pfn].tag[w] : slot ? slot->tag[w] : 0;

			fl_spec_compare(mm, -1, vpn, w, got, "at the final read-back");
		}
	}
}

/* soft-dirty-miss: a store after clear_refs returned, but pagemap says clean. */
static void soft_dirty(int mm, const struct fl_vma *const *vma)
{
	for (int vpn = 0; vpn < FL_VPNS; vpn++) {
		uint32_t tag = fl_chk.sd_store[mm][vpn];
		const struct fl_vma *v = vma[vpn];
		pte_t pte = fl_hw.pgtable[mm][vpn];
		char buf[96];

		if (!tag || !v)
			continue;
		if ((v->vm_flags & VM_SOFTDIRTY) || (pte_present(pte) && pte_soft_dirty(pte)) ||
		    (is_swap_pte(pte) && pte_swp_soft_dirty(pte)))
			continue;
		fl_violate(FL_PROP_SOFT_DIRTY_MISS, fl_chk.stores[tag - 1].tid,
			   "P%d %s: %s landed after clear_refs returned, but pagemap reports the page soft-clean",
			   mm, fl_va(vpn), fl_spec_store_str(tag, buf, sizeof(buf)));
	}
}

static void stale_entries(void)
{
	for (int mm = 0; mm < FL_MAX_MM; mm++) {
		for (int vpn = 0; vpn < FL_VPNS; vpn++) {
			pte_t pte = fl_hw.pgtable[mm][vpn];

			if (pte_present(pte) && pte_pfn(pte) != FL_ZERO_PFN &&
			    fl_hw.pte_gen[mm][vpn] != fl_hw.frame[pte_pfn(pte)].gen)
				fl_violate(FL_PROP_USE_AFTER_FREE, -1, "P%d vpn %d: PTE points to freed pfn %u",
					   mm, vpn, pte_pfn(pte));
		}
	}
	for (int c = 0; c < fl_hw.ncpus; c++) {
		for (int i = 0; i < FL_TLB_ENTRIES; i++) {
			const struct fl_tlbe *e = &fl_hw.cpu[c].tlb[i];

			if (e->valid && e->pfn != FL_ZERO_PFN && e->gen != fl_hw.frame[e->pfn].gen)
				fl_violate(FL_PROP_USE_AFTER_FREE, -1,
					   "cpu%d TLB: P%d vpn %d still maps pfn %u, which was freed",
					   c, e->mm, e->vpn, e->pfn);
		}
	}
}

void fl_check_final_state(void)
{
	for (int mm = 0; mm < FL_MAX_MM; mm++) {
		const struct fl_vma *vma[FL_VPNS];

		if (!fl_mm.mm[mm].live)
			continue;
		vma_map(mm, vma);
		read_back(mm, vma);
		if (fl_chk.sd_tracked)
			soft_dirty(mm, vma);
	}
	stale_entries();
}

void fl_check_no_page_leak(void)
{
	char list[160];
	int n = 0, cnt = 0;

	list[0] = '\0';
	for (int pfn = 1; pfn < FL_MAX_FRAMES; pfn++) {
		if (fl_hw.frame[pfn].free)
			continue;
		cnt++;
		if (n < (int)sizeof(list) - 40)
			n += snprintf(list + n, sizeof(list) - (size_t)n, " pfn %d (refcount %d, mapcount %d)",
				      pfn, fl_mm.page[pfn].refcount, fl_mm.page[pfn].mapcount);
	}
	if (cnt)
		fl_violate(FL_PROP_PAGE_LEAK, -1, "%d page%s still allocated after teardown:%s",
			   cnt, cnt == 1 ? "" : "s", list);
	/* Swap slots too: every swap PTE is gone, so no slot may hold a count or a swap cache page. */
	n = cnt = 0;
	list[0] = '\0';
	for (int slot = 1; slot < FL_SWAP_SLOTS; slot++) {
		const struct fl_swap_slot *s = &fl_mm.swap[slot];

		if (!s->count && !s->cache)
			continue;
		cnt++;
		if (n < (int)sizeof(list) - 40)
			n += snprintf(list + n, sizeof(list) - (size_t)n, " slot %d (swap count %d, swap cache pfn %d)",
				      slot, s->count, s->cache - 1);
	}
	if (cnt)
		fl_violate(FL_PROP_PAGE_LEAK, -1, "%d swap slot%s still in use after teardown:%s",
			   cnt, cnt == 1 ? "" : "s", list);
}
