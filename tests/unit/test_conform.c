/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_conform.c - the pure parts of `faultline conform`:
 * outcome masks and comparison (litmus/outcome.c), the model's outcome
 * set (conform/model.c), the preset chosen for a host release
 * (host/caps.c), and how conform adapts to the probed host facts: each
 * probe's answer is faked (a directory standing for /sys, /proc and /boot,
 * or the measured fields of struct fl_host_caps set by hand) and the test
 * checks the switch conform sets or the reason it gives for unsupported.
 * The host backend itself runs real processes and is exercised by `make
 * conform` and tests/check_conform_cleanup.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/userfaultfd.h>

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


/* A register written by two ops is compared under the mask of the last one (issue 14, item 13). */
static void test_mask_last_writer(void **state)
{
	static struct fl_scenario sc;
	struct fl_outcome_mask m;

	(void)state;
	parse("mm t\ninit {\n  P0: A = mmap(1, anon rw)\n  P0: r0 = read(A+0)\n  P0: r0 = pagemap(A)\n"
	      "  P0: r1 = pagemap(A)\n  P0: r1 = read(A+0)\n}\nexpect latest ok\n", &sc);
	fl_outcome_mask_init(&sc, true, &m);
	assert_int_equal(m.bits[0][0], FL_PM_COMPARED);
	assert_int_equal(m.bits[0][1], UINT64_MAX);
}

/* ---- the host facts: faked probes ---- */

