/* SPDX-License-Identifier: MIT */
/*
 * litmus/parse.c - read a litmus file into a struct fl_scenario.
 *
 * A hand-written lexer and recursive-descent parser for the format that
 * docs/litmus.md describes, in four files (parse_int.h says which does
 * what); this one holds the file as a whole.  The rules that shape all four:
 *
 *  - The input is a buffer and a length, not a C string: a NUL byte in a
 *    file is one more bad character, reported where it is.
 *  - The first error wins.  lit_lit_error_at() records "file:line:col: message"
 *    and later calls do nothing, so a lexer error (bad number, stray byte)
 *    reaches the caller unchanged while the parser unwinds through its own
 *    "expected ..." paths.  Every parse function returns 0 or -1.
 *  - Every array is fixed-size (ast.h).  Each count is checked against its
 *    FL_LIT_MAX_* before the slot is touched, and the message names the
 *    limit, so a big file is an error and never an overflow.
 *  - Two places read raw words instead of tokens: the test name after `mm`
 *    and the words of an `expect` line.  Names there contain '-', '.' and
 *    '+', which are operators everywhere else (A+1).  So the lexer looks at
 *    most one token ahead, and never past `mm` or `expect`.
 *  - Names are resolved in one pass, in file order (regions, processes).
 *    Two things may come later: a thread header may name a process that a
 *    fork further down creates, and an assert may name a thread defined
 *    further down.  The checks at the end of parse_all() see to those.
 *    One is stricter: init runs before every thread, so a `Pn:` prefix in
 *    init needs a fork of Pn earlier in init itself.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "litmus/parse_int.h"
#include "policy/policy.h"

/* A bigger file is a mistake (a binary, a log), not a litmus test. */
static const size_t max_file_bytes = 1u << 20;

static int parse_item(struct parser *p)
{
	struct tok t = lit_take(p);

	if (lit_tok_is(&t, "init"))
		return lit_parse_init(p, &t);
	if (lit_numbered(&t, "T", &(int){ 0 }))
		return lit_parse_thread(p, &t);
	if (lit_tok_is(&t, "expect"))
		return lit_parse_expect(p, &t);
	if (lit_tok_is(&t, "assert"))
		return lit_parse_assert(p, &t);
	if (lit_tok_is(&t, "bound"))
		return lit_parse_bound(p, &t);
	if (lit_tok_is(&t, "mm"))
		return lit_error_at(p, t.loc, "a second mm line");
	if (t.kind == TK_STRING)
		return lit_error_at(p, t.loc, "a description must come right after the mm line");
	return lit_error_at(p, t.loc, "unknown statement %s (expected init, Tn, expect, assert or bound)",
			lit_tok_desc(p, &t));
}

/* --- the header ----------------------------------------------------------- */
static int parse_header(struct parser *p)
{
	struct tok t;

	lit_skip_seps(p);
	t = lit_take(p);
	if (!lit_tok_is(&t, "mm"))
		return lit_error_at(p, (struct fl_loc){ 1, 1 }, "expected 'mm NAME' as the first line");
	if (lit_header_name(p, &t) || lit_end_statement(p))
		return -1;
	lit_skip_seps(p);
	if (lit_peek(p)->kind != TK_STRING)
		return 0;
	t = lit_take(p);
	memcpy(p->sc->desc, t.s, (size_t)t.len);
	p->sc->desc[t.len] = '\0';
	return lit_end_statement(p);
}

/* --- whole-file checks ---------------------------------------------------- */

/* Each thread's process must be forked somewhere, and must not exit in init. */
static int check_threads(struct parser *p)
{
	for (int i = 0; i < p->sc->nthreads; i++) {
		const struct fl_lit_thread *th = &p->sc->threads[i];

		if (th->proc != 0 && !p->made[th->proc])
			return lit_error_at(p, p->thread_ploc[i], "P%d is never created (no 'P%d = fork()' in the file)",
					th->proc, th->proc);
		if (p->init_exit[th->proc])
			return lit_error_at(p, p->thread_ploc[i], "T%d runs in P%d, which exits in init (line %d)",
					th->id, th->proc, p->init_exit_loc[th->proc].line);
	}
	return 0;
}

/*
 * exit() tears down the whole mm; with a second thread still running in it
 * the model would need thread-group exit, which it does not have.
 */
static int check_exits(struct parser *p)
{
	const struct fl_scenario *sc = p->sc;

	for (int i = 0; i < sc->nthreads; i++) {
		const struct fl_lit_thread *th = &sc->threads[i];

		for (int k = 0; k < th->nops; k++) {
			if (th->ops[k].kind != FL_OP_EXIT)
				continue;
			for (int j = 0; j < sc->nthreads; j++)
				if (j != i && sc->threads[j].proc == th->proc)
					return lit_error_at(p, th->ops[k].loc,
							"exit() in a process with several threads is not modelled");
		}
	}
	return 0;
}

