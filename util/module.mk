LIB_SRCS += util/log.c util/buf.c util/time.c util/limit.c util/lock.c
UNIT_TESTS += tests/unit/test_util.c
