/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_hw.c - the simulated machine (hw/): TLBs, walks, flushes.
 *
 * State is set up directly in fl_hw (fl_hw_reset, then PTEs written into
 * fl_hw.pgtable with fl_hw.pte_gen), without the kernel layer, and every
 * user access goes through do_access(), which also checks that the
 * footprint fl_hw_access_footprint() announced beforehand has no side
 * effects and covers every object the access really changed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "hw/hw.h"

#define P	_PAGE_PRESENT
#define RW	_PAGE_RW
#define A	_PAGE_ACCESSED
#define D	_PAGE_DIRTY

static int setup4(void **state)
{
	(void)state;
	fl_hw_reset(4);
	return 0;
}

/* Map @vpn of @mm to @pfn as the kernel's set_pte_at would (pte_gen = the frame's gen now). */
static void map(int mm, int vpn, uint32_t pfn, uint32_t prot)
{
	fl_hw.pgtable[mm][vpn] = pfn_pte(pfn, prot);
	fl_hw.pte_gen[mm][vpn] = fl_hw.frame[pfn].gen;
}

static struct fl_uacc load(int cpu, int mm, int vpn, int word)
{
	return (struct fl_uacc){ .cpu = cpu, .mm = mm, .vpn = vpn, .word = word };
}

static struct fl_uacc store(int cpu, int mm, int vpn, int word, uint64_t val, uint32_t tag)
{
	return (struct fl_uacc){ .cpu = cpu, .mm = mm, .vpn = vpn, .word = word, .write = true,
				 .val = val, .tag = tag };
}

/* --- footprint helpers ------------------------------------------------ */

/* Access bits recorded for @obj in @fp, 0 if absent. */
static unsigned fp_acc(const struct fl_footprint *fp, uint32_t obj)
{
	for (int i = 0; i < fp->n; i++)
		if (FL_FPE_OBJ(fp->e[i]) == obj)
			return FL_FPE_ACC(fp->e[i]);
	return 0;
}

static void print_fp(const struct fl_footprint *fp)
{
	for (int i = 0; i < fp->n; i++)
		print_message("  obj type %u idx %u acc %u\n", FL_OBJ_TYPE(FL_FPE_OBJ(fp->e[i])),
			      FL_OBJ_IDX(FL_FPE_OBJ(fp->e[i])), FL_FPE_ACC(fp->e[i]));
}

static struct fl_hw before;

/*
 * Run @a as one access.  Checks, around it:
 *  - computing the footprint changes nothing in fl_hw;
 *  - the footprint reads the CPU's TLB, names only this CPU's TLB, this
 *    PTE and the frame actually accessed;
 *  - every TLB, PTE or frame that changed is in it with a write;
 *  - a completed access names its frame (W for a store, R for a load),
 *    a fault names no frame.
 * Returns the result; *fp_out (if given) gets the footprint.
 */
static enum fl_uacc_result do_access(struct fl_uacc *a, struct fl_footprint *fp_out)
{
	struct fl_footprint fp = { 0 };
	enum fl_uacc_result r;
	uint32_t tlb = fl_obj_tlb(a->cpu), pte = FL_OBJ_PTE(a->mm, a->vpn);

	before = fl_hw;
	fl_hw_access_footprint(a, &fp);
	assert_memory_equal(&before, &fl_hw, sizeof(fl_hw));	/* no side effects */

	r = fl_hw_access(a);

