/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_mm.c - the kernel model (mm/), run sequentially.
 *
 * No simulated threads: with fl_sim.cur == -1 every announcement is a
 * no-op, so mm/ runs as plain sequential code.  Each test sets the machine
 * up through the litmus layer (a scenario with only an init block, parsed
 * with fl_parse_string and built by fl_interp_prepare under a preset),
 * then inspects fl_hw / fl_mm / fl_chk directly.  Where a before/after
 * comparison needs it, a test continues with direct calls into mm/ as the
 * init task (tid -1) would make them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "report/report.h"
#include "model_fixture.h"

static const struct fl_page *page_of(int mm, int vpn)
{
	return &fl_mm.page[pte_pfn(pte(mm, vpn))];
}

static const struct fl_vma *vma_at(int mm, int vpn)
{
	for (int i = 0; i < FL_MAX_VMAS; i++) {
		const struct fl_vma *v = &fl_mm.mm[mm].vma[i];

		if (v->used && vpn >= v->start && vpn < v->end)
			return v;
	}
	return NULL;
}

/* A user access as the init task of @mm on @cpu would make it (sequential). */
static struct fl_user_access user_access(int mm, int cpu, int vpn, int word, bool write, uint64_t val)
{
	struct fl_task t = { .tid = -1, .mm = mm, .cpu = cpu };
	struct fl_user_access ua = { .vpn = vpn, .word_off = word, .write = write, .val = val };

	fl_user_access(&t, &ua);
	return ua;
}


/* ====================================================================== */

static void test_write_fault_maps_new_page(void **state)
{
	static const char *const presets[] = { "v5.4", "v5.10", "latest" };

	(void)state;
	for (int i = 0; i < 3; i++) {
		pte_t p;
		const struct fl_page *pg;
		const struct fl_tlbe *e;

		prepare(presets[i],
			"A = mmap(1, anon rw)\n"
			"r0 = write(A+2, 5)\n");
		p = pte(0, VPN_A);
		assert_true(pte_present(p));
		assert_true(pte_write(p));
		assert_true(pte_dirty(p));
		assert_true(pte_soft_dirty(p));
		assert_true(pte_young(p));
		assert_false(pte_special(p));
		assert_int_not_equal(pte_pfn(p), FL_ZERO_PFN);
		pg = page_of(0, VPN_A);
		assert_int_equal(pg->refcount, 1);
		assert_int_equal(pg->mapcount, 1);
		assert_true(pg->flags & PG_anon);
		/* PageAnonExclusive exists only from v5.19 (latest). */
		assert_int_equal(!!(pg->flags & PG_anon_exclusive), i == 2);
		assert_int_equal(fl_pages_in_use(), 1);
		assert_false(fl_hw.frame[pte_pfn(p)].free);
		/* The page was zeroed, then the store landed. */
		for (int w = 0; w < FL_PAGE_WORDS; w++)
			assert_int_equal(fl_hw.frame[pte_pfn(p)].w[w], w == 2 ? 5 : 0);
		assert_int_equal(reg(0), 0);
		/* The retried store filled cpu0's TLB with a writable, dirty entry. */
		e = fl_tlb_find(0, 0, VPN_A);
		assert_non_null(e);
		assert_int_equal(e->pfn, pte_pfn(p));
		assert_true(e->writable && e->dirty);
		assert_true(vma_at(0, VPN_A)->anon_vma);
		assert_int_equal(fl_chk.found, 0);
		/* Untouched neighbours stay unmapped. */
		assert_true(pte_none(pte(0, VPN_A + 1)));
		assert_int_equal(finish(), 0);
	}
}

