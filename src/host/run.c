/* SPDX-License-Identifier: MIT */
/*
 * host/run.c - the controller: one run of a scenario on the real kernel.
 *
 * The controller (the faultline process) forks P0's agent into a new
 * process group, sends it the init ops one by one (a fork op makes the
 * child the agent of the new litmus process, reading its own command
 * pipe), then starts every thread at once and waits for them, all under
 * one deadline.  Whatever happens, the group is killed and every process
 * reaped before fl_host_run() returns: the controller is a child
 * subreaper, so processes the scenario forked come back to it too.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "explore/explore.h"
#include "host/host_int.h"

struct run {
	struct fl_host_env env;
	pid_t pgid;
	double deadline;
	bool live[FL_LIT_MAX_PROCS];
};

static int ms_left(const struct run *r)
{
	double left = r->deadline - fl_now();

	return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

static void close_pipes(struct run *r)
{
	for (int p = 0; p < FL_LIT_MAX_PROCS; p++)
		for (int k = 0; k < 2; k++)
			if (r->env.cmd[p][k] >= 0)
				close(r->env.cmd[p][k]);
	for (int k = 0; k < 2; k++)
		if (r->env.reply[k] >= 0)
			close(r->env.reply[k]);
}

static int open_pipes(struct run *r, char *err, int errlen)
{
	memset(r->env.cmd, -1, sizeof(r->env.cmd));
	memset(r->env.reply, -1, sizeof(r->env.reply));
	for (int p = 0; p < FL_LIT_MAX_PROCS; p++)
		if (pipe2(r->env.cmd[p], O_CLOEXEC))
			goto fail;
	if (pipe2(r->env.reply, O_CLOEXEC))
		goto fail;
	return 0;
fail:
	snprintf(err, (size_t)errlen, "pipe2: %s", strerror(errno));
	close_pipes(r);
	return -1;
}

/* Wait for one reply; 1 = got it, 0 = deadline, -1 = every agent is gone. */
static int wait_reply(struct run *r, struct fl_hmsg *m)
{
	for (;;) {
		struct pollfd p = { .fd = r->env.reply[0], .events = POLLIN };
		int left = ms_left(r), n;

		if (!left)
			return 0;
		n = poll(&p, 1, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? 0 : -1;
		if (read(r->env.reply[0], m, sizeof(*m)) == (ssize_t)sizeof(*m))
			return 1;
		return -1;
	}
}

static bool send_cmd(struct run *r, int proc, int cmd, int arg)
{
	struct fl_hmsg m = { .cmd = cmd, .proc = proc, .arg = arg };

	return write(r->env.cmd[proc][1], &m, sizeof(m)) == (ssize_t)sizeof(m);
}

/* Kill the run's process group and reap every process, ours or reparented to us. */
static void kill_and_reap(struct run *r)
{
	double until = fl_now() + 5.0;

	if (r->pgid > 0)
		kill(-r->pgid, SIGKILL);
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);

		if (pid < 0 && errno == ECHILD)
			break;
		if (pid == 0) {
			if (fl_now() > until)
				break;	/* unkillable: leave it rather than hang */
			if (r->pgid > 0)
				kill(-r->pgid, SIGKILL);
			usleep(1000);
		}
	}
}

/*
 * An agent that ran exit() replies first and exits after: wait until it
 * is gone, so that its mm is torn down (exit_mm -> mmput -> exit_mmap
 * runs before exit_notify, which makes the pidfd readable) before the
 * next init op looks at the pages it mapped (pagemap's exclusive bit).
 * The agent is its parent agent's child, not ours: a pidfd, not waitpid.
 */
static void wait_exited(pid_t pid)
{
	struct pollfd p;
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (fd < 0)
		return;		/* already reaped, or no pidfd_open (< 5.3): best effort */
	p.fd = fd;
	p.events = POLLIN;
	(void)poll(&p, 1, 2000);
	close(fd);
}

static bool all_done(const struct run *r)
{
	for (int t = 0; t < r->env.sc->nthreads; t++)
		if (!__atomic_load_n(&r->env.sh->done[t], __ATOMIC_ACQUIRE))
			return false;
	return true;
}

