/* SPDX-License-Identifier: MIT */
/*
 * cli/bench.c - `faultline bench`: figures, not timed tests.
 *
 * For every file and expect line: executions/s and scheduled steps/s of
 * the exhaustive search at the file's default bound, the time to the
 * first counterexample (where one exists), and whether the search was
 * complete.  Then memory flatness: the peak RSS after 1,000 and after
 * 100,000 executions of the headline scenario (random strategy).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cli/cli.h"
#include "litmus/corpus.h"
#include "litmus/interp.h"
#include "sim/ctx.h"

static long max_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void memory_flatness(const struct fl_scenario *sc, const struct fl_config *cfg)
{
	struct fl_explore_opts eo = { .strategy = FL_STRAT_RANDOM, .seed = 1 };
	struct fl_explore_result res;
	struct fl_program prog;
	char err[512];
	long before, after;

	if (fl_interp_prepare(sc, &cfg->pol, err, sizeof(err)))
		return;
	prog = fl_interp_program();
	eo.max_executions = 1000;
	fl_explore(&prog, &eo, &res);
	before = max_rss_kib();
	eo.max_executions = 100000;
	fl_explore(&prog, &eo, &res);
	after = max_rss_kib();
	printf("\nmemory: %s under %s: peak RSS %ld KiB after 1,000 executions, %ld KiB after 100,000 more "
	       "(%.0f executions/s, %.2f M steps/s, random strategy)\n",
	       sc->name, cfg->name, before, after, (double)res.executions / res.seconds,
	       (double)res.steps / res.seconds / 1e6);
}

int fl_cmd_bench(int argc, char **argv)
{
	static struct fl_scenario sc, headline;
	static char *files[FL_LITMUS_MAX_FILES];
	const char **paths;
	struct fl_cli_opts o;
	struct fl_config head_cfg;
	bool have_head = false;
	int npaths, nfiles = 0;

	if (fl_cli_parse(argc, argv, &o, &paths, &npaths))
		return FL_EXIT_USAGE;
	if (npaths == 0) {
		static const char *dflt[] = { "litmus" };

		paths = dflt;
		npaths = 1;
	}
	for (int i = 0; i < npaths; i++)
		if (fl_litmus_collect(paths[i], files, &nfiles))
			return FL_EXIT_USAGE;
	printf("context switch: %s\n", fl_ctx_backend());
	printf("%-40s %-26s %9s %11s %8s %11s %9s %s\n", "test", "kernel", "execs", "steps", "seconds",
	       "execs/s", "Msteps/s", "first counterexample");
	for (int i = 0; i < nfiles; i++) {
		if (fl_cli_load(files[i], &sc))
			continue;
		for (int e = 0; e < sc.nexpect; e++) {
			struct fl_explore_result res;
			struct fl_config cfg;
			double first = -1, all = -1;

			if (fl_cli_config(&o, NULL, &sc.expect[e], &cfg) || fl_cli_explore(&sc, &cfg, &o, &res))
				continue;
			for (int p = 0; p < FL_EXPLORE_MAX_PROPS; p++)
				if (res.cex[p].found) {
					if (first < 0 || res.cex[p].seconds < first)
						first = res.cex[p].seconds;
					if (res.cex[p].seconds > all)
						all = res.cex[p].seconds;
				}
			printf("%-40s %-26s %9llu %11llu %8.3f %11.0f %9.2f ", sc.name, cfg.name,
			       (unsigned long long)res.executions, (unsigned long long)res.steps, res.seconds,
			       (double)res.executions / (res.seconds > 0 ? res.seconds : 1e-9),
			       (double)res.steps / (res.seconds > 0 ? res.seconds : 1e-9) / 1e6);
			/* The first counterexample of any property, then the time by which every one had its own. */
			if (first >= 0)
				printf("%.2f ms (every property: %.2f ms)", first * 1e3, all * 1e3);
			else
				printf("none");
			printf("%s\n", res.complete ? "" : " (incomplete)");
			if (!have_head && !strcmp(sc.name, "clear-refs-cow-race") && !strcmp(cfg.name, "v5.10")) {
				headline = sc;
				head_cfg = cfg;
				have_head = true;
			}
		}
	}
	for (int i = 0; i < nfiles; i++)
		free(files[i]);
	if (have_head)
		memory_flatness(&headline, &head_cfg);
	return FL_EXIT_OK;
}
