# complaints-mailgate: an MTA's door into complaintsd (GMime reads the
# message; notify/ writes the daemon's mail with it, so its flags are
# in PKGS already).
MAILGATE_OBJS := $(BUILD)/mailgate/main.o $(BUILD)/mailgate/parse.o
MAN_PAGES += man/complaints-mailgate.8
EXTRA_BINS += $(BUILD)/complaints-mailgate
$(BUILD)/complaints-mailgate: $(MAILGATE_OBJS) $(BUILD)/libcomplaints.a
	$(CC) $(LDFLAGS) -o $@ $^ $(ALL_LIBS)
UNIT_TESTS += tests/unit/test_mailgate.c
$(BUILD)/tests/test_mailgate: $(BUILD)/mailgate/parse.o
TEST_LDFLAGS_test_mailgate = $(BUILD)/mailgate/parse.o $(LIBA)
