/*
 * route_health: GET /healthz, for load balancers and the service manager.
 */
#include "daemon/httpd_int.h"

enum MHD_Result
route_health(struct req *r)
{
	return httpd_respond(r, 200, "text/plain; charset=utf-8", "ok\n", 3);
}
