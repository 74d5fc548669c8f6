/* SPDX-License-Identifier: MIT */
/*
 * host/caps.c - what the running kernel can do, which scenarios it can run,
 * and which preset models it.
 */
#include <errno.h>
#ifdef FL_HAVE_LIBURING
#include <liburing.h>
#endif
#include <linux/userfaultfd.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "host/host_int.h"
#include "policy/policy.h"

static void probe_uffd(struct fl_host_caps *c)
{
	int fd = fl_host_uffd_open();
	void *p;
	struct uffdio_register reg;

	if (fd < 0) {
		snprintf(c->uffd_why, sizeof(c->uffd_why), "userfaultfd: %s", strerror(-fd));
		return;
	}
	c->uffd = true;
	p = mmap(NULL, FL_HOST_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		reg = (struct uffdio_register){ .range = { (uintptr_t)p, FL_HOST_PAGE }, .mode = UFFDIO_REGISTER_MODE_WP };
		c->uffd_wp = ioctl(fd, UFFDIO_REGISTER, &reg) == 0;
		if (!c->uffd_wp)
			snprintf(c->uffd_why, sizeof(c->uffd_why), "UFFDIO_REGISTER_MODE_WP: %s", strerror(errno));
		munmap(p, FL_HOST_PAGE);
	}
	close(fd);
}

#ifdef FL_HAVE_LIBURING
static void probe_io_uring(struct fl_host_caps *c)
{
	struct io_uring ring;
	struct iovec iov;
	void *p;
	int ret = io_uring_queue_init(2, &ring, 0);

	if (ret < 0) {
		snprintf(c->io_uring_why, sizeof(c->io_uring_why), "io_uring_setup: %s", strerror(-ret));
		return;
	}
	p = mmap(NULL, FL_HOST_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		iov = (struct iovec){ p, FL_HOST_PAGE };
		ret = io_uring_register_buffers(&ring, &iov, 1);
		c->io_uring = ret == 0;
		if (ret)
			snprintf(c->io_uring_why, sizeof(c->io_uring_why), "IORING_REGISTER_BUFFERS: %s", strerror(-ret));
		munmap(p, FL_HOST_PAGE);
	}
	io_uring_queue_exit(&ring);
}
#else
static void probe_io_uring(struct fl_host_caps *c)
{
	snprintf(c->io_uring_why, sizeof(c->io_uring_why),
		 "faultline was built without liburing (install liburing-dev and rebuild): no io_uring pins");
}
#endif

void fl_host_probe(struct fl_host_caps *c)
{
	struct utsname u;

	memset(c, 0, sizeof(*c));
	if (!uname(&u))
		snprintf(c->release, sizeof(c->release), "%s", u.release);
	c->ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (c->ncpus < 1)
		c->ncpus = 1;
	probe_uffd(c);
	probe_io_uring(c);
	c->soft_dirty = fl_host_smaps_soft_dirty();
	c->root = geteuid() == 0;
	fl_host_probe_files("", c);
	fl_host_probe_measure(c);
}

void fl_host_apply(const struct fl_host_caps *c, struct fl_policy *pol, char *note, int len)
{
	int v = FL_ZERO_PAGE_USED;

	/*
	 * A read fault that maps a fresh page: zero_page_read.  Whether
	 * UFFDIO_ZEROPAGE does too picks the value (unknown when the host
	 * has no userfaultfd: then no test can use it, and fresh_page is as
	 * good as mm_forbids).  A host that maps the zero page on read faults
	 * but not for UFFDIO_ZEROPAGE has no value: fl_host_unsupported()
	 * turns those tests away.
	 */
	if (c->zero_page_read == 0)
		v = c->uffd_zeropage == 0 ? FL_ZERO_PAGE_MM_FORBIDS : FL_ZERO_PAGE_FRESH_READ;
	pol->v[FL_SW_ZERO_PAGE_READ] = (uint8_t)v;
	/*
	 * Fault-around: the window one read fault of a shmem page maps, when
	 * the switch has a value for it (one page, or 16); any other window
	 * makes tests with a shared region of two pages or more unsupported
	 * (config_unsupported).
	 */
	if (c->fault_around_pages == 1)
		pol->v[FL_SW_FAULT_AROUND] = FL_FAULT_AROUND_OFF;
	else if (c->fault_around_pages == fl_fault_around_pages_of(FL_FAULT_AROUND_16))
		pol->v[FL_SW_FAULT_AROUND] = FL_FAULT_AROUND_16;
	if (note && v != FL_ZERO_PAGE_USED) {
		size_t n = strlen(note);

		if ((int)n < len)
			snprintf(note + n, (size_t)len - n, "%sread faults map no zero page here (measured): zero_page_read=%s",
				 n ? "; " : "", fl_switch_desc(FL_SW_ZERO_PAGE_READ)->values[v].name);
	}
}

