/* SPDX-License-Identifier: MIT */
/*
 * sim/log.h - the event log of one execution.
 *
 * Kernel and hardware code describe what they did with FL_TRACE(); the
 * line is kept only while a trace is being recorded (a counterexample or
 * `faultline replay`), so exploration pays one predictable branch.  Each
 * line remembers the step, the thread and the emitting function, whose
 * fl_ prefix is dropped so that the trace names the kernel function.
 */
#ifndef FL_SIM_LOG_H
#define FL_SIM_LOG_H

#include <stdbool.h>
#include <stdint.h>

#define FL_LOG_MAX	4096
#define FL_LOG_TEXT	112

struct fl_log_line {
	uint32_t step;		/* 0 for the init phase */
	int8_t tid;		/* -1: init or harness */
	char fn[32];
	char text[FL_LOG_TEXT];
	const char *src;	/* the model source file and line that emitted it (HTML view) */
	uint16_t src_line;
};

struct fl_log {
	int n;
	bool overflow;
	struct fl_log_line line[FL_LOG_MAX];
};

extern bool fl_tracing;
extern struct fl_log fl_log;

void fl_log_reset(void);

/*
 * Address naming for traces and messages: the litmus layer installs a
 * formatter that says "A+9" instead of a virtual page number.  fl_va()
 * names a page, fl_vaw() a word; both return one of a few rotating
 * static buffers, so several may appear in one FL_TRACE.
 */
extern void (*fl_log_addr_fmt)(int vpn, int word, char *buf, int len);
const char *fl_va(int vpn);
const char *fl_vaw(int vpn, int word);
void fl_trace_emit(const char *fn, const char *src, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define FL_TRACE(...)	do { if (__builtin_expect(fl_tracing, 0)) \
		fl_trace_emit(__func__, __FILE__, __LINE__, __VA_ARGS__); } while (0)
/* The same, attributed to @fn: a helper speaking for the kernel function it is part of. */
#define FL_TRACE_AS(fn, ...)	do { if (__builtin_expect(fl_tracing, 0)) \
		fl_trace_emit(fn, __FILE__, __LINE__, __VA_ARGS__); } while (0)

/* A fatal model bug (never a scenario error): message and abort. */
void fl_model_bug(const char *fn, const char *msg) __attribute__((noreturn));
#define FL_BUG_ON(cond, msg)	do { if (__builtin_expect(!!(cond), 0)) fl_model_bug(__func__, msg); } while (0)

#endif