	assert_true(fp_acc(&fp, tlb) & FL_ACC_R);
	for (int c = 0; c < FL_MAX_CPUS; c++)
		if (memcmp(&before.cpu[c], &fl_hw.cpu[c], sizeof(fl_hw.cpu[c])))
			assert_true(fp_acc(&fp, fl_obj_tlb(c)) & FL_ACC_W);
	for (int m = 0; m < FL_MAX_MM; m++)
		for (int v = 0; v < FL_VPNS; v++)
			if (before.pgtable[m][v] != fl_hw.pgtable[m][v] ||
			    before.pte_gen[m][v] != fl_hw.pte_gen[m][v])
				assert_true(fp_acc(&fp, FL_OBJ_PTE(m, v)) & FL_ACC_W);
	for (int f = 0; f < FL_MAX_FRAMES; f++)
		if (memcmp(&before.frame[f], &fl_hw.frame[f], sizeof(fl_hw.frame[f])))
			assert_true(fp_acc(&fp, fl_obj_frame((uint32_t)f)) & FL_ACC_W);
	for (int i = 0; i < fp.n; i++) {
		uint32_t o = FL_FPE_OBJ(fp.e[i]);
		bool ok = o == tlb || o == pte || (r == FL_UACC_DONE && o == fl_obj_frame(a->pfn));

		if (!ok) {
			print_fp(&fp);
			fail_msg("footprint names an object the access did not touch");
		}
	}
	if (r == FL_UACC_DONE) {
		assert_int_equal(fp_acc(&fp, fl_obj_frame(a->pfn)), a->write ? FL_ACC_W : FL_ACC_R);
	} else {
		for (int i = 0; i < fp.n; i++)
			assert_int_not_equal(FL_OBJ_TYPE(FL_FPE_OBJ(fp.e[i])), FL_OT_FRAME);
		assert_true(fp_acc(&fp, pte) & FL_ACC_R);
	}
	if (fp_out)
		*fp_out = fp;
	return r;
}

/* ====================================================================== */

static void test_miss_walks_and_fills(void **state)
{
	struct fl_uacc a;
	struct fl_tlbe *e;

	(void)state;
	fl_hw.frame[3].w[2] = 42;
	fl_hw.frame[3].tag[2] = 7;
	map(0, 5, 3, P | RW);

	/* Load miss: walk, set the accessed bit (not dirty), fill a clean writable entry. */
	assert_null(fl_tlb_find(0, 0, 5));
	a = load(0, 0, 5, 2);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_false(a.tlb_hit);
	assert_int_equal(a.rval, 42);
	assert_int_equal(a.rtag, 7);
	assert_int_equal(a.pfn, 3);
	assert_false(a.pte_dirtied);
	assert_false(a.stale_gen);
	assert_int_equal(fl_hw.pgtable[0][5], pfn_pte(3, P | RW | A));
	e = fl_tlb_find(0, 0, 5);
	assert_non_null(e);
	assert_int_equal(e->pfn, 3);
	assert_int_equal(e->writable, 1);
	assert_int_equal(e->dirty, 0);
	assert_int_equal(e->gen, fl_hw.frame[3].gen);
	assert_null(fl_tlb_find(1, 0, 5));	/* other CPUs untouched */

	/* The next load hits. */
	a = load(0, 0, 5, 2);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_true(a.tlb_hit);
	assert_int_equal(a.rval, 42);

	/* Store miss on cpu1: the walk sets the hardware dirty bit, not soft-dirty. */
	a = store(1, 0, 5, 0, 99, 11);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_false(a.tlb_hit);
	assert_true(a.pte_dirtied);
	assert_true(pte_dirty(fl_hw.pgtable[0][5]));
	assert_false(pte_soft_dirty(fl_hw.pgtable[0][5]));
	assert_int_equal(fl_hw.pgtable[0][5], pfn_pte(3, P | RW | A | D));
	assert_int_equal(fl_hw.frame[3].w[0], 99);
	assert_int_equal(fl_hw.frame[3].tag[0], 11);
	e = fl_tlb_find(1, 0, 5);
	assert_non_null(e);
	assert_int_equal(e->dirty, 1);
	assert_int_equal(e->writable, 1);

	/* A non-present PTE: the walk faults and fills nothing. */
	a = load(0, 0, 6, 0);
	assert_int_equal(do_access(&a, NULL), FL_UACC_FAULT);
	assert_null(fl_tlb_find(0, 0, 6));
	assert_int_equal(fl_hw.pgtable[0][6], 0);

	/* PROT_NONE is pte_present() for the kernel but not walkable. */
	fl_hw.pgtable[0][6] = pfn_pte(4, _PAGE_PROTNONE);
	a = load(0, 0, 6, 0);
	assert_int_equal(do_access(&a, NULL), FL_UACC_FAULT);
	assert_null(fl_tlb_find(0, 0, 6));
	assert_int_equal(fl_hw.pgtable[0][6], pfn_pte(4, _PAGE_PROTNONE));

	/* A read-only PTE fills a read-only entry. */
	map(0, 7, 4, P);
	a = load(2, 0, 7, 0);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	e = fl_tlb_find(2, 0, 7);
	assert_non_null(e);
	assert_int_equal(e->writable, 0);

	/* Entries are tagged by mm: mm 1's vpn 5 is another translation. */
	fl_hw.frame[4].w[2] = 5;
	map(1, 5, 4, P | RW);
	a = load(0, 1, 5, 2);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_false(a.tlb_hit);
	assert_int_equal(a.pfn, 4);
	assert_int_equal(a.rval, 5);
	assert_int_equal(fl_tlb_find(0, 1, 5)->pfn, 4);
	assert_int_equal(fl_tlb_find(0, 0, 5)->pfn, 3);
}

