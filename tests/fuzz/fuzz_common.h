/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_common.h - oracles shared by the libFuzzer targets.
 *
 * A fuzz target finds more than crashes when it also checks what the code
 * promises: every error the parser (or the interpreter's init block) gives is
 * located as "file:line:col: message", and every scenario the parser accepts
 * stays inside the fixed-size tables of litmus/ast.h, which the interpreter
 * indexes without further checks.  A broken promise calls fuzz_fail(), which
 * aborts, so libFuzzer keeps the input as a crash like any other.
 */
#ifndef FL_FUZZ_COMMON_H
#define FL_FUZZ_COMMON_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "litmus/ast.h"
#include "policy/policy.h"

#define FUZZ_FILE "fuzz.litmus"

/* libFuzzer's own byte-level mutator, for a custom mutator to fall back on. */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

static void fuzz_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz oracle: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* "NAME:LINE:COL: text" with LINE, COL >= 1 and some text. */
static inline void fuzz_check_located(const char *err, const char *name)
{
	size_t n = strlen(name);
	const char *p = err + n;
	int parts = 0;

	if (strncmp(err, name, n) != 0 || *p != ':')
		fuzz_fail("error not located in %s: \"%s\"", name, err);
	while (parts < 2) {
		long v;
		char *end;

		if (*p != ':' || p[1] < '1' || p[1] > '9')
			fuzz_fail("error without line:col: \"%s\"", err);
		v = strtol(p + 1, &end, 10);
		if (v < 1)
			fuzz_fail("error with line/col < 1: \"%s\"", err);
		p = end;
		parts++;
	}
	if (strncmp(p, ": ", 2) != 0 || p[2] == '\0')
		fuzz_fail("error without a message: \"%s\"", err);
}

static inline void fuzz_check_addr(const struct fl_scenario *sc, const struct fl_lit_addr *a, const char *what)
{
	if (a->region < 0 || a->region >= sc->nregions)
		fuzz_fail("%s: region index %d of %d", what, a->region, sc->nregions);
	if (a->offset < 0 || a->offset >= sc->regions[a->region].npages * FL_LIT_PAGE_WORDS)
		fuzz_fail("%s: word offset %d outside region %s", what, a->offset, sc->regions[a->region].name);
}

static inline void fuzz_check_op(const struct fl_scenario *sc, const struct fl_lit_op *op, bool init)
{
	if (op->proc < 0 || op->proc >= sc->nprocs)
		fuzz_fail("op at %d:%d: process P%d of %d", op->loc.line, op->loc.col, op->proc, sc->nprocs);
	if (init && (op->cpu < 0 || op->cpu >= sc->ncpus))
		fuzz_fail("init op at %d:%d: cpu%d of %d", op->loc.line, op->loc.col, op->cpu, sc->ncpus);
	if (op->reg < -1 || op->reg >= FL_LIT_MAX_REGS)
		fuzz_fail("op at %d:%d: register r%d", op->loc.line, op->loc.col, op->reg);
	if (op->npages < 0 || op->npages > FL_LIT_MAX_PAGES)
		fuzz_fail("op at %d:%d: %d pages", op->loc.line, op->loc.col, op->npages);
	if (op->loc.line < 1 || op->loc.col < 1)
		fuzz_fail("op without a location");
	switch (op->kind) {
	case FL_OP_FORK:
		if (op->child < 1 || op->child >= sc->nprocs)
			fuzz_fail("fork at %d:%d: child P%d of %d", op->loc.line, op->loc.col, op->child, sc->nprocs);
		break;
	case FL_OP_MEMFD:
	case FL_OP_FALLOCATE:
		/* A file, and a page range inside it. */
		if (op->file < 0 || op->file >= sc->nfiles)
			fuzz_fail("op at %d:%d: file index %d of %d", op->loc.line, op->loc.col, op->file, sc->nfiles);
		if (op->fpage < 0 || op->fpage + op->npages > sc->files[op->file].npages)
			fuzz_fail("op at %d:%d: pages %d+%d outside file %s", op->loc.line, op->loc.col, op->fpage,
				  op->npages, sc->files[op->file].name);
		break;
	case FL_OP_MMAP:
		if (op->file >= sc->nfiles ||
		    (op->file >= 0 && (op->fpage < 0 || op->fpage + op->npages > sc->files[op->file].npages)))
			fuzz_fail("mmap at %d:%d: file %d pages %d+%d", op->loc.line, op->loc.col, op->file, op->fpage,
				  op->npages);
		break;
	case FL_OP_CLEAR_REFS:
	case FL_OP_EXIT:
	case FL_OP_UFFD_WAIT:
		break;
	default:
		fuzz_check_addr(sc, &op->addr, "op");
		/* A page range (munmap, mprotect, gup, ...) ends inside its region. */
		if (op->npages > 0 &&
		    op->addr.offset / FL_LIT_PAGE_WORDS + op->npages > sc->regions[op->addr.region].npages)
			fuzz_fail("op at %d:%d: %d pages from word %d run past region %s", op->loc.line,
				  op->loc.col, op->npages, op->addr.offset, sc->regions[op->addr.region].name);
		break;
	}
}

/* Every index the interpreter trusts is inside its table. */
static inline void fuzz_check_scenario(const struct fl_scenario *sc)
{
	if (sc->nprocs < 1 || sc->nprocs > FL_LIT_MAX_PROCS)
		fuzz_fail("nprocs %d", sc->nprocs);
	if (sc->nregions < 0 || sc->nregions > FL_LIT_MAX_REGIONS)
		fuzz_fail("nregions %d", sc->nregions);
	for (int r = 0; r < sc->nregions; r++)
		if (sc->regions[r].npages < 1 || sc->regions[r].npages > FL_LIT_MAX_PAGES)
			fuzz_fail("region %d: %d pages", r, sc->regions[r].npages);
	if (sc->nfiles < 0 || sc->nfiles > FL_LIT_MAX_FILES)
		fuzz_fail("nfiles %d", sc->nfiles);
	for (int f = 0; f < sc->nfiles; f++)
		if (sc->files[f].npages < 1 || sc->files[f].npages > FL_LIT_MAX_FILE_PAGES)
			fuzz_fail("file %d: %d pages", f, sc->files[f].npages);
	if (sc->ncpus < 1 || sc->ncpus > FL_LIT_MAX_CPUS)
		fuzz_fail("ncpus %d", sc->ncpus);
	if (sc->ninit < 0 || sc->ninit > FL_LIT_MAX_OPS)
		fuzz_fail("ninit %d", sc->ninit);
	for (int i = 0; i < sc->ninit; i++)
		fuzz_check_op(sc, &sc->init[i], true);
	if (sc->nthreads < 0 || sc->nthreads > FL_LIT_MAX_THREADS)
		fuzz_fail("nthreads %d", sc->nthreads);
	for (int t = 0; t < sc->nthreads; t++) {
		const struct fl_lit_thread *th = &sc->threads[t];

		if (th->proc < 0 || th->proc >= sc->nprocs || th->cpu < 0 || th->cpu >= sc->ncpus)
			fuzz_fail("thread T%d: P%d cpu%d", th->id, th->proc, th->cpu);
		if (th->nops < 0 || th->nops > FL_LIT_MAX_OPS)
			fuzz_fail("thread T%d: %d ops", th->id, th->nops);
		for (int i = 0; i < th->nops; i++)
			fuzz_check_op(sc, &th->ops[i], false);
	}
	if (sc->nexpect < 0 || sc->nexpect > FL_LIT_MAX_EXPECT)
		fuzz_fail("nexpect %d", sc->nexpect);
	for (int i = 0; i < sc->nexpect; i++) {
		const struct fl_lit_expect *e = &sc->expect[i];

		if (e->preset < 0 || e->preset >= fl_preset_count())
			fuzz_fail("expect %d: preset %d", i, e->preset);
		if (e->nsets < 0 || e->nsets > FL_LIT_MAX_SETS)
			fuzz_fail("expect %d: %d sets", i, e->nsets);
		for (int k = 0; k < e->nsets; k++) {
			const struct fl_lit_set *s = &e->sets[k];

			if (s->sw < 0 || s->sw >= FL_SW__COUNT || s->value < 0 ||
			    s->value >= fl_switch_desc((enum fl_switch)s->sw)->nvalues)
				fuzz_fail("expect %d: switch %d = %d", i, s->sw, s->value);
		}
	}
	if (sc->nassert < 0 || sc->nassert > FL_LIT_MAX_ASSERT)
		fuzz_fail("nassert %d", sc->nassert);
	for (int i = 0; i < sc->nassert; i++) {
		const struct fl_lit_reg *r = &sc->asserts[i].reg;

		if (r->thread < -1 || r->thread >= sc->nthreads || r->reg < 0 || r->reg >= FL_LIT_MAX_REGS)
			fuzz_fail("assert %d: thread %d r%d", i, r->thread, r->reg);
	}
}

/* FNV-1a: the fuzzer's input picks presets, switches and seeds deterministically. */
static inline uint64_t fuzz_hash(const uint8_t *data, size_t size)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 0x100000001b3ull;
	return h;
}

