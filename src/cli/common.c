/* SPDX-License-Identifier: MIT */
/* cli/common.c - option parsing, configurations, exploring and printing one verdict. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "check/check.h"
#include "cli/cli.h"
#include "host/host.h"
#include "litmus/interp.h"
#include "report/report.h"

static int parse_u64(const char *flag, const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	if (!*s || *end || errno || s[0] == '-') {
		fprintf(stderr, "faultline: %s needs a non-negative number, got '%s'\n", flag, s);
		return -1;
	}
	return 0;
}

int fl_cli_parse_opts(int argc, char **argv, int first, struct fl_cli_opts *o, const char **files, int *nfiles,
		      int maxfiles)
{
	memset(o, 0, sizeof(*o));
	o->preemptions = -2;
	o->strategy = FL_STRAT_DPOR;
	*nfiles = 0;
	for (int i = first; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t n;

		if (a[0] != '-' || a[1] == '\0') {
			if (*nfiles == maxfiles) {
				fprintf(stderr, "faultline: too many files (at most %d)\n", maxfiles);
				return -1;
			}
			files[(*nfiles)++] = a;
			continue;
		}
		if (!strcmp(a, "--json")) {
			o->json = true;
			continue;
		}
		if (!strcmp(a, "--markdown")) {
			o->markdown = true;
			continue;
		}
		if (!v) {
			fprintf(stderr, "faultline: %s needs a value\n", a);
			return -1;
		}
		i++;
		if (!strcmp(a, "--kernel")) {
			o->kernel = v;
		} else if (!strcmp(a, "--set")) {
			if (o->nsets == 16 || strlen(v) >= sizeof(o->sets[0])) {
				fprintf(stderr, "faultline: too many or too long --set options\n");
				return -1;
			}
			strcpy(o->sets[o->nsets++], v);
		} else if (!strcmp(a, "--preemptions")) {
			if (!strcmp(v, "none") || !strcmp(v, "unbounded")) {
				o->preemptions = -1;
			} else {
				if (parse_u64(a, v, &n) || n > 1000)
					return -1;
				o->preemptions = (int)n;
			}
		} else if (!strcmp(a, "--strategy")) {
			if (!strcmp(v, "exhaustive") || !strcmp(v, "dpor"))
				o->strategy = FL_STRAT_DPOR;
			else if (!strcmp(v, "dfs"))
				o->strategy = FL_STRAT_DFS;
			else if (!strcmp(v, "random"))
				o->strategy = FL_STRAT_RANDOM;
			else {
				fprintf(stderr, "faultline: unknown strategy '%s' (exhaustive, dfs, random)\n", v);
				return -1;
			}
		} else if (!strcmp(a, "--seed")) {
			if (parse_u64(a, v, &o->seed))
				return -1;
		} else if (!strcmp(a, "--max-executions")) {
			if (parse_u64(a, v, &o->max_executions))
				return -1;
		} else if (!strcmp(a, "--schedule")) {
			o->schedule = v;
		} else if (!strcmp(a, "--runs")) {
			if (parse_u64(a, v, &n) || n < 1 || n > 100000) {
				fprintf(stderr, "faultline: --runs takes 1..100000\n");
				return -1;
			}
			o->runs = (int)n;
		} else if (!strcmp(a, "--timeout")) {
			if (parse_u64(a, v, &n) || n < 1 || n > 600000) {
				fprintf(stderr, "faultline: --timeout takes 1..600000 milliseconds\n");
				return -1;
			}
			o->timeout_ms = (int)n;
		} else {
			fprintf(stderr, "faultline: unknown option '%s'\n", a);
			return -1;
		}
	}
	return 0;
}

int fl_cli_load(const char *path, struct fl_scenario *sc)
{
	char err[512];

	if (fl_parse_file(path, sc, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return FL_EXIT_USAGE;
	}
	return 0;
}

static void list_presets(FILE *f)
{
	for (int i = 0; i < fl_preset_count(); i++)
		fprintf(f, "%s%s", i ? " " : "", fl_preset_at(i)->name);
}

/* The policy for @kernel (or the expect line @e) plus --set overrides. */
int fl_cli_config(const struct fl_cli_opts *o, const char *kernel, const struct fl_lit_expect *e,
		  struct fl_config *cfg)
{
	char err[256];

	cfg->preset = e ? e->preset : fl_preset_find(kernel);
	cfg->note[0] = '\0';
	if (!e && !strcmp(kernel, "host")) {
		struct utsname u;

		cfg->preset = uname(&u) ? -1 : fl_host_preset(u.release, cfg->note, sizeof(cfg->note));
		if (cfg->preset < 0) {
			fprintf(stderr, "faultline: --kernel host: %s\n", cfg->note);
			return FL_EXIT_USAGE;
		}
	}
	if (cfg->preset < 0) {
		fprintf(stderr, "faultline: unknown kernel '%s' (presets: ", kernel);
		list_presets(stderr);
		fprintf(stderr, ")\n");
		return FL_EXIT_USAGE;
	}
	cfg->pol = fl_preset_at(cfg->preset)->pol;
	if (!e && !strcmp(kernel, "host")) {
		/* Host-configuration switches take the values measured on this machine (host/probe.c). */
		struct fl_host_caps hc;

		memset(&hc, 0, sizeof(hc));
		fl_host_probe_measure(&hc);
		fl_host_apply(&hc, &cfg->pol, cfg->note, sizeof(cfg->note));
	}
	if (e)
		for (int i = 0; i < e->nsets; i++)
			cfg->pol.v[e->sets[i].sw] = (uint8_t)e->sets[i].value;
	for (int i = 0; i < o->nsets; i++) {
		if (fl_policy_set(&cfg->pol, o->sets[i], err, sizeof(err))) {
			fprintf(stderr, "faultline: --set %s: %s\n", o->sets[i], err);
			return FL_EXIT_USAGE;
		}
	}
	fl_policy_describe(&cfg->pol, cfg->preset, cfg->name, sizeof(cfg->name));
	return 0;
}