static void test_hit_uses_stale_translation(void **state)
{
	struct fl_uacc a;

	(void)state;
	map(0, 5, 3, P | RW | A | D);
	a = store(0, 0, 5, 0, 1, 1);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);	/* fills cpu0: pfn 3, W, dirty */

	/* The kernel moves the page (COW copy) without flushing cpu0. */
	map(0, 5, 7, P | RW | A | D);
	a = store(0, 0, 5, 1, 99, 2);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_true(a.tlb_hit);
	assert_int_equal(a.pfn, 3);			/* the old frame */
	assert_int_equal(fl_hw.frame[3].w[1], 99);
	assert_int_equal(fl_hw.frame[3].tag[1], 2);
	assert_int_equal(fl_hw.frame[7].w[1], 0);	/* the new one never sees it */
	assert_int_equal(fl_hw.pgtable[0][5], pfn_pte(7, P | RW | A | D));

	/* Loads through the stale entry read the old frame too. */
	a = load(0, 0, 5, 1);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_true(a.tlb_hit);
	assert_int_equal(a.pfn, 3);
	assert_int_equal(a.rval, 99);

	/* Another CPU walks the current PTE. */
	a = load(1, 0, 5, 1);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_false(a.tlb_hit);
	assert_int_equal(a.pfn, 7);
	assert_int_equal(a.rval, 0);

	/* Even a cleared PTE does not stop a TLB hit. */
	fl_hw.pgtable[0][5] = 0;
	a = store(0, 0, 5, 2, 5, 3);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_true(a.tlb_hit);
	assert_int_equal(fl_hw.frame[3].w[2], 5);
	assert_int_equal(fl_hw.pgtable[0][5], 0);

	/* Only a flush makes cpu0 see the new translation. */
	map(0, 5, 7, P | RW | A | D);
	assert_int_equal(fl_tlb_flush_page_all(0, 5), 2);
	a = store(0, 0, 5, 3, 6, 4);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_false(a.tlb_hit);
	assert_int_equal(a.pfn, 7);
	assert_int_equal(fl_hw.frame[7].w[3], 6);
	assert_int_equal(fl_hw.frame[3].w[3], 0);
}

static void test_clean_writable_entry_sets_dirty(void **state)
{
	struct fl_uacc a;
	struct fl_tlbe *e;

	(void)state;
	map(0, 5, 3, P | RW | _PAGE_SOFT_DIRTY);
	a = load(0, 0, 5, 0);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);	/* writable, clean entry */
	e = fl_tlb_find(0, 0, 5);
	assert_int_equal(e->writable, 1);
	assert_int_equal(e->dirty, 0);
	assert_false(pte_dirty(fl_hw.pgtable[0][5]));

	a = store(0, 0, 5, 0, 8, 1);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_true(a.tlb_hit);
	assert_true(a.pte_dirtied);
	assert_int_equal(a.pfn, 3);
	assert_int_equal(fl_hw.frame[3].w[0], 8);
	assert_int_equal(fl_hw.pgtable[0][5], pfn_pte(3, P | RW | A | D | _PAGE_SOFT_DIRTY));
	e = fl_tlb_find(0, 0, 5);
	assert_non_null(e);
	assert_int_equal(e->dirty, 1);

	/* Now dirty: the next store is a plain hit and does not touch the PTE. */
	a = store(0, 0, 5, 1, 9, 2);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_true(a.tlb_hit);
	assert_false(a.pte_dirtied);

	/* Hardware dirtying never sets soft-dirty: a soft-clean PTE stays soft-clean. */
	map(0, 6, 4, P | RW);
	a = load(1, 0, 6, 0);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	a = store(1, 0, 6, 0, 1, 3);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_true(a.pte_dirtied);
	assert_true(pte_dirty(fl_hw.pgtable[0][6]));
	assert_false(pte_soft_dirty(fl_hw.pgtable[0][6]));
}

