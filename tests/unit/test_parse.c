/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_parse.c - the litmus parser (litmus/parse.c).
 *
 * The headline example must parse field by field; each op form and each
 * error class is pinned to its exact line:col; and a deterministic mutation
 * loop feeds the parser broken copies of the example, which must never crash
 * (run under ASan/UBSan) and must either parse into a sane scenario or fail
 * with "file:line:col: message".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "litmus/ast.h"
#include "policy/policy.h"

static const char example[] =
	"# Soft-dirty clear_refs write-protects the PTE, but the mmu_gather flush is elided (v5.5-v5.11):\n"
	"# cpu2 keeps a writable TLB entry. With page_count-based COW reuse (v5.9+), a write fault on cpu1\n"
	"# copies the page while cpu2 still stores into the old one. Seed 000, races R3 and R4.\n"
	"mm clear-refs-cow-race\n"
	"\"seed 000 R3/R4: clear_refs + COW copy + stale writable TLB entry\"\n"
	"\n"
	"init {\n"
	"  P0: A = mmap(1, anon rw)\n"
	"  P0@cpu2: write(A+0, 1)     # fault the page in; cpu2 caches a writable, dirty translation\n"
	"  P0: get_page(A)            # an extra reference, as an LRU batch or mlock would hold\n"
	"}\n"
	"\n"
	"T0 P0@cpu0 { clear_refs(soft_dirty) }\n"
	"T1 P0@cpu1 { write(A+0, 2) }\n"
	"T2 P0@cpu2 { write(A+1, 3) }\n"
	"\n"
	"expect v5.4  ok\n"
	"expect v5.8  soft-dirty-miss\n"
	"expect v5.10 lost-write soft-dirty-miss\n"
	"expect v5.11 lost-write soft-dirty-miss\n"
	"expect v5.12 ok\n"
	"expect latest ok\n";

/* Big: keep it off the stack. */
static struct fl_scenario sc;
static char err[1024];

#define PROP(x) (1u << FL_PROP_##x)

static int parse(const char *text)
{
	err[0] = '\0';
	return fl_parse_string("t.litmus", text, &sc, err, sizeof(err));
}

static void parse_ok(const char *text)
{
	if (parse(text) != 0)
		fail_msg("unexpected error: %s\n--- input ---\n%s", err, text);
}

/* The parse fails at @line:@col and the message contains @part. */
static void parse_err(const char *text, int line, int col, const char *part)
{
	char want[64];

	if (parse(text) == 0)
		fail_msg("parsed, but expected an error at %d:%d (%s)\n--- input ---\n%s",
			 line, col, part, text);
	snprintf(want, sizeof(want), "t.litmus:%d:%d: ", line, col);
	if (strncmp(err, want, strlen(want)) != 0 || !strstr(err, part))
		fail_msg("expected \"%s...%s...\", got \"%s\"", want, part, err);
}

static void check_op(const struct fl_lit_op *op, enum fl_lit_kind kind, int line, int col)
{
	assert_int_equal(op->kind, kind);
	assert_int_equal(op->loc.line, line);
	assert_int_equal(op->loc.col, col);
}

/* --- the headline example ------------------------------------------------- */

static void test_example(void **state)
{
	const struct fl_lit_op *op;
	(void)state;

	parse_ok(example);
	assert_string_equal(sc.file, "t.litmus");
	assert_string_equal(sc.name, "clear-refs-cow-race");
	assert_string_equal(sc.desc, "seed 000 R3/R4: clear_refs + COW copy + stale writable TLB entry");
	assert_int_equal(sc.nprocs, 1);
	assert_int_equal(sc.ncpus, 3);
	assert_int_equal(sc.preemptions, -1);
	assert_int_equal(sc.nassert, 0);

	assert_int_equal(sc.nregions, 1);
	assert_string_equal(sc.regions[0].name, "A");
	assert_int_equal(sc.regions[0].npages, 1);
	assert_int_equal(sc.regions[0].loc.line, 8);
	assert_int_equal(sc.regions[0].loc.col, 7);

	assert_int_equal(sc.ninit, 3);
	op = &sc.init[0];
	check_op(op, FL_OP_MMAP, 8, 7);
	assert_int_equal(op->proc, 0);
	assert_int_equal(op->cpu, 0);
	assert_int_equal(op->reg, -1);
	assert_int_equal(op->addr.region, 0);
	assert_int_equal(op->npages, 1);
	assert_int_equal(op->prot, FL_PROT_READ | FL_PROT_WRITE);
	assert_int_equal(op->mflags, FL_MAP_ANON);
	op = &sc.init[1];
	check_op(op, FL_OP_WRITE, 9, 12);
	assert_int_equal(op->proc, 0);
	assert_int_equal(op->cpu, 2);
	assert_int_equal(op->reg, -1);
	assert_int_equal(op->addr.region, 0);
	assert_int_equal(op->addr.offset, 0);
	assert_int_equal(op->value, 1);
	op = &sc.init[2];
	check_op(op, FL_OP_GET_PAGE, 10, 7);
	assert_int_equal(op->cpu, 0);
	assert_int_equal(op->addr.region, 0);
	assert_int_equal(op->addr.offset, 0);

	assert_int_equal(sc.nthreads, 3);
	for (int i = 0; i < 3; i++) {
		const struct fl_lit_thread *th = &sc.threads[i];

		assert_int_equal(th->id, i);
		assert_int_equal(th->proc, 0);
		assert_int_equal(th->cpu, i);
		assert_int_equal(th->loc.line, 13 + i);
		assert_int_equal(th->loc.col, 1);
		assert_int_equal(th->nops, 1);
		assert_int_equal(th->ops[0].proc, 0);
		assert_int_equal(th->ops[0].reg, -1);
	}
	op = &sc.threads[0].ops[0];
	check_op(op, FL_OP_CLEAR_REFS, 13, 14);
	assert_int_equal(op->clear_refs_type, FL_CLEAR_REFS_SOFT_DIRTY);
	op = &sc.threads[1].ops[0];
	check_op(op, FL_OP_WRITE, 14, 14);
	assert_int_equal(op->addr.offset, 0);
	assert_int_equal(op->value, 2);
	op = &sc.threads[2].ops[0];
	check_op(op, FL_OP_WRITE, 15, 14);
	assert_int_equal(op->addr.offset, 1);
	assert_int_equal(op->value, 3);

	assert_int_equal(sc.nexpect, 6);
	{
		static const struct {
			const char *kernel;
			fl_propset props;
		} want[] = {
			{ "v5.4", 0 },
			{ "v5.8", PROP(SOFT_DIRTY_MISS) },
			{ "v5.10", PROP(LOST_WRITE) | PROP(SOFT_DIRTY_MISS) },
			{ "v5.11", PROP(LOST_WRITE) | PROP(SOFT_DIRTY_MISS) },
			{ "v5.12", 0 },
			{ "latest", 0 },
		};

		for (int i = 0; i < 6; i++) {
			const struct fl_lit_expect *e = &sc.expect[i];

			assert_string_equal(e->kernel, want[i].kernel);
			assert_int_equal(e->preset, fl_preset_find(want[i].kernel));
			assert_int_equal(e->nsets, 0);
			assert_int_equal(e->props, want[i].props);
			assert_int_equal(e->loc.line, 17 + i);
			assert_int_equal(e->loc.col, 1);
		}
	}
}

