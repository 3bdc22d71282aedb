/*
 * fuzz_router: the request router of daemon/httpd.c (httpd_route_match,
 * which the access handler calls on every request).  The input is
 * "METHOD\nURL"; the first byte also picks the size of the Allow
 * buffer, to exercise its truncation.
 *
 * Invariants: the segments are at most HTTPD_MAX_SEGMENTS, none empty,
 * none with a '/', each shorter than HTTPD_SEGMENT_LEN, and together
 * they spell the path (a trailing '/' aside); HEAD finds what GET
 * finds; a 405's Allow never names the method asked; Allow always ends
 * within its buffer.
 */
#include <string.h>

#include "daemon/httpd.h"
#include "fuzz/fuzz_common.h"

static void
check_segments(
    const char *url, char seg[HTTPD_MAX_SEGMENTS][HTTPD_SEGMENT_LEN], int nseg)
{
	char path[HTTPD_MAX_SEGMENTS * HTTPD_SEGMENT_LEN + 2];
	size_t n = 0, ul = strlen(url);

	FUZZ_CHECK(nseg >= 0 && nseg <= HTTPD_MAX_SEGMENTS);
	path[0] = '\0';
	for (int i = 0; i < nseg; i++) {
		size_t sl = strnlen(seg[i], HTTPD_SEGMENT_LEN);

		FUZZ_CHECK(sl > 0 && sl < HTTPD_SEGMENT_LEN);
		FUZZ_CHECK(strchr(seg[i], '/') == NULL);
		path[n++] = '/';
		memcpy(path + n, seg[i], sl);
		n += sl;
	}
	path[n] = '\0';
	if (nseg == 0)
		FUZZ_CHECK(strcmp(url, "/") == 0);
	else
		FUZZ_CHECK(strcmp(url, path) == 0 ||
		    (ul == n + 1 && strncmp(url, path, n) == 0 &&
			url[n] == '/'));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char seg[HTTPD_MAX_SEGMENTS][HTTPD_SEGMENT_LEN];
	char seg2[HTTPD_MAX_SEGMENTS][HTTPD_SEGMENT_LEN];
	char allowed[160], allowed2[160];
	char *s, *method, *url, *nl;
	size_t alen;
	int i, j, nseg = -1, nseg2 = -1;

	if (size < 1)
		return 0;
	alen = 1 + data[0] % 128;
	s = fuzz_string(data + 1, size - 1);
	method = s;
	if ((nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		url = nl + 1;
	} else
		url = "/healthz";
	memset(allowed, 0x55, sizeof(allowed));
	i = httpd_route_match(method, url, seg, &nseg, allowed, alen);
	FUZZ_CHECK(i >= -1 && i < 1000);
	FUZZ_CHECK(memchr(allowed, '\0', alen) != NULL);
	if (i >= 0) {
		check_segments(url, seg, nseg);
		if (strcmp(method, "GET") == 0) {
			j = httpd_route_match("HEAD", url, seg2, &nseg2,
			    allowed2, sizeof(allowed2));
			FUZZ_CHECK(j == i && nseg2 == nseg);
		}
	} else if (allowed[0] != '\0') {
		/* 405: the path has routes, none for this method. */
		check_segments(url, seg, nseg);
		if (alen == 128) {
			char *tok, *save = NULL;

			for (tok = strtok_r(allowed, ", ", &save); tok != NULL;
			     tok = strtok_r(NULL, ", ", &save))
				FUZZ_CHECK(strcmp(tok, method) != 0);
		}
	}
	free(s);
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}
