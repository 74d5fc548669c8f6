/* SPDX-License-Identifier: MIT */
/*
 * cli/gen.c - `faultline gen seq|conc|print|recheck`: random testing.
 *
 *   gen seq   random sequential files (conform/randgen.c), each held against
 *             the live kernel as `faultline conform` does; every disagreement
 *             or backend error is minimised by delta debugging (conform/ddmin.c)
 *             and classified by the known-open list (conform/known.c).
 *   gen conc  random concurrent scenarios, explored exhaustively (DPOR,
 *             complete within a preemption bound: 2 by default, as `run`; or
 *             --preemptions none) on the model under a preset; every violated property is
 *             minimised and classified; `stuck` is explained by definition (a
 *             userfault nobody resolves).
 *   gen print writes one generated file to stdout.
 *   gen recheck runs minimal files written earlier again (sequential ones
 *             against the host, threaded ones on the model, both under
 *             --kernel, default host) and classifies them by today's list.
 *
 * A separate command rather than a `conform --random` option: conform takes
 * paths and checks files; this one makes its own inputs, shrinks them and
 * classifies the result, with options of its own (--count, --seed, --ops,
 * --out, --known).  The comparison is conform's: the same outcome masks
 * (litmus/outcome.c), model search (conform/model.c) and host backend.
 *
 * Exit status: 0 when everything is agreed or explained (and every
 * concurrent search complete), 1 otherwise, 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check/props.h"
#include "cli/cli.h"
#include "conform/conform.h"
#include "conform/ddmin.h"
#include "conform/known.h"
#include "conform/randgen.h"
#include "host/host.h"
#include "litmus/corpus.h"
#include "litmus/interp.h"

#define TEXT_MAX	8192
#define SEQ_TIMEOUT_MS	500	/* a sequential run that blocks waits on a userfault nobody can resolve */
#define MODEL_MAX_EXEC	200000
#define CONC_MAX_EXEC	1000000	/* the largest of seed 1's first 1,000 needs 331,883 */
#define DD_MAX_TESTS	400

struct gopts {
	bool conc;
	uint64_t count, seed, max_exec, start;	/* files start .. start + count - 1 */
	uint64_t ops;
	const char *out, *known_path, *kernel;
	int timeout_ms;
	int preemptions;	/* conc: the bound, -1 = unbounded */
	bool no_min, verbose;
	bool min_unexplained;	/* seq: minimise only what the diff-only entries do not explain */
};

struct genv {
	struct gopts o;
	struct fl_config cfg;
	struct fl_host_caps caps;
	struct fl_known_list known;
	struct fl_known_list known_diff_only;	/* the entries that look at nothing but the difference */
	uint32_t facts;
};

/* ---- host facts ---- */

/*
 * Does a read fault on fresh private anonymous memory map the shared zero
 * page?  pagemap tells: the zero page is never PM_MMAP_EXCLUSIVE (it is no
 * normal page), a freshly allocated one is.  Hosts booted with
 * pvm_no_zero_page=1 (this one) allocate.
 */
