/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_sim.c - simulated threads, announcements and blocking (sim/).
 *
 * The scheduler is driven by hand (fl_sim_setup / fl_sim_begin / fl_sim_run)
 * with small test-local thread bodies, so each test pins one rule of sim.h:
 * steps run in program order between announcements; a wait blocks until its
 * predicate holds; a lock-order inversion shows as "nothing enabled, not all
 * done"; a sleeping wait under fl_sim_atomic_inc() fires the hook; a
 * spinlock holder is never preempted by a thread on its CPU; and
 * fl_fp_conflict is the usual read/write dependence relation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/rcu.h"
#include "sim/sim.h"

/* Objects: any 30-bit ids will do; sim gives them no meaning. */
#define OBJ_A	101u
#define OBJ_B	102u
#define OBJ_C	103u
#define OBJ_FLAG 104u

/* --- an event log the thread bodies append to ------------------------- */
#define MAXEV 64
static int ev[MAXEV];
static int nev;

/*
 * Thread bodies run on coroutine stacks: a cmocka assertion there would
 * longjmp across stacks, so bodies count broken expectations in
 * body_errors and the test checks it from the scheduler's side.
 */
static int body_errors;
#define BODY_CHECK(c)	do { if (!(c)) body_errors++; } while (0)

static void note(int v)
{
	BODY_CHECK(nev < MAXEV);
	if (nev < MAXEV)
		ev[nev++] = v;
}

static void reset_log(void)
{
	nev = 0;
	memset(ev, 0, sizeof(ev));
}

static void start(int n, const int *cpus, fl_sim_body body)
{
	int labels[FL_SIM_MAX_THREADS];

	for (int i = 0; i < n; i++)
		labels[i] = 10 + i;
	reset_log();
	body_errors = 0;
	fl_sim.on_sleep_in_atomic = NULL;
	fl_sim.on_init_blocked = NULL;
	fl_sim_setup(n, cpus, labels, body);
	fl_sim_begin();
}

static int teardown(void **state)
{
	(void)state;
	fl_sim_teardown();
	fl_sim.on_sleep_in_atomic = NULL;
	fl_sim.on_init_blocked = NULL;
	fl_sim.cur = -1;
	assert_int_equal(body_errors, 0);
	return 0;
}

static const int cpus_distinct[FL_SIM_MAX_THREADS] = { 0, 1, 2, 3, 4, 5, 6, 7 };

/* ====================================================================== */
/* Coroutine switching: a thread's steps run in order, one per fl_sim_run. */

static void body_steps(int tid)
{
	/* Prefix up to the first announcement runs in fl_sim_begin(). */
	note(tid * 100 + 0);
	BODY_CHECK(fl_sim.cur == tid);
	BODY_CHECK(fl_sim_in_thread());
	fl_sim_yield(OBJ_A + (uint32_t)tid, FL_ACC_R, "s1");
	note(tid * 100 + 1);
	BODY_CHECK(fl_sim.cur == tid);
	fl_sim_yield(OBJ_B, FL_ACC_W, "s2");
	note(tid * 100 + 2);
	fl_sim_yield(OBJ_C, FL_ACC_R | FL_ACC_W, "s3");
	note(tid * 100 + 3);
}

