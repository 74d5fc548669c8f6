/* SPDX-License-Identifier: MIT */
/* cli/run.c - `faultline run` and `faultline replay`. */
#include <string.h>

#include "check/check.h"
#include "cli/cli.h"
#include "litmus/interp.h"
#include "report/report.h"

static const char *const verdict_json[] = { "pass", "mismatch", "incomplete" };

/*
 * @e: the expect line checked, or NULL (--kernel: "verdict" is ok,
 * violation or incomplete).  "match" is true only for a pass: a search
 * that did not complete confirms nothing.
 */
static void json_result(FILE *f, const struct fl_scenario *sc, const struct fl_config *cfg,
			const struct fl_explore_result *res, int bound, const struct fl_lit_expect *e)
{
	static struct fl_log saved;
	enum fl_verdict v = fl_cli_verdict(e ? e->props : 0, res);
	bool first = true;

	fprintf(f, "{\"test\":");
	fl_json_str(f, sc->name);
	fprintf(f, ",\"file\":");
	fl_json_str(f, sc->file);
	fprintf(f, ",\"kernel\":");
	fl_json_str(f, cfg->name);
	fprintf(f, ",\"violations\":[");
	for (int p = 0; p < FL_PROP__COUNT; p++) {
		if (res->found & (1u << p)) {
			fprintf(f, "%s\"%s\"", first ? "" : ",", fl_prop_name(p));
			first = false;
		}
	}
	fprintf(f, "]");
	if (e) {
		char buf[256];

		fl_cli_props_str(e->props, buf, sizeof(buf));
		fprintf(f, ",\"expected\":");
		fl_json_str(f, buf);
		fprintf(f, ",\"match\":%s,\"verdict\":\"%s\"", v == FL_VERDICT_PASS ? "true" : "false",
			verdict_json[v]);
	} else {
		fprintf(f, ",\"verdict\":\"%s\"", v == FL_VERDICT_PASS ? "ok" : v == FL_VERDICT_MISMATCH ? "violation" :
			"incomplete");
	}
	fprintf(f, ",\"executions\":%llu,\"pruned\":%llu,\"deadlocked\":%llu,\"steps\":%llu,\"seconds\":%.6f,"
		"\"complete\":%s,\"bound\":{\"preemptions\":%d}",
		(unsigned long long)res->executions, (unsigned long long)res->pruned,
		(unsigned long long)res->deadlocked, (unsigned long long)res->steps, res->seconds,
		res->complete ? "true" : "false", bound);
	if (!res->complete) {
		fprintf(f, ",\"stop_reason\":");
		fl_json_str(f, res->stop_reason);
	}
	fprintf(f, ",\"counterexamples\":[");
	first = true;
	for (int p = 0; p < FL_PROP__COUNT; p++) {
		const struct fl_cex *c = &res->cex[p];
		struct fl_explore_opts eo = { .strategy = FL_STRAT_REPLAY, .schedule = c->schedule };
		struct fl_explore_result rr;
		struct fl_program prog;
		char err[512];

		if (!c->found)
			continue;
		fl_tracing = true;
		fl_log_reset();
		if (fl_interp_prepare(sc, &cfg->pol, err, sizeof(err)) == 0) {
			fl_log_reset();
			prog = fl_interp_program();
			fl_explore(&prog, &eo, &rr);
		}
		fl_tracing = false;
		saved = fl_log;
		fprintf(f, "%s{\"property\":\"%s\",\"message\":", first ? "" : ",", fl_prop_name(p));
		fl_json_str(f, fl_chk.first[p].msg);
		fprintf(f, ",\"step\":%u,\"preemptions\":%d,\"schedule\":\"%s\",\"seconds_to_find\":%.6f,\"trace\":",
			fl_chk.first[p].step, c->preemptions, c->schedule, c->seconds);
		fl_report_trace_json(f, sc, &saved);
		fprintf(f, "}");
		first = false;
	}
	fprintf(f, "]}");
}

