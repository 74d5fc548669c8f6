/* SPDX-License-Identifier: MIT */
/* conform/known.c - the known-open list and its signatures (see known.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/props.h"
#include "conform/known.h"

static const struct { const char *name; uint32_t bit; } facts[] = {
	{ "no_zero_page", FL_FACT_NO_ZERO_PAGE },
};

static const struct { const char *name; uint64_t bit; } pmflags[] = {
	{ "present", FL_PM_PRESENT }, { "swapped", FL_PM_SWAP }, { "file", FL_PM_FILE },
	{ "uffd_wp", FL_PM_UFFD_WP }, { "exclusive", FL_PM_MMAP_EXCLUSIVE }, { "soft_dirty", FL_PM_SOFT_DIRTY },
};

uint64_t fl_known_uses(const struct fl_scenario *sc)
{
	uint64_t m = 0;

	for (int i = 0; i < sc->ninit; i++)
		m |= 1ull << sc->init[i].kind;
	for (int t = 0; t < sc->nthreads; t++)
		for (int i = 0; i < sc->threads[t].nops; i++)
			m |= 1ull << sc->threads[t].ops[i].kind;
	return m;
}

/* "a,b*2,c" -> kind mask (and minimum counts when @min); the offset of a bad word in @bad. */
static int parse_kinds(const char *s, int n, uint64_t *m, uint8_t *min, int *bad)
{
	int i = 0;

	*m = 0;
	while (i < n) {
		int j = i, e, k, count = 0;

		while (j < n && s[j] != ',')
			j++;
		for (e = i; e < j && s[e] != '*'; e++)
			;
		k = fl_op_find(s + i, e - i);
		if (e < j) {
			for (int d = e + 1; d < j; d++)
				count = s[d] >= '0' && s[d] <= '9' && count < 100 ? count * 10 + (s[d] - '0') : -1000;
			if (!min || count < 1 || count > 255)	/* uses_min is a uint8_t */
				k = -1;
		}
		if (k < 0) {
			*bad = i;
			return -1;
		}
		*m |= 1ull << k;
		if (min && count)
			min[k] = (uint8_t)count;
		i = j + 1;
	}
	return 0;
}

static int count_kind(const struct fl_scenario *sc, int kind)
{
	int n = 0;

	for (int i = 0; i < sc->ninit; i++)
		n += sc->init[i].kind == (enum fl_lit_kind)kind;
	for (int t = 0; t < sc->nthreads; t++)
		for (int i = 0; i < sc->threads[t].nops; i++)
			n += sc->threads[t].ops[i].kind == (enum fl_lit_kind)kind;
	return n;
}

static int parse_val(const char *s, int n, struct fl_known_val *v)
{
	char w[128];
	char *end;

	memset(v, 0, sizeof(*v));
	if (n <= 0 || n >= (int)sizeof(w))
		return -1;
	memcpy(w, s, (size_t)n);
	w[n] = '\0';
	if (!strcmp(w, "*")) {
		v->any = true;
		return 0;
	}
	if (!strcmp(w, "blocked")) {
		v->blocked = true;
		return 0;
	}
	if (!strcmp(w, "segv")) {
		v->v = FL_VAL_SEGV;
		return 0;
	}
	if (w[0] >= '0' && w[0] <= '9') {
		v->v = strtoull(w, &end, 0);
		return *end ? -1 : 0;
	}
	for (char *p = w; *p;) {
		size_t k = strcspn(p, "|"), i;

		for (i = 0; i < sizeof(pmflags) / sizeof(pmflags[0]); i++)
			if (strlen(pmflags[i].name) == k && !strncmp(pmflags[i].name, p, k))
				break;
		if (i == sizeof(pmflags) / sizeof(pmflags[0]))
			return -1;
		v->v |= pmflags[i].bit;
		p += k;
		if (*p == '|')
			p++;
	}
	return 0;
}

