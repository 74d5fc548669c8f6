/* SPDX-License-Identifier: MIT */
/*
 * host/agent.c - one litmus process on the real kernel.
 *
 * The agent is the main thread of a real process standing for litmus
 * process Pn.  It runs init ops one at a time when the controller asks,
 * and on START spawns a real thread per litmus thread of Pn, pinned to
 * its CPU.  Every op is the system call, load or store the model's op
 * stands for; the registers go to the run's shared page.
 *
 * Per-process state (the userfaultfd, pins, vmsplice pipes) is private to
 * the process, as in the kernel; a forked child inherits the tables but
 * only finds entries it created itself, as the model keys pins and pipes
 * by the mm that took them.
 */
#include <errno.h>
#include <fcntl.h>
#ifdef FL_HAVE_LIBURING
#include <liburing.h>
#endif
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "host/host_int.h"

#define MAX_PINS	16
#define MAX_PIPES	16

struct hpin {
	int proc, vpn;
	bool live;
#ifdef FL_HAVE_LIBURING
	struct io_uring ring;
#endif
};

struct hpipe {
	int proc, vpn;
	int fd[2];
};

static const struct fl_host_env *env;
static int me;				/* this process's litmus number */
static int uffd = -1, uffd_proc = -1;	/* the userfaultfd this process registered with */
#ifdef FL_HAVE_LIBURING
static int dma_fd = -1;			/* the file io_uring moves pinned data through */
#endif
static struct hpin pins[MAX_PINS];
static struct hpipe pipes[MAX_PIPES];
static int npins, npipes;
static pthread_mutex_t tab_lock = PTHREAD_MUTEX_INITIALIZER;

static __thread sigjmp_buf *segv_env;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;

	if (__atomic_exchange_n(&env->sh->err_set, 1, __ATOMIC_SEQ_CST))
		return;
	va_start(ap, fmt);
	vsnprintf(env->sh->err, sizeof(env->sh->err), fmt, ap);
	va_end(ap);
}

