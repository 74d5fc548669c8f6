/* SPDX-License-Identifier: MIT */
/*
 * sim/ctx.c - pick exactly one context-switch backend (see ctx.h), and tell
 * AddressSanitizer about every switch.
 *
 * Each backend provides ctx_init_raw() and ctx_switch_raw().  Under ASan,
 * a switch to another stack must be announced
 * (__sanitizer_start_switch_fiber) and completed on the new stack
 * (__sanitizer_finish_switch_fiber), or ASan takes the new stack for a
 * stack overflow and its no-return bookkeeping reports false positives.
 * With the annotations the sanitizer tiers run the hand-written switch that
 * ships, instead of ucontext and its system call per switch.
 */
#include "sim/ctx.h"

#if defined(__SANITIZE_ADDRESS__)
#define FL_CTX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FL_CTX_ASAN 1
#endif
#endif

#ifdef FL_CTX_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

static void ctx_init_raw(struct fl_ctx *c, void *stack, size_t size, void (*entry)(void *), void *arg);
static void ctx_switch_raw(struct fl_ctx *from, struct fl_ctx *to);

#if defined(FL_CTX_UCONTEXT)
#include "sim/ctx_ucontext.c"
#elif defined(__x86_64__)
#include "sim/ctx_x86_64.c"
#else
#include "sim/ctx_aarch64.c"
#endif

#ifdef FL_CTX_ASAN
/* The context that made the latest switch: whoever resumes learns its stack from ASan. */
static struct fl_ctx *switched_from;

static void finish_switch(void *fake_stack)
{
	const void *bottom;
	size_t size;

	__sanitizer_finish_switch_fiber(fake_stack, &bottom, &size);
	if (switched_from && !switched_from->stack) {
		switched_from->stack = (void *)bottom;
		switched_from->size = size;
	}
}
#endif

/* The first switch into a context lands here, on its own stack. */
static void ctx_start(void *arg)
{
	struct fl_ctx *c = arg;

#ifdef FL_CTX_ASAN
	finish_switch(NULL);
#endif
	c->entry(c->arg);
	__builtin_trap();	/* entry never returns (ctx.h) */
}

void fl_ctx_init(struct fl_ctx *c, void *stack, size_t size, void (*entry)(void *), void *arg)
{
	c->stack = stack;
	c->size = size;
	c->entry = entry;
	c->arg = arg;
#ifdef FL_CTX_ASAN
	/*
	 * A stack is reused by the next execution while frames of the last one
	 * never returned (a thread left blocked, or abandoned at a limit):
	 * their redzones are still poisoned.
	 */
	ASAN_UNPOISON_MEMORY_REGION(stack, size);
#endif
	ctx_init_raw(c, stack, size, ctx_start, c);
}

void fl_ctx_switch(struct fl_ctx *from, struct fl_ctx *to)
{
#ifdef FL_CTX_ASAN
	void *fake_stack = NULL;

	__sanitizer_start_switch_fiber(&fake_stack, to->stack, to->size);
	switched_from = from;
	ctx_switch_raw(from, to);
	finish_switch(fake_stack);
#else
	ctx_switch_raw(from, to);
#endif
}
