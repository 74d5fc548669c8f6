/* SPDX-License-Identifier: MIT */
/*
 * mm/fault.c - a user load/store and the x86 page fault entry
 * (arch/x86/mm/fault.c: do_user_addr_fault).
 *
 * The access is one atomic hardware step (hw/access.c); its footprint is
 * computed by the same walk, and recomputed by the explorer whenever
 * another step touched what it depends on (sim.h refresh).  A fault takes
 * mmap_lock for read, finds the VMA, checks the access against the VMA's
 * flags (access_error: SIGSEGV), calls handle_mm_fault and retries the
 * instruction.
 */
#include "mm/hooks.h"
#include "mm/mm.h"

/* Everything one access step needs, on the thread's stack while it waits. */
struct uaccess_step {
	struct fl_uacc hw;
};

static void uaccess_footprint(struct fl_footprint *fp, const void *arg)
{
	const struct uaccess_step *s = arg;

	fp->n = 0;
	fl_hw_access_footprint(&s->hw, fp);
	fl_mm_hooks.access_footprint(s->hw.mm, s->hw.vpn, s->hw.write, fp);
}

static bool access_error(const struct fl_vma *vma, bool write)
{
	if (write)
		return !(vma->vm_flags & VM_WRITE);
	return !(vma->vm_flags & (VM_READ | VM_WRITE));
}

/*
 * The per-VMA lock path (CONFIG_PER_VMA_LOCK, v6.4+): lock_vma_under_rcu,
 * handle_mm_fault with FAULT_FLAG_VMA_LOCK.  Returns true when the fault is
 * done (*ok: no SIGSEGV/SIGBUS), false to take mmap_lock (lock_mmap:).
 */
static bool do_fault_vma_locked(struct fl_task *t, int vpn, bool write, bool *ok)
{
	struct fl_vma_ref ref;
	struct fl_vma *vma;
	unsigned fault;

	struct fl_vma early;

	vma = fl_lock_vma_under_rcu(t, vpn, &ref);
	if (!vma)
		return false;
	/*
	 * vma_seq_order=relaxed: the loads of vm_flags / vm_page_prot were made
	 * before the seq check (lock_vma_under_rcu's early step); the fault
	 * works from what they returned, in a copy of the VMA.
	 */
	if (ref.early) {
		early = *vma;
		early.vm_flags = ref.vm_flags;
		early.vm_page_prot = ref.vm_page_prot;
		vma = &early;
	}
	if (access_error(vma, write)) {
		fl_vma_end_read(t, &ref);
		FL_TRACE("%s: %s not allowed by the VMA -> SIGSEGV (bad_area_nosemaphore)", fl_va(vpn),
			 write ? "write" : "read");
		*ok = false;
		return true;
	}
	fault = fl_handle_mm_fault_ref(t, vma, vpn, (write ? FAULT_FLAG_WRITE : 0) | FAULT_FLAG_ALLOW_RETRY |
				       FAULT_FLAG_VMA_LOCK, &ref);
	/*
	 * v6.4: the arch code always drops the VMA lock.  v6.6 ("mm: drop per-VMA
	 * lock when returning VM_FAULT_RETRY"): a handler that returns
	 * VM_FAULT_RETRY has dropped it already.
	 */
	if (FL_POL(PER_VMA_LOCK) < FL_PER_VMA_LOCK_SWAP_UFFD || !(fault & VM_FAULT_RETRY))
		fl_vma_end_read(t, &ref);
	if (!(fault & VM_FAULT_RETRY)) {
		FL_TRACE("fault done under the per-VMA lock");
		*ok = !(fault & (VM_FAULT_SIGSEGV | VM_FAULT_SIGBUS | VM_FAULT_OOM));
		return true;
	}
	FL_TRACE("VM_FAULT_RETRY under the VMA lock: retry under mmap_lock");
	return false;
}

