/* SPDX-License-Identifier: MIT */
/*
 * litmus/ops.c - the op table derived from FL_LIT_OPS, and the printer
 * that writes an op back as litmus text (see ops.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "litmus/ast.h"
#include "litmus/ops.h"

#define NOHOST_WHY_HOST		NULL
#define NOHOST_WHY_NOHOST(why)	why

const struct fl_op_desc fl_ops[FL_OP__COUNT] = {
#define FL_X_DESC(K, name, dest, args, host, needs, gen) \
	[FL_OP_##K] = { #name, FL_DEST_##dest, FL_ARGS_##args, NOHOST_WHY_##host, needs, gen },
	FL_LIT_OPS(FL_X_DESC)
#undef FL_X_DESC
};

int fl_op_find(const char *word, int len)
{
	for (int k = 0; k < FL_OP__COUNT; k++)
		if ((int)strlen(fl_ops[k].name) == len && !memcmp(fl_ops[k].name, word, (size_t)len))
			return k;
	return -1;
}

const char *fl_prot_word(uint32_t prot)
{
	if (prot & FL_PROT_WRITE)
		return "rw";
	return (prot & FL_PROT_READ) ? "ro" : "none";
}

/* Append to buf[*o..len): every piece below goes through here, so nothing overflows. */
static void put(char *buf, int len, int *o, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void put(char *buf, int len, int *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*o >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *o, (size_t)(len - *o), fmt, ap);
	va_end(ap);
	*o = n < 0 ? len : *o + n;
}

static void put_addr(const struct fl_scenario *sc, const struct fl_lit_op *op, char *buf, int len, int *o)
{
	int r = op->addr.region;
	const char *rn = (r >= 0 && r < sc->nregions) ? sc->regions[r].name : "?";

	if (op->addr.offset)
		put(buf, len, o, "%s+%d", rn, op->addr.offset);
	else
		put(buf, len, o, "%s", rn);
}

/* "A+8" then ", N" when the op names a page count. */
static void put_range(const struct fl_scenario *sc, const struct fl_lit_op *op, char *buf, int len, int *o)
{
	put_addr(sc, op, buf, len, o);
	if (op->npages)
		put(buf, len, o, ", %d", op->npages);
}

void fl_op_str(const struct fl_scenario *sc, const struct fl_lit_op *op, char *buf, int len)
{
	const struct fl_op_desc *d = &fl_ops[op->kind];
	int o = 0;

	buf[0] = '\0';
	if (op->reg >= 0)
		put(buf, len, &o, "r%d = ", op->reg);
	else if (d->dest == FL_DEST_PROC)
		put(buf, len, &o, "P%d = ", op->child);
	else if (d->dest == FL_DEST_REGION)
		put(buf, len, &o, "%s = ", op->addr.region >= 0 && op->addr.region < sc->nregions ?
			sc->regions[op->addr.region].name : "?");
	else if (d->dest == FL_DEST_FILE)
		put(buf, len, &o, "%s = ", op->file >= 0 && op->file < sc->nfiles ? sc->files[op->file].name : "?");
	put(buf, len, &o, "%s(", d->name);
	switch (d->args) {
	case FL_ARGS_NONE:
		break;
	case FL_ARGS_ADDR:
		put_addr(sc, op, buf, len, &o);
		break;
	case FL_ARGS_WRITE:
		put_addr(sc, op, buf, len, &o);
		put(buf, len, &o, ", %llu", (unsigned long long)op->value);
		break;
	case FL_ARGS_RANGE:
		put_range(sc, op, buf, len, &o);
		break;
	case FL_ARGS_PROTECT:
		put_range(sc, op, buf, len, &o);
		put(buf, len, &o, ", %s", fl_prot_word(op->prot));
		break;
	case FL_ARGS_PIN:
		put_addr(sc, op, buf, len, &o);
		put(buf, len, &o, ", %s", (op->prot & FL_PROT_WRITE) ? "rw" : "ro");
		break;
	case FL_ARGS_CLEAR_REFS:
		put(buf, len, &o, "soft_dirty");
		break;
	case FL_ARGS_UFFD_REGISTER:
		put_range(sc, op, buf, len, &o);
		put(buf, len, &o, ",%s%s", (op->value & FL_UFFD_MISSING) ? " missing" : "",
		    (op->value & FL_UFFD_WP) ? " wp" : "");
		break;
	case FL_ARGS_UFFD_WP:
		put_range(sc, op, buf, len, &o);
		put(buf, len, &o, ", %s", op->value ? "on" : "off");
		break;
	case FL_ARGS_GUP:
		put_range(sc, op, buf, len, &o);
		put(buf, len, &o, ", %s", op->value == FL_GUP_PIN ? "pin" : op->value == FL_GUP_GET ? "get" : "none");
		break;
	case FL_ARGS_MMAP:
		if (op->file >= 0) {
			put(buf, len, &o, "%s", op->file < sc->nfiles ? sc->files[op->file].name : "?");
			if (op->fpage)
				put(buf, len, &o, "+%d", op->fpage);
			put(buf, len, &o, ", %d, %s%s", op->npages, fl_prot_word(op->prot),
			    (op->mflags & FL_MAP_SHARED) ? " shared" : " private");
			break;
		}
		put(buf, len, &o, "%d, anon %s%s", op->npages, fl_prot_word(op->prot),
		    (op->mflags & FL_MAP_SHARED) ? " shared" : "");
		break;
	case FL_ARGS_MEMFD:
		put(buf, len, &o, "%d", op->npages);
		break;
	case FL_ARGS_FALLOCATE:
		put(buf, len, &o, "%s, %d, %d", op->file >= 0 && op->file < sc->nfiles ? sc->files[op->file].name : "?",
		    op->fpage, op->npages);
		break;
	}
	put(buf, len, &o, ")");
}
