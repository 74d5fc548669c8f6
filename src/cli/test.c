/* SPDX-License-Identifier: MIT */
/*
 * cli/test.c - `faultline test PATH...`: every expectation of every
 * .litmus file under PATH, as a table of test x kernel -> verdict.
 *
 * Each row is ok, MISMATCH, INCOMPLETE (fl_cli_verdict, the same as
 * `faultline run`) or ERROR: a file that does not parse, or whose
 * exploration fails, is one ERROR row with its message, and the other
 * files still run.  The exit status is the worst row's: an ERROR (2) over
 * a MISMATCH or INCOMPLETE (1) over ok (0).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "litmus/corpus.h"
#include "report/report.h"

enum row_kind { ROW_OK, ROW_MISMATCH, ROW_INCOMPLETE, ROW_ERROR, ROW_NO_EXPECT };

/* One row, kept for the JUnit report (written at the end). */
struct row {
	char *file, *name, *kernel, *msg;
	enum row_kind kind;
	double seconds;
};

struct tally {
	int n[5];
	bool json_first;
	int tap_n;		/* TAP: rows printed so far */
	struct row *rows;	/* --junit only */
	int nrows, cap;
};

static char *dup_str(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d) {
		fprintf(stderr, "faultline test: out of memory\n");
		exit(FL_EXIT_USAGE);
	}
	return d;
}

/* Keep a row for --junit; @msg says why it is not ok ("" for ok). */
static void keep(struct tally *t, const struct fl_cli_opts *o, const char *file, const char *name,
		 const char *kernel, enum row_kind k, const char *msg, double seconds)
{
	struct row *r;

	if (!o->junit)
		return;
	if (t->nrows == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->rows = realloc(t->rows, (size_t)t->cap * sizeof(*t->rows));
		if (!t->rows) {
			fprintf(stderr, "faultline test: out of memory\n");
			exit(FL_EXIT_USAGE);
		}
	}
	r = &t->rows[t->nrows++];
	*r = (struct row){ dup_str(file), dup_str(name), dup_str(kernel), dup_str(msg), k, seconds };
}

/*
 * A TAP description stays on its line and has no directive: a line break
 * is a space, '#' is escaped as TAP 13 says (a file name can hold both).
 */
static void tap_desc(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n' || *s == '\r')
			putchar(' ');
		else if (*s == '#' || *s == '\\')
			printf("\\%c", *s);
		else
			putchar(*s);
	}
}

/* TAP (kselftest style): "ok N test kernel", "not ok N ...", diagnostics as "# " lines. */
static void tap_row(struct tally *t, const char *name, const char *kernel, enum row_kind k, const char *msg)
{
	static const char *const what[] = { "ok", "MISMATCH", "INCOMPLETE", "ERROR", "NO EXPECTATIONS" };

	t->tap_n++;
	if (msg && msg[0]) {
		/* One "# " per line, so that a multi-line message (or file name) stays a comment. */
		char line[1536];

		snprintf(line, sizeof(line), "%s %s: %s: %s", name, kernel, what[k], msg);
		fputs("# ", stdout);
		for (const char *p = line; *p; p++) {
			putchar(*p);
			if (*p == '\n' && p[1])
				fputs("# ", stdout);
		}
		printf("\n");
	}
	printf("%s %d ", k == ROW_OK ? "ok" : "not ok", t->tap_n);
	tap_desc(name);
	putchar(' ');
	tap_desc(kernel);
	putchar('\n');
}

static const char *const row_json[] = { "ok", "mismatch", "incomplete", "error", "no-expectations" };

static void row_text(const char *name, const char *kernel, const char *got, const char *verdict)
{
	printf("%-44s %-30s %-34s %s\n", name, kernel, got, verdict);
}

static void row_json_begin(struct tally *t, const char *file, const char *name, const char *kernel,
			   enum row_kind k)
{
	printf("%s\n  {\"file\":", t->json_first ? "" : ",");
	t->json_first = false;
	fl_json_str(stdout, file);
	printf(",\"test\":");
	fl_json_str(stdout, name);
	printf(",\"kernel\":");
	fl_json_str(stdout, kernel);
	printf(",\"verdict\":\"%s\"", row_json[k]);
}

/* A file that could not be run at all, or one expect line that failed to explore. */
static void row_error(struct tally *t, const struct fl_cli_opts *o, const char *file, const char *name,
		      const char *kernel, const char *msg)
{
	t->n[ROW_ERROR]++;
	keep(t, o, file, name, kernel, ROW_ERROR, msg, 0);
	if (o->tap) {
		tap_row(t, name, kernel, ROW_ERROR, msg);
		return;
	}
	if (o->json) {
		row_json_begin(t, file, name, kernel, ROW_ERROR);
		printf(",\"message\":");
		fl_json_str(stdout, msg);
		printf("}");
		return;
	}
	row_text(name, kernel, "-", "ERROR");
	printf("    %s\n", msg);
}

