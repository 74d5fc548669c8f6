/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_swap.c - swap (mm/swap.c, mm/madvise.c, do_swap_page),
 * run sequentially as tests/unit/test_mm.c does: a scenario with only an
 * init block is parsed with fl_parse_string and built by
 * fl_interp_prepare under a preset; the test then inspects fl_hw / fl_mm /
 * fl_chk, and may go on with direct calls as the init task (tid -1).
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

static const struct fl_swap_slot *slot_of(pte_t p)
{
	assert_true(is_swap_pte(p));
	return &fl_mm.swap[pte_to_swp_entry(p)];
}

static int slots_in_use(void)
{
	int n = 0;

	for (int s = 0; s < FL_SWAP_SLOTS; s++)
		n += fl_mm.swap[s].count || fl_mm.swap[s].cache;
	return n;
}

static struct fl_user_access user_access(int mm, int vpn, int word, bool write, uint64_t val)
{
	struct fl_task t = { .tid = -1, .mm = mm, .cpu = 0 };
	struct fl_user_access ua = { .vpn = vpn, .word_off = word, .write = write, .val = val };

	fl_user_access(&t, &ua);
	assert_false(ua.segv);
	return ua;
}


/* ====================================================================== */

/* MADV_PAGEOUT writes the page to a slot, frees it and leaves a swap PTE. */
static void test_pageout_swaps_out(void **state)
{
	static const char *const presets[] = { "v5.8", "v5.10", "v5.19", "latest" };

	(void)state;
	for (int i = 0; i < 4; i++) {
		bool ae = i >= 2;
		const struct fl_swap_slot *s;
		pte_t p;

		prepare(presets[i],
			"A = mmap(1, anon rw)\n"
			"write(A+0, 5)\n"
			"write(A+6, 9)\n"
			"madvise_pageout(A)\n"
			"r0 = pagemap(A)\n");
		p = pte(0, VPN_A);
		assert_false(pte_present(p));
		assert_true(is_swap_pte(p));
		assert_true(pte_swp_soft_dirty(p));	/* the PTE was soft-dirty */
		assert_false(pte_swp_uffd_wp(p));
		/* v5.19 remembers PageAnonExclusive in the swap PTE (1493a1913e34). */
		assert_int_equal(pte_swp_exclusive(p), ae);
		s = slot_of(p);
		assert_int_not_equal(pte_to_swp_entry(p), 0);	/* slot 0 is the swap header */
		assert_int_equal(s->count, 1);
		assert_int_equal(s->cache, 0);
		assert_int_equal(s->w[0], 5);
		assert_int_equal(s->w[6], 9);
		assert_int_not_equal(s->tag[0], 0);
		assert_int_equal(fl_pages_in_use(), 0);
		assert_null(fl_tlb_find(0, 0, VPN_A));
		assert_int_equal(reg(0), FL_PM_SWAP | FL_PM_SOFT_DIRTY);
		/* The final read-back reads the slot: nothing is lost, nothing leaks. */
		assert_int_equal(finish(), 0);
		assert_int_equal(slots_in_use(), 0);
	}
}

/* A read fault maps the page read-only and leaves it in the swap cache (page_count 2). */
static void test_swapin_read_keeps_swap_cache(void **state)
{
	static const char *const presets[] = { "v5.8", "v5.10", "v5.19" };

	(void)state;
	for (int i = 0; i < 3; i++) {
		const struct fl_page *pg;
		int slot, pfn;
		pte_t p;

		prepare(presets[i],
			"A = mmap(1, anon rw)\n"
			"write(A+0, 5)\n"
			"madvise_pageout(A)\n");
		slot = (int)pte_to_swp_entry(pte(0, VPN_A));
		assert_int_equal(user_access(0, VPN_A, 0, false, 0).result, 5);
		p = pte(0, VPN_A);
		assert_true(pte_present(p));
		assert_false(pte_write(p));
		assert_true(pte_soft_dirty(p));		/* back from the swap PTE */
		pfn = (int)pte_pfn(p);
		pg = &fl_mm.page[pfn];
		assert_true(pg->flags & PG_swapcache);
		assert_true(pg->flags & PG_anon);
		assert_false(pg->flags & (PG_locked | PG_dirty));
		assert_int_equal(pg->private, slot);
		assert_int_equal(pg->mapcount, 1);
		assert_int_equal(pg->refcount, 2);	/* the mapping and the swap cache */
		assert_int_equal(fl_mm.swap[slot].count, 0);	/* swap_free */
		assert_int_equal(fl_mm.swap[slot].cache, pfn + 1);
		/* v5.19: the swap PTE said exclusive, so the page is PageAnonExclusive again. */
		assert_int_equal(!!(pg->flags & PG_anon_exclusive), i == 2);
		assert_int_equal(finish(), 0);
		assert_int_equal(fl_pages_in_use(), 0);
		assert_int_equal(slots_in_use(), 0);
	}
}

