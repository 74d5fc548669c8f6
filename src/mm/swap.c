/* SPDX-License-Identifier: MIT */
/*
 * mm/swap.c - anonymous swap: the swap device and the swap cache (the
 * kernel's mm/swapfile.c and mm/swap_state.c), reclaim (mm/vmscan.c:
 * reclaim_pages, shrink_page_list, pageout, __remove_mapping) and
 * unmapping (mm/rmap.c: page_referenced, try_to_unmap), v5.8-v5.19.
 *
 * Swap-out goes through the swap cache, as in the kernel:
 *  - add_to_swap claims a slot and puts the page in the swap cache, which
 *    holds a page reference of its own: while a page is in the swap cache
 *    page_count is its mappings + 1 (+ transient references), which is
 *    what makes a v5.9+ do_wp_page copy it;
 *  - try_to_unmap replaces every PTE that maps the page by its swap entry
 *    (one swap_duplicate each), moving soft-dirty, uffd-wp and, in v5.19,
 *    exclusive over into the swap PTE, and flushes the TLBs;
 *  - pageout writes the page to its slot only if nothing but the isolation
 *    and the swap cache holds it (is_page_cache_freeable): a page with an
 *    extra reference (get_page, a pin) is unmapped but kept in the swap
 *    cache, unwritten;
 *  - __remove_mapping frees it only if page_ref_freeze(2) succeeds and it
 *    is still clean.
 * Swap-in is do_swap_page (memory.c) with lookup_swap_cache and
 * swapin_readahead here.
 *
 * The model has no rmap.  An anonymous page sits at the same virtual page
 * in every mm that maps it (fork copies at the same address, there is no
 * mremap), so an rmap walk visits that vpn in every mm, in mm order, and
 * stops once the mapcount says nothing is left, as rmap_walk's done() does.
 *
 * Simplifications (docs/model.md): try_to_unmap_one always takes the
 * ptep_clear_flush branch (no TTU_BATCH_FLUSH deferral, so no
 * flush_tlb_batched_pending either); the device is a disk written
 * synchronously while the page is still locked (no PG_writeback window, no
 * SWP_SYNCHRONOUS_IO path that skips the swap cache, no readahead); a slot
 * is claimed and its page added to the swap cache in one step, and deleted
 * and released in one step (so __read_swap_cache_async's -EEXIST busy-wait
 * becomes a retried lookup); swap is never "full" (mem_cgroup_swap_full()
 * is false) and nothing is mlocked, so nothing frees swap eagerly.
 *
 * Footprints: swap_map and the swap cache of the device are one object
 * (fl_obj_swap), the data of each slot another.  The swap cache lookup is
 * lockless, as find_get_page is: read the slot, then take a reference and
 * recheck in one step (get_page_unless_zero + xas_reload).  Everything
 * else runs under the page lock where the kernel holds it.
 */
#include <errno.h>
#include <string.h>

#include "mm/mm.h"

static int8_t lock_owner_of(const struct fl_task *t)
{
	return (int8_t)(t->tid >= 0 ? t->tid + 1 : -1);
}

static bool slot_free(const struct fl_swap_slot *s)
{
	return !s->count && !s->cache;
}

/* --- the swap cache and swap_map (swap_state.c, swapfile.c) -------------- */

/*
 * __delete_from_swap_cache + put_swap_page, inside a step the caller
 * announced (the page and fl_obj_swap, written).  The cache's page
 * reference is the caller's to drop.
 */
static void delete_from_swap_cache_state(int pfn)
{
	struct fl_page *p = &fl_mm.page[pfn];

	fl_mm.swap[(int)p->private].cache = 0;	/* SWAP_HAS_CACHE goes: the slot is free if count is 0 */
	p->flags &= (uint16_t)~PG_swapcache;
	p->private = 0;
}