/* One `known` line. */
static int parse_line(const char *path, int lineno, const char *line, struct fl_known *k, char *err, int errlen)
{
	const char *p = line + 6;

	memset(k, 0, sizeof(*k));
	k->reg_kind = -1;
	k->shared = -1;
	k->prop = -1;
	k->host.any = k->model.any = true;
	k->line = lineno;
	while (*p == ' ' || *p == '\t')
		p++;
	for (int n = 0; *p && *p != ' ' && *p != '\t' && *p != '\n'; p++)
		if (n < (int)sizeof(k->item) - 1)
			k->item[n++] = *p;
	while (*p && *p != '\n') {
		const char *key, *val;
		int kn, vn, bad = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '\n')
			break;
		key = p;
		while (*p && *p != '=' && *p != ' ' && *p != '\n')
			p++;
		if (*p != '=')
			goto bad;
		kn = (int)(p - key);
		val = ++p;
		if (kn == 5 && !strncmp(key, "error", 5)) {
			vn = (int)strcspn(val, "\n");
			snprintf(k->error, sizeof(k->error), "%.*s", vn, val);
			p = val + vn;
			continue;
		}
		while (*p && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		vn = (int)(p - val);
#define KEY(s) (kn == (int)strlen(s) && !strncmp(key, s, (size_t)kn))
		if (KEY("mode")) {
			if (vn == 3 && !strncmp(val, "seq", 3))
				k->mode = FL_KNOWN_SEQ;
			else if (vn == 4 && !strncmp(val, "conc", 4))
				k->mode = FL_KNOWN_CONC;
			else
				goto bad;
		} else if (KEY("uses") || KEY("lacks")) {
			if (parse_kinds(val, vn, KEY("uses") ? &k->uses : &k->lacks, KEY("uses") ? k->uses_min : NULL, &bad)) {
				key = val + bad;
				goto bad;
			}
		} else if (KEY("shared")) {
			if (vn == 3 && !strncmp(val, "yes", 3))
				k->shared = 1;
			else if (vn == 2 && !strncmp(val, "no", 2))
				k->shared = 0;
			else
				goto bad;
		} else if (KEY("reg")) {
			if ((k->reg_kind = fl_op_find(val, vn)) < 0)
				goto bad;
		} else if (KEY("host") || KEY("model")) {
			if (parse_val(val, vn, KEY("host") ? &k->host : &k->model))
				goto bad;
		} else if (KEY("prop")) {
			char w[32];

			snprintf(w, sizeof(w), "%.*s", vn, val);
			/* `crash`: the model aborted on an internal check (gen reports it as a pseudo-property). */
			k->prop = strcmp(w, "crash") ? fl_prop_find(w) : FL_KNOWN_PROP_CRASH;
			if (k->prop < 0)
				goto bad;
		} else if (KEY("fact")) {
			size_t i;

			for (i = 0; i < sizeof(facts) / sizeof(facts[0]); i++)
				if ((int)strlen(facts[i].name) == vn && !strncmp(facts[i].name, val, (size_t)vn))
					break;
			if (i == sizeof(facts) / sizeof(facts[0]))
				goto bad;
			k->facts |= facts[i].bit;
		} else {
			goto bad;
		}
#undef KEY
		continue;
bad:
		snprintf(err, (size_t)errlen, "%s:%d:%d: bad known-open signature field", path, lineno,
			 (int)(key - line) + 1);
		return -1;
	}
	if (!k->item[0]) {
		snprintf(err, (size_t)errlen, "%s:%d:7: a known-open line needs an item name", path, lineno);
		return -1;
	}
	return 0;
}

