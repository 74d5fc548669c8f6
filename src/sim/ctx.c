/* SPDX-License-Identifier: MIT */
/* sim/ctx.c - pick exactly one context-switch backend (see ctx.h). */
#include "sim/ctx.h"

#if defined(FL_CTX_UCONTEXT)
#include "sim/ctx_ucontext.c"
#elif defined(__x86_64__)
#include "sim/ctx_x86_64.c"
#else
#include "sim/ctx_aarch64.c"
#endif
