/* SPDX-License-Identifier: MIT */
/*
 * sim/ctx_aarch64.c - AAPCS64 context switch.  Included by ctx.c.
 *
 * Saves the callee-saved x19-x30 and d8-d15 on the stack and swaps sp.
 * Not exercised by CI (which runs on x86-64); build with
 * -DFL_CTX_FORCE_UCONTEXT to fall back if it misbehaves.
 */
#include <stdint.h>

__asm__(
	".text\n"
	".globl fl_ctx_switch_asm\n"
	".hidden fl_ctx_switch_asm\n"
	".type fl_ctx_switch_asm,%function\n"
	"fl_ctx_switch_asm:\n"
	"	sub sp, sp, #160\n"
	"	stp x19, x20, [sp, #0]\n"
	"	stp x21, x22, [sp, #16]\n"
	"	stp x23, x24, [sp, #32]\n"
	"	stp x25, x26, [sp, #48]\n"
	"	stp x27, x28, [sp, #64]\n"
	"	stp x29, x30, [sp, #80]\n"
	"	stp d8, d9, [sp, #96]\n"
	"	stp d10, d11, [sp, #112]\n"
	"	stp d12, d13, [sp, #128]\n"
	"	stp d14, d15, [sp, #144]\n"
	"	mov x9, sp\n"
	"	str x9, [x0]\n"
	"	ldr x9, [x1]\n"
	"	mov sp, x9\n"
	"	ldp x19, x20, [sp, #0]\n"
	"	ldp x21, x22, [sp, #16]\n"
	"	ldp x23, x24, [sp, #32]\n"
	"	ldp x25, x26, [sp, #48]\n"
	"	ldp x27, x28, [sp, #64]\n"
	"	ldp x29, x30, [sp, #80]\n"
	"	ldp d8, d9, [sp, #96]\n"
	"	ldp d10, d11, [sp, #112]\n"
	"	ldp d12, d13, [sp, #128]\n"
	"	ldp d14, d15, [sp, #144]\n"
	"	add sp, sp, #160\n"
	"	ret\n"
	".size fl_ctx_switch_asm, .-fl_ctx_switch_asm\n"
	".globl fl_ctx_trampoline\n"
	".hidden fl_ctx_trampoline\n"
	".type fl_ctx_trampoline,%function\n"
	"fl_ctx_trampoline:\n"
	"	mov x0, x20\n"
	"	blr x19\n"
	"	brk #0\n"
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
	uint64_t *sp = (uint64_t *)(top - 160);

	for (int i = 0; i < 20; i++)
		sp[i] = 0;
	sp[0] = (uint64_t)(uintptr_t)entry;	/* x19 */
	sp[1] = (uint64_t)(uintptr_t)arg;	/* x20 */
	sp[11] = (uint64_t)(uintptr_t)fl_ctx_trampoline;	/* x30: ret goes here */
	c->sp = sp;
}

const char *fl_ctx_backend(void)
{
	return "aarch64";
}
