/* SPDX-License-Identifier: MIT */
/* check/props.c - names and meanings of the properties (see props.h). */
#include <string.h>

#include "check/props.h"

static const struct {
	const char *name;
	const char *doc;
} props[FL_PROP__COUNT] = {
	[FL_PROP_LOST_WRITE] = { "lost-write",
		"a completed user store is not visible to a later read or at the final read-back" },
	[FL_PROP_LEAK] = { "leak",
		"a process reads data that another process stored into its private memory" },
	[FL_PROP_SOFT_DIRTY_MISS] = { "soft-dirty-miss",
		"a store landed after clear_refs returned, and pagemap then reports the page soft-clean" },
	[FL_PROP_USE_AFTER_FREE] = { "use-after-free",
		"a PTE or TLB entry points to a freed page, or an access goes through one" },
	[FL_PROP_REFCOUNT] = { "refcount",
		"a page's refcount fell below its mapcount, or a count went negative" },
	[FL_PROP_PAGE_LEAK] = { "page-leak",
		"a page is still allocated after every process exited and harness references were dropped" },
	[FL_PROP_DEADLOCK] = { "deadlock",
		"no thread can run while some have not finished (kernel locks)" },
	[FL_PROP_SLEEP_IN_ATOMIC] = { "sleep-in-atomic",
		"a thread blocked on a sleeping lock while holding a spinlock" },
	[FL_PROP_ASSERT] = { "assert",
		"a litmus `assert` condition on final register values does not hold" },
	[FL_PROP_STUCK] = { "stuck",
		"nothing can run and every blocked thread waits on user space (an unresolved userfault): the scenario's fault, not the kernel's" },
	[FL_PROP_UFFD_WP_BYPASS] = { "uffd-wp-bypass",
		"a store landed on a page after UFFDIO_WRITEPROTECT(on) returned and before an unprotect began, without a userfault" },
	[FL_PROP_GUP_CONTRACT] = { "gup-contract",
		"a GUP call broke its contract: pages[] given iff FOLL_GET|FOLL_PIN, a return n > 0 means pages[0..n-1] are all filled and held, and never 0 without an error" },
	[FL_PROP_PIN_DIVERGENCE] = { "pin-divergence",
		"a long-term pin no longer sees the process's writes, or the process no longer sees the pin's writes, while the mapping is untouched" },
	[FL_PROP_VMA_FALSE_UNLOCKED] = { "vma-false-unlocked",
		"vma_start_read succeeded on a VMA that is write-locked in the current mmap_lock write epoch (per-VMA locks, seed 004)" },
	[FL_PROP_VMA_LOCK_RACE] = { "vma-lock-race",
		"a writer began changing a VMA, or the page tables under it, without its write lock while a fault held the VMA's read lock (both sides reported)" },
	[FL_PROP_STORE_AFTER_MPROTECT] = { "store-after-mprotect",
		"a CPU store landed on a page after mprotect made it read-only (or PROT_NONE) and returned, before any later mprotect of the page began" },
};

const char *fl_prop_name(enum fl_prop p)
{
	if ((unsigned)p >= FL_PROP__COUNT)
		return NULL;
	return props[p].name;
}

const char *fl_prop_doc(enum fl_prop p)
{
	if ((unsigned)p >= FL_PROP__COUNT)
		return NULL;
	return props[p].doc;
}

int fl_prop_find(const char *name)
{
	for (int i = 0; i < FL_PROP__COUNT; i++)
		if (strcmp(props[i].name, name) == 0)
			return i;
	return -1;
}