int fl_cli_bound(const struct fl_cli_opts *o, const struct fl_scenario *sc)
{
	if (o->preemptions != -2)
		return o->preemptions;
	if (sc->preemptions >= 0)
		return sc->preemptions;
	return FL_DEFAULT_PREEMPTIONS;
}

int fl_cli_explore(const struct fl_scenario *sc, const struct fl_config *cfg, const struct fl_cli_opts *o,
		   struct fl_explore_result *res)
{
	struct fl_explore_opts eo = {
		.strategy = o->schedule ? FL_STRAT_REPLAY : o->strategy,
		.preemptions = fl_cli_bound(o, sc),
		.max_executions = o->max_executions ? o->max_executions :
				  (o->strategy == FL_STRAT_RANDOM ? 10000 : FL_DEFAULT_MAX_EXEC),
		.seed = o->seed,
		.schedule = o->schedule,
	};
	struct fl_program prog;
	char err[512];

	if (fl_interp_prepare(sc, &cfg->pol, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return FL_EXIT_USAGE;
	}
	prog = fl_interp_program();
	fl_explore(&prog, &eo, res);
	if (res->error[0]) {
		fprintf(stderr, "%s: %s (kernel %s)\n", sc->file, res->error, cfg->name);
		return FL_EXIT_USAGE;
	}
	return 0;
}

void fl_cli_props_str(uint32_t props, char *buf, int len)
{
	int o = 0;

	buf[0] = '\0';
	if (!props) {
		snprintf(buf, (size_t)len, "ok");
		return;
	}
	for (int p = 0; p < FL_PROP__COUNT && o < len; p++)
		if (props & (1u << p))
			o += snprintf(buf + o, (size_t)(len - o), "%s%s", o ? " " : "", fl_prop_name(p));
}

void fl_cli_print_stats(FILE *f, const struct fl_explore_result *res, int bound, uint64_t max_exec)
{
	char b[32];

	if (bound < 0)
		snprintf(b, sizeof(b), "unbounded");
	else
		snprintf(b, sizeof(b), "%d", bound);
	fprintf(f, "explored: %llu executions (%llu deadlocked), %llu pruned, %llu steps, %.3f s; "
		"bound: preemptions %s, max-executions %llu; %s%s\n",
		(unsigned long long)res->executions, (unsigned long long)res->deadlocked,
		(unsigned long long)res->pruned, (unsigned long long)res->steps, res->seconds, b,
		(unsigned long long)max_exec, res->complete ? "complete within the bound" : "INCOMPLETE: ",
		res->complete ? "" : res->stop_reason);
}

/* Replay @cex with tracing on and print it; @prop < 0 prints the trace alone. */
int fl_cli_print_cex(FILE *f, const struct fl_scenario *sc, const struct fl_config *cfg, int prop,
		     const struct fl_cex *cex, const struct fl_explore_result *res)
{
	static struct fl_log init_log;
	struct fl_explore_opts eo = { .strategy = FL_STRAT_REPLAY, .schedule = cex->schedule };
	struct fl_explore_result rr;
	struct fl_program prog;
	char err[512];

	fl_tracing = true;
	fl_log_reset();
	if (fl_interp_prepare(sc, &cfg->pol, err, sizeof(err))) {
		fl_tracing = false;
		fprintf(stderr, "%s\n", err);
		return FL_EXIT_USAGE;
	}
	init_log = fl_log;
	fl_log_reset();
	prog = fl_interp_program();
	fl_explore(&prog, &eo, &rr);
	fl_tracing = false;
	if (prop >= 0) {
		const struct fl_violation *v = &fl_chk.first[prop];

		fprintf(f, "VIOLATION %s  (kernel %s; %llu executions, %.3f s; preemptions: %d)\n",
			fl_prop_name(prop), cfg->name, (unsigned long long)res->executions, res->seconds,
			cex->preemptions);
		if (rr.error[0]) {
			fprintf(f, "  internal error: the counterexample does not replay: %s\n", rr.error);
			return FL_EXIT_FAIL;
		}
		fprintf(f, "  %s\n", v->msg);
		if (v->tid >= 0)
			fprintf(f, "  at step %u, by T%d\n", v->step, sc->threads[v->tid].id);
		else if (v->step == 0)
			fprintf(f, "  found in the init block\n");
		else
			fprintf(f, "  found at the end of the execution (step %u)\n", v->step);
	} else if (rr.error[0]) {
		fprintf(stderr, "%s: %s\n", sc->file, rr.error);
		return FL_EXIT_USAGE;
	}
	fprintf(f, "replay: faultline replay %s --kernel %s", sc->file, fl_preset_at(cfg->preset)->name);
	for (int s = 0; s < FL_SW__COUNT; s++)
		if (cfg->pol.v[s] != fl_preset_at(cfg->preset)->pol.v[s])
			fprintf(f, " --set %s=%s", fl_switch_desc(s)->name,
				fl_switch_desc(s)->values[cfg->pol.v[s]].name);
	fprintf(f, " --schedule %s\n\n", cex->schedule);
	fl_report_trace_text(f, sc, &init_log, &fl_log);
	fprintf(f, "\n");
	return 0;
}
