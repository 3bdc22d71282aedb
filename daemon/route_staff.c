/*
 * route_staff: sessions, API tokens and accounts.
 *
 *	POST   /api/v1/session			sign in (a write), public
 *	GET    /api/v1/session			who am I
 *	DELETE /api/v1/session			sign out (a write)
 *	POST   /api/v1/tokens			a new API token (a write)
 *	GET    /api/v1/tokens			mine
 *	DELETE /api/v1/tokens/{id}		revoke (a write)
 *	GET    /api/v1/users			accounts, administrators only
 *	POST   /api/v1/users			open one (a write)
 *	POST   /api/v1/users/{login}/disable	a write
 *	POST   /api/v1/users/{login}/password	a write
 *
 * The values of the documents read here (passwords among them) stay in
 * the request until it ends and are wiped then.
 */
#include "daemon/httpd_int.h"

enum MHD_Result
route_sign_in(struct req *r)
{
	static const char *const names[] = { "login", "password" };
	struct complaints_error e;
	enum MHD_Result rc;

	if (httpd_read_doc(r, "sign-in", names, 2, &rc) == -1)
		return rc;
	return httpd_write(r,
	    complaints_sign_in_begin(
		r->h->cx, r->v[0], r->v[1], r->client, COMPLAINTS_DOOR_API, &e),
	    201, &e);
}

enum MHD_Result
route_me(struct req *r)
{
	struct complaints_error e;
	struct buf b;

	buf_init(&b, 16 * 1024);
	return httpd_answer(r, complaints_whoami(r->who, &b, &e), 200, &b, &e);
}

enum MHD_Result
route_sign_out(struct req *r)
{
	struct complaints_error e;

	return httpd_write(
	    r, complaints_sign_out_begin(r->h->cx, r->who, &e), 204, &e);
}

enum MHD_Result
route_token_new(struct req *r)
{
	static const char *const names[] = { "label", "days" };
	struct complaints_error e;
	long long days = 0;
	enum MHD_Result rc;

	if (httpd_read_doc(r, "token-request", names, 2, &rc) == -1)
		return rc;
	if (r->v[1])
		parse_ll(r->v[1], 1, 3650, &days);
	return httpd_write(r,
	    complaints_token_create_begin(
		r->h->cx, r->who, r->v[0], (int)days, &e),
	    201, &e);
}

enum MHD_Result
route_token_list(struct req *r)
{
	struct complaints_error e;
	struct buf b;

	buf_init(&b, 256 * 1024);
	return httpd_answer(
	    r, complaints_token_list(r->h->cx, r->who, &b, &e), 200, &b, &e);
}

enum MHD_Result
route_token_revoke(struct req *r)
{
	struct complaints_error e;
	long long id;

	if (parse_ll(r->seg[3], 1, INT64_MAX, &id) == -1)
		return httpd_fail(
		    r, 404, "no-such-token", "no token %s", r->seg[3]);
	return httpd_write(r,
	    complaints_token_revoke_begin(r->h->cx, r->who, id, &e), 204, &e);
}

enum MHD_Result
route_users(struct req *r)
{
	struct complaints_error e;
	struct buf b;

	if (r->who->role != COMPLAINTS_ROLE_ADMIN)
		return httpd_fail(r, 403, "forbidden",
		    "only an administrator "
		    "lists accounts");
	buf_init(&b, 4 * 1024 * 1024);
	return httpd_answer(
	    r, complaints_staff_list(r->h->cx, &b, &e), 200, &b, &e);
}

enum MHD_Result
route_user_add(struct req *r)
{
	static const char *const names[] = { "login", "name", "position",
		"body", "role", "password", "surname", "given-name",
		"patronymic" };
	struct complaints_error e;
	struct complaints_name parts;
	enum MHD_Result rc;

	if (r->who->role != COMPLAINTS_ROLE_ADMIN)
		return httpd_fail(r, 403, "forbidden",
		    "only an administrator "
		    "opens accounts");
	if (httpd_read_doc(r, "account", names, 9, &rc) == -1)
		return rc;
	/* The full name, or its parts (account.xsd allows one of them). */
	parts.surname = r->v[6];
	parts.given = r->v[7];
	parts.patronymic = r->v[8];
	return httpd_write(r,
	    complaints_staff_add_begin(r->h->cx, r->who, r->v[0], r->v[1],
		r->v[6] ? &parts : NULL, r->v[2], r->v[3], r->v[4], r->v[5],
		&e),
	    201, &e);
}

enum MHD_Result
route_user_disable(struct req *r)
{
	struct complaints_error e;

	return httpd_write(r,
	    complaints_staff_disable_begin(r->h->cx, r->who, r->seg[3], &e),
	    204, &e);
}

enum MHD_Result
route_user_password(struct req *r)
{
	static const char *const names[] = { "password" };
	struct complaints_error e;
	enum MHD_Result rc;

	if (httpd_read_doc(r, "password-change", names, 1, &rc) == -1)
		return rc;
	return httpd_write(r,
	    complaints_staff_passwd_begin(
		r->h->cx, r->who, r->seg[3], r->v[0], &e),
	    204, &e);
}
