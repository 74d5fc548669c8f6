/* SPDX-License-Identifier: MIT */
/*
 * mm/vma_lock.c - per-VMA locks (include/linux/mmap_lock.h, mm/mmap_lock.c,
 * lock_vma_under_rcu in mm/memory.c), seed 004.
 *
 * Each VMA slot has an rwsem and vm_lock_seq; the mm has mm_lock_seq.  A
 * writer holding mmap_lock for write marks a VMA (vma_start_write: down_write
 * waits for readers, vm_lock_seq = mm_lock_seq, up_write); every mark is
 * released at once by mm_lock_seq++ in mmap_write_unlock/downgrade.  A reader
 * (vma_start_read) does a lockless pre-check of the seqs, down_read_trylock,
 * and re-checks the seqs under the rwsem.  Every step is a yield with its own
 * footprint; every step that touches a VMA also reads the mm's VMA object
 * (fl_obj_vma), which the steps that allocate and free VMA slots write, so
 * the use-after-free check below is ordered against them.
 *
 * Oracles (check/props.h):
 *  - vma-false-unlocked: vma_start_read succeeded on a VMA write-locked in
 *    the current epoch, by the unbounded ghost epochs (no wrap);
 *  - vma-lock-race: a writer starts changing a VMA, or the page tables
 *    under it, while a fault holds that VMA's read lock (both sides named);
 *  - use-after-free: a thread touches a VMA slot (its rwsem, its seq) after
 *    the VMA was freed at once, or freed through call_rcu outside an RCU
 *    read-side section that began before the free, or reused.
 */
#include <string.h>

#include "mm/hooks.h"
#include "mm/mm.h"

static uint32_t seq_mask(void)
{
	return FL_POL(VMA_SEQ_BITS) == FL_VMA_SEQ_2 ? 3u : 0xffffffffu;
}

static struct fl_vma_lock *vl_of(int mm, int slot)
{
	return &fl_mm.mm[mm].vl[slot];
}

void fl_vma_init_lock(int mm, int slot)
{
	struct fl_vma_lock *vl = vl_of(mm, slot);
	uint16_t gen = vl->gen;

	memset(vl, 0, sizeof(*vl));
	vl->gen = (uint16_t)(gen + 1);
	vl->vm_lock_seq = seq_mask();	/* -1 */
}

bool fl_vma_slot_reusable(int mm, int slot)
{
	/* A VMA freed through call_rcu is reused only after a grace period; the model never ends one for it. */
	return vl_of(mm, slot)->freed != FL_VMA_RCU;
}

static int self_owner(const struct fl_task *t)
{
	return t->tid >= 0 ? t->tid + 1 : -1;
}

/*
 * The running thread touches the VMA that @r names: a use-after-free when
 * that allocation is gone and no RCU read-side section keeps it.
 */
static bool vma_touch(const struct fl_task *t, const struct fl_vma_ref *r, const char *what)
{
	const struct fl_vma_lock *vl = vl_of(r->mm, r->slot);

	if (vl->gen == r->gen && vl->freed == FL_VMA_LIVE)
		return true;
	if (vl->gen == r->gen && vl->freed == FL_VMA_RCU && fl_rcu_protects(vl->free_stamp))
		return true;
	/* SLAB_TYPESAFE_BY_RCU: under rcu_read_lock the memory stays a VMA, freed or reused (the re-checks' job). */
	if (FL_POL(VMA_CACHE) == FL_VMA_CACHE_TYPESAFE && fl_rcu_read_lock_held())
		return true;
	fl_mm_violate(FL_MMV_USE_AFTER_FREE, t->tid,
		      "T%d %s touches P%d's VMA (slot %d) after it was %s", t->tid, what, r->mm, r->slot,
		      vl->gen != r->gen ? "freed and reused" :
		      vl->freed == FL_VMA_RCU ? "freed by call_rcu, outside an RCU read-side section that began before the free" :
		      "freed at once (kmem_cache_free)");
	return false;
}

void fl_vma_write_unlock_mm(int mm)
{
	struct fl_mm *m = &fl_mm.mm[mm];

	if (!fl_per_vma_lock())
		return;
	m->mm_lock_seq = (m->mm_lock_seq + 1) & seq_mask();
	m->ghost_epoch++;
	FL_TRACE("P%d mm_lock_seq = %u: every VMA marked in this epoch is unlocked", mm, m->mm_lock_seq);
}

