DAEMON_SRCS += daemon/main.c
LIB_SRCS += daemon/conf.c daemon/httpd.c
MAN_PAGES += man/complaintsd.8 man/complaintsd.conf.5
