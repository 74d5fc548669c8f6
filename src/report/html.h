/* SPDX-License-Identifier: MIT */
/*
 * report/html.h - one execution as a self-contained HTML page
 * (`faultline run --kernel V --html OUT`, `faultline replay ... --html OUT`).
 *
 * The execution is replayed once more with tracing on, through the
 * explorers' one run loop (fl_execute) with a scheduler that follows the
 * schedule and records, for every step, the thread, the footprint it
 * announced and, after it ran, the state of the objects in that footprint:
 * PTEs (with the page they map and every TLB entry caching them), TLBs,
 * struct pages (refcount, mapcount, flags, pins), locks.  Nothing in mm/
 * is touched: the state is read between steps.
 *
 * The page has no external resource: styles, script and data are inline.
 */
#ifndef FL_REPORT_HTML_H
#define FL_REPORT_HTML_H

#include "litmus/ast.h"
#include "policy/policy.h"

/*
 * Write the page for the execution @schedule of @sc under @pol to @path.
 * @config names the configuration ("v5.10+clear_refs_flush=flush_mm"),
 * @replay is the command that replays it.  Returns 0, or -1 with @err set.
 */
int fl_report_html(const char *path, const struct fl_scenario *sc, const struct fl_policy *pol, const char *config,
		   const char *schedule, const char *replay, char *err, int errlen);

#endif