static void test_steps_in_order(void **state)
{
	(void)state;
	start(2, cpus_distinct, body_steps);

	/* fl_sim_begin ran each thread's local prefix, in thread order, and stopped at s1. */
	assert_int_equal(nev, 2);
	assert_int_equal(ev[0], 0);
	assert_int_equal(ev[1], 100);
	assert_int_equal(fl_sim.cur, -1);
	assert_false(fl_sim_in_thread());
	for (int t = 0; t < 2; t++) {
		assert_int_equal(fl_sim.t[t].state, FL_T_LIVE);
		assert_string_equal(fl_sim.t[t].what, "s1");
		assert_int_equal(fl_sim.t[t].fp.n, 1);
		assert_int_equal(FL_FPE_OBJ(fl_sim.t[t].fp.e[0]), OBJ_A + (uint32_t)t);
		assert_int_equal(FL_FPE_ACC(fl_sim.t[t].fp.e[0]), FL_ACC_R);
		assert_int_equal(fl_sim.t[t].steps, 0);
	}
	assert_int_equal(fl_sim_enabled_mask(), 0x3);
	assert_false(fl_sim_all_done());
	assert_int_equal(fl_sim.step, 0);

	/* Interleave 1, 0, 0, 1, 1, 0: each run executes exactly one step. */
	fl_sim_run(1);
	assert_int_equal(nev, 3);
	assert_int_equal(ev[2], 101);
	assert_int_equal(fl_sim.cur, -1);
	assert_string_equal(fl_sim.t[1].what, "s2");
	/* last_fp is the footprint of the step just run (s1), fp the next one (s2). */
	assert_int_equal(FL_FPE_OBJ(fl_sim.t[1].last_fp.e[0]), OBJ_A + 1);
	assert_int_equal(FL_FPE_OBJ(fl_sim.t[1].fp.e[0]), OBJ_B);
	assert_int_equal(FL_FPE_ACC(fl_sim.t[1].fp.e[0]), FL_ACC_W);
	assert_string_equal(fl_sim.t[0].what, "s1");	/* untouched */

	fl_sim_run(0);
	fl_sim_run(0);
	assert_int_equal(nev, 5);
	assert_int_equal(ev[3], 1);
	assert_int_equal(ev[4], 2);
	assert_string_equal(fl_sim.t[0].what, "s3");
	assert_int_equal(FL_FPE_ACC(fl_sim.t[0].fp.e[0]), FL_ACC_R | FL_ACC_W);

	fl_sim_run(1);
	fl_sim_run(1);
	assert_int_equal(nev, 7);
	assert_int_equal(ev[5], 102);
	assert_int_equal(ev[6], 103);
	/* Thread 1 returned from its body: done, no footprint, not enabled. */
	assert_int_equal(fl_sim.t[1].state, FL_T_DONE);
	assert_int_equal(fl_sim.t[1].fp.n, 0);
	assert_false(fl_sim_enabled(1));
	assert_int_equal(fl_sim_enabled_mask(), 0x1);
	assert_false(fl_sim_all_done());

	fl_sim_run(0);
	assert_int_equal(nev, 8);
	assert_int_equal(ev[7], 3);
	assert_true(fl_sim_all_done());
	assert_int_equal(fl_sim_enabled_mask(), 0);
	assert_int_equal(fl_sim.step, 6);
	assert_int_equal(fl_sim.t[0].steps, 3);
	assert_int_equal(fl_sim.t[1].steps, 3);

	/* fl_sim_begin restarts every thread from scratch. */
	reset_log();
	fl_sim_begin();
	assert_int_equal(nev, 2);
	assert_int_equal(fl_sim.step, 0);
	assert_int_equal(fl_sim_enabled_mask(), 0x3);
	for (int k = 0; k < 3; k++)
		fl_sim_run(0);
	assert_int_equal(fl_sim.t[0].state, FL_T_DONE);
	for (int k = 0; k < 3; k++)
		fl_sim_run(1);
	assert_true(fl_sim_all_done());
	/* Per-thread order is program order, whatever the interleaving. */
	{
		int want[] = { 0, 100, 1, 2, 3, 101, 102, 103 };

		assert_int_equal(nev, 8);
		assert_memory_equal(ev, want, sizeof(want));
	}
}

/* ====================================================================== */
/* RCU: a grace period waits for the sections open when it began, only.  */

static uint32_t stamp_before;

static void body_rcu(int tid)
{
	if (tid == 0) {
		uint32_t after;

		fl_rcu_read_lock();
		after = fl_rcu_stamp();
		BODY_CHECK(fl_rcu_read_lock_held());
		BODY_CHECK(fl_rcu_protects(after));		/* freed after the section began: still valid */
		BODY_CHECK(!fl_rcu_protects(stamp_before));	/* freed before it: not */
		fl_sim_yield(OBJ_A, FL_ACC_R, "inside");
		fl_rcu_read_unlock();
		BODY_CHECK(!fl_rcu_read_lock_held());
	} else {
		fl_synchronize_rcu();
		note(1);
	}
}

