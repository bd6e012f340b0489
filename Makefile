# gsa — build, test and demo.  See README.md.
#
#   make            build every tool into build/bin/ (installs build packages first)
#   make asan       the same with AddressSanitizer + UBSan into build/asan/bin/
#   make test       unit tests (ASan build) + integration tests; ends "N passed, N failed"
#   make demo       the whole pipeline on the shipped sample data
#   make run INPUT=sample.json   a workflow input run on this machine (gsa-run)
#   make deps       install what is missing (Debian packages, test-only npm packages)
#
# A tool is a folder tools/NAME/ with a main.c: nothing else to register.
# Optional tools/NAME/tool.mk adds flags (e.g. per-file SIMD flags).

VARIANT ?= release
CC      ?= cc
ifeq ($(origin CC),default)
CC      := cc
endif

ifeq ($(VARIANT),asan)
OUT      := build/asan
OPTFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
SANFLAGS := -fsanitize=address,undefined
else
OUT      := build
OPTFLAGS := -O2 -g
SANFLAGS :=
endif

OBJ      := $(OUT)/obj
BIN      := $(OUT)/bin
GEN      := $(OUT)/gen

CFLAGS   := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Werror \
            -pthread -MMD -MP $(OPTFLAGS) $(EXTRA_CFLAGS)
CPPFLAGS := -Icommon -I$(GEN)
LDFLAGS  := -pthread -Wl,--as-needed $(SANFLAGS) $(EXTRA_LDFLAGS)
LDLIBS   := -lhts -lcurl -lcrypto -ldeflate -lz -lbz2 -llzma -lm

