/* SPDX-License-Identifier: MIT */
/*
 * mm/pgtable.c - kernel-side PTE accessors.
 *
 * Each accessor is one step on the PTE object.  The PTL is the kernel's
 * protocol, not the hardware's: the CPU's page walker and dirty-bit
 * updates (hw/access.c) never take it, which is why the kernel uses
 * atomic get-and-clear when it rewrites a present PTE.
 *
 * The shadow pte_gen records the frame generation each PTE was set with;
 * reading a present PTE whose frame was freed since is a use-after-free.
 */
#include "mm/hooks.h"
#include "mm/mm.h"

static void check_stale(int mm, int vpn, pte_t pte)
{
	uint32_t pfn = pte_pfn(pte);

	if (!pte_present(pte) || pfn == FL_ZERO_PFN)
		return;
	if (fl_hw.pte_gen[mm][vpn] != fl_hw.frame[pfn].gen)
		fl_mm_violate(FL_MMV_USE_AFTER_FREE, fl_sim.cur,
			   "P%d vpn %d: PTE still points to pfn %u, which was freed", mm, vpn, pfn);
}

pte_t fl_ptep_get(int mm, int vpn)
{
	pte_t pte;

	fl_sim_yield(FL_OBJ_PTE(mm, vpn), FL_ACC_R, "read pte");
	pte = fl_hw.pgtable[mm][vpn];
	check_stale(mm, vpn, pte);
	return pte;
}

static void set_pte(int mm, int vpn, pte_t pte)
{
	fl_hw.pgtable[mm][vpn] = pte;
	fl_hw.pte_gen[mm][vpn] = pte_present(pte) ? fl_hw.frame[pte_pfn(pte)].gen : 0;
}

void fl_set_pte_at(int mm, int vpn, pte_t pte)
{
	fl_assert_pte_locked(mm, vpn);
	fl_sim_yield(FL_OBJ_PTE(mm, vpn), FL_ACC_W, "set_pte_at");
	set_pte(mm, vpn, pte);
}

/* set_pte_at in a step that also makes something else visible (UFFDIO_COPY's data). */
void fl_set_pte_at_with(int mm, int vpn, pte_t pte, uint32_t extra_obj)
{
	struct fl_footprint fp = { 0 };

	fl_assert_pte_locked(mm, vpn);
	fl_fp_add(&fp, FL_OBJ_PTE(mm, vpn), FL_ACC_W);
	fl_fp_add(&fp, extra_obj, FL_ACC_W);
	fl_sim_yield_fp(&fp, NULL, NULL, "set_pte_at");
	set_pte(mm, vpn, pte);
}

pte_t fl_ptep_get_and_clear(int mm, int vpn)
{
	pte_t old;

	fl_assert_pte_locked(mm, vpn);
	fl_sim_yield(FL_OBJ_PTE(mm, vpn), FL_ACC_W, "ptep_get_and_clear");
	old = fl_hw.pgtable[mm][vpn];
	check_stale(mm, vpn, old);
	set_pte(mm, vpn, 0);
	return old;
}

/* x86 ptep_set_wrprotect: an atomic clear of the RW bit, so hardware A/D updates are kept. */
void fl_ptep_set_wrprotect(int mm, int vpn)
{
	fl_assert_pte_locked(mm, vpn);
	fl_sim_yield(FL_OBJ_PTE(mm, vpn), FL_ACC_W, "ptep_set_wrprotect");
	fl_hw.pgtable[mm][vpn] &= ~(pte_t)_PAGE_RW;
}

/* x86 ptep_test_and_clear_young: an atomic clear of the accessed bit, no flush. */
bool fl_ptep_test_and_clear_young(int mm, int vpn)
{
	bool young;

	fl_assert_pte_locked(mm, vpn);
	fl_sim_yield(FL_OBJ_PTE(mm, vpn), FL_ACC_W, "ptep_test_and_clear_young");
	young = pte_young(fl_hw.pgtable[mm][vpn]);
	fl_hw.pgtable[mm][vpn] &= ~(pte_t)_PAGE_ACCESSED;
	return young;
}

pte_t fl_ptep_modify_prot_start(int mm, int vpn)
{
	return fl_ptep_get_and_clear(mm, vpn);
}

void fl_ptep_modify_prot_commit(int mm, int vpn, pte_t pte)
{
	fl_set_pte_at(mm, vpn, pte);
}

/*
 * vm_normal_page: the struct page behind a PTE, or none for special
 * mappings.  x86 has pte_special, so the zero page is recognised by it.
 */
int fl_vm_normal_page(const struct fl_vma *vma, pte_t pte)
{
	(void)vma;
	if (!pte_present(pte) || pte_special(pte))
		return -1;
	return (int)pte_pfn(pte);
}