static void test_read_fault_maps_zero_page(void **state)
{
	pte_t p;
	int pfn;

	(void)state;
	prepare("v5.10",
		"A = mmap(1, anon rw)\n"
		"r0 = read(A+3)\n");
	p = pte(0, VPN_A);
	assert_true(pte_present(p));
	assert_int_equal(pte_pfn(p), FL_ZERO_PFN);
	assert_true(pte_special(p));
	assert_false(pte_write(p));
	assert_false(pte_dirty(p));
	assert_int_equal(reg(0), 0);
	assert_int_equal(fl_pages_in_use(), 0);
	assert_int_equal(fl_mm.page[FL_ZERO_PFN].refcount, 1);	/* special: no refcounting */
	assert_int_equal(fl_mm.page[FL_ZERO_PFN].mapcount, 0);
	assert_int_equal(fl_tlb_find(0, 0, VPN_A)->writable, 0);

	/* The first write replaces the zero page by a fresh zeroed page. */
	assert_false(user_access(0, 0, VPN_A, 4, true, 7).segv);
	p = pte(0, VPN_A);
	pfn = (int)pte_pfn(p);
	assert_int_not_equal(pfn, FL_ZERO_PFN);
	assert_true(pte_write(p) && pte_dirty(p) && pte_soft_dirty(p));
	assert_false(pte_special(p));
	assert_int_equal(fl_mm.page[pfn].refcount, 1);
	assert_int_equal(fl_mm.page[pfn].mapcount, 1);
	for (int w = 0; w < FL_PAGE_WORDS; w++)
		assert_int_equal(fl_hw.frame[pfn].w[w], w == 4 ? 7 : 0);
	for (int w = 0; w < FL_PAGE_WORDS; w++)
		assert_int_equal(fl_hw.frame[FL_ZERO_PFN].w[w], 0);	/* zero page untouched */
	assert_int_equal(fl_pages_in_use(), 1);
	assert_int_equal(user_access(0, 0, VPN_A, 3, false, 0).result, 0);
	assert_int_equal(finish(), 0);
}

static void test_fork_shares_write_protected(void **state)
{
	static const char *const presets[] = { "v5.8", "v5.10", "latest" };

	(void)state;
	for (int i = 0; i < 3; i++) {
		pte_t pp, cp;
		const struct fl_page *pg;

		prepare(presets[i],
			"A = mmap(1, anon rw)\n"
			"write(A+0, 1)\n"
			"P1 = fork()\n");
		assert_true(fl_mm.mm[1].live);
		pp = pte(0, VPN_A);
		cp = pte(1, VPN_A);
		assert_true(pte_present(pp));
		assert_true(pte_present(cp));
		assert_false(pte_write(pp));		/* parent write-protected */
		assert_false(pte_write(cp));		/* child too */
		assert_int_equal(pte_pfn(pp), pte_pfn(cp));	/* one shared page */
		assert_false(pte_young(cp));		/* child's PTE is old */
		pg = page_of(0, VPN_A);
		assert_int_equal(pg->mapcount, 2);
		assert_int_equal(pg->refcount, 2);
		assert_false(pg->flags & PG_anon_exclusive);	/* fork ends exclusivity */
		assert_int_equal(fl_pages_in_use(), 1);
		/* The parent's writable TLB entry was flushed (flush_tlb_mm). */
		assert_null(fl_tlb_find(0, 0, VPN_A));
		/* The child's VMA is a copy. */
		assert_non_null(vma_at(1, VPN_A));
		assert_int_equal(vma_at(1, VPN_A)->vm_flags, vma_at(0, VPN_A)->vm_flags);
		assert_int_equal(fl_chk.found, 0);
		assert_int_equal(finish(), 0);
	}
}