static uint32_t probe_facts(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	volatile char *p = mmap(NULL, (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t e = 0;
	uint32_t f = 0;
	int fd;

	if (p == MAP_FAILED)
		return 0;
	(void)p[0];
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && pread(fd, &e, 8, (off_t)((uintptr_t)p / (uintptr_t)pg * 8)) == 8 &&
	    (e & FL_PM_PRESENT) && (e & FL_PM_MMAP_EXCLUSIVE))
		f |= FL_FACT_NO_ZERO_PAGE;
	if (fd >= 0)
		close(fd);
	munmap((void *)p, (size_t)pg);
	return f;
}

/* ---- the sequential check ---- */

enum sverdict { S_AGREE, S_DISAGREE, S_UNSUPPORTED, S_REJECT, S_ERROR, S__COUNT };
static const char *const sverdict_name[] = { "agree", "DISAGREE", "unsupported", "rejected", "ERROR" };

#define MAX_DIFFS 16

struct sres {
	enum sverdict v;
	int block_kind;		/* the init op the model blocked in, or -1 */
	char msg[600];
	struct fl_outcome host;
	struct fl_model_outcomes model;
	struct fl_outcome_mask mask;
	bool model_blocked;
	int ndiff;
	struct fl_known_diff diff[MAX_DIFFS];
};

/* The op that sets register @r of init (slot 0) or thread slot-1 last in program order. */
static int setter_kind(const struct fl_scenario *sc, int slot, int r)
{
	const struct fl_lit_op *ops = slot ? sc->threads[slot - 1].ops : sc->init;
	int n = slot ? sc->threads[slot - 1].nops : sc->ninit, kind = -1;

	for (int i = 0; i < n; i++)
		if (ops[i].reg == r)
			kind = (int)ops[i].kind;
	return kind;
}

static void diffs(const struct fl_scenario *sc, struct sres *s, const struct fl_outcome *m, bool model_blocked)
{
	const struct fl_outcome *h = &s->host;

	s->ndiff = 0;
	if (h->blocked != model_blocked) {
		/* One blocked side: the registers after the block are its consequence, not more differences. */
		s->diff[s->ndiff++] = (struct fl_known_diff){ .slot = -1, .kind = model_blocked ? s->block_kind : -1,
							      .host_blocked = h->blocked, .model_blocked = model_blocked };
		return;
	}
	for (int sl = 0; sl < FL_OUT_SLOTS; sl++)
		for (int r = 0; r < FL_LIT_MAX_REGS; r++) {
			uint64_t mk = s->mask.bits[sl][r];

			if (!mk || s->ndiff == MAX_DIFFS)
				continue;
			if (h->set[sl][r] == m->set[sl][r] && (!h->set[sl][r] || !((h->reg[sl][r] ^ m->reg[sl][r]) & mk)))
				continue;
			s->diff[s->ndiff++] = (struct fl_known_diff){
				.slot = sl, .reg = r, .kind = setter_kind(sc, sl, r),
				.host = h->reg[sl][r] & mk, .model = m->reg[sl][r] & mk,
				.host_set = h->set[sl][r], .model_set = m->set[sl][r],
			};
		}
}

/* The kind of the init op at the "file:line:col: the init block blocks" location, or -1. */
static int blocked_op(const struct fl_scenario *sc, const char *err)
{
	const char *p = strstr(err, ": the init block blocks");
	int line, col;

	/* Walk back over ":col" and ":line" from the message. */
	for (int colons = 0; p && p > err && colons < 2;) {
		p--;
		if (*p == ':')
			colons++;
	}
	if (!p || sscanf(p, ":%d:%d:", &line, &col) != 2)
		return -1;
	for (int i = 0; i < sc->ninit; i++)
		if (sc->init[i].loc.line == line && sc->init[i].loc.col == col)
			return (int)sc->init[i].kind;
	return -1;
}

/* Hold @sc against the host.  Returns 0, or -1 when the model refused it as bad input (printed in s->msg). */
static int seq_check(struct genv *g, const struct fl_scenario *sc, struct sres *s, bool host_if_model_blocks)
{
	char err[512];
	int best = -1, bd = 1 << 30;

	memset(s, 0, sizeof(*s));
	s->block_kind = -1;
	if (fl_host_unsupported(sc, &g->caps, s->msg, sizeof(s->msg))) {
		s->v = S_UNSUPPORTED;
		return 0;
	}
	if (fl_scenario_uses(sc, FL_OP_MADV_PAGEOUT) && fl_host_swap_ensure(&g->caps, err, sizeof(err))) {
		s->v = S_UNSUPPORTED;
		snprintf(s->msg, sizeof(s->msg), "madvise_pageout: %s", err);
		return 0;
	}
	fl_outcome_mask_init(sc, g->caps.soft_dirty, &s->mask);
	if (fl_conform_model(sc, &g->cfg.pol, &s->mask, MODEL_MAX_EXEC, &s->model, err, sizeof(err), -1)) {
		/* A userfault in init: nobody can resolve it, so the model's run blocks. */
		if (!strstr(err, "the init block blocks")) {
			snprintf(s->msg, sizeof(s->msg), "model: %s", err);
			return -1;
		}
		s->model_blocked = true;
		s->block_kind = blocked_op(sc, err);
		/* Shrinking a failure the model did not block on: skip the host's whole time limit. */
		if (!host_if_model_blocks) {
			s->v = S_REJECT;
			return 0;
		}
	}
	if (fl_host_run(sc, &g->caps, g->o.timeout_ms, &s->host, err, sizeof(err))) {
		s->v = S_ERROR;
		snprintf(s->msg, sizeof(s->msg), "host backend: %s", err);
		return 0;
	}
	if (s->model_blocked) {
		s->v = s->host.blocked ? S_REJECT : S_DISAGREE;
		if (s->v == S_DISAGREE)
			diffs(sc, s, &s->host, true);
		return 0;
	}
	if (fl_outset_find(&s->model.set, &s->host, &s->mask) >= 0) {
		s->v = S_AGREE;
		return 0;
	}
	s->v = S_DISAGREE;
	for (int i = 0; i < s->model.set.n; i++) {
		int d = fl_outcome_distance(&s->host, &s->model.set.o[i], &s->mask);

		if (d < bd) {
			bd = d;
			best = i;
		}
	}
	if (best < 0) {
		snprintf(s->msg, sizeof(s->msg), "the model has no outcome");
		return 0;
	}
	diffs(sc, s, &s->model.set.o[best], s->model.set.o[best].blocked);
	fl_outcome_diff(sc, &s->host, &s->model.set.o[best], &s->mask, s->msg, sizeof(s->msg));
	return 0;
}

/* The error text without its "line N: " and file parts, so that shrinking keeps the same failure. */
static const char *error_core(const char *msg)
{
	const char *p = strstr(msg, "line "), *q;

	if (!p)
		return msg;
	q = p + 5;
	while (*q >= '0' && *q <= '9')
		q++;
	return *q == ':' ? q + 1 : msg;
}

struct seq_pred {
	struct genv *g;
	struct sres orig;
	struct fl_scenario sc;
	struct sres cur;
	int calls;
};

static bool same_diff(const struct fl_known_diff *a, const struct fl_known_diff *b)
{
	if (a->slot < 0 || b->slot < 0)
		return a->slot < 0 && b->slot < 0 && a->host_blocked == b->host_blocked;
	return a->kind == b->kind && a->host == b->host && a->model == b->model && a->host_set == b->host_set &&
	       a->model_set == b->model_set;
}

/* Does the candidate still fail in the same way: the same backend error, or a difference the original had? */
static bool seq_still_fails(const char *text, void *ctx)
{
	struct seq_pred *p = ctx;
	char err[512];

	p->calls++;
	if (fl_parse_string("candidate", text, &p->sc, err, sizeof(err)))
		return false;
	if (seq_check(p->g, &p->sc, &p->cur, p->orig.model_blocked) || p->cur.v != p->orig.v)
		return false;
	if (p->cur.v == S_ERROR)
		return !strcmp(error_core(p->cur.msg), error_core(p->orig.msg));
	/*
	 * Every original difference must survive: keeping only the one a known
	 * entry explains would hide a new bug behind it.
	 */
	for (int j = 0; j < p->orig.ndiff; j++) {
		bool kept = false;

		for (int i = 0; i < p->cur.ndiff && !kept; i++)
			kept = same_diff(&p->cur.diff[i], &p->orig.diff[j]);
		if (!kept)
			return false;
	}
	return p->orig.ndiff > 0;
}

/* Which entries explain every difference (or the error); NULL with *why set when one is unexplained. */
static const struct fl_known *seq_explain(struct genv *g, const struct fl_known_list *l, const struct fl_scenario *sc,
					 const struct sres *s)
{
	const struct fl_known *k = NULL;

	if (s->v == S_ERROR)
		return fl_known_match_error(l, sc, g->facts, s->msg);
	for (int i = 0; i < s->ndiff; i++) {
		const struct fl_known *e = fl_known_match_diff(l, sc, g->facts, &s->diff[i]);

		if (!e)
			return NULL;
		if (!k)
			k = e;
	}
	return k;
}

static void write_file(const char *dir, const char *name, const char *head, const char *text)
{
	char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "we");
	if (!f) {
		fprintf(stderr, "faultline gen: %s: %s\n", path, strerror(errno));
		return;
	}
	fputs(head, f);
	fputs(text, f);
	fclose(f);
}