/*
 * --html with --kernel: the first counterexample printed (the first
 * property in property order, as the text output prints them) as a page.
 * A search that found nothing has no execution to draw: that is said, and
 * no file is written.
 */
static int run_html(const struct fl_scenario *sc, const struct fl_config *cfg, const struct fl_cli_opts *o,
		    const struct fl_explore_result *res)
{
	for (int p = 0; p < FL_PROP__COUNT; p++)
		if ((res->found & (1u << p)) && res->cex[p].found)
			return fl_cli_html(o->html, sc, cfg, res->cex[p].schedule);
	fprintf(stderr, "faultline run: --html %s: no counterexample to draw (nothing violated); "
			"`faultline replay --html` draws any schedule\n", o->html);
	return 0;
}

/* --kernel given: every violated property with its trace.  Returns the exit status. */
static int run_one(const struct fl_scenario *sc, const struct fl_config *cfg, const struct fl_cli_opts *o)
{
	struct fl_explore_result res;
	int bound = fl_cli_bound(o, sc), rc;
	enum fl_verdict v;

	rc = fl_cli_explore(sc, cfg, o, &res);
	if (rc)
		return rc;
	if (o->html && (rc = run_html(sc, cfg, o, &res)))
		return rc;
	v = fl_cli_verdict(0, &res);
	if (o->json) {
		json_result(stdout, sc, cfg, &res, bound, NULL);
		printf("\n");
		return fl_cli_verdict_exit(v);
	}
	printf("%s  \"%s\"  (%s, kernel %s)\n", sc->name, sc->desc, sc->file, cfg->name);
	if (v == FL_VERDICT_PASS)
		printf("OK: no property violated\n");
	else if (v == FL_VERDICT_INCOMPLETE)
		printf("INCOMPLETE: no property violated in the executions explored, but the search did not "
		       "finish (%s)\n", res.stop_reason);
	for (int p = 0; p < FL_PROP__COUNT; p++)
		if (res.found & (1u << p))
			if (fl_cli_print_cex(stdout, sc, cfg, p, &res.cex[p], &res))
				return FL_EXIT_FAIL;
	fl_cli_print_stats(stdout, &res, bound, fl_cli_max_exec(o));
	return fl_cli_verdict_exit(v);
}

/* No --kernel: check every expect line, with the verdict `faultline test` gives. */
static int run_expectations(const struct fl_scenario *sc, const struct fl_cli_opts *o)
{
	static const char *const verdict_text[] = { "as expected", "MISMATCH", "INCOMPLETE" };
	int status = FL_EXIT_OK, bound = fl_cli_bound(o, sc);

	if (sc->nexpect == 0) {
		struct fl_config cfg;

		fprintf(stderr, "%s: no expect lines; checking the latest preset\n", sc->file);
		if (fl_cli_config(o, "latest", NULL, &cfg))
			return FL_EXIT_USAGE;
		return run_one(sc, &cfg, o);
	}
	if (o->json)
		printf("[");
	else
		printf("%s  \"%s\"  (%s)\n", sc->name, sc->desc, sc->file);
	for (int i = 0; i < sc->nexpect; i++) {
		const struct fl_lit_expect *e = &sc->expect[i];
		struct fl_explore_result res;
		struct fl_config cfg;
		char got[256], want[256], b[128];
		enum fl_verdict v;
		int rc;

		if ((rc = fl_cli_config(o, NULL, e, &cfg)) || (rc = fl_cli_explore(sc, &cfg, o, &res))) {
			if (o->json)
				printf("]\n");	/* keep the output valid JSON; the error is on stderr */
			return rc;
		}
		v = fl_cli_verdict(e->props, &res);
		if (v != FL_VERDICT_PASS)
			status = FL_EXIT_FAIL;
		if (o->json) {
			if (i)
				printf(",");
			json_result(stdout, sc, &cfg, &res, bound, e);
			continue;
		}
		fl_cli_props_str(res.found, got, sizeof(got));
		fl_cli_props_str(e->props, want, sizeof(want));
		printf("  %-34s %-36s %s  (%llu executions, %.3f s)\n", cfg.name, got, verdict_text[v],
		       (unsigned long long)res.executions, res.seconds);
		if (!res.complete) {
			fl_cli_bound_str(o, bound, b, sizeof(b));
			printf("    search INCOMPLETE: %s (%s)\n", res.stop_reason, b);
		}
		if (v != FL_VERDICT_PASS)
			printf("    %s:%d: expected %s\n", sc->file, e->loc.line, want);
		if (v == FL_VERDICT_MISMATCH)
			for (int p = 0; p < FL_PROP__COUNT; p++)
				if ((res.found & ~e->props) & (1u << p))
					fl_cli_print_cex(stdout, sc, &cfg, p, &res.cex[p], &res);
	}
	if (o->json)
		printf("]\n");
	return status;
}

