/* SPDX-License-Identifier: MIT */
/*
 * cli/conform.c - `faultline conform PATH...`: run each test on the real
 * kernel and on the model under the host's preset, and compare outcomes.
 *
 * A test agrees when every outcome the host showed is one the model
 * allows.  Tests without threads have one outcome and run once; threaded
 * tests run --runs times with real threads pinned to CPUs, and the report
 * says which outcomes were seen how often.  Exit status 1 on any
 * disagreement or backend error, 2 on bad input.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "conform/conform.h"
#include "host/host.h"
#include "litmus/corpus.h"
#include "report/report.h"

#define DEFAULT_RUNS		50
#define DEFAULT_TIMEOUT_MS	2000
#define MODEL_MAX_EXEC		200000

enum verdict { V_AGREE, V_DISAGREE, V_UNSUPPORTED, V_ERROR };
static const char *const verdict_name[] = { "agree", "DISAGREE", "unsupported", "ERROR" };

struct row {
	enum verdict v;
	char reason[768];		/* unsupported / error: why; disagree: what differs */
	int runs;
	struct fl_outcome_set host;
	struct fl_model_outcomes model;
	struct fl_outcome_mask mask;
};

static bool observes(const struct fl_outcome_mask *m)
{
	for (int s = 0; s < FL_OUT_SLOTS; s++)
		for (int r = 0; r < FL_LIT_MAX_REGS; r++)
			if (m->bits[s][r])
				return true;
	return false;
}

/* The model outcome nearest to @o, for the "what differs" column. */
static const struct fl_outcome *nearest(const struct fl_outcome_set *s, const struct fl_outcome *o,
					const struct fl_outcome_mask *m)
{
	const struct fl_outcome *best = NULL;
	int bd = 1 << 30;

	for (int i = 0; i < s->n; i++) {
		int d = fl_outcome_distance(o, &s->o[i], m);

		if (d < bd) {
			bd = d;
			best = &s->o[i];
		}
	}
	return best;
}

/* Returns FL_EXIT_USAGE on bad input, else 0 with the row filled. */
static int conform_one(const struct fl_scenario *sc, const struct fl_config *cfg, struct fl_host_caps *caps,
		       const struct fl_cli_opts *o, struct row *row)
{
	char err[512];
	int runs, blocked = 0;

	memset(row, 0, sizeof(*row));
	if (fl_host_unsupported(sc, caps, row->reason, sizeof(row->reason))) {
		row->v = V_UNSUPPORTED;
		return 0;
	}
	if (fl_scenario_uses(sc, FL_OP_MADV_PAGEOUT) && fl_host_swap_ensure(caps, err, sizeof(err))) {
		row->v = V_UNSUPPORTED;
		snprintf(row->reason, sizeof(row->reason), "madvise_pageout: %s", err);
		return 0;
	}
	fl_outcome_mask_init(sc, caps->soft_dirty, &row->mask);
	/*
	 * Unbounded first: a host may preempt any number of times.  If that
	 * does not finish, the file's bound (or --preemptions), and say so.
	 */
	for (int pass = 0; pass < 2; pass++) {
		int bound = pass ? fl_cli_bound(o, sc) : -1;

		if (pass && bound < 0)
			break;	/* --preemptions none: nothing smaller to fall back to */
		if (fl_conform_model(sc, &cfg->pol, &row->mask, o->max_executions ? o->max_executions : MODEL_MAX_EXEC,
				     &row->model, err, sizeof(err), bound)) {
			fprintf(stderr, "%s\n", err);
			return FL_EXIT_USAGE;
		}
		if (row->model.complete || row->model.set.overflow)
			break;
	}
	if (!row->model.complete || row->model.set.overflow) {
		row->v = V_UNSUPPORTED;
		if (row->model.set.overflow)
			snprintf(row->reason, sizeof(row->reason), "the model allows more than %d outcomes: too many to sample",
				 FL_OUTSET_MAX);
		else
			snprintf(row->reason, sizeof(row->reason), "the model's search did not finish (raise --max-executions)");
		return 0;
	}
	if (!observes(&row->mask)) {
		row->v = V_UNSUPPORTED;
		snprintf(row->reason, sizeof(row->reason), "the test writes no registers: nothing to observe");
		return 0;
	}
	runs = sc->nthreads ? (o->runs ? o->runs : DEFAULT_RUNS) : 1;
	for (row->runs = 0; row->runs < runs; row->runs++) {
		struct fl_outcome out;

		if (fl_host_run(sc, caps, o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT_MS, &out, err, sizeof(err))) {
			row->v = V_ERROR;
			snprintf(row->reason, sizeof(row->reason), "host backend: %s", err);
			return 0;
		}
		if (fl_outset_add(&row->host, &out, &row->mask) < 0)
			break;	/* more distinct host outcomes than we keep: the comparison below still fails */
		/* A blocked run costs the whole time limit: two show it is no accident. */
		if (out.blocked && ++blocked == 2)
			break;
	}
	row->v = V_AGREE;
	for (int i = 0; i < row->host.n; i++) {
		const struct fl_outcome *h = &row->host.o[i], *near;
		char d[400];

		if (fl_outset_find(&row->model.set, h, &row->mask) >= 0)
			continue;
		near = nearest(&row->model.set, h, &row->mask);
		if (near)
			fl_outcome_diff(sc, h, near, &row->mask, d, sizeof(d));
		else
			snprintf(d, sizeof(d), "the model has no outcome at all");
		row->v = V_DISAGREE;
		snprintf(row->reason, sizeof(row->reason), "host showed %s", d);
		break;
	}
	return 0;
}