static int count_ops(const struct fl_scenario *sc)
{
	int n = sc->ninit;

	for (int t = 0; t < sc->nthreads; t++)
		n += sc->threads[t].nops;
	return n;
}

static void describe(const struct fl_scenario *sc, const struct sres *s, const struct genv *g, char *buf, int len)
{
	char h[600], m[600];

	/* Long outcomes are cut: the file itself says the rest. */

	fl_outcome_fmt(sc, &s->host, &s->mask, h, sizeof(h));
	if (s->model_blocked)
		snprintf(m, sizeof(m), "blocked in init");
	else if (s->model.set.n)
		fl_outcome_fmt(sc, &s->model.set.o[0], &s->mask, m, sizeof(m));
	else
		snprintf(m, sizeof(m), "-");
	snprintf(buf, (size_t)len, "# host (Linux %.64s): %.500s\n# model (%.100s): %.500s\n", g->caps.release,
		 s->v == S_ERROR ? s->msg : h, g->cfg.name, m);
}

/* Counts per known-open item (several lines may name one item). */
static void print_items(const struct genv *g, const int *per_line)
{
	for (int i = 0; i < g->known.n; i++) {
		int n = 0, first = 1;

		for (int j = 0; j < i && first; j++)
			first = strcmp(g->known.e[j].item, g->known.e[i].item) != 0;
		if (!first)
			continue;
		for (int j = i; j < g->known.n; j++)
			if (!strcmp(g->known.e[j].item, g->known.e[i].item))
				n += per_line[j];
		if (n)
			printf("  known-open %-18s %d\n", g->known.e[i].item, n);
	}
}

