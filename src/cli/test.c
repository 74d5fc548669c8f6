/* SPDX-License-Identifier: MIT */
/*
 * cli/test.c - `faultline test PATH...`: every expectation of every
 * .litmus file under PATH, as a table of test x kernel -> verdict.
 *
 * Each row is ok, MISMATCH, INCOMPLETE (fl_cli_verdict, the same as
 * `faultline run`) or ERROR: a file that does not parse, or whose
 * exploration fails, is one ERROR row with its message, and the other
 * files still run.  The exit status is the worst row's: an ERROR (2) over
 * a MISMATCH or INCOMPLETE (1) over ok (0).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "litmus/corpus.h"
#include "report/report.h"

enum row_kind { ROW_OK, ROW_MISMATCH, ROW_INCOMPLETE, ROW_ERROR, ROW_NO_EXPECT };

/* One row, kept for the JUnit report (written at the end). */
struct row {
	char *file, *name, *kernel, *msg;
	enum row_kind kind;
	double seconds;
};

struct tally {
	int n[5];
	bool json_first;
	int tap_n;		/* TAP: rows printed so far */
	struct row *rows;	/* --junit only */
	int nrows, cap;
};

static FILE *out;	/* stdout, or a worker's buffer for one file (-j) */

static char *dup_str(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d) {
		fprintf(stderr, "faultline test: out of memory\n");
		exit(FL_EXIT_USAGE);
	}
	return d;
}

/* Keep a row for --junit; @msg says why it is not ok ("" for ok). */
static void keep(struct tally *t, const struct fl_cli_opts *o, const char *file, const char *name,
		 const char *kernel, enum row_kind k, const char *msg, double seconds)
{
	struct row *r;

	if (!o->junit)
		return;
	if (t->nrows == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->rows = realloc(t->rows, (size_t)t->cap * sizeof(*t->rows));
		if (!t->rows) {
			fprintf(stderr, "faultline test: out of memory\n");
			exit(FL_EXIT_USAGE);
		}
	}
	r = &t->rows[t->nrows++];
	*r = (struct row){ dup_str(file), dup_str(name), dup_str(kernel), dup_str(msg), k, seconds };
}

/*
 * A TAP description stays on its line and has no directive: a line break
 * is a space, '#' is escaped as TAP 13 says (a file name can hold both).
 */
static void tap_desc(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n' || *s == '\r')
			fputc(' ', out);
		else if (*s == '#' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else
			fputc(*s, out);
	}
}

/* TAP (kselftest style): "ok N test kernel", "not ok N ...", diagnostics as "# " lines. */
static void tap_row(struct tally *t, const char *name, const char *kernel, enum row_kind k, const char *msg)
{
	static const char *const what[] = { "ok", "MISMATCH", "INCOMPLETE", "ERROR", "NO EXPECTATIONS" };

	t->tap_n++;
	if (msg && msg[0]) {
		/* One "# " per line, so that a multi-line message (or file name) stays a comment. */
		char line[1536];

		snprintf(line, sizeof(line), "%s %s: %s: %s", name, kernel, what[k], msg);
		fputs("# ", out);
		for (const char *p = line; *p; p++) {
			fputc(*p, out);
			if (*p == '\n' && p[1])
				fputs("# ", out);
		}
		fputc('\n', out);
	}
	fprintf(out, "%s %d ", k == ROW_OK ? "ok" : "not ok", t->tap_n);
	tap_desc(name);
	fputc(' ', out);
	tap_desc(kernel);
	fputc('\n', out);
}

static const char *const row_json[] = { "ok", "mismatch", "incomplete", "error", "no-expectations" };

static void row_text(const char *name, const char *kernel, const char *got, const char *verdict)
{
	fprintf(out, "%-44s %-30s %-34s %s\n", name, kernel, got, verdict);
}

static void row_json_begin(struct tally *t, const char *file, const char *name, const char *kernel,
			   enum row_kind k)
{
	fprintf(out, "%s\n  {\"file\":", t->json_first ? "" : ",");
	t->json_first = false;
	fl_json_str(out, file);
	fprintf(out, ",\"test\":");
	fl_json_str(out, name);
	fprintf(out, ",\"kernel\":");
	fl_json_str(out, kernel);
	fprintf(out, ",\"verdict\":\"%s\"", row_json[k]);
}

