/*
 * routes: every route of complaintsd with who may call it.
 *
 * Adding a route is one row here and one handler in the route_*.c file
 * of its resource.  A row without an access rule is refused at run time
 * and fails tests/unit/test_httpd.c; tests/integration/test_access.py
 * holds the expected answer of every route for every role and fails
 * when a row here has no rule there.
 */
#include "daemon/httpd_int.h"

const struct route httpd_routes[] = {
	/* method, pattern, access, handler, body, answer */
	{ "GET", "/healthz", PUBLIC, route_health, BODY_NONE, ANSWER_XML },
	/* route_metrics.c: loopback or a monitor's token, checked there */
	{ "GET", "/metrics", PUBLIC, route_metrics, BODY_NONE, ANSWER_XML },
	/* route_complaints.c */
	{ "POST", "/api/v1/complaints", STAFF, route_register, BODY_XML,
	    ANSWER_XML },
	{ "GET", "/api/v1/complaints", STAFF, route_list, BODY_NONE,
	    ANSWER_XML },
	{ "GET", "/api/v1/complaints/*", STAFF, route_record, BODY_NONE,
	    ANSWER_XML },
	{ "POST", "/api/v1/complaints/*/actions", STAFF, route_action, BODY_XML,
	    ANSWER_XML },
	/* route_talons.c */
	{ "GET", "/api/v1/talons/*", LIMITED, route_status, BODY_NONE,
	    ANSWER_XML },
	{ "GET", "/api/v1/talons/*/talon", STAFF, route_talon, BODY_NONE,
	    ANSWER_XML },
	{ "GET", "/api/v1/talons/*/slip", STAFF, route_slip, BODY_NONE,
	    ANSWER_XML },
	{ "GET", "/status", PUBLIC, route_page_form, BODY_NONE, ANSWER_HTML },
	{ "GET", "/status/*", LIMITED, route_page_status, BODY_NONE,
	    ANSWER_HTML },
	{ "POST", "/status", LIMITED, route_page_post, BODY_FORM, ANSWER_HTML },
	{ "GET", "/status.css", PUBLIC, route_page_css, BODY_NONE, ANSWER_XML },
	/* route_desk.c: the staff desk, HTML; its POSTs checked for Origin */
	{ "GET", "/desk/login", PUBLIC, route_desk_login_form, BODY_NONE,
	    ANSWER_DESK },
	{ "POST", "/desk/login", PUBLIC, route_desk_login, BODY_PAGE,
	    ANSWER_DESK },
	{ "POST", "/desk/logout", DESK, route_desk_logout, BODY_PAGE,
	    ANSWER_DESK },
	{ "GET", "/desk/", DESK, route_desk_inbox, BODY_NONE, ANSWER_DESK },
	{ "GET", "/desk/complaints/*", DESK, route_desk_case, BODY_NONE,
	    ANSWER_DESK },
	{ "POST", "/desk/complaints/*/*", DESK, route_desk_act, BODY_PAGE,
	    ANSWER_DESK },
	{ "GET", "/desk/register", DESK, route_desk_register_form, BODY_NONE,
	    ANSWER_DESK },
	{ "POST", "/desk/register", DESK, route_desk_register, BODY_PAGE,
	    ANSWER_DESK },
	{ "POST", "/desk/talons/*/slip", DESK, route_desk_slip, BODY_PAGE,
	    ANSWER_DESK },
	{ "GET", "/desk/post", DESK, route_desk_post, BODY_NONE, ANSWER_DESK },
	{ "GET", "/desk/post/letters/*", DESK, route_desk_letter, BODY_NONE,
	    ANSWER_DESK },
	{ "POST", "/desk/post/letters/*/posted", DESK, route_desk_posted,
	    BODY_PAGE, ANSWER_DESK },
	{ "GET", "/desk/post/register", DESK, route_desk_register_of_post,
	    BODY_NONE, ANSWER_DESK },
	{ "GET", "/desk/escalation", DESK, route_desk_escalation, BODY_NONE,
	    ANSWER_DESK },
	{ "GET", "/desk/admin", DESK, route_desk_admin, BODY_NONE,
	    ANSWER_DESK },
	{ "POST", "/desk/admin/users", DESK, route_desk_admin_act, BODY_PAGE,
	    ANSWER_DESK },
	{ "POST", "/desk/admin/users/*/*", DESK, route_desk_admin_act,
	    BODY_PAGE, ANSWER_DESK },
	/* route_desk_reports.c; the chart and the files are the API's */
	{ "GET", "/desk/reports", DESK, route_desk_reports, BODY_NONE,
	    ANSWER_DESK },
	{ "GET", "/desk/reports/complaints", DESK, route_desk_report_trace,
	    BODY_NONE, ANSWER_DESK },
	{ "GET", "/desk/reports/chart/*", DESK, route_report_chart, BODY_NONE,
	    ANSWER_DESK },
	{ "GET", "/desk/reports/download", DESK, route_report_summary,
	    BODY_NONE, ANSWER_DESK },
	{ "GET", "/desk.css", PUBLIC, route_page_css, BODY_NONE, ANSWER_XML },
	/* route_filing.c */
	{ "POST", "/api/v1/drafts", LIMITED, route_draft, BODY_XML,
	    ANSWER_XML },
	{ "POST", "/api/v1/drafts/confirm", LIMITED, route_draft_confirm,
	    BODY_XML, ANSWER_XML },
	/* route_file.c: the filing form; its POST checked for Origin */
	{ "GET", "/file", PUBLIC, route_file_page, BODY_NONE, ANSWER_DESK },
	{ "POST", "/file", LIMITED, route_file_post, BODY_UPLOAD, ANSWER_DESK },
	{ "GET", "/file/confirm", PUBLIC, route_file_confirm_page, BODY_NONE,
	    ANSWER_HTML },
	{ "POST", "/file/confirm", LIMITED, route_file_confirm, BODY_FORM,
	    ANSWER_HTML },
	{ "POST", "/file/slip", LIMITED, route_file_slip, BODY_FORM,
	    ANSWER_HTML },
	/* route_open311.c: Open311 GeoReport v2; a partner's api_key in
	 * the POST's form, checked there */
	{ "GET", "/open311/v2/*", LIMITED, route_open311_get, BODY_NONE,
	    ANSWER_OPEN311 },
	{ "GET", "/open311/v2/*/*", LIMITED, route_open311_service,
	    BODY_NONE, ANSWER_OPEN311 },
	{ "POST", "/open311/v2/*", LIMITED, route_open311_post, BODY_PAGE,
	    ANSWER_OPEN311 },
	/* complaints-mailgate: loopback only, checked by the handler */
	{ "POST", "/api/v1/mail", PUBLIC, route_mail, BODY_XML, ANSWER_XML },
	{ "GET", "/api/v1/mail", STAFF, route_mail_list, BODY_NONE,
	    ANSWER_XML },
	{ "POST", "/api/v1/mail/*/register", STAFF, route_mail_register,
	    BODY_XML, ANSWER_XML },
	/* route_journal.c */
	{ "GET", "/api/v1/journal", STAFF, route_journal, BODY_NONE,
	    ANSWER_XML },
	{ "GET", "/api/v1/verify", STAFF, route_verify, BODY_NONE, ANSWER_XML },
	/* route_backup.c */
	{ "GET", "/api/v1/backup", STAFF, route_backup, BODY_NONE, ANSWER_XML },
	/* route_reports.c */
	{ "GET", "/api/v1/reports/summary", STAFF, route_report_summary,
	    BODY_NONE, ANSWER_XML },
	{ "GET", "/api/v1/reports/complaints", STAFF, route_report_complaints,
	    BODY_NONE, ANSWER_XML },
	{ "GET", "/api/v1/reports/chart/*", STAFF, route_report_chart,
	    BODY_NONE, ANSWER_XML },
	/* route_directory.c */
	{ "GET", "/api/v1/directory", PUBLIC, route_dir_search, BODY_NONE,
	    ANSWER_XML },
	{ "GET", "/api/v1/directory/*", PUBLIC, route_dir_body, BODY_NONE,
	    ANSWER_XML },
	/* route_staff.c */
	{ "POST", "/api/v1/session", PUBLIC, route_sign_in, BODY_XML,
	    ANSWER_XML },
	{ "GET", "/api/v1/session", STAFF, route_me, BODY_NONE, ANSWER_XML },
	{ "DELETE", "/api/v1/session", STAFF, route_sign_out, BODY_NONE,
	    ANSWER_XML },
	{ "POST", "/api/v1/tokens", STAFF, route_token_new, BODY_XML,
	    ANSWER_XML },
	{ "GET", "/api/v1/tokens", STAFF, route_token_list, BODY_NONE,
	    ANSWER_XML },
	{ "DELETE", "/api/v1/tokens/*", STAFF, route_token_revoke, BODY_NONE,
	    ANSWER_XML },
	{ "GET", "/api/v1/users", STAFF, route_users, BODY_NONE, ANSWER_XML },
	{ "POST", "/api/v1/users", STAFF, route_user_add, BODY_XML,
	    ANSWER_XML },
	{ "POST", "/api/v1/users/*/disable", STAFF, route_user_disable,
	    BODY_NONE, ANSWER_XML },
	{ "POST", "/api/v1/users/*/password", STAFF, route_user_password,
	    BODY_XML, ANSWER_XML },
	/* route_notify.c */
	{ "GET", "/api/v1/notifications", STAFF, route_notifications, BODY_NONE,
	    ANSWER_XML },
	{ "POST", "/api/v1/notifications/*/resend", STAFF, route_nt_resend,
	    BODY_NONE, ANSWER_XML },
	{ "POST", "/api/v1/notifications/*/to-post", STAFF, route_nt_to_post,
	    BODY_NONE, ANSWER_XML },
	{ "GET", "/api/v1/notifications/*/letter", STAFF, route_nt_letter,
	    BODY_NONE, ANSWER_XML },
	{ "POST", "/api/v1/notifications/*/posted", STAFF, route_nt_posted,
	    BODY_NONE, ANSWER_XML },
	{ "GET", "/api/v1/post/register", STAFF, route_post_register, BODY_NONE,
	    ANSWER_XML },
};

const size_t httpd_nroutes = sizeof(httpd_routes) / sizeof(httpd_routes[0]);