/* A write fault on the swap PTE of a page mapped nowhere else reuses the swap cache page. */
static void test_swapin_write_reuses(void **state)
{
	static const char *const presets[] = { "v5.8", "v5.10", "v5.19", "latest" };

	(void)state;
	for (int i = 0; i < 4; i++) {
		int pfn;
		pte_t p;

		prepare(presets[i],
			"A = mmap(1, anon rw)\n"
			"write(A+0, 5)\n"
			"madvise_pageout(A)\n"
			"write(A+1, 6)\n");
		p = pte(0, VPN_A);
		assert_true(pte_present(p) && pte_write(p) && pte_dirty(p));
		pfn = (int)pte_pfn(p);
		/* reuse_swap_page (v5.8-v5.17) or try_to_free_swap (v5.19) took it out of the swap cache. */
		assert_false(fl_mm.page[pfn].flags & PG_swapcache);
		assert_true(fl_mm.page[pfn].flags & PG_dirty);
		assert_int_equal(fl_mm.page[pfn].refcount, 1);
		assert_int_equal(slots_in_use(), 0);
		assert_int_equal(fl_hw.frame[pfn].w[0], 5);
		assert_int_equal(fl_hw.frame[pfn].w[1], 6);
		assert_int_equal(finish(), 0);
	}
}

/*
 * Read, then write: the page is in the swap cache when do_wp_page runs.
 * v5.8 reuse_swap_page counts mappings and swap PTEs: reuse.  v5.10
 * page_count sees the swap cache's reference: copy.  v5.19: the page is
 * PageAnonExclusive (from the swap PTE): reuse.
 */
static void test_read_then_write_per_era(void **state)
{
	static const struct {
		const char *preset;
		bool copy;
	} cases[] = { { "v5.8", false }, { "v5.10", true }, { "v5.19", false } };

	(void)state;
	for (int i = 0; i < 3; i++) {
		int before, after;

		prepare(cases[i].preset,
			"A = mmap(1, anon rw)\n"
			"write(A+0, 5)\n"
			"madvise_pageout(A)\n"
			"read(A+0)\n");
		before = (int)pte_pfn(pte(0, VPN_A));
		user_access(0, VPN_A, 1, true, 6);
		after = (int)pte_pfn(pte(0, VPN_A));
		assert_true(pte_write(pte(0, VPN_A)));
		if (cases[i].copy) {
			assert_int_not_equal(before, after);
			/* The old page is left in the swap cache, mapped nowhere. */
			assert_true(fl_mm.page[before].flags & PG_swapcache);
			assert_int_equal(fl_mm.page[before].mapcount, 0);
		} else {
			assert_int_equal(before, after);
		}
		assert_int_equal(fl_hw.frame[after].w[0], 5);
		assert_int_equal(fl_hw.frame[after].w[1], 6);
		assert_int_equal(finish(), 0);
		assert_int_equal(fl_pages_in_use(), 0);
		assert_int_equal(slots_in_use(), 0);
	}
}

