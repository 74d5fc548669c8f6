/* SPDX-License-Identifier: MIT */
/*
 * mm/page_alloc.c - page allocation, references and rmap counts.
 *
 * Freed pages go on a LIFO free list, so the next allocation reuses the
 * page just freed: a stale TLB entry then hits a reallocated page, which
 * is what makes use-after-free visible as cross-process corruption.
 * Freeing bumps the frame's generation; a TLB entry or PTE made before the
 * free no longer matches it (hw/access.c, pgtable.c).
 *
 * Every refcount or mapcount change is checked at once: refcount below
 * mapcount, or negative, is the `refcount` property.
 */
#include <string.h>

#include "check/check.h"
#include "mm/mm.h"

struct fl_mm_state fl_mm;


void fl_page_alloc_init(void)
{
	memset(fl_mm.page, 0, sizeof(fl_mm.page));
	fl_mm.page[FL_ZERO_PFN].flags = PG_reserved;
	fl_mm.page[FL_ZERO_PFN].refcount = 1;
	fl_mm.nfree = 0;
	fl_hw.frames_used = FL_ZERO_PFN + 1;
	/* Push high pfns first so that allocation hands out 1, 2, 3, ... */
	for (int pfn = FL_MAX_FRAMES - 1; pfn > FL_ZERO_PFN; pfn--) {
		fl_mm.free_list[fl_mm.nfree++] = (int8_t)pfn;
		fl_hw.frame[pfn].free = 1;
	}
}

int fl_pages_in_use(void)
{
	return FL_MAX_FRAMES - 1 - fl_mm.nfree;
}

static void check_counts(int pfn)
{
	const struct fl_page *p = &fl_mm.page[pfn];

	if (p->refcount < 0 || p->mapcount < 0)
		fl_violate(FL_PROP_REFCOUNT, fl_sim.cur, "pfn %d: refcount %d, mapcount %d",
			   pfn, p->refcount, p->mapcount);
	else if (p->refcount < p->mapcount)
		fl_violate(FL_PROP_REFCOUNT, fl_sim.cur, "pfn %d: refcount %d < mapcount %d",
			   pfn, p->refcount, p->mapcount);
}

int fl_alloc_page(struct fl_task *t)
{
	int pfn;

	(void)t;
	fl_sim_yield(fl_obj_alloc(), FL_ACC_W, "alloc_page");
	/*
	 * The kernel would reclaim or OOM-kill long before a litmus test ran it
	 * out of memory: an empty free list is the model's limit, not ENOMEM.
	 */
	if (fl_mm.nfree == 0)
		fl_sim_limit("out of page frames: the model has %d (FL_MAX_FRAMES)", FL_MAX_FRAMES - 1);
	pfn = fl_mm.free_list[--fl_mm.nfree];
	if (pfn >= fl_hw.frames_used)
		fl_hw.frames_used = pfn + 1;
	memset(&fl_mm.page[pfn], 0, sizeof(fl_mm.page[pfn]));
	fl_mm.page[pfn].refcount = 1;
	fl_hw.frame[pfn].free = 0;
	FL_TRACE("pfn %d", pfn);
	return pfn;
}

static void free_page(int pfn)
{
	FL_BUG_ON(fl_hw.frame[pfn].free, "double free");
	fl_hw.frame[pfn].free = 1;
	fl_hw.frame[pfn].gen++;
	fl_mm.page[pfn].flags = 0;
	fl_mm.free_list[fl_mm.nfree++] = (int8_t)pfn;
	FL_TRACE("free pfn %d", pfn);
}

void fl_get_page(int pfn)
{
	if (pfn == FL_ZERO_PFN)
		return;
	fl_sim_yield(fl_obj_page(pfn), FL_ACC_W, "get_page");
	fl_mm.page[pfn].refcount++;
	FL_TRACE("pfn %d: refcount %d", pfn, fl_mm.page[pfn].refcount);
}

/*
 * Drop @n references (put_page: 1; unpin_user_page: GUP_PIN_COUNTING_BIAS).
 * The last reference frees the page and its frame, so the step announces
 * the allocator and the frame as well as the page.
 */
void fl_put_page_refs(int pfn, int n, const char *what)
{
	struct fl_footprint fp = { 0 };
	struct fl_page *p = &fl_mm.page[pfn];

	if (pfn == FL_ZERO_PFN)
		return;
	fl_fp_add(&fp, fl_obj_page(pfn), FL_ACC_W);
	fl_fp_add(&fp, fl_obj_alloc(), FL_ACC_W);
	fl_fp_add(&fp, fl_obj_frame(pfn), FL_ACC_W);
	fl_sim_yield_fp(&fp, NULL, NULL, what);
	if (fl_hw.frame[pfn].free) {
		fl_violate(FL_PROP_REFCOUNT, fl_sim.cur, "%s on free pfn %d", what, pfn);
		return;
	}
	p->refcount = (int16_t)(p->refcount - n);
	FL_TRACE_AS(what, "pfn %d: refcount %d", pfn, p->refcount);
	check_counts(pfn);
	if (p->refcount == 0)
		free_page(pfn);
}

