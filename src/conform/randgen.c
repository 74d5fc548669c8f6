/* SPDX-License-Identifier: MIT */
/*
 * conform/randgen.c - the random sequential and concurrent litmus generators
 * (see randgen.h).  Output is text, one op per indented line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "conform/randgen.h"

/* The sequential generator's ops and their weights are columns of the op table (litmus/ops.h). */
int fl_gen_ops_parse(const char *list, uint64_t *mask, char *err, int errlen)
{
	const char *p = list;

	*mask = 0;
	while (*p) {
		size_t n = strcspn(p, ",");
		int k = fl_op_find(p, (int)n);

		if (k < 0) {
			snprintf(err, (size_t)errlen, "--ops: unknown op '%.*s'", (int)n, p);
			return -1;
		}
		if (!fl_ops[k].gen) {
			snprintf(err, (size_t)errlen, "--ops: '%s' is not generated (%s)", fl_ops[k].name,
				 fl_ops[k].nohost ? fl_ops[k].nohost : "the generator lays out the regions itself");
			return -1;
		}
		*mask |= 1ull << k;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

uint64_t fl_gen_seq_ops(void)
{
	uint64_t m = 0;

	for (int k = 0; k < FL_OP__COUNT; k++)
		if (fl_ops[k].gen)
			m |= 1ull << k;
	return m;
}

/* ---- random numbers ---- */

static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void fl_rng_seed(struct fl_rng *r, uint64_t seed, uint64_t index)
{
	r->s = mix(seed * 0x9e3779b97f4a7c15ull + mix(index + 1));
}

uint64_t fl_rng_next(struct fl_rng *r)
{
	r->s += 0x9e3779b97f4a7c15ull;
	return mix(r->s);
}

int fl_rng_below(struct fl_rng *r, int n)
{
	return n <= 1 ? 0 : (int)(fl_rng_next(r) % (uint64_t)n);
}

/* Percent chance. */
static bool chance(struct fl_rng *r, int pct)
{
	return fl_rng_below(r, 100) < pct;
}

/* ---- text output ---- */

struct out {
	char *buf;
	int len, pos;
	bool full;
};

static void emit(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->pos, (size_t)(o->len - o->pos), fmt, ap);
	va_end(ap);
	if (n < 0 || n >= o->len - o->pos)
		o->full = true;
	else
		o->pos += n;
}

/* ---- the sequential generator ---- */

#define SEQ_REGIONS	3	/* A, B, C */
#define SEQ_PAGES	4	/* up to 4 pages each: room for holes, splits and neighbours */
#define SEQ_PROCS	4
#define SEQ_MAX_PINS	6	/* the backend keeps at most 16 pins and 16 pipes per process */
#define SEQ_MAX_PIPES	6

/* Register use: r0-r4 for values, r5-r7 for pagemap (a register mixing both compares all 64 bits). */
#define SEQ_VAL_REGS	5

static const char region_name[SEQ_REGIONS] = { 'A', 'B', 'C' };

struct pg {
	bool mapped, populated, missing, wp_reg, wp_on, pinned, spliced;
};

struct seq {
	struct fl_rng *r;
	struct out *o;
	uint64_t ops;
	int nregions, npages[SEQ_REGIONS];
	bool shared[SEQ_REGIONS];
	bool memfd;			/* F = memfd(SEQ_PAGES) was made (in P0, before any fork) */
	int fpage[SEQ_REGIONS];		/* a region mapping F: its first page in F, else -1 */
	int nprocs;
	bool alive[SEQ_PROCS];
	struct pg pg[SEQ_PROCS][SEQ_REGIONS][SEQ_PAGES];
	int npins, npipes, nextval, nextpm;
};

static int val_reg(struct seq *s)
{
	return s->nextval++ % SEQ_VAL_REGS;
}

static int pm_reg(struct seq *s)
{
	return SEQ_VAL_REGS + s->nextpm++ % (8 - SEQ_VAL_REGS);
}

static void seq_mmap(struct seq *s)
{
	int i = s->nregions++, np = 1 + fl_rng_below(s->r, SEQ_PAGES), pr = fl_rng_below(s->r, 10);
	const char *prot = pr < 8 ? "rw" : pr == 8 ? "ro" : "none";

	s->npages[i] = np;
	s->shared[i] = chance(s->r, 30);
	s->fpage[i] = -1;
	/* Only P0 defines regions (a region is defined once); processes forked before it lack it. */
	for (int k = 0; k < np; k++)
		s->pg[0][i][k] = (struct pg){ .mapped = true };
	if (s->memfd && s->shared[i] && chance(s->r, 60)) {
		/* A shared mapping of the memfd: regions may overlap in the file. */
		s->fpage[i] = fl_rng_below(s->r, SEQ_PAGES - np + 1);
		emit(s->o, "  P0: %c = mmap(F+%d, %d, %s shared)\n", region_name[i], s->fpage[i], np, prot);
		return;
	}
	emit(s->o, "  P0: %c = mmap(%d, anon %s%s)\n", region_name[i], np, prot, s->shared[i] ? " shared" : "");
}

/* The file's pages [a, a + n) are holes now: a missing-mode access there may block. */
static void file_holes(struct seq *s, int a, int n)
{
	for (int i = 0; i < s->nregions; i++) {
		if (s->fpage[i] < 0)
			continue;
		for (int p = 0; p < SEQ_PROCS; p++)
			for (int k = 0; k < s->npages[i]; k++)
				if (s->fpage[i] + k >= a && s->fpage[i] + k < a + n)
					s->pg[p][i][k].populated = false;
	}
}

/* A live process, P0 more often than not. */
static int pick_proc(struct seq *s)
{
	int p;

	if (chance(s->r, 55) && s->alive[0])
		return 0;
	for (int tries = 0; tries < 16; tries++) {
		p = fl_rng_below(s->r, s->nprocs);
		if (s->alive[p])
			return p;
	}
	return -1;
}

/* A word address: region, page and word; most often the first two words of a page. */
static void pick_addr(struct seq *s, int *rg, int *page, int *word)
{
	*rg = fl_rng_below(s->r, s->nregions);
	*page = fl_rng_below(s->r, s->npages[*rg]);
	*word = chance(s->r, 70) ? fl_rng_below(s->r, 2) : fl_rng_below(s->r, 8);
}

static void pick_range(struct seq *s, int *rg, int *page, int *n)
{
	*rg = fl_rng_below(s->r, s->nregions);
	*page = fl_rng_below(s->r, s->npages[*rg]);
	/* To the end of the region often: ranges that span holes and VMA splits are where bugs hide. */
	*n = chance(s->r, 40) ? s->npages[*rg] - *page : 1 + fl_rng_below(s->r, s->npages[*rg] - *page);
}

/*
 * Could this access raise a userfault, which in a sequential test nobody
 * resolves?  A missing fault on a page not known to be populated, or a
 * write to a page under uffd-wp.  The shadow is rough: the model decides.
 */
static bool may_block(struct seq *s, int p, int rg, int page, int n, bool write)
{
	for (int k = page; k < page + n; k++) {
		const struct pg *g = &s->pg[p][rg][k];

		if (g->mapped && ((g->missing && !g->populated) || (write && g->wp_on)))
			return true;
	}
	return false;
}

static void touch(struct seq *s, int p, int rg, int page, int n)
{
	for (int k = page; k < page + n; k++)
		if (s->pg[p][rg][k].mapped)
			s->pg[p][rg][k].populated = true;
}

/* A page of @p with @flag set (pinned / spliced), if any, else a random one. */
static void pick_marked(struct seq *s, int p, bool spliced, int *rg, int *page, int *word)
{
	pick_addr(s, rg, page, word);
	if (!chance(s->r, 80))
		return;
	for (int i = 0; i < s->nregions; i++)
		for (int k = 0; k < s->npages[i]; k++) {
			const struct pg *g = &s->pg[p][i][k];

			if (spliced ? g->spliced : g->pinned) {
				*rg = i;
				*page = k;
				return;
			}
		}
}

static enum fl_lit_kind pick_op(struct seq *s)
{
	int total = 0, x;

	for (int k = 0; k < FL_OP__COUNT; k++)
		if (s->ops & (1ull << k))
			total += fl_ops[k].gen;
	if (!total)
		return FL_OP_READ;
	x = fl_rng_below(s->r, total);
	for (int k = 0; k < FL_OP__COUNT; k++)
		if (s->ops & (1ull << k)) {
			if (x < fl_ops[k].gen)
				return (enum fl_lit_kind)k;
			x -= fl_ops[k].gen;
		}
	return FL_OP_READ;
}

static const char *prot_word(struct fl_rng *r)
{
	static const char *const w[] = { "rw", "ro", "none" };

	return w[fl_rng_below(r, 3)];
}

/* Emit one op; returns false when the choice does not fit the state (the caller picks again). */
static bool seq_op(struct seq *s)
{
	enum fl_lit_kind op = pick_op(s);
	int p = pick_proc(s), rg, page, word, n;
	char pre[16];
	struct pg *g;

	if (p < 0)
		return false;
	snprintf(pre, sizeof(pre), "P%d: ", p);
	switch (op) {
	case FL_OP_READ:
	case FL_OP_WRITE:
		pick_addr(s, &rg, &page, &word);
		if (may_block(s, p, rg, page, 1, op == FL_OP_WRITE) && !chance(s->r, 10))
			return false;
		if (op == FL_OP_READ)
			emit(s->o, "  %sr%d = read(%c+%d)\n", pre, val_reg(s), region_name[rg], page * 8 + word);
		else
			emit(s->o, "  %sr%d = write(%c+%d, %d)\n", pre, val_reg(s), region_name[rg], page * 8 + word,
			     1 + fl_rng_below(s->r, 99));
		touch(s, p, rg, page, 1);
		return true;
	case FL_OP_PAGEMAP:
		pick_addr(s, &rg, &page, &word);
		emit(s->o, "  %sr%d = pagemap(%c+%d)\n", pre, pm_reg(s), region_name[rg], page * 8 + word);
		return true;
	case FL_OP_MPROTECT:
		pick_range(s, &rg, &page, &n);
		emit(s->o, "  %smprotect(%c+%d, %d, %s)\n", pre, region_name[rg], page * 8, n, prot_word(s->r));
		return true;
	case FL_OP_MUNMAP:
		pick_range(s, &rg, &page, &n);
		emit(s->o, "  %smunmap(%c+%d, %d)\n", pre, region_name[rg], page * 8, n);
		for (int k = page; k < page + n; k++)
			s->pg[p][rg][k] = (struct pg){ 0 };
		return true;
	case FL_OP_MLOCK:
		pick_range(s, &rg, &page, &n);
		if (may_block(s, p, rg, page, n, true) && !chance(s->r, 10))
			return false;
		emit(s->o, "  %sr%d = mlock(%c+%d, %d)\n", pre, val_reg(s), region_name[rg], page * 8, n);
		touch(s, p, rg, page, n);
		return true;
	case FL_OP_MADV_DONTFORK:
	case FL_OP_MADV_PAGEOUT:
		pick_range(s, &rg, &page, &n);
		emit(s->o, "  %s%s(%c+%d, %d)\n", pre, fl_ops[op].name, region_name[rg], page * 8, n);
		/* Reclaim may drop a clean shmem page: the next access may raise a missing fault. */
		if (op == FL_OP_MADV_PAGEOUT && s->shared[rg])
			for (int k = page; k < page + n; k++)
				s->pg[p][rg][k].populated = false;
		return true;
	case FL_OP_FALLOCATE:
		if (!s->memfd)
			return false;
		page = fl_rng_below(s->r, SEQ_PAGES);
		n = 1 + fl_rng_below(s->r, SEQ_PAGES - page);
		emit(s->o, "  %sr%d = fallocate(F, %d, %d)\n", pre, val_reg(s), page, n);
		file_holes(s, page, n);
		return true;
	case FL_OP_MADV_REMOVE:
		pick_range(s, &rg, &page, &n);
		emit(s->o, "  %sr%d = madvise_remove(%c+%d, %d)\n", pre, val_reg(s), region_name[rg], page * 8, n);
		if (s->fpage[rg] >= 0)
			file_holes(s, s->fpage[rg] + page, n);
		else if (s->shared[rg])
			for (int q = 0; q < SEQ_PROCS; q++)
				for (int k = page; k < page + n; k++)
					s->pg[q][rg][k].populated = false;
		return true;
	case FL_OP_FORK: {
		int c = s->nprocs;

		if (c == SEQ_PROCS)
			return false;
		s->nprocs++;
		s->alive[c] = true;
		/* No UFFD_FEATURE_EVENT_FORK: the child's VMAs are not registered; pins and pipes stay behind. */
		for (int i = 0; i < SEQ_REGIONS; i++)
			for (int k = 0; k < SEQ_PAGES; k++)
				s->pg[c][i][k] = (struct pg){ .mapped = s->pg[p][i][k].mapped,
							      .populated = s->pg[p][i][k].populated };
		emit(s->o, "  %sP%d = fork()\n", pre, c);
		return true;
	}
	case FL_OP_EXIT:
		if (p == 0)
			return false;	/* P0 stays: it is the one most ops run in */
		s->alive[p] = false;
		emit(s->o, "  %sexit()\n", pre);
		return true;
	case FL_OP_CLEAR_REFS:
		emit(s->o, "  %sclear_refs(soft_dirty)\n", pre);
		return true;
	case FL_OP_PIN:
	case FL_OP_PIN_FAST:
	case FL_OP_VMSPLICE:
		if (op == FL_OP_VMSPLICE ? s->npipes == SEQ_MAX_PIPES : s->npins == SEQ_MAX_PINS)
			return false;
		pick_addr(s, &rg, &page, &word);
		if (may_block(s, p, rg, page, 1, op != FL_OP_VMSPLICE) && !chance(s->r, 10))
			return false;
		g = &s->pg[p][rg][page];
		if (op == FL_OP_VMSPLICE) {
			s->npipes++;
			g->spliced = true;
			emit(s->o, "  %sr%d = vmsplice(%c+%d)\n", pre, val_reg(s), region_name[rg], page * 8 + word);
		} else {
			s->npins++;
			g->pinned = true;
			/* io_uring pins with FOLL_WRITE only: a read-only long-term pin is unsupported on the host. */
			emit(s->o, "  %sr%d = %s(%c+%d, rw)\n", pre, val_reg(s), fl_ops[op].name, region_name[rg],
			     page * 8 + word);
		}
		touch(s, p, rg, page, 1);
		return true;
	case FL_OP_UNPIN:
		pick_marked(s, p, false, &rg, &page, &word);
		emit(s->o, "  %sunpin_user_page(%c+%d)\n", pre, region_name[rg], page * 8 + word);
		s->pg[p][rg][page].pinned = false;
		return true;
	case FL_OP_PIN_READ:
		pick_marked(s, p, false, &rg, &page, &word);
		emit(s->o, "  %sr%d = pin_read(%c+%d)\n", pre, val_reg(s), region_name[rg], page * 8 + word);
		return true;
	case FL_OP_PIN_WRITE:
		pick_marked(s, p, false, &rg, &page, &word);
		emit(s->o, "  %spin_write(%c+%d, %d)\n", pre, region_name[rg], page * 8 + word,
		     100 + fl_rng_below(s->r, 100));
		return true;
	case FL_OP_PIPE_READ:
		pick_marked(s, p, true, &rg, &page, &word);
		emit(s->o, "  %sr%d = pipe_read(%c+%d)\n", pre, val_reg(s), region_name[rg], page * 8 + word);
		return true;
	case FL_OP_UFFD_REGISTER: {
		int mode = 1 + fl_rng_below(s->r, 3);	/* missing, wp, both */

		pick_range(s, &rg, &page, &n);
		emit(s->o, "  %sr%d = uffd_register(%c+%d, %d,%s%s)\n", pre, val_reg(s), region_name[rg], page * 8, n,
		     (mode & 1) ? " missing" : "", (mode & 2) ? " wp" : "");
		for (int k = page; k < page + n; k++) {
			g = &s->pg[p][rg][k];
			if (!g->mapped)
				continue;
			g->missing = mode & 1;
			g->wp_reg = mode & 2;
			if (!g->wp_reg)
				g->wp_on = false;
		}
		return true;
	}
	case FL_OP_UFFD_WP: {
		bool on = chance(s->r, 60);

		pick_range(s, &rg, &page, &n);
		emit(s->o, "  %sr%d = uffd_wp(%c+%d, %d, %s)\n", pre, val_reg(s), region_name[rg], page * 8, n,
		     on ? "on" : "off");
		for (int k = page; k < page + n; k++) {
			g = &s->pg[p][rg][k];
			g->wp_on = on && g->wp_reg;
		}
		return true;
	}
	case FL_OP_UFFD_COPY:
	case FL_OP_UFFD_ZEROPAGE:
		pick_addr(s, &rg, &page, &word);
		if (op == FL_OP_UFFD_COPY)
			emit(s->o, "  %sr%d = uffd_copy(%c+%d, %d)\n", pre, val_reg(s), region_name[rg], page * 8 + word,
			     200 + fl_rng_below(s->r, 100));
		else
			emit(s->o, "  %sr%d = uffd_zeropage(%c+%d)\n", pre, val_reg(s), region_name[rg], page * 8 + word);
		touch(s, p, rg, page, 1);
		return true;
	case FL_OP_UFFD_WAIT:
		emit(s->o, "  %sr%d = uffd_wait()\n", pre, val_reg(s));
		return true;
	default:	/* a row with no generator weight: never picked */
		break;
	}
	return false;
}

int fl_gen_seq(uint64_t seed, uint64_t index, uint64_t ops, char *buf, int len)
{
	struct fl_rng r;
	struct out o = { .buf = buf, .len = len };
	static struct seq s;
	int nops;

	fl_rng_seed(&r, seed, index);
	memset(&s, 0, sizeof(s));
	s.r = &r;
	s.o = &o;
	s.ops = ops;
	s.nprocs = 1;
	s.alive[0] = true;
	nops = 10 + fl_rng_below(&r, 21);
	emit(&o, "# Generated by `faultline gen seq --seed %llu`: file %llu.\n", (unsigned long long)seed,
	     (unsigned long long)index);
	emit(&o, "mm seq-%llu-%llu\n\"random sequential test\"\n\ninit {\n", (unsigned long long)seed,
	     (unsigned long long)index);
	/* A memfd sometimes (when fallocate may be generated), made first: before any fork. */
	if ((ops & (1ull << FL_OP_FALLOCATE)) && chance(&r, 40)) {
		s.memfd = true;
		emit(&o, "  F = memfd(%d)\n", SEQ_PAGES);
	}
	seq_mmap(&s);
	for (int i = s.memfd ? 2 : 1, tries = 0; i < nops && tries < 1000; tries++) {
		if (s.nregions < SEQ_REGIONS && chance(&r, 8)) {
			seq_mmap(&s);
			i++;
		} else if (seq_op(&s)) {
			i++;
		}
	}
	emit(&o, "}\n");
	return o.full ? -1 : 0;
}

/* ---- the concurrent generator ---- */

enum conc_op { C_WRITE, C_READ, C_MPROTECT, C_MUNMAP, C_PAGEOUT, C_FORK, C_UFFD_WP, C_PIN, C_PIN_READ, C_PIN_WRITE,
	       C_UNPIN, C_VMSPLICE, C_PIPE_READ, C_EVICT, C_GUP, C_REMOVE, C__COUNT };

static const int conc_weight[C__COUNT] = {
	[C_WRITE] = 20, [C_READ] = 14, [C_MPROTECT] = 8, [C_MUNMAP] = 4, [C_PAGEOUT] = 7, [C_FORK] = 5,
	[C_UFFD_WP] = 8, [C_PIN] = 9, [C_PIN_READ] = 4, [C_PIN_WRITE] = 3, [C_UNPIN] = 3, [C_VMSPLICE] = 7,
	[C_PIPE_READ] = 4, [C_EVICT] = 6, [C_GUP] = 7, [C_REMOVE] = 5,
};

struct conc {
	struct fl_rng *r;
	struct out *o;
	int nregions, npages[2], nprocs, uffd;	/* uffd: 0, 1 missing, 2 wp */
	bool shared;				/* A is shared: anonymous, or a memfd F */
	bool memfd;
};

static void conc_addr(struct conc *c, char *buf, int len, bool page_only)
{
	int rg = fl_rng_below(c->r, c->nregions), page = fl_rng_below(c->r, c->npages[rg]);
	int word = page_only ? 0 : fl_rng_below(c->r, 2);

	snprintf(buf, (size_t)len, "%c+%d", region_name[rg], page * 8 + word);
}

static enum conc_op conc_pick(struct conc *c)
{
	int total = 0, x;

	for (int k = 0; k < C__COUNT; k++)
		total += conc_weight[k];
	x = fl_rng_below(c->r, total);
	for (int k = 0; k < C__COUNT; k++) {
		if (x < conc_weight[k])
			return (enum conc_op)k;
		x -= conc_weight[k];
	}
	return C_READ;
}

/* One thread op; false when it does not fit (the caller picks again). */
static bool conc_op(struct conc *c, int *reg, bool *forked)
{
	char a[16];
	enum conc_op op = conc_pick(c);

	conc_addr(c, a, sizeof(a), false);
	switch (op) {
	case C_WRITE:
		emit(c->o, "  r%d = write(%s, %d)\n", (*reg)++, a, 10 + fl_rng_below(c->r, 90));
		return true;
	case C_READ:
		emit(c->o, "  r%d = read(%s)\n", (*reg)++, a);
		return true;
	case C_MPROTECT:
		conc_addr(c, a, sizeof(a), true);
		emit(c->o, "  mprotect(%s, 1, %s)\n", a, prot_word(c->r));
		return true;
	case C_MUNMAP:
		conc_addr(c, a, sizeof(a), true);
		emit(c->o, "  munmap(%s, 1)\n", a);
		return true;
	case C_PAGEOUT:
		conc_addr(c, a, sizeof(a), true);
		emit(c->o, "  madvise_pageout(%s, 1)\n", a);
		return true;
	case C_FORK:
		if (*forked || c->nprocs == SEQ_PROCS)
			return false;
		*forked = true;
		emit(c->o, "  P%d = fork()\n", c->nprocs++);
		return true;
	case C_UFFD_WP:
		if (c->uffd != 2)
			return false;
		emit(c->o, "  r%d = uffd_wp(A, %s)\n", (*reg)++, chance(c->r, 50) ? "on" : "off");
		return true;
	case C_PIN:
		emit(c->o, "  r%d = %s(%s, %s)\n", (*reg)++, chance(c->r, 70) ? "pin_user_pages" : "pin_user_pages_fast",
		     a, chance(c->r, 50) ? "rw" : "ro");
		return true;
	case C_PIN_READ:
		emit(c->o, "  r%d = pin_read(%s)\n", (*reg)++, a);
		return true;
	case C_PIN_WRITE:
		emit(c->o, "  pin_write(%s, %d)\n", a, 100 + fl_rng_below(c->r, 100));
		return true;
	case C_UNPIN:
		emit(c->o, "  unpin_user_page(%s)\n", a);
		return true;
	case C_VMSPLICE:
		emit(c->o, "  r%d = vmsplice(%s)\n", (*reg)++, a);
		return true;
	case C_PIPE_READ:
		emit(c->o, "  r%d = pipe_read(%s)\n", (*reg)++, a);
		return true;
	case C_EVICT:
		emit(c->o, "  evict(%s)\n", a);
		return true;
	case C_REMOVE:
		/* A hole punch racing the rest: MADV_REMOVE on A, or fallocate on F. */
		if (!c->shared)
			return false;
		if (c->memfd && chance(c->r, 50))
			emit(c->o, "  r%d = fallocate(F, %d, 1)\n", (*reg)++, fl_rng_below(c->r, c->npages[0]));
		else
			emit(c->o, "  r%d = madvise_remove(A+%d, 1)\n", (*reg)++, 8 * fl_rng_below(c->r, c->npages[0]));
		return true;
	case C_GUP: {
		/* The model's __get_user_pages with a pages[] array (vfio-style pin, get, or a populate). */
		static const char *const how[] = { "pin", "get", "none" };

		conc_addr(c, a, sizeof(a), true);
		emit(c->o, "  r%d = gup(%s, 1, %s)\n", (*reg)++, a, how[fl_rng_below(c->r, 3)]);
		return true;
	}
	case C__COUNT:
		break;
	}
	return false;
}

int fl_gen_conc(uint64_t seed, uint64_t index, char *buf, int len)
{
	struct fl_rng r;
	struct out o = { .buf = buf, .len = len };
	struct conc c = { .r = &r, .o = &o, .nprocs = 1 };
	int nthreads, u, ireg = 0;

	fl_rng_seed(&r, seed, index);
	emit(&o, "# Generated by `faultline gen conc --seed %llu`: scenario %llu.\n", (unsigned long long)seed,
	     (unsigned long long)index);
	emit(&o, "mm conc-%llu-%llu\n\"random concurrent test\"\n\ninit {\n", (unsigned long long)seed,
	     (unsigned long long)index);
	c.nregions = 1;
	c.npages[0] = 1 + fl_rng_below(&r, 2);
	c.shared = chance(&r, 25);
	/* A shared A is a memfd's mapping sometimes: the same object, made by memfd_create. */
	c.memfd = c.shared && chance(&r, 40);
	if (c.memfd)
		emit(&o, "  F = memfd(%d)\n  A = mmap(F, %d, rw shared)\n", c.npages[0], c.npages[0]);
	else
		emit(&o, "  A = mmap(%d, anon rw%s)\n", c.npages[0], c.shared ? " shared" : "");
	if (chance(&r, 70))
		emit(&o, "  write(A+0, 1)\n");
	if (c.npages[0] == 2 && chance(&r, 50))
		emit(&o, "  write(A+8, 2)\n");
	u = fl_rng_below(&r, 100);
	c.uffd = u < 65 ? 0 : u < 90 ? 2 : 1;
	if (c.uffd == 2) {
		emit(&o, "  r%d = uffd_register(A, wp)\n", ireg++);
		if (chance(&r, 50))
			emit(&o, "  r%d = uffd_wp(A, on)\n", ireg++);
	} else if (c.uffd == 1) {
		emit(&o, "  r%d = uffd_register(A, missing)\n", ireg++);
	}
	if (chance(&r, 25)) {
		c.npages[c.nregions++] = 1;
		emit(&o, "  B = mmap(1, anon rw)\n");
		if (chance(&r, 50))
			emit(&o, "  write(B+0, 3)\n");
	}
	emit(&o, "}\n\n");
	nthreads = 2 + fl_rng_below(&r, 2);
	for (int t = 0; t < nthreads; t++) {
		int nops = 1 + fl_rng_below(&r, 3), reg = 0;
		bool forked = false;

		emit(&o, "T%d P0@cpu%d {\n", t, t);
		for (int i = 0, tries = 0; i < nops && tries < 100; tries++)
			if (conc_op(&c, &reg, &forked))
				i++;
		emit(&o, "}\n");
	}
	/* The monitor: one message, then resolve it (wp: unprotect everything; missing: fill every page). */
	if (c.uffd) {
		int reg = 0;

		emit(&o, "T%d P0@cpu%d {\n  r%d = uffd_wait()\n", nthreads, nthreads, reg++);
		if (c.uffd == 2)
			emit(&o, "  r%d = uffd_wp(A, off)\n", reg++);
		else
			for (int k = 0; k < c.npages[0]; k++)
				emit(&o, "  r%d = uffd_copy(A+%d, %d)\n", reg++, k * 8, 5 + k);
		emit(&o, "}\n");
	}
	return o.full ? -1 : 0;
}