void fl_vma_assert_write_locked(int mm, const struct fl_vma *vma)
{
	if (!fl_per_vma_lock())
		return;
	fl_mmap_assert_write_locked(mm);
	FL_BUG_ON(vl_of(mm, fl_vma_slot(mm, vma))->vm_lock_seq != fl_mm.mm[mm].mm_lock_seq,
		  "vma_assert_write_locked: the VMA is not write-locked");
}

static bool vma_rwsem_can_write(const void *arg)
{
	const struct fl_vma_lock *vl = arg;

	return vl->lock.writer == 0 && vl->lock.readers == 0;
}

/*
 * vma_start_write: mark @vma write-locked for the rest of this mmap_lock
 * write epoch.  down_write waits for the VMA's readers (its fast path is a
 * try; a contended one queues, RWSEM_FLAG_WAITERS, and sleeps); then
 * vm_lock_seq = mm_lock_seq; then up_write.
 */
void fl_vma_start_write(struct fl_task *t, int mm, struct fl_vma *vma)
{
	int slot = fl_vma_slot(mm, vma);
	struct fl_vma_lock *vl = vl_of(mm, slot);
	struct fl_mm *m = &fl_mm.mm[mm];
	struct fl_footprint fp = { 0 };

	if (!fl_per_vma_lock())
		return;
	fl_mmap_assert_write_locked(mm);
	/* Only this thread writes either seq while it holds mmap_lock for write: no step needed to read them. */
	if (vl->vm_lock_seq == m->mm_lock_seq)
		return;
	fl_sim_yield(fl_obj_vma_lock(mm, slot), FL_ACC_TRY, "vma_start_write: down_write");
	if (!vma_rwsem_can_write(vl)) {
		vl->write_waiters++;
		FL_TRACE("P%d %s..%s: VMA read-locked by a fault: wait", mm, fl_va(vma->start), fl_va(vma->end - 1));
		fl_sim_wait(fl_obj_vma_lock(mm, slot), FL_ACC_ACQ, vma_rwsem_can_write, vl, true,
			    "vma_start_write: down_write (wait for readers)");
		vl->write_waiters--;
	}
	vl->lock.writer = (int8_t)self_owner(t);
	fl_fp_add(&fp, fl_obj_vma_seq(mm, slot), FL_ACC_W);
	fl_fp_add(&fp, fl_obj_mm_seq(mm), FL_ACC_R);
	fl_sim_yield_fp(&fp, NULL, NULL, "vma_start_write: vm_lock_seq = mm_lock_seq");
	vl->vm_lock_seq = m->mm_lock_seq;
	vl->ghost_epoch = m->ghost_epoch;
	fl_sim_yield(fl_obj_vma_lock(mm, slot), FL_ACC_REL, "vma_start_write: up_write");
	vl->lock.writer = 0;
	FL_TRACE("P%d %s..%s write-locked (vm_lock_seq %u)", mm, fl_va(vma->start), fl_va(vma->end - 1),
		 vl->vm_lock_seq);
}

/* A VMA no other thread can reach yet (a split's new piece): marked without contention. */
static void vma_mark_locked_new(int mm, int slot)
{
	struct fl_vma_lock *vl = vl_of(mm, slot);

	vl->vm_lock_seq = fl_mm.mm[mm].mm_lock_seq;
	vl->ghost_epoch = fl_mm.mm[mm].ghost_epoch;
}

void fl_vma_mark_new_locked(int mm, struct fl_vma *vma)
{
	if (fl_per_vma_lock())
		vma_mark_locked_new(mm, fl_vma_slot(mm, vma));
}

/*
 * Write-lock every VMA overlapping [start, end), then announce the step
 * that goes on to change the VMA list (the caller's next modification).
 */
void fl_vma_start_write_range(struct fl_task *t, int mm, int start, int end, const char *why)
{
	if (!fl_per_vma_lock())
		return;
	for (int i = 0; i < FL_MAX_VMAS; i++) {
		struct fl_vma *v = &fl_mm.mm[mm].vma[i];

		if (fl_vma_live(v) && v->start < end && start < v->end)
			fl_vma_start_write(t, mm, v);
	}
	fl_sim_yield(fl_obj_vma(mm), FL_ACC_W, why);
}

static void vma_read_footprint(struct fl_footprint *fp, const struct fl_vma_ref *r)
{
	fp->n = 0;
	fl_fp_add(fp, fl_obj_vma_seq(r->mm, r->slot), FL_ACC_R);
	fl_fp_add(fp, fl_obj_mm_seq(r->mm), FL_ACC_R);
	fl_fp_add(fp, fl_obj_vma(r->mm), FL_ACC_R);
}

