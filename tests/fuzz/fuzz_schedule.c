/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_schedule.c - libFuzzer target: the schedule string
 * (fl_schedule_decode / fl_schedule_encode, explore/schedule.c).
 *
 * The input is the text of a --schedule argument.  Decoding must never
 * read or write out of bounds and must either succeed with 0..FL_MAX_STEPS
 * steps or fail with a message; it accepts only digits, ':' and '.' (after
 * an optional version prefix "vN/").  Two
 * round trips check the pair agree: decode(encode(decode(s))) == decode(s),
 * and the input's bytes taken as a choice array survive encode then decode
 * (whenever the encoding fits the FL_SCHED_STR buffer that counterexamples
 * use).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz oracle: %s: %s\n", what, detail);
	abort();
}

/* Encode @choice, then decode it back; they must match when nothing was cut. */
static void round_trip(const uint8_t *choice, int n)
{
	static char buf[FL_SCHED_STR];
	static uint8_t back[FL_MAX_STEPS];
	char err[128];
	int m;

	fl_schedule_encode(choice, n, buf, sizeof(buf));
	if (strlen(buf) >= sizeof(buf) - 1)
		return;		/* filled the buffer: possibly truncated, nothing to compare */
	m = fl_schedule_decode(buf, back, FL_MAX_STEPS, err, sizeof(err));
	if (m < 0)
		fail("an encoded schedule does not decode", err);
	if (m != n || memcmp(back, choice, (size_t)n))
		fail("encode/decode round trip changed the schedule", buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t choice[FL_MAX_STEPS];
	char *s = malloc(size + 1);
	char err[128];
	int n;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	err[0] = '\0';
	n = fl_schedule_decode(s, choice, FL_MAX_STEPS, err, sizeof(err));
	if (n < -1 || n > FL_MAX_STEPS)
		fail("decode returned a count out of range", s);
	if (n == -1 && !err[0])
		fail("decode failed without a message", s);
	/*
	 * The format is digits, ':' and '.' after an optional version "vN/": nothing
	 * else may be accepted (no blanks, no signs).  The version prefix is skipped
	 * here without being required, so this holds before and after versioned
	 * schedules (main, 2e0878a).
	 */
	if (n >= 0) {
		const char *body = s;

		if (body[0] == 'v') {
			body++;
			body += strspn(body, "0123456789");
			if (*body == '/')
				body++;
		}
		/* (A NUL byte in the input ends the C string: what follows is not the decoder's.) */
		if (strspn(body, "0123456789:.") != strlen(body))
			fail("decode accepted a schedule with a byte outside [0-9:.]", s);
	}
	if (n >= 0)
		round_trip(choice, n);
	/* A small max in an 8-byte heap block: ASan sees any write past it. */
	{
		uint8_t *small = malloc(8);
		int k;

		if (small) {
			k = fl_schedule_decode(s, small, 8, err, sizeof(err));
			if (k > 8 || (n >= 0 && n <= 8 && k != n))
				fail("decode with max 8 disagrees", s);
			free(small);
		}
	}
	free(s);
	round_trip(data, size < FL_MAX_STEPS ? (int)size : FL_MAX_STEPS);
	return 0;
}