void fl_put_page(int pfn)
{
	fl_put_page_refs(pfn, 1, "put_page");
}

int fl_page_count(int pfn)
{
	fl_sim_yield(fl_obj_page(pfn), FL_ACC_R, "page_count");
	return fl_mm.page[pfn].refcount;
}

int fl_page_mapcount(int pfn)
{
	fl_sim_yield(fl_obj_page(pfn), FL_ACC_R, "page_mapcount");
	return fl_mm.page[pfn].mapcount;
}

/* Fuzzy, as in the kernel: any 1024 references look like a pin. */
bool fl_page_maybe_dma_pinned(int pfn)
{
	fl_sim_yield(fl_obj_page(pfn), FL_ACC_R, "page_maybe_dma_pinned");
	return fl_mm.page[pfn].refcount >= GUP_PIN_COUNTING_BIAS;
}

void fl_page_add_new_anon_rmap(int pfn, bool exclusive)
{
	struct fl_page *p = &fl_mm.page[pfn];

	fl_sim_yield(fl_obj_page(pfn), FL_ACC_W, "page_add_new_anon_rmap");
	p->mapcount = 1;
	p->flags |= PG_anon;
	if (exclusive)
		p->flags |= PG_anon_exclusive;
	check_counts(pfn);
}

/* page_add_anon_rmap: do_swap_page maps a page other PTEs may map too. */
void fl_page_add_anon_rmap(int pfn, bool exclusive)
{
	struct fl_page *p = &fl_mm.page[pfn];

	fl_sim_yield(fl_obj_page(pfn), FL_ACC_W, "page_add_anon_rmap");
	p->mapcount++;
	p->flags |= PG_anon;
	if (exclusive)
		p->flags |= PG_anon_exclusive;
	check_counts(pfn);
}

void fl_page_dup_rmap(int pfn)
{
	fl_sim_yield(fl_obj_page(pfn), FL_ACC_W, "page_dup_rmap");
	fl_mm.page[pfn].mapcount++;
	check_counts(pfn);
}

void fl_page_remove_rmap(int pfn)
{
	fl_sim_yield(fl_obj_page(pfn), FL_ACC_W, "page_remove_rmap");
	fl_mm.page[pfn].mapcount--;
	check_counts(pfn);
}

void fl_page_set_flags(int pfn, unsigned set, unsigned clear)
{
	fl_sim_yield(fl_obj_page(pfn), FL_ACC_W, "page flags");
	fl_mm.page[pfn].flags = (uint16_t)((fl_mm.page[pfn].flags | set) & ~clear);
}

unsigned fl_page_flags(int pfn)
{
	fl_sim_yield(fl_obj_page(pfn), FL_ACC_R, "page flags");
	return fl_mm.page[pfn].flags;
}

void fl_clear_user_highpage(int pfn)
{
	struct fl_frame *f = &fl_hw.frame[pfn];

	fl_sim_yield(fl_obj_frame(pfn), FL_ACC_W, "clear_user_highpage");
	memset(f->w, 0, sizeof(f->w));
	memset(f->tag, 0, sizeof(f->tag));
	FL_TRACE("zero pfn %d", pfn);
}

void fl_uffd_fill_page(int pfn, uint32_t tag, uint64_t value)
{
	struct fl_frame *f = &fl_hw.frame[pfn];

	fl_sim_yield(fl_obj_frame(pfn), FL_ACC_W, "copy_from_user");
	memset(f->w, 0, sizeof(f->w));
	memset(f->tag, 0, sizeof(f->tag));
	f->w[0] = value;
	f->tag[0] = tag;
}

/*
 * cow_user_page: one step reads the whole source page, a second writes
 * the copy.  A store through a stale TLB entry can land between them or
 * after both: that store is not in the copy.
 */
void fl_copy_user_highpage(int dst, int src)
{
	struct fl_frame tmp;

	fl_sim_yield(fl_obj_frame(src), FL_ACC_R, "copy from");
	tmp = fl_hw.frame[src];
	FL_TRACE_AS("cow_user_page", "read pfn %d", src);
	fl_sim_yield(fl_obj_frame(dst), FL_ACC_W, "copy to");
	memcpy(fl_hw.frame[dst].w, tmp.w, sizeof(tmp.w));
	memcpy(fl_hw.frame[dst].tag, tmp.tag, sizeof(tmp.tag));
	FL_TRACE_AS("cow_user_page", "copy of pfn %d written to pfn %d", src, dst);
}