static void test_fork_child_write_copies(void **state)
{
	static const char *const presets[] = { "v5.8", "v5.10", "latest" };

	(void)state;
	for (int i = 0; i < 3; i++) {
		int oldpfn, newpfn;

		prepare(presets[i],
			"A = mmap(1, anon rw)\n"
			"write(A+0, 1)\n"
			"P1 = fork()\n"
			"P1@cpu1: write(A+0, 2)\n"
			"P1@cpu1: r0 = read(A+0)\n"
			"P0: r1 = read(A+0)\n");
		oldpfn = (int)pte_pfn(pte(0, VPN_A));
		newpfn = (int)pte_pfn(pte(1, VPN_A));
		/* The child got its own copy; the parent keeps the old page, still read-only. */
		assert_int_not_equal(oldpfn, newpfn);
		assert_int_not_equal(newpfn, FL_ZERO_PFN);
		assert_false(pte_write(pte(0, VPN_A)));
		assert_true(pte_write(pte(1, VPN_A)) && pte_dirty(pte(1, VPN_A)));
		assert_int_equal(fl_mm.page[oldpfn].mapcount, 1);
		assert_int_equal(fl_mm.page[oldpfn].refcount, 1);
		assert_int_equal(fl_mm.page[newpfn].mapcount, 1);
		assert_int_equal(fl_mm.page[newpfn].refcount, 1);
		assert_int_equal(fl_hw.frame[oldpfn].w[0], 1);
		assert_int_equal(fl_hw.frame[newpfn].w[0], 2);
		assert_int_equal(reg(0), 2);
		assert_int_equal(reg(1), 1);
		assert_int_equal(fl_pages_in_use(), 2);

		/* The parent's page is now exclusive again: its write reuses it in place. */
		assert_false(user_access(0, 0, VPN_A, 0, true, 3).segv);
		assert_int_equal((int)pte_pfn(pte(0, VPN_A)), oldpfn);
		assert_true(pte_write(pte(0, VPN_A)));
		assert_int_equal(fl_hw.frame[oldpfn].w[0], 3);
		assert_int_equal(fl_hw.frame[newpfn].w[0], 2);
		assert_int_equal(fl_pages_in_use(), 2);
		assert_int_equal(fl_chk.found, 0);
		assert_int_equal(finish(), 0);
	}
}

/*
 * An exclusive page (mapped once) with an extra reference (get_page), made
 * read-only by mprotect(ro) + mprotect(rw): the write fault reuses it under
 * mapcount (v5.8) and PageAnonExclusive (latest) rules, and copies it under
 * the page_count rule (v5.9/v5.10: 09854ba94c6a).
 */
static void cow_reuse_case(const char *preset, bool extra_ref, bool want_reuse)
{
	const char *with_ref =
		"A = mmap(1, anon rw)\n"
		"write(A+0, 1)\n"
		"get_page(A)\n"
		"mprotect(A, ro)\n"
		"mprotect(A, rw)\n";
	const char *without_ref =
		"A = mmap(1, anon rw)\n"
		"write(A+0, 1)\n"
		"mprotect(A, ro)\n"
		"mprotect(A, rw)\n";
	int before, after;

	prepare(preset, extra_ref ? with_ref : without_ref);
	before = (int)pte_pfn(pte(0, VPN_A));
	/* mprotect(rw) leaves a private PTE read-only: the next write faults into do_wp_page. */
	assert_true(pte_present(pte(0, VPN_A)));
	assert_false(pte_write(pte(0, VPN_A)));
	assert_int_equal(fl_mm.page[before].mapcount, 1);
	assert_int_equal(fl_mm.page[before].refcount, extra_ref ? 2 : 1);

	assert_false(user_access(0, 0, VPN_A, 1, true, 2).segv);
	after = (int)pte_pfn(pte(0, VPN_A));
	assert_true(pte_write(pte(0, VPN_A)));
	if (want_reuse) {
		assert_int_equal(after, before);
		assert_int_equal(fl_mm.page[before].mapcount, 1);
		assert_int_equal(fl_mm.page[before].refcount, extra_ref ? 2 : 1);
		assert_int_equal(fl_pages_in_use(), 1);
		assert_int_equal(fl_hw.frame[before].w[1], 2);
	} else {
		assert_int_not_equal(after, before);
		assert_int_equal(fl_mm.page[before].mapcount, 0);
		assert_int_equal(fl_mm.page[before].refcount, 1);	/* only get_page's */
		assert_int_equal(fl_mm.page[after].mapcount, 1);
		assert_int_equal(fl_mm.page[after].refcount, 1);
		assert_int_equal(fl_pages_in_use(), 2);
		/* The copy carries the old contents plus the new store. */
		assert_int_equal(fl_hw.frame[after].w[0], 1);
		assert_int_equal(fl_hw.frame[after].w[1], 2);
		assert_int_equal(fl_hw.frame[before].w[1], 0);
	}
	assert_int_equal(user_access(0, 0, VPN_A, 0, false, 0).result, 1);
	assert_int_equal(fl_chk.found, 0);
	assert_int_equal(finish(), 0);
	assert_int_equal(fl_pages_in_use(), 0);
}