static void print_set(FILE *f, const struct fl_scenario *sc, const char *who, const struct fl_outcome_set *s,
		      const struct fl_outcome_mask *m)
{
	for (int i = 0; i < s->n; i++) {
		char b[600];

		fl_outcome_fmt(sc, &s->o[i], m, b, sizeof(b));
		fprintf(f, "%14s %-6s %s", "", i ? "" : who, b);
		if (s->n > 1 || !strcmp(who, "host:"))
			fprintf(f, "  (x%u)", s->count[i]);
		fputc('\n', f);
	}
}

static void print_row_text(const struct fl_scenario *sc, const struct row *r)
{
	printf("%-12s  %s\n", verdict_name[r->v], sc->file);
	if (r->v == V_UNSUPPORTED || r->v == V_ERROR) {
		printf("%14s %s%s\n", "", r->v == V_UNSUPPORTED ? "skipped: " : "", r->reason);
		return;
	}
	print_set(stdout, sc, "host:", &r->host, &r->mask);
	print_set(stdout, sc, "model:", &r->model.set, &r->mask);
	if (r->model.bound >= 0)
		printf("%14s (the model's search is bounded at %d preemptions: the unbounded one did not finish)\n", "",
		       r->model.bound);
	if (r->v == V_DISAGREE)
		printf("%14s %s\n", "", r->reason);
}

static void json_set(const struct fl_scenario *sc, const struct fl_outcome_set *s, const struct fl_outcome_mask *m)
{
	printf("[");
	for (int i = 0; i < s->n; i++) {
		char b[600];

		fl_outcome_fmt(sc, &s->o[i], m, b, sizeof(b));
		printf("%s{\"outcome\": ", i ? ", " : "");
		fl_json_str(stdout, b);
		printf(", \"count\": %u}", s->count[i]);
	}
	printf("]");
}

static void print_row_json(const struct fl_scenario *sc, const struct row *r, bool first)
{
	printf("%s\n    {\"file\": ", first ? "" : ",");
	fl_json_str(stdout, sc->file);
	printf(", \"name\": ");
	fl_json_str(stdout, sc->name);
	printf(", \"verdict\": \"%s\"", r->v == V_DISAGREE ? "disagree" : r->v == V_ERROR ? "error" :
					   verdict_name[r->v]);
	if (r->reason[0]) {
		printf(", \"reason\": ");
		fl_json_str(stdout, r->reason);
	}
	if (r->v == V_AGREE || r->v == V_DISAGREE) {
		printf(", \"runs\": %d, \"host\": ", r->runs);
		json_set(sc, &r->host, &r->mask);
		printf(", \"model\": ");
		json_set(sc, &r->model.set, &r->mask);
		printf(", \"model_executions\": %llu, \"model_bound\": %d", (unsigned long long)r->model.executions,
		       r->model.bound);
	}
	printf("}");
}

