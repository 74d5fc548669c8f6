/* SPDX-License-Identifier: MIT */
/*
 * cli/options.c - the command line of every command: which options it
 * takes, their values and ranges, its help text.
 *
 * One table says which command uses which option, so that an option a
 * command does not use is rejected (it used to be accepted and ignored),
 * an unknown one is called unknown, and --help works everywhere.  A value
 * out of range is an error that names the range.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* The options, and which command uses which. */
enum {
	O_KERNEL = 1u << 0,
	O_SET = 1u << 1,
	O_PREEMPT = 1u << 2,
	O_STRATEGY = 1u << 3,
	O_SEED = 1u << 4,
	O_MAXEXEC = 1u << 5,
	O_SCHEDULE = 1u << 6,
	O_JSON = 1u << 7,
	O_MARKDOWN = 1u << 8,
	O_RUNS = 1u << 9,
	O_TIMEOUT = 1u << 10,
	O_QUIET = 1u << 11,
	/* machine-readable and visual results (issue 12) */
	O_JUNIT = 1u << 12,
	O_TAP = 1u << 13,
	O_HTML = 1u << 14,
};

static const struct {
	const char *name;
	unsigned bit;
	bool value;		/* takes the next argument */
} options[] = {
	{ "--kernel", O_KERNEL, true },
	{ "--set", O_SET, true },
	{ "--preemptions", O_PREEMPT, true },
	{ "--strategy", O_STRATEGY, true },
	{ "--seed", O_SEED, true },
	{ "--max-executions", O_MAXEXEC, true },
	{ "--schedule", O_SCHEDULE, true },
	{ "--json", O_JSON, false },
	{ "--markdown", O_MARKDOWN, false },
	{ "--runs", O_RUNS, true },
	{ "--timeout", O_TIMEOUT, true },
	{ "--quiet", O_QUIET, false },
	{ "--junit", O_JUNIT, true },
	{ "--tap", O_TAP, false },
	{ "--html", O_HTML, true },
};

#define HELP_KERNEL \
	"  --kernel V            a kernel preset (see below), or host: the preset for uname -r\n"
#define HELP_SET \
	"  --set SWITCH=VALUE    override one behaviour switch (repeatable, at most 16;\n" \
	"                        `faultline policies` lists them)\n"
#define HELP_PREEMPT \
	"  --preemptions N|none  the preemption bound, 0..1000, or none (unbounded); default:\n" \
	"                        the file's `bound preemptions` line, else 2\n"
#define HELP_MAXEXEC \
	"  --max-executions N    stop after N executions, at least 1 (default 2000000); a\n" \
	"                        search stopped there is INCOMPLETE\n"
#define HELP_MAXEXEC_RUN \
	"  --max-executions N    stop after N executions, at least 1 (default 2000000; 10000\n" \
	"                        with --strategy random); a search stopped there is INCOMPLETE\n"
#define HELP_QUIET \
	"  --quiet               no live status line (drawn on stderr only when it is a\n" \
	"                        terminal and the search takes more than a second)\n"
#define HELP_HELP "  -h, --help            this text\n"
#define HELP_HTML \
	"  --html OUT.html       also write the trace as one self-contained HTML page: a\n" \
	"                        column per CPU, a step slider, the state of what each step\n" \
	"                        touched, the violating step and the steps it depends on\n"

