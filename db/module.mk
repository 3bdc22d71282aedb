LIB_SRCS += db/db.c db/pool.c db/writer.c db/lifecycle.c db/outbox.c \
	db/staff.c db/law.c db/backup.c db/gauges.c db/filing.c \
	db/inbox.c
UNIT_TESTS += tests/unit/test_db.c
LIB_SRCS += db/report.c
