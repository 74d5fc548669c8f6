/* SPDX-License-Identifier: MIT */
/*
 * conform/known.h - known-open bugs, by a mechanical signature.
 *
 * A random batch (`faultline gen`) fails on any disagreement or violation
 * that is not explained.  Until a bug is fixed, its minimised reproducers
 * are explained by an entry of the known-open list: one line per
 * signature, read from any text file (docs/conform.md holds the list; the
 * lines that do not start with `known ` are ignored):
 *
 *   known ITEM [mode=seq|conc] [uses=OP,...] [lacks=OP,...] [shared=yes|no]
 *              [fact=FACT] [reg=OP] [host=V] [model=V] [prop=PROP] [error=TEXT...]
 *
 * ITEM names the bug (issue 14's item number, or fact-NAME for a recorded
 * host fact).  Every field given must hold, on the *minimised* file:
 *   uses / lacks  the file has every / none of these ops (litmus words;
 *                 `op*N` in uses: at least N of them);
 *   shared        some mmap of the file is (yes) / none is (no) MAP_SHARED;
 *   fact          the host fact was measured on this host (see known.c);
 *   reg           the differing register's final value was set by this op
 *                 (for a run that blocked: the op it blocked in, when known);
 *   host, model   its value on each side: a number, segv, pagemap flags
 *                 (present|exclusive, compared exactly on the compared
 *                 bits), `blocked` (the run blocked; then reg is not
 *                 used) or `*`;
 *   prop          (conc) the violated property, or `crash` (the model
 *                 aborted on an internal check);
 *   error         the backend's error message (seq), or the crash message
 *                 (conc, prop=crash), contains TEXT.
 * A sequential disagreement is explained when every register that differs
 * is matched by some entry; a concurrent violation when its property is.
 * No seed or file name appears in a signature.
 */
#ifndef FL_CONFORM_KNOWN_H
#define FL_CONFORM_KNOWN_H

#include <stdbool.h>
#include <stdint.h>

#include "check/props.h"
#include "litmus/ast.h"

#define FL_KNOWN_MAX 64
#define FL_KNOWN_PROP_CRASH FL_PROP__COUNT	/* prop=crash */

/* Host facts a signature may require. */
#define FL_FACT_NO_ZERO_PAGE	1u	/* a read fault on fresh anonymous memory maps an exclusive page */

enum fl_known_mode { FL_KNOWN_ANY, FL_KNOWN_SEQ, FL_KNOWN_CONC, FL_KNOWN_OFF /* matches nothing */ };

struct fl_known_val {
	bool any, blocked;
	uint64_t v;
};

struct fl_known {
	char item[24];
	enum fl_known_mode mode;
	uint64_t uses, lacks;		/* bit (1 << enum fl_lit_kind) */
	uint8_t uses_min[64];		/* uses: at least this many ops of the kind (0: 1) */
	uint32_t facts;
	int shared;			/* -1 any, 0 no shared mmap, 1 some shared mmap */
	int reg_kind;			/* -1: any */
	struct fl_known_val host, model;
	int prop;			/* -1: any */
	char error[128];
	int line;
};

struct fl_known_list {
	int n;
	struct fl_known e[FL_KNOWN_MAX];
};

/* Read every `known` line of @path.  0, or -1 with "path:line:col: message" in @err. */
int fl_known_load(const char *path, struct fl_known_list *l, char *err, int errlen);

/* One register that differs between the host and the model (slot -1: the blocked flag). */
struct fl_known_diff {
	int slot, reg;
	int kind;			/* the op that set its final value, -1 when none */
	uint64_t host, model;		/* masked values */
	bool host_set, model_set, host_blocked, model_blocked;
};

/* The entry that explains @d in @sc, or NULL. */
const struct fl_known *fl_known_match_diff(const struct fl_known_list *l, const struct fl_scenario *sc, uint32_t facts,
					   const struct fl_known_diff *d);
const struct fl_known *fl_known_match_error(const struct fl_known_list *l, const struct fl_scenario *sc,
					    uint32_t facts, const char *msg);
/* @msg: the crash message for prop=crash (an entry's error= must be in it), else "". */
const struct fl_known *fl_known_match_prop(const struct fl_known_list *l, const struct fl_scenario *sc, uint32_t facts,
					   int prop, const char *msg);

/* The kinds an op of @sc has, as a bit mask. */
uint64_t fl_known_uses(const struct fl_scenario *sc);

#endif
