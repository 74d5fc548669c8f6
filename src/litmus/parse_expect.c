/* SPDX-License-Identifier: MIT */
/*
 * litmus/parse_expect.c - the lines that say what a test should show:
 * `expect KERNEL [switch=value...] : ok | prop...`, `assert Tn:rK == v` and
 * `bound preemptions N`.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "litmus/parse_int.h"
#include "policy/policy.h"

/* Append @word to the space-separated list in @buf; truncates, never overflows. */
static void list_add(char *buf, size_t size, const char *word)
{
	size_t n = strlen(buf);

	if (n + 1 < size)
		snprintf(buf + n, size - n, "%s%s", n ? " " : "", word);
}

/* Unknown names are answered with the valid ones, as `--kernel` and `--set` do. */
static int expect_kernel(struct parser *p, struct fl_lit_expect *e, const char *w,
			 struct fl_loc loc)
{
	char names[512] = "";

	e->preset = fl_preset_find(w);
	if (e->preset >= 0) {
		snprintf(e->kernel, sizeof(e->kernel), "%.*s", (int)sizeof(e->kernel) - 1, w);
		return 0;
	}
	for (int i = 0; i < fl_preset_count(); i++)
		list_add(names, sizeof(names), fl_preset_at(i)->name);
	return lit_error_at(p, loc, "unknown kernel '%s' (presets: %s)", w, names);
}

static int unknown_switch(struct parser *p, const char *w, struct fl_loc loc)
{
	char names[512] = "";

	for (int i = 0; i < FL_SW__COUNT; i++)
		list_add(names, sizeof(names), fl_switch_desc((enum fl_switch)i)->name);
	return lit_error_at(p, loc, "unknown switch '%s' (switches: %s)", w, names);
}

static int unknown_value(struct parser *p, int sw, const char *v, struct fl_loc loc)
{
	const struct fl_switch_desc *d = fl_switch_desc((enum fl_switch)sw);
	char names[512] = "";

	for (int i = 0; i < d->nvalues; i++)
		list_add(names, sizeof(names), d->values[i].name);
	return lit_error_at(p, loc, "switch %s has no value '%s' (values: %s)", d->name, v, names);
}

/* SWITCH=VALUE, an override on top of the preset. */
static int expect_set(struct parser *p, struct fl_lit_expect *e, char *w, struct fl_loc loc)
{
	char *eq = strchr(w, '=');
	struct fl_loc vloc = { loc.line, loc.col + (int)(eq + 1 - w) };
	int sw, val;

	*eq = '\0';
	sw = fl_switch_find(w);
	if (sw < 0)
		return unknown_switch(p, w, loc);
	val = fl_switch_value_find((enum fl_switch)sw, eq + 1);
	if (val < 0)
		return unknown_value(p, sw, eq + 1, vloc);
	for (int i = 0; i < e->nsets; i++)
		if (e->sets[i].sw == sw)
			return lit_error_at(p, loc, "switch %s is set twice", w);
	if (e->nsets >= FL_LIT_MAX_SETS)
		return lit_error_at(p, loc, "too many switch settings (FL_LIT_MAX_SETS = %d)",
				FL_LIT_MAX_SETS);
	e->sets[e->nsets].sw = sw;
	e->sets[e->nsets].value = val;
	e->nsets++;
	return 0;
}

static int expect_prop(struct parser *p, struct fl_lit_expect *e, const char *w,
		       struct fl_loc loc)
{
	char names[512] = "";
	int prop = fl_prop_find(w);

	if (prop >= 0) {
		if (e->props & (1u << prop))
			return lit_error_at(p, loc, "property '%s' is listed twice", w);
		e->props |= 1u << prop;
		return 0;
	}
	for (int i = 0; i < FL_PROP__COUNT; i++)
		list_add(names, sizeof(names), fl_prop_name((enum fl_prop)i));
	return lit_error_at(p, loc, "unknown property '%s' (properties: %s)", w, names);
}

/* Same kernel and the same overrides (in any order) as an earlier line? */
static bool same_kernel_line(const struct fl_lit_expect *a, const struct fl_lit_expect *b)
{
	if (a->preset != b->preset || a->nsets != b->nsets)
		return false;
	for (int i = 0; i < a->nsets; i++) {
		bool found = false;

		for (int j = 0; j < b->nsets; j++)
			if (a->sets[i].sw == b->sets[j].sw && a->sets[i].value == b->sets[j].value)
				found = true;
		if (!found)
			return false;
	}
	return true;
}

/* The words after KERNEL: SWITCH=VALUE*, then 'ok' or PROP+. */
static int expect_words(struct parser *p, struct fl_lit_expect *e)
{
	bool ok = false;
	struct fl_loc loc;
	char w[64];
	int rc;

	while ((rc = lit_raw_word(p, w, sizeof(w), &loc)) > 0) {
		if (strchr(w, '=')) {
			if (ok || e->props)
				return lit_error_at(p, loc, "switch settings come before 'ok' or the properties");
			if (expect_set(p, e, w, loc))
				return -1;
		} else if (strcmp(w, "ok") == 0) {
			if (ok || e->props)
				return lit_error_at(p, loc, "'ok' stands alone: it means no property is violated");
			ok = true;
		} else {
			if (ok)
				return lit_error_at(p, loc, "'ok' stands alone: it means no property is violated");
			if (expect_prop(p, e, w, loc))
				return -1;
		}
	}
	if (rc < 0)
		return -1;
	if (!ok && !e->props)
		return lit_error_at(p, loc, "expected 'ok' or the violated properties");
	return 0;
}

