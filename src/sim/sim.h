/* SPDX-License-Identifier: MIT */
/*
 * sim/sim.h - simulated threads, visible steps and explicit blocking.
 *
 * A simulated thread runs as a coroutine.  Before every access to shared
 * state it *announces* its next step by a footprint, the set of objects it
 * will touch and how (read or write), then gives control back to the
 * scheduler.  When the scheduler picks it again, the step runs atomically
 * up to the next announcement.  Thread-local work never yields.
 *
 * Blocking is explicit: a step may carry a predicate (a lock is free, a
 * process exists).  A thread whose predicate is false is not enabled.
 * Nothing enabled while threads remain is a deadlock; the explorer sees it
 * through fl_sim_enabled_mask() == 0 && !fl_sim_all_done().
 *
 * Objects are opaque 30-bit ids chosen by the layers above (hw/, mm/).
 * sim knows nothing of mm.  During the sequential init phase there is no
 * running coroutine: announcements are no-ops and a wait whose predicate
 * is false is reported through the stuck hook.
 */
#ifndef FL_SIM_SIM_H
#define FL_SIM_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/ctx.h"

#define FL_SIM_MAX_THREADS	8
#define FL_FP_MAX		12	/* objects one step may touch */

/*
 * Access modes.  Plain data is read or written.  Locks have their own
 * modes because what matters for them is whether two operations can be
 * enabled at the same time (Flanagan-Godefroid's "may be co-enabled"): a
 * release and a blocking acquire of the same lock never are, so they are
 * independent, while two acquires race for the lock.
 */
#define FL_ACC_R	1u	/* read */
#define FL_ACC_W	2u	/* write (or read-modify-write) */
#define FL_ACC_ACQ	4u	/* blocking exclusive acquire */
#define FL_ACC_ACQ_SH	5u	/* blocking shared acquire (rwsem read) */
#define FL_ACC_REL	6u	/* release */
#define FL_ACC_TRY	7u	/* non-blocking try-acquire, or any mix: conflicts with every lock op */

/* One footprint entry: (object << 3) | access. */
typedef uint32_t fl_fpe;
#define FL_FPE(obj, acc)	(((uint32_t)(obj) << 3) | (acc))
#define FL_FPE_OBJ(e)		((e) >> 3)
#define FL_FPE_ACC(e)		((e) & 7u)

struct fl_footprint {
	uint8_t n;
	fl_fpe e[FL_FP_MAX];
};

/* Two steps are dependent when they touch one object and one of them writes it. */
bool fl_fp_conflict(const struct fl_footprint *a, const struct fl_footprint *b);
void fl_fp_add(struct fl_footprint *fp, uint32_t obj, unsigned acc);

typedef bool (*fl_sim_pred)(const void *arg);
/* Recompute a pending step's footprint after the state it depends on changed. */
typedef void (*fl_sim_refresh)(struct fl_footprint *fp, const void *arg);

enum fl_sim_tstate {
	FL_T_UNSTARTED,
	FL_T_LIVE,
	FL_T_DONE,
};

struct fl_sim_thread {
	struct fl_ctx ctx;
	void *stack;
	int id;			/* index in fl_sim.t[] */
	int label;		/* the name users know it by (Tn in the litmus file) */
	int cpu;		/* threads on one CPU never preempt a spinlock holder */
	enum fl_sim_tstate state;
	struct fl_footprint fp;	/* of the pending step */
	struct fl_footprint last_fp;	/* of the step just run */
	fl_sim_pred can_run;	/* NULL: always enabled */
	const void *pred_arg;
	fl_sim_refresh refresh;	/* NULL: the footprint is static */
	const void *refresh_arg;
	const char *what;	/* the pending step, for deadlock reports */
	int atomic;		/* spinlocks held (preemption disabled) */
	bool user_wait;		/* blocked on user space (a userfault), not on the kernel */
	int waits_for;		/* blocked until thread waits_for acts (-1: no such thread) */
	uint32_t steps;		/* steps taken in this execution */
	/*
	 * An object every step of the thread reads while set (0: none): state
	 * the thread's code reads anywhere without announcing it, e.g. the VMA
	 * a fault holds under its per-VMA lock (mm/vma_lock.c).
	 */
	uint32_t also_reads;
};

typedef void (*fl_sim_body)(int tid);