static void test_clean_entry_rechecks_pte(void **state)
{
	struct fl_uacc a;
	pte_t wp;

	(void)state;
	/* (1) PTE write-protected since the fill (clear_refs without a flush): fault. */
	map(0, 5, 3, P | RW);
	a = load(0, 0, 5, 0);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	wp = pte_wrprotect(fl_hw.pgtable[0][5]);
	fl_hw.pgtable[0][5] = wp;
	a = store(0, 0, 5, 0, 77, 1);
	assert_int_equal(do_access(&a, NULL), FL_UACC_FAULT);
	assert_true(a.tlb_hit);
	assert_false(a.pte_dirtied);
	assert_null(fl_tlb_find(0, 0, 5));		/* the local entry is gone */
	assert_int_equal(fl_hw.pgtable[0][5], wp);	/* no dirty bit set */
	assert_int_equal(fl_hw.frame[3].w[0], 0);	/* nothing stored */

	/* (2) PTE cleared since the fill: fault, entry dropped. */
	map(0, 6, 4, P | RW);
	a = load(0, 0, 6, 0);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	fl_hw.pgtable[0][6] = 0;
	a = store(0, 0, 6, 0, 1, 2);
	assert_int_equal(do_access(&a, NULL), FL_UACC_FAULT);
	assert_null(fl_tlb_find(0, 0, 6));
	assert_int_equal(fl_hw.frame[4].w[0], 0);

	/* (3) PTE now maps another frame writable: the entry is dropped and the access re-walks. */
	map(0, 7, 5, P | RW);
	a = load(0, 0, 7, 0);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	map(0, 7, 9, P | RW);
	a = store(0, 0, 7, 0, 5, 3);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_int_equal(a.pfn, 9);
	assert_int_equal(fl_hw.frame[9].w[0], 5);
	assert_int_equal(fl_hw.frame[5].w[0], 0);
	assert_int_equal(fl_tlb_find(0, 0, 7)->pfn, 9);
	assert_int_equal(fl_tlb_find(0, 0, 7)->dirty, 1);
	assert_true(pte_dirty(fl_hw.pgtable[0][7]));
}

