CTL_SRCS += ctl/main.c ctl/http.c ctl/cmd_complaint.c
MAN_PAGES += man/complaintctl.1
