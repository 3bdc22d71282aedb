/*
 * Unit tests: the route table of daemon/ (routes.c) and its match.
 * Every row has an access rule, a handler and, for a route that reads a
 * body, a kind of body; every row is found by its own method and path;
 * no two rows answer the same request.  The expected answers are worked
 * out here from the pattern, not by the router.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "daemon/httpd_int.h"

/* A path that only this pattern matches: "*" becomes a number. */
static void
example(const char *pattern, char *out, size_t len)
{
	size_t n = 0;

	for (const char *p = pattern; *p && n + 4 < len; p++) {
		if (*p == '*') {
			memcpy(out + n, "123", 3);
			n += 3;
		} else
			out[n++] = *p;
	}
	out[n] = '\0';
}

static void
every_route_has_an_access_rule(void **state)
{
	(void)state;
	assert_true(httpd_nroutes > 0);
	for (size_t i = 0; i < httpd_nroutes; i++) {
		const struct route *rt = &httpd_routes[i];

		if (rt->access != PUBLIC && rt->access != LIMITED &&
		    rt->access != STAFF && rt->access != DESK)
			fail_msg(
			    "%s %s: no access rule", rt->method, rt->pattern);
		assert_non_null(rt->fn);
		assert_true(rt->pattern[0] == '/');
		/* Only a POST or a PUT reads a body. */
		if (rt->body != BODY_NONE)
			assert_string_equal(rt->method, "POST");
	}
}

static void
every_route_is_found(void **state)
{
	char seg[HTTPD_MAX_SEGMENTS][HTTPD_SEGMENT_LEN], path[256];
	char allowed[128];
	int nseg;

	(void)state;
	for (size_t i = 0; i < httpd_nroutes; i++) {
		example(httpd_routes[i].pattern, path, sizeof(path));
		assert_int_equal(httpd_route_match(httpd_routes[i].method, path,
				     seg, &nseg, allowed, sizeof(allowed)),
		    (int)i);
		if (strcmp(httpd_routes[i].method, "GET") == 0)
			assert_int_equal(httpd_route_match("HEAD", path, seg,
					     &nseg, allowed, sizeof(allowed)),
			    (int)i);
	}
}

static void
no_two_rows_answer_one_request(void **state)
{
	(void)state;
	for (size_t i = 0; i < httpd_nroutes; i++)
		for (size_t j = i + 1; j < httpd_nroutes; j++)
			if (strcmp(httpd_routes[i].method,
				httpd_routes[j].method) == 0 &&
			    strcmp(httpd_routes[i].pattern,
				httpd_routes[j].pattern) == 0)
				fail_msg("%s %s twice", httpd_routes[i].method,
				    httpd_routes[i].pattern);
}

static void
unknown_paths_and_methods(void **state)
{
	char seg[HTTPD_MAX_SEGMENTS][HTTPD_SEGMENT_LEN], allowed[128];
	int nseg;

	(void)state;
	assert_int_equal(httpd_route_match("GET", "/nowhere", seg, &nseg,
			     allowed, sizeof(allowed)),
	    -1);
	assert_string_equal(allowed, "");
	/* /api/v1/session has POST, GET and DELETE, in the table's order. */
	assert_int_equal(httpd_route_match("PUT", "/api/v1/session", seg, &nseg,
			     allowed, sizeof(allowed)),
	    -1);
	assert_string_equal(allowed, "POST, GET, DELETE");
	assert_int_equal(httpd_route_match("GET", "/api/v1//session", seg,
			     &nseg, allowed, sizeof(allowed)),
	    -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_route_has_an_access_rule),
		cmocka_unit_test(every_route_is_found),
		cmocka_unit_test(no_two_rows_answer_one_request),
		cmocka_unit_test(unknown_paths_and_methods),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
