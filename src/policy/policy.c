/* SPDX-License-Identifier: MIT */
/*
 * policy/policy.c - the switch table, the timelines derived from it, and
 * the kernel presets derived from the timelines (see policy.h).
 *
 * Sources: ../shared/reference/kernel-history.md, the seed threads, and an
 * audit of every commit id, subject and release against public records.
 * "unverified" marks a commit id or release that could not be confirmed;
 * docs/switches.md shows the mark.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

struct fl_policy fl_cur_policy;

static const struct fl_switch_desc switches[FL_SW__COUNT] = {
	[FL_SW_COW_REUSE] = {
		.name = "cow_reuse",
		.where = "do_wp_page",
		.doc = "when a write fault on a write-protected anon PTE may reuse the page instead of copying it",
		.nvalues = 4,
		.values = {
			{ "mapcount", "", "", false, false, false,
			  "reuse_swap_page() under the page lock: reuse iff mapcount + swapcount == 1; extra references (GUP, LRU batch) do not force a copy", false },
			{ "page_count", "09854ba94c6a", "v5.9", false, false, false,
			  "\"mm: do_wp_page() simplification\": reuse iff page_count == 1 (trylock_page, mapcount == 1); any extra reference forces a copy", false },
			{ "anon_exclusive", "6c287605fd56", "v5.19", false, false, false,
			  "PageAnonExclusive set: reuse at once; otherwise the refcount rule, and a reuse marks the page exclusive; fork clears the flag", false },
			{ "page_count_swapcache", "53a05ad9f21d", "v5.18", false, false, false,
			  "\"mm: optimize do_wp_page() for exclusive pages in the swapcache\": copy if page_count > 1 + PageSwapCache; under the page lock try_to_free_swap(), then reuse iff page_count == 1 (the LRU-pagevec part, d4c470970d45, is not modelled)", false },
		},
	},
	[FL_SW_CLEAR_REFS_LOCK] = {
		.name = "clear_refs_lock",
		.where = "clear_refs_write",
		.doc = "mmap_lock mode while clear_refs(soft_dirty) walks the page tables",
		.nvalues = 2,
		.values = {
			{ "downgrade", "", "", false, false, false,
			  "read lock; if a VMA has VM_SOFTDIRTY: drop it, take the write lock to clear VM_SOFTDIRTY, mmap_write_downgrade, walk under the read lock (faults run concurrently)", false },
			{ "write", "29a951dfb3c3", "v5.11", false, false, false,
			  "\"mm: fix clear_refs_write locking\": the mmap write lock is held for the whole walk (faults wait)", false },
		},
	},
	[FL_SW_CLEAR_REFS_FLUSH] = {
		.name = "clear_refs_flush",
		.where = "clear_refs_write, tlb_finish_mmu",
		.doc = "how clear_refs(soft_dirty) flushes the TLB after write-protecting PTEs",
		.nvalues = 3,
		.values = {
			{ "gather", "", "", false, false, false,
			  "tlb_gather_mmu(mm, 0, -1) is a fullmm gather, and tlb_finish_mmu flushes the whole mm", false },
			{ "elided", "0758cd830494", "v5.6", false, false, false,
			  "\"asm-generic/tlb: avoid potential double flush\": tlb_finish_mmu flushes only what was batched; clear_refs batches nothing, so no flush and writable TLB entries survive (unless another flush is pending: mm_tlb_flush_nested).  Merged for v5.6-rc1 (queued in -mm on 5.5-rc7; seed 000 agrees; kernel-history.md's v5.5 is wrong); also in 4.19.165 stable", false },
			{ "flush_mm", "912efa17e512", "v5.12", false, false, false,
			  "\"mm: proc: Invalidate TLB after clearing soft-dirty page state\": inc_tlb_flush_pending, walk, flush_tlb_mm, dec_tlb_flush_pending", false },
		},
	},
	[FL_SW_UFFD_WP] = {
		.name = "uffd_wp",
		.where = "userfaultfd_register, do_wp_page",
		.doc = "whether UFFDIO_REGISTER accepts write-protect mode on anonymous memory",
		.nvalues = 2,
		.values = {
			{ "none", "", "", false, false, false,
			  "no uffd-wp: registering a range in wp mode fails with EINVAL", false },
			{ "anon", "292924b26024", "v5.7", false, false, false,
			  "\"userfaultfd: wp: apply _PAGE_UFFD_WP bit\": UFFDIO_WRITEPROTECT sets/clears _PAGE_UFFD_WP through change_protection (MM_CP_UFFD_WP / _RESOLVE); a write fault on a uffd-wp PTE raises a userfault", false },
		},
	},
	[FL_SW_UFFD_WP_LOCK] = {
		.name = "uffd_wp_lock",
		.where = "mwriteprotect_range, change_pte_range",
		.doc = "how UFFDIO_WRITEPROTECT locks, and whether unprotect keeps a writable PTE writable (seed 000 F1)",
		.nvalues = 2,
		.values = {
			{ "read", "", "", false, false, false,
			  "mmap_read_lock: faults run during the walk; unprotect (MM_CP_UFFD_WP_RESOLVE) rewrites every PTE with vm_page_prot, dropping the write bit (preserve_write is only for prot_numa): race R1", false },
			{ "write_preserve", "", "", true, false, false,
			  "Nadav Amit's patch 1/2 (Dec 2020): mmap_write_lock for the whole change, and preserve_write also for uffd_wp_resolve", false },
		},
	},
	[FL_SW_UFFD_WP_SKIP_UNCHANGED] = {
		.name = "uffd_wp_skip_unchanged",
		.where = "change_pte_range",
		.doc = "skip PTEs whose uffd-wp state does not change (seed 000 F3, Peter Xu / Andrea Arcangeli)",
		.nvalues = 2,
		.values = {
			{ "off", "", "", false, false, false, "every present PTE in the range is rewritten", false },
			{ "on", "", "", true, false, false,
			  "protect skips PTEs already uffd-wp, unprotect skips PTEs without the bit: no W->RO demotion on unprotect (not a safety fix on its own)", false },
		},
	},
	[FL_SW_WP_DEFERRED_FLUSH] = {
		.name = "wp_deferred_flush",
		.where = "do_wp_page, wp_page_copy",
		.doc = "what a write fault does about a write-protect whose TLB flush is still pending (seed 000 races R1-R3)",
		.nvalues = 5,
		.values = {
			{ "none", "", "", false, false, false,
			  "nothing: the copy can race with a store through a stale writable TLB entry on another CPU", false },
			{ "flush_page", "6ce64428d620", "v5.12", false, false, false,
			  "\"mm/userfaultfd: fix memory corruption due to writeprotect\": in do_wp_page, after the uffd-wp check and under the PTL, if userfaultfd_wp(vma) && mm_tlb_flush_pending(mm): flush_tlb_page()", false },
			{ "local_flush", "", "", false, false, true,
			  "the same flush, but of the faulting CPU's TLB only: not enough, the stale entry is on another CPU (seed 000 invariant 9)", false },
			{ "wait", "", "", true, false, false,
			  "Peter Zijlstra (F4): if mm_tlb_flush_pending, drop the PTL, wait until the pending flush is done, and retry the fault (any VMA)", false },
			{ "vma_counter", "", "", true, false, false,
			  "Andrea Arcangeli / Yu Zhao (F5): write-protect paths count a per-VMA wrprotect_tlb_flush_pending; wp_page_copy flushes the page before cow_user_page when it is non-zero", false },
		},
	},
	[FL_SW_GUP_COW] = {
		.name = "gup_cow",
		.where = "__get_user_pages, get_user_pages_fast",
		.doc = "whether GUP on a COW mapping breaks COW before taking the page",
		.nvalues = 2,
		.values = {
			{ "none", "", "", false, false, false,
			  "the page is taken as mapped: a read-only GUP of a shared COW page refers to the page the other process may keep using", false },
			{ "break_cow", "17839856fd58", "v5.8", false, false, false,
			  "\"gup: document and work around \"COW can break either way\" issue\": FOLL_GET/FOLL_PIN in a COW mapping is looked up as FOLL_WRITE, and the fast path refuses read-only PTEs", false },
		},
		.nreverts = 1,
		.reverts = (const struct fl_switch_revert[]){
			{ "v5.9", "none", "a308c71bf1e6",
			  "\"mm/gup: Remove enfornced COW mechanism\" (sic): essentially reverts 17839856fd58, merged with 09854ba94c6a (page_count COW reuse, which makes the forced COW unnecessary) for v5.9-rc4" },
		},
	},
	[FL_SW_FORK_PINNED] = {
		.name = "fork_pinned",
		.where = "copy_present_pte (copy_present_page)",
		.doc = "what fork does with a maybe-pinned anonymous page in a COW mapping",
		.nvalues = 2,
		.values = {
			{ "share", "", "", false, false, false,
			  "share it write-protected like any other page: the parent's next write copies away from the pinned page", false },
			{ "copy", "70e806e4e645", "v5.9", false, false, false,
			  "\"mm: Do early cow for pinned pages during fork() for ptes\": if has_pinned and page_maybe_dma_pinned(), the child gets its own copy and the parent's PTE stays as it is (v5.19 keeps this through page_try_dup_anon_rmap)", false },
		},
	},
	[FL_SW_GUP_UNSHARE] = {
		.name = "gup_unshare",
		.where = "follow_page_pte (gup_must_unshare), do_wp_page (FAULT_FLAG_UNSHARE)",
		.doc = "whether a read-only FOLL_PIN unshares the page first: a possibly shared anonymous page, or any page of a COW mapping",
		.nvalues = 3,
		.values = {
			{ "off", "", "", false, false, false,
			  "the R/O pin takes the page as mapped; if it is shared, a later COW by either side leaves the pin behind", false },
			{ "anon", "a7f226604170", "v5.19", false, false, false,
			  "\"mm/gup: trigger FAULT_FLAG_UNSHARE when R/O-pinning a possibly shared anonymous page\" with c89357e27f20 (FAULT_FLAG_UNSHARE): a non-exclusive anon page is first copied into an exclusive one, mapped read-only, then pinned", false },
			{ "cow_mapping", "84209e87c696", "v6.2", false, false, false,
			  "\"mm/gup: reliable R/O long-term pinning in COW mappings\" with 8d6a0ac09a16 (FAULT_FLAG_UNSHARE for anything in a COW mapping): a read-only FOLL_LONGTERM pin of a page that is not anonymous - the shared zero page, a page-cache page - in a private mapping is also unshared first: do_wp_page replaces it with an exclusive anon copy, mapped read-only, which is pinned.  Before, the pin took the zero page and a later write left the pin behind", false },
		},
	},
	[FL_SW_MPROTECT_WRITABLE] = {
		.name = "mprotect_writable",
		.where = "change_pte_range (can_change_pte_writable)",
		.doc = "whether mprotect(PROT_WRITE) maps exclusive anonymous pages writable right away",
		.nvalues = 3,
		.values = {
			{ "off", "", "", false, false, false,
			  "private PTEs stay read-only; the next write faults into do_wp_page", false },
			{ "dirty", "64fe24a3e05e", "v6.0", false, false, false,
			  "\"mm/mprotect: try avoiding write faults for exclusive anonymous pages when changing protection\": mprotect(PROT_WRITE) upgrades dirty PTEs of exclusive anon pages to writable (MM_CP_TRY_CHANGE_WRITABLE, can_change_pte_writable), unless soft-dirty or uffd-wp tracking needs the write fault", false },
			{ "exclusive", "d84887739d5c", "v6.2", false, false, false,
			  "\"mm/mprotect: allow clean exclusive anon pages to be writable\": clean ones too", false },
		},
	},
	[FL_SW_UFFD_WP_RANGE] = {
		.name = "uffd_wp_range",
		.where = "mwriteprotect_range",
		.doc = "whether UFFDIO_WRITEPROTECT may span several VMAs of the registered range",
		.nvalues = 2,
		.values = {
			{ "one_vma", "", "", false, false, false,
			  "find_dst_vma: the whole range must lie in one uffd-wp registered VMA, else ENOENT (a range split by mprotect fails)", false },
			{ "vma_walk", "a1b92a3f1498", "v6.4", false, false, false,
			  "\"mm/userfaultfd: support WP on multiple VMAs\": walk every VMA of the range, ENOENT at the first one not registered for wp (in mainline after v6.3; 6.18 accepts: faultline conform)", false },
		},
	},
	[FL_SW_UFFD_WP_SHMEM] = {
		.name = "uffd_wp_shmem",
		.where = "userfaultfd_register, mwriteprotect_range",
		.doc = "whether uffd-wp works on shared anonymous memory (shmem)",
		.nvalues = 2,
		.values = {
			{ "off", "", "", false, false, false,
			  "uffd-wp is anonymous-only: registering a shmem VMA for wp is EINVAL", false },
			{ "on", "b1f9e876862d", "v5.19", false, false, false,
			  "\"mm/uffd: enable write protection for shmem & hugetlbfs\": wp registration and UFFDIO_WRITEPROTECT on shmem; populated PTEs carry _PAGE_UFFD_WP as anonymous ones do; unpopulated or zapped ones keep it in PTE markers (switch uffd_wp_markers)", false },
		},
	},
	[FL_SW_SWAP_COW] = {
		.name = "swap_cow",
		.where = "do_swap_page",
		.doc = "when a write fault that swaps a page in may map it writable instead of copying",
		.nvalues = 2,
		.values = {
			{ "reuse_swap_page", "", "", false, false, false,
			  "reuse_swap_page(): mappings plus swap count == 1, other references not counted (kept in do_swap_page after do_wp_page moved to page_count in v5.9: the vmsplice leak came back after a swap-out)", false },
			{ "page_count", "c145e0b47c77", "v5.18", false, false, false,
			  "\"mm: streamline COW logic in do_swap_page()\": free the swap cache if possible, then reuse only when ours is the only reference (v5.19 also trusts the swap PTE's exclusive bit)", false },
		},
	},
	[FL_SW_FOLLOW_PFN_PTE] = {
		.name = "follow_pfn_pte",
		.where = "follow_pfn_pte, __get_user_pages",
		.doc = "what GUP does with a present PTE that has no struct page (pte_special), seed 002",
		.nvalues = 5,
		.values = {
			{ "get_only", "3faa52c03f44", "v5.7", false, false, false,
			  "-EFAULT only for FOLL_GET (1027e4436b6a); the FOLL_PIN rework missed this path, so a pin gets -EEXIST and the loop skips the slot but counts it: pages[i] keeps garbage (v5.7-v5.17)", false },
			{ "get_pin", "7196040e19ad", "v5.18", false, false, false,
			  "\"mm: fix invalid page pointer returned with FOLL_PIN gups\": -EFAULT for FOLL_GET | FOLL_PIN; the loop returns i ? i : -EFAULT", false },
			{ "eexist_bail", "65462462ffb2", "v5.18", false, false, false,
			  "\"mm/gup: follow_pfn_pte(): -EEXIST cleanup\": follow_pfn_pte always returns -EEXIST; __get_user_pages stops (i ? i : -EEXIST) when pages != NULL and skips only for pages == NULL (mlock, populate)", false },
			{ "warn_continue", "", "", true, false, false,
			  "from the seed-002 thread: keep the skip, add WARN_ON_ONCE(pages): the caller still gets the garbage slot", false },
			{ "return_zero", "", "", true, false, false,
			  "from the seed-002 thread (Jason Gunthorpe): bail out of the loop on a pageless PTE when pages != NULL, returning the count so far - 0 when it is the first page, which callers read as no progress and no error", false },
		},
	},
	[FL_SW_ZERO_PAGE_READ] = {
		.name = "zero_page_read",
		.where = "do_anonymous_page, mfill_atomic_pte_zeropage",
		.doc = "a host-configuration switch, not a commit: whether a read fault on untouched private anonymous memory (and UFFDIO_ZEROPAGE) maps the shared zero page.  Every release preset keeps the zero page; `--kernel host` takes the value `faultline conform` measures",
		.nvalues = 3,
		.values = {
			{ "zero_page", "", "", false, false, false,
			  "do_anonymous_page maps the shared zero page read-only (pte_special) for a read fault; mfill_atomic_pte_zeropage (UFFDIO_ZEROPAGE) maps it too.  pagemap: present, never exclusive", false },
			{ "fresh_page", "", "", false, false, false,
			  "host configuration: a read fault takes do_anonymous_page's allocation branch, as a write fault does: a fresh zeroed exclusive page, writable and dirty when the VMA is VM_WRITE (pagemap: present|exclusive); UFFDIO_ZEROPAGE still maps the zero page.  Measured on a 6.18 guest booted with the vendor parameter pvm_no_zero_page=1 (its implementation is not public; the registers agree with this).  Upstream precedent: mm_forbids_zeropage() (see mm_forbids)",
			  true },
			{ "mm_forbids", "593befa6ab74", "v3.19", false, true, false,
			  "host configuration: mm_forbids_zeropage(mm) is true (\"mm: introduce mm_forbids_zeropage function\", for s390 KVM guests with storage keys): read faults allocate as fresh_page, and since 90a7592da149 (\"mm/userfaultfd: Do not place zeropages when zeropages are disallowed\", v6.10, release unverified) mfill_atomic_pte_zeropage installs a fresh zeroed page (mfill_atomic_pte_zeroed_folio) instead of failing",
			  true },
		},
	},
	[FL_SW_FAULT_AROUND] = {
		.name = "fault_around",
		.where = "do_read_fault, do_fault_around, filemap_map_pages",
		.doc = "how many neighbouring page-cache pages one read fault on a file (shmem) mapping maps: fault_around_bytes, also a host setting (debugfs); `--kernel host` takes the value `faultline conform` measures",
		.nvalues = 2,
		.values = {
			{ "off", "", "", false, false, false,
			  "do_read_fault calls ->fault for the faulting page alone (before ->map_pages existed; also any kernel whose fault_around_bytes is PAGE_SIZE)", false },
			{ "16", "8c6e50b0290c", "v3.15", false, true, false,
			  "\"mm: introduce vm_ops->map_pages()\": do_read_fault first calls do_fault_around, which maps every page of the faulting page's window that is already in the page cache, unlocked and up to date, into PTEs that are still none (filemap_map_pages, one PTL, trylock on each page); the window is 16 pages (fault_around_bytes 64 KiB) aligned down, clamped to the VMA and the PMD.  ->fault runs only when the faulting page was not mapped.  Release from the commit's merge window, not confirmed from a tag", false },
		},
	},
	[FL_SW_UFFD_FAULT_AROUND] = {
		.name = "uffd_fault_around",
		.where = "should_fault_around (uffd_disable_fault_around)",
		.doc = "whether a userfaultfd-registered range is faulted around on reads (seed 003)",
		.nvalues = 3,
		.values = {
			{ "always", "", "", false, false, false,
			  "fault-around ignores userfaultfd: a read fault may map neighbouring page-cache pages into a uffd-registered range (for missing mode those pages are in the cache, so no missing fault is lost; for wp they arrive without the monitor's protection)", false },
			{ "no_wp", "9c28a205c061", "v5.19", false, true, false,
			  "\"mm/shmem: handle uffd-wp special pte in page fault handler\" (the shmem uffd-wp series): uffd_disable_fault_around() - no fault-around in VM_UFFD_WP (and VM_UFFD_MINOR, not modelled) ranges, \"for extra safety\".  The commit is confirmed; v5.19 is its series' release (with b1f9e876862d), not confirmed from a tag", false },
			{ "no_uffd", "", "", true, false, false,
			  "seed 003 (Peter Xu, \"mm: Don't fault around userfaultfd-registered regions on reads\", Nov 2020, not merged in this form): no fault-around in any uffd-registered range, missing mode included", false },
		},
	},
	[FL_SW_UFFD_WP_MARKERS] = {
		.name = "uffd_wp_markers",
		.where = "change_pte_range, zap_pte_range / try_to_unmap_one (pte_install_uffd_wp_if_needed), handle_pte_marker, finish_fault",
		.doc = "whether uffd-wp on shmem survives a zap of the PTE (reclaim, hole punch) and can protect a none PTE (seed 003)",
		.nvalues = 3,
		.values = {
			{ "off", "", "", false, false, false,
			  "no PTE markers: a zapped shmem PTE is none, and its _PAGE_UFFD_WP is lost - the next fault maps the page from the page cache writable, and a write lands without a userfault (uffd-wp-bypass); UFFDIO_WRITEPROTECT skips none PTEs, though the page may be in the page cache or swapped out.  What Andrea describes in seed 003 (no kernel had shmem uffd-wp without markers: CONFIG_PTE_MARKER_UFFD_WP gates UFFD_FEATURE_WP_HUGETLBFS_SHMEM)", false },
			{ "pte", "999dad824c39", "v5.19", false, true, false,
			  "\"mm/shmem: persist uffd-wp bit across zapping for file-backed\" and its series (\"mm/shmem: allow uffd wr-protect none pte for file-backed mem\", \"mm/shmem: handle uffd-wp special pte in page fault handler\"): a zap of a uffd-wp shmem PTE leaves PTE_MARKER_UFFD_WP (munmap, exit and hole punching drop it: ZAP_FLAG_DROP_MARKER), UFFDIO_WRITEPROTECT puts a marker on a none PTE and takes it away on unprotect, a fault on a marker maps the page read-only with the uffd-wp bit, so the write that follows is a wp userfault.  The commit is confirmed (a Fixes: tag); v5.19 is its series' release, not confirmed from a tag", false },
			{ "in_file", "", "", false, false, true,
			  "counterfactual (seed 003): Andrea's warning - the bit stored with the shared page (in the page cache, as a swapped-out shmem page's swap entry is) instead of in one mm's PTE: a protect by one process write-protects every process that maps the file, and their writes go to the registering process's monitor or, without a registration, fault forever", false },
		},
	},
	[FL_SW_GUP_FAST_FORK] = {
		.name = "gup_fast_fork",
		.where = "copy_page_range, lockless_pages_from_mm (internal_get_user_pages_fast)",
		.doc = "whether a lockless FOLL_PIN can slip in while fork write-protects the page it pins",
		.nvalues = 2,
		.values = {
			{ "none", "", "", false, false, false,
			  "fork's copy_present_page checks page_maybe_dma_pinned() before it write-protects the PTE, without excluding GUP-fast: a pin taken between the check and the write-protect is left on a page that is now COW-shared, and the parent's next write copies away from it (found again by faultline's random concurrent generator)", false },
			{ "write_protect_seq", "57efa1fe5957", "v5.11", false, true, false,
			  "\"mm/gup: prevent gup_fast from racing with COW during fork\": copy_page_range wraps a COW mapping's copy in mm->write_protect_seq (write side); GUP-fast with FOLL_PIN reads it before the walk (odd: fall back) and re-checks it after (changed: unpin and fall back to the slow path, which waits for fork's mmap_lock).  Backported to 5.10.y stable (537946556cc9).  The release is from its merge in December 2020 (the v5.11 merge window), not confirmed from a tag", false },
		},
	},
	[FL_SW_CLEAR_REFS_SKIP_PINNED] = {
		.name = "clear_refs_skip_pinned",
		.where = "clear_soft_dirty (pte_is_pinned)",
		.doc = "whether clear_refs leaves writable COW PTEs of maybe-pinned pages alone",
		.nvalues = 2,
		.values = {
			{ "off", "", "", false, false, false,
			  "every present PTE is write-protected and cleaned", false },
			{ "on", "9348b73c2e1b", "v5.11", false, false, false,
			  "\"mm: don't play games with pinned pages in clear_page_refs\": skip writable PTEs in COW mappings when mm->has_pinned and page_maybe_dma_pinned()", false },
		},
	},
	[FL_SW_SWAP_SKIP_PINNED] = {
		.name = "swap_skip_pinned",
		.where = "shrink_page_list (MADV_PAGEOUT's reclaim_pages)",
		.doc = "whether reclaim leaves a maybe-pinned anon page out of the swap cache (and so mapped)",
		.nvalues = 2,
		.values = {
			{ "off", "", "", false, false, false,
			  "a pinned page is added to the swap cache and unmapped (its PTEs become swap entries); pageout then keeps it, unwritten, since the pin's references make it not freeable", false },
			{ "on", "feb889fb40fa", "v5.11", false, false, false,
			  "\"mm: don't put pinned pages into the swap cache\": if page_maybe_dma_pinned(), keep the page as it is (keep_locked) before add_to_swap", false },
		},
	},
	[FL_SW_PER_VMA_LOCK] = {
		.name = "per_vma_lock",
		.where = "do_user_addr_fault, lock_vma_under_rcu, do_swap_page, handle_userfault",
		.doc = "which user faults run under the per-VMA lock (lock_vma_under_rcu, FAULT_FLAG_VMA_LOCK) instead of mmap_lock",
		.nvalues = 4,
		.values = {
			{ "off", "", "", false, false, false,
			  "no per-VMA locks: every fault takes mmap_lock for read (<= v6.3)", false },
			{ "anon", "0bff0aaea03e", "v6.4", false, false, false,
			  "\"x86/mm: try VMA lock-based page fault handling first\" and its series (\"Per-VMA locks\", Suren Baghdasaryan; the other ids are not confirmed here): lock_vma_under_rcu for anonymous VMAs that have an anon_vma; uffd-armed VMAs fall back (where exactly v6.4 refuses them is not confirmed) and do_swap_page returns VM_FAULT_RETRY under the VMA lock, and the arch code retries under mmap_lock after vma_end_read. Seed 004 is patch 12 of this series", false },
			{ "swap_uffd", "1235ccd05b6d", "v6.6", false, true, false,
			  "\"mm: handle swap page faults under per-VMA lock\" with \"mm: handle userfaults under VMA lock\" and \"mm: drop per-VMA lock when returning VM_FAULT_RETRY\": swap and userfault faults run under the VMA lock, which the handler drops (release_fault_lock) before it waits; the fault then retries under mmap_lock. Release from the series' date (July 2023), not confirmed", false },
			{ "shared", "4ed4379881aa", "v6.7", false, true, false,
			  "\"mm: handle shared faults under the VMA lock\" (after 350f6bbca1de, \"mm: allow per-VMA locks on file-backed VMAs\"): shmem faults too. Release from the patch date (October 2023), not confirmed", false },
		},
	},
	[FL_SW_FORK_VMA_LOCK] = {
		.name = "fork_vma_lock",
		.where = "dup_mmap",
		.doc = "whether fork write-locks each parent VMA before copying it, so no VMA-locked fault runs on it meanwhile",
		.nvalues = 2,
		.values = {
			{ "none", "", "", false, false, false,
			  "dup_mmap holds mmap_lock for write only: with per-VMA locks a parent fault can change the parent's VMA and PTEs while fork copies them (the v6.4 memory corruption, Jiri Slaby's report)", false },
			{ "parent", "fb49c455323f", "v6.5", false, true, false,
			  "\"fork: lock VMAs of the parent process when forking\": vma_start_write(mpnt) for each parent VMA in dup_mmap (Fixes: 0bff0aaea03e). Merged after v6.4 was released; release v6.5 (and the 6.4.y stable backport) not confirmed from the record here", false },
		},
	},
	[FL_SW_VMA_END_READ] = {
		.name = "vma_end_read",
		.where = "vma_end_read",
		.doc = "how a fault drops its VMA read lock",
		.nvalues = 2,
		.values = {
			{ "rcu", "", "", false, false, false,
			  "rcu_read_lock(); up_read(); rcu_read_unlock(): up_read may touch the rwsem after a writer took it (Jann Horn on seed 004), and the RCU section keeps the RCU-freed VMA alive until it is done", false },
			{ "plain", "", "", true, false, false,
			  "seed 004 (patch 12/41, v1): a bare up_read; a writer that wins the rwsem meanwhile may free the VMA before up_read's wakeup touches it", false },
		},
	},
	[FL_SW_VMA_FREE] = {
		.name = "vma_free",
		.where = "vm_area_free, remove_vma",
		.doc = "how an unmapped VMA (and its lock) is freed",
		.nvalues = 2,
		.values = {
			{ "rcu", "", "", false, false, false,
			  "CONFIG_PER_VMA_LOCK: call_rcu, so a lockless lookup under rcu_read_lock never touches freed memory", false },
			{ "at_once", "", "", false, false, true,
			  "kmem_cache_free at once: readers that found the VMA under RCU may touch freed memory", false },
		},
	},
	[FL_SW_VMA_SEQ_BITS] = {
		.name = "vma_seq_bits",
		.where = "vma_start_read, vma_start_write, vma_end_write_all",
		.doc = "width of mm_lock_seq and vm_lock_seq",
		.nvalues = 2,
		.values = {
			{ "32", "", "", false, false, false,
			  "int, as in the kernel: a wrap needs 2^32 mmap write unlocks", false },
			{ "2", "", "", false, false, true,
			  "2 bits, so the explorer reaches a wrap: a wrap may make an unlocked VMA look locked (a spurious fallback), never the reverse", false },
		},
	},
	[FL_SW_VMA_CACHE] = {
		.name = "vma_cache",
		.where = "vm_area_free, vma_start_read, lock_vma_under_rcu",
		.doc = "whether a freed VMA's memory can be reused while a lockless reader may still hold it",
		.nvalues = 2,
		.values = {
			{ "rcu_free", "", "", false, false, false,
			  "CONFIG_PER_VMA_LOCK (v6.4): vm_area_free defers the free through call_rcu; a reader inside rcu_read_lock never sees the memory reused", false },
			{ "typesafe_by_rcu", "ef626c1698c1", "v6.15", false, true, false,
			  "\"mm: make vma cache SLAB_TYPESAFE_BY_RCU\" (with vm_refcnt replacing the rwsem and the detached flag, modelled here with the rwsem's semantics): freed at once, so a VMA found under RCU may be freed and reused for another range (or mm) before the reader locks it; lock_vma_under_rcu's re-check of detached, the range (and vm_mm) after locking catches it.  The id is from a development-tree copy of the patch (link 2025-02-13) and the release from its date: neither confirmed", false },
		},
	},
	[FL_SW_VMA_LOOKUP_RECHECK] = {
		.name = "vma_lookup_recheck",
		.where = "lock_vma_under_rcu",
		.doc = "whether lock_vma_under_rcu re-checks, after vma_start_read, that the VMA is attached and covers the address",
		.nvalues = 2,
		.values = {
			{ "on", "", "", false, false, false,
			  "re-check detached and vm_start <= address < vm_end under the VMA lock; fail (fall back to mmap_lock) otherwise", false },
			{ "off", "", "", false, false, true,
			  "trust the lookup: a VMA detached, or freed and reused for another range, between the lookup and the lock is used for the fault anyway", false },
		},
	},
	[FL_SW_VMA_SEQ_ORDER] = {
		.name = "vma_seq_order",
		.where = "vma_end_write_all, vma_start_read",
		.doc = "memory ordering of mm_lock_seq against the VMA fields a writer changed before releasing it",
		.nvalues = 2,
		.values = {
			{ "relaxed", "", "", false, false, false,
			  "v6.4: WRITE_ONCE(mm_lock_seq) in mmap_write_unlock and READ_ONCE in vma_start_read: nothing orders the writer's vm_flags / vm_page_prot stores before the seq store, or the fault's loads of them after the seq load.  The model's relaxed mode: the fault's loads of vm_flags and vm_page_prot happen in a step of their own, anywhere between the lookup and the seq check", false },
			{ "acquire_release", "b1f02b95758d", "v6.5", false, true, false,
			  "\"mm: fix memory ordering for mm_lock_seq and vm_lock_seq\" (Jann Horn): smp_store_release of mm_lock_seq, smp_load_acquire in vma_start_read: a fault that sees the VMA unlocked sees every change made under the lock.  The release (v6.5-rc4) is from the seed 002/004 digest, not confirmed from the record here", false },
		},
	},
	[FL_SW_VMA_READ_RECHECK] = {
		.name = "vma_read_recheck",
		.where = "vma_start_read",
		.doc = "whether vma_start_read re-checks vm_lock_seq after down_read_trylock",
		.nvalues = 2,
		.values = {
			{ "on", "", "", false, false, false,
			  "re-check under the rwsem: a writer that marked the VMA between the lockless check and the trylock is seen", false },
			{ "off", "", "", false, false, true,
			  "only the lockless pre-check: a reader can succeed on a VMA write-locked in the current epoch (false unlocked)", false },
		},
	},
};

/*
 * The presets: releases the corpus asks about.  Their values are derived
 * from the timelines (derive()); only the one-line docs are written here.
 */
