/* SPDX-License-Identifier: MIT */
/*
 * report/html.c - one execution as a self-contained HTML page (html.h).
 *
 * The data (steps, trace lines, state snapshots, violations) is one JSON
 * object inside the page; a small inline script draws a table with one
 * column per CPU and a slider that moves through the steps.  Every string
 * goes through js_str(), which also escapes '<', '>' and '&' so that no
 * text of the test (a file name, a message) can end the <script> element.
 */
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "explore/explore_int.h"
#include "hw/hw.h"
#include "litmus/interp.h"
#include "litmus/ops.h"
#include "mm/mm.h"
#include "report/html.h"
#include "report/report.h"
#include "sim/log.h"

/* What the recording scheduler keeps of one step. */
struct step_rec {
	int8_t tid;
	struct fl_footprint fp;
	char what[48];		/* the step the thread announced (its yield's reason) */
	char *state;		/* JSON array: the footprint's objects after the step ran */
};

struct rec {
	const uint8_t *choice;
	int len;
	struct step_rec *steps;
	int n;			/* steps recorded */
	const struct fl_program *prog;
};

/* A JSON string safe inside <script>: '<', '>' and '&' as \u escapes too. */
static void js_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p) {
		unsigned char c = *p;
		int n;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&')
			fprintf(f, "\\u%04x", c);
		else if ((n = fl_utf8_len(p)) == 0)
			fputs("\\ufffd", f);
		else {
			fwrite(p, 1, (size_t)n, f);
			p += n;
			continue;
		}
		p++;
	}
	fputc('"', f);
}

static const char *acc_name(unsigned acc)
{
	switch (acc) {
	case FL_ACC_R: return "R";
	case FL_ACC_W: return "W";
	case FL_ACC_ACQ: return "acquire";
	case FL_ACC_ACQ_SH: return "acquire shared";
	case FL_ACC_REL: return "release";
	default: return "try/mixed";
	}
}

static void owner_str(int owner, char *buf, int len)
{
	if (owner == 0)
		snprintf(buf, (size_t)len, "free");
	else if (owner < 0)
		snprintf(buf, (size_t)len, "held by init");
	else
		snprintf(buf, (size_t)len, "held by T%d", fl_sim.t[owner - 1].label);
}

static void page_state(FILE *f, int pfn)
{
	static const char *const names[] = { "anon", "swapcache", "locked", "anon_exclusive", "reserved", "shmem",
					     "dirty", "isolated" };
	const struct fl_page *p = &fl_mm.page[pfn];
	char buf[256];
	int o;

	o = snprintf(buf, sizeof(buf), "page pfn %d: refcount %d, mapcount %d, pins %d, flags ", pfn, p->refcount,
		     p->mapcount, p->refcount / GUP_PIN_COUNTING_BIAS);
	if (!p->flags)
		o += snprintf(buf + o, sizeof(buf) - (size_t)o, "-");
	for (unsigned b = 0, first = 1; b < sizeof(names) / sizeof(names[0]) && o < (int)sizeof(buf); b++) {
		if (p->flags & (1u << b)) {
			o += snprintf(buf + o, sizeof(buf) - (size_t)o, "%s%s", first ? "" : "|", names[b]);
			first = 0;
		}
	}
	if (pfn == FL_ZERO_PFN && o < (int)sizeof(buf))
		o += snprintf(buf + o, sizeof(buf) - (size_t)o, " (the zero page)");
	if (fl_hw.frame[pfn].free && o < (int)sizeof(buf))
		snprintf(buf + o, sizeof(buf) - (size_t)o, " (free)");
	fputc(',', f);
	js_str(f, buf);
}

static void tlbe_str(int cpu, const struct fl_tlbe *e, char *buf, int len)
{
	snprintf(buf, (size_t)len, "cpu%d TLB: P%d %s -> pfn %u %s%s%s", cpu, e->mm, fl_va(e->vpn), e->pfn,
		 e->writable ? "W" : "R", e->dirty ? " dirty" : "",
		 e->gen != fl_hw.frame[e->pfn].gen ? " (stale: the frame was freed since)" : "");
}