/* fork shares the swap entry; v5.19 clears the exclusive bit in both PTEs. */
static void test_fork_duplicates_swap_entry(void **state)
{
	static const char *const presets[] = { "v5.10", "v5.19" };

	(void)state;
	for (int i = 0; i < 2; i++) {
		pte_t parent, child;
		int pfn;

		prepare(presets[i],
			"A = mmap(1, anon rw)\n"
			"write(A+0, 5)\n"
			"madvise_pageout(A)\n"
			"P1 = fork()\n");
		parent = pte(0, VPN_A);
		child = pte(1, VPN_A);
		assert_true(is_swap_pte(parent) && is_swap_pte(child));
		assert_int_equal(pte_to_swp_entry(parent), pte_to_swp_entry(child));
		assert_false(pte_swp_exclusive(parent));
		assert_false(pte_swp_exclusive(child));
		assert_int_equal(slot_of(parent)->count, 2);
		/* The parent's write fault cannot reuse (another swap PTE): it copies. */
		user_access(0, VPN_A, 0, true, 6);
		assert_int_equal(slot_of(child)->count, 1);
		pfn = slot_of(child)->cache - 1;
		assert_true(pfn >= 0);
		assert_int_not_equal((int)pte_pfn(pte(0, VPN_A)), pfn);
		/* The child's write fault then finds the page in the swap cache and reuses it. */
		user_access(1, VPN_A, 1, true, 7);
		assert_int_equal(fl_hw.frame[pfn].w[0], 5);
		assert_int_equal((int)pte_pfn(pte(1, VPN_A)), pfn);
		assert_int_equal(user_access(0, VPN_A, 0, false, 0).result, 6);
		assert_int_equal(user_access(1, VPN_A, 1, false, 0).result, 7);
		assert_int_equal(finish(), 0);
		assert_int_equal(fl_pages_in_use(), 0);
		assert_int_equal(slots_in_use(), 0);
	}
}

/* An extra reference: unmapped into the swap cache, but pageout keeps it (not written). */
static void test_extra_ref_not_written(void **state)
{
	const struct fl_page *pg;
	const struct fl_swap_slot *s;
	pte_t p;
	int pfn;

	(void)state;
	prepare("v5.10",
		"A = mmap(1, anon rw)\n"
		"write(A+0, 5)\n"
		"get_page(A)\n"
		"madvise_pageout(A)\n"
		"r0 = pagemap(A)\n");
	p = pte(0, VPN_A);
	assert_true(is_swap_pte(p));
	s = slot_of(p);
	assert_int_equal(s->count, 1);
	pfn = s->cache - 1;
	assert_true(pfn > 0);
	pg = &fl_mm.page[pfn];
	assert_true(pg->flags & PG_swapcache);
	assert_true(pg->flags & PG_dirty);		/* never written */
	assert_false(pg->flags & (PG_locked | PG_isolated));
	assert_int_equal(pg->mapcount, 0);
	assert_int_equal(pg->refcount, 2);		/* the swap cache and get_page */
	assert_int_equal(s->tag[0], 0);			/* the slot holds nothing */
	assert_int_equal(reg(0), FL_PM_SWAP | FL_PM_SOFT_DIRTY);
	/* The read-back finds the data in the swap cache page; teardown frees page and slot. */
	assert_int_equal(finish(), 0);
	assert_int_equal(fl_pages_in_use(), 0);
	assert_int_equal(slots_in_use(), 0);
}

/* A pinned page: kept mapped from v5.11 (feb889fb40fa); unmapped but kept before. */
static void test_pinned_page(void **state)
{
	static const struct {
		const char *preset;
		bool unmapped;
	} cases[] = { { "v5.10", true }, { "v5.11", false }, { "latest", false } };

	(void)state;
	for (int i = 0; i < 3; i++) {
		prepare(cases[i].preset,
			"A = mmap(1, anon rw)\n"
			"write(A+0, 5)\n"
			"pin_user_pages(A, rw)\n"
			"madvise_pageout(A)\n");
		assert_int_equal(is_swap_pte(pte(0, VPN_A)), cases[i].unmapped);
		assert_int_equal(slots_in_use(), cases[i].unmapped);
		assert_int_equal(fl_pages_in_use(), 1);
		assert_int_equal(finish(), 0);
		assert_int_equal(fl_pages_in_use(), 0);
		assert_int_equal(slots_in_use(), 0);
	}
	/* v5.19 without the v5.11 check: page_try_share_anon_rmap refuses to unmap it. */
	{
		struct fl_policy pol = preset_pol("v5.19");

		pol.v[FL_SW_SWAP_SKIP_PINNED] = 0;
		prepare_pol(&pol,
			"A = mmap(1, anon rw)\n"
			"write(A+0, 5)\n"
			"pin_user_pages(A, rw)\n"
			"madvise_pageout(A)\n");
		assert_true(pte_present(pte(0, VPN_A)));
		assert_true(fl_mm.page[pte_pfn(pte(0, VPN_A))].flags & PG_anon_exclusive);
		/* It is in the swap cache, though (added before the unmap failed). */
		assert_true(fl_mm.page[pte_pfn(pte(0, VPN_A))].flags & PG_swapcache);
		assert_int_equal(finish(), 0);
		assert_int_equal(slots_in_use(), 0);
	}
}

