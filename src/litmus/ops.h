/* SPDX-License-Identifier: MIT */
/*
 * litmus/ops.h - every litmus op, written down once.
 *
 * FL_LIT_OPS(X) is the one list.  Everything else about an op is derived
 * from its row or is a function named after it, so that a row with a
 * missing piece fails the build (or tests/unit/test_ops.c), never runs:
 *
 *   X(KIND, name, dest, args, host, needs, gen)
 *
 *   KIND   the enum fl_lit_kind member, FL_OP_<KIND>.
 *   name   the litmus word.  It also names the function every layer
 *          defines for the op: model_<name>() in litmus/interp.c (what the
 *          model runs) and, for host ops, host_<name>() in host/agent.c.
 *   dest   what may stand left of '=' (enum fl_op_dest, FL_DEST_<dest>).
 *   args   the shape between the parentheses (enum fl_op_args,
 *          FL_ARGS_<args>).  The parser (parse_op.c) and the printer
 *          (ops.c, fl_op_str) both work from it, and a test prints every
 *          corpus op and parses it back, so the two cannot drift apart.
 *   host   HOST: the live-kernel backend runs it (host_<name>);
 *          NOHOST("why"): it cannot, and conform reports the test
 *          unsupported with that reason.
 *   needs  host features it needs beyond a plain Linux (FL_NEED_* mask);
 *          conform turns the test away, with the probe's reason, on a host
 *          that lacks one.
 *   gen    its weight in the random sequential generator (conform/
 *          randgen.c).  Every host op has one, except mmap: the generator
 *          lays out the regions itself.
 *
 * The synopsis of each op (its grammar) is in docs/litmus.md; a docs test
 * checks that every name here appears there.
 */
#ifndef FL_LITMUS_OPS_H
#define FL_LITMUS_OPS_H

#include <stdint.h>

#define FL_LIT_OPS(X)                                                                                  \
	X(MMAP, mmap, REGION, MMAP, HOST, 0, 0)                                                        \
	X(MUNMAP, munmap, NONE, RANGE, HOST, 0, 4)                                                     \
	X(MPROTECT, mprotect, NONE, PROTECT, HOST, 0, 6)                                               \
	X(READ, read, REG, ADDR, HOST, 0, 10)                                                          \
	X(WRITE, write, REG, WRITE, HOST, 0, 12)                                                       \
	X(GET_PAGE, get_page, NONE, ADDR,                                                              \
	  NOHOST("get_page/put_page: a bare page reference has no user-space interface"), 0, 0)       \
	X(PUT_PAGE, put_page, NONE, ADDR,                                                              \
	  NOHOST("get_page/put_page: a bare page reference has no user-space interface"), 0, 0)       \
	X(CLEAR_REFS, clear_refs, NONE, CLEAR_REFS, HOST, FL_NEED_SOFT_DIRTY, 2)                        \
	X(FORK, fork, PROC, NONE, HOST, 0, 4)                                                          \
	X(EXIT, exit, NONE, NONE, HOST, 0, 1)                                                          \
	X(EVICT, evict, NONE, ADDR, NOHOST("evict: user space cannot drop one CPU's TLB entry"), 0, 0) \
	X(PAGEMAP, pagemap, REG_ALWAYS, ADDR, HOST, 0, 10)                                             \
	X(PIN, pin_user_pages, REG, PIN, HOST, FL_NEED_IO_URING, 3)                                    \
	X(UNPIN, unpin_user_page, NONE, ADDR, HOST, FL_NEED_IO_URING, 2)                               \
	X(UFFD_REGISTER, uffd_register, REG, UFFD_REGISTER, HOST, FL_NEED_UFFD, 5)                     \
	X(UFFD_WP, uffd_wp, REG, UFFD_WP, HOST, FL_NEED_UFFD_WP, 5)                                    \
	X(UFFD_COPY, uffd_copy, REG, WRITE, HOST, FL_NEED_UFFD, 4)                                     \
	X(UFFD_ZEROPAGE, uffd_zeropage, REG, ADDR, HOST, FL_NEED_UFFD, 4)                              \
	X(UFFD_WAIT, uffd_wait, REG, NONE, HOST, FL_NEED_UFFD, 1)                                      \
	X(PIN_READ, pin_read, REG, ADDR, HOST, FL_NEED_IO_URING, 3)                                    \
	X(PIN_WRITE, pin_write, NONE, WRITE, HOST, FL_NEED_IO_URING, 2)                                \
	X(VMSPLICE, vmsplice, REG, ADDR, HOST, 0, 4)                                                   \
	X(PIPE_READ, pipe_read, REG, ADDR, HOST, 0, 3)                                                 \
	X(PIN_FAST, pin_user_pages_fast, REG, PIN, HOST, FL_NEED_IO_URING, 2)                          \
	X(MADV_DONTFORK, madvise_dontfork, NONE, RANGE, HOST, 0, 2)                                    \
	X(REMAP_PFN, remap_pfn, NONE, RANGE,                                                           \
	  NOHOST("remap_pfn/insert_pfn: needs a driver that maps device memory (VM_PFNMAP / VM_MIXEDMAP)"), \
	  0, 0)                                                                                        \
	X(INSERT_PFN, insert_pfn, NONE, RANGE,                                                         \
	  NOHOST("remap_pfn/insert_pfn: needs a driver that maps device memory (VM_PFNMAP / VM_MIXEDMAP)"), \
	  0, 0)                                                                                        \
	X(GUP, gup, REG, GUP,                                                                          \
	  NOHOST("gup: __get_user_pages with a pages[] array on demand needs CONFIG_GUP_TEST's debugfs file"), \
	  0, 0)                                                                                        \
	X(MLOCK, mlock, REG, RANGE, HOST, 0, 4)                                                        \
	X(MADV_PAGEOUT, madvise_pageout, NONE, RANGE, HOST, FL_NEED_SWAP, 6)                           \
	X(MEMFD, memfd, FILE, MEMFD, HOST, 0, 0)                                                       \
	X(FALLOCATE, fallocate, REG, FALLOCATE, HOST, 0, 3)                                            \
	X(MADV_REMOVE, madvise_remove, REG, RANGE, HOST, 0, 3)