static void test_write_readonly_pte_faults(void **state)
{
	struct fl_uacc a;

	(void)state;
	map(0, 5, 3, P | A);
	a = load(0, 0, 5, 0);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	a = load(1, 0, 5, 0);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_int_equal(fl_tlb_find(0, 0, 5)->writable, 0);

	/* Store through a read-only entry: fault; x86 drops the local entry only. */
	a = store(0, 0, 5, 0, 4, 1);
	assert_int_equal(do_access(&a, NULL), FL_UACC_FAULT);
	assert_true(a.tlb_hit);
	assert_null(fl_tlb_find(0, 0, 5));
	assert_non_null(fl_tlb_find(1, 0, 5));
	assert_int_equal(fl_hw.frame[3].w[0], 0);
	assert_int_equal(fl_hw.pgtable[0][5], pfn_pte(3, P | A));

	/* Store miss on a read-only PTE: fault, nothing filled. */
	a = store(2, 0, 5, 0, 4, 2);
	assert_int_equal(do_access(&a, NULL), FL_UACC_FAULT);
	assert_false(a.tlb_hit);
	assert_null(fl_tlb_find(2, 0, 5));

	/* A dirty but read-only entry does not allow a store either. */
	map(0, 6, 4, P | A | D);
	a = load(0, 0, 6, 0);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_int_equal(fl_tlb_find(0, 0, 6)->dirty, 1);
	a = store(0, 0, 6, 0, 4, 3);
	assert_int_equal(do_access(&a, NULL), FL_UACC_FAULT);
	assert_null(fl_tlb_find(0, 0, 6));

	/* The kernel grants write (do_wp_page reuse): the retried store walks and lands. */
	map(0, 5, 3, P | RW | A | D);
	a = store(0, 0, 5, 0, 4, 4);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_false(a.tlb_hit);
	assert_int_equal(fl_hw.frame[3].w[0], 4);
	/*
	 * cpu1 still has its old read-only entry.  A permission miss drops it
	 * and walks (x86 may raise a spurious fault instead; the model walks at
	 * once): the store lands, and cpu1 now caches the writable translation.
	 */
	assert_int_equal(fl_tlb_find(1, 0, 5)->writable, 0);
	a = store(1, 0, 5, 1, 6, 5);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_true(a.tlb_hit);
	assert_int_equal(a.pfn, 3);
	assert_int_equal(fl_hw.frame[3].w[1], 6);
	assert_int_equal(fl_tlb_find(1, 0, 5)->writable, 1);
	assert_int_equal(fl_tlb_find(1, 0, 5)->dirty, 1);
}

static void test_flushes(void **state)
{
	struct fl_footprint fp = { 0 };

	(void)state;
	for (int c = 0; c < 4; c++) {
		fl_tlb_fill(c, 0, 5, pfn_pte(3, P | RW));
		fl_tlb_fill(c, 0, 6, pfn_pte(4, P | RW));
		fl_tlb_fill(c, 1, 5, pfn_pte(5, P | RW));
	}
	/* Broadcast: every CPU loses (mm 0, vpn 5); nothing else goes. */
	assert_int_equal(fl_tlb_flush_page_all(0, 5), 4);
	for (int c = 0; c < 4; c++) {
		assert_null(fl_tlb_find(c, 0, 5));
		assert_non_null(fl_tlb_find(c, 0, 6));
		assert_non_null(fl_tlb_find(c, 1, 5));
	}
	assert_int_equal(fl_tlb_flush_page_all(0, 5), 0);

	/* The return value counts the CPUs that had an entry. */
	fl_tlb_fill(1, 0, 5, pfn_pte(3, P | RW));
	fl_tlb_fill(3, 0, 5, pfn_pte(3, P | RW));
	assert_int_equal(fl_tlb_flush_page_all(0, 5), 2);

	/* Local: only that CPU loses the entry. */
	fl_tlb_flush_page_local(2, 0, 6);
	assert_null(fl_tlb_find(2, 0, 6));
	assert_non_null(fl_tlb_find(0, 0, 6));
	assert_non_null(fl_tlb_find(1, 0, 6));
	assert_non_null(fl_tlb_find(3, 0, 6));
	assert_non_null(fl_tlb_find(2, 1, 5));		/* another mm, same vpn: kept */

	/* Range and mm flushes. */
	fl_tlb_fill(0, 0, 7, pfn_pte(6, P));
	assert_int_equal(fl_tlb_flush_range_all(0, 6, 7), 3);	/* cpus 0, 1, 3 had vpn 6 */
	assert_non_null(fl_tlb_find(0, 0, 7));
	assert_int_equal(fl_tlb_flush_mm_all(1), 4);
	for (int c = 0; c < 4; c++)
		assert_null(fl_tlb_find(c, 1, 5));
	assert_non_null(fl_tlb_find(0, 0, 7));

	/* The flush footprint writes every CPU's TLB. */
	fl_tlb_flush_footprint(&fp);
	assert_int_equal(fp.n, 4);
	for (int c = 0; c < 4; c++)
		assert_int_equal(fp_acc(&fp, fl_obj_tlb(c)), FL_ACC_W);

	/* A refill updates the one entry for (mm, vpn). */
	fl_tlb_fill(0, 0, 7, pfn_pte(8, P | RW | D));
	assert_int_equal(fl_tlb_find(0, 0, 7)->pfn, 8);
	assert_int_equal(fl_tlb_find(0, 0, 7)->writable, 1);
	fl_tlb_flush_page_local(0, 0, 7);
	assert_null(fl_tlb_find(0, 0, 7));
}

