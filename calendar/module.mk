LIB_SRCS += calendar/calendar.c
CTL_SRCS += ctl/cmd_deadline.c
UNIT_TESTS += tests/unit/test_calendar.c
MAN_PAGES += man/complaints-data.5

# The unit test drives complaintctl deadline through cmd_deadline().
TEST_LDFLAGS_test_calendar = $(BUILD)/ctl/cmd_deadline.o $(BUILD)/ctl/env.o \
	$(LIBA)
$(BUILD)/tests/test_calendar: $(BUILD)/ctl/cmd_deadline.o $(BUILD)/ctl/env.o
