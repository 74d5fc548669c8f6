/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_gen.c - the random generators (conform/randgen.c), the
 * delta-debugging minimiser (conform/ddmin.c) and the known-open list
 * (conform/known.c).  Running the generated files against the host is
 * tests/check_random.sh's job.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/props.h"
#include "conform/ddmin.h"
#include "conform/known.h"
#include "conform/randgen.h"
#include "litmus/ast.h"

#define ALL_SEQ_OPS fl_gen_seq_ops()

/* Every generated file parses, sequential ones are init-only with 10-30 ops, and all are reproducible. */
static void test_generators_valid(void **state)
{
	static char a[8192], b[8192];
	static struct fl_scenario sc;
	char err[512];
	uint64_t seen = 0;

	(void)state;
	for (uint64_t i = 0; i < 400; i++) {
		assert_int_equal(fl_gen_seq(7, i, ALL_SEQ_OPS, a, sizeof(a)), 0);
		if (fl_parse_string("seq", a, &sc, err, sizeof(err)))
			fail_msg("%s\n%s", err, a);
		assert_int_equal(sc.nthreads, 0);
		assert_true(sc.ninit >= 10 && sc.ninit <= 30);
		seen |= fl_known_uses(&sc);
		assert_int_equal(fl_gen_seq(7, i, ALL_SEQ_OPS, b, sizeof(b)), 0);
		assert_string_equal(a, b);

		assert_int_equal(fl_gen_conc(7, i, a, sizeof(a)), 0);
		if (fl_parse_string("conc", a, &sc, err, sizeof(err)))
			fail_msg("%s\n%s", err, a);
		assert_true(sc.nthreads >= 2 && sc.nthreads <= 4);
		assert_int_equal(fl_gen_conc(7, i, b, sizeof(b)), 0);
		assert_string_equal(a, b);
	}
	/*
	 * Every op the host backend runs has a generator weight (but mmap and
	 * memfd: the generator lays out the regions and the file itself), and
	 * shows up in 400 files; memfd shows up too.
	 */
	assert_true(seen & (1ull << FL_OP_MEMFD));
	for (int k = 0; k < FL_OP__COUNT; k++) {
		if (!fl_ops[k].nohost && k != FL_OP_MMAP && k != FL_OP_MEMFD && !fl_ops[k].gen)
			fail_msg("op %s runs on the host but has no generator weight (litmus/ops.h)", fl_ops[k].name);
		if (fl_ops[k].gen && !(seen & (1ull << k)))
			fail_msg("op %s never generated", fl_ops[k].name);
	}
}

