/* SPDX-License-Identifier: MIT */
/*
 * check/spec.c - the spec memory: what user space was promised.
 *
 * Private anonymous memory is per process (fork copies it); shared
 * anonymous memory is per shmem object and offset.  Each word holds the
 * tag of the store that should be visible there (0: never written, so
 * zero).  The concrete frame carries the tag of the store that really
 * wrote it, so a mismatch tells *which* store was lost, or whose data
 * leaked in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "check/check.h"

struct fl_check_state fl_chk;

void fl_violate(enum fl_prop p, int tid, const char *fmt, ...)
{
	struct fl_violation *v = &fl_chk.first[p];
	va_list ap;

	if (fl_chk.found & (1u << p))
		return;
	fl_chk.found |= 1u << p;
	v->step = (uint32_t)fl_sim.step;
	v->tid = (int8_t)tid;
	va_start(ap, fmt);
	vsnprintf(v->msg, sizeof(v->msg), fmt, ap);
	va_end(ap);
	FL_TRACE_AS("VIOLATION", "%s: %s", fl_prop_name(p), v->msg);
}

void fl_spec_reset(void)
{
	memset(&fl_chk, 0, sizeof(fl_chk));
}

/* The spec word for (mm, vpn, word): private, or the shmem object's. */
static uint16_t *spec_word(int mm, int vpn, int word, bool *shared)
{
	*shared = false;
	for (int i = 0; i < FL_MAX_VMAS; i++) {
		const struct fl_vma *v = &fl_mm.mm[mm].vma[i];

		if (v->used && vpn >= v->start && vpn < v->end && v->shmem >= 0) {
			*shared = true;
			return &fl_chk.spec_shm[(int)v->shmem][v->pgoff + vpn - v->start][word];
		}
	}
	return &fl_chk.spec_priv[mm][vpn][word];
}

/* The spec object of page @pgoff of shmem object @obj (see spec_obj). */
uint32_t fl_spec_shm_obj(int obj, int pgoff)
{
	return FL_OBJ(FL_OT_SPEC, 0x80000 + obj * FL_SHMEM_PAGES + pgoff);
}

/*
 * A hole punched at (obj, pgoff): the file reads zeroes there (in the
 * caller's announced step).  A pin or pipe buffer on the page that left
 * keeps that page, which is no longer the file's: from now on it may
 * legitimately diverge from what the processes see, as after munmap.
 */
void fl_spec_shm_hole(int obj, int pgoff, int pfn)
{
	memset(fl_chk.spec_shm[obj][pgoff], 0, sizeof(fl_chk.spec_shm[obj][pgoff]));
	for (int i = 0; pfn >= 0 && i < fl_chk.nviews; i++)
		if (fl_chk.view[i].pfn == pfn)
			fl_chk.view[i].valid = 0;
	/* A pin GUP took before the punch but records after it starts out forgotten too (fl_spec_view_add). */
	for (int m = 0; m < FL_MAX_MM; m++)
		for (int i = 0; i < FL_MAX_VMAS; i++) {
			const struct fl_vma *v = &fl_mm.mm[m].vma[i];

			if (v->used && v->shmem == obj && pgoff >= v->pgoff && pgoff < v->pgoff + (v->end - v->start))
				fl_chk.unmap_gen[m][v->start + pgoff - v->pgoff]++;
		}
}

static uint32_t spec_obj(int mm, int vpn)
{
	for (int i = 0; i < FL_MAX_VMAS; i++) {
		const struct fl_vma *v = &fl_mm.mm[mm].vma[i];

		if (v->used && vpn >= v->start && vpn < v->end && v->shmem >= 0)
			return fl_spec_shm_obj(v->shmem, v->pgoff + vpn - v->start);
	}
	return FL_OBJ_SPEC(mm, vpn);
}

void fl_spec_access_footprint(int mm, int vpn, bool write, struct fl_footprint *fp)
{
	fl_fp_add(fp, spec_obj(mm, vpn), write ? FL_ACC_W : FL_ACC_R);
	if (write && fl_chk.sd_tracked)
		fl_fp_add(fp, FL_OBJ(FL_OT_SDEPOCH, mm), FL_ACC_R);
}