/* delete_from_swap_cache, then page_ref_sub of the cache's reference.  Page locked. */
static void delete_from_swap_cache(int pfn)
{
	struct fl_footprint fp = { 0 };
	int slot;

	fl_fp_add(&fp, fl_obj_page(pfn), FL_ACC_W);
	fl_fp_add(&fp, fl_obj_swap(), FL_ACC_W);
	fl_sim_yield_fp(&fp, NULL, NULL, "delete_from_swap_cache");
	slot = fl_mm.page[pfn].private;
	delete_from_swap_cache_state(pfn);
	FL_TRACE("pfn %d leaves the swap cache of slot %d%s", pfn, slot,
		 slot_free(&fl_mm.swap[slot]) ? " (slot freed)" : "");
	fl_put_page_refs(pfn, 1, "delete_from_swap_cache");
}

/*
 * find_get_page on the swap cache: read the slot, then take a reference
 * speculatively and recheck that the page is still the slot's, retrying if
 * it left meanwhile.  Returns the pfn with a reference, or -1; *count gets
 * the slot's swap count as first read.
 */
static int find_get_page(int slot, int *count)
{
	for (;;) {
		struct fl_footprint fp = { 0 };
		int c;

		fl_sim_yield(fl_obj_swap(), FL_ACC_R, "find_get_page");
		c = fl_mm.swap[slot].cache;
		if (count)
			*count = fl_mm.swap[slot].count;
		if (!c)
			return -1;
		fl_fp_add(&fp, fl_obj_swap(), FL_ACC_R);
		fl_fp_add(&fp, fl_obj_page(c - 1), FL_ACC_W);
		fl_sim_yield_fp(&fp, NULL, NULL, "page_cache_get_speculative");
		if (fl_mm.swap[slot].cache == c) {
			fl_mm.page[c - 1].refcount++;
			return c - 1;
		}
		FL_TRACE_AS("find_get_page", "slot %d: pfn %d left the swap cache meanwhile: look again", slot, c - 1);
	}
}

int fl_lookup_swap_cache(struct fl_task *t, int slot)
{
	int pfn = find_get_page(slot, NULL);

	(void)t;
	if (pfn >= 0)
		FL_TRACE("slot %d: pfn %d, refcount %d", slot, pfn, fl_mm.page[pfn].refcount);
	else
		FL_TRACE("slot %d: not in the swap cache", slot);
	return pfn;
}

/*
 * swapin_readahead, without the readahead: read_swap_cache_async.
 * __read_swap_cache_async finds the page in the swap cache, or allocates
 * one, claims SWAP_HAS_CACHE (swapcache_prepare) and adds it to the swap
 * cache locked; swap_readpage then reads the slot and unlocks the page at
 * the end of the I/O.  Returns the page with a reference, or -1 when the
 * slot was freed meanwhile (the swap PTE is gone: the caller backs off) or
 * memory ran out.
 */
