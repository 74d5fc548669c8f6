/* SPDX-License-Identifier: MIT */
/*
 * litmus/lex.c - the litmus lexer: characters, tokens, and the raw words of
 * the `mm` name and `expect` lines (see parse_int.h and parse.c's rules).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "litmus/parse_int.h"

static const char *const tk_names[] = {
	[TK_EOF] = "end of file", [TK_NL] = "end of line", [TK_SEMI] = "';'",
	[TK_IDENT] = "a name", [TK_INT] = "a number", [TK_STRING] = "a string",
	[TK_LBRACE] = "'{'", [TK_RBRACE] = "'}'", [TK_LPAREN] = "'('",
	[TK_RPAREN] = "')'", [TK_COMMA] = "','", [TK_COLON] = "':'",
	[TK_AT] = "'@'", [TK_PLUS] = "'+'", [TK_PIPE] = "'|'", [TK_ASSIGN] = "'='",
	[TK_EQ] = "'=='", [TK_NE] = "'!='", [TK_ERROR] = "an error",
};

/* Long names in messages are cut here, so one message fits a line. */
int lit_clip(int len)
{
	return len > 40 ? 40 : len;
}

int lit_error_at(struct parser *p, struct fl_loc loc, const char *fmt, ...)
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
	return lit_error_at(p, here(p), "unexpected %s", d);
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
		lit_error_at(p, t->loc, "bad number '%.*s'", lit_clip(t->len), t->s);
		t->kind = TK_ERROR;
	} else if (rc == -2) {
		lit_error_at(p, t->loc, "number out of range");
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
			lit_error_at(p, t->loc, "unterminated description: the closing '\"' must be on the same line");
			return;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			lit_error_at(p, here(p), "unexpected byte 0x%02x in the description", c);
			return;
		}
		adv(p);
	}
	t->len = (int)(p->src + p->pos - t->s);
	adv(p);
	if (t->len >= (int)sizeof(p->sc->desc)) {
		lit_error_at(p, t->loc, "description too long (%d characters, max %d)",
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

struct tok *lit_peek(struct parser *p)
{
	if (!p->have_tok) {
		lex(p, &p->tok);
		p->have_tok = true;
	}
	return &p->tok;
}

struct tok lit_take(struct parser *p)
{
	struct tok t = *lit_peek(p);

	p->have_tok = false;
	return t;
}

/* "'name'" for names and numbers, the token class otherwise. */
const char *lit_tok_desc(struct parser *p, const struct tok *t)
{
	if (t->kind == TK_STRING)	/* shown as what starts it: "unexpected '\"'" */
		return "'\"'";
	if (t->kind == TK_IDENT || t->kind == TK_INT)
		snprintf(p->descbuf, sizeof(p->descbuf), "'%.*s'", lit_clip(t->len), t->s);
	else
		snprintf(p->descbuf, sizeof(p->descbuf), "%s", tk_names[t->kind]);
	return p->descbuf;
}

bool lit_tok_is(const struct tok *t, const char *word)
{
	size_t n = strlen(word);

	return t->kind == TK_IDENT && (size_t)t->len == n && memcmp(t->s, word, n) == 0;
}

int lit_want(struct parser *p, enum tk kind, struct tok *out)
{
	struct tok t = lit_take(p);

	if (t.kind != kind)
		return lit_error_at(p, t.loc, "expected %s, got %s", tk_names[kind], lit_tok_desc(p, &t));
	if (out)
		*out = t;
	return 0;
}

/*
 * @t is @prefix followed by decimal digits (P2, T0, r7, cpu3)?  The number
 * saturates at a million, which is out of range for every kind, so "P99999999999"
 * is reported as out of range rather than wrapping.
 */
bool lit_numbered(const struct tok *t, const char *prefix, int *n)
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
bool lit_is_region_name(const struct tok *t)
{
	int n;

	return t->kind == TK_IDENT && is_upper((unsigned char)t->s[0]) &&
	       !lit_numbered(t, "P", &n) && !lit_numbered(t, "T", &n);
}

void lit_skip_seps(struct parser *p)
{
	while (lit_peek(p)->kind == TK_NL || lit_peek(p)->kind == TK_SEMI)
		lit_take(p);
}

/* A top-level statement ends at a newline, ';' or the end of the file. */
int lit_end_statement(struct parser *p)
{
	struct tok *t = lit_peek(p);

	if (t->kind == TK_EOF)
		return 0;
	if (t->kind == TK_NL || t->kind == TK_SEMI) {
		lit_take(p);
		return 0;
	}
	return lit_error_at(p, t->loc, "unexpected %s: a new line or ';' must end the statement",
			lit_tok_desc(p, t));
}

/*
 * One word of an expect line, read raw (names hold '-' and '.').  Returns
 * 1 with a word, 0 at the end of the statement, -1 on error.
 */
int lit_raw_word(struct parser *p, char *buf, int size, struct fl_loc *loc)
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
		return lit_error_at(p, *loc, "'%.*s' is too long", lit_clip(len), p->src + start);
	memcpy(buf, p->src + start, (size_t)len);
	buf[len] = '\0';
	return 1;
}

static bool is_name_char(int c)
{
	return is_alnum(c) || c == '-' || c == '.' || c == '+';
}

/* The NAME after `mm`, read raw: it may hold '-', '.' and '+'. */
int lit_header_name(struct parser *p, const struct tok *kw)
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
		return lit_error_at(p, loc, "expected a test name after 'mm'");
	if (!spaced)
		return lit_error_at(p, kw->loc, "expected 'mm NAME' as the first line");
	if (!at_word_end(p)) {
		char d[16];

		char_desc(cur(p), d, sizeof(d));
		return lit_error_at(p, here(p), "unexpected %s in the test name (letters, digits and - _ . + only)",
				d);
	}
	if (len >= (int)sizeof(sc->name))
		return lit_error_at(p, loc, "test name too long (%d characters, max %d)",
				len, (int)sizeof(sc->name) - 1);
	memcpy(sc->name, p->src + start, (size_t)len);
	sc->name[len] = '\0';
	return 0;
}