static int cmd_seq(struct genv *g)
{
	static char text[TEXT_MAX], head[4096];
	static struct fl_scenario sc;
	static struct seq_pred pred;
	int count[S__COUNT] = { 0 }, explained = 0, unexplained = 0, status = FL_EXIT_OK;
	int per_item[FL_KNOWN_MAX] = { 0 }, minimised_calls = 0;
	double t0 = fl_now();

	printf("gen seq: seed %llu, %llu files; host Linux %s (%s%s); model %s (%s)\n",
	       (unsigned long long)g->o.seed, (unsigned long long)g->o.count, g->caps.release,
	       g->facts & FL_FACT_NO_ZERO_PAGE ? "fact no_zero_page: read faults map a fresh page" :
						  "read faults map the zero page",
	       g->caps.soft_dirty ? "" : "; no soft-dirty", g->cfg.name, g->cfg.note[0] ? g->cfg.note : "--kernel");
	for (uint64_t i = g->o.start; i < g->o.start + g->o.count; i++) {
		char err[512], name[96], what[1400];
		const struct fl_known *k;
		struct sres *s = &pred.orig;
		int nops0;

		snprintf(name, sizeof(name), "seq-%llu-%llu.litmus", (unsigned long long)g->o.seed, (unsigned long long)i);
		if (fl_gen_seq(g->o.seed, i, g->o.ops, text, sizeof(text)) ||
		    fl_parse_string(name, text, &sc, err, sizeof(err))) {
			fprintf(stderr, "faultline gen: generator bug: %s\n", err);
			return FL_EXIT_FAIL;
		}
		if (seq_check(g, &sc, s, true)) {
			fprintf(stderr, "faultline gen: generator bug: %s\n%s", s->msg, text);
			return FL_EXIT_FAIL;
		}
		count[s->v]++;
		if (s->v != S_DISAGREE && s->v != S_ERROR) {
			if (g->o.verbose || s->v == S_UNSUPPORTED)
				printf("%-11s %s%s%s\n", sverdict_name[s->v], name, s->v == S_UNSUPPORTED ? ": " : "",
				       s->v == S_UNSUPPORTED ? s->msg : "");
			continue;
		}
		nops0 = count_ops(&sc);
		/*
		 * --minimise unexplained: an entry that looks only at the
		 * difference (no uses/lacks/shared) explains the minimal file
		 * exactly when it explains this one, since shrinking keeps the
		 * difference; skip the shrinking then.
		 */
		k = g->o.min_unexplained ? seq_explain(g, &g->known_diff_only, &sc, s) : NULL;
		if (!g->o.no_min && !k) {
			pred.g = g;
			pred.calls = 0;
			fl_ddmin_lines(text, sizeof(text), seq_still_fails, &pred, DD_MAX_TESTS);
			minimised_calls += pred.calls;
			/* Check the minimal file once more, for the report (host runs can vary). */
			if (fl_parse_string(name, text, &sc, err, sizeof(err)) || seq_check(g, &sc, &pred.cur, true) ||
			    (pred.cur.v != S_DISAGREE && pred.cur.v != S_ERROR))
				pred.cur = *s;
			s = &pred.cur;
		}
		if (!k)
			k = seq_explain(g, &g->known, &sc, s);
		else
			k = &g->known.e[k - g->known_diff_only.e];
		describe(&sc, s, g, what, sizeof(what));
		snprintf(head, sizeof(head),
			 "# %s: minimised from %d to %d ops by delta debugging (`faultline gen seq --seed %llu`).\n"
			 "%s# differs: %s\n# %s%s%s\n",
			 name, nops0, count_ops(&sc), (unsigned long long)g->o.seed, what,
			 s->v == S_ERROR ? "backend error" : s->msg, k ? "explained: known-open " : "NOT EXPLAINED",
			 k ? k->item : "", k ? " (docs/conform.md)" : "");
		if (k) {
			explained++;
			per_item[k - g->known.e]++;
		} else {
			unexplained++;
			status = FL_EXIT_FAIL;
		}
		printf("%-11s %s (%d -> %d ops): %s%s%s\n", sverdict_name[s->v], name, nops0, count_ops(&sc),
		       k ? "known-open " : "NOT EXPLAINED: ", k ? k->item : s->msg, k ? "" : "");
		if (!k || g->o.verbose)
			printf("%s%s", head, text);
		if (g->o.out) {
			char mname[110];

			snprintf(mname, sizeof(mname), "seq-%llu-%llu.min.litmus", (unsigned long long)g->o.seed,
				 (unsigned long long)i);
			write_file(g->o.out, mname, head, text);
		}
		fflush(stdout);
	}
	printf("\ngen seq: %llu files in %.1f s: %d agree, %d disagree, %d unsupported, %d rejected (both block in "
	       "init), %d errors; %d explained, %d NOT explained; %d minimisation runs\n",
	       (unsigned long long)g->o.count, fl_now() - t0, count[S_AGREE], count[S_DISAGREE], count[S_UNSUPPORTED],
	       count[S_REJECT], count[S_ERROR], explained, unexplained, minimised_calls);
	print_items(g, per_item);
	return status;
}

/* ---- the concurrent check ---- */

/* A model abort (an internal invariant failed) is reported as this pseudo-property. */
#define PROP_CRASH	FL_KNOWN_PROP_CRASH

static const char *prop_name(int p)
{
	return p == PROP_CRASH ? "crash" : fl_prop_name((enum fl_prop)p);
}

struct conc_res {
	uint32_t found;		/* property bits, and PROP_CRASH */
	bool complete;
	uint64_t executions;
	char err[300];		/* bad input; or the crash message */
	char stop[96];		/* why an incomplete search stopped */
};