static const struct cmd {
	const char *name;
	unsigned opts;
	int min_files, max_files;	/* -1: no limit */
	const char *what;		/* "FILE", "PATH" */
	const char *help;
} cmds[] = {
	{ "run", O_KERNEL | O_SET | O_PREEMPT | O_STRATEGY | O_SEED | O_MAXEXEC | O_JSON | O_QUIET | O_HTML, 1, 1, "FILE",
	  "usage: faultline run FILE [options]\n"
	  "\n"
	  "Explore the interleavings of FILE's threads within a preemption bound.\n"
	  "Without --kernel, check every `expect` line of FILE: the properties found must be\n"
	  "exactly the ones listed, by a complete search.  With --kernel, report every violated\n"
	  "property with its counterexample (fewest preemptions, then fewest steps) and the\n"
	  "`faultline replay` command that shows it again.\n"
	  "\n"
	  "options:\n" HELP_KERNEL HELP_SET HELP_PREEMPT
	  "  --strategy S          exhaustive (DPOR, the default), dfs (no reduction), or random\n"
	  "                        (random schedules: never complete)\n"
	  "  --seed S              the random strategy's seed, 0..2^64-1 (default 0)\n" HELP_MAXEXEC_RUN
	  "  --json                results as JSON: one object with --kernel, else an array with\n"
	  "                        one object per expect line\n" HELP_QUIET
	  "  --html OUT.html       with --kernel: also write the first counterexample printed\n"
	  "                        as one self-contained HTML page: a column per CPU, a step\n"
	  "                        slider, the state of what each step touched, the violating\n"
	  "                        step and the steps it depends on\n" HELP_HELP
	  "\n"
	  "exit status: 0 every expectation met (with --kernel: nothing violated) by a complete\n"
	  "search; 1 a mismatch or a violation, or an INCOMPLETE search (--max-executions\n"
	  "reached, or --strategy random with nothing to report); 2 bad input or usage.\n" },
	{ "replay", O_KERNEL | O_SET | O_SCHEDULE | O_JSON | O_HTML, 1, 1, "FILE",
	  "usage: faultline replay FILE --kernel V [--set SWITCH=VALUE]... --schedule S [--json] [--html OUT]\n"
	  "\n"
	  "Run one execution of FILE, the one schedule S describes, and print its trace and\n"
	  "any property it violates.  `faultline run` prints this command for each\n"
	  "counterexample.\n"
	  "\n"
	  "options:\n" HELP_KERNEL HELP_SET
	  "  --schedule S          which thread runs at each step: the format version v1/, then\n"
	  "                        dot-separated runs T or T:N (thread T for N steps, 1..4000),\n"
	  "                        e.g. v1/0:16.1:15.2; v1/ for a test without threads\n"
	  "  --json                the result as one JSON object\n" HELP_HTML HELP_HELP
	  "\n"
	  "exit status: 0 nothing violated, 1 a violation, 2 bad input, usage, or a schedule\n"
	  "that does not fit the test.\n" },
	{ "test", O_PREEMPT | O_MAXEXEC | O_JSON | O_QUIET | O_JUNIT | O_TAP, 1, -1, "PATH",
	  "usage: faultline test PATH... [options]\n"
	  "\n"
	  "Check every expectation of every .litmus file under each PATH (a file, or a\n"
	  "directory searched recursively): a table of test x kernel -> verdict.  A verdict is\n"
	  "ok, MISMATCH (with the expected properties and the expect line), INCOMPLETE (the\n"
	  "search stopped at its bound before it could confirm the line), or ERROR (the file\n"
	  "does not parse, or its exploration failed: the message says why).  One bad file\n"
	  "does not stop the others.  A PATH without any .litmus file is an error.\n"
	  "\n"
	  "options:\n" HELP_PREEMPT HELP_MAXEXEC
	  "  --json                one JSON object: every row and the totals\n"
	  "  --tap                 TAP version 13 on stdout, as kselftest prints it: one\n"
	  "                        `ok N` / `not ok N` line per row (not with --json)\n"
	  "  --junit FILE          also write the rows as a JUnit XML report to FILE: one\n"
	  "                        testsuite per file, one testcase per expect line\n" HELP_QUIET HELP_HELP
	  "\n"
	  "exit status (the worst row decides): 0 every expectation met by a complete search;\n"
	  "1 a MISMATCH or an INCOMPLETE search (or a file without expect lines); 2 an ERROR, or\n"
	  "bad usage.\n" },
	{ "policies", O_MARKDOWN, 0, 0, "",
	  "usage: faultline policies [--markdown]\n"
	  "\n"
	  "Every behaviour switch (where it is read, each value's commit, release and\n"
	  "behaviour) and every kernel preset.\n"
	  "\n"
	  "options:\n"
	  "  --markdown            print docs/switches.md instead\n" HELP_HELP
	  "\n"
	  "exit status: 0, or 2 for bad usage.\n" },
	{ "bench", O_PREEMPT | O_MAXEXEC | O_QUIET, 0, -1, "PATH",
	  "usage: faultline bench [PATH...] [options]\n"
	  "\n"
	  "For every expect line of every .litmus file under each PATH (default: litmus):\n"
	  "executions/s, scheduled steps/s, the time to the first counterexample, and whether\n"
	  "the search was complete; then the peak RSS of the headline scenario after 1,000\n"
	  "and 100,000 random executions.  Figures, not tests.\n"
	  "\n"
	  "options:\n" HELP_PREEMPT HELP_MAXEXEC HELP_QUIET HELP_HELP
	  "\n"
	  "exit status: 0, or 2 for bad usage or a PATH that cannot be read.\n" },
	{ "conform", O_KERNEL | O_SET | O_PREEMPT | O_MAXEXEC | O_RUNS | O_TIMEOUT | O_JSON, 1, -1, "PATH",
	  "usage: faultline conform PATH... [options]\n"
	  "\n"
	  "Run each test under PATH on the running kernel (real mmap, fork, mprotect,\n"
	  "userfaultfd, vmsplice, io_uring calls) and on the model, and compare what both let\n"
	  "the registers see: agree, DISAGREE, unsupported (with the reason), or ERROR.\n"
	  "\n"
	  "options:\n"
	  "  --kernel V            the model's preset (default host: the preset for uname -r,\n"
	  "                        with the host configuration it measures)\n"
	  "  --set SWITCH=VALUE    override one switch of the model (repeatable)\n"
	  "  --preemptions N|none  the bound the model falls back to when its unbounded search\n"
	  "                        does not finish, 0..1000 (default: the file's, else 2)\n"
	  "  --max-executions N    the model's search cap, at least 1 (default 200000)\n"
	  "  --runs N              host runs per threaded test, 1..100000 (default 50)\n"
	  "  --timeout MS          time limit per host run, 1..600000 ms (default 2000)\n"
	  "  --json                the results as one JSON object\n" HELP_HELP
	  "\n"
	  "exit status: 0 every test agrees or is unsupported; 1 a disagreement or a host\n"
	  "backend error; 2 bad input or usage.\n" },
};

