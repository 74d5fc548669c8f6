/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/model_fixture.h - build a machine from an init block and look at it.
 *
 * Shared by the unit tests that drive mm/ sequentially through the litmus
 * layer (test_mm.c, test_swap.c): no coroutine runs, so every yield is a
 * no-op and the state can be inspected between ops.  Include after cmocka.
 */
#ifndef FL_TEST_MODEL_FIXTURE_H
#define FL_TEST_MODEL_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "check/check.h"
#include "hw/hw.h"
#include "litmus/ast.h"
#include "litmus/interp.h"
#include "mm/mm.h"
#include "policy/policy.h"

#define FX_UNUSED __attribute__((unused))
#define VPN_A	FL_LIT_REGION_VPN(0)	/* region A's first page */
#define VPN_B	FL_LIT_REGION_VPN(1)
#define PROP(x)	(1u << FL_PROP_##x)

/* fl_interp_prepare keeps a pointer to the scenario: keep it static. */
static struct fl_scenario sc;
static char err[1024];

static FX_UNUSED struct fl_policy preset_pol(const char *name)
{
	int p = fl_preset_find(name);

	if (p < 0)
		fail_msg("unknown preset %s", name);
	return fl_preset_at(p)->pol;
}

/* Parse "mm t / init { @init }" and build the machine under @pol; no lock may be left held. */
static FX_UNUSED void prepare_pol(const struct fl_policy *pol, const char *init)
{
	char text[4096];

	snprintf(text, sizeof(text), "mm t\ninit {\n%s}\n", init);
	err[0] = '\0';
	if (fl_parse_string("t.litmus", text, &sc, err, sizeof(err)))
		fail_msg("parse: %s\n--- input ---\n%s", err, text);
	if (fl_interp_prepare(&sc, pol, err, sizeof(err)))
		fail_msg("prepare: %s\n--- input ---\n%s", err, text);
	assert_int_equal(fl_sim.cur, -1);
	for (int m = 0; m < FL_MAX_MM; m++) {
		assert_int_equal(fl_mm.mm[m].mmap_lock.readers, 0);
		assert_int_equal(fl_mm.mm[m].mmap_lock.writer, 0);
		for (int t = 0; t < FL_TABLES; t++)
			assert_int_equal(fl_mm.mm[m].ptl[t].owner, 0);
	}
	for (int pfn = 0; pfn < FL_MAX_FRAMES; pfn++)
		assert_false(fl_mm.page[pfn].flags & PG_locked);
}

static FX_UNUSED void prepare(const char *preset, const char *init)
{
	struct fl_policy pol = preset_pol(preset);

	prepare_pol(&pol, init);
}

static FX_UNUSED uint64_t reg(int r)
{
	bool set;
	uint64_t v = fl_interp_reg(-1, r, &set);

	if (!set)
		fail_msg("init:r%d was never set", r);
	return v;
}

static FX_UNUSED pte_t pte(int mm, int vpn)
{
	return fl_hw.pgtable[mm][vpn];
}

/* The interpreter's end of execution: final checks, then teardown. */
static FX_UNUSED uint32_t finish(void)
{
	return fl_interp_program().finish(NULL, false);
}

#endif