/* The init block, op by op.  Returns 1 done, 0 timed out, -1 failed. */
static int run_init(struct run *r, char *err, int errlen)
{
	const struct fl_scenario *sc = r->env.sc;

	for (int i = 0; i < sc->ninit; i++) {
		const struct fl_lit_op *op = &sc->init[i];
		struct fl_hmsg m;
		int got;

		if (!r->live[op->proc]) {
			snprintf(err, (size_t)errlen, "%s:%d:%d: P%d does not exist on the host", sc->file,
				 op->loc.line, op->loc.col, op->proc);
			return -1;
		}
		if (!send_cmd(r, op->proc, FL_HCMD_OP, i)) {
			snprintf(err, (size_t)errlen, "%s:%d:%d: P%d's agent is gone", sc->file, op->loc.line,
				 op->loc.col, op->proc);
			return -1;
		}
		got = wait_reply(r, &m);
		if (got == 0)
			return 0;
		if (got < 0 || m.status == FL_HST_ERROR) {
			snprintf(err, (size_t)errlen, "%s:%d:%d: %s", sc->file, op->loc.line, op->loc.col,
				 r->env.sh->err_set ? r->env.sh->err : "the agent died");
			return -1;
		}
		if (m.status == FL_HST_EXITED) {
			r->live[op->proc] = false;
			wait_exited(m.pid);
		}
		if (op->kind == FL_OP_FORK)
			r->live[op->child] = true;
	}
	return 1;
}

/* Start every thread, open the gate, wait for all.  Returns 1, 0 on time-out, -1 failed. */
static int run_threads(struct run *r, char *err, int errlen)
{
	int waiting = 0;

	if (!r->env.sc->nthreads)
		return 1;
	for (int p = 0; p < FL_LIT_MAX_PROCS; p++)
		if (r->live[p] && send_cmd(r, p, FL_HCMD_START, 0))
			waiting++;
	while (waiting) {
		struct fl_hmsg m;
		int got = wait_reply(r, &m);

		if (got <= 0) {
			snprintf(err, (size_t)errlen, "%s: starting the threads: %s", r->env.sc->file,
				 got ? "an agent died" : "timed out");
			return -1;
		}
		waiting--;
	}
	__atomic_store_n(&r->env.sh->go, 1, __ATOMIC_RELEASE);
	while (!all_done(r)) {
		if (!ms_left(r))
			return 0;
		usleep(200);
	}
	return 1;
}

int fl_host_run(const struct fl_scenario *sc, const struct fl_host_caps *caps, int timeout_ms,
		struct fl_outcome *out, char *err, int errlen)
{
	struct run r = { .env = { .sc = sc, .caps = caps } };
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	int ret = -1, st;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	err[0] = '\0';
	r.env.sh = mmap(NULL, sizeof(*r.env.sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r.env.sh == MAP_FAILED) {
		snprintf(err, (size_t)errlen, "mmap: %s", strerror(errno));
		return -1;
	}
	if (open_pipes(&r, err, errlen)) {
		munmap(r.env.sh, sizeof(*r.env.sh));
		return -1;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	sigaction(SIGPIPE, &ign, &old);	/* a dead agent's pipe is an error, not a signal */
	r.deadline = fl_now() + timeout_ms / 1000.0;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, (size_t)errlen, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		sigaction(SIGPIPE, &old, NULL);
		/* Only the controller sends commands: when it dies, every agent reads EOF and exits. */
		for (int p = 0; p < FL_LIT_MAX_PROCS; p++) {
			close(r.env.cmd[p][1]);
			r.env.cmd[p][1] = -1;
		}
		close(r.env.reply[0]);
		r.env.reply[0] = -1;
		fl_host_agent(&r.env, 0);
	}
	setpgid(pid, pid);
	r.pgid = pid;
	/* Only the agents read commands and write replies: EOF then means they are all gone. */
	for (int p = 0; p < FL_LIT_MAX_PROCS; p++) {
		close(r.env.cmd[p][0]);
		r.env.cmd[p][0] = -1;
	}
	close(r.env.reply[1]);
	r.env.reply[1] = -1;
	r.live[0] = true;
	st = run_init(&r, err, errlen);
	if (st > 0)
		st = run_threads(&r, err, errlen);
	if (st >= 0) {
		memcpy(out->reg, r.env.sh->reg, sizeof(out->reg));
		memcpy(out->set, r.env.sh->set, sizeof(out->set));
		out->blocked = st == 0;
		ret = 0;
		if (r.env.sh->err_set) {
			snprintf(err, (size_t)errlen, "%s: %s", sc->file, r.env.sh->err);
			ret = -1;
		}
	}
out:
	kill_and_reap(&r);
	sigaction(SIGPIPE, &old, NULL);
	close_pipes(&r);
	munmap(r.env.sh, sizeof(*r.env.sh));
	return ret;
}