static int conc_explore_here(struct genv *g, const struct fl_scenario *sc, uint64_t cap, struct conc_res *r)
{
	struct fl_explore_opts eo = { .strategy = FL_STRAT_DPOR, .preemptions = g->o.preemptions,
				      .max_executions = cap };
	static struct fl_explore_result res;
	struct fl_program prog;

	memset(r, 0, sizeof(*r));
	if (fl_interp_prepare(sc, &g->cfg.pol, r->err, sizeof(r->err)))
		return -1;
	prog = fl_interp_program();
	fl_explore(&prog, &eo, &res);
	if (res.error[0]) {
		snprintf(r->err, sizeof(r->err), "%.290s", res.error);
		return -1;
	}
	r->found = res.found;
	r->complete = res.complete;
	r->executions = res.executions;
	snprintf(r->stop, sizeof(r->stop), "%s", res.stop_reason);
	return 0;
}

/*
 * Explore in a child process: a random scenario may trip one of the
 * model's internal checks, which abort.  That is a model bug to report
 * (the pseudo-property `crash`, with the message), not the end of the batch.
 */
static int conc_explore(struct genv *g, const struct fl_scenario *sc, uint64_t cap, struct conc_res *r)
{
	int res[2], errp[2], st = 0;
	ssize_t n = 0, e = 0;
	struct { int ret; struct conc_res r; } msg;
	char ebuf[512];
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (pipe(res))
		return conc_explore_here(g, sc, cap, r);
	if (pipe(errp)) {
		close(res[0]);
		close(res[1]);
		return conc_explore_here(g, sc, cap, r);
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(res[0]);
		close(errp[0]);
		dup2(errp[1], 2);
		msg.ret = conc_explore_here(g, sc, cap, &msg.r);
		if (write(res[1], &msg, sizeof(msg)) != (ssize_t)sizeof(msg))
			_exit(3);
		_exit(0);
	}
	close(res[1]);
	close(errp[1]);
	if (pid < 0) {
		/* No child to isolate it in: explore here (an abort then ends the batch). */
		close(res[0]);
		close(errp[0]);
		return conc_explore_here(g, sc, cap, r);
	}
	/* The child prints nothing but an abort's one line, so reading the result first cannot block it. */
	for (ssize_t k; n < (ssize_t)sizeof(msg) && (k = read(res[0], (char *)&msg + n, sizeof(msg) - (size_t)n)) > 0;)
		n += k;
	for (ssize_t k; e < (ssize_t)sizeof(ebuf) - 1 && (k = read(errp[0], ebuf + e, sizeof(ebuf) - 1 - (size_t)e)) > 0;)
		e += k;
	waitpid(pid, &st, 0);
	ebuf[e] = '\0';
	close(res[0]);
	close(errp[0]);
	if (n == (ssize_t)sizeof(msg) && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		*r = msg.r;
		return msg.ret;
	}
	/*
	 * Crashed: its "faultline: ..." line says which check failed (a
	 * sanitizer may print warnings before it); else the first line.
	 */
	{
		char *line = strstr(ebuf, "faultline:");

		if (!line)
			line = ebuf;
		line[strcspn(line, "\n")] = '\0';
		r->found = 1u << PROP_CRASH;
		r->complete = true;
		snprintf(r->err, sizeof(r->err), "%.299s", line[0] ? line : "the model died");
	}
	return 0;
}

/* A crash message without its "(step N, thread T)": the same check failing, wherever. */
static bool same_crash(const char *a, const char *b)
{
	size_t la = strcspn(a, "("), lb = strcspn(b, "(");

	return la == lb && !strncmp(a, b, la);
}

struct conc_pred {
	struct genv *g;
	struct fl_scenario sc;
	int prop;
	int calls;
	char crash[300];	/* prop == PROP_CRASH: the message to keep */
};

static bool conc_still_fails(const char *text, void *ctx)
{
	struct conc_pred *p = ctx;
	struct conc_res r;
	char err[512];

	p->calls++;
	if (fl_parse_string("candidate", text, &p->sc, err, sizeof(err)))
		return false;
	if (conc_explore(p->g, &p->sc, p->g->o.max_exec, &r) || !(r.found & (1u << p->prop)))
		return false;
	return p->prop != PROP_CRASH || same_crash(r.err, p->crash);
}