static void pte_state(FILE *f, int mm, int vpn)
{
	pte_t p = fl_hw.pgtable[mm][vpn];
	char buf[192];

	if (pte_none(p)) {
		snprintf(buf, sizeof(buf), "pte none");
	} else if (is_swap_pte(p)) {
		snprintf(buf, sizeof(buf), "swap entry: slot %u%s%s%s", pte_to_swp_entry(p),
			 pte_swp_soft_dirty(p) ? " soft-dirty" : "", pte_swp_uffd_wp(p) ? " uffd-wp" : "",
			 pte_swp_exclusive(p) ? " exclusive" : "");
	} else {
		snprintf(buf, sizeof(buf), "pte pfn %u %s%s%s%s%s%s%s", pte_pfn(p), pte_write(p) ? "W" : "R",
			 pte_dirty(p) ? " dirty" : "", pte_young(p) ? " young" : "",
			 pte_soft_dirty(p) ? " soft-dirty" : "", pte_uffd_wp(p) ? " uffd-wp" : "",
			 pte_special(p) ? " special" : "", (p & _PAGE_PROTNONE) ? " protnone" : "");
	}
	fputc(',', f);
	js_str(f, buf);
	if (pte_present(p) && pte_pfn(p) < FL_MAX_FRAMES)
		page_state(f, (int)pte_pfn(p));
	/* Every CPU's cached translation of this address: the stale ones are the story. */
	for (int c = 0; c < fl_hw.ncpus; c++) {
		for (int i = 0; i < FL_TLB_ENTRIES; i++) {
			const struct fl_tlbe *e = &fl_hw.cpu[c].tlb[i];

			if (e->valid && e->mm == mm && e->vpn == vpn) {
				tlbe_str(c, e, buf, sizeof(buf));
				fputc(',', f);
				js_str(f, buf);
			}
		}
	}
}

/* One object of a footprint: its name, the access, and its state now. */
static void obj_state(FILE *f, fl_fpe e)
{
	uint32_t obj = FL_FPE_OBJ(e), idx = FL_OBJ_IDX(obj);
	char name[96], buf[160];

	fprintf(f, "{\"a\":\"%s\",\"s\":[\"\"", acc_name(FL_FPE_ACC(e)));
	switch (FL_OBJ_TYPE(obj)) {
	case FL_OT_TLB:
		snprintf(name, sizeof(name), "TLB of cpu%u", idx);
		if ((int)idx < fl_hw.ncpus) {
			int n = 0;

			for (int i = 0; i < FL_TLB_ENTRIES; i++) {
				const struct fl_tlbe *t = &fl_hw.cpu[idx].tlb[i];

				if (t->valid) {
					tlbe_str((int)idx, t, buf, sizeof(buf));
					fputc(',', f);
					js_str(f, buf);
					n++;
				}
			}
			if (!n)
				fputs(",\"empty\"", f);
		}
		break;
	case FL_OT_FRAME:
	case FL_OT_PAGE:
	case FL_OT_PAGELOCK:
		snprintf(name, sizeof(name), "%s pfn %u", FL_OBJ_TYPE(obj) == FL_OT_FRAME ? "frame" :
			 FL_OBJ_TYPE(obj) == FL_OT_PAGE ? "struct page" : "PG_locked", idx);
		if (idx < FL_MAX_FRAMES) {
			page_state(f, (int)idx);
			if (FL_OBJ_TYPE(obj) == FL_OT_PAGELOCK) {
				owner_str(fl_mm.page[idx].lock_owner, buf, sizeof(buf));
				fputc(',', f);
				js_str(f, buf);
			}
		}
		break;
	case FL_OT_PTE:
		snprintf(name, sizeof(name), "PTE P%u %s", idx / FL_VPNS, fl_va((int)(idx % FL_VPNS)));
		if (idx / FL_VPNS < FL_MAX_MM)
			pte_state(f, (int)(idx / FL_VPNS), (int)(idx % FL_VPNS));
		break;
	case FL_OT_PTL: {
		unsigned mm = idx / FL_TABLES, tab = idx % FL_TABLES;

		snprintf(name, sizeof(name), "PTL P%u table %u", mm, tab);
		if (mm < FL_MAX_MM) {
			owner_str(fl_mm.mm[mm].ptl[tab].owner, buf, sizeof(buf));
			fputc(',', f);
			js_str(f, buf);
		}
		break;
	}
	case FL_OT_MMAP_LOCK:
		snprintf(name, sizeof(name), "mmap_lock P%u", idx);
		if (idx < FL_MAX_MM) {
			const struct fl_rwsem *r = &fl_mm.mm[idx].mmap_lock;

			if (r->writer)
				owner_str(r->writer, buf, sizeof(buf));
			else
				snprintf(buf, sizeof(buf), r->readers ? "%d reader(s)" : "free", r->readers);
			fputc(',', f);
			js_str(f, buf);
		}
		break;
	case FL_OT_VMA:
		snprintf(name, sizeof(name), "VMAs of P%u", idx);
		break;
	case FL_OT_MMFLAGS:
		snprintf(name, sizeof(name), "mm flags of P%u", idx);
		if (idx < FL_MAX_MM) {
			snprintf(buf, sizeof(buf), "tlb_flush_pending %d, has_pinned %d", fl_mm.mm[idx].tlb_flush_pending,
				 fl_mm.mm[idx].has_pinned);
			fputc(',', f);
			js_str(f, buf);
		}
		break;
	case FL_OT_ALLOC:
		snprintf(name, sizeof(name), "free page list");
		snprintf(buf, sizeof(buf), "%d free", fl_mm.nfree);
		fputc(',', f);
		js_str(f, buf);
		break;
	case FL_OT_PROC:
		snprintf(name, sizeof(name), "process P%u", idx);
		break;
	case FL_OT_SPEC:
		if (idx >= 0x70000)
			snprintf(name, sizeof(name), "spec memory of P%u", idx - 0x70000);
		else
			snprintf(name, sizeof(name), "spec memory P%u %s", idx / FL_VPNS, fl_va((int)(idx % FL_VPNS)));
		break;
	case FL_OT_SDEPOCH:
		snprintf(name, sizeof(name), "clear_refs epoch of P%u", idx);
		break;
	case FL_OT_SHMEM:
		snprintf(name, sizeof(name), "shmem object %u", idx);
		break;
	case FL_OT_UFFD:
		snprintf(name, sizeof(name), "userfaultfd contexts");
		break;
	case FL_OT_SWAP:
		if (idx == 0)
			snprintf(name, sizeof(name), "swap_map and swap cache");
		else
			snprintf(name, sizeof(name), "swap slot %u", idx - 1);
		break;
	case FL_OT_VIEWS:
		snprintf(name, sizeof(name), "pins and pipe buffers held");
		break;
	default:
		snprintf(name, sizeof(name), "object %u:%u", FL_OBJ_TYPE(obj), idx);
		break;
	}
	fprintf(f, "],\"o\":");
	js_str(f, name);
	fputc('}', f);
}

