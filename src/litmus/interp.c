/* SPDX-License-Identifier: MIT */
/*
 * litmus/interp.c - turn scenario ops into calls into mm/ (see interp.h).
 */
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "check/check.h"
#include "litmus/interp.h"
#include "mm/mm.h"

/* Every op stores at most once (a write, a device write through a pin, UFFDIO_COPY). */
_Static_assert(FL_MAX_STORES >= (FL_LIT_MAX_THREADS + 1) * FL_LIT_MAX_OPS,
	       "the store table holds every store of the largest scenario");

/*
 * References the scenario took with get_page() or pin_user_pages(),
 * dropped by put_page()/unpin_user_page() or by the harness at teardown.
 */
struct href {
	int8_t proc;
	int16_t vpn;
	int8_t pfn;
	uint8_t dropped;
	uint8_t pin;
};

struct interp_state {
	uint64_t regs[FL_LIT_MAX_THREADS + 1][FL_LIT_MAX_REGS];	/* [0] = init */
	uint8_t reg_set[FL_LIT_MAX_THREADS + 1][FL_LIT_MAX_REGS];
	int nhrefs;
	struct href hrefs[FL_MAX_HREFS];
	int8_t file_obj[FL_LIT_MAX_FILES];	/* memfd: the shmem object of each file */
};

static struct interp_state fl_is;
static const struct fl_scenario *cur_sc;
static bool uses_uffd;	/* the scenario registers a userfaultfd */

static struct {
	struct fl_hw hw;
	struct fl_mm_state mm;
	struct fl_check_state chk;
	struct interp_state is;
	struct fl_rcu_state rcu;
} snap;

static jmp_buf init_env;
static char init_err[768];
static const struct fl_lit_op *init_op;
static const struct fl_lit_op *thread_op[FL_LIT_MAX_THREADS];	/* the op each thread is running */

static int op_vpn(const struct fl_lit_op *op)
{
	return FL_LIT_REGION_VPN(op->addr.region) + op->addr.offset / FL_LIT_PAGE_WORDS;
}

static int op_npages(const struct fl_lit_op *op)
{
	if (op->npages)
		return op->npages;
	return cur_sc->regions[op->addr.region].npages - op->addr.offset / FL_LIT_PAGE_WORDS;
}

static void set_reg(int slot, int reg, uint64_t v)
{
	if (reg < 0)
		return;
	fl_is.regs[slot][reg] = v;
	fl_is.reg_set[slot][reg] = 1;
}

/* get_page() as a scenario op: the page mapped at the address gains a reference. */
static void remember_ref(struct fl_task *t, int vpn, int pfn, bool pin);

static void harness_get_page(struct fl_task *t, int vpn)
{
	struct fl_vma *vma;
	int pfn = -1;

	fl_mmap_read_lock(t, t->mm);
	vma = fl_find_vma(t->mm, vpn);
	if (vma) {
		fl_pte_lock(t, t->mm, vpn);
		pfn = fl_vm_normal_page(vma, fl_ptep_get(t->mm, vpn));
		if (pfn >= 0)
			fl_get_page(pfn);
		fl_pte_unlock(t, t->mm, vpn);
	}
	fl_mmap_read_unlock(t, t->mm);
	if (pfn < 0) {
		FL_TRACE("no page mapped at %s: nothing taken", fl_va(vpn));
		return;
	}
	remember_ref(t, vpn, pfn, false);
}

/*
 * The references a thread holds are shared with the others (put_page and
 * unpin find them, a device uses the pins): taking one is a step that
 * writes the harness's table.
 */