static void test_file(struct tally *t, const struct fl_cli_opts *o, const char *path)
{
	static struct fl_scenario sc;
	char err[768];

	if (fl_cli_load_err(path, &sc, err, sizeof(err))) {
		row_error(t, o, path, path, "-", err);
		return;
	}
	if (sc.nexpect == 0) {
		t->n[ROW_NO_EXPECT]++;
		keep(t, o, sc.file, sc.name, "-", ROW_NO_EXPECT, "the file has no expect lines", 0);
		if (o->tap)
			tap_row(t, sc.name, "-", ROW_NO_EXPECT, "the file has no expect lines");
		else if (o->json) {
			row_json_begin(t, sc.file, sc.name, "-", ROW_NO_EXPECT);
			printf("}");
		} else {
			row_text(sc.name, "-", "-", "NO EXPECTATIONS");
		}
		return;
	}
	for (int e = 0; e < sc.nexpect; e++) {
		const struct fl_lit_expect *x = &sc.expect[e];
		struct fl_explore_result res;
		struct fl_config cfg;
		char got[256], want[256], b[128];
		enum row_kind k;

		/* The expect line was checked by the parser, so this cannot fail for a bad name. */
		if (fl_cli_config(o, NULL, x, &cfg)) {
			row_error(t, o, sc.file, sc.name, "-", "no configuration for this expect line");
			continue;
		}
		if (fl_cli_explore_err(&sc, &cfg, o, &res, err, sizeof(err))) {
			row_error(t, o, sc.file, sc.name, cfg.name, err);
			continue;
		}
		switch (fl_cli_verdict(x->props, &res)) {
		case FL_VERDICT_PASS:
			k = ROW_OK;
			break;
		case FL_VERDICT_MISMATCH:
			k = ROW_MISMATCH;
			break;
		default:
			k = ROW_INCOMPLETE;
			break;
		}
		t->n[k]++;
		fl_cli_props_str(res.found, got, sizeof(got));
		fl_cli_props_str(x->props, want, sizeof(want));
		fl_cli_bound_str(o, fl_cli_bound(o, &sc), b, sizeof(b));
		if (k == ROW_OK) {
			keep(t, o, sc.file, sc.name, cfg.name, k, "", res.seconds);
		} else {
			char msg[1024];
			int len = snprintf(msg, sizeof(msg), "found %s, expected %s (%s:%d)", got, want, sc.file,
					   x->loc.line);

			if (!res.complete && len > 0 && len < (int)sizeof(msg))
				snprintf(msg + len, sizeof(msg) - (size_t)len, "; search %s (%s)", res.stop_reason, b);
			keep(t, o, sc.file, sc.name, cfg.name, k, msg, res.seconds);
			if (o->tap) {
				tap_row(t, sc.name, cfg.name, k, msg);
				continue;
			}
		}
		if (o->tap) {
			tap_row(t, sc.name, cfg.name, k, NULL);
			continue;
		}
		if (o->json) {
			row_json_begin(t, sc.file, sc.name, cfg.name, k);
			printf(",\"found\":\"%s\",\"expected\":\"%s\",\"line\":%d,\"complete\":%s,\"executions\":%llu,"
			       "\"seconds\":%.6f", got, want, x->loc.line, res.complete ? "true" : "false",
			       (unsigned long long)res.executions, res.seconds);
			if (!res.complete) {
				printf(",\"stop_reason\":");
				fl_json_str(stdout, res.stop_reason);
			}
			printf("}");
			continue;
		}
		if (k == ROW_OK) {
			row_text(sc.name, cfg.name, got, "ok");
			continue;
		}
		printf("%-44s %-30s %-34s %s: expected %s (%s:%d)", sc.name, cfg.name, got,
		       k == ROW_MISMATCH ? "MISMATCH" : "INCOMPLETE", want, sc.file, x->loc.line);
		if (!res.complete)
			printf("; search %s (%s)", res.stop_reason, b);
		printf("\n");
	}
}

/* How many rows a file gives: one per expect line, or one (an error, no expectations). */
static int count_rows(const char *path)
{
	static struct fl_scenario sc;
	char err[768];

	if (fl_cli_load_err(path, &sc, err, sizeof(err)) || sc.nexpect == 0)
		return 1;
	return sc.nexpect;
}

/*
 * The JUnit XML report: one <testsuite> per .litmus file (its rows are
 * written together), one <testcase> per row: classname the file's path,
 * name "test [kernel]".  MISMATCH and INCOMPLETE are <failure>s, ERROR an
 * <error>; tests/junit/junit.xsd is the schema CI holds it to.
 */