uint32_t fl_spec_new_store(int mm, int tid, int vpn, int word, uint64_t val)
{
	struct fl_store *s;

	/* Sized for every op of the largest scenario (interp.c asserts it). */
	if (fl_chk.nstores >= FL_MAX_STORES)
		fl_sim_limit("more than %d stores in one execution (FL_MAX_STORES)", FL_MAX_STORES);
	s = &fl_chk.stores[fl_chk.nstores++];
	*s = (struct fl_store){ 0 };	/* whole: reset() does not restore records past the snapshot's */
	s->mm = (uint8_t)mm;
	s->tid = (int8_t)tid;
	s->vpn = (uint16_t)vpn;
	s->word = (uint8_t)word;
	s->val = val;
	return (uint32_t)fl_chk.nstores;	/* tags start at 1; 0 is "zero-filled" */
}

void fl_spec_store_done(uint32_t tag, const struct fl_uacc *a)
{
	struct fl_store *s = &fl_chk.stores[tag - 1];
	bool shared;

	s->step = (uint32_t)fl_sim.step;
	s->seq = ++fl_chk.clock;
	s->pfn = (uint8_t)a->pfn;
	s->via_tlb_hit = a->tlb_hit;
	*spec_word(a->mm, a->vpn, a->word, &shared) = (uint16_t)tag;
	if (fl_chk.wp_held[a->mm][a->vpn]) {
		char buf[96];

		fl_violate(FL_PROP_UFFD_WP_BYPASS, s->tid, "P%d %s: %s landed on a page write-protected since step %u, without a userfault",
			   a->mm, fl_vaw(a->vpn, a->word), fl_spec_store_str(tag, buf, sizeof(buf)),
			   fl_chk.wp_held[a->mm][a->vpn] - 1);
	}
	if (fl_chk.ro_held[a->mm][a->vpn]) {
		char buf[96];

		fl_violate(FL_PROP_STORE_AFTER_MPROTECT, s->tid, "P%d %s: %s landed on a page that mprotect made read-only at step %u",
			   a->mm, fl_vaw(a->vpn, a->word), fl_spec_store_str(tag, buf, sizeof(buf)),
			   fl_chk.ro_held[a->mm][a->vpn] - 1);
	}
	if (fl_chk.sd_tracked && fl_chk.clear_refs_done[a->mm] && !fl_chk.sd_store[a->mm][a->vpn])
		fl_chk.sd_store[a->mm][a->vpn] = (uint16_t)tag;
}

const char *fl_spec_store_str(uint32_t tag, char *buf, int len)
{
	const struct fl_store *s;

	if (tag == 0) {
		snprintf(buf, (size_t)len, "zero-fill");
		return buf;
	}
	s = &fl_chk.stores[tag - 1];
	if (s->via_pin)
		snprintf(buf, (size_t)len, "a device's store of %llu through %s pin (P%d, pfn %u)",
			 (unsigned long long)s->val, s->tid >= 0 ? "a thread's" : "init's", s->mm, s->pfn);
	else if (s->tid >= 0)
		snprintf(buf, (size_t)len, "T%d's store of %llu (P%d, step %u, pfn %u)", fl_sim.t[s->tid].label,
			 (unsigned long long)s->val, s->mm, s->step, s->pfn);
	else
		snprintf(buf, (size_t)len, "init's store of %llu (P%d, pfn %u)",
			 (unsigned long long)s->val, s->mm, s->pfn);
	return buf;
}