/*
 * Line-level mutations, half of the time; libFuzzer's byte-level ones otherwise.
 * Byte mutations of a litmus file mostly give parse errors; the model's
 * capacity limits (stores, references, pins, frames, VMAs) need many valid ops,
 * threads and regions, which repeating and moving whole lines builds quickly.
 */
static inline uint32_t mut_rand(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* Start offsets of the lines of @data (at most @max); returns their number. */
static inline int line_starts(const uint8_t *data, size_t size, size_t *start, int max)
{
	int n = 0;

	for (size_t i = 0; i < size && n < max; i++)
		if (i == 0 || data[i - 1] == '\n')
			start[n++] = i;
	return n;
}

static inline size_t fuzz_line_mutate(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	static uint8_t tmp[1u << 16];
	size_t start[512], a0, a1, len, copies, o;
	uint32_t r = seed;
	int n, a, b;

	if (mut_rand(&r) % 2 || size == 0 || max_size > sizeof(tmp))
		return LLVMFuzzerMutate(data, size, max_size);
	n = line_starts(data, size, start, 512);
	a = (int)(mut_rand(&r) % (uint32_t)n);
	b = (int)(mut_rand(&r) % (uint32_t)n);
	a0 = start[a];
	a1 = a + 1 < n ? start[a + 1] : size;
	len = a1 - a0;
	switch (mut_rand(&r) % 3) {
	case 0:		/* repeat line a, 1 to 16 more times, in place */
		copies = 1 + mut_rand(&r) % 16;
		if (size + copies * len > max_size || (a1 == size && data[size - 1] != '\n'))
			return LLVMFuzzerMutate(data, size, max_size);
		memcpy(tmp, data, a1);
		o = a1;
		for (size_t k = 0; k < copies; k++, o += len)
			memcpy(tmp + o, data + a0, len);
		memcpy(tmp + o, data + a1, size - a1);
		size += copies * len;
		break;
	case 1:		/* delete line a */
		if (n < 2)
			return LLVMFuzzerMutate(data, size, max_size);
		memcpy(tmp, data, a0);
		memcpy(tmp + a0, data + a1, size - a1);
		size -= len;
		break;
	default:	/* copy line a before line b */
		if (size + len > max_size || (a1 == size && data[size - 1] != '\n'))
			return LLVMFuzzerMutate(data, size, max_size);
		memcpy(tmp, data, start[b]);
		memcpy(tmp + start[b], data + a0, len);
		memcpy(tmp + start[b] + len, data + start[b], size - start[b]);
		size += len;
		break;
	}
	memcpy(data, tmp, size);
	return size;
}

#endif