static int cmd_conc(struct genv *g)
{
	static char text[TEXT_MAX], mtext[TEXT_MAX], head[2048];
	static struct fl_scenario sc;
	static struct conc_pred pred;
	int clean = 0, incomplete = 0, stuck = 0, explained = 0, unexplained = 0, errors = 0, status = FL_EXIT_OK;
	int per_item[FL_KNOWN_MAX] = { 0 };
	uint64_t execs = 0;
	double t0 = fl_now();

	char bound[32];

	if (g->o.preemptions < 0)
		snprintf(bound, sizeof(bound), "unbounded");
	else
		snprintf(bound, sizeof(bound), "%d preemptions", g->o.preemptions);
	printf("gen conc: seed %llu, %llu scenarios; model %s, DPOR (%s), cap %llu executions each\n",
	       (unsigned long long)g->o.seed, (unsigned long long)g->o.count, g->cfg.name, bound,
	       (unsigned long long)g->o.max_exec);
	for (uint64_t i = g->o.start; i < g->o.start + g->o.count; i++) {
		char err[512], name[96];
		struct conc_res r;
		bool any = false;

		snprintf(name, sizeof(name), "conc-%llu-%llu.litmus", (unsigned long long)g->o.seed,
			 (unsigned long long)i);
		if (fl_gen_conc(g->o.seed, i, text, sizeof(text)) || fl_parse_string(name, text, &sc, err, sizeof(err))) {
			fprintf(stderr, "faultline gen: generator bug: %s\n", err);
			return FL_EXIT_FAIL;
		}
		if (conc_explore(g, &sc, g->o.max_exec, &r)) {
			errors++;
			status = FL_EXIT_FAIL;
			printf("ERROR       %s: %s\n%s", name, r.err, text);
			continue;
		}
		execs += r.executions;
		if (!r.complete) {
			incomplete++;
			status = FL_EXIT_FAIL;
			printf("INCOMPLETE  %s: %llu executions, the search did not finish (%s)\n", name,
			       (unsigned long long)r.executions, r.stop);
		}
		for (int p = 0; p <= PROP_CRASH; p++) {
			const struct fl_known *k = NULL;
			const char *why;
			int n0 = sc.ninit, n1;

			if (!(r.found & (1u << p)))
				continue;
			any = true;
			if (p == FL_PROP_STUCK) {
				/* A userfault nobody resolves (the monitor took another message, or none): allowed. */
				stuck++;
				if (g->o.verbose)
					printf("stuck       %s (a userfault nobody resolves: allowed)\n", name);
				continue;
			}
			for (int t = 0; t < sc.nthreads; t++)
				n0 += sc.threads[t].nops;
			memcpy(mtext, text, sizeof(mtext));
			if (!g->o.no_min) {
				pred = (struct conc_pred){ .g = g, .prop = p };
				snprintf(pred.crash, sizeof(pred.crash), "%s", r.err);
				fl_ddmin_lines(mtext, sizeof(mtext), conc_still_fails, &pred, DD_MAX_TESTS);
			}
			if (fl_parse_string(name, mtext, &pred.sc, err, sizeof(err)))
				memcpy(&pred.sc, &sc, sizeof(sc));
			n1 = count_ops(&pred.sc);
			k = fl_known_match_prop(&g->known, &pred.sc, g->facts, p, p == PROP_CRASH ? r.err : "");
			why = k ? k->item : "NOT EXPLAINED";
			if (k) {
				explained++;
				per_item[k - g->known.e]++;
			} else {
				unexplained++;
				status = FL_EXIT_FAIL;
			}
			snprintf(head, sizeof(head),
				 "# %s: %s under %s, minimised from %d to %d ops (`faultline gen conc --seed %llu`).\n"
				 "%s%.300s%s# %s%s\n",
				 name, prop_name(p), g->cfg.name, n0, n1, (unsigned long long)g->o.seed,
				 p == PROP_CRASH ? "# " : "", p == PROP_CRASH ? r.err : "", p == PROP_CRASH ? "\n" : "",
				 k ? "explained: known-open " : "", why);
			printf("%-11s %s (%d -> %d ops): %s\n", prop_name(p), name, n0, n1, k ? why : "NOT EXPLAINED");
			if (!k || g->o.verbose)
				printf("%s%s", head, mtext);
			if (g->o.out) {
				char mname[120];

				snprintf(mname, sizeof(mname), "conc-%llu-%llu-%s.min.litmus", (unsigned long long)g->o.seed,
					 (unsigned long long)i, prop_name(p));
				write_file(g->o.out, mname, head, mtext);
			}
		}
		if (!any)
			clean++;
		fflush(stdout);
	}
	printf("\ngen conc: %llu scenarios in %.1f s (%llu executions): %d clean, %d stuck (allowed), %d violations "
	       "explained, %d NOT explained, %d incomplete, %d errors\n",
	       (unsigned long long)g->o.count, fl_now() - t0, (unsigned long long)execs, clean, stuck, explained,
	       unexplained, incomplete, errors);
	print_items(g, per_item);
	return status;
}

/* ---- recheck: minimal files written earlier, against today's model, host and list ---- */