static void test_eviction(void **state)
{
	(void)state;
	for (int v = 0; v < FL_TLB_ENTRIES; v++)
		fl_tlb_fill(0, 0, 10 + v, pfn_pte(1 + (uint32_t)v, P));
	for (int v = 0; v < FL_TLB_ENTRIES; v++)
		assert_non_null(fl_tlb_find(0, 0, 10 + v));
	/* Full: the next fill silently evicts one entry (round robin, the oldest slot first). */
	fl_tlb_fill(0, 0, 30, pfn_pte(20, P));
	assert_non_null(fl_tlb_find(0, 0, 30));
	assert_null(fl_tlb_find(0, 0, 10));
	for (int v = 1; v < FL_TLB_ENTRIES; v++)
		assert_non_null(fl_tlb_find(0, 0, 10 + v));
	fl_tlb_fill(0, 0, 31, pfn_pte(21, P));
	assert_null(fl_tlb_find(0, 0, 11));
	assert_non_null(fl_tlb_find(0, 0, 30));
}

/* ====================================================================== */
/* Exact footprints of the access kinds. */

struct want {
	uint32_t obj;
	unsigned acc;
};

static void expect_fp(const struct fl_footprint *fp, const struct want *w, int n, const char *what)
{
	bool ok = fp->n == n;

	for (int i = 0; i < n && ok; i++)
		ok = fp_acc(fp, w[i].obj) == w[i].acc;
	if (!ok) {
		print_message("%s: got footprint\n", what);
		print_fp(fp);
		fail_msg("%s: footprint differs from the objects the access touches", what);
	}
}

