CTL_SRCS += ctl/main.c ctl/http.c ctl/cmd_complaint.c ctl/cmd_action.c \
	ctl/cmd_case.c ctl/cmd_directory.c ctl/cmd_user.c \
	ctl/cmd_notify.c ctl/env.c ctl/cmd_backup.c ctl/cmd_report.c
MAN_PAGES += man/complaintctl.1