int fl_cmd_run(int argc, char **argv)
{
	static struct fl_scenario sc;
	struct fl_cli_opts o;
	struct fl_config cfg;
	const char **files;
	int nfiles, rc;

	if (fl_cli_parse(argc, argv, &o, &files, &nfiles))
		return FL_EXIT_USAGE;
	if ((rc = fl_cli_load(files[0], &sc)))
		return rc;
	if (o.html && !o.kernel) {
		fprintf(stderr, "faultline run: --html needs --kernel (one configuration, one counterexample)\n"
				"(see faultline run --help)\n");
		return FL_EXIT_USAGE;
	}
	if (!o.kernel)
		return run_expectations(&sc, &o);
	if ((rc = fl_cli_config(&o, o.kernel, NULL, &cfg)))
		return rc;
	if (cfg.note[0])
		fprintf(stderr, "faultline: --kernel host: %s\n", cfg.note);
	return run_one(&sc, &cfg, &o);
}

int fl_cmd_replay(int argc, char **argv)
{
	static struct fl_scenario sc;
	struct fl_explore_result res;
	struct fl_cli_opts o;
	struct fl_config cfg;
	struct fl_cex cex = { .found = true };
	const char **files;
	int nfiles, rc;

	if (fl_cli_parse(argc, argv, &o, &files, &nfiles))
		return FL_EXIT_USAGE;
	if (!o.kernel || !o.schedule) {
		fprintf(stderr, "faultline replay: needs --kernel and --schedule (the `replay:` line of `faultline run` "
				"has both)\n(see faultline replay --help)\n");
		return FL_EXIT_USAGE;
	}
	if ((rc = fl_cli_load(files[0], &sc)) || (rc = fl_cli_config(&o, o.kernel, NULL, &cfg)))
		return rc;
	if ((rc = fl_cli_explore(&sc, &cfg, &o, &res)))
		return rc;
	if (o.html && (rc = fl_cli_html(o.html, &sc, &cfg, o.schedule)))
		return rc;
	if (o.json) {
		json_result(stdout, &sc, &cfg, &res, -1, NULL);
		printf("\n");
		return res.found ? FL_EXIT_FAIL : FL_EXIT_OK;
	}
	snprintf(cex.schedule, sizeof(cex.schedule), "%s", o.schedule);
	printf("%s  \"%s\"  (%s, kernel %s)\n", sc.name, sc.desc, sc.file, cfg.name);
	if (!res.found) {
		/* Print the trace anyway: that is what replay is for. */
		fl_cli_print_cex(stdout, &sc, &cfg, -1, &cex, &res);
		printf("OK: no property violated in this execution\n");
		return FL_EXIT_OK;
	}
	for (int p = 0; p < FL_PROP__COUNT; p++) {
		if (res.found & (1u << p)) {
			cex.preemptions = res.cex[p].preemptions;
			fl_cli_print_cex(stdout, &sc, &cfg, p, &cex, &res);
		}
	}
	return FL_EXIT_FAIL;
}
