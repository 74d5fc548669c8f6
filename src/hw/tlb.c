/* SPDX-License-Identifier: MIT */
/* hw/tlb.c - per-CPU TLBs tagged by mm, and the flush primitives. */
#include <string.h>

#include "hw/hw.h"

struct fl_hw fl_hw;

void fl_hw_reset(int ncpus)
{
	memset(&fl_hw, 0, sizeof(fl_hw));
	fl_hw.ncpus = ncpus;
}

struct fl_tlbe *fl_tlb_find(int cpu, int mm, int vpn)
{
	struct fl_tlbe *t = fl_hw.cpu[cpu].tlb;

	for (int i = 0; i < FL_TLB_ENTRIES; i++)
		if (t[i].valid && t[i].mm == mm && t[i].vpn == vpn)
			return &t[i];
	return NULL;
}

void fl_tlb_fill(int cpu, int mm, int vpn, pte_t pte)
{
	struct fl_cpu *c = &fl_hw.cpu[cpu];
	struct fl_tlbe *e = fl_tlb_find(cpu, mm, vpn);

	if (!e) {
		for (int i = 0; i < FL_TLB_ENTRIES && !e; i++)
			if (!c->tlb[i].valid)
				e = &c->tlb[i];
	}
	if (!e) {
		/* Full: evict round-robin, as a real TLB silently drops entries. */
		e = &c->tlb[c->next_victim];
		c->next_victim = (uint8_t)((c->next_victim + 1) % FL_TLB_ENTRIES);
	}
	e->valid = 1;
	e->mm = (uint8_t)mm;
	e->vpn = (uint16_t)vpn;
	e->pfn = (uint16_t)pte_pfn(pte);
	e->writable = pte_write(pte);
	e->dirty = pte_dirty(pte);
	e->gen = fl_hw.frame[pte_pfn(pte)].gen;
}

static int flush_range_cpu(int cpu, int mm, int lo, int hi)
{
	struct fl_tlbe *t = fl_hw.cpu[cpu].tlb;
	int hit = 0;

	for (int i = 0; i < FL_TLB_ENTRIES; i++) {
		if (t[i].valid && t[i].mm == mm && t[i].vpn >= lo && t[i].vpn < hi) {
			t[i].valid = 0;
			hit = 1;
		}
	}
	return hit;
}

int fl_tlb_flush_range_all(int mm, int vpn_start, int vpn_end)
{
	int n = 0;

	for (int c = 0; c < fl_hw.ncpus; c++)
		n += flush_range_cpu(c, mm, vpn_start, vpn_end);
	return n;
}

int fl_tlb_flush_page_all(int mm, int vpn)
{
	return fl_tlb_flush_range_all(mm, vpn, vpn + 1);
}

int fl_tlb_flush_mm_all(int mm)
{
	return fl_tlb_flush_range_all(mm, 0, FL_VPNS);
}

void fl_tlb_flush_page_local(int cpu, int mm, int vpn)
{
	flush_range_cpu(cpu, mm, vpn, vpn + 1);
}

void fl_tlb_flush_footprint(struct fl_footprint *fp)
{
	for (int c = 0; c < fl_hw.ncpus; c++)
		fl_fp_add(fp, fl_obj_tlb(c), FL_ACC_W);
}
