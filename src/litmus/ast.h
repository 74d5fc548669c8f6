/* SPDX-License-Identifier: MIT */
/*
 * litmus/ast.h - a parsed litmus test ("scenario").
 *
 * The parser (parse.c) fills one struct fl_scenario from a file; the
 * interpreter (interp.c) turns its ops into calls into mm/.  Everything is
 * fixed-size so that a scenario can be copied and needs no freeing.
 * The grammar is documented in docs/litmus.md.
 */
#ifndef FL_LITMUS_AST_H
#define FL_LITMUS_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/props.h"
#include "litmus/ops.h"

#define FL_LIT_MAX_REGIONS	8
#define FL_LIT_MAX_FILES	4	/* memfd files */
#define FL_LIT_MAX_FILE_PAGES	8	/* pages per file (a shmem object's page cache) */
#define FL_LIT_MAX_PROCS	4	/* P0..P3 */
#define FL_LIT_MAX_THREADS	6	/* T0..T5 */
#define FL_LIT_MAX_CPUS		8	/* cpu0..cpu7 */
#define FL_LIT_MAX_OPS		32	/* per thread, and for init */
#define FL_LIT_MAX_REGS		8	/* r0..r7 per thread (and for init) */
#define FL_LIT_MAX_EXPECT	32
#define FL_LIT_MAX_SETS		8	/* switch=value overrides per expect line */
#define FL_LIT_MAX_ASSERT	8
#define FL_LIT_MAX_PAGES	8	/* pages per region */
#define FL_LIT_PAGE_WORDS	8	/* 64-bit words per model page */

/* Region base: region i starts at virtual page FL_LIT_REGION_VPN(i). */
#define FL_LIT_REGION_STRIDE	(FL_LIT_MAX_PAGES + 1)	/* one guard page between regions */
#define FL_LIT_REGION_VPN(i)	(1 + (i) * FL_LIT_REGION_STRIDE)

struct fl_loc {
	int line;	/* 1-based */
	int col;	/* 1-based */
};

/* enum fl_lit_kind, and what each op is: litmus/ops.h. */

/* Protection bits (mmap, mprotect). */
#define FL_PROT_READ	1u
#define FL_PROT_WRITE	2u
/* Mapping flags (mmap). */
#define FL_MAP_SHARED	1u	/* otherwise private */
#define FL_MAP_ANON	2u

/* gup kinds (op.value). */
#define FL_GUP_NONE	0u	/* pages == NULL: mlock / MAP_POPULATE */
#define FL_GUP_GET	1u	/* get_user_pages: FOLL_GET */
#define FL_GUP_PIN	2u	/* pin_user_pages(_remote): FOLL_PIN */

/* uffd_register modes (op.value). */
#define FL_UFFD_MISSING	1u
#define FL_UFFD_WP	2u

/* clear_refs types, as the value written to /proc/PID/clear_refs. */
#define FL_CLEAR_REFS_SOFT_DIRTY 4

/* Special register values. */
#define FL_VAL_SEGV	UINT64_MAX	/* the access raised SIGSEGV */

/* pagemap register bits: the real /proc/PID/pagemap layout. */
#define FL_PM_SOFT_DIRTY	(1ull << 55)
#define FL_PM_MMAP_EXCLUSIVE	(1ull << 56)
#define FL_PM_UFFD_WP		(1ull << 57)
#define FL_PM_FILE		(1ull << 61)	/* page cache (shmem) page, not anon */
#define FL_PM_SWAP		(1ull << 62)
#define FL_PM_PRESENT		(1ull << 63)

struct fl_lit_addr {
	int region;	/* index into scenario.regions */
	int offset;	/* in 64-bit words from the region start */
};

