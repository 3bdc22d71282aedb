LIB_SRCS += complaints/complaints.c complaints/talon.c
UNIT_TESTS += tests/unit/test_talon.c tests/unit/test_complaints.c