static void test_cow_reuse_policies(void **state)
{
	(void)state;
	cow_reuse_case("v5.8", true, true);	/* mapcount == 1: reuse */
	cow_reuse_case("v5.10", true, false);	/* page_count == 2: copy */
	cow_reuse_case("v5.19", true, true);	/* PageAnonExclusive: reuse (v5.19: before mprotect maps it writable itself) */
	/* Without the extra reference every rule reuses. */
	cow_reuse_case("v5.8", false, true);
	cow_reuse_case("v5.10", false, true);
	cow_reuse_case("v5.19", false, true);
}

/* The same decision through the switch alone, on one preset. */
static void test_cow_reuse_switch(void **state)
{
	static const struct {
		int value;
		bool reuse;
	} cases[] = {
		{ FL_COW_REUSE_MAPCOUNT, true },
		{ FL_COW_REUSE_PAGE_COUNT, false },
		{ FL_COW_REUSE_ANON_EXCLUSIVE, true },
	};

	(void)state;
	for (int i = 0; i < 3; i++) {
		struct fl_policy pol = preset_pol("v5.12");
		int before;

		pol.v[FL_SW_COW_REUSE] = (uint8_t)cases[i].value;
		prepare_pol(&pol,
			    "A = mmap(1, anon rw)\n"
			    "write(A+0, 1)\n"
			    "get_page(A)\n"
			    "mprotect(A, ro)\n"
			    "mprotect(A, rw)\n");
		before = (int)pte_pfn(pte(0, VPN_A));
		assert_false(user_access(0, 0, VPN_A, 1, true, 2).segv);
		assert_int_equal(pte_pfn(pte(0, VPN_A)) == (uint32_t)before, cases[i].reuse);
		assert_int_equal(finish(), 0);
	}
}

static void test_mprotect_ro_clears_write(void **state)
{
	pte_t before, after;
	const struct fl_tlbe *e;

	(void)state;
	prepare("v5.10",
		"A = mmap(2, anon rw)\n"
		"write(A+0, 1)\n"
		"write(A+8, 2)\n");
	before = pte(0, VPN_A + 1);
	assert_true(pte_write(before));

	/* mprotect only the second page: the VMA splits, the first page is untouched. */
	{
		struct fl_task t = { .tid = -1, .mm = 0, .cpu = 0 };

		assert_int_equal(fl_do_mprotect(&t, VPN_A + 1, 1, VM_READ), 0);
	}
	after = pte(0, VPN_A + 1);
	assert_true(pte_present(after));
	assert_false(pte_write(after));
	assert_int_equal(pte_pfn(after), pte_pfn(before));
	assert_true(pte_dirty(after));			/* pte_modify keeps dirty and soft-dirty */
	assert_true(pte_soft_dirty(after));
	assert_true(pte_write(pte(0, VPN_A)));		/* the other page keeps write */
	assert_false(vma_at(0, VPN_A + 1)->vm_flags & VM_WRITE);
	assert_true(vma_at(0, VPN_A)->vm_flags & VM_WRITE);
	assert_true(vma_at(0, VPN_A) != vma_at(0, VPN_A + 1));
	/* change_protection flushed the range: no writable entry survives. */
	e = fl_tlb_find(0, 0, VPN_A + 1);
	assert_true(e == NULL || !e->writable);
	assert_non_null(fl_tlb_find(0, 0, VPN_A));
	assert_int_equal(fl_mm.mm[0].tlb_flush_pending, 0);

	/* A store now gets SIGSEGV and changes nothing; a load still works. */
	assert_true(user_access(0, 0, VPN_A + 1, 0, true, 9).segv);
	assert_int_equal(fl_hw.frame[pte_pfn(after)].w[0], 2);
	assert_int_equal(user_access(0, 0, VPN_A + 1, 0, false, 0).result, 2);
	assert_false(user_access(0, 0, VPN_A, 1, true, 4).segv);
	assert_int_equal(fl_chk.found, 0);
	assert_int_equal(finish(), 0);

	/* Through the litmus op as well. */
	prepare("latest",
		"A = mmap(1, anon rw)\n"
		"write(A+0, 1)\n"
		"mprotect(A, ro)\n"
		"r0 = write(A+0, 2)\n"
		"r1 = read(A+0)\n");
	assert_false(pte_write(pte(0, VPN_A)));
	assert_int_equal(reg(0), FL_VAL_SEGV);
	assert_int_equal(reg(1), 1);
	assert_int_equal(finish(), 0);
}

