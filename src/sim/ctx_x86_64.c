/* SPDX-License-Identifier: MIT */
/*
 * sim/ctx_x86_64.c - System V x86-64 context switch.  Included by ctx.c.
 *
 * Only the callee-saved registers (rbx, rbp, r12-r15) and the stack
 * pointer need saving: fl_ctx_switch is an ordinary call, so the compiler
 * already assumes every other register is clobbered.  The simulated code
 * never changes the x87/SSE control words, so those are not saved.
 */
#include <stdint.h>

__asm__(
	".text\n"
	".globl fl_ctx_switch_asm\n"
	".hidden fl_ctx_switch_asm\n"
	".type fl_ctx_switch_asm,@function\n"
	"fl_ctx_switch_asm:\n"
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	movq %rsp, (%rdi)\n"
	"	movq (%rsi), %rsp\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	ret\n"
	".size fl_ctx_switch_asm, .-fl_ctx_switch_asm\n"
	/* First switch into a new context lands here: entry in rbx, arg in r12. */
	".globl fl_ctx_trampoline\n"
	".hidden fl_ctx_trampoline\n"
	".type fl_ctx_trampoline,@function\n"
	"fl_ctx_trampoline:\n"
	"	movq %r12, %rdi\n"
	"	callq *%rbx\n"
	"	ud2\n"
	".size fl_ctx_trampoline, .-fl_ctx_trampoline\n");

void fl_ctx_trampoline(void);
void fl_ctx_switch_asm(struct fl_ctx *from, struct fl_ctx *to);

static void ctx_switch_raw(struct fl_ctx *from, struct fl_ctx *to)
{
	fl_ctx_switch_asm(from, to);
}

static void ctx_init_raw(struct fl_ctx *c, void *stack, size_t size, void (*entry)(void *), void *arg)
{
	uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
	uint64_t *sp = (uint64_t *)(top - 72);

	/*
	 * Layout popped by fl_ctx_switch: r15 r14 r13 r12 rbx rbp, then the
	 * return address.  After the ret, rsp = top - 16: 16-byte aligned, as
	 * the ABI wants right before the trampoline's call.
	 */
	sp[0] = 0;			/* r15 */
	sp[1] = 0;			/* r14 */
	sp[2] = 0;			/* r13 */
	sp[3] = (uint64_t)(uintptr_t)arg;	/* r12 */
	sp[4] = (uint64_t)(uintptr_t)entry;	/* rbx */
	sp[5] = 0;			/* rbp */
	sp[6] = (uint64_t)(uintptr_t)fl_ctx_trampoline;
	sp[7] = 0;
	c->sp = sp;
}

const char *fl_ctx_backend(void)
{
	return "x86_64";
}