int fl_swapin_readahead(struct fl_task *t, int slot)
{
	struct fl_swap_slot *s = &fl_mm.swap[slot];
	struct fl_footprint fp = { 0 };
	int pfn, count;

	for (;;) {
		bool exists;

		pfn = find_get_page(slot, &count);
		if (pfn >= 0) {
			FL_TRACE_AS("read_swap_cache_async", "slot %d: pfn %d is in the swap cache now", slot, pfn);
			return pfn;
		}
		if (!count) {
			FL_TRACE_AS("read_swap_cache_async", "slot %d: no longer in use", slot);
			return -1;
		}
		pfn = fl_alloc_page(t);
		if (pfn < 0)
			return -1;
		fp.n = 0;
		fl_fp_add(&fp, fl_obj_swap(), FL_ACC_W);
		fl_fp_add(&fp, fl_obj_page(pfn), FL_ACC_W);
		fl_fp_add(&fp, fl_obj_pagelock(pfn), FL_ACC_TRY);
		fl_sim_yield_fp(&fp, NULL, NULL, "swapcache_prepare");
		if (!s->cache && s->count) {
			struct fl_page *p = &fl_mm.page[pfn];

			/* __SetPageLocked, __SetPageSwapBacked, add_to_swap_cache */
			s->cache = (int8_t)(pfn + 1);
			p->flags |= PG_locked | PG_swapcache;
			p->lock_owner = lock_owner_of(t);
			p->private = (int8_t)slot;
			p->refcount++;
			FL_TRACE_AS("__read_swap_cache_async", "slot %d: pfn %d locked, in the swap cache (refcount %d)",
				    slot, pfn, p->refcount);
			break;
		}
		exists = s->cache != 0;
		FL_TRACE_AS("__read_swap_cache_async", "slot %d: %s; drop pfn %d", slot,
			    exists ? "-EEXIST, added by somebody else" : "swap entry freed", pfn);
		fl_put_page(pfn);
		if (!exists)
			return -1;
	}
	fp.n = 0;
	fl_fp_add(&fp, fl_obj_swap_slot(slot), FL_ACC_R);
	fl_fp_add(&fp, fl_obj_frame(pfn), FL_ACC_W);
	fl_sim_yield_fp(&fp, NULL, NULL, "swap_readpage");
	memcpy(fl_hw.frame[pfn].w, s->w, sizeof(s->w));
	memcpy(fl_hw.frame[pfn].tag, s->tag, sizeof(s->tag));
	FL_TRACE_AS("swap_readpage", "slot %d read into pfn %d", slot, pfn);
	fl_unlock_page(t, pfn);	/* end of the read I/O */
	return pfn;
}

void fl_swap_duplicate(int slot)
{
	struct fl_swap_slot *s = &fl_mm.swap[slot];

	fl_sim_yield(fl_obj_swap(), FL_ACC_W, "swap_duplicate");
	FL_BUG_ON(slot_free(s), "swap_duplicate of a free slot");
	s->count++;
	FL_TRACE("slot %d: swap count %d", slot, s->count);
}

void fl_swap_free(int slot)
{
	struct fl_swap_slot *s = &fl_mm.swap[slot];

	fl_sim_yield(fl_obj_swap(), FL_ACC_W, "swap_free");
	FL_BUG_ON(!s->count, "swap_free of an unused swap entry");
	s->count--;
	FL_TRACE("slot %d: swap count %d%s", slot, s->count, slot_free(s) ? " (slot freed)" : "");
}

/*
 * try_to_free_swap: once no swap PTE refers to the slot, the page leaves
 * the swap cache and the slot is freed; the page is then the only copy of
 * the data, so it is dirty.  Page locked.
 */
bool fl_try_to_free_swap(int pfn)
{
	struct fl_page *p = &fl_mm.page[pfn];
	struct fl_footprint fp = { 0 };
	int slot;

	fl_fp_add(&fp, fl_obj_page(pfn), FL_ACC_W);
	fl_fp_add(&fp, fl_obj_swap(), FL_ACC_W);
	fl_sim_yield_fp(&fp, NULL, NULL, "try_to_free_swap");
	if (!(p->flags & PG_swapcache))
		return false;
	slot = p->private;
	if (fl_mm.swap[slot].count) {	/* page_swapped() */
		FL_TRACE("pfn %d: slot %d still has %d swap PTE%s", pfn, slot, fl_mm.swap[slot].count,
			 fl_mm.swap[slot].count == 1 ? "" : "s");
		return false;
	}
	delete_from_swap_cache_state(pfn);
	p->flags |= PG_dirty;
	FL_TRACE("pfn %d leaves the swap cache, slot %d freed; page dirty", pfn, slot);
	fl_put_page_refs(pfn, 1, "delete_from_swap_cache");
	return true;
}

/*
 * reuse_swap_page (v5.8-v5.17, gone in v5.18): may the faulting task write
 * to the page without copying it?  Yes iff its mappings plus the swap PTEs
 * of its slot come to at most 1 (page_trans_huge_map_swapcount): extra
 * page references, the swap cache's included, do not count.  If the count
 * is exactly 1 the page leaves the swap cache and becomes dirty: the slot
 * would be stale from now on.  Page locked.
 */
