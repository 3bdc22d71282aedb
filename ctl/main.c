/* complaintctl: dispatch. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "ctl/ctl.h"

struct ctl_opts ctl_opts;

static const struct {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*args;
	const char	*help;
} cmds[] = {
	{ "register", cmd_register, "FILE.xml",
	    "register a complaint and print its talon" },
	{ "talon", cmd_talon, "NUMBER",
	    "print a talon again (without its access code)" },
	{ "status", cmd_status, "NUMBER", "print a talon's status" },
	{ "deadline", cmd_deadline,
	    "--rules NAME --from YYYY-MM-DD [--at HH:MM] [--extended]",
	    "print the due date under a rule set" },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void
usage(FILE *f)
{
	fprintf(f, "usage: complaintctl [-x] [-u URL] COMMAND [ARGS]\n\n");
	for (size_t i = 0; i < NCMDS; i++)
		fprintf(f, "  %-9s %s\n  %9s   %s\n", cmds[i].name,
		    cmds[i].args, "", cmds[i].help);
	fprintf(f, "\n  -u URL   the daemon (default $COMPLAINTS_URL or "
	    "http://127.0.0.1:8080)\n  -x       print XML as received\n"
	    "\nexit status: 0 done, 1 refused by the server, 2 usage, "
	    "3 server unreachable or failed\n");
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "url", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 }
	};
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
		optind = 1;
		rc = cmds[i].fn(argc, argv);
		curl_global_cleanup();
		return rc;
	}
	fprintf(stderr, "complaintctl: unknown command \"%s\"\n", argv[0]);
	usage(stderr);
	return CTL_USAGE;
}
