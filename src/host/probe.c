/* SPDX-License-Identifier: MIT */
/*
 * host/probe.c - measure the host facts a test's outcome may depend on.
 *
 * Two kinds: facts read from files (THP / mTHP settings, sysctls, the
 * kernel config, /proc/swaps), all under a root prefix so that a unit
 * test can fake a host with a directory of files; and facts measured by
 * faulting real memory in this process (is the zero page mapped on a read
 * fault, by UFFDIO_ZEROPAGE, how many pages one shmem read fault maps),
 * which no file states reliably: this host's pvm_no_zero_page=1, for
 * one, is a vendor parameter no sysfs file reports.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/host_int.h"

extern char **environ;

/* The first line of @root@path into @buf, newline stripped; false if unreadable. */
static bool read_line(const char *root, const char *path, char *buf, int len)
{
	char full[512];
	FILE *f;
	bool ok;

	snprintf(full, sizeof(full), "%s%s", root, path);
	f = fopen(full, "re");
	if (!f)
		return false;
	ok = fgets(buf, len, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

static int read_int(const char *root, const char *path)
{
	char b[64];
	char *end;
	long v;

	if (!read_line(root, path, b, sizeof(b)))
		return -1;
	v = strtol(b, &end, 10);
	return end == b ? -1 : (int)v;
}

static void copy_word(char *out, int len, const char *s)
{
	size_t n = strlen(s);

	if (n >= (size_t)len)
		n = (size_t)len - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

/* "always [madvise] never" -> "madvise"; a file without brackets (a bare word) as it is. */
static void bracketed(const char *root, const char *path, char *out, int len)
{
	char b[256], *o, *c;

	out[0] = '\0';
	if (!read_line(root, path, b, sizeof(b)))
		return;
	o = strchr(b, '[');
	c = o ? strchr(o, ']') : NULL;
	if (o && c)
		*c = '\0';
	copy_word(out, len, o && c ? o + 1 : b);
}

/*
 * May a fault allocate a folio of this size without madvise(MADV_HUGEPAGE)?
 * Anonymous: "always", or "inherit" from a top-level "always".  Shmem:
 * "always", "within_size" (our mappings are the whole object) or "force",
 * directly or inherited.  "madvise"/"advise" need a hint faultline never gives.
 */
static bool anon_active(const char *v, const char *top)
{
	return !strcmp(v, "always") || (!strcmp(v, "inherit") && !strcmp(top, "always"));
}

static bool shmem_word_active(const char *v)
{
	return !strcmp(v, "always") || !strcmp(v, "within_size") || !strcmp(v, "force");
}

static bool shmem_active(const char *v, const char *top)
{
	return shmem_word_active(v) || (!strcmp(v, "inherit") && shmem_word_active(top));
}

static int log2_pages(int kb)
{
	int pages = kb / (int)(FL_HOST_PAGE / 1024), k = 0;

	if (pages < 2 || (pages & (pages - 1)))
		return -1;
	while ((1 << k) < pages)
		k++;
	return k < 32 ? k : -1;
}

static void probe_thp(const char *root, struct fl_host_caps *c)
{
	static const char dir_path[] = "/sys/kernel/mm/transparent_hugepage";
	char path[512];
	DIR *d;
	struct dirent *e;

	bracketed(root, "/sys/kernel/mm/transparent_hugepage/enabled", c->thp_anon, sizeof(c->thp_anon));
	bracketed(root, "/sys/kernel/mm/transparent_hugepage/shmem_enabled", c->thp_shmem, sizeof(c->thp_shmem));
	c->thp_use_zero_page = read_int(root, "/sys/kernel/mm/transparent_hugepage/use_zero_page");
	snprintf(path, sizeof(path), "%s%s", root, dir_path);
	d = opendir(path);
	while (d && (e = readdir(d)) && c->nthp < FL_HOST_THP_SIZES) {
		struct fl_host_thp_size *s = &c->thp[c->nthp];
		char f[600];
		int kb;

		if (sscanf(e->d_name, "hugepages-%dkB", &kb) != 1)
			continue;
		memset(s, 0, sizeof(*s));
		s->kb = kb;
		snprintf(f, sizeof(f), "%s/%s/enabled", dir_path, e->d_name);
		bracketed(root, f, s->anon, sizeof(s->anon));
		snprintf(f, sizeof(f), "%s/%s/shmem_enabled", dir_path, e->d_name);
		bracketed(root, f, s->shmem, sizeof(s->shmem));
		c->nthp++;
	}
	if (d)
		closedir(d);
	/* Before mTHP (v6.8) there are no per-size directories: the top level is the PMD size's. */
	if (!c->nthp && (c->thp_anon[0] || c->thp_shmem[0])) {
		c->thp[0] = (struct fl_host_thp_size){ .kb = 2048 };
		snprintf(c->thp[0].anon, sizeof(c->thp[0].anon), "inherit");
		snprintf(c->thp[0].shmem, sizeof(c->thp[0].shmem), "inherit");
		c->nthp = 1;
	}
	for (int i = 0; i < c->nthp; i++) {
		int k = log2_pages(c->thp[i].kb);

		if (k < 0)
			continue;
		if (anon_active(c->thp[i].anon, c->thp_anon))
			c->thp_anon_pages |= 1u << k;
		if (shmem_active(c->thp[i].shmem, c->thp_shmem))
			c->thp_shmem_pages |= 1u << k;
	}
}

/* Run @argv with stdout to @out (a file we read back). */
static bool spawn_to(char *const argv[], const char *out)
{
	posix_spawn_file_actions_t fa;
	int st = -1;
	pid_t pid;
	bool ok = false;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) == 0 && waitpid(pid, &st, 0) == pid)
		ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
	posix_spawn_file_actions_destroy(&fa);
	return ok;
}

/* CONFIG_PER_VMA_LOCK from /boot/config-<release>, else /proc/config.gz (through gzip -dc). */
static void probe_config(const char *root, struct fl_host_caps *c)
{
	char path[512], tmp[] = "/tmp/faultline-config-XXXXXX", line[256];
	FILE *f = NULL;

	c->per_vma_lock = -1;
	snprintf(path, sizeof(path), "%s/boot/config-%s", root, c->release);
	if (c->release[0] && (f = fopen(path, "re"))) {
		snprintf(c->config_src, sizeof(c->config_src), "/boot/config-%s", c->release);
	} else {
		snprintf(path, sizeof(path), "%s/proc/config.gz", root);
		if (access(path, R_OK) == 0) {
			char *argv[] = { "gzip", "-dc", path, NULL };
			int fd = mkstemp(tmp);	/* exclusive: no name in /tmp another user can plant */

			if (fd < 0)
				return;
			close(fd);
			if (spawn_to(argv, tmp) && (f = fopen(tmp, "re")))
				snprintf(c->config_src, sizeof(c->config_src), "/proc/config.gz");
			unlink(tmp);	/* the open stream keeps it readable */
		}
		if (!f)
			return;
	}
	c->per_vma_lock = 0;	/* a config without the option: a kernel before v6.4, or an arch without it */
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "CONFIG_PER_VMA_LOCK=y", 21))
			c->per_vma_lock = 1;
	fclose(f);
}