static void on_fault_signal(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	if (segv_env)
		siglongjmp(*segv_env, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* A user load or store; false when it raised SIGSEGV or SIGBUS. */
static bool user_access(uint64_t va, bool write, uint64_t val, uint64_t *res)
{
	sigjmp_buf jb;

	if (sigsetjmp(jb, 1)) {
		segv_env = NULL;
		return false;
	}
	segv_env = &jb;
	if (write)
		*(volatile uint64_t *)(uintptr_t)va = val;
	else
		*res = *(volatile uint64_t *)(uintptr_t)va;
	segv_env = NULL;
	return true;
}

static void set_reg(int slot, int reg, uint64_t v)
{
	if (reg < 0)
		return;
	env->sh->reg[slot][reg] = v;
	__atomic_store_n(&env->sh->set[slot][reg], 1, __ATOMIC_RELEASE);
}

static int op_vpn(const struct fl_lit_op *op)
{
	return FL_LIT_REGION_VPN(op->addr.region) + op->addr.offset / FL_LIT_PAGE_WORDS;
}

static int op_word(const struct fl_lit_op *op)
{
	return op->addr.offset % FL_LIT_PAGE_WORDS;
}

static size_t op_len(const struct fl_lit_op *op)
{
	int n = op->npages ? op->npages :
		env->sc->regions[op->addr.region].npages - op->addr.offset / FL_LIT_PAGE_WORDS;

	return (size_t)n * FL_HOST_PAGE;
}

static void *op_page(const struct fl_lit_op *op)
{
	return (void *)(uintptr_t)FL_HOST_VA(op_vpn(op), 0);
}

static int prot_of(uint32_t p)
{
	return (p & FL_PROT_WRITE) ? PROT_READ | PROT_WRITE : (p & FL_PROT_READ) ? PROT_READ : PROT_NONE;
}

static uint64_t errno_reg(int ret)
{
	return ret < 0 ? (uint64_t)-ret : 0;
}

static void pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu % env->caps->ncpus, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* ---- userfaultfd ---- */

static int uffd_get(void)
{
	if (uffd_proc != me) {
		uffd = fl_host_uffd_open();
		uffd_proc = me;
	}
	return uffd;
}

static int uffd_ioctl(unsigned long req, void *arg)
{
	int fd = uffd_get();

	if (fd < 0)
		return fd;
	return ioctl(fd, req, arg) ? -errno : 0;
}

static bool others_done(int slot)
{
	for (int t = 0; t < env->sc->nthreads; t++)
		if (t + 1 != slot && !__atomic_load_n(&env->sh->done[t], __ATOMIC_ACQUIRE))
			return false;
	return true;
}

/*
 * uffd_wait(): 1 when a fault message was read; 0 when none can come any
 * more because every other thread has finished (what the model answers).
 */
static uint64_t uffd_wait(int slot)
{
	struct uffd_msg msg;

	if (uffd_proc != me || uffd < 0)
		return 0;
	for (;;) {
		struct pollfd p = { .fd = uffd, .events = POLLIN };
		bool last = others_done(slot);

		if (poll(&p, 1, last ? 0 : 1) > 0 && read(uffd, &msg, sizeof(msg)) == (ssize_t)sizeof(msg) &&
		    msg.event == UFFD_EVENT_PAGEFAULT)
			return 1;
		if (last)
			return 0;
	}
}

static uint64_t uffd_copy(const struct fl_lit_op *op)
{
	static __thread uint64_t src[FL_HOST_PAGE / 8] __attribute__((aligned(4096)));
	struct uffdio_copy c = { .dst = (uintptr_t)op_page(op), .src = (uintptr_t)src, .len = FL_HOST_PAGE };

	memset(src, 0, sizeof(src));
	src[0] = op->value;
	return errno_reg(uffd_ioctl(UFFDIO_COPY, &c));
}

/* ---- long-term pins: io_uring fixed buffers ---- */

static struct hpin *pin_find(int vpn)
{
	for (int i = npins - 1; i >= 0; i--)
		if (pins[i].proc == me && pins[i].vpn == vpn)
			return &pins[i];
	return NULL;
}

#ifdef FL_HAVE_LIBURING
/* IORING_REGISTER_BUFFERS: pin_user_pages(FOLL_WRITE | FOLL_LONGTERM) on the page. */
static uint64_t do_pin(const struct fl_lit_op *op)
{
	struct iovec iov = { op_page(op), FL_HOST_PAGE };
	struct hpin *p;
	int ret;

	pthread_mutex_lock(&tab_lock);
	if (npins == MAX_PINS) {
		pthread_mutex_unlock(&tab_lock);
		fail("more than %d pins", MAX_PINS);
		return FL_VAL_SEGV;
	}
	p = &pins[npins];
	*p = (struct hpin){ .proc = me, .vpn = op_vpn(op) };
	ret = io_uring_queue_init(4, &p->ring, 0);
	if (ret < 0) {
		pthread_mutex_unlock(&tab_lock);
		fail("io_uring_queue_init: %s", strerror(-ret));
		return FL_VAL_SEGV;
	}
	ret = io_uring_register_buffers(&p->ring, &iov, 1);
	if (ret < 0) {
		io_uring_queue_exit(&p->ring);
		pthread_mutex_unlock(&tab_lock);
		return FL_VAL_SEGV;	/* the pin failed (-EFAULT): what the model reports as segv */
	}
	p->live = true;
	npins++;
	pthread_mutex_unlock(&tab_lock);
	return 0;
}

static void do_unpin(const struct fl_lit_op *op)
{
	struct hpin *p;

	pthread_mutex_lock(&tab_lock);
	p = pin_find(op_vpn(op));
	if (p && p->live) {
		/* Unregister first: it drops the pin at once; ring teardown may be deferred. */
		io_uring_unregister_buffers(&p->ring);
		io_uring_queue_exit(&p->ring);
		p->live = false;
	}
	pthread_mutex_unlock(&tab_lock);
}

static int dma_file(void)
{
	if (dma_fd < 0) {
		dma_fd = memfd_create("faultline-dma", MFD_CLOEXEC);
		if (dma_fd >= 0 && ftruncate(dma_fd, FL_HOST_PAGE))
			fail("ftruncate: %s", strerror(errno));
	}
	return dma_fd;
}

/*
 * A device access through the pin: IORING_OP_WRITE_FIXED copies from the
 * pinned page to a file (a DMA read), IORING_OP_READ_FIXED copies from
 * the file into it (a DMA write).  Both use the pinned pages, not the page
 * tables: exactly what a device holding the pin would see.
 */
static bool pin_io(struct hpin *p, uint64_t va, bool to_page, off_t off)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&p->ring);
	struct io_uring_cqe *cqe;
	int res;

	if (!sqe)
		return false;
	if (to_page)
		io_uring_prep_read_fixed(sqe, dma_file(), (void *)(uintptr_t)va, 8, (uint64_t)off, 0);
	else
		io_uring_prep_write_fixed(sqe, dma_file(), (void *)(uintptr_t)va, 8, (uint64_t)off, 0);
	if (io_uring_submit_and_wait(&p->ring, 1) < 0 || io_uring_wait_cqe(&p->ring, &cqe))
		return false;
	res = cqe->res;
	io_uring_cqe_seen(&p->ring, cqe);
	return res == 8;
}
#else
/*
 * Built without liburing: the host reports every pin test unsupported
 * (host/caps.c), so these are never reached; if one is, it says why.
 */