static void test_munmap_frees(void **state)
{
	struct fl_task t = { .tid = -1, .mm = 0, .cpu = 0 };
	int pfn0, pfn1;
	uint32_t gen0;

	(void)state;
	prepare("v5.10",
		"A = mmap(2, anon rw)\n"
		"write(A+0, 1)\n"
		"write(A+8, 2)\n");
	pfn0 = (int)pte_pfn(pte(0, VPN_A));
	pfn1 = (int)pte_pfn(pte(0, VPN_A + 1));
	gen0 = fl_hw.frame[pfn0].gen;
	assert_int_equal(fl_pages_in_use(), 2);
	assert_non_null(fl_tlb_find(0, 0, VPN_A));

	/* Unmap the first page only. */
	assert_int_equal(fl_do_munmap(&t, VPN_A, 1), 0);
	assert_int_equal(fl_pages_in_use(), 1);
	assert_true(pte_none(pte(0, VPN_A)));
	assert_true(fl_hw.frame[pfn0].free);
	assert_int_equal(fl_hw.frame[pfn0].gen, gen0 + 1);	/* freed */
	assert_null(fl_tlb_find(0, 0, VPN_A));			/* flushed before the free */
	assert_null(vma_at(0, VPN_A));
	assert_int_equal((int)pte_pfn(pte(0, VPN_A + 1)), pfn1);	/* the rest stays */
	assert_false(fl_hw.frame[pfn1].free);
	assert_non_null(vma_at(0, VPN_A + 1));
	assert_int_equal(fl_mm.mm[0].tlb_flush_pending, 0);

	/* An access to the unmapped page gets SIGSEGV. */
	assert_true(user_access(0, 0, VPN_A, 0, false, 0).segv);
	assert_true(user_access(0, 0, VPN_A, 0, true, 5).segv);
	assert_int_equal(fl_pages_in_use(), 1);

	assert_int_equal(fl_do_munmap(&t, VPN_A + 1, 1), 0);
	assert_int_equal(fl_pages_in_use(), 0);
	assert_true(pte_none(pte(0, VPN_A + 1)));
	assert_int_equal(fl_chk.found, 0);
	assert_int_equal(finish(), 0);

	/* Through the litmus op; a zero-page mapping frees nothing. */
	prepare("latest",
		"A = mmap(3, anon rw)\n"
		"write(A+0, 1)\n"
		"read(A+8)\n"
		"munmap(A)\n"
		"r0 = read(A+0)\n");
	assert_int_equal(fl_pages_in_use(), 0);
	for (int v = 0; v < 3; v++)
		assert_true(pte_none(pte(0, VPN_A + v)));
	assert_int_equal(reg(0), FL_VAL_SEGV);
	assert_int_equal(fl_mm.page[FL_ZERO_PFN].refcount, 1);
	assert_int_equal(finish(), 0);
}