/* The same text through a file; the path is kept (truncated) for messages. */
static void test_example_file(void **state)
{
	char path[512], longname[251];
	FILE *f;
	(void)state;

	snprintf(path, sizeof(path), "/tmp/fl_test_parse_%d.litmus", (int)getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(example, f);
	fclose(f);
	assert_int_equal(fl_parse_file(path, &sc, err, sizeof(err)), 0);
	assert_string_equal(sc.file, path);
	assert_int_equal(sc.nexpect, 6);
	remove(path);

	/* A path longer than scenario.file: cut at 255 bytes, still terminated. */
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	snprintf(path, sizeof(path), "/tmp/%s", longname);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(example, f);
	fclose(f);
	assert_int_equal(fl_parse_file(path, &sc, err, sizeof(err)), 0);
	assert_int_equal(strlen(sc.file), sizeof(sc.file) - 1);
	assert_memory_equal(sc.file, path, sizeof(sc.file) - 1);
	remove(path);
}

/* --- each op form --------------------------------------------------------- */

static void test_ops(void **state)
{
	const struct fl_lit_op *op;
	(void)state;

	parse_ok("mm ops.all+1_x\n"
		 "init {\n"
		 "  A = mmap(2, anon rw)\n"				/* 3 */
		 "  B = mmap(1, ro anon shared)\n"			/* 4 */
		 "  C = mmap(8, none private anon)\n"			/* 5 */
		 "  P1 = fork()\n"					/* 6 */
		 "  P1@cpu3: r2 = read(A+15)\n"				/* 7 */
		 "  r7 = write(B + 0x7, 0xffffffffffffffff)\n"		/* 8 */
		 "}\n"
		 "T4 P1@cpu1 {\n"					/* 10 */
		 "  read(A+8); r0 = read(A)  // two on a line\n"	/* 11 */
		 "  write(A+1, 42)\n"					/* 12 */
		 "  r1 = pagemap(C+63)\n"				/* 13 */
		 "  munmap(C)\n"					/* 14 */
		 "  munmap(C+16, 6)\n"					/* 15 */
		 "  mprotect(A, ro)\n"					/* 16 */
		 "  mprotect(A+8, 1, none)\n"				/* 17 */
		 "  get_page(A+3); put_page(A+3); evict(B)\n"		/* 18 */
		 "  clear_refs(soft_dirty)\n"				/* 19 */
		 "  exit()\n"						/* 20 */
		 "}\n"
		 "T0 P0@cpu0 { P2 = fork() ; r3 = write(A, 0) }\n"	/* 22 */
		 "bound preemptions 3\n"
		 "T1 P0@cpu2 {\n"					/* 24 */
		 "  r4 = pin_user_pages(A+9, rw); pin_user_pages(A, ro)\n"	/* 25 */
		 "  unpin_user_page(A+9)\n"				/* 26 */
		 "  munmap(C+17); mprotect(A+8, rw)\n"			/* 27 */
		 "}\n");
	assert_string_equal(sc.name, "ops.all+1_x");
	assert_string_equal(sc.desc, "");
	assert_int_equal(sc.nprocs, 3);
	assert_int_equal(sc.ncpus, 4);
	assert_int_equal(sc.preemptions, 3);
	assert_int_equal(sc.nregions, 3);
	assert_int_equal(sc.regions[1].npages, 1);
	assert_int_equal(sc.regions[2].npages, 8);
	assert_int_equal(sc.regions[2].loc.line, 5);

	op = &sc.init[0];
	check_op(op, FL_OP_MMAP, 3, 3);
	assert_int_equal(op->npages, 2);
	op = &sc.init[1];
	assert_int_equal(op->addr.region, 1);
	assert_int_equal(op->prot, FL_PROT_READ);
	assert_int_equal(op->mflags, FL_MAP_ANON | FL_MAP_SHARED);
	op = &sc.init[2];
	assert_int_equal(op->addr.region, 2);
	assert_int_equal(op->prot, 0);
	assert_int_equal(op->mflags, FL_MAP_ANON);
	op = &sc.init[3];
	check_op(op, FL_OP_FORK, 6, 3);
	assert_int_equal(op->proc, 0);
	assert_int_equal(op->child, 1);
	op = &sc.init[4];
	check_op(op, FL_OP_READ, 7, 12);
	assert_int_equal(op->proc, 1);
	assert_int_equal(op->cpu, 3);
	assert_int_equal(op->reg, 2);
	assert_int_equal(op->addr.offset, 15);
	op = &sc.init[5];
	check_op(op, FL_OP_WRITE, 8, 3);
	assert_int_equal(op->proc, 0);
	assert_int_equal(op->cpu, 0);
	assert_int_equal(op->reg, 7);
	assert_int_equal(op->addr.region, 1);
	assert_int_equal(op->addr.offset, 7);
	assert_true(op->value == UINT64_MAX);

	assert_int_equal(sc.nthreads, 3);
	assert_int_equal(sc.threads[0].id, 4);
	assert_int_equal(sc.threads[0].proc, 1);
	assert_int_equal(sc.threads[0].cpu, 1);
	assert_int_equal(sc.threads[0].nops, 13);
	op = sc.threads[0].ops;
	check_op(&op[0], FL_OP_READ, 11, 3);
	assert_int_equal(op[0].reg, -1);
	assert_int_equal(op[0].addr.offset, 8);
	assert_int_equal(op[0].proc, 1);
	check_op(&op[1], FL_OP_READ, 11, 14);
	assert_int_equal(op[1].reg, 0);
	check_op(&op[2], FL_OP_WRITE, 12, 3);
	assert_int_equal(op[2].value, 42);
	check_op(&op[3], FL_OP_PAGEMAP, 13, 3);
	assert_int_equal(op[3].reg, 1);
	assert_int_equal(op[3].addr.region, 2);
	assert_int_equal(op[3].addr.offset, 63);
	check_op(&op[4], FL_OP_MUNMAP, 14, 3);
	assert_int_equal(op[4].npages, 0);
	check_op(&op[5], FL_OP_MUNMAP, 15, 3);
	assert_int_equal(op[5].addr.offset, 16);
	assert_int_equal(op[5].npages, 6);
	check_op(&op[6], FL_OP_MPROTECT, 16, 3);
	assert_int_equal(op[6].npages, 0);
	assert_int_equal(op[6].prot, FL_PROT_READ);
	check_op(&op[7], FL_OP_MPROTECT, 17, 3);
	assert_int_equal(op[7].npages, 1);
	assert_int_equal(op[7].addr.offset, 8);
	assert_int_equal(op[7].prot, 0);
	check_op(&op[8], FL_OP_GET_PAGE, 18, 3);
	assert_int_equal(op[8].addr.offset, 3);
	check_op(&op[9], FL_OP_PUT_PAGE, 18, 18);
	check_op(&op[10], FL_OP_EVICT, 18, 33);
	assert_int_equal(op[10].addr.region, 1);
	check_op(&op[11], FL_OP_CLEAR_REFS, 19, 3);
	assert_int_equal(op[11].clear_refs_type, FL_CLEAR_REFS_SOFT_DIRTY);
	check_op(&op[12], FL_OP_EXIT, 20, 3);

	op = sc.threads[1].ops;
	assert_int_equal(sc.threads[1].nops, 2);
	check_op(&op[0], FL_OP_FORK, 22, 14);
	assert_int_equal(op[0].proc, 0);
	assert_int_equal(op[0].child, 2);
	check_op(&op[1], FL_OP_WRITE, 22, 28);
	assert_int_equal(op[1].reg, 3);

	op = sc.threads[2].ops;
	assert_int_equal(sc.threads[2].nops, 5);
	check_op(&op[0], FL_OP_PIN, 25, 3);
	assert_int_equal(op[0].reg, 4);
	assert_int_equal(op[0].addr.offset, 9);
	assert_int_equal(op[0].prot, FL_PROT_READ | FL_PROT_WRITE);
	check_op(&op[1], FL_OP_PIN, 25, 33);
	assert_int_equal(op[1].reg, -1);
	assert_int_equal(op[1].prot, FL_PROT_READ);
	check_op(&op[2], FL_OP_UNPIN, 26, 3);
	assert_int_equal(op[2].addr.offset, 9);
	/* No count: npages 0, from the address's page to the region's end. */
	check_op(&op[3], FL_OP_MUNMAP, 27, 3);
	assert_int_equal(op[3].addr.offset, 17);
	assert_int_equal(op[3].npages, 0);
	check_op(&op[4], FL_OP_MPROTECT, 27, 17);
	assert_int_equal(op[4].addr.offset, 8);
	assert_int_equal(op[4].npages, 0);
	assert_int_equal(op[4].prot, FL_PROT_READ | FL_PROT_WRITE);
}

/* A thread may name a process that a fork further down creates. */
static void test_thread_before_fork(void **state)
{
	(void)state;
	parse_ok("mm t\n"
		 "T1 P1@cpu1 { exit() }\n"
		 "T0 P0@cpu0 { P1 = fork() }\n");
	assert_int_equal(sc.nprocs, 2);
	assert_int_equal(sc.threads[0].proc, 1);
	assert_int_equal(sc.ncpus, 2);
}

static void test_expect_sets(void **state)
{
	const struct fl_lit_expect *e;
	(void)state;

	parse_ok("mm t\n"
		 "expect v5.10 cow_reuse=mapcount clear_refs_flush=flush_mm ok ; bound preemptions 0\n"
		 "expect v5.10 leak page-leak refcount use-after-free deadlock sleep-in-atomic assert // all\n"
		 "expect v5.10 clear_refs_flush=flush_mm cow_reuse=page_count ok\n");
	assert_int_equal(sc.nexpect, 3);
	assert_int_equal(sc.preemptions, 0);
	e = &sc.expect[0];
	assert_int_equal(e->nsets, 2);
	assert_int_equal(e->sets[0].sw, FL_SW_COW_REUSE);
	assert_int_equal(e->sets[0].value, FL_COW_REUSE_MAPCOUNT);
	assert_int_equal(e->sets[1].sw, FL_SW_CLEAR_REFS_FLUSH);
	assert_int_equal(e->sets[1].value, FL_CLEAR_REFS_FLUSH_MM);
	assert_int_equal(e->props, 0);
	e = &sc.expect[1];
	assert_int_equal(e->props, PROP(LEAK) | PROP(PAGE_LEAK) | PROP(REFCOUNT) |
			 PROP(USE_AFTER_FREE) | PROP(DEADLOCK) | PROP(SLEEP_IN_ATOMIC) | PROP(ASSERT));
	assert_int_equal(sc.expect[2].nsets, 2);
}

static void test_asserts(void **state)
{
	const struct fl_lit_assert *a;
	(void)state;

	parse_ok("mm t\n"
		 "assert T3:r1 == segv\n"
		 "assert T3:r2 != present|soft_dirty | exclusive|uffd_wp|swapped\n"
		 "assert init:r0 == 0x10\n"
		 "init { A = mmap(1, anon); r0 = read(A) }\n"
		 "T0 P0@cpu0 { }\n"
		 "T3 P0@cpu1 { r1 = write(A, 1); r2 = pagemap(A) }\n");
	assert_int_equal(sc.nassert, 3);
	a = &sc.asserts[0];
	assert_int_equal(a->reg.thread, 1);	/* an index: T3 is the second thread */
	assert_int_equal(a->reg.reg, 1);
	assert_int_equal(a->cmp, FL_CMP_EQ);
	assert_true(a->value == FL_VAL_SEGV);
	assert_int_equal(a->loc.line, 2);
	assert_int_equal(a->loc.col, 1);
	a = &sc.asserts[1];
	assert_int_equal(a->cmp, FL_CMP_NE);
	assert_true(a->value == (FL_PM_PRESENT | FL_PM_SOFT_DIRTY | FL_PM_MMAP_EXCLUSIVE |
				 FL_PM_UFFD_WP | FL_PM_SWAP));
	a = &sc.asserts[2];
	assert_int_equal(a->reg.thread, -1);
	assert_int_equal(a->reg.reg, 0);
	assert_true(a->value == 16);
}

/* Layout freedom: comments, blank lines, CRLF, tabs, ';' separators, empty blocks. */
static void test_layout(void **state)
{
	(void)state;
	parse_ok("\n// leading comment\r\n\r\nmm  t   # trailing\r\n\r\n  \"d\"  // c\r\n"
		 "init{A=mmap(1,anon)}\r\n"
		 "T0\tP0 @ cpu0\t{\r\n\r\n;;read(A) ;; ; }\r\n"
		 "T1 P0@cpu1 {}");
	assert_string_equal(sc.name, "t");
	assert_string_equal(sc.desc, "d");
	assert_int_equal(sc.threads[0].nops, 1);
	assert_int_equal(sc.threads[1].nops, 0);
	parse_ok("mm only-a-name");
	assert_int_equal(sc.nthreads, 0);
	assert_int_equal(sc.ncpus, 1);
	assert_int_equal(sc.nprocs, 1);
}

/* --- errors: each class at its exact line:col ----------------------------- */

struct err_case {
	const char *text;
	int line, col;
	const char *msg;
};

static void run_err_cases(const struct err_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		parse_err(c[i].text, c[i].line, c[i].col, c[i].msg);
}

#define RUN(cases) run_err_cases(cases, sizeof(cases) / sizeof(cases[0]))
#define REG "init { A = mmap(1, anon rw) }\n"	/* line 2 of the cases below */

static void test_err_header(void **state)
{
	static const struct err_case cases[] = {
		{ "", 1, 1, "expected 'mm NAME' as the first line" },
		{ "# only a comment\n\ninit { }\n", 1, 1, "expected 'mm NAME'" },
		{ "\n\nexpect v5.4 ok\nmm t\n", 1, 1, "expected 'mm NAME'" },
		{ "mmx t\n", 1, 1, "expected 'mm NAME'" },
		{ "mm\n", 1, 3, "expected a test name after 'mm'" },
		{ "mm # no name\n", 1, 4, "expected a test name after 'mm'" },
		{ "mm-t\n", 1, 1, "expected 'mm NAME'" },
		{ "mm a/b\n", 1, 5, "unexpected '/' in the test name" },
		{ "mm t extra\n", 1, 6, "unexpected 'extra': a new line or ';' must end the statement" },
		{ "mm aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 1, 4,
		  "test name too long (64 characters, max 63)" },
		{ "mm t\n\"no end\n\"\n", 2, 1, "unterminated description" },
		{ "mm t\n  \"a\tb\x01\"\n", 2, 7, "unexpected byte 0x01 in the description" },
		{ "mm t\ninit { }\n\"late\"\n", 3, 1, "a description must come right after the mm line" },
		{ "mm t\n\"a\" \"b\"\n", 2, 5, "unexpected '\"': a new line or ';'" },
		{ "mm t\nmm u\n", 2, 1, "a second mm line" },
		{ "mm t\nfoo\n", 2, 1, "unknown statement 'foo' (expected init, Tn, expect, assert or bound)" },
		{ "mm t\n  { }\n", 2, 3, "unknown statement '{'" },
	};
	char longdesc[300 + 16];
	(void)state;

	RUN(cases);
	snprintf(longdesc, sizeof(longdesc), "mm t\n\"%0256d\"\n", 0);
	parse_err(longdesc, 2, 1, "description too long (256 characters, max 255)");
	snprintf(longdesc, sizeof(longdesc), "mm t\n\"%0255d\"\n", 0);
	parse_ok(longdesc);
	assert_int_equal(strlen(sc.desc), 255);
}

static void test_err_blocks(void **state)
{
	static const struct err_case cases[] = {
		{ "mm t\ninit {\n  A = mmap(1, anon)\n", 4, 1,
		  "missing '}': the block opened at line 2 is not closed" },
		{ "mm t\n" REG "T0 P0@cpu0 {\n  read(A)", 4, 10,
		  "missing '}': the block opened at line 3 is not closed" },
		{ "mm t\ninit { }\ninit { }\n", 3, 1, "a second init block (the first is at line 2)" },
		{ "mm t\ninit\n{ }\n", 2, 5, "expected '{', got end of line" },
		{ "mm t\ninit { } T0 P0@cpu0 { }\n", 2, 10, "unexpected 'T0': a new line or ';'" },
		{ "mm t\n" REG "T0 P0@cpu0 { foo(A) }\n", 3, 14, "unknown operation 'foo'" },
		{ "mm t\n" REG "T0 P0@cpu0 { Read(A) }\n", 3, 14, "unknown operation 'Read'" },
		{ "mm t\n" REG "T0 P0@cpu0 { read(A) x }\n", 3, 22,
		  "unexpected 'x' after the operation: a new line, ';' or '}' must follow" },
		{ "mm t\n" REG "T0 P0@cpu0 { read(A)) }\n", 3, 21, "unexpected ')' after the operation" },
		{ "mm t\n" REG "T0 P0@cpu0 { read(A) read(A) }\n", 3, 22, "unexpected 'read' after the operation" },
		{ "mm t\n" REG "T0 P0@cpu0 { 5 }\n", 3, 14, "expected an operation, got '5'" },
		{ "mm t\n" REG "T0 P0@cpu0 { read A }\n", 3, 19, "expected '(', got 'A'" },
		{ "mm t\n" REG "T0 P0@cpu0 { read(A }\n", 3, 21, "expected ')', got '}'" },
		{ "mm t\n" REG "T0 P0@cpu0 { write(A) }\n", 3, 21, "expected ',', got ')'" },
		{ "mm t\n" REG "T0 P0@cpu0 { write(A, x) }\n", 3, 23, "expected a number, got 'x'" },
		{ "mm t\n" REG "T0 P0@cpu0 { exit(1) }\n", 3, 19, "expected ')', got '1'" },
		{ "mm t\n" REG "T0 P0@cpu0 { clear_refs(all) }\n", 3, 25,
		  "clear_refs type 'all' is not modelled (only soft_dirty)" },
		{ "mm t\n" REG "T0 P0@cpu0 { clear_refs() }\n", 3, 25, "clear_refs type ')' is not modelled" },
	};
	(void)state;
	RUN(cases);
}

static void test_err_regions(void **state)
{
	static const struct err_case cases[] = {
		{ "mm t\nT0 P0@cpu0 { read(B) }\n", 2, 19, "unknown region 'B'" },
		/* Use before the definition, in file order. */
		{ "mm t\nT0 P0@cpu0 { read(A) }\nT1 P0@cpu1 { A = mmap(1, anon) }\n", 2, 19,
		  "unknown region 'A'" },
		{ "mm t\n" REG "T0 P0@cpu0 { read(a) }\n", 3, 19, "expected a region (a name starting with an uppercase letter), got 'a'" },
		{ "mm t\n" REG "T0 P0@cpu0 { read(P1) }\n", 3, 19, "expected a region" },
		{ "mm t\n" REG "T0 P0@cpu0 { A = mmap(1, anon) }\n", 3, 14,
		  "region 'A' is already defined at line 2" },
		{ "mm t\n" REG "T0 P0@cpu0 { write(A+9, 1) }\n", 3, 20,
		  "A+9 is outside region A (1 page = 8 words)" },
		{ "mm t\n" REG "T0 P0@cpu0 { read(A+8) }\n", 3, 19, "A+8 is outside region A (1 page = 8 words)" },
		{ "mm t\ninit { B = mmap(2, anon)\n  evict(B+16) }\n", 3, 9,
		  "B+16 is outside region B (2 pages = 16 words)" },
		{ "mm t\n" REG "T0 P0@cpu0 { read(A+99999999999999999999) }\n", 3, 21, "number out of range" },
		{ "mm t\n" REG "T0 P0@cpu0 { read(A+0xffffffffffffffff) }\n", 3, 19, "is outside region A" },
		{ "mm t\n" REG "T0 P0@cpu0 { read(A+) }\n", 3, 21, "expected a number, got ')'" },
		{ "mm t\ninit { A = mmap(0, anon) }\n", 2, 17, "mmap of 0 pages: a region has 1 to 8 pages (FL_LIT_MAX_PAGES)" },
		{ "mm t\ninit { A = mmap(9, anon) }\n", 2, 17, "mmap of 9 pages" },
		{ "mm t\ninit { A = mmap(1, rw) }\n", 2, 22, "mmap needs 'anon' or a file: mmap(N, anon rw) or mmap(F, N, rw shared)" },
		/* Files (memfd). */
		{ "mm t\ninit { F = memfd(9) }\n", 2, 18, "memfd of 9 pages: a file has 1 to 8 pages (FL_LIT_MAX_FILE_PAGES)" },
		{ "mm t\ninit { P1 = fork()\n  F = memfd(1) }\n", 3, 3, "memfd belongs in init, in P0, before the first fork" },
		{ "mm t\nT0 P0@cpu0 { F = memfd(1) }\n", 2, 14, "memfd belongs in init" },
		{ "mm t\ninit { F = memfd(1)\n  F = memfd(1) }\n", 3, 3, "'F' is already a region or a file" },
		{ "mm t\ninit { F = memfd(1)\n  F = mmap(1, anon) }\n", 3, 3, "'F' is already a file" },
		{ "mm t\ninit { A = mmap(G, 1, rw shared) }\n", 2, 17, "unknown file 'G' (files come from F = memfd(N))" },
		{ "mm t\ninit { F = memfd(2)\n  A = mmap(F+2, 1, rw shared) }\n", 3, 14, "page 2 is outside file F (2 pages)" },
		{ "mm t\ninit { F = memfd(2)\n  A = mmap(F+1, 2, rw shared) }\n", 3, 29, "mmap of 2 pages from page 1 of file F, which has 2" },
		{ "mm t\ninit { F = memfd(2)\n  A = mmap(F, 2, anon shared) }\n", 3, 29, "mmap of file F: a file mapping is not 'anon'" },
		{ "mm t\ninit { F = memfd(2)\n  A = mmap(F, 2, rw) }\n", 3, 20, "only 'shared' file mappings are modelled" },
		{ "mm t\ninit { F = memfd(2)\n  read(F) }\n", 3, 8, "'F' is a file, not a region" },
		{ "mm t\ninit { F = memfd(2)\n  fallocate(F, 2, 1) }\n", 3, 16, "page 2 is outside file F (2 pages)" },
		{ "mm t\ninit { F = memfd(2)\n  fallocate(F, 1, 2) }\n", 3, 19, "fallocate of 2 pages from page 1: file F has 2 pages" },
		{ "mm t\ninit { memfd(2) }\n", 2, 8, "memfd needs a file name: F = memfd(N)" },
		{ "mm t\ninit { A = mmap(1, anon rw ro) }\n", 2, 28, "mmap flag 'ro' repeats or conflicts" },
		{ "mm t\ninit { A = mmap(1, anon shared private) }\n", 2, 32, "mmap flag 'private' repeats" },
		{ "mm t\ninit { A = mmap(1, anon anon) }\n", 2, 25, "mmap flag 'anon' repeats" },
		{ "mm t\ninit { A = mmap(1, anon huge) }\n", 2, 25,
		  "unknown mmap flag 'huge' (anon rw ro none shared private)" },
		{ "mm t\ninit { A = mmap(1, ) }\n", 2, 20, "expected an mmap flag" },
		{ "mm t\ninit { A = mmap(1) }\n", 2, 18, "expected ',', got ')'" },
		{ "mm t\ninit { ABCDEFGHIJKLMNOP = mmap(1, anon) }\n", 2, 8,
		  "region name 'ABCDEFGHIJKLMNOP' is too long (max 15 characters)" },
		{ "mm t\ninit { A = read(A) }\n", 2, 12, "only mmap defines a region and memfd a file: expected 'A = mmap(...)' or 'A = memfd(N)', got 'read'" },
		{ "mm t\ninit { mmap(1, anon) }\n", 2, 8, "mmap needs a region: A = mmap(N, anon rw)" },
		{ "mm t\ninit { B = mmap(2, anon)\n munmap(B+8, 2) }\n", 3, 14,
		  "2 pages from B+8 is outside region B (2 pages = 16 words)" },
		{ "mm t\ninit { B = mmap(2, anon)\n munmap(B, 0) }\n", 3, 12,
		  "page count 0: leave the count out to cover the whole region" },
		{ "mm t\ninit { B = mmap(2, anon)\n mprotect(B, 3, ro) }\n", 3, 14,
		  "3 pages from B+0 is outside region B" },
		{ "mm t\ninit { B = mmap(2, anon)\n mprotect(B, rx) }\n", 3, 14, "expected rw, ro or none, got 'rx'" },
		{ "mm t\ninit { B = mmap(2, anon)\n mprotect(B) }\n", 3, 12, "expected ',', got ')'" },
		{ "mm t\ninit { B = mmap(2, anon)\n munmap(B, 99999999999999999999999) }\n", 3, 12,
		  "number out of range" },
	};
	char text[1024];
	int n;
	(void)state;

	RUN(cases);
	/* Nine regions: the ninth is over FL_LIT_MAX_REGIONS. */
	n = snprintf(text, sizeof(text), "mm t\ninit {\n");
	for (int i = 0; i < FL_LIT_MAX_REGIONS + 1; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "  %c = mmap(1, anon)\n", 'A' + i);
	snprintf(text + n, sizeof(text) - (size_t)n, "}\n");
	parse_err(text, 3 + FL_LIT_MAX_REGIONS, 3, "too many regions (FL_LIT_MAX_REGIONS = 8)");
}

static void test_err_procs(void **state)
{
	static const struct err_case cases[] = {
		{ "mm t\ninit { P1: exit() }\n", 2, 8,
		  "P1 does not exist yet (no earlier 'P1 = fork()' in init)" },
		/* Init runs before the threads: a fork in a thread does not count. */
		{ "mm t\nT0 P0@cpu0 { P1 = fork() }\ninit { P1@cpu1: exit() }\n", 3, 8,
		  "P1 does not exist yet (no earlier 'P1 = fork()' in init)" },
		{ "mm t\ninit { P1 = fork()\n  P1 = fork() }\n", 3, 3,
		  "P1 is already created by the fork at line 2" },
		{ "mm t\ninit { P1 = fork() }\nT0 P0@cpu0 { P1 = fork() }\n", 3, 14,
		  "P1 is already created by the fork at line 2" },
		{ "mm t\ninit { P0 = fork() }\n", 2, 8, "P0 always exists: fork() creates P1..P3" },
		{ "mm t\ninit { P4 = fork() }\n", 2, 8, "process P4 out of range (P0..P3, FL_LIT_MAX_PROCS = 4)" },
		{ "mm t\ninit { P99999999999999999999 = fork() }\n", 2, 8, "process P99999999999999999999 out of range" },
		{ "mm t\ninit { P2 = fork() }\n", 2, 8, "processes are numbered in fork order: this fork must create P1" },
		{ "mm t\ninit { P1 = spawn() }\n", 2, 13, "expected 'fork' after 'P1 =', got 'spawn'" },
		{ "mm t\ninit { fork() }\n", 2, 8, "fork needs a child process: P1 = fork()" },
		{ "mm t\ninit { P1 = fork(0) }\n", 2, 18, "expected ')', got '0'" },
		/* A thread header may come before the fork, but some fork must exist. */
		{ "mm t\nT0 P1@cpu0 { }\n", 2, 4, "P1 is never created (no 'P1 = fork()' in the file)" },
		/* A fork parent must exist earlier in the file (the header exception does not extend). */
		{ "mm t\nT0 P1@cpu0 { P2 = fork() }\nT1 P0@cpu1 { P1 = fork() }\n", 2, 14,
		  "P1 does not exist yet (no earlier 'P1 = fork()')" },
		{ "mm t\nT0 P1@cpu0 { P1 = fork() }\n", 2, 14, "P1 does not exist yet" },
		{ "mm t\nT0 P0@cpu0 { P0: exit() }\n", 2, 14, "a 'Pn:' prefix is only allowed in init" },
		{ "mm t\ninit { P0: P0: exit() }\n", 2, 12, "one 'Pn:' prefix per statement" },
		{ "mm t\ninit { P0 exit() }\n", 2, 11, "expected ':', got 'exit'" },
		{ "mm t\nT0 x@cpu0 { }\n", 2, 4, "expected a process Pn, got 'x'" },
		{ "mm t\nT0 P0@cpu8 { }\n", 2, 7, "cpu8 out of range (cpu0..cpu7, FL_LIT_MAX_CPUS = 8)" },
		{ "mm t\ninit { P0@cpu12: exit() }\n", 2, 11, "cpu12 out of range" },
		{ "mm t\nT0 P0@cpux { }\n", 2, 7, "expected cpuN after '@', got 'cpux'" },
		{ "mm t\nT0 P0@3 { }\n", 2, 7, "expected cpuN after '@', got '3'" },
		{ "mm t\nT0 P0 { }\n", 2, 7, "expected '@', got '{'" },
		{ "mm t\nT0 P0@cpu0\n{ }\n", 2, 11, "expected '{', got end of line" },
	};
	(void)state;
	RUN(cases);
}

static void test_err_threads(void **state)
{
	static const struct err_case cases[] = {
		{ "mm t\nT6 P0@cpu0 { }\n", 2, 1, "thread T6 out of range (T0..T5, FL_LIT_MAX_THREADS = 6)" },
		{ "mm t\nT0 P0@cpu0 { }\nT0 P0@cpu1 { }\n", 3, 1, "T0 is defined twice (first at line 2)" },
		{ "mm t\n" REG "T0 P0@cpu0 { r8 = read(A) }\n", 3, 14,
		  "register r8 out of range (r0..r7, FL_LIT_MAX_REGS = 8)" },
		{ "mm t\n" REG "T0 P0@cpu0 { r0 = evict(A) }\n", 3, 19,
		  "'evict' does not set a register" },
		{ "mm t\n" REG "T0 P0@cpu0 { r0 = unpin_user_page(A) }\n", 3, 19, "'unpin_user_page' does not set a register" },
		{ "mm t\n" REG "T0 P0@cpu0 { pin_user_pages(A) }\n", 3, 30, "expected ',', got ')'" },
		{ "mm t\n" REG "T0 P0@cpu0 { pin_user_pages(A, none) }\n", 3, 32, "expected rw or ro, got 'none'" },
		{ "mm t\n" REG "T0 P0@cpu0 { unpin_user_page(A+8) }\n", 3, 30, "A+8 is outside region A" },
		{ "mm t\n" REG "T0 P0@cpu0 { r0 read(A) }\n", 3, 17, "expected '=', got 'read'" },
		{ "mm t\n" REG "T0 P0@cpu0 { pagemap(A) }\n", 3, 14, "pagemap needs a register: r0 = pagemap(A)" },
		{ "mm t\nT0 P0@cpu0 { exit() }\nT1 P0@cpu1 { }\n", 2, 14,
		  "exit() in a process with several threads is not modelled" },
		{ "mm t\nT1 P0@cpu1 { }\nT0 P0@cpu0 {\n exit()\n}\n", 4, 2,
		  "exit() in a process with several threads is not modelled" },
		{ "mm t\n" REG "T0 P0@cpu0 { exit(); read(A) }\n", 3, 22, "nothing can follow exit() in T0" },
		{ "mm t\ninit { P1 = fork(); P1: exit(); P1: exit() }\n", 2, 33, "P1 has exited (exit() at line 2)" },
		{ "mm t\ninit { exit() }\nT0 P0@cpu0 { }\n", 3, 4, "T0 runs in P0, which exits in init (line 2)" },
	};
	char text[2048];
	int n;
	(void)state;

	RUN(cases);
	/* 33 ops in a thread, then in init: each over FL_LIT_MAX_OPS. */
	n = snprintf(text, sizeof(text), "mm t\n" REG "T5 P0@cpu0 {\n");
	for (int i = 0; i < FL_LIT_MAX_OPS + 1; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, " read(A)\n");
	snprintf(text + n, sizeof(text) - (size_t)n, "}\n");
	parse_err(text, 4 + FL_LIT_MAX_OPS, 2, "too many operations in T5 (FL_LIT_MAX_OPS = 32)");
	n = snprintf(text, sizeof(text), "mm t\ninit { A = mmap(1, anon)\n");
	for (int i = 0; i < FL_LIT_MAX_OPS; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, " read(A);");
	snprintf(text + n, sizeof(text) - (size_t)n, "\n}\n");
	parse_err(text, 3, 1 + 9 * (FL_LIT_MAX_OPS - 1) + 1, "too many operations in init (FL_LIT_MAX_OPS = 32)");
}

static void test_err_expect(void **state)
{
	static const struct err_case cases[] = {
		{ "mm t\nexpect v9.9 ok\n", 2, 8,
		  "unknown kernel 'v9.9' (presets: v5.4 v5.5 v5.8" },
		{ "mm t\nexpect\n", 2, 7, "expected a kernel name after 'expect'" },
		{ "mm t\nexpect   # nothing\n", 2, 10, "expected a kernel name after 'expect'" },
		{ "mm t\nexpect v5.10\n", 2, 13, "expected 'ok' or the violated properties" },
		{ "mm t\nexpect v5.10 cow_reuse=mapcount ;\n", 2, 33, "expected 'ok' or the violated properties" },
		{ "mm t\nexpect v5.10 lost-writes\n", 2, 14,
		  "unknown property 'lost-writes' (properties: lost-write leak soft-dirty-miss" },
		{ "mm t\nexpect v5.10 cow=x ok\n", 2, 14,
		  "unknown switch 'cow' (switches: cow_reuse clear_refs_lock" },
		{ "mm t\nexpect v5.10 cow_reuse=foo ok\n", 2, 24,
		  "switch cow_reuse has no value 'foo' (values: mapcount page_count" },
		{ "mm t\nexpect v5.10 cow_reuse=mapcount cow_reuse=mapcount ok\n", 2, 33, "switch cow_reuse is set twice" },
		{ "mm t\nexpect v5.10 ok cow_reuse=mapcount\n", 2, 17, "switch settings come before 'ok' or the properties" },
		{ "mm t\nexpect v5.10 leak cow_reuse=mapcount\n", 2, 19, "switch settings come before" },
		{ "mm t\nexpect v5.10 ok leak\n", 2, 17, "'ok' stands alone" },
		{ "mm t\nexpect v5.10 leak ok\n", 2, 19, "'ok' stands alone" },
		{ "mm t\nexpect v5.10 ok ok\n", 2, 17, "'ok' stands alone" },
		{ "mm t\nexpect v5.10 leak leak\n", 2, 19, "property 'leak' is listed twice" },
		{ "mm t\nexpect v5.10 ok\nexpect v5.10 leak\n", 3, 1,
		  "this expect line repeats the kernel and switches of line 2" },
		{ "mm t\nexpect v5.10 ok\t\x01\n", 2, 17, "unexpected byte 0x01" },
		{ "mm t\nexpect v5.10 ok\xff\n", 2, 16, "unexpected byte 0xff" },
		{ "mm t\nexpect v5.10 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 2, 14,
		  "is too long" },
	};
	char text[8192];
	int n, lines = 0;
	(void)state;

	RUN(cases);
	/* Distinct lines until one is over FL_LIT_MAX_EXPECT. */
	n = snprintf(text, sizeof(text), "mm t\n");
	for (int k = 0; k < fl_preset_count() && lines <= FL_LIT_MAX_EXPECT; k++)
		for (int v = 0; v < 3 && lines <= FL_LIT_MAX_EXPECT; v++)
			for (int l = 0; l < 2 && lines <= FL_LIT_MAX_EXPECT; l++, lines++)
				n += snprintf(text + n, sizeof(text) - (size_t)n,
					      "expect %s cow_reuse=%s clear_refs_lock=%s ok\n",
					      fl_preset_at(k)->name,
					      fl_switch_desc(FL_SW_COW_REUSE)->values[v].name,
					      fl_switch_desc(FL_SW_CLEAR_REFS_LOCK)->values[l].name);
	assert_int_equal(lines, FL_LIT_MAX_EXPECT + 1);
	parse_err(text, 2 + FL_LIT_MAX_EXPECT, 1, "too many expect lines (FL_LIT_MAX_EXPECT = 32)");
}

static void test_err_assert_bound(void **state)
{
	static const struct err_case cases[] = {
		{ "mm t\nassert T3:r0 == 1\n", 2, 8, "no thread T3" },
		{ "mm t\n" REG "T0 P0@cpu0 { read(A) }\nassert T0:r0 == 1\n", 4, 11, "T0 never sets r0" },
		{ "mm t\nassert init:r1 == 1\n", 2, 13, "init never sets r1" },
		{ "mm t\nassert T9:r0 == 1\n", 2, 8, "thread T9 out of range" },
		{ "mm t\nassert T0:r8 == 1\n", 2, 11, "register r8 out of range" },
		{ "mm t\nassert X:r0 == 1\n", 2, 8, "expected Tn:rK or init:rK, got 'X'" },
		{ "mm t\nassert T0 r0 == 1\n", 2, 11, "expected ':', got 'r0'" },
		{ "mm t\nassert T0:r0 = 1\n", 2, 14, "expected '==' or '!=', got '='" },
		{ "mm t\nassert T0:r0 == maybe\n", 2, 17,
		  "expected a number, segv or pagemap flags (present swapped soft_dirty exclusive uffd_wp file), got 'maybe'" },
		{ "mm t\nassert T0:r0 == present|\n", 2, 25, "expected a number, segv or pagemap flags" },
		{ "mm t\nassert T0:r0 == present|1\n", 2, 25, "got '1'" },
		{ "mm t\nassert T0:r0 == 1 2\n", 2, 19, "unexpected '2': a new line or ';'" },
		{ "mm t\nbound preemptions 2147483648\n", 2, 19, "number out of range" },
		{ "mm t\nbound preemptions 18446744073709551616\n", 2, 19, "number out of range" },
		{ "mm t\nbound steps 3\n", 2, 7, "expected 'preemptions' after 'bound', got 'steps'" },
		{ "mm t\nbound preemptions\n", 2, 18, "expected a number, got end of line" },
		{ "mm t\nbound preemptions 1\nbound preemptions 2\n", 3, 1,
		  "a second bound line (the first is at line 2)" },
	};
	char text[1024];
	int n;
	(void)state;

	RUN(cases);
	n = snprintf(text, sizeof(text), "mm t\ninit { A = mmap(1, anon); r0 = read(A) }\n");
	for (int i = 0; i < FL_LIT_MAX_ASSERT + 1; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "assert init:r0 == %d\n", i);
	parse_err(text, 3 + FL_LIT_MAX_ASSERT, 1, "too many asserts (FL_LIT_MAX_ASSERT = 8)");
	parse_ok("mm t\nbound preemptions 2147483647\n");
	assert_int_equal(sc.preemptions, 2147483647);
}

static void test_err_lexer(void **state)
{
	static const struct err_case cases[] = {
		{ "mm t\n" REG "T0 P0@cpu0 { write(A, 18446744073709551616) }\n", 3, 23, "number out of range" },
		{ "mm t\n" REG "T0 P0@cpu0 { write(A, 0x10000000000000000) }\n", 3, 23, "number out of range" },
		{ "mm t\n" REG "T0 P0@cpu0 { write(A, 12ab) }\n", 3, 23, "bad number '12ab'" },
		{ "mm t\n" REG "T0 P0@cpu0 { write(A, 0x) }\n", 3, 23, "bad number '0x'" },
		{ "mm t\n" REG "T0 P0@cpu0 { write(A, 0xfg) }\n", 3, 23, "bad number '0xfg'" },
		{ "mm t\n" REG "T0 P0@cpu0 { write(A, -1) }\n", 3, 23, "unexpected '-'" },
		{ "mm t\n" REG "T0 P0@cpu0 { $ }\n", 3, 14, "unexpected '$'" },
		{ "mm t\n" REG "T0 P0@cpu0 { read(A) ! }\n", 3, 22, "unexpected '!'" },
		{ "mm t\n" REG "T0 P0@cpu0 { read(A) / }\n", 3, 22, "unexpected '/'" },
		{ "mm t\n\x80\n", 2, 1, "unexpected byte 0x80" },
		{ "\x7f", 1, 1, "unexpected byte 0x7f" },
	};
	char text[4096];
	(void)state;

	RUN(cases);
	/* A very long identifier is clipped in the message, never copied whole. */
	snprintf(text, sizeof(text), "mm t\n%03000d\n", 0);
	memset(text + 5, 'z', 3000);
	parse_err(text, 2, 1, "unknown statement 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz'");
	assert_true(strlen(err) < 200);
}

/* --- fl_parse_file -------------------------------------------------------- */

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void test_file_errors(void **state)
{
	static const char nul[] = "mm t\ninit { A = mmap(1, anon) }\nT0 P0@cpu0 { read(A)\0 }\n";
	char path[256], want[512];
	char *big;
	size_t bigsz = (1u << 20) + 1;
	(void)state;

	assert_int_equal(fl_parse_file("/nonexistent/x.litmus", &sc, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/x.litmus: cannot open: No such file or directory");

	assert_int_equal(fl_parse_file("/tmp", &sc, err, sizeof(err)), -1);
	assert_string_equal(err, "/tmp: cannot read: Is a directory");

	/* A NUL byte is a bad character at its place, not the end of the text. */
	snprintf(path, sizeof(path), "/tmp/fl_test_parse_nul_%d.litmus", (int)getpid());
	write_file(path, nul, sizeof(nul) - 1);
	assert_int_equal(fl_parse_file(path, &sc, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3:21: unexpected byte 0x00", path);
	assert_string_equal(err, want);

	/* Exactly 1 MiB parses (comments only, so the header is missing) ... */
	big = malloc(bigsz);
	assert_non_null(big);
	memset(big, '#', bigsz);
	write_file(path, big, bigsz - 1);
	assert_int_equal(fl_parse_file(path, &sc, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:1:1: expected 'mm NAME' as the first line", path);
	assert_string_equal(err, want);
	/* ... one byte more is refused before parsing. */
	write_file(path, big, bigsz);
	assert_int_equal(fl_parse_file(path, &sc, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:1:1: larger than 1 MiB, not a litmus test", path);
	assert_string_equal(err, want);
	free(big);
	remove(path);

	/* The same limit for strings. */
	big = malloc(bigsz + 1);
	assert_non_null(big);
	memset(big, '#', bigsz);
	big[bigsz] = '\0';
	parse_err(big, 1, 1, "larger than 1 MiB, not a litmus test");
	free(big);

	/* A tiny error buffer is filled and terminated, never overrun. */
	assert_int_equal(fl_parse_string("t.litmus", "mm t\nfoo\n", &sc, err, 6), -1);
	assert_string_equal(err, "t.lit");
	assert_int_equal(fl_parse_string("t.litmus", "mm t\nfoo\n", &sc, NULL, 0), -1);
	assert_int_equal(fl_parse_string(NULL, NULL, &sc, err, sizeof(err)), -1);
}

/* --- robustness: mutated and random input --------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64*: deterministic, so a failure is reproducible from the iteration. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static size_t rnd(size_t n)
{
	return n ? (size_t)(rng() % n) : 0;
}

/* Fragments that steer mutants into the deeper parts of the grammar. */
static const char *const pieces[] = {
	"\n", ";", "{", "}", "(", ")", ",", ":", "@", "+", "|", "=", "==", "!=", "\"", "#",
	"//", " ", "\t", "P0", "P1", "P2", "P3", "P4", "T0", "T1", "T5", "T6", "r0", "r7", "r8",
	"cpu0", "cpu7", "cpu8", "A", "B", "C", "mmap", "fork", "read", "write", "pagemap",
	"munmap", "mprotect", "get_page", "put_page", "evict", "clear_refs", "soft_dirty",
	"pin_user_pages", "unpin_user_page",
	"exit", "init", "expect", "assert", "bound", "preemptions", "mm", "anon", "rw", "ro",
	"none", "shared", "private", "segv", "present", "uffd_wp", "ok", "v5.10", "latest",
	"lost-write", "cow_reuse=mapcount", "0", "1", "8", "63", "0x", "0xffffffffffffffff",
	"99999999999999999999999", "A = mmap(2, anon rw)\n", "P1 = fork()\n",
	"T3 P1@cpu2 { r1 = read(A+9) }\n", "assert T1:r0 == 1\n", "exit()\n",
	"init { P1 = fork(); P1@cpu3: r2 = write(A, 5) }\n", "expect v5.10 ok\n",
};

/* Every index in range, every string terminated: what the interpreter relies on. */
static void check_sane(const struct fl_scenario *s)
{
	assert_true(memchr(s->file, 0, sizeof(s->file)) != NULL);
	assert_true(memchr(s->name, 0, sizeof(s->name)) != NULL && s->name[0]);
	assert_true(memchr(s->desc, 0, sizeof(s->desc)) != NULL);
	assert_in_range(s->nprocs, 1, FL_LIT_MAX_PROCS);
	assert_in_range(s->ncpus, 1, FL_LIT_MAX_CPUS);
	assert_in_range(s->nregions, 0, FL_LIT_MAX_REGIONS);
	assert_in_range(s->ninit, 0, FL_LIT_MAX_OPS);
	assert_in_range(s->nthreads, 0, FL_LIT_MAX_THREADS);
	assert_in_range(s->nexpect, 0, FL_LIT_MAX_EXPECT);
	assert_in_range(s->nassert, 0, FL_LIT_MAX_ASSERT);
	assert_true(s->preemptions >= -1);
	for (int i = 0; i < s->nregions; i++) {
		assert_true(memchr(s->regions[i].name, 0, sizeof(s->regions[i].name)) != NULL);
		assert_in_range(s->regions[i].npages, 1, FL_LIT_MAX_PAGES);
	}
	for (int t = -1; t < s->nthreads; t++) {
		const struct fl_lit_op *ops = t < 0 ? s->init : s->threads[t].ops;
		int nops = t < 0 ? s->ninit : s->threads[t].nops;

		if (t >= 0) {
			assert_in_range(s->threads[t].id, 0, FL_LIT_MAX_THREADS - 1);
			assert_in_range(s->threads[t].proc, 0, s->nprocs - 1);
			assert_in_range(s->threads[t].cpu, 0, s->ncpus - 1);
			assert_in_range(nops, 0, FL_LIT_MAX_OPS);
			for (int u = 0; u < t; u++)
				assert_int_not_equal(s->threads[u].id, s->threads[t].id);
		}
		for (int k = 0; k < nops; k++) {
			const struct fl_lit_op *op = &ops[k];

			assert_in_range(op->proc, 0, s->nprocs - 1);
			assert_in_range(op->cpu, 0, s->ncpus - 1);
			assert_true(op->reg >= -1 && op->reg < FL_LIT_MAX_REGS);
			assert_true(op->loc.line >= 1 && op->loc.col >= 1);
			if (op->kind == FL_OP_FORK) {
				assert_in_range(op->child, 1, s->nprocs - 1);
			} else if (op->kind != FL_OP_EXIT && op->kind != FL_OP_CLEAR_REFS) {
				int r = op->addr.region;

				assert_in_range(r, 0, s->nregions - 1);
				assert_in_range(op->addr.offset, 0,
						s->regions[r].npages * FL_LIT_PAGE_WORDS - 1);
				assert_in_range(op->npages, 0,
						s->regions[r].npages - op->addr.offset / FL_LIT_PAGE_WORDS);
			}
		}
	}
	for (int i = 0; i < s->nexpect; i++) {
		assert_in_range(s->expect[i].preset, 0, fl_preset_count() - 1);
		assert_in_range(s->expect[i].nsets, 0, FL_LIT_MAX_SETS);
		for (int k = 0; k < s->expect[i].nsets; k++)
			assert_in_range(s->expect[i].sets[k].sw, 0, FL_SW__COUNT - 1);
		assert_true(s->expect[i].props < (1u << FL_PROP__COUNT));
	}
	for (int i = 0; i < s->nassert; i++) {
		assert_true(s->asserts[i].reg.thread >= -1 && s->asserts[i].reg.thread < s->nthreads);
		assert_in_range(s->asserts[i].reg.reg, 0, FL_LIT_MAX_REGS - 1);
	}
}

/* "name:LINE:COL: message" with a position inside the text (or just past it). */
static void check_error(const char *name, const char *text, size_t len)
{
	size_t nl = strlen(name);
	int line, col, used = 0, lines = 1;
	char sep;

	if (strncmp(err, name, nl) != 0 ||
	    sscanf(err + nl, ":%d:%d%c %n", &line, &col, &sep, &used) != 3 || sep != ':' ||
	    used == 0 || err[nl + (size_t)used] == '\0')
		fail_msg("malformed error \"%s\"", err);
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	if (line < 1 || line > lines || col < 1 || (size_t)col > len + 1)
		fail_msg("error position outside the text: \"%s\"", err);
}

static size_t mutate(char *buf, size_t len, size_t cap)
{
	int n = 1 + (int)rnd(4);

	while (n--) {
		size_t at = rnd(len + 1), k;
		const char *pc;

		switch (rnd(6)) {
		case 0:		/* flip one byte to anything (NUL ends the string early) */
			if (len)
				buf[rnd(len)] = (char)rnd(256);
			break;
		case 1:		/* truncate */
			len = at;
			break;
		case 2:		/* insert a random byte */
			if (len + 1 < cap) {
				memmove(buf + at + 1, buf + at, len - at);
				buf[at] = (char)(1 + rnd(255));
				len++;
			}
			break;
		case 3:		/* insert a grammar fragment */
			pc = pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))];
			k = strlen(pc);
			if (len + k < cap) {
				memmove(buf + at + k, buf + at, len - at);
				memcpy(buf + at, pc, k);
				len += k;
			}
			break;
		case 4:		/* delete a run */
			k = rnd(len - at + 1);
			if (k > 16)
				k = 16;
			memmove(buf + at, buf + at + k, len - at - k);
			len -= k;
			break;
		default:	/* duplicate a run elsewhere */
			k = rnd(len - at + 1);
			if (k > 40)
				k = 40;
			if (len + k < cap) {
				size_t to = rnd(len + 1);
				char tmp[40];

				memcpy(tmp, buf + at, k);
				memmove(buf + to + k, buf + to, len - to);
				memcpy(buf + to, tmp, k);
				len += k;
			}
			break;
		}
	}
	buf[len] = '\0';
	return len;
}

static void test_mutations(void **state)
{
	static char buf[sizeof(example) + 1024];
	int ok = 0;
	(void)state;

	rng_state = 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < 20000; i++) {
		size_t len;

		memcpy(buf, example, sizeof(example));
		len = mutate(buf, sizeof(example) - 1, sizeof(buf) - 1);
		len = strlen(buf);	/* a flipped NUL ends the string there */
		if (fl_parse_string("m.litmus", buf, &sc, err, sizeof(err)) == 0) {
			check_sane(&sc);
			ok++;
		} else {
			check_error("m.litmus", buf, len);
		}
	}
	/* Some mutants land in comments or whitespace: the loop must see both outcomes. */
	assert_true(ok > 100 && ok < 20000);
}

/* Random sequences of fragments: reaches states no single mutation does. */
static void test_token_soup(void **state)
{
	static char buf[4096];
	int ok = 0;
	(void)state;

	rng_state = 0x1234567887654321ull;
	for (int i = 0; i < 20000; i++) {
		size_t len = (size_t)snprintf(buf, sizeof(buf), "mm soup\n");
		int n = (int)rnd(60);

		for (int k = 0; k < n; k++) {
			const char *pc = pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))];

			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", pc,
						rnd(3) ? " " : "");
		}
		if (fl_parse_string("s.litmus", buf, &sc, err, sizeof(err)) == 0) {
			check_sane(&sc);
			ok++;
		} else {
			check_error("s.litmus", buf, len);
		}
	}
	assert_true(ok > 0);
}

/* Through files, so NUL bytes stay inside the text. */
static void test_file_mutations(void **state)
{
	static char buf[sizeof(example) + 1024];
	char path[256];
	(void)state;

	snprintf(path, sizeof(path), "/tmp/fl_test_parse_mut_%d.litmus", (int)getpid());
	rng_state = 0xdeadbeefcafef00dull;
	for (int i = 0; i < 1000; i++) {
		size_t len;

		memcpy(buf, example, sizeof(example));
		len = mutate(buf, sizeof(example) - 1, sizeof(buf) - 1);
		write_file(path, buf, len);
		if (fl_parse_file(path, &sc, err, sizeof(err)) == 0)
			check_sane(&sc);
		else
			check_error(path, buf, len);
	}
	remove(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_example_file),
		cmocka_unit_test(test_ops),
		cmocka_unit_test(test_thread_before_fork),
		cmocka_unit_test(test_expect_sets),
		cmocka_unit_test(test_asserts),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_err_header),
		cmocka_unit_test(test_err_blocks),
		cmocka_unit_test(test_err_regions),
		cmocka_unit_test(test_err_procs),
		cmocka_unit_test(test_err_threads),
		cmocka_unit_test(test_err_expect),
		cmocka_unit_test(test_err_assert_bound),
		cmocka_unit_test(test_err_lexer),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_token_soup),
		cmocka_unit_test(test_file_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