static void test_footprint_exact(void **state)
{
	const uint32_t T0 = fl_obj_tlb(0), PTE = FL_OBJ_PTE(0, 5), F3 = fl_obj_frame(3), F7 = fl_obj_frame(7);
	const unsigned R = FL_ACC_R, W = FL_ACC_W;
	struct fl_footprint fp;
	struct fl_uacc a;

	(void)state;
	/* Miss load on a PTE without the accessed bit: TLB fill, PTE update, frame read. */
	map(0, 5, 3, P | RW);
	a = load(0, 0, 5, 0);
	assert_int_equal(do_access(&a, &fp), FL_UACC_DONE);
	expect_fp(&fp, (struct want[]){ { T0, R | W }, { PTE, W }, { F3, R } }, 3, "miss load, young bit set");

	/* Miss load, PTE already young: the PTE is only read. */
	fl_tlb_flush_page_local(0, 0, 5);
	a = load(0, 0, 5, 0);
	assert_int_equal(do_access(&a, &fp), FL_UACC_DONE);
	expect_fp(&fp, (struct want[]){ { T0, R | W }, { PTE, R }, { F3, R } }, 3, "miss load, young PTE");

	/* Hit load: TLB read + frame read. */
	a = load(0, 0, 5, 0);
	assert_int_equal(do_access(&a, &fp), FL_UACC_DONE);
	expect_fp(&fp, (struct want[]){ { T0, R }, { F3, R } }, 2, "hit load");

	/* Store through the clean writable entry: re-walk sets dirty. */
	a = store(0, 0, 5, 0, 1, 1);
	assert_int_equal(do_access(&a, &fp), FL_UACC_DONE);
	expect_fp(&fp, (struct want[]){ { T0, R | W }, { PTE, W }, { F3, W } }, 3, "store, clean entry");

	/* Hit store through a writable dirty entry: TLB read + frame write, nothing else. */
	a = store(0, 0, 5, 1, 2, 2);
	assert_int_equal(do_access(&a, &fp), FL_UACC_DONE);
	assert_true(a.tlb_hit);
	expect_fp(&fp, (struct want[]){ { T0, R }, { F3, W } }, 2, "TLB hit store");

	/* Stale hit store: names the cached frame, not the PTE's. */
	map(0, 5, 7, P | RW | A | D);
	a = store(0, 0, 5, 2, 3, 3);
	assert_int_equal(do_access(&a, &fp), FL_UACC_DONE);
	expect_fp(&fp, (struct want[]){ { T0, R }, { F3, W } }, 2, "stale TLB hit store");
	(void)F7;

	/* Miss store on a young, dirty PTE: PTE only read. */
	fl_tlb_flush_page_local(0, 0, 5);
	a = store(0, 0, 5, 0, 4, 4);
	assert_int_equal(do_access(&a, &fp), FL_UACC_DONE);
	expect_fp(&fp, (struct want[]){ { T0, R | W }, { PTE, R }, { F7, W } }, 3, "miss store, dirty PTE");

	/* Miss store on a clean PTE: PTE written (dirty bit). */
	fl_tlb_flush_page_local(0, 0, 5);
	map(0, 5, 7, P | RW | A);
	a = store(0, 0, 5, 0, 4, 5);
	assert_int_equal(do_access(&a, &fp), FL_UACC_DONE);
	expect_fp(&fp, (struct want[]){ { T0, R | W }, { PTE, W }, { F7, W } }, 3, "miss store, clean PTE");

	/* Fault on a missing PTE: TLB + PTE read, no frame. */
	fl_tlb_flush_page_local(0, 0, 5);
	fl_hw.pgtable[0][5] = 0;
	a = load(0, 0, 5, 0);
	assert_int_equal(do_access(&a, &fp), FL_UACC_FAULT);
	expect_fp(&fp, (struct want[]){ { T0, R | W }, { PTE, R } }, 2, "fault, no PTE");

	/* Store through a read-only entry: dropped (TLB write), walk faults on the PTE. */
	map(0, 5, 3, P | A);
	a = load(0, 0, 5, 0);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	a = store(0, 0, 5, 0, 4, 6);
	assert_int_equal(do_access(&a, &fp), FL_UACC_FAULT);
	expect_fp(&fp, (struct want[]){ { T0, R | W }, { PTE, R } }, 2, "store, read-only entry");
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Property: random machines and accesses; do_access() checks the footprint each time. */
static void test_footprint_random(void **state)
{
	uint64_t s = 0x2545f4914f6cdd1dull;
	static const uint32_t flag_choices[] = { 0, P, P | RW, P | A, P | RW | A, P | RW | D, P | RW | A | D,
						 P | D, _PAGE_PROTNONE, P | RW | _PAGE_SOFT_DIRTY };
	const int nflag = (int)(sizeof(flag_choices) / sizeof(flag_choices[0]));
	int done = 0, faults = 0, hits = 0;

	(void)state;
#define RND() xorshift(&s)
	for (int iter = 0; iter < 3000; iter++) {
		struct fl_uacc a;
		struct fl_tlbe *e;
		struct fl_tlbe saved = { 0 };
		bool had;
		enum fl_uacc_result r;

		if (iter % 50 == 0)
			fl_hw_reset(1 + (int)(RND() % 3));
		/* Perturb: change a PTE, bump a frame gen, fill or flush an entry. */
		switch (RND() % 4) {
		case 0:
			map((int)(RND() % 2), (int)(RND() % 3), 1 + (uint32_t)(RND() % 5),
			    flag_choices[RND() % (uint64_t)nflag]);
			break;
		case 1:
			fl_hw.frame[1 + RND() % 5].gen++;
			break;
		case 2:
			fl_tlb_fill((int)(RND() % (uint64_t)fl_hw.ncpus), (int)(RND() % 2), (int)(RND() % 3),
				    pfn_pte(1 + (uint32_t)(RND() % 5), flag_choices[1 + RND() % 7]));
			break;
		default:
			fl_tlb_flush_page_local((int)(RND() % (uint64_t)fl_hw.ncpus), (int)(RND() % 2), (int)(RND() % 3));
			break;
		}
		if (RND() % 2)
			a = load((int)(RND() % (uint64_t)fl_hw.ncpus), (int)(RND() % 2), (int)(RND() % 3), (int)(RND() % 8));
		else
			a = store((int)(RND() % (uint64_t)fl_hw.ncpus), (int)(RND() % 2), (int)(RND() % 3),
				  (int)(RND() % 8), RND(), (uint32_t)(RND() % 100));
		e = fl_tlb_find(a.cpu, a.mm, a.vpn);
		had = e != NULL;
		if (e)
			saved = *e;
		r = do_access(&a, NULL);
		assert_int_equal(a.tlb_hit, had);
		if (r == FL_UACC_DONE) {
			done++;
			if (had && (!a.write || (saved.writable && saved.dirty))) {
				/* A usable entry is used as is, whatever the PTE says. */
				hits++;
				assert_int_equal(a.pfn, saved.pfn);
				assert_int_equal(a.stale_gen, saved.gen != fl_hw.frame[saved.pfn].gen);
			}
			if (a.write)
				assert_int_equal(fl_hw.frame[a.pfn].w[a.word], a.val);
			/* After a completed access the CPU holds a usable entry for the address. */
			e = fl_tlb_find(a.cpu, a.mm, a.vpn);
			assert_non_null(e);
			assert_int_equal(e->pfn, a.pfn);
			if (a.write)
				assert_true(e->writable && e->dirty);
		} else {
			faults++;
			/* A fault leaves no entry behind for the address. */
			assert_null(fl_tlb_find(a.cpu, a.mm, a.vpn));
		}
	}
#undef RND
	/* The generator must exercise every path. */
	assert_true(done > 300);
	assert_true(faults > 300);
	assert_true(hits > 100);
}

/* ====================================================================== */

static void test_stale_gen(void **state)
{
	struct fl_uacc a;

	(void)state;
	map(0, 5, 3, P | RW | A | D);
	a = store(0, 0, 5, 0, 1, 1);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_false(a.stale_gen);
	assert_int_equal(fl_tlb_find(0, 0, 5)->gen, fl_hw.frame[3].gen);

	/* The frame is freed (gen bumped) while cpu0 keeps its entry. */
	fl_hw.frame[3].gen++;
	a = store(0, 0, 5, 1, 2, 2);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_true(a.tlb_hit);
	assert_true(a.stale_gen);
	assert_int_equal(a.pfn, 3);
	a = load(0, 0, 5, 1);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_true(a.stale_gen);

	/* A walk through a PTE set before the free is stale as well. */
	a = load(1, 0, 5, 0);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_false(a.tlb_hit);
	assert_true(a.stale_gen);

	/* Once the page is mapped afresh and the stale entry flushed, nothing is stale. */
	fl_tlb_flush_page_all(0, 5);
	map(0, 5, 3, P | RW | A | D);
	a = store(0, 0, 5, 0, 3, 3);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_false(a.stale_gen);
	a = store(0, 0, 5, 0, 4, 4);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_true(a.tlb_hit);
	assert_false(a.stale_gen);

	/* Another frame's free does not make this entry stale. */
	fl_hw.frame[4].gen++;
	a = load(0, 0, 5, 0);
	assert_int_equal(do_access(&a, NULL), FL_UACC_DONE);
	assert_false(a.stale_gen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_miss_walks_and_fills, setup4),
		cmocka_unit_test_setup(test_hit_uses_stale_translation, setup4),
		cmocka_unit_test_setup(test_clean_writable_entry_sets_dirty, setup4),
		cmocka_unit_test_setup(test_clean_entry_rechecks_pte, setup4),
		cmocka_unit_test_setup(test_write_readonly_pte_faults, setup4),
		cmocka_unit_test_setup(test_flushes, setup4),
		cmocka_unit_test_setup(test_eviction, setup4),
		cmocka_unit_test_setup(test_footprint_exact, setup4),
		cmocka_unit_test_setup(test_footprint_random, setup4),
		cmocka_unit_test_setup(test_stale_gen, setup4),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