static void test_rcu_grace_period(void **state)
{
	(void)state;
	fl_rcu_reset();
	stamp_before = fl_rcu_stamp();
	start(2, cpus_distinct, body_rcu);
	assert_string_equal(fl_sim.t[0].what, "rcu_read_lock");
	/* The reader enters first: the grace period must wait for it. */
	fl_sim_run(0);
	fl_sim_run(1);
	assert_int_equal(fl_sim_enabled_mask(), 0x1);
	/* The waiting step reads every thread's RCU object. */
	assert_int_equal(fl_sim.t[1].fp.n, 2);
	fl_sim_run(0);
	assert_int_equal(fl_sim_enabled_mask(), 0x1);
	fl_sim_run(0);				/* rcu_read_unlock */
	assert_int_equal(fl_sim_enabled_mask(), 0x2);
	fl_sim_run(1);
	assert_true(fl_sim_all_done());
	assert_int_equal(nev, 1);

	/* The grace period begins first: a section opened after it does not hold it up. */
	fl_rcu_reset();
	stamp_before = fl_rcu_stamp();
	reset_log();
	fl_sim_begin();
	fl_sim_run(1);
	fl_sim_run(0);
	assert_int_equal(fl_sim_enabled_mask(), 0x3);
	fl_sim_run(1);
	assert_int_equal(nev, 1);
	while (!fl_sim_all_done())
		fl_sim_run(0);
}

/* fl_sim_set_also_reads: every step announced meanwhile reads the object too. */
static void body_also(int tid)
{
	(void)tid;
	fl_sim_set_also_reads(OBJ_C);
	fl_sim_yield(OBJ_A, FL_ACC_W, "a");
	fl_sim_set_also_reads(0);
	fl_sim_yield(OBJ_B, FL_ACC_W, "b");
}

static void test_also_reads(void **state)
{
	(void)state;
	start(1, cpus_distinct, body_also);
	assert_int_equal(fl_sim.t[0].fp.n, 2);
	assert_int_equal(FL_FPE_OBJ(fl_sim.t[0].fp.e[1]), OBJ_C);
	assert_int_equal(FL_FPE_ACC(fl_sim.t[0].fp.e[1]), FL_ACC_R);
	fl_sim_run(0);
	assert_int_equal(fl_sim.t[0].fp.n, 1);
	fl_sim_run(0);
	assert_true(fl_sim_all_done());
}

/* A yield outside a coroutine (the sequential init phase) is a no-op. */
static void test_yield_outside_thread_is_noop(void **state)
{
	(void)state;
	fl_sim_teardown();
	fl_sim.cur = -1;
	fl_sim_yield(OBJ_A, FL_ACC_W, "init");	/* must simply return */
	assert_int_equal(fl_sim.cur, -1);
	fl_sim_atomic_inc();			/* no thread: no effect, no crash */
	fl_sim_atomic_dec();
	assert_false(fl_sim_in_thread());
}

/* ====================================================================== */
/* fl_sim_wait blocks until its predicate holds. */

static int flag;

static bool flag_set(const void *arg)
{
	return *(const int *)arg != 0;
}

static void body_flag(int tid)
{
	if (tid == 0) {
		note(1);
		fl_sim_wait(OBJ_FLAG, FL_ACC_R, flag_set, &flag, false, "wait for flag");
		/* Runs only once the step was scheduled, which needs the flag. */
		BODY_CHECK(flag == 1);
		note(2);
		fl_sim_yield(OBJ_A, FL_ACC_R, "after");
		note(3);
	} else {
		fl_sim_yield(OBJ_B, FL_ACC_R, "unrelated");
		note(10);
		fl_sim_yield(OBJ_FLAG, FL_ACC_W, "set flag");
		flag = 1;
		note(11);
		fl_sim_yield(OBJ_C, FL_ACC_R, "tail");
		note(12);
	}
}