static int cmd_recheck(struct genv *g, int nfiles, char **files)
{
	static struct fl_scenario sc;
	static struct sres s;
	int bad = 0, good = 0;

	for (int i = 0; i < nfiles; i++) {
		const struct fl_known *k = NULL;
		char what[64] = "agree";
		bool fail = false;

		if (fl_cli_load(files[i], &sc))
			return FL_EXIT_USAGE;
		if (sc.nthreads == 0) {
			if (seq_check(g, &sc, &s, true)) {
				printf("ERROR       %s: %s\n", files[i], s.msg);
				bad++;
				continue;
			}
			if (s.v == S_DISAGREE || s.v == S_ERROR) {
				k = seq_explain(g, &g->known, &sc, &s);
				fail = !k;
				snprintf(what, sizeof(what), "%s", sverdict_name[s.v]);
			} else {
				snprintf(what, sizeof(what), "%s", sverdict_name[s.v]);
			}
		} else {
			struct conc_res r;

			if (conc_explore(g, &sc, g->o.max_exec, &r)) {
				printf("ERROR       %s: %s\n", files[i], r.err);
				bad++;
				continue;
			}
			snprintf(what, sizeof(what), "%s", r.complete ? "ok" : "INCOMPLETE");
			fail = !r.complete;
			for (int p = 0; p <= PROP_CRASH; p++) {
				if (!(r.found & (1u << p)) || p == FL_PROP_STUCK)
					continue;
				snprintf(what, sizeof(what), "%s", prop_name(p));
				k = fl_known_match_prop(&g->known, &sc, g->facts, p, p == PROP_CRASH ? r.err : "");
				if (!k)
					fail = true;
			}
		}
		printf("%-11s %s%s%s%s\n", what, files[i], k || fail ? ": " : "", k ? "known-open " : "",
		       k ? k->item : fail ? "NOT EXPLAINED" : "");
		if (fail)
			bad++;
		else
			good++;
	}
	printf("\ngen recheck: %d files: %d agree, ok or explained; %d not\n", nfiles, good, bad);
	return bad ? FL_EXIT_FAIL : FL_EXIT_OK;
}

/* ---- options ---- */

static void usage_to(FILE *f)
{
	fprintf(f,
		"usage: faultline gen seq [--count N] [--seed S] [--index FIRST] [--ops LIST] [--kernel host|V] [--timeout MS]\n"
		"                         [--known FILE] [--out DIR] [--no-minimise | --minimise all|unexplained]\n"
		"                         [--verbose]\n"
		"       faultline gen conc [--count N] [--seed S] [--index FIRST] [--kernel V] [--preemptions N|none] [--max-executions N]\n"
		"                          [--known FILE] [--out DIR] [--no-minimise] [--verbose]\n"
		"       faultline gen print seq|conc [--seed S] [--index I] [--ops LIST]\n"
		"       faultline gen recheck PATH... [--known FILE] [--kernel V]   (minimal files, again)\n");
}

static void usage(void)
{
	usage_to(stderr);
}

void fl_cli_gen_help(FILE *f)
{
	usage_to(f);
	fprintf(f,
		"\n"
		"Random tests (docs/conform.md, \"Random testing\").  seq: sequential files run on the\n"
		"running kernel and on the model; conc: concurrent scenarios explored on the model.\n"
		"Each failure is minimised and classified against --known (known open items).\n"
		"print: the file that seed and index produce; recheck: run minimal files again.\n"
		"\n"
		"  -h, --help            this text\n"
		"\n"
		"exit status: 0 every test agrees, is ok, or is explained; 1 a failure not explained;\n"
		"2 bad usage.\n");
}

static int num(const char *flag, const char *v, uint64_t *out)
{
	char *end;

	if (!v || !*v) {
		fprintf(stderr, "faultline gen: %s needs a value\n", flag);
		return -1;
	}
	errno = 0;
	*out = strtoull(v, &end, 0);
	if (errno || *end) {
		fprintf(stderr, "faultline gen: %s: '%s' is not a number\n", flag, v);
		return -1;
	}
	return 0;
}

static int parse(int argc, char **argv, int first, struct gopts *o, uint64_t *index, char **paths, int *npaths)
{
	for (int i = first; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t n;
		char err[128];

		if (a[0] != '-' && paths) {
			if (fl_litmus_collect(a, paths, npaths))
				return -1;
			continue;
		}
		if (!strcmp(a, "--no-minimise")) {
			o->no_min = true;
			continue;
		}
		if (!strcmp(a, "--minimise") && v && (!strcmp(v, "all") || !strcmp(v, "unexplained"))) {
			o->min_unexplained = !strcmp(v, "unexplained");
			i++;
			continue;
		}
		if (!strcmp(a, "--verbose")) {
			o->verbose = true;
			continue;
		}
		i++;
		if (!strcmp(a, "--count")) {
			if (num(a, v, &o->count))
				return -1;
		} else if (!strcmp(a, "--seed")) {
			if (num(a, v, &o->seed))
				return -1;
		} else if (!strcmp(a, "--index")) {
			if (num(a, v, index))
				return -1;
		} else if (!strcmp(a, "--max-executions")) {
			if (num(a, v, &o->max_exec) || !o->max_exec)
				return -1;
		} else if (!strcmp(a, "--timeout")) {
			if (num(a, v, &n) || n < 1 || n > 600000)
				return -1;
			o->timeout_ms = (int)n;
		} else if (!strcmp(a, "--preemptions") && v) {
			if (!strcmp(v, "none")) {
				o->preemptions = -1;
			} else {
				if (num(a, v, &n) || n > 64)
					return -1;
				o->preemptions = (int)n;
			}
		} else if (!strcmp(a, "--ops") && v) {
			if (fl_gen_ops_parse(v, &o->ops, err, sizeof(err))) {
				fprintf(stderr, "faultline gen: %s\n", err);
				return -1;
			}
		} else if (!strcmp(a, "--out") && v) {
			o->out = v;
		} else if (!strcmp(a, "--known") && v) {
			o->known_path = v;
		} else if (!strcmp(a, "--kernel") && v) {
			o->kernel = v;
		} else {
			fprintf(stderr, "faultline gen: unknown option or missing value: '%s'\n", a);
			return -1;
		}
	}
	return 0;
}

