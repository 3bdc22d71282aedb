# bench: `make bench` (not part of check).  Builds the load helpers and
# runs bench/run.py, which writes bench/results.csv and prints the table.
# See BENCHMARKS.md.  BENCH_ARGS passes options to run.py (--quick,
# --sizes 10000,1000000, --duration 5 ...).
BENCH_BINS := $(BUILD)/bench/gen $(BUILD)/bench/httplimit \
	$(BUILD)/bench/storelimit
BENCH_ARGS ?=

$(BUILD)/bench/gen: $(BUILD)/bench/gen.o $(BUILD)/libcomplaints.a
	$(CC) $(LDFLAGS) -o $@ $^ $(ALL_LIBS)

$(BUILD)/bench/storelimit: $(BUILD)/bench/storelimit.o \
    $(BUILD)/libcomplaints.a
	$(CC) $(LDFLAGS) -o $@ $^ $(ALL_LIBS)

$(BUILD)/bench/httplimit: $(BUILD)/bench/httplimit.o
	$(CC) $(LDFLAGS) -o $@ $^ $(ALL_LIBS)

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BINS)
	/usr/bin/python3 bench/run.py --build $(BUILD) $(BENCH_ARGS)