static uint64_t do_pin(const struct fl_lit_op *op)
{
	(void)op;
	fail("faultline was built without liburing: no io_uring pins");
	return FL_VAL_SEGV;
}

static void do_unpin(const struct fl_lit_op *op)
{
	(void)op;
}

static int dma_file(void)
{
	return -1;
}

static bool pin_io(struct hpin *p, uint64_t va, bool to_page, off_t off)
{
	(void)p;
	(void)va;
	(void)to_page;
	(void)off;
	return false;
}
#endif

static uint64_t pin_access(const struct fl_lit_op *op, int slot)
{
	struct hpin *p;
	uint64_t va = FL_HOST_VA(op_vpn(op), op_word(op)), v = op->value;
	off_t off = (off_t)((me * FL_OUT_SLOTS + slot) * 8);
	bool ok;

	pthread_mutex_lock(&tab_lock);
	p = pin_find(op_vpn(op));
	pthread_mutex_unlock(&tab_lock);
	if (!p || !p->live)
		return FL_VAL_SEGV;
	if (op->kind == FL_OP_PIN_WRITE) {
		if (pwrite(dma_file(), &v, 8, off) != 8)
			fail("pwrite: %s", strerror(errno));
		ok = pin_io(p, va, true, off);
	} else {
		ok = pin_io(p, va, false, off) && pread(dma_file(), &v, 8, off) == 8;
	}
	if (!ok)
		fail("line %d: the io_uring transfer through the pin failed", op->loc.line);
	return v;
}

/* ---- vmsplice ---- */

static struct hpipe *pipe_find(int vpn)
{
	for (int i = npipes - 1; i >= 0; i--)
		if (pipes[i].proc == me && pipes[i].vpn == vpn)
			return &pipes[i];
	return NULL;
}

/* vmsplice(2) without SPLICE_F_GIFT: the pipe takes references on the page (FOLL_GET). */
static uint64_t do_vmsplice(const struct fl_lit_op *op)
{
	struct iovec iov = { op_page(op), FL_HOST_PAGE };
	struct hpipe *p;

	pthread_mutex_lock(&tab_lock);
	if (npipes == MAX_PIPES) {
		pthread_mutex_unlock(&tab_lock);
		fail("more than %d vmsplice pipes", MAX_PIPES);
		return FL_VAL_SEGV;
	}
	p = &pipes[npipes];
	*p = (struct hpipe){ .proc = me, .vpn = op_vpn(op) };
	if (pipe2(p->fd, O_CLOEXEC)) {
		pthread_mutex_unlock(&tab_lock);
		fail("pipe2: %s", strerror(errno));
		return FL_VAL_SEGV;
	}
	if (vmsplice(p->fd[1], &iov, 1, 0) != (ssize_t)FL_HOST_PAGE) {
		close(p->fd[0]);
		close(p->fd[1]);
		pthread_mutex_unlock(&tab_lock);
		return FL_VAL_SEGV;
	}
	npipes++;
	pthread_mutex_unlock(&tab_lock);
	return 0;
}