/* Why this host lacks the features in @need (FL_NEED_*), or NULL. */
static const char *needs_unmet(uint32_t need, const struct fl_host_caps *c)
{
	if ((need & FL_NEED_IO_URING) && !c->io_uring)
		return c->io_uring_why;
	if ((need & FL_NEED_SOFT_DIRTY) && !c->soft_dirty)
		return "clear_refs(soft_dirty): kernel built without CONFIG_MEM_SOFT_DIRTY (no \"sd\" in smaps VmFlags)";
	if ((need & FL_NEED_UFFD) && !c->uffd)
		return c->uffd_why;
	if ((need & FL_NEED_UFFD_WP) && !c->uffd_wp)
		return c->uffd_why;
	if ((need & FL_NEED_SWAP) && !c->swap_active && !c->root)
		return "madvise_pageout: no swap device, and only root may set up a swap file";
	return NULL;
}

/*
 * Why @op cannot run on this host, or NULL: the op table's reason for ops
 * no host can run, then the features its row needs, then what depends on
 * the op's arguments.
 */
static const char *op_unsupported(const struct fl_lit_op *op, const struct fl_host_caps *c)
{
	const struct fl_op_desc *d = &fl_ops[op->kind];
	uint32_t need = d->needs;

	if (d->nohost)
		return d->nohost;
	if ((op->kind == FL_OP_PIN || op->kind == FL_OP_PIN_FAST) && !(op->prot & FL_PROT_WRITE))
		return "read-only long-term pin: io_uring always pins with FOLL_WRITE; FOLL_PIN without "
		       "FOLL_WRITE on demand needs CONFIG_GUP_TEST";
	if (op->kind == FL_OP_UFFD_REGISTER && (op->value & FL_UFFD_WP))
		need |= FL_NEED_UFFD_WP;
	return needs_unmet(need, c);
}

/* Every op of @sc, init first, in a flat array; returns the count. */
static int all_ops(const struct fl_scenario *sc, const struct fl_lit_op **ops)
{
	int n = 0;

	for (int i = 0; i < sc->ninit; i++)
		ops[n++] = &sc->init[i];
	for (int t = 0; t < sc->nthreads; t++)
		for (int i = 0; i < sc->threads[t].nops; i++)
			ops[n++] = &sc->threads[t].ops[i];
	return n;
}

/* Is region @r mapped shared (by its mmap op)? */
static bool region_shared(const struct fl_lit_op *const *ops, int n, int r)
{
	for (int i = 0; i < n; i++)
		if (ops[i]->kind == FL_OP_MMAP && ops[i]->addr.region == r)
			return (ops[i]->mflags & FL_MAP_SHARED) != 0;
	return false;
}

/*
 * The largest folio (in pages) of @mask (bit k: 2^k pages) that fits
 * naturally aligned in pages [@start, @start + @n), or 0.  The host's
 * region addresses are the model's page numbers above a 2 MiB-aligned
 * base (FL_HOST_VA), so alignment carries over.
 */
static int folio_fits(uint32_t mask, int start, int n)
{
	int best = 0;

	for (int k = 1; k < 20; k++) {	/* up to 2 GiB folios: beyond any size sysfs lists */
		int size = 1 << k, first = (start + size - 1) / size * size;

		if ((mask & (1u << k)) && first + size <= start + n)
			best = size;
	}
	return best;
}

static int thp_kb_of(int pages)
{
	return pages * (int)(FL_HOST_PAGE / 1024);
}

/*
 * Host facts the model cannot represent, per test.  @buf receives the
 * reason; returns the op it is pinned to, or NULL when none applies.
 *
 *  - THP / mTHP: a region that can hold a naturally aligned folio of a
 *    size the host may allocate on a fault.  A large folio maps several
 *    PTEs at once and changes pagemap, COW and reclaim; the model has
 *    base pages only, so such a test is unsupported (conservatively: even
 *    when it would not touch the neighbouring pages).
 *  - fault-around: a shared region of two or more pages, when one read
 *    fault maps a window (or nobody could tell) that switch fault_around
 *    has no value for (it has one page and 16).
 *  - the zero page: unknown (the probe failed) for a test with private
 *    anonymous memory; or zero page on read faults but a fresh page from
 *    UFFDIO_ZEROPAGE, which no value of zero_page_read describes.
 *  - uffd on shmem: registering a shared region needs the feature bit
 *    UFFDIO_API offers for it (MISSING_SHMEM, WP_HUGETLBFS_SHMEM).
 */