bool fl_reuse_swap_page(int pfn)
{
	struct fl_page *p = &fl_mm.page[pfn];
	struct fl_footprint fp = { 0 };
	bool swapcache;
	int swapcount, count;

	fl_fp_add(&fp, fl_obj_page(pfn), FL_ACC_R);
	fl_fp_add(&fp, fl_obj_swap(), FL_ACC_R);
	fl_sim_yield_fp(&fp, NULL, NULL, "reuse_swap_page");
	swapcache = p->flags & PG_swapcache;
	swapcount = swapcache ? fl_mm.swap[(int)p->private].count : 0;
	count = p->mapcount + swapcount;
	FL_TRACE("pfn %d: mapcount %d + swapcount %d%s", pfn, p->mapcount, swapcount,
		 count == 1 && swapcache ? ": ours alone, leaves the swap cache" : "");
	if (count == 1 && swapcache) {
		delete_from_swap_cache(pfn);
		fl_page_set_flags(pfn, PG_dirty, 0);
	}
	return count <= 1;
}

/*
 * free_swap_and_cache (zap_pte_range): drop a swap PTE's reference to the
 * slot.  If only the swap cache holds the slot now, and nothing maps the
 * page, free it from the cache too (__try_to_reclaim_swap with
 * TTRS_UNMAPPED); the caller holds the PTL, so only trylock_page.
 */
void fl_free_swap_and_cache(struct fl_task *t, int slot)
{
	struct fl_swap_slot *s = &fl_mm.swap[slot];
	int pfn;

	fl_sim_yield(fl_obj_swap(), FL_ACC_W, "free_swap_and_cache");
	FL_BUG_ON(!s->count, "free_swap_and_cache of an unused swap entry");
	s->count--;
	FL_TRACE("slot %d: swap count %d%s", slot, s->count, slot_free(s) ? " (slot freed)" : "");
	if (s->count || !s->cache)
		return;
	pfn = find_get_page(slot, NULL);
	if (pfn < 0)
		return;
	if (fl_trylock_page(t, pfn)) {
		if (!fl_page_mapcount(pfn))
			fl_try_to_free_swap(pfn);
		fl_unlock_page(t, pfn);
	} else {
		FL_TRACE_AS("__try_to_reclaim_swap", "pfn %d is locked: left in the swap cache", pfn);
	}
	fl_put_page(pfn);
}

/*
 * free_swap_cache: what free_pages_and_swap_cache does to each page the
 * mmu_gather frees, before dropping the reference.  Without a swap device
 * no page is ever in the swap cache, and the check is skipped.
 */
void fl_free_swap_cache(struct fl_task *t, int pfn)
{
	bool candidate;

	if (!fl_mm.swapon || pfn < 0)
		return;
	fl_sim_yield(fl_obj_page(pfn), FL_ACC_R, "free_swap_cache");
	candidate = (fl_mm.page[pfn].flags & PG_swapcache) && !fl_mm.page[pfn].mapcount;
	if (!candidate || !fl_trylock_page(t, pfn))
		return;
	fl_try_to_free_swap(pfn);
	fl_unlock_page(t, pfn);
}

/* --- reclaim (vmscan.c) and unmapping (rmap.c) ---------------------------- */

/* isolate_lru_page: take the page off the LRU, with a reference. */
bool fl_isolate_lru_page(int pfn)
{
	struct fl_page *p = &fl_mm.page[pfn];

	fl_sim_yield(fl_obj_page(pfn), FL_ACC_W, "isolate_lru_page");
	if (p->flags & PG_isolated) {
		FL_TRACE("pfn %d: already isolated", pfn);
		return false;
	}
	p->flags |= PG_isolated;
	p->refcount++;
	FL_TRACE("pfn %d: refcount %d", pfn, p->refcount);
	return true;
}

static void putback_lru_page(int pfn)
{
	fl_page_set_flags(pfn, 0, PG_isolated);
	fl_put_page_refs(pfn, 1, "putback_lru_page");	/* the isolation's reference */
}