enum fl_lit_kind {
#define FL_X_KIND(K, ...) FL_OP_##K,
	FL_LIT_OPS(FL_X_KIND)
#undef FL_X_KIND
	FL_OP__COUNT
};

/* What an op's result may go to: "rK =", "A =", "Pn =" or nothing. */
enum fl_op_dest {
	FL_DEST_NONE,		/* no destination */
	FL_DEST_REG,		/* an optional register */
	FL_DEST_REG_ALWAYS,	/* a register it must have (pagemap) */
	FL_DEST_REGION,		/* A = mmap(...) defines the region */
	FL_DEST_PROC,		/* Pn = fork() creates the process */
	FL_DEST_FILE,		/* F = memfd(N) creates the file */
};

/* What comes between an op's parentheses (docs/litmus.md has each grammar). */
enum fl_op_args {
	FL_ARGS_NONE,		/* () */
	FL_ARGS_ADDR,		/* (A[+off]) */
	FL_ARGS_WRITE,		/* (A[+off], value) */
	FL_ARGS_RANGE,		/* (A[+off] [, N]) */
	FL_ARGS_PROTECT,	/* (A[+off] [, N], rw|ro|none) */
	FL_ARGS_PIN,		/* (A[+off], rw|ro) */
	FL_ARGS_CLEAR_REFS,	/* (soft_dirty) */
	FL_ARGS_UFFD_REGISTER,	/* (A[+off] [, N], missing|wp...) */
	FL_ARGS_UFFD_WP,	/* (A[+off] [, N], on|off) */
	FL_ARGS_GUP,		/* (A[+off], N, pin|get|none) */
	FL_ARGS_MMAP,		/* (N, anon rw|ro|none [shared|private]) or (F[+page], N, rw|ro|none shared) */
	FL_ARGS_MEMFD,		/* (N) */
	FL_ARGS_FALLOCATE,	/* (F, page, N): FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE */
};

/* Host features an op needs (the `needs` column). */
#define FL_NEED_SOFT_DIRTY	(1u << 0)	/* CONFIG_MEM_SOFT_DIRTY */
#define FL_NEED_IO_URING	(1u << 1)	/* io_uring fixed buffers: real FOLL_PIN | FOLL_LONGTERM */
#define FL_NEED_UFFD		(1u << 2)	/* userfaultfd(2) for this user */
#define FL_NEED_UFFD_WP		(1u << 3)	/* ... with UFFD_FEATURE_PAGEFAULT_FLAG_WP */
#define FL_NEED_SWAP		(1u << 4)	/* a swap device, or root to make one */

struct fl_op_desc {
	const char *name;
	enum fl_op_dest dest;
	enum fl_op_args args;
	const char *nohost;	/* why the host cannot run it, or NULL */
	uint32_t needs;		/* FL_NEED_* */
	int gen;		/* random sequential generator weight */
};

extern const struct fl_op_desc fl_ops[FL_OP__COUNT];

/* The op named by the @len bytes at @word, or -1. */
int fl_op_find(const char *word, int len);

struct fl_scenario;
struct fl_lit_op;
/* @op as litmus text ("r1 = write(A+8, 5)"), which the parser reads back as the same op. */
void fl_op_str(const struct fl_scenario *sc, const struct fl_lit_op *op, char *buf, int len);
/* "rw", "ro" or "none" for FL_PROT_* bits. */
const char *fl_prot_word(uint32_t prot);

#endif
