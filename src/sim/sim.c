/* SPDX-License-Identifier: MIT */
/* sim/sim.c - coroutines, announcements and blocking (see sim.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"

#define FL_SIM_STACK (256 * 1024)

struct fl_sim fl_sim = { .cur = -1 };

/* Do two accesses to one object conflict?  See the access modes in sim.h. */
static bool acc_conflict(unsigned a, unsigned b)
{
	if (a <= FL_ACC_W && b <= FL_ACC_W)
		return (a | b) & FL_ACC_W;
	if (a == FL_ACC_REL || b == FL_ACC_REL)
		return a == FL_ACC_TRY || b == FL_ACC_TRY;	/* a try-lock sees the release */
	if (a == FL_ACC_ACQ_SH && b == FL_ACC_ACQ_SH)
		return false;					/* readers share */
	return true;	/* two acquires race; plain access to a lock is a model bug: be safe */
}

bool fl_fp_conflict(const struct fl_footprint *a, const struct fl_footprint *b)
{
	for (int i = 0; i < a->n; i++) {
		for (int j = 0; j < b->n; j++) {
			if (FL_FPE_OBJ(a->e[i]) != FL_FPE_OBJ(b->e[j]))
				continue;
			if (acc_conflict(FL_FPE_ACC(a->e[i]), FL_FPE_ACC(b->e[j])))
				return true;
		}
	}
	return false;
}

void fl_fp_add(struct fl_footprint *fp, uint32_t obj, unsigned acc)
{
	for (int i = 0; i < fp->n; i++) {
		if (FL_FPE_OBJ(fp->e[i]) == obj) {
			unsigned old = FL_FPE_ACC(fp->e[i]);

			if (old <= FL_ACC_W && acc <= FL_ACC_W)
				acc |= old;
			else if (old != acc)
				acc = FL_ACC_TRY;
			fp->e[i] = FL_FPE(obj, acc);
			return;
		}
	}
	if (fp->n >= FL_FP_MAX) {
		/* A step touching more objects than this is a model bug. */
		fprintf(stderr, "faultline: internal error: footprint overflow\n");
		abort();
	}
	fp->e[fp->n++] = FL_FPE(obj, acc);
}

static void thread_entry(void *arg)
{
	struct fl_sim_thread *t = arg;

	t->state = FL_T_LIVE;
	fl_sim.body(t->id);
	t->state = FL_T_DONE;
	t->fp.n = 0;
	t->can_run = NULL;
	t->refresh = NULL;
	t->what = "exit";
	fl_sim.cur = -1;
	fl_ctx_switch(&t->ctx, &fl_sim.sched);
	abort();	/* a finished thread is never resumed */
}

void fl_sim_setup(int n, const int *cpus, const int *labels, fl_sim_body body)
{
	fl_sim_teardown();
	fl_sim.nthreads = n;
	fl_sim.body = body;
	for (int i = 0; i < n; i++) {
		fl_sim.t[i].id = i;
		fl_sim.t[i].cpu = cpus[i];
		fl_sim.t[i].label = labels[i];
		fl_sim.t[i].stack = malloc(FL_SIM_STACK);
		if (!fl_sim.t[i].stack) {
			fprintf(stderr, "faultline: out of memory for thread stacks\n");
			exit(2);
		}
	}
}

void fl_sim_teardown(void)
{
	for (int i = 0; i < fl_sim.nthreads; i++) {
		free(fl_sim.t[i].stack);
		fl_sim.t[i].stack = NULL;
	}
	fl_sim.nthreads = 0;
}

void fl_sim_begin(void)
{
	fl_sim.step = 0;
	fl_sim.cur = -1;
	fl_sim.limited = false;
	for (int i = 0; i < fl_sim.nthreads; i++) {
		struct fl_sim_thread *t = &fl_sim.t[i];

		t->state = FL_T_UNSTARTED;
		t->fp.n = 0;
		t->can_run = NULL;
		t->refresh = NULL;
		t->what = "start";
		t->atomic = 0;
		t->user_wait = false;
		t->waits_for = -1;
		t->steps = 0;
		t->also_reads = 0;
		fl_ctx_init(&t->ctx, t->stack, FL_SIM_STACK, thread_entry, t);
	}
	/* Run each thread's local prefix up to its first announcement. */
	for (int i = 0; i < fl_sim.nthreads; i++) {
		fl_sim.cur = i;
		fl_ctx_switch(&fl_sim.sched, &fl_sim.t[i].ctx);
	}
	fl_sim.cur = -1;
}