/* Compare a concrete word (tag) with the spec; report lost-write or leak. */
void fl_spec_compare(int mm, int tid, int vpn, int word, uint32_t got, const char *when)
{
	bool shared;
	uint32_t want = *spec_word(mm, vpn, word, &shared);
	char a[96], b[96];
	const char *at;

	if (got == want)
		return;
	at = fl_vaw(vpn, word);
	if (want && fl_chk.stores[want - 1].via_pin && fl_chk.stores[want - 1].mm == mm) {
		fl_violate(FL_PROP_PIN_DIVERGENCE, tid, "P%d %s %s: %s is not visible to the process; memory has %s",
			   mm, at, when, fl_spec_store_str(want, b, sizeof(b)), fl_spec_store_str(got, a, sizeof(a)));
		return;
	}
	if (!shared && got && fl_chk.stores[got - 1].mm != mm && fl_chk.stores[got - 1].seq > fl_chk.born_seq[mm]) {
		/* Private data another process stored after we stopped sharing memory with it. */
		fl_violate(FL_PROP_LEAK, tid, "P%d %s %s: sees %s; expected %s", mm, at, when, fl_spec_store_str(got, a, sizeof(a)), fl_spec_store_str(want, b, sizeof(b)));
		return;
	}
	fl_violate(FL_PROP_LOST_WRITE, tid, "P%d %s %s: %s is lost; memory has %s", mm, at, when, fl_spec_store_str(want, b, sizeof(b)), fl_spec_store_str(got, a, sizeof(a)));
}

void fl_spec_load_done(int mm, int tid, int vpn, int word, const struct fl_uacc *a)
{
	fl_spec_compare(mm, tid, vpn, word, a->rtag, "on load");
}

void fl_spec_zero_range(int mm, int start, int end)
{
	for (int vpn = start; vpn < end; vpn++) {
		memset(fl_chk.spec_priv[mm][vpn], 0, sizeof(fl_chk.spec_priv[mm][vpn]));
		fl_chk.sd_store[mm][vpn] = 0;
		fl_chk.wp_held[mm][vpn] = 0;
		fl_chk.ro_held[mm][vpn] = 0;
	}
	/* A protect in flight protected nothing here that outlives the mapping. */
	for (int c = 0; c <= FL_SIM_MAX_THREADS; c++)
		if (fl_chk.wp_call[c].active && fl_chk.wp_call[c].mm == mm)
			for (int vpn = start; vpn < end; vpn++)
				fl_chk.wp_call[c].covered[vpn] = 0;
	/* The mapping is gone: a pin on it may legitimately diverge from now on. */
	for (int vpn = start; vpn < end; vpn++)
		fl_chk.unmap_gen[mm][vpn]++;
	for (int i = 0; i < fl_chk.nviews; i++)
		if (fl_chk.view[i].mm == mm && fl_chk.view[i].vpn >= start && fl_chk.view[i].vpn < end)
			fl_chk.view[i].valid = 0;
}

void fl_spec_gup_grabbed(int mm, int vpn)
{
	fl_chk.grab_gen[fl_sim.cur + 1] = fl_chk.unmap_gen[mm][vpn];
}

/*
 * Record the pin (or pipe buffer) the running thread's GUP just took.  If
 * the address was unmapped after GUP found the page there, the pin starts
 * out as one the process has forgotten, as zero_range leaves older ones.
 */
int fl_spec_view_add(int mm, int vpn, int pfn, bool pipe)
{
	bool valid = fl_chk.grab_gen[fl_sim.cur + 1] == fl_chk.unmap_gen[mm][vpn];
	struct fl_view *v;

	/* fl_scenario_check_limits() refuses scenarios that could need more. */
	if (fl_chk.nviews == FL_MAX_VIEWS)
		fl_sim_limit("more than %d pins and pipe buffers (FL_MAX_VIEWS)", FL_MAX_VIEWS);
	v = &fl_chk.view[fl_chk.nviews];
	*v = (struct fl_view){ .used = 1, .valid = valid, .pipe = pipe, .mm = (int8_t)mm, .vpn = (int16_t)vpn,
			       .pfn = (int16_t)pfn };
	return fl_chk.nviews++;
}

