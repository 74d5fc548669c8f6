/* SPDX-License-Identifier: MIT */
/*
 * mm/shmem.c - shared anonymous memory as a tiny shmem object.
 *
 * MAP_SHARED|MAP_ANONYMOUS is backed by shmem in the kernel: its pages
 * live in a page cache indexed by offset, hold one reference for the
 * cache, and are mapped (never COWed) by every process sharing the VMA.
 */
#include <string.h>

#include "mm/mm.h"

int fl_shmem_create(void)
{
	for (int i = 0; i < FL_MAX_SHMEM; i++) {
		if (!fl_mm.shmem[i].used) {
			memset(&fl_mm.shmem[i], 0, sizeof(fl_mm.shmem[i]));
			fl_mm.shmem[i].used = 1;
			return i;
		}
	}
	/* fl_scenario_check_limits() refuses scenarios that could need more. */
	fl_sim_limit("more than %d shmem objects (FL_MAX_SHMEM)", FL_MAX_SHMEM);
}

/*
 * shmem_getpage: look the page up, or allocate and add it; returns it with
 * a reference.  The allocation and clearing sleep, so another fault may
 * add a page at @pgoff meanwhile: the insertion re-checks under the page
 * cache's lock (shmem_add_to_page_cache fails with -EEXIST), and the loser
 * frees its page and takes the one that is there, as shmem_get_folio_gfp's
 * retry does.
 */
int fl_shmem_get_page(struct fl_task *t, int obj, int pgoff)
{
	struct fl_shmem *s = &fl_mm.shmem[obj];
	int pfn;

	fl_sim_yield(FL_OBJ(FL_OT_SHMEM, obj), FL_ACC_W, "shmem_getpage");
	if (s->page[pgoff]) {
		pfn = s->page[pgoff] - 1;
		fl_get_page(pfn);
		return pfn;
	}
	pfn = fl_alloc_page(t);
	if (pfn < 0)
		return -1;
	fl_clear_user_highpage(pfn);
	fl_page_set_flags(pfn, PG_shmem, 0);
	fl_sim_yield(FL_OBJ(FL_OT_SHMEM, obj), FL_ACC_W, "shmem_add_to_page_cache");
	if (s->page[pgoff]) {
		int other = s->page[pgoff] - 1;

		FL_TRACE("shmem %d page %d: pfn %d was added meanwhile (-EEXIST): free pfn %d, take it",
			 obj, pgoff, other, pfn);
		fl_put_page(pfn);
		fl_get_page(other);
		return other;
	}
	s->page[pgoff] = (int8_t)(pfn + 1);	/* the page cache's reference */
	fl_get_page(pfn);
	FL_TRACE("shmem %d page %d: new pfn %d", obj, pgoff, pfn);
	return pfn;
}

/* filemap lookup without allocating: is the page in the object's page cache? */
bool fl_shmem_has_page(struct fl_task *t, int obj, int pgoff)
{
	(void)t;
	fl_sim_yield(FL_OBJ(FL_OT_SHMEM, obj), FL_ACC_R, "shmem: filemap lookup");
	return fl_mm.shmem[obj].page[pgoff] != 0;
}

/*
 * shmem_add_to_page_cache for UFFDIO_COPY / ZEROPAGE (shmem_mfill_atomic_pte):
 * @pfn, already filled, becomes the object's page at @pgoff, with the cache's
 * reference; -EEXIST if a page is there already.
 */
int fl_shmem_add_page(struct fl_task *t, int obj, int pgoff, int pfn)
{
	struct fl_shmem *s = &fl_mm.shmem[obj];

	(void)t;
	fl_sim_yield(FL_OBJ(FL_OT_SHMEM, obj), FL_ACC_W, "shmem_add_to_page_cache");
	if (s->page[pgoff])
		return -17;
	fl_page_set_flags(pfn, PG_shmem, 0);
	s->page[pgoff] = (int8_t)(pfn + 1);
	fl_get_page(pfn);
	FL_TRACE("shmem %d page %d: pfn %d added by UFFDIO_COPY", obj, pgoff, pfn);
	return 0;
}

/* At teardown the objects die with their last mapping: drop the cache references. */
void fl_shmem_release_all(void)
{
	for (int i = 0; i < FL_MAX_SHMEM; i++) {
		for (int j = 0; j < FL_SHMEM_PAGES; j++) {
			if (fl_mm.shmem[i].page[j]) {
				fl_put_page(fl_mm.shmem[i].page[j] - 1);
				fl_mm.shmem[i].page[j] = 0;
			}
		}
		fl_mm.shmem[i].used = 0;
	}
}