int lit_parse_expect(struct parser *p, const struct tok *kw)
{
	struct fl_scenario *sc = p->sc;
	struct fl_lit_expect *e;
	struct fl_loc loc;
	char w[64];
	int rc;

	if (sc->nexpect >= FL_LIT_MAX_EXPECT)
		return lit_error_at(p, kw->loc, "too many expect lines (FL_LIT_MAX_EXPECT = %d)",
				FL_LIT_MAX_EXPECT);
	e = &sc->expect[sc->nexpect];
	e->loc = kw->loc;
	rc = lit_raw_word(p, w, sizeof(w), &loc);
	if (rc == 0)
		return lit_error_at(p, loc, "expected a kernel name after 'expect'");
	if (rc < 0 || expect_kernel(p, e, w, loc) || expect_words(p, e))
		return -1;
	for (int i = 0; i < sc->nexpect; i++)
		if (same_kernel_line(&sc->expect[i], e))
			return lit_error_at(p, kw->loc, "this expect line repeats the kernel and switches of line %d",
					sc->expect[i].loc.line);
	sc->nexpect++;
	return 0;
}

/* A pagemap flag name to its FL_PM_* bit, or 0. */
static uint64_t pm_flag(const struct tok *t)
{
	static const struct {
		const char *name;
		uint64_t bit;
	} pm[] = {
		{ "present", FL_PM_PRESENT }, { "swapped", FL_PM_SWAP },
		{ "soft_dirty", FL_PM_SOFT_DIRTY }, { "exclusive", FL_PM_MMAP_EXCLUSIVE },
		{ "uffd_wp", FL_PM_UFFD_WP }, { "file", FL_PM_FILE },
	};

	for (size_t i = 0; i < sizeof(pm) / sizeof(pm[0]); i++)
		if (lit_tok_is(t, pm[i].name))
			return pm[i].bit;
	return 0;
}

/* value := INT | segv | pmflag ('|' pmflag)* */
static int parse_value(struct parser *p, uint64_t *v)
{
	struct tok t = lit_take(p);
	uint64_t bit;

	if (t.kind == TK_INT) {
		*v = t.num;
		return 0;
	}
	if (lit_tok_is(&t, "segv")) {
		*v = FL_VAL_SEGV;
		return 0;
	}
	for (*v = 0;; t = lit_take(p)) {
		bit = pm_flag(&t);
		if (!bit)
			return lit_error_at(p, t.loc, "expected a number, segv or pagemap flags (present swapped soft_dirty exclusive uffd_wp file), got %s",
					lit_tok_desc(p, &t));
		*v |= bit;
		if (lit_peek(p)->kind != TK_PIPE)
			return 0;
		lit_take(p);
	}
}

/* assert Tn:rK (==|!=) value, or init:rK */
int lit_parse_assert(struct parser *p, const struct tok *kw)
{
	struct fl_scenario *sc = p->sc;
	struct fl_lit_assert *a;
	struct tok t, r, cmp;
	int i = sc->nassert, tid = -1;

	if (i >= FL_LIT_MAX_ASSERT)
		return lit_error_at(p, kw->loc, "too many asserts (FL_LIT_MAX_ASSERT = %d)",
				FL_LIT_MAX_ASSERT);
	a = &sc->asserts[i];
	a->loc = kw->loc;
	t = lit_take(p);
	if (!lit_tok_is(&t, "init") && !lit_numbered(&t, "T", &tid))
		return lit_error_at(p, t.loc, "expected Tn:rK or init:rK, got %s", lit_tok_desc(p, &t));
	if (tid >= FL_LIT_MAX_THREADS)
		return lit_error_at(p, t.loc, "thread %.*s out of range (T0..T%d, FL_LIT_MAX_THREADS = %d)",
				lit_clip(t.len), t.s, FL_LIT_MAX_THREADS - 1, FL_LIT_MAX_THREADS);
	if (lit_want(p, TK_COLON, NULL))
		return -1;
	r = lit_take(p);
	if (lit_reg_ref(p, &r, &a->reg.reg))
		return -1;
	cmp = lit_take(p);
	if (cmp.kind != TK_EQ && cmp.kind != TK_NE)
		return lit_error_at(p, cmp.loc, "expected '==' or '!=', got %s", lit_tok_desc(p, &cmp));
	a->cmp = cmp.kind == TK_EQ ? FL_CMP_EQ : FL_CMP_NE;
	if (parse_value(p, &a->value))
		return -1;
	p->assert_tid[i] = tid;
	p->assert_tloc[i] = t.loc;
	p->assert_rloc[i] = r.loc;
	a->reg.thread = -1;	/* resolve_asserts() sets the index */
	sc->nassert++;
	return 0;
}

int lit_parse_bound(struct parser *p, const struct tok *kw)
{
	struct tok t = lit_take(p), n;

	if (!lit_tok_is(&t, "preemptions"))
		return lit_error_at(p, t.loc, "expected 'preemptions' after 'bound', got %s",
				lit_tok_desc(p, &t));
	if (p->have_bound)
		return lit_error_at(p, kw->loc, "a second bound line (the first is at line %d)",
				p->bound_loc.line);
	if (lit_want(p, TK_INT, &n))
		return -1;
	if (n.num > INT_MAX)
		return lit_error_at(p, n.loc, "number out of range");
	p->have_bound = true;
	p->bound_loc = kw->loc;
	p->sc->preemptions = (int)n.num;
	return 0;
}