static const struct cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

bool fl_cli_help(FILE *f, const char *name)
{
	const struct cmd *c = find_cmd(name);

	if (!c)
		return false;
	fputs(c->help, f);
	if (c->opts & O_KERNEL) {
		fprintf(f, "\nkernel presets: ");
		fl_cli_list_presets(f);
		fprintf(f, " (`faultline policies`)\n");
	}
	return true;
}

/* Every bad-usage message ends by pointing at the help. */
static int usage_error(const struct cmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(const struct cmd *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "faultline %s: ", c->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see faultline %s --help)\n", c->name);
	return -1;
}

/* A number in [lo, hi]; anything else is an error that names the range. */
static int parse_range(const struct cmd *c, const char *flag, const char *s, uint64_t lo, uint64_t hi,
		       const char *unit, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	if (!*s || *end || errno || s[0] == '-' || s[0] == '+' || *out < lo || *out > hi) {
		if (hi == UINT64_MAX)
			return usage_error(c, "%s takes %llu..2^64-1%s, got '%s'", flag, (unsigned long long)lo, unit, s);
		return usage_error(c, "%s takes %llu..%llu%s, got '%s'", flag, (unsigned long long)lo,
				   (unsigned long long)hi, unit, s);
	}
	return 0;
}

/* One option and its value (NULL for a flag); returns 0 or -1 (message printed). */
static int set_option(const struct cmd *c, struct fl_cli_opts *o, unsigned bit, const char *a, const char *v)
{
	uint64_t n;

	switch (bit) {
	case O_KERNEL:
		o->kernel = v;
		return 0;
	case O_SET:
		if (o->nsets == (int)(sizeof(o->sets) / sizeof(o->sets[0])))
			return usage_error(c, "at most %d --set options", (int)(sizeof(o->sets) / sizeof(o->sets[0])));
		if (strlen(v) >= sizeof(o->sets[0]))
			return usage_error(c, "--set %s: longer than %d characters", v, (int)sizeof(o->sets[0]) - 1);
		strcpy(o->sets[o->nsets++], v);
		return 0;
	case O_PREEMPT:
		if (!strcmp(v, "none") || !strcmp(v, "unbounded")) {
			o->preemptions = -1;
			return 0;
		}
		if (parse_range(c, a, v, 0, FL_MAX_PREEMPTIONS, " or none", &n))
			return -1;
		o->preemptions = (int)n;
		return 0;
	case O_STRATEGY:
		if (!strcmp(v, "exhaustive") || !strcmp(v, "dpor"))
			o->strategy = FL_STRAT_DPOR;
		else if (!strcmp(v, "dfs"))
			o->strategy = FL_STRAT_DFS;
		else if (!strcmp(v, "random"))
			o->strategy = FL_STRAT_RANDOM;
		else
			return usage_error(c, "unknown strategy '%s' (exhaustive, dfs, random)", v);
		return 0;
	case O_SEED:
		return parse_range(c, a, v, 0, UINT64_MAX, "", &o->seed);
	case O_MAXEXEC:
		/* 0 used to mean "the default" silently; now the range says what is allowed. */
		return parse_range(c, a, v, 1, UINT64_MAX, "", &o->max_executions);
	case O_SCHEDULE:
		o->schedule = v;
		return 0;
	case O_JSON:
		o->json = true;
		return 0;
	case O_MARKDOWN:
		o->markdown = true;
		return 0;
	case O_RUNS:
		if (parse_range(c, a, v, 1, 100000, "", &n))
			return -1;
		o->runs = (int)n;
		return 0;
	case O_TIMEOUT:
		if (parse_range(c, a, v, 1, 600000, " milliseconds", &n))
			return -1;
		o->timeout_ms = (int)n;
		return 0;
	case O_QUIET:
		o->quiet = true;
		return 0;
	case O_JUNIT:
		o->junit = v;
		return 0;
	case O_TAP:
		o->tap = true;
		return 0;
	case O_HTML:
		o->html = v;
		return 0;
	}
	return -1;
}