/* MADV_PAGEOUT leaves pages mapped more than once, the zero page and shmem alone. */
static void test_pageout_skips(void **state)
{
	(void)state;
	prepare("v5.10",
		"A = mmap(1, anon rw)\n"
		"B = mmap(1, anon rw shared)\n"
		"C = mmap(1, anon rw)\n"
		"write(A+0, 5)\n"
		"write(B+0, 6)\n"
		"read(C+0)\n"
		"P1 = fork()\n"
		"madvise_pageout(A)\n"
		"madvise_pageout(B)\n"
		"madvise_pageout(C)\n");
	assert_true(pte_present(pte(0, VPN_A)));	/* mapcount 2 after fork */
	/* shmem mapped once (the child refaults): unmapped, its swap entry in the page cache. */
	assert_true(pte_none(pte(0, FL_LIT_REGION_VPN(1))));
	assert_int_not_equal(fl_mm.shmem[0].swap[0], 0);
	assert_true(pte_special(pte(0, FL_LIT_REGION_VPN(2))));
	assert_int_equal(slots_in_use(), 1);
	assert_int_equal(finish(), 0);
}

/* munmap and exit free the slots of swap PTEs (free_swap_and_cache). */
static void test_zap_frees_slot(void **state)
{
	(void)state;
	prepare("v5.10",
		"A = mmap(2, anon rw)\n"
		"write(A+0, 5)\n"
		"write(A+8, 6)\n"
		"madvise_pageout(A)\n"
		"read(A+8)\n"
		"munmap(A, 1)\n");
	assert_true(pte_none(pte(0, VPN_A)));
	assert_int_equal(slots_in_use(), 1);		/* A+8's slot, held by its swap cache page */
	assert_int_equal(fl_pages_in_use(), 1);
	assert_int_equal(finish(), 0);
	assert_int_equal(slots_in_use(), 0);
	assert_int_equal(fl_pages_in_use(), 0);
}

/* clear_refs clears the swap PTE's soft-dirty bit; pagemap and a swap-in follow it. */
static void test_soft_dirty_in_swap_pte(void **state)
{
	pte_t p;

	(void)state;
	prepare("v5.10",
		"A = mmap(1, anon rw)\n"
		"write(A+0, 5)\n"
		"madvise_pageout(A)\n"
		"clear_refs(soft_dirty)\n"
		"r0 = pagemap(A)\n"
		"r1 = read(A+0)\n"
		"r2 = pagemap(A)\n");
	assert_int_equal(reg(0), FL_PM_SWAP);
	assert_int_equal(reg(1), 5);
	assert_int_equal(reg(2), FL_PM_PRESENT | FL_PM_MMAP_EXCLUSIVE);
	p = pte(0, VPN_A);
	assert_false(pte_soft_dirty(p));
	/* The write fault after swap-in marks it soft-dirty again. */
	user_access(0, VPN_A, 1, true, 6);
	assert_true(pte_soft_dirty(pte(0, VPN_A)));
	assert_int_equal(finish(), 0);
}

/* uffd-wp survives the swap-out and comes back write-protected; unprotect clears it in the swap PTE. */
static void test_uffd_wp_in_swap_pte(void **state)
{
	pte_t p;

	(void)state;
	prepare("v5.10",
		"A = mmap(2, anon rw)\n"
		"uffd_register(A, wp)\n"
		"write(A+0, 5)\n"
		"write(A+8, 6)\n"
		"uffd_wp(A, on)\n"
		"madvise_pageout(A)\n"
		"r0 = pagemap(A)\n"
		"uffd_wp(A+8, 1, off)\n"
		"r1 = pagemap(A+8)\n"
		"r2 = read(A+0)\n");
	assert_int_equal(reg(0), FL_PM_SWAP | FL_PM_SOFT_DIRTY | FL_PM_UFFD_WP);
	assert_int_equal(reg(1), FL_PM_SWAP | FL_PM_SOFT_DIRTY);
	assert_int_equal(reg(2), 5);
	p = pte(0, VPN_A);
	assert_true(pte_present(p) && pte_uffd_wp(p) && !pte_write(p));
	assert_true(is_swap_pte(pte(0, VPN_A + 1)) && !pte_swp_uffd_wp(pte(0, VPN_A + 1)));
	assert_int_equal(finish(), 0);
}