/* A file that could not be run at all, or one expect line that failed to explore. */
static void row_error(struct tally *t, const struct fl_cli_opts *o, const char *file, const char *name,
		      const char *kernel, const char *msg)
{
	t->n[ROW_ERROR]++;
	keep(t, o, file, name, kernel, ROW_ERROR, msg, 0);
	if (o->tap) {
		tap_row(t, name, kernel, ROW_ERROR, msg);
		return;
	}
	if (o->json) {
		row_json_begin(t, file, name, kernel, ROW_ERROR);
		fprintf(out, ",\"message\":");
		fl_json_str(out, msg);
		fprintf(out, "}");
		return;
	}
	row_text(name, kernel, "-", "ERROR");
	fprintf(out, "    %s\n", msg);
}

static void test_file(struct tally *t, const struct fl_cli_opts *o, const char *path)
{
	static struct fl_scenario sc;
	char err[768];

	if (fl_cli_load_err(path, &sc, err, sizeof(err))) {
		row_error(t, o, path, path, "-", err);
		return;
	}
	if (sc.nexpect == 0) {
		t->n[ROW_NO_EXPECT]++;
		keep(t, o, sc.file, sc.name, "-", ROW_NO_EXPECT, "the file has no expect lines", 0);
		if (o->tap)
			tap_row(t, sc.name, "-", ROW_NO_EXPECT, "the file has no expect lines");
		else if (o->json) {
			row_json_begin(t, sc.file, sc.name, "-", ROW_NO_EXPECT);
			fprintf(out, "}");
		} else {
			row_text(sc.name, "-", "-", "NO EXPECTATIONS");
		}
		return;
	}
	for (int e = 0; e < sc.nexpect; e++) {
		const struct fl_lit_expect *x = &sc.expect[e];
		struct fl_explore_result res;
		struct fl_config cfg;
		char got[256], want[256], b[128];
		enum row_kind k;

		/* The expect line was checked by the parser, so this cannot fail for a bad name. */
		if (fl_cli_config(o, NULL, x, &cfg)) {
			row_error(t, o, sc.file, sc.name, "-", "no configuration for this expect line");
			continue;
		}
		if (fl_cli_explore_err(&sc, &cfg, o, &res, err, sizeof(err))) {
			row_error(t, o, sc.file, sc.name, cfg.name, err);
			continue;
		}
		switch (fl_cli_verdict(x->props, &res)) {
		case FL_VERDICT_PASS:
			k = ROW_OK;
			break;
		case FL_VERDICT_MISMATCH:
			k = ROW_MISMATCH;
			break;
		default:
			k = ROW_INCOMPLETE;
			break;
		}
		t->n[k]++;
		fl_cli_props_str(res.found, got, sizeof(got));
		fl_cli_props_str(x->props, want, sizeof(want));
		fl_cli_bound_str(o, fl_cli_bound(o, &sc), b, sizeof(b));
		if (k == ROW_OK) {
			keep(t, o, sc.file, sc.name, cfg.name, k, "", res.seconds);
		} else {
			char msg[1024];
			int len = snprintf(msg, sizeof(msg), "found %s, expected %s (%s:%d)", got, want, sc.file,
					   x->loc.line);

			if (!res.complete && len > 0 && len < (int)sizeof(msg))
				snprintf(msg + len, sizeof(msg) - (size_t)len, "; search %s (%s)", res.stop_reason, b);
			keep(t, o, sc.file, sc.name, cfg.name, k, msg, res.seconds);
			if (o->tap) {
				tap_row(t, sc.name, cfg.name, k, msg);
				continue;
			}
		}
		if (o->tap) {
			tap_row(t, sc.name, cfg.name, k, NULL);
			continue;
		}
		if (o->json) {
			row_json_begin(t, sc.file, sc.name, cfg.name, k);
			fprintf(out, ",\"found\":\"%s\",\"expected\":\"%s\",\"line\":%d,\"complete\":%s,\"executions\":%llu,"
			       "\"seconds\":%.6f", got, want, x->loc.line, res.complete ? "true" : "false",
			       (unsigned long long)res.executions, res.seconds);
			if (!res.complete) {
				fprintf(out, ",\"stop_reason\":");
				fl_json_str(out, res.stop_reason);
			}
			fprintf(out, "}");
			continue;
		}
		if (k == ROW_OK) {
			row_text(sc.name, cfg.name, got, "ok");
			continue;
		}
		fprintf(out, "%-44s %-30s %-34s %s: expected %s (%s:%d)", sc.name, cfg.name, got,
		       k == ROW_MISMATCH ? "MISMATCH" : "INCOMPLETE", want, sc.file, x->loc.line);
		if (!res.complete)
			fprintf(out, "; search %s (%s)", res.stop_reason, b);
		fprintf(out, "\n");
	}
}