static void test_clear_refs_soft_dirty(void **state)
{
	static const char *const presets[] = { "v5.4", "v5.10", "v5.12", "latest" };

	(void)state;
	for (int i = 0; i < 4; i++) {
		pte_t p;
		int pfn;

		prepare(presets[i],
			"A = mmap(2, anon rw)\n"
			"write(A+0, 1)\n"
			"r0 = pagemap(A)\n"
			"clear_refs(soft_dirty)\n"
			"r1 = pagemap(A)\n"
			"r2 = pagemap(A+8)\n");
		p = pte(0, VPN_A);
		pfn = (int)pte_pfn(p);
		assert_true(pte_present(p));
		assert_false(pte_write(p));		/* write-protected */
		assert_false(pte_soft_dirty(p));	/* soft-clean */
		assert_true(pte_dirty(p));		/* the hardware dirty bit is kept */
		assert_false(vma_at(0, VPN_A)->vm_flags & VM_SOFTDIRTY);
		assert_int_equal(reg(0), FL_PM_PRESENT | FL_PM_SOFT_DIRTY | FL_PM_MMAP_EXCLUSIVE);
		assert_int_equal(reg(1), FL_PM_PRESENT | FL_PM_MMAP_EXCLUSIVE);
		assert_int_equal(reg(2), 0);	/* untouched, VMA no longer soft-dirty */
		assert_int_equal(fl_mm.page[pfn].refcount, 1);
		assert_int_equal(fl_mm.page[pfn].mapcount, 1);

		/* A write through a fresh walk faults, reuses the page and marks it soft-dirty. */
		assert_false(user_access(0, 1, VPN_A, 1, true, 2).segv);
		p = pte(0, VPN_A);
		assert_int_equal((int)pte_pfn(p), pfn);
		assert_true(pte_write(p));
		assert_true(pte_soft_dirty(p));
		{
			struct fl_task t = { .tid = -1, .mm = 0, .cpu = 0 };

			assert_int_equal(fl_pagemap_read(&t, 0, VPN_A),
					 FL_PM_PRESENT | FL_PM_SOFT_DIRTY | FL_PM_MMAP_EXCLUSIVE);
		}
		assert_int_equal(finish(), 0);
	}
}

/*
 * Whether clear_refs flushes the TLB, per release: cpu0's writable entry
 * survives where the flush is elided (0758cd830494, v5.8-v5.11) and is gone
 * where it is not (v5.4 fullmm gather, v5.12+ flush_tlb_mm).  Where it
 * survives, the next store hits it, the PTE stays soft-clean: the race R4
 * of seed 000, which the old kernels really have.
 */
static void test_clear_refs_flush_per_release(void **state)
{
	static const struct {
		const char *preset;
		bool flushed;
	} cases[] = { { "v5.4", true }, { "v5.8", false }, { "v5.10", false },
		      { "v5.11", false }, { "v5.12", true }, { "latest", true } };

	(void)state;
	for (int i = 0; i < 6; i++) {
		const struct fl_tlbe *e;

		prepare(cases[i].preset,
			"A = mmap(1, anon rw)\n"
			"write(A+0, 1)\n"
			"clear_refs(soft_dirty)\n");
		e = fl_tlb_find(0, 0, VPN_A);
		if (cases[i].flushed) {
			assert_null(e);
		} else {
			assert_non_null(e);
			assert_true(e->writable && e->dirty);
		}
		assert_false(user_access(0, 0, VPN_A, 1, true, 2).segv);
		/* soft-dirty again only if the store had to fault */
		assert_int_equal(pte_soft_dirty(pte(0, VPN_A)), cases[i].flushed);
		assert_int_equal(pte_write(pte(0, VPN_A)), cases[i].flushed);
		/* The oracle sees the same thing: a store after clear_refs, pagemap clean. */
		assert_int_equal(finish(), cases[i].flushed ? 0 : PROP(SOFT_DIRTY_MISS));
	}
}

static void test_pagemap_bits(void **state)
{
	(void)state;
	prepare("v5.10",
		"A = mmap(3, anon rw)\n"
		"B = mmap(1, anon rw)\n"
		"r0 = pagemap(A)\n"		/* untouched: only VM_SOFTDIRTY */
		"read(A+8)\n"
		"r1 = pagemap(A+8)\n"		/* zero page: present, not exclusive */
		"write(A+16, 1)\n"
		"r2 = pagemap(A+16)\n"		/* own page: present, exclusive */
		"write(B+0, 1)\n"
		"munmap(B)\n"
		"r3 = pagemap(B)\n"		/* no VMA: nothing */
		"P1 = fork()\n"
		"r4 = pagemap(A+16)\n"		/* shared with the child: not exclusive */
		"P1: r5 = pagemap(A+16)\n"
		"clear_refs(soft_dirty)\n"
		"r6 = pagemap(A)\n"		/* untouched, VMA soft-clean: nothing */
		"r7 = pagemap(A+16)\n");
	assert_int_equal(reg(0), FL_PM_SOFT_DIRTY);
	assert_int_equal(reg(1), FL_PM_PRESENT | FL_PM_SOFT_DIRTY);
	assert_int_equal(reg(2), FL_PM_PRESENT | FL_PM_SOFT_DIRTY | FL_PM_MMAP_EXCLUSIVE);
	assert_int_equal(reg(3), 0);
	assert_int_equal(reg(4), FL_PM_PRESENT | FL_PM_SOFT_DIRTY);
	assert_int_equal(reg(5), FL_PM_PRESENT | FL_PM_SOFT_DIRTY);
	assert_int_equal(reg(6), 0);
	assert_int_equal(reg(7), FL_PM_PRESENT);
	/* The fork copied the parent's soft-dirty PTE bit to the child, not only the VMA flag. */
	assert_true(pte_soft_dirty(pte(1, VPN_A + 2)));
	assert_int_equal(finish(), 0);
}

