LIB_SRCS += routing/routing.c
UNIT_TESTS += tests/unit/test_routing.c