bool fl_sim_enabled(int tid)
{
	const struct fl_sim_thread *t = &fl_sim.t[tid];

	if (t->state != FL_T_LIVE)
		return false;
	if (t->can_run && !t->can_run(t->pred_arg))
		return false;
	/* A spinlock holder is never preempted by a thread on its own CPU. */
	for (int i = 0; i < fl_sim.nthreads; i++) {
		const struct fl_sim_thread *o = &fl_sim.t[i];

		if (i != tid && o->cpu == t->cpu && o->atomic > 0 && o->state == FL_T_LIVE)
			return false;
	}
	return true;
}

uint32_t fl_sim_enabled_mask(void)
{
	uint32_t m = 0;
	int holder[FL_SIM_MAX_THREADS], nholders = 0;

	/* The same test as fl_sim_enabled(), with the spinlock holders found once. */
	for (int i = 0; i < fl_sim.nthreads; i++)
		if (fl_sim.t[i].atomic > 0 && fl_sim.t[i].state == FL_T_LIVE)
			holder[nholders++] = i;
	for (int i = 0; i < fl_sim.nthreads; i++) {
		const struct fl_sim_thread *t = &fl_sim.t[i];
		bool ok = t->state == FL_T_LIVE && (!t->can_run || t->can_run(t->pred_arg));

		for (int h = 0; h < nholders && ok; h++)
			if (holder[h] != i && fl_sim.t[holder[h]].cpu == t->cpu)
				ok = false;
		if (ok)
			m |= 1u << i;
	}
	return m;
}

bool fl_sim_all_done(void)
{
	for (int i = 0; i < fl_sim.nthreads; i++)
		if (fl_sim.t[i].state != FL_T_DONE)
			return false;
	return true;
}

void fl_sim_run(int tid)
{
	struct fl_sim_thread *t = &fl_sim.t[tid];

	fl_sim.cur = tid;
	fl_sim.step++;
	fl_sim.total_steps++;
	t->steps++;
	t->last_fp = t->fp;
	fl_ctx_switch(&fl_sim.sched, &t->ctx);
	fl_sim.cur = -1;
}

void fl_sim_set_also_reads(uint32_t obj)
{
	if (fl_sim_in_thread())
		fl_sim_self()->also_reads = obj;
}

/* Add the thread's standing read to its pending footprint. */
static void add_also_reads(struct fl_sim_thread *t)
{
	if (t->also_reads)
		fl_fp_add(&t->fp, t->also_reads, FL_ACC_R);
}

static inline void yield_now(struct fl_sim_thread *t)
{
	add_also_reads(t);
	fl_sim.cur = -1;
	fl_ctx_switch(&t->ctx, &fl_sim.sched);
	/* Resumed: fl_sim_run() set fl_sim.cur to us. */
	t->can_run = NULL;
	t->refresh = NULL;
	t->user_wait = false;
	t->waits_for = -1;
}

void fl_sim_yield(uint32_t obj, unsigned acc, const char *what)
{
	struct fl_sim_thread *t;

	if (!fl_sim_in_thread())
		return;
	t = fl_sim_self();
	t->fp.n = 1;
	t->fp.e[0] = FL_FPE(obj, acc);
	t->what = what;
	yield_now(t);
}

void fl_sim_yield_fp(const struct fl_footprint *fp, fl_sim_refresh refresh,
		     const void *refresh_arg, const char *what)
{
	struct fl_sim_thread *t;

	if (!fl_sim_in_thread())
		return;
	t = fl_sim_self();
	t->fp = *fp;
	t->what = what;
	t->refresh = refresh;
	t->refresh_arg = refresh_arg;
	yield_now(t);
}

void fl_sim_refresh_after(int tid)
{
	const struct fl_footprint *done = &fl_sim.t[tid].last_fp;

	for (int i = 0; i < fl_sim.nthreads; i++) {
		struct fl_sim_thread *o = &fl_sim.t[i];

		if (i != tid && o->refresh && fl_fp_conflict(&o->fp, done)) {
			o->refresh(&o->fp, o->refresh_arg);
			add_also_reads(o);
		}
	}
}