static void test_wait_blocks_until_predicate(void **state)
{
	(void)state;
	flag = 0;
	start(2, cpus_distinct, body_flag);

	assert_int_equal(nev, 1);
	assert_int_equal(ev[0], 1);
	/* Thread 0 waits on the flag: not enabled; thread 1 is. */
	assert_false(fl_sim_enabled(0));
	assert_true(fl_sim_enabled(1));
	assert_int_equal(fl_sim_enabled_mask(), 0x2);
	assert_string_equal(fl_sim.t[0].what, "wait for flag");
	assert_true(fl_sim.t[0].can_run == flag_set);
	assert_int_equal(FL_FPE_OBJ(fl_sim.t[0].fp.e[0]), OBJ_FLAG);

	fl_sim_run(1);				/* "unrelated": flag still clear */
	assert_int_equal(fl_sim_enabled_mask(), 0x2);
	assert_false(fl_sim_enabled(0));

	fl_sim_run(1);				/* "set flag" */
	assert_int_equal(flag, 1);
	assert_true(fl_sim_enabled(0));
	assert_int_equal(fl_sim_enabled_mask(), 0x3);
	/* Thread 0's code after the wait has not run yet: only scheduling runs it. */
	assert_int_equal(nev, 3);
	assert_int_equal(ev[1], 10);
	assert_int_equal(ev[2], 11);

	fl_sim_run(0);
	assert_int_equal(ev[nev - 1], 2);
	/* Resumed: the predicate is forgotten, the next step is unconditional. */
	assert_null(fl_sim.t[0].can_run);
	fl_sim_run(0);
	fl_sim_run(1);
	assert_true(fl_sim_all_done());
	assert_int_equal(nev, 6);
	assert_int_equal(ev[3], 2);
	assert_int_equal(ev[4], 3);
	assert_int_equal(ev[5], 12);
}

/* A wait whose predicate already holds is enabled at once. */
static void test_wait_true_predicate_enabled(void **state)
{
	(void)state;
	flag = 1;
	start(2, cpus_distinct, body_flag);
	assert_int_equal(fl_sim_enabled_mask(), 0x3);
	fl_sim_run(0);
	assert_int_equal(ev[nev - 1], 2);
}

/* In the init phase (no coroutine) a false predicate goes to the stuck hook. */
static const char *init_blocked_what;
static int init_blocked_calls;

static void on_init_blocked(const char *what)
{
	init_blocked_calls++;
	init_blocked_what = what;
}

static void test_wait_in_init_phase(void **state)
{
	(void)state;
	fl_sim_teardown();
	fl_sim.cur = -1;
	fl_sim.on_init_blocked = on_init_blocked;
	init_blocked_calls = 0;
	init_blocked_what = NULL;

	flag = 1;
	fl_sim_wait(OBJ_FLAG, FL_ACC_R, flag_set, &flag, true, "free lock");
	assert_int_equal(init_blocked_calls, 0);

	flag = 0;
	fl_sim_wait(OBJ_FLAG, FL_ACC_R, flag_set, &flag, true, "held lock");
	assert_int_equal(init_blocked_calls, 1);
	assert_string_equal(init_blocked_what, "held lock");
	fl_sim.on_init_blocked = NULL;
}

/*
 * Who is blocked on user space: T0 waits in a userfault, T1 for T0 (a fork
 * T0 never reaches), T2 for T3, which waits on the kernel, T4 and T5 for
 * each other.  Only T0 and T1 are the scenario's fault (stuck).
 */
static int never;

static void body_chain(int tid)
{
	static const int waitee[] = { -1, 0, 3, -1, 5, 4 };

	if (tid == 0)
		fl_sim_wait_user(OBJ_FLAG, FL_ACC_R, flag_set, &never, "handle_userfault");
	else if (tid == 3)
		fl_sim_wait(OBJ_C, FL_ACC_R, flag_set, &never, true, "mmap_write_lock");
	else
		fl_sim_wait_thread(OBJ_B, FL_ACC_R, flag_set, &never, waitee[tid], "wait for the process to exist");
	note(tid);
}

static void test_waits_on_user_chain(void **state)
{
	(void)state;
	never = 0;
	start(6, cpus_distinct, body_chain);	/* each runs up to its wait */
	assert_int_equal(fl_sim_enabled_mask(), 0);
	assert_true(fl_sim_waits_on_user(0));
	assert_true(fl_sim_waits_on_user(1));
	assert_false(fl_sim_waits_on_user(2));
	assert_false(fl_sim_waits_on_user(3));
	assert_false(fl_sim_waits_on_user(4));
	assert_false(fl_sim_waits_on_user(5));
	/* Once T0 is resumed and done, T1 waits on nothing user space can end. */
	never = 1;
	fl_sim_run(0);
	assert_int_equal(fl_sim.t[0].state, FL_T_DONE);
	never = 0;
	assert_false(fl_sim_waits_on_user(1));
}

