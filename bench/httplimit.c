/*
 * httplimit: the limit of the HTTP layer.  libmicrohttpd with the flags,
 * options and thread-pool size of complaintsd (httpd_serve in
 * daemon/httpd.c), answering every request with one constant <status>
 * document, built per request the way complaintsd answers (a buffer
 * copied into the response, the same three headers).  What complaintsd
 * reaches over this is the cost of everything else.
 *
 *   httplimit [-t threads] [-c max_connections] -p port_file
 *
 * Listens on 127.0.0.1, on a free port written to port_file; SIGTERM or
 * SIGINT stops it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

static const char doc[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<status>\n"
    "  <number>2024-429581288-1</number>\n"
    "  <state>closed</state>\n"
    "  <body code=\"almaty-zhetysu\" name-ru=\"Отдел образования "
    "Жетысуского района\">Жетісу ауданының білім бөлімі</body>\n"
    "  <accepted-at>2024-01-01T09:00:00+06:00</accepted-at>\n"
    "  <due>2024-01-24</due>\n"
    "</status>\n";

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct MHD_Response *resp;
	enum MHD_Result rc;
	static int first;

	(void)cls;
	(void)url;
	(void)method;
	(void)version;
	(void)upload_data;
	if (*con_cls == NULL) { /* the headers: wait for any body */
		*con_cls = &first;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	resp = MHD_create_response_from_buffer(
	    sizeof(doc) - 1, (void *)(uintptr_t)doc, MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(
	    resp, "Content-Type", "application/xml; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	rc = MHD_queue_response(conn, 200, resp);
	MHD_destroy_response(resp);
	return rc;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: httplimit [-t threads] [-c max_connections] "
	    "-p port_file\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	const union MHD_DaemonInfo *info;
	struct sockaddr_in sin;
	struct MHD_Daemon *d;
	const char *port_file = NULL;
	unsigned threads = 4, maxconn = 512;
	char tmp[1100];
	sigset_t set;
	FILE *f;
	int ch, sig;

	while ((ch = getopt(argc, argv, "c:p:t:")) != -1) {
		switch (ch) {
		case 'c':
			maxconn = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'p':
			port_file = optarg;
			break;
		case 't':
			threads = (unsigned)strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (port_file == NULL || strlen(port_file) > 1000 || threads < 1 ||
	    maxconn < 4)
		usage();
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = 0;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
		MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC | MHD_USE_ERROR_LOG,
	    0, NULL, NULL, access_cb, NULL, MHD_OPTION_SOCK_ADDR, &sin,
	    MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
	    maxconn, MHD_OPTION_PER_IP_CONNECTION_LIMIT, 0u,
	    MHD_OPTION_CONNECTION_TIMEOUT, 30u,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32 * 1024,
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "httplimit: cannot listen\n");
		return 1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	snprintf(tmp, sizeof(tmp), "%s.tmp", port_file);
	if (info == NULL || (f = fopen(tmp, "w")) == NULL) {
		fprintf(stderr, "httplimit: %s\n", tmp);
		return 1;
	}
	fprintf(f, "%u\n", (unsigned)info->port);
	if (fclose(f) != 0 || rename(tmp, port_file) == -1)
		return 1;
	while (sigwait(&set, &sig) != 0)
		;
	MHD_stop_daemon(d);
	return 0;
}
