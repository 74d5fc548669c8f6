/* SPDX-License-Identifier: MIT */
/*
 * litmus/parse_op.c - names, addresses and ops, and the blocks (init, Tn)
 * that hold them.  Which ops exist and what their arguments look like comes
 * from the op table (ops.h); this file only knows how to read each shape.
 */
#include <stdio.h>
#include <string.h>

#include "litmus/parse_int.h"

/* --- names: processes, cpus, registers, regions --------------------------- */

static int proc_ref(struct parser *p, const struct tok *t, int *n)
{
	if (!lit_numbered(t, "P", n))
		return lit_error_at(p, t->loc, "expected a process Pn, got %s", lit_tok_desc(p, t));
	if (*n >= FL_LIT_MAX_PROCS)
		return lit_error_at(p, t->loc, "process %.*s out of range (P0..P%d, FL_LIT_MAX_PROCS = %d)",
				lit_clip(t->len), t->s, FL_LIT_MAX_PROCS - 1, FL_LIT_MAX_PROCS);
	return 0;
}

/* "@cpuK", the '@' not yet taken. */
static int cpu_ref(struct parser *p, int *cpu)
{
	struct tok t;

	if (lit_want(p, TK_AT, NULL))
		return -1;
	t = lit_take(p);
	if (!lit_numbered(&t, "cpu", cpu))
		return lit_error_at(p, t.loc, "expected cpuN after '@', got %s", lit_tok_desc(p, &t));
	if (*cpu >= FL_LIT_MAX_CPUS)
		return lit_error_at(p, t.loc, "%.*s out of range (cpu0..cpu%d, FL_LIT_MAX_CPUS = %d)",
				lit_clip(t.len), t.s, FL_LIT_MAX_CPUS - 1, FL_LIT_MAX_CPUS);
	if (*cpu > p->max_cpu)
		p->max_cpu = *cpu;
	return 0;
}

int lit_reg_ref(struct parser *p, const struct tok *t, int *k)
{
	if (!lit_numbered(t, "r", k))
		return lit_error_at(p, t->loc, "expected a register rN, got %s", lit_tok_desc(p, t));
	if (*k >= FL_LIT_MAX_REGS)
		return lit_error_at(p, t->loc, "register %.*s out of range (r0..r%d, FL_LIT_MAX_REGS = %d)",
				lit_clip(t->len), t->s, FL_LIT_MAX_REGS - 1, FL_LIT_MAX_REGS);
	return 0;
}

static int find_region(const struct parser *p, const struct tok *t)
{
	for (int i = 0; i < p->sc->nregions; i++) {
		const char *name = p->sc->regions[i].name;

		if (strlen(name) == (size_t)t->len && memcmp(name, t->s, (size_t)t->len) == 0)
			return i;
	}
	return -1;
}

static int find_file(const struct parser *p, const struct tok *t)
{
	for (int i = 0; i < p->sc->nfiles; i++) {
		const char *name = p->sc->files[i].name;

		if (strlen(name) == (size_t)t->len && memcmp(name, t->s, (size_t)t->len) == 0)
			return i;
	}
	return -1;
}

static int region_words(const struct parser *p, int r)
{
	return p->sc->regions[r].npages * FL_LIT_PAGE_WORDS;
}

static int outside(struct parser *p, struct fl_loc loc, int r, const char *what)
{
	const struct fl_lit_region *reg = &p->sc->regions[r];

	return lit_error_at(p, loc, "%s is outside region %s (%d page%s = %d words)", what,
			reg->name, reg->npages, reg->npages == 1 ? "" : "s", region_words(p, r));
}

/* addr := REGION ['+' INT], an offset in 64-bit words. */
static int parse_addr(struct parser *p, struct fl_lit_addr *a)
{
	struct tok t = lit_take(p), n;
	char what[80];
	uint64_t off = 0;
	int r;

	if (!lit_is_region_name(&t))
		return lit_error_at(p, t.loc, "expected a region (a name starting with an uppercase letter), got %s",
				lit_tok_desc(p, &t));
	r = find_region(p, &t);
	if (r < 0 && find_file(p, &t) >= 0)
		return lit_error_at(p, t.loc, "'%.*s' is a file, not a region: map it (A = mmap(%.*s, N, rw shared))",
				lit_clip(t.len), t.s, lit_clip(t.len), t.s);
	if (r < 0)
		return lit_error_at(p, t.loc, "unknown region '%.*s'", lit_clip(t.len), t.s);
	if (lit_peek(p)->kind == TK_PLUS) {
		lit_take(p);
		if (lit_want(p, TK_INT, &n))
			return -1;
		off = n.num;
	}
	if (off >= (uint64_t)region_words(p, r)) {
		snprintf(what, sizeof(what), "%s+%llu", p->sc->regions[r].name,
			 (unsigned long long)off);
		return outside(p, t.loc, r, what);
	}
	a->region = r;
	a->offset = (int)off;
	return 0;
}

