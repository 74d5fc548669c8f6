/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_parse.c - libFuzzer target: the litmus parser.
 *
 * The input is a litmus file, byte for byte (NUL bytes included, through
 * fl_parse_buffer).  Beyond "no crash, no sanitizer report" it checks the
 * parser's promises: a rejected file has a located message, an accepted one
 * is inside every table of litmus/ast.h, and the NUL-terminated entry
 * (fl_parse_string) gives the same scenario as the buffer entry.
 */
#include <stdint.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

/* Whole lines repeated and moved reach the parser's per-file limits (fuzz_common.h). */
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	return fuzz_line_mutate(data, size, max_size, seed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Two scenarios of ~40 KB each: static, off the stack. */
	static struct fl_scenario sc, again;
	static char text[(1u << 20) + 2];
	char err[1024], err2[1024];
	int rc;

	err[0] = '\0';
	rc = fl_parse_buffer(FUZZ_FILE, (const char *)data, size, &sc, err, sizeof(err));
	if (rc != 0 && rc != -1)
		fuzz_fail("fl_parse_buffer returned %d", rc);
	if (rc)
		fuzz_check_located(err, FUZZ_FILE);
	else
		fuzz_check_scenario(&sc);

	/* The string entry on the same text, when it has no NUL byte to cut it short. */
	if (size < sizeof(text) && !memchr(data, 0, size)) {
		int rc2;

		memcpy(text, data, size);
		text[size] = '\0';
		err2[0] = '\0';
		rc2 = fl_parse_string(FUZZ_FILE, text, &again, err2, sizeof(err2));
		if (rc2 != rc || (rc && strcmp(err, err2)) || (!rc && memcmp(&sc, &again, sizeof(sc))))
			fuzz_fail("fl_parse_string and fl_parse_buffer disagree (%d \"%s\" vs %d \"%s\")",
				  rc, err, rc2, err2);
	}
	return 0;
}