int fl_spec_view_find(int mm, int vpn, bool pipe)
{
	fl_sim_yield(FL_OBJ(FL_OT_VIEWS, 0), FL_ACC_R, pipe ? "find the pipe buffer" : "find the pin");
	for (int i = fl_chk.nviews - 1; i >= 0; i--)
		if (fl_chk.view[i].used && fl_chk.view[i].mm == mm && fl_chk.view[i].vpn == vpn &&
		    fl_chk.view[i].pipe == pipe)
			return i;
	return -1;
}

void fl_spec_view_drop(int mm, int vpn, bool pipe)
{
	for (int i = fl_chk.nviews - 1; i >= 0; i--)
		if (fl_chk.view[i].used && fl_chk.view[i].mm == mm && fl_chk.view[i].vpn == vpn &&
		    fl_chk.view[i].pipe == pipe) {
			fl_chk.view[i].used = 0;
			return;
		}
}

static void yield_view(const struct fl_view *v, unsigned frame_acc, const char *what)
{
	struct fl_footprint fp = { 0 };

	fl_fp_add(&fp, fl_obj_frame(v->pfn), frame_acc);
	fl_fp_add(&fp, spec_obj(v->mm, v->vpn), frame_acc);
	/*
	 * Ordered against the steps that read or rewrite an mm's whole spec at
	 * once (FL_OBJ_SPEC_MM): fork's snapshot of it (fl_dup_mm), and munmap
	 * or exit forgetting it and ending the pins on it (zero_range).
	 */
	fl_fp_add(&fp, FL_OBJ_SPEC_MM(v->mm), FL_ACC_R);
	fl_sim_yield_fp(&fp, NULL, NULL, what);
}

/* A device's DMA read through a long-term pin must see what the process last stored. */
uint64_t fl_spec_pin_read(int vi, int tid, int word)
{
	const struct fl_view *v = &fl_chk.view[vi];
	const struct fl_frame *f = &fl_hw.frame[v->pfn];
	bool shared;
	uint32_t want;
	char a[96], b[96];

	yield_view(v, FL_ACC_R, "DMA read through the pin");
	want = *spec_word(v->mm, v->vpn, word, &shared);
	FL_TRACE_AS("device", "read %s through the pin (pfn %d) = %llu", fl_vaw(v->vpn, word), v->pfn,
		    (unsigned long long)f->w[word]);
	if (v->valid && f->tag[word] != want)
		fl_violate(FL_PROP_PIN_DIVERGENCE, tid, "P%d %s: the device reads %s through the pin (pfn %d), but the process's memory holds %s",
			   v->mm, fl_vaw(v->vpn, word), fl_spec_store_str(f->tag[word], a, sizeof(a)), v->pfn,
			   fl_spec_store_str(want, b, sizeof(b)));
	return f->w[word];
}

/* A device's DMA write through a pin: the process must see it while the mapping is untouched. */
void fl_spec_pin_write(int vi, int tid, int word, uint64_t val)
{
	const struct fl_view *v = &fl_chk.view[vi];
	struct fl_frame *f = &fl_hw.frame[v->pfn];
	uint32_t tag = fl_spec_new_store(v->mm, tid, v->vpn, word, val);
	struct fl_store *s = &fl_chk.stores[tag - 1];
	bool shared;

	yield_view(v, FL_ACC_W, "DMA write through the pin");
	(void)s;
	f->w[word] = val;
	f->tag[word] = tag;
	s->via_pin = 1;
	s->step = (uint32_t)fl_sim.step;
	s->seq = ++fl_chk.clock;
	s->pfn = (uint8_t)v->pfn;
	if (v->valid)
		*spec_word(v->mm, v->vpn, word, &shared) = (uint16_t)tag;
	FL_TRACE_AS("device", "write %llu to %s through the pin (pfn %d)", (unsigned long long)val,
		    fl_vaw(v->vpn, word), v->pfn);
	/* DMA never walks the page table: uffd-wp cannot stop it. */
	if (v->valid && fl_chk.wp_held[v->mm][v->vpn]) {
		char buf[96];

		fl_violate(FL_PROP_UFFD_WP_BYPASS, tid, "P%d %s: %s landed on a page write-protected since step %u, without a userfault",
			   v->mm, fl_vaw(v->vpn, word), fl_spec_store_str(tag, buf, sizeof(buf)),
			   fl_chk.wp_held[v->mm][v->vpn] - 1);
	}
}

