# faultline - build, test, benchmark.  See README.md.
#
#   make            build build/faultline (optimised)
#   make demo       build and run the headline demo
#   make check      the whole test suite: unit tests, corpus, sanitizer pass, CLI checks, conform on this kernel
#   make bench      benchmark figures (executions/s, steps/s, time to first counterexample)
#   make fuzz       libFuzzer targets (clang): regressions, then FUZZ_SECONDS of fuzzing (docs/fuzzing.md)
#   make install    PREFIX=/usr/local (DESTDIR too): the binary, libfaultline.a, headers, faultline.pc,
#                   faultline(1), bash completion; `make uninstall` removes them

CC      ?= cc
CSTD    := -std=c11 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Werror
INC     := -Isrc
OPT     ?= -O2 -g
CFLAGS  += $(CSTD) $(WARN) $(INC)
# liburing: io_uring fixed buffers are the host backend's long-term pins (host/agent.c).  It is
# optional: without its header the build goes on, and conform reports the pin tests unsupported
# with that reason, so `make demo` needs nothing but a C compiler and make.
HAVE_LIBURING := $(shell printf '\043include <liburing.h>\n' | $(CC) -E -x c - >/dev/null 2>&1 && echo 1)
ifeq ($(HAVE_LIBURING),1)
CFLAGS  += -DFL_HAVE_LIBURING
LIBS    := -luring -lpthread
else
LIBS    := -lpthread
endif