/* --- ops ------------------------------------------------------------------ */

/* The op that token @t names, from the op table (ops.h), or NULL. */
static const struct fl_op_desc *find_op(const struct tok *t, enum fl_lit_kind *kind)
{
	int k = t->kind == TK_IDENT ? fl_op_find(t->s, t->len) : -1;

	if (k < 0)
		return NULL;
	*kind = (enum fl_lit_kind)k;
	return &fl_ops[k];
}

static int parse_prot(struct parser *p, uint32_t *prot)
{
	struct tok t = lit_take(p);

	if (lit_tok_is(&t, "rw"))
		*prot = FL_PROT_READ | FL_PROT_WRITE;
	else if (lit_tok_is(&t, "ro"))
		*prot = FL_PROT_READ;
	else if (lit_tok_is(&t, "none"))
		*prot = 0;
	else
		return lit_error_at(p, t.loc, "expected rw, ro or none, got %s", lit_tok_desc(p, &t));
	return 0;
}

/*
 * The page count of munmap/mprotect, the ',' already taken: N pages from
 * the address's page.  Without one, npages stays 0, which the interpreter
 * reads as "from the address's page to the end of the region".
 */
static int parse_npages(struct parser *p, struct fl_lit_op *op)
{
	const struct fl_lit_region *reg = &p->sc->regions[op->addr.region];
	int first = op->addr.offset / FL_LIT_PAGE_WORDS;
	char what[96];
	struct tok n;

	if (lit_want(p, TK_INT, &n))
		return -1;
	if (n.num == 0)
		return lit_error_at(p, n.loc, "page count 0: leave the count out to cover the whole region");
	if (n.num > (uint64_t)(reg->npages - first)) {
		snprintf(what, sizeof(what), "%llu page%s from %s+%d", (unsigned long long)n.num,
			 n.num == 1 ? "" : "s", reg->name, op->addr.offset);
		return outside(p, n.loc, op->addr.region, what);
	}
	op->npages = (int)n.num;
	return 0;
}

/* munmap(addr [, N]) */
static int parse_munmap(struct parser *p, struct fl_lit_op *op)
{
	if (parse_addr(p, &op->addr))
		return -1;
	if (lit_peek(p)->kind != TK_COMMA)
		return 0;	/* npages 0: from the address's page to the region's end */
	lit_take(p);
	return parse_npages(p, op);
}

/* mprotect(addr [, N], prot) */
static int parse_mprotect(struct parser *p, struct fl_lit_op *op)
{
	if (parse_addr(p, &op->addr) || lit_want(p, TK_COMMA, NULL))
		return -1;
	if (lit_peek(p)->kind == TK_INT && (parse_npages(p, op) || lit_want(p, TK_COMMA, NULL)))
		return -1;
	return parse_prot(p, &op->prot);
}

static int parse_clear_refs(struct parser *p, struct fl_lit_op *op)
{
	struct tok t = lit_take(p);

	/* Only the soft-dirty walk races with faults in ways the model covers. */
	if (!lit_tok_is(&t, "soft_dirty"))
		return lit_error_at(p, t.loc, "clear_refs type %s is not modelled (only soft_dirty)",
				lit_tok_desc(p, &t));
	op->clear_refs_type = FL_CLEAR_REFS_SOFT_DIRTY;
	return 0;
}

/* pin_user_pages(addr, rw|ro): FOLL_PIN, with FOLL_WRITE for rw. */
static int parse_pin(struct parser *p, struct fl_lit_op *op)
{
	struct tok t;

	if (parse_addr(p, &op->addr) || lit_want(p, TK_COMMA, NULL))
		return -1;
	t = lit_take(p);
	if (lit_tok_is(&t, "rw"))
		op->prot = FL_PROT_READ | FL_PROT_WRITE;
	else if (lit_tok_is(&t, "ro"))
		op->prot = FL_PROT_READ;
	else
		return lit_error_at(p, t.loc, "expected rw or ro, got %s", lit_tok_desc(p, &t));
	return 0;
}

