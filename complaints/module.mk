LIB_SRCS += complaints/common.c complaints/service.c complaints/talon.c complaints/register.c \
	complaints/query.c complaints/lifecycle.c complaints/watch.c \
	complaints/journal.c complaints/directory.c complaints/staff.c \
	complaints/scope.c complaints/notices.c complaints/call.c \
	complaints/machine.c complaints/law.c complaints/forward_watch.c \
	complaints/allowed.c
UNIT_TESTS += tests/unit/test_talon.c tests/unit/test_complaints.c \
	tests/unit/test_allowed.c \
	tests/unit/test_lifecycle.c
LIB_SRCS += complaints/gauges.c
# The reports' workbooks (report_out.c).
PKGS += xlsxwriter
LIB_SRCS += complaints/report.c complaints/report_out.c
# Filing online and complaints by email.
LIB_SRCS += complaints/filing.c complaints/mail.c
