/* SPDX-License-Identifier: MIT */
/*
 * litmus/parse_int.h - what the parser's files share (not a public header).
 *
 * The parser is four files, one job each:
 *   lex.c          characters and tokens, and the two raw-word readers;
 *   parse_op.c     names, addresses, ops (from the op table, ops.h) and
 *                  the blocks that hold them (init, Tn);
 *   parse_expect.c expect, assert and bound lines;
 *   parse.c        the file: header, items, whole-file checks, entry points.
 * The rules every one of them follows are at the top of parse.c.
 */
#ifndef FL_LITMUS_PARSE_INT_H
#define FL_LITMUS_PARSE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "litmus/ast.h"

enum tk {
	TK_EOF, TK_NL, TK_SEMI, TK_IDENT, TK_INT, TK_STRING,
	TK_LBRACE, TK_RBRACE, TK_LPAREN, TK_RPAREN, TK_COMMA, TK_COLON,
	TK_AT, TK_PLUS, TK_PIPE, TK_ASSIGN, TK_EQ, TK_NE,
	TK_ERROR,	/* the lexer reported an error; nothing accepts this */
};

struct tok {
	enum tk kind;
	const char *s;		/* text in the source; a string's without quotes */
	int len;
	uint64_t num;		/* TK_INT */
	struct fl_loc loc;
};

/* Where the ops of one block go, and what they run in. */
struct opctx {
	char who[16];		/* "init" or "T3", for messages */
	struct fl_lit_op *ops;
	int *nops;
	bool init;
	int proc;		/* of the current op (init: per statement) */
	int cpu;
	uint32_t *regs;		/* registers this block sets, bit k for rk */
	bool exited;		/* a thread ran exit(): nothing may follow */
};

struct parser {
	const char *file;
	const char *src;
	size_t len;
	size_t pos;
	int line, col;		/* of src[pos] */
	struct tok tok;		/* the lookahead, when have_tok */
	bool have_tok;
	bool failed;
	char *err;
	int errlen;
	char descbuf[64];	/* lit_tok_desc() */
	struct fl_scenario *sc;

	/* Processes: P0 exists from the start; the rest come from forks. */
	bool made[FL_LIT_MAX_PROCS];		/* some earlier fork creates it */
	bool made_in_init[FL_LIT_MAX_PROCS];	/* ... and that fork is in init */
	struct fl_loc fork_loc[FL_LIT_MAX_PROCS];
	bool init_exit[FL_LIT_MAX_PROCS];	/* exit() in init */
	struct fl_loc init_exit_loc[FL_LIT_MAX_PROCS];

	struct fl_loc thread_ploc[FL_LIT_MAX_THREADS];	/* the Pn of each header */
	uint32_t thread_regs[FL_LIT_MAX_THREADS];
	uint32_t init_regs;

	/* Asserts name thread ids; resolve_asserts() turns them into indices. */
	int assert_tid[FL_LIT_MAX_ASSERT];
	struct fl_loc assert_tloc[FL_LIT_MAX_ASSERT];
	struct fl_loc assert_rloc[FL_LIT_MAX_ASSERT];

	bool have_init;
	struct fl_loc init_loc;
	bool have_bound;
	struct fl_loc bound_loc;
	int max_cpu;
};

/* lex.c */
int lit_clip(int len);
__attribute__((format(printf, 3, 4)))
int lit_error_at(struct parser *p, struct fl_loc loc, const char *fmt, ...);
struct tok *lit_peek(struct parser *p);
struct tok lit_take(struct parser *p);
const char *lit_tok_desc(struct parser *p, const struct tok *t);
bool lit_tok_is(const struct tok *t, const char *word);
int lit_want(struct parser *p, enum tk kind, struct tok *out);
bool lit_numbered(const struct tok *t, const char *prefix, int *n);
bool lit_is_region_name(const struct tok *t);
void lit_skip_seps(struct parser *p);
int lit_end_statement(struct parser *p);
int lit_raw_word(struct parser *p, char *buf, int size, struct fl_loc *loc);
int lit_header_name(struct parser *p, const struct tok *kw);

/* parse_op.c */
int lit_reg_ref(struct parser *p, const struct tok *t, int *k);
int lit_parse_init(struct parser *p, const struct tok *kw);
int lit_parse_thread(struct parser *p, const struct tok *name);
int lit_find_thread(const struct parser *p, int id);

/* parse_expect.c */
int lit_parse_expect(struct parser *p, const struct tok *kw);
int lit_parse_assert(struct parser *p, const struct tok *kw);
int lit_parse_bound(struct parser *p, const struct tok *kw);

#endif
