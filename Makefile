# sofa - one non-recursive Makefile (plus config.mk).
#
#   make            build the programs into $(BUILD)/bin
#   make check      install missing dependencies, build with -Werror, run the
#                   whole test suite (bats + cmocka, one TAP summary by prove)
#   make demo       the pipeline end to end on a generated store, offline
#   make deps       install what is missing (Debian packages, see .ci/deps)
#
# Every tools/sofa-NAME.c becomes $(BUILD)/bin/sofa-NAME linked with libsofa
# (common/*.c); every tools/sofa-NAME.sh becomes $(BUILD)/bin/sofa-NAME; every
# t/helper/NAME.c and t/unit/NAME.c becomes a test program.  A new program is a
# new file, not a new rule.

include config.mk

BUILD ?= build
O := $(BUILD)

ifeq ($(V),1)
Q :=
else
Q := @
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

ifeq ($(SANITIZE),1)
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
endif

SOFA_CPPFLAGS = -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 -Icommon \
	-DSOFA_VERSION='"$(VERSION)"' -DSOFA_SHAREDIR='"$(SHAREDIR)"' \
	-DSOFA_SYSCONFDIR='"$(SYSCONFDIR)"'
ALL_CFLAGS  = -std=c11 $(SOFA_CPPFLAGS) $(CPPFLAGS) $(WARNFLAGS) $(CHECKFLAGS) \
	$(PKG_CFLAGS) $(CFLAGS) $(SANFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)
LIBS        = $(PKG_LIBS) -lcsv -lm -lpthread

