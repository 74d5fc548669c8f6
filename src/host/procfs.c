/* SPDX-License-Identifier: MIT */
/* host/procfs.c - /proc/self/pagemap, /proc/self/clear_refs and smaps. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host/host_int.h"

int fl_host_pagemap(uint64_t va, uint64_t *entry)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pread(fd, entry, sizeof(*entry), (off_t)(va / FL_HOST_PAGE * sizeof(*entry)));
	close(fd);
	return n == (ssize_t)sizeof(*entry) ? 0 : -EIO;
}

int fl_host_clear_refs(int type)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	char buf[8];
	int len = snprintf(buf, sizeof(buf), "%d", type);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, buf, (size_t)len);
	close(fd);
	return n == len ? 0 : -EIO;
}

/* A kernel with CONFIG_MEM_SOFT_DIRTY marks every new VMA VM_SOFTDIRTY: "sd" in VmFlags. */
bool fl_host_smaps_soft_dirty(void)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	char line[512];
	bool sd = false;

	if (!f)
		return false;
	while (!sd && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmFlags:", 8) && strstr(line, " sd"))
			sd = true;
	fclose(f);
	return sd;
}