static int write_junit(const char *path, const struct tally *t)
{
	char host[256] = "localhost", stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	FILE *f = fopen(path, "w");
	int id = 0;

	if (!f) {
		fprintf(stderr, "faultline test: --junit %s: cannot write it\n", path);
		return -1;
	}
	if (gethostname(host, sizeof(host) - 1) || !host[0])
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = '\0';
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
	for (int i = 0; i < t->nrows;) {
		int j = i, fails = 0, errors = 0;
		double secs = 0;

		while (j < t->nrows && !strcmp(t->rows[j].file, t->rows[i].file)) {
			fails += t->rows[j].kind == ROW_MISMATCH || t->rows[j].kind == ROW_INCOMPLETE ||
				 t->rows[j].kind == ROW_NO_EXPECT;
			errors += t->rows[j].kind == ROW_ERROR;
			secs += t->rows[j].seconds;
			j++;
		}
		fprintf(f, "  <testsuite package=\"faultline\" id=\"%d\" name=\"", id++);
		fl_xml_str(f, t->rows[i].file);
		fprintf(f, "\" timestamp=\"%s\" hostname=\"", stamp);
		fl_xml_str(f, host);
		fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" time=\"%.6f\">\n", j - i, fails, errors,
			secs);
		fprintf(f, "    <properties><property name=\"test\" value=\"");
		fl_xml_str(f, t->rows[i].name);
		fprintf(f, "\"/></properties>\n");
		for (int k = i; k < j; k++) {
			const struct row *r = &t->rows[k];

			fprintf(f, "    <testcase classname=\"");
			fl_xml_str(f, r->file);
			fprintf(f, "\" name=\"");
			fl_xml_str(f, r->name);
			fprintf(f, " [");
			fl_xml_str(f, r->kernel);
			fprintf(f, "]\" time=\"%.6f\"", r->seconds);
			if (r->kind == ROW_OK) {
				fprintf(f, "/>\n");
				continue;
			}
			fprintf(f, ">\n      <%s type=\"%s\" message=\"", r->kind == ROW_ERROR ? "error" : "failure",
				row_json[r->kind]);
			fl_xml_str(f, r->msg);
			fprintf(f, "\">");
			fl_xml_str(f, r->msg);
			fprintf(f, "</%s>\n    </testcase>\n", r->kind == ROW_ERROR ? "error" : "failure");
		}
		fprintf(f, "    <system-out/>\n    <system-err/>\n  </testsuite>\n");
		i = j;
	}
	fprintf(f, "</testsuites>\n");
	if (fclose(f)) {
		fprintf(stderr, "faultline test: --junit %s: write failed\n", path);
		return -1;
	}
	return 0;
}

int fl_cmd_test(int argc, char **argv)
{
	static char *files[FL_LITMUS_MAX_FILES];
	const char **paths;
	struct fl_cli_opts o;
	struct tally t = { .json_first = true };
	int npaths, nfiles = 0, failed;

	if (fl_cli_parse(argc, argv, &o, &paths, &npaths))
		return FL_EXIT_USAGE;
	for (int i = 0; i < npaths; i++) {
		int before = nfiles;

		if (fl_litmus_collect(paths[i], files, &nfiles))
			return FL_EXIT_USAGE;
		/* A typo in a directory name must not pass as "0 failed". */
		if (nfiles == before) {
			fprintf(stderr, "faultline test: %s: no .litmus files\n", paths[i]);
			return FL_EXIT_USAGE;
		}
	}
	if (o.tap) {
		int total = 0;

		for (int i = 0; i < nfiles; i++)
			total += count_rows(files[i]);
		printf("TAP version 13\n1..%d\n", total);
	} else if (o.json)
		printf("{\"rows\":[");
	else
		printf("%-44s %-30s %-34s %s\n", "test", "kernel", "found", "verdict");
	for (int i = 0; i < nfiles; i++) {
		test_file(&t, &o, files[i]);
		fflush(stdout);
	}
	for (int i = 0; i < nfiles; i++)
		free(files[i]);
	failed = t.n[ROW_MISMATCH] + t.n[ROW_INCOMPLETE] + t.n[ROW_NO_EXPECT];
	if (o.junit && write_junit(o.junit, &t))
		return FL_EXIT_USAGE;
	for (int i = 0; i < t.nrows; i++) {
		free(t.rows[i].file);
		free(t.rows[i].name);
		free(t.rows[i].kernel);
		free(t.rows[i].msg);
	}
	free(t.rows);
	if (o.tap) {
		printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:%d\n", t.n[ROW_OK], failed,
		       t.n[ROW_ERROR]);
	} else if (o.json) {
		printf("\n ],\n \"passed\":%d,\"mismatch\":%d,\"incomplete\":%d,\"no_expectations\":%d,\"errors\":%d}\n",
		       t.n[ROW_OK], t.n[ROW_MISMATCH], t.n[ROW_INCOMPLETE], t.n[ROW_NO_EXPECT], t.n[ROW_ERROR]);
	} else {
		printf("%d passed, %d failed (%d mismatch, %d incomplete, %d without expectations), %d error%s\n",
		       t.n[ROW_OK], failed, t.n[ROW_MISMATCH], t.n[ROW_INCOMPLETE], t.n[ROW_NO_EXPECT], t.n[ROW_ERROR],
		       t.n[ROW_ERROR] == 1 ? "" : "s");
	}
	if (t.n[ROW_ERROR])
		return FL_EXIT_USAGE;
	return failed ? FL_EXIT_FAIL : FL_EXIT_OK;
}
