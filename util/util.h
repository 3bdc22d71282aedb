/*
 * util: logging, bounded buffers, time and small string helpers shared by
 * every module.  Functions return 0 on success and -1 on failure unless
 * stated otherwise.
 */
#ifndef UTIL_H
#define UTIL_H

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * Logging: stderr with -d, syslog otherwise; under systemd (stderr is
 * the journal's stream, $JOURNAL_STREAM) stderr with sd-daemon's
 * priority prefixes (<3> error ... <7> debug), so journald keeps levels.
 */
enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };
void log_init(const char *ident, int foreground, enum log_level level);
/* with_errno adds ": " and strerror(errno) as it was on entry. */
void log_at(enum log_level, int with_errno, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Start-up only: logs and exits. */
void log_fatal(int with_errno, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
#define log_warn(...)  log_at(LOG_LVL_WARN, 1, __VA_ARGS__)
#define log_warnx(...) log_at(LOG_LVL_WARN, 0, __VA_ARGS__)
#define log_info(...)  log_at(LOG_LVL_INFO, 0, __VA_ARGS__)
#define log_debug(...) log_at(LOG_LVL_DEBUG, 0, __VA_ARGS__)
#define fatal(...)     log_fatal(1, __VA_ARGS__)
#define fatalx(...)    log_fatal(0, __VA_ARGS__)

/* Allocation that dies: start-up only. */
void *xcalloc(size_t, size_t);
char *xstrdup(const char *);

/*
 * A growable byte buffer with a hard cap set at creation.  Appending past
 * the cap fails and leaves the buffer as it was.  The data is always
 * NUL-terminated for convenience; len does not count the NUL.
 */
struct buf {
	char *data;
	size_t len;
	size_t size;
	size_t cap;
};
void buf_init(struct buf *, size_t cap);
int buf_add(struct buf *, const void *, size_t);
int buf_puts(struct buf *, const char *);
int buf_printf(struct buf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *);
void buf_free(struct buf *);
/* Hands the data over; the buffer is empty afterwards.  Caller frees. */
char *buf_release(struct buf *, size_t *lenp);
/*
 * Appends one CSV field, quoted, then a comma or (last) CRLF.  A field
 * that a spreadsheet would take for a formula (it begins with =, +, -,
 * @, a tab or a carriage return) gets a leading apostrophe, so it is
 * opened as text.  -1 when the buffer is full.
 */
int buf_csv_field(struct buf *, const char *, int last);

/*
 * Whether n bytes are well-formed UTF-8 (no overlong forms, surrogates or
 * code points past U+10FFFF); *bad gets the offset of the first fault.
 */
int utf8_valid(const char *, size_t n, size_t *bad);
/*
 * The one UTF-8 decoder: the length in bytes of the well-formed sequence
 * that starts s and lies within its n bytes, with its code point in *cp
 * (when cp is not NULL); 0, and U+FFFD in *cp, when there is none there.
 */
size_t utf8_dec(const char *s, size_t n, uint32_t *cp);
/* How many characters (lead bytes) n bytes of UTF-8 hold. */
size_t utf8_chars(const char *, size_t n);
/*
 * The one rule for text from outside (documents, the seed, what notices
 * print): well-formed UTF-8 with no control character but tab, line feed
 * and carriage return (no other C0, no DEL U+007F, no C1 U+0080-U+009F)
 * and no U+FFFE or U+FFFF.  *bad gets the offset of the first fault.
 */
int utf8_text(const char *, size_t n, size_t *bad);
/* Whether the code point is one utf8_text refuses. */
int utf8_refused(uint32_t cp);
/*
 * Cuts a string that a bounded copy may have cut inside a UTF-8 sequence
 * back to the last whole character.
 */
void utf8_trim(char *);
/*
 * Reads a whole regular file of at most cap bytes, NUL-terminated; *lenp
 * gets its length.  NULL with "path: reason" in err on failure.  Caller
 * frees.
 */
char *read_whole_file(
    const char *path, size_t cap, size_t *lenp, char *err, size_t errlen);
/*
 * The error formatter: formats into dst as snprintf does and cuts a
 * message the cap has cut inside a character back to the last whole one.
 * Does nothing when dst is NULL or len is 0.
 */
void errf(char *dst, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void verrf(char *dst, size_t len, const char *fmt, va_list)
    __attribute__((format(printf, 3, 0)));
/* Drops leading blanks (space, tab) and trailing blanks and line ends. */
char *str_trim(char *);
/* Bounded copy; returns -1 when truncated. */
int strlcpy_chk(char *dst, const char *src, size_t size);
/* Parses a whole decimal number within [min, max]; -1 on anything else. */
int parse_ll(const char *, long long min, long long max, long long *out);

/* A civil date and a local moment. */
struct date {
	int y, m, d;
};
struct moment {
	int y, m, d, hh, mm, ss;
	long utcoff; /* seconds east of UTC */
};

/*
 * Local time in the named IANA zone (NULL: the process default zone set
 * by tz_init).  Thread-safe.  Returns -1 on an unknown zone.
 */
int tz_init(const char *zone);
int tz_local(const char *zone, time_t, struct moment *);
/* Formats as ISO 8601 with offset: 2026-11-26T14:05:00+05:00. */
void moment_iso(const struct moment *, char out[32]);
/* Parses ISO 8601 with Z or an offset; -1 when malformed. */
int iso_parse(const char *, time_t *);
void date_iso(struct date, char out[11]);
int date_parse(const char *, struct date *);
/* Days since 1970-01-01 and back; weekday 0 = Monday. */
long date_to_days(struct date);
struct date date_from_days(long);
int date_weekday(struct date);
struct date date_add(struct date, long days);
int date_cmp(struct date, struct date);
/* The days of month m (1-12) of year y, Gregorian leap years. */
int date_days_in_month(int y, int m);

/*
 * Takes the exclusive lock of a data folder (the file DIR_LOCK_FILE in
 * it) without waiting.  Returns the descriptor that holds it, to keep
 * open; -1 with the reason in err when another process holds it.
 */
#define DIR_LOCK_FILE "complaintsd.lock"
int dir_lock(const char *dir, char *err, size_t errlen);

/* The clock: real time, or a fixed offset set by the test-only option. */
time_t clock_now(void);
/*
 * The monotonic clock, for deadlines a clock step cannot stretch: now in
 * milliseconds; a condition variable whose timed waits count on it; the
 * moment ms from now, for those waits.
 */
int64_t mono_ms(void);
void mono_cond_init(pthread_cond_t *);
void mono_deadline(struct timespec *, long ms);
void clock_set_offset(long long seconds);

#endif /* UTIL_H */