void fl_sim_refresh_all(void)
{
	for (int i = 0; i < fl_sim.nthreads; i++) {
		struct fl_sim_thread *o = &fl_sim.t[i];

		if (o->refresh) {
			o->refresh(&o->fp, o->refresh_arg);
			add_also_reads(o);
		}
	}
}

void fl_sim_wait(uint32_t obj, unsigned acc, fl_sim_pred pred, const void *arg,
		 bool sleeping, const char *what)
{
	struct fl_sim_thread *t;

	if (!fl_sim_in_thread()) {
		if (!pred(arg) && fl_sim.on_init_blocked)
			fl_sim.on_init_blocked(what);
		return;
	}
	t = fl_sim_self();
	if (sleeping && t->atomic > 0 && fl_sim.on_sleep_in_atomic)
		fl_sim.on_sleep_in_atomic(t->id, what);
	t->fp.n = 1;
	t->fp.e[0] = FL_FPE(obj, acc);
	t->what = what;
	t->can_run = pred;
	t->pred_arg = arg;
	yield_now(t);
}

void fl_sim_wait_fp(const struct fl_footprint *fp, fl_sim_pred pred, const void *arg, bool sleeping,
		    const char *what)
{
	struct fl_sim_thread *t;

	if (!fl_sim_in_thread()) {
		if (!pred(arg) && fl_sim.on_init_blocked)
			fl_sim.on_init_blocked(what);
		return;
	}
	t = fl_sim_self();
	if (sleeping && t->atomic > 0 && fl_sim.on_sleep_in_atomic)
		fl_sim.on_sleep_in_atomic(t->id, what);
	t->fp = *fp;
	t->what = what;
	t->can_run = pred;
	t->pred_arg = arg;
	yield_now(t);
}

void fl_sim_wait_user(uint32_t obj, unsigned acc, fl_sim_pred pred, const void *arg, const char *what)
{
	if (fl_sim_in_thread())
		fl_sim_self()->user_wait = true;
	fl_sim_wait(obj, acc, pred, arg, true, what);
}

void fl_sim_limit(const char *fmt, ...)
{
	char where[240] = "", what[240];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (fl_sim.locate)
		fl_sim.locate(fl_sim.cur, where, sizeof(where));
	snprintf(fl_sim.limit_msg, sizeof(fl_sim.limit_msg), "%s%slimit of the model: %s",
		 where, where[0] ? ": " : "", what);
	if (fl_sim_in_thread()) {
		struct fl_sim_thread *t = fl_sim_self();

		/* Abandon the coroutine: fl_sim_begin() gives every thread a fresh context. */
		fl_sim.limited = true;
		fl_sim.cur = -1;
		fl_ctx_switch(&t->ctx, &fl_sim.sched);
		abort();	/* never resumed */
	}
	if (fl_sim.on_init_limit)
		fl_sim.on_init_limit(fl_sim.limit_msg);
	fprintf(stderr, "faultline: %s\n", fl_sim.limit_msg);
	exit(2);
}

void fl_sim_where_all(char *buf, int len)
{
	int o = 0;

	buf[0] = '\0';
	for (int i = 0; i < fl_sim.nthreads && o < len; i++) {
		char where[200] = "";

		if (fl_sim.t[i].state == FL_T_DONE)
			continue;
		if (fl_sim.locate)
			fl_sim.locate(i, where, sizeof(where));
		o += snprintf(buf + o, (size_t)(len - o), "%s%s in %s", o ? "; " : "",
			      where[0] ? where : "a thread", fl_sim.t[i].what);
	}
}

void fl_sim_wait_thread(uint32_t obj, unsigned acc, fl_sim_pred pred, const void *arg, int waitee,
			const char *what)
{
	if (fl_sim_in_thread())
		fl_sim_self()->waits_for = waitee;
	fl_sim_wait(obj, acc, pred, arg, false, what);
}

bool fl_sim_waits_on_user(int tid)
{
	/* Follow the chain of threads waited for; a cycle of such waits ends nowhere in user space. */
	for (int hops = 0; hops <= fl_sim.nthreads; hops++) {
		const struct fl_sim_thread *t = &fl_sim.t[tid];

		if (t->state != FL_T_LIVE)
			return false;	/* the one waited for finished (or never started) and never acted */
		if (t->user_wait)
			return true;
		if (t->waits_for < 0)
			return false;
		tid = t->waits_for;
	}
	return false;
}