struct fl_lit_op {
	enum fl_lit_kind kind;
	struct fl_loc loc;
	int proc;		/* process the op runs in (Pn) */
	int cpu;		/* init ops: the CPU it runs on (default 0) */
	int reg;		/* destination register, or -1 */
	struct fl_lit_addr addr;/* region ops, accesses, get/put_page, evict */
	int npages;		/* mmap/munmap/mprotect; 0 = whole region */
	uint32_t prot;		/* FL_PROT_* */
	uint32_t mflags;	/* FL_MAP_* */
	uint64_t value;		/* write */
	int child;		/* fork: the new process */
	int clear_refs_type;	/* FL_CLEAR_REFS_* */
	int file;		/* memfd: the file it creates; mmap: the file it maps; fallocate: the file; else -1 */
	int fpage;		/* mmap of a file / fallocate: the first page in the file */
};

/* A shmem file made by `F = memfd(N)`: any process maps it with mmap(F, ...). */
struct fl_lit_file {
	char name[16];		/* "F" */
	int npages;		/* its size */
	struct fl_loc loc;	/* of the memfd op */
};

struct fl_lit_region {
	char name[16];		/* "A" */
	int npages;		/* from the defining mmap */
	struct fl_loc loc;	/* of the defining mmap */
};

struct fl_lit_thread {
	int id;			/* the n of Tn */
	int proc;		/* Pn */
	int cpu;		/* cpuN */
	struct fl_loc loc;
	int nops;
	struct fl_lit_op ops[FL_LIT_MAX_OPS];
};

struct fl_lit_set {
	int sw;			/* enum fl_switch */
	int value;
};

struct fl_lit_expect {
	char kernel[24];	/* preset name as written */
	int preset;		/* index from fl_preset_find */
	int nsets;
	struct fl_lit_set sets[FL_LIT_MAX_SETS];
	fl_propset props;	/* the complete set of violated properties; 0 = ok */
	struct fl_loc loc;
};

/* A register reference in an assert: T<n>:r<k>, or init:r<k> (thread = -1). */
struct fl_lit_reg {
	int thread;		/* index into scenario.threads, -1 for init */
	int reg;
};

enum fl_lit_cmp { FL_CMP_EQ, FL_CMP_NE };

struct fl_lit_assert {
	struct fl_lit_reg reg;
	enum fl_lit_cmp cmp;
	uint64_t value;		/* integer, FL_VAL_SEGV, or a FL_PM_* mask */
	struct fl_loc loc;
};

struct fl_scenario {
	char file[256];		/* path as given, for messages */
	char name[64];		/* after `mm` */
	char desc[256];		/* the quoted line, may be empty */
	int nprocs;		/* P0 plus every Pn created by fork */
	int nregions;
	struct fl_lit_region regions[FL_LIT_MAX_REGIONS];
	int nfiles;
	struct fl_lit_file files[FL_LIT_MAX_FILES];
	int ninit;
	struct fl_lit_op init[FL_LIT_MAX_OPS];
	int nthreads;
	struct fl_lit_thread threads[FL_LIT_MAX_THREADS];
	int nexpect;
	struct fl_lit_expect expect[FL_LIT_MAX_EXPECT];
	int nassert;
	struct fl_lit_assert asserts[FL_LIT_MAX_ASSERT];
	int preemptions;	/* `bound preemptions N`; -1 when not given */
	int ncpus;		/* 1 + highest cpu named */
};

/* Does any op of @sc (init or thread) have kind @k? */
bool fl_scenario_uses(const struct fl_scenario *sc, enum fl_lit_kind k);

/*
 * Parse @path into @out.  Returns 0, or -1 with a message of the form
 * "file:line:col: message" in @err (no trailing newline).
 */
int fl_parse_file(const char *path, struct fl_scenario *out, char *err, int errlen);
/* The same from a string; @name is used as the file name in messages. */
int fl_parse_string(const char *name, const char *text, struct fl_scenario *out,
		    char *err, int errlen);
/* The same from @len bytes that need not be NUL-terminated (NUL bytes are bad characters). */
int fl_parse_buffer(const char *name, const char *src, size_t len, struct fl_scenario *out,
		    char *err, int errlen);

#endif