/* The words after an optional page count: uffd_register's modes, uffd_wp's on/off. */
static int parse_range_then(struct parser *p, struct fl_lit_op *op)
{
	if (parse_addr(p, &op->addr) || lit_want(p, TK_COMMA, NULL))
		return -1;
	if (lit_peek(p)->kind == TK_INT && (parse_npages(p, op) || lit_want(p, TK_COMMA, NULL)))
		return -1;
	return 0;
}

/* uffd_register(addr [, N], missing | wp | missing wp) */
static int parse_uffd_register(struct parser *p, struct fl_lit_op *op)
{
	struct tok t;

	if (parse_range_then(p, op))
		return -1;
	do {
		t = lit_take(p);
		if (lit_tok_is(&t, "missing") && !(op->value & FL_UFFD_MISSING))
			op->value |= FL_UFFD_MISSING;
		else if (lit_tok_is(&t, "wp") && !(op->value & FL_UFFD_WP))
			op->value |= FL_UFFD_WP;
		else
			return lit_error_at(p, t.loc, "expected a uffd mode (missing, wp), got %s", lit_tok_desc(p, &t));
	} while (lit_peek(p)->kind == TK_IDENT);
	return 0;
}

/* uffd_wp(addr [, N], on | off) */
static int parse_uffd_wp(struct parser *p, struct fl_lit_op *op)
{
	struct tok t;

	if (parse_range_then(p, op))
		return -1;
	t = lit_take(p);
	if (lit_tok_is(&t, "on"))
		op->value = 1;
	else if (lit_tok_is(&t, "off"))
		op->value = 0;
	else
		return lit_error_at(p, t.loc, "expected on or off, got %s", lit_tok_desc(p, &t));
	return 0;
}

/* gup(addr, N, pin | get | none) */
static int parse_gup(struct parser *p, struct fl_lit_op *op)
{
	struct tok t;

	if (parse_addr(p, &op->addr) || lit_want(p, TK_COMMA, NULL) || parse_npages(p, op) ||
	    lit_want(p, TK_COMMA, NULL))
		return -1;
	t = lit_take(p);
	if (lit_tok_is(&t, "pin"))
		op->value = FL_GUP_PIN;
	else if (lit_tok_is(&t, "get"))
		op->value = FL_GUP_GET;
	else if (lit_tok_is(&t, "none"))
		op->value = FL_GUP_NONE;
	else
		return lit_error_at(p, t.loc, "expected pin, get or none, got %s", lit_tok_desc(p, &t));
	return 0;
}

static int parse_mmap_args(struct parser *p, struct fl_lit_op *op);

/* F ['+' page]: a file made by an earlier memfd, and a page offset in it. */
static int parse_file_ref(struct parser *p, struct fl_lit_op *op, bool offset)
{
	struct tok t = lit_take(p), n;
	int f;

	if (!lit_is_region_name(&t))
		return lit_error_at(p, t.loc, "expected a file (made by F = memfd(N)), got %s", lit_tok_desc(p, &t));
	f = find_file(p, &t);
	if (f < 0)
		return lit_error_at(p, t.loc, "unknown file '%.*s' (files come from F = memfd(N))",
				lit_clip(t.len), t.s);
	op->file = f;
	op->fpage = 0;
	if (offset && lit_peek(p)->kind == TK_PLUS) {
		lit_take(p);
		if (lit_want(p, TK_INT, &n))
			return -1;
		if (n.num >= (uint64_t)p->sc->files[f].npages)
			return lit_error_at(p, n.loc, "page %llu is outside file %s (%d page%s)",
					(unsigned long long)n.num, p->sc->files[f].name, p->sc->files[f].npages,
					p->sc->files[f].npages == 1 ? "" : "s");
		op->fpage = (int)n.num;
	}
	return 0;
}

