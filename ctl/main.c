/* complaintctl: dispatch. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "ctl/ctl.h"

struct ctl_opts ctl_opts;

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *args;
	const char *help;
} cmds[] = {
	{ "notify", cmd_notify, "list|failed|resend|to-post|letter ...",
	    "notifications: failed ones, sending again, by post" },
	{ "post", cmd_post, "batch --body B --date D [-o DIR] | sent ID",
	    "the day's letters and postal register; a letter posted" },
	{ "slip", cmd_slip, "NUMBER [--code C] [--text | -o FILE.pdf]",
	    "print a talon slip (A6 PDF or receipt-printer text)" },
	{ "login", cmd_login, "LOGIN [--password-stdin]",
	    "sign in; the session token is kept for the next commands" },
	{ "logout", cmd_logout, "", "end the session" },
	{ "token", cmd_token, "new LABEL [DAYS] | list | revoke ID",
	    "API tokens for scripts" },
	{ "user", cmd_user, "add|passwd|disable|list LOGIN [options]",
	    "staff accounts (--data-dir: on the server's own database)" },
	{ "register", cmd_register, "FILE.xml",
	    "register a complaint and print its talon" },
	{ "talon", cmd_talon, "NUMBER",
	    "print a talon again (without its access code)" },
	{ "status", cmd_status, "NUMBER", "print a talon's status" },
	{ "deadline", cmd_deadline,
	    "--rules NAME --from YYYY-MM-DD [--at HH:MM] [--extended]",
	    "print the due date under a rule set" },
	{ "case", cmd_case, "ID|TALON",
	    "print a complaint's record: fields, talons, events" },
	{ "list", cmd_list,
	    "[--body B] [--state S] [--service N] "
	    "[--overdue]\n            [--from D] [--to D] [--limit N] "
	    "[--after ID]",
	    "list complaints, one a line" },
	{ "overdue", cmd_overdue, "[--body B]", "list the overdue complaints" },
	{ "assign", cmd_action, "ID --assignee NAME [--note TEXT]",
	    "assign the complaint to an official" },
	{ "forward", cmd_action, "ID --to BODY --reason TEXT",
	    "forward the complaint to the competent body" },
	{ "extend", cmd_action, "ID --reason TEXT [--until YYYY-MM-DD]",
	    "extend the term of consideration" },
	{ "decide", cmd_action, "ID --outcome OUTCOME --reasoning TEXT",
	    "record the decision (upheld, partly-upheld, rejected, "
	    "explained)" },
	{ "appeal", cmd_action,
	    "ID --channel CHANNEL --reasons TEXT "
	    "[--demands TEXT]\n            [--received-at ISO8601]",
	    "register an appeal against the decision" },
	{ "withdraw", cmd_action, "ID [--reason TEXT]",
	    "the applicant withdrew the complaint" },
	{ "leave", cmd_action,
	    "ID --ground anonymous|repeated "
	    "[--reason TEXT]",
	    "leave the complaint without consideration" },
	{ "note", cmd_action, "ID --text TEXT", "add a note to the case" },
	{ "answer", cmd_action,
	    "ID --channel post|email|in-person "
	    "[--note TEXT]",
	    "record that the answer was sent" },
	{ "close", cmd_action, "ID [--reason TEXT]", "close the case" },
	{ "journal", cmd_journal, "--body B --year Y [--csv] [-o FILE]",
	    "export a body's incoming-correspondence journal" },
	{ "report", cmd_report,
	    "[--from D] [--to D] [--body B] [--service N] "
	    "[--group G]\n        [--format text|csv|xlsx|xml] [-o FILE]",
	    "the figures of a period (see complaintsd(8), REPORTS)" },
	{ "verify", cmd_verify, "",
	    "check the journal and the audit trail for tampering" },
	{ "backup", cmd_backup, "[--data-dir DIR] [--with-keys] FILE",
	    "a verified copy of the server's store (the daemon may run)" },
	{ "restore", cmd_backup, "--data-dir DIR [--force] FILE",
	    "put a verified copy back (the daemon stopped)" },
	{ "directory", cmd_directory,
	    "search TEXT... | show CODE |\n"
	    "            load [--force] [--data-dir DIR] [--schema-dir DIR] "
	    "[FILE]",
	    "look up bodies and institutions; load directory.xml" },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

int
ctl_bad_option(const char *cmd, int ch, char **argv)
{
	const char *opt = optind > 0 ? argv[optind - 1] : "?";

	if (ch == ':')
		fprintf(
		    stderr, "complaintctl: %s: %s needs a value\n", cmd, opt);
	else if (optopt != 0 && optopt < 256 && strncmp(opt, "--", 2) != 0)
		fprintf(stderr, "complaintctl: %s: unknown option -%c\n", cmd,
		    optopt);
	else
		fprintf(
		    stderr, "complaintctl: %s: unknown option %s\n", cmd, opt);
	return CTL_USAGE;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: complaintctl [-x] [-u URL] COMMAND [ARGS]\n\n");
	for (size_t i = 0; i < NCMDS; i++)
		fprintf(f, "  %-9s %s\n  %9s   %s\n", cmds[i].name,
		    cmds[i].args, "", cmds[i].help);
	fprintf(f,
	    "\n  the actions (assign ... close) name who acts with "
	    "--by-name NAME,\n  --by-position POS and --by-body CODE, "
	    "by default $COMPLAINTS_NAME,\n  $COMPLAINTS_POSITION and "
	    "$COMPLAINTS_BODY\n");
	fprintf(f,
	    "\n  -u URL   the daemon (default $COMPLAINTS_URL or "
	    "http://127.0.0.1:8080)\n  -x       print XML as received\n"
	    "\nexit status: 0 done, 1 refused by the server, 2 usage, "
	    "3 server unreachable or failed\n");
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = { { "help", no_argument, NULL,
						      'h' },
		{ "url", required_argument, NULL, 'u' }, { NULL, 0, NULL, 0 } };
	int ch, rc;

	ctl_opts.url = getenv("COMPLAINTS_URL");
	if (ctl_opts.url == NULL || *ctl_opts.url == '\0')
		ctl_opts.url = "http://127.0.0.1:8080";
	while ((ch = getopt_long(argc, argv, "+hu:x", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			return CTL_OK;
		case 'u':
			ctl_opts.url = optarg;
			break;
		case 'x':
			ctl_opts.raw = 1;
			break;
		default:
			usage(stderr);
			return CTL_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return CTL_USAGE;
	}
	for (size_t i = 0; i < NCMDS; i++) {
		if (strcmp(argv[0], cmds[i].name) != 0)
			continue;
		curl_global_init(CURL_GLOBAL_DEFAULT);
		/*
		 * 0, not 1: glibc then starts afresh, forgetting the "+"
		 * above, so that a command's options may follow its
		 * arguments.
		 */
		optind = 0;
		rc = cmds[i].fn(argc, argv);
		curl_global_cleanup();
		return rc;
	}
	fprintf(stderr, "complaintctl: unknown command \"%s\"\n", argv[0]);
	usage(stderr);
	return CTL_USAGE;
}
