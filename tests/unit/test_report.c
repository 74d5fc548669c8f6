/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_report.c - the escaping every machine-readable output
 * goes through (report/report.c): fl_json_str for --json, fl_xml_str for
 * the JUnit report and the HTML page.  Every byte value is tried alone and
 * inside text, and valid UTF-8 must come through unchanged.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

static char *render(void (*fn)(FILE *, const char *), const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(f, s);
	fclose(f);
	return buf;
}

static void test_json_specials(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "", "\"\"" },
		{ "plain", "\"plain\"" },
		{ "a\"b", "\"a\\\"b\"" },
		{ "back\\slash", "\"back\\\\slash\"" },
		{ "new\nline", "\"new\\nline\"" },
		{ "tab\there", "\"tab\\there\"" },
		{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
		{ "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x90\xa7", "\"caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x90\xa7\"" },
		{ "bad \xff byte", "\"bad \\ufffd byte\"" },
		{ "cut \xc3", "\"cut \\ufffd\"" },
		{ "overlong \xc0\xaf", "\"overlong \\ufffd\\ufffd\"" },
		{ "surrogate \xed\xa0\x80", "\"surrogate \\ufffd\\ufffd\\ufffd\"" },
		{ "</script>", "\"</script>\"" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = render(fl_json_str, cases[i].in);

		assert_string_equal(got, cases[i].out);
		free(got);
	}
}

/* Every single byte: the output has no raw control character and no byte >= 0x80. */
static void test_json_every_byte(void **state)
{
	(void)state;
	for (int c = 1; c < 256; c++) {
		char in[4] = { 'x', (char)c, 'y', 0 };
		char *got = render(fl_json_str, in);

		for (char *p = got; *p; p++) {
			assert_true((unsigned char)*p >= 0x20);
			assert_true((unsigned char)*p < 0x80);
		}
		assert_true(got[0] == '"' && got[strlen(got) - 1] == '"');
		free(got);
	}
}

static void test_xml(void **state)
{
	char *got;

	(void)state;
	got = render(fl_xml_str, "a<b>&\"c'\td\ne\x01\xff caf\xc3\xa9");
	assert_string_equal(got, "a&lt;b&gt;&amp;&quot;c&apos;&#9;d&#10;e\xef\xbf\xbd\xef\xbf\xbd caf\xc3\xa9");
	free(got);
	for (int c = 1; c < 256; c++) {
		char in[2] = { (char)c, 0 };

		got = render(fl_xml_str, in);
		for (unsigned char *p = (unsigned char *)got; *p; p++)
			assert_true(*p >= 0x20 && *p != '<' && *p != '"');
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_specials),
		cmocka_unit_test(test_json_every_byte),
		cmocka_unit_test(test_xml),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