/* How many rows a file gives: one per expect line, or one (an error, no expectations). */
static int count_rows(const char *path)
{
	static struct fl_scenario sc;
	char err[768];

	if (fl_cli_load_err(path, &sc, err, sizeof(err)) || sc.nexpect == 0)
		return 1;
	return sc.nexpect;
}

/*
 * The JUnit XML report: one <testsuite> per .litmus file (its rows are
 * written together), one <testcase> per row: classname the file's path,
 * name "test [kernel]".  MISMATCH and INCOMPLETE are <failure>s, ERROR an
 * <error>; tests/junit/junit.xsd is the schema CI holds it to.
 */
static int write_junit(const char *path, const struct tally *t)
{
	char host[256] = "localhost", stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	FILE *f = fopen(path, "w");
	int id = 0;

	if (!f) {
		fprintf(stderr, "faultline test: --junit %s: cannot write it\n", path);
		return -1;
	}
	if (gethostname(host, sizeof(host) - 1) || !host[0])
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = '\0';
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
	for (int i = 0; i < t->nrows;) {
		int j = i, fails = 0, errors = 0;
		double secs = 0;

		while (j < t->nrows && !strcmp(t->rows[j].file, t->rows[i].file)) {
			fails += t->rows[j].kind == ROW_MISMATCH || t->rows[j].kind == ROW_INCOMPLETE ||
				 t->rows[j].kind == ROW_NO_EXPECT;
			errors += t->rows[j].kind == ROW_ERROR;
			secs += t->rows[j].seconds;
			j++;
		}
		fprintf(f, "  <testsuite package=\"faultline\" id=\"%d\" name=\"", id++);
		fl_xml_str(f, t->rows[i].file);
		fprintf(f, "\" timestamp=\"%s\" hostname=\"", stamp);
		fl_xml_str(f, host);
		fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" time=\"%.6f\">\n", j - i, fails, errors,
			secs);
		fprintf(f, "    <properties><property name=\"test\" value=\"");
		fl_xml_str(f, t->rows[i].name);
		fprintf(f, "\"/></properties>\n");
		for (int k = i; k < j; k++) {
			const struct row *r = &t->rows[k];

			fprintf(f, "    <testcase classname=\"");
			fl_xml_str(f, r->file);
			fprintf(f, "\" name=\"");
			fl_xml_str(f, r->name);
			fprintf(f, " [");
			fl_xml_str(f, r->kernel);
			fprintf(f, "]\" time=\"%.6f\"", r->seconds);
			if (r->kind == ROW_OK) {
				fprintf(f, "/>\n");
				continue;
			}
			fprintf(f, ">\n      <%s type=\"%s\" message=\"", r->kind == ROW_ERROR ? "error" : "failure",
				row_json[r->kind]);
			fl_xml_str(f, r->msg);
			fprintf(f, "\">");
			fl_xml_str(f, r->msg);
			fprintf(f, "</%s>\n    </testcase>\n", r->kind == ROW_ERROR ? "error" : "failure");
		}
		fprintf(f, "    <system-out/>\n    <system-err/>\n  </testsuite>\n");
		i = j;
	}
	fprintf(f, "</testsuites>\n");
	if (fclose(f)) {
		fprintf(stderr, "faultline test: --junit %s: write failed\n", path);
		return -1;
	}
	return 0;
}

