DAEMON_SRCS += daemon/main.c daemon/priv.c daemon/service.c
LIB_SRCS += daemon/conf.c daemon/httpd.c daemon/guard.c daemon/routes.c \
	daemon/route_health.c daemon/route_complaints.c \
	daemon/route_talons.c daemon/route_staff.c daemon/route_notify.c \
	daemon/route_directory.c daemon/route_journal.c \
	daemon/route_metrics.c daemon/desk.c daemon/route_desk.c
MAN_PAGES += man/complaintsd.8 man/complaintsd.conf.5
UNIT_TESTS += tests/unit/test_httpd.c
# sd_notify(3): readiness, reload, stop and the watchdog under systemd.
PKGS += libsystemd jansson
# Filing online.
LIB_SRCS += daemon/route_filing.c daemon/route_file.c daemon/route_open311.c
LIB_SRCS += daemon/route_reports.c daemon/route_desk_reports.c
LIB_SRCS += daemon/route_backup.c
