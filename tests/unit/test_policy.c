/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_policy.c - the switch table checks itself (policy.h):
 * every switch has a name, values and a timeline, timelines are in
 * release order, every preset value is in range, and the presets derived
 * from the timelines equal the table written by hand before they were
 * derived (kept here, switch by switch, while that change lands).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "policy/policy.h"

/*
 * `faultline policies` before presets were derived (commit 08dbf99), in switch order,
 * with one deliberate change since: gup_unshare's `on` is now `anon`, and v6.2 and
 * latest take `cow_mapping` (84209e87c696, the zero page unshared for R/O pins).
 */
static const char *const switch_order[] = { "cow_reuse", "clear_refs_lock", "clear_refs_flush", "clear_refs_skip_pinned", "uffd_wp", "uffd_wp_lock", "uffd_wp_skip_unchanged", "wp_deferred_flush", "gup_cow", "fork_pinned", "gup_unshare", "mprotect_writable", "swap_cow", "follow_pfn_pte", "swap_skip_pinned", "uffd_wp_range", "uffd_wp_shmem" };
#define NSW ((int)(sizeof(switch_order) / sizeof(switch_order[0])))
static const struct {
	const char *preset;
	const char *v[NSW];
} hand_written[] = {
	{ "v5.4", { "mapcount", "downgrade", "gather", "off", "none", "read", "off", "none", "none", "share", "off", "off", "reuse_swap_page", "get_only", "off", "one_vma", "off" } },
	{ "v5.5", { "mapcount", "downgrade", "gather", "off", "none", "read", "off", "none", "none", "share", "off", "off", "reuse_swap_page", "get_only", "off", "one_vma", "off" } },
	{ "v5.8", { "mapcount", "downgrade", "elided", "off", "anon", "read", "off", "none", "break_cow", "share", "off", "off", "reuse_swap_page", "get_only", "off", "one_vma", "off" } },
	{ "v5.9", { "page_count", "downgrade", "elided", "off", "anon", "read", "off", "none", "none", "copy", "off", "off", "reuse_swap_page", "get_only", "off", "one_vma", "off" } },
	{ "v5.10", { "page_count", "downgrade", "elided", "off", "anon", "read", "off", "none", "none", "copy", "off", "off", "reuse_swap_page", "get_only", "off", "one_vma", "off" } },
	{ "v5.11", { "page_count", "write", "elided", "on", "anon", "read", "off", "none", "none", "copy", "off", "off", "reuse_swap_page", "get_only", "on", "one_vma", "off" } },
	{ "v5.12", { "page_count", "write", "flush_mm", "on", "anon", "read", "off", "flush_page", "none", "copy", "off", "off", "reuse_swap_page", "get_only", "on", "one_vma", "off" } },
	{ "v5.18", { "page_count_swapcache", "write", "flush_mm", "on", "anon", "read", "off", "flush_page", "none", "copy", "off", "off", "page_count", "eexist_bail", "on", "one_vma", "off" } },
	{ "v5.19", { "anon_exclusive", "write", "flush_mm", "on", "anon", "read", "off", "flush_page", "none", "copy", "anon", "off", "page_count", "eexist_bail", "on", "one_vma", "on" } },
	{ "v6.0", { "anon_exclusive", "write", "flush_mm", "on", "anon", "read", "off", "flush_page", "none", "copy", "anon", "dirty", "page_count", "eexist_bail", "on", "one_vma", "on" } },
	{ "v6.2", { "anon_exclusive", "write", "flush_mm", "on", "anon", "read", "off", "flush_page", "none", "copy", "cow_mapping", "exclusive", "page_count", "eexist_bail", "on", "one_vma", "on" } },
	{ "latest", { "anon_exclusive", "write", "flush_mm", "on", "anon", "read", "off", "flush_page", "none", "copy", "cow_mapping", "exclusive", "page_count", "eexist_bail", "on", "vma_walk", "on" } },
};

static void test_selfcheck(void **state)
{
	char err[256];

	(void)state;
	if (fl_policy_selfcheck(err, sizeof(err)))
		fail_msg("%s", err);
}

static void test_timelines_ordered(void **state)
{
	(void)state;
	for (int s = 0; s < FL_SW__COUNT; s++) {
		struct fl_timeline_entry tl[FL_MAX_TIMELINE];
		const struct fl_switch_desc *d = fl_switch_desc(s);
		int n = fl_switch_timeline(s, tl);

		assert_true(n >= 1);
		assert_string_equal(tl[0].release, "");
		assert_int_equal(tl[0].value, 0);
		for (int i = 0; i < n; i++) {
			assert_true(tl[i].value >= 0 && tl[i].value < d->nvalues);
			assert_false(d->values[tl[i].value].proposed);
			assert_false(d->values[tl[i].value].counterfactual);
			if (i > 1)
				assert_true(fl_release_cmp(tl[i - 1].release, tl[i].release) <= 0);
		}
	}
}

static void test_presets_in_range(void **state)
{
	(void)state;
	for (int p = 0; p < fl_preset_count(); p++)
		for (int s = 0; s < FL_SW__COUNT; s++)
			assert_true(fl_preset_at(p)->pol.v[s] < fl_switch_desc(s)->nvalues);
}

/* A revert is an entry too: GUP's COW break arrives in v5.8 and goes in v5.9. */
static void test_revert(void **state)
{
	int sw = fl_switch_find("gup_cow");

	(void)state;
	assert_true(sw >= 0);
	assert_int_equal(fl_switch_value_at(sw, "v5.7"), fl_switch_value_find(sw, "none"));
	assert_int_equal(fl_switch_value_at(sw, "v5.8"), fl_switch_value_find(sw, "break_cow"));
	assert_int_equal(fl_switch_value_at(sw, "v5.9"), fl_switch_value_find(sw, "none"));
	assert_int_equal(fl_switch_value_at(sw, "latest"), fl_switch_value_find(sw, "none"));
}

static void test_release_order(void **state)
{
	(void)state;
	assert_true(fl_release_cmp("v5.9", "v5.10") < 0);
	assert_true(fl_release_cmp("v5.19", "v6.0") < 0);
	assert_true(fl_release_cmp("v6.4", "latest") < 0);
	assert_true(fl_release_cmp("", "v5.4") < 0);
	assert_int_equal(fl_release_cmp("v5.10", "v5.10"), 0);
}

static void test_derived_equal_hand_written(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hand_written) / sizeof(hand_written[0]); i++) {
		int p = fl_preset_find(hand_written[i].preset);

		assert_true(p >= 0);
		for (int k = 0; k < NSW; k++) {
			int s = fl_switch_find(switch_order[k]);
			const struct fl_switch_desc *d = fl_switch_desc(s);

			assert_true(s >= 0);
			if (strcmp(d->values[fl_preset_at(p)->pol.v[s]].name, hand_written[i].v[k]))
				fail_msg("preset %s: %s is %s, the hand-written table said %s", hand_written[i].preset,
					 switch_order[k], d->values[fl_preset_at(p)->pol.v[s]].name, hand_written[i].v[k]);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selfcheck),
		cmocka_unit_test(test_timelines_ordered),
		cmocka_unit_test(test_presets_in_range),
		cmocka_unit_test(test_revert),
		cmocka_unit_test(test_release_order),
		cmocka_unit_test(test_derived_equal_hand_written),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
