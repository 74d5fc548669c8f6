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

void fl_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
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
