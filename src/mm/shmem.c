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

#include "mm/hooks.h"
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
 * filemap_get_entry / next_uptodate_folio: the page at @pgoff with a
 * reference, or -1.  The lookup is lockless, so the reference is
 * speculative: read the slot, then take the reference and re-check the
 * slot in one step (folio_try_get + xas_reload), retrying if the page left
 * meanwhile - a page read from the slot may be freed before a plain
 * get_page.
 */
int fl_shmem_find_get(int obj, int pgoff)
{
	const struct fl_shmem *s = &fl_mm.shmem[obj];

	for (;;) {
		struct fl_footprint fp = { 0 };
		int c;

		fl_sim_yield(FL_OBJ(FL_OT_SHMEM, obj), FL_ACC_R, "filemap_get_entry");
		c = s->page[pgoff];
		if (!c)
			return -1;
		fl_fp_add(&fp, FL_OBJ(FL_OT_SHMEM, obj), FL_ACC_R);
		fl_fp_add(&fp, fl_obj_page(c - 1), FL_ACC_W);
		fl_sim_yield_fp(&fp, NULL, NULL, "folio_try_get");
		if (s->page[pgoff] == c) {
			fl_mm.page[c - 1].refcount++;
			return c - 1;
		}
		FL_TRACE_AS("filemap_get_entry", "shmem %d page %d: pfn %d left the page cache meanwhile: look again",
			    obj, pgoff, c - 1);
	}
}

/*
 * shmem_swapin_folio: the page cache holds a swap entry at @pgoff.  Read
 * the slot into a swap cache page (swapin_readahead: with a reference,
 * unlocked after the read), lock it, and check that the entry is still
 * there and the page still the slot's (shmem_confirm_swap); then the page
 * replaces the entry in the page cache (shmem_add_to_page_cache), leaves
 * the swap cache (delete_from_swap_cache: its reference becomes the page
 * cache's), the entry's swap count goes (swap_free), and the page is dirty:
 * the slot is gone, the page is the only copy.  Returns the page locked
 * with our reference; -2: the entry changed meanwhile, look again; -1: out
 * of memory.
 */
