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

#include "cli/cli.h"
#include "litmus/corpus.h"
#include "report/report.h"

enum row_kind { ROW_OK, ROW_MISMATCH, ROW_INCOMPLETE, ROW_ERROR, ROW_NO_EXPECT };

struct tally {
	int n[5];
	bool json_first;
};

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
		if (o->json) {
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
	if (o.json)
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
	if (o.json) {
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