/* Read the word without consuming the pipe: tee(2) its buffers to a scratch pipe, read that. */
static uint64_t do_pipe_read(const struct fl_lit_op *op)
{
	static __thread uint64_t buf[FL_HOST_PAGE / 8];
	struct hpipe *p;
	int s[2];
	uint64_t v = FL_VAL_SEGV;

	pthread_mutex_lock(&tab_lock);
	p = pipe_find(op_vpn(op));
	pthread_mutex_unlock(&tab_lock);
	if (!p)
		return FL_VAL_SEGV;
	if (pipe2(s, O_CLOEXEC)) {
		fail("pipe2: %s", strerror(errno));
		return FL_VAL_SEGV;
	}
	if (tee(p->fd[0], s[1], FL_HOST_PAGE, SPLICE_F_NONBLOCK) == (ssize_t)FL_HOST_PAGE &&
	    read(s[0], buf, FL_HOST_PAGE) == (ssize_t)FL_HOST_PAGE)
		v = buf[op_word(op)];
	else
		fail("line %d: tee/read of the vmsplice pipe failed", op->loc.line);
	close(s[0]);
	close(s[1]);
	return v;
}

/* ---- ops ---- */

/*
 * madvise has no register: its outcome is the state it leaves.  The
 * kernel applies the advice VMA by VMA (madvise_walk_vmas) and reports
 * ENOMEM for a hole only at the end, after advising the mapped parts;
 * EINVAL comes from a VMA it refuses (MADV_PAGEOUT on VM_LOCKED,
 * can_madv_lru_vma; MADV_DONTFORK on VM_IO).  Both are outcomes, not
 * backend failures.  Anything else is.
 */
static void do_madvise(const struct fl_lit_op *op, int advice)
{
	if (madvise(op_page(op), op_len(op), advice) && errno != ENOMEM && errno != EINVAL)
		fail("line %d: madvise(%s): %s", op->loc.line,
		     advice == MADV_PAGEOUT ? "MADV_PAGEOUT" : "MADV_DONTFORK", strerror(errno));
}

static void start_threads(void);

/*
 * What the live kernel runs for each op: host_<name>() for every row of
 * FL_LIT_OPS marked HOST (litmus/ops.h).  The NOHOST rows never get here:
 * fl_host_unsupported() turns their tests away with the table's reason.
 */
#define HOST_OP(name) static void host_##name(const struct fl_lit_op *op, int slot)

/*
 * The memfd of each file: made by P0 in init before any fork (the parser
 * insists), so every agent process has the descriptor, at the same number.
 */
static int file_fd[FL_LIT_MAX_FILES] = { -1, -1, -1, -1 };
_Static_assert(FL_LIT_MAX_FILES == 4, "file_fd[] initialiser");

HOST_OP(mmap)
{
	void *p;

	(void)slot;
	if (op->file >= 0)
		p = mmap(op_page(op), op_len(op), prot_of(op->prot), MAP_FIXED_NOREPLACE | MAP_SHARED,
			 file_fd[op->file], (off_t)op->fpage * FL_HOST_PAGE);
	else
		p = mmap(op_page(op), op_len(op), prot_of(op->prot),
			 MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | ((op->mflags & FL_MAP_SHARED) ? MAP_SHARED : MAP_PRIVATE),
			 -1, 0);
	if (p != op_page(op))
		fail("line %d: mmap at %p: %s", op->loc.line, op_page(op),
		     p == MAP_FAILED ? strerror(errno) : "placed elsewhere");
}

HOST_OP(munmap)
{
	(void)slot;
	munmap(op_page(op), op_len(op));
}

HOST_OP(mprotect)
{
	(void)slot;
	mprotect(op_page(op), op_len(op), prot_of(op->prot));
}

static void access_op(const struct fl_lit_op *op, int slot, bool write)
{
	uint64_t v = 0;

	if (!user_access(FL_HOST_VA(op_vpn(op), op_word(op)), write, op->value, &v))
		v = FL_VAL_SEGV;
	set_reg(slot, op->reg, v);
}

