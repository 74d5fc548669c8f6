/* SPDX-License-Identifier: MIT */
/*
 * host/host_int.h - shared between the controller (run.c) and the agents
 * (agent.c, which run inside the scenario's processes).
 */
#ifndef FL_HOST_HOST_INT_H
#define FL_HOST_HOST_INT_H

#include <stdint.h>

#include "host/host.h"

/*
 * Region i's page p is at the same address in every process, as in the
 * model (FL_LIT_REGION_VPN): far from anything the loader or malloc uses.
 */
#define FL_HOST_BASE		0x200000000000ull
#define FL_HOST_PAGE		4096u
#define FL_HOST_VA(vpn, word)	(FL_HOST_BASE + (uint64_t)(vpn) * FL_HOST_PAGE + (uint64_t)(word) * 8u)

/* Lives in a MAP_SHARED mapping every process of the run inherits. */
struct fl_host_shared {
	uint64_t reg[FL_OUT_SLOTS][FL_LIT_MAX_REGS];
	uint8_t set[FL_OUT_SLOTS][FL_LIT_MAX_REGS];
	volatile int go;			/* every thread may run */
	volatile int done[FL_LIT_MAX_THREADS];
	volatile int err_set;
	char err[256];
};

/* Controller -> agent commands and agent -> controller replies. */
enum fl_hcmd { FL_HCMD_OP, FL_HCMD_START };
enum fl_hstatus { FL_HST_OK, FL_HST_ERROR, FL_HST_EXITED };

struct fl_hmsg {
	int32_t cmd;		/* enum fl_hcmd */
	int32_t proc;
	int32_t arg;		/* init op index */
	int32_t status;		/* enum fl_hstatus (replies) */
	int32_t pid;		/* the replying agent's pid (replies) */
};

struct fl_host_env {
	const struct fl_scenario *sc;
	const struct fl_host_caps *caps;
	struct fl_host_shared *sh;
	int cmd[FL_LIT_MAX_PROCS][2];	/* one command pipe per litmus process */
	int reply[2];			/* one reply pipe for all */
};

/* The agent of litmus process @proc: serve commands until killed.  Never returns. */
void fl_host_agent(const struct fl_host_env *env, int proc) __attribute__((noreturn));

/* procfs.c */
int fl_host_pagemap(uint64_t va, uint64_t *entry);	/* 0 or -errno */
int fl_host_clear_refs(int type);			/* 0 or -errno */
bool fl_host_smaps_soft_dirty(void);

/* uffd.c */
int fl_host_uffd_open(void);				/* fd or -errno */
int fl_host_uffd_open_api(uint64_t *features);		/* the same; *features: what UFFDIO_API offered */

#endif
