/* SPDX-License-Identifier: MIT */
/*
 * mm/tlb.c - TLB flushes, tlb_flush_pending and the mmu_gather.
 *
 * flush_tlb_page/range/mm reach every CPU (remote ones by IPI) in one
 * step: the initiator waits for every acknowledgement, and an IPI is only
 * taken between instructions, so no user access is half-way through.
 *
 * The mmu_gather batches pages whose PTEs were cleared and frees them
 * only after the TLB flush, so no CPU can reach a page that was freed;
 * a batched page that is in the swap cache and mapped nowhere leaves it
 * first (free_pages_and_swap_cache).
 * tlb_finish_mmu flushes only if something was batched or the range was
 * extended: since 0758cd830494 a gather that batched nothing does not
 * flush (the root of seed 000's race R4).
 */
#include "mm/mm.h"

void fl_flush_tlb_page(struct fl_task *t, int mm, int vpn)
{
	struct fl_footprint fp = { 0 };
	int n;

	(void)t;
	fl_tlb_flush_footprint(&fp);
	fl_sim_yield_fp(&fp, NULL, NULL, "flush_tlb_page");
	n = fl_tlb_flush_page_all(mm, vpn);
	FL_TRACE("P%d %s (IPI all CPUs; %d entr%s dropped)", mm, fl_va(vpn), n, n == 1 ? "y" : "ies");
}

void fl_flush_tlb_range(struct fl_task *t, int mm, int start, int end)
{
	struct fl_footprint fp = { 0 };
	int n;

	(void)t;
	fl_tlb_flush_footprint(&fp);
	fl_sim_yield_fp(&fp, NULL, NULL, "flush_tlb_range");
	n = fl_tlb_flush_range_all(mm, start, end);
	FL_TRACE("P%d %s..%s (IPI all CPUs; %d CPU%s had entries)", mm, fl_va(start), fl_va(end - 1), n, n == 1 ? "" : "s");
}

void fl_flush_tlb_mm(struct fl_task *t, int mm)
{
	fl_flush_tlb_mm_with(t, mm, 0);
}

/*
 * flush_tlb_mm in a step that also does something else the footprint must
 * show (@extra_obj written; 0: nothing): fork's spec snapshot rides on its
 * flush, see fl_dup_mm.
 */
void fl_flush_tlb_mm_with(struct fl_task *t, int mm, uint32_t extra_obj)
{
	struct fl_footprint fp = { 0 };
	int n;

	(void)t;
	fl_tlb_flush_footprint(&fp);
	if (extra_obj)
		fl_fp_add(&fp, extra_obj, FL_ACC_W);
	fl_sim_yield_fp(&fp, NULL, NULL, "flush_tlb_mm");
	n = fl_tlb_flush_mm_all(mm);
	FL_TRACE("P%d (IPI all CPUs; %d CPU%s had entries)", mm, n, n == 1 ? "" : "s");
}

void fl_inc_tlb_flush_pending(int mm)
{
	fl_sim_yield(fl_obj_mmflags(mm), FL_ACC_W, "inc_tlb_flush_pending");
	fl_mm.mm[mm].tlb_flush_pending++;
	FL_TRACE("P%d: %d", mm, fl_mm.mm[mm].tlb_flush_pending);
}

void fl_dec_tlb_flush_pending(int mm)
{
	fl_sim_yield(fl_obj_mmflags(mm), FL_ACC_W, "dec_tlb_flush_pending");
	fl_mm.mm[mm].tlb_flush_pending--;
	FL_TRACE("P%d: %d", mm, fl_mm.mm[mm].tlb_flush_pending);
}

bool fl_mm_tlb_flush_pending(int mm)
{
	fl_sim_yield(fl_obj_mmflags(mm), FL_ACC_R, "mm_tlb_flush_pending");
	return fl_mm.mm[mm].tlb_flush_pending > 0;
}

/* tlb_gather_mmu also announces the deferred flush (since v4.13, 0a2dd266dd6b). */
void fl_tlb_gather_mmu(struct mmu_gather *tlb, int mm, bool fullmm)
{
	tlb->mm = mm;
	tlb->fullmm = fullmm;
	tlb->start = FL_VPNS;
	tlb->end = 0;
	tlb->npages = 0;
	fl_inc_tlb_flush_pending(mm);
}

void fl_tlb_remove_page(struct fl_task *t, struct mmu_gather *tlb, int vpn, int pfn)
{
	if (vpn < tlb->start)
		tlb->start = vpn;
	if (vpn + 1 > tlb->end)
		tlb->end = vpn + 1;
	if (pfn < 0)
		return;
	if (tlb->npages == FL_GATHER_MAX) {
		/* Batch full: flush and free now (tlb_flush_mmu). */
		fl_flush_tlb_range(t, tlb->mm, tlb->start, tlb->end);
		for (int i = 0; i < tlb->npages; i++) {
			fl_free_swap_cache(t, tlb->pages[i]);	/* free_pages_and_swap_cache */
			fl_put_page(tlb->pages[i]);
		}
		tlb->npages = 0;
	}
	tlb->pages[tlb->npages++] = (int16_t)pfn;
}

/*
 * tlb_finish_mmu: flush what was gathered, free the batched pages, then
 * drop tlb_flush_pending.  If another thread has a deferred flush pending
 * on the same mm (mm_tlb_flush_nested, 99baac21e458, v4.13), its PTE
 * changes may hide ours, so the whole mm is flushed regardless.
 */
void fl_tlb_finish_mmu(struct fl_task *t, struct mmu_gather *tlb)
{
	fl_sim_yield(fl_obj_mmflags(tlb->mm), FL_ACC_R, "mm_tlb_flush_nested");
	if (fl_mm.mm[tlb->mm].tlb_flush_pending > 1) {
		FL_TRACE("P%d: another flush is pending (nested): flush the whole mm", tlb->mm);
		tlb->fullmm = true;
		tlb->start = 0;
		tlb->end = FL_VPNS;
	}
	if (tlb->end > tlb->start) {
		if (tlb->fullmm)
			fl_flush_tlb_mm(t, tlb->mm);
		else
			fl_flush_tlb_range(t, tlb->mm, tlb->start, tlb->end);
	} else {
		FL_TRACE("P%d: nothing gathered, no flush", tlb->mm);
	}
	for (int i = 0; i < tlb->npages; i++) {
		fl_free_swap_cache(t, tlb->pages[i]);	/* free_pages_and_swap_cache */
		fl_put_page(tlb->pages[i]);
	}
	tlb->npages = 0;
	fl_dec_tlb_flush_pending(tlb->mm);
}
