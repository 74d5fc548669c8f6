/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_ops.c - the op table (litmus/ops.h) checks itself: every
 * row is whole and consistent, docs/litmus.md names every op, and every op
 * of the corpus prints (fl_op_str) as text the parser reads back as the
 * same op.  The model and host functions need no test: a row without them
 * does not build.  Run from the repository root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "litmus/ast.h"
#include "litmus/corpus.h"
#include "litmus/ops.h"

static void test_rows_whole(void **state)
{
	(void)state;
	for (int k = 0; k < FL_OP__COUNT; k++) {
		const struct fl_op_desc *d = &fl_ops[k];

		assert_non_null(d->name);
		assert_true(d->name[0] != '\0');
		assert_int_equal(fl_op_find(d->name, (int)strlen(d->name)), k);
		/* Only mmap defines a region and only fork a process; both have their own argument shapes. */
		assert_int_equal(d->dest == FL_DEST_REGION, d->args == FL_ARGS_MMAP);
		if (d->dest == FL_DEST_PROC)
			assert_int_equal(d->args, FL_ARGS_NONE);
		/* An op no host runs cannot need host features, nor be generated for the host. */
		if (d->nohost) {
			assert_true(d->nohost[0] != '\0');
			assert_int_equal(d->needs, 0);
			assert_int_equal(d->gen, 0);
		}
		assert_true(d->gen >= 0);
	}
	/* The generator's masks are 64 bits wide. */
	assert_true(FL_OP__COUNT <= 64);
	assert_int_equal(fl_op_find("no_such_op", 10), -1);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;
	char *s;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = calloc(1, (size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	fclose(f);
	return s;
}

/* docs/litmus.md documents each op's grammar: a row it does not name is a row nobody can use. */
static void test_docs_name_every_op(void **state)
{
	char *doc = read_file("docs/litmus.md");

	(void)state;
	assert_non_null(doc);
	for (int k = 0; k < FL_OP__COUNT; k++) {
		char word[64];

		snprintf(word, sizeof(word), "%s(", fl_ops[k].name);
		if (!strstr(doc, word))
			fail_msg("docs/litmus.md does not show %s(...)", fl_ops[k].name);
	}
	free(doc);
}

static const char *region_of(const struct fl_scenario *sc, const struct fl_lit_op *op)
{
	return op->addr.region >= 0 ? sc->regions[op->addr.region].name : "";
}

/*
 * @op of @sc, printed and parsed back in a file that defines the same
 * regions (but the one @op defines), must be the same op.  A fork's child
 * becomes P1, the first process a file can fork.
 */
static void round_trip(const struct fl_scenario *sc, const struct fl_lit_op *op)
{
	static struct fl_scenario back;
	struct fl_lit_op o = *op;
	const struct fl_lit_op *b;
	char text[2048], line[256], err[512];
	int n;

	if (o.kind == FL_OP_FORK)
		o.child = 1;
	n = snprintf(text, sizeof(text), "mm rt\ninit {\n");
	/* The files first (memfd comes before any fork), but the one @op makes. */
	for (int f = 0; f < sc->nfiles; f++)
		if (!(o.kind == FL_OP_MEMFD && f == o.file))
			n += snprintf(text + n, sizeof(text) - (size_t)n, "  %s = memfd(%d)\n", sc->files[f].name,
				      sc->files[f].npages);
	for (int r = 0; r < sc->nregions; r++)
		if (!(o.kind == FL_OP_MMAP && r == o.addr.region))
			n += snprintf(text + n, sizeof(text) - (size_t)n, "  %s = mmap(%d, anon rw)\n",
				      sc->regions[r].name, sc->regions[r].npages);
	fl_op_str(sc, &o, line, sizeof(line));
	snprintf(text + n, sizeof(text) - (size_t)n, "  %s\n}\n", line);
	if (fl_parse_string("rt", text, &back, err, sizeof(err)))
		fail_msg("%s:%d: '%s' does not parse back: %s", sc->file, op->loc.line, line, err);
	b = &back.init[back.ninit - 1];
	if (b->kind != o.kind || b->reg != o.reg || strcmp(region_of(&back, b), region_of(sc, &o)) ||
	    b->addr.offset != o.addr.offset || b->npages != o.npages || b->prot != o.prot || b->mflags != o.mflags ||
	    b->value != o.value || b->child != o.child || b->clear_refs_type != o.clear_refs_type ||
	    (b->file >= 0) != (o.file >= 0) || (o.file >= 0 && strcmp(back.files[b->file].name, sc->files[o.file].name)) ||
	    b->fpage != o.fpage)
		fail_msg("%s:%d: '%s' parses back as a different op", sc->file, op->loc.line, line);
}

static void test_corpus_round_trip(void **state)
{
	static char *files[FL_LITMUS_MAX_FILES];
	static struct fl_scenario sc;
	int n = 0, ops = 0;
	uint64_t kinds = 0;

	(void)state;
	assert_int_equal(fl_litmus_collect("litmus", files, &n), 0);
	for (int i = 0; i < n; i++) {
		char err[512];

		if (fl_parse_file(files[i], &sc, err, sizeof(err)))
			continue;	/* litmus/limits and the bad-input files */
		for (int t = -1; t < sc.nthreads; t++) {
			const struct fl_lit_op *o = t < 0 ? sc.init : sc.threads[t].ops;
			int no = t < 0 ? sc.ninit : sc.threads[t].nops;

			for (int k = 0; k < no; k++, ops++) {
				round_trip(&sc, &o[k]);
				kinds |= 1ull << o[k].kind;
			}
		}
		free(files[i]);
	}
	/* The corpus uses every op, so every printer case above ran. */
	for (int k = 0; k < FL_OP__COUNT; k++)
		if (!(kinds & (1ull << k)))
			fail_msg("no corpus file uses %s", fl_ops[k].name);
	print_message("round trip: %d ops in %d files\n", ops, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_whole),
		cmocka_unit_test(test_docs_name_every_op),
		cmocka_unit_test(test_corpus_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