static const struct fl_lit_op *config_unsupported(const struct fl_scenario *sc, const struct fl_host_caps *c,
						  char *buf, int len)
{
	static const struct fl_lit_op *ops[FL_LIT_MAX_OPS * (FL_LIT_MAX_THREADS + 1)];
	int n = all_ops(sc, ops);

	for (int i = 0; i < n; i++) {
		const struct fl_lit_op *op = ops[i];
		bool shared = region_shared(ops, n, op->addr.region);

		if (op->kind == FL_OP_MMAP) {
			int start = FL_LIT_REGION_VPN(op->addr.region), np = op->npages ? op->npages :
				    sc->regions[op->addr.region].npages;
			int f = folio_fits(shared ? c->thp_shmem_pages : c->thp_anon_pages, start, np);

			if (f) {
				snprintf(buf, (size_t)len, "%s THP: hugepages-%dkB may be allocated on a fault without "
					 "madvise (%s), and %s (pages %d-%d) holds an aligned %d-page folio; the model has "
					 "base pages only", shared ? "shmem" : "anonymous", thp_kb_of(f),
					 shared ? "shmem_enabled" : "enabled", sc->regions[op->addr.region].name, start,
					 start + np - 1, f);
				return op;
			}
			if (shared && np > 1 && c->fault_around_pages != 1 &&
			    c->fault_around_pages != fl_fault_around_pages_of(FL_FAULT_AROUND_16)) {
				if (c->fault_around_pages < 0)
					snprintf(buf, (size_t)len, "fault-around: unknown on this host (the probe failed), "
						 "and a read fault in shared %s (%d pages) may map its neighbours",
						 sc->regions[op->addr.region].name, np);
				else
					snprintf(buf, (size_t)len, "fault-around: one read fault maps up to %d pages of "
						 "the page cache here, and shared %s has %d pages; switch fault_around has "
						 "no such window (off or 16)", c->fault_around_pages,
						 sc->regions[op->addr.region].name, np);
				return op;
			}
			if (!shared && c->zero_page_read < 0) {
				snprintf(buf, (size_t)len, "the zero page: could not measure whether a read fault maps "
					 "it on this host");
				return op;
			}
		}
		if (op->kind == FL_OP_UFFD_ZEROPAGE && !shared && c->zero_page_read == 1 && c->uffd_zeropage == 0) {
			snprintf(buf, (size_t)len, "uffd_zeropage: this host maps the zero page on read faults but a "
				 "fresh page for UFFDIO_ZEROPAGE; no value of zero_page_read models that");
			return op;
		}
		if (op->kind == FL_OP_UFFD_REGISTER && shared && c->uffd) {
			if ((op->value & FL_UFFD_MISSING) && !(c->uffd_features & UFFD_FEATURE_MISSING_SHMEM)) {
				snprintf(buf, (size_t)len, "uffd_register(missing) on shmem: UFFDIO_API does not offer "
					 "UFFD_FEATURE_MISSING_SHMEM");
				return op;
			}
			if ((op->value & FL_UFFD_WP) && !(c->uffd_features & UFFD_FEATURE_WP_HUGETLBFS_SHMEM)) {
				snprintf(buf, (size_t)len, "uffd_register(wp) on shmem: UFFDIO_API does not offer "
					 "UFFD_FEATURE_WP_HUGETLBFS_SHMEM (CONFIG_PTE_MARKER_UFFD_WP)");
				return op;
			}
		}
	}
	return NULL;
}

bool fl_host_unsupported(const struct fl_scenario *sc, const struct fl_host_caps *c, char *why, int len)
{
	const struct fl_lit_op *op = NULL;
	const char *r = NULL;
	char buf[384];

	for (int i = 0; i < sc->ninit && !r; i++)
		r = op_unsupported(op = &sc->init[i], c);
	for (int t = 0; t < sc->nthreads && !r; t++)
		for (int i = 0; i < sc->threads[t].nops && !r; i++)
			r = op_unsupported(op = &sc->threads[t].ops[i], c);
	if (!r && (op = config_unsupported(sc, c, buf, sizeof(buf))))
		r = buf;
	if (r)
		snprintf(why, (size_t)len, "%s:%d:%d: %s", sc->file, op->loc.line, op->loc.col, r);
	return r != NULL;
}

static bool parse_version(const char *s, int *maj, int *min)
{
	if (*s == 'v')
		s++;
	return sscanf(s, "%d.%d", maj, min) == 2;
}

int fl_host_preset(const char *release, char *why, int len)
{
	int hmaj, hmin, best = -1, bmaj = 0, bmin = 0, newest = -1, nmaj = 0, nmin = 0;

	if (!parse_version(release, &hmaj, &hmin)) {
		snprintf(why, (size_t)len, "cannot read a version from uname -r '%s'", release);
		return -1;
	}
	for (int i = 0; i < fl_preset_count(); i++) {
		int maj, min;

		if (!parse_version(fl_preset_at(i)->name, &maj, &min))
			continue;
		if ((maj > nmaj || (maj == nmaj && min > nmin))) {
			newest = i;
			nmaj = maj;
			nmin = min;
		}
		if ((maj < hmaj || (maj == hmaj && min <= hmin)) && (maj > bmaj || (maj == bmaj && min > bmin))) {
			best = i;
			bmaj = maj;
			bmin = min;
		}
	}
	if (best >= 0 && best == newest && (hmaj > nmaj || (hmaj == nmaj && hmin > nmin)) &&
	    fl_preset_find("latest") >= 0) {
		best = fl_preset_find("latest");
		snprintf(why, (size_t)len, "host %s is newer than every numbered preset (newest v%d.%d): latest",
			 release, nmaj, nmin);
		return best;
	}
	if (best < 0) {
		snprintf(why, (size_t)len, "host %s is older than every preset", release);
		return -1;
	}
	snprintf(why, (size_t)len, "host %s: the newest preset not newer than it is %s", release,
		 fl_preset_at(best)->name);
	return best;
}
