/* SPDX-License-Identifier: MIT */
/*
 * host/caps.c - what the running kernel can do, which scenarios it can run,
 * and which preset models it.
 */
#include <errno.h>
#include <liburing.h>
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

static bool swap_active(void)
{
	FILE *f = fopen("/proc/swaps", "re");
	char line[512];
	int n = 0;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n > 1;	/* a header line, then one per device */
}

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
	c->swap_active = swap_active();
	c->root = geteuid() == 0;
}

/* Why @op cannot run on this host, or NULL. */
static const char *op_unsupported(const struct fl_lit_op *op, const struct fl_host_caps *c)
{
	switch (op->kind) {
	case FL_OP_GET_PAGE:
	case FL_OP_PUT_PAGE:
		return "get_page/put_page: a bare page reference has no user-space interface";
	case FL_OP_EVICT:
		return "evict: user space cannot drop one CPU's TLB entry";
	case FL_OP_REMAP_PFN:
	case FL_OP_INSERT_PFN:
		return "remap_pfn/insert_pfn: needs a driver that maps device memory (VM_PFNMAP / VM_MIXEDMAP)";
	case FL_OP_GUP:
		return "gup: __get_user_pages with a pages[] array on demand needs CONFIG_GUP_TEST's debugfs file";
	case FL_OP_PIN:
	case FL_OP_PIN_FAST:
		if (!(op->prot & FL_PROT_WRITE))
			return "read-only long-term pin: io_uring always pins with FOLL_WRITE; FOLL_PIN without "
			       "FOLL_WRITE on demand needs CONFIG_GUP_TEST";
		/* fall through */
	case FL_OP_UNPIN:
	case FL_OP_PIN_READ:
	case FL_OP_PIN_WRITE:
		return c->io_uring ? NULL : c->io_uring_why;
	case FL_OP_CLEAR_REFS:
		return c->soft_dirty ? NULL : "clear_refs(soft_dirty): kernel built without CONFIG_MEM_SOFT_DIRTY "
					      "(no \"sd\" in smaps VmFlags)";
	case FL_OP_UFFD_REGISTER:
		if (!c->uffd)
			return c->uffd_why;
		return (op->value & FL_UFFD_WP) && !c->uffd_wp ? c->uffd_why : NULL;
	case FL_OP_UFFD_WP:
		return c->uffd_wp ? NULL : c->uffd_why;
	case FL_OP_UFFD_COPY:
	case FL_OP_UFFD_ZEROPAGE:
	case FL_OP_UFFD_WAIT:
		return c->uffd ? NULL : c->uffd_why;
	case FL_OP_MADV_PAGEOUT:
		return c->swap_active || c->root ? NULL :
		       "madvise_pageout: no swap device, and only root may set up a swap file";
	default:
		return NULL;
	}
}

bool fl_host_unsupported(const struct fl_scenario *sc, const struct fl_host_caps *c, char *why, int len)
{
	const struct fl_lit_op *op = NULL;
	const char *r = NULL;

	for (int i = 0; i < sc->ninit && !r; i++)
		r = op_unsupported(op = &sc->init[i], c);
	for (int t = 0; t < sc->nthreads && !r; t++)
		for (int i = 0; i < sc->threads[t].nops && !r; i++)
			r = op_unsupported(op = &sc->threads[t].ops[i], c);
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