static bool seq_locked(const struct fl_vma_ref *r)
{
	return vl_of(r->mm, r->slot)->vm_lock_seq == fl_mm.mm[r->mm].mm_lock_seq;
}

/* up_read: drop the count (the lock is free from here), then, if a writer waits, rwsem_wake. */
static void vma_up_read(struct fl_task *t, const struct fl_vma_ref *r)
{
	struct fl_vma_lock *vl = vl_of(r->mm, r->slot);
	struct fl_footprint fp = { 0 };
	bool wake;

	fl_fp_add(&fp, fl_obj_vma_lock(r->mm, r->slot), FL_ACC_REL);
	fl_fp_add(&fp, fl_obj_vma(r->mm), FL_ACC_R);
	fl_sim_yield_fp(&fp, NULL, NULL, "up_read(vma lock)");
	if (!vma_touch(t, r, "up_read"))
		return;
	FL_BUG_ON(vl->lock.readers <= 0, "up_read of a VMA lock not held");
	vl->lock.readers--;
	if (t->tid >= 0) {
		vl->readers_mask &= (uint8_t)~(1u << t->tid);
		fl_mm.mm[r->mm].fault_mask[r->slot] &= (uint8_t)~(1u << t->tid);
	}
	fl_sim_set_also_reads(0);
	wake = vl->lock.readers == 0 && vl->write_waiters > 0;
	if (!wake)
		return;
	/* rwsem_wake after the count dropped: a writer may already own the lock (Jann Horn). */
	fp.n = 0;
	fl_fp_add(&fp, fl_obj_vma_lock(r->mm, r->slot), FL_ACC_TRY);
	fl_fp_add(&fp, fl_obj_vma(r->mm), FL_ACC_R);
	fl_sim_yield_fp(&fp, NULL, NULL, "up_read: rwsem_wake");
	vma_touch(t, r, "up_read's rwsem_wake");
}

/*
 * vma_start_read: false ("locked") may be spurious; true must never be
 * returned for a VMA write-locked in the current epoch.
 */
bool fl_vma_start_read(struct fl_task *t, const struct fl_vma_ref *r)
{
	struct fl_vma_lock *vl = vl_of(r->mm, r->slot);
	struct fl_footprint fp;

	vma_read_footprint(&fp, r);
	fl_sim_yield_fp(&fp, NULL, NULL, "vma_start_read: lockless seq check");
	if (!vma_touch(t, r, "vma_start_read"))
		return false;
	if (seq_locked(r)) {
		FL_TRACE("vm_lock_seq == mm_lock_seq (%u): write-locked", vl->vm_lock_seq);
		return false;
	}
	vma_read_footprint(&fp, r);
	fl_fp_add(&fp, fl_obj_vma_lock(r->mm, r->slot), FL_ACC_TRY);
	fl_sim_yield_fp(&fp, NULL, NULL, "vma_start_read: down_read_trylock");
	if (!vma_touch(t, r, "down_read_trylock"))
		return false;
	/*
	 * v6.15's vm_refcnt: a detached VMA has count 0, and the reader's
	 * inc-not-zero fails; the detach itself waits for readers to leave.
	 */
	if (FL_POL(VMA_CACHE) == FL_VMA_CACHE_TYPESAFE) {
		const struct fl_vma *v = &fl_mm.mm[r->mm].vma[r->slot];

		if (!v->used || v->detached) {
			FL_TRACE("vm_refcnt is 0: detached");
			return false;
		}
	}
	/* RWSEM_READ_FAILED_MASK: a writer owns it, or one is queued. */
	if (vl->lock.writer || vl->write_waiters) {
		FL_TRACE("down_read_trylock failed: a writer %s", vl->lock.writer ? "holds it" : "waits");
		return false;
	}
	vl->lock.readers++;
	if (t->tid >= 0)
		vl->readers_mask |= (uint8_t)(1u << t->tid);
	if (!FL_POL(VMA_READ_RECHECK)) {
		vma_read_footprint(&fp, r);
		fl_sim_yield_fp(&fp, NULL, NULL, "vma_start_read: re-check under the rwsem");
		if (!vma_touch(t, r, "vma_start_read's re-check"))
			return false;
		if (seq_locked(r)) {
			FL_TRACE("re-check: vm_lock_seq == mm_lock_seq (%u): write-locked meanwhile", vl->vm_lock_seq);
			vma_up_read(t, r);
			return false;
		}
	}
	if (vl->ghost_epoch == fl_mm.mm[r->mm].ghost_epoch)
		fl_mm_violate(FL_MMV_VMA_FALSE_UNLOCKED, t->tid,
			      "T%d read-locked P%d's VMA (slot %d) while it is write-locked in the current epoch",
			      t->tid, r->mm, r->slot);
	return true;
}

