LIB_SRCS += util/log.c util/buf.c util/time.c util/limit.c util/lock.c \
	util/ticker.c
UNIT_TESTS += tests/unit/test_util.c tests/unit/test_ticker.c