/* Thread ids to indices; an assert on a register nobody sets is a typo. */
static int resolve_asserts(struct parser *p)
{
	struct fl_scenario *sc = p->sc;

	for (int i = 0; i < sc->nassert; i++) {
		struct fl_lit_assert *a = &sc->asserts[i];
		int tid = p->assert_tid[i], idx = -1;
		uint32_t regs = p->init_regs;

		if (tid >= 0) {
			idx = lit_find_thread(p, tid);
			if (idx < 0)
				return lit_error_at(p, p->assert_tloc[i], "no thread T%d", tid);
			regs = p->thread_regs[idx];
		}
		if (!(regs & (1u << a->reg.reg))) {
			char who[16] = "init";

			if (tid >= 0)
				snprintf(who, sizeof(who), "T%d", tid);
			return lit_error_at(p, p->assert_rloc[i], "%s never sets r%d", who, a->reg.reg);
		}
		a->reg.thread = idx;
	}
	return 0;
}

static int parse_all(struct parser *p)
{
	if (parse_header(p))
		return -1;
	for (;;) {
		lit_skip_seps(p);
		if (lit_peek(p)->kind == TK_EOF)
			break;
		if (parse_item(p) || lit_end_statement(p))
			return -1;
	}
	if (check_threads(p) || check_exits(p) || resolve_asserts(p))
		return -1;
	p->sc->ncpus = p->max_cpu + 1;
	return 0;
}

/*
 * The common entry: @src holds @len bytes and need not be NUL-terminated.
 * On failure *out is cleared except for the file name.
 */
static int parse_buffer(const char *name, const char *src, size_t len,
			struct fl_scenario *out, char *err, int errlen)
{
	struct parser p = {
		.file = name, .src = src, .len = len, .line = 1, .col = 1,
		.err = err, .errlen = errlen, .sc = out,
		.made = { true }, .made_in_init = { true },	/* P0 */
	};

	memset(out, 0, sizeof(*out));
	snprintf(out->file, sizeof(out->file), "%s", name);
	out->nprocs = 1;
	out->preemptions = -1;
	out->ncpus = 1;
	if (len > max_file_bytes)
		return lit_error_at(&p, (struct fl_loc){ 1, 1 }, "larger than 1 MiB, not a litmus test");
	if (parse_all(&p) == 0)
		return 0;
	memset(out, 0, sizeof(*out));
	snprintf(out->file, sizeof(out->file), "%s", name);
	return -1;
}

/* Bytes with a length (NUL bytes included): the fuzz targets' entry (tests/fuzz/). */
int fl_parse_buffer(const char *name, const char *src, size_t len, struct fl_scenario *out,
		    char *err, int errlen)
{
	if (!name)
		name = "<buffer>";
	if ((!src && len) || !out) {
		if (err && errlen > 0)
			snprintf(err, (size_t)errlen, "%s:1:1: no input", name);
		return -1;
	}
	return parse_buffer(name, src ? src : "", len, out, err, errlen);
}

int fl_parse_string(const char *name, const char *text, struct fl_scenario *out,
		    char *err, int errlen)
{
	if (!name)
		name = "<string>";
	if (!text || !out) {
		if (err && errlen > 0)
			snprintf(err, (size_t)errlen, "%s:1:1: no input", name);
		return -1;
	}
	return parse_buffer(name, text, strlen(text), out, err, errlen);
}

/* Read at most max_file_bytes + 1, so that a bigger file is seen, not truncated. */
static char *read_all(FILE *f, size_t *len)
{
	char *buf = malloc(max_file_bytes + 1);

	if (!buf)
		return NULL;
	*len = fread(buf, 1, max_file_bytes + 1, f);
	if (ferror(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

int fl_parse_file(const char *path, struct fl_scenario *out, char *err, int errlen)
{
	FILE *f;
	char *buf;
	size_t len = 0;
	int rc;

	if (!path || !out) {
		if (err && errlen > 0)
			snprintf(err, (size_t)errlen, "(null): cannot open: %s", strerror(EINVAL));
		return -1;
	}
	f = fopen(path, "rb");
	if (!f) {
		if (err && errlen > 0)
			snprintf(err, (size_t)errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	errno = 0;
	buf = read_all(f, &len);
	if (!buf) {
		int e = errno ? errno : EIO;

		fclose(f);
		if (err && errlen > 0)
			snprintf(err, (size_t)errlen, "%s: cannot read: %s", path, strerror(e));
		return -1;
	}
	fclose(f);
	rc = parse_buffer(path, buf, len, out, err, errlen);
	free(buf);
	return rc;
}

bool fl_scenario_uses(const struct fl_scenario *sc, enum fl_lit_kind k)
{
	for (int i = 0; i < sc->ninit; i++)
		if (sc->init[i].kind == k)
			return true;
	for (int t = 0; t < sc->nthreads; t++)
		for (int i = 0; i < sc->threads[t].nops; i++)
			if (sc->threads[t].ops[i].kind == k)
				return true;
	return false;
}