static void test_ops_parse(void **state)
{
	uint64_t m;
	char err[128];

	(void)state;
	assert_int_equal(fl_gen_ops_parse("read,uffd_wp", &m, err, sizeof(err)), 0);
	assert_int_equal(m, (1ull << FL_OP_READ) | (1ull << FL_OP_UFFD_WP));
	assert_int_equal(fl_gen_ops_parse("read,bogus", &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bogus"));
	/* A real op the generator does not write is refused with the reason. */
	assert_int_equal(fl_gen_ops_parse("evict", &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "TLB"));
}

/* A failure needs the lines "  x" and "  z" together. */
static bool needs_x_and_z(const char *text, void *ctx)
{
	(*(int *)ctx)++;
	return strstr(text, "  x\n") && strstr(text, "  z\n");
}

static void test_ddmin(void **state)
{
	char text[256] = "head\n  a\n  x\n  b\n  c\n  d\n  z\n  e\n}\n";
	int calls = 0;

	(void)state;
	fl_ddmin_lines(text, sizeof(text), needs_x_and_z, &calls, 100);
	assert_string_equal(text, "head\n  x\n  z\n}\n");
	assert_true(calls > 0 && calls <= 100);
}

static void write_tmp(char *path, const char *text)
{
	int fd;

	strcpy(path, "/tmp/fl-known-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void test_known(void **state)
{
	static struct fl_known_list l;
	static struct fl_scenario sc;
	char path[64], err[256];
	struct fl_known_diff d;

	(void)state;
	write_tmp(path, "prose is ignored\n"
			"known 1 mode=seq reg=vmsplice host=0 model=segv\n"
			"known 7 mode=seq uses=uffd_register*2 model=blocked\n"
			"known 6 mode=seq reg=vmsplice model=blocked\n"
			"known 12 mode=seq error=madvise(MADV_PAGEOUT): Invalid argument\n"
			"known 9 mode=conc prop=page-leak shared=yes lacks=uffd_copy\n"
			"known fact-z mode=seq fact=no_zero_page reg=pagemap host=present|exclusive model=present\n");
	assert_int_equal(fl_known_load(path, &l, err, sizeof(err)), 0);
	unlink(path);
	assert_int_equal(l.n, 6);
	assert_int_equal(fl_parse_string("t", "mm t\ninit {\n  A = mmap(1, anon rw shared)\n  r0 = vmsplice(A)\n}\n", &sc,
					 err, sizeof(err)), 0);
	d = (struct fl_known_diff){ .slot = 0, .reg = 0, .kind = FL_OP_VMSPLICE, .host = 0, .model = FL_VAL_SEGV,
				    .host_set = true, .model_set = true };
	assert_string_equal(fl_known_match_diff(&l, &sc, 0, &d)->item, "1");
	d.host = 1;
	assert_null(fl_known_match_diff(&l, &sc, 0, &d));
	d = (struct fl_known_diff){ .slot = -1, .kind = FL_OP_VMSPLICE, .model_blocked = true };
	assert_string_equal(fl_known_match_diff(&l, &sc, 0, &d)->item, "6");	/* one register: not item 7 */
	{
		static struct fl_scenario two;

		assert_int_equal(fl_parse_string("t", "mm t\ninit {\n  A = mmap(1, anon rw)\n  uffd_register(A, missing)\n"
						 "  uffd_register(A, wp)\n  r0 = vmsplice(A)\n}\n", &two, err, sizeof(err)), 0);
		assert_string_equal(fl_known_match_diff(&l, &two, 0, &d)->item, "7");
	}
	d.kind = FL_OP_READ;
	assert_null(fl_known_match_diff(&l, &sc, 0, &d));
	d = (struct fl_known_diff){ .slot = 0, .kind = FL_OP_PAGEMAP, .host = FL_PM_PRESENT | FL_PM_MMAP_EXCLUSIVE,
				    .model = FL_PM_PRESENT, .host_set = true, .model_set = true };
	assert_null(fl_known_match_diff(&l, &sc, 0, &d));	/* the fact was not measured */
	assert_string_equal(fl_known_match_diff(&l, &sc, FL_FACT_NO_ZERO_PAGE, &d)->item, "fact-z");
	assert_non_null(fl_known_match_error(&l, &sc, 0, "x.litmus:3:1: line 3: madvise(MADV_PAGEOUT): Invalid argument"));
	assert_null(fl_known_match_error(&l, &sc, 0, "x.litmus:3:1: line 3: mmap at 0x1: File exists"));
	assert_string_equal(fl_known_match_prop(&l, &sc, 0, FL_PROP_PAGE_LEAK, "")->item, "9");
	assert_null(fl_known_match_prop(&l, &sc, 0, FL_PROP_LOST_WRITE, ""));

	/* A bad field is located. */
	write_tmp(path, "\nknown 1 mode=seq reg=nosuchop\n");
	assert_int_equal(fl_known_load(path, &l, err, sizeof(err)), -1);
	unlink(path);
	assert_non_null(strstr(err, ":2:18: "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generators_valid),
		cmocka_unit_test(test_ops_parse),
		cmocka_unit_test(test_ddmin),
		cmocka_unit_test(test_known),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