struct fl_sim {
	int nthreads;
	struct fl_sim_thread t[FL_SIM_MAX_THREADS];
	struct fl_ctx sched;	/* the scheduler's (main) context */
	int cur;		/* running thread, -1 outside coroutines */
	fl_sim_body body;
	uint64_t step;		/* steps taken in this execution */
	uint64_t total_steps;	/* across executions, for statistics */
	/* Hooks set by the layers above (may be NULL). */
	void (*on_sleep_in_atomic)(int tid, const char *what);
	void (*on_init_blocked)(const char *what);
	/*
	 * Where thread @tid is in its program, "file:line:col: T1" (tid -1:
	 * the init block), for messages about a limit of the model.
	 */
	void (*locate)(int tid, char *buf, int len);
	/* The init block reached a limit of the model: report @msg, never return. */
	void (*on_init_limit)(const char *msg);
	/*
	 * A thread reached a limit of the model (fl_sim_limit): the execution
	 * stopped there, and the explorer reports limit_msg as an error.
	 */
	bool limited;
	char limit_msg[512];
};

extern struct fl_sim fl_sim;

/* Allocate @n thread stacks once; @body(tid) is each thread's program. */
void fl_sim_setup(int n, const int *cpus, const int *labels, fl_sim_body body);
void fl_sim_teardown(void);
/* Start every thread afresh and run each up to its first announcement. */
void fl_sim_begin(void);
/* Run thread @tid's pending step, up to its next announcement or its end. */
void fl_sim_run(int tid);
bool fl_sim_enabled(int tid);
/* After @tid ran a step: recompute the dynamic footprints it may have changed. */
void fl_sim_refresh_after(int tid);
/*
 * Recompute every dynamic footprint from the current state, for a caller
 * that ran steps without fl_sim_refresh_after() (replaying a known prefix).
 */
void fl_sim_refresh_all(void);
uint32_t fl_sim_enabled_mask(void);
bool fl_sim_all_done(void);

/* --- called from simulated code --------------------------------------- */

static inline bool fl_sim_in_thread(void)
{
	return fl_sim.cur >= 0;
}

static inline struct fl_sim_thread *fl_sim_self(void)
{
	return &fl_sim.t[fl_sim.cur];
}

/* Every later step of the running thread also reads @obj (0: stop). */
void fl_sim_set_also_reads(uint32_t obj);

/* Announce a step touching one object, and yield. */
void fl_sim_yield(uint32_t obj, unsigned acc, const char *what);
/* Announce a step with a full footprint (built by the caller), and yield. */
void fl_sim_yield_fp(const struct fl_footprint *fp, fl_sim_refresh refresh,
		     const void *refresh_arg, const char *what);
/*
 * Announce a step that can only run when pred(arg) holds, and yield.
 * @sleeping: the wait sleeps (rwsem, page lock), so it must not be
 * entered while a spinlock is held.
 */
void fl_sim_wait(uint32_t obj, unsigned acc, fl_sim_pred pred, const void *arg,
		 bool sleeping, const char *what);

/* A blocking step with a full footprint (a wait that reads several objects, as synchronize_rcu). */
void fl_sim_wait_fp(const struct fl_footprint *fp, fl_sim_pred pred, const void *arg, bool sleeping,
		    const char *what);

/*
 * The same, for a wait that only user space can end (a thread sleeping in
 * handle_userfault until a monitor resolves the fault).  When nothing can
 * run and every blocked thread waits on user space, the scenario is stuck,
 * which is the test's fault and not a kernel deadlock.
 */
void fl_sim_wait_user(uint32_t obj, unsigned acc, fl_sim_pred pred, const void *arg, const char *what);

/*
 * A limit of the model was reached: a full table (frames, VMAs, swap
 * slots, shmem objects) or a retry cap.  That is never kernel behaviour,
 * so it must not turn into a fake ENOMEM or SIGSEGV: the message, located
 * at the op the thread was running, ends the execution and the explorer
 * reports it as an error (exit status 2).  In the init block it goes to
 * on_init_limit.  Never returns.
 */
void fl_sim_limit(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* "T1 at file:line:col, T2 at ..." for every unfinished thread (livelock reports). */
void fl_sim_where_all(char *buf, int len);

/*
 * The same, for a wait that only thread @waitee can end (a thread of a
 * process that another thread's fork has still to create).  It inherits
 * that thread's reason for not going on: see fl_sim_waits_on_user().
 */
void fl_sim_wait_thread(uint32_t obj, unsigned acc, fl_sim_pred pred, const void *arg, int waitee,
			const char *what);

/*
 * Is blocked thread @tid waiting, directly or through the threads it waits
 * for, on user space only?  (A thread waiting for a fork that a thread
 * sleeping in handle_userfault will never reach is as stuck as that one.)
 */
bool fl_sim_waits_on_user(int tid);

/* Spinlock bookkeeping (preemption disabled while > 0). */
static inline void fl_sim_atomic_inc(void)
{
	if (fl_sim_in_thread())
		fl_sim_self()->atomic++;
}

static inline void fl_sim_atomic_dec(void)
{
	if (fl_sim_in_thread())
		fl_sim_self()->atomic--;
}

#endif
