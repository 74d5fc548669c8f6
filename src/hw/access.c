/* SPDX-License-Identifier: MIT */
/*
 * hw/access.c - one user load or store, as the CPU performs it.
 *
 * fl_hw_access() and fl_hw_access_footprint() share one walk (access())
 * so that the footprint the explorer reasons with can never disagree with
 * what the access really touches.  With @fp set, access() only records
 * the objects it would touch and changes nothing.
 */
#include "hw/hw.h"

static void touch(struct fl_footprint *fp, uint32_t obj, unsigned acc)
{
	if (fp)
		fl_fp_add(fp, obj, acc);
}

static void do_frame(struct fl_uacc *a, uint32_t pfn, uint32_t gen, struct fl_footprint *fp)
{
	struct fl_frame *f = &fl_hw.frame[pfn];

	touch(fp, fl_obj_frame(pfn), a->write ? FL_ACC_W : FL_ACC_R);
	if (fp)
		return;
	a->pfn = pfn;
	a->stale_gen = f->gen != gen;
	if (a->write) {
		f->w[a->word] = a->val;
		f->tag[a->word] = a->tag;
	} else {
		a->rval = f->w[a->word];
		a->rtag = f->tag[a->word];
	}
}

/*
 * Page walk after a miss (or a dropped entry).  The walker sets the
 * accessed bit, and the dirty bit for a write, with one atomic update.
 * A PTE that is not present (or PROT_NONE), or read-only for a write,
 * raises a fault; x86 then invalidates the local entry for the address.
 */
static enum fl_uacc_result walk(struct fl_uacc *a, struct fl_footprint *fp)
{
	pte_t *ptep = &fl_hw.pgtable[a->mm][a->vpn];
	pte_t pte = *ptep, npte;

	touch(fp, fl_obj_tlb(a->cpu), FL_ACC_W);
	if (!(pte & _PAGE_PRESENT) || (a->write && !pte_write(pte))) {
		touch(fp, FL_OBJ_PTE(a->mm, a->vpn), FL_ACC_R);
		return FL_UACC_FAULT;
	}
	npte = pte | _PAGE_ACCESSED;
	if (a->write)
		npte |= _PAGE_DIRTY;	/* hardware dirty bit only: soft-dirty is software */
	touch(fp, FL_OBJ_PTE(a->mm, a->vpn), npte != pte ? FL_ACC_W : FL_ACC_R);
	if (!fp) {
		a->pte_dirtied = a->write && !pte_dirty(pte);
		*ptep = npte;
		fl_tlb_fill(a->cpu, a->mm, a->vpn, npte);
	}
	do_frame(a, pte_pfn(npte), fl_hw.pte_gen[a->mm][a->vpn], fp);
	return FL_UACC_DONE;
}

static enum fl_uacc_result access(struct fl_uacc *a, struct fl_footprint *fp)
{
	struct fl_tlbe *e = fl_tlb_find(a->cpu, a->mm, a->vpn);

	touch(fp, fl_obj_tlb(a->cpu), FL_ACC_R);
	if (!fp)
		a->tlb_hit = e != NULL;
	if (e && (!a->write || (e->writable && e->dirty))) {
		do_frame(a, e->pfn, e->gen, fp);
		return FL_UACC_DONE;
	}
	if (e && e->writable) {
		/*
		 * Writable but clean entry: the CPU must set the PTE's dirty
		 * bit, and re-checks the PTE while doing so.  If the PTE still
		 * maps the same frame writable, the entry is reused; otherwise
		 * it is dropped and the access walks afresh.
		 */
		pte_t *ptep = &fl_hw.pgtable[a->mm][a->vpn];
		pte_t pte = *ptep;

		touch(fp, FL_OBJ_PTE(a->mm, a->vpn), FL_ACC_W);
		touch(fp, fl_obj_tlb(a->cpu), FL_ACC_W);
		if ((pte & _PAGE_PRESENT) && pte_write(pte) && pte_pfn(pte) == e->pfn) {
			if (!fp) {
				a->pte_dirtied = !pte_dirty(pte);
				*ptep = pte | _PAGE_DIRTY | _PAGE_ACCESSED;
				e->dirty = 1;
			}
			do_frame(a, e->pfn, e->gen, fp);
			return FL_UACC_DONE;
		}
	}
	if (e && !fp)
		e->valid = 0;	/* permission miss: x86 invalidates the entry and walks */
	return walk(a, fp);
}

enum fl_uacc_result fl_hw_access(struct fl_uacc *a)
{
	a->tlb_hit = false;
	a->stale_gen = false;
	a->pte_dirtied = false;
	return access(a, NULL);
}

void fl_hw_access_footprint(const struct fl_uacc *a, struct fl_footprint *fp)
{
	struct fl_uacc tmp = *a;

	access(&tmp, fp);
}