/* (F, page, N): punch a hole over pages [page, page + N) of F. */
static int parse_fallocate(struct parser *p, struct fl_lit_op *op)
{
	struct tok a, n;
	const struct fl_lit_file *f;

	if (parse_file_ref(p, op, false) || lit_want(p, TK_COMMA, NULL) || lit_want(p, TK_INT, &a) ||
	    lit_want(p, TK_COMMA, NULL) || lit_want(p, TK_INT, &n))
		return -1;
	f = &p->sc->files[op->file];
	if (a.num >= (uint64_t)f->npages)
		return lit_error_at(p, a.loc, "page %llu is outside file %s (%d page%s)", (unsigned long long)a.num,
				f->name, f->npages, f->npages == 1 ? "" : "s");
	if (n.num < 1 || n.num > (uint64_t)(f->npages - (int)a.num))
		return lit_error_at(p, n.loc, "fallocate of %llu pages from page %llu: file %s has %d page%s",
				(unsigned long long)n.num, (unsigned long long)a.num, f->name, f->npages,
				f->npages == 1 ? "" : "s");
	op->fpage = (int)a.num;
	op->npages = (int)n.num;
	return 0;
}


/* The arguments of a call, between the parentheses. */
static int parse_args(struct parser *p, enum fl_op_args args, struct fl_lit_op *op)
{
	struct tok v;

	switch (args) {
	case FL_ARGS_NONE:
		return 0;
	case FL_ARGS_ADDR:
		return parse_addr(p, &op->addr);
	case FL_ARGS_WRITE:
		if (parse_addr(p, &op->addr) || lit_want(p, TK_COMMA, NULL) ||
		    lit_want(p, TK_INT, &v))
			return -1;
		op->value = v.num;
		return 0;
	case FL_ARGS_RANGE:
		return parse_munmap(p, op);
	case FL_ARGS_PROTECT:
		return parse_mprotect(p, op);
	case FL_ARGS_PIN:
		return parse_pin(p, op);
	case FL_ARGS_CLEAR_REFS:
		return parse_clear_refs(p, op);
	case FL_ARGS_UFFD_REGISTER:
		return parse_uffd_register(p, op);
	case FL_ARGS_UFFD_WP:
		return parse_uffd_wp(p, op);
	case FL_ARGS_GUP:
		return parse_gup(p, op);
	case FL_ARGS_MMAP:
		return parse_mmap_args(p, op);
	case FL_ARGS_MEMFD:
		if (lit_want(p, TK_INT, &v))
			return -1;
		if (v.num < 1 || v.num > FL_LIT_MAX_FILE_PAGES)
			return lit_error_at(p, v.loc, "memfd of %llu pages: a file has 1 to %d pages (FL_LIT_MAX_FILE_PAGES)",
					(unsigned long long)v.num, FL_LIT_MAX_FILE_PAGES);
		op->npages = (int)v.num;
		return 0;
	case FL_ARGS_FALLOCATE:
		return parse_fallocate(p, op);
	}
	return 0;
}

static int parse_call(struct parser *p, const struct fl_op_desc *d, enum fl_lit_kind kind,
		      struct fl_lit_op *op)
{
	op->kind = kind;
	return lit_want(p, TK_LPAREN, NULL) || parse_args(p, d->args, op) ||
	       lit_want(p, TK_RPAREN, NULL) ? -1 : 0;
}