/* ====================================================================== */
/* Deadlock: ABBA lock order built from fl_sim_wait on test-local locks. */

struct tlock {
	int owner;	/* tid + 1, 0 = free */
};

static struct tlock lk[2];

static bool tlock_free(const void *arg)
{
	return ((const struct tlock *)arg)->owner == 0;
}

static void tlock_lock(int tid, int i, const char *what)
{
	fl_sim_wait(OBJ_A + (uint32_t)i, FL_ACC_W, tlock_free, &lk[i], false, what);
	BODY_CHECK(lk[i].owner == 0);
	lk[i].owner = tid + 1;
}

static void tlock_unlock(int tid, int i)
{
	fl_sim_yield(OBJ_A + (uint32_t)i, FL_ACC_W, "unlock");
	BODY_CHECK(lk[i].owner == tid + 1);
	lk[i].owner = 0;
}

static void body_abba(int tid)
{
	int first = tid, second = 1 - tid;

	tlock_lock(tid, first, tid ? "lock B" : "lock A");
	tlock_lock(tid, second, tid ? "lock A" : "lock B");
	note(tid);
	tlock_unlock(tid, second);
	tlock_unlock(tid, first);
}

static void test_deadlock_abba(void **state)
{
	(void)state;
	memset(lk, 0, sizeof(lk));
	start(2, cpus_distinct, body_abba);
	assert_int_equal(fl_sim_enabled_mask(), 0x3);

	fl_sim_run(0);			/* T0 takes A */
	assert_int_equal(lk[0].owner, 1);
	fl_sim_run(1);			/* T1 takes B */
	assert_int_equal(lk[1].owner, 2);

	/* Each now waits for the lock the other holds. */
	assert_false(fl_sim_enabled(0));
	assert_false(fl_sim_enabled(1));
	assert_int_equal(fl_sim_enabled_mask(), 0);
	assert_false(fl_sim_all_done());
	assert_string_equal(fl_sim.t[0].what, "lock B");
	assert_string_equal(fl_sim.t[1].what, "lock A");
	assert_int_equal(nev, 0);

	/* The same program under a serial schedule completes. */
	memset(lk, 0, sizeof(lk));
	reset_log();
	fl_sim_begin();
	while (fl_sim_enabled(0))
		fl_sim_run(0);
	assert_int_equal(fl_sim.t[0].state, FL_T_DONE);
	while (fl_sim_enabled(1))
		fl_sim_run(1);
	assert_true(fl_sim_all_done());
	assert_int_equal(fl_sim_enabled_mask(), 0);
	assert_int_equal(nev, 2);
	assert_int_equal(lk[0].owner, 0);
	assert_int_equal(lk[1].owner, 0);
}

/* ====================================================================== */
/* The sleep-in-atomic hook. */

static int sia_calls;
static int sia_tid;
static const char *sia_what;

static void on_sleep_in_atomic(int tid, const char *what)
{
	sia_calls++;
	sia_tid = tid;
	sia_what = what;
}

static bool always(const void *arg)
{
	(void)arg;
	return true;
}

static void body_sia(int tid)
{
	(void)tid;
	/* 1: a sleeping wait without a spinlock: fine. */
	fl_sim_wait(OBJ_A, FL_ACC_W, always, NULL, true, "sleep ok");
	note(1);
	/* 2: a spinning (non-sleeping) wait while atomic: fine. */
	fl_sim_atomic_inc();
	BODY_CHECK(fl_sim_self()->atomic == 1);
	fl_sim_wait(OBJ_B, FL_ACC_W, always, NULL, false, "spin while atomic");
	note(2);
	/* 3: a sleeping wait while atomic: the hook fires on entry. */
	fl_sim_wait(OBJ_C, FL_ACC_W, always, NULL, true, "sleep while atomic");
	note(3);
	fl_sim_atomic_dec();
	BODY_CHECK(fl_sim_self()->atomic == 0);
	/* 4: after the release: fine again. */
	fl_sim_wait(OBJ_A, FL_ACC_W, always, NULL, true, "sleep after");
	note(4);
}