static struct fl_preset presets[] = {
	{ "v5.4", "before every change modelled here; no uffd-wp", 0, NULL, { { 0 } } },
	{ "v5.5", "as v5.4: 0758cd830494 landed in v5.6", 0, NULL, { { 0 } } },
	{ "v5.8", "the clear_refs flush is elided (0758cd830494, v5.6); uffd-wp for anon (v5.7); GUP breaks COW (17839856fd58)", 0, NULL, { { 0 } } },
	{ "v5.9", "page_count COW reuse (09854ba94c6a) replaces GUP's COW break; fork copies pinned pages (70e806e4e645)", 0, NULL, { { 0 } } },
	{ "v5.10", "as v5.9 (the LTS the seed-000 races were found on)", 0, NULL, { { 0 } } },
	{ "v5.11", "clear_refs under the write lock, skips pinned pages; reclaim skips them too; flush still elided", 0, NULL, { { 0 } } },
	{ "v5.12", "clear_refs flushes (912efa17e512); do_wp_page flushes a pending uffd-wp flush (6ce64428d620)", 0, NULL, { { 0 } } },
	{ "v5.18", "the swap cache's reference no longer forces a copy (53a05ad9f21d); do_swap_page uses the refcount rule (c145e0b47c77); follow_pfn_pte returns -EEXIST (65462462ffb2)", 0, NULL, { { 0 } } },
	{ "v5.19", "PageAnonExclusive COW reuse (6c287605fd56), R/O pin unsharing (a7f226604170), uffd-wp on shmem", 0, NULL, { { 0 } } },
	{ "v6.0", "mprotect maps dirty exclusive anon pages writable (64fe24a3e05e)", 0, NULL, { { 0 } } },
	{ "v6.2", "... and clean ones (d84887739d5c); R/O long-term pins unshare the zero page and page-cache pages in COW mappings too (84209e87c696)", 0, NULL, { { 0 } } },
	{ "v6.3", "as v6.2: the last release without per-VMA locks", 0, NULL, { { 0 } } },
	{ "v6.4", "per-VMA locks for anonymous faults (0bff0aaea03e); UFFDIO_WRITEPROTECT across VMAs (a1b92a3f1498)", 0, NULL, { { 0 } } },
	{ "v6.5", "fork write-locks the parent's VMAs (fb49c455323f)", 0, NULL, { { 0 } } },
	{ "v6.6", "swap and userfault faults under the VMA lock (1235ccd05b6d)", 0, NULL, { { 0 } } },
	{ "v6.7", "shared (shmem) faults under the VMA lock (4ed4379881aa)", 0, NULL, { { 0 } } },
	{ "v6.15", "the VMA cache is SLAB_TYPESAFE_BY_RCU (ef626c1698c1, unverified), with vm_refcnt", 0, NULL, { { 0 } } },
	{ "latest", "every merged change modelled: v6.15's per-VMA locks (the host runs 6.18)", 0, NULL, { { 0 } } },
};
#define NPRESETS ((int)(sizeof(presets) / sizeof(presets[0])))

