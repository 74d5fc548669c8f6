/* SPDX-License-Identifier: MIT */
/* host/uffd.c - open a userfaultfd: the syscall, else /dev/userfaultfd (v6.1+). */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "host/host_int.h"

int fl_host_uffd_open(void)
{
	return fl_host_uffd_open_api(NULL);
}

int fl_host_uffd_open_api(uint64_t *features)
{
	/*
	 * No features: in particular no UFFD_FEATURE_EVENT_FORK, so a child
	 * does not inherit the registration, which is what the model does.
	 * Non-blocking, so a monitor can poll and give up.
	 */
	struct uffdio_api api = { .api = UFFD_API, .features = 0 };
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		int dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);

		if (dev < 0)
			return -errno;
#ifdef USERFAULTFD_IOC_NEW
		fd = ioctl(dev, USERFAULTFD_IOC_NEW, O_CLOEXEC | O_NONBLOCK);
#else
		fd = -1;
		errno = ENOSYS;
#endif
		close(dev);
		if (fd < 0)
			return -errno;
	}
	if (ioctl(fd, UFFDIO_API, &api)) {
		int e = errno;

		close(fd);
		return -e;
	}
	/* Asked for none, UFFDIO_API answers with every feature this kernel has. */
	if (features)
		*features = api.features;
	return fd;
}
