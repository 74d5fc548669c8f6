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
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "litmus/corpus.h"
#include "report/report.h"

enum row_kind { ROW_OK, ROW_MISMATCH, ROW_INCOMPLETE, ROW_ERROR, ROW_NO_EXPECT };

struct tally {
	int n[5];
	bool json_first;
};

static FILE *out;	/* stdout, or a worker's buffer for one file (-j) */

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
		if (o->json) {
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
	if (o.json)
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
	if (o.json) {
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
