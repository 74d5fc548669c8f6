/* SPDX-License-Identifier: MIT */
/* sim/log.c - the event log (see log.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/log.h"
#include "sim/sim.h"

bool fl_tracing;
struct fl_log fl_log;
void (*fl_log_addr_fmt)(int vpn, int word, char *buf, int len);

static char *next_buf(void)
{
	static char bufs[8][48];
	static unsigned i;

	return bufs[i++ % 8];
}

const char *fl_vaw(int vpn, int word)
{
	char *b = next_buf();

	if (fl_log_addr_fmt)
		fl_log_addr_fmt(vpn, word, b, 48);
	else if (word < 0)
		snprintf(b, 48, "vpn %d", vpn);
	else
		snprintf(b, 48, "vpn %d word %d", vpn, word);
	return b;
}

const char *fl_va(int vpn)
{
	return fl_vaw(vpn, -1);
}

void fl_log_reset(void)
{
	fl_log.n = 0;
	fl_log.overflow = false;
}

void fl_trace_emit(const char *fn, const char *src, int line, const char *fmt, ...)
{
	struct fl_log_line *l;
	va_list ap;

	if (fl_log.n >= FL_LOG_MAX) {
		fl_log.overflow = true;
		return;
	}
	l = &fl_log.line[fl_log.n++];
	l->step = (uint32_t)fl_sim.step;
	l->tid = (int8_t)fl_sim.cur;
	if (strncmp(fn, "fl_", 3) == 0)
		fn += 3;
	snprintf(l->fn, sizeof(l->fn), "%s", fn);
	l->src = src;
	l->src_line = (uint16_t)(line > 0xffff ? 0xffff : line);
	va_start(ap, fmt);
	vsnprintf(l->text, sizeof(l->text), fmt, ap);
	va_end(ap);
}

void fl_model_bug(const char *fn, const char *msg)
{
	fprintf(stderr, "faultline: internal model error in %s: %s (step %llu, thread %d)\n",
		fn, msg, (unsigned long long)fl_sim.step, fl_sim.cur);
	abort();
}