void fl_vma_end_read(struct fl_task *t, const struct fl_vma_ref *r)
{
	if (FL_POL(VMA_END_READ) == FL_VMA_END_READ_RCU)
		fl_rcu_read_lock();	/* keeps the VMA alive until up_read is done with it */
	vma_up_read(t, r);
	if (FL_POL(VMA_END_READ) == FL_VMA_END_READ_RCU)
		fl_rcu_read_unlock();
}

/*
 * A writer is about to change @vma or the page tables under it.  A fault
 * holding the VMA's read lock (past lock_vma_under_rcu's checks) may be
 * reading both: the data race KCSAN would report, with both sides.  The
 * step reads the VMA's rwsem, so DPOR orders it against the reader's lock
 * and unlock.  Checked where the writer's change begins.  The step also
 * writes the mm's VMA object: it is the writer's step that changes the VMA.
 */
void fl_vma_modify(struct fl_task *t, int mm, const struct fl_vma *vma, const char *what)
{
	int slot = fl_vma_slot(mm, vma);
	uint8_t mask;
	struct fl_footprint fp = { 0 };

	fl_fp_add(&fp, fl_obj_vma(mm), FL_ACC_W);
	if (!fl_per_vma_lock()) {
		fl_sim_yield_fp(&fp, NULL, NULL, what);
		return;
	}
	fl_fp_add(&fp, fl_obj_vma_lock(mm, slot), FL_ACC_TRY);
	fl_sim_yield_fp(&fp, NULL, NULL, what);
	mask = fl_mm.mm[mm].fault_mask[slot];
	for (int i = 0; i < FL_SIM_MAX_THREADS; i++) {
		char where[160] = "";

		if (!(mask & (1u << i)) || i == t->tid)
			continue;
		if (fl_sim.locate)
			fl_sim.locate(i, where, sizeof(where));
		fl_mm_violate(FL_MMV_VMA_RACE, t->tid,
			      "T%d %s changes P%d's VMA %s..%s without its write lock, while T%d's fault holds the VMA read lock (T%d at %s, pending %s)",
			      t->tid, what, mm, fl_va(vma->start), fl_va(vma->end - 1), i, i, where,
			      fl_sim.t[i].what ? fl_sim.t[i].what : "?");
		return;
	}
}

static bool vma_no_readers(const void *arg)
{
	return ((const struct fl_vma_lock *)arg)->lock.readers == 0;
}

/*
 * v6.15 vma_mark_detached: vm_refcnt drops to 0 only once the readers that
 * took a count (and are about to drop it again: a failed re-check) are
 * gone; it waits for them.  New readers fail on the detached VMA already.
 */
void fl_vma_mark_detached_wait(struct fl_task *t, int mm, int slot)
{
	struct fl_vma_lock *vl = vl_of(mm, slot);

	(void)t;
	if (!fl_per_vma_lock() || FL_POL(VMA_CACHE) != FL_VMA_CACHE_TYPESAFE || !vl->lock.readers)
		return;
	fl_sim_wait(fl_obj_vma_lock(mm, slot), FL_ACC_ACQ, vma_no_readers, vl, true,
		    "vma_mark_detached: wait for readers (vm_refcnt)");
}

void fl_vma_free(struct fl_task *t, int mm, int slot)
{
	struct fl_vma_lock *vl = vl_of(mm, slot);

	(void)t;
	if (fl_per_vma_lock() && FL_POL(VMA_CACHE) == FL_VMA_CACHE_TYPESAFE) {
		vl->freed = FL_VMA_TYPESAFE;	/* kmem_cache_free: reusable at once */
	} else if (fl_per_vma_lock() && FL_POL(VMA_FREE) == FL_VMA_FREE_RCU) {
		vl->freed = FL_VMA_RCU;
		vl->free_stamp = fl_rcu_stamp();
	} else {
		vl->freed = FL_VMA_FREED;
	}
}