/* One flag word of mmap into *prot / *mflags; *seen catches repeats and conflicts. */
static int mmap_flag(struct parser *p, const struct tok *t, struct fl_lit_op *op, unsigned *seen)
{
	static const struct {
		const char *name;
		unsigned group;		/* 1 anon, 2 protection, 4 sharing */
		uint32_t prot, mflags;
	} flags[] = {
		{ "anon", 1, 0, FL_MAP_ANON },
		{ "rw", 2, FL_PROT_READ | FL_PROT_WRITE, 0 },
		{ "ro", 2, FL_PROT_READ, 0 },
		{ "none", 2, 0, 0 },
		{ "shared", 4, 0, FL_MAP_SHARED },
		{ "private", 4, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (!lit_tok_is(t, flags[i].name))
			continue;
		if (*seen & flags[i].group)
			return lit_error_at(p, t->loc, "mmap flag '%s' repeats or conflicts with an earlier one",
					flags[i].name);
		*seen |= flags[i].group;
		if (flags[i].group == 2)
			op->prot = flags[i].prot;
		op->mflags |= flags[i].mflags;
		return 0;
	}
	return lit_error_at(p, t->loc, "unknown mmap flag %s (anon rw ro none shared private)",
			lit_tok_desc(p, t));
}

static int add_region(struct parser *p, const struct tok *name, struct fl_lit_op *op)
{
	struct fl_scenario *sc = p->sc;
	struct fl_lit_region *reg;
	int r = find_region(p, name);

	if (r >= 0)
		return lit_error_at(p, name->loc, "region '%s' is already defined at line %d",
				sc->regions[r].name, sc->regions[r].loc.line);
	if (name->len >= (int)sizeof(reg->name))
		return lit_error_at(p, name->loc, "region name '%.*s' is too long (max %d characters)",
				lit_clip(name->len), name->s, (int)sizeof(reg->name) - 1);
	if (sc->nregions >= FL_LIT_MAX_REGIONS)
		return lit_error_at(p, name->loc, "too many regions (FL_LIT_MAX_REGIONS = %d)",
				FL_LIT_MAX_REGIONS);
	reg = &sc->regions[sc->nregions];
	memcpy(reg->name, name->s, (size_t)name->len);
	reg->name[name->len] = '\0';
	reg->npages = op->npages;
	reg->loc = op->loc;
	op->addr.region = sc->nregions++;
	op->addr.offset = 0;
	return 0;
}

static int parse_mmap_args(struct parser *p, struct fl_lit_op *op)
{
	unsigned seen = 0;
	struct tok t;

	/* mmap(F[+page], N, ...): a shared mapping of a memfd. */
	if (lit_peek(p)->kind == TK_IDENT && (parse_file_ref(p, op, true) || lit_want(p, TK_COMMA, NULL)))
		return -1;
	if (lit_want(p, TK_INT, &t))
		return -1;
	if (t.num < 1 || t.num > FL_LIT_MAX_PAGES)
		return lit_error_at(p, t.loc, "mmap of %llu pages: a region has 1 to %d pages (FL_LIT_MAX_PAGES)",
				(unsigned long long)t.num, FL_LIT_MAX_PAGES);
	op->npages = (int)t.num;
	op->prot = FL_PROT_READ | FL_PROT_WRITE;
	if (lit_want(p, TK_COMMA, NULL))
		return -1;
	do {
		t = lit_take(p);
		if (t.kind != TK_IDENT)
			return lit_error_at(p, t.loc, "expected an mmap flag (anon rw ro none shared private), got %s",
					lit_tok_desc(p, &t));
		if (mmap_flag(p, &t, op, &seen))
			return -1;
	} while (lit_peek(p)->kind == TK_IDENT);
	/* Reported at the ')'; anything else there is parse_call's "expected ')'". */
	if (lit_peek(p)->kind != TK_RPAREN)
		return 0;
	if (op->file >= 0) {
		const struct fl_lit_file *f = &p->sc->files[op->file];

		if (seen & 1)
			return lit_error_at(p, lit_peek(p)->loc, "mmap of file %s: a file mapping is not 'anon'", f->name);
		if (!(op->mflags & FL_MAP_SHARED))
			return lit_error_at(p, lit_peek(p)->loc, "mmap of file %s: only 'shared' file mappings are "
					"modelled (private ones, which COW from the page cache, are not yet)", f->name);
		if (op->fpage + op->npages > f->npages)
			return lit_error_at(p, lit_peek(p)->loc, "mmap of %d pages from page %d of file %s, which "
					"has %d", op->npages, op->fpage, f->name, f->npages);
		return 0;
	}
	if (!(seen & 1))
		return lit_error_at(p, lit_peek(p)->loc, "mmap needs 'anon' or a file: mmap(N, anon rw) or "
				"mmap(F, N, rw shared)");
	return 0;
}

/*
 * F = memfd(N); the name and '=' are taken.  The file belongs to P0's
 * init, before any fork: every process then has it, as a forked child
 * inherits the descriptor.
 */
static int parse_memfd(struct parser *p, struct opctx *c, const struct tok *name, struct fl_lit_op *op)
{
	struct fl_scenario *sc = p->sc;
	struct fl_lit_file *f;

	if (parse_call(p, &fl_ops[FL_OP_MEMFD], FL_OP_MEMFD, op))
		return -1;
	if (!c->init || c->proc != 0 || sc->nprocs > 1)
		return lit_error_at(p, name->loc, "memfd belongs in init, in P0, before the first fork "
				"(every process inherits the file)");
	if (find_region(p, name) >= 0 || find_file(p, name) >= 0)
		return lit_error_at(p, name->loc, "'%.*s' is already a region or a file", lit_clip(name->len), name->s);
	if (name->len >= (int)sizeof(f->name))
		return lit_error_at(p, name->loc, "file name '%.*s' is too long (max %d characters)",
				lit_clip(name->len), name->s, (int)sizeof(f->name) - 1);
	if (sc->nfiles >= FL_LIT_MAX_FILES)
		return lit_error_at(p, name->loc, "too many files (FL_LIT_MAX_FILES = %d)", FL_LIT_MAX_FILES);
	f = &sc->files[sc->nfiles];
	memcpy(f->name, name->s, (size_t)name->len);
	f->name[name->len] = '\0';
	f->npages = op->npages;
	f->loc = op->loc;
	op->file = sc->nfiles++;
	return 0;
}

/* REGION = mmap(N, flag...); the name and '=' are taken. */
static int parse_mmap(struct parser *p, const struct tok *name, struct fl_lit_op *op)
{
	struct tok t = lit_take(p);

	if (!lit_tok_is(&t, "mmap"))
		return lit_error_at(p, t.loc, "only mmap defines a region and memfd a file: expected '%.*s = mmap(...)' "
				"or '%.*s = memfd(N)', got %s", lit_clip(name->len), name->s, lit_clip(name->len), name->s,
				lit_tok_desc(p, &t));
	if (find_file(p, name) >= 0)
		return lit_error_at(p, name->loc, "'%.*s' is already a file", lit_clip(name->len), name->s);
	if (parse_call(p, &fl_ops[FL_OP_MMAP], FL_OP_MMAP, op))
		return -1;
	return add_region(p, name, op);
}


/*
 * Pn = fork(); the Pn and '=' are taken.  Processes are numbered in fork
 * order (in the file), so that P0..P(nprocs-1) are exactly the processes.
 */
static int parse_fork(struct parser *p, struct opctx *c, const struct tok *name,
		      struct fl_lit_op *op)
{
	struct fl_scenario *sc = p->sc;
	struct tok t = lit_take(p);
	int n;

	if (!lit_tok_is(&t, "fork"))
		return lit_error_at(p, t.loc, "expected 'fork' after '%.*s =', got %s",
				lit_clip(name->len), name->s, lit_tok_desc(p, &t));
	if (proc_ref(p, name, &n) || lit_want(p, TK_LPAREN, NULL) || lit_want(p, TK_RPAREN, NULL))
		return -1;
	if (n == 0)
		return lit_error_at(p, name->loc, "P0 always exists: fork() creates P1..P%d",
				FL_LIT_MAX_PROCS - 1);
	if (p->made[n])
		return lit_error_at(p, name->loc, "P%d is already created by the fork at line %d",
				n, p->fork_loc[n].line);
	/* The parent runs the fork, so it must exist by then (file order). */
	if (c->proc != 0 && !p->made[c->proc])
		return lit_error_at(p, op->loc, "P%d does not exist yet (no earlier 'P%d = fork()')",
				c->proc, c->proc);
	if (n != sc->nprocs)
		return lit_error_at(p, name->loc, "processes are numbered in fork order: this fork must create P%d",
				sc->nprocs);
	op->kind = FL_OP_FORK;
	op->child = n;
	p->made[n] = true;
	p->made_in_init[n] = c->init;
	p->fork_loc[n] = name->loc;
	sc->nprocs++;
	return 0;
}

/* rK = read(...) | write(...) | pagemap(...) | pin_user_pages(...); rK is taken. */
static int parse_reg_op(struct parser *p, const struct tok *reg, struct fl_lit_op *op)
{
	const struct fl_op_desc *d;
	enum fl_lit_kind kind;
	struct tok t;

	if (lit_reg_ref(p, reg, &op->reg) || lit_want(p, TK_ASSIGN, NULL))
		return -1;
	t = lit_take(p);
	d = find_op(&t, &kind);
	if (!d || (d->dest != FL_DEST_REG && d->dest != FL_DEST_REG_ALWAYS))
		return lit_error_at(p, t.loc, "%s does not set a register", lit_tok_desc(p, &t));
	return parse_call(p, d, kind, op);
}

/* A call without a destination: NAME '(' args ')'. */
static int parse_plain_op(struct parser *p, const struct tok *t, struct fl_lit_op *op)
{
	enum fl_lit_kind kind;
	const struct fl_op_desc *d = find_op(t, &kind);

	if (!d)
		return lit_error_at(p, t->loc, "unknown operation '%.*s'", lit_clip(t->len), t->s);
	switch (d->dest) {
	case FL_DEST_REGION:
		return lit_error_at(p, t->loc, "mmap needs a region: A = mmap(N, anon rw)");
	case FL_DEST_PROC:
		return lit_error_at(p, t->loc, "fork needs a child process: P1 = fork()");
	case FL_DEST_FILE:
		return lit_error_at(p, t->loc, "memfd needs a file name: F = memfd(N)");
	case FL_DEST_REG_ALWAYS:
		return lit_error_at(p, t->loc, "%s needs a register: r0 = %s(A)", d->name, d->name);
	case FL_DEST_NONE:
	case FL_DEST_REG:
		break;
	}
	return parse_call(p, d, kind, op);
}

/* One op; @first is its first token, already taken. */
static int parse_op(struct parser *p, struct opctx *c, const struct tok *first,
		    struct fl_lit_op *op)
{
	int n;

	memset(op, 0, sizeof(*op));
	op->loc = first->loc;
	op->proc = c->proc;
	op->cpu = c->cpu;
	op->reg = -1;
	op->addr.region = -1;
	op->child = -1;
	op->file = -1;
	if (first->kind != TK_IDENT)
		return lit_error_at(p, first->loc, "expected an operation, got %s", lit_tok_desc(p, first));
	if (lit_numbered(first, "r", &n))
		return parse_reg_op(p, first, op);
	if (lit_numbered(first, "P", &n)) {
		if (lit_peek(p)->kind == TK_COLON || lit_peek(p)->kind == TK_AT)
			return lit_error_at(p, first->loc, c->init ?
					"one 'Pn:' prefix per statement" :
					"a 'Pn:' prefix is only allowed in init");
		return lit_want(p, TK_ASSIGN, NULL) || parse_fork(p, c, first, op) ? -1 : 0;
	}
	if (lit_is_region_name(first) && lit_peek(p)->kind == TK_ASSIGN) {
		lit_take(p);
		if (lit_peek(p)->kind == TK_IDENT && lit_tok_is(lit_peek(p), "memfd")) {
			lit_take(p);
			return parse_memfd(p, c, first, op);
		}
		return parse_mmap(p, first, op);
	}
	return parse_plain_op(p, first, op);
}

/*
 * "[Pn[@cpuK]:]" before an init op.  Init runs before any thread, so the
 * process must come from a fork earlier in init itself, not from a thread.
 */
static int init_prefix(struct parser *p, struct opctx *c, struct tok *first)
{
	int n, cpu = 0;

	c->proc = 0;
	c->cpu = 0;
	if (!lit_numbered(first, "P", &n) || lit_peek(p)->kind == TK_ASSIGN)
		return 0;
	if (proc_ref(p, first, &n))
		return -1;
	if (n != 0 && !p->made_in_init[n])
		return lit_error_at(p, first->loc, "P%d does not exist yet (no earlier 'P%d = fork()' in init)",
				n, n);
	if (lit_peek(p)->kind == TK_AT && cpu_ref(p, &cpu))
		return -1;
	if (lit_want(p, TK_COLON, NULL))
		return -1;
	c->proc = n;
	c->cpu = cpu;
	*first = lit_take(p);
	return 0;
}

/* Bookkeeping after a good op: registers and exit(). */
static void op_done(struct parser *p, struct opctx *c, const struct fl_lit_op *op)
{
	if (op->reg >= 0)
		*c->regs |= 1u << op->reg;
	if (op->kind != FL_OP_EXIT)
		return;
	if (c->init) {
		p->init_exit[op->proc] = true;
		p->init_exit_loc[op->proc] = op->loc;
	} else {
		c->exited = true;
	}
}

/* Checks that depend on what ran before this statement (at @start) in the block. */
static int op_allowed(struct parser *p, struct opctx *c, struct fl_loc start)
{
	if (c->exited)
		return lit_error_at(p, start, "nothing can follow exit() in %s", c->who);
	if (c->init && p->init_exit[c->proc])
		return lit_error_at(p, start, "P%d has exited (exit() at line %d)",
				c->proc, p->init_exit_loc[c->proc].line);
	return 0;
}

static int parse_stmt(struct parser *p, struct opctx *c)
{
	struct tok first = lit_take(p);
	struct fl_loc start = first.loc;
	struct fl_lit_op *op;

	if (*c->nops >= FL_LIT_MAX_OPS)
		return lit_error_at(p, start, "too many operations in %s (FL_LIT_MAX_OPS = %d)",
				c->who, FL_LIT_MAX_OPS);
	if (c->init && init_prefix(p, c, &first))
		return -1;
	if (op_allowed(p, c, start))
		return -1;
	op = &c->ops[*c->nops];
	if (parse_op(p, c, &first, op))
		return -1;
	(*c->nops)++;
	op_done(p, c, op);
	return 0;
}

/* '{' (op sep)* '}', the '{' at @open already taken. */
static int parse_block(struct parser *p, struct opctx *c, struct fl_loc open)
{
	struct tok *t;

	for (;;) {
		lit_skip_seps(p);
		t = lit_peek(p);
		if (t->kind == TK_RBRACE) {
			lit_take(p);
			return 0;
		}
		if (t->kind == TK_EOF)
			return lit_error_at(p, t->loc, "missing '}': the block opened at line %d is not closed",
					open.line);
		if (parse_stmt(p, c))
			return -1;
		t = lit_peek(p);
		if (t->kind != TK_NL && t->kind != TK_SEMI && t->kind != TK_RBRACE &&
		    t->kind != TK_EOF)	/* the loop reports the missing '}' */
			return lit_error_at(p, t->loc, "unexpected %s after the operation: a new line, ';' or '}' must follow",
					lit_tok_desc(p, t));
	}
}

/* --- items ---------------------------------------------------------------- */

int lit_parse_init(struct parser *p, const struct tok *kw)
{
	struct opctx c = { .who = "init", .init = true, .regs = &p->init_regs };
	struct tok open;

	if (p->have_init)
		return lit_error_at(p, kw->loc, "a second init block (the first is at line %d)",
				p->init_loc.line);
	p->have_init = true;
	p->init_loc = kw->loc;
	c.ops = p->sc->init;
	c.nops = &p->sc->ninit;
	if (lit_want(p, TK_LBRACE, &open))
		return -1;
	return parse_block(p, &c, open.loc);
}

int lit_find_thread(const struct parser *p, int id)
{
	for (int i = 0; i < p->sc->nthreads; i++)
		if (p->sc->threads[i].id == id)
			return i;
	return -1;
}

/* 'T'n 'P'm '@cpu'k '{' ... '}' */
int lit_parse_thread(struct parser *p, const struct tok *name)
{
	struct fl_scenario *sc = p->sc;
	struct fl_lit_thread *th;
	struct opctx c = { .init = false };
	struct tok pt, open;
	int id, i;

	lit_numbered(name, "T", &id);
	if (id >= FL_LIT_MAX_THREADS)
		return lit_error_at(p, name->loc, "thread %.*s out of range (T0..T%d, FL_LIT_MAX_THREADS = %d)",
				lit_clip(name->len), name->s, FL_LIT_MAX_THREADS - 1, FL_LIT_MAX_THREADS);
	i = lit_find_thread(p, id);
	if (i >= 0)
		return lit_error_at(p, name->loc, "T%d is defined twice (first at line %d)",
				id, sc->threads[i].loc.line);
	if (sc->nthreads >= FL_LIT_MAX_THREADS)	/* ids are unique and bounded, but be sure */
		return lit_error_at(p, name->loc, "too many threads (FL_LIT_MAX_THREADS = %d)",
				FL_LIT_MAX_THREADS);
	i = sc->nthreads;
	th = &sc->threads[i];
	th->id = id;
	th->loc = name->loc;
	pt = lit_take(p);
	if (proc_ref(p, &pt, &th->proc) || cpu_ref(p, &th->cpu) || lit_want(p, TK_LBRACE, &open))
		return -1;
	p->thread_ploc[i] = pt.loc;
	sc->nthreads++;
	snprintf(c.who, sizeof(c.who), "T%d", id);
	c.ops = th->ops;
	c.nops = &th->nops;
	c.proc = th->proc;
	c.cpu = th->cpu;
	c.regs = &p->thread_regs[i];
	return parse_block(p, &c, open.loc);
}
