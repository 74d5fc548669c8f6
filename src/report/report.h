/* SPDX-License-Identifier: MIT */
/*
 * report/report.h - render an execution's event log for people and tools.
 *
 * Text traces put each thread in its own column, headed by its CPU and
 * its ops, one row per logged event with the step number on the left, so
 * that the interleaving reads top to bottom (DESIGN.md's target shape).
 * Every row names the kernel function that produced it.
 */
#ifndef FL_REPORT_REPORT_H
#define FL_REPORT_REPORT_H

#include <stdio.h>

#include "litmus/ast.h"
#include "sim/log.h"

/* The column trace: @init (may be NULL) is the init block's log, @run the execution's. */
void fl_report_trace_text(FILE *f, const struct fl_scenario *sc, const struct fl_log *init,
			  const struct fl_log *run);
/* The same as a JSON array of {step, thread, cpu, fn, text}. */
void fl_report_trace_json(FILE *f, const struct fl_scenario *sc, const struct fl_log *run);
/* A JSON string literal. */
void fl_json_str(FILE *f, const char *s);

#endif