TOOLS       := $(patsubst tools/%/main.c,%,$(wildcard tools/*/main.c))
COMMON_SRC  := $(wildcard common/*.c common/*/*.c)
COMMON_OBJ  := $(COMMON_SRC:%.c=$(OBJ)/%.o)
LIBGSA      := $(OBJ)/libgsa.a
UNIT_SRC    := $(wildcard tests/unit/*/test_*.c)
UNIT_BIN    := $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(UNIT_SRC))
UNIT_SUPPORT:= $(OBJ)/tests/unit/unit.o

.PHONY: all build asan test unit integration demo run deps deps-build deps-test bench clean FORCE
.DEFAULT_GOAL := all

all: deps-build
	@$(MAKE) --no-print-directory build

build: $(LIBGSA) $(addprefix $(BIN)/,$(TOOLS))

asan: deps-build
	@$(MAKE) --no-print-directory VARIANT=asan build unit-bins

-include $(wildcard tools/*/tool.mk)

# --- version baked in from git (rewritten only when it changes) ---------
GSA_VERSION := $(shell v=$$(cat VERSION 2>/dev/null || echo 0.0.0); \
	g=$$(git describe --always --dirty --abbrev=10 2>/dev/null); \
	if [ -n "$$g" ]; then echo "$$v+g$$g"; else echo "$$v"; fi)
$(GEN)/gsa_version.h: FORCE
	@mkdir -p $(@D)
	@printf '#define GSA_VERSION "%s"\n' '$(GSA_VERSION)' > $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi
$(OBJ)/common/cli.o: $(GEN)/gsa_version.h
$(OBJ)/common/cli.o: CPPFLAGS += -include $(GEN)/gsa_version.h

# --- compile and link ----------------------------------------------------
$(OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBGSA): $(COMMON_OBJ)
	@rm -f $@
	ar rcs $@ $^

# Each tool: tools/T/main.c + the tool's other modules (archived, so unit
# tests can link them without main) + libgsa.
define tool_rules
$(1)_SRC := $$(filter-out tools/$(1)/main.c,$$(wildcard tools/$(1)/*.c))
$(1)_LIB := $$(OBJ)/tools/$(1)/lib$(1).a
$$($(1)_LIB): $$($(1)_SRC:%.c=$$(OBJ)/%.o)
	@rm -f $$@
	ar rcs $$@ $$^
$$(BIN)/$(1): $$(OBJ)/tools/$(1)/main.o $$($(1)_LIB) $$(LIBGSA)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rules,$(t))))

# Unit tests: tests/unit/GROUP/test_X.c, GROUP = common or a tool name.
unit-bins: $(UNIT_BIN)
.PHONY: unit-bins
group_of  = $(firstword $(subst /, ,$(1)))
group_lib = $(if $(filter-out common,$(call group_of,$(1))),$(OBJ)/tools/$(call group_of,$(1))/lib$(call group_of,$(1)).a)
.SECONDEXPANSION:
$(OUT)/tests/%: tests/unit/%.c $(UNIT_SUPPORT) $$(call group_lib,$$*) $(LIBGSA)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests/unit -Itools/$(call group_of,$*) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.o %.a,$^) $(LDLIBS)

-include $(shell find $(OUT) -name '*.d' 2>/dev/null)

# --- dependencies, tests, demo ------------------------------------------
deps-build:
	@scripts/deps.sh build
deps-test:
	@scripts/deps.sh test
deps: deps-build deps-test

test: deps
	@$(MAKE) --no-print-directory build
	@$(MAKE) --no-print-directory VARIANT=asan build unit-bins
	@tests/run.sh

unit: asan
	@tests/run.sh --unit-only

integration: all
	@tests/run.sh --integration-only

demo: deps-build
	@$(MAKE) --no-print-directory build
	@scripts/deps.sh demo
	@demo/run.sh

# --- the workflow on this machine (cfn/workflow, issue 11) ---------------
# INPUT reaches gsa-run through the environment, never as shell text
export INPUT
run: deps-build
	@test -n "$$INPUT" || { echo 'usage: make run INPUT=sample.json' >&2; exit 1; }
	@$(MAKE) --no-print-directory build
	@scripts/deps.sh workflow
	@cfn/workflow/local/gsa-run -- "$$INPUT"

bench: all
	@scripts/deps.sh bench
	@echo "run a benchmark: bench/<tool>/run.sh (see bench/RESULTS.md)"

# --- IAM policies (cfn/iam/actions.yml -> cfn/iam-operators.yml, the templates' ---
# GENERATED POLICY blocks, the table in docs/iam.md; see docs/iam.md) ----------
.PHONY: policies
policies: deps-test
	@node cfn/iam/generate.js

clean:
	rm -rf build

# --- AWS platform (cfn/, buildspec/, scripts/platform/; docs/deploy.md) ---
.PHONY: deploy teardown cfn-check
deploy:
	@scripts/platform/deploy.sh
teardown:
	@scripts/platform/teardown.sh
cfn-check: deps-test
	@tests/run.sh --integration-only -k cfn_

FORCE:

# keep intermediate objects (unit.o) so re-runs do not rebuild them
.SECONDARY:

# --- static musl build and the container image (docker/README.md) ------
# make static  every tool linked fully statically against musl into
#              build/static/bin/, from libraries built from Debian source
#              packages by scripts/static/deps.sh (cached outside the clone),
#              plus build/static/sbom.cdx.json
# make image   build/image/gsa-<version>.oci.tar (FROM scratch, docker/Dockerfile)
STATIC_OUT := build/static
STATIC_STRIP ?= -s
.PHONY: static image deps-static
deps-static: deps-build
	@scripts/deps.sh static
static: deps-static
	@root=$$(scripts/static/deps.sh) && \
	SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct 2>/dev/null || echo 0) \
	$(MAKE) --no-print-directory VARIANT=static OUT=$(STATIC_OUT) CC=musl-gcc STATIC_ROOT=$$root build && \
	scripts/static/sbom.sh "$$root" $(STATIC_OUT) '$(GSA_VERSION)'
image: static
	@scripts/deps.sh docker
	@scripts/static/image.sh $(STATIC_OUT) build/image '$(GSA_VERSION)'
ifeq ($(VARIANT),static)
# mimalloc replaces musl's allocator (whole archive: its malloc must win);
# every library of LDLIBS (and libssl, which libcurl needs) in one group, so
# the order of static archives does not matter
LDLIBS   := -Wl,--whole-archive -lmimalloc -Wl,--no-whole-archive \
            -Wl,--start-group $(LDLIBS) -lssl -Wl,--end-group
# musl/fastmem.c: memcpy/memmove/memset faster than musl's (see the file)
$(OBJ)/musl/fastmem.o: CFLAGS += -fno-builtin -fno-tree-loop-distribute-patterns
$(addprefix $(BIN)/,$(TOOLS)): $(OBJ)/musl/fastmem.o
CPPFLAGS += -I$(STATIC_ROOT)/include
CFLAGS   += -ffile-prefix-map=$(CURDIR)=.
LDFLAGS  += -static $(STATIC_STRIP) -L$(STATIC_ROOT)/lib
endif
test: image

# --- fuzz targets (tests/fuzz, issue 16; tests/fuzz/README.md) ----------
# make fuzz    each target tests/fuzz/fuzz_NAME.c built with Debian's clang
#              (-fsanitize=fuzzer,address,undefined) into build/fuzz/fuzz/
#              and run for FUZZ_SECONDS (60) from its corpus
#              tests/fuzz/corpus/NAME; new inputs go to FUZZ_WORK
#              (build/fuzz/work), crashes to FUZZ_WORK/NAME.crash-*
# make test    replays every corpus under gcc's ASan+UBSan: the same target
#              with tests/fuzz/replay.c is the unit test
#              build/asan/tests/fuzz/test_fuzz_NAME
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(filter-out tests/fuzz/fuzz_util.c,$(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_LIBS     = $(foreach t,$(TOOLS),$(if $($(t)_SRC),$(OBJ)/tools/$(t)/lib$(t).a)) $(LIBGSA)
FUZZ_CPPFLAGS = $(CPPFLAGS) -Itools -Itests/fuzz
.PHONY: fuzz fuzz-bins deps-fuzz
deps-fuzz: deps-build
	@scripts/deps.sh fuzz
fuzz: deps-fuzz
	@$(MAKE) --no-print-directory VARIANT=fuzz OUT=build/fuzz CC=clang fuzz-bins
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh $(FUZZ_TARGETS)
$(OUT)/tests/fuzz/test_fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz_util.c $(FUZZ_LIBS)
	@mkdir -p $(@D)
	$(CC) $(FUZZ_CPPFLAGS) -DFUZZ_NAME='"$*"' $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^) $(FUZZ_LIBS) $(LDLIBS)
fuzz-bins: $(FUZZ_TARGETS:%=$(OUT)/fuzz/fuzz_%)
$(OUT)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_util.c $(FUZZ_LIBS)
	@mkdir -p $(@D)
	$(CC) $(FUZZ_CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $(filter %.c,$^) $(FUZZ_LIBS) $(LDLIBS)
ifeq ($(VARIANT),asan)
unit-bins: $(FUZZ_TARGETS:%=$(OUT)/tests/fuzz/test_fuzz_%)
endif
ifeq ($(VARIANT),fuzz)
CFLAGS  += -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