static void test_sleep_in_atomic_hook(void **state)
{
	(void)state;
	sia_calls = 0;
	sia_tid = -1;
	sia_what = NULL;
	{
		const int cpus[2] = { 0, 1 };
		int labels[2] = { 0, 1 };

		reset_log();
		fl_sim_setup(2, cpus, labels, body_sia);
		fl_sim.on_sleep_in_atomic = on_sleep_in_atomic;
		fl_sim_begin();
	}
	/* Both threads reached "sleep ok" (no spinlock held): no report. */
	assert_int_equal(sia_calls, 0);
	fl_sim_run(1);		/* runs to "spin while atomic" */
	assert_int_equal(sia_calls, 0);
	assert_int_equal(fl_sim.t[1].atomic, 1);
	fl_sim_run(1);		/* enters "sleep while atomic" with atomic = 1 */
	assert_int_equal(sia_calls, 1);
	assert_int_equal(sia_tid, 1);
	assert_string_equal(sia_what, "sleep while atomic");
	fl_sim_run(1);		/* releases, enters "sleep after": no new report */
	assert_int_equal(sia_calls, 1);
	assert_int_equal(fl_sim.t[1].atomic, 0);
	fl_sim_run(1);
	assert_int_equal(fl_sim.t[1].state, FL_T_DONE);

	/* Thread 0 too: exactly one report, naming thread 0. */
	while (fl_sim_enabled(0))
		fl_sim_run(0);
	assert_true(fl_sim_all_done());
	assert_int_equal(sia_calls, 2);
	assert_int_equal(sia_tid, 0);

	/* Without a hook installed, the same program runs silently. */
	fl_sim.on_sleep_in_atomic = NULL;
	fl_sim_begin();
	while (fl_sim_enabled_mask())
		fl_sim_run(__builtin_ctz(fl_sim_enabled_mask()));
	assert_true(fl_sim_all_done());
	assert_int_equal(sia_calls, 2);
}

/* ====================================================================== */
/* Same-CPU rule: a spinlock holder is not preempted by a thread on its CPU. */

static void body_cpu(int tid)
{
	if (tid == 0) {
		fl_sim_yield(OBJ_A, FL_ACC_W, "before lock");
		fl_sim_atomic_inc();		/* spin_lock */
		fl_sim_yield(OBJ_B, FL_ACC_W, "in critical section");
		fl_sim_yield(OBJ_B, FL_ACC_W, "still in it");
		fl_sim_atomic_dec();		/* spin_unlock */
		fl_sim_yield(OBJ_A, FL_ACC_W, "after unlock");
	} else {
		fl_sim_yield(OBJ_C, FL_ACC_R, "other");
		fl_sim_yield(OBJ_C, FL_ACC_R, "other 2");
	}
}

static void test_same_cpu_rule(void **state)
{
	/* T0 and T1 share cpu0; T2 is on cpu1. */
	const int cpus[3] = { 0, 0, 1 };

	(void)state;
	start(3, cpus, body_cpu);
	assert_int_equal(fl_sim_enabled_mask(), 0x7);

	fl_sim_run(0);		/* takes the "spinlock" */
	assert_int_equal(fl_sim.t[0].atomic, 1);
	assert_true(fl_sim_enabled(0));		/* the holder itself runs on */
	assert_false(fl_sim_enabled(1));	/* same CPU: cannot preempt it */
	assert_true(fl_sim_enabled(2));		/* other CPU: free to run */
	assert_int_equal(fl_sim_enabled_mask(), 0x5);

	fl_sim_run(2);		/* another CPU runs meanwhile */
	assert_int_equal(fl_sim_enabled_mask(), 0x5);
	fl_sim_run(0);
	assert_int_equal(fl_sim_enabled_mask(), 0x5);
	fl_sim_run(0);		/* unlock */
	assert_int_equal(fl_sim.t[0].atomic, 0);
	assert_int_equal(fl_sim_enabled_mask(), 0x7);

	/* Run everything to the end. */
	fl_sim_run(1);
	fl_sim_run(1);
	fl_sim_run(2);
	fl_sim_run(0);
	assert_true(fl_sim_all_done());
}

