/* SPDX-License-Identifier: MIT */
/*
 * policy/policy.h - behaviour switches and named kernel presets.
 *
 * A switch is a point where the kernel's code changed across releases.  It
 * is read in mm/ at exactly the place where the real code differs, e.g.
 *
 *	if (FL_POL(COW_REUSE) == FL_COW_REUSE_PAGE_COUNT)
 *
 * so the model reads like the kernel with its history inline.
 *
 * Kernel history is data, written once: each switch value carries the
 * commit that introduced it and its first release (or is marked proposed
 * or counterfactual: reachable by --set only), and a switch lists its
 * reverts.  That is the switch's timeline: value 0 before anything
 * modelled, then every merged value from its release on, in release order,
 * with the reverts in between.  A preset (`--kernel v5.10`) is derived:
 * each switch takes the last timeline entry at or before the release; a
 * preset that must differ from its release says so in its overrides, with
 * the reason.  docs/switches.md is generated from the table in policy.c
 * (`faultline policies --markdown`), and a test checks that the committed
 * file matches; tests/unit/test_policy.c checks the table itself.
 */
#ifndef FL_POLICY_POLICY_H
#define FL_POLICY_POLICY_H

#include <stdbool.h>
#include <stdint.h>

enum fl_switch {
	FL_SW_COW_REUSE,		/* do_wp_page: when may an anon page be reused */
	FL_SW_CLEAR_REFS_LOCK,		/* clear_refs_write: mmap_lock mode for the walk */
	FL_SW_CLEAR_REFS_FLUSH,		/* clear_refs_write: how the TLB is flushed */
	FL_SW_CLEAR_REFS_SKIP_PINNED,	/* clear_soft_dirty: skip maybe-pinned pages */
	FL_SW_UFFD_WP,			/* userfaultfd write-protect mode exists */
	FL_SW_UFFD_WP_LOCK,		/* mwriteprotect_range: mmap_lock mode (F1) */
	FL_SW_UFFD_WP_SKIP_UNCHANGED,	/* change_pte_range: skip PTEs whose uffd-wp bit stays (F3) */
	FL_SW_WP_DEFERRED_FLUSH,	/* do_wp_page/wp_page_copy vs a deferred write-protect flush */
	FL_SW_GUP_COW,			/* GUP on a COW mapping breaks COW first (v5.8 only) */
	FL_SW_FORK_PINNED,		/* fork: copy maybe-pinned anon pages for the child */
	FL_SW_GUP_UNSHARE,		/* R/O FOLL_PIN unshares a maybe-shared anon page (and the zero page) first */
	FL_SW_MPROTECT_WRITABLE,	/* mprotect maps exclusive anon pages writable directly */
	FL_SW_SWAP_COW,			/* do_swap_page's reuse rule for a write fault */
	FL_SW_FOLLOW_PFN_PTE,		/* GUP on a PTE without struct page (seed 002) */
	FL_SW_SWAP_SKIP_PINNED,		/* shrink_page_list: keep maybe-pinned pages out of the swap cache */
	FL_SW_UFFD_WP_RANGE,		/* mwriteprotect_range: one VMA, or every VMA of the range */
	FL_SW_UFFD_WP_SHMEM,		/* userfaultfd write-protect on shared anonymous memory */
	FL_SW_ZERO_PAGE_READ,		/* host configuration: may read faults / UFFDIO_ZEROPAGE map the zero page */
	FL_SW_GUP_FAST_FORK,		/* GUP-fast FOLL_PIN vs a fork in progress (write_protect_seq) */
	FL_SW_PER_VMA_LOCK,		/* which faults lock_vma_under_rcu handles under the VMA lock */
	FL_SW_FORK_VMA_LOCK,		/* dup_mmap write-locks the parent's VMAs (fb49c455323f) */
	FL_SW_VMA_END_READ,		/* vma_end_read: up_read inside an RCU read-side section */
	FL_SW_VMA_FREE,			/* vm_area_free: via call_rcu, or at once */
	FL_SW_VMA_SEQ_BITS,		/* width of mm_lock_seq / vm_lock_seq */
	FL_SW_VMA_READ_RECHECK,		/* vma_start_read re-checks the seq under the rwsem */
	FL_SW_VMA_CACHE,		/* vm_area_cachep: RCU-deferred frees, or SLAB_TYPESAFE_BY_RCU reuse */
	FL_SW_VMA_LOOKUP_RECHECK,	/* lock_vma_under_rcu re-checks detached / range after locking */
	FL_SW_VMA_SEQ_ORDER,		/* mm_lock_seq: relaxed, or release/acquire (b1f02b95758d) */
	FL_SW_FAULT_AROUND,		/* do_read_fault: how many page-cache pages one read fault maps */
	FL_SW_UFFD_FAULT_AROUND,	/* should_fault_around: no fault-around in uffd-registered ranges */
	FL_SW_UFFD_WP_MARKERS,		/* shmem uffd-wp: PTE markers keep the bit across zaps and on none PTEs */
	FL_SW__COUNT
};