/* Reading a pipe filled by vmsplice: never another process's later private data. */
uint64_t fl_spec_pipe_read(int vi, int tid, int word)
{
	const struct fl_view *v = &fl_chk.view[vi];
	const struct fl_frame *f = &fl_hw.frame[v->pfn];
	uint32_t got;
	char a[96];

	yield_view(v, FL_ACC_R, "pipe read");
	got = f->tag[word];
	FL_TRACE_AS("pipe_read", "%s via the pipe (pfn %d) = %llu", fl_vaw(v->vpn, word), v->pfn,
		    (unsigned long long)f->w[word]);
	if (got && fl_chk.stores[got - 1].mm != v->mm && fl_chk.stores[got - 1].seq > fl_chk.born_seq[v->mm])
		fl_violate(FL_PROP_LEAK, tid, "P%d reads %s through its vmsplice pipe: %s",
			   v->mm, fl_vaw(v->vpn, word), fl_spec_store_str(got, a, sizeof(a)));
	return f->w[word];
}

/* Announce a step that touches the spec pages of [start, end). */
static void yield_spec_range(int mm, int start, int end, const char *what)
{
	struct fl_footprint fp = { 0 };

	/* A range lies in one region (at most 8 pages); a longer one must not be announced in part. */
	if (end - start > FL_FP_MAX)
		fl_sim_limit("%s over %d pages: more than one step's footprint holds (FL_FP_MAX %d)",
			     what, end - start, FL_FP_MAX);
	for (int vpn = start; vpn < end; vpn++)
		fl_fp_add(&fp, spec_obj(mm, vpn), FL_ACC_W);
	fl_sim_yield_fp(&fp, NULL, NULL, what);
}

/*
 * User space holds uffd-wp protection on a page from the moment a protect
 * returns until an unprotect begins - if that protect's change_protection
 * left the page's PTE carrying the uffd-wp bit.  A none PTE carries
 * nothing: without UFFD_FEATURE_WP_UNPOPULATED (2023; release unverified)
 * an anonymous page never populated stays unprotected, and a later write
 * lands without a userfault (issue 14, bug 17).  A PTE marker, where the
 * kernel installs one (shmem, WP_UNPOPULATED), is not none, so this rule
 * arms it once the model has markers.  A protect that overlapped an
 * unprotect (one began before the other returned) gives no promise,
 * since either order was possible: an earlier version of this oracle
 * missed that and reported a false bypass on seed 000's R2 scenario.  Both
 * facts are kept per call: a second protect of the page begun meanwhile
 * must not lend the first one its begin or its taint (issue 14, bug 18).
 */
static struct fl_wp_call *wp_call(int tid)
{
	return &fl_chk.wp_call[tid + 1];
}

/* An unprotect began on [start, end), or wp was dropped there: protects in flight promise nothing there. */
static void wp_taint_calls(int mm, int start, int end)
{
	for (int c = 0; c <= FL_SIM_MAX_THREADS; c++) {
		struct fl_wp_call *call = &fl_chk.wp_call[c];

		if (!call->active || call->mm != mm)
			continue;
		for (int vpn = start; vpn < end; vpn++)
			call->tainted[vpn] = 1;
	}
}

void fl_spec_uffd_wp_begin(int mm, int tid, int start, int end, bool enable)
{
	yield_spec_range(mm, start, end, enable ? "UFFDIO_WRITEPROTECT(on) begins" : "UFFDIO_WRITEPROTECT(off) begins");
	if (enable) {
		struct fl_wp_call *call = wp_call(tid);

		memset(call, 0, sizeof(*call));
		call->active = 1;
		call->mm = (int8_t)mm;
		for (int vpn = start; vpn < end; vpn++)
			call->tainted[vpn] = fl_chk.wp_off_active[mm][vpn] > 0;
		return;
	}
	wp_taint_calls(mm, start, end);
	for (int vpn = start; vpn < end; vpn++) {
		fl_chk.wp_held[mm][vpn] = 0;
		fl_chk.wp_off_active[mm][vpn]++;
	}
}

