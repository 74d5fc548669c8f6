/* SPDX-License-Identifier: MIT */
/*
 * sim/ctx.h - user-level context switching for simulated threads.
 *
 * One backend is compiled in by ctx.c through a single #include (as redis
 * picks its ae backend): hand-written switch code for x86-64 and aarch64,
 * and ucontext as the portable fallback.  swapcontext() saves the signal
 * mask with a system call on every switch, which is why it is only the
 * fallback: the explorer switches twice per scheduled step.
 */
#ifndef FL_SIM_CTX_H
#define FL_SIM_CTX_H

#include <stddef.h>

#if defined(FL_CTX_FORCE_UCONTEXT) || !(defined(__x86_64__) || defined(__aarch64__))
#include <ucontext.h>
#define FL_CTX_UCONTEXT 1
#endif

struct fl_ctx {
#ifdef FL_CTX_UCONTEXT
	ucontext_t uc;
#else
	void *sp;	/* saved stack pointer; callee-saved registers live on the stack */
#endif
	/*
	 * The stack the context runs on, for AddressSanitizer's fiber
	 * annotations (ctx.c); for the context that was never initialised
	 * (the scheduler's, on the process stack) it is learnt at its first
	 * switch.  And what the first switch calls.
	 */
	void *stack;
	size_t size;
	void (*entry)(void *);
	void *arg;
};

/*
 * Prepare @c so that the first switch to it calls entry(arg) on @stack.
 * entry must never return: it switches away for the last time instead.
 */
void fl_ctx_init(struct fl_ctx *c, void *stack, size_t size, void (*entry)(void *), void *arg);
/* Save the current context in @from and resume @to. */
void fl_ctx_switch(struct fl_ctx *from, struct fl_ctx *to);
/* Name of the compiled-in backend ("x86_64", "aarch64", "ucontext"). */
const char *fl_ctx_backend(void);

#endif
