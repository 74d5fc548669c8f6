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

#include "litmus/ast.h"
#include "litmus/outcome.h"

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
};

void fl_host_probe(struct fl_host_caps *c);

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
 * one): as root, create and enable a swap file under /var/tmp, removed by
 * fl_host_swap_cleanup() (also run at exit and on SIGINT/SIGTERM/SIGHUP).
 * Swap files left by a faultline that was killed are removed first.
 * Returns 0, or -1 with the reason in @why.
 */
int fl_host_swap_ensure(struct fl_host_caps *c, char *why, int len);
void fl_host_swap_cleanup(void);
/* Swap files a SIGKILLed faultline left (named after a pid that is gone): off and removed. */
void fl_host_swap_remove_stale(void);

#endif