LAYERS  := sim hw policy mm check litmus explore report host conform
LIB_SRC := $(foreach l,$(LAYERS),$(filter-out src/sim/ctx_%.c,$(wildcard src/$(l)/*.c)))
CLI_SRC := $(wildcard src/cli/*.c)

B       := build
OBJ     := $(patsubst src/%.c,$(B)/obj/%.o,$(LIB_SRC))
SAN_OBJ := $(patsubst src/%.c,$(B)/san/%.o,$(LIB_SRC))
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# Header dependencies, as the compiler sees them (ctx.c's #include of its backend too).
DEPFLAGS := -MMD -MP

UNIT_SRC := $(wildcard tests/unit/test_*.c)
# test_explore's DPOR-vs-DFS comparison is long: it runs in the optimised build (the
# sanitizers still see the explorer through the sanitized corpus run).
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/%,$(filter-out tests/unit/test_explore.c,$(UNIT_SRC))) \
	    $(B)/tests/test_sim_ucontext $(B)/tests-opt/test_explore

.PHONY: all demo check unit corpus sanitize cli-check conform random-check nouring-check bench clean docs-check fuzz fuzz-build fuzz-smoke
.PHONY: install uninstall install-check report-check html-check doc-test

all: $(B)/faultline

# Objects depend on the Makefile too: a change of flags rebuilds them.
$(B)/obj/%.o: src/%.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(OPT) $(DEPFLAGS) -c $< -o $@

# The sanitizer tier runs the context switch that ships: sim/ctx.c tells ASan about each switch.
$(B)/san/%.o: src/%.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANFLAGS) $(DEPFLAGS) -c $< -o $@

-include $(OBJ:.o=.d) $(SAN_OBJ:.o=.d)

$(B)/libfaultline.a: $(OBJ)
	ar rcs $@ $^

$(B)/libfaultline-san.a: $(SAN_OBJ)
	ar rcs $@ $^

$(B)/faultline: $(CLI_SRC) $(B)/libfaultline.a
	$(CC) $(CFLAGS) $(OPT) $(CLI_SRC) $(B)/libfaultline.a $(LIBS) -o $@

$(B)/faultline-san: $(CLI_SRC) $(B)/libfaultline-san.a
	$(CC) $(CFLAGS) $(SANFLAGS) $(CLI_SRC) $(B)/libfaultline-san.a $(LIBS) -o $@

$(B)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(B)/libfaultline-san.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANFLAGS) $< $(B)/libfaultline-san.a -lcmocka $(LIBS) -o $@

$(B)/tests-opt/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(B)/libfaultline.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(OPT) $< $(B)/libfaultline.a -lcmocka $(LIBS) -o $@

# The portable fallback stays tested: the simulator's own tests on the ucontext backend.
$(B)/tests/test_sim_ucontext: tests/unit/test_sim.c $(wildcard src/sim/*.[ch])
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANFLAGS) -DFL_CTX_FORCE_UCONTEXT $< src/sim/ctx.c src/sim/sim.c src/sim/log.c src/sim/rcu.c -lcmocka -o $@

# Exit status 1 means "a property is violated", which is the point of the demo.
demo: $(B)/faultline
	$(B)/faultline run litmus/seed000/clear-refs-cow-race.litmus --kernel v5.10; test $$? -le 1

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

corpus: $(B)/faultline
	$(B)/faultline test litmus/

sanitize: $(B)/faultline-san
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $(B)/faultline-san test litmus/
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $(B)/faultline-san conform litmus/conformance
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $(B)/faultline-san run \
	  litmus/seed000/clear-refs-cow-race.litmus --kernel v5.10 --html $(B)/san-trace.html >/dev/null; test $$? -eq 1
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $(B)/faultline-san test litmus/seed000 \
	  --tap --junit $(B)/san-junit.xml >/dev/null

# The conformance corpus on the running kernel: every test agrees with the model or is reported
# unsupported with its reason (a missing feature is not a failure).  Then: nothing left behind.
conform: $(B)/faultline
	$(B)/faultline conform litmus/conformance
	tests/check_conform_cleanup.sh $(B)/faultline

# The command line's exit statuses, messages, help, path handling and status line.
cli-check: $(B)/faultline
	tests/check_cli.sh $(B)/faultline

docs-check: $(B)/faultline
	$(B)/faultline policies --markdown | diff -u docs/switches.md - || \
	  (echo "docs/switches.md is stale: run 'build/faultline policies --markdown > docs/switches.md'"; exit 1)
	tests/check_litmus_readme.sh

# A fixed-seed batch of random tests (issue 14): sequential files against this kernel, concurrent
# scenarios on the model; every disagreement or violation must be explained (docs/conform.md).
random-check: $(B)/faultline
	tests/check_random.sh $(B)/faultline

# The first command of the README works with only a C compiler and make: `make demo` in a clean
# copy of the tree with liburing.h hidden (a bind mount in a private mount namespace; where that
# is not allowed, HAVE_LIBURING=0), and conform names the reason it skips pins.
nouring-check:
	tests/check_nouring.sh $(B)

# Results for CI systems (issue 12): every --json output parsed, JSON/XML escaping of hostile names,
# the JUnit report validated against its schema (xmllint), TAP as kselftest prints it.
report-check: $(B)/faultline
	tests/check_reports.sh $(B)/faultline

# The HTML trace view in headless Chromium; the screenshot and pages stay in $(B)/artifacts.
html-check: $(B)/faultline
	tests/check_html.py $(B)/faultline $(B)/artifacts

# Every faultline command shown in README.md and docs/ runs, and what they say it prints, it prints.
doc-test: $(B)/faultline
	tests/check_docs.py $(B)/faultline

check: all unit corpus sanitize cli-check conform random-check nouring-check docs-check doc-test report-check html-check install-check fuzz-smoke
	@echo "check: all suites passed"

bench: $(B)/faultline
	$(B)/faultline bench litmus/

# --- fuzzing (docs/fuzzing.md) ---------------------------------------------------------------
# libFuzzer needs clang.  The targets link the model without host/ and conform/: what they
# find must not depend on the machine they run on.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_LAYERS  := sim hw policy mm check litmus explore report
FUZZ_LIB_SRC := $(foreach l,$(FUZZ_LAYERS),$(filter-out src/sim/ctx_%.c,$(wildcard src/$(l)/*.c)))
FUZZ_OBJ     := $(patsubst src/%.c,$(B)/fuzz/obj/%.o,$(FUZZ_LIB_SRC))
# The same sanitizers and context switch as the sanitizer tier (SANFLAGS).
FUZZ_FLAGS   := $(CSTD) $(WARN) $(INC) $(SANFLAGS)
FUZZ_BIN     := $(B)/fuzz/fuzz_parse $(B)/fuzz/fuzz_schedule $(B)/fuzz/fuzz_interp

$(B)/fuzz/obj/%.o: src/%.c Makefile
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(DEPFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

-include $(FUZZ_OBJ:.o=.d)

$(B)/fuzz/libfaultline-fuzz.a: $(FUZZ_OBJ)
	ar rcs $@ $^

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(B)/fuzz/libfaultline-fuzz.a Makefile
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer $< $(B)/fuzz/libfaultline-fuzz.a -lpthread -o $@

fuzz-build: $(FUZZ_BIN)

# Replay tests/fuzz/regressions/, then fuzz every target for FUZZ_SECONDS in total.
fuzz: fuzz-build
	tests/fuzz/run.sh $(B) $(FUZZ_SECONDS)

# What `make check` (and so CI) runs: the same, for about a minute.
fuzz-smoke: fuzz-build
	tests/fuzz/run.sh $(B) 60

# --- installing (issue 12) ------------------------------------------------------------------
PREFIX      ?= /usr/local
DESTDIR     ?=
BINDIR      := $(PREFIX)/bin
LIBDIR      := $(PREFIX)/lib
INCDIR      := $(PREFIX)/include/faultline
MANDIR      := $(PREFIX)/share/man/man1
BASHCOMPDIR := $(PREFIX)/share/bash-completion/completions
PCDIR       := $(LIBDIR)/pkgconfig
VERSION     := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
# The public API: parse a litmus file, pick a preset and switches, explore, read the result,
# render traces.  Headers include each other as "dir/file.h", so they keep their folders.
PUBLIC_HDR  := check/props.h explore/explore.h litmus/ast.h litmus/interp.h litmus/ops.h policy/policy.h \
	       report/report.h report/html.h sim/log.h

install: $(B)/faultline $(B)/libfaultline.a
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PCDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(BASHCOMPDIR)
	install -m 755 $(B)/faultline $(DESTDIR)$(BINDIR)/faultline
	install -m 644 $(B)/libfaultline.a $(DESTDIR)$(LIBDIR)/libfaultline.a
	for h in $(PUBLIC_HDR); do install -D -m 644 src/$$h $(DESTDIR)$(INCDIR)/$$h || exit 1; done
	install -m 644 man/faultline.1 $(DESTDIR)$(MANDIR)/faultline.1
	install -m 644 completion/faultline.bash $(DESTDIR)$(BASHCOMPDIR)/faultline
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' 'includedir=$${prefix}/include' '' \
	  'Name: faultline' 'Description: executable model of the Linux mm fault path with an interleaving explorer' \
	  'Version: $(VERSION)' 'Cflags: -I$${includedir}/faultline' 'Libs: -L$${libdir} -lfaultline $(LIBS)' \
	  > $(DESTDIR)$(PCDIR)/faultline.pc

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/faultline $(DESTDIR)$(LIBDIR)/libfaultline.a $(DESTDIR)$(PCDIR)/faultline.pc \
	  $(DESTDIR)$(MANDIR)/faultline.1 $(DESTDIR)$(BASHCOMPDIR)/faultline
	for h in $(PUBLIC_HDR); do rm -f $(DESTDIR)$(INCDIR)/$$h; done
	for d in $(sort $(dir $(PUBLIC_HDR))); do rmdir $(DESTDIR)$(INCDIR)/$$d 2>/dev/null || true; done
	rmdir $(DESTDIR)$(INCDIR) 2>/dev/null || true

# Install into a scratch prefix, build examples/embed.c through pkg-config and run it, try the
# completion and the man page, then uninstall and check that nothing is left.
install-check: $(B)/faultline $(B)/libfaultline.a
	tests/check_install.sh $(B)

clean:
	rm -rf $(B)
