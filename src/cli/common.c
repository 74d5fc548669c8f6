/* SPDX-License-Identifier: MIT */
/* cli/common.c - loading, configurations, exploring, the verdict, and printing one result. */
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "check/check.h"
#include "cli/cli.h"
#include "host/host.h"
#include "litmus/interp.h"
#include "report/html.h"
#include "report/report.h"

void fl_cli_list_presets(FILE *f)
{
	for (int i = 0; i < fl_preset_count(); i++)
		fprintf(f, "%s%s", i ? " " : "", fl_preset_at(i)->name);
}

int fl_cli_load_err(const char *path, struct fl_scenario *sc, char *err, int errlen)
{
	return fl_parse_file(path, sc, err, errlen) ? FL_EXIT_USAGE : 0;
}

int fl_cli_load(const char *path, struct fl_scenario *sc)
{
	char err[512];

	if (fl_cli_load_err(path, sc, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return FL_EXIT_USAGE;
	}
	return 0;
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
		fl_cli_list_presets(stderr);
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

uint64_t fl_cli_max_exec(const struct fl_cli_opts *o)
{
	if (o->max_executions)
		return o->max_executions;
	return o->strategy == FL_STRAT_RANDOM ? FL_DEFAULT_MAX_EXEC_RANDOM : FL_DEFAULT_MAX_EXEC;
}

int fl_cli_explore_err(const struct fl_scenario *sc, const struct fl_config *cfg, const struct fl_cli_opts *o,
		       struct fl_explore_result *res, char *err, int errlen)
{
	struct fl_explore_opts eo = {
		.strategy = o->schedule ? FL_STRAT_REPLAY : o->strategy,
		.preemptions = fl_cli_bound(o, sc),
		.max_executions = fl_cli_max_exec(o),
		.seed = o->seed,
		.schedule = o->schedule,
	};
	struct fl_cli_progress pg;
	struct fl_program prog;
	char label[256];

	if (fl_interp_prepare(sc, &cfg->pol, err, errlen))
		return FL_EXIT_USAGE;
	prog = fl_interp_program();
	snprintf(label, sizeof(label), "%s %s", sc->name, cfg->name);
	if (!o->schedule)
		fl_cli_progress_begin(&pg, o, label, &eo);
	fl_explore(&prog, &eo, res);
	if (!o->schedule)
		fl_cli_progress_end(&pg);
	if (res->error[0]) {
		snprintf(err, (size_t)errlen, "%s: %s (kernel %s)", sc->file, res->error, cfg->name);
		return FL_EXIT_USAGE;
	}
	return 0;
}

int fl_cli_explore(const struct fl_scenario *sc, const struct fl_config *cfg, const struct fl_cli_opts *o,
		   struct fl_explore_result *res)
{
	char err[768];
	int rc = fl_cli_explore_err(sc, cfg, o, res, err, sizeof(err));

	if (rc)
		fprintf(stderr, "%s\n", err);
	return rc;
}

enum fl_verdict fl_cli_verdict(uint32_t expected, const struct fl_explore_result *res)
{
	if (res->found & ~expected)
		return FL_VERDICT_MISMATCH;	/* found is found, however the search ended */
	if (!res->complete)
		return FL_VERDICT_INCOMPLETE;
	return res->found == expected ? FL_VERDICT_PASS : FL_VERDICT_MISMATCH;
}

int fl_cli_verdict_exit(enum fl_verdict v)
{
	return v == FL_VERDICT_PASS ? FL_EXIT_OK : FL_EXIT_FAIL;
}

void fl_cli_bound_str(const struct fl_cli_opts *o, int bound, char *buf, int len)
{
	if (o->strategy == FL_STRAT_RANDOM)
		snprintf(buf, (size_t)len, "random schedules, seed %llu", (unsigned long long)o->seed);
	else if (bound < 0)
		snprintf(buf, (size_t)len, "no preemption bound");
	else
		snprintf(buf, (size_t)len, "preemption bound %d", bound);
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

/* Characters a POSIX shell takes literally in a word. */
static bool shell_safe(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=.,:/@%", *s))
			return false;
	return true;
}

void fl_cli_shell_quote(FILE *f, const char *s)
{
	if (shell_safe(s)) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

void fl_cli_replay_cmd(FILE *f, const struct fl_scenario *sc, const struct fl_config *cfg, const char *schedule)
{
	/* Quoted so that it can be pasted whatever the file's name. */
	fprintf(f, "faultline replay ");
	fl_cli_shell_quote(f, sc->file);
	fprintf(f, " --kernel %s", fl_preset_at(cfg->preset)->name);
	for (int s = 0; s < FL_SW__COUNT; s++)
		if (cfg->pol.v[s] != fl_preset_at(cfg->preset)->pol.v[s])
			fprintf(f, " --set %s=%s", fl_switch_desc(s)->name,
				fl_switch_desc(s)->values[cfg->pol.v[s]].name);
	fprintf(f, " --schedule ");
	fl_cli_shell_quote(f, schedule);
}

int fl_cli_html(const char *path, const struct fl_scenario *sc, const struct fl_config *cfg, const char *schedule)
{
	char *cmd = NULL, err[1024];
	size_t len = 0;
	FILE *m = open_memstream(&cmd, &len);
	int rc;

	if (!m) {
		fprintf(stderr, "faultline: out of memory\n");
		return FL_EXIT_USAGE;
	}
	fl_cli_replay_cmd(m, sc, cfg, schedule);
	fclose(m);
	rc = fl_report_html(path, sc, &cfg->pol, cfg->name, schedule, cmd, err, sizeof(err));
	free(cmd);
	if (rc) {
		fprintf(stderr, "faultline: %s\n", err);
		return FL_EXIT_USAGE;
	}
	fprintf(stderr, "faultline: wrote %s\n", path);
	return 0;
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
	fprintf(f, "replay: ");
	fl_cli_replay_cmd(f, sc, cfg, cex->schedule);
	fprintf(f, "\n\n");
	fl_report_trace_text(f, sc, &init_log, &fl_log);
	fprintf(f, "\n");
	return 0;
}