/* Returns false when the access gets SIGSEGV. */
static bool do_user_addr_fault(struct fl_task *t, int vpn, bool write)
{
	struct fl_vma *vma;
	unsigned fault;
	bool ok;

	if (fl_per_vma_lock() && do_fault_vma_locked(t, vpn, write, &ok))
		return ok;
	fl_mmap_read_lock(t, t->mm);		/* lock_mm_and_find_vma */
	vma = fl_find_vma(t->mm, vpn);
	if (!vma) {
		FL_TRACE("%s: no VMA -> SIGSEGV", fl_va(vpn));
		fl_mmap_read_unlock(t, t->mm);
		return false;
	}
	if (access_error(vma, write)) {
		FL_TRACE("%s: %s not allowed by the VMA -> SIGSEGV", fl_va(vpn), write ? "write" : "read");
		fl_mmap_read_unlock(t, t->mm);
		return false;
	}
	fault = fl_handle_mm_fault(t, vma, vpn, (write ? FAULT_FLAG_WRITE : 0) | FAULT_FLAG_ALLOW_RETRY);
	/* VM_FAULT_RETRY: handle_userfault already dropped mmap_lock; the instruction retries. */
	if (!(fault & VM_FAULT_RETRY))
		fl_mmap_read_unlock(t, t->mm);
	return !(fault & (VM_FAULT_SIGSEGV | VM_FAULT_SIGBUS | VM_FAULT_OOM));
}

void fl_user_access(struct fl_task *t, struct fl_user_access *ua)
{
	struct uaccess_step s = {
		.hw = { .cpu = t->cpu, .mm = t->mm, .vpn = ua->vpn, .word = ua->word_off,
			.write = ua->write, .val = ua->val },
	};
	struct fl_footprint fp = { 0 };
	uint32_t tag = 0;

	ua->segv = false;
	ua->result = 0;
	if (ua->write)
		tag = fl_mm_hooks.new_store(t->mm, t->tid, ua->vpn, ua->word_off, ua->val);
	s.hw.tag = tag;
	for (int tries = 0;; tries++) {
		/* A fault that keeps recurring without progress: a livelock in the model. */
		if (tries > 64)
			fl_sim_limit("the %s of %s faulted %d times without completing (a livelock in the model?)",
				     ua->write ? "store" : "load", fl_vaw(ua->vpn, ua->word_off), tries);
		if (fl_sim_in_thread()) {
			uaccess_footprint(&fp, &s);
			fl_sim_yield_fp(&fp, uaccess_footprint, &s, ua->write ? "store" : "load");
		}
		if (fl_hw_access(&s.hw) == FL_UACC_DONE)
			break;
		FL_TRACE_AS("cpu", "%s %s: %s -> page fault", ua->write ? "store to" : "load from",
			    fl_vaw(ua->vpn, ua->word_off),
			 s.hw.tlb_hit ? "TLB entry lacks permission" : "TLB miss, walk fails");
		if (!do_user_addr_fault(t, ua->vpn, ua->write)) {
			ua->segv = true;
			ua->result = UINT64_MAX;
			return;
		}
	}
	if (s.hw.stale_gen)
		fl_mm_violate(FL_MMV_USE_AFTER_FREE, t->tid,
			   "P%d %s: %s through a stale TLB entry into pfn %u, freed since the entry was made",
			   t->mm, fl_vaw(ua->vpn, ua->word_off), ua->write ? "store" : "load", s.hw.pfn);
	if (ua->write) {
		fl_mm_hooks.store_done(tag, &s.hw);
		FL_TRACE_AS("cpu", "store %llu to %s: %s pfn %u%s", (unsigned long long)ua->val,
			    fl_vaw(ua->vpn, ua->word_off), s.hw.tlb_hit ? "TLB hit" : "walk",
			 s.hw.pfn, s.hw.pte_dirtied ? ", hw sets pte dirty" : "");
	} else {
		fl_mm_hooks.load_done(t->mm, t->tid, ua->vpn, ua->word_off, &s.hw);
		ua->result = s.hw.rval;
		FL_TRACE_AS("cpu", "load %s = %llu: %s pfn %u", fl_vaw(ua->vpn, ua->word_off),
			 (unsigned long long)s.hw.rval, s.hw.tlb_hit ? "TLB hit" : "walk", s.hw.pfn);
	}
}