/* ====================================================================== */
/* Dynamic footprints: refresh runs after a conflicting step only. */

static int refreshed;

static void refresh_cb(struct fl_footprint *fp, const void *arg)
{
	(void)arg;
	refreshed++;
	fp->n = 0;
	fl_fp_add(fp, OBJ_C, FL_ACC_W);
}

static void body_refresh(int tid)
{
	if (tid == 0) {
		struct fl_footprint fp = { 0 };

		fl_fp_add(&fp, OBJ_A, FL_ACC_R);
		fl_sim_yield_fp(&fp, refresh_cb, NULL, "dynamic");
	} else {
		fl_sim_yield(OBJ_B, FL_ACC_W, "independent");
		fl_sim_yield(OBJ_A, FL_ACC_R, "reads A too");
		fl_sim_yield(OBJ_A, FL_ACC_W, "writes A");
	}
}

static void test_refresh_after_conflict(void **state)
{
	(void)state;
	refreshed = 0;
	start(2, cpus_distinct, body_refresh);
	fl_sim_run(1);
	fl_sim_refresh_after(1);	/* B:W vs A:R: independent */
	assert_int_equal(refreshed, 0);
	fl_sim_run(1);
	fl_sim_refresh_after(1);	/* A:R vs A:R: independent */
	assert_int_equal(refreshed, 0);
	fl_sim_run(1);
	fl_sim_refresh_after(1);	/* A:W vs A:R: dependent */
	assert_int_equal(refreshed, 1);
	assert_int_equal(fl_sim.t[0].fp.n, 1);
	assert_int_equal(FL_FPE_OBJ(fl_sim.t[0].fp.e[0]), OBJ_C);
	fl_sim_run(0);
	assert_true(fl_sim_all_done());
}

/* ====================================================================== */
/* fl_fp_conflict / fl_fp_add. */

static struct fl_footprint fp1(uint32_t obj, unsigned acc)
{
	struct fl_footprint f = { 0 };

	fl_fp_add(&f, obj, acc);
	return f;
}

static void test_fp_conflict(void **state)
{
	struct fl_footprint r = fp1(OBJ_A, FL_ACC_R), r2 = fp1(OBJ_A, FL_ACC_R);
	struct fl_footprint w = fp1(OBJ_A, FL_ACC_W), w2 = fp1(OBJ_A, FL_ACC_W);
	struct fl_footprint rw = fp1(OBJ_A, FL_ACC_R | FL_ACC_W);
	struct fl_footprint wb = fp1(OBJ_B, FL_ACC_W), rb = fp1(OBJ_B, FL_ACC_R);
	struct fl_footprint empty = { 0 };

	(void)state;
	/* Same object. */
	assert_false(fl_fp_conflict(&r, &r2));		/* R/R independent */
	assert_true(fl_fp_conflict(&r, &w));		/* R/W dependent */
	assert_true(fl_fp_conflict(&w, &r));		/* W/R dependent */
	assert_true(fl_fp_conflict(&w, &w2));		/* W/W dependent */
	assert_true(fl_fp_conflict(&rw, &r));
	/* Different objects: independent whatever the access. */
	assert_false(fl_fp_conflict(&w, &wb));
	assert_false(fl_fp_conflict(&r, &wb));
	assert_false(fl_fp_conflict(&w, &rb));
	/* Empty footprint (a finished thread) conflicts with nothing. */
	assert_false(fl_fp_conflict(&empty, &w));
	assert_false(fl_fp_conflict(&w, &empty));

	/* Multi-object footprints: one dependent pair is enough. */
	{
		struct fl_footprint a = { 0 }, b = { 0 }, c = { 0 };

		fl_fp_add(&a, OBJ_A, FL_ACC_R);
		fl_fp_add(&a, OBJ_B, FL_ACC_W);
		fl_fp_add(&b, OBJ_C, FL_ACC_W);
		fl_fp_add(&b, OBJ_A, FL_ACC_R);
		assert_false(fl_fp_conflict(&a, &b));	/* share only A, both read */
		fl_fp_add(&c, OBJ_C, FL_ACC_R);
		fl_fp_add(&c, OBJ_B, FL_ACC_R);
		assert_true(fl_fp_conflict(&a, &c));	/* B: W vs R */
		assert_true(fl_fp_conflict(&c, &a));
	}

	/* fl_fp_add merges accesses to one object into one entry. */
	{
		struct fl_footprint m = { 0 };

		fl_fp_add(&m, OBJ_A, FL_ACC_R);
		fl_fp_add(&m, OBJ_B, FL_ACC_R);
		fl_fp_add(&m, OBJ_A, FL_ACC_W);
		assert_int_equal(m.n, 2);
		assert_int_equal(FL_FPE_OBJ(m.e[0]), OBJ_A);
		assert_int_equal(FL_FPE_ACC(m.e[0]), FL_ACC_R | FL_ACC_W);
		assert_true(fl_fp_conflict(&m, &r));	/* now writes A */
		assert_false(fl_fp_conflict(&m, &rb));
	}

	/* Large object ids (type in the high bits) keep their identity. */
	{
		struct fl_footprint x = fp1((7u << 20) | 5u, FL_ACC_W);
		struct fl_footprint y = fp1((8u << 20) | 5u, FL_ACC_W);
		struct fl_footprint z = fp1((7u << 20) | 5u, FL_ACC_R);

		assert_false(fl_fp_conflict(&x, &y));
		assert_true(fl_fp_conflict(&x, &z));
	}
}