static void remember_ref(struct fl_task *t, int vpn, int pfn, bool pin)
{
	struct fl_footprint fp = { 0 };

	/*
	 * A pin (or pipe buffer) recorded here is judged by whether its
	 * address was unmapped since GUP took the page (fl_spec_view_add):
	 * ordered against munmap/exit forgetting the range (FL_OBJ_SPEC_MM).
	 */
	fl_fp_add(&fp, FL_OBJ(FL_OT_VIEWS, 0), FL_ACC_W);
	fl_fp_add(&fp, FL_OBJ_SPEC_MM(t->mm), FL_ACC_R);
	fl_sim_yield_fp(&fp, NULL, NULL, pin ? "the pin is held" : "the reference is held");
	/* fl_scenario_check_limits() bounds the references a scenario can take. */
	if (fl_is.nhrefs == FL_MAX_HREFS)
		fl_sim_limit("more than %d get_page/pin references held (FL_MAX_HREFS)", FL_MAX_HREFS);
	fl_is.hrefs[fl_is.nhrefs++] = (struct href){ (int8_t)t->mm, (int16_t)vpn, (int8_t)pfn, 0, pin };
}

static void drop_ref(const struct href *h)
{
	if (h->pin)
		fl_unpin_user_page(h->pfn);
	else
		fl_put_page(h->pfn);
}

/* put_page()/unpin_user_page(): the latest matching reference on that address. */
static void harness_put(struct fl_task *t, int vpn, bool pin)
{
	fl_sim_yield(FL_OBJ(FL_OT_VIEWS, 0), FL_ACC_W, pin ? "unpin_user_page" : "put_page");
	for (int i = fl_is.nhrefs - 1; i >= 0; i--) {
		struct href *h = &fl_is.hrefs[i];

		if (!h->dropped && h->proc == t->mm && h->vpn == vpn && h->pin == pin) {
			h->dropped = 1;
			if (pin)	/* the device may not use it any more: DMA after unpin fails */
				fl_spec_view_drop(t->mm, vpn, false);
			drop_ref(h);
			return;
		}
	}
	FL_TRACE("no %s reference on %s to drop", pin ? "pin" : "get_page", fl_va(vpn));
}

static uint32_t vm_flags_of(const struct fl_lit_op *op)
{
	uint32_t f = 0;

	if (op->prot & FL_PROT_READ)
		f |= VM_READ;
	if (op->prot & FL_PROT_WRITE)
		f |= VM_WRITE | VM_READ;
	if (op->mflags & FL_MAP_SHARED)
		f |= VM_SHARED;
	return f;
}

/* An ioctl's result as a register: 0, or the positive errno (EEXIST = 17, ...). */
static uint64_t errno_reg(int ret)
{
	return ret < 0 ? (uint64_t)-ret : 0;
}

/*
 * What the model runs for each op: model_<name>() for every row of
 * FL_LIT_OPS (litmus/ops.h).  @slot is the register file: 0 for init,
 * thread index + 1 otherwise.
 */
#define MODEL_OP(name) static void model_##name(struct fl_task *t, const struct fl_lit_op *op, int slot)

MODEL_OP(mmap)
{
	(void)slot;
	if (op->file >= 0)
		fl_do_mmap_file(t, op_vpn(op), op_npages(op), vm_flags_of(op), fl_is.file_obj[op->file], op->fpage);
	else
		fl_do_mmap(t, op_vpn(op), op_npages(op), vm_flags_of(op));
}

/* memfd_create + ftruncate: a shmem object of the file's size (FL_SHMEM_PAGES is the model's bound). */
MODEL_OP(memfd)
{
	(void)t;
	(void)slot;
	fl_is.file_obj[op->file] = (int8_t)fl_shmem_create();
	FL_TRACE("memfd %s: shmem %d, %d pages", cur_sc->files[op->file].name, fl_is.file_obj[op->file], op->npages);
}

/* fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, page, N) */
MODEL_OP(fallocate)
{
	set_reg(slot, op->reg, errno_reg(fl_shmem_fallocate(t, fl_is.file_obj[op->file], op->fpage, op->npages)));
}

MODEL_OP(madvise_remove)
{
	set_reg(slot, op->reg, errno_reg(fl_madvise_remove(t, op_vpn(op), op_npages(op))));
}

