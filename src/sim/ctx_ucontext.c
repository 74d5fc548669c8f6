/* SPDX-License-Identifier: MIT */
/* sim/ctx_ucontext.c - portable fallback (one syscall per switch).  Included by ctx.c. */
#include <stdint.h>

static void (*uc_entry)(void *);

static void uc_trampoline(unsigned int hi, unsigned int lo)
{
	void *arg = (void *)(((uintptr_t)hi << 16 << 16) | (uintptr_t)lo);

	uc_entry(arg);
}

static void ctx_init_raw(struct fl_ctx *c, void *stack, size_t size, void (*entry)(void *), void *arg)
{
	uintptr_t a = (uintptr_t)arg;

	uc_entry = entry;	/* one entry function for every thread in faultline */
	getcontext(&c->uc);
	c->uc.uc_stack.ss_sp = stack;
	c->uc.uc_stack.ss_size = size;
	c->uc.uc_link = NULL;
	makecontext(&c->uc, (void (*)(void))uc_trampoline, 2,
		    (unsigned int)(a >> 16 >> 16), (unsigned int)(a & 0xffffffffu));
}

static void ctx_switch_raw(struct fl_ctx *from, struct fl_ctx *to)
{
	swapcontext(&from->uc, &to->uc);
}

const char *fl_ctx_backend(void)
{
	return "ucontext";
}