/* Values of FL_SW_PER_VMA_LOCK. */
enum {
	FL_PER_VMA_LOCK_OFF,		/* <= v6.3: every fault takes mmap_lock */
	FL_PER_VMA_LOCK_ANON,		/* 0bff0aaea03e (v6.4): anon VMAs with an anon_vma; swap and uffd retry under mmap_lock */
	FL_PER_VMA_LOCK_SWAP_UFFD,	/* v6.6: swap and userfaults too, dropping the VMA lock to wait */
	FL_PER_VMA_LOCK_SHARED,		/* 4ed4379881aa (v6.7): shared (shmem) faults too */
};
/* Values of FL_SW_FORK_VMA_LOCK: 0 = none, 1 = parent (fb49c455323f). */
/* Values of FL_SW_VMA_END_READ. */
enum {
	FL_VMA_END_READ_RCU,		/* rcu_read_lock(); up_read(); rcu_read_unlock() (as merged, v6.4) */
	FL_VMA_END_READ_PLAIN,		/* proposed (seed 004, v1): a bare up_read */
};
/* Values of FL_SW_VMA_FREE. */
enum {
	FL_VMA_FREE_RCU,		/* vm_area_free: call_rcu (CONFIG_PER_VMA_LOCK, v6.4) */
	FL_VMA_FREE_AT_ONCE,		/* counterfactual: kmem_cache_free at once */
};
/* Values of FL_SW_VMA_SEQ_BITS. */
enum {
	FL_VMA_SEQ_32,			/* int, as in the kernel: a wrap is out of reach */
	FL_VMA_SEQ_2,			/* counterfactual: 2 bits, so the explorer reaches a wrap */
};
/* Values of FL_SW_VMA_READ_RECHECK: 0 = on (as merged), 1 = off (counterfactual). */
/* Values of FL_SW_VMA_CACHE. */
enum {
	FL_VMA_CACHE_RCU_FREE,		/* v6.4: vm_area_free defers the free through call_rcu */
	FL_VMA_CACHE_TYPESAFE,		/* v6.15: freed at once, the slab type-stable under RCU: a VMA may be reused */
};
/* Values of FL_SW_VMA_LOOKUP_RECHECK: 0 = on (as merged), 1 = off (counterfactual). */
/* Values of FL_SW_VMA_SEQ_ORDER. */
enum {
	FL_VMA_SEQ_RELAXED,		/* v6.4: WRITE_ONCE / READ_ONCE: the fault's VMA loads may pass the seq load */
	FL_VMA_SEQ_ACQ_REL,		/* b1f02b95758d: smp_store_release / smp_load_acquire */
};

/* Values of FL_SW_GUP_FAST_FORK: 0 = none, 1 = write_protect_seq (57efa1fe5957, v5.11). */
/*
 * Values of FL_SW_FAULT_AROUND: the window of do_fault_around, in pages
 * (fault_around_bytes / PAGE_SIZE); fl_fault_around_pages() reads it.
 */