MODEL_OP(munmap)
{
	(void)slot;
	fl_do_munmap(t, op_vpn(op), op_npages(op));
}

MODEL_OP(mprotect)
{
	(void)slot;
	fl_do_mprotect(t, op_vpn(op), op_npages(op), vm_flags_of(op) & (VM_READ | VM_WRITE));
}

static void user_access(struct fl_task *t, const struct fl_lit_op *op, int slot, bool write)
{
	struct fl_user_access ua = {
		.vpn = op_vpn(op), .word_off = op->addr.offset % FL_LIT_PAGE_WORDS,
		.write = write, .val = op->value,
	};

	fl_user_access(t, &ua);
	set_reg(slot, op->reg, ua.segv ? FL_VAL_SEGV : ua.result);
}

MODEL_OP(read)
{
	user_access(t, op, slot, false);
}

MODEL_OP(write)
{
	user_access(t, op, slot, true);
}

MODEL_OP(get_page)
{
	(void)slot;
	harness_get_page(t, op_vpn(op));
}

MODEL_OP(put_page)
{
	(void)slot;
	harness_put(t, op_vpn(op), false);
}

/* pin_user_pages(_fast): one long-term pin that a device may use (pin_read / pin_write). */
static void pin(struct fl_task *t, const struct fl_lit_op *op, int slot, bool fast)
{
	int pfn = fl_get_user_page(t, op_vpn(op), FOLL_PIN | FOLL_LONGTERM |
				   ((op->prot & FL_PROT_WRITE) ? FOLL_WRITE : 0), fast);

	if (pfn >= 0) {
		remember_ref(t, op_vpn(op), pfn, true);
		fl_spec_view_add(t->mm, op_vpn(op), pfn, false);
	}
	set_reg(slot, op->reg, pfn >= 0 ? 0 : FL_VAL_SEGV);
}

MODEL_OP(pin_user_pages)
{
	pin(t, op, slot, false);
}

MODEL_OP(pin_user_pages_fast)
{
	pin(t, op, slot, true);
}

MODEL_OP(unpin_user_page)
{
	(void)slot;
	harness_put(t, op_vpn(op), true);
}

MODEL_OP(uffd_register)
{
	set_reg(slot, op->reg, errno_reg(fl_userfaultfd_register(t, op_vpn(op), op_npages(op),
		(op->value & FL_UFFD_MISSING ? UFFDIO_REGISTER_MODE_MISSING : 0) |
		(op->value & FL_UFFD_WP ? UFFDIO_REGISTER_MODE_WP : 0))));
}

MODEL_OP(uffd_wp)
{
	set_reg(slot, op->reg, errno_reg(fl_mwriteprotect_range(t, op_vpn(op), op_npages(op), op->value)));
}

MODEL_OP(uffd_copy)
{
	set_reg(slot, op->reg, errno_reg(fl_mcopy_atomic(t, op_vpn(op), op->value, false)));
}

MODEL_OP(uffd_zeropage)
{
	set_reg(slot, op->reg, errno_reg(fl_mcopy_atomic(t, op_vpn(op), 0, true)));
}

static void map_device(struct fl_task *t, const struct fl_lit_op *op, bool remap)
{
	int pfns[FL_LIT_MAX_PAGES], n = op_npages(op);

	fl_map_device_pfns(t, op_vpn(op), n, remap, pfns);
	for (int k = 0; k < n; k++)
		if (pfns[k] >= 0)
			remember_ref(t, op_vpn(op) + k, pfns[k], false);	/* the driver's memory */
}

MODEL_OP(remap_pfn)
{
	(void)slot;
	map_device(t, op, true);
}

MODEL_OP(insert_pfn)
{
	(void)slot;
	map_device(t, op, false);
}