static int shmem_swapin_folio(struct fl_task *t, int obj, int pgoff)
{
	struct fl_shmem *s = &fl_mm.shmem[obj];
	struct fl_footprint fp = { 0 };
	int slot = s->swap[pgoff], pfn;
	struct fl_page *p;

	pfn = fl_swapin_readahead(t, slot);
	if (pfn < 0) {
		fl_sim_yield(FL_OBJ(FL_OT_SHMEM, obj), FL_ACC_R, "shmem_swapin_folio: shmem_confirm_swap");
		return s->swap[pgoff] == slot ? -1 : -2;
	}
	fl_lock_page(t, pfn);
	p = &fl_mm.page[pfn];
	fl_fp_add(&fp, FL_OBJ(FL_OT_SHMEM, obj), FL_ACC_W);
	fl_fp_add(&fp, fl_obj_swap(), FL_ACC_W);
	fl_fp_add(&fp, fl_obj_page(pfn), FL_ACC_W);
	fl_sim_yield_fp(&fp, NULL, NULL, "shmem_swapin_folio: shmem_add_to_page_cache");
	if (s->swap[pgoff] != slot || !(p->flags & PG_swapcache) || p->private != slot) {
		FL_TRACE("shmem %d page %d: swap entry %d changed meanwhile: look again", obj, pgoff, slot);
		fl_unlock_page(t, pfn);
		fl_put_page(pfn);
		return -2;
	}
	fl_mm.swap[slot].cache = 0;	/* delete_from_swap_cache */
	p->flags &= (uint16_t)~PG_swapcache;
	p->private = 0;
	fl_mm.swap[slot].count--;	/* swap_free: the page cache's entry */
	s->swap[pgoff] = 0;
	s->page[pgoff] = (int8_t)(pfn + 1);
	p->flags |= PG_shmem | PG_dirty;
	FL_TRACE("shmem %d page %d: swapped in from slot %d into pfn %d%s", obj, pgoff, slot, pfn,
		 fl_mm.swap[slot].count || fl_mm.swap[slot].cache ? "" : " (slot freed)");
	return pfn;
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
	pfn = fl_shmem_find_get(obj, pgoff);
	if (pfn < 0) {
		fl_sim_yield(FL_OBJ(FL_OT_SHMEM, obj), FL_ACC_R, "shmem_getpage: a swap entry?");
		if (s->page[pgoff])
			goto repeat;
	}
	if (pfn < 0 && s->swap[pgoff]) {
		pfn = shmem_swapin_folio(t, obj, pgoff);
		if (pfn == -2)
			goto repeat;
		return pfn;
	}
	if (pfn >= 0) {
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
	if (s->page[pgoff] || s->swap[pgoff]) {
		/* xas_find_conflict: a page, or the swap entry reclaim left there meanwhile. */
		FL_TRACE("shmem %d page %d: %s was added meanwhile (-EEXIST): free pfn %d, look again",
			 obj, pgoff, s->page[pgoff] ? "a page" : "a swap entry", pfn);
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
	if (s->page[pgoff] || s->swap[pgoff])
		return -EEXIST;	/* a page, or the swap entry of one */
	fl_page_set_flags(pfn, PG_shmem, 0);
	s->page[pgoff] = (int8_t)(pfn + 1);
	fl_get_page(pfn);
	FL_TRACE("shmem %d page %d: pfn %d added by UFFDIO_COPY", obj, pgoff, pfn);
	return 0;
}

/*
 * At teardown the objects die with their last mapping: drop the cache
 * references, and the swap counts of swapped-out pages (shmem_evict_inode:
 * free_swap_and_cache; the swap cache pages left are the orphans
 * fl_swap_reclaim_orphans frees next).
 */
void fl_shmem_release_all(void)
{
	for (int i = 0; i < FL_MAX_SHMEM; i++) {
		for (int j = 0; j < FL_SHMEM_PAGES; j++) {
			if (fl_mm.shmem[i].page[j]) {
				fl_put_page(fl_mm.shmem[i].page[j] - 1);
				fl_mm.shmem[i].page[j] = 0;
			}
			if (fl_mm.shmem[i].swap[j]) {
				fl_mm.swap[(int)fl_mm.shmem[i].swap[j]].count--;
				fl_mm.shmem[i].swap[j] = 0;
			}
		}
		fl_mm.shmem[i].used = 0;
	}
}

/*
 * page->mapping and page->index of a locked shmem page in a page cache.
 * Stable while we hold the page lock: a page enters and leaves a page
 * cache only locked.
 */
static bool shmem_page_index(int pfn, int *obj, int *pgoff)
{
	for (int i = 0; i < FL_MAX_SHMEM; i++)
		for (int j = 0; j < FL_SHMEM_PAGES; j++)
			if (fl_mm.shmem[i].used && fl_mm.shmem[i].page[j] == pfn + 1) {
				*obj = i;
				*pgoff = j;
				return true;
			}
	return false;
}

/*
 * try_to_unmap_one on a shmem PTE: the PTE was cleared and flushed, and
 * stays none - unless it carried the uffd-wp bit in a VMA that uses PTE
 * markers: then the marker keeps the bit (pte_install_uffd_wp_if_needed,
 * 999dad824c39).  Without markers the bit is lost here.  PTL held.
 */
void fl_shmem_unmap_pte(struct fl_task *t, int mm, int vpn, pte_t pteval)
{
	struct fl_vma *vma;

	(void)t;
	if (!pte_uffd_wp(pteval) || FL_POL(UFFD_WP_MARKERS) != FL_UFFD_WP_MARKERS_PTE)
		return;
	/* pte_install_uffd_wp_if_needed: the rmap walk has the VMA in hand. */
	vma = fl_find_vma(mm, vpn);
	if (!vma || !userfaultfd_wp_use_markers(vma))
		return;
	fl_set_pte_at(mm, vpn, make_pte_marker_uffd_wp());
	FL_TRACE("P%d %s: uffd-wp kept in a pte marker", mm, fl_va(vpn));
}

bool fl_shmem_wp_bit(struct fl_task *t, int obj, int pgoff)
{
	(void)t;
	fl_sim_yield(FL_OBJ(FL_OT_SHMEM, obj), FL_ACC_R, "uffd-wp bit in the page cache (in_file)");
	return fl_mm.shmem[obj].wp[pgoff];
}

void fl_shmem_set_wp_bit(struct fl_task *t, int obj, int pgoff, bool on)
{
	(void)t;
	fl_sim_yield(FL_OBJ(FL_OT_SHMEM, obj), FL_ACC_W, "uffd-wp bit in the page cache (in_file)");
	fl_mm.shmem[obj].wp[pgoff] = on;
	FL_TRACE("shmem %d page %d: uffd-wp %s in the page cache (in_file)", obj, pgoff, on ? "set" : "cleared");
}

/*
 * shmem_writepage (reclaim's ->writepage): the page, locked, unmapped and
 * isolated, gets a swap slot and moves to the swap cache
 * (folio_alloc_swap), its swap entry takes its place in the page cache
 * (shmem_delete_from_page_cache: the page cache's reference goes, the swap
 * cache holds one), and the entry holds one swap count (swap_shmem_alloc).
 * swap_writepage then writes it (pageout, swap.c).  Without a swap device
 * the page is redirtied and kept: returns 0.
 */
int fl_shmem_writepage(struct fl_task *t, int pfn)
{
	struct fl_footprint fp = { 0 };
	int obj, pgoff, slot;

	(void)t;
	if (!shmem_page_index(pfn, &obj, &pgoff))
		fl_sim_limit("shmem_writepage: pfn %d is in no page cache", pfn);
	fl_fp_add(&fp, FL_OBJ(FL_OT_SHMEM, obj), FL_ACC_W);
	fl_fp_add(&fp, fl_obj_swap(), FL_ACC_W);
	fl_fp_add(&fp, fl_obj_page(pfn), FL_ACC_W);
	fl_sim_yield_fp(&fp, NULL, NULL, "shmem_writepage");
	slot = fl_folio_alloc_swap(pfn);
	if (!slot) {
		fl_mm.page[pfn].flags |= PG_dirty;	/* redirty: no swap */
		return 0;
	}
	fl_mm.swap[slot].count = 1;
	fl_mm.shmem[obj].page[pgoff] = 0;
	fl_mm.shmem[obj].swap[pgoff] = (int8_t)slot;
	fl_mm.page[pfn].refcount--;	/* the page cache's reference */
	FL_TRACE("shmem %d page %d: pfn %d -> swap cache, slot %d in the page cache", obj, pgoff, pfn, slot);
	return slot;
}

/*
 * __remove_mapping for a clean shmem page (never written, or written back
 * and clean again: not in the model): page_ref_freeze(2) - the page
 * cache's reference and the isolation's - then the page leaves the page
 * cache, which has a hole there again (a later fault reads zeroes).
 * True if the caller may free the page.  Page locked.
 */
bool fl_shmem_remove_mapping(int pfn)
{
	struct fl_footprint fp = { 0 };
	struct fl_page *p = &fl_mm.page[pfn];
	int obj, pgoff;

	if (!shmem_page_index(pfn, &obj, &pgoff))
		fl_sim_limit("__remove_mapping: shmem pfn %d is in no page cache", pfn);
	fl_fp_add(&fp, FL_OBJ(FL_OT_SHMEM, obj), FL_ACC_W);
	fl_fp_add(&fp, fl_obj_page(pfn), FL_ACC_W);
	fl_sim_yield_fp(&fp, NULL, NULL, "__remove_mapping");
	if (p->refcount != 2 || (p->flags & PG_dirty)) {
		FL_TRACE_AS("__remove_mapping", "shmem pfn %d: %s: keep", pfn,
			    p->refcount != 2 ? "page_ref_freeze(2) fails" : "dirty again");
		return false;
	}
	fl_mm.shmem[obj].page[pgoff] = 0;
	p->refcount--;
	FL_TRACE_AS("__remove_mapping", "clean shmem pfn %d leaves page %d of shmem %d: a hole again", pfn, pgoff, obj);
	return true;
}

/* --- hole punching (shmem_fallocate) ------------------------------------- */

static bool inode_unlocked(const void *arg)
{
	return ((const struct fl_shmem *)arg)->i_rwsem == 0;
}

struct falloc_waiter {
	const struct fl_shmem *s;
	uint8_t seq;
};

static bool falloc_done(const void *arg)
{
	const struct falloc_waiter *w = arg;

	return w->s->falloc_seq != w->seq;
}

/*
 * shmem_falloc_wait (shmem_fault): a punch in progress over @pgoff
 * (inode->i_private, read without a lock: the kernel's "if
 * (inode->i_private)" is lockless, then re-checked under i_lock) makes the
 * fault wait for it to finish, with mmap_lock dropped when the fault may
 * be retried (maybe_unlock_mmap_for_io: VM_FAULT_RETRY), else held
 * (VM_FAULT_NOPAGE: the access is simply retried).  Returns 0 when there
 * is nothing to wait for.
 */
unsigned fl_shmem_falloc_wait(struct vm_fault *vmf, int obj, int pgoff)
{
	struct fl_shmem *s = &fl_mm.shmem[obj];
	struct falloc_waiter w = { s, 0 };
	bool unlock;

	fl_sim_yield(fl_obj_inode(obj), FL_ACC_R, "shmem_fault: inode->i_private");
	if (!s->falloc_active)
		return 0;
	fl_sim_yield(fl_obj_inode(obj), FL_ACC_R, "shmem_falloc_wait: spin_lock(i_lock)");
	if (!s->falloc_active || pgoff < s->falloc_start || pgoff >= s->falloc_next)
		return 0;
	w.seq = s->falloc_seq;
	unlock = vmf->flags & FAULT_FLAG_ALLOW_RETRY;
	FL_TRACE("shmem %d page %d: a hole punch is in progress here: wait for it%s", obj, pgoff,
		 unlock ? " (mmap_lock dropped)" : "");
	if (unlock)
		fl_release_fault_lock(vmf);	/* maybe_unlock_mmap_for_io: mmap_lock or the VMA lock */
	fl_sim_wait(fl_obj_inode(obj), FL_ACC_R, falloc_done, &w, true, "shmem_falloc_wait: schedule");
	return unlock ? VM_FAULT_RETRY : VM_FAULT_NOPAGE;
}

/*
 * shmem_undo_range / truncate_inode_folio for one page offset: a swap
 * entry is freed (shmem_free_swap); a page is locked (the second pass's
 * folio_lock: a fault holding it finishes mapping it first), checked to be
 * still the file's, unmapped from every mapping with its markers
 * (unmap_mapping_folio: ZAP_FLAG_DROP_MARKER, "only the final truncation
 * under page lock" may destroy the uffd-wp information), and removed from
 * the page cache (filemap_remove_folio), the file reading zeroes there in
 * the same step.  Our lookup's reference and the cache's are dropped.
 */
static void shmem_truncate_page(struct fl_task *t, int obj, int pgoff)
{
	struct fl_shmem *s = &fl_mm.shmem[obj];
	struct fl_footprint fp = { 0 };
	int pfn, slot;

	fl_sim_yield(FL_OBJ(FL_OT_SHMEM, obj), FL_ACC_W, "shmem_undo_range: find_lock_entries");
	if (s->swap[pgoff]) {
		slot = s->swap[pgoff];
		fl_fp_add(&fp, FL_OBJ(FL_OT_SHMEM, obj), FL_ACC_W);
		fl_fp_add(&fp, fl_mm_hooks.shm_spec_obj(obj, pgoff), FL_ACC_W);
		fl_sim_yield_fp(&fp, NULL, NULL, "shmem_free_swap");
		if (s->swap[pgoff] != slot)
			return;
		s->swap[pgoff] = 0;
		fl_mm_hooks.shm_hole(obj, pgoff, -1);
		FL_TRACE("shmem %d page %d: swap entry %d freed", obj, pgoff, slot);
		fl_free_swap_and_cache(t, slot);
		return;
	}
	pfn = fl_shmem_find_get(obj, pgoff);
	if (pfn < 0)
		return;
	fl_lock_page(t, pfn);
	fl_sim_yield(FL_OBJ(FL_OT_SHMEM, obj), FL_ACC_R, "truncate_inode_folio: folio->mapping");
	if (s->page[pgoff] != pfn + 1) {
		fl_unlock_page(t, pfn);
		fl_put_page(pfn);
		return;
	}
	if (fl_page_mapcount(pfn))
		fl_unmap_mapping_pages(t, obj, pgoff, 1, true);
	fl_fp_add(&fp, FL_OBJ(FL_OT_SHMEM, obj), FL_ACC_W);
	fl_fp_add(&fp, fl_mm_hooks.shm_spec_obj(obj, pgoff), FL_ACC_W);
	/* The oracle ends pins on the page here: a device access reads its mm's spec object. */
	for (int m = 0; m < FL_MAX_MM; m++)
		fl_fp_add(&fp, FL_OBJ_SPEC_MM(m), FL_ACC_W);
	fl_sim_yield_fp(&fp, NULL, NULL, "filemap_remove_folio");
	s->page[pgoff] = 0;
	fl_mm.page[pfn].flags &= (uint16_t)~PG_shmem;	/* folio->mapping = NULL: reclaim will not look for it */
	fl_mm_hooks.shm_hole(obj, pgoff, pfn);
	FL_TRACE("shmem %d page %d: pfn %d leaves the page cache (hole)", obj, pgoff, pfn);
	fl_unlock_page(t, pfn);
	fl_put_page(pfn);	/* the page cache's reference */
	fl_put_page(pfn);	/* ours */
}

/*
 * shmem_fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE) over pages
 * [pgoff, pgoff + n): under inode_lock, publish the punch in i_private
 * (shmem_falloc: faults in the range wait for it), unmap the range from
 * every mapping (unmap_mapping_range: uffd-wp markers stay), truncate the
 * pages one by one (shmem_truncate_range), then clear i_private and wake
 * the waiters.  "Punch hole == Lose data": a store that lands before a
 * page leaves the file is lost with it.  Returns 0.
 */
int fl_shmem_fallocate(struct fl_task *t, int obj, int pgoff, int n)
{
	struct fl_shmem *s = &fl_mm.shmem[obj];

	fl_sim_wait(fl_obj_inode(obj), FL_ACC_ACQ, inode_unlocked, s, true, "inode_lock");
	s->i_rwsem = (int8_t)(t->tid + 1);
	fl_sim_yield(fl_obj_inode(obj), FL_ACC_W, "shmem_fallocate: inode->i_private = &shmem_falloc");
	s->falloc_active = 1;
	s->falloc_start = (uint8_t)pgoff;
	s->falloc_next = (uint8_t)(pgoff + n);
	FL_TRACE("shmem %d: punch pages %d..%d", obj, pgoff, pgoff + n - 1);
	fl_unmap_mapping_pages(t, obj, pgoff, n, false);
	for (int i = pgoff; i < pgoff + n; i++)
		shmem_truncate_page(t, obj, i);
	fl_sim_yield(fl_obj_inode(obj), FL_ACC_W, "shmem_fallocate: i_private = NULL, wake_up_all");
	s->falloc_active = 0;
	s->falloc_seq++;
	fl_sim_yield(fl_obj_inode(obj), FL_ACC_REL, "inode_unlock");
	s->i_rwsem = 0;
	return 0;
}