/*
 * page_referenced (page_check_references): test and clear the young bit
 * of every PTE that maps the page, without a flush (x86
 * ptep_clear_flush_young).  A page referenced since madvise made its PTE
 * old is kept (PAGEREF_KEEP or _ACTIVATE).  Page locked.
 */
static int page_referenced(struct fl_task *t, int pfn, int vpn)
{
	int mapcount = fl_page_mapcount(pfn), referenced = 0;

	for (int mm = 0; mm < FL_MAX_MM && mapcount > 0; mm++) {
		pte_t pte;

		fl_pte_lock(t, mm, vpn);
		pte = fl_ptep_get(mm, vpn);
		if (pte_present(pte) && !pte_special(pte) && (int)pte_pfn(pte) == pfn) {
			mapcount--;
			if (fl_ptep_test_and_clear_young(mm, vpn)) {
				referenced++;
				FL_TRACE("P%d %s: young", mm, fl_va(vpn));
			}
		}
		fl_pte_unlock(t, mm, vpn);
	}
	return referenced;
}

/* page_try_share_anon_rmap (v5.19): a maybe-pinned exclusive page must stay mapped. */
static int page_try_share_anon_rmap(int pfn)
{
	if (fl_page_maybe_dma_pinned(pfn))
		return -EBUSY;
	fl_page_set_flags(pfn, 0, PG_anon_exclusive);
	return 0;
}

/*
 * try_to_unmap_one for the PTE of @mm at @vpn, if it maps the page:
 * clear and flush it (ptep_clear_flush), move the dirty bit to the page,
 * take a swap count for the entry and install it with the PTE's
 * soft-dirty and uffd-wp bits, and (v5.19) the exclusive bit if the page
 * was exclusive, which it stops being (page_try_share_anon_rmap: not if
 * it may be pinned; the PTE is then restored and the unmap fails).
 * Returns false when the walk must stop.  Page locked.
 */
static bool try_to_unmap_one(struct fl_task *t, int pfn, int mm, int vpn, int slot)
{
	bool anon_exclusive = false, ret = true;
	pte_t pte, pteval, swp_pte;

	fl_pte_lock(t, mm, vpn);
	pte = fl_ptep_get(mm, vpn);
	if (!pte_present(pte) || pte_special(pte) || (int)pte_pfn(pte) != pfn)
		goto out;	/* page_vma_mapped_walk: not mapped here */
	if (FL_POL(COW_REUSE) == FL_COW_REUSE_ANON_EXCLUSIVE)
		anon_exclusive = fl_page_flags(pfn) & PG_anon_exclusive;
	pteval = fl_ptep_get_and_clear(mm, vpn);
	fl_flush_tlb_page(t, mm, vpn);
	/* Move the dirty bit to the page.  Now the pte is gone. */
	if (pte_dirty(pteval))
		fl_page_set_flags(pfn, PG_dirty, 0);
	if (!slot) {
		/*
		 * A shmem (file) page: the PTE stays none, and the next
		 * fault finds the page (or its swap entry) in the page cache.
		 */
		fl_shmem_unmap_pte(t, mm, vpn, pteval);
		FL_TRACE("P%d %s: shmem pfn %d unmapped", mm, fl_va(vpn), pfn);
		fl_page_remove_rmap(pfn);
		fl_put_page(pfn);
		goto out;
	}
	fl_swap_duplicate(slot);
	if (anon_exclusive && page_try_share_anon_rmap(pfn)) {
		fl_swap_free(slot);
		fl_set_pte_at(mm, vpn, pteval);
		FL_TRACE("P%d %s: pfn %d may be pinned: stays mapped", mm, fl_va(vpn), pfn);
		ret = false;
		goto out;
	}
	swp_pte = swp_entry_to_pte((uint32_t)slot);
	if (anon_exclusive)
		swp_pte = pte_swp_mkexclusive(swp_pte);
	if (pte_soft_dirty(pteval))
		swp_pte = pte_swp_mksoft_dirty(swp_pte);
	if (pte_uffd_wp(pteval))
		swp_pte = pte_swp_mkuffd_wp(swp_pte);
	fl_set_pte_at(mm, vpn, swp_pte);
	FL_TRACE("P%d %s: pfn %d -> swap slot %d%s%s%s", mm, fl_va(vpn), pfn, slot,
		 pte_swp_soft_dirty(swp_pte) ? ", soft-dirty" : "", pte_swp_uffd_wp(swp_pte) ? ", uffd-wp" : "",
		 pte_swp_exclusive(swp_pte) ? ", exclusive" : "");
	fl_page_remove_rmap(pfn);
	fl_put_page(pfn);
out:
	fl_pte_unlock(t, mm, vpn);
	return ret;
}