MODEL_OP(gup)
{
	int pages[FL_LIT_MAX_PAGES], n = op_npages(op);
	unsigned flags = op->value == FL_GUP_PIN ? FOLL_PIN | FOLL_LONGTERM :
			 op->value == FL_GUP_GET ? FOLL_GET : 0;
	bool with_pages = op->value != FL_GUP_NONE;
	long ret;

	for (int k = 0; k < n; k++)
		pages[k] = FL_GUP_POISON;
	ret = fl_get_user_pages_range(t, op_vpn(op), n, flags, with_pages ? pages : NULL);
	fl_check_gup_return(t->tid, ret, flags, with_pages ? pages : NULL, n);
	/* The caller releases what it got (unpin_user_pages / put_page); garbage it cannot. */
	for (long k = 0; with_pages && k < ret && k < n; k++)
		if (pages[k] >= 0)
			(flags & FOLL_PIN) ? fl_unpin_user_page(pages[k]) : fl_put_page(pages[k]);
	set_reg(slot, op->reg, (uint64_t)ret);
}

MODEL_OP(mlock)
{
	set_reg(slot, op->reg, errno_reg(fl_do_mlock(t, op_vpn(op), op_npages(op))));
}

MODEL_OP(madvise_dontfork)
{
	(void)slot;
	fl_madvise_dontfork(t, op_vpn(op), op_npages(op));
}

MODEL_OP(madvise_pageout)
{
	(void)slot;
	fl_madvise_pageout(t, op_vpn(op), op_npages(op));
}

MODEL_OP(uffd_wait)
{
	set_reg(slot, op->reg, (uint64_t)fl_uffd_read_msg(t));
}

/* The pin (or, for a pipe, the vmsplice'd buffer) at the op's address, or -1 with the register SEGV. */
static int view_at(struct fl_task *t, const struct fl_lit_op *op, int slot, bool pipe)
{
	int v = fl_spec_view_find(t->mm, op_vpn(op), pipe);

	if (v < 0) {
		FL_TRACE("no %s at %s", pipe ? "vmsplice pipe" : "pin", fl_va(op_vpn(op)));
		set_reg(slot, op->reg, FL_VAL_SEGV);
	}
	return v;
}

MODEL_OP(pin_read)
{
	int v = view_at(t, op, slot, false);

	if (v >= 0)
		set_reg(slot, op->reg, fl_spec_pin_read(v, t->tid, op->addr.offset % FL_LIT_PAGE_WORDS));
}

MODEL_OP(pin_write)
{
	int v = view_at(t, op, slot, false);

	if (v >= 0)
		fl_spec_pin_write(v, t->tid, op->addr.offset % FL_LIT_PAGE_WORDS, op->value);
}

MODEL_OP(pipe_read)
{
	int v = view_at(t, op, slot, true);

	if (v >= 0)
		set_reg(slot, op->reg, fl_spec_pipe_read(v, t->tid, op->addr.offset % FL_LIT_PAGE_WORDS));
}

MODEL_OP(vmsplice)
{
	/* iov_iter_get_pages: get_user_pages_fast(FOLL_GET), read-only; the pipe holds the reference. */
	int pfn = fl_get_user_page(t, op_vpn(op), FOLL_GET, true);

	if (pfn >= 0) {
		remember_ref(t, op_vpn(op), pfn, false);
		fl_spec_view_add(t->mm, op_vpn(op), pfn, true);
	}
	set_reg(slot, op->reg, pfn >= 0 ? 0 : FL_VAL_SEGV);
}

MODEL_OP(clear_refs)
{
	(void)slot;
	fl_clear_refs_write(t, op->clear_refs_type);
	/* The write(2) returns to user space: later stores must be reported. */
	fl_sim_yield(FL_OBJ(FL_OT_SDEPOCH, t->mm), FL_ACC_W, "clear_refs returns");
	fl_spec_clear_refs_done(t->mm);
}

MODEL_OP(fork)
{
	(void)slot;
	fl_dup_mm(t, op->child);
}