/* The commands that use an option, for "not used by this command". */
static void users(unsigned bit, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (cmds[i].opts & bit)
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? ", " : "", cmds[i].name);
}

int fl_cli_parse(int argc, char **argv, struct fl_cli_opts *o, const char ***files, int *nfiles)
{
	static const char **list;
	const struct cmd *c = argc > 1 ? find_cmd(argv[1]) : NULL;
	bool only_files = false;
	unsigned seen = 0;

	memset(o, 0, sizeof(*o));
	o->preemptions = -2;
	o->strategy = FL_STRAT_DPOR;
	*nfiles = 0;
	if (!c) {
		fprintf(stderr, "faultline: unknown command '%s'\n", argc > 1 ? argv[1] : "");
		return -1;
	}
	free(list);
	list = calloc((size_t)argc, sizeof(*list));
	if (!list) {
		fprintf(stderr, "faultline: out of memory\n");
		return -1;
	}
	*files = list;
	/* -h or --help anywhere wins, so that a half-typed command line still gets help. */
	for (int i = 2; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fl_cli_help(stdout, c->name);
			exit(FL_EXIT_OK);
		}
	}
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *v = NULL;
		unsigned bit = 0;
		bool value = false;

		if (only_files || a[0] != '-' || a[1] == '\0') {
			list[(*nfiles)++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_files = true;	/* a file whose name starts with '-' */
			continue;
		}
		for (size_t k = 0; k < sizeof(options) / sizeof(options[0]); k++) {
			if (!strcmp(a, options[k].name)) {
				bit = options[k].bit;
				value = options[k].value;
			}
		}
		if (!bit)
			return usage_error(c, "unknown option '%s'", a);
		if (!(c->opts & bit)) {
			char u[128];

			users(bit, u, sizeof(u));
			return usage_error(c, "%s is not an option of this command (it is one of: %s)", a, u);
		}
		if (value) {
			if (i + 1 >= argc)
				return usage_error(c, "%s needs a value", a);
			v = argv[++i];
		}
		if (set_option(c, o, bit, a, v))
			return -1;
		seen |= bit;
	}
	if ((seen & O_TAP) && (seen & O_JSON))
		return usage_error(c, "--tap and --json both take stdout: choose one");
	if ((seen & O_SEED) && o->strategy != FL_STRAT_RANDOM)
		return usage_error(c, "--seed is for --strategy random only");
	if (*nfiles < c->min_files)
		return usage_error(c, "no %s given", c->what);
	if (c->max_files >= 0 && *nfiles > c->max_files) {
		if (c->max_files == 0)
			return usage_error(c, "takes no file or path, got '%s'", list[0]);
		return usage_error(c, "takes one %s, got %d", c->what, *nfiles);
	}
	return 0;
}
