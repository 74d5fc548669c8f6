/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_conform.c - the pure parts of `faultline conform`:
 * outcome masks and comparison (litmus/outcome.c), the model's outcome
 * set (conform/model.c), and the preset chosen for a host release
 * (host/caps.c).  The host backend itself runs real processes and is
 * exercised by `make conform` and tests/check_conform_cleanup.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "conform/conform.h"
#include "host/host.h"
#include "policy/policy.h"

static void parse(const char *text, struct fl_scenario *sc)
{
	char err[256];

	if (fl_parse_string("t.litmus", text, sc, err, sizeof(err)))
		fail_msg("%s", err);
}

static const char two_regs[] =
	"mm t\n"
	"init {\n"
	"  P0: A = mmap(1, anon rw)\n"
	"  P0: r0 = read(A+0)\n"
	"  P0: r1 = pagemap(A)\n"
	"}\n"
	"T0 P0@cpu0 { r2 = write(A+0, 1) }\n"
	"expect latest ok\n";

/* Registers the scenario writes are compared; a pagemap register only on its flag bits. */
static void test_masks(void **state)
{
	static struct fl_scenario sc;
	struct fl_outcome_mask m;

	(void)state;
	parse(two_regs, &sc);
	fl_outcome_mask_init(&sc, true, &m);
	assert_int_equal(m.bits[0][0], UINT64_MAX);
	assert_int_equal(m.bits[0][1], FL_PM_COMPARED);
	assert_int_equal(m.bits[1][2], UINT64_MAX);
	assert_int_equal(m.bits[0][2], 0);
	assert_int_equal(m.bits[1][0], 0);
	/* No soft-dirty on the host: bit 55 is not compared. */
	fl_outcome_mask_init(&sc, false, &m);
	assert_int_equal(m.bits[0][1], FL_PM_COMPARED & ~FL_PM_SOFT_DIRTY);
}

static void test_compare(void **state)
{
	static struct fl_scenario sc;
	struct fl_outcome_mask m;
	struct fl_outcome a, b;
	char buf[256];

	(void)state;
	parse(two_regs, &sc);
	fl_outcome_mask_init(&sc, false, &m);
	memset(&a, 0, sizeof(a));
	a.set[0][0] = a.set[0][1] = a.set[1][2] = 1;
	a.reg[0][1] = FL_PM_PRESENT | FL_PM_SOFT_DIRTY | 12345;	/* a PFN and soft-dirty: not compared */
	b = a;
	b.reg[0][1] = FL_PM_PRESENT;
	assert_true(fl_outcome_eq(&a, &b, &m));
	b.reg[0][1] |= FL_PM_MMAP_EXCLUSIVE;
	assert_int_equal(fl_outcome_distance(&a, &b, &m), 1);
	b.set[1][2] = 0;
	b.blocked = true;
	assert_int_equal(fl_outcome_distance(&a, &b, &m), 3);
	/* Registers the scenario never writes do not count, whatever they hold. */
	b = a;
	b.reg[3][7] = 99;
	b.set[3][7] = 1;
	assert_true(fl_outcome_eq(&a, &b, &m));

	a.reg[1][2] = FL_VAL_SEGV;
	fl_outcome_fmt(&sc, &a, &m, buf, sizeof(buf));
	assert_string_equal(buf, "init:r0=0 init:r1=present T0:r2=segv");
	b = a;
	b.reg[0][0] = 7;
	fl_outcome_diff(&sc, &a, &b, &m, buf, sizeof(buf));
	assert_string_equal(buf, "init:r0=0 (model 7)");
}

static void test_outset(void **state)
{
	static struct fl_scenario sc;
	struct fl_outcome_mask m;
	struct fl_outcome_set s;
	struct fl_outcome o;

	(void)state;
	parse(two_regs, &sc);
	fl_outcome_mask_init(&sc, true, &m);
	memset(&s, 0, sizeof(s));
	memset(&o, 0, sizeof(o));
	for (int i = 0; i < FL_OUTSET_MAX + 5; i++) {
		o.set[0][0] = 1;
		o.reg[0][0] = (uint64_t)(i % (FL_OUTSET_MAX + 1));
		fl_outset_add(&s, &o, &m);
	}
	assert_int_equal(s.n, FL_OUTSET_MAX);
	assert_true(s.overflow);
	o.reg[0][0] = 3;
	assert_int_equal(fl_outset_find(&s, &o, &m), 3);
	assert_int_equal(s.count[3], 2);
}

