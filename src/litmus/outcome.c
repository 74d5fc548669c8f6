/* SPDX-License-Identifier: MIT */
/* litmus/outcome.c - comparing and printing outcomes (see outcome.h). */
#include <stdio.h>
#include <string.h>

#include "litmus/outcome.h"

/*
 * The mask of a register is that of the op that sets its final value:
 * the last op writing it in program order (init's order for init:rK, the
 * thread's for Tn:rK).  A pagemap register is compared on its flag bits
 * only; any other op's value on all 64 bits.  (Were the last op never to
 * run, in a blocked execution, the earlier value is compared under the
 * last op's mask.)
 */
static void mask_op(const struct fl_lit_op *op, int slot, bool soft_dirty, struct fl_outcome_mask *m)
{
	if (op->reg < 0)
		return;
	if (op->kind == FL_OP_PAGEMAP)
		m->bits[slot][op->reg] = FL_PM_COMPARED & ~(soft_dirty ? 0 : FL_PM_SOFT_DIRTY);
	else
		m->bits[slot][op->reg] = UINT64_MAX;
}

void fl_outcome_mask_init(const struct fl_scenario *sc, bool soft_dirty, struct fl_outcome_mask *m)
{
	memset(m, 0, sizeof(*m));
	for (int i = 0; i < sc->ninit; i++)
		mask_op(&sc->init[i], 0, soft_dirty, m);
	for (int t = 0; t < sc->nthreads; t++)
		for (int i = 0; i < sc->threads[t].nops; i++)
			mask_op(&sc->threads[t].ops[i], t + 1, soft_dirty, m);
}

static bool reg_differs(const struct fl_outcome *a, const struct fl_outcome *b, uint64_t mask, int s, int r)
{
	if (a->set[s][r] != b->set[s][r])
		return true;
	return a->set[s][r] && ((a->reg[s][r] ^ b->reg[s][r]) & mask);
}

int fl_outcome_distance(const struct fl_outcome *a, const struct fl_outcome *b, const struct fl_outcome_mask *m)
{
	int d = a->blocked != b->blocked;

	for (int s = 0; s < FL_OUT_SLOTS; s++)
		for (int r = 0; r < FL_LIT_MAX_REGS; r++)
			if (m->bits[s][r] && reg_differs(a, b, m->bits[s][r], s, r))
				d++;
	return d;
}

bool fl_outcome_eq(const struct fl_outcome *a, const struct fl_outcome *b, const struct fl_outcome_mask *m)
{
	return fl_outcome_distance(a, b, m) == 0;
}

static int slot_name(const struct fl_scenario *sc, int s, char *buf, int len)
{
	return s == 0 ? snprintf(buf, (size_t)len, "init") : snprintf(buf, (size_t)len, "T%d", sc->threads[s - 1].id);
}

/* A pagemap value as its flag names; anything else in decimal. */
static int value_fmt(uint64_t v, uint64_t mask, bool set, char *buf, int len)
{
	static const struct { uint64_t bit; const char *name; } pm[] = {
		{ FL_PM_PRESENT, "present" }, { FL_PM_SWAP, "swapped" }, { FL_PM_FILE, "file" },
		{ FL_PM_UFFD_WP, "uffd_wp" }, { FL_PM_MMAP_EXCLUSIVE, "exclusive" }, { FL_PM_SOFT_DIRTY, "soft_dirty" },
	};
	int o = 0;

	if (!set)
		return snprintf(buf, (size_t)len, "unset");
	if (v == FL_VAL_SEGV)
		return snprintf(buf, (size_t)len, "segv");
	if (mask == UINT64_MAX)
		return snprintf(buf, (size_t)len, "%llu", (unsigned long long)v);
	v &= mask;
	for (size_t i = 0; i < sizeof(pm) / sizeof(pm[0]) && o < len; i++)
		if (v & pm[i].bit)
			o += snprintf(buf + o, (size_t)(len - o), "%s%s", o ? "|" : "", pm[i].name);
	if (!o)
		o = snprintf(buf, (size_t)len, "0");
	return o;
}

void fl_outcome_fmt(const struct fl_scenario *sc, const struct fl_outcome *o, const struct fl_outcome_mask *m,
		    char *buf, int len)
{
	int n = 0;

	buf[0] = '\0';
	for (int s = 0; s < FL_OUT_SLOTS && n < len; s++)
		for (int r = 0; r < FL_LIT_MAX_REGS && n < len; r++) {
			char name[16], val[96];

			if (!m->bits[s][r])
				continue;
			slot_name(sc, s, name, sizeof(name));
			value_fmt(o->reg[s][r], m->bits[s][r], o->set[s][r], val, sizeof(val));
			n += snprintf(buf + n, (size_t)(len - n), "%s%s:r%d=%s", n ? " " : "", name, r, val);
		}
	if (o->blocked && n < len)
		n += snprintf(buf + n, (size_t)(len - n), "%sblocked", n ? " " : "");
	if (!n)
		snprintf(buf, (size_t)len, "(no registers)");
}

void fl_outcome_diff(const struct fl_scenario *sc, const struct fl_outcome *a, const struct fl_outcome *b,
		     const struct fl_outcome_mask *m, char *buf, int len)
{
	int n = 0;

	buf[0] = '\0';
	for (int s = 0; s < FL_OUT_SLOTS && n < len; s++)
		for (int r = 0; r < FL_LIT_MAX_REGS && n < len; r++) {
			char name[16], va[96], vb[96];

			if (!m->bits[s][r] || !reg_differs(a, b, m->bits[s][r], s, r))
				continue;
			slot_name(sc, s, name, sizeof(name));
			value_fmt(a->reg[s][r], m->bits[s][r], a->set[s][r], va, sizeof(va));
			value_fmt(b->reg[s][r], m->bits[s][r], b->set[s][r], vb, sizeof(vb));
			n += snprintf(buf + n, (size_t)(len - n), "%s%s:r%d=%s (model %s)", n ? ", " : "", name, r, va, vb);
		}
	if (a->blocked != b->blocked && n < len)
		snprintf(buf + n, (size_t)(len - n), "%s%s", n ? ", " : "",
			 a->blocked ? "blocked (model finishes)" : "finishes (model blocks)");
}