/*
 * try_to_unmap: walk every mm at @vpn.  True when no PTE maps the page any
 * more.  Page locked; @slot is its swap entry (page_private), 0 for a
 * shmem page (whose PTEs just go).
 */
static bool try_to_unmap(struct fl_task *t, int pfn, int vpn, int slot)
{
	for (int mm = 0; mm < FL_MAX_MM; mm++) {
		if (!try_to_unmap_one(t, pfn, mm, vpn, slot))
			break;
		if (!fl_page_mapcount(pfn))	/* rmap_walk's done(): page_mapcount_is_zero */
			break;
	}
	return !fl_page_mapcount(pfn);
}

/*
 * folio_alloc_swap: get_swap_page claims a free slot, add_to_swap_cache
 * puts the page in the swap cache (one more page reference).  Page locked,
 * inside a step the caller announced (fl_obj_swap and the page, written).
 * Returns the slot, or 0 when there is no swap device.
 */
int fl_folio_alloc_swap(int pfn)
{
	struct fl_page *p = &fl_mm.page[pfn];

	if (!fl_mm.swapon)
		return 0;
	for (int slot = 1; slot < FL_SWAP_SLOTS; slot++) {
		struct fl_swap_slot *s = &fl_mm.swap[slot];

		if (!slot_free(s))
			continue;
		s->cache = (int8_t)(pfn + 1);
		p->private = (int8_t)slot;
		p->flags |= PG_swapcache;
		p->refcount++;
		FL_TRACE("pfn %d: slot %d, in the swap cache (refcount %d)", pfn, slot, p->refcount);
		return slot;
	}
	/*
	 * A full device keeps the page in the kernel too, but this device's
	 * size is the model's choice, not the host's: say so rather than
	 * show a page that a real swap device would have taken.
	 */
	fl_sim_limit("the swap device is full: the model has %d slots (FL_SWAP_SLOTS)", FL_SWAP_SLOTS - 1);
}

/* add_to_swap: folio_alloc_swap, then mark the page dirty (its slot is not written yet). */
static int add_to_swap(int pfn)
{
	struct fl_footprint fp = { 0 };
	int slot;

	fl_fp_add(&fp, fl_obj_swap(), FL_ACC_W);
	fl_fp_add(&fp, fl_obj_page(pfn), FL_ACC_W);
	fl_sim_yield_fp(&fp, NULL, NULL, "add_to_swap");
	slot = fl_folio_alloc_swap(pfn);
	if (slot)
		fl_mm.page[pfn].flags |= PG_dirty;
	return slot;
}

enum pageout_t { PAGE_KEEP, PAGE_ACTIVATE, PAGE_SUCCESS, PAGE_CLEAN };

/*
 * pageout -> swap_writepage.  Only a page that nothing but the isolation
 * and the swap cache holds is written (is_page_cache_freeable).  Page
 * locked; unlocked on PAGE_SUCCESS, as writepage unlocks it.
 */
static enum pageout_t pageout(struct fl_task *t, int pfn)
{
	struct fl_footprint fp = { 0 };
	int refs, slot;