void fl_spec_uffd_wp_covered(int mm, int tid, int vpn)
{
	struct fl_wp_call *call = wp_call(tid);

	/* Only the calling thread reads its slot, at its return: no footprint needed. */
	if (call->active && call->mm == mm)
		call->covered[vpn] = 1;
}

void fl_spec_uffd_wp_end(int mm, int tid, int start, int end, bool enable, bool ok)
{
	struct fl_wp_call *call = wp_call(tid);

	yield_spec_range(mm, start, end, enable ? "UFFDIO_WRITEPROTECT(on) returns" : "UFFDIO_WRITEPROTECT(off) returns");
	if (!enable) {
		for (int vpn = start; vpn < end; vpn++)
			fl_chk.wp_off_active[mm][vpn]--;
		return;
	}
	for (int vpn = start; vpn < end; vpn++)
		if (ok && call->covered[vpn] && !call->tainted[vpn])
			fl_chk.wp_held[mm][vpn] = (uint32_t)fl_sim.step + 1;
	call->active = 0;
}

void fl_spec_uffd_wp_dropped(int mm, int start, int end)
{
	yield_spec_range(mm, start, end, "uffd-wp dropped: UFFDIO_REGISTER without wp, or truncation (ZAP_FLAG_DROP_MARKER)");
	wp_taint_calls(mm, start, end);
	for (int vpn = start; vpn < end; vpn++)
		fl_chk.wp_held[mm][vpn] = 0;
}

/*
 * mprotect: from its return on, a page it left without write permission
 * takes no CPU store until another mprotect of the page begins (or the
 * range is unmapped): every store must fault and get SIGSEGV.  Both ends
 * write the range's spec, so DPOR orders them against the stores.
 */
void fl_spec_mprotect_begin(int mm, int tid, int start, int end)
{
	(void)tid;
	yield_spec_range(mm, start, end, "mprotect begins");
	for (int vpn = start; vpn < end; vpn++) {
		fl_chk.ro_held[mm][vpn] = 0;
		fl_chk.mprotect_active[mm][vpn]++;
	}
}

void fl_spec_mprotect_end(int mm, int tid, int start, int end, bool ro, bool ok)
{
	(void)tid;
	yield_spec_range(mm, start, end, "mprotect returns");
	for (int vpn = start; vpn < end; vpn++) {
		fl_chk.mprotect_active[mm][vpn]--;
		if (ro && ok && !fl_chk.mprotect_active[mm][vpn])
			fl_chk.ro_held[mm][vpn] = (uint32_t)fl_sim.step + 1;
	}
}

void fl_spec_page_filled(int mm, int vpn, uint32_t tag, int pfn)
{
	struct fl_store *s = &fl_chk.stores[tag - 1];
	bool shared;

	s->step = (uint32_t)fl_sim.step;
	s->seq = ++fl_chk.clock;
	s->pfn = (uint8_t)pfn;
	for (int w = 0; w < FL_PAGE_WORDS; w++)
		*spec_word(mm, vpn, w, &shared) = w == 0 ? (uint16_t)tag : 0;
}

void fl_spec_fork_copy_page(int parent, int child, int vpn)
{
	memcpy(fl_chk.fork_snap[child][vpn], fl_chk.spec_priv[parent][vpn], sizeof(fl_chk.fork_snap[child][vpn]));
	fl_chk.fork_snap_valid[child][vpn] = 1;
}

