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
/* A JSON string literal (always valid JSON: bytes that are not UTF-8 become U+FFFD). */
void fl_json_str(FILE *f, const char *s);
/* Escaped text for XML attributes and elements (JUnit, HTML). */
void fl_xml_str(FILE *f, const char *s);
/* The length of the valid UTF-8 sequence at @s, or 0. */
int fl_utf8_len(const unsigned char *s);

#endif