/* One file's rows, from a worker: its tallies, then its text. */
struct file_result {
	int n[5];
	char *text;
	size_t len;
	bool done;
};

static bool xread(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t r = read(fd, p, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		p += r;
		len -= (size_t)r;
	}
	return true;
}

static bool xwrite(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t r = write(fd, p, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		p += r;
		len -= (size_t)r;
	}
	return true;
}

/* A worker: take the next file nobody has taken, test it into a buffer, send it; until none is left. */
static void test_worker(int fd, int *next, struct fl_cli_opts *o, char **files, int nfiles)
{
	for (;;) {
		int i = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED);
		struct tally t = { .json_first = false };	/* the parent drops the first row's comma */
		char *buf = NULL;
		size_t len = 0;

		if (i >= nfiles)
			break;
		out = open_memstream(&buf, &len);
		if (!out)
			_exit(1);
		test_file(&t, o, files[i]);
		fclose(out);
		if (!xwrite(fd, &i, sizeof(i)) || !xwrite(fd, t.n, sizeof(t.n)) || !xwrite(fd, &len, sizeof(len)) ||
		    !xwrite(fd, buf, len))
			_exit(1);
		free(buf);
	}
	_exit(0);
}

/*
 * -j N: N worker processes take files in turn (a shared counter), and the
 * rows are printed in file order as they arrive, as one process would.
 * Each search runs in one worker (-j does not split it further here).
 */