int fl_known_load(const char *path, struct fl_known_list *l, char *err, int errlen)
{
	FILE *f = fopen(path, "re");
	char line[512];
	int lineno = 0;

	l->n = 0;
	if (!f) {
		snprintf(err, (size_t)errlen, "%s: cannot open", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (strncmp(line, "known ", 6))
			continue;
		if (!strchr(line, '\n') && !feof(f)) {	/* a cut line would match more than it says */
			snprintf(err, (size_t)errlen, "%s:%d:%d: known-open line longer than %d characters", path, lineno,
				 (int)sizeof(line) - 1, (int)sizeof(line) - 2);
			fclose(f);
			return -1;
		}
		if (l->n == FL_KNOWN_MAX) {
			snprintf(err, (size_t)errlen, "%s:%d:1: too many known-open lines (FL_KNOWN_MAX = %d)", path,
				 lineno, FL_KNOWN_MAX);
			fclose(f);
			return -1;
		}
		if (parse_line(path, lineno, line, &l->e[l->n], err, errlen)) {
			fclose(f);
			return -1;
		}
		l->n++;
	}
	fclose(f);
	return 0;
}

static bool has_shared_mmap(const struct fl_scenario *sc)
{
	for (int i = 0; i < sc->ninit; i++)
		if (sc->init[i].kind == FL_OP_MMAP && (sc->init[i].mflags & FL_MAP_SHARED))
			return true;
	for (int t = 0; t < sc->nthreads; t++)
		for (int i = 0; i < sc->threads[t].nops; i++)
			if (sc->threads[t].ops[i].kind == FL_OP_MMAP && (sc->threads[t].ops[i].mflags & FL_MAP_SHARED))
				return true;
	return false;
}

static bool common(const struct fl_known *k, enum fl_known_mode mode, const struct fl_scenario *sc, uint64_t uses,
		   uint32_t facts_have)
{
	if (k->mode != FL_KNOWN_ANY && k->mode != mode)
		return false;
	if (k->shared >= 0 && k->shared != (int)has_shared_mmap(sc))
		return false;
	if ((k->uses & uses) != k->uses || (k->lacks & uses))
		return false;
	for (int i = 0; i < 64; i++)
		if (k->uses_min[i] > 1 && count_kind(sc, i) < k->uses_min[i])
			return false;
	return (k->facts & facts_have) == k->facts;
}

static bool val_ok(const struct fl_known_val *v, bool set, uint64_t x, bool blocked)
{
	if (v->any)
		return true;
	if (v->blocked)
		return blocked;
	return set && x == v->v;
}

const struct fl_known *fl_known_match_diff(const struct fl_known_list *l, const struct fl_scenario *sc, uint32_t facts,
					   const struct fl_known_diff *d)
{
	uint64_t uses = fl_known_uses(sc);

	for (int i = 0; i < l->n; i++) {
		const struct fl_known *k = &l->e[i];

		if (k->error[0] || k->prop >= 0 || !common(k, FL_KNOWN_SEQ, sc, uses, facts))
			continue;
		if (d->slot < 0) {
			/* The blocked flag: only an entry that names blocked on one side explains it. */
			if (k->reg_kind >= 0 && k->reg_kind != d->kind)
				continue;
			if ((k->host.blocked && d->host_blocked) || (k->model.blocked && d->model_blocked))
				return k;
			continue;
		}
		if (k->host.blocked || k->model.blocked)
			continue;
		if (k->reg_kind >= 0 && k->reg_kind != d->kind)
			continue;
		if (val_ok(&k->host, d->host_set, d->host, false) && val_ok(&k->model, d->model_set, d->model, false))
			return k;
	}
	return NULL;
}

const struct fl_known *fl_known_match_error(const struct fl_known_list *l, const struct fl_scenario *sc,
					    uint32_t facts, const char *msg)
{
	uint64_t uses = fl_known_uses(sc);

	for (int i = 0; i < l->n; i++) {
		const struct fl_known *k = &l->e[i];

		if (k->error[0] && k->prop < 0 && common(k, FL_KNOWN_SEQ, sc, uses, facts) && strstr(msg, k->error))
			return k;
	}
	return NULL;
}

const struct fl_known *fl_known_match_prop(const struct fl_known_list *l, const struct fl_scenario *sc, uint32_t facts,
					   int prop, const char *msg)
{
	uint64_t uses = fl_known_uses(sc);

	for (int i = 0; i < l->n; i++) {
		const struct fl_known *k = &l->e[i];

		if (k->prop == prop && common(k, FL_KNOWN_CONC, sc, uses, facts) && (!k->error[0] || strstr(msg, k->error)))
			return k;
	}
	return NULL;
}
