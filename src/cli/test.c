/* SPDX-License-Identifier: MIT */
/*
 * cli/test.c - `faultline test PATH...`: every expectation of every
 * .litmus file under PATH, as a table of test x kernel -> verdict.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "litmus/corpus.h"


int fl_cmd_test(int argc, char **argv)
{
	static struct fl_scenario sc;
	static char *files[FL_LITMUS_MAX_FILES];
	const char *paths[32];
	struct fl_cli_opts o;
	int npaths, nfiles = 0, passed = 0, failed = 0, bad = 0;

	if (fl_cli_parse_opts(argc, argv, 2, &o, paths, &npaths, 32) || npaths == 0 || o.kernel) {
		fprintf(stderr, "usage: faultline test PATH... [--preemptions N] [--max-executions N]\n");
		return FL_EXIT_USAGE;
	}
	for (int i = 0; i < npaths; i++)
		if (fl_litmus_collect(paths[i], files, &nfiles))
			return FL_EXIT_USAGE;
	printf("%-44s %-30s %-34s %s\n", "test", "kernel", "verdict", "");
	for (int i = 0; i < nfiles; i++) {
		if (fl_cli_load(files[i], &sc)) {
			bad++;
			continue;
		}
		if (sc.nexpect == 0) {
			printf("%-44s %-30s %-34s %s\n", sc.name, "-", "-", "NO EXPECTATIONS");
			failed++;
			continue;
		}
		for (int e = 0; e < sc.nexpect; e++) {
			struct fl_explore_result res;
			struct fl_config cfg;
			char got[256], want[256];

			if (fl_cli_config(&o, NULL, &sc.expect[e], &cfg) || fl_cli_explore(&sc, &cfg, &o, &res)) {
				bad++;
				continue;
			}
			fl_cli_props_str(res.found, got, sizeof(got));
			fl_cli_props_str(sc.expect[e].props, want, sizeof(want));
			if (res.found == sc.expect[e].props && res.complete) {
				passed++;
				printf("%-44s %-30s %-34s ok\n", sc.name, cfg.name, got);
			} else {
				failed++;
				printf("%-44s %-30s %-34s MISMATCH: expected %s%s (%s:%d)\n", sc.name, cfg.name, got,
				       want, res.complete ? "" : ", search incomplete", sc.file, sc.expect[e].loc.line);
			}
		}
	}
	for (int i = 0; i < nfiles; i++)
		free(files[i]);
	if (bad)
		printf("%d file%s or expectation%s could not be run (see the errors above)\n", bad,
		       bad == 1 ? "" : "s", bad == 1 ? "" : "s");
	printf("%d passed, %d failed\n", passed, failed + bad);
	if (bad && !failed)
		return FL_EXIT_USAGE;
	return failed || bad ? FL_EXIT_FAIL : FL_EXIT_OK;
}
