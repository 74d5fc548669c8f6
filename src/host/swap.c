/* SPDX-License-Identifier: MIT */
/*
 * host/swap.c - a swap file for MADV_PAGEOUT, set up on demand and always
 * removed: at exit, on SIGINT/SIGTERM/SIGHUP, and, for a faultline that
 * was SIGKILLed, by the next one (files named after a pid that is gone).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/host_int.h"

#define SWAP_DIR	"/var/tmp"
#define SWAP_PREFIX	"faultline-swap-"
#define SWAP_MB		64

extern char **environ;

static char swap_path[128];
static bool swap_on;

/* Is @path one of the space-separated names of @list (not a prefix of one)?  A cut list ("...") says yes. */
static bool in_list(const char *list, const char *path)
{
	size_t n = strlen(path);

	for (const char *p = strstr(list, path); p; p = strstr(p + 1, path))
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return strstr(list, "...") != NULL;
}

void fl_host_swap_cleanup(void)
{
	if (swap_on && swapoff(swap_path) == 0)
		swap_on = false;
	if (swap_path[0] && !swap_on) {
		unlink(swap_path);
		swap_path[0] = '\0';
	}
}

static void on_signal(int sig)
{
	fl_host_swap_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Swap files of faultlines that died without cleaning up. */
void fl_host_swap_remove_stale(void)
{
	FILE *f = fopen("/proc/swaps", "re");
	char line[512], path[256];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		int pid;

		if (sscanf(line, "%255s", path) != 1 ||
		    sscanf(path, SWAP_DIR "/" SWAP_PREFIX "%d", &pid) != 1)
			continue;
		if (kill(pid, 0) && errno == ESRCH && swapoff(path) == 0)
			unlink(path);
	}
	fclose(f);
}

static int run_mkswap(const char *path)
{
	char *argv[] = { "mkswap", "-q", (char *)path, NULL };
	posix_spawn_file_actions_t fa;
	int st = -1;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, "mkswap", &fa, NULL, argv, environ) == 0)
		waitpid(pid, &st, 0);
	posix_spawn_file_actions_destroy(&fa);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int write_zeros(int fd)
{
	static char zero[1 << 16];

	for (int i = 0; i < SWAP_MB * 16; i++)
		if (write(fd, zero, sizeof(zero)) != (ssize_t)sizeof(zero))
			return -1;
	return fsync(fd);
}

int fl_host_swap_ensure(struct fl_host_caps *c, char *why, int len)
{
	int fd;

	/*
	 * Asked per test, answered from /proc/swaps now, not from start-up:
	 * another process may swapoff its device (or ours) between tests.
	 */
	c->swap_active = fl_host_swaps("", c->swaps, sizeof(c->swaps));
	if (swap_on && !in_list(c->swaps, swap_path)) {
		swap_on = false;	/* someone swapped ours off: make it again */
		fl_host_swap_cleanup();
	}
	if (c->swap_active)
		return 0;
	if (!c->root) {
		snprintf(why, (size_t)len, "no swap device, and only root may set up a swap file");
		return -1;
	}
	fl_host_swap_remove_stale();
	snprintf(swap_path, sizeof(swap_path), SWAP_DIR "/" SWAP_PREFIX "%d", (int)getpid());
	atexit(fl_host_swap_cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	/* Swap files must have no holes: write the zeros. */
	fd = open(swap_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write_zeros(fd)) {
		snprintf(why, (size_t)len, "creating %s: %s", swap_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		fl_host_swap_cleanup();
		return -1;
	}
	close(fd);
	if (run_mkswap(swap_path)) {
		snprintf(why, (size_t)len, "mkswap %s failed", swap_path);
		fl_host_swap_cleanup();
		return -1;
	}
	if (swapon(swap_path, 0)) {
		snprintf(why, (size_t)len, "swapon %s: %s", swap_path, strerror(errno));
		fl_host_swap_cleanup();
		return -1;
	}
	swap_on = true;
	c->swap_active = fl_host_swaps("", c->swaps, sizeof(c->swaps));
	return 0;
}
