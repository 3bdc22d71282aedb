# complaints-mailgate: an MTA's door into complaintsd (GMime reads the
# message).  GMime is this program's alone: its flags stay here.
GMIME_CFLAGS = $(shell $(PKG_CONFIG) --cflags gmime-3.0)
GMIME_LIBS   = $(shell $(PKG_CONFIG) --libs gmime-3.0)
MAILGATE_OBJS := $(BUILD)/mailgate/main.o $(BUILD)/mailgate/parse.o
MAN_PAGES += man/complaints-mailgate.8
EXTRA_BINS += $(BUILD)/complaints-mailgate
$(MAILGATE_OBJS): ALL_CFLAGS += $(GMIME_CFLAGS)
$(BUILD)/complaints-mailgate: $(MAILGATE_OBJS) $(BUILD)/libcomplaints.a
	$(CC) $(LDFLAGS) -o $@ $^ $(ALL_LIBS) $(GMIME_LIBS)
UNIT_TESTS += tests/unit/test_mailgate.c
$(BUILD)/tests/test_mailgate: ALL_CFLAGS += $(GMIME_CFLAGS)
$(BUILD)/tests/test_mailgate: $(BUILD)/mailgate/parse.o
TEST_LDFLAGS_test_mailgate = $(BUILD)/mailgate/parse.o $(LIBA) $(GMIME_LIBS)
