/* SPDX-License-Identifier: MIT */
/* report/report.c - text and JSON traces (see report.h). */
#include <string.h>

#include "report/report.h"

#define COL 46

static void thread_ops_str(const struct fl_scenario *sc, const struct fl_lit_thread *th, char *buf, int len)
{
	int o = 0;

	buf[0] = '\0';
	for (int i = 0; i < th->nops && o < len; i++) {
		char op[64];

		fl_op_str(sc, &th->ops[i], op, sizeof(op));
		o += snprintf(buf + o, (size_t)(len - o), "%s%s", i ? "; " : "", op);
	}
}

static void pad(FILE *f, int n)
{
	for (int i = 0; i < n; i++)
		fputc(' ', f);
}

void fl_report_trace_text(FILE *f, const struct fl_scenario *sc, const struct fl_log *init,
			  const struct fl_log *run)
{
	char head[COL + 64];

	if (init && init->n) {
		fprintf(f, " init\n");
		for (int i = 0; i < init->n; i++)
			fprintf(f, "       %s: %s\n", init->line[i].fn, init->line[i].text);
	}
	if (sc->nthreads == 0)
		return;
	fprintf(f, " step  ");
	for (int t = 0; t < sc->nthreads; t++) {
		char ops[128];
		int n;

		thread_ops_str(sc, &sc->threads[t], ops, sizeof(ops));
		n = snprintf(head, sizeof(head), "cpu%d T%d %s", sc->threads[t].cpu, sc->threads[t].id, ops);
		if (n > COL - 2)
			head[COL - 2] = '\0';
		fprintf(f, "%s", head);
		if (t + 1 < sc->nthreads)
			pad(f, COL - (int)strlen(head));
	}
	fprintf(f, "\n");
	for (int i = 0; i < run->n; i++) {
		const struct fl_log_line *l = &run->line[i];
		int col = l->tid >= 0 ? l->tid : 0;

		if (l->tid < 0)
			fprintf(f, "  end  ");	/* the oracles, after the last step */
		else
			fprintf(f, " %4u  ", l->step);
		pad(f, col * COL);
		fprintf(f, "%s: %s\n", l->fn, l->text);
	}
	if (run->overflow)
		fprintf(f, "       (trace truncated at %d lines)\n", FL_LOG_MAX);
}

/*
 * The length of the valid UTF-8 sequence at @s (1..4), or 0: a stray
 * continuation byte, an overlong form, a surrogate, or a cut-off sequence.
 */
int fl_utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	int n;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * A JSON string literal: quotes, backslashes and control characters
 * escaped; a byte that is not valid UTF-8 (a file name can hold any) is
 * U+FFFD, so that the output always parses.
 */
void fl_json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p) {
		unsigned char c = *p;
		int n;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else if ((n = fl_utf8_len(p)) == 0)
			fputs("\\ufffd", f);
		else {
			fwrite(p, 1, (size_t)n, f);
			p += n;
			continue;
		}
		p++;
	}
	fputc('"', f);
}

/*
 * Text for an XML attribute or element: the five entities escaped; the
 * control characters XML 1.0 forbids, and bytes that are not UTF-8, are
 * U+FFFD (tab and newline are kept, as character references in attributes).
 */
void fl_xml_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned char c = *p;
		int n;

		switch (c) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		case '\t': fputs("&#9;", f); break;
		case '\n': fputs("&#10;", f); break;
		default:
			if (c < 0x20 || (n = fl_utf8_len(p)) == 0) {
				fputs("\xef\xbf\xbd", f);
				break;
			}
			fwrite(p, 1, (size_t)n, f);
			p += n;
			continue;
		}
		p++;
	}
}

void fl_report_trace_json(FILE *f, const struct fl_scenario *sc, const struct fl_log *run)
{
	fputc('[', f);
	for (int i = 0; i < run->n; i++) {
		const struct fl_log_line *l = &run->line[i];

		fprintf(f, "%s{\"step\":%u,\"thread\":", i ? "," : "", l->step);
		if (l->tid >= 0)
			fprintf(f, "\"T%d\",\"cpu\":%d", sc->threads[l->tid].id, sc->threads[l->tid].cpu);
		else
			fprintf(f, "null,\"cpu\":null");
		fprintf(f, ",\"fn\":");
		fl_json_str(f, l->fn);
		fprintf(f, ",\"text\":");
		fl_json_str(f, l->text);
		fputc('}', f);
	}
	fputc(']', f);
}
