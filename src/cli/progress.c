/* SPDX-License-Identifier: MIT */
/*
 * cli/progress.c - the live status line of a long search.
 *
 * A search that runs for more than a second redraws one line on stderr
 * (about ten times a second, when the explorer reports): the test and
 * kernel, executions, their rate, the preemption bound of the pass under
 * way (iterative bounding searches 0, 1, ..., B), and what can be said
 * about the time left.  Only on a terminal and without --quiet: a pipe or
 * a log file gets nothing, so `make check` output and JSON stay clean.
 *
 * The estimates are labelled for what they are.  The --max-executions cap
 * gives a true upper bound on the time left.  Each bounded pass re-explores
 * the one before, and the passes have grown by a similar factor in the
 * corpus, so from the third pass on the next ones are extrapolated from
 * the growth between the last two: a guess, marked "~".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/cli.h"

#define SHOW_AFTER	1.0	/* seconds: short searches never draw the line */

/* FAULTLINE_STATUS_AFTER=SECONDS overrides SHOW_AFTER, so that tests/check_cli.sh need not wait. */
static double show_after(void)
{
	const char *e = getenv("FAULTLINE_STATUS_AFTER");

	return e && *e ? atof(e) : SHOW_AFTER;
}

static void fmt_count(char *buf, size_t len, double n)
{
	if (n >= 1e9)
		snprintf(buf, len, "%.2fG", n / 1e9);
	else if (n >= 1e6)
		snprintf(buf, len, "%.2fM", n / 1e6);
	else if (n >= 1e4)
		snprintf(buf, len, "%.1fk", n / 1e3);
	else
		snprintf(buf, len, "%.0f", n);
}

static void fmt_time(char *buf, size_t len, double s)
{
	if (s < 90)
		snprintf(buf, len, "%.0f s", s);
	else if (s < 90 * 60)
		snprintf(buf, len, "%.0f min", s / 60);
	else if (s < 48 * 3600)
		snprintf(buf, len, "%.1f h", s / 3600);
	else
		snprintf(buf, len, "%.0f days", s / 86400);
}

/*
 * Executions the unfinished passes still need, extrapolated from the last
 * two complete ones (growth g per bound), or -1 when there is no basis.
 */
static double guess_left(const struct fl_progress *p)
{
	double a = (double)p->prev_pass[1], b = (double)p->prev_pass[0], g, pass, left;
	double done = (double)(p->executions + p->pruned - p->pass_start);

	if (p->bound < 2 || a <= 0 || b <= 0)
		return -1;
	g = b / a;
	if (g < 1)
		g = 1;	/* a pass never explores less than the one before */
	pass = b * g;
	if (done > pass)
		return -1;	/* already past the guess: it says nothing */
	left = pass - done;
	for (int k = p->bound + 1; k <= p->max_bound; k++) {
		pass *= g;
		left += pass;
	}
	return left;
}

static int term_width(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		return ws.ws_col;
	return 80;
}

static void draw(void *ctx, const struct fl_progress *p)
{
	struct fl_cli_progress *pg = ctx;
	char line[512], ex[32], rate[32], t[32];
	double runs = (double)(p->executions + p->pruned);
	double speed = p->seconds > 0 ? runs / p->seconds : 0;
	int o, width;

	if (p->seconds < pg->after)
		return;
	fmt_count(ex, sizeof(ex), (double)p->executions);
	fmt_count(rate, sizeof(rate), speed);
	fmt_time(t, sizeof(t), p->seconds);
	/* The figures first and the label last, so a narrow terminal cuts the label. */
	o = snprintf(line, sizeof(line), "%s executions, %s/s, ", ex, rate);
	if (p->bound >= 0 && p->max_bound >= 0)
		o += snprintf(line + o, sizeof(line) - (size_t)o, "preemptions %d of %d, ", p->bound, p->max_bound);
	else if (p->max_bound >= 0)	/* the unbounded probe first (docs/explorer.md) */
		o += snprintf(line + o, sizeof(line) - (size_t)o, "unbounded probe to %d preemptions, ", p->max_bound);
	o += snprintf(line + o, sizeof(line) - (size_t)o, "%s", t);
	if (speed > 0) {
		double guess = guess_left(p);

		if (guess >= 0) {
			fmt_time(t, sizeof(t), guess / speed);
			o += snprintf(line + o, sizeof(line) - (size_t)o, ", ~%s left", t);
		}
		if (p->max_executions && runs < (double)p->max_executions) {
			fmt_time(t, sizeof(t), ((double)p->max_executions - runs) / speed);
			o += snprintf(line + o, sizeof(line) - (size_t)o, ", cap in %s", t);
		}
	}
	o += snprintf(line + o, sizeof(line) - (size_t)o, "  [%s]", pg->label);
	/* One screen line, or \r would not get back to its start. */
	width = term_width() - 1;
	if (o > width && width < (int)sizeof(line))
		line[width] = '\0';
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	pg->shown = true;
}

void fl_cli_progress_begin(struct fl_cli_progress *pg, const struct fl_cli_opts *o, const char *label,
			   struct fl_explore_opts *eo)
{
	snprintf(pg->label, sizeof(pg->label), "%s", label);
	pg->shown = false;
	if (o->quiet || !isatty(STDERR_FILENO))
		return;
	pg->after = show_after();
	eo->progress = draw;
	eo->progress_ctx = pg;
}

void fl_cli_progress_end(struct fl_cli_progress *pg)
{
	if (pg->shown) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
	pg->shown = false;
}
