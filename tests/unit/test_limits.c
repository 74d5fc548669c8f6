/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_limits.c - a scenario that needs more than the model's
 * fixed tables gets a located error, never a made-up answer or an abort
 * (litmus/limits.c, fl_sim_limit, docs/litmus.md "Limits of the model").
 * The scenarios that used to overflow and now fit are corpus files in
 * litmus/limits/.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "explore/explore.h"
#include "litmus/ast.h"
#include "litmus/interp.h"
#include "policy/policy.h"
#include "sim/sim.h"

static struct fl_scenario sc;
static char text[16384];
static int tlen;

static void emit(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tlen += vsnprintf(text + tlen, sizeof(text) - (size_t)tlen, fmt, ap);
	va_end(ap);
	assert_true(tlen < (int)sizeof(text));
}

static void begin(void)
{
	tlen = 0;
	text[0] = '\0';
	emit("mm t\n");
}

static void parse(void)
{
	char err[512];

	if (fl_parse_string("t.litmus", text, &sc, err, sizeof(err)))
		fail_msg("%s\n%s", err, text);
}

/* Prepare under latest; return the error ("" when it prepared). */
static const char *prepare(void)
{
	static char err[1024];

	err[0] = '\0';
	if (!fl_interp_prepare(&sc, &fl_preset_at(fl_preset_find("latest"))->pol, err, sizeof(err)))
		err[0] = '\0';
	return err;
}

/* Explore; return res.error. */
static const char *explore(void)
{
	static struct fl_explore_result res;
	struct fl_program prog = fl_interp_program();
	struct fl_explore_opts eo = { .strategy = FL_STRAT_DPOR, .preemptions = 0, .max_executions = 100 };

	memset(&res, 0, sizeof(res));
	fl_explore(&prog, &eo, &res);
	return res.error;
}

static void assert_has(const char *msg, const char *needle)
{
	if (!strstr(msg, needle))
		fail_msg("expected \"%s\" in \"%s\"", needle, msg);
}

/* 33 long-term pins: refused before anything runs, at the 33rd. */
static void test_views_bounded_by_ops(void **state)
{
	(void)state;
	begin();
	emit("init {\n  A = mmap(8, anon rw)\n");
	for (int i = 0; i < 31; i++)
		emit("  pin_user_pages(A+%d, rw)\n", 8 * (i % 8));
	emit("}\nT0 P0@cpu0 { pin_user_pages(A, rw); pin_user_pages(A+8, rw) }\n");
	parse();
	/* Init's pins are lines 4-34; the thread's second pin (column 37 of line 36) is the 33rd. */
	assert_has(prepare(), "t.litmus:36:37:");
	assert_has(prepare(), "33 pins and pipe buffers");
	assert_has(prepare(), "FL_MAX_VIEWS");
}

/* Nine remap_pfn of 8 device pages: 72 references, more than FL_MAX_HREFS. */
static void test_refs_bounded_by_ops(void **state)
{
	(void)state;
	begin();
	emit("init {\n");
	for (int r = 0; r < 8; r++)
		emit("  %c = mmap(8, anon rw)\n", 'A' + r);
	for (int r = 0; r < 8; r++)
		emit("  remap_pfn(%c, 8)\n", 'A' + r);
	emit("}\nT0 P0@cpu0 { munmap(A); remap_pfn(A, 8) }\n");
	parse();
	assert_has(prepare(), "t.litmus:20:");
	assert_has(prepare(), "FL_MAX_HREFS");
}

/* A VMA table that fills during init: the init op is named. */
static void test_vmas_in_init(void **state)
{
	(void)state;
	begin();
	emit("init {\n");
	for (int r = 0; r < 3; r++)
		emit("  %c = mmap(8, anon rw)\n", 'A' + r);
	for (int r = 0; r < 3; r++)
		for (int p = 1; p < 8; p += 2)
			emit("  mprotect(%c+%d, 1, ro)\n", 'A' + r, 8 * p);
	emit("}\n");
	parse();
	/* A ends up as 8 VMAs, C is 1: B's fourth split (line 13) makes the 17th. */
	assert_has(prepare(), "t.litmus:13:3:");
	assert_has(prepare(), "init: limit of the model");
	assert_has(prepare(), "FL_MAX_VMAS");
}

/* Frames that run out in a thread: the exploration stops with the thread's op and a schedule. */
static void test_frames_in_thread(void **state)
{
	const char *err;

	(void)state;
	begin();
	emit("init {\n");
	for (int r = 0; r < 8; r++)
		emit("  %c = mmap(8, anon rw)\n", 'A' + r);
	emit("  P1 = fork()\n  P2 = fork()\n  P3 = fork()\n}\n");
	for (int t = 0; t < 4; t++) {
		emit("T%d P%d@cpu%d {", t, t, t);
		for (int i = 0; i < 32; i++)
			emit(" write(%c+%d, 1);", 'A' + i / 8, 8 * (i % 8));
		emit(" }\n");
	}
	parse();
	assert_string_equal(prepare(), "");
	err = explore();
	assert_has(err, "t.litmus:");
	assert_has(err, ": T3: limit of the model: out of page frames");
	assert_has(err, "FL_MAX_FRAMES");
	assert_has(err, "--schedule ");
}

/* A swap device that fills: a limit, not a page that stays mapped. */
static void test_swap_slots(void **state)
{
	(void)state;
	begin();
	emit("init {\n");
	for (int r = 0; r < 4; r++)
		emit("  %c = mmap(8, anon rw)\n", 'A' + r);
	for (int i = 0; i < 28; i++)
		emit("  write(%c+%d, 1)\n", 'A' + i / 8, 8 * (i % 8));
	emit("}\nT0 P0@cpu0 { write(D+32, 1); write(D+40, 1); write(D+48, 1); write(D+56, 1);"
	     " madvise_pageout(A); madvise_pageout(B); madvise_pageout(C); madvise_pageout(D) }\n");
	parse();
	assert_string_equal(prepare(), "");
	assert_has(explore(), "FL_SWAP_SLOTS");
}

/* A thread that never finishes: FL_MAX_STEPS, naming where it is. */
static void spin_body(int tid)
{
	(void)tid;
	for (;;)
		fl_sim_yield(1, FL_ACC_R, "spin");
}

static void spin_reset(void *ctx)
{
	(void)ctx;
	fl_sim_begin();
}

static uint32_t spin_finish(void *ctx, bool deadlock)
{
	(void)ctx;
	(void)deadlock;
	return 0;
}

static void test_steps(void **state)
{
	static struct fl_explore_result res;
	int cpus[1] = { 0 }, labels[1] = { 0 };
	struct fl_program prog = { .reset = spin_reset, .finish = spin_finish, .nprops = 1 };
	struct fl_explore_opts eo = { .strategy = FL_STRAT_DPOR, .preemptions = 0, .max_executions = 10 };

	(void)state;
	fl_sim.locate = NULL;
	fl_sim_setup(1, cpus, labels, spin_body);
	fl_explore(&prog, &eo, &res);
	assert_has(res.error, "FL_MAX_STEPS");
	assert_has(res.error, "in spin");
	assert_false(res.complete);
	fl_sim_teardown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_views_bounded_by_ops),
		cmocka_unit_test(test_refs_bounded_by_ops),
		cmocka_unit_test(test_vmas_in_init),
		cmocka_unit_test(test_frames_in_thread),
		cmocka_unit_test(test_swap_slots),
		cmocka_unit_test(test_steps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
