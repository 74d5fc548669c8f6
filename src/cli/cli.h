/* SPDX-License-Identifier: MIT */
/* cli/cli.h - shared by the faultline subcommands. */
#ifndef FL_CLI_CLI_H
#define FL_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "explore/explore.h"
#include "litmus/ast.h"
#include "policy/policy.h"

#define FL_DEFAULT_PREEMPTIONS	2
#define FL_MAX_PREEMPTIONS	1000	/* --preemptions: beyond any execution's length anyway */
#define FL_DEFAULT_MAX_EXEC	2000000
#define FL_DEFAULT_MAX_EXEC_RANDOM 10000

/*
 * Exit statuses.  When a command has several results (test, conform) the
 * worst decides: USAGE (an error) over FAIL over OK.
 */
#define FL_EXIT_OK	0	/* as expected, from complete searches */
#define FL_EXIT_FAIL	1	/* a violation, an expectation mismatch, or an incomplete search */
#define FL_EXIT_USAGE	2	/* bad input, usage, or an error while exploring */

struct fl_cli_opts {
	const char *kernel;		/* --kernel, or NULL: every expect line */
	char sets[16][96];		/* --set SWITCH=VALUE */
	int nsets;
	int preemptions;		/* -2: not given (use the file's bound or the default) */
	enum fl_strategy strategy;
	uint64_t seed;
	uint64_t max_executions;
	const char *schedule;		/* replay */
	bool json;
	bool markdown;
	int runs;			/* conform: host runs per threaded test (0 = default) */
	int timeout_ms;			/* conform: time limit per host run (0 = default) */
	bool quiet;			/* no live status line */
	const char *junit;		/* test: a JUnit XML report to this file */
	bool tap;			/* test: TAP on stdout */
	const char *html;		/* run, replay: the trace as an HTML page */
};

/*
 * The verdict of one search, against the expected property set (0 with
 * --kernel: nothing should be violated).  One function for run and test
 * so that they never disagree.  A property found that is not expected is
 * a definite mismatch even if the search stopped early; anything else
 * from an incomplete search is INCOMPLETE, never a pass, because a
 * missing property could still be found and an extra one could still
 * turn up.
 */
enum fl_verdict {
	FL_VERDICT_PASS,
	FL_VERDICT_MISMATCH,
	FL_VERDICT_INCOMPLETE,
};

/* One configuration to explore: a preset plus overrides. */
struct fl_config {
	int preset;
	struct fl_policy pol;
	char name[160];			/* "v5.10" or "v5.10+cow_reuse=mapcount" */
	char note[256];			/* --kernel host: how the preset was chosen */
};

/* cli/options.c */
/*
 * Parse the options of the command argv[1]: each command accepts only the
 * options it uses, and -h/--help prints its help and exits 0.  The other
 * arguments (files, paths) go to *files (as many as were given; the array
 * lives until exit).  Returns 0, or -1 after printing why and how to get
 * help (the caller exits FL_EXIT_USAGE).
 */
int fl_cli_parse(int argc, char **argv, struct fl_cli_opts *o, const char ***files, int *nfiles);
/* Print the help of @cmd to @f; returns false for an unknown command. */
bool fl_cli_help(FILE *f, const char *cmd);

/* cli/common.c */
void fl_cli_list_presets(FILE *f);
int fl_cli_load(const char *path, struct fl_scenario *sc);	/* 0, or prints the error and returns FL_EXIT_USAGE */
int fl_cli_load_err(const char *path, struct fl_scenario *sc, char *err, int errlen);
int fl_cli_config(const struct fl_cli_opts *o, const char *kernel, const struct fl_lit_expect *e, struct fl_config *cfg);
int fl_cli_bound(const struct fl_cli_opts *o, const struct fl_scenario *sc);
uint64_t fl_cli_max_exec(const struct fl_cli_opts *o);	/* --max-executions or the strategy's default */
/* Explore one configuration; returns FL_EXIT_USAGE on bad input (message printed). */
int fl_cli_explore(const struct fl_scenario *sc, const struct fl_config *cfg, const struct fl_cli_opts *o,
		   struct fl_explore_result *res);
/* The same with the message in @err instead of on stderr. */
int fl_cli_explore_err(const struct fl_scenario *sc, const struct fl_config *cfg, const struct fl_cli_opts *o,
		       struct fl_explore_result *res, char *err, int errlen);
enum fl_verdict fl_cli_verdict(uint32_t expected, const struct fl_explore_result *res);
int fl_cli_verdict_exit(enum fl_verdict v);
/* "preemption bound 2": with the stop reason, what an incomplete search was held to. */
void fl_cli_bound_str(const struct fl_cli_opts *o, int bound, char *buf, int len);
void fl_cli_props_str(uint32_t props, char *buf, int len);
/* Print one counterexample (replayed with tracing): header, message, replay command, trace. */
int fl_cli_print_cex(FILE *f, const struct fl_scenario *sc, const struct fl_config *cfg, int prop,
		     const struct fl_cex *cex, const struct fl_explore_result *res);
void fl_cli_print_stats(FILE *f, const struct fl_explore_result *res, int bound, uint64_t max_exec);
/* The `faultline replay` command of one schedule, quoted for the shell. */
void fl_cli_replay_cmd(FILE *f, const struct fl_scenario *sc, const struct fl_config *cfg, const char *schedule);
/* --html: write the HTML view of one schedule; 0, or FL_EXIT_USAGE (message printed). */
int fl_cli_html(const char *path, const struct fl_scenario *sc, const struct fl_config *cfg, const char *schedule);
/* @s quoted for a POSIX shell when it needs to be ('' for the empty string). */
void fl_cli_shell_quote(FILE *f, const char *s);

/* cli/progress.c: the live status line on stderr (a terminal only, not with --quiet). */
struct fl_cli_progress {
	char label[256];
	double after;	/* seconds before the line is drawn */
	bool shown;
};
/* Fill @eo's progress hook for a search labelled @label, or leave it NULL. */
void fl_cli_progress_begin(struct fl_cli_progress *pg, const struct fl_cli_opts *o, const char *label,
			   struct fl_explore_opts *eo);
void fl_cli_progress_end(struct fl_cli_progress *pg);	/* erase the line if one was drawn */

int fl_cmd_run(int argc, char **argv);
int fl_cmd_replay(int argc, char **argv);
int fl_cmd_test(int argc, char **argv);
int fl_cmd_policies(int argc, char **argv);
int fl_cmd_bench(int argc, char **argv);
int fl_cmd_conform(int argc, char **argv);
int fl_cmd_gen(int argc, char **argv);
void fl_cli_gen_help(FILE *f);	/* cli/gen.c: `faultline gen --help` */

#endif