/* The state of step @k's footprint now, after it ran. */
static void snap(struct rec *r, int k)
{
	struct step_rec *s = &r->steps[k];
	size_t len = 0;
	FILE *f;

	if (s->state)
		return;
	f = open_memstream(&s->state, &len);
	if (!f)
		return;
	fputc('[', f);
	for (int i = 0; i < s->fp.n; i++) {
		if (i)
			fputc(',', f);
		obj_state(f, s->fp.e[i]);
	}
	fputc(']', f);
	fclose(f);
}

static struct rec *cur_rec;

static int rec_pick(void *s, int n, uint32_t en, struct fl_explore_result *res)
{
	const struct rec *r = s;

	if (n >= r->len || r->choice[n] >= fl_sim.nthreads || !(en & (1u << r->choice[n]))) {
		snprintf(res->error, sizeof(res->error), "the schedule does not fit the test at step %d", n + 1);
		return FL_PICK_ERROR;
	}
	return r->choice[n];
}

/* Thread @t is about to take step @n: the step before it has finished. */
static void rec_taken(void *s, int n, int t)
{
	struct rec *r = s;
	struct step_rec *sr = &r->steps[n];

	if (n > 0)
		snap(r, n - 1);
	sr->tid = (int8_t)t;
	sr->fp = fl_sim.t[t].fp;
	snprintf(sr->what, sizeof(sr->what), "%s", fl_sim.t[t].what ? fl_sim.t[t].what : "");
	sr->state = NULL;
	r->n = n + 1;
}

static void rec_reset(void *ctx)
{
	(void)ctx;
	cur_rec->prog->reset(cur_rec->prog->ctx);
}

/* The last step has finished when the program does: snapshot it, then run the oracles. */
static uint32_t rec_finish(void *ctx, bool deadlock)
{
	(void)ctx;
	if (cur_rec->n > 0)
		snap(cur_rec, cur_rec->n - 1);
	return cur_rec->prog->finish(cur_rec->prog->ctx, deadlock);
}

