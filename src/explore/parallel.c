/* SPDX-License-Identifier: MIT */
/*
 * explore/parallel.c - one file's search on several cores: shard k of n
 * of the exhaustive search (dpor.c, "Sharding") in each of n forked
 * workers, and the merge of shard results.
 *
 * The model lives in global arrays (one machine per process), so the
 * workers are processes, not threads: each inherits the prepared program
 * through fork(), explores its shard, and sends its struct
 * fl_explore_result back through a pipe.  The merge is the same one
 * `faultline merge` applies to the results of shards run anywhere.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "explore/explore_int.h"

/* Is @a a better counterexample than @b: fewer preemptions, then fewer steps, then the smaller schedule. */
static bool cex_better(const struct fl_cex *a, const struct fl_cex *b)
{
	if (!b->found)
		return true;
	if (a->preemptions != b->preemptions)
		return a->preemptions < b->preemptions;
	if (a->nsteps != b->nsteps)
		return a->nsteps < b->nsteps;
	return strcmp(a->schedule, b->schedule) < 0;
}

void fl_explore_merge(struct fl_explore_result *into, const struct fl_explore_result *r)
{
	into->found |= r->found;
	into->executions += r->executions;
	into->pruned += r->pruned;
	into->deadlocked += r->deadlocked;
	into->steps += r->steps;
	if (r->seconds > into->seconds)
		into->seconds = r->seconds;
	if (into->complete && !r->complete) {
		into->complete = false;
		memcpy(into->stop_reason, r->stop_reason, sizeof(into->stop_reason));
	}
	if (!into->error[0] && r->error[0])
		memcpy(into->error, r->error, sizeof(into->error));
	for (int p = 0; p < FL_EXPLORE_MAX_PROPS; p++) {
		const struct fl_cex *c = &r->cex[p];
		double first;

		if (!c->found)
			continue;
		first = into->cex[p].found && into->cex[p].seconds < c->seconds ? into->cex[p].seconds : c->seconds;
		if (cex_better(c, &into->cex[p]))
			into->cex[p] = *c;
		into->cex[p].seconds = first;
	}
}

#define FL_CLAIM_PREFIXES	(1u << 16)	/* prefixes per pass the table holds */

static bool read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static bool write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/*
 * opts->jobs workers, balanced dynamically: every worker walks the same
 * prefixes down to the split depth (dpor.c, "Sharding"), and the first to
 * meet a prefix in a pass claims it in a table shared by all of them, so
 * a worker held up in a large subtree leaves the rest to the others.
 * Which worker explores a prefix depends on timing; the union does not.
 * Passes are claimed separately (the probe, then each bound): a worker
 * that stops (its probe finished, or its pass never met the bound) has
 * searched its prefixes exactly; a worker still running claims, in the
 * passes the others never reach, every prefix.  Within --shard K/N the
 * workers split shard K.
 */
void fl_explore_jobs(const struct fl_program *prog, const struct fl_explore_opts *opts,
		     struct fl_explore_result *res)
{
	static struct fl_explore_result part;
	int jobs = opts->jobs;
	int fds[FL_MAX_JOBS];
	pid_t pids[FL_MAX_JOBS];
	double t0 = fl_now();
	uint64_t words = FL_CLAIM_PREFIXES / 64, spaces = (uint64_t)(opts->preemptions < 0 ? 0 : opts->preemptions) + 2;
	size_t bytes = (size_t)(words * spaces * sizeof(uint64_t));
	uint64_t *claims;

	memset(res, 0, sizeof(*res));
	res->complete = true;
	claims = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (claims == MAP_FAILED) {
		snprintf(res->error, sizeof(res->error), "-j %d: mmap: %s", jobs, strerror(errno));
		res->complete = false;
		return;
	}
	fflush(NULL);
	for (int w = 0; w < jobs; w++) {
		int pfd[2];

		if (pipe(pfd)) {
			snprintf(res->error, sizeof(res->error), "-j %d: pipe: %s", jobs, strerror(errno));
			jobs = w;
			break;
		}
		pids[w] = fork();
		if (pids[w] < 0) {
			snprintf(res->error, sizeof(res->error), "-j %d: fork: %s", jobs, strerror(errno));
			close(pfd[0]);
			close(pfd[1]);
			jobs = w;
			break;
		}
		if (pids[w] == 0) {
			struct fl_explore_opts o = *opts;

			close(pfd[0]);
			for (int v = 0; v < w; v++)
				close(fds[v]);
			o.jobs = 1;
			o.progress = NULL;
			o.claims = claims;
			o.claim_words = words;
			fl_explore(prog, &o, &part);
			_exit(write_all(pfd[1], &part, sizeof(part)) ? 0 : 1);
		}
		close(pfd[1]);
		fds[w] = pfd[0];
	}
	for (int w = 0; w < jobs; w++) {
		int st;

		if (read_all(fds[w], &part, sizeof(part)))
			fl_explore_merge(res, &part);
		else if (!res->error[0])
			snprintf(res->error, sizeof(res->error), "-j: worker %d of %d died without a result", w,
				 opts->jobs);
		close(fds[w]);
		while (waitpid(pids[w], &st, 0) < 0 && errno == EINTR)
			;
	}
	munmap(claims, bytes);
	if (res->error[0])
		res->complete = false;
	res->seconds = fl_now() - t0;
}