static void usage(void)
{
	fprintf(stderr, "usage: faultline conform PATH... [--kernel host|V] [--runs N] [--timeout MS] "
			"[--max-executions N] [--json]\n");
}

int fl_cmd_conform(int argc, char **argv)
{
	static struct fl_scenario sc;
	static char *files[FL_LITMUS_MAX_FILES];
	static struct row row;
	const char **paths;
	struct fl_cli_opts o;
	struct fl_host_caps caps;
	struct fl_config cfg;
	int npaths, nfiles = 0, count[4] = { 0 }, status = FL_EXIT_OK;

	if (fl_cli_parse(argc, argv, &o, &paths, &npaths) || npaths == 0 || o.nsets) {
		usage();
		return FL_EXIT_USAGE;
	}
	for (int i = 0; i < npaths; i++)
		if (fl_litmus_collect(paths[i], files, &nfiles))
			return FL_EXIT_USAGE;
	if (fl_cli_config(&o, o.kernel ? o.kernel : "host", NULL, &cfg))
		return FL_EXIT_USAGE;
	fl_host_probe(&caps);
	if (caps.root)
		fl_host_swap_remove_stale();
	if (o.json) {
		printf("{\"host\": {\"release\": ");
		fl_json_str(stdout, caps.release);
		printf(", \"cpus\": %d, \"userfaultfd\": %s, \"uffd_wp\": %s, \"io_uring\": %s, \"soft_dirty\": %s},\n"
		       " \"model\": \"%s\", \"runs\": %d, \"timeout_ms\": %d,\n \"tests\": [",
		       caps.ncpus, caps.uffd ? "true" : "false", caps.uffd_wp ? "true" : "false",
		       caps.io_uring ? "true" : "false", caps.soft_dirty ? "true" : "false", cfg.name,
		       o.runs ? o.runs : DEFAULT_RUNS, o.timeout_ms ? o.timeout_ms : DEFAULT_TIMEOUT_MS);
	} else {
		printf("host: Linux %s, %d CPUs; userfaultfd %s, uffd-wp %s, io_uring %s, soft-dirty %s\n",
		       caps.release, caps.ncpus, caps.uffd ? "yes" : "no", caps.uffd_wp ? "yes" : "no",
		       caps.io_uring ? "yes" : "no",
		       caps.soft_dirty ? "yes" : "no (pagemap bit 55 is not compared)");
		printf("model: %s (%s), unbounded exploration; host: 1 run per sequential test, %d per threaded test, "
		       "%d ms limit per run\n\n",
		       cfg.name, cfg.note[0] ? cfg.note : "--kernel", o.runs ? o.runs : DEFAULT_RUNS,
		       o.timeout_ms ? o.timeout_ms : DEFAULT_TIMEOUT_MS);
	}
	for (int i = 0; i < nfiles; i++) {
		if (fl_cli_load(files[i], &sc) || conform_one(&sc, &cfg, &caps, &o, &row)) {
			status = FL_EXIT_USAGE;
			continue;
		}
		count[row.v]++;
		if (o.json)
			print_row_json(&sc, &row, i == 0);
		else
			print_row_text(&sc, &row);
		fflush(stdout);
	}
	if (o.json)
		printf("\n ],\n \"summary\": {\"agree\": %d, \"disagree\": %d, \"unsupported\": %d, \"error\": %d}}\n",
		       count[V_AGREE], count[V_DISAGREE], count[V_UNSUPPORTED], count[V_ERROR]);
	else
		printf("\nconform: %d agree, %d disagree, %d unsupported, %d errors (host %s vs model %s)\n",
		       count[V_AGREE], count[V_DISAGREE], count[V_UNSUPPORTED], count[V_ERROR], caps.release,
		       cfg.name);
	for (int i = 0; i < nfiles; i++)
		free(files[i]);
	fl_host_swap_cleanup();
	if (status == FL_EXIT_USAGE)
		return status;
	return count[V_DISAGREE] || count[V_ERROR] ? FL_EXIT_FAIL : FL_EXIT_OK;
}