static void thread_ops(const struct fl_scenario *sc, const struct fl_lit_thread *th, char *buf, int len)
{
	int o = 0;

	buf[0] = '\0';
	for (int i = 0; i < th->nops && o < len; i++) {
		char op[64];

		fl_op_str(sc, &th->ops[i], op, sizeof(op));
		o += snprintf(buf + o, (size_t)(len - o), "%s%s", i ? "; " : "", op);
	}
}

/* Every "step N" a violation's message names: the steps the oracle blames. */
static void blamed_steps(const char *msg, uint8_t *seed, int n)
{
	for (const char *p = msg; (p = strstr(p, "step ")); p += 5) {
		char *end;
		long k = strtol(p + 5, &end, 10);

		if (end != p + 5 && k >= 1 && k <= n)
			seed[k - 1] = 1;
	}
}

/*
 * The steps a violation depends on: every earlier step whose footprint
 * conflicts (same object, one writes) with a step already in the set,
 * transitively, the dependence relation DPOR uses.  @dep[k]: 2 the
 * violating (or blamed) step, 1 a dependency.
 */
static void dependencies(const struct rec *r, uint8_t *dep)
{
	for (int k = r->n - 1; k >= 0; k--) {
		if (dep[k])
			continue;
		for (int j = k + 1; j < r->n; j++) {
			if (dep[j] && fl_fp_conflict(&r->steps[k].fp, &r->steps[j].fp)) {
				dep[k] = 1;
				break;
			}
		}
	}
}

static const char page_css[] =
	"body{font:13px/1.35 system-ui,sans-serif;margin:0;color:#111;background:#fafafa}"
	"header{padding:8px 12px;background:#fff;border-bottom:1px solid #ccc;position:sticky;top:0;z-index:2}"
	"h1{font-size:16px;margin:0 0 4px}code,.mono{font-family:ui-monospace,monospace;font-size:12px}"
	".viol-msg{color:#a00;font-weight:600}"
	"#controls{display:flex;gap:8px;align-items:center;margin-top:6px}#slider{flex:1}"
	"main{display:flex;gap:0;height:calc(100vh - 140px)}"
	"#tracebox{flex:3;overflow:auto;border-right:1px solid #ccc}"
	"#state{flex:1.3;overflow:auto;padding:8px 12px;background:#fff;min-width:280px}"
	"table{border-collapse:collapse;width:100%;table-layout:fixed}"
	"th{position:sticky;top:0;background:#eee;text-align:left;padding:4px;border-bottom:1px solid #bbb;"
	"font-weight:600;vertical-align:top}"
	"td{padding:2px 4px;border-bottom:1px solid #eee;vertical-align:top;overflow-wrap:anywhere}"
	".n{width:4.5em}td.n{text-align:right;color:#666}tr{cursor:pointer}"
	"tr.quiet td{color:#888}tr.dep{background:#fff3c4}tr.viol{background:#ffc9c9}"
	"tr.cur{outline:2px solid #2a62d4;outline-offset:-2px}.fn{font-weight:600}"
	".src{color:#777;font-size:11px;margin-left:6px}.what{font-style:italic}"
	".obj{margin:6px 0;padding:4px 6px;border:1px solid #ddd;border-radius:4px}"
	".obj b{font-family:ui-monospace,monospace}.acc{color:#2a62d4;margin-left:6px}"
	".legend span{padding:0 6px;margin-right:6px}";