/* ====================================================================== */

static void test_finish_no_page_leak(void **state)
{
	static const char *const presets[] = { "v5.4", "v5.8", "v5.10", "v5.11", "v5.12", "latest" };
	const char *init =
		"A = mmap(4, anon rw)\n"
		"B = mmap(2, anon rw shared)\n"
		"write(A+0, 1)\n"
		"read(A+8)\n"
		"write(A+16, 3)\n"
		"write(B+0, 4)\n"
		"get_page(A)\n"
		"get_page(A+16)\n"
		"put_page(A+16)\n"
		"pin_user_pages(A+24, rw)\n"
		"P1 = fork()\n"
		"P1@cpu1: write(A+0, 5)\n"
		"P1@cpu1: write(B+1, 6)\n"
		"P0: clear_refs(soft_dirty)\n"
		"P0@cpu1: write(A+16, 7)\n"
		"P0: mprotect(A+8, 1, ro)\n"
		"P1: munmap(A+16, 1)\n"
		"P1@cpu1: r0 = read(B+0)\n"
		"P2 = fork()\n"
		"P2: write(A+0, 8)\n"
		"P2: exit()\n";

	(void)state;
	for (int i = 0; i < 6; i++) {
		uint32_t found;

		prepare(presets[i], init);
		assert_true(fl_pages_in_use() > 3);
		assert_int_equal(reg(0), 4);		/* shared memory is shared */
		assert_false(fl_mm.mm[2].live);
		assert_int_equal(fl_chk.found, 0);
		found = finish();
		/* finish() tore the machine down: every page is back. */
		assert_false(found & PROP(PAGE_LEAK));
		assert_false(fl_chk.found & PROP(PAGE_LEAK));
		assert_int_equal(found, 0);
		assert_int_equal(fl_pages_in_use(), 0);
		for (int m = 0; m < FL_MAX_MM; m++)
			assert_false(fl_mm.mm[m].live);
	}
}

/* Control: a reference nobody drops is reported as a page leak. */
static void test_finish_reports_leak(void **state)
{
	int pfn;
	uint32_t found;

	(void)state;
	prepare("v5.10",
		"A = mmap(1, anon rw)\n"
		"write(A+0, 1)\n");
	pfn = (int)pte_pfn(pte(0, VPN_A));
	fl_get_page(pfn);		/* taken behind the harness's back */
	found = finish();
	assert_true(found & PROP(PAGE_LEAK));
	assert_int_equal(fl_pages_in_use(), 1);
	assert_int_equal(fl_mm.page[pfn].refcount, 1);
	assert_int_equal(fl_mm.page[pfn].mapcount, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_fault_maps_new_page),
		cmocka_unit_test(test_read_fault_maps_zero_page),
		cmocka_unit_test(test_fork_shares_write_protected),
		cmocka_unit_test(test_fork_child_write_copies),
		cmocka_unit_test(test_cow_reuse_policies),
		cmocka_unit_test(test_cow_reuse_switch),
		cmocka_unit_test(test_mprotect_ro_clears_write),
		cmocka_unit_test(test_munmap_frees),
		cmocka_unit_test(test_clear_refs_soft_dirty),
		cmocka_unit_test(test_clear_refs_flush_per_release),
		cmocka_unit_test(test_pagemap_bits),
		cmocka_unit_test(test_finish_no_page_leak),
		cmocka_unit_test(test_finish_reports_leak),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