HOST_OP(read)
{
	access_op(op, slot, false);
}

HOST_OP(write)
{
	access_op(op, slot, true);
}

HOST_OP(pagemap)
{
	uint64_t pm;
	int ret = fl_host_pagemap(FL_HOST_VA(op_vpn(op), 0), &pm);

	if (ret)
		fail("line %d: pagemap: %s", op->loc.line, strerror(-ret));
	set_reg(slot, op->reg, pm);
}

HOST_OP(clear_refs)
{
	int ret = fl_host_clear_refs(op->clear_refs_type);

	(void)slot;
	if (ret)
		fail("line %d: clear_refs: %s", op->loc.line, strerror(-ret));
}

HOST_OP(fork)
{
	pid_t pid = fork();

	if (pid < 0) {
		fail("line %d: fork: %s", op->loc.line, strerror(errno));
	} else if (pid == 0) {
		/*
		 * Only this thread survives in the child: it becomes Pn's
		 * agent.  Forked by a litmus thread (slot > 0), the threads
		 * are running already, so Pn starts its own at once; forked
		 * in init, it waits for START like every agent.
		 */
		pthread_mutex_init(&tab_lock, NULL);
		me = op->child;
		if (slot > 0)
			start_threads();
		fl_host_agent(env, op->child);
	}
}

HOST_OP(exit)
{
	(void)op;
	(void)slot;
	_exit(0);
}

HOST_OP(pin_user_pages)
{
	set_reg(slot, op->reg, do_pin(op));
}

HOST_OP(pin_user_pages_fast)
{
	set_reg(slot, op->reg, do_pin(op));
}

HOST_OP(unpin_user_page)
{
	(void)slot;
	do_unpin(op);
}

HOST_OP(pin_read)
{
	set_reg(slot, op->reg, pin_access(op, slot));
}

HOST_OP(pin_write)
{
	pin_access(op, slot);
}

HOST_OP(vmsplice)
{
	set_reg(slot, op->reg, do_vmsplice(op));
}

HOST_OP(pipe_read)
{
	set_reg(slot, op->reg, do_pipe_read(op));
}

HOST_OP(uffd_register)
{
	struct uffdio_register r = {
		.range = { (uintptr_t)op_page(op), op_len(op) },
		.mode = ((op->value & FL_UFFD_MISSING) ? UFFDIO_REGISTER_MODE_MISSING : 0) |
			((op->value & FL_UFFD_WP) ? UFFDIO_REGISTER_MODE_WP : 0),
	};

	set_reg(slot, op->reg, errno_reg(uffd_ioctl(UFFDIO_REGISTER, &r)));
}

HOST_OP(uffd_wp)
{
	struct uffdio_writeprotect w = {
		.range = { (uintptr_t)op_page(op), op_len(op) },
		.mode = op->value ? UFFDIO_WRITEPROTECT_MODE_WP : 0,
	};

	set_reg(slot, op->reg, errno_reg(uffd_ioctl(UFFDIO_WRITEPROTECT, &w)));
}

HOST_OP(uffd_copy)
{
	set_reg(slot, op->reg, uffd_copy(op));
}

HOST_OP(uffd_zeropage)
{
	struct uffdio_zeropage z = { .range = { (uintptr_t)op_page(op), FL_HOST_PAGE } };

	set_reg(slot, op->reg, errno_reg(uffd_ioctl(UFFDIO_ZEROPAGE, &z)));
}

HOST_OP(uffd_wait)
{
	set_reg(slot, op->reg, uffd_wait(slot));
}

HOST_OP(mlock)
{
	/* The raw system call: AddressSanitizer turns mlock(3) into a no-op. */
	set_reg(slot, op->reg, syscall(SYS_mlock, op_page(op), op_len(op)) ? (uint64_t)errno : 0);
}

HOST_OP(madvise_dontfork)
{
	(void)slot;
	do_madvise(op, MADV_DONTFORK);
}

HOST_OP(madvise_pageout)
{
	(void)slot;
	do_madvise(op, MADV_PAGEOUT);
}