static const char page_js[] =
	"(function(){'use strict';"
	"var D=JSON.parse(document.getElementById('fl-data').textContent);"
	"function esc(s){return String(s).replace(/[&<>\"]/g,function(c){return{'&':'&amp;','<':'&lt;','>':'&gt;','\"':'&quot;'}[c];});}"
	"var cols=D.cpus.length,rows=[],byStep={};"
	"D.lines.forEach(function(l){(byStep[l.step]=byStep[l.step]||[]).push(l);});"
	"var h='<thead><tr><th class=\"n\">step</th>';"
	"D.cpus.forEach(function(c){h+='<th class=\"cpu\">'+esc(c.title)+'</th>';});h+='</tr></thead><tbody>';"
	"if(byStep[0]){h+='<tr class=\"start quiet\"><td class=\"n\">start</td><td colspan=\"'+cols+'\">';"
	"byStep[0].forEach(function(l){h+='<div><span class=\"fn\">'+esc(l.fn)+'</span>: '+esc(l.text)+'<span class=\"src\">'+esc(l.src)+'</span></div>';});h+='</td></tr>';}"
	"D.steps.forEach(function(s,k){var n=k+1,ls=byStep[n]||[],cells=[];for(var i=0;i<cols;i++)cells.push('');"
	"var col=D.threadCpu[s.tid];"
	"if(ls.length)ls.forEach(function(l){cells[col]+='<div><span class=\"fn\">'+esc(l.fn)+'</span>: '+esc(l.text)+"
	"'<span class=\"src\">'+esc(l.src)+'</span></div>';});"
	"else cells[col]='<div class=\"what\">'+esc(s.what)+' <span class=\"src\">(no trace line)</span></div>';"
	"var cl=['step'];if(!ls.length)cl.push('quiet');if(s.dep===2)cl.push('viol');else if(s.dep===1)cl.push('dep');"
	"h+='<tr id=\"s'+n+'\" data-step=\"'+n+'\" class=\"'+cl.join(' ')+'\"><td class=\"n\">'+n+'</td>';"
	"cells.forEach(function(c){h+='<td>'+c+'</td>';});h+='</tr>';});"
	"var endl=byStep.end||[];h+='<tr id=\"s-end\" data-step=\"'+(D.steps.length+1)+'\" class=\"step end'+(D.endViolation?' viol':'')+'\"><td class=\"n\">end</td><td colspan=\"'+cols+'\">';"
	"endl.forEach(function(l){h+='<div><span class=\"fn\">'+esc(l.fn)+'</span>: '+esc(l.text)+'<span class=\"src\">'+esc(l.src)+'</span></div>';});"
	"h+='</td></tr></tbody>';document.getElementById('trace').innerHTML=h;"
	"var sl=document.getElementById('slider'),cur=null,lab=document.getElementById('curstep'),st=document.getElementById('state');"
	"sl.max=D.steps.length+1;"
	"function show(n){n=Math.max(1,Math.min(D.steps.length+1,n|0));sl.value=n;if(cur)cur.classList.remove('cur');"
	"cur=document.querySelector('tr[data-step=\"'+n+'\"]');if(cur){cur.classList.add('cur');cur.scrollIntoView({block:'nearest'});}"
	"lab.textContent=n>D.steps.length?'end':String(n);"
	"if(n>D.steps.length){st.innerHTML='<h2>end of the execution</h2>'+(D.endViolation?'<p class=\"viol-msg\">'+esc(D.endViolation)+'</p>':'<p>the oracles ran</p>');return;}"
	"var s=D.steps[n-1],x='<h2>step '+n+': T'+esc(D.threadLabel[s.tid])+' on cpu'+esc(D.threadCpuNo[s.tid])+'</h2>';"
	"x+='<p class=\"what\">'+esc(s.what)+'</p>';"
	"if(s.dep===2)x+='<p class=\"viol-msg\">the violating step</p>';else if(s.dep===1)x+='<p>a step the violation depends on</p>';"
	"x+='<p>state after the step, of every object it touched:</p>';"
	"s.state.forEach(function(o){x+='<div class=\"obj\"><b>'+esc(o.o)+'</b><span class=\"acc\">'+esc(o.a)+'</span>';"
	"o.s.forEach(function(l){if(l)x+='<div class=\"mono\">'+esc(l)+'</div>';});x+='</div>';});"
	"st.innerHTML=x;}"
	"sl.addEventListener('input',function(){show(+sl.value);});"
	"document.getElementById('prev').onclick=function(){show(+sl.value-1);};"
	"document.getElementById('next').onclick=function(){show(+sl.value+1);};"
	"document.getElementById('toviol').onclick=function(){show(D.violStep);};"
	"document.getElementById('trace').addEventListener('click',function(e){var tr=e.target.closest('tr[data-step]');if(tr)show(+tr.dataset.step);});"
	"document.addEventListener('keydown',function(e){if(e.target===sl)return;if(e.key==='ArrowDown'||e.key==='j'){show(+sl.value+1);e.preventDefault();}"
	"else if(e.key==='ArrowUp'||e.key==='k'){show(+sl.value-1);e.preventDefault();}});"
	"var m=/step=(\\d+)/.exec(location.hash);show(m?+m[1]:D.violStep);"
	"document.body.dataset.ready='1';})();";

