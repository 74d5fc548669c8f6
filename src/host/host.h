/* SPDX-License-Identifier: MIT */
/*
 * host/host.h - run a litmus scenario on the running Linux kernel.
 *
 * The host backend interprets a scenario's ops with real system calls:
 * every litmus process is a real process (forked, as the scenario forks),
 * regions are real mappings at fixed addresses, reads and writes are real
 * loads and stores, long-term pins are io_uring fixed buffers, vmsplice
 * goes to a real pipe, userfaultfd is the real one, pagemap and clear_refs
 * go through /proc.  The registers the ops write make up an outcome
 * (litmus/outcome.h) that conform/ holds against the model's.
 *
 * What user space cannot do (a bare get_page, dropping one CPU's TLB
 * entry, GUP with a pages[] array, ...) or this kernel lacks is reported
 * by fl_host_unsupported() with a reason, never skipped silently.
 *
 * Every run has a time limit.  All of a run's processes live in one
 * process group, which is killed and reaped when the run ends, whatever
 * happened; a swap file the backend set up is removed at exit.
 */
#ifndef FL_HOST_HOST_H
#define FL_HOST_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "litmus/ast.h"
#include "litmus/outcome.h"
#include "policy/policy.h"

/*
 * What the host is and how it is configured: every fact a test's outcome
 * may depend on.  fl_host_probe() measures them; the decisions below
 * (fl_host_unsupported, fl_host_apply) read only this struct, so a unit
 * test can fake any answer.  -1 in an int field means "unknown".
 */
#define FL_HOST_THP_SIZES 16

struct fl_host_thp_size {
	int kb;				/* hugepages-<kb>kB */
	char anon[16], shmem[16];	/* the bracketed word of enabled / shmem_enabled ("" unknown) */
};

struct fl_host_caps {
	char release[65];	/* uname -r */
	int ncpus;		/* online CPUs: litmus cpuN runs on N % ncpus */
	bool uffd;		/* userfaultfd(2) or /dev/userfaultfd */
	bool uffd_wp;		/* UFFDIO_REGISTER_MODE_WP on private anon memory */
	bool io_uring;		/* io_uring with fixed buffers (long-term R/W pins) */
	bool soft_dirty;	/* CONFIG_MEM_SOFT_DIRTY: "sd" in smaps VmFlags */
	bool swap_active;	/* a swap device is on */
	bool root;		/* may set up a swap file */
	char uffd_why[128], io_uring_why[128];

	/* Measured by faulting real memory (probe.c). */
	int zero_page_read;	/* 1: a read fault maps the zero page; 0: a fresh exclusive page */
	int uffd_zeropage;	/* 1: UFFDIO_ZEROPAGE maps the zero page; 0: a fresh page */
	int fault_around_pages;	/* pages one read fault of a shmem page maps from the page cache */
	uint64_t uffd_features;	/* UFFDIO_API's answer to features = 0 (valid when uffd) */

	/* Read from /sys, /proc and the kernel config (probe.c). */
	char thp_anon[16], thp_shmem[16];	/* transparent_hugepage/enabled, shmem_enabled */
	int thp_use_zero_page;
	int nthp;
	struct fl_host_thp_size thp[FL_HOST_THP_SIZES];
	uint32_t thp_anon_pages, thp_shmem_pages;	/* folio sizes (bit k: 2^k pages) a fault may allocate */
	int fault_around_bytes;	/* debugfs fault_around_bytes */
	int unpriv_uffd;	/* vm.unprivileged_userfaultfd */
	int io_uring_disabled;	/* kernel.io_uring_disabled */
	int per_vma_lock;	/* CONFIG_PER_VMA_LOCK */
	char config_src[96];	/* where the kernel config was read, or "" */
	int ksm_run, numa_balancing;
	char swaps[512];	/* /proc/swaps device names, space-separated */
};

/* Every fact, from the running kernel. */
void fl_host_probe(struct fl_host_caps *c);
/*
 * The facts read from files, under @root ("" for the real /sys, /proc,
 * /boot): the seam the unit test fakes a host through.  Derives
 * thp_anon_pages / thp_shmem_pages.
 */
void fl_host_probe_files(const char *root, struct fl_host_caps *c);
/* The facts measured by faulting memory: zero page, UFFDIO_ZEROPAGE, fault-around, uffd features. */
void fl_host_probe_measure(struct fl_host_caps *c);
/* /proc/swaps' device names under @root, space-separated; false when there are none. */
bool fl_host_swaps(const char *root, char *buf, int len);

/*
 * Apply the host facts the model represents as switches to @pol (the
 * `host` preset): zero_page_read.  Writes what it set into @note
 * (appended), if @note is not NULL.
 */
void fl_host_apply(const struct fl_host_caps *c, struct fl_policy *pol, char *note, int len);

/* One line per fact, "name: value (how)", for conform's header and --json. */
int fl_host_facts_text(const struct fl_host_caps *c, char *buf, int len);
void fl_host_facts_json(FILE *f, const struct fl_host_caps *c);

/* True, with the reason in @why, when the host cannot run @sc. */
bool fl_host_unsupported(const struct fl_scenario *sc, const struct fl_host_caps *c, char *why, int len);

/*
 * The preset closest to the host kernel: the newest preset not newer than
 * @release ("latest" when the host is newer than every numbered preset).
 * Returns the preset index, with how it was chosen in @why.
 */
int fl_host_preset(const char *release, char *why, int len);

/*
 * Run @sc once on the host: the init block op by op, then every thread at
 * once on its own pinned CPU.  @timeout_ms bounds the whole run; a run
 * that times out has out->blocked set, with the registers set so far.
 * Returns 0, or -1 with a message in @err when the backend itself failed
 * (an op that could not be set up, a process that crashed).
 */
int fl_host_run(const struct fl_scenario *sc, const struct fl_host_caps *caps, int timeout_ms,
		struct fl_outcome *out, char *err, int errlen);

/*
 * Make sure a swap device is on (MADV_PAGEOUT of anonymous memory needs
 * one), checked afresh on every call (c->swaps is refreshed): as root,
 * create and enable a swap file under /var/tmp, removed by
 * fl_host_swap_cleanup() (also run at exit and on SIGINT/SIGTERM/SIGHUP).
 * Swap files left by a faultline that was killed are removed first.
 * Returns 0, or -1 with the reason in @why.
 */
int fl_host_swap_ensure(struct fl_host_caps *c, char *why, int len);
void fl_host_swap_cleanup(void);
/* Swap files a SIGKILLed faultline left (named after a pid that is gone): off and removed. */
void fl_host_swap_remove_stale(void);

#endif