/* Property: conflict is symmetric and equals "some shared object with a write". */
static void test_fp_conflict_random(void **state)
{
	uint64_t s = 0x9e3779b97f4a7c15ull;

	(void)state;
	for (int iter = 0; iter < 5000; iter++) {
		struct fl_footprint a = { 0 }, b = { 0 };
		unsigned acca[8] = { 0 }, accb[8] = { 0 };
		bool want = false;
		int na, nb;

		s ^= s << 13; s ^= s >> 7; s ^= s << 17;
		na = (int)(s % 5);
		nb = (int)((s >> 8) % 5);
		for (int i = 0; i < na; i++) {
			unsigned o = (unsigned)((s >> (16 + 3 * i)) % 8), acc = 1 + (unsigned)((s >> (40 + 2 * i)) % 3);

			fl_fp_add(&a, 500 + o, acc);
			acca[o] |= acc;
		}
		s ^= s << 13; s ^= s >> 7; s ^= s << 17;
		for (int i = 0; i < nb; i++) {
			unsigned o = (unsigned)((s >> (3 * i)) % 8), acc = 1 + (unsigned)((s >> (30 + 2 * i)) % 3);

			fl_fp_add(&b, 500 + o, acc);
			accb[o] |= acc;
		}
		for (int o = 0; o < 8; o++)
			if (acca[o] && accb[o] && ((acca[o] | accb[o]) & FL_ACC_W))
				want = true;
		assert_int_equal(fl_fp_conflict(&a, &b), want);
		assert_int_equal(fl_fp_conflict(&b, &a), want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_steps_in_order, teardown),
		cmocka_unit_test_teardown(test_yield_outside_thread_is_noop, teardown),
		cmocka_unit_test_teardown(test_wait_blocks_until_predicate, teardown),
		cmocka_unit_test_teardown(test_wait_true_predicate_enabled, teardown),
		cmocka_unit_test_teardown(test_wait_in_init_phase, teardown),
		cmocka_unit_test_teardown(test_deadlock_abba, teardown),
		cmocka_unit_test_teardown(test_waits_on_user_chain, teardown),
		cmocka_unit_test_teardown(test_sleep_in_atomic_hook, teardown),
		cmocka_unit_test_teardown(test_same_cpu_rule, teardown),
		cmocka_unit_test_teardown(test_refresh_after_conflict, teardown),
		cmocka_unit_test_teardown(test_rcu_grace_period, teardown),
		cmocka_unit_test_teardown(test_also_reads, teardown),
		cmocka_unit_test(test_fp_conflict),
		cmocka_unit_test(test_fp_conflict_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
