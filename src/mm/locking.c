/* SPDX-License-Identifier: MIT */
/*
 * mm/locking.c - mmap_lock (an rwsem), the split PTL (spinlocks) and
 * PG_locked, with explicit blocking.
 *
 * Each acquisition is one step that can only run while the lock is
 * available (sim.h).  Sleeping locks (mmap_lock, lock_page) report a
 * sleep-in-atomic when entered with a spinlock held.  Owners are recorded
 * as tid + 1 (-1 for the sequential init phase), so a release by the wrong
 * thread is a model bug caught at once.
 */
#include "mm/mm.h"
#include "sim/sim.h"

static int self_owner(struct fl_task *t)
{
	return t->tid >= 0 ? t->tid + 1 : -1;
}

static bool rwsem_can_read(const void *arg)
{
	const struct fl_rwsem *s = arg;

	return s->writer == 0;
}

static bool rwsem_can_write(const void *arg)
{
	const struct fl_rwsem *s = arg;

	return s->writer == 0 && s->readers == 0;
}

void fl_mmap_read_lock(struct fl_task *t, int mm)
{
	struct fl_rwsem *s = &fl_mm.mm[mm].mmap_lock;

	fl_sim_wait(fl_obj_mmap_lock(mm), FL_ACC_ACQ_SH, rwsem_can_read, s, true, "mmap_read_lock");
	s->readers++;
	FL_TRACE("P%d", mm);
	(void)t;
}

void fl_mmap_read_unlock(struct fl_task *t, int mm)
{
	struct fl_rwsem *s = &fl_mm.mm[mm].mmap_lock;

	fl_sim_yield(fl_obj_mmap_lock(mm), FL_ACC_REL, "mmap_read_unlock");
	FL_BUG_ON(s->readers <= 0, "mmap_read_unlock without the lock");
	s->readers--;
	FL_TRACE("P%d", mm);
	(void)t;
}

void fl_mmap_write_lock(struct fl_task *t, int mm)
{
	struct fl_rwsem *s = &fl_mm.mm[mm].mmap_lock;

	fl_sim_wait(fl_obj_mmap_lock(mm), FL_ACC_ACQ, rwsem_can_write, s, true, "mmap_write_lock");
	s->writer = (int8_t)self_owner(t);
	FL_TRACE("P%d", mm);
}

/* The release step; with per-VMA locks it also bumps mm_lock_seq (vma_end_write_all). */
static void write_release_step(int mm, const char *what)
{
	struct fl_footprint fp = { 0 };

	fl_fp_add(&fp, fl_obj_mmap_lock(mm), FL_ACC_REL);
	if (fl_per_vma_lock())
		fl_fp_add(&fp, fl_obj_mm_seq(mm), FL_ACC_W);
	fl_sim_yield_fp(&fp, NULL, NULL, what);
}

void fl_mmap_write_unlock(struct fl_task *t, int mm)
{
	struct fl_rwsem *s = &fl_mm.mm[mm].mmap_lock;

	write_release_step(mm, "mmap_write_unlock");
	FL_BUG_ON(s->writer != self_owner(t), "mmap_write_unlock by a non-owner");
	fl_vma_write_unlock_mm(mm);
	s->writer = 0;
	FL_TRACE("P%d", mm);
}

/* Atomically turn our write hold into a read hold: no writer can slip in. */
void fl_mmap_write_downgrade(struct fl_task *t, int mm)
{
	struct fl_rwsem *s = &fl_mm.mm[mm].mmap_lock;

	write_release_step(mm, "mmap_write_downgrade");
	FL_BUG_ON(s->writer != self_owner(t), "mmap_write_downgrade by a non-owner");
	fl_vma_write_unlock_mm(mm);
	s->writer = 0;
	s->readers++;
	FL_TRACE("P%d: now held for read", mm);
}

void fl_mmap_assert_locked(int mm)
{
	const struct fl_rwsem *s = &fl_mm.mm[mm].mmap_lock;

	FL_BUG_ON(s->readers <= 0 && s->writer == 0, "mmap_lock not held");
}

void fl_mmap_assert_write_locked(int mm)
{
	FL_BUG_ON(fl_mm.mm[mm].mmap_lock.writer == 0, "mmap_lock not held for write");
}

static bool spin_free(const void *arg)
{
	const struct fl_spinlock *l = arg;

	return l->owner == 0;
}

void fl_pte_lock(struct fl_task *t, int mm, int vpn)
{
	struct fl_spinlock *l = &fl_mm.mm[mm].ptl[vpn / FL_PTES_PER_TABLE];

	fl_sim_wait(fl_obj_ptl(mm, vpn), FL_ACC_ACQ, spin_free, l, false, "spin_lock(ptl)");
	l->owner = (int8_t)self_owner(t);
	fl_sim_atomic_inc();
}

void fl_pte_unlock(struct fl_task *t, int mm, int vpn)
{
	struct fl_spinlock *l = &fl_mm.mm[mm].ptl[vpn / FL_PTES_PER_TABLE];

	fl_sim_yield(fl_obj_ptl(mm, vpn), FL_ACC_REL, "spin_unlock(ptl)");
	FL_BUG_ON(l->owner != self_owner(t), "PTL released by a non-owner");
	l->owner = 0;
	fl_sim_atomic_dec();
}

/*
 * lockdep_assert_held(ptl), as pte_offset_map_lock's callers rely on: the
 * running context (a thread, or init and teardown, which run outside every
 * thread) holds the PTL of @vpn's page table.  The PTE setters in
 * pgtable.c call it, so a model path that writes a PTE without the lock is
 * a model bug, not a race the explorer reports.
 */
void fl_assert_pte_locked(int mm, int vpn)
{
	const struct fl_spinlock *l = &fl_mm.mm[mm].ptl[vpn / FL_PTES_PER_TABLE];

	FL_BUG_ON(l->owner != (fl_sim.cur >= 0 ? fl_sim.cur + 1 : -1), "PTL not held");
}

static bool page_unlocked(const void *arg)
{
	const struct fl_page *p = arg;

	return !(p->flags & PG_locked);
}

bool fl_trylock_page(struct fl_task *t, int pfn)
{
	struct fl_page *p = &fl_mm.page[pfn];

	fl_sim_yield(fl_obj_pagelock(pfn), FL_ACC_TRY, "trylock_page");
	if (p->flags & PG_locked)
		return false;
	p->flags |= PG_locked;
	p->lock_owner = (int8_t)self_owner(t);
	return true;
}

void fl_lock_page(struct fl_task *t, int pfn)
{
	struct fl_page *p = &fl_mm.page[pfn];

	fl_sim_wait(fl_obj_pagelock(pfn), FL_ACC_ACQ, page_unlocked, p, true, "lock_page");
	p->flags |= PG_locked;
	p->lock_owner = (int8_t)self_owner(t);
}

void fl_unlock_page(struct fl_task *t, int pfn)
{
	struct fl_page *p = &fl_mm.page[pfn];

	fl_sim_yield(fl_obj_pagelock(pfn), FL_ACC_REL, "unlock_page");
	FL_BUG_ON(!(p->flags & PG_locked) || p->lock_owner != self_owner(t), "unlock_page by a non-owner");
	p->flags &= (uint16_t)~PG_locked;
	p->lock_owner = 0;
}
