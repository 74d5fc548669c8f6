/* SPDX-License-Identifier: MIT */
/*
 * cli/test.c - `faultline test PATH...`: every expectation of every
 * .litmus file under PATH, as a table of test x kernel -> verdict.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"


static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect .litmus files under @path (recursively), sorted for a stable table. */
int fl_cli_collect(const char *path, char **out, int *n)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int first = *n;

	if (stat(path, &st)) {
		fprintf(stderr, "faultline: %s: cannot open\n", path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (*n == FL_CLI_MAX_FILES)
			return -1;
		out[(*n)++] = strdup(path);
		return 0;
	}
	d = opendir(path);
	if (!d) {
		fprintf(stderr, "faultline: %s: cannot open\n", path);
		return -1;
	}
	while ((de = readdir(d))) {
		char sub[1024];
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (stat(sub, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (fl_cli_collect(sub, out, n)) {
				closedir(d);
				return -1;
			}
		} else if (len > 7 && !strcmp(de->d_name + len - 7, ".litmus")) {
			if (*n == FL_CLI_MAX_FILES) {
				closedir(d);
				return -1;
			}
			out[(*n)++] = strdup(sub);
		}
	}
	closedir(d);
	qsort(out + first, (size_t)(*n - first), sizeof(char *), cmp_str);
	return 0;
}

int fl_cmd_test(int argc, char **argv)
{
	static struct fl_scenario sc;
	static char *files[FL_CLI_MAX_FILES];
	const char *paths[32];
	struct fl_cli_opts o;
	int npaths, nfiles = 0, passed = 0, failed = 0, bad = 0;

	if (fl_cli_parse_opts(argc, argv, 2, &o, paths, &npaths, 32) || npaths == 0 || o.kernel) {
		fprintf(stderr, "usage: faultline test PATH... [--preemptions N] [--max-executions N]\n");
		return FL_EXIT_USAGE;
	}
	for (int i = 0; i < npaths; i++)
		if (fl_cli_collect(paths[i], files, &nfiles))
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