	fl_sim_yield(fl_obj_page(pfn), FL_ACC_R, "is_page_cache_freeable");
	refs = fl_mm.page[pfn].refcount;
	if (refs != 2) {
		FL_TRACE("pfn %d: page_count %d, not only the isolation's and the swap cache's: PAGE_KEEP", pfn, refs);
		return PAGE_KEEP;
	}
	fl_page_set_flags(pfn, 0, PG_dirty);	/* clear_page_dirty_for_io */
	if ((fl_page_flags(pfn) & (PG_shmem | PG_swapcache)) == PG_shmem) {
		/* mapping->a_ops->writepage: shmem_writepage moves the page to the swap cache. */
		slot = fl_shmem_writepage(t, pfn);
		if (!slot)
			return PAGE_ACTIVATE;	/* redirtied, still locked */
	} else if (fl_try_to_free_swap(pfn)) {
		/* swap_writepage: nothing to write if no swap PTE needs the slot any more */
		fl_unlock_page(t, pfn);
		return PAGE_SUCCESS;
	}
	slot = fl_mm.page[pfn].private;
	fl_fp_add(&fp, fl_obj_frame(pfn), FL_ACC_R);
	fl_fp_add(&fp, fl_obj_swap_slot(slot), FL_ACC_W);
	fl_sim_yield_fp(&fp, NULL, NULL, "swap_writepage");
	memcpy(fl_mm.swap[slot].w, fl_hw.frame[pfn].w, sizeof(fl_mm.swap[slot].w));
	memcpy(fl_mm.swap[slot].tag, fl_hw.frame[pfn].tag, sizeof(fl_mm.swap[slot].tag));
	FL_TRACE_AS("swap_writepage", "pfn %d written to slot %d", pfn, slot);
	fl_unlock_page(t, pfn);	/* set_page_writeback, unlock_page; the write has completed */
	return PAGE_SUCCESS;
}

/*
 * __remove_mapping: under the swap cache lock, page_ref_freeze(2) (our
 * isolation reference and the swap cache's: nobody else may hold one) and
 * not dirty again; then the page leaves the swap cache and the slot keeps
 * the data.  Page locked.  The frozen page is then ours alone to free.
 */
static bool remove_mapping(int pfn)
{
	struct fl_page *p = &fl_mm.page[pfn];
	struct fl_footprint fp = { 0 };
	int slot;

	/* PG_shmem and PG_swapcache change only under the page lock, which we hold. */
	if ((p->flags & (PG_shmem | PG_swapcache)) == PG_shmem)
		return fl_shmem_remove_mapping(pfn);	/* a clean shmem page leaves its page cache */
	fl_fp_add(&fp, fl_obj_page(pfn), FL_ACC_W);
	fl_fp_add(&fp, fl_obj_swap(), FL_ACC_W);
	fl_sim_yield_fp(&fp, NULL, NULL, "__remove_mapping");
	slot = p->private;
	if (!(p->flags & PG_swapcache)) {
		FL_TRACE_AS("__remove_mapping", "pfn %d is no longer in the swap cache: keep", pfn);
		return false;
	}
	if (p->refcount != 2 || (p->flags & PG_dirty)) {
		FL_TRACE_AS("__remove_mapping", "pfn %d: %s: keep", pfn, p->refcount != 2 ? "page_ref_freeze(2) fails" : "dirty again");
		return false;
	}
	delete_from_swap_cache_state(pfn);
	p->refcount--;	/* the swap cache's reference; ours frees the page */
	FL_TRACE_AS("__remove_mapping", "pfn %d: page_ref_freeze(2), out of the swap cache; slot %d holds the data", pfn, slot);
	return true;
}

/*
 * shrink_page_list for one page isolated by MADV_PAGEOUT (reclaim_pages
 * passes ignore_references = false in these releases).  Returns true if
 * the page was freed; otherwise the caller puts it back on the LRU.
 */