/* "v5.10" -> 5010; "latest" after everything; "" (the base) before. */
static long release_key(const char *r)
{
	char *end;
	long major, minor;

	if (!r || !r[0])
		return -1;
	if (!strcmp(r, "latest"))
		return 1L << 30;
	if (r[0] != 'v')
		return -2;
	major = strtol(r + 1, &end, 10);
	if (*end != '.')
		return -2;
	minor = strtol(end + 1, &end, 10);
	if (*end)
		return -2;
	return major * 1000 + minor;
}

int fl_release_cmp(const char *a, const char *b)
{
	long ka = release_key(a), kb = release_key(b);

	return ka < kb ? -1 : ka > kb;
}

/*
 * A value a release brought (value 0 is there from the start): merged, and
 * not a host's configuration, which only `--kernel host` or --set selects.
 */
static bool merged_value(const struct fl_switch_value *v)
{
	return !v->proposed && !v->counterfactual && !v->host_config && v->release[0];
}

int fl_switch_timeline(enum fl_switch sw, struct fl_timeline_entry *out)
{
	const struct fl_switch_desc *d = fl_switch_desc(sw);
	int n = 0;

	if (!d || d->nvalues < 1)
		return 0;
	out[n++] = (struct fl_timeline_entry){ "", 0, d->values[0].commit, false, d->values[0].unverified };
	for (int v = 1; v < d->nvalues && n < FL_MAX_TIMELINE; v++)
		if (merged_value(&d->values[v]))
			out[n++] = (struct fl_timeline_entry){ d->values[v].release, v, d->values[v].commit,
								false, d->values[v].unverified };
	for (int r = 0; r < d->nreverts && n < FL_MAX_TIMELINE; r++)
		out[n++] = (struct fl_timeline_entry){ d->reverts[r].release,
			fl_switch_value_find(sw, d->reverts[r].value), d->reverts[r].commit, true, false };
	/* Insertion sort by release; stable, so a table's order breaks ties (two changes in one release). */
	for (int i = 2; i < n; i++)
		for (int j = i; j > 1 && fl_release_cmp(out[j - 1].release, out[j].release) > 0; j--) {
			struct fl_timeline_entry t = out[j];

			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

int fl_switch_value_at(enum fl_switch sw, const char *release)
{
	struct fl_timeline_entry tl[FL_MAX_TIMELINE];
	int n = fl_switch_timeline(sw, tl), v = 0;

	for (int i = 0; i < n; i++)
		if (fl_release_cmp(tl[i].release, release) <= 0 && tl[i].value >= 0)
			v = tl[i].value;
	return v;
}

/* Fill every preset's values from the timelines, then its overrides (once). */
static void derive(void)
{
	static bool done;

	char err[256];

	if (done)
		return;
	done = true;
	/* A half-filled table entry is a developer's mistake: say which, rather than crash later. */
	if (fl_policy_selfcheck(err, sizeof(err))) {
		fprintf(stderr, "faultline: the switch table is inconsistent: %s\n", err);
		exit(2);
	}
	for (int p = 0; p < NPRESETS; p++) {
		struct fl_preset *pr = &presets[p];

		for (int s = 0; s < FL_SW__COUNT; s++)
			pr->pol.v[s] = (uint8_t)fl_switch_value_at((enum fl_switch)s, pr->name);
		for (int o = 0; o < pr->noverrides; o++) {
			int s = fl_switch_find(pr->overrides[o].sw);
			int v = s < 0 ? -1 : fl_switch_value_find((enum fl_switch)s, pr->overrides[o].value);

			if (v >= 0)	/* fl_policy_selfcheck() reports a bad one */
				pr->pol.v[s] = (uint8_t)v;
		}
	}
}

static bool is_commit_id(const char *c)
{
	if (strlen(c) != 12)
		return false;
	for (int i = 0; i < 12; i++)
		if (!strchr("0123456789abcdef", c[i]))
			return false;
	return true;
}

#define SELFCHECK(cond, ...) do { if (!(cond)) { snprintf(err, (size_t)errlen, __VA_ARGS__); return -1; } } while (0)

int fl_policy_selfcheck(char *err, int errlen)
{
	for (int s = 0; s < FL_SW__COUNT; s++) {
		const struct fl_switch_desc *d = &switches[s];

		SELFCHECK(d->name && d->where && d->doc, "switch %d has no name, where or doc (a switch added to enum fl_switch but not to the table?)", s);
		SELFCHECK(d->nvalues >= 1 && d->nvalues <= FL_MAX_SWITCH_VALUES, "switch %s: %d values", d->name, d->nvalues);
		SELFCHECK(d->nvalues + d->nreverts <= FL_MAX_TIMELINE, "switch %s: a timeline longer than FL_MAX_TIMELINE", d->name);
		for (int v = 0; v < d->nvalues; v++) {
			const struct fl_switch_value *x = &d->values[v];

			SELFCHECK(x->name && x->commit && x->release && x->doc, "switch %s: value %d is incomplete", d->name, v);
			SELFCHECK(fl_switch_value_find((enum fl_switch)s, x->name) == v, "switch %s: value %s twice", d->name, x->name);
			SELFCHECK(!x->commit[0] || is_commit_id(x->commit), "switch %s=%s: commit '%s' is not a 12-digit id", d->name, x->name, x->commit);
			SELFCHECK(!x->release[0] || release_key(x->release) > 0, "switch %s=%s: release '%s' is not vX.Y", d->name, x->name, x->release);
			if (v > 0 && !x->proposed && !x->counterfactual && !x->host_config)
				SELFCHECK(x->commit[0] && x->release[0], "switch %s=%s: a merged value needs its commit and release (or mark it proposed or counterfactual)", d->name, x->name);
			if (x->proposed || x->counterfactual)
				SELFCHECK(!x->release[0], "switch %s=%s: a proposed or counterfactual value has no release", d->name, x->name);
		}
		for (int r = 0; r < d->nreverts; r++) {
			const struct fl_switch_revert *rv = &d->reverts[r];

			SELFCHECK(fl_switch_value_find((enum fl_switch)s, rv->value) >= 0, "switch %s: revert to unknown value %s", d->name, rv->value);
			SELFCHECK(release_key(rv->release) > 0 && is_commit_id(rv->commit) && rv->doc, "switch %s: revert %d needs a release, a commit and a doc", d->name, r);
		}
	}
	for (int p = 0; p < NPRESETS; p++) {
		SELFCHECK(release_key(presets[p].name) > 0, "preset %s is not a release name", presets[p].name);
		SELFCHECK(p == 0 || fl_release_cmp(presets[p - 1].name, presets[p].name) < 0, "presets out of release order at %s", presets[p].name);
		for (int o = 0; o < presets[p].noverrides; o++) {
			const struct fl_preset_override *ov = &presets[p].overrides[o];
			int s = fl_switch_find(ov->sw);

			SELFCHECK(s >= 0 && fl_switch_value_find((enum fl_switch)s, ov->value) >= 0 && ov->why && ov->why[0],
				  "preset %s: override %s=%s needs a known switch, value and reason", presets[p].name, ov->sw, ov->value);
		}
	}
	return 0;
}

const struct fl_switch_desc *fl_switch_desc(enum fl_switch sw)
{
	if ((unsigned)sw >= FL_SW__COUNT)
		return NULL;
	return &switches[sw];
}

int fl_preset_count(void)
{
	return NPRESETS;
}

const struct fl_preset *fl_preset_at(int i)
{
	if (i < 0 || i >= NPRESETS)
		return NULL;
	derive();
	return &presets[i];
}

int fl_preset_find(const char *name)
{
	for (int i = 0; i < NPRESETS; i++)
		if (strcmp(presets[i].name, name) == 0)
			return i;
	return -1;
}

int fl_switch_find(const char *name)
{
	for (int i = 0; i < FL_SW__COUNT; i++)
		if (switches[i].name && strcmp(switches[i].name, name) == 0)
			return i;
	return -1;
}

int fl_switch_value_find(enum fl_switch sw, const char *value)
{
	const struct fl_switch_desc *d = fl_switch_desc(sw);

	if (!d || !value)
		return -1;
	for (int i = 0; i < d->nvalues; i++)
		if (d->values[i].name && strcmp(d->values[i].name, value) == 0)
			return i;
	return -1;
}

static void list_values(const struct fl_switch_desc *d, char *buf, int len)
{
	int n = 0;

	buf[0] = '\0';
	for (int i = 0; i < d->nvalues && n < len; i++)
		n += snprintf(buf + n, (size_t)(len - n), "%s%s", i ? ", " : "", d->values[i].name);
}

int fl_policy_set(struct fl_policy *pol, const char *assignment, char *err, int errlen)
{
	char name[64];
	const char *eq = strchr(assignment, '=');
	size_t nlen;
	int sw, val;

	if (!eq) {
		snprintf(err, (size_t)errlen, "expected SWITCH=VALUE, got '%s'", assignment);
		return -1;
	}
	nlen = (size_t)(eq - assignment);
	if (nlen >= sizeof(name))
		nlen = sizeof(name) - 1;
	memcpy(name, assignment, nlen);
	name[nlen] = '\0';
	sw = fl_switch_find(name);
	if (sw < 0) {
		int n = snprintf(err, (size_t)errlen, "unknown switch '%s' (switches:", name);
		for (int i = 0; i < FL_SW__COUNT && n < errlen; i++)
			n += snprintf(err + n, (size_t)(errlen - n), " %s", switches[i].name);
		if (n < errlen)
			snprintf(err + n, (size_t)(errlen - n), ")");
		return -1;
	}
	val = fl_switch_value_find((enum fl_switch)sw, eq + 1);
	if (val < 0) {
		char vals[256];

		list_values(&switches[sw], vals, sizeof(vals));
		snprintf(err, (size_t)errlen, "switch %s has no value '%s' (values: %s)", name, eq + 1, vals);
		return -1;
	}
	pol->v[sw] = (uint8_t)val;
	return 0;
}

void fl_policy_describe(const struct fl_policy *pol, int preset, char *buf, int len)
{
	const struct fl_preset *p = fl_preset_at(preset);
	int n;

	n = snprintf(buf, (size_t)len, "%s", p ? p->name : "custom");
	for (int i = 0; i < FL_SW__COUNT && n < len; i++) {
		if (p && p->pol.v[i] == pol->v[i])
			continue;
		n += snprintf(buf + n, (size_t)(len - n), "+%s=%s", switches[i].name,
			      switches[i].values[pol->v[i]].name);
	}
}
