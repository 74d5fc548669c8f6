/* SPDX-License-Identifier: MIT */
/*
 * litmus/parse.c - read a litmus file into a struct fl_scenario.
 *
 * A hand-written lexer and recursive-descent parser for the format that
 * docs/litmus.md describes.  The rules that shape the code:
 *
 *  - The input is a buffer and a length, not a C string: a NUL byte in a
 *    file is one more bad character, reported where it is.
 *  - The first error wins.  error_at() records "file:line:col: message"
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

#include "litmus/ast.h"
#include "policy/policy.h"

/* A bigger file is a mistake (a binary, a log), not a litmus test. */
static const size_t max_file_bytes = 1u << 20;

enum tk {
	TK_EOF, TK_NL, TK_SEMI, TK_IDENT, TK_INT, TK_STRING,
	TK_LBRACE, TK_RBRACE, TK_LPAREN, TK_RPAREN, TK_COMMA, TK_COLON,
	TK_AT, TK_PLUS, TK_PIPE, TK_ASSIGN, TK_EQ, TK_NE,
	TK_ERROR,	/* the lexer reported an error; nothing accepts this */
};

static const char *const tk_names[] = {
	[TK_EOF] = "end of file", [TK_NL] = "end of line", [TK_SEMI] = "';'",
	[TK_IDENT] = "a name", [TK_INT] = "a number", [TK_STRING] = "a string",
	[TK_LBRACE] = "'{'", [TK_RBRACE] = "'}'", [TK_LPAREN] = "'('",
	[TK_RPAREN] = "')'", [TK_COMMA] = "','", [TK_COLON] = "':'",
	[TK_AT] = "'@'", [TK_PLUS] = "'+'", [TK_PIPE] = "'|'", [TK_ASSIGN] = "'='",
	[TK_EQ] = "'=='", [TK_NE] = "'!='", [TK_ERROR] = "an error",
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
	char descbuf[64];	/* tok_desc() */
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

/* Long names in messages are cut here, so one message fits a line. */
static int clip(int len)
{
	return len > 40 ? 40 : len;
}

__attribute__((format(printf, 3, 4)))
static int error_at(struct parser *p, struct fl_loc loc, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (p->failed)
		return -1;
	p->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->err && p->errlen > 0)
		snprintf(p->err, (size_t)p->errlen, "%s:%d:%d: %s",
			 p->file, loc.line, loc.col, msg);
	return -1;
}

/* --- characters ----------------------------------------------------------- */

