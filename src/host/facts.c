/* SPDX-License-Identifier: MIT */
/*
 * host/facts.c - the probed host facts as conform's header lines and as
 * its --json "host" object, so that every result is read against the
 * configuration it came from.
 */
#include <stdio.h>
#include <string.h>

#include "host/host_int.h"
#include "report/report.h"

static const char *tri(int v, const char *yes, const char *no)
{
	return v < 0 ? "unknown" : v ? yes : no;
}

/* "16kB 64kB" for the sizes in @mask (bit k: 2^k pages), "none" when empty. */
static void sizes(uint32_t mask, char *buf, int len)
{
	int n = 0;

	buf[0] = '\0';
	for (int k = 1; k < 32 && n < len; k++)
		if (mask & (1u << k))
			n += snprintf(buf + n, (size_t)(len - n), "%s%ukB", n ? " " : "",
				      (1u << k) * (FL_HOST_PAGE / 1024));
	if (!n)
		snprintf(buf, (size_t)len, "none");
}

#define ADD(...)                                                                                    \
	do {                                                                                        \
		if (n < len)                                                                        \
			n += snprintf(buf + n, (size_t)(len - n), __VA_ARGS__);                     \
	} while (0)

int fl_host_facts_text(const struct fl_host_caps *c, char *buf, int len)
{
	char an[128], sh[128];
	int n = 0;

	sizes(c->thp_anon_pages, an, sizeof(an));
	sizes(c->thp_shmem_pages, sh, sizeof(sh));
	buf[0] = '\0';
	ADD("  zero page on read faults: %s\n",
	    c->zero_page_read < 0 ? "unknown (the probe failed)" :
	    c->zero_page_read ? "yes (measured: a read leaves the page present, not exclusive)" :
				"no: a fresh exclusive page (measured: a read leaves the page present|exclusive)");
	ADD("  UFFDIO_ZEROPAGE: %s\n", c->uffd_zeropage < 0 ? "unknown (no userfaultfd)" :
				       c->uffd_zeropage ? "maps the zero page (measured)" :
							  "maps a fresh page (measured)");
	ADD("  THP: enabled=%s shmem_enabled=%s use_zero_page=%d; sizes a fault may allocate without "
	    "madvise: anon %s, shmem %s\n", c->thp_anon[0] ? c->thp_anon : "unknown",
	    c->thp_shmem[0] ? c->thp_shmem : "unknown", c->thp_use_zero_page, an, sh);
	if (c->fault_around_bytes >= 0)
		ADD("  fault-around: %d pages per shmem read fault (measured); fault_around_bytes=%d\n",
		    c->fault_around_pages, c->fault_around_bytes);
	else
		ADD("  fault-around: %d pages per shmem read fault (measured); fault_around_bytes unknown "
		    "(debugfs not readable)\n", c->fault_around_pages);
	ADD("  swap: %s\n", c->swaps[0] ? c->swaps :
	    c->root ? "none (a swap file is set up when a test needs one)" : "none");
	ADD("  soft-dirty: %s\n", c->soft_dirty ? "yes" : "no (pagemap bit 55 is not compared)");
	ADD("  userfaultfd: %s, uffd-wp: %s, features 0x%llx, vm.unprivileged_userfaultfd=%d%s\n",
	    c->uffd ? "yes" : "no", c->uffd_wp ? "yes" : "no", (unsigned long long)c->uffd_features,
	    c->unpriv_uffd, c->root ? " (root)" : "");
	ADD("  io_uring: %s (kernel.io_uring_disabled=%d)\n", c->io_uring ? "yes" : "no", c->io_uring_disabled);
	ADD("  per-VMA locks: %s%s%s (not modelled; see docs/conform.md)\n",
	    tri(c->per_vma_lock, "yes", "no"), c->config_src[0] ? ", from " : "", c->config_src);
	ADD("  KSM run=%d, NUMA balancing=%d\n", c->ksm_run, c->numa_balancing);
	return n;
}

static void jb(FILE *f, const char *name, bool v)
{
	fprintf(f, ", \"%s\": %s", name, v ? "true" : "false");
}

/* -1 (unknown) becomes null. */
static void ji(FILE *f, const char *name, int v)
{
	if (v < 0)
		fprintf(f, ", \"%s\": null", name);
	else
		fprintf(f, ", \"%s\": %d", name, v);
}

static void js(FILE *f, const char *name, const char *v)
{
	fprintf(f, ", \"%s\": ", name);
	fl_json_str(f, v);
}

void fl_host_facts_json(FILE *f, const struct fl_host_caps *c)
{
	char an[128], sh[128];

	sizes(c->thp_anon_pages, an, sizeof(an));
	sizes(c->thp_shmem_pages, sh, sizeof(sh));
	fprintf(f, "{\"cpus\": %d", c->ncpus);
	js(f, "release", c->release);
	jb(f, "userfaultfd", c->uffd);
	jb(f, "uffd_wp", c->uffd_wp);
	fprintf(f, ", \"uffd_features\": %llu", (unsigned long long)c->uffd_features);
	ji(f, "unprivileged_userfaultfd", c->unpriv_uffd);
	jb(f, "io_uring", c->io_uring);
	ji(f, "io_uring_disabled", c->io_uring_disabled);
	jb(f, "soft_dirty", c->soft_dirty);
	ji(f, "zero_page_read", c->zero_page_read);
	ji(f, "uffd_zeropage_zero_page", c->uffd_zeropage);
	js(f, "thp_enabled", c->thp_anon);
	js(f, "thp_shmem_enabled", c->thp_shmem);
	ji(f, "thp_use_zero_page", c->thp_use_zero_page);
	js(f, "thp_fault_sizes_anon", an);
	js(f, "thp_fault_sizes_shmem", sh);
	ji(f, "fault_around_pages", c->fault_around_pages);
	ji(f, "fault_around_bytes", c->fault_around_bytes);
	js(f, "swap", c->swaps);
	jb(f, "root", c->root);
	ji(f, "per_vma_lock", c->per_vma_lock);
	js(f, "config", c->config_src);
	ji(f, "ksm_run", c->ksm_run);
	ji(f, "numa_balancing", c->numa_balancing);
	fprintf(f, "}");
}