bool fl_host_swaps(const char *root, char *buf, int len)
{
	char path[512], line[512], dev[256];
	FILE *f;
	int n = 0;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/proc/swaps", root);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(line, sizeof(line), f)) {	/* the header */
		fclose(f);
		return false;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s", dev) != 1)
			continue;
		/* A list cut short would look as if a device were swapped off: say it is longer. */
		if (n + (int)strlen(dev) + 5 >= len) {
			snprintf(buf + n, (size_t)(len - n), "%s...", n ? " " : "");
			n = len;
			break;
		}
		n += snprintf(buf + n, (size_t)(len - n), "%s%s", n ? " " : "", dev);
	}
	fclose(f);
	return n > 0;
}

void fl_host_probe_files(const char *root, struct fl_host_caps *c)
{
	c->nthp = 0;
	c->thp_anon_pages = c->thp_shmem_pages = 0;
	probe_thp(root, c);
	/* debugfs: readable only when mounted and we may read it; otherwise unknown (-1). */
	c->fault_around_bytes = read_int(root, "/sys/kernel/debug/fault_around_bytes");
	c->unpriv_uffd = read_int(root, "/proc/sys/vm/unprivileged_userfaultfd");
	c->io_uring_disabled = read_int(root, "/proc/sys/kernel/io_uring_disabled");
	c->ksm_run = read_int(root, "/sys/kernel/mm/ksm/run");
	c->numa_balancing = read_int(root, "/proc/sys/kernel/numa_balancing");
	probe_config(root, c);
	c->swap_active = fl_host_swaps(root, c->swaps, sizeof(c->swaps));
}