LIB_SRC  := $(sort $(wildcard common/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(O)/%.o)
LIBSOFA  := $(O)/libsofa.a

TOOL_C   := $(sort $(wildcard tools/sofa-*.c))
TOOL_SH  := $(sort $(wildcard tools/sofa-*.sh))
BIN_C    := $(TOOL_C:tools/%.c=$(O)/bin/%)
BIN_SH   := $(TOOL_SH:tools/%.sh=$(O)/bin/%)
BIN      := $(BIN_C) $(BIN_SH)

HELPER_SRC := $(sort $(wildcard t/helper/*.c))
HELPERS    := $(HELPER_SRC:t/helper/%.c=$(O)/t/helper/%)
UNIT_SRC   := $(sort $(wildcard t/unit/*.c))
UNITS      := $(UNIT_SRC:t/unit/%.c=$(O)/t/unit/%)
FUZZ_SRC   := $(sort $(wildcard t/fuzz/fuzz-*.c))
FUZZ_REPLAY := $(FUZZ_SRC:t/fuzz/%.c=$(O)/t/fuzz/%)

MAN1     := $(sort $(wildcard docs/*.1))
MAN7     := $(sort $(wildcard docs/*.7))
SHELL_SCRIPTS := $(TOOL_SH) $(sort $(wildcard share/sofa/*.sh)) .ci/run .ci/deps \
	$(sort $(wildcard t/*.sh t/fuzz/*.sh t/bench/*.sh))

TESTS    = $(sort $(wildcard t/t[0-9]*.bats))
# Tests see the build, the sources and the shared fixtures through these.
TEST_BUILD = $(O)
TEST_ENV = LC_ALL=C TZ=UTC SOFA_BUILD='$(abspath $(TEST_BUILD))' \
	SOFA_SRCDIR='$(CURDIR)' SOFA_SHARED='$(abspath ../shared)' \
	CMOCKA_MESSAGE_OUTPUT=TAP
PROVE_JOBS ?= 2

ASAN_OPTIONS_CHECK = detect_leaks=1:abort_on_error=1:strict_string_checks=1
UBSAN_OPTIONS_CHECK = print_stacktrace=1:halt_on_error=1

.PHONY: all deps deps-ok check test check-build check-sanitize install \
	check-valgrind uninstall clean demo bench fuzz fuzz-build lint smoke FORCE
.DELETE_ON_ERROR:

all: $(BIN)

# Objects depend on the flags they were built with, so that `make check`
# (-Werror) and `make SANITIZE=1` never reuse objects built otherwise.
$(O)/.flags: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' '$(ALL_CFLAGS) $(ALL_LDFLAGS) $(LIBS)' | cmp -s - $@ || \
	 printf '%s\n' '$(ALL_CFLAGS) $(ALL_LDFLAGS) $(LIBS)' > $@

$(O)/%.o: %.c $(O)/.flags
	@mkdir -p $(@D)
	@$(if $(Q),echo '  CC      $<')
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBSOFA): $(LIB_OBJ)
	@$(if $(Q),echo '  AR      $@')
	$(Q)rm -f $@ && $(AR) rcs $@ $(LIB_OBJ)

$(O)/bin/%: $(O)/tools/%.o $(LIBSOFA)
	@mkdir -p $(@D)
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBSOFA) $(LIBS)

# Shell tools: version and install paths substituted, made executable.
$(O)/bin/%: tools/%.sh config.mk
	@mkdir -p $(@D)
	@$(if $(Q),echo '  GEN     $@')
	$(Q)sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@SHAREDIR@|$(SHAREDIR)|g' \
	    $< > $@.tmp && chmod 755 $@.tmp && mv -f $@.tmp $@

$(O)/t/helper/%: $(O)/t/helper/%.o $(LIBSOFA)
	@mkdir -p $(@D)
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBSOFA) $(LIBS)

# The fuzz harnesses, built with the ordinary compiler and replay.c's main,
# replay the seeds and the regression corpus in make check.
$(O)/t/fuzz/%: $(O)/t/fuzz/%.o $(O)/t/fuzz/replay.o $(LIBSOFA)
	@mkdir -p $(@D)
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(O)/t/fuzz/replay.o $(LIBSOFA) $(LIBS)

$(O)/t/unit/%: $(O)/t/unit/%.o $(LIBSOFA)
	@mkdir -p $(@D)
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBSOFA) $(LIBS) -lcmocka

# Objects are intermediate only by accident of the pattern rules: keep them.
.SECONDARY:

# --- dependencies -----------------------------------------------------------

deps:
	sh .ci/deps

# Cheap check run before check and demo: installs only when something lacks.
deps-ok:
	@sh .ci/deps --if-missing

# --- tests ------------------------------------------------------------------

check-build: $(BIN) $(HELPERS) $(UNITS) $(FUZZ_REPLAY)

check test: deps-ok
	$(Q)$(MAKE) --no-print-directory CHECKFLAGS=-Werror check-build
	$(TEST_ENV) prove -j$(PROVE_JOBS) --exec t/run-test $(TESTS) $(UNITS)

# The whole suite again under AddressSanitizer and UBSan, in its own build.
check-sanitize: TEST_BUILD = build-san
check-sanitize: deps-ok
	$(Q)$(MAKE) --no-print-directory BUILD=build-san SANITIZE=1 \
	    CFLAGS='-O1 -g' CHECKFLAGS=-Werror check-build
	$(TEST_ENV) SOFA_SANITIZE=1 ASAN_OPTIONS=$(ASAN_OPTIONS_CHECK) \
	    UBSAN_OPTIONS=$(UBSAN_OPTIONS_CHECK) \
	    prove -j$(PROVE_JOBS) --exec t/run-test $(TESTS) \
	    $(UNITS:$(O)/%=build-san/%)

# The transform tests (t3xxx lineups, t4xxx appearances and tables) again
# with every compiled program under valgrind memcheck: any error, or a
# definite or indirect leak at a normal exit, fails (t/valgrind.sh).
VALGRIND_TESTS = $(sort $(wildcard t/t3[0-9]*.bats t/t4[0-9]*.bats))
check-valgrind: deps-ok
	$(Q)$(MAKE) --no-print-directory CHECKFLAGS=-Werror check-build
	sh t/valgrind.sh wrap $(O)
	$(TEST_ENV) SOFA_VALGRIND=1 prove -j$(PROVE_JOBS) --exec t/run-test \
	    $(VALGRIND_TESTS)
	sh t/valgrind.sh report $(O)

lint:
	mandoc -Tlint -W warning $(MAN1) $(MAN7)
	shellcheck -x $(SHELL_SCRIPTS)

# Benchmarks: every t/bench/*.sh, each printing its ratios against the
# alternatives it measures in the same run (never part of make check).
BENCHES = $(sort $(wildcard t/bench/*.sh))
bench: deps-ok
	$(Q)$(MAKE) --no-print-directory all $(HELPERS)
	@for b in $(BENCHES); do \
	    echo "== $$b"; \
	    $(TEST_ENV) PATH='$(abspath $(O))/bin:$(abspath $(O))/t/helper':"$$PATH" \
	        sh $$b || exit 1; \
	done

# libFuzzer: every t/fuzz/fuzz-*.c built by clang with ASan and UBSan in
# build-fuzz, each run FUZZ_TIME seconds over its seeds (t/fuzz/run.sh).
FUZZ_TIME ?= 150
FUZZ_JOBS ?= 1
FUZZ_CC ?= clang
FUZZ_FLAGS = -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined
FUZZ_BIN = $(FUZZ_SRC:t/fuzz/%.c=build-fuzz/%)
FUZZ_LIB_OBJ = $(LIB_SRC:%.c=build-fuzz/%.o)

build-fuzz/common/%.o: common/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=c11 $(SOFA_CPPFLAGS) $(PKG_CFLAGS) $(FUZZ_FLAGS) \
	    -fsanitize=fuzzer-no-link -c -o $@ $<

build-fuzz/%: t/fuzz/%.c $(FUZZ_LIB_OBJ) $(wildcard t/fuzz/*.h) $(TOOL_C)
	$(FUZZ_CC) -std=c11 $(SOFA_CPPFLAGS) $(PKG_CFLAGS) $(FUZZ_FLAGS) \
	    -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJ) $(LIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: deps-ok
	$(Q)$(MAKE) --no-print-directory fuzz-build
	SOFA_SHARED='$(abspath ../shared)' FUZZ_JOBS=$(FUZZ_JOBS) sh t/fuzz/run.sh build-fuzz \
	    $(FUZZ_TIME) $(FUZZ_BIN)

# The whole pipeline on a generated store served on loopback, under
# build/demo (never data/): share/sofa/demo.sh.
DEMO_DIR = $(O)/demo
demo: deps-ok
	$(Q)$(MAKE) --no-print-directory all $(HELPERS)
	@PATH='$(abspath $(O))/bin:$(abspath $(O))/t/helper':"$$PATH" \
	    sh share/sofa/demo.sh $(DEMO_DIR)

# A deployment check against the configured API (sofa-pipeline --smoke):
# configuration, directories, API contract, a one-match pipeline.
smoke: all
	@PATH='$(abspath $(O))/bin':"$$PATH" $(O)/bin/sofa-pipeline --smoke

# --- install ----------------------------------------------------------------

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	cp -f $(BIN) $(DESTDIR)$(BINDIR)/
	cp -Rf share/sofa/. $(DESTDIR)$(SHAREDIR)/
	$(if $(MAN1),cp -f $(MAN1) $(DESTDIR)$(MANDIR)/man1/)
	$(if $(MAN7),cp -f $(MAN7) $(DESTDIR)$(MANDIR)/man7/)

uninstall:
	rm -f $(BIN:$(O)/bin/%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(MAN1:docs/%=$(DESTDIR)$(MANDIR)/man1/%)
	rm -f $(MAN7:docs/%=$(DESTDIR)$(MANDIR)/man7/%)
	rm -rf $(DESTDIR)$(SHAREDIR)

clean:
	rm -rf $(O) build-san build-fuzz

-include $(LIB_OBJ:.o=.d) $(TOOL_C:%.c=$(O)/%.d) \
	$(HELPER_SRC:%.c=$(O)/%.d) $(UNIT_SRC:%.c=$(O)/%.d) \
	$(FUZZ_SRC:%.c=$(O)/%.d) $(O)/t/fuzz/replay.d