MODEL_OP(exit)
{
	(void)op;
	(void)slot;
	fl_exit_mmap(t, t->mm);
	fl_sim_yield(FL_OBJ(FL_OT_PROC, t->mm), FL_ACC_W, "exit");
	fl_mm.mm[t->mm].live = 0;
}

MODEL_OP(evict)
{
	(void)slot;
	fl_sim_yield(fl_obj_tlb(t->cpu), FL_ACC_W, "evict");
	fl_tlb_flush_page_local(t->cpu, t->mm, op_vpn(op));
	FL_TRACE("cpu%d drops its TLB entry for %s", t->cpu, fl_va(op_vpn(op)));
}

MODEL_OP(pagemap)
{
	set_reg(slot, op->reg, fl_pagemap_read(t, t->mm, op_vpn(op)));
}

static void (*const model_ops[FL_OP__COUNT])(struct fl_task *, const struct fl_lit_op *, int) = {
#define FL_X_MODEL(K, name, ...) [FL_OP_##K] = model_##name,
	FL_LIT_OPS(FL_X_MODEL)
#undef FL_X_MODEL
};

static void run_op(struct fl_task *t, const struct fl_lit_op *op, int slot)
{
	model_ops[op->kind](t, op, slot);
}

/* Name addresses as the litmus file does: A+9, or A's page for a whole page (word < 0). */
static void addr_fmt(int vpn, int word, char *buf, int len)
{
	for (int r = 0; r < cur_sc->nregions; r++) {
		int base = FL_LIT_REGION_VPN(r);

		if (vpn < base || vpn >= base + cur_sc->regions[r].npages)
			continue;
		if (word < 0 && vpn == base)
			snprintf(buf, (size_t)len, "%s", cur_sc->regions[r].name);
		else if (word < 0)
			snprintf(buf, (size_t)len, "%s+%d", cur_sc->regions[r].name, (vpn - base) * FL_LIT_PAGE_WORDS);
		else
			snprintf(buf, (size_t)len, "%s+%d", cur_sc->regions[r].name, (vpn - base) * FL_LIT_PAGE_WORDS + word);
		return;
	}
	snprintf(buf, (size_t)len, "vpn %d", vpn);
}

static bool proc_live(const void *arg)
{
	return fl_mm.mm[*(const int *)arg].live;
}

/* The thread whose fork creates process @proc, or -1 (init forks it, or nobody does). */
static int forking_thread(int proc)
{
	for (int i = 0; i < cur_sc->nthreads; i++)
		for (int k = 0; k < cur_sc->threads[i].nops; k++)
			if (cur_sc->threads[i].ops[k].kind == FL_OP_FORK && cur_sc->threads[i].ops[k].child == proc)
				return i;
	return -1;
}

static void thread_body(int tid)
{
	const struct fl_lit_thread *th = &cur_sc->threads[tid];
	struct fl_task t = { .tid = tid, .mm = th->proc, .cpu = th->cpu };

	/* Only the forking thread can end this wait: if it waits on user space, so does this one. */
	if (!fl_mm.mm[th->proc].live)
		fl_sim_wait_thread(FL_OBJ(FL_OT_PROC, th->proc), FL_ACC_R, proc_live, &th->proc,
				   forking_thread(th->proc), "wait for the process to exist");
	thread_op[tid] = NULL;
	for (int i = 0; i < th->nops; i++) {
		thread_op[tid] = &th->ops[i];
		run_op(&t, &th->ops[i], tid + 1);
	}
	/* A monitor waiting for messages learns that this thread will raise none any more. */
	if (uses_uffd)
		fl_sim_yield(fl_obj_uffd(), FL_ACC_W, "exit");
}

static void on_init_blocked(const char *what)
{
	snprintf(init_err, sizeof(init_err), "%.300s:%d:%d: the init block blocks in %s (init runs sequentially)",
		 cur_sc->file, init_op ? init_op->loc.line : 1, init_op ? init_op->loc.col : 1, what);
	longjmp(init_env, 1);
}

