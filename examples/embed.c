/* SPDX-License-Identifier: MIT */
/*
 * examples/embed.c - the faultline model inside another test program.
 *
 * Parse a litmus test, take a kernel preset (and optionally one switch
 * override), explore every interleaving within the preemption bound, and
 * print the properties violated with a schedule that replays each one.
 * Built against an installed faultline through pkg-config:
 *
 *   cc examples/embed.c $(pkg-config --cflags --libs faultline) -o embed
 *   ./embed litmus/seed000/clear-refs-cow-race.litmus v5.10 clear_refs_flush=flush_mm
 *
 * Exit status: 0 nothing violated by a complete search, 1 a violation or an
 * incomplete search, 2 bad input.
 */
#include <stdio.h>
#include <string.h>

#include <check/props.h>
#include <explore/explore.h>
#include <litmus/ast.h>
#include <litmus/interp.h>
#include <policy/policy.h>

int main(int argc, char **argv)
{
	static struct fl_scenario sc;	/* large: not on the stack */
	static struct fl_explore_result res;
	struct fl_explore_opts eo = { .strategy = FL_STRAT_DPOR, .max_executions = 2000000 };
	struct fl_policy pol;
	struct fl_program prog;
	char err[512];
	int preset;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s FILE.litmus KERNEL [SWITCH=VALUE]\n", argv[0]);
		return 2;
	}
	if (fl_parse_file(argv[1], &sc, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	preset = fl_preset_find(argv[2]);
	if (preset < 0) {
		fprintf(stderr, "unknown kernel preset '%s'\n", argv[2]);
		return 2;
	}
	pol = fl_preset_at(preset)->pol;
	if (argc == 4 && fl_policy_set(&pol, argv[3], err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	eo.preemptions = sc.preemptions >= 0 ? sc.preemptions : 2;
	if (fl_interp_prepare(&sc, &pol, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	prog = fl_interp_program();
	fl_explore(&prog, &eo, &res);
	if (res.error[0]) {
		fprintf(stderr, "%s: %s\n", argv[1], res.error);
		return 2;
	}
	printf("%s under %s%s%s: %llu executions, %s\n", sc.name, argv[2], argc == 4 ? "+" : "", argc == 4 ? argv[3] : "",
	       (unsigned long long)res.executions, res.complete ? "complete" : "INCOMPLETE");
	for (int p = 0; p < FL_PROP__COUNT; p++)
		if (res.found & (1u << p))
			printf("  %s  schedule %s\n", fl_prop_name((enum fl_prop)p), res.cex[p].schedule);
	if (!res.found)
		printf("  no property violated\n");
	return res.found || !res.complete ? 1 : 0;
}