void fl_spec_fork(int parent, int child)
{
	memcpy(fl_chk.spec_priv[child], fl_chk.spec_priv[parent], sizeof(fl_chk.spec_priv[child]));
	for (int vpn = 0; vpn < FL_VPNS; vpn++) {
		if (!fl_chk.fork_snap_valid[child][vpn])
			continue;
		memcpy(fl_chk.spec_priv[child][vpn], fl_chk.fork_snap[child][vpn], sizeof(fl_chk.fork_snap[child][vpn]));
		fl_chk.fork_snap_valid[child][vpn] = 0;
	}
	fl_chk.clear_refs_done[child] = 0;
	fl_chk.born_seq[child] = ++fl_chk.clock;
	memset(fl_chk.wp_held[child], 0, sizeof(fl_chk.wp_held[child]));
	memset(fl_chk.ro_held[child], 0, sizeof(fl_chk.ro_held[child]));
	memset(fl_chk.sd_store[child], 0, sizeof(fl_chk.sd_store[child]));
}

void fl_spec_clear_refs_done(int mm)
{
	fl_chk.clear_refs_done[mm] = 1;
	memset(fl_chk.sd_store[mm], 0, sizeof(fl_chk.sd_store[mm]));
}

void fl_check_gup_return(int tid, long ret, unsigned gup_flags, const int *pages, int npages)
{
	bool want_pages = gup_flags & (FOLL_GET | FOLL_PIN);

	fl_sim_yield(fl_obj_alloc(), FL_ACC_R, "check the GUP return");
	if (!!pages != want_pages)
		fl_violate(FL_PROP_GUP_CONTRACT, tid, "pages[] is %s but FOLL_GET|FOLL_PIN is %s",
			   pages ? "given" : "NULL", want_pages ? "set" : "clear");
	if (ret == 0 && npages > 0)
		fl_violate(FL_PROP_GUP_CONTRACT, tid, "GUP of %d page%s returned 0: no progress and no error",
			   npages, npages == 1 ? "" : "s");
	if (!pages || ret <= 0)
		return;
	for (long k = 0; k < ret && k < npages; k++) {
		if (pages[k] == FL_GUP_POISON) {
			fl_violate(FL_PROP_GUP_CONTRACT, tid, "GUP returned %ld but never filled pages[%ld]", ret, k);
			fl_violate(FL_PROP_USE_AFTER_FREE, tid, "the caller uses pages[%ld]: a garbage page pointer", k);
		} else if (pages[k] < 0 || pages[k] >= FL_MAX_FRAMES || fl_hw.frame[pages[k]].free) {
			fl_violate(FL_PROP_GUP_CONTRACT, tid, "pages[%ld] = pfn %d is not a held page", k, pages[k]);
		}
	}
}

/* struct fl_check_state from here on is restored whole; what precedes it one field at a time. */
#define CHK_REST offsetof(struct fl_check_state, spec_priv)
_Static_assert(offsetof(struct fl_check_state, found) == 0 &&
	       offsetof(struct fl_check_state, first) < offsetof(struct fl_check_state, nstores) &&
	       offsetof(struct fl_check_state, nstores) < offsetof(struct fl_check_state, stores) &&
	       offsetof(struct fl_check_state, stores) + sizeof(((struct fl_check_state *)0)->stores) <= CHK_REST,
	       "fl_check_restore() restores fl_check_state's leading fields one by one");

void fl_check_restore(const struct fl_check_state *snap)
{
	/*
	 * All of it, but for what an execution cannot have read before writing
	 * it: the violation messages (a message is read only while its
	 * property's bit in found is set, and fl_violate() writes it when it
	 * sets the bit) and the store records past the snapshot's
	 * (fl_spec_new_store() fills the next one whole).
	 */
	fl_chk.found = snap->found;
	for (int p = 0; p < FL_PROP__COUNT; p++)
		if (snap->found & (1u << p))
			fl_chk.first[p] = snap->first[p];
	fl_chk.nstores = snap->nstores;
	memcpy(fl_chk.stores, snap->stores, sizeof(fl_chk.stores[0]) * (size_t)snap->nstores);
	memcpy((char *)&fl_chk + CHK_REST, (const char *)snap + CHK_REST, sizeof(fl_chk) - CHK_REST);
}