enum {
	FL_FAULT_AROUND_OFF,		/* one page: ->fault only (before 8c6e50b0290c, or fault_around_bytes=4096) */
	FL_FAULT_AROUND_16,		/* 8c6e50b0290c (v3.15): 16 pages, the default fault_around_bytes (64 KiB) */
};
static inline int fl_fault_around_pages_of(int v) { return v == FL_FAULT_AROUND_16 ? 16 : 1; }
/* Values of FL_SW_UFFD_WP_MARKERS. */
enum {
	FL_UFFD_WP_MARKERS_OFF,		/* a zap of a shmem PTE loses _PAGE_UFFD_WP; a none PTE cannot be protected */
	FL_UFFD_WP_MARKERS_PTE,		/* 999dad824c39 (v5.19): PTE_MARKER_UFFD_WP, per mm and PTE */
	FL_UFFD_WP_MARKERS_IN_FILE,	/* counterfactual (seed 003, Andrea): the bit kept in the shared page cache */
};
/* Values of FL_SW_UFFD_FAULT_AROUND. */
enum {
	FL_UFFD_FAULT_AROUND_ALWAYS,	/* fault-around whatever the VMA's uffd registration */
	FL_UFFD_FAULT_AROUND_NO_WP,	/* 9c28a205c061 (v5.19): uffd_disable_fault_around(): not in VM_UFFD_WP ranges */
	FL_UFFD_FAULT_AROUND_NO_UFFD,	/* proposed (seed 003): not in any uffd-registered range, missing mode too */
};
/* Values of FL_SW_UFFD_WP_RANGE. */
enum {
	FL_UFFD_WP_RANGE_ONE_VMA,	/* find_dst_vma: the range lies in one registered VMA */
	FL_UFFD_WP_RANGE_VMA_WALK,	/* a1b92a3f1498, v6.4: every VMA of the range */
};
/*
 * Values of FL_SW_ZERO_PAGE_READ: a host-configuration switch, not a
 * commit.  Every release preset keeps the zero page; `--kernel host`
 * takes the value conform measures (host/caps.c).
 */