HOST_OP(memfd)
{
	int fd = memfd_create("faultline", MFD_CLOEXEC);

	(void)slot;
	if (fd < 0 || ftruncate(fd, (off_t)op->npages * FL_HOST_PAGE))
		fail("line %d: memfd_create/ftruncate: %s", op->loc.line, strerror(errno));
	file_fd[op->file] = fd;
}

HOST_OP(fallocate)
{
	int r = fallocate(file_fd[op->file], FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			  (off_t)op->fpage * FL_HOST_PAGE, (off_t)op->npages * FL_HOST_PAGE);

	set_reg(slot, op->reg, r ? (uint64_t)errno : 0);
}

HOST_OP(madvise_remove)
{
	set_reg(slot, op->reg, madvise(op_page(op), op_len(op), MADV_REMOVE) ? (uint64_t)errno : 0);
}

#define HOST_FN_HOST(name)	host_##name
#define HOST_FN_NOHOST(why)	HOST_FN_NONE
#define HOST_FN_NONE(name)	NULL

static void (*const host_ops[FL_OP__COUNT])(const struct fl_lit_op *, int) = {
#define FL_X_HOST(K, name, dest, args, host, ...) [FL_OP_##K] = HOST_FN_##host(name),
	FL_LIT_OPS(FL_X_HOST)
#undef FL_X_HOST
};

static void run_op(const struct fl_lit_op *op, int slot)
{
	if (!host_ops[op->kind])	/* fl_host_unsupported() keeps these scenarios away */
		fail("line %d: %s is not supported on the host: %s", op->loc.line, fl_ops[op->kind].name,
		     fl_ops[op->kind].nohost);
	else
		host_ops[op->kind](op, slot);
}

static void *thread_main(void *arg)
{
	int t = (int)(intptr_t)arg;
	const struct fl_lit_thread *th = &env->sc->threads[t];

	pin_cpu(th->cpu);
	while (!__atomic_load_n(&env->sh->go, __ATOMIC_ACQUIRE))
		;	/* spin: every thread leaves the gate at once */
	for (int i = 0; i < th->nops; i++)
		run_op(&th->ops[i], t + 1);
	__atomic_store_n(&env->sh->done[t], 1, __ATOMIC_RELEASE);
	return NULL;
}

static void start_threads(void)
{
	for (int t = 0; t < env->sc->nthreads; t++) {
		pthread_t pt;

		if (env->sc->threads[t].proc != me)
			continue;
		if (pthread_create(&pt, NULL, thread_main, (void *)(intptr_t)t)) {
			fail("pthread_create: %s", strerror(errno));
			__atomic_store_n(&env->sh->done[t], 1, __ATOMIC_RELEASE);
			continue;
		}
		pthread_detach(pt);
	}
}

static void reply(int cmd, int arg, int status)
{
	struct fl_hmsg m = { .cmd = cmd, .proc = me, .arg = arg, .status = status, .pid = (int32_t)getpid() };

	if (write(env->reply[1], &m, sizeof(m)) != (ssize_t)sizeof(m))
		_exit(3);
}

void fl_host_agent(const struct fl_host_env *e, int proc)
{
	struct sigaction sa;
	struct fl_hmsg m;

	env = e;
	me = proc;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault_signal;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	for (;;) {
		ssize_t n = read(env->cmd[me][0], &m, sizeof(m));

		if (n == 0)
			_exit(0);	/* the controller is gone */
		if (n != (ssize_t)sizeof(m)) {
			if (n < 0 && errno == EINTR)
				continue;
			_exit(4);
		}
		if (m.cmd == FL_HCMD_OP) {
			const struct fl_lit_op *op = &env->sc->init[m.arg];

			pin_cpu(op->cpu);
			if (op->kind == FL_OP_EXIT) {
				reply(m.cmd, m.arg, FL_HST_EXITED);
				_exit(0);
			}
			run_op(op, 0);
			reply(m.cmd, m.arg, env->sh->err_set ? FL_HST_ERROR : FL_HST_OK);
		} else {
			start_threads();
			reply(m.cmd, 0, FL_HST_OK);
		}
	}
}