/* The oracles read swapped-out data: a slot that lost a store is a lost write. */
static void test_read_back_uses_slot(void **state)
{
	struct fl_swap_slot *s;

	(void)state;
	prepare("v5.10",
		"A = mmap(1, anon rw)\n"
		"write(A+0, 5)\n"
		"madvise_pageout(A)\n");
	s = &fl_mm.swap[pte_to_swp_entry(pte(0, VPN_A))];
	s->tag[0] = 0;			/* as if pageout had missed the store */
	assert_true(finish() & PROP(LOST_WRITE));
}

/* A slot left in use after teardown is a page-leak. */
static void test_slot_leak_reported(void **state)
{
	(void)state;
	prepare("v5.10",
		"A = mmap(1, anon rw)\n"
		"write(A+0, 5)\n"
		"madvise_pageout(A)\n");
	fl_mm.swap[pte_to_swp_entry(pte(0, VPN_A))].count++;	/* a swap_duplicate nobody undoes */
	assert_int_equal(finish(), PROP(PAGE_LEAK));
	assert_non_null(strstr(fl_chk.first[FL_PROP_PAGE_LEAK].msg, "swap slot"));
}

/* The litmus op: madvise_pageout(A[+off] [, N]), no register, a range like munmap's. */
static void test_parse_madvise_pageout(void **state)
{
	static const char text[] =
		"mm t\n"
		"init {\n  A = mmap(3, anon rw)\n  madvise_pageout(A)\n}\n"
		"T0 P0@cpu0 { madvise_pageout(A+8, 2) }\n";
	char buf[64];

	(void)state;
	if (fl_parse_string("t.litmus", text, &sc, err, sizeof(err)))
		fail_msg("parse: %s", err);
	assert_int_equal(sc.init[1].kind, FL_OP_MADV_PAGEOUT);
	assert_int_equal(sc.init[1].npages, 0);
	assert_int_equal(sc.init[1].reg, -1);
	assert_int_equal(sc.threads[0].ops[0].kind, FL_OP_MADV_PAGEOUT);
	assert_int_equal(sc.threads[0].ops[0].addr.offset, 8);
	assert_int_equal(sc.threads[0].ops[0].npages, 2);
	fl_op_str(&sc, &sc.threads[0].ops[0], buf, sizeof(buf));
	assert_string_equal(buf, "madvise_pageout(A+8, 2)");
	/* No register, and the range must fit the region. */
	assert_int_not_equal(fl_parse_string("t.litmus",
		"mm t\ninit {\n  A = mmap(1, anon rw)\n  r0 = madvise_pageout(A)\n}\n", &sc, err, sizeof(err)), 0);
	assert_int_not_equal(fl_parse_string("t.litmus",
		"mm t\ninit {\n  A = mmap(1, anon rw)\n  madvise_pageout(A, 2)\n}\n", &sc, err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pageout_swaps_out),
		cmocka_unit_test(test_swapin_read_keeps_swap_cache),
		cmocka_unit_test(test_swapin_write_reuses),
		cmocka_unit_test(test_read_then_write_per_era),
		cmocka_unit_test(test_fork_duplicates_swap_entry),
		cmocka_unit_test(test_extra_ref_not_written),
		cmocka_unit_test(test_pinned_page),
		cmocka_unit_test(test_pageout_skips),
		cmocka_unit_test(test_zap_frees_slot),
		cmocka_unit_test(test_soft_dirty_in_swap_pte),
		cmocka_unit_test(test_uffd_wp_in_swap_pte),
		cmocka_unit_test(test_read_back_uses_slot),
		cmocka_unit_test(test_slot_leak_reported),
		cmocka_unit_test(test_parse_madvise_pageout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