/*
 * lock_vma_under_rcu: find the VMA under RCU, check it is one the release
 * handles under the VMA lock, read-lock it, and re-check that it is still
 * attached and covers the address.  NULL: take mmap_lock instead.
 */
struct fl_vma *fl_lock_vma_under_rcu(struct fl_task *t, int vpn, struct fl_vma_ref *ref)
{
	int mm = t->mm;
	struct fl_vma *vma = NULL;
	const char *why = NULL;

	fl_rcu_read_lock();
	fl_sim_yield(fl_obj_vma(mm), FL_ACC_R, "lock_vma_under_rcu: mas_walk");
	for (int i = 0; i < FL_MAX_VMAS; i++) {
		struct fl_vma *v = &fl_mm.mm[mm].vma[i];

		if (fl_vma_live(v) && vpn >= v->start && vpn < v->end)
			vma = v;
	}
	if (!vma) {
		why = "no VMA";
		goto inval;
	}
	*ref = (struct fl_vma_ref){ .mm = mm, .slot = fl_vma_slot(mm, vma), .gen = vl_of(mm, fl_vma_slot(mm, vma))->gen };
	if (vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP)) {
		why = "a device mapping";	/* its ->fault is not modelled: mmap_lock */
		goto inval;
	}
	if (vma->shmem >= 0 && FL_POL(PER_VMA_LOCK) < FL_PER_VMA_LOCK_SHARED) {
		why = "not anonymous";
		goto inval;
	}
	if (vma->shmem < 0 && !vma->anon_vma) {
		why = "no anon_vma yet (anon_vma_prepare needs mmap_lock)";
		goto inval;
	}
	if ((vma->vm_flags & (VM_UFFD_MISSING | VM_UFFD_WP)) && FL_POL(PER_VMA_LOCK) < FL_PER_VMA_LOCK_SWAP_UFFD) {
		why = "userfaultfd armed";
		goto inval;
	}
	ref->early = false;
	if (FL_POL(VMA_SEQ_ORDER) == FL_VMA_SEQ_RELAXED) {
		/*
		 * The relaxed mode (docs/model.md): nothing orders the fault's
		 * loads of the VMA's fields after the seq load in vma_start_read,
		 * so they may be performed at any point after the lookup (they
		 * depend on its pointer): one step of their own, which the
		 * explorer places anywhere before the seq check.
		 */
		fl_sim_yield(fl_obj_vma(mm), FL_ACC_R, "load vm_flags, vm_page_prot (relaxed: before the seq check)");
		ref->early = true;
		ref->vm_flags = vma->vm_flags;
		ref->vm_page_prot = vma->vm_page_prot;
	}
	if (!fl_vma_start_read(t, ref)) {
		why = "vma_start_read failed";
		goto inval;
	}
	fl_sim_yield(fl_obj_vma(mm), FL_ACC_R, "lock_vma_under_rcu: re-check range, detached");
	if (!vma_touch(t, ref, "lock_vma_under_rcu's re-check")) {
		why = "freed";
		goto inval;
	}
	if (!FL_POL(VMA_LOOKUP_RECHECK) && (vma->detached || !vma->used || vpn < vma->start || vpn >= vma->end)) {
		fl_vma_end_read(t, ref);
		why = "detached or moved meanwhile";
		goto inval;
	}
	if (t->tid >= 0)
		fl_mm.mm[mm].fault_mask[ref->slot] |= (uint8_t)(1u << t->tid);
	/*
	 * The fault reads the VMA's fields (vm_flags, vm_page_prot, ...) at any
	 * step until vma_end_read; with the protocol intact no writer changes
	 * them meanwhile, but a counterfactual that breaks it must still order
	 * those reads against the writer's steps.
	 */
	fl_sim_set_also_reads(fl_obj_vma(mm));
	fl_rcu_read_unlock();
	FL_TRACE("%s: VMA %s..%s read-locked: fault under the per-VMA lock", fl_va(vpn), fl_va(vma->start),
		 fl_va(vma->end - 1));
	return vma;
inval:
	fl_rcu_read_unlock();
	FL_TRACE("%s: %s: fall back to mmap_lock", fl_va(vpn), why);
	return NULL;
}

void fl_release_fault_lock(struct vm_fault *vmf)
{
	if (vmf->flags & FAULT_FLAG_VMA_LOCK)
		fl_vma_end_read(vmf->task, &vmf->vref);
	else
		fl_mmap_read_unlock(vmf->task, vmf->mm);
}
