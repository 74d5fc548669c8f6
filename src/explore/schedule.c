/* SPDX-License-Identifier: MIT */
/*
 * explore/schedule.c - the schedule string, and the parts every strategy shares.
 *
 * Format: a version, then dot-separated runs "T" or "T:N" (thread T for N
 * steps), e.g. "v1/0:3.1.2:4".  It is shell-safe, short for the long runs
 * a kernel path makes, and independent of the strategy that found it.  The
 * version names the model's step granularity: when a change to the model
 * moves its yield points, a handle from before would replay something
 * else, so the version goes up and an old handle is refused by name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "explore/explore_int.h"

double fl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void fl_schedule_encode(const uint8_t *choice, int n, char *buf, int len)
{
	int o = snprintf(buf, (size_t)len, "%s", FL_SCHED_VERSION "/");

	for (int i = 0; i < n && o < len - 1;) {
		int j = i;

		while (j < n && choice[j] == choice[i])
			j++;
		if (j - i == 1)
			o += snprintf(buf + o, (size_t)(len - o), "%s%u", i ? "." : "", choice[i]);
		else
			o += snprintf(buf + o, (size_t)(len - o), "%s%u:%d", i ? "." : "", choice[i], j - i);
		i = j;
	}
}

/*
 * A decimal number, digits only: strtol alone would also take leading
 * blanks and a sign (" 1", "0:+3", "-0"), which the format does not have.
 */
static long sched_num(const char *p, char **end)
{
	if (*p < '0' || *p > '9') {
		*end = (char *)p;
		return 0;
	}
	return strtol(p, end, 10);
}

/* The offending byte, printable or not (a control byte must not reach the terminal raw). */
static void sched_byte(char c, char *buf, size_t len)
{
	if (c > 0x20 && c < 0x7f)
		snprintf(buf, len, "'%c'", c);
	else
		snprintf(buf, len, "byte 0x%02x", (unsigned char)c);
}

int fl_schedule_decode(const char *s, uint8_t *choice, int max, char *err, int errlen)
{
	int n = 0;
	const char *p = s, *slash = strchr(s, '/');

	if (strncmp(s, FL_SCHED_VERSION "/", strlen(FL_SCHED_VERSION) + 1) != 0) {
		if (s[0] == 'v' && slash)
			snprintf(err, (size_t)errlen, "schedule of format %.*s, but this faultline reads %s: "
				 "explore again for a schedule of this version", (int)(slash - s), s, FL_SCHED_VERSION);
		else
			snprintf(err, (size_t)errlen, "schedule without a version (%s/...): it comes from a faultline "
				 "before versioned schedules, whose steps may differ; explore again", FL_SCHED_VERSION);
		return -1;
	}
	p += strlen(FL_SCHED_VERSION) + 1;
	if (!*p)
		return 0;
	for (;;) {
		char *end;
		long t, cnt = 1;

		errno = 0;
		t = sched_num(p, &end);
		if (end == p || t < 0 || t > 255 || errno) {
			snprintf(err, (size_t)errlen, "bad schedule at offset %d: expected a thread number, 0..255",
				 (int)(p - s));
			return -1;
		}
		p = end;
		if (*p == ':') {
			p++;
			cnt = sched_num(p, &end);
			if (end == p || cnt < 1 || cnt > FL_MAX_STEPS || errno) {
				snprintf(err, (size_t)errlen, "bad schedule at offset %d: expected a step count, 1..%d",
					 (int)(p - s), FL_MAX_STEPS);
				return -1;
			}
			p = end;
		}
		if (n + cnt > max) {
			snprintf(err, (size_t)errlen, "schedule longer than %d steps", max);
			return -1;
		}
		for (long k = 0; k < cnt; k++)
			choice[n++] = (uint8_t)t;
		if (*p == '\0')
			return n;
		if (*p != '.') {
			char b[16];

			sched_byte(*p, b, sizeof(b));
			snprintf(err, (size_t)errlen, "bad schedule at offset %d: unexpected %s", (int)(p - s), b);
			return -1;
		}
		p++;
	}
}

int fl_count_preemptions(const uint8_t *choice, const uint32_t *enabled, int n)
{
	int pre = 0;

	for (int i = 1; i < n; i++)
		if (choice[i] != choice[i - 1] && (enabled[i] & (1u << choice[i - 1])))
			pre++;
	return pre;
}

void fl_record_execution(struct fl_explore_result *res, const struct fl_program *prog, uint32_t found,
			 const uint8_t *choice, const uint32_t *enabled, int n, double t0)
{
	int pre = -1;

	res->executions++;
	res->found |= found;
	for (int p = 0; p < prog->nprops && found; p++) {
		struct fl_cex *c = &res->cex[p];

		if (!(found & (1u << p)))
			continue;
		if (pre < 0)
			pre = fl_count_preemptions(choice, enabled, n);
		if (c->found && (c->preemptions < pre || (c->preemptions == pre && c->nsteps <= n)))
			continue;
		if (!c->found) {
			c->seconds = fl_now() - t0;
			c->execution = res->executions;
		}
		c->found = true;
		c->run = res->executions + res->pruned;
		c->preemptions = pre;
		c->nsteps = n;
		fl_schedule_encode(choice, n, c->schedule, sizeof(c->schedule));
	}
}

bool fl_explore_limited(struct fl_explore_result *res, const uint8_t *choice, int n)
{
	char sched[FL_SCHED_STR];
	int o;

	if (__builtin_expect(!fl_sim.limited, 1))
		return false;
	o = snprintf(res->error, sizeof(res->error), "%s", fl_sim.limit_msg);
	fl_schedule_encode(choice, n, sched, sizeof(sched));
	if (o < (int)sizeof(res->error) && (size_t)o + strlen(sched) + 40 < sizeof(res->error))
		snprintf(res->error + o, sizeof(res->error) - (size_t)o, " (reached by --schedule %s)", sched);
	res->complete = false;
	return true;
}

void fl_explore_too_long(struct fl_explore_result *res)
{
	char where[700];

	fl_sim_where_all(where, sizeof(where));
	snprintf(res->error, sizeof(res->error),
		 "an execution exceeded %d steps, the model's limit per execution (FL_MAX_STEPS): "
		 "a livelock in the model, or a scenario longer than the model runs; unfinished: %s",
		 FL_MAX_STEPS, where);
	res->complete = false;
}
