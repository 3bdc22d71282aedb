/* db: what the files of db/ share; not for callers. */
#ifndef DB_INT_H
#define DB_INT_H

#include <sqlite3.h>

#include "db/db.h"

enum db_stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_BODY_BY_CODE,
	ST_BODY_BY_ID,
	ST_JOURNAL_NEXT,
	ST_COMPLAINT_INSERT,
	ST_ATTACHMENT_INSERT,
	ST_EVENT_LAST_HASH,
	ST_EVENT_INSERT,
	ST_STATUS_BY_TALON,
	ST_COUNT_COMPLAINTS,
	ST__MAX
};

struct db {
	sqlite3		*h;
	sqlite3_stmt	*st[ST__MAX];
	int		 flags;
	struct db	*pool_next;
};

int	db_step(struct db *, sqlite3_stmt *);
int	db_rc_from_sqlite(struct db *, int);
sqlite3_stmt *db_stmt(struct db *, enum db_stmt);

#endif /* DB_INT_H */