static bool shrink_page(struct fl_task *t, int pfn, int vpn)
{
	unsigned flags;
	int slot;

	if (!fl_trylock_page(t, pfn)) {
		FL_TRACE_AS("shrink_page_list", "pfn %d is locked: keep", pfn);
		return false;
	}
	if (page_referenced(t, pfn, vpn)) {
		FL_TRACE_AS("shrink_page_list", "pfn %d referenced again: keep (page_check_references)", pfn);
		goto keep_locked;
	}
	flags = fl_page_flags(pfn);
	slot = fl_mm.page[pfn].private;		/* read in that step; stable under the page lock */
	if (!(flags & (PG_anon | PG_shmem)))
		goto keep_locked;
	if (flags & PG_shmem) {
		/* A page-cache page: unmapped to none PTEs; pageout hands it to shmem_writepage. */
		slot = (flags & PG_swapcache) ? slot : 0;
		if (fl_page_mapcount(pfn) && !try_to_unmap(t, pfn, vpn, 0)) {
			FL_TRACE_AS("shrink_page_list", "pfn %d: try_to_unmap failed", pfn);
			goto activate_locked;
		}
	} else if (!(flags & PG_swapcache)) {
		if (FL_POL(SWAP_SKIP_PINNED) && fl_page_maybe_dma_pinned(pfn)) {
			FL_TRACE_AS("shrink_page_list", "pfn %d may be pinned: not added to the swap cache", pfn);
			goto keep_locked;
		}
		slot = add_to_swap(pfn);
		if (!slot)
			goto activate_locked;
	}
	if (!(flags & PG_shmem) && fl_page_mapcount(pfn) && !try_to_unmap(t, pfn, vpn, slot)) {
		FL_TRACE_AS("shrink_page_list", "pfn %d: try_to_unmap failed", pfn);
		goto activate_locked;
	}
	if (fl_page_flags(pfn) & PG_dirty) {
		switch (pageout(t, pfn)) {
		case PAGE_KEEP:
		case PAGE_ACTIVATE:
			goto keep_locked;
		case PAGE_SUCCESS:
			/* A synchronous write: go ahead and try to reclaim the page. */
			if (fl_page_flags(pfn) & PG_dirty)
				goto keep;
			if (!fl_trylock_page(t, pfn))
				goto keep;
			if (fl_page_flags(pfn) & PG_dirty)
				goto keep_locked;
			break;
		case PAGE_CLEAN:
			break;
		}
	}
	if (!remove_mapping(pfn))
		goto keep_locked;
	fl_unlock_page(t, pfn);
	FL_TRACE_AS("shrink_page_list", "pfn %d reclaimed", pfn);
	fl_put_page_refs(pfn, 1, "free_unref_page_list");
	return true;
activate_locked:
	/* SetPageActive; swap is never full here, so no try_to_free_swap. */
keep_locked:
	fl_unlock_page(t, pfn);
keep:
	return false;
}

/*
 * reclaim_pages: shrink_page_list over the isolated pages, then put back
 * on the LRU those it kept.  @vpns[i] is where the caller found pfns[i]:
 * the rmap walks visit that address in every mm.
 */
void fl_reclaim_pages(struct fl_task *t, const int *pfns, const int *vpns, int n)
{
	bool kept[FL_PTES_PER_TABLE];

	FL_BUG_ON(n > FL_PTES_PER_TABLE, "reclaim_pages: more pages than one page table");
	for (int i = 0; i < n; i++)
		kept[i] = !shrink_page(t, pfns[i], vpns[i]);
	for (int i = 0; i < n; i++)
		if (kept[i])
			putback_lru_page(pfns[i]);
}

/*
 * After every process exited and the harness dropped its references:
 * free the swap cache pages that nothing maps and no swap PTE refers to,
 * as LRU reclaim would eventually (a free_swap_and_cache whose
 * trylock_page failed leaves such pages behind).
 */
void fl_swap_reclaim_orphans(void)
{
	for (int slot = 1; slot < FL_SWAP_SLOTS; slot++) {
		const struct fl_swap_slot *s = &fl_mm.swap[slot];
		int pfn = s->cache - 1;

		if (pfn < 0 || s->count || fl_mm.page[pfn].mapcount || (fl_mm.page[pfn].flags & PG_locked))
			continue;
		delete_from_swap_cache(pfn);
	}
}