static void put(const char *root, const char *path, const char *text)
{
	char full[512], dir[512], *slash;
	FILE *f;

	snprintf(full, sizeof(full), "%s%s", root, path);
	snprintf(dir, sizeof(dir), "%s", full);
	for (char *p = dir + strlen(root) + 1; (slash = strchr(p, '/')); p = slash + 1) {
		*slash = '\0';
		mkdir(dir, 0700);
		*slash = '/';
	}
	f = fopen(full, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

#define THP "/sys/kernel/mm/transparent_hugepage"

/* A host described by files: THP / mTHP words, sysctls, debugfs, the config, /proc/swaps. */
static void test_probe_files(void **state)
{
	char root[] = "/tmp/faultline-fakehost-XXXXXX", cmd[600];
	struct fl_host_caps c;

	(void)state;
	assert_non_null(mkdtemp(root));
	put(root, THP "/enabled", "always [madvise] never\n");
	put(root, THP "/shmem_enabled", "always within_size advise [never] deny force\n");
	put(root, THP "/use_zero_page", "1\n");
	put(root, THP "/hugepages-16kB/enabled", "[always] inherit madvise never\n");
	put(root, THP "/hugepages-16kB/shmem_enabled", "always inherit within_size advise [never]\n");
	put(root, THP "/hugepages-64kB/enabled", "always inherit madvise [never]\n");
	put(root, THP "/hugepages-64kB/shmem_enabled", "always inherit [within_size] advise never\n");
	put(root, THP "/hugepages-2048kB/enabled", "always [inherit] madvise never\n");
	put(root, THP "/hugepages-2048kB/shmem_enabled", "always [inherit] within_size advise never\n");
	put(root, "/sys/kernel/debug/fault_around_bytes", "65536\n");
	put(root, "/proc/sys/vm/unprivileged_userfaultfd", "1\n");
	put(root, "/proc/sys/kernel/io_uring_disabled", "2\n");
	put(root, "/boot/config-6.99.0-fake", "# CONFIG_MEM_SOFT_DIRTY is not set\nCONFIG_PER_VMA_LOCK=y\n");
	put(root, "/proc/swaps", "Filename\tType\tSize\tUsed\tPriority\n/swapfile file 1024 0 -2\n");

	memset(&c, 0, sizeof(c));
	snprintf(c.release, sizeof(c.release), "6.99.0-fake");
	fl_host_probe_files(root, &c);
	assert_string_equal(c.thp_anon, "madvise");
	assert_string_equal(c.thp_shmem, "never");
	/* 16kB always (4 pages, bit 2); 2048kB inherits "madvise": not without a hint. */
	assert_int_equal(c.thp_anon_pages, 1u << 2);
	/* shmem 64kB within_size (16 pages, bit 4); 2048kB inherits "never". */
	assert_int_equal(c.thp_shmem_pages, 1u << 4);
	assert_int_equal(c.fault_around_bytes, 65536);
	assert_int_equal(c.unpriv_uffd, 1);
	assert_int_equal(c.io_uring_disabled, 2);
	assert_int_equal(c.per_vma_lock, 1);
	assert_string_equal(c.config_src, "/boot/config-6.99.0-fake");
	assert_true(c.swap_active);
	assert_string_equal(c.swaps, "/swapfile");

	/* Top level "always": the PMD size inherits it. */
	put(root, THP "/enabled", "[always] madvise never\n");
	put(root, "/proc/swaps", "Filename\tType\tSize\tUsed\tPriority\n");
	put(root, "/boot/config-6.99.0-fake", "CONFIG_MMU=y\n");
	memset(&c, 0, sizeof(c));
	snprintf(c.release, sizeof(c.release), "6.99.0-fake");
	fl_host_probe_files(root, &c);
	assert_int_equal(c.thp_anon_pages, (1u << 2) | (1u << 9));
	assert_false(c.swap_active);
	assert_int_equal(c.per_vma_lock, 0);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);

	/* Nothing readable: every file fact is unknown. */
	memset(&c, 0, sizeof(c));
	fl_host_probe_files("/nonexistent-faultline-root", &c);
	assert_int_equal(c.nthp, 0);
	assert_int_equal(c.thp_anon_pages, 0);
	assert_int_equal(c.fault_around_bytes, -1);
	assert_int_equal(c.unpriv_uffd, -1);
	assert_int_equal(c.per_vma_lock, -1);
	assert_false(c.swap_active);
}

/* A host every conformance test can run on: the baseline the cases below change one fact of. */
static void good_host(struct fl_host_caps *c)
{
	memset(c, 0, sizeof(*c));
	c->uffd = c->uffd_wp = c->io_uring = c->soft_dirty = c->swap_active = true;
	c->zero_page_read = c->uffd_zeropage = 1;
	c->fault_around_pages = 1;
	c->uffd_features = ~0ull;
}

/* The measured zero page becomes the host preset's zero_page_read, and the model follows. */
static void test_zero_page_apply(void **state)
{
	static struct fl_scenario sc;
	static struct fl_model_outcomes mo;
	struct fl_host_caps c;
	struct fl_policy pol;
	struct fl_outcome_mask m;
	char note[256], err[256];

	(void)state;
	good_host(&c);
	pol = fl_preset_at(fl_preset_find("latest"))->pol;
	note[0] = '\0';
	fl_host_apply(&c, &pol, note, sizeof(note));
	assert_int_equal(pol.v[FL_SW_ZERO_PAGE_READ], FL_ZERO_PAGE_USED);
	assert_string_equal(note, "");

	c.zero_page_read = 0;	/* as on a pvm_no_zero_page=1 guest: UFFDIO_ZEROPAGE still maps it */
	fl_host_apply(&c, &pol, note, sizeof(note));
	assert_int_equal(pol.v[FL_SW_ZERO_PAGE_READ], FL_ZERO_PAGE_FRESH_READ);
	assert_non_null(strstr(note, "zero_page_read=fresh_page"));

	c.uffd_zeropage = 0;	/* mm_forbids_zeropage(): both */
	fl_host_apply(&c, &pol, NULL, 0);
	assert_int_equal(pol.v[FL_SW_ZERO_PAGE_READ], FL_ZERO_PAGE_MM_FORBIDS);

	/* The model under each: a read fault's page is exclusive only without the zero page. */
	parse("mm z\ninit {\n  P0: A = mmap(1, anon rw)\n  P0: r0 = read(A+0)\n  P0: r1 = pagemap(A)\n}\n"
	      "expect latest ok\n", &sc);
	fl_outcome_mask_init(&sc, false, &m);
	assert_int_equal(fl_conform_model(&sc, &pol, &m, 1000, &mo, err, sizeof(err), -1), 0);
	assert_int_equal(mo.set.n, 1);
	assert_int_equal(mo.set.o[0].reg[0][1] & m.bits[0][1], FL_PM_PRESENT | FL_PM_MMAP_EXCLUSIVE);
	good_host(&c);
	fl_host_apply(&c, &pol, NULL, 0);
	assert_int_equal(fl_conform_model(&sc, &pol, &m, 1000, &mo, err, sizeof(err), -1), 0);
	assert_int_equal(mo.set.o[0].reg[0][1] & m.bits[0][1], FL_PM_PRESENT);
}

static bool unsupported(const char *text, const struct fl_host_caps *c, char *why, int len)
{
	static struct fl_scenario sc;

	parse(text, &sc);
	return fl_host_unsupported(&sc, c, why, len);
}

/* Facts the model cannot represent make exactly the tests that depend on them unsupported. */
static void test_config_unsupported(void **state)
{
	static const char big[] = "mm u\ninit {\n  P0: A = mmap(8, anon rw)\n  P0: write(A+0, 1)\n}\nexpect latest ok\n";
	static const char small[] = "mm u\ninit {\n  P0: A = mmap(2, anon rw)\n  P0: write(A+0, 1)\n}\nexpect latest ok\n";
	static const char shared2[] = "mm u\ninit {\n  P0: A = mmap(2, anon rw shared)\n  P0: r0 = read(A+0)\n}\n"
				      "expect latest ok\n";
	static const char shared1[] = "mm u\ninit {\n  P0: A = mmap(1, anon rw shared)\n  P0: r0 = read(A+0)\n}\n"
				      "expect latest ok\n";
	static const char zp[] = "mm u\ninit {\n  P0: A = mmap(1, anon rw)\n  P0: uffd_register(A, missing)\n"
				 "  P0: r0 = uffd_zeropage(A)\n}\nexpect latest ok\n";
	static const char wpshm[] = "mm u\ninit {\n  P0: A = mmap(1, anon rw shared)\n  P0: r0 = uffd_register(A, wp)\n}\n"
				    "expect latest ok\n";
	struct fl_host_caps c;
	char why[512];

	(void)state;
	good_host(&c);
	assert_false(unsupported(big, &c, why, sizeof(why)));
	assert_false(unsupported(shared2, &c, why, sizeof(why)));
	assert_false(unsupported(zp, &c, why, sizeof(why)));
	assert_false(unsupported(wpshm, &c, why, sizeof(why)));

	/* mTHP 16kB always: region A, pages 1-8, holds the aligned block 4-7; a 2-page region does not. */
	c.thp_anon_pages = 1u << 2;
	assert_true(unsupported(big, &c, why, sizeof(why)));
	assert_non_null(strstr(why, "t.litmus:3:7: anonymous THP: hugepages-16kB"));
	assert_false(unsupported(small, &c, why, sizeof(why)));
	assert_false(unsupported(shared2, &c, why, sizeof(why)));	/* anon sizes do not apply to shmem */
	c.thp_anon_pages = 0;
	c.thp_shmem_pages = 1u << 1;	/* shmem 8kB: region A is pages 1-2, no aligned pair */
	assert_false(unsupported(shared2, &c, why, sizeof(why)));
	c.thp_shmem_pages = 0;

	/*
	 * Fault-around: only a multi-page shared region depends on it, and only
	 * a window that switch fault_around has no value for (1 or 16 pages).
	 */
	c.fault_around_pages = 16;
	assert_false(unsupported(shared2, &c, why, sizeof(why)));
	c.fault_around_pages = 8;
	assert_true(unsupported(shared2, &c, why, sizeof(why)));
	assert_non_null(strstr(why, "fault-around: one read fault maps up to 8 pages"));
	assert_false(unsupported(shared1, &c, why, sizeof(why)));
	assert_false(unsupported(small, &c, why, sizeof(why)));
	c.fault_around_pages = -1;
	assert_true(unsupported(shared2, &c, why, sizeof(why)));
	assert_non_null(strstr(why, "fault-around: unknown"));
	c.fault_around_pages = 1;

	/* The zero page unmeasured: any private anonymous memory may depend on it. */
	c.zero_page_read = -1;
	assert_true(unsupported(small, &c, why, sizeof(why)));
	assert_non_null(strstr(why, "the zero page: could not measure"));
	assert_false(unsupported(shared1, &c, why, sizeof(why)));
	/* Zero page on read faults but not for UFFDIO_ZEROPAGE: no switch value says that. */
	c.zero_page_read = 1;
	c.uffd_zeropage = 0;
	assert_true(unsupported(zp, &c, why, sizeof(why)));
	assert_non_null(strstr(why, "t.litmus:5:7: uffd_zeropage"));
	assert_false(unsupported(small, &c, why, sizeof(why)));
	c.uffd_zeropage = 1;

	/* uffd-wp on shmem needs the feature bit UFFDIO_API offers for it. */
	c.uffd_features &= ~(uint64_t)UFFD_FEATURE_WP_HUGETLBFS_SHMEM;
	assert_true(unsupported(wpshm, &c, why, sizeof(why)));
	assert_non_null(strstr(why, "UFFD_FEATURE_WP_HUGETLBFS_SHMEM"));
	assert_false(unsupported(zp, &c, why, sizeof(why)));
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
		cmocka_unit_test(test_mask_last_writer),
		cmocka_unit_test(test_probe_files),
		cmocka_unit_test(test_zero_page_apply),
		cmocka_unit_test(test_config_unsupported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