enum {
	FL_ZERO_PAGE_USED,		/* do_anonymous_page and UFFDIO_ZEROPAGE map the shared zero page */
	FL_ZERO_PAGE_FRESH_READ,	/* read faults allocate a fresh page; UFFDIO_ZEROPAGE still maps it */
	FL_ZERO_PAGE_MM_FORBIDS,	/* mm_forbids_zeropage(): both allocate (90a7592da149 for uffd) */
};
/* Values of FL_SW_COW_REUSE. */
enum {
	FL_COW_REUSE_MAPCOUNT,		/* reuse_swap_page(): mapcount + swapcount == 1 */
	FL_COW_REUSE_PAGE_COUNT,	/* 09854ba94c6a: page_count == 1 */
	FL_COW_REUSE_ANON_EXCLUSIVE,	/* 6c287605fd56: PageAnonExclusive, else refcount */
	FL_COW_REUSE_PAGE_COUNT_SWAPCACHE,	/* 53a05ad9f21d: page_count, the swap cache's ref aside */
};
/* Values of FL_SW_CLEAR_REFS_LOCK. */
enum {
	FL_CLEAR_REFS_LOCK_DOWNGRADE,	/* write lock, mmap_write_downgrade, walk under read */
	FL_CLEAR_REFS_LOCK_WRITE,	/* 29a951dfb3c3: write lock for the whole walk */
};
/* Values of FL_SW_CLEAR_REFS_FLUSH. */
enum {
	FL_CLEAR_REFS_FLUSH_GATHER,	/* tlb_finish_mmu flushes the (fullmm) gather */
	FL_CLEAR_REFS_FLUSH_ELIDED,	/* 0758cd830494: nothing batched, no flush */
	FL_CLEAR_REFS_FLUSH_MM,		/* 912efa17e512: explicit flush_tlb_mm */
};
/* Values of FL_SW_CLEAR_REFS_SKIP_PINNED: 0 = off, 1 = on (9348b73c2e1b). */
/* Values of FL_SW_UFFD_WP: 0 = none, 1 = anon (292924b26024). */
/* Values of FL_SW_UFFD_WP_LOCK. */
enum {
	FL_UFFD_WP_LOCK_READ,		/* mmap_read_lock, resolve drops the write bit */
	FL_UFFD_WP_LOCK_WRITE,		/* F1 (proposed): write lock, resolve keeps it */
};
/* Values of FL_SW_UFFD_WP_SKIP_UNCHANGED: 0 = off, 1 = on (F3, proposed). */
/* Values of FL_SW_GUP_COW. */
enum {
	FL_GUP_COW_NONE,		/* GUP takes the page as it is mapped */
	FL_GUP_COW_BREAK,		/* 17839856fd58: FOLL_GET/PIN in a COW mapping acts as a write */
};
/* Values of FL_SW_FORK_PINNED: 0 = share (COW as usual), 1 = copy (70e806e4e645). */
/* Values of FL_SW_GUP_UNSHARE. */
enum {
	FL_GUP_UNSHARE_OFF,		/* an R/O pin takes the page as mapped */
	FL_GUP_UNSHARE_ANON,		/* a7f226604170 (v5.19): maybe-shared anon pages are unshared first */
	FL_GUP_UNSHARE_COW_MAPPING,	/* 84209e87c696 (v6.2): also any other page in a COW mapping (longterm) */
};
/* Values of FL_SW_FOLLOW_PFN_PTE. */
enum {
	FL_PFNPTE_GET_ONLY,		/* -EFAULT for FOLL_GET only: FOLL_PIN skips the slot (v5.7-v5.17) */
	FL_PFNPTE_GET_PIN,		/* 7196040e19ad: -EFAULT for FOLL_GET | FOLL_PIN */
	FL_PFNPTE_EEXIST_BAIL,		/* 65462462ffb2: always -EEXIST; the loop stops when pages != NULL */
	FL_PFNPTE_WARN,			/* proposed: WARN_ON_ONCE(pages) and carry on */
	FL_PFNPTE_RETURN_ZERO,		/* proposed (Jason Gunthorpe): bail out, returning 0 */
};
/* Values of FL_SW_SWAP_COW. */
enum {
	FL_SWAP_COW_REUSE_SWAP_PAGE,	/* <= v5.17: reuse_swap_page() (mappings + swap count) */
	FL_SWAP_COW_PAGE_COUNT,		/* c145e0b47c77 (v5.18): the do_wp_page refcount logic */
};
/* Values of FL_SW_SWAP_SKIP_PINNED: 0 = off, 1 = on (feb889fb40fa, v5.11). */
/* Values of FL_SW_MPROTECT_WRITABLE. */
enum {
	FL_MPROTECT_WRITABLE_OFF,	/* the next write faults and do_wp_page reuses */
	FL_MPROTECT_WRITABLE_DIRTY,	/* 64fe24a3e05e (v6.0): dirty exclusive anon PTEs */
	FL_MPROTECT_WRITABLE_EXCL,	/* d84887739d5c (v6.2): clean ones too */
};
/* Values of FL_SW_WP_DEFERRED_FLUSH. */
enum {
	FL_WPF_NONE,			/* copy regardless of a pending flush */
	FL_WPF_FLUSH_PAGE,		/* 6ce64428d620: uffd-wp VMA + pending -> flush_tlb_page */
	FL_WPF_LOCAL_FLUSH,		/* the same flush on the faulting CPU only (invariant 9) */
	FL_WPF_WAIT,			/* F4 (proposed): drop the PTL, wait for the flush, retry */
	FL_WPF_VMA_COUNTER,		/* F5 (proposed): per-VMA counter, flush before the copy */
};

#define FL_MAX_SWITCH_VALUES 6

