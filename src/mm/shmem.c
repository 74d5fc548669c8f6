/* SPDX-License-Identifier: MIT */
/*
 * mm/shmem.c - shared anonymous memory as a tiny shmem object.
 *
 * MAP_SHARED|MAP_ANONYMOUS is backed by shmem in the kernel: its pages
 * live in a page cache indexed by offset, hold one reference for the
 * cache, and are mapped (never COWed) by every process sharing the VMA.
 */
#include <errno.h>
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
 * shmem_get_folio_gfp (shmem_getpage): look the page up, or allocate and
 * add it; returns it locked and with a reference, as shmem_fault hands it
 * to finish_fault (VM_FAULT_LOCKED).  A page found in the cache is locked
 * (folio_lock sleeps while UFFDIO_COPY or another fault holds it) and
 * re-checked: one removed from the cache meanwhile (UFFDIO_COPY's -EEXIST
 * path) means a fresh lookup.  A page missing from the cache of a VMA
 * registered for missing faults is FL_SHMEM_USERFAULT: the caller hands
 * the fault to user space (v4.11, userfaultfd shmem support).  The
 * allocation and clearing sleep, so another fault may add a page at
 * @pgoff meanwhile: the insertion re-checks under the page cache's lock
 * (shmem_add_to_page_cache fails with -EEXIST), and the loser frees its
 * page and looks again.  A new page is locked before it is published
 * (__folio_set_locked), so no one maps it before it is filled.
 */
int fl_shmem_get_page(struct fl_task *t, int obj, int pgoff, bool uffd_missing)
{
	struct fl_shmem *s = &fl_mm.shmem[obj];
	int pfn;

repeat:
	fl_sim_yield(FL_OBJ(FL_OT_SHMEM, obj), FL_ACC_W, "shmem_getpage: filemap_get_entry");
	if (s->page[pgoff]) {
		pfn = s->page[pgoff] - 1;
		fl_get_page(pfn);
		fl_lock_page(t, pfn);
		fl_sim_yield(FL_OBJ(FL_OT_SHMEM, obj), FL_ACC_R, "shmem_getpage: folio->mapping");
		if (s->page[pgoff] != pfn + 1) {
			FL_TRACE("shmem %d page %d: pfn %d left the page cache while we waited for its lock: retry",
				 obj, pgoff, pfn);
			fl_unlock_page(t, pfn);
			fl_put_page(pfn);
			goto repeat;
		}
		return pfn;
	}
	if (uffd_missing)
		return FL_SHMEM_USERFAULT;
	pfn = fl_alloc_page(t);
	if (pfn < 0)
		return -1;
	fl_clear_user_highpage(pfn);
	fl_page_set_flags(pfn, PG_shmem, 0);
	fl_trylock_page(t, pfn);	/* __folio_set_locked: ours alone, cannot fail */
	fl_sim_yield(FL_OBJ(FL_OT_SHMEM, obj), FL_ACC_W, "shmem_add_to_page_cache");
	if (s->page[pgoff]) {
		FL_TRACE("shmem %d page %d: pfn %d was added meanwhile (-EEXIST): free pfn %d, look again",
			 obj, pgoff, s->page[pgoff] - 1, pfn);
		fl_unlock_page(t, pfn);
		fl_put_page(pfn);
		goto repeat;
	}
	s->page[pgoff] = (int8_t)(pfn + 1);	/* the page cache's reference */
	fl_get_page(pfn);
	FL_TRACE("shmem %d page %d: new pfn %d", obj, pgoff, pfn);
	return pfn;
}

/*
 * shmem_add_to_page_cache for UFFDIO_COPY / ZEROPAGE (shmem_mfill_atomic_pte):
 * @pfn, already filled and locked by the caller, becomes the object's page
 * at @pgoff, with the cache's reference; -EEXIST if a page is there already.
 */
int fl_shmem_add_page(struct fl_task *t, int obj, int pgoff, int pfn)
{
	struct fl_shmem *s = &fl_mm.shmem[obj];

	(void)t;
	fl_sim_yield(FL_OBJ(FL_OT_SHMEM, obj), FL_ACC_W, "shmem_add_to_page_cache");
	if (s->page[pgoff])
		return -EEXIST;
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