/* fl_sim.locate: "file:line:col: T1" for the op a thread (or the init block, tid -1) is running. */
static void locate(int tid, char *buf, int len)
{
	const struct fl_lit_op *op = tid < 0 ? init_op : thread_op[tid];
	char who[16];

	if (tid < 0)
		snprintf(who, sizeof(who), "init");
	else
		snprintf(who, sizeof(who), "T%d", cur_sc->threads[tid].id);
	if (op)
		snprintf(buf, (size_t)len, "%.150s:%d:%d: %s", cur_sc->file, op->loc.line, op->loc.col, who);
	else
		snprintf(buf, (size_t)len, "%.150s: %s", cur_sc->file, who);
}

static void on_init_limit(const char *msg)
{
	snprintf(init_err, sizeof(init_err), "%s", msg);
	longjmp(init_env, 1);
}

static void on_sleep_in_atomic(int tid, const char *what)
{
	fl_violate(FL_PROP_SLEEP_IN_ATOMIC, tid, "T%d sleeps in %s while holding a spinlock", fl_sim.t[tid].label, what);
}

int fl_interp_prepare(const struct fl_scenario *sc, const struct fl_policy *pol, char *err, int errlen)
{
	int cpus[FL_LIT_MAX_THREADS], labels[FL_LIT_MAX_THREADS];

	if (fl_scenario_check_limits(sc, err, errlen))
		return -1;
	cur_sc = sc;
	fl_cur_policy = *pol;
	fl_sim.on_init_blocked = on_init_blocked;
	fl_sim.on_init_limit = on_init_limit;
	fl_sim.locate = locate;
	fl_sim.on_sleep_in_atomic = on_sleep_in_atomic;
	fl_log_addr_fmt = addr_fmt;
	for (int i = 0; i < sc->nthreads; i++) {
		cpus[i] = sc->threads[i].cpu;
		labels[i] = sc->threads[i].id;
	}
	fl_sim_setup(sc->nthreads, cpus, labels, thread_body);
	fl_sim.step = 0;
	fl_sim.cur = -1;
	fl_hw_reset(sc->ncpus > 0 ? sc->ncpus : 1);
	memset(&fl_mm, 0, sizeof(fl_mm));
	fl_page_alloc_init();
	for (int m = 0; m < FL_MAX_MM; m++)
		fl_mm_init(m);
	fl_mm.mm[0].live = 1;
	fl_rcu_reset();
	fl_spec_reset();
	fl_chk.sd_tracked = fl_scenario_uses(sc, FL_OP_CLEAR_REFS);
	uses_uffd = fl_scenario_uses(sc, FL_OP_UFFD_REGISTER);
	fl_mm.swapon = fl_scenario_uses(sc, FL_OP_MADV_PAGEOUT);	/* swapon: only scenarios that swap have a device */
	memset(&fl_is, 0, sizeof(fl_is));
	init_op = NULL;
	if (setjmp(init_env)) {
		snprintf(err, (size_t)errlen, "%s", init_err);
		return -1;
	}
	for (int i = 0; i < sc->ninit; i++) {
		const struct fl_lit_op *op = &sc->init[i];
		struct fl_task t = { .tid = -1, .mm = op->proc, .cpu = op->cpu };

		init_op = op;
		run_op(&t, op, 0);
	}
	snap.hw = fl_hw;
	snap.mm = fl_mm;
	snap.chk = fl_chk;
	snap.is = fl_is;
	snap.rcu = fl_rcu;
	return 0;
}

