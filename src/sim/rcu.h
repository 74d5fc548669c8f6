/* SPDX-License-Identifier: MIT */
/*
 * sim/rcu.h - RCU read-side sections and grace periods for simulated threads.
 *
 * Each thread has a nesting depth and, while inside a section, the stamp
 * (a per-execution counter) of the rcu_read_lock that opened the outermost
 * one.  A grace period that starts at stamp S ends once no thread is in a
 * section opened before S.  The model never runs RCU callbacks on its own:
 * memory handed to call_rcu at stamp S stays valid for exactly the readers
 * whose section began before S (fl_rcu_protects), which is what the kernel
 * guarantees, and is reused only after a grace period the caller waits for.
 * Reporting a touch outside that window as use-after-free is exact: some
 * timing of the callback frees it before the touch.
 *
 * rcu_read_lock/unlock are steps writing the thread's RCU object; a step
 * whose outcome depends on who is inside a section (call_rcu's stamp,
 * synchronize_rcu's wait) reads every thread's RCU object, so DPOR orders
 * the two (fl_rcu_footprint).
 */
#ifndef FL_SIM_RCU_H
#define FL_SIM_RCU_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim.h"

/* Object type reserved for sim/ (hw/hw.h's enum leaves it free). */
#define FL_SIM_OT_RCU		0x1f0u
#define FL_OBJ_RCU(tid)		(((uint32_t)FL_SIM_OT_RCU << 20) | (uint32_t)(tid))

struct fl_rcu_state {
	uint32_t clock;				/* stamps handed out in this execution */
	uint8_t depth[FL_SIM_MAX_THREADS];	/* rcu_read_lock nesting */
	uint32_t since[FL_SIM_MAX_THREADS];	/* stamp of the outermost rcu_read_lock */
};

extern struct fl_rcu_state fl_rcu;

/* Reset at the start of every execution. */
void fl_rcu_reset(void);
/* A fresh stamp: everything stamped earlier happened before it. */
uint32_t fl_rcu_stamp(void);
void fl_rcu_read_lock(void);
void fl_rcu_read_unlock(void);
bool fl_rcu_read_lock_held(void);
/* Is the running thread inside a section opened before @stamp (so memory freed at @stamp by call_rcu is still valid)? */
bool fl_rcu_protects(uint32_t stamp);
/* Has every section opened before @stamp ended (a grace period starting at @stamp is over)? */
bool fl_rcu_gp_done(uint32_t stamp);
/* Add every thread's RCU object, read, to @fp (call_rcu's and synchronize_rcu's steps). */
void fl_rcu_footprint(struct fl_footprint *fp);
/* Wait for a grace period: returns once every reader that was inside a section has left it. */
void fl_synchronize_rcu(void);

#endif
