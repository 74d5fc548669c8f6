/* SPDX-License-Identifier: MIT */
/*
 * conform/ddmin.h - delta debugging (Zeller and Hildebrandt, "Simplifying
 * and Isolating Failure-Inducing Input", TSE 2002) over the op lines of a
 * litmus file.
 *
 * The removable units are the lines that start with two spaces: one op
 * each, as conform/randgen.c writes them (init statements and thread ops).
 * Every other line (the header, `init {`, thread headers, closing braces)
 * stays.  The predicate gets the candidate text; it must say false for a
 * text that does not parse (a dropped mmap whose region is still used, a
 * dropped fork whose process is), so the result is always a valid file.
 */
#ifndef FL_CONFORM_DDMIN_H
#define FL_CONFORM_DDMIN_H

#include <stdbool.h>

typedef bool (*fl_ddmin_pred)(const char *text, void *ctx);

/*
 * Shrink @text (NUL-terminated, at most @len bytes with the NUL) in place
 * to a 1-minimal set of op lines for which @pred still holds, calling it
 * at most @max_tests times.  Returns the number of calls made.
 */
int fl_ddmin_lines(char *text, int len, fl_ddmin_pred pred, void *ctx, int max_tests);

#endif