static void reset(void *ctx)
{
	int frames = fl_hw.frames_used > snap.hw.frames_used ? fl_hw.frames_used : snap.hw.frames_used;

	(void)ctx;
	/* Frames never allocated since the snapshot are equal in both (hw.h). */
	memcpy(&fl_hw, &snap.hw, offsetof(struct fl_hw, frame) + sizeof(fl_hw.frame[0]) * (size_t)frames);
	memcpy(&fl_mm, &snap.mm, sizeof(fl_mm));
	fl_check_restore(&snap.chk);
	memcpy(&fl_is, &snap.is, sizeof(fl_is));
	fl_rcu = snap.rcu;
	fl_sim_begin();
}

/*
 * Nothing can run.  If every blocked thread waits on user space (a
 * userfault nobody resolves), or on a thread that does (a fork never
 * reached), the scenario is stuck; otherwise some thread waits on the
 * kernel, and that is a deadlock.
 */
static void report_deadlock(void)
{
	char buf[FL_VIOL_MSG];
	bool kernel = false;
	int o = 0;

	buf[0] = '\0';
	for (int i = 0; i < fl_sim.nthreads; i++) {
		const struct fl_sim_thread *t = &fl_sim.t[i];

		if (t->state == FL_T_DONE)
			continue;
		kernel |= !fl_sim_waits_on_user(i);
		if (o < (int)sizeof(buf))
			o += snprintf(buf + o, sizeof(buf) - (size_t)o, "%sT%d waits in %s", o ? "; " : "",
				      t->label, t->what);
	}
	fl_violate(kernel ? FL_PROP_DEADLOCK : FL_PROP_STUCK, -1, "%s", buf);
}

static void check_asserts(void)
{
	for (int i = 0; i < cur_sc->nassert; i++) {
		const struct fl_lit_assert *a = &cur_sc->asserts[i];
		int slot = a->reg.thread + 1;
		uint64_t v = fl_is.regs[slot][a->reg.reg];
		bool eq = fl_is.reg_set[slot][a->reg.reg] && v == a->value;

		char who[16];

		if (eq == (a->cmp == FL_CMP_EQ))
			continue;
		/* The register as the file names it: init:r0 or T<id>:r0 (the thread's id, not its index). */
		if (a->reg.thread < 0)
			snprintf(who, sizeof(who), "init");
		else
			snprintf(who, sizeof(who), "T%d", cur_sc->threads[a->reg.thread].id);
		fl_violate(FL_PROP_ASSERT, -1, "line %d: assert fails: %s:r%d is %llu%s", a->loc.line, who, a->reg.reg,
			   (unsigned long long)v, fl_is.reg_set[slot][a->reg.reg] ? "" : " (never set)");
	}
}

/* Exit every process and drop the scenario's references, then look for leaks. */
static void teardown(void)
{
	bool tracing = fl_tracing;

	fl_tracing = false;
	for (int m = 0; m < FL_MAX_MM; m++) {
		struct fl_task t = { .tid = -1, .mm = m, .cpu = 0 };

		if (!fl_mm.mm[m].live)
			continue;
		fl_exit_mmap(&t, m);
		fl_mm.mm[m].live = 0;
	}
	for (int i = 0; i < fl_is.nhrefs; i++) {
		if (!fl_is.hrefs[i].dropped) {
			fl_is.hrefs[i].dropped = 1;
			drop_ref(&fl_is.hrefs[i]);
		}
	}
	fl_shmem_release_all();
	fl_swap_reclaim_orphans();
	fl_check_no_page_leak();
	fl_tracing = tracing;
}

static uint32_t finish(void *ctx, bool deadlock)
{
	(void)ctx;
	if (deadlock) {
		report_deadlock();
		return fl_chk.found;
	}
	fl_check_final_state();
	check_asserts();
	teardown();
	return fl_chk.found;
}

struct fl_program fl_interp_program(void)
{
	return (struct fl_program){ .reset = reset, .finish = finish, .ctx = NULL, .nprops = FL_PROP__COUNT };
}

uint64_t fl_interp_reg(int thread, int reg, bool *set)
{
	*set = fl_is.reg_set[thread + 1][reg];
	return fl_is.regs[thread + 1][reg];
}