/* Every op the generator knows, less those this host lacks a feature for outright (the rest are checked per test). */
static uint64_t host_ops(const struct fl_host_caps *c)
{
	uint64_t m = fl_gen_seq_ops();

	for (int k = 0; k < FL_OP__COUNT; k++)
		if ((fl_ops[k].needs & FL_NEED_SOFT_DIRTY) && !c->soft_dirty)
			m &= ~(1ull << k);
	return m;
}

int fl_cmd_gen(int argc, char **argv)
{
	static struct genv g;
	struct fl_cli_opts co;
	uint64_t index = 0;
	char err[512];
	int st;

	memset(&g, 0, sizeof(g));
	memset(&co, 0, sizeof(co));
	g.o = (struct gopts){ .count = 100, .seed = 1, .max_exec = CONC_MAX_EXEC, .timeout_ms = SEQ_TIMEOUT_MS,
			       .preemptions = FL_DEFAULT_PREEMPTIONS };
	static char *paths[FL_LITMUS_MAX_FILES];
	int npaths = 0;
	bool recheck;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fl_cli_gen_help(stdout);
			return FL_EXIT_OK;
		}
	}
	if (argc < 3 || (strcmp(argv[2], "seq") && strcmp(argv[2], "conc") && strcmp(argv[2], "print") &&
			 strcmp(argv[2], "recheck"))) {
		usage();
		return FL_EXIT_USAGE;
	}
	if (!strcmp(argv[2], "print")) {
		static char text[TEXT_MAX];

		if (argc < 4 || (strcmp(argv[3], "seq") && strcmp(argv[3], "conc")) || parse(argc, argv, 4, &g.o, &index, NULL, NULL)) {
			usage();
			return FL_EXIT_USAGE;
		}
		/* The op set `gen seq` draws from on this host, so that the same file comes out. */
		if (!g.o.ops && !strcmp(argv[3], "seq")) {
			fl_host_probe(&g.caps);
			g.o.ops = host_ops(&g.caps);
		}
		if (!strcmp(argv[3], "seq") ? fl_gen_seq(g.o.seed, index, g.o.ops, text, sizeof(text)) :
					      fl_gen_conc(g.o.seed, index, text, sizeof(text)))
			return FL_EXIT_FAIL;
		fputs(text, stdout);
		return FL_EXIT_OK;
	}
	g.o.conc = !strcmp(argv[2], "conc");
	g.o.start = 0;
	recheck = !strcmp(argv[2], "recheck");
	if (parse(argc, argv, 3, &g.o, &index, recheck ? paths : NULL, &npaths) || (recheck && !npaths)) {
		usage();
		return FL_EXIT_USAGE;
	}
	g.o.start = index;	/* --index I: the batch starts at file I */
	if (g.o.known_path && fl_known_load(g.o.known_path, &g.known, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return FL_EXIT_USAGE;
	}
	/* Same indices as g.known, with the file-dependent entries made unmatchable (an unknown mode). */
	g.known_diff_only = g.known;
	for (int i = 0; i < g.known.n; i++) {
		struct fl_known *k = &g.known_diff_only.e[i];

		if (k->uses || k->lacks || k->shared >= 0)
			k->mode = FL_KNOWN_OFF;
	}
	if (g.o.out && mkdir(g.o.out, 0755) && errno != EEXIST) {
		fprintf(stderr, "faultline gen: %s: %s\n", g.o.out, strerror(errno));
		return FL_EXIT_USAGE;
	}
	if (fl_cli_config(&co, g.o.kernel ? g.o.kernel : g.o.conc ? "latest" : "host", NULL, &g.cfg))
		return FL_EXIT_USAGE;
	if (g.o.conc)
		return cmd_conc(&g);
	fl_host_probe(&g.caps);
	g.facts = probe_facts();
	if (!g.o.ops)
		g.o.ops = host_ops(&g.caps);
	if (g.caps.root) {
		/*
		 * Own the swap MADV_PAGEOUT needs: a swap device another process
		 * set up (another faultline's file) may go away mid-run and turn
		 * page-outs into no-ops by chance (issue 14 item 14).
		 */
		fl_host_swap_remove_stale();
		g.caps.swap_active = false;
	}
	st = recheck ? cmd_recheck(&g, npaths, paths) : cmd_seq(&g);
	for (int i = 0; i < npaths; i++)
		free(paths[i]);
	fl_host_swap_cleanup();
	return st;
}
