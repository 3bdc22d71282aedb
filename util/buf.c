/* Bounded growable buffers and small string helpers. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/util.h"

void
buf_init(struct buf *b, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->cap = cap;
}

static int
buf_grow(struct buf *b, size_t need)
{
	size_t nsize;
	char *p;

	if (need > b->cap || need == SIZE_MAX)
		return -1;
	if (need + 1 <= b->size)
		return 0;
	nsize = b->size ? b->size : 256;
	while (nsize < need + 1)
		nsize *= 2;
	if (nsize > b->cap + 1)
		nsize = b->cap + 1;
	if ((p = realloc(b->data, nsize)) == NULL)
		return -1;
	b->data = p;
	b->size = nsize;
	return 0;
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (n > b->cap - b->len || buf_grow(b, b->len + n) == -1)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n > b->cap - b->len ||
	    buf_grow(b, b->len + (size_t)n) == -1)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, b->size - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->size = 0;
}

char *
buf_release(struct buf *b, size_t *lenp)
{
	char *p = b->data;

	if (p == NULL)
		p = calloc(1, 1);
	if (lenp)
		*lenp = b->len;
	b->data = NULL;
	b->len = b->size = 0;
	return p;
}

char *
read_whole_file(
    const char *path, size_t cap, size_t *lenp, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL, *ret = NULL;
	FILE *f;
	size_t n;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(
		    err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if ((size_t)st.st_size > cap) {
		snprintf(err, errlen, "%s: larger than %zu bytes", path, cap);
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	n = fread(buf, 1, (size_t)st.st_size + 1, f);
	if (ferror(f) || n != (size_t)st.st_size) {
		snprintf(err, errlen,
		    "%s: read error, or the file changed "
		    "while read",
		    path);
		goto out;
	}
	buf[n] = '\0';
	if (lenp)
		*lenp = n;
	ret = buf;
	buf = NULL;
out:
	free(buf);
	fclose(f);
	return ret;
}

size_t
utf8_dec(const char *str, size_t n, uint32_t *cpp)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t k, need;
	uint32_t cp, min;

	if (cpp)
		*cpp = 0xfffd;
	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		if (cpp)
			*cpp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 1, cp = s[0] & 0x1f, min = 0x80;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 2, cp = s[0] & 0x0f, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 3, cp = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (n <= need)
		return 0;
	for (k = 1; k <= need; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	if (cpp)
		*cpp = cp;
	return need + 1;
}

int
utf8_valid(const char *str, size_t n, size_t *bad)
{
	size_t i = 0, k;

	while (i < n) {
		if ((k = utf8_dec(str + i, n - i, NULL)) == 0) {
			if (bad)
				*bad = i;
			return 0;
		}
		i += k;
	}
	return 1;
}

size_t
utf8_chars(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

void
verrf(char *dst, size_t len, const char *fmt, va_list ap)
{
	if (dst == NULL || len == 0)
		return;
	vsnprintf(dst, len, fmt, ap);
	utf8_trim(dst);
}

void
errf(char *dst, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verrf(dst, len, fmt, ap);
	va_end(ap);
}

char *
str_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s &&
	    (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

int
utf8_refused(uint32_t cp)
{
	return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
	    (cp >= 0x7f && cp <= 0x9f) || cp == 0xfffe || cp == 0xffff;
}

int
utf8_text(const char *str, size_t n, size_t *bad)
{
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		if ((k = utf8_dec(str + i, n - i, &cp)) == 0 ||
		    utf8_refused(cp)) {
			if (bad)
				*bad = i;
			return 0;
		}
		i += k;
	}
	return 1;
}

void
utf8_trim(char *s)
{
	size_t n = strlen(s), i, need;
	unsigned char c;

	if (n == 0)
		return;
	/* Find the lead byte of the last sequence. */
	i = n;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80 && n - i < 4)
		i--;
	if (i == 0)
		return;
	c = (unsigned char)s[i - 1];
	if (c < 0x80)
		return;
	need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	if (n - (i - 1) < need)
		s[i - 1] = '\0';
}

int
strlcpy_chk(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size == 0)
		return -1;
	if (n >= size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		utf8_trim(dst);
		return -1;
	}
	memcpy(dst, src, n + 1);
	return 0;
}

int
parse_ll(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0' || *s == ' ' || *s == '+')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
buf_csv_field(struct buf *b, const char *s, int last)
{
	int rc = buf_puts(b, "\"");

	if (rc == 0 && s && strchr("=+-@\t\r", *s) != NULL && *s != '\0')
		rc = buf_puts(b, "'");
	for (; rc == 0 && s && *s; s++)
		rc = *s == '"' ? buf_puts(b, "\"\"") : buf_add(b, s, 1);
	if (rc == 0)
		rc = buf_puts(b, last ? "\"\r\n" : "\",");
	return rc;
}