/* Own classes: <ctype.h> depends on the locale and on signed chars. */
static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_alpha(int c)
{
	return is_upper(c) || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_alnum(int c)
{
	return is_alpha(c) || is_digit(c);
}

static bool is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int cur(const struct parser *p)
{
	return p->pos < p->len ? (unsigned char)p->src[p->pos] : -1;
}

static int ahead(const struct parser *p, size_t n)
{
	return p->pos + n < p->len ? (unsigned char)p->src[p->pos + n] : -1;
}

static struct fl_loc here(const struct parser *p)
{
	return (struct fl_loc){ p->line, p->col };
}

/* Columns count bytes: a tab is one column, as in most compilers' messages. */
static void adv(struct parser *p)
{
	if (p->src[p->pos] == '\n') {
		p->line++;
		p->col = 1;
	} else {
		p->col++;
	}
	p->pos++;
}

static bool at_comment(const struct parser *p)
{
	return cur(p) == '#' || (cur(p) == '/' && ahead(p, 1) == '/');
}

/* For raw words (test name, expect words): end of input, newline, ';' or a comment. */
static bool at_stmt_end(const struct parser *p)
{
	return cur(p) < 0 || cur(p) == '\n' || cur(p) == ';' || at_comment(p);
}

static bool at_word_end(const struct parser *p)
{
	return is_blank(cur(p)) || at_stmt_end(p);
}

/* Skip blanks and a comment; the newline after it is a token. */
static void skip_blank(struct parser *p)
{
	while (is_blank(cur(p)))
		adv(p);
	if (at_comment(p))
		while (cur(p) >= 0 && cur(p) != '\n')
			adv(p);
}

static void char_desc(int c, char *buf, size_t size)
{
	if (c > 0x20 && c < 0x7f)
		snprintf(buf, size, "'%c'", c);
	else
		snprintf(buf, size, "byte 0x%02x", c & 0xff);
}

static int bad_char(struct parser *p)
{
	char d[16];

	char_desc(cur(p), d, sizeof(d));
	return error_at(p, here(p), "unexpected %s", d);
}

/* --- tokens --------------------------------------------------------------- */

static int digit_val(int c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* Decimal or 0x hex.  Returns -1 when malformed, -2 when above UINT64_MAX. */
static int parse_u64(const char *s, int len, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;
	int i = 0;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
		if (len == 2)
			return -1;
	}
	for (int j = i; j < len; j++)
		if (digit_val((unsigned char)s[j]) >= (int)base)
			return -1;
	for (; i < len; i++) {
		unsigned d = (unsigned)digit_val((unsigned char)s[i]);

		if (v > (UINT64_MAX - d) / base)
			return -2;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

/* A number runs to the end of the word, so "12ab" is one bad number. */
static void lex_number(struct parser *p, struct tok *t)
{
	int rc;

	while (is_alnum(cur(p)))
		adv(p);
	t->len = (int)(p->src + p->pos - t->s);
	rc = parse_u64(t->s, t->len, &t->num);
	if (rc == -1) {
		error_at(p, t->loc, "bad number '%.*s'", clip(t->len), t->s);
		t->kind = TK_ERROR;
	} else if (rc == -2) {
		error_at(p, t->loc, "number out of range");
		t->kind = TK_ERROR;
	}
}

/* The description: one line, no escapes, ends at the next '"'. */
static void lex_string(struct parser *p, struct tok *t)
{
	int c;

	t->kind = TK_ERROR;
	adv(p);
	t->s = p->src + p->pos;
	while ((c = cur(p)) != '"') {
		if (c < 0 || c == '\n') {
			error_at(p, t->loc, "unterminated description: the closing '\"' must be on the same line");
			return;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			error_at(p, here(p), "unexpected byte 0x%02x in the description", c);
			return;
		}
		adv(p);
	}
	t->len = (int)(p->src + p->pos - t->s);
	adv(p);
	if (t->len >= (int)sizeof(p->sc->desc)) {
		error_at(p, t->loc, "description too long (%d characters, max %d)",
			 t->len, (int)sizeof(p->sc->desc) - 1);
		return;
	}
	t->kind = TK_STRING;
}

/* Punctuation; '=' '=' and '!' '=' are the two-character ones. */
static void lex_punct(struct parser *p, struct tok *t)
{
	static const char one[] = ";{}(),:@+|=";
	static const enum tk kinds[] = {
		TK_SEMI, TK_LBRACE, TK_RBRACE, TK_LPAREN, TK_RPAREN, TK_COMMA,
		TK_COLON, TK_AT, TK_PLUS, TK_PIPE, TK_ASSIGN,
	};
	int c = cur(p);
	const char *hit;

	if ((c == '=' || c == '!') && ahead(p, 1) == '=') {
		t->kind = c == '=' ? TK_EQ : TK_NE;
		adv(p);
		adv(p);
		return;
	}
	hit = c > 0 ? strchr(one, c) : NULL;
	if (!hit) {
		bad_char(p);
		t->kind = TK_ERROR;
		adv(p);		/* never stall on a bad byte */
		return;
	}
	t->kind = kinds[hit - one];
	adv(p);
}

static void lex(struct parser *p, struct tok *t)
{
	int c;

	skip_blank(p);
	t->loc = here(p);
	t->s = p->src + p->pos;
	t->len = 0;
	t->num = 0;
	c = cur(p);
	if (c < 0) {
		t->kind = TK_EOF;
	} else if (c == '\n') {
		t->kind = TK_NL;
		adv(p);
	} else if (is_alpha(c)) {
		t->kind = TK_IDENT;
		while (is_alnum(cur(p)))
			adv(p);
	} else if (is_digit(c)) {
		t->kind = TK_INT;
		lex_number(p, t);
	} else if (c == '"') {
		lex_string(p, t);
		return;
	} else {
		lex_punct(p, t);
	}
	if (t->kind != TK_STRING)
		t->len = (int)(p->src + p->pos - t->s);
}

static struct tok *peek(struct parser *p)
{
	if (!p->have_tok) {
		lex(p, &p->tok);
		p->have_tok = true;
	}
	return &p->tok;
}

static struct tok take(struct parser *p)
{
	struct tok t = *peek(p);

	p->have_tok = false;
	return t;
}

/* "'name'" for names and numbers, the token class otherwise. */
static const char *tok_desc(struct parser *p, const struct tok *t)
{
	if (t->kind == TK_STRING)	/* shown as what starts it: "unexpected '\"'" */
		return "'\"'";
	if (t->kind == TK_IDENT || t->kind == TK_INT)
		snprintf(p->descbuf, sizeof(p->descbuf), "'%.*s'", clip(t->len), t->s);
	else
		snprintf(p->descbuf, sizeof(p->descbuf), "%s", tk_names[t->kind]);
	return p->descbuf;
}

static bool tok_is(const struct tok *t, const char *word)
{
	size_t n = strlen(word);

	return t->kind == TK_IDENT && (size_t)t->len == n && memcmp(t->s, word, n) == 0;
}

static int want(struct parser *p, enum tk kind, struct tok *out)
{
	struct tok t = take(p);

	if (t.kind != kind)
		return error_at(p, t.loc, "expected %s, got %s", tk_names[kind], tok_desc(p, &t));
	if (out)
		*out = t;
	return 0;
}

/*
 * @t is @prefix followed by decimal digits (P2, T0, r7, cpu3)?  The number
 * saturates at a million, which is out of range for every kind, so "P99999999999"
 * is reported as out of range rather than wrapping.
 */
static bool numbered(const struct tok *t, const char *prefix, int *n)
{
	int pl = (int)strlen(prefix);
	int v = 0;

	if (t->kind != TK_IDENT || t->len <= pl || memcmp(t->s, prefix, (size_t)pl) != 0)
		return false;
	for (int i = pl; i < t->len; i++) {
		if (!is_digit((unsigned char)t->s[i]))
			return false;
		v = v * 10 + (t->s[i] - '0');
		if (v > 1000000)
			v = 1000000;
	}
	*n = v;
	return true;
}

/* Regions are capitalised names, except the Pn and Tn of processes and threads. */
static bool is_region_name(const struct tok *t)
{
	int n;

	return t->kind == TK_IDENT && is_upper((unsigned char)t->s[0]) &&
	       !numbered(t, "P", &n) && !numbered(t, "T", &n);
}

static void skip_seps(struct parser *p)
{
	while (peek(p)->kind == TK_NL || peek(p)->kind == TK_SEMI)
		take(p);
}

/* A top-level statement ends at a newline, ';' or the end of the file. */
static int end_statement(struct parser *p)
{
	struct tok *t = peek(p);

	if (t->kind == TK_EOF)
		return 0;
	if (t->kind == TK_NL || t->kind == TK_SEMI) {
		take(p);
		return 0;
	}
	return error_at(p, t->loc, "unexpected %s: a new line or ';' must end the statement",
			tok_desc(p, t));
}

/* --- names: processes, cpus, registers, regions --------------------------- */

static int proc_ref(struct parser *p, const struct tok *t, int *n)
{
	if (!numbered(t, "P", n))
		return error_at(p, t->loc, "expected a process Pn, got %s", tok_desc(p, t));
	if (*n >= FL_LIT_MAX_PROCS)
		return error_at(p, t->loc, "process %.*s out of range (P0..P%d, FL_LIT_MAX_PROCS = %d)",
				clip(t->len), t->s, FL_LIT_MAX_PROCS - 1, FL_LIT_MAX_PROCS);
	return 0;
}

/* "@cpuK", the '@' not yet taken. */
static int cpu_ref(struct parser *p, int *cpu)
{
	struct tok t;

	if (want(p, TK_AT, NULL))
		return -1;
	t = take(p);
	if (!numbered(&t, "cpu", cpu))
		return error_at(p, t.loc, "expected cpuN after '@', got %s", tok_desc(p, &t));
	if (*cpu >= FL_LIT_MAX_CPUS)
		return error_at(p, t.loc, "%.*s out of range (cpu0..cpu%d, FL_LIT_MAX_CPUS = %d)",
				clip(t.len), t.s, FL_LIT_MAX_CPUS - 1, FL_LIT_MAX_CPUS);
	if (*cpu > p->max_cpu)
		p->max_cpu = *cpu;
	return 0;
}

static int reg_ref(struct parser *p, const struct tok *t, int *k)
{
	if (!numbered(t, "r", k))
		return error_at(p, t->loc, "expected a register rN, got %s", tok_desc(p, t));
	if (*k >= FL_LIT_MAX_REGS)
		return error_at(p, t->loc, "register %.*s out of range (r0..r%d, FL_LIT_MAX_REGS = %d)",
				clip(t->len), t->s, FL_LIT_MAX_REGS - 1, FL_LIT_MAX_REGS);
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

static int region_words(const struct parser *p, int r)
{
	return p->sc->regions[r].npages * FL_LIT_PAGE_WORDS;
}

static int outside(struct parser *p, struct fl_loc loc, int r, const char *what)
{
	const struct fl_lit_region *reg = &p->sc->regions[r];

	return error_at(p, loc, "%s is outside region %s (%d page%s = %d words)", what,
			reg->name, reg->npages, reg->npages == 1 ? "" : "s", region_words(p, r));
}

/* addr := REGION ['+' INT], an offset in 64-bit words. */
static int parse_addr(struct parser *p, struct fl_lit_addr *a)
{
	struct tok t = take(p), n;
	char what[80];
	uint64_t off = 0;
	int r;

	if (!is_region_name(&t))
		return error_at(p, t.loc, "expected a region (a name starting with an uppercase letter), got %s",
				tok_desc(p, &t));
	r = find_region(p, &t);
	if (r < 0)
		return error_at(p, t.loc, "unknown region '%.*s'", clip(t.len), t.s);
	if (peek(p)->kind == TK_PLUS) {
		take(p);
		if (want(p, TK_INT, &n))
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

/* What an op's result may go to: "rK =", "A =", "Pn =" or nothing. */
enum op_dest { DEST_NONE, DEST_REG, DEST_REG_ALWAYS, DEST_REGION, DEST_PROC };

/* What comes between an op's parentheses. */
enum op_args { ARGS_NONE, ARGS_ADDR, ARGS_WRITE, ARGS_RANGE, ARGS_PROTECT, ARGS_PIN, ARGS_CLEAR_REFS,
	       ARGS_UFFD_REGISTER, ARGS_UFFD_WP, ARGS_GUP };

/*
 * Every op by name.  The parser reads only this table, never a switch on
 * enum fl_lit_kind, so a kind added to ast.h does not break this file; it
 * is not accepted until it gets a row here.
 */
static const struct op_desc {
	const char *name;
	enum fl_lit_kind kind;
	enum op_dest dest;
	enum op_args args;
} op_table[] = {
	{ "mmap", FL_OP_MMAP, DEST_REGION, ARGS_NONE },	/* parse_mmap() */
	{ "fork", FL_OP_FORK, DEST_PROC, ARGS_NONE },
	{ "read", FL_OP_READ, DEST_REG, ARGS_ADDR },
	{ "write", FL_OP_WRITE, DEST_REG, ARGS_WRITE },
	{ "pagemap", FL_OP_PAGEMAP, DEST_REG_ALWAYS, ARGS_ADDR },
	{ "pin_user_pages", FL_OP_PIN, DEST_REG, ARGS_PIN },
	{ "unpin_user_page", FL_OP_UNPIN, DEST_NONE, ARGS_ADDR },
	{ "munmap", FL_OP_MUNMAP, DEST_NONE, ARGS_RANGE },
	{ "mprotect", FL_OP_MPROTECT, DEST_NONE, ARGS_PROTECT },
	{ "get_page", FL_OP_GET_PAGE, DEST_NONE, ARGS_ADDR },
	{ "put_page", FL_OP_PUT_PAGE, DEST_NONE, ARGS_ADDR },
	{ "evict", FL_OP_EVICT, DEST_NONE, ARGS_ADDR },
	{ "clear_refs", FL_OP_CLEAR_REFS, DEST_NONE, ARGS_CLEAR_REFS },
	{ "exit", FL_OP_EXIT, DEST_NONE, ARGS_NONE },
	{ "uffd_register", FL_OP_UFFD_REGISTER, DEST_REG, ARGS_UFFD_REGISTER },
	{ "uffd_wp", FL_OP_UFFD_WP, DEST_REG, ARGS_UFFD_WP },
	{ "uffd_copy", FL_OP_UFFD_COPY, DEST_REG, ARGS_WRITE },
	{ "uffd_zeropage", FL_OP_UFFD_ZEROPAGE, DEST_REG, ARGS_ADDR },
	{ "uffd_wait", FL_OP_UFFD_WAIT, DEST_REG, ARGS_NONE },
	{ "pin_read", FL_OP_PIN_READ, DEST_REG, ARGS_ADDR },
	{ "pin_user_pages_fast", FL_OP_PIN_FAST, DEST_REG, ARGS_PIN },
	{ "madvise_dontfork", FL_OP_MADV_DONTFORK, DEST_NONE, ARGS_RANGE },
	{ "remap_pfn", FL_OP_REMAP_PFN, DEST_NONE, ARGS_RANGE },
	{ "insert_pfn", FL_OP_INSERT_PFN, DEST_NONE, ARGS_RANGE },
	{ "gup", FL_OP_GUP, DEST_REG, ARGS_GUP },
	{ "mlock", FL_OP_MLOCK, DEST_REG, ARGS_RANGE },
	{ "pin_write", FL_OP_PIN_WRITE, DEST_NONE, ARGS_WRITE },
	{ "vmsplice", FL_OP_VMSPLICE, DEST_REG, ARGS_ADDR },
	{ "pipe_read", FL_OP_PIPE_READ, DEST_REG, ARGS_ADDR },
	{ "madvise_pageout", FL_OP_MADV_PAGEOUT, DEST_NONE, ARGS_RANGE },
};

static const struct op_desc *find_op(const struct tok *t)
{
	for (size_t i = 0; i < sizeof(op_table) / sizeof(op_table[0]); i++)
		if (tok_is(t, op_table[i].name))
			return &op_table[i];
	return NULL;
}

static int parse_prot(struct parser *p, uint32_t *prot)
{
	struct tok t = take(p);

	if (tok_is(&t, "rw"))
		*prot = FL_PROT_READ | FL_PROT_WRITE;
	else if (tok_is(&t, "ro"))
		*prot = FL_PROT_READ;
	else if (tok_is(&t, "none"))
		*prot = 0;
	else
		return error_at(p, t.loc, "expected rw, ro or none, got %s", tok_desc(p, &t));
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

	if (want(p, TK_INT, &n))
		return -1;
	if (n.num == 0)
		return error_at(p, n.loc, "page count 0: leave the count out to cover the whole region");
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
	if (peek(p)->kind != TK_COMMA)
		return 0;	/* npages 0: from the address's page to the region's end */
	take(p);
	return parse_npages(p, op);
}

/* mprotect(addr [, N], prot) */
static int parse_mprotect(struct parser *p, struct fl_lit_op *op)
{
	if (parse_addr(p, &op->addr) || want(p, TK_COMMA, NULL))
		return -1;
	if (peek(p)->kind == TK_INT && (parse_npages(p, op) || want(p, TK_COMMA, NULL)))
		return -1;
	return parse_prot(p, &op->prot);
}

static int parse_clear_refs(struct parser *p, struct fl_lit_op *op)
{
	struct tok t = take(p);

	/* Only the soft-dirty walk races with faults in ways the model covers. */
	if (!tok_is(&t, "soft_dirty"))
		return error_at(p, t.loc, "clear_refs type %s is not modelled (only soft_dirty)",
				tok_desc(p, &t));
	op->clear_refs_type = FL_CLEAR_REFS_SOFT_DIRTY;
	return 0;
}

/* pin_user_pages(addr, rw|ro): FOLL_PIN, with FOLL_WRITE for rw. */
static int parse_pin(struct parser *p, struct fl_lit_op *op)
{
	struct tok t;

	if (parse_addr(p, &op->addr) || want(p, TK_COMMA, NULL))
		return -1;
	t = take(p);
	if (tok_is(&t, "rw"))
		op->prot = FL_PROT_READ | FL_PROT_WRITE;
	else if (tok_is(&t, "ro"))
		op->prot = FL_PROT_READ;
	else
		return error_at(p, t.loc, "expected rw or ro, got %s", tok_desc(p, &t));
	return 0;
}

/* The words after an optional page count: uffd_register's modes, uffd_wp's on/off. */
static int parse_range_then(struct parser *p, struct fl_lit_op *op)
{
	if (parse_addr(p, &op->addr) || want(p, TK_COMMA, NULL))
		return -1;
	if (peek(p)->kind == TK_INT && (parse_npages(p, op) || want(p, TK_COMMA, NULL)))
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
		t = take(p);
		if (tok_is(&t, "missing") && !(op->value & FL_UFFD_MISSING))
			op->value |= FL_UFFD_MISSING;
		else if (tok_is(&t, "wp") && !(op->value & FL_UFFD_WP))
			op->value |= FL_UFFD_WP;
		else
			return error_at(p, t.loc, "expected a uffd mode (missing, wp), got %s", tok_desc(p, &t));
	} while (peek(p)->kind == TK_IDENT);
	return 0;
}

/* uffd_wp(addr [, N], on | off) */
static int parse_uffd_wp(struct parser *p, struct fl_lit_op *op)
{
	struct tok t;

	if (parse_range_then(p, op))
		return -1;
	t = take(p);
	if (tok_is(&t, "on"))
		op->value = 1;
	else if (tok_is(&t, "off"))
		op->value = 0;
	else
		return error_at(p, t.loc, "expected on or off, got %s", tok_desc(p, &t));
	return 0;
}

/* gup(addr, N, pin | get | none) */
static int parse_gup(struct parser *p, struct fl_lit_op *op)
{
	struct tok t;

	if (parse_addr(p, &op->addr) || want(p, TK_COMMA, NULL) || parse_npages(p, op) ||
	    want(p, TK_COMMA, NULL))
		return -1;
	t = take(p);
	if (tok_is(&t, "pin"))
		op->value = FL_GUP_PIN;
	else if (tok_is(&t, "get"))
		op->value = FL_GUP_GET;
	else if (tok_is(&t, "none"))
		op->value = FL_GUP_NONE;
	else
		return error_at(p, t.loc, "expected pin, get or none, got %s", tok_desc(p, &t));
	return 0;
}

/* The arguments of a call, between the parentheses. */
static int parse_args(struct parser *p, enum op_args args, struct fl_lit_op *op)
{
	struct tok v;

	switch (args) {
	case ARGS_NONE:
		return 0;
	case ARGS_ADDR:
		return parse_addr(p, &op->addr);
	case ARGS_WRITE:
		if (parse_addr(p, &op->addr) || want(p, TK_COMMA, NULL) ||
		    want(p, TK_INT, &v))
			return -1;
		op->value = v.num;
		return 0;
	case ARGS_RANGE:
		return parse_munmap(p, op);
	case ARGS_PROTECT:
		return parse_mprotect(p, op);
	case ARGS_PIN:
		return parse_pin(p, op);
	case ARGS_CLEAR_REFS:
		return parse_clear_refs(p, op);
	case ARGS_UFFD_REGISTER:
		return parse_uffd_register(p, op);
	case ARGS_UFFD_WP:
		return parse_uffd_wp(p, op);
	case ARGS_GUP:
		return parse_gup(p, op);
	}
	return 0;
}

static int parse_call(struct parser *p, const struct op_desc *d, struct fl_lit_op *op)
{
	op->kind = d->kind;
	return want(p, TK_LPAREN, NULL) || parse_args(p, d->args, op) ||
	       want(p, TK_RPAREN, NULL) ? -1 : 0;
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
		if (!tok_is(t, flags[i].name))
			continue;
		if (*seen & flags[i].group)
			return error_at(p, t->loc, "mmap flag '%s' repeats or conflicts with an earlier one",
					flags[i].name);
		*seen |= flags[i].group;
		if (flags[i].group == 2)
			op->prot = flags[i].prot;
		op->mflags |= flags[i].mflags;
		return 0;
	}
	return error_at(p, t->loc, "unknown mmap flag %s (anon rw ro none shared private)",
			tok_desc(p, t));
}

static int add_region(struct parser *p, const struct tok *name, struct fl_lit_op *op)
{
	struct fl_scenario *sc = p->sc;
	struct fl_lit_region *reg;
	int r = find_region(p, name);

	if (r >= 0)
		return error_at(p, name->loc, "region '%s' is already defined at line %d",
				sc->regions[r].name, sc->regions[r].loc.line);
	if (name->len >= (int)sizeof(reg->name))
		return error_at(p, name->loc, "region name '%.*s' is too long (max %d characters)",
				clip(name->len), name->s, (int)sizeof(reg->name) - 1);
	if (sc->nregions >= FL_LIT_MAX_REGIONS)
		return error_at(p, name->loc, "too many regions (FL_LIT_MAX_REGIONS = %d)",
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

/* REGION = mmap(N, flag...); the name and '=' are taken. */
static int parse_mmap(struct parser *p, const struct tok *name, struct fl_lit_op *op)
{
	unsigned seen = 0;
	struct tok t;

	t = take(p);
	if (!tok_is(&t, "mmap"))
		return error_at(p, t.loc, "only mmap defines a region: expected '%.*s = mmap(...)', got %s",
				clip(name->len), name->s, tok_desc(p, &t));
	if (want(p, TK_LPAREN, NULL) || want(p, TK_INT, &t))
		return -1;
	if (t.num < 1 || t.num > FL_LIT_MAX_PAGES)
		return error_at(p, t.loc, "mmap of %llu pages: a region has 1 to %d pages (FL_LIT_MAX_PAGES)",
				(unsigned long long)t.num, FL_LIT_MAX_PAGES);
	op->kind = FL_OP_MMAP;
	op->npages = (int)t.num;
	op->prot = FL_PROT_READ | FL_PROT_WRITE;
	if (want(p, TK_COMMA, NULL))
		return -1;
	do {
		t = take(p);
		if (t.kind != TK_IDENT)
			return error_at(p, t.loc, "expected an mmap flag (anon rw ro none shared private), got %s",
					tok_desc(p, &t));
		if (mmap_flag(p, &t, op, &seen))
			return -1;
	} while (peek(p)->kind == TK_IDENT);
	if (want(p, TK_RPAREN, &t))
		return -1;
	if (!(seen & 1))
		return error_at(p, t.loc, "mmap needs 'anon': only anonymous memory is modelled");
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
	struct tok t = take(p);
	int n;

	if (!tok_is(&t, "fork"))
		return error_at(p, t.loc, "expected 'fork' after '%.*s =', got %s",
				clip(name->len), name->s, tok_desc(p, &t));
	if (proc_ref(p, name, &n) || want(p, TK_LPAREN, NULL) || want(p, TK_RPAREN, NULL))
		return -1;
	if (n == 0)
		return error_at(p, name->loc, "P0 always exists: fork() creates P1..P%d",
				FL_LIT_MAX_PROCS - 1);
	if (p->made[n])
		return error_at(p, name->loc, "P%d is already created by the fork at line %d",
				n, p->fork_loc[n].line);
	/* The parent runs the fork, so it must exist by then (file order). */
	if (c->proc != 0 && !p->made[c->proc])
		return error_at(p, op->loc, "P%d does not exist yet (no earlier 'P%d = fork()')",
				c->proc, c->proc);
	if (n != sc->nprocs)
		return error_at(p, name->loc, "processes are numbered in fork order: this fork must create P%d",
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
	const struct op_desc *d;
	struct tok t;

	if (reg_ref(p, reg, &op->reg) || want(p, TK_ASSIGN, NULL))
		return -1;
	t = take(p);
	d = find_op(&t);
	if (!d || (d->dest != DEST_REG && d->dest != DEST_REG_ALWAYS))
		return error_at(p, t.loc, "%s does not set a register", tok_desc(p, &t));
	return parse_call(p, d, op);
}

/* A call without a destination: NAME '(' args ')'. */
static int parse_plain_op(struct parser *p, const struct tok *t, struct fl_lit_op *op)
{
	const struct op_desc *d = find_op(t);

	if (!d)
		return error_at(p, t->loc, "unknown operation '%.*s'", clip(t->len), t->s);
	switch (d->dest) {
	case DEST_REGION:
		return error_at(p, t->loc, "mmap needs a region: A = mmap(N, anon rw)");
	case DEST_PROC:
		return error_at(p, t->loc, "fork needs a child process: P1 = fork()");
	case DEST_REG_ALWAYS:
		return error_at(p, t->loc, "%s needs a register: r0 = %s(A)", d->name, d->name);
	case DEST_NONE:
	case DEST_REG:
		break;
	}
	return parse_call(p, d, op);
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
	if (first->kind != TK_IDENT)
		return error_at(p, first->loc, "expected an operation, got %s", tok_desc(p, first));
	if (numbered(first, "r", &n))
		return parse_reg_op(p, first, op);
	if (numbered(first, "P", &n)) {
		if (peek(p)->kind == TK_COLON || peek(p)->kind == TK_AT)
			return error_at(p, first->loc, c->init ?
					"one 'Pn:' prefix per statement" :
					"a 'Pn:' prefix is only allowed in init");
		return want(p, TK_ASSIGN, NULL) || parse_fork(p, c, first, op) ? -1 : 0;
	}
	if (is_region_name(first) && peek(p)->kind == TK_ASSIGN) {
		take(p);
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
	if (!numbered(first, "P", &n) || peek(p)->kind == TK_ASSIGN)
		return 0;
	if (proc_ref(p, first, &n))
		return -1;
	if (n != 0 && !p->made_in_init[n])
		return error_at(p, first->loc, "P%d does not exist yet (no earlier 'P%d = fork()' in init)",
				n, n);
	if (peek(p)->kind == TK_AT && cpu_ref(p, &cpu))
		return -1;
	if (want(p, TK_COLON, NULL))
		return -1;
	c->proc = n;
	c->cpu = cpu;
	*first = take(p);
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
		return error_at(p, start, "nothing can follow exit() in %s", c->who);
	if (c->init && p->init_exit[c->proc])
		return error_at(p, start, "P%d has exited (exit() at line %d)",
				c->proc, p->init_exit_loc[c->proc].line);
	return 0;
}

static int parse_stmt(struct parser *p, struct opctx *c)
{
	struct tok first = take(p);
	struct fl_loc start = first.loc;
	struct fl_lit_op *op;

	if (*c->nops >= FL_LIT_MAX_OPS)
		return error_at(p, start, "too many operations in %s (FL_LIT_MAX_OPS = %d)",
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
		skip_seps(p);
		t = peek(p);
		if (t->kind == TK_RBRACE) {
			take(p);
			return 0;
		}
		if (t->kind == TK_EOF)
			return error_at(p, t->loc, "missing '}': the block opened at line %d is not closed",
					open.line);
		if (parse_stmt(p, c))
			return -1;
		t = peek(p);
		if (t->kind != TK_NL && t->kind != TK_SEMI && t->kind != TK_RBRACE &&
		    t->kind != TK_EOF)	/* the loop reports the missing '}' */
			return error_at(p, t->loc, "unexpected %s after the operation: a new line, ';' or '}' must follow",
					tok_desc(p, t));
	}
}

/* --- items ---------------------------------------------------------------- */

static int parse_init(struct parser *p, const struct tok *kw)
{
	struct opctx c = { .who = "init", .init = true, .regs = &p->init_regs };
	struct tok open;

	if (p->have_init)
		return error_at(p, kw->loc, "a second init block (the first is at line %d)",
				p->init_loc.line);
	p->have_init = true;
	p->init_loc = kw->loc;
	c.ops = p->sc->init;
	c.nops = &p->sc->ninit;
	if (want(p, TK_LBRACE, &open))
		return -1;
	return parse_block(p, &c, open.loc);
}

static int find_thread(const struct parser *p, int id)
{
	for (int i = 0; i < p->sc->nthreads; i++)
		if (p->sc->threads[i].id == id)
			return i;
	return -1;
}

/* 'T'n 'P'm '@cpu'k '{' ... '}' */
static int parse_thread(struct parser *p, const struct tok *name)
{
	struct fl_scenario *sc = p->sc;
	struct fl_lit_thread *th;
	struct opctx c = { .init = false };
	struct tok pt, open;
	int id, i;

	numbered(name, "T", &id);
	if (id >= FL_LIT_MAX_THREADS)
		return error_at(p, name->loc, "thread %.*s out of range (T0..T%d, FL_LIT_MAX_THREADS = %d)",
				clip(name->len), name->s, FL_LIT_MAX_THREADS - 1, FL_LIT_MAX_THREADS);
	i = find_thread(p, id);
	if (i >= 0)
		return error_at(p, name->loc, "T%d is defined twice (first at line %d)",
				id, sc->threads[i].loc.line);
	if (sc->nthreads >= FL_LIT_MAX_THREADS)	/* ids are unique and bounded, but be sure */
		return error_at(p, name->loc, "too many threads (FL_LIT_MAX_THREADS = %d)",
				FL_LIT_MAX_THREADS);
	i = sc->nthreads;
	th = &sc->threads[i];
	th->id = id;
	th->loc = name->loc;
	pt = take(p);
	if (proc_ref(p, &pt, &th->proc) || cpu_ref(p, &th->cpu) || want(p, TK_LBRACE, &open))
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

/*
 * One word of an expect line, read raw (names hold '-' and '.').  Returns
 * 1 with a word, 0 at the end of the statement, -1 on error.
 */
static int raw_word(struct parser *p, char *buf, int size, struct fl_loc *loc)
{
	size_t start;
	int c, len;

	while (is_blank(cur(p)))
		adv(p);
	*loc = here(p);
	if (at_stmt_end(p))
		return 0;
	start = p->pos;
	while ((c = cur(p)) > 0x20 && c < 0x7f && !at_word_end(p))
		adv(p);
	len = (int)(p->pos - start);
	if (!at_word_end(p))	/* a control or non-ASCII byte */
		return bad_char(p);
	if (len >= size)
		return error_at(p, *loc, "'%.*s' is too long", clip(len), p->src + start);
	memcpy(buf, p->src + start, (size_t)len);
	buf[len] = '\0';
	return 1;
}

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
	return error_at(p, loc, "unknown kernel '%s' (presets: %s)", w, names);
}

static int unknown_switch(struct parser *p, const char *w, struct fl_loc loc)
{
	char names[512] = "";

	for (int i = 0; i < FL_SW__COUNT; i++)
		list_add(names, sizeof(names), fl_switch_desc((enum fl_switch)i)->name);
	return error_at(p, loc, "unknown switch '%s' (switches: %s)", w, names);
}

static int unknown_value(struct parser *p, int sw, const char *v, struct fl_loc loc)
{
	const struct fl_switch_desc *d = fl_switch_desc((enum fl_switch)sw);
	char names[512] = "";

	for (int i = 0; i < d->nvalues; i++)
		list_add(names, sizeof(names), d->values[i].name);
	return error_at(p, loc, "switch %s has no value '%s' (values: %s)", d->name, v, names);
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
			return error_at(p, loc, "switch %s is set twice", w);
	if (e->nsets >= FL_LIT_MAX_SETS)
		return error_at(p, loc, "too many switch settings (FL_LIT_MAX_SETS = %d)",
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
			return error_at(p, loc, "property '%s' is listed twice", w);
		e->props |= 1u << prop;
		return 0;
	}
	for (int i = 0; i < FL_PROP__COUNT; i++)
		list_add(names, sizeof(names), fl_prop_name((enum fl_prop)i));
	return error_at(p, loc, "unknown property '%s' (properties: %s)", w, names);
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

	while ((rc = raw_word(p, w, sizeof(w), &loc)) > 0) {
		if (strchr(w, '=')) {
			if (ok || e->props)
				return error_at(p, loc, "switch settings come before 'ok' or the properties");
			if (expect_set(p, e, w, loc))
				return -1;
		} else if (strcmp(w, "ok") == 0) {
			if (ok || e->props)
				return error_at(p, loc, "'ok' stands alone: it means no property is violated");
			ok = true;
		} else {
			if (ok)
				return error_at(p, loc, "'ok' stands alone: it means no property is violated");
			if (expect_prop(p, e, w, loc))
				return -1;
		}
	}
	if (rc < 0)
		return -1;
	if (!ok && !e->props)
		return error_at(p, loc, "expected 'ok' or the violated properties");
	return 0;
}

static int parse_expect(struct parser *p, const struct tok *kw)
{
	struct fl_scenario *sc = p->sc;
	struct fl_lit_expect *e;
	struct fl_loc loc;
	char w[64];
	int rc;

	if (sc->nexpect >= FL_LIT_MAX_EXPECT)
		return error_at(p, kw->loc, "too many expect lines (FL_LIT_MAX_EXPECT = %d)",
				FL_LIT_MAX_EXPECT);
	e = &sc->expect[sc->nexpect];
	e->loc = kw->loc;
	rc = raw_word(p, w, sizeof(w), &loc);
	if (rc == 0)
		return error_at(p, loc, "expected a kernel name after 'expect'");
	if (rc < 0 || expect_kernel(p, e, w, loc) || expect_words(p, e))
		return -1;
	for (int i = 0; i < sc->nexpect; i++)
		if (same_kernel_line(&sc->expect[i], e))
			return error_at(p, kw->loc, "this expect line repeats the kernel and switches of line %d",
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
		if (tok_is(t, pm[i].name))
			return pm[i].bit;
	return 0;
}

/* value := INT | segv | pmflag ('|' pmflag)* */
static int parse_value(struct parser *p, uint64_t *v)
{
	struct tok t = take(p);
	uint64_t bit;

	if (t.kind == TK_INT) {
		*v = t.num;
		return 0;
	}
	if (tok_is(&t, "segv")) {
		*v = FL_VAL_SEGV;
		return 0;
	}
	for (*v = 0;; t = take(p)) {
		bit = pm_flag(&t);
		if (!bit)
			return error_at(p, t.loc, "expected a number, segv or pagemap flags (present swapped soft_dirty exclusive uffd_wp file), got %s",
					tok_desc(p, &t));
		*v |= bit;
		if (peek(p)->kind != TK_PIPE)
			return 0;
		take(p);
	}
}

/* assert Tn:rK (==|!=) value, or init:rK */
static int parse_assert(struct parser *p, const struct tok *kw)
{
	struct fl_scenario *sc = p->sc;
	struct fl_lit_assert *a;
	struct tok t, r, cmp;
	int i = sc->nassert, tid = -1;

	if (i >= FL_LIT_MAX_ASSERT)
		return error_at(p, kw->loc, "too many asserts (FL_LIT_MAX_ASSERT = %d)",
				FL_LIT_MAX_ASSERT);
	a = &sc->asserts[i];
	a->loc = kw->loc;
	t = take(p);
	if (!tok_is(&t, "init") && !numbered(&t, "T", &tid))
		return error_at(p, t.loc, "expected Tn:rK or init:rK, got %s", tok_desc(p, &t));
	if (tid >= FL_LIT_MAX_THREADS)
		return error_at(p, t.loc, "thread %.*s out of range (T0..T%d, FL_LIT_MAX_THREADS = %d)",
				clip(t.len), t.s, FL_LIT_MAX_THREADS - 1, FL_LIT_MAX_THREADS);
	if (want(p, TK_COLON, NULL))
		return -1;
	r = take(p);
	if (reg_ref(p, &r, &a->reg.reg))
		return -1;
	cmp = take(p);
	if (cmp.kind != TK_EQ && cmp.kind != TK_NE)
		return error_at(p, cmp.loc, "expected '==' or '!=', got %s", tok_desc(p, &cmp));
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

static int parse_bound(struct parser *p, const struct tok *kw)
{
	struct tok t = take(p), n;

	if (!tok_is(&t, "preemptions"))
		return error_at(p, t.loc, "expected 'preemptions' after 'bound', got %s",
				tok_desc(p, &t));
	if (p->have_bound)
		return error_at(p, kw->loc, "a second bound line (the first is at line %d)",
				p->bound_loc.line);
	if (want(p, TK_INT, &n))
		return -1;
	if (n.num > INT_MAX)
		return error_at(p, n.loc, "number out of range");
	p->have_bound = true;
	p->bound_loc = kw->loc;
	p->sc->preemptions = (int)n.num;
	return 0;
}

static int parse_item(struct parser *p)
{
	struct tok t = take(p);

	if (tok_is(&t, "init"))
		return parse_init(p, &t);
	if (numbered(&t, "T", &(int){ 0 }))
		return parse_thread(p, &t);
	if (tok_is(&t, "expect"))
		return parse_expect(p, &t);
	if (tok_is(&t, "assert"))
		return parse_assert(p, &t);
	if (tok_is(&t, "bound"))
		return parse_bound(p, &t);
	if (tok_is(&t, "mm"))
		return error_at(p, t.loc, "a second mm line");
	if (t.kind == TK_STRING)
		return error_at(p, t.loc, "a description must come right after the mm line");
	return error_at(p, t.loc, "unknown statement %s (expected init, Tn, expect, assert or bound)",
			tok_desc(p, &t));
}

/* --- the header ----------------------------------------------------------- */

static bool is_name_char(int c)
{
	return is_alnum(c) || c == '-' || c == '.' || c == '+';
}

/* The NAME after `mm`, read raw: it may hold '-', '.' and '+'. */
static int header_name(struct parser *p, const struct tok *kw)
{
	struct fl_scenario *sc = p->sc;
	struct fl_loc loc;
	size_t start;
	bool spaced = is_blank(cur(p));
	int len;

	while (is_blank(cur(p)))
		adv(p);
	loc = here(p);
	start = p->pos;
	while (is_name_char(cur(p)))
		adv(p);
	len = (int)(p->pos - start);
	if (len == 0 && at_stmt_end(p))
		return error_at(p, loc, "expected a test name after 'mm'");
	if (!spaced)
		return error_at(p, kw->loc, "expected 'mm NAME' as the first line");
	if (!at_word_end(p)) {
		char d[16];

		char_desc(cur(p), d, sizeof(d));
		return error_at(p, here(p), "unexpected %s in the test name (letters, digits and - _ . + only)",
				d);
	}
	if (len >= (int)sizeof(sc->name))
		return error_at(p, loc, "test name too long (%d characters, max %d)",
				len, (int)sizeof(sc->name) - 1);
	memcpy(sc->name, p->src + start, (size_t)len);
	sc->name[len] = '\0';
	return 0;
}

static int parse_header(struct parser *p)
{
	struct tok t;

	skip_seps(p);
	t = take(p);
	if (!tok_is(&t, "mm"))
		return error_at(p, (struct fl_loc){ 1, 1 }, "expected 'mm NAME' as the first line");
	if (header_name(p, &t) || end_statement(p))
		return -1;
	skip_seps(p);
	if (peek(p)->kind != TK_STRING)
		return 0;
	t = take(p);
	memcpy(p->sc->desc, t.s, (size_t)t.len);
	p->sc->desc[t.len] = '\0';
	return end_statement(p);
}

/* --- whole-file checks ---------------------------------------------------- */

/* Each thread's process must be forked somewhere, and must not exit in init. */
static int check_threads(struct parser *p)
{
	for (int i = 0; i < p->sc->nthreads; i++) {
		const struct fl_lit_thread *th = &p->sc->threads[i];

		if (th->proc != 0 && !p->made[th->proc])
			return error_at(p, p->thread_ploc[i], "P%d is never created (no 'P%d = fork()' in the file)",
					th->proc, th->proc);
		if (p->init_exit[th->proc])
			return error_at(p, p->thread_ploc[i], "T%d runs in P%d, which exits in init (line %d)",
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
					return error_at(p, th->ops[k].loc,
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
			idx = find_thread(p, tid);
			if (idx < 0)
				return error_at(p, p->assert_tloc[i], "no thread T%d", tid);
			regs = p->thread_regs[idx];
		}
		if (!(regs & (1u << a->reg.reg))) {
			char who[16] = "init";

			if (tid >= 0)
				snprintf(who, sizeof(who), "T%d", tid);
			return error_at(p, p->assert_rloc[i], "%s never sets r%d", who, a->reg.reg);
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
		skip_seps(p);
		if (peek(p)->kind == TK_EOF)
			break;
		if (parse_item(p) || end_statement(p))
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
		return error_at(&p, (struct fl_loc){ 1, 1 }, "larger than 1 MiB, not a litmus test");
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
