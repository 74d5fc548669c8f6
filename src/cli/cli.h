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
#define FL_DEFAULT_MAX_EXEC	2000000

/* Exit statuses. */
#define FL_EXIT_OK	0
#define FL_EXIT_FAIL	1	/* a violation or an expectation mismatch */
#define FL_EXIT_USAGE	2	/* bad input or usage */

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
};

/* One configuration to explore: a preset plus overrides. */
struct fl_config {
	int preset;
	struct fl_policy pol;
	char name[160];			/* "v5.10" or "v5.10+cow_reuse=mapcount" */
	char note[256];			/* --kernel host: how the preset was chosen */
};

int fl_cli_parse_opts(int argc, char **argv, int first, struct fl_cli_opts *o, const char **files, int *nfiles, int maxfiles);
int fl_cli_load(const char *path, struct fl_scenario *sc);	/* 0, or prints the error and returns FL_EXIT_USAGE */
int fl_cli_config(const struct fl_cli_opts *o, const char *kernel, const struct fl_lit_expect *e, struct fl_config *cfg);
int fl_cli_bound(const struct fl_cli_opts *o, const struct fl_scenario *sc);
/* Explore one configuration; returns FL_EXIT_USAGE on bad input (message printed). */
int fl_cli_explore(const struct fl_scenario *sc, const struct fl_config *cfg, const struct fl_cli_opts *o,
		   struct fl_explore_result *res);
void fl_cli_props_str(uint32_t props, char *buf, int len);
/* Print one counterexample (replayed with tracing): header, message, replay command, trace. */
int fl_cli_print_cex(FILE *f, const struct fl_scenario *sc, const struct fl_config *cfg, int prop,
		     const struct fl_cex *cex, const struct fl_explore_result *res);
void fl_cli_print_stats(FILE *f, const struct fl_explore_result *res, int bound, uint64_t max_exec);

int fl_cmd_run(int argc, char **argv);
int fl_cmd_replay(int argc, char **argv);
int fl_cmd_test(int argc, char **argv);
int fl_cmd_policies(int argc, char **argv);
int fl_cmd_bench(int argc, char **argv);
int fl_cmd_conform(int argc, char **argv);
int fl_cmd_gen(int argc, char **argv);

#endif
