/* SPDX-License-Identifier: MIT */
/* sim/rcu.c - RCU read-side sections and grace periods (see rcu.h). */
#include <string.h>

#include "sim/log.h"
#include "sim/rcu.h"

struct fl_rcu_state fl_rcu;

void fl_rcu_reset(void)
{
	memset(&fl_rcu, 0, sizeof(fl_rcu));
}

uint32_t fl_rcu_stamp(void)
{
	return ++fl_rcu.clock;
}

void fl_rcu_read_lock(void)
{
	int tid;

	if (!fl_sim_in_thread())
		return;		/* the sequential init block races with nobody */
	tid = fl_sim.cur;
	fl_sim_yield(FL_OBJ_RCU(tid), FL_ACC_W, "rcu_read_lock");
	if (fl_rcu.depth[tid]++ == 0)
		fl_rcu.since[tid] = fl_rcu_stamp();
}

void fl_rcu_read_unlock(void)
{
	int tid;

	if (!fl_sim_in_thread())
		return;
	tid = fl_sim.cur;
	fl_sim_yield(FL_OBJ_RCU(tid), FL_ACC_W, "rcu_read_unlock");
	FL_BUG_ON(fl_rcu.depth[tid] == 0, "rcu_read_unlock outside a read-side section");
	if (--fl_rcu.depth[tid] == 0)
		fl_rcu.since[tid] = 0;
}

bool fl_rcu_read_lock_held(void)
{
	return fl_sim_in_thread() && fl_rcu.depth[fl_sim.cur] > 0;
}

bool fl_rcu_protects(uint32_t stamp)
{
	return fl_rcu_read_lock_held() && fl_rcu.since[fl_sim.cur] < stamp;
}

bool fl_rcu_gp_done(uint32_t stamp)
{
	for (int i = 0; i < fl_sim.nthreads; i++)
		if (fl_rcu.depth[i] > 0 && fl_rcu.since[i] < stamp)
			return false;
	return true;
}

void fl_rcu_footprint(struct fl_footprint *fp)
{
	for (int i = 0; i < fl_sim.nthreads; i++)
		fl_fp_add(fp, FL_OBJ_RCU(i), FL_ACC_R);
}

static bool gp_over(const void *arg)
{
	return fl_rcu_gp_done(*(const uint32_t *)arg);
}

void fl_synchronize_rcu(void)
{
	struct fl_footprint fp = { 0 };
	uint32_t stamp;

	if (!fl_sim_in_thread())
		return;
	FL_BUG_ON(fl_rcu_read_lock_held(), "synchronize_rcu inside a read-side section");
	/* The grace period starts here: it waits for the sections open now. */
	fl_rcu_footprint(&fp);
	fl_sim_yield_fp(&fp, NULL, NULL, "synchronize_rcu: grace period starts");
	stamp = fl_rcu_stamp();
	fl_sim_wait_fp(&fp, gp_over, &stamp, true, "synchronize_rcu: wait for readers");
}