struct fl_policy {
	uint8_t v[FL_SW__COUNT];
};

/* The policy of the machine being run.  Set once per run; read everywhere. */
extern struct fl_policy fl_cur_policy;
#define FL_POL(sw) (fl_cur_policy.v[FL_SW_##sw])

/* --- the table ---------------------------------------------------------- */

struct fl_switch_value {
	const char *name;	/* "page_count" */
	const char *commit;	/* 12-hex id, or "" for the original behaviour */
	const char *release;	/* first mainline release ("v5.9"), "" if none */
	bool proposed;		/* never merged: only a switch, no preset uses it */
	bool unverified;	/* commit or release not confirmed from the source */
	bool counterfactual;	/* never a kernel: shows why the real behaviour is needed */
	const char *doc;	/* what the kernel does with this value */
	bool host_config;	/* a host's configuration, not a commit: only `--kernel host` sets it */
};

/* A revert: from @release on, the switch is back at an earlier value. */
struct fl_switch_revert {
	const char *release;	/* "v5.9" */
	const char *value;	/* the value it goes back to, by name */
	const char *commit;	/* the revert's id */
	const char *doc;	/* its subject, and what it undid */
};

struct fl_switch_desc {
	const char *name;	/* "cow_reuse": used by --set and expect lines */
	const char *where;	/* kernel function(s) that read it */
	const char *doc;	/* one line: what changed */
	int nvalues;
	struct fl_switch_value values[FL_MAX_SWITCH_VALUES];
	int nreverts;
	const struct fl_switch_revert *reverts;
};

/* One step of a switch's timeline (fl_switch_timeline). */
struct fl_timeline_entry {
	const char *release;	/* "" for the value before anything modelled */
	int value;
	const char *commit;	/* "" for the base value */
	bool revert;
	bool unverified;
};
#define FL_MAX_TIMELINE (FL_MAX_SWITCH_VALUES + 4)

/* A preset that differs from its release: one switch, and why. */
struct fl_preset_override {
	const char *sw;		/* switch name */
	const char *value;	/* value name */
	const char *why;	/* a stable backport, a host configuration, ... */
};

struct fl_preset {
	const char *name;	/* "v5.10": a release, or "latest" (every merged change) */
	const char *doc;	/* one line: what the release brought (the values are derived) */
	int noverrides;
	const struct fl_preset_override *overrides;
	struct fl_policy pol;	/* derived from the timelines, then the overrides */
};

const struct fl_switch_desc *fl_switch_desc(enum fl_switch sw);
int fl_preset_count(void);
const struct fl_preset *fl_preset_at(int i);

/*
 * The timeline of @sw in release order (at most FL_MAX_TIMELINE entries):
 * returns the number of entries.
 */
int fl_switch_timeline(enum fl_switch sw, struct fl_timeline_entry *out);
/* The value @sw has at @release ("v5.10", or "latest"): the last entry at or before it. */
int fl_switch_value_at(enum fl_switch sw, const char *release);
/* Order of two release names: <0, 0, >0; "latest" is after every release, "" before. */
int fl_release_cmp(const char *a, const char *b);
/*
 * Check the table: names, docs, commits and releases of every merged
 * value, revert targets, preset overrides.  Returns 0, or -1 with the
 * first problem in @err.
 */
int fl_policy_selfcheck(char *err, int errlen);

/* Lookups return -1 when the name is unknown. */
int fl_preset_find(const char *name);
int fl_switch_find(const char *name);
int fl_switch_value_find(enum fl_switch sw, const char *value);

/*
 * Apply "switch=value" to @pol.  On failure returns -1 and writes a
 * message naming the valid choices into @err.
 */
int fl_policy_set(struct fl_policy *pol, const char *assignment, char *err, int errlen);

/* "v5.10" or "v5.10+cow_reuse=mapcount": a preset plus the overrides that differ. */
void fl_policy_describe(const struct fl_policy *pol, int preset, char *buf, int len);

#endif