/* ---- measured ---- */

/* The pagemap flags of @p's page, or 0 when unreadable. */
static uint64_t pm_of(const void *p)
{
	uint64_t e = 0;

	return fl_host_pagemap((uint64_t)(uintptr_t)p, &e) ? 0 : e;
}

/* 1 when @e maps the zero page (present, no struct page to call exclusive), 0 a fresh page, -1 unknown. */
static int zero_or_fresh(uint64_t e)
{
	if (!(e & FL_PM_PRESENT))
		return -1;
	return (e & FL_PM_MMAP_EXCLUSIVE) ? 0 : 1;
}

/*
 * Read one untouched private anonymous page.  The zero page shows in
 * pagemap as present but never exclusive (vm_normal_page() has no page
 * for it); a fresh page is exclusive.  A one-page VMA cannot take a THP
 * or mTHP folio, so the answer is about base pages only.
 */
static int probe_zero_page(void)
{
	volatile uint64_t *p = mmap(NULL, FL_HOST_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t v;
	int r;

	if (p == MAP_FAILED)
		return -1;
	v = p[0];
	(void)v;
	r = zero_or_fresh(pm_of((const void *)p));
	munmap((void *)p, FL_HOST_PAGE);
	return r;
}

/* UFFDIO_ZEROPAGE on a missing-registered page, then the same test; also UFFDIO_API's features. */
static int probe_uffd_zeropage(struct fl_host_caps *c)
{
	struct uffdio_register reg;
	struct uffdio_zeropage z;
	int fd = fl_host_uffd_open_api(&c->uffd_features), r = -1;
	void *p;

	if (fd < 0)
		return -1;
	p = mmap(NULL, FL_HOST_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		reg = (struct uffdio_register){ .range = { (uintptr_t)p, FL_HOST_PAGE },
						.mode = UFFDIO_REGISTER_MODE_MISSING };
		z = (struct uffdio_zeropage){ .range = { (uintptr_t)p, FL_HOST_PAGE } };
		if (!ioctl(fd, UFFDIO_REGISTER, &reg) && !ioctl(fd, UFFDIO_ZEROPAGE, &z))
			r = zero_or_fresh(pm_of(p));
		munmap(p, FL_HOST_PAGE);
	}
	close(fd);
	return r;
}

/*
 * Fault-around, measured rather than read from debugfs (rarely mounted):
 * put 64 pages in a memfd's page cache, map them MAP_SHARED at a 2 MiB
 * boundary (the window is aligned, and clamped to the VMA and the PMD),
 * read the first page, and count the pages that became present.
 */
#define FA_PAGES 64

static int probe_fault_around(void)
{
	static char page[FL_HOST_PAGE];
	size_t len = FA_PAGES * FL_HOST_PAGE, pmd = 2u << 20;
	int fd = memfd_create("faultline-probe", MFD_CLOEXEC), n = -1;
	char *res = MAP_FAILED, *p;
	uintptr_t a;

	if (fd < 0)
		return -1;
	memset(page, 1, sizeof(page));
	for (int i = 0; i < FA_PAGES; i++)
		if (pwrite(fd, page, sizeof(page), (off_t)i * FL_HOST_PAGE) != (ssize_t)sizeof(page))
			goto out;
	res = mmap(NULL, 2 * pmd, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED)
		goto out;
	a = ((uintptr_t)res + pmd - 1) & ~(uintptr_t)(pmd - 1);
	p = mmap((void *)a, len, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
	if (p == MAP_FAILED)
		goto out;
	(void)*(volatile char *)p;
	n = 0;
	for (int i = 0; i < FA_PAGES; i++)
		if (pm_of(p + (size_t)i * FL_HOST_PAGE) & FL_PM_PRESENT)
			n++;
out:
	if (res != MAP_FAILED)
		munmap(res, 2 * pmd);
	close(fd);
	return n;
}

void fl_host_probe_measure(struct fl_host_caps *c)
{
	c->zero_page_read = probe_zero_page();
	c->uffd_zeropage = probe_uffd_zeropage(c);
	c->fault_around_pages = probe_fault_around();
}