int fl_report_html(const char *path, const struct fl_scenario *sc, const struct fl_policy *pol, const char *config,
		   const char *schedule, const char *replay, char *err, int errlen)
{
	static uint8_t want[FL_MAX_STEPS], choice[FL_MAX_STEPS];
	static uint32_t enabled[FL_MAX_STEPS];
	static struct fl_log init_log, run_log;
	static struct step_rec steps[FL_MAX_STEPS];
	struct rec r = { .choice = want, .steps = steps };
	struct fl_scheduler sched = { .pick = rec_pick, .taken = rec_taken };
	struct fl_explore_result res;
	struct fl_program prog, wrap;
	uint8_t *dep;
	int nsteps = 0, viol_step = 0, rc = -1, ncols = sc->ncpus > 0 ? sc->ncpus : 1;
	char end_msg[2048] = "";
	FILE *f;

	r.len = fl_schedule_decode(schedule, want, FL_MAX_STEPS, err, errlen);
	if (r.len < 0)
		return -1;
	memset(&res, 0, sizeof(res));
	fl_tracing = true;
	fl_log_reset();
	if (fl_interp_prepare(sc, pol, err, errlen)) {
		fl_tracing = false;
		return -1;
	}
	init_log = fl_log;
	fl_log_reset();
	prog = fl_interp_program();
	wrap = prog;
	wrap.reset = rec_reset;
	wrap.finish = rec_finish;
	r.prog = &prog;
	cur_rec = &r;
	if (fl_execute(&wrap, &sched, &r, choice, enabled, &res, fl_now(), &nsteps) != FL_EXEC_DONE) {
		fl_tracing = false;
		snprintf(err, (size_t)errlen, "%s", res.error[0] ? res.error : "the schedule does not replay");
		goto out;
	}
	fl_tracing = false;
	run_log = fl_log;
	dep = calloc((size_t)r.n + 1, 1);
	if (!dep) {
		snprintf(err, (size_t)errlen, "out of memory");
		goto out;
	}
	/* The violating steps: the step an oracle fired in, or the steps its message blames. */
	for (int p = 0; p < FL_PROP__COUNT; p++) {
		const struct fl_violation *v = &fl_chk.first[p];

		if (!(res.found & (1u << p)))
			continue;
		if (v->tid >= 0 && v->step >= 1 && (int)v->step <= r.n) {
			dep[v->step - 1] = 2;
			if (!viol_step || (int)v->step < viol_step)
				viol_step = (int)v->step;
		} else {
			size_t o = strlen(end_msg);

			snprintf(end_msg + o, sizeof(end_msg) - o, "%s%s: %s", o ? "; " : "", fl_prop_name(p), v->msg);
			blamed_steps(v->msg, dep, r.n);
		}
	}
	for (int k = 0; k < r.n; k++) {
		if (dep[k]) {
			dep[k] = 2;
			if (!viol_step)
				viol_step = k + 1;	/* an end-of-execution violation: the first step it blames */
		}
	}
	dependencies(&r, dep);
	if (!viol_step)
		viol_step = res.found ? r.n + 1 : 1;

	f = fopen(path, "w");
	if (!f) {
		snprintf(err, (size_t)errlen, "--html %s: cannot write it", path);
		free(dep);
		goto out;
	}
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		   "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n<title>faultline: ");
	fl_xml_str(f, sc->name);
	fprintf(f, " (");
	fl_xml_str(f, config);
	fprintf(f, ")</title>\n<style>%s</style></head>\n<body>\n<header><h1>", page_css);
	fl_xml_str(f, sc->name);
	fprintf(f, " &mdash; kernel ");
	fl_xml_str(f, config);
	fprintf(f, "</h1><div>");
	fl_xml_str(f, sc->desc);
	fprintf(f, " (<code>");
	fl_xml_str(f, sc->file);
	fprintf(f, "</code>)</div>\n<div id=\"verdict\">");
	if (!res.found)
		fprintf(f, "no property violated in this execution");
	for (int p = 0; p < FL_PROP__COUNT; p++) {
		if (!(res.found & (1u << p)))
			continue;
		fprintf(f, "<div class=\"viol-msg\">VIOLATION ");
		fl_xml_str(f, fl_prop_name(p));
		fprintf(f, ": ");
		fl_xml_str(f, fl_chk.first[p].msg);
		fprintf(f, "</div>");
	}
	fprintf(f, "</div><div>replay: <code>");
	fl_xml_str(f, replay);
	fprintf(f, "</code></div>\n<div id=\"controls\"><button id=\"prev\">&larr;</button>"
		   "<input id=\"slider\" type=\"range\" min=\"1\" max=\"%d\" value=\"1\" aria-label=\"step\">"
		   "<button id=\"next\">&rarr;</button> step <b id=\"curstep\">1</b> of %d "
		   "<button id=\"toviol\">violation</button>"
		   "<span class=\"legend\"><span class=\"viol-legend\" style=\"background:#ffc9c9\">violating step</span>"
		   "<span style=\"background:#fff3c4\">a step it depends on</span></span></div></header>\n",
		r.n + 1, r.n);
	if (init_log.n) {
		fprintf(f, "<details id=\"init\"><summary>init block (%d lines)</summary><div class=\"mono\">", init_log.n);
		for (int i = 0; i < init_log.n; i++) {
			fprintf(f, "<div><span class=\"fn\">");
			fl_xml_str(f, init_log.line[i].fn);
			fprintf(f, "</span>: ");
			fl_xml_str(f, init_log.line[i].text);
			fprintf(f, "</div>");
		}
		fprintf(f, "</div></details>\n");
	}
	fprintf(f, "<main><div id=\"tracebox\"><table id=\"trace\"></table></div><aside id=\"state\"></aside></main>\n"
		   "<script type=\"application/json\" id=\"fl-data\">{\"cpus\":[");
	for (int c = 0; c < ncols; c++) {
		char title[512];
		int o = snprintf(title, sizeof(title), "cpu%d", c);

		for (int t = 0; t < sc->nthreads && o < (int)sizeof(title); t++) {
			char ops[256];

			if (sc->threads[t].cpu != c)
				continue;
			thread_ops(sc, &sc->threads[t], ops, sizeof(ops));
			o += snprintf(title + o, sizeof(title) - (size_t)o, "  T%d %s", sc->threads[t].id, ops);
		}
		fprintf(f, "%s{\"title\":", c ? "," : "");
		js_str(f, title);
		fputc('}', f);
	}
	fprintf(f, "],\"threadCpu\":[");
	for (int t = 0; t < sc->nthreads; t++)
		fprintf(f, "%s%d", t ? "," : "", sc->threads[t].cpu < ncols ? sc->threads[t].cpu : 0);
	fprintf(f, "],\"threadCpuNo\":[");
	for (int t = 0; t < sc->nthreads; t++)
		fprintf(f, "%s%d", t ? "," : "", sc->threads[t].cpu);
	fprintf(f, "],\"threadLabel\":[");
	for (int t = 0; t < sc->nthreads; t++)
		fprintf(f, "%s%d", t ? "," : "", sc->threads[t].id);
	fprintf(f, "],\"violStep\":%d,\"endViolation\":", viol_step);
	js_str(f, end_msg);
	fprintf(f, ",\"steps\":[");
	for (int k = 0; k < r.n; k++) {
		fprintf(f, "%s\n{\"tid\":%d,\"dep\":%d,\"what\":", k ? "," : "", steps[k].tid, dep[k]);
		js_str(f, steps[k].what);
		fprintf(f, ",\"state\":%s}", steps[k].state ? steps[k].state : "[]");
	}
	fprintf(f, "],\"lines\":[");
	for (int i = 0; i < run_log.n; i++) {
		const struct fl_log_line *l = &run_log.line[i];
		char src[160];

		snprintf(src, sizeof(src), "%s:%u", l->src ? l->src : "?", l->src_line);
		if (l->tid < 0 && l->step > 0)
			fprintf(f, "%s\n{\"step\":\"end\",\"fn\":", i ? "," : "");
		else
			fprintf(f, "%s\n{\"step\":%u,\"fn\":", i ? "," : "", l->step);
		js_str(f, l->fn);
		fprintf(f, ",\"text\":");
		js_str(f, l->text);
		fprintf(f, ",\"src\":");
		js_str(f, src);
		fputc('}', f);
	}
	fprintf(f, "]}</script>\n<script>%s</script>\n</body></html>\n", page_js);
	free(dep);
	if (fclose(f)) {
		snprintf(err, (size_t)errlen, "--html %s: write failed", path);
		goto out;
	}
	rc = 0;
out:
	for (int k = 0; k < r.n; k++) {
		free(steps[k].state);
		steps[k].state = NULL;
	}
	return rc;
}