static int test_files_jobs(struct tally *t, struct fl_cli_opts *o, char **files, int nfiles)
{
	int jobs = o->jobs < nfiles ? o->jobs : nfiles, *next, printed = 0, open_fds = 0;
	struct file_result *fr = calloc((size_t)nfiles, sizeof(*fr));
	struct pollfd pfd[FL_MAX_JOBS];
	pid_t pids[FL_MAX_JOBS];

	next = mmap(NULL, sizeof(*next), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!fr || next == MAP_FAILED) {
		fprintf(stderr, "faultline test: -j: %s\n", strerror(errno));
		free(fr);
		return -1;
	}
	*next = 0;
	o->jobs = 1;
	fflush(NULL);
	for (int w = 0; w < jobs; w++) {
		int p[2];

		if (pipe(p) || (pids[w] = fork()) < 0) {
			fprintf(stderr, "faultline test: -j: %s\n", strerror(errno));
			exit(FL_EXIT_USAGE);
		}
		if (pids[w] == 0) {
			close(p[0]);
			for (int v = 0; v < w; v++)
				close(pfd[v].fd);
			test_worker(p[1], next, o, files, nfiles);
		}
		close(p[1]);
		pfd[w] = (struct pollfd){ .fd = p[0], .events = POLLIN };
		open_fds++;
	}
	while (open_fds) {
		if (poll(pfd, (nfds_t)jobs, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int w = 0; w < jobs; w++) {
			int i;
			struct file_result r = { 0 };

			if (pfd[w].fd < 0 || !(pfd[w].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (!xread(pfd[w].fd, &i, sizeof(i)) || i < 0 || i >= nfiles || !xread(pfd[w].fd, r.n, sizeof(r.n)) ||
			    !xread(pfd[w].fd, &r.len, sizeof(r.len)) || !(r.text = malloc(r.len + 1)) ||
			    !xread(pfd[w].fd, r.text, r.len)) {
				free(r.text);
				close(pfd[w].fd);
				pfd[w].fd = -1;
				open_fds--;
				continue;
			}
			r.done = true;
			fr[i] = r;
		}
		for (; printed < nfiles && fr[printed].done; printed++) {
			const char *s = fr[printed].text;
			size_t len = fr[printed].len;

			if (o->json && t->json_first && len && s[0] == ',') {
				s++;
				len--;
			}
			if (len)
				t->json_first = false;
			fwrite(s, 1, len, stdout);
			fflush(stdout);
			for (int k = 0; k < 5; k++)
				t->n[k] += fr[printed].n[k];
			free(fr[printed].text);
		}
	}
	for (int w = 0; w < jobs; w++) {
		int st;

		while (waitpid(pids[w], &st, 0) < 0 && errno == EINTR)
			;
	}
	munmap(next, sizeof(*next));
	for (int i = printed; i < nfiles; i++) {
		/* A worker died before sending this file: an error row, never a silent pass. */
		t->n[ROW_ERROR]++;
		fprintf(stdout, o->json ? "%s\n  {\"file\":\"%s\",\"verdict\":\"error\",\"message\":\"a -j worker died\"}"
				      : "%s%s: ERROR: a -j worker died before reporting it\n",
			o->json ? (t->json_first ? "" : ",") : "", files[i]);
		t->json_first = false;
		free(fr[i].text);
	}
	free(fr);
	return 0;
}

int fl_cmd_test(int argc, char **argv)
{
	static char *files[FL_LITMUS_MAX_FILES];
	const char **paths;
	struct fl_cli_opts o;
	struct tally t = { .json_first = true };
	int npaths, nfiles = 0, failed;

	if (fl_cli_parse(argc, argv, &o, &paths, &npaths))
		return FL_EXIT_USAGE;
	for (int i = 0; i < npaths; i++) {
		int before = nfiles;

		if (fl_litmus_collect(paths[i], files, &nfiles))
			return FL_EXIT_USAGE;
		/* A typo in a directory name must not pass as "0 failed". */
		if (nfiles == before) {
			fprintf(stderr, "faultline test: %s: no .litmus files\n", paths[i]);
			return FL_EXIT_USAGE;
		}
	}
	if (o.tap) {
		int total = 0;

		for (int i = 0; i < nfiles; i++)
			total += count_rows(files[i]);
		printf("TAP version 13\n1..%d\n", total);
	} else if (o.json)
		printf("{\"rows\":[");
	else
		printf("%-44s %-30s %-34s %s\n", "test", "kernel", "found", "verdict");
	out = stdout;
	if (o.jobs > 1 && nfiles > 1) {
		if (test_files_jobs(&t, &o, files, nfiles))
			return FL_EXIT_USAGE;
	} else {
		for (int i = 0; i < nfiles; i++) {
			test_file(&t, &o, files[i]);
			fflush(stdout);
		}
	}
	for (int i = 0; i < nfiles; i++)
		free(files[i]);
	failed = t.n[ROW_MISMATCH] + t.n[ROW_INCOMPLETE] + t.n[ROW_NO_EXPECT];
	if (o.junit && write_junit(o.junit, &t))
		return FL_EXIT_USAGE;
	for (int i = 0; i < t.nrows; i++) {
		free(t.rows[i].file);
		free(t.rows[i].name);
		free(t.rows[i].kernel);
		free(t.rows[i].msg);
	}
	free(t.rows);
	if (o.tap) {
		printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:%d\n", t.n[ROW_OK], failed,
		       t.n[ROW_ERROR]);
	} else if (o.json) {
		printf("\n ],\n \"passed\":%d,\"mismatch\":%d,\"incomplete\":%d,\"no_expectations\":%d,\"errors\":%d}\n",
		       t.n[ROW_OK], t.n[ROW_MISMATCH], t.n[ROW_INCOMPLETE], t.n[ROW_NO_EXPECT], t.n[ROW_ERROR]);
	} else {
		printf("%d passed, %d failed (%d mismatch, %d incomplete, %d without expectations), %d error%s\n",
		       t.n[ROW_OK], failed, t.n[ROW_MISMATCH], t.n[ROW_INCOMPLETE], t.n[ROW_NO_EXPECT], t.n[ROW_ERROR],
		       t.n[ROW_ERROR] == 1 ? "" : "s");
	}
	if (t.n[ROW_ERROR])
		return FL_EXIT_USAGE;
	return failed ? FL_EXIT_FAIL : FL_EXIT_OK;
}
