# backup: verified online copies of the store, and restore.
LIB_SRCS += backup/backup.c
UNIT_TESTS += tests/unit/test_backup.c