/* The model side of conform: every outcome of a small race, from an unbounded search. */
static void test_model_outcomes(void **state)
{
	static struct fl_scenario sc;
	static struct fl_model_outcomes mo;
	struct fl_outcome_mask m;
	struct fl_outcome want;
	char err[256];

	(void)state;
	parse("mm mp\n"
	      "init {\n  P0: A = mmap(1, anon rw)\n}\n"
	      "T0 P0@cpu0 { write(A+0, 1); write(A+1, 1) }\n"
	      "T1 P0@cpu1 { r0 = read(A+1); r1 = read(A+0) }\n"
	      "expect latest ok\n", &sc);
	fl_outcome_mask_init(&sc, true, &m);
	assert_int_equal(fl_conform_model(&sc, &fl_preset_at(fl_preset_find("latest"))->pol, &m, 100000, &mo, err,
					  sizeof(err), -1), 0);
	assert_true(mo.complete);
	/* Sequential consistency: (0,0), (0,1), (1,1); never flag without data. */
	assert_int_equal(mo.set.n, 3);
	memset(&want, 0, sizeof(want));
	want.set[2][0] = want.set[2][1] = 1;
	want.reg[2][0] = 1;
	want.reg[2][1] = 0;
	assert_int_equal(fl_outset_find(&mo.set, &want, &m), -1);
	want.reg[2][1] = 1;
	assert_true(fl_outset_find(&mo.set, &want, &m) >= 0);
}

static void test_host_preset(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(fl_host_preset("6.18.44-fc-v595", why, sizeof(why)), fl_preset_find("latest"));
	assert_non_null(strstr(why, "newer than every numbered preset"));
	assert_int_equal(fl_host_preset("5.10.209-generic", why, sizeof(why)), fl_preset_find("v5.10"));
	assert_int_equal(fl_host_preset("5.15.0-91", why, sizeof(why)), fl_preset_find("v5.12"));
	assert_int_equal(fl_host_preset("6.1.0-18-amd64", why, sizeof(why)), fl_preset_find("v6.0"));
	assert_int_equal(fl_host_preset("6.2.0", why, sizeof(why)), fl_preset_find("v6.2"));
	assert_int_equal(fl_host_preset("4.19.0", why, sizeof(why)), -1);
	assert_int_equal(fl_host_preset("not-a-version", why, sizeof(why)), -1);
}

/* What the host cannot do is reported with the op's location. */
static void test_unsupported(void **state)
{
	static struct fl_scenario sc;
	struct fl_host_caps caps;
	char why[512];

	(void)state;
	memset(&caps, 0, sizeof(caps));
	caps.io_uring = caps.uffd = caps.uffd_wp = true;
	parse("mm u\ninit {\n  P0: A = mmap(1, anon rw)\n  P0: get_page(A)\n}\nexpect latest ok\n", &sc);
	assert_true(fl_host_unsupported(&sc, &caps, why, sizeof(why)));
	assert_non_null(strstr(why, "t.litmus:4:7: get_page"));
	parse("mm u\ninit {\n  P0: A = mmap(1, anon rw)\n  P0: clear_refs(soft_dirty)\n}\nexpect latest ok\n", &sc);
	assert_true(fl_host_unsupported(&sc, &caps, why, sizeof(why)));
	caps.soft_dirty = true;
	assert_false(fl_host_unsupported(&sc, &caps, why, sizeof(why)));
	parse("mm u\ninit {\n  P0: A = mmap(1, anon rw)\n  P0: pin_user_pages(A, ro)\n}\nexpect latest ok\n", &sc);
	assert_true(fl_host_unsupported(&sc, &caps, why, sizeof(why)));
	parse("mm u\ninit {\n  P0: A = mmap(1, anon rw)\n  P0: pin_user_pages(A, rw)\n}\nexpect latest ok\n", &sc);
	assert_false(fl_host_unsupported(&sc, &caps, why, sizeof(why)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_masks),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_outset),
		cmocka_unit_test(test_model_outcomes),
		cmocka_unit_test(test_host_preset),
		cmocka_unit_test(test_unsupported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
