/*
 * Civil dates, time zones and the clock.
 *
 * glibc converts to local time only in the process's zone (TZ), so a
 * conversion to another zone swaps TZ under a lock.  Every conversion goes
 * through that lock so no thread ever sees another's zone.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;
static char tz_default[64] = "Asia/Almaty";
static long long clock_offset;

static int
tz_known(const char *zone)
{
	char path[256];
	FILE *f;

	if (zone[0] == '\0' || strstr(zone, "..") != NULL || zone[0] == '/')
		return 0;
	if (strcmp(zone, "UTC") == 0)
		return 1;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zone);
	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	fclose(f);
	return 1;
}

int
tz_init(const char *zone)
{
	char tz[80];

	if (zone == NULL)
		zone = tz_default;
	if (!tz_known(zone) ||
	    strlcpy_chk(tz_default, zone, sizeof(tz_default)) == -1)
		return -1;
	snprintf(tz, sizeof(tz), ":%s", zone);
	pthread_mutex_lock(&tz_lock);
	setenv("TZ", tz, 1);
	tzset();
	pthread_mutex_unlock(&tz_lock);
	return 0;
}

int
tz_local(const char *zone, time_t t, struct moment *m)
{
	struct tm tm;
	char tz[80];
	int other, rc = 0;

	other = zone != NULL && strcmp(zone, tz_default) != 0;
	if (other && !tz_known(zone))
		return -1;
	pthread_mutex_lock(&tz_lock);
	if (other) {
		snprintf(tz, sizeof(tz), ":%s", zone);
		setenv("TZ", tz, 1);
		tzset();
	}
	if (localtime_r(&t, &tm) == NULL)
		rc = -1;
	if (other) {
		snprintf(tz, sizeof(tz), ":%s", tz_default);
		setenv("TZ", tz, 1);
		tzset();
	}
	pthread_mutex_unlock(&tz_lock);
	if (rc == 0) {
		m->y = tm.tm_year + 1900;
		m->m = tm.tm_mon + 1;
		m->d = tm.tm_mday;
		m->hh = tm.tm_hour;
		m->mm = tm.tm_min;
		m->ss = tm.tm_sec;
		m->utcoff = tm.tm_gmtoff;
	}
	return rc;
}

void
moment_iso(const struct moment *m, char out[32])
{
	long off = m->utcoff < 0 ? -m->utcoff : m->utcoff;

	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", m->y,
	    m->m, m->d, m->hh, m->mm, m->ss, m->utcoff < 0 ? '-' : '+',
	    (off / 3600) % 100, (off / 60) % 60);
}

/* Days from civil, after Howard Hinnant's public-domain algorithm. */
long
date_to_days(struct date dt)
{
	long y = dt.y - (dt.m <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153L * (dt.m + (dt.m > 2 ? -3 : 9)) + 2) / 5 + dt.d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

struct date
date_from_days(long z)
{
	struct date dt;
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	dt.d = (int)(doy - (153 * mp + 2) / 5 + 1);
	dt.m = (int)(mp < 10 ? mp + 3 : mp - 9);
	dt.y = (int)(yoe + era * 400 + (dt.m <= 2));
	return dt;
}

int
date_weekday(struct date dt)
{
	long z = date_to_days(dt);

	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	return (int)(((z % 7) + 7 + 3) % 7);
}

struct date
date_add(struct date dt, long days)
{
	return date_from_days(date_to_days(dt) + days);
}

int
date_cmp(struct date a, struct date b)
{
	long x = date_to_days(a), y = date_to_days(b);

	return x < y ? -1 : x > y;
}

void
date_iso(struct date dt, char out[11])
{
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)dt.y % 10000u,
	    (unsigned)dt.m % 100u, (unsigned)dt.d % 100u);
}

int
date_days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
		31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

static int
digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int
date_parse(const char *s, struct date *dt)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    digits(s, 4, &dt->y) || digits(s + 5, 2, &dt->m) ||
	    digits(s + 8, 2, &dt->d))
		return -1;
	if (dt->y < 1900 || dt->m < 1 || dt->m > 12 || dt->d < 1 ||
	    dt->d > date_days_in_month(dt->y, dt->m))
		return -1;
	return 0;
}

int
iso_parse(const char *s, time_t *out)
{
	struct date dt;
	char d[11];
	int hh, mm, ss = 0, oh, om;
	long off = 0;
	const char *p;

	if (strlen(s) < 16 || (s[10] != 'T' && s[10] != ' '))
		return -1;
	memcpy(d, s, 10);
	d[10] = '\0';
	if (date_parse(d, &dt) == -1)
		return -1;
	p = s + 11;
	if (digits(p, 2, &hh) || p[2] != ':' || digits(p + 3, 2, &mm))
		return -1;
	p += 5;
	if (*p == ':') {
		if (digits(p + 1, 2, &ss))
			return -1;
		p += 3;
		if (*p == '.')
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
	}
	if (hh > 23 || mm > 59 || ss > 60)
		return -1;
	if (*p == 'Z' && p[1] == '\0')
		off = 0;
	else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':' &&
	    !digits(p + 1, 2, &oh) && !digits(p + 4, 2, &om) && oh < 15 &&
	    om < 60)
		off = (*p == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
	else
		return -1;
	*out = (time_t)(date_to_days(dt) * 86400L + hh * 3600L + mm * 60L + ss -
	    off);
	return 0;
}

time_t
clock_now(void)
{
	return time(NULL) +
	    (time_t)__atomic_load_n(&clock_offset, __ATOMIC_RELAXED);
}

void
clock_set_offset(long long seconds)
{
	__atomic_store_n(&clock_offset, seconds, __ATOMIC_RELAXED);
}

int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
mono_cond_init(pthread_cond_t *c)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(c, &ca);
	pthread_condattr_destroy(&ca);
}

void
mono_deadline(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}
