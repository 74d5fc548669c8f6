/* SPDX-License-Identifier: MIT */
/*
 * cli/main.c - `faultline run / replay / test / policies / bench / conform / gen`.
 * Exit status: 0 all as expected, 1 a violation, a mismatch or an
 * incomplete search, 2 bad input or an error (cli.h).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: faultline <command> [args]\n"
		"\n"
		"  run FILE [--kernel V] [--set SWITCH=VALUE]... [--preemptions N|none]\n"
		"           [--strategy exhaustive|dfs|random] [--seed S] [--max-executions N] [--json] [--html OUT]\n"
		"           [--quiet]\n"
		"      Explore FILE.  With --kernel, report every violated property with a minimal\n"
		"      trace; without, check every `expect` line of the file.\n"
		"  replay FILE --kernel V [--set SWITCH=VALUE]... --schedule S [--json] [--html OUT]\n"
		"      Print the trace of one execution.\n"
		"  test PATH... [--preemptions N|none] [--max-executions N] [--json|--tap] [--junit FILE] [--quiet]\n"
		"      Check the expectations of every .litmus file under PATH: a table of test x kernel.\n"
		"  policies [--markdown]\n"
		"      Every behaviour switch (commit, release, before -> after) and every kernel preset.\n"
		"  bench [PATH...] [--preemptions N|none] [--max-executions N] [--quiet]\n"
		"      Executions/s, steps/s and time to the first counterexample per file and kernel.\n"
		"  conform PATH... [--kernel host|V] [--set SWITCH=VALUE]... [--preemptions N|none]\n"
		"          [--max-executions N] [--runs N] [--timeout MS] [--json]\n"
		"      Run each test on the running kernel and on the model (--kernel host: the preset\n"
		"      closest to uname -r, with the host configuration it measures) and compare what\n"
		"      both let the registers see.\n"
		"  gen seq|conc [--count N] [--seed S] [--known FILE] [--out DIR] ...\n"
		"      Random tests: sequential ones held against the running kernel, concurrent ones\n"
		"      explored on the model; each failure minimised and classified (docs/conform.md).\n"
		"\n"
		"`faultline COMMAND --help` (or `faultline help COMMAND`) describes each command.\n"
		"\n"
		"exit status: 0 as expected, from complete searches; 1 a violation, an expectation\n"
		"mismatch or an incomplete search; 2 bad input, usage, or an error\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return FL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "run"))
		return fl_cmd_run(argc, argv);
	if (!strcmp(argv[1], "replay"))
		return fl_cmd_replay(argc, argv);
	if (!strcmp(argv[1], "test"))
		return fl_cmd_test(argc, argv);
	if (!strcmp(argv[1], "policies"))
		return fl_cmd_policies(argc, argv);
	if (!strcmp(argv[1], "bench"))
		return fl_cmd_bench(argc, argv);
	if (!strcmp(argv[1], "conform"))
		return fl_cmd_conform(argc, argv);
	if (!strcmp(argv[1], "gen"))
		return fl_cmd_gen(argc, argv);
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		if (argc > 2 && !strcmp(argv[1], "help")) {
			if (fl_cli_help(stdout, argv[2]))
				return FL_EXIT_OK;
			if (!strcmp(argv[2], "gen")) {
				fl_cli_gen_help(stdout);
				return FL_EXIT_OK;
			}
			fprintf(stderr, "faultline: unknown command '%s'\n", argv[2]);
			usage(stderr);
			return FL_EXIT_USAGE;
		}
		usage(stdout);
		return FL_EXIT_OK;
	}
	fprintf(stderr, "faultline: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return FL_EXIT_USAGE;
}
