# fuzz: libFuzzer targets (clang and libclang-rt-14-dev; not part of the
# normal build).  Each target and the library sources are built with
# clang -fsanitize=fuzzer,address,undefined into build-fuzz/.
#
#   make fuzz           each target for FUZZ_SECONDS (300) seconds
#   make fuzz-ci        each target for 30 seconds (make check with CI=true)
#   make fuzz-build     only build
#   make fuzz-complaint run one target (complaint, action, talon,
#                       importer, router)
#
# The committed seeds are in fuzz/corpus/NAME/; what a run learns goes to
# build-fuzz/corpus/NAME/, crashes to build-fuzz/crashes/NAME-*, each
# run's output to build-fuzz/logs/NAME.log.  A crash fails the target;
# reproduce with  build-fuzz/fuzz_NAME build-fuzz/crashes/NAME-crash-...
# Runs go in parallel with -j (FUZZ_JOBS for fuzz and fuzz-ci, default
# the number of processors).
FUZZ_CC       ?= clang
FUZZ_BUILD    := build-fuzz
FUZZ_SECONDS  ?= 300
FUZZ_SEED     ?= 1
FUZZ_JOBS     ?= $(shell nproc 2>/dev/null || echo 1)
FUZZ_ARGS     ?=
FUZZ_NAMES    := complaint action talon importer router
# The longest input each target is given.
FUZZ_MAXLEN_complaint := 16384
FUZZ_MAXLEN_action    := 8192
FUZZ_MAXLEN_talon     := 64
FUZZ_MAXLEN_importer  := 65536
FUZZ_MAXLEN_router    := 512
FUZZ_DICT_complaint   := -dict=fuzz/xml.dict
FUZZ_DICT_action      := -dict=fuzz/xml.dict

FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
# Warnings as in the main build, but never -Werror: clang's set differs
# from gcc's, and a fuzzing run is not the place to fail on one.
FUZZ_CFLAGS   = -std=c11 -D_GNU_SOURCE -I. $(filter-out -Werror,$(WARN)) \
	$(PKG_CFLAGS) -DDATADIR='"$(DATADIR)"' -MMD -MP -O1 -g $(FUZZ_SAN) \
	-fsanitize=fuzzer-no-link -Wno-format-nonliteral
FUZZ_LIB_OBJS = $(LIB_SRCS:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_BINS     = $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)

.PHONY: fuzz fuzz-ci fuzz-build $(FUZZ_NAMES:%=fuzz-%)
.SECONDARY: $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz/fuzz_%.o)

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

# LIB_SRCS is complete only once every module.mk is read: expand the
# archive's prerequisites then.
.SECONDEXPANSION:
$(FUZZ_BUILD)/libcomplaints.a: $$(FUZZ_LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/fuzz/fuzz_%.o $(FUZZ_BUILD)/libcomplaints.a
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(ALL_LIBS)

fuzz-build:
	@command -v $(FUZZ_CC) >/dev/null || { echo "fuzz: $(FUZZ_CC) is" \
	    "missing: make deps (clang libclang-rt-14-dev)" >&2; exit 1; }
	@$(MAKE) --no-print-directory $(FUZZ_BINS)

# One run of one target: fails when libFuzzer finds a crash, a leak, a
# timeout or an invariant broken (an abort).
$(FUZZ_NAMES:%=fuzz-%): fuzz-%: fuzz-build
	@mkdir -p $(FUZZ_BUILD)/corpus/$* $(FUZZ_BUILD)/crashes \
	    $(FUZZ_BUILD)/logs
	@echo "fuzz: $* for $(FUZZ_SECONDS) s"
	@ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 \
	UBSAN_OPTIONS=print_stacktrace=1 \
	./$(FUZZ_BUILD)/fuzz_$* -max_total_time=$(FUZZ_SECONDS) \
	    -max_len=$(FUZZ_MAXLEN_$*) $(FUZZ_DICT_$*) -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_BUILD)/crashes/$*- $(FUZZ_ARGS) \
	    $(FUZZ_BUILD)/corpus/$* fuzz/corpus/$* \
	    >$(FUZZ_BUILD)/logs/$*.log 2>&1; rc=$$?; \
	execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    $(FUZZ_BUILD)/logs/$*.log); \
	cov=$$(grep -o 'cov: [0-9]*' $(FUZZ_BUILD)/logs/$*.log | tail -1); \
	ft=$$(grep -o 'ft: [0-9]*' $(FUZZ_BUILD)/logs/$*.log | tail -1); \
	if [ $$rc -ne 0 ]; then \
		tail -60 $(FUZZ_BUILD)/logs/$*.log; \
		echo "fuzz: $*: FAILED (exit $$rc), see" \
		    "$(FUZZ_BUILD)/logs/$*.log and $(FUZZ_BUILD)/crashes/"; \
		exit 1; \
	fi; \
	echo "fuzz: $*: ok, $${execs:-?} runs, $$cov, $$ft," \
	    "corpus $$(ls $(FUZZ_BUILD)/corpus/$* | wc -l) files"

fuzz: fuzz-build
	@$(MAKE) --no-print-directory -k -j$(FUZZ_JOBS) $(FUZZ_NAMES:%=fuzz-%)

# CI: a fixed seed, so a run is repeatable and a finding can be replayed
# (a new bug still shows as soon as the inputs reach it).
fuzz-ci: fuzz-build
	@$(MAKE) --no-print-directory -k -j$(FUZZ_JOBS) FUZZ_SECONDS=30 \
	    FUZZ_ARGS="-seed=$(FUZZ_SEED)" $(FUZZ_NAMES:%=fuzz-%)

-include $(shell find $(FUZZ_BUILD) -name '*.d' 2>/dev/null)

.PHONY: fuzz-clean
clean: fuzz-clean
fuzz-clean:
	rm -rf $(FUZZ_BUILD)
